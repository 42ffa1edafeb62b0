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
#include "cq_test.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GOLDEN_DIR CQ_SOURCE_DIR "/tests/conformance/golden"

static const char *base_url; /* CQ_TEST_MYSQL_URL */
static char *test_url;       /* the URL of the run's own database */
static char test_dbname[64];

/* ---- fixture ---------------------------------------------------------------------------- */

typedef struct fixture {
    cq_db *db;
    size_t statements; /* statements logged */
    bool catalog_seen; /* a logged statement read information_schema */
} fixture;

static void capture(const cq_log_event *ev, void *user_data)
{
    fixture *f = user_data;
    if (ev->kind != CQ_LOG_SQL)
        return;
    f->statements++;
    if (strstr(ev->sql, "information_schema.KEY_COLUMN_USAGE"))
        f->catalog_seen = true;
}

/* Runs `sql` on a connection of its own to `url`; returns the status. */
static int admin_exec(const char *url, const char *sql)
{
    cq_db *db = NULL;
    cq_error err = { 0 };
    int rc = cq_db_open(&db, url, NULL, &err);
    if (rc != CQ_OK) {
        fprintf(stderr, "test_dump_mysql: cannot connect to %s: %s\n", url, err.message);
        return rc;
    }
    rc = cq_db_query(NULL, db, sql, NULL, NULL);
    if (rc != CQ_OK)
        fprintf(stderr, "test_dump_mysql: %s: %s\n", sql, cq_db_error(db)->message);
    cq_db_close(db);
    return rc;
}

static int reset_database(void)
{
    char sql[160];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS `%s`", test_dbname);
    if (admin_exec(base_url, sql) != CQ_OK)
        return -1;
    snprintf(sql, sizeof sql, "CREATE DATABASE `%s` CHARACTER SET utf8mb4", test_dbname);
    return admin_exec(base_url, sql) == CQ_OK ? 0 : -1;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    cq_error err = { 0 };
    if (!f || reset_database() != 0) {
        free(f);
        return -1;
    }
    if (cq_db_open(&f->db, test_url, &(cq_open_opts){ .log = { .fn = capture, .user_data = f } },
                   &err) != CQ_OK) {
        print_error("cq_db_open(%s): %s\n", test_url, err.message);
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    cq_db_close(f->db);
    free(f);
    return 0;
}

static cq_db *fixture_db(void **state)
{
    return ((fixture *)*state)->db;
}

/* ---- helpers ---------------------------------------------------------------------------- */

/* Whole file as a NUL-terminated string; the caller frees it with free(). */
static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        print_error("cannot open %s\n", path);
        fail();
    }
    char *text = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 8192;
            char *grown = realloc(text, cap);
            assert_non_null(grown);
            text = grown;
        }
        size_t n = fread(text + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0)
            break;
    }
    fclose(f);
    text[len] = '\0';
    return text;
}

static void assert_text_equal(const char *what, const char *got, const char *expected)
{
    if (strcmp(got, expected) != 0) {
        print_error("%s differs\n--- expected\n%s--- got\n%s", what, expected, got);
        fail();
    }
}

/* The dump of `db`, normalized as the golden's (UUIDs numbered, no result), compared as text
 * with the "dump" member of golden/`file`. */
static void assert_dump_matches(cq_db *db, const char *file)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", GOLDEN_DIR, file);
    char *text = read_file(path);
    cq_value *golden = cq_test_json(text);
    free(text);
    char *expected = NULL;
    assert_int_equal(cq_golden_to_json(&expected, cq_value_object_get(golden, "dump")), CQ_OK);

    cq_value *dump = NULL, *doc = NULL;
    cq_error err = { 0 };
    CQ_ASSERT_OK(db, cq_db_dump(&dump, db, NULL));
    assert_int_equal(cq_golden_normalize(&doc, NULL, dump, &err), CQ_OK);
    char *got = NULL;
    assert_int_equal(cq_golden_to_json(&got, cq_value_object_get(doc, "dump")), CQ_OK);

    char what[256];
    snprintf(what, sizeof what, "dump against %s", file);
    assert_text_equal(what, got, expected);
    cq_free(got);
    cq_free(expected);
    cq_value_free(doc);
    cq_value_free(dump);
    cq_value_free(golden);
}

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

static void create(cq_db *db, cq_model *m, const char *json)
{
    cq_value *values = cq_test_json(json);
    CQ_ASSERT_OK(db, cq_model_create(NULL, m, values, NULL));
    cq_value_free(values);
}

static int try_create(cq_model *m, const char *json)
{
    cq_value *values = cq_test_json(json);
    int rc = cq_model_create(NULL, m, values, NULL);
    cq_value_free(values);
    return rc;
}

/* ---- introspection ------------------------------------------------------------------------ */

static void test_dump_mysql__empty_database_is_an_empty_object(void **state)
{
    fixture *f = *state;
    char *text = NULL;
    CQ_ASSERT_OK(f->db, cq_db_golden(&text, f->db, NULL));
    assert_string_equal(text, "{\"dump\":{},\"result\":null}\n");
    cq_free(text);
    /* a table of another database, and a view, are not part of the dump */
    char sql[160];
    snprintf(sql, sizeof sql, "CREATE DATABASE IF NOT EXISTS `%s_other`", test_dbname);
    CQ_ASSERT_OK(f->db, cq_db_query(NULL, f->db, sql, NULL, NULL));
    snprintf(sql, sizeof sql, "CREATE TABLE `%s_other`.t (x INTEGER)", test_dbname);
    CQ_ASSERT_OK(f->db, cq_db_query(NULL, f->db, sql, NULL, NULL));
    CQ_ASSERT_OK(f->db, cq_db_query(NULL, f->db, "CREATE VIEW v AS SELECT 1 AS one", NULL, NULL));
    CQ_ASSERT_OK(f->db, cq_db_golden(&text, f->db, NULL));
    assert_string_equal(text, "{\"dump\":{},\"result\":null}\n");
    cq_free(text);
    snprintf(sql, sizeof sql, "DROP DATABASE `%s_other`", test_dbname);
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
    fixture *f = *state;
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
    assert_text_equal("dump", got, expected);
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

/* ---- schemas of the conformance scenarios, built through the C API ------------------------- */

/* Scenario 65-model-types-and-defaults: one column per type family, database defaults, a
 * reference to a STRING primary key (declared by hand: what Thing.belongsTo(Kind,
 * {foreignKey: 'kindCode'}) adds). ENUM has no cequel type; STRING has the same family. On
 * MySQL the TEXT column has no database default and DATETIME keeps whole seconds: the
 * expected dump is golden/65-...mysql.cequel.json (golden/README.md lists both). */
static void test_dump_mysql__scenario_65_model_types_and_defaults(void **state)
{
    cq_db *db = fixture_db(state);
    cq_model *kind = NULL, *thing = NULL;
    cq_value *unnamed = cq_value_text("unnamed"), *yes = cq_value_bool(true),
             *no = cq_value_bool(false), *seven = cq_value_int(7),
             *pending = cq_value_text("pending"), *happy = cq_value_text("happy");
    const cq_attr kind_attrs[] = {
        { .name = "code", .type = CQ_STRING, .length = 10, .primary_key = true },
        { .name = "label", .type = CQ_TEXT, .allow_null = CQ_OFF, .default_value = unnamed },
        { 0 },
    };
    const cq_attr thing_attrs[] = {
        { .name = "name", .type = CQ_STRING, .allow_null = CQ_OFF },
        { .name = "big", .type = CQ_BIGINT },
        { .name = "small", .type = CQ_SMALLINT },
        { .name = "ratio", .type = CQ_FLOAT },
        { .name = "precise", .type = CQ_DOUBLE },
        { .name = "price", .type = CQ_DECIMAL, .precision = 10, .scale = 2 },
        { .name = "flag", .type = CQ_BOOLEAN, .default_value = yes },
        { .name = "off", .type = CQ_BOOLEAN, .allow_null = CQ_OFF, .default_value = no },
        { .name = "count", .type = CQ_INTEGER, .default_value = seven },
        { .name = "status", .type = CQ_STRING, .default_value = pending },
        { .name = "mood", .type = CQ_STRING, .default_value = happy },
        { .name = "at", .type = CQ_DATE },
        { .name = "day", .type = CQ_DATEONLY },
        { .name = "token", .type = CQ_UUID },
        { .name = "meta", .type = CQ_JSON },
        { .name = "raw", .type = CQ_BLOB },
        { .name = "kindCode",
          .type = CQ_STRING,
          .length = 10,
          .references_model = "kind",
          .references_key = "code",
          .on_delete = "SET NULL",
          .on_update = "CASCADE" },
        { 0 },
    };
    CQ_ASSERT_OK(
        db, cq_db_define(&kind, db, "kind", kind_attrs, &(cq_model_opts){ .timestamps = CQ_OFF }));
    CQ_ASSERT_OK(db, cq_db_define(&thing, db, "thing", thing_attrs, NULL));
    cq_value_free(unnamed);
    cq_value_free(yes);
    cq_value_free(no);
    cq_value_free(seven);
    cq_value_free(pending);
    cq_value_free(happy);
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));

    create(db, kind, "{\"code\":\"A\"}");
    create(db, kind, "{\"code\":\"B\",\"label\":\"bee\"}");
    cq_value *full = cq_test_json(
        "{\"name\":\"full\",\"big\":9007199254740991,\"small\":-3,\"ratio\":0.5,"
        "\"precise\":1.25,\"price\":\"12.50\",\"flag\":false,\"mood\":\"sad\","
        "\"at\":\"2023-03-04T05:06:07.089Z\",\"day\":\"2023-03-04\","
        "\"token\":\"3f1e2d3c-4b5a-4697-8a1b-2c3d4e5f6a7b\",\"meta\":{\"b\":[1,2],\"a\":\"x\"},"
        "\"kindCode\":\"A\"}");
    assert_int_equal(cq_value_object_set(full, "raw", cq_value_blob("hi", 2)), CQ_OK);
    CQ_ASSERT_OK(db, cq_model_create(NULL, thing, full, NULL));
    cq_value_free(full);
    create(db, thing, "{\"name\":\"defaults\",\"kindCode\":\"B\"}");
    create(db, thing, "{\"name\":\"bare\"}");

    assert_dump_matches(db, "65-model-types-and-defaults.mysql.cequel.json");
}

/* Scenario 40-manual-references-fixed: every key column declared by hand with `references`
 * (the associations of the scenario reuse them; their actions are CASCADE/CASCADE). */
static void test_dump_mysql__scenario_40_manual_references(void **state)
{
    cq_db *db = fixture_db(state);
    cq_model *series = NULL, *trainer = NULL, *video = NULL;
    const cq_attr series_attrs[] = {
        { .name = "title", .type = CQ_STRING },
        { .name = "sub_title", .type = CQ_STRING },
        { .name = "description", .type = CQ_TEXT },
        { .name = "trainer_id",
          .type = CQ_INTEGER,
          .references_model = "trainers",
          .references_key = "id",
          .on_delete = "CASCADE",
          .on_update = "CASCADE" },
        { 0 },
    };
    const cq_attr trainer_attrs[] = {
        { .name = "first_name", .type = CQ_STRING },
        { .name = "last_name", .type = CQ_STRING },
        { 0 },
    };
    const cq_attr video_attrs[] = {
        { .name = "title", .type = CQ_STRING },
        { .name = "sequence", .type = CQ_INTEGER },
        { .name = "description", .type = CQ_TEXT },
        { .name = "series_id",
          .type = CQ_INTEGER,
          .references_model = "series",
          .references_key = "id",
          .on_delete = "CASCADE",
          .on_update = "CASCADE" },
        { 0 },
    };
    CQ_ASSERT_OK(db, cq_db_define(&series, db, "series", series_attrs, NULL));
    CQ_ASSERT_OK(db, cq_db_define(&trainer, db, "trainer", trainer_attrs, NULL));
    CQ_ASSERT_OK(db, cq_db_define(&video, db, "video", video_attrs, NULL));
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));

    create(db, trainer, "{\"first_name\":\"Tom\",\"last_name\":\"T\"}");
    create(db, series,
           "{\"title\":\"Yoga\",\"sub_title\":\"basics\","
           "\"description\":\"long text\",\"trainer_id\":1}");
    create(db, video, "{\"title\":\"Intro\",\"sequence\":1,\"series_id\":1}");
    assert_int_equal(try_create(video, "{\"title\":\"dangling\",\"series_id\":999}"),
                     CQ_EFOREIGNKEY);

    assert_dump_matches(db, "40-manual-references-fixed.postgres.json");
}

/* Scenario 36-fk-custom-actions: onDelete/onUpdate applied by the database (CASCADE,
 * RESTRICT, NO ACTION), the keys declared by hand as the associations would add them. */
static void test_dump_mysql__scenario_36_fk_custom_actions(void **state)
{
    cq_db *db = fixture_db(state);
    cq_model *author = NULL, *book = NULL, *review = NULL, *shelf = NULL;
    const cq_attr author_attrs[] = { { .name = "name", .type = CQ_STRING }, { 0 } };
    const cq_attr book_attrs[] = {
        { .name = "title", .type = CQ_STRING },
        { .name = "authorId",
          .type = CQ_INTEGER,
          .references_model = "authors",
          .on_delete = "CASCADE",
          .on_update = "RESTRICT" },
        { .name = "shelfId",
          .type = CQ_INTEGER,
          .references_model = "shelves",
          .on_delete = "NO ACTION",
          .on_update = "NO ACTION" },
        { 0 },
    };
    const cq_attr review_attrs[] = {
        { .name = "stars", .type = CQ_INTEGER },
        { .name = "bookId",
          .type = CQ_INTEGER,
          .references_model = "books",
          .on_delete = "RESTRICT",
          .on_update = "CASCADE" },
        { 0 },
    };
    const cq_attr shelf_attrs[] = { { .name = "label", .type = CQ_STRING }, { 0 } };
    CQ_ASSERT_OK(db, cq_db_define(&author, db, "author", author_attrs, NULL));
    CQ_ASSERT_OK(db, cq_db_define(&book, db, "book", book_attrs, NULL));
    CQ_ASSERT_OK(db, cq_db_define(&review, db, "review", review_attrs, NULL));
    CQ_ASSERT_OK(db, cq_db_define(&shelf, db, "shelf", shelf_attrs, NULL));
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));

    create(db, author, "{\"name\":\"a\"}");
    create(db, author, "{\"name\":\"b\"}");
    create(db, shelf, "{\"label\":\"s\"}");
    create(db, book, "{\"title\":\"a-1\",\"authorId\":1,\"shelfId\":1}");
    create(db, book, "{\"title\":\"a-2\",\"authorId\":1}");
    create(db, book, "{\"title\":\"b-1\",\"authorId\":2,\"shelfId\":1}");
    create(db, review, "{\"stars\":5,\"bookId\":3}");

    cq_value *where_a = cq_test_json("{\"id\":1}"), *where_b = cq_test_json("{\"id\":2}");
    cq_value *new_id = cq_test_json("{\"id\":9}");
    CQ_ASSERT_OK(db, cq_model_destroy(NULL, author, &(cq_bulk_opts){ .where = where_a }));
    CQ_ASSERT_ERR(db, CQ_EFOREIGNKEY,
                  cq_model_destroy(NULL, author, &(cq_bulk_opts){ .where = where_b }));
    CQ_ASSERT_ERR(db, CQ_EFOREIGNKEY,
                  cq_model_update(NULL, author, new_id, &(cq_bulk_opts){ .where = where_b }));
    CQ_ASSERT_ERR(db, CQ_EFOREIGNKEY,
                  cq_model_destroy(NULL, shelf, &(cq_bulk_opts){ .where = where_a }));
    cq_value_free(where_a);
    cq_value_free(where_b);
    cq_value_free(new_id);

    assert_dump_matches(db, "36-fk-custom-actions.postgres.json");
}

/* ---- main: a database of our own for the run ------------------------------------------------ */

/* `url` with its database name replaced by `dbname` (query string kept). */
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

int main(void)
{
    base_url = getenv("CQ_TEST_MYSQL_URL");
    const char *ci = getenv("CI");
    if (!base_url || !*base_url) {
        if (ci && *ci && strcmp(ci, "false") != 0) {
            printf("test_dump_mysql: CQ_TEST_MYSQL_URL is not set under CI (run through "
                   "scripts/test-servers)\n");
            return 1;
        }
        printf("test_dump_mysql: CQ_TEST_MYSQL_URL is not set; skipping (run through "
               "scripts/test-servers)\n");
        return 77;
    }
    snprintf(test_dbname, sizeof test_dbname, "cq_dump_%ld", (long)getpid());
    test_url = with_database(base_url, test_dbname);
    if (!test_url)
        return 1;
    char sql[128];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS `%s`", test_dbname);
    if (admin_exec(base_url, sql) == CQ_ENOTSUPPORTED) {
        printf("test_dump_mysql: this build has no MySQL driver (CQ_WITH_MYSQL=OFF); skipping\n");
        free(test_url);
        return 77;
    }

    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_dump_mysql__empty_database_is_an_empty_object, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_dump_mysql__introspection, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dump_mysql__scenario_65_model_types_and_defaults,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_dump_mysql__scenario_40_manual_references, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_dump_mysql__scenario_36_fk_custom_actions, setup,
                                        teardown),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);

    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS `%s`", test_dbname);
    if (admin_exec(base_url, sql) != CQ_OK)
        failed++;
    free(test_url);
    return failed ? 1 : 0;
}
