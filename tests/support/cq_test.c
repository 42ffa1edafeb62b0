#define _POSIX_C_SOURCE 200809L
#include "cq_test.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

cq_db *cq_test_open_memory(void)
{
    cq_db *db = NULL;
    cq_error err = { 0 };
    int rc = cq_db_open(&db, "sqlite::memory:", NULL, &err);
    if (rc != CQ_OK) {
        print_error("cq_db_open: %s\n", err.message);
        fail();
    }
    return db;
}

int64_t cq_test_scalar_int(cq_db *db, const char *sql)
{
    cq_value *rows = NULL;
    CQ_ASSERT_OK(db, cq_db_query(&rows, db, sql, NULL, NULL));
    assert_int_equal(cq_value_size(rows), 1);
    cq_value *row = cq_value_array_get(rows, 0);
    int64_t v = cq_value_as_int(cq_value_object_value(row, 0));
    cq_value_free(rows);
    return v;
}

cq_value *cq_test_json(const char *json)
{
    cq_value *v = NULL;
    cq_error err = { 0 };
    if (cq_value_from_json(&v, json, &err) != CQ_OK) {
        print_error("bad JSON in test: %s\n", err.message);
        fail();
    }
    return v;
}

void cq_test_assert_json(const cq_value *v, const char *expected_json)
{
    char *text = NULL;
    assert_int_equal(cq_value_to_json(&text, v, CQ_JSON_COMPACT), CQ_OK);
    if (strcmp(text, expected_json) != 0) {
        print_error("JSON mismatch\n  got:      %s\n  expected: %s\n", text, expected_json);
        cq_free(text);
        fail();
    }
    cq_free(text);
}

static bool is_timestamp_key(const char *k)
{
    return strcmp(k, "createdAt") == 0 || strcmp(k, "updatedAt") == 0;
}

cq_value *cq_test_mask(const cq_value *v, const char *marker)
{
    if (cq_value_type_of(v) == CQ_VALUE_ARRAY) {
        cq_value *a = cq_value_array();
        for (size_t i = 0; i < cq_value_size(v); i++)
            cq_value_array_append(a, cq_test_mask(cq_value_array_get(v, i), marker));
        return a;
    }
    if (cq_value_type_of(v) != CQ_VALUE_OBJECT)
        return cq_value_copy(v);
    cq_value *o = cq_value_object();
    for (size_t i = 0; i < cq_value_size(v); i++) {
        const char *k = cq_value_object_key(v, i);
        const cq_value *x = cq_value_object_value(v, i);
        cq_value_object_set(o, k,
                            is_timestamp_key(k) && !cq_value_is_null(x) ? cq_value_text(marker)
                                                                        : cq_test_mask(x, marker));
    }
    return o;
}

void cq_test_assert_json_sorted(const cq_value *got, const char *expected_json)
{
    cq_value *want = cq_test_json(expected_json);
    char *g = NULL, *w = NULL;
    assert_int_equal(cq_value_to_json(&g, got, CQ_JSON_COMPACT | CQ_JSON_SORT_KEYS), CQ_OK);
    assert_int_equal(cq_value_to_json(&w, want, CQ_JSON_COMPACT | CQ_JSON_SORT_KEYS), CQ_OK);
    cq_value_free(want);
    if (strcmp(g, w) != 0) {
        print_error("JSON mismatch\n  got:      %s\n  expected: %s\n", g, w);
        cq_free(g);
        cq_free(w);
        fail();
    }
    cq_free(g);
    cq_free(w);
}

char *cq_test_temp_db_path(const char *tag)
{
    const char *dir = getenv("CQ_TMPDIR");
    if (!dir)
        dir = "/tmp";
    static unsigned counter;
    char buf[512];
    snprintf(buf, sizeof buf, "%s/cq-%s-%ld-%u.db", dir, tag, (long)getpid(), counter++);
    unlink(buf);
    return strdup(buf);
}

uint64_t cq_test_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void cq_test_sleep_ms(unsigned ms)
{
    struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}
