#define _POSIX_C_SOURCE 200809L
#include "cq_server.h"
#include "cq_fixture.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- the run ------------------------------------------------------------------------------- */

/* What differs between the two servers for the run and the fixture. */
typedef struct server_kind {
    cq_dialect dialect;
    const char *env;         /* the variable holding the server's URL */
    const char *driver;      /* for messages */
    const char *option;      /* the CMake option that builds the driver */
    bool required_under_ci;  /* a missing URL fails under CI instead of skipping */
    bool per_test_database;  /* each test gets a new database (else: an empty schema) */
    const char *quote;       /* around the database name */
    const char *charset;     /* the CREATE DATABASE clause choosing it, or "" */
    const char *catalog_sql; /* a statement containing this reads the constraint catalogue */
} server_kind;

static const server_kind kinds[] = {
    { CQ_DIALECT_POSTGRES, "CQ_TEST_POSTGRES_URL", "PostgreSQL", "CQ_WITH_POSTGRES", true, false,
      "", "", "pg_constraint" },
    { CQ_DIALECT_MYSQL, "CQ_TEST_MYSQL_URL", "MySQL", "CQ_WITH_MYSQL", true, true, "`",
      " CHARACTER SET utf8mb4", "information_schema.KEY_COLUMN_USAGE" },
};

static struct {
    const server_kind *kind;
    const char *prog;
    const char *base_url;  /* from the environment */
    const char *admin_url; /* where databases are created and dropped: base_url, or for
                              PostgreSQL CQ_TEST_POSTGRES_ADMIN_URL when set (a direct
                              connection when base_url goes through a pooler) */
    char dbname[64];
    char *url; /* the URL of the run's own database */
} run;

/* `url` with its database name replaced by `dbname` (query string kept); free with free(). */
static char *with_database(const char *url, const char *dbname)
{
    const char *hier = strstr(url, "://");
    const char *path = hier ? strchr(hier + 3, '/') : NULL;
    const char *query = strchr(hier ? hier + 3 : url, '?');
    size_t head = path && (!query || path < query) ? (size_t)(path - url)
                  : query                          ? (size_t)(query - url)
                                                   : strlen(url);
    size_t n = head + strlen(dbname) + (query ? strlen(query) : 0) + 2;
    char *out = malloc(n);
    if (out)
        snprintf(out, n, "%.*s/%s%s", (int)head, url, dbname, query ? query : "");
    return out;
}

/* Runs `sql` on a connection of its own to `url`; returns the status. */
static int admin_exec(const char *url, const char *sql)
{
    cq_db *db = NULL;
    cq_error err = { 0 };
    int rc = cq_db_open(&db, url, NULL, &err);
    if (rc != CQ_OK) {
        fprintf(stderr, "%s: cannot connect to %s: %s\n", run.prog, url, err.message);
        return rc;
    }
    rc = cq_db_query(NULL, db, sql, NULL, NULL);
    if (rc != CQ_OK)
        fprintf(stderr, "%s: %s: %s\n", run.prog, sql, cq_db_error(db)->message);
    cq_db_close(db);
    return rc;
}

static int drop_database(void)
{
    char sql[160];
    const char *q = run.kind->quote;
    /* a pooler (PgBouncer) keeps server connections to the database open after the tests
     * closed theirs: PostgreSQL (13 and later) ends them with FORCE */
    const char *pooler = getenv("CQ_TEST_PGBOUNCER_URL");
    bool force = run.kind->dialect == CQ_DIALECT_POSTGRES && pooler && *pooler;
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s%s%s%s", q, run.dbname, q,
             force ? " WITH (FORCE)" : "");
    return admin_exec(run.admin_url, sql);
}

static int create_database(void)
{
    char sql[160];
    const char *q = run.kind->quote;
    snprintf(sql, sizeof sql, "CREATE DATABASE %s%s%s%s", q, run.dbname, q, run.kind->charset);
    return admin_exec(run.admin_url, sql);
}

int srv_begin(cq_dialect dialect, const char *prog, const char *db_prefix)
{
    run.prog = prog;
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (kinds[i].dialect == dialect)
            run.kind = &kinds[i];
    if (!run.kind)
        return 1;
    /* CQ_TEST_ONLY_DIALECT (tests/support/through-pgbouncer): the other server is left out */
    const char *only = getenv("CQ_TEST_ONLY_DIALECT");
    if (only && *only &&
        strcmp(only, run.kind->dialect == CQ_DIALECT_POSTGRES ? "postgres" : "mysql") != 0) {
        printf("%s: CQ_TEST_ONLY_DIALECT=%s; %s left out\n", prog, only, run.kind->driver);
        return 77;
    }
    run.base_url = getenv(run.kind->env);
    if (!run.base_url || !*run.base_url) {
        const char *ci = getenv("CI");
        if (run.kind->required_under_ci && ci && *ci && strcmp(ci, "false") != 0) {
            printf("%s: %s is not set under CI (run through scripts/test-servers)\n", prog,
                   run.kind->env);
            return 1;
        }
        printf("%s: %s is not set; skipping (run through scripts/test-servers)\n", prog,
               run.kind->env);
        return 77;
    }
    run.admin_url = run.base_url;
    const char *admin = getenv("CQ_TEST_POSTGRES_ADMIN_URL");
    if (run.kind->dialect == CQ_DIALECT_POSTGRES && admin && *admin)
        run.admin_url = admin;
    snprintf(run.dbname, sizeof run.dbname, "%s_%ld", db_prefix, (long)getpid());
    run.url = with_database(run.base_url, run.dbname);
    if (!run.url)
        return 1;
    if (drop_database() == CQ_ENOTSUPPORTED) {
        printf("%s: this build has no %s driver (%s=OFF); skipping\n", prog, run.kind->driver,
               run.kind->option);
        free(run.url);
        run.url = NULL;
        return 77;
    }
    if (!run.kind->per_test_database && create_database() != CQ_OK) {
        free(run.url);
        run.url = NULL;
        return 1;
    }
    return 0;
}

int srv_end(int failed)
{
    if (drop_database() != CQ_OK)
        failed++;
    free(run.url);
    run.url = NULL;
    return failed ? 1 : 0;
}

const char *srv_url(void)
{
    return run.url;
}

const char *srv_dbname(void)
{
    return run.dbname;
}

/* ---- the fixture ----------------------------------------------------------------------------- */

/* The log callback may run on several threads at once (a handle shared by threads). */
static pthread_mutex_t capture_mu = PTHREAD_MUTEX_INITIALIZER;

static void capture_locked(const cq_log_event *ev, srv_fixture *f);

static void capture(const cq_log_event *ev, void *user_data)
{
    if (ev->kind != CQ_LOG_SQL)
        return;
    pthread_mutex_lock(&capture_mu);
    capture_locked(ev, user_data);
    pthread_mutex_unlock(&capture_mu);
}

static void capture_locked(const cq_log_event *ev, srv_fixture *f)
{
    snprintf(f->last_sql, sizeof f->last_sql, "%s", ev->sql);
    f->statements++;
    if (strncmp(ev->sql, "ALTER TABLE", 11) == 0)
        f->alters++;
    if (run.kind && strstr(ev->sql, run.kind->catalog_sql))
        f->catalog_seen = true;
    if (strstr(ev->sql, "setval(")) {
        snprintf(f->setval_sql, sizeof f->setval_sql, "%s", ev->sql);
        f->setvals++;
    }
}

/* A fresh database for the test (MySQL): dropped and created again. */
static int reset_database(void)
{
    return drop_database() == CQ_OK && create_database() == CQ_OK ? 0 : -1;
}

/* An empty public schema (PostgreSQL): sync's and the dump's catalogue queries look there.
 * Run on a handle of its own: the fixture's models must be defined before its first
 * statement. */
static int reset_schema(void)
{
    return admin_exec(run.url, "DROP SCHEMA IF EXISTS public CASCADE") == CQ_OK &&
                   admin_exec(run.url, "CREATE SCHEMA public") == CQ_OK
               ? 0
               : -1;
}

int srv_setup(void **state)
{
    srv_fixture *f = calloc(1, sizeof *f);
    cq_error err = { 0 };
    bool per_test = run.kind->per_test_database;
    if (!f || (per_test ? reset_database() : reset_schema()) != 0) {
        free(f);
        return -1;
    }
    if (cq_db_open(&f->db, run.url, &(cq_open_opts){ .log = { .fn = capture, .user_data = f } },
                   &err) != CQ_OK) {
        print_error("cq_db_open(%s): %s\n", run.url, err.message);
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

int srv_any_setup(void **state)
{
    if (run.url)
        return srv_setup(state);
    srv_fixture *f = calloc(1, sizeof *f);
    if (!f || fx_open(&f->db, &(cq_open_opts){ .log = { .fn = capture, .user_data = f } }) != 0) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

int srv_run_dialects(const char *prog, const char *db_prefix, int (*group)(const char *dialect))
{
    /* CQ_TEST_ONLY_DIALECT=postgres (tests/support/through-pgbouncer): that one alone */
    const char *only = getenv("CQ_TEST_ONLY_DIALECT");
    if (only && !*only)
        only = NULL;
    int failed = !only || strcmp(only, "sqlite") == 0 ? group("sqlite") : 0;
    static const struct {
        cq_dialect d;
        const char *name;
    } servers[] = { { CQ_DIALECT_POSTGRES, "postgres" }, { CQ_DIALECT_MYSQL, "mysql" } };
    for (size_t i = 0; i < sizeof servers / sizeof servers[0]; i++) {
        if (only && strcmp(only, servers[i].name) != 0)
            continue;
        int rc = srv_begin(servers[i].d, prog, db_prefix);
        if (rc == 77)
            continue;
        if (rc != 0)
            return 1;
        int f = group(servers[i].name);
        failed += f;
        if (srv_end(f) != 0 && !f)
            failed++;
        run.kind = NULL;
    }
    return failed ? 1 : 0;
}

static const struct CMUnitTest *run_tests;
static size_t run_n;

static int run_group(const char *dialect)
{
    return _cmocka_run_group_tests(dialect, run_tests, run_n, NULL, NULL);
}

int srv_run_tests(const char *prog, const char *db_prefix, const struct CMUnitTest *tests, size_t n)
{
    run_tests = tests;
    run_n = n;
    return srv_run_dialects(prog, db_prefix, run_group);
}

int srv_run_each(const char *prog, const char *db_prefix, const struct CMUnitTest *tests, size_t n)
{
    int failed = _cmocka_run_group_tests("sqlite", tests, n, NULL, NULL);
    static const struct {
        cq_dialect d;
        const char *name;
    } servers[] = { { CQ_DIALECT_POSTGRES, "postgres" }, { CQ_DIALECT_MYSQL, "mysql" } };
    for (size_t i = 0; i < sizeof servers / sizeof servers[0]; i++) {
        int rc = srv_begin(servers[i].d, prog, db_prefix);
        if (rc == 77)
            continue; /* no server: skipped (srv_begin said so) */
        if (rc != 0) {
            failed++;
            continue;
        }
        failed += srv_end(_cmocka_run_group_tests(servers[i].name, tests, n, NULL, NULL));
        run.kind = NULL;
    }
    return failed ? 1 : 0;
}

int srv_open_own(cq_db **out, const cq_open_opts *opts)
{
    if (!run.url)
        return fx_open(out, opts);
    void *srv = NULL;
    if (srv_setup(&srv) != 0)
        return -1;
    srv_teardown(&srv);
    cq_error err = { 0 };
    if (cq_db_open(out, run.url, opts, &err) != CQ_OK) {
        print_error("cq_db_open(%s): %s\n", run.url, err.message);
        return -1;
    }
    return 0;
}

int srv_teardown(void **state)
{
    srv_fixture *f = *state;
    cq_db_close(f->db);
    free(f);
    return 0;
}

cq_db *srv_fixture_db(void **state)
{
    return ((srv_fixture *)*state)->db;
}

/* ---- models and rows ------------------------------------------------------------------------ */

int srv_models_setup(void **state)
{
    srv_models *f = calloc(1, sizeof *f);
    void *srv = NULL;
    if (!f || srv_any_setup(&srv) != 0) {
        free(f);
        return -1;
    }
    f->srv = srv;
    f->db = f->srv->db;
    f->d = cq_db_dialect(f->db);
    *state = f;
    return 0;
}

int srv_models_teardown(void **state)
{
    srv_models *f = *state;
    void *srv = f->srv;
    srv_teardown(&srv);
    free(f);
    return 0;
}

cq_model *srv_define(cq_db *db, const char *name, const cq_attr *attrs, const cq_model_opts *opts)
{
    cq_model *m = NULL;
    CQ_ASSERT_OK(db, cq_db_define(&m, db, name, attrs, opts));
    return m;
}

cq_instance *srv_create(cq_db *db, cq_model *m, const char *json)
{
    cq_instance *inst = NULL;
    cq_value *v = cq_test_json(json);
    CQ_ASSERT_OK(db, cq_model_create(&inst, m, v, NULL));
    cq_value_free(v);
    return inst;
}

int srv_try_create(cq_model *m, const char *json, const cq_write_opts *opts)
{
    cq_value *v = cq_test_json(json);
    int rc = cq_model_create(NULL, m, v, opts);
    cq_value_free(v);
    return rc;
}

int64_t srv_count_where(cq_db *db, cq_model *m, const char *where_json)
{
    int64_t n = -1;
    cq_value *w = where_json ? cq_test_json(where_json) : NULL;
    CQ_ASSERT_OK(db, cq_model_count(&n, m, &(cq_find_opts){ .where = w }));
    cq_value_free(w);
    return n;
}

cq_rows *srv_find_all(cq_db *db, cq_model *m, const char *where_json, const cq_order *order)
{
    cq_rows *rows = NULL;
    cq_value *w = where_json ? cq_test_json(where_json) : NULL;
    CQ_ASSERT_OK(db, cq_model_find_all(&rows, m, &(cq_find_opts){ .where = w, .order = order }));
    cq_value_free(w);
    return rows;
}

const cq_order srv_by_id[] = { { .attr = "id" }, { 0 } };

const cq_attr srv_user_attrs[] = {
    { .name = "username", .type = CQ_STRING, .unique = true, .allow_null = CQ_OFF },
    { .name = "age", .type = CQ_INTEGER },
    { 0 },
};
const cq_attr srv_task_attrs[] = {
    { .name = "title", .type = CQ_STRING, .unique = true },
    { .name = "done", .type = CQ_BOOLEAN },
    { 0 },
};

void srv_define_user_tasks(cq_db *db, srv_user_tasks *x)
{
    x->user = srv_define(db, "user", srv_user_attrs, NULL);
    x->task = srv_define(db, "task", srv_task_attrs, NULL);
    CQ_ASSERT_OK(db, cq_model_has_many(&x->tasks, x->user, x->task,
                                       &(cq_assoc_opts){ .on_delete = CQ_REF_CASCADE }));
    CQ_ASSERT_OK(db, cq_model_belongs_to(&x->owner, x->task, x->user, NULL));
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
}

/* ---- assertions ----------------------------------------------------------------------------- */

void srv_assert_value(const cq_value *got, const char *expected)
{
    cq_value *m = cq_test_mask(got, "<ts>");
    cq_test_assert_json_sorted(m, expected);
    cq_value_free(m);
}

void srv_assert_instance(const cq_instance *inst, const char *expected)
{
    cq_value *v = NULL;
    assert_int_equal(cq_instance_to_value(&v, inst), CQ_OK);
    srv_assert_value(v, expected);
    cq_value_free(v);
}

void srv_assert_rows(const cq_rows *rows, const char *expected)
{
    cq_value *v = NULL;
    assert_int_equal(cq_rows_to_value(&v, rows), CQ_OK);
    srv_assert_value(v, expected);
    cq_value_free(v);
}

void srv_assert_query(cq_db *db, const char *sql, const char *expected)
{
    cq_value *rows = NULL;
    CQ_ASSERT_OK(db, cq_db_query(&rows, db, sql, NULL, NULL));
    srv_assert_value(rows, expected);
    cq_value_free(rows);
}

void srv_assert_error(cq_db *db, int code, const char *sqlstate)
{
    const cq_error *e = cq_db_error(db);
    assert_int_equal(e->code, code);
    assert_string_equal(e->sqlstate, sqlstate);
    assert_true(e->message[0] != '\0');
}

/* ---- test bodies shared by the servers ------------------------------------------------------ */

void srv_check_where_operators(cq_db *db, cq_model *user)
{
    const char *names[] = { "ada", "bob", "cy", "dee", "eve" };
    for (int i = 0; i < 5; i++) {
        char json[64];
        snprintf(json, sizeof json, "{\"username\":\"%s\",\"age\":%d}", names[i], 20 + 10 * i);
        cq_instance *u = srv_create(db, user, json);
        int64_t id = 0;
        CQ_ASSERT_OK(db, cq_instance_get_int(&id, u, "id"));
        assert_int_equal(id, i + 1);
        assert_false(cq_instance_is_new_record(u));
        cq_instance_free(u);
    }
    assert_int_equal(srv_count_where(db, user, NULL), 5);
    assert_int_equal(srv_count_where(db, user, "{\"age\":{\"$gt\":30}}"), 3);
    assert_int_equal(srv_count_where(db, user, "{\"age\":{\"$gte\":30,\"$lt\":50}}"), 2);
    assert_int_equal(srv_count_where(db, user, "{\"username\":{\"$in\":[\"ada\",\"eve\",\"zz\"]}}"),
                     2);
    assert_int_equal(srv_count_where(db, user, "{\"username\":{\"$notIn\":[\"ada\"]}}"), 4);
    assert_int_equal(srv_count_where(db, user, "{\"username\":{\"$like\":\"%e%\"}}"), 2);
    assert_int_equal(srv_count_where(db, user, "{\"age\":{\"$between\":[25,45]}}"), 2);
    assert_int_equal(srv_count_where(db, user, "{\"$or\":[{\"age\":20},{\"username\":\"eve\"}]}"),
                     2);
    assert_int_equal(srv_count_where(db, user, "{\"age\":{\"$ne\":20}}"), 4);
    assert_int_equal(srv_count_where(db, user, "{\"age\":null}"), 0);
    assert_int_equal(srv_count_where(db, user, "{\"username\":{\"$in\":[]}}"), 0);
}

void srv_check_nested_create_and_rollback(srv_fixture *f, srv_error unique, const char *tasks_sql)
{
    srv_user_tasks x;
    srv_define_user_tasks(f->db, &x);
    const cq_include inc[] = { { .association = x.tasks }, { 0 } };

    cq_value *v = cq_test_json("{\"username\":\"ada\",\"tasks\":[{\"title\":\"t1\"},"
                               "{\"title\":\"t2\",\"done\":true}]}");
    cq_instance *u = NULL;
    CQ_ASSERT_OK(f->db, cq_model_create(&u, x.user, v, &(cq_write_opts){ .include = inc }));
    cq_value_free(v);
    srv_assert_instance(
        u, "{\"id\":1,\"username\":\"ada\",\"age\":null,\"createdAt\":\"<ts>\","
           "\"updatedAt\":\"<ts>\",\"tasks\":[{\"id\":1,\"title\":\"t1\",\"done\":null,"
           "\"userId\":1,\"createdAt\":\"<ts>\",\"updatedAt\":\"<ts>\"},{\"id\":2,"
           "\"title\":\"t2\",\"done\":true,\"userId\":1,\"createdAt\":\"<ts>\","
           "\"updatedAt\":\"<ts>\"}]}");
    cq_instance_free(u);
    srv_assert_query(f->db, tasks_sql,
                     "[{\"id\":1,\"title\":\"t1\",\"userId\":1},{\"id\":2,\"title\":\"t2\","
                     "\"userId\":1}]");

    /* the second task's title is taken: the user and the first task disappear too */
    v = cq_test_json("{\"username\":\"bob\",\"tasks\":[{\"title\":\"new\"},{\"title\":\"t1\"}]}");
    CQ_ASSERT_ERR(f->db, CQ_EUNIQUE,
                  cq_model_create(NULL, x.user, v, &(cq_write_opts){ .include = inc }));
    cq_value_free(v);
    srv_assert_error(f->db, CQ_EUNIQUE, unique.sqlstate);
    if (unique.driver_code)
        assert_int_equal(cq_db_error(f->db)->driver_code, unique.driver_code);
    assert_int_equal(srv_count_where(f->db, x.user, NULL), 1);
    assert_int_equal(srv_count_where(f->db, x.task, NULL), 2);

    /* inside a caller's transaction the failure rolls back to a savepoint only */
    cq_txn *t = NULL;
    CQ_ASSERT_OK(f->db, cq_db_transaction(&t, f->db, NULL));
    CQ_ASSERT_OK(f->db, srv_try_create(x.user, "{\"username\":\"cy\"}",
                                       &(cq_write_opts){ .transaction = t }));
    v = cq_test_json("{\"username\":\"dee\",\"tasks\":[{\"title\":\"t2\"}]}");
    CQ_ASSERT_ERR(
        f->db, CQ_EUNIQUE,
        cq_model_create(NULL, x.user, v, &(cq_write_opts){ .include = inc, .transaction = t }));
    cq_value_free(v);
    CQ_ASSERT_OK(f->db, cq_txn_commit(t));
    cq_txn_free(t);
    srv_assert_query(f->db, "SELECT username FROM users ORDER BY id",
                     "[{\"username\":\"ada\"},{\"username\":\"cy\"}]");
}
