/* Shared test helpers: cmocka plus assertions that print cequel's error text. */
#ifndef CQ_TEST_H
#define CQ_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>

#include <cequel.h>

/* Fails the test with cq_db_error(db)->message when `expr` is not CQ_OK. */
#define CQ_ASSERT_OK(db, expr)                                                                     \
    do {                                                                                           \
        int cq__rc = (expr);                                                                       \
        if (cq__rc != CQ_OK) {                                                                     \
            print_error("%s failed: %s (%s): %s\n", #expr, cq_error_name(cq__rc),                  \
                        cq_strerror(cq__rc), (db) ? cq_db_error(db)->message : "");                \
            fail();                                                                                \
        }                                                                                          \
    } while (0)

/* Asserts that `expr` fails with `code`. */
#define CQ_ASSERT_ERR(db, code, expr)                                                              \
    do {                                                                                           \
        int cq__rc = (expr);                                                                       \
        if (cq__rc != (code)) {                                                                    \
            print_error("%s returned %s, expected %s: %s\n", #expr, cq_error_name(cq__rc),         \
                        cq_error_name(code), (db) ? cq_db_error(db)->message : "");                \
            fail();                                                                                \
        }                                                                                          \
    } while (0)

/* Opens a fresh in-memory SQLite database (fails the test on error). */
cq_db *cq_test_open_memory(void);
/* Runs a raw SQL query and returns the single integer it yields (e.g. SELECT count(*)). */
int64_t cq_test_scalar_int(cq_db *db, const char *sql);
/* Parses JSON text into a value (fails the test on error); caller frees. */
cq_value *cq_test_json(const char *json);
/* Asserts that `v` renders to exactly `expected_json` (compact, keys in order). */
void cq_test_assert_json(const cq_value *v, const char *expected_json);
/* Copy of `v` with every non-null createdAt/updatedAt replaced by the text `marker`;
 * caller frees. */
cq_value *cq_test_mask(const cq_value *v, const char *marker);
/* Asserts that `got` and the JSON text `expected_json` are equal with keys sorted (so an
 * expectation may list keys in any order). */
void cq_test_assert_json_sorted(const cq_value *got, const char *expected_json);
/* A monotonic clock in milliseconds. */
uint64_t cq_test_now_ms(void);
/* Sleeps `ms` milliseconds. */
void cq_test_sleep_ms(unsigned ms);
/* A unique temporary file path for a SQLite database; caller frees with free(). */
char *cq_test_temp_db_path(const char *tag);

#endif
