/* Integration tests for the SQL logging hook (cq_open_opts.log). */
#define _POSIX_C_SOURCE 200809L
#include "cq_fixture.h"

#include <stdlib.h>
#include <string.h>

/* ---- fixtures and helpers ------------------------------------------------------------ */

#define MAX_EVENTS 128

typedef struct logged {
    cq_log_kind kind;
    char *sql;
    cq_value *params; /* array of copies of the bound values */
    size_t n_params;
    uint64_t txn_id;
} logged;

typedef struct log_fixture {
    cq_db *db;
    cq_model *user;
    logged ev[MAX_EVENTS];
    size_t n;
    size_t dropped; /* events past MAX_EVENTS */
} log_fixture;

static void capture_fn(const cq_log_event *event, void *user_data)
{
    log_fixture *f = user_data;
    if (f->n >= MAX_EVENTS) {
        f->dropped++;
        return;
    }
    logged *l = &f->ev[f->n++];
    l->kind = event->kind;
    l->sql = strdup(event->sql ? event->sql : "");
    l->n_params = event->n_params;
    l->txn_id = event->transaction_id;
    l->params = cq_value_array();
    for (size_t i = 0; i < event->n_params; i++)
        cq_value_array_append(l->params, cq_value_copy(event->params[i]));
}

static void clear_events(log_fixture *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->ev[i].sql);
        cq_value_free(f->ev[i].params);
    }
    f->n = 0;
    f->dropped = 0;
}

static void dump_events(const log_fixture *f)
{
    for (size_t i = 0; i < f->n; i++)
        print_error("  [%zu] %s (%zu params)\n", i, f->ev[i].sql, f->ev[i].n_params);
}

static size_t count_placeholders(const char *sql)
{
    size_t n = 0;
    bool quoted = false;
    for (const char *p = sql; *p; p++) {
        if (*p == '\'')
            quoted = !quoted;
        else if (*p == '?' && !quoted)
            n++;
    }
    return n;
}

static const cq_attr user_attrs[] = {
    { .name = "username", .type = CQ_STRING },
    { .name = "age", .type = CQ_INTEGER },
    { 0 },
};

/* Opens a logging db with model `user` defined (not synced). */
static int setup(void **state)
{
    log_fixture *f = calloc(1, sizeof *f);
    cq_open_opts opts = { .log = { .fn = capture_fn, .user_data = f } };

    if (!f)
        return -1;
    if (fx_open(&f->db, &opts) != 0) {
        free(f);
        return -1;
    }
    if (cq_db_define(&f->user, f->db, "user", user_attrs, NULL) != CQ_OK) {
        print_error("define: %s\n", cq_db_error(f->db)->message);
        cq_db_close(f->db);
        clear_events(f);
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

/* setup + sync, with the events so far cleared. */
static int setup_synced(void **state)
{
    if (setup(state) != 0)
        return -1;
    log_fixture *f = *state;
    if (cq_model_sync(f->user, NULL) != CQ_OK) {
        print_error("sync: %s\n", cq_db_error(f->db)->message);
        return -1;
    }
    clear_events(f);
    return 0;
}

static int teardown(void **state)
{
    log_fixture *f = *state;
    cq_db_close(f->db);
    clear_events(f);
    free(f);
    return 0;
}

static int create_json(log_fixture *f, const char *json, cq_txn *txn)
{
    cq_value *values = cq_test_json(json);
    int rc = cq_model_create(NULL, f->user, values, &(cq_write_opts){ .transaction = txn });
    cq_value_free(values);
    return rc;
}

static void assert_event_count(const log_fixture *f, size_t expected)
{
    if (f->n != expected) {
        print_error("%zu statements logged, expected %zu:\n", f->n, expected);
        dump_events(f);
        fail();
    }
}

static void assert_sql_starts(const log_fixture *f, size_t i, const char *prefix)
{
    assert_true(i < f->n);
    if (strncmp(f->ev[i].sql, prefix, strlen(prefix)) != 0) {
        print_error("statement %zu is `%s`, expected it to start with `%s`\n", i, f->ev[i].sql,
                    prefix);
        fail();
    }
}

/* ---- tests ------------------------------------------------------------------------------ */

static void test_logging__sync_logs_create_table(void **state)
{
    log_fixture *f = *state;
    bool found = false;
    const char *ddl = "CREATE TABLE IF NOT EXISTS `users` (`id` INTEGER PRIMARY KEY "
                      "AUTOINCREMENT, `username` VARCHAR(255), `age` INTEGER, `createdAt` "
                      "DATETIME NOT NULL, `updatedAt` DATETIME NOT NULL)";

    CQ_ASSERT_OK(f->db, cq_model_sync(f->user, NULL));
    for (size_t i = 0; i < f->n; i++) {
        if (strncmp(f->ev[i].sql, ddl, strlen(ddl)) == 0) {
            assert_false(found); /* logged once */
            found = true;
            assert_int_equal(f->ev[i].kind, CQ_LOG_SQL);
            assert_int_equal(f->ev[i].txn_id, 0);
        }
    }
    if (!found) {
        print_error("no CREATE TABLE logged:\n");
        dump_events(f);
        fail();
    }
}

static void test_logging__create_logs_exactly_one_insert(void **state)
{
    log_fixture *f = *state;

    CQ_ASSERT_OK(f->db, create_json(f, "{\"username\":\"ada\",\"age\":36}", NULL));
    assert_event_count(f, 1);
    assert_sql_starts(f, 0, "INSERT INTO `users`");
    assert_int_equal(f->ev[0].kind, CQ_LOG_SQL);
    assert_int_equal(f->ev[0].txn_id, 0);
}

static void test_logging__insert_binds_values_as_params(void **state)
{
    log_fixture *f = *state;
    bool saw_name = false, saw_age = false;

    CQ_ASSERT_OK(f->db, create_json(f, "{\"username\":\"ada\",\"age\":36}", NULL));
    assert_event_count(f, 1);
    const logged *l = &f->ev[0];
    /* values are bound, never inlined into the text */
    assert_null(strstr(l->sql, "ada"));
    assert_null(strstr(l->sql, "36"));
    assert_int_equal(count_placeholders(l->sql), l->n_params);
    assert_true(l->n_params >= 4); /* username, age, createdAt, updatedAt */
    for (size_t i = 0; i < l->n_params; i++) {
        const cq_value *p = cq_value_array_get(l->params, i);
        if (cq_value_type_of(p) == CQ_VALUE_TEXT && strcmp(cq_value_as_text(p), "ada") == 0)
            saw_name = true;
        if (cq_value_type_of(p) == CQ_VALUE_INT && cq_value_as_int(p) == 36)
            saw_age = true;
    }
    assert_true(saw_name);
    assert_true(saw_age);
}

static void test_logging__find_all_logs_select_with_params_in_order(void **state)
{
    log_fixture *f = *state;
    cq_rows *rows = NULL;
    cq_value *where = cq_test_json("{\"username\":\"ada\",\"age\":{\"$gt\":3}}");

    CQ_ASSERT_OK(f->db, cq_model_find_all(&rows, f->user, &(cq_find_opts){ .where = where }));
    cq_value_free(where);
    cq_rows_free(rows);
    assert_event_count(f, 1);
    assert_sql_starts(f, 0, "SELECT ");
    assert_non_null(strstr(f->ev[0].sql, "FROM `users`"));
    assert_int_equal(f->ev[0].n_params, 2);
    assert_int_equal(count_placeholders(f->ev[0].sql), 2);
    cq_test_assert_json(f->ev[0].params, "[\"ada\",3]");
}

static void test_logging__where_sql_params_are_bound(void **state)
{
    log_fixture *f = *state;
    cq_rows *rows = NULL;
    cq_value *params = cq_test_json("[10,\"x\"]");

    CQ_ASSERT_OK(f->db, cq_model_find_all(&rows, f->user,
                                          &(cq_find_opts){ .where_sql = "id > ? AND username <> ?",
                                                           .where_params = params }));
    cq_value_free(params);
    cq_rows_free(rows);
    assert_event_count(f, 1);
    assert_non_null(strstr(f->ev[0].sql, "id > ? AND username <> ?"));
    cq_test_assert_json(f->ev[0].params, "[10,\"x\"]");
}

static void test_logging__model_update_params(void **state)
{
    log_fixture *f = *state;
    cq_value *values = cq_test_json("{\"age\":5}");
    cq_value *where = cq_test_json("{\"id\":1}");

    CQ_ASSERT_OK(f->db, create_json(f, "{\"username\":\"ada\",\"age\":36}", NULL));
    clear_events(f);
    CQ_ASSERT_OK(f->db, cq_model_update(NULL, f->user, values, &(cq_bulk_opts){ .where = where }));
    cq_value_free(values);
    cq_value_free(where);
    assert_event_count(f, 1);
    assert_sql_starts(f, 0, "UPDATE `users` SET ");
    /* SET age = ?, updatedAt = ? WHERE id = ? */
    assert_int_equal(f->ev[0].n_params, 3);
    assert_int_equal(count_placeholders(f->ev[0].sql), 3);
    assert_int_equal(cq_value_as_int(cq_value_array_get(f->ev[0].params, 0)), 5);
    assert_int_equal(cq_value_type_of(cq_value_array_get(f->ev[0].params, 1)), CQ_VALUE_TEXT);
    assert_int_equal(cq_value_as_int(cq_value_array_get(f->ev[0].params, 2)), 1);
}

static void test_logging__destroy_logs_delete_by_pk(void **state)
{
    log_fixture *f = *state;
    cq_instance *inst = NULL;
    cq_value *values = cq_test_json("{\"username\":\"ada\"}");

    CQ_ASSERT_OK(f->db, cq_model_create(&inst, f->user, values, NULL));
    cq_value_free(values);
    clear_events(f);
    CQ_ASSERT_OK(f->db, cq_instance_destroy(inst, NULL));
    cq_instance_free(inst);
    assert_event_count(f, 1);
    assert_sql_starts(f, 0, "DELETE FROM `users`");
    cq_test_assert_json(f->ev[0].params, "[1]");
}

static void test_logging__transaction_logs_begin_and_commit(void **state)
{
    log_fixture *f = *state;
    cq_txn *txn = NULL;

    CQ_ASSERT_OK(f->db, cq_db_transaction(&txn, f->db, NULL));
    uint64_t id = cq_txn_id(txn);
    CQ_ASSERT_OK(f->db, create_json(f, "{\"username\":\"ada\"}", txn));
    CQ_ASSERT_OK(f->db, cq_txn_commit(txn));
    cq_txn_free(txn);
    assert_event_count(f, 3);
    assert_sql_starts(f, 0, "BEGIN");
    assert_sql_starts(f, 1, "INSERT INTO `users`");
    assert_sql_starts(f, 2, "COMMIT");
    assert_true(id > 0);
    assert_int_equal(f->ev[1].txn_id, id);
    assert_int_equal(cq_test_scalar_int(f->db, "SELECT count(*) FROM users"), 1);
}

static void test_logging__rollback_is_logged(void **state)
{
    log_fixture *f = *state;
    cq_txn *txn = NULL;

    CQ_ASSERT_OK(f->db, cq_db_transaction(&txn, f->db, NULL));
    CQ_ASSERT_OK(f->db, cq_txn_rollback(txn));
    cq_txn_free(txn);
    assert_event_count(f, 2);
    assert_sql_starts(f, 0, "BEGIN");
    assert_sql_starts(f, 1, "ROLLBACK");
}

static void test_logging__raw_query_logged_verbatim(void **state)
{
    log_fixture *f = *state;
    cq_value *params = cq_test_json("[1,\"x\",null,2.5]");
    cq_value *rows = NULL;

    CQ_ASSERT_OK(f->db,
                 cq_db_query(&rows, f->db, "SELECT ? AS a, ? AS b, ? AS c, ? AS d", params, NULL));
    assert_event_count(f, 1);
    assert_string_equal(f->ev[0].sql, "SELECT ? AS a, ? AS b, ? AS c, ? AS d");
    assert_int_equal(f->ev[0].n_params, 4);
    assert_true(cq_value_is_equal(f->ev[0].params, params));
    /* and the values really were bound */
    cq_test_assert_json(rows, "[{\"a\":1,\"b\":\"x\",\"c\":null,\"d\":2.5}]");
    cq_value_free(rows);
    cq_value_free(params);
}

static void test_logging__find_by_pk_and_count_log_one_select_each(void **state)
{
    log_fixture *f = *state;
    cq_instance *inst = NULL;
    cq_value *pk = cq_value_int(7);
    int64_t n = -1;

    CQ_ASSERT_OK(f->db, cq_model_find_by_pk(&inst, f->user, pk, NULL));
    cq_value_free(pk);
    assert_null(inst);
    assert_event_count(f, 1);
    assert_sql_starts(f, 0, "SELECT ");
    assert_true(f->ev[0].n_params >= 1);
    assert_int_equal(cq_value_as_int(cq_value_array_get(f->ev[0].params, 0)), 7);
    CQ_ASSERT_OK(f->db, cq_model_count(&n, f->user, NULL));
    assert_int_equal(n, 0);
    assert_event_count(f, 2);
    assert_sql_starts(f, 1, "SELECT count(");
}

static void test_logging__mask_warning_only_hides_sql(void **state)
{
    (void)state;
    log_fixture *f = calloc(1, sizeof *f);
    cq_open_opts opts = { .log = { .fn = capture_fn, .user_data = f, .mask = CQ_LOG_WARNING } };

    assert_non_null(f);
    assert_int_equal(fx_open(&f->db, &opts), 0);
    CQ_ASSERT_OK(f->db, cq_db_define(&f->user, f->db, "user", user_attrs, NULL));
    CQ_ASSERT_OK(f->db, cq_model_sync(f->user, NULL));
    CQ_ASSERT_OK(f->db, create_json(f, "{\"username\":\"ada\"}", NULL));
    assert_event_count(f, 0);
    assert_int_equal(cq_test_scalar_int(f->db, "SELECT count(*) FROM users"), 1);
    cq_db_close(f->db);
    clear_events(f);
    free(f);
}

/* A db opened with `opts`: a user created and read back. */
static void create_one_user(const cq_open_opts *opts)
{
    cq_db *db = NULL;
    cq_model *user = NULL;

    assert_int_equal(fx_open(&db, opts), 0);
    CQ_ASSERT_OK(db, cq_db_define(&user, db, "user", user_attrs, NULL));
    CQ_ASSERT_OK(db, cq_model_sync(user, NULL));
    cq_value *values = cq_test_json("{\"username\":\"ada\"}");
    CQ_ASSERT_OK(db, cq_model_create(NULL, user, values, NULL));
    cq_value_free(values);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM users"), 1);
    cq_db_close(db);
}

static void test_logging__no_callback_is_silent(void **state)
{
    (void)state;
    create_one_user(&(cq_open_opts){ 0 });
}

static void test_logging__stderr_logger_is_usable(void **state)
{
    (void)state;
    create_one_user(&(cq_open_opts){ .log = { .fn = cq_log_stderr } });
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_logging__sync_logs_create_table, setup, teardown),
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup_synced, teardown)
        T(test_logging__create_logs_exactly_one_insert),
        T(test_logging__insert_binds_values_as_params),
        T(test_logging__find_all_logs_select_with_params_in_order),
        T(test_logging__where_sql_params_are_bound),
        T(test_logging__model_update_params),
        T(test_logging__destroy_logs_delete_by_pk),
        T(test_logging__transaction_logs_begin_and_commit),
        T(test_logging__rollback_is_logged),
        T(test_logging__raw_query_logged_verbatim),
        T(test_logging__find_by_pk_and_count_log_one_select_each),
#undef T
        cmocka_unit_test(test_logging__mask_warning_only_hides_sql),
        cmocka_unit_test(test_logging__no_callback_is_silent),
        cmocka_unit_test(test_logging__stderr_logger_is_usable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
