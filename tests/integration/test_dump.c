/*
 * Integration tests for the canonical dump (cq_db_dump) and the golden document
 * (cq_golden_normalize, cq_golden_to_json): schemas and rows built through the C API are
 * compared with the "dump" part of goldens recorded from Sequelize v6
 * (tests/conformance/golden/, copied unchanged from the conformance oracle).
 */
#define _POSIX_C_SOURCE 200809L
#include "cq_test.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#define GOLDEN_DIR CQ_SOURCE_DIR "/tests/conformance/golden"

/* ---- fixtures and helpers ------------------------------------------------------------ */

static int setup(void **state)
{
    cq_db *db = NULL;
    cq_error err = { 0 };
    if (cq_db_open(&db, "sqlite::memory:", NULL, &err) != CQ_OK) {
        print_error("cq_db_open: %s\n", err.message);
        return -1;
    }
    *state = db;
    return 0;
}

static int teardown(void **state)
{
    cq_db_close(*state);
    return 0;
}

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

static cq_value *read_golden(const char *scenario)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.sqlite.json", GOLDEN_DIR, scenario);
    char *text = read_file(path);
    cq_value *v = cq_test_json(text);
    free(text);
    return v;
}

static void assert_text_equal(const char *what, const char *got, const char *expected)
{
    if (strcmp(got, expected) != 0) {
        print_error("%s differs\n--- expected\n%s--- got\n%s", what, expected, got);
        fail();
    }
}

/* The dump of `db`, normalized as the golden's (UUIDs numbered, no result), compared as text
 * with the "dump" member of the golden of `scenario`. */
static void assert_dump_matches_golden(cq_db *db, const char *scenario)
{
    cq_value *golden = read_golden(scenario);
    char *expected = NULL;
    assert_int_equal(cq_golden_to_json(&expected, cq_value_object_get(golden, "dump")), CQ_OK);

    cq_value *dump = NULL, *doc = NULL;
    cq_error err = { 0 };
    CQ_ASSERT_OK(db, cq_db_dump(&dump, db, NULL));
    assert_int_equal(cq_golden_normalize(&doc, NULL, dump, &err), CQ_OK);
    char *got = NULL;
    assert_int_equal(cq_golden_to_json(&got, cq_value_object_get(doc, "dump")), CQ_OK);

    char what[256];
    snprintf(what, sizeof what, "dump of %s", scenario);
    assert_text_equal(what, got, expected);
    cq_free(got);
    cq_free(expected);
    cq_value_free(doc);
    cq_value_free(dump);
    cq_value_free(golden);
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
        char *text = read_file(path);
        cq_value *v = cq_test_json(text);
        char *out = NULL;
        assert_int_equal(cq_golden_to_json(&out, v), CQ_OK);
        assert_text_equal(e->d_name, out, text);
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
    assert_text_equal("golden document", got, expected);
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
    assert_text_equal("dump", got, expected);
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

/* ---- schemas of the conformance scenarios, built through the C API ------------------------- */

/* Scenario 65-model-types-and-defaults: one column per type family, database defaults, a
 * reference to a STRING primary key (declared by hand: what Thing.belongsTo(Kind,
 * {foreignKey: 'kindCode'}) adds). ENUM has no cequel type; STRING has the same family. */
static void test_dump__scenario_65_model_types_and_defaults(void **state)
{
    cq_db *db = *state;
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

    assert_dump_matches_golden(db, "65-model-types-and-defaults");
}

/* Scenario 40-manual-references-fixed: every key column declared by hand with `references`
 * (the associations of the scenario reuse them; their actions are CASCADE/CASCADE). */
static void test_dump__scenario_40_manual_references(void **state)
{
    cq_db *db = *state;
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

    assert_dump_matches_golden(db, "40-manual-references-fixed");
}

/* Scenario 36-fk-custom-actions: onDelete/onUpdate applied by the database (CASCADE,
 * RESTRICT, NO ACTION), the keys declared by hand as the associations would add them. */
static void test_dump__scenario_36_fk_custom_actions(void **state)
{
    cq_db *db = *state;
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

    assert_dump_matches_golden(db, "36-fk-custom-actions");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dump__golden_files_render_byte_for_byte),
        cmocka_unit_test(test_dump__normalize_numbers_uuids_like_the_oracle),
        cmocka_unit_test(test_dump__normalize_rejects_a_dump_that_is_not_an_object),
        cmocka_unit_test_setup_teardown(test_dump__empty_database_is_an_empty_object, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_dump__sqlite_introspection, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dump__scenario_65_model_types_and_defaults, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_dump__scenario_40_manual_references, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dump__scenario_36_fk_custom_actions, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
