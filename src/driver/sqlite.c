/* SQLite driver (libsqlite3). */
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/util.h"
#include "driver/driver.h"
#include "sql/dialect.h"

struct cq__conn {
    sqlite3 *db;
    cq__prep_cache prep;           /* sqlite3_stmt handles */
    uint32_t statement_timeout_ms; /* 0: none */
    uint64_t deadline_ns;          /* of the statement running, by cq__monotonic_ns() */
};

/* statement_timeout: SQLite calls this every few thousand virtual-machine steps; a non-zero
 * answer interrupts the statement (SQLITE_INTERRUPT). */
static int past_deadline(void *arg)
{
    const cq__conn *c = arg;
    return c->deadline_ns && cq__monotonic_ns() > c->deadline_ns;
}

static void finalize(void *st)
{
    sqlite3_finalize(st);
}

/* A ready statement for `sql`: kept from an earlier use (reset, bindings cleared after it) or
 * newly prepared and kept. *kept tells whether it belongs to the cache (else the caller
 * finalizes it). */
static int stmt_get(cq__conn *c, const char *sql, sqlite3_stmt **out, bool *kept)
{
    *out = cq__prep_get(&c->prep, sql);
    *kept = *out != NULL;
    if (*out)
        return SQLITE_OK;
    int rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL);
    if (rc == SQLITE_OK && *out)
        sqlite3_finalize(cq__prep_put(&c->prep, sql, *out, kept));
    return rc;
}

static int map_error(sqlite3 *db, int rc, cq_error *err)
{
    int ext = sqlite3_extended_errcode(db);
    int code = CQ_EDATABASE;
    switch (ext) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
        code = CQ_EUNIQUE;
        break;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
        code = CQ_EFOREIGNKEY;
        break;
    case SQLITE_CONSTRAINT_NOTNULL:
        code = CQ_ENOTNULL;
        break;
    default:
        /* a RESTRICT action fires as a trigger constraint, with the foreign-key message */
        if ((ext & 0xff) == SQLITE_CONSTRAINT && strstr(sqlite3_errmsg(db), "FOREIGN KEY"))
            code = CQ_EFOREIGNKEY;
        else if ((rc & 0xff) == SQLITE_NOMEM)
            code = CQ_ENOMEM;
        else if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_INTERRUPT)
            code = CQ_ETIMEOUT; /* a lock not granted in time, or statement_timeout */
        break;
    }
    cq__err_set(err, code, "%s", sqlite3_errmsg(db));
    if (err)
        err->driver_code = ext;
    return code;
}

static int sqlite_connect(cq__conn **out, const char *target, const cq__conn_opts *opts,
                          cq_error *err)
{
    *out = NULL;
    /* "sqlite::memory:" -> ":memory:"; "sqlite:path" -> path; "sqlite:///abs" -> "/abs";
     * "sqlite://relative" -> "relative". */
    const char *path = target;
    if (strncmp(path, "///", 3) == 0)
        path += 2;
    else if (strncmp(path, "//", 2) == 0)
        path += 2;
    if (!*path)
        return cq__err_set(err, CQ_EINVALID, "sqlite URL names no database file");
    cq__conn *c = cq__calloc(1, sizeof *c);
    if (!c)
        return cq__err_oom(err);
    /* A connection is used by one thread at a time (a cq_db belongs to one thread at a time),
     * so SQLite's per-connection mutexes are not needed: multi-thread mode, not serialized. */
    int rc = sqlite3_open_v2(
        path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        cq__err_set(err, CQ_ECONNECT, "cannot open SQLite database \"%s\": %s", path,
                    c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
        sqlite3_close(c->db);
        cq__free(c);
        return CQ_ECONNECT;
    }
    sqlite3_extended_result_codes(c->db, 1);
    /* the dialect's session set-up (sql/sqlite.c): foreign keys on */
    for (const char *const *q = cq__sql_sqlite.session; rc == SQLITE_OK && *q; q++)
        rc = sqlite3_exec(c->db, *q, NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        cq__err_set(err, CQ_ECONNECT, "cannot set up the SQLite connection: %s",
                    sqlite3_errmsg(c->db));
        sqlite3_close(c->db);
        cq__free(c);
        return CQ_ECONNECT;
    }
    /* connect_timeout has nothing to wait for here: opening a file does not block */
    c->statement_timeout_ms = opts ? opts->statement_timeout_ms : 0;
    if (c->statement_timeout_ms) {
        sqlite3_progress_handler(c->db, 1000, past_deadline, c);
        sqlite3_busy_timeout(
            c->db,
            (int)(c->statement_timeout_ms > INT32_MAX ? INT32_MAX : c->statement_timeout_ms));
    }
    *out = c;
    return CQ_OK;
}

static bool sqlite_alive(cq__conn *c)
{
    (void)c; /* a file: nothing to lose */
    return true;
}

/* The file part of a target, as sqlite_connect reads it. */
static const char *target_path(const char *target)
{
    if (strncmp(target, "///", 3) == 0 || strncmp(target, "//", 2) == 0)
        return target + 2;
    return target;
}

/* An in-memory database exists once per connection, so "sqlite::memory:" keeps a single
 * connection (threads take turns on it) and stays one database. A file shared by several
 * connections begins transactions with BEGIN IMMEDIATE: a DEFERRED one that reads and then
 * writes fails with SQLITE_BUSY (SQLITE_BUSY_SNAPSHOT under WAL) without waiting when
 * another connection wrote meanwhile. */
static void sqlite_plan_pool(const char *target, cq__pool_cfg *cfg)
{
    const char *path = target_path(target);
    if (strcmp(path, ":memory:") == 0 || strncmp(path, "file::memory:", 13) == 0) {
        cfg->max = 1;
        cfg->min = cfg->min > 1 ? 1 : cfg->min;
    }
    cfg->begin_immediate = cfg->max > 1;
}

/* Connections to a shared file wait for locks up to the pool's acquire time (the busy
 * timeout) and use WAL, where readers and the one writer do not block each other. */
static int sqlite_tune(cq__conn *c, const cq__pool_cfg *cfg, cq_error *err)
{
    if (!cfg->begin_immediate)
        return CQ_OK;
    /* a statement_timeout shorter than that still bounds the wait (see sqlite_connect) */
    uint32_t busy = cfg->acquire_ms;
    if (c->statement_timeout_ms && c->statement_timeout_ms < busy)
        busy = c->statement_timeout_ms;
    sqlite3_busy_timeout(c->db, busy > INT32_MAX ? INT32_MAX : (int)busy);
    int rc = sqlite3_exec(c->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return cq__err_set(err, CQ_ECONNECT, "cannot switch the SQLite file to WAL: %s",
                           sqlite3_errmsg(c->db));
    return CQ_OK;
}

static void sqlite_close(cq__conn *c)
{
    if (!c)
        return;
    cq__prep_clear(&c->prep, finalize);
    sqlite3_close(c->db);
    cq__free(c);
}

/* Texts and blobs are bound in place (SQLITE_STATIC): the parameters outlive the call that
 * steps the statement, and every later call binds its own before stepping again (clearing the
 * rest, see sqlite_run), so no pointer kept by SQLite is read after its value is gone. */
static int bind_value(sqlite3_stmt *st, int i, const cq_value *v)
{
    switch (cq_value_type_of(v)) {
    case CQ_VALUE_NULL:
        return sqlite3_bind_null(st, i);
    case CQ_VALUE_BOOL:
        return sqlite3_bind_int(st, i, cq_value_as_bool(v) ? 1 : 0);
    case CQ_VALUE_INT:
        return sqlite3_bind_int64(st, i, cq_value_as_int(v));
    case CQ_VALUE_DOUBLE:
        return sqlite3_bind_double(st, i, cq_value_as_double(v));
    case CQ_VALUE_TEXT:
        return sqlite3_bind_text(st, i, cq_value_as_text(v), -1, SQLITE_STATIC);
    case CQ_VALUE_BLOB: {
        size_t len;
        const void *p = cq_value_as_blob(v, &len);
        return sqlite3_bind_blob64(st, i, p, len, SQLITE_STATIC);
    }
    default: {
        /* arrays/objects are stored as JSON text */
        char *json = NULL;
        if (cq_value_to_json(&json, v, 0) != CQ_OK)
            return SQLITE_NOMEM;
        int rc = sqlite3_bind_text(st, i, json, -1, SQLITE_TRANSIENT);
        cq_free(json);
        return rc;
    }
    }
}

/* The current row of a statement seen in place (cq__row_src): only the cells a row callback
 * asks for are read, and none is copied unless it keeps it. */
static void row_view(void *ctx, size_t col, cq__cell *out)
{
    sqlite3_stmt *st = ctx;
    int i = (int)col;
    memset(out, 0, sizeof *out);
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER:
        out->type = CQ_VALUE_INT;
        out->i = sqlite3_column_int64(st, i);
        break;
    case SQLITE_FLOAT:
        out->type = CQ_VALUE_DOUBLE;
        out->d = sqlite3_column_double(st, i);
        break;
    case SQLITE_TEXT:
        out->type = CQ_VALUE_TEXT;
        out->s = (const char *)sqlite3_column_text(st, i);
        out->len = (size_t)sqlite3_column_bytes(st, i);
        if (!out->s) /* out of memory converting the text */
            out->type = CQ_VALUE_NULL;
        break;
    case SQLITE_BLOB:
        out->type = CQ_VALUE_BLOB;
        out->len = (size_t)sqlite3_column_bytes(st, i);
        out->s = out->len ? sqlite3_column_blob(st, i) : "";
        break;
    default:
        out->type = CQ_VALUE_NULL;
        break;
    }
}

static cq_value *column_value(sqlite3_stmt *st, int i)
{
    cq__cell c;
    row_view(st, (size_t)i, &c);
    return cq__value_from_cell(&c);
}

/* The result's columns: their names, or (rows handed to a callback are read by position)
 * only their count. The count is set once the names' array exists, so a half-built result
 * frees. */
static int result_columns(cq__result *res, sqlite3_stmt *st, bool by_position, cq_error *err)
{
    memset(res, 0, sizeof *res);
    size_t ncols = (size_t)sqlite3_column_count(st);
    if (ncols && by_position) {
        res->ncols = ncols;
    } else if (ncols) {
        res->colnames = cq__calloc(ncols, sizeof(char *));
        if (!res->colnames)
            return cq__err_oom(err);
        res->ncols = ncols;
        for (size_t i = 0; i < res->ncols; i++)
            if (!(res->colnames[i] = cq__strdup(sqlite3_column_name(st, (int)i))))
                return cq__err_oom(err);
    }
    return CQ_OK;
}

/* Appends the statement's current row to res (a row cut short by OOM is counted, its missing
 * cells NULL, so the result frees). */
static int read_row(cq__result *res, sqlite3_stmt *st, cq_error *err)
{
    if (cq__grow((void **)&res->cells, &res->cap, (res->nrows + 1) * res->ncols,
                 sizeof(cq_value *)) != 0)
        return cq__err_oom(err);
    for (size_t i = 0; i < res->ncols; i++) {
        cq_value *v = column_value(st, (int)i);
        res->cells[res->nrows * res->ncols + i] = v;
        if (!v) {
            for (size_t k = i + 1; k < res->ncols; k++)
                res->cells[res->nrows * res->ncols + k] = NULL;
            res->nrows++;
            return cq__err_oom(err);
        }
    }
    res->nrows++;
    return CQ_OK;
}

/* Runs `sql`; with `row`, each row is handed over as soon as it is read (res then holds one
 * row at a time). */
static int sqlite_run(cq__conn *c, const char *sql, const cq_value *const *params, size_t n_params,
                      cq__result *res, cq__row_fn row, void *ctx, cq_error *err)
{
    sqlite3_stmt *st = NULL;
    bool cached = false;
    c->deadline_ns = c->statement_timeout_ms
                         ? cq__monotonic_ns() + (uint64_t)c->statement_timeout_ms * 1000000u
                         : 0;
    int rc = stmt_get(c, sql, &st, &cached);
    if (rc != SQLITE_OK)
        return map_error(c->db, rc, err);
    if (!st) /* only whitespace or a comment: nothing to run */
        return res ? (memset(res, 0, sizeof *res), CQ_OK) : CQ_OK;
    int code = CQ_OK;
    /* a kept statement holds its last call's values: those this call does not bind are NULL */
    if (cached && (int)n_params < sqlite3_bind_parameter_count(st))
        sqlite3_clear_bindings(st);
    for (size_t i = 0; i < n_params; i++) {
        rc = bind_value(st, (int)i + 1, params[i]);
        if (rc != SQLITE_OK) {
            code = map_error(c->db, rc, err);
            goto done;
        }
    }
    if (res && (code = result_columns(res, st, row != NULL, err)) != CQ_OK)
        goto done;
    cq__row_src src = { st, row_view };
    cq_value *few[16]; /* the cells of a row handed over, when it has at most 16 columns */
    if (row && res->ncols) {
        /* rows handed over are read in place: cells stay NULL until the callee takes one */
        if (res->ncols <= sizeof few / sizeof *few) {
            memset(few, 0, sizeof few);
            res->cells = few;
        } else if (!(res->cells = cq__calloc(res->ncols, sizeof *res->cells))) {
            code = cq__err_oom(err);
            goto done;
        }
        res->cap = res->ncols;
        res->src = &src;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!res || !res->ncols)
            continue;
        if (!row) {
            if ((code = read_row(res, st, err)) != CQ_OK)
                goto done;
            continue;
        }
        res->nrows = 1;
        code = row(ctx, res);
        for (size_t i = 0; i < res->ncols; i++) {
            cq_value_free(res->cells[i]); /* what the callee made and did not keep */
            res->cells[i] = NULL;
        }
        res->nrows = 0;
        if (code != CQ_OK)
            goto done;
    }
    if (rc != SQLITE_DONE) {
        code = map_error(c->db, rc, err);
        goto done;
    }
    if (res) {
        res->last_insert_id = sqlite3_last_insert_rowid(c->db);
        res->changes = sqlite3_changes(c->db);
    }
done:
    if (res)
        res->src = NULL; /* the view was of this call's statement */
    if (res && res->cells == few) {
        res->cells = NULL; /* every cell was freed or taken after its row */
        res->cap = 0;
    }
    if (cached) {
        sqlite3_reset(st); /* ends its read of the database; the statement stays prepared */
    } else {
        sqlite3_finalize(st);
    }
    if (code != CQ_OK && res)
        cq__result_free(res);
    return code;
}

static int sqlite_exec(cq__conn *c, const char *sql, const cq_value *const *params, size_t n_params,
                       cq__result *res, cq_error *err)
{
    return sqlite_run(c, sql, params, n_params, res, NULL, NULL, err);
}

static int sqlite_exec_rows(cq__conn *c, const char *sql, const cq_value *const *params,
                            size_t n_params, cq__row_fn row, void *ctx, cq_error *err)
{
    cq__result one = { 0 };
    int rc = sqlite_run(c, sql, params, n_params, &one, row, ctx, err);
    cq__result_free(&one);
    return rc;
}

const cq__driver cq__driver_sqlite = {
    .dialect = CQ_DIALECT_SQLITE,
    .name = "sqlite",
    .connect = sqlite_connect,
    .close = sqlite_close,
    .alive = sqlite_alive,
    .exec = sqlite_exec,
    .exec_rows = sqlite_exec_rows,
    .plan_pool = sqlite_plan_pool,
    .tune = sqlite_tune,
};
