/* An association whose join key is no longer on the join model (a later belongsToMany over the
 * same join model re-defined its keys: pairing renamed a derived otherKey away). getX, countX,
 * hasX, addX, setX, removeX, createX, include and create-with-include report the missing
 * attribute, naming the join model and the attribute (CQ_EUNKNOWN_ATTR), where a NULL from the
 * lookup used to read as "out of memory"; nothing is sent, nothing is written. Sequelize 6 sends
 * the statements and the database refuses them ("no such column: UP.pid"). On SQLite,
 * PostgreSQL and MySQL. */
#define _POSIX_C_SOURCE 200809L
#include "cq_dialects.h"

#include <string.h>

static cq_model *define(cq_db *db, const char *name)
{
    cq_model *m = NULL;
    cq_attr attrs[] = { { .name = "name", .type = CQ_STRING }, { 0 } };
    CQ_ASSERT_OK(db, cq_db_define(&m, db, name, attrs, &(cq_model_opts){ .timestamps = CQ_OFF }));
    return m;
}

static const char *const want =
    "the join model \"UP\" has no attribute \"pid\", the foreign key of project.users (a later "
    "association over the same join model re-defined its keys)";

static void assert_stale(dx_fixture *f, int rc, const char *method)
{
    assert_int_equal(rc, CQ_EUNKNOWN_ATTR);
    char msg[512];
    snprintf(msg, sizeof msg, "%s: %s", method, want);
    assert_string_equal(cq_db_error(f->db)->message, msg);
    assert_null(strstr(cq_db_error(f->db)->message, "out of memory"));
}

static void test_stale__every_accessor_and_include(void **state)
{
    dx_fixture *f = *state;
    cq_db *db = f->db;
    cq_model *user = define(db, "user"), *project = define(db, "project");
    cq_assoc *projects = NULL, *users = NULL, *members = NULL;
    const cq_assoc_opts up = { .through = "UP", .timestamps = CQ_OFF };
    cq_assoc_opts o2 = up, o3 = up;
    o2.foreign_key = "pid";
    o3.foreign_key = "mid";
    o3.as = "members";
    CQ_ASSERT_OK(db, cq_model_belongs_to_many(&projects, user, project, &up));
    CQ_ASSERT_OK(db, cq_model_belongs_to_many(&users, project, user, &o2));
    CQ_ASSERT_OK(db, cq_model_belongs_to_many(&members, project, user, &o3));
    /* Sequelize's join model too: UP(userId, mid) */
    cq_model *through = cq_assoc_through(users);
    assert_int_equal(cq_model_attr_count(through), 2);
    assert_string_equal(cq_model_attr_name(through, 0), "userId");
    assert_string_equal(cq_model_attr_name(through, 1), "mid");
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    cq_value *v = cq_test_json("{\"name\":\"a\"}");
    cq_instance *u = NULL, *p = NULL, *made = NULL;
    CQ_ASSERT_OK(db, cq_model_create(&u, user, v, NULL));
    CQ_ASSERT_OK(db, cq_model_create(&p, project, v, NULL));
    dx_clear(f);

    cq_rows *rows = NULL;
    int64_t n = -1;
    bool has = true;
    cq_target t = { .instance = u };
    assert_stale(f, cq_assoc_get(&rows, p, users, NULL), "getUsers");
    assert_null(rows);
    assert_stale(f, cq_assoc_count(&n, p, users, NULL), "countUsers");
    assert_stale(f, cq_assoc_has(&has, p, users, &t, 1, NULL), "hasUser");
    assert_stale(f, cq_assoc_add(p, users, &t, 1, NULL), "addUser");
    assert_stale(f, cq_assoc_set(p, users, &t, 1, NULL), "setUsers");
    assert_stale(f, cq_assoc_remove(p, users, &t, 1, NULL), "removeUser");
    assert_stale(f, cq_assoc_create(&made, p, users, v, NULL), "createUser");
    assert_null(made);
    assert_stale(
        f,
        cq_model_find_all(
            &rows, project,
            &(cq_find_opts){ .include = (cq_include[]){ { .association = users }, { 0 } } }),
        "include users");
    cq_value *nested = cq_test_json("{\"name\":\"q\",\"users\":[{\"name\":\"b\"}]}");
    assert_stale(
        f,
        cq_model_create(
            &made, project, nested,
            &(cq_write_opts){ .include = (cq_include[]){ { .association = users }, { 0 } } }),
        "create with include users");
    cq_value_free(nested);
    dx_assert_count(f, 0);

    /* the associations whose keys are there keep working */
    CQ_ASSERT_OK(db, cq_assoc_add(p, members, &t, 1, NULL));
    CQ_ASSERT_OK(db, cq_assoc_count(&n, p, members, NULL));
    assert_int_equal(n, 1);
    CQ_ASSERT_OK(db, cq_assoc_get(&rows, u, projects, NULL));
    assert_int_equal(cq_rows_count(rows), 1);
    cq_rows_free(rows);
    CQ_ASSERT_OK(db, cq_model_count(&n, user, NULL));
    assert_int_equal(n, 1); /* createUser wrote nothing */
    cq_value_free(v);
    cq_instance_free(u);
    cq_instance_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_stale__every_accessor_and_include, dx_setup,
                                        dx_teardown),
    };
    return DX_RUN("test_stale_join_key", tests);
}
