/* Model scopes on SQLite, PostgreSQL and MySQL/MariaDB: defaultScope on finders, counts,
 * aggregates, bulk update/destroy, includes and getters (not on create); named and function
 * scopes combined with v6's merge rules; unscoped; scopes of included models; schema files
 * with bound function scopes. Rows read back from the database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cq_server.h"

typedef srv_models sc_fixture;

/* ageBelow(n): {where: {age: {$lt: n}}} */
static int age_below(cq_value **out, const cq_model *model, const cq_value *args, void *data)
{
    (void)model;
    (*(int *)data)++;
    char buf[128];
    snprintf(buf, sizeof buf, "{\"where\":{\"age\":{\"$lt\":%lld}}}",
             (long long)cq_value_as_int(cq_value_array_get(args, 0)));
    return cq_value_from_json(out, buf, NULL);
}

static int calls;

static int setup(void **state)
{
    if (srv_models_setup(state) != 0)
        return -1;
    sc_fixture *f = *state;
    CQ_ASSERT_OK(f->db, cq_db_bind_scope(f->db, "ageBelow", age_below, &calls));
    CQ_ASSERT_OK(
        f->db,
        cq_db_load_schema(
            f->db,
            "{\"models\":{"
            "\"User\":{\"attributes\":{\"name\":\"STRING\",\"age\":\"INTEGER\",\"active\":"
            "\"BOOLEAN\","
            "\"role\":\"STRING\"},\"options\":{\"timestamps\":false,"
            "\"defaultScope\":{\"where\":{\"active\":true}},"
            "\"scopes\":{\"adults\":{\"where\":{\"age\":{\"[Op.gte]\":18}}},"
            "\"admins\":{\"where\":{\"role\":\"admin\"}},"
            "\"old\":{\"where\":{\"age\":{\"[Op.gt]\":60}}},"
            "\"young\":{\"where\":{\"age\":{\"[Op.lt]\":30}}},"
            "\"names\":{\"attributes\":[\"id\",\"name\"]},"
            "\"excl\":{\"attributes\":{\"exclude\":[\"role\"]}},"
            "\"ordered\":{\"order\":[[\"age\",\"DESC\"]],\"limit\":2},"
            "\"ageBelow\":\"ageBelow\","
            "\"withPosts\":{\"include\":[{\"as\":\"posts\"}]},"
            "\"withT\":{\"include\":[{\"as\":\"posts\",\"scope\":\"t\"}]},"
            "\"withU\":{\"include\":[{\"as\":\"posts\",\"where\":{\"title\":\"u\"},\"attributes\":["
            "\"id\",\"title\"]}]}}}},"
            "\"Post\":{\"attributes\":{\"title\":\"STRING\",\"published\":\"BOOLEAN\"},"
            "\"options\":{\"timestamps\":false,\"defaultScope\":{\"where\":{\"published\":true}},"
            "\"scopes\":{\"t\":{\"where\":{\"title\":\"t\"}}}}}},"
            "\"associations\":["
            "{\"type\":\"hasMany\",\"source\":\"User\",\"target\":\"Post\",\"options\":{\"as\":"
            "\"posts\",\"foreignKey\":\"userId\"}},"
            "{\"type\":\"belongsTo\",\"source\":\"Post\",\"target\":\"User\",\"options\":{\"as\":"
            "\"author\",\"foreignKey\":\"userId\"}}]}",
            NULL));
    f->user = cq_db_model(f->db, "User");
    f->post = cq_db_model(f->db, "Post");
    f->posts = cq_model_assoc(f->user, "posts");
    f->author = cq_model_assoc(f->post, "author");
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, &(cq_sync_opts){ .force = true }));
    cq_instance_free(srv_create(
        f->db, f->user, "{\"name\":\"ann\",\"age\":70,\"active\":true,\"role\":\"admin\"}"));
    cq_instance_free(srv_create(f->db, f->user,
                                "{\"name\":\"bob\",\"age\":25,\"active\":true,\"role\":\"user\"}"));
    cq_instance_free(srv_create(f->db, f->user,
                                "{\"name\":\"cid\",\"age\":10,\"active\":true,\"role\":\"user\"}"));
    cq_instance_free(srv_create(
        f->db, f->user, "{\"name\":\"dan\",\"age\":40,\"active\":false,\"role\":\"admin\"}"));
    cq_instance_free(
        srv_create(f->db, f->post, "{\"title\":\"t\",\"published\":true,\"userId\":1}"));
    cq_instance_free(
        srv_create(f->db, f->post, "{\"title\":\"u\",\"published\":true,\"userId\":1}"));
    cq_instance_free(
        srv_create(f->db, f->post, "{\"title\":\"t\",\"published\":false,\"userId\":2}"));
    cq_instance_free(
        srv_create(f->db, f->post, "{\"title\":\"u\",\"published\":true,\"userId\":4}"));
    return 0;
}

static const cq_order by_id[] = { { .attr = "id" }, { 0 } };

/* The names findAll returns with `scope` and `where` (JSON text; NULL = none), comma-joined. */
static void assert_names(sc_fixture *f, const char *scope, const char *where, const char *want)
{
    cq_value *s = scope ? cq_test_json(scope) : NULL, *w = where ? cq_test_json(where) : NULL;
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(f->db,
                 cq_model_find_all(&rows, f->user,
                                   &(cq_find_opts){ .scope = s, .where = w, .order = by_id }));
    char got[256] = "";
    for (size_t i = 0; i < cq_rows_count(rows); i++) {
        if (i)
            strcat(got, ",");
        strcat(got, cq_instance_text(cq_rows_at(rows, i), "name"));
    }
    if (strcmp(got, want) != 0)
        fail_msg("scope %s where %s: got [%s], expected [%s]", scope ? scope : "-",
                 where ? where : "-", got, want);
    cq_rows_free(rows);
    cq_value_free(s);
    cq_value_free(w);
}

static void test_default_and_named(void **state)
{
    sc_fixture *f = *state;
    assert_names(f, NULL, NULL, "ann,bob,cid");
    /* the call's where comes last, key by key: active: false replaces the default's */
    assert_names(f, NULL, "{\"active\":false}", "dan");
    assert_names(f, NULL, "{\"role\":\"admin\"}", "ann");
    assert_names(f, "[]", NULL, "ann,bob,cid,dan"); /* unscoped() */
    assert_names(f, "[\"adults\"]", NULL, "ann,bob,dan");
    assert_names(f, "[\"defaultScope\",\"adults\"]", NULL, "ann,bob");
    assert_names(f, "[\"adults\",\"admins\"]", NULL, "ann,dan");
    /* the same key in two scopes: the later one wins (v6 merges where by key) */
    assert_names(f, "[\"old\",\"young\"]", NULL, "bob,cid");
    assert_names(f, "\"old\"", "{\"age\":40}", "dan");
    /* function scopes, with and without the schema's binding, and inline objects */
    calls = 0;
    assert_names(f, "[{\"method\":[\"ageBelow\",30]}]", NULL, "bob,cid");
    assert_names(f, "[\"adults\",{\"method\":[\"ageBelow\",30]}]", NULL, "bob,cid");
    assert_names(f, "[\"defaultScope\",{\"method\":[\"ageBelow\",20]}]", NULL, "cid");
    assert_names(f, "[{\"where\":{\"name\":\"dan\"}}]", NULL, "dan");
    assert_int_equal(calls, 3);
    assert_true(strstr(f->srv->last_sql, "\"age\" < ") || strstr(f->srv->last_sql, "`age` < ") ||
                strstr(f->srv->last_sql, "\"name\" = ") || strstr(f->srv->last_sql, "`name` = "));

    /* attributes: arrays united with the call's, a later {exclude} replaces a list */
    cq_value *s = cq_test_json("\"names\"");
    cq_instance *one = NULL;
    CQ_ASSERT_OK(
        f->db, cq_model_find_one(&one, f->user,
                                 &(cq_find_opts){ .scope = s,
                                                  .order = by_id,
                                                  .attributes = (const char *[]){ "age", NULL } }));
    srv_assert_instance(one, "{\"id\":1,\"name\":\"ann\",\"age\":70}");
    cq_instance_free(one);
    cq_value_free(s);
    s = cq_test_json("[\"names\",\"excl\"]");
    CQ_ASSERT_OK(f->db,
                 cq_model_find_one(&one, f->user, &(cq_find_opts){ .scope = s, .order = by_id }));
    srv_assert_instance(one, "{\"id\":1,\"name\":\"ann\",\"age\":70,\"active\":true}");
    cq_instance_free(one);
    cq_value_free(s);
    s = cq_test_json("[\"excl\",\"names\"]");
    CQ_ASSERT_OK(f->db,
                 cq_model_find_one(&one, f->user, &(cq_find_opts){ .scope = s, .order = by_id }));
    srv_assert_instance(one, "{\"id\":1,\"name\":\"ann\"}");
    cq_instance_free(one);
    cq_value_free(s);
    /* order and limit from the scope; the call's limit wins */
    s = cq_test_json("[\"ordered\"]");
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(f->db, cq_model_find_all(&rows, f->user, &(cq_find_opts){ .scope = s }));
    assert_int_equal(cq_rows_count(rows), 2);
    assert_string_equal(cq_instance_text(cq_rows_at(rows, 0), "name"), "ann");
    assert_string_equal(cq_instance_text(cq_rows_at(rows, 1), "name"), "dan");
    cq_rows_free(rows);
    CQ_ASSERT_OK(f->db,
                 cq_model_find_all(&rows, f->user, &(cq_find_opts){ .scope = s, .limit = 3 }));
    assert_int_equal(cq_rows_count(rows), 3);
    cq_rows_free(rows);
    cq_value_free(s);

    /* bad selections are errors before any statement */
    size_t before = f->srv->statements;
    const char *bad[] = { "[\"nope\"]", "[{\"method\":[\"adults\"]}]", "[{\"bogus\":1}]",
                          "[{\"method\":[\"nope\",1]}]", "[7]" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        s = cq_test_json(bad[i]);
        rows = (cq_rows *)1;
        assert_int_equal(cq_model_find_all(&rows, f->user, &(cq_find_opts){ .scope = s }),
                         CQ_EINVALID);
        assert_null(rows);
        cq_value_free(s);
    }
    assert_int_equal(f->srv->statements, before);
}

static void test_other_calls(void **state)
{
    sc_fixture *f = *state;
    int64_t n = 0;
    CQ_ASSERT_OK(f->db, cq_model_count(&n, f->user, NULL));
    assert_int_equal(n, 3);
    cq_value *s = cq_test_json("[\"adults\"]");
    CQ_ASSERT_OK(f->db, cq_model_count(&n, f->user, &(cq_find_opts){ .scope = s }));
    assert_int_equal(n, 3);
    cq_value *pk = cq_value_int(4);
    cq_instance *one = (cq_instance *)1;
    CQ_ASSERT_OK(f->db, cq_model_find_by_pk(&one, f->user, pk, NULL)); /* dan is not active */
    assert_null(one);
    CQ_ASSERT_OK(
        f->db, cq_model_find_by_pk(&one, f->user, pk, &(cq_find_opts){ .scope = CQ_EMPTY_ARRAY }));
    assert_non_null(one);
    cq_instance_free(one);
    cq_rows *rows = NULL;
    int64_t total = 0;
    CQ_ASSERT_OK(
        f->db, cq_model_find_and_count_all(&rows, &total, f->user, &(cq_find_opts){ .limit = 1 }));
    assert_int_equal(total, 3);
    assert_int_equal(cq_rows_count(rows), 1);
    cq_rows_free(rows);
    cq_value *v = NULL;
    CQ_ASSERT_OK(f->db, cq_model_max(&v, f->user, "age", NULL));
    assert_int_equal(cq_value_as_int(v), 70);
    cq_value_free(v);
    CQ_ASSERT_OK(f->db,
                 cq_model_max(&v, f->user, "age", &(cq_aggregate_opts){ .scope = CQ_EMPTY_ARRAY }));
    assert_int_equal(cq_value_as_int(v), 70);
    cq_value_free(v);
    CQ_ASSERT_OK(f->db, cq_model_sum(&v, f->user, "age", NULL));
    assert_true(cq_value_type_of(v) == CQ_VALUE_INT ? cq_value_as_int(v) == 105
                                                    : cq_value_as_double(v) == 105);
    cq_value_free(v);

    /* Model.update and Model.destroy take the default scope's where (v6), create does not */
    cq_value *vals = cq_test_json("{\"role\":\"x\"}");
    CQ_ASSERT_OK(f->db,
                 cq_model_update(&n, f->user, vals, &(cq_bulk_opts){ .where = CQ_EMPTY_OBJECT }));
    assert_int_equal(n, 3);
    assert_int_equal(srv_count_where(f->db, f->user, "{\"role\":\"x\",\"active\":false}"), 0);
    cq_value *dan = cq_test_json("{\"name\":\"dan\"}");
    CQ_ASSERT_OK(f->db, cq_model_destroy(&n, f->user, &(cq_bulk_opts){ .where = dan }));
    assert_int_equal(n, 0);
    CQ_ASSERT_OK(f->db, cq_model_destroy(&n, f->user,
                                         &(cq_bulk_opts){ .where = dan, .scope = CQ_EMPTY_ARRAY }));
    assert_int_equal(n, 1);
    cq_value_free(dan);
    cq_instance *eve = srv_create(f->db, f->user, "{\"name\":\"eve\",\"active\":false}");
    assert_false(cq_instance_bool(eve, "active"));
    cq_instance_free(eve);
    cq_value *inc = cq_value_text("age");
    CQ_ASSERT_OK(f->db, cq_model_increment(&n, f->user, inc,
                                           &(cq_increment_opts){ .where = CQ_EMPTY_OBJECT }));
    assert_int_equal(n, 3);
    cq_value_free(inc);
    cq_value_free(vals);
    cq_value_free(pk);
    cq_value_free(s);
}

/* The titles of each user's posts, as "ann:t+u;bob:" (users in id order). */
static void assert_tree(sc_fixture *f, const cq_find_opts *o, const char *want)
{
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(f->db, cq_model_find_all(&rows, f->user, o));
    char got[256] = "";
    for (size_t i = 0; i < cq_rows_count(rows); i++) {
        cq_instance *u = cq_rows_at(rows, i);
        if (i)
            strcat(got, ";");
        strcat(got, cq_instance_text(u, "name"));
        strcat(got, ":");
        cq_value *j = NULL;
        CQ_ASSERT_OK(f->db, cq_instance_to_value(&j, u));
        const cq_value *ps = cq_value_object_get(j, "posts");
        for (size_t k = 0; k < cq_value_size(ps); k++) {
            if (k)
                strcat(got, "+");
            const cq_value *t = cq_value_object_get(cq_value_array_get(ps, k), "title");
            strcat(got, t ? cq_value_as_text(t) : "?");
        }
        cq_value_free(j);
    }
    if (strcmp(got, want) != 0)
        fail_msg("got %s, expected %s", got, want);
    cq_rows_free(rows);
}

static void test_includes_and_getters(void **state)
{
    sc_fixture *f = *state;
    const cq_order order[] = { { .attr = "id" }, { .attr = "id", .as = "posts" }, { 0 } };
    /* the included model's default scope: where merged in, the include required */
    cq_include inc[] = { { .as = "posts" }, { 0 } };
    assert_tree(f, &(cq_find_opts){ .include = inc, .order = order, .scope = CQ_EMPTY_ARRAY },
                "ann:t+u;dan:u");
    inc[0].scope = CQ_EMPTY_ARRAY; /* Post.unscoped() */
    assert_tree(f, &(cq_find_opts){ .include = inc, .order = order, .scope = CQ_EMPTY_ARRAY },
                "ann:t+u;bob:t;cid:;dan:u");
    cq_value *t = cq_test_json("\"t\"");
    inc[0].scope = t; /* Post.scope('t') */
    assert_tree(f, &(cq_find_opts){ .include = inc, .order = order }, "ann:t;bob:t");
    cq_value_free(t);
    /* includes from the model's scopes, merged with each other and with the call's */
    cq_value *s = cq_test_json("[\"withPosts\"]"); /* not the default scope: dan too */
    assert_tree(f, &(cq_find_opts){ .scope = s, .order = order }, "ann:t+u;dan:u");
    cq_value_free(s);
    s = cq_test_json("[\"withT\"]");
    assert_tree(f, &(cq_find_opts){ .scope = s, .order = order }, "ann:t;bob:t");
    cq_value_free(s);
    s = cq_test_json("[\"withPosts\",\"withU\"]");
    assert_tree(f, &(cq_find_opts){ .scope = s, .order = order }, "ann:u;dan:u");
    cq_value *w = cq_test_json("{\"title\":\"t\"}");
    cq_include mine[] = { { .as = "posts", .where = w }, { 0 } };
    assert_tree(f, &(cq_find_opts){ .scope = s, .include = mine, .order = order }, "ann:t");
    cq_value_free(w);
    cq_value_free(s);

    /* getters: the target's default scope, v6's `scope` option */
    cq_instance *ann = NULL;
    cq_value *pk = cq_value_int(1);
    CQ_ASSERT_OK(f->db, cq_model_find_by_pk(&ann, f->user, pk, NULL));
    cq_value_free(pk);
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(f->db, cq_assoc_get(&rows, ann, f->posts, &(cq_find_opts){ .order = by_id }));
    assert_int_equal(cq_rows_count(rows), 2);
    cq_rows_free(rows);
    cq_instance *bob = NULL;
    pk = cq_value_int(2);
    CQ_ASSERT_OK(f->db, cq_model_find_by_pk(&bob, f->user, pk, NULL));
    cq_value_free(pk);
    CQ_ASSERT_OK(f->db, cq_assoc_get(&rows, bob, f->posts, NULL));
    assert_int_equal(cq_rows_count(rows), 0); /* bob's only post is not published */
    cq_rows_free(rows);
    cq_value *off = cq_value_bool(false);
    CQ_ASSERT_OK(f->db, cq_assoc_get(&rows, bob, f->posts, &(cq_find_opts){ .scope = off }));
    assert_int_equal(cq_rows_count(rows), 1);
    cq_rows_free(rows);
    int64_t n = -1;
    CQ_ASSERT_OK(f->db, cq_assoc_count(&n, bob, f->posts, NULL));
    assert_int_equal(n, 0);
    CQ_ASSERT_OK(f->db, cq_assoc_count(&n, bob, f->posts, &(cq_find_opts){ .scope = off }));
    assert_int_equal(n, 1);
    cq_value_free(off);
    /* a belongsTo getter: dan (inactive) is hidden by User's default scope */
    cq_rows *dposts = NULL;
    cq_value *dw = cq_test_json("{\"userId\":4}");
    CQ_ASSERT_OK(f->db, cq_model_find_all(&dposts, f->post, &(cq_find_opts){ .where = dw }));
    cq_value_free(dw);
    assert_int_equal(cq_rows_count(dposts), 1);
    CQ_ASSERT_OK(f->db, cq_assoc_get(&rows, cq_rows_at(dposts, 0), f->author, NULL));
    assert_int_equal(cq_rows_count(rows), 0);
    cq_rows_free(rows);
    cq_rows_free(dposts);
    cq_instance_free(ann);
    cq_instance_free(bob);
}

static void test_add_scope(void **state)
{
    sc_fixture *f = *state;
    cq_value *v = cq_test_json("{\"where\":{\"role\":\"user\"}}");
    CQ_ASSERT_OK(f->db, cq_model_add_scope(f->user, "users", v, NULL));
    assert_int_equal(cq_model_add_scope(f->user, "users", v, NULL), CQ_EINVALID);
    CQ_ASSERT_OK(f->db,
                 cq_model_add_scope(f->user, "users", v, &(cq_scope_opts){ .override = true }));
    assert_true(cq_model_has_scope(f->user, "users"));
    assert_true(cq_model_has_scope(f->user, "defaultScope"));
    assert_false(cq_model_has_scope(f->user, "nope"));
    assert_names(f, "[\"users\"]", NULL, "bob,cid");
    /* replacing the default scope needs override */
    cq_value *d = cq_test_json("{\"where\":{\"role\":\"admin\"}}");
    assert_int_equal(cq_model_add_scope(f->user, "defaultScope", d, NULL), CQ_EINVALID);
    CQ_ASSERT_OK(f->db, cq_model_add_scope(f->user, "defaultScope", d,
                                           &(cq_scope_opts){ .override = true }));
    assert_names(f, NULL, NULL, "ann,dan");
    cq_value *bad = cq_test_json("{\"wheer\":{}}");
    assert_int_equal(cq_model_add_scope(f->user, "bad", bad, NULL), CQ_EINVALID);
    assert_int_equal(cq_model_add_scope_fn(f->user, "defaultScope", age_below, &calls, NULL),
                     CQ_EINVALID);
    CQ_ASSERT_OK(f->db, cq_model_add_scope_fn(f->user, "below", age_below, &calls, NULL));
    assert_names(f, "[{\"method\":[\"below\",50]}]", NULL, "bob,cid,dan");
    /* a schema scope naming an unbound function fails when used */
    cq_value_free(bad);
    cq_value_free(d);
    cq_value_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_default_and_named, setup, srv_models_teardown),
        cmocka_unit_test_setup_teardown(test_other_calls, setup, srv_models_teardown),
        cmocka_unit_test_setup_teardown(test_includes_and_getters, setup, srv_models_teardown),
        cmocka_unit_test_setup_teardown(test_add_scope, setup, srv_models_teardown),
    };
    return SRV_RUN_TESTS("test_scopes", "cq_scopes", tests);
}
