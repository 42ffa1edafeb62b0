/*
 * Helpers of the JSON schema loader, shared with the cequel tool: messages that name a JSON
 * path (`models.user.attributes.age.type: ...`), paths, quoting, reading files and JSON to
 * cq_value.
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "schema/schema.h"

static void diag_vset(cq__diag *d, const char *path, const char *fmt, va_list ap) CQ__PRINTF(3, 0);

static void diag_vset(cq__diag *d, const char *path, const char *fmt, va_list ap)
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
    vsnprintf(d->msg + used, sizeof d->msg - used, fmt, ap);
}

void cq__diag_set(cq__diag *d, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vset(d, path, fmt, ap);
    va_end(ap);
}

int cq__diag_fail(cq__diag *d, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vset(d, path, fmt, ap);
    va_end(ap);
    return CQ_EINVALID;
}

void cq__diag_oom(cq__diag *d, const char *path)
{
    cq__diag_set(d, path, "out of memory");
    if (d)
        d->oom = true;
}

/* Appends `s` to `out` (capacity CQ__PATH_MAX), truncating. */
static void path_append(char *out, const char *s)
{
    size_t len = strlen(out);
    size_t add = strlen(s);
    if (len + add >= CQ__PATH_MAX)
        add = CQ__PATH_MAX - 1 - len;
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

void cq__path_key(char *out, const char *parent, const char *key)
{
    char tmp[CQ__PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", parent ? parent : "");
    if (is_identifier(key)) {
        if (tmp[0])
            path_append(tmp, ".");
        path_append(tmp, key);
    } else {
        char q[CQ__PATH_MAX];
        cq__quote(q, sizeof q, key);
        path_append(tmp, "[");
        path_append(tmp, q);
        path_append(tmp, "]");
    }
    memcpy(out, tmp, CQ__PATH_MAX);
}

void cq__path_index(char *out, const char *parent, size_t index)
{
    char tmp[CQ__PATH_MAX];
    char idx[32];
    snprintf(tmp, sizeof tmp, "%s", parent ? parent : "");
    snprintf(idx, sizeof idx, "[%zu]", index);
    path_append(tmp, idx);
    memcpy(out, tmp, CQ__PATH_MAX);
}

int cq__json_each_member(json_t *obj, const char *path, cq__member_fn fn, void *user_data,
                         cq__diag *diag)
{
    const char *key;
    json_t *val;
    json_object_foreach(obj, key, val)
    {
        char sub[CQ__PATH_MAX];
        cq__path_key(sub, path, key);
        int rc = fn(key, val, sub, user_data, diag);
        if (rc != CQ_OK)
            return rc;
    }
    return CQ_OK;
}

void cq__quote(char *out, size_t n, const char *s)
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

int cq__json_parse(json_t **out, const char *text, size_t len, const char *origin, cq__diag *diag)
{
    json_error_t jerr;
    /* JSON_DECODE_ANY: a script that is not an object gets a path message, not a parse one. */
    unsigned long refused = cq__json_alloc_failures();
    *out = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
    if (cq__json_alloc_failures() != refused) {
        /* jansson may call this a syntax error, or lose a character and succeed */
        json_decref(*out);
        *out = NULL;
        cq__diag_set(diag, NULL, "%s: out of memory", origin ? origin : "<input>");
        return CQ_ENOMEM;
    }
    if (*out)
        return CQ_OK;
    cq__diag_set(diag, NULL, "%s:%d:%d: invalid JSON: %s", origin ? origin : "<input>", jerr.line,
                 jerr.column, jerr.text);
    return CQ_EINVALID;
}

char *cq__read_file(const char *path, size_t *len_out, cq__diag *diag)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        cq__diag_set(diag, NULL, "%s: %s", path, strerror(errno));
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
        if (buf)
            cq__diag_set(diag, path, "read error");
        else
            cq__diag_oom(diag, path);
        cq__free(buf);
        return NULL;
    }
    buf[len] = '\0';
    if (len_out)
        *len_out = len;
    return buf;
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

bool cq__blob_literal(cq_value **out, int *rc, json_t *j, const char *path, cq__diag *diag)
{
    json_t *hex = json_is_object(j) ? json_object_get(j, "$blob") : NULL;
    if (!hex || json_object_size(j) != 1)
        return false;
    char sub[CQ__PATH_MAX];
    cq__path_key(sub, path, "$blob");
    *rc = CQ_EINVALID;
    const char *text = json_string_value(hex);
    size_t len = json_is_string(hex) ? json_string_length(hex) : 0;
    bool ok = text && len % 2 == 0;
    for (size_t i = 0; ok && i < len; i++)
        ok = cq__hex_digit(text[i]) >= 0;
    if (!ok) {
        cq__diag_set(diag, sub, "expected hexadecimal digits, two per byte (\"6869\")");
        return true;
    }
    if (out) {
        unsigned char *bytes = cq__malloc(len / 2 + 1);
        *out = NULL;
        if (bytes) {
            for (size_t i = 0; i < len / 2; i++)
                bytes[i] = (unsigned char)(cq__hex_digit(text[2 * i]) * 16 +
                                           cq__hex_digit(text[2 * i + 1]));
            *out = cq_value_blob(bytes, len / 2);
            cq__free(bytes);
        }
        if (!*out) {
            cq__diag_oom(diag, sub);
            *rc = CQ_ENOMEM;
            return true;
        }
    }
    *rc = CQ_OK;
    return true;
}

static int array_to_value(cq_value **out, json_t *j, bool where, cq__ref_fn resolve,
                          void *user_data, const char *path, cq__diag *diag)
{
    cq_value *arr = cq_value_array();
    for (size_t i = 0; arr && i < json_array_size(j); i++) {
        char sub[CQ__PATH_MAX];
        cq__path_index(sub, path, i);
        cq_value *item = NULL;
        int rc =
            cq__json_to_value(&item, json_array_get(j, i), where, resolve, user_data, sub, diag);
        if (rc != CQ_OK) {
            cq_value_free(arr);
            return rc;
        }
        if (cq_value_array_append(arr, item) != CQ_OK) {
            cq_value_free(arr);
            arr = NULL;
        }
    }
    *out = arr;
    return CQ_OK;
}

/* {"$ref": "u1.id"}: the value `resolve` gives. */
static int ref_to_value(cq_value **out, json_t *ref, cq__ref_fn resolve, void *user_data,
                        const char *path, cq__diag *diag)
{
    char sub[CQ__PATH_MAX];
    cq__path_key(sub, path, "$ref");
    if (!json_is_string(ref)) {
        cq__diag_set(diag, sub, "expected a string like \"u1.id\"");
        return CQ_EINVALID;
    }
    if (!resolve) {
        cq__diag_set(diag, sub, "references are not allowed here");
        return CQ_EINVALID;
    }
    return resolve(out, json_string_value(ref), sub, user_data, diag);
}

static int object_to_value(cq_value **out, json_t *j, bool where, cq__ref_fn resolve,
                           void *user_data, const char *path, cq__diag *diag)
{
    int blob_rc = CQ_OK;
    if (cq__blob_literal(out, &blob_rc, j, path, diag))
        return blob_rc;
    json_t *ref = json_object_get(j, "$ref");
    if (ref && json_object_size(j) == 1)
        return ref_to_value(out, ref, resolve, user_data, path, diag);
    cq_value *obj = cq_value_object();
    const char *key;
    json_t *val;
    json_object_foreach(j, key, val)
    {
        if (!obj)
            break;
        char sub[CQ__PATH_MAX];
        char keybuf[128];
        cq__path_key(sub, path, key);
        const char *k = where ? map_op_key(key, keybuf, sizeof keybuf) : key;
        cq_value *item = NULL;
        int rc = cq__json_to_value(&item, val, where, resolve, user_data, sub, diag);
        if (rc != CQ_OK) {
            cq_value_free(obj);
            return rc;
        }
        if (cq_value_object_set(obj, k, item) != CQ_OK) {
            cq_value_free(obj);
            obj = NULL;
        }
    }
    *out = obj;
    return CQ_OK;
}

int cq__json_to_value(cq_value **out, json_t *j, bool where, cq__ref_fn resolve, void *user_data,
                      const char *path, cq__diag *diag)
{
    *out = NULL;
    int rc = CQ_OK;
    if (json_is_array(j))
        rc = array_to_value(out, j, where, resolve, user_data, path, diag);
    else if (json_is_object(j))
        rc = object_to_value(out, j, where, resolve, user_data, path, diag);
    else
        *out = cq__value_from_jansson(j); /* a scalar */
    if (rc == CQ_OK && !*out) {
        cq__diag_oom(diag, path);
        return CQ_ENOMEM;
    }
    return rc;
}
