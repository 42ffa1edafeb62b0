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

/** A database connection, its models and associations; opaque, see cq_db_open(). */
typedef struct cq_db cq_db;
/** An open transaction or savepoint; see cq_db_transaction(). */
typedef struct cq_txn cq_txn;
/** A model (cq_db_define()), owned by its db. */
typedef struct cq_model cq_model;

/** The SQL dialect of a connection, or the one cq_db_ddl() writes. */
typedef enum cq_dialect {
    CQ_DIALECT_SQLITE = 1, /**< SQLite 3 */
    CQ_DIALECT_POSTGRES,   /**< PostgreSQL */
    CQ_DIALECT_MYSQL       /**< MySQL and MariaDB */
} cq_dialect;

/** Db-wide defaults for cq_db_define (Sequelize's `define` option). */
typedef struct cq_define_defaults {
    bool underscored;       /**< default false */
    bool freeze_table_name; /**< default false */
    cq_flag timestamps;     /**< default on */
} cq_define_defaults;

/**
 * Transaction isolation levels (Sequelize's `Transaction.ISOLATION_LEVELS`). 0 leaves the
 * server's own level. What each dialect sends, as Sequelize v6 does:
 * - PostgreSQL: `SET TRANSACTION ISOLATION LEVEL ...` right after BEGIN (READ UNCOMMITTED is
 *   accepted and behaves as READ COMMITTED there).
 * - MySQL/MariaDB: `SET TRANSACTION ISOLATION LEVEL ...` right before START TRANSACTION (it
 *   applies to that next transaction only).
 * - SQLite, whose transactions are always serializable towards other connections:
 *   READ UNCOMMITTED sends `PRAGMA read_uncommitted = ON`, READ COMMITTED
 *   `PRAGMA read_uncommitted = OFF` (a setting of the connection, which stays after the
 *   transaction and matters only to connections sharing a cache); REPEATABLE READ and
 *   SERIALIZABLE send nothing.
 * A savepoint (a nested transaction) keeps its parent's level: a level given for one is
 * ignored, as in Sequelize.
 */
typedef enum cq_isolation_level {
    CQ_ISOLATION_DEFAULT = 0,
    CQ_ISOLATION_READ_UNCOMMITTED,
    CQ_ISOLATION_READ_COMMITTED,
    CQ_ISOLATION_REPEATABLE_READ,
    CQ_ISOLATION_SERIALIZABLE
} cq_isolation_level;

/**
 * The connection pool (Sequelize's `pool` option: same names, defaults and meaning).
 * Connections open on demand, up to `max` (`min` of them, at least one, at cq_db_open); idle
 * ones above `min` close after `idle` ms.
 * No background thread: the idle check runs when the pool is used, at most every `evict` ms.
 * A thread gets back the connection it used last when that one is free (its prepared
 * statements stay warm, and taking it back needs no lock); any free connection serves a
 * thread whose last one is in use, before a new one is opened. cq_db_pool_stats() counts
 * every free connection as idle.
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

/** Options of cq_db_open(); zero for the defaults. */
typedef struct cq_open_opts {
    cq_log_opts log;           /**< SQL logging; default silent */
    cq_define_defaults define; /**< defaults applied to every model */
    cq_pool_opts pool;         /**< the connection pool; default Sequelize's */
    /** Longest wait for a new connection (each pooled one, also each reconnection), in
     * milliseconds; past it the call fails with CQ_ETIMEOUT. Default: the URL's `connect_timeout`,
     * else none (the operating system's limit). SQLite opens a file and has nothing to wait for. */
    uint32_t connect_timeout_ms;
    /** Longest run of one statement, in milliseconds, on every pooled connection: the server
     * cancels it at the limit (PostgreSQL statement_timeout, MariaDB max_statement_time, MySQL
     * max_execution_time for SELECTs; SQLite interrupts it and waits no longer for a lock) and the
     * call fails with CQ_ETIMEOUT. A server that does not answer at all (frozen, network gone) is
     * given up on a little later (half the limit more, at least 0.5 s; MySQL's client counts whole
     *  seconds) with CQ_ETIMEOUT, and its connection is closed (see cq_db_open() on lost
     *  connections). Default: the URL's `statement_timeout`, else none. */
    uint32_t statement_timeout_ms;
    cq_isolation_level isolation_level; /**< level of every top-level transaction that names
                                             none (Sequelize's `isolationLevel` option);
                                             default: the server's */
    /** PostgreSQL only: the server is reached through a pooler in transaction mode (PgBouncer
     * `pool_mode = transaction`), which may hand each transaction, and each statement outside
     * one, to a different server connection. Statements are then sent unnamed (never prepared
     * by name and reused), and nothing is set for the session beyond what such a pooler keeps
     * per client (client_encoding, TimeZone); statement_timeout is applied with `SET LOCAL`
     * inside each transaction, and outside one by a cancel request at the limit. Default
     * false; URL parameter `transaction_pooler=true`. Any other dialect refuses it with
     * CQ_EINVALID. See docs/deployment.md. */
    bool transaction_pooler;
    /** Read servers (Sequelize's `replication.read`): a NULL-terminated array of URLs of the
     * same dialect as the one cq_db_open() was given, which is the write server. Each read
     * server gets a pool of its own (the same `pool` settings; a read URL may carry its own
     * pool and timeout parameters). Reads made outside a transaction (cq_model_find_all(),
     * find_one, find_by_pk, count, find_and_count_all, cq_model_aggregate() and its helpers,
     * association getters) go to the read servers in turn (round-robin), one server per call;
     * everything else goes to the write server: writes, DDL and sync, every statement of a
     * transaction, cq_db_query(), cq_instance_reload(), and reads that set `use_master`
     * (cq_find_opts, cq_aggregate_opts). A read server may lag behind the write server: a
     * read right after a write may not see it; read with `use_master` when it must.
     * A read server that cannot be reached (connection refused or lost) is left alone for
     * 5 seconds and the statement runs on the next read server, then on the write server: the
     * call does not fail for it (a CQ_LOG_WARNING says so). A read server that is down at
     * cq_db_open() does not fail it. The URL parameter `read_hosts=host:port,host:port` of the
     * write server's URL adds read servers that differ from it only by host and port. Default
     * NULL: no read server, every statement goes to the one server. */
    const char *const *read_urls;
} cq_open_opts;

/** Pool figures at one moment (cq_db_pool_stats()). */
typedef struct cq_pool_stats {
    size_t size;        /**< connections in the pool (in use + idle; one found dead whose
                             reconnection failed counts until a call reconnects it) */
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
 * percent-encoded; parameter `socket=PATH`). SQLite connections
 * enforce foreign keys (PRAGMA foreign_keys = ON); PostgreSQL sessions use UTF-8 and UTC;
 * MySQL sessions use utf8mb4, UTC (time_zone '+00:00') and strict SQL mode. Pool parameters
 * (see cq_pool_opts) may follow a `?` on every dialect; they are removed before the rest of
 * the URL reaches the driver. One connection opens at once, so a bad URL or an unreachable
 * server fails here; more open as calls need them.
 *
 * Every URL takes two parameters of cequel's own (taken out before the driver sees the URL;
 * cq_open_opts fields that are not 0 win): `connect_timeout` (a number of seconds, or with a
 * unit: `500ms`, `2s`, `1min`) and `statement_timeout` (milliseconds, or with a unit), e.g.
 * `postgres://app@db/app?connect_timeout=5&statement_timeout=30s`. PostgreSQL URLs also take
 * `transaction_pooler=true` (see cq_open_opts.transaction_pooler).
 *
 * Read servers: see cq_open_opts.read_urls and the URL parameter `read_hosts`. Failover: a
 * PostgreSQL URL may name several hosts (libpq's `postgres://app@db1:5432,db2:5432/app`, with
 * `target_session_attrs=read-write` to use only the one that accepts writes); a MySQL/MariaDB
 * URL may too (`mysql://app@db1:3306,db2:3306/app`), tried in order, the first that accepts
 * the connection being used. Every connection the pool opens (also to replace one found dead)
 * goes through the list again, so after a failover the next call finds the new primary.
 *
 * Lost connections: every pooled connection is replaced when it is found dead. A call
 * outside a transaction whose connection the server closed while it was idle (a restart)
 * reconnects and runs; a read (SELECT) whose connection is lost while it runs is run again
 * once on a new connection; a write whose connection is lost after it was sent fails with
 * CQ_ECONNECT (the server may or may not have applied it), as does a call when reconnecting
 * fails, and the next call tries again. A transaction whose connection is lost is lost too
 * (the server rolled it back): the statement fails with CQ_ECONNECT, so does every later call
 * in it, cq_txn_commit() included; end it with cq_txn_rollback() (which also reports
 * CQ_ECONNECT). Reconnecting is reported through the log as a CQ_LOG_WARNING.
 *
 * @param[out] out  the handle; the caller owns it, close with cq_db_close(). NULL on failure.
 * @param url       borrowed for the call.
 * @param opts      NULL for defaults; not kept.
 * @param err       caller-owned, may be NULL.
 * @return CQ_OK, CQ_EINVALID for an unparsable URL, a bad timeout parameter or a bad pool
 *         parameter (max 0 is the default; min above max is refused),
 *         CQ_ENOTSUPPORTED for a dialect not built in, CQ_ECONNECT when the database cannot be
 *         opened, CQ_ETIMEOUT when the server does not answer within connect_timeout.
 */
CQ_EXTERN int cq_db_open(cq_db **out, const char *url, const cq_open_opts *opts, cq_error *err);

/**
 * Closes every connection and frees every model and association. NULL ok.
 *
 * Calls still running on other threads are waited for (close blocks until each gives its
 * connection back); calls waiting for a connection give up with CQ_EINVALID. No thread may
 * start a new call on db, or still use its models, once close has begun. Transactions left
 * open, by any thread, are rolled back; the transaction handles stay the caller's (free them
 * with cq_txn_free(), before or after). Instances and result sets must be freed before.
 * @param db  closed and freed with everything it owns; NULL is allowed.
 */
CQ_EXTERN void cq_db_close(cq_db *db);

/**
 * The calling thread's error record: the last failed call this thread made on `db` (or on
 * anything reached from it; the record is per thread, shared by every db the thread uses).
 * Owned by the library, valid until this thread's next call. Never NULL: for a NULL db, a
 * constant record whose code is CQ_EINVALID.
 * @param db  borrowed for the call.
 */
CQ_EXTERN const cq_error *cq_db_error(const cq_db *db);

/**
 * Freezes the models and associations now (the first statement or instance does it too).
 * After this, cq_db_define() and the association functions fail with CQ_EINVALID. Idempotent.
 * @param db  borrowed for the call.
 * @return CQ_OK, CQ_EINVALID when db is NULL.
 */
CQ_EXTERN int cq_db_freeze(cq_db *db);
/**
 * Whether the schema of `db` is frozen (see cq_db_freeze).
 * @param db  borrowed for the call.
 */
CQ_EXTERN bool cq_db_is_frozen(const cq_db *db);

/**
 * Reads the pool's figures.
 * @param[out] out  filled in; caller-owned.
 * @param db        the handle; borrowed for the call.
 * @return CQ_OK, CQ_EINVALID when out or db is NULL.
 */
CQ_EXTERN int cq_db_pool_stats(cq_pool_stats *out, cq_db *db);

/**
 * The dialect of the connection.
 * @param db  borrowed for the call.
 */
CQ_EXTERN cq_dialect cq_db_dialect(const cq_db *db);

/**
 * Model by name (as defined), borrowed from db; NULL if none.
 * @param db  borrowed for the call.
 * @param name  NUL-terminated; borrowed for the call.
 */
CQ_EXTERN cq_model *cq_db_model(const cq_db *db, const char *name);
/**
 * Number of models defined on `db`, join models created by associations included.
 * @param db  borrowed for the call.
 */
CQ_EXTERN size_t cq_db_model_count(const cq_db *db);
/**
 * Model at position `i` in definition order (borrowed); NULL out of range.
 * @param db  borrowed for the call.
 * @param i  position, 0-based.
 */
CQ_EXTERN cq_model *cq_db_model_at(const cq_db *db, size_t i);

/** Options of cq_db_sync(), cq_db_drop(), cq_model_sync() and cq_db_sync_plan(). */
typedef struct cq_sync_opts {
    bool force;          /**< drop tables first (reverse dependency order); default false */
    cq_txn *transaction; /**< run inside this transaction; default none */
    bool strict_cycles;  /**< refuse reference cycles with CQ_ECYCLE before any statement runs
                              (what Sequelize's manual describes); default false: cycles sync, see
                              cq_db_sync_plan() */
} cq_sync_opts;

/**
 * Creates every model's table (CREATE TABLE IF NOT EXISTS), dependencies first, each followed
 * by the indexes of its `indexes` option that the table does not have yet (by name).
 * @param db  borrowed for the call.
 * @param opts  NULL for defaults; borrowed for the call, not kept.
 * @return CQ_OK, CQ_EDATABASE, CQ_ECYCLE (strict mode only), CQ_EUNKNOWN_MODEL /
 *         CQ_EUNKNOWN_ATTR (a reference to a model or key that does not exist).
 */
CQ_EXTERN int cq_db_sync(cq_db *db, const cq_sync_opts *opts);

/**
 * Drops every model's table in reverse dependency order (DROP TABLE IF EXISTS).
 * @param db  borrowed for the call.
 * @param opts  NULL for defaults; borrowed for the call, not kept.
 * @return CQ_OK, CQ_EINVALID (NULL db), CQ_EUNKNOWN_MODEL / CQ_EUNKNOWN_ATTR (a bad reference),
 *         CQ_ENOMEM, or CQ_EDATABASE, CQ_ECONNECT or CQ_ETIMEOUT from the server (details:
 *         cq_db_error()).
 */
CQ_EXTERN int cq_db_drop(cq_db *db, const cq_sync_opts *opts);

/** Options of cq_db_transaction(). */
typedef struct cq_txn_opts {
    cq_txn *parent; /**< nest inside this transaction (a SAVEPOINT); default: top level
                         (cq_db_transaction_run: the calling thread's innermost open
                         transaction, if any) */
    cq_isolation_level isolation_level; /**< top level only (see cq_isolation_level);
                                             default: cq_open_opts.isolation_level */
} cq_txn_opts;

/**
 * Begins a transaction (BEGIN; BEGIN IMMEDIATE on a shared SQLite file, see cq_pool_opts),
 * or a savepoint when `opts->parent` is given (Sequelize's unmanaged `sequelize.transaction()`).
 * A top-level transaction takes a connection from the pool (waiting as any call does) and
 * pins it until it ends; it belongs to the calling thread (see the file comment); its
 * isolation level is set on that connection.
 *
 * Lifetime (as libgit2 separates finishing from freeing): cq_txn_commit() or
 * cq_txn_rollback() ends the transaction and gives its connection back, and cq_txn_free()
 * frees the handle. A finished handle stays valid memory until it is freed, so every later
 * use of it (commit or rollback again, as `parent`, as the `transaction` option of any call)
 * fails with CQ_EINVALID instead of running outside any transaction.
 *
 * @param[out] out  the transaction; the caller owns it, free with cq_txn_free() (after it
 *                  ended, or to roll it back). NULL on failure.
 * @param db        borrowed.
 * @param opts      NULL for a top-level transaction at the db's isolation level; not kept.
 * @return CQ_OK; CQ_EINVALID when `out` or `db` is NULL, when this thread already has a
 *         top-level transaction open on db (nest with `parent`), when `parent` is finished,
 *         of another db, or already has an open nested transaction, or the isolation level
 *         is out of range; CQ_ETIMEOUT when no connection came free in time; CQ_ENOMEM;
 *         CQ_EDATABASE / CQ_ECONNECT from the server (details: cq_db_error()).
 */
CQ_EXTERN int cq_db_transaction(cq_txn **out, cq_db *db, const cq_txn_opts *opts);

/**
 * The work of a managed transaction: return CQ_OK to commit, anything else to roll back.
 * `txn` is borrowed for the call: pass it to the calls the work makes, never end it with
 * cq_txn_commit() / cq_txn_rollback() (they refuse with CQ_EINVALID); cq_txn_free() ignores
 * it.
 */
typedef int (*cq_txn_fn)(cq_txn *txn, void *user_data);

/**
 * Managed transaction (Sequelize's `sequelize.transaction(async t => ...)`): begins a
 * transaction, calls `fn(txn, user_data)`, then commits when it returns CQ_OK, else rolls
 * back, and frees the transaction either way. Called while a transaction is open (from
 * inside another managed transaction's `fn`, say) and without `opts->parent`, it nests in
 * the innermost open transaction, as a savepoint; a failing nested call undoes only its own
 * work. Nested transactions that `fn` began with cq_db_transaction() and left open are
 * rolled back before its transaction ends; their handles stay the caller's (cq_txn_free()).
 * @param db         the connection; borrowed for the call.
 * @param fn         required; `user_data` is passed through untouched.
 * @param user_data  passed to `fn` untouched; never freed.
 * @param opts       NULL for defaults; not kept.
 * @return CQ_OK when `fn` succeeded and the commit did; `fn`'s own status when it failed
 *         (the rollback keeps the error `fn` left in cq_db_error(), or says which status `fn`
 *         returned); or the error of BEGIN / COMMIT (CQ_EDATABASE, CQ_ECONNECT, CQ_ENOMEM; a
 *         failed COMMIT is rolled back), CQ_EINVALID (NULL `db` or `fn`, a finished or bad
 *         parent, an isolation level out of range).
 */
CQ_EXTERN int cq_db_transaction_run(cq_db *db, cq_txn_fn fn, void *user_data,
                                    const cq_txn_opts *opts);

/**
 * Commits (or releases the savepoint) and ends `txn`. The handle is finished whatever the
 * outcome (a failed COMMIT is rolled back); it is not freed: call cq_txn_free().
 * @param txn  borrowed; must be open and have no open nested transaction.
 * @return CQ_OK; CQ_EINVALID when `txn` is NULL, already finished, its db is closed, a
 *         nested transaction is still open, or `txn` is managed by cq_db_transaction_run()
 *         (nothing is ended then); CQ_ECONNECT when the transaction's connection was lost
 *         (the server rolled it back; see cq_db_open()); CQ_EDATABASE or CQ_ENOMEM when the
 *         commit failed and the work was rolled back.
 */
CQ_EXTERN int cq_txn_commit(cq_txn *txn);

/**
 * Rolls back (to the savepoint) and ends `txn`; the handle is finished whatever the outcome
 * and is not freed: call cq_txn_free().
 * @param txn  borrowed for the call; stays the caller's.
 * @return CQ_OK; CQ_EINVALID for the same misuse as cq_txn_commit(); CQ_EDATABASE,
 *         CQ_ECONNECT or CQ_ENOMEM from the server.
 */
CQ_EXTERN int cq_txn_rollback(cq_txn *txn);

/**
 * Frees a transaction handle. One still open is rolled back first (with any transaction
 * nested in it), keeping the error record of the last call. May be called after
 * cq_db_close() (which rolls back an open transaction and finishes every handle). NULL ok.
 * @param txn  freed (rolled back first when still open); NULL is allowed.
 */
CQ_EXTERN void cq_txn_free(cq_txn *txn);

/**
 * Whether `txn` is still open (begun and neither committed nor rolled back); false for
 * NULL.
 * @param txn  borrowed for the call.
 */
CQ_EXTERN bool cq_txn_is_open(const cq_txn *txn);

/**
 * Identifier used in logs (1, 2, ...); 0 for NULL.
 * @param txn  borrowed for the call.
 */
CQ_EXTERN uint64_t cq_txn_id(const cq_txn *txn);

CQ_END_DECL

#endif
