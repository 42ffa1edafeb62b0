/* The layout of cq_value, shared by the core files that walk trees directly. */
#ifndef CQ_CORE_VALUE_INTERNAL_H
#define CQ_CORE_VALUE_INTERNAL_H

#include "cequel/value.h"

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

/* Makes `v` a text value holding `text` (taken; NUL-terminated, `len` bytes), freeing the
 * text or blob it held. */
void cq__value_set_text(cq_value *v, char *text, size_t len);

/* The constants of value.h (CQ_TRUE ...): static, never freed, copied by setters. */
bool cq__value_is_const(const cq_value *v);

/* A jansson tree as a new cq_value (NULL on OOM); `j` is borrowed. */
struct json_t;
cq_value *cq__value_from_jansson(struct json_t *j);

#endif
