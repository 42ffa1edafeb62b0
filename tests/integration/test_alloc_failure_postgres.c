/* Allocation failure on a server (postgres): the representative program of alloc_failure.inc
 * with the Nth allocation failing, for a sample of N spread over the whole program (every
 * N on SQLite is test_alloc_failure.c; a server run costs a round of DDL each). The same
 * promises: CQ_ENOMEM or success, nothing leaked, the database as it was. */
#define _POSIX_C_SOURCE 200809L
#include "cq_test.h"
#include "cq_server.h"

#include <stdbool.h>
#include <stdio.h>

#define ALLOC_FAILURE_SERVER
#include "alloc_failure.inc"

/* Runs in the sample (CQ_ALLOC_FAILURE_SAMPLE overrides). */
#define SAMPLE 40

static void test_alloc_failure__sample_postgres(void **state)
{
    srv_fixture_db(state); /* an empty database of the run's own */
    const char *url = srv_url();
    assert_int_equal(cq_set_allocator(&hook_allocator), CQ_OK);
    tally t = { 0 };
    run_one(url, drop_tables, 0, &t);
    assert_true(t.total > 100);
    const char *env = getenv("CQ_ALLOC_FAILURE_SAMPLE");
    long k = env && atol(env) > 0 ? atol(env) : SAMPLE;
    /* evenly spread, each shifted by a small odd offset so the sample does not fall on the
     * same position of a repeating pattern */
    long ran = 0;
    for (long i = 0; i < k; i++) {
        long n = 1 + (t.total - 1) * i / k + (i * 7) % 5;
        if (n > t.total)
            n = t.total;
        run_one(url, drop_tables, n, &t);
        ran++;
    }
    drop_tables(url);
    assert_int_equal(cq_set_allocator(NULL), CQ_OK);
    printf("alloc_failure: postgres: %ld allocations in the program, %ld N sampled: "
           "%ld CQ_ENOMEM, %ld absorbed and succeeded\n",
           t.total, ran, t.enomem, t.survived);
    assert_int_equal(t.problems, 0);
}

int main(void)
{
    int rc = srv_begin(CQ_DIALECT_POSTGRES, "test_alloc_failure_postgres", "cq_oom");
    if (rc != 0)
        return rc;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_alloc_failure__sample_postgres, srv_setup,
                                        srv_teardown),
    };
    return srv_end(cmocka_run_group_tests(tests, NULL, NULL));
}
