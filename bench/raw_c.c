/* The benchmark workload (shared/bench/WORKLOAD.md) hand-written in C11 on libsqlite3 and
 * libpq: the reference for what the database and the hardware allow.
 *
 * Same statements as Sequelize 6.37 sends (captured from its logging; literals turned into
 * parameters), in the same order, with the same transaction boundaries. Statements are
 * prepared once and reused (sqlite3_prepare_v3 with SQLITE_PREPARE_PERSISTENT; PQprepare),
 * those whose text depends on a list length once per length; W2S's IN lists are literal text,
 * as Sequelize writes them. PostgreSQL results come in binary format, parameters go as text.
 * Every row read becomes a plain struct allocated from an arena (one per result), strings
 * copied, timestamps parsed to milliseconds. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef BENCH_WITH_POSTGRES
#include <libpq-fe.h>
#endif

#include "bench_common.h"

static const char *const IMPL = "raw-c";

/* ---- arena ---------------------------------------------------------------------------------- */

typedef struct chunk {
    struct chunk *next;
    size_t used, size;
    _Alignas(16) unsigned char data[];
} chunk;

typedef struct arena {
    chunk *head;
} arena;

static void *arena_alloc(arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (!a->head || a->head->used + n > a->head->size) {
        size_t size = n > 65536 ? n : 65536;
        chunk *c = malloc(sizeof *c + size);
        if (!c)
            bench_die("out of memory");
        c->next = a->head;
        c->used = 0;
        c->size = size;
        a->head = c;
    }
    void *p = a->head->data + a->head->used;
    a->head->used += n;
    return p;
}

static void *arena_zalloc(arena *a, size_t n)
{
    return memset(arena_alloc(a, n), 0, n);
}

static void arena_free(arena *a)
{
    while (a->head) {
        chunk *next = a->head->next;
        free(a->head);
        a->head = next;
    }
}

typedef struct str {
    const char *p;
    size_t len;
} str;

static str arena_str(arena *a, const char *s, size_t len)
{
    char *p = arena_alloc(a, len + 1);
    memcpy(p, s, len);
    p[len] = 0;
    return (str){ p, len };
}

/* ---- the objects ---------------------------------------------------------------------------- */

typedef struct tag {
    int64_t id;
    str name;
    int64_t created, updated;
    struct tag *next;
} tag;

typedef struct comment {
    int64_t id, post_id;
    str body;
    int64_t created, updated;
    struct comment *next;
} comment;

typedef struct post {
    int64_t id, user_id;
    str title, body;
    int64_t created, updated;
    comment *comments, *comments_tail;
    tag *tags, *tags_tail;
    struct post *next;
} post;

typedef struct profile {
    int64_t id, user_id;
    str bio;
    int64_t created, updated;
} profile;

typedef struct user {
    int64_t id;
    str username, email;
    int64_t created, updated;
    profile *profile;
    post *posts, *posts_tail;
    struct user *next;
} user;

typedef struct link {
    int64_t post_id, tag_id;
    int64_t created, updated;
    struct link *next;
} link;

/* ---- int64 -> pointer hash map (open addressing) ----------------------------------------------
 */

typedef struct map {
    int64_t *keys;
    void **vals;
    size_t cap, n;
} map;

static void map_free(map *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

static size_t map_slot(const map *m, int64_t key)
{
    uint64_t h = (uint64_t)key * 0x9E3779B97F4A7C15u;
    size_t i = (size_t)(h >> 32) & (m->cap - 1);
    while (m->vals[i] && m->keys[i] != key)
        i = (i + 1) & (m->cap - 1);
    return i;
}

static void *map_get(const map *m, int64_t key)
{
    return m->cap ? m->vals[map_slot(m, key)] : NULL;
}

static void map_put(map *m, int64_t key, void *val)
{
    if ((m->n + 1) * 2 > m->cap) {
        map old = *m;
        m->cap = old.cap ? old.cap * 2 : 1024;
        m->keys = calloc(m->cap, sizeof *m->keys);
        m->vals = calloc(m->cap, sizeof *m->vals);
        if (!m->keys || !m->vals)
            bench_die("out of memory");
        m->n = 0;
        for (size_t i = 0; i < old.cap; i++)
            if (old.vals[i])
                map_put(m, old.keys[i], old.vals[i]);
        map_free(&old);
    }
    size_t i = map_slot(m, key);
    if (!m->vals[i])
        m->n++;
    m->keys[i] = key;
    m->vals[i] = val;
}

/* ---- the database: one connection, prepared statements, cursors --------------------------------
 */

typedef struct param {
    bool is_text;
    int64_t i;
    const char *s;
    size_t len;
} param;

#define P_INT(v)     ((param){ .i = (v) })
#define P_TEXT(p, n) ((param){ .is_text = true, .s = (p), .len = (n) })

/* A statement: the text for each dialect, prepared on first use. */
typedef struct stmt {
    const char *sql;
    sqlite3_stmt *st;
    bool prepared; /* PostgreSQL: PQprepare done under `name` */
    char name[16];
} stmt;

typedef struct conn {
    bool pg;
    sqlite3 *db;
#ifdef BENCH_WITH_POSTGRES
    PGconn *pgc;
#endif
    int next_name;
} conn;

/* The rows of one execution. */
typedef struct cursor {
    conn *c;
    sqlite3_stmt *st; /* SQLite: being stepped */
    bool own_st;      /* finalize (one-shot) rather than reset */
    int rc;           /* SQLite: last step result */
#ifdef BENCH_WITH_POSTGRES
    PGresult *res;
#endif
    int row, nrows;
} cursor;

static void sqlite_check(conn *c, int rc, const char *what)
{
    if (rc != SQLITE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
        bench_die("raw-c: %s: %s", what, sqlite3_errmsg(c->db));
}

static void bind_sqlite(conn *c, sqlite3_stmt *st, const param *p, int n)
{
    for (int i = 0; i < n; i++) {
        int rc = p[i].is_text ? sqlite3_bind_text(st, i + 1, p[i].s, (int)p[i].len, SQLITE_STATIC)
                              : sqlite3_bind_int64(st, i + 1, p[i].i);
        sqlite_check(c, rc, "bind");
    }
}

#ifdef BENCH_WITH_POSTGRES
/* Parameters as text, results in binary. */
static PGresult *pg_run(conn *c, const char *name, const char *sql, const param *p, int n)
{
    char ints[64][24];
    const char *values[64] = { 0 };
    const char **vals = values;
    const char **heap = NULL;
    char(*heap_ints)[24] = NULL;
    if (n > 64) {
        heap = malloc((size_t)n * sizeof *heap);
        heap_ints = malloc((size_t)n * sizeof *heap_ints);
        if (!heap || !heap_ints)
            bench_die("out of memory");
        vals = heap;
    }
    for (int i = 0; i < n; i++) {
        if (p[i].is_text) {
            vals[i] = p[i].s; /* NUL-terminated by every caller */
        } else {
            char *buf = heap_ints ? heap_ints[i] : ints[i];
            snprintf(buf, 24, "%lld", (long long)p[i].i);
            vals[i] = buf;
        }
    }
    PGresult *r = name ? PQexecPrepared(c->pgc, name, n, vals, NULL, NULL, 1)
                       : PQexecParams(c->pgc, sql, n, NULL, vals, NULL, NULL, 1);
    free(heap);
    free(heap_ints);
    ExecStatusType s = PQresultStatus(r);
    if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK)
        bench_die("raw-c: %s: %s", sql ? sql : name, PQerrorMessage(c->pgc));
    return r;
}
#endif

/* Runs prepared statement `s` with `n` parameters; the caller walks the rows and ends. */
static void run(cursor *cur, conn *c, stmt *s, const param *p, int n)
{
    memset(cur, 0, sizeof *cur);
    cur->c = c;
    cur->row = -1;
    if (!c->pg) {
        if (!s->st)
            sqlite_check(
                c, sqlite3_prepare_v3(c->db, s->sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st, NULL),
                s->sql);
        cur->st = s->st;
        bind_sqlite(c, s->st, p, n);
        return;
    }
#ifdef BENCH_WITH_POSTGRES
    if (!s->prepared) {
        snprintf(s->name, sizeof s->name, "s%d", ++c->next_name);
        PGresult *r = PQprepare(c->pgc, s->name, s->sql, n, NULL);
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            bench_die("raw-c: prepare %s: %s", s->sql, PQerrorMessage(c->pgc));
        PQclear(r);
        s->prepared = true;
    }
    cur->res = pg_run(c, s->name, NULL, p, n);
    cur->nrows = PQntuples(cur->res);
#endif
}

/* Runs `sql` once, unprepared, without parameters. */
static void run_once(cursor *cur, conn *c, const char *sql)
{
    memset(cur, 0, sizeof *cur);
    cur->c = c;
    cur->row = -1;
    if (!c->pg) {
        sqlite_check(c, sqlite3_prepare_v3(c->db, sql, -1, 0, &cur->st, NULL), sql);
        cur->own_st = true;
        return;
    }
#ifdef BENCH_WITH_POSTGRES
    cur->res = pg_run(c, NULL, sql, NULL, 0);
    cur->nrows = PQntuples(cur->res);
#endif
}

static bool next(cursor *cur)
{
    if (cur->st) {
        cur->rc = sqlite3_step(cur->st);
        sqlite_check(cur->c, cur->rc, sqlite3_sql(cur->st));
        return cur->rc == SQLITE_ROW;
    }
    return ++cur->row < cur->nrows;
}

static void end(cursor *cur)
{
    if (cur->st) {
        while (cur->rc != SQLITE_DONE && next(cur))
            ;
        if (cur->own_st)
            sqlite3_finalize(cur->st);
        else
            sqlite3_reset(cur->st);
    }
#ifdef BENCH_WITH_POSTGRES
    PQclear(cur->res);
#endif
    cur->st = NULL;
}

/* Runs a statement that returns no rows to look at. */
static void exec_stmt(conn *c, stmt *s, const param *p, int n)
{
    cursor cur;
    run(&cur, c, s, p, n);
    next(&cur);
    end(&cur);
}

static void exec_once(conn *c, const char *sql)
{
    cursor cur;
    run_once(&cur, c, sql);
    next(&cur);
    end(&cur);
}

/* BENCH_SQLITE_WAL=1 (run.sh --raw-wal): the journal mode cequel's pooled connections use, for a
 * like-for-like comparison; WORKLOAD.md's raw-c keeps SQLite's default (DELETE). */
static void sqlite_journal(conn *c)
{
    const char *wal = getenv("BENCH_SQLITE_WAL");
    if (wal && strcmp(wal, "1") == 0)
        exec_once(c, "PRAGMA journal_mode = WAL");
}

#ifdef BENCH_WITH_POSTGRES
static uint64_t be(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}
#endif

static bool col_null(const cursor *cur, int i)
{
    if (cur->st)
        return sqlite3_column_type(cur->st, i) == SQLITE_NULL;
#ifdef BENCH_WITH_POSTGRES
    return PQgetisnull(cur->res, cur->row, i);
#else
    return true;
#endif
}

static int64_t col_int(const cursor *cur, int i)
{
    if (cur->st)
        return sqlite3_column_int64(cur->st, i);
#ifdef BENCH_WITH_POSTGRES
    if (PQgetisnull(cur->res, cur->row, i))
        return 0;
    const unsigned char *v = (const unsigned char *)PQgetvalue(cur->res, cur->row, i);
    int len = PQgetlength(cur->res, cur->row, i);
    return len == 4   ? (int64_t)(int32_t)(uint32_t)be(v, 4)
           : len == 2 ? (int64_t)(int16_t)(uint16_t)be(v, 2)
                      : (int64_t)be(v, 8);
#else
    return 0;
#endif
}

static str col_str(const cursor *cur, int i, arena *a)
{
    if (cur->st) {
        const unsigned char *s = sqlite3_column_text(cur->st, i);
        return s ? arena_str(a, (const char *)s, (size_t)sqlite3_column_bytes(cur->st, i))
                 : (str){ 0 };
    }
#ifdef BENCH_WITH_POSTGRES
    if (PQgetisnull(cur->res, cur->row, i))
        return (str){ 0 };
    return arena_str(a, PQgetvalue(cur->res, cur->row, i),
                     (size_t)PQgetlength(cur->res, cur->row, i));
#else
    return (str){ 0 };
#endif
}

/* A timestamp in milliseconds: SQLite text as written, PostgreSQL binary timestamptz
 * (microseconds since 2000-01-01 UTC). */
static int64_t col_ts(const cursor *cur, int i)
{
    if (cur->st) {
        const char *s = (const char *)sqlite3_column_text(cur->st, i);
        int64_t ms = 0;
        if (!s || !bench_parse_ts(s, (size_t)sqlite3_column_bytes(cur->st, i), &ms))
            return 0;
        return ms;
    }
#ifdef BENCH_WITH_POSTGRES
    if (PQgetisnull(cur->res, cur->row, i))
        return 0;
    int64_t us = (int64_t)be((const unsigned char *)PQgetvalue(cur->res, cur->row, i), 8);
    return (us >= 0 ? us / 1000 : -((-us + 999) / 1000)) + 946684800000;
#else
    return 0;
#endif
}

/* ---- statements (Sequelize's text per dialect) -------------------------------------------------
 */

typedef struct bench {
    bench_opts o;
    conn c;
    stmt begin, commit;
    stmt ins_user, ins_profile, ins_post, ins_comment;
    stmt ins_tags; /* the 50-row bulkCreate */
    stmt link_select[4], link_insert[4], link_delete[4];
    stmt w2;
    stmt all_users, posts_of_user, count_comments;
    stmt all_posts, all_tags, links_of_post, has_tags[4];
    stmt user_by_pk;
} bench;

#define Q(lite_, pg_) (b->c.pg ? (pg_) : (lite_))

/* A statement text built once per list length; freed at exit. */
static char *built[64];
static size_t nbuilt;

static const char *keep(char *s)
{
    if (!s || nbuilt == sizeof built / sizeof built[0])
        bench_die("out of memory");
    return built[nbuilt++] = s;
}

static char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = malloc((size_t)n + 1);
    if (!s)
        bench_die("out of memory");
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

/* Appends to a growing heap string. */
typedef struct sbuf {
    char *p;
    size_t len, cap;
} sbuf;

static void sb_put(sbuf *b, const char *s)
{
    size_t n = strlen(s);
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->p = realloc(b->p, b->cap);
        if (!b->p)
            bench_die("out of memory");
    }
    memcpy(b->p + b->len, s, n + 1);
    b->len += n;
}

static void sb_printf(sbuf *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    sb_put(b, tmp);
}

/* Placeholder `k` (1-based): `?` on SQLite, `$k` on PostgreSQL. */
static void sb_ph(sbuf *s, bool pg, int k)
{
    if (pg)
        sb_printf(s, "$%d", k);
    else
        sb_put(s, "?");
}

/* INSERT INTO post_tag ... of `m` rows (addTags / setTags: a bulkCreate of the join rows). */
static const char *link_insert_sql(bool pg, int m)
{
    sbuf s = { 0 };
    sb_put(
        &s,
        pg ? "INSERT INTO \"post_tag\" (\"createdAt\",\"updatedAt\",\"postId\",\"tagId\") VALUES "
           : "INSERT INTO `post_tag` (`createdAt`,`updatedAt`,`postId`,`tagId`) VALUES ");
    for (int r = 0, k = 1; r < m; r++) {
        sb_put(&s, r ? ",(" : "(");
        for (int c = 0; c < 4; c++, k++) {
            if (c)
                sb_put(&s, ",");
            sb_ph(&s, pg, k);
        }
        sb_put(&s, ")");
    }
    sb_put(&s, pg ? " RETURNING \"createdAt\",\"updatedAt\",\"postId\",\"tagId\";" : ";");
    return keep(s.p);
}

/* addTags' look-up of existing links for `m` tags. */
static const char *link_select_sql(bool pg, int m)
{
    sbuf s = { 0 };
    sb_put(&s,
           pg ? "SELECT \"createdAt\", \"updatedAt\", \"postId\", \"tagId\" FROM \"post_tag\" AS "
                "\"post_tag\" WHERE \"post_tag\".\"postId\" = $1 AND \"post_tag\".\"tagId\" IN ("
              : "SELECT `createdAt`, `updatedAt`, `postId`, `tagId` FROM `post_tag` AS "
                "`post_tag` WHERE `post_tag`.`postId` = ? AND `post_tag`.`tagId` IN (");
    for (int r = 0; r < m; r++) {
        if (r)
            sb_put(&s, ", ");
        sb_ph(&s, pg, r + 2);
    }
    sb_put(&s, ");");
    return keep(s.p);
}

/* setTags' removal of `m` stale links (Sequelize sends it without `;`). */
static const char *link_delete_sql(bool pg, int m)
{
    sbuf s = { 0 };
    sb_put(&s, pg ? "DELETE FROM \"post_tag\" WHERE \"postId\" = $1 AND \"tagId\" IN ("
                  : "DELETE FROM `post_tag` WHERE `postId` = ? AND `tagId` IN (");
    for (int r = 0; r < m; r++) {
        if (r)
            sb_put(&s, ", ");
        sb_ph(&s, pg, r + 2);
    }
    sb_put(&s, ")");
    return keep(s.p);
}

/* hasTags for `m` tags. */
static const char *has_tags_sql(bool pg, int m)
{
    sbuf s = { 0 };
    sb_put(&s, pg ? "SELECT \"tag\".\"id\" FROM \"tags\" AS \"tag\" INNER JOIN \"post_tag\" AS "
                    "\"post_tag\" ON \"tag\".\"id\" = \"post_tag\".\"tagId\" AND "
                    "\"post_tag\".\"postId\" = $1 WHERE (("
                  : "SELECT `tag`.`id` FROM `tags` AS `tag` INNER JOIN `post_tag` AS `post_tag` ON "
                    "`tag`.`id` = `post_tag`.`tagId` AND `post_tag`.`postId` = ? WHERE ((");
    sb_put(&s, "(");
    for (int r = 0; r < m; r++) {
        if (r)
            sb_put(&s, " OR ");
        sb_put(&s, pg ? "\"tag\".\"id\" = " : "`tag`.`id` = ");
        sb_ph(&s, pg, r + 2);
    }
    sb_put(&s, ")));");
    return keep(s.p);
}

static void init_statements(bench *b)
{
    bool pg = b->c.pg;
    b->begin.sql = Q("BEGIN DEFERRED TRANSACTION;", "START TRANSACTION;");
    b->commit.sql = "COMMIT;";
    b->ins_user.sql = Q(
        "INSERT INTO `users` (`id`,`username`,`email`,`createdAt`,`updatedAt`) VALUES "
        "(NULL,?,?,?,?);",
        "INSERT INTO \"users\" (\"id\",\"username\",\"email\",\"createdAt\",\"updatedAt\") VALUES "
        "(DEFAULT,$1,$2,$3,$4) RETURNING \"id\",\"username\",\"email\",\"createdAt\","
        "\"updatedAt\";");
    b->ins_profile.sql =
        Q("INSERT INTO `profiles` (`id`,`bio`,`createdAt`,`updatedAt`,`userId`) VALUES "
          "(NULL,?,?,?,?);",
          "INSERT INTO \"profiles\" (\"id\",\"bio\",\"createdAt\",\"updatedAt\",\"userId\") VALUES "
          "(DEFAULT,$1,$2,$3,$4) RETURNING \"id\",\"bio\",\"createdAt\",\"updatedAt\",\"userId\";");
    b->ins_post.sql =
        Q("INSERT INTO `posts` (`id`,`title`,`body`,`createdAt`,`updatedAt`,`userId`) "
          "VALUES (NULL,?,?,?,?,?);",
          "INSERT INTO \"posts\" (\"id\",\"title\",\"body\",\"createdAt\",\"updatedAt\","
          "\"userId\") VALUES (DEFAULT,$1,$2,$3,$4,$5) RETURNING \"id\",\"title\","
          "\"body\",\"createdAt\",\"updatedAt\",\"userId\";");
    b->ins_comment.sql = Q(
        "INSERT INTO `comments` (`id`,`body`,`createdAt`,`updatedAt`,`postId`) VALUES "
        "(NULL,?,?,?,?);",
        "INSERT INTO \"comments\" (\"id\",\"body\",\"createdAt\",\"updatedAt\",\"postId\") VALUES "
        "(DEFAULT,$1,$2,$3,$4) RETURNING \"id\",\"body\",\"createdAt\",\"updatedAt\","
        "\"postId\";");
    sbuf s = { 0 };
    sb_put(&s, Q("INSERT INTO `tags` (`id`,`name`,`createdAt`,`updatedAt`) VALUES ",
                 "INSERT INTO \"tags\" (\"id\",\"name\",\"createdAt\",\"updatedAt\") VALUES "));
    for (int t = 0, k = 1; t < 50; t++) {
        sb_put(&s, t ? Q(",(NULL,", ",(DEFAULT,") : Q("(NULL,", "(DEFAULT,"));
        for (int c = 0; c < 3; c++, k++) {
            if (c)
                sb_put(&s, ",");
            sb_ph(&s, pg, k);
        }
        sb_put(&s, ")");
    }
    sb_put(&s, Q(";", " RETURNING \"id\",\"name\",\"createdAt\",\"updatedAt\";"));
    b->ins_tags.sql = keep(s.p);
    for (int m = 1; m <= 3; m++) {
        b->link_select[m].sql = link_select_sql(pg, m);
        b->link_insert[m].sql = link_insert_sql(pg, m);
        b->link_delete[m].sql = link_delete_sql(pg, m);
        b->has_tags[m].sql = has_tags_sql(pg, m);
    }
    b->w2.sql = Q(
        "SELECT `user`.`id`, `user`.`username`, `user`.`email`, `user`.`createdAt`, "
        "`user`.`updatedAt`, `profile`.`id` AS `profile.id`, `profile`.`bio` AS `profile.bio`, "
        "`profile`.`createdAt` AS `profile.createdAt`, `profile`.`updatedAt` AS "
        "`profile.updatedAt`, `profile`.`userId` AS `profile.userId`, `posts`.`id` AS `posts.id`, "
        "`posts`.`title` AS `posts.title`, `posts`.`body` AS `posts.body`, `posts`.`createdAt` AS "
        "`posts.createdAt`, `posts`.`updatedAt` AS `posts.updatedAt`, `posts`.`userId` AS "
        "`posts.userId`, `posts->comments`.`id` AS `posts.comments.id`, `posts->comments`.`body` "
        "AS `posts.comments.body`, `posts->comments`.`createdAt` AS `posts.comments.createdAt`, "
        "`posts->comments`.`updatedAt` AS `posts.comments.updatedAt`, `posts->comments`.`postId` "
        "AS `posts.comments.postId`, `posts->tags`.`id` AS `posts.tags.id`, `posts->tags`.`name` "
        "AS `posts.tags.name`, `posts->tags`.`createdAt` AS `posts.tags.createdAt`, "
        "`posts->tags`.`updatedAt` AS `posts.tags.updatedAt` FROM `users` AS `user` LEFT OUTER "
        "JOIN `profiles` AS `profile` ON `user`.`id` = `profile`.`userId` LEFT OUTER JOIN `posts` "
        "AS `posts` ON `user`.`id` = `posts`.`userId` LEFT OUTER JOIN `comments` AS "
        "`posts->comments` ON `posts`.`id` = `posts->comments`.`postId` LEFT OUTER JOIN ( "
        "`post_tag` AS `posts->tags->post_tag` INNER JOIN `tags` AS `posts->tags` ON "
        "`posts->tags`.`id` = `posts->tags->post_tag`.`tagId`) ON `posts`.`id` = "
        "`posts->tags->post_tag`.`postId`;",
        "SELECT \"user\".\"id\", \"user\".\"username\", \"user\".\"email\", "
        "\"user\".\"createdAt\", "
        "\"user\".\"updatedAt\", \"profile\".\"id\" AS \"profile.id\", \"profile\".\"bio\" AS "
        "\"profile.bio\", \"profile\".\"createdAt\" AS \"profile.createdAt\", "
        "\"profile\".\"updatedAt\" AS \"profile.updatedAt\", \"profile\".\"userId\" AS "
        "\"profile.userId\", \"posts\".\"id\" AS \"posts.id\", \"posts\".\"title\" AS "
        "\"posts.title\", \"posts\".\"body\" AS \"posts.body\", \"posts\".\"createdAt\" AS "
        "\"posts.createdAt\", \"posts\".\"updatedAt\" AS \"posts.updatedAt\", \"posts\".\"userId\" "
        "AS \"posts.userId\", \"posts->comments\".\"id\" AS \"posts.comments.id\", "
        "\"posts->comments\".\"body\" AS \"posts.comments.body\", "
        "\"posts->comments\".\"createdAt\" "
        "AS \"posts.comments.createdAt\", \"posts->comments\".\"updatedAt\" AS "
        "\"posts.comments.updatedAt\", \"posts->comments\".\"postId\" AS "
        "\"posts.comments.postId\", "
        "\"posts->tags\".\"id\" AS \"posts.tags.id\", \"posts->tags\".\"name\" AS "
        "\"posts.tags.name\", \"posts->tags\".\"createdAt\" AS \"posts.tags.createdAt\", "
        "\"posts->tags\".\"updatedAt\" AS \"posts.tags.updatedAt\" FROM \"users\" AS \"user\" LEFT "
        "OUTER JOIN \"profiles\" AS \"profile\" ON \"user\".\"id\" = \"profile\".\"userId\" LEFT "
        "OUTER JOIN \"posts\" AS \"posts\" ON \"user\".\"id\" = \"posts\".\"userId\" LEFT OUTER "
        "JOIN \"comments\" AS \"posts->comments\" ON \"posts\".\"id\" = "
        "\"posts->comments\".\"postId\" LEFT OUTER JOIN ( \"post_tag\" AS "
        "\"posts->tags->post_tag\" INNER JOIN \"tags\" AS \"posts->tags\" ON "
        "\"posts->tags\".\"id\" "
        "= \"posts->tags->post_tag\".\"tagId\") ON \"posts\".\"id\" = "
        "\"posts->tags->post_tag\".\"postId\";");
    b->all_users.sql =
        Q("SELECT `id`, `username`, `email`, `createdAt`, `updatedAt` FROM `users` AS "
          "`user`;",
          "SELECT \"id\", \"username\", \"email\", \"createdAt\", \"updatedAt\" FROM "
          "\"users\" AS \"user\";");
    b->posts_of_user.sql =
        Q("SELECT `id`, `title`, `body`, `createdAt`, `updatedAt`, `userId` FROM `posts` AS "
          "`post` WHERE `post`.`userId` = ?;",
          "SELECT \"id\", \"title\", \"body\", \"createdAt\", \"updatedAt\", \"userId\" FROM "
          "\"posts\" AS \"post\" WHERE \"post\".\"userId\" = $1;");
    b->count_comments.sql =
        Q("SELECT COUNT(`comment`.`id`) AS `count` FROM `comments` AS `comment` WHERE "
          "`comment`.`postId` = ?;",
          "SELECT COUNT(\"comment\".\"id\") AS \"count\" FROM \"comments\" AS \"comment\" WHERE "
          "\"comment\".\"postId\" = $1;");
    b->all_posts.sql = Q("SELECT `id`, `title`, `body`, `createdAt`, `updatedAt`, `userId` FROM "
                         "`posts` AS `post`;",
                         "SELECT \"id\", \"title\", \"body\", \"createdAt\", \"updatedAt\", "
                         "\"userId\" FROM \"posts\" AS \"post\";");
    b->all_tags.sql = Q("SELECT `id`, `name`, `createdAt`, `updatedAt` FROM `tags` AS `tag`;",
                        "SELECT \"id\", \"name\", \"createdAt\", \"updatedAt\" FROM \"tags\" AS "
                        "\"tag\";");
    b->links_of_post.sql =
        Q("SELECT `createdAt`, `updatedAt`, `postId`, `tagId` FROM `post_tag` AS `post_tag` WHERE "
          "`post_tag`.`postId` = ?;",
          "SELECT \"createdAt\", \"updatedAt\", \"postId\", \"tagId\" FROM \"post_tag\" AS "
          "\"post_tag\" WHERE \"post_tag\".\"postId\" = $1;");
    b->user_by_pk.sql =
        Q("SELECT `id`, `username`, `email`, `createdAt`, `updatedAt` FROM `users` "
          "AS `user` WHERE `user`.`id` = ?;",
          "SELECT \"id\", \"username\", \"email\", \"createdAt\", \"updatedAt\" FROM "
          "\"users\" AS \"user\" WHERE \"user\".\"id\" = $1;");
}

static void finalize_statements(bench *b)
{
    stmt *all[] = { &b->begin,     &b->commit,        &b->ins_user,       &b->ins_profile,
                    &b->ins_post,  &b->ins_comment,   &b->ins_tags,       &b->w2,
                    &b->all_users, &b->posts_of_user, &b->count_comments, &b->all_posts,
                    &b->all_tags,  &b->links_of_post, &b->user_by_pk };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        sqlite3_finalize(all[i]->st);
    for (int m = 0; m < 4; m++) {
        sqlite3_finalize(b->link_select[m].st);
        sqlite3_finalize(b->link_insert[m].st);
        sqlite3_finalize(b->link_delete[m].st);
        sqlite3_finalize(b->has_tags[m].st);
    }
    for (size_t i = 0; i < nbuilt; i++)
        free(built[i]);
}

/* ---- setup -------------------------------------------------------------------------------------
 */

static const char *const sqlite_ddl[] = {
    "CREATE TABLE IF NOT EXISTS `users` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, `username` "
    "VARCHAR(255), `email` VARCHAR(255), `createdAt` DATETIME NOT NULL, `updatedAt` DATETIME NOT "
    "NULL);",
    "CREATE TABLE IF NOT EXISTS `profiles` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, `bio` TEXT, "
    "`createdAt` DATETIME NOT NULL, `updatedAt` DATETIME NOT NULL, `userId` INTEGER REFERENCES "
    "`users` (`id`) ON DELETE SET NULL ON UPDATE CASCADE);",
    "CREATE INDEX `profiles_user_id` ON `profiles` (`userId`)",
    "CREATE TABLE IF NOT EXISTS `posts` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, `title` "
    "VARCHAR(255), `body` TEXT, `createdAt` DATETIME NOT NULL, `updatedAt` DATETIME NOT NULL, "
    "`userId` INTEGER REFERENCES `users` (`id`) ON DELETE SET NULL ON UPDATE CASCADE);",
    "CREATE INDEX `posts_user_id` ON `posts` (`userId`)",
    "CREATE TABLE IF NOT EXISTS `comments` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, `body` TEXT, "
    "`createdAt` DATETIME NOT NULL, `updatedAt` DATETIME NOT NULL, `postId` INTEGER REFERENCES "
    "`posts` (`id`) ON DELETE SET NULL ON UPDATE CASCADE);",
    "CREATE INDEX `comments_post_id` ON `comments` (`postId`)",
    "CREATE TABLE IF NOT EXISTS `tags` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, `name` "
    "VARCHAR(255) UNIQUE, `createdAt` DATETIME NOT NULL, `updatedAt` DATETIME NOT NULL);",
    "CREATE TABLE IF NOT EXISTS `post_tag` (`createdAt` DATETIME NOT NULL, `updatedAt` DATETIME "
    "NOT NULL, `postId` INTEGER NOT NULL REFERENCES `posts` (`id`) ON DELETE CASCADE ON UPDATE "
    "CASCADE, `tagId` INTEGER NOT NULL REFERENCES `tags` (`id`) ON DELETE CASCADE ON UPDATE "
    "CASCADE, PRIMARY KEY (`postId`, `tagId`));",
    NULL,
};

static const char *const pg_ddl[] = {
    "CREATE TABLE IF NOT EXISTS \"users\" (\"id\"   SERIAL , \"username\" VARCHAR(255), \"email\" "
    "VARCHAR(255), \"createdAt\" TIMESTAMP WITH TIME ZONE NOT NULL, \"updatedAt\" TIMESTAMP WITH "
    "TIME ZONE NOT NULL, PRIMARY KEY (\"id\"));",
    "CREATE TABLE IF NOT EXISTS \"profiles\" (\"id\"   SERIAL , \"bio\" TEXT, \"createdAt\" "
    "TIMESTAMP WITH TIME ZONE NOT NULL, \"updatedAt\" TIMESTAMP WITH TIME ZONE NOT NULL, "
    "\"userId\" INTEGER REFERENCES \"users\" (\"id\") ON DELETE SET NULL ON UPDATE CASCADE, "
    "PRIMARY KEY (\"id\"));",
    "CREATE INDEX \"profiles_user_id\" ON \"profiles\" (\"userId\")",
    "CREATE TABLE IF NOT EXISTS \"posts\" (\"id\"   SERIAL , \"title\" VARCHAR(255), \"body\" "
    "TEXT, \"createdAt\" TIMESTAMP WITH TIME ZONE NOT NULL, \"updatedAt\" TIMESTAMP WITH TIME ZONE "
    "NOT NULL, \"userId\" INTEGER REFERENCES \"users\" (\"id\") ON DELETE SET NULL ON UPDATE "
    "CASCADE, PRIMARY KEY (\"id\"));",
    "CREATE INDEX \"posts_user_id\" ON \"posts\" (\"userId\")",
    "CREATE TABLE IF NOT EXISTS \"comments\" (\"id\"   SERIAL , \"body\" TEXT, \"createdAt\" "
    "TIMESTAMP WITH TIME ZONE NOT NULL, \"updatedAt\" TIMESTAMP WITH TIME ZONE NOT NULL, "
    "\"postId\" INTEGER REFERENCES \"posts\" (\"id\") ON DELETE SET NULL ON UPDATE CASCADE, "
    "PRIMARY KEY (\"id\"));",
    "CREATE INDEX \"comments_post_id\" ON \"comments\" (\"postId\")",
    "CREATE TABLE IF NOT EXISTS \"tags\" (\"id\"   SERIAL , \"name\" VARCHAR(255) UNIQUE, "
    "\"createdAt\" TIMESTAMP WITH TIME ZONE NOT NULL, \"updatedAt\" TIMESTAMP WITH TIME ZONE NOT "
    "NULL, PRIMARY KEY (\"id\"));",
    "CREATE TABLE IF NOT EXISTS \"post_tag\" (\"createdAt\" TIMESTAMP WITH TIME ZONE NOT NULL, "
    "\"updatedAt\" TIMESTAMP WITH TIME ZONE NOT NULL, \"postId\" INTEGER  REFERENCES \"posts\" "
    "(\"id\") ON DELETE CASCADE ON UPDATE CASCADE, \"tagId\" INTEGER  REFERENCES \"tags\" (\"id\") "
    "ON DELETE CASCADE ON UPDATE CASCADE, PRIMARY KEY (\"postId\",\"tagId\"));",
    NULL,
};

static const char *const tables[] = {
    "post_tag", "tags", "comments", "posts", "profiles", "users"
};

#ifdef BENCH_WITH_POSTGRES
static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}
#endif

static int setup(bench *b)
{
    b->c.pg = b->o.postgres;
    if (b->c.pg) {
#ifdef BENCH_WITH_POSTGRES
        char url[4096];
        bench_pg_url(url, sizeof url, &b->o, IMPL);
        b->c.pgc = PQconnectdb(url);
        if (PQstatus(b->c.pgc) != CONNECTION_OK)
            bench_die("raw-c: cannot connect to %s: %s", url, PQerrorMessage(b->c.pgc));
        PQsetNoticeProcessor(b->c.pgc, quiet, NULL); /* "table ... does not exist, skipping" */
        for (size_t i = 0; i < 6; i++) {
            char *sql = xasprintf("DROP TABLE IF EXISTS \"%s\" CASCADE;", tables[i]);
            exec_once(&b->c, sql);
            free(sql);
        }
#else
        bench_die("raw-c: built without PostgreSQL");
#endif
    } else {
        char path[4096];
        bench_sqlite_path(path, sizeof path, &b->o, IMPL);
        bench_sqlite_unlink(path);
        if (sqlite3_open_v2(path, &b->c.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
            SQLITE_OK)
            bench_die("raw-c: cannot open %s: %s", path, sqlite3_errmsg(b->c.db));
        exec_once(&b->c, "PRAGMA FOREIGN_KEYS=ON");
        sqlite_journal(&b->c);
        for (size_t i = 0; i < 6; i++) {
            char *sql = xasprintf("DROP TABLE IF EXISTS `%s`;", tables[i]);
            exec_once(&b->c, sql);
            free(sql);
        }
    }
    int created = 0;
    for (const char *const *ddl = b->c.pg ? pg_ddl : sqlite_ddl; *ddl; ddl++) {
        bool index = strncmp(*ddl, "CREATE INDEX", 12) == 0;
        if (index && !b->o.fk_indexes)
            continue;
        exec_once(&b->c, *ddl);
        created += !index;
    }
    init_statements(b);
    return created;
}

/* ---- W1 ----------------------------------------------------------------------------------------
 */

typedef struct created {
    arena a;
    user **users; /* N */
    tag *tags[50];
} created;

/* Runs an INSERT of one row: SQLite gives the new rowid; PostgreSQL the RETURNING row in `cur`
 * (left open for the caller to read, then end()). */
static int64_t insert_row(bench *b, cursor *cur, stmt *s, const param *p, int n)
{
    run(cur, &b->c, s, p, n);
    bool row = next(cur);
    if (!b->c.pg) {
        end(cur);
        return sqlite3_last_insert_rowid(b->c.db);
    }
    if (!row)
        bench_die("raw-c: INSERT ... RETURNING returned no row");
    return col_int(cur, 0);
}

static void w1(bench *b, char *checksum, size_t size)
{
    int n = b->o.n;
    created cr = { 0 };
    cr.users = calloc((size_t)n, sizeof *cr.users);
    if (!cr.users)
        bench_die("out of memory");
    arena *a = &cr.a;
    long users = 0, profiles = 0, posts = 0, comments = 0, tags = 0, links = 0;
    int64_t idsum = 0;
    char ts[32];
    cursor cur;
    /* 1. users, 100 per transaction; per user: user, profile, 5 posts, 10 comments */
    for (int start = 0; start < n; start += 100) {
        exec_stmt(&b->c, &b->begin, NULL, 0);
        for (int i = start; i < n && i < start + 100; i++) {
            char name[64], email[64], bio[256];
            size_t nl = bench_username(name, sizeof name, i);
            size_t el = bench_email(email, sizeof email, i);
            size_t bl = bench_bio(bio, sizeof bio, i);

            user *u = arena_zalloc(a, sizeof *u);
            bench_format_ts(ts, bench_now_ms());
            param up[4] = { P_TEXT(name, nl), P_TEXT(email, el), P_TEXT(ts, 30), P_TEXT(ts, 30) };
            u->id = insert_row(b, &cur, &b->ins_user, up, 4);
            if (b->c.pg) {
                u->username = col_str(&cur, 1, a);
                u->email = col_str(&cur, 2, a);
                u->created = col_ts(&cur, 3);
                u->updated = col_ts(&cur, 4);
                end(&cur);
            } else {
                u->username = arena_str(a, name, nl);
                u->email = arena_str(a, email, el);
                bench_parse_ts(ts, 30, &u->created);
                u->updated = u->created;
            }
            cr.users[i] = u;
            users++;
            idsum += u->id;

            profile *pr = arena_zalloc(a, sizeof *pr);
            bench_format_ts(ts, bench_now_ms());
            param pp[4] = { P_TEXT(bio, bl), P_TEXT(ts, 30), P_TEXT(ts, 30), P_INT(u->id) };
            pr->id = insert_row(b, &cur, &b->ins_profile, pp, 4);
            if (b->c.pg) {
                pr->bio = col_str(&cur, 1, a);
                pr->created = col_ts(&cur, 2);
                pr->updated = col_ts(&cur, 3);
                pr->user_id = col_int(&cur, 4);
                end(&cur);
            } else {
                pr->bio = arena_str(a, bio, bl);
                bench_parse_ts(ts, 30, &pr->created);
                pr->updated = pr->created;
                pr->user_id = u->id;
            }
            u->profile = pr;
            profiles++;
            idsum += pr->id;

            for (int j = 0; j < 5; j++) {
                char title[64], body[512];
                size_t tl = bench_post_title(title, sizeof title, i, j);
                size_t bdl = bench_post_body(body, sizeof body, i, j);
                post *p = arena_zalloc(a, sizeof *p);
                bench_format_ts(ts, bench_now_ms());
                param ps[5] = { P_TEXT(title, tl), P_TEXT(body, bdl), P_TEXT(ts, 30),
                                P_TEXT(ts, 30), P_INT(u->id) };
                p->id = insert_row(b, &cur, &b->ins_post, ps, 5);
                if (b->c.pg) {
                    p->title = col_str(&cur, 1, a);
                    p->body = col_str(&cur, 2, a);
                    p->created = col_ts(&cur, 3);
                    p->updated = col_ts(&cur, 4);
                    p->user_id = col_int(&cur, 5);
                    end(&cur);
                } else {
                    p->title = arena_str(a, title, tl);
                    p->body = arena_str(a, body, bdl);
                    bench_parse_ts(ts, 30, &p->created);
                    p->updated = p->created;
                    p->user_id = u->id;
                }
                if (u->posts_tail)
                    u->posts_tail->next = p;
                else
                    u->posts = p;
                u->posts_tail = p;
                posts++;
                idsum += p->id;
            }
            /* Sequelize inserts the comments after all five posts, post by post */
            int j = 0;
            for (post *p = u->posts; p; p = p->next, j++) {
                for (int c = 0; c < 2; c++) {
                    char body[256];
                    size_t bdl = bench_comment_body(body, sizeof body, i, j, c);
                    comment *cm = arena_zalloc(a, sizeof *cm);
                    bench_format_ts(ts, bench_now_ms());
                    param cp[4] = { P_TEXT(body, bdl), P_TEXT(ts, 30), P_TEXT(ts, 30),
                                    P_INT(p->id) };
                    cm->id = insert_row(b, &cur, &b->ins_comment, cp, 4);
                    if (b->c.pg) {
                        cm->body = col_str(&cur, 1, a);
                        cm->created = col_ts(&cur, 2);
                        cm->updated = col_ts(&cur, 3);
                        cm->post_id = col_int(&cur, 4);
                        end(&cur);
                    } else {
                        cm->body = arena_str(a, body, bdl);
                        bench_parse_ts(ts, 30, &cm->created);
                        cm->updated = cm->created;
                        cm->post_id = p->id;
                    }
                    if (p->comments_tail)
                        p->comments_tail->next = cm;
                    else
                        p->comments = cm;
                    p->comments_tail = cm;
                    comments++;
                    idsum += cm->id;
                }
            }
        }
        exec_stmt(&b->c, &b->commit, NULL, 0);
    }

    /* 2. Tag.bulkCreate(50 tags): one INSERT, autocommit (one timestamp for the batch, as
     * Sequelize's bulkCreate takes one `new Date()`) */
    {
        char names[50][16];
        param tp[150];
        bench_format_ts(ts, bench_now_ms());
        for (int t = 0; t < 50; t++) {
            size_t len = bench_tag_name(names[t], sizeof names[t], t);
            tp[3 * t] = P_TEXT(names[t], len);
            tp[3 * t + 1] = P_TEXT(ts, 30);
            tp[3 * t + 2] = P_TEXT(ts, 30);
        }
        run(&cur, &b->c, &b->ins_tags, tp, 150);
        if (b->c.pg) {
            while (next(&cur)) {
                tag *tg = arena_zalloc(a, sizeof *tg);
                tg->id = col_int(&cur, 0);
                tg->name = col_str(&cur, 1, a);
                tg->created = col_ts(&cur, 2);
                tg->updated = col_ts(&cur, 3);
                if (tg->id >= 1 && tg->id <= 50)
                    cr.tags[tg->id - 1] = tg;
            }
            end(&cur);
        } else {
            next(&cur);
            end(&cur);
            /* Sequelize's SQLite bulkCreate: ids lastID - changes + 1 .. lastID */
            int64_t last = sqlite3_last_insert_rowid(b->c.db);
            int64_t changes = sqlite3_changes(b->c.db);
            for (int64_t k = 0; k < changes; k++) {
                tag *tg = arena_zalloc(a, sizeof *tg);
                tg->id = last - changes + 1 + k;
                tg->name = arena_str(a, names[k], strlen(names[k]));
                bench_parse_ts(ts, 30, &tg->created);
                tg->updated = tg->created;
                if (tg->id >= 1 && tg->id <= 50)
                    cr.tags[tg->id - 1] = tg;
            }
        }
        for (int t = 0; t < 50; t++) {
            if (!cr.tags[t])
                bench_die("raw-c: tag %d was not created", t);
            tags++;
            idsum += cr.tags[t]->id;
        }
    }

    /* 3. post.addTags(A(k)) for every post, 500 posts per transaction */
    long k = 0;
    bool open = false;
    for (int i = 0; i < n; i++) {
        for (post *p = cr.users[i]->posts; p; p = p->next, k++) {
            if (k % 500 == 0) {
                exec_stmt(&b->c, &b->begin, NULL, 0);
                open = true;
            }
            int ta[3];
            bench_tags_a(ta, k);
            int64_t ids[3] = { cr.tags[ta[0]]->id, cr.tags[ta[1]]->id, cr.tags[ta[2]]->id };
            /* the links that exist already (one arena per result) */
            arena ra = { 0 };
            link *existing = NULL;
            param sp[4] = { P_INT(p->id), P_INT(ids[0]), P_INT(ids[1]), P_INT(ids[2]) };
            run(&cur, &b->c, &b->link_select[3], sp, 4);
            while (next(&cur)) {
                link *l = arena_alloc(&ra, sizeof *l);
                l->created = col_ts(&cur, 0);
                l->updated = col_ts(&cur, 1);
                l->post_id = col_int(&cur, 2);
                l->tag_id = col_int(&cur, 3);
                l->next = existing;
                existing = l;
            }
            end(&cur);
            int64_t missing[3];
            int m = 0;
            for (int t = 0; t < 3; t++) {
                bool found = false;
                for (link *l = existing; l; l = l->next)
                    found |= l->tag_id == ids[t];
                if (!found)
                    missing[m++] = ids[t];
            }
            if (m > 0) {
                bench_format_ts(ts, bench_now_ms());
                param ip[12];
                for (int r = 0; r < m; r++) {
                    ip[4 * r] = P_TEXT(ts, 30);
                    ip[4 * r + 1] = P_TEXT(ts, 30);
                    ip[4 * r + 2] = P_INT(p->id);
                    ip[4 * r + 3] = P_INT(missing[r]);
                }
                run(&cur, &b->c, &b->link_insert[m], ip, 4 * m);
                if (b->c.pg) {
                    while (next(&cur)) {
                        link *l = arena_alloc(&ra, sizeof *l);
                        l->created = col_ts(&cur, 0);
                        l->updated = col_ts(&cur, 1);
                        l->post_id = col_int(&cur, 2);
                        l->tag_id = col_int(&cur, 3);
                        links++;
                    }
                } else {
                    next(&cur);
                    links += sqlite3_changes(b->c.db);
                }
                end(&cur);
            }
            arena_free(&ra);
            if (k % 500 == 499) {
                exec_stmt(&b->c, &b->commit, NULL, 0);
                open = false;
            }
        }
    }
    if (open)
        exec_stmt(&b->c, &b->commit, NULL, 0);
    arena_free(&cr.a);
    free(cr.users);
    snprintf(checksum, size, "%ld/%ld/%ld/%ld/%ld/%ld/%lld", users, profiles, posts, comments, tags,
             links, (long long)idsum);
}

/* ---- W2 / W2S: the tree, and its walk
 * ------------------------------------------------------------ */

typedef struct tree {
    arena a;
    user *users, *users_tail;
} tree;

static void walk(const tree *t, char *checksum, size_t size)
{
    long users = 0, profiles = 0, posts = 0, comments = 0, tags = 0, chars = 0, dates = 0;
    for (const user *u = t->users; u; u = u->next) {
        users++;
        chars += (long)(u->username.len + u->email.len);
        dates += bench_date_ok(u->created) + bench_date_ok(u->updated);
        if (u->profile) {
            profiles++;
            chars += (long)u->profile->bio.len;
            dates += bench_date_ok(u->profile->created) + bench_date_ok(u->profile->updated);
        }
        for (const post *p = u->posts; p; p = p->next) {
            posts++;
            chars += (long)(p->title.len + p->body.len);
            dates += bench_date_ok(p->created) + bench_date_ok(p->updated);
            for (const comment *c = p->comments; c; c = c->next) {
                comments++;
                chars += (long)c->body.len;
                dates += bench_date_ok(c->created) + bench_date_ok(c->updated);
            }
            for (const tag *g = p->tags; g; g = g->next) {
                tags++;
                chars += (long)g->name.len;
                dates += bench_date_ok(g->created) + bench_date_ok(g->updated);
            }
        }
    }
    snprintf(checksum, size, "%ld/%ld/%ld/%ld/%ld/%ld/%ld", users, profiles, posts, comments, tags,
             chars, dates);
}

static void read_user(const cursor *cur, int c, user *u, arena *a)
{
    u->id = col_int(cur, c);
    u->username = col_str(cur, c + 1, a);
    u->email = col_str(cur, c + 2, a);
    u->created = col_ts(cur, c + 3);
    u->updated = col_ts(cur, c + 4);
}

static void read_profile(const cursor *cur, int c, profile *pr, arena *a)
{
    pr->id = col_int(cur, c);
    pr->bio = col_str(cur, c + 1, a);
    pr->created = col_ts(cur, c + 2);
    pr->updated = col_ts(cur, c + 3);
    pr->user_id = col_int(cur, c + 4);
}

static void read_post(const cursor *cur, int c, post *p, arena *a)
{
    p->id = col_int(cur, c);
    p->title = col_str(cur, c + 1, a);
    p->body = col_str(cur, c + 2, a);
    p->created = col_ts(cur, c + 3);
    p->updated = col_ts(cur, c + 4);
    p->user_id = col_int(cur, c + 5);
}

static void read_comment(const cursor *cur, int c, comment *cm, arena *a)
{
    cm->id = col_int(cur, c);
    cm->body = col_str(cur, c + 1, a);
    cm->created = col_ts(cur, c + 2);
    cm->updated = col_ts(cur, c + 3);
    cm->post_id = col_int(cur, c + 4);
}

static void read_tag(const cursor *cur, int c, tag *g, arena *a)
{
    g->id = col_int(cur, c);
    g->name = col_str(cur, c + 1, a);
    g->created = col_ts(cur, c + 2);
    g->updated = col_ts(cur, c + 3);
}

#define APPEND(head, tail, x)                                                                      \
    do {                                                                                           \
        if (tail)                                                                                  \
            (tail)->next = (x);                                                                    \
        else                                                                                       \
            (head) = (x);                                                                          \
        (tail) = (x);                                                                              \
    } while (0)

/* One JOIN, 25 columns: users 0-4, profile 5-9, post 10-15, comment 16-20, tag 21-24. Parents
 * de-duplicated by primary key, tags under a post by (postId, tagId); row order not relied on. */
static void w2(bench *b, char *checksum, size_t size)
{
    tree t = { 0 };
    map users = { 0 }, posts = { 0 }, comments = { 0 }, post_tags = { 0 };
    cursor cur;
    run(&cur, &b->c, &b->w2, NULL, 0);
    while (next(&cur)) {
        int64_t uid = col_int(&cur, 0);
        user *u = map_get(&users, uid);
        if (!u) {
            u = arena_zalloc(&t.a, sizeof *u);
            read_user(&cur, 0, u, &t.a);
            map_put(&users, uid, u);
            APPEND(t.users, t.users_tail, u);
        }
        if (!u->profile && !col_null(&cur, 5)) {
            u->profile = arena_zalloc(&t.a, sizeof *u->profile);
            read_profile(&cur, 5, u->profile, &t.a);
        }
        if (col_null(&cur, 10))
            continue;
        int64_t pid = col_int(&cur, 10);
        post *p = map_get(&posts, pid);
        if (!p) {
            p = arena_zalloc(&t.a, sizeof *p);
            read_post(&cur, 10, p, &t.a);
            map_put(&posts, pid, p);
            APPEND(u->posts, u->posts_tail, p);
        }
        if (!col_null(&cur, 16)) {
            int64_t cid = col_int(&cur, 16);
            if (!map_get(&comments, cid)) {
                comment *cm = arena_zalloc(&t.a, sizeof *cm);
                read_comment(&cur, 16, cm, &t.a);
                map_put(&comments, cid, cm);
                APPEND(p->comments, p->comments_tail, cm);
            }
        }
        if (!col_null(&cur, 21)) {
            int64_t key = pid * 4294967296 + col_int(&cur, 21);
            if (!map_get(&post_tags, key)) {
                tag *g = arena_zalloc(&t.a, sizeof *g);
                read_tag(&cur, 21, g, &t.a);
                map_put(&post_tags, key, g);
                APPEND(p->tags, p->tags_tail, g);
            }
        }
    }
    end(&cur);
    map_free(&users);
    map_free(&posts);
    map_free(&comments);
    map_free(&post_tags);
    walk(&t, checksum, size);
    arena_free(&t.a);
}

/* Three statements: users + profile; posts + tags WHERE userId IN (...); comments WHERE postId
 * IN (...); the id lists as literal text, as Sequelize writes them. */
static void w2s(bench *b, char *checksum, size_t size)
{
    tree t = { 0 };
    map users = { 0 }, posts = { 0 }, post_tags = { 0 };
    cursor cur;
    run_once(&cur, &b->c,
             Q("SELECT `user`.`id`, `user`.`username`, `user`.`email`, `user`.`createdAt`, "
               "`user`.`updatedAt`, `profile`.`id` AS `profile.id`, `profile`.`bio` AS "
               "`profile.bio`, `profile`.`createdAt` AS `profile.createdAt`, `profile`.`updatedAt` "
               "AS `profile.updatedAt`, `profile`.`userId` AS `profile.userId` FROM `users` AS "
               "`user` LEFT OUTER JOIN `profiles` AS `profile` ON `user`.`id` = "
               "`profile`.`userId`;",
               "SELECT \"user\".\"id\", \"user\".\"username\", \"user\".\"email\", "
               "\"user\".\"createdAt\", \"user\".\"updatedAt\", \"profile\".\"id\" AS "
               "\"profile.id\", \"profile\".\"bio\" AS \"profile.bio\", \"profile\".\"createdAt\" "
               "AS \"profile.createdAt\", \"profile\".\"updatedAt\" AS \"profile.updatedAt\", "
               "\"profile\".\"userId\" AS \"profile.userId\" FROM \"users\" AS \"user\" LEFT OUTER "
               "JOIN \"profiles\" AS \"profile\" ON \"user\".\"id\" = \"profile\".\"userId\";"));
    sbuf ids = { 0 };
    while (next(&cur)) {
        int64_t uid = col_int(&cur, 0);
        user *u = map_get(&users, uid);
        if (!u) {
            u = arena_zalloc(&t.a, sizeof *u);
            read_user(&cur, 0, u, &t.a);
            map_put(&users, uid, u);
            APPEND(t.users, t.users_tail, u);
            sb_printf(&ids, ids.len ? ", %lld" : "%lld", (long long)uid);
        }
        if (!u->profile && !col_null(&cur, 5)) {
            u->profile = arena_zalloc(&t.a, sizeof *u->profile);
            read_profile(&cur, 5, u->profile, &t.a);
        }
    }
    end(&cur);

    sbuf sql = { 0 };
    sb_put(
        &sql,
        Q("SELECT `post`.`id`, `post`.`title`, `post`.`body`, `post`.`createdAt`, "
          "`post`.`updatedAt`, `post`.`userId`, `tags`.`id` AS `tags.id`, `tags`.`name` AS "
          "`tags.name`, `tags`.`createdAt` AS `tags.createdAt`, `tags`.`updatedAt` AS "
          "`tags.updatedAt` FROM `posts` AS `post` LEFT OUTER JOIN ( `post_tag` AS "
          "`tags->post_tag` INNER JOIN `tags` AS `tags` ON `tags`.`id` = "
          "`tags->post_tag`.`tagId`) ON `post`.`id` = `tags->post_tag`.`postId` WHERE "
          "`post`.`userId` IN (",
          "SELECT \"post\".\"id\", \"post\".\"title\", \"post\".\"body\", \"post\".\"createdAt\", "
          "\"post\".\"updatedAt\", \"post\".\"userId\", \"tags\".\"id\" AS \"tags.id\", "
          "\"tags\".\"name\" AS \"tags.name\", \"tags\".\"createdAt\" AS \"tags.createdAt\", "
          "\"tags\".\"updatedAt\" AS \"tags.updatedAt\" FROM \"posts\" AS \"post\" LEFT OUTER "
          "JOIN ( \"post_tag\" AS \"tags->post_tag\" INNER JOIN \"tags\" AS \"tags\" ON "
          "\"tags\".\"id\" = \"tags->post_tag\".\"tagId\") ON \"post\".\"id\" = "
          "\"tags->post_tag\".\"postId\" WHERE \"post\".\"userId\" IN ("));
    sb_put(&sql, ids.p ? ids.p : "NULL");
    sb_put(&sql, ");");
    run_once(&cur, &b->c, sql.p);
    ids.len = 0;
    if (ids.p)
        ids.p[0] = 0;
    while (next(&cur)) {
        int64_t pid = col_int(&cur, 0);
        post *p = map_get(&posts, pid);
        if (!p) {
            p = arena_zalloc(&t.a, sizeof *p);
            read_post(&cur, 0, p, &t.a);
            map_put(&posts, pid, p);
            user *u = map_get(&users, p->user_id);
            if (u)
                APPEND(u->posts, u->posts_tail, p);
            sb_printf(&ids, ids.len ? ", %lld" : "%lld", (long long)pid);
        }
        if (!col_null(&cur, 6)) {
            int64_t key = pid * 4294967296 + col_int(&cur, 6);
            if (!map_get(&post_tags, key)) {
                tag *g = arena_zalloc(&t.a, sizeof *g);
                read_tag(&cur, 6, g, &t.a);
                map_put(&post_tags, key, g);
                APPEND(p->tags, p->tags_tail, g);
            }
        }
    }
    end(&cur);

    sql.len = 0;
    sb_put(&sql, Q("SELECT `id`, `body`, `createdAt`, `updatedAt`, `postId` FROM `comments` AS "
                   "`comment` WHERE `comment`.`postId` IN (",
                   "SELECT \"id\", \"body\", \"createdAt\", \"updatedAt\", \"postId\" FROM "
                   "\"comments\" AS \"comment\" WHERE \"comment\".\"postId\" IN ("));
    sb_put(&sql, ids.len ? ids.p : "NULL");
    sb_put(&sql, ");");
    run_once(&cur, &b->c, sql.p);
    while (next(&cur)) {
        comment *cm = arena_zalloc(&t.a, sizeof *cm);
        read_comment(&cur, 0, cm, &t.a);
        post *p = map_get(&posts, cm->post_id);
        if (p)
            APPEND(p->comments, p->comments_tail, cm);
    }
    end(&cur);
    free(sql.p);
    free(ids.p);
    map_free(&users);
    map_free(&posts);
    map_free(&post_tags);
    walk(&t, checksum, size);
    arena_free(&t.a);
}

/* ---- W3 ----------------------------------------------------------------------------------------
 */

/* The W3 loop over the users with bench_w6_user_is_mine(id, t, T) (all of them when T = 1);
 * out: users, posts, comments, chars. */
static void w3_part(bench *b, int t, int T, long out[4])
{
    arena ua = { 0 };
    user *users = NULL, *tail = NULL;
    cursor cur;
    run(&cur, &b->c, &b->all_users, NULL, 0);
    while (next(&cur)) {
        user *u = arena_zalloc(&ua, sizeof *u);
        read_user(&cur, 0, u, &ua);
        APPEND(users, tail, u);
    }
    end(&cur);
    long nusers = 0, posts = 0, comments = 0, chars = 0;
    for (user *u = users; u; u = u->next) {
        if (!bench_w6_user_is_mine(u->id, t, T))
            continue;
        nusers++;
        chars += (long)(u->username.len + u->email.len);
        arena pa = { 0 };
        post *ps = NULL, *ptail = NULL;
        param up[1] = { P_INT(u->id) };
        run(&cur, &b->c, &b->posts_of_user, up, 1);
        while (next(&cur)) {
            post *p = arena_zalloc(&pa, sizeof *p);
            read_post(&cur, 0, p, &pa);
            APPEND(ps, ptail, p);
        }
        end(&cur);
        for (post *p = ps; p; p = p->next) {
            posts++;
            chars += (long)(p->title.len + p->body.len);
            param pp[1] = { P_INT(p->id) };
            run(&cur, &b->c, &b->count_comments, pp, 1);
            if (next(&cur))
                comments += (long)col_int(&cur, 0);
            end(&cur);
        }
        arena_free(&pa);
    }
    arena_free(&ua);
    out[0] = nusers;
    out[1] = posts;
    out[2] = comments;
    out[3] = chars;
}

static void w3(bench *b, char *checksum, size_t size)
{
    long r[4];
    w3_part(b, 0, 1, r);
    snprintf(checksum, size, "%ld/%ld/%ld/%ld", r[0], r[1], r[2], r[3]);
}

/* ---- W4 ----------------------------------------------------------------------------------------
 */

static int post_by_id(const void *x, const void *y)
{
    int64_t a = (*(post *const *)x)->id, c = (*(post *const *)y)->id;
    return (a > c) - (a < c);
}

static void w4(bench *b, char *checksum, size_t size)
{
    arena a = { 0 };
    cursor cur;
    size_t np = 0, cap = 1024;
    post **posts = malloc(cap * sizeof *posts);
    if (!posts)
        bench_die("out of memory");
    run(&cur, &b->c, &b->all_posts, NULL, 0);
    while (next(&cur)) {
        post *p = arena_zalloc(&a, sizeof *p);
        read_post(&cur, 0, p, &a);
        if (np == cap) {
            cap *= 2;
            posts = realloc(posts, cap * sizeof *posts);
            if (!posts)
                bench_die("out of memory");
        }
        posts[np++] = p;
    }
    end(&cur);
    tag *tags[50] = { 0 };
    run(&cur, &b->c, &b->all_tags, NULL, 0);
    while (next(&cur)) {
        tag *g = arena_zalloc(&a, sizeof *g);
        read_tag(&cur, 0, g, &a);
        if (g->id >= 1 && g->id <= 50)
            tags[g->id - 1] = g;
    }
    end(&cur);
    for (int t = 0; t < 50; t++)
        if (!tags[t])
            bench_die("raw-c: tag %d not found", t);
    qsort(posts, np, sizeof *posts, post_by_id);

    long nposts = 0, trues = 0;
    bool open = false;
    char ts[32];
    for (size_t i = 0; i < np; i++) {
        post *p = posts[i];
        if (i % 500 == 0) {
            exec_stmt(&b->c, &b->begin, NULL, 0);
            open = true;
        }
        int tb[3];
        bench_tags_b(tb, (long)(p->id - 1));
        int64_t want[3] = { tags[tb[0]]->id, tags[tb[1]]->id, tags[tb[2]]->id };
        /* setTags: current links, then DELETE the stale ones and INSERT the new ones */
        arena ra = { 0 };
        link *current = NULL;
        param lp[1] = { P_INT(p->id) };
        run(&cur, &b->c, &b->links_of_post, lp, 1);
        while (next(&cur)) {
            link *l = arena_alloc(&ra, sizeof *l);
            l->created = col_ts(&cur, 0);
            l->updated = col_ts(&cur, 1);
            l->post_id = col_int(&cur, 2);
            l->tag_id = col_int(&cur, 3);
            l->next = current;
            current = l;
        }
        end(&cur);
        int64_t stale[3], fresh[3];
        int ns = 0, nf = 0;
        /* current rows come back in any order; Sequelize lists the stale ones in row order */
        link *rev = NULL;
        while (current) {
            link *nx = current->next;
            current->next = rev;
            rev = current;
            current = nx;
        }
        for (link *l = rev; l; l = l->next) {
            bool keep_it = l->tag_id == want[0] || l->tag_id == want[1] || l->tag_id == want[2];
            if (!keep_it && ns < 3)
                stale[ns++] = l->tag_id;
        }
        for (int t = 0; t < 3; t++) {
            bool found = false;
            for (link *l = rev; l; l = l->next)
                found |= l->tag_id == want[t];
            if (!found)
                fresh[nf++] = want[t];
        }
        if (ns > 0) {
            param dp[4] = { P_INT(p->id) };
            for (int r = 0; r < ns; r++)
                dp[r + 1] = P_INT(stale[r]);
            exec_stmt(&b->c, &b->link_delete[ns], dp, ns + 1);
        }
        if (nf > 0) {
            bench_format_ts(ts, bench_now_ms());
            param ip[12];
            for (int r = 0; r < nf; r++) {
                ip[4 * r] = P_TEXT(ts, 30);
                ip[4 * r + 1] = P_TEXT(ts, 30);
                ip[4 * r + 2] = P_INT(p->id);
                ip[4 * r + 3] = P_INT(fresh[r]);
            }
            run(&cur, &b->c, &b->link_insert[nf], ip, 4 * nf);
            while (next(&cur)) {
                link *l = arena_alloc(&ra, sizeof *l);
                l->created = col_ts(&cur, 0);
                l->updated = col_ts(&cur, 1);
                l->post_id = col_int(&cur, 2);
                l->tag_id = col_int(&cur, 3);
            }
            end(&cur);
        }
        arena_free(&ra);
        /* hasTags: every wanted id among the rows */
        param hp[4] = { P_INT(p->id), P_INT(want[0]), P_INT(want[1]), P_INT(want[2]) };
        run(&cur, &b->c, &b->has_tags[3], hp, 4);
        bool seen[3] = { false, false, false };
        while (next(&cur)) {
            int64_t id = col_int(&cur, 0);
            for (int t = 0; t < 3; t++)
                seen[t] |= id == want[t];
        }
        end(&cur);
        nposts++;
        trues += seen[0] && seen[1] && seen[2];
        if (i % 500 == 499) {
            exec_stmt(&b->c, &b->commit, NULL, 0);
            open = false;
        }
    }
    if (open)
        exec_stmt(&b->c, &b->commit, NULL, 0);
    free(posts);
    arena_free(&a);
    snprintf(checksum, size, "%ld/%ld", nposts, trues);
}

/* ---- W5 ----------------------------------------------------------------------------------------
 */

/* The W5 lookups of the draws with bench_w6_draw_is_mine(d, t, T) (all when T = 1). */
static void w5_part(bench *b, int t, int T, long *found_out, int64_t *idsum_out, long *chars_out)
{
    bench_rng rng;
    bench_rng_init(&rng);
    long found = 0, chars = 0;
    int64_t idsum = 0;
    cursor cur;
    for (int i = 0; i < 20000; i++) {
        int64_t id = bench_rng_id(&rng, b->o.n);
        if (!bench_w6_draw_is_mine(i, t, T))
            continue;
        arena a = { 0 };
        param p[1] = { P_INT(id) };
        run(&cur, &b->c, &b->user_by_pk, p, 1);
        user *u = NULL;
        if (next(&cur)) {
            u = arena_zalloc(&a, sizeof *u);
            read_user(&cur, 0, u, &a);
        }
        end(&cur);
        if (u) {
            found++;
            idsum += u->id;
            chars += (long)(u->username.len + u->email.len);
        }
        arena_free(&a);
    }
    *found_out = found;
    *idsum_out = idsum;
    *chars_out = chars;
}

static void w5(bench *b, char *checksum, size_t size)
{
    long found = 0, chars = 0;
    int64_t idsum = 0;
    w5_part(b, 0, 1, &found, &idsum, &chars);
    snprintf(checksum, size, "%ld/%lld/%ld", found, (long long)idsum, chars);
}

/* ---- W6 ----------------------------------------------------------------------------------------
 */

/* One worker: a copy of the bench (options, statement texts) with a connection of its own and
 * its own prepared statements. */
typedef struct w6_worker {
    bench b;
    int t, T;
    pthread_barrier_t *ready;
    long w3[4], found, chars;
    int64_t idsum;
    uint64_t start, end;
} w6_worker;

static void *w6_run(void *arg)
{
    w6_worker *w = arg;
    bench *b = &w->b;
    stmt *mine[] = { &b->all_users, &b->posts_of_user, &b->count_comments, &b->user_by_pk };
    for (size_t i = 0; i < sizeof mine / sizeof *mine; i++) {
        mine[i]->st = NULL;
        mine[i]->prepared = false;
    }
    memset(&b->c, 0, sizeof b->c);
    b->c.pg = b->o.postgres;
    if (b->c.pg) {
#ifdef BENCH_WITH_POSTGRES
        char url[4096];
        bench_pg_url(url, sizeof url, &b->o, IMPL);
        b->c.pgc = PQconnectdb(url);
        if (PQstatus(b->c.pgc) != CONNECTION_OK)
            bench_die("raw-c: cannot connect to %s: %s", url, PQerrorMessage(b->c.pgc));
        PQsetNoticeProcessor(b->c.pgc, quiet, NULL);
#endif
    } else {
        char path[4096];
        bench_sqlite_path(path, sizeof path, &b->o, IMPL);
        if (sqlite3_open_v2(path, &b->c.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
            SQLITE_OK)
            bench_die("raw-c: cannot open %s: %s", path, sqlite3_errmsg(b->c.db));
        exec_once(&b->c, "PRAGMA FOREIGN_KEYS=ON");
        sqlite_journal(&b->c);
    }
    pthread_barrier_wait(w->ready);
    w->start = bench_mono_ns();
    w3_part(b, w->t, w->T, w->w3);
    w5_part(b, w->t, w->T, &w->found, &w->idsum, &w->chars);
    w->end = bench_mono_ns();
    if (b->c.pg) {
#ifdef BENCH_WITH_POSTGRES
        PQfinish(b->c.pgc);
#endif
    } else {
        for (size_t i = 0; i < sizeof mine / sizeof *mine; i++)
            sqlite3_finalize(mine[i]->st);
        sqlite3_close(b->c.db);
    }
    return NULL;
}

/* W3 and W5 over T threads, one connection each; returns the time from the first worker's
 * start to the last one's end. */
static uint64_t w6(bench *b, char *checksum, size_t size)
{
    int T = b->o.threads;
    w6_worker *w = calloc((size_t)T, sizeof *w);
    pthread_t *th = calloc((size_t)T, sizeof *th);
    pthread_barrier_t ready;
    if (!w || !th || pthread_barrier_init(&ready, NULL, (unsigned)T) != 0)
        bench_die("raw-c: W6 set-up failed");
    for (int t = 0; t < T; t++) {
        w[t] = (w6_worker){ .b = *b, .t = t, .T = T, .ready = &ready };
        if (pthread_create(&th[t], NULL, w6_run, &w[t]) != 0)
            bench_die("raw-c: cannot start a thread");
    }
    long r[4] = { 0 }, found = 0, chars = 0;
    int64_t idsum = 0;
    uint64_t start = UINT64_MAX, end = 0;
    for (int t = 0; t < T; t++) {
        pthread_join(th[t], NULL);
        for (int k = 0; k < 4; k++)
            r[k] += w[t].w3[k];
        found += w[t].found;
        chars += w[t].chars;
        idsum += w[t].idsum;
        start = w[t].start < start ? w[t].start : start;
        end = w[t].end > end ? w[t].end : end;
    }
    pthread_barrier_destroy(&ready);
    free(w);
    free(th);
    snprintf(checksum, size, "%ld/%ld/%ld/%ld+%ld/%lld/%ld", r[0], r[1], r[2], r[3], found,
             (long long)idsum, chars);
    return end - start;
}

int main(int argc, char **argv)
{
    bench b = { 0 };
    bench_parse_args(&b.o, argc, argv, IMPL);
    char checksum[256];

    uint64_t t0 = bench_begin();
    snprintf(checksum, sizeof checksum, "%d", setup(&b));
    bench_emit(&b.o, IMPL, "setup", bench_mono_ns() - t0, checksum);

    t0 = bench_begin();
    w1(&b, checksum, sizeof checksum);
    bench_emit(&b.o, IMPL, "W1", bench_mono_ns() - t0, checksum);

    if (b.c.pg) /* untimed, so plans do not depend on autovacuum */
        exec_once(&b.c, "ANALYZE");

    if (b.o.run[BENCH_W2]) {
        t0 = bench_begin();
        w2(&b, checksum, sizeof checksum);
        bench_emit(&b.o, IMPL, "W2", bench_mono_ns() - t0, checksum);
    }
    if (b.o.run[BENCH_W2S]) {
        t0 = bench_begin();
        w2s(&b, checksum, sizeof checksum);
        bench_emit(&b.o, IMPL, "W2S", bench_mono_ns() - t0, checksum);
    }
    if (b.o.run[BENCH_W3]) {
        t0 = bench_begin();
        w3(&b, checksum, sizeof checksum);
        bench_emit(&b.o, IMPL, "W3", bench_mono_ns() - t0, checksum);
    }
    if (b.o.run[BENCH_W4]) {
        t0 = bench_begin();
        w4(&b, checksum, sizeof checksum);
        bench_emit(&b.o, IMPL, "W4", bench_mono_ns() - t0, checksum);
    }
    if (b.o.run[BENCH_W5]) {
        t0 = bench_begin();
        w5(&b, checksum, sizeof checksum);
        bench_emit(&b.o, IMPL, "W5", bench_mono_ns() - t0, checksum);
    }
    if (b.o.run[BENCH_W6]) {
        bench_begin();
        uint64_t ns = w6(&b, checksum, sizeof checksum);
        bench_emit(&b.o, IMPL, "W6", ns, checksum);
    }
    finalize_statements(&b);
    if (b.c.pg) {
#ifdef BENCH_WITH_POSTGRES
        PQfinish(b.c.pgc);
#endif
    } else {
        sqlite3_close(b.c.db);
    }
    bench_report_rss(IMPL);
    return 0;
}
