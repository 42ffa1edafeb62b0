/*
 * Integration tests for the canonical dump (cq_db_dump) and the golden document
 * (cq_golden_normalize, cq_golden_to_json): schemas and rows built through the C API are
 * compared with the "dump" part of goldens recorded from Sequelize v6
 * (tests/conformance/golden/, copied unchanged from the conformance oracle).
 */
#define _POSIX_C_SOURCE 200809L
#include "cq_fixture.h"
#include "cq_golden.h"

/* The scenarios' goldens on SQLite. */
#define DUMP_GOLDEN_65 "65-model-types-and-defaults.sqlite.json"
#define DUMP_GOLDEN_40 "40-manual-references-fixed.sqlite.json"
#define DUMP_GOLDEN_36 "36-fk-custom-actions.sqlite.json"
#include "dump_cases.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

/* ---- the renderer and the normalizer ----------------------------------------------------- */

/* Every golden file (the 94 recorded from Sequelize and cequel's own expected files next to
 * them) parses and renders back to the same bytes. */
static void test_dump__golden_files_render_byte_for_byte(void **state)
{
    (void)state;
    DIR *dir = opendir(GOLDEN_DIR);
    assert_non_null(dir);
    int files = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 5, ".json") != 0)
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", GOLDEN_DIR, e->d_name);
        char *text = golden_read_file(path);
        cq_value *v = cq_test_json(text);
        char *out = NULL;
        assert_int_equal(cq_golden_to_json(&out, v), CQ_OK);
        golden_assert_text(e->d_name, out, text);
        cq_free(out);
        cq_value_free(v);
        free(text);
        if (!strstr(e->d_name, ".cequel."))
            files++;
    }
    closedir(dir);
    assert_int_equal(files, 94);
}

/* Expected text produced by the oracle's normalizeGolden() + stringify() on the same input:
 * UUIDs numbered walking the result first (keys sorted, integer-like keys first), then the
 * rows ordered with unknown UUIDs masked; JavaScript number formatting. */
static void test_dump__normalize_numbers_uuids_like_the_oracle(void **state)
{
    (void)state;
    cq_value *result = cq_test_json(
        "{\"9\":[true,null],\"10\":\"x\",\"b\":\"BBBBBBBB-0000-4000-8000-000000000002\","
        "\"a\":{\"createdAt\":\"2024-01-01T00:00:00.000Z\",\"updatedAt\":null,"
        "\"id\":\"aaaaaaaa-0000-4000-8000-000000000001\",\"n\":0.1,\"big\":1e+21,"
        "\"tiny\":1.5e-7}}");
    cq_value *dump = cq_test_json(
        "{\"t\":{\"columns\":[{\"name\":\"id\",\"type\":\"uuid\"},{\"name\":\"v\",\"type\":"
        "\"integer\"}],\"foreignKeys\":[],\"indexes\":[],\"unique\":[],\"rows\":["
        "{\"id\":\"cccccccc-0000-4000-8000-000000000003\",\"v\":2},"
        "{\"id\":\"aaaaaaaa-0000-4000-8000-000000000001\",\"v\":1},"
        "{\"id\":\"dddddddd-0000-4000-8000-000000000004\",\"v\":1}]}}");
    const char *expected =
        "{\n  \"dump\": {\n    \"t\": {\n      \"columns\": "
        "[{\"name\":\"id\",\"type\":\"uuid\"},{\"name\":\"v\",\"type\":\"integer\"}],\n"
        "      \"foreignKeys\": [],\n      \"indexes\": [],\n      \"rows\": "
        "[{\"id\":\"<uuid:1>\",\"v\":1},{\"id\":\"<uuid:3>\",\"v\":1},"
        "{\"id\":\"<uuid:4>\",\"v\":2}],\n      \"unique\": []\n    }\n  },\n"
        "  \"result\": {\n    \"9\": [true,null],\n    \"10\": \"x\",\n"
        "    \"a\": {\"big\":1e+21,\"createdAt\":\"<timestamp>\",\"id\":\"<uuid:1>\",\"n\":0.1,"
        "\"tiny\":1.5e-7,\"updatedAt\":null},\n    \"b\": \"<uuid:2>\"\n  }\n}\n";
    cq_value *doc = NULL;
    cq_error err = { 0 };
    assert_int_equal(cq_golden_normalize(&doc, result, dump, &err), CQ_OK);
    char *got = NULL;
    assert_int_equal(cq_golden_to_json(&got, doc), CQ_OK);
    golden_assert_text("golden document", got, expected);
    cq_free(got);
    cq_value_free(doc);
    cq_value_free(dump);
    cq_value_free(result);
}

static void test_dump__normalize_rejects_a_dump_that_is_not_an_object(void **state)
{
    (void)state;
    cq_value *dump = cq_value_array();
    cq_value *doc = NULL;
    cq_error err = { 0 };
    assert_int_equal(cq_golden_normalize(&doc, NULL, dump, &err), CQ_EINVALID);
    assert_null(doc);
    assert_non_null(strstr(err.message, "not an object"));
    cq_value_free(dump);
}

static void test_dump__empty_database_is_an_empty_object(void **state)
{
    cq_db *db = *state;
    char *text = NULL;
    CQ_ASSERT_OK(db, cq_db_golden(&text, db, NULL));
    assert_string_equal(text, "{\"dump\":{},\"result\":null}\n");
    cq_free(text);
}

/* Columns, keys, indexes and values of a table written by hand, read the oracle's way. */
static void test_dump__sqlite_introspection(void **state)
{
    cq_db *db = *state;
    CQ_ASSERT_OK(db, cq_db_query(NULL, db,
                                 "CREATE TABLE \"p q\" (id INTEGER PRIMARY KEY, "
                                 "d VARCHAR(255) DEFAULT 'x''y', e TINYINT(1) DEFAULT 1, "
                                 "at DATETIME, u UUID, j JSON, b BLOB, k TEXT UNIQUE)",
                                 NULL, NULL));
    CQ_ASSERT_OK(db, cq_db_query(NULL, db,
                                 "CREATE TABLE c (x INTEGER REFERENCES \"p q\" ON DELETE CASCADE, "
                                 "y INTEGER, createdAt DATETIME, UNIQUE (y, x))",
                                 NULL, NULL));
    CQ_ASSERT_OK(db, cq_db_query(NULL, db, "CREATE INDEX c_y ON c (y)", NULL, NULL));
    CQ_ASSERT_OK(db, cq_db_query(NULL, db,
                                 "INSERT INTO \"p q\" VALUES (1, 'q', 1, "
                                 "'2023-03-04 07:06:07.089 +02:00', "
                                 "'ABCDEF01-2345-6789-ABCD-EF0123456789', "
                                 "'{\"b\":1,\"a\":[2.0,{\"z\":1,\"c\":2}]}', x'6869', 'k')",
                                 NULL, NULL));
    CQ_ASSERT_OK(db, cq_db_query(NULL, db,
                                 "INSERT INTO c VALUES (1, 2, '2020-01-01'), "
                                 "(NULL, 1, NULL)",
                                 NULL, NULL));
    cq_value *dump = NULL;
    CQ_ASSERT_OK(db, cq_db_dump(&dump, db, NULL));
    char *got = NULL;
    assert_int_equal(cq_golden_to_json(&got, dump), CQ_OK);
    /* the oracle's dump.js on the same file prints exactly this */
    const char *expected =
        "{\n"
        "  \"c\": {\n"
        "    \"columns\": [\n"
        "      {\"autoIncrement\":false,\"name\":\"createdAt\",\"notNull\":false,"
        "\"primaryKey\":null,\"type\":\"datetime\"},\n"
        "      {\"autoIncrement\":false,\"name\":\"x\",\"notNull\":false,"
        "\"primaryKey\":null,\"type\":\"integer\"},\n"
        "      {\"autoIncrement\":false,\"name\":\"y\",\"notNull\":false,"
        "\"primaryKey\":null,\"type\":\"integer\"}\n"
        "    ],\n"
        "    \"foreignKeys\": [\n"
        "      {\n"
        "        \"columns\": [\"x\"],\n"
        "        \"onDelete\": \"CASCADE\",\n"
        "        \"onUpdate\": \"NO ACTION\",\n"
        "        \"references\": {\"columns\":[\"id\"],\"table\":\"p q\"}\n"
        "      }\n"
        "    ],\n"
        "    \"indexes\": [[\"y\"]],\n"
        "    \"rows\": [{\"createdAt\":null,\"x\":null,\"y\":1},"
        "{\"createdAt\":\"<timestamp>\",\"x\":1,\"y\":2}],\n"
        "    \"unique\": [[\"x\",\"y\"]]\n"
        "  },\n"
        "  \"p q\": {\n"
        "    \"columns\": [\n"
        "      {\"autoIncrement\":false,\"name\":\"at\",\"notNull\":false,"
        "\"primaryKey\":null,\"type\":\"datetime\"},\n"
        "      {\"autoIncrement\":false,\"name\":\"b\",\"notNull\":false,"
        "\"primaryKey\":null,\"type\":\"blob\"},\n"
        "      {\"autoIncrement\":false,\"default\":\"x'y\",\"name\":\"d\",\"notNull\":false,"
        "\"primaryKey\":null,\"type\":\"text\"},\n"
        "      {\"autoIncrement\":false,\"default\":true,\"name\":\"e\",\"notNull\":false,"
        "\"primaryKey\":null,\"type\":\"boolean\"},\n"
        "      {\"autoIncrement\":true,\"name\":\"id\",\"notNull\":true,"
        "\"primaryKey\":1,\"type\":\"integer\"},\n"
        "      {\"autoIncrement\":false,\"name\":\"j\",\"notNull\":false,"
        "\"primaryKey\":null,\"type\":\"json\"},\n"
        "      {\"autoIncrement\":false,\"name\":\"k\",\"notNull\":false,"
        "\"primaryKey\":null,\"type\":\"text\"},\n"
        "      {\"autoIncrement\":false,\"name\":\"u\",\"notNull\":false,"
        "\"primaryKey\":null,\"type\":\"uuid\"}\n"
        "    ],\n"
        "    \"foreignKeys\": [],\n"
        "    \"indexes\": [],\n"
        "    \"rows\": [\n"
        "      {\n"
        "        \"at\": \"2023-03-04T05:06:07.089Z\",\n"
        "        \"b\": \"6869\",\n"
        "        \"d\": \"q\",\n"
        "        \"e\": true,\n"
        "        \"id\": 1,\n"
        "        \"j\": {\"a\":[2,{\"c\":2,\"z\":1}],\"b\":1},\n"
        "        \"k\": \"k\",\n"
        "        \"u\": \"abcdef01-2345-6789-abcd-ef0123456789\"\n"
        "      }\n"
        "    ],\n"
        "    \"unique\": [[\"k\"]]\n"
        "  }\n"
        "}\n";
    golden_assert_text("dump", got, expected);
    cq_free(got);
    cq_value_free(dump);

    /* keep_timestamps leaves the stored value */
    CQ_ASSERT_OK(db, cq_db_dump(&dump, db, &(cq_dump_opts){ .keep_timestamps = true }));
    const cq_value *rows = cq_value_object_get(cq_value_object_get(dump, "c"), "rows");
    assert_string_equal(
        cq_value_as_text(cq_value_object_get(cq_value_array_get(rows, 1), "createdAt")),
        "2020-01-01");
    cq_value_free(dump);
}

/* The fixture's db, for the scenarios of dump_cases.h. */
static cq_db *dump_db(void **state)
{
    return *state;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dump__golden_files_render_byte_for_byte),
        cmocka_unit_test(test_dump__normalize_numbers_uuids_like_the_oracle),
        cmocka_unit_test(test_dump__normalize_rejects_a_dump_that_is_not_an_object),
        cmocka_unit_test_setup_teardown(test_dump__empty_database_is_an_empty_object, fx_db_setup,
                                        fx_db_teardown),
        cmocka_unit_test_setup_teardown(test_dump__sqlite_introspection, fx_db_setup,
                                        fx_db_teardown),
        DUMP_SCENARIO_CASES(fx_db_setup, fx_db_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
