/* Integration tests against a real PostgreSQL server (the libpq driver). The server comes
 * from CQ_TEST_POSTGRES_URL (scripts/test-servers starts a throwaway one for `make test`);
 * without it the executable exits 77 and CTest reports a skip.
 *
 * The run creates a database cq_test_<pid> next to the one in the URL and drops it at the
 * end; every test starts from an empty `public` schema in it. */
#define _POSIX_C_SOURCE 200809L
#include "cq_reuse.h"
#include "cq_server.h"

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

/* create / find with where operators / update / destroy / count. */
static void test_postgres__crud_and_where_operators(void **state)
{
    srv_fixture *f = *state;
    srv_user_tasks x;
    srv_define_user_tasks(f->db, &x);
    srv_check_where_operators(f->db, x.user);

    cq_rows *rows = NULL;
    cq_value *w = cq_test_json("{\"age\":{\"$gte\":30}}");
    CQ_ASSERT_OK(
        f->db, cq_model_find_all(
                   &rows, x.user,
                   &(cq_find_opts){ .where = w,
                                    .order = (cq_order[]){ { .attr = "age", .desc = true }, { 0 } },
                                    .limit = 2,
                                    .offset = 1,
                                    .attributes = (const char *[]){ "id", "username", NULL } }));
    cq_value_free(w);
    assert_non_null(strstr(f->last_sql, "LIMIT 2 OFFSET 1"));
    srv_assert_rows(rows, "[{\"id\":4,\"username\":\"dee\"},{\"id\":3,\"username\":\"cy\"}]");
    cq_rows_free(rows);

    /* raw where fragment with ? placeholders becomes $n */
    cq_value *params = cq_test_json("[35]");
    int64_t n = 0;
    CQ_ASSERT_OK(f->db, cq_model_count(
                            &n, x.user,
                            &(cq_find_opts){ .where_sql = "\"age\" < ?", .where_params = params }));
    cq_value_free(params);
    assert_int_equal(n, 2);

    /* model-level update and destroy report the rows they touched */
    w = cq_test_json("{\"age\":{\"$lt\":40}}");
    cq_value *values = cq_test_json("{\"age\":99}");
    CQ_ASSERT_OK(f->db, cq_model_update(&n, x.user, values, &(cq_bulk_opts){ .where = w }));
    cq_value_free(w);
    cq_value_free(values);
    assert_int_equal(n, 2);
    assert_int_equal(srv_count_where(f->db, x.user, "{\"age\":99}"), 2);

    /* instance update, reload, destroy */
    cq_instance *u = NULL;
    w = cq_test_json("{\"username\":\"eve\"}");
    CQ_ASSERT_OK(f->db, cq_model_find_one(&u, x.user, &(cq_find_opts){ .where = w }));
    cq_value_free(w);
    assert_non_null(u);
    srv_assert_instance(u, "{\"id\":5,\"username\":\"eve\",\"age\":60,\"createdAt\":\"<ts>\","
                           "\"updatedAt\":\"<ts>\"}");
    const char *created = NULL;
    CQ_ASSERT_OK(f->db, cq_instance_get_text(&created, u, "createdAt"));
    assert_int_equal(strlen(created), 24); /* 2024-05-01T10:20:30.123Z */
    assert_int_equal(created[23], 'Z');
    values = cq_test_json("{\"age\":61}");
    CQ_ASSERT_OK(f->db, cq_instance_update(u, values, NULL));
    cq_value_free(values);
    CQ_ASSERT_OK(f->db, cq_instance_reload(u, NULL));
    CQ_ASSERT_OK(f->db, cq_instance_get_int(&n, u, "age"));
    assert_int_equal(n, 61);
    CQ_ASSERT_OK(f->db, cq_instance_destroy(u, NULL));
    cq_instance_free(u);
    assert_int_equal(srv_count_where(f->db, x.user, NULL), 4);

    w = cq_test_json("{\"age\":99}");
    CQ_ASSERT_OK(f->db, cq_model_destroy(&n, x.user, &(cq_bulk_opts){ .where = w }));
    cq_value_free(w);
    assert_int_equal(n, 2);
    assert_int_equal(srv_count_where(f->db, x.user, NULL), 2);
}

/* bulkCreate: one INSERT, the generated ids come back in order. */
static void test_postgres__bulk_create(void **state)
{
    srv_fixture *f = *state;
    srv_user_tasks x;
    srv_define_user_tasks(f->db, &x);
    cq_value *values = cq_test_json("[{\"username\":\"a\",\"age\":1},{\"username\":\"b\"},"
                                    "{\"username\":\"c\",\"age\":3}]");
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(f->db, cq_model_bulk_create(&rows, x.user, values, NULL));
    cq_value_free(values);
    assert_int_equal(cq_rows_count(rows), 3);
    cq_rows_free(rows);
    rows = srv_find_all(f->db, x.user, NULL, srv_by_id);
    srv_assert_rows(rows, "[{\"id\":1,\"username\":\"a\",\"age\":1,\"createdAt\":\"<ts>\","
                          "\"updatedAt\":\"<ts>\"},{\"id\":2,\"username\":\"b\",\"age\":null,"
                          "\"createdAt\":\"<ts>\",\"updatedAt\":\"<ts>\"},{\"id\":3,\"username\":"
                          "\"c\",\"age\":3,\"createdAt\":\"<ts>\",\"updatedAt\":\"<ts>\"}]");
    cq_rows_free(rows);

    /* all or nothing: a duplicate in the batch inserts none */
    values = cq_test_json("[{\"username\":\"d\"},{\"username\":\"a\"}]");
    CQ_ASSERT_ERR(f->db, CQ_EUNIQUE, cq_model_bulk_create(NULL, x.user, values, NULL));
    cq_value_free(values);
    srv_assert_error(f->db, CQ_EUNIQUE, "23505");
    assert_int_equal(srv_count_where(f->db, x.user, NULL), 3);
}

/* Commit keeps, rollback discards, a savepoint rollback discards only the inner work. */
static void test_postgres__transactions_and_savepoints(void **state)
{
    srv_fixture *f = *state;
    srv_user_tasks x;
    srv_define_user_tasks(f->db, &x);

    cq_txn *t = NULL;
    CQ_ASSERT_OK(f->db, cq_db_transaction(&t, f->db, NULL));
    CQ_ASSERT_OK(f->db, srv_try_create(x.user, "{\"username\":\"kept\"}",
                                       &(cq_write_opts){ .transaction = t }));
    CQ_ASSERT_OK(f->db, cq_txn_commit(t));
    cq_txn_free(t);
    assert_int_equal(srv_count_where(f->db, x.user, NULL), 1);

    CQ_ASSERT_OK(f->db, cq_db_transaction(&t, f->db, NULL));
    CQ_ASSERT_OK(f->db, srv_try_create(x.user, "{\"username\":\"gone\"}",
                                       &(cq_write_opts){ .transaction = t }));
    CQ_ASSERT_OK(f->db, cq_txn_rollback(t));
    cq_txn_free(t);
    assert_int_equal(srv_count_where(f->db, x.user, "{\"username\":\"gone\"}"), 0);

    /* savepoint: the outer row survives, the inner one does not */
    cq_txn *inner = NULL;
    CQ_ASSERT_OK(f->db, cq_db_transaction(&t, f->db, NULL));
    CQ_ASSERT_OK(f->db, srv_try_create(x.user, "{\"username\":\"outer\"}",
                                       &(cq_write_opts){ .transaction = t }));
    CQ_ASSERT_OK(f->db, cq_db_transaction(&inner, f->db, &(cq_txn_opts){ .parent = t }));
    assert_non_null(strstr(f->last_sql, "SAVEPOINT \"cq_sp_"));
    CQ_ASSERT_OK(f->db, srv_try_create(x.user, "{\"username\":\"inner\"}",
                                       &(cq_write_opts){ .transaction = inner }));
    /* a failed statement aborts the PostgreSQL transaction until the savepoint rolls back */
    CQ_ASSERT_ERR(f->db, CQ_EUNIQUE,
                  srv_try_create(x.user, "{\"username\":\"outer\"}",
                                 &(cq_write_opts){ .transaction = inner }));
    CQ_ASSERT_OK(f->db, cq_txn_rollback(inner));
    cq_txn_free(inner);
    CQ_ASSERT_OK(f->db, srv_try_create(x.user, "{\"username\":\"after\"}",
                                       &(cq_write_opts){ .transaction = t }));
    CQ_ASSERT_OK(f->db, cq_txn_commit(t));
    cq_txn_free(t);
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(f->db, cq_model_find_all(
                            &rows, x.user,
                            &(cq_find_opts){ .order = srv_by_id,
                                             .attributes = (const char *[]){ "username", NULL } }));
    srv_assert_rows(rows, "[{\"username\":\"kept\"},{\"username\":\"outer\"},"
                          "{\"username\":\"after\"}]");
    cq_rows_free(rows);
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

/* hasMany add/get/count and belongsToMany add/get with the join row. */
static void test_postgres__associations(void **state)
{
    srv_fixture *f = *state;
    srv_user_tasks x;
    x.user = srv_define(f->db, "user", srv_user_attrs, NULL);
    x.task = srv_define(f->db, "task", srv_task_attrs, NULL);
    cq_model *project = srv_define(
        f->db, "project", (cq_attr[]){ { .name = "name", .type = CQ_STRING }, { 0 } }, NULL);
    cq_model *membership = srv_define(
        f->db, "membership", (cq_attr[]){ { .name = "role", .type = CQ_STRING }, { 0 } }, NULL);
    cq_assoc *projects = NULL, *members = NULL;
    CQ_ASSERT_OK(f->db, cq_model_has_many(&x.tasks, x.user, x.task, NULL));
    CQ_ASSERT_OK(f->db, cq_model_belongs_to_many(&projects, x.user, project,
                                                 &(cq_assoc_opts){ .through_model = membership }));
    CQ_ASSERT_OK(f->db, cq_model_belongs_to_many(&members, project, x.user,
                                                 &(cq_assoc_opts){ .through_model = membership }));
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));

    cq_instance *ada = srv_create(f->db, x.user, "{\"username\":\"ada\"}");
    cq_instance *t1 = srv_create(f->db, x.task, "{\"title\":\"one\"}");
    cq_instance *t2 = srv_create(f->db, x.task, "{\"title\":\"two\"}");
    cq_instance_free(srv_create(f->db, x.task, "{\"title\":\"other\"}"));
    CQ_ASSERT_OK(f->db,
                 cq_assoc_add(ada, x.tasks, (cq_target[]){ { .instance = t1 }, { .instance = t2 } },
                              2, NULL));
    int64_t n = 0;
    CQ_ASSERT_OK(f->db, cq_assoc_count(&n, ada, x.tasks, NULL));
    assert_int_equal(n, 2);
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(
        f->db,
        cq_assoc_get(&rows, ada, x.tasks,
                     &(cq_find_opts){ .order = srv_by_id,
                                      .attributes = (const char *[]){ "title", "userId", NULL } }));
    srv_assert_rows(rows, "[{\"title\":\"one\",\"userId\":1},{\"title\":\"two\",\"userId\":1}]");
    cq_rows_free(rows);
    bool has = false;
    CQ_ASSERT_OK(f->db,
                 cq_assoc_has(&has, ada, x.tasks, (cq_target[]){ { .instance = t2 } }, 1, NULL));
    assert_true(has);

    cq_instance *p1 = srv_create(f->db, project, "{\"name\":\"p1\"}");
    cq_instance *p2 = srv_create(f->db, project, "{\"name\":\"p2\"}");
    cq_value *lead = cq_test_json("{\"role\":\"lead\"}");
    CQ_ASSERT_OK(f->db, cq_instance_set_through_data(p2, lead));
    cq_value_free(lead);
    cq_value *dev = cq_test_json("{\"role\":\"dev\"}");
    CQ_ASSERT_OK(f->db, cq_assoc_add(ada, projects,
                                     (cq_target[]){ { .instance = p1 }, { .instance = p2 } }, 2,
                                     &(cq_assoc_write_opts){ .through = dev }));
    cq_value_free(dev);
    CQ_ASSERT_OK(f->db, cq_assoc_get(&rows, ada, projects, &(cq_find_opts){ .order = srv_by_id }));
    assert_int_equal(cq_rows_count(rows), 2);
    const char *role = NULL;
    CQ_ASSERT_OK(f->db,
                 cq_instance_get_text(&role, cq_instance_through(cq_rows_at(rows, 0)), "role"));
    assert_string_equal(role, "dev");
    CQ_ASSERT_OK(f->db,
                 cq_instance_get_text(&role, cq_instance_through(cq_rows_at(rows, 1)), "role"));
    assert_string_equal(role, "lead");
    srv_assert_rows(rows,
                    "[{\"id\":1,\"name\":\"p1\",\"createdAt\":\"<ts>\",\"updatedAt\":\"<ts>\","
                    "\"membership\":{\"role\":\"dev\",\"createdAt\":\"<ts>\",\"updatedAt\":"
                    "\"<ts>\",\"userId\":1,\"projectId\":1}},{\"id\":2,\"name\":\"p2\","
                    "\"createdAt\":\"<ts>\",\"updatedAt\":\"<ts>\",\"membership\":{\"role\":"
                    "\"lead\",\"createdAt\":\"<ts>\",\"updatedAt\":\"<ts>\",\"userId\":1,"
                    "\"projectId\":2}}]");
    cq_rows_free(rows);
    CQ_ASSERT_OK(f->db, cq_assoc_count(&n, p2, members, NULL));
    assert_int_equal(n, 1);
    /* adding a pair again updates its join row instead of inserting a second one */
    cq_value *owner = cq_test_json("{\"role\":\"owner\"}");
    CQ_ASSERT_OK(f->db, cq_assoc_add(ada, projects, (cq_target[]){ { .instance = p1 } }, 1,
                                     &(cq_assoc_write_opts){ .through = owner }));
    cq_value_free(owner);
    srv_assert_query(f->db, "SELECT \"userId\", \"projectId\", role FROM memberships ORDER BY 2",
                     "[{\"userId\":1,\"projectId\":1,\"role\":\"owner\"},"
                     "{\"userId\":1,\"projectId\":2,\"role\":\"lead\"}]");

    cq_instance_free(p1);
    cq_instance_free(p2);
    cq_instance_free(t1);
    cq_instance_free(t2);
    cq_instance_free(ada);
}

/* include: to-one (belongsTo) and to-many (hasMany), batched and single-join. */
static void test_postgres__include_to_one_and_to_many(void **state)
{
    srv_fixture *f = *state;
    srv_user_tasks x;
    srv_define_user_tasks(f->db, &x);
    cq_instance_free(srv_create(f->db, x.user, "{\"username\":\"ada\"}"));
    cq_instance_free(srv_create(f->db, x.user, "{\"username\":\"bob\"}"));
    cq_instance_free(srv_create(f->db, x.task, "{\"title\":\"a1\",\"done\":true,\"userId\":1}"));
    cq_instance_free(srv_create(f->db, x.task, "{\"title\":\"a2\",\"done\":false,\"userId\":1}"));
    cq_instance_free(srv_create(f->db, x.task, "{\"title\":\"orphan\"}"));

    const char *const user_cols[] = { "id", "username", NULL };
    const char *const task_cols[] = { "id", "title", "done", NULL };
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(f->db, cq_model_find_all(
                            &rows, x.task,
                            &(cq_find_opts){ .order = srv_by_id,
                                             .attributes = task_cols,
                                             .include = (cq_include[]){ { .association = x.owner,
                                                                          .attributes = user_cols },
                                                                        { 0 } } }));
    assert_non_null(strstr(f->last_sql, "LEFT OUTER JOIN \"users\""));
    srv_assert_rows(rows,
                    "[{\"id\":1,\"title\":\"a1\",\"done\":true,\"user\":{\"id\":1,"
                    "\"username\":\"ada\"}},{\"id\":2,\"title\":\"a2\",\"done\":false,"
                    "\"user\":{\"id\":1,\"username\":\"ada\"}},{\"id\":3,\"title\":\"orphan\","
                    "\"done\":null,\"user\":null}]");
    cq_rows_free(rows);

    const char *expected = "[{\"id\":1,\"username\":\"ada\",\"tasks\":[{\"id\":1,\"title\":\"a1\","
                           "\"done\":true},{\"id\":2,\"title\":\"a2\",\"done\":false}]},"
                           "{\"id\":2,\"username\":\"bob\",\"tasks\":[]}]";
    for (int single = 0; single < 2; single++) {
        CQ_ASSERT_OK(
            f->db,
            cq_model_find_all(
                &rows, x.user,
                &(cq_find_opts){
                    .order =
                        (cq_order[]){ { .attr = "id" }, { .attr = "id", .as = "tasks" }, { 0 } },
                    .attributes = user_cols,
                    .single_join = single,
                    .include = (cq_include[]){ { .association = x.tasks, .attributes = task_cols },
                                               { 0 } } }));
        srv_assert_rows(rows, expected);
        cq_rows_free(rows);
    }
    /* single-row mode: a failing statement leaves no rows and the connection usable */
    rows = NULL;
    assert_int_equal(
        cq_model_find_all(
            &rows, x.user,
            &(cq_find_opts){ .where_sql = "\"nope\" = 1",
                             .single_join = true,
                             .include = (cq_include[]){ { .association = x.tasks }, { 0 } } }),
        CQ_EDATABASE);
    assert_null(rows);
    assert_int_equal(srv_count_where(f->db, x.user, NULL), 2);

    /* a where on the include makes it required (INNER JOIN) */
    cq_value *w = cq_test_json("{\"done\":true}");
    CQ_ASSERT_OK(f->db, cq_model_find_all(
                            &rows, x.user,
                            &(cq_find_opts){
                                .attributes = user_cols,
                                .include = (cq_include[]){
                                    { .association = x.tasks, .attributes = task_cols, .where = w },
                                    { 0 } } }));
    cq_value_free(w);
    srv_assert_rows(rows, "[{\"id\":1,\"username\":\"ada\",\"tasks\":[{\"id\":1,\"title\":\"a1\","
                          "\"done\":true}]}]");
    cq_rows_free(rows);
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
        cmocka_unit_test(test_postgres__connect_errors),
    };
    return srv_end(cmocka_run_group_tests(tests, NULL, NULL));
}
