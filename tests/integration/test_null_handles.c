/* NULL handles: the entry points that take a handle answer a NULL one with CQ_EINVALID (and
 * clear their out-parameters), never a crash. Covers the finders, writers, accessors,
 * transactions and typed getters; the remaining getters (which return NULL/0 for a NULL
 * handle) are not enumerated here yet. */
#define _POSIX_C_SOURCE 200809L
#include "cq_test.h"

static void test_null_handles__finders_and_writers(void **state)
{
    (void)state;
    cq_rows *rows = (cq_rows *)&rows;
    cq_instance *inst = (cq_instance *)&inst;
    int64_t n = 42;
    assert_int_equal(cq_model_find_all(&rows, NULL, NULL), CQ_EINVALID);
    assert_null(rows);
    assert_int_equal(cq_model_find_one(&inst, NULL, NULL), CQ_EINVALID);
    assert_null(inst);
    inst = (cq_instance *)&inst;
    assert_int_equal(cq_model_find_by_pk(&inst, NULL, NULL, NULL), CQ_EINVALID);
    assert_null(inst);
    assert_int_equal(cq_model_count(&n, NULL, NULL), CQ_EINVALID);
    assert_int_equal(n, 0);
    n = 42;
    rows = (cq_rows *)&rows;
    assert_int_equal(cq_model_find_and_count_all(&rows, &n, NULL, NULL), CQ_EINVALID);
    assert_null(rows);
    assert_int_equal(n, 0);
    inst = (cq_instance *)&inst;
    assert_int_equal(cq_model_create(&inst, NULL, NULL, NULL), CQ_EINVALID);
    assert_null(inst);
    rows = (cq_rows *)&rows;
    assert_int_equal(cq_model_bulk_create(&rows, NULL, NULL, NULL), CQ_EINVALID);
    assert_null(rows);
    assert_int_equal(cq_model_update(&n, NULL, NULL, NULL), CQ_EINVALID);
    assert_int_equal(cq_model_destroy(&n, NULL, NULL), CQ_EINVALID);
    assert_int_equal(cq_model_restore(&n, NULL, NULL), CQ_EINVALID);
    assert_int_equal(cq_instance_save(NULL, NULL), CQ_EINVALID);
    assert_int_equal(cq_instance_update(NULL, NULL, NULL), CQ_EINVALID);
    assert_int_equal(cq_instance_destroy(NULL, NULL), CQ_EINVALID);
    assert_int_equal(cq_instance_restore(NULL, NULL), CQ_EINVALID);
    assert_int_equal(cq_instance_reload(NULL, NULL), CQ_EINVALID);
    assert_int_equal(cq_instance_set(NULL, "x", cq_value_int(1)), CQ_EINVALID); /* v freed */
    assert_int_equal(cq_db_sync(NULL, NULL), CQ_EINVALID);
    assert_int_equal(cq_db_drop(NULL, NULL), CQ_EINVALID);
    assert_int_equal(cq_model_sync(NULL, NULL), CQ_EINVALID);
    assert_int_equal(cq_db_query(NULL, NULL, "SELECT 1", NULL, NULL), CQ_EINVALID);
}

static void test_null_handles__getters_accessors_transactions(void **state)
{
    (void)state;
    const char *s = "untouched";
    int64_t i = 0;
    double d = 0;
    bool b = false;
    assert_int_equal(cq_instance_get_text(&s, NULL, "name"), CQ_EINVALID);
    assert_int_equal(cq_instance_get_int(&i, NULL, "id"), CQ_EINVALID);
    assert_int_equal(cq_instance_get_double(&d, NULL, "x"), CQ_EINVALID);
    assert_int_equal(cq_instance_get_bool(&b, NULL, "x"), CQ_EINVALID);
    cq_rows *rows = (cq_rows *)&rows;
    assert_int_equal(cq_assoc_get(&rows, NULL, NULL, NULL), CQ_EINVALID);
    assert_null(rows);
    assert_int_equal(cq_assoc_count(&i, NULL, NULL, NULL), CQ_EINVALID);
    assert_int_equal(cq_assoc_has(&b, NULL, NULL, NULL, 0, NULL), CQ_EINVALID);
    assert_int_equal(cq_assoc_set(NULL, NULL, NULL, 0, NULL), CQ_EINVALID);
    assert_int_equal(cq_assoc_add(NULL, NULL, NULL, 0, NULL), CQ_EINVALID);
    assert_int_equal(cq_assoc_remove(NULL, NULL, NULL, 0, NULL), CQ_EINVALID);
    cq_instance *inst = (cq_instance *)&inst;
    assert_int_equal(cq_assoc_create(&inst, NULL, NULL, NULL, NULL), CQ_EINVALID);
    assert_null(inst);
    cq_txn *t = (cq_txn *)&t;
    assert_int_equal(cq_db_transaction(&t, NULL, NULL), CQ_EINVALID);
    assert_null(t);
    assert_int_equal(cq_txn_commit(NULL), CQ_EINVALID);
    assert_int_equal(cq_txn_rollback(NULL), CQ_EINVALID);
    assert_false(cq_txn_is_open(NULL));
    assert_int_equal(cq_txn_id(NULL), 0);
    cq_txn_free(NULL);
    /* a real instance with a NULL out-parameter is refused the same way */
    cq_db *db = cq_test_open_memory();
    cq_model *m = NULL;
    const cq_attr attrs[] = { { .name = "name", .type = CQ_STRING }, { 0 } };
    CQ_ASSERT_OK(db, cq_db_define(&m, db, "thing", attrs, NULL));
    cq_instance *built = NULL;
    CQ_ASSERT_OK(db, cq_model_build(&built, m, NULL));
    assert_int_equal(cq_instance_get_text(NULL, built, "name"), CQ_EINVALID);
    assert_int_equal(cq_model_count(NULL, m, NULL), CQ_EINVALID);
    cq_instance_free(built);
    cq_db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_null_handles__finders_and_writers),
        cmocka_unit_test(test_null_handles__getters_accessors_transactions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
