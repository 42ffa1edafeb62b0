/* Shared helpers of the cequel tool: messages, JSON paths, file reading, JSON to cq_value. */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "cli.h"

void cli_diag_set(cli_diag *d, const char *path, const char *fmt, ...)
{
    if (!d)
        return;
    size_t used = 0;
    if (path && *path) {
        int n = snprintf(d->msg, sizeof d->msg, "%s: ", path);
        used = n < 0 ? 0 : (size_t)n;
        if (used >= sizeof d->msg)
            used = sizeof d->msg - 1;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->msg + used, sizeof d->msg - used, fmt, ap);
    va_end(ap);
}

/* Appends `s` to `out` (capacity CLI_PATH_MAX), truncating. */
static void path_append(char *out, const char *s)
{
    size_t len = strlen(out);
    size_t add = strlen(s);
    if (len + add >= CLI_PATH_MAX)
        add = CLI_PATH_MAX - 1 - len;
    memcpy(out + len, s, add);
    out[len + add] = '\0';
}

static bool is_identifier(const char *s)
{
    if (!*s || !(isalpha((unsigned char)*s) || *s == '_' || *s == '$'))
        return false;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '$'))
            return false;
    return true;
}

void cli_path_key(char *out, const char *parent, const char *key)
{
    char tmp[CLI_PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", parent ? parent : "");
    if (is_identifier(key)) {
        if (tmp[0])
            path_append(tmp, ".");
        path_append(tmp, key);
    } else {
        char q[CLI_PATH_MAX];
        cli_quote(q, sizeof q, key);
        path_append(tmp, "[");
        path_append(tmp, q);
        path_append(tmp, "]");
    }
    memcpy(out, tmp, CLI_PATH_MAX);
}

void cli_path_index(char *out, const char *parent, size_t index)
{
    char tmp[CLI_PATH_MAX];
    char idx[32];
    snprintf(tmp, sizeof tmp, "%s", parent ? parent : "");
    snprintf(idx, sizeof idx, "[%zu]", index);
    path_append(tmp, idx);
    memcpy(out, tmp, CLI_PATH_MAX);
}

void cli_quote(char *out, size_t n, const char *s)
{
    size_t o = 0;
    if (n < 8) {
        if (n)
            out[0] = '\0';
        return;
    }
    out[o++] = '"';
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        char esc[8];
        if (c == '"' || c == '\\')
            snprintf(esc, sizeof esc, "\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            snprintf(esc, sizeof esc, "\\u%04x", c);
        else
            esc[0] = (char)c, esc[1] = '\0';
        size_t el = strlen(esc);
        if (o + el + 5 > n) { /* room for ..." and NUL */
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        memcpy(out + o, esc, el);
        o += el;
    }
    out[o++] = '"';
    out[o] = '\0';
}

int cli_json_parse(json_t **out, const char *text, size_t len, const char *origin, cli_diag *diag)
{
    json_error_t jerr;
    /* JSON_DECODE_ANY: a script that is not an object gets a path message, not a parse one. */
    *out = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
    if (*out)
        return CLI_OK;
    cli_diag_set(diag, NULL, "%s:%d:%d: invalid JSON: %s", origin ? origin : "<input>", jerr.line,
                 jerr.column, jerr.text);
    return CLI_EINPUT;
}

char *cli_read_file(const char *path, size_t *len_out, cli_diag *diag)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        cli_diag_set(diag, NULL, "%s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, len = 0;
    char *buf = cq__malloc(cap);
    while (buf) {
        size_t got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0)
            break;
        if (cap - len - 1 == 0) {
            char *nb = cq__realloc(buf, cap * 2);
            if (!nb) {
                cq__free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    bool failed = ferror(f) != 0;
    fclose(f);
    if (!buf || failed) {
        cq__free(buf);
        cli_diag_set(diag, NULL, "%s: %s", path, buf ? "read error" : "out of memory");
        return NULL;
    }
    buf[len] = '\0';
    if (len_out)
        *len_out = len;
    return buf;
}

bool cli_ref_parse(cli_ref *out, const char *text, bool dollar, bool allow_attr)
{
    memset(out, 0, sizeof *out);
    out->index = -1;
    const char *p = text;
    if (dollar) {
        if (*p != '$')
            return false;
        p++;
    }
    size_t n = 0;
    while (isalnum((unsigned char)p[n]) || p[n] == '_')
        n++;
    if (n == 0 || n >= sizeof out->name)
        return false;
    memcpy(out->name, p, n);
    p += n;
    if (*p == '[') {
        p++;
        if (!isdigit((unsigned char)*p))
            return false;
        long idx = 0;
        while (isdigit((unsigned char)*p)) {
            if (idx > 100000000L)
                return false;
            idx = idx * 10 + (*p - '0');
            p++;
        }
        if (*p != ']')
            return false;
        p++;
        out->index = idx;
    }
    if (*p == '.' && allow_attr) {
        p++;
        size_t an = strlen(p);
        if (an == 0 || an >= sizeof out->attr)
            return false;
        memcpy(out->attr, p, an + 1);
        return true;
    }
    return *p == '\0';
}

/* `[Op.gt]` -> `$gt`; other keys unchanged. `buf` has room for the result. */
static const char *map_op_key(const char *key, char *buf, size_t n)
{
    size_t len = strlen(key);
    if (len > 5 && strncmp(key, "[Op.", 4) == 0 && key[len - 1] == ']' && len - 4 < n) {
        buf[0] = '$';
        memcpy(buf + 1, key + 4, len - 5);
        buf[len - 4] = '\0';
        return buf;
    }
    return key;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool cli_blob_literal(cq_value **out, int *rc, json_t *j, const char *path, cli_diag *diag)
{
    json_t *hex = json_is_object(j) ? json_object_get(j, "$blob") : NULL;
    if (!hex || json_object_size(j) != 1)
        return false;
    char sub[CLI_PATH_MAX];
    cli_path_key(sub, path, "$blob");
    *rc = CLI_EINPUT;
    const char *text = json_string_value(hex);
    size_t len = json_is_string(hex) ? json_string_length(hex) : 0;
    bool ok = text && len % 2 == 0;
    for (size_t i = 0; ok && i < len; i++)
        ok = hex_digit(text[i]) >= 0;
    if (!ok) {
        cli_diag_set(diag, sub, "expected hexadecimal digits, two per byte (\"6869\")");
        return true;
    }
    if (out) {
        unsigned char *bytes = cq__malloc(len / 2 + 1);
        *out = NULL;
        if (bytes) {
            for (size_t i = 0; i < len / 2; i++)
                bytes[i] =
                    (unsigned char)(hex_digit(text[2 * i]) * 16 + hex_digit(text[2 * i + 1]));
            *out = cq_value_blob(bytes, len / 2);
            cq__free(bytes);
        }
        if (!*out) {
            cli_diag_set(diag, sub, "out of memory");
            *rc = CLI_ENOMEM;
            return true;
        }
    }
    *rc = CLI_OK;
    return true;
}

int cli_json_to_value(cq_value **out, json_t *j, bool where, cli_ref_fn resolve, void *user_data,
                      const char *path, cli_diag *diag)
{
    *out = NULL;
    switch (json_typeof(j)) {
    case JSON_NULL:
        *out = cq_value_null();
        break;
    case JSON_TRUE:
        *out = cq_value_bool(true);
        break;
    case JSON_FALSE:
        *out = cq_value_bool(false);
        break;
    case JSON_INTEGER:
        *out = cq_value_int((int64_t)json_integer_value(j));
        break;
    case JSON_REAL:
        *out = cq_value_double(json_real_value(j));
        break;
    case JSON_STRING:
        *out = cq_value_text_n(json_string_value(j), json_string_length(j));
        break;
    case JSON_ARRAY: {
        cq_value *arr = cq_value_array();
        if (!arr)
            break;
        for (size_t i = 0; i < json_array_size(j); i++) {
            char sub[CLI_PATH_MAX];
            cli_path_index(sub, path, i);
            cq_value *item = NULL;
            int rc = cli_json_to_value(&item, json_array_get(j, i), where, resolve, user_data, sub,
                                       diag);
            if (rc != CLI_OK) {
                cq_value_free(arr);
                return rc;
            }
            if (cq_value_array_append(arr, item) != CQ_OK) {
                cq_value_free(arr);
                arr = NULL;
                break;
            }
        }
        *out = arr;
        break;
    }
    case JSON_OBJECT: {
        int blob_rc = CLI_OK;
        if (cli_blob_literal(out, &blob_rc, j, path, diag))
            return blob_rc;
        json_t *ref = json_object_get(j, "$ref");
        if (ref && json_object_size(j) == 1) {
            char sub[CLI_PATH_MAX];
            cli_path_key(sub, path, "$ref");
            if (!json_is_string(ref)) {
                cli_diag_set(diag, sub, "expected a string like \"u1.id\"");
                return CLI_EINPUT;
            }
            if (!resolve) {
                cli_diag_set(diag, sub, "references are not allowed here");
                return CLI_EINPUT;
            }
            return resolve(out, json_string_value(ref), sub, user_data, diag);
        }
        cq_value *obj = cq_value_object();
        if (!obj)
            break;
        const char *key;
        json_t *val;
        json_object_foreach(j, key, val)
        {
            char sub[CLI_PATH_MAX];
            char keybuf[128];
            cli_path_key(sub, path, key);
            const char *k = where ? map_op_key(key, keybuf, sizeof keybuf) : key;
            cq_value *item = NULL;
            int rc = cli_json_to_value(&item, val, where, resolve, user_data, sub, diag);
            if (rc != CLI_OK) {
                cq_value_free(obj);
                return rc;
            }
            if (cq_value_object_set(obj, k, item) != CQ_OK) {
                cq_value_free(obj);
                obj = NULL;
                break;
            }
        }
        *out = obj;
        break;
    }
    }
    if (!*out) {
        cli_diag_set(diag, path, "out of memory");
        return CLI_ENOMEM;
    }
    return CLI_OK;
}

bool cli_tpath_parse(const char *text, char *name_out, const char **rest_out)
{
    size_t n = 0;
    while (isalnum((unsigned char)text[n]) || text[n] == '_')
        n++;
    if (n == 0 || n >= 64)
        return false;
    memcpy(name_out, text, n);
    name_out[n] = '\0';
    const char *p = text + n;
    *rest_out = p;
    while (*p) {
        if (*p == '[') {
            p++;
            if (!isdigit((unsigned char)*p))
                return false;
            while (isdigit((unsigned char)*p))
                p++;
            if (*p != ']')
                return false;
            p++;
        } else if (*p == '.') {
            p++;
            size_t k = strcspn(p, ".[");
            if (k == 0)
                return false;
            p += k;
        } else {
            return false;
        }
    }
    return true;
}

const cq_value *cli_tpath_walk(const cq_value *root, const char *rest)
{
    const cq_value *v = root;
    const char *p = rest;
    while (v && *p) {
        if (*p == '[') {
            char *end = NULL;
            unsigned long idx = strtoul(p + 1, &end, 10);
            p = end + 1;
            v = cq_value_type_of(v) == CQ_VALUE_ARRAY ? cq_value_array_get(v, (size_t)idx) : NULL;
        } else {
            p++;
            size_t k = strcspn(p, ".[");
            char key[256];
            if (k >= sizeof key)
                return NULL;
            memcpy(key, p, k);
            key[k] = '\0';
            p += k;
            v = cq_value_type_of(v) == CQ_VALUE_OBJECT ? cq_value_object_get(v, key) : NULL;
        }
    }
    return v;
}
