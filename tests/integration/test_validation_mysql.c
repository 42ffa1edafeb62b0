/* Validation on the write paths (validation_body.h) on the server of CQ_TEST_MYSQL_URL;
 * exits 77 (skipped) without it. */
#define _POSIX_C_SOURCE 200809L
#include "cq_server.h"
#include "validation_body.h"

static void test_validation_mysql__create(void **state)
{
    vbody_create(srv_fixture_db(state));
}

static void test_validation_mysql__save_and_update(void **state)
{
    vbody_save_and_update(srv_fixture_db(state));
}

static void test_validation_mysql__bulk_create(void **state)
{
    vbody_bulk_create(srv_fixture_db(state));
}

static void test_validation_mysql__nested_create_writes_nothing(void **state)
{
    vbody_nested_create(srv_fixture_db(state));
}

int main(void)
{
    int rc = srv_begin(CQ_DIALECT_MYSQL, "test_validation_mysql", "cq_val");
    if (rc != 0)
        return rc;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_validation_mysql__create, srv_setup, srv_teardown),
        cmocka_unit_test_setup_teardown(test_validation_mysql__save_and_update, srv_setup,
                                        srv_teardown),
        cmocka_unit_test_setup_teardown(test_validation_mysql__bulk_create, srv_setup,
                                        srv_teardown),
        cmocka_unit_test_setup_teardown(test_validation_mysql__nested_create_writes_nothing,
                                        srv_setup, srv_teardown),
    };
    return srv_end(cmocka_run_group_tests(tests, NULL, NULL));
}
