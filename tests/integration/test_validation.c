/* Validation on the write paths on SQLite (in memory); the same bodies run on PostgreSQL
 * (test_validation_postgres.c) and MySQL (test_validation_mysql.c). */
#define _POSIX_C_SOURCE 200809L
#include "validation_body.h"

static int setup(void **state)
{
    cq_db *db = NULL;
    if (cq_db_open(&db, "sqlite::memory:", NULL, NULL) != CQ_OK)
        return -1;
    *state = db;
    return 0;
}

static int teardown(void **state)
{
    cq_db_close(*state);
    return 0;
}

static void test_validation__create(void **state)
{
    vbody_create(*state);
}

static void test_validation__save_and_update(void **state)
{
    vbody_save_and_update(*state);
}

static void test_validation__bulk_create(void **state)
{
    vbody_bulk_create(*state);
}

static void test_validation__nested_create_writes_nothing(void **state)
{
    vbody_nested_create(*state);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_validation__create, setup, teardown),
        cmocka_unit_test_setup_teardown(test_validation__save_and_update, setup, teardown),
        cmocka_unit_test_setup_teardown(test_validation__bulk_create, setup, teardown),
        cmocka_unit_test_setup_teardown(test_validation__nested_create_writes_nothing, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
