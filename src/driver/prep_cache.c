/* What the drivers' prepared-statement caches share: a small LRU of handles keyed by the
 * statement text, and the statement's kind read from its first keyword. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/util.h"
#include "driver/driver.h"

/* Every statement is looked up by its text before it runs: the text is hashed eight bytes
 * at a time (a multiply-xorshift mix per word), not byte by byte. */
static uint64_t text_hash(const char *s, size_t n)
{
    const uint64_t k = 0x9e3779b97f4a7c15u;
    uint64_t h = 1469598103934665603u ^ (n * k);
    for (; n >= 8; s += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * k;
        h ^= h >> 29;
    }
    uint64_t w = 0;
    memcpy(&w, s, n);
    h = (h ^ w) * k;
    return h ^ (h >> 32);
}

static bool starts_with_word(const char *sql, const char *word)
{
    while (*sql == ' ' || *sql == '\n' || *sql == '\t' || *sql == '(')
        sql++;
    size_t n = strlen(word);
    return strncasecmp(sql, word, n) == 0 && !isalnum((unsigned char)sql[n]);
}

bool cq__prep_is_dml(const char *sql)
{
    return starts_with_word(sql, "SELECT") || starts_with_word(sql, "INSERT") ||
           starts_with_word(sql, "UPDATE") || starts_with_word(sql, "DELETE");
}

bool cq__prep_is_ddl(const char *sql)
{
    return starts_with_word(sql, "CREATE") || starts_with_word(sql, "DROP") ||
           starts_with_word(sql, "ALTER") || starts_with_word(sql, "TRUNCATE");
}

/* Marks slot i as just used: first in the recent list. */
static void *hit(cq__prep_cache *c, size_t i)
{
    c->e[i].used = ++c->clock;
    size_t p = 0;
    while (p < CQ__PREP_RECENT - 1 && c->recent[p] != i)
        p++;
    memmove(c->recent + 1, c->recent, p);
    c->recent[0] = (unsigned char)i;
    return c->e[i].handle;
}

void *cq__prep_get(cq__prep_cache *c, const char *sql)
{
    size_t len = strlen(sql);
    if (len > CQ__PREP_MAX_SQL)
        return NULL;
    /* a program repeats a call, or a short cycle of them (a getter and a count in a loop; a
     * read, a DELETE, an INSERT and a check per row): the last hits are compared, length
     * first, before the text is hashed */
    for (size_t k = 0; k < CQ__PREP_RECENT; k++) {
        const cq__prep_entry *e = &c->e[c->recent[k]];
        if (e->handle && e->len == len && memcmp(e->sql, sql, len) == 0)
            return hit(c, c->recent[k]);
    }
    uint64_t h = text_hash(sql, len);
    for (size_t i = 0; i < CQ__PREP_CACHE; i++) {
        const cq__prep_entry *e = &c->e[i];
        if (e->handle && e->hash == h && e->len == len && memcmp(e->sql, sql, len) == 0)
            return hit(c, i);
    }
    return NULL;
}

bool cq__prep_full(const cq__prep_cache *c)
{
    for (size_t i = 0; i < CQ__PREP_CACHE; i++)
        if (!c->e[i].handle)
            return false;
    return true;
}

void *cq__prep_put(cq__prep_cache *c, const char *sql, void *handle, bool *kept)
{
    *kept = false;
    size_t len = strlen(sql);
    if (len > CQ__PREP_MAX_SQL)
        return NULL;
    cq__prep_entry *slot = &c->e[0];
    for (size_t i = 0; i < CQ__PREP_CACHE; i++) {
        cq__prep_entry *e = &c->e[i];
        if (!e->handle) {
            slot = e;
            break;
        }
        if (e->used < slot->used)
            slot = e; /* the least recently used */
    }
    char *copy = cq__strdup(sql);
    if (!copy)
        return NULL;
    void *evicted = slot->handle;
    cq__free(slot->sql);
    *slot = (cq__prep_entry){
        .sql = copy, .len = len, .hash = text_hash(sql, len), .used = ++c->clock, .handle = handle
    };
    *kept = true;
    return evicted;
}

void cq__prep_remove(cq__prep_cache *c, const void *handle)
{
    for (size_t i = 0; i < CQ__PREP_CACHE; i++)
        if (c->e[i].handle == handle) {
            cq__free(c->e[i].sql);
            c->e[i] = (cq__prep_entry){ 0 };
        }
}

void cq__prep_clear(cq__prep_cache *c, void (*destroy)(void *handle))
{
    for (size_t i = 0; i < CQ__PREP_CACHE; i++) {
        if (c->e[i].handle && destroy)
            destroy(c->e[i].handle);
        cq__free(c->e[i].sql);
        c->e[i] = (cq__prep_entry){ 0 };
    }
}
