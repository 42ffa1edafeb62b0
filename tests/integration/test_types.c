/* Data types on SQLite, PostgreSQL and MySQL/MariaDB: ENUM (PostgreSQL's own type, created,
 * extended and dropped by sync as Sequelize v6 does; MySQL ENUM; SQLite TEXT; values checked
 * on write), DECIMAL read back as exact text where the server keeps it exactly, UUID values
 * checked, defaults checked at define, JSONB and ARRAY (PostgreSQL) with the array operators.
 * Every outcome is read back from the database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cq_server.h"

typedef struct ty_fixture {
    void *srv;
    cq_db *db;
    cq_dialect d;
} ty_fixture;

static int setup(void **state)
{
    ty_fixture *f = calloc(1, sizeof *f);
    if (!f || srv_any_setup(&f->srv) != 0) {
        free(f);
        return -1;
    }
    f->db = srv_fixture_db(&f->srv);
    f->d = cq_db_dialect(f->db);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    ty_fixture *f = *state;
    srv_teardown(&f->srv);
    free(f);
    return 0;
}

static char *dupstr(const char *s)
{
    char *d = malloc(strlen(s) + 1);
    assert_non_null(d);
    return strcpy(d, s);
}

/* The first row's first column of a raw query with text parameters (NULL-terminated). */
static cq_value *query1(cq_db *db, const char *sql, const char *const *args)
{
    cq_value *params = cq_value_array();
    for (size_t i = 0; args && args[i]; i++)
        assert_int_equal(cq_value_array_append(params, cq_value_text(args[i])), CQ_OK);
    cq_value *rows = NULL;
    CQ_ASSERT_OK(db, cq_db_query(&rows, db, sql, params, NULL));
    cq_value_free(params);
    cq_value *row = cq_value_array_get(rows, 0);
    cq_value *v = row ? cq_value_copy(cq_value_object_value(row, 0)) : NULL;
    cq_value_free(rows);
    return v;
}

/* The labels of PostgreSQL enum type `name`, as a JSON array text (caller frees). */
static char *pg_enum_labels(cq_db *db, const char *name)
{
    cq_value *v = query1(db,
                         "SELECT COALESCE(json_agg(e.enumlabel ORDER BY e.enumsortorder)::text, "
                         "'null') FROM pg_type t JOIN pg_enum e ON t.oid = e.enumtypid "
                         "WHERE t.typname = ?",
                         (const char *const[]){ name, NULL });
    char *s = dupstr(cq_value_as_text(v));
    cq_value_free(v);
    return s;
}

static void assert_error_has(cq_db *db, const char *part)
{
    const char *msg = cq_db_error(db)->message;
    if (!strstr(msg, part))
        fail_msg("error \"%s\" does not contain \"%s\"", msg, part);
}

static const char *const status_values[] = { "draft", "published", NULL };

static cq_model *define_items(ty_fixture *f)
{
    cq_attr attrs[] = {
        { .name = "status", .type = CQ_ENUM, .values = status_values, .default_value = NULL },
        { .name = "price", .type = CQ_DECIMAL, .precision = 10, .scale = 2 },
        { .name = "token", .type = CQ_UUID },
        { 0 },
    };
    return srv_define(f->db, "item", attrs, NULL);
}

static void test_enum(void **state)
{
    ty_fixture *f = *state;
    cq_model *item = define_items(f);
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, &(cq_sync_opts){ .force = true }));
    if (f->d == CQ_DIALECT_POSTGRES) {
        char *labels = pg_enum_labels(f->db, "enum_items_status");
        assert_string_equal(labels, "[\"draft\", \"published\"]");
        free(labels);
        cq_value *t = query1(f->db,
                             "SELECT udt_name::text FROM information_schema.columns WHERE "
                             "table_name = 'items' AND column_name = 'status'",
                             NULL);
        assert_string_equal(cq_value_as_text(t), "enum_items_status");
        cq_value_free(t);
    } else if (f->d == CQ_DIALECT_MYSQL) {
        cq_value *t = query1(f->db,
                             "SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE "
                             "TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'items' AND "
                             "COLUMN_NAME = 'status'",
                             NULL);
        assert_string_equal(cq_value_as_text(t), "enum('draft','published')");
        cq_value_free(t);
    }
    cq_instance *i = srv_create(f->db, item, "{\"status\":\"published\"}");
    CQ_ASSERT_OK(f->db, cq_instance_reload(i, NULL));
    assert_string_equal(cq_value_as_text(cq_instance_get(i, "status")), "published");

    /* a value outside the list: Sequelize's ENUM check, nothing written */
    assert_int_equal(srv_try_create(item, "{\"status\":\"zz\"}", NULL), CQ_EVALIDATION);
    assert_error_has(f->db, "\"zz\" is not a valid choice in [\"draft\",\"published\"]");
    assert_int_equal(srv_count_where(f->db, item, NULL), 1);
    cq_value *bad = cq_test_json("{\"status\":\"gone\"}");
    assert_int_equal(cq_instance_update(i, bad, NULL), CQ_EVALIDATION);
    int64_t n = -1;
    assert_int_equal(cq_model_update(&n, item, bad, &(cq_bulk_opts){ .where = CQ_EMPTY_OBJECT }),
                     CQ_EVALIDATION);
    cq_value_free(bad);
    assert_int_equal(srv_count_where(f->db, item, "{\"status\":\"published\"}"), 1);
    cq_rows *rows = NULL;
    cq_value *w = cq_test_json("{\"status\":\"nope\"}");
    assert_int_equal(cq_model_find_all(&rows, item, &(cq_find_opts){ .where = w }), CQ_EVALIDATION);
    assert_null(rows);
    cq_value_free(w);
    cq_instance_free(i);

    /* drop removes the PostgreSQL type with the table */
    CQ_ASSERT_OK(f->db, cq_db_drop(f->db, NULL));
    if (f->d == CQ_DIALECT_POSTGRES) {
        char *labels = pg_enum_labels(f->db, "enum_items_status");
        assert_string_equal(labels, "null");
        free(labels);
    }
}

/* sync on an existing table adds the values the type lacks, where v6 places them; a forced
 * sync drops the type and creates it with the model's values. */
static void test_enum_sync_values(void **state)
{
    ty_fixture *f = *state;
    /* three models of one table, all defined before the first statement freezes the schema */
    cq_model *first = define_items(f);
    static const char *const more[] = { "idea", "draft", "review", "published", "archived", NULL };
    cq_model *again = srv_define(
        f->db, "item2", (cq_attr[]){ { .name = "status", .type = CQ_ENUM, .values = more }, { 0 } },
        &(cq_model_opts){ .table_name = "items" });
    static const char *const few[] = { "x", NULL };
    cq_model *third = srv_define(
        f->db, "item3", (cq_attr[]){ { .name = "status", .type = CQ_ENUM, .values = few }, { 0 } },
        &(cq_model_opts){ .table_name = "items" });
    CQ_ASSERT_OK(f->db, cq_model_sync(first, &(cq_sync_opts){ .force = true }));
    CQ_ASSERT_OK(f->db, cq_model_sync(again, NULL));
    if (f->d == CQ_DIALECT_MYSQL) {
        /* as in v6, sync leaves an existing MySQL column alone: the server refuses the value */
        assert_int_equal(srv_try_create(again, "{\"status\":\"review\"}", NULL), CQ_EDATABASE);
        return;
    }
    cq_instance *i = srv_create(f->db, again, "{\"status\":\"review\"}");
    CQ_ASSERT_OK(f->db, cq_instance_reload(i, NULL));
    assert_string_equal(cq_value_as_text(cq_instance_get(i, "status")), "review");
    cq_instance_free(i);
    if (f->d == CQ_DIALECT_POSTGRES) {
        char *labels = pg_enum_labels(f->db, "enum_items_status");
        assert_string_equal(labels,
                            "[\"idea\", \"draft\", \"review\", \"published\", \"archived\"]");
        free(labels);
        /* force: the table and its type go, and come back with this model's values only */
        CQ_ASSERT_OK(f->db, cq_model_sync(third, &(cq_sync_opts){ .force = true }));
        labels = pg_enum_labels(f->db, "enum_items_status");
        assert_string_equal(labels, "[\"x\"]");
        free(labels);
    }
}

static void test_decimal(void **state)
{
    ty_fixture *f = *state;
    cq_model *item = define_items(f);
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, &(cq_sync_opts){ .force = true }));
    cq_instance *i = srv_create(f->db, item, "{\"price\":12.5}");
    CQ_ASSERT_OK(f->db, cq_instance_reload(i, NULL));
    const cq_value *p = cq_instance_get(i, "price");
    if (f->d == CQ_DIALECT_SQLITE) {
        /* SQLite keeps a number: v6 reads 12.5 */
        assert_int_equal(cq_value_type_of(p), CQ_VALUE_DOUBLE);
        assert_true(cq_value_as_double(p) == 12.5);
    } else {
        /* the server's exact text, as v6 returns it on PostgreSQL and MySQL */
        assert_int_equal(cq_value_type_of(p), CQ_VALUE_TEXT);
        assert_string_equal(cq_value_as_text(p), "12.50");
    }
    cq_instance_free(i);
    /* text in, exact text out, beyond a double's digits */
    i = srv_create(f->db, item, "{\"price\":\"98765432.19\"}");
    CQ_ASSERT_OK(f->db, cq_instance_reload(i, NULL));
    p = cq_instance_get(i, "price");
    if (f->d == CQ_DIALECT_SQLITE)
        assert_true(cq_value_as_double(p) == 98765432.19);
    else
        assert_string_equal(cq_value_as_text(p), "98765432.19");
    cq_instance_free(i);
    assert_int_equal(srv_try_create(item, "{\"price\":\"12,50\"}", NULL), CQ_EVALIDATION);
    assert_error_has(f->db, "\"12,50\" is not a valid decimal");
    assert_int_equal(srv_count_where(f->db, item, NULL), 2);
    assert_int_equal(srv_count_where(f->db, item, "{\"price\":\"12.50\"}"), 1);
    /* aggregates are numbers, as v6's parseFloat makes them */
    cq_value *sum = NULL, *max = NULL;
    CQ_ASSERT_OK(f->db, cq_model_sum(&sum, item, "price", NULL));
    CQ_ASSERT_OK(f->db, cq_model_max(&max, item, "price", NULL));
    assert_true(cq_value_as_double(sum) == 98765444.69);
    assert_int_equal(cq_value_type_of(max), CQ_VALUE_DOUBLE);
    assert_true(cq_value_as_double(max) == 98765432.19);
    cq_value_free(sum);
    cq_value_free(max);
}

static void test_uuid(void **state)
{
    ty_fixture *f = *state;
    cq_model *item = define_items(f);
    cq_model *tok = srv_define(
        f->db, "token",
        (cq_attr[]){
            { .name = "id", .type = CQ_UUID, .primary_key = true, .default_fn = CQ_DEFAULT_UUIDV4 },
            { 0 } },
        NULL);
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, &(cq_sync_opts){ .force = true }));
    cq_instance *i =
        srv_create(f->db, item, "{\"token\":\"3F1E2D3C-4B5A-4697-8A1B-2C3D4E5F6A7B\"}");
    cq_instance_free(i);
    assert_int_equal(srv_count_where(f->db, item, NULL), 1);
    static const char *const bad[] = { "not-a-uuid", "3f1e2d3c-4b5a-4697-8a1b-2c3d4e5f6a7",
                                       "3f1e2d3c-4b5a-0697-8a1b-2c3d4e5f6a7b",
                                       "3f1e2d3c4b5a46978a1b2c3d4e5f6a7b" };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char json[128];
        snprintf(json, sizeof json, "{\"token\":\"%s\"}", bad[k]);
        assert_int_equal(srv_try_create(item, json, NULL), CQ_EVALIDATION);
        char want[96];
        snprintf(want, sizeof want, "\"%s\" is not a valid uuid", bad[k]);
        assert_error_has(f->db, want);
    }
    assert_int_equal(srv_try_create(item, "{\"token\":42}", NULL), CQ_EVALIDATION);
    assert_int_equal(srv_count_where(f->db, item, NULL), 1);
    /* a where on a UUID with a malformed value: the same error, not the server's */
    cq_rows *rows = NULL;
    cq_value *w = cq_test_json("{\"token\":\"nope\"}");
    assert_int_equal(cq_model_find_all(&rows, item, &(cq_find_opts){ .where = w }), CQ_EVALIDATION);
    cq_value_free(w);
    /* UUIDV4 defaults pass their own check */
    cq_instance *t = srv_create(f->db, tok, "{}");
    CQ_ASSERT_OK(f->db, cq_instance_reload(t, NULL));
    assert_int_equal(strlen(cq_value_as_text(cq_instance_get(t, "id"))), 36);
    cq_instance_free(t);
}

static void expect_bad_default(ty_fixture *f, const char *model, cq_attr attr, const char *msg)
{
    cq_model *m = NULL;
    cq_attr attrs[2] = { attr, { 0 } };
    assert_int_equal(cq_db_define(&m, f->db, model, attrs, NULL), CQ_EINVALID);
    assert_null(m);
    char want[128];
    snprintf(want, sizeof want, "model \"%s\": attribute \"%s\": bad defaultValue", model,
             attr.name);
    assert_error_has(f->db, want);
    assert_error_has(f->db, msg);
}

static void test_defaults_checked(void **state)
{
    ty_fixture *f = *state;
    cq_value *abc = cq_value_text("abc");
    expect_bad_default(f, "b1",
                       (cq_attr){ .name = "flag", .type = CQ_BOOLEAN, .default_value = abc },
                       "is not a boolean");
    expect_bad_default(f, "b2", (cq_attr){ .name = "n", .type = CQ_INTEGER, .default_value = abc },
                       "is not an integer");
    expect_bad_default(
        f, "b3",
        (cq_attr){ .name = "e", .type = CQ_ENUM, .values = status_values, .default_value = abc },
        "is not a valid choice");
    expect_bad_default(f, "b4", (cq_attr){ .name = "u", .type = CQ_UUID, .default_value = abc },
                       "is not a valid uuid");
    expect_bad_default(f, "b5", (cq_attr){ .name = "d", .type = CQ_DECIMAL, .default_value = abc },
                       "is not a valid decimal");
    cq_value_free(abc);
    cq_model *m = NULL;
    assert_int_equal(
        cq_db_define(&m, f->db, "b6", (cq_attr[]){ { .name = "e", .type = CQ_ENUM }, { 0 } }, NULL),
        CQ_EINVALID);
    assert_error_has(f->db, "values for ENUM have not been defined");
    /* good defaults reach the table */
    cq_value *draft = cq_value_text("draft");
    cq_model *ok = srv_define(
        f->db, "good",
        (cq_attr[]){
            { .name = "flag", .type = CQ_BOOLEAN, .default_value = CQ_TRUE },
            { .name = "status", .type = CQ_ENUM, .values = status_values, .default_value = draft },
            { 0 } },
        &(cq_model_opts){ .timestamps = CQ_OFF });
    cq_value_free(draft);
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, &(cq_sync_opts){ .force = true }));
    cq_value *rows = NULL;
    char *sql = dupstr(f->d == CQ_DIALECT_MYSQL ? "INSERT INTO `goods` () VALUES ()"
                                                : "INSERT INTO \"goods\" DEFAULT VALUES");
    CQ_ASSERT_OK(f->db, cq_db_query(&rows, f->db, sql, NULL, NULL));
    free(sql);
    cq_value_free(rows);
    assert_int_equal(srv_count_where(f->db, ok, "{\"flag\":true,\"status\":\"draft\"}"), 1);
}

static void test_jsonb(void **state)
{
    ty_fixture *f = *state;
    cq_attr attrs[] = { { .name = "meta", .type = CQ_JSONB }, { 0 } };
    cq_model *m = srv_define(f->db, "doc", attrs, NULL);
    int rc = cq_db_sync(f->db, &(cq_sync_opts){ .force = true });
    if (f->d == CQ_DIALECT_MYSQL) {
        /* refused before any statement: no table */
        assert_int_equal(rc, CQ_ENOTSUPPORTED);
        assert_error_has(f->db, "MySQL has no JSONB");
        cq_value *n = query1(f->db,
                             "SELECT COUNT(*) FROM information_schema.TABLES WHERE "
                             "TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'docs'",
                             NULL);
        assert_int_equal(cq_value_as_int(n), 0);
        cq_value_free(n);
        return;
    }
    CQ_ASSERT_OK(f->db, rc);
    if (f->d == CQ_DIALECT_POSTGRES) {
        cq_value *t = query1(f->db,
                             "SELECT data_type::text FROM information_schema.columns WHERE "
                             "table_name = 'docs' AND column_name = 'meta'",
                             NULL);
        assert_string_equal(cq_value_as_text(t), "jsonb");
        cq_value_free(t);
    }
    cq_instance *i = srv_create(f->db, m, "{\"meta\":{\"a\":1,\"tags\":[\"x\",\"y\"]}}");
    cq_instance_free(srv_create(f->db, m, "{\"meta\":{\"a\":2}}"));
    CQ_ASSERT_OK(f->db, cq_instance_reload(i, NULL));
    cq_test_assert_json_sorted(cq_instance_get(i, "meta"), "{\"a\":1,\"tags\":[\"x\",\"y\"]}");
    cq_instance_free(i);
    assert_int_equal(srv_count_where(f->db, m, "{\"meta\":{\"a\":2}}"), 1);
    assert_int_equal(srv_count_where(f->db, m, "{\"meta.a\":1}"), 1);
}

static void test_array(void **state)
{
    ty_fixture *f = *state;
    static const char *const kinds[] = { "p", "q", NULL };
    cq_attr attrs[] = {
        { .name = "nums", .type = CQ_ARRAY, .element_type = CQ_INTEGER },
        { .name = "tags", .type = CQ_ARRAY, .element_type = CQ_STRING },
        { .name = "kinds", .type = CQ_ARRAY, .element_type = CQ_ENUM, .values = kinds },
        { 0 },
    };
    cq_model *m = srv_define(f->db, "bag", attrs, NULL);
    int rc = cq_db_sync(f->db, &(cq_sync_opts){ .force = true });
    if (f->d != CQ_DIALECT_POSTGRES) {
        assert_int_equal(rc, CQ_ENOTSUPPORTED);
        assert_error_has(f->db, "ARRAY columns exist only on PostgreSQL");
        assert_int_equal(cq_model_sync(m, NULL), CQ_ENOTSUPPORTED);
        /* the operators name the dialect that lacks them */
        cq_model *plain = srv_define(
            f->db, "plain", (cq_attr[]){ { .name = "n", .type = CQ_INTEGER }, { 0 } }, NULL);
        CQ_ASSERT_OK(f->db, cq_model_sync(plain, &(cq_sync_opts){ .force = true }));
        cq_rows *rows = NULL;
        cq_value *w = cq_test_json("{\"n\":{\"$contains\":[1]}}");
        assert_int_equal(cq_model_find_all(&rows, plain, &(cq_find_opts){ .where = w }),
                         CQ_ENOTSUPPORTED);
        cq_value_free(w);
        return;
    }
    CQ_ASSERT_OK(f->db, rc);
    cq_value *t = query1(f->db,
                         "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE "
                         "attrelid = 'bags'::regclass AND attname = 'kinds'",
                         NULL);
    assert_string_equal(cq_value_as_text(t), "enum_bags_kinds[]");
    cq_value_free(t);
    cq_instance *i = srv_create(
        f->db, m, "{\"nums\":[1,2,3],\"tags\":[\"x\",\"a \\\"b\\\",{c}\",null],\"kinds\":[\"p\"]}");
    cq_instance_free(srv_create(f->db, m, "{\"nums\":[5],\"tags\":[],\"kinds\":[\"q\",\"p\"]}"));
    CQ_ASSERT_OK(f->db, cq_instance_reload(i, NULL));
    cq_test_assert_json(cq_instance_get(i, "nums"), "[1,2,3]");
    cq_test_assert_json(cq_instance_get(i, "tags"), "[\"x\",\"a \\\"b\\\",{c}\",null]");
    cq_test_assert_json(cq_instance_get(i, "kinds"), "[\"p\"]");
    cq_instance_free(i);
    assert_int_equal(srv_count_where(f->db, m, "{\"nums\":{\"$contains\":[1,2]}}"), 1);
    assert_int_equal(srv_count_where(f->db, m, "{\"nums\":{\"$contained\":[1,2,3,4]}}"), 1);
    assert_int_equal(srv_count_where(f->db, m, "{\"nums\":{\"$overlap\":[3,5]}}"), 2);
    assert_int_equal(srv_count_where(f->db, m, "{\"kinds\":{\"$contains\":[\"p\"]}}"), 2);
    assert_int_equal(srv_count_where(f->db, m, "{\"nums\":[5]}"), 1);
    /* elements are checked with the element type */
    assert_int_equal(srv_try_create(m, "{\"kinds\":[\"zz\"]}", NULL), CQ_EVALIDATION);
    assert_error_has(f->db, "\"zz\" is not a valid choice in [\"p\",\"q\"]");
    assert_int_equal(srv_try_create(m, "{\"nums\":7}", NULL), CQ_EVALIDATION);
    assert_error_has(f->db, "7 is not a valid array");
    cq_rows *rows = NULL;
    cq_value *w = cq_test_json("{\"nums\":{\"$contains\":5}}");
    assert_int_equal(cq_model_find_all(&rows, m, &(cq_find_opts){ .where = w }), CQ_EINVALID);
    cq_value_free(w);
    assert_int_equal(srv_count_where(f->db, m, NULL), 2);
    CQ_ASSERT_OK(f->db, cq_db_drop(f->db, NULL));
    char *labels = pg_enum_labels(f->db, "enum_bags_kinds");
    assert_string_equal(labels, "null");
    free(labels);
}

/* DATE with precision 3 (v6's DATE(3)): milliseconds kept on every dialect (MySQL needs the
 * DATETIME(3) column; the others keep them in any case), and the column v6 writes. */
static void test_date_precision(void **state)
{
    ty_fixture *f = *state;
    cq_model *m = srv_define(
        f->db, "event", (cq_attr[]){ { .name = "at", .type = CQ_DATE, .precision = 3 }, { 0 } },
        &(cq_model_opts){ .timestamps = CQ_OFF });
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, &(cq_sync_opts){ .force = true }));
    cq_instance *i = srv_create(f->db, m, "{\"at\":\"2024-05-01T10:20:30.123Z\"}");
    CQ_ASSERT_OK(f->db, cq_instance_reload(i, NULL));
    assert_string_equal(cq_value_as_text(cq_instance_get(i, "at")), "2024-05-01T10:20:30.123Z");
    cq_instance_free(i);
    char *ddl = NULL;
    CQ_ASSERT_OK(f->db, cq_db_ddl(&ddl, f->db, f->d));
    const char *want = f->d == CQ_DIALECT_MYSQL      ? "`at` DATETIME(3)"
                       : f->d == CQ_DIALECT_POSTGRES ? "\"at\" TIMESTAMP WITH TIME ZONE"
                                                     : "`at` DATETIME";
    if (!strstr(ddl, want))
        fail_msg("%s not in %s", want, ddl);
    cq_free(ddl);
}

/* SQLite keeps a date as the text it was given: every form a date cell may hold is read back in
 * v6's "YYYY-MM-DDTHH:MM:SS.mmmZ", by findAll and by findByPk alike, and a text that is not a
 * date in UTC comes back as it is stored. */
static void test_date_text_forms(void **state)
{
    ty_fixture *f = *state;
    if (f->d != CQ_DIALECT_SQLITE)
        skip();
    cq_model *m = srv_define(
        f->db, "stamp", (cq_attr[]){ { .name = "at", .type = CQ_DATE, .precision = 3 }, { 0 } },
        &(cq_model_opts){ .timestamps = CQ_OFF });
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, &(cq_sync_opts){ .force = true }));
    static const char *const forms[][2] = {
        { "2024-01-02 03:04:05.678 +00:00", "2024-01-02T03:04:05.678Z" },
        { "2024-01-02T03:04:05.678Z", "2024-01-02T03:04:05.678Z" },
        { "2024-12-31 23:59:60.999 +00:00", "2024-12-31T23:59:60.999Z" },
        { "2024-01-02 03:04:05", "2024-01-02T03:04:05.000Z" },
        { "2024-01-02 03:04:05.6 +00:00", "2024-01-02T03:04:05.600Z" },
        { "2024-01-02T03:04:05.123456Z", "2024-01-02T03:04:05.123Z" },
        { "2024-01-02 03:04", "2024-01-02T03:04:00.000Z" },
        { "2024-01-02", "2024-01-02T00:00:00.000Z" },
        /* an offset: the same instant in UTC, as v6's Date reads it */
        { "2024-01-02 03:04:05.678 +01:00", "2024-01-02T02:04:05.678Z" },
        { "2024-01-02T00:04:05.678-0130", "2024-01-02T01:34:05.678Z" },
        /* not dates: kept as stored */
        { "2024-01-02 24:04:05.678 +00:00", "2024-01-02 24:04:05.678 +00:00" },
        { "2024-01-02 03:04:0:.678 +00:00", "2024-01-02 03:04:0:.678 +00:00" },
        { "2024-01-0x 03:04:05.678 +00:00", "2024-01-0x 03:04:05.678 +00:00" },
        { "2024/01/02 03:04:05.678 +00:00", "2024/01/02 03:04:05.678 +00:00" },
        { "2024-01-02T03:04:05.678Y", "2024-01-02T03:04:05.678Y" },
        { "2024-01-02 03:04:05.\xb8\xb8\xb8 +00:00", "2024-01-02 03:04:05.\xb8\xb8\xb8 +00:00" },
    };
    size_t n = sizeof forms / sizeof forms[0];
    for (size_t i = 0; i < n; i++) {
        char id[16];
        snprintf(id, sizeof id, "%zu", i + 1);
        cq_value *params = cq_value_array();
        assert_int_equal(cq_value_array_append(params, cq_value_text(id)), CQ_OK);
        assert_int_equal(cq_value_array_append(params, cq_value_text(forms[i][0])), CQ_OK);
        CQ_ASSERT_OK(f->db,
                     cq_db_query(NULL, f->db,
                                 "INSERT INTO stamps (id, at) VALUES (CAST(? AS INTEGER), ?)",
                                 params, NULL));
        cq_value_free(params);
    }
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(
        f->db, cq_model_find_all(
                   &rows, m, &(cq_find_opts){ .order = (cq_order[]){ { .attr = "id" }, { 0 } } }));
    assert_int_equal(cq_rows_count(rows), n);
    for (size_t i = 0; i < n; i++) {
        const cq_value *at = cq_instance_get(cq_rows_at(rows, i), "at");
        if (strcmp(cq_value_as_text(at), forms[i][1]) != 0)
            fail_msg("stored \"%s\": read \"%s\", want \"%s\"", forms[i][0], cq_value_as_text(at),
                     forms[i][1]);
        cq_instance *one = NULL;
        CQ_ASSERT_OK(
            f->db, cq_model_find_by_pk(&one, m, cq_instance_get(cq_rows_at(rows, i), "id"), NULL));
        assert_string_equal(cq_value_as_text(cq_instance_get(one, "at")), forms[i][1]);
        cq_instance_free(one);
    }
    cq_rows_free(rows);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_enum, setup, teardown),
        cmocka_unit_test_setup_teardown(test_enum_sync_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decimal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_uuid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_defaults_checked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_jsonb, setup, teardown),
        cmocka_unit_test_setup_teardown(test_array, setup, teardown),
        cmocka_unit_test_setup_teardown(test_date_precision, setup, teardown),
        cmocka_unit_test_setup_teardown(test_date_text_forms, setup, teardown),
    };
    return SRV_RUN_TESTS("test_types", "cq_types", tests);
}
