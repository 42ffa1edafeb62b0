/* Column families, stored values and defaults in the dump's terms (dump.js familyOf(),
 * normalizeValue(), normalizeDefault(), normalizeDateString()). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/datetime.h"
#include "core/util.h"
#include "core/value_ops.h"
#include "dump/dump.h"

static const char *const timestamp_columns[] = { "createdAt",  "updatedAt", "created_at",
                                                 "updated_at", "deletedAt", "deleted_at" };

bool cq__dump_is_timestamp_column(const char *name)
{
    for (size_t i = 0; i < sizeof timestamp_columns / sizeof *timestamp_columns; i++)
        if (strcmp(name, timestamp_columns[i]) == 0)
            return true;
    return false;
}

static const char *const family_names[] = { "integer", "text", "real", "boolean", "datetime",
                                            "blob",    "uuid", "json", "other" };

const char *cq__family_name(cq__family f)
{
    return family_names[f];
}

cq__family cq__family_of(const char *name)
{
    for (size_t i = 0; i < sizeof family_names / sizeof *family_names; i++)
        if (name && strcmp(name, family_names[i]) == 0)
            return (cq__family)i;
    return CQ__FAM_OTHER;
}

static cq_value *text_take(char *s)
{
    if (!s)
        return NULL;
    cq_value *v = cq_value_text(s);
    cq__free(s);
    return v;
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
    cq__js_to_number(s, &d);
    return cq_value_double(d);
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

/* String(v) with its length: text as it is (NUL bytes included), a Buffer decoded. A new
 * string (cq__free), NULL on OOM. */
static char *js_string_n(const cq_value *v, size_t *len)
{
    size_t n = 0;
    if (cq_value_type_of(v) == CQ_VALUE_TEXT) {
        const char *s = cq__value_text_n(v, &n);
        *len = n;
        return cq__strndup(s, n);
    }
    if (cq_value_type_of(v) == CQ_VALUE_BLOB) {
        const void *p = cq_value_as_blob(v, &n);
        return cq__js_buffer_string(p, n, len);
    }
    char *s = cq__js_scalar_string(v);
    *len = s ? strlen(s) : 0;
    return s;
}

/* ---- dates -------------------------------------------------------------------------------- */

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

/* A date-time's fields as parsed; the offset is osign * (oh:om). */
typedef struct date_parts {
    int y, mo, d, h, mi, sec, ms, oh, om, osign;
} date_parts;

/* Seconds, milliseconds (V8 keeps three digits and drops the rest) and the offset after
 * "HH:MM" at `p`; false when the rest is not of that form or out of range. */
static bool parse_time_rest(const char *p, date_parts *t)
{
    if (*p == ':' && p[1] >= '0' && p[1] <= '9' && p[2] >= '0' && p[2] <= '9') {
        p = parse_digits(p + 1, 2, &t->sec);
        if (*p == '.' && p[1] >= '0' && p[1] <= '9') {
            int nd = 0;
            for (p++; *p >= '0' && *p <= '9'; p++, nd++)
                if (nd < 3)
                    t->ms = t->ms * 10 + (*p - '0');
            for (; nd < 3; nd++)
                t->ms *= 10;
        }
    }
    while (cq__js_is_space(*p))
        p++;
    if (*p == 'Z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        t->osign = *p == '-' ? -1 : 1;
        if (!(p = parse_digits(p + 1, 2, &t->oh)))
            return false;
        const char *q = *p == ':' ? p + 1 : p;
        if (q[0] >= '0' && q[0] <= '9' && q[1] >= '0' && q[1] <= '9')
            p = parse_digits(q, 2, &t->om);
    }
    return *p == '\0' && t->mo >= 1 && t->mo <= 12 && t->d >= 1 && t->d <= 31 && t->h <= 24 &&
           t->mi <= 59 && t->sec <= 59 && t->oh <= 23 && t->om <= 59 &&
           !(t->h == 24 && (t->mi || t->sec || t->ms));
}

/* Date#toISOString() of the instant `t` names. */
static char *iso_string(const date_parts *t)
{
    long long ms =
        ((cq__days_from_civil(t->y, t->mo, t->d) * 24 + t->h) * 60 + t->mi) * 60 + t->sec;
    ms = ms * 1000 + t->ms - (long long)t->osign * (t->oh * 60 + t->om) * 60000;
    char buf[32];
    cq__iso_from_ms(ms, buf);
    return cq__strdup(buf);
}

/* dump.js normalizeDateString(): "YYYY-MM-DD" as is; a date-time with an optional offset
 * as Date#toISOString() in UTC; anything else trimmed and unchanged. */
static char *normalize_date(const char *in)
{
    char *s = cq__js_trim(in);
    if (!s)
        return NULL;
    date_parts t = { .osign = 1 };
    const char *p = s;
    if (!(p = parse_digits(p, 4, &t.y)) || *p++ != '-' || !(p = parse_digits(p, 2, &t.mo)) ||
        *p++ != '-' || !(p = parse_digits(p, 2, &t.d)))
        return s;
    if (*p == '\0')
        return s; /* DATEONLY */
    if ((*p != ' ' && *p != 'T') || !(p = parse_digits(p + 1, 2, &t.h)) || *p++ != ':' ||
        !(p = parse_digits(p, 2, &t.mi)))
        return s;
    if (!parse_time_rest(p, &t))
        return s;
    cq__free(s);
    return iso_string(&t);
}

/* ---- stored values ------------------------------------------------------------------------ */

/* A Buffer in a column that is neither blob nor other: sortKeysDeep() turns it into an
 * object of its bytes keyed "0", "1", ... */
static cq_value *buffer_as_object(const cq_value *v)
{
    size_t n = 0;
    const unsigned char *p = cq_value_as_blob(v, &n);
    cq_value *o = cq_value_object();
    for (size_t i = 0; o && i < n; i++) {
        char k[24];
        snprintf(k, sizeof k, "%zu", i);
        if (cq_value_object_set(o, k, cq_value_int(p[i])) != CQ_OK) {
            cq_value_free(o);
            o = NULL;
        }
    }
    return o;
}

char *cq__dump_hex(const cq_value *blob)
{
    static const char hexd[] = "0123456789abcdef";
    size_t n = 0;
    const unsigned char *p = cq_value_as_blob(blob, &n);
    char *s = cq__malloc(n * 2 + 1);
    if (!s)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        s[2 * i] = hexd[p[i] >> 4];
        s[2 * i + 1] = hexd[p[i] & 15];
    }
    s[n * 2] = '\0';
    return s;
}

/* String(v) as a text value (NUL bytes kept). */
static cq_value *js_string_value(const cq_value *v)
{
    size_t n = 0;
    char *s = js_string_n(v, &n);
    cq_value *t = s ? cq_value_text_n(s, n) : NULL;
    cq__free(s);
    return t;
}

/* A datetime column's value: its string as a date, or, for a decoded Buffer holding NUL
 * bytes (no date), only trimmed. */
static cq_value *datetime_value(const cq_value *v)
{
    size_t n = 0;
    char *s = js_string_n(v, &n);
    if (!s || !memchr(s, '\0', n)) {
        char *d = s ? normalize_date(s) : NULL;
        cq__free(s);
        return text_take(d);
    }
    size_t a = 0, z = n;
    while (a < z && cq__js_is_space(s[a]))
        a++;
    while (z > a && cq__js_is_space(s[z - 1]))
        z--;
    cq_value *trimmed = cq_value_text_n(s + a, z - a);
    cq__free(s);
    return trimmed;
}

/* A uuid column's value: its string in lower case. */
static cq_value *uuid_value(const cq_value *v)
{
    size_t n = 0;
    char *s = js_string_n(v, &n);
    if (s)
        cq__js_lower(s, n);
    cq_value *t = s ? cq_value_text_n(s, n) : NULL;
    cq__free(s);
    return t;
}

/* 1/"1"/"true"/"t" read as 1 (true), 0/"0"/"false"/"f" as 0 (false); -1 for anything else. */
static int boolean_of(const cq_value *v)
{
    cq_value_type t = cq_value_type_of(v);
    const char *s = cq_value_as_text(v);
    bool num = t == CQ_VALUE_INT || t == CQ_VALUE_DOUBLE;
    double x = num ? cq_value_as_double(v) : -1;
    if ((num && x == 1) || (s && (!strcmp(s, "1") || !strcmp(s, "true") || !strcmp(s, "t"))))
        return 1;
    if ((num && x == 0) || (s && (!strcmp(s, "0") || !strcmp(s, "false") || !strcmp(s, "f"))))
        return 0;
    return -1;
}

/* A real column's text as a number; false to keep the text. */
static bool real_of_text(const char *s, double *out)
{
    char *tr = cq__js_trim(s);
    bool nonempty = tr && *tr;
    cq__free(tr);
    return nonempty && cq__js_to_number(s, out) && !isnan(*out);
}

/* The value of a JSON column: its text parsed, keys sorted; NULL to keep it as stored. */
static cq_value *json_of_text(const char *s)
{
    cq_value *parsed = NULL;
    if (cq_value_from_json(&parsed, s, NULL) != CQ_OK)
        return NULL; /* not JSON: the text as stored */
    cq__js_sort_keys_deep(parsed);
    return parsed;
}

/* normalizeValue() by family for a non-null value; NULL (with *keep) when the value stays
 * as it is. */
static cq_value *family_value(const cq_value *v, cq__family f, bool *keep)
{
    cq_value_type t = cq_value_type_of(v);
    const char *s = cq_value_as_text(v);
    cq_value *r = NULL;
    double d;
    int b;
    *keep = false;
    switch (f) {
    case CQ__FAM_INTEGER:
        if (s && is_numeric_text(s, false))
            return number_value(s);
        if (t == CQ_VALUE_BOOL)
            return cq_value_int(cq_value_as_bool(v));
        break;
    case CQ__FAM_REAL:
        if (s && real_of_text(s, &d))
            return cq_value_double(d);
        break;
    case CQ__FAM_BOOLEAN:
        if (t != CQ_VALUE_BOOL && (b = boolean_of(v)) >= 0)
            return cq_value_bool(b);
        break;
    case CQ__FAM_DATETIME:
        return datetime_value(v);
    case CQ__FAM_UUID:
        return uuid_value(v);
    case CQ__FAM_JSON:
        r = s ? json_of_text(s) : NULL;
        break;
    case CQ__FAM_BLOB:
        return t == CQ_VALUE_BLOB ? text_take(cq__dump_hex(v)) : js_string_value(v);
    case CQ__FAM_TEXT:
        if (t != CQ_VALUE_TEXT)
            return js_string_value(v);
        break;
    case CQ__FAM_OTHER:
        if (t == CQ_VALUE_BLOB)
            return text_take(cq__dump_hex(v));
        break;
    }
    *keep = r == NULL; /* JSON that does not parse stays the text it is */
    return r;
}

cq_value *cq__dump_value(const cq_value *v, cq__family f, const char *column, bool mask)
{
    if (mask && cq__dump_is_timestamp_column(column))
        return cq_value_is_null(v) ? cq_value_null() : cq_value_text(CQ__DUMP_TIMESTAMP);
    if (cq_value_is_null(v))
        return cq_value_null();
    bool keep = false;
    cq_value *r = family_value(v, f, &keep);
    if (!keep)
        return r;
    if (cq_value_type_of(v) == CQ_VALUE_BLOB)
        return buffer_as_object(v);
    return cq_value_copy(v);
}

/* ---- defaults ----------------------------------------------------------------------------- */

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

/* The default's text trimmed, without its casts and enclosing parentheses. NULL on OOM. */
static char *strip_default(const char *raw)
{
    char *s = cq__js_trim(raw);
    while (s && strip_cast(s)) {
        char *t = cq__js_trim(s);
        cq__free(s);
        s = t;
    }
    for (;;) {
        size_t n = s ? strlen(s) : 0;
        if (n < 2 || s[0] != '(' || s[n - 1] != ')' || strpbrk(s, "\n\r"))
            break;
        s[n - 1] = '\0';
        char *t = cq__js_trim(s + 1);
        cq__free(s);
        s = t;
    }
    return s;
}

/* The text of a quoted literal 's' of `n` bytes, its doubled quotes undone. */
static cq_value *unquote(const char *s, size_t n)
{
    char *u = cq__malloc(n);
    if (!u)
        return NULL;
    size_t k = 0;
    for (size_t i = 1; i + 1 < n; i++) {
        u[k++] = s[i];
        if (s[i] == '\'' && s[i + 1] == '\'' && i + 2 < n)
            i++;
    }
    u[k] = '\0';
    return text_take(u);
}

/* The literal a stripped default `s` writes: text, number or boolean; an {"expression"}
 * object for anything else. */
static cq_value *default_literal(const char *s)
{
    size_t n = strlen(s);
    if (n >= 2 && s[0] == '\'' && s[n - 1] == '\'')
        return unquote(s, n);
    if (is_numeric_text(s, true))
        return strchr(s, '.') ? cq_value_double(strtod(s, NULL)) : number_value(s);
    if (strcasecmp(s, "true") == 0 || strcasecmp(s, "false") == 0)
        return cq_value_bool(strcasecmp(s, "true") == 0);
    cq_value *o = cq_value_object();
    if (cq_value_object_set(o, "expression", cq_value_text(s)) != CQ_OK) {
        cq_value_free(o);
        o = NULL;
    }
    return o;
}

/* A default literal as the column's family reads it; `value` itself when it stays. */
static cq_value *default_of_family(cq_value *value, cq__family f)
{
    const char *str = cq_value_as_text(value);
    switch (f) {
    case CQ__FAM_BOOLEAN: {
        int b = boolean_of(value);
        return b >= 0 ? cq_value_bool(b) : value;
    }
    case CQ__FAM_INTEGER:
    case CQ__FAM_REAL: {
        double d;
        if (str && *str && cq__js_to_number(str, &d) && !isnan(d))
            return cq_value_double(d);
        return value;
    }
    case CQ__FAM_TEXT:
    case CQ__FAM_UUID:
        return str ? value : text_take(cq__js_scalar_string(value));
    case CQ__FAM_DATETIME: {
        char *t = cq__js_scalar_string(value);
        cq_value *r = t ? text_take(normalize_date(t)) : NULL;
        cq__free(t);
        return r;
    }
    default:
        return value;
    }
}

int cq__dump_default(cq_value **out, const char *raw, cq__family f)
{
    *out = NULL;
    if (!raw)
        return CQ_OK;
    char *s = strip_default(raw);
    if (!s)
        return CQ_ENOMEM;
    if (strncasecmp(s, "nextval(", 8) == 0 || strcasecmp(s, "null") == 0) {
        cq__free(s);
        return CQ_OK;
    }
    cq_value *value = default_literal(s);
    bool expression = cq_value_type_of(value) == CQ_VALUE_OBJECT;
    cq__free(s);
    if (!value)
        return CQ_ENOMEM;
    cq_value *res = expression ? value : default_of_family(value, f);
    if (res != value)
        cq_value_free(value);
    *out = res;
    return res ? CQ_OK : CQ_ENOMEM;
}
