/* The db handle at run time (src/db/db.c): read servers, running statements, transactions.
 * The handle's layout and its schema side are in model/model.h. */
#ifndef CQ_DB_H
#define CQ_DB_H

#include "driver/driver.h"
#include "model/model.h"
#include "stmt/stmt.h"

/* A read server: its pool, and until when it is left alone after a failed connection
 * (cq__monotonic_ns; 0 = up). */
typedef struct cq__replica {
    cq__session s;
    _Atomic uint64_t down_until;
} cq__replica;

/* A read call's choice of server (cq__db_read_begin/end), kept on the calling thread while
 * the call runs: its SELECTs go to `rep`'s pool (holding one connection there for the whole
 * call), or to the write server when `rep` is NULL. Nested read calls (a find inside a
 * find_and_count_all, an include's queries) use the outermost one's. */
typedef struct cq__read_scope {
    cq_db *db;
    cq__replica *rep;
    cq__pconn *held;
    bool nested;
    struct cq__read_scope *prev;
} cq__read_scope;

/* Begins a read call: a read server when the db has one up and the call is outside any
 * transaction (`txn` NULL and none open on this thread) and not `use_master`. Never fails
 * for want of a read server (the write server serves then); may fail with CQ_ETIMEOUT when a
 * read server's pool has no free connection in time. */
int cq__db_read_begin(cq__read_scope *rs, cq_db *db, bool use_master, const cq_txn *txn);
/* Ends it (gives the read server's connection back); pairs with every cq__db_read_begin,
 * whatever it returned. */
void cq__db_read_end(cq__read_scope *rs);
/* Whether this thread's reads on db currently go to a read server (then holding a write
 * server connection for the call is useless). */
bool cq__db_reading_elsewhere(cq_db *db);

/* Executes a statement tree on db (renders, logs, runs). `res` may be NULL. */
int cq__db_exec_stmt(cq_db *db, const cq__stmt *st, cq__result *res);
/* The same, the rows handed to `row` one at a time as the driver reads them. */
int cq__db_exec_stmt_rows(cq_db *db, const cq__stmt *st, cq__row_fn row, void *ctx);
/* A SELECT rendered before (`text`, `n` parameters, borrowed), run where a read belongs (the
 * read server of the calling read scope, else the write server): rows to `row` when not NULL,
 * else the result into `res`. */
int cq__db_exec_select(cq_db *db, const char *text, const cq_value *const *params, size_t n,
                       cq__result *res, cq__row_fn row, void *ctx);
/* A statement rendered before (`text`, `n` parameters, borrowed) run on the write server
 * (a write, or a read that must see the caller's writes); the result into `res` (may be
 * NULL). */
int cq__db_exec_text(cq_db *db, const char *text, const cq_value *const *params, size_t n,
                     cq__result *res);
/* The calling thread's innermost open transaction on db, or NULL. */
cq_txn *cq__txn_current(cq_db *db);
/* Transaction handling for internal atomic writes: begins a savepoint inside `parent` or a
 * top-level transaction. */
int cq__txn_begin(cq_txn **out, cq_db *db, cq_txn *parent);
/* Commits `t` when rc is CQ_OK, else rolls it back keeping the error record; returns the
 * outcome. Frees `t` either way. */
int cq__txn_finish(cq_txn *t, int rc);
/* The `transaction` option of a public call on `db`: CQ_OK when NULL or open on db, else
 * CQ_EINVALID with a message (a finished transaction, or one of another db). */
int cq__txn_check(cq_db *db, const cq_txn *t);
/* The start of a public call on `db` run in `t` (NULL: none): cq__db_clear(), then
 * cq__txn_check(). */
int cq__db_enter(cq_db *db, const cq_txn *t);
/* cq__db_enter on m's db; CQ_EINVALID when m is NULL. */
int cq__model_enter(cq_model *m, const cq_txn *t);

#endif
