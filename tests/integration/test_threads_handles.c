/* Threads: two threads, each on its own cq_db, at the same time. cequel keeps no mutable
 * global state, so nothing is shared between them: each thread's rows come back complete,
 * and the UUIDV4 defaults both threads draw (from the kernel, no generator state in the
 * library) are all distinct. Run under ThreadSanitizer too, where a shared variable written
 * by both threads is reported. */
#define _POSIX_C_SOURCE 200809L
#include "cq_test.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define ROWS 150

typedef struct worker {
    int index;
    int rc;                  /* first failure, CQ_OK when all went well */
    char message[512];       /* its cq_db_error() text */
    char uuids[ROWS][37];    /* the primary keys the library generated */
    int64_t counted;         /* rows counted back at the end */
    char names[ROWS * 2][8]; /* names read back by findAll, in id order */
    size_t nnames;
} worker;

static int record(worker *w, cq_db *db, int rc)
{
    w->rc = rc;
    snprintf(w->message, sizeof w->message, "%s", db ? cq_db_error(db)->message : "open failed");
    return rc;
}

static void *run(void *arg)
{
    worker *w = arg;
    cq_db *db = NULL;
    cq_error err = { 0 };
    int rc = cq_db_open(&db, "sqlite::memory:", NULL, &err);
    if (rc != CQ_OK) {
        w->rc = rc;
        snprintf(w->message, sizeof w->message, "%s", err.message);
        return NULL;
    }
    const cq_attr attrs[] = {
        { .name = "id", .type = CQ_UUID, .primary_key = true, .default_fn = CQ_DEFAULT_UUIDV4 },
        { .name = "name", .type = CQ_STRING },
        { .name = "seq", .type = CQ_INTEGER },
        { 0 },
    };
    cq_model *item = NULL;
    if ((rc = cq_db_define(&item, db, "item", attrs, NULL)) != CQ_OK ||
        (rc = cq_db_sync(db, NULL)) != CQ_OK) {
        record(w, db, rc);
        goto done;
    }
    for (int i = 0; i < ROWS; i++) {
        char name[8];
        snprintf(name, sizeof name, "%c%d", 'a' + w->index, i);
        cq_value *v = cq_value_object();
        cq_value_object_set(v, "name", cq_value_text(name));
        cq_value_object_set(v, "seq", cq_value_int(i));
        cq_instance *inst = NULL;
        rc = cq_model_create(&inst, item, v, NULL);
        cq_value_free(v);
        const char *id = NULL;
        if (rc == CQ_OK)
            rc = cq_instance_get_text(&id, inst, "id");
        if (rc == CQ_OK)
            snprintf(w->uuids[i], sizeof w->uuids[i], "%s", id);
        cq_instance_free(inst);
        if (rc != CQ_OK) {
            record(w, db, rc);
            goto done;
        }
    }
    if ((rc = cq_model_count(&w->counted, item, NULL)) != CQ_OK) {
        record(w, db, rc);
        goto done;
    }
    cq_rows *rows = NULL;
    rc = cq_model_find_all(&rows, item,
                           &(cq_find_opts){ .order = (cq_order[]){ { .attr = "seq" }, { 0 } } });
    if (rc != CQ_OK) {
        record(w, db, rc);
        goto done;
    }
    for (size_t i = 0; i < cq_rows_count(rows) && w->nnames < ROWS * 2; i++) {
        const char *name = NULL;
        if (cq_instance_get_text(&name, cq_rows_at(rows, i), "name") == CQ_OK)
            snprintf(w->names[w->nnames++], sizeof w->names[0], "%s", name);
    }
    cq_rows_free(rows);
done:
    cq_db_close(db);
    return NULL;
}

static int cmp_uuid(const void *a, const void *b)
{
    return strcmp(a, b);
}

static void test_threads_handles__two_threads_two_dbs(void **state)
{
    (void)state;
    static worker w[2];
    pthread_t th[2];
    for (int i = 0; i < 2; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].index = i;
        assert_int_equal(pthread_create(&th[i], NULL, run, &w[i]), 0);
    }
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    for (int i = 0; i < 2; i++) {
        if (w[i].rc != CQ_OK)
            fail_msg("thread %d: %s: %s", i, cq_error_name(w[i].rc), w[i].message);
        assert_int_equal(w[i].counted, ROWS);
        assert_int_equal(w[i].nnames, ROWS);
        for (int r = 0; r < ROWS; r++) {
            char want[8];
            snprintf(want, sizeof want, "%c%d", 'a' + i, r);
            assert_string_equal(w[i].names[r], want);
        }
    }
    /* all 2 * ROWS generated keys: version-4 UUIDs, no two alike */
    static char all[2 * ROWS][37];
    for (int i = 0; i < 2; i++)
        memcpy(all[i * ROWS], w[i].uuids, sizeof w[i].uuids);
    for (int k = 0; k < 2 * ROWS; k++) {
        assert_int_equal(strlen(all[k]), 36);
        assert_int_equal(all[k][14], '4');
        assert_non_null(strchr("89ab", all[k][19]));
    }
    qsort(all, 2 * ROWS, sizeof all[0], cmp_uuid);
    for (int k = 1; k < 2 * ROWS; k++)
        if (strcmp(all[k - 1], all[k]) == 0)
            fail_msg("the same UUID drawn twice: %s", all[k]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_handles__two_threads_two_dbs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
