/* The driver interface: the only layer that talks to database client libraries.
 * It knows statements and values, nothing of models. */
#ifndef CQ_DRIVER_H
#define CQ_DRIVER_H

#include <stdbool.h>
#include <stdint.h>

#include "cequel/db.h"
#include "cequel/log.h"
#include "cequel/value.h"

typedef struct cq__conn cq__conn;

/* A fully materialised result. Cells are row-major, nrows * ncols, owned by the result. */
typedef struct cq__result {
    size_t ncols, nrows, cap;
    char **colnames;
    cq_value **cells;
    int64_t last_insert_id; /* SQLite/MySQL rowid of the last INSERT */
    int64_t changes;        /* rows changed by INSERT/UPDATE/DELETE */
} cq__result;

void cq__result_free(cq__result *r);
static inline cq_value *cq__result_cell(const cq__result *r, size_t row, size_t col)
{
    return r->cells[row * r->ncols + col];
}

/* Takes one row: `one` holds a single row (nrows 1) whose cells the callee may take (setting
 * them to NULL); returns CQ_OK to go on, or an error that ends the statement. */
typedef int (*cq__row_fn)(void *ctx, cq__result *one);

/* Limits every driver applies (cq_open_opts, URL parameters connect_timeout and
 * statement_timeout); 0 = none. */
typedef struct cq__conn_opts {
    uint32_t connect_timeout_ms;
    uint32_t statement_timeout_ms;
} cq__conn_opts;

/* How long a client waits for the answer to a statement when statement_timeout_ms is set:
 * the server cancels a statement that runs too long at the limit itself (and answers with an
 * error, the connection staying usable); a server that does not answer at all (frozen, or the
 * network gone) is given up on a little later, and the connection with it. */
static inline uint64_t cq__answer_wait_ms(uint32_t statement_timeout_ms)
{
    uint64_t grace = statement_timeout_ms / 2;
    return statement_timeout_ms + (grace < 500 ? 500 : grace);
}

typedef struct cq__driver {
    cq_dialect dialect;
    const char *name;
    /* `target` is the URL part after the scheme and its colon ("//user@host/db"), without
     * the parameters the session understands (connect_timeout, statement_timeout). A
     * connect that takes longer than opts->connect_timeout_ms fails with CQ_ETIMEOUT. */
    int (*connect)(cq__conn **out, const char *target, const cq__conn_opts *opts, cq_error *err);
    void (*close)(cq__conn *conn);
    /* false when `conn` cannot run another statement: lost during an earlier one (also after
     * a statement timed out waiting for the server), or closed by the server while idle
     * (seen without sending anything). */
    bool (*alive)(cq__conn *conn);
    /* Runs one statement with bound parameters; fills `res` when not NULL. */
    int (*exec)(cq__conn *conn, const char *sql, const cq_value *const *params, size_t n_params,
                cq__result *res, cq_error *err);
    /* Runs one query handing its rows to `row` as they are read, none kept after; NULL when
     * the driver reads whole results only (the session then walks the whole result). */
    int (*exec_rows)(cq__conn *conn, const char *sql, const cq_value *const *params,
                     size_t n_params, cq__row_fn row, void *ctx, cq_error *err);
} cq__driver;

extern const cq__driver cq__driver_sqlite;
#ifdef CQ_WITH_POSTGRES
extern const cq__driver cq__driver_postgres; /* libpq; postgres:// and postgresql:// URLs */
#endif
#ifdef CQ_WITH_MYSQL
extern const cq__driver cq__driver_mysql; /* libmariadb; mysql:// and mariadb:// URLs */
#endif

/* Prepared statements kept per connection, keyed by their text (prep_cache.c): an ORM sends
 * the same few statement shapes again and again, with values always bound. */
#define CQ__PREP_CACHE   64
#define CQ__PREP_MAX_SQL 4096 /* longer texts (big multi-row INSERTs) are not kept */

typedef struct cq__prep_entry {
    char *sql;
    uint64_t hash, used;
    void *handle; /* the driver's statement; NULL = free slot */
} cq__prep_entry;

typedef struct cq__prep_cache {
    cq__prep_entry e[CQ__PREP_CACHE];
    uint64_t clock;
} cq__prep_cache;

/* The handle kept for `sql`, now the most recently used; NULL when none. */
void *cq__prep_get(cq__prep_cache *c, const char *sql);
/* Keeps `handle` for `sql` (*kept false when the text is too long or memory ran out: the
 * caller still owns it). Returns the least recently used handle it replaced, for the caller
 * to destroy, or NULL. */
void *cq__prep_put(cq__prep_cache *c, const char *sql, void *handle, bool *kept);
bool cq__prep_full(const cq__prep_cache *c);
/* Forgets `handle` (the caller destroys it). */
void cq__prep_remove(cq__prep_cache *c, const void *handle);
/* Forgets every handle, passing each to `destroy` (may be NULL). */
void cq__prep_clear(cq__prep_cache *c, void (*destroy)(void *handle));
/* The statement's first keyword: SELECT/INSERT/UPDATE/DELETE, or CREATE/DROP/ALTER/TRUNCATE. */
bool cq__prep_is_dml(const char *sql);
bool cq__prep_is_ddl(const char *sql);

/* A connection plus what every statement needs: logging and error reporting.
 *
 * Reconnection: a connection found dead is replaced. Outside a transaction a statement that
 * finds it dead before sending anything reconnects and runs; one that loses it while running
 * is run again on a new connection when it only reads (a SELECT that handed over no row yet),
 * else it fails with CQ_ECONNECT and the next statement reconnects. Inside a transaction the
 * loss is reported (CQ_ECONNECT) and every statement fails until the transaction ends: the
 * server has rolled it back. */
typedef struct cq__session {
    const cq__driver *driver;
    cq__conn *conn; /* NULL after a lost connection, until the next statement reconnects */
    char *target;   /* the URL after the scheme, for reconnecting */
    cq__conn_opts conn_opts;
    cq_log_opts log;
    uint64_t txn_id; /* current transaction for logs, 0 when none */
    bool in_txn;     /* a top-level transaction is open (cq__session_txn_begun) */
    bool txn_lost;   /* its connection was lost: every statement fails until it ends */
    cq_error error;
} cq__session;

/* Parses `url` (taking out connect_timeout and statement_timeout, which `opts` override when
 * not 0), picks the driver and connects. */
int cq__session_open(cq__session *s, const char *url, const cq__conn_opts *opts, cq_error *err);
void cq__session_close(cq__session *s);
/* The top-level transaction has begun (BEGIN succeeded) / has ended (committed, rolled back
 * or abandoned). */
void cq__session_txn_begun(cq__session *s);
void cq__session_txn_ended(cq__session *s);

/* The one path every statement takes: logs it once, runs it, maps errors into s->error. */
int cq__session_exec(cq__session *s, const char *sql, const cq_value *const *params,
                     size_t n_params, cq__result *res);

/* The same, the rows handed to `row` one at a time (see cq__driver.exec_rows). */
int cq__session_exec_rows(cq__session *s, const char *sql, const cq_value *const *params,
                          size_t n_params, cq__row_fn row, void *ctx);

/* Emits a warning through the logging hook. */
void cq__session_warn(cq__session *s, const char *text);

#endif
