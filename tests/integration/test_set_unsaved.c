/* Setters and adders given built-but-unsaved instances, or instances of the wrong model,
 * compared with Sequelize 6 (v6.37, SQLite and PostgreSQL):
 *  - hasOne setX(built): v6 detaches the previous target (UPDATE fk = NULL), then saves the
 *    built instance with the key set (an INSERT); with a NOT NULL key the detach fails with the
 *    notNull violation and nothing changes. cequel does the same.
 *  - belongsTo setX(built) (v6 silently sets the key to NULL), hasMany addX/setX(built) (v6
 *    runs UPDATE ... WHERE id IN (NULL) and adds nothing), belongsToMany addX/setX(built) (v6
 *    inserts a join row with a NULL key, which the database refuses) and every instance of the
 *    wrong model (v6 writes the instance into a key column): refused with CQ_EINVALID before
 *    any write (documented deviation).
 * On SQLite, PostgreSQL and MySQL. */
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

static cq_instance *build(cq_db *db, cq_model *m, const char *json)
{
    cq_instance *inst = NULL;
    cq_value *v = cq_test_json(json);
    CQ_ASSERT_OK(db, cq_model_build(&inst, m, v));
    cq_value_free(v);
    return inst;
}

static cq_instance *create(cq_db *db, cq_model *m, const char *json)
{
    cq_instance *inst = NULL;
    cq_value *v = cq_test_json(json);
    CQ_ASSERT_OK(db, cq_model_create(&inst, m, v, NULL));
    cq_value_free(v);
    return inst;
}

static void all_rows_are(cq_db *db, cq_model *m, const char *expected)
{
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(
        db, cq_model_find_all(&rows, m,
                              &(cq_find_opts){ .order = (cq_order[]){ { .attr = "id" }, { 0 } } }));
    dx_assert_rows(rows, expected);
    cq_rows_free(rows);
}

static void test_set_unsaved__has_one_inserts(void **state)
{
    dx_fixture *f = *state;
    cq_db *db = f->db;
    cq_model *order = define(db, "order"), *invoice = define(db, "invoice");
    cq_assoc *a = NULL;
    CQ_ASSERT_OK(db, cq_model_has_one(&a, order, invoice, NULL));
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    cq_instance *o = create(db, order, "{\"name\":\"o\"}");
    cq_instance *old = create(db, invoice, "{\"name\":\"old\"}");
    CQ_ASSERT_OK(db, cq_assoc_set(o, a, &(cq_target){ .instance = old }, 1, NULL));
    cq_instance *fresh = build(db, invoice, "{\"name\":\"new\"}");
    dx_clear(f);
    CQ_ASSERT_OK(db, cq_assoc_set(o, a, &(cq_target){ .instance = fresh }, 1, NULL));
    dx_assert_count(f, 3);
    dx_assert_sql_has(f, 0, "SELECT");
    dx_assert_sql_has(f, 1, "UPDATE invoices SET orderId=");
    dx_assert_sql_has(f, 2, "INSERT INTO invoices (name,orderId) VALUES");
    assert_false(cq_instance_is_new_record(fresh));
    cq_value *v = NULL;
    CQ_ASSERT_OK(db, cq_instance_to_value(&v, fresh));
    cq_test_assert_json(v, "{\"id\":2,\"name\":\"new\",\"orderId\":1}");
    cq_value_free(v);
    all_rows_are(db, invoice,
                 "[{\"id\":1,\"name\":\"old\",\"orderId\":null},{\"id\":2,\"name\":\"new\","
                 "\"orderId\":1}]");
    cq_rows *got = NULL;
    CQ_ASSERT_OK(db, cq_assoc_get(&got, o, a, NULL));
    dx_assert_rows(got, "[{\"id\":2,\"name\":\"new\",\"orderId\":1}]");
    cq_rows_free(got);
    cq_instance_free(fresh);
    cq_instance_free(old);
    cq_instance_free(o);
}

/* A NOT NULL key: detaching the previous target fails with v6's notNull violation; nothing
 * changes and the built instance stays unsaved. */
static void test_set_unsaved__has_one_not_null_key(void **state)
{
    dx_fixture *f = *state;
    cq_db *db = f->db;
    cq_model *shop = define(db, "shop"), *bill = define(db, "bill");
    cq_assoc *a = NULL;
    const cq_attr fk = { .name = "shopId", .allow_null = CQ_OFF };
    CQ_ASSERT_OK(db, cq_model_has_one(&a, shop, bill, &(cq_assoc_opts){ .foreign_key_attr = &fk }));
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    cq_instance *s = create(db, shop, "{\"name\":\"s\"}");
    cq_instance *old = create(db, bill, "{\"name\":\"old\",\"shopId\":1}");
    cq_instance *fresh = build(db, bill, "{\"name\":\"new\"}");
    CQ_ASSERT_ERR(db, CQ_ENOTNULL, cq_assoc_set(s, a, &(cq_target){ .instance = fresh }, 1, NULL));
    assert_string_equal(cq_db_error(db)->message, "notNull Violation: bill.shopId cannot be null");
    assert_true(cq_instance_is_new_record(fresh));
    all_rows_are(db, bill, "[{\"id\":1,\"name\":\"old\",\"shopId\":1}]");
    /* with no previous target: just the INSERT */
    cq_instance *s2 = create(db, shop, "{\"name\":\"s2\"}");
    dx_clear(f);
    CQ_ASSERT_OK(db, cq_assoc_set(s2, a, &(cq_target){ .instance = fresh }, 1, NULL));
    dx_assert_count(f, 2);
    dx_assert_sql_has(f, 1, "INSERT INTO bills (name,shopId) VALUES");
    all_rows_are(db, bill,
                 "[{\"id\":1,\"name\":\"old\",\"shopId\":1},{\"id\":2,\"name\":\"new\","
                 "\"shopId\":2}]");
    cq_instance_free(fresh);
    cq_instance_free(old);
    cq_instance_free(s);
    cq_instance_free(s2);
}

static void refused(dx_fixture *f, int rc, const char *message)
{
    assert_int_equal(rc, CQ_EINVALID);
    assert_string_equal(cq_db_error(f->db)->message, message);
}

static void test_set_unsaved__others_refused(void **state)
{
    dx_fixture *f = *state;
    cq_db *db = f->db;
    cq_model *order = define(db, "order"), *invoice = define(db, "invoice");
    cq_model *item = define(db, "item"), *tag = define(db, "tag"), *cust = define(db, "cust");
    cq_assoc *inv = NULL, *items = NULL, *tags = NULL, *c = NULL;
    CQ_ASSERT_OK(db, cq_model_has_one(&inv, order, invoice, NULL));
    CQ_ASSERT_OK(db, cq_model_has_many(&items, order, item, NULL));
    CQ_ASSERT_OK(
        db, cq_model_belongs_to_many(&tags, order, tag,
                                     &(cq_assoc_opts){ .through = "OT", .timestamps = CQ_OFF }));
    CQ_ASSERT_OK(db, cq_model_belongs_to(&c, order, cust, NULL));
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    cq_instance *o = create(db, order, "{\"name\":\"o\"}");
    cq_instance *saved_item = create(db, item, "{\"name\":\"si\"}");
    cq_instance *bi = build(db, item, "{\"name\":\"bi\"}");
    cq_instance *bt = build(db, tag, "{\"name\":\"bt\"}");
    cq_instance *bc = build(db, cust, "{\"name\":\"bc\"}");
    cq_target ti = { .instance = bi }, tt = { .instance = bt }, tc = { .instance = bc };
    cq_target tsi = { .instance = saved_item };
    dx_clear(f);
    refused(f, cq_assoc_set(o, inv, &ti, 1, NULL),
            "setInvoice expects instances of invoice, got an instance of item");
    refused(f, cq_assoc_set(o, inv, &tsi, 1, NULL),
            "setInvoice expects instances of invoice, got an instance of item");
    refused(f, cq_assoc_add(o, items, &ti, 1, NULL),
            "addItem: the item instance is not saved (its key is not set); save it first");
    refused(f, cq_assoc_set(o, items, &ti, 1, NULL),
            "setItems: the item instance is not saved (its key is not set); save it first");
    refused(f, cq_assoc_add(o, items, &tt, 1, NULL),
            "addItem expects instances of item, got an instance of tag");
    refused(f, cq_assoc_add(o, tags, &tt, 1, NULL),
            "addTag: the tag instance is not saved (its key is not set); save it first");
    refused(f, cq_assoc_set(o, tags, &tt, 1, NULL),
            "setTags: the tag instance is not saved (its key is not set); save it first");
    refused(f, cq_assoc_add(o, tags, &tsi, 1, NULL),
            "addTag expects instances of tag, got an instance of item");
    refused(f, cq_assoc_set(o, c, &tc, 1, NULL),
            "setCust: the cust instance is not saved (its key is not set); save it first");
    refused(f, cq_assoc_set(o, c, &ti, 1, NULL),
            "setCust expects instances of cust, got an instance of item");
    for (size_t i = 0; i < f->n && i < DX_MAX_SQL; i++)
        if (strncmp(f->sql[i], "SELECT", 6) != 0) {
            print_error("a refused call wrote: %s\n", f->sql[i]);
            fail();
        }
    all_rows_are(db, order, "[{\"id\":1,\"name\":\"o\",\"custId\":null}]");
    all_rows_are(db, item, "[{\"id\":1,\"name\":\"si\",\"orderId\":null}]");
    int64_t n = -1;
    CQ_ASSERT_OK(db, cq_model_count(&n, cq_assoc_through(tags), NULL));
    assert_int_equal(n, 0);
    assert_true(cq_instance_is_new_record(bi));
    cq_instance_free(o);
    cq_instance_free(saved_item);
    cq_instance_free(bi);
    cq_instance_free(bt);
    cq_instance_free(bc);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(test_set_unsaved__##name, dx_setup, dx_teardown)
    const struct CMUnitTest tests[] = {
        T(has_one_inserts),
        T(has_one_not_null_key),
        T(others_refused),
    };
#undef T
    return DX_RUN("test_set_unsaved", tests);
}
