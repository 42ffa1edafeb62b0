/**
 * @file cequel/db.h
 * The database handle (cq_db: the models plus a pool of connections) and transactions
 * (cq_txn).
 *
 * One cq_db serves a whole program, as one Sequelize instance does: define every model and
 * association on it first, then use it from any number of threads at once.
 *
 * - **Schema, then use.** The first statement, the first instance (cq_model_build, a finder)
 *   or cq_db_freeze() freezes the models and associations; defining one after that fails
 *   with CQ_EINVALID. Frozen models are read-only, which is what lets threads share them.
 *   Define from one thread, before other threads start using the db.
 * - **Threads.** Every call taking a cq_db or a model may run on several threads at once.
 *   A call made outside a transaction borrows a connection from the pool for its statements
 *   and gives it back when it returns; everything one call does (a nested create, setX, an
 *   include's separate queries) runs on that one connection. Instances, result sets
 *   (cq_rows) and values belong to one thread at a time: use one from another thread only
 *   after handing it over (with your own synchronisation).
 * - **Transactions.** A transaction pins one connection from cq_db_transaction() until
 *   cq_txn_commit()/cq_txn_rollback() and belongs to the thread that began it: every call
 *   that thread makes on the db while it is open runs inside it (its innermost savepoint),
 *   whether or not the call names it in `transaction` (as Sequelize does with CLS enabled).
 *   Other threads' calls run on other connections, outside it. One top-level transaction
 *   per thread and db. A transaction never passes to another thread by itself: one left
 *   open by a thread that exits keeps its connection until it is ended (from any thread,
 *   with its cq_txn) or until cq_db_close() rolls it back.
 * - **Errors** are kept per thread (like errno): cq_db_error() returns the calling thread's
 *   record of its own last call.
 * - **Locks.** No lock is held while a statement travels to the server, except that the
 *   connection it uses is the calling thread's alone. The SQL log callback may be called
 *   from several threads at once.
 */
#ifndef CEQUEL_DB_H
#define CEQUEL_DB_H

#include "cequel/common.h"
#include "cequel/errors.h"
#include "cequel/log.h"

CQ_BEGIN_DECL

typedef struct cq_db cq_db;
typedef struct cq_txn cq_txn;
typedef struct cq_model cq_model;

typedef enum cq_dialect { CQ_DIALECT_SQLITE = 1, CQ_DIALECT_POSTGRES, CQ_DIALECT_MYSQL } cq_dialect;

/** Db-wide defaults for cq_db_define (Sequelize's `define` option). */
typedef struct cq_define_defaults {
    bool underscored;       /**< default false */
    bool freeze_table_name; /**< default false */
    cq_flag timestamps;     /**< default on */
} cq_define_defaults;

/**
 * The connection pool (Sequelize's `pool` option: same names, defaults and meaning).
 * Connections open on demand, up to `max` (`min` of them, at least one, at cq_db_open); idle
 * ones above `min` close after `idle` ms.
 * No background thread: the idle check runs when the pool is used, at most every `evict` ms.
 * URL parameters `pool_max`, `pool_min`, `pool_idle`, `pool_acquire`, `pool_evict` (numbers,
 * milliseconds for the last three) override these fields.
 *
 * SQLite: `sqlite::memory:` is one database, so its pool holds a single connection (calls
 * from several threads take turns). A database file opens up to `max` connections: readers
 * run in parallel, writers are serialised by SQLite. With `max` above 1 the file is switched
 * to WAL journal mode (readers do not block the writer nor it them; the mode is stored in
 * the file), every connection waits up to `acquire` ms for a lock (busy timeout) instead of
 * failing with "database is locked", and transactions begin with BEGIN IMMEDIATE (they take
 * the write lock at once, so two transactions that read and then write cannot deadlock;
 * Sequelize's IMMEDIATE transaction type).
 */
typedef struct cq_pool_opts {
    unsigned max;     /**< most connections open at once; default 5 */
    unsigned min;     /**< connections opened by cq_db_open and kept open however long
                           idle; default 0 (cq_db_open still opens one) */
    unsigned idle;    /**< ms a connection may stay idle before it closes; default 10000 */
    unsigned acquire; /**< ms a call waits for a free connection, then CQ_ETIMEOUT;
                           default 60000 */
    unsigned evict;   /**< ms between idle checks; default 1000 */
} cq_pool_opts;

typedef struct cq_open_opts {
    cq_log_opts log;           /**< SQL logging; default silent */
    cq_define_defaults define; /**< defaults applied to every model */
    cq_pool_opts pool;         /**< the connection pool; default Sequelize's */
} cq_open_opts;

/** Pool figures at one moment (cq_db_pool_stats()). */
typedef struct cq_pool_stats {
    size_t size;        /**< connections open (in use + idle) */
    size_t idle;        /**< open and free */
    size_t waiting;     /**< calls waiting for a connection */
    uint64_t created;   /**< connections opened since cq_db_open (including the first) */
    uint64_t destroyed; /**< connections closed since (idle timeout, found dead) */
} cq_pool_stats;

/**
 * Opens a connection.
 *
 * URLs: `sqlite::memory:`, `sqlite:relative/path.db`, `sqlite:/absolute/path.db`,
 * `sqlite:///absolute/path.db`; and, when built with the PostgreSQL driver
 * (CQ_WITH_POSTGRES), `postgres://user:pass@host:port/db` or `postgresql://...` (libpq's URI
 * form); when built with the MySQL/MariaDB driver (CQ_WITH_MYSQL),
 * `mysql://user:pass@host:port/db` or `mariadb://...` (user, password and database
 * percent-encoded; parameters `socket=PATH`, `connect_timeout=SECONDS`). SQLite connections
 * enforce foreign keys (PRAGMA foreign_keys = ON); PostgreSQL sessions use UTF-8 and UTC;
 * MySQL sessions use utf8mb4, UTC (time_zone '+00:00') and strict SQL mode. Pool parameters
 * (see cq_pool_opts) may follow a `?` on every dialect; they are removed before the rest of
 * the URL reaches the driver. One connection opens at once, so a bad URL or an unreachable
 * server fails here; more open as calls need them.
 *
 * @param[out] out  the handle; the caller owns it, close with cq_db_close(). NULL on failure.
 * @param url       borrowed for the call.
 * @param opts      NULL for defaults; not kept.
 * @param err       caller-owned, may be NULL.
 * @return CQ_OK, CQ_EINVALID for an unparsable URL or a bad pool parameter (max 0 is
 *         the default; min above max is refused), CQ_ENOTSUPPORTED for a dialect not built in,
 *         CQ_ECONNECT when the database cannot be opened.
 */
CQ_EXTERN int cq_db_open(cq_db **out, const char *url, const cq_open_opts *opts, cq_error *err);

/**
 * Closes every connection and frees every model and association. NULL ok.
 *
 * Calls still running on other threads are waited for (close blocks until each gives its
 * connection back); calls waiting for a connection give up with CQ_EINVALID. No thread may
 * start a new call on db, or still use its models, once close has begun. Transactions left
 * open, by any thread, are rolled back and freed (their cq_txn pointers become invalid).
 * Instances and result sets must be freed before.
 */
CQ_EXTERN void cq_db_close(cq_db *db);

/** The calling thread's error record: the last failed call this thread made on `db` (or on
 *  anything reached from it; the record is per thread, shared by every db the thread uses).
 *  Owned by the library, valid until this thread's next call. Never NULL. */
CQ_EXTERN const cq_error *cq_db_error(const cq_db *db);

/**
 * Freezes the models and associations now (the first statement or instance does it too).
 * After this, cq_db_define() and the association functions fail with CQ_EINVALID. Idempotent.
 * @return CQ_OK, CQ_EINVALID when db is NULL.
 */
CQ_EXTERN int cq_db_freeze(cq_db *db);
/** Whether the schema of `db` is frozen (see cq_db_freeze). */
CQ_EXTERN bool cq_db_is_frozen(const cq_db *db);

/**
 * Reads the pool's figures.
 * @param[out] out  filled in; caller-owned.
 * @return CQ_OK, CQ_EINVALID when out or db is NULL.
 */
CQ_EXTERN int cq_db_pool_stats(cq_pool_stats *out, cq_db *db);

CQ_EXTERN cq_dialect cq_db_dialect(const cq_db *db);

/** Model by name (as defined), borrowed from db; NULL if none. */
CQ_EXTERN cq_model *cq_db_model(const cq_db *db, const char *name);
/** Number of models, and model at position i in definition order (borrowed). */
CQ_EXTERN size_t cq_db_model_count(const cq_db *db);
CQ_EXTERN cq_model *cq_db_model_at(const cq_db *db, size_t i);

typedef struct cq_sync_opts {
    bool force;          /**< drop tables first (reverse dependency order); default false */
    cq_txn *transaction; /**< run inside this transaction; default none */
    bool strict_cycles;  /**< refuse reference cycles with CQ_ECYCLE before any statement runs
                              (the seed manual's behaviour); default false: cycles sync, see
                              cq_db_sync_plan() */
} cq_sync_opts;

/**
 * Creates every model's table (CREATE TABLE IF NOT EXISTS), dependencies first, each followed
 * by the indexes of its `indexes` option that the table does not have yet (by name).
 * @return CQ_OK, CQ_EDATABASE, CQ_ECYCLE (strict mode only), CQ_EUNKNOWN_MODEL /
 *         CQ_EUNKNOWN_ATTR (a reference to a model or key that does not exist).
 */
CQ_EXTERN int cq_db_sync(cq_db *db, const cq_sync_opts *opts);

/** Drops every model's table in reverse dependency order (DROP TABLE IF EXISTS). */
CQ_EXTERN int cq_db_drop(cq_db *db, const cq_sync_opts *opts);

typedef struct cq_txn_opts {
    cq_txn *parent; /**< nest inside this transaction (a SAVEPOINT); default: top level */
} cq_txn_opts;

/**
 * Begins a transaction (BEGIN; BEGIN IMMEDIATE on a shared SQLite file, see cq_pool_opts),
 * or a savepoint when `opts->parent` is given. A top-level transaction takes a connection
 * from the pool (waiting as any call does) and pins it until it ends; it belongs to the
 * calling thread (see the file comment).
 * @param[out] out  the transaction; ends with cq_txn_commit() or cq_txn_rollback(), which
 *                  also free it. cq_db_close() rolls back and frees one left open.
 * @return CQ_OK, CQ_EINVALID when this thread already has a top-level transaction open on db
 *         (nest with `parent`), CQ_ETIMEOUT when no connection came free in time,
 *         CQ_ECONNECT, CQ_EDATABASE.
 */
CQ_EXTERN int cq_db_transaction(cq_txn **out, cq_db *db, const cq_txn_opts *opts);
/** Commits (or releases the savepoint) and frees `txn`, even on failure. */
CQ_EXTERN int cq_txn_commit(cq_txn *txn);
/** Rolls back (to the savepoint) and frees `txn`, even on failure. */
CQ_EXTERN int cq_txn_rollback(cq_txn *txn);
/** Identifier used in logs (1, 2, ...). */
CQ_EXTERN uint64_t cq_txn_id(const cq_txn *txn);

CQ_END_DECL

#endif
