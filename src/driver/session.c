#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/error.h"
#include "core/util.h"
#include "driver/driver.h"
#include "sql/dialect.h"

void cq__result_free(cq__result *r)
{
    if (!r)
        return;
    /* a result may be half built (allocation failed): only what exists is freed */
    for (size_t i = 0; r->cells && i < r->nrows * r->ncols; i++)
        cq_value_free(r->cells[i]);
    for (size_t i = 0; r->colnames && i < r->ncols; i++)
        cq__free(r->colnames[i]);
    cq__free(r->cells);
    cq__free(r->colnames);
    memset(r, 0, sizeof *r);
}

void cq__row_view(const cq__result *one, size_t col, cq__cell *out)
{
    const cq_value *v = one->cells[col];
    if (!v && one->src)
        one->src->view(one->src->ctx, col, out);
    else
        cq__cell_of(out, v); /* a taken cell reads as NULL */
}

cq_value *cq__row_take(cq__result *one, size_t col)
{
    cq_value *v = one->cells[col];
    if (v) {
        one->cells[col] = NULL;
        return v;
    }
    if (!one->src)
        return cq_value_null();
    cq__cell c;
    one->src->view(one->src->ctx, col, &c);
    return cq__value_from_cell(&c);
}

/* "250", "250ms", "2s", "1min": a duration in milliseconds; a bare number is in `unit_ms`. */
static bool parse_duration(const char *s, size_t n, uint32_t unit_ms, uint32_t *out)
{
    uint64_t v = 0;
    size_t i = 0;
    for (; i < n && s[i] >= '0' && s[i] <= '9' && v <= UINT32_MAX; i++)
        v = v * 10 + (uint64_t)(s[i] - '0');
    if (i == 0)
        return false;
    const char *unit = s + i;
    size_t un = n - i;
    uint64_t mul = unit_ms;
    if (un == 2 && strncmp(unit, "ms", 2) == 0)
        mul = 1;
    else if (un == 1 && unit[0] == 's')
        mul = 1000;
    else if (un == 3 && strncmp(unit, "min", 3) == 0)
        mul = 60000;
    else if (un != 0)
        return false;
    v *= mul;
    if (v > UINT32_MAX)
        return false;
    *out = (uint32_t)v;
    return true;
}

/* Reads one pool parameter "pool_<name>=<digits>" into `p`; *known false for any other. */
static int pool_param(const char *key, size_t klen, const char *val, size_t vlen, cq_pool_opts *p,
                      bool *known, cq_error *err)
{
    static const struct {
        const char *name;
        size_t off;
    } names[] = {
        { "pool_max", offsetof(cq_pool_opts, max) },
        { "pool_min", offsetof(cq_pool_opts, min) },
        { "pool_idle", offsetof(cq_pool_opts, idle) },
        { "pool_acquire", offsetof(cq_pool_opts, acquire) },
        { "pool_evict", offsetof(cq_pool_opts, evict) },
    };
    *known = false;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        if (strlen(names[i].name) != klen || strncmp(key, names[i].name, klen) != 0)
            continue;
        *known = true;
        unsigned long v = 0;
        bool ok = vlen > 0 && vlen <= 9;
        for (size_t k = 0; ok && k < vlen; k++) {
            ok = val[k] >= '0' && val[k] <= '9';
            v = v * 10 + (unsigned long)(val[k] - '0');
        }
        if (!ok)
            return cq__err_set(err, CQ_EINVALID,
                               "database URL parameter %.*s: \"%.*s\" is not a whole number "
                               "(0 to 999999999)",
                               (int)klen, key, (int)vlen, val);
        *(unsigned *)((char *)p + names[i].off) = (unsigned)v;
        return CQ_OK;
    }
    return CQ_OK;
}

/* Takes connect_timeout, statement_timeout, transaction_pooler and the pool parameters out of
 * the query string of `target` (the URL after the scheme), into `o` and `p`; the target
 * without them becomes *out (free it). */
static int take_params(char **out, cq__conn_opts *o, cq_pool_opts *pool, const char *target,
                       cq_error *err)
{
    *out = NULL;
    const char *q = strchr(target, '?');
    size_t head = q ? (size_t)(q - target) : strlen(target);
    char *t = cq__malloc(strlen(target) + 1);
    if (!t)
        return cq__err_oom(err);
    memcpy(t, target, head);
    size_t k = head;
    for (const char *p = q ? q + 1 : NULL; p && *p;) {
        const char *amp = strchr(p, '&');
        size_t n = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', n);
        size_t kn = eq ? (size_t)(eq - p) : n;
        uint32_t *slot = NULL, unit = 1;
        const char *name = NULL;
        bool pooled = false;
        if (kn == 15 && strncmp(p, "connect_timeout", 15) == 0) {
            slot = &o->connect_timeout_ms;
            unit = 1000; /* seconds, as libpq and the mysql client count it */
            name = "connect_timeout";
        } else if (kn == 17 && strncmp(p, "statement_timeout", 17) == 0) {
            slot = &o->statement_timeout_ms; /* milliseconds, as PostgreSQL's setting */
            name = "statement_timeout";
        } else if (kn == 18 && strncmp(p, "transaction_pooler", 18) == 0) {
            /* true/false, 1/0, on/off, yes/no; the bare name means true */
            const char *v = eq ? eq + 1 : "true";
            size_t vn = eq ? n - kn - 1 : 4;
            bool on = (vn == 4 && strncasecmp(v, "true", 4) == 0) || (vn == 1 && *v == '1') ||
                      (vn == 2 && strncasecmp(v, "on", 2) == 0) ||
                      (vn == 3 && strncasecmp(v, "yes", 3) == 0);
            bool off = (vn == 5 && strncasecmp(v, "false", 5) == 0) || (vn == 1 && *v == '0') ||
                       (vn == 3 && strncasecmp(v, "off", 3) == 0) ||
                       (vn == 2 && strncasecmp(v, "no", 2) == 0);
            if (!on && !off) {
                cq__free(t);
                return cq__err_set(err, CQ_EINVALID,
                                   "bad database URL parameter transaction_pooler=\"%.*s\": "
                                   "expected true or false",
                                   (int)vn, v);
            }
            o->transaction_pooler = on;
            pooled = true; /* taken out of the URL */
        } else if (eq) {
            int rc = pool_param(p, kn, eq + 1, n - kn - 1, pool, &pooled, err);
            if (rc != CQ_OK) {
                cq__free(t);
                return rc;
            }
        }
        if (slot) {
            if (!eq || !parse_duration(eq + 1, n - kn - 1, unit, slot)) {
                cq__free(t);
                return cq__err_set(err, CQ_EINVALID,
                                   "bad database URL parameter %s=\"%.*s\": expected a number, "
                                   "optionally followed by ms, s or min",
                                   name, eq ? (int)(n - kn - 1) : 0, eq ? eq + 1 : "");
            }
        } else if (!pooled && n) {
            t[k] = k == head ? '?' : '&';
            k++;
            memcpy(t + k, p, n);
            k += n;
        }
        p = amp ? amp + 1 : NULL;
    }
    t[k] = '\0';
    *out = t;
    return CQ_OK;
}

/* The driver a URL's scheme names (<dialect>:<target>); *rest is the target. */
static int url_driver(const cq__driver **out, const char **rest, const char *url, cq_error *err)
{
    if (!url || !*url)
        return cq__err_set(err, CQ_EINVALID, "empty database URL");
    const char *colon = strchr(url, ':');
    if (!colon || colon == url)
        return cq__err_set(err, CQ_EINVALID,
                           "unparsable database URL \"%s\": expected <dialect>:<target>, "
                           "e.g. sqlite::memory:",
                           url);
    size_t n = (size_t)(colon - url);
    for (size_t i = 0; i < n; i++) {
        char c = url[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '-' || c == '.'))
            return cq__err_set(err, CQ_EINVALID, "unparsable database URL \"%s\": bad scheme", url);
    }
    const cq__driver *drv = NULL;
    if (n == 6 && strncmp(url, "sqlite", 6) == 0)
        drv = &cq__driver_sqlite;
#ifdef CQ_WITH_POSTGRES
    /* Sequelize accepts both spellings; libpq parses the rest of the URI */
    if ((n == 8 && strncmp(url, "postgres", 8) == 0) ||
        (n == 10 && strncmp(url, "postgresql", 10) == 0))
        drv = &cq__driver_postgres;
#endif
#ifdef CQ_WITH_MYSQL
    /* one driver for both servers: MariaDB speaks MySQL's protocol */
    if ((n == 5 && strncmp(url, "mysql", 5) == 0) || (n == 7 && strncmp(url, "mariadb", 7) == 0))
        drv = &cq__driver_mysql;
#endif
    if (!drv)
        /* the scheme only: the rest of a URL may carry a password */
        return cq__err_set(err, CQ_ENOTSUPPORTED,
                           "database URL \"%.*s:...\": dialect \"%.*s\" is not supported by "
                           "this build",
                           (int)n, url, (int)n, url);
    *out = drv;
    *rest = colon + 1;
    return CQ_OK;
}

static int session_open(cq__session *s, const char *url, const cq__conn_opts *opts,
                        const cq_pool_opts *pool, bool lazy, cq_error *err)
{
    memset(s, 0, sizeof *s);
    const cq__driver *drv = NULL;
    const char *rest = NULL;
    int rc = url_driver(&drv, &rest, url, err);
    if (rc != CQ_OK)
        return rc;
    cq_pool_opts p = pool ? *pool : (cq_pool_opts){ 0 };
    rc = take_params(&s->target, &s->conn_opts, &p, rest, err);
    if (rc != CQ_OK)
        return rc;
    if (opts && opts->connect_timeout_ms)
        s->conn_opts.connect_timeout_ms = opts->connect_timeout_ms;
    if (opts && opts->statement_timeout_ms)
        s->conn_opts.statement_timeout_ms = opts->statement_timeout_ms;
    if (opts && opts->transaction_pooler)
        s->conn_opts.transaction_pooler = true;
    /* only a dialect with a session set-up for a pooler (sql/<dialect>.c) goes behind one */
    if (s->conn_opts.transaction_pooler && !cq__sql_dialect_of(drv->dialect)->session_pooled) {
        cq__free(s->target);
        s->target = NULL;
        return cq__err_set(err, CQ_EINVALID,
                           "transaction_pooler is a PostgreSQL option (PgBouncer's transaction "
                           "pooling); this URL is %s",
                           drv->name);
    }
    /* Sequelize's defaults (ConnectionManager): max 5, min 0, idle 10 s, acquire 60 s,
     * evict 1 s */
    s->cfg = (cq__pool_cfg){ .max = p.max ? p.max : 5,
                             .min = p.min,
                             .idle_ms = p.idle ? p.idle : 10000,
                             .acquire_ms = p.acquire ? p.acquire : 60000,
                             .evict_ms = p.evict ? p.evict : 1000 };
    if (s->cfg.min > s->cfg.max) {
        cq__free(s->target);
        s->target = NULL;
        return cq__err_set(err, CQ_EINVALID, "pool: min (%u) is greater than max (%u)", s->cfg.min,
                           s->cfg.max);
    }
    s->driver = drv;
    if (drv->plan_pool)
        drv->plan_pool(s->target, &s->cfg);
    rc = cq__pool_init(s, lazy, err);
    if (rc != CQ_OK) {
        cq__free(s->target);
        s->target = NULL;
        s->driver = NULL;
    }
    return rc;
}

int cq__session_open(cq__session *s, const char *url, const cq__conn_opts *opts,
                     const cq_pool_opts *pool, cq_error *err)
{
    return session_open(s, url, opts, pool, false, err);
}

int cq__session_open_lazy(cq__session *s, const char *url, const cq__conn_opts *opts,
                          const cq_pool_opts *pool, cq_error *err)
{
    return session_open(s, url, opts, pool, true, err);
}

void cq__session_txn_begun(cq__session *s, cq__pconn *c)
{
    (void)s;
    c->in_txn = true;
    c->txn_lost = false;
}

void cq__session_txn_ended(cq__session *s, cq__pconn *c)
{
    (void)s;
    c->in_txn = false;
    c->txn_lost = false;
}

/* Drops a connection that can no longer serve (the server closed it, or it was lost during a
 * statement); inside a transaction the transaction is lost with it. The pooled slot stays,
 * empty, until the next statement on it reconnects. */
static void drop_conn(cq__session *s, cq__pconn *c)
{
    if (c->conn) {
        s->driver->close(c->conn);
        pthread_mutex_lock(&s->mu);
        s->destroyed++;
        pthread_mutex_unlock(&s->mu);
    }
    c->conn = NULL;
    if (c->in_txn)
        c->txn_lost = true;
}

/* A usable connection before a statement is sent: the current one when alive, else (outside
 * a transaction) a new one in its place. */
static int ready(cq__session *s, cq__pconn *c)
{
    cq_error *e = cq__last_error();
    if (c->txn_lost)
        return cq__err_set(e, CQ_ECONNECT,
                           "the connection of this transaction was lost (the server rolled the "
                           "transaction back); end it with cq_txn_rollback()");
    if (c->conn && s->driver->alive(c->conn))
        return CQ_OK;
    bool had = c->conn != NULL;
    drop_conn(s, c);
    if (c->in_txn)
        return cq__err_set(e, CQ_ECONNECT,
                           "the connection of this transaction was lost (the server closed it "
                           "and rolled the transaction back); end it with cq_txn_rollback()");
    cq_error err = { 0 };
    int rc = cq__pool_connect(s, &c->conn, &err);
    if (rc != CQ_OK) {
        c->conn = NULL;
        *e = err;
        return rc;
    }
    cq__session_warn(s, had ? "the connection was closed by the server; reconnected"
                            : "reconnected after a lost connection");
    return CQ_OK;
}

/* Text with a NUL byte would be cut by every driver: refused before anything is sent. */
static int check_params(const cq_value *const *params, size_t n_params)
{
    for (size_t i = 0; i < n_params; i++)
        if (cq__value_text_has_nul(params[i]))
            return cq__err_set(cq__last_error(), CQ_EINVALID,
                               "bound value %zu is text containing a NUL byte; binary data goes "
                               "in a blob value (cq_value_blob)",
                               i + 1);
    return CQ_OK;
}

/* Statements that can run again on a new connection when the old one died under them: they
 * change nothing (a SELECT), or nothing had begun (BEGIN outside a transaction). */
static bool may_rerun(const cq__pconn *c, const char *sql)
{
    while (*sql == ' ' || *sql == '\n' || *sql == '\t' || *sql == '(')
        sql++;
    if (strncasecmp(sql, "SELECT", 6) == 0)
        return true;
    return !c->in_txn &&
           (strncasecmp(sql, "BEGIN", 5) == 0 || strncasecmp(sql, "START TRANSACTION", 17) == 0);
}

/* After a failed statement: whether the connection died under it (then it is dropped). */
static bool lost_during(cq__session *s, cq__pconn *c, int rc)
{
    if (rc == CQ_OK || !c->conn || s->driver->alive(c->conn))
        return false;
    drop_conn(s, c);
    cq_error *e = cq__last_error();
    size_t n = strlen(e->message);
    const char *more = c->in_txn ? "; the connection is lost, and the transaction with it"
                                 : "; the connection is lost (the next call reconnects)";
    if (n < sizeof e->message)
        snprintf(e->message + n, sizeof e->message - n, "%s", more);
    return true;
}

/* Whether statements are logged: only then is a statement timed (see log_statement). */
static bool logs_sql(const cq__session *s)
{
    return s->log.fn && (s->log.mask == 0 || (s->log.mask & CQ_LOG_SQL));
}

static void log_statement(cq__session *s, const char *sql, const cq_value *const *params,
                          size_t n_params, uint64_t t0, uint64_t txn_id)
{
    if (logs_sql(s)) {
        cq_log_event ev = { .kind = CQ_LOG_SQL,
                            .sql = sql,
                            .params = params,
                            .n_params = n_params,
                            .elapsed_ns = cq__monotonic_ns() - t0,
                            .transaction_id = txn_id };
        s->log.fn(&ev, s->log.user_data);
    }
}

int cq__session_exec_on(cq__session *s, cq__pconn *c, const char *sql,
                        const cq_value *const *params, size_t n_params, cq__result *res)
{
    uint64_t t0 = logs_sql(s) ? cq__monotonic_ns() : 0;
    cq_error *e = cq__last_error();
    int rc = check_params(params, n_params);
    if (rc == CQ_OK)
        rc = ready(s, c);
    if (rc == CQ_OK) {
        rc = s->driver->exec(c->conn, sql, params, n_params, res, e);
        if (lost_during(s, c, rc) && rc == CQ_ECONNECT && !c->in_txn && may_rerun(c, sql) &&
            ready(s, c) == CQ_OK) {
            cq__session_warn(s, "the connection was lost during a read; running it again");
            rc = s->driver->exec(c->conn, sql, params, n_params, res, e);
            lost_during(s, c, rc);
        }
    }
    log_statement(s, sql, params, n_params, t0, c->txn_id);
    return rc;
}

int cq__session_defer_on(cq__session *s, cq__pconn *c, const char *sql)
{
    if (!s->driver->defer)
        return cq__session_exec_on(s, c, sql, NULL, 0, NULL);
    uint64_t t0 = logs_sql(s) ? cq__monotonic_ns() : 0;
    int rc = ready(s, c);
    if (rc == CQ_OK)
        rc = s->driver->defer(c->conn, sql, cq__last_error());
    log_statement(s, sql, NULL, 0, t0, c->txn_id);
    return rc;
}

int cq__session_exec(cq__session *s, const char *sql, const cq_value *const *params,
                     size_t n_params, cq__result *res)
{
    cq__pconn *c = NULL;
    int rc = cq__pool_acquire(s, &c);
    if (rc != CQ_OK)
        return rc;
    rc = cq__session_exec_on(s, c, sql, params, n_params, res);
    cq__pool_release(s, c);
    return rc;
}

/* Counts the rows handed over, so a statement is run again only when none was. */
typedef struct counted {
    cq__row_fn row;
    void *ctx;
    size_t n;
} counted;

static int count_row(void *ctx, cq__result *one)
{
    counted *c = ctx;
    c->n++;
    return c->row(c->ctx, one);
}

static int exec_rows_once(cq__session *s, cq__pconn *c, const char *sql,
                          const cq_value *const *params, size_t n_params, counted *cnt)
{
    cq_error *e = cq__last_error();
    if (s->driver->exec_rows)
        return s->driver->exec_rows(c->conn, sql, params, n_params, count_row, cnt, e);
    cq__result res = { 0 };
    int rc = s->driver->exec(c->conn, sql, params, n_params, &res, e);
    for (size_t r = 0; rc == CQ_OK && r < res.nrows; r++) {
        cq__result one = res; /* a view of row r; taken cells are NULL in res too */
        one.nrows = 1;
        one.cells = res.cells + r * res.ncols;
        rc = count_row(cnt, &one);
    }
    cq__result_free(&res);
    return rc;
}

int cq__session_exec_rows(cq__session *s, const char *sql, const cq_value *const *params,
                          size_t n_params, cq__row_fn row, void *ctx)
{
    cq__pconn *c = NULL;
    int rc = cq__pool_acquire(s, &c);
    if (rc != CQ_OK)
        return rc;
    uint64_t t0 = logs_sql(s) ? cq__monotonic_ns() : 0;
    counted cnt = { .row = row, .ctx = ctx };
    rc = check_params(params, n_params);
    if (rc == CQ_OK)
        rc = ready(s, c);
    if (rc == CQ_OK) {
        rc = exec_rows_once(s, c, sql, params, n_params, &cnt);
        if (lost_during(s, c, rc) && rc == CQ_ECONNECT && !c->in_txn && cnt.n == 0 &&
            may_rerun(c, sql) && ready(s, c) == CQ_OK) {
            cq__session_warn(s, "the connection was lost during a read; running it again");
            rc = exec_rows_once(s, c, sql, params, n_params, &cnt);
            lost_during(s, c, rc);
        }
    }
    log_statement(s, sql, params, n_params, t0, c->txn_id);
    cq__pool_release(s, c);
    return rc;
}

void cq__session_warn(cq__session *s, const char *text)
{
    if (s->log.fn && (s->log.mask == 0 || (s->log.mask & CQ_LOG_WARNING))) {
        cq_log_event ev = { .kind = CQ_LOG_WARNING, .sql = text };
        s->log.fn(&ev, s->log.user_data);
    }
}
