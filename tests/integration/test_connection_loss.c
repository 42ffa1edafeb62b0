/* Lost connections and timeouts, on servers of the test's own (tests/support/cq-private-server)
 * that it stops, starts again, freezes (SIGSTOP) and thaws, so the shared servers of the run
 * are not disturbed:
 *   - a call outside a transaction after the server restarted reconnects and runs (reads and
 *     writes: nothing was sent on the dead connection);
 *   - a server that is down: CQ_ECONNECT, and the next call reconnects once it is back;
 *   - a transaction whose connection died is lost: CQ_ECONNECT for every later call in it,
 *     commit included, and nothing of it stays;
 *   - a session killed while its statement runs: a read runs again on a new connection, a
 *     write fails with CQ_ECONNECT and the next call reconnects;
 *   - statement_timeout: a frozen server gives CQ_ETIMEOUT within the limit (plus the grace),
 *     a slow statement is cancelled by the server; connect_timeout: CQ_ETIMEOUT while
 *     connecting to a frozen server; both from open options and from URL parameters.
 * SQLite has no server to lose: its statement_timeout interrupts a long statement.
 *
 * The servers need PostgreSQL's and MariaDB's programs; without them (and outside CI) the
 * server part skips. */
#define _POSIX_C_SOURCE 200809L
#include "cq_test.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef CQ_SOURCE_DIR
#define CQ_SOURCE_DIR "."
#endif

/* ---- the private servers ------------------------------------------------------------------- */

typedef struct server {
    const char *kind; /* "postgres" or "mysql" */
    cq_dialect dialect;
    char dir[256];
    char url[256];
    bool running;
} server;

static int server_cmd(const server *srv, const char *cmd)
{
    char line[600];
    snprintf(line, sizeof line, "'%s/tests/support/cq-private-server' %s '%s' >/dev/null",
             CQ_SOURCE_DIR, cmd, srv->dir);
    int rc = system(line);
    return rc == 0 ? 0 : -1;
}

/* Starts a server of `kind` in a new folder: 0, 77 when its programs are missing, else -1. */
static int server_start(server *srv, const char *kind, cq_dialect d)
{
    memset(srv, 0, sizeof *srv);
    srv->kind = kind;
    srv->dialect = d;
    const char *tmp = getenv("CQ_TMPDIR");
    snprintf(srv->dir, sizeof srv->dir, "%s/cq-private-%s-%ld", tmp && *tmp ? tmp : "/tmp", kind,
             (long)getpid());
    char line[700];
    snprintf(line, sizeof line, "'%s/tests/support/cq-private-server' start %s '%s'", CQ_SOURCE_DIR,
             kind, srv->dir);
    FILE *p = popen(line, "r");
    if (!p)
        return -1;
    if (!fgets(srv->url, sizeof srv->url, p))
        srv->url[0] = '\0';
    int status = pclose(p);
    srv->url[strcspn(srv->url, "\n")] = '\0';
    if (WIFEXITED(status) && WEXITSTATUS(status) == 77)
        return 77;
    if (status != 0 || !srv->url[0])
        return -1;
    srv->running = true;
    return 0;
}

/* ---- fixture: a db on the server, with warnings counted ------------------------------------ */

typedef struct fixture {
    server *srv;
    cq_db *db;
    cq_model *item;
    int reconnects; /* warnings that say the db reconnected */
} fixture;

static void on_log(const cq_log_event *ev, void *user_data)
{
    fixture *f = user_data;
    if (ev->kind == CQ_LOG_WARNING && strstr(ev->sql, "reconnected"))
        f->reconnects++;
}

static const cq_attr item_attrs[] = { { .name = "name", .type = CQ_STRING }, { 0 } };

static fixture *fixture_open(server *srv, uint32_t statement_timeout_ms)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->srv = srv;
    cq_error err = { 0 };
    int rc =
        cq_db_open(&f->db, srv->url,
                   &(cq_open_opts){
                       .log = { .fn = on_log, .user_data = f, .mask = CQ_LOG_SQL | CQ_LOG_WARNING },
                       .statement_timeout_ms = statement_timeout_ms },
                   &err);
    if (rc != CQ_OK)
        fail_msg("cq_db_open(%s): %s", srv->url, err.message);
    CQ_ASSERT_OK(f->db, cq_db_define(&f->item, f->db, "item", item_attrs,
                                     &(cq_model_opts){ .timestamps = CQ_OFF }));
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, &(cq_sync_opts){ .force = true }));
    return f;
}

static void fixture_close(fixture *f)
{
    cq_db_close(f->db);
    free(f);
}

static void create_item(fixture *f, const char *name)
{
    cq_value *v = cq_value_object();
    cq_value_object_set(v, "name", cq_value_text(name));
    CQ_ASSERT_OK(f->db, cq_model_create(NULL, f->item, v, NULL));
    cq_value_free(v);
}

static int try_count(fixture *f, int64_t *n)
{
    *n = -1;
    return cq_model_count(n, f->item, NULL);
}

static int64_t count_items(fixture *f)
{
    int64_t n = -1;
    CQ_ASSERT_OK(f->db, try_count(f, &n));
    return n;
}

/* ---- tests on one server -------------------------------------------------------------------- */

/* The server restarts while the db is idle: the next read and the next write reconnect and
 * run, each once. */
static void test_connection_loss__restart_reconnects(server *srv)
{
    fixture *f = fixture_open(srv, 0);
    create_item(f, "before");
    assert_int_equal(server_cmd(srv, "stop"), 0);
    assert_int_equal(server_cmd(srv, "start-again"), 0);
    assert_int_equal(count_items(f), 1); /* a read */
    assert_int_equal(f->reconnects, 1);

    assert_int_equal(server_cmd(srv, "stop"), 0);
    assert_int_equal(server_cmd(srv, "start-again"), 0);
    create_item(f, "after"); /* a write: found dead before anything was sent */
    assert_int_equal(f->reconnects, 2);
    assert_int_equal(count_items(f), 2);
    assert_int_equal(f->reconnects, 2);
    fixture_close(f);
}

/* While the server is down every call fails with CQ_ECONNECT; once it is back the next call
 * reconnects. */
static void test_connection_loss__down_then_back(server *srv)
{
    fixture *f = fixture_open(srv, 0);
    create_item(f, "one");
    assert_int_equal(server_cmd(srv, "stop"), 0);
    int64_t n = 0;
    CQ_ASSERT_ERR(f->db, CQ_ECONNECT, try_count(f, &n));
    assert_true(strlen(cq_db_error(f->db)->message) > 0);
    CQ_ASSERT_ERR(f->db, CQ_ECONNECT, try_count(f, &n));
    cq_value *v = cq_value_object();
    cq_value_object_set(v, "name", cq_value_text("lost"));
    CQ_ASSERT_ERR(f->db, CQ_ECONNECT, cq_model_create(NULL, f->item, v, NULL));
    cq_value_free(v);
    assert_int_equal(server_cmd(srv, "start-again"), 0);
    assert_int_equal(count_items(f), 1);
    assert_int_equal(f->reconnects, 1);
    fixture_close(f);
}

/* A transaction whose connection died is lost: its statements, its commit and its rollback
 * report CQ_ECONNECT, nothing of it stays, and the db works again after it ends. */
static void test_connection_loss__transaction_is_lost(server *srv)
{
    fixture *f = fixture_open(srv, 0);
    create_item(f, "kept");
    cq_txn *t = NULL;
    CQ_ASSERT_OK(f->db, cq_db_transaction(&t, f->db, NULL));
    cq_value *v = cq_value_object();
    cq_value_object_set(v, "name", cq_value_text("in txn"));
    CQ_ASSERT_OK(f->db, cq_model_create(NULL, f->item, v, &(cq_write_opts){ .transaction = t }));
    assert_int_equal(server_cmd(srv, "stop"), 0);
    assert_int_equal(server_cmd(srv, "start-again"), 0);
    CQ_ASSERT_ERR(f->db, CQ_ECONNECT,
                  cq_model_create(NULL, f->item, v, &(cq_write_opts){ .transaction = t }));
    assert_non_null(strstr(cq_db_error(f->db)->message, "transaction"));
    int64_t n = 0;
    CQ_ASSERT_ERR(f->db, CQ_ECONNECT,
                  cq_model_count(&n, f->item, &(cq_find_opts){ .transaction = t }));
    assert_int_equal(cq_txn_commit(t), CQ_ECONNECT);
    assert_int_equal(cq_db_error(f->db)->code, CQ_ECONNECT);
    assert_false(cq_txn_is_open(t)); /* the lost transaction's handle is dead */
    assert_int_equal(cq_txn_rollback(t), CQ_EINVALID);
    cq_txn_free(t);
    cq_value_free(v);
    assert_int_equal(f->reconnects, 0); /* nothing ran on a new connection inside it */
    assert_int_equal(count_items(f), 1);
    assert_int_equal(f->reconnects, 1);

    /* the same with a rollback to end it */
    CQ_ASSERT_OK(f->db, cq_db_transaction(&t, f->db, NULL));
    assert_int_equal(server_cmd(srv, "stop"), 0);
    assert_int_equal(server_cmd(srv, "start-again"), 0);
    CQ_ASSERT_ERR(f->db, CQ_ECONNECT,
                  cq_model_count(&n, f->item, &(cq_find_opts){ .transaction = t }));
    assert_int_equal(cq_txn_rollback(t), CQ_ECONNECT);
    cq_txn_free(t);
    assert_int_equal(count_items(f), 1);
    assert_int_equal(f->reconnects, 2);
    fixture_close(f);
}

/* Ends the session `id` from a connection of its own after `delay_ms`. */
typedef struct killer {
    const server *srv;
    int64_t session;
    int delay_ms;
    int rc;
} killer;

static void *kill_session(void *arg)
{
    killer *k = arg;
    cq_db *db = NULL;
    cq_error err = { 0 };
    k->rc = cq_db_open(&db, k->srv->url, NULL, &err);
    if (k->rc != CQ_OK)
        return NULL;
    struct timespec ts = { k->delay_ms / 1000, (long)(k->delay_ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
    char sql[96];
    if (k->srv->dialect == CQ_DIALECT_POSTGRES)
        snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%lld)", (long long)k->session);
    else
        snprintf(sql, sizeof sql, "KILL CONNECTION %lld", (long long)k->session);
    k->rc = cq_db_query(NULL, db, sql, NULL, NULL);
    cq_db_close(db);
    return NULL;
}

static int64_t session_id(fixture *f)
{
    return cq_test_scalar_int(f->db, f->srv->dialect == CQ_DIALECT_POSTGRES
                                         ? "SELECT pg_backend_pid() AS n"
                                         : "SELECT CONNECTION_ID() AS n");
}

/* Runs `sql` while another connection kills this one 300 ms in; returns the status. */
static int run_killed(fixture *f, const char *sql)
{
    killer k = { .srv = f->srv, .session = session_id(f), .delay_ms = 300 };
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, kill_session, &k), 0);
    int rc = cq_db_query(NULL, f->db, sql, NULL, NULL);
    pthread_join(th, NULL);
    assert_int_equal(k.rc, CQ_OK);
    return rc;
}

/* A session killed while its statement runs: a read runs again on a new connection; a write
 * reports CQ_ECONNECT (it may or may not have been applied), and the next call reconnects. */
static void test_connection_loss__killed_during_statement(server *srv)
{
    fixture *f = fixture_open(srv, 0);
    bool pg = srv->dialect == CQ_DIALECT_POSTGRES;
    CQ_ASSERT_OK(f->db, run_killed(f, pg ? "SELECT pg_sleep(1.5)" : "SELECT SLEEP(1.5)"));
    assert_int_equal(f->reconnects, 1);
    CQ_ASSERT_ERR(f->db, CQ_ECONNECT,
                  run_killed(f, pg ? "INSERT INTO items (name) SELECT 'slow' FROM pg_sleep(1.5)"
                                   : "INSERT INTO items (name) SELECT 'slow' FROM DUAL "
                                     "WHERE SLEEP(1.5) = 0"));
    assert_non_null(strstr(cq_db_error(f->db)->message, "reconnects"));
    assert_int_equal(f->reconnects, 1);
    assert_int_equal(count_items(f), 0); /* killed before it could commit */
    assert_int_equal(f->reconnects, 2);
    fixture_close(f);
}

/* statement_timeout: a frozen server gives CQ_ETIMEOUT within the limit and its grace (1 s:
 * 1.5 s; MySQL's client counts whole seconds: 2 s); thawed, the next call reconnects. A slow
 * statement is cancelled by the server at the limit, and the connection stays. */
static void test_connection_loss__statement_timeout(server *srv)
{
    fixture *f = fixture_open(srv, 1000);
    create_item(f, "one");
    assert_int_equal(server_cmd(srv, "freeze"), 0);
    uint64_t t0 = cq_test_now_ms();
    int64_t n = 0;
    int rc = try_count(f, &n);
    uint64_t took = cq_test_now_ms() - t0;
    /* the server must still be stopped now, or the call proves nothing */
    bool held = server_cmd(srv, "frozen") == 0;
    assert_int_equal(server_cmd(srv, "thaw"), 0);
    if (rc != CQ_ETIMEOUT)
        fail_msg("count on a frozen server: %d after %llu ms (still frozen: %s): %s", rc,
                 (unsigned long long)took, held ? "yes" : "no", cq_db_error(f->db)->message);
    assert_true(held);
    assert_true(took >= 1000);
    assert_true(took < 3000);
    assert_int_equal(count_items(f), 1);
    assert_int_equal(f->reconnects, 1);

    bool pg = srv->dialect == CQ_DIALECT_POSTGRES;
    t0 = cq_test_now_ms();
    rc = cq_db_query(NULL, f->db, pg ? "SELECT pg_sleep(5)" : "SELECT SLEEP(5) FROM items", NULL,
                     NULL);
    took = cq_test_now_ms() - t0;
    if (rc != CQ_ETIMEOUT)
        fail_msg("slow statement: %d %s", rc, cq_db_error(f->db)->message);
    assert_true(took < 3000);
    assert_int_equal(count_items(f), 1);
    fixture_close(f);
}

/* connect_timeout: opening a db on a frozen server fails with CQ_ETIMEOUT in time, from the
 * open options and from the URL parameter. */
static void test_connection_loss__connect_timeout(server *srv)
{
    assert_int_equal(server_cmd(srv, "freeze"), 0);
    cq_db *db = NULL;
    cq_error err = { 0 };
    uint64_t t0 = cq_test_now_ms();
    int rc1 = cq_db_open(&db, srv->url, &(cq_open_opts){ .connect_timeout_ms = 1000 }, &err);
    uint64_t took1 = cq_test_now_ms() - t0;
    char url[300];
    snprintf(url, sizeof url, "%s?connect_timeout=1", srv->url);
    cq_error err2 = { 0 };
    cq_db *db2 = NULL;
    t0 = cq_test_now_ms();
    int rc2 = cq_db_open(&db2, url, NULL, &err2);
    uint64_t took2 = cq_test_now_ms() - t0;
    assert_int_equal(server_cmd(srv, "thaw"), 0);
    assert_null(db);
    assert_null(db2);
    if (rc1 != CQ_ETIMEOUT || rc2 != CQ_ETIMEOUT)
        fail_msg("connect to a frozen server: %d (%s), %d (%s)", rc1, err.message, rc2,
                 err2.message);
    assert_true(took1 >= 900 && took1 < 3000);
    assert_true(took2 >= 900 && took2 < 3000);
    /* thawed: the same URL connects */
    if (cq_db_open(&db2, url, NULL, &err2) != CQ_OK)
        fail_msg("%s after the thaw: %s", url, err2.message);
    cq_db_close(db2);
}

/* ---- the runs -------------------------------------------------------------------------------- */

static server *current;

#define SERVER_TEST(name)                                                                          \
    static void name##__run(void **state)                                                          \
    {                                                                                              \
        (void)state;                                                                               \
        name(current);                                                                             \
    }
SERVER_TEST(test_connection_loss__restart_reconnects)
SERVER_TEST(test_connection_loss__down_then_back)
SERVER_TEST(test_connection_loss__transaction_is_lost)
SERVER_TEST(test_connection_loss__killed_during_statement)
SERVER_TEST(test_connection_loss__statement_timeout)
SERVER_TEST(test_connection_loss__connect_timeout)

/* Whatever a failed test left: the server thawed and running. */
static int server_reset(void **state)
{
    (void)state;
    server_cmd(current, "thaw");
    server_cmd(current, "start-again"); /* fails harmlessly when it runs */
    return 0;
}

static const struct CMUnitTest server_tests[] = {
    cmocka_unit_test_teardown(test_connection_loss__restart_reconnects__run, server_reset),
    cmocka_unit_test_teardown(test_connection_loss__down_then_back__run, server_reset),
    cmocka_unit_test_teardown(test_connection_loss__transaction_is_lost__run, server_reset),
    cmocka_unit_test_teardown(test_connection_loss__killed_during_statement__run, server_reset),
    cmocka_unit_test_teardown(test_connection_loss__statement_timeout__run, server_reset),
    cmocka_unit_test_teardown(test_connection_loss__connect_timeout__run, server_reset),
};

/* SQLite: statement_timeout interrupts a statement that runs too long (from the open options
 * and from the URL); the db goes on. */
static void test_connection_loss__sqlite_statement_timeout(void **state)
{
    (void)state;
    static const char *const urls[] = { "sqlite::memory:",
                                        "sqlite::memory:?statement_timeout=200" };
    for (int i = 0; i < 2; i++) {
        cq_db *db = NULL;
        cq_error err = { 0 };
        assert_int_equal(
            cq_db_open(&db, urls[i], &(cq_open_opts){ .statement_timeout_ms = i ? 0 : 200 }, &err),
            CQ_OK);
        uint64_t t0 = cq_test_now_ms();
        CQ_ASSERT_ERR(db, CQ_ETIMEOUT,
                      cq_db_query(NULL, db,
                                  "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                                  "WHERE x < 1000000000) SELECT count(*) FROM c",
                                  NULL, NULL));
        uint64_t took = cq_test_now_ms() - t0;
        assert_true(took >= 200 && took < 2000);
        assert_int_equal(cq_test_scalar_int(db, "SELECT 41 + 1 AS n"), 42);
        cq_db_close(db);
    }
}

/* Bad timeout parameters are the caller's mistake; good ones with units are taken out of the
 * URL before the driver sees it. */
static void test_connection_loss__timeout_parameters(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "sqlite::memory:?statement_timeout=", "sqlite::memory:?statement_timeout=soon",
        "sqlite::memory:?connect_timeout=5h", "sqlite::memory:?statement_timeout=99999999999"
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cq_db *db = NULL;
        cq_error err = { 0 };
        assert_int_equal(cq_db_open(&db, bad[i], NULL, &err), CQ_EINVALID);
        assert_null(db);
        assert_non_null(strstr(err.message, "timeout"));
    }
    cq_db *db = NULL;
    cq_error err = { 0 };
    assert_int_equal(
        cq_db_open(&db, "sqlite::memory:?connect_timeout=2s&statement_timeout=1min", NULL, &err),
        CQ_OK);
    assert_int_equal(cq_test_scalar_int(db, "SELECT 1 AS n"), 1);
    cq_db_close(db);
}

int main(void)
{
    const struct CMUnitTest sqlite_tests[] = {
        cmocka_unit_test(test_connection_loss__sqlite_statement_timeout),
        cmocka_unit_test(test_connection_loss__timeout_parameters),
    };
    int failed = cmocka_run_group_tests_name("sqlite", sqlite_tests, NULL, NULL);
    const char *ci = getenv("CI");
    bool under_ci = ci && *ci && strcmp(ci, "false") != 0;
    static const struct {
        const char *kind, *group;
        cq_dialect dialect;
    } kinds[] = {
        { "postgres", "postgres", CQ_DIALECT_POSTGRES },
        { "mysql", "mysql", CQ_DIALECT_MYSQL },
        { NULL, NULL, 0 },
    };
    for (size_t i = 0; kinds[i].kind; i++) {
        server srv;
        int rc = server_start(&srv, kinds[i].kind, kinds[i].dialect);
        if (rc == 77 && !under_ci) {
            printf("test_connection_loss: no %s programs; its tests skip\n", kinds[i].kind);
            continue;
        }
        if (rc != 0) {
            printf("test_connection_loss: cannot start a %s server\n", kinds[i].kind);
            failed++;
            server_cmd(&srv, "destroy");
            continue;
        }
        cq_db *probe = NULL;
        cq_error err = { 0 };
        if (cq_db_open(&probe, srv.url, NULL, &err) == CQ_ENOTSUPPORTED) {
            printf("test_connection_loss: this build has no %s driver; its tests skip\n",
                   kinds[i].kind);
            server_cmd(&srv, "destroy");
            continue;
        }
        cq_db_close(probe);
        current = &srv;
        failed += cmocka_run_group_tests_name(kinds[i].group, server_tests, NULL, NULL);
        server_cmd(&srv, "destroy");
    }
    return failed ? 1 : 0;
}
