/* JSON text to and from cq_value, through jansson. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cequel/value.h"
#include "core/error.h"
#include "core/util.h"
#include "core/value_internal.h"

static cq_value *from_json(json_t *j);

cq_value *cq__value_from_jansson(json_t *j)
{
    return from_json(j);
}

static cq_value *from_json(json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_NULL:
        return cq_value_null();
    case JSON_TRUE:
        return cq_value_bool(true);
    case JSON_FALSE:
        return cq_value_bool(false);
    case JSON_INTEGER:
        return cq_value_int((int64_t)json_integer_value(j));
    case JSON_REAL:
        return cq_value_double(json_real_value(j));
    case JSON_STRING:
        return cq_value_text_n(json_string_value(j), json_string_length(j));
    case JSON_ARRAY: {
        cq_value *a = cq_value_array();
        size_t i;
        json_t *item;
        json_array_foreach(j, i, item)
        {
            if (!a || cq_value_array_append(a, from_json(item)) != CQ_OK) {
                cq_value_free(a);
                return NULL;
            }
        }
        return a;
    }
    case JSON_OBJECT: {
        cq_value *o = cq_value_object();
        const char *key;
        json_t *item;
        /* JSON_PRESERVE_ORDER is the default in jansson >= 2.8: iteration is insertion order */
        json_object_foreach(j, key, item)
        {
            if (!o || cq_value_object_set(o, key, from_json(item)) != CQ_OK) {
                cq_value_free(o);
                return NULL;
            }
        }
        return o;
    }
    }
    return NULL;
}

int cq_value_from_json(cq_value **out, const char *json, cq_error *err)
{
    *out = NULL;
    if (!json)
        return cq__err_set(err, CQ_EINVALID, "JSON text is NULL");
    json_error_t je;
    unsigned long refused = cq__json_alloc_failures();
    json_t *j = json_loads(json, JSON_DECODE_ANY, &je);
    if (cq__json_alloc_failures() != refused) {
        /* jansson may report this as a syntax error, or lose a character and succeed */
        json_decref(j);
        return cq__err_set(err, CQ_ENOMEM, "out of memory parsing JSON");
    }
    if (!j)
        return cq__err_set(err, CQ_EINVALID, "invalid JSON at line %d, column %d: %s", je.line,
                           je.column, je.text);
    *out = from_json(j);
    json_decref(j);
    return *out ? CQ_OK : cq__err_set(err, CQ_ENOMEM, "out of memory parsing JSON");
}

static json_t *value_to_jansson(const cq_value *v)
{
    switch (cq_value_type_of(v)) {
    case CQ_VALUE_NULL:
        return json_null();
    case CQ_VALUE_BOOL:
        return json_boolean(v->u.b);
    case CQ_VALUE_INT:
        return json_integer((json_int_t)v->u.i);
    case CQ_VALUE_DOUBLE:
        if (!isfinite(v->u.d))
            return json_null();
        /* JavaScript prints integral numbers without a fraction: 3, not 3.0 */
        if (v->u.d == floor(v->u.d) && fabs(v->u.d) < 9007199254740992.0)
            return json_integer((json_int_t)v->u.d);
        return json_real(v->u.d);
    case CQ_VALUE_TEXT:
        return json_stringn(v->u.s.data, v->n);
    case CQ_VALUE_BLOB: {
        /* Node's Buffer#toJSON shape */
        json_t *o = json_object(), *data = json_array();
        for (size_t i = 0; i < v->n; i++)
            json_array_append_new(data, json_integer((unsigned char)v->u.s.data[i]));
        json_object_set_new(o, "type", json_string("Buffer"));
        json_object_set_new(o, "data", data);
        return o;
    }
    case CQ_VALUE_ARRAY: {
        json_t *a = json_array();
        for (size_t i = 0; a && i < v->n; i++)
            json_array_append_new(a, value_to_jansson(v->u.a.items[i]));
        return a;
    }
    case CQ_VALUE_OBJECT: {
        json_t *o = json_object();
        for (size_t i = 0; o && i < v->n; i++)
            json_object_set_new(o, cq__value_keys(v)[i], value_to_jansson(v->u.a.items[i]));
        return o;
    }
    }
    return json_null();
}

int cq_value_to_json(char **out, const cq_value *v, int flags)
{
    *out = NULL;
    unsigned long refused = cq__json_alloc_failures();
    json_t *j = value_to_jansson(v);
    if (!j)
        return CQ_ENOMEM;
    size_t jf = JSON_ENCODE_ANY | JSON_REAL_PRECISION(15);
    if (flags & CQ_JSON_INDENT)
        jf |= JSON_INDENT(2);
    else
        jf |= JSON_COMPACT;
    if (flags & CQ_JSON_SORT_KEYS)
        jf |= JSON_SORT_KEYS;
    char *s = json_dumps(j, jf);
    json_decref(j);
    if (s && cq__json_alloc_failures() != refused) {
        cq__json_free(s); /* jansson may have dropped part of the text */
        s = NULL;
    }
    if (!s)
        return CQ_ENOMEM;
    /* 15 significant digits, like SQLite's own text conversion: 0.1 prints as 0.1. */
    /* jansson allocates with its own hooks (ours once cq_set_allocator ran, but an application
     * may swap them): hand back our own copy so cq_free() is right either way. */
    *out = cq__strdup(s);
    cq__json_free(s);
    return *out ? CQ_OK : CQ_ENOMEM;
}
