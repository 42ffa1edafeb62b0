/* The layout of cq_value, shared by the core files that walk trees directly. Code outside
 * core/ uses the accessors of cequel/value.h and core/value_ops.h instead. */
#ifndef CQ_CORE_VALUE_INTERNAL_H
#define CQ_CORE_VALUE_INTERNAL_H

#include <stdint.h>

#include "cequel/value.h"
#include "core/value_ops.h"

/* 16 bytes: the element count of an array or object, or the byte length of a text or blob,
 * sits beside the type, where the union's alignment would otherwise leave four bytes unused;
 * an array's capacity follows from its count (cq__value_cap), and an object's keys share its
 * items' block (cq__value_keys), so the union is one pointer wide. An instance holds one
 * value place per attribute, so every byte here counts per attribute per row. */
struct cq_value {
    cq_value_type type;
    uint32_t n; /* arrays and objects: the element count; text and blobs: the byte length
                   (at most UINT32_MAX either) */
    union {
        bool b;
        int64_t i;
        double d;
        struct {
            char *data; /* NUL-terminated for text; blobs get a trailing NUL too */
        } s;
        struct {
            cq_value **items; /* cq__value_cap(n) places; an object's keys follow them */
        } a;
        cq_value *ref; /* CQ__SLOT_REF: the value the slot holds, owned */
    } u;
};

/* The two kinds a value slot (cq__slot_*) has besides a value in place: nothing, or a value
 * of its own allocation. Never seen outside a slot. */
enum { CQ__SLOT_UNSET = 100, CQ__SLOT_REF = 101 };

/* The room an array or object of `n` elements has: 0 for none, else the power of two from 4
 * up that holds them, so appending one by one reallocates log n times. */
static inline size_t cq__value_cap(size_t n)
{
    size_t c = n ? 4 : 0;
    while (c < n)
        c *= 2;
    return c;
}

/* An object's keys: cq__value_cap(n) places right after its items, in the same block
 * (NULL while it has none). */
static inline char **cq__value_keys(const cq_value *v)
{
    return v->u.a.items ? (char **)(v->u.a.items + cq__value_cap(v->n)) : NULL;
}

#endif
