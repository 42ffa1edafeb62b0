/* Integration tests for belongsToMany accessors, join-row data and n:m scopes, read back from
 * the database, with the statements each call issues (spec/associations.md sections 5 and 6.3;
 * DEVIATIONS D1, D16). */
#define _POSIX_C_SOURCE 200809L
#include "cq_test.h"

#include <stdlib.h>
#include <string.h>

#include "cq_fixture.h"

static const cq_order by_id[] = { { .attr = "id" }, { 0 } };

static void assert_get_names(cq_db *db, cq_instance *src, const cq_assoc *a, const char *attr,
                             const char *expected)
{
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(db, cq_assoc_get(&rows, src, a, &(cq_find_opts){ .order = by_id }));
    fx_assert_names(db, rows, attr, expected);
    cq_rows_free(rows);
}

static cq_target t_of(cq_instance *inst)
{
    return (cq_target){ .instance = inst };
}

/* toJSON of rows without timestamps (also inside join rows). */
static void assert_rows_json(cq_db *db, const cq_rows *rows, const char *expected)
{
    cq_value *v = NULL;
    CQ_ASSERT_OK(db, cq_rows_to_value(&v, rows));
    for (size_t i = 0; i < cq_value_size(v); i++) {
        cq_value *o = cq_value_array_get(v, i);
        cq_value_object_remove(o, "createdAt");
        cq_value_object_remove(o, "updatedAt");
        for (size_t k = 0; k < cq_value_size(o); k++) {
            cq_value *inner = cq_value_object_value(o, k);
            if (cq_value_type_of(inner) == CQ_VALUE_OBJECT) {
                cq_value_object_remove(inner, "createdAt");
                cq_value_object_remove(inner, "updatedAt");
            }
        }
    }
    cq_test_assert_json(v, expected);
    cq_value_free(v);
}

/* ---- Project/Task through 'project_tasks' (seed 000, scenario 31) -------------------- */

typedef struct pt {
    cq_model *project, *task;
    cq_assoc *tasks, *projects;
    cq_instance *p, *t1, *t2;
} pt;

static void pt_setup(fixture *f, pt *x)
{
    const cq_attr task_attrs[] = {
        { .name = "title", .type = CQ_STRING },
        { .name = "effort", .type = CQ_INTEGER },
        { 0 },
    };
    memset(x, 0, sizeof *x);
    x->project = fx_define(f->db, "project", fx_name_attrs);
    x->task = fx_define(f->db, "task", task_attrs);
    CQ_ASSERT_OK(f->db, cq_model_belongs_to_many(&x->tasks, x->project, x->task,
                                                 &(cq_assoc_opts){ .through = "project_tasks" }));
    CQ_ASSERT_OK(f->db, cq_model_belongs_to_many(&x->projects, x->task, x->project,
                                                 &(cq_assoc_opts){ .through = "project_tasks" }));
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    x->p = fx_create(f->db, x->project, "{\"name\":\"p\"}");
    x->t1 = fx_create(f->db, x->task, "{\"title\":\"t1\",\"effort\":3}");
    x->t2 = fx_create(f->db, x->task, "{\"title\":\"t2\",\"effort\":8}");
    fx_clear_sql(f);
}

static void pt_free(pt *x)
{
    cq_instance_free(x->t2);
    cq_instance_free(x->t1);
    cq_instance_free(x->p);
}

static void test_assoc_btm__scenario_31_set_remove_add(void **state)
{
    fixture *f = *state;
    pt x;
    pt_setup(f, &x);
    cq_target both[] = { t_of(x.t1), t_of(x.t2) };

    CQ_ASSERT_OK(f->db, cq_assoc_set(x.p, x.tasks, both, 2, NULL));
    fx_assert_sql(f, 2,
                  SQL("SELECT ", "INSERT INTO `project_tasks` (`createdAt`,`updatedAt`,"
                                 "`projectId`,`taskId`) VALUES (?,?,?,?),(?,?,?,?);"));
    assert_get_names(f->db, x.p, x.tasks, "title", "t1,t2");

    cq_value *where = cq_test_json("{\"effort\":{\"$gt\":5}}");
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(f->db, cq_assoc_get(&rows, x.p, x.tasks, &(cq_find_opts){ .where = where }));
    cq_value_free(where);
    fx_assert_names(f->db, rows, "title", "t2");
    cq_rows_free(rows);

    /* attributes: the key is read for the join but not exposed; the join row is */
    CQ_ASSERT_OK(f->db,
                 cq_assoc_get(&rows, x.p, x.tasks,
                              &(cq_find_opts){ .attributes = (const char *[]){ "title", NULL },
                                               .order = by_id }));
    assert_rows_json(f->db, rows,
                     "[{\"title\":\"t1\",\"project_tasks\":{\"projectId\":1,\"taskId\":1}},"
                     "{\"title\":\"t2\",\"project_tasks\":{\"projectId\":1,\"taskId\":2}}]");
    cq_rows_free(rows);

    /* DEVIATIONS D1: the seed's getTasks({where: 'id > 10'}) */
    CQ_ASSERT_OK(f->db,
                 cq_assoc_get(&rows, x.p, x.tasks, &(cq_find_opts){ .where_sql = "id > 10" }));
    assert_int_equal(cq_rows_count(rows), 0);
    cq_rows_free(rows);
    cq_value *params = cq_test_json("[1]");
    CQ_ASSERT_OK(f->db, cq_assoc_get(&rows, x.p, x.tasks,
                                     &(cq_find_opts){ .where_sql = "`task`.`id` > ?",
                                                      .where_params = params }));
    cq_value_free(params);
    fx_assert_names(f->db, rows, "title", "t2");
    cq_rows_free(rows);
    fx_clear_sql(f);

    CQ_ASSERT_OK(f->db, cq_assoc_set(x.p, x.tasks, &(cq_target){ .instance = x.t2 }, 1, NULL));
    fx_assert_sql(f, 2,
                  SQL("SELECT ", "DELETE FROM `project_tasks` WHERE (`projectId` = ? AND "
                                 "`taskId` IN (?));"));
    assert_get_names(f->db, x.p, x.tasks, "title", "t2");
    fx_clear_sql(f);
    CQ_ASSERT_OK(f->db, cq_assoc_set(x.p, x.tasks, NULL, 0, NULL));
    fx_assert_sql(f, 2, SQL("SELECT ", "DELETE FROM `project_tasks` WHERE "));
    assert_get_names(f->db, x.p, x.tasks, "title", "");
    CQ_ASSERT_OK(f->db, cq_assoc_set(x.p, x.tasks, both, 2, NULL));
    fx_clear_sql(f);
    CQ_ASSERT_OK(f->db, cq_assoc_remove(x.p, x.tasks, &(cq_target){ .instance = x.t1 }, 1, NULL));
    fx_assert_sql(f, 1,
                  SQL("DELETE FROM `project_tasks` WHERE (`projectId` = ? AND `taskId` IN (?));"));
    assert_get_names(f->db, x.p, x.tasks, "title", "t2");
    fx_clear_sql(f);
    CQ_ASSERT_OK(f->db, cq_assoc_add(x.p, x.tasks, &(cq_target){ .instance = x.t1 }, 1, NULL));
    fx_assert_sql(f, 2, SQL("SELECT ", "INSERT INTO `project_tasks` "));
    assert_get_names(f->db, x.p, x.tasks, "title", "t1,t2");
    /* the reverse side, null clears */
    CQ_ASSERT_OK(f->db, cq_assoc_set(x.t2, x.projects, NULL, 0, NULL));
    assert_get_names(f->db, x.p, x.tasks, "title", "t1");
    fx_assert_rows(f->db, "SELECT projectId, taskId FROM project_tasks",
                   "[{\"projectId\":1,\"taskId\":1}]");
    pt_free(&x);
}

/* add of several targets: one SELECT of the existing join rows, one multi-row INSERT of the
 * missing ones; adding what exists issues only the SELECT. */
static void test_assoc_btm__add_statement_shapes(void **state)
{
    fixture *f = *state;
    pt x;
    pt_setup(f, &x);
    cq_instance *t3 = fx_create(f->db, x.task, "{\"title\":\"t3\"}");
    CQ_ASSERT_OK(f->db, cq_assoc_add(x.p, x.tasks, &(cq_target){ .instance = x.t1 }, 1, NULL));
    fx_clear_sql(f);

    cq_value *k3 = cq_value_int(3);
    cq_target three[] = { t_of(x.t1), t_of(x.t2), { .key = k3 } };
    CQ_ASSERT_OK(f->db, cq_assoc_add(x.p, x.tasks, three, 3, NULL));
    cq_value_free(k3);
    fx_assert_sql(f, 2,
                  SQL("SELECT `createdAt`, `updatedAt`, "
                      "`projectId`, `taskId` FROM "
                      "`project_tasks` AS `project_tasks` WHERE (`project_tasks`.`projectId` = ? "
                      "AND `project_tasks`.`taskId` IN (?, ?, ?));",
                      "INSERT INTO `project_tasks` (`createdAt`,`updatedAt`,`projectId`,"
                      "`taskId`) VALUES (?,?,?,?),(?,?,?,?);"));
    CQ_ASSERT_OK(f->db, cq_assoc_add(x.p, x.tasks, three, 2, NULL));
    fx_assert_sql(f, 1, SQL("SELECT "));
    fx_assert_rows(
        f->db, "SELECT projectId, taskId FROM project_tasks ORDER BY taskId",
        "[{\"projectId\":1,\"taskId\":1},{\"projectId\":1,\"taskId\":2},{\"projectId\":1,"
        "\"taskId\":3}]");
    cq_instance_free(t3);
    pt_free(&x);
}

/* has / hasAll and count (seed walkthrough; scenario 33). */
static void test_assoc_btm__has_and_count(void **state)
{
    fixture *f = *state;
    pt x;
    pt_setup(f, &x);
    bool has = true;
    int64_t n = -1;

    CQ_ASSERT_OK(f->db,
                 cq_assoc_has(&has, x.p, x.tasks, &(cq_target){ .instance = x.t1 }, 1, NULL));
    assert_false(has);
    CQ_ASSERT_OK(f->db, cq_assoc_add(x.p, x.tasks, &(cq_target){ .instance = x.t1 }, 1, NULL));
    CQ_ASSERT_OK(f->db,
                 cq_assoc_has(&has, x.p, x.tasks, &(cq_target){ .instance = x.t1 }, 1, NULL));
    assert_true(has);
    cq_target both[] = { t_of(x.t1), t_of(x.t2) };
    CQ_ASSERT_OK(f->db, cq_assoc_has(&has, x.p, x.tasks, both, 2, NULL));
    assert_false(has);
    CQ_ASSERT_OK(f->db, cq_assoc_set(x.p, x.tasks, both, 2, NULL));
    CQ_ASSERT_OK(f->db, cq_assoc_has(&has, x.p, x.tasks, both, 2, NULL));
    assert_true(has);
    /* duplicates are fine for belongsToMany; raw keys too; [] is true */
    cq_value *one = cq_value_int(1);
    cq_target dup[] = { t_of(x.t1), { .key = one } };
    CQ_ASSERT_OK(f->db, cq_assoc_has(&has, x.p, x.tasks, dup, 2, NULL));
    cq_value_free(one);
    assert_true(has);
    CQ_ASSERT_OK(f->db, cq_assoc_has(&has, x.p, x.tasks, NULL, 0, NULL));
    assert_true(has);
    /* associations.md 5.6: the target key only, the keys ORed */
    fx_clear_sql(f);
    CQ_ASSERT_OK(f->db, cq_assoc_has(&has, x.p, x.tasks, both, 2, NULL));
    fx_assert_sql(f, 1,
                  SQL("SELECT `task`.`id` FROM `tasks` AS `task` INNER JOIN `project_tasks` AS "
                      "`project_tasks` ON (`task`.`id` = `project_tasks`.`taskId` AND "
                      "`project_tasks`.`projectId` = ?) WHERE (`task`.`id` = ? OR `task`.`id` = "
                      "?);"));
    CQ_ASSERT_OK(f->db, cq_assoc_count(&n, x.p, x.tasks, NULL));
    assert_int_equal(n, 2);
    fx_assert_sql(f, 1,
                  SQL("SELECT COUNT(`task`.`id`) AS `count` FROM `tasks` AS `task` INNER JOIN "
                      "`project_tasks` AS `project_tasks` ON "));
    cq_value *where = cq_test_json("{\"title\":\"t2\"}");
    CQ_ASSERT_OK(f->db, cq_assoc_count(&n, x.p, x.tasks, &(cq_find_opts){ .where = where }));
    cq_value_free(where);
    assert_int_equal(n, 1);
    CQ_ASSERT_OK(f->db, cq_assoc_count(&n, x.t1, x.projects, NULL));
    assert_int_equal(n, 1);
    pt_free(&x);
}

/* createX: INSERT the target, then SELECT + INSERT of the join row. */
static void test_assoc_btm__create(void **state)
{
    fixture *f = *state;
    pt x;
    pt_setup(f, &x);
    cq_value *v = cq_test_json("{\"title\":\"t3\"}");
    cq_instance *t3 = NULL;

    CQ_ASSERT_OK(f->db, cq_assoc_create(&t3, x.p, x.tasks, v, NULL));
    cq_value_free(v);
    fx_assert_sql(f, 3, SQL("INSERT INTO `tasks` ", "SELECT ", "INSERT INTO `project_tasks` "));
    assert_int_equal(fx_int_attr(f->db, t3, "id"), 3);
    fx_assert_rows(f->db, "SELECT projectId, taskId FROM project_tasks",
                   "[{\"projectId\":1,\"taskId\":3}]");
    cq_instance_free(t3);
    pt_free(&x);
}

/* ---- join-row data: User/Project through userProjects{status} ------------------------ */

typedef struct up {
    cq_model *user, *project, *join;
    cq_assoc *projects, *users;
    cq_instance *u, *p[4]; /* p[1..3] */
} up;

static void up_setup(fixture *f, up *x, bool own_id)
{
    const cq_attr join_attrs[] = {
        { .name = "status", .type = CQ_STRING },
        { .name = "note", .type = CQ_STRING },
        { 0 },
    };
    const cq_attr join_attrs_id[] = {
        { .name = "id", .type = CQ_INTEGER, .primary_key = true, .auto_increment = true },
        { .name = "status", .type = CQ_STRING },
        { .name = "note", .type = CQ_STRING },
        { 0 },
    };
    memset(x, 0, sizeof *x);
    x->user = fx_define(f->db, "user", fx_name_attrs);
    x->project = fx_define(f->db, "project", fx_name_attrs);
    x->join = fx_define(f->db, "userProjects", own_id ? join_attrs_id : join_attrs);
    CQ_ASSERT_OK(f->db, cq_model_belongs_to_many(&x->projects, x->user, x->project,
                                                 &(cq_assoc_opts){ .through_model = x->join }));
    CQ_ASSERT_OK(f->db, cq_model_belongs_to_many(&x->users, x->project, x->user,
                                                 &(cq_assoc_opts){ .through_model = x->join }));
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    x->u = fx_create(f->db, x->user, "{\"name\":\"u\"}");
    x->p[1] = fx_create(f->db, x->project, "{\"name\":\"p1\"}");
    x->p[2] = fx_create(f->db, x->project, "{\"name\":\"p2\"}");
    x->p[3] = fx_create(f->db, x->project, "{\"name\":\"p3\"}");
    fx_clear_sql(f);
}

static void up_free(up *x)
{
    for (int i = 1; i < 4; i++)
        cq_instance_free(x->p[i]);
    cq_instance_free(x->u);
}

/* Scenario 19: attached data, and opts.through as defaults (attached wins). */
static void test_assoc_btm__through_data_attached_and_defaults(void **state)
{
    fixture *f = *state;
    up x;
    up_setup(f, &x, false);
    cq_value *active = cq_test_json("{\"status\":\"active\"}");
    cq_value *inactive = cq_test_json("{\"status\":\"inactive\"}");
    cq_value *started = cq_test_json("{\"status\":\"started\",\"note\":\"n\"}");

    CQ_ASSERT_OK(f->db, cq_assoc_add(x.u, x.projects, &(cq_target){ .instance = x.p[1] }, 1, NULL));
    CQ_ASSERT_OK(f->db, cq_instance_set_through_data(x.p[2], active));
    CQ_ASSERT_OK(f->db, cq_assoc_add(x.u, x.projects, &(cq_target){ .instance = x.p[2] }, 1, NULL));
    CQ_ASSERT_OK(f->db, cq_assoc_add(x.u, x.projects, &(cq_target){ .instance = x.p[3] }, 1,
                                     &(cq_assoc_write_opts){ .through = active }));
    fx_assert_rows(f->db, "SELECT projectId, status FROM userProjects ORDER BY projectId",
                   "[{\"projectId\":1,\"status\":null},{\"projectId\":2,\"status\":\"active\"},"
                   "{\"projectId\":3,\"status\":\"active\"}]");

    /* set on another user: q1 carries inactive, the defaults say active */
    cq_instance *v = fx_create(f->db, x.user, "{\"name\":\"v\"}");
    CQ_ASSERT_OK(f->db, cq_instance_set_through_data(x.p[1], inactive));
    CQ_ASSERT_OK(f->db, cq_instance_set_through_data(x.p[2], NULL));
    fx_clear_sql(f);
    cq_target two[] = { t_of(x.p[1]), t_of(x.p[2]) };
    CQ_ASSERT_OK(f->db,
                 cq_assoc_set(v, x.projects, two, 2, &(cq_assoc_write_opts){ .through = active }));
    fx_assert_sql(f, 2,
                  SQL("SELECT ", "INSERT INTO `userProjects` (`status`,`createdAt`,`updatedAt`,"
                                 "`userId`,`projectId`) VALUES (?,?,?,?,?),(?,?,?,?,?);"));
    fx_assert_rows(
        f->db, "SELECT projectId, status FROM userProjects WHERE userId = 2 ORDER BY projectId",
        "[{\"projectId\":1,\"status\":\"inactive\"},{\"projectId\":2,\"status\":\"active\"}]");

    /* add over existing rows: an UPDATE only where the merged data differs */
    CQ_ASSERT_OK(f->db, cq_instance_set_through_data(x.p[1], NULL));
    fx_clear_sql(f);
    CQ_ASSERT_OK(f->db,
                 cq_assoc_add(v, x.projects, two, 2, &(cq_assoc_write_opts){ .through = active }));
    fx_assert_sql(f, 2,
                  SQL("SELECT ", "UPDATE `userProjects` SET `status`=?,`updatedAt`=? WHERE "
                                 "(`userId` = ? AND `projectId` = ?);"));
    /* set rewrites every kept row when there is data, and inserts the new ones */
    cq_target three[] = { t_of(x.p[1]), t_of(x.p[2]), t_of(x.p[3]) };
    CQ_ASSERT_OK(
        f->db, cq_assoc_set(v, x.projects, three, 3, &(cq_assoc_write_opts){ .through = started }));
    fx_assert_sql(f, 4,
                  SQL("SELECT ", "UPDATE `userProjects` SET ", "UPDATE `userProjects` SET ",
                      "INSERT INTO `userProjects` "));
    fx_assert_rows(f->db,
                   "SELECT projectId, status, note FROM userProjects WHERE userId = 2 ORDER BY "
                   "projectId",
                   "[{\"projectId\":1,\"status\":\"started\",\"note\":\"n\"},{\"projectId\":2,"
                   "\"status\":\"started\",\"note\":\"n\"},{\"projectId\":3,\"status\":\"started\","
                   "\"note\":\"n\"}]");
    cq_value_free(started);
    cq_value_free(active);
    cq_value_free(inactive);
    cq_instance_free(v);
    up_free(&x);
}

/* The join row a target carries after get can be changed and saved (composite key). */
static void test_assoc_btm__join_row_from_get_is_saved(void **state)
{
    fixture *f = *state;
    up x;
    up_setup(f, &x, false);
    cq_value *started = cq_test_json("{\"status\":\"started\"}");
    CQ_ASSERT_OK(f->db, cq_assoc_add(x.u, x.projects, (cq_target[]){ t_of(x.p[1]), t_of(x.p[2]) },
                                     2, &(cq_assoc_write_opts){ .through = started }));
    cq_value_free(started);
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(f->db, cq_assoc_get(&rows, x.u, x.projects, &(cq_find_opts){ .order = by_id }));
    assert_rows_json(f->db, rows,
                     "[{\"id\":1,\"name\":\"p1\",\"userProjects\":{\"status\":\"started\","
                     "\"note\":null,\"userId\":1,\"projectId\":1}},{\"id\":2,\"name\":\"p2\","
                     "\"userProjects\":{\"status\":\"started\",\"note\":null,\"userId\":1,"
                     "\"projectId\":2}}]");
    cq_instance *row = cq_instance_through(cq_rows_at(rows, 0));
    assert_non_null(row);
    assert_ptr_equal(cq_instance_model(row), x.join);
    fx_clear_sql(f);
    CQ_ASSERT_OK(f->db, cq_instance_set(row, "status", cq_value_text("done")));
    CQ_ASSERT_OK(f->db, cq_instance_save(row, NULL));
    fx_assert_sql(f, 1, SQL("UPDATE `userProjects` SET "));
    fx_assert_rows(
        f->db, "SELECT projectId, status FROM userProjects ORDER BY projectId",
        "[{\"projectId\":1,\"status\":\"done\"},{\"projectId\":2,\"status\":\"started\"}]");
    cq_rows_free(rows);
    up_free(&x);
}

/* joinTableAttributes (associations.md 5.5): the join row shows only the listed columns;
 * an empty list attaches no join row. */
static void test_assoc_btm__join_table_attributes(void **state)
{
    fixture *f = *state;
    up x;
    up_setup(f, &x, false);
    cq_value *started = cq_test_json("{\"status\":\"started\",\"note\":\"n\"}");
    CQ_ASSERT_OK(f->db, cq_assoc_add(x.u, x.projects, (cq_target[]){ t_of(x.p[2]) }, 1,
                                     &(cq_assoc_write_opts){ .through = started }));
    cq_value_free(started);
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(
        f->db,
        cq_assoc_get(&rows, x.u, x.projects,
                     &(cq_find_opts){ .attributes = (const char *[]){ "name", NULL },
                                      .through_attributes = (const char *[]){ "status", NULL } }));
    assert_rows_json(f->db, rows, "[{\"name\":\"p2\",\"userProjects\":{\"status\":\"started\"}}]");
    cq_rows_free(rows);
    CQ_ASSERT_OK(f->db, cq_assoc_get(&rows, x.u, x.projects,
                                     &(cq_find_opts){ .through_attributes_none = true }));
    assert_int_equal(cq_rows_count(rows), 1);
    assert_null(cq_instance_through(cq_rows_at(rows, 0)));
    cq_rows_free(rows);
    /* through: {where}: filters on the join rows */
    CQ_ASSERT_OK(f->db, cq_assoc_add(x.u, x.projects, (cq_target[]){ t_of(x.p[3]) }, 1, NULL));
    cq_value *tw = cq_test_json("{\"status\":\"started\"}");
    CQ_ASSERT_OK(f->db,
                 cq_assoc_get(&rows, x.u, x.projects,
                              &(cq_find_opts){ .through_where = tw,
                                               .attributes = (const char *[]){ "name", NULL },
                                               .through_attributes_none = true }));
    assert_rows_json(f->db, rows, "[{\"name\":\"p2\"}]");
    cq_rows_free(rows);
    /* count and has honour it too */
    int64_t n = 0;
    CQ_ASSERT_OK(f->db,
                 cq_assoc_count(&n, x.u, x.projects, &(cq_find_opts){ .through_where = tw }));
    assert_int_equal(n, 1);
    bool has = true;
    CQ_ASSERT_OK(f->db, cq_assoc_has(&has, x.u, x.projects, (cq_target[]){ t_of(x.p[3]) }, 1,
                                     &(cq_find_opts){ .through_where = tw }));
    assert_false(has);
    CQ_ASSERT_OK(f->db,
                 cq_assoc_has(&has, x.u, x.projects, (cq_target[]){ t_of(x.p[3]) }, 1, NULL));
    assert_true(has);
    cq_value_free(tw);
    up_free(&x);
}

/* Targets fetched by a getter carry a join-row instance, not join data: adding them to
 * another source copies nothing (associations.md 5.6). */
static void test_assoc_btm__loaded_join_row_is_not_join_data(void **state)
{
    fixture *f = *state;
    up x;
    up_setup(f, &x, false);
    cq_value *st = cq_test_json("{\"status\":\"started\"}");
    CQ_ASSERT_OK(f->db, cq_assoc_add(x.u, x.projects, (cq_target[]){ t_of(x.p[1]), t_of(x.p[2]) },
                                     2, &(cq_assoc_write_opts){ .through = st }));
    cq_value_free(st);
    cq_instance *u2 = fx_create(f->db, x.user, "{\"name\":\"u2\"}");
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(f->db, cq_assoc_get(&rows, x.u, x.projects, &(cq_find_opts){ .order = by_id }));
    cq_target ts[] = { t_of(cq_rows_at(rows, 0)), t_of(cq_rows_at(rows, 1)) };
    CQ_ASSERT_OK(f->db, cq_assoc_add(u2, x.projects, ts, 2, NULL));
    cq_rows_free(rows);
    fx_assert_rows(f->db,
                   "SELECT userId, projectId, status FROM userProjects ORDER BY userId, projectId",
                   "[{\"userId\":1,\"projectId\":1,\"status\":\"started\"},{\"userId\":1,"
                   "\"projectId\":2,\"status\":\"started\"},{\"userId\":2,\"projectId\":1,"
                   "\"status\":null},{\"userId\":2,\"projectId\":2,\"status\":null}]");
    /* the reverse side sees both users (seed: project.hasUser(user) false -> addUser -> true) */
    bool has = false;
    CQ_ASSERT_OK(
        f->db, cq_assoc_has(&has, x.p[1], x.users, (cq_target[]){ t_of(x.u), t_of(u2) }, 2, NULL));
    assert_true(has);
    CQ_ASSERT_OK(f->db,
                 cq_assoc_has(&has, x.p[3], x.users, &(cq_target){ .instance = u2 }, 1, NULL));
    assert_false(has);
    CQ_ASSERT_OK(f->db, cq_assoc_add(x.p[3], x.users, &(cq_target){ .instance = u2 }, 1, NULL));
    CQ_ASSERT_OK(f->db,
                 cq_assoc_has(&has, x.p[3], x.users, &(cq_target){ .instance = u2 }, 1, NULL));
    assert_true(has);
    cq_instance_free(u2);
    up_free(&x);
}

/* A join model with its own id (scenario 20): keys nullable, UNIQUE pair, rows by id. */
static void test_assoc_btm__through_model_with_own_id(void **state)
{
    fixture *f = *state;
    up x;
    up_setup(f, &x, true);
    cq_value *st = cq_test_json("{\"status\":\"started\"}");

    CQ_ASSERT_OK(f->db, cq_assoc_add(x.u, x.projects, (cq_target[]){ t_of(x.p[1]), t_of(x.p[3]) },
                                     2, &(cq_assoc_write_opts){ .through = st }));
    cq_value_free(st);
    fx_assert_rows(f->db, "SELECT id, userId, projectId, status FROM userProjects ORDER BY id",
                   "[{\"id\":1,\"userId\":1,\"projectId\":1,\"status\":\"started\"},{\"id\":2,"
                   "\"userId\":1,\"projectId\":3,\"status\":\"started\"}]");
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(f->db, cq_assoc_get(&rows, x.u, x.projects, &(cq_find_opts){ .order = by_id }));
    cq_instance *row = cq_instance_through(cq_rows_at(rows, 1));
    CQ_ASSERT_OK(f->db, cq_instance_update(row, st = cq_test_json("{\"note\":\"x\"}"), NULL));
    cq_value_free(st);
    cq_rows_free(rows);
    fx_assert_rows(f->db, "SELECT id, note FROM userProjects ORDER BY id",
                   "[{\"id\":1,\"note\":null},{\"id\":2,\"note\":\"x\"}]");
    /* the pair is unique: inserting it again fails in the database */
    cq_value *dup = cq_test_json("{\"userId\":1,\"projectId\":1}");
    CQ_ASSERT_ERR(f->db, CQ_EUNIQUE, cq_model_create(NULL, x.join, dup, NULL));
    cq_value_free(dup);
    up_free(&x);
}

/* ---- aliases, self-association ----------------------------------------------------------- */

/* worker_tasks with as / foreignKey / otherKey; accessors called by name. */
static void test_assoc_btm__alias_and_keys_by_method_name(void **state)
{
    fixture *f = *state;
    cq_model *user = fx_define(f->db, "user", fx_name_attrs);
    cq_model *task = fx_define(f->db, "task", fx_name_attrs);
    cq_assoc *a = NULL;
    CQ_ASSERT_OK(f->db, cq_model_belongs_to_many(&a, user, task,
                                                 &(cq_assoc_opts){ .through = "worker_tasks",
                                                                   .as_singular = "job",
                                                                   .as_plural = "jobs",
                                                                   .foreign_key = "workerId",
                                                                   .other_key = "jobId" }));
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    cq_instance *u = fx_create(f->db, user, "{\"name\":\"u\"}");
    cq_instance *t1 = fx_create(f->db, task, "{\"name\":\"t1\"}");
    cq_instance *t2 = fx_create(f->db, task, "{\"name\":\"t2\"}");
    const char *calls[] = { "addJobs", "removeJob", "hasJob", "countJobs", "getJobs" };
    bool has = true;
    int64_t n = 0;
    cq_rows *rows = NULL;

    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        cq_assoc *acc = NULL;
        cq_accessor kind = 0;
        CQ_ASSERT_OK(f->db, cq_model_find_accessor(&acc, &kind, user, calls[i]));
        assert_ptr_equal(acc, a);
        switch (kind) {
        case CQ_ACC_ADD_MULTIPLE:
            CQ_ASSERT_OK(f->db, cq_assoc_add(u, acc, (cq_target[]){ t_of(t1), t_of(t2) }, 2, NULL));
            break;
        case CQ_ACC_REMOVE:
            CQ_ASSERT_OK(f->db, cq_assoc_remove(u, acc, &(cq_target){ .instance = t1 }, 1, NULL));
            break;
        case CQ_ACC_HAS_SINGLE:
            CQ_ASSERT_OK(f->db,
                         cq_assoc_has(&has, u, acc, &(cq_target){ .instance = t1 }, 1, NULL));
            break;
        case CQ_ACC_COUNT:
            CQ_ASSERT_OK(f->db, cq_assoc_count(&n, u, acc, NULL));
            break;
        case CQ_ACC_GET:
            CQ_ASSERT_OK(f->db, cq_assoc_get(&rows, u, acc, NULL));
            break;
        default:
            fail();
        }
    }
    assert_false(has);
    assert_int_equal(n, 1);
    fx_assert_names(f->db, rows, "name", "t2");
    assert_non_null(cq_instance_through(cq_rows_at(rows, 0)));
    cq_rows_free(rows);
    fx_assert_rows(f->db, "SELECT workerId, jobId FROM worker_tasks",
                   "[{\"workerId\":1,\"jobId\":2}]");
    cq_instance_free(t2);
    cq_instance_free(t1);
    cq_instance_free(u);
}

/* Person.belongsToMany(Person, {as: 'Children', through: 'PersonChildren'}). */
static void test_assoc_btm__self_children(void **state)
{
    fixture *f = *state;
    cq_model *person = fx_define(f->db, "person", fx_name_attrs);
    cq_assoc *children = NULL;
    CQ_ASSERT_OK(f->db, cq_model_belongs_to_many(
                            &children, person, person,
                            &(cq_assoc_opts){ .through = "PersonChildren", .as = "Children" }));
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    cq_instance *mum = fx_create(f->db, person, "{\"name\":\"mum\"}");
    cq_instance *kid = fx_create(f->db, person, "{\"name\":\"kid\"}");
    cq_value *v = cq_test_json("{\"name\":\"baby\"}");

    CQ_ASSERT_OK(f->db, cq_assoc_add(mum, children, &(cq_target){ .instance = kid }, 1, NULL));
    CQ_ASSERT_OK(f->db, cq_assoc_create(NULL, mum, children, v, NULL));
    cq_value_free(v);
    assert_get_names(f->db, mum, children, "name", "kid,baby");
    assert_get_names(f->db, kid, children, "name", "");
    fx_assert_rows(f->db, "SELECT personId, ChildId FROM PersonChildren ORDER BY ChildId",
                   "[{\"personId\":1,\"ChildId\":2},{\"personId\":1,\"ChildId\":3}]");
    cq_instance_free(kid);
    cq_instance_free(mum);
}

/* ---- n:m scopes: seed ItemTag (associations.md 6.3; scenarios 24, 25) -------------- */

typedef struct tags {
    cq_model *post, *tag, *item_tag;
    cq_assoc *post_tags, *tag_posts, *pending;
} tags;

static void tags_setup(fixture *f, tags *x)
{
    const cq_attr item_tag_attrs[] = {
        { .name = "id", .type = CQ_INTEGER, .primary_key = true, .auto_increment = true },
        { .name = "tag_id", .type = CQ_INTEGER, .unique_name = "item_tag_taggable" },
        { .name = "taggable", .type = CQ_STRING, .unique_name = "item_tag_taggable" },
        { .name = "taggable_id",
          .type = CQ_INTEGER,
          .unique_name = "item_tag_taggable",
          .references_none = true },
        { 0 },
    };
    const cq_attr tag_attrs[] = {
        { .name = "name", .type = CQ_STRING },
        { .name = "status", .type = CQ_STRING },
        { 0 },
    };
    memset(x, 0, sizeof *x);
    x->post = fx_define(f->db, "post",
                        (const cq_attr[]){ { .name = "title", .type = CQ_STRING }, { 0 } });
    x->item_tag = fx_define(f->db, "item_tag", item_tag_attrs);
    x->tag = fx_define(f->db, "tag", tag_attrs);
    cq_value *through_scope = cq_test_json("{\"taggable\":\"post\"}");
    cq_value *pending = cq_test_json("{\"status\":\"pending\"}");
    CQ_ASSERT_OK(f->db, cq_model_belongs_to_many(&x->post_tags, x->post, x->tag,
                                                 &(cq_assoc_opts){ .through_model = x->item_tag,
                                                                   .through_unique = CQ_OFF,
                                                                   .through_scope = through_scope,
                                                                   .foreign_key = "taggable_id",
                                                                   .constraints = CQ_OFF }));
    CQ_ASSERT_OK(f->db, cq_model_belongs_to_many(&x->tag_posts, x->tag, x->post,
                                                 &(cq_assoc_opts){ .through_model = x->item_tag,
                                                                   .through_unique = CQ_OFF,
                                                                   .foreign_key = "tag_id",
                                                                   .constraints = CQ_OFF }));
    CQ_ASSERT_OK(f->db, cq_model_belongs_to_many(&x->pending, x->post, x->tag,
                                                 &(cq_assoc_opts){ .through_model = x->item_tag,
                                                                   .through_unique = CQ_OFF,
                                                                   .through_scope = through_scope,
                                                                   .scope = pending,
                                                                   .as = "pendingTags",
                                                                   .foreign_key = "taggable_id",
                                                                   .constraints = CQ_OFF }));
    cq_value_free(through_scope);
    cq_value_free(pending);
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    fx_clear_sql(f);
}

static void test_assoc_btm__scope_keys_after_pairing(void **state)
{
    fixture *f = *state;
    tags x;
    tags_setup(f, &x);
    assert_string_equal(cq_assoc_other_key(x.post_tags), "tag_id");
    assert_string_equal(cq_assoc_other_key(x.tag_posts), "taggable_id");
    assert_string_equal(cq_assoc_other_key(x.pending), "tag_id");
    assert_int_equal(cq_model_attr_count(x.item_tag), 6); /* no extra tagId column */
    fx_assert_rows(f->db,
                   "SELECT count(*) AS n FROM pragma_table_info('item_tags') WHERE name = 'tagId'",
                   "[{\"n\":0}]");
}

/* Scenario 24: join rows carry taggable = 'post'; the reverse side sees every row. */
static void test_assoc_btm__scenario_24_item_tag_through_scope(void **state)
{
    fixture *f = *state;
    tags x;
    tags_setup(f, &x);
    cq_instance *p1 = fx_create(f->db, x.post, "{\"title\":\"p1\"}");
    cq_instance *p2 = fx_create(f->db, x.post, "{\"title\":\"p2\"}");
    cq_instance *red = fx_create(f->db, x.tag, "{\"name\":\"red\"}");
    cq_instance *blue = fx_create(f->db, x.tag, "{\"name\":\"blue\"}");
    cq_value *gv = cq_test_json("{\"name\":\"green\"}");
    fx_clear_sql(f);

    CQ_ASSERT_OK(f->db,
                 cq_assoc_add(p1, x.post_tags, (cq_target[]){ t_of(red), t_of(blue) }, 2, NULL));
    assert_non_null(strstr(f->sql[0], "`item_tag`.`taggable` = ?"));
    fx_assert_sql(f, 2,
                  SQL("SELECT ", "INSERT INTO `item_tags` (`tag_id`,`taggable`,`taggable_id`,"));
    CQ_ASSERT_OK(f->db, cq_assoc_set(p2, x.post_tags, &(cq_target){ .instance = blue }, 1, NULL));
    cq_instance *green = NULL;
    CQ_ASSERT_OK(f->db, cq_assoc_create(&green, p2, x.post_tags, gv, NULL));
    cq_value_free(gv);
    cq_value *video = cq_test_json("{\"tag_id\":1,\"taggable\":\"video\",\"taggable_id\":2}");
    CQ_ASSERT_OK(f->db, cq_model_create(NULL, x.item_tag, video, NULL));
    cq_value_free(video);

    assert_get_names(f->db, p1, x.post_tags, "name", "red,blue");
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(f->db, cq_assoc_get(&rows, p2, x.post_tags, &(cq_find_opts){ .order = by_id }));
    assert_rows_json(f->db, rows,
                     "[{\"id\":2,\"name\":\"blue\",\"status\":null,\"item_tag\":{\"id\":3,"
                     "\"tag_id\":2,\"taggable\":\"post\",\"taggable_id\":2}},{\"id\":3,\"name\":"
                     "\"green\",\"status\":null,\"item_tag\":{\"id\":4,\"tag_id\":3,\"taggable\":"
                     "\"post\",\"taggable_id\":2}}]");
    cq_rows_free(rows);
    bool has = true;
    CQ_ASSERT_OK(f->db,
                 cq_assoc_has(&has, p2, x.post_tags, &(cq_target){ .instance = red }, 1, NULL));
    assert_false(has);
    assert_get_names(f->db, red, x.tag_posts, "title", "p1,p2");
    fx_assert_rows(f->db, "SELECT id, tag_id, taggable, taggable_id FROM item_tags ORDER BY id",
                   "[{\"id\":1,\"tag_id\":1,\"taggable\":\"post\",\"taggable_id\":1},{\"id\":2,"
                   "\"tag_id\":2,\"taggable\":\"post\",\"taggable_id\":1},{\"id\":3,\"tag_id\":2,"
                   "\"taggable\":\"post\",\"taggable_id\":2},{\"id\":4,\"tag_id\":3,\"taggable\":"
                   "\"post\",\"taggable_id\":2},{\"id\":5,\"tag_id\":1,\"taggable\":\"video\","
                   "\"taggable_id\":2}]");
    /* set restricts its lookup and DELETE to the scope; remove does not look at it */
    fx_clear_sql(f);
    CQ_ASSERT_OK(f->db, cq_assoc_set(p2, x.post_tags, NULL, 0, NULL));
    fx_assert_sql(f, 2,
                  SQL("SELECT ", "DELETE FROM `item_tags` WHERE (`taggable_id` = ? AND "
                                 "`tag_id` IN (?, ?) AND `taggable` = ?);"));
    CQ_ASSERT_OK(f->db, cq_assoc_remove(p2, x.post_tags, &(cq_target){ .instance = red }, 1, NULL));
    fx_assert_sql(f, 1,
                  SQL("DELETE FROM `item_tags` WHERE (`taggable_id` = ? AND `tag_id` IN (?));"));
    fx_assert_rows(f->db, "SELECT id FROM item_tags ORDER BY id", "[{\"id\":1},{\"id\":2}]");
    cq_instance_free(green);
    cq_instance_free(blue);
    cq_instance_free(red);
    cq_instance_free(p2);
    cq_instance_free(p1);
}

/* Scenario 25: the target scope status = 'pending' filters get/count/has and fills create. */
static void test_assoc_btm__scenario_25_pending_tags(void **state)
{
    fixture *f = *state;
    tags x;
    tags_setup(f, &x);
    cq_instance *post = fx_create(f->db, x.post, "{\"title\":\"p\"}");
    cq_instance *a = fx_create(f->db, x.tag, "{\"name\":\"a\",\"status\":\"pending\"}");
    cq_instance *b = fx_create(f->db, x.tag, "{\"name\":\"b\",\"status\":\"approved\"}");
    cq_value *cv = cq_test_json("{\"name\":\"c\"}");
    cq_instance *c = NULL;
    bool has = true;
    int64_t n = 0;

    CQ_ASSERT_OK(f->db,
                 cq_assoc_add(post, x.post_tags, (cq_target[]){ t_of(a), t_of(b) }, 2, NULL));
    assert_string_equal(cq_assoc_accessor_name(x.pending, CQ_ACC_CREATE), "createPendingTag");
    CQ_ASSERT_OK(f->db, cq_assoc_create(&c, post, x.pending, cv, NULL));
    cq_value_free(cv);
    assert_string_equal(fx_text_attr(f->db, c, "status"), "pending");
    assert_get_names(f->db, post, x.post_tags, "name", "a,b,c");
    fx_clear_sql(f);
    assert_get_names(f->db, post, x.pending, "name", "a,c");
    assert_non_null(strstr(f->sql[0], "WHERE `tag`.`status` = ?"));
    CQ_ASSERT_OK(f->db, cq_assoc_count(&n, post, x.pending, NULL));
    assert_int_equal(n, 2);
    CQ_ASSERT_OK(f->db,
                 cq_assoc_has(&has, post, x.pending, &(cq_target){ .instance = b }, 1, NULL));
    assert_false(has);
    fx_assert_rows(f->db, "SELECT tag_id, taggable, taggable_id FROM item_tags ORDER BY id",
                   "[{\"tag_id\":1,\"taggable\":\"post\",\"taggable_id\":1},{\"tag_id\":2,"
                   "\"taggable\":\"post\",\"taggable_id\":1},{\"tag_id\":3,\"taggable\":\"post\","
                   "\"taggable_id\":1}]");
    cq_instance_free(c);
    cq_instance_free(b);
    cq_instance_free(a);
    cq_instance_free(post);
}

/* ---- bad input: nothing half-written (the accessors run in a savepoint) ------------- */

static void test_assoc_btm__bad_targets_write_nothing(void **state)
{
    fixture *f = *state;
    pt x;
    pt_setup(f, &x);
    cq_instance *unsaved = NULL;
    CQ_ASSERT_OK(f->db, cq_model_build(&unsaved, x.task, NULL));
    cq_instance *fresh = NULL;
    CQ_ASSERT_OK(f->db, cq_model_build(&fresh, x.project, NULL));
    CQ_ASSERT_OK(f->db, cq_assoc_add(x.p, x.tasks, &(cq_target){ .instance = x.t1 }, 1, NULL));
    cq_value *text = cq_value_text("abc");
    cq_rows *rows = NULL;
    fx_clear_sql(f);

    CQ_ASSERT_ERR(f->db, CQ_EINVALID,
                  cq_assoc_add(x.p, x.tasks, (cq_target[]){ t_of(x.t2), t_of(x.p) }, 2, NULL));
    assert_string_equal(cq_db_error(f->db)->message,
                        "addTasks expects instances of task, got an instance of project");
    CQ_ASSERT_ERR(f->db, CQ_EINVALID,
                  cq_assoc_set(x.p, x.tasks, (cq_target[]){ t_of(x.t2), t_of(unsaved) }, 2, NULL));
    assert_string_equal(cq_db_error(f->db)->message,
                        "setTasks: the task instance is not saved (its key is not set); save it "
                        "first");
    CQ_ASSERT_ERR(f->db, CQ_EVALIDATION,
                  cq_assoc_remove(x.p, x.tasks, &(cq_target){ .key = text }, 1, NULL));
    CQ_ASSERT_ERR(f->db, CQ_EINVALID, cq_assoc_get(&rows, fresh, x.tasks, NULL));
    assert_null(rows);
    CQ_ASSERT_ERR(f->db, CQ_EINVALID,
                  cq_assoc_add(fresh, x.tasks, &(cq_target){ .instance = x.t2 }, 1, NULL));
    fx_assert_sql(f, 0, NULL);
    fx_assert_rows(f->db, "SELECT projectId, taskId FROM project_tasks",
                   "[{\"projectId\":1,\"taskId\":1}]");
    cq_value_free(text);
    cq_instance_free(fresh);
    cq_instance_free(unsaved);
    pt_free(&x);
}

/* A key that does not exist: the foreign-key error surfaces and neither the rows added with
 * it nor the rows set removed are changed. */
static void test_assoc_btm__missing_key_rolls_back(void **state)
{
    fixture *f = *state;
    pt x;
    pt_setup(f, &x);
    CQ_ASSERT_OK(f->db, cq_assoc_add(x.p, x.tasks, &(cq_target){ .instance = x.t1 }, 1, NULL));
    cq_value *k99 = cq_value_int(99);

    CQ_ASSERT_ERR(f->db, CQ_EFOREIGNKEY,
                  cq_assoc_add(x.p, x.tasks, (cq_target[]){ t_of(x.t2), { .key = k99 } }, 2, NULL));
    fx_assert_rows(f->db, "SELECT projectId, taskId FROM project_tasks",
                   "[{\"projectId\":1,\"taskId\":1}]");
    /* set: the DELETE of t1's row is undone when the INSERT fails */
    CQ_ASSERT_ERR(f->db, CQ_EFOREIGNKEY,
                  cq_assoc_set(x.p, x.tasks, (cq_target[]){ t_of(x.t2), { .key = k99 } }, 2, NULL));
    fx_assert_rows(f->db, "SELECT projectId, taskId FROM project_tasks",
                   "[{\"projectId\":1,\"taskId\":1}]");
    /* inside the caller's transaction: only the accessor's own work is undone */
    cq_txn *txn = NULL;
    CQ_ASSERT_OK(f->db, cq_db_transaction(&txn, f->db, NULL));
    CQ_ASSERT_OK(f->db, cq_assoc_add(x.p, x.tasks, &(cq_target){ .instance = x.t2 }, 1,
                                     &(cq_assoc_write_opts){ .transaction = txn }));
    CQ_ASSERT_ERR(f->db, CQ_EFOREIGNKEY,
                  cq_assoc_set(x.p, x.tasks, &(cq_target){ .key = k99 }, 1,
                               &(cq_assoc_write_opts){ .transaction = txn }));
    CQ_ASSERT_OK(f->db, cq_txn_commit(txn));
    cq_txn_free(txn);
    fx_assert_rows(f->db, "SELECT projectId, taskId FROM project_tasks ORDER BY taskId",
                   "[{\"projectId\":1,\"taskId\":1},{\"projectId\":1,\"taskId\":2}]");
    /* the same target twice in one add: two inserts, the unique error, nothing written */
    cq_instance *t3 = fx_create(f->db, x.task, "{\"title\":\"t3\"}");
    CQ_ASSERT_ERR(f->db, CQ_EUNIQUE,
                  cq_assoc_add(x.p, x.tasks, (cq_target[]){ t_of(t3), t_of(t3) }, 2, NULL));
    fx_assert_rows(f->db, "SELECT count(*) AS n FROM project_tasks", "[{\"n\":2}]");
    cq_instance_free(t3);
    cq_value_free(k99);
    pt_free(&x);
}

/* sourceKey / targetKey other than the primary keys: the join columns hold those keys (typed
 * after them, referencing them), every accessor reads and writes them, and a raw value names
 * a target by its targetKey (associations.md 1.3, the flagged deviation for non-PK
 * targetKey). */
static void test_assoc_btm__custom_source_and_target_keys(void **state)
{
    fixture *f = *state;
    const cq_attr user_attrs[] = { { .name = "name", .type = CQ_STRING },
                                   { .name = "code", .type = CQ_STRING, .unique = true },
                                   { 0 } };
    const cq_attr project_attrs[] = { { .name = "title", .type = CQ_STRING },
                                      { .name = "slug", .type = CQ_STRING, .unique = true },
                                      { 0 } };
    cq_model *user = fx_define(f->db, "user", user_attrs);
    cq_model *project = fx_define(f->db, "project", project_attrs);
    cq_assoc *projects = NULL;
    CQ_ASSERT_OK(f->db, cq_model_belongs_to_many(&projects, user, project,
                                                 &(cq_assoc_opts){ .through = "user_projects",
                                                                   .source_key = "code",
                                                                   .target_key = "slug" }));
    assert_string_equal(cq_assoc_source_key(projects), "code");
    assert_string_equal(cq_assoc_target_key(projects), "slug");
    char *ddl = NULL;
    CQ_ASSERT_ERR(f->db, CQ_EINVALID, cq_db_ddl(&ddl, f->db, (cq_dialect)0));
    assert_null(ddl);
    assert_string_equal(cq_db_error(f->db)->message, "cq_db_ddl: unknown dialect 0");
    CQ_ASSERT_OK(f->db, cq_db_ddl(&ddl, f->db, CQ_DIALECT_SQLITE));
    assert_non_null(strstr(ddl, "`userCode` VARCHAR(255) NOT NULL REFERENCES `users` (`code`) ON "
                                "DELETE CASCADE ON UPDATE CASCADE"));
    assert_non_null(strstr(ddl, "`projectSlug` VARCHAR(255) NOT NULL REFERENCES `projects` "
                                "(`slug`) ON DELETE CASCADE ON UPDATE CASCADE"));
    cq_free(ddl);
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    cq_instance *u = fx_create(f->db, user, "{\"name\":\"ann\",\"code\":\"U-A\"}");
    cq_instance *p1 = fx_create(f->db, project, "{\"title\":\"one\",\"slug\":\"p-one\"}");
    cq_instance *p2 = fx_create(f->db, project, "{\"title\":\"two\",\"slug\":\"p-two\"}");
    cq_instance *p3 = fx_create(f->db, project, "{\"title\":\"three\",\"slug\":\"p-three\"}");
    /* add: an instance and a raw targetKey value */
    cq_value *two = cq_value_text("p-two");
    cq_target both[] = { { .instance = p1 }, { .key = two } };
    CQ_ASSERT_OK(f->db, cq_assoc_add(u, projects, both, 2, NULL));
    fx_assert_rows(f->db, "SELECT userCode, projectSlug FROM user_projects ORDER BY projectSlug",
                   "[{\"userCode\":\"U-A\",\"projectSlug\":\"p-one\"},"
                   "{\"userCode\":\"U-A\",\"projectSlug\":\"p-two\"}]");
    assert_get_names(f->db, u, projects, "title", "one,two");
    int64_t n = 0;
    CQ_ASSERT_OK(f->db, cq_assoc_count(&n, u, projects, NULL));
    assert_int_equal(n, 2);
    bool has = false;
    CQ_ASSERT_OK(f->db, cq_assoc_has(&has, u, projects, both, 2, NULL));
    assert_true(has);
    CQ_ASSERT_OK(f->db, cq_assoc_has(&has, u, projects, &(cq_target){ .instance = p3 }, 1, NULL));
    assert_false(has);
    /* remove by raw value, set to a partly overlapping list */
    CQ_ASSERT_OK(f->db, cq_assoc_remove(u, projects, &(cq_target){ .key = two }, 1, NULL));
    assert_get_names(f->db, u, projects, "title", "one");
    cq_target next[] = { { .instance = p3 }, { .key = two } };
    CQ_ASSERT_OK(f->db, cq_assoc_set(u, projects, next, 2, NULL));
    fx_assert_rows(f->db, "SELECT userCode, projectSlug FROM user_projects ORDER BY projectSlug",
                   "[{\"userCode\":\"U-A\",\"projectSlug\":\"p-three\"},"
                   "{\"userCode\":\"U-A\",\"projectSlug\":\"p-two\"}]");
    /* create: the new target's slug goes into the join row */
    cq_value *four = cq_test_json("{\"title\":\"four\",\"slug\":\"p-four\"}");
    CQ_ASSERT_OK(f->db, cq_assoc_create(NULL, u, projects, four, NULL));
    cq_value_free(four);
    assert_get_names(f->db, u, projects, "title", "two,three,four");
    /* include reads through the same keys */
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(f->db,
                 cq_model_find_all(
                     &rows, user,
                     &(cq_find_opts){ .include = (cq_include[]){
                                          { .model = project,
                                            .attributes = (const char *const[]){ "slug", NULL } },
                                          { 0 } } }));
    assert_int_equal(cq_rows_count(rows), 1);
    cq_rows_free(rows);
    cq_value_free(two);
    cq_instance_free(u);
    cq_instance_free(p1);
    cq_instance_free(p2);
    cq_instance_free(p3);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(test_assoc_btm__##name, fx_setup, fx_teardown)
    const struct CMUnitTest tests[] = {
        T(scenario_31_set_remove_add),
        T(add_statement_shapes),
        T(has_and_count),
        T(create),
        T(through_data_attached_and_defaults),
        T(join_row_from_get_is_saved),
        T(join_table_attributes),
        T(loaded_join_row_is_not_join_data),
        T(through_model_with_own_id),
        T(alias_and_keys_by_method_name),
        T(self_children),
        T(scope_keys_after_pairing),
        T(scenario_24_item_tag_through_scope),
        T(scenario_25_pending_tags),
        T(bad_targets_write_nothing),
        T(missing_key_rolls_back),
        T(custom_source_and_target_keys),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
