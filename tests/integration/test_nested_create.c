/* Integration tests for creating with associations (spec/include.md part B; DEVIATIONS D2,
 * D5, D7, D15): the seed examples, the conformance scenarios 41-46 (results and resulting rows),
 * every association type nested, bulkCreate of trees, join values, scopes, and atomicity: a
 * failure anywhere in a tree leaves every table exactly as it was. */
#define _POSIX_C_SOURCE 200809L
#include "cq_fixture.h"

#include <stdlib.h>
#include <string.h>

/* ---- helpers ----------------------------------------------------------------------------------
 */

/* Compares `got` (timestamps masked as the goldens do, keys sorted) with the JSON text
 * `expected`. */
static void assert_value(const cq_value *got, const char *expected)
{
    cq_value *m = cq_test_mask(got, "<timestamp>");
    cq_test_assert_json_sorted(m, expected);
    cq_value_free(m);
}

static void assert_instance(const cq_instance *inst, const char *expected)
{
    cq_value *v = NULL;
    assert_int_equal(cq_instance_to_value(&v, inst), CQ_OK);
    assert_value(v, expected);
    cq_value_free(v);
}

static void assert_rows(const cq_rows *rows, const char *expected)
{
    cq_value *v = NULL;
    assert_int_equal(cq_rows_to_value(&v, rows), CQ_OK);
    assert_value(v, expected);
    cq_value_free(v);
}

/* Rows of a raw query (the dump of a table), compared like the goldens' `rows`. */
static void assert_table(cq_db *db, const char *sql, const char *expected)
{
    cq_value *rows = NULL;
    CQ_ASSERT_OK(db, cq_db_query(&rows, db, sql, NULL, NULL));
    assert_value(rows, expected);
    cq_value_free(rows);
}

static int create(cq_db *db, cq_instance **out, cq_model *m, const char *json,
                  const cq_include *include)
{
    cq_value *v = cq_test_json(json);
    int rc = cq_model_create(out, m, v, &(cq_write_opts){ .include = include });
    cq_value_free(v);
    (void)db;
    return rc;
}

#define TS "\"createdAt\":\"<timestamp>\",\"updatedAt\":\"<timestamp>\""

/* ---- scenario 41: seed 000 Product/User/Address -----------------------------------------------
 */

static void test_nested_create__scenario_41_product_user_address(void **state)
{
    fixture *f = *state;
    cq_db *db = f->db;
    cq_model *product = fx_define(
        db, "product", (const cq_attr[]){ { .name = "title", .type = CQ_STRING }, { 0 } });
    cq_model *user = fx_define(db, "user",
                               (const cq_attr[]){ { .name = "first_name", .type = CQ_STRING },
                                                  { .name = "last_name", .type = CQ_STRING },
                                                  { 0 } });
    cq_model *address = fx_define(db, "address",
                                  (const cq_attr[]){ { .name = "type", .type = CQ_STRING },
                                                     { .name = "line_1", .type = CQ_STRING },
                                                     { .name = "line_2", .type = CQ_STRING },
                                                     { .name = "city", .type = CQ_STRING },
                                                     { .name = "state", .type = CQ_STRING },
                                                     { .name = "zip", .type = CQ_STRING },
                                                     { 0 } });
    cq_assoc *product_user = NULL, *user_addresses = NULL;
    CQ_ASSERT_OK(db, cq_model_belongs_to(&product_user, product, user, NULL));
    CQ_ASSERT_OK(db, cq_model_has_many(&user_addresses, user, address, NULL));
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    fx_clear_sql(f);
    cq_instance *created = NULL;
    CQ_ASSERT_OK(
        db, create(db, &created, product,
                   "{\"title\":\"Chair\",\"user\":{\"first_name\":\"Mick\","
                   "\"last_name\":\"Broadstone\",\"addresses\":[{\"type\":\"home\","
                   "\"line_1\":\"100 Main St.\",\"city\":\"Austin\",\"state\":\"TX\","
                   "\"zip\":\"78704\"}]}}",
                   (cq_include[]){
                       { .association = product_user,
                         .include = (cq_include[]){ { .association = user_addresses }, { 0 } } },
                       { 0 } }));
    assert_int_equal(fx_count_sql(f, "INSERT"), 3); /* users; addresses; products (B3) */
    const char *addr = "{\"city\":\"Austin\"," TS ",\"id\":1,\"line_1\":\"100 Main St.\","
                       "\"line_2\":null,\"state\":\"TX\",\"type\":\"home\",\"userId\":1,"
                       "\"zip\":\"78704\"}";
    char want[2048];
    snprintf(want, sizeof want,
             "{" TS ",\"id\":1,\"title\":\"Chair\",\"user\":{\"addresses\":[%s]," TS
             ",\"first_name\":\"Mick\",\"id\":1,\"last_name\":\"Broadstone\"},\"userId\":1}",
             addr);
    assert_instance(created, want); /* D7: line_2 present (null) */
    cq_instance *reloaded = NULL;
    cq_value *pk = cq_value_int(1);
    CQ_ASSERT_OK(
        db, cq_model_find_by_pk(
                &reloaded, product, pk,
                &(cq_find_opts){
                    .include = (cq_include[]){
                        { .model = user, .include = (cq_include[]){ { .model = address }, { 0 } } },
                        { 0 } } }));
    assert_instance(reloaded, want);
    cq_value_free(pk);
    assert_table(db, "SELECT * FROM addresses ORDER BY id",
                 (snprintf(want, sizeof want, "[%s]", addr), want));
    assert_table(db, "SELECT * FROM products ORDER BY id",
                 "[{" TS ",\"id\":1,\"title\":\"Chair\",\"userId\":1}]");
    assert_table(db, "SELECT * FROM users ORDER BY id",
                 "[{" TS ",\"first_name\":\"Mick\",\"id\":1,\"last_name\":\"Broadstone\"}]");
    cq_instance_free(created);
    cq_instance_free(reloaded);
}

/* ---- scenario 42: seed 004 camelCase, hasOne, nested data without include ignored ----------- */

static void test_nested_create__scenario_42_has_one_and_ignored_data(void **state)
{
    fixture *f = *state;
    cq_db *db = f->db;
    cq_model *product = fx_define(
        db, "product", (const cq_attr[]){ { .name = "title", .type = CQ_STRING }, { 0 } });
    cq_model *user = fx_define(db, "user",
                               (const cq_attr[]){ { .name = "firstName", .type = CQ_STRING },
                                                  { .name = "lastName", .type = CQ_STRING },
                                                  { 0 } });
    cq_model *address = fx_define(db, "address",
                                  (const cq_attr[]){ { .name = "type", .type = CQ_STRING },
                                                     { .name = "line1", .type = CQ_STRING },
                                                     { .name = "line2", .type = CQ_STRING },
                                                     { .name = "city", .type = CQ_STRING },
                                                     { .name = "state", .type = CQ_STRING },
                                                     { .name = "zip", .type = CQ_STRING },
                                                     { 0 } });
    cq_assoc *product_user = NULL, *user_address = NULL;
    CQ_ASSERT_OK(db, cq_model_belongs_to(&product_user, product, user, NULL));
    CQ_ASSERT_OK(db, cq_model_has_one(&user_address, user, address, NULL));
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    CQ_ASSERT_OK(db,
                 create(db, NULL, product,
                        "{\"title\":\"Chair\",\"user\":{\"firstName\":\"Mick\","
                        "\"lastName\":\"Broadstone\",\"address\":{\"type\":\"home\","
                        "\"line1\":\"100 Main St.\",\"city\":\"Austin\",\"state\":\"TX\","
                        "\"zip\":\"78704\"}}}",
                        (cq_include[]){
                            { .association = product_user,
                              .include = (cq_include[]){ { .association = user_address }, { 0 } } },
                            { 0 } }));
    cq_instance *q = NULL;
    CQ_ASSERT_OK(db, create(db, &q, product,
                            "{\"title\":\"Table\",\"user\":{\"firstName\":\"Ignored\"}}", NULL));
    CQ_ASSERT_OK(db, cq_instance_reload(q, NULL));
    assert_true(cq_value_is_null(cq_instance_get(q, "userId")));
    cq_instance_free(q);
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(
        db,
        cq_model_find_all(
            &rows, product,
            &(cq_find_opts){
                .include =
                    (cq_include[]){
                        { .model = user, .include = (cq_include[]){ { .model = address }, { 0 } } },
                        { 0 } },
                .order = (cq_order[]){ { .attr = "id" }, { 0 } } }));
    assert_rows(
        rows, "[{" TS ",\"id\":1,\"title\":\"Chair\",\"user\":{\"address\":{\"city\":\"Austin\"," TS
              ",\"id\":1,\"line1\":\"100 Main St.\",\"line2\":null,\"state\":\"TX\","
              "\"type\":\"home\",\"userId\":1,\"zip\":\"78704\"}," TS ",\"firstName\":\"Mick\","
              "\"id\":1,\"lastName\":\"Broadstone\"},\"userId\":1},{" TS ",\"id\":2,"
              "\"title\":\"Table\",\"user\":null,\"userId\":null}]");
    cq_rows_free(rows);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM users"), 1);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM addresses"), 1);
}

/* ---- scenario 43: belongsTo alias `creator`
 * ------------------------------------------------------ */

static void test_nested_create__scenario_43_creator_alias(void **state)
{
    fixture *f = *state;
    cq_db *db = f->db;
    cq_model *product = fx_define(
        db, "product", (const cq_attr[]){ { .name = "title", .type = CQ_STRING }, { 0 } });
    cq_model *user = fx_define(db, "user",
                               (const cq_attr[]){ { .name = "first_name", .type = CQ_STRING },
                                                  { .name = "last_name", .type = CQ_STRING },
                                                  { 0 } });
    cq_assoc *creator = NULL;
    CQ_ASSERT_OK(db,
                 cq_model_belongs_to(&creator, product, user, &(cq_assoc_opts){ .as = "creator" }));
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    fx_clear_sql(f);
    cq_instance *p = NULL;
    CQ_ASSERT_OK(db, create(db, &p, product,
                            "{\"title\":\"Chair\",\"creator\":{\"first_name\":\"Matt\","
                            "\"last_name\":\"Hansen\"}}",
                            (cq_include[]){ { .association = creator }, { 0 } }));
    assert_int_equal(fx_count_sql(f, "INSERT"), 2);
    int64_t creator_id = 0;
    CQ_ASSERT_OK(db, cq_instance_get_int(&creator_id, p, "creatorId"));
    assert_int_equal(creator_id, 1);
    cq_instance_free(p);
    CQ_ASSERT_OK(db, create(db, NULL, product,
                            "{\"title\":\"Desk\",\"creator\":{\"first_name\":\"Ada\","
                            "\"last_name\":\"Lovelace\"}}",
                            (cq_include[]){ { .model = user, .as = "creator" }, { 0 } }));
    /* by model without the alias: the spec's "using an alias" error, nothing written */
    CQ_ASSERT_ERR(db, CQ_EEAGER,
                  create(db, NULL, product,
                         "{\"title\":\"Bed\",\"creator\":{\"first_name\":\"X\"}}",
                         (cq_include[]){ { .model = user }, { 0 } }));
    assert_string_equal(cq_db_error(db)->message,
                        "user is associated to product using an alias. You must use the 'as' "
                        "keyword to specify the alias within your include statement.");
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(db, cq_model_find_all(
                         &rows, product,
                         &(cq_find_opts){
                             .include = (cq_include[]){ { .model = user, .as = "creator" }, { 0 } },
                             .order = (cq_order[]){ { .attr = "id" }, { 0 } } }));
    assert_rows(rows, "[{" TS ",\"creator\":{" TS ",\"first_name\":\"Matt\",\"id\":1,"
                      "\"last_name\":\"Hansen\"},\"creatorId\":1,\"id\":1,\"title\":\"Chair\"},"
                      "{" TS ",\"creator\":{" TS ",\"first_name\":\"Ada\",\"id\":2,"
                      "\"last_name\":\"Lovelace\"},\"creatorId\":2,\"id\":2,\"title\":\"Desk\"}]");
    cq_rows_free(rows);
    assert_table(db, "SELECT * FROM users ORDER BY id",
                 "[{" TS ",\"first_name\":\"Matt\",\"id\":1,\"last_name\":\"Hansen\"},"
                 "{" TS ",\"first_name\":\"Ada\",\"id\":2,\"last_name\":\"Lovelace\"}]");
}

/* ---- scenario 44: hasMany tags by model, explicit product id -----------------------------------
 */

static void test_nested_create__scenario_44_has_many_tags(void **state)
{
    fixture *f = *state;
    cq_db *db = f->db;
    cq_model *product = fx_define(
        db, "product", (const cq_attr[]){ { .name = "title", .type = CQ_STRING }, { 0 } });
    cq_model *tag =
        fx_define(db, "tag", (const cq_attr[]){ { .name = "name", .type = CQ_STRING }, { 0 } });
    CQ_ASSERT_OK(db, cq_model_has_many(NULL, product, tag, NULL));
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    fx_clear_sql(f);
    cq_instance *p = NULL;
    CQ_ASSERT_OK(db, create(db, &p, product,
                            "{\"id\":1,\"title\":\"Chair\",\"tags\":[{\"name\":\"Alpha\"},"
                            "{\"name\":\"Beta\"}]}",
                            (cq_include[]){ { .model = tag }, { 0 } }));
    assert_int_equal(fx_count_sql(f, "INSERT"), 3);
    /* tagProductIds */
    cq_value *v = NULL;
    CQ_ASSERT_OK(db, cq_instance_to_value(&v, p));
    const cq_value *tags = cq_value_object_get(v, "tags");
    assert_int_equal(cq_value_size(tags), 2);
    for (size_t i = 0; i < 2; i++)
        assert_int_equal(
            cq_value_as_int(cq_value_object_get(cq_value_array_get(tags, i), "productId")), 1);
    cq_value_free(v);
    cq_instance_free(p);
    cq_instance *found = NULL;
    cq_value *pk = cq_value_int(1);
    CQ_ASSERT_OK(
        db, cq_model_find_by_pk(
                &found, product, pk,
                &(cq_find_opts){ .include = (cq_include[]){ { .model = tag }, { 0 } },
                                 .order = (cq_order[]){ { .as = "tags", .attr = "id" }, { 0 } } }));
    cq_value_free(pk);
    assert_instance(found, "{" TS ",\"id\":1,\"tags\":[{" TS ",\"id\":1,\"name\":\"Alpha\","
                           "\"productId\":1},{" TS ",\"id\":2,\"name\":\"Beta\",\"productId\":1}],"
                           "\"title\":\"Chair\"}");
    cq_instance_free(found);
    assert_table(db, "SELECT * FROM tags ORDER BY id",
                 "[{" TS ",\"id\":1,\"name\":\"Alpha\",\"productId\":1},{" TS ",\"id\":2,"
                 "\"name\":\"Beta\",\"productId\":1}]");
}

/* ---- scenario 45: alias `categories` with explicit ids (D5: the association works as the
 * include; the second identical create then collides and writes nothing, D2) ---------------- */

static void test_nested_create__scenario_45_categories_alias(void **state)
{
    fixture *f = *state;
    cq_db *db = f->db;
    cq_model *product = fx_define(
        db, "product", (const cq_attr[]){ { .name = "title", .type = CQ_STRING }, { 0 } });
    cq_model *tag =
        fx_define(db, "tag", (const cq_attr[]){ { .name = "name", .type = CQ_STRING }, { 0 } });
    cq_assoc *categories = NULL;
    CQ_ASSERT_OK(
        db, cq_model_has_many(&categories, product, tag, &(cq_assoc_opts){ .as = "categories" }));
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    const char *values =
        "{\"id\":1,\"title\":\"Chair\",\"categories\":[{\"id\":1,\"name\":\"Alpha\"},"
        "{\"id\":2,\"name\":\"Beta\"}]}";
    /* as model: the handle under `model` is not expressible in C; D5's form is the association
     * with its alias */
    CQ_ASSERT_OK(
        db, create(db, NULL, product, values,
                   (cq_include[]){ { .association = categories, .as = "categories" }, { 0 } }));
    CQ_ASSERT_ERR(
        db, CQ_EUNIQUE,
        create(db, NULL, product, values,
               (cq_include[]){ { .association = categories, .as = "categories" }, { 0 } }));
    /* by model alone: the association is aliased */
    CQ_ASSERT_ERR(db, CQ_EEAGER,
                  create(db, NULL, product, values, (cq_include[]){ { .model = tag }, { 0 } }));
    /* the alias string form */
    CQ_ASSERT_ERR(
        db, CQ_EUNIQUE,
        create(db, NULL, product, values, (cq_include[]){ { .as = "categories" }, { 0 } }));
    cq_instance *next = NULL;
    int64_t id = 0;
    CQ_ASSERT_OK(db, create(db, &next, product, "{\"title\":\"Stool\"}", NULL));
    CQ_ASSERT_OK(db, cq_instance_get_int(&id, next, "id"));
    assert_int_equal(id, 2);
    cq_instance_free(next);
    CQ_ASSERT_OK(db, create(db, &next, tag, "{\"name\":\"Gamma\"}", NULL));
    CQ_ASSERT_OK(db, cq_instance_get_int(&id, next, "id"));
    assert_int_equal(id, 3);
    cq_instance_free(next);
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(db,
                 cq_model_find_all(
                     &rows, product,
                     &(cq_find_opts){
                         .include = (cq_include[]){ { .model = tag, .as = "categories" }, { 0 } },
                         .order = (cq_order[]){
                             { .attr = "id" }, { .as = "categories", .attr = "id" }, { 0 } } }));
    assert_rows(rows,
                "[{\"categories\":[{" TS ",\"id\":1,\"name\":\"Alpha\",\"productId\":1},"
                "{" TS ",\"id\":2,\"name\":\"Beta\",\"productId\":1}]," TS ",\"id\":1,"
                "\"title\":\"Chair\"},{\"categories\":[]," TS ",\"id\":2,\"title\":\"Stool\"}]");
    cq_rows_free(rows);
    assert_table(db, "SELECT * FROM tags ORDER BY id",
                 "[{" TS ",\"id\":1,\"name\":\"Alpha\",\"productId\":1},{" TS ",\"id\":2,"
                 "\"name\":\"Beta\",\"productId\":1},{" TS ",\"id\":3,\"name\":\"Gamma\","
                 "\"productId\":null}]");
    assert_table(db, "SELECT * FROM products ORDER BY id",
                 "[{" TS ",\"id\":1,\"title\":\"Chair\"},{" TS ",\"id\":2,\"title\":\"Stool\"}]");
}

/* ---- scenario 46: belongsToMany tags, join values under the join model's name ------------------
 */

static void test_nested_create__scenario_46_btm_join_values(void **state)
{
    fixture *f = *state;
    cq_db *db = f->db;
    cq_model *product = fx_define(
        db, "product", (const cq_attr[]){ { .name = "title", .type = CQ_STRING }, { 0 } });
    cq_model *tag =
        fx_define(db, "tag", (const cq_attr[]){ { .name = "name", .type = CQ_STRING }, { 0 } });
    cq_model *pt = fx_define(db, "product_tag",
                             (const cq_attr[]){ { .name = "weight", .type = CQ_INTEGER }, { 0 } });
    CQ_ASSERT_OK(
        db, cq_model_belongs_to_many(NULL, product, tag, &(cq_assoc_opts){ .through_model = pt }));
    CQ_ASSERT_OK(
        db, cq_model_belongs_to_many(NULL, tag, product, &(cq_assoc_opts){ .through_model = pt }));
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    fx_clear_sql(f);
    cq_instance *p = NULL;
    CQ_ASSERT_OK(db, create(db, &p, product,
                            "{\"title\":\"Chair\",\"tags\":[{\"name\":\"Alpha\",\"product_tag\":"
                            "{\"weight\":5}},{\"name\":\"Beta\"}]}",
                            (cq_include[]){ { .model = tag }, { 0 } }));
    assert_int_equal(fx_count_sql(f, "INSERT"),
                     5); /* products; tags; product_tags; tags; product_tags */
    /* the created targets do not carry the join row (B5) */
    assert_instance(p, "{" TS ",\"id\":1,\"title\":\"Chair\",\"tags\":[{" TS ",\"id\":1,"
                       "\"name\":\"Alpha\"},{" TS ",\"id\":2,\"name\":\"Beta\"}]}");
    cq_instance_free(p);
    CQ_ASSERT_OK(db,
                 create(db, NULL, product, "{\"title\":\"Lamp\",\"tags\":[{\"name\":\"Gamma\"}]}",
                        (cq_include[]){ { .model = tag }, { 0 } }));
    static const char *const weight[] = { "weight", NULL };
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(
        db,
        cq_model_find_all(
            &rows, product,
            &(cq_find_opts){
                .include = (cq_include[]){ { .model = tag, .through_attributes = weight }, { 0 } },
                .order =
                    (cq_order[]){ { .attr = "id" }, { .as = "tags", .attr = "id" }, { 0 } } }));
    assert_rows(rows, "[{" TS ",\"id\":1,\"tags\":[{" TS ",\"id\":1,\"name\":\"Alpha\","
                      "\"product_tag\":{\"weight\":5}},{" TS ",\"id\":2,\"name\":\"Beta\","
                      "\"product_tag\":{\"weight\":null}}],\"title\":\"Chair\"},{" TS ",\"id\":2,"
                      "\"tags\":[{" TS ",\"id\":3,\"name\":\"Gamma\",\"product_tag\":"
                      "{\"weight\":null}}],\"title\":\"Lamp\"}]");
    cq_rows_free(rows);
    const char *join_rows =
        "[{" TS ",\"productId\":1,\"tagId\":1,\"weight\":5},{" TS ",\"productId\":1,"
        "\"tagId\":2,\"weight\":null},{" TS ",\"productId\":2,\"tagId\":3,"
        "\"weight\":null}]";
    CQ_ASSERT_OK(db,
                 cq_model_find_all(&rows, pt,
                                   &(cq_find_opts){ .order = (cq_order[]){ { .attr = "productId" },
                                                                           { .attr = "tagId" },
                                                                           { 0 } } }));
    assert_rows(rows, join_rows);
    cq_rows_free(rows);
    assert_table(db, "SELECT * FROM product_tags ORDER BY productId, tagId", join_rows);
    assert_table(db, "SELECT * FROM tags ORDER BY id",
                 "[{" TS ",\"id\":1,\"name\":\"Alpha\"},{" TS ",\"id\":2,\"name\":\"Beta\"},"
                 "{" TS ",\"id\":3,\"name\":\"Gamma\"}]");
}

/* ---- the tree used below: every association type ---------------------------------------------
 * product -belongsTo-> owner (user), -hasMany-> tags, -belongsToMany-> labels (product_labels),
 * -hasOne-> detail; every model: name NOT NULL, code UNIQUE, qty INTEGER, colorId -> colors */

typedef struct tree {
    cq_model *color, *user, *product, *tag, *label, *detail, *pl;
    cq_assoc *owner, *tags, *labels, *detail_a, *label_products, *user_products;
} tree;

static const cq_attr row_attrs[] = { { .name = "name", .type = CQ_STRING, .allow_null = CQ_OFF },
                                     { .name = "code", .type = CQ_STRING, .unique = true },
                                     { .name = "qty", .type = CQ_INTEGER },
                                     { 0 } };

static void tree_define(cq_db *db, tree *t)
{
    memset(t, 0, sizeof *t);
    t->color =
        fx_define(db, "color", (const cq_attr[]){ { .name = "name", .type = CQ_STRING }, { 0 } });
    t->user = fx_define(db, "user", row_attrs);
    t->product = fx_define(db, "product", row_attrs);
    t->tag = fx_define(db, "tag", row_attrs);
    t->label = fx_define(db, "label", row_attrs);
    t->detail = fx_define(db, "detail", row_attrs);
    t->pl = fx_define(db, "product_label",
                      (const cq_attr[]){ { .name = "weight", .type = CQ_INTEGER }, { 0 } });
    cq_model *all[] = { t->user, t->product, t->tag, t->label, t->detail };
    for (size_t i = 0; i < 5; i++)
        CQ_ASSERT_OK(db, cq_model_belongs_to(NULL, all[i], t->color, NULL));
    CQ_ASSERT_OK(
        db, cq_model_belongs_to(&t->owner, t->product, t->user, &(cq_assoc_opts){ .as = "owner" }));
    CQ_ASSERT_OK(db, cq_model_has_many(&t->user_products, t->user, t->product,
                                       &(cq_assoc_opts){ .foreign_key = "ownerId" }));
    CQ_ASSERT_OK(db, cq_model_has_many(&t->tags, t->product, t->tag, NULL));
    CQ_ASSERT_OK(db, cq_model_belongs_to_many(&t->labels, t->product, t->label,
                                              &(cq_assoc_opts){ .through_model = t->pl }));
    CQ_ASSERT_OK(db, cq_model_belongs_to_many(&t->label_products, t->label, t->product,
                                              &(cq_assoc_opts){ .through_model = t->pl }));
    CQ_ASSERT_OK(db, cq_model_has_one(&t->detail_a, t->product, t->detail, NULL));
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
}

static const char *const tree_tables[] = { "colors", "users",   "products",      "tags",
                                           "labels", "details", "product_labels" };

/* Every table's rows, as JSON text (to compare before / after). */
static char *snapshot(cq_db *db)
{
    cq_value *all = cq_value_object();
    for (size_t i = 0; i < sizeof tree_tables / sizeof tree_tables[0]; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY 1, 2", tree_tables[i]);
        cq_value *rows = NULL;
        CQ_ASSERT_OK(db, cq_db_query(&rows, db, sql, NULL, NULL));
        cq_value_object_set(all, tree_tables[i], rows);
    }
    char *text = NULL;
    assert_int_equal(cq_value_to_json(&text, all, CQ_JSON_COMPACT), CQ_OK);
    cq_value_free(all);
    return text;
}

/* Ten rows: owner (1st), product, three tags, two labels and their two join rows, detail
 * (10th). `slot` 0..9 receives `inject` (a JSON member text such as "\"name\":null"). */
static char *tree_json(int slot, const char *inject, int n)
{
    char s[10][96];
    for (int i = 0; i < 10; i++)
        snprintf(s[i], sizeof s[i], "%s%s", slot == i ? "," : "", slot == i ? inject : "");
    char *out = malloc(4096);
    snprintf(
        out, 4096,
        "{\"name\":\"product%d\",\"code\":\"P%d\"%s,"
        "\"owner\":{\"name\":\"owner%d\",\"code\":\"U%d\"%s},"
        "\"tags\":[{\"name\":\"tag a\",\"code\":\"Ta%d\"%s},{\"name\":\"tag "
        "b\",\"code\":\"Tb%d\"%s},"
        "{\"name\":\"tag c\",\"code\":\"Tc%d\"%s}],"
        "\"labels\":[{\"name\":\"label a\",\"code\":\"La%d\"%s,\"product_label\":{\"weight\":1%s}},"
        "{\"name\":\"label b\",\"code\":\"Lb%d\"%s,\"product_label\":{\"weight\":2%s}}],"
        "\"detail\":{\"name\":\"detail\",\"code\":\"D%d\"%s}}",
        n, n, s[1], n, n, s[0], n, s[2], n, s[3], n, s[4], n, s[5], s[6], n, s[7], s[8], n, s[9]);
    return out;
}

static const cq_include tree_include[] = {
    { .as = "owner" }, { .as = "tags" }, { .as = "labels" }, { .as = "detail" }, { 0 }
};

/* ---- all four association types in one tree, three levels deep ---------------------------------
 */

static void test_nested_create__all_types_three_levels(void **state)
{
    fixture *f = *state;
    cq_db *db = f->db;
    tree t;
    tree_define(db, &t);
    /* level 1 user -> level 2 products (hasMany) -> level 3 owner, tags, labels, detail */
    cq_instance *u = NULL;
    char *p1 = tree_json(-1, "", 1), *p2 = tree_json(-1, "", 2);
    char json[8192];
    snprintf(json, sizeof json, "{\"name\":\"root\",\"code\":\"R\",\"products\":[%s,%s]}", p1, p2);
    free(p1);
    free(p2);
    /* the products' "owner" data is not included: ignored */
    fx_clear_sql(f);
    CQ_ASSERT_OK(db,
                 create(db, &u, t.user, json,
                        (cq_include[]){ { .association = t.user_products,
                                          .include = (cq_include[]){ { .association = t.tags },
                                                                     { .association = t.labels },
                                                                     { .association = t.detail_a },
                                                                     { 0 } } },
                                        { 0 } }));
    /* root; per product: product, 3 tags, 2 labels, 2 join rows, detail (owner not included) */
    assert_int_equal(fx_count_sql(f, "INSERT"), 1 + 2 * 9);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM users"), 1);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM products WHERE ownerId = 1"), 2);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM tags WHERE productId IN (1, 2)"),
                     6);
    assert_int_equal(
        cq_test_scalar_int(db, "SELECT count(*) FROM details WHERE productId IN (1, 2)"), 2);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM product_labels"), 4);
    assert_int_equal(cq_test_scalar_int(db, "SELECT sum(weight) FROM product_labels"), 6);
    cq_instance_free(u);

    /* four levels through belongsTo: product -> owner -> products (hasMany) -> labels (BTM) */
    CQ_ASSERT_OK(
        db,
        create(db, &u, t.product,
               "{\"name\":\"top\",\"owner\":{\"name\":\"boss\",\"products\":["
               "{\"name\":\"sub\",\"labels\":[{\"name\":\"deep\",\"product_label\":"
               "{\"weight\":7}}]}]}}",
               (cq_include[]){
                   { .association = t.owner,
                     .include =
                         (cq_include[]){
                             { .association = t.user_products,
                               .include = (cq_include[]){ { .association = t.labels }, { 0 } } },
                             { 0 } } },
                   { 0 } }));
    cq_value *v = NULL;
    CQ_ASSERT_OK(db, cq_instance_to_value(&v, u));
    const cq_value *owner = cq_value_object_get(v, "owner");
    const cq_value *sub = cq_value_array_get(cq_value_object_get(owner, "products"), 0);
    assert_int_equal(cq_value_as_int(cq_value_object_get(v, "ownerId")),
                     cq_value_as_int(cq_value_object_get(owner, "id")));
    assert_int_equal(cq_value_as_int(cq_value_object_get(sub, "ownerId")),
                     cq_value_as_int(cq_value_object_get(owner, "id")));
    assert_string_equal(cq_value_as_text(cq_value_object_get(
                            cq_value_array_get(cq_value_object_get(sub, "labels"), 0), "name")),
                        "deep");
    cq_value_free(v);
    /* read back */
    cq_rows *rows = NULL;
    static const char *const name[] = { "name", NULL };
    cq_value *top = cq_test_json("{\"name\":\"top\"}");
    CQ_ASSERT_OK(
        db,
        cq_model_find_all(
            &rows, t.product,
            &(cq_find_opts){
                .where = top,
                .attributes = name,
                .include = (cq_include[]){
                    { .association = t.owner,
                      .attributes = name,
                      .include = (cq_include[]){ { .association = t.user_products,
                                                   .attributes = name,
                                                   .include = (cq_include[]){ { .association =
                                                                                    t.labels,
                                                                                .attributes = name,
                                                                                .through_attributes = (const char
                                                                                                           *const[]){ "weight", NULL } },
                                                                              { 0 } } },
                                                 { 0 } } },
                    { 0 } } }));
    /* the owner and its products are written before "top" (B2 step 1): sub comes first */
    assert_rows(rows, "[{\"name\":\"top\",\"owner\":{\"name\":\"boss\",\"products\":["
                      "{\"name\":\"sub\",\"labels\":[{\"name\":\"deep\","
                      "\"product_label\":{\"weight\":7}}]},{\"name\":\"top\",\"labels\":[]}]}}]");
    cq_rows_free(rows);
    cq_value_free(top);
    cq_instance_free(u);
}

/* ---- bulkCreate of 100 trees
 * ------------------------------------------------------------------------ */

static void test_nested_create__bulk_create_100_trees(void **state)
{
    fixture *f = *state;
    cq_db *db = f->db;
    tree t;
    tree_define(db, &t);
    size_t cap = 100 * 1200;
    char *json = malloc(cap);
    size_t len = 0;
    json[len++] = '[';
    for (int i = 0; i < 100; i++) {
        char *one = tree_json(-1, "", i);
        len += (size_t)snprintf(json + len, cap - len, "%s%s", i ? "," : "", one);
        free(one);
    }
    snprintf(json + len, cap - len, "]");
    cq_value *v = cq_test_json(json);
    free(json);
    cq_rows *rows = NULL;
    fx_clear_sql(f);
    CQ_ASSERT_OK(
        db, cq_model_bulk_create(&rows, t.product, v, &(cq_write_opts){ .include = tree_include }));
    cq_value_free(v);
    /* one multi-row INSERT per table and level (B7): owners, products, tags, labels, their
     * join rows, details */
    assert_int_equal(fx_count_sql(f, "INSERT"), 6);
    assert_int_equal(cq_rows_count(rows), 100);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM products"), 100);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM users"), 100);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM tags"), 300);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM labels"), 200);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM product_labels"), 200);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM details"), 100);
    /* every child points at its own parent */
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM tags t JOIN products p ON "
                                            "t.productId = p.id WHERE substr(t.code, 3) = "
                                            "substr(p.code, 2)"),
                     300);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM products p JOIN users u ON "
                                            "p.ownerId = u.id WHERE substr(u.code, 2) = "
                                            "substr(p.code, 2)"),
                     100);
    assert_int_equal(cq_test_scalar_int(db,
                                        "SELECT count(*) FROM product_labels pl JOIN products p "
                                        "ON pl.productId = p.id JOIN labels l ON pl.labelId = "
                                        "l.id WHERE substr(l.code, 3) = substr(p.code, 2)"),
                     200);
    assert_string_equal(cq_value_as_text(cq_instance_get(cq_rows_at(rows, 99), "code")), "P99");
    cq_rows_free(rows);
    /* a failing tree in the middle of the batch: nothing of the batch stays (D2) */
    char *before = snapshot(db);
    char *a = tree_json(-1, "", 200), *b = tree_json(4, "\"name\":null", 201),
         *c = tree_json(-1, "", 202);
    char batch[8192];
    snprintf(batch, sizeof batch, "[%s,%s,%s]", a, b, c);
    free(a);
    free(b);
    free(c);
    v = cq_test_json(batch);
    CQ_ASSERT_ERR(
        db, CQ_ENOTNULL,
        cq_model_bulk_create(&rows, t.product, v, &(cq_write_opts){ .include = tree_include }));
    assert_null(rows);
    cq_value_free(v);
    char *after = snapshot(db);
    assert_string_equal(after, before);
    cq_free(before);
    cq_free(after);
}

/* ---- hasMany scope values are applied to nested children
 * ---------------------------------------------- */

static void test_nested_create__has_many_scope(void **state)
{
    fixture *f = *state;
    cq_db *db = f->db;
    cq_model *image =
        fx_define(db, "image", (const cq_attr[]){ { .name = "title", .type = CQ_STRING }, { 0 } });
    cq_model *comment =
        fx_define(db, "comment",
                  (const cq_attr[]){ { .name = "text", .type = CQ_STRING },
                                     { .name = "commentable", .type = CQ_STRING },
                                     { .name = "commentableId", .type = CQ_INTEGER },
                                     { 0 } });
    cq_value *scope = cq_test_json("{\"commentable\":\"image\"}");
    cq_assoc *comments = NULL;
    CQ_ASSERT_OK(db, cq_model_has_many(&comments, image, comment,
                                       &(cq_assoc_opts){ .foreign_key = "commentableId",
                                                         .constraints = CQ_OFF,
                                                         .scope = scope }));
    cq_value_free(scope);
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    CQ_ASSERT_OK(db, create(db, NULL, image,
                            "{\"title\":\"sunset\",\"comments\":[{\"text\":\"nice\"},"
                            "{\"text\":\"wow\",\"commentable\":\"video\"}]}",
                            (cq_include[]){ { .association = comments }, { 0 } }));
    /* the scope value overrides what the element carried */
    assert_table(db, "SELECT text, commentable, commentableId FROM comments ORDER BY id",
                 "[{\"text\":\"nice\",\"commentable\":\"image\",\"commentableId\":1},"
                 "{\"text\":\"wow\",\"commentable\":\"image\",\"commentableId\":1}]");
    /* and the include reads them back through the scope */
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(db,
                 cq_model_find_all(
                     &rows, image,
                     &(cq_find_opts){ .attributes = (const char *const[]){ "title", NULL },
                                      .include = (cq_include[]){
                                          { .association = comments,
                                            .attributes = (const char *const[]){ "text", NULL } },
                                          { 0 } } }));
    assert_rows(rows,
                "[{\"title\":\"sunset\",\"comments\":[{\"text\":\"nice\"},{\"text\":\"wow\"}]}]");
    cq_rows_free(rows);
}

/* ---- data without include is ignored; null means no children (D15)
 * ------------------------------------ */

static void test_nested_create__ignored_data_and_null(void **state)
{
    fixture *f = *state;
    cq_db *db = f->db;
    tree t;
    tree_define(db, &t);
    fx_clear_sql(f);
    cq_instance *p = NULL;
    /* nothing included: the nested data is ignored */
    CQ_ASSERT_OK(db, create(db, &p, t.product,
                            "{\"name\":\"plain\",\"owner\":{\"name\":\"x\"},"
                            "\"tags\":[{\"name\":\"x\"}],\"labels\":[{\"name\":\"x\"}],"
                            "\"detail\":{\"name\":\"x\"}}",
                            NULL));
    assert_int_equal(fx_count_sql(f, "INSERT"), 1);
    assert_instance(p, "{\"id\":1,\"name\":\"plain\",\"code\":null,\"qty\":null,\"colorId\":null,"
                       "\"ownerId\":null," TS "}");
    cq_instance_free(p);
    /* only tags included: the rest is ignored */
    fx_clear_sql(f);
    CQ_ASSERT_OK(db, create(db, NULL, t.product,
                            "{\"name\":\"some\",\"owner\":{\"name\":\"x\"},"
                            "\"tags\":{\"name\":\"single\"},\"detail\":{\"name\":\"x\"}}",
                            (cq_include[]){ { .association = t.tags }, { 0 } }));
    assert_int_equal(fx_count_sql(f, "INSERT"),
                     2); /* a single object for hasMany is a list of one */
    /* null: no children, for every association type; [] likewise */
    fx_clear_sql(f);
    CQ_ASSERT_OK(db, create(db, &p, t.product,
                            "{\"name\":\"none\",\"owner\":null,\"tags\":null,"
                            "\"labels\":null,\"detail\":null}",
                            tree_include));
    assert_int_equal(fx_count_sql(f, "INSERT"), 1);
    cq_value *v = NULL;
    CQ_ASSERT_OK(db, cq_instance_to_value(&v, p));
    assert_int_equal(cq_value_size(cq_value_object_get(v, "tags")), 0);
    assert_int_equal(cq_value_size(cq_value_object_get(v, "labels")), 0);
    assert_true(cq_value_is_null(cq_value_object_get(v, "ownerId")));
    cq_value_free(v);
    cq_instance_free(p);
    fx_clear_sql(f);
    CQ_ASSERT_OK(db, create(db, NULL, t.product, "{\"name\":\"empty\",\"tags\":[],\"labels\":[]}",
                            tree_include));
    assert_int_equal(fx_count_sql(f, "INSERT"), 1);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM tags"), 1);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM labels"), 0);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM users"), 0);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM details"), 0);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM products"), 4);
    /* all: true creates every association's data */
    fx_clear_sql(f);
    CQ_ASSERT_OK(db, create(db, &p, t.product,
                            "{\"name\":\"all\",\"color\":{\"name\":\"blue\"},"
                            "\"owner\":{\"name\":\"o\"},\"tags\":[{\"name\":\"t\"}],"
                            "\"labels\":[{\"name\":\"l\"}],\"detail\":{\"name\":\"d\"}}",
                            (cq_include[]){ { .all = true }, { 0 } }));
    assert_int_equal(fx_count_sql(f, "INSERT"),
                     7); /* color, owner, product, tag, label, join row, detail */
    assert_int_equal(cq_value_as_int(cq_instance_get(p, "colorId")), 1);
    cq_instance_free(p);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM details WHERE productId = 5"), 1);
    /* a bad include fails before anything is written */
    fx_clear_sql(f);
    CQ_ASSERT_ERR(db, CQ_EUNKNOWN_ASSOC,
                  create(db, NULL, t.product, "{\"name\":\"bad\"}",
                         (cq_include[]){ { .as = "tags" }, { .as = "nope" }, { 0 } }));
    assert_string_equal(cq_db_error(db)->message,
                        "Association with alias \"nope\" does not exist on product");
    CQ_ASSERT_ERR(db, CQ_EEAGER,
                  create(db, NULL, t.product, "{\"name\":\"bad\"}",
                         (cq_include[]){ { .model = t.user }, { 0 } }));
    assert_string_equal(cq_db_error(db)->message,
                        "user is associated to product using an alias. You must use the 'as' "
                        "keyword to specify the alias within your include statement.");
    assert_int_equal(fx_count_sql(f, "INSERT"), 0);
}

/* ---- D2: a failure anywhere in a ten-row tree leaves every table as it was
 * ---------------------------- */

static void test_nested_create__failure_at_every_position_writes_nothing(void **state)
{
    fixture *f = *state;
    cq_db *db = f->db;
    tree t;
    tree_define(db, &t);
    /* rows the failing trees collide with, and one good tree */
    CQ_ASSERT_OK(db, create(db, NULL, t.color, "{\"name\":\"red\"}", NULL));
    char *good = tree_json(-1, "", 0);
    /* make every code of the good tree "taken" material: codes P0, U0, Ta0 ... */
    CQ_ASSERT_OK(db, create(db, NULL, t.product, good, tree_include));
    free(good);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM product_labels"), 2);

    static const struct {
        int slot; /* 0 owner (first), 1 product, 2..4 tags, 5/7 labels, 6/8 joins, 9 detail */
        const char *inject;
        int code;
        const char *model, *attr; /* named in the message */
    } cases[] = {
        /* NOT NULL */
        { 0, "\"name\":null", CQ_ENOTNULL, "user", "name" },
        { 3, "\"name\":null", CQ_ENOTNULL, "tag", "name" },
        { 9, "\"name\":null", CQ_ENOTNULL, "detail", "name" },
        /* unique (the good tree holds code U0 / Tb0 / D0) */
        { 0, "\"code\":\"U0\"", CQ_EUNIQUE, "user", "code" },
        { 3, "\"code\":\"Tb0\"", CQ_EUNIQUE, "tag", "code" },
        { 9, "\"code\":\"D0\"", CQ_EUNIQUE, "detail", "code" },
        /* foreign key */
        { 0, "\"colorId\":999", CQ_EFOREIGNKEY, "user", "colorId" },
        { 3, "\"colorId\":999", CQ_EFOREIGNKEY, "tag", "colorId" },
        { 9, "\"colorId\":999", CQ_EFOREIGNKEY, "detail", "colorId" },
        /* a value of the wrong type */
        { 0, "\"qty\":\"many\"", CQ_EVALIDATION, "user", "qty" },
        { 3, "\"qty\":\"many\"", CQ_EVALIDATION, "tag", "qty" },
        { 9, "\"qty\":\"many\"", CQ_EVALIDATION, "detail", "qty" },
        /* the join rows and the labels (middle of the tree) */
        { 7, "\"name\":null", CQ_ENOTNULL, "label", "name" },
        { 8, "\"weight\":\"heavy\"", CQ_EVALIDATION, "product_label", "weight" },
        { 6, "\"weight\":\"heavy\"", CQ_EVALIDATION, "product_label", "weight" },
        { 1, "\"code\":\"P0\"", CQ_EUNIQUE, "product", "code" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *before = snapshot(db);
        char *json = tree_json(cases[i].slot, cases[i].inject, 1);
        cq_instance *out = NULL;
        int rc = create(db, &out, t.product, json, tree_include);
        free(json);
        if (rc != cases[i].code) {
            print_error("case %zu: %s, expected %s: %s\n", i, cq_error_name(rc),
                        cq_error_name(cases[i].code), cq_db_error(db)->message);
            fail();
        }
        assert_null(out);
        const char *msg = cq_db_error(db)->message;
        char named[64];
        snprintf(named, sizeof named, "%s.%s", cases[i].model, cases[i].attr);
        if (!strstr(msg, named)) {
            print_error("case %zu: message \"%s\" does not name %s.%s\n", i, msg, cases[i].model,
                        cases[i].attr);
            cq_free(before);
            fail();
        }
        char *after = snapshot(db);
        assert_string_equal(after, before);
        cq_free(before);
        cq_free(after);
    }
    /* the same tree without a fault goes in */
    char *json = tree_json(-1, "", 1);
    CQ_ASSERT_OK(db, create(db, NULL, t.product, json, tree_include));
    free(json);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM tags"), 6);
}

/* ---- inside the caller's transaction: a savepoint
 * --------------------------------------------------------- */

static void test_nested_create__savepoint_in_caller_transaction(void **state)
{
    fixture *f = *state;
    cq_db *db = f->db;
    tree t;
    tree_define(db, &t);
    cq_txn *txn = NULL;
    CQ_ASSERT_OK(db, cq_db_transaction(&txn, db, NULL));
    CQ_ASSERT_OK(db, create(db, NULL, t.color, "{\"name\":\"kept\"}", NULL));
    char *ok = tree_json(-1, "", 1), *bad = tree_json(9, "\"name\":null", 2);
    cq_value *v = cq_test_json(ok);
    CQ_ASSERT_OK(db,
                 cq_model_create(NULL, t.product, v,
                                 &(cq_write_opts){ .include = tree_include, .transaction = txn }));
    cq_value_free(v);
    v = cq_test_json(bad);
    CQ_ASSERT_ERR(db, CQ_ENOTNULL,
                  cq_model_create(NULL, t.product, v,
                                  &(cq_write_opts){ .include = tree_include, .transaction = txn }));
    cq_value_free(v);
    free(ok);
    free(bad);
    /* the transaction is still usable */
    CQ_ASSERT_OK(db, create(db, NULL, t.color, "{\"name\":\"after\"}", NULL));
    CQ_ASSERT_OK(db, cq_txn_commit(txn));
    cq_txn_free(txn);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM colors"), 2);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM products"), 1);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM users"), 1);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM tags"), 3);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM labels"), 2);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM product_labels"), 2);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM details"), 1);
    /* a rolled-back caller transaction takes the tree with it */
    CQ_ASSERT_OK(db, cq_db_transaction(&txn, db, NULL));
    char *again = tree_json(-1, "", 3);
    v = cq_test_json(again);
    free(again);
    CQ_ASSERT_OK(db,
                 cq_model_create(NULL, t.product, v,
                                 &(cq_write_opts){ .include = tree_include, .transaction = txn }));
    cq_value_free(v);
    CQ_ASSERT_OK(db, cq_txn_rollback(txn));
    cq_txn_free(txn);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM products"), 1);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM tags"), 3);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(test_nested_create__##name, fx_setup, fx_teardown)
    const struct CMUnitTest tests[] = {
        T(scenario_41_product_user_address),
        T(scenario_42_has_one_and_ignored_data),
        T(scenario_43_creator_alias),
        T(scenario_44_has_many_tags),
        T(scenario_45_categories_alias),
        T(scenario_46_btm_join_values),
        T(all_types_three_levels),
        T(bulk_create_100_trees),
        T(has_many_scope),
        T(ignored_data_and_null),
        T(failure_at_every_position_writes_nothing),
        T(savepoint_in_caller_transaction),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
