/* Integration tests against a real MySQL/MariaDB server (the libmariadb driver). The server
 * comes from CQ_TEST_MYSQL_URL (scripts/test-servers starts a throwaway MariaDB for `make
 * test`); without it the executable exits 77 and CTest reports a skip, except under CI (CI set
 * and not "false"), where a missing server is a failure.
 *
 * The run creates a database cq_test_<pid> next to the one in the URL and drops it at the
 * end; every test starts from a freshly created one. */
#define _POSIX_C_SOURCE 200809L
#include "cq_reuse.h"
#include "server_cases.h"

#include <stdlib.h>
#include <string.h>

/* ---- helpers ---------------------------------------------------------------------------- */

/* The last error: cequel's code, the server's SQLSTATE and error number. */
static void assert_error(cq_db *db, int code, const char *sqlstate, int driver_code)
{
    srv_assert_error(db, code, sqlstate);
    assert_int_equal(cq_db_error(db)->driver_code, driver_code);
}

/* `a` followed by `b`, in a new string (fails the test when out of memory); free with free(). */
static char *concat(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    char *s = malloc(na + nb + 1);
    assert_non_null(s);
    memcpy(s, a, na);
    memcpy(s + na, b, nb + 1);
    return s;
}

/* ---- tests ------------------------------------------------------------------------------- */

/* Every data type goes in and comes back with the same value, in the column type sync chose
 * (Sequelize's MySQL types: DATETIME, TINYINT(1), CHAR(36) BINARY, JSON, BLOB). */
static void test_mariadb__every_type_round_trips(void **state)
{
    srv_fixture *f = *state;
    const cq_attr attrs[] = {
        { .name = "s", .type = CQ_STRING, .length = 21 },
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
        { .name = "at3", .type = CQ_DATE, .precision = 3 },
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
        "{\"s\":\"héllo 'quoted' \\\"x\\\" ✓😀\",\"c\":\"abc\",\"t\":\"line1\\nline2\\\\\","
        "\"i\":-2147483648,\"big\":9007199254740993,\"small\":-32768,\"fl\":0.1,\"re\":1.5,"
        "\"dbl\":3.141592653589793,\"dec\":12345678.91,\"yes\":true,\"no\":false,"
        "\"at\":\"2024-05-01T10:20:30.123Z\",\"at3\":\"2024-05-01T10:20:30.123Z\","
        "\"day\":\"2024-02-29\",\"tm\":\"23:59:58\","
        "\"uid\":\"6f1c2a3e-9b7d-4c1e-8f00-0123456789ab\",\"js\":{\"a\":[1,2,{\"b\":null}]},"
        "\"nothing\":null}");
    static const unsigned char bytes[] = { 0, 1, 0x5c, 0x27, 0x7f, 0x80, 0xff };
    cq_value_object_set(v, "bin", cq_value_blob(bytes, sizeof bytes));
    cq_instance *inst = NULL;
    CQ_ASSERT_OK(f->db, cq_model_create(&inst, m, v, NULL));
    cq_value_free(v);
    /* no RETURNING on MySQL: the key comes from the statement's insert id */
    assert_null(strstr(f->last_sql, "RETURNING"));
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
    assert_string_equal(text, "héllo 'quoted' \"x\" ✓😀");
    CQ_ASSERT_OK(f->db, cq_instance_get_text(&text, inst, "c"));
    assert_string_equal(text, "abc");
    CQ_ASSERT_OK(f->db, cq_instance_get_text(&text, inst, "t"));
    assert_string_equal(text, "line1\nline2\\");
    int64_t n = 0;
    CQ_ASSERT_OK(f->db, cq_instance_get_int(&n, inst, "i"));
    assert_true(n == INT64_C(-2147483648));
    CQ_ASSERT_OK(f->db, cq_instance_get_int(&n, inst, "big"));
    assert_true(n == INT64_C(9007199254740993));
    CQ_ASSERT_OK(f->db, cq_instance_get_int(&n, inst, "small"));
    assert_int_equal(n, -32768);
    double d = 0;
    /* FLOAT is single precision on MySQL: read back as the shortest decimal, 0.1 */
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
    /* DATETIME keeps whole seconds (MariaDB truncates), DATETIME(3) milliseconds */
    CQ_ASSERT_OK(f->db, cq_instance_get_text(&text, inst, "at"));
    assert_string_equal(text, "2024-05-01T10:20:30.000Z");
    CQ_ASSERT_OK(f->db, cq_instance_get_text(&text, inst, "at3"));
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

    /* what the server holds, in its own text form and column types */
    srv_assert_query(f->db,
                     "SELECT CAST(`at3` AS CHAR) AS at3, CAST(`dec` AS CHAR) AS `dec`, "
                     "HEX(`bin`) AS bin, LENGTH(`s`) AS s_bytes, CHAR_LENGTH(`s`) AS s_chars "
                     "FROM samples",
                     "[{\"at3\":\"2024-05-01 10:20:30.123\",\"dec\":\"12345678.91\","
                     "\"bin\":\"00015C277F80FF\",\"s_bytes\":27,\"s_chars\":21}]");
    srv_assert_query(
        f->db,
        "SELECT COLUMN_NAME AS c, COLUMN_TYPE AS t FROM information_schema.COLUMNS "
        "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'samples' AND COLUMN_NAME IN "
        "('at', 'at3', 'yes', 'uid', 'bin', 'fl', 'dbl') ORDER BY ORDINAL_POSITION",
        "[{\"c\":\"fl\",\"t\":\"float\"},{\"c\":\"dbl\",\"t\":\"double\"},"
        "{\"c\":\"yes\",\"t\":\"tinyint(1)\"},{\"c\":\"at\",\"t\":\"datetime\"},"
        "{\"c\":\"at3\",\"t\":\"datetime(3)\"},{\"c\":\"uid\",\"t\":\"char(36)\"},"
        "{\"c\":\"bin\",\"t\":\"blob\"}]");

    /* a where on a date and a boolean binds values the server compares */
    assert_int_equal(srv_count_where(f->db, m,
                                     "{\"at3\":{\"$gt\":\"2024-05-01T10:20:30.122Z\"},\"yes\":true,"
                                     "\"no\":false,\"day\":\"2024-02-29\"}"),
                     1);
    assert_int_equal(srv_count_where(f->db, m, "{\"at3\":{\"$gt\":\"2024-05-01T10:20:30.123Z\"}}"),
                     0);
    assert_int_equal(srv_count_where(f->db, m, "{\"at\":\"2024-05-01T10:20:30.000Z\"}"), 1);

    /* an update writes the new values and the read-back shows them */
    cq_value *values = cq_test_json("{\"at3\":\"1999-12-31T23:59:59.999Z\",\"fl\":-2.5,"
                                    "\"js\":[\"x\",true],\"yes\":false}");
    cq_value *w = cq_test_json("{\"id\":1}");
    CQ_ASSERT_OK(f->db, cq_model_update(&n, m, values, &(cq_bulk_opts){ .where = w }));
    cq_value_free(values);
    cq_value_free(w);
    assert_int_equal(n, 1);
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(f->db, cq_model_find_all(&rows, m,
                                          &(cq_find_opts){ .attributes = (const char *[]){
                                                               "at3", "fl", "js", "yes", NULL } }));
    srv_assert_rows(rows, "[{\"at3\":\"1999-12-31T23:59:59.999Z\",\"fl\":-2.5,\"js\":[\"x\",true],"
                          "\"yes\":false}]");
    cq_rows_free(rows);
}

/* sync creates what Sequelize creates on MySQL: auto_increment keys, NOT NULL, UNIQUE, FOREIGN
 * KEY clauses with their actions, a cycle closed by ALTER TABLE ... ADD FOREIGN KEY and a
 * self-reference; a second sync changes nothing; force drops and recreates (with foreign-key
 * checks off around the drops of a cycle). */
static void test_mariadb__sync_creates_constraints(void **state)
{
    srv_fixture *f = *state;
    /* every model is defined before the first statement: a cycle (document <-> version) and a
     * self-reference (version.previousId), then user and task (whose helper syncs them all) */
    cq_model *doc = srv_define(f->db, "document",
                               (cq_attr[]){ { .name = "title", .type = CQ_STRING }, { 0 } }, NULL);
    cq_model *ver = srv_define(f->db, "version",
                               (cq_attr[]){ { .name = "body", .type = CQ_TEXT }, { 0 } }, NULL);
    cq_assoc *versions = NULL, *current = NULL, *previous = NULL;
    CQ_ASSERT_OK(f->db, cq_model_has_many(&versions, doc, ver, NULL));
    CQ_ASSERT_OK(f->db, cq_model_belongs_to(
                            &current, doc, ver,
                            &(cq_assoc_opts){ .as = "current", .on_delete = CQ_REF_SET_NULL }));
    CQ_ASSERT_OK(f->db,
                 cq_model_belongs_to(&previous, ver, ver, &(cq_assoc_opts){ .as = "previous" }));
    f->alters = 0;
    srv_user_tasks x;
    srv_define_user_tasks(f->db, &x);
    assert_int_equal(f->alters, 1); /* the constraint closing the cycle */
    srv_assert_query(f->db,
                     "SELECT COLUMN_NAME AS c, COLUMN_TYPE AS t, IS_NULLABLE AS n, EXTRA AS e "
                     "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND "
                     "TABLE_NAME = 'users' ORDER BY ORDINAL_POSITION",
                     "[{\"c\":\"id\",\"t\":\"int(11)\",\"n\":\"NO\",\"e\":\"auto_increment\"},"
                     "{\"c\":\"username\",\"t\":\"varchar(255)\",\"n\":\"NO\",\"e\":\"\"},"
                     "{\"c\":\"age\",\"t\":\"int(11)\",\"n\":\"YES\",\"e\":\"\"},"
                     "{\"c\":\"createdAt\",\"t\":\"datetime\",\"n\":\"NO\",\"e\":\"\"},"
                     "{\"c\":\"updatedAt\",\"t\":\"datetime\",\"n\":\"NO\",\"e\":\"\"}]");
    srv_assert_query(
        f->db,
        "SELECT k.COLUMN_NAME AS c, k.REFERENCED_TABLE_NAME AS ref, r.DELETE_RULE AS del, "
        "r.UPDATE_RULE AS upd FROM information_schema.REFERENTIAL_CONSTRAINTS r "
        "JOIN information_schema.KEY_COLUMN_USAGE k ON k.CONSTRAINT_SCHEMA = "
        "r.CONSTRAINT_SCHEMA AND k.CONSTRAINT_NAME = r.CONSTRAINT_NAME AND k.TABLE_NAME "
        "= r.TABLE_NAME WHERE r.CONSTRAINT_SCHEMA = DATABASE() AND r.TABLE_NAME = 'tasks'",
        "[{\"c\":\"userId\",\"ref\":\"users\",\"del\":\"CASCADE\",\"upd\":\"CASCADE\"}]");
    srv_assert_query(
        f->db,
        "SELECT TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.STATISTICS "
        "WHERE TABLE_SCHEMA = DATABASE() AND NON_UNIQUE = 0 AND INDEX_NAME <> 'PRIMARY' "
        "ORDER BY 1, 2",
        "[{\"t\":\"tasks\",\"c\":\"title\"},{\"t\":\"users\",\"c\":\"username\"}]");

    /* the cycle's tables came with the first sync */
    srv_assert_query(
        f->db,
        "SELECT r.TABLE_NAME AS t, k.COLUMN_NAME AS c, k.REFERENCED_TABLE_NAME AS ref, "
        "r.DELETE_RULE AS del FROM information_schema.REFERENTIAL_CONSTRAINTS r "
        "JOIN information_schema.KEY_COLUMN_USAGE k ON k.CONSTRAINT_SCHEMA = "
        "r.CONSTRAINT_SCHEMA AND k.CONSTRAINT_NAME = r.CONSTRAINT_NAME AND k.TABLE_NAME "
        "= r.TABLE_NAME WHERE r.CONSTRAINT_SCHEMA = DATABASE() AND r.TABLE_NAME IN "
        "('documents', 'versions') ORDER BY 1, 2",
        "[{\"t\":\"documents\",\"c\":\"currentId\",\"ref\":\"versions\","
        "\"del\":\"SET NULL\"},{\"t\":\"versions\",\"c\":\"documentId\","
        "\"ref\":\"documents\",\"del\":\"SET NULL\"},{\"t\":\"versions\","
        "\"c\":\"previousId\",\"ref\":\"versions\",\"del\":\"SET NULL\"}]");
    cq_instance *d1 = srv_create(f->db, doc, "{\"title\":\"d\"}");
    cq_instance *v1 = srv_create(f->db, ver, "{\"body\":\"v1\",\"documentId\":1}");
    cq_instance_free(srv_create(f->db, ver, "{\"body\":\"v2\",\"documentId\":1,\"previousId\":1}"));
    /* the constraints hold: a version pointing at a missing document or version is refused */
    CQ_ASSERT_ERR(f->db, CQ_EFOREIGNKEY,
                  srv_try_create(ver, "{\"body\":\"x\",\"documentId\":99}", NULL));
    CQ_ASSERT_ERR(f->db, CQ_EFOREIGNKEY,
                  srv_try_create(ver, "{\"body\":\"x\",\"previousId\":99}", NULL));
    CQ_ASSERT_OK(f->db, cq_assoc_set(d1, current, &(cq_target){ .instance = v1 }, 1, NULL));
    srv_assert_query(f->db, "SELECT `currentId` FROM documents", "[{\"currentId\":1}]");
    cq_instance_free(d1);
    cq_instance_free(v1);

    /* IF NOT EXISTS and the constraint lookup: syncing again adds nothing */
    f->alters = 0;
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    assert_int_equal(f->alters, 0);
    /* force drops every table (FOREIGN_KEY_CHECKS off for the cycle) and recreates them */
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, &(cq_sync_opts){ .force = true }));
    assert_int_equal(srv_count_where(f->db, x.user, NULL), 0);
    assert_int_equal(srv_count_where(f->db, ver, NULL), 0);
    assert_int_equal(cq_test_scalar_int(f->db, "SELECT @@FOREIGN_KEY_CHECKS"), 1);
    assert_int_equal(cq_test_scalar_int(f->db, "SELECT count(*) FROM information_schema."
                                               "REFERENTIAL_CONSTRAINTS WHERE "
                                               "CONSTRAINT_SCHEMA = DATABASE()"),
                     4);
}

static void test_mariadb__crud_and_where_operators(void **state)
{
    check_crud_and_where_operators(*state);
}

static void test_mariadb__bulk_create(void **state)
{
    check_bulk_create(*state, (srv_error){ .sqlstate = "23000", .driver_code = 1062 });
}

static void test_mariadb__transactions_and_savepoints(void **state)
{
    check_transactions_and_savepoints(*state);
}

/* Constraint violations map to cequel's codes (the names Sequelize gives them) and keep the
 * server's SQLSTATE and error number; unique errors name the model and attribute. */
static void test_mariadb__constraint_errors_are_mapped(void **state)
{
    srv_fixture *f = *state;
    /* shelf and book for the RESTRICT case below, defined before the first statement */
    cq_model *shelf = srv_define(
        f->db, "shelf", (cq_attr[]){ { .name = "label", .type = CQ_STRING }, { 0 } }, NULL);
    cq_model *book = srv_define(f->db, "book",
                                (cq_attr[]){ { .name = "title", .type = CQ_STRING }, { 0 } }, NULL);
    cq_assoc *on_shelf = NULL;
    CQ_ASSERT_OK(f->db, cq_model_belongs_to(&on_shelf, book, shelf,
                                            &(cq_assoc_opts){ .on_delete = CQ_REF_RESTRICT }));
    srv_user_tasks x;
    srv_define_user_tasks(f->db, &x); /* syncs every model */
    cq_instance_free(srv_create(f->db, x.user, "{\"username\":\"ada\"}"));

    CQ_ASSERT_ERR(f->db, CQ_EUNIQUE, srv_try_create(x.user, "{\"username\":\"ada\"}", NULL));
    assert_error(f->db, CQ_EUNIQUE, "23000", 1062);
    assert_non_null(strstr(cq_db_error(f->db)->message, "Duplicate entry 'ada'"));
    assert_non_null(strstr(cq_db_error(f->db)->message, "user.username must be unique"));
    assert_string_equal(cq_error_name(cq_db_error(f->db)->code), "CQ_EUNIQUE");

    /* a duplicate primary key names the key attribute */
    CQ_ASSERT_ERR(f->db, CQ_EUNIQUE,
                  srv_try_create(x.user, "{\"id\":1,\"username\":\"other\"}", NULL));
    assert_non_null(strstr(cq_db_error(f->db)->message, "user.id must be unique"));

    CQ_ASSERT_ERR(f->db, CQ_EFOREIGNKEY,
                  srv_try_create(x.task, "{\"title\":\"t\",\"userId\":42}", NULL));
    assert_error(f->db, CQ_EFOREIGNKEY, "23000", 1452);
    assert_non_null(strstr(cq_db_error(f->db)->message, "task.userId = 42 references no user row"));

    /* NOT NULL enforced by the server (the model check is bypassed by a raw statement) */
    cq_value *params = cq_test_json("[null]");
    CQ_ASSERT_ERR(f->db, CQ_ENOTNULL,
                  cq_db_query(NULL, f->db,
                              "INSERT INTO users (username, `createdAt`, `updatedAt`) "
                              "VALUES (?, NOW(), NOW())",
                              params, NULL));
    cq_value_free(params);
    assert_error(f->db, CQ_ENOTNULL, "23000", 1048);
    /* strict mode: a missing NOT NULL column without default fails instead of storing '' */
    CQ_ASSERT_ERR(f->db, CQ_ENOTNULL,
                  cq_db_query(NULL, f->db,
                              "INSERT INTO users (`createdAt`, `updatedAt`) VALUES (NOW(), NOW())",
                              NULL, NULL));
    assert_error(f->db, CQ_ENOTNULL, "HY000", 1364);
    /* ... and a value that does not fit its column fails instead of being truncated */
    params = cq_test_json("[\"x\", \"not a number\"]");
    CQ_ASSERT_ERR(f->db, CQ_EDATABASE,
                  cq_db_query(NULL, f->db,
                              "INSERT INTO users (username, age, `createdAt`, `updatedAt`) "
                              "VALUES (?, ?, NOW(), NOW())",
                              params, NULL));
    cq_value_free(params);
    assert_error(f->db, CQ_EDATABASE, "22007", 1366);

    /* any other server error is CQ_EDATABASE with its SQLSTATE */
    CQ_ASSERT_ERR(f->db, CQ_EDATABASE, cq_db_query(NULL, f->db, "SELEC 1", NULL, NULL));
    assert_error(f->db, CQ_EDATABASE, "42000", 1064);
    CQ_ASSERT_ERR(f->db, CQ_EDATABASE, cq_db_query(NULL, f->db, "SELECT * FROM nope", NULL, NULL));
    assert_error(f->db, CQ_EDATABASE, "42S02", 1146);

    /* deleting a referenced user cascades (ON DELETE CASCADE from hasMany's option) */
    cq_instance_free(srv_create(f->db, x.task, "{\"title\":\"t\",\"userId\":1}"));
    int64_t n = 0;
    cq_value *w = cq_test_json("{\"id\":1}");
    CQ_ASSERT_OK(f->db, cq_model_destroy(&n, x.user, &(cq_bulk_opts){ .where = w }));
    cq_value_free(w);
    assert_int_equal(n, 1);
    assert_int_equal(srv_count_where(f->db, x.task, NULL), 0);

    /* RESTRICT: deleting a referenced row is refused (ER_ROW_IS_REFERENCED_2) */
    cq_instance *s = srv_create(f->db, shelf, "{\"label\":\"A\"}");
    cq_instance_free(srv_create(f->db, book, "{\"title\":\"b\",\"shelfId\":1}"));
    CQ_ASSERT_ERR(f->db, CQ_EFOREIGNKEY, cq_instance_destroy(s, NULL));
    assert_error(f->db, CQ_EFOREIGNKEY, "23000", 1451);
    cq_instance_free(s);
    assert_int_equal(srv_count_where(f->db, shelf, NULL), 1);
    /* the connection is still usable after errors outside a transaction */
    assert_int_equal(cq_test_scalar_int(f->db, "SELECT count(*) FROM users"), 0);
}

/* Raw queries: ? placeholders are bound, results keep their types; statements the server
 * cannot prepare go through the text protocol with the same conversions. */
static void test_mariadb__raw_query_with_params(void **state)
{
    srv_fixture *f = *state;
    cq_value *params = cq_test_json("[41,\"x'y\",2.5,true,null]");
    cq_value *rows = NULL;
    CQ_ASSERT_OK(f->db, cq_db_query(&rows, f->db,
                                    "SELECT ? + 1 AS n, ? AS s, ? * 2 AS d, NOT ? AS b, "
                                    "? IS NULL AS isnull, '?' AS literal, 10 / 4 AS q, "
                                    "CAST(5 AS SIGNED) AS big, CAST('2024-05-01 10:20:30.5' AS "
                                    "DATETIME(1)) AS at, CAST('2024-05-01' AS DATE) AS day, "
                                    "CAST('-01:02:03' AS TIME) AS tm",
                                    params, NULL));
    cq_value_free(params);
    cq_test_assert_json(rows, "[{\"n\":42,\"s\":\"x'y\",\"d\":5,\"b\":0,\"isnull\":1,"
                              "\"literal\":\"?\",\"q\":\"2.5000\",\"big\":5,"
                              "\"at\":\"2024-05-01 10:20:30.5\",\"day\":\"2024-05-01\","
                              "\"tm\":\"-01:02:03\"}]");
    cq_value *first = cq_value_array_get(rows, 0);
    assert_int_equal(cq_value_type_of(cq_value_object_get(first, "n")), CQ_VALUE_INT);
    assert_int_equal(cq_value_type_of(cq_value_object_get(first, "d")), CQ_VALUE_DOUBLE);
    /* NUMERIC/DECIMAL: the server's exact text, as Sequelize's raw queries return it */
    assert_int_equal(cq_value_type_of(cq_value_object_get(first, "q")), CQ_VALUE_TEXT);
    assert_int_equal(cq_value_type_of(cq_value_object_get(first, "big")), CQ_VALUE_INT);
    cq_value_free(rows);

    /* a wrong number of parameters is the caller's mistake */
    params = cq_test_json("[1]");
    CQ_ASSERT_ERR(f->db, CQ_EINVALID, cq_db_query(NULL, f->db, "SELECT ?, ?", params, NULL));
    cq_value_free(params);

    /* DDL and DML without a result set; a long value fits whatever its length */
    CQ_ASSERT_OK(f->db, cq_db_query(NULL, f->db, "CREATE TABLE raw_t (v BLOB, t TEXT, j LONGTEXT)",
                                    NULL, NULL));
    params = cq_value_array();
    static const unsigned char bytes[] = { 0xde, 0xad, 0, 0xbe, 0xef };
    cq_value_array_append(params, cq_value_blob(bytes, sizeof bytes));
    cq_value_array_append(params, cq_value_text("ünïcode ✓"));
    char *big = malloc(100001);
    memset(big, 'z', 100000);
    big[100000] = '\0';
    cq_value_array_append(params, cq_value_text(big));
    CQ_ASSERT_OK(f->db,
                 cq_db_query(NULL, f->db, "INSERT INTO raw_t VALUES (?, ?, ?)", params, NULL));
    cq_value_free(params);
    CQ_ASSERT_OK(f->db, cq_db_query(&rows, f->db,
                                    "SELECT v, t, HEX(v) AS h, j, LENGTH(j) AS jl FROM raw_t", NULL,
                                    NULL));
    cq_value *row = cq_value_array_get(rows, 0);
    size_t len = 0;
    const void *p = cq_value_as_blob(cq_value_object_get(row, "v"), &len);
    assert_int_equal(len, sizeof bytes);
    assert_memory_equal(p, bytes, sizeof bytes);
    assert_string_equal(cq_value_as_text(cq_value_object_get(row, "t")), "ünïcode ✓");
    assert_string_equal(cq_value_as_text(cq_value_object_get(row, "h")), "DEAD00BEEF");
    assert_string_equal(cq_value_as_text(cq_value_object_get(row, "j")), big);
    assert_int_equal(cq_value_as_int(cq_value_object_get(row, "jl")), 100000);
    cq_value_free(rows);
    free(big);

    /* PREPARE/EXECUTE cannot be prepared themselves: the text protocol runs them */
    CQ_ASSERT_OK(f->db, cq_db_query(NULL, f->db,
                                    "PREPARE s FROM 'SELECT 41 + 1 AS n, 2.5e0 AS d, 10 / 4 AS q, "
                                    "NULL AS z, X''DEAD'' AS bin, ''txt'' AS s, CAST(''2024-05-01 "
                                    "10:20:30.123'' AS DATETIME(3)) AS at'",
                                    NULL, NULL));
    CQ_ASSERT_OK(f->db, cq_db_query(&rows, f->db, "EXECUTE s", NULL, NULL));
    row = cq_value_array_get(rows, 0);
    assert_int_equal(cq_value_type_of(cq_value_object_get(row, "n")), CQ_VALUE_INT);
    assert_int_equal(cq_value_type_of(cq_value_object_get(row, "bin")), CQ_VALUE_BLOB);
    cq_value_object_remove(row, "bin");
    cq_test_assert_json(rows, "[{\"n\":42,\"d\":2.5,\"q\":\"2.5000\",\"z\":null,\"s\":\"txt\","
                              "\"at\":\"2024-05-01 10:20:30.123\"}]");
    cq_value_free(rows);
    CQ_ASSERT_OK(f->db, cq_db_query(NULL, f->db, "DEALLOCATE PREPARE s", NULL, NULL));
    /* an error on that path is mapped too */
    CQ_ASSERT_ERR(f->db, CQ_EDATABASE, cq_db_query(NULL, f->db, "EXECUTE nothing", NULL, NULL));
    assert_int_equal(cq_db_error(f->db)->driver_code, 1243); /* ER_UNKNOWN_STMT_HANDLER */
    assert_int_equal(cq_test_scalar_int(f->db, "SELECT count(*) FROM raw_t"), 1);
}

static void test_mariadb__associations(void **state)
{
    check_associations(*state);
}

static void test_mariadb__include_nested_and_required(void **state)
{
    check_include(*state);
}

/* 70,000 parents: more keys than the 65,535 parameters a statement carries */
static void test_mariadb__include_more_parents_than_a_statement_binds(void **state)
{
    srv_fixture *f = *state;
    check_many_parents(f->db, 70000, &f->statements, 2);
}

/* Nested create runs in one transaction: a server error deep in the tree rolls back all. */
static void test_mariadb__nested_create_and_rollback(void **state)
{
    srv_check_nested_create_and_rollback(*state,
                                         (srv_error){ .sqlstate = "23000", .driver_code = 1062 },
                                         "SELECT id, title, `userId` FROM tasks ORDER BY id");
}

/* A server that is not there: CQ_ECONNECT with the client's reason; bad URLs are refused;
 * the mariadb:// scheme reaches the same server. */
static void test_mariadb__connect_errors(void **state)
{
    (void)state;
    cq_db *db = NULL;
    cq_error err = { 0 };
    /* port 1 on loopback: nothing listens, the refusal is immediate */
    assert_int_equal(
        cq_db_open(&db, "mysql://nobody@127.0.0.1:1/none?connect_timeout=5", NULL, &err),
        CQ_ECONNECT);
    assert_null(db);
    assert_non_null(strstr(err.message, "cannot connect to MySQL"));
    assert_int_equal(cq_db_open(&db, "mysql://nobody@127.0.0.1:1/none?bogus_option=1", NULL, &err),
                     CQ_EINVALID);
    assert_null(db);
    assert_non_null(strstr(err.message, "bogus_option"));
    assert_int_equal(cq_db_open(&db, "mysql:nothing", NULL, &err), CQ_EINVALID);
    assert_int_equal(cq_db_open(&db, "mysql://u@h:99999/db", NULL, &err), CQ_EINVALID);
    assert_int_equal(cq_db_open(&db, "mysql://u%zz@h/db", NULL, &err), CQ_EINVALID);
    assert_null(db);
    /* a wrong password is a connection error that does not echo the password */
    const char *at = strchr(strstr(srv_url(), "://") + 3, '@');
    char *bad = concat("mysql://root:s3cr%40t@", at + 1);
    assert_int_equal(cq_db_open(&db, bad, NULL, &err), CQ_ECONNECT);
    assert_null(strstr(err.message, "s3cr"));
    free(bad);

    char *alt = concat("mariadb", strchr(srv_url(), ':'));
    assert_int_equal(cq_db_open(&db, alt, NULL, &err), CQ_OK);
    assert_int_equal(cq_db_dialect(db), CQ_DIALECT_MYSQL);
    assert_int_equal(cq_test_scalar_int(db, "SELECT 6 * 7"), 42);
    cq_db_close(db);
    free(alt);
}

/* Prepared statements kept by the driver give right results after errors, evictions and
 * DDL (docs/dialects.md, "Prepared statements"). */
static void test_mariadb__statement_reuse(void **state)
{
    cq_check_statement_reuse(srv_fixture_db(state));
}

int main(void)
{
    int rc = srv_begin(CQ_DIALECT_MYSQL, "test_mariadb", "cq_test");
    if (rc != 0)
        return rc;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_mariadb__every_type_round_trips, srv_setup,
                                        srv_teardown),
        cmocka_unit_test_setup_teardown(test_mariadb__sync_creates_constraints, srv_setup,
                                        srv_teardown),
        cmocka_unit_test_setup_teardown(test_mariadb__crud_and_where_operators, srv_setup,
                                        srv_teardown),
        cmocka_unit_test_setup_teardown(test_mariadb__bulk_create, srv_setup, srv_teardown),
        cmocka_unit_test_setup_teardown(test_mariadb__transactions_and_savepoints, srv_setup,
                                        srv_teardown),
        cmocka_unit_test_setup_teardown(test_mariadb__constraint_errors_are_mapped, srv_setup,
                                        srv_teardown),
        cmocka_unit_test_setup_teardown(test_mariadb__raw_query_with_params, srv_setup,
                                        srv_teardown),
        cmocka_unit_test_setup_teardown(test_mariadb__associations, srv_setup, srv_teardown),
        cmocka_unit_test_setup_teardown(test_mariadb__include_nested_and_required, srv_setup,
                                        srv_teardown),
        cmocka_unit_test_setup_teardown(test_mariadb__include_more_parents_than_a_statement_binds,
                                        srv_setup, srv_teardown),
        cmocka_unit_test_setup_teardown(test_mariadb__nested_create_and_rollback, srv_setup,
                                        srv_teardown),
        cmocka_unit_test_setup_teardown(test_mariadb__statement_reuse, srv_setup, srv_teardown),
        cmocka_unit_test(test_mariadb__connect_errors),
    };
    return srv_end(cmocka_run_group_tests(tests, NULL, NULL));
}
