/* What both bench programs share (shared/bench/WORKLOAD.md): options, the deterministic data,
 * the random ids, timestamps, clocks and the output line. No database code here. */
#ifndef CQ_BENCH_COMMON_H
#define CQ_BENCH_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { BENCH_W1, BENCH_W2, BENCH_W2S, BENCH_W3, BENCH_W4, BENCH_W5, BENCH_W6, BENCH_NWORKLOADS };

typedef struct bench_opts {
    bool postgres;              /* --dialect postgres (else sqlite) */
    int n;                      /* --n, default 2000 */
    bool run[BENCH_NWORKLOADS]; /* --workloads; W1 always runs; W6 only when named */
    int threads;                /* --threads T for W6, default 4 */
    const char *db;             /* --db PATH|NAME|postgres URL; NULL = the default */
    bool fk_indexes;            /* --fk-indexes, default 1 */
    bool log;                   /* --log: every statement to stderr (cequel only; debugging aid) */
} bench_opts;

/* Parses argv; prints usage and exits 2 on a bad option. */
void bench_parse_args(bench_opts *o, int argc, char **argv, const char *impl);

/* The SQLite file (--db, else bench_<impl>.sqlite in $TMPDIR or /tmp), written to buf. */
void bench_sqlite_path(char *buf, size_t size, const bench_opts *o, const char *impl);
/* Deletes the SQLite file and its -journal/-wal/-shm companions. */
void bench_sqlite_unlink(const char *path);
/* A libpq connection URI from --db (a postgres:// URL as is, else a database name, default
 * bench_<impl>) and PGHOST/PGPORT/PGUSER (default 127.0.0.1/55432/postgres). */
void bench_pg_url(char *buf, size_t size, const bench_opts *o, const char *impl);

extern const char BENCH_LOREM[201]; /* the 200 characters of WORKLOAD.md section 3 */

/* Data of section 3, written into buf (NUL-terminated); each returns the length. */
size_t bench_username(char *buf, size_t size, int i);
size_t bench_email(char *buf, size_t size, int i);
size_t bench_bio(char *buf, size_t size, int i);
size_t bench_post_title(char *buf, size_t size, int i, int j);
size_t bench_post_body(char *buf, size_t size, int i, int j);
size_t bench_comment_body(char *buf, size_t size, int i, int j, int c);
size_t bench_tag_name(char *buf, size_t size, int t);

/* Tag indexes (0..49) of A(k) (W1) and B(k) (W4), in the workload's order. */
void bench_tags_a(int out[3], long k);
void bench_tags_b(int out[3], long k);

/* W5's xorshift32, state 2463534242. */
typedef struct bench_rng {
    uint32_t x;
} bench_rng;
void bench_rng_init(bench_rng *r);
/* Next id in 1..n. */
int64_t bench_rng_id(bench_rng *r, int n);

/* Wall clock (UTC) in milliseconds: the timestamps the client sets. */
int64_t bench_now_ms(void);
/* "YYYY-MM-DD HH:MM:SS.mmm +00:00" (what Sequelize sends); buf of 32 bytes. */
void bench_format_ts(char buf[32], int64_t ms);
/* Parses "YYYY-MM-DD HH:MM:SS[.fff][ +00:00]" or ISO "YYYY-MM-DDTHH:MM:SS[.fff]Z" (UTC) into
 * milliseconds since the epoch; false when the text is neither. */
bool bench_parse_ts(const char *s, size_t len, int64_t *ms);
/* 1 when `ms` lies in [program start - 1 h, now + 1 h] (the `dates` checksum); "now" is read
 * by bench_begin(), at the start of the workload (every timestamp read was written before). */
int bench_date_ok(int64_t ms);

/* W6: whether worker t of T does the W3 loop for user `id` / the W5 lookup of draw `d`. */
static inline bool bench_w6_user_is_mine(int64_t id, int t, int T)
{
    return (id - 1) % T == t;
}
static inline bool bench_w6_draw_is_mine(int d, int t, int T)
{
    return d % T == t;
}

/* Monotonic clock, nanoseconds. */
uint64_t bench_mono_ns(void);
/* Starts a workload's clock (and refreshes the date window): returns bench_mono_ns(). */
uint64_t bench_begin(void);

/* Prints one result line: {"impl":...,"dialect":...,"n":...,"workload":...,"ms":...,"cpu_ms":...,
 * "checksum":...}; ms is the wall time since bench_begin, cpu_ms the process's CPU time (every
 * thread, user and system) since then. */
void bench_emit(const bench_opts *o, const char *impl, const char *workload, uint64_t ns,
                const char *checksum);
/* Prints the process's peak resident set to stderr as `peak_rss_kb=<n>` (read by run.sh). */
void bench_report_rss(const char *impl);

/* Exits with a message on stderr. */
void bench_die(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2), noreturn))
#endif
    ;

#endif
