/* Integration tests for bad input: each failure returns the documented code, a message naming
 * what was wrong, and leaves the database unchanged. */
#define _POSIX_C_SOURCE 200809L
#include "cq_fixture.h"

#include <stdlib.h>
#include <string.h>

/* ---- fixtures and helpers ------------------------------------------------------------ */

/*
 * team: id, name                              (no timestamps)     row 1 "red"
 * user: id, username NOT NULL, email UNIQUE, age INTEGER, teamId -> teams.id, timestamps
 *       row 1 {ada, ada@x.org, 36, team 1}
 */
/* The fixture's db: team and user defined; with `use`, synced and holding one row each. */
static int open_fixture(void **state, bool use)
{
    cq_db *db = NULL;
    cq_model *team = NULL, *user = NULL;

    if (fx_open(&db, NULL) != 0)
        return -1;
    const cq_attr team_attrs[] = { { .name = "name", .type = CQ_STRING }, { 0 } };
    const cq_attr user_attrs[] = {
        { .name = "username", .type = CQ_STRING, .allow_null = CQ_OFF },
        { .name = "email", .type = CQ_STRING, .unique = true },
        { .name = "age", .type = CQ_INTEGER },
        { .name = "teamId", .type = CQ_INTEGER, .references_model = "team" },
        { 0 },
    };
    cq_value *t = NULL, *u = NULL;
    int rc = cq_db_define(&team, db, "team", team_attrs, &(cq_model_opts){ .timestamps = CQ_OFF });
    if (rc == CQ_OK)
        rc = cq_db_define(&user, db, "user", user_attrs, NULL);
    if (!use && rc == CQ_OK) {
        *state = db;
        return 0;
    }
    if (rc == CQ_OK)
        rc = cq_db_sync(db, NULL);
    if (rc == CQ_OK)
        rc = cq_value_from_json(&t, "{\"name\":\"red\"}", NULL);
    if (rc == CQ_OK)
        rc = cq_model_create(NULL, team, t, NULL);
    if (rc == CQ_OK)
        rc = cq_value_from_json(
            &u, "{\"username\":\"ada\",\"email\":\"ada@x.org\",\"age\":36,\"teamId\":1}", NULL);
    if (rc == CQ_OK)
        rc = cq_model_create(NULL, user, u, NULL);
    cq_value_free(t);
    cq_value_free(u);
    if (rc != CQ_OK) {
        print_error("fixture: %s\n", cq_db_error(db)->message);
        cq_db_close(db);
        return -1;
    }
    *state = db;
    return 0;
}

static int setup(void **state)
{
    return open_fixture(state, true);
}

/* For the tests of bad definitions: the schema must not be frozen yet. */
static int setup_unused(void **state)
{
    return open_fixture(state, false);
}

static int teardown(void **state)
{
    cq_db_close(*state);
    return 0;
}

static cq_model *model(cq_db *db, const char *name)
{
    cq_model *m = cq_db_model(db, name);
    assert_non_null(m);
    return m;
}

static int64_t user_rows(cq_db *db)
{
    return cq_test_scalar_int(db, "SELECT count(*) FROM users");
}

/* The per-handle error carries `code` and a message mentioning each non-NULL needle. */
static void assert_db_error(cq_db *db, int code, const char *needle1, const char *needle2)
{
    const cq_error *e = cq_db_error(db);
    assert_non_null(e);
    if (e->code != code) {
        print_error("cq_db_error code %s, expected %s (%s)\n", cq_error_name(e->code),
                    cq_error_name(code), e->message);
        fail();
    }
    const char *needles[] = { needle1, needle2 };
    for (size_t i = 0; i < 2; i++) {
        if (needles[i] && !strstr(e->message, needles[i])) {
            print_error("error message `%s` does not mention `%s`\n", e->message, needles[i]);
            fail();
        }
    }
}

static int create_json(cq_db *db, const char *model_name, const char *json)
{
    cq_value *values = cq_test_json(json);
    int rc = cq_model_create(NULL, model(db, model_name), values, NULL);
    cq_value_free(values);
    return rc;
}

static cq_instance *find_ada(cq_db *db)
{
    cq_instance *inst = NULL;
    cq_value *pk = cq_value_int(1);
    int rc = cq_model_find_by_pk(&inst, model(db, "user"), pk, NULL);
    cq_value_free(pk);
    CQ_ASSERT_OK(db, rc);
    assert_non_null(inst);
    return inst;
}

/* The fixture row of user 1 is intact. */
static void assert_ada_unchanged(cq_db *db)
{
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM users WHERE id = 1 AND "
                                            "username = 'ada' AND email = 'ada@x.org' AND "
                                            "age = 36 AND teamId = 1"),
                     1);
}

/* ---- unknown attributes and models ------------------------------------------------------ */

static void test_bad_input__create_unknown_attribute(void **state)
{
    cq_db *db = *state;
    cq_instance *inst = (cq_instance *)&inst;
    cq_value *values = cq_test_json("{\"username\":\"bob\",\"nickname\":\"b\"}");

    CQ_ASSERT_ERR(db, CQ_EUNKNOWN_ATTR, cq_model_create(&inst, model(db, "user"), values, NULL));
    cq_value_free(values);
    assert_null(inst);
    assert_db_error(db, CQ_EUNKNOWN_ATTR, "user", "nickname");
    assert_int_equal(user_rows(db), 1);
}

static void test_bad_input__build_unknown_attribute(void **state)
{
    cq_db *db = *state;
    cq_instance *inst = (cq_instance *)&inst;
    cq_value *values = cq_test_json("{\"nickname\":\"b\"}");

    CQ_ASSERT_ERR(db, CQ_EUNKNOWN_ATTR, cq_model_build(&inst, model(db, "user"), values));
    cq_value_free(values);
    assert_null(inst);
    assert_db_error(db, CQ_EUNKNOWN_ATTR, "user", "nickname");
}

static void test_bad_input__bulk_create_unknown_attribute_inserts_nothing(void **state)
{
    cq_db *db = *state;
    cq_value *values = cq_test_json("[{\"username\":\"bob\"},{\"username\":\"cy\",\"nick\":1}]");

    CQ_ASSERT_ERR(db, CQ_EUNKNOWN_ATTR,
                  cq_model_bulk_create(NULL, model(db, "user"), values, NULL));
    cq_value_free(values);
    assert_db_error(db, CQ_EUNKNOWN_ATTR, "nick", NULL);
    assert_int_equal(user_rows(db), 1);
}

static void test_bad_input__where_unknown_attribute(void **state)
{
    cq_db *db = *state;
    cq_rows *rows = (cq_rows *)&rows;
    cq_value *where = cq_test_json("{\"nickname\":\"ada\"}");

    CQ_ASSERT_ERR(db, CQ_EUNKNOWN_ATTR,
                  cq_model_find_all(&rows, model(db, "user"), &(cq_find_opts){ .where = where }));
    cq_value_free(where);
    assert_null(rows);
    assert_db_error(db, CQ_EUNKNOWN_ATTR, "user", "nickname");
}

static void test_bad_input__where_unknown_attribute_nested(void **state)
{
    cq_db *db = *state;
    cq_instance *inst = (cq_instance *)&inst;
    cq_value *where = cq_test_json("{\"$or\":[{\"username\":\"ada\"},{\"$not\":{\"nick\":1}}]}");

    CQ_ASSERT_ERR(db, CQ_EUNKNOWN_ATTR,
                  cq_model_find_one(&inst, model(db, "user"), &(cq_find_opts){ .where = where }));
    cq_value_free(where);
    assert_null(inst);
    assert_db_error(db, CQ_EUNKNOWN_ATTR, "nick", NULL);
}

/* A db of its own for a test that defines a model: the fixture's schema froze at its sync. */
static cq_db *open_empty(void)
{
    cq_db *db = NULL;
    if (fx_open(&db, NULL) != 0)
        fail();
    return db;
}

static void test_bad_input__where_column_name_is_not_an_attribute(void **state)
{
    (void)state;
    cq_db *db = open_empty();
    cq_model *member = NULL;
    const cq_attr attrs[] = {
        { .name = "fullName", .type = CQ_STRING, .field = "full_name" },
        { 0 },
    };
    int64_t n = -1;
    cq_value *where = cq_test_json("{\"full_name\":\"x\"}");

    CQ_ASSERT_OK(db, cq_db_define(&member, db, "member", attrs, NULL));
    CQ_ASSERT_OK(db, cq_model_sync(member, NULL));
    /* where keys name attributes, not columns */
    CQ_ASSERT_ERR(db, CQ_EUNKNOWN_ATTR,
                  cq_model_count(&n, member, &(cq_find_opts){ .where = where }));
    cq_value_free(where);
    assert_db_error(db, CQ_EUNKNOWN_ATTR, "full_name", NULL);
    cq_db_close(db);
}

static void test_bad_input__destroy_unknown_where_attribute_deletes_nothing(void **state)
{
    cq_db *db = *state;
    int64_t n = -1;
    cq_value *where = cq_test_json("{\"nickname\":\"ada\"}");

    CQ_ASSERT_ERR(db, CQ_EUNKNOWN_ATTR,
                  cq_model_destroy(&n, model(db, "user"), &(cq_bulk_opts){ .where = where }));
    cq_value_free(where);
    assert_db_error(db, CQ_EUNKNOWN_ATTR, "nickname", NULL);
    assert_int_equal(user_rows(db), 1);
}

static void test_bad_input__model_update_unknown_attribute_changes_nothing(void **state)
{
    cq_db *db = *state;
    cq_value *values = cq_test_json("{\"age\":1,\"nickname\":\"x\"}");
    cq_value *where = cq_test_json("{\"id\":1}");

    CQ_ASSERT_ERR(
        db, CQ_EUNKNOWN_ATTR,
        cq_model_update(NULL, model(db, "user"), values, &(cq_bulk_opts){ .where = where }));
    cq_value_free(values);
    cq_value_free(where);
    assert_db_error(db, CQ_EUNKNOWN_ATTR, "nickname", NULL);
    assert_ada_unchanged(db);
}

static void test_bad_input__unknown_operator_touches_nothing(void **state)
{
    cq_db *db = *state;
    cq_value *where = cq_test_json("{\"age\":{\"$nosuch\":1}}");

    int rc = cq_model_destroy(NULL, model(db, "user"), &(cq_bulk_opts){ .where = where });
    cq_value_free(where);
    assert_true(rc < 0);
    assert_int_equal(user_rows(db), 1);
}

static void test_bad_input__unknown_model_is_null(void **state)
{
    cq_db *db = *state;

    assert_null(cq_db_model(db, "nosuch"));
    assert_null(cq_db_model(db, "users")); /* a table name is not a model name */
    assert_null(cq_db_model(db, "User"));  /* names are case-sensitive */
    assert_non_null(cq_db_model(db, "user"));
}

/* ---- wrong value types ------------------------------------------------------------------ */

static void test_bad_input__text_into_integer_on_create(void **state)
{
    cq_db *db = *state;

    CQ_ASSERT_ERR(db, CQ_EVALIDATION,
                  create_json(db, "user", "{\"username\":\"bob\",\"age\":\"abc\"}"));
    assert_db_error(db, CQ_EVALIDATION, "age", NULL);
    assert_int_equal(user_rows(db), 1);
}

static void test_bad_input__text_into_integer_on_model_update(void **state)
{
    cq_db *db = *state;
    cq_value *values = cq_test_json("{\"age\":\"abc\"}");
    cq_value *where = cq_test_json("{\"id\":1}");

    CQ_ASSERT_ERR(
        db, CQ_EVALIDATION,
        cq_model_update(NULL, model(db, "user"), values, &(cq_bulk_opts){ .where = where }));
    cq_value_free(values);
    cq_value_free(where);
    assert_db_error(db, CQ_EVALIDATION, "age", NULL);
    assert_ada_unchanged(db);
}

static void test_bad_input__text_into_integer_on_instance_update(void **state)
{
    cq_db *db = *state;
    cq_instance *ada = find_ada(db);
    cq_value *values = cq_test_json("{\"age\":\"abc\"}");

    CQ_ASSERT_ERR(db, CQ_EVALIDATION, cq_instance_update(ada, values, NULL));
    cq_value_free(values);
    assert_db_error(db, CQ_EVALIDATION, "age", NULL);
    cq_instance_free(ada);
    assert_ada_unchanged(db);
}

/* ---- NOT NULL ----------------------------------------------------------------------------- */

static void test_bad_input__missing_not_null_attribute_on_create(void **state)
{
    cq_db *db = *state;

    CQ_ASSERT_ERR(db, CQ_ENOTNULL, create_json(db, "user", "{\"email\":\"bob@x.org\"}"));
    assert_db_error(db, CQ_ENOTNULL, "user", "username");
    assert_int_equal(user_rows(db), 1);
}

static void test_bad_input__explicit_null_into_not_null_on_create(void **state)
{
    cq_db *db = *state;

    CQ_ASSERT_ERR(db, CQ_ENOTNULL, create_json(db, "user", "{\"username\":null}"));
    assert_db_error(db, CQ_ENOTNULL, "username", NULL);
    assert_int_equal(user_rows(db), 1);
}

static void test_bad_input__null_into_not_null_on_save(void **state)
{
    cq_db *db = *state;
    cq_instance *ada = find_ada(db);

    CQ_ASSERT_OK(db, cq_instance_set(ada, "username", cq_value_null()));
    CQ_ASSERT_ERR(db, CQ_ENOTNULL, cq_instance_save(ada, NULL));
    assert_db_error(db, CQ_ENOTNULL, "username", NULL);
    cq_instance_free(ada);
    assert_ada_unchanged(db);
}

static void test_bad_input__null_into_not_null_on_model_update(void **state)
{
    cq_db *db = *state;
    cq_value *values = cq_test_json("{\"username\":null}");
    cq_value *where = cq_value_object();

    CQ_ASSERT_ERR(
        db, CQ_ENOTNULL,
        cq_model_update(NULL, model(db, "user"), values, &(cq_bulk_opts){ .where = where }));
    cq_value_free(values);
    cq_value_free(where);
    assert_db_error(db, CQ_ENOTNULL, "username", NULL);
    assert_ada_unchanged(db);
}

/* ---- constraints enforced by the database ---------------------------------------------------- */

static void test_bad_input__duplicate_unique_on_create(void **state)
{
    cq_db *db = *state;

    CQ_ASSERT_ERR(db, CQ_EUNIQUE,
                  create_json(db, "user", "{\"username\":\"bob\",\"email\":\"ada@x.org\"}"));
    assert_db_error(db, CQ_EUNIQUE, "email", "user.email must be unique");
    assert_int_equal(user_rows(db), 1);
}

static void test_bad_input__duplicate_unique_on_save(void **state)
{
    cq_db *db = *state;
    cq_instance *bob = NULL;
    cq_value *values = cq_test_json("{\"username\":\"bob\",\"email\":\"bob@x.org\"}");

    CQ_ASSERT_OK(db, cq_model_create(&bob, model(db, "user"), values, NULL));
    cq_value_free(values);
    CQ_ASSERT_OK(db, cq_instance_set(bob, "email", cq_value_text("ada@x.org")));
    CQ_ASSERT_ERR(db, CQ_EUNIQUE, cq_instance_save(bob, NULL));
    assert_db_error(db, CQ_EUNIQUE, "email", NULL);
    cq_instance_free(bob);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM users WHERE email = 'bob@x.org'"),
                     1);
    assert_ada_unchanged(db);
}

static void test_bad_input__dangling_foreign_key_on_create(void **state)
{
    cq_db *db = *state;

    CQ_ASSERT_ERR(db, CQ_EFOREIGNKEY,
                  create_json(db, "user", "{\"username\":\"bob\",\"teamId\":999}"));
    assert_db_error(db, CQ_EFOREIGNKEY, "user.teamId = 999", "team");
    assert_int_equal(user_rows(db), 1);
}

static void test_bad_input__dangling_foreign_key_on_update(void **state)
{
    cq_db *db = *state;
    cq_instance *ada = find_ada(db);
    cq_value *values = cq_test_json("{\"teamId\":42}");

    CQ_ASSERT_ERR(db, CQ_EFOREIGNKEY, cq_instance_update(ada, values, NULL));
    assert_db_error(db, CQ_EFOREIGNKEY, "user.teamId = 42", NULL);
    cq_value_free(values);
    cq_instance_free(ada);
    assert_ada_unchanged(db);
}

static void test_bad_input__deleting_referenced_row(void **state)
{
    cq_db *db = *state;
    cq_value *where = cq_test_json("{\"id\":1}");

    CQ_ASSERT_ERR(db, CQ_EFOREIGNKEY,
                  cq_model_destroy(NULL, model(db, "team"), &(cq_bulk_opts){ .where = where }));
    cq_value_free(where);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM teams"), 1);
    assert_ada_unchanged(db);
}

static void test_bad_input__error_is_replaced_by_next_failure(void **state)
{
    cq_db *db = *state;

    CQ_ASSERT_ERR(db, CQ_EUNIQUE,
                  create_json(db, "user", "{\"username\":\"bob\",\"email\":\"ada@x.org\"}"));
    CQ_ASSERT_ERR(db, CQ_ENOTNULL, create_json(db, "user", "{\"email\":\"x@x.org\"}"));
    assert_db_error(db, CQ_ENOTNULL, "username", NULL);
    assert_int_equal(user_rows(db), 1);
}

/* ---- database errors ----------------------------------------------------------------------- */

static void test_bad_input__query_on_missing_table_is_edatabase(void **state)
{
    (void)state;
    cq_db *db = open_empty();
    cq_model *ghost = NULL;
    cq_rows *rows = (cq_rows *)&rows;
    const cq_attr attrs[] = { { .name = "x", .type = CQ_INTEGER }, { 0 } };

    CQ_ASSERT_OK(db, cq_db_define(&ghost, db, "ghost", attrs, NULL)); /* never synced */
    CQ_ASSERT_ERR(db, CQ_EDATABASE, cq_model_find_all(&rows, ghost, NULL));
    assert_null(rows);
    assert_db_error(db, CQ_EDATABASE, "ghosts", NULL);
    cq_db_close(db);
}

static void test_bad_input__raw_sql_syntax_error_is_edatabase(void **state)
{
    cq_db *db = *state;
    cq_value *out = (cq_value *)&out;

    CQ_ASSERT_ERR(db, CQ_EDATABASE, cq_db_query(&out, db, "SELEC 1", NULL, NULL));
    assert_null(out);
    assert_true(strlen(cq_db_error(db)->message) > 0);
    assert_true(cq_db_error(db)->driver_code != 0);
}

/* ---- connection URLs ----------------------------------------------------------------------- */

static void test_bad_input__url_garbage_is_einvalid(void **state)
{
    (void)state;
    cq_db *db = (cq_db *)&db;
    cq_error err = { 0 };

    assert_int_equal(cq_db_open(&db, "garbage", NULL, &err), CQ_EINVALID);
    assert_null(db);
    assert_int_equal(err.code, CQ_EINVALID);
    assert_true(strlen(err.message) > 0);
}

static void test_bad_input__url_null_is_einvalid(void **state)
{
    (void)state;
    cq_db *db = (cq_db *)&db;

    assert_int_equal(cq_db_open(&db, NULL, NULL, NULL), CQ_EINVALID);
    assert_null(db);
}

static void test_bad_input__url_unknown_dialect_is_enotsupported(void **state)
{
    (void)state;
    cq_db *db = (cq_db *)&db;
    cq_error err = { 0 };

    assert_int_equal(cq_db_open(&db, "mongodb://x", NULL, &err), CQ_ENOTSUPPORTED);
    assert_null(db);
    assert_int_equal(err.code, CQ_ENOTSUPPORTED);
    assert_non_null(strstr(err.message, "mongodb"));
}

static void test_bad_input__url_unopenable_file_is_econnect(void **state)
{
    (void)state;
    cq_db *db = (cq_db *)&db;
    cq_error err = { 0 };

    assert_int_equal(cq_db_open(&db, "sqlite:/nonexistent-cq-dir/sub/x.db", NULL, &err),
                     CQ_ECONNECT);
    assert_null(db);
    assert_int_equal(err.code, CQ_ECONNECT);
    assert_true(strlen(err.message) > 0);
}

/* ---- bad definitions --------------------------------------------------------------------------
 */

static void test_bad_input__define_duplicate_attribute(void **state)
{
    cq_db *db = *state;
    cq_model *m = (cq_model *)&m;
    const cq_attr attrs[] = {
        { .name = "title", .type = CQ_STRING },
        { .name = "title", .type = CQ_TEXT },
        { 0 },
    };

    CQ_ASSERT_ERR(db, CQ_EINVALID, cq_db_define(&m, db, "post", attrs, NULL));
    assert_null(m);
    assert_db_error(db, CQ_EINVALID, "title", NULL);
    assert_null(cq_db_model(db, "post"));
    assert_int_equal(cq_db_model_count(db), 2);
}

static void test_bad_input__define_attribute_without_type(void **state)
{
    cq_db *db = *state;
    cq_model *m = (cq_model *)&m;
    const cq_attr attrs[] = {
        { .name = "title", .type = CQ_STRING },
        { .name = "body" },
        { 0 },
    };

    CQ_ASSERT_ERR(db, CQ_EINVALID, cq_db_define(&m, db, "post", attrs, NULL));
    assert_null(m);
    assert_db_error(db, CQ_EINVALID, "body", NULL);
    assert_null(cq_db_model(db, "post"));
}

static void test_bad_input__define_duplicate_model(void **state)
{
    cq_db *db = *state;
    cq_model *before = cq_db_model(db, "user");
    cq_model *m = (cq_model *)&m;
    const cq_attr attrs[] = { { .name = "x", .type = CQ_INTEGER }, { 0 } };

    CQ_ASSERT_ERR(db, CQ_EINVALID, cq_db_define(&m, db, "user", attrs, NULL));
    assert_null(m);
    assert_db_error(db, CQ_EINVALID, "user", NULL);
    assert_ptr_equal(cq_db_model(db, "user"), before);
    assert_int_equal(cq_db_model_count(db), 2);
    assert_true(cq_model_attr_index(before, "username") >= 0);
}

static void test_bad_input__define_bad_on_delete(void **state)
{
    cq_db *db = *state;
    const cq_attr attrs[] = {
        { .name = "teamId",
          .type = CQ_INTEGER,
          .references_model = "team",
          .on_delete = (cq_ref_action)42 },
        { 0 },
    };

    /* cequel deviation D13: checked at definition time */
    CQ_ASSERT_ERR(db, CQ_EINVALID, cq_db_define(NULL, db, "fan", attrs, NULL));
    assert_db_error(db, CQ_EINVALID, "teamId", NULL);
    assert_null(cq_db_model(db, "fan"));
}

static void test_bad_input__define_reference_to_model_of_other_db(void **state)
{
    cq_db *db = *state;
    cq_db *other = NULL;
    cq_model *foreign = NULL;
    const cq_attr fattrs[] = { { .name = "x", .type = CQ_INTEGER }, { 0 } };

    assert_int_equal(fx_open(&other, NULL), 0);
    CQ_ASSERT_OK(other, cq_db_define(&foreign, other, "club", fattrs, NULL));
    const cq_attr attrs[] = {
        { .name = "clubId", .type = CQ_INTEGER, .references_model_handle = foreign },
        { 0 },
    };
    CQ_ASSERT_ERR(db, CQ_EUNKNOWN_MODEL, cq_db_define(NULL, db, "fan", attrs, NULL));
    assert_null(cq_db_model(db, "fan"));
    cq_db_close(other);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_bad_input__create_unknown_attribute),
        T(test_bad_input__build_unknown_attribute),
        T(test_bad_input__bulk_create_unknown_attribute_inserts_nothing),
        T(test_bad_input__where_unknown_attribute),
        T(test_bad_input__where_unknown_attribute_nested),
        T(test_bad_input__where_column_name_is_not_an_attribute),
        T(test_bad_input__destroy_unknown_where_attribute_deletes_nothing),
        T(test_bad_input__model_update_unknown_attribute_changes_nothing),
        T(test_bad_input__unknown_operator_touches_nothing),
        T(test_bad_input__unknown_model_is_null),
        T(test_bad_input__text_into_integer_on_create),
        T(test_bad_input__text_into_integer_on_model_update),
        T(test_bad_input__text_into_integer_on_instance_update),
        T(test_bad_input__missing_not_null_attribute_on_create),
        T(test_bad_input__explicit_null_into_not_null_on_create),
        T(test_bad_input__null_into_not_null_on_save),
        T(test_bad_input__null_into_not_null_on_model_update),
        T(test_bad_input__duplicate_unique_on_create),
        T(test_bad_input__duplicate_unique_on_save),
        T(test_bad_input__dangling_foreign_key_on_create),
        T(test_bad_input__dangling_foreign_key_on_update),
        T(test_bad_input__deleting_referenced_row),
        T(test_bad_input__error_is_replaced_by_next_failure),
        T(test_bad_input__query_on_missing_table_is_edatabase),
        T(test_bad_input__raw_sql_syntax_error_is_edatabase),
        cmocka_unit_test(test_bad_input__url_garbage_is_einvalid),
        cmocka_unit_test(test_bad_input__url_null_is_einvalid),
        cmocka_unit_test(test_bad_input__url_unknown_dialect_is_enotsupported),
        cmocka_unit_test(test_bad_input__url_unopenable_file_is_econnect),
        cmocka_unit_test_setup_teardown(test_bad_input__define_duplicate_attribute, setup_unused,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bad_input__define_attribute_without_type, setup_unused,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bad_input__define_duplicate_model, setup_unused,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bad_input__define_bad_on_delete, setup_unused,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bad_input__define_reference_to_model_of_other_db,
                                        setup_unused, teardown),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
