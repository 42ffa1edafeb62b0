/* Every allocation the library makes goes through these four functions, so an application
 * can route cequel's memory through its own allocator (cq_set_allocator) and tests can fail
 * any one allocation on purpose. */
#include "core/util.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cequel/alloc.h"
#include "cequel/errors.h"

static void *std_malloc(size_t size, void *user_data)
{
    (void)user_data;
    return malloc(size);
}

static void *std_realloc(void *p, size_t size, void *user_data)
{
    (void)user_data;
    return realloc(p, size);
}

static void std_free(void *p, void *user_data)
{
    (void)user_data;
    free(p);
}

/* Process-wide configuration, like sqlite3_config(SQLITE_CONFIG_MALLOC): written only by
 * cq_set_allocator(), which the caller runs while no other thread uses cequel; read-only
 * after that. */
static cq_allocator alloc = { std_malloc, std_realloc, std_free, NULL };

void *cq__malloc(size_t size)
{
    return alloc.malloc_fn(size ? size : 1, alloc.user_data);
}

void *cq__calloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    size_t total = n * size;
    void *p = cq__malloc(total);
    if (p)
        memset(p, 0, total ? total : 1);
    return p;
}

void *cq__realloc(void *p, size_t size)
{
    if (!p)
        return cq__malloc(size);
    return alloc.realloc_fn(p, size ? size : 1, alloc.user_data);
}

void cq__free(void *p)
{
    if (p)
        alloc.free_fn(p, alloc.user_data);
}

/* jansson drops a failed allocation on the floor in places (its lexer loses a character of a
 * string when growing its buffer fails, and the parse still succeeds), so the library counts
 * the allocations it refused jansson: a JSON conversion during which the count moved failed
 * with CQ_ENOMEM, whatever jansson says. The one piece of shared state besides the allocator;
 * atomic, so threads need no lock (a failure in another thread can only make a conversion
 * report CQ_ENOMEM when memory is short anyway). */
static atomic_ulong jansson_failures;

static void *jansson_malloc(size_t size)
{
    void *p = cq__malloc(size);
    if (!p)
        atomic_fetch_add_explicit(&jansson_failures, 1, memory_order_relaxed);
    return p;
}

unsigned long cq__json_alloc_failures(void)
{
    return atomic_load_explicit(&jansson_failures, memory_order_relaxed);
}

void cq_free(void *p)
{
    cq__free(p);
}

int cq_set_allocator(const cq_allocator *a)
{
    if (a && (!a->malloc_fn || !a->realloc_fn || !a->free_fn))
        return CQ_EINVALID;
    alloc = a ? *a : (cq_allocator){ std_malloc, std_realloc, std_free, NULL };
    json_set_alloc_funcs(jansson_malloc, cq__free);
    return CQ_OK;
}

void cq__json_free(void *p)
{
    json_malloc_t m;
    json_free_t f;
    json_get_alloc_funcs(&m, &f);
    if (p)
        f(p);
}
