/* The where operators beyond comparison, on SQLite, PostgreSQL and MySQL/MariaDB:
 * $startsWith / $endsWith / $substring, $iLike / $notILike, the $regexp family, $col,
 * $any / $all, $not and $is with booleans and lists, $or / $and under an attribute, and
 * queries inside JSON columns (`{meta: {a: 1}}`, `{'meta.a': 1}`, nested
 * paths). Every count is read back from the database; the statements are checked through the
 * logging hook (every value and every JSON key bound, no literal in the SQL). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cq_server.h"

typedef srv_models ops_fixture;

/* The last statement logged on the fixture's db. */
#define last_sql (f->srv->last_sql)

static int setup(void **state)
{
    if (srv_models_setup(state) != 0)
        return -1;
    ops_fixture *f = *state;
    cq_attr attrs[] = {
        { .name = "name", .type = CQ_STRING },
        { .name = "n", .type = CQ_INTEGER },
        { .name = "meta", .type = CQ_JSON },
        { .name = "ok", .type = CQ_BOOLEAN },
        { 0 },
    };
    if (cq_db_define(&f->user, f->db, "user", attrs, NULL) != CQ_OK ||
        cq_db_sync(f->db, &(cq_sync_opts){ .force = true }) != CQ_OK) {
        fprintf(stderr, "define/sync: %s\n", cq_db_error(f->db)->message);
        return -1;
    }
    const char *rows[] = {
        "{\"name\":\"ada\",\"n\":1,\"ok\":true,\"meta\":{\"a\":1,\"b\":\"x\",\"c\":{\"d\":true}}}",
        "{\"name\":\"Bob\",\"n\":5,\"ok\":false,"
        "\"meta\":{\"a\":2.5,\"b\":\"y\",\"c\":{\"d\":false}}}",
        "{\"name\":\"cy%z\",\"n\":3,\"meta\":{\"a\":3,\"b\":\"x\",\"k\":null}}",
    };
    for (size_t i = 0; i < 3; i++)
        cq_instance_free(srv_create(f->db, f->user, rows[i]));
    return 0;
}

/* The count for `where_json`, or the error code (negative) when the count fails. */
static int64_t count(ops_fixture *f, const char *where_json)
{
    cq_value *w = cq_test_json(where_json);
    int64_t n = -1;
    int rc = cq_model_count(&n, f->user, &(cq_find_opts){ .where = w });
    cq_value_free(w);
    return rc == CQ_OK ? n : rc;
}

/* The names found for `where_json`, comma-separated in id order. */
static void assert_names(ops_fixture *f, const char *where_json, const char *expected)
{
    cq_value *w = cq_test_json(where_json);
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(f->db, cq_model_find_all(&rows, f->user,
                                          &(cq_find_opts){ .where = w, .order = srv_by_id }));
    char got[256] = "";
    for (size_t i = 0; i < cq_rows_count(rows); i++) {
        const char *s = NULL;
        CQ_ASSERT_OK(f->db, cq_instance_get_text(&s, cq_rows_at(rows, i), "name"));
        strcat(got, i ? "," : "");
        strcat(got, s);
    }
    assert_string_equal(got, expected);
    cq_rows_free(rows);
    cq_value_free(w);
}

static void test_like_family(void **state)
{
    ops_fixture *f = *state;
    assert_int_equal(count(f, "{\"name\":{\"$startsWith\":\"a\"}}"), 1);
    assert_non_null(strstr(last_sql, " LIKE "));
    assert_null(strstr(last_sql, "'a%'")); /* the pattern is bound */
    assert_int_equal(count(f, "{\"name\":{\"$endsWith\":\"z\"}}"), 1);
    assert_int_equal(count(f, "{\"name\":{\"$substring\":\"d\"}}"), 1);
    /* the text's own % stays a wildcard, as Sequelize sends it */
    assert_int_equal(count(f, "{\"name\":{\"$substring\":\"%\"}}"), 3);
    assert_int_equal(count(f, "{\"name\":{\"$startsWith\":\"it's\"}}"), 0);
    assert_int_equal(count(f, "{\"name\":{\"$startsWith\":1}}"), CQ_EINVALID);
    if (f->d == CQ_DIALECT_POSTGRES) {
        assert_int_equal(count(f, "{\"name\":{\"$iLike\":\"BO%\"}}"), 1);
        assert_non_null(strstr(last_sql, " ILIKE "));
        assert_int_equal(count(f, "{\"name\":{\"$notILike\":\"BO%\"}}"), 2);
        assert_int_equal(count(f, "{\"name\":{\"$like\":\"BO%\"}}"), 0);
    } else {
        /* sent as Sequelize sends it: the database does not know ILIKE */
        assert_int_equal(count(f, "{\"name\":{\"$iLike\":\"BO%\"}}"), CQ_EDATABASE);
    }
}

static void test_regexp(void **state)
{
    ops_fixture *f = *state;
    switch (f->d) {
    case CQ_DIALECT_POSTGRES:
        assert_int_equal(count(f, "{\"name\":{\"$regexp\":\"^[ab]\"}}"), 1);
        assert_non_null(strstr(last_sql, " ~ $"));
        assert_int_equal(count(f, "{\"name\":{\"$notRegexp\":\"^a\"}}"), 2);
        assert_int_equal(count(f, "{\"name\":{\"$iRegexp\":\"^b\"}}"), 1);
        assert_non_null(strstr(last_sql, " ~* $"));
        assert_int_equal(count(f, "{\"name\":{\"$notIRegexp\":\"^b\"}}"), 2);
        break;
    case CQ_DIALECT_MYSQL:
        /* MySQL compares case-insensitively under the default collation */
        assert_int_equal(count(f, "{\"name\":{\"$regexp\":\"^[ab]\"}}"), 2);
        assert_non_null(strstr(last_sql, " REGEXP ?"));
        assert_int_equal(count(f, "{\"name\":{\"$notRegexp\":\"^a\"}}"), 2);
        assert_int_equal(count(f, "{\"name\":{\"$iRegexp\":\"^b\"}}"), CQ_ENOTSUPPORTED);
        assert_non_null(strstr(cq_db_error(f->db)->message, "$iRegexp is not available on MySQL"));
        break;
    default:
        assert_int_equal(count(f, "{\"name\":{\"$regexp\":\"^a\"}}"), CQ_ENOTSUPPORTED);
        assert_non_null(strstr(cq_db_error(f->db)->message, "$regexp is not available on SQLite"));
        assert_int_equal(count(f, "{\"name\":{\"$notIRegexp\":\"^a\"}}"), CQ_ENOTSUPPORTED);
        break;
    }
}

static void test_col(void **state)
{
    ops_fixture *f = *state;
    assert_names(f, "{\"n\":{\"$col\":\"user.id\"}}", "ada,cy%z");
    assert_names(f, "{\"n\":{\"$ne\":{\"$col\":\"user.id\"}}}", "Bob");
    assert_names(f, "{\"n\":{\"$gt\":{\"$col\":\"id\"}}}", "Bob");
    assert_int_equal(count(f, "{\"n\":{\"$col\":\"\"}}"), CQ_EINVALID);
    assert_int_equal(count(f, "{\"n\":{\"$col\":\"nope\"}}"), CQ_EDATABASE);
}

static void test_any_all(void **state)
{
    ops_fixture *f = *state;
    if (f->d != CQ_DIALECT_POSTGRES) {
        assert_int_equal(count(f, "{\"n\":{\"$any\":[1,3]}}"), CQ_ENOTSUPPORTED);
        assert_non_null(strstr(cq_db_error(f->db)->message, "only available on PostgreSQL"));
        return;
    }
    assert_names(f, "{\"n\":{\"$any\":[1,3]}}", "ada,cy%z");
    assert_non_null(strstr(last_sql, "= ANY (ARRAY[$1, $2]::INTEGER[])"));
    assert_names(f, "{\"n\":{\"$gt\":{\"$any\":[2,4]}}}", "Bob,cy%z");
    assert_names(f, "{\"n\":{\"$gt\":{\"$all\":[2,4]}}}", "Bob");
    assert_int_equal(count(f, "{\"n\":{\"$any\":[]}}"), 0);
    assert_int_equal(count(f, "{\"n\":{\"$gt\":{\"$all\":[]}}}"), 3);
    assert_int_equal(count(f, "{\"n\":{\"$any\":5}}"), CQ_EINVALID);
}

static void test_json(void **state)
{
    ops_fixture *f = *state;
    assert_names(f, "{\"meta\":{\"a\":1}}", "ada");
    assert_null(strstr(last_sql, "'$")); /* the path is bound, not written */
    assert_names(f, "{\"meta.a\":1}", "ada");
    assert_names(f, "{\"meta\":{\"a\":2.5}}", "Bob");
    assert_names(f, "{\"meta\":{\"a\":{\"$gt\":1}}}", "Bob,cy%z");
    assert_names(f, "{\"meta\":{\"a\":[1,3]}}", "ada,cy%z");
    assert_names(f, "{\"meta\":{\"b\":\"x\"}}", "ada,cy%z");
    assert_names(f, "{\"meta\":{\"a\":3,\"b\":\"x\"}}", "cy%z");
    assert_names(f, "{\"meta\":{\"c\":{\"d\":true}}}", "ada");
    assert_names(f, "{\"meta.c.d\":false}", "Bob");
    assert_names(f, "{\"meta\":{\"b\":{\"$like\":\"%y\"}}}", "Bob");
    assert_names(f, "{\"meta\":{\"zz\":null}}", "ada,Bob,cy%z");
    assert_names(f, "{\"meta\":{\"b\":{\"$ne\":null}}}", "ada,Bob,cy%z");
    assert_names(f, "{\"$or\":[{\"meta.a\":1},{\"meta\":{\"b\":\"y\"}}]}", "ada,Bob");
    /* hostile keys are bound (PostgreSQL) or refused where they would end the quoted path */
    assert_int_equal(count(f, "{\"meta\":{\"a') OR 1=1 --\":1}}"), 0);
    assert_int_equal(count(f, "{\"meta\":{\"x\\\"y\":1}}"), CQ_EINVALID);
    assert_non_null(strstr(cq_db_error(f->db)->message, "JSON key"));
    assert_int_equal(count(f, "{\"meta.\":1}"), CQ_EINVALID);
    /* a dotted key on an attribute that is not JSON is no attribute */
    assert_int_equal(count(f, "{\"name.a\":1}"), CQ_EUNKNOWN_ATTR);
}

/* $not as v6's _whereParseSingleValueObject reads it: with true or false `IS NOT` (so the
 * rows where the column is NULL match), with a list `NOT IN`, with anything else `!=`. */
static void test_not(void **state)
{
    ops_fixture *f = *state;
    assert_names(f, "{\"ok\":{\"$not\":true}}", "Bob,cy%z");
    const char *is_not = f->d == CQ_DIALECT_POSTGRES ? " IS DISTINCT FROM $1"
                         : f->d == CQ_DIALECT_MYSQL  ? "NOT (`user`.`ok` <=> ?)"
                                                     : " IS NOT ?";
    assert_non_null(strstr(last_sql, is_not));
    assert_names(f, "{\"ok\":{\"$not\":false}}", "ada,cy%z");
    assert_names(f, "{\"ok\":{\"$is\":true}}", "ada");
    assert_names(f, "{\"ok\":{\"$is\":false}}", "Bob");
    assert_names(f, "{\"ok\":{\"$ne\":true}}", "Bob"); /* v6: != */
    assert_names(f, "{\"n\":{\"$not\":5}}", "ada,cy%z");
    assert_names(f, "{\"name\":{\"$not\":\"ada\"}}", "Bob,cy%z");
    assert_names(f, "{\"n\":{\"$not\":[1]}}", "Bob,cy%z");
    assert_non_null(strstr(last_sql, " NOT IN ("));
    assert_names(f, "{\"n\":{\"$not\":[1,3]}}", "Bob");
    assert_names(f, "{\"n\":{\"$not\":[]}}", "ada,Bob,cy%z");
    assert_int_equal(count(f, "{\"n\":{\"$not\":[1,null]}}"), 0); /* NOT IN (1, NULL) */
    assert_names(f, "{\"meta.c.d\":{\"$not\":true}}", "Bob,cy%z");
}

/* $or / $and under an attribute (v6's _whereBind): each element, or each key of an object,
 * is a condition on that attribute. */
static void test_or_and_on_attribute(void **state)
{
    ops_fixture *f = *state;
    assert_names(f, "{\"n\":{\"$or\":[1,5]}}", "ada,Bob");
    assert_null(strstr(last_sql, "= 1")); /* bound */
    assert_names(f, "{\"n\":{\"$or\":{\"$lt\":2,\"$gt\":4}}}", "ada,Bob");
    assert_names(f, "{\"n\":{\"$and\":[{\"$gte\":1},{\"$lt\":2}]}}", "ada");
    assert_names(f, "{\"n\":{\"$and\":{\"$gte\":2,\"$lt\":6}}}", "Bob,cy%z");
    assert_names(f, "{\"n\":{\"$or\":[1,{\"$gt\":4}]}}", "ada,Bob");
    assert_names(f, "{\"n\":{\"$or\":[[1,3],5]}}", "ada,Bob,cy%z");
    assert_names(f, "{\"ok\":{\"$or\":[true,null]}}", "ada,cy%z");
    assert_names(f, "{\"ok\":{\"$or\":[{\"$not\":true}]}}", "Bob,cy%z");
    assert_names(f, "{\"n\":{\"$or\":[{\"$and\":[{\"$gt\":2},{\"$lt\":4}]},1]}}", "ada,cy%z");
    /* with other operators beside it, all of them hold (v6 keeps only the $or) */
    assert_names(f, "{\"n\":{\"$or\":[1,5],\"$ne\":1}}", "Bob");
    /* an empty group is no condition, as v6 drops it (even $or) */
    assert_names(f, "{\"n\":{\"$or\":[]}}", "ada,Bob,cy%z");
    assert_names(f, "{\"n\":{\"$and\":{}}}", "ada,Bob,cy%z");
    assert_names(f, "{\"meta\":{\"a\":{\"$or\":[1,3]}}}", "ada,cy%z");
    assert_int_equal(count(f, "{\"n\":{\"$or\":5}}"), CQ_EINVALID);
    assert_non_null(strstr(cq_db_error(f->db)->message, "expects an array or an object"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_like_family, setup, srv_models_teardown),
        cmocka_unit_test_setup_teardown(test_regexp, setup, srv_models_teardown),
        cmocka_unit_test_setup_teardown(test_col, setup, srv_models_teardown),
        cmocka_unit_test_setup_teardown(test_any_all, setup, srv_models_teardown),
        cmocka_unit_test_setup_teardown(test_json, setup, srv_models_teardown),
        cmocka_unit_test_setup_teardown(test_not, setup, srv_models_teardown),
        cmocka_unit_test_setup_teardown(test_or_and_on_attribute, setup, srv_models_teardown),
    };
    return SRV_RUN_TESTS("test_where_ops", "cq_where_ops", tests);
}
