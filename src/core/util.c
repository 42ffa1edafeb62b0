#define _POSIX_C_SOURCE 200809L
#include "core/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/types.h>
#include <time.h>

#include "cequel/common.h"

const char *cq__text_keep(char *_Atomic *slot, char *text)
{
    char *none = NULL;
    if (atomic_compare_exchange_strong(slot, &none, text))
        return text;
    cq__free(text); /* another thread kept the same text first */
    return none;
}

char *cq__strdup(const char *s)
{
    return s ? cq__strndup(s, strlen(s)) : NULL;
}

char *cq__strndup(const char *s, size_t n)
{
    char *d = cq__malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *cq__asprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *s = cq__malloc((size_t)n + 1);
    if (!s)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

bool cq__streq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

bool cq__strcaseeq(const char *a, const char *b)
{
    if (!a || !b)
        return false;
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
    return *a == *b;
}

bool cq__is_plain_name(const char *s)
{
    if (!s || !(isalpha((unsigned char)*s) || *s == '_'))
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_')
            return false;
    return true;
}

bool cq__str_in(const char *const *list, const char *s)
{
    for (; list && *list; list++)
        if (strcmp(*list, s) == 0)
            return true;
    return false;
}

int cq__hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

const void *cq__find_row(const void *table, size_t n, size_t size, const char *key)
{
    for (size_t i = 0; i < n; i++) {
        const void *row = (const char *)table + i * size;
        if (strcmp(*(const char *const *)row, key) == 0)
            return row;
    }
    return NULL;
}

uint32_t cq__fnv1a(const char *s)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        h ^= *p;
        h *= 16777619u;
    }
    return h;
}

int cq__grow(void **arr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 8;
    while (ncap < need)
        ncap *= 2;
    void *p = cq__realloc(*arr, ncap * size);
    if (!p)
        return -1;
    *arr = p;
    *cap = ncap;
    return 0;
}

void cq__buf_putn(cq__buf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap && cq__grow((void **)&b->data, &b->cap, b->len + n + 1, 1) != 0) {
        b->oom = true;
        return;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void cq__buf_reserve(cq__buf *b, size_t n)
{
    if (!b->oom && b->len + n + 1 > b->cap &&
        cq__grow((void **)&b->data, &b->cap, b->len + n + 1, 1) != 0)
        b->oom = true;
}

void cq__buf_put(cq__buf *b, const char *s)
{
    cq__buf_putn(b, s, strlen(s));
}

void cq__buf_putc(cq__buf *b, char c)
{
    if (!b->oom && b->len + 2 <= b->cap) {
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
        return;
    }
    cq__buf_putn(b, &c, 1);
}

size_t cq__i64_text(char out[static 21], int64_t v)
{
    char num[20];
    size_t k = sizeof num;
    uint64_t u = v < 0 ? 0u - (uint64_t)v : (uint64_t)v;
    do {
        num[--k] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        num[--k] = '-';
    size_t n = sizeof num - k;
    memcpy(out, num + k, n);
    out[n] = '\0';
    return n;
}

void cq__buf_put_i64(cq__buf *b, int64_t v)
{
    char num[21];
    cq__buf_putn(b, num, cq__i64_text(num, v));
}

void cq__buf_put_hex(cq__buf *b, uint64_t v)
{
    char num[16];
    size_t k = sizeof num;
    do {
        num[--k] = "0123456789abcdef"[v & 15u];
        v >>= 4;
    } while (v);
    cq__buf_putn(b, num + k, sizeof num - k);
}

void cq__buf_printf(cq__buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = true;
        return;
    }
    if ((size_t)n < sizeof small) {
        cq__buf_putn(b, small, (size_t)n);
        return;
    }
    char *big = cq__malloc((size_t)n + 1);
    if (!big) {
        b->oom = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    cq__buf_putn(b, big, (size_t)n);
    cq__free(big);
}

char *cq__buf_take(cq__buf *b)
{
    if (b->oom) {
        cq__buf_free(b);
        return NULL;
    }
    char *s = b->data ? b->data : cq__strdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return s;
}

void cq__buf_free(cq__buf *b)
{
    cq__free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->oom = false;
}

void cq__now_iso(char out[32])
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    /* every saved row takes two stamps, mostly within the same second: the date and time
     * part is formatted once per second and thread */
    static _Thread_local time_t last_sec = (time_t)-1;
    static _Thread_local char base[24];
    if (ts.tv_sec != last_sec) {
        struct tm tm;
        gmtime_r(&ts.tv_sec, &tm);
        if (strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm) != 19) {
            snprintf(out, 32, "%.19s.%03dZ", base, (int)(ts.tv_nsec / 1000000L));
            return; /* a year beyond four digits: not cached */
        }
        last_sec = ts.tv_sec;
    }
    int ms = (int)(ts.tv_nsec / 1000000L);
    memcpy(out, base, 19);
    out[19] = '.';
    out[20] = (char)('0' + ms / 100);
    out[21] = (char)('0' + ms / 10 % 10);
    out[22] = (char)('0' + ms % 10);
    out[23] = 'Z';
    out[24] = '\0';
}

/* The bytes come from the kernel (getrandom), so there is no generator state to share
 * between threads or handles, and two processes forked from one parent never draw the
 * same sequence. */
int cq__uuid_v4(char out[37])
{
    unsigned char b[16];
    size_t got = 0;
    while (got < sizeof b) {
        ssize_t n = getrandom(b + got, sizeof b - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            out[0] = '\0';
            return -1;
        }
        got += (size_t)n;
    }
    b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
    return 0;
}

uint64_t cq__monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}
