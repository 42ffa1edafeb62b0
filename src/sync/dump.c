/*
 * Canonical dump of a database and the golden document of the conformance suite.
 *
 * This is a value-for-value port of the Sequelize v6 oracle's dump.js and normalize.js
 * (shared/conformance), so that what cequel leaves in a database can be compared byte for
 * byte with goldens recorded from Sequelize. Where the oracle relies on a JavaScript rule
 * (Number#toString, string order by UTF-16 code units, integer-like keys enumerated first,
 * stable Array#sort), the rule is reproduced here and named in a comment.
 *
 * Introspection goes through cq_db_query() only, with the catalogue queries of src/sql
 * (catalog.c); each dialect supplies the column naming its tables and a function reading one
 * table raw (PostgreSQL and MySQL share the column reader, with their catalogue differences as
 * a callback), and everything after that is shared.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cequel/dump.h"
#include "cequel/query.h"
#include "core/error.h"
#include "core/util.h"
#include "core/value_internal.h"
#include "model/model.h"
#include "sql/sql.h"

#define TIMESTAMP_MARKER "<timestamp>"

static const char *const timestamp_columns[] = { "createdAt",  "updatedAt", "created_at",
                                                 "updated_at", "deletedAt", "deleted_at" };

static bool is_timestamp_column(const char *name)
{
    for (size_t i = 0; i < sizeof timestamp_columns / sizeof *timestamp_columns; i++)
        if (strcmp(name, timestamp_columns[i]) == 0)
            return true;
    return false;
}

/* ---- JavaScript strings ----------------------------------------------------------------- */

/* Next code point of UTF-8 text ending at `end` (advances *ps); a malformed byte reads as
 * U+FFFD. */
static uint32_t utf8_next(const char **ps, const char *end)
{
    const unsigned char *s = (const unsigned char *)*ps;
    size_t avail = (size_t)(end - *ps);
    uint32_t c = s[0];
    int n;
    if (c < 0x80)
        n = 0;
    else if ((c & 0xE0) == 0xC0)
        c &= 0x1F, n = 1;
    else if ((c & 0xF0) == 0xE0)
        c &= 0x0F, n = 2;
    else if ((c & 0xF8) == 0xF0)
        c &= 0x07, n = 3;
    else {
        *ps += 1;
        return 0xFFFD;
    }
    for (int i = 1; i <= n; i++) {
        if ((size_t)i >= avail || (s[i] & 0xC0) != 0x80) {
            *ps += 1;
            return 0xFFFD;
        }
        c = (c << 6) | (s[i] & 0x3F);
    }
    *ps += 1 + n;
    return c;
}

/* JavaScript compares strings by UTF-16 code units, which differs from code point (and
 * UTF-8 byte) order for characters above U+FFFF against U+E000..U+FFFF. */
static int utf16_cmp_n(const char *a, size_t an, const char *b, size_t bn)
{
    const char *ae = a + an, *be = b + bn;
    while (a < ae && b < be) {
        uint32_t ca = utf8_next(&a, ae), cb = utf8_next(&b, be);
        if (ca == cb)
            continue;
        uint32_t ua = ca >= 0x10000 ? 0xD800 + ((ca - 0x10000) >> 10) : ca;
        uint32_t ub = cb >= 0x10000 ? 0xD800 + ((cb - 0x10000) >> 10) : cb;
        if (ua != ub)
            return ua < ub ? -1 : 1;
        return ca < cb ? -1 : 1;
    }
    return (a < ae) - (b < be);
}

static int utf16_cmp(const char *a, const char *b)
{
    return utf16_cmp_n(a, strlen(a), b, strlen(b));
}

/* String#length: UTF-16 code units. */
static size_t utf16_len(const char *s, size_t n)
{
    const char *end = s + n;
    size_t len = 0;
    while (s < end) {
        uint32_t c = utf8_next(&s, end);
        len += c >= 0x10000 ? 2 : 1;
    }
    return len;
}

/* An array index ("0", "17", at most 2^32 - 2): JavaScript enumerates such keys first, in
 * numeric order, whatever the insertion order. */
static bool is_index_key(const char *k, unsigned long long *num)
{
    if (!*k || (k[0] == '0' && k[1]) || strlen(k) > 10)
        return false;
    unsigned long long v = 0;
    for (const char *p = k; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (unsigned long long)(*p - '0');
    }
    if (v > 4294967294ULL)
        return false;
    *num = v;
    return true;
}

/* Key order of an object built by sortKeysDeep(): integer-like keys first, numerically,
 * then the others in Array#sort order. */
static int js_key_cmp(const char *a, const char *b)
{
    unsigned long long na = 0, nb = 0;
    bool ia = is_index_key(a, &na), ib = is_index_key(b, &nb);
    if (ia && ib)
        return na < nb ? -1 : na > nb;
    if (ia != ib)
        return ia ? -1 : 1;
    return utf16_cmp(a, b);
}

static bool is_js_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* String#trim (ASCII whitespace) into a new string. */
static char *trim_dup(const char *s)
{
    while (is_js_space(*s))
        s++;
    size_t n = strlen(s);
    while (n && is_js_space(s[n - 1]))
        n--;
    return cq__strndup(s, n);
}

/* ---- JavaScript numbers ----------------------------------------------------------------- */

/* Number#toString for a finite double: the shortest digits that read back as `d`, in fixed
 * notation when the decimal exponent is in [-7, 21), else as 1.5e+21 / 1e-7. */
static void js_number(char out[40], double d)
{
    if (d == 0) {
        strcpy(out, "0");
        return;
    }
    char buf[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*e", prec - 1, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    char digits[24];
    size_t k = 0;
    const char *p = buf;
    bool neg = *p == '-';
    if (neg)
        p++;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9' && k < sizeof digits - 1)
            digits[k++] = *p;
    digits[k] = '\0';
    while (k > 1 && digits[k - 1] == '0')
        digits[--k] = '\0';
    int e = *p == 'e' ? atoi(p + 1) : 0;
    int n = e + 1;
    char *o = out;
    if (neg)
        *o++ = '-';
    if ((int)k <= n && n <= 21) {
        memcpy(o, digits, k);
        o += k;
        for (int i = (int)k; i < n; i++)
            *o++ = '0';
    } else if (0 < n && n <= 21) {
        memcpy(o, digits, (size_t)n);
        o += n;
        *o++ = '.';
        memcpy(o, digits + n, k - (size_t)n);
        o += k - (size_t)n;
    } else if (-6 < n && n <= 0) {
        *o++ = '0';
        *o++ = '.';
        for (int i = 0; i < -n; i++)
            *o++ = '0';
        memcpy(o, digits, k);
        o += k;
    } else {
        *o++ = digits[0];
        if (k > 1) {
            *o++ = '.';
            memcpy(o, digits + 1, k - 1);
            o += k - 1;
        }
        o += sprintf(o, "e%c%d", n - 1 >= 0 ? '+' : '-', abs(n - 1));
    }
    *o = '\0';
}

/* JavaScript numbers are doubles: integers beyond 2^53 print as the double they become. */
static void js_int(char out[40], int64_t i)
{
    if (i > 9007199254740992LL || i < -9007199254740992LL)
        js_number(out, (double)i);
    else
        snprintf(out, 40, "%lld", (long long)i);
}

/* Number(string): StringToNumber for the decimal, Infinity and 0x/0o/0b forms. */
static bool js_to_number(const char *s, double *out)
{
    char *t = trim_dup(s);
    if (!t)
        return false;
    bool ok = false;
    const char *p = t;
    if (!*p) {
        *out = 0;
        ok = true;
    } else if (strcmp(p, "Infinity") == 0 || strcmp(p, "+Infinity") == 0) {
        *out = INFINITY;
        ok = true;
    } else if (strcmp(p, "-Infinity") == 0) {
        *out = -INFINITY;
        ok = true;
    } else if (p[0] == '0' && strchr("xXoObB", p[1]) && p[1]) {
        int base = (p[1] == 'x' || p[1] == 'X') ? 16 : (p[1] == 'o' || p[1] == 'O') ? 8 : 2;
        double v = 0;
        const char *q = p + 2;
        ok = *q != '\0';
        for (; *q && ok; q++) {
            int dv = (*q >= '0' && *q <= '9')   ? *q - '0'
                     : (*q >= 'a' && *q <= 'f') ? *q - 'a' + 10
                     : (*q >= 'A' && *q <= 'F') ? *q - 'A' + 10
                                                : 99;
            if (dv >= base)
                ok = false;
            v = v * base + dv;
        }
        *out = v;
    } else {
        const char *q = p;
        if (*q == '+' || *q == '-')
            q++;
        size_t int_digits = 0, frac_digits = 0;
        while (*q >= '0' && *q <= '9')
            q++, int_digits++;
        if (*q == '.') {
            q++;
            while (*q >= '0' && *q <= '9')
                q++, frac_digits++;
        }
        ok = int_digits + frac_digits > 0;
        if (ok && (*q == 'e' || *q == 'E')) {
            q++;
            if (*q == '+' || *q == '-')
                q++;
            ok = *q >= '0' && *q <= '9';
            while (*q >= '0' && *q <= '9')
                q++;
        }
        ok = ok && *q == '\0';
        if (ok)
            *out = strtod(p, NULL);
    }
    free(t);
    return ok;
}

/* A number value: an int when the text is an integer that fits, else a double. */
static cq_value *number_value(const char *s)
{
    char *end = NULL;
    errno = 0;
    long long i = strtoll(s, &end, 10);
    if (errno == 0 && end && *end == '\0' && *s)
        return cq_value_int(i);
    double d = 0;
    js_to_number(s, &d);
    return cq_value_double(d);
}

/* ---- JSON.stringify --------------------------------------------------------------------- */

static void js_quote(cq__buf *b, const char *s, size_t n)
{
    cq__buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"':
            cq__buf_put(b, "\\\"");
            break;
        case '\\':
            cq__buf_put(b, "\\\\");
            break;
        case '\b':
            cq__buf_put(b, "\\b");
            break;
        case '\f':
            cq__buf_put(b, "\\f");
            break;
        case '\n':
            cq__buf_put(b, "\\n");
            break;
        case '\r':
            cq__buf_put(b, "\\r");
            break;
        case '\t':
            cq__buf_put(b, "\\t");
            break;
        default:
            if (c < 0x20)
                cq__buf_printf(b, "\\u%04x", c);
            else
                cq__buf_putc(b, (char)c);
        }
    }
    cq__buf_putc(b, '"');
}

/* JSON.stringify(v) with keys in the order `v` holds them. Blobs render as Node's
 * Buffer#toJSON, non-finite numbers as null. */
static void js_stringify(cq__buf *b, const cq_value *v)
{
    char num[40];
    switch (cq_value_type_of(v)) {
    case CQ_VALUE_NULL:
        cq__buf_put(b, "null");
        break;
    case CQ_VALUE_BOOL:
        cq__buf_put(b, v->u.b ? "true" : "false");
        break;
    case CQ_VALUE_INT:
        js_int(num, v->u.i);
        cq__buf_put(b, num);
        break;
    case CQ_VALUE_DOUBLE:
        if (!isfinite(v->u.d)) {
            cq__buf_put(b, "null");
            break;
        }
        js_number(num, v->u.d);
        cq__buf_put(b, num);
        break;
    case CQ_VALUE_TEXT:
        js_quote(b, v->u.s.data, v->u.s.len);
        break;
    case CQ_VALUE_BLOB:
        cq__buf_put(b, "{\"type\":\"Buffer\",\"data\":[");
        for (size_t i = 0; i < v->u.s.len; i++)
            cq__buf_printf(b, "%s%u", i ? "," : "", (unsigned)(unsigned char)v->u.s.data[i]);
        cq__buf_put(b, "]}");
        break;
    case CQ_VALUE_ARRAY:
        cq__buf_putc(b, '[');
        for (size_t i = 0; i < v->u.a.n; i++) {
            if (i)
                cq__buf_putc(b, ',');
            js_stringify(b, v->u.a.items[i]);
        }
        cq__buf_putc(b, ']');
        break;
    case CQ_VALUE_OBJECT:
        cq__buf_putc(b, '{');
        for (size_t i = 0; i < v->u.a.n; i++) {
            if (i)
                cq__buf_putc(b, ',');
            js_quote(b, v->u.a.keys[i], strlen(v->u.a.keys[i]));
            cq__buf_putc(b, ':');
            js_stringify(b, v->u.a.items[i]);
        }
        cq__buf_putc(b, '}');
        break;
    }
}

/* typeof x === 'object' && x !== null (a Buffer is an object too). */
static bool is_js_object(const cq_value *v)
{
    cq_value_type t = cq_value_type_of(v);
    return t == CQ_VALUE_ARRAY || t == CQ_VALUE_OBJECT || t == CQ_VALUE_BLOB;
}

static void put_indent(cq__buf *b, int depth)
{
    for (int i = 0; i < depth; i++)
        cq__buf_put(b, "  ");
}

/* dump.js stringify(): one line when short, else one member per line. */
static void golden_render(cq__buf *b, const cq_value *v, int depth)
{
    cq__buf flat = { 0 };
    js_stringify(&flat, v);
    if (flat.oom) {
        b->oom = true;
        cq__buf_free(&flat);
        return;
    }
    cq_value_type t = cq_value_type_of(v);
    bool container = t == CQ_VALUE_ARRAY || t == CQ_VALUE_OBJECT;
    if (container) {
        bool leaf = true;
        for (size_t i = 0; leaf && i < v->u.a.n; i++) {
            const cq_value *x = v->u.a.items[i];
            if (!is_js_object(x))
                continue;
            if (cq_value_type_of(x) != CQ_VALUE_ARRAY) {
                leaf = false;
                break;
            }
            for (size_t j = 0; j < x->u.a.n; j++)
                if (is_js_object(x->u.a.items[j]))
                    leaf = false;
        }
        size_t len = utf16_len(flat.data, flat.len);
        if (len <= 80 || (leaf && len <= 200) || v->u.a.n == 0)
            container = false;
    }
    if (!container) {
        cq__buf_putn(b, flat.data, flat.len);
        cq__buf_free(&flat);
        return;
    }
    cq__buf_free(&flat);
    bool obj = t == CQ_VALUE_OBJECT;
    cq__buf_put(b, obj ? "{\n" : "[\n");
    for (size_t i = 0; i < v->u.a.n; i++) {
        put_indent(b, depth + 1);
        if (obj) {
            js_quote(b, v->u.a.keys[i], strlen(v->u.a.keys[i]));
            cq__buf_put(b, ": ");
        }
        golden_render(b, v->u.a.items[i], depth + 1);
        cq__buf_put(b, i + 1 < v->u.a.n ? ",\n" : "\n");
    }
    put_indent(b, depth);
    cq__buf_putc(b, obj ? '}' : ']');
}

int cq_golden_to_json(char **out, const cq_value *v)
{
    *out = NULL;
    cq__buf b = { 0 };
    golden_render(&b, v, 0);
    cq__buf_putc(&b, '\n');
    if (b.oom) {
        cq__buf_free(&b);
        return CQ_ENOMEM;
    }
    *out = cq__buf_take(&b);
    return *out ? CQ_OK : CQ_ENOMEM;
}

/* ---- ordering ----------------------------------------------------------------------------- */

static int type_rank(const cq_value *v)
{
    switch (cq_value_type_of(v)) {
    case CQ_VALUE_NULL:
        return 0;
    case CQ_VALUE_BOOL:
        return 1;
    case CQ_VALUE_INT:
    case CQ_VALUE_DOUBLE:
        return 2;
    case CQ_VALUE_TEXT:
        return 3;
    default:
        return 4;
    }
}

/* dump.js compareValues(): null < booleans < numbers < strings < anything else (compared
 * by JSON text). A NULL pointer is `undefined`, ranked with null. */
static int compare_values(const cq_value *a, const cq_value *b)
{
    int ra = type_rank(a), rb = type_rank(b);
    if (ra != rb)
        return ra - rb;
    switch (ra) {
    case 0:
        return 0;
    case 1:
        return (int)a->u.b - (int)b->u.b;
    case 2:
        if (a->type == CQ_VALUE_INT && b->type == CQ_VALUE_INT)
            return a->u.i < b->u.i ? -1 : a->u.i > b->u.i;
        {
            double x = cq_value_as_double(a), y = cq_value_as_double(b);
            return x < y ? -1 : x > y;
        }
    case 3:
        return utf16_cmp_n(a->u.s.data, a->u.s.len, b->u.s.data, b->u.s.len);
    default: {
        cq__buf ja = { 0 }, jb = { 0 };
        js_stringify(&ja, a);
        js_stringify(&jb, b);
        int c = (ja.data && jb.data) ? utf16_cmp_n(ja.data, ja.len, jb.data, jb.len) : 0;
        cq__buf_free(&ja);
        cq__buf_free(&jb);
        return c;
    }
    }
}

static int compare_lists(const cq_value *const *a, size_t na, const cq_value *const *b, size_t nb)
{
    for (size_t i = 0; i < na && i < nb; i++) {
        int c = compare_values(a[i], b[i]);
        if (c)
            return c;
    }
    return na < nb ? -1 : na > nb;
}

static int compare_arrays(const cq_value *a, const cq_value *b)
{
    return compare_lists((const cq_value *const *)a->u.a.items, a->u.a.n,
                         (const cq_value *const *)b->u.a.items, b->u.a.n);
}

typedef int (*cmp_fn)(const void *a, const void *b, void *ctx);

static void merge_sort(void **a, void **tmp, size_t n, cmp_fn cmp, void *ctx)
{
    if (n < 2)
        return;
    size_t h = n / 2;
    merge_sort(a, tmp, h, cmp, ctx);
    merge_sort(a + h, tmp, n - h, cmp, ctx);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = cmp(a[j], a[i], ctx) < 0 ? a[j++] : a[i++];
    while (i < h)
        tmp[k++] = a[i++];
    while (j < n)
        tmp[k++] = a[j++];
    memcpy(a, tmp, n * sizeof *a);
}

/* A stable sort, as Array#sort is since ES2019. */
static int stable_sort(void **items, size_t n, cmp_fn cmp, void *ctx)
{
    if (n < 2)
        return CQ_OK;
    void **tmp = malloc(n * sizeof *tmp);
    if (!tmp)
        return CQ_ENOMEM;
    merge_sort(items, tmp, n, cmp, ctx);
    free(tmp);
    return CQ_OK;
}

static int cmp_array_values(const void *a, const void *b, void *ctx)
{
    (void)ctx;
    return compare_arrays(a, b);
}

/* Sorts the elements of array `arr` in place. */
static int sort_array(cq_value *arr, cmp_fn cmp, void *ctx)
{
    return stable_sort((void **)arr->u.a.items, arr->u.a.n, cmp, ctx);
}

/* sortKeysDeep(), in place: every object's keys in JavaScript enumeration order. Objects
 * are small, so an insertion sort (stable) keeps keys and values in step simply. */
static void sort_keys_deep(cq_value *v)
{
    cq_value_type t = cq_value_type_of(v);
    if (t != CQ_VALUE_ARRAY && t != CQ_VALUE_OBJECT)
        return;
    for (size_t i = 0; i < v->u.a.n; i++)
        sort_keys_deep(v->u.a.items[i]);
    if (t != CQ_VALUE_OBJECT)
        return;
    for (size_t i = 1; i < v->u.a.n; i++) {
        char *k = v->u.a.keys[i];
        cq_value *item = v->u.a.items[i];
        size_t j = i;
        while (j > 0 && js_key_cmp(v->u.a.keys[j - 1], k) > 0) {
            v->u.a.keys[j] = v->u.a.keys[j - 1];
            v->u.a.items[j] = v->u.a.items[j - 1];
            j--;
        }
        v->u.a.keys[j] = k;
        v->u.a.items[j] = item;
    }
}

/* ---- column families and value normalization ---------------------------------------------- */

typedef enum family {
    FAM_INTEGER,
    FAM_TEXT,
    FAM_REAL,
    FAM_BOOLEAN,
    FAM_DATETIME,
    FAM_BLOB,
    FAM_UUID,
    FAM_JSON,
    FAM_OTHER
} family;

static const char *const family_names[] = { "integer", "text", "real", "boolean", "datetime",
                                            "blob",    "uuid", "json", "other" };

static family family_of(const char *name)
{
    for (size_t i = 0; i < sizeof family_names / sizeof *family_names; i++)
        if (name && strcmp(name, family_names[i]) == 0)
            return (family)i;
    return FAM_OTHER;
}

static bool is_word_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* dump.js sqliteFamily(): the family of a declared SQLite column type. */
static family sqlite_family(const char *declared)
{
    char *t = trim_dup(declared ? declared : "");
    if (!t)
        return FAM_OTHER;
    for (char *p = t; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    family f = FAM_OTHER;
    const char *p = t;
    bool tinyint1 = false;
    if (strncmp(p, "TINYINT", 7) == 0) {
        p += 7;
        while (is_js_space(*p))
            p++;
        if (*p == '(') {
            p++;
            while (is_js_space(*p))
                p++;
            if (*p == '1') {
                p++;
                while (is_js_space(*p))
                    p++;
                tinyint1 = p[0] == ')' && p[1] == '\0';
            }
        }
    }
    static const char *const dt[] = { "DATETIME", "DATE", "TIMESTAMP", "TIME" };
    bool datetime = false;
    for (size_t i = 0; i < 4; i++) {
        size_t n = strlen(dt[i]);
        if (strncmp(t, dt[i], n) == 0 && !is_word_char(t[n]))
            datetime = true;
    }
    if (*t == '\0')
        f = FAM_OTHER;
    else if (tinyint1 || strcmp(t, "BOOL") == 0 || strcmp(t, "BOOLEAN") == 0)
        f = FAM_BOOLEAN;
    else if (strncmp(t, "UUID", 4) == 0)
        f = FAM_UUID;
    else if (strcmp(t, "JSON") == 0 || strcmp(t, "JSONB") == 0)
        f = FAM_JSON;
    else if (datetime)
        f = FAM_DATETIME;
    else if (strstr(t, "INT"))
        f = FAM_INTEGER;
    else if (strstr(t, "CHAR") || strstr(t, "CLOB") || strstr(t, "TEXT") || strstr(t, "ENUM"))
        f = FAM_TEXT; /* CITEXT contains TEXT */
    else if (strstr(t, "BLOB") || strstr(t, "BINARY"))
        f = FAM_BLOB;
    else if (strstr(t, "REAL") || strstr(t, "FLOA") || strstr(t, "DOUB") || strstr(t, "DECIMAL") ||
             strstr(t, "NUMERIC"))
        f = FAM_REAL;
    free(t);
    return f;
}

static void put_utf8(cq__buf *b, uint32_t c)
{
    char o[4];
    size_t n;
    if (c < 0x80)
        o[0] = (char)c, n = 1;
    else if (c < 0x800)
        o[0] = (char)(0xC0 | (c >> 6)), o[1] = (char)(0x80 | (c & 0x3F)), n = 2;
    else if (c < 0x10000)
        o[0] = (char)(0xE0 | (c >> 12)), o[1] = (char)(0x80 | ((c >> 6) & 0x3F)),
        o[2] = (char)(0x80 | (c & 0x3F)), n = 3;
    else
        o[0] = (char)(0xF0 | (c >> 18)), o[1] = (char)(0x80 | ((c >> 12) & 0x3F)),
        o[2] = (char)(0x80 | ((c >> 6) & 0x3F)), o[3] = (char)(0x80 | (c & 0x3F)), n = 4;
    cq__buf_putn(b, o, n);
}

/* Buffer#toString(): the bytes decoded as UTF-8 the WHATWG way (each maximal invalid
 * subpart becomes U+FFFD). NUL bytes stay, so the text is returned with its length. */
static cq_value *buffer_to_text(const cq_value *v)
{
    const unsigned char *s = (const unsigned char *)v->u.s.data;
    size_t n = v->u.s.len, i = 0;
    cq__buf b = { 0 };
    cq__buf_putn(&b, "", 0);
    while (i < n) {
        unsigned c = s[i];
        int need;
        unsigned lo = 0x80, hi = 0xBF;
        if (c < 0x80) {
            cq__buf_putc(&b, (char)c);
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            need = 1, c &= 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
            need = 2, c &= 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
            need = 3, c &= 0x07;
        } else {
            put_utf8(&b, 0xFFFD);
            i++;
            continue;
        }
        size_t j = i + 1;
        bool ok = true;
        for (int k = 0; k < need; k++, j++) {
            if (j >= n || s[j] < lo || s[j] > hi) {
                ok = false;
                break;
            }
            c = (c << 6) | (s[j] & 0x3F);
            lo = 0x80, hi = 0xBF;
        }
        put_utf8(&b, ok ? c : 0xFFFD);
        i = j;
    }
    if (b.oom) {
        cq__buf_free(&b);
        return NULL;
    }
    cq_value *t = cq_value_text_n(b.data, b.len);
    cq__buf_free(&b);
    return t;
}

/* String#toLowerCase() for the scripts whose letters keep their UTF-8 length: ASCII,
 * Latin-1, Latin Extended-A, Greek and Cyrillic capitals. In place. */
static void js_lower(char *s, size_t n)
{
    char *end = s + n;
    while (s < end) {
        char *at = s;
        uint32_t c = utf8_next((const char **)&s, end);
        uint32_t l = c;
        if (c >= 'A' && c <= 'Z')
            l = c + 32;
        else if ((c >= 0xC0 && c <= 0xDE && c != 0xD7) ||
                 (c >= 0x391 && c <= 0x3AB && c != 0x3A2) || (c >= 0x410 && c <= 0x42F))
            l = c + 32;
        else if (c >= 0x400 && c <= 0x40F)
            l = c + 80;
        else if (c == 0x178)
            l = 0xFF;
        else if ((c >= 0x100 && c <= 0x12F) || (c >= 0x132 && c <= 0x137) ||
                 (c >= 0x14A && c <= 0x177))
            l = c | 1;
        else if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
            l = (c & 1) ? c + 1 : c;
        if (l == c)
            continue;
        if (l < 0x80) {
            *at = (char)l;
        } else {
            at[0] = (char)(0xC0 | (l >> 6));
            at[1] = (char)(0x80 | (l & 0x3F));
        }
    }
}

static cq_value *text_take(char *s);

/* String(v) for a scalar. */
static char *js_string_of(const cq_value *v)
{
    char num[40];
    switch (cq_value_type_of(v)) {
    case CQ_VALUE_NULL:
        return cq__strdup("null");
    case CQ_VALUE_BOOL:
        return cq__strdup(v->u.b ? "true" : "false");
    case CQ_VALUE_INT:
        js_int(num, v->u.i);
        return cq__strdup(num);
    case CQ_VALUE_DOUBLE:
        if (isnan(v->u.d))
            return cq__strdup("NaN");
        if (isinf(v->u.d))
            return cq__strdup(v->u.d > 0 ? "Infinity" : "-Infinity");
        js_number(num, v->u.d);
        return cq__strdup(num);
    case CQ_VALUE_TEXT:
        return cq__strndup(v->u.s.data, strlen(v->u.s.data));
    case CQ_VALUE_BLOB: {
        cq_value *t = buffer_to_text(v);
        char *s = t ? cq__strdup(t->u.s.data) : NULL;
        cq_value_free(t);
        return s;
    }
    default: {
        cq__buf b = { 0 };
        js_stringify(&b, v);
        return cq__buf_take(&b);
    }
    }
}

static cq_value *js_string_value(const cq_value *v)
{
    if (cq_value_type_of(v) == CQ_VALUE_TEXT)
        return cq_value_copy(v);
    if (cq_value_type_of(v) == CQ_VALUE_BLOB)
        return buffer_to_text(v);
    return text_take(js_string_of(v));
}

static const char *parse_digits(const char *p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return NULL;
        v = v * 10 + (p[i] - '0');
    }
    *out = v;
    return p + n;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static long long days_from_civil(long long y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long long z, long long *y, int *m, int *d)
{
    z += 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* dump.js normalizeDateString(): "YYYY-MM-DD" as is; a date-time with an optional offset
 * as Date#toISOString() in UTC; anything else trimmed and unchanged. */
static char *normalize_date(const char *in)
{
    char *s = trim_dup(in);
    if (!s)
        return NULL;
    int y, mo, d, h, mi, sec = 0, ms = 0, oh = 0, om = 0, osign = 1;
    const char *p = s;
    if (!(p = parse_digits(p, 4, &y)) || *p++ != '-' || !(p = parse_digits(p, 2, &mo)) ||
        *p++ != '-' || !(p = parse_digits(p, 2, &d)))
        return s;
    if (*p == '\0')
        return s; /* DATEONLY */
    if ((*p != ' ' && *p != 'T') || !(p = parse_digits(p + 1, 2, &h)) || *p++ != ':' ||
        !(p = parse_digits(p, 2, &mi)))
        return s;
    if (*p == ':' && p[1] >= '0' && p[1] <= '9' && p[2] >= '0' && p[2] <= '9') {
        p = parse_digits(p + 1, 2, &sec);
        if (*p == '.' && p[1] >= '0' && p[1] <= '9') {
            /* V8 keeps milliseconds and drops further digits */
            int nd = 0;
            for (p++; *p >= '0' && *p <= '9'; p++, nd++)
                if (nd < 3)
                    ms = ms * 10 + (*p - '0');
            for (; nd < 3; nd++)
                ms *= 10;
        }
    }
    while (is_js_space(*p))
        p++;
    if (*p == 'Z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        osign = *p == '-' ? -1 : 1;
        if (!(p = parse_digits(p + 1, 2, &oh)))
            return s;
        const char *q = *p == ':' ? p + 1 : p;
        if (q[0] >= '0' && q[0] <= '9' && q[1] >= '0' && q[1] <= '9')
            p = parse_digits(q, 2, &om);
    }
    if (*p != '\0')
        return s;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || sec > 59 || oh > 23 ||
        om > 59 || (h == 24 && (mi || sec || ms)))
        return s;
    long long t = ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60 + sec;
    t = t * 1000 + ms - (long long)osign * (oh * 60 + om) * 60000;
    long long days = t >= 0 ? t / 86400000 : -((-t + 86399999) / 86400000);
    long long rem = t - days * 86400000;
    long long yy;
    int m2, d2;
    civil_from_days(days, &yy, &m2, &d2);
    char buf[128];
    char year[32];
    if (yy >= 0 && yy <= 9999)
        snprintf(year, sizeof year, "%04lld", yy);
    else
        snprintf(year, sizeof year, "%c%06lld", yy < 0 ? '-' : '+', yy < 0 ? -yy : yy);
    snprintf(buf, sizeof buf, "%s-%02d-%02dT%02lld:%02lld:%02lld.%03lldZ", year, m2, d2,
             rem / 3600000, rem / 60000 % 60, rem / 1000 % 60, rem % 1000);
    free(s);
    return cq__strdup(buf);
}

static cq_value *text_take(char *s)
{
    if (!s)
        return NULL;
    cq_value *v = cq_value_text(s);
    free(s);
    return v;
}

static bool is_numeric_text(const char *s, bool allow_fraction)
{
    const char *p = s;
    if (*p == '-')
        p++;
    if (!(*p >= '0' && *p <= '9'))
        return false;
    while (*p >= '0' && *p <= '9')
        p++;
    if (allow_fraction && *p == '.' && p[1] >= '0' && p[1] <= '9') {
        p++;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return *p == '\0';
}

/* A Buffer in a column that is neither blob nor other: sortKeysDeep() turns it into an
 * object of its bytes keyed "0", "1", ... */
static cq_value *buffer_as_object(const cq_value *v)
{
    cq_value *o = cq_value_object();
    for (size_t i = 0; o && i < v->u.s.len; i++) {
        char k[24];
        snprintf(k, sizeof k, "%zu", i);
        if (cq_value_object_set(o, k, cq_value_int((unsigned char)v->u.s.data[i])) != CQ_OK) {
            cq_value_free(o);
            o = NULL;
        }
    }
    return o;
}

static cq_value *hex_of(const cq_value *v)
{
    static const char hexd[] = "0123456789abcdef";
    char *s = malloc(v->u.s.len * 2 + 1);
    if (!s)
        return NULL;
    for (size_t i = 0; i < v->u.s.len; i++) {
        unsigned char c = (unsigned char)v->u.s.data[i];
        s[2 * i] = hexd[c >> 4];
        s[2 * i + 1] = hexd[c & 15];
    }
    s[v->u.s.len * 2] = '\0';
    return text_take(s);
}

/* dump.js normalizeValue(): a stored value as its family reads it. */
static cq_value *normalize_value(const cq_value *v, family f, const char *column, bool mask)
{
    if (mask && is_timestamp_column(column))
        return cq_value_is_null(v) ? cq_value_null() : cq_value_text(TIMESTAMP_MARKER);
    if (cq_value_is_null(v))
        return cq_value_null();
    cq_value_type t = v->type;
    switch (f) {
    case FAM_INTEGER:
        if (t == CQ_VALUE_TEXT && is_numeric_text(v->u.s.data, false))
            return number_value(v->u.s.data);
        if (t == CQ_VALUE_BOOL)
            return cq_value_int(v->u.b);
        break;
    case FAM_REAL:
        if (t == CQ_VALUE_TEXT) {
            double d;
            char *tr = trim_dup(v->u.s.data);
            bool nonempty = tr && *tr;
            free(tr);
            if (nonempty && js_to_number(v->u.s.data, &d) && !isnan(d))
                return cq_value_double(d);
        }
        break;
    case FAM_BOOLEAN: {
        const char *s = t == CQ_VALUE_TEXT ? v->u.s.data : NULL;
        if (t == CQ_VALUE_BOOL)
            break;
        bool num = t == CQ_VALUE_INT || t == CQ_VALUE_DOUBLE;
        double x = num ? cq_value_as_double(v) : -1;
        if ((num && x == 1) || (s && (!strcmp(s, "1") || !strcmp(s, "true") || !strcmp(s, "t"))))
            return cq_value_bool(true);
        if ((num && x == 0) || (s && (!strcmp(s, "0") || !strcmp(s, "false") || !strcmp(s, "f"))))
            return cq_value_bool(false);
        break;
    }
    case FAM_DATETIME: {
        cq_value *s = js_string_value(v);
        if (!s || !memchr(s->u.s.data, '\0', s->u.s.len)) {
            char *n = s ? normalize_date(s->u.s.data) : NULL;
            cq_value_free(s);
            return text_take(n);
        }
        /* a decoded Buffer holding NUL bytes is no date: only trimmed */
        size_t a = 0, z = s->u.s.len;
        while (a < z && is_js_space(s->u.s.data[a]))
            a++;
        while (z > a && is_js_space(s->u.s.data[z - 1]))
            z--;
        cq_value *trimmed = cq_value_text_n(s->u.s.data + a, z - a);
        cq_value_free(s);
        return trimmed;
    }
    case FAM_UUID: {
        cq_value *s = js_string_value(v);
        if (s)
            js_lower(s->u.s.data, s->u.s.len);
        return s;
    }
    case FAM_JSON: {
        if (t != CQ_VALUE_TEXT)
            break;
        cq_value *parsed = NULL;
        if (cq_value_from_json(&parsed, v->u.s.data, NULL) != CQ_OK)
            break; /* not JSON: the text as stored */
        sort_keys_deep(parsed);
        return parsed;
    }
    case FAM_BLOB:
        if (t == CQ_VALUE_BLOB)
            return hex_of(v);
        return js_string_value(v);
    case FAM_TEXT:
        if (t == CQ_VALUE_TEXT)
            break;
        return js_string_value(v);
    case FAM_OTHER:
        if (t == CQ_VALUE_BLOB)
            return hex_of(v);
        break;
    }
    if (t == CQ_VALUE_BLOB)
        return buffer_as_object(v);
    return cq_value_copy(v);
}

/* The `^(.*)::[a-z_ ]+(\(\d+(,\d+)?\))?(\[\])?$`i cast of a PostgreSQL default: strips it
 * from `s` in place and returns true when there was one. */
static bool strip_cast(char *s)
{
    if (strpbrk(s, "\n\r"))
        return false;
    char *c = NULL;
    for (char *p = strstr(s, "::"); p; p = strstr(p + 1, "::"))
        c = p;
    if (!c)
        return false;
    const char *p = c + 2;
    const char *start = p;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_' || *p == ' ')
        p++;
    if (p == start)
        return false;
    if (*p == '(') {
        const char *q = p + 1;
        if (!(*q >= '0' && *q <= '9'))
            return false;
        while (*q >= '0' && *q <= '9')
            q++;
        if (*q == ',') {
            q++;
            if (!(*q >= '0' && *q <= '9'))
                return false;
            while (*q >= '0' && *q <= '9')
                q++;
        }
        if (*q != ')')
            return false;
        p = q + 1;
    }
    if (p[0] == '[' && p[1] == ']')
        p += 2;
    if (*p != '\0')
        return false;
    *c = '\0';
    return true;
}

/* dump.js normalizeDefault(): the default a database reports for a column, as a typed
 * literal or {"expression": text}. `*out` stays NULL when there is none (or it is NULL, or
 * a sequence). */
static int normalize_default(cq_value **out, const char *raw, family f)
{
    *out = NULL;
    if (!raw)
        return CQ_OK;
    char *s = trim_dup(raw);
    if (!s)
        return CQ_ENOMEM;
    while (strip_cast(s)) {
        char *t = trim_dup(s);
        free(s);
        if (!(s = t))
            return CQ_ENOMEM;
    }
    for (;;) {
        size_t n = strlen(s);
        if (n < 2 || s[0] != '(' || s[n - 1] != ')' || strpbrk(s, "\n\r"))
            break;
        s[n - 1] = '\0';
        char *t = trim_dup(s + 1);
        free(s);
        if (!(s = t))
            return CQ_ENOMEM;
    }
    cq_value *value = NULL;
    size_t n = strlen(s);
    if (strncasecmp(s, "nextval(", 8) == 0 || strcasecmp(s, "null") == 0) {
        free(s);
        return CQ_OK;
    }
    if (n >= 2 && s[0] == '\'' && s[n - 1] == '\'') {
        char *u = malloc(n);
        if (!u) {
            free(s);
            return CQ_ENOMEM;
        }
        size_t k = 0;
        for (size_t i = 1; i + 1 < n; i++) {
            u[k++] = s[i];
            if (s[i] == '\'' && s[i + 1] == '\'' && i + 2 < n)
                i++;
        }
        u[k] = '\0';
        value = text_take(u);
    } else if (is_numeric_text(s, true)) {
        double d = strtod(s, NULL);
        value = strchr(s, '.') ? cq_value_double(d) : number_value(s);
    } else if (strcasecmp(s, "true") == 0 || strcasecmp(s, "false") == 0) {
        value = cq_value_bool(strcasecmp(s, "true") == 0);
    } else {
        cq_value *o = cq_value_object();
        if (cq_value_object_set(o, "expression", cq_value_text(s)) != CQ_OK) {
            cq_value_free(o);
            o = NULL;
        }
        free(s);
        *out = o;
        return o ? CQ_OK : CQ_ENOMEM;
    }
    free(s);
    if (!value)
        return CQ_ENOMEM;
    const char *str = value->type == CQ_VALUE_TEXT ? value->u.s.data : NULL;
    bool num = value->type == CQ_VALUE_INT || value->type == CQ_VALUE_DOUBLE;
    cq_value *res = value;
    switch (f) {
    case FAM_BOOLEAN:
        if ((num && cq_value_as_double(value) == 1) ||
            (str && (!strcmp(str, "1") || !strcmp(str, "true") || !strcmp(str, "t"))))
            res = cq_value_bool(true);
        else if ((num && cq_value_as_double(value) == 0) ||
                 (str && (!strcmp(str, "0") || !strcmp(str, "false") || !strcmp(str, "f"))))
            res = cq_value_bool(false);
        break;
    case FAM_INTEGER:
    case FAM_REAL: {
        double d;
        if (str && *str && js_to_number(str, &d) && !isnan(d))
            res = cq_value_double(d);
        break;
    }
    case FAM_TEXT:
    case FAM_UUID:
        if (!str)
            res = text_take(js_string_of(value));
        break;
    case FAM_DATETIME: {
        char *t = js_string_of(value);
        res = t ? text_take(normalize_date(t)) : NULL;
        free(t);
        break;
    }
    default:
        break;
    }
    if (res != value)
        cq_value_free(value);
    *out = res;
    return res ? CQ_OK : CQ_ENOMEM;
}

/* ---- dialects ------------------------------------------------------------------------------- */

/* What a dialect reads from one table, before the shared normalization. */
typedef struct raw_table {
    cq_value *columns;      /* objects {name, type (family name), notNull, primaryKey,
                               autoIncrement, default?} in table order */
    cq_value *foreign_keys; /* {columns, references: {table, columns}, onDelete, onUpdate} */
    cq_value *unique;       /* arrays of column names, each sorted */
    cq_value *indexes;
    cq_value *rows; /* objects keyed by column name, values as the driver returns them */
} raw_table;

static void raw_table_free(raw_table *t)
{
    cq_value_free(t->columns);
    cq_value_free(t->foreign_keys);
    cq_value_free(t->unique);
    cq_value_free(t->indexes);
    cq_value_free(t->rows);
    memset(t, 0, sizeof *t);
}

/* One dialect's introspection (dump.js dumpSqlite() and dumpPostgres() are the references). */
typedef struct dump_dialect {
    cq_dialect dialect;
    /* the column of the CQ__CAT_TABLES catalogue query that names a user table */
    const char *table_name_column;
    int (*table)(raw_table *out, cq_db *db, const char *name);
} dump_dialect;

static int oom(cq_db *db)
{
    return cq__db_fail(db, CQ_ENOMEM, "out of memory");
}

static int sqlite_pragma(cq_value **out, cq_db *db, const char *pragma, const char *name)
{
    *out = NULL;
    char *sql = cq__sql_pragma(pragma, name);
    if (!sql)
        return oom(db);
    int rc = cq_db_query(out, db, sql, NULL, NULL);
    free(sql);
    return rc;
}

/* Names of the user tables (array of text), any order: column `key` of the dialect's
 * CQ__CAT_TABLES catalogue query. */
static int catalog_tables(cq_value **out, cq_db *db, cq_dialect dialect, const char *key)
{
    *out = NULL;
    cq_value *rows = NULL;
    int rc = cq_db_query(&rows, db, cq__sql_catalog(CQ__CAT_TABLES, dialect), NULL, NULL);
    if (rc != CQ_OK)
        return rc;
    cq_value *names = cq_value_array();
    for (size_t i = 0; names && i < cq_value_size(rows); i++) {
        const cq_value *n = cq_value_object_get(cq_value_array_get(rows, i), key);
        if (cq_value_array_append(names, cq_value_copy(n)) != CQ_OK) {
            cq_value_free(names);
            names = NULL;
        }
    }
    cq_value_free(rows);
    if (!names)
        return oom(db);
    *out = names;
    return CQ_OK;
}

static int64_t row_int(const cq_value *row, const char *key)
{
    return cq_value_as_int(cq_value_object_get(row, key));
}

static const char *row_text(const cq_value *row, const char *key)
{
    return cq_value_as_text(cq_value_object_get(row, key));
}

static cq_value *upper_text(const cq_value *v)
{
    char *s = js_string_of(v);
    for (char *p = s; p && *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    return text_take(s);
}

static int cmp_by_seq(const void *a, const void *b, void *ctx)
{
    const char *key = ctx;
    int64_t x = row_int(a, key), y = row_int(b, key);
    return x < y ? -1 : x > y;
}

/* Array#sort() without a comparator: elements compared as strings (null as "null"). */
static int cmp_default_sort(const void *a, const void *b, void *ctx)
{
    (void)ctx;
    const char *x = cq_value_as_text(a), *y = cq_value_as_text(b);
    return utf16_cmp(x ? x : "null", y ? y : "null");
}

/* ---- shared by the dialects' readers ------------------------------------------------------ */

/* Runs catalogue query `q` of `dialect` for table `name`, its one parameter. */
static int catalog_query_name(cq_value **out, cq_db *db, cq_dialect dialect, cq__catalog_query q,
                              const char *name)
{
    *out = NULL;
    cq_value *params = cq_value_array();
    if (!params || cq_value_array_append(params, cq_value_text(name)) != CQ_OK) {
        cq_value_free(params);
        return oom(db);
    }
    int rc = cq_db_query(out, db, cq__sql_catalog(q, dialect), params, NULL);
    cq_value_free(params);
    return rc;
}

/* What a dialect's catalogue says of one column, in the dump's terms. */
typedef struct column_facts {
    family fam;
    bool not_null;
    bool auto_increment;
    char *default_text; /* as a standard SQL literal or expression for normalize_default();
                           owned, NULL for no default */
} column_facts;

/* Appends the dump's description of a column to `columns`. Takes `def` (NULL for no default),
 * even on failure. CQ_OK or CQ_ENOMEM. */
static int put_column(cq_value *columns, const cq_value *name, int64_t pk_pos,
                      const column_facts *cf, cq_value *def)
{
    cq_value *col = cq_value_object();
    int rc = cq_value_object_set(col, "name", cq_value_copy(name));
    if (rc == CQ_OK)
        rc = cq_value_object_set(col, "type", cq_value_text(family_names[cf->fam]));
    if (rc == CQ_OK)
        rc = cq_value_object_set(col, "notNull", cq_value_bool(cf->not_null));
    if (rc == CQ_OK)
        rc = cq_value_object_set(col, "primaryKey",
                                 pk_pos > 0 ? cq_value_int(pk_pos) : cq_value_null());
    if (rc == CQ_OK)
        rc = cq_value_object_set(col, "autoIncrement", cq_value_bool(cf->auto_increment));
    if (rc == CQ_OK && def) {
        rc = cq_value_object_set(col, "default", def);
        def = NULL;
    }
    cq_value_free(def);
    if (rc == CQ_OK)
        rc = cq_value_array_append(columns, col);
    else
        cq_value_free(col);
    return rc;
}

/* Fills `out` from catalogue row `row` of the CQ__CAT_COLUMNS query, for a column at position
 * `pk_pos` of the primary key (0: not part of it). CQ_OK or CQ_ENOMEM. */
typedef int (*column_facts_fn)(column_facts *out, const cq_value *row, int64_t pk_pos);

/* The columns of table `name` from the dialect's CQ__CAT_COLUMNS query (a row per column, in
 * table order, named by "column_name") and CQ__CAT_PRIMARY_KEY query (the key's columns in
 * order, named by "name"); `facts` reads what differs between the dialects' catalogues. */
static int catalog_columns(raw_table *t, cq_db *db, cq_dialect dialect, const char *name,
                           column_facts_fn facts)
{
    cq_value *cols = NULL, *pk = NULL;
    int rc = catalog_query_name(&cols, db, dialect, CQ__CAT_COLUMNS, name);
    if (rc == CQ_OK)
        rc = catalog_query_name(&pk, db, dialect, CQ__CAT_PRIMARY_KEY, name);
    if (rc != CQ_OK)
        goto out;
    t->columns = cq_value_array();
    if (!t->columns) {
        rc = oom(db);
        goto out;
    }
    for (size_t i = 0; i < cq_value_size(cols); i++) {
        const cq_value *c = cq_value_array_get(cols, i);
        const char *cname = row_text(c, "column_name");
        int64_t pos = 0;
        for (size_t k = 0; cname && !pos && k < cq_value_size(pk); k++) {
            const char *pk_name = row_text(cq_value_array_get(pk, k), "name");
            if (pk_name && !strcmp(cname, pk_name))
                pos = (int64_t)k + 1;
        }
        column_facts cf = { 0 };
        cq_value *def = NULL;
        rc = facts(&cf, c, pos);
        if (rc == CQ_OK)
            rc = normalize_default(&def, cf.default_text, cf.fam);
        free(cf.default_text);
        if (rc == CQ_OK)
            rc = put_column(t->columns, cq_value_object_get(c, "column_name"), pos, &cf, def);
        if (rc != CQ_OK) {
            rc = oom(db);
            goto out;
        }
    }
out:
    cq_value_free(cols);
    cq_value_free(pk);
    return rc;
}

/* Every row of table `name`, values as the driver returns them. */
static int table_rows(raw_table *t, cq_db *db, cq_dialect dialect, const char *name)
{
    char *sql = cq__sql_select_all(name, dialect);
    int rc = sql ? cq_db_query(&t->rows, db, sql, NULL, NULL) : oom(db);
    free(sql);
    return rc;
}

/* ---- SQLite (dump.js dumpSqlite()) ------------------------------------------------------------
 */

static int sqlite_columns(raw_table *t, cq_db *db, const cq_value *info)
{
    size_t npk = 0;
    for (size_t i = 0; i < cq_value_size(info); i++)
        if (row_int(cq_value_array_get(info, i), "pk") > 0)
            npk++;
    t->columns = cq_value_array();
    if (!t->columns)
        return oom(db);
    for (size_t i = 0; i < cq_value_size(info); i++) {
        const cq_value *c = cq_value_array_get(info, i);
        const char *decl = row_text(c, "type");
        family f = sqlite_family(decl);
        int64_t pk = row_int(c, "pk");
        char *decl_up = trim_dup(decl ? decl : "");
        for (char *p = decl_up; p && *p; p++)
            if (*p >= 'a' && *p <= 'z')
                *p = (char)(*p - 'a' + 'A');
        /* a lone INTEGER PRIMARY KEY is a rowid alias: the database generates it */
        bool autoinc = npk == 1 && pk == 1 && decl_up && strcmp(decl_up, "INTEGER") == 0;
        free(decl_up);
        cq_value *def = NULL;
        if (normalize_default(&def, row_text(c, "dflt_value"), f) != CQ_OK)
            return oom(db);
        /* PostgreSQL forces NOT NULL on primary keys */
        const column_facts cf = { .fam = f,
                                  .not_null = row_int(c, "notnull") != 0 || pk > 0,
                                  .auto_increment = autoinc };
        if (put_column(t->columns, cq_value_object_get(c, "name"), pk, &cf, def) != CQ_OK)
            return oom(db);
    }
    return CQ_OK;
}

static int sqlite_foreign_keys(raw_table *t, cq_db *db, const char *name)
{
    cq_value *list = NULL;
    int rc = sqlite_pragma(&list, db, "foreign_key_list", name);
    if (rc != CQ_OK)
        return rc;
    t->foreign_keys = cq_value_array();
    size_t n = cq_value_size(list);
    const cq_value **pairs = calloc(n ? n : 1, sizeof *pairs);
    bool *done = calloc(n ? n : 1, sizeof *done);
    if (!t->foreign_keys || !pairs || !done) {
        rc = oom(db);
        goto out;
    }
    /* one key per id, in order of first appearance (a Map in dump.js) */
    for (size_t i = 0; i < n; i++) {
        if (done[i])
            continue;
        const cq_value *first = cq_value_array_get(list, i);
        int64_t id = row_int(first, "id");
        size_t np = 0;
        for (size_t j = i; j < n; j++) {
            const cq_value *r = cq_value_array_get(list, j);
            if (!done[j] && row_int(r, "id") == id) {
                done[j] = true;
                pairs[np++] = r;
            }
        }
        if ((rc = stable_sort((void **)pairs, np, cmp_by_seq, "seq")) != CQ_OK) {
            rc = oom(db);
            goto out;
        }
        bool to_null = false, ok = true;
        cq_value *from = cq_value_array(), *to = cq_value_array();
        for (size_t k = 0; k < np; k++) {
            ok &= cq_value_array_append(
                      from, cq_value_copy(cq_value_object_get(pairs[k], "from"))) == CQ_OK;
            const cq_value *tv = cq_value_object_get(pairs[k], "to");
            if (cq_value_is_null(tv))
                to_null = true;
            ok &= cq_value_array_append(to, cq_value_copy(tv)) == CQ_OK;
        }
        const char *ftable = row_text(first, "table");
        if (to_null && ftable) {
            /* a reference without columns names the target's primary key */
            cq_value *tinfo = NULL;
            rc = sqlite_pragma(&tinfo, db, "table_info", ftable);
            if (rc != CQ_OK) {
                cq_value_free(from);
                cq_value_free(to);
                goto out;
            }
            cq_value_free(to);
            to = cq_value_array();
            size_t tn = cq_value_size(tinfo);
            for (int64_t pos = 1; to && pos <= (int64_t)tn; pos++)
                for (size_t k = 0; k < tn; k++) {
                    const cq_value *c = cq_value_array_get(tinfo, k);
                    if (row_int(c, "pk") == pos)
                        ok &= cq_value_array_append(
                                  to, cq_value_copy(cq_value_object_get(c, "name"))) == CQ_OK;
                }
            cq_value_free(tinfo);
            ok &= to != NULL;
        }
        cq_value *refs = cq_value_object();
        cq_value_object_set(refs, "table", cq_value_copy(cq_value_object_get(first, "table")));
        cq_value_object_set(refs, "columns", to);
        cq_value *fk = cq_value_object();
        cq_value_object_set(fk, "columns", from);
        cq_value_object_set(fk, "references", refs);
        cq_value_object_set(fk, "onDelete", upper_text(cq_value_object_get(first, "on_delete")));
        cq_value_object_set(fk, "onUpdate", upper_text(cq_value_object_get(first, "on_update")));
        if (!ok || cq_value_size(fk) != 4 || cq_value_size(refs) != 2 ||
            cq_value_array_append(t->foreign_keys, fk) != CQ_OK) {
            rc = oom(db);
            goto out;
        }
    }
out:
    free(pairs);
    free(done);
    cq_value_free(list);
    return rc;
}

static int sqlite_indexes(raw_table *t, cq_db *db, const char *name)
{
    cq_value *list = NULL;
    int rc = sqlite_pragma(&list, db, "index_list", name);
    if (rc != CQ_OK)
        return rc;
    t->unique = cq_value_array();
    t->indexes = cq_value_array();
    if (!t->unique || !t->indexes) {
        rc = oom(db);
        goto out;
    }
    for (size_t i = 0; i < cq_value_size(list); i++) {
        const cq_value *idx = cq_value_array_get(list, i);
        const char *origin = row_text(idx, "origin");
        if (origin && strcmp(origin, "pk") == 0)
            continue;
        cq_value *info = NULL;
        rc = sqlite_pragma(&info, db, "index_info", row_text(idx, "name"));
        if (rc != CQ_OK)
            goto out;
        rc = sort_array(info, cmp_by_seq, "seqno");
        cq_value *cols = cq_value_array();
        for (size_t k = 0; rc == CQ_OK && k < cq_value_size(info); k++)
            rc = cq_value_array_append(
                cols, cq_value_copy(cq_value_object_get(cq_value_array_get(info, k), "name")));
        cq_value_free(info);
        if (rc == CQ_OK && cols)
            rc = sort_array(cols, cmp_default_sort, NULL);
        if (rc == CQ_OK)
            rc = cq_value_array_append(row_int(idx, "unique") ? t->unique : t->indexes, cols);
        else
            cq_value_free(cols);
        if (rc != CQ_OK) {
            rc = oom(db);
            goto out;
        }
    }
out:
    cq_value_free(list);
    return rc;
}

static int sqlite_table(raw_table *out, cq_db *db, const char *name)
{
    memset(out, 0, sizeof *out);
    cq_value *info = NULL;
    int rc = sqlite_pragma(&info, db, "table_info", name);
    if (rc == CQ_OK)
        rc = sqlite_columns(out, db, info);
    cq_value_free(info);
    if (rc == CQ_OK)
        rc = sqlite_foreign_keys(out, db, name);
    if (rc == CQ_OK)
        rc = sqlite_indexes(out, db, name);
    if (rc == CQ_OK)
        rc = table_rows(out, db, CQ_DIALECT_SQLITE, name);
    if (rc != CQ_OK)
        raw_table_free(out);
    return rc;
}

/* ---- PostgreSQL (dump.js dumpPostgres()) ------------------------------------------------- */

/* dump.js pgFamily(): the family of an information_schema data_type. */
static family pg_family(const char *data_type, const char *udt_name, bool is_enum)
{
    char *t = cq__strdup(data_type ? data_type : "");
    if (!t)
        return FAM_OTHER;
    js_lower(t, strlen(t));
    family f = FAM_OTHER;
    if (is_enum)
        f = FAM_TEXT;
    else if (!strcmp(t, "smallint") || !strcmp(t, "integer") || !strcmp(t, "bigint"))
        f = FAM_INTEGER;
    else if (!strcmp(t, "character varying") || !strcmp(t, "character") || !strcmp(t, "text") ||
             !strcmp(t, "citext"))
        f = FAM_TEXT;
    else if (!strcmp(t, "real") || !strcmp(t, "double precision") || !strcmp(t, "numeric"))
        f = FAM_REAL;
    else if (!strcmp(t, "boolean"))
        f = FAM_BOOLEAN;
    else if (!strncmp(t, "timestamp", 9) || !strcmp(t, "date") || !strncmp(t, "time", 4))
        f = FAM_DATETIME;
    else if (!strcmp(t, "bytea"))
        f = FAM_BLOB;
    else if (!strcmp(t, "uuid"))
        f = FAM_UUID;
    else if (!strcmp(t, "json") || !strcmp(t, "jsonb"))
        f = FAM_JSON;
    else if (!strcmp(t, "user-defined") && udt_name && !strcmp(udt_name, "citext"))
        f = FAM_TEXT;
    free(t);
    return f;
}

/* A json_agg() result (text, or NULL for no rows) as an array; NULL when out of memory. */
static cq_value *pg_json_list(const cq_value *v)
{
    const char *s = cq_value_as_text(v);
    cq_value *list = NULL;
    if (!s || cq_value_from_json(&list, s, NULL) != CQ_OK ||
        cq_value_type_of(list) != CQ_VALUE_ARRAY) {
        cq_value_free(list);
        return cq_value_array();
    }
    return list;
}

static int pg_column_facts(column_facts *out, const cq_value *c, int64_t pk_pos)
{
    (void)pk_pos; /* PostgreSQL reports its key columns NOT NULL itself */
    const char *def_raw = row_text(c, "column_default");
    const char *ident = row_text(c, "is_identity");
    const char *nullable = row_text(c, "is_nullable");
    out->fam = pg_family(row_text(c, "data_type"), row_text(c, "udt_name"),
                         cq_value_as_bool(cq_value_object_get(c, "is_enum")));
    out->not_null = nullable && !strcmp(nullable, "NO");
    out->auto_increment =
        (ident && !strcmp(ident, "YES")) || (def_raw && strncasecmp(def_raw, "nextval(", 8) == 0);
    out->default_text = def_raw ? cq__strdup(def_raw) : NULL;
    return def_raw && !out->default_text ? CQ_ENOMEM : CQ_OK;
}

/* pg_constraint.confdeltype / confupdtype letters. */
static const char *pg_action(const char *code)
{
    switch (code ? code[0] : '\0') {
    case 'a':
        return "NO ACTION";
    case 'r':
        return "RESTRICT";
    case 'c':
        return "CASCADE";
    case 'n':
        return "SET NULL";
    case 'd':
        return "SET DEFAULT";
    default:
        return NULL;
    }
}

static int pg_foreign_keys(raw_table *t, cq_db *db, const char *name)
{
    cq_value *list = NULL;
    int rc = catalog_query_name(&list, db, CQ_DIALECT_POSTGRES, CQ__CAT_FOREIGN_KEYS, name);
    if (rc != CQ_OK)
        return rc;
    t->foreign_keys = cq_value_array();
    if (!t->foreign_keys)
        rc = oom(db);
    for (size_t i = 0; rc == CQ_OK && i < cq_value_size(list); i++) {
        const cq_value *r = cq_value_array_get(list, i);
        const char *del = pg_action(row_text(r, "del")), *upd = pg_action(row_text(r, "upd"));
        cq_value *refs = cq_value_object(), *fk = cq_value_object();
        bool ok = refs && fk;
        ok = ok && cq_value_object_set(refs, "table",
                                       cq_value_copy(cq_value_object_get(r, "ftable"))) == CQ_OK;
        ok = ok && cq_value_object_set(refs, "columns",
                                       pg_json_list(cq_value_object_get(r, "fcols"))) == CQ_OK;
        ok = ok && cq_value_object_set(fk, "columns",
                                       pg_json_list(cq_value_object_get(r, "cols"))) == CQ_OK;
        if (ok) {
            ok = cq_value_object_set(fk, "references", refs) == CQ_OK;
            refs = NULL;
        }
        ok = ok && cq_value_object_set(fk, "onDelete",
                                       del ? cq_value_text(del) : cq_value_null()) == CQ_OK;
        ok = ok && cq_value_object_set(fk, "onUpdate",
                                       upd ? cq_value_text(upd) : cq_value_null()) == CQ_OK;
        cq_value_free(refs);
        if (ok) {
            ok = cq_value_array_append(t->foreign_keys, fk) == CQ_OK;
            fk = NULL;
        }
        cq_value_free(fk);
        if (!ok)
            rc = oom(db);
    }
    cq_value_free(list);
    return rc;
}

static int pg_indexes(raw_table *t, cq_db *db, const char *name)
{
    cq_value *list = NULL;
    int rc = catalog_query_name(&list, db, CQ_DIALECT_POSTGRES, CQ__CAT_INDEXES, name);
    if (rc != CQ_OK)
        return rc;
    t->unique = cq_value_array();
    t->indexes = cq_value_array();
    if (!t->unique || !t->indexes)
        rc = oom(db);
    for (size_t i = 0; rc == CQ_OK && i < cq_value_size(list); i++) {
        const cq_value *r = cq_value_array_get(list, i);
        cq_value *cols = pg_json_list(cq_value_object_get(r, "cols"));
        if (!cols || sort_array(cols, cmp_default_sort, NULL) != CQ_OK) {
            cq_value_free(cols);
            rc = oom(db);
            break;
        }
        bool uniq = cq_value_as_bool(cq_value_object_get(r, "uniq"));
        if (cq_value_array_append(uniq ? t->unique : t->indexes, cols) != CQ_OK)
            rc = oom(db);
    }
    cq_value_free(list);
    return rc;
}

static int pg_table(raw_table *out, cq_db *db, const char *name)
{
    memset(out, 0, sizeof *out);
    int rc = catalog_columns(out, db, CQ_DIALECT_POSTGRES, name, pg_column_facts);
    if (rc == CQ_OK)
        rc = pg_foreign_keys(out, db, name);
    if (rc == CQ_OK)
        rc = pg_indexes(out, db, name);
    if (rc == CQ_OK)
        rc = table_rows(out, db, CQ_DIALECT_POSTGRES, name);
    if (rc != CQ_OK)
        raw_table_free(out);
    return rc;
}

static bool in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(s, list[i]))
            return true;
    return false;
}

/* ---- MySQL / MariaDB (information_schema of the connection's database) ---------------------- */

/* Sequelize's goldens have no MySQL column; the families follow pgFamily() by analogy with the
 * types Sequelize's MySQL DDL writes (docs/dump.md, "MySQL"): TINYINT(1) is BOOLEAN, CHAR(36)
 * with a binary collation is Sequelize's UUID (`CHAR(36) BINARY`), a LONGTEXT checked by
 * json_valid() is MariaDB's JSON. */
static family my_family(const char *data_type, const char *column_type, const char *collation,
                        bool is_json)
{
    char *t = cq__strdup(data_type ? data_type : "");
    char *ct = cq__strdup(column_type ? column_type : "");
    family f = FAM_OTHER;
    if (!t || !ct)
        goto done;
    js_lower(t, strlen(t));
    js_lower(ct, strlen(ct));
    size_t cl = collation ? strlen(collation) : 0;
    static const char *const ints[] = { "tinyint", "smallint", "mediumint", "int",
                                        "integer", "bigint",   "year" };
    static const char *const texts[] = { "char",       "varchar",  "tinytext", "text",
                                         "mediumtext", "longtext", "enum",     "set" };
    static const char *const reals[] = { "float", "double", "decimal", "numeric", "real" };
    static const char *const dates[] = { "datetime", "date", "timestamp", "time" };
    static const char *const blobs[] = { "tinyblob", "blob",   "mediumblob",
                                         "longblob", "binary", "varbinary" };
#define CQ__IN(list) in_list(t, list, sizeof list / sizeof *list)
    if (is_json || !strcmp(t, "json"))
        f = FAM_JSON;
    else if (!strncmp(ct, "tinyint(1)", 10))
        f = FAM_BOOLEAN;
    else if (CQ__IN(ints))
        f = FAM_INTEGER;
    else if (!strcmp(ct, "char(36)") && cl > 4 && !strcmp(collation + cl - 4, "_bin"))
        f = FAM_UUID;
    else if (CQ__IN(texts))
        f = FAM_TEXT;
    else if (CQ__IN(reals))
        f = FAM_REAL;
    else if (CQ__IN(dates))
        f = FAM_DATETIME;
    else if (CQ__IN(blobs))
        f = FAM_BLOB;
#undef CQ__IN
done:
    free(t);
    free(ct);
    return f;
}

/* MySQL's COLUMN_DEFAULT writes a string default as a literal with MySQL's escapes ('it''s a
 * \\ b'); the shared normalizeDefault() reads standard SQL literals, so the escapes are
 * undone and the quotes doubled first. Other defaults (numbers, NULL, current_timestamp())
 * pass as they are. NULL when out of memory. */
static char *my_default_text(const char *raw)
{
    size_t n = strlen(raw);
    if (n < 2 || raw[0] != '\'' || raw[n - 1] != '\'')
        return cq__strdup(raw);
    cq__buf b = { 0 };
    cq__buf_putc(&b, '\'');
    for (size_t i = 1; i + 1 < n; i++) {
        char c = raw[i];
        if (c == '\'' && raw[i + 1] == '\'' && i + 2 < n) {
            i++;
        } else if (c == '\\' && i + 2 < n) {
            char e = raw[++i];
            c = e == 'n'   ? '\n'
                : e == 'r' ? '\r'
                : e == 't' ? '\t'
                : e == 'b' ? '\b'
                : e == 'Z' ? '\x1a'
                : e == '0' ? '\0'
                           : e;
            if (c == '\0') {
                cq__buf_put(&b, "\\0"); /* never reached by cequel: a NUL stays escaped */
                continue;
            }
        }
        if (c == '\'')
            cq__buf_putc(&b, '\'');
        cq__buf_putc(&b, c);
    }
    cq__buf_putc(&b, '\'');
    return cq__buf_take(&b);
}

static int my_column_facts(column_facts *out, const cq_value *c, int64_t pk_pos)
{
    const char *extra = row_text(c, "extra");
    const char *nullable = row_text(c, "is_nullable");
    const char *def_raw = row_text(c, "column_default");
    out->fam = my_family(row_text(c, "data_type"), row_text(c, "column_type"),
                         row_text(c, "collation_name"), row_int(c, "is_json") != 0);
    out->not_null = (nullable && !strcmp(nullable, "NO")) || pk_pos;
    out->auto_increment = extra && strstr(extra, "auto_increment") != NULL;
    out->default_text = def_raw ? my_default_text(def_raw) : NULL;
    return def_raw && !out->default_text ? CQ_ENOMEM : CQ_OK;
}

/* Rows of a catalogue query grouped by their "name" (consecutive, the query orders by it):
 * calls `fn` with the first row and the values of `col` in order. */
typedef int (*my_group_fn)(const cq_value *first, const char *group, cq_value *cols,
                           const cq_value *rows, size_t from, size_t to, void *ctx);

static int my_groups(const cq_value *rows, const char *col, my_group_fn fn, void *ctx)
{
    size_t n = cq_value_size(rows);
    for (size_t i = 0; i < n;) {
        const cq_value *first = cq_value_array_get(rows, i);
        const char *group = row_text(first, "name");
        size_t j = i;
        cq_value *cols = cq_value_array();
        bool ok = cols != NULL;
        for (; j < n && cq__streq(row_text(cq_value_array_get(rows, j), "name"), group); j++) {
            const cq_value *c = cq_value_object_get(cq_value_array_get(rows, j), col);
            if (!cq_value_is_null(c)) /* MySQL 8's functional index parts have no column */
                ok = ok && cq_value_array_append(cols, cq_value_copy(c)) == CQ_OK;
        }
        if (j == i)
            j++; /* a NULL name cannot repeat */
        if (!ok) {
            cq_value_free(cols);
            return CQ_ENOMEM;
        }
        int rc = fn(first, group, cols, rows, i, j, ctx);
        if (rc != CQ_OK)
            return rc;
        i = j;
    }
    return CQ_OK;
}

/* A referential action as information_schema writes it, or NULL. */
static cq_value *my_action(const char *rule)
{
    static const char *const actions[] = { "NO ACTION", "RESTRICT", "CASCADE", "SET NULL",
                                           "SET DEFAULT" };
    for (size_t i = 0; rule && i < sizeof actions / sizeof *actions; i++)
        if (strcasecmp(rule, actions[i]) == 0)
            return cq_value_text(actions[i]);
    return cq_value_null();
}

typedef struct my_fk_ctx {
    cq_value *out;   /* the dump's foreignKeys */
    cq_value *names; /* [{name, columns}] for the index filter */
} my_fk_ctx;

static int my_fk_group(const cq_value *first, const char *group, cq_value *cols,
                       const cq_value *rows, size_t from, size_t to, void *ctx)
{
    my_fk_ctx *x = ctx;
    cq_value *fcols = cq_value_array(), *refs = cq_value_object(), *fk = cq_value_object();
    cq_value *named = cq_value_object();
    bool ok = fcols && refs && fk && named;
    for (size_t k = from; ok && k < to; k++)
        ok = cq_value_array_append(fcols, cq_value_copy(cq_value_object_get(
                                              cq_value_array_get(rows, k), "fcol"))) == CQ_OK;
    /* every setter below takes its value, even when it fails */
    ok = ok && cq_value_object_set(named, "name", cq_value_text(group ? group : "")) == CQ_OK;
    ok = ok && cq_value_object_set(named, "columns", cq_value_copy(cols)) == CQ_OK;
    if (ok) {
        ok = cq_value_array_append(x->names, named) == CQ_OK;
        named = NULL;
    }
    ok = ok && cq_value_object_set(refs, "table",
                                   cq_value_copy(cq_value_object_get(first, "ftable"))) == CQ_OK;
    if (ok) {
        ok = cq_value_object_set(refs, "columns", fcols) == CQ_OK;
        fcols = NULL;
    }
    if (ok) {
        ok = cq_value_object_set(fk, "columns", cols) == CQ_OK;
        cols = NULL;
    }
    if (ok) {
        ok = cq_value_object_set(fk, "references", refs) == CQ_OK;
        refs = NULL;
    }
    ok = ok && cq_value_object_set(fk, "onDelete", my_action(row_text(first, "del"))) == CQ_OK;
    ok = ok && cq_value_object_set(fk, "onUpdate", my_action(row_text(first, "upd"))) == CQ_OK;
    if (ok) {
        ok = cq_value_array_append(x->out, fk) == CQ_OK;
        fk = NULL;
    }
    cq_value_free(fk);
    cq_value_free(named);
    cq_value_free(fcols);
    cq_value_free(refs);
    cq_value_free(cols);
    return ok ? CQ_OK : CQ_ENOMEM;
}

static int my_foreign_keys(raw_table *t, cq_value *names, cq_db *db, const char *name)
{
    cq_value *list = NULL;
    int rc = catalog_query_name(&list, db, CQ_DIALECT_MYSQL, CQ__CAT_FOREIGN_KEYS, name);
    if (rc != CQ_OK)
        return rc;
    t->foreign_keys = cq_value_array();
    my_fk_ctx x = { .out = t->foreign_keys, .names = names };
    if (!t->foreign_keys || my_groups(list, "col", my_fk_group, &x) != CQ_OK)
        rc = oom(db);
    cq_value_free(list);
    return rc;
}

typedef struct my_index_ctx {
    raw_table *t;
    const cq_value *fks; /* [{name, columns}] */
} my_index_ctx;

/* InnoDB gives every foreign key an index: when none serves it, it creates one named after
 * the constraint or its first column. PostgreSQL has no such index, so it is left out (an
 * index declared on those columns under another name is kept). */
static bool my_is_fk_index(const my_index_ctx *x, const char *index, const cq_value *cols)
{
    for (size_t i = 0; i < cq_value_size(x->fks); i++) {
        const cq_value *fk = cq_value_array_get(x->fks, i);
        const cq_value *fcols = cq_value_object_get(fk, "columns");
        if (!cq_value_equal(fcols, cols) || !cq_value_size(cols))
            continue;
        if (cq__streq(index, row_text(fk, "name")) ||
            cq__streq(index, cq_value_as_text(cq_value_array_get(cols, 0))))
            return true;
    }
    return false;
}

static int my_index_group(const cq_value *first, const char *group, cq_value *cols,
                          const cq_value *rows, size_t from, size_t to, void *ctx)
{
    (void)rows;
    (void)from;
    (void)to;
    my_index_ctx *x = ctx;
    bool uniq = row_int(first, "non_unique") == 0;
    if ((!uniq && my_is_fk_index(x, group, cols)) || !cq_value_size(cols)) {
        cq_value_free(cols);
        return CQ_OK;
    }
    if (sort_array(cols, cmp_default_sort, NULL) != CQ_OK) {
        cq_value_free(cols);
        return CQ_ENOMEM;
    }
    return cq_value_array_append(uniq ? x->t->unique : x->t->indexes, cols);
}

static int my_indexes(raw_table *t, const cq_value *fks, cq_db *db, const char *name)
{
    cq_value *list = NULL;
    int rc = catalog_query_name(&list, db, CQ_DIALECT_MYSQL, CQ__CAT_INDEXES, name);
    if (rc != CQ_OK)
        return rc;
    t->unique = cq_value_array();
    t->indexes = cq_value_array();
    my_index_ctx x = { .t = t, .fks = fks };
    if (!t->unique || !t->indexes || my_groups(list, "col", my_index_group, &x) != CQ_OK)
        rc = oom(db);
    cq_value_free(list);
    return rc;
}

static int my_table(raw_table *out, cq_db *db, const char *name)
{
    memset(out, 0, sizeof *out);
    cq_value *fks = cq_value_array();
    int rc = fks ? catalog_columns(out, db, CQ_DIALECT_MYSQL, name, my_column_facts) : oom(db);
    if (rc == CQ_OK)
        rc = my_foreign_keys(out, fks, db, name);
    if (rc == CQ_OK)
        rc = my_indexes(out, fks, db, name);
    if (rc == CQ_OK)
        rc = table_rows(out, db, CQ_DIALECT_MYSQL, name);
    cq_value_free(fks);
    if (rc != CQ_OK)
        raw_table_free(out);
    return rc;
}

static const dump_dialect dialects[] = {
    { CQ_DIALECT_SQLITE, "name", sqlite_table },
    { CQ_DIALECT_POSTGRES, "table_name", pg_table },
    { CQ_DIALECT_MYSQL, "table_name", my_table },
};

/* ---- the shared part of the dump ------------------------------------------------------------ */

typedef struct row_key {
    cq_value *row;      /* borrowed */
    const cq_value **k; /* one value per column, borrowed from row or from `owned` */
    cq_value *owned;    /* array holding substituted key values, or NULL */
} row_key;

static int cmp_row_keys(const void *a, const void *b, void *ctx)
{
    size_t n = *(const size_t *)ctx;
    const row_key *x = a, *y = b;
    return compare_lists(x->k, n, y->k, n);
}

/* dump.js sortRows(): rows ordered by their values in column-name order; `mask` (may be
 * NULL) maps a value to the one to sort by, returning NULL to keep it. */
typedef cq_value *(*mask_fn)(const cq_value *v, void *ctx);

static int sort_rows(cq_value *rows, const cq_value *names, mask_fn mask, void *mask_ctx)
{
    size_t n = rows->u.a.n, nc = cq_value_size(names);
    row_key *keys = calloc(n ? n : 1, sizeof *keys);
    void **ptrs = calloc(n ? n : 1, sizeof *ptrs);
    const cq_value **vals = calloc(n * nc != 0 ? n * nc : 1, sizeof *vals);
    int rc = keys && ptrs && vals ? CQ_OK : CQ_ENOMEM;
    for (size_t i = 0; rc == CQ_OK && i < n; i++) {
        keys[i].row = rows->u.a.items[i];
        keys[i].k = vals + i * nc;
        for (size_t c = 0; c < nc; c++) {
            const cq_value *v =
                cq_value_object_get(keys[i].row, cq_value_as_text(cq_value_array_get(names, c)));
            cq_value *m = mask ? mask(v, mask_ctx) : NULL;
            if (m) {
                if (!keys[i].owned && !(keys[i].owned = cq_value_array())) {
                    cq_value_free(m);
                    rc = CQ_ENOMEM;
                    break;
                }
                if (cq_value_array_append(keys[i].owned, m) != CQ_OK) {
                    rc = CQ_ENOMEM;
                    break;
                }
                v = m;
            }
            keys[i].k[c] = v;
        }
        ptrs[i] = &keys[i];
    }
    if (rc == CQ_OK)
        rc = stable_sort(ptrs, n, cmp_row_keys, &nc);
    if (rc == CQ_OK)
        for (size_t i = 0; i < n; i++)
            rows->u.a.items[i] = ((row_key *)ptrs[i])->row;
    for (size_t i = 0; keys && i < n; i++)
        cq_value_free(keys[i].owned);
    free(keys);
    free(ptrs);
    free(vals);
    return rc;
}

static int cmp_column_names(const void *a, const void *b, void *ctx)
{
    (void)ctx;
    return utf16_cmp(cq_value_as_text(cq_value_object_get(a, "name")),
                     cq_value_as_text(cq_value_object_get(b, "name")));
}

/* [...columns, references.table, ...references.columns] */
static cq_value *fk_sort_key(const cq_value *fk)
{
    cq_value *k = cq_value_array();
    const cq_value *cols = cq_value_object_get(fk, "columns");
    const cq_value *refs = cq_value_object_get(fk, "references");
    const cq_value *rcols = cq_value_object_get(refs, "columns");
    for (size_t i = 0; k && i < cq_value_size(cols); i++)
        if (cq_value_array_append(k, cq_value_copy(cq_value_array_get(cols, i))) != CQ_OK)
            k = NULL;
    if (k && cq_value_array_append(k, cq_value_copy(cq_value_object_get(refs, "table"))) != CQ_OK)
        k = NULL;
    for (size_t i = 0; k && i < cq_value_size(rcols); i++)
        if (cq_value_array_append(k, cq_value_copy(cq_value_array_get(rcols, i))) != CQ_OK)
            k = NULL;
    return k;
}

typedef struct fk_item {
    cq_value *fk;
    cq_value *key;
} fk_item;

static int cmp_fk_items(const void *a, const void *b, void *ctx)
{
    (void)ctx;
    return compare_arrays(((const fk_item *)a)->key, ((const fk_item *)b)->key);
}

static int sort_foreign_keys(cq_value *fks)
{
    size_t n = fks->u.a.n;
    fk_item *items = calloc(n ? n : 1, sizeof *items);
    void **ptrs = calloc(n ? n : 1, sizeof *ptrs);
    int rc = items && ptrs ? CQ_OK : CQ_ENOMEM;
    for (size_t i = 0; rc == CQ_OK && i < n; i++) {
        items[i].fk = fks->u.a.items[i];
        if (!(items[i].key = fk_sort_key(items[i].fk)))
            rc = CQ_ENOMEM;
        ptrs[i] = &items[i];
    }
    if (rc == CQ_OK)
        rc = stable_sort(ptrs, n, cmp_fk_items, NULL);
    if (rc == CQ_OK)
        for (size_t i = 0; i < n; i++)
            fks->u.a.items[i] = ((fk_item *)ptrs[i])->fk;
    for (size_t i = 0; items && i < n; i++)
        cq_value_free(items[i].key);
    free(items);
    free(ptrs);
    return rc;
}

/* dump.js dedupeSorted(): first copy of each list (by JSON text) kept, then sorted. */
static int dedupe_sorted(cq_value *lists)
{
    size_t n = lists->u.a.n, kept = 0;
    char **texts = calloc(n ? n : 1, sizeof *texts);
    if (!texts)
        return CQ_ENOMEM;
    int rc = CQ_OK;
    for (size_t i = 0; i < n; i++) {
        cq__buf b = { 0 };
        js_stringify(&b, lists->u.a.items[i]);
        char *t = cq__buf_take(&b);
        if (!t) {
            rc = CQ_ENOMEM;
            break;
        }
        bool dup = false;
        for (size_t j = 0; j < kept && !dup; j++)
            dup = strcmp(texts[j], t) == 0;
        if (dup) {
            free(t);
            cq_value_free(lists->u.a.items[i]);
            continue;
        }
        texts[kept] = t;
        lists->u.a.items[kept++] = lists->u.a.items[i];
    }
    if (rc == CQ_OK)
        lists->u.a.n = kept;
    for (size_t j = 0; j < kept; j++)
        free(texts[j]);
    free(texts);
    if (rc == CQ_OK)
        rc = sort_array(lists, cmp_array_values, NULL);
    return rc;
}

/* dump.js finishTable(). Takes the raw table's parts. */
static int finish_table(cq_value **out, raw_table *t, bool mask)
{
    *out = NULL;
    int rc = sort_array(t->columns, cmp_column_names, NULL);
    cq_value *names = cq_value_array();
    cq_value *rows = cq_value_array();
    size_t nc = cq_value_size(t->columns);
    family *fams = calloc(nc ? nc : 1, sizeof *fams);
    if (!names || !rows || !fams)
        rc = CQ_ENOMEM;
    for (size_t c = 0; rc == CQ_OK && c < nc; c++) {
        const cq_value *col = cq_value_array_get(t->columns, c);
        fams[c] = family_of(cq_value_as_text(cq_value_object_get(col, "type")));
        rc = cq_value_array_append(names, cq_value_copy(cq_value_object_get(col, "name")));
    }
    for (size_t r = 0; rc == CQ_OK && r < cq_value_size(t->rows); r++) {
        const cq_value *raw = cq_value_array_get(t->rows, r);
        cq_value *o = cq_value_object();
        for (size_t c = 0; o && c < nc; c++) {
            const char *n = cq_value_as_text(cq_value_array_get(names, c));
            if (!n)
                continue;
            if (cq_value_object_set(
                    o, n, normalize_value(cq_value_object_get(raw, n), fams[c], n, mask)) !=
                CQ_OK) {
                cq_value_free(o);
                o = NULL;
            }
        }
        rc = cq_value_array_append(rows, o);
    }
    free(fams);
    if (rc == CQ_OK)
        rc = sort_foreign_keys(t->foreign_keys);
    if (rc == CQ_OK)
        rc = dedupe_sorted(t->unique);
    if (rc == CQ_OK)
        rc = dedupe_sorted(t->indexes);
    if (rc == CQ_OK)
        rc = sort_rows(rows, names, NULL, NULL);
    cq_value_free(names);
    cq_value *tbl = rc == CQ_OK ? cq_value_object() : NULL;
    if (!tbl) {
        cq_value_free(rows);
        return CQ_ENOMEM;
    }
    cq_value_object_set(tbl, "columns", t->columns);
    cq_value_object_set(tbl, "foreignKeys", t->foreign_keys);
    cq_value_object_set(tbl, "unique", t->unique);
    cq_value_object_set(tbl, "indexes", t->indexes);
    cq_value_object_set(tbl, "rows", rows);
    cq_value_free(t->rows);
    memset(t, 0, sizeof *t);
    if (cq_value_size(tbl) != 5) {
        cq_value_free(tbl);
        return CQ_ENOMEM;
    }
    sort_keys_deep(tbl);
    *out = tbl;
    return CQ_OK;
}

static int cmp_texts(const void *a, const void *b, void *ctx)
{
    (void)ctx;
    const char *x = cq_value_as_text(a), *y = cq_value_as_text(b);
    return utf16_cmp(x ? x : "", y ? y : "");
}

int cq_db_dump(cq_value **out, cq_db *db, const cq_dump_opts *opts)
{
    if (out)
        *out = NULL;
    if (!db)
        return CQ_EINVALID;
    cq__db_clear(db);
    if (!out)
        return cq__db_fail(db, CQ_EINVALID, "cq_db_dump: out is NULL");
    bool mask = !(opts && opts->keep_timestamps);
    const dump_dialect *d = NULL;
    for (size_t i = 0; i < sizeof dialects / sizeof *dialects; i++)
        if (dialects[i].dialect == cq_db_dialect(db))
            d = &dialects[i];
    if (!d)
        return cq__db_fail(db, CQ_ENOTSUPPORTED, "cq_db_dump: no introspection for this dialect");
    cq_value *names = NULL;
    int rc = catalog_tables(&names, db, d->dialect, d->table_name_column);
    if (rc != CQ_OK)
        return rc;
    cq_value *dump = cq_value_object();
    if (!dump || sort_array(names, cmp_texts, NULL) != CQ_OK) {
        rc = oom(db);
        goto done;
    }
    /* the raw queries reset the error record; keep the table loop's own failures */
    for (size_t i = 0; i < cq_value_size(names); i++) {
        const char *name = cq_value_as_text(cq_value_array_get(names, i));
        if (!name)
            continue;
        raw_table raw;
        rc = d->table(&raw, db, name);
        if (rc != CQ_OK)
            goto done;
        cq_value *tbl = NULL;
        rc = finish_table(&tbl, &raw, mask);
        raw_table_free(&raw);
        if (rc != CQ_OK || cq_value_object_set(dump, name, tbl) != CQ_OK) {
            rc = oom(db);
            goto done;
        }
    }
    sort_keys_deep(dump);
    *out = dump;
    dump = NULL;
    cq__db_clear(db);
done:
    cq_value_free(names);
    cq_value_free(dump);
    return rc;
}

/* ---- the golden document (normalize.js) ------------------------------------------------------ */

static bool is_uuid(const char *s, size_t len)
{
    if (len != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-')
                return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return false;
        }
    }
    return true;
}

/* normalize.js UuidMap: lower-cased UUID -> "<uuid:N>" in order of first appearance. */
typedef struct uuid_map {
    char **keys;
    size_t n, cap;
    bool oom;
} uuid_map;

static long uuid_find(const uuid_map *m, const char *u)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcasecmp(m->keys[i], u) == 0)
            return (long)i;
    return -1;
}

static long uuid_get(uuid_map *m, const char *u)
{
    long i = uuid_find(m, u);
    if (i >= 0)
        return i;
    char *k = cq__strdup(u);
    if (!k || cq__grow((void **)&m->keys, &m->cap, m->n + 1, sizeof *m->keys) != CQ_OK) {
        free(k);
        m->oom = true;
        return -1;
    }
    for (char *p = k; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    m->keys[m->n] = k;
    return (long)m->n++;
}

static void uuid_map_free(uuid_map *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->keys[i]);
    free(m->keys);
}

static bool set_text(cq_value *v, const char *s)
{
    char *d = cq__strdup(s);
    if (!d)
        return false;
    cq__value_set_text(v, d, strlen(d));
    return true;
}

/* UuidMap#replace(), in place. */
static void uuid_replace(uuid_map *m, cq_value *v)
{
    switch (cq_value_type_of(v)) {
    case CQ_VALUE_TEXT:
        if (is_uuid(v->u.s.data, v->u.s.len)) {
            long i = uuid_get(m, v->u.s.data);
            char ph[40];
            snprintf(ph, sizeof ph, "<uuid:%ld>", i + 1);
            if (i < 0 || !set_text(v, ph))
                m->oom = true;
        }
        break;
    case CQ_VALUE_ARRAY:
    case CQ_VALUE_OBJECT:
        for (size_t i = 0; i < v->u.a.n; i++)
            uuid_replace(m, v->u.a.items[i]);
        break;
    default:
        break;
    }
}

/* normalize.js toPlain() for a tree that is already plain: Buffers (blobs) as hex, numbers
 * that are not finite as String(v). In place. */
static bool to_plain(cq_value *v)
{
    switch (cq_value_type_of(v)) {
    case CQ_VALUE_DOUBLE:
        if (!isfinite(v->u.d)) {
            char *s = js_string_of(v);
            if (!s)
                return false;
            cq__value_set_text(v, s, strlen(s));
        }
        return true;
    case CQ_VALUE_BLOB: {
        cq_value *h = hex_of(v);
        if (!h)
            return false;
        size_t len = h->u.s.len;
        char *d = cq__strndup(h->u.s.data, len);
        cq_value_free(h);
        if (!d)
            return false;
        cq__value_set_text(v, d, len);
        return true;
    }
    case CQ_VALUE_ARRAY:
    case CQ_VALUE_OBJECT:
        for (size_t i = 0; i < v->u.a.n; i++)
            if (!to_plain(v->u.a.items[i]))
                return false;
        return true;
    default:
        return true;
    }
}

/* normalize.js maskTimestamps(), in place. */
static bool mask_timestamps(cq_value *v)
{
    cq_value_type t = cq_value_type_of(v);
    if (t != CQ_VALUE_ARRAY && t != CQ_VALUE_OBJECT)
        return true;
    for (size_t i = 0; i < v->u.a.n; i++) {
        cq_value *item = v->u.a.items[i];
        if (t == CQ_VALUE_OBJECT && is_timestamp_column(v->u.a.keys[i]) && !is_js_object(item)) {
            if (cq_value_is_null(item))
                continue;
            cq_value *m = cq_value_text(TIMESTAMP_MARKER);
            if (!m)
                return false;
            cq_value_free(item);
            v->u.a.items[i] = m;
        } else if (!mask_timestamps(item)) {
            return false;
        }
    }
    return true;
}

static cq_value *uuid_sort_mask(const cq_value *v, void *ctx)
{
    const uuid_map *m = ctx;
    if (cq_value_type_of(v) != CQ_VALUE_TEXT || !is_uuid(v->u.s.data, v->u.s.len))
        return NULL;
    long i = uuid_find(m, v->u.s.data);
    if (i < 0)
        return cq_value_text("<uuid>");
    char ph[40];
    snprintf(ph, sizeof ph, "<uuid:%ld>", i + 1);
    return cq_value_text(ph);
}

/* normalize.js stabilizeDump(): rows ordered with not-yet-numbered UUIDs masked, numbered
 * in that order, then ordered again by their final values. */
static int stabilize_table(cq_value *tbl, uuid_map *uuids)
{
    const cq_value *cols = cq_value_object_get(tbl, "columns");
    cq_value *rows = cq_value_object_get(tbl, "rows");
    if (cq_value_type_of(cols) != CQ_VALUE_ARRAY || cq_value_type_of(rows) != CQ_VALUE_ARRAY)
        return CQ_EINVALID;
    cq_value *names = cq_value_array();
    int rc = names ? CQ_OK : CQ_ENOMEM;
    for (size_t c = 0; rc == CQ_OK && c < cq_value_size(cols); c++)
        rc = cq_value_array_append(
            names, cq_value_copy(cq_value_object_get(cq_value_array_get(cols, c), "name")));
    if (rc == CQ_OK)
        rc = sort_rows(rows, names, uuid_sort_mask, uuids);
    for (size_t r = 0; rc == CQ_OK && r < rows->u.a.n; r++)
        uuid_replace(uuids, rows->u.a.items[r]);
    if (rc == CQ_OK && uuids->oom)
        rc = CQ_ENOMEM;
    if (rc == CQ_OK)
        rc = sort_rows(rows, names, NULL, NULL);
    cq_value_free(names);
    return rc;
}

int cq_golden_normalize(cq_value **out, const cq_value *result, const cq_value *dump, cq_error *err)
{
    *out = NULL;
    if (cq_value_type_of(dump) != CQ_VALUE_OBJECT)
        return cq__err_set(err, CQ_EINVALID, "cq_golden_normalize: dump is not an object");
    uuid_map uuids = { 0 };
    cq_value *r = result ? cq_value_copy(result) : cq_value_null();
    cq_value *d = cq_value_object();
    cq_value *doc = NULL;
    int rc = r && d ? CQ_OK : CQ_ENOMEM;
    if (rc == CQ_OK && !(to_plain(r) && mask_timestamps(r)))
        rc = CQ_ENOMEM;
    if (rc == CQ_OK) {
        sort_keys_deep(r);
        uuid_replace(&uuids, r);
        if (uuids.oom)
            rc = CQ_ENOMEM;
    }
    /* tables in Array#sort order of their names */
    size_t nt = cq_value_size(dump);
    const char **tnames = calloc(nt ? nt : 1, sizeof *tnames);
    if (!tnames)
        rc = CQ_ENOMEM;
    for (size_t i = 0; rc == CQ_OK && i < nt; i++) {
        const char *name = cq_value_object_key(dump, i);
        size_t j = i;
        while (j > 0 && utf16_cmp(tnames[j - 1], name) > 0) {
            tnames[j] = tnames[j - 1];
            j--;
        }
        tnames[j] = name;
    }
    for (size_t i = 0; rc == CQ_OK && i < nt; i++) {
        cq_value *tbl = cq_value_copy(cq_value_object_get(dump, tnames[i]));
        if (!tbl) {
            rc = CQ_ENOMEM;
            break;
        }
        if (cq_value_type_of(tbl) != CQ_VALUE_OBJECT) {
            cq_value_free(tbl);
            rc = CQ_EINVALID;
            break;
        }
        rc = stabilize_table(tbl, &uuids);
        if (rc != CQ_OK)
            cq_value_free(tbl);
        else if (cq_value_object_set(d, tnames[i], tbl) != CQ_OK)
            rc = CQ_ENOMEM;
    }
    free(tnames);
    if (rc == CQ_OK) {
        doc = cq_value_object();
        if (cq_value_object_set(doc, "dump", d) != CQ_OK) {
            d = NULL; /* freed by the failed set */
            rc = CQ_ENOMEM;
        } else {
            d = NULL;
            rc = cq_value_object_set(doc, "result", r);
            r = NULL;
        }
        if (rc == CQ_OK)
            sort_keys_deep(doc);
    }
    uuid_map_free(&uuids);
    cq_value_free(r);
    cq_value_free(d);
    if (rc != CQ_OK) {
        cq_value_free(doc);
        return cq__err_set(err, rc,
                           rc == CQ_EINVALID ? "cq_golden_normalize: a table of the dump has no "
                                               "columns/rows arrays"
                                             : "out of memory");
    }
    *out = doc;
    return CQ_OK;
}

int cq_db_golden(char **out, cq_db *db, const cq_value *result)
{
    *out = NULL;
    cq_value *dump = NULL, *doc = NULL;
    int rc = cq_db_dump(&dump, db, NULL);
    if (rc != CQ_OK)
        return rc;
    cq_error err = { 0 };
    rc = cq_golden_normalize(&doc, result, dump, &err);
    cq_value_free(dump);
    if (rc != CQ_OK)
        return cq__db_fail(db, rc, "%s", err.message);
    rc = cq_golden_to_json(out, doc);
    cq_value_free(doc);
    return rc == CQ_OK ? CQ_OK : oom(db);
}
