/* The value constants of cequel/value.h (CQ_TRUE, CQ_FALSE, CQ_NULL, CQ_EMPTY_OBJECT,
 * CQ_EMPTY_ARRAY): read-only statics, so callers borrow them without allocating or freeing. */
#include "cequel/value.h"
#include "core/value_internal.h"

const cq_value cq__value_true = { .type = CQ_VALUE_BOOL, .u.b = true };
const cq_value cq__value_false = { .type = CQ_VALUE_BOOL, .u.b = false };
const cq_value cq__value_null = { .type = CQ_VALUE_NULL };
const cq_value cq__value_empty_object = { .type = CQ_VALUE_OBJECT };
const cq_value cq__value_empty_array = { .type = CQ_VALUE_ARRAY };

bool cq__value_is_const(const cq_value *v)
{
    return v == &cq__value_true || v == &cq__value_false || v == &cq__value_null ||
           v == &cq__value_empty_object || v == &cq__value_empty_array;
}
