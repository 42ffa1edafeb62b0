/* PostgreSQL driver (libpq). The only file that includes libpq-fe.h. */
#include <ctype.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/error.h"
#include "core/util.h"
#include "driver/driver.h"
#include "sql/dialect.h"

/* Built-in type OIDs (catalog/pg_type_d.h ships with the server headers, not libpq-dev);
 * these values are fixed by PostgreSQL's catalogue and never change. */
enum {
    PG_BOOLOID = 16,
    PG_BYTEAOID = 17,
    PG_INT8OID = 20,
    PG_INT2OID = 21,
    PG_INT4OID = 23,
    PG_FLOAT4OID = 700,
    PG_FLOAT8OID = 701,
    PG_NUMERICOID = 1700
};

/* Server-side prepared statements kept for reuse (handles: their names, `cq_<n>`), only
 * SELECT/INSERT/UPDATE/DELETE: a prepared one skips parsing and planning. When the cache is
 * full, or after DDL from this connection, every one is dropped (DEALLOCATE ALL) and the
 * cache starts over. */
struct cq__conn {
    PGconn *pg;
    cq__prep_cache prep;
    uint64_t serial;               /* statement names are never reused on a connection */
    uint32_t statement_timeout_ms; /* 0: none */
    bool broken; /* an answer did not come in time: the connection is mid-statement, unusable */
    /* transaction_pooler: behind PgBouncer in transaction mode each transaction (and each
     * statement outside one) may run on another server connection, so nothing is prepared by
     * name and statement_timeout is never a setting of the session: SET LOCAL after BEGIN
     * inside a transaction, a cancel request at the limit outside one */
    bool pooler;
    uint64_t cancel_at; /* ms (now_ms()) when the running statement is cancelled; 0: never */
    bool cancel_sent;   /* a cancel request went for the running statement */
    /* SAVEPOINT / RELEASE SAVEPOINT texts kept by pg_defer for the next statement, which
     * pg_send puts in one pipeline with them; `piped` of them were sent ahead of the running
     * statement (their results come first) */
    char *pending[4];
    size_t npending, piped;
};

/* Statements are sent with libpq's asynchronous calls and their answers awaited with poll(),
 * so a deadline can end the wait (a frozen server otherwise blocks for the operating
 * system's TCP timeout). */
static uint64_t now_ms(void)
{
    return cq__monotonic_ns() / 1000000u;
}

/* Waits until `fd` is ready for `events`: 1; 0 when `deadline` (ms, 0 = none) passed; -1 on
 * error. */
static int wait_fd(int fd, short events, uint64_t deadline)
{
    for (;;) {
        int wait = -1;
        if (deadline) {
            uint64_t now = now_ms();
            if (now >= deadline)
                return 0;
            wait = deadline - now > INT_MAX ? INT_MAX : (int)(deadline - now);
        }
        struct pollfd p = { .fd = fd, .events = events };
        int r = poll(&p, 1, wait);
        if (r > 0)
            return 1;
        if (r < 0 && errno != EINTR)
            return -1;
    }
}

static uint64_t statement_deadline(const cq__conn *c)
{
    return c->statement_timeout_ms ? now_ms() + cq__answer_wait_ms(c->statement_timeout_ms) : 0;
}

static int map_error(cq__conn *c, const PGresult *r, cq_error *err);

/* Asks the server (through the pooler, which forwards it to the server connection running the
 * statement) to cancel the running statement: it then answers with SQLSTATE 57014. */
static void send_cancel(cq__conn *c)
{
    PGcancel *k = PQgetCancel(c->pg);
    char buf[256];
    if (k && PQcancel(k, buf, (int)sizeof buf))
        c->cancel_sent = true;
    PQfreeCancel(k);
}

/* Before a statement is sent: with transaction_pooler and a statement_timeout, a statement
 * outside a transaction is cancelled at the limit (inside one, SET LOCAL statement_timeout
 * does it on the server). */
static void arm_cancel(cq__conn *c)
{
    c->cancel_sent = false;
    c->cancel_at =
        c->pooler && c->statement_timeout_ms && PQtransactionStatus(c->pg) == PQTRANS_IDLE
            ? now_ms() + c->statement_timeout_ms
            : 0;
}

/* The next result of the statement sent, waiting until `deadline` at most; NULL when none is
 * left, or when the wait failed (*code set, the connection marked broken). */
static PGresult *next_result(cq__conn *c, uint64_t deadline, int *code, cq_error *err)
{
    while (PQisBusy(c->pg)) {
        uint64_t until = deadline;
        if (c->cancel_at && (!until || c->cancel_at < until))
            until = c->cancel_at;
        int w = wait_fd(PQsocket(c->pg), POLLIN, until);
        if (w == 0 && c->cancel_at && until == c->cancel_at) {
            c->cancel_at = 0; /* once; the answer (57014) is awaited until `deadline` */
            send_cancel(c);
            continue;
        }
        if (w == 0) {
            c->broken = true;
            *code = cq__err_set(err, CQ_ETIMEOUT,
                                "PostgreSQL did not answer within %llu ms (statement_timeout %u "
                                "ms); the connection is closed",
                                (unsigned long long)cq__answer_wait_ms(c->statement_timeout_ms),
                                (unsigned)c->statement_timeout_ms);
            return NULL;
        }
        if (w < 0 || !PQconsumeInput(c->pg)) {
            c->broken = true;
            *code = map_error(c, NULL, err);
            if (*code != CQ_ECONNECT && *code != CQ_ENOMEM)
                *code = CQ_ECONNECT;
            if (err)
                err->code = *code;
            return NULL;
        }
    }
    return PQgetResult(c->pg);
}

/* What PQexec returns, for a statement sent: its last result (a COPY result ends the wait).
 * NULL with *code set when waiting failed. */
static PGresult *last_result(cq__conn *c, uint64_t deadline, int *code, cq_error *err)
{
    PGresult *last = NULL, *r;
    *code = CQ_OK;
    while ((r = next_result(c, deadline, code, err)) != NULL) {
        PQclear(last);
        last = r;
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH)
            break;
    }
    if (*code != CQ_OK) {
        PQclear(last);
        return NULL;
    }
    return last;
}

/* The dialect's session statements joined into one simple query ("a; b; c"), with
 * statement_timeout last unless behind a pooler. A new string, NULL on OOM. */
static char *session_setup(bool pooler, uint32_t statement_timeout_ms)
{
    const cq__sql_dialect *D = &cq__sql_postgres;
    cq__buf b = { 0 };
    for (const char *const *q = pooler ? D->session_pooled : D->session; *q; q++) {
        if (b.len)
            cq__buf_put(&b, "; ");
        cq__buf_put(&b, *q);
    }
    if (!pooler)
        cq__buf_printf(&b, "; %s%u", D->statement_timeout, (unsigned)statement_timeout_ms);
    return cq__buf_take(&b);
}

static void pending_free(cq__conn *c)
{
    for (size_t i = 0; i < c->npending; i++)
        cq__free(c->pending[i]);
    c->npending = 0;
}

/* PQexec of a parameterless text (several statements allowed), within `deadline`. */
static PGresult *run_simple(cq__conn *c, const char *sql, uint64_t deadline, int *code,
                            cq_error *err)
{
    *code = CQ_OK;
    if (!PQsendQuery(c->pg, sql)) {
        *code = map_error(c, NULL, err);
        return NULL;
    }
    return last_result(c, deadline, code, err);
}

/* Runs the kept statements at once, in one simple query (before a statement that is not
 * pipelined with them). */
static int flush_pending(cq__conn *c, cq_error *err)
{
    if (!c->npending)
        return CQ_OK;
    cq__buf b = { 0 };
    for (size_t i = 0; i < c->npending; i++) {
        if (i)
            cq__buf_put(&b, "; ");
        cq__buf_put(&b, c->pending[i]);
    }
    pending_free(c);
    char *sql = cq__buf_take(&b);
    if (!sql)
        return cq__err_oom(err);
    int code = CQ_OK;
    PGresult *r = run_simple(c, sql, statement_deadline(c), &code, err);
    cq__free(sql);
    if (code == CQ_OK && PQresultStatus(r) != PGRES_COMMAND_OK)
        code = map_error(c, r, err);
    PQclear(r);
    return code;
}

static int pg_defer(cq__conn *c, const char *sql, cq_error *err)
{
    if (c->npending == sizeof c->pending / sizeof *c->pending) {
        int code = flush_pending(c, err);
        if (code != CQ_OK)
            return code;
    }
    if (!(c->pending[c->npending] = cq__strdup(sql)))
        return cq__err_oom(err);
    c->npending++;
    /* behind a pooler nothing waits: it is sent now */
    return c->pooler ? flush_pending(c, err) : CQ_OK;
}

/* libpq prints NOTICEs ("relation ... already exists, skipping") to stderr by default. */
static void ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* Copies libpq's message without its trailing newline. */
static void set_message(cq_error *err, int code, const char *prefix, const char *msg)
{
    size_t n = msg ? strlen(msg) : 0;
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        n--;
    cq__err_set(err, code, "%s%.*s", prefix, (int)n, msg ? msg : "");
}

/* A malformed URI (bad percent-encoding, unknown parameter) is the caller's mistake, not a
 * connection failure: libpq's parser says so before any connection is tried. */
static int pg_check_uri(const char *uri, cq_error *err)
{
    char *parse_error = NULL;
    PQconninfoOption *parsed = PQconninfoParse(uri, &parse_error);
    if (parsed) {
        PQconninfoFree(parsed);
        return CQ_OK;
    }
    if (parse_error)
        set_message(err, CQ_EINVALID, "bad PostgreSQL URL: ", parse_error);
    else
        cq__err_oom(err);
    int code = parse_error ? CQ_EINVALID : CQ_ENOMEM;
    PQfreemem(parse_error);
    return code;
}

static int pg_connect_timeout(cq_error *err, uint32_t connect_ms)
{
    return cq__err_set(err, CQ_ETIMEOUT,
                       "cannot connect to PostgreSQL: no answer within %u ms (connect_timeout)",
                       (unsigned)connect_ms);
}

/* Drives the non-blocking connect to its end, waiting at most until `deadline` (0: no limit). */
static int pg_poll(cq__conn *c, uint64_t deadline, uint32_t connect_ms, cq_error *err)
{
    PostgresPollingStatusType ps = PGRES_POLLING_WRITING;
    while (PQstatus(c->pg) != CONNECTION_BAD && ps != PGRES_POLLING_OK &&
           ps != PGRES_POLLING_FAILED) {
        int w = wait_fd(PQsocket(c->pg), ps == PGRES_POLLING_READING ? POLLIN : POLLOUT, deadline);
        if (w == 0)
            return pg_connect_timeout(err, connect_ms);
        ps = w < 0 ? PGRES_POLLING_FAILED : PQconnectPoll(c->pg);
    }
    if (PQstatus(c->pg) != CONNECTION_OK) {
        set_message(err, CQ_ECONNECT, "cannot connect to PostgreSQL: ", PQerrorMessage(c->pg));
        return CQ_ECONNECT;
    }
    return CQ_OK;
}

/* Sequelize's connection manager: warnings only, and a UTC session so timestamptz values come
 * back as "... +00" (normalised to ISO by the model layer); statement_timeout makes the server
 * cancel a statement that runs too long (SQLSTATE 57014). Behind a transaction pooler only
 * the two settings it keeps per client and sets again on every server connection it hands
 * over (PgBouncer tracks client_encoding and TimeZone); the rest would stay on a server
 * connection that other clients get next. */
static int pg_session_setup(cq__conn *c, uint64_t deadline, uint32_t connect_ms, cq_error *err)
{
    /* the dialect's set-up statements (sql/postgres.c), sent as one simple query */
    char *setup = session_setup(c->pooler, c->statement_timeout_ms);
    if (!setup)
        return cq__err_oom(err);
    int code = CQ_OK;
    PGresult *r = run_simple(c, setup, deadline, &code, err);
    cq__free(setup);
    if (code == CQ_OK && PQresultStatus(r) != PGRES_COMMAND_OK) {
        set_message(err, CQ_ECONNECT,
                    "cannot set up the PostgreSQL session: ", PQerrorMessage(c->pg));
        code = CQ_ECONNECT;
    } else if (code == CQ_ETIMEOUT) {
        code = pg_connect_timeout(err, connect_ms);
    }
    PQclear(r);
    return code;
}

static int pg_connect(cq__conn **out, const char *target, const cq__conn_opts *opts, cq_error *err)
{
    *out = NULL;
    if (strncmp(target, "//", 2) != 0)
        return cq__err_set(err, CQ_EINVALID,
                           "PostgreSQL URL must look like postgres://user:pass@host:port/db");
    /* libpq parses the URI itself; both schemes are accepted, so rebuild one from the target */
    char *uri = cq__asprintf("postgresql:%s", target);
    cq__conn *c = cq__calloc(1, sizeof *c);
    int code = uri && c ? pg_check_uri(uri, err) : cq__err_oom(err);
    if (code != CQ_OK) {
        cq__free(uri);
        cq__free(c);
        return code;
    }
    uint32_t connect_ms = opts ? opts->connect_timeout_ms : 0;
    c->statement_timeout_ms = opts ? opts->statement_timeout_ms : 0;
    c->pooler = opts && opts->transaction_pooler;
    uint64_t deadline = connect_ms ? now_ms() + connect_ms : 0;
    /* the non-blocking connect, so connect_timeout counts in milliseconds (libpq's own
     * parameter counts whole seconds, at least 2) */
    const char *const keywords[] = { "dbname", NULL };
    const char *const values[] = { uri, NULL };
    c->pg = PQconnectStartParams(keywords, values, 1);
    cq__free(uri);
    if (!c->pg) {
        cq__free(c);
        return cq__err_oom(err);
    }
    code = pg_poll(c, deadline, connect_ms, err);
    if (code == CQ_OK) {
        PQsetNoticeProcessor(c->pg, ignore_notice, NULL);
        code = pg_session_setup(c, deadline, connect_ms, err);
    }
    if (code != CQ_OK) {
        PQfinish(c->pg);
        cq__free(c);
        return code;
    }
    *out = c;
    return CQ_OK;
}

/* Whether the connection can take a statement: not lost, and not closed by the server while
 * idle (a restart or an administrator ends sessions with a FATAL message, then closes). */
static bool pg_alive(cq__conn *c)
{
    if (!c || c->broken || PQstatus(c->pg) != CONNECTION_OK)
        return false;
    for (int i = 0; i < 4; i++) {
        /* the first look costs nothing; after a message while idle, the close that follows
         * it is worth a short wait */
        struct pollfd p = { .fd = PQsocket(c->pg), .events = POLLIN };
        int r = poll(&p, 1, i == 0 ? 0 : 100);
        if (r == 0)
            return true;
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 || !PQconsumeInput(c->pg) || PQstatus(c->pg) != CONNECTION_OK)
            return false;
    }
    return PQstatus(c->pg) == CONNECTION_OK;
}

/* Drops every prepared statement of this connection (server and cache). */
static void cache_clear(cq__conn *c)
{
    bool any = false;
    for (size_t i = 0; i < CQ__PREP_CACHE; i++)
        any |= c->prep.e[i].handle != NULL;
    if (any && !c->broken) {
        int code = CQ_OK;
        PQclear(run_simple(c, "DEALLOCATE ALL", statement_deadline(c), &code, NULL));
    }
    cq__prep_clear(&c->prep, cq__free);
}

static void pg_close(cq__conn *c)
{
    if (!c)
        return;
    pending_free(c);
    cq__prep_clear(&c->prep, cq__free);
    PQfinish(c->pg);
    cq__free(c);
}

/* The name of a prepared statement for `sql`, preparing it when new; NULL when it is not to
 * be cached or could not be prepared (the caller then sends it unnamed, which also reports
 * any error in the statement). */
static const char *prepared_name(cq__conn *c, const char *sql, int n_params)
{
    if (c->pooler)
        return NULL; /* a named statement lives on one server connection of the pooler's */
    if (strlen(sql) > CQ__PREP_MAX_SQL || !cq__prep_is_dml(sql))
        return NULL;
    const char *name = cq__prep_get(&c->prep, sql);
    if (name)
        return name;
    if (cq__prep_full(&c->prep))
        cache_clear(c);
    char *fresh = cq__asprintf("cq_%" PRIu64, ++c->serial);
    if (!fresh)
        return NULL;
    int code = CQ_OK;
    PGresult *r = PQsendPrepare(c->pg, fresh, sql, n_params, NULL)
                      ? last_result(c, statement_deadline(c), &code, NULL)
                      : NULL;
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    bool kept = false;
    if (ok)
        cq__free(cq__prep_put(&c->prep, sql, fresh, &kept)); /* nothing is evicted: not full */
    if (!kept) {
        /* not prepared (the unnamed path reports the error), or not kept: a prepared one
         * stays on the server until DEALLOCATE ALL, under a name never used again */
        cq__free(fresh);
        return NULL;
    }
    return fresh;
}

static int map_error(cq__conn *c, const PGresult *r, cq_error *err)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    int code = CQ_EDATABASE;
    if (state && strlen(state) == 5) {
        if (strcmp(state, "23505") == 0)
            code = CQ_EUNIQUE;
        else if (strcmp(state, "23503") == 0)
            code = CQ_EFOREIGNKEY;
        else if (strcmp(state, "23502") == 0)
            code = CQ_ENOTNULL;
        else if (strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0 ||
                 strcmp(state, "57P02") == 0 || strcmp(state, "57P03") == 0)
            code = CQ_ECONNECT; /* connection errors; the server shutting down (a failover),
                                   crashing, or not accepting connections yet */
        else if (strcmp(state, "53200") == 0)
            code = CQ_ENOMEM;
        else if (strcmp(state, "57014") == 0 || strcmp(state, "55P03") == 0)
            code = CQ_ETIMEOUT; /* statement timeout, lock not available */
    } else if (PQstatus(c->pg) != CONNECTION_OK) {
        code = CQ_ECONNECT;
    } else if (!r) {
        code = CQ_ENOMEM;
    }
    const char *primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (primary) {
        const char *detail = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL);
        cq__err_set(err, code, "%s%s%s", primary, detail ? ": " : "", detail ? detail : "");
    } else {
        set_message(err, code, "", PQerrorMessage(c->pg));
    }
    if (code == CQ_ETIMEOUT && c->cancel_sent && strcmp(state, "57014") == 0)
        cq__err_set(err, code,
                    "canceling statement due to statement timeout (%u ms, cancelled by a "
                    "request from the client: transaction_pooler)",
                    (unsigned)c->statement_timeout_ms);
    if (err && state && strlen(state) == 5)
        memcpy(err->sqlstate, state, 6);
    return code;
}

/* Renders one parameter as PostgreSQL text input: an integer into `num` when given, else into
 * `*owned`, which receives what must be freed. */
static int param_text(const char **out, char **owned, char *num, const cq_value *v)
{
    *out = NULL;
    *owned = NULL;
    switch (cq_value_type_of(v)) {
    case CQ_VALUE_NULL:
        return CQ_OK;
    case CQ_VALUE_BOOL:
        *out = cq_value_as_bool(v) ? "true" : "false";
        return CQ_OK;
    case CQ_VALUE_INT:
        if (num) {
            cq__i64_text(num, cq_value_as_int(v));
            *out = num;
            return CQ_OK;
        }
        *owned = cq__asprintf("%" PRId64, cq_value_as_int(v));
        break;
    case CQ_VALUE_DOUBLE: {
        double d = cq_value_as_double(v);
        if (isnan(d))
            *out = "NaN";
        else if (isinf(d))
            *out = d > 0 ? "Infinity" : "-Infinity";
        else
            *owned = cq__asprintf("%.17g", d);
        if (*out)
            return CQ_OK;
        break;
    }
    case CQ_VALUE_TEXT:
        *out = cq_value_as_text(v);
        return CQ_OK;
    case CQ_VALUE_BLOB: {
        /* bytea hex input: \x followed by two hex digits per byte */
        static const char hex[] = "0123456789abcdef";
        size_t len = 0;
        const unsigned char *p = cq_value_as_blob(v, &len);
        char *s = cq__malloc(2 * len + 3);
        if (s) {
            s[0] = '\\';
            s[1] = 'x';
            for (size_t i = 0; i < len; i++) {
                s[2 + 2 * i] = hex[p[i] >> 4];
                s[3 + 2 * i] = hex[p[i] & 15];
            }
            s[2 + 2 * len] = '\0';
        }
        *owned = s;
        break;
    }
    default: /* arrays and objects travel as JSON text */
        if (cq_value_to_json(owned, v, 0) != CQ_OK)
            *owned = NULL;
        break;
    }
    if (!*owned)
        return CQ_ENOMEM;
    *out = *owned;
    return CQ_OK;
}

/* Cell (row, col) of a result seen in place. BYTEA has no in-place form (its text is escaped):
 * false, and column_value unescapes it. */
static bool cell_view(const PGresult *r, int row, int col, cq__cell *out)
{
    memset(out, 0, sizeof *out);
    if (PQgetisnull(r, row, col)) {
        out->type = CQ_VALUE_NULL;
        return true;
    }
    const char *s = PQgetvalue(r, row, col);
    switch (PQftype(r, col)) {
    case PG_INT2OID:
    case PG_INT4OID:
    case PG_INT8OID:
        out->type = CQ_VALUE_INT;
        out->i = strtoll(s, NULL, 10);
        return true;
    case PG_FLOAT4OID:
    case PG_FLOAT8OID:
        /* strtod reads "NaN", "Infinity" and "-Infinity" as PostgreSQL writes them */
        out->type = CQ_VALUE_DOUBLE;
        out->d = strtod(s, NULL);
        return true;
    case PG_BOOLOID:
        out->type = CQ_VALUE_BOOL;
        out->i = s[0] == 't';
        return true;
    case PG_BYTEAOID:
        return false;
    default:
        /* text, varchar, uuid, date, time, json, jsonb, enums, arrays ('{1,2}', read by the
         * model layer), NUMERIC exact as the server writes it ("12.50", as node-postgres hands
         * it to Sequelize) and timestamptz ("2024-05-01 10:20:30.123+00", turned into ISO by
         * the model layer) */
        out->type = CQ_VALUE_TEXT;
        out->s = s;
        out->len = (size_t)PQgetlength(r, row, col);
        return true;
    }
}

static cq_value *column_value(const PGresult *r, int row, int col)
{
    cq__cell c;
    if (cell_view(r, row, col, &c))
        return cq__value_from_cell(&c);
    size_t len = 0;
    unsigned char *bytes = PQunescapeBytea((const unsigned char *)PQgetvalue(r, row, col), &len);
    if (!bytes)
        return NULL;
    cq_value *v = cq_value_blob(bytes, len);
    PQfreemem(bytes);
    return v;
}

/* The single row of a single-row-mode result (cq__row_src): BYTEA cells were made values
 * before the callback, so they never come here. */
static void row_view(void *ctx, size_t col, cq__cell *out)
{
    if (!cell_view(ctx, 0, (int)col, out))
        out->type = CQ_VALUE_NULL;
}

static int fill_result(cq__result *res, const PGresult *r, cq_error *err)
{
    memset(res, 0, sizeof *res);
    size_t ncols = (size_t)PQnfields(r);
    size_t nrows = (size_t)PQntuples(r);
    const char *tuples = PQcmdTuples((PGresult *)r);
    res->changes = tuples && *tuples ? strtoll(tuples, NULL, 10) : 0;
    if (!ncols)
        return CQ_OK;
    /* the count is set once the names' array exists, so a half-built result frees */
    res->colnames = cq__calloc(ncols, sizeof(char *));
    if (!res->colnames)
        return cq__err_oom(err);
    res->ncols = ncols;
    for (size_t i = 0; i < res->ncols; i++)
        if (!(res->colnames[i] = cq__strdup(PQfname(r, (int)i))))
            return cq__err_oom(err);
    if (!nrows)
        return CQ_OK;
    if (cq__grow((void **)&res->cells, &res->cap, nrows * res->ncols, sizeof(cq_value *)) != 0)
        return cq__err_oom(err);
    for (size_t row = 0; row < nrows; row++) {
        for (size_t i = 0; i < res->ncols; i++)
            res->cells[row * res->ncols + i] = NULL;
        res->nrows++; /* counted first, so cq__result_free sees every cell of a partial row */
        for (size_t i = 0; i < res->ncols; i++)
            if (!(res->cells[row * res->ncols + i] = column_value(r, (int)row, (int)i)))
                return cq__err_oom(err);
    }
    return CQ_OK;
}

/* Ends a COPY the server started: refuses to send data (COPY FROM STDIN) or reads and drops
 * what it sends (COPY TO STDOUT), then consumes the results until the connection is idle. */
static void discard_copy(cq__conn *c, ExecStatusType st)
{
    if (st == PGRES_COPY_IN) {
        PQputCopyEnd(c->pg, "COPY FROM STDIN is not supported by cequel");
    } else {
        char *buf = NULL;
        while (PQgetCopyData(c->pg, &buf, 0) > 0) {
            PQfreemem(buf);
            buf = NULL;
        }
    }
    PGresult *r;
    while ((r = PQgetResult(c->pg)) != NULL) {
        ExecStatusType again = PQresultStatus(r);
        PQclear(r);
        if (again == PGRES_COPY_IN || again == PGRES_COPY_OUT || again == PGRES_COPY_BOTH)
            break; /* cannot happen after the copy ended; never loop on it */
    }
}

/* A statement's parameters in text form (NULL for SQL NULL), as libpq takes them. The first PG_NUMS
 * integers are written into the struct and the arrays of up to PG_NUMS parameters live in it: a
 * lookup by key allocates nothing. */
enum { PG_NUMS = 8 };
typedef struct pg_params {
    const char **values;
    char **owned;
    size_t n;
    const char *values_here[PG_NUMS];
    char *owned_here[PG_NUMS];
    char nums[PG_NUMS][21];
} pg_params;

static int params_text(pg_params *p, const cq_value *const *params, size_t n, cq_error *err)
{
    p->n = n;
    p->values = p->values_here;
    p->owned = p->owned_here;
    if (n > PG_NUMS) {
        p->values = cq__calloc(n, sizeof *p->values);
        p->owned = cq__calloc(n, sizeof *p->owned);
        if (!p->values || !p->owned) {
            cq__free(p->values);
            cq__free(p->owned);
            p->values = p->values_here;
            p->owned = p->owned_here;
            p->n = 0;
            return cq__err_oom(err);
        }
    }
    for (size_t i = 0; i < n; i++)
        if (param_text(&p->values[i], &p->owned[i], i < PG_NUMS ? p->nums[i] : NULL, params[i]) !=
            CQ_OK) {
            p->n = i; /* the ones rendered are freed */
            return cq__err_oom(err);
        }
    return CQ_OK;
}

static void params_free(pg_params *p)
{
    for (size_t i = 0; i < p->n; i++)
        cq__free(p->owned[i]);
    if (p->values != p->values_here) {
        cq__free(p->owned);
        cq__free(p->values);
    }
    p->n = 0;
}

/* transaction_pooler: statement_timeout for the transaction just begun, which ends with it */
static int set_local_timeout(cq__conn *c, cq_error *err)
{
    char sql[64];
    snprintf(sql, sizeof sql, "SET LOCAL statement_timeout = %u",
             (unsigned)c->statement_timeout_ms);
    int code = CQ_OK;
    PGresult *r = run_simple(c, sql, statement_deadline(c), &code, err);
    if (code == CQ_OK && PQresultStatus(r) != PGRES_COMMAND_OK)
        code = map_error(c, r, err);
    PQclear(r);
    return code;
}

/* Sends `sql` with its parameters (prepared when it is worth keeping) and arms the statement
 * timeout: *deadline is when the answer is late. No parameter types: the server infers each
 * one from where it appears. */
static int pg_send(cq__conn *c, const char *sql, const cq_value *const *params, size_t n_params,
                   uint64_t *deadline, cq_error *err)
{
    if (n_params > 65535) /* the wire protocol counts parameters in 16 bits */
        return cq__err_set(err, CQ_EINVALID, "too many bound parameters (%zu, at most 65535)",
                           n_params);
    pg_params p;
    int code = params_text(&p, params, n_params, err);
    if (code != CQ_OK) {
        params_free(&p);
        return code;
    }
    if (c->npending && !cq__prep_is_dml(sql)) {
        /* only a query or a row change rides behind kept statements (a failure of theirs
         * would skip it, and a ROLLBACK must run): anything else sends them first, on their
         * own; a rollback runs even when they failed */
        code = flush_pending(c, err);
        if (code != CQ_OK && strncasecmp(sql, "ROLLBACK", 8) != 0) {
            params_free(&p);
            return code;
        }
        code = CQ_OK;
    }
    const char *name = prepared_name(c, sql, (int)n_params);
    arm_cancel(c);
    *deadline = statement_deadline(c);
    /* kept SAVEPOINT / RELEASE texts go ahead of it in one pipeline: one round trip */
    if (c->npending && !c->broken && !PQenterPipelineMode(c->pg) &&
        (code = flush_pending(c, err)) != CQ_OK) {
        params_free(&p);
        return code;
    }
    if (c->npending && !c->broken) {
        for (size_t i = 0; i < c->npending; i++)
            if (PQsendQueryParams(c->pg, c->pending[i], 0, NULL, NULL, NULL, NULL, 0))
                c->piped++;
        if (c->piped != c->npending)
            code = map_error(c, NULL, err);
        pending_free(c);
    }
    int sent = c->broken || code != CQ_OK ? 0
               : name ? PQsendQueryPrepared(c->pg, name, (int)n_params, p.values, NULL, NULL, 0)
                      : PQsendQueryParams(c->pg, sql, (int)n_params, NULL, p.values, NULL, NULL, 0);
    bool piping = PQpipelineStatus(c->pg) != PQ_PIPELINE_OFF;
    if (sent && piping && (!PQpipelineSync(c->pg) || PQflush(c->pg) != 0))
        sent = 0;
    params_free(&p); /* libpq has copied them */
    if (piping && (!sent || code != CQ_OK)) {
        c->broken = true; /* a pipeline half sent: the connection is not reused */
        return code != CQ_OK ? code : map_error(c, NULL, err);
    }
    if (c->broken) /* preparing it timed out */
        return cq__err_set(err, CQ_ETIMEOUT,
                           "PostgreSQL did not answer within %llu ms (statement_timeout %u ms); "
                           "the connection is closed",
                           (unsigned long long)cq__answer_wait_ms(c->statement_timeout_ms),
                           (unsigned)c->statement_timeout_ms);
    return sent ? CQ_OK : map_error(c, NULL, err);
}

/* The results of the kept statements sent ahead of the running one (pg_send): CQ_OK, or the
 * error of the first that failed (the running statement is then not run: its result says
 * the pipeline was aborted). */
static int pipe_head(cq__conn *c, uint64_t deadline, cq_error *err)
{
    int code = CQ_OK;
    for (; c->piped > 0; c->piped--) {
        PGresult *r;
        int wait = CQ_OK;
        while ((r = next_result(c, deadline, &wait, code == CQ_OK ? err : NULL)) != NULL) {
            if (code == CQ_OK && PQresultStatus(r) != PGRES_COMMAND_OK)
                code = map_error(c, r, err);
            PQclear(r);
        }
        if (wait != CQ_OK) {
            c->piped = 0;
            return code == CQ_OK ? wait : code;
        }
    }
    return code;
}

/* After the running statement's results: the pipeline's sync point, then out of pipeline
 * mode (a connection that cannot leave it is not reused). */
static void pipe_tail(cq__conn *c, uint64_t deadline)
{
    if (c->broken || PQpipelineStatus(c->pg) == PQ_PIPELINE_OFF)
        return;
    PGresult *r;
    int wait = CQ_OK;
    while (!c->broken && (r = next_result(c, deadline, &wait, NULL)) != NULL) {
        bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
        PQclear(r);
        if (sync)
            break;
    }
    if (c->broken || wait != CQ_OK || !PQexitPipelineMode(c->pg))
        c->broken = true;
}

static int pg_exec(cq__conn *c, const char *sql, const cq_value *const *params, size_t n_params,
                   cq__result *res, cq_error *err)
{
    if (res)
        memset(res, 0, sizeof *res);
    PGresult *r = NULL;
    uint64_t deadline = 0;
    int code = pg_send(c, sql, params, n_params, &deadline, err);
    if (code != CQ_OK)
        goto done;
    int head = pipe_head(c, deadline, err);
    r = c->broken ? NULL : last_result(c, deadline, &code, head == CQ_OK ? err : NULL);
    pipe_tail(c, deadline);
    c->cancel_at = 0;
    if (head != CQ_OK)
        code = head;
    if (code != CQ_OK)
        goto done;
    if (c->pooler && c->statement_timeout_ms && strncasecmp(sql, "BEGIN", 5) == 0 &&
        PQresultStatus(r) == PGRES_COMMAND_OK) {
        code = set_local_timeout(c, err);
        if (code != CQ_OK)
            goto done;
    }
    if (cq__prep_is_ddl(sql))
        cache_clear(c); /* a changed table must not meet a statement planned before */
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH) {
        /* COPY ... STDIN/STDOUT needs a data stream the driver interface does not have: end
         * it so the connection stays usable */
        PQclear(r);
        r = NULL;
        discard_copy(c, st);
        code = cq__err_set(err, CQ_ENOTSUPPORTED, "COPY FROM STDIN / TO STDOUT is not supported");
        goto done;
    }
    if (!r || (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY)) {
        code = map_error(c, r, err);
        goto done;
    }
    if (res)
        code = fill_result(res, r, err);
done:
    PQclear(r);
    if (code != CQ_OK && res)
        cq__result_free(res);
    return code;
}

/* A query whose rows are handed over one at a time as they arrive (libpq's single-row mode):
 * the whole result is never held, neither by libpq nor here. */
static int pg_exec_rows(cq__conn *c, const char *sql, const cq_value *const *params,
                        size_t n_params, cq__row_fn row, void *ctx, cq_error *err)
{
    uint64_t deadline = 0;
    int code = pg_send(c, sql, params, n_params, &deadline, err);
    if (code != CQ_OK)
        return code;
    code = pipe_head(c, deadline, err);
    /* (a result not in single rows would hand no row over: said, never silent) */
    if (code == CQ_OK && !PQsetSingleRowMode(c->pg))
        code = cq__err_set(err, CQ_EDATABASE,
                           "PostgreSQL: the result could not be read one row at a time");
    cq__result one = { 0 };
    cq__row_src src = { NULL, row_view };
    PGresult *r;
    int wait_code = CQ_OK;
    /* every result is read, also after an error, so the connection is left idle (unless the
     * wait for one failed: then the connection is broken and dropped) */
    while ((r = next_result(c, deadline, &wait_code, code == CQ_OK ? err : NULL)) != NULL) {
        ExecStatusType st = PQresultStatus(r);
        if (code == CQ_OK && st == PGRES_SINGLE_TUPLE) {
            /* each row is seen in place (only BYTEA cells are made values first): the callee
             * copies what it keeps */
            size_t ncols = (size_t)PQnfields(r);
            if (!one.cells) {
                one.ncols = one.cap = ncols;
                if (!(one.cells = cq__calloc(ncols ? ncols : 1, sizeof *one.cells)))
                    code = cq__err_oom(err);
            }
            src.ctx = r;
            one.src = &src;
            one.nrows = 1;
            for (size_t i = 0; code == CQ_OK && i < ncols; i++)
                if (PQftype(r, (int)i) == PG_BYTEAOID && !PQgetisnull(r, 0, (int)i) &&
                    !(one.cells[i] = column_value(r, 0, (int)i)))
                    code = cq__err_oom(err);
            if (code == CQ_OK)
                code = row(ctx, &one);
            for (size_t i = 0; one.cells && i < one.ncols; i++) {
                cq_value_free(one.cells[i]); /* what the callee made and did not keep */
                one.cells[i] = NULL;
            }
            one.nrows = 0;
            one.src = NULL;
        } else if (code == CQ_OK && st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK &&
                   st != PGRES_EMPTY_QUERY) {
            code = map_error(c, r, err);
        }
        PQclear(r);
    }
    pipe_tail(c, deadline);
    c->cancel_at = 0;
    if (code == CQ_OK)
        code = wait_code;
    cq__result_free(&one);
    return code;
}

const cq__driver cq__driver_postgres = {
    .dialect = CQ_DIALECT_POSTGRES,
    .name = "postgres",
    .connect = pg_connect,
    .close = pg_close,
    .alive = pg_alive,
    .exec = pg_exec,
    .exec_rows = pg_exec_rows,
    .defer = pg_defer,
};
