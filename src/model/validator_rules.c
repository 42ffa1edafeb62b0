/* The built-in validators of Sequelize v6: the rules of validator.js 13 (the library v6
 * calls) and of Sequelize's own additions (utils/validator-extras.js), ported rule by rule.
 * Regular expressions run on PCRE2 with JavaScript-compatible options; the patterns below
 * are validator.js's, in JavaScript syntax (\uXXXX escapes). Differences from the JavaScript
 * originals are listed in docs/validation.md. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/datetime.h"
#include "core/js.h"
#include "core/util.h"
#include "model/validate.h"

/* ---- JavaScript helpers ----------------------------------------------------------- */

static void js_string_into(cq__buf *b, const cq_value *v, bool top)
{
    char num[CQ__JS_NUMBER_MAX];
    switch (cq_value_type_of(v)) {
    case CQ_VALUE_NULL:
        /* String(null) is "null"; inside an array (Array#join) it is empty */
        if (top)
            cq__buf_put(b, "null");
        break;
    case CQ_VALUE_BOOL:
        cq__buf_put(b, cq_value_as_bool(v) ? "true" : "false");
        break;
    case CQ_VALUE_INT:
        cq__buf_printf(b, "%lld", (long long)cq_value_as_int(v));
        break;
    case CQ_VALUE_DOUBLE:
        cq__js_number_any(num, cq_value_as_double(v));
        cq__buf_put(b, num);
        break;
    case CQ_VALUE_TEXT:
        cq__buf_put(b, cq_value_as_text(v));
        break;
    case CQ_VALUE_BLOB: {
        size_t n = 0;
        const void *data = cq_value_as_blob(v, &n);
        cq__buf_putn(b, data, n); /* Buffer#toString: the bytes as UTF-8 */
        break;
    }
    case CQ_VALUE_ARRAY:
        for (size_t i = 0; i < cq_value_size(v); i++) {
            if (i)
                cq__buf_putc(b, ',');
            js_string_into(b, cq_value_array_get(v, i), false);
        }
        break;
    case CQ_VALUE_OBJECT:
        cq__buf_put(b, "[object Object]");
        break;
    }
}

char *cq__js_string(const cq_value *v)
{
    cq__buf b = { 0 };
    cq__buf_put(&b, "");
    js_string_into(&b, v, true);
    return cq__buf_take(&b);
}

/* Number(value) as JavaScript's comparison operators convert an argument. */
static double js_to_number(const cq_value *v)
{
    switch (cq_value_type_of(v)) {
    case CQ_VALUE_NULL:
        return 0;
    case CQ_VALUE_BOOL:
        return cq_value_as_bool(v) ? 1 : 0;
    case CQ_VALUE_INT:
    case CQ_VALUE_DOUBLE:
        return cq_value_as_double(v);
    case CQ_VALUE_TEXT: {
        const char *s = cq_value_as_text(v);
        while (isspace((unsigned char)*s))
            s++;
        if (!*s)
            return 0;
        char *end = NULL;
        double d = strtod(s, &end);
        while (end && isspace((unsigned char)*end))
            end++;
        return end && !*end && !strchr(s, 'x') && !strchr(s, 'X') && !strchr(s, 'n') &&
                       !strchr(s, 'N')
                   ? d
                   : NAN;
    }
    default:
        return NAN;
    }
}

/* parseFloat: the longest leading decimal literal after white space, else NaN. */
static double js_parse_float(const char *s)
{
    while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
        s++;
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    if (strncmp(p, "Infinity", 8) == 0)
        return *s == '-' ? -INFINITY : INFINITY;
    const char *digits = p;
    while (isdigit((unsigned char)*p))
        p++;
    bool any = p > digits;
    if (*p == '.') {
        const char *f = ++p;
        while (isdigit((unsigned char)*p))
            p++;
        any |= p > f;
    }
    if (!any)
        return NAN;
    if (*p == 'e' || *p == 'E') {
        const char *e = p + 1;
        if (*e == '+' || *e == '-')
            e++;
        if (isdigit((unsigned char)*e)) {
            while (isdigit((unsigned char)*e))
                e++;
            p = e;
        }
    }
    char *num = cq__strndup(s, (size_t)(p - s));
    double d = num ? strtod(num, NULL) : NAN;
    cq__free(num);
    return d;
}

/* ---- regular expressions ------------------------------------------------------------ */

/* JavaScript semantics on PCRE2: \uXXXX and \u{...} escapes (ALT_BSUX), `[^]` matches any
 * character and `[]` none (ALLOW_EMPTY_CLASS), a back reference to an unset group matches
 * the empty string (MATCH_UNSET_BACKREF), `$` only at the very end without `m`
 * (DOLLAR_ENDONLY), and `.` stops at line terminators (NEWLINE_ANY). */
static void *pcre_malloc(PCRE2_SIZE size, void *user_data)
{
    (void)user_data;
    return cq__malloc(size);
}

static void pcre_free(void *p, void *user_data)
{
    (void)user_data;
    cq__free(p);
}

static int regex_test(const char *pattern, uint32_t options, const char *subject, size_t len,
                      bool sticky, char *err, size_t err_size)
{
    /* PCRE2's memory goes through cequel's allocator too: the general context hands it to the
     * compiled pattern, whose functions the match data and pcre2_match then use */
    pcre2_general_context *gc = pcre2_general_context_create(pcre_malloc, pcre_free, NULL);
    pcre2_compile_context *cc = gc ? pcre2_compile_context_create(gc) : NULL;
    if (!cc) {
        pcre2_general_context_free(gc);
        return CQ__RULE_NOMEM;
    }
    pcre2_set_compile_extra_options(cc, PCRE2_EXTRA_ALT_BSUX);
    pcre2_set_newline(cc, PCRE2_NEWLINE_ANY);
    int errcode = 0;
    PCRE2_SIZE erroff = 0;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                                   options | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_ALT_BSUX |
                                       PCRE2_ALLOW_EMPTY_CLASS | PCRE2_MATCH_UNSET_BACKREF |
                                       PCRE2_DOLLAR_ENDONLY,
                                   &errcode, &erroff, cc);
    pcre2_compile_context_free(cc);
    if (!re && errcode == 121) { /* PCRE2 compile error 121: "failed to allocate heap memory" */
        pcre2_general_context_free(gc);
        return CQ__RULE_NOMEM;
    }
    if (!re) {
        pcre2_general_context_free(gc);
        PCRE2_UCHAR text[256];
        pcre2_get_error_message(errcode, text, sizeof text);
        snprintf(err, err_size, "Invalid regular expression: /%s/: %s", pattern, (char *)text);
        return CQ__RULE_THROW;
    }
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, gc);
    int rc = CQ__RULE_NOMEM;
    if (md) {
        int m = pcre2_match(re, (PCRE2_SPTR)subject, len, 0, sticky ? PCRE2_ANCHORED : 0, md, NULL);
        if (m >= 0)
            rc = CQ__RULE_PASS;
        else if (m == PCRE2_ERROR_NOMATCH)
            rc = CQ__RULE_FAIL;
        else if (m == PCRE2_ERROR_NOMEMORY)
            rc = CQ__RULE_NOMEM;
        else {
            PCRE2_UCHAR text[256];
            pcre2_get_error_message(m, text, sizeof text);
            snprintf(err, err_size, "regular expression /%s/: %s", pattern, (char *)text);
            rc = CQ__RULE_THROW;
        }
    }
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    pcre2_general_context_free(gc);
    return rc;
}

int cq__js_regex_test(const char *pattern, const char *flags, const char *subject, char *err,
                      size_t err_size)
{
    uint32_t opts = 0;
    bool sticky = false;
    for (const char *f = flags ? flags : ""; *f; f++) {
        const char *dup = strchr(f + 1, *f);
        switch (dup ? 0 : *f) {
        case 'i':
            opts |= PCRE2_CASELESS;
            break;
        case 'm':
            opts |= PCRE2_MULTILINE;
            break;
        case 's':
            opts |= PCRE2_DOTALL;
            break;
        case 'y':
            sticky = true;
            break;
        case 'g': /* String#match is truthy on any match, global or not */
        case 'u':
        case 'd':
            break;
        default:
            snprintf(err, err_size, "Invalid flags supplied to RegExp constructor '%s'", flags);
            return CQ__RULE_THROW;
        }
    }
    return regex_test(pattern, opts, subject, strlen(subject), sticky, err, err_size);
}

/* A fixed pattern of this file: compile errors cannot happen. */
static int re(const char *pattern, bool caseless, const char *s)
{
    char err[8];
    return regex_test(pattern, caseless ? PCRE2_CASELESS : 0, s, strlen(s), false, err, sizeof err);
}

/* ---- argument access -------------------------------------------------------------- */

static const cq_value *arg(const cq_value *args, size_t i)
{
    return i < cq_value_size(args) ? cq_value_array_get(args, i) : NULL;
}

static bool is_obj(const cq_value *v)
{
    return cq_value_type_of(v) == CQ_VALUE_OBJECT;
}

/* options.key of an options object (NULL when absent or not an object). */
static const cq_value *opt(const cq_value *options, const char *key)
{
    return is_obj(options) ? cq_value_object_get(options, key) : NULL;
}

/* JavaScript truthiness. */
static bool truthy(const cq_value *v)
{
    switch (cq_value_type_of(v)) {
    case CQ_VALUE_NULL:
        return false;
    case CQ_VALUE_BOOL:
        return cq_value_as_bool(v);
    case CQ_VALUE_INT:
    case CQ_VALUE_DOUBLE: {
        double d = cq_value_as_double(v);
        return d != 0 && !isnan(d);
    }
    case CQ_VALUE_TEXT:
        return cq_value_as_text(v)[0] != 0;
    default:
        return true;
    }
}

static bool opt_flag(const cq_value *options, const char *key, bool dflt)
{
    const cq_value *v = opt(options, key);
    return v ? truthy(v) : dflt;
}

/* ---- UTF-8 ------------------------------------------------------------------------ */

/* Next code point of `s` (advancing *i); invalid bytes read as themselves. */
static uint32_t next_cp(const char *s, size_t *i)
{
    const unsigned char *u = (const unsigned char *)s + *i;
    uint32_t c = u[0];
    int n = c < 0x80 ? 0 : c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    if (n) {
        c &= 0x3F >> n;
        for (int k = 1; k <= n; k++) {
            if ((u[k] & 0xC0) != 0x80) {
                n = k - 1;
                break;
            }
            c = (c << 6) | (u[k] & 0x3F);
        }
    }
    *i += (size_t)n + 1;
    return c;
}

/* JavaScript's String#length: UTF-16 code units. */
static size_t js_length(const char *s)
{
    size_t n = 0;
    for (size_t i = 0; s[i];)
        n += next_cp(s, &i) >= 0x10000 ? 2 : 1;
    return n;
}

/* ---- validator.js rules ------------------------------------------------------------ */

/* isIP(str, version): validator.js's IPv4 and IPv6 expressions. */
#define IPV4_SEG "(?:[0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])"
#define IPV4     "(" IPV4_SEG "[.]){3}" IPV4_SEG
#define IPV6_SEG "(?:[0-9a-fA-F]{1,4})"
static const char ipv6_re[] =
    "^("
    "(?:" IPV6_SEG ":){7}(?:" IPV6_SEG "|:)|"
    "(?:" IPV6_SEG ":){6}(?:" IPV4 "|:" IPV6_SEG "|:)|"
    "(?:" IPV6_SEG ":){5}(?::" IPV4 "|(:" IPV6_SEG "){1,2}|:)|"
    "(?:" IPV6_SEG ":){4}(?:(:" IPV6_SEG "){0,1}:" IPV4 "|(:" IPV6_SEG "){1,3}|:)|"
    "(?:" IPV6_SEG ":){3}(?:(:" IPV6_SEG "){0,2}:" IPV4 "|(:" IPV6_SEG "){1,4}|:)|"
    "(?:" IPV6_SEG ":){2}(?:(:" IPV6_SEG "){0,3}:" IPV4 "|(:" IPV6_SEG "){1,5}|:)|"
    "(?:" IPV6_SEG ":){1}(?:(:" IPV6_SEG "){0,4}:" IPV4 "|(:" IPV6_SEG "){1,6}|:)|"
    "(?::((?::" IPV6_SEG "){0,5}:" IPV4 "|(?::" IPV6_SEG "){1,7}|:))"
    ")(%[0-9a-zA-Z.]{1,})?$";

static bool is_ip(const char *s, int version)
{
    if (version == 4)
        return re("^" IPV4 "$", false, s) == CQ__RULE_PASS;
    if (version == 6)
        return re(ipv6_re, false, s) == CQ__RULE_PASS;
    return is_ip(s, 4) || is_ip(s, 6);
}

/* The version argument of isIP: 4, 6, "4", "6", or an object's `version`; 0 = either; -1 =
 * something else (no address matches). */
static int ip_version(const cq_value *a)
{
    const cq_value *v = is_obj(a) ? opt(a, "version") : a;
    if (!truthy(v))
        return 0;
    char *t = cq__js_string(v);
    int r = !t ? -1 : strcmp(t, "4") == 0 ? 4 : strcmp(t, "6") == 0 ? 6 : -1;
    cq__free(t);
    return r;
}

/* Splits `s` at every `sep` into a NULL-terminated array of copies (JavaScript split). */
static char **split(const char *s, char sep, size_t *n_out)
{
    size_t n = 1;
    for (const char *p = s; *p; p++)
        n += *p == sep;
    char **parts = cq__calloc(n + 1, sizeof *parts);
    if (!parts)
        return NULL;
    const char *start = s;
    for (size_t i = 0; i < n; i++) {
        const char *end = strchr(start, sep);
        if (!end)
            end = start + strlen(start);
        if (!(parts[i] = cq__strndup(start, (size_t)(end - start)))) {
            for (size_t k = 0; k < i; k++)
                cq__free(parts[k]);
            cq__free(parts);
            return NULL;
        }
        start = end + 1;
    }
    *n_out = n;
    return parts;
}

static void free_parts(char **parts)
{
    for (size_t i = 0; parts && parts[i]; i++)
        cq__free(parts[i]);
    cq__free(parts);
}

/* isFQDN(str, options) */
static int is_fqdn(const char *str, bool require_tld, bool allow_underscores,
                   bool allow_trailing_dot, bool allow_numeric_tld, bool allow_wildcard,
                   bool ignore_max_length)
{
    char *s = cq__strdup(str);
    if (!s)
        return CQ__RULE_NOMEM;
    size_t len = strlen(s);
    if (allow_trailing_dot && len && s[len - 1] == '.')
        s[--len] = 0;
    const char *body = s;
    if (allow_wildcard && strncmp(body, "*.", 2) == 0)
        body += 2;
    size_t n = 0;
    char **parts = split(body, '.', &n);
    cq__free(s);
    if (!parts)
        return CQ__RULE_NOMEM;
    const char *tld = parts[n - 1];
    int ok = CQ__RULE_PASS;
    if (require_tld) {
        if (n < 2)
            ok = CQ__RULE_FAIL;
        else if (!allow_numeric_tld &&
                 re("^([a-z\\u00A1-\\u00A8\\u00AA-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFEF]{2,}|"
                    "xn[a-z0-9-]{2,})$",
                    true, tld) != CQ__RULE_PASS)
            ok = CQ__RULE_FAIL;
        else if (re("[\\s\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f"
                    "\\u3000\\ufeff]",
                    false, tld) == CQ__RULE_PASS)
            ok = CQ__RULE_FAIL;
    }
    if (ok == CQ__RULE_PASS && !allow_numeric_tld && re("^\\d+$", false, tld) == CQ__RULE_PASS)
        ok = CQ__RULE_FAIL;
    for (size_t i = 0; ok == CQ__RULE_PASS && i < n; i++) {
        const char *part = parts[i];
        if (js_length(part) > 63 && !ignore_max_length)
            ok = CQ__RULE_FAIL;
        else if (re("^[a-z_\\u00a1-\\uffff0-9-]+$", true, part) != CQ__RULE_PASS)
            ok = CQ__RULE_FAIL;
        else if (re("[\\uff01-\\uff5e]", false, part) == CQ__RULE_PASS)
            ok = CQ__RULE_FAIL;
        else if (part[0] == '-' || part[strlen(part) - 1] == '-')
            ok = CQ__RULE_FAIL;
        else if (!allow_underscores && strchr(part, '_'))
            ok = CQ__RULE_FAIL;
    }
    free_parts(parts);
    return ok;
}

/* checkHost: `host` equals a string of the list (regular expressions cannot be given). */
static bool check_host(const char *host, const cq_value *list)
{
    for (size_t i = 0; i < cq_value_size(list); i++) {
        const cq_value *m = cq_value_array_get(list, i);
        if (cq_value_type_of(m) == CQ_VALUE_TEXT && strcmp(cq_value_as_text(m), host) == 0)
            return true;
    }
    return false;
}

static size_t utf8_bytes(const char *s)
{
    return strlen(s);
}

/* validateDisplayName of isEmail */
static bool valid_display_name(const char *name)
{
    size_t n = strlen(name);
    char *inner = NULL;
    if (n >= 3 && name[0] == '"' && name[n - 1] == '"')
        inner = cq__strndup(name + 1, n - 2);
    else
        inner = cq__strdup(name);
    if (!inner)
        return false;
    bool ok = false;
    for (const char *p = inner; *p; p++)
        if (!isspace((unsigned char)*p))
            ok = true;
    if (ok && strpbrk(inner, ".\";<>")) {
        if (strcmp(inner, name) == 0) {
            ok = false;
        } else {
            /* every quote inside must be escaped: split('"') and split('\\"') agree */
            size_t quotes = 0, escaped = 0;
            for (const char *p = inner; *p; p++) {
                quotes += *p == '"';
                escaped += p[0] == '\\' && p[1] == '"';
            }
            ok = quotes == escaped;
        }
    }
    cq__free(inner);
    return ok;
}

/* isEmail's display name step (`Name <user@host>`): the name checked and taken out of str,
 * in place. */
static int email_display_name(char *str, bool require)
{
    /* ^([^\x00-\x1F\x7F-\x9F\cX]+)< */
    const char *lt = strchr(str, '<');
    bool named = false;
    if (lt && lt > str) {
        named = true;
        size_t i = 0, end = (size_t)(lt - str);
        while (i < end) {
            uint32_t c = next_cp(str, &i);
            if (c <= 0x1F || (c >= 0x7F && c <= 0x9F))
                named = false;
        }
    }
    if (!named)
        return require ? CQ__RULE_FAIL : CQ__RULE_PASS;
    size_t nlen = (size_t)(lt - str);
    char *name = cq__strndup(str, nlen);
    if (!name)
        return CQ__RULE_NOMEM;
    /* str.replace(display_name, '').replace(/(^<|>$)/g, '') */
    size_t rest = strlen(lt);
    memmove(str, lt + 1, rest);
    rest = strlen(str);
    if (rest && str[rest - 1] == '>')
        str[rest - 1] = 0;
    if (nlen && name[nlen - 1] == ' ')
        name[nlen - 1] = 0;
    bool ok = valid_display_name(name);
    cq__free(name);
    return ok ? CQ__RULE_PASS : CQ__RULE_FAIL;
}

/* domain_specific_validation for Gmail: the user (lowered in place) without dots and what
 * follows a '+' is 6 to 30 letters and digits, in non-empty dot-separated parts. */
static bool gmail_user_ok(char *user)
{
    for (char *p = user; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    char *plus = strchr(user, '+');
    size_t ulen = plus ? (size_t)(plus - user) : strlen(user);
    size_t nodots = 0;
    for (size_t i = 0; i < ulen; i++)
        nodots += user[i] != '.';
    if (nodots < 6 || nodots > 30)
        return false;
    for (size_t i = 0, start = 0; i <= ulen; i++)
        if (i == ulen || user[i] == '.') {
            if (i == start)
                return false;
            for (size_t k = start; k < i; k++)
                if (!islower((unsigned char)user[k]) && !isdigit((unsigned char)user[k]))
                    return false;
            start = i + 1;
        }
    return true;
}

/* isEmail's domain: a fully qualified name, or with allow_ip_domain an IP (bare or in
 * brackets; the closing bracket is cut in place). */
static int email_domain(char *domain, const cq_value *o)
{
    bool ignore_max_length = opt_flag(o, "ignore_max_length", false);
    int fq =
        is_fqdn(domain, opt_flag(o, "require_tld", true), opt_flag(o, "allow_underscores", false),
                false, false, false, ignore_max_length);
    if (fq == CQ__RULE_PASS || fq == CQ__RULE_NOMEM)
        return fq;
    if (!opt_flag(o, "allow_ip_domain", false))
        return CQ__RULE_FAIL;
    if (is_ip(domain, 0))
        return CQ__RULE_PASS;
    size_t dl = strlen(domain);
    if (dl < 3 || domain[0] != '[' || domain[dl - 1] != ']')
        return CQ__RULE_FAIL;
    domain[dl - 1] = 0;
    return is_ip(domain + 1, 0) ? CQ__RULE_PASS : CQ__RULE_FAIL;
}

/* isEmail's local part: a quoted string, or dot-separated atoms. */
static int email_local_part(char *user, bool utf8)
{
    size_t ul = strlen(user);
    if (ul >= 2 && user[0] == '"' && user[ul - 1] == '"') {
        user[ul - 1] = 0;
        return re(utf8
                      ? "^([\\s\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f\\x21\\x23-\\x5b\\x5d-\\x7e"
                        "\\u00A0-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFEF]|(\\\\[\\x01-\\x09\\x0b\\x0c"
                        "\\x0d-\\x7f\\u00A0-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFEF]))*$"
                      : "^([\\s\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f\\x21\\x23-\\x5b\\x5d-\\x7e]|"
                        "(\\\\[\\x01-\\x09\\x0b\\x0c\\x0d-\\x7f]))*$",
                  true, user + 1);
    }
    size_t n = 0;
    char **parts = split(user, '.', &n);
    if (!parts)
        return CQ__RULE_NOMEM;
    int rc = CQ__RULE_PASS;
    for (size_t i = 0; rc == CQ__RULE_PASS && i < n; i++)
        rc = re(utf8 ? "^[a-z\\d!#\\$%&'\\*\\+\\-\\/=\\?\\^_`{\\|}~\\u00A1-\\uD7FF\\uF900-\\uFDCF"
                       "\\uFDF0-\\uFFEF]+$"
                     : "^[a-z\\d!#\\$%&'\\*\\+\\-\\/=\\?\\^_`{\\|}~]+$",
                true, parts[i]);
    free_parts(parts);
    return rc;
}

/* validator.js isEmail, step by step. */
static int is_email(const char *input, const cq_value *o)
{
    bool ignore_max_length = opt_flag(o, "ignore_max_length", false);
    const cq_value *blacklisted = opt(o, "blacklisted_chars");
    char *str = cq__strdup(input);
    if (!str)
        return CQ__RULE_NOMEM;
    int rc = CQ__RULE_PASS;
    char *user = NULL, *domain = NULL, *lower = NULL;
    bool require_name = opt_flag(o, "require_display_name", false);
    if (require_name || opt_flag(o, "allow_display_name", false))
        rc = email_display_name(str, require_name);
    if (rc != CQ__RULE_PASS)
        goto done;
    rc = CQ__RULE_FAIL;
    if (!ignore_max_length && js_length(str) > 254)
        goto done;
    char *at = strrchr(str, '@');
    if (!at)
        goto done; /* split('@') gives one part: that part is the domain, the user is "" */
    user = cq__strndup(str, (size_t)(at - str));
    domain = cq__strdup(at + 1);
    lower = cq__strdup(at + 1);
    if (!user || !domain || !lower) {
        rc = CQ__RULE_NOMEM;
        goto done;
    }
    for (char *p = lower; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    if (check_host(lower, opt(o, "host_blacklist")))
        goto done;
    if (cq_value_size(opt(o, "host_whitelist")) && !check_host(lower, opt(o, "host_whitelist")))
        goto done;
    if (opt_flag(o, "domain_specific_validation", false) &&
        (strcmp(lower, "gmail.com") == 0 || strcmp(lower, "googlemail.com") == 0) &&
        !gmail_user_ok(user))
        goto done;
    if (!ignore_max_length && (utf8_bytes(user) > 64 || utf8_bytes(domain) > 254))
        goto done;
    if ((rc = email_domain(domain, o)) != CQ__RULE_PASS)
        goto done;
    rc = CQ__RULE_FAIL;
    if (cq_value_type_of(blacklisted) == CQ_VALUE_TEXT && cq_value_as_text(blacklisted)[0] &&
        strpbrk(user, cq_value_as_text(blacklisted)))
        goto done;
    rc = email_local_part(user, opt_flag(o, "allow_utf8_local_part", true));
done:
    cq__free(str);
    cq__free(user);
    cq__free(domain);
    cq__free(lower);
    return rc;
}

static bool in_list(const cq_value *list, const char *s)
{
    for (size_t i = 0; i < cq_value_size(list); i++) {
        const cq_value *e = cq_value_array_get(list, i);
        if (cq_value_type_of(e) == CQ_VALUE_TEXT && strcmp(cq_value_as_text(e), s) == 0)
            return true;
    }
    return false;
}

/* isURL(url, options) */
/* isURL's options (validator.js names, its defaults). */
typedef struct url_opts {
    bool require_tld, require_protocol, require_host, require_port, require_valid_protocol;
    bool allow_underscores, allow_trailing_dot, allow_protocol_relative, allow_fragments;
    bool allow_query, disallow_auth, validate_length;
    double max_allowed;
    const cq_value *protocols;
} url_opts;

static url_opts url_opts_of(const cq_value *o)
{
    const cq_value *maxlen = opt(o, "max_allowed_length");
    return (url_opts){
        .require_tld = opt_flag(o, "require_tld", true),
        .require_protocol = opt_flag(o, "require_protocol", false),
        .require_host = opt_flag(o, "require_host", true),
        .require_port = opt_flag(o, "require_port", false),
        .require_valid_protocol = opt_flag(o, "require_valid_protocol", true),
        .allow_underscores = opt_flag(o, "allow_underscores", false),
        .allow_trailing_dot = opt_flag(o, "allow_trailing_dot", false),
        .allow_protocol_relative = opt_flag(o, "allow_protocol_relative_urls", false),
        .allow_fragments = opt_flag(o, "allow_fragments", true),
        .allow_query = opt_flag(o, "allow_query_components", true),
        .disallow_auth = opt_flag(o, "disallow_auth", false),
        .validate_length = opt_flag(o, "validate_length", true),
        .max_allowed = maxlen ? js_to_number(maxlen) : 2084,
        .protocols = opt(o, "protocols"),
    };
}

/* isURL's protocol step: `^([a-z][a-z0-9+\-.]*):` consumed from *url unless what follows
 * reads as user:password@ or host:port; false when the URL fails there. */
static bool url_protocol(char **url_io, bool *had_protocol, const url_opts *uo)
{
    char *url = *url_io;
    size_t pl = 0;
    if (isalpha((unsigned char)url[0])) {
        pl = 1;
        while (isalnum((unsigned char)url[pl]) || url[pl] == '+' || url[pl] == '-' ||
               url[pl] == '.')
            pl++;
        if (url[pl] != ':')
            pl = 0;
    }
    if (!pl)
        return !uo->require_protocol;
    char *after = url + pl + 1;
    if (strncmp(after, "//", 2) != 0) {
        char *slash = strchr(after, '/');
        size_t blen = slash ? (size_t)(slash - after) : strlen(after);
        char *at = memchr(after, '@', blen);
        bool not_protocol = false;
        if (at) {
            bool valid_auth = true, encoded = false;
            for (char *p = after; p < at; p++) {
                if (!isalnum((unsigned char)*p) && !strchr("-_.%:", *p))
                    valid_auth = false;
                if (p[0] == '%' && p + 2 < at + 1 && isxdigit((unsigned char)p[1]) &&
                    isxdigit((unsigned char)p[2]))
                    encoded = true;
            }
            not_protocol = valid_auth && !encoded;
        } else if (isdigit((unsigned char)after[0])) {
            not_protocol = true;
        }
        if (not_protocol)
            return !uo->require_protocol;
    }
    *had_protocol = true;
    for (size_t i = 0; i < pl; i++)
        url[i] = (char)tolower((unsigned char)url[i]);
    url[pl] = 0;
    bool known = uo->protocols ? in_list(uo->protocols, url)
                               : strcmp(url, "http") == 0 || strcmp(url, "https") == 0 ||
                                     strcmp(url, "ftp") == 0;
    if (uo->require_valid_protocol && !known)
        return false;
    *url_io = after;
    return true;
}

/* isURL's user:password@ step: the host is everything after the first '@' (split('@'),
 * shift, join('@')); false when the URL fails there. */
static bool url_auth(char **url_io, const url_opts *uo)
{
    char *url = *url_io;
    char *at = strchr(url, '@');
    if (!at)
        return true;
    if (uo->disallow_auth || at == url)
        return false;
    *at = 0;
    size_t colons = 0;
    for (char *p = url; *p; p++)
        colons += *p == ':';
    if (colons > 1)
        return false;
    char *colon = strchr(url, ':');
    if (colon && colon == url && !colon[1])
        return false; /* user === '' && password === '' */
    *url_io = at + 1;
    return true;
}

/* Splits host[:port] or [ipv6][:port] in place; false when the port is not valid. */
static bool url_host_port(char **host_io, char **ipv6_out, const url_opts *uo)
{
    char *host = *host_io, *port_str = NULL, *ipv6 = NULL;
    if (host[0] == '[') {
        char *close = strchr(host, ']');
        if (close && close > host + 1 && !strchr(host + 1, '[') && close == strchr(host, ']') &&
            (close[1] == 0 || (close[1] == ':' && close[2] &&
                               strspn(close + 2, "0123456789") == strlen(close + 2)))) {
            *close = 0;
            ipv6 = host + 1;
            port_str = close[1] == ':' ? close + 2 : NULL;
            host = close; /* empty */
            host[0] = 0;
        }
    }
    if (!ipv6) {
        char *colon = strchr(host, ':');
        if (colon) {
            *colon = 0;
            port_str = colon + 1;
        }
    }
    *host_io = host;
    *ipv6_out = ipv6;
    if (port_str && *port_str) {
        if (strspn(port_str, "0123456789") != strlen(port_str))
            return false;
        long port = strtol(port_str, NULL, 10);
        return port > 0 && port <= 65535 && strlen(port_str) <= 6;
    }
    return !uo->require_port;
}

/* isURL's host step: a whitelist decides alone; else an IP, a fully qualified name or a
 * bracketed IPv6 address, not on the blacklist. */
static int url_host(char *host, char *ipv6, const cq_value *o, const url_opts *uo)
{
    const cq_value *white = opt(o, "host_whitelist");
    if (white)
        return check_host(host, white) ? CQ__RULE_PASS : CQ__RULE_FAIL;
    if (!*host && !uo->require_host)
        return CQ__RULE_PASS;
    if (!is_ip(host, 0)) {
        int fq = is_fqdn(host, uo->require_tld, uo->allow_underscores, uo->allow_trailing_dot,
                         false, false, false);
        if (fq == CQ__RULE_NOMEM)
            return fq;
        if (fq != CQ__RULE_PASS && (!ipv6 || !is_ip(ipv6, 6)))
            return CQ__RULE_FAIL;
    }
    if (!*host && ipv6)
        host = ipv6;
    return check_host(host, opt(o, "host_blacklist")) ? CQ__RULE_FAIL : CQ__RULE_PASS;
}

/* validator.js isURL, step by step. */
static int is_url(const char *input, const cq_value *o)
{
    url_opts uo = url_opts_of(o);
    if (!input[0] || strpbrk(input, " \t\n\v\f\r<>"))
        return CQ__RULE_FAIL;
    if (strncmp(input, "mailto:", 7) == 0)
        return CQ__RULE_FAIL;
    if (uo.validate_length && (double)js_length(input) > uo.max_allowed)
        return CQ__RULE_FAIL;
    if (!uo.allow_fragments && strchr(input, '#'))
        return CQ__RULE_FAIL;
    if (!uo.allow_query && (strchr(input, '?') || strchr(input, '&')))
        return CQ__RULE_FAIL;
    char *copy = cq__strdup(input);
    if (!copy)
        return CQ__RULE_NOMEM;
    int rc = CQ__RULE_FAIL;
    copy[strcspn(copy, "#")] = 0;
    copy[strcspn(copy, "?")] = 0;
    char *url = copy, *ipv6 = NULL;
    bool had_protocol = false;
    if (!url_protocol(&url, &had_protocol, &uo))
        goto done;
    if (strncmp(url, "//", 2) == 0) {
        if (!had_protocol && !uo.allow_protocol_relative)
            goto done;
        url += 2;
    }
    if (!*url)
        goto done;
    url[strcspn(url, "/")] = 0;
    if (!*url && !uo.require_host)
        rc = CQ__RULE_PASS;
    else if (url_auth(&url, &uo) && url_host_port(&url, &ipv6, &uo))
        rc = url_host(url, ipv6, o, &uo);
done:
    cq__free(copy);
    return rc;
}

/* isIn(str, options): an array (elements as strings), an object (own keys), a string
 * (String#indexOf: a substring) */
static bool is_in(const char *s, const cq_value *o)
{
    switch (cq_value_type_of(o)) {
    case CQ_VALUE_ARRAY:
        for (size_t i = 0; i < cq_value_size(o); i++) {
            char *e = cq__js_string(cq_value_array_get(o, i));
            bool hit = e && strcmp(e, s) == 0;
            cq__free(e);
            if (hit)
                return true;
        }
        return false;
    case CQ_VALUE_OBJECT:
        return cq_value_object_get(o, s) != NULL;
    case CQ_VALUE_TEXT:
        return strstr(cq_value_as_text(o), s) != NULL;
    default:
        return false;
    }
}

/* validator.js alpha tables: only 'en-US' and its English aliases are ported. */
static bool english_locale(const char *l)
{
    static const char *const en[] = { "en-US", "en-AU", "en-GB", "en-HK", "en-IN",
                                      "en-NZ", "en-ZA", "en-ZM", NULL };
    for (size_t i = 0; en[i]; i++)
        if (strcmp(en[i], l) == 0)
            return true;
    return false;
}

static int is_alpha(const char *input, const cq_value *args, bool numeric, char *err,
                    size_t err_size)
{
    const cq_value *loc = arg(args, 0);
    char *locale = loc && !cq_value_is_null(loc) ? cq__js_string(loc) : cq__strdup("en-US");
    if (!locale)
        return CQ__RULE_NOMEM;
    if (!english_locale(locale)) {
        snprintf(err, err_size, "Invalid locale '%s'", locale);
        cq__free(locale);
        return CQ__RULE_THROW;
    }
    cq__free(locale);
    const cq_value *ignore = opt(arg(args, 1), "ignore");
    cq__buf b = { 0 };
    if (cq_value_type_of(ignore) == CQ_VALUE_TEXT) {
        /* str.replace(new RegExp('[' + escaped + ']', 'g'), '') */
        const char *ig = cq_value_as_text(ignore);
        for (const char *p = input; *p; p++)
            if (!strchr(ig, *p) || !*ig)
                cq__buf_putc(&b, *p);
    } else if (ignore && !cq_value_is_null(ignore)) {
        snprintf(err, err_size, "ignore should be instance of a String or RegExp");
        return CQ__RULE_THROW;
    } else {
        cq__buf_put(&b, input);
    }
    cq__buf_put(&b, "");
    char *s = cq__buf_take(&b);
    if (!s)
        return CQ__RULE_NOMEM;
    int rc = re(numeric ? "^[0-9A-Z]+$" : "^[A-Z]+$", true, s);
    cq__free(s);
    return rc;
}

/* A number option (min, max, lt, gt) compared as JavaScript does; absent/null = no bound. */
static bool bound_ok(double value, const cq_value *o, const char *key, int sign, bool strict)
{
    const cq_value *b = opt(o, key);
    if (!b || cq_value_is_null(b))
        return true;
    double bv = js_to_number(b);
    if (isnan(value) || isnan(bv))
        return false;
    return strict ? (sign > 0 ? value > bv : value < bv) : (sign > 0 ? value >= bv : value <= bv);
}

static bool bounds_ok(double value, const cq_value *o)
{
    return bound_ok(value, o, "min", 1, false) && bound_ok(value, o, "max", -1, false) &&
           bound_ok(value, o, "lt", -1, true) && bound_ok(value, o, "gt", 1, true);
}

/* The decimal separator of a locale option; only the English ones are ported. */
static int locale_decimal(const cq_value *o, char *err, size_t err_size)
{
    const cq_value *loc = opt(o, "locale");
    if (!truthy(loc))
        return '.';
    char *l = cq__js_string(loc);
    if (!l)
        return CQ__RULE_NOMEM;
    bool en = english_locale(l);
    if (!en)
        snprintf(err, err_size, "Invalid locale '%s'", l);
    cq__free(l);
    return en ? '.' : CQ__RULE_THROW;
}

static int is_uuid(const char *s, const cq_value *version)
{
    char *v = version && !cq_value_is_null(version) ? cq__js_string(version) : cq__strdup("all");
    if (!v)
        return CQ__RULE_NOMEM;
    char pat[128];
    int rc = CQ__RULE_FAIL;
    if (strlen(v) == 1 && v[0] >= '1' && v[0] <= '8') {
        snprintf(pat, sizeof pat,
                 "^[0-9A-F]{8}-[0-9A-F]{4}-%c[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$", v[0]);
        rc = re(pat, true, s);
    } else if (strcmp(v, "nil") == 0) {
        rc = re("^00000000-0000-0000-0000-000000000000$", true, s);
    } else if (strcmp(v, "max") == 0) {
        rc = re("^ffffffff-ffff-ffff-ffff-ffffffffffff$", true, s);
    } else if (strcmp(v, "loose") == 0) {
        rc = re("^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$", true, s);
    } else if (strcmp(v, "all") == 0) {
        rc = re("^(?:[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}|"
                "00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$",
                true, s);
    }
    cq__free(v); /* any other version ('true' for `isUUID: true`) is not in the table: fails */
    return rc;
}

static int is_credit_card(const char *card, const cq_value *o, char *err, size_t err_size)
{
    static const struct {
        const char *name, *re;
    } cards[] = {
        { "amex", "^3[47][0-9]{13}$" },
        { "dinersclub", "^3(?:0[0-5]|[68][0-9])[0-9]{11}$" },
        { "discover", "^6(?:011|5[0-9][0-9])[0-9]{12,15}$" },
        { "jcb", "^(?:2131|1800|35\\d{3})\\d{11}$" },
        /* as in validator.js: the first alternative is anchored at the start only */
        { "mastercard",
          "^5[1-5][0-9]{2}|(222[1-9]|22[3-9][0-9]|2[3-6][0-9]{2}|27[01][0-9]|2720)[0-9]{12}$" },
        { "unionpay", "^(6[27][0-9]{14}|^(81[0-9]{14,17}))$" },
        { "visa", "^(?:4[0-9]{12})(?:[0-9]{3,6})?$" },
    };
    cq__buf b = { 0 };
    cq__buf_put(&b, "");
    for (const char *p = card; *p; p++)
        if (*p != '-' && *p != ' ')
            cq__buf_putc(&b, *p);
    char *san = cq__buf_take(&b);
    if (!san)
        return CQ__RULE_NOMEM;
    const cq_value *prov = opt(o, "provider");
    int rc = CQ__RULE_FAIL;
    if (truthy(prov)) {
        char *p = cq__js_string(prov);
        if (!p) {
            cq__free(san);
            return CQ__RULE_NOMEM;
        }
        for (char *c = p; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        size_t k = 0;
        while (k < sizeof cards / sizeof cards[0] && strcmp(cards[k].name, p) != 0)
            k++;
        if (k == sizeof cards / sizeof cards[0]) {
            char *orig = cq__js_string(prov);
            snprintf(err, err_size, "%s is not a valid credit card provider.", orig ? orig : p);
            cq__free(orig);
            cq__free(p);
            cq__free(san);
            return CQ__RULE_THROW;
        }
        cq__free(p);
        rc = re(cards[k].re, false, san);
    } else {
        for (size_t k = 0; rc != CQ__RULE_PASS && k < sizeof cards / sizeof cards[0]; k++)
            rc = re(cards[k].re, false, san);
    }
    if (rc == CQ__RULE_PASS) {
        /* isLuhnNumber: parseInt of a non-digit is NaN, which fails the sum */
        int sum = 0;
        bool dbl = false, nan = false;
        for (size_t i = strlen(san); i-- > 0;) {
            if (!isdigit((unsigned char)san[i])) {
                nan = true;
                break;
            }
            int d = san[i] - '0';
            if (dbl)
                d = d * 2 >= 10 ? d * 2 % 10 + 1 : d * 2;
            sum += d;
            dbl = !dbl;
        }
        rc = !nan && sum % 10 == 0 && san[0] ? CQ__RULE_PASS : CQ__RULE_FAIL;
    }
    cq__free(san);
    return rc;
}

/* Lower/upper case as String#toLowerCase/toUpperCase would leave the text unchanged:
 * approximated with Unicode general categories (see docs/validation.md). */
static int is_case(const char *s, bool lower)
{
    int hit = re(lower ? "[\\p{Lu}\\p{Lt}\\u2160-\\u216F\\u24B6-\\u24CF]"
                       : "[\\p{Ll}\\p{Lt}\\u2170-\\u217F\\u24D0-\\u24E9]",
                 false, s);
    return hit == CQ__RULE_PASS ? CQ__RULE_FAIL : hit == CQ__RULE_FAIL ? CQ__RULE_PASS : hit;
}

/* isLength(str, min, max) or isLength(str, {min, max}): JavaScript length minus surrogate
 * pairs and variation-selector sequences. */
static int is_length(const char *s, const cq_value *args)
{
    const cq_value *a0 = arg(args, 0);
    double min, max = NAN;
    bool has_max;
    if (is_obj(a0)) {
        min = truthy(opt(a0, "min")) ? js_to_number(opt(a0, "min")) : 0;
        has_max = opt(a0, "max") != NULL;
        if (has_max)
            max = js_to_number(opt(a0, "max"));
    } else {
        min = truthy(a0) ? js_to_number(a0) : 0;
        has_max = arg(args, 1) != NULL;
        if (has_max)
            max = js_to_number(arg(args, 1));
    }
    size_t len = 0;
    uint32_t prev = 0;
    bool pair_open = false;
    for (size_t i = 0; s[i];) {
        uint32_t c = next_cp(s, &i);
        bool vs = c == 0xFE0F || c == 0xFE0E;
        if (vs && pair_open) {
            pair_open = false; /* [^\uFE0F\uFE0E][\uFE0F\uFE0E] counts once */
            continue;
        }
        len++;
        pair_open = !vs;
        prev = c;
    }
    (void)prev;
    double l = (double)len;
    return l >= min && (!has_max || l <= max) ? CQ__RULE_PASS : CQ__RULE_FAIL;
}

static int is_date_cmp(const char *s, const cq_value *args, bool after)
{
    const cq_value *a0 = arg(args, 0);
    const cq_value *cmp = is_obj(a0) ? opt(a0, "comparisonDate") : a0;
    double original = 0, comparison = 0;
    bool have_cmp;
    if (truthy(cmp)) {
        char *t = cq__js_string(cmp);
        if (!t)
            return CQ__RULE_NOMEM;
        have_cmp = cq__js_date_parse(t, &comparison);
        cq__free(t);
    } else {
        /* Date().toString(): now, to the second */
        comparison = (double)time(NULL) * 1000;
        have_cmp = true;
    }
    if (!have_cmp || !cq__js_date_parse(s, &original))
        return CQ__RULE_FAIL;
    return (after ? original > comparison : original < comparison) ? CQ__RULE_PASS : CQ__RULE_FAIL;
}

/* ---- the table ------------------------------------------------------------------- */

static const char *const known[] = {
    "is",       "not",          "isEmail",     "isUrl",          "isURL",     "isIP",
    "isIPv4",   "isIPv6",       "isAlpha",     "isAlphanumeric", "isNumeric", "isInt",
    "isFloat",  "isDecimal",    "isLowercase", "isUppercase",    "notNull",   "isNull",
    "notEmpty", "equals",       "contains",    "notContains",    "isIn",      "notIn",
    "len",      "isUUID",       "isDate",      "isAfter",        "isBefore",  "max",
    "min",      "isCreditCard", NULL
};

bool cq__rule_known(const char *key)
{
    for (size_t i = 0; key && known[i]; i++)
        if (strcmp(known[i], key) == 0)
            return true;
    return false;
}

static int pass_if(bool b)
{
    return b ? CQ__RULE_PASS : CQ__RULE_FAIL;
}

static int negate(int rc)
{
    return rc == CQ__RULE_PASS ? CQ__RULE_FAIL : rc == CQ__RULE_FAIL ? CQ__RULE_PASS : rc;
}

/* Sequelize's regex(str, pattern, modifiers): the pattern as a string (v6 also takes a
 * RegExp object, which C writes as [pattern, flags]). */
static int regex_rule(const char *s, const cq_value *args, char *err, size_t err_size)
{
    const cq_value *p = arg(args, 0), *f = arg(args, 1);
    char *pattern = cq__js_string(p);
    char *flags = f && !cq_value_is_null(f) ? cq__js_string(f) : cq__strdup("");
    int rc =
        pattern && flags ? cq__js_regex_test(pattern, flags, s, err, err_size) : CQ__RULE_NOMEM;
    cq__free(pattern);
    cq__free(flags);
    return rc;
}

#define RULE_NOT_NUMBER (-100)

/* The rules about numbers (isNumeric, isInt, isFloat, isDecimal, min, max); RULE_NOT_NUMBER
 * for any other key. */
static int number_rule(const char *key, const char *s, const cq_value *a0, char *err,
                       size_t err_size)
{
    if (strcmp(key, "isNumeric") == 0) {
        if (opt_flag(a0, "no_symbols", false))
            return re("^[0-9]+$", false, s);
        int d = locale_decimal(a0, err, err_size);
        return d < 0 ? d : re("^[+-]?([0-9]*[.])?[0-9]+$", false, s);
    }
    if (strcmp(key, "isInt") == 0) {
        bool no_zeroes = opt(a0, "allow_leading_zeroes") &&
                         cq_value_type_of(opt(a0, "allow_leading_zeroes")) == CQ_VALUE_BOOL &&
                         !cq_value_as_bool(opt(a0, "allow_leading_zeroes"));
        int rc = re(no_zeroes ? "^(?:[-+]?(?:0|[1-9][0-9]*))$" : "^[-+]?[0-9]+$", false, s);
        if (rc != CQ__RULE_PASS)
            return rc;
        return pass_if(bounds_ok(js_parse_float(s), a0));
    }
    if (strcmp(key, "isFloat") == 0) {
        int d = locale_decimal(a0, err, err_size);
        if (d < 0)
            return d;
        if (!*s || strcmp(s, ".") == 0 || strcmp(s, ",") == 0 || strcmp(s, "-") == 0 ||
            strcmp(s, "+") == 0)
            return CQ__RULE_FAIL;
        int rc = re("^(?:[-+])?(?:[0-9]+)?(?:\\.[0-9]*)?(?:[eE][\\+\\-]?(?:[0-9]+))?$", false, s);
        if (rc != CQ__RULE_PASS)
            return rc;
        return pass_if(bounds_ok(js_parse_float(s), a0));
    }
    if (strcmp(key, "isDecimal") == 0) /* Sequelize's own rule, not validator.js's */
        return pass_if(*s && re("^(?:-?(?:[0-9]+))?(?:\\.[0-9]*)?(?:[eE][+-]?(?:[0-9]+))?$", false,
                                s) == CQ__RULE_PASS);
    if (strcmp(key, "min") == 0 || strcmp(key, "max") == 0) {
        /* isNaN(number) || number >= val */
        double n = js_parse_float(s), v = js_to_number(a0);
        if (isnan(n))
            return CQ__RULE_PASS;
        return pass_if(key[1] == 'i' ? n >= v : n <= v);
    }
    return RULE_NOT_NUMBER;
}

int cq__rule_run(const char *key, const char *s, const cq_value *args, char *err, size_t err_size)
{
    const cq_value *a0 = arg(args, 0);
    int nrc = number_rule(key, s, a0, err, err_size);
    if (nrc != RULE_NOT_NUMBER)
        return nrc;
    if (strcmp(key, "is") == 0)
        return regex_rule(s, args, err, err_size);
    if (strcmp(key, "not") == 0)
        return negate(regex_rule(s, args, err, err_size));
    if (strcmp(key, "isEmail") == 0)
        return is_email(s, a0);
    if (strcmp(key, "isUrl") == 0)
        return is_url(s, NULL); /* Sequelize's isUrl(str) drops the options */
    if (strcmp(key, "isURL") == 0)
        return is_url(s, a0);
    if (strcmp(key, "isIP") == 0) {
        int v = ip_version(a0);
        return pass_if(v >= 0 && is_ip(s, v));
    }
    if (strcmp(key, "isIPv4") == 0)
        return pass_if(is_ip(s, 4));
    if (strcmp(key, "isIPv6") == 0)
        return pass_if(is_ip(s, 6));
    if (strcmp(key, "isAlpha") == 0)
        return is_alpha(s, args, false, err, err_size);
    if (strcmp(key, "isAlphanumeric") == 0)
        return is_alpha(s, args, true, err, err_size);
    if (strcmp(key, "isLowercase") == 0)
        return is_case(s, true);
    if (strcmp(key, "isUppercase") == 0)
        return is_case(s, false);
    if (strcmp(key, "notNull") == 0)
        return CQ__RULE_PASS;       /* a null value never reaches a built-in validator */
    if (strcmp(key, "isNull") == 0) /* validator.isEmpty */
        return pass_if(!*s);
    if (strcmp(key, "notEmpty") == 0)
        return negate(re("^[\\s\\t\\r\\n\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029"
                         "\\u202f\\u205f\\u3000\\ufeff]*$",
                         false, s));
    if (strcmp(key, "equals") == 0) /* str === comparison: only a string can be equal */
        return pass_if(cq_value_type_of(a0) == CQ_VALUE_TEXT &&
                       strcmp(cq_value_as_text(a0), s) == 0);
    if (strcmp(key, "contains") == 0 || strcmp(key, "notContains") == 0) {
        bool hit = false;
        if (truthy(a0)) {
            char *e = cq__js_string(a0);
            if (!e)
                return CQ__RULE_NOMEM;
            hit = strstr(s, e) != NULL;
            cq__free(e);
        }
        return pass_if(key[0] == 'c' ? hit : !hit);
    }
    if (strcmp(key, "isIn") == 0)
        return pass_if(is_in(s, a0));
    if (strcmp(key, "notIn") == 0)
        return pass_if(!is_in(s, a0));
    if (strcmp(key, "len") == 0)
        return is_length(s, args);
    if (strcmp(key, "isUUID") == 0)
        return is_uuid(s, a0);
    if (strcmp(key, "isDate") == 0) {
        double ms = 0;
        return pass_if(cq__js_date_parse(s, &ms));
    }
    if (strcmp(key, "isAfter") == 0)
        return is_date_cmp(s, args, true);
    if (strcmp(key, "isBefore") == 0)
        return is_date_cmp(s, args, false);
    if (strcmp(key, "isCreditCard") == 0)
        return is_credit_card(s, a0, err, err_size);
    snprintf(err, err_size, "Invalid validator function: %s", key);
    return CQ__RULE_THROW;
}

/* ---- Date.parse ------------------------------------------------------------------- */

static bool make_time(double *ms, long y, long mo, long d, long h, long mi, long s, double frac,
                      long offset_min)
{
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 24 || mi < 0 || mi > 59 || s < 0 ||
        s > 59)
        return false;
    if (h == 24 && (mi || s || frac > 0))
        return false;
    double t = (double)cq__days_from_civil(y, (int)mo, (int)d) * 86400000.0 + h * 3600000.0 +
               mi * 60000.0 + s * 1000.0 + floor(frac * 1000.0) - offset_min * 60000.0;
    if (fabs(t) > 8.64e15)
        return false;
    *ms = t;
    return true;
}

static int digits_at(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return -1;
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* The ECMAScript date-time string format: YYYY[-MM[-DD]][THH:mm[:ss[.sss]][Z|±HH:mm]]. */
static int parse_iso(const char *s, double *ms)
{
    long y;
    const char *p = s;
    if (*p == '+' || *p == '-') {
        int v = digits_at(p + 1, 6);
        if (v < 0)
            return -1;
        y = *p == '-' ? -v : v;
        if (*p == '-' && v == 0)
            return 0; /* -000000 is invalid */
        p += 7;
    } else {
        int v = digits_at(p, 4);
        if (v < 0)
            return -1;
        y = v;
        p += 4;
    }
    long mo = 1, d = 1, h = 0, mi = 0, sec = 0, off = 0;
    double frac = 0;
    bool has_time = false, has_zone = false;
    if (*p == '-') {
        if ((mo = digits_at(p + 1, 2)) < 0)
            return -1;
        p += 3;
        if (*p == '-') {
            if ((d = digits_at(p + 1, 2)) < 0)
                return -1;
            p += 3;
        }
    }
    if (*p == 'T' || *p == 't') {
        has_time = true;
        if ((h = digits_at(p + 1, 2)) < 0 || p[3] != ':' || (mi = digits_at(p + 4, 2)) < 0)
            return -1;
        p += 6;
        if (*p == ':') {
            if ((sec = digits_at(p + 1, 2)) < 0)
                return -1;
            p += 3;
            if (*p == '.') {
                const char *f = ++p;
                while (isdigit((unsigned char)*p))
                    p++;
                if (p == f)
                    return -1;
                char buf[32] = "0.";
                size_t n = (size_t)(p - f) < 20 ? (size_t)(p - f) : 20;
                memcpy(buf + 2, f, n);
                buf[2 + n] = 0;
                frac = strtod(buf, NULL);
            }
        }
        if (*p == 'Z' || *p == 'z') {
            has_zone = true;
            p++;
        } else if (*p == '+' || *p == '-') {
            int oh = digits_at(p + 1, 2), om = p[3] == ':' ? digits_at(p + 4, 2) : -1;
            if (oh < 0 || om < 0 || oh > 23 || om > 59)
                return -1;
            off = (*p == '-' ? -1 : 1) * (oh * 60 + om);
            has_zone = true;
            p += 6;
        }
    }
    if (*p)
        return -1;
    (void)has_time;
    (void)has_zone; /* a local date-time is taken as UTC */
    return make_time(ms, y, mo, d, h, mi, sec, frac, off) ? 1 : 0;
}

static int strncasecmp_portable(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int d = tolower((unsigned char)a[i]) - tolower((unsigned char)b[i]);
        if (d || !a[i])
            return d;
    }
    return 0;
}

static int month_of(const char *w, size_t n)
{
    static const char *const months[] = { "jan", "feb", "mar", "apr", "may", "jun",
                                          "jul", "aug", "sep", "oct", "nov", "dec" };
    if (n < 3)
        return 0;
    for (int i = 0; i < 12; i++)
        if (strncasecmp_portable(w, months[i], 3) == 0)
            return i + 1;
    return 0;
}

/* What V8's legacy date parser has read so far. */
typedef struct legacy_date {
    long nums[3];
    int nn, month;
    long h, mi, sec, off;
    double frac;
    bool have_time, pm, am;
} legacy_date;

/* The time after its hour `h` and the ':' (p points past it): minutes, then optional
 * seconds and fraction. Returns where reading stopped, NULL when malformed. */
static const char *legacy_time(legacy_date *ld, long h, const char *p)
{
    char *end = NULL;
    ld->have_time = true;
    ld->h = h;
    ld->mi = strtol(p, &end, 10);
    if (end == p)
        return NULL;
    p = end;
    if (*p != ':')
        return p;
    ld->sec = strtol(p + 1, &end, 10);
    if (end == p + 1)
        return NULL;
    p = end;
    if (*p == '.') {
        const char *f = p;
        strtod(f, &end);
        ld->frac = strtod(f, NULL);
        p = end;
    }
    return p;
}

/* A zone offset after the time: +HH, +HHMM or +HH:MM. Returns where reading stopped. */
static const char *legacy_offset(legacy_date *ld, const char *p)
{
    char *end = NULL;
    long v = strtol(p + 1, &end, 10);
    long oh = v, om = 0;
    if (*end == ':') {
        om = strtol(end + 1, &end, 10);
    } else if (end - (p + 1) > 2) {
        oh = v / 100;
        om = v % 100;
    }
    ld->off = (*p == '-' ? -1 : 1) * (oh * 60 + om);
    return end;
}

/* A word: a month, am/pm, a UTC zone name, the date/time 'T', or a weekday before the
 * date; false for any other word. */
static bool legacy_word(legacy_date *ld, const char *w, size_t n)
{
    static const char *const days[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };
    int m = month_of(w, n);
    if (m)
        ld->month = m;
    else if (n == 2 && strncasecmp_portable(w, "am", 2) == 0)
        ld->am = true;
    else if (n == 2 && strncasecmp_portable(w, "pm", 2) == 0)
        ld->pm = true;
    else if ((n == 3 &&
              (strncasecmp_portable(w, "utc", 3) == 0 || strncasecmp_portable(w, "gmt", 3) == 0)) ||
             (n == 1 && (*w == 'z' || *w == 'Z')))
        ; /* UTC */
    else if (n == 1 && (*w == 'T' || *w == 't') && ld->nn > 0)
        ; /* date/time separator */
    else {
        bool day = false;
        for (int i = 0; i < 7 && n >= 3; i++)
            day |= strncasecmp_portable(w, days[i], 3) == 0;
        if (!day || ld->nn > 0 || ld->month)
            return false;
    }
    return true;
}

/* The date read: day and year around a month word, else y-m-d when the first number is a
 * year, else m/d/y; two-digit years as V8 reads them. */
static bool legacy_finish(const legacy_date *ld, double *ms)
{
    long y, mo, d, h = ld->h;
    const long *nums = ld->nums;
    if (ld->month) {
        if (ld->nn != 2)
            return false;
        mo = ld->month;
        y = nums[0] > 31 ? nums[0] : nums[1];
        d = nums[0] > 31 ? nums[1] : nums[0];
    } else {
        if (ld->nn != 3)
            return false;
        bool ymd = nums[0] > 31 || nums[0] >= 1000;
        y = ymd ? nums[0] : nums[2];
        mo = ymd ? nums[1] : nums[0];
        d = ymd ? nums[2] : nums[1];
    }
    if (y < 50)
        y += 2000;
    else if (y < 100)
        y += 1900;
    if (ld->pm || ld->am) {
        if (h < 1 || h > 12)
            return false;
        h = (h % 12) + (ld->pm ? 12 : 0);
    }
    return make_time(ms, y, mo, d, h, ld->mi, ld->sec, ld->frac, ld->off);
}

bool cq__js_date_parse(const char *s, double *ms)
{
    int iso = parse_iso(s, ms);
    if (iso >= 0)
        return iso == 1;
    /* V8's fallback for other forms ("2011-11-05 10:00", "11/05/2011", "Nov 5, 2011",
     * "Sat Nov 05 2011 10:00:00 GMT+0100"): words, numbers, a time, a zone. */
    legacy_date ld = { 0 };
    const char *p = s;
    while (p && *p) {
        if (isdigit((unsigned char)*p)) {
            char *end = NULL;
            long v = strtol(p, &end, 10);
            if (*end == ':' && !ld.have_time) {
                p = legacy_time(&ld, v, end + 1);
                continue;
            }
            if (ld.nn == 3)
                return false;
            ld.nums[ld.nn++] = v;
            p = end;
        } else if ((*p == '+' || *p == '-') && ld.have_time && isdigit((unsigned char)p[1])) {
            p = legacy_offset(&ld, p);
        } else if (isalpha((unsigned char)*p)) {
            const char *w = p;
            while (isalpha((unsigned char)*p))
                p++;
            if (!legacy_word(&ld, w, (size_t)(p - w)))
                return false;
        } else if (*p == '(') { /* a comment, as in "GMT+0100 (Central European Time)" */
            const char *close = strchr(p, ')');
            if (!close)
                return false;
            p = close + 1;
        } else if (strchr(" ,-/.", *p)) {
            p++;
        } else {
            return false;
        }
    }
    return p && legacy_finish(&ld, ms);
}
