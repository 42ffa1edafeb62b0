/* MySQL / MariaDB driver (MariaDB Connector/C, libmariadb). The only file that includes
 * mysql.h.
 *
 * Every statement goes through the binary (prepared statement) protocol, so every value is a
 * bound parameter and results come back typed: integers as int64, FLOAT/DOUBLE as doubles,
 * DECIMAL as its exact text ("12.50"), DATE/DATETIME/TIMESTAMP/TIME as the server's text form
 * ("2024-05-01 10:20:30.123", turned into ISO by the model layer, as on PostgreSQL), binary
 * strings as blobs, everything else as text. A statement the server refuses to prepare
 * (ER_UNSUPPORTED_PS) and that has no parameters runs through the text protocol instead, with the
 * same conversions. */
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <mysql.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/util.h"
#include "driver/driver.h"
#include "sql/dialect.h"

/* Server error numbers (mysqld_error.h; fixed by the protocol). */
enum {
    MY_ER_DUP_UNIQUE = 1169,
    MY_ER_DUP_ENTRY = 1062,
    MY_ER_DUP_ENTRY_WITH_KEY_NAME = 1586,
    MY_ER_BAD_NULL_ERROR = 1048,
    MY_ER_WARN_NULL_TO_NOTNULL = 1263,
    MY_ER_NO_DEFAULT_FOR_FIELD = 1364,
    MY_ER_NO_REFERENCED_ROW = 1216,
    MY_ER_ROW_IS_REFERENCED = 1217,
    MY_ER_ROW_IS_REFERENCED_2 = 1451,
    MY_ER_NO_REFERENCED_ROW_2 = 1452,
    MY_ER_LOCK_WAIT_TIMEOUT = 1205,
    MY_ER_STATEMENT_TIMEOUT = 1969, /* MariaDB's max_statement_time */
    MY_ER_QUERY_TIMEOUT = 3024,     /* MySQL's max_execution_time */
    MY_ER_OUT_OF_RESOURCES = 1041,
    MY_ER_UNSUPPORTED_PS = 1295,
    MY_CR_OUT_OF_MEMORY = 2008, /* client error: the library ran out of memory */
    MY_BINARY_CHARSET = 63      /* charsetnr of binary strings (BLOB, BINARY, VARBINARY) */
};

struct cq__conn {
    MYSQL *my;
    cq__prep_cache prep;           /* MYSQL_STMT handles of SELECT/INSERT/UPDATE/DELETE texts */
    uint32_t statement_timeout_ms; /* 0: none */
    unsigned read_timeout_s;       /* the client's wait for an answer, whole seconds; 0: none */
    bool broken;                   /* lost during a statement (or its answer never came) */
};

static void stmt_close(void *st)
{
    if (st)
        mysql_stmt_close(st);
}

/* ---- errors -------------------------------------------------------------------------- */

static int map_error(unsigned int no, const char *state, const char *msg, cq_error *err)
{
    int code = CQ_EDATABASE;
    switch (no) {
    case MY_ER_DUP_ENTRY:
    case MY_ER_DUP_ENTRY_WITH_KEY_NAME:
    case MY_ER_DUP_UNIQUE:
        code = CQ_EUNIQUE;
        break;
    case MY_ER_NO_REFERENCED_ROW:
    case MY_ER_ROW_IS_REFERENCED:
    case MY_ER_ROW_IS_REFERENCED_2:
    case MY_ER_NO_REFERENCED_ROW_2:
        code = CQ_EFOREIGNKEY;
        break;
    case MY_ER_BAD_NULL_ERROR:
    case MY_ER_WARN_NULL_TO_NOTNULL:
    case MY_ER_NO_DEFAULT_FOR_FIELD:
        code = CQ_ENOTNULL;
        break;
    case MY_ER_LOCK_WAIT_TIMEOUT:
    case MY_ER_STATEMENT_TIMEOUT:
    case MY_ER_QUERY_TIMEOUT:
        code = CQ_ETIMEOUT;
        break;
    case MY_ER_OUT_OF_RESOURCES:
    case MY_CR_OUT_OF_MEMORY:
        code = CQ_ENOMEM;
        break;
    default:
        /* client errors 2000-2999: the connection is gone or never was */
        if (no >= 2000 && no < 3000)
            code = CQ_ECONNECT;
        break;
    }
    cq__err_set(err, code, "%s", msg && *msg ? msg : "MySQL error");
    if (err) {
        err->driver_code = (int)no;
        if (state && strlen(state) == 5 && strcmp(state, "00000") != 0)
            memcpy(err->sqlstate, state, 6);
    }
    return code;
}

static int conn_error(cq__conn *c, cq_error *err)
{
    return map_error(mysql_errno(c->my), mysql_sqlstate(c->my), mysql_error(c->my), err);
}

static int stmt_error(MYSQL_STMT *st, cq_error *err)
{
    return map_error(mysql_stmt_errno(st), mysql_stmt_sqlstate(st), mysql_stmt_error(st), err);
}

/* ---- connecting ---------------------------------------------------------------------- */

/* The `n` bytes at `s` with %XX escapes decoded; NULL on OOM or a bad escape (*bad set). */
static char *url_decode(const char *s, size_t n, bool *bad)
{
    char *out = cq__malloc(n + 1);
    size_t k = 0;
    for (size_t i = 0; out && i < n; i++) {
        if (s[i] == '%') {
            int hi = i + 2 < n ? cq__hex_digit(s[i + 1]) : -1;
            int lo = i + 2 < n ? cq__hex_digit(s[i + 2]) : -1;
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                *bad = true;
                cq__free(out);
                return NULL;
            }
            out[k++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            out[k++] = s[i];
        }
    }
    if (out)
        out[k] = '\0';
    return out;
}

typedef struct my_url {
    char *user, *pass, *host, *db, *socket;
    unsigned int port;
} my_url;

static void url_free(my_url *u)
{
    cq__free(u->user);
    cq__free(u->pass);
    cq__free(u->host);
    cq__free(u->db);
    cq__free(u->socket);
}

/* host, [v6] or name, then :port, between hp and auth_end. */
static void url_host_port(my_url *u, const char *hp, const char *auth_end, bool *bad, bool *oom)
{
    const char *host_end = auth_end, *port = NULL;
    if (*hp == '[') {
        const char *close = memchr(hp, ']', (size_t)(auth_end - hp));
        if (!close)
            *bad = true;
        else {
            if (!(u->host = cq__strndup(hp + 1, (size_t)(close - hp - 1))))
                *oom = true;
            if (close + 1 < auth_end && close[1] == ':')
                port = close + 2;
            else if (close + 1 != auth_end)
                *bad = true;
        }
    } else {
        const char *colon = memchr(hp, ':', (size_t)(auth_end - hp));
        if (colon) {
            host_end = colon;
            port = colon + 1;
        }
        if (host_end > hp && !(u->host = url_decode(hp, (size_t)(host_end - hp), bad)))
            *oom = !*bad;
    }
    if (port) {
        unsigned long v = 0;
        const char *q = port;
        for (; q < auth_end && *q >= '0' && *q <= '9' && v <= 65535; q++)
            v = v * 10 + (unsigned long)(*q - '0');
        if (q != auth_end || q == port || v == 0 || v > 65535)
            *bad = true;
        u->port = (unsigned int)v;
    }
}

/* The URL's parameters after '?': socket; anything else is a mistake worth reporting
 * (CQ_EINVALID with its name). A malformed one sets *bad, OOM *oom. */
static int url_params(my_url *u, const char *q, bool *bad, bool *oom, cq_error *err)
{
    while (q && *q && !*bad && !*oom) {
        const char *amp = strchr(q, '&');
        size_t n = amp ? (size_t)(amp - q) : strlen(q);
        const char *eq = memchr(q, '=', n);
        if (!eq) {
            *bad = true;
            return CQ_OK;
        }
        size_t kn = (size_t)(eq - q);
        char *val = url_decode(eq + 1, n - kn - 1, bad);
        if (!val) {
            *oom = !*bad;
            return CQ_OK;
        }
        if (kn != 6 || strncmp(q, "socket", 6) != 0) {
            cq__free(val);
            return cq__err_set(err, CQ_EINVALID,
                               "bad MySQL URL: unknown parameter \"%.*s\" (socket, "
                               "connect_timeout and statement_timeout are understood)",
                               (int)kn, q);
        }
        cq__free(u->socket);
        u->socket = val;
        q = amp ? amp + 1 : NULL;
    }
    return CQ_OK;
}

/* "//user[:pass]@host[:port]/db[?socket=PATH]" (connect_timeout and statement_timeout are
 * the session's, taken out before) */
static int parse_url(my_url *u, const char *target, cq_error *err)
{
    memset(u, 0, sizeof *u);
    static const char usage[] =
        "MySQL URL must look like mysql://user:pass@host:port/db (or mariadb://...)";
    if (strncmp(target, "//", 2) != 0)
        return cq__err_set(err, CQ_EINVALID, usage);
    const char *p = target + 2;
    const char *query = strchr(p, '?');
    const char *end = query ? query : p + strlen(p);
    const char *slash = memchr(p, '/', (size_t)(end - p));
    const char *auth_end = slash ? slash : end;
    const char *at = NULL;
    for (const char *q = p; q < auth_end; q++)
        if (*q == '@')
            at = q; /* the last @: a password may hold one (unescaped) */
    bool bad = false, oom = false;
    const char *hp = p;
    if (at) {
        const char *colon = memchr(p, ':', (size_t)(at - p));
        size_t ulen = (size_t)((colon ? colon : at) - p);
        if (ulen && !(u->user = url_decode(p, ulen, &bad)))
            oom = !bad;
        if (colon && !(u->pass = url_decode(colon + 1, (size_t)(at - colon - 1), &bad)))
            oom = !bad;
        hp = at + 1;
    }
    url_host_port(u, hp, auth_end, &bad, &oom);
    if (slash && slash + 1 < end &&
        !(u->db = url_decode(slash + 1, (size_t)(end - slash - 1), &bad)))
        oom = !bad;
    if (query && !bad && !oom) {
        int rc = url_params(u, query + 1, &bad, &oom, err);
        if (rc != CQ_OK) {
            url_free(u);
            return rc;
        }
    }
    if (oom) {
        url_free(u);
        return cq__err_oom(err);
    }
    if (bad) {
        url_free(u);
        return cq__err_set(err, CQ_EINVALID, "bad MySQL URL: %s", usage);
    }
    return CQ_OK;
}

/* mysql_init() initialises the client library on first use, which is not thread-safe: do
 * it once, before pooled connections open from several threads. */
static pthread_once_t library_once = PTHREAD_ONCE_INIT;
static int library_rc;

static void library_init(void)
{
    library_rc = mysql_library_init(0, NULL, NULL);
}

static unsigned whole_seconds(uint64_t ms)
{
    uint64_t s = (ms + 999) / 1000;
    return s > 86400 ? 86400 : (unsigned)s;
}

static int connect_one(cq__conn **out, const char *target, const cq__conn_opts *opts, cq_error *err)
{
    *out = NULL;
    pthread_once(&library_once, library_init);
    if (library_rc != 0)
        return cq__err_set(err, CQ_ECONNECT, "cannot initialise the MySQL client library");
    my_url u;
    int rc = parse_url(&u, target, err);
    if (rc != CQ_OK)
        return rc;
    cq__conn *c = cq__calloc(1, sizeof *c);
    if (!c || !(c->my = mysql_init(NULL))) {
        cq__free(c);
        url_free(&u);
        return cq__err_oom(err);
    }
    uint32_t connect_ms = opts ? opts->connect_timeout_ms : 0;
    c->statement_timeout_ms = opts ? opts->statement_timeout_ms : 0;
    /* Connector/C counts its timeouts in whole seconds; the connect timeout also bounds the
     * wait for the server's greeting */
    unsigned timeout = connect_ms ? whole_seconds(connect_ms) : 30;
    mysql_options(c->my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    mysql_options(c->my, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    if (c->statement_timeout_ms) {
        c->read_timeout_s = whole_seconds(cq__answer_wait_ms(c->statement_timeout_ms));
        mysql_options(c->my, MYSQL_OPT_READ_TIMEOUT, &c->read_timeout_s);
        mysql_options(c->my, MYSQL_OPT_WRITE_TIMEOUT, &c->read_timeout_s);
    }
    /* CLIENT_FOUND_ROWS: an UPDATE reports the rows it matched, as SQLite and PostgreSQL do
     * (and as Sequelize's mysql2 connections ask for) */
    uint64_t t0 = cq__monotonic_ns();
    if (!mysql_real_connect(c->my, u.host ? u.host : "localhost", u.user, u.pass, u.db, u.port,
                            u.socket, CLIENT_FOUND_ROWS)) {
        unsigned no = mysql_errno(c->my);
        /* a server that accepts the connection but never greets (frozen) */
        bool timed_out = connect_ms && (no == 2013 || no == 2055 || no == 2003) &&
                         (cq__monotonic_ns() - t0) / 1000000u + 100 >= (uint64_t)timeout * 1000u;
        cq__err_set(err, timed_out ? CQ_ETIMEOUT : CQ_ECONNECT, "cannot connect to MySQL: %s%s",
                    mysql_error(c->my), timed_out ? " (connect_timeout)" : "");
        if (err)
            err->driver_code = (int)no;
        mysql_close(c->my);
        cq__free(c);
        url_free(&u);
        return timed_out ? CQ_ETIMEOUT : CQ_ECONNECT;
    }
    url_free(&u);
    char limit[96] = "";
    if (c->statement_timeout_ms) {
        /* the server cancels a statement that runs too long: MariaDB's max_statement_time
         * (seconds, fractions allowed), MySQL's max_execution_time (ms, SELECTs only) */
        if (strstr(mysql_get_server_info(c->my), "MariaDB"))
            snprintf(limit, sizeof limit, "SET SESSION max_statement_time = %u.%03u",
                     (unsigned)(c->statement_timeout_ms / 1000),
                     (unsigned)(c->statement_timeout_ms % 1000));
        else
            snprintf(limit, sizeof limit, "SET SESSION max_execution_time = %u",
                     (unsigned)c->statement_timeout_ms);
    }
    /* the dialect's session set-up (sql/mysql.c), then the statement limit */
    const char *const *setup = cq__sql_mysql.session;
    size_t nsetup = 0;
    while (setup[nsetup])
        nsetup++;
    for (size_t i = 0; i <= nsetup; i++) {
        const char *q = i < nsetup ? setup[i] : limit;
        if (*q && mysql_query(c->my, q) != 0) {
            cq__err_set(err, CQ_ECONNECT, "cannot set up the MySQL session: %s",
                        mysql_error(c->my));
            mysql_close(c->my);
            cq__free(c);
            return CQ_ECONNECT;
        }
    }
    *out = c;
    return CQ_OK;
}

/* The hosts of "//user@h1:p1,h2:p2/db?...": the target naming host `i` alone in *out (free
 * it), or NULL in *out when there are fewer hosts. */
static int nth_host(char **out, const char *target, size_t i)
{
    *out = NULL;
    const char *p = target + 2;
    const char *end = p + strcspn(p, "/?");
    const char *at = NULL;
    for (const char *q = p; q < end; q++)
        if (*q == '@')
            at = q;
    const char *hosts = at ? at + 1 : p;
    const char *h = hosts;
    for (size_t k = 0; k < i; k++) {
        const char *comma = memchr(h, ',', (size_t)(end - h));
        if (!comma)
            return CQ_OK;
        h = comma + 1;
    }
    const char *comma = memchr(h, ',', (size_t)(end - h));
    const char *hend = comma ? comma : end;
    *out = cq__asprintf("%.*s%.*s%s", (int)(hosts - target), target, (int)(hend - h), h, end);
    return *out ? CQ_OK : CQ_ENOMEM;
}

/* A host list (`mysql://user@primary:3306,standby:3306/db`) is tried in order: the first
 * server that accepts the connection is used (after a failover, the next connection the pool
 * opens finds the new primary when the old one is gone). */
static int my_connect(cq__conn **out, const char *target, const cq__conn_opts *opts, cq_error *err)
{
    *out = NULL;
    if (strncmp(target, "//", 2) != 0 || !memchr(target, ',', strcspn(target + 2, "/?") + 2))
        return connect_one(out, target, opts, err);
    int rc = CQ_ECONNECT;
    for (size_t i = 0;; i++) {
        char *one = NULL;
        if (nth_host(&one, target, i) != CQ_OK)
            return cq__err_oom(err);
        if (!one)
            return rc;
        rc = connect_one(out, one, opts, err);
        cq__free(one);
        if (rc != CQ_ECONNECT && rc != CQ_ETIMEOUT)
            return rc; /* connected, or a mistake in the URL */
    }
}

/* Whether the connection can take a statement: not lost, and nothing to read while idle (a
 * server that shuts down or kills the session closes it, which makes the socket readable). */
static bool my_alive(cq__conn *c)
{
    if (!c || c->broken)
        return false;
    struct pollfd p = { .fd = (int)mysql_get_socket(c->my), .events = POLLIN };
    return p.fd >= 0 && poll(&p, 1, 0) == 0;
}

static void my_close(cq__conn *c)
{
    if (!c)
        return;
    cq__prep_clear(&c->prep, stmt_close);
    mysql_close(c->my);
    cq__free(c);
}

/* ---- values -------------------------------------------------------------------------- */

/* The server's text form of a temporal value: what the text protocol sends for the column
 * ("2024-05-01 10:20:30.123" for DATETIME(3), "10:20:30" for TIME). */
static cq_value *time_text(const MYSQL_TIME *t, enum enum_field_types type, unsigned int decimals)
{
    char buf[64];
    int n;
    if (type == MYSQL_TYPE_DATE || type == MYSQL_TYPE_NEWDATE)
        return cq_value_text(
            (snprintf(buf, sizeof buf, "%04u-%02u-%02u", t->year, t->month, t->day), buf));
    if (type == MYSQL_TYPE_TIME)
        n = snprintf(buf, sizeof buf, "%s%02u:%02u:%02u", t->neg ? "-" : "", t->hour + 24 * t->day,
                     t->minute, t->second);
    else
        n = snprintf(buf, sizeof buf, "%04u-%02u-%02u %02u:%02u:%02u", t->year, t->month, t->day,
                     t->hour, t->minute, t->second);
    if (decimals > 0 && decimals <= 6 && n > 0 && (size_t)n < sizeof buf - 8) {
        char frac[8];
        snprintf(frac, sizeof frac, "%06lu", t->second_part % 1000000);
        snprintf(buf + n, sizeof buf - (size_t)n, ".%.*s", (int)decimals, frac);
    }
    return cq_value_text(buf);
}

/* A FLOAT read as the shortest decimal that reads back as the same float: 0.1, not
 * 0.10000000149011612 (the server's text protocol also prints FLOAT briefly). */
static cq_value *float_value(float f)
{
    if (!isfinite(f))
        return cq_value_double((double)f);
    char buf[32];
    for (int p = 1; p <= 9; p++) {
        snprintf(buf, sizeof buf, "%.*g", p, (double)f);
        if (strtof(buf, NULL) == f)
            break;
    }
    return cq_value_double(strtod(buf, NULL));
}

/* BIT(n) arrives as big-endian bytes. */
static cq_value *bit_value(const unsigned char *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return cq_value_int((int64_t)v);
}

static bool is_int_type(enum enum_field_types t)
{
    return t == MYSQL_TYPE_TINY || t == MYSQL_TYPE_SHORT || t == MYSQL_TYPE_INT24 ||
           t == MYSQL_TYPE_LONG || t == MYSQL_TYPE_LONGLONG || t == MYSQL_TYPE_YEAR;
}

static bool is_time_type(enum enum_field_types t)
{
    return t == MYSQL_TYPE_DATE || t == MYSQL_TYPE_NEWDATE || t == MYSQL_TYPE_DATETIME ||
           t == MYSQL_TYPE_TIMESTAMP || t == MYSQL_TYPE_TIME;
}

/* A column of the text protocol: `s` holds `len` bytes of the server's text form. */
static cq_value *text_value(const MYSQL_FIELD *f, const char *s, unsigned long len)
{
    if (!s)
        return cq_value_null();
    if (is_int_type(f->type)) {
        if (f->flags & UNSIGNED_FLAG) {
            unsigned long long v = strtoull(s, NULL, 10);
            return v > INT64_MAX ? cq_value_double((double)v) : cq_value_int((int64_t)v);
        }
        return cq_value_int(strtoll(s, NULL, 10));
    }
    switch (f->type) {
    case MYSQL_TYPE_FLOAT:
    case MYSQL_TYPE_DOUBLE:
        return cq_value_double(strtod(s, NULL));
    case MYSQL_TYPE_DECIMAL:
    case MYSQL_TYPE_NEWDECIMAL:
        /* exact: the server's text ("12.50"), as mysql2 hands DECIMAL to Sequelize */
        return cq_value_text_n(s, len);
    case MYSQL_TYPE_BIT:
        return bit_value((const unsigned char *)s, len);
    default:
        break;
    }
    if (f->charsetnr == MY_BINARY_CHARSET && !is_time_type(f->type))
        return cq_value_blob(s, len);
    return cq_value_text_n(s, len);
}

/* One result column of a prepared statement, bound by the kind of value it carries. */
typedef struct col {
    enum enum_field_types type; /* the server's column type */
    bool is_unsigned, binary;
    unsigned int decimals;
    int64_t i;
    double d;
    float f;
    MYSQL_TIME t;
    char *buf; /* strings, decimals, bits */
    unsigned long cap, length;
    my_bool is_null, error;
} col;

static void bind_column(MYSQL_BIND *b, col *c, const MYSQL_FIELD *f)
{
    memset(b, 0, sizeof *b);
    c->type = f->type;
    c->is_unsigned = (f->flags & UNSIGNED_FLAG) != 0;
    c->binary = f->charsetnr == MY_BINARY_CHARSET;
    c->decimals = f->decimals;
    b->is_null = &c->is_null;
    b->length = &c->length;
    b->error = &c->error;
    if (is_int_type(f->type)) {
        b->buffer_type = MYSQL_TYPE_LONGLONG;
        b->buffer = &c->i;
        b->is_unsigned = c->is_unsigned;
    } else if (f->type == MYSQL_TYPE_FLOAT) {
        b->buffer_type = MYSQL_TYPE_FLOAT;
        b->buffer = &c->f;
    } else if (f->type == MYSQL_TYPE_DOUBLE) {
        b->buffer_type = MYSQL_TYPE_DOUBLE;
        b->buffer = &c->d;
    } else if (is_time_type(f->type)) {
        b->buffer_type = f->type == MYSQL_TYPE_NEWDATE ? MYSQL_TYPE_DATE : f->type;
        b->buffer = &c->t;
    } else {
        /* strings, blobs, JSON, DECIMAL (as its exact text), BIT (as bytes) */
        b->buffer_type =
            c->binary || f->type == MYSQL_TYPE_BIT ? MYSQL_TYPE_BLOB : MYSQL_TYPE_STRING;
        b->buffer = c->buf;
        b->buffer_length = c->cap;
    }
}

static cq_value *column_value(const col *c)
{
    if (c->is_null)
        return cq_value_null();
    if (is_int_type(c->type)) {
        if (c->is_unsigned && (uint64_t)c->i > INT64_MAX)
            return cq_value_double((double)(uint64_t)c->i);
        return cq_value_int(c->i);
    }
    if (c->type == MYSQL_TYPE_FLOAT)
        return float_value(c->f);
    if (c->type == MYSQL_TYPE_DOUBLE)
        return cq_value_double(c->d);
    if (is_time_type(c->type))
        return time_text(&c->t, c->type, c->decimals);
    size_t n = c->length < c->cap ? c->length : c->cap;
    if (c->type == MYSQL_TYPE_BIT)
        return bit_value((const unsigned char *)c->buf, n);
    if (c->type == MYSQL_TYPE_DECIMAL || c->type == MYSQL_TYPE_NEWDECIMAL)
        return cq_value_text_n(c->buf ? c->buf : "", n); /* exact, even for MAX() */
    if (c->binary)
        return cq_value_blob(c->buf ? c->buf : "", n);
    return cq_value_text_n(c->buf ? c->buf : "", n);
}

/* One parameter bound from a value. `*owned` receives what must be freed after execute. */
typedef struct param {
    int64_t i;
    double d;
    unsigned long length;
} param;

static int bind_param(MYSQL_BIND *b, param *p, char **owned, const cq_value *v)
{
    memset(b, 0, sizeof *b);
    *owned = NULL;
    switch (cq_value_type_of(v)) {
    case CQ_VALUE_NULL:
        b->buffer_type = MYSQL_TYPE_NULL;
        return CQ_OK;
    case CQ_VALUE_BOOL:
        p->i = cq_value_as_bool(v) ? 1 : 0;
        b->buffer_type = MYSQL_TYPE_LONGLONG;
        b->buffer = &p->i;
        return CQ_OK;
    case CQ_VALUE_INT:
        p->i = cq_value_as_int(v);
        b->buffer_type = MYSQL_TYPE_LONGLONG;
        b->buffer = &p->i;
        return CQ_OK;
    case CQ_VALUE_DOUBLE:
        p->d = cq_value_as_double(v);
        b->buffer_type = MYSQL_TYPE_DOUBLE;
        b->buffer = &p->d;
        return CQ_OK;
    case CQ_VALUE_TEXT: {
        size_t len = 0;
        const char *s = cq_value_as_text(v);
        len = strlen(s);
        b->buffer_type = MYSQL_TYPE_STRING;
        b->buffer = (void *)s;
        p->length = (unsigned long)len;
        b->buffer_length = p->length;
        b->length = &p->length;
        return CQ_OK;
    }
    case CQ_VALUE_BLOB: {
        size_t len = 0;
        const void *data = cq_value_as_blob(v, &len);
        b->buffer_type = MYSQL_TYPE_BLOB;
        b->buffer = (void *)(data ? data : "");
        p->length = (unsigned long)len;
        b->buffer_length = p->length;
        b->length = &p->length;
        return CQ_OK;
    }
    default: /* arrays and objects travel as JSON text */
        if (cq_value_to_json(owned, v, 0) != CQ_OK || !*owned)
            return CQ_ENOMEM;
        b->buffer_type = MYSQL_TYPE_STRING;
        b->buffer = *owned;
        p->length = (unsigned long)strlen(*owned);
        b->buffer_length = p->length;
        b->length = &p->length;
        return CQ_OK;
    }
}

/* ---- results ------------------------------------------------------------------------- */

/* Sets the column count and names; the count only once the names' array exists, so that a
 * half-built result frees. */
static int set_colnames(cq__result *res, size_t ncols, const MYSQL_FIELD *fields, cq_error *err)
{
    res->ncols = 0;
    res->colnames = cq__calloc(ncols, sizeof(char *));
    if (!res->colnames)
        return cq__err_oom(err);
    res->ncols = ncols;
    for (size_t i = 0; i < res->ncols; i++)
        if (!(res->colnames[i] = cq__strndup(fields[i].name, fields[i].name_length)))
            return cq__err_oom(err);
    return CQ_OK;
}

/* Appends a row of `ncols` NULL cells and returns its first cell, or NULL on OOM. */
static cq_value **add_row(cq__result *res)
{
    if (cq__grow((void **)&res->cells, &res->cap, (res->nrows + 1) * res->ncols,
                 sizeof(cq_value *)) != 0)
        return NULL;
    cq_value **row = res->cells + res->nrows * res->ncols;
    for (size_t i = 0; i < res->ncols; i++)
        row[i] = NULL;
    res->nrows++; /* counted first, so cq__result_free sees every cell of a partial row */
    return row;
}

/* A value longer than max_length said (the fetch reported it truncated): column i read again
 * into a buffer that fits, and the buffer bound for the next rows. */
static int refetch_column(MYSQL_STMT *st, MYSQL_BIND *binds, col *cols, size_t i, cq_error *err)
{
    col *c = &cols[i];
    if (!c->error || c->is_null || c->length <= c->cap)
        return CQ_OK;
    char *nb = cq__realloc(c->buf, c->length + 1);
    if (!nb)
        return cq__err_oom(err);
    c->buf = nb;
    c->cap = c->length;
    MYSQL_BIND again = binds[i];
    again.buffer = c->buf;
    again.buffer_length = c->cap;
    if (mysql_stmt_fetch_column(st, &again, (unsigned int)i, 0) != 0)
        return stmt_error(st, err);
    binds[i].buffer = c->buf;
    binds[i].buffer_length = c->cap;
    if (mysql_stmt_bind_result(st, binds) != 0)
        return stmt_error(st, err);
    return CQ_OK;
}

/* The fetched row's values appended to the result. */
static int store_row(cq__result *res, const col *cols, cq_error *err)
{
    cq_value **row = add_row(res);
    if (!row)
        return cq__err_oom(err);
    for (size_t i = 0; i < res->ncols; i++)
        if (!(row[i] = column_value(&cols[i])))
            return cq__err_oom(err);
    return CQ_OK;
}

/* Reads the rows of a prepared statement that returned a result set. */
static int fetch_rows(MYSQL_STMT *st, MYSQL_RES *meta, cq__result *res, cq_error *err)
{
    my_bool update_max = 1;
    mysql_stmt_attr_set(st, STMT_ATTR_UPDATE_MAX_LENGTH, &update_max);
    if (mysql_stmt_store_result(st) != 0)
        return stmt_error(st, err);
    MYSQL_FIELD *fields = mysql_fetch_fields(meta);
    int rc = set_colnames(res, mysql_num_fields(meta), fields, err);
    if (rc != CQ_OK || !res->ncols)
        return rc;
    col *cols = cq__calloc(res->ncols, sizeof *cols);
    MYSQL_BIND *binds = cq__calloc(res->ncols, sizeof *binds);
    if (!cols || !binds) {
        rc = cq__err_oom(err);
        goto done;
    }
    for (size_t i = 0; i < res->ncols; i++) {
        /* max_length: the longest value of the stored result (STMT_ATTR_UPDATE_MAX_LENGTH) */
        unsigned long want = fields[i].max_length > 0 ? fields[i].max_length : 1;
        cols[i].cap = want;
        if (!(cols[i].buf = cq__malloc(want + 1))) {
            rc = cq__err_oom(err);
            goto done;
        }
        bind_column(&binds[i], &cols[i], &fields[i]);
    }
    if (mysql_stmt_bind_result(st, binds) != 0) {
        rc = stmt_error(st, err);
        goto done;
    }
    for (;;) {
        int f = mysql_stmt_fetch(st);
        if (f == MYSQL_NO_DATA)
            break;
        if (f == 1) {
            rc = stmt_error(st, err);
            goto done;
        }
        for (size_t i = 0; f == MYSQL_DATA_TRUNCATED && i < res->ncols; i++)
            if ((rc = refetch_column(st, binds, cols, i, err)) != CQ_OK)
                goto done;
        if ((rc = store_row(res, cols, err)) != CQ_OK)
            goto done;
    }
done:
    for (size_t i = 0; cols && i < res->ncols; i++)
        cq__free(cols[i].buf);
    cq__free(cols);
    cq__free(binds);
    return rc;
}

/* The text protocol, for a statement without parameters the server cannot prepare. */
static int exec_text(cq__conn *c, const char *sql, cq__result *res, cq_error *err)
{
    if (mysql_real_query(c->my, sql, (unsigned long)strlen(sql)) != 0)
        return conn_error(c, err);
    int rc = CQ_OK;
    do {
        MYSQL_RES *r = mysql_store_result(c->my);
        if (!r) {
            if (mysql_field_count(c->my) != 0)
                return conn_error(c, err);
            if (res && !res->ncols) {
                res->changes = (int64_t)mysql_affected_rows(c->my);
                res->last_insert_id = (int64_t)mysql_insert_id(c->my);
            }
        } else if (res && !res->ncols && rc == CQ_OK) {
            /* the first result set is the statement's result; later ones are drained */
            MYSQL_FIELD *fields = mysql_fetch_fields(r);
            rc = set_colnames(res, mysql_num_fields(r), fields, err);
            MYSQL_ROW row;
            while (rc == CQ_OK && (row = mysql_fetch_row(r)) != NULL) {
                unsigned long *lens = mysql_fetch_lengths(r);
                cq_value **cells = add_row(res);
                for (size_t i = 0; cells && i < res->ncols; i++)
                    if (!(cells[i] = text_value(&fields[i], row[i], lens[i])))
                        cells = NULL;
                if (!cells)
                    rc = cq__err_oom(err);
            }
            mysql_free_result(r);
        } else {
            mysql_free_result(r);
        }
    } while (mysql_next_result(c->my) == 0);
    if (rc == CQ_OK && mysql_errno(c->my))
        rc = conn_error(c, err);
    return rc;
}

/* After a failed statement: a lost connection is not used again, and one lost because the
 * answer did not come within the read timeout is reported as the timeout it is. */
static int after_error(cq__conn *c, int rc, uint64_t t0, cq_error *err)
{
    if (rc != CQ_ECONNECT)
        return rc;
    c->broken = true;
    if (c->read_timeout_s &&
        (cq__monotonic_ns() - t0) / 1000000u + 100 >= (uint64_t)c->read_timeout_s * 1000u) {
        int no = err ? err->driver_code : 0;
        cq__err_set(err, CQ_ETIMEOUT,
                    "MySQL did not answer within %u s (statement_timeout %u ms); the connection "
                    "is closed",
                    c->read_timeout_s, (unsigned)c->statement_timeout_ms);
        if (err)
            err->driver_code = no;
        return CQ_ETIMEOUT;
    }
    return rc;
}

static int my_exec_once(cq__conn *c, const char *sql, const cq_value *const *params,
                        size_t n_params, cq__result *res, cq_error *err);

static int my_exec(cq__conn *c, const char *sql, const cq_value *const *params, size_t n_params,
                   cq__result *res, cq_error *err)
{
    uint64_t t0 = cq__monotonic_ns();
    int rc = my_exec_once(c, sql, params, n_params, res, err);
    return rc == CQ_OK ? rc : after_error(c, rc, t0, err);
}

/* The statement for `sql`: kept from an earlier use (*kept; the server re-prepares it itself
 * when a table changed) or prepared now (and kept when it is DML). A statement the server
 * cannot prepare runs as text instead, into res: *out stays NULL then. After a failure *out
 * (when set) is for the caller to close. */
static int my_prepare(MYSQL_STMT **out, bool *kept, cq__conn *c, const char *sql, size_t n_params,
                      cq__result *res, cq_error *err)
{
    MYSQL_STMT *st = *out = cq__prep_is_dml(sql) ? cq__prep_get(&c->prep, sql) : NULL;
    *kept = st != NULL;
    if (st)
        return CQ_OK;
    st = mysql_stmt_init(c->my);
    if (!st)
        return cq__err_oom(err);
    if (mysql_stmt_prepare(st, sql, (unsigned long)strlen(sql)) != 0) {
        if (mysql_stmt_errno(st) == MY_ER_UNSUPPORTED_PS && n_params == 0) {
            mysql_stmt_close(st);
            return exec_text(c, sql, res, err);
        }
        *out = st;
        return stmt_error(st, err);
    }
    *out = st;
    if (cq__prep_is_dml(sql))
        stmt_close(cq__prep_put(&c->prep, sql, st, kept));
    return CQ_OK;
}

/* The bound parameters of one execution (freed after the statement is put away). */
typedef struct my_binds {
    MYSQL_BIND *binds;
    param *vals;
    char **owned;
    size_t n;
} my_binds;

static void binds_free(my_binds *b)
{
    for (size_t i = 0; b->owned && i < b->n; i++)
        cq__free(b->owned[i]);
    cq__free(b->owned);
    cq__free(b->vals);
    cq__free(b->binds);
}

static int bind_all(my_binds *b, MYSQL_STMT *st, const cq_value *const *params, cq_error *err)
{
    b->binds = cq__calloc(b->n, sizeof *b->binds);
    b->vals = cq__calloc(b->n, sizeof *b->vals);
    b->owned = cq__calloc(b->n, sizeof *b->owned);
    if (!b->binds || !b->vals || !b->owned)
        return cq__err_oom(err);
    for (size_t i = 0; i < b->n; i++)
        if (bind_param(&b->binds[i], &b->vals[i], &b->owned[i], params[i]) != CQ_OK)
            return cq__err_oom(err);
    return mysql_stmt_bind_param(st, b->binds) != 0 ? stmt_error(st, err) : CQ_OK;
}

/* Executes a prepared statement with its parameters and reads what it returns. */
static int my_run(MYSQL_STMT *st, my_binds *b, const cq_value *const *params, cq__result *res,
                  cq_error *err)
{
    if (mysql_stmt_param_count(st) != b->n)
        return cq__err_set(err, CQ_EINVALID, "statement has %lu placeholders but %zu parameters",
                           mysql_stmt_param_count(st), b->n);
    int rc = b->n ? bind_all(b, st, params, err) : CQ_OK;
    if (rc != CQ_OK)
        return rc;
    if (mysql_stmt_execute(st) != 0)
        return stmt_error(st, err);
    MYSQL_RES *meta = mysql_stmt_result_metadata(st);
    if (meta) {
        rc = fetch_rows(st, meta, res, err);
        mysql_free_result(meta);
    } else if (mysql_stmt_errno(st)) {
        rc = stmt_error(st, err);
    } else {
        my_ulonglong n = mysql_stmt_affected_rows(st);
        res->changes = n == (my_ulonglong)-1 ? 0 : (int64_t)n;
        res->last_insert_id = (int64_t)mysql_stmt_insert_id(st);
    }
    return rc;
}

static int my_exec_once(cq__conn *c, const char *sql, const cq_value *const *params,
                        size_t n_params, cq__result *res, cq_error *err)
{
    cq__result scratch = { 0 };
    if (!res)
        res = &scratch;
    memset(res, 0, sizeof *res);
    my_binds b = { .n = n_params };
    bool kept = false;
    MYSQL_STMT *st = NULL;
    int rc = my_prepare(&st, &kept, c, sql, n_params, res, err);
    if (rc == CQ_OK && st)
        rc = my_run(st, &b, params, res, err);
    if (st && kept && rc == CQ_OK) {
        mysql_stmt_free_result(st); /* ready for the next use */
    } else if (st) {
        if (kept) /* after an error the statement is not trusted again */
            cq__prep_remove(&c->prep, st);
        mysql_stmt_close(st);
    }
    if (cq__prep_is_ddl(sql))
        cq__prep_clear(&c->prep, stmt_close);
    binds_free(&b);
    if (rc != CQ_OK || res == &scratch)
        cq__result_free(res);
    return rc;
}

const cq__driver cq__driver_mysql = {
    .dialect = CQ_DIALECT_MYSQL,
    .name = "mysql",
    .connect = my_connect,
    .close = my_close,
    .alive = my_alive,
    .exec = my_exec,
};
