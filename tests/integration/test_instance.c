/* Integration tests for instances: build, create, save, set/get, update, destroy, reload, toJSON.
 */
#define _POSIX_C_SOURCE 200809L
#include "cq_fixture.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- fixtures and helpers ------------------------------------------------------------ */

/* user: id, username STRING, age INTEGER, score DOUBLE, active BOOLEAN, createdAt, updatedAt */
static const cq_attr user_attrs[] = {
    { .name = "username", .type = CQ_STRING },
    { .name = "age", .type = CQ_INTEGER },
    { .name = "score", .type = CQ_DOUBLE },
    { .name = "active", .type = CQ_BOOLEAN },
    { 0 },
};

static int setup(void **state)
{
    if (fx_db_setup(state) != 0)
        return -1;
    if (fx_define_synced(*state, "user", user_attrs) != 0) {
        fx_db_teardown(state);
        return -1;
    }
    return 0;
}

static cq_model *user_model(cq_db *db)
{
    cq_model *user = cq_db_model(db, "user");
    assert_non_null(user);
    return user;
}

static cq_instance *create_user(cq_db *db, const char *json)
{
    cq_instance *inst = NULL;
    cq_value *values = cq_test_json(json);
    int rc = cq_model_create(&inst, user_model(db), values, NULL);
    cq_value_free(values);
    CQ_ASSERT_OK(db, rc);
    assert_non_null(inst);
    return inst;
}

static cq_instance *find_user(cq_db *db, int64_t id)
{
    cq_instance *inst = NULL;
    cq_value *pk = cq_value_int(id);
    int rc = cq_model_find_by_pk(&inst, user_model(db), pk, NULL);
    cq_value_free(pk);
    CQ_ASSERT_OK(db, rc);
    return inst;
}

static void exec_sql(cq_db *db, const char *sql)
{
    CQ_ASSERT_OK(db, cq_db_query(NULL, db, sql, NULL, NULL));
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

static void assert_iso_utc(const char *s)
{
    assert_non_null(s);
    /* "2024-05-01T10:20:30.000Z" */
    assert_int_equal(strlen(s), 24);
    assert_int_equal(s[4], '-');
    assert_int_equal(s[7], '-');
    assert_int_equal(s[10], 'T');
    assert_int_equal(s[13], ':');
    assert_int_equal(s[16], ':');
    assert_int_equal(s[19], '.');
    assert_int_equal(s[23], 'Z');
}

/* A db that logs into `cap`; `inst` is freed by the teardown, so failures leak nothing. */
typedef struct logging_fixture {
    cq_db *db;
    fixture cap; /* every statement, with its parameters */
    cq_instance *inst;
} logging_fixture;

static int setup_logging(void **state)
{
    logging_fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    if (fx_init_all(&f->cap) != 0 || fx_define_synced(f->cap.db, "user", user_attrs) != 0) {
        fx_fini(&f->cap);
        free(f);
        return -1;
    }
    f->db = f->cap.db;
    *state = f;
    return 0;
}

static int teardown_logging(void **state)
{
    logging_fixture *f = *state;
    cq_instance_free(f->inst);
    fx_fini(&f->cap);
    free(f);
    return 0;
}

/* ---- build / create / save ----------------------------------------------------------- */

static void test_instance__build_is_unsaved(void **state)
{
    cq_db *db = *state;
    cq_instance *inst = NULL;
    const char *name = NULL;
    cq_value *values = cq_test_json("{\"username\":\"ada\",\"age\":36}");

    CQ_ASSERT_OK(db, cq_model_build(&inst, user_model(db), values));
    cq_value_free(values);
    assert_non_null(inst);
    assert_true(cq_instance_is_new_record(inst));
    assert_ptr_equal(cq_instance_model(inst), user_model(db));
    CQ_ASSERT_OK(db, cq_instance_get_text(&name, inst, "username"));
    assert_string_equal(name, "ada");
    assert_true(cq_value_is_null(cq_instance_get(inst, "id")));
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM users"), 0);
    cq_instance_free(inst);
}

static void test_instance__build_with_null_values(void **state)
{
    cq_db *db = *state;
    cq_instance *inst = NULL;

    CQ_ASSERT_OK(db, cq_model_build(&inst, user_model(db), NULL));
    assert_true(cq_instance_is_new_record(inst));
    assert_true(cq_value_is_null(cq_instance_get(inst, "username")));
    cq_instance_free(inst);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM users"), 0);
}

static void test_instance__create_inserts_row(void **state)
{
    cq_db *db = *state;
    cq_instance *inst = create_user(db, "{\"username\":\"ada\",\"age\":36}");
    int64_t id = 0;

    assert_false(cq_instance_is_new_record(inst));
    CQ_ASSERT_OK(db, cq_instance_get_int(&id, inst, "id"));
    assert_int_equal(id, 1);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM users"), 1);
    char *name = query_text(db, "SELECT username FROM users WHERE id = 1");
    assert_string_equal(name, "ada");
    free(name);
    assert_int_equal(cq_test_scalar_int(db, "SELECT age FROM users WHERE id = 1"), 36);
    cq_instance_free(inst);
}

static void test_instance__create_fills_timestamps(void **state)
{
    cq_db *db = *state;
    cq_instance *inst = create_user(db, "{\"username\":\"ada\"}");
    const char *created = NULL;
    const char *updated = NULL;

    CQ_ASSERT_OK(db, cq_instance_get_text(&created, inst, "createdAt"));
    CQ_ASSERT_OK(db, cq_instance_get_text(&updated, inst, "updatedAt"));
    assert_iso_utc(created);
    assert_iso_utc(updated);
    assert_string_equal(created, updated); /* one "now" for both, as in Sequelize */
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM users WHERE createdAt IS NOT "
                                            "NULL AND updatedAt IS NOT NULL"),
                     1);
    cq_instance_free(inst);
}

static void test_instance__create_assigns_increasing_ids(void **state)
{
    cq_db *db = *state;
    cq_instance *a = create_user(db, "{\"username\":\"a\"}");
    cq_instance *b = create_user(db, "{\"username\":\"b\"}");
    int64_t ida = 0, idb = 0;

    CQ_ASSERT_OK(db, cq_instance_get_int(&ida, a, "id"));
    CQ_ASSERT_OK(db, cq_instance_get_int(&idb, b, "id"));
    assert_int_equal(ida, 1);
    assert_int_equal(idb, 2);
    assert_int_equal(cq_test_scalar_int(db, "SELECT id FROM users WHERE username = 'b'"), 2);
    cq_instance_free(a);
    cq_instance_free(b);
}

static void test_instance__create_with_explicit_id(void **state)
{
    cq_db *db = *state;
    cq_instance *inst = create_user(db, "{\"id\":10,\"username\":\"ten\"}");
    int64_t id = 0;

    CQ_ASSERT_OK(db, cq_instance_get_int(&id, inst, "id"));
    assert_int_equal(id, 10);
    assert_int_equal(cq_test_scalar_int(db, "SELECT id FROM users WHERE username = 'ten'"), 10);
    cq_instance_free(inst);
}

static void test_instance__create_with_null_out(void **state)
{
    cq_db *db = *state;
    cq_value *values = cq_test_json("{\"username\":\"ada\"}");

    CQ_ASSERT_OK(db, cq_model_create(NULL, user_model(db), values, NULL));
    cq_value_free(values);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM users"), 1);
}

static void test_instance__create_returns_every_attribute(void **state)
{
    cq_db *db = *state;
    cq_instance *inst = create_user(db, "{\"username\":\"ada\"}");
    const cq_value *age = cq_instance_get(inst, "age");
    const cq_value *active = cq_instance_get(inst, "active");
    bool age_null = age && cq_value_type_of(age) == CQ_VALUE_NULL;
    bool active_null = active && cq_value_type_of(active) == CQ_VALUE_NULL;

    cq_instance_free(inst);
    /* cequel deviation D7: unset attributes are present, as null values */
    assert_true(age_null);
    assert_true(active_null);
}

static void test_instance__save_new_inserts(void **state)
{
    cq_db *db = *state;
    cq_instance *inst = NULL;
    int64_t id = 0;
    cq_value *values = cq_test_json("{\"username\":\"ada\"}");

    CQ_ASSERT_OK(db, cq_model_build(&inst, user_model(db), values));
    cq_value_free(values);
    CQ_ASSERT_OK(db, cq_instance_set(inst, "age", cq_value_int(36)));
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM users"), 0);
    CQ_ASSERT_OK(db, cq_instance_save(inst, NULL));
    assert_false(cq_instance_is_new_record(inst));
    CQ_ASSERT_OK(db, cq_instance_get_int(&id, inst, "id"));
    assert_int_equal(id, 1);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM users WHERE username = 'ada' "
                                            "AND age = 36"),
                     1);
    assert_false(cq_instance_has_changed(inst, NULL));
    cq_instance_free(inst);
}

static void test_instance__save_existing_updates_changed_only(void **state)
{
    logging_fixture *f = *state;
    cq_db *db = f->db;

    f->inst = create_user(db, "{\"username\":\"ada\",\"age\":36,\"score\":1.5}");
    fx_clear_sql(&f->cap);
    CQ_ASSERT_OK(db, cq_instance_set(f->inst, "age", cq_value_int(37)));
    CQ_ASSERT_OK(db, cq_instance_save(f->inst, NULL));
    assert_int_equal(f->cap.n, 1);
    const char *sql = f->cap.sql[0];
    /* Sequelize's save always adds updatedAt to the changed fields */
    if (strncmp(sql, "UPDATE `users` SET ", 19) != 0 || !strstr(sql, "`age`") ||
        !strstr(sql, "`updatedAt`") || strstr(sql, "`username`") || strstr(sql, "`score`") ||
        strstr(sql, "`active`") || strstr(sql, "`createdAt`")) {
        print_error("unexpected UPDATE: %s\n", sql);
        fail();
    }
    assert_int_equal(f->cap.n_params[0], 3); /* age, updatedAt, id */
    assert_int_equal(cq_test_scalar_int(db, "SELECT age FROM users WHERE id = 1"), 37);
    char *name = query_text(db, "SELECT username FROM users WHERE id = 1");
    assert_string_equal(name, "ada");
    free(name);
}

static void test_instance__save_without_changes_sends_nothing(void **state)
{
    logging_fixture *f = *state;
    cq_db *db = f->db;

    f->inst = create_user(db, "{\"username\":\"ada\"}");
    fx_clear_sql(&f->cap);
    CQ_ASSERT_OK(db, cq_instance_save(f->inst, NULL));
    assert_int_equal(f->cap.n, 0);
}

static void test_instance__save_with_fields_saves_only_those(void **state)
{
    cq_db *db = *state;
    cq_instance *inst = create_user(db, "{\"username\":\"ada\",\"age\":36}");
    const char *const fields[] = { "age", NULL };

    CQ_ASSERT_OK(db, cq_instance_set(inst, "username", cq_value_text("grace")));
    CQ_ASSERT_OK(db, cq_instance_set(inst, "age", cq_value_int(40)));
    CQ_ASSERT_OK(db, cq_instance_save(inst, &(cq_write_opts){ .fields = fields }));
    assert_int_equal(cq_test_scalar_int(db, "SELECT age FROM users WHERE id = 1"), 40);
    char *name = query_text(db, "SELECT username FROM users WHERE id = 1");
    assert_string_equal(name, "ada");
    free(name);
    cq_instance_free(inst);
}

static void test_instance__save_bumps_updated_at_only(void **state)
{
    cq_db *db = *state;
    cq_instance *inst = create_user(db, "{\"username\":\"ada\"}");
    char *created = NULL;
    const char *t = NULL;

    CQ_ASSERT_OK(db, cq_instance_get_text(&t, inst, "createdAt"));
    created = strdup(t);
    cq_test_sleep_ms(20);
    CQ_ASSERT_OK(db, cq_instance_set(inst, "age", cq_value_int(1)));
    CQ_ASSERT_OK(db, cq_instance_save(inst, NULL));
    CQ_ASSERT_OK(db, cq_instance_get_text(&t, inst, "updatedAt"));
    assert_iso_utc(t);
    assert_true(strcmp(t, created) > 0);
    CQ_ASSERT_OK(db, cq_instance_get_text(&t, inst, "createdAt"));
    assert_string_equal(t, created);
    cq_instance_free(inst);

    /* the database agrees: reloaded updatedAt is later, createdAt unchanged */
    cq_instance *found = find_user(db, 1);
    assert_non_null(found);
    CQ_ASSERT_OK(db, cq_instance_get_text(&t, found, "createdAt"));
    assert_string_equal(t, created);
    CQ_ASSERT_OK(db, cq_instance_get_text(&t, found, "updatedAt"));
    assert_true(strcmp(t, created) > 0);
    cq_instance_free(found);
    free(created);
}

/* A row read whose createdAt and updatedAt are the same text (held once in the instance):
 * each is its own value, replaced alone, saved and read back. */
static void test_instance__equal_cells_of_a_row_stay_apart(void **state)
{
    cq_db *db = *state;
    cq_instance *made = create_user(db, "{\"username\":\"ada\"}");
    cq_instance_free(made);
    cq_instance *inst = find_user(db, 1);
    const char *c = NULL, *u = NULL;
    CQ_ASSERT_OK(db, cq_instance_get_text(&c, inst, "createdAt"));
    CQ_ASSERT_OK(db, cq_instance_get_text(&u, inst, "updatedAt"));
    assert_string_equal(c, u);
    char *created = strdup(c);
    CQ_ASSERT_OK(db, cq_instance_set(inst, "createdAt", cq_value_text("2001-02-03T04:05:06.007Z")));
    CQ_ASSERT_OK(db, cq_instance_get_text(&u, inst, "updatedAt"));
    assert_string_equal(u, created);
    CQ_ASSERT_OK(db, cq_instance_get_text(&c, inst, "createdAt"));
    assert_string_equal(c, "2001-02-03T04:05:06.007Z");
    assert_true(cq_instance_has_changed(inst, "createdAt"));
    assert_false(cq_instance_has_changed(inst, "updatedAt"));
    CQ_ASSERT_OK(db, cq_instance_save(inst, NULL)); /* updatedAt moves on (not before) */
    cq_instance_free(inst);

    inst = find_user(db, 1);
    CQ_ASSERT_OK(db, cq_instance_get_text(&c, inst, "createdAt"));
    assert_string_equal(c, "2001-02-03T04:05:06.007Z");
    CQ_ASSERT_OK(db, cq_instance_get_text(&u, inst, "updatedAt"));
    assert_true(strcmp(u, created) >= 0);
    cq_instance_free(inst);
    free(created);
}

static void test_instance__set_null_saves_null(void **state)
{
    cq_db *db = *state;
    cq_instance *inst = create_user(db, "{\"username\":\"ada\",\"age\":36}");

    CQ_ASSERT_OK(db, cq_instance_set(inst, "age", cq_value_null()));
    CQ_ASSERT_OK(db, cq_instance_save(inst, NULL));
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM users WHERE age IS NULL"), 1);
    cq_instance_free(inst);
}

/* ---- set / get / changed -------------------------------------------------------------- */

static void test_instance__set_then_get(void **state)
{
    cq_db *db = *state;
    cq_instance *inst = create_user(db, "{\"username\":\"ada\"}");

    CQ_ASSERT_OK(db, cq_instance_set(inst, "username", cq_value_text("grace")));
    assert_string_equal(cq_value_as_text(cq_instance_get(inst, "username")), "grace");
    /* not saved yet */
    char *name = query_text(db, "SELECT username FROM users WHERE id = 1");
    assert_string_equal(name, "ada");
    free(name);
    cq_instance_free(inst);
}

static void test_instance__changed_tracks_set(void **state)
{
    cq_db *db = *state;
    cq_instance *inst = create_user(db, "{\"username\":\"ada\",\"age\":36}");

    assert_false(cq_instance_has_changed(inst, NULL));
    assert_false(cq_instance_has_changed(inst, "username"));
    CQ_ASSERT_OK(db, cq_instance_set(inst, "username", cq_value_text("grace")));
    assert_true(cq_instance_has_changed(inst, "username"));
    assert_false(cq_instance_has_changed(inst, "age"));
    assert_true(cq_instance_has_changed(inst, NULL));
    CQ_ASSERT_OK(db, cq_instance_save(inst, NULL));
    assert_false(cq_instance_has_changed(inst, "username"));
    assert_false(cq_instance_has_changed(inst, NULL));
    cq_instance_free(inst);
}

static void test_instance__set_same_value_is_not_a_change(void **state)
{
    cq_db *db = *state;
    cq_instance *inst = create_user(db, "{\"username\":\"ada\",\"age\":36}");

    CQ_ASSERT_OK(db, cq_instance_set(inst, "username", cq_value_text("ada")));
    CQ_ASSERT_OK(db, cq_instance_set(inst, "age", cq_value_int(36)));
    assert_false(cq_instance_has_changed(inst, NULL));
    cq_instance_free(inst);
}

static void test_instance__loaded_instance_is_unchanged(void **state)
{
    cq_db *db = *state;
    cq_instance_free(create_user(db, "{\"username\":\"ada\",\"age\":36}"));
    cq_instance *found = find_user(db, 1);

    assert_non_null(found);
    assert_false(cq_instance_is_new_record(found));
    assert_false(cq_instance_has_changed(found, NULL));
    cq_instance_free(found);
}

static void test_instance__set_unknown_attribute(void **state)
{
    cq_db *db = *state;
    cq_instance *inst = create_user(db, "{\"username\":\"ada\"}");

    CQ_ASSERT_ERR(db, CQ_EUNKNOWN_ATTR, cq_instance_set(inst, "nickname", cq_value_text("x")));
    assert_non_null(strstr(cq_db_error(db)->message, "nickname"));
    assert_null(cq_instance_get(inst, "nickname"));
    assert_false(cq_instance_has_changed(inst, NULL));
    cq_instance_free(inst);
}

static void test_instance__set_wrong_type_is_evalidation(void **state)
{
    cq_db *db = *state;
    cq_instance *inst = create_user(db, "{\"username\":\"ada\",\"age\":36}");
    int64_t age = 0;

    CQ_ASSERT_ERR(db, CQ_EVALIDATION, cq_instance_set(inst, "age", cq_value_text("abc")));
    assert_non_null(strstr(cq_db_error(db)->message, "age"));
    CQ_ASSERT_OK(db, cq_instance_get_int(&age, inst, "age"));
    assert_int_equal(age, 36);
    assert_false(cq_instance_has_changed(inst, "age"));
    cq_instance_free(inst);
}

static void test_instance__typed_getters(void **state)
{
    cq_db *db = *state;
    cq_instance_free(
        create_user(db, "{\"username\":\"ada\",\"age\":36,\"score\":2.25,\"active\":true}"));
    cq_instance *inst = find_user(db, 1);
    int64_t age = 0;
    double score = 0;
    bool active = false;
    const char *name = NULL;

    assert_non_null(inst);
    CQ_ASSERT_OK(db, cq_instance_get_int(&age, inst, "age"));
    assert_int_equal(age, 36);
    CQ_ASSERT_OK(db, cq_instance_get_double(&score, inst, "score"));
    assert_true(score == 2.25);
    CQ_ASSERT_OK(db, cq_instance_get_bool(&active, inst, "active"));
    assert_true(active);
    CQ_ASSERT_OK(db, cq_instance_get_text(&name, inst, "username"));
    assert_string_equal(name, "ada");
    cq_instance_free(inst);
}

static void test_instance__typed_getter_wrong_type_is_evalidation(void **state)
{
    cq_db *db = *state;
    cq_instance *inst = create_user(db, "{\"username\":\"ada\",\"age\":36}");
    int64_t i = 0;
    const char *s = NULL;
    bool b = false;

    CQ_ASSERT_ERR(db, CQ_EVALIDATION, cq_instance_get_int(&i, inst, "username"));
    CQ_ASSERT_ERR(db, CQ_EVALIDATION, cq_instance_get_text(&s, inst, "age"));
    CQ_ASSERT_ERR(db, CQ_EVALIDATION, cq_instance_get_bool(&b, inst, "username"));
    cq_instance_free(inst);
}

static void test_instance__typed_getter_null_is_evalidation(void **state)
{
    cq_db *db = *state;
    cq_instance *inst = create_user(db, "{\"username\":\"ada\"}");
    int64_t i = 0;
    double d = 0;

    CQ_ASSERT_ERR(db, CQ_EVALIDATION, cq_instance_get_int(&i, inst, "age"));
    CQ_ASSERT_ERR(db, CQ_EVALIDATION, cq_instance_get_double(&d, inst, "score"));
    cq_instance_free(inst);
}

static void test_instance__typed_getter_unknown_attribute(void **state)
{
    cq_db *db = *state;
    cq_instance *inst = create_user(db, "{\"username\":\"ada\"}");
    int64_t i = 0;

    CQ_ASSERT_ERR(db, CQ_EUNKNOWN_ATTR, cq_instance_get_int(&i, inst, "nope"));
    assert_null(cq_instance_get(inst, "nope"));
    cq_instance_free(inst);
}

/* ---- update / destroy / reload ---------------------------------------------------------- */

static void test_instance__update_sets_and_saves(void **state)
{
    cq_db *db = *state;
    cq_instance *inst = create_user(db, "{\"username\":\"ada\",\"age\":36}");
    cq_value *values = cq_test_json("{\"username\":\"grace\",\"age\":40}");
    const char *name = NULL;

    CQ_ASSERT_OK(db, cq_instance_update(inst, values, NULL));
    cq_value_free(values);
    CQ_ASSERT_OK(db, cq_instance_get_text(&name, inst, "username"));
    assert_string_equal(name, "grace");
    assert_false(cq_instance_has_changed(inst, NULL));
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM users WHERE username = 'grace' "
                                            "AND age = 40"),
                     1);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM users"), 1);
    cq_instance_free(inst);
}

static void test_instance__update_unknown_attribute_changes_nothing(void **state)
{
    cq_db *db = *state;
    cq_instance *inst = create_user(db, "{\"username\":\"ada\",\"age\":36}");
    cq_value *values = cq_test_json("{\"age\":40,\"nickname\":\"x\"}");

    CQ_ASSERT_ERR(db, CQ_EUNKNOWN_ATTR, cq_instance_update(inst, values, NULL));
    cq_value_free(values);
    assert_int_equal(cq_test_scalar_int(db, "SELECT age FROM users WHERE id = 1"), 36);
    cq_instance_free(inst);
}

static void test_instance__destroy_removes_row(void **state)
{
    cq_db *db = *state;
    cq_instance *keep = create_user(db, "{\"username\":\"keep\"}");
    cq_instance *inst = create_user(db, "{\"username\":\"gone\"}");

    CQ_ASSERT_OK(db, cq_instance_destroy(inst, NULL));
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM users WHERE username = 'gone'"),
                     0);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM users"), 1);
    cq_instance_free(inst);
    cq_instance_free(keep);
}

static void test_instance__reload_picks_up_raw_change(void **state)
{
    cq_db *db = *state;
    cq_instance *inst = create_user(db, "{\"username\":\"ada\",\"age\":36}");
    const char *name = NULL;
    int64_t age = 0;

    exec_sql(db, "UPDATE users SET username = 'grace', age = 50 WHERE id = 1");
    CQ_ASSERT_OK(db, cq_instance_get_text(&name, inst, "username"));
    assert_string_equal(name, "ada");
    CQ_ASSERT_OK(db, cq_instance_reload(inst, NULL));
    CQ_ASSERT_OK(db, cq_instance_get_text(&name, inst, "username"));
    assert_string_equal(name, "grace");
    CQ_ASSERT_OK(db, cq_instance_get_int(&age, inst, "age"));
    assert_int_equal(age, 50);
    assert_false(cq_instance_has_changed(inst, NULL));
    cq_instance_free(inst);
}

static void test_instance__reload_discards_unsaved_change(void **state)
{
    cq_db *db = *state;
    cq_instance *inst = create_user(db, "{\"username\":\"ada\"}");
    const char *name = NULL;

    CQ_ASSERT_OK(db, cq_instance_set(inst, "username", cq_value_text("local")));
    CQ_ASSERT_OK(db, cq_instance_reload(inst, NULL));
    CQ_ASSERT_OK(db, cq_instance_get_text(&name, inst, "username"));
    assert_string_equal(name, "ada");
    assert_false(cq_instance_has_changed(inst, NULL));
    cq_instance_free(inst);
}

static void test_instance__reload_after_delete_is_enotfound(void **state)
{
    cq_db *db = *state;
    cq_instance *inst = create_user(db, "{\"username\":\"ada\"}");

    exec_sql(db, "DELETE FROM users WHERE id = 1");
    CQ_ASSERT_ERR(db, CQ_ENOTFOUND, cq_instance_reload(inst, NULL));
    cq_instance_free(inst);
}

/* ---- toJSON --------------------------------------------------------------------------- */

static void test_instance__to_value_shape_after_create(void **state)
{
    cq_db *db = *state;
    cq_instance *inst =
        create_user(db, "{\"username\":\"ada\",\"age\":36,\"score\":1.5,\"active\":true}");
    const char *created = NULL, *updated = NULL;
    cq_value *v = NULL;
    char expected[512];

    CQ_ASSERT_OK(db, cq_instance_get_text(&created, inst, "createdAt"));
    CQ_ASSERT_OK(db, cq_instance_get_text(&updated, inst, "updatedAt"));
    snprintf(expected, sizeof expected,
             "{\"id\":1,\"username\":\"ada\",\"age\":36,\"score\":1.5,\"active\":true,"
             "\"createdAt\":\"%s\",\"updatedAt\":\"%s\"}",
             created, updated);
    CQ_ASSERT_OK(db, cq_instance_to_value(&v, inst));
    cq_test_assert_json(v, expected);
    cq_value_free(v);
    cq_instance_free(inst);
}

static void test_instance__to_json_text_of_loaded_row(void **state)
{
    cq_db *db = *state;
    cq_instance_free(create_user(db, "{\"username\":\"ada\",\"active\":false}"));
    cq_instance *inst = find_user(db, 1);
    const char *created = NULL, *updated = NULL;
    char *json = NULL;
    char expected[512];

    assert_non_null(inst);
    CQ_ASSERT_OK(db, cq_instance_get_text(&created, inst, "createdAt"));
    CQ_ASSERT_OK(db, cq_instance_get_text(&updated, inst, "updatedAt"));
    assert_iso_utc(created);
    assert_iso_utc(updated);
    snprintf(expected, sizeof expected,
             "{\"id\":1,\"username\":\"ada\",\"age\":null,\"score\":null,\"active\":false,"
             "\"createdAt\":\"%s\",\"updatedAt\":\"%s\"}",
             created, updated);
    CQ_ASSERT_OK(db, cq_instance_to_json(&json, inst, CQ_JSON_COMPACT));
    assert_string_equal(json, expected);
    cq_free(json);
    cq_instance_free(inst);
}

static void test_instance__boolean_is_stored_as_integer(void **state)
{
    cq_db *db = *state;
    cq_instance_free(create_user(db, "{\"username\":\"t\",\"active\":true}"));
    cq_instance_free(create_user(db, "{\"username\":\"f\",\"active\":false}"));

    assert_int_equal(cq_test_scalar_int(db, "SELECT active FROM users WHERE username = 't'"), 1);
    assert_int_equal(cq_test_scalar_int(db, "SELECT active FROM users WHERE username = 'f'"), 0);
}

/* ---- every type round-trips through the database ---------------------------------------- */

static void test_instance__every_type_round_trips(void **state)
{
    (void)state;
    /* a db of its own: the fixture's schema froze when it synced */
    cq_db *db = NULL;
    assert_int_equal(fx_open(&db, NULL), 0);
    cq_model *thing = NULL;
    const cq_attr attrs[] = {
        { .name = "str", .type = CQ_STRING },
        { .name = "txt", .type = CQ_TEXT },
        { .name = "num", .type = CQ_INTEGER },
        { .name = "big", .type = CQ_BIGINT },
        { .name = "flt", .type = CQ_FLOAT },
        { .name = "dbl", .type = CQ_DOUBLE },
        { .name = "flag", .type = CQ_BOOLEAN },
        { .name = "at", .type = CQ_DATE },
        { .name = "day", .type = CQ_DATEONLY },
        { .name = "uid", .type = CQ_UUID },
        { .name = "meta", .type = CQ_JSON },
        { .name = "bin", .type = CQ_BLOB },
        { 0 },
    };
    const unsigned char bytes[] = { 0, 1, 2, 0xfe, 0xff };
    cq_instance *found = NULL;

    CQ_ASSERT_OK(
        db, cq_db_define(&thing, db, "thing", attrs, &(cq_model_opts){ .timestamps = CQ_OFF }));
    CQ_ASSERT_OK(db, cq_model_sync(thing, NULL));
    cq_value *values =
        cq_test_json("{\"str\":\"s\",\"txt\":\"long text\",\"num\":-42,\"big\":9007199254740993,"
                     "\"flt\":1.5,\"dbl\":3.25,\"flag\":true,\"at\":\"2024-05-01T10:20:30.123Z\","
                     "\"day\":\"2024-05-01\",\"uid\":\"1b4e28ba-2fa1-41d2-883f-0016d3cca427\","
                     "\"meta\":{\"a\":1,\"b\":[true,null]}}");
    assert_int_equal(cq_value_object_set(values, "bin", cq_value_blob(bytes, sizeof bytes)), CQ_OK);
    CQ_ASSERT_OK(db, cq_model_create(NULL, thing, values, NULL));

    cq_value *pk = cq_value_int(1);
    CQ_ASSERT_OK(db, cq_model_find_by_pk(&found, thing, pk, NULL));
    cq_value_free(pk);
    assert_non_null(found);
    for (size_t i = 0; i < cq_value_size(values); i++) {
        const char *key = cq_value_object_key(values, i);
        const cq_value *got = cq_instance_get(found, key);
        if (!cq_value_is_equal(got, cq_value_object_value(values, i))) {
            char *g = NULL, *w = NULL;
            cq_value *wrap = cq_value_array();
            cq_value_array_append(wrap, cq_value_copy(got));
            cq_value_to_json(&g, wrap, 0);
            cq_value_free(wrap);
            wrap = cq_value_array();
            cq_value_array_append(wrap, cq_value_copy(cq_value_object_value(values, i)));
            cq_value_to_json(&w, wrap, 0);
            cq_value_free(wrap);
            print_error("attribute %s: got %s, expected %s\n", key, g ? g : "?", w ? w : "?");
            cq_free(g);
            cq_free(w);
            fail();
        }
    }
    assert_int_equal(cq_value_type_of(cq_instance_get(found, "flag")), CQ_VALUE_BOOL);
    assert_int_equal(cq_value_type_of(cq_instance_get(found, "big")), CQ_VALUE_INT);
    assert_int_equal(cq_value_type_of(cq_instance_get(found, "meta")), CQ_VALUE_OBJECT);
    assert_int_equal(cq_value_type_of(cq_instance_get(found, "bin")), CQ_VALUE_BLOB);
    cq_instance_free(found);
    cq_value_free(values);

    /* JSON is stored as compact JSON text, a blob as a blob */
    char *meta = query_text(db, "SELECT meta FROM things WHERE id = 1");
    assert_string_equal(meta, "{\"a\":1,\"b\":[true,null]}");
    free(meta);
    assert_int_equal(cq_test_scalar_int(db, "SELECT length(bin) FROM things WHERE id = 1"), 5);
    assert_int_equal(cq_test_scalar_int(db, "SELECT big FROM things WHERE id = 1"),
                     9007199254740993LL);
    cq_db_close(db);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, fx_db_teardown)
    const struct CMUnitTest tests[] = {
        T(test_instance__build_is_unsaved),
        T(test_instance__build_with_null_values),
        T(test_instance__create_inserts_row),
        T(test_instance__create_fills_timestamps),
        T(test_instance__create_assigns_increasing_ids),
        T(test_instance__create_with_explicit_id),
        T(test_instance__create_with_null_out),
        T(test_instance__create_returns_every_attribute),
        T(test_instance__save_new_inserts),
        cmocka_unit_test_setup_teardown(test_instance__save_existing_updates_changed_only,
                                        setup_logging, teardown_logging),
        cmocka_unit_test_setup_teardown(test_instance__save_without_changes_sends_nothing,
                                        setup_logging, teardown_logging),
        T(test_instance__save_with_fields_saves_only_those),
        T(test_instance__save_bumps_updated_at_only),
        T(test_instance__equal_cells_of_a_row_stay_apart),
        T(test_instance__set_null_saves_null),
        T(test_instance__set_then_get),
        T(test_instance__changed_tracks_set),
        T(test_instance__set_same_value_is_not_a_change),
        T(test_instance__loaded_instance_is_unchanged),
        T(test_instance__set_unknown_attribute),
        T(test_instance__set_wrong_type_is_evalidation),
        T(test_instance__typed_getters),
        T(test_instance__typed_getter_wrong_type_is_evalidation),
        T(test_instance__typed_getter_null_is_evalidation),
        T(test_instance__typed_getter_unknown_attribute),
        T(test_instance__update_sets_and_saves),
        T(test_instance__update_unknown_attribute_changes_nothing),
        T(test_instance__destroy_removes_row),
        T(test_instance__reload_picks_up_raw_change),
        T(test_instance__reload_discards_unsaved_change),
        T(test_instance__reload_after_delete_is_enotfound),
        T(test_instance__to_value_shape_after_create),
        T(test_instance__to_json_text_of_loaded_row),
        T(test_instance__boolean_is_stored_as_integer),
        T(test_instance__every_type_round_trips),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
