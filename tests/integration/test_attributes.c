/* v6's full `attributes` (functions, columns, literals and their aliases; the include and
 * exclude forms), `group` and `having` in findAll/findOne, on SQLite, PostgreSQL and
 * MySQL/MariaDB: the statements as Sequelize 6 sends them (placeholders for its inlined
 * values), the values read back by alias. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cq_server.h"

typedef srv_models at_fixture;

static int setup(void **state)
{
    if (srv_models_setup(state) != 0)
        return -1;
    at_fixture *f = *state;
    cq_attr uattrs[] = {
        { .name = "name", .type = CQ_STRING },
        { .name = "age", .type = CQ_INTEGER },
        { .name = "firstName", .field = "first_name", .type = CQ_STRING },
        { 0 },
    };
    cq_attr pattrs[] = { { .name = "title", .type = CQ_STRING }, { 0 } };
    f->user = srv_define(f->db, "User", uattrs, NULL);
    f->post = srv_define(f->db, "Post", pattrs, NULL);
    CQ_ASSERT_OK(f->db,
                 cq_model_has_many(NULL, f->user, f->post,
                                   &(cq_assoc_opts){ .as = "posts", .foreign_key = "userId" }));
    CQ_ASSERT_OK(f->db,
                 cq_model_belongs_to(NULL, f->post, f->user,
                                     &(cq_assoc_opts){ .as = "user", .foreign_key = "userId" }));
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, &(cq_sync_opts){ .force = true }));
    cq_instance_free(srv_create(f->db, f->user, "{\"name\":\"a\",\"age\":1,\"firstName\":\"x\"}"));
    cq_instance_free(srv_create(f->db, f->user, "{\"name\":\"a\",\"age\":2}"));
    cq_instance_free(srv_create(f->db, f->user, "{\"name\":\"b\",\"age\":3}"));
    cq_instance_free(srv_create(f->db, f->post, "{\"title\":\"t\",\"userId\":1}"));
    cq_instance_free(srv_create(f->db, f->post, "{\"title\":\"u\",\"userId\":1}"));
    cq_instance_free(srv_create(f->db, f->post, "{\"title\":\"v\",\"userId\":3}"));
    return 0;
}

/* The last statement with MySQL's backquotes as double quotes and PostgreSQL's $n as ?. */
static void assert_sql(at_fixture *f, const char *expected)
{
    char got[1024];
    size_t j = 0;
    for (const char *p = f->srv->last_sql; *p && j + 1 < sizeof got; p++) {
        if (*p == '`') {
            got[j++] = '"';
        } else if (*p == '$' && p[1] >= '0' && p[1] <= '9') {
            got[j++] = '?';
            while (p[1] >= '0' && p[1] <= '9')
                p++;
        } else {
            got[j++] = *p;
        }
    }
    got[j] = '\0';
    if (strcmp(got, expected) != 0)
        fail_msg("statement\n  got:      %s\n  expected: %s", got, expected);
}

/* findAll with `select`, `group`, `having` given as JSON text (NULL = none). */
static cq_rows *find(at_fixture *f, cq_model *m, const char *select, const char *group,
                     const char *having, const char *where, const cq_order *order, bool literals)
{
    cq_value *s = select ? cq_test_json(select) : NULL, *g = group ? cq_test_json(group) : NULL,
             *h = having ? cq_test_json(having) : NULL, *w = where ? cq_test_json(where) : NULL;
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(f->db, cq_model_find_all(&rows, m,
                                          &(cq_find_opts){ .select = s,
                                                           .group = g,
                                                           .having = h,
                                                           .where = w,
                                                           .order = order,
                                                           .literals = literals }));
    cq_value_free(s);
    cq_value_free(g);
    cq_value_free(h);
    cq_value_free(w);
    return rows;
}

static const cq_order by_name[] = { { .attr = "name" }, { 0 } };

static void test_fn_alias_group(void **state)
{
    at_fixture *f = *state;
    cq_rows *rows = find(f, f->user, "[[{\"$fn\":[\"COUNT\",{\"$col\":\"id\"}]},\"n\"],\"name\"]",
                         "[\"name\"]", NULL, NULL, by_name, false);
    assert_sql(f, "SELECT COUNT(\"id\") AS \"n\", \"name\" FROM \"Users\" AS \"User\" GROUP BY "
                  "\"name\" ORDER BY \"User\".\"name\" ASC;");
    assert_int_equal(cq_rows_count(rows), 2);
    int64_t n = 0;
    CQ_ASSERT_OK(f->db, cq_instance_get_int(&n, cq_rows_at(rows, 0), "n"));
    assert_int_equal(n, 2);
    assert_int_equal(cq_instance_int(cq_rows_at(rows, 1), "n"), 1);
    assert_string_equal(cq_instance_text(cq_rows_at(rows, 1), "name"), "b");
    /* cq_instance_get and toJSON show the alias as v6's dataValues do */
    assert_int_equal(cq_value_as_int(cq_instance_get(cq_rows_at(rows, 0), "n")), 2);
    srv_assert_rows(rows, "[{\"name\":\"a\",\"n\":2},{\"name\":\"b\",\"n\":1}]");
    cq_value *v = NULL;
    CQ_ASSERT_OK(f->db, cq_instance_get_value(&v, cq_rows_at(rows, 0), "n", NULL));
    assert_int_equal(cq_value_as_int(v), 2);
    cq_value_free(v);
    assert_null(cq_instance_get(cq_rows_at(rows, 0), "nope"));
    assert_int_equal(cq_instance_get_int(&n, cq_rows_at(rows, 0), "nope"), CQ_EUNKNOWN_ATTR);
    cq_rows_free(rows);

    /* group given as one name, a $col or a $fn */
    rows = find(f, f->user, "[[{\"$fn\":[\"LOWER\",{\"$col\":\"name\"}]},\"l\"]]",
                "{\"$fn\":[\"LOWER\",{\"$col\":\"name\"}]}", NULL, NULL, NULL, false);
    assert_sql(f, "SELECT LOWER(\"name\") AS \"l\" FROM \"Users\" AS \"User\" GROUP BY "
                  "LOWER(\"name\");");
    assert_int_equal(cq_rows_count(rows), 2);
    cq_rows_free(rows);
    rows = find(f, f->user, "[\"name\"]", "{\"$col\":\"name\"}", NULL, NULL, by_name, false);
    assert_sql(f, "SELECT \"name\" FROM \"Users\" AS \"User\" GROUP BY \"name\" ORDER BY "
                  "\"User\".\"name\" ASC;");
    srv_assert_rows(rows, "[{\"name\":\"a\"},{\"name\":\"b\"}]");
    cq_rows_free(rows);

    /* COUNT(*), COUNT(DISTINCT(...)), arguments bound */
    rows = find(f, f->user,
                "[[{\"$fn\":[\"COUNT\",{\"$col\":\"*\"}]},\"n\"],"
                "[{\"$fn\":[\"COUNT\",{\"$fn\":[\"DISTINCT\",{\"$col\":\"name\"}]}]},\"dn\"]]",
                NULL, NULL, NULL, NULL, false);
    assert_sql(f, "SELECT COUNT(*) AS \"n\", COUNT(DISTINCT(\"name\")) AS \"dn\" FROM \"Users\" AS "
                  "\"User\";");
    srv_assert_rows(rows, "[{\"n\":3,\"dn\":2}]");
    cq_rows_free(rows);
    rows = find(
        f, f->user, "[\"id\",[{\"$fn\":[\"COALESCE\",{\"$col\":\"firstName\"},\"zz\"]},\"c\"]]",
        NULL, NULL, "{\"age\":{\"$lte\":2}}", (const cq_order[]){ { .attr = "id" }, { 0 } }, false);
    assert_sql(f, "SELECT \"id\", COALESCE(\"first_name\", ?) AS \"c\" FROM \"Users\" AS \"User\" "
                  "WHERE \"User\".\"age\" <= ? ORDER BY \"User\".\"id\" ASC;");
    srv_assert_rows(rows, "[{\"id\":1,\"c\":\"x\"},{\"id\":2,\"c\":\"zz\"}]");
    cq_rows_free(rows);
}

static void test_forms(void **state)
{
    at_fixture *f = *state;
    /* {include}: every attribute, then the extras */
    cq_rows *rows =
        find(f, f->user, "{\"include\":[[{\"$fn\":[\"UPPER\",{\"$col\":\"name\"}]},\"up\"]]}", NULL,
             NULL, "{\"id\":1}", NULL, false);
    assert_sql(f,
               "SELECT \"id\", \"name\", \"age\", \"first_name\" AS \"firstName\", \"createdAt\", "
               "\"updatedAt\", UPPER(\"name\") AS \"up\" FROM \"Users\" AS \"User\" WHERE "
               "\"User\".\"id\" = ?;");
    assert_string_equal(cq_instance_text(cq_rows_at(rows, 0), "up"), "A");
    assert_string_equal(cq_instance_text(cq_rows_at(rows, 0), "firstName"), "x");
    cq_rows_free(rows);
    /* {exclude} */
    rows = find(f, f->user, "{\"exclude\":[\"age\",\"createdAt\"]}", NULL, NULL, "{\"id\":1}", NULL,
                false);
    assert_sql(f, "SELECT \"id\", \"name\", \"first_name\" AS \"firstName\", \"updatedAt\" FROM "
                  "\"Users\" AS \"User\" WHERE \"User\".\"id\" = ?;");
    assert_null(cq_instance_get(cq_rows_at(rows, 0), "age"));
    cq_rows_free(rows);
    /* an attribute under another name (cequel reads its column: first_name) */
    rows = find(f, f->user, "[[\"name\",\"nm\"],[\"firstName\",\"fn\"],\"id\"]", NULL, NULL,
                "{\"id\":1}", NULL, false);
    assert_sql(f, "SELECT \"name\" AS \"nm\", \"first_name\" AS \"fn\", \"id\" FROM \"Users\" AS "
                  "\"User\" WHERE \"User\".\"id\" = ?;");
    srv_assert_rows(rows, "[{\"id\":1,\"nm\":\"a\",\"fn\":\"x\"}]");
    cq_rows_free(rows);
    /* an alias that names an attribute fills that attribute, as v6's dataValues */
    rows = find(f, f->user, "[\"id\",[{\"$fn\":[\"UPPER\",{\"$col\":\"name\"}]},\"name\"]]", NULL,
                NULL, "{\"id\":3}", NULL, false);
    assert_sql(f, "SELECT \"id\", UPPER(\"name\") AS \"name\" FROM \"Users\" AS \"User\" WHERE "
                  "\"User\".\"id\" = ?;");
    srv_assert_rows(rows, "[{\"id\":3,\"name\":\"B\"}]");
    cq_rows_free(rows);
    /* a literal, with the caller's leave */
    rows = find(f, f->user, "[\"id\",[{\"$literal\":\"age * 2\"},\"dbl\"]]", NULL, NULL,
                "{\"id\":3}", NULL, true);
    assert_sql(f, "SELECT \"id\", age * 2 AS \"dbl\" FROM \"Users\" AS \"User\" WHERE "
                  "\"User\".\"id\" = ?;");
    assert_int_equal(cq_instance_int(cq_rows_at(rows, 0), "dbl"), 6);
    cq_rows_free(rows);
}

static void test_having(void **state)
{
    at_fixture *f = *state;
    const char *sel = "[\"name\",[{\"$fn\":[\"COUNT\",{\"$col\":\"id\"}]},\"n\"]]";
    /* a function on the left: v6's where(fn('COUNT', col('id')), Op.gt, 1) */
    cq_rows *rows = find(f, f->user, sel, "[\"name\"]",
                         "{\"$where\":[{\"$fn\":[\"COUNT\",{\"$col\":\"id\"}]},{\"$gt\":1}]}", NULL,
                         NULL, false);
    assert_sql(f, "SELECT \"name\", COUNT(\"id\") AS \"n\" FROM \"Users\" AS \"User\" GROUP BY "
                  "\"name\" HAVING COUNT(\"id\") > ?;");
    srv_assert_rows(rows, "[{\"name\":\"a\",\"n\":2}]");
    cq_rows_free(rows);
    rows = find(f, f->user, sel, "[\"name\"]",
                "{\"$where\":[{\"$fn\":[\"COUNT\",{\"$col\":\"id\"}]},{\"$gte\":1,\"$lt\":3}]}",
                NULL, by_name, false);
    assert_sql(f, "SELECT \"name\", COUNT(\"id\") AS \"n\" FROM \"Users\" AS \"User\" GROUP BY "
                  "\"name\" HAVING (COUNT(\"id\") >= ? AND COUNT(\"id\") < ?) ORDER BY "
                  "\"User\".\"name\" ASC;");
    assert_int_equal(cq_rows_count(rows), 2);
    cq_rows_free(rows);
    /* an attribute key: bare, as v6 writes it in HAVING */
    rows = find(f, f->user, "[\"name\",[{\"$fn\":[\"MAX\",{\"$col\":\"age\"}]},\"m\"]]",
                "[\"name\"]", "{\"name\":\"a\"}", NULL, NULL, false);
    assert_sql(f, "SELECT \"name\", MAX(\"age\") AS \"m\" FROM \"Users\" AS \"User\" GROUP BY "
                  "\"name\" HAVING \"name\" = ?;");
    srv_assert_rows(rows, "[{\"name\":\"a\",\"m\":2}]");
    cq_rows_free(rows);
    /* an alias key: `HAVING "n" > 1` (PostgreSQL has no output names in HAVING and answers
     * with an error, as it does to Sequelize) */
    cq_value *s = cq_test_json(sel), *g = cq_test_json("\"name\""),
             *h = cq_test_json("{\"$and\":[{\"n\":{\"$gt\":0}},{\"name\":{\"$ne\":\"z\"}}]}");
    int rc = cq_model_find_all(
        &rows, f->user,
        &(cq_find_opts){ .select = s,
                         .group = g,
                         .having = h,
                         .order = (const cq_order[]){ { .attr = "n", .desc = true }, { 0 } } });
    assert_sql(f, "SELECT \"name\", COUNT(\"id\") AS \"n\" FROM \"Users\" AS \"User\" GROUP BY "
                  "\"name\" HAVING (\"n\" > ? AND \"name\" != ?) ORDER BY \"n\" DESC;");
    if (cq_db_dialect(f->db) == CQ_DIALECT_POSTGRES) {
        assert_int_equal(rc, CQ_EDATABASE);
    } else {
        CQ_ASSERT_OK(f->db, rc);
        srv_assert_rows(rows, "[{\"name\":\"a\",\"n\":2},{\"name\":\"b\",\"n\":1}]");
        cq_rows_free(rows);
    }
    cq_value_free(s);
    cq_value_free(g);
    cq_value_free(h);
}

static void test_find_one_and_include(void **state)
{
    at_fixture *f = *state;
    cq_value *s = cq_test_json("[\"name\",[{\"$fn\":[\"SUM\",{\"$col\":\"age\"}]},\"s\"]]");
    cq_value *g = cq_test_json("[\"name\"]");
    cq_instance *one = NULL;
    CQ_ASSERT_OK(
        f->db, cq_model_find_one(&one, f->user,
                                 &(cq_find_opts){ .select = s,
                                                  .group = g,
                                                  .order = (const cq_order[]){
                                                      { .attr = "name", .desc = true }, { 0 } } }));
    assert_sql(f, "SELECT \"name\", SUM(\"age\") AS \"s\" FROM \"Users\" AS \"User\" GROUP BY "
                  "\"name\" ORDER BY \"User\".\"name\" DESC LIMIT 1;");
    assert_string_equal(cq_instance_text(one, "name"), "b");
    /* SUM: an integer on SQLite, a NUMERIC PostgreSQL and MySQL send as text (v6: "3") */
    const cq_value *sum = cq_instance_get(one, "s");
    assert_non_null(sum);
    if (cq_value_type_of(sum) == CQ_VALUE_TEXT)
        assert_string_equal(cq_value_as_text(sum), "3");
    else
        assert_int_equal(cq_value_as_int(sum), 3);
    cq_instance_free(one);
    cq_value_free(s);
    cq_value_free(g);

    /* a to-one include: the function reads the joined table */
    s = cq_test_json("[\"title\",[{\"$fn\":[\"UPPER\",{\"$col\":\"user.name\"}]},\"un\"]]");
    cq_value *w = cq_test_json("{\"id\":1}");
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(
        f->db,
        cq_model_find_all(
            &rows, f->post,
            &(cq_find_opts){
                .select = s,
                .where = w,
                .include = (const cq_include[]){
                    { .as = "user", .attributes = (const char *[]){ "name", NULL } }, { 0 } } }));
    assert_non_null(strstr(f->srv->last_sql, "UPPER("));
    srv_assert_rows(rows, "[{\"title\":\"t\",\"un\":\"A\",\"user\":{\"name\":\"a\"}}]");
    cq_rows_free(rows);
    cq_value_free(s);
    cq_value_free(w);
}

static void test_refused(void **state)
{
    at_fixture *f = *state;
    size_t before = f->srv->statements;
    const char *bad[] = {
        "[[{\"$literal\":\"1; DROP TABLE x\"},\"x\"]]", /* literal without leave */
        "[[{\"$fn\":[\"COUNT(id)\"]},\"x\"]]",          /* not a function name */
        "[[{\"$fn\":[\"COUNT\",{\"$col\":\"id\"}]}]]",  /* no alias */
        "[[\"nope\",\"x\"]]",                           /* unknown attribute */
        "[\"nope\"]",
        "{\"include\":[\"nope\"]}",
        "{\"only\":[]}",
        "[[{\"$fn\":[\"COUNT\"]},\"n\"],[{\"$fn\":[\"MAX\"]},\"n\"]]", /* alias twice */
        "[[{\"$nope\":1},\"x\"]]",
        "42",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cq_value *s = cq_test_json(bad[i]);
        cq_rows *rows = (cq_rows *)1;
        int rc = cq_model_find_all(&rows, f->user, &(cq_find_opts){ .select = s });
        if (rc != CQ_EINVALID && rc != CQ_EUNKNOWN_ATTR)
            fail_msg("%s: %d", bad[i], rc);
        assert_null(rows);
        cq_value_free(s);
    }
    cq_value *g = cq_test_json("[{\"$literal\":\"name\"}]");
    cq_rows *rows = NULL;
    assert_int_equal(cq_model_find_all(&rows, f->user, &(cq_find_opts){ .group = g }), CQ_EINVALID);
    cq_value_free(g);
    cq_value *h = cq_test_json("{\"$where\":[{\"$literal\":\"1=1\"},1]}");
    assert_int_equal(cq_model_find_all(&rows, f->user, &(cq_find_opts){ .having = h }),
                     CQ_EINVALID);
    cq_value_free(h);
    cq_value *s = cq_test_json("[\"id\"]");
    assert_int_equal(
        cq_model_find_all(
            &rows, f->user,
            &(cq_find_opts){ .select = s, .attributes = (const char *[]){ "id", NULL } }),
        CQ_EINVALID);
    cq_value_free(s);
    assert_int_equal(f->srv->statements, before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fn_alias_group, setup, srv_models_teardown),
        cmocka_unit_test_setup_teardown(test_forms, setup, srv_models_teardown),
        cmocka_unit_test_setup_teardown(test_having, setup, srv_models_teardown),
        cmocka_unit_test_setup_teardown(test_find_one_and_include, setup, srv_models_teardown),
        cmocka_unit_test_setup_teardown(test_refused, setup, srv_models_teardown),
    };
    return SRV_RUN_TESTS("test_attributes", "cq_attributes", tests);
}
