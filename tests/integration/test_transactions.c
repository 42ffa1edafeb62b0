/* Integration tests for transactions: commit, rollback, nesting (savepoints), one top level. */
#define _POSIX_C_SOURCE 200809L
#include "cq_fixture.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- fixtures and helpers ------------------------------------------------------------ */

static const cq_attr user_attrs[] = {
    { .name = "username", .type = CQ_STRING, .unique = true },
    { .name = "age", .type = CQ_INTEGER },
    { 0 },
};

static int setup(void **state)
{
    if (fx_db_setup(state) != 0)
        return -1;
    if (fx_define_synced(*state, "user", user_attrs) != 0) {
        fx_db_teardown(state);
        return -1;
    }
    return 0;
}

static cq_model *users(cq_db *db)
{
    cq_model *m = cq_db_model(db, "user");
    assert_non_null(m);
    return m;
}

/* Creates a user named `name` (inside `txn` when not NULL); returns the status. */
static int create_in(cq_db *db, const char *name, cq_txn *txn)
{
    cq_value *values = cq_value_object();
    assert_int_equal(cq_value_object_set(values, "username", cq_value_text(name)), CQ_OK);
    int rc = cq_model_create(NULL, users(db), values, &(cq_write_opts){ .transaction = txn });
    cq_value_free(values);
    return rc;
}

static int64_t count_named(cq_db *db, const char *name)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM users WHERE username = '%s'", name);
    return cq_test_scalar_int(db, sql);
}

static int64_t count_all(cq_db *db)
{
    return cq_test_scalar_int(db, "SELECT count(*) FROM users");
}

/* A db that logs into `cap`, events so far cleared; `outer` is rolled back by the teardown
 * when a test fails with it open (cq_db_close does that), so failures leak nothing. */
typedef struct logging_fixture {
    cq_db *db;
    fixture cap; /* every statement, with its transaction */
    cq_txn *outer;
} logging_fixture;

static int setup_logging(void **state)
{
    logging_fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    if (fx_init_all(&f->cap) != 0 || fx_define_synced(f->cap.db, "user", user_attrs) != 0) {
        fx_fini(&f->cap);
        free(f);
        return -1;
    }
    f->db = f->cap.db;
    fx_clear_sql(&f->cap);
    *state = f;
    return 0;
}

static int teardown_logging(void **state)
{
    logging_fixture *f = *state;
    fx_fini(&f->cap); /* closing the db rolls back an open transaction */
    cq_txn_free(f->outer);
    free(f);
    return 0;
}

/* ---- top-level transactions ---------------------------------------------------------- */

static void test_transactions__commit_keeps_rows(void **state)
{
    cq_db *db = *state;
    cq_txn *txn = NULL;

    CQ_ASSERT_OK(db, cq_db_transaction(&txn, db, NULL));
    assert_non_null(txn);
    CQ_ASSERT_OK(db, create_in(db, "ada", txn));
    CQ_ASSERT_OK(db, create_in(db, "bob", txn));
    CQ_ASSERT_OK(db, cq_txn_commit(txn));
    cq_txn_free(txn);
    assert_int_equal(count_all(db), 2);
    assert_int_equal(count_named(db, "ada"), 1);
}

static void test_transactions__rollback_removes_rows(void **state)
{
    cq_db *db = *state;
    cq_txn *txn = NULL;

    CQ_ASSERT_OK(db, create_in(db, "before", NULL));
    CQ_ASSERT_OK(db, cq_db_transaction(&txn, db, NULL));
    CQ_ASSERT_OK(db, create_in(db, "ada", txn));
    CQ_ASSERT_OK(db, create_in(db, "bob", txn));
    CQ_ASSERT_OK(db, cq_txn_rollback(txn));
    cq_txn_free(txn);
    assert_int_equal(count_all(db), 1);
    assert_int_equal(count_named(db, "before"), 1);
    assert_int_equal(count_named(db, "ada"), 0);
}

static void test_transactions__reads_inside_see_uncommitted_rows(void **state)
{
    cq_db *db = *state;
    cq_txn *txn = NULL;
    cq_rows *rows = NULL;
    int64_t n = -1;

    CQ_ASSERT_OK(db, cq_db_transaction(&txn, db, NULL));
    CQ_ASSERT_OK(db, create_in(db, "ada", txn));
    CQ_ASSERT_OK(db, cq_model_count(&n, users(db), &(cq_find_opts){ .transaction = txn }));
    assert_int_equal(n, 1);
    CQ_ASSERT_OK(db, cq_model_find_all(&rows, users(db), &(cq_find_opts){ .transaction = txn }));
    assert_int_equal(cq_rows_count(rows), 1);
    cq_rows_free(rows);
    CQ_ASSERT_OK(db, cq_txn_rollback(txn));
    cq_txn_free(txn);
    CQ_ASSERT_OK(db, cq_model_count(&n, users(db), NULL));
    assert_int_equal(n, 0);
}

static void test_transactions__instance_save_rolled_back(void **state)
{
    cq_db *db = *state;
    cq_txn *txn = NULL;
    cq_instance *inst = NULL;
    cq_value *values = cq_test_json("{\"username\":\"ada\",\"age\":36}");

    CQ_ASSERT_OK(db, cq_model_create(&inst, users(db), values, NULL));
    cq_value_free(values);
    CQ_ASSERT_OK(db, cq_db_transaction(&txn, db, NULL));
    CQ_ASSERT_OK(db, cq_instance_set(inst, "age", cq_value_int(99)));
    CQ_ASSERT_OK(db, cq_instance_save(inst, &(cq_write_opts){ .transaction = txn }));
    assert_int_equal(cq_test_scalar_int(db, "SELECT age FROM users"), 99);
    CQ_ASSERT_OK(db, cq_txn_rollback(txn));
    cq_txn_free(txn);
    assert_int_equal(cq_test_scalar_int(db, "SELECT age FROM users"), 36);
    cq_instance_free(inst);
}

static void test_transactions__instance_destroy_rolled_back(void **state)
{
    cq_db *db = *state;
    cq_txn *txn = NULL;
    cq_instance *inst = NULL;
    cq_value *values = cq_test_json("{\"username\":\"ada\"}");

    CQ_ASSERT_OK(db, cq_model_create(&inst, users(db), values, NULL));
    cq_value_free(values);
    CQ_ASSERT_OK(db, cq_db_transaction(&txn, db, NULL));
    CQ_ASSERT_OK(db, cq_instance_destroy(inst, &(cq_write_opts){ .transaction = txn }));
    assert_int_equal(count_all(db), 0);
    CQ_ASSERT_OK(db, cq_txn_rollback(txn));
    cq_txn_free(txn);
    assert_int_equal(count_named(db, "ada"), 1);
    cq_instance_free(inst);
}

static void test_transactions__model_update_and_destroy_rolled_back(void **state)
{
    cq_db *db = *state;
    cq_txn *txn = NULL;
    int64_t n = 0;
    cq_value *values = cq_test_json("{\"age\":50}");
    cq_value *where = cq_test_json("{\"username\":\"ada\"}");
    cq_value *all = cq_value_object();

    CQ_ASSERT_OK(db, create_in(db, "ada", NULL));
    CQ_ASSERT_OK(db, create_in(db, "bob", NULL));
    CQ_ASSERT_OK(db, cq_db_transaction(&txn, db, NULL));
    CQ_ASSERT_OK(db, cq_model_update(&n, users(db), values,
                                     &(cq_bulk_opts){ .where = where, .transaction = txn }));
    assert_int_equal(n, 1);
    CQ_ASSERT_OK(
        db, cq_model_destroy(&n, users(db), &(cq_bulk_opts){ .where = all, .transaction = txn }));
    assert_int_equal(n, 2);
    CQ_ASSERT_OK(db, cq_txn_rollback(txn));
    cq_txn_free(txn);
    assert_int_equal(count_all(db), 2);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM users WHERE age = 50"), 0);
    cq_value_free(values);
    cq_value_free(where);
    cq_value_free(all);
}

static void test_transactions__bulk_create_rolled_back(void **state)
{
    cq_db *db = *state;
    cq_txn *txn = NULL;
    cq_value *values = cq_test_json("[{\"username\":\"a\"},{\"username\":\"b\"}]");

    CQ_ASSERT_OK(db, cq_db_transaction(&txn, db, NULL));
    CQ_ASSERT_OK(
        db, cq_model_bulk_create(NULL, users(db), values, &(cq_write_opts){ .transaction = txn }));
    cq_value_free(values);
    assert_int_equal(count_all(db), 2);
    CQ_ASSERT_OK(db, cq_txn_rollback(txn));
    cq_txn_free(txn);
    assert_int_equal(count_all(db), 0);
}

static void test_transactions__failed_bulk_create_keeps_earlier_work(void **state)
{
    cq_db *db = *state;
    cq_txn *txn = NULL;
    cq_value *values = cq_test_json("[{\"username\":\"b\"},{\"username\":\"a\"}]");

    CQ_ASSERT_OK(db, cq_db_transaction(&txn, db, NULL));
    CQ_ASSERT_OK(db, create_in(db, "a", txn));
    /* a savepoint inside the caller's transaction: only the bulk insert is undone */
    CQ_ASSERT_ERR(
        db, CQ_EUNIQUE,
        cq_model_bulk_create(NULL, users(db), values, &(cq_write_opts){ .transaction = txn }));
    cq_value_free(values);
    CQ_ASSERT_OK(db, cq_txn_commit(txn));
    cq_txn_free(txn);
    assert_int_equal(count_all(db), 1);
    assert_int_equal(count_named(db, "a"), 1);
    assert_int_equal(count_named(db, "b"), 0);
}

static void test_transactions__failed_statement_keeps_transaction_usable(void **state)
{
    cq_db *db = *state;
    cq_txn *txn = NULL;

    CQ_ASSERT_OK(db, cq_db_transaction(&txn, db, NULL));
    CQ_ASSERT_OK(db, create_in(db, "ada", txn));
    CQ_ASSERT_ERR(db, CQ_EUNIQUE, create_in(db, "ada", txn));
    CQ_ASSERT_OK(db, create_in(db, "bob", txn));
    CQ_ASSERT_OK(db, cq_txn_commit(txn));
    cq_txn_free(txn);
    assert_int_equal(count_all(db), 2);
}

static void test_transactions__second_top_level_is_einvalid(void **state)
{
    cq_db *db = *state;
    cq_txn *first = NULL;
    cq_txn *second = (cq_txn *)&second; /* must be reset to NULL */

    CQ_ASSERT_OK(db, cq_db_transaction(&first, db, NULL));
    CQ_ASSERT_OK(db, create_in(db, "ada", first));
    CQ_ASSERT_ERR(db, CQ_EINVALID, cq_db_transaction(&second, db, NULL));
    assert_null(second);
    /* the first transaction is unaffected */
    CQ_ASSERT_OK(db, create_in(db, "bob", first));
    CQ_ASSERT_OK(db, cq_txn_commit(first));
    cq_txn_free(first);
    assert_int_equal(count_all(db), 2);
}

static void test_transactions__new_transaction_after_commit(void **state)
{
    cq_db *db = *state;
    cq_txn *txn = NULL;

    CQ_ASSERT_OK(db, cq_db_transaction(&txn, db, NULL));
    uint64_t first_id = cq_txn_id(txn);
    CQ_ASSERT_OK(db, create_in(db, "ada", txn));
    CQ_ASSERT_OK(db, cq_txn_commit(txn));
    cq_txn_free(txn);
    CQ_ASSERT_OK(db, cq_db_transaction(&txn, db, NULL));
    uint64_t second_id = cq_txn_id(txn);
    CQ_ASSERT_OK(db, create_in(db, "bob", txn));
    CQ_ASSERT_OK(db, cq_txn_rollback(txn));
    cq_txn_free(txn);
    assert_true(first_id > 0);
    assert_true(second_id > 0);
    assert_true(first_id != second_id);
    assert_int_equal(count_all(db), 1);
    assert_int_equal(count_named(db, "ada"), 1);
}

static void test_transactions__sync_inside_transaction_rolled_back(void **state)
{
    (void)state;
    /* a db of its own: the fixture's schema froze when it synced */
    cq_db *db = NULL;
    assert_int_equal(fx_open(&db, NULL), 0);
    cq_txn *txn = NULL;
    cq_model *task = NULL;
    const cq_attr attrs[] = { { .name = "title", .type = CQ_STRING }, { 0 } };

    CQ_ASSERT_OK(db, cq_db_define(&task, db, "task", attrs, NULL));
    CQ_ASSERT_OK(db, cq_db_transaction(&txn, db, NULL));
    CQ_ASSERT_OK(db, cq_model_sync(task, &(cq_sync_opts){ .transaction = txn }));
    CQ_ASSERT_OK(db, cq_txn_rollback(txn));
    cq_txn_free(txn);
    assert_int_equal(
        cq_test_scalar_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'tasks'"), 0);
    cq_db_close(db);
}

static void test_transactions__raw_query_in_transaction(void **state)
{
    cq_db *db = *state;
    cq_txn *txn = NULL;

    CQ_ASSERT_OK(db, cq_db_transaction(&txn, db, NULL));
    CQ_ASSERT_OK(db, cq_db_query(NULL, db,
                                 "INSERT INTO users (username, createdAt, updatedAt) VALUES "
                                 "('raw', '2024-01-01 00:00:00.000 +00:00', "
                                 "'2024-01-01 00:00:00.000 +00:00')",
                                 NULL, txn));
    CQ_ASSERT_OK(db, cq_txn_rollback(txn));
    cq_txn_free(txn);
    assert_int_equal(count_all(db), 0);
}

/* ---- nested transactions (savepoints) ---------------------------------------------------- */

static void test_transactions__nested_rollback_keeps_outer_rows(void **state)
{
    cq_db *db = *state;
    cq_txn *outer = NULL;
    cq_txn *inner = NULL;

    CQ_ASSERT_OK(db, cq_db_transaction(&outer, db, NULL));
    CQ_ASSERT_OK(db, create_in(db, "outer", outer));
    CQ_ASSERT_OK(db, cq_db_transaction(&inner, db, &(cq_txn_opts){ .parent = outer }));
    assert_non_null(inner);
    CQ_ASSERT_OK(db, create_in(db, "inner", inner));
    assert_int_equal(count_all(db), 2);
    CQ_ASSERT_OK(db, cq_txn_rollback(inner));
    cq_txn_free(inner);
    assert_int_equal(count_named(db, "inner"), 0);
    assert_int_equal(count_named(db, "outer"), 1);
    CQ_ASSERT_OK(db, cq_txn_commit(outer));
    cq_txn_free(outer);
    assert_int_equal(count_all(db), 1);
    assert_int_equal(count_named(db, "outer"), 1);
}

static void test_transactions__nested_commit_then_outer_commit(void **state)
{
    cq_db *db = *state;
    cq_txn *outer = NULL;
    cq_txn *inner = NULL;

    CQ_ASSERT_OK(db, cq_db_transaction(&outer, db, NULL));
    CQ_ASSERT_OK(db, create_in(db, "outer", outer));
    CQ_ASSERT_OK(db, cq_db_transaction(&inner, db, &(cq_txn_opts){ .parent = outer }));
    CQ_ASSERT_OK(db, create_in(db, "inner", inner));
    CQ_ASSERT_OK(db, cq_txn_commit(inner));
    cq_txn_free(inner);
    CQ_ASSERT_OK(db, cq_txn_commit(outer));
    cq_txn_free(outer);
    assert_int_equal(count_all(db), 2);
    assert_int_equal(count_named(db, "inner"), 1);
}

static void test_transactions__outer_rollback_undoes_committed_inner(void **state)
{
    cq_db *db = *state;
    cq_txn *outer = NULL;
    cq_txn *inner = NULL;

    CQ_ASSERT_OK(db, cq_db_transaction(&outer, db, NULL));
    CQ_ASSERT_OK(db, create_in(db, "outer", outer));
    CQ_ASSERT_OK(db, cq_db_transaction(&inner, db, &(cq_txn_opts){ .parent = outer }));
    CQ_ASSERT_OK(db, create_in(db, "inner", inner));
    CQ_ASSERT_OK(db, cq_txn_commit(inner));
    cq_txn_free(inner);
    CQ_ASSERT_OK(db, cq_txn_rollback(outer));
    cq_txn_free(outer);
    assert_int_equal(count_all(db), 0);
}

static void test_transactions__two_levels_of_nesting(void **state)
{
    cq_db *db = *state;
    cq_txn *t1 = NULL, *t2 = NULL, *t3 = NULL;

    CQ_ASSERT_OK(db, cq_db_transaction(&t1, db, NULL));
    CQ_ASSERT_OK(db, create_in(db, "one", t1));
    CQ_ASSERT_OK(db, cq_db_transaction(&t2, db, &(cq_txn_opts){ .parent = t1 }));
    CQ_ASSERT_OK(db, create_in(db, "two", t2));
    CQ_ASSERT_OK(db, cq_db_transaction(&t3, db, &(cq_txn_opts){ .parent = t2 }));
    CQ_ASSERT_OK(db, create_in(db, "three", t3));
    CQ_ASSERT_OK(db, cq_txn_rollback(t3));
    cq_txn_free(t3);
    CQ_ASSERT_OK(db, cq_txn_commit(t2));
    cq_txn_free(t2);
    CQ_ASSERT_OK(db, cq_txn_commit(t1));
    cq_txn_free(t1);
    assert_int_equal(count_all(db), 2);
    assert_int_equal(count_named(db, "three"), 0);
}

static void test_transactions__nested_uses_savepoint(void **state)
{
    logging_fixture *f = *state;
    cq_db *db = f->db;
    cq_txn *inner = NULL;

    CQ_ASSERT_OK(db, cq_db_transaction(&f->outer, db, NULL));
    CQ_ASSERT_OK(db, cq_db_transaction(&inner, db, &(cq_txn_opts){ .parent = f->outer }));
    CQ_ASSERT_OK(db, cq_txn_rollback(inner));
    cq_txn_free(inner);
    CQ_ASSERT_OK(db, cq_txn_commit(f->outer));
    cq_txn_free(f->outer);
    f->outer = NULL;
    const fixture *c = &f->cap;
    assert_true(c->n >= 4);
    assert_int_equal(strncmp(c->sql[0], "BEGIN", 5), 0);
    assert_int_equal(strncmp(c->sql[1], "SAVEPOINT", 9), 0);
    assert_int_equal(strncmp(c->sql[2], "ROLLBACK TO SAVEPOINT", 21), 0);
    /* releasing the rolled-back savepoint is allowed; nothing else is */
    for (size_t i = 3; i + 1 < c->n; i++)
        assert_int_equal(strncmp(c->sql[i], "RELEASE", 7), 0);
    assert_int_equal(strncmp(c->sql[c->n - 1], "COMMIT", 6), 0);
}

/* Count of captured statements from `from` on that start with `prefix`. */
static size_t count_prefix(const fixture *c, size_t from, const char *prefix)
{
    size_t n = 0;
    for (size_t i = from; i < c->n; i++)
        n += strncmp(c->sql[i], prefix, strlen(prefix)) == 0;
    return n;
}

/* A belongsToMany add/set inside the caller's transaction takes a savepoint only when it
 * writes with more than one statement (a single failing statement undoes only itself); the
 * savepoint's text is the same from call to call (named by depth), and a failure inside one
 * undoes the whole call but not the caller's earlier work. */
static void test_transactions__accessor_savepoint_only_when_needed(void **state)
{
    (void)state;
    fixture cap;
    assert_int_equal(fx_init_all(&cap), 0);
    cq_db *db = cap.db;
    cq_model *post = NULL, *tag = NULL;
    cq_assoc *tags = NULL;
    CQ_ASSERT_OK(db, cq_db_define(&post, db, "post", user_attrs, NULL));
    CQ_ASSERT_OK(db, cq_db_define(&tag, db, "tag", user_attrs, NULL));
    CQ_ASSERT_OK(
        db, cq_model_belongs_to_many(&tags, post, tag, &(cq_assoc_opts){ .through = "post_tag" }));
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    cq_value *v = cq_value_object();
    assert_int_equal(cq_value_object_set(v, "username", cq_value_text("p")), CQ_OK);
    cq_instance *p = NULL, *t1 = NULL, *t2 = NULL;
    CQ_ASSERT_OK(db, cq_model_create(&p, post, v, NULL));
    CQ_ASSERT_OK(db, cq_model_create(&t1, tag, NULL, NULL));
    CQ_ASSERT_OK(db, cq_model_create(&t2, tag, NULL, NULL));
    cq_value_free(v);
    cq_value *k99 = cq_value_int(99);
    cq_txn *txn = NULL;
    CQ_ASSERT_OK(db, cq_db_transaction(&txn, db, NULL));
    cq_assoc_write_opts in = { .transaction = txn };

    /* one INSERT: no savepoint */
    size_t from = cap.n;
    CQ_ASSERT_OK(db, cq_assoc_add(p, tags, &(cq_target){ .instance = t1 }, 1, &in));
    assert_int_equal(count_prefix(&cap, from, "SAVEPOINT"), 0);
    assert_int_equal(count_prefix(&cap, from, "INSERT"), 1);
    /* a failing single INSERT leaves nothing and the transaction usable */
    from = cap.n;
    CQ_ASSERT_ERR(db, CQ_EFOREIGNKEY, cq_assoc_add(p, tags, &(cq_target){ .key = k99 }, 1, &in));
    assert_int_equal(count_prefix(&cap, from, "SAVEPOINT"), 0);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM post_tag"), 1);
    /* set: DELETE t1's link, then an INSERT that fails: in a savepoint, the DELETE undone */
    from = cap.n;
    CQ_ASSERT_ERR(
        db, CQ_EFOREIGNKEY,
        cq_assoc_set(p, tags, (cq_target[]){ { .instance = t2 }, { .key = k99 } }, 2, &in));
    assert_int_equal(count_prefix(&cap, from, "SAVEPOINT \"cq_sp_1\";"), 1);
    assert_int_equal(count_prefix(&cap, from, "ROLLBACK TO SAVEPOINT \"cq_sp_1\";"), 1);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM post_tag WHERE tagId = 1"), 1);
    /* set that succeeds: the same savepoint text again */
    from = cap.n;
    CQ_ASSERT_OK(db, cq_assoc_set(p, tags, &(cq_target){ .instance = t2 }, 1, &in));
    assert_int_equal(count_prefix(&cap, from, "SAVEPOINT \"cq_sp_1\";"), 1);
    assert_int_equal(count_prefix(&cap, from, "RELEASE SAVEPOINT \"cq_sp_1\";"), 1);
    CQ_ASSERT_OK(db, cq_txn_commit(txn));
    cq_txn_free(txn);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM post_tag"), 1);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM post_tag WHERE tagId = 2"), 1);

    /* outside a transaction the accessor still runs in one of its own */
    from = cap.n;
    CQ_ASSERT_OK(db, cq_assoc_add(p, tags, &(cq_target){ .instance = t1 }, 1, NULL));
    assert_int_equal(count_prefix(&cap, from, "BEGIN"), 1);
    assert_int_equal(count_prefix(&cap, from, "COMMIT"), 1);
    cq_value_free(k99);
    cq_instance_free(t2);
    cq_instance_free(t1);
    cq_instance_free(p);
    fx_fini(&cap);
}

static void test_transactions__statements_carry_transaction_id(void **state)
{
    logging_fixture *f = *state;
    cq_db *db = f->db;

    CQ_ASSERT_OK(db, create_in(db, "outside", NULL));
    CQ_ASSERT_OK(db, cq_db_transaction(&f->outer, db, NULL));
    uint64_t id = cq_txn_id(f->outer);
    CQ_ASSERT_OK(db, create_in(db, "inside", f->outer));
    CQ_ASSERT_OK(db, cq_txn_commit(f->outer));
    cq_txn_free(f->outer);
    f->outer = NULL;
    assert_true(id > 0);
    assert_int_equal(f->cap.n, 4); /* INSERT, BEGIN, INSERT, COMMIT */
    assert_int_equal(f->cap.txn_id[0], 0);
    assert_int_equal(f->cap.txn_id[1], id);
    assert_int_equal(f->cap.txn_id[2], id);
    assert_int_equal(f->cap.txn_id[3], id);
}

/* A db on the file of `url` (the test is about closing and opening it again), `user` synced. */
static int open_file_with_user(cq_db **out, const char *url)
{
    cq_error err = { 0 };
    if (cq_db_open(out, url, NULL, &err) != CQ_OK) {
        print_error("cq_db_open: %s\n", err.message);
        return -1;
    }
    if (fx_define_synced(*out, "user", user_attrs) != 0) {
        cq_db_close(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

static void test_transactions__close_rolls_back_open_transaction(void **state)
{
    (void)state;
    char *path = cq_test_temp_db_path("txn-close");
    char url[600];
    cq_db *db = NULL;
    cq_txn *txn = NULL;

    snprintf(url, sizeof url, "sqlite:%s", path);
    assert_int_equal(open_file_with_user(&db, url), 0);
    CQ_ASSERT_OK(db, create_in(db, "kept", NULL));
    CQ_ASSERT_OK(db, cq_db_transaction(&txn, db, NULL));
    CQ_ASSERT_OK(db, create_in(db, "lost", txn));
    cq_db_close(db); /* rolls back txn and finishes the handle */
    assert_false(cq_txn_is_open(txn));
    assert_int_equal(cq_txn_commit(txn), CQ_EINVALID);
    cq_txn_free(txn);

    assert_int_equal(open_file_with_user(&db, url), 0);
    assert_int_equal(count_all(db), 1);
    assert_int_equal(count_named(db, "kept"), 1);
    cq_db_close(db);
    unlink(path);
    free(path);
}

/* ---- lifetime: a finished transaction is refused, never silently ignored ---------------- */

static void test_transactions__commit_twice_is_einvalid(void **state)
{
    cq_db *db = *state;
    cq_txn *txn = NULL;

    CQ_ASSERT_OK(db, cq_db_transaction(&txn, db, NULL));
    assert_true(cq_txn_is_open(txn));
    CQ_ASSERT_OK(db, create_in(db, "ada", txn));
    CQ_ASSERT_OK(db, cq_txn_commit(txn));
    assert_false(cq_txn_is_open(txn));
    CQ_ASSERT_ERR(db, CQ_EINVALID, cq_txn_commit(txn));
    assert_non_null(strstr(cq_db_error(db)->message, "finished"));
    CQ_ASSERT_ERR(db, CQ_EINVALID, cq_txn_rollback(txn));
    cq_txn_free(txn);
    assert_int_equal(count_named(db, "ada"), 1); /* the rollback attempt undid nothing */
}

static void test_transactions__finished_transaction_option_is_einvalid(void **state)
{
    cq_db *db = *state;
    cq_txn *txn = NULL;
    int64_t n = -1;

    CQ_ASSERT_OK(db, cq_db_transaction(&txn, db, NULL));
    CQ_ASSERT_OK(db, cq_txn_rollback(txn));
    /* a write given the finished handle runs nowhere: not outside any transaction */
    CQ_ASSERT_ERR(db, CQ_EINVALID, create_in(db, "ghost", txn));
    assert_non_null(strstr(cq_db_error(db)->message, "finished"));
    CQ_ASSERT_ERR(db, CQ_EINVALID,
                  cq_model_count(&n, users(db), &(cq_find_opts){ .transaction = txn }));
    assert_int_equal(n, 0);
    CQ_ASSERT_ERR(db, CQ_EINVALID, cq_db_query(NULL, db, "DELETE FROM users", NULL, txn));
    cq_txn *child = (cq_txn *)&child;
    CQ_ASSERT_ERR(db, CQ_EINVALID, cq_db_transaction(&child, db, &(cq_txn_opts){ .parent = txn }));
    assert_null(child);
    cq_txn_free(txn);
    assert_int_equal(count_all(db), 0);
    /* the db itself goes on */
    CQ_ASSERT_OK(db, create_in(db, "real", NULL));
    assert_int_equal(count_named(db, "real"), 1);
}

static void test_transactions__free_rolls_back_open_transaction(void **state)
{
    cq_db *db = *state;
    cq_txn *outer = NULL, *inner = NULL;

    CQ_ASSERT_OK(db, create_in(db, "kept", NULL));
    CQ_ASSERT_OK(db, cq_db_transaction(&outer, db, NULL));
    CQ_ASSERT_OK(db, create_in(db, "lost1", outer));
    CQ_ASSERT_OK(db, cq_db_transaction(&inner, db, &(cq_txn_opts){ .parent = outer }));
    CQ_ASSERT_OK(db, create_in(db, "lost2", inner));
    cq_txn_free(outer); /* rolls back inner, then outer */
    assert_false(cq_txn_is_open(inner));
    CQ_ASSERT_ERR(db, CQ_EINVALID, cq_txn_commit(inner));
    cq_txn_free(inner);
    assert_int_equal(count_all(db), 1);
    assert_int_equal(count_named(db, "kept"), 1);
    /* no transaction is left open: a new top-level one begins */
    CQ_ASSERT_OK(db, cq_db_transaction(&outer, db, NULL));
    CQ_ASSERT_OK(db, cq_txn_commit(outer));
    cq_txn_free(outer);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, fx_db_teardown)
    const struct CMUnitTest tests[] = {
        T(test_transactions__commit_keeps_rows),
        T(test_transactions__rollback_removes_rows),
        T(test_transactions__reads_inside_see_uncommitted_rows),
        T(test_transactions__instance_save_rolled_back),
        T(test_transactions__instance_destroy_rolled_back),
        T(test_transactions__model_update_and_destroy_rolled_back),
        T(test_transactions__bulk_create_rolled_back),
        T(test_transactions__failed_bulk_create_keeps_earlier_work),
        T(test_transactions__failed_statement_keeps_transaction_usable),
        T(test_transactions__second_top_level_is_einvalid),
        T(test_transactions__new_transaction_after_commit),
        T(test_transactions__sync_inside_transaction_rolled_back),
        T(test_transactions__raw_query_in_transaction),
        T(test_transactions__nested_rollback_keeps_outer_rows),
        T(test_transactions__nested_commit_then_outer_commit),
        T(test_transactions__outer_rollback_undoes_committed_inner),
        T(test_transactions__two_levels_of_nesting),
        T(test_transactions__commit_twice_is_einvalid),
        T(test_transactions__finished_transaction_option_is_einvalid),
        T(test_transactions__free_rolls_back_open_transaction),
        cmocka_unit_test_setup_teardown(test_transactions__nested_uses_savepoint, setup_logging,
                                        teardown_logging),
        cmocka_unit_test_setup_teardown(test_transactions__statements_carry_transaction_id,
                                        setup_logging, teardown_logging),
        cmocka_unit_test(test_transactions__close_rolls_back_open_transaction),
        cmocka_unit_test(test_transactions__accessor_savepoint_only_when_needed),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
