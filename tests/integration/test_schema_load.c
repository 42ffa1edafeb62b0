/* cq_db_load_schema / cq_db_load_schema_file: a JSON schema document (the cequel tool's
 * format) defines models and associations on a db; faults name their JSON path; a program can
 * mix a schema with definitions in C. Rows are written and read back from SQLite. */
#define _POSIX_C_SOURCE 200809L
#include "cq_test.h"

#include <stdlib.h>
#include <string.h>

static const char blog_schema[] =
    "{\"models\": {"
    "  \"user\": {\"attributes\": {\"username\": {\"type\": \"STRING\", \"allowNull\": false},"
    "                            \"active\": {\"type\": \"BOOLEAN\", \"defaultValue\": true}}},"
    "  \"post\": {\"attributes\": {\"title\": \"STRING\"}, \"options\": {\"underscored\": true}}},"
    " \"associations\": ["
    "  {\"source\": \"user\", \"hasMany\": \"post\", \"options\": {\"as\": \"posts\","
    "   \"foreignKey\": \"authorId\"}},"
    "  {\"source\": \"post\", \"belongsTo\": \"user\", \"options\": {\"as\": \"author\","
    "   \"foreignKey\": \"authorId\"}}]}";

static void test_schema_load__defines_models_and_associations(void **state)
{
    (void)state;
    cq_db *db = cq_test_open_memory();
    CQ_ASSERT_OK(db, cq_db_load_schema(db, blog_schema, NULL));
    cq_model *user = cq_db_model(db, "user"), *post = cq_db_model(db, "post");
    assert_non_null(user);
    assert_non_null(post);
    assert_int_equal(cq_db_model_count(db), 2);
    assert_string_equal(cq_model_table_name(post), "posts");
    cq_assoc *posts = cq_model_assoc(user, "posts");
    assert_non_null(posts);
    assert_int_equal(cq_assoc_type_of(posts), CQ_HAS_MANY);
    assert_string_equal(cq_assoc_foreign_key(posts), "authorId");
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    cq_value *v = NULL;
    assert_int_equal(
        cq_value_pack(&v, "{s:s, s:[{s:s}]}", "username", "ada", "posts", "title", "Engines"),
        CQ_OK);
    CQ_ASSERT_OK(db, cq_model_create(NULL, user, v,
                                     &(cq_write_opts){
                                         .include = (cq_include[]){ { .as = "posts" }, { 0 } } }));
    cq_value_free(v);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM posts p JOIN users u ON "
                                            "u.id = p.author_id WHERE u.active = 1"),
                     1);
    cq_db_close(db);
}

/* The message is the tool's: the JSON path of the fault, then why; nothing is defined. */
static void test_schema_load__fault_names_its_path(void **state)
{
    (void)state;
    cq_db *db = cq_test_open_memory();
    const char *bad =
        "{\"models\": {\"user\": {\"attributes\": {"
        "\"name\": \"STRING\", \"email\": {\"type\": \"STRING\", \"validate\": 1}}}}}";
    CQ_ASSERT_ERR(db, CQ_EINVALID, cq_db_load_schema(db, bad, NULL));
    assert_int_equal(cq_db_error(db)->code, CQ_EINVALID);
    assert_string_equal(cq_db_error(db)->message,
                        "models.user.attributes.email.validate: expected an object of validators");
    assert_int_equal(cq_db_model_count(db), 0);

    CQ_ASSERT_ERR(
        db, CQ_EINVALID,
        cq_db_load_schema(db, "{\"models\": {\"a\": {\"attributes\": {\"n\": \"STRNG\"}}}}", NULL));
    assert_string_equal(cq_db_error(db)->message, "models.a.attributes.n: unknown type \"STRNG\"");
    CQ_ASSERT_ERR(db, CQ_EINVALID,
                  cq_db_load_schema(db,
                                    "{\"models\": {}, \"associations\": [{\"source\": \"a\", "
                                    "\"hasMany\": \"b\"}]}",
                                    NULL));
    assert_string_equal(cq_db_error(db)->message, "associations[0].hasMany: unknown model \"b\"");
    /* syntax errors name the input: "<schema>" or the origin given */
    CQ_ASSERT_ERR(db, CQ_EINVALID, cq_db_load_schema(db, "{\"models\": ", NULL));
    assert_non_null(strstr(cq_db_error(db)->message, "<schema>:1:"));
    CQ_ASSERT_ERR(db, CQ_EINVALID,
                  cq_db_load_schema(db, "[1,", &(cq_schema_opts){ .origin = "inline" }));
    assert_non_null(strstr(cq_db_error(db)->message, "inline:1:"));
    CQ_ASSERT_ERR(db, CQ_EINVALID, cq_db_load_schema(db, NULL, NULL));
    assert_int_equal(cq_db_model_count(db), 0);
    cq_db_close(db);
}

static void test_schema_load__from_a_file(void **state)
{
    (void)state;
    cq_db *db = cq_test_open_memory();
    char *path = cq_test_temp_db_path("schema");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(blog_schema, f);
    fclose(f);
    CQ_ASSERT_OK(db, cq_db_load_schema_file(db, path, NULL));
    assert_non_null(cq_model_assoc(cq_db_model(db, "post"), "author"));
    remove(path);
    CQ_ASSERT_ERR(db, CQ_EINVALID, cq_db_load_schema_file(db, path, NULL));
    assert_non_null(strstr(cq_db_error(db)->message, path));
    assert_non_null(strstr(cq_db_error(db)->message, "No such file"));
    free(path);
    cq_db_close(db);
}

/* Models defined in C may be named by the file's associations, and C may add associations to
 * the file's models afterwards. */
static void test_schema_load__mixes_with_definitions_in_c(void **state)
{
    (void)state;
    cq_db *db = cq_test_open_memory();
    cq_model *company = NULL;
    const cq_attr attrs[] = { { .name = "name", .type = CQ_STRING }, { 0 } };
    CQ_ASSERT_OK(db, cq_db_define(&company, db, "company", attrs, NULL));
    CQ_ASSERT_OK(db, cq_db_load_schema(db,
                                       "{\"models\": {\"user\": {\"attributes\": {\"name\": "
                                       "\"STRING\"}}}, \"associations\": [{\"source\": \"user\", "
                                       "\"belongsTo\": \"company\"}]}",
                                       NULL));
    cq_model *user = cq_db_model(db, "user");
    cq_assoc *staff = NULL;
    CQ_ASSERT_OK(db, cq_model_has_many(&staff, company, user, &(cq_assoc_opts){ .as = "staff" }));
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    cq_value *v = NULL;
    assert_int_equal(cq_value_pack(&v, "{s:s, s:[{s:s}, {s:s}]}", "name", "acme", "staff", "name",
                                   "ada", "name", "bob"),
                     CQ_OK);
    cq_instance *acme = NULL;
    CQ_ASSERT_OK(db, cq_model_create(&acme, company, v,
                                     &(cq_write_opts){
                                         .include = (cq_include[]){ { .as = "staff" }, { 0 } } }));
    cq_value_free(v);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM users WHERE companyId = 1"), 2);
    cq_instance *ada = NULL, *got = NULL;
    CQ_ASSERT_OK(
        db, cq_model_find_one(&ada, user,
                              &(cq_find_opts){ .order = (cq_order[]){ { .attr = "id" }, { 0 } } }));
    CQ_ASSERT_OK(db, cq_assoc_get_one(&got, ada, cq_model_assoc(user, "company"), NULL));
    assert_string_equal(cq_instance_text(got, "name"), "acme");
    cq_instance_free(got);
    cq_instance_free(ada);
    cq_instance_free(acme);
    cq_db_close(db);
}

/* What the library refuses stops the load with its own code, the message prefixed with the
 * path; a model the db already has is refused before anything is defined. */
static void test_schema_load__library_refusals_keep_their_code(void **state)
{
    (void)state;
    cq_db *db = cq_test_open_memory();
    CQ_ASSERT_ERR(db, CQ_EASSOC,
                  cq_db_load_schema(db,
                                    "{\"models\": {\"user\": {}}, \"associations\": [{\"source\": "
                                    "\"user\", \"belongsToMany\": \"user\", \"options\": "
                                    "{\"through\": \"follows\"}}]}",
                                    NULL));
    assert_int_equal(strncmp(cq_db_error(db)->message, "associations[0]: ", 17), 0);
    assert_non_null(cq_db_model(db, "user")); /* defined before the refused entry */
    CQ_ASSERT_ERR(db, CQ_EINVALID,
                  cq_db_load_schema(db, "{\"models\": {\"tag\": {}, \"user\": {}}}", NULL));
    assert_string_equal(cq_db_error(db)->message, "models.user: model \"user\" is already defined");
    assert_null(cq_db_model(db, "tag"));
    cq_db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema_load__defines_models_and_associations),
        cmocka_unit_test(test_schema_load__fault_names_its_path),
        cmocka_unit_test(test_schema_load__from_a_file),
        cmocka_unit_test(test_schema_load__mixes_with_definitions_in_c),
        cmocka_unit_test(test_schema_load__library_refusals_keep_their_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
