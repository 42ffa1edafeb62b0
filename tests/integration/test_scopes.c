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
            "\"scopes\":{\"t\":{\"where\":{\"title\":\"t\"}}}}},"
            "\"Tag\":{\"attributes\":{\"name\":\"STRING\",\"visible\":\"BOOLEAN\"},"
            "\"options\":{\"timestamps\":false,\"defaultScope\":{\"where\":{\"visible\":true,"
            "\"[Op.and]\":[{\"name\":{\"[Op.ne]\":\"x3\"}}]}}}},"
            "\"Profile\":{\"attributes\":{\"bio\":\"STRING\",\"public\":\"BOOLEAN\"},"
            "\"options\":{\"timestamps\":false,\"defaultScope\":{\"where\":{\"public\":true}}}},"
            "\"Note\":{\"attributes\":{\"body\":\"STRING\"},"
            "\"options\":{\"timestamps\":false,\"defaultScope\":{\"where\":{\"userId\":2}}}}},"
            "\"associations\":["
            "{\"type\":\"hasOne\",\"source\":\"User\",\"target\":\"Profile\",\"options\":{"
            "\"as\":\"profile\",\"foreignKey\":\"userId\"}},"
            "{\"type\":\"belongsToMany\",\"source\":\"User\",\"target\":\"Tag\",\"options\":{"
            "\"as\":\"tags\",\"through\":\"user_tags\",\"foreignKey\":\"userId\","
            "\"otherKey\":\"tagId\",\"timestamps\":false}},"
            "{\"type\":\"hasMany\",\"source\":\"User\",\"target\":\"Note\",\"options\":{"
            "\"as\":\"notes\",\"foreignKey\":\"userId\"}},"
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

/* The `attr` of each row, comma-joined (at most 255 bytes). */
static const char *joined(char *buf, const cq_rows *rows, const char *attr)
{
    buf[0] = '\0';
    for (size_t i = 0; i < cq_rows_count(rows); i++) {
        if (i)
            strcat(buf, ",");
        strcat(buf, cq_instance_text(cq_rows_at(rows, i), attr));
    }
    return buf;
}

/* What getter `a` of `src` returns with `where` (JSON text; NULL = none) and `scope` (JSON
 * text; NULL = the default scope), `attr` of each row comma-joined. */
static void assert_got(sc_fixture *f, cq_instance *src, const char *as, const char *where,
                       const char *scope, const char *attr, const char *want)
{
    cq_value *w = where ? cq_test_json(where) : NULL, *s = scope ? cq_test_json(scope) : NULL;
    cq_rows *rows = NULL;
    char got[256];
    CQ_ASSERT_OK(f->db, cq_assoc_get(&rows, src, cq_model_assoc(cq_instance_model(src), as),
                                     &(cq_find_opts){ .where = w, .scope = s, .order = by_id }));
    if (strcmp(joined(got, rows, attr), want) != 0)
        fail_msg("%s where %s scope %s: got [%s], expected [%s]", as, where ? where : "-",
                 scope ? scope : "-", got, want);
    cq_rows_free(rows);
    cq_value_free(w);
    cq_value_free(s);
}

static int64_t count_where(sc_fixture *f, cq_instance *src, const char *as, const char *where)
{
    cq_value *w = cq_test_json(where);
    int64_t n = -1;
    CQ_ASSERT_OK(f->db, cq_assoc_count(&n, src, cq_model_assoc(cq_instance_model(src), as),
                                       &(cq_find_opts){ .where = w }));
    cq_value_free(w);
    return n;
}

static cq_instance *by_pk(sc_fixture *f, cq_model *m, int64_t id)
{
    cq_instance *inst = NULL;
    cq_value *pk = cq_value_int(id);
    CQ_ASSERT_OK(f->db,
                 cq_model_find_by_pk(&inst, m, pk, &(cq_find_opts){ .scope = CQ_EMPTY_ARRAY }));
    cq_value_free(pk);
    assert_non_null(inst);
    return inst;
}

/* v6's getters pass findAll {[Op.and]: [association condition, the call's where]}, so the
 * target's scope keeps its keys (all but its own $and) and is ANDed with the call's where,
 * where a finder's where replaces the scope's same keys; without a where (hasMany, hasOne,
 * belongsTo) the association's keys replace the scope's. Checked against Sequelize 6.37.8. */
static void test_getter_where_and_scope(void **state)
{
    sc_fixture *f = *state;
    cq_model *tag = cq_db_model(f->db, "Tag");
    cq_instance_free(srv_create(f->db, tag, "{\"name\":\"t1\",\"visible\":true}"));
    cq_instance_free(srv_create(f->db, tag, "{\"name\":\"t2\",\"visible\":false}"));
    cq_instance_free(srv_create(f->db, tag, "{\"name\":\"x3\",\"visible\":true}"));
    cq_instance_free(srv_create(f->db, cq_db_model(f->db, "Profile"),
                                "{\"bio\":\"p\",\"public\":false,\"userId\":1}"));
    cq_instance_free(
        srv_create(f->db, cq_db_model(f->db, "Note"), "{\"body\":\"n\",\"userId\":1}"));
    cq_instance *ann = by_pk(f, f->user, 1), *bob = by_pk(f, f->user, 2);
    cq_value *k1 = cq_value_int(1), *k2 = cq_value_int(2), *k3 = cq_value_int(3);
    const cq_target tags[] = { { .key = k1 }, { .key = k2 }, { .key = k3 } };
    CQ_ASSERT_OK(f->db, cq_assoc_set(ann, cq_model_assoc(f->user, "tags"), tags, 3, NULL));
    cq_value_free(k1);
    cq_value_free(k2);
    cq_value_free(k3);

    /* hasMany: bob's one post is unpublished; Post's default scope wants published */
    assert_got(f, bob, "posts", "{\"published\":false}", NULL, "title", "");
    assert_int_equal(count_where(f, bob, "posts", "{\"published\":false}"), 0);
    assert_got(f, bob, "posts", "{\"published\":false}", "false", "title", "t");
    assert_got(f, ann, "posts", "{\"title\":\"u\"}", NULL, "title", "u");
    /* a named scope is ANDed the same way: title = 't' AND title = 'u' */
    assert_got(f, ann, "posts", "{\"title\":\"u\"}", "\"t\"", "title", "");
    /* belongsTo: dan is inactive, User's default scope wants active */
    cq_instance *dpost = by_pk(f, f->post, 4);
    assert_got(f, dpost, "author", "{\"active\":false}", NULL, "name", "");
    assert_got(f, dpost, "author", "{\"active\":false}", "false", "name", "dan");
    /* hasOne: ann's profile is not public */
    assert_got(f, ann, "profile", "{\"public\":false}", NULL, "bio", "");
    assert_got(f, ann, "profile", "{\"public\":false}", "false", "bio", "p");
    /* belongsToMany: t2 is hidden; BelongsToMany.get always wraps the where, so the scope's
     * own $and (name <> 'x3') gives way even without one, its visible = true stays */
    assert_got(f, ann, "tags", "{\"visible\":false}", NULL, "name", "");
    assert_int_equal(count_where(f, ann, "tags", "{\"visible\":false}"), 0);
    assert_got(f, ann, "tags", "{\"visible\":false}", "false", "name", "t2");
    assert_got(f, ann, "tags", NULL, NULL, "name", "t1,x3");
    /* without a where the foreign key replaces the scope's (Note's scope: userId = 2) */
    assert_got(f, ann, "notes", NULL, NULL, "body", "n");
    int64_t n = -1;
    CQ_ASSERT_OK(f->db, cq_assoc_count(&n, ann, cq_model_assoc(f->user, "notes"), NULL));
    assert_int_equal(n, 1);
    assert_got(f, ann, "notes", "{\"body\":\"n\"}", NULL, "body", "");
    /* a finder's where still replaces the scope's same key */
    cq_rows *rows = NULL;
    cq_value *w = cq_test_json("{\"published\":false}");
    CQ_ASSERT_OK(f->db, cq_model_find_all(&rows, f->post, &(cq_find_opts){ .where = w }));
    assert_int_equal(cq_rows_count(rows), 1);
    cq_rows_free(rows);
    cq_value_free(w);
    cq_instance_free(dpost);
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
        cmocka_unit_test_setup_teardown(test_getter_where_and_scope, setup, srv_models_teardown),
        cmocka_unit_test_setup_teardown(test_add_scope, setup, srv_models_teardown),
    };
    return SRV_RUN_TESTS("test_scopes", "cq_scopes", tests);
}
