/* Read replication on real servers (scripts/test-servers starts the replicas): which server
 * each statement reached, round-robin, use_master, transactions, lag, a replica going down.
 * Included by test_replication_postgres.c and test_replication_mysql.c, which provide the
 * dialect's pieces below.
 *
 * How a test sees where a read ran: the model `whoami` reads a view whose one row is the port
 * of the server that evaluates it (PostgreSQL: inet_server_port(); MariaDB: a function
 * returning @@port, since a view may not name a system variable). The view is created on the
 * write server and replicated, so each server answers with its own port. */
#ifndef REPLICATION_CASES_H
#define REPLICATION_CASES_H

#define _POSIX_C_SOURCE 200809L
#include "cq_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Provided by the including file. */
static const char *writer_url_env(void);   /* env var of the write server's URL */
static const char *replicas_env(void);     /* env var: replica URLs, comma-separated */
static const char *ctls_env(void);         /* env var: stop/start scripts, comma-separated */
static const char *port_sql(void);         /* SELECT <the server's port> AS port */
static const char *const *view_sql(void);  /* statements creating the view cq_whoami */
static void pause_replay(cq_db *replica);  /* the replica stops applying changes */
static void resume_replay(cq_db *replica); /* and starts again */
/* Returns once `replica` has applied everything the write server (`primary`) has written. */
static void catch_up(cq_db *primary, cq_db *replica);

#define MAX_REPLICAS 4

static struct {
    char *writer;
    char *replicas[MAX_REPLICAS + 1]; /* NULL-terminated */
    char *ctls[MAX_REPLICAS];
    size_t n;
    long writer_port, replica_port[MAX_REPLICAS];
} env;

/* The first column of the first row `sql` answers on `db` (`params` bound; NULL: none), as a
 * one-element parameter array for the next query (caller frees). */
static cq_value *answer(cq_db *db, const char *sql, const cq_value *params)
{
    cq_value *rows = NULL;
    CQ_ASSERT_OK(db, cq_db_query(&rows, db, sql, params, NULL));
    cq_value *out = cq_value_array();
    assert_int_equal(cq_value_array_append(
                         out, cq_value_copy(cq_value_object_value(cq_value_array_get(rows, 0), 0))),
                     CQ_OK);
    cq_value_free(rows);
    return out;
}

static size_t split(char **out, size_t max, const char *list)
{
    size_t n = 0;
    for (const char *p = list; p && *p && n < max;) {
        size_t k = strcspn(p, ",");
        out[n] = malloc(k + 1);
        memcpy(out[n], p, k);
        out[n++][k] = '\0';
        p += k;
        if (*p == ',')
            p++;
    }
    return n;
}

static cq_db *open_direct(const char *url)
{
    cq_db *db = NULL;
    cq_error err = { 0 };
    if (cq_db_open(&db, url, NULL, &err) != CQ_OK)
        fail_msg("cq_db_open(%s): %s", url, err.message);
    return db;
}

/* The port of the server at `url` as it reports it itself (raw query, no replicas). */
static long server_port(const char *url)
{
    cq_db *db = open_direct(url);
    cq_value *rows = NULL;
    CQ_ASSERT_OK(db, cq_db_query(&rows, db, port_sql(), NULL, NULL));
    long port = (long)cq_value_as_int(cq_value_object_get(cq_value_array_get(rows, 0), "port"));
    cq_value_free(rows);
    cq_db_close(db);
    return port;
}

static void free_env(void)
{
    free(env.writer);
    for (size_t i = 0; i < MAX_REPLICAS; i++) {
        free(env.replicas[i]);
        free(env.ctls[i]);
    }
    memset(&env, 0, sizeof env);
}

/* 0, or 77 (skip) when the servers are not there; under CI a missing replica fails. */
static int load_env(void)
{
    const char *w = getenv(writer_url_env()), *r = getenv(replicas_env());
    const char *c = getenv(ctls_env());
    if (!w || !*w || !r || !*r || !c || !*c) {
        const char *ci = getenv("CI");
        bool in_ci = ci && *ci && strcmp(ci, "false") != 0 && !getenv("CQ_TEST_NO_REPLICAS");
        fprintf(stderr, "%s/%s not set (scripts/test-servers starts replicas): %s\n",
                writer_url_env(), replicas_env(), in_ci ? "failing under CI" : "skipped");
        return in_ci ? 1 : 77;
    }
    env.writer = strdup(w);
    env.n = split(env.replicas, MAX_REPLICAS, r);
    split(env.ctls, MAX_REPLICAS, c);
    return 0;
}

static void ctl(size_t i, const char *verb)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s %s", env.ctls[i], verb);
    assert_int_equal(system(cmd), 0);
}

static cq_model *whoami, *item;
static cq_assoc *children; /* item.hasMany(item, {as: 'children', foreignKey: 'parentId'}) */

/* The write server with every replica as a read server; models defined, tables made, the
 * view replicated everywhere. */
static cq_db *open_replicated(void)
{
    cq_db *db = NULL;
    cq_error err = { 0 };
    if (cq_db_open(&db, env.writer,
                   &(cq_open_opts){ .read_urls = (const char *const *)env.replicas },
                   &err) != CQ_OK)
        fail_msg("cq_db_open with read servers: %s", err.message);
    const cq_attr who_attrs[] = { { .name = "port", .type = CQ_INTEGER, .primary_key = true },
                                  { 0 } };
    CQ_ASSERT_OK(db,
                 cq_db_define(&whoami, db, "whoami", who_attrs,
                              &(cq_model_opts){ .table_name = "cq_whoami", .timestamps = CQ_OFF }));
    const cq_attr item_attrs[] = { { .name = "name", .type = CQ_STRING }, { 0 } };
    CQ_ASSERT_OK(db, cq_db_define(&item, db, "item", item_attrs,
                                  &(cq_model_opts){ .table_name = "cq_repl_items" }));
    CQ_ASSERT_OK(
        db, cq_model_has_many(&children, item, item,
                              &(cq_assoc_opts){ .as = "children", .foreign_key = "parentId" }));
    CQ_ASSERT_OK(db, cq_model_sync(item, &(cq_sync_opts){ .force = true }));
    for (const char *const *q = view_sql(); *q; q++)
        CQ_ASSERT_OK(db, cq_db_query(NULL, db, *q, NULL, NULL));
    /* until every replica has applied the sync (a replica still holding the table the sync
     * dropped would pass a mere look at the table, and a test pausing its replay between the
     * DROP and the CREATE would find none) */
    cq_db *primary = open_direct(env.writer);
    for (size_t i = 0; i < env.n; i++) {
        cq_db *r = open_direct(env.replicas[i]);
        catch_up(primary, r);
        CQ_ASSERT_OK(r, cq_db_query(NULL, r, "SELECT port FROM cq_whoami", NULL, NULL));
        CQ_ASSERT_OK(r, cq_db_query(NULL, r, "SELECT name FROM cq_repl_items", NULL, NULL));
        cq_db_close(r);
    }
    cq_db_close(primary);
    return db;
}

/* The port of the server a find on whoami reached. */
static long find_port(cq_db *db, const cq_find_opts *opts)
{
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(db, cq_model_find_all(&rows, whoami, opts));
    assert_int_equal(cq_rows_count(rows), 1);
    long port = (long)cq_value_as_int(cq_instance_get(cq_rows_at(rows, 0), "port"));
    cq_rows_free(rows);
    return port;
}

/* {key: value} */
static cq_value *obj(const char *key, cq_value *value)
{
    cq_value *o = cq_value_object();
    assert_non_null(o);
    assert_int_equal(cq_value_object_set(o, key, value), CQ_OK);
    return o;
}

static long replica_index(long port)
{
    for (size_t i = 0; i < env.n; i++)
        if (env.replica_port[i] == port)
            return (long)i;
    return -1;
}

static int setup_group(void **state)
{
    (void)state;
    env.writer_port = server_port(env.writer);
    for (size_t i = 0; i < env.n; i++) {
        env.replica_port[i] = server_port(env.replicas[i]);
        if (env.replica_port[i] == env.writer_port)
            return -1;
    }
    return 0;
}

/* Reads go round-robin over the read servers, one server per call; use_master, transactions,
 * writes, raw queries and reload go to the write server. */
static void test_replication__routing(void **state)
{
    (void)state;
    cq_db *db = open_replicated();
    long seen[MAX_REPLICAS] = { 0 };
    long prev = -1;
    for (size_t k = 0; k < 4 * env.n; k++) {
        long port = find_port(db, NULL);
        long i = replica_index(port);
        if (i < 0)
            fail_msg("a read reached port %ld, which is no read server", port);
        seen[i]++;
        if (env.n > 1)
            assert_true(i != prev); /* in turn */
        prev = i;
    }
    for (size_t i = 0; i < env.n; i++)
        assert_int_equal(seen[i], 4); /* evenly */

    /* use_master: the write server */
    assert_int_equal(find_port(db, &(cq_find_opts){ .use_master = true }), env.writer_port);

    /* count: a where on the port counts 1 only on the server with that port */
    int64_t n = -1;
    cq_value *wp = obj("port", cq_value_int(env.writer_port));
    CQ_ASSERT_OK(db, cq_model_count(&n, whoami, &(cq_find_opts){ .where = wp }));
    assert_int_equal(n, 0);
    CQ_ASSERT_OK(db,
                 cq_model_count(&n, whoami, &(cq_find_opts){ .where = wp, .use_master = true }));
    assert_int_equal(n, 1);

    /* aggregate: max(port) is the port of the server that computed it */
    cq_value *v = NULL;
    CQ_ASSERT_OK(db, cq_model_max(&v, whoami, "port", NULL));
    assert_true(replica_index((long)cq_value_as_int(v)) >= 0);
    cq_value_free(v);
    CQ_ASSERT_OK(db, cq_model_max(&v, whoami, "port", &(cq_aggregate_opts){ .use_master = true }));
    assert_int_equal(cq_value_as_int(v), env.writer_port);
    cq_value_free(v);

    /* find_and_count_all: the count and the rows on one server (a read server) */
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(db,
                 cq_model_find_and_count_all(&rows, &n, whoami, &(cq_find_opts){ .where = wp }));
    assert_int_equal(n, 0);
    assert_int_equal(cq_rows_count(rows), 0);
    cq_rows_free(rows);
    cq_value_free(wp);

    /* everything in a transaction: the write server, whether or not the call names it */
    cq_txn *t = NULL;
    CQ_ASSERT_OK(db, cq_db_transaction(&t, db, NULL));
    assert_int_equal(find_port(db, &(cq_find_opts){ .transaction = t }), env.writer_port);
    assert_int_equal(find_port(db, NULL), env.writer_port);
    CQ_ASSERT_OK(db, cq_txn_commit(t));
    cq_txn_free(t);

    /* raw queries: the write server */
    cq_value *raw = NULL;
    CQ_ASSERT_OK(db, cq_db_query(&raw, db, port_sql(), NULL, NULL));
    assert_int_equal(cq_value_as_int(cq_value_object_get(cq_value_array_get(raw, 0), "port")),
                     env.writer_port);
    cq_value_free(raw);

    /* findByPk reads a read server too (its one-statement path included): the write server's
     * own row is not found there, and is with use_master */
    cq_instance *mine = NULL;
    cq_value *wport = cq_value_int(env.writer_port);
    CQ_ASSERT_OK(db, cq_model_find_by_pk(&mine, whoami, wport, NULL));
    assert_null(mine);
    CQ_ASSERT_OK(db,
                 cq_model_find_by_pk(&mine, whoami, wport, &(cq_find_opts){ .use_master = true }));
    assert_non_null(mine);
    cq_instance_free(mine);
    cq_value_free(wport);

    /* reload reads the write server: the row a read server returned (its own port) does not
     * exist there */
    cq_instance *inst = NULL;
    CQ_ASSERT_OK(db, cq_model_find_one(&inst, whoami, NULL));
    assert_non_null(inst);
    assert_true(replica_index((long)cq_value_as_int(cq_instance_get(inst, "port"))) >= 0);
    CQ_ASSERT_ERR(db, CQ_ENOTFOUND, cq_instance_reload(inst, NULL));
    cq_instance_free(inst);

    /* writes: the write server (a read server would refuse them) */
    cq_instance *made = NULL;
    cq_value *vals = obj("name", cq_value_text("written"));
    CQ_ASSERT_OK(db, cq_model_create(&made, item, vals, NULL));
    cq_value_free(vals);
    cq_instance_free(made);
    cq_db_close(db);
}

/* Lag: a read server that has not applied a write yet does not see it; use_master does. The
 * replicas are held still (replay paused) so that this is certain, not a race. */
static void test_replication__lag(void **state)
{
    (void)state;
    cq_db *db = open_replicated();
    cq_db *direct[MAX_REPLICAS];
    for (size_t i = 0; i < env.n; i++) {
        direct[i] = open_direct(env.replicas[i]);
        pause_replay(direct[i]);
    }
    cq_instance *made = NULL, *child = NULL;
    cq_value *w = obj("name", cq_value_text("fresh"));
    CQ_ASSERT_OK(db, cq_model_create(&made, item, w, NULL));
    cq_value *cv = obj("name", cq_value_text("fresh child"));
    CQ_ASSERT_OK(db,
                 cq_value_object_set(cv, "parentId", cq_value_copy(cq_instance_get(made, "id"))));
    CQ_ASSERT_OK(db, cq_model_create(&child, item, cv, NULL));
    cq_value_free(cv);
    cq_instance_free(child);
    /* getX and countX without options (statements rendered once) read a read server too: the
     * child is not there yet; with use_master it is */
    for (size_t k = 0; k < env.n; k++) {
        cq_rows *kids = NULL;
        int64_t nkids = -1;
        CQ_ASSERT_OK(db, cq_assoc_get(&kids, made, children, NULL));
        assert_int_equal(cq_rows_count(kids), 0);
        cq_rows_free(kids);
        CQ_ASSERT_OK(db, cq_assoc_count(&nkids, made, children, NULL));
        assert_int_equal(nkids, 0);
    }
    cq_rows *kids = NULL;
    CQ_ASSERT_OK(db, cq_assoc_get(&kids, made, children, &(cq_find_opts){ .use_master = true }));
    assert_int_equal(cq_rows_count(kids), 1);
    assert_string_equal(cq_value_as_text(cq_instance_get(cq_rows_at(kids, 0), "name")),
                        "fresh child");
    cq_rows_free(kids);
    cq_instance_free(made);
    for (size_t k = 0; k < env.n; k++) { /* every read server, in turn */
        cq_instance *got = NULL;
        CQ_ASSERT_OK(db, cq_model_find_one(&got, item, &(cq_find_opts){ .where = w }));
        assert_null(got);
    }
    cq_instance *got = NULL;
    CQ_ASSERT_OK(db,
                 cq_model_find_one(&got, item, &(cq_find_opts){ .where = w, .use_master = true }));
    assert_non_null(got);
    cq_instance_free(got);
    for (size_t i = 0; i < env.n; i++) {
        resume_replay(direct[i]);
        cq_db_close(direct[i]);
    }
    /* once applied, every read server sees it */
    size_t seen = 0;
    for (int k = 0; k < 400 && seen < env.n; k++) {
        got = NULL;
        CQ_ASSERT_OK(db, cq_model_find_one(&got, item, &(cq_find_opts){ .where = w }));
        seen = got ? seen + 1 : 0;
        cq_instance_free(got);
        if (!got)
            cq_test_sleep_ms(25);
    }
    assert_int_equal(seen, env.n);
    cq_value_free(w);
    cq_db_close(db);
}

/* A read server going down: reads move to the others (or the write server) without failing;
 * it is left alone 5 s, then used again once it is back. */
static void test_replication__replica_down(void **state)
{
    (void)state;
    cq_db *db = open_replicated();
    size_t down = env.n - 1;
    for (size_t k = 0; k < 2 * env.n; k++) /* every read server has a pooled connection */
        find_port(db, NULL);
    ctl(down, "stop");
    for (size_t k = 0; k < 4 * env.n; k++) {
        long port = find_port(db, NULL); /* never fails */
        if (env.n > 1)
            assert_true(replica_index(port) >= 0 && (size_t)replica_index(port) != down);
        else
            assert_int_equal(port, env.writer_port);
    }
    /* aggregate and count survive too */
    cq_value *v = NULL;
    CQ_ASSERT_OK(db, cq_model_max(&v, whoami, "port", NULL));
    assert_true(cq_value_as_int(v) != env.replica_port[down]);
    cq_value_free(v);
    ctl(down, "start");
    cq_test_sleep_ms(5200); /* past the 5 s it is left alone */
    bool back = false;
    for (int k = 0; k < 100 && !back; k++) {
        back = find_port(db, NULL) == env.replica_port[down];
        if (!back)
            cq_test_sleep_ms(50);
    }
    assert_true(back);
    cq_db_close(db);
}

/* read_hosts: read servers named by host:port in the write server's URL. */
static void test_replication__read_hosts_param(void **state)
{
    (void)state;
    char url[2048];
    int k = snprintf(url, sizeof url, "%s%sread_hosts=", env.writer,
                     strchr(env.writer, '?') ? "&" : "?");
    for (size_t i = 0; i < env.n; i++)
        k += snprintf(url + k, sizeof url - (size_t)k, "%s127.0.0.1:%ld", i ? "," : "",
                      env.replica_port[i]);
    cq_db *db = NULL;
    cq_error err = { 0 };
    if (cq_db_open(&db, url, NULL, &err) != CQ_OK)
        fail_msg("cq_db_open(%s): %s", url, err.message);
    const cq_attr who_attrs[] = { { .name = "port", .type = CQ_INTEGER, .primary_key = true },
                                  { 0 } };
    CQ_ASSERT_OK(db,
                 cq_db_define(&whoami, db, "whoami", who_attrs,
                              &(cq_model_opts){ .table_name = "cq_whoami", .timestamps = CQ_OFF }));
    for (size_t i = 0; i < 2 * env.n; i++)
        assert_true(replica_index(find_port(db, NULL)) >= 0);
    assert_int_equal(find_port(db, &(cq_find_opts){ .use_master = true }), env.writer_port);
    cq_db_close(db);
    /* a read URL of another dialect is refused */
    CQ_ASSERT_ERR(
        NULL, CQ_EINVALID,
        cq_db_open(&db, env.writer,
                   &(cq_open_opts){ .read_urls = (const char *[]){ "sqlite::memory:", NULL } },
                   &err));
    assert_null(db);
}

#define REPLICATION_CASES                                                                          \
    cmocka_unit_test(test_replication__routing), cmocka_unit_test(test_replication__lag),          \
        cmocka_unit_test(test_replication__replica_down),                                          \
        cmocka_unit_test(test_replication__read_hosts_param)

/* Runs the cases plus `extra` (one more case of the dialect's own; may be NULL). */
static int run_replication_cases(const char *name, CMUnitTestFunction extra, const char *extra_name)
{
    int rc = load_env();
    if (rc != 0)
        return rc;
    struct CMUnitTest tests[] = { REPLICATION_CASES, cmocka_unit_test(NULL) };
    size_t n = sizeof tests / sizeof *tests;
    tests[n - 1].name = extra_name;
    tests[n - 1].test_func = extra;
    rc = _cmocka_run_group_tests(name, tests, extra ? n : n - 1, setup_group, NULL);
    free_env();
    return rc;
}

/* A write-host list (`url`: a host where nothing listens, then a read server or two, then the
 * write server) reaches the write server. */
static void check_write_host_list(const char *url)
{
    assert_int_equal(server_port(url), env.writer_port);
}

#endif
