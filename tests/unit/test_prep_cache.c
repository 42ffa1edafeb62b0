/*
 * The drivers' prepared-statement cache (driver/prep_cache.c): a handle comes back only for
 * the exact text it was kept for, through the list of recent hits and through the hash
 * alike; the least recently used handle is the one replaced; removing and clearing forget.
 */
#include "cq_test.h"

#include <stdio.h>
#include <string.h>

#include "driver/driver.h"

/* Distinct fake handles: the cache never looks behind them. */
static char handles[3 * CQ__PREP_CACHE];

static void *handle(size_t i)
{
    return &handles[i];
}

static void keep(cq__prep_cache *c, const char *sql, size_t i)
{
    bool kept = false;
    assert_null(cq__prep_put(c, sql, handle(i), &kept));
    assert_true(kept);
}

static void text(char *buf, size_t size, size_t i)
{
    snprintf(buf, size, "SELECT `id` FROM `t%zu` WHERE `id` = ?;", i);
}

static int destroyed;
static void count_destroy(void *h)
{
    (void)h;
    destroyed++;
}

/* A short cycle of statements (more than one, fewer than the recent list holds) and a longer
 * one (found through the hash): each text finds its own handle, every time. */
static void test_prep_cache__cycles(void **state)
{
    (void)state;
    cq__prep_cache c = { 0 };
    char sql[64];
    for (size_t i = 0; i < 20; i++) {
        text(sql, sizeof sql, i);
        keep(&c, sql, i);
    }
    for (size_t round = 0; round < 5; round++) {
        for (size_t i = 0; i < 5; i++) { /* within the recent list */
            text(sql, sizeof sql, i);
            assert_ptr_equal(cq__prep_get(&c, sql), handle(i));
        }
        for (size_t i = 0; i < 20; i++) { /* longer than it */
            text(sql, sizeof sql, 19 - i);
            assert_ptr_equal(cq__prep_get(&c, sql), handle(19 - i));
        }
    }
    /* the same length, one byte different; a prefix; a longer text */
    assert_null(cq__prep_get(&c, "SELECT `id` FROM `t1` WHERE `id` = !;"));
    assert_null(cq__prep_get(&c, "SELECT `id` FROM `t1`"));
    assert_null(cq__prep_get(&c, "SELECT `id` FROM `t1` WHERE `id` = ?; "));
    destroyed = 0;
    cq__prep_clear(&c, count_destroy);
    assert_int_equal(destroyed, 20);
    text(sql, sizeof sql, 1);
    assert_null(cq__prep_get(&c, sql));
}

/* A full cache replaces its least recently used handle (handed back to be destroyed), and a
 * recent hit on a replaced slot does not give the new handle for the old text. */
static void test_prep_cache__eviction(void **state)
{
    (void)state;
    cq__prep_cache c = { 0 };
    char sql[64];
    for (size_t i = 0; i < CQ__PREP_CACHE; i++) {
        text(sql, sizeof sql, i);
        keep(&c, sql, i);
    }
    assert_true(cq__prep_full(&c));
    for (size_t i = 1; i < CQ__PREP_CACHE; i++) { /* every one used again but the first */
        text(sql, sizeof sql, i);
        assert_ptr_equal(cq__prep_get(&c, sql), handle(i));
    }
    text(sql, sizeof sql, CQ__PREP_CACHE);
    bool kept = false;
    assert_ptr_equal(cq__prep_put(&c, sql, handle(CQ__PREP_CACHE), &kept), handle(0));
    assert_true(kept);
    assert_ptr_equal(cq__prep_get(&c, sql), handle(CQ__PREP_CACHE));
    text(sql, sizeof sql, 0);
    assert_null(cq__prep_get(&c, sql));
    /* removing a handle forgets its text */
    text(sql, sizeof sql, 7);
    cq__prep_remove(&c, handle(7));
    assert_null(cq__prep_get(&c, sql));
    text(sql, sizeof sql, 8);
    assert_ptr_equal(cq__prep_get(&c, sql), handle(8));
    cq__prep_clear(&c, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prep_cache__cycles),
        cmocka_unit_test(test_prep_cache__eviction),
    };
    return cmocka_run_group_tests_name("prep_cache", tests, NULL, NULL);
}
