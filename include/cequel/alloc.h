/**
 * @file cequel/alloc.h
 * The allocator cequel uses for all of its own memory.
 */
#ifndef CEQUEL_ALLOC_H
#define CEQUEL_ALLOC_H

#include "cequel/common.h"

CQ_BEGIN_DECL

/**
 * An allocator: three functions with the usual malloc/realloc/free contracts, each given
 * `user_data`. `malloc_fn` and `realloc_fn` return NULL when out of memory; cequel then
 * fails the call with CQ_ENOMEM, frees what it had built and leaves the database as it was.
 * cequel never asks for zero bytes and never passes NULL to `realloc_fn` or `free_fn`.
 */
typedef struct cq_allocator {
    /** Returns `size` (never 0) fresh bytes, or NULL when out of memory. */
    void *(*malloc_fn)(size_t size, void *user_data);
    /** Resizes `p` (never NULL) to `size` (never 0) bytes, or returns NULL and leaves `p`. */
    void *(*realloc_fn)(void *p, size_t size, void *user_data);
    /** Frees `p` (never NULL), obtained from `malloc_fn` or `realloc_fn`. */
    void (*free_fn)(void *p, void *user_data);
    void *user_data; /**< handed to every call; cequel never frees it */
} cq_allocator;

/**
 * Routes every allocation cequel makes through `a` (as sqlite3_config(SQLITE_CONFIG_MALLOC)
 * does for SQLite), or back to the C library's malloc/realloc/free when `a` is NULL.
 *
 * Also installs the same allocator as jansson's (json_set_alloc_funcs), because cequel's
 * values pass through jansson when they are parsed from or written as JSON; an application
 * that uses jansson itself with its own hooks must set them again afterwards. The regular
 * expressions of the `is`/`not` validators (PCRE2) allocate through it too.
 * The memory of the database drivers (SQLite, libpq, libmariadb) is theirs and is not
 * routed; each has its own hook.
 *
 * This is process-wide configuration, the only one cequel has: call it before any other
 * cequel call, from one thread, while no cequel object exists (memory obtained under one
 * allocator must be freed under the same one). `*a` is copied; it need not outlive the call.
 *
 * @param a  borrowed for the call; NULL restores the default.
 * @return CQ_OK, or CQ_EINVALID when one of the three functions is NULL (nothing changes).
 */
CQ_EXTERN int cq_set_allocator(const cq_allocator *a);

CQ_END_DECL

#endif
