/* Integration tests for model definition, DDL (SQLite, Sequelize's format), sync and URLs. */
#define _POSIX_C_SOURCE 200809L
#include "cq_reuse.h"
#include "cq_fixture.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- fixtures and helpers ------------------------------------------------------------ */

/* sqlite_master.sql of `table`; the caller frees it with free(). NULL when there is no table. */
static char *table_sql(cq_db *db, const char *table)
{
    cq_value *params = cq_value_array();
    cq_value *rows = NULL;
    char *sql = NULL;

    assert_int_equal(cq_value_array_append(params, cq_value_text(table)), CQ_OK);
    CQ_ASSERT_OK(db, cq_db_query(&rows, db,
                                 "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                                 params, NULL));
    if (cq_value_size(rows) > 0) {
        const char *text =
            cq_value_as_text(cq_value_object_get(cq_value_array_get(rows, 0), "sql"));
        assert_non_null(text);
        sql = strdup(text);
    }
    cq_value_free(rows);
    cq_value_free(params);
    return sql;
}

static bool table_exists(cq_db *db, const char *table)
{
    char *sql = table_sql(db, table);
    bool found = sql != NULL;
    free(sql);
    return found;
}

static void assert_table_sql(cq_db *db, const char *table, const char *expected)
{
    char *sql = table_sql(db, table);
    if (!sql) {
        print_error("table %s does not exist\n", table);
        fail();
    }
    if (strcmp(sql, expected) != 0) {
        print_error("DDL mismatch for %s\n  got:      %s\n  expected: %s\n", table, sql, expected);
        free(sql);
        fail();
    }
    free(sql);
}

static void assert_table_sql_contains(cq_db *db, const char *table, const char *part)
{
    char *sql = table_sql(db, table);
    if (!sql) {
        print_error("table %s does not exist\n", table);
        fail();
    }
    if (!strstr(sql, part)) {
        print_error("DDL of %s lacks `%s`\n  got: %s\n", table, part, sql);
        free(sql);
        fail();
    }
    free(sql);
}

static void assert_table_sql_lacks(cq_db *db, const char *table, const char *part)
{
    char *sql = table_sql(db, table);
    assert_non_null(sql);
    if (strstr(sql, part)) {
        print_error("DDL of %s unexpectedly has `%s`\n  got: %s\n", table, part, sql);
        free(sql);
        fail();
    }
    free(sql);
}

static int64_t row_count(cq_db *db, const char *table)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM `%s`", table);
    return cq_test_scalar_int(db, sql);
}

/* First column of the first row of `sql` as text, copied (free()); NULL when no row/NULL. */
static char *query_text(cq_db *db, const char *sql)
{
    cq_value *rows = NULL;
    char *text = NULL;

    CQ_ASSERT_OK(db, cq_db_query(&rows, db, sql, NULL, NULL));
    if (cq_value_size(rows) > 0) {
        const char *t = cq_value_as_text(cq_value_object_value(cq_value_array_get(rows, 0), 0));
        if (t)
            text = strdup(t);
    }
    cq_value_free(rows);
    return text;
}

/* cq_model_create from JSON text, discarding the instance. */
static int create_json(cq_model *model, const char *json)
{
    cq_value *values = cq_test_json(json);
    int rc = cq_model_create(NULL, model, values, NULL);
    cq_value_free(values);
    return rc;
}

static cq_model *define_user(cq_db *db)
{
    cq_model *user = NULL;
    const cq_attr attrs[] = { { .name = "username", .type = CQ_STRING }, { 0 } };
    CQ_ASSERT_OK(db, cq_db_define(&user, db, "user", attrs, NULL));
    assert_non_null(user);
    return user;
}

/* ---- table names and the default primary key ---------------------------------------- */

static void test_model__default_ddl_matches_sequelize(void **state)
{
    cq_db *db = *state;
    cq_model *user = define_user(db);

    CQ_ASSERT_OK(db, cq_model_sync(user, NULL));
    assert_table_sql(db, "users",
                     "CREATE TABLE `users` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, "
                     "`username` VARCHAR(255), `createdAt` DATETIME NOT NULL, "
                     "`updatedAt` DATETIME NOT NULL)");
}

static void test_model__table_name_is_plural_of_model_name(void **state)
{
    cq_db *db = *state;
    cq_model *user = define_user(db);
    cq_model *person = NULL;
    const cq_attr attrs[] = { { .name = "name", .type = CQ_STRING }, { 0 } };

    CQ_ASSERT_OK(db, cq_db_define(&person, db, "person", attrs, NULL));
    assert_string_equal(cq_model_table_name(user), "users");
    assert_string_equal(cq_model_table_name(person), "people");
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    assert_true(table_exists(db, "users"));
    assert_true(table_exists(db, "people"));
    assert_false(table_exists(db, "user"));
    assert_false(table_exists(db, "person"));
}

static void test_model__default_primary_key_is_id_first(void **state)
{
    cq_db *db = *state;
    cq_model *user = define_user(db);

    assert_int_equal(cq_model_attr_count(user), 4);
    assert_string_equal(cq_model_attr_name(user, 0), "id");
    assert_int_equal(cq_model_attr_type(user, 0), CQ_INTEGER);
    assert_true(cq_model_attr_is_primary_key(user, 0));
    assert_false(cq_model_attr_is_nullable(user, 0));
    assert_string_equal(cq_model_primary_key(user), "id");
    assert_string_equal(cq_model_attr_name(user, 1), "username");
    assert_false(cq_model_attr_is_primary_key(user, 1));
    assert_true(cq_model_attr_is_nullable(user, 1));
    assert_string_equal(cq_model_attr_name(user, 2), "createdAt");
    assert_int_equal(cq_model_attr_type(user, 2), CQ_DATE);
    assert_false(cq_model_attr_is_nullable(user, 2));
    assert_string_equal(cq_model_attr_name(user, 3), "updatedAt");
    assert_int_equal(cq_model_attr_type(user, 3), CQ_DATE);
}

static void test_model__default_id_autoincrements(void **state)
{
    cq_db *db = *state;
    cq_model *user = define_user(db);

    CQ_ASSERT_OK(db, cq_model_sync(user, NULL));
    CQ_ASSERT_OK(db, create_json(user, "{\"username\":\"a\"}"));
    CQ_ASSERT_OK(db, create_json(user, "{\"username\":\"b\"}"));
    assert_int_equal(cq_test_scalar_int(db, "SELECT id FROM users WHERE username = 'a'"), 1);
    assert_int_equal(cq_test_scalar_int(db, "SELECT id FROM users WHERE username = 'b'"), 2);
}

static void test_model__attr_lookup_by_name(void **state)
{
    cq_db *db = *state;
    cq_model *user = define_user(db);

    assert_int_equal(cq_model_attr_index(user, "id"), 0);
    assert_int_equal(cq_model_attr_index(user, "username"), 1);
    assert_int_equal(cq_model_attr_index(user, "updatedAt"), 3);
    assert_int_equal(cq_model_attr_index(user, "nope"), -1);
    assert_string_equal(cq_model_attr_field(user, 1), "username");
}

static void test_model__db_model_registry(void **state)
{
    cq_db *db = *state;
    cq_model *user = define_user(db);
    cq_model *task = NULL;
    const cq_attr attrs[] = { { .name = "title", .type = CQ_STRING }, { 0 } };

    CQ_ASSERT_OK(db, cq_db_define(&task, db, "task", attrs, NULL));
    assert_ptr_equal(cq_db_model(db, "user"), user);
    assert_ptr_equal(cq_db_model(db, "task"), task);
    assert_null(cq_db_model(db, "users")); /* by model name, not table name */
    assert_int_equal(cq_db_model_count(db), 2);
    assert_ptr_equal(cq_db_model_at(db, 0), user);
    assert_ptr_equal(cq_db_model_at(db, 1), task);
    assert_string_equal(cq_model_name(task), "task");
    assert_ptr_equal(cq_model_db(task), db);
    assert_int_equal(cq_db_dialect(db), CQ_DIALECT_SQLITE);
}

static void test_model__define_with_null_out(void **state)
{
    cq_db *db = *state;
    const cq_attr attrs[] = { { .name = "title", .type = CQ_STRING }, { 0 } };

    CQ_ASSERT_OK(db, cq_db_define(NULL, db, "task", attrs, NULL));
    assert_non_null(cq_db_model(db, "task"));
}

static void test_model__define_with_no_attributes(void **state)
{
    cq_db *db = *state;
    cq_model *thing = NULL;

    CQ_ASSERT_OK(db, cq_db_define(&thing, db, "thing", NULL, NULL));
    assert_int_equal(cq_model_attr_count(thing), 3); /* id, createdAt, updatedAt */
    CQ_ASSERT_OK(db, cq_model_sync(thing, NULL));
    assert_table_sql(db, "things",
                     "CREATE TABLE `things` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, "
                     "`createdAt` DATETIME NOT NULL, `updatedAt` DATETIME NOT NULL)");
}

/* ---- data types --------------------------------------------------------------------- */

static void test_model__every_type_ddl(void **state)
{
    cq_db *db = *state;
    cq_model *thing = NULL;
    const cq_attr attrs[] = {
        { .name = "str", .type = CQ_STRING },
        { .name = "str64", .type = CQ_STRING, .length = 64 },
        { .name = "ch", .type = CQ_CHAR },
        { .name = "txt", .type = CQ_TEXT },
        { .name = "num", .type = CQ_INTEGER },
        { .name = "big", .type = CQ_BIGINT },
        { .name = "small", .type = CQ_SMALLINT },
        { .name = "flt", .type = CQ_FLOAT },
        { .name = "rl", .type = CQ_REAL },
        { .name = "dbl", .type = CQ_DOUBLE },
        { .name = "dec", .type = CQ_DECIMAL },
        { .name = "dec2", .type = CQ_DECIMAL, .precision = 10, .scale = 2 },
        { .name = "flag", .type = CQ_BOOLEAN },
        { .name = "at", .type = CQ_DATE },
        { .name = "day", .type = CQ_DATEONLY },
        { .name = "tm", .type = CQ_TIME },
        { .name = "uid", .type = CQ_UUID },
        { .name = "meta", .type = CQ_JSON },
        { .name = "bin", .type = CQ_BLOB },
        { 0 },
    };

    CQ_ASSERT_OK(
        db, cq_db_define(&thing, db, "thing", attrs, &(cq_model_opts){ .timestamps = CQ_OFF }));
    CQ_ASSERT_OK(db, cq_model_sync(thing, NULL));
    assert_table_sql(db, "things",
                     "CREATE TABLE `things` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, "
                     "`str` VARCHAR(255), `str64` VARCHAR(64), `ch` CHAR(255), `txt` TEXT, "
                     "`num` INTEGER, `big` BIGINT, `small` SMALLINT, `flt` FLOAT, `rl` REAL, "
                     "`dbl` DOUBLE PRECISION, `dec` DECIMAL, `dec2` DECIMAL(10,2), "
                     "`flag` TINYINT(1), `at` DATETIME, `day` DATE, `tm` TIME, `uid` UUID, "
                     "`meta` JSON, `bin` BLOB)");
}

static void test_model__attr_types_are_kept(void **state)
{
    cq_db *db = *state;
    cq_model *thing = NULL;
    const cq_attr attrs[] = {
        { .name = "s", .type = CQ_STRING },
        { .name = "b", .type = CQ_BOOLEAN },
        { .name = "d", .type = CQ_DATEONLY },
        { .name = "j", .type = CQ_JSON },
        { 0 },
    };

    CQ_ASSERT_OK(
        db, cq_db_define(&thing, db, "thing", attrs, &(cq_model_opts){ .timestamps = CQ_OFF }));
    assert_int_equal(cq_model_attr_count(thing), 5);
    assert_int_equal(cq_model_attr_type(thing, 1), CQ_STRING);
    assert_int_equal(cq_model_attr_type(thing, 2), CQ_BOOLEAN);
    assert_int_equal(cq_model_attr_type(thing, 3), CQ_DATEONLY);
    assert_int_equal(cq_model_attr_type(thing, 4), CQ_JSON);
}

static void test_model__type_names_follow_sequelize(void **state)
{
    (void)state;
    assert_string_equal(cq_type_name(CQ_STRING), "STRING");
    assert_string_equal(cq_type_name(CQ_INTEGER), "INTEGER");
    assert_string_equal(cq_type_name(CQ_BIGINT), "BIGINT");
    assert_string_equal(cq_type_name(CQ_BOOLEAN), "BOOLEAN");
    assert_string_equal(cq_type_name(CQ_DATE), "DATE");
    assert_string_equal(cq_type_name(CQ_DATEONLY), "DATEONLY");
    assert_string_equal(cq_type_name(CQ_UUID), "UUID");
    assert_string_equal(cq_type_name(CQ_JSON), "JSON");
    assert_string_equal(cq_type_name(CQ_BLOB), "BLOB");
}

/* ---- column modifiers --------------------------------------------------------------- */

static void test_model__allow_null_false_is_not_null(void **state)
{
    cq_db *db = *state;
    cq_model *user = NULL;
    const cq_attr attrs[] = {
        { .name = "username", .type = CQ_STRING, .allow_null = CQ_OFF },
        { .name = "nick", .type = CQ_STRING, .allow_null = CQ_ON },
        { 0 },
    };

    CQ_ASSERT_OK(db, cq_db_define(&user, db, "user", attrs, NULL));
    assert_false(cq_model_attr_is_nullable(user, 1));
    assert_true(cq_model_attr_is_nullable(user, 2));
    CQ_ASSERT_OK(db, cq_model_sync(user, NULL));
    assert_table_sql(db, "users",
                     "CREATE TABLE `users` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, "
                     "`username` VARCHAR(255) NOT NULL, `nick` VARCHAR(255), "
                     "`createdAt` DATETIME NOT NULL, `updatedAt` DATETIME NOT NULL)");
}

static void test_model__user_integer_primary_key_keeps_position(void **state)
{
    cq_db *db = *state;
    cq_model *item = NULL;
    const cq_attr attrs[] = {
        { .name = "label", .type = CQ_STRING },
        { .name = "id", .type = CQ_INTEGER, .primary_key = true, .auto_increment = true },
        { 0 },
    };

    CQ_ASSERT_OK(db,
                 cq_db_define(&item, db, "item", attrs, &(cq_model_opts){ .timestamps = CQ_OFF }));
    assert_int_equal(cq_model_attr_count(item), 2);
    assert_string_equal(cq_model_primary_key(item), "id");
    CQ_ASSERT_OK(db, cq_model_sync(item, NULL));
    assert_table_sql(db, "items",
                     "CREATE TABLE `items` (`label` VARCHAR(255), "
                     "`id` INTEGER PRIMARY KEY AUTOINCREMENT)");
}

static void test_model__user_text_primary_key_replaces_id(void **state)
{
    cq_db *db = *state;
    cq_model *country = NULL;
    const cq_attr attrs[] = {
        { .name = "code", .type = CQ_STRING, .length = 2, .primary_key = true },
        { .name = "name", .type = CQ_STRING },
        { 0 },
    };

    CQ_ASSERT_OK(
        db, cq_db_define(&country, db, "country", attrs, &(cq_model_opts){ .timestamps = CQ_OFF }));
    assert_int_equal(cq_model_attr_count(country), 2);
    assert_int_equal(cq_model_attr_index(country, "id"), -1);
    assert_string_equal(cq_model_primary_key(country), "code");
    assert_false(cq_model_attr_is_nullable(country, 0)); /* primary keys are never nullable */
    CQ_ASSERT_OK(db, cq_model_sync(country, NULL));
    assert_table_sql_contains(db, "countries", "`code` VARCHAR(2)");
    assert_table_sql_contains(db, "countries", "PRIMARY KEY");
    assert_table_sql_lacks(db, "countries", "`id`");
    CQ_ASSERT_OK(db, create_json(country, "{\"code\":\"fr\",\"name\":\"France\"}"));
    assert_int_equal(row_count(db, "countries"), 1);
    /* cequel deviation D6: a primary key is NOT NULL on every dialect */
    CQ_ASSERT_ERR(db, CQ_ENOTNULL, create_json(country, "{\"name\":\"Nowhere\"}"));
    assert_int_equal(row_count(db, "countries"), 1);
}

static void test_model__default_value_literal_ddl(void **state)
{
    cq_db *db = *state;
    cq_model *acct = NULL;
    cq_value *active = cq_value_text("active");
    cq_value *seven = cq_value_int(7);
    cq_value *yes = cq_value_bool(true);
    const cq_attr attrs[] = {
        { .name = "status", .type = CQ_STRING, .default_value = active },
        { .name = "n", .type = CQ_INTEGER, .allow_null = CQ_OFF, .default_value = seven },
        { .name = "on", .type = CQ_BOOLEAN, .default_value = yes },
        { 0 },
    };

    int rc = cq_db_define(&acct, db, "account", attrs, &(cq_model_opts){ .timestamps = CQ_OFF });
    /* the defaults are copied: free them before the model is used */
    cq_value_free(active);
    cq_value_free(seven);
    cq_value_free(yes);
    CQ_ASSERT_OK(db, rc);
    CQ_ASSERT_OK(db, cq_model_sync(acct, NULL));
    assert_table_sql(db, "accounts",
                     "CREATE TABLE `accounts` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, "
                     "`status` VARCHAR(255) DEFAULT 'active', `n` INTEGER NOT NULL DEFAULT 7, "
                     "`on` TINYINT(1) DEFAULT 1)");
}

static void test_model__default_value_applied_on_create(void **state)
{
    cq_db *db = *state;
    cq_model *acct = NULL;
    cq_value *active = cq_value_text("active");
    cq_value *seven = cq_value_int(7);
    const cq_attr attrs[] = {
        { .name = "status", .type = CQ_STRING, .default_value = active },
        { .name = "n", .type = CQ_INTEGER, .default_value = seven },
        { .name = "label", .type = CQ_STRING },
        { 0 },
    };
    cq_instance *inst = NULL;
    const char *status = NULL;
    int64_t n = 0;

    int rc = cq_db_define(&acct, db, "account", attrs, NULL);
    cq_value_free(active);
    cq_value_free(seven);
    CQ_ASSERT_OK(db, rc);
    CQ_ASSERT_OK(db, cq_model_sync(acct, NULL));
    cq_value *values = cq_test_json("{\"label\":\"x\"}");
    CQ_ASSERT_OK(db, cq_model_create(&inst, acct, values, NULL));
    cq_value_free(values);
    CQ_ASSERT_OK(db, cq_instance_get_text(&status, inst, "status"));
    assert_string_equal(status, "active");
    CQ_ASSERT_OK(db, cq_instance_get_int(&n, inst, "n"));
    assert_int_equal(n, 7);
    cq_instance_free(inst);
    char *stored = query_text(db, "SELECT status FROM accounts");
    assert_string_equal(stored, "active");
    free(stored);
    assert_int_equal(cq_test_scalar_int(db, "SELECT n FROM accounts"), 7);
}

static void test_model__default_now_fills_date(void **state)
{
    cq_db *db = *state;
    cq_model *ev = NULL;
    const cq_attr attrs[] = {
        { .name = "label", .type = CQ_STRING },
        { .name = "at", .type = CQ_DATE, .default_fn = CQ_DEFAULT_NOW },
        { 0 },
    };
    cq_instance *inst = NULL;
    const char *at = NULL;

    CQ_ASSERT_OK(db,
                 cq_db_define(&ev, db, "event", attrs, &(cq_model_opts){ .timestamps = CQ_OFF }));
    CQ_ASSERT_OK(db, cq_model_sync(ev, NULL));
    /* DataTypes.NOW is filled in by the library, never written as a column DEFAULT */
    assert_table_sql(db, "events",
                     "CREATE TABLE `events` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, "
                     "`label` VARCHAR(255), `at` DATETIME)");
    cq_value *values = cq_test_json("{\"label\":\"x\"}");
    CQ_ASSERT_OK(db, cq_model_create(&inst, ev, values, NULL));
    cq_value_free(values);
    CQ_ASSERT_OK(db, cq_instance_get_text(&at, inst, "at"));
    assert_int_equal(strlen(at), 24); /* 2024-05-01T10:20:30.000Z */
    assert_int_equal(at[10], 'T');
    assert_int_equal(at[23], 'Z');
    cq_instance_free(inst);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM events WHERE at IS NOT NULL"), 1);
}

static void test_model__default_uuidv4_fills_uuid(void **state)
{
    cq_db *db = *state;
    cq_model *tok = NULL;
    const cq_attr attrs[] = {
        { .name = "uid", .type = CQ_UUID, .default_fn = CQ_DEFAULT_UUIDV4 },
        { .name = "label", .type = CQ_STRING },
        { 0 },
    };

    CQ_ASSERT_OK(db,
                 cq_db_define(&tok, db, "token", attrs, &(cq_model_opts){ .timestamps = CQ_OFF }));
    CQ_ASSERT_OK(db, cq_model_sync(tok, NULL));
    assert_table_sql_lacks(db, "tokens", "DEFAULT");
    CQ_ASSERT_OK(db, create_json(tok, "{\"label\":\"a\"}"));
    CQ_ASSERT_OK(db, create_json(tok, "{\"label\":\"b\"}"));
    char *a = query_text(db, "SELECT uid FROM tokens WHERE label = 'a'");
    char *b = query_text(db, "SELECT uid FROM tokens WHERE label = 'b'");
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(strlen(a), 36);
    assert_int_equal(a[8], '-');
    assert_int_equal(a[13], '-');
    assert_int_equal(a[14], '4');
    assert_int_equal(a[18], '-');
    assert_int_equal(a[23], '-');
    assert_non_null(strchr("89ab", a[19])); /* RFC 4122 variant */
    assert_int_equal(strlen(b), 36);
    assert_int_equal(b[14], '4');
    assert_string_not_equal(a, b);
    free(a);
    free(b);
}

static void test_model__uuid_primary_key_with_uuidv4(void **state)
{
    cq_db *db = *state;
    cq_model *doc = NULL;
    const cq_attr attrs[] = {
        { .name = "id", .type = CQ_UUID, .primary_key = true, .default_fn = CQ_DEFAULT_UUIDV4 },
        { .name = "title", .type = CQ_STRING },
        { 0 },
    };
    cq_instance *inst = NULL;
    const char *id = NULL;

    CQ_ASSERT_OK(db, cq_db_define(&doc, db, "document", attrs, NULL));
    CQ_ASSERT_OK(db, cq_model_sync(doc, NULL));
    cq_value *values = cq_test_json("{\"title\":\"t\"}");
    CQ_ASSERT_OK(db, cq_model_create(&inst, doc, values, NULL));
    cq_value_free(values);
    CQ_ASSERT_OK(db, cq_instance_get_text(&id, inst, "id"));
    assert_int_equal(strlen(id), 36);
    assert_int_equal(id[14], '4');
    char *stored = query_text(db, "SELECT id FROM documents");
    assert_string_equal(stored, id);
    free(stored);
    cq_instance_free(inst);
}

static void test_model__unique_true_rejects_duplicates(void **state)
{
    cq_db *db = *state;
    cq_model *user = NULL;
    const cq_attr attrs[] = {
        { .name = "email", .type = CQ_STRING, .unique = true },
        { 0 },
    };

    CQ_ASSERT_OK(db, cq_db_define(&user, db, "user", attrs, NULL));
    CQ_ASSERT_OK(db, cq_model_sync(user, NULL));
    assert_table_sql_contains(db, "users", "`email` VARCHAR(255) UNIQUE");
    CQ_ASSERT_OK(db, create_json(user, "{\"email\":\"a@x.org\"}"));
    CQ_ASSERT_OK(db, create_json(user, "{\"email\":\"b@x.org\"}"));
    CQ_ASSERT_ERR(db, CQ_EUNIQUE, create_json(user, "{\"email\":\"a@x.org\"}"));
    assert_int_equal(row_count(db, "users"), 2);
}

static void test_model__unique_name_makes_composite_unique(void **state)
{
    cq_db *db = *state;
    cq_model *pair = NULL;
    const cq_attr attrs[] = {
        { .name = "a", .type = CQ_INTEGER, .unique_name = "pair_ab" },
        { .name = "b", .type = CQ_INTEGER, .unique_name = "pair_ab" },
        { 0 },
    };

    CQ_ASSERT_OK(db,
                 cq_db_define(&pair, db, "pair", attrs, &(cq_model_opts){ .timestamps = CQ_OFF }));
    CQ_ASSERT_OK(db, cq_model_sync(pair, NULL));
    assert_table_sql(db, "pairs",
                     "CREATE TABLE `pairs` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, "
                     "`a` INTEGER, `b` INTEGER, UNIQUE (`a`, `b`))");
    CQ_ASSERT_OK(db, create_json(pair, "{\"a\":1,\"b\":1}"));
    CQ_ASSERT_OK(db, create_json(pair, "{\"a\":1,\"b\":2}"));
    CQ_ASSERT_OK(db, create_json(pair, "{\"a\":2,\"b\":1}"));
    CQ_ASSERT_ERR(db, CQ_EUNIQUE, create_json(pair, "{\"a\":1,\"b\":2}"));
    assert_int_equal(row_count(db, "pairs"), 3);
}

static void test_model__field_sets_column_name(void **state)
{
    cq_db *db = *state;
    cq_model *user = NULL;
    const cq_attr attrs[] = {
        { .name = "firstName", .type = CQ_STRING, .field = "first_name" },
        { 0 },
    };
    cq_instance *found = NULL;
    const char *name = NULL;

    CQ_ASSERT_OK(db,
                 cq_db_define(&user, db, "user", attrs, &(cq_model_opts){ .timestamps = CQ_OFF }));
    assert_string_equal(cq_model_attr_name(user, 1), "firstName");
    assert_string_equal(cq_model_attr_field(user, 1), "first_name");
    CQ_ASSERT_OK(db, cq_model_sync(user, NULL));
    assert_table_sql(db, "users",
                     "CREATE TABLE `users` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, "
                     "`first_name` VARCHAR(255))");
    CQ_ASSERT_OK(db, create_json(user, "{\"firstName\":\"ada\"}"));
    char *stored = query_text(db, "SELECT first_name FROM users");
    assert_string_equal(stored, "ada");
    free(stored);
    cq_value *pk = cq_value_int(1);
    CQ_ASSERT_OK(db, cq_model_find_by_pk(&found, user, pk, NULL));
    cq_value_free(pk);
    assert_non_null(found);
    CQ_ASSERT_OK(db, cq_instance_get_text(&name, found, "firstName"));
    assert_string_equal(name, "ada");
    cq_instance_free(found);
}

/* ---- references ---------------------------------------------------------------------- */

static cq_model *define_team(cq_db *db)
{
    cq_model *team = NULL;
    const cq_attr attrs[] = { { .name = "name", .type = CQ_STRING }, { 0 } };
    CQ_ASSERT_OK(db,
                 cq_db_define(&team, db, "team", attrs, &(cq_model_opts){ .timestamps = CQ_OFF }));
    return team;
}

static void test_model__references_model_handle(void **state)
{
    cq_db *db = *state;
    cq_model *team = define_team(db);
    cq_model *player = NULL;
    const cq_attr attrs[] = {
        { .name = "name", .type = CQ_STRING },
        { .name = "teamId", .type = CQ_INTEGER, .references_model_handle = team },
        { 0 },
    };

    CQ_ASSERT_OK(
        db, cq_db_define(&player, db, "player", attrs, &(cq_model_opts){ .timestamps = CQ_OFF }));
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    assert_table_sql(db, "players",
                     "CREATE TABLE `players` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, "
                     "`name` VARCHAR(255), `teamId` INTEGER REFERENCES `teams` (`id`))");
    CQ_ASSERT_OK(db, create_json(team, "{\"name\":\"red\"}"));
    CQ_ASSERT_OK(db, create_json(player, "{\"name\":\"ann\",\"teamId\":1}"));
    CQ_ASSERT_ERR(db, CQ_EFOREIGNKEY, create_json(player, "{\"name\":\"bob\",\"teamId\":999}"));
    assert_int_equal(row_count(db, "players"), 1);
}

static void test_model__references_model_by_name(void **state)
{
    cq_db *db = *state;
    cq_model *team = define_team(db);
    cq_model *player = NULL;
    const cq_attr attrs[] = {
        { .name = "teamId",
          .type = CQ_INTEGER,
          .references_model = "team",
          .references_key = "id" },
        { 0 },
    };

    CQ_ASSERT_OK(
        db, cq_db_define(&player, db, "player", attrs, &(cq_model_opts){ .timestamps = CQ_OFF }));
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    /* a model name first (cequel decision D3): model "team" is table `teams` */
    assert_table_sql(db, "players",
                     "CREATE TABLE `players` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, "
                     "`teamId` INTEGER REFERENCES `teams` (`id`))");
    CQ_ASSERT_OK(db, create_json(team, "{\"name\":\"red\"}"));
    CQ_ASSERT_OK(db, create_json(player, "{\"teamId\":1}"));
    CQ_ASSERT_ERR(db, CQ_EFOREIGNKEY, create_json(player, "{\"teamId\":2}"));
    assert_int_equal(row_count(db, "players"), 1);
}

static void test_model__references_on_delete_cascade(void **state)
{
    cq_db *db = *state;
    cq_model *team = define_team(db);
    cq_model *player = NULL;
    const cq_attr attrs[] = {
        { .name = "teamId",
          .type = CQ_INTEGER,
          .references_model_handle = team,
          .on_delete = CQ_REF_CASCADE,
          .on_update = CQ_REF_CASCADE },
        { 0 },
    };
    int64_t removed = 0;

    CQ_ASSERT_OK(
        db, cq_db_define(&player, db, "player", attrs, &(cq_model_opts){ .timestamps = CQ_OFF }));
    long fk = cq_model_attr_index(player, "teamId");
    assert_int_equal(cq_model_attr_on_delete(player, (size_t)fk), CQ_REF_CASCADE);
    assert_int_equal(cq_model_attr_on_update(player, (size_t)fk), CQ_REF_CASCADE);
    assert_int_equal(cq_model_attr_on_delete(player, 0), CQ_REF_DEFAULT); /* id */
    assert_string_equal(cq_ref_action_name(CQ_REF_SET_NULL), "SET NULL");
    assert_null(cq_ref_action_name(CQ_REF_DEFAULT));
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    assert_table_sql_contains(
        db, "players",
        "`teamId` INTEGER REFERENCES `teams` (`id`) ON DELETE CASCADE ON UPDATE CASCADE");
    CQ_ASSERT_OK(db, create_json(team, "{\"name\":\"red\"}"));
    CQ_ASSERT_OK(db, create_json(player, "{\"teamId\":1}"));
    CQ_ASSERT_OK(db, create_json(player, "{\"teamId\":1}"));
    cq_value *where = cq_test_json("{\"id\":1}");
    CQ_ASSERT_OK(db, cq_model_destroy(&removed, team, &(cq_bulk_opts){ .where = where }));
    cq_value_free(where);
    assert_int_equal(removed, 1);
    assert_int_equal(row_count(db, "players"), 0);
}

static void test_model__foreign_keys_pragma_on(void **state)
{
    cq_db *db = *state;
    assert_int_equal(cq_test_scalar_int(db, "PRAGMA foreign_keys"), 1);
    assert_int_equal(cq_test_scalar_int(db, "PRAGMA temp_store"), 0); /* SQLite's default */
}

/* ---- model options -------------------------------------------------------------------- */

static void test_model__option_table_name_verbatim(void **state)
{
    cq_db *db = *state;
    cq_model *m = NULL;
    const cq_attr attrs[] = { { .name = "x", .type = CQ_INTEGER }, { 0 } };

    CQ_ASSERT_OK(db, cq_db_define(&m, db, "userProject", attrs,
                                  &(cq_model_opts){ .table_name = "Custom_Table",
                                                    .freeze_table_name = CQ_ON }));
    assert_string_equal(cq_model_table_name(m), "Custom_Table");
    CQ_ASSERT_OK(db, cq_model_sync(m, NULL));
    assert_true(table_exists(db, "Custom_Table"));
}

static void test_model__option_freeze_table_name(void **state)
{
    cq_db *db = *state;
    cq_model *m = NULL;
    const cq_attr attrs[] = { { .name = "x", .type = CQ_INTEGER }, { 0 } };

    CQ_ASSERT_OK(db, cq_db_define(&m, db, "userProject", attrs,
                                  &(cq_model_opts){ .freeze_table_name = CQ_ON }));
    assert_string_equal(cq_model_table_name(m), "userProject");
    CQ_ASSERT_OK(db, cq_model_sync(m, NULL));
    assert_true(table_exists(db, "userProject"));
}

static void test_model__option_underscored(void **state)
{
    cq_db *db = *state;
    cq_model *m = NULL;
    const cq_attr attrs[] = { { .name = "firstName", .type = CQ_STRING }, { 0 } };

    CQ_ASSERT_OK(
        db, cq_db_define(&m, db, "userProject", attrs, &(cq_model_opts){ .underscored = CQ_ON }));
    assert_string_equal(cq_model_table_name(m), "user_projects");
    /* attribute names stay camelCase; only the columns change */
    assert_string_equal(cq_model_attr_name(m, 1), "firstName");
    assert_string_equal(cq_model_attr_field(m, 1), "first_name");
    assert_string_equal(cq_model_attr_name(m, 2), "createdAt");
    assert_string_equal(cq_model_attr_field(m, 2), "created_at");
    assert_string_equal(cq_model_attr_field(m, 3), "updated_at");
    CQ_ASSERT_OK(db, cq_model_sync(m, NULL));
    assert_table_sql(db, "user_projects",
                     "CREATE TABLE `user_projects` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, "
                     "`first_name` VARCHAR(255), `created_at` DATETIME NOT NULL, "
                     "`updated_at` DATETIME NOT NULL)");
    cq_value *values = cq_test_json("{\"firstName\":\"ada\"}");
    CQ_ASSERT_OK(db, cq_model_create(NULL, m, values, NULL));
    cq_value_free(values);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM user_projects WHERE "
                                            "first_name = 'ada' AND created_at IS NOT NULL"),
                     1);
}

static void test_model__option_timestamps_off(void **state)
{
    cq_db *db = *state;
    cq_model *m = NULL;
    const cq_attr attrs[] = { { .name = "username", .type = CQ_STRING }, { 0 } };

    CQ_ASSERT_OK(db, cq_db_define(&m, db, "user", attrs, &(cq_model_opts){ .timestamps = CQ_OFF }));
    assert_int_equal(cq_model_attr_count(m), 2);
    assert_int_equal(cq_model_attr_index(m, "createdAt"), -1);
    CQ_ASSERT_OK(db, cq_model_sync(m, NULL));
    assert_table_sql(db, "users",
                     "CREATE TABLE `users` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, "
                     "`username` VARCHAR(255))");
    CQ_ASSERT_OK(db, create_json(m, "{\"username\":\"ada\"}"));
    assert_int_equal(row_count(db, "users"), 1);
}

static void test_model__option_timestamp_attribute_names(void **state)
{
    cq_db *db = *state;
    cq_model *m = NULL;
    const cq_attr attrs[] = { { .name = "username", .type = CQ_STRING }, { 0 } };

    CQ_ASSERT_OK(
        db, cq_db_define(&m, db, "user", attrs,
                         &(cq_model_opts){ .created_at = "createdOn", .updated_at = "changedOn" }));
    assert_true(cq_model_attr_index(m, "createdOn") >= 0);
    assert_true(cq_model_attr_index(m, "changedOn") >= 0);
    assert_int_equal(cq_model_attr_index(m, "createdAt"), -1);
    CQ_ASSERT_OK(db, cq_model_sync(m, NULL));
    assert_table_sql(db, "users",
                     "CREATE TABLE `users` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, "
                     "`username` VARCHAR(255), `createdOn` DATETIME NOT NULL, "
                     "`changedOn` DATETIME NOT NULL)");
    CQ_ASSERT_OK(db, create_json(m, "{\"username\":\"ada\"}"));
    assert_int_equal(
        cq_test_scalar_int(db, "SELECT count(*) FROM users WHERE createdOn IS NOT NULL"), 1);
}

static void test_model__option_name_does_not_change_table(void **state)
{
    cq_db *db = *state;
    cq_model *m = NULL;
    const cq_attr attrs[] = { { .name = "title", .type = CQ_STRING }, { 0 } };

    CQ_ASSERT_OK(db,
                 cq_db_define(&m, db, "project", attrs,
                              &(cq_model_opts){ .name_singular = "task", .name_plural = "tasks" }));
    assert_string_equal(cq_model_name(m), "project");
    assert_string_equal(cq_model_table_name(m), "projects");
    assert_ptr_equal(cq_db_model(db, "project"), m);
    CQ_ASSERT_OK(db, cq_model_sync(m, NULL));
    assert_true(table_exists(db, "projects"));
    assert_false(table_exists(db, "tasks"));
}

static void test_model__db_define_defaults_apply(void **state)
{
    (void)state;
    cq_db *db = NULL;
    cq_model *user = NULL;
    cq_model *post = NULL;
    const cq_attr attrs[] = { { .name = "firstName", .type = CQ_STRING }, { 0 } };
    cq_open_opts opts = { .define = { .freeze_table_name = true, .timestamps = CQ_OFF } };

    assert_int_equal(fx_open(&db, &opts), 0);
    CQ_ASSERT_OK(db, cq_db_define(&user, db, "user", attrs, NULL));
    /* a model option overrides the db-wide default */
    CQ_ASSERT_OK(db,
                 cq_db_define(&post, db, "post", attrs, &(cq_model_opts){ .timestamps = CQ_ON }));
    assert_string_equal(cq_model_table_name(user), "user");
    assert_int_equal(cq_model_attr_count(user), 2);
    assert_int_equal(cq_model_attr_count(post), 4);
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    assert_table_sql(db, "user",
                     "CREATE TABLE `user` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, "
                     "`firstName` VARCHAR(255))");
    assert_table_sql(db, "post",
                     "CREATE TABLE `post` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, "
                     "`firstName` VARCHAR(255), `createdAt` DATETIME NOT NULL, "
                     "`updatedAt` DATETIME NOT NULL)");
    cq_db_close(db);
}

static void test_model__db_define_underscored_default(void **state)
{
    (void)state;
    cq_db *db = NULL;
    cq_model *m = NULL;
    const cq_attr attrs[] = { { .name = "firstName", .type = CQ_STRING }, { 0 } };
    cq_open_opts opts = { .define = { .underscored = true } };

    assert_int_equal(fx_open(&db, &opts), 0);
    CQ_ASSERT_OK(db, cq_db_define(&m, db, "userProject", attrs, NULL));
    assert_string_equal(cq_model_table_name(m), "user_projects");
    CQ_ASSERT_OK(db, cq_model_sync(m, NULL));
    assert_table_sql(db, "user_projects",
                     "CREATE TABLE `user_projects` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, "
                     "`first_name` VARCHAR(255), `created_at` DATETIME NOT NULL, "
                     "`updated_at` DATETIME NOT NULL)");
    cq_db_close(db);
}

/* ---- sync ------------------------------------------------------------------------------ */

static void test_model__sync_twice_is_harmless(void **state)
{
    cq_db *db = *state;
    cq_model *user = define_user(db);

    CQ_ASSERT_OK(db, cq_model_sync(user, NULL));
    CQ_ASSERT_OK(db, create_json(user, "{\"username\":\"ada\"}"));
    CQ_ASSERT_OK(db, cq_model_sync(user, NULL));
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    assert_int_equal(row_count(db, "users"), 1);
}

static void test_model__sync_force_recreates_table(void **state)
{
    cq_db *db = *state;
    cq_model *user = define_user(db);

    CQ_ASSERT_OK(db, cq_model_sync(user, NULL));
    CQ_ASSERT_OK(db, create_json(user, "{\"username\":\"ada\"}"));
    assert_int_equal(row_count(db, "users"), 1);
    CQ_ASSERT_OK(db, cq_model_sync(user, &(cq_sync_opts){ .force = true }));
    assert_true(table_exists(db, "users"));
    assert_int_equal(row_count(db, "users"), 0);
    /* the recreated table restarts its ids */
    CQ_ASSERT_OK(db, create_json(user, "{\"username\":\"bob\"}"));
    assert_int_equal(cq_test_scalar_int(db, "SELECT id FROM users"), 1);
}

static void test_model__db_sync_creates_every_table(void **state)
{
    cq_db *db = *state;
    cq_model *task = NULL;
    const cq_attr attrs[] = { { .name = "title", .type = CQ_STRING }, { 0 } };

    define_user(db);
    CQ_ASSERT_OK(db, cq_db_define(&task, db, "task", attrs, NULL));
    assert_false(table_exists(db, "users"));
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    assert_true(table_exists(db, "users"));
    assert_true(table_exists(db, "tasks"));
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
}

static void test_model__db_sync_force_drops_dependents_first(void **state)
{
    cq_db *db = *state;
    cq_model *team = define_team(db);
    cq_model *player = NULL;
    const cq_attr attrs[] = {
        { .name = "teamId", .type = CQ_INTEGER, .references_model_handle = team },
        { 0 },
    };

    CQ_ASSERT_OK(db, cq_db_define(&player, db, "player", attrs, NULL));
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    CQ_ASSERT_OK(db, create_json(team, "{\"name\":\"red\"}"));
    CQ_ASSERT_OK(db, create_json(player, "{\"teamId\":1}"));
    /* dropping `teams` while `players` still references it would fail the FK check */
    CQ_ASSERT_OK(db, cq_db_sync(db, &(cq_sync_opts){ .force = true }));
    assert_int_equal(row_count(db, "teams"), 0);
    assert_int_equal(row_count(db, "players"), 0);
}

static void test_model__db_drop_removes_every_table(void **state)
{
    cq_db *db = *state;
    cq_model *team = define_team(db);
    cq_model *player = NULL;
    const cq_attr attrs[] = {
        { .name = "teamId", .type = CQ_INTEGER, .references_model_handle = team },
        { 0 },
    };

    CQ_ASSERT_OK(db, cq_db_define(&player, db, "player", attrs, NULL));
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    CQ_ASSERT_OK(db, create_json(team, "{\"name\":\"red\"}"));
    CQ_ASSERT_OK(db, create_json(player, "{\"teamId\":1}"));
    CQ_ASSERT_OK(db, cq_db_drop(db, NULL));
    assert_false(table_exists(db, "teams"));
    assert_false(table_exists(db, "players"));
    CQ_ASSERT_OK(db, cq_db_drop(db, NULL)); /* IF EXISTS: harmless */
}

/* ---- connection URLs -------------------------------------------------------------------- */

static void test_model__url_memory_is_sqlite(void **state)
{
    (void)state;
    cq_db *db = NULL;
    cq_error err = { 0 };

    CQ_ASSERT_OK(NULL, cq_db_open(&db, "sqlite::memory:", NULL, &err));
    assert_non_null(db);
    assert_int_equal(cq_db_dialect(db), CQ_DIALECT_SQLITE);
    assert_int_equal(cq_test_scalar_int(db, "PRAGMA foreign_keys"), 1);
    cq_db_close(db);
}

static void test_model__url_memory_databases_are_separate(void **state)
{
    cq_db *db = *state;
    cq_db *other = NULL;
    cq_model *user = define_user(db);

    CQ_ASSERT_OK(db, cq_model_sync(user, NULL));
    assert_int_equal(fx_open(&other, NULL), 0);
    assert_int_equal(
        cq_test_scalar_int(other, "SELECT count(*) FROM sqlite_master WHERE name = 'users'"), 0);
    cq_db_close(other);
}

static void open_define_user(cq_db **db, const char *url)
{
    cq_error err = { 0 };
    if (cq_db_open(db, url, NULL, &err) != CQ_OK) {
        print_error("cq_db_open(%s): %s\n", url, err.message);
        fail();
    }
    define_user(*db);
}

static void test_model__url_file_persists_across_reopen(void **state)
{
    (void)state;
    char *path = cq_test_temp_db_path("model-file");
    char url[600];
    cq_db *db = NULL;

    snprintf(url, sizeof url, "sqlite:%s", path);
    open_define_user(&db, url);
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    CQ_ASSERT_OK(db, create_json(cq_db_model(db, "user"), "{\"username\":\"ada\"}"));
    cq_db_close(db);
    assert_int_equal(access(path, F_OK), 0);

    db = NULL;
    open_define_user(&db, url);
    assert_int_equal(row_count(db, "users"), 1);
    assert_int_equal(cq_test_scalar_int(db, "PRAGMA foreign_keys"), 1);
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL)); /* existing table: nothing changes */
    CQ_ASSERT_OK(db, create_json(cq_db_model(db, "user"), "{\"username\":\"bob\"}"));
    assert_int_equal(cq_test_scalar_int(db, "SELECT id FROM users WHERE username = 'bob'"), 2);
    cq_db_close(db);
    unlink(path);
    free(path);
}

static void test_model__url_triple_slash_absolute_path(void **state)
{
    (void)state;
    char *path = cq_test_temp_db_path("model-abs");
    char url[600];
    cq_db *db = NULL;

    assert_int_equal(path[0], '/');
    snprintf(url, sizeof url, "sqlite://%s", path); /* sqlite:///abs/path.db */
    open_define_user(&db, url);
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    cq_db_close(db);
    assert_int_equal(access(path, F_OK), 0);
    unlink(path);
    free(path);
}

/* The SQLite driver's kept statements (docs/dialects.md, "Prepared statements"), in memory and
 * in a file. */
static void test_model__statement_reuse(void **state)
{
    cq_check_statement_reuse(*state);
    char *path = cq_test_temp_db_path("reuse");
    char url[512];
    snprintf(url, sizeof url, "sqlite:%s", path);
    cq_db *db = NULL;
    assert_int_equal(cq_db_open(&db, url, NULL, NULL), CQ_OK);
    cq_check_statement_reuse(db);
    cq_db_close(db);
    unlink(path);
    free(path);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_db_setup, fx_db_teardown)
    const struct CMUnitTest tests[] = {
        T(test_model__default_ddl_matches_sequelize),
        T(test_model__statement_reuse),
        T(test_model__table_name_is_plural_of_model_name),
        T(test_model__default_primary_key_is_id_first),
        T(test_model__default_id_autoincrements),
        T(test_model__attr_lookup_by_name),
        T(test_model__db_model_registry),
        T(test_model__define_with_null_out),
        T(test_model__define_with_no_attributes),
        T(test_model__every_type_ddl),
        T(test_model__attr_types_are_kept),
        T(test_model__type_names_follow_sequelize),
        T(test_model__allow_null_false_is_not_null),
        T(test_model__user_integer_primary_key_keeps_position),
        T(test_model__user_text_primary_key_replaces_id),
        T(test_model__default_value_literal_ddl),
        T(test_model__default_value_applied_on_create),
        T(test_model__default_now_fills_date),
        T(test_model__default_uuidv4_fills_uuid),
        T(test_model__uuid_primary_key_with_uuidv4),
        T(test_model__unique_true_rejects_duplicates),
        T(test_model__unique_name_makes_composite_unique),
        T(test_model__field_sets_column_name),
        T(test_model__references_model_handle),
        T(test_model__references_model_by_name),
        T(test_model__references_on_delete_cascade),
        T(test_model__foreign_keys_pragma_on),
        T(test_model__option_table_name_verbatim),
        T(test_model__option_freeze_table_name),
        T(test_model__option_underscored),
        T(test_model__option_timestamps_off),
        T(test_model__option_timestamp_attribute_names),
        T(test_model__option_name_does_not_change_table),
        T(test_model__db_define_defaults_apply),
        T(test_model__db_define_underscored_default),
        T(test_model__sync_twice_is_harmless),
        T(test_model__sync_force_recreates_table),
        T(test_model__db_sync_creates_every_table),
        T(test_model__db_sync_force_drops_dependents_first),
        T(test_model__db_drop_removes_every_table),
        T(test_model__url_memory_is_sqlite),
        T(test_model__url_memory_databases_are_separate),
        T(test_model__url_file_persists_across_reopen),
        T(test_model__url_triple_slash_absolute_path),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
