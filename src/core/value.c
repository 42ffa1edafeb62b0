#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cequel/value.h"
#include "core/util.h"
#include "core/value_internal.h"

static cq_value *new_value(cq_value_type t)
{
    cq_value *v = cq__calloc(1, sizeof *v);
    if (v)
        v->type = t;
    return v;
}

/* A null or a boolean has nothing that could change (the mutators take only arrays and
 * objects): every one is one of the read-only constants, which cost no allocation and which
 * cq_value_free ignores. */
cq_value *cq_value_null(void)
{
    return (cq_value *)&cq__value_null;
}

cq_value *cq_value_bool(bool b)
{
    return (cq_value *)(b ? &cq__value_true : &cq__value_false);
}

/* Whether a container given `item` must store a copy: the empty object and array constants
 * are read-only, while what a container holds may be changed through it. */
static bool copy_on_store(const cq_value *item)
{
    return item == &cq__value_empty_object || item == &cq__value_empty_array;
}

cq_value *cq_value_int(int64_t i)
{
    cq_value *v = new_value(CQ_VALUE_INT);
    if (v)
        v->u.i = i;
    return v;
}

cq_value *cq_value_double(double d)
{
    cq_value *v = new_value(CQ_VALUE_DOUBLE);
    if (v)
        v->u.d = d;
    return v;
}

cq_value *cq_value_text(const char *s)
{
    if (!s)
        return cq_value_null();
    return cq_value_text_n(s, strlen(s));
}

/* Text is stored in the same block as the value, right after it: one allocation per text
 * cell (rows are read into thousands of them). */
static bool text_inline(const cq_value *v)
{
    return v->u.s.data == (const char *)(v + 1);
}

cq_value *cq_value_text_n(const char *s, size_t len)
{
    if (!s)
        len = 0;
    if (len > UINT32_MAX)
        return NULL;
    cq_value *v = cq__malloc(sizeof *v + len + 1);
    if (!v)
        return NULL;
    memset(v, 0, sizeof *v);
    v->type = CQ_VALUE_TEXT;
    v->u.s.data = (char *)(v + 1);
    if (len)
        memcpy(v->u.s.data, s, len);
    v->u.s.data[len] = '\0';
    v->n = (uint32_t)len;
    return v;
}

void cq__value_set_text(cq_value *v, char *text, size_t len)
{
    if (!text_inline(v) && (v->type == CQ_VALUE_TEXT || v->type == CQ_VALUE_BLOB))
        cq__free(v->u.s.data);
    v->type = CQ_VALUE_TEXT;
    v->u.s.data = text;
    v->n = (uint32_t)len;
}

bool cq__value_text_has_nul(const cq_value *v)
{
    return v && v->type == CQ_VALUE_TEXT && memchr(v->u.s.data, '\0', v->n) != NULL;
}

cq_value *cq_value_blob(const void *data, size_t len)
{
    if (len > UINT32_MAX)
        return NULL;
    cq_value *v = new_value(CQ_VALUE_BLOB);
    if (!v)
        return NULL;
    v->u.s.data = cq__malloc(len + 1);
    if (!v->u.s.data) {
        cq__free(v);
        return NULL;
    }
    if (len)
        memcpy(v->u.s.data, data, len);
    v->u.s.data[len] = '\0';
    v->n = (uint32_t)len;
    return v;
}

cq_value *cq_value_array(void)
{
    return new_value(CQ_VALUE_ARRAY);
}

cq_value *cq_value_object(void)
{
    return new_value(CQ_VALUE_OBJECT);
}

bool cq__cell_of(cq__cell *out, const cq_value *v)
{
    memset(out, 0, sizeof *out);
    out->type = v ? v->type : CQ_VALUE_NULL;
    switch (out->type) {
    case CQ_VALUE_NULL:
        return true;
    case CQ_VALUE_BOOL:
        out->i = v->u.b;
        return true;
    case CQ_VALUE_INT:
        out->i = v->u.i;
        return true;
    case CQ_VALUE_DOUBLE:
        out->d = v->u.d;
        return true;
    case CQ_VALUE_TEXT:
    case CQ_VALUE_BLOB:
        out->s = v->u.s.data;
        out->len = v->n;
        return true;
    default:
        return false;
    }
}

cq_value *cq__value_from_cell(const cq__cell *c)
{
    switch (c->type) {
    case CQ_VALUE_BOOL:
        return cq_value_bool(c->i != 0);
    case CQ_VALUE_INT:
        return cq_value_int(c->i);
    case CQ_VALUE_DOUBLE:
        return cq_value_double(c->d);
    case CQ_VALUE_TEXT:
        return cq_value_text_n(c->s, c->len);
    case CQ_VALUE_BLOB:
        return cq_value_blob(c->s, c->len);
    default:
        return cq_value_null();
    }
}

size_t cq__cell_arena_bytes(const cq__cell *c)
{
    if (c->type != CQ_VALUE_TEXT && c->type != CQ_VALUE_BLOB)
        return 0;
    return c->len > UINT32_MAX ? SIZE_MAX : c->len + 1; /* too long: no place (SIZE_MAX) */
}

_Static_assert(sizeof(cq_value) == CQ__SLOT_SIZE, "a value slot holds one cq_value");

void cq__slot_unset(void *slot)
{
    cq_value *s = slot;
    s->type = (cq_value_type)CQ__SLOT_UNSET;
    s->n = 0;
    s->u.ref = NULL;
}

cq_value *cq__slot_value(const void *slot)
{
    const cq_value *s = slot;
    if ((int)s->type == CQ__SLOT_REF)
        return s->u.ref;
    return (int)s->type == CQ__SLOT_UNSET ? NULL : (cq_value *)s;
}

bool cq__slot_owns(const void *slot)
{
    return (int)((const cq_value *)slot)->type == CQ__SLOT_REF;
}

void cq__slot_put(void *slot, cq_value *v)
{
    cq_value *s = slot;
    if ((int)s->type == CQ__SLOT_REF)
        cq_value_free(s->u.ref);
    if (!v) {
        cq__slot_unset(s);
        return;
    }
    s->type = (cq_value_type)CQ__SLOT_REF;
    s->n = 0;
    s->u.ref = v;
}

cq_value *cq__value_place_same(void *slot, const cq_value *placed)
{
    memcpy(slot, placed, sizeof *placed);
    return slot;
}

cq_value *cq__value_place(void *slot, const cq__cell *c, char **arena)
{
    cq_value *v = slot;
    memset(v, 0, sizeof *v);
    v->type = c->type;
    switch (c->type) {
    case CQ_VALUE_BOOL:
        v->u.b = c->i != 0;
        break;
    case CQ_VALUE_INT:
        v->u.i = c->i;
        break;
    case CQ_VALUE_DOUBLE:
        v->u.d = c->d;
        break;
    case CQ_VALUE_TEXT:
    case CQ_VALUE_BLOB:
        v->u.s.data = *arena;
        v->n = (uint32_t)c->len;
        if (c->len)
            memcpy(*arena, c->s, c->len);
        (*arena)[c->len] = '\0';
        *arena += c->len + 1;
        break;
    default:
        v->type = CQ_VALUE_NULL;
        break;
    }
    return v;
}

void cq_value_free(cq_value *v)
{
    if (!v || cq__value_is_const(v))
        return;
    switch (v->type) {
    case CQ_VALUE_TEXT:
    case CQ_VALUE_BLOB:
        if (!text_inline(v))
            cq__free(v->u.s.data);
        break;
    case CQ_VALUE_ARRAY:
        for (size_t i = 0; i < v->n; i++)
            cq_value_free(v->u.a.items[i]);
        cq__free(v->u.a.items);
        break;
    case CQ_VALUE_OBJECT: {
        char **keys = cq__value_keys(v);
        for (size_t i = 0; i < v->n; i++) {
            cq__free(keys[i]);
            cq_value_free(v->u.a.items[i]);
        }
        cq__free(v->u.a.items); /* the keys with them */
        break;
    }
    default:
        break;
    }
    cq__free(v);
}

cq_value *cq_value_copy(const cq_value *v)
{
    if (!v)
        return NULL;
    switch (v->type) {
    case CQ_VALUE_NULL:
        return cq_value_null();
    case CQ_VALUE_BOOL:
        return cq_value_bool(v->u.b);
    case CQ_VALUE_INT:
        return cq_value_int(v->u.i);
    case CQ_VALUE_DOUBLE:
        return cq_value_double(v->u.d);
    case CQ_VALUE_TEXT:
        return cq_value_text_n(v->u.s.data, v->n);
    case CQ_VALUE_BLOB:
        return cq_value_blob(v->u.s.data, v->n);
    case CQ_VALUE_ARRAY: {
        cq_value *c = cq_value_array();
        for (size_t i = 0; c && i < v->n; i++)
            if (cq_value_array_append(c, cq_value_copy(v->u.a.items[i])) != 0) {
                cq_value_free(c);
                return NULL;
            }
        return c;
    }
    case CQ_VALUE_OBJECT: {
        cq_value *c = cq_value_object();
        for (size_t i = 0; c && i < v->n; i++)
            if (cq_value_object_set(c, cq__value_keys(v)[i], cq_value_copy(v->u.a.items[i])) != 0) {
                cq_value_free(c);
                return NULL;
            }
        return c;
    }
    }
    return NULL;
}

cq_value_type cq_value_type_of(const cq_value *v)
{
    return v ? v->type : CQ_VALUE_NULL;
}

bool cq_value_is_null(const cq_value *v)
{
    return !v || v->type == CQ_VALUE_NULL;
}

bool cq_value_as_bool(const cq_value *v)
{
    if (!v)
        return false;
    switch (v->type) {
    case CQ_VALUE_BOOL:
        return v->u.b;
    case CQ_VALUE_INT:
        return v->u.i != 0;
    case CQ_VALUE_DOUBLE:
        return v->u.d != 0;
    default:
        return false;
    }
}

int64_t cq_value_as_int(const cq_value *v)
{
    if (!v)
        return 0;
    switch (v->type) {
    case CQ_VALUE_BOOL:
        return v->u.b;
    case CQ_VALUE_INT:
        return v->u.i;
    case CQ_VALUE_DOUBLE:
        if (isnan(v->u.d) || v->u.d >= 9.2233720368547758e18 || v->u.d <= -9.2233720368547758e18)
            return 0;
        return (int64_t)v->u.d;
    default:
        return 0;
    }
}

double cq_value_as_double(const cq_value *v)
{
    if (!v)
        return 0;
    if (v->type == CQ_VALUE_DOUBLE)
        return v->u.d;
    if (v->type == CQ_VALUE_INT)
        return (double)v->u.i;
    return 0;
}

const char *cq_value_as_text(const cq_value *v)
{
    return v && v->type == CQ_VALUE_TEXT ? v->u.s.data : NULL;
}

const void *cq_value_as_blob(const cq_value *v, size_t *len_out)
{
    if (!v || v->type != CQ_VALUE_BLOB) {
        if (len_out)
            *len_out = 0;
        return NULL;
    }
    if (len_out)
        *len_out = v->n;
    return v->u.s.data;
}

size_t cq_value_size(const cq_value *v)
{
    return v && (v->type == CQ_VALUE_ARRAY || v->type == CQ_VALUE_OBJECT) ? v->n : 0;
}

cq_value *cq_value_array_get(const cq_value *v, size_t i)
{
    return v && v->type == CQ_VALUE_ARRAY && i < v->n ? v->u.a.items[i] : NULL;
}

/* Room for one more element in an array or object: its items, and an object's keys after
 * them in the same block (moved up when the capacity cq__value_cap gives grows). */
static int grow_one(cq_value *v)
{
    size_t cap = cq__value_cap(v->n), need = cq__value_cap((size_t)v->n + 1);
    if (need <= cap)
        return 0;
    bool object = v->type == CQ_VALUE_OBJECT;
    cq_value **items = cq__realloc(v->u.a.items, (object ? 2 : 1) * need * sizeof *items);
    if (!items)
        return -1;
    if (object && cap)
        memmove(items + need, items + cap, v->n * sizeof(char *));
    v->u.a.items = items;
    return 0;
}

int cq_value_array_append(cq_value *array, cq_value *item)
{
    if (copy_on_store(item))
        item = cq_value_copy(item);
    if (!item)
        return CQ_ENOMEM;
    if (!array || array->type != CQ_VALUE_ARRAY || cq__value_is_const(array)) {
        cq_value_free(item);
        return CQ_EINVALID;
    }
    if (array->n == UINT32_MAX || grow_one(array) != 0) {
        cq_value_free(item);
        return CQ_ENOMEM;
    }
    array->u.a.items[array->n++] = item;
    return CQ_OK;
}

static long object_find(const cq_value *v, const char *key)
{
    char **keys = cq__value_keys(v);
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(keys[i], key) == 0)
            return (long)i;
    return -1;
}

cq_value *cq_value_object_get(const cq_value *v, const char *key)
{
    if (!v || v->type != CQ_VALUE_OBJECT || !key)
        return NULL;
    long i = object_find(v, key);
    return i < 0 ? NULL : v->u.a.items[i];
}

const char *cq_value_object_key(const cq_value *v, size_t i)
{
    return v && v->type == CQ_VALUE_OBJECT && i < v->n ? cq__value_keys(v)[i] : NULL;
}

cq_value *cq_value_object_value(const cq_value *v, size_t i)
{
    return v && v->type == CQ_VALUE_OBJECT && i < v->n ? v->u.a.items[i] : NULL;
}

int cq_value_object_set(cq_value *object, const char *key, cq_value *item)
{
    if (copy_on_store(item))
        item = cq_value_copy(item);
    if (!item)
        return CQ_ENOMEM;
    if (!object || object->type != CQ_VALUE_OBJECT || !key || cq__value_is_const(object)) {
        cq_value_free(item);
        return CQ_EINVALID;
    }
    long i = object_find(object, key);
    if (i >= 0) {
        cq_value_free(object->u.a.items[i]);
        object->u.a.items[i] = item;
        return CQ_OK;
    }
    if (object->n == UINT32_MAX || grow_one(object) != 0) {
        cq_value_free(item);
        return CQ_ENOMEM;
    }
    char *k = cq__strdup(key);
    if (!k) {
        cq_value_free(item);
        return CQ_ENOMEM;
    }
    object->n++; /* the keys' place follows from the new count */
    cq__value_keys(object)[object->n - 1] = k;
    object->u.a.items[object->n - 1] = item;
    return CQ_OK;
}

void cq_value_object_remove(cq_value *object, const char *key)
{
    if (!object || object->type != CQ_VALUE_OBJECT || !key)
        return;
    long i = object_find(object, key);
    if (i < 0)
        return;
    char **keys = cq__value_keys(object);
    cq__free(keys[i]);
    cq_value_free(object->u.a.items[i]);
    size_t rest = object->n - (size_t)i - 1;
    memmove(&keys[i], &keys[i + 1], rest * sizeof(char *));
    memmove(&object->u.a.items[i], &object->u.a.items[i + 1], rest * sizeof(cq_value *));
    object->n--;
    /* the keys follow the capacity of the smaller count (the block keeps its size) */
    if (cq__value_keys(object) != keys)
        memmove(cq__value_keys(object), keys, object->n * sizeof(char *));
}

bool cq_value_is_equal(const cq_value *a, const cq_value *b)
{
    cq_value_type ta = cq_value_type_of(a), tb = cq_value_type_of(b);
    if ((ta == CQ_VALUE_INT || ta == CQ_VALUE_DOUBLE) &&
        (tb == CQ_VALUE_INT || tb == CQ_VALUE_DOUBLE)) {
        if (ta == CQ_VALUE_INT && tb == CQ_VALUE_INT)
            return a->u.i == b->u.i;
        return cq_value_as_double(a) == cq_value_as_double(b);
    }
    if (ta != tb)
        return false;
    switch (ta) {
    case CQ_VALUE_NULL:
        return true;
    case CQ_VALUE_BOOL:
        return a->u.b == b->u.b;
    case CQ_VALUE_TEXT:
    case CQ_VALUE_BLOB:
        return a->n == b->n && memcmp(a->u.s.data, b->u.s.data, a->n) == 0;
    case CQ_VALUE_ARRAY:
        if (a->n != b->n)
            return false;
        for (size_t i = 0; i < a->n; i++)
            if (!cq_value_is_equal(a->u.a.items[i], b->u.a.items[i]))
                return false;
        return true;
    case CQ_VALUE_OBJECT:
        if (a->n != b->n)
            return false;
        for (size_t i = 0; i < a->n; i++) {
            cq_value *o = cq_value_object_get(b, cq__value_keys(a)[i]);
            if (!o || !cq_value_is_equal(a->u.a.items[i], o))
                return false;
        }
        return true;
    default:
        return false;
    }
}
