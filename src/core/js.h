/* JavaScript's rules, for the places where cequel must print, order or read a value exactly
 * as Sequelize (that is, Node.js) does: the DDL's default literals and the canonical dump.
 * Each function names the JavaScript operation it reproduces. */
#ifndef CQ_CORE_JS_H
#define CQ_CORE_JS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cequel/value.h"
#include "core/util.h"

/* Room for any text cq__js_number() and cq__js_int() write, NUL included. */
#define CQ__JS_NUMBER_MAX 40

/* ---- strings ---- */

/* Next code point of UTF-8 text ending at `end` (advances *ps); a malformed byte reads as
 * U+FFFD. */
uint32_t cq__js_utf8_next(const char **ps, const char *end);
/* Appends code point `c` as UTF-8. */
void cq__js_put_utf8(cq__buf *b, uint32_t c);
/* String comparison (`a < b`): by UTF-16 code units, which differs from code point (and
 * UTF-8 byte) order for characters above U+FFFF against U+E000..U+FFFF. <0, 0 or >0. */
int cq__js_strcmp_n(const char *a, size_t an, const char *b, size_t bn);
int cq__js_strcmp(const char *a, const char *b);
/* String#length: UTF-16 code units of `n` bytes of UTF-8. */
size_t cq__js_strlen(const char *s, size_t n);
/* Key order of an object after sorting its keys: integer-like keys ("0" .. "4294967294")
 * first, numerically, as JavaScript enumerates them, then the others in Array#sort order. */
int cq__js_key_cmp(const char *a, const char *b);
/* The ASCII whitespace String#trim removes. */
bool cq__js_is_space(char c);
/* String#trim (ASCII whitespace) into a new string; NULL on OOM. */
char *cq__js_trim(const char *s);
/* String#toLowerCase() for the scripts whose letters keep their UTF-8 length: ASCII,
 * Latin-1, Latin Extended-A, Greek and Cyrillic capitals. In place. */
void cq__js_lower(char *s, size_t n);
/* Buffer#toString(): `n` bytes decoded as UTF-8 the WHATWG way (each maximal invalid subpart
 * becomes U+FFFD). NUL bytes stay, so the length comes back in *len_out. A new string (free
 * with cq__free), NULL on OOM. */
char *cq__js_buffer_string(const void *data, size_t n, size_t *len_out);

/* ---- numbers ---- */

/* Number#toString for a finite double: the shortest digits that read back as `d`, in fixed
 * notation when the decimal exponent is in [-7, 21), else as 1.5e+21 / 1e-7. */
void cq__js_number(char out[CQ__JS_NUMBER_MAX], double d);
/* Number#toString for any double: cq__js_number, or NaN, Infinity, -Infinity. */
void cq__js_number_any(char out[CQ__JS_NUMBER_MAX], double d);
/* An integer as JavaScript prints it: numbers are doubles, so integers beyond 2^53 print as
 * the double they become. */
void cq__js_int(char out[CQ__JS_NUMBER_MAX], int64_t i);
/* Number(string): StringToNumber for the decimal, Infinity and 0x/0o/0b forms; false when
 * `s` is none of them (NaN) or on OOM. */
bool cq__js_to_number(const char *s, double *out);

/* ---- values ---- */

/* JSON.stringify of `n` bytes of text: the quoted string with JSON's escapes. */
void cq__js_quote(cq__buf *b, const char *s, size_t n);
/* JSON.stringify(v) with keys in the order `v` holds them. Blobs render as Node's
 * Buffer#toJSON, non-finite numbers as null. */
void cq__js_stringify(cq__buf *b, const cq_value *v);
/* String(v) for a scalar (a blob decodes as Buffer#toString, text stops at a NUL byte);
 * arrays and objects as JSON.stringify, the form in which the dump meets them. A new string
 * (cq__free), NULL on OOM. */
char *cq__js_scalar_string(const cq_value *v);

/* ---- sorting ---- */

typedef int (*cq__js_cmp)(const void *a, const void *b, void *ctx);
/* Array#sort with a comparator: a stable sort (as since ES2019) of `n` pointers in place.
 * CQ_OK or CQ_ENOMEM (the items are then left as they were). */
int cq__js_sort(void **items, size_t n, cq__js_cmp cmp, void *ctx);
/* Every object in the tree `v` gets its keys in JavaScript's enumeration order of a
 * key-sorted object (cq__js_key_cmp); in place. */
void cq__js_sort_keys_deep(cq_value *v);

#endif
