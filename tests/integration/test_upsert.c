/* upsert on SQLite, PostgreSQL and MySQL/MariaDB: one INSERT ... ON CONFLICT / ON DUPLICATE
 * KEY UPDATE per call, the conflict target chosen as Sequelize chooses it, `fields`,
 * `conflict_fields`, createdAt kept on a conflicting row, the return value per dialect; every
 * outcome read back from the database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cq_server.h"

typedef srv_models up_fixture;

static int setup(void **state)
{
    if (srv_models_setup(state) != 0)
        return -1;
    up_fixture *f = *state;
    cq_attr attrs[] = {
        { .name = "email", .type = CQ_STRING, .unique = true },
        { .name = "name", .type = CQ_STRING },
        { .name = "n", .type = CQ_INTEGER },
        { 0 },
    };
    f->user = srv_define(f->db, "user", attrs, NULL);
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, &(cq_sync_opts){ .force = true }));
    return 0;
}

/* upsert of the JSON text `json`; returns the instance (free it) and the created flag. */
static cq_instance *upsert(up_fixture *f, const char *json, const cq_upsert_opts *opts,
                           int *created)
{
    cq_value *v = cq_test_json(json);
    cq_instance *inst = NULL;
    CQ_ASSERT_OK(f->db, cq_model_upsert(&inst, created, f->user, v, opts));
    cq_value_free(v);
    return inst;
}

static void assert_created(up_fixture *f, int created, int on_mysql)
{
    assert_int_equal(created, f->d == CQ_DIALECT_MYSQL ? on_mysql : -1);
}

static void test_upsert(void **state)
{
    up_fixture *f = *state;
    int created = 99;
    cq_instance *u = upsert(f, "{\"email\":\"a@x\",\"name\":\"A\",\"n\":1}", NULL, &created);
    assert_created(f, created, 1);
    /* no key given: the unique email is the conflict target */
    assert_true(strstr(f->srv->last_sql, "ON CONFLICT (\"email\") DO UPDATE SET") ||
                strstr(f->srv->last_sql, "ON CONFLICT (`email`) DO UPDATE SET") ||
                strstr(f->srv->last_sql, "ON DUPLICATE KEY UPDATE `email`=VALUES(`email`)"));
    assert_null(strstr(f->srv->last_sql, "EXCLUDED.\"createdAt\""));
    int64_t id = 0;
    CQ_ASSERT_OK(f->db, cq_instance_get_int(&id, u, "id"));
    assert_int_equal(id, 1);
    assert_false(cq_instance_is_new_record(u));
    cq_instance_free(u);

    /* the key given: the primary key is the target, every given attribute moves */
    u = upsert(f, "{\"id\":1,\"email\":\"a@x\",\"name\":\"A2\",\"n\":2}", NULL, &created);
    assert_created(f, created, 0);
    /* (PostgreSQL's last statement is the sequence catching up with the explicit key) */
    if (f->d == CQ_DIALECT_SQLITE)
        assert_non_null(strstr(f->srv->last_sql, "ON CONFLICT (`id`) DO UPDATE SET `id`="));
    cq_instance_free(u);
    srv_assert_query(f->db, "SELECT id, email, name, n FROM users",
                     "[{\"id\":1,\"email\":\"a@x\",\"name\":\"A2\",\"n\":2}]");

    /* by email, without n: n stays as stored; PostgreSQL and SQLite return the stored row */
    u = upsert(f, "{\"email\":\"a@x\",\"name\":\"A3\"}", NULL, &created);
    CQ_ASSERT_OK(f->db, cq_instance_get_int(&id, u, "id"));
    assert_int_equal(id, 1);
    if (f->d != CQ_DIALECT_MYSQL) {
        int64_t n = 0;
        CQ_ASSERT_OK(f->db, cq_instance_get_int(&n, u, "n"));
        assert_int_equal(n, 2);
    }
    cq_instance_free(u);
    srv_assert_query(f->db, "SELECT id, email, name, n FROM users",
                     "[{\"id\":1,\"email\":\"a@x\",\"name\":\"A3\",\"n\":2}]");

    /* fields: only name moves on conflict */
    u = upsert(f, "{\"id\":1,\"email\":\"a@x\",\"name\":\"A4\",\"n\":9}",
               &(cq_upsert_opts){ .fields = (const char *[]){ "name", NULL } }, NULL);
    cq_instance_free(u);
    srv_assert_query(f->db, "SELECT id, email, name, n FROM users",
                     "[{\"id\":1,\"email\":\"a@x\",\"name\":\"A4\",\"n\":2}]");

    /* conflict_fields: a new email is a new row */
    u = upsert(f, "{\"email\":\"b@x\",\"name\":\"B\"}",
               &(cq_upsert_opts){ .conflict_fields = (const char *[]){ "email", NULL } }, &created);
    assert_created(f, created, 1);
    CQ_ASSERT_OK(f->db, cq_instance_get_int(&id, u, "id"));
    /* (SQLite's AUTOINCREMENT and InnoDB spend a key on every upsert, PostgreSQL's sequence
     * did not move for the explicit ones) */
    assert_true(id > 1);
    char where[64];
    snprintf(where, sizeof where, "{\"id\":%lld,\"email\":\"b@x\"}", (long long)id);
    assert_int_equal(srv_count_where(f->db, f->user, where), 1);
    cq_instance_free(u);
    assert_int_equal(srv_count_where(f->db, f->user, NULL), 2);
}

static void test_created_at_kept(void **state)
{
    up_fixture *f = *state;
    cq_instance_free(upsert(f, "{\"email\":\"a@x\",\"name\":\"A\"}", NULL, NULL));
    cq_value *old = cq_test_json("{\"createdAt\":\"2000-01-01T00:00:00.000Z\","
                                 "\"updatedAt\":\"2000-01-01T00:00:00.000Z\"}");
    cq_value *all = cq_test_json("{}");
    CQ_ASSERT_OK(f->db, cq_model_update(NULL, f->user, old, &(cq_bulk_opts){ .where = all }));
    cq_instance_free(upsert(f, "{\"email\":\"a@x\",\"name\":\"Z\"}", NULL, NULL));
    assert_int_equal(srv_count_where(f->db, f->user,
                                     "{\"createdAt\":\"2000-01-01T00:00:00.000Z\",\"name\":\"Z\"}"),
                     1);
    assert_int_equal(
        srv_count_where(f->db, f->user, "{\"updatedAt\":\"2000-01-01T00:00:00.000Z\"}"), 0);
    cq_value_free(all);
    cq_value_free(old);
}

static void test_bad_input(void **state)
{
    up_fixture *f = *state;
    cq_value *v = cq_test_json("{\"email\":\"a@x\",\"nope\":1}");
    cq_instance *u = NULL;
    assert_int_equal(cq_model_upsert(&u, NULL, f->user, v, NULL), CQ_EUNKNOWN_ATTR);
    assert_null(u);
    cq_value_free(v);
    v = cq_test_json("{\"email\":\"a@x\"}");
    assert_int_equal(
        cq_model_upsert(&u, NULL, f->user, v,
                        &(cq_upsert_opts){ .conflict_fields = (const char *[]){ "zz", NULL } }),
        CQ_EUNKNOWN_ATTR);
    assert_int_equal(cq_model_upsert(&u, NULL, NULL, v, NULL), CQ_EINVALID);
    cq_value_free(v);
    assert_int_equal(srv_count_where(f->db, f->user, NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_upsert, setup, srv_models_teardown),
        cmocka_unit_test_setup_teardown(test_created_at_kept, setup, srv_models_teardown),
        cmocka_unit_test_setup_teardown(test_bad_input, setup, srv_models_teardown),
    };
    return SRV_RUN_TESTS("test_upsert", "cq_upsert", tests);
}
