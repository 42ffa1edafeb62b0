/* cq_db: connection, error record, transactions, raw queries. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/util.h"
#include "model/hooks.h"
#include "model/model.h"
#include "model/validate.h"
#include "sql/sql.h"

int cq__db_fail(cq_db *db, int code, const char *fmt, ...)
{
    cq_error *e = &db->s.error;
    memset(e, 0, sizeof *e);
    e->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    return code;
}

void cq__db_clear(cq_db *db)
{
    memset(&db->s.error, 0, sizeof db->s.error);
    cq__validation_clear(db);
}

int cq_db_open(cq_db **out, const char *url, const cq_open_opts *opts, cq_error *err)
{
    *out = NULL;
    cq_db *db = cq__calloc(1, sizeof *db);
    if (!db)
        return cq__err_set(err, CQ_ENOMEM, "out of memory");
    cq__conn_opts co = { 0 };
    if (opts) {
        co.connect_timeout_ms = opts->connect_timeout_ms;
        co.statement_timeout_ms = opts->statement_timeout_ms;
    }
    int rc = cq__session_open(&db->s, url, &co, err);
    if (rc != CQ_OK) {
        cq__free(db);
        return rc;
    }
    if (opts) {
        db->s.log = opts->log;
        db->defaults = opts->define;
        db->isolation_level = opts->isolation_level;
    }
    db->next_txn_id = 1;
    *out = db;
    return CQ_OK;
}

static void rollback_top(cq_db *db);
static int txn_end(cq_txn *t, cq__txn_verb verb);

void cq_db_close(cq_db *db)
{
    if (!db)
        return;
    if (db->txn_top)
        rollback_top(db); /* whatever the caller left open */
    /* the handles stay the caller's (cq_txn_free); they only learn the db is gone */
    for (cq_txn *t = db->txn_handles; t; t = t->next_handle) {
        t->done = true;
        t->db = NULL;
    }
    cq__session_close(&db->s);
    for (size_t i = 0; i < db->nmodels; i++)
        cq__model_free(db->models[i]);
    cq__free(db->models);
    cq__validation_db_free(db);
    cq__hooks_db_free(db);
    cq__scopes_free(db->scope_binds);
    cq__free(db);
}

const cq_error *cq_db_error(const cq_db *db)
{
    /* never NULL: a NULL db has a constant record of its own */
    static const cq_error no_db = { .code = CQ_EINVALID, .message = "no database handle (NULL)" };
    return db ? &db->s.error : &no_db;
}

cq_dialect cq_db_dialect(const cq_db *db)
{
    if (!db)
        return (cq_dialect)0;
    return db->s.driver->dialect;
}

cq_model *cq_db_model(const cq_db *db, const char *name)
{
    if (!db)
        return NULL;
    for (size_t i = 0; name && i < db->nmodels; i++)
        if (strcmp(db->models[i]->name, name) == 0)
            return db->models[i];
    return NULL;
}

size_t cq_db_model_count(const cq_db *db)
{
    if (!db)
        return 0;
    return db->nmodels;
}

cq_model *cq_db_model_at(const cq_db *db, size_t i)
{
    if (!db)
        return NULL;
    return i < db->nmodels ? db->models[i] : NULL;
}

int cq__db_exec_stmt(cq_db *db, const cq__stmt *st, cq__result *res)
{
    cq__sql sql;
    int rc = cq__sql_render(&sql, st, cq_db_dialect(db), &db->s.error);
    if (rc != CQ_OK)
        return rc;
    rc = cq__session_exec(&db->s, sql.text, sql.params, sql.n, res);
    cq__sql_free(&sql);
    return rc;
}

int cq__db_exec_stmt_rows(cq_db *db, const cq__stmt *st, cq__row_fn row, void *ctx)
{
    cq__sql sql;
    int rc = cq__sql_render(&sql, st, cq_db_dialect(db), &db->s.error);
    if (rc != CQ_OK)
        return rc;
    rc = cq__session_exec_rows(&db->s, sql.text, sql.params, sql.n, row, ctx);
    cq__sql_free(&sql);
    return rc;
}

/* ---- transactions -------------------------------------------------------------- */

/* Transaction control statements are short and fixed: they are rendered into a buffer on the
 * stack, so that ending a transaction (above all rolling one back after a failure) never
 * needs memory. */
static int txn_statement(cq_db *db, cq__txn_verb verb, const cq_txn *t)
{
    char text[96];
    if (cq__sql_txn_into(text, sizeof text, verb, t->depth == 0 ? 0 : t->id, cq_db_dialect(db)) !=
        CQ_OK)
        return cq__db_fail(db, CQ_EINVALID, "transaction statement does not fit");
    return cq__session_exec(&db->s, text, NULL, 0, NULL);
}

/* Rolls back the outermost transaction, keeping the error already reported. */
static void rollback_top(cq_db *db)
{
    cq_error keep = db->s.error;
    char text[96];
    if (cq__sql_txn_into(text, sizeof text, CQ__TXN_ROLLBACK, 0, cq_db_dialect(db)) == CQ_OK)
        cq__session_exec(&db->s, text, NULL, 0, NULL);
    db->s.error = keep;
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
static int txn_isolation(cq_db *db, cq_isolation_level level, bool before)
{
    bool first = false;
    const char *sql = cq__sql_isolation(level, cq_db_dialect(db), &first);
    if (!sql || first != before)
        return CQ_OK;
    return cq__session_exec(&db->s, sql, NULL, 0, NULL);
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
    if (!parent && db->txn_top)
        return cq__db_fail(db, CQ_EINVALID,
                           "a transaction is already open on this db; nest with "
                           "cq_txn_opts.parent (a savepoint)");
    if (parent && parent != db->txn_inner)
        return cq__db_fail(db, CQ_EINVALID,
                           "transaction %llu already has an open nested transaction",
                           (unsigned long long)parent->id);
    cq_txn *t = cq__calloc(1, sizeof *t);
    if (!t)
        return cq__db_fail(db, CQ_ENOMEM, "out of memory");
    t->db = db;
    t->parent = parent;
    t->id = db->next_txn_id++;
    t->depth = parent ? parent->depth + 1 : 0;
    uint64_t saved = db->s.txn_id;
    db->s.txn_id = t->id;
    /* Sequelize's Transaction.begin: the level goes with the top-level transaction only */
    int rc = parent ? CQ_OK : txn_isolation(db, level, true);
    if (rc == CQ_OK)
        rc = txn_statement(db, CQ__TXN_BEGIN, t);
    if (rc == CQ_OK && !parent && (rc = txn_isolation(db, level, false)) != CQ_OK)
        rollback_top(db);
    if (rc != CQ_OK) {
        db->s.txn_id = saved;
        cq__free(t);
        return rc;
    }
    if (!parent) {
        db->txn_top = t;
        cq__session_txn_begun(&db->s);
    }
    db->txn_inner = t;
    t->next_handle = db->txn_handles;
    if (db->txn_handles)
        db->txn_handles->prev_handle = t;
    db->txn_handles = t;
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

int cq_db_transaction_run(cq_db *db, cq_txn_fn fn, void *user_data, const cq_txn_opts *opts)
{
    if (!db)
        return CQ_EINVALID;
    cq__db_clear(db);
    if (!fn)
        return cq__db_fail(db, CQ_EINVALID, "cq_db_transaction_run: fn is NULL");
    /* one connection: a call made while a transaction is open nests in it (a savepoint) */
    cq_txn *parent = opts && opts->parent ? opts->parent : db->txn_inner;
    if (parent && parent->done)
        return cq__txn_check(db, parent);
    cq_txn *t = NULL;
    int rc = txn_begin(&t, db, parent, opts ? opts->isolation_level : CQ_ISOLATION_DEFAULT);
    if (rc != CQ_OK)
        return rc;
    t->managed = true;
    rc = fn(t, user_data);
    cq_error keep = db->s.error;
    /* nested transactions fn left open are rolled back; their handles stay fn's to free */
    while (db->txn_inner && db->txn_inner != t)
        txn_end(db->txn_inner, CQ__TXN_ROLLBACK);
    db->s.error = keep;
    t->managed = false;
    if (rc != CQ_OK && db->s.error.code == CQ_OK)
        cq__db_fail(db, rc, "the transaction's callback returned %d (%s); rolled back", rc,
                    cq_strerror(rc));
    return cq__txn_finish(t, rc);
}

/* Ends `t` (which must be open and innermost): COMMIT/RELEASE or ROLLBACK/ROLLBACK TO. The
 * handle is finished whatever happens; a failed COMMIT (or RELEASE) is rolled back. */
static int txn_end(cq_txn *t, cq__txn_verb verb)
{
    cq_db *db = t->db;
    int rc = txn_statement(db, verb, t);
    if (rc != CQ_OK && verb == CQ__TXN_COMMIT) {
        if (t->depth == 0) {
            /* a failed COMMIT leaves the transaction open: roll it back so the db is usable */
            rollback_top(db);
        } else {
            cq_error keep = db->s.error;
            if (txn_statement(db, CQ__TXN_ROLLBACK, t) == CQ_OK)
                txn_statement(db, CQ__TXN_COMMIT, t);
            db->s.error = keep;
        }
    }
    if (t->depth > 0 && verb == CQ__TXN_ROLLBACK && rc == CQ_OK) {
        /* ROLLBACK TO keeps the savepoint open; release it so nesting stays balanced */
        rc = txn_statement(db, CQ__TXN_COMMIT, t);
    }
    db->txn_inner = t->parent;
    if (!t->parent) {
        db->txn_top = NULL;
        cq__session_txn_ended(&db->s);
    }
    db->s.txn_id = t->parent ? t->parent->id : 0;
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
    if (db->txn_inner != t) {
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
        cq_error keep = db->s.error;
        while (!txn->done && db->txn_inner)
            txn_end(db->txn_inner, CQ__TXN_ROLLBACK);
        db->s.error = keep;
    }
    if (db) {
        if (txn->prev_handle)
            txn->prev_handle->next_handle = txn->next_handle;
        else
            db->txn_handles = txn->next_handle;
        if (txn->next_handle)
            txn->next_handle->prev_handle = txn->prev_handle;
    }
    cq__free(txn);
}

int cq__txn_finish(cq_txn *t, int rc)
{
    cq_db *db = t->db;
    if (rc == CQ_OK) {
        rc = txn_end(t, CQ__TXN_COMMIT);
    } else {
        cq_error keep = db->s.error; /* the rollback must not hide why it happened */
        txn_end(t, CQ__TXN_ROLLBACK);
        db->s.error = keep;
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
    if (out)
        *out = NULL;
    cq__db_clear(db);
    {
        int trc = cq__txn_check(db, txn);
        if (trc != CQ_OK)
            return trc;
    }
    (void)txn; /* one connection: statements run in whatever transaction is open */
    if (!sql)
        return cq__db_fail(db, CQ_EINVALID, "cq_db_query: sql is NULL");
    if (params && cq_value_type_of(params) != CQ_VALUE_ARRAY)
        return cq__db_fail(db, CQ_EINVALID, "cq_db_query: params must be an array");
    cq__stmt *st = cq__stmt_new(CQ__ST_RAW, NULL);
    if (!st)
        return cq__db_fail(db, CQ_ENOMEM, "out of memory");
    st->raw = cq__strdup(sql);
    st->raw_params = params ? cq_value_copy(params) : NULL;
    if (!st->raw || (params && !st->raw_params)) {
        cq__stmt_free(st);
        return cq__db_fail(db, CQ_ENOMEM, "out of memory");
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
            return cq__db_fail(db, CQ_ENOMEM, "out of memory");
        *out = rows;
    }
    return CQ_OK;
}
