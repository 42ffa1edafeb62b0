/* Hooks (docs/hooks.md) on SQLite, PostgreSQL and MySQL: the order in which every hook runs
 * for create, save, update, destroy, restore, upsert, bulkCreate (with and without
 * individualHooks), bulk update / destroy / restore, nested create, a CASCADE destroy with
 * `hooks: true`, finders, count, sync and associate, compared with the order Sequelize 6
 * prints for the same calls (a Node script registering every hook on the same two models);
 * a hook that fails mid nested create leaves no row; hooks that change the instance, the find
 * options and the bulk values; hooks bound by name. */
#define _POSIX_C_SOURCE 200809L
#include "cq_dialects.h"

#include <stdio.h>
#include <string.h>

typedef struct trace {
    char buf[8192];
} trace;

typedef struct tag {
    trace *log;
    const char *label; /* "user", "task", "global" */
    const char *name;  /* printed instead of the event (a second hook of one event) */
} tag;

static int record(cq_hook_ctx *ctx, void *user_data)
{
    tag *t = user_data;
    size_t len = strlen(t->log->buf);
    snprintf(t->log->buf + len, sizeof t->log->buf - len, "%s.%s\n", t->label,
             t->name ? t->name : ctx->event);
    return CQ_OK;
}

/* Every event, in the order the Node script adds them. */
static const char *const events[] = { "beforeValidate",
                                      "afterValidate",
                                      "validationFailed",
                                      "beforeCreate",
                                      "afterCreate",
                                      "beforeSave",
                                      "afterSave",
                                      "beforeUpdate",
                                      "afterUpdate",
                                      "beforeDestroy",
                                      "afterDestroy",
                                      "beforeRestore",
                                      "afterRestore",
                                      "beforeUpsert",
                                      "afterUpsert",
                                      "beforeBulkCreate",
                                      "afterBulkCreate",
                                      "beforeBulkUpdate",
                                      "afterBulkUpdate",
                                      "beforeBulkDestroy",
                                      "afterBulkDestroy",
                                      "beforeBulkRestore",
                                      "afterBulkRestore",
                                      "beforeFind",
                                      "beforeFindAfterExpandIncludeAll",
                                      "beforeFindAfterOptions",
                                      "afterFind",
                                      "beforeCount",
                                      "beforeSync",
                                      "afterSync",
                                      "beforeAssociate",
                                      "afterAssociate",
                                      NULL };

/* The order Sequelize 6 printed, step by step, for the calls of test_hooks__order. */
static const char *const expected[][2] = {
    { "associate", "user.beforeAssociate\nuser.afterAssociate\n" },
    { "sync", "user.beforeSync\nuser.afterSync\ntask.beforeSync\ntask.afterSync\n" },
    { "create", "user.beforeValidate\nuser.afterValidate\nuser.beforeCreate\nuser.beforeSave\n"
                "user.beforeCreate2\nglobal.beforeCreate\nglobal.beforeCreate2\nuser.afterCreate\n"
                "user.afterSave\n" },
    { "save changed", "user.beforeValidate\nuser.afterValidate\nuser.beforeSave\n"
                      "user.beforeUpdate\nuser.beforeValidate\nuser.afterValidate\n"
                      "user.afterSave\nuser.afterUpdate\n" },
    { "save unchanged", "user.beforeValidate\nuser.afterValidate\nuser.beforeSave\n"
                        "user.beforeUpdate\nuser.beforeValidate\nuser.afterValidate\n" },
    { "update", "user.beforeValidate\nuser.afterValidate\nuser.beforeSave\nuser.beforeUpdate\n"
                "user.beforeValidate\nuser.afterValidate\nuser.afterSave\nuser.afterUpdate\n" },
    { "create invalid", "user.beforeValidate\nuser.validationFailed\n" },
    { "destroy", "user.beforeDestroy\nuser.afterDestroy\n" },
    { "restore", "user.beforeRestore\nuser.afterRestore\n" },
    { "upsert", "user.beforeValidate\nuser.afterValidate\nuser.beforeUpsert\nuser.afterUpsert\n" },
    { "bulkCreate", "user.beforeBulkCreate\nuser.afterBulkCreate\n" },
    { "bulkCreate validate", "user.beforeBulkCreate\nuser.afterBulkCreate\n" },
    { "bulkCreate individualHooks",
      "user.beforeBulkCreate\nuser.beforeCreate\nuser.beforeCreate\nuser.beforeSave\n"
      "user.beforeSave\nuser.beforeCreate2\nuser.beforeCreate2\nglobal.beforeCreate\n"
      "global.beforeCreate\nglobal.beforeCreate2\nglobal.beforeCreate2\nuser.afterCreate\n"
      "user.afterSave\nuser.afterCreate\nuser.afterSave\nuser.afterBulkCreate\n" },
    { "bulk update", "user.beforeValidate\nuser.afterValidate\nuser.beforeBulkUpdate\n"
                     "user.afterBulkUpdate\n" },
    { "bulk update individualHooks",
      "user.beforeValidate\nuser.afterValidate\nuser.beforeBulkUpdate\nuser.beforeFind\n"
      "user.beforeFindAfterExpandIncludeAll\nuser.beforeFindAfterOptions\nuser.afterFind\n"
      "user.beforeSave\nuser.beforeSave\nuser.beforeSave\nuser.beforeUpdate\nuser.beforeUpdate\n"
      "user.beforeUpdate\nuser.afterSave\nuser.afterSave\nuser.afterSave\nuser.afterUpdate\n"
      "user.afterUpdate\nuser.afterUpdate\nuser.afterBulkUpdate\n" },
    { "bulk destroy", "user.beforeBulkDestroy\nuser.afterBulkDestroy\n" },
    { "bulk restore", "user.beforeBulkRestore\nuser.afterBulkRestore\n" },
    { "bulk destroy individualHooks",
      "user.beforeBulkDestroy\nuser.beforeFind\nuser.beforeFindAfterExpandIncludeAll\n"
      "user.beforeFindAfterOptions\nuser.afterFind\nuser.beforeDestroy\nuser.beforeDestroy\n"
      "user.beforeDestroy\nuser.afterDestroy\nuser.afterDestroy\nuser.afterDestroy\n"
      "user.afterBulkDestroy\n" },
    { "bulk restore individualHooks",
      "user.beforeBulkRestore\nuser.beforeFind\nuser.beforeFindAfterExpandIncludeAll\n"
      "user.beforeFindAfterOptions\nuser.afterFind\nuser.beforeRestore\nuser.beforeRestore\n"
      "user.beforeRestore\nuser.afterRestore\nuser.afterRestore\nuser.afterRestore\n"
      "user.afterBulkRestore\n" },
    { "nested create",
      "user.beforeValidate\nuser.afterValidate\nuser.beforeCreate\nuser.beforeSave\n"
      "user.beforeCreate2\nglobal.beforeCreate\nglobal.beforeCreate2\ntask.beforeValidate\n"
      "task.beforeValidate\ntask.afterValidate\ntask.afterValidate\ntask.beforeCreate\n"
      "task.beforeCreate\ntask.beforeSave\ntask.beforeSave\nglobal.beforeCreate\n"
      "global.beforeCreate\nglobal.beforeCreate2\nglobal.beforeCreate2\ntask.afterCreate\n"
      "task.afterSave\ntask.afterCreate\ntask.afterSave\nuser.afterCreate\nuser.afterSave\n" },
    { "cascade destroy",
      "user.beforeDestroy\ntask.beforeFind\ntask.beforeFindAfterExpandIncludeAll\n"
      "task.beforeFindAfterOptions\ntask.afterFind\ntask.beforeDestroy\ntask.afterDestroy\n"
      "task.beforeDestroy\ntask.afterDestroy\nuser.afterDestroy\n" },
    { "findAll", "user.beforeFind\nuser.beforeFindAfterExpandIncludeAll\n"
                 "user.beforeFindAfterOptions\nuser.afterFind\n" },
    { "findAll include", "user.beforeFind\nuser.beforeFindAfterExpandIncludeAll\n"
                         "user.beforeFindAfterOptions\nuser.afterFind\n" },
    { "findOne", "user.beforeFind\nuser.beforeFindAfterExpandIncludeAll\n"
                 "user.beforeFindAfterOptions\nuser.afterFind\n" },
    { "findByPk", "user.beforeFind\nuser.beforeFindAfterExpandIncludeAll\n"
                  "user.beforeFindAfterOptions\nuser.afterFind\n" },
    { "count", "user.beforeCount\n" },
    { "findAndCountAll", "user.beforeCount\nuser.beforeFind\nuser.beforeFindAfterExpandIncludeAll\n"
                         "user.beforeFindAfterOptions\nuser.afterFind\n" },
    { "model sync", "task.beforeSync\ntask.afterSync\n" },
};

static size_t step_no;

static void check_step(trace *log, const char *step)
{
    assert_true(step_no < sizeof expected / sizeof expected[0]);
    assert_string_equal(expected[step_no][0], step);
    if (strcmp(log->buf, expected[step_no][1]) != 0) {
        print_error("step \"%s\": hooks ran as\n%s\nSequelize 6:\n%s\n", step, log->buf,
                    expected[step_no][1]);
        fail();
    }
    step_no++;
    log->buf[0] = '\0';
}

static cq_model *define_user(cq_db *db)
{
    cq_model *m = NULL;
    const cq_validator len[] = { { .key = "len", .args = cq_test_json("[0, 10]") }, { 0 } };
    const cq_attr attrs[] = { { .name = "name", .type = CQ_STRING, .validate = len }, { 0 } };
    CQ_ASSERT_OK(db, cq_db_define(&m, db, "user", attrs, &(cq_model_opts){ .paranoid = true }));
    cq_value_free((cq_value *)len[0].args);
    return m;
}

static cq_model *define_task(cq_db *db, bool paranoid)
{
    cq_model *m = NULL;
    const cq_attr attrs[] = { { .name = "title", .type = CQ_STRING }, { 0 } };
    CQ_ASSERT_OK(db, cq_db_define(&m, db, "task", attrs, &(cq_model_opts){ .paranoid = paranoid }));
    return m;
}

static void test_hooks__order(void **state)
{
    dx_fixture *f = *state;
    cq_db *db = f->db;
    trace log = { "" };
    tag user_tag = { &log, "user", NULL }, task_tag = { &log, "task", NULL };
    tag g1 = { &log, "global", "beforeCreate" }, g2 = { &log, "global", "beforeCreate2" };
    tag u2 = { &log, "user", "beforeCreate2" };
    step_no = 0;
    cq_model *user = define_user(db), *task = define_task(db, true);
    for (size_t i = 0; events[i]; i++) {
        CQ_ASSERT_OK(db, cq_model_add_hook(user, events[i], record, &user_tag));
        CQ_ASSERT_OK(db, cq_model_add_hook(task, events[i], record, &task_tag));
    }
    CQ_ASSERT_OK(db, cq_db_add_hook(db, "beforeCreate", record, &g1));
    CQ_ASSERT_OK(db, cq_db_add_hook(db, "beforeCreate", record, &g2));
    CQ_ASSERT_OK(db, cq_model_add_hook(user, "beforeCreate", record, &u2));

    cq_assoc *tasks = NULL;
    CQ_ASSERT_OK(db,
                 cq_model_has_many(&tasks, user, task,
                                   &(cq_assoc_opts){ .on_delete = CQ_REF_CASCADE, .hooks = true }));
    CQ_ASSERT_OK(db, cq_model_belongs_to(NULL, task, user, NULL));
    check_step(&log, "associate");
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    check_step(&log, "sync");

    cq_instance *u = NULL;
    cq_value *v = cq_test_json("{\"name\": \"ada\"}");
    CQ_ASSERT_OK(db, cq_model_create(&u, user, v, NULL));
    cq_value_free(v);
    check_step(&log, "create");
    CQ_ASSERT_OK(db, cq_instance_set(u, "name", cq_value_text("bob")));
    CQ_ASSERT_OK(db, cq_instance_save(u, NULL));
    check_step(&log, "save changed");
    CQ_ASSERT_OK(db, cq_instance_save(u, NULL));
    check_step(&log, "save unchanged");
    v = cq_test_json("{\"name\": \"cy\"}");
    CQ_ASSERT_OK(db, cq_instance_update(u, v, NULL));
    cq_value_free(v);
    check_step(&log, "update");
    v = cq_test_json("{\"name\": \"waytoolongname\"}");
    assert_int_equal(cq_model_create(NULL, user, v, NULL), CQ_EVALIDATION);
    cq_value_free(v);
    check_step(&log, "create invalid");
    CQ_ASSERT_OK(db, cq_instance_destroy(u, NULL));
    check_step(&log, "destroy");
    CQ_ASSERT_OK(db, cq_instance_restore(u, NULL));
    check_step(&log, "restore");
    cq_instance_free(u);
    v = cq_test_json("{\"id\": 1, \"name\": \"dee\"}");
    CQ_ASSERT_OK(db, cq_model_upsert(NULL, NULL, user, v, NULL));
    cq_value_free(v);
    check_step(&log, "upsert");

    v = cq_test_json("[{\"name\": \"a\"}, {\"name\": \"b\"}]");
    CQ_ASSERT_OK(db, cq_model_bulk_create(NULL, user, v, NULL));
    check_step(&log, "bulkCreate");
    cq_value *one = cq_test_json("[{\"name\": \"a\"}]");
    CQ_ASSERT_OK(db, cq_model_bulk_create(NULL, user, one, &(cq_write_opts){ .validate = CQ_ON }));
    cq_value_free(one);
    check_step(&log, "bulkCreate validate");
    CQ_ASSERT_OK(db,
                 cq_model_bulk_create(NULL, user, v, &(cq_write_opts){ .individual_hooks = true }));
    cq_value_free(v);
    check_step(&log, "bulkCreate individualHooks");

    int64_t n = 0;
    cq_value *wa = cq_test_json("{\"name\": \"a\"}"), *wb = cq_test_json("{\"name\": \"b\"}");
    cq_value *wz = cq_test_json("{\"name\": \"z\"}"), *wy = cq_test_json("{\"name\": \"y\"}");
    CQ_ASSERT_OK(db, cq_model_update(&n, user, wz, &(cq_bulk_opts){ .where = wa }));
    assert_int_equal(n, 3);
    check_step(&log, "bulk update");
    CQ_ASSERT_OK(db, cq_model_update(&n, user, wy,
                                     &(cq_bulk_opts){ .where = wz, .individual_hooks = true }));
    assert_int_equal(n, 3);
    check_step(&log, "bulk update individualHooks");
    CQ_ASSERT_OK(db, cq_model_destroy(&n, user, &(cq_bulk_opts){ .where = wb }));
    assert_int_equal(n, 2);
    check_step(&log, "bulk destroy");
    CQ_ASSERT_OK(db, cq_model_restore(&n, user, &(cq_bulk_opts){ .where = wb }));
    check_step(&log, "bulk restore");
    CQ_ASSERT_OK(
        db, cq_model_destroy(&n, user, &(cq_bulk_opts){ .where = wy, .individual_hooks = true }));
    assert_int_equal(n, 3);
    check_step(&log, "bulk destroy individualHooks");
    CQ_ASSERT_OK(
        db, cq_model_restore(&n, user, &(cq_bulk_opts){ .where = wy, .individual_hooks = true }));
    check_step(&log, "bulk restore individualHooks");
    cq_value_free(wa);
    cq_value_free(wb);
    cq_value_free(wz);

    cq_instance *p = NULL;
    v = cq_test_json("{\"name\": \"par\", \"tasks\": [{\"title\": \"t1\"}, {\"title\": \"t2\"}]}");
    const cq_include inc[] = { { .association = tasks }, { 0 } };
    CQ_ASSERT_OK(db, cq_model_create(&p, user, v, &(cq_write_opts){ .include = inc }));
    cq_value_free(v);
    check_step(&log, "nested create");
    dx_clear(f);
    CQ_ASSERT_OK(db, cq_instance_destroy(p, &(cq_write_opts){ .force = true }));
    check_step(&log, "cascade destroy");
    /* the statements v6 sends: the getter, each task's DELETE (force is passed on), the user's */
    dx_assert_count(f, 4);
    dx_assert_sql_has(f, 0, "SELECT");
    dx_assert_sql_has(f, 0, "FROM tasks AS task WHERE");
    dx_assert_sql_has(f, 1, "DELETE FROM tasks WHERE id =");
    dx_assert_sql_has(f, 2, "DELETE FROM tasks WHERE id =");
    dx_assert_sql_has(f, 3, "DELETE FROM users WHERE id =");
    cq_instance_free(p);
    CQ_ASSERT_OK(db, cq_model_count(&n, task, &(cq_find_opts){ .paranoid = CQ_OFF }));
    assert_int_equal(n, 0);
    log.buf[0] = '\0';

    cq_rows *rows = NULL;
    CQ_ASSERT_OK(db, cq_model_find_all(&rows, user, &(cq_find_opts){ .where = wy }));
    cq_rows_free(rows);
    check_step(&log, "findAll");
    CQ_ASSERT_OK(db, cq_model_find_all(&rows, user, &(cq_find_opts){ .include = inc }));
    cq_rows_free(rows);
    check_step(&log, "findAll include");
    cq_instance *got = NULL;
    CQ_ASSERT_OK(db, cq_model_find_one(&got, user, NULL));
    cq_instance_free(got);
    check_step(&log, "findOne");
    cq_value *pk = cq_value_int(1);
    CQ_ASSERT_OK(db, cq_model_find_by_pk(&got, user, pk, NULL));
    cq_value_free(pk);
    cq_instance_free(got);
    check_step(&log, "findByPk");
    CQ_ASSERT_OK(db, cq_model_count(&n, user, NULL));
    check_step(&log, "count");
    CQ_ASSERT_OK(db, cq_model_find_and_count_all(&rows, &n, user, NULL));
    cq_rows_free(rows);
    check_step(&log, "findAndCountAll");
    CQ_ASSERT_OK(db, cq_model_sync(task, NULL));
    check_step(&log, "model sync");
    assert_int_equal(step_no, sizeof expected / sizeof expected[0]);
    cq_value_free(wy);
}

/* A task's afterCreate fails on the second task: the user and both tasks were written, and
 * the nested create's transaction takes them back. */
static int fail_second(cq_hook_ctx *ctx, void *user_data)
{
    int *calls = user_data;
    if (++*calls == 2) {
        snprintf(ctx->msg, ctx->msg_size, "no second task");
        return CQ_EVALIDATION;
    }
    return CQ_OK;
}

static void test_hooks__error_mid_nested_create_leaves_no_rows(void **state)
{
    dx_fixture *f = *state;
    cq_db *db = f->db;
    cq_model *user = define_user(db), *task = define_task(db, false);
    cq_assoc *tasks = NULL;
    CQ_ASSERT_OK(db, cq_model_has_many(&tasks, user, task, NULL));
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    int calls = 0;
    CQ_ASSERT_OK(db, cq_model_add_hook(task, "afterCreate", fail_second, &calls));
    cq_value *v =
        cq_test_json("{\"name\": \"par\", \"tasks\": [{\"title\": \"t1\"}, {\"title\": \"t2\"}]}");
    const cq_include inc[] = { { .association = tasks }, { 0 } };
    cq_instance *p = NULL;
    dx_clear(f);
    assert_int_equal(cq_model_create(&p, user, v, &(cq_write_opts){ .include = inc }),
                     CQ_EVALIDATION);
    assert_null(p);
    assert_string_equal(cq_db_error(db)->message, "no second task");
    assert_int_equal(calls, 2);
    /* the three INSERTs were sent, then rolled back */
    dx_assert_count(f, 3);
    dx_assert_sql_has(f, 2, "INSERT INTO tasks");
    int64_t n = -1;
    CQ_ASSERT_OK(db, cq_model_count(&n, user, &(cq_find_opts){ .paranoid = CQ_OFF }));
    assert_int_equal(n, 0);
    CQ_ASSERT_OK(db, cq_model_count(&n, task, NULL));
    assert_int_equal(n, 0);
    cq_value_free(v);
}

/* Hooks that change what is written: beforeCreate / beforeSave set attributes, beforeUpdate
 * changes one more attribute (written too), beforeBulkUpdate changes the values. */
static int shout(cq_hook_ctx *ctx, void *user_data)
{
    (void)user_data;
    const char *name = cq_instance_text(ctx->instance, "name");
    char up[64];
    snprintf(up, sizeof up, "%s!", name ? name : "");
    return cq_instance_set(ctx->instance, "name", cq_value_text(up));
}

static int stamp_title(cq_hook_ctx *ctx, void *user_data)
{
    (void)user_data;
    return cq_instance_set(ctx->instance, "title", cq_value_text("stamped"));
}

static int bulk_values(cq_hook_ctx *ctx, void *user_data)
{
    (void)user_data;
    return cq_value_object_set(ctx->values, "title", cq_value_text("from hook"));
}

static void test_hooks__change_instance_and_values(void **state)
{
    dx_fixture *f = *state;
    cq_db *db = f->db;
    cq_model *task = NULL;
    const cq_attr attrs[] = { { .name = "name", .type = CQ_STRING },
                              { .name = "title", .type = CQ_STRING },
                              { 0 } };
    CQ_ASSERT_OK(
        db, cq_db_define(&task, db, "task", attrs,
                         &(cq_model_opts){ .timestamps = CQ_OFF,
                                           .hooks = (cq_hook[]){
                                               { .event = "beforeSave", .fn = shout }, { 0 } } }));
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    cq_instance *t = NULL;
    cq_value *v = cq_test_json("{\"name\": \"a\"}");
    CQ_ASSERT_OK(db, cq_model_create(&t, task, v, NULL));
    cq_value_free(v);
    assert_string_equal(cq_instance_text(t, "name"), "a!");
    /* an update: the hook's own change to title is written with the name */
    CQ_ASSERT_OK(db, cq_model_add_hook(task, "beforeUpdate", stamp_title, NULL));
    CQ_ASSERT_OK(db, cq_instance_set(t, "name", cq_value_text("b")));
    CQ_ASSERT_OK(db, cq_instance_save(t, NULL));
    cq_instance_free(t);
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(db, cq_model_find_all(&rows, task, NULL));
    dx_assert_rows(rows, "[{\"id\":1,\"name\":\"b!\",\"title\":\"stamped\"}]");
    cq_rows_free(rows);
    /* removed hooks no longer run */
    CQ_ASSERT_OK(db, cq_model_remove_hook(task, "beforeSave", shout, NULL));
    CQ_ASSERT_OK(db, cq_model_remove_hook(task, "beforeUpdate", stamp_title, NULL));
    assert_int_equal(cq_model_remove_hook(task, "beforeUpdate", stamp_title, NULL), CQ_ENOTFOUND);
    CQ_ASSERT_OK(db, cq_model_add_hook(task, "beforeBulkUpdate", bulk_values, NULL));
    int64_t n = 0;
    v = cq_test_json("{\"name\": \"c\"}");
    CQ_ASSERT_OK(db, cq_model_update(&n, task, v, &(cq_bulk_opts){ .where = CQ_EMPTY_OBJECT }));
    cq_value_free(v);
    assert_int_equal(n, 1);
    CQ_ASSERT_OK(db, cq_model_find_all(&rows, task, NULL));
    dx_assert_rows(rows, "[{\"id\":1,\"name\":\"c\",\"title\":\"from hook\"}]");
    cq_rows_free(rows);
}

/* beforeFind narrows the where and the limit; beforeBulkDestroy replaces the where. */
static int only_b(cq_hook_ctx *ctx, void *user_data)
{
    (void)user_data;
    ctx->find->limit = 1;
    return cq_hook_set_where(ctx, cq_test_json("{\"name\": {\"$gte\": \"b\"}}"));
}

static int destroy_c_only(cq_hook_ctx *ctx, void *user_data)
{
    (void)user_data;
    return cq_hook_set_where(ctx, cq_test_json("{\"name\": \"c\"}"));
}

static void test_hooks__change_find_and_bulk_options(void **state)
{
    dx_fixture *f = *state;
    cq_db *db = f->db;
    cq_model *task = define_task(db, false);
    (void)task;
    cq_model *item = NULL;
    const cq_attr attrs[] = { { .name = "name", .type = CQ_STRING }, { 0 } };
    CQ_ASSERT_OK(db,
                 cq_db_define(&item, db, "item", attrs, &(cq_model_opts){ .timestamps = CQ_OFF }));
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    cq_value *v = cq_test_json("[{\"name\": \"a\"}, {\"name\": \"b\"}, {\"name\": \"c\"}]");
    CQ_ASSERT_OK(db, cq_model_bulk_create(NULL, item, v, NULL));
    cq_value_free(v);
    CQ_ASSERT_OK(db, cq_model_add_hook(item, "beforeFind", only_b, NULL));
    cq_rows *rows = NULL;
    const cq_order by_name[] = { { .attr = "name" }, { 0 } };
    CQ_ASSERT_OK(db, cq_model_find_all(&rows, item, &(cq_find_opts){ .order = by_name }));
    dx_assert_rows(rows, "[{\"id\":2,\"name\":\"b\"}]");
    cq_rows_free(rows);
    CQ_ASSERT_OK(db, cq_model_add_hook(item, "beforeBulkDestroy", destroy_c_only, NULL));
    int64_t n = 0;
    CQ_ASSERT_OK(db, cq_model_destroy(&n, item, &(cq_bulk_opts){ .where = CQ_EMPTY_OBJECT }));
    assert_int_equal(n, 1);
    CQ_ASSERT_OK(db, cq_model_remove_hook(item, "beforeFind", only_b, NULL));
    CQ_ASSERT_OK(db, cq_model_find_all(&rows, item, &(cq_find_opts){ .order = by_name }));
    dx_assert_rows(rows, "[{\"id\":1,\"name\":\"a\"},{\"id\":2,\"name\":\"b\"}]");
    cq_rows_free(rows);
}

/* A paranoid child of a CASCADE + hooks association is soft deleted one by one before the
 * parent's DELETE, a hasOne child deleted (the statements Sequelize 6 sends); without
 * `hooks`, only the parent's DELETE is sent. */
static void test_hooks__cascade_soft_deletes_children(void **state)
{
    dx_fixture *f = *state;
    cq_db *db = f->db;
    cq_model *project = NULL, *item = NULL, *note = NULL;
    const cq_attr pa[] = { { .name = "name", .type = CQ_STRING }, { 0 } };
    const cq_attr ia[] = { { .name = "title", .type = CQ_STRING }, { 0 } };
    const cq_attr na[] = { { .name = "body", .type = CQ_STRING }, { 0 } };
    CQ_ASSERT_OK(
        db, cq_db_define(&project, db, "project", pa, &(cq_model_opts){ .timestamps = CQ_OFF }));
    CQ_ASSERT_OK(db, cq_db_define(&item, db, "item", ia, &(cq_model_opts){ .paranoid = true }));
    CQ_ASSERT_OK(db, cq_db_define(&note, db, "note", na, &(cq_model_opts){ .timestamps = CQ_OFF }));
    cq_assoc *items = NULL, *notes = NULL;
    CQ_ASSERT_OK(db,
                 cq_model_has_many(&items, project, item,
                                   &(cq_assoc_opts){ .on_delete = CQ_REF_CASCADE, .hooks = true }));
    CQ_ASSERT_OK(db,
                 cq_model_has_one(&notes, project, note,
                                  &(cq_assoc_opts){ .on_delete = CQ_REF_CASCADE, .hooks = true }));
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    trace log = { "" };
    tag it = { &log, "item", NULL }, nt = { &log, "note", NULL }, pt = { &log, "project", NULL };
    const char *ev[] = { "beforeDestroy", "afterDestroy" };
    for (size_t i = 0; i < 2; i++) {
        CQ_ASSERT_OK(db, cq_model_add_hook(item, ev[i], record, &it));
        CQ_ASSERT_OK(db, cq_model_add_hook(note, ev[i], record, &nt));
        CQ_ASSERT_OK(db, cq_model_add_hook(project, ev[i], record, &pt));
    }
    cq_value *v = cq_test_json("{\"name\": \"p\", \"items\": [{\"title\": \"a\"}, {\"title\": "
                               "\"b\"}], \"note\": {\"body\": \"n\"}}");
    const cq_include inc[] = { { .association = items }, { .association = notes }, { 0 } };
    cq_instance *p = NULL;
    CQ_ASSERT_OK(db, cq_model_create(&p, project, v, &(cq_write_opts){ .include = inc }));
    cq_value_free(v);
    dx_clear(f);
    CQ_ASSERT_OK(db, cq_instance_destroy(p, NULL));
    cq_instance_free(p);
    assert_string_equal(log.buf, "project.beforeDestroy\nitem.beforeDestroy\nitem.afterDestroy\n"
                                 "item.beforeDestroy\nitem.afterDestroy\nnote.beforeDestroy\n"
                                 "note.afterDestroy\nproject.afterDestroy\n");
    dx_assert_count(f, 6);
    dx_assert_sql_has(f, 0, "FROM items AS item WHERE");
    dx_assert_sql_has(f, 1, "UPDATE items SET deletedAt=");
    dx_assert_sql_has(f, 2, "UPDATE items SET deletedAt=");
    dx_assert_sql_has(f, 3, "FROM notes AS note WHERE");
    dx_assert_sql_has(f, 4, "DELETE FROM notes WHERE id =");
    dx_assert_sql_has(f, 5, "DELETE FROM projects WHERE id =");
}

/* Hooks named in the model options are bound by name; an unbound one is listed, and fails
 * the operation with a message naming it. */
static int count_hook(cq_hook_ctx *ctx, void *user_data)
{
    (void)ctx;
    ++*(int *)user_data;
    return CQ_OK;
}

static void test_hooks__bound_by_name(void **state)
{
    dx_fixture *f = *state;
    cq_db *db = f->db;
    cq_model *item = NULL;
    const cq_attr attrs[] = { { .name = "name", .type = CQ_STRING }, { 0 } };
    const cq_hook hooks[] = { { .event = "beforeCreate", .bound = "audit" }, { 0 } };
    CQ_ASSERT_OK(db, cq_db_define(&item, db, "item", attrs,
                                  &(cq_model_opts){ .timestamps = CQ_OFF, .hooks = hooks }));
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    const char *model = NULL, *event = NULL;
    assert_string_equal(cq_db_unbound_hook(db, 0, &model, &event), "audit");
    assert_string_equal(model, "item");
    assert_string_equal(event, "beforeCreate");
    assert_null(cq_db_unbound_hook(db, 1, NULL, NULL));
    cq_value *v = cq_test_json("{\"name\": \"a\"}");
    assert_int_equal(cq_model_create(NULL, item, v, NULL), CQ_EINVALID);
    assert_string_equal(cq_db_error(db)->message,
                        "hook \"audit\" (beforeCreate of \"item\") is not bound: call "
                        "cq_db_bind_hook()");
    int64_t n = -1;
    CQ_ASSERT_OK(db, cq_model_count(&n, item, NULL));
    assert_int_equal(n, 0);
    int calls = 0;
    CQ_ASSERT_OK(db, cq_db_bind_hook(db, "audit", count_hook, &calls));
    assert_true(cq_db_is_hook_bound(db, "audit"));
    assert_null(cq_db_unbound_hook(db, 0, NULL, NULL));
    CQ_ASSERT_OK(db, cq_model_create(NULL, item, v, NULL));
    assert_int_equal(calls, 1);
    /* hooks: false */
    CQ_ASSERT_OK(db, cq_model_create(NULL, item, v, &(cq_write_opts){ .hooks = CQ_OFF }));
    assert_int_equal(calls, 1);
    cq_value_free(v);
    assert_int_equal(cq_model_add_hook(item, "beforeFrobnicate", count_hook, NULL), CQ_EINVALID);
    assert_false(cq_hook_event_is_valid("afterFrobnicate"));
    assert_true(cq_hook_event_is_valid("beforeFindAfterExpandIncludeAll"));
}

static cq_model *define_plain(cq_db *db, const char *name, const char *attr)
{
    cq_model *m = NULL;
    const cq_attr attrs[] = { { .name = attr, .type = CQ_STRING }, { 0 } };
    CQ_ASSERT_OK(db, cq_db_define(&m, db, name, attrs, &(cq_model_opts){ .timestamps = CQ_OFF }));
    return m;
}

static void expect_log(trace *log, const char *what, const char *want)
{
    if (strcmp(log->buf, want) != 0) {
        print_error("%s: hooks ran as\n%s\nexpected:\n%s\n", what, log->buf, want);
        fail();
    }
    log->buf[0] = '\0';
}

/* instance.validate() runs the validation hooks (v6 `hooks: true` by default); the join
 * rows of addX / setX / removeX go through the join model's finders, bulkCreate, bulk update
 * and bulk destroy with their hooks; bulkCreate with include runs each included model's
 * bulkCreate hooks. The orders are what Sequelize 6 prints for the same calls (its
 * concurrent parts excepted, noted below), with the rows read back. */
static void test_hooks__validate_join_rows_and_bulk_include(void **state)
{
    dx_fixture *f = *state;
    cq_db *db = f->db;
    trace log = { "" };
    cq_model *user = NULL;
    const cq_validator len[] = { { .key = "len", .args = cq_test_json("[0, 10]") }, { 0 } };
    const cq_attr uattrs[] = { { .name = "name", .type = CQ_STRING, .validate = len }, { 0 } };
    CQ_ASSERT_OK(db,
                 cq_db_define(&user, db, "user", uattrs, &(cq_model_opts){ .timestamps = CQ_OFF }));
    cq_value_free((cq_value *)len[0].args);
    cq_model *co = define_plain(db, "company", "name"), *task = define_plain(db, "task", "title");
    cq_model *tagm = define_plain(db, "tag", "name"), *ut = define_plain(db, "ut", "note");
    cq_assoc *tags = NULL;
    CQ_ASSERT_OK(db, cq_model_belongs_to(NULL, user, co, NULL));
    CQ_ASSERT_OK(db, cq_model_has_many(NULL, user, task, NULL));
    CQ_ASSERT_OK(
        db, cq_model_belongs_to_many(&tags, user, tagm, &(cq_assoc_opts){ .through_model = ut }));
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    tag tu = { &log, "user", NULL }, tc = { &log, "company", NULL }, tt = { &log, "task", NULL };
    tag tg = { &log, "tag", NULL }, tj = { &log, "ut", NULL };
    for (size_t i = 0; events[i]; i++) {
        CQ_ASSERT_OK(db, cq_model_add_hook(user, events[i], record, &tu));
        CQ_ASSERT_OK(db, cq_model_add_hook(co, events[i], record, &tc));
        CQ_ASSERT_OK(db, cq_model_add_hook(task, events[i], record, &tt));
        CQ_ASSERT_OK(db, cq_model_add_hook(tagm, events[i], record, &tg));
        CQ_ASSERT_OK(db, cq_model_add_hook(ut, events[i], record, &tj));
    }

    /* instance.validate() */
    cq_instance *u = NULL;
    cq_value *v = cq_test_json("{\"name\": \"ok\"}");
    CQ_ASSERT_OK(db, cq_model_build(&u, user, v));
    cq_value_free(v);
    CQ_ASSERT_OK(db, cq_instance_validate(u, NULL));
    expect_log(&log, "validate", "user.beforeValidate\nuser.afterValidate\n");
    CQ_ASSERT_OK(db, cq_instance_validate(u, &(cq_validate_opts){ .hooks = CQ_OFF }));
    expect_log(&log, "validate hooks: false", "");
    CQ_ASSERT_OK(db, cq_instance_set(u, "name", cq_value_text("waytoolongname")));
    CQ_ASSERT_ERR(db, CQ_EVALIDATION, cq_instance_validate(u, NULL));
    expect_log(&log, "validate failing", "user.beforeValidate\nuser.validationFailed\n");
    cq_instance_free(u);

    /* join rows */
    const cq_write_opts quiet = { .hooks = CQ_OFF };
    cq_instance *t1 = NULL, *t2 = NULL;
    v = cq_test_json("{\"name\": \"ann\"}");
    CQ_ASSERT_OK(db, cq_model_create(&u, user, v, &quiet));
    cq_value_free(v);
    v = cq_test_json("{\"name\": \"t1\"}");
    CQ_ASSERT_OK(db, cq_model_create(&t1, tagm, v, &quiet));
    cq_value_free(v);
    v = cq_test_json("{\"name\": \"t2\"}");
    CQ_ASSERT_OK(db, cq_model_create(&t2, tagm, v, &quiet));
    cq_value_free(v);
    log.buf[0] = '\0';
    const char *find = "ut.beforeFind\nut.beforeFindAfterExpandIncludeAll\n"
                       "ut.beforeFindAfterOptions\nut.afterFind\n";
    char want[1024];
    CQ_ASSERT_OK(db, cq_assoc_add_instance(u, tags, t1, NULL));
    snprintf(want, sizeof want, "%sut.beforeBulkCreate\nut.afterBulkCreate\n", find);
    expect_log(&log, "addTag", want);
    v = cq_test_json("{\"note\": \"n\"}");
    CQ_ASSERT_OK(db, cq_assoc_add_instance(u, tags, t1, &(cq_assoc_write_opts){ .through = v }));
    cq_value_free(v);
    snprintf(want, sizeof want,
             "%sut.beforeValidate\nut.afterValidate\nut.beforeBulkUpdate\nut.afterBulkUpdate\n",
             find);
    expect_log(&log, "addTag with through values", want);
    /* v6 runs the DELETE and the INSERT at the same time (beforeBulkDestroy,
     * beforeBulkCreate, afterBulkDestroy, afterBulkCreate); cequel one after the other */
    CQ_ASSERT_OK(db, cq_assoc_set_instance(u, tags, t2, NULL));
    snprintf(want, sizeof want,
             "%sut.beforeBulkDestroy\nut.afterBulkDestroy\nut.beforeBulkCreate\n"
             "ut.afterBulkCreate\n",
             find);
    expect_log(&log, "setTags", want);
    cq_value *rows = NULL;
    CQ_ASSERT_OK(db, cq_db_query(&rows, db, "SELECT COUNT(*) AS n FROM uts", NULL, NULL));
    assert_int_equal(cq_value_as_int(cq_value_object_get(cq_value_array_get(rows, 0), "n")), 1);
    cq_value_free(rows);
    CQ_ASSERT_OK(db, cq_assoc_remove_instance(u, tags, t2, NULL));
    expect_log(&log, "removeTag", "ut.beforeBulkDestroy\nut.afterBulkDestroy\n");
    CQ_ASSERT_OK(db, cq_db_query(&rows, db, "SELECT COUNT(*) AS n FROM uts", NULL, NULL));
    assert_int_equal(cq_value_as_int(cq_value_object_get(cq_value_array_get(rows, 0), "n")), 0);
    cq_value_free(rows);
    cq_instance_free(t1);
    cq_instance_free(t2);
    cq_instance_free(u);

    /* bulkCreate with include: v6 prints user.beforeBulkCreate, company.beforeBulkCreate,
     * company.afterBulkCreate, (users), task.beforeBulkCreate, tag.beforeBulkCreate,
     * task.afterBulkCreate, tag.afterBulkCreate, ut.beforeBulkCreate, ut.afterBulkCreate,
     * user.afterBulkCreate: its includes run at the same time, cequel's one by one */
    v = cq_test_json("[{\"name\": \"a\", \"company\": {\"name\": \"c\"}, \"tasks\": [{\"title\": "
                     "\"x\"}, {\"title\": \"y\"}], \"tags\": [{\"name\": \"g\"}]},"
                     " {\"name\": \"b\", \"tasks\": [{\"title\": \"z\"}]}]");
    const cq_include inc[] = { { .model = co }, { .model = task }, { .model = tagm }, { 0 } };
    cq_rows *made = NULL;
    CQ_ASSERT_OK(db, cq_model_bulk_create(&made, user, v, &(cq_write_opts){ .include = inc }));
    cq_value_free(v);
    expect_log(&log, "bulkCreate with include",
               "user.beforeBulkCreate\ncompany.beforeBulkCreate\ncompany.afterBulkCreate\n"
               "task.beforeBulkCreate\ntask.afterBulkCreate\ntag.beforeBulkCreate\n"
               "tag.afterBulkCreate\nut.beforeBulkCreate\nut.afterBulkCreate\n"
               "user.afterBulkCreate\n");
    cq_rows_free(made);
    CQ_ASSERT_OK(db, cq_db_query(&rows, db,
                                 "SELECT (SELECT COUNT(*) FROM users) AS u, (SELECT COUNT(*) FROM "
                                 "tasks) AS t, (SELECT COUNT(*) FROM uts) AS j, (SELECT COUNT(*) "
                                 "FROM companies) AS c",
                                 NULL, NULL));
    const cq_value *r0 = cq_value_array_get(rows, 0);
    assert_int_equal(cq_value_as_int(cq_value_object_get(r0, "u")), 3);
    assert_int_equal(cq_value_as_int(cq_value_object_get(r0, "t")), 3);
    assert_int_equal(cq_value_as_int(cq_value_object_get(r0, "j")), 1);
    assert_int_equal(cq_value_as_int(cq_value_object_get(r0, "c")), 1);
    cq_value_free(rows);
    /* hooks: false runs none of them */
    v = cq_test_json("[{\"name\": \"d\", \"tags\": [{\"name\": \"h\"}]}]");
    CQ_ASSERT_OK(db, cq_model_bulk_create(NULL, user, v,
                                          &(cq_write_opts){ .include = inc, .hooks = CQ_OFF }));
    cq_value_free(v);
    expect_log(&log, "bulkCreate with include, hooks: false", "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_hooks__order, dx_setup, dx_teardown),
        cmocka_unit_test_setup_teardown(test_hooks__error_mid_nested_create_leaves_no_rows,
                                        dx_setup, dx_teardown),
        cmocka_unit_test_setup_teardown(test_hooks__change_instance_and_values, dx_setup,
                                        dx_teardown),
        cmocka_unit_test_setup_teardown(test_hooks__change_find_and_bulk_options, dx_setup,
                                        dx_teardown),
        cmocka_unit_test_setup_teardown(test_hooks__cascade_soft_deletes_children, dx_setup,
                                        dx_teardown),
        cmocka_unit_test_setup_teardown(test_hooks__bound_by_name, dx_setup, dx_teardown),
        cmocka_unit_test_setup_teardown(test_hooks__validate_join_rows_and_bulk_include, dx_setup,
                                        dx_teardown),
    };
    return DX_RUN("test_hooks", tests);
}
