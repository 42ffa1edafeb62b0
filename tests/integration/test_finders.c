/* Integration tests for finders (findAll/findOne/findByPk/count), where clauses, ordering,
 * paging, bulkCreate and the model-level update/destroy. */
#define _POSIX_C_SOURCE 200809L
#include "cq_fixture.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- fixtures and helpers ------------------------------------------------------------ */

/*
 * Seed data (ids in insertion order):
 *   1 ada 36 ada@x.org
 *   2 bob 25 NULL
 *   3 cy  41 cy@x.org
 *   4 dee 25 dee@y.org
 *   5 eve 60 NULL
 */
static const char *const seed[] = {
    "{\"username\":\"ada\",\"age\":36,\"email\":\"ada@x.org\"}",
    "{\"username\":\"bob\",\"age\":25}",
    "{\"username\":\"cy\",\"age\":41,\"email\":\"cy@x.org\"}",
    "{\"username\":\"dee\",\"age\":25,\"email\":\"dee@y.org\"}",
    "{\"username\":\"eve\",\"age\":60,\"email\":null}",
};

static int setup(void **state)
{
    cq_db *db = NULL;
    cq_model *user = NULL;
    const cq_attr attrs[] = {
        { .name = "username", .type = CQ_STRING },
        { .name = "age", .type = CQ_INTEGER },
        { .name = "email", .type = CQ_STRING, .unique = true },
        { 0 },
    };

    if (fx_open(&db, NULL) != 0)
        return -1;
    if (cq_db_define(&user, db, "user", attrs, NULL) != CQ_OK ||
        cq_model_sync(user, NULL) != CQ_OK) {
        print_error("define/sync: %s\n", cq_db_error(db)->message);
        cq_db_close(db);
        return -1;
    }
    for (size_t i = 0; i < sizeof seed / sizeof seed[0]; i++) {
        cq_value *values = NULL;
        int rc = cq_value_from_json(&values, seed[i], NULL);
        if (rc == CQ_OK)
            rc = cq_model_create(NULL, user, values, NULL);
        cq_value_free(values);
        if (rc != CQ_OK) {
            print_error("seed row %zu: %s\n", i, cq_db_error(db)->message);
            cq_db_close(db);
            return -1;
        }
    }
    *state = db;
    return 0;
}

static int teardown(void **state)
{
    cq_db_close(*state);
    return 0;
}

static cq_model *users(cq_db *db)
{
    cq_model *m = cq_db_model(db, "user");
    assert_non_null(m);
    return m;
}

static int64_t raw_count(cq_db *db, const char *where)
{
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM users WHERE %s", where);
    return cq_test_scalar_int(db, sql);
}

/* Comma-separated ids of `rows`, in order, into buf. */
static void ids_of(char *buf, size_t size, const cq_rows *rows)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < cq_rows_count(rows); i++) {
        int64_t id = -1;
        assert_int_equal(cq_instance_get_int(&id, cq_rows_at(rows, i), "id"), CQ_OK);
        len += (size_t)snprintf(buf + len, size - len, "%s%lld", i ? "," : "", (long long)id);
        assert_true(len < size);
    }
}

/* find_all with `opts` (ordered by id unless opts orders) and compare the ids found. */
static void assert_found(cq_db *db, cq_find_opts opts, const char *expected)
{
    static const cq_order by_id[] = { { .attr = "id" }, { 0 } };
    cq_rows *rows = NULL;
    char got[256];

    if (!opts.order)
        opts.order = by_id;
    CQ_ASSERT_OK(db, cq_model_find_all(&rows, users(db), &opts));
    assert_non_null(rows);
    ids_of(got, sizeof got, rows);
    cq_rows_free(rows);
    if (strcmp(got, expected) != 0) {
        print_error("ids found: [%s], expected [%s]\n", got, expected);
        fail();
    }
}

static void assert_where(cq_db *db, const char *where_json, const char *expected)
{
    cq_value *where = cq_test_json(where_json);
    assert_found(db, (cq_find_opts){ .where = where }, expected);
    cq_value_free(where);
}

/* ---- findAll and where ----------------------------------------------------------------- */

static void test_finders__find_all_without_where(void **state)
{
    cq_db *db = *state;
    cq_rows *rows = NULL;

    CQ_ASSERT_OK(db, cq_model_find_all(&rows, users(db), NULL));
    assert_int_equal(cq_rows_count(rows), 5);
    for (size_t i = 0; i < 5; i++)
        assert_false(cq_instance_is_new_record(cq_rows_at(rows, i)));
    cq_rows_free(rows);
    assert_found(db, (cq_find_opts){ 0 }, "1,2,3,4,5");
}

static void test_finders__find_all_no_match_is_empty(void **state)
{
    cq_db *db = *state;
    cq_rows *rows = NULL;
    cq_value *where = cq_test_json("{\"username\":\"zed\"}");

    CQ_ASSERT_OK(db, cq_model_find_all(&rows, users(db), &(cq_find_opts){ .where = where }));
    cq_value_free(where);
    assert_non_null(rows);
    assert_int_equal(cq_rows_count(rows), 0);
    cq_rows_free(rows);
}

static void test_finders__where_equality(void **state)
{
    cq_db *db = *state;
    assert_where(db, "{\"username\":\"bob\"}", "2");
    assert_where(db, "{\"age\":25}", "2,4");
}

static void test_finders__where_several_keys_are_anded(void **state)
{
    cq_db *db = *state;
    assert_where(db, "{\"age\":25,\"username\":\"dee\"}", "4");
}

static void test_finders__where_reads_loaded_values(void **state)
{
    cq_db *db = *state;
    cq_rows *rows = NULL;
    const char *name = NULL;
    int64_t age = 0;
    cq_value *where = cq_test_json("{\"username\":\"cy\"}");

    CQ_ASSERT_OK(db, cq_model_find_all(&rows, users(db), &(cq_find_opts){ .where = where }));
    cq_value_free(where);
    assert_int_equal(cq_rows_count(rows), 1);
    CQ_ASSERT_OK(db, cq_instance_get_text(&name, cq_rows_at(rows, 0), "email"));
    assert_string_equal(name, "cy@x.org");
    CQ_ASSERT_OK(db, cq_instance_get_int(&age, cq_rows_at(rows, 0), "age"));
    assert_int_equal(age, 41);
    cq_rows_free(rows);
}

static void test_finders__op_eq(void **state)
{
    assert_where(*state, "{\"age\":{\"$eq\":25}}", "2,4");
}

static void test_finders__op_ne(void **state)
{
    assert_where(*state, "{\"age\":{\"$ne\":25}}", "1,3,5");
}

static void test_finders__op_gt(void **state)
{
    assert_where(*state, "{\"age\":{\"$gt\":36}}", "3,5");
}

static void test_finders__op_gte(void **state)
{
    assert_where(*state, "{\"age\":{\"$gte\":36}}", "1,3,5");
}

static void test_finders__op_lt(void **state)
{
    assert_where(*state, "{\"age\":{\"$lt\":36}}", "2,4");
}

static void test_finders__op_lte(void **state)
{
    assert_where(*state, "{\"age\":{\"$lte\":36}}", "1,2,4");
}

static void test_finders__ops_on_one_attribute_are_anded(void **state)
{
    assert_where(*state, "{\"age\":{\"$gt\":25,\"$lte\":41}}", "1,3");
}

static void test_finders__op_in(void **state)
{
    assert_where(*state, "{\"username\":{\"$in\":[\"ada\",\"eve\",\"zed\"]}}", "1,5");
}

static void test_finders__op_in_empty_matches_nothing(void **state)
{
    assert_where(*state, "{\"id\":{\"$in\":[]}}", "");
}

static void test_finders__op_not_in(void **state)
{
    assert_where(*state, "{\"id\":{\"$notIn\":[1,2]}}", "3,4,5");
}

static void test_finders__op_like(void **state)
{
    assert_where(*state, "{\"email\":{\"$like\":\"%@x.org\"}}", "1,3");
}

static void test_finders__op_not_like(void **state)
{
    /* NULL emails match neither LIKE nor NOT LIKE */
    assert_where(*state, "{\"email\":{\"$notLike\":\"%@x.org\"}}", "4");
}

static void test_finders__op_between(void **state)
{
    assert_where(*state, "{\"age\":{\"$between\":[25,36]}}", "1,2,4");
}

static void test_finders__op_not_between(void **state)
{
    assert_where(*state, "{\"age\":{\"$notBetween\":[25,36]}}", "3,5");
}

static void test_finders__null_is_is_null(void **state)
{
    assert_where(*state, "{\"email\":null}", "2,5");
}

static void test_finders__ne_null_is_is_not_null(void **state)
{
    assert_where(*state, "{\"email\":{\"$ne\":null}}", "1,3,4");
}

static void test_finders__op_is_null(void **state)
{
    assert_where(*state, "{\"email\":{\"$is\":null}}", "2,5");
}

static void test_finders__op_not_value(void **state)
{
    assert_where(*state, "{\"age\":{\"$not\":25}}", "1,3,5");
}

static void test_finders__and_nesting(void **state)
{
    assert_where(*state, "{\"$and\":[{\"age\":25},{\"username\":\"bob\"}]}", "2");
}

static void test_finders__or_nesting(void **state)
{
    assert_where(*state, "{\"$or\":[{\"username\":\"ada\"},{\"age\":{\"$gt\":50}}]}", "1,5");
}

static void test_finders__or_object_form(void **state)
{
    assert_where(*state, "{\"$or\":{\"username\":\"ada\",\"age\":60}}", "1,5");
}

static void test_finders__or_inside_and(void **state)
{
    assert_where(*state, "{\"$and\":[{\"$or\":[{\"age\":25},{\"age\":60}]},{\"email\":null}]}",
                 "2,5");
}

static void test_finders__or_next_to_attribute(void **state)
{
    /* top-level keys are ANDed: age = 25 AND (username = 'bob' OR username = 'ada') */
    assert_where(*state, "{\"age\":25,\"$or\":[{\"username\":\"bob\"},{\"username\":\"ada\"}]}",
                 "2");
}

static void test_finders__not_object(void **state)
{
    assert_where(*state, "{\"$not\":{\"age\":25}}", "1,3,5");
}

static void test_finders__not_around_or(void **state)
{
    assert_where(*state, "{\"$not\":{\"$or\":[{\"age\":25},{\"username\":\"ada\"}]}}", "3,5");
}

static void test_finders__where_sql_raw_fragment(void **state)
{
    assert_found(*state, (cq_find_opts){ .where_sql = "id > 3" }, "4,5");
}

static void test_finders__where_sql_with_params(void **state)
{
    cq_db *db = *state;
    cq_value *params = cq_test_json("[30,\"eve\"]");

    assert_found(db,
                 (cq_find_opts){ .where_sql = "age > ? AND username <> ?", .where_params = params },
                 "1,3");
    cq_value_free(params);
}

static void test_finders__where_sql_anded_with_where(void **state)
{
    cq_db *db = *state;
    cq_value *params = cq_test_json("[2]");
    cq_value *where = cq_test_json("{\"age\":25}");

    assert_found(
        db, (cq_find_opts){ .where = where, .where_sql = "id > ?", .where_params = params }, "4");
    cq_value_free(params);
    cq_value_free(where);
}

static void test_finders__where_uses_attribute_not_column(void **state)
{
    (void)state;
    /* a db of its own: the fixture's schema froze when it synced */
    cq_db *db = NULL;
    assert_int_equal(fx_open(&db, NULL), 0);
    cq_model *member = NULL;
    const cq_attr attrs[] = {
        { .name = "fullName", .type = CQ_STRING, .field = "full_name" },
        { 0 },
    };
    cq_rows *rows = NULL;
    const char *name = NULL;

    CQ_ASSERT_OK(db, cq_db_define(&member, db, "member", attrs, NULL));
    CQ_ASSERT_OK(db, cq_model_sync(member, NULL));
    cq_value *a = cq_test_json("{\"fullName\":\"Ada Lovelace\"}");
    cq_value *b = cq_test_json("{\"fullName\":\"Grace Hopper\"}");
    CQ_ASSERT_OK(db, cq_model_create(NULL, member, a, NULL));
    CQ_ASSERT_OK(db, cq_model_create(NULL, member, b, NULL));
    cq_value_free(a);
    cq_value_free(b);
    cq_value *where = cq_test_json("{\"fullName\":{\"$like\":\"Grace%\"}}");
    CQ_ASSERT_OK(db, cq_model_find_all(&rows, member, &(cq_find_opts){ .where = where }));
    cq_value_free(where);
    assert_int_equal(cq_rows_count(rows), 1);
    CQ_ASSERT_OK(db, cq_instance_get_text(&name, cq_rows_at(rows, 0), "fullName"));
    assert_string_equal(name, "Grace Hopper");
    cq_rows_free(rows);
    cq_db_close(db);
}

/* ---- attributes ------------------------------------------------------------------------- */

static void test_finders__attributes_include_list(void **state)
{
    cq_db *db = *state;
    const char *const attrs[] = { "id", "username", NULL };
    const cq_order order[] = { { .attr = "id" }, { 0 } };
    cq_rows *rows = NULL;
    cq_value *v = NULL;

    CQ_ASSERT_OK(db, cq_model_find_all(&rows, users(db),
                                       &(cq_find_opts){ .attributes = attrs, .order = order }));
    assert_int_equal(cq_rows_count(rows), 5);
    cq_instance *first = cq_rows_at(rows, 0);
    assert_string_equal(cq_value_as_text(cq_instance_get(first, "username")), "ada");
    assert_null(cq_instance_get(first, "age"));
    assert_null(cq_instance_get(first, "email"));
    assert_null(cq_instance_get(first, "createdAt"));
    CQ_ASSERT_OK(db, cq_instance_to_value(&v, first));
    cq_test_assert_json(v, "{\"id\":1,\"username\":\"ada\"}");
    cq_value_free(v);
    cq_rows_free(rows);
}

static void test_finders__attributes_exclude_list(void **state)
{
    cq_db *db = *state;
    const char *const exclude[] = { "email", "age", NULL };
    cq_instance *inst = NULL;
    cq_value *pk = cq_value_int(1);

    CQ_ASSERT_OK(db,
                 cq_model_find_by_pk(&inst, users(db), pk, &(cq_find_opts){ .exclude = exclude }));
    cq_value_free(pk);
    assert_non_null(inst);
    assert_null(cq_instance_get(inst, "email"));
    assert_null(cq_instance_get(inst, "age"));
    assert_string_equal(cq_value_as_text(cq_instance_get(inst, "username")), "ada");
    assert_int_equal(cq_value_as_int(cq_instance_get(inst, "id")), 1);
    assert_non_null(cq_value_as_text(cq_instance_get(inst, "createdAt")));
    assert_non_null(cq_value_as_text(cq_instance_get(inst, "updatedAt")));
    cq_instance_free(inst);
}

/* ---- order / limit / offset --------------------------------------------------------------- */

static void test_finders__order_desc(void **state)
{
    const cq_order order[] = { { .attr = "age", .desc = true }, { .attr = "id" }, { 0 } };
    assert_found(*state, (cq_find_opts){ .order = order }, "5,3,1,2,4");
}

static void test_finders__order_multiple_keys(void **state)
{
    const cq_order order[] = { { .attr = "age" }, { .attr = "username", .desc = true }, { 0 } };
    assert_found(*state, (cq_find_opts){ .order = order }, "4,2,1,3,5");
}

static void test_finders__order_by_text_desc(void **state)
{
    const cq_order order[] = { { .attr = "username", .desc = true }, { 0 } };
    assert_found(*state, (cq_find_opts){ .order = order }, "5,4,3,2,1");
}

static void test_finders__limit(void **state)
{
    assert_found(*state, (cq_find_opts){ .limit = 2 }, "1,2");
}

static void test_finders__limit_and_offset(void **state)
{
    assert_found(*state, (cq_find_opts){ .limit = 2, .offset = 2 }, "3,4");
}

static void test_finders__offset_without_limit(void **state)
{
    assert_found(*state, (cq_find_opts){ .offset = 3 }, "4,5");
}

static void test_finders__limit_with_where_and_order(void **state)
{
    cq_db *db = *state;
    const cq_order order[] = { { .attr = "age", .desc = true }, { 0 } };
    cq_value *where = cq_test_json("{\"age\":{\"$gte\":36}}");

    assert_found(db, (cq_find_opts){ .where = where, .order = order, .limit = 2 }, "5,3");
    cq_value_free(where);
}

/* ---- result sets ------------------------------------------------------------------------- */

static void test_finders__rows_to_value(void **state)
{
    cq_db *db = *state;
    const char *const attrs[] = { "id", "username", NULL };
    const cq_order order[] = { { .attr = "id" }, { 0 } };
    cq_rows *rows = NULL;
    cq_value *v = NULL;

    CQ_ASSERT_OK(
        db, cq_model_find_all(&rows, users(db),
                              &(cq_find_opts){ .attributes = attrs, .order = order, .limit = 2 }));
    CQ_ASSERT_OK(db, cq_rows_to_value(&v, rows));
    cq_test_assert_json(v, "[{\"id\":1,\"username\":\"ada\"},{\"id\":2,\"username\":\"bob\"}]");
    cq_value_free(v);
    cq_rows_free(rows);
}

static void test_finders__rows_take_transfers_ownership(void **state)
{
    cq_db *db = *state;
    const cq_order order[] = { { .attr = "id" }, { 0 } };
    cq_rows *rows = NULL;
    const char *name = NULL;

    CQ_ASSERT_OK(db, cq_model_find_all(&rows, users(db), &(cq_find_opts){ .order = order }));
    cq_instance *taken = cq_rows_take(rows, 0);
    assert_non_null(taken);
    assert_null(cq_rows_at(rows, 0));
    assert_int_equal(cq_rows_count(rows), 5);
    cq_rows_free(rows);
    CQ_ASSERT_OK(db, cq_instance_get_text(&name, taken, "username"));
    assert_string_equal(name, "ada");
    cq_instance_free(taken);
}

/* ---- findOne / findByPk / count ------------------------------------------------------------ */

static void test_finders__find_one_returns_first_match(void **state)
{
    cq_db *db = *state;
    cq_instance *inst = NULL;
    const cq_order desc[] = { { .attr = "id", .desc = true }, { 0 } };
    cq_value *where = cq_test_json("{\"age\":25}");
    int64_t id = 0;

    CQ_ASSERT_OK(
        db, cq_model_find_one(&inst, users(db), &(cq_find_opts){ .where = where, .order = desc }));
    cq_value_free(where);
    assert_non_null(inst);
    CQ_ASSERT_OK(db, cq_instance_get_int(&id, inst, "id"));
    assert_int_equal(id, 4);
    assert_false(cq_instance_is_new_record(inst));
    cq_instance_free(inst);
}

static void test_finders__find_one_none_is_ok_and_null(void **state)
{
    cq_db *db = *state;
    cq_instance *inst = (cq_instance *)&inst; /* must be reset */
    cq_value *where = cq_test_json("{\"username\":\"zed\"}");

    CQ_ASSERT_OK(db, cq_model_find_one(&inst, users(db), &(cq_find_opts){ .where = where }));
    cq_value_free(where);
    assert_null(inst);
}

static void test_finders__find_by_pk_found(void **state)
{
    cq_db *db = *state;
    cq_instance *inst = NULL;
    cq_value *pk = cq_value_int(3);
    const char *name = NULL;

    CQ_ASSERT_OK(db, cq_model_find_by_pk(&inst, users(db), pk, NULL));
    cq_value_free(pk);
    assert_non_null(inst);
    CQ_ASSERT_OK(db, cq_instance_get_text(&name, inst, "username"));
    assert_string_equal(name, "cy");
    cq_instance_free(inst);
}

static void test_finders__find_by_pk_absent_is_ok_and_null(void **state)
{
    cq_db *db = *state;
    cq_instance *inst = (cq_instance *)&inst;
    cq_value *pk = cq_value_int(99);

    CQ_ASSERT_OK(db, cq_model_find_by_pk(&inst, users(db), pk, NULL));
    cq_value_free(pk);
    assert_null(inst);
}

static void test_finders__count_all(void **state)
{
    cq_db *db = *state;
    int64_t n = -1;

    CQ_ASSERT_OK(db, cq_model_count(&n, users(db), NULL));
    assert_int_equal(n, 5);
    assert_int_equal(n, cq_test_scalar_int(db, "SELECT count(*) FROM users"));
}

static void test_finders__count_with_where(void **state)
{
    cq_db *db = *state;
    int64_t n = -1;
    cq_value *where = cq_test_json("{\"age\":25}");

    CQ_ASSERT_OK(db, cq_model_count(&n, users(db), &(cq_find_opts){ .where = where }));
    cq_value_free(where);
    assert_int_equal(n, 2);
    assert_int_equal(n, raw_count(db, "age = 25"));
}

static void test_finders__count_with_where_sql(void **state)
{
    cq_db *db = *state;
    int64_t n = -1;
    cq_value *params = cq_test_json("[40]");

    CQ_ASSERT_OK(db,
                 cq_model_count(&n, users(db),
                                &(cq_find_opts){ .where_sql = "age > ?", .where_params = params }));
    cq_value_free(params);
    assert_int_equal(n, 2);
}

/* ---- bulkCreate ------------------------------------------------------------------------------ */

static void test_finders__bulk_create_inserts_every_row(void **state)
{
    cq_db *db = *state;
    cq_rows *rows = NULL;
    cq_value *values =
        cq_test_json("[{\"username\":\"fay\",\"age\":30},{\"username\":\"gus\",\"age\":31},"
                     "{\"username\":\"hal\"}]");
    char ids[64];

    CQ_ASSERT_OK(db, cq_model_bulk_create(&rows, users(db), values, NULL));
    cq_value_free(values);
    assert_int_equal(cq_rows_count(rows), 3);
    ids_of(ids, sizeof ids, rows);
    assert_string_equal(ids, "6,7,8");
    assert_false(cq_instance_is_new_record(cq_rows_at(rows, 1)));
    cq_rows_free(rows);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM users"), 8);
    assert_int_equal(raw_count(db, "id = 7 AND username = 'gus' AND age = 31"), 1);
    assert_int_equal(raw_count(db, "id = 8 AND username = 'hal' AND age IS NULL"), 1);
    assert_int_equal(raw_count(db, "id > 5 AND createdAt IS NOT NULL AND updatedAt IS NOT NULL"),
                     3);
}

static void test_finders__bulk_create_with_null_out(void **state)
{
    cq_db *db = *state;
    cq_value *values = cq_test_json("[{\"username\":\"fay\"},{\"username\":\"gus\"}]");

    CQ_ASSERT_OK(db, cq_model_bulk_create(NULL, users(db), values, NULL));
    cq_value_free(values);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM users"), 7);
}

static void test_finders__bulk_create_bad_row_inserts_nothing(void **state)
{
    cq_db *db = *state;
    cq_rows *rows = (cq_rows *)&rows;
    /* the second row collides with ada's unique email in the database */
    cq_value *values = cq_test_json("[{\"username\":\"new1\",\"email\":\"new1@z.org\"},"
                                    "{\"username\":\"new2\",\"email\":\"ada@x.org\"},"
                                    "{\"username\":\"new3\"}]");

    CQ_ASSERT_ERR(db, CQ_EUNIQUE, cq_model_bulk_create(&rows, users(db), values, NULL));
    cq_value_free(values);
    assert_null(rows);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM users"), 5);
    assert_int_equal(raw_count(db, "username LIKE 'new%'"), 0);
}

static void test_finders__bulk_create_invalid_row_inserts_nothing(void **state)
{
    cq_db *db = *state;
    cq_value *values = cq_test_json("[{\"username\":\"new1\",\"age\":1},"
                                    "{\"username\":\"new2\",\"age\":\"abc\"}]");

    CQ_ASSERT_ERR(db, CQ_EVALIDATION, cq_model_bulk_create(NULL, users(db), values, NULL));
    cq_value_free(values);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM users"), 5);
}

/* ---- model-level update / destroy ---------------------------------------------------------- */

static void test_finders__model_update_returns_count(void **state)
{
    cq_db *db = *state;
    int64_t n = -1;
    cq_value *values = cq_test_json("{\"age\":26}");
    cq_value *where = cq_test_json("{\"age\":25}");

    CQ_ASSERT_OK(db, cq_model_update(&n, users(db), values, &(cq_bulk_opts){ .where = where }));
    cq_value_free(values);
    cq_value_free(where);
    assert_int_equal(n, 2);
    assert_int_equal(raw_count(db, "age = 26"), 2);
    assert_int_equal(raw_count(db, "age = 25"), 0);
    assert_int_equal(raw_count(db, "id = 2 AND username = 'bob' AND age = 26"), 1);
    assert_int_equal(raw_count(db, "age = 36 AND id = 1"), 1); /* others untouched */
}

static void test_finders__model_update_no_match_is_zero(void **state)
{
    cq_db *db = *state;
    int64_t n = -1;
    cq_value *values = cq_test_json("{\"age\":1}");
    cq_value *where = cq_test_json("{\"username\":\"zed\"}");

    CQ_ASSERT_OK(db, cq_model_update(&n, users(db), values, &(cq_bulk_opts){ .where = where }));
    cq_value_free(values);
    cq_value_free(where);
    assert_int_equal(n, 0);
    assert_int_equal(raw_count(db, "age = 1"), 0);
}

static void test_finders__model_update_sets_updated_at(void **state)
{
    cq_db *db = *state;
    cq_value *values = cq_test_json("{\"username\":\"robert\"}");
    cq_value *where = cq_test_json("{\"id\":2}");
    cq_value *before = NULL, *after = NULL;
    const char *sql = "SELECT createdAt, updatedAt FROM users WHERE id = ?";
    cq_value *params = cq_test_json("[2]");

    CQ_ASSERT_OK(db, cq_db_query(&before, db, sql, params, NULL));
    cq_test_sleep_ms(20);
    CQ_ASSERT_OK(db, cq_model_update(NULL, users(db), values, &(cq_bulk_opts){ .where = where }));
    CQ_ASSERT_OK(db, cq_db_query(&after, db, sql, params, NULL));
    cq_value *b = cq_value_array_get(before, 0), *a = cq_value_array_get(after, 0);
    assert_true(cq_value_is_equal(cq_value_object_get(b, "createdAt"),
                                  cq_value_object_get(a, "createdAt")));
    assert_false(cq_value_is_equal(cq_value_object_get(b, "updatedAt"),
                                   cq_value_object_get(a, "updatedAt")));
    assert_int_equal(raw_count(db, "id = 2 AND username = 'robert'"), 1);
    cq_value_free(before);
    cq_value_free(after);
    cq_value_free(params);
    cq_value_free(values);
    cq_value_free(where);
}

static void test_finders__model_update_with_where_sql(void **state)
{
    cq_db *db = *state;
    int64_t n = -1;
    cq_value *values = cq_test_json("{\"email\":null}");
    cq_value *where = cq_value_object(); /* everything, narrowed by the raw fragment */

    CQ_ASSERT_OK(db, cq_model_update(&n, users(db), values,
                                     &(cq_bulk_opts){ .where = where, .where_sql = "id <= 3" }));
    cq_value_free(values);
    cq_value_free(where);
    assert_int_equal(n, 3);
    assert_int_equal(raw_count(db, "email IS NULL"), 4); /* 1, 2, 3 and 5 */
}

static void test_finders__model_update_null_opts_is_einvalid(void **state)
{
    cq_db *db = *state;
    cq_value *values = cq_test_json("{\"age\":1}");

    CQ_ASSERT_ERR(db, CQ_EINVALID, cq_model_update(NULL, users(db), values, NULL));
    cq_value_free(values);
    assert_int_equal(raw_count(db, "age = 1"), 0);
}

static void test_finders__model_destroy_returns_count(void **state)
{
    cq_db *db = *state;
    int64_t n = -1;
    cq_value *where = cq_test_json("{\"age\":{\"$gt\":40}}");

    CQ_ASSERT_OK(db, cq_model_destroy(&n, users(db), &(cq_bulk_opts){ .where = where }));
    cq_value_free(where);
    assert_int_equal(n, 2);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM users"), 3);
    assert_int_equal(raw_count(db, "id IN (3, 5)"), 0);
    assert_int_equal(raw_count(db, "id IN (1, 2, 4)"), 3);
}

static void test_finders__model_destroy_empty_where_deletes_all(void **state)
{
    cq_db *db = *state;
    int64_t n = -1;
    cq_value *where = cq_value_object();

    CQ_ASSERT_OK(db, cq_model_destroy(&n, users(db), &(cq_bulk_opts){ .where = where }));
    cq_value_free(where);
    assert_int_equal(n, 5);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM users"), 0);
}

static void test_finders__model_destroy_null_opts_is_einvalid(void **state)
{
    cq_db *db = *state;
    int64_t n = -1;

    CQ_ASSERT_ERR(db, CQ_EINVALID, cq_model_destroy(&n, users(db), NULL));
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM users"), 5);
}

static void test_finders__model_destroy_without_where_is_einvalid(void **state)
{
    cq_db *db = *state;

    CQ_ASSERT_ERR(db, CQ_EINVALID, cq_model_destroy(NULL, users(db), &(cq_bulk_opts){ 0 }));
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM users"), 5);
}

/* findOne sends LIMIT 1 unless the where gives the primary key or a single unique attribute
 * as a plain value (v6's rule): findByPk has none. */
static void keep_last_sql(const cq_log_event *ev, void *user_data)
{
    if (ev->kind == CQ_LOG_SQL)
        snprintf(user_data, 512, "%s", ev->sql);
}

static void test_finders__find_one_limit_rule(void **state)
{
    (void)state;
    char last[512] = "";
    cq_db *db = NULL;
    assert_int_equal(
        fx_open(&db, &(cq_open_opts){ .log = { .fn = keep_last_sql, .user_data = last } }), 0);
    cq_model *m = NULL;
    const cq_attr attrs[] = { { .name = "name", .type = CQ_STRING },
                              { .name = "email", .type = CQ_STRING, .unique = true },
                              { .name = "a", .type = CQ_STRING, .unique_name = "a_b" },
                              { .name = "b", .type = CQ_STRING, .unique_name = "a_b" },
                              { 0 } };
    CQ_ASSERT_OK(db, cq_db_define(&m, db, "user", attrs, NULL));
    CQ_ASSERT_OK(db, cq_model_sync(m, NULL));
    static const struct {
        const char *where;
        bool limit;
    } cases[] = {
        { "{\"id\":1}", false },
        { "{\"email\":\"x\"}", false },
        { "{\"name\":\"x\",\"email\":\"x\"}", false },
        { "{\"name\":\"x\"}", true },
        { "{\"a\":\"x\"}", true }, /* one attribute of a composite unique */
        { "{\"id\":{\"$gt\":1}}", true },
        { "{\"id\":[1,2]}", true },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cq_value *w = cq_test_json(cases[i].where);
        cq_instance *inst = NULL;
        CQ_ASSERT_OK(db, cq_model_find_one(&inst, m, &(cq_find_opts){ .where = w }));
        cq_value_free(w);
        assert_null(inst);
        if ((strstr(last, "LIMIT 1") != NULL) != cases[i].limit) {
            print_error("where %s: %s\n", cases[i].where, last);
            fail();
        }
    }
    cq_value *pk = cq_value_int(7);
    cq_instance *inst = NULL;
    CQ_ASSERT_OK(db, cq_model_find_by_pk(&inst, m, pk, NULL));
    cq_value_free(pk);
    assert_null(inst);
    assert_string_equal(last, "SELECT `id`, `name`, `email`, `a`, `b`, `createdAt`, `updatedAt` "
                              "FROM `users` AS `user` WHERE `user`.`id` = ?;");
    cq_db_close(db);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_finders__find_all_without_where),
        T(test_finders__find_all_no_match_is_empty),
        T(test_finders__where_equality),
        T(test_finders__where_several_keys_are_anded),
        T(test_finders__where_reads_loaded_values),
        T(test_finders__op_eq),
        T(test_finders__op_ne),
        T(test_finders__op_gt),
        T(test_finders__op_gte),
        T(test_finders__op_lt),
        T(test_finders__op_lte),
        T(test_finders__ops_on_one_attribute_are_anded),
        T(test_finders__op_in),
        T(test_finders__op_in_empty_matches_nothing),
        T(test_finders__op_not_in),
        T(test_finders__op_like),
        T(test_finders__op_not_like),
        T(test_finders__op_between),
        T(test_finders__op_not_between),
        T(test_finders__null_is_is_null),
        T(test_finders__ne_null_is_is_not_null),
        T(test_finders__op_is_null),
        T(test_finders__op_not_value),
        T(test_finders__and_nesting),
        T(test_finders__or_nesting),
        T(test_finders__or_object_form),
        T(test_finders__or_inside_and),
        T(test_finders__or_next_to_attribute),
        T(test_finders__not_object),
        T(test_finders__not_around_or),
        T(test_finders__where_sql_raw_fragment),
        T(test_finders__where_sql_with_params),
        T(test_finders__where_sql_anded_with_where),
        T(test_finders__where_uses_attribute_not_column),
        T(test_finders__attributes_include_list),
        T(test_finders__attributes_exclude_list),
        T(test_finders__order_desc),
        T(test_finders__order_multiple_keys),
        T(test_finders__order_by_text_desc),
        T(test_finders__limit),
        T(test_finders__limit_and_offset),
        T(test_finders__offset_without_limit),
        T(test_finders__limit_with_where_and_order),
        T(test_finders__rows_to_value),
        T(test_finders__rows_take_transfers_ownership),
        T(test_finders__find_one_returns_first_match),
        cmocka_unit_test(test_finders__find_one_limit_rule),
        T(test_finders__find_one_none_is_ok_and_null),
        T(test_finders__find_by_pk_found),
        T(test_finders__find_by_pk_absent_is_ok_and_null),
        T(test_finders__count_all),
        T(test_finders__count_with_where),
        T(test_finders__count_with_where_sql),
        T(test_finders__bulk_create_inserts_every_row),
        T(test_finders__bulk_create_with_null_out),
        T(test_finders__bulk_create_bad_row_inserts_nothing),
        T(test_finders__bulk_create_invalid_row_inserts_nothing),
        T(test_finders__model_update_returns_count),
        T(test_finders__model_update_no_match_is_zero),
        T(test_finders__model_update_sets_updated_at),
        T(test_finders__model_update_with_where_sql),
        T(test_finders__model_update_null_opts_is_einvalid),
        T(test_finders__model_destroy_returns_count),
        T(test_finders__model_destroy_empty_where_deletes_all),
        T(test_finders__model_destroy_null_opts_is_einvalid),
        T(test_finders__model_destroy_without_where_is_einvalid),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
