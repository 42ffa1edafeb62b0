/* Failover on PostgreSQL: a primary and a replica of the test's own (scripts/pg-pair), a
 * workload of single-row writes outside transactions on several threads, then the primary is
 * stopped and the replica promoted. The db names both servers (libpq's multi-host URL with
 * target_session_attrs=read-write): the pool finds the new primary by itself.
 *
 * Checked: every call that failed failed with CQ_ECONNECT; every row a call was told was
 * written (CQ_OK) is on the new primary at the end; writes succeed again after the promotion.
 * The primary is stopped before the replica is promoted (never two primaries at once), and
 * its commits wait for the replica (synchronous replication), as a failover that loses no
 * acknowledged write needs. Skipped when PostgreSQL is not installed (an error under CI).
 *
 * Worker threads never call cmocka's assertions: they record, the main thread asserts. */
#define _POSIX_C_SOURCE 200809L
#include "cq_test.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define THREADS  4
#define MAX_ROWS 20000
#define PAIR     CQ_SOURCE_DIR "/scripts/pg-pair"

static char pair_dir[512];
static long primary_port, replica_port;

static int pair(const char *verb)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s %s %s", PAIR, verb, pair_dir);
    return system(cmd);
}

typedef struct worker {
    cq_model *model;
    int id;
    atomic_bool *stop;
    _Atomic uint64_t *promoted_at; /* 0 until the replica is promoted */
    /* results */
    int64_t ok[MAX_ROWS]; /* the values a call was told were written */
    size_t n_ok, n_failed, n_ok_after;
    int bad_code; /* a failure other than CQ_ECONNECT, or 0 */
    char bad_message[512];
} worker;

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static void *work(void *arg)
{
    worker *w = arg;
    for (int64_t k = 0; !atomic_load(w->stop) && w->n_ok < MAX_ROWS; k++) {
        int64_t tag = (int64_t)w->id * 1000000 + k;
        cq_value *vals = cq_value_object();
        cq_value_object_set(vals, "tag", cq_value_int(tag));
        cq_instance *made = NULL;
        int rc = cq_model_create(&made, w->model, vals, NULL);
        cq_value_free(vals);
        cq_instance_free(made);
        if (rc == CQ_OK) {
            w->ok[w->n_ok++] = tag;
            uint64_t p = atomic_load(w->promoted_at);
            if (p && cq_test_now_ms() > p)
                w->n_ok_after++;
        } else {
            w->n_failed++;
            if (rc != CQ_ECONNECT && !w->bad_code) {
                w->bad_code = rc;
                snprintf(w->bad_message, sizeof w->bad_message, "%s",
                         cq_db_error(cq_model_db(w->model))->message);
            }
            cq_test_sleep_ms(10); /* no server to write to yet: do not spin */
        }
    }
    return NULL;
}

static void test_failover__promote_under_writes(void **state)
{
    (void)state;
    char url[512];
    snprintf(url, sizeof url,
             "postgres://postgres@127.0.0.1:%ld,127.0.0.1:%ld/postgres"
             "?target_session_attrs=read-write&connect_timeout=5&pool_max=%d",
             primary_port, replica_port, THREADS);
    cq_db *db = NULL;
    cq_error err = { 0 };
    if (cq_db_open(&db, url, NULL, &err) != CQ_OK)
        fail_msg("cq_db_open(%s): %s", url, err.message);
    const cq_attr attrs[] = { { .name = "tag", .type = CQ_BIGINT }, { 0 } };
    cq_model *m = NULL;
    CQ_ASSERT_OK(db, cq_db_define(&m, db, "write", attrs,
                                  &(cq_model_opts){ .table_name = "cq_failover_writes" }));
    CQ_ASSERT_OK(db, cq_model_sync(m, &(cq_sync_opts){ .force = true }));

    atomic_bool stop = false;
    _Atomic uint64_t promoted_at = 0;
    worker *ws = calloc(THREADS, sizeof *ws);
    assert_non_null(ws);
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++) {
        ws[i] = (worker){ .model = m, .id = i + 1, .stop = &stop, .promoted_at = &promoted_at };
        assert_int_equal(pthread_create(&th[i], NULL, work, &ws[i]), 0);
    }
    cq_test_sleep_ms(700);
    int stopped = pair("stop-primary");
    int promoted = stopped == 0 ? pair("promote") : -1;
    atomic_store(&promoted_at, cq_test_now_ms());
    cq_test_sleep_ms(1500);
    atomic_store(&stop, true);
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    assert_int_equal(stopped, 0);
    assert_int_equal(promoted, 0);

    size_t n_ok = 0, n_failed = 0, n_after = 0;
    for (int i = 0; i < THREADS; i++) {
        if (ws[i].bad_code)
            fail_msg("a write failed with %s, not CQ_ECONNECT: %s", cq_error_name(ws[i].bad_code),
                     ws[i].bad_message);
        n_ok += ws[i].n_ok;
        n_failed += ws[i].n_failed;
        n_after += ws[i].n_ok_after;
    }
    printf("failover: %zu writes acknowledged (%zu after the promotion), %zu failed with "
           "CQ_ECONNECT\n",
           n_ok, n_after, n_failed);
    assert_true(n_ok > 0);
    assert_true(n_after > 0); /* the pool found the new primary */

    /* every acknowledged row is on the new primary */
    char direct[256];
    snprintf(direct, sizeof direct, "postgres://postgres@127.0.0.1:%ld/postgres", replica_port);
    cq_db *check = NULL;
    if (cq_db_open(&check, direct, NULL, &err) != CQ_OK)
        fail_msg("cq_db_open(%s): %s", direct, err.message);
    cq_value *rows = NULL;
    CQ_ASSERT_OK(check,
                 cq_db_query(&rows, check, "SELECT tag FROM cq_failover_writes", NULL, NULL));
    size_t n_rows = cq_value_size(rows);
    int64_t *present = malloc((n_rows ? n_rows : 1) * sizeof *present);
    assert_non_null(present);
    for (size_t r = 0; r < n_rows; r++)
        present[r] = cq_value_as_int(cq_value_object_get(cq_value_array_get(rows, r), "tag"));
    cq_value_free(rows);
    qsort(present, n_rows, sizeof *present, cmp_i64);
    size_t missing = 0;
    for (int i = 0; i < THREADS; i++)
        for (size_t k = 0; k < ws[i].n_ok; k++)
            missing += !bsearch(&ws[i].ok[k], present, n_rows, sizeof *present, cmp_i64);
    free(present);
    printf("failover: %zu rows on the new primary, %zu acknowledged rows missing\n", n_rows,
           missing);
    assert_int_equal(missing, 0);
    assert_true(n_rows >= n_ok);
    cq_db_close(check);
    cq_db_close(db);
    free(ws);
}

int main(void)
{
    /* the servers' user must reach it (and their socket path stay short): /tmp */
    snprintf(pair_dir, sizeof pair_dir, "/tmp/cq-failover-%ld", (long)getpid());
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s start %s", PAIR, pair_dir);
    FILE *p = popen(cmd, "r");
    int n = p ? fscanf(p, "%ld %ld", &primary_port, &replica_port) : 0;
    int st = p ? pclose(p) : -1;
    if (n != 2 || st != 0) {
        pair("destroy");
        const char *ci = getenv("CI");
        bool in_ci = ci && *ci && strcmp(ci, "false") != 0;
        bool missing = st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 77;
        fprintf(stderr, "%s: %s\n", PAIR, missing ? "PostgreSQL is not installed" : "failed");
        return missing && !in_ci ? 77 : 1;
    }
    const struct CMUnitTest tests[] = { cmocka_unit_test(test_failover__promote_under_writes) };
    int rc = cmocka_run_group_tests_name("failover_postgres", tests, NULL, NULL);
    pair("destroy");
    return rc;
}
