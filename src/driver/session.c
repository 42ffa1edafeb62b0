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
    /* a result may be half built (allocation failed): only what exists is freed */
    for (size_t i = 0; r->cells && i < r->nrows * r->ncols; i++)
        cq_value_free(r->cells[i]);
    for (size_t i = 0; r->colnames && i < r->ncols; i++)
        cq__free(r->colnames[i]);
    cq__free(r->cells);
    cq__free(r->colnames);
    memset(r, 0, sizeof *r);
}

int cq__session_open(cq__session *s, const char *url, cq_error *err)
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
    s->driver = drv;
    return drv->connect(&s->conn, colon + 1, err);
}

void cq__session_close(cq__session *s)
{
    if (s->driver && s->conn)
        s->driver->close(s->conn);
    s->conn = NULL;
}

static void log_statement(cq__session *s, const char *sql, const cq_value *const *params,
                          size_t n_params, uint64_t t0)
{
    if (s->log.fn && (s->log.mask == 0 || (s->log.mask & CQ_LOG_SQL))) {
        cq_log_event ev = { .kind = CQ_LOG_SQL,
                            .sql = sql,
                            .params = params,
                            .n_params = n_params,
                            .elapsed_ns = cq__monotonic_ns() - t0,
                            .transaction_id = s->txn_id };
        s->log.fn(&ev, s->log.user_data);
    }
}

int cq__session_exec(cq__session *s, const char *sql, const cq_value *const *params,
                     size_t n_params, cq__result *res)
{
    uint64_t t0 = cq__monotonic_ns();
    int rc = s->driver->exec(s->conn, sql, params, n_params, res, &s->error);
    log_statement(s, sql, params, n_params, t0);
    return rc;
}

int cq__session_exec_rows(cq__session *s, const char *sql, const cq_value *const *params,
                          size_t n_params, cq__row_fn row, void *ctx)
{
    uint64_t t0 = cq__monotonic_ns();
    int rc;
    if (s->driver->exec_rows) {
        rc = s->driver->exec_rows(s->conn, sql, params, n_params, row, ctx, &s->error);
    } else {
        cq__result res = { 0 };
        rc = s->driver->exec(s->conn, sql, params, n_params, &res, &s->error);
        for (size_t r = 0; rc == CQ_OK && r < res.nrows; r++) {
            cq__result one = res; /* a view of row r; taken cells are NULL in res too */
            one.nrows = 1;
            one.cells = res.cells + r * res.ncols;
            rc = row(ctx, &one);
        }
        cq__result_free(&res);
    }
    log_statement(s, sql, params, n_params, t0);
    return rc;
}

void cq__session_warn(cq__session *s, const char *text)
{
    if (s->log.fn && (s->log.mask == 0 || (s->log.mask & CQ_LOG_WARNING))) {
        cq_log_event ev = { .kind = CQ_LOG_WARNING, .sql = text, .transaction_id = s->txn_id };
        s->log.fn(&ev, s->log.user_data);
    }
}
