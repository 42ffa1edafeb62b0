/*
 * libFuzzer target: arbitrary bytes as a where clause (JSON, as cq_value_from_json reads it)
 * on a small SQLite database in memory: count, findAll with an include whose where is the
 * same clause, findAll ordered and limited, and the clause as a HAVING and as a select list
 * and group (v6's attributes with functions). Each call must end with CQ_OK or an error
 * code with a message, never crash, leak or read out of bounds, and leave the rows as they
 * were.
 *
 * Build: configure with clang and -DCQ_FUZZ=ON (tests/fuzz/CMakeLists.txt), then
 *   ./fuzz_where -max_total_time=300 ../tests/fuzz/corpus-where
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cequel.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct world {
    cq_db *db;
    cq_model *user, *task;
    cq_assoc *tasks;
} world;

static void must(int rc)
{
    if (rc != CQ_OK)
        abort();
}

static void create(cq_model *m, const char *json)
{
    cq_value *v = NULL;
    must(cq_value_from_json(&v, json, NULL));
    must(cq_model_create(NULL, m, v, NULL));
    cq_value_free(v);
}

static const world *setup(void)
{
    static world w;
    if (w.db)
        return &w;
    must(cq_db_open(&w.db, "sqlite::memory:", NULL, NULL));
    const cq_attr user_attrs[] = {
        { .name = "username", .type = CQ_STRING, .unique = true },
        { .name = "age", .type = CQ_INTEGER },
        { .name = "score", .type = CQ_DOUBLE },
        { .name = "active", .type = CQ_BOOLEAN },
        { .name = "born", .type = CQ_DATEONLY },
        { .name = "data", .type = CQ_JSON },
        { .name = "status",
          .type = CQ_ENUM,
          .values = (const char *const[]){ "draft", "live", NULL } },
        { .name = "token", .type = CQ_UUID },
        { 0 },
    };
    const cq_attr task_attrs[] = {
        { .name = "title", .type = CQ_STRING },
        { .name = "done", .type = CQ_BOOLEAN },
        { 0 },
    };
    must(cq_db_define(&w.user, w.db, "user", user_attrs, NULL));
    must(cq_db_define(&w.task, w.db, "task", task_attrs, NULL));
    must(cq_model_has_many(&w.tasks, w.user, w.task, NULL));
    cq_assoc *owner = NULL;
    must(cq_model_belongs_to(&owner, w.task, w.user, NULL));
    must(cq_db_sync(w.db, NULL));
    create(w.user, "{\"username\":\"ada\",\"age\":36,\"score\":1.5,\"active\":true,"
                   "\"born\":\"1815-12-10\",\"data\":{\"k\":[1,2]},\"status\":\"live\","
                   "\"token\":\"3f1e2d3c-4b5a-4697-8a1b-2c3d4e5f6a7b\"}");
    create(w.user, "{\"username\":\"bob\",\"age\":null,\"active\":false}");
    create(w.task, "{\"title\":\"write\",\"done\":false,\"userId\":1}");
    create(w.task, "{\"title\":\"read\",\"done\":true,\"userId\":1}");
    return &w;
}

/* A failed call names its error; the rows stay as they were. */
static void check(const world *w, int rc)
{
    if (rc != CQ_OK && cq_db_error(w->db)->message[0] == '\0')
        abort();
    int64_t users = -1, tasks = -1;
    must(cq_model_count(&users, w->user, NULL));
    must(cq_model_count(&tasks, w->task, NULL));
    if (users != 2 || tasks != 2)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const world *w = setup();
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    cq_value *where = NULL;
    int rc = cq_value_from_json(&where, text, NULL);
    free(text);
    if (rc != CQ_OK)
        return 0;

    int64_t n = -1;
    check(w, cq_model_count(&n, w->user, &(cq_find_opts){ .where = where }));

    cq_rows *rows = NULL;
    const cq_include inc[] = { { .association = w->tasks, .where = where }, { 0 } };
    rc = cq_model_find_all(&rows, w->user, &(cq_find_opts){ .include = inc });
    if (rc != CQ_OK && rows)
        abort();
    cq_rows_free(rows);
    check(w, rc);

    rows = NULL;
    const cq_order order[] = { { .attr = "id", .desc = true }, { 0 } };
    rc = cq_model_find_all(&rows, w->task,
                           &(cq_find_opts){ .where = where, .order = order, .limit = 1 });
    cq_rows_free(rows);
    check(w, rc);

    /* the same clause as a HAVING (aliases, $where with functions), and as a select list */
    static cq_value *sel, *grp;
    if (!sel) {
        must(cq_value_from_json(
            &sel, "[\"username\",[{\"$fn\":[\"COUNT\",{\"$col\":\"id\"}]},\"n\"]]", NULL));
        must(cq_value_from_json(&grp, "[\"username\"]", NULL));
    }
    rows = NULL;
    rc = cq_model_find_all(&rows, w->user,
                           &(cq_find_opts){ .select = sel, .group = grp, .having = where });
    cq_rows_free(rows);
    check(w, rc);
    rows = NULL;
    rc = cq_model_find_all(&rows, w->user, &(cq_find_opts){ .select = where, .group = where });
    cq_rows_free(rows);
    check(w, rc);
    cq_value_free(where);
    return 0;
}
