/* Managed transactions (cq_db_transaction_run) and isolation levels, on SQLite and, when their
 * URLs are set, on PostgreSQL and MySQL/MariaDB: the same test bodies run once per dialect.
 * Isolation levels are read back from the server inside the transaction. */
#define _POSIX_C_SOURCE 200809L
#include "cq_server.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- fixture: a db with a users table, its statements captured ---------------------------- */

#define MAX_LOG 64
typedef struct tfx {
    cq_db *db;
    cq_model *user;
    cq_db *extra; /* a second connection a test opened (closed by the teardown) */
    char *sql[MAX_LOG];
    uint64_t txn_id[MAX_LOG];
    size_t n;
} tfx;

static const cq_attr user_attrs[] = {
    { .name = "username", .type = CQ_STRING, .unique = true },
    { 0 },
};

static void capture(const cq_log_event *ev, void *user_data)
{
    tfx *f = user_data;
    if (ev->kind != CQ_LOG_SQL || f->n >= MAX_LOG)
        return;
    f->sql[f->n] = strdup(ev->sql);
    f->txn_id[f->n] = ev->transaction_id;
    f->n++;
}

static void log_clear(tfx *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->sql[i]);
    f->n = 0;
}

/* The users table on a fresh database (SQLite in memory, or the server's during its run),
 * through a logging connection of our own. */
static int setup(void **state)
{
    tfx *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    cq_open_opts opts = { .log = { .fn = capture, .user_data = f } };
    if (srv_open_own(&f->db, &opts) != 0) {
        free(f);
        return -1;
    }
    if (cq_db_define(&f->user, f->db, "user", user_attrs, NULL) != CQ_OK ||
        cq_db_sync(f->db, NULL) != CQ_OK) {
        print_error("define/sync: %s\n", cq_db_error(f->db)->message);
        cq_db_close(f->db);
        free(f);
        return -1;
    }
    log_clear(f);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    tfx *f = *state;
    cq_db_close(f->extra);
    cq_db_close(f->db);
    log_clear(f);
    free(f);
    return 0;
}

static int create_in(tfx *f, const char *name, cq_txn *txn)
{
    cq_value *values = cq_value_object();
    assert_int_equal(cq_value_object_set(values, "username", cq_value_text(name)), CQ_OK);
    int rc = cq_model_create(NULL, f->user, values, &(cq_write_opts){ .transaction = txn });
    cq_value_free(values);
    return rc;
}

static int64_t count_named(tfx *f, const char *name)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM users WHERE username = '%s'", name);
    return cq_test_scalar_int(f->db, sql);
}

static int64_t count_all(tfx *f)
{
    return cq_test_scalar_int(f->db, "SELECT count(*) FROM users");
}

/* Index of the first captured statement starting with `prefix` at or after `from`, or -1. */
static long log_find(const tfx *f, const char *prefix, size_t from)
{
    for (size_t i = from; i < f->n; i++)
        if (strncmp(f->sql[i], prefix, strlen(prefix)) == 0)
            return (long)i;
    return -1;
}

/* ---- callbacks ------------------------------------------------------------------------------ */

typedef struct work {
    tfx *f;
    const char *names[4]; /* users to create, in order */
    int fail_with;        /* returned after creating them (0: success) */
    bool seen;            /* fn was called */
    uint64_t txn_id;      /* the id of the transaction fn was given */
    int inner_rc;         /* nested: what the nested call returned */
    struct work *nested;  /* run as a nested managed transaction after the creates */
    bool try_commit;      /* try to end the managed transaction itself */
    int commit_rc;
    bool leave_open; /* begin an unmanaged nested transaction and leave it open */
    cq_txn *left;    /* that transaction: the caller's to free */
} work;

static int do_work(cq_txn *txn, void *user_data)
{
    work *w = user_data;
    w->seen = true;
    w->txn_id = cq_txn_id(txn);
    for (size_t i = 0; i < 4 && w->names[i]; i++) {
        int rc = create_in(w->f, w->names[i], txn);
        if (rc != CQ_OK)
            return rc;
    }
    if (w->nested)
        w->inner_rc = cq_db_transaction_run(w->f->db, do_work, w->nested, NULL);
    if (w->try_commit) {
        w->commit_rc = cq_txn_commit(txn);
        cq_txn_free(txn); /* ignored: the managed transaction is the run's to free */
    }
    if (w->leave_open) {
        cq_txn *sp = NULL;
        int rc = cq_db_transaction(&sp, w->f->db, &(cq_txn_opts){ .parent = txn });
        if (rc != CQ_OK)
            return rc;
        w->left = sp;
        rc = create_in(w->f, "left_open", sp);
        if (rc != CQ_OK)
            return rc;
    }
    return w->fail_with;
}

/* ---- managed transactions ---------------------------------------------------------------------
 */

static void test_txn_managed__success_commits(void **state)
{
    tfx *f = *state;
    work w = { .f = f, .names = { "ada", "bob" } };

    CQ_ASSERT_OK(f->db, cq_db_transaction_run(f->db, do_work, &w, NULL));
    assert_true(w.seen);
    assert_int_equal(count_all(f), 2);
    /* the statements ran in the transaction, which ended with COMMIT */
    long ins = log_find(f, "INSERT", 0);
    assert_true(ins > 0);
    assert_int_equal(f->txn_id[ins], w.txn_id);
    assert_true(log_find(f, "COMMIT", (size_t)ins) > ins);
    /* nothing is left open: a new top-level transaction can begin */
    cq_txn *t = NULL;
    CQ_ASSERT_OK(f->db, cq_db_transaction(&t, f->db, NULL));
    CQ_ASSERT_OK(f->db, cq_txn_rollback(t));
    cq_txn_free(t);
}

static void test_txn_managed__failure_rolls_back_with_its_error(void **state)
{
    tfx *f = *state;
    work w = { .f = f, .names = { "ada", "bob", "ada" } };

    CQ_ASSERT_ERR(f->db, CQ_EUNIQUE, cq_db_transaction_run(f->db, do_work, &w, NULL));
    assert_int_equal(cq_db_error(f->db)->code, CQ_EUNIQUE); /* the rollback kept the error */
    assert_true(strlen(cq_db_error(f->db)->message) > 0);
    assert_int_equal(count_all(f), 0);
    assert_true(log_find(f, "ROLLBACK", 0) >= 0);
    assert_int_equal(log_find(f, "COMMIT", 0), -1);
}

static void test_txn_managed__callback_status_is_returned(void **state)
{
    tfx *f = *state;
    work w = { .f = f, .names = { "ada" }, .fail_with = CQ_ENOTFOUND };

    CQ_ASSERT_ERR(f->db, CQ_ENOTFOUND, cq_db_transaction_run(f->db, do_work, &w, NULL));
    assert_int_equal(cq_db_error(f->db)->code, CQ_ENOTFOUND);
    assert_non_null(strstr(cq_db_error(f->db)->message, "rolled back"));
    assert_int_equal(count_all(f), 0);
}

static void test_txn_managed__nested_call_is_a_savepoint(void **state)
{
    tfx *f = *state;
    work inner = { .f = f, .names = { "inner" }, .fail_with = CQ_EINVALID };
    work outer = { .f = f, .names = { "outer" }, .nested = &inner };

    CQ_ASSERT_OK(f->db, cq_db_transaction_run(f->db, do_work, &outer, NULL));
    assert_int_equal(outer.inner_rc, CQ_EINVALID);
    assert_int_equal(count_named(f, "outer"), 1);
    assert_int_equal(count_named(f, "inner"), 0);
    assert_true(log_find(f, "SAVEPOINT", 0) >= 0);
    assert_true(log_find(f, "ROLLBACK TO SAVEPOINT", 0) >= 0);

    /* a nested success is kept with the outer commit; an outer failure undoes both */
    work ok_inner = { .f = f, .names = { "inner2" } };
    work failing = { .f = f, .names = { "outer2" }, .nested = &ok_inner, .fail_with = -1 };
    assert_int_equal(cq_db_transaction_run(f->db, do_work, &failing, NULL), -1);
    assert_int_equal(failing.inner_rc, CQ_OK);
    assert_int_equal(count_named(f, "inner2"), 0);
    assert_int_equal(count_named(f, "outer2"), 0);
    work ok_outer = { .f = f, .names = { "outer3" }, .nested = &ok_inner };
    ok_inner.names[0] = "inner3";
    CQ_ASSERT_OK(f->db, cq_db_transaction_run(f->db, do_work, &ok_outer, NULL));
    assert_int_equal(count_all(f), 3);
}

static void test_txn_managed__nested_in_an_unmanaged_transaction(void **state)
{
    tfx *f = *state;
    cq_txn *outer = NULL;
    work w = { .f = f, .names = { "ada", "ada" } };

    CQ_ASSERT_OK(f->db, cq_db_transaction(&outer, f->db, NULL));
    CQ_ASSERT_OK(f->db, create_in(f, "kept", outer));
    CQ_ASSERT_ERR(f->db, CQ_EUNIQUE,
                  cq_db_transaction_run(f->db, do_work, &w, &(cq_txn_opts){ .parent = outer }));
    CQ_ASSERT_OK(f->db, cq_txn_commit(outer));
    cq_txn_free(outer);
    assert_int_equal(count_all(f), 1);
    assert_int_equal(count_named(f, "kept"), 1);
}

static void test_txn_managed__cannot_be_ended_by_the_callback(void **state)
{
    tfx *f = *state;
    work w = { .f = f, .names = { "ada" }, .try_commit = true };

    CQ_ASSERT_OK(f->db, cq_db_transaction_run(f->db, do_work, &w, NULL));
    assert_int_equal(w.commit_rc, CQ_EINVALID);
    assert_int_equal(count_named(f, "ada"), 1);
}

static void test_txn_managed__nested_left_open_is_rolled_back(void **state)
{
    tfx *f = *state;
    work w = { .f = f, .names = { "ada" }, .leave_open = true };

    CQ_ASSERT_OK(f->db, cq_db_transaction_run(f->db, do_work, &w, NULL));
    assert_int_equal(count_named(f, "ada"), 1);
    assert_int_equal(count_named(f, "left_open"), 0);
    /* the savepoint was rolled back; its handle is finished but still the caller's */
    assert_non_null(w.left);
    assert_false(cq_txn_is_open(w.left));
    CQ_ASSERT_ERR(f->db, CQ_EINVALID, cq_txn_commit(w.left));
    cq_txn_free(w.left);
}

static void test_txn_managed__bad_arguments(void **state)
{
    tfx *f = *state;
    work w = { .f = f, .names = { "ada" } };

    CQ_ASSERT_ERR(f->db, CQ_EINVALID, cq_db_transaction_run(f->db, NULL, NULL, NULL));
    CQ_ASSERT_ERR(
        f->db, CQ_EINVALID,
        cq_db_transaction_run(f->db, do_work, &w, &(cq_txn_opts){ .isolation_level = 99 }));
    assert_false(w.seen);
    assert_int_equal(f->n, 0); /* nothing was sent */
    cq_txn *t = (cq_txn *)&t;
    CQ_ASSERT_ERR(f->db, CQ_EINVALID,
                  cq_db_transaction(&t, f->db, &(cq_txn_opts){ .isolation_level = -1 }));
    assert_null(t);
    assert_int_equal(f->n, 0);
}

/* ---- isolation levels --------------------------------------------------------------------------
 */

/* The level the server reports for the current transaction, lower case with spaces
 * ("read committed"); SQLite: "1" / "0", its read_uncommitted switch. Caller frees. */
static char *current_level(tfx *f)
{
    cq_dialect d = cq_db_dialect(f->db);
    const char *sql = d == CQ_DIALECT_POSTGRES ? "SHOW transaction_isolation"
                      : d == CQ_DIALECT_MYSQL
                          /* the running InnoDB transaction itself: @@tx_isolation shows the
                           * session's level, not the one SET TRANSACTION gave this one */
                          ? "SELECT trx_isolation_level FROM information_schema.INNODB_TRX "
                            "WHERE trx_mysql_thread_id = CONNECTION_ID()"
                          : "PRAGMA read_uncommitted";
    cq_value *rows = NULL;
    if (d == CQ_DIALECT_MYSQL) {
        /* InnoDB starts the transaction at its first read; INNODB_TRX is a copy refreshed
         * when the last one is over 0.1 s old */
        CQ_ASSERT_OK(f->db, cq_db_query(NULL, f->db, "SELECT count(*) FROM users", NULL, NULL));
        nanosleep(&(struct timespec){ .tv_nsec = 150 * 1000 * 1000 }, NULL);
    }
    CQ_ASSERT_OK(f->db, cq_db_query(&rows, f->db, sql, NULL, NULL));
    assert_int_equal(cq_value_size(rows), 1);
    const cq_value *cell = cq_value_object_value(cq_value_array_get(rows, 0), 0);
    char buf[64];
    if (cq_value_type_of(cell) == CQ_VALUE_INT)
        snprintf(buf, sizeof buf, "%lld", (long long)cq_value_as_int(cell));
    else
        snprintf(buf, sizeof buf, "%s", cq_value_as_text(cell));
    cq_value_free(rows);
    for (char *p = buf; *p; p++)
        *p = *p == '-' ? ' ' : (char)tolower((unsigned char)*p);
    return strdup(buf);
}

/* What current_level() reads inside a transaction of `level` on this dialect. */
static const char *expected_level(cq_dialect d, cq_isolation_level level)
{
    static const char *const names[] = { "", "read uncommitted", "read committed",
                                         "repeatable read", "serializable" };
    if (d != CQ_DIALECT_SQLITE)
        return names[level];
    return level == CQ_ISOLATION_READ_UNCOMMITTED ? "1" : "0";
}

typedef struct level_probe {
    tfx *f;
    char *seen;
} level_probe;

static int probe_level(cq_txn *txn, void *user_data)
{
    (void)txn;
    level_probe *p = user_data;
    p->seen = current_level(p->f);
    return CQ_OK;
}

static void test_txn_managed__isolation_levels_are_applied(void **state)
{
    tfx *f = *state;
    cq_dialect d = cq_db_dialect(f->db);
    /* SQLite: from READ UNCOMMITTED down, so that each level changes the switch it reads */
    for (int level = CQ_ISOLATION_READ_UNCOMMITTED; level <= CQ_ISOLATION_SERIALIZABLE; level++) {
        if (d == CQ_DIALECT_SQLITE && level > CQ_ISOLATION_READ_COMMITTED)
            break; /* nothing is sent for them; checked below */
        level_probe p = { .f = f };
        CQ_ASSERT_OK(f->db, cq_db_transaction_run(f->db, probe_level, &p,
                                                  &(cq_txn_opts){ .isolation_level = level }));
        assert_string_equal(p.seen, expected_level(d, level));
        free(p.seen);

        cq_txn *t = NULL; /* unmanaged, the other way round */
        int other = CQ_ISOLATION_SERIALIZABLE + CQ_ISOLATION_READ_UNCOMMITTED - level;
        if (d == CQ_DIALECT_SQLITE)
            other = level;
        CQ_ASSERT_OK(f->db,
                     cq_db_transaction(&t, f->db, &(cq_txn_opts){ .isolation_level = other }));
        char *seen = current_level(f);
        assert_string_equal(seen, expected_level(d, other));
        free(seen);
        CQ_ASSERT_OK(f->db, cq_txn_commit(t));
        cq_txn_free(t);
    }
}

static void test_txn_managed__isolation_statement_order(void **state)
{
    tfx *f = *state;
    cq_dialect d = cq_db_dialect(f->db);
    cq_txn *t = NULL;

    CQ_ASSERT_OK(
        f->db, cq_db_transaction(
                   &t, f->db, &(cq_txn_opts){ .isolation_level = CQ_ISOLATION_READ_UNCOMMITTED }));
    uint64_t id = cq_txn_id(t);
    CQ_ASSERT_OK(f->db, cq_txn_rollback(t));
    cq_txn_free(t);
    const char *set = d == CQ_DIALECT_SQLITE ? "PRAGMA read_uncommitted = ON;"
                                             : "SET TRANSACTION ISOLATION LEVEL READ UNCOMMITTED;";
    long begin = log_find(f, d == CQ_DIALECT_MYSQL ? "START TRANSACTION" : "BEGIN", 0);
    long lvl = log_find(f, set, 0);
    assert_true(begin >= 0 && lvl >= 0);
    assert_string_equal(f->sql[lvl], set);
    /* MySQL sets the next transaction's level; PostgreSQL and SQLite set it inside */
    if (d == CQ_DIALECT_MYSQL)
        assert_int_equal(lvl, begin - 1);
    else
        assert_int_equal(lvl, begin + 1);
    assert_int_equal(f->txn_id[lvl], id);

    /* SQLite: REPEATABLE READ and SERIALIZABLE send nothing; a savepoint never sends one */
    log_clear(f);
    CQ_ASSERT_OK(f->db,
                 cq_db_transaction(&t, f->db,
                                   &(cq_txn_opts){ .isolation_level = CQ_ISOLATION_SERIALIZABLE }));
    cq_txn *sp = NULL;
    CQ_ASSERT_OK(
        f->db, cq_db_transaction(
                   &sp, f->db,
                   &(cq_txn_opts){ .parent = t, .isolation_level = CQ_ISOLATION_READ_COMMITTED }));
    CQ_ASSERT_OK(f->db, cq_txn_commit(sp));
    cq_txn_free(sp);
    CQ_ASSERT_OK(f->db, cq_txn_commit(t));
    cq_txn_free(t);
    size_t sets = 0;
    for (size_t i = 0; i < f->n; i++)
        sets += strstr(f->sql[i], "ISOLATION") || strstr(f->sql[i], "read_uncommitted");
    assert_int_equal(sets, d == CQ_DIALECT_SQLITE ? 0 : 1);
}

static void test_txn_managed__db_wide_default_level(void **state)
{
    tfx *f = *state;
    cq_dialect d = cq_db_dialect(f->db);
    const char *url = d == CQ_DIALECT_SQLITE ? "sqlite::memory:" : srv_url();
    cq_db *db = NULL;
    cq_error err = { 0 };
    cq_isolation_level want =
        d == CQ_DIALECT_SQLITE ? CQ_ISOLATION_READ_UNCOMMITTED : CQ_ISOLATION_SERIALIZABLE;

    assert_int_equal(cq_db_open(&db, url, &(cq_open_opts){ .isolation_level = want }, &err), CQ_OK);
    f->extra = db;
    tfx g = { .db = db, .user = NULL };
    cq_txn *t = NULL;
    CQ_ASSERT_OK(db, cq_db_transaction(&t, db, NULL));
    char *seen = current_level(&g);
    assert_string_equal(seen, expected_level(d, want));
    free(seen);
    CQ_ASSERT_OK(db, cq_txn_commit(t));
    cq_txn_free(t);
    /* a level given for the transaction wins */
    cq_isolation_level other = CQ_ISOLATION_READ_COMMITTED;
    CQ_ASSERT_OK(db, cq_db_transaction(&t, db, &(cq_txn_opts){ .isolation_level = other }));
    seen = current_level(&g);
    assert_string_equal(seen, expected_level(d, other));
    free(seen);
    CQ_ASSERT_OK(db, cq_txn_commit(t));
    cq_txn_free(t);
}

/* ---- main: one group per dialect ------------------------------------------------------------- */

#define T(fn, setup) cmocka_unit_test_setup_teardown(fn, setup, teardown)
#define TESTS(setup)                                                                               \
    {                                                                                              \
        T(test_txn_managed__success_commits, setup),                                               \
            T(test_txn_managed__failure_rolls_back_with_its_error, setup),                         \
            T(test_txn_managed__callback_status_is_returned, setup),                               \
            T(test_txn_managed__nested_call_is_a_savepoint, setup),                                \
            T(test_txn_managed__nested_in_an_unmanaged_transaction, setup),                        \
            T(test_txn_managed__cannot_be_ended_by_the_callback, setup),                           \
            T(test_txn_managed__nested_left_open_is_rolled_back, setup),                           \
            T(test_txn_managed__bad_arguments, setup),                                             \
            T(test_txn_managed__isolation_levels_are_applied, setup),                              \
            T(test_txn_managed__isolation_statement_order, setup),                                 \
            T(test_txn_managed__db_wide_default_level, setup),                                     \
    }

int main(void)
{
    const struct CMUnitTest tests[] = TESTS(setup);
    return SRV_RUN_EACH("test_txn_managed", "cq_txnm", tests);
}
