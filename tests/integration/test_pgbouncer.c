/* PostgreSQL through PgBouncer in transaction pooling (scripts/test-servers starts one and
 * exports CQ_TEST_PGBOUNCER_URL; skipped without it, a failure under CI): with
 * transaction_pooler=true every statement works whichever server connection the pooler hands
 * out, and statement_timeout never outlives a transaction; without it, a statement prepared on
 * one server connection is missing on the next.
 *
 * The run's database is made (and dropped, WITH (FORCE): the pooler keeps server connections to
 * it) directly on the server, through CQ_TEST_POSTGRES_URL; everything else goes through the
 * pooler. */
#define _POSIX_C_SOURCE 200809L
#include "cq_server.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static char *bouncer_url; /* the run's database through PgBouncer, transaction_pooler=true */
static char *plain_url;   /* the same without the option (transaction_pooler=false) */

/* `url` with its database replaced by `dbname` and its query string by `query`. */
static char *url_for(const char *url, const char *dbname, const char *query)
{
    const char *hier = strstr(url, "://");
    const char *path = hier ? strchr(hier + 3, '/') : NULL;
    const char *q = strchr(hier ? hier + 3 : url, '?');
    size_t head = path && (!q || path < q) ? (size_t)(path - url)
                  : q                      ? (size_t)(q - url)
                                           : strlen(url);
    size_t n = head + strlen(dbname) + strlen(query) + 3;
    char *out = malloc(n);
    if (out)
        snprintf(out, n, "%.*s/%s?%s", (int)head, url, dbname, query);
    return out;
}

static cq_db *open_url(const char *url, const cq_open_opts *opts)
{
    cq_db *db = NULL;
    cq_error err = { 0 };
    int rc = cq_db_open(&db, url, opts, &err);
    if (rc != CQ_OK) {
        print_error("cannot open %s: %s\n", url, err.message);
        fail();
    }
    return db;
}

static cq_db *open_pooled(void)
{
    return open_url(bouncer_url, &(cq_open_opts){ .pool = { .max = 1 } });
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The server process behind the statement (the server connection the pooler handed out). */
static int64_t backend(cq_db *db, cq_txn *txn)
{
    cq_value *rows = NULL;
    CQ_ASSERT_OK(db, cq_db_query(&rows, db, "SELECT pg_backend_pid() AS pid", NULL, txn));
    int64_t pid = cq_value_as_int(cq_value_object_get(cq_value_array_get(rows, 0), "pid"));
    cq_value_free(rows);
    return pid;
}

static int empty_table(void **state)
{
    (void)state;
    cq_db *db = open_pooled();
    CQ_ASSERT_OK(db, cq_db_query(NULL, db, "DROP TABLE IF EXISTS items", NULL, NULL));
    CQ_ASSERT_OK(db, cq_db_query(NULL, db,
                                 "CREATE TABLE items (id SERIAL PRIMARY KEY, owner INTEGER NOT "
                                 "NULL, label TEXT NOT NULL)",
                                 NULL, NULL));
    cq_db_close(db);
    return 0;
}

/* Runs a SELECT on a fresh client of `url` (cequel prepares it by name there unless the
 * option is on), lets other clients take server connections in transactions until one holds
 * the server connection the SELECT ran on, then runs the same SELECT again: returns its status
 * (the client's error in *err). */
static int repeat_while_held(const char *url, cq_error *err)
{
    cq_db *db = open_url(url, &(cq_open_opts){ .pool = { .max = 1 } });
    int64_t ran_on = backend(db, NULL);
    cq_db *holders[6] = { 0 };
    cq_txn *txns[6] = { 0 };
    bool held = false;
    for (size_t i = 0; i < 6 && !held; i++) {
        holders[i] = open_pooled();
        CQ_ASSERT_OK(holders[i], cq_db_transaction(&txns[i], holders[i], NULL));
        held = backend(holders[i], txns[i]) == ran_on;
    }
    assert_true(held);
    cq_value *rows = NULL;
    int rc = cq_db_query(&rows, db, "SELECT pg_backend_pid() AS pid", NULL, NULL);
    *err = *cq_db_error(db);
    if (rc == CQ_OK) /* then it ran on another server connection */
        assert_true(cq_value_as_int(cq_value_object_get(cq_value_array_get(rows, 0), "pid")) !=
                    ran_on);
    cq_value_free(rows);
    for (size_t i = 0; i < 6; i++) {
        if (txns[i])
            CQ_ASSERT_OK(holders[i], cq_txn_commit(txns[i]));
        cq_txn_free(txns[i]);
        cq_db_close(holders[i]);
    }
    cq_db_close(db);
    return rc;
}

/* Without the option, the statement cequel prepared (by name) on one server connection is
 * bound by that name on another, which does not have it; with the option it runs. */
static void test_named_statements_need_the_option(void **state)
{
    (void)state;
    cq_error err = { 0 };
    assert_int_equal(repeat_while_held(plain_url, &err), CQ_EDATABASE);
    assert_string_equal(err.sqlstate, "26000"); /* invalid_sql_statement_name */
    assert_non_null(strstr(err.message, "does not exist"));
    assert_int_equal(repeat_while_held(bouncer_url, &err), CQ_OK);
}

/* Many statements, from three clients with two connections each, in and out of transactions
 * held open across each other's statements: every one works, every row is there, and the
 * statements ran on several server connections. */
static void test_many_statements_across_connections(void **state)
{
    (void)state;
    cq_db *dbs[3];
    for (size_t i = 0; i < 3; i++)
        dbs[i] = open_url(bouncer_url, &(cq_open_opts){ .pool = { .max = 2 } });
    int64_t pids[64];
    size_t npids = 0;
    int64_t inserted = 0;
    for (int round = 0; round < 10; round++) {
        cq_txn *txn = NULL;
        cq_db *in_txn = dbs[round % 3];
        CQ_ASSERT_OK(in_txn, cq_db_transaction(&txn, in_txn, NULL));
        for (int k = 0; k < 5; k++) {
            /* inside the transaction, and outside it on the two other clients */
            for (size_t i = 0; i < 3; i++) {
                cq_value *params = cq_value_array();
                cq_value_array_append(params, cq_value_int((int64_t)i));
                cq_value_array_append(params, cq_value_text("row"));
                CQ_ASSERT_OK(dbs[i], cq_db_query(NULL, dbs[i],
                                                 "INSERT INTO items (owner, label) VALUES (?, ?)",
                                                 params, dbs[i] == in_txn ? txn : NULL));
                cq_value_free(params);
                inserted++;
                int64_t pid = backend(dbs[i], dbs[i] == in_txn ? txn : NULL);
                bool seen = false;
                for (size_t p = 0; p < npids; p++)
                    seen |= pids[p] == pid;
                if (!seen && npids < 64)
                    pids[npids++] = pid;
            }
        }
        /* the transaction sees its own rows on its one server connection */
        cq_value *params = cq_value_array();
        cq_value_array_append(params, cq_value_int(round % 3));
        cq_value *rows = NULL;
        CQ_ASSERT_OK(in_txn,
                     cq_db_query(&rows, in_txn, "SELECT count(*) AS n FROM items WHERE owner = ?",
                                 params, txn));
        assert_true(cq_value_as_int(cq_value_object_get(cq_value_array_get(rows, 0), "n")) >= 5);
        cq_value_free(rows);
        cq_value_free(params);
        if (round % 2)
            CQ_ASSERT_OK(in_txn, cq_txn_commit(txn));
        else
            CQ_ASSERT_OK(in_txn, cq_txn_rollback(txn)); /* its 5 rows are gone */
        if (round % 2 == 0)
            inserted -= 5;
        cq_txn_free(txn);
    }
    assert_int_equal(cq_test_scalar_int(dbs[0], "SELECT count(*) FROM items"), inserted);
    assert_int_equal(inserted, 150 - 25);
    assert_true(npids >= 2);
    for (size_t i = 0; i < 3; i++)
        cq_db_close(dbs[i]);
}

/* statement_timeout inside a transaction: SET LOCAL after BEGIN, so the server cancels the
 * statement, and the setting is gone with the transaction (no server connection keeps it). */
static void test_timeout_in_transaction(void **state)
{
    (void)state;
    cq_db *db =
        open_url(bouncer_url, &(cq_open_opts){ .pool = { .max = 1 }, .statement_timeout_ms = 300 });
    cq_txn *txn = NULL;
    /* the isolation level is set after the SET LOCAL, still before the first query */
    CQ_ASSERT_OK(db, cq_db_transaction(
                         &txn, db, &(cq_txn_opts){ .isolation_level = CQ_ISOLATION_SERIALIZABLE }));
    cq_value *rows = NULL;
    CQ_ASSERT_OK(db, cq_db_query(&rows, db,
                                 "SELECT current_setting('statement_timeout') AS t, "
                                 "current_setting('transaction_isolation') AS i",
                                 NULL, txn));
    cq_test_assert_json(rows, "[{\"t\":\"300ms\",\"i\":\"serializable\"}]");
    cq_value_free(rows);
    int64_t pid = backend(db, txn);
    double t0 = now_s();
    CQ_ASSERT_ERR(db, CQ_ETIMEOUT, cq_db_query(NULL, db, "SELECT pg_sleep(3)", NULL, txn));
    double took = now_s() - t0;
    assert_string_equal(cq_db_error(db)->sqlstate, "57014");
    assert_true(took >= 0.25 && took < 2.0);
    CQ_ASSERT_OK(db, cq_txn_rollback(txn));
    cq_txn_free(txn);

    /* another client without a timeout, on that same server connection (the only idle one it
     * held), sees none: the SET LOCAL ended with the transaction */
    cq_db *other = open_pooled();
    cq_txn *t2 = NULL;
    CQ_ASSERT_OK(other, cq_db_transaction(&t2, other, NULL));
    assert_int_equal(backend(other, t2), pid);
    CQ_ASSERT_OK(other, cq_db_query(&rows, other,
                                    "SELECT current_setting('statement_timeout') AS t", NULL, t2));
    cq_test_assert_json(rows, "[{\"t\":\"0\"}]");
    cq_value_free(rows);
    CQ_ASSERT_OK(other, cq_txn_commit(t2));
    cq_txn_free(t2);
    cq_db_close(other);
    cq_db_close(db);
}

/* statement_timeout outside a transaction: a cancel request at the limit; the connection
 * stays in use (not dropped), and nothing was set on the server connection. */
static void test_timeout_outside_transaction(void **state)
{
    (void)state;
    cq_db *db =
        open_url(bouncer_url, &(cq_open_opts){ .pool = { .max = 1 }, .statement_timeout_ms = 300 });
    cq_value *rows = NULL;
    CQ_ASSERT_OK(
        db, cq_db_query(&rows, db, "SELECT current_setting('statement_timeout') AS t", NULL, NULL));
    cq_test_assert_json(rows, "[{\"t\":\"0\"}]");
    cq_value_free(rows);
    double t0 = now_s();
    CQ_ASSERT_ERR(db, CQ_ETIMEOUT, cq_db_query(NULL, db, "SELECT pg_sleep(3)", NULL, NULL));
    double took = now_s() - t0;
    assert_string_equal(cq_db_error(db)->sqlstate, "57014");
    assert_non_null(strstr(cq_db_error(db)->message, "statement timeout"));
    assert_true(took >= 0.25 && took < 2.0);
    /* a quick statement still works, on the same client connection */
    assert_int_equal(cq_test_scalar_int(db, "SELECT 41 + 1"), 42);
    cq_pool_stats st = { 0 };
    CQ_ASSERT_OK(db, cq_db_pool_stats(&st, db));
    assert_int_equal(st.created, 1);
    assert_int_equal(st.destroyed, 0);
    cq_db_close(db);
}

/* The session is UTF-8 and UTC on whichever server connection a statement lands, also when
 * another client changed its own time zone (the pooler keeps TimeZone per client). */
static void test_session_settings_follow_the_client(void **state)
{
    (void)state;
    cq_db *other = open_pooled();
    CQ_ASSERT_OK(other, cq_db_query(NULL, other, "SET TIME ZONE 'America/New_York'", NULL, NULL));
    cq_db *db = open_pooled();
    for (int i = 0; i < 5; i++) {
        cq_value *rows = NULL;
        CQ_ASSERT_OK(db, cq_db_query(&rows, db,
                                     "SELECT to_char(TIMESTAMPTZ '2024-05-01 10:20:30+00', "
                                     "'HH24:MI TZH') AS t, current_setting('client_encoding') AS e",
                                     NULL, NULL));
        cq_test_assert_json(rows, "[{\"t\":\"10:20 +00\",\"e\":\"UTF8\"}]");
        cq_value_free(rows);
        assert_int_equal(cq_test_scalar_int(other, "SELECT extract(timezone_hour FROM "
                                                   "TIMESTAMPTZ '2024-01-15 12:00:00+00')::int"),
                         -5);
    }
    cq_db_close(db);
    cq_db_close(other);
}

/* The option's spellings, and its refusal on other dialects. */
static void test_option_parsing(void **state)
{
    (void)state;
    cq_db *db = NULL;
    cq_error err = { 0 };
    char *bad = url_for(bouncer_url, srv_dbname(), "transaction_pooler=maybe");
    assert_int_equal(cq_db_open(&db, bad, NULL, &err), CQ_EINVALID);
    assert_null(db);
    assert_non_null(strstr(err.message, "transaction_pooler"));
    free(bad);
    assert_int_equal(cq_db_open(&db, "sqlite::memory:?transaction_pooler=true", NULL, &err),
                     CQ_EINVALID);
    assert_int_equal(
        cq_db_open(&db, "sqlite::memory:", &(cq_open_opts){ .transaction_pooler = true }, &err),
        CQ_EINVALID);
    assert_null(db);
    /* the open option on a URL without the parameter */
    char *on = url_for(bouncer_url, srv_dbname(), "transaction_pooler=0");
    db = open_url(on, &(cq_open_opts){ .transaction_pooler = true, .pool = { .max = 1 } });
    free(on);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM pg_prepared_statements"), 0);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM pg_prepared_statements"), 0);
    cq_db_close(db);
}

int main(void)
{
    const char *base = getenv("CQ_TEST_PGBOUNCER_URL");
    if (!base || !*base) {
        const char *ci = getenv("CI");
        if (ci && *ci && strcmp(ci, "false") != 0) {
            printf("test_pgbouncer: CQ_TEST_PGBOUNCER_URL is not set under CI (run through "
                   "scripts/test-servers)\n");
            return 1;
        }
        printf("test_pgbouncer: CQ_TEST_PGBOUNCER_URL is not set; skipping (run through "
               "scripts/test-servers with pgbouncer installed)\n");
        return 77;
    }
    int rc = srv_begin(CQ_DIALECT_POSTGRES, "test_pgbouncer", "pgbouncer");
    if (rc != 0)
        return rc;
    bouncer_url = url_for(base, srv_dbname(), "transaction_pooler=true");
    plain_url = url_for(base, srv_dbname(), "transaction_pooler=false");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_option_parsing),
        cmocka_unit_test_setup(test_named_statements_need_the_option, empty_table),
        cmocka_unit_test_setup(test_many_statements_across_connections, empty_table),
        cmocka_unit_test(test_timeout_in_transaction),
        cmocka_unit_test(test_timeout_outside_transaction),
        cmocka_unit_test(test_session_settings_follow_the_client),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    free(bouncer_url);
    free(plain_url);
    return srv_end(failed);
}
