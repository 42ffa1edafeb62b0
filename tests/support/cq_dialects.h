/* Runs one cmocka group on every dialect: in-memory SQLite always, then PostgreSQL and
 * MySQL/MariaDB when their URLs are set (see cq_server.h). Each test gets a fresh database
 * whose statements are recorded through the logging hook, with the dialect's identifier
 * quotes removed so one expected text fits the three dialects. */
#ifndef CQ_DIALECTS_H
#define CQ_DIALECTS_H

#include "cq_test.h"

#define DX_MAX_SQL 32

typedef struct dx_fixture {
    cq_db *db;
    cq_dialect dialect;
    char *sql[DX_MAX_SQL]; /* statements other than transaction control, quotes removed */
    size_t n;              /* how many were logged (only the first DX_MAX_SQL are kept) */
    void *server;          /* the server fixture (cq_server.h) */
} dx_fixture;

/* cmocka setup/teardown for the tests of the group: *state becomes a dx_fixture. */
int dx_setup(void **state);
int dx_teardown(void **state);
/* Forgets the statements recorded so far. */
void dx_clear(dx_fixture *f);
/* Asserts that `n` statements were recorded since the last clear. */
void dx_assert_count(dx_fixture *f, size_t n);
/* Asserts that statement i (quotes removed) contains `part`. */
void dx_assert_sql_has(dx_fixture *f, size_t i, const char *part);
/* Runs `sql` (identifiers in double quotes, turned into backquotes on MySQL) and fails the
 * test on error. */
void dx_exec(dx_fixture *f, const char *sql);
/* Asserts that the rows' toJSON text (compact, keys in order) is `expected`. */
void dx_assert_rows(const cq_rows *rows, const char *expected);

/* main() of such a test: runs `tests` on each dialect; returns the exit status (failures
 * counted over the dialects; a missing server is skipped, or fails under CI). */
int dx_run(const char *prog, const struct CMUnitTest *tests, size_t n);
#define DX_RUN(prog, tests) dx_run(prog, tests, sizeof(tests) / sizeof((tests)[0]))

#endif
