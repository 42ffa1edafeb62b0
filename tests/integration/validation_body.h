/* Validation on the write paths, shared by test_validation.c (SQLite),
 * test_validation_postgres.c and test_validation_mysql.c: each body defines its models on an
 * empty database, tries the write, and reads back what the database holds. Included once per
 * executable (static functions). */
#ifndef CQ_VALIDATION_BODY_H
#define CQ_VALIDATION_BODY_H

#include "cq_test.h"

#include <string.h>

typedef struct vmodels {
    cq_model *user, *task, *company;
} vmodels;

/* user (name NOT NULL, len 2..10; email isEmail; nick allowNull true with isAlpha and a
 * custom validator that refuses "root"), task (title notEmpty, NOT NULL key to its user),
 * company (name isUppercase); user hasMany task, user belongsTo company. Synced. */
static int refuse_root(char *msg, size_t size, const cq_instance *inst, const char *attr,
                       const cq_value *value, void *user_data)
{
    (void)inst;
    (void)user_data;
    if (cq_value_type_of(value) == CQ_VALUE_TEXT && strcmp(cq_value_as_text(value), "root") == 0) {
        snprintf(msg, size, "%s may not be root", attr);
        return -1;
    }
    return CQ_OK;
}

static void vdefine(cq_db *db, vmodels *m)
{
    cq_value *len = cq_test_json("[2, 10]");
    const cq_validator name_v[] = { { .key = "len", .args = len }, { 0 } };
    const cq_validator email_v[] = { { .key = "isEmail" }, { 0 } };
    const cq_validator nick_v[] = { { .key = "isAlpha" },
                                    { .key = "notRoot", .fn = refuse_root },
                                    { 0 } };
    const cq_validator title_v[] = { { .key = "notEmpty", .msg = "a task needs a title" }, { 0 } };
    const cq_validator upper_v[] = { { .key = "isUppercase" }, { 0 } };
    const cq_attr user_a[] = {
        { .name = "name", .type = CQ_STRING, .allow_null = CQ_OFF, .validate = name_v },
        { .name = "email", .type = CQ_STRING, .validate = email_v },
        { .name = "nick", .type = CQ_STRING, .allow_null = CQ_ON, .validate = nick_v },
        { 0 }
    };
    const cq_attr task_a[] = { { .name = "title", .type = CQ_STRING, .validate = title_v }, { 0 } };
    const cq_attr company_a[] = { { .name = "name", .type = CQ_STRING, .validate = upper_v },
                                  { 0 } };
    CQ_ASSERT_OK(db, cq_db_define(&m->user, db, "user", user_a, NULL));
    CQ_ASSERT_OK(db, cq_db_define(&m->task, db, "task", task_a, NULL));
    CQ_ASSERT_OK(db, cq_db_define(&m->company, db, "company", company_a, NULL));
    cq_value_free(len);
    const cq_attr fk = { .name = "userId", .allow_null = CQ_OFF };
    CQ_ASSERT_OK(
        db, cq_model_has_many(NULL, m->user, m->task, &(cq_assoc_opts){ .foreign_key_attr = &fk }));
    CQ_ASSERT_OK(db, cq_model_belongs_to(NULL, m->user, m->company, NULL));
    CQ_ASSERT_OK(db, cq_db_sync(db, &(cq_sync_opts){ .force = true }));
}

static int64_t vcount(cq_db *db, cq_model *m, const char *where_json)
{
    cq_value *w = where_json ? cq_test_json(where_json) : NULL;
    int64_t n = -1;
    CQ_ASSERT_OK(db, cq_model_count(&n, m, &(cq_find_opts){ .where = w }));
    cq_value_free(w);
    return n;
}

static int vcreate(cq_model *m, const char *json, const cq_write_opts *opts)
{
    cq_value *v = cq_test_json(json);
    int rc = cq_model_create(NULL, m, v, opts);
    cq_value_free(v);
    return rc;
}

/* The items as "path:validatorKey:message" lines joined by '|'. */
static void vassert_items(cq_db *db, const char *expected)
{
    char got[2048] = "";
    size_t len = 0;
    for (size_t i = 0; i < cq_db_validation_count(db); i++) {
        const cq_validation_item *it = cq_db_validation_item(db, i);
        len += (size_t)snprintf(got + len, sizeof got - len, "%s%s:%s:%s", i ? "|" : "", it->path,
                                it->validator_key ? it->validator_key : "-", it->message);
    }
    if (strcmp(got, expected) != 0) {
        print_error("items:    %s\nexpected: %s\n", got, expected);
        fail();
    }
}

static void vbody_create(cq_db *db)
{
    vmodels m;
    vdefine(db, &m);
    CQ_ASSERT_ERR(
        db, CQ_EVALIDATION,
        vcreate(m.user, "{\"name\": \"a\", \"email\": \"nope\", \"nick\": \"root\"}", NULL));
    vassert_items(db, "nick:notRoot:nick may not be root|name:len:Validation len on name failed|"
                      "email:isEmail:Validation isEmail on email failed");
    assert_int_equal(cq_db_validation_item(db, 0)->record, 0);
    CQ_ASSERT_ERR(db, CQ_EVALIDATION,
                  vcreate(m.user, "{\"name\": \"al\", \"nick\": \"r2\"}", NULL));
    vassert_items(db, "nick:isAlpha:Validation isAlpha on nick failed");
    assert_string_equal(cq_db_validation_item(db, 0)->model, "user");
    CQ_ASSERT_ERR(db, CQ_ENOTNULL, vcreate(m.user, "{\"email\": \"a@b.co\"}", NULL));
    vassert_items(db, "name:is_null:user.name cannot be null");
    assert_int_equal(vcount(db, m.user, NULL), 0);
    /* allowNull: true and null: the built-in validators do not run, the custom ones do */
    CQ_ASSERT_OK(db, vcreate(m.user,
                             "{\"name\": \"ada\", \"email\": \"ada@example.com\", "
                             "\"nick\": null}",
                             NULL));
    /* validate: false writes what the database accepts */
    CQ_ASSERT_OK(db, vcreate(m.user, "{\"name\": \"b\", \"email\": \"nope\"}",
                             &(cq_write_opts){ .validate = CQ_OFF }));
    assert_int_equal(vcount(db, m.user, NULL), 2);
    assert_int_equal(vcount(db, m.user, "{\"email\": \"nope\"}"), 1);
}

static void vbody_save_and_update(cq_db *db)
{
    vmodels m;
    vdefine(db, &m);
    cq_value *v = cq_test_json("{\"name\": \"x\"}");
    cq_instance *u = NULL;
    CQ_ASSERT_OK(db, cq_model_build(&u, m.user, v));
    cq_value_free(v);
    CQ_ASSERT_ERR(db, CQ_EVALIDATION, cq_instance_save(u, NULL));
    vassert_items(db, "name:len:Validation len on name failed");
    assert_int_equal(vcount(db, m.user, NULL), 0);
    /* `fields` without the bad attribute: nothing to check there, the row is written */
    CQ_ASSERT_OK(db, cq_instance_set(u, "name", cq_value_text("grace")));
    CQ_ASSERT_OK(db, cq_instance_save(u, NULL));
    /* a saved row: only the changed attributes are checked */
    CQ_ASSERT_OK(db, cq_instance_set(u, "email", cq_value_text("bad")));
    CQ_ASSERT_ERR(db, CQ_EVALIDATION, cq_instance_save(u, NULL));
    vassert_items(db, "email:isEmail:Validation isEmail on email failed");
    assert_int_equal(vcount(db, m.user, "{\"name\": \"grace\", \"email\": null}"), 1);
    cq_value *upd = cq_test_json("{\"name\": \"g\", \"email\": \"g@example.com\"}");
    CQ_ASSERT_ERR(db, CQ_EVALIDATION, cq_instance_update(u, upd, NULL));
    cq_value_free(upd);
    vassert_items(db, "name:len:Validation len on name failed");
    assert_int_equal(vcount(db, m.user, "{\"name\": \"grace\", \"email\": null}"), 1);
    upd = cq_test_json("{\"name\": \"gracie\", \"email\": \"g@example.com\"}");
    CQ_ASSERT_OK(db, cq_instance_update(u, upd, NULL));
    cq_value_free(upd);
    assert_int_equal(vcount(db, m.user, "{\"name\": \"gracie\", \"email\": \"g@example.com\"}"), 1);
    /* with `fields`, the other keys are not even set: "x" (too short) is neither checked,
     * written nor kept in memory */
    upd = cq_test_json("{\"name\": \"x\", \"email\": \"h@example.com\"}");
    const char *const only_email[] = { "email", NULL };
    CQ_ASSERT_OK(db, cq_instance_update(u, upd, &(cq_write_opts){ .fields = only_email }));
    cq_value_free(upd);
    const char *name = NULL;
    CQ_ASSERT_OK(db, cq_instance_get_text(&name, u, "name"));
    assert_string_equal(name, "gracie");
    assert_false(cq_instance_has_changed(u, "name"));
    assert_int_equal(vcount(db, m.user, "{\"name\": \"gracie\", \"email\": \"h@example.com\"}"), 1);
    cq_instance_free(u);
    /* Model.update validates the values it sets (the others are skipped) */
    int64_t changed = -1;
    upd = cq_test_json("{\"email\": \"bad\"}");
    cq_value *all = cq_test_json("{}");
    CQ_ASSERT_ERR(db, CQ_EVALIDATION,
                  cq_model_update(&changed, m.user, upd, &(cq_bulk_opts){ .where = all }));
    vassert_items(db, "email:isEmail:Validation isEmail on email failed");
    assert_int_equal(vcount(db, m.user, "{\"email\": \"bad\"}"), 0);
    CQ_ASSERT_OK(db, cq_model_update(&changed, m.user, upd,
                                     &(cq_bulk_opts){ .where = all, .validate = CQ_OFF }));
    assert_int_equal(changed, 1);
    cq_value_free(upd);
    cq_value_free(all);
    assert_int_equal(vcount(db, m.user, "{\"email\": \"bad\"}"), 1);
}

static void vbody_bulk_create(cq_db *db)
{
    vmodels m;
    vdefine(db, &m);
    cq_value *rows = cq_test_json("[{\"name\": \"ada\"}, {\"name\": \"b\", \"email\": \"x\"}, "
                                  "{\"name\": \"cy\"}, {\"email\": \"e@example.com\"}]");
    /* validate: true checks every row first and writes none */
    CQ_ASSERT_ERR(db, CQ_EVALIDATION,
                  cq_model_bulk_create(NULL, m.user, rows, &(cq_write_opts){ .validate = CQ_ON }));
    vassert_items(db, "name:len:Validation len on name failed|"
                      "email:isEmail:Validation isEmail on email failed|"
                      "name:is_null:user.name cannot be null");
    assert_int_equal(cq_db_validation_item(db, 0)->record, 1);
    assert_int_equal(cq_db_validation_item(db, 2)->record, 3);
    assert_int_equal(vcount(db, m.user, NULL), 0);
    cq_value_free(rows);
    /* without `validate` (v6's default) the validators do not run */
    rows = cq_test_json("[{\"name\": \"ada\"}, {\"name\": \"b\", \"email\": \"x\"}]");
    CQ_ASSERT_OK(db, cq_model_bulk_create(NULL, m.user, rows, NULL));
    assert_int_equal(vcount(db, m.user, NULL), 2);
    cq_value_free(rows);
}

static void vbody_nested_create(cq_db *db)
{
    vmodels m;
    vdefine(db, &m);
    const cq_include inc[] = { { .model = m.task }, { .model = m.company }, { 0 } };
    /* an invalid child, the last row to be written: nothing at all is written */
    CQ_ASSERT_ERR(db, CQ_EVALIDATION,
                  vcreate(m.user,
                          "{\"name\": \"ada\", \"company\": {\"name\": \"ACME\"}, \"tasks\": "
                          "[{\"title\": \"ok\"}, {\"title\": \" \"}]}",
                          &(cq_write_opts){ .include = inc }));
    vassert_items(db, "title:notEmpty:a task needs a title");
    assert_string_equal(cq_db_validation_item(db, 0)->model, "task");
    /* an invalid belongsTo target (written first) and parent */
    CQ_ASSERT_ERR(db, CQ_EVALIDATION,
                  vcreate(m.user,
                          "{\"name\": \"a\", \"company\": {\"name\": \"acme\"}, \"tasks\": "
                          "[{\"title\": \"ok\"}]}",
                          &(cq_write_opts){ .include = inc }));
    vassert_items(db, "name:isUppercase:Validation isUppercase on name failed|"
                      "name:len:Validation len on name failed");
    assert_int_equal(vcount(db, m.user, NULL), 0);
    assert_int_equal(vcount(db, m.task, NULL), 0);
    assert_int_equal(vcount(db, m.company, NULL), 0);
    /* the children's NOT NULL key is filled by the tree, not refused before */
    CQ_ASSERT_OK(db, vcreate(m.user,
                             "{\"name\": \"ada\", \"company\": {\"name\": \"ACME\"}, \"tasks\": "
                             "[{\"title\": \"ok\"}, {\"title\": \"two\"}]}",
                             &(cq_write_opts){ .include = inc }));
    assert_int_equal(vcount(db, m.user, NULL), 1);
    assert_int_equal(vcount(db, m.task, NULL), 2);
    assert_int_equal(vcount(db, m.company, NULL), 1);
    /* bulkCreate with include and validate: every row of every tree */
    cq_value *rows = cq_test_json("[{\"name\": \"bob\", \"tasks\": [{\"title\": \"t\"}]}, "
                                  "{\"name\": \"cy\", \"tasks\": [{\"title\": \"\"}]}]");
    const cq_include tasks[] = { { .model = m.task }, { 0 } };
    CQ_ASSERT_ERR(db, CQ_EVALIDATION,
                  cq_model_bulk_create(NULL, m.user, rows,
                                       &(cq_write_opts){ .include = tasks, .validate = CQ_ON }));
    vassert_items(db, "title:notEmpty:a task needs a title");
    assert_int_equal(cq_db_validation_item(db, 0)->record, 1);
    cq_value_free(rows);
    assert_int_equal(vcount(db, m.user, NULL), 1);
    assert_int_equal(vcount(db, m.task, NULL), 2);
}

#endif
