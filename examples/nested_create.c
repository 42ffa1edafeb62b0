/* Creating with associations, walking through the examples of Sequelize's manual:
 * belongsTo + hasMany in one call, a belongsTo alias, hasMany by model, a hasMany alias with
 * explicit ids, belongsToMany with join values, and a failing tree that leaves nothing behind
 * (cequel writes a tree in one transaction; Sequelize v6 does not). Prints the INSERTs of each call
 * and the created instance. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include <cequel.h>

static bool logging; /* off while the schema is created */

static void log_sql(const cq_log_event *ev, void *user_data)
{
    (void)user_data;
    if (logging)
        printf("  SQL> %s\n", ev->sql);
}

static void check(cq_db *db, int rc, const char *what)
{
    if (rc != CQ_OK) {
        fprintf(stderr, "%s failed: %s: %s\n", what, cq_error_name(rc), cq_db_error(db)->message);
        exit(1);
    }
}

static cq_model *define(cq_db *db, const char *name, const cq_attr *attrs)
{
    cq_model *m = NULL;
    check(db, cq_db_define(&m, db, name, attrs, &(cq_model_opts){ .timestamps = CQ_OFF }), name);
    return m;
}

/* Model.create(values, {include}) and print what came back. */
static void create(cq_db *db, const char *title, cq_model *m, const char *values,
                   const cq_include *include)
{
    printf("%s\n", title);
    cq_value *v = NULL;
    cq_error err = { 0 };
    if (cq_value_from_json(&v, values, &err) != CQ_OK) {
        fprintf(stderr, "bad JSON: %s\n", err.message);
        exit(1);
    }
    cq_instance *inst = NULL;
    int rc = cq_model_create(&inst, m, v, &(cq_write_opts){ .include = include });
    cq_value_free(v);
    if (rc != CQ_OK) {
        printf("  => %s: %s\n\n", cq_error_name(rc), cq_db_error(db)->message);
        return;
    }
    char *json = NULL;
    cq_instance_to_json(&json, inst, CQ_JSON_COMPACT);
    printf("  => %s\n\n", json);
    cq_free(json);
    cq_instance_free(inst);
}

static void count(cq_db *db, const char *table)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) AS n FROM %s", table);
    cq_value *rows = NULL;
    check(db, cq_db_query(&rows, db, sql, NULL, NULL), sql);
    printf("  %s: %lld rows\n", table,
           (long long)cq_value_as_int(cq_value_object_get(cq_value_array_get(rows, 0), "n")));
    cq_value_free(rows);
}

static const cq_attr title_attrs[] = { { .name = "title", .type = CQ_STRING }, { 0 } };
static const cq_attr name_attrs[] = { { .name = "name", .type = CQ_STRING, .allow_null = CQ_OFF },
                                      { 0 } };

int main(void)
{
    cq_db *db = NULL;
    cq_error err = { 0 };
    if (cq_db_open(&db, "sqlite::memory:", &(cq_open_opts){ .log = { .fn = log_sql } }, &err) !=
        CQ_OK) {
        fprintf(stderr, "open: %s\n", err.message);
        return 1;
    }
    cq_model *product = define(db, "product", title_attrs);
    cq_model *user = define(db, "user",
                            (const cq_attr[]){ { .name = "first_name", .type = CQ_STRING },
                                               { .name = "last_name", .type = CQ_STRING },
                                               { 0 } });
    cq_model *address = define(db, "address",
                               (const cq_attr[]){ { .name = "line_1", .type = CQ_STRING },
                                                  { .name = "city", .type = CQ_STRING },
                                                  { 0 } });
    cq_model *tag = define(db, "tag", name_attrs);
    cq_model *label = define(db, "label", name_attrs);
    cq_model *product_label = define(
        db, "productLabel", (const cq_attr[]){ { .name = "status", .type = CQ_STRING }, { 0 } });
    cq_assoc *product_user = NULL, *user_addresses = NULL, *creator = NULL, *categories = NULL;
    check(db, cq_model_belongs_to(&product_user, product, user, NULL), "Product.belongsTo(User)");
    check(db, cq_model_has_many(&user_addresses, user, address, NULL), "User.hasMany(Address)");
    check(db, cq_model_belongs_to(&creator, product, user, &(cq_assoc_opts){ .as = "creator" }),
          "Product.belongsTo(User, {as: 'creator'})");
    check(db, cq_model_has_many(NULL, product, tag, NULL), "Product.hasMany(Tag)");
    check(db, cq_model_has_many(&categories, product, tag, &(cq_assoc_opts){ .as = "categories" }),
          "Product.hasMany(Tag, {as: 'categories'})");
    check(db,
          cq_model_belongs_to_many(NULL, product, label,
                                   &(cq_assoc_opts){ .through_model = product_label }),
          "Product.belongsToMany(Label)");
    check(db, cq_db_sync(db, NULL), "sync");
    logging = true;

    create(
        db,
        "Product.create({title, user: {first_name, last_name, addresses: [...]}}, "
        "{include: [{association: Product.User, include: [User.Addresses]}]})",
        product,
        "{\"title\":\"Chair\",\"user\":{\"first_name\":\"Mick\",\"last_name\":\"Broadstone\","
        "\"addresses\":[{\"line_1\":\"100 Main St.\",\"city\":\"Austin\"}]}}",
        (cq_include[]){ { .association = product_user,
                          .include = (cq_include[]){ { .association = user_addresses }, { 0 } } },
                        { 0 } });
    create(db, "Product.create({title, creator: {...}}, {include: [Creator]})", product,
           "{\"title\":\"Chair\",\"creator\":{\"first_name\":\"Matt\",\"last_name\":\"Hansen\"}}",
           (cq_include[]){ { .association = creator }, { 0 } });
    create(db,
           "Product.create({id: 10, title, tags: [{name: 'Alpha'}, {name: 'Beta'}]}, "
           "{include: [Tag]})",
           product,
           "{\"id\":10,\"title\":\"Chair\",\"tags\":[{\"name\":\"Alpha\"},{\"name\":\"Beta\"}]}",
           (cq_include[]){ { .model = tag }, { 0 } });
    create(db,
           "Product.create({id: 11, title, categories: [{id: 21, ...}, {id: 22, ...}]}, "
           "{include: [{association: Categories, as: 'categories'}]})",
           product,
           "{\"id\":11,\"title\":\"Chair\",\"categories\":[{\"id\":21,\"name\":\"Alpha\"},"
           "{\"id\":22,\"name\":\"Beta\"}]}",
           (cq_include[]){ { .association = categories, .as = "categories" }, { 0 } });
    create(
        db, "belongsToMany: labels with join values under the join model's name", product,
        "{\"title\":\"Lamp\",\"labels\":[{\"name\":\"hot\",\"productLabel\":{\"status\":\"new\"}},"
        "{\"name\":\"cheap\"}]}",
        (cq_include[]){ { .model = label }, { 0 } });
    create(db, "a tree whose last row fails: the whole tree is rolled back", product,
           "{\"title\":\"Broken\",\"user\":{\"first_name\":\"Ann\"},\"tags\":[{\"name\":\"ok\"},"
           "{\"name\":null}]}",
           (cq_include[]){ { .association = product_user }, { .model = tag }, { 0 } });
    printf("rows left:\n");
    count(db, "products");
    count(db, "users");
    count(db, "tags");
    count(db, "labels");
    count(db, "productLabels");
    cq_db_close(db);
    return 0;
}
