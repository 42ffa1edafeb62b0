/* Shared by raw_c.c and cequel_bench.c; see bench_common.h and shared/bench/WORKLOAD.md. */
#define _POSIX_C_SOURCE 200809L
#include "bench_common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

const char BENCH_LOREM[201] =
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt "
    "ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation "
    "ullamco laboris nisi ut a";

static int64_t g_start_ms; /* program start (set by bench_parse_args) */
static int64_t g_hi_ms;    /* upper end of the date window (set by bench_begin) */

void bench_die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static void usage(const char *impl)
{
    fprintf(stderr,
            "usage: %s --dialect sqlite|postgres [--n 2000] [--workloads W1,W2,W2S,W3,W4,W5,W6]\n"
            "          [--db PATH|NAME|postgres://URL] [--fk-indexes 1|0] [--threads T]%s\n",
            impl, strcmp(impl, "cequel") == 0 ? " [--log]" : "");
    exit(2);
}

void bench_parse_args(bench_opts *o, int argc, char **argv, const char *impl)
{
    static const char *const names[BENCH_NWORKLOADS] = {
        "W1", "W2", "W2S", "W3", "W4", "W5", "W6"
    };
    memset(o, 0, sizeof *o);
    o->n = 2000;
    o->fk_indexes = true;
    o->threads = 4;
    for (int w = 0; w < BENCH_W6; w++) /* W6 (threads) runs only when named */
        o->run[w] = true;
    bool dialect = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--log") == 0 && strcmp(impl, "cequel") == 0) {
            o->log = true;
            continue;
        }
        if (!v)
            usage(impl);
        i++;
        if (strcmp(a, "--dialect") == 0) {
            if (strcmp(v, "sqlite") != 0 && strcmp(v, "postgres") != 0)
                usage(impl);
            o->postgres = strcmp(v, "postgres") == 0;
            dialect = true;
        } else if (strcmp(a, "--n") == 0) {
            char *end = NULL;
            long n = strtol(v, &end, 10);
            if (*end || n < 1 || n > 10000000)
                usage(impl);
            o->n = (int)n;
        } else if (strcmp(a, "--workloads") == 0) {
            for (int w = 0; w < BENCH_NWORKLOADS; w++)
                o->run[w] = false;
            const char *p = v;
            while (*p) {
                size_t len = strcspn(p, ",");
                int found = -1;
                for (int w = 0; w < BENCH_NWORKLOADS; w++)
                    if (strlen(names[w]) == len && strncmp(p, names[w], len) == 0)
                        found = w;
                if (found < 0)
                    usage(impl);
                o->run[found] = true;
                p += len + (p[len] == ',');
            }
        } else if (strcmp(a, "--threads") == 0) {
            char *end = NULL;
            long t = strtol(v, &end, 10);
            if (*end || t < 1 || t > 256)
                usage(impl);
            o->threads = (int)t;
        } else if (strcmp(a, "--db") == 0) {
            o->db = v;
        } else if (strcmp(a, "--fk-indexes") == 0) {
            if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0)
                usage(impl);
            o->fk_indexes = v[0] == '1';
        } else {
            usage(impl);
        }
    }
    if (!dialect)
        usage(impl);
    o->run[BENCH_W1] = true; /* W1 loads the data */
    g_start_ms = bench_now_ms();
    g_hi_ms = g_start_ms + 3600000;
}

void bench_sqlite_path(char *buf, size_t size, const bench_opts *o, const char *impl)
{
    if (o->db) {
        snprintf(buf, size, "%s", o->db);
        return;
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(buf, size, "%s/bench_%s.sqlite", tmp && *tmp ? tmp : "/tmp", impl);
}

void bench_sqlite_unlink(const char *path)
{
    static const char *const suffix[] = { "", "-journal", "-wal", "-shm" };
    for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
        char p[4096];
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        unlink(p);
    }
}

void bench_pg_url(char *buf, size_t size, const bench_opts *o, const char *impl)
{
    if (o->db &&
        (strncmp(o->db, "postgres://", 11) == 0 || strncmp(o->db, "postgresql://", 13) == 0)) {
        snprintf(buf, size, "%s", o->db);
        return;
    }
    const char *host = getenv("PGHOST"), *port = getenv("PGPORT"), *user = getenv("PGUSER");
    char name[256];
    if (o->db)
        snprintf(name, sizeof name, "%s", o->db);
    else
        snprintf(name, sizeof name, "bench_%s", impl);
    snprintf(buf, size, "postgres://%s@%s:%s/%s", user && *user ? user : "postgres",
             host && *host ? host : "127.0.0.1", port && *port ? port : "55432", name);
}

static size_t put(size_t size, int len)
{
    if (len < 0 || (size_t)len >= size)
        bench_die("bench: buffer too small");
    return (size_t)len;
}

size_t bench_username(char *buf, size_t size, int i)
{
    return put(size, snprintf(buf, size, "user%d", i));
}

size_t bench_email(char *buf, size_t size, int i)
{
    return put(size, snprintf(buf, size, "user%d@example.com", i));
}

size_t bench_bio(char *buf, size_t size, int i)
{
    return put(size, snprintf(buf, size, "Bio of user %d. %.80s", i, BENCH_LOREM));
}

size_t bench_post_title(char *buf, size_t size, int i, int j)
{
    return put(size, snprintf(buf, size, "Post %d of user %d", j, i));
}

size_t bench_post_body(char *buf, size_t size, int i, int j)
{
    return put(size, snprintf(buf, size, "Body of post %d of user %d. %.200s", j, i, BENCH_LOREM));
}

size_t bench_comment_body(char *buf, size_t size, int i, int j, int c)
{
    return put(
        size, snprintf(buf, size, "Comment %d on post %d of user %d. %.60s", c, j, i, BENCH_LOREM));
}

size_t bench_tag_name(char *buf, size_t size, int t)
{
    return put(size, snprintf(buf, size, "tag%d", t));
}

void bench_tags_a(int out[3], long k)
{
    out[0] = (int)(k % 50);
    out[1] = (int)((k + 7) % 50);
    out[2] = (int)((k + 19) % 50);
}

void bench_tags_b(int out[3], long k)
{
    out[0] = (int)((k + 7) % 50);
    out[1] = (int)((k + 1) % 50);
    out[2] = (int)((k + 30) % 50);
}

void bench_rng_init(bench_rng *r)
{
    r->x = 2463534242u;
}

int64_t bench_rng_id(bench_rng *r, int n)
{
    uint32_t x = r->x;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    r->x = x;
    return (int64_t)(x % (uint32_t)n) + 1;
}

int64_t bench_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void bench_format_ts(char buf[32], int64_t ms)
{
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    char tmp[96];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d %02d:%02d:%02d.%03d +00:00", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
    memcpy(buf, tmp, 31); /* 30 characters for years 0-9999 */
    buf[31] = 0;
}

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool bench_parse_ts(const char *s, size_t len, int64_t *ms)
{
    int y, mo, d, h, mi, se, frac = 0;
    if (len < 19 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
        !digits(s + 8, 2, &d) || (s[10] != ' ' && s[10] != 'T') || !digits(s + 11, 2, &h) ||
        s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &se))
        return false;
    size_t p = 19;
    if (p < len && s[p] == '.') {
        int scale = 100;
        for (p++; p < len && s[p] >= '0' && s[p] <= '9'; p++, scale /= 10)
            frac += (s[p] - '0') * scale;
    }
    /* the rest must say UTC: "Z", " +00:00", "+00" or nothing */
    const char *rest = s + p;
    size_t rlen = len - p;
    if (!(rlen == 0 || (rlen == 1 && *rest == 'Z') ||
          (rlen == 7 && memcmp(rest, " +00:00", 7) == 0) ||
          (rlen == 6 && memcmp(rest, "+00:00", 6) == 0) ||
          (rlen == 3 && memcmp(rest, "+00", 3) == 0)))
        return false;
    int64_t days = days_from_civil(y, (unsigned)mo, (unsigned)d);
    *ms = ((days * 24 + h) * 60 + mi) * 60000 + (int64_t)se * 1000 + frac;
    return true;
}

int bench_date_ok(int64_t ms)
{
    return ms >= g_start_ms - 3600000 && ms <= g_hi_ms;
}

uint64_t bench_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* CPU time of the whole process (every thread), nanoseconds. */
static uint64_t cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t g_cpu0; /* process CPU time at the last bench_begin */

uint64_t bench_begin(void)
{
    g_hi_ms = bench_now_ms() + 3600000;
    g_cpu0 = cpu_ns();
    return bench_mono_ns();
}

void bench_emit(const bench_opts *o, const char *impl, const char *workload, uint64_t ns,
                const char *checksum)
{
    double cpu_ms = (double)(cpu_ns() - g_cpu0) / 1e6;
    printf("{\"impl\":\"%s\",\"dialect\":\"%s\",\"n\":%d,\"workload\":\"%s\",\"ms\":%.3f,"
           "\"cpu_ms\":%.3f,\"checksum\":\"%s\"}\n",
           impl, o->postgres ? "postgres" : "sqlite", o->n, workload, (double)ns / 1e6, cpu_ms,
           checksum);
    fflush(stdout);
}

void bench_report_rss(const char *impl)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        fprintf(stderr, "%s: peak_rss_kb=%ld\n", impl, ru.ru_maxrss);
}
