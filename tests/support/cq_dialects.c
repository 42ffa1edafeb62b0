#define _POSIX_C_SOURCE 200809L
#include "cq_dialects.h"
#include "cq_server.h"

#include <stdlib.h>
#include <string.h>

static cq_dialect current = CQ_DIALECT_SQLITE;

static bool is_txn_control(const char *sql)
{
    static const char *const words[] = { "BEGIN",     "COMMIT",  "ROLLBACK",
                                         "SAVEPOINT", "RELEASE", "START TRANSACTION" };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strncmp(sql, words[i], strlen(words[i])) == 0)
            return true;
    return false;
}

static void capture(const cq_log_event *ev, void *user_data)
{
    dx_fixture *f = user_data;
    if (ev->kind != CQ_LOG_SQL || is_txn_control(ev->sql))
        return;
    if (f->n < DX_MAX_SQL) {
        char *s = strdup(ev->sql);
        size_t k = 0;
        for (size_t i = 0; s && s[i]; i++)
            if (s[i] != '"' && s[i] != '`')
                s[k++] = s[i];
        if (s)
            s[k] = '\0';
        f->sql[f->n] = s;
    }
    f->n++;
}

void dx_clear(dx_fixture *f)
{
    for (size_t i = 0; i < f->n && i < DX_MAX_SQL; i++)
        free(f->sql[i]);
    f->n = 0;
}

int dx_setup(void **state)
{
    dx_fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    f->dialect = current;
    cq_error err = { 0 };
    const char *url = "sqlite::memory:";
    if (current != CQ_DIALECT_SQLITE) {
        /* an empty database from the server fixture, then a connection of our own */
        if (srv_setup(&f->server) != 0) {
            free(f);
            return -1;
        }
        url = srv_url();
    }
    if (cq_db_open(&f->db, url, &(cq_open_opts){ .log = { .fn = capture, .user_data = f } },
                   &err) != CQ_OK) {
        print_error("cq_db_open(%s): %s\n", url, err.message);
        if (f->server)
            srv_teardown(&f->server);
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

int dx_teardown(void **state)
{
    dx_fixture *f = *state;
    cq_db_close(f->db);
    if (f->server)
        srv_teardown(&f->server);
    dx_clear(f);
    free(f);
    return 0;
}

void dx_assert_count(dx_fixture *f, size_t n)
{
    if (f->n != n) {
        print_error("%zu statements, expected %zu:\n", f->n, n);
        for (size_t i = 0; i < f->n && i < DX_MAX_SQL; i++)
            print_error("  [%zu] %s\n", i, f->sql[i]);
        fail();
    }
}

void dx_assert_sql_has(dx_fixture *f, size_t i, const char *part)
{
    if (i >= f->n || i >= DX_MAX_SQL || !f->sql[i] || !strstr(f->sql[i], part)) {
        print_error("statement %zu does not contain: %s\n", i, part);
        for (size_t k = 0; k < f->n && k < DX_MAX_SQL; k++)
            print_error("  [%zu] %s\n", k, f->sql[k]);
        fail();
    }
}

void dx_exec(dx_fixture *f, const char *sql)
{
    char *s = strdup(sql);
    assert_non_null(s);
    for (size_t i = 0; f->dialect == CQ_DIALECT_MYSQL && s[i]; i++)
        if (s[i] == '"')
            s[i] = '`';
    CQ_ASSERT_OK(f->db, cq_db_query(NULL, f->db, s, NULL, NULL));
    free(s);
}

void dx_assert_rows(const cq_rows *rows, const char *expected)
{
    cq_value *v = NULL;
    assert_int_equal(cq_rows_to_value(&v, rows), CQ_OK);
    cq_test_assert_json(v, expected);
    cq_value_free(v);
}

/* The group dx_run() hands to srv_run_dialects(), which names the dialect it runs on. */
static const struct CMUnitTest *run_tests;
static size_t run_n;

static int run_group(const char *dialect)
{
    current = strcmp(dialect, "postgres") == 0 ? CQ_DIALECT_POSTGRES
              : strcmp(dialect, "mysql") == 0  ? CQ_DIALECT_MYSQL
                                               : CQ_DIALECT_SQLITE;
    return _cmocka_run_group_tests(dialect, run_tests, run_n, NULL, NULL);
}

int dx_run(const char *prog, const struct CMUnitTest *tests, size_t n)
{
    run_tests = tests;
    run_n = n;
    return srv_run_dialects(prog, "cq_dx", run_group);
}
