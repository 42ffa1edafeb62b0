/* cq_db at run time: open and close, the pool, read servers, transactions, running statements,
 * raw queries. The schema side (error record, freeze, registry of models) is
 * src/model/registry.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/util.h"
#include "model/hooks.h"
#include "model/model.h"
#include "model/validate.h"
#include "db/db.h"
#include "sql/sql.h"

/* ---- read servers ------------------------------------------------------------- */

#define READ_DOWN_NS (5000ull * 1000000ull) /* a read server that failed is left alone 5 s */

/* Takes `read_hosts=...` out of `url`: the URL without it in *url_out, the host list in
 * *hosts_out (NULL when absent); both to free. */
static int take_read_hosts(char **url_out, char **hosts_out, const char *url)
{
    *url_out = *hosts_out = NULL;
    char *u = cq__malloc(strlen(url) + 1);
    if (!u)
        return CQ_ENOMEM;
    const char *q = strchr(url, '?');
    size_t k = q ? (size_t)(q - url) : strlen(url);
    memcpy(u, url, k);
    bool first = true;
    for (const char *p = q ? q + 1 : NULL; p && *p;) {
        size_t n = strcspn(p, "&");
        if (n >= 11 && strncmp(p, "read_hosts=", 11) == 0) {
            cq__free(*hosts_out);
            if (!(*hosts_out = cq__strndup(p + 11, n - 11))) {
                cq__free(u);
                return CQ_ENOMEM;
            }
        } else if (n) {
            u[k++] = first ? '?' : '&';
            first = false;
            memcpy(u + k, p, n);
            k += n;
        }
        p += n;
        if (*p == '&')
            p++;
    }
    u[k] = '\0';
    *url_out = u;
    return CQ_OK;
}

/* `url` (scheme://[userinfo@]hosts[/path][?query]) with its hosts replaced by `host`. */
static char *with_host(const char *url, const char *host, size_t hlen)
{
    const char *colon = strchr(url, ':');
    if (!colon || strncmp(colon, "://", 3) != 0)
        return NULL;
    const char *p = colon + 3;
    const char *end = p + strcspn(p, "/?");
    const char *hosts = p;
    for (const char *q = p; q < end; q++)
        if (*q == '@')
            hosts = q + 1;
    return cq__asprintf("%.*s%.*s%s", (int)(hosts - url), url, (int)hlen, host, end);
}

static void close_replicas(cq_db *db)
{
    for (size_t i = 0; i < db->nreplicas; i++) {
        cq__session_quiesce(&db->replicas[i].s);
        cq__session_close(&db->replicas[i].s);
    }
    cq__free(db->replicas);
    db->replicas = NULL;
    db->nreplicas = 0;
}

static int add_replica(cq_db *db, const char *url, const cq__conn_opts *co,
                       const cq_open_opts *opts, cq_error *err)
{
    cq__replica *more = cq__realloc(db->replicas, (db->nreplicas + 1) * sizeof *more);
    if (!more)
        return cq__err_oom(err);
    db->replicas = more;
    cq__replica *r = &more[db->nreplicas];
    memset(r, 0, sizeof *r);
    int rc = cq__session_open_lazy(&r->s, url, co, opts ? &opts->pool : NULL, err);
    if (rc != CQ_OK)
        return rc;
    if (r->s.driver != db->s.driver) {
        cq__session_close(&r->s);
        return cq__err_set(err, CQ_EINVALID,
                           "read server %zu: its URL is not of the write server's dialect (%s)",
                           db->nreplicas + 1, db->s.driver->name);
    }
    atomic_init(&r->down_until, 0);
    if (opts)
        r->s.log = opts->log;
    db->nreplicas++;
    return CQ_OK;
}

static int open_replicas(cq_db *db, const char *url, const char *hosts, const cq__conn_opts *co,
                         const cq_open_opts *opts, cq_error *err)
{
    int rc = CQ_OK;
    for (const char *h = hosts; rc == CQ_OK && h && *h;) {
        size_t n = strcspn(h, ",");
        if (n == 0)
            return cq__err_set(err, CQ_EINVALID, "read_hosts: an empty host in the list");
        char *ru = with_host(url, h, n);
        if (!ru)
            return strncmp(url, "sqlite:", 7) == 0
                       ? cq__err_set(err, CQ_EINVALID, "read_hosts: SQLite has no hosts")
                       : cq__err_set(err, CQ_EINVALID, "read_hosts: the URL names no host");
        rc = add_replica(db, ru, co, opts, err);
        cq__free(ru);
        h += n;
        if (*h == ',')
            h++;
    }
    for (const char *const *u = opts ? opts->read_urls : NULL; rc == CQ_OK && u && *u; u++)
        rc = add_replica(db, *u, co, opts, err);
    return rc;
}

/* The calling thread's read calls, innermost first. */
static _Thread_local cq__read_scope *read_scopes;

/* The read call of this thread on db that decides where its SELECTs go, or NULL. */
static cq__read_scope *read_route(cq_db *db)
{
    for (cq__read_scope *r = read_scopes; r; r = r->prev)
        if (r->db == db && !r->nested)
            return r;
    return NULL;
}

static cq_txn *my_top(cq_db *db);

/* Takes a connection on the next read server that is up, after `after` (NULL: the next in
 * turn); none up: the write server (rs->rep NULL). */
static int pick_replica(cq__read_scope *rs, cq__replica *after)
{
    cq_db *db = rs->db;
    size_t start = after ? (size_t)(after - db->replicas) + 1
                         : atomic_fetch_add(&db->next_read, 1) % db->nreplicas;
    size_t tries = after ? db->nreplicas - 1 : db->nreplicas;
    uint64_t now = cq__monotonic_ns();
    rs->rep = NULL;
    rs->held = NULL;
    for (size_t k = 0; k < tries; k++) {
        cq__replica *r = &db->replicas[(start + k) % db->nreplicas];
        if (atomic_load(&r->down_until) > now)
            continue;
        cq__pconn *c = NULL;
        int rc = cq__pool_acquire(&r->s, &c);
        if (rc == CQ_ECONNECT) {
            atomic_store(&r->down_until, now + READ_DOWN_NS);
            cq__session_warn(&db->s, "a read server cannot be reached; it is left alone for "
                                     "5 s");
            continue;
        }
        if (rc != CQ_OK)
            return rc;
        rs->rep = r;
        rs->held = c;
        return CQ_OK;
    }
    return CQ_OK;
}

int cq__db_read_begin(cq__read_scope *rs, cq_db *db, bool use_master, const cq_txn *txn)
{
    *rs = (cq__read_scope){ .db = db, .prev = read_scopes };
    read_scopes = rs;
    if (!db->nreplicas)
        return CQ_OK;
    for (cq__read_scope *r = rs->prev; r; r = r->prev)
        if (r->db == db) {
            rs->nested = true; /* the outer call decides */
            return CQ_OK;
        }
    if (use_master || txn || my_top(db))
        return CQ_OK;
    cq_error keep = cq__err_save();
    int rc = pick_replica(rs, NULL);
    if (rc == CQ_OK)
        cq__err_restore(&keep);
    return rc;
}

bool cq__db_reading_elsewhere(cq_db *db)
{
    const cq__read_scope *rs = db->nreplicas ? read_route(db) : NULL;
    return rs && rs->rep;
}

void cq__db_read_end(cq__read_scope *rs)
{
    if (rs->rep)
        cq__pool_release(&rs->rep->s, rs->held);
    rs->rep = NULL;
    rs->held = NULL;
    read_scopes = rs->prev;
}

/* After a read server failed a statement with a connection error: it is left alone 5 s and
 * the call moves to the next one up (or the write server). */
static int read_failover(cq__read_scope *rs)
{
    cq__replica *bad = rs->rep;
    atomic_store(&bad->down_until, cq__monotonic_ns() + READ_DOWN_NS);
    cq__session_warn(&rs->db->s, "a read server's connection failed; it is left alone for 5 s "
                                 "and the read runs on the next server");
    cq__pool_release(&bad->s, rs->held);
    return pick_replica(rs, bad);
}

int cq_db_open(cq_db **out, const char *url, const cq_open_opts *opts, cq_error *err)
{
    if (!out)
        return cq__err_set(err, CQ_EINVALID, "cq_db_open: out is NULL");
    *out = NULL;
    cq_db *db = cq__calloc(1, sizeof *db);
    if (!db)
        return cq__err_oom(err);
    if (pthread_mutex_init(&db->mu, NULL) != 0) {
        cq__free(db);
        return cq__err_set(err, CQ_ENOMEM, "cannot create a mutex");
    }
    cq__conn_opts co = { 0 };
    if (opts) {
        co.connect_timeout_ms = opts->connect_timeout_ms;
        co.statement_timeout_ms = opts->statement_timeout_ms;
        co.transaction_pooler = opts->transaction_pooler;
    }
    if (cq__validation_db_init(db) != CQ_OK) {
        pthread_mutex_destroy(&db->mu);
        cq__free(db);
        return cq__err_oom(err);
    }
    char *wurl = NULL, *hosts = NULL;
    int rc = url ? take_read_hosts(&wurl, &hosts, url) : CQ_OK;
    if (rc != CQ_OK)
        cq__err_oom(err); /* the only failure of take_read_hosts */
    else
        rc = cq__session_open(&db->s, url ? wurl : NULL, &co, opts ? &opts->pool : NULL, err);
    if (rc == CQ_OK) {
        rc = open_replicas(db, wurl, hosts, &co, opts, err);
        if (rc != CQ_OK) {
            close_replicas(db);
            cq__session_quiesce(&db->s);
            cq__session_close(&db->s);
        }
    }
    cq__free(wurl);
    cq__free(hosts);
    if (rc != CQ_OK) {
        cq__validation_db_free(db);
        pthread_mutex_destroy(&db->mu);
        cq__free(db);
        return rc;
    }
    if (opts) {
        db->s.log = opts->log;
        db->defaults = opts->define;
        db->isolation_level = opts->isolation_level;
    }
    atomic_init(&db->next_txn_id, 1);
    *out = db;
    return CQ_OK;
}

static void rollback_top(cq_txn *top);
static void txn_unlist(cq_txn *top);

void cq_db_close(cq_db *db)
{
    if (!db)
        return;
    /* calls running on other threads give their connections back first */
    cq__session_quiesce(&db->s);
    cq_error keep = cq__err_save();
    while (db->open) {
        /* roll back whatever was left open, by any thread, innermost savepoint and all */
        cq_txn *top = db->open;
        rollback_top(top);
        txn_unlist(top);
        cq__session_txn_ended(&db->s, top->conn);
        cq__pool_release(&db->s, top->conn);
    }
    /* the handles stay the caller's (cq_txn_free); they only learn the db is gone */
    for (cq_txn *t = db->handles; t; t = t->next_handle) {
        t->done = true;
        t->db = NULL;
    }
    cq__err_restore(&keep);
    close_replicas(db);
    cq__session_close(&db->s);
    for (size_t i = 0; i < db->nmodels; i++)
        cq__model_free(db->models[i]);
    cq__free(db->models);
    cq__validation_db_free(db);
    cq__hooks_db_free(db);
    cq__acc_binds_free(db);
    cq__scopes_free(db->scope_binds);
    pthread_mutex_destroy(&db->mu);
    cq__free(db);
}

int cq_db_pool_stats(cq_pool_stats *out, cq_db *db)
{
    if (!out || !db)
        return CQ_EINVALID;
    cq__pool_stats(&db->s, out);
    return CQ_OK;
}

/* Counts the rows handed over: a read moves to another server only when none was. */
typedef struct counted_rows {
    cq__row_fn row;
    void *ctx;
    size_t n;
} counted_rows;

static int count_row(void *ctx, cq__result *one)
{
    counted_rows *c = ctx;
    c->n++;
    return c->row(c->ctx, one);
}

/* Runs a rendered statement where it belongs: a SELECT of a read call on its read server
 * (moving on to the next one, then the write server, when that one cannot be reached),
 * anything else on the write server. */
static int run_routed(cq_db *db, bool select, const cq__sql *sql, cq__result *res,
                      counted_rows *rows)
{
    cq__read_scope *rs = select ? read_route(db) : NULL;
    /* the record a failover restores: only a read on a read server can fail over */
    cq_error keep;
    if (rs && rs->rep)
        keep = cq__err_save();
    for (;;) {
        cq__session *s = rs && rs->rep ? &rs->rep->s : &db->s;
        int rc = rows ? cq__session_exec_rows(s, sql->text, sql->params, sql->n, count_row, rows)
                      : cq__session_exec(s, sql->text, sql->params, sql->n, res);
        if (rc != CQ_ECONNECT || !rs || !rs->rep || (rows && rows->n))
            return rc;
        if (res)
            cq__result_free(res);
        rc = read_failover(rs);
        if (rc != CQ_OK)
            return rc;
        cq__err_restore(&keep);
    }
}

int cq__db_exec_stmt(cq_db *db, const cq__stmt *st, cq__result *res)
{
    cq__sql sql;
    int rc = cq__sql_render(&sql, st, cq_db_dialect(db), cq__last_error());
    if (rc != CQ_OK)
        return rc;
    rc = run_routed(db, st->kind == CQ__ST_SELECT, &sql, res, NULL);
    cq__sql_free(&sql);
    return rc;
}

int cq__db_exec_stmt_rows(cq_db *db, const cq__stmt *st, cq__row_fn row, void *ctx)
{
    cq__sql sql;
    int rc = cq__sql_render(&sql, st, cq_db_dialect(db), cq__last_error());
    if (rc != CQ_OK)
        return rc;
    counted_rows cnt = { .row = row, .ctx = ctx };
    rc = run_routed(db, st->kind == CQ__ST_SELECT, &sql, NULL, &cnt);
    cq__sql_free(&sql);
    return rc;
}

int cq__db_exec_select(cq_db *db, const char *text, const cq_value *const *params, size_t n,
                       cq__result *res, cq__row_fn row, void *ctx)
{
    cq__sql sql = { .text = (char *)text, .params = (const cq_value **)params, .n = n };
    counted_rows cnt = { .row = row, .ctx = ctx };
    return run_routed(db, true, &sql, row ? NULL : res, row ? &cnt : NULL);
}

int cq__db_exec_text(cq_db *db, const char *text, const cq_value *const *params, size_t n,
                     cq__result *res)
{
    cq__sql sql = { .text = (char *)text, .params = (const cq_value **)params, .n = n };
    return run_routed(db, false, &sql, res, NULL);
}

/* ---- transactions -------------------------------------------------------------- */

/* Runs BEGIN/COMMIT/ROLLBACK or the savepoint statement of `t` on the connection its
 * top-level transaction pinned (whichever thread ends it). Transaction control statements are
 * short and fixed: they are rendered into a buffer on the stack, so that ending a transaction
 * (above all rolling one back after a failure) never needs memory. */
static int txn_statement(cq_db *db, cq__txn_verb verb, const cq_txn *t)
{
    if (verb == CQ__TXN_BEGIN && t->depth == 0 && db->s.cfg.begin_immediate)
        verb = CQ__TXN_BEGIN_IMMEDIATE;
    /* a savepoint is named by its depth: only the innermost one is ever open at a depth, and
     * the same few texts come back, so the driver's prepared statements are reused */
    char text[96];
    if (cq__sql_txn_into(text, sizeof text, verb, t->depth, cq_db_dialect(db)) != CQ_OK)
        return cq__db_fail(db, CQ_EINVALID, "transaction statement does not fit");
    /* a savepoint's SAVEPOINT and RELEASE ride with the next statement where the driver can
     * (PostgreSQL's pipeline): the savepoint costs no round trip of its own */
    if (t->depth > 0 && (verb == CQ__TXN_BEGIN || verb == CQ__TXN_COMMIT))
        return cq__session_defer_on(&db->s, t->conn, text);
    return cq__session_exec_on(&db->s, t->conn, text, NULL, 0, NULL);
}

/* Rolls back a top-level transaction, keeping the error already reported. */
static void rollback_top(cq_txn *top)
{
    cq_db *db = top->db;
    cq_error keep = cq__err_save();
    char text[96];
    if (cq__sql_txn_into(text, sizeof text, CQ__TXN_ROLLBACK, 0, cq_db_dialect(db)) == CQ_OK)
        cq__session_exec_on(&db->s, top->conn, text, NULL, 0, NULL);
    cq__err_restore(&keep);
}

static void txn_unlist(cq_txn *top)
{
    cq_db *db = top->db;
    pthread_mutex_lock(&db->mu);
    for (cq_txn **p = &db->open; *p; p = &(*p)->next_open)
        if (*p == top) {
            *p = top->next_open;
            break;
        }
    pthread_mutex_unlock(&db->mu);
}

/* The calling thread's open top-level transaction on db. */
static cq_txn *my_top(cq_db *db)
{
    uint64_t me = cq__thread_id();
    pthread_mutex_lock(&db->mu);
    cq_txn *t = db->open;
    while (t && t->owner != me)
        t = t->next_open;
    pthread_mutex_unlock(&db->mu);
    return t;
}

int cq__db_enter(cq_db *db, const cq_txn *t)
{
    cq__db_clear(db);
    return cq__txn_check(db, t);
}

int cq__model_enter(cq_model *m, const cq_txn *t)
{
    return m ? cq__db_enter(m->db, t) : CQ_EINVALID;
}

cq_txn *cq__txn_current(cq_db *db)
{
    cq_txn *top = my_top(db);
    return top ? top->inner : NULL;
}

int cq__txn_check(cq_db *db, const cq_txn *t)
{
    if (!t)
        return CQ_OK;
    if (t->done)
        return cq__db_fail(
            db, CQ_EINVALID,
            "transaction %llu is finished (committed or rolled back); begin a new one",
            (unsigned long long)t->id);
    if (t->db != db)
        return cq__db_fail(db, CQ_EINVALID, "transaction %llu belongs to another db",
                           (unsigned long long)t->id);
    return CQ_OK;
}

/* The isolation statement of a new top-level transaction, when before == whether it goes
 * before BEGIN; CQ_OK when there is none. */
static int txn_isolation(const cq_txn *t, cq_isolation_level level, bool before)
{
    bool first = false;
    const char *sql = cq__sql_isolation(level, cq_db_dialect(t->db), &first);
    if (!sql || first != before)
        return CQ_OK;
    return cq__session_exec_on(&t->db->s, t->conn, sql, NULL, 0, NULL);
}

static int txn_begin(cq_txn **out, cq_db *db, cq_txn *parent, cq_isolation_level level)
{
    *out = NULL;
    if ((int)level < CQ_ISOLATION_DEFAULT || level > CQ_ISOLATION_SERIALIZABLE)
        return cq__db_fail(db, CQ_EINVALID, "unknown isolation level %d", (int)level);
    if (level == CQ_ISOLATION_DEFAULT)
        level = db->isolation_level;
    if (parent && (parent->db != db || parent->done))
        return cq__db_fail(db, CQ_EINVALID, "parent transaction is finished or from another db");
    if (!parent && my_top(db))
        return cq__db_fail(db, CQ_EINVALID,
                           "this thread already has a transaction open on this db; nest with "
                           "cq_txn_opts.parent (a savepoint)");
    if (parent && parent != parent->top->inner)
        return cq__db_fail(db, CQ_EINVALID,
                           "transaction %llu already has an open nested transaction",
                           (unsigned long long)parent->id);
    cq_txn *t = cq__calloc(1, sizeof *t);
    if (!t)
        return cq__db_oom(db);
    t->db = db;
    t->parent = parent;
    t->id = atomic_fetch_add(&db->next_txn_id, 1);
    t->depth = parent ? parent->depth + 1 : 0;
    if (parent) {
        t->top = parent->top;
        t->conn = parent->conn;
    } else {
        t->top = t;
        t->owner = cq__thread_id();
        int rc = cq__pool_acquire(&db->s, &t->conn);
        if (rc != CQ_OK) {
            cq__free(t);
            return rc;
        }
    }
    uint64_t saved = t->conn->txn_id;
    t->conn->txn_id = t->id;
    /* Sequelize's Transaction.begin: the level goes with the top-level transaction only, on
     * the connection it pins */
    int rc = parent ? CQ_OK : txn_isolation(t, level, true);
    if (rc == CQ_OK)
        rc = txn_statement(db, CQ__TXN_BEGIN, t);
    if (rc == CQ_OK && !parent && (rc = txn_isolation(t, level, false)) != CQ_OK)
        rollback_top(t);
    if (rc != CQ_OK) {
        t->conn->txn_id = saved;
        if (!parent)
            cq__pool_release(&db->s, t->conn);
        cq__free(t);
        return rc;
    }
    t->top->inner = t;
    pthread_mutex_lock(&db->mu);
    if (!parent) {
        t->next_open = db->open;
        db->open = t;
    }
    t->next_handle = db->handles;
    if (db->handles)
        db->handles->prev_handle = t;
    db->handles = t;
    pthread_mutex_unlock(&db->mu);
    if (!parent) {
        cq__session_txn_begun(&db->s, t->conn);
        cq__pool_pin(&db->s, t->conn);
    }
    *out = t;
    return CQ_OK;
}

int cq__txn_begin(cq_txn **out, cq_db *db, cq_txn *parent)
{
    return txn_begin(out, db, parent, CQ_ISOLATION_DEFAULT);
}

int cq_db_transaction(cq_txn **out, cq_db *db, const cq_txn_opts *opts)
{
    if (out)
        *out = NULL;
    if (!out || !db)
        return CQ_EINVALID;
    cq__db_clear(db);
    cq_txn *parent = opts ? opts->parent : NULL;
    if (parent && parent->done)
        return cq__txn_check(db, parent);
    return txn_begin(out, db, parent, opts ? opts->isolation_level : CQ_ISOLATION_DEFAULT);
}

static int txn_end(cq_txn *t, cq__txn_verb verb);

int cq_db_transaction_run(cq_db *db, cq_txn_fn fn, void *user_data, const cq_txn_opts *opts)
{
    if (!db)
        return CQ_EINVALID;
    cq__db_clear(db);
    if (!fn)
        return cq__db_fail(db, CQ_EINVALID, "cq_db_transaction_run: fn is NULL");
    /* a call made while this thread has a transaction open nests in it (a savepoint) */
    cq_txn *parent = opts && opts->parent ? opts->parent : cq__txn_current(db);
    if (parent && parent->done)
        return cq__txn_check(db, parent);
    cq_txn *t = NULL;
    int rc = txn_begin(&t, db, parent, opts ? opts->isolation_level : CQ_ISOLATION_DEFAULT);
    if (rc != CQ_OK)
        return rc;
    t->managed = true;
    rc = fn(t, user_data);
    cq_error keep = cq__err_save();
    /* nested transactions fn left open are rolled back; their handles stay fn's to free */
    while (t->top->inner && t->top->inner != t)
        txn_end(t->top->inner, CQ__TXN_ROLLBACK);
    cq__err_restore(&keep);
    t->managed = false;
    if (rc != CQ_OK && cq__last_error()->code == CQ_OK)
        cq__db_fail(db, rc, "the transaction's callback returned %d (%s); rolled back", rc,
                    cq_strerror(rc));
    return cq__txn_finish(t, rc);
}

/* Ends `t` (which must be open and innermost): COMMIT/RELEASE or ROLLBACK/ROLLBACK TO. The
 * handle is finished whatever happens; a failed COMMIT (or RELEASE) is rolled back; a
 * top-level transaction gives its connection back to the pool. */
static int txn_end(cq_txn *t, cq__txn_verb verb)
{
    cq_db *db = t->db;
    int rc = txn_statement(db, verb, t);
    if (rc != CQ_OK && verb == CQ__TXN_COMMIT) {
        if (t->depth == 0) {
            /* a failed COMMIT leaves the transaction open: roll it back so the db is usable */
            rollback_top(t);
        } else {
            cq_error keep = cq__err_save();
            if (txn_statement(db, CQ__TXN_ROLLBACK, t) == CQ_OK)
                txn_statement(db, CQ__TXN_COMMIT, t);
            cq__err_restore(&keep);
        }
    }
    if (t->depth > 0 && verb == CQ__TXN_ROLLBACK && rc == CQ_OK) {
        /* ROLLBACK TO keeps the savepoint open; release it so nesting stays balanced */
        rc = txn_statement(db, CQ__TXN_COMMIT, t);
    }
    if (t->parent) {
        t->top->inner = t->parent;
        t->conn->txn_id = t->parent->id;
    } else {
        t->inner = NULL;
        t->conn->txn_id = 0;
        cq__session_txn_ended(&db->s, t->conn);
        txn_unlist(t);
        cq__pool_release(&db->s, t->conn); /* unpins it */
    }
    t->conn = NULL;
    t->done = true;
    return rc;
}

static int txn_finish_public(cq_txn *t, cq__txn_verb verb)
{
    if (!t)
        return CQ_EINVALID;
    if (!t->db)
        return CQ_EINVALID; /* its db is closed */
    cq_db *db = t->db;
    cq__db_clear(db);
    if (t->done)
        return cq__txn_check(db, t);
    if (t->managed)
        return cq__db_fail(db, CQ_EINVALID,
                           "transaction %llu is managed by cq_db_transaction_run: return from "
                           "its callback to end it",
                           (unsigned long long)t->id);
    if (t->top->inner != t) {
        return cq__db_fail(db, CQ_EINVALID,
                           "transaction %llu has an open nested transaction; end that first",
                           (unsigned long long)t->id);
    }
    return txn_end(t, verb);
}

int cq_txn_commit(cq_txn *txn)
{
    return txn_finish_public(txn, CQ__TXN_COMMIT);
}

int cq_txn_rollback(cq_txn *txn)
{
    return txn_finish_public(txn, CQ__TXN_ROLLBACK);
}

void cq_txn_free(cq_txn *txn)
{
    if (!txn || txn->managed)
        return; /* a managed transaction is cq_db_transaction_run's to free */
    cq_db *db = txn->db;
    if (db && !txn->done) {
        /* still open: roll it back, and whatever is nested in it, innermost first, keeping
         * the error the caller may be about to read */
        cq_error keep = cq__err_save();
        while (!txn->done && txn->top->inner)
            txn_end(txn->top->inner, CQ__TXN_ROLLBACK);
        cq__err_restore(&keep);
    }
    if (db) {
        pthread_mutex_lock(&db->mu);
        if (txn->prev_handle)
            txn->prev_handle->next_handle = txn->next_handle;
        else
            db->handles = txn->next_handle;
        if (txn->next_handle)
            txn->next_handle->prev_handle = txn->prev_handle;
        pthread_mutex_unlock(&db->mu);
    }
    cq__free(txn);
}

int cq__txn_finish(cq_txn *t, int rc)
{
    if (rc == CQ_OK) {
        rc = txn_end(t, CQ__TXN_COMMIT);
    } else {
        cq_error keep = cq__err_save(); /* the rollback must not hide why it happened */
        txn_end(t, CQ__TXN_ROLLBACK);
        cq__err_restore(&keep);
    }
    cq_txn_free(t);
    return rc;
}

uint64_t cq_txn_id(const cq_txn *txn)
{
    return txn ? txn->id : 0;
}

bool cq_txn_is_open(const cq_txn *txn)
{
    return txn && !txn->done;
}

/* ---- raw query -------------------------------------------------------------------- */

int cq_db_query(cq_value **out, cq_db *db, const char *sql, const cq_value *params, cq_txn *txn)
{
    if (out)
        *out = NULL;
    if (!db)
        return CQ_EINVALID;
    int trc = cq__db_enter(db, txn);
    if (trc != CQ_OK)
        return trc;
    /* the calling thread's open transaction is the one its statements run in */
    if (!sql)
        return cq__db_fail(db, CQ_EINVALID, "cq_db_query: sql is NULL");
    if (params && cq_value_type_of(params) != CQ_VALUE_ARRAY)
        return cq__db_fail(db, CQ_EINVALID, "cq_db_query: params must be an array");
    cq__stmt *st = cq__stmt_new(CQ__ST_RAW, NULL);
    if (!st)
        return cq__db_oom(db);
    st->raw = cq__strdup(sql);
    st->raw_params = params ? cq_value_copy(params) : NULL;
    if (!st->raw || (params && !st->raw_params)) {
        cq__stmt_free(st);
        return cq__db_oom(db);
    }
    cq__result res = { 0 };
    int rc = cq__db_exec_stmt(db, st, &res);
    cq__stmt_free(st);
    if (rc != CQ_OK)
        return rc;
    cq_value *rows = out ? cq_value_array() : NULL;
    for (size_t r = 0; rows && r < res.nrows; r++) {
        cq_value *row = cq_value_object();
        for (size_t c = 0; row && c < res.ncols; c++) {
            cq_value *cell = res.cells[r * res.ncols + c];
            res.cells[r * res.ncols + c] = NULL;
            if (cq_value_object_set(row, res.colnames[c], cell ? cell : cq_value_null()) != 0) {
                cq_value_free(row);
                row = NULL;
            }
        }
        if (cq_value_array_append(rows, row) != CQ_OK) {
            cq_value_free(rows);
            rows = NULL;
        }
    }
    cq__result_free(&res);
    if (out) {
        if (!rows)
            return cq__db_oom(db);
        *out = rows;
    }
    return CQ_OK;
}
