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
 *
 * Values handed to the library through a `const cq_value *` (an options field such as
 * `where`, `default_value`, `scope`, `through`; the `values` of create/update/build) are
 * borrowed for the call only: the library copies what it keeps, and the caller frees its own
 * value afterwards (or passes one of the constants below, which need no freeing).
 */
#ifndef CEQUEL_VALUE_H
#define CEQUEL_VALUE_H

#include <stdarg.h> /* va_list, for cq_value_vpack_ex() */

#include "cequel/common.h"
#include "cequel/errors.h"

CQ_BEGIN_DECL

/** A JSON-like value (null, bool, int, double, text, blob, array, object); opaque. */
typedef struct cq_value cq_value;

/** The kind of a cq_value. */
typedef enum cq_value_type {
    CQ_VALUE_NULL = 0, /**< null (SQL NULL) */
    CQ_VALUE_BOOL,     /**< true or false */
    CQ_VALUE_INT,      /**< 64-bit signed integer */
    CQ_VALUE_DOUBLE,   /**< double */
    CQ_VALUE_TEXT,     /**< UTF-8 text without NUL bytes */
    CQ_VALUE_BLOB,     /**< bytes */
    CQ_VALUE_ARRAY,    /**< ordered list of values */
    CQ_VALUE_OBJECT    /**< keys in insertion order, each with a value */
} cq_value_type;

/* Constants that need no freeing: cq_value_free() ignores them, and an array or object given
 * CQ_EMPTY_OBJECT or CQ_EMPTY_ARRAY stores a copy (a null or a boolean, which nothing can
 * change, is stored as it is). Use them wherever a `const cq_value *` is borrowed, e.g.
 * `{ .name = "active", .type = CQ_BOOLEAN, .default_value = CQ_TRUE }`. */
/** @cond internal: the objects behind CQ_TRUE, CQ_FALSE, CQ_NULL, CQ_EMPTY_OBJECT and
 *  CQ_EMPTY_ARRAY; use the macros. */
CQ_EXTERN extern const cq_value cq__value_true, cq__value_false, cq__value_null,
    cq__value_empty_object, cq__value_empty_array;
/** @endcond */
#define CQ_TRUE         (&cq__value_true)  /**< the boolean true */
#define CQ_FALSE        (&cq__value_false) /**< the boolean false */
#define CQ_NULL         (&cq__value_null)  /**< the JSON/SQL null value (not a NULL pointer) */
#define CQ_EMPTY_OBJECT (&cq__value_empty_object) /**< `{}` (e.g. destroy's "every row" where) */
#define CQ_EMPTY_ARRAY  (&cq__value_empty_array)  /**< `[]` */

/* Constructors: a value the caller owns (free with cq_value_free), NULL on OOM. */
/** A null value: CQ_NULL itself (a null has nothing to change, so every null is that shared,
 *  read-only one). Never NULL; cq_value_free() ignores it, so it is freed like any other. */
CQ_EXTERN cq_value *cq_value_null(void);
/** A boolean holding `b`: CQ_TRUE or CQ_FALSE itself, shared and read-only like
 *  cq_value_null()'s. Never NULL; cq_value_free() ignores it. */
CQ_EXTERN cq_value *cq_value_bool(bool b);
/** A new integer value holding `i`, caller-owned; NULL on OOM. */
CQ_EXTERN cq_value *cq_value_int(int64_t i);
/** A new double value holding `d`, caller-owned; NULL on OOM. */
CQ_EXTERN cq_value *cq_value_double(double d);
/**
 * Copies `s` (NUL-terminated). NULL `s` gives a null value.
 * @param s  NUL-terminated; borrowed for the call.
 */
CQ_EXTERN cq_value *cq_value_text(const char *s);
/**
 * Copies `len` bytes of `s`. Text may not contain NUL bytes: such a value is refused with
 * CQ_EINVALID wherever it would be sent to the database (binary data goes in a blob).
 * @param s  NUL-terminated; borrowed for the call.
 * @param len  number of bytes, at most UINT32_MAX (more: NULL, as when out of memory).
 */
CQ_EXTERN cq_value *cq_value_text_n(const char *s, size_t len);
/**
 * Copies `len` bytes.
 * @param data  borrowed for the call.
 * @param len  number of bytes, at most UINT32_MAX (more: NULL, as when out of memory).
 */
CQ_EXTERN cq_value *cq_value_blob(const void *data, size_t len);
/** A new empty array, caller-owned; NULL on OOM. */
CQ_EXTERN cq_value *cq_value_array(void);
/** A new empty object, caller-owned; NULL on OOM. */
CQ_EXTERN cq_value *cq_value_object(void);
/**
 * Deep copy; NULL on OOM or when `v` is NULL (the caller owns the copy, free with cq_value_free()).
 * @param v  borrowed for the call; not kept.
 */
CQ_EXTERN cq_value *cq_value_copy(const cq_value *v);
/**
 * Frees `v` and everything it owns. NULL allowed.
 * @param v  freed with everything it owns; NULL and the CQ_TRUE ... constants are ignored.
 */
CQ_EXTERN void cq_value_free(cq_value *v);

/* Readers (borrow). A NULL value reads as CQ_VALUE_NULL / 0 / false / NULL. */
/**
 * The kind of `v` (CQ_VALUE_NULL for a NULL pointer).
 * @param v  borrowed for the call; not kept.
 */
CQ_EXTERN cq_value_type cq_value_type_of(const cq_value *v);
/**
 * Whether `v` is NULL or a null value.
 * @param v  borrowed for the call; not kept.
 */
CQ_EXTERN bool cq_value_is_null(const cq_value *v);
/**
 * The boolean of a bool value (an int reads as non-zero); false for anything else.
 * @param v  borrowed for the call; not kept.
 */
CQ_EXTERN bool cq_value_as_bool(const cq_value *v);
/**
 * Integer value; a double is truncated, a bool is 0/1, anything else is 0.
 * @param v  borrowed for the call; not kept.
 */
CQ_EXTERN int64_t cq_value_as_int(const cq_value *v);
/**
 * Double value; an int is converted, anything else is 0.
 * @param v  borrowed for the call; not kept.
 */
CQ_EXTERN double cq_value_as_double(const cq_value *v);
/**
 * Text of a text value (borrowed, NUL-terminated), NULL for other types.
 * @param v  borrowed for the call; not kept.
 */
CQ_EXTERN const char *cq_value_as_text(const cq_value *v);
/**
 * Bytes of a blob (borrowed); `len_out` may be NULL. NULL for other types.
 * @param v  borrowed for the call; not kept.
 * @param[out] len_out  caller's storage, written on success.
 */
CQ_EXTERN const void *cq_value_as_blob(const cq_value *v, size_t *len_out);

/**
 * Number of elements (array) or keys (object); 0 for scalars.
 * @param v  borrowed for the call; not kept.
 */
CQ_EXTERN size_t cq_value_size(const cq_value *v);
/**
 * Element `i` of an array, borrowed; NULL if out of range or not an array.
 * @param v  borrowed for the call; not kept.
 * @param i  position, 0-based.
 */
CQ_EXTERN cq_value *cq_value_array_get(const cq_value *v, size_t i);
/**
 * Appends `item` (ownership taken, even on failure).
 * @param array  borrowed; an array.
 * @param item   taken, even on failure; NULL is taken as a failed constructor.
 * @return CQ_OK, CQ_ENOMEM (also for a NULL `item`), CQ_EINVALID (`array` is not an
 *         array; `item` is freed).
 */
CQ_EXTERN int cq_value_array_append(cq_value *array, cq_value *item);
/**
 * Value under `key`, borrowed; NULL if absent or not an object.
 * @param v  borrowed for the call; not kept.
 * @param key  NUL-terminated; borrowed for the call.
 */
CQ_EXTERN cq_value *cq_value_object_get(const cq_value *v, const char *key);
/**
 * Key at position `i` of an object (insertion order), borrowed; NULL if out of range.
 * @param v  borrowed for the call; not kept.
 * @param i  position, 0-based.
 */
CQ_EXTERN const char *cq_value_object_key(const cq_value *v, size_t i);
/**
 * Value at position `i` of an object, borrowed.
 * @param v  borrowed for the call; not kept.
 * @param i  position, 0-based.
 */
CQ_EXTERN cq_value *cq_value_object_value(const cq_value *v, size_t i);
/**
 * Sets `key` to `item` (ownership taken, even on failure). An existing key keeps its
 * position and its old value is freed.
 * @param object  borrowed; an object.
 * @param key     NUL-terminated, copied.
 * @param item    taken, even on failure; NULL is taken as a failed constructor.
 * @return CQ_OK, CQ_ENOMEM (also for a NULL `item`), CQ_EINVALID (`object` is not
 *         an object, NULL key; `item` is freed).
 */
CQ_EXTERN int cq_value_object_set(cq_value *object, const char *key, cq_value *item);
/**
 * Removes `key` if present.
 * @param object  borrowed; the removed value is freed.
 * @param key     NUL-terminated; borrowed for the call.
 */
CQ_EXTERN void cq_value_object_remove(cq_value *object, const char *key);

/**
 * Deep equality (an int and a double holding the same number are equal).
 * @param a  borrowed for the call; not kept.
 * @param b  borrowed for the call; not kept.
 */
CQ_EXTERN bool cq_value_is_equal(const cq_value *a, const cq_value *b);

/** Flags for cq_value_to_json. */
enum { CQ_JSON_COMPACT = 0, CQ_JSON_INDENT = 1, CQ_JSON_SORT_KEYS = 2 };

/**
 * Parses JSON text (jansson). Integers become CQ_VALUE_INT, reals CQ_VALUE_DOUBLE.
 * @param[out] out  the parsed tree, caller frees with cq_value_free(); NULL on failure.
 * @param json      NUL-terminated JSON text, borrowed for the call.
 * @param err       caller-owned, may be NULL; gets line/column of a syntax error.
 * @return CQ_OK, CQ_EINVALID on malformed JSON (or a NULL `json`), CQ_ENOMEM when any
 *         allocation failed during the parse (never a partial tree).
 */
CQ_EXTERN int cq_value_from_json(cq_value **out, const char *json, cq_error *err);
/**
 * Renders `v` as JSON text. Blobs render as
 * `{"type":"Buffer","data":[...]}`, like Node's Buffer#toJSON.
 * @param[out] out  NUL-terminated text; caller frees with cq_free(). NULL on failure.
 * @param v         the value, borrowed.
 * @param flags     OR of CQ_JSON_COMPACT, CQ_JSON_INDENT, CQ_JSON_SORT_KEYS.
 * @return CQ_OK, CQ_ENOMEM when any allocation failed (never a partial text).
 */
CQ_EXTERN int cq_value_to_json(char **out, const cq_value *v, int flags);

/**
 * Builds a value from a format and arguments, with jansson's json_pack() grammar (the
 * grammar and its checks are jansson's; the result is converted to a cq_value):
 *
 *     s  text (const char *; NUL-terminated, valid UTF-8)   s# / s%  text with an int /
 *        size_t length     s+  concatenates the following s arguments
 *     n  null      b  bool (int)      i  int      I  int64_t      f  double
 *     [ ... ]  array of the values inside      { ... }  object: key (s) then value, in order
 *     s? / s*  a NULL text gives null / leaves the element (or the key) out
 *     whitespace, `:` and `,` are ignored
 *
 * jansson's `o`/`O` (embed a json_t) have no meaning here and are rejected (CQ_EINVALID):
 * add an existing cq_value with cq_value_object_set() or cq_value_array_append().
 *
 *     cq_value *v = NULL;
 *     int rc = cq_value_pack(&v, "{s:s, s:I, s:[{s:s}]}", "title", "Hello", "authorId",
 *                            (int64_t)7, "comments", "text", "first!");
 *     ...
 *     cq_value_free(v);
 *
 * @param[out] out  the new value; the caller frees it with cq_value_free(). NULL on failure.
 * @param fmt       the format; borrowed for the call.
 * @return CQ_OK, CQ_EINVALID (bad format or argument, e.g. a NULL text without `?`),
 *         CQ_ENOMEM.
 */
CQ_EXTERN int cq_value_pack(cq_value **out, const char *fmt, ...);
/**
 * cq_value_pack() with the reason of a failure: `err` (caller-owned, may be NULL) gets
 * CQ_EINVALID and jansson's report with its source, line and column, e.g.
 * `<args>:1:4: NULL string` or `<format>:1:6: Unexpected end of format string`.
 * @param[out] out  the new value; the caller frees it with cq_value_free(). NULL on failure.
 * @param err       caller-owned, may be NULL.
 * @param fmt       the format; borrowed for the call.
 * @return CQ_OK, CQ_EINVALID, CQ_ENOMEM, as cq_value_pack().
 */
CQ_EXTERN int cq_value_pack_ex(cq_value **out, cq_error *err, const char *fmt, ...);
/**
 * cq_value_pack_ex() for a `va_list` (for wrappers of your own); `ap` is consumed.
 * @param[out] out  the new value; the caller frees it with cq_value_free(). NULL on failure.
 * @param err       caller-owned, may be NULL.
 * @param fmt       the format; borrowed for the call.
 * @param ap        the arguments; consumed.
 * @return CQ_OK, CQ_EINVALID, CQ_ENOMEM, as cq_value_pack().
 */
CQ_EXTERN int cq_value_vpack_ex(cq_value **out, cq_error *err, const char *fmt, va_list ap);

CQ_END_DECL

#endif
