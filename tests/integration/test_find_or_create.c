/* findOrCreate and findCreateFind on SQLite, PostgreSQL and MySQL/MariaDB: found rows,
 * created rows (defaults plus the where's plain values), the statements inside one
 * transaction, a caller's transaction, bad input; and, on the servers, a concurrent insert
 * that wins the race between the find and the insert (two threads, on two handles and on one
 * handle shared through its pool): the row it created is returned, not an error. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cq_server.h"

typedef srv_models foc_fixture;

static const cq_attr user_attrs[] = {
    { .name = "email", .type = CQ_STRING, .unique = true },
    { .name = "name", .type = CQ_STRING },
    { 0 },
};

static int setup(void **state)
{
    if (srv_models_setup(state) != 0)
        return -1;
    foc_fixture *f = *state;
    f->user = srv_define(f->db, "user", user_attrs, &(cq_model_opts){ .timestamps = CQ_OFF });
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, &(cq_sync_opts){ .force = true }));
    return 0;
}

static cq_instance *foc(foc_fixture *f, bool wrap, const char *where, const char *defaults,
                        cq_txn *txn, bool *created)
{
    cq_value *w = cq_test_json(where);
    cq_value *d = defaults ? cq_test_json(defaults) : NULL;
    cq_instance *inst = NULL;
    cq_find_or_create_opts o = { .where = w, .defaults = d, .transaction = txn };
    CQ_ASSERT_OK(f->db, wrap ? cq_model_find_or_create(&inst, created, f->user, &o)
                             : cq_model_find_create_find(&inst, created, f->user, &o));
    cq_value_free(d);
    cq_value_free(w);
    return inst;
}

static void test_find_or_create(void **state)
{
    foc_fixture *f = *state;
    bool created = false;
    size_t before = f->srv->statements;
    cq_instance *u = foc(f, true, "{\"email\":\"a@x\"}", "{\"name\":\"A\"}", NULL, &created);
    assert_true(created);
    /* BEGIN, SELECT, INSERT, COMMIT */
    assert_int_equal(f->srv->statements - before, 4);
    srv_assert_instance(u, "{\"id\":1,\"email\":\"a@x\",\"name\":\"A\"}");
    cq_instance_free(u);

    u = foc(f, true, "{\"email\":\"a@x\"}", "{\"name\":\"B\"}", NULL, &created);
    assert_false(created);
    srv_assert_instance(u, "{\"id\":1,\"email\":\"a@x\",\"name\":\"A\"}");
    cq_instance_free(u);

    /* operators are looked for, not created with: the defaults give the email */
    u = foc(f, true, "{\"email\":{\"$like\":\"z%\"}}", "{\"email\":\"zz\",\"name\":\"Z\"}", NULL,
            &created);
    assert_true(created);
    cq_instance_free(u);

    /* findCreateFind: no transaction of its own */
    before = f->srv->statements;
    u = foc(f, false, "{\"email\":\"b@x\"}", "{\"name\":\"B\"}", NULL, &created);
    assert_true(created);
    assert_int_equal(f->srv->statements - before, 2);
    cq_instance_free(u);
    u = foc(f, false, "{\"email\":\"b@x\"}", "{\"name\":\"C\"}", NULL, &created);
    assert_false(created);
    cq_instance_free(u);
    srv_assert_query(f->db, "SELECT email, name FROM users ORDER BY id",
                     "[{\"email\":\"a@x\",\"name\":\"A\"},{\"email\":\"zz\",\"name\":\"Z\"},"
                     "{\"email\":\"b@x\",\"name\":\"B\"}]");
}

static void test_in_caller_transaction(void **state)
{
    foc_fixture *f = *state;
    cq_txn *t = NULL;
    CQ_ASSERT_OK(f->db, cq_db_transaction(&t, f->db, NULL));
    bool created = false;
    cq_instance *u = foc(f, true, "{\"email\":\"c@x\"}", NULL, t, &created);
    assert_true(created);
    cq_instance_free(u);
    /* a unique violation inside the caller's transaction: its own savepoint rolls back, the
     * caller's transaction goes on */
    cq_value *w = cq_test_json("{\"email\":\"d@x\",\"name\":\"D\"}");
    cq_value *d = cq_test_json("{\"email\":\"c@x\"}");
    assert_int_equal(cq_model_find_or_create(
                         &u, &created, f->user,
                         &(cq_find_or_create_opts){ .where = w, .defaults = d, .transaction = t }),
                     CQ_EUNIQUE);
    assert_null(u);
    cq_value_free(d);
    cq_value_free(w);
    assert_int_equal(srv_count_where(f->db, f->user, NULL), 1);
    CQ_ASSERT_OK(f->db, cq_txn_commit(t));
    cq_txn_free(t);
    srv_assert_query(f->db, "SELECT email FROM users", "[{\"email\":\"c@x\"}]");
}

static void test_bad_input(void **state)
{
    foc_fixture *f = *state;
    cq_instance *u = NULL;
    bool created = true;
    assert_int_equal(cq_model_find_or_create(&u, &created, f->user, NULL), CQ_EINVALID);
    assert_false(created);
    cq_value *w = cq_test_json("{\"email\":\"e@x\"}");
    cq_value *d = cq_test_json("{\"nope\":1}");
    assert_int_equal(
        cq_model_find_or_create(&u, &created, f->user,
                                &(cq_find_or_create_opts){ .where = w, .defaults = d }),
        CQ_EUNKNOWN_ATTR);
    assert_int_equal(
        cq_model_find_or_create(&u, &created, NULL, &(cq_find_or_create_opts){ .where = w }),
        CQ_EINVALID);
    cq_value_free(d);
    cq_value_free(w);
    assert_int_equal(srv_count_where(f->db, f->user, NULL), 0);
    /* the failed call left no transaction open: a new one begins */
    cq_txn *t = NULL;
    CQ_ASSERT_OK(f->db, cq_db_transaction(&t, f->db, NULL));
    CQ_ASSERT_OK(f->db, cq_txn_rollback(t));
    cq_txn_free(t);
}

/* ---- the race ------------------------------------------------------------------------------ */

typedef struct racer {
    atomic_int stage; /* 1: row inserted (uncommitted), 2: committed, -1: failed */
    int64_t id;
} racer;

static void *insert_and_hold(void *arg)
{
    racer *r = arg;
    cq_db *db = NULL;
    cq_model *user = NULL;
    cq_txn *t = NULL;
    cq_instance *inst = NULL;
    cq_value *v = cq_test_json("{\"email\":\"race@x\",\"name\":\"winner\"}");
    if (cq_db_open(&db, srv_url(), NULL, NULL) != CQ_OK ||
        cq_db_define(&user, db, "user", user_attrs, &(cq_model_opts){ .timestamps = CQ_OFF }) !=
            CQ_OK ||
        cq_db_transaction(&t, db, NULL) != CQ_OK ||
        cq_model_create(&inst, user, v, &(cq_write_opts){ .transaction = t }) != CQ_OK ||
        cq_instance_get_int(&r->id, inst, "id") != CQ_OK) {
        atomic_store(&r->stage, -1);
    } else {
        atomic_store(&r->stage, 1);
        /* the other connection's find has run by now; its insert waits for this commit */
        nanosleep(&(struct timespec){ .tv_nsec = 600 * 1000 * 1000 }, NULL);
        atomic_store(&r->stage, cq_txn_commit(t) == CQ_OK ? 2 : -1);
    }
    cq_txn_free(t);
    cq_instance_free(inst);
    cq_value_free(v);
    cq_db_close(db);
    return NULL;
}

static void test_race(void **state)
{
    foc_fixture *f = *state;
    if (cq_db_dialect(f->db) == CQ_DIALECT_SQLITE)
        return; /* one in-memory connection: nothing to race with */
    racer r = { 0 };
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, insert_and_hold, &r), 0);
    while (atomic_load(&r.stage) == 0)
        nanosleep(&(struct timespec){ .tv_nsec = 5 * 1000 * 1000 }, NULL);
    assert_int_equal(atomic_load(&r.stage), 1);
    bool created = true;
    size_t before = f->srv->statements;
    cq_instance *u = foc(f, true, "{\"email\":\"race@x\"}", "{\"name\":\"loser\"}", NULL, &created);
    /* BEGIN, SELECT (nothing yet), INSERT (waits, then the unique violation), ROLLBACK, and
     * the SELECT that finds the winner's row */
    assert_int_equal(f->srv->statements - before, 5);
    pthread_join(th, NULL);
    assert_int_equal(atomic_load(&r.stage), 2);
    assert_false(created);
    int64_t id = 0;
    CQ_ASSERT_OK(f->db, cq_instance_get_int(&id, u, "id"));
    assert_int_equal(id, r.id);
    const char *name = NULL;
    CQ_ASSERT_OK(f->db, cq_instance_get_text(&name, u, "name"));
    assert_string_equal(name, "winner");
    cq_instance_free(u);
    assert_int_equal(srv_count_where(f->db, f->user, NULL), 1);
}

/* The same race with one handle shared by both threads: the winner's transaction pins one
 * pooled connection, the loser's findOrCreate runs on another. */
typedef struct shared_racer {
    cq_db *db;
    cq_model *user;
    atomic_int stage; /* 1: row inserted (uncommitted), 2: committed, -1: failed */
    int64_t id;
    int rc;
} shared_racer;

static void *insert_and_hold_shared(void *arg)
{
    shared_racer *r = arg;
    cq_txn *t = NULL;
    cq_instance *inst = NULL;
    cq_value *v = cq_test_json("{\"email\":\"race@x\",\"name\":\"winner\"}");
    r->rc = cq_db_transaction(&t, r->db, NULL);
    if (r->rc == CQ_OK)
        r->rc = cq_model_create(&inst, r->user, v, &(cq_write_opts){ .transaction = t });
    if (r->rc == CQ_OK)
        r->rc = cq_instance_get_int(&r->id, inst, "id");
    if (r->rc != CQ_OK) {
        if (t)
            cq_txn_rollback(t);
        atomic_store(&r->stage, -1);
    } else {
        atomic_store(&r->stage, 1);
        /* the other thread's find has run by now; its insert waits for this commit */
        nanosleep(&(struct timespec){ .tv_nsec = 600 * 1000 * 1000 }, NULL);
        r->rc = cq_txn_commit(t);
        atomic_store(&r->stage, r->rc == CQ_OK ? 2 : -1);
    }
    cq_txn_free(t);
    cq_instance_free(inst);
    cq_value_free(v);
    return NULL;
}

static void test_race_one_handle(void **state)
{
    foc_fixture *f = *state;
    if (cq_db_dialect(f->db) == CQ_DIALECT_SQLITE)
        return; /* one in-memory connection: the threads take turns, nothing to race with */
    shared_racer r = { .db = f->db, .user = f->user };
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, insert_and_hold_shared, &r), 0);
    while (atomic_load(&r.stage) == 0)
        nanosleep(&(struct timespec){ .tv_nsec = 5 * 1000 * 1000 }, NULL);
    assert_int_equal(atomic_load(&r.stage), 1);
    bool created = true;
    cq_instance *u = foc(f, true, "{\"email\":\"race@x\"}", "{\"name\":\"loser\"}", NULL, &created);
    pthread_join(th, NULL);
    assert_int_equal(r.rc, CQ_OK);
    assert_int_equal(atomic_load(&r.stage), 2);
    assert_false(created);
    int64_t id = 0;
    CQ_ASSERT_OK(f->db, cq_instance_get_int(&id, u, "id"));
    assert_int_equal(id, r.id);
    const char *name = NULL;
    CQ_ASSERT_OK(f->db, cq_instance_get_text(&name, u, "name"));
    assert_string_equal(name, "winner");
    cq_instance_free(u);
    assert_int_equal(srv_count_where(f->db, f->user, NULL), 1);
    /* two connections were in use at once: the winner's and the loser's */
    cq_pool_stats st = { 0 };
    CQ_ASSERT_OK(f->db, cq_db_pool_stats(&st, f->db));
    assert_true(st.created >= 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_find_or_create, setup, srv_models_teardown),
        cmocka_unit_test_setup_teardown(test_in_caller_transaction, setup, srv_models_teardown),
        cmocka_unit_test_setup_teardown(test_bad_input, setup, srv_models_teardown),
        cmocka_unit_test_setup_teardown(test_race, setup, srv_models_teardown),
        cmocka_unit_test_setup_teardown(test_race_one_handle, setup, srv_models_teardown),
    };
    return SRV_RUN_TESTS("test_find_or_create", "cq_foc", tests);
}
