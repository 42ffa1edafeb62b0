/**
 * @file cequel/db.h
 * Connections (cq_db) and transactions (cq_txn).
 *
 * Threads: one thread at a time per cq_db and everything reached from it (models,
 * instances, results, transactions). cequel keeps no mutable global state, so separate
 * cq_db handles may be used from separate threads.
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

typedef struct cq_open_opts {
    cq_log_opts log;           /**< SQL logging; default silent */
    cq_define_defaults define; /**< defaults applied to every model */
} cq_open_opts;

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
 * MySQL sessions use utf8mb4, UTC (time_zone '+00:00') and strict SQL mode.
 *
 * @param[out] out  the connection; the caller owns it, close with cq_db_close(). NULL on failure.
 * @param url       borrowed for the call.
 * @param opts      NULL for defaults; not kept.
 * @param err       caller-owned, may be NULL.
 * @return CQ_OK, CQ_EINVALID for an unparsable URL, CQ_ENOTSUPPORTED for a dialect not
 *         built in, CQ_ECONNECT when the database cannot be opened.
 */
CQ_EXTERN int cq_db_open(cq_db **out, const char *url, const cq_open_opts *opts, cq_error *err);

/** Closes the connection and frees every model, association and the error record. NULL ok.
 *  Instances and result sets must be freed before. An open transaction is rolled back; the
 *  transaction handles stay the caller's (free them with cq_txn_free(), before or after). */
CQ_EXTERN void cq_db_close(cq_db *db);

/** Error of the last failed call on `db` (or on anything reached from it); owned by db,
 *  valid until the next call on db. Never NULL: for a NULL db, a constant record whose code
 *  is CQ_EINVALID. */
CQ_EXTERN const cq_error *cq_db_error(const cq_db *db);

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
 * Begins a transaction (BEGIN), or a savepoint when `opts->parent` is given.
 *
 * Lifetime (as libgit2 separates finishing from freeing): cq_txn_commit() or
 * cq_txn_rollback() ends the transaction, and cq_txn_free() frees the handle. A finished
 * handle stays valid memory until it is freed, so every later use of it (commit or rollback
 * again, as `parent`, as the `transaction` option of any call) fails with CQ_EINVALID
 * instead of running outside any transaction.
 *
 * @param[out] out  the transaction; the caller owns it, free with cq_txn_free() (after it
 *                  ended, or to roll it back). NULL on failure.
 * @param db        borrowed.
 * @param opts      NULL for defaults; not kept.
 * @return CQ_OK; CQ_EINVALID when `out` or `db` is NULL, when a top-level transaction is
 *         already open (cequel drives one connection; nest with `parent`), or when `parent`
 *         is finished, of another db, or already has an open nested transaction;
 *         CQ_ENOMEM; CQ_EDATABASE / CQ_ECONNECT from the server (details: cq_db_error()).
 */
CQ_EXTERN int cq_db_transaction(cq_txn **out, cq_db *db, const cq_txn_opts *opts);

/**
 * Commits (or releases the savepoint) and ends `txn`. The handle is finished whatever the
 * outcome (a failed COMMIT is rolled back); it is not freed: call cq_txn_free().
 * @param txn  borrowed; must be open and have no open nested transaction.
 * @return CQ_OK; CQ_EINVALID when `txn` is NULL, already finished, its db is closed, or a
 *         nested transaction is still open (nothing is ended then); CQ_EDATABASE,
 *         CQ_ECONNECT or CQ_ENOMEM when the commit failed and the work was rolled back.
 */
CQ_EXTERN int cq_txn_commit(cq_txn *txn);

/**
 * Rolls back (to the savepoint) and ends `txn`; the handle is finished whatever the outcome
 * and is not freed: call cq_txn_free().
 * @return CQ_OK; CQ_EINVALID for the same misuse as cq_txn_commit(); CQ_EDATABASE,
 *         CQ_ECONNECT or CQ_ENOMEM from the server.
 */
CQ_EXTERN int cq_txn_rollback(cq_txn *txn);

/**
 * Frees a transaction handle. One still open is rolled back first (with any transaction
 * nested in it), keeping the error record of the last call. May be called after
 * cq_db_close() (which rolls back an open transaction and finishes every handle). NULL ok.
 */
CQ_EXTERN void cq_txn_free(cq_txn *txn);

/** Whether `txn` is still open (begun and neither committed nor rolled back); false for
 *  NULL. */
CQ_EXTERN bool cq_txn_is_open(const cq_txn *txn);

/** Identifier used in logs (1, 2, ...); 0 for NULL. */
CQ_EXTERN uint64_t cq_txn_id(const cq_txn *txn);

CQ_END_DECL

#endif
