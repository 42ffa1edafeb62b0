/* Integration tests for paranoid models (Sequelize's `paranoid: true`): soft destroy, force,
 * restore, finders / includes / association getters that skip soft-deleted rows unless
 * `paranoid = CQ_OFF`, and a paranoid belongsToMany join model. Rows are read back from SQLite;
 * the statements are checked through the log hook where their shape matters (v6's). */
#define _POSIX_C_SOURCE 200809L
#include "cq_fixture.h"

#include <stdlib.h>
#include <string.h>

typedef struct pfix {
    fixture fx; /* db and the statements logged (cq_fixture.h) */
    cq_model *user, *task, *project;
    cq_assoc *tasks, *owner, *projects;
} pfix;

static cq_instance *create(pfix *f, cq_model *m, const char *json)
{
    cq_value *v = cq_test_json(json);
    cq_instance *inst = NULL;
    CQ_ASSERT_OK(f->fx.db, cq_model_create(&inst, m, v, NULL));
    cq_value_free(v);
    return inst;
}

static int setup(void **state)
{
    pfix *f = calloc(1, sizeof *f);
    if (!f || fx_init(&f->fx) != 0) {
        free(f);
        return -1;
    }
    const cq_attr user[] = { { .name = "name", .type = CQ_STRING }, { 0 } };
    const cq_attr task[] = { { .name = "title", .type = CQ_STRING }, { 0 } };
    const cq_attr project[] = { { .name = "title", .type = CQ_STRING }, { 0 } };
    if (cq_db_define(&f->user, f->fx.db, "User", user, &(cq_model_opts){ .paranoid = true }) ||
        cq_db_define(&f->task, f->fx.db, "Task", task,
                     &(cq_model_opts){
                         .paranoid = true, .underscored = CQ_ON, .deleted_at = "removedAt" }) ||
        cq_db_define(&f->project, f->fx.db, "Project", project, NULL) ||
        cq_model_has_many(&f->tasks, f->user, f->task, NULL) ||
        cq_model_belongs_to(&f->owner, f->task, f->user, NULL) ||
        cq_model_belongs_to_many(
            &f->projects, f->user, f->project,
            &(cq_assoc_opts){ .through = "UserProjects", .through_paranoid = true }) ||
        cq_model_belongs_to_many(
            NULL, f->project, f->user,
            &(cq_assoc_opts){ .through = "UserProjects", .through_paranoid = true }) ||
        cq_db_sync(f->fx.db, NULL)) {
        print_error("setup: %s\n", cq_db_error(f->fx.db)->message);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    pfix *f = *state;
    fx_fini(&f->fx);
    free(f);
    return 0;
}

static size_t find_count(pfix *f, cq_model *m, const cq_find_opts *o)
{
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(f->fx.db, cq_model_find_all(&rows, m, o));
    size_t n = cq_rows_count(rows);
    cq_rows_free(rows);
    return n;
}

static void test_paranoid__instance_destroy_is_soft(void **state)
{
    pfix *f = *state;
    cq_instance *a = create(f, f->user, "{\"name\":\"a\"}");
    cq_instance *b = create(f, f->user, "{\"name\":\"b\"}");
    fx_clear_sql(&f->fx);
    CQ_ASSERT_OK(f->fx.db, cq_instance_destroy(b, NULL));
    assert_int_equal(f->fx.n, 1);
    assert_string_equal(fx_last_sql(&f->fx),
                        "UPDATE `Users` SET `deletedAt`=?,`updatedAt`=? WHERE `id` = ?;");
    /* the row is still there, its deletedAt set; the instance carries it too */
    assert_int_equal(cq_test_scalar_int(f->fx.db, "SELECT count(*) FROM Users"), 2);
    assert_int_equal(
        cq_test_scalar_int(f->fx.db, "SELECT count(*) FROM Users WHERE deletedAt IS NOT NULL"), 1);
    assert_int_equal(cq_value_type_of(cq_instance_get(b, "deletedAt")), CQ_VALUE_TEXT);
    /* v6: destroying again sends nothing */
    fx_clear_sql(&f->fx);
    CQ_ASSERT_OK(f->fx.db, cq_instance_destroy(b, NULL));
    assert_int_equal(f->fx.n, 0);
    /* finders skip it */
    assert_int_equal(find_count(f, f->user, NULL), 1);
    assert_string_equal(fx_last_sql(&f->fx),
                        "SELECT `id`, `name`, `createdAt`, `updatedAt`, `deletedAt` "
                        "FROM `Users` AS `User` WHERE `User`.`deletedAt` IS NULL;");
    assert_int_equal(find_count(f, f->user, &(cq_find_opts){ .paranoid = CQ_OFF }), 2);
    int64_t n = 0;
    CQ_ASSERT_OK(f->fx.db, cq_model_count(&n, f->user, NULL));
    assert_int_equal(n, 1);
    cq_instance *got = NULL;
    cq_value *pk = cq_value_int(2);
    CQ_ASSERT_OK(f->fx.db, cq_model_find_by_pk(&got, f->user, pk, NULL));
    assert_null(got);
    CQ_ASSERT_OK(f->fx.db,
                 cq_model_find_by_pk(&got, f->user, pk, &(cq_find_opts){ .paranoid = CQ_OFF }));
    assert_non_null(got);
    cq_instance_free(got);
    cq_value_free(pk);
    cq_value *w = cq_test_json("{\"name\":\"b\"}");
    CQ_ASSERT_OK(f->fx.db, cq_model_find_one(&got, f->user, &(cq_find_opts){ .where = w }));
    assert_null(got);
    assert_non_null(
        strstr(fx_last_sql(&f->fx), "WHERE (`User`.`deletedAt` IS NULL AND `User`.`name` = ?)"));
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(f->fx.db, cq_model_find_and_count_all(&rows, &n, f->user, NULL));
    assert_int_equal(n, 1);
    assert_int_equal(cq_rows_count(rows), 1);
    cq_rows_free(rows);
    /* reload of a soft-deleted row finds nothing, as v6 */
    CQ_ASSERT_ERR(f->fx.db, CQ_ENOTFOUND, cq_instance_reload(b, NULL));
    cq_value_free(w);
    /* restore */
    fx_clear_sql(&f->fx);
    CQ_ASSERT_OK(f->fx.db, cq_instance_restore(b, NULL));
    assert_string_equal(fx_last_sql(&f->fx),
                        "UPDATE `Users` SET `deletedAt`=?,`updatedAt`=? WHERE `id` = ?;");
    assert_true(cq_value_is_null(cq_instance_get(b, "deletedAt")));
    assert_int_equal(find_count(f, f->user, NULL), 2);
    /* force deletes the row */
    CQ_ASSERT_OK(f->fx.db, cq_instance_destroy(b, &(cq_write_opts){ .force = true }));
    assert_string_equal(fx_last_sql(&f->fx), "DELETE FROM `Users` WHERE `id` = ?;");
    assert_int_equal(cq_test_scalar_int(f->fx.db, "SELECT count(*) FROM Users"), 1);
    cq_instance_free(a);
    cq_instance_free(b);
}

static void test_paranoid__model_destroy_update_restore(void **state)
{
    pfix *f = *state;
    cq_instance_free(create(f, f->user, "{\"name\":\"a\"}"));
    cq_instance_free(create(f, f->user, "{\"name\":\"a\"}"));
    cq_instance_free(create(f, f->user, "{\"name\":\"b\"}"));
    cq_value *wa = cq_test_json("{\"name\":\"a\"}");
    int64_t n = 0;
    CQ_ASSERT_OK(f->fx.db, cq_model_destroy(&n, f->user, &(cq_bulk_opts){ .where = wa }));
    assert_int_equal(n, 2);
    assert_string_equal(fx_last_sql(&f->fx),
                        "UPDATE `Users` SET `deletedAt`=? WHERE (`deletedAt` IS NULL "
                        "AND `name` = ?);");
    /* already soft-deleted rows are not touched again */
    CQ_ASSERT_OK(f->fx.db, cq_model_destroy(&n, f->user, &(cq_bulk_opts){ .where = wa }));
    assert_int_equal(n, 0);
    assert_int_equal(find_count(f, f->user, NULL), 1);
    assert_int_equal(cq_test_scalar_int(f->fx.db, "SELECT count(*) FROM Users"), 3);
    /* a bulk update leaves soft-deleted rows alone */
    cq_value *vals = cq_test_json("{\"name\":\"z\"}");
    CQ_ASSERT_OK(f->fx.db, cq_model_update(&n, f->user, vals, &(cq_bulk_opts){ .where = wa }));
    assert_int_equal(n, 0);
    cq_value_free(vals);
    /* restore brings them back */
    CQ_ASSERT_OK(f->fx.db, cq_model_restore(&n, f->user, &(cq_bulk_opts){ .where = wa }));
    assert_int_equal(n, 2);
    assert_string_equal(fx_last_sql(&f->fx), "UPDATE `Users` SET `deletedAt`=? WHERE `name` = ?;");
    assert_int_equal(find_count(f, f->user, NULL), 3);
    /* force */
    CQ_ASSERT_OK(f->fx.db,
                 cq_model_destroy(&n, f->user, &(cq_bulk_opts){ .where = wa, .force = true }));
    assert_int_equal(n, 2);
    assert_string_equal(fx_last_sql(&f->fx), "DELETE FROM `Users` WHERE `name` = ?;");
    assert_int_equal(cq_test_scalar_int(f->fx.db, "SELECT count(*) FROM Users"), 1);
    /* restore on a model that is not paranoid */
    CQ_ASSERT_ERR(f->fx.db, CQ_EINVALID, cq_model_restore(&n, f->project, NULL));
    cq_value_free(wa);
}

static void test_paranoid__includes_and_getters(void **state)
{
    pfix *f = *state;
    cq_instance *u = create(f, f->user, "{\"name\":\"u\"}");
    cq_instance *gone = create(f, f->user, "{\"name\":\"gone\"}");
    cq_instance *t1 = create(f, f->task, "{\"title\":\"t1\",\"UserId\":1}");
    cq_instance *t2 = create(f, f->task, "{\"title\":\"t2\",\"UserId\":1}");
    cq_instance *t3 = create(f, f->task, "{\"title\":\"t3\",\"UserId\":2}");
    CQ_ASSERT_OK(f->fx.db, cq_instance_destroy(t2, NULL));
    CQ_ASSERT_OK(f->fx.db, cq_instance_destroy(gone, NULL));
    assert_int_equal(cq_test_scalar_int(f->fx.db, "SELECT count(*) FROM tasks WHERE removed_at IS "
                                                  "NOT NULL"),
                     1);
    /* getters */
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(f->fx.db, cq_assoc_get(&rows, u, f->tasks, NULL));
    assert_int_equal(cq_rows_count(rows), 1);
    assert_non_null(strstr(fx_last_sql(&f->fx),
                           "WHERE (`Task`.`removed_at` IS NULL AND `Task`.`user_id` = ?)"));
    cq_rows_free(rows);
    CQ_ASSERT_OK(f->fx.db, cq_assoc_get(&rows, u, f->tasks, &(cq_find_opts){ .paranoid = CQ_OFF }));
    assert_int_equal(cq_rows_count(rows), 2);
    cq_rows_free(rows);
    int64_t n = 0;
    CQ_ASSERT_OK(f->fx.db, cq_assoc_count(&n, u, f->tasks, NULL));
    assert_int_equal(n, 1);
    bool has = true;
    CQ_ASSERT_OK(f->fx.db,
                 cq_assoc_has(&has, u, f->tasks, &(cq_target){ .instance = t2 }, 1, NULL));
    assert_false(has);
    /* a to-many include: the join condition carries the clause; the include stays optional */
    CQ_ASSERT_OK(f->fx.db,
                 cq_model_find_all(&rows, f->user,
                                   &(cq_find_opts){
                                       .single_join = true,
                                       .include = (cq_include[]){ { .as = "Tasks" }, { 0 } },
                                   }));
    assert_non_null(strstr(fx_last_sql(&f->fx),
                           "LEFT OUTER JOIN `tasks` AS `Tasks` ON (`User`.`id` = "
                           "`Tasks`.`user_id` AND `Tasks`.`removed_at` IS NULL)"));
    assert_int_equal(cq_rows_count(rows), 1);
    const cq_rows *kids = NULL;
    cq_included_kind kind = CQ_INCLUDED_NONE;
    assert_int_equal(cq_instance_included(&kind, NULL, &kids, cq_rows_at(rows, 0), "Tasks"), CQ_OK);
    assert_int_equal(kind, CQ_INCLUDED_MANY);
    assert_int_equal(cq_rows_count(kids), 1);
    cq_rows_free(rows);
    /* the default (batched) strategy and paranoid: false on the include */
    CQ_ASSERT_OK(f->fx.db,
                 cq_model_find_all(
                     &rows, f->user,
                     &(cq_find_opts){
                         .include = (cq_include[]){ { .as = "Tasks", .paranoid = CQ_OFF }, { 0 } },
                     }));
    assert_int_equal(cq_instance_included(&kind, NULL, &kids, cq_rows_at(rows, 0), "Tasks"), CQ_OK);
    assert_int_equal(kind, CQ_INCLUDED_MANY);
    assert_int_equal(cq_rows_count(kids), 2);
    cq_rows_free(rows);
    /* a to-one include of a soft-deleted parent: LEFT OUTER JOIN gives NULL, row kept */
    cq_value *w = cq_test_json("{\"title\":\"t3\"}");
    CQ_ASSERT_OK(f->fx.db,
                 cq_model_find_all(&rows, f->task,
                                   &(cq_find_opts){
                                       .where = w,
                                       .include = (cq_include[]){ { .as = "User" }, { 0 } },
                                   }));
    assert_non_null(strstr(fx_last_sql(&f->fx),
                           "LEFT OUTER JOIN `Users` AS `User` ON (`Task`.`user_id` = "
                           "`User`.`id` AND `User`.`deletedAt` IS NULL)"));
    assert_int_equal(cq_rows_count(rows), 1);
    cq_instance *owner = (cq_instance *)1;
    assert_int_equal(cq_instance_included(&kind, &owner, NULL, cq_rows_at(rows, 0), "User"), CQ_OK);
    assert_int_equal(kind, CQ_INCLUDED_ONE);
    assert_null(owner);
    /* a key nothing was loaded under is no error; a NULL key is */
    assert_int_equal(cq_instance_included(&kind, &owner, NULL, cq_rows_at(rows, 0), "Tasks"),
                     CQ_OK);
    assert_int_equal(kind, CQ_INCLUDED_NONE);
    assert_int_equal(cq_instance_included(&kind, &owner, NULL, cq_rows_at(rows, 0), NULL),
                     CQ_EINVALID);
    cq_rows_free(rows);
    cq_value_free(w);
    cq_instance_free(u);
    cq_instance_free(gone);
    cq_instance_free(t1);
    cq_instance_free(t2);
    cq_instance_free(t3);
}

static void test_paranoid__through(void **state)
{
    pfix *f = *state;
    cq_instance *u = create(f, f->user, "{\"name\":\"u\"}");
    cq_instance *p1 = create(f, f->project, "{\"title\":\"p1\"}");
    cq_instance *p2 = create(f, f->project, "{\"title\":\"p2\"}");
    cq_target both[] = { { .instance = p1 }, { .instance = p2 } };
    CQ_ASSERT_OK(f->fx.db, cq_assoc_add(u, f->projects, both, 2, NULL));
    CQ_ASSERT_OK(f->fx.db, cq_assoc_remove(u, f->projects, both, 1, NULL));
    assert_string_equal(fx_last_sql(&f->fx),
                        "UPDATE `UserProjects` SET `deletedAt`=? WHERE (`deletedAt` "
                        "IS NULL AND (`UserId` = ? AND `ProjectId` IN (?)));");
    assert_int_equal(cq_test_scalar_int(f->fx.db, "SELECT count(*) FROM UserProjects"), 2);
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(f->fx.db, cq_assoc_get(&rows, u, f->projects, NULL));
    assert_int_equal(cq_rows_count(rows), 1);
    assert_non_null(strstr(fx_last_sql(&f->fx),
                           "ON (`Project`.`id` = `UserProjects`.`ProjectId` AND "
                           "`UserProjects`.`deletedAt` IS NULL AND "
                           "`UserProjects`.`UserId` = ?)"));
    cq_rows_free(rows);
    CQ_ASSERT_OK(f->fx.db, cq_assoc_get(&rows, u, f->projects,
                                        &(cq_find_opts){ .through_paranoid = CQ_OFF }));
    assert_int_equal(cq_rows_count(rows), 2);
    cq_rows_free(rows);
    bool has = true;
    CQ_ASSERT_OK(f->fx.db, cq_assoc_has(&has, u, f->projects, both, 1, NULL));
    assert_false(has);
    CQ_ASSERT_OK(f->fx.db,
                 cq_model_find_all(&rows, f->user,
                                   &(cq_find_opts){
                                       .include = (cq_include[]){ { .as = "Projects" }, { 0 } },
                                   }));
    const cq_rows *kids = NULL;
    cq_included_kind kind = CQ_INCLUDED_NONE;
    assert_int_equal(cq_instance_included(&kind, NULL, &kids, cq_rows_at(rows, 0), "Projects"),
                     CQ_OK);
    assert_int_equal(kind, CQ_INCLUDED_MANY);
    assert_int_equal(cq_rows_count(kids), 1);
    cq_rows_free(rows);
    /* the same joined in one statement, and with through: {paranoid: false} */
    CQ_ASSERT_OK(f->fx.db,
                 cq_model_find_all(&rows, f->user,
                                   &(cq_find_opts){
                                       .single_join = true,
                                       .include = (cq_include[]){ { .as = "Projects" }, { 0 } },
                                   }));
    assert_non_null(strstr(fx_last_sql(&f->fx), "`Projects->UserProjects`.`deletedAt` IS NULL"));
    assert_int_equal(cq_instance_included(&kind, NULL, &kids, cq_rows_at(rows, 0), "Projects"),
                     CQ_OK);
    assert_int_equal(kind, CQ_INCLUDED_MANY);
    assert_int_equal(cq_rows_count(kids), 1);
    cq_rows_free(rows);
    CQ_ASSERT_OK(f->fx.db,
                 cq_model_find_all(&rows, f->user,
                                   &(cq_find_opts){
                                       .include = (cq_include[]){ { .as = "Projects",
                                                                    .through_paranoid = CQ_OFF },
                                                                  { 0 } },
                                   }));
    assert_int_equal(cq_instance_included(&kind, NULL, &kids, cq_rows_at(rows, 0), "Projects"),
                     CQ_OK);
    assert_int_equal(kind, CQ_INCLUDED_MANY);
    assert_int_equal(cq_rows_count(kids), 2);
    cq_rows_free(rows);
    /* the pitfall (associations.md 5): adding it back does not see the soft-deleted row and
     * INSERTs again, which the key pair rejects, as in v6 */
    CQ_ASSERT_ERR(f->fx.db, CQ_EUNIQUE, cq_assoc_add(u, f->projects, both, 1, NULL));
    cq_instance_free(u);
    cq_instance_free(p1);
    cq_instance_free(p2);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_paranoid__instance_destroy_is_soft),
        T(test_paranoid__model_destroy_update_restore),
        T(test_paranoid__includes_and_getters),
        T(test_paranoid__through),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
