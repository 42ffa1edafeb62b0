/* Internal operations on cq_value beyond the public ones of cequel/value.h, for the code
 * above core/ that must change a tree in place. Only core/ sees the layout of cq_value
 * (core/value_internal.h); everything else goes through these functions. */
#ifndef CQ_CORE_VALUE_OPS_H
#define CQ_CORE_VALUE_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cequel/value.h"
#include "core/js.h"

/* The constants of value.h (CQ_TRUE ...): static, never freed, copied by setters. */
bool cq__value_is_const(const cq_value *v);

/* Makes `v` a text value holding `text` (taken; NUL-terminated, `len` bytes), freeing the
 * text or blob it held. */
void cq__value_set_text(cq_value *v, char *text, size_t len);

/* The bytes of a text value and their count, NUL bytes included (cq_value_text_n()); NULL
 * and 0 for any other type. Borrowed from `v`. */
const char *cq__value_text_n(const cq_value *v, size_t *len_out);

/* Stable sort (cq__js_sort) of the elements of array `arr` in place; `cmp` gets two
 * elements (`const cq_value *`). CQ_OK, CQ_ENOMEM (order unchanged), CQ_EINVALID when `arr`
 * is no array. */
int cq__value_array_sort(cq_value *arr, cq__js_cmp cmp, void *ctx);

/* Like cq__value_array_sort(), but `cmp` compares `keys[i]` and `keys[j]` for the elements
 * i and j (one key per element, borrowed); the keys are sorted along. */
int cq__value_array_sort_keyed(cq_value *arr, void **keys, cq__js_cmp cmp, void *ctx);

/* Frees element `i` of array `arr` and moves the later ones down; out of range is a no-op. */
void cq__value_array_remove(cq_value *arr, size_t i);

/* Stable sort of the members of object `obj` by key, values moving with their keys; not
 * recursive. No-op for anything but an object. */
void cq__value_object_sort_keys(cq_value *obj, int (*cmp)(const char *a, const char *b));

/* A scalar cell as a driver holds it, seen in place (no copy): NULL, BOOL (in `i`), INT,
 * DOUBLE, TEXT (NUL-terminated) or BLOB; `s` stays the driver's until its row is done. */
typedef struct cq__cell {
    cq_value_type type;
    int64_t i;
    double d;
    const char *s;
    size_t len;
} cq__cell;

/* The cell view of a scalar value (`v` borrowed; NULL reads as a NULL cell); false for an
 * array or object, which have none. */
bool cq__cell_of(cq__cell *out, const cq_value *v);

/* A new value holding the cell's (NULL when out of memory). */
cq_value *cq__value_from_cell(const cq__cell *c);

/* A value slot: CQ__SLOT_SIZE bytes (8-aligned) that hold nothing, a value of its own
 * allocation (which the slot owns), or a value in place: instances keep their attributes so,
 * a value per slot instead of an allocation each. */
enum { CQ__SLOT_SIZE = 16 };
void cq__slot_unset(void *slot); /* holds nothing (what it owned is not freed: fresh slots) */
cq_value *cq__slot_value(const void *slot); /* NULL when it holds nothing */
/* Frees what the slot owns and makes it hold `v` (taken; NULL: nothing). */
void cq__slot_put(void *slot, cq_value *v);
/* Whether the slot holds a value of its own allocation. */
bool cq__slot_owns(const void *slot);
/* Placing a scalar in a slot: the bytes of text a cell needs beside it, and the placing.
 * cq__value_place writes the value into `slot` and its text or blob bytes (NUL-terminated) at
 * *arena, advancing *arena; the arena belongs to the slot's owner. A placed value is read
 * like any other but never given to cq_value_free: it lives and dies with its slot. */
size_t cq__cell_arena_bytes(const cq__cell *c);
cq_value *cq__value_place(void *slot, const cq__cell *c, char **arena);
/* Writes into `slot` a value equal to `placed`, itself a placed value of the same block,
 * sharing its text bytes (a row's cells that read the same, such as a createdAt and an
 * updatedAt never changed since, keep one copy). */
cq_value *cq__value_place_same(void *slot, const cq_value *placed);

#endif
