/* The benchmark workload (shared/bench/WORKLOAD.md) through cequel's public API only.
 * Same work, statements and transaction boundaries as raw_c.c, which is the reference. */
#define _POSIX_C_SOURCE 200809L
#include <cequel.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"

static const char *const IMPL = "cequel";

typedef struct bench {
    bench_opts o;
    cq_db *db;
    cq_model *user, *profile, *post, *comment, *tag;
    cq_assoc *user_profile, *user_posts, *post_user, *post_comments, *post_tags, *tag_posts;
} bench;

#define CHECK(b, expr)                                                                             \
    do {                                                                                           \
        int rc_ = (expr);                                                                          \
        if (rc_ != CQ_OK)                                                                          \
            bench_die("cequel: %s failed: %s: %s", #expr, cq_error_name(rc_),                      \
                      (b)->db ? cq_db_error((b)->db)->message : "");                               \
    } while (0)

static void log_sql(const cq_log_event *ev, void *user_data)
{
    (void)user_data;
    if (ev->kind == CQ_LOG_SQL)
        fprintf(stderr, "Executing: %s\n", ev->sql);
}

/* ---- setup ------------------------------------------------------------------------------- */

static cq_model *define(bench *b, const char *name, const cq_attr *attrs, const char *fk)
{
    cq_model *m = NULL;
    cq_index ix[2] = { { .fields = (const char *const[]){ fk, NULL } }, { 0 } };
    CHECK(b, cq_db_define(&m, b->db, name, attrs,
                          &(cq_model_opts){ .indexes = fk && b->o.fk_indexes ? ix : NULL }));
    return m;
}

static void bench_url(bench *b, char *url, size_t size)
{
    if (b->o.postgres) {
        bench_pg_url(url, size, &b->o, IMPL);
    } else {
        char path[4000];
        bench_sqlite_path(path, sizeof path, &b->o, IMPL);
        snprintf(url, size, "sqlite:%s", path);
    }
}

static void define_models(bench *b);

static int setup(bench *b)
{
    char url[4096];
    if (b->o.postgres) {
        bench_pg_url(url, sizeof url, &b->o, IMPL);
    } else {
        char path[4000];
        bench_sqlite_path(path, sizeof path, &b->o, IMPL);
        bench_sqlite_unlink(path);
        snprintf(url, sizeof url, "sqlite:%s", path);
    }
    cq_error err = { 0 };
    cq_open_opts oo = { .log = { .fn = b->o.log ? log_sql : NULL } };
    int rc = cq_db_open(&b->db, url, &oo, &err);
    if (rc != CQ_OK)
        bench_die("cequel: cannot open %s: %s", url, err.message);
    define_models(b);
    CHECK(b, cq_db_sync(b->db, &(cq_sync_opts){ .force = true }));
    return (int)cq_db_model_count(b->db);
}

static void define_models(bench *b)
{
    b->user = define(b, "user",
                     (cq_attr[]){ { .name = "username", .type = CQ_STRING },
                                  { .name = "email", .type = CQ_STRING },
                                  { 0 } },
                     NULL);
    b->profile =
        define(b, "profile", (cq_attr[]){ { .name = "bio", .type = CQ_TEXT }, { 0 } }, "userId");
    b->post = define(b, "post",
                     (cq_attr[]){ { .name = "title", .type = CQ_STRING },
                                  { .name = "body", .type = CQ_TEXT },
                                  { 0 } },
                     "userId");
    b->comment =
        define(b, "comment", (cq_attr[]){ { .name = "body", .type = CQ_TEXT }, { 0 } }, "postId");
    b->tag =
        define(b, "tag",
               (cq_attr[]){ { .name = "name", .type = CQ_STRING, .unique = true }, { 0 } }, NULL);
    CHECK(b, cq_model_has_one(&b->user_profile, b->user, b->profile, NULL));
    CHECK(b, cq_model_has_many(&b->user_posts, b->user, b->post, NULL));
    CHECK(b, cq_model_belongs_to(&b->post_user, b->post, b->user, NULL));
    CHECK(b, cq_model_has_many(&b->post_comments, b->post, b->comment, NULL));
    CHECK(b, cq_model_belongs_to_many(&b->post_tags, b->post, b->tag,
                                      &(cq_assoc_opts){ .through = "post_tag" }));
    CHECK(b, cq_model_belongs_to_many(&b->tag_posts, b->tag, b->post,
                                      &(cq_assoc_opts){ .through = "post_tag" }));
}

/* ---- reading instances -------------------------------------------------------------------- */

static int64_t get_id(bench *b, const cq_instance *inst)
{
    int64_t id = 0;
    CHECK(b, cq_instance_get_int(&id, inst, "id"));
    return id;
}

static size_t text_len(bench *b, const cq_instance *inst, const char *attr)
{
    const char *s = NULL;
    CHECK(b, cq_instance_get_text(&s, inst, attr));
    return strlen(s);
}

static int dates(bench *b, const cq_instance *inst)
{
    int n = 0;
    static const char *const attrs[2] = { "createdAt", "updatedAt" };
    for (int i = 0; i < 2; i++) {
        const char *s = NULL;
        int64_t ms = 0;
        CHECK(b, cq_instance_get_text(&s, inst, attrs[i]));
        if (bench_parse_ts(s, strlen(s), &ms))
            n += bench_date_ok(ms);
    }
    return n;
}

static const cq_rows *many(const cq_instance *inst, const char *key)
{
    const cq_rows *rows = NULL;
    cq_instance_included(NULL, NULL, &rows, inst, key);
    return rows;
}

static cq_instance *one(const cq_instance *inst, const char *key)
{
    cq_instance *o = NULL;
    cq_instance_included(NULL, &o, NULL, inst, key);
    return o;
}

/* ---- W1 ---------------------------------------------------------------------------------- */

static cq_value *user_tree(int i)
{
    char buf[512];
    cq_value *u = cq_value_object();
    bench_username(buf, sizeof buf, i);
    cq_value_object_set(u, "username", cq_value_text(buf));
    bench_email(buf, sizeof buf, i);
    cq_value_object_set(u, "email", cq_value_text(buf));
    cq_value *profile = cq_value_object();
    bench_bio(buf, sizeof buf, i);
    cq_value_object_set(profile, "bio", cq_value_text(buf));
    cq_value_object_set(u, "profile", profile);
    cq_value *posts = cq_value_array();
    for (int j = 0; j < 5; j++) {
        cq_value *p = cq_value_object();
        bench_post_title(buf, sizeof buf, i, j);
        cq_value_object_set(p, "title", cq_value_text(buf));
        bench_post_body(buf, sizeof buf, i, j);
        cq_value_object_set(p, "body", cq_value_text(buf));
        cq_value *comments = cq_value_array();
        for (int c = 0; c < 2; c++) {
            cq_value *cm = cq_value_object();
            bench_comment_body(buf, sizeof buf, i, j, c);
            cq_value_object_set(cm, "body", cq_value_text(buf));
            cq_value_array_append(comments, cm);
        }
        cq_value_object_set(p, "comments", comments);
        cq_value_array_append(posts, p);
    }
    cq_value_object_set(u, "posts", posts);
    return u;
}

static void w1(bench *b, char *checksum, size_t size)
{
    int n = b->o.n;
    long users = 0, profiles = 0, posts = 0, comments = 0, tags = 0, links = 0;
    int64_t idsum = 0;
    cq_instance **created = calloc((size_t)n, sizeof *created);
    if (!created)
        bench_die("out of memory");
    const cq_include include[] = {
        { .association = b->user_profile },
        { .association = b->user_posts,
          .include = (cq_include[]){ { .association = b->post_comments }, { 0 } } },
        { 0 },
    };
    /* 1. users with profile, posts and comments: one create per user, 100 per transaction */
    for (int start = 0; start < n; start += 100) {
        cq_txn *txn = NULL;
        CHECK(b, cq_db_transaction(&txn, b->db, NULL));
        for (int i = start; i < n && i < start + 100; i++) {
            cq_value *tree = user_tree(i);
            if (!tree)
                bench_die("out of memory");
            CHECK(b, cq_model_create(&created[i], b->user, tree,
                                     &(cq_write_opts){ .transaction = txn, .include = include }));
            cq_value_free(tree);
            users++;
            idsum += get_id(b, created[i]);
            cq_instance *pr = one(created[i], "profile");
            if (pr) {
                profiles++;
                idsum += get_id(b, pr);
            }
            const cq_rows *ps = many(created[i], "posts");
            for (size_t j = 0; ps && j < cq_rows_count(ps); j++) {
                cq_instance *p = cq_rows_at(ps, j);
                posts++;
                idsum += get_id(b, p);
                const cq_rows *cs = many(p, "comments");
                for (size_t c = 0; cs && c < cq_rows_count(cs); c++) {
                    comments++;
                    idsum += get_id(b, cq_rows_at(cs, c));
                }
            }
        }
        CHECK(b, cq_txn_commit(txn));
        cq_txn_free(txn);
    }
    /* 2. the 50 tags: one bulkCreate */
    cq_value *tag_values = cq_value_array();
    for (int t = 0; t < 50; t++) {
        char buf[32];
        bench_tag_name(buf, sizeof buf, t);
        cq_value *o = cq_value_object();
        cq_value_object_set(o, "name", cq_value_text(buf));
        cq_value_array_append(tag_values, o);
    }
    cq_rows *tag_rows = NULL;
    CHECK(b, cq_model_bulk_create(&tag_rows, b->tag, tag_values, NULL));
    cq_value_free(tag_values);
    cq_instance *tag_by_index[50] = { 0 };
    for (size_t t = 0; t < cq_rows_count(tag_rows); t++) {
        cq_instance *tg = cq_rows_at(tag_rows, t);
        int64_t id = get_id(b, tg);
        tags++;
        idsum += id;
        if (id >= 1 && id <= 50)
            tag_by_index[id - 1] = tg;
    }
    for (int t = 0; t < 50; t++)
        if (!tag_by_index[t])
            bench_die("cequel: tag %d was not created", t);
    /* 3. link each post to A(k), one transaction per 500 posts */
    long k = 0;
    cq_txn *txn = NULL;
    for (int i = 0; i < n; i++) {
        const cq_rows *ps = many(created[i], "posts");
        for (size_t j = 0; ps && j < cq_rows_count(ps); j++, k++) {
            if (k % 500 == 0)
                CHECK(b, cq_db_transaction(&txn, b->db, NULL));
            int a[3];
            bench_tags_a(a, k);
            cq_target targets[3] = { { .instance = tag_by_index[a[0]] },
                                     { .instance = tag_by_index[a[1]] },
                                     { .instance = tag_by_index[a[2]] } };
            CHECK(b, cq_assoc_add(cq_rows_at(ps, j), b->post_tags, targets, 3,
                                  &(cq_assoc_write_opts){ .transaction = txn }));
            links += 3;
            if (k % 500 == 499) {
                CHECK(b, cq_txn_commit(txn));
                cq_txn_free(txn);
                txn = NULL;
            }
        }
    }
    if (txn)
        CHECK(b, cq_txn_commit(txn));
    cq_txn_free(txn);
    for (int i = 0; i < n; i++)
        cq_instance_free(created[i]);
    free(created);
    cq_rows_free(tag_rows);
    snprintf(checksum, size, "%ld/%ld/%ld/%ld/%ld/%ld/%lld", users, profiles, posts, comments, tags,
             links, (long long)idsum);
}

/* ---- W2 / W2S ------------------------------------------------------------------------------ */

static void w2(bench *b, bool separate, char *checksum, size_t size)
{
    const cq_include include[] = {
        { .association = b->user_profile },
        { .association = b->user_posts,
          .separate = separate,
          .include =
              (cq_include[]){ { .association = b->post_comments, .separate = separate },
                              { .association = b->post_tags, .through_attributes_none = true },
                              { 0 } } },
        { 0 },
    };
    cq_rows *rows = NULL;
    /* Sequelize's shape in both: every include not separate is joined (W2S: the separate
     * posts' query joins their tags) */
    CHECK(b, cq_model_find_all(&rows, b->user,
                               &(cq_find_opts){ .include = include, .single_join = true }));
    long users = 0, profiles = 0, posts = 0, comments = 0, tags = 0, chars = 0, ndates = 0;
    for (size_t u = 0; u < cq_rows_count(rows); u++) {
        const cq_instance *user = cq_rows_at(rows, u);
        users++;
        chars += (long)(text_len(b, user, "username") + text_len(b, user, "email"));
        ndates += dates(b, user);
        const cq_instance *pr = one(user, "profile");
        if (pr) {
            profiles++;
            chars += (long)text_len(b, pr, "bio");
            ndates += dates(b, pr);
        }
        const cq_rows *ps = many(user, "posts");
        for (size_t j = 0; ps && j < cq_rows_count(ps); j++) {
            const cq_instance *p = cq_rows_at(ps, j);
            posts++;
            chars += (long)(text_len(b, p, "title") + text_len(b, p, "body"));
            ndates += dates(b, p);
            const cq_rows *cs = many(p, "comments");
            for (size_t c = 0; cs && c < cq_rows_count(cs); c++) {
                comments++;
                chars += (long)text_len(b, cq_rows_at(cs, c), "body");
                ndates += dates(b, cq_rows_at(cs, c));
            }
            const cq_rows *ts = many(p, "tags");
            for (size_t t = 0; ts && t < cq_rows_count(ts); t++) {
                tags++;
                chars += (long)text_len(b, cq_rows_at(ts, t), "name");
                ndates += dates(b, cq_rows_at(ts, t));
            }
        }
    }
    cq_rows_free(rows);
    snprintf(checksum, size, "%ld/%ld/%ld/%ld/%ld/%ld/%ld", users, profiles, posts, comments, tags,
             chars, ndates);
}

/* ---- W3 ------------------------------------------------------------------------------------ */

/* The W3 loop over the users with bench_w6_user_is_mine(id, t, T) (all of them when T = 1);
 * out: users, posts, comments, chars. */
static void w3_part(bench *b, int t, int T, long out[4])
{
    cq_rows *users = NULL;
    CHECK(b, cq_model_find_all(&users, b->user, NULL));
    long nusers = 0, posts = 0, comments = 0, chars = 0;
    for (size_t u = 0; u < cq_rows_count(users); u++) {
        cq_instance *user = cq_rows_at(users, u);
        if (T > 1 && !bench_w6_user_is_mine(get_id(b, user), t, T))
            continue;
        nusers++;
        chars += (long)(text_len(b, user, "username") + text_len(b, user, "email"));
        cq_rows *ps = NULL;
        CHECK(b, cq_assoc_get(&ps, user, b->user_posts, NULL));
        for (size_t j = 0; j < cq_rows_count(ps); j++) {
            cq_instance *p = cq_rows_at(ps, j);
            posts++;
            chars += (long)(text_len(b, p, "title") + text_len(b, p, "body"));
            int64_t count = 0;
            CHECK(b, cq_assoc_count(&count, p, b->post_comments, NULL));
            comments += (long)count;
        }
        cq_rows_free(ps);
    }
    cq_rows_free(users);
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

/* ---- W4 ------------------------------------------------------------------------------------ */

static int by_id(const void *x, const void *y)
{
    int64_t a = 0, c = 0;
    cq_instance_get_int(&a, *(cq_instance *const *)x, "id");
    cq_instance_get_int(&c, *(cq_instance *const *)y, "id");
    return (a > c) - (a < c);
}

static void w4(bench *b, char *checksum, size_t size)
{
    cq_rows *posts = NULL, *tags = NULL;
    CHECK(b, cq_model_find_all(&posts, b->post, NULL));
    CHECK(b, cq_model_find_all(&tags, b->tag, NULL));
    cq_instance *tag_by_index[50] = { 0 };
    for (size_t t = 0; t < cq_rows_count(tags); t++) {
        int64_t id = get_id(b, cq_rows_at(tags, t));
        if (id >= 1 && id <= 50)
            tag_by_index[id - 1] = cq_rows_at(tags, t);
    }
    for (int t = 0; t < 50; t++)
        if (!tag_by_index[t])
            bench_die("cequel: tag %d not found", t);
    size_t np = cq_rows_count(posts);
    cq_instance **order = malloc((np ? np : 1) * sizeof *order);
    if (!order)
        bench_die("out of memory");
    for (size_t i = 0; i < np; i++)
        order[i] = cq_rows_at(posts, i);
    qsort(order, np, sizeof *order, by_id);
    long nposts = 0, trues = 0;
    cq_txn *txn = NULL;
    for (size_t i = 0; i < np; i++) {
        if (i % 500 == 0)
            CHECK(b, cq_db_transaction(&txn, b->db, NULL));
        int t3[3];
        bench_tags_b(t3, (long)(get_id(b, order[i]) - 1));
        cq_target targets[3] = { { .instance = tag_by_index[t3[0]] },
                                 { .instance = tag_by_index[t3[1]] },
                                 { .instance = tag_by_index[t3[2]] } };
        CHECK(b, cq_assoc_set(order[i], b->post_tags, targets, 3,
                              &(cq_assoc_write_opts){ .transaction = txn }));
        bool has = false;
        CHECK(b, cq_assoc_has(&has, order[i], b->post_tags, targets, 3,
                              &(cq_find_opts){ .transaction = txn }));
        nposts++;
        trues += has;
        if (i % 500 == 499) {
            CHECK(b, cq_txn_commit(txn));
            cq_txn_free(txn);
            txn = NULL;
        }
    }
    if (txn)
        CHECK(b, cq_txn_commit(txn));
    cq_txn_free(txn);
    free(order);
    cq_rows_free(posts);
    cq_rows_free(tags);
    snprintf(checksum, size, "%ld/%ld", nposts, trues);
}

/* ---- W5 ------------------------------------------------------------------------------------ */

/* The W5 lookups of the draws with bench_w6_draw_is_mine(d, t, T) (all when T = 1). */
static void w5_part(bench *b, int t, int T, long *found_out, int64_t *idsum_out, long *chars_out)
{
    bench_rng rng;
    bench_rng_init(&rng);
    long found = 0, chars = 0;
    int64_t idsum = 0;
    for (int i = 0; i < 20000; i++) {
        int64_t id = bench_rng_id(&rng, b->o.n);
        if (!bench_w6_draw_is_mine(i, t, T))
            continue;
        cq_value *pk = cq_value_int(id);
        cq_instance *u = NULL;
        CHECK(b, cq_model_find_by_pk(&u, b->user, pk, NULL));
        cq_value_free(pk);
        if (!u)
            continue;
        found++;
        idsum += get_id(b, u);
        chars += (long)(text_len(b, u, "username") + text_len(b, u, "email"));
        cq_instance_free(u);
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

/* ---- W6 ------------------------------------------------------------------------------------ */

/* One worker on the shared handle (the bench copy shares db and models; only counters are
 * the worker's). */
typedef struct w6_worker {
    bench *b;
    int t, T;
    pthread_barrier_t *ready;
    long w3[4], found, chars;
    int64_t idsum;
    uint64_t start, end;
} w6_worker;

static void *w6_run(void *arg)
{
    w6_worker *w = arg;
    if (w->b->o.postgres) {
        /* The worker's first call, before the clock: a transaction that holds a connection
         * until every worker holds one, so that each worker's connection is opened by the
         * worker itself (as raw-c's workers open theirs) and comes back to it from the pool
         * afterwards. Opened from another thread instead, the server processes are placed by
         * the kernel apart from the threads they answer (raw-c measured that way is as slow
         * as cequel: see bench/RESULTS.md, 2026-12-06 ninth session). */
        cq_txn *txn = NULL;
        CHECK(w->b, cq_db_transaction(&txn, w->b->db, NULL));
        pthread_barrier_wait(w->ready);
        CHECK(w->b, cq_txn_commit(txn));
        cq_txn_free(txn);
    }
    pthread_barrier_wait(w->ready);
    w->start = bench_mono_ns();
    w3_part(w->b, w->t, w->T, w->w3);
    w5_part(w->b, w->t, w->T, &w->found, &w->idsum, &w->chars);
    w->end = bench_mono_ns();
    return NULL;
}

/* W3 and W5 over T threads sharing one cq_db whose pool holds T connections, opened before
 * the clock: on PostgreSQL by the workers' first calls (pool min 0), on SQLite by cq_db_open
 * (pool min = max = T); returns the time from the first worker's start to the last one's
 * end. */
static uint64_t w6(bench *main_b, char *checksum, size_t size)
{
    int T = main_b->o.threads;
    bench shared = { .o = main_b->o };
    char url[4096];
    bench_url(&shared, url, sizeof url);
    cq_error err = { 0 };
    cq_open_opts oo = { .log = { .fn = shared.o.log ? log_sql : NULL },
                        .pool = { .max = (unsigned)T,
                                  .min = shared.o.postgres ? 0 : (unsigned)T } };
    if (cq_db_open(&shared.db, url, &oo, &err) != CQ_OK)
        bench_die("cequel: cannot open %s: %s", url, err.message);
    define_models(&shared);
    CHECK(&shared, cq_db_freeze(shared.db));
    w6_worker *w = calloc((size_t)T, sizeof *w);
    pthread_t *th = calloc((size_t)T, sizeof *th);
    pthread_barrier_t ready;
    if (!w || !th || pthread_barrier_init(&ready, NULL, (unsigned)T) != 0)
        bench_die("cequel: W6 set-up failed");
    for (int t = 0; t < T; t++) {
        w[t] = (w6_worker){ .b = &shared, .t = t, .T = T, .ready = &ready };
        if (pthread_create(&th[t], NULL, w6_run, &w[t]) != 0)
            bench_die("cequel: cannot start a thread");
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
    cq_db_close(shared.db);
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
    int tables = setup(&b);
    snprintf(checksum, sizeof checksum, "%d", tables);
    bench_emit(&b.o, IMPL, "setup", bench_mono_ns() - t0, checksum);

    t0 = bench_begin();
    w1(&b, checksum, sizeof checksum);
    bench_emit(&b.o, IMPL, "W1", bench_mono_ns() - t0, checksum);

    if (b.o.postgres) /* untimed, so plans do not depend on autovacuum */
        CHECK(&b, cq_db_query(NULL, b.db, "ANALYZE", NULL, NULL));

    if (b.o.run[BENCH_W2]) {
        t0 = bench_begin();
        w2(&b, false, checksum, sizeof checksum);
        bench_emit(&b.o, IMPL, "W2", bench_mono_ns() - t0, checksum);
    }
    if (b.o.run[BENCH_W2S]) {
        t0 = bench_begin();
        w2(&b, true, checksum, sizeof checksum);
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
    cq_db_close(b.db);
    bench_report_rss(IMPL);
    return 0;
}
