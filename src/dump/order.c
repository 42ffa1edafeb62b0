/* dump.js's order of values and rows (compareValues(), sortRows()). */
#include <string.h>

#include "core/util.h"
#include "core/value_ops.h"
#include "dump/dump.h"

static int type_rank(const cq_value *v)
{
    switch (cq_value_type_of(v)) {
    case CQ_VALUE_NULL:
        return 0;
    case CQ_VALUE_BOOL:
        return 1;
    case CQ_VALUE_INT:
    case CQ_VALUE_DOUBLE:
        return 2;
    case CQ_VALUE_TEXT:
        return 3;
    default:
        return 4;
    }
}

static int compare_numbers(const cq_value *a, const cq_value *b)
{
    if (cq_value_type_of(a) == CQ_VALUE_INT && cq_value_type_of(b) == CQ_VALUE_INT) {
        int64_t x = cq_value_as_int(a), y = cq_value_as_int(b);
        return x < y ? -1 : x > y;
    }
    double x = cq_value_as_double(a), y = cq_value_as_double(b);
    return x < y ? -1 : x > y;
}

/* Anything but a scalar: by JSON text. */
static int compare_json(const cq_value *a, const cq_value *b)
{
    cq__buf ja = { 0 }, jb = { 0 };
    cq__js_stringify(&ja, a);
    cq__js_stringify(&jb, b);
    int c = (ja.data && jb.data) ? cq__js_strcmp_n(ja.data, ja.len, jb.data, jb.len) : 0;
    cq__buf_free(&ja);
    cq__buf_free(&jb);
    return c;
}

int cq__dump_compare(const cq_value *a, const cq_value *b)
{
    int ra = type_rank(a), rb = type_rank(b);
    if (ra != rb)
        return ra - rb;
    switch (ra) {
    case 0:
        return 0;
    case 1:
        return (int)cq_value_as_bool(a) - (int)cq_value_as_bool(b);
    case 2:
        return compare_numbers(a, b);
    case 3: {
        size_t an = 0, bn = 0;
        const char *as = cq__value_text_n(a, &an), *bs = cq__value_text_n(b, &bn);
        return cq__js_strcmp_n(as, an, bs, bn);
    }
    default:
        return compare_json(a, b);
    }
}

int cq__dump_compare_arrays(const cq_value *a, const cq_value *b)
{
    size_t na = cq_value_size(a), nb = cq_value_size(b);
    for (size_t i = 0; i < na && i < nb; i++) {
        int c = cq__dump_compare(cq_value_array_get(a, i), cq_value_array_get(b, i));
        if (c)
            return c;
    }
    return na < nb ? -1 : na > nb;
}

/* A row's values in column order, for sorting. */
typedef struct row_key {
    const cq_value **k; /* one value per column, borrowed from the row or from `owned` */
    cq_value *owned;    /* array holding substituted key values, or NULL */
} row_key;

static int cmp_row_keys(const void *a, const void *b, void *ctx)
{
    size_t n = *(const size_t *)ctx;
    const row_key *x = a, *y = b;
    for (size_t i = 0; i < n; i++) {
        int c = cq__dump_compare(x->k[i], y->k[i]);
        if (c)
            return c;
    }
    return 0;
}

/* Fills `key` with the values of `row` in the order of `names`, masked. */
static int fill_row_key(row_key *key, const cq_value *row, const cq_value *names,
                        cq__dump_mask_fn mask, void *mask_ctx)
{
    for (size_t c = 0; c < cq_value_size(names); c++) {
        const cq_value *v =
            cq_value_object_get(row, cq_value_as_text(cq_value_array_get(names, c)));
        cq_value *m = mask ? mask(v, mask_ctx) : NULL;
        if (m) {
            if (!key->owned && !(key->owned = cq_value_array())) {
                cq_value_free(m);
                return CQ_ENOMEM;
            }
            if (cq_value_array_append(key->owned, m) != CQ_OK)
                return CQ_ENOMEM;
            v = m;
        }
        key->k[c] = v;
    }
    return CQ_OK;
}

int cq__dump_sort_rows(cq_value *rows, const cq_value *names, cq__dump_mask_fn mask, void *mask_ctx)
{
    size_t n = cq_value_size(rows), nc = cq_value_size(names);
    row_key *keys = cq__calloc(n ? n : 1, sizeof *keys);
    void **ptrs = cq__calloc(n ? n : 1, sizeof *ptrs);
    const cq_value **vals = cq__calloc(n * nc != 0 ? n * nc : 1, sizeof *vals);
    int rc = keys && ptrs && vals ? CQ_OK : CQ_ENOMEM;
    for (size_t i = 0; rc == CQ_OK && i < n; i++) {
        keys[i].k = vals + i * nc;
        rc = fill_row_key(&keys[i], cq_value_array_get(rows, i), names, mask, mask_ctx);
        ptrs[i] = &keys[i];
    }
    if (rc == CQ_OK)
        rc = cq__value_array_sort_keyed(rows, ptrs, cmp_row_keys, &nc);
    for (size_t i = 0; keys && i < n; i++)
        cq_value_free(keys[i].owned);
    cq__free(keys);
    cq__free(ptrs);
    cq__free(vals);
    return rc;
}
