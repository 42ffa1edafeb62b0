/* The driver interface: the only layer that talks to database client libraries.
 * It knows statements and values, nothing of models. */
#ifndef CQ_DRIVER_H
#define CQ_DRIVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "cequel/db.h"
#include "cequel/log.h"
#include "cequel/value.h"
#include "core/error.h"
#include "core/value_ops.h"

typedef struct cq__conn cq__conn;

/* Where the cells of a row handed to a cq__row_fn are read from when the driver has not made
 * values of them: the statement's current row, seen in place. */
typedef struct cq__row_src {
    void *ctx;
    void (*view)(void *ctx, size_t col, cq__cell *out);
} cq__row_src;

/* A fully materialised result. Cells are row-major, nrows * ncols, owned by the result.
 * A row handed to a cq__row_fn may instead come with `src` and NULL cells: its cells are read
 * through cq__row_view / cq__row_take, only those the callee asks for. */
typedef struct cq__result {
    size_t ncols, nrows, cap;
    char **colnames;
    cq_value **cells;
    const cq__row_src *src;
    int64_t last_insert_id; /* SQLite/MySQL rowid of the last INSERT */
    int64_t changes;        /* rows changed by INSERT/UPDATE/DELETE */
} cq__result;

void cq__result_free(cq__result *r);
static inline cq_value *cq__result_cell(const cq__result *r, size_t row, size_t col)
{
    return r->cells[row * r->ncols + col];
}

/* Cell `col` of the one row of `one` (a cq__row_fn's), seen in place: valid until the callee
 * returns or takes the cell. */
void cq__row_view(const cq__result *one, size_t col, cq__cell *out);

/* Cell `col` of the one row of `one` as an owned value (taken from the result when it holds
 * one, made from the driver's row otherwise); NULL when out of memory. */
cq_value *cq__row_take(cq__result *one, size_t col);

/* Takes one row: `one` holds a single row (nrows 1) whose cells the callee may take (cq__row_take,
 * or setting them to NULL); returns CQ_OK to go on, or an error that ends the statement. Its column
 * names may be NULL (cells are read by position). */
typedef int (*cq__row_fn)(void *ctx, cq__result *one);

/* Limits every driver applies (cq_open_opts, URL parameters connect_timeout and
 * statement_timeout); 0 = none. */
typedef struct cq__conn_opts {
    uint32_t connect_timeout_ms;
    uint32_t statement_timeout_ms;
    /* PostgreSQL behind a transaction-mode pooler (PgBouncer): unnamed statements only, no
     * session state beyond a transaction */
    bool transaction_pooler;
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

/* Pool settings (Sequelize's `pool` option; cq_pool_opts with defaults filled in). */
typedef struct cq__pool_cfg {
    unsigned max, min;
    unsigned idle_ms, acquire_ms, evict_ms;
    bool begin_immediate; /* SQLite file shared by several connections: BEGIN IMMEDIATE */
} cq__pool_cfg;

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
    /* Keeps a parameterless statement of a transaction (SAVEPOINT, RELEASE SAVEPOINT) to send
     * with the connection's next statement, in the same round trip; an error of it is the
     * error of that next statement. NULL: the session runs it at once. */
    int (*defer)(cq__conn *conn, const char *sql, cq_error *err);
    /* Pool settings for `target` before any connection opens (SQLite: one connection for an
     * in-memory database); NULL = nothing to adjust. */
    void (*plan_pool)(const char *target, cq__pool_cfg *cfg);
    /* Per-connection setup with the pool's settings (SQLite: busy timeout, WAL); NULL = none. */
    int (*tune)(cq__conn *conn, const cq__pool_cfg *cfg, cq_error *err);
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
#define CQ__PREP_RECENT  8
#define CQ__PREP_MAX_SQL 4096 /* longer texts (big multi-row INSERTs) are not kept */

typedef struct cq__prep_entry {
    char *sql;
    size_t len; /* of sql */
    uint64_t hash, used;
    void *handle; /* the driver's statement; NULL = free slot */
} cq__prep_entry;

typedef struct cq__prep_cache {
    cq__prep_entry e[CQ__PREP_CACHE];
    uint64_t clock;
    unsigned char recent[CQ__PREP_RECENT]; /* the slots of the last hits, latest first: compared
                                              before the text is hashed */
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

/* One pooled connection. While busy it belongs to one thread (`owner`): every statement that
 * thread runs on the session goes to it, so a call, and a transaction, see one connection.
 *
 * Reconnection, per pooled connection: a connection found dead is replaced. Outside a
 * transaction a statement that finds it dead before sending anything reconnects and runs; one
 * that loses it while running is run again on a new connection when it only reads (a SELECT
 * that handed over no row yet), else it fails with CQ_ECONNECT and the next statement
 * reconnects. Inside a transaction the loss is reported (CQ_ECONNECT) and every statement
 * fails until the transaction ends: the server has rolled it back. */
typedef struct cq__pconn {
    cq__conn *conn;         /* NULL after a lost connection, until the next statement reconnects */
    struct cq__pconn *next; /* in the session's idle, busy or spare list */
    /* who holds it and how often, in one word so that a thread can take it back without the
     * pool's lock (pool.c): the cq__thread_id() of the thread holding it (or that held it
     * last) and the acquires not yet released (nested calls, a pinned transaction), or one of
     * pool.c's marks for a connection parked by its thread or a slot no longer in use */
    _Atomic uint64_t state;
    bool pinned;     /* a transaction holds it between calls */
    bool in_txn;     /* a top-level transaction is open on it (cq__session_txn_begun) */
    bool txn_lost;   /* its connection was lost: every statement fails until it ends */
    uint64_t txn_id; /* innermost open transaction, for logs; 0 = none */
    _Atomic uint64_t idle_since;
} cq__pconn;

/* A pool of connections plus what every statement needs: logging and error reporting.
 * Errors go to the calling thread's record (cq__last_error()). */
typedef struct cq__session {
    const cq__driver *driver;
    char *target;            /* the URL after the scheme without the session's parameters (timeouts,
                                pool), handed to driver->connect for every connection */
    cq__conn_opts conn_opts; /* timeouts of every pooled connection */
    cq_log_opts log;
    cq__pool_cfg cfg;
    pthread_mutex_t mu;
    pthread_cond_t cv; /* a connection came back (waiters, close) */
    /* idle: given back under the lock; busy: held, or parked by the thread that held it last
     * (free for any thread, its own first); spare: slots whose connection was closed, kept
     * until the pool closes (a thread may still look at the slot it parked last) */
    cq__pconn *idle, *busy, *spare;
    unsigned size, connecting;
    _Atomic unsigned waiting;
    uint64_t created, destroyed;
    _Atomic uint64_t last_evict;
    uint64_t id;        /* this pool, among every pool the process opened */
    atomic_bool frozen; /* set by the first acquire: the schema may no longer change */
    atomic_bool closing;
} cq__session;

/* Parses `url` (taking out connect_timeout and statement_timeout, which `opts` override when
 * not 0, and the pool parameters pool_max, pool_min, pool_idle, pool_acquire, pool_evict,
 * which override `pool`), picks the driver and opens the first connection, so a bad URL or an
 * unreachable server fails here. */
int cq__session_open(cq__session *s, const char *url, const cq__conn_opts *opts,
                     const cq_pool_opts *pool, cq_error *err);
/* The same without connecting (a read server: one that cannot be reached does not fail
 * cq_db_open; the first statement sent to it finds out). */
int cq__session_open_lazy(cq__session *s, const char *url, const cq__conn_opts *opts,
                          const cq_pool_opts *pool, cq_error *err);
/* Sets up the pool of an opened session and, unless `lazy`, opens its first connection. */
int cq__pool_init(cq__session *s, bool lazy, cq_error *err);
/* A new connection for the pool (a pooled one found dead is replaced with it), set up as
 * every pooled one; counted as created. */
int cq__pool_connect(cq__session *s, cq__conn **out, cq_error *err);
/* Waits until no connection is in use by a call (pinned ones may stay), then returns. */
void cq__session_quiesce(cq__session *s);
/* Closes every connection (none may be in use) and frees the pool. */
void cq__session_close(cq__session *s);
/* The top-level transaction on `c` has begun (BEGIN succeeded) / has ended (committed,
 * rolled back or abandoned). */
void cq__session_txn_begun(cq__session *s, cq__pconn *c);
void cq__session_txn_ended(cq__session *s, cq__pconn *c);

/* The calling thread's connection: the one it already holds on `s` (holders + 1), else an
 * idle one, else a new one while fewer than max exist, else waits up to acquire ms
 * (CQ_ETIMEOUT). Marks the session frozen. */
int cq__pool_acquire(cq__session *s, cq__pconn **out);
/* Gives one hold back; the last returns the connection to the pool and wakes a waiter (a
 * connection lost meanwhile goes back empty: the next statement on it reconnects). */
void cq__pool_release(cq__session *s, cq__pconn *c);
/* Marks `c` as held by a transaction between calls (the release that ends it unpins). */
void cq__pool_pin(cq__session *s, cq__pconn *c);
void cq__pool_stats(cq__session *s, cq_pool_stats *out);

/* The one path every statement takes: runs it on the calling thread's connection (acquired
 * for the statement when the thread holds none), logs it once, maps errors into the calling
 * thread's error record. */
int cq__session_exec(cq__session *s, const char *sql, const cq_value *const *params,
                     size_t n_params, cq__result *res);

/* The same, the rows handed to `row` one at a time (see cq__driver.exec_rows). */
int cq__session_exec_rows(cq__session *s, const char *sql, const cq_value *const *params,
                          size_t n_params, cq__row_fn row, void *ctx);

/* The same on a given connection (transactions: BEGIN/COMMIT on the one they pinned); it
 * reconnects as cq__session_exec does. */
int cq__session_exec_on(cq__session *s, cq__pconn *c, const char *sql,
                        const cq_value *const *params, size_t n_params, cq__result *res);

/* A parameterless statement of the transaction pinned to `c` (SAVEPOINT, RELEASE
 * SAVEPOINT) that may go with c's next statement (cq__driver.defer); logged now. */
int cq__session_defer_on(cq__session *s, cq__pconn *c, const char *sql);

/* Emits a warning through the logging hook. */
void cq__session_warn(cq__session *s, const char *text);

#endif
