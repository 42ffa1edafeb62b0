/* The pool on a mysql server (scripts/test-servers; skipped without one). */
#include "pool_cases.h"
#include "cq_server.h"

static const char *pool_url(void)
{
    return srv_url();
}

static const char *sleep_sql(void)
{
    return "SELECT SLEEP(0.5)";
}

static cq_dialect pool_dialect(void)
{
    return CQ_DIALECT_MYSQL;
}

/* An empty database before each case (srv_setup resets it; its fixture db is not used). */
static int setup(void **state)
{
    int rc = srv_setup(state);
    if (rc == 0)
        srv_teardown(state);
    *state = NULL;
    return rc;
}

int main(void)
{
    int rc = srv_begin(CQ_DIALECT_MYSQL, "test_pool_mysql", "pool_my");
    if (rc != 0)
        return rc;
#undef cmocka_unit_test
#define cmocka_unit_test(f) cmocka_unit_test_setup(f, setup)
    const struct CMUnitTest tests[] = { POOL_CASES };
    return srv_end(cmocka_run_group_tests(tests, NULL, NULL));
}
