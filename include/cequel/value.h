/**
 * @file cequel/value.h
 * cq_value: one JSON-like tagged tree used for column values, where clauses, nested
 * create input and results.
 *
 * Types: null, bool, int (int64), double, text, blob, array, object (keys keep insertion
 * order). Dates are text: DATE values are ISO-8601 in UTC ("2024-05-01T10:20:30.000Z"),
 * DATEONLY values are "YYYY-MM-DD"; UUIDs are text in the 8-4-4-4-12 form.
 *
 * Ownership: one owner per tree, no reference counts. Constructors return a new value
 * (NULL only when out of memory); free with cq_value_free(). Setters/appenders take
 * ownership of the value passed, even when they fail, and treat NULL as a failed
 * constructor (they return CQ_ENOMEM), so nested input can be built top-down without leaks.
 * Readers borrow: a returned pointer lives as long as its container.
 */
#ifndef CEQUEL_VALUE_H
#define CEQUEL_VALUE_H

#include "cequel/common.h"
#include "cequel/errors.h"

CQ_BEGIN_DECL

typedef struct cq_value cq_value;

typedef enum cq_value_type {
    CQ_VALUE_NULL = 0,
    CQ_VALUE_BOOL,
    CQ_VALUE_INT,
    CQ_VALUE_DOUBLE,
    CQ_VALUE_TEXT,
    CQ_VALUE_BLOB,
    CQ_VALUE_ARRAY,
    CQ_VALUE_OBJECT
} cq_value_type;

/* Constructors: a new value the caller owns (free with cq_value_free), NULL on OOM. */
CQ_EXTERN cq_value *cq_value_null(void);
CQ_EXTERN cq_value *cq_value_bool(bool b);
CQ_EXTERN cq_value *cq_value_int(int64_t i);
CQ_EXTERN cq_value *cq_value_double(double d);
/** Copies `s` (NUL-terminated). NULL `s` gives a null value. */
CQ_EXTERN cq_value *cq_value_text(const char *s);
/** Copies `len` bytes of `s`; the text may not contain NUL bytes. */
CQ_EXTERN cq_value *cq_value_text_n(const char *s, size_t len);
/** Copies `len` bytes. */
CQ_EXTERN cq_value *cq_value_blob(const void *data, size_t len);
CQ_EXTERN cq_value *cq_value_array(void);
CQ_EXTERN cq_value *cq_value_object(void);
/** Deep copy; NULL on OOM or when `v` is NULL. */
CQ_EXTERN cq_value *cq_value_copy(const cq_value *v);
/** Frees `v` and everything it owns. NULL allowed. */
CQ_EXTERN void cq_value_free(cq_value *v);

/* Readers (borrow). A NULL value reads as CQ_VALUE_NULL / 0 / false / NULL. */
CQ_EXTERN cq_value_type cq_value_type_of(const cq_value *v);
CQ_EXTERN bool cq_value_is_null(const cq_value *v);
CQ_EXTERN bool cq_value_as_bool(const cq_value *v);
/** Integer value; a double is truncated, a bool is 0/1, anything else is 0. */
CQ_EXTERN int64_t cq_value_as_int(const cq_value *v);
/** Double value; an int is converted, anything else is 0. */
CQ_EXTERN double cq_value_as_double(const cq_value *v);
/** Text of a text value (borrowed, NUL-terminated), NULL for other types. */
CQ_EXTERN const char *cq_value_as_text(const cq_value *v);
/** Bytes of a blob (borrowed); `len_out` may be NULL. NULL for other types. */
CQ_EXTERN const void *cq_value_as_blob(const cq_value *v, size_t *len_out);

/** Number of elements (array) or keys (object); 0 for scalars. */
CQ_EXTERN size_t cq_value_size(const cq_value *v);
/** Element `i` of an array, borrowed; NULL if out of range or not an array. */
CQ_EXTERN cq_value *cq_value_array_get(const cq_value *v, size_t i);
/** Appends `item` (ownership taken, even on failure). */
CQ_EXTERN int cq_value_array_append(cq_value *array, cq_value *item);
/** Value under `key`, borrowed; NULL if absent or not an object. */
CQ_EXTERN cq_value *cq_value_object_get(const cq_value *v, const char *key);
/** Key at position `i` of an object (insertion order), borrowed; NULL if out of range. */
CQ_EXTERN const char *cq_value_object_key(const cq_value *v, size_t i);
/** Value at position `i` of an object, borrowed. */
CQ_EXTERN cq_value *cq_value_object_value(const cq_value *v, size_t i);
/**
 * Sets `key` to `item` (ownership taken, even on failure). An existing key keeps its
 * position and its old value is freed.
 */
CQ_EXTERN int cq_value_object_set(cq_value *object, const char *key, cq_value *item);
/** Removes `key` if present. */
CQ_EXTERN void cq_value_object_remove(cq_value *object, const char *key);

/** Deep equality (an int and a double holding the same number are equal). */
CQ_EXTERN bool cq_value_equal(const cq_value *a, const cq_value *b);

/** Flags for cq_value_to_json. */
enum { CQ_JSON_COMPACT = 0, CQ_JSON_INDENT = 1, CQ_JSON_SORT_KEYS = 2 };

/**
 * Parses JSON text (jansson). Integers become CQ_VALUE_INT, reals CQ_VALUE_DOUBLE.
 * @param[out] out  the parsed tree, caller frees with cq_value_free(); NULL on failure.
 * @param err       caller-owned, may be NULL; gets line/column of a syntax error.
 * @return CQ_OK, CQ_EINVALID on malformed JSON (or a NULL `json`), CQ_ENOMEM when any
 *         allocation failed during the parse (never a partial tree).
 */
CQ_EXTERN int cq_value_from_json(cq_value **out, const char *json, cq_error *err);
/**
 * Renders `v` as JSON text. Blobs render as
 * `{"type":"Buffer","data":[...]}`, like Node's Buffer#toJSON.
 * @param[out] out  NUL-terminated text; caller frees with cq_free(). NULL on failure.
 * @return CQ_OK, CQ_ENOMEM when any allocation failed (never a partial text).
 */
CQ_EXTERN int cq_value_to_json(char **out, const cq_value *v, int flags);

CQ_END_DECL

#endif
