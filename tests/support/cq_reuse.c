#include "cq_reuse.h"

#include <stdio.h>

static int64_t count_of(cq_db *db, cq_model *m)
{
    int64_t n = -1;
    CQ_ASSERT_OK(db, cq_model_count(&n, m, NULL));
    return n;
}

static void create_note(cq_db *db, cq_model *m, const char *text, int want)
{
    char json[128];
    snprintf(json, sizeof json, "{\"text\":\"%s\"}", text);
    cq_value *v = cq_test_json(json);
    CQ_ASSERT_ERR(db, want, cq_model_create(NULL, m, v, NULL));
    cq_value_free(v);
}

/* findAll where id IN (1..k): one statement text per k. */
static size_t count_in(cq_db *db, cq_model *m, int k)
{
    cq_value *ids = cq_value_array();
    for (int i = 1; i <= k; i++)
        assert_int_equal(cq_value_array_append(ids, cq_value_int(i)), CQ_OK);
    cq_value *in = cq_value_object(), *w = cq_value_object();
    assert_int_equal(cq_value_object_set(in, "$in", ids), CQ_OK);
    assert_int_equal(cq_value_object_set(w, "id", in), CQ_OK);
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(db, cq_model_find_all(&rows, m, &(cq_find_opts){ .where = w }));
    size_t n = cq_rows_count(rows);
    cq_rows_free(rows);
    cq_value_free(w);
    return n;
}

void cq_check_statement_reuse(cq_db *db)
{
    cq_model *m = NULL;
    const cq_attr attrs[] = { { .name = "text", .type = CQ_STRING, .unique = true }, { 0 } };
    CQ_ASSERT_OK(db, cq_db_define(&m, db, "note", attrs, NULL));
    CQ_ASSERT_OK(db, cq_model_sync(m, &(cq_sync_opts){ .force = true }));
    /* one INSERT text, many times; a unique violation in between */
    create_note(db, m, "a", CQ_OK);
    create_note(db, m, "b", CQ_OK);
    create_note(db, m, "a", CQ_EUNIQUE);
    create_note(db, m, "c", CQ_OK);
    assert_int_equal(count_of(db, m), 3);
    /* more distinct texts than a cache keeps (64), then the first ones again; the ids are
     * 1, 2 and 3 or 4 (a server may spend an id on the failed insert) */
    cq_rows *all = NULL;
    CQ_ASSERT_OK(db, cq_model_find_all(&all, m, NULL));
    int64_t last = 0;
    for (size_t i = 0; i < cq_rows_count(all); i++) {
        int64_t id = 0;
        CQ_ASSERT_OK(db, cq_instance_get_int(&id, cq_rows_at(all, i), "id"));
        last = id > last ? id : last;
    }
    cq_rows_free(all);
    assert_true(last == 3 || last == 4);
    for (int k = 1; k <= 80; k++)
        assert_int_equal(count_in(db, m, k), k < 3 ? (size_t)k : k < last ? 2 : 3);
    assert_int_equal(count_in(db, m, 1), 1);
    assert_int_equal(count_in(db, m, 2), 2);
    /* the table dropped and created again under the kept statements */
    CQ_ASSERT_OK(db, cq_model_sync(m, &(cq_sync_opts){ .force = true }));
    assert_int_equal(count_of(db, m), 0);
    assert_int_equal(count_in(db, m, 2), 0);
    create_note(db, m, "a", CQ_OK);
    create_note(db, m, "a", CQ_EUNIQUE);
    assert_int_equal(count_of(db, m), 1);
    assert_int_equal(count_in(db, m, 1), 1);
}
