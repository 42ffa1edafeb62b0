/* Internal helpers: allocation, strings, a growable string builder. */
#ifndef CQ_CORE_UTIL_H
#define CQ_CORE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cequel/value.h"

/* The library's allocator (core/alloc.c): what cq_set_allocator() installed, malloc/free by
 * default. Every allocation in src/ goes through these; cq__free(NULL) is a no-op. */
void *cq__malloc(size_t size);
void *cq__calloc(size_t n, size_t size);
void *cq__realloc(void *p, size_t size);
void cq__free(void *p);
/* How many allocations jansson was refused so far (see core/alloc.c): a JSON conversion
 * compares it before and after. */
unsigned long cq__json_alloc_failures(void);
/* Frees a string jansson allocated (json_dumps) with jansson's current free function. */
void cq__json_free(void *p);
/* A jansson tree as a new cq_value (NULL on OOM); `j` is borrowed (core/json.c). */
struct json_t;
cq_value *cq__value_from_jansson(struct json_t *j);

/* Publishes `text` (taken) in `slot` unless another thread did first; returns the slot's text
 * (text rendered once and kept for the life of a frozen schema). */
const char *cq__text_keep(char *_Atomic *slot, char *text);

char *cq__strdup(const char *s);
char *cq__strndup(const char *s, size_t n);
#if defined(__GNUC__) || defined(__clang__)
#define CQ__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CQ__PRINTF(f, a)
#endif

/* printf into a new string; NULL on OOM. */
char *cq__asprintf(const char *fmt, ...) CQ__PRINTF(1, 2);
bool cq__streq(const char *a, const char *b);
bool cq__strcaseeq(const char *a, const char *b);
/* Whether `s` is a plain SQL name ([A-Za-z_][A-Za-z0-9_]*): what may be sent as written, a
 * function name for instance. NULL is not. */
bool cq__is_plain_name(const char *s);
/* Whether `s` is one of the strings of the NULL-terminated `list` (NULL: an empty list). */
bool cq__str_in(const char *const *list, const char *s);

/* The value of the hexadecimal digit `c` (either case), or -1. */
int cq__hex_digit(char c);

/* The row of the key table `table` (n rows of `size` bytes, each a struct whose first member
 * is its `const char *` key) whose key is `key`, or NULL. CQ__FIND_ROW: of an array. */
const void *cq__find_row(const void *table, size_t n, size_t size, const char *key);
#define CQ__FIND_ROW(table, key)                                                                   \
    cq__find_row(table, sizeof table / sizeof table[0], sizeof table[0], key)

/* 32-bit FNV-1a of a NUL-terminated string: short fixed-width tags (include aliases) and hash
 * table slots. Not for anything an attacker chooses to collide. */
uint32_t cq__fnv1a(const char *s);

/* Grows *arr (element size `size`) so that it holds at least `need` elements. */
int cq__grow(void **arr, size_t *cap, size_t need, size_t size);

/* String builder. On OOM it sets `oom` and ignores further appends. */
typedef struct cq__buf {
    char *data;
    size_t len, cap;
    bool oom;
} cq__buf;

/* Makes room for `n` more bytes at once (a builder whose usual size is known). */
void cq__buf_reserve(cq__buf *b, size_t n);
void cq__buf_put(cq__buf *b, const char *s);
void cq__buf_putn(cq__buf *b, const char *s, size_t n);
void cq__buf_putc(cq__buf *b, char c);
void cq__buf_printf(cq__buf *b, const char *fmt, ...) CQ__PRINTF(2, 3);
/* Decimal and hexadecimal numbers without printf (for keys built per row). */
void cq__buf_put_i64(cq__buf *b, int64_t v);
/* `v` in decimal into `out`, NUL-terminated (at most 20 characters and the NUL); its length. */
size_t cq__i64_text(char out[static 21], int64_t v);
void cq__buf_put_hex(cq__buf *b, uint64_t v);
/* Returns the built string (caller frees) or NULL on OOM; the buffer is reset. */
char *cq__buf_take(cq__buf *b);
void cq__buf_free(cq__buf *b);

/* Current UTC time as ISO-8601 with milliseconds: "2024-05-01T10:20:30.123Z". */
void cq__now_iso(char out[32]);
/* A random version-4 UUID (36 chars + NUL) from the kernel's random source; -1 (and an
 * empty string) when the kernel refuses. */
int cq__uuid_v4(char out[37]);
uint64_t cq__monotonic_ns(void);

/* A text value holding a NUL byte (cq_value_text_n() of binary data): drivers would cut it
 * at the NUL, so every path that sends text refuses it (value.c). */
struct cq_value;
bool cq__value_text_has_nul(const struct cq_value *v);

#endif
