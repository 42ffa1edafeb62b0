#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/util.h"
#include "driver/driver.h"

void cq__result_free(cq__result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nrows * r->ncols; i++)
        cq_value_free(r->cells[i]);
    for (size_t i = 0; i < r->ncols; i++)
        free(r->colnames[i]);
    free(r->cells);
    free(r->colnames);
    memset(r, 0, sizeof *r);
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

/* Copies `target` without its pool_* parameters into *out, reading them into `p`. */
static int split_pool_params(char **out, const char *target, cq_pool_opts *p, cq_error *err)
{
    *out = NULL;
    const char *q = strchr(target, '?');
    size_t base = q ? (size_t)(q - target) : strlen(target);
    char *t = malloc(strlen(target) + 1);
    if (!t)
        return cq__err_set(err, CQ_ENOMEM, "out of memory");
    memcpy(t, target, base);
    size_t n = base;
    char sep = '?';
    for (const char *a = q ? q + 1 : NULL; a && *a;) {
        const char *amp = strchr(a, '&');
        size_t len = amp ? (size_t)(amp - a) : strlen(a);
        const char *eq = memchr(a, '=', len);
        bool known = false;
        if (eq) {
            int rc =
                pool_param(a, (size_t)(eq - a), eq + 1, len - (size_t)(eq - a) - 1, p, &known, err);
            if (rc != CQ_OK) {
                free(t);
                return rc;
            }
        }
        if (!known && len) {
            t[n++] = sep;
            memcpy(t + n, a, len);
            n += len;
            sep = '&';
        }
        a = amp ? amp + 1 : NULL;
    }
    t[n] = '\0';
    *out = t;
    return CQ_OK;
}

int cq__session_open(cq__session *s, const char *url, const cq_pool_opts *pool, cq_error *err)
{
    memset(s, 0, sizeof *s);
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
    cq_pool_opts p = pool ? *pool : (cq_pool_opts){ 0 };
    int rc = split_pool_params(&s->target, colon + 1, &p, err);
    if (rc != CQ_OK)
        return rc;
    /* Sequelize's defaults (ConnectionManager): max 5, min 0, idle 10 s, acquire 60 s,
     * evict 1 s */
    s->cfg = (cq__pool_cfg){ .max = p.max ? p.max : 5,
                             .min = p.min,
                             .idle_ms = p.idle ? p.idle : 10000,
                             .acquire_ms = p.acquire ? p.acquire : 60000,
                             .evict_ms = p.evict ? p.evict : 1000 };
    if (s->cfg.min > s->cfg.max) {
        free(s->target);
        s->target = NULL;
        return cq__err_set(err, CQ_EINVALID, "pool: min (%u) is greater than max (%u)", s->cfg.min,
                           s->cfg.max);
    }
    s->driver = drv;
    if (drv->plan_pool)
        drv->plan_pool(s->target, &s->cfg);
    rc = cq__pool_init(s, err);
    if (rc != CQ_OK) {
        free(s->target);
        s->target = NULL;
    }
    return rc;
}

static void log_statement(cq__session *s, const char *sql, const cq_value *const *params,
                          size_t n_params, uint64_t t0, uint64_t txn_id)
{
    if (s->log.fn && (s->log.mask == 0 || (s->log.mask & CQ_LOG_SQL))) {
        cq_log_event ev = { .kind = CQ_LOG_SQL,
                            .sql = sql,
                            .params = params,
                            .n_params = n_params,
                            .elapsed_ns = cq__monotonic_ns() - t0,
                            .transaction_id = txn_id };
        s->log.fn(&ev, s->log.user_data);
    }
}

/* A statement that failed because the connection is gone leaves it broken: the pool
 * destroys it when it comes back and opens a new one for the next call. */
static void note_failure(cq__pconn *c, int rc)
{
    if (rc == CQ_ECONNECT)
        c->broken = true;
}

int cq__session_exec_on(cq__session *s, cq__pconn *c, const char *sql,
                        const cq_value *const *params, size_t n_params, cq__result *res)
{
    uint64_t t0 = cq__monotonic_ns();
    int rc = s->driver->exec(c->conn, sql, params, n_params, res, cq__last_error());
    note_failure(c, rc);
    log_statement(s, sql, params, n_params, t0, c->txn_id);
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

int cq__session_exec_rows(cq__session *s, const char *sql, const cq_value *const *params,
                          size_t n_params, cq__row_fn row, void *ctx)
{
    cq__pconn *c = NULL;
    int rc = cq__pool_acquire(s, &c);
    if (rc != CQ_OK)
        return rc;
    uint64_t t0 = cq__monotonic_ns();
    if (s->driver->exec_rows) {
        rc = s->driver->exec_rows(c->conn, sql, params, n_params, row, ctx, cq__last_error());
    } else {
        cq__result res = { 0 };
        rc = s->driver->exec(c->conn, sql, params, n_params, &res, cq__last_error());
        for (size_t r = 0; rc == CQ_OK && r < res.nrows; r++) {
            cq__result one = res; /* a view of row r; taken cells are NULL in res too */
            one.nrows = 1;
            one.cells = res.cells + r * res.ncols;
            rc = row(ctx, &one);
        }
        cq__result_free(&res);
    }
    note_failure(c, rc);
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
