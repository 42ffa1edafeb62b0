/*
 * Integration tests for the canonical dump (cq_db_dump) on MySQL/MariaDB: a schema written by
 * hand is read with the MySQL type mapping of docs/dump.md ("MySQL"), and the schemas of a few
 * conformance scenarios, built through the C API, give the "dump" part of the PostgreSQL
 * goldens recorded from Sequelize v6 (or of cequel's MySQL expected file where MySQL itself
 * differs, tests/conformance/golden/README.md).
 *
 * The server comes from CQ_TEST_MYSQL_URL (scripts/test-servers starts a throwaway MariaDB for
 * `make test`); without it the executable exits 77 and CTest reports a skip, except under CI.
 * The run creates a database cq_dump_<pid> next to the one in the URL and drops it at the end;
 * every test starts from a freshly created one.
 */
#define _POSIX_C_SOURCE 200809L
#include "cq_golden.h"
#include "cq_server.h"

/* The scenarios' goldens (dump_cases.h) on MySQL. Scenario 65's TEXT column has no database
 * default and DATETIME keeps whole seconds: its expected dump is cequel's own
 * (golden/README.md lists both). */
#define DUMP_GOLDEN_65 "65-model-types-and-defaults.mysql.cequel.json"
#define DUMP_GOLDEN_40 "40-manual-references-fixed.postgres.json"
#define DUMP_GOLDEN_36 "36-fk-custom-actions.postgres.json"
#include "dump_cases.h"

#include <stdlib.h>
#include <string.h>

/* The strings of `parts` end to end, in a new string; free with free(). */
static char *join(const char *const *parts, size_t n)
{
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += strlen(parts[i]);
    char *s = malloc(len + 1);
    assert_non_null(s);
    s[0] = '\0';
    for (size_t i = 0; i < n; i++)
        strcat(s, parts[i]);
    return s;
}

/* ---- introspection ------------------------------------------------------------------------ */

static void test_dump_mysql__empty_database_is_an_empty_object(void **state)
{
    srv_fixture *f = *state;
    char *text = NULL;
    CQ_ASSERT_OK(f->db, cq_db_golden(&text, f->db, NULL));
    assert_string_equal(text, "{\"dump\":{},\"result\":null}\n");
    cq_free(text);
    /* a table of another database, and a view, are not part of the dump */
    char sql[160];
    snprintf(sql, sizeof sql, "CREATE DATABASE IF NOT EXISTS `%s_other`", srv_dbname());
    CQ_ASSERT_OK(f->db, cq_db_query(NULL, f->db, sql, NULL, NULL));
    snprintf(sql, sizeof sql, "CREATE TABLE `%s_other`.t (x INTEGER)", srv_dbname());
    CQ_ASSERT_OK(f->db, cq_db_query(NULL, f->db, sql, NULL, NULL));
    CQ_ASSERT_OK(f->db, cq_db_query(NULL, f->db, "CREATE VIEW v AS SELECT 1 AS one", NULL, NULL));
    CQ_ASSERT_OK(f->db, cq_db_golden(&text, f->db, NULL));
    assert_string_equal(text, "{\"dump\":{},\"result\":null}\n");
    cq_free(text);
    snprintf(sql, sizeof sql, "DROP DATABASE `%s_other`", srv_dbname());
    CQ_ASSERT_OK(f->db, cq_db_query(NULL, f->db, sql, NULL, NULL));
}

/* Columns of every family as Sequelize's MySQL DDL writes them (TINYINT(1), CHAR(36) BINARY,
 * JSON, DATETIME(3), ENUM) plus a BIT (other); defaults in MySQL's literal forms (quotes,
 * backslashes, DECIMAL's trailing zero, current_timestamp()); composite primary and foreign
 * keys with their actions (one left unspecified: MySQL reports RESTRICT); unique constraints;
 * the index InnoDB adds for a foreign key left out, a declared one kept; values (BIGINT beyond
 * 2^53, DECIMAL, FLOAT, BLOB, JSON, an upper-case UUID, a DATETIME(3)). */
static void test_dump_mysql__introspection(void **state)
{
    srv_fixture *f = *state;
    static const char *const sql[] = {
        "CREATE TABLE `p q` (id INTEGER NOT NULL auto_increment, d VARCHAR(255) DEFAULT "
        "'x''y\\\\z', e TINYINT(1) DEFAULT true, at DATETIME(3), day DATE, t TIME, "
        "u CHAR(36) BINARY, plain CHAR(36), j JSON, b BLOB, k TEXT, big BIGINT DEFAULT -5, "
        "n DECIMAL(10,2) DEFAULT 1.50, r FLOAT, dbl DOUBLE PRECISION DEFAULT 2.5, "
        "mood ENUM('happy','sad') DEFAULT 'happy', bits BIT(8), "
        "now DATETIME DEFAULT CURRENT_TIMESTAMP, UNIQUE (k(20)), PRIMARY KEY (id)) "
        "ENGINE=InnoDB",
        "CREATE TABLE c (x INTEGER NOT NULL, y INTEGER NOT NULL auto_increment, z BIGINT, "
        "`createdAt` DATETIME NOT NULL, PRIMARY KEY (y, x), UNIQUE KEY xz (z, x), "
        "FOREIGN KEY (x) REFERENCES `p q` (id) ON DELETE CASCADE ON UPDATE RESTRICT, "
        "KEY y_only (y)) ENGINE=InnoDB",
        "CREATE TABLE d (a INTEGER, b INTEGER, name VARCHAR(20), pid INTEGER, "
        "FOREIGN KEY (b, a) REFERENCES c (y, x) ON DELETE CASCADE, "
        "FOREIGN KEY (pid) REFERENCES `p q` (id) ON DELETE SET NULL ON UPDATE NO ACTION) "
        "ENGINE=InnoDB",
        "CREATE INDEX d_ab ON d (b, a)",
        "CREATE UNIQUE INDEX d_name_u ON d (name)",
        "INSERT INTO `p q` (d, e, at, day, t, u, plain, j, b, k, big, n, r, mood, bits, now) "
        "VALUES ('q', false, '2023-03-04 05:06:07.089', '2023-03-04', '10:20:30', "
        "'ABCDEF01-2345-6789-ABCD-EF0123456789', 'ABC', '{\"b\":1,\"a\":[2.0,{\"z\":1,\"c\":2}]}', "
        "X'6869', 'k', 9007199254740993, 12.5, 0.1, 'sad', b'101', '2020-01-02 03:04:05')",
        "INSERT INTO `p q` (k, now) VALUES ('k2', NULL)",
        "INSERT INTO c (x, z, `createdAt`) VALUES (1, NULL, NOW()), (2, 7, NOW())",
        "INSERT INTO d VALUES (1, 1, 'N', 2), (NULL, NULL, NULL, NULL)",
    };
    for (size_t i = 0; i < sizeof sql / sizeof *sql; i++)
        CQ_ASSERT_OK(f->db, cq_db_query(NULL, f->db, sql[i], NULL, NULL));
    f->statements = 0;
    f->catalog_seen = false;
    cq_value *dump = NULL;
    CQ_ASSERT_OK(f->db, cq_db_dump(&dump, f->db, NULL));
    /* introspection goes through cq_db_query(): every statement is logged */
    assert_true(f->catalog_seen);
    assert_true(f->statements > 3);
    char *got = NULL;
    assert_int_equal(cq_golden_to_json(&got, dump), CQ_OK);
    /* the expected text, in three pieces (C11 guarantees string literals of 4095 bytes) */
    static const char *const expected_parts[] = {
        "{\n"
        "  \"c\": {\n"
        "    \"columns\": [\n"
        "      "
        "{\"autoIncrement\":false,\"name\":\"createdAt\",\"notNull\":true,\"primaryKey\":null,"
        "\"type\":\"datetime\"},\n"
        "      "
        "{\"autoIncrement\":false,\"name\":\"x\",\"notNull\":true,\"primaryKey\":2,\"type\":"
        "\"integer\"},\n"
        "      "
        "{\"autoIncrement\":true,\"name\":\"y\",\"notNull\":true,\"primaryKey\":1,\"type\":"
        "\"integer\"},\n"
        "      "
        "{\"autoIncrement\":false,\"name\":\"z\",\"notNull\":false,\"primaryKey\":null,\"type\":"
        "\"integer\"}\n"
        "    ],\n"
        "    \"foreignKeys\": [\n"
        "      {\n"
        "        \"columns\": [\"x\"],\n"
        "        \"onDelete\": \"CASCADE\",\n"
        "        \"onUpdate\": \"RESTRICT\",\n"
        "        \"references\": {\"columns\":[\"id\"],\"table\":\"p q\"}\n"
        "      }\n"
        "    ],\n"
        "    \"indexes\": [[\"y\"]],\n"
        "    \"rows\": [\n"
        "      {\"createdAt\":\"<timestamp>\",\"x\":1,\"y\":1,\"z\":null},\n"
        "      {\"createdAt\":\"<timestamp>\",\"x\":2,\"y\":2,\"z\":7}\n"
        "    ],\n"
        "    \"unique\": [[\"x\",\"z\"]]\n"
        "  },\n",
        "  \"d\": {\n"
        "    \"columns\": [\n"
        "      "
        "{\"autoIncrement\":false,\"name\":\"a\",\"notNull\":false,\"primaryKey\":null,\"type\":"
        "\"integer\"},\n"
        "      "
        "{\"autoIncrement\":false,\"name\":\"b\",\"notNull\":false,\"primaryKey\":null,\"type\":"
        "\"integer\"},\n"
        "      "
        "{\"autoIncrement\":false,\"name\":\"name\",\"notNull\":false,\"primaryKey\":null,\"type\":"
        "\"text\"},\n"
        "      "
        "{\"autoIncrement\":false,\"name\":\"pid\",\"notNull\":false,\"primaryKey\":null,\"type\":"
        "\"integer\"}\n"
        "    ],\n"
        "    \"foreignKeys\": [\n"
        "      {\n"
        "        \"columns\": [\"b\",\"a\"],\n"
        "        \"onDelete\": \"CASCADE\",\n"
        "        \"onUpdate\": \"RESTRICT\",\n"
        "        \"references\": {\"columns\":[\"y\",\"x\"],\"table\":\"c\"}\n"
        "      },\n"
        "      {\n"
        "        \"columns\": [\"pid\"],\n"
        "        \"onDelete\": \"SET NULL\",\n"
        "        \"onUpdate\": \"NO ACTION\",\n"
        "        \"references\": {\"columns\":[\"id\"],\"table\":\"p q\"}\n"
        "      }\n"
        "    ],\n"
        "    \"indexes\": [[\"a\",\"b\"]],\n"
        "    \"rows\": "
        "[{\"a\":null,\"b\":null,\"name\":null,\"pid\":null},{\"a\":1,\"b\":1,\"name\":\"N\","
        "\"pid\":2}],\n"
        "    \"unique\": [[\"name\"]]\n"
        "  },\n",
        "  \"p q\": {\n"
        "    \"columns\": [\n"
        "      "
        "{\"autoIncrement\":false,\"name\":\"at\",\"notNull\":false,\"primaryKey\":null,\"type\":"
        "\"datetime\"},\n"
        "      "
        "{\"autoIncrement\":false,\"name\":\"b\",\"notNull\":false,\"primaryKey\":null,\"type\":"
        "\"blob\"},\n"
        "      "
        "{\"autoIncrement\":false,\"default\":-5,\"name\":\"big\",\"notNull\":false,\"primaryKey\":"
        "null,\"type\":\"integer\"},\n"
        "      "
        "{\"autoIncrement\":false,\"name\":\"bits\",\"notNull\":false,\"primaryKey\":null,\"type\":"
        "\"other\"},\n"
        "      "
        "{\"autoIncrement\":false,\"default\":\"x'y\\\\z\",\"name\":\"d\",\"notNull\":false,"
        "\"primaryKey\":null,\"type\":\"text\"},\n"
        "      "
        "{\"autoIncrement\":false,\"name\":\"day\",\"notNull\":false,\"primaryKey\":null,\"type\":"
        "\"datetime\"},\n"
        "      "
        "{\"autoIncrement\":false,\"default\":2.5,\"name\":\"dbl\",\"notNull\":false,"
        "\"primaryKey\":null,\"type\":\"real\"},\n"
        "      "
        "{\"autoIncrement\":false,\"default\":true,\"name\":\"e\",\"notNull\":false,\"primaryKey\":"
        "null,\"type\":\"boolean\"},\n"
        "      "
        "{\"autoIncrement\":true,\"name\":\"id\",\"notNull\":true,\"primaryKey\":1,\"type\":"
        "\"integer\"},\n"
        "      "
        "{\"autoIncrement\":false,\"name\":\"j\",\"notNull\":false,\"primaryKey\":null,\"type\":"
        "\"json\"},\n"
        "      "
        "{\"autoIncrement\":false,\"name\":\"k\",\"notNull\":false,\"primaryKey\":null,\"type\":"
        "\"text\"},\n"
        "      "
        "{\"autoIncrement\":false,\"default\":\"happy\",\"name\":\"mood\",\"notNull\":false,"
        "\"primaryKey\":null,\"type\":\"text\"},\n"
        "      "
        "{\"autoIncrement\":false,\"default\":1.5,\"name\":\"n\",\"notNull\":false,\"primaryKey\":"
        "null,\"type\":\"real\"},\n"
        "      {\n"
        "        \"autoIncrement\": false,\n"
        "        \"default\": {\"expression\":\"current_timestamp()\"},\n"
        "        \"name\": \"now\",\n"
        "        \"notNull\": false,\n"
        "        \"primaryKey\": null,\n"
        "        \"type\": \"datetime\"\n"
        "      },\n"
        "      "
        "{\"autoIncrement\":false,\"name\":\"plain\",\"notNull\":false,\"primaryKey\":null,"
        "\"type\":\"text\"},\n"
        "      "
        "{\"autoIncrement\":false,\"name\":\"r\",\"notNull\":false,\"primaryKey\":null,\"type\":"
        "\"real\"},\n"
        "      "
        "{\"autoIncrement\":false,\"name\":\"t\",\"notNull\":false,\"primaryKey\":null,\"type\":"
        "\"datetime\"},\n"
        "      "
        "{\"autoIncrement\":false,\"name\":\"u\",\"notNull\":false,\"primaryKey\":null,\"type\":"
        "\"uuid\"}\n"
        "    ],\n"
        "    \"foreignKeys\": [],\n"
        "    \"indexes\": [],\n"
        "    \"rows\": [\n"
        "      "
        "{\"at\":null,\"b\":null,\"big\":-5,\"bits\":null,\"d\":\"x'y\\\\z\",\"day\":null,\"dbl\":"
        "2.5,\"e\":true,\"id\":2,\"j\":null,\"k\":\"k2\",\"mood\":\"happy\",\"n\":1.5,\"now\":null,"
        "\"plain\":null,\"r\":null,\"t\":null,\"u\":null},\n"
        "      {\n"
        "        \"at\": \"2023-03-04T05:06:07.089Z\",\n"
        "        \"b\": \"6869\",\n"
        "        \"big\": 9007199254740992,\n"
        "        \"bits\": 5,\n"
        "        \"d\": \"q\",\n"
        "        \"day\": \"2023-03-04\",\n"
        "        \"dbl\": 2.5,\n"
        "        \"e\": false,\n"
        "        \"id\": 1,\n"
        "        \"j\": {\"a\":[2,{\"c\":2,\"z\":1}],\"b\":1},\n"
        "        \"k\": \"k\",\n"
        "        \"mood\": \"sad\",\n"
        "        \"n\": 12.5,\n"
        "        \"now\": \"2020-01-02T03:04:05.000Z\",\n"
        "        \"plain\": \"ABC\",\n"
        "        \"r\": 0.1,\n"
        "        \"t\": \"10:20:30\",\n"
        "        \"u\": \"abcdef01-2345-6789-abcd-ef0123456789\"\n"
        "      }\n"
        "    ],\n"
        "    \"unique\": [[\"k\"]]\n"
        "  }\n"
        "}\n",
    };
    char *expected = join(expected_parts, sizeof expected_parts / sizeof *expected_parts);
    golden_assert_text("dump", got, expected);
    free(expected);
    cq_free(got);
    cq_value_free(dump);

    /* keep_timestamps leaves the stored value (a DATETIME, read as UTC) */
    CQ_ASSERT_OK(f->db, cq_db_query(NULL, f->db, "UPDATE c SET `createdAt` = '2020-01-01 00:00:00'",
                                    NULL, NULL));
    CQ_ASSERT_OK(f->db, cq_db_dump(&dump, f->db, &(cq_dump_opts){ .keep_timestamps = true }));
    const cq_value *rows = cq_value_object_get(cq_value_object_get(dump, "c"), "rows");
    assert_string_equal(
        cq_value_as_text(cq_value_object_get(cq_value_array_get(rows, 0), "createdAt")),
        "2020-01-01T00:00:00.000Z");
    cq_value_free(dump);
}

/* The fixture's db, for the scenarios of dump_cases.h. */
static cq_db *dump_db(void **state)
{
    return srv_fixture_db(state);
}

int main(void)
{
    int rc = srv_begin(CQ_DIALECT_MYSQL, "test_dump_mysql", "cq_dump");
    if (rc != 0)
        return rc;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_dump_mysql__empty_database_is_an_empty_object,
                                        srv_setup, srv_teardown),
        cmocka_unit_test_setup_teardown(test_dump_mysql__introspection, srv_setup, srv_teardown),
        DUMP_SCENARIO_CASES(srv_setup, srv_teardown),
    };
    return srv_end(cmocka_run_group_tests(tests, NULL, NULL));
}
