/* The pool on a postgres server (scripts/test-servers; skipped without one). */
#include "pool_cases.h"
#include "cq_server.h"

static const char *pool_url(void)
{
    return srv_url();
}

static const char *sleep_sql(void)
{
    return "SELECT pg_sleep(0.5)";
}

static cq_dialect pool_dialect(void)
{
    return CQ_DIALECT_POSTGRES;
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
    int rc = srv_begin(CQ_DIALECT_POSTGRES, "test_pool_postgres", "pool_pg");
    if (rc != 0)
        return rc;
#undef cmocka_unit_test
#define cmocka_unit_test(f) cmocka_unit_test_setup(f, setup)
    const struct CMUnitTest tests[] = { POOL_CASES };
    return srv_end(cmocka_run_group_tests(tests, NULL, NULL));
}
