/* Integration tests against a real PostgreSQL server (the libpq driver). The server comes
 * from CQ_TEST_POSTGRES_URL (scripts/test-servers starts a throwaway one for `make test`);
 * without it the executable exits 77 and CTest reports a skip.
 *
 * The run creates a database cq_test_<pid> next to the one in the URL and drops it at the
 * end; every test starts from an empty `public` schema in it. */
#define _POSIX_C_SOURCE 200809L
#include "cq_reuse.h"
#include "server_cases.h"

#include <stdlib.h>
#include <string.h>

/* ---- tests ------------------------------------------------------------------------------- */

/* Every data type goes in and comes back with the same value (and the server stores it in
 * the column type sync chose). */
static void test_postgres__every_type_round_trips(void **state)
{
    srv_fixture *f = *state;
    const cq_attr attrs[] = {
        { .name = "s", .type = CQ_STRING, .length = 20 },
        { .name = "c", .type = CQ_CHAR, .length = 3 },
        { .name = "t", .type = CQ_TEXT },
        { .name = "i", .type = CQ_INTEGER },
        { .name = "big", .type = CQ_BIGINT },
        { .name = "small", .type = CQ_SMALLINT },
        { .name = "fl", .type = CQ_FLOAT },
        { .name = "re", .type = CQ_REAL },
        { .name = "dbl", .type = CQ_DOUBLE },
        { .name = "dec", .type = CQ_DECIMAL, .precision = 10, .scale = 2 },
        { .name = "yes", .type = CQ_BOOLEAN },
        { .name = "no", .type = CQ_BOOLEAN },
        { .name = "at", .type = CQ_DATE },
        { .name = "day", .type = CQ_DATEONLY },
        { .name = "tm", .type = CQ_TIME },
        { .name = "uid", .type = CQ_UUID },
        { .name = "js", .type = CQ_JSON },
        { .name = "bin", .type = CQ_BLOB },
        { .name = "nothing", .type = CQ_STRING },
        { 0 },
    };
    cq_model *m = srv_define(f->db, "sample", attrs, &(cq_model_opts){ .timestamps = CQ_OFF });
    CQ_ASSERT_OK(f->db, cq_model_sync(m, NULL));

    cq_value *v = cq_test_json(
        "{\"s\":\"héllo 'quoted' \\\"x\\\"\",\"c\":\"abc\",\"t\":\"line1\\nline2\","
        "\"i\":-2147483648,\"big\":9007199254740993,\"small\":-32768,\"fl\":0.1,\"re\":1.5,"
        "\"dbl\":3.141592653589793,\"dec\":12345678.91,\"yes\":true,\"no\":false,"
        "\"at\":\"2024-05-01T10:20:30.123Z\",\"day\":\"2024-02-29\",\"tm\":\"23:59:58\","
        "\"uid\":\"6f1c2a3e-9b7d-4c1e-8f00-0123456789ab\",\"js\":{\"a\":[1,2,{\"b\":null}]},"
        "\"nothing\":null}");
    static const unsigned char bytes[] = { 0, 1, 0x5c, 0x27, 0x7f, 0x80, 0xff };
    cq_value_object_set(v, "bin", cq_value_blob(bytes, sizeof bytes));
    cq_instance *inst = NULL;
    CQ_ASSERT_OK(f->db, cq_model_create(&inst, m, v, NULL));
    cq_value_free(v);
    assert_non_null(strstr(f->last_sql, "RETURNING \"id\""));
    int64_t id = 0;
    CQ_ASSERT_OK(f->db, cq_instance_get_int(&id, inst, "id"));
    assert_int_equal(id, 1);
    cq_instance_free(inst);

    cq_value *pk = cq_value_int(1);
    CQ_ASSERT_OK(f->db, cq_model_find_by_pk(&inst, m, pk, NULL));
    cq_value_free(pk);
    assert_non_null(inst);
    const char *text = NULL;
    CQ_ASSERT_OK(f->db, cq_instance_get_text(&text, inst, "s"));
    assert_string_equal(text, "héllo 'quoted' \"x\"");
    CQ_ASSERT_OK(f->db, cq_instance_get_text(&text, inst, "t"));
    assert_string_equal(text, "line1\nline2");
    int64_t n = 0;
    CQ_ASSERT_OK(f->db, cq_instance_get_int(&n, inst, "i"));
    assert_true(n == INT64_C(-2147483648));
    CQ_ASSERT_OK(f->db, cq_instance_get_int(&n, inst, "big"));
    assert_true(n == INT64_C(9007199254740993));
    CQ_ASSERT_OK(f->db, cq_instance_get_int(&n, inst, "small"));
    assert_int_equal(n, -32768);
    double d = 0;
    CQ_ASSERT_OK(f->db, cq_instance_get_double(&d, inst, "fl"));
    assert_true(d == 0.1);
    CQ_ASSERT_OK(f->db, cq_instance_get_double(&d, inst, "re"));
    assert_true(d == 1.5);
    CQ_ASSERT_OK(f->db, cq_instance_get_double(&d, inst, "dbl"));
    assert_true(d == 3.141592653589793);
    CQ_ASSERT_OK(f->db, cq_instance_get_double(&d, inst, "dec"));
    assert_true(d == 12345678.91);
    bool b = false;
    CQ_ASSERT_OK(f->db, cq_instance_get_bool(&b, inst, "yes"));
    assert_true(b);
    CQ_ASSERT_OK(f->db, cq_instance_get_bool(&b, inst, "no"));
    assert_false(b);
    assert_int_equal(cq_value_type_of(cq_instance_get(inst, "yes")), CQ_VALUE_BOOL);
    CQ_ASSERT_OK(f->db, cq_instance_get_text(&text, inst, "at"));
    assert_string_equal(text, "2024-05-01T10:20:30.123Z");
    CQ_ASSERT_OK(f->db, cq_instance_get_text(&text, inst, "day"));
    assert_string_equal(text, "2024-02-29");
    CQ_ASSERT_OK(f->db, cq_instance_get_text(&text, inst, "tm"));
    assert_string_equal(text, "23:59:58");
    CQ_ASSERT_OK(f->db, cq_instance_get_text(&text, inst, "uid"));
    assert_string_equal(text, "6f1c2a3e-9b7d-4c1e-8f00-0123456789ab");
    cq_test_assert_json(cq_instance_get(inst, "js"), "{\"a\":[1,2,{\"b\":null}]}");
    size_t len = 0;
    const void *blob = cq_value_as_blob(cq_instance_get(inst, "bin"), &len);
    assert_int_equal(len, sizeof bytes);
    assert_memory_equal(blob, bytes, sizeof bytes);
    assert_true(cq_value_is_null(cq_instance_get(inst, "nothing")));
    cq_instance_free(inst);

    /* what the server holds, in its own text form */
    srv_assert_query(
        f->db,
        "SELECT \"at\"::text AS at, \"dec\"::text AS dec, \"c\", pg_typeof(\"at\")::text "
        "AS at_type, pg_typeof(\"bin\")::text AS bin_type, pg_typeof(\"js\")::text AS "
        "js_type, pg_typeof(\"uid\")::text AS uid_type, length(\"bin\") AS bin_len FROM "
        "samples",
        "[{\"at\":\"2024-05-01 10:20:30.123+00\",\"dec\":\"12345678.91\",\"c\":\"abc\","
        "\"at_type\":\"timestamp with time zone\",\"bin_type\":\"bytea\","
        "\"js_type\":\"json\",\"uid_type\":\"uuid\",\"bin_len\":7}]");

    /* a where on a date and a boolean binds text the server casts */
    assert_int_equal(srv_count_where(f->db, m,
                                     "{\"at\":{\"$gt\":\"2024-05-01T10:20:30.122Z\"},\"yes\":true,"
                                     "\"no\":false,\"day\":\"2024-02-29\"}"),
                     1);
    assert_int_equal(srv_count_where(f->db, m, "{\"at\":{\"$gt\":\"2024-05-01T10:20:30.123Z\"}}"),
                     0);
}

/* sync creates what Sequelize creates: SERIAL keys, NOT NULL, UNIQUE, REFERENCES with actions;
 * a second sync changes nothing. */
static void test_postgres__sync_creates_constraints(void **state)
{
    srv_fixture *f = *state;
    srv_user_tasks x;
    srv_define_user_tasks(f->db, &x);
    srv_assert_query(
        f->db,
        "SELECT column_name AS c, data_type AS t, is_nullable AS n, "
        "column_default LIKE 'nextval(%' AS serial FROM information_schema.columns "
        "WHERE table_schema = 'public' AND table_name = 'users' ORDER BY ordinal_position",
        "[{\"c\":\"id\",\"t\":\"integer\",\"n\":\"NO\",\"serial\":true},"
        "{\"c\":\"username\",\"t\":\"character varying\",\"n\":\"NO\",\"serial\":null},"
        "{\"c\":\"age\",\"t\":\"integer\",\"n\":\"YES\",\"serial\":null},"
        "{\"c\":\"createdAt\",\"t\":\"timestamp with time zone\",\"n\":\"NO\","
        "\"serial\":null},"
        "{\"c\":\"updatedAt\",\"t\":\"timestamp with time zone\",\"n\":\"NO\","
        "\"serial\":null}]");
    srv_assert_query(
        f->db,
        "SELECT kcu.column_name AS c, ccu.table_name AS ref, rc.delete_rule AS del, "
        "rc.update_rule AS upd FROM information_schema.referential_constraints rc "
        "JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = "
        "rc.constraint_name JOIN information_schema.constraint_column_usage ccu ON "
        "ccu.constraint_name = rc.constraint_name WHERE kcu.table_name = 'tasks'",
        "[{\"c\":\"userId\",\"ref\":\"users\",\"del\":\"CASCADE\",\"upd\":\"CASCADE\"}]");
    srv_assert_query(
        f->db,
        "SELECT tc.table_name AS t, kcu.column_name AS c FROM "
        "information_schema.table_constraints tc JOIN information_schema.key_column_usage "
        "kcu ON kcu.constraint_name = tc.constraint_name WHERE tc.constraint_type = "
        "'UNIQUE' AND tc.table_schema = 'public' ORDER BY 1, 2",
        "[{\"t\":\"tasks\",\"c\":\"title\"},{\"t\":\"users\",\"c\":\"username\"}]");
    /* IF NOT EXISTS: syncing again is harmless and silent */
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    /* force drops and recreates (DROP TABLE ... CASCADE) */
    cq_instance_free(srv_create(f->db, x.user, "{\"username\":\"ada\"}"));
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, &(cq_sync_opts){ .force = true }));
    assert_int_equal(srv_count_where(f->db, x.user, NULL), 0);
}

static void test_postgres__crud_and_where_operators(void **state)
{
    check_crud_and_where_operators(*state);
}

static void test_postgres__bulk_create(void **state)
{
    check_bulk_create(*state, (srv_error){ .sqlstate = "23505" });
}

static void test_postgres__transactions_and_savepoints(void **state)
{
    check_transactions_and_savepoints(*state);
}

/* A savepoint's SAVEPOINT and RELEASE go in one round trip with the statement after them
 * (libpq's pipeline): the log still shows them in order; a failure inside rolls back to the
 * savepoint and leaves the transaction usable; and in a transaction already aborted by a
 * failed statement, the kept SAVEPOINT's error is the next statement's, the connection stays
 * usable after the rollback. */
static void test_postgres__savepoints_ride_with_the_next_statement(void **state)
{
    srv_fixture *f = *state;
    srv_user_tasks x;
    srv_define_user_tasks(f->db, &x);
    cq_txn *t = NULL, *inner = NULL;
    CQ_ASSERT_OK(f->db, cq_db_transaction(&t, f->db, NULL));
    CQ_ASSERT_OK(f->db, cq_db_transaction(&inner, f->db, &(cq_txn_opts){ .parent = t }));
    assert_non_null(strstr(f->last_sql, "SAVEPOINT \"cq_sp_"));
    CQ_ASSERT_OK(f->db, srv_try_create(x.user, "{\"username\":\"a\"}",
                                       &(cq_write_opts){ .transaction = inner }));
    assert_non_null(strstr(f->last_sql, "INSERT INTO \"users\""));
    CQ_ASSERT_OK(f->db, cq_txn_commit(inner));
    cq_txn_free(inner);
    assert_non_null(strstr(f->last_sql, "RELEASE SAVEPOINT \"cq_sp_"));
    /* the RELEASE went with this count */
    assert_int_equal(cq_test_scalar_int(f->db, "SELECT count(*) FROM users"), 1);
    /* a failure inside a savepoint: rolled back to it, the transaction goes on */
    CQ_ASSERT_OK(f->db, cq_db_transaction(&inner, f->db, &(cq_txn_opts){ .parent = t }));
    CQ_ASSERT_ERR(
        f->db, CQ_EUNIQUE,
        srv_try_create(x.user, "{\"username\":\"a\"}", &(cq_write_opts){ .transaction = inner }));
    CQ_ASSERT_OK(f->db, cq_txn_rollback(inner));
    cq_txn_free(inner);
    CQ_ASSERT_OK(f->db, srv_try_create(x.user, "{\"username\":\"b\"}",
                                       &(cq_write_opts){ .transaction = t }));
    /* a savepoint opened and released with nothing in between: both go with the commit */
    CQ_ASSERT_OK(f->db, cq_db_transaction(&inner, f->db, &(cq_txn_opts){ .parent = t }));
    CQ_ASSERT_OK(f->db, cq_txn_commit(inner));
    cq_txn_free(inner);
    CQ_ASSERT_OK(f->db, cq_txn_commit(t));
    cq_txn_free(t);
    assert_int_equal(srv_count_where(f->db, x.user, NULL), 2);

    /* an aborted transaction: the kept SAVEPOINT fails, and says so on the INSERT after it
     * (behind a transaction pooler nothing is kept: the SAVEPOINT itself fails) */
    bool pooled = strstr(srv_url(), "transaction_pooler=true") != NULL;
    CQ_ASSERT_OK(f->db, cq_db_transaction(&t, f->db, NULL));
    CQ_ASSERT_ERR(f->db, CQ_EDATABASE, cq_db_query(NULL, f->db, "SELECT 1 / 0", NULL, NULL));
    int rc = cq_db_transaction(&inner, f->db, &(cq_txn_opts){ .parent = t });
    assert_int_equal(rc, pooled ? CQ_EDATABASE : CQ_OK);
    if (rc == CQ_OK) {
        CQ_ASSERT_ERR(f->db, CQ_EDATABASE,
                      srv_try_create(x.user, "{\"username\":\"c\"}",
                                     &(cq_write_opts){ .transaction = inner }));
        assert_non_null(strstr(cq_db_error(f->db)->message, "aborted"));
        cq_txn_rollback(inner); /* (the savepoint was never made: this may fail) */
        cq_txn_free(inner);
    } else {
        assert_non_null(strstr(cq_db_error(f->db)->message, "aborted"));
    }
    CQ_ASSERT_OK(f->db, cq_txn_rollback(t));
    cq_txn_free(t);
    /* the connection is clean: a new transaction writes and commits */
    CQ_ASSERT_OK(f->db, cq_db_transaction(&t, f->db, NULL));
    CQ_ASSERT_OK(f->db, cq_db_transaction(&inner, f->db, &(cq_txn_opts){ .parent = t }));
    CQ_ASSERT_OK(f->db, srv_try_create(x.user, "{\"username\":\"d\"}",
                                       &(cq_write_opts){ .transaction = inner }));
    CQ_ASSERT_OK(f->db, cq_txn_commit(inner));
    cq_txn_free(inner);
    CQ_ASSERT_OK(f->db, cq_txn_commit(t));
    cq_txn_free(t);
    assert_int_equal(srv_count_where(f->db, x.user, NULL), 3);
    assert_int_equal(srv_count_where(f->db, x.user, "{\"username\":\"c\"}"), 0);
}

/* Constraint violations map to cequel's codes and keep the server's SQLSTATE. */
static void test_postgres__constraint_errors_carry_sqlstate(void **state)
{
    srv_fixture *f = *state;
    srv_user_tasks x;
    srv_define_user_tasks(f->db, &x);
    cq_instance_free(srv_create(f->db, x.user, "{\"username\":\"ada\"}"));

    CQ_ASSERT_ERR(f->db, CQ_EUNIQUE, srv_try_create(x.user, "{\"username\":\"ada\"}", NULL));
    srv_assert_error(f->db, CQ_EUNIQUE, "23505");
    assert_non_null(strstr(cq_db_error(f->db)->message, "users_username_key"));

    CQ_ASSERT_ERR(f->db, CQ_EFOREIGNKEY,
                  srv_try_create(x.task, "{\"title\":\"t\",\"userId\":42}", NULL));
    srv_assert_error(f->db, CQ_EFOREIGNKEY, "23503");

    /* NOT NULL enforced by the server (the model check is bypassed by a raw statement) */
    cq_value *params = cq_test_json("[null]");
    CQ_ASSERT_ERR(f->db, CQ_ENOTNULL,
                  cq_db_query(NULL, f->db,
                              "INSERT INTO users (username, \"createdAt\", \"updatedAt\") "
                              "VALUES (?, now(), now())",
                              params, NULL));
    cq_value_free(params);
    srv_assert_error(f->db, CQ_ENOTNULL, "23502");

    /* any other server error is CQ_EDATABASE with its SQLSTATE */
    CQ_ASSERT_ERR(f->db, CQ_EDATABASE, cq_db_query(NULL, f->db, "SELEC 1", NULL, NULL));
    srv_assert_error(f->db, CQ_EDATABASE, "42601");
    CQ_ASSERT_ERR(f->db, CQ_EDATABASE, cq_db_query(NULL, f->db, "SELECT * FROM nope", NULL, NULL));
    srv_assert_error(f->db, CQ_EDATABASE, "42P01");

    /* deleting a referenced user cascades (ON DELETE CASCADE from hasMany's option) */
    cq_instance_free(srv_create(f->db, x.task, "{\"title\":\"t\",\"userId\":1}"));
    int64_t n = 0;
    cq_value *w = cq_test_json("{\"id\":1}");
    CQ_ASSERT_OK(f->db, cq_model_destroy(&n, x.user, &(cq_bulk_opts){ .where = w }));
    cq_value_free(w);
    assert_int_equal(n, 1);
    assert_int_equal(srv_count_where(f->db, x.task, NULL), 0);
    /* the connection is still usable after errors outside a transaction */
    assert_int_equal(cq_test_scalar_int(f->db, "SELECT count(*) FROM users"), 0);
}

/* Raw queries: ? placeholders become $n, results keep their types. */
static void test_postgres__raw_query_with_params(void **state)
{
    srv_fixture *f = *state;
    cq_value *params = cq_test_json("[41,\"x'y\",2.5,true,null]");
    cq_value *rows = NULL;
    CQ_ASSERT_OK(f->db, cq_db_query(&rows, f->db,
                                    "SELECT ?::int + 1 AS n, ?::text AS s, ?::float8 * 2 AS d, "
                                    "NOT ?::boolean AS b, ?::text IS NULL AS isnull, "
                                    "'?' AS literal, 10::numeric / 4 AS q, 5::bigint AS big",
                                    params, NULL));
    cq_value_free(params);
    assert_non_null(strstr(f->last_sql, "$5"));
    cq_test_assert_json(rows, "[{\"n\":42,\"s\":\"x'y\",\"d\":5,\"b\":false,\"isnull\":true,"
                              "\"literal\":\"?\",\"q\":\"2.5000000000000000\",\"big\":5}]");
    cq_value *first = cq_value_array_get(rows, 0);
    assert_int_equal(cq_value_type_of(cq_value_object_get(first, "n")), CQ_VALUE_INT);
    assert_int_equal(cq_value_type_of(cq_value_object_get(first, "d")), CQ_VALUE_DOUBLE);
    /* NUMERIC/DECIMAL: the server's exact text, as Sequelize's raw queries return it */
    assert_int_equal(cq_value_type_of(cq_value_object_get(first, "q")), CQ_VALUE_TEXT);
    assert_int_equal(cq_value_type_of(cq_value_object_get(first, "b")), CQ_VALUE_BOOL);
    assert_int_equal(cq_value_type_of(cq_value_object_get(first, "big")), CQ_VALUE_INT);
    cq_value_free(rows);

    /* DDL and DML without a result set */
    CQ_ASSERT_OK(f->db,
                 cq_db_query(NULL, f->db, "CREATE TABLE raw_t (v bytea, t text)", NULL, NULL));
    params = cq_value_array();
    static const unsigned char bytes[] = { 0xde, 0xad, 0, 0xbe, 0xef };
    cq_value_array_append(params, cq_value_blob(bytes, sizeof bytes));
    cq_value_array_append(params, cq_value_text("ünïcode ✓"));
    CQ_ASSERT_OK(f->db, cq_db_query(NULL, f->db, "INSERT INTO raw_t VALUES (?, ?)", params, NULL));
    cq_value_free(params);
    CQ_ASSERT_OK(f->db, cq_db_query(&rows, f->db, "SELECT v, t, encode(v, 'hex') AS h FROM raw_t",
                                    NULL, NULL));
    cq_value *row = cq_value_array_get(rows, 0);
    size_t len = 0;
    const void *p = cq_value_as_blob(cq_value_object_get(row, "v"), &len);
    assert_int_equal(len, sizeof bytes);
    assert_memory_equal(p, bytes, sizeof bytes);
    assert_string_equal(cq_value_as_text(cq_value_object_get(row, "t")), "ünïcode ✓");
    assert_string_equal(cq_value_as_text(cq_value_object_get(row, "h")), "dead00beef");
    cq_value_free(rows);

    /* COPY to the client has no stream here: refused, and the connection stays usable */
    CQ_ASSERT_ERR(f->db, CQ_ENOTSUPPORTED,
                  cq_db_query(NULL, f->db, "COPY raw_t TO STDOUT", NULL, NULL));
    CQ_ASSERT_ERR(f->db, CQ_ENOTSUPPORTED,
                  cq_db_query(NULL, f->db, "COPY raw_t FROM STDIN", NULL, NULL));
    assert_int_equal(cq_test_scalar_int(f->db, "SELECT count(*) FROM raw_t"), 1);
}

static void test_postgres__associations(void **state)
{
    check_associations(*state);
}

static void test_postgres__include_to_one_and_to_many(void **state)
{
    check_include(*state);
}

/* Nested create runs in one transaction: a server error deep in the tree rolls back all. */
static void test_postgres__nested_create_and_rollback(void **state)
{
    srv_check_nested_create_and_rollback(*state, (srv_error){ .sqlstate = "23505" },
                                         "SELECT id, title, \"userId\" FROM tasks ORDER BY id");
}

/* A server that is not there: CQ_ECONNECT with libpq's reason; a bad URL scheme is refused. */
static void test_postgres__connect_errors(void **state)
{
    (void)state;
    cq_db *db = NULL;
    cq_error err = { 0 };
    /* port 1 on loopback: nothing listens, the refusal is immediate */
    assert_int_equal(
        cq_db_open(&db, "postgresql://nobody@127.0.0.1:1/none?connect_timeout=5", NULL, &err),
        CQ_ECONNECT);
    assert_null(db);
    assert_non_null(strstr(err.message, "cannot connect to PostgreSQL"));
    /* a URL libpq cannot parse is a bad argument, not a connection failure */
    assert_int_equal(
        cq_db_open(&db, "postgres://nobody@127.0.0.1:1/none?bogus_option=1", NULL, &err),
        CQ_EINVALID);
    assert_null(db);
    assert_non_null(strstr(err.message, "bogus_option"));
    assert_int_equal(cq_db_open(&db, "postgres:nothing", NULL, &err), CQ_EINVALID);
    assert_null(db);
}

/* 70,000 parents: more keys than the 65,535 parameters a statement carries */
static void test_postgres__include_more_parents_than_a_statement_binds(void **state)
{
    srv_fixture *f = *state;
    check_many_parents(f->db, 70000, &f->statements, 2);
}

/* Prepared statements kept by the driver give right results after errors, evictions and
 * DDL (docs/dialects.md, "Prepared statements"). */
static void test_postgres__statement_reuse(void **state)
{
    cq_check_statement_reuse(srv_fixture_db(state));
}

int main(void)
{
    int rc = srv_begin(CQ_DIALECT_POSTGRES, "test_postgres", "cq_test");
    if (rc != 0)
        return rc;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_postgres__every_type_round_trips, srv_setup,
                                        srv_teardown),
        cmocka_unit_test_setup_teardown(test_postgres__sync_creates_constraints, srv_setup,
                                        srv_teardown),
        cmocka_unit_test_setup_teardown(test_postgres__crud_and_where_operators, srv_setup,
                                        srv_teardown),
        cmocka_unit_test_setup_teardown(test_postgres__bulk_create, srv_setup, srv_teardown),
        cmocka_unit_test_setup_teardown(test_postgres__transactions_and_savepoints, srv_setup,
                                        srv_teardown),
        cmocka_unit_test_setup_teardown(test_postgres__savepoints_ride_with_the_next_statement,
                                        srv_setup, srv_teardown),
        cmocka_unit_test_setup_teardown(test_postgres__constraint_errors_carry_sqlstate, srv_setup,
                                        srv_teardown),
        cmocka_unit_test_setup_teardown(test_postgres__raw_query_with_params, srv_setup,
                                        srv_teardown),
        cmocka_unit_test_setup_teardown(test_postgres__associations, srv_setup, srv_teardown),
        cmocka_unit_test_setup_teardown(test_postgres__include_to_one_and_to_many, srv_setup,
                                        srv_teardown),
        cmocka_unit_test_setup_teardown(test_postgres__nested_create_and_rollback, srv_setup,
                                        srv_teardown),
        cmocka_unit_test_setup_teardown(test_postgres__statement_reuse, srv_setup, srv_teardown),
        cmocka_unit_test_setup_teardown(test_postgres__include_more_parents_than_a_statement_binds,
                                        srv_setup, srv_teardown),
        cmocka_unit_test(test_postgres__connect_errors),
    };
    return srv_end(cmocka_run_group_tests(tests, NULL, NULL));
}
