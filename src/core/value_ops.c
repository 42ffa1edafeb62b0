/* Internal in-place operations on cq_value trees (core/value_ops.h). */
#include <string.h>

#include "core/util.h"
#include "core/value_internal.h"

const char *cq__value_text_n(const cq_value *v, size_t *len_out)
{
    bool text = v && v->type == CQ_VALUE_TEXT;
    if (len_out)
        *len_out = text ? v->n : 0;
    return text ? v->u.s.data : NULL;
}

int cq__value_array_sort(cq_value *arr, cq__js_cmp cmp, void *ctx)
{
    if (!arr || arr->type != CQ_VALUE_ARRAY)
        return CQ_EINVALID;
    return cq__js_sort((void **)arr->u.a.items, arr->n, cmp, ctx);
}

typedef struct keyed {
    cq_value *item;
    void *key;
} keyed;

typedef struct keyed_cmp {
    cq__js_cmp cmp;
    void *ctx;
} keyed_cmp;

static int cmp_keyed(const void *a, const void *b, void *ctx)
{
    const keyed_cmp *k = ctx;
    return k->cmp(((const keyed *)a)->key, ((const keyed *)b)->key, k->ctx);
}

int cq__value_array_sort_keyed(cq_value *arr, void **keys, cq__js_cmp cmp, void *ctx)
{
    if (!arr || arr->type != CQ_VALUE_ARRAY)
        return CQ_EINVALID;
    size_t n = arr->n;
    if (n < 2)
        return CQ_OK;
    keyed *pairs = cq__malloc(n * sizeof *pairs);
    void **ptrs = cq__malloc(n * sizeof *ptrs);
    int rc = pairs && ptrs ? CQ_OK : CQ_ENOMEM;
    for (size_t i = 0; rc == CQ_OK && i < n; i++) {
        pairs[i] = (keyed){ arr->u.a.items[i], keys[i] };
        ptrs[i] = &pairs[i];
    }
    if (rc == CQ_OK)
        rc = cq__js_sort(ptrs, n, cmp_keyed, &(keyed_cmp){ cmp, ctx });
    for (size_t i = 0; rc == CQ_OK && i < n; i++) {
        arr->u.a.items[i] = ((keyed *)ptrs[i])->item;
        keys[i] = ((keyed *)ptrs[i])->key;
    }
    cq__free(pairs);
    cq__free(ptrs);
    return rc;
}

void cq__value_array_remove(cq_value *arr, size_t i)
{
    if (!arr || arr->type != CQ_VALUE_ARRAY || i >= arr->n)
        return;
    cq_value_free(arr->u.a.items[i]);
    memmove(&arr->u.a.items[i], &arr->u.a.items[i + 1], (arr->n - i - 1) * sizeof *arr->u.a.items);
    arr->n--;
}

/* Objects are small, so an insertion sort (stable) keeps keys and values in step simply. */
void cq__value_object_sort_keys(cq_value *obj, int (*cmp)(const char *a, const char *b))
{
    if (!obj || obj->type != CQ_VALUE_OBJECT)
        return;
    char **keys = cq__value_keys(obj);
    for (size_t i = 1; i < obj->n; i++) {
        char *k = keys[i];
        cq_value *item = obj->u.a.items[i];
        size_t j = i;
        while (j > 0 && cmp(keys[j - 1], k) > 0) {
            keys[j] = keys[j - 1];
            obj->u.a.items[j] = obj->u.a.items[j - 1];
            j--;
        }
        keys[j] = k;
        obj->u.a.items[j] = item;
    }
}
