/*
 * JavaScript's rules (core/js.h): the operations of Node.js that Sequelize's output depends
 * on, reproduced so that cequel prints, orders and reads values as Sequelize does. Each
 * function names the operation it copies.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/js.h"
#include "core/value_ops.h"

/* ---- strings ------------------------------------------------------------------------------ */

uint32_t cq__js_utf8_next(const char **ps, const char *end)
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

void cq__js_put_utf8(cq__buf *b, uint32_t c)
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

int cq__js_strcmp_n(const char *a, size_t an, const char *b, size_t bn)
{
    const char *ae = a + an, *be = b + bn;
    while (a < ae && b < be) {
        uint32_t ca = cq__js_utf8_next(&a, ae), cb = cq__js_utf8_next(&b, be);
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

int cq__js_strcmp(const char *a, const char *b)
{
    return cq__js_strcmp_n(a, strlen(a), b, strlen(b));
}

size_t cq__js_strlen(const char *s, size_t n)
{
    const char *end = s + n;
    size_t len = 0;
    while (s < end) {
        uint32_t c = cq__js_utf8_next(&s, end);
        len += c >= 0x10000 ? 2 : 1;
    }
    return len;
}

/* An array index ("0", "17", at most 2^32 - 2). */
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

int cq__js_key_cmp(const char *a, const char *b)
{
    unsigned long long na = 0, nb = 0;
    bool ia = is_index_key(a, &na), ib = is_index_key(b, &nb);
    if (ia && ib)
        return na < nb ? -1 : na > nb;
    if (ia != ib)
        return ia ? -1 : 1;
    return cq__js_strcmp(a, b);
}

bool cq__js_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

char *cq__js_trim(const char *s)
{
    while (cq__js_is_space(*s))
        s++;
    size_t n = strlen(s);
    while (n && cq__js_is_space(s[n - 1]))
        n--;
    return cq__strndup(s, n);
}

/* The lower-case letter of code point `c` within the scripts cq__js_lower() handles. */
static uint32_t lower_of(uint32_t c)
{
    if (c >= 'A' && c <= 'Z')
        return c + 32;
    if ((c >= 0xC0 && c <= 0xDE && c != 0xD7) || (c >= 0x391 && c <= 0x3AB && c != 0x3A2) ||
        (c >= 0x410 && c <= 0x42F))
        return c + 32;
    if (c >= 0x400 && c <= 0x40F)
        return c + 80;
    if (c == 0x178)
        return 0xFF;
    if ((c >= 0x100 && c <= 0x12F) || (c >= 0x132 && c <= 0x137) || (c >= 0x14A && c <= 0x177))
        return c | 1;
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
        return (c & 1) ? c + 1 : c;
    return c;
}

void cq__js_lower(char *s, size_t n)
{
    char *end = s + n;
    while (s < end) {
        char *at = s;
        uint32_t c = cq__js_utf8_next((const char **)&s, end);
        uint32_t l = lower_of(c);
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

/* The bytes of the UTF-8 sequence led by `c` (its payload bits left in *c) and the range of
 * its second byte; 0 for a byte that starts none. */
static int utf8_lead(unsigned *c, unsigned *lo, unsigned *hi)
{
    *lo = 0x80, *hi = 0xBF;
    if (*c >= 0xC2 && *c <= 0xDF) {
        *c &= 0x1F;
        return 1;
    }
    if (*c >= 0xE0 && *c <= 0xEF) {
        *lo = *c == 0xE0 ? 0xA0 : 0x80, *hi = *c == 0xED ? 0x9F : 0xBF;
        *c &= 0x0F;
        return 2;
    }
    if (*c >= 0xF0 && *c <= 0xF4) {
        *lo = *c == 0xF0 ? 0x90 : 0x80, *hi = *c == 0xF4 ? 0x8F : 0xBF;
        *c &= 0x07;
        return 3;
    }
    return 0;
}

char *cq__js_buffer_string(const void *data, size_t n, size_t *len_out)
{
    const unsigned char *s = data;
    size_t i = 0;
    cq__buf b = { 0 };
    cq__buf_putn(&b, "", 0);
    while (i < n) {
        unsigned c = s[i], lo, hi;
        if (c < 0x80) {
            cq__buf_putc(&b, (char)c);
            i++;
            continue;
        }
        int need = utf8_lead(&c, &lo, &hi);
        size_t j = i + 1;
        bool ok = need > 0;
        for (int k = 0; ok && k < need; k++, j++) {
            if (j >= n || s[j] < lo || s[j] > hi) {
                ok = false;
                break;
            }
            c = (c << 6) | (s[j] & 0x3F);
            lo = 0x80, hi = 0xBF;
        }
        cq__js_put_utf8(&b, ok ? c : 0xFFFD);
        i = j;
    }
    *len_out = b.len;
    char *out = cq__buf_take(&b);
    if (!out)
        *len_out = 0;
    return out;
}

/* ---- numbers ------------------------------------------------------------------------------ */

/* The shortest decimal digits that read back as `d` (no trailing zeros), its sign and its
 * decimal exponent: d = [-]0.digits * 10^(*exp + 1). */
static size_t shortest_digits(char digits[24], bool *neg, int *exp, double d)
{
    char buf[CQ__JS_NUMBER_MAX];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*e", prec - 1, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    size_t k = 0;
    const char *p = buf;
    *neg = *p == '-';
    if (*neg)
        p++;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9' && k < 23)
            digits[k++] = *p;
    digits[k] = '\0';
    while (k > 1 && digits[k - 1] == '0')
        digits[--k] = '\0';
    *exp = *p == 'e' ? atoi(p + 1) : 0;
    return k;
}

void cq__js_number(char out[CQ__JS_NUMBER_MAX], double d)
{
    if (d == 0) {
        strcpy(out, "0");
        return;
    }
    char digits[24];
    bool neg;
    int e;
    size_t k = shortest_digits(digits, &neg, &e, d);
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

void cq__js_number_any(char out[CQ__JS_NUMBER_MAX], double d)
{
    if (isnan(d))
        snprintf(out, CQ__JS_NUMBER_MAX, "NaN");
    else if (isinf(d))
        snprintf(out, CQ__JS_NUMBER_MAX, d < 0 ? "-Infinity" : "Infinity");
    else
        cq__js_number(out, d);
}

void cq__js_int(char out[CQ__JS_NUMBER_MAX], int64_t i)
{
    if (i > 9007199254740992LL || i < -9007199254740992LL)
        cq__js_number(out, (double)i);
    else
        snprintf(out, CQ__JS_NUMBER_MAX, "%lld", (long long)i);
}

/* The 0x / 0o / 0b literal of StringToNumber (`p` after the prefix, `base` its radix). */
static bool radix_to_number(const char *p, int base, double *out)
{
    double v = 0;
    bool ok = *p != '\0';
    for (; *p && ok; p++) {
        int dv = (*p >= '0' && *p <= '9')   ? *p - '0'
                 : (*p >= 'a' && *p <= 'f') ? *p - 'a' + 10
                 : (*p >= 'A' && *p <= 'F') ? *p - 'A' + 10
                                            : 99;
        if (dv >= base)
            ok = false;
        v = v * base + dv;
    }
    *out = v;
    return ok;
}

/* The StrDecimalLiteral of StringToNumber: [+-] digits [. digits] [e [+-] digits]. */
static bool decimal_to_number(const char *p, double *out)
{
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
    bool ok = int_digits + frac_digits > 0;
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
    return ok;
}

bool cq__js_to_number(const char *s, double *out)
{
    char *t = cq__js_trim(s);
    if (!t)
        return false;
    bool ok = true;
    const char *p = t;
    if (!*p) {
        *out = 0;
    } else if (strcmp(p, "Infinity") == 0 || strcmp(p, "+Infinity") == 0) {
        *out = INFINITY;
    } else if (strcmp(p, "-Infinity") == 0) {
        *out = -INFINITY;
    } else if (p[0] == '0' && strchr("xXoObB", p[1]) && p[1]) {
        int base = (p[1] == 'x' || p[1] == 'X') ? 16 : (p[1] == 'o' || p[1] == 'O') ? 8 : 2;
        ok = radix_to_number(p + 2, base, out);
    } else {
        ok = decimal_to_number(p, out);
    }
    cq__free(t);
    return ok;
}

/* ---- values ------------------------------------------------------------------------------- */

void cq__js_quote(cq__buf *b, const char *s, size_t n)
{
    cq__buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = c == '"'    ? "\\\""
                          : c == '\\' ? "\\\\"
                          : c == '\b' ? "\\b"
                          : c == '\f' ? "\\f"
                          : c == '\n' ? "\\n"
                          : c == '\r' ? "\\r"
                          : c == '\t' ? "\\t"
                                      : NULL;
        if (esc)
            cq__buf_put(b, esc);
        else if (c < 0x20)
            cq__buf_printf(b, "\\u%04x", c);
        else
            cq__buf_putc(b, (char)c);
    }
    cq__buf_putc(b, '"');
}

static void stringify_container(cq__buf *b, const cq_value *v)
{
    bool obj = cq_value_type_of(v) == CQ_VALUE_OBJECT;
    cq__buf_putc(b, obj ? '{' : '[');
    for (size_t i = 0; i < cq_value_size(v); i++) {
        if (i)
            cq__buf_putc(b, ',');
        if (obj) {
            const char *k = cq_value_object_key(v, i);
            cq__js_quote(b, k, strlen(k));
            cq__buf_putc(b, ':');
        }
        cq__js_stringify(b, obj ? cq_value_object_value(v, i) : cq_value_array_get(v, i));
    }
    cq__buf_putc(b, obj ? '}' : ']');
}

void cq__js_stringify(cq__buf *b, const cq_value *v)
{
    char num[CQ__JS_NUMBER_MAX];
    size_t n = 0;
    const char *s = NULL;
    switch (cq_value_type_of(v)) {
    case CQ_VALUE_NULL:
        cq__buf_put(b, "null");
        break;
    case CQ_VALUE_BOOL:
        cq__buf_put(b, cq_value_as_bool(v) ? "true" : "false");
        break;
    case CQ_VALUE_INT:
        cq__js_int(num, cq_value_as_int(v));
        cq__buf_put(b, num);
        break;
    case CQ_VALUE_DOUBLE:
        if (!isfinite(cq_value_as_double(v))) {
            cq__buf_put(b, "null");
            break;
        }
        cq__js_number(num, cq_value_as_double(v));
        cq__buf_put(b, num);
        break;
    case CQ_VALUE_TEXT:
        s = cq__value_text_n(v, &n);
        cq__js_quote(b, s, n);
        break;
    case CQ_VALUE_BLOB: {
        const unsigned char *p = cq_value_as_blob(v, &n);
        cq__buf_put(b, "{\"type\":\"Buffer\",\"data\":[");
        for (size_t i = 0; i < n; i++)
            cq__buf_printf(b, "%s%u", i ? "," : "", (unsigned)p[i]);
        cq__buf_put(b, "]}");
        break;
    }
    case CQ_VALUE_ARRAY:
    case CQ_VALUE_OBJECT:
        stringify_container(b, v);
        break;
    }
}

char *cq__js_scalar_string(const cq_value *v)
{
    char num[CQ__JS_NUMBER_MAX];
    switch (cq_value_type_of(v)) {
    case CQ_VALUE_NULL:
        return cq__strdup("null");
    case CQ_VALUE_BOOL:
        return cq__strdup(cq_value_as_bool(v) ? "true" : "false");
    case CQ_VALUE_INT:
        cq__js_int(num, cq_value_as_int(v));
        return cq__strdup(num);
    case CQ_VALUE_DOUBLE:
        cq__js_number_any(num, cq_value_as_double(v));
        return cq__strdup(num);
    case CQ_VALUE_TEXT:
        return cq__strdup(cq_value_as_text(v));
    case CQ_VALUE_BLOB: {
        size_t n = 0, len = 0;
        const void *p = cq_value_as_blob(v, &n);
        char *t = cq__js_buffer_string(p, n, &len);
        char *s = t ? cq__strdup(t) : NULL;
        cq__free(t);
        return s;
    }
    default: {
        cq__buf b = { 0 };
        cq__js_stringify(&b, v);
        return cq__buf_take(&b);
    }
    }
}

/* ---- sorting ------------------------------------------------------------------------------ */

static void merge_sort(void **a, void **tmp, size_t n, cq__js_cmp cmp, void *ctx)
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

int cq__js_sort(void **items, size_t n, cq__js_cmp cmp, void *ctx)
{
    if (n < 2)
        return CQ_OK;
    void **tmp = cq__malloc(n * sizeof *tmp);
    if (!tmp)
        return CQ_ENOMEM;
    merge_sort(items, tmp, n, cmp, ctx);
    cq__free(tmp);
    return CQ_OK;
}

void cq__js_sort_keys_deep(cq_value *v)
{
    cq_value_type t = cq_value_type_of(v);
    if (t != CQ_VALUE_ARRAY && t != CQ_VALUE_OBJECT)
        return;
    for (size_t i = 0; i < cq_value_size(v); i++)
        cq__js_sort_keys_deep(t == CQ_VALUE_OBJECT ? cq_value_object_value(v, i)
                                                   : cq_value_array_get(v, i));
    cq__value_object_sort_keys(v, cq__js_key_cmp);
}
