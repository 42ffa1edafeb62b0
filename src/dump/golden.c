/* The golden document of the conformance suite (normalize.js) and its text (dump.js
 * stringify()). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cequel/dump.h"
#include "core/error.h"
#include "core/util.h"
#include "core/value_ops.h"
#include "dump/dump.h"
#include "model/model.h"

/* Element or member `i` of an array or object. */
static cq_value *member(const cq_value *v, size_t i)
{
    return cq_value_type_of(v) == CQ_VALUE_OBJECT ? cq_value_object_value(v, i)
                                                  : cq_value_array_get(v, i);
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

/* Whether every member of container `v` is a scalar or an array of scalars. */
static bool is_leaf(const cq_value *v)
{
    for (size_t i = 0; i < cq_value_size(v); i++) {
        const cq_value *x = member(v, i);
        if (!is_js_object(x))
            continue;
        if (cq_value_type_of(x) != CQ_VALUE_ARRAY)
            return false;
        for (size_t j = 0; j < cq_value_size(x); j++)
            if (is_js_object(cq_value_array_get(x, j)))
                return false;
    }
    return true;
}

static void golden_render(cq__buf *b, const cq_value *v, int depth);

/* A container one member per line. */
static void render_lines(cq__buf *b, const cq_value *v, int depth)
{
    bool obj = cq_value_type_of(v) == CQ_VALUE_OBJECT;
    size_t n = cq_value_size(v);
    cq__buf_put(b, obj ? "{\n" : "[\n");
    for (size_t i = 0; i < n; i++) {
        put_indent(b, depth + 1);
        if (obj) {
            const char *k = cq_value_object_key(v, i);
            cq__js_quote(b, k, strlen(k));
            cq__buf_put(b, ": ");
        }
        golden_render(b, member(v, i), depth + 1);
        cq__buf_put(b, i + 1 < n ? ",\n" : "\n");
    }
    put_indent(b, depth);
    cq__buf_putc(b, obj ? '}' : ']');
}

/* dump.js stringify(): one line when short, else one member per line. */
static void golden_render(cq__buf *b, const cq_value *v, int depth)
{
    cq__buf flat = { 0 };
    cq__js_stringify(&flat, v);
    if (flat.oom) {
        b->oom = true;
        cq__buf_free(&flat);
        return;
    }
    cq_value_type t = cq_value_type_of(v);
    bool lines = t == CQ_VALUE_ARRAY || t == CQ_VALUE_OBJECT;
    if (lines) {
        size_t len = cq__js_strlen(flat.data, flat.len);
        if (len <= 80 || (len <= 200 && is_leaf(v)) || cq_value_size(v) == 0)
            lines = false;
    }
    if (lines)
        render_lines(b, v, depth);
    else
        cq__buf_putn(b, flat.data, flat.len);
    cq__buf_free(&flat);
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

/* ---- UUIDs -------------------------------------------------------------------------------- */

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

/* The text of `v` when it is a UUID, else NULL. */
static const char *uuid_text(const cq_value *v)
{
    size_t n = 0;
    const char *s = cq__value_text_n(v, &n);
    return s && is_uuid(s, n) ? s : NULL;
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
        cq__free(k);
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
        cq__free(m->keys[i]);
    cq__free(m->keys);
}

/* Makes `v` the text `s` (copied); false on OOM. */
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
    const char *u = uuid_text(v);
    if (u) {
        long i = uuid_get(m, u);
        char ph[40];
        snprintf(ph, sizeof ph, "<uuid:%ld>", i + 1);
        if (i < 0 || !set_text(v, ph))
            m->oom = true;
        return;
    }
    cq_value_type t = cq_value_type_of(v);
    if (t == CQ_VALUE_ARRAY || t == CQ_VALUE_OBJECT)
        for (size_t i = 0; i < cq_value_size(v); i++)
            uuid_replace(m, member(v, i));
}

static cq_value *uuid_sort_mask(const cq_value *v, void *ctx)
{
    const uuid_map *m = ctx;
    const char *u = uuid_text(v);
    if (!u)
        return NULL;
    long i = uuid_find(m, u);
    if (i < 0)
        return cq_value_text("<uuid>");
    char ph[40];
    snprintf(ph, sizeof ph, "<uuid:%ld>", i + 1);
    return cq_value_text(ph);
}

/* ---- the result and the dump -------------------------------------------------------------- */

/* normalize.js toPlain() for a tree that is already plain: Buffers (blobs) as hex, numbers
 * that are not finite as String(v). In place. */
static bool to_plain(cq_value *v)
{
    char *s = NULL;
    switch (cq_value_type_of(v)) {
    case CQ_VALUE_DOUBLE:
        if (isfinite(cq_value_as_double(v)))
            return true;
        s = cq__js_scalar_string(v);
        break;
    case CQ_VALUE_BLOB:
        s = cq__dump_hex(v);
        break;
    case CQ_VALUE_ARRAY:
    case CQ_VALUE_OBJECT:
        for (size_t i = 0; i < cq_value_size(v); i++)
            if (!to_plain(member(v, i)))
                return false;
        return true;
    default:
        return true;
    }
    if (!s)
        return false;
    cq__value_set_text(v, s, strlen(s));
    return true;
}

/* normalize.js maskTimestamps(), in place. */
static bool mask_timestamps(cq_value *v)
{
    cq_value_type t = cq_value_type_of(v);
    if (t != CQ_VALUE_ARRAY && t != CQ_VALUE_OBJECT)
        return true;
    for (size_t i = 0; i < cq_value_size(v); i++) {
        cq_value *item = member(v, i);
        const char *key = cq_value_object_key(v, i);
        if (key && cq__dump_is_timestamp_column(key) && !is_js_object(item)) {
            if (cq_value_is_null(item))
                continue;
            if (cq_value_object_set(v, key, cq_value_text(CQ__DUMP_TIMESTAMP)) != CQ_OK)
                return false;
        } else if (!mask_timestamps(item)) {
            return false;
        }
    }
    return true;
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
        rc = cq__dump_sort_rows(rows, names, uuid_sort_mask, uuids);
    for (size_t r = 0; rc == CQ_OK && r < cq_value_size(rows); r++)
        uuid_replace(uuids, cq_value_array_get(rows, r));
    if (rc == CQ_OK && uuids->oom)
        rc = CQ_ENOMEM;
    if (rc == CQ_OK)
        rc = cq__dump_sort_rows(rows, names, NULL, NULL);
    cq_value_free(names);
    return rc;
}

/* The tables of `dump`, stabilized, into `d`: in Array#sort order of their names, as UUIDs
 * are numbered in that order. */
static int stabilize_dump(cq_value *d, const cq_value *dump, uuid_map *uuids)
{
    size_t nt = cq_value_size(dump);
    const char **tnames = cq__calloc(nt ? nt : 1, sizeof *tnames);
    if (!tnames)
        return CQ_ENOMEM;
    for (size_t i = 0; i < nt; i++) {
        const char *name = cq_value_object_key(dump, i);
        size_t j = i;
        while (j > 0 && cq__js_strcmp(tnames[j - 1], name) > 0) {
            tnames[j] = tnames[j - 1];
            j--;
        }
        tnames[j] = name;
    }
    int rc = CQ_OK;
    for (size_t i = 0; rc == CQ_OK && i < nt; i++) {
        cq_value *tbl = cq_value_copy(cq_value_object_get(dump, tnames[i]));
        if (!tbl)
            rc = CQ_ENOMEM;
        else if (cq_value_type_of(tbl) != CQ_VALUE_OBJECT)
            rc = CQ_EINVALID;
        else
            rc = stabilize_table(tbl, uuids);
        if (rc == CQ_OK)
            rc = cq_value_object_set(d, tnames[i], tbl) == CQ_OK ? CQ_OK : CQ_ENOMEM;
        else
            cq_value_free(tbl);
    }
    cq__free(tnames);
    return rc;
}

/* {"dump": d, "result": r}, keys sorted; takes `d` and `r`, even on failure. */
static cq_value *golden_doc(cq_value *d, cq_value *r)
{
    cq_value *doc = cq_value_object();
    if (cq_value_object_set(doc, "dump", d) != CQ_OK) {
        cq_value_free(r);
        cq_value_free(doc);
        return NULL;
    }
    if (cq_value_object_set(doc, "result", r) != CQ_OK) {
        cq_value_free(doc);
        return NULL;
    }
    cq__js_sort_keys_deep(doc);
    return doc;
}

int cq_golden_normalize(cq_value **out, const cq_value *result, const cq_value *dump, cq_error *err)
{
    *out = NULL;
    if (cq_value_type_of(dump) != CQ_VALUE_OBJECT)
        return cq__err_set(err, CQ_EINVALID, "cq_golden_normalize: dump is not an object");
    uuid_map uuids = { 0 };
    cq_value *r = result ? cq_value_copy(result) : cq_value_null();
    cq_value *d = cq_value_object();
    int rc = r && d ? CQ_OK : CQ_ENOMEM;
    if (rc == CQ_OK && !(to_plain(r) && mask_timestamps(r)))
        rc = CQ_ENOMEM;
    if (rc == CQ_OK) {
        cq__js_sort_keys_deep(r);
        uuid_replace(&uuids, r);
        if (uuids.oom)
            rc = CQ_ENOMEM;
    }
    if (rc == CQ_OK)
        rc = stabilize_dump(d, dump, &uuids);
    uuid_map_free(&uuids);
    cq_value *doc = NULL;
    if (rc == CQ_OK) {
        doc = golden_doc(d, r); /* takes both */
        rc = doc ? CQ_OK : CQ_ENOMEM;
    } else {
        cq_value_free(r);
        cq_value_free(d);
    }
    if (rc != CQ_OK)
        return cq__err_set(err, rc,
                           rc == CQ_EINVALID ? "cq_golden_normalize: a table of the dump has no "
                                               "columns/rows arrays"
                                             : "out of memory");
    *out = doc;
    return CQ_OK;
}

int cq_db_golden(char **out, cq_db *db, const cq_value *result)
{
    *out = NULL;
    if (!db)
        return CQ_EINVALID;
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
    return rc == CQ_OK ? CQ_OK : cq__db_oom(db);
}
