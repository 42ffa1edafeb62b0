/* The layout of cq_value, shared by the core files that walk trees directly. Code outside
 * core/ uses the accessors of cequel/value.h and core/value_ops.h instead. */
#ifndef CQ_CORE_VALUE_INTERNAL_H
#define CQ_CORE_VALUE_INTERNAL_H

#include "cequel/value.h"
#include "core/value_ops.h"

struct cq_value {
    cq_value_type type;
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
            size_t n, cap;
        } a;
    } u;
};

#endif
