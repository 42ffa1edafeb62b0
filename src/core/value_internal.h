/* The layout of cq_value, shared by the core files that walk trees directly. Code outside
 * core/ uses the accessors of cequel/value.h and core/value_ops.h instead. */
#ifndef CQ_CORE_VALUE_INTERNAL_H
#define CQ_CORE_VALUE_INTERNAL_H

#include <stdint.h>

#include "cequel/value.h"
#include "core/value_ops.h"

/* 32 bytes: the element count of an array or object sits beside the type, where the union's
 * alignment would otherwise leave four bytes unused (an instance holds one value slot per
 * attribute, so every byte here counts per attribute per row). */
struct cq_value {
    cq_value_type type;
    uint32_t n; /* arrays and objects: the element count (at most UINT32_MAX) */
    union {
        bool b;
        int64_t i;
        double d;
        struct {
            char *data; /* NUL-terminated for text; blobs get a trailing NUL too */
            size_t len;
        } s;
        struct {
            cq_value **items;
            char **keys; /* objects only */
            size_t cap;
        } a;
    } u;
};

#endif
