/* Allocation failure on SQLite: the representative program of alloc_failure.inc run once for
 * every N, with the Nth allocation failing, until a run makes fewer than N allocations. Every
 * run ends with CQ_ENOMEM or success, leaks nothing and leaves the database as it was. */
#define _POSIX_C_SOURCE 200809L
#include "cq_test.h"

#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include "alloc_failure.inc"

static char db_path[512];

static void reset_file(const char *url)
{
    (void)url;
    unlink(db_path);
    char side[600];
    snprintf(side, sizeof side, "%s-journal", db_path);
    unlink(side);
}

static void test_alloc_failure__every_allocation_sqlite(void **state)
{
    (void)state;
    /* a file (on tmpfs when there is one: no fsync cost), so a second connection can count */
    const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("CQ_TMPDIR");
    snprintf(db_path, sizeof db_path, "%s/cq_alloc_failure_%ld.db", dir ? dir : "/tmp",
             (long)getpid());
    char url[600];
    snprintf(url, sizeof url, "sqlite:%s", db_path);

    assert_int_equal(cq_set_allocator(&hook_allocator), CQ_OK);
    tally t = { 0 };
    run_one(url, reset_file, 0, &t); /* a clean run: how many allocations there are */
    assert_true(t.total > 100);
    long n = 1;
    const char *only = getenv("CQ_ALLOC_FAILURE_N"); /* debugging: one N */
    if (only && *only) {
        run_one(url, reset_file, atol(only), &t);
        assert_int_equal(t.problems, 0);
        return;
    }
    while (run_one(url, reset_file, n, &t))
        n++;
    reset_file(url);
    assert_int_equal(cq_set_allocator(NULL), CQ_OK);
    printf("alloc_failure: sqlite: %ld allocations in the program, N = 1..%ld all run: "
           "%ld CQ_ENOMEM, %ld absorbed and succeeded\n",
           t.total, n - 1, t.enomem, t.survived);
    assert_int_equal(n - 1, t.total);
    assert_int_equal(t.problems, 0);
}

static void test_alloc_failure__set_allocator_needs_all_three(void **state)
{
    (void)state;
    cq_allocator a = hook_allocator;
    a.realloc_fn = NULL;
    assert_int_equal(cq_set_allocator(&a), CQ_EINVALID);
    /* nothing changed: allocations still go to the C library, not the hook */
    long before = hook.count;
    cq_value *v = cq_value_text("x");
    assert_non_null(v);
    cq_value_free(v);
    assert_int_equal(hook.count, before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alloc_failure__set_allocator_needs_all_three),
        cmocka_unit_test(test_alloc_failure__every_allocation_sqlite),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
