/* Shared by the integration tests that run against a real server (PostgreSQL or
 * MySQL/MariaDB): a database of the run's own next to the one in the server's URL, a fixture
 * that opens it with the SQL log captured, and helpers to define models, create rows and
 * compare what comes back as JSON.
 *
 * The server comes from CQ_TEST_POSTGRES_URL or CQ_TEST_MYSQL_URL (scripts/test-servers starts
 * throwaway ones for `make test`); without it the executable exits 77 and CTest reports a skip
 * (for MySQL, a failure under CI: CI set and not "false"). */
#ifndef CQ_SERVER_H
#define CQ_SERVER_H

#include "cq_test.h"

/* ---- the run: main() of a server test ------------------------------------------------------ */

/* Starts the run of executable `prog` on the server of `dialect` (CQ_DIALECT_POSTGRES or
 * CQ_DIALECT_MYSQL): the database <db_prefix>_<pid> is dropped if it exists, then created
 * (PostgreSQL) or left for srv_setup() to create (MySQL), on CQ_TEST_POSTGRES_ADMIN_URL when
 * set (PostgreSQL: a direct URL when the server's URL goes through a pooler). Returns 0 when
 * the tests can run, otherwise the status main() returns: 77 (no server URL, no driver in this
 * build, or CQ_TEST_ONLY_DIALECT names the other server) or 1. */
int srv_begin(cq_dialect dialect, const char *prog, const char *db_prefix);
/* Drops the run's database and frees what srv_begin() made. Returns main()'s status: 1 when
 * `failed` (cmocka's count of failed tests) is not 0 or the drop fails, else 0. */
int srv_end(int failed);
/* The URL of the run's own database; valid until srv_end(). */
const char *srv_url(void);
/* The name of the run's own database. */
const char *srv_dbname(void);

/* ---- the fixture ----------------------------------------------------------------------------- */

typedef struct srv_fixture {
    cq_db *db;            /* on the run's database, emptied for each test */
    char last_sql[1024];  /* the last statement logged */
    size_t statements;    /* statements logged */
    size_t alters;        /* ALTER TABLE statements logged */
    bool catalog_seen;    /* a logged statement read the constraint catalogue (pg_constraint,
                             information_schema.KEY_COLUMN_USAGE) */
    char setval_sql[512]; /* the last logged statement calling setval() */
    size_t setvals;       /* statements calling setval() logged */
} srv_fixture;

/* cmocka setup/teardown: *state becomes a srv_fixture on an empty database (PostgreSQL: the
 * public schema dropped and created again; MySQL: the database dropped and created again). */
int srv_setup(void **state);
int srv_teardown(void **state);
/* Runs `group` (a cmocka group run, given the dialect's name for its title; returns the count
 * of failed tests) on SQLite in memory, then on PostgreSQL and on MySQL as srv_begin() finds
 * them (skipped without a URL, except under CI); only the one CQ_TEST_ONLY_DIALECT names
 * (sqlite, postgres or mysql) when it is set. Returns main()'s status. */
int srv_run_dialects(const char *prog, const char *db_prefix, int (*group)(const char *dialect));
/* cmocka setup for tests run by srv_run_dialects(): srv_setup() on a server, a fresh in-memory
 * SQLite database with the same logging otherwise. srv_teardown() ends both. */
int srv_any_setup(void **state);
/* The fixture's db. */
cq_db *srv_fixture_db(void **state);
/* srv_run_dialects() of one group of tests, the same on each dialect. */
int srv_run_tests(const char *prog, const char *db_prefix, const struct CMUnitTest *tests,
                  size_t n);
#define SRV_RUN_TESTS(prog, db_prefix, tests)                                                      \
    srv_run_tests(prog, db_prefix, tests, sizeof(tests) / sizeof((tests)[0]))
/* Runs `tests` as the group "sqlite", then (srv_begin() to srv_end()) as "postgres" and
 * "mysql" where their servers are found; CQ_TEST_ONLY_DIALECT leaves a server out, not
 * SQLite. Returns main()'s status. */
int srv_run_each(const char *prog, const char *db_prefix, const struct CMUnitTest *tests, size_t n);
#define SRV_RUN_EACH(prog, db_prefix, tests)                                                       \
    srv_run_each(prog, db_prefix, tests, sizeof(tests) / sizeof((tests)[0]))
/* A connection of the test's own with `opts` (a logging hook of its own, say): during a
 * server's run (srv_begin() to srv_end()) to the run's database, emptied first as srv_setup()
 * does; otherwise to a fresh in-memory SQLite db (cq_fixture.h). Returns 0, or -1 after
 * printing why. */
int srv_open_own(cq_db **out, const cq_open_opts *opts);

/* ---- models and rows ------------------------------------------------------------------------ */

/* Models a test of every dialect defines on the db of srv_any_setup(). */
typedef struct srv_models {
    srv_fixture *srv;
    cq_db *db;    /* srv->db */
    cq_dialect d; /* its dialect */
    cq_model *user, *post;
    cq_assoc *posts, *author;
} srv_models;

/* cmocka setup/teardown: srv_any_setup(), then *state becomes a srv_models on its db, the
 * models not defined yet. */
int srv_models_setup(void **state);
int srv_models_teardown(void **state);

/* cq_db_define(), failing the test on error; the model is owned by db. */
cq_model *srv_define(cq_db *db, const char *name, const cq_attr *attrs, const cq_model_opts *opts);
/* cq_model_create() of the JSON text `json`, failing the test on error; free with
 * cq_instance_free(). */
cq_instance *srv_create(cq_db *db, cq_model *m, const char *json);
/* cq_model_create() of the JSON text `json`; returns its status. */
int srv_try_create(cq_model *m, const char *json, const cq_write_opts *opts);
/* cq_model_count() where the JSON text `where_json` (NULL: every row). */
int64_t srv_count_where(cq_db *db, cq_model *m, const char *where_json);
/* cq_model_find_all() where the JSON text `where_json` (NULL: every row); free with
 * cq_rows_free(). */
cq_rows *srv_find_all(cq_db *db, cq_model *m, const char *where_json, const cq_order *order);

/* ORDER BY id. */
extern const cq_order srv_by_id[];

/* Users (username unique and NOT NULL, age) and their tasks (title unique, done). */
extern const cq_attr srv_user_attrs[];
extern const cq_attr srv_task_attrs[];

typedef struct srv_user_tasks {
    cq_model *user, *task;
    cq_assoc *tasks, *owner; /* user hasMany task (ON DELETE CASCADE), task belongsTo user */
} srv_user_tasks;

/* Defines users and tasks with their associations, and syncs. */
void srv_define_user_tasks(cq_db *db, srv_user_tasks *x);

/* ---- assertions ----------------------------------------------------------------------------- */

/* Compares `got` (non-null createdAt/updatedAt replaced by "<ts>", keys sorted) with the JSON
 * text `expected`. */
void srv_assert_value(const cq_value *got, const char *expected);
/* The same for an instance (cq_instance_to_value()), rows (cq_rows_to_value()) and the rows of
 * the raw query `sql`. */
void srv_assert_instance(const cq_instance *inst, const char *expected);
void srv_assert_rows(const cq_rows *rows, const char *expected);
void srv_assert_query(cq_db *db, const char *sql, const char *expected);
/* The last error of db has cequel's `code`, the server's `sqlstate` and a message. */
void srv_assert_error(cq_db *db, int code, const char *sqlstate);

/* ---- test bodies shared by the servers ------------------------------------------------------ */

/* An error a shared test body expects, as the server reports it. */
typedef struct srv_error {
    const char *sqlstate;
    int driver_code; /* the server's error number; 0: not checked */
} srv_error;

/* Creates five users (ada 20, bob 30, cy 40, dee 50, eve 60: ids 1 to 5) and counts them with
 * each where operator ($gt, $gte/$lt, $in, $notIn, $like, $between, $or, $ne, null, empty
 * $in). */
void srv_check_where_operators(cq_db *db, cq_model *user);
/* Nested create runs in one transaction: a server error deep in the tree (a unique violation,
 * reported as `unique`) rolls back all; inside a caller's transaction, only to a savepoint.
 * `tasks_sql` is SELECT id, title, "userId" FROM tasks ORDER BY id, quoted for the server. */
void srv_check_nested_create_and_rollback(srv_fixture *f, srv_error unique, const char *tasks_sql);

#endif
