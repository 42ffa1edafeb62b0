/* increment / decrement on models and instances, on SQLite, PostgreSQL and MySQL/MariaDB:
 * one atomic UPDATE "n"="n"+ ? per call (names, lists, objects of amounts, `by`, where,
 * silent, version models), values read back from the database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cq_server.h"

typedef srv_models inc_fixture;

static int setup(void **state)
{
    if (srv_models_setup(state) != 0)
        return -1;
    inc_fixture *f = *state;
    cq_attr uattrs[] = {
        { .name = "name", .type = CQ_STRING },
        { .name = "n", .type = CQ_INTEGER },
        { .name = "m", .type = CQ_INTEGER },
        { .name = "score", .type = CQ_DOUBLE },
        { 0 },
    };
    cq_attr pattrs[] = { { .name = "views", .type = CQ_INTEGER }, { 0 } };
    f->user = srv_define(f->db, "user", uattrs, NULL);
    f->post = srv_define(f->db, "post", pattrs,
                         &(cq_model_opts){ .timestamps = CQ_OFF, .version = true });
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, &(cq_sync_opts){ .force = true }));
    cq_instance_free(srv_create(f->db, f->user, "{\"name\":\"ada\",\"n\":0,\"m\":10,\"score\":1}"));
    cq_instance_free(srv_create(f->db, f->user, "{\"name\":\"bob\",\"n\":5,\"m\":10,\"score\":1}"));
    return 0;
}

/* The user's row as {"n", "m"} read back from the database. */
static void assert_user(inc_fixture *f, int64_t id, const char *expected)
{
    char where[64];
    snprintf(where, sizeof where, "{\"id\":%lld}", (long long)id);
    cq_value *w = cq_test_json(where);
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(f->db, cq_model_find_all(&rows, f->user,
                                          &(cq_find_opts){ .where = w,
                                                           .attributes = (const char *[]){
                                                               "n", "m", "score", NULL } }));
    assert_int_equal(cq_rows_count(rows), 1);
    srv_assert_instance(cq_rows_at(rows, 0), expected);
    cq_rows_free(rows);
    cq_value_free(w);
}

static void test_instance_increment(void **state)
{
    inc_fixture *f = *state;
    cq_instance *ada = NULL;
    cq_value *pk = cq_value_int(1);
    CQ_ASSERT_OK(f->db, cq_model_find_by_pk(&ada, f->user, pk, NULL));
    cq_value_free(pk);
    cq_value *n = cq_value_text("n");
    CQ_ASSERT_OK(f->db, cq_instance_increment(ada, n, NULL));
    assert_non_null(strstr(f->srv->last_sql, "SET "));
    assert_non_null(strstr(f->srv->last_sql, "=")); /* "n"="n"+ ? */
    assert_true(strstr(f->srv->last_sql, "\"n\"=\"n\"+ ") || strstr(f->srv->last_sql, "`n`=`n`+ "));
    /* as in Sequelize, the instance keeps what it had until reloaded */
    int64_t got = -1;
    CQ_ASSERT_OK(f->db, cq_instance_get_int(&got, ada, "n"));
    assert_int_equal(got, 0);
    assert_user(f, 1, "{\"n\":1,\"m\":10,\"score\":1}");

    cq_value *both = cq_test_json("[\"n\",\"m\"]");
    CQ_ASSERT_OK(f->db, cq_instance_increment(ada, both, &(cq_increment_opts){ .by = 2 }));
    assert_user(f, 1, "{\"n\":3,\"m\":12,\"score\":1}");
    cq_value *amounts = cq_test_json("{\"n\":5,\"m\":-1,\"score\":0.5}");
    CQ_ASSERT_OK(f->db, cq_instance_increment(ada, amounts, &(cq_increment_opts){ .by = 100 }));
    assert_user(f, 1, "{\"n\":8,\"m\":11,\"score\":1.5}");
    CQ_ASSERT_OK(f->db, cq_instance_decrement(ada, n, &(cq_increment_opts){ .by = 3 }));
    assert_user(f, 1, "{\"n\":5,\"m\":11,\"score\":1.5}");
    CQ_ASSERT_OK(f->db, cq_instance_reload(ada, NULL));
    CQ_ASSERT_OK(f->db, cq_instance_get_int(&got, ada, "n"));
    assert_int_equal(got, 5);
    /* the other row never moved */
    assert_user(f, 2, "{\"n\":5,\"m\":10,\"score\":1}");

    /* bad input is refused before anything is sent, and nothing moves */
    size_t before = f->srv->statements;
    cq_value *nope = cq_value_text("nope");
    assert_int_equal(cq_instance_increment(ada, nope, NULL), CQ_EUNKNOWN_ATTR);
    assert_non_null(strstr(cq_db_error(f->db)->message, "nope"));
    cq_value *bad = cq_test_json("{\"n\":\"x\"}");
    assert_int_equal(cq_instance_increment(ada, bad, NULL), CQ_EINVALID);
    cq_value *empty = cq_test_json("[]");
    assert_int_equal(cq_instance_increment(ada, empty, NULL), CQ_EINVALID);
    cq_value *w = cq_test_json("{}");
    assert_int_equal(cq_instance_increment(ada, n, &(cq_increment_opts){ .where = w }),
                     CQ_EINVALID);
    assert_int_equal(f->srv->statements, before);
    assert_user(f, 1, "{\"n\":5,\"m\":11,\"score\":1.5}");

    cq_instance *fresh = NULL;
    CQ_ASSERT_OK(f->db, cq_model_build(&fresh, f->user, NULL));
    assert_int_equal(cq_instance_increment(fresh, n, NULL), CQ_EINVALID);
    assert_int_equal(cq_instance_increment(NULL, n, NULL), CQ_EINVALID);
    cq_instance_free(fresh);
    cq_value_free(w);
    cq_value_free(empty);
    cq_value_free(bad);
    cq_value_free(nope);
    cq_value_free(amounts);
    cq_value_free(both);
    cq_value_free(n);
    cq_instance_free(ada);
}

static void test_model_increment(void **state)
{
    inc_fixture *f = *state;
    cq_value *n = cq_value_text("n");
    cq_value *w = cq_test_json("{\"name\":\"bob\"}");
    int64_t count = -1;
    CQ_ASSERT_OK(f->db, cq_model_increment(&count, f->user, n,
                                           &(cq_increment_opts){ .where = w, .by = 10 }));
    assert_int_equal(count, 1);
    assert_user(f, 2, "{\"n\":15,\"m\":10,\"score\":1}");
    assert_user(f, 1, "{\"n\":0,\"m\":10,\"score\":1}");
    /* an empty where moves every row; without one it is refused */
    cq_value *all = cq_test_json("{}");
    cq_value *nm = cq_test_json("[\"n\",\"m\"]");
    CQ_ASSERT_OK(f->db,
                 cq_model_decrement(&count, f->user, nm, &(cq_increment_opts){ .where = all }));
    assert_int_equal(count, 2);
    assert_user(f, 1, "{\"n\":-1,\"m\":9,\"score\":1}");
    assert_user(f, 2, "{\"n\":14,\"m\":9,\"score\":1}");
    assert_int_equal(cq_model_increment(&count, f->user, n, NULL), CQ_EINVALID);
    assert_non_null(strstr(cq_db_error(f->db)->message, "needs a where"));
    assert_int_equal(count, 0);

    /* updatedAt moves unless silent */
    cq_value *ts = cq_test_json("{\"updatedAt\":\"2000-01-01T00:00:00.000Z\"}");
    CQ_ASSERT_OK(f->db, cq_model_update(NULL, f->user, ts, &(cq_bulk_opts){ .where = all }));
    CQ_ASSERT_OK(f->db, cq_model_increment(&count, f->user, n,
                                           &(cq_increment_opts){ .where = w, .silent = true }));
    assert_int_equal(
        srv_count_where(f->db, f->user, "{\"updatedAt\":\"2000-01-01T00:00:00.000Z\"}"), 2);
    CQ_ASSERT_OK(f->db, cq_model_increment(&count, f->user, n, &(cq_increment_opts){ .where = w }));
    assert_int_equal(
        srv_count_where(f->db, f->user, "{\"updatedAt\":\"2000-01-01T00:00:00.000Z\"}"), 1);
    assert_user(f, 2, "{\"n\":16,\"m\":9,\"score\":1}");

    cq_value_free(ts);
    cq_value_free(nm);
    cq_value_free(all);
    cq_value_free(w);
    cq_value_free(n);
}

static void test_version_moves(void **state)
{
    inc_fixture *f = *state;
    cq_instance *p = srv_create(f->db, f->post, "{\"views\":1}");
    cq_value *views = cq_value_text("views");
    CQ_ASSERT_OK(f->db, cq_instance_increment(p, views, NULL));
    srv_assert_query(f->db, "SELECT views, version FROM posts", "[{\"views\":2,\"version\":1}]");
    cq_value_free(views);
    cq_instance_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_instance_increment, setup, srv_models_teardown),
        cmocka_unit_test_setup_teardown(test_model_increment, setup, srv_models_teardown),
        cmocka_unit_test_setup_teardown(test_version_moves, setup, srv_models_teardown),
    };
    return SRV_RUN_TESTS("test_increment", "cq_increment", tests);
}
