/* Results that read naturally: to-one getters give the instance or NULL, accessors that take
 * one instance, typed readers of included data (one, many, the through row) walked three
 * levels deep, and readers of attributes that cannot fail. Everything is read back from an
 * in-memory SQLite database. */
#define _POSIX_C_SOURCE 200809L
#include "cq_test.h"

#include <stdlib.h>
#include <string.h>

typedef struct blog {
    cq_db *db;
    cq_model *user, *profile, *post, *comment, *tag;
    cq_assoc *profile_of, *owner, *posts, *author, *comments, *commenter, *tags, *followers;
    cq_instance *ada, *bob, *engines, *c_tag, *sql_tag;
} blog;

static cq_instance *make(blog *b, cq_model *m, const char *fmt, const char *k, const char *v)
{
    cq_value *val = NULL;
    assert_int_equal(cq_value_pack(&val, fmt, k, v), CQ_OK);
    cq_instance *inst = NULL;
    CQ_ASSERT_OK(b->db, cq_model_create(&inst, m, val, NULL));
    cq_value_free(val);
    return inst;
}

static int setup(void **state)
{
    blog *b = calloc(1, sizeof *b);
    b->db = cq_test_open_memory();
    static const char schema[] =
        "{\"models\": {\"user\": {\"attributes\": {\"username\": \"STRING\"}},"
        " \"profile\": {\"attributes\": {\"bio\": \"STRING\"}},"
        " \"post\": {\"attributes\": {\"title\": \"STRING\"}},"
        " \"comment\": {\"attributes\": {\"text\": \"STRING\"}},"
        " \"tag\": {\"attributes\": {\"name\": \"STRING\"}},"
        " \"postTag\": {\"attributes\": {\"weight\": {\"type\": \"INTEGER\", \"defaultValue\": "
        "1}}}},"
        " \"associations\": ["
        "  {\"source\": \"user\", \"hasOne\": \"profile\"},"
        "  {\"source\": \"profile\", \"belongsTo\": \"user\", \"options\": {\"as\": \"owner\","
        "   \"foreignKey\": \"userId\"}},"
        "  {\"source\": \"user\", \"hasMany\": \"post\", \"options\": {\"as\": \"posts\","
        "   \"foreignKey\": \"authorId\"}},"
        "  {\"source\": \"post\", \"belongsTo\": \"user\", \"options\": {\"as\": \"author\","
        "   \"foreignKey\": \"authorId\"}},"
        "  {\"source\": \"post\", \"hasMany\": \"comment\"},"
        "  {\"source\": \"comment\", \"belongsTo\": \"user\", \"options\": {\"as\": "
        "\"commenter\"}},"
        "  {\"source\": \"post\", \"belongsToMany\": \"tag\", \"options\": {\"through\": "
        "\"postTag\"}},"
        "  {\"source\": \"user\", \"belongsToMany\": \"user\", \"options\": {\"as\": \"followers\","
        "   \"through\": \"follows\", \"foreignKey\": \"followedId\", \"otherKey\": "
        "\"followerId\"}}]}";
    if (cq_db_load_schema(b->db, schema, NULL) != CQ_OK || cq_db_sync(b->db, NULL) != CQ_OK) {
        print_error("setup: %s\n", cq_db_error(b->db)->message);
        return -1;
    }
    b->user = cq_db_model(b->db, "user");
    b->profile = cq_db_model(b->db, "profile");
    b->post = cq_db_model(b->db, "post");
    b->comment = cq_db_model(b->db, "comment");
    b->tag = cq_db_model(b->db, "tag");
    b->profile_of = cq_model_assoc(b->user, "profile");
    b->owner = cq_model_assoc(b->profile, "owner");
    b->posts = cq_model_assoc(b->user, "posts");
    b->author = cq_model_assoc(b->post, "author");
    b->comments = cq_model_assoc(b->post, "comments");
    b->commenter = cq_model_assoc(b->comment, "commenter");
    b->tags = cq_model_assoc(b->post, "tags");
    b->followers = cq_model_assoc(b->user, "followers");
    b->ada = make(b, b->user, "{s:s}", "username", "ada");
    b->bob = make(b, b->user, "{s:s}", "username", "bob");
    b->engines = make(b, b->post, "{s:s}", "title", "Engines");
    b->c_tag = make(b, b->tag, "{s:s}", "name", "c");
    b->sql_tag = make(b, b->tag, "{s:s}", "name", "sql");
    *state = b;
    return 0;
}

static int teardown(void **state)
{
    blog *b = *state;
    cq_instance *all[] = { b->ada, b->bob, b->engines, b->c_tag, b->sql_tag };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        cq_instance_free(all[i]);
    cq_db_close(b->db);
    free(b);
    return 0;
}

static void test_reading__to_one_getters_give_the_instance_or_null(void **state)
{
    blog *b = *state;
    cq_instance *got = (cq_instance *)b->ada;
    /* no author yet: NULL, and CQ_OK */
    CQ_ASSERT_OK(b->db, cq_assoc_get_one(&got, b->engines, b->author, NULL));
    assert_null(got);
    CQ_ASSERT_OK(b->db, cq_assoc_set_instance(b->engines, b->author, b->ada, NULL));
    assert_int_equal(
        cq_test_scalar_int(b->db, "SELECT authorId FROM posts WHERE title = 'Engines'"),
        cq_instance_int(b->ada, "id"));
    CQ_ASSERT_OK(b->db, cq_assoc_get_one(&got, b->engines, b->author, NULL));
    assert_non_null(got);
    assert_string_equal(cq_instance_text(got, "username"), "ada");
    cq_instance_free(got);
    /* hasOne: none, then one made with createX */
    CQ_ASSERT_OK(b->db, cq_assoc_get_one(&got, b->bob, b->profile_of, NULL));
    assert_null(got);
    cq_value *v = NULL;
    assert_int_equal(cq_value_pack(&v, "{s:s}", "bio", "builds things"), CQ_OK);
    CQ_ASSERT_OK(b->db, cq_assoc_create(NULL, b->bob, b->profile_of, v, NULL));
    cq_value_free(v);
    CQ_ASSERT_OK(b->db, cq_assoc_get_one(&got, b->bob, b->profile_of, NULL));
    assert_string_equal(cq_instance_text(got, "bio"), "builds things");
    cq_instance *owner = NULL;
    CQ_ASSERT_OK(b->db, cq_assoc_get_one(&owner, got, b->owner, NULL));
    assert_string_equal(cq_instance_text(owner, "username"), "bob");
    cq_instance_free(owner);
    cq_instance_free(got);
    /* setting NULL unsets the belongsTo */
    CQ_ASSERT_OK(b->db, cq_assoc_set_instance(b->engines, b->author, NULL, NULL));
    assert_int_equal(cq_test_scalar_int(b->db, "SELECT count(*) FROM posts WHERE authorId IS NULL"),
                     1);
    /* a to-many association is not read this way */
    got = b->ada;
    CQ_ASSERT_ERR(b->db, CQ_EINVALID, cq_assoc_get_one(&got, b->ada, b->posts, NULL));
    assert_null(got);
    assert_non_null(strstr(cq_db_error(b->db)->message, "cq_assoc_get"));
}

static void test_reading__one_target_accessors(void **state)
{
    blog *b = *state;
    bool yes = true;
    CQ_ASSERT_OK(b->db, cq_assoc_has_instance(&yes, b->ada, b->followers, b->bob, NULL));
    assert_false(yes);
    CQ_ASSERT_OK(b->db, cq_assoc_add_instance(b->ada, b->followers, b->bob, NULL));
    CQ_ASSERT_OK(b->db, cq_assoc_has_instance(&yes, b->ada, b->followers, b->bob, NULL));
    assert_true(yes);
    assert_int_equal(cq_test_scalar_int(b->db, "SELECT count(*) FROM follows WHERE followedId = 1 "
                                               "AND followerId = 2"),
                     1);
    CQ_ASSERT_OK(b->db, cq_assoc_remove_instance(b->ada, b->followers, b->bob, NULL));
    assert_int_equal(cq_test_scalar_int(b->db, "SELECT count(*) FROM follows"), 0);
    /* add with join-row values; set with one instance replaces the rest */
    cq_value *w = NULL;
    assert_int_equal(cq_value_pack(&w, "{s:i}", "weight", 5), CQ_OK);
    CQ_ASSERT_OK(b->db, cq_assoc_add_instance(b->engines, b->tags, b->c_tag,
                                              &(cq_assoc_write_opts){ .through = w }));
    cq_value_free(w);
    CQ_ASSERT_OK(b->db, cq_assoc_add_instance(b->engines, b->tags, b->sql_tag, NULL));
    assert_int_equal(cq_test_scalar_int(b->db, "SELECT sum(weight) FROM postTags"), 6);
    CQ_ASSERT_OK(b->db, cq_assoc_set_instance(b->engines, b->tags, b->sql_tag, NULL));
    assert_int_equal(cq_test_scalar_int(b->db, "SELECT count(*) FROM postTags WHERE tagId = 2"), 1);
    assert_int_equal(cq_test_scalar_int(b->db, "SELECT count(*) FROM postTags"), 1);
    CQ_ASSERT_OK(b->db, cq_assoc_set_instance(b->engines, b->tags, NULL, NULL)); /* empties */
    assert_int_equal(cq_test_scalar_int(b->db, "SELECT count(*) FROM postTags"), 0);
    /* hasMany add/remove with one instance */
    CQ_ASSERT_OK(b->db, cq_assoc_add_instance(b->bob, b->posts, b->engines, NULL));
    assert_int_equal(cq_instance_int(b->engines, "authorId"), cq_instance_int(b->bob, "id"));
    CQ_ASSERT_OK(b->db, cq_assoc_has_instance(&yes, b->bob, b->posts, b->engines, NULL));
    assert_true(yes);
    CQ_ASSERT_OK(b->db, cq_assoc_remove_instance(b->bob, b->posts, b->engines, NULL));
    assert_int_equal(cq_test_scalar_int(b->db, "SELECT count(*) FROM posts WHERE authorId IS NULL"),
                     1);
    /* a NULL target is refused before any statement */
    CQ_ASSERT_ERR(b->db, CQ_EINVALID, cq_assoc_add_instance(b->ada, b->followers, NULL, NULL));
    CQ_ASSERT_ERR(b->db, CQ_EINVALID, cq_assoc_remove_instance(b->ada, b->followers, NULL, NULL));
    yes = true;
    CQ_ASSERT_ERR(b->db, CQ_EINVALID,
                  cq_assoc_has_instance(&yes, b->ada, b->followers, NULL, NULL));
    assert_false(yes);
}

/* users -> posts -> comments -> commenter, and posts -> tags with their postTag row */
static void test_reading__included_tree_three_levels(void **state)
{
    blog *b = *state;
    CQ_ASSERT_OK(b->db, cq_assoc_add_instance(b->ada, b->posts, b->engines, NULL));
    cq_value *w = NULL;
    assert_int_equal(cq_value_pack(&w, "{s:i}", "weight", 3), CQ_OK);
    CQ_ASSERT_OK(b->db, cq_assoc_add_instance(b->engines, b->tags, b->c_tag,
                                              &(cq_assoc_write_opts){ .through = w }));
    cq_value_free(w);
    CQ_ASSERT_OK(b->db, cq_assoc_add_instance(b->engines, b->tags, b->sql_tag, NULL));
    cq_value *c = NULL;
    assert_int_equal(cq_value_pack(&c, "{s:s, s:I}", "text", "nice", "commenterId",
                                   cq_instance_int(b->bob, "id")),
                     CQ_OK);
    CQ_ASSERT_OK(b->db, cq_assoc_create(NULL, b->engines, b->comments, c, NULL));
    cq_value_free(c);
    assert_int_equal(cq_value_pack(&c, "{s:s}", "text", "anonymous"), CQ_OK);
    CQ_ASSERT_OK(b->db, cq_assoc_create(NULL, b->engines, b->comments, c, NULL));
    cq_value_free(c);

    const cq_include tree[] = {
        { .as = "posts",
          .include = (cq_include[]){ { .as = "comments",
                                       .include = (cq_include[]){ { .as = "commenter" }, { 0 } } },
                                     { .as = "tags" },
                                     { 0 } } },
        { 0 }
    };
    const cq_order order[] = { { .attr = "id" },
                               { .attr = "id", .as = "posts.comments" },
                               { .attr = "id", .as = "posts.tags" },
                               { 0 } };
    cq_rows *users = NULL;
    CQ_ASSERT_OK(b->db, cq_model_find_all(&users, b->user,
                                          &(cq_find_opts){ .include = tree, .order = order }));
    assert_int_equal(cq_rows_count(users), 2);
    cq_instance *ada = cq_rows_at(users, 0), *bob = cq_rows_at(users, 1);
    assert_int_equal(cq_rows_count(cq_instance_included_many(bob, "posts")), 0);
    assert_non_null(cq_instance_included_many(bob, "posts")); /* included, empty */
    const cq_rows *posts = cq_instance_included_many(ada, "posts");
    assert_int_equal(cq_rows_count(posts), 1);
    cq_instance *post = cq_rows_at(posts, 0);
    assert_string_equal(cq_instance_text(post, "title"), "Engines");
    const cq_rows *comments = cq_instance_included_many(post, "comments");
    assert_int_equal(cq_rows_count(comments), 2);
    cq_instance *who = cq_instance_included_one(cq_rows_at(comments, 0), "commenter");
    assert_string_equal(cq_instance_text(who, "username"), "bob");
    assert_null(cq_instance_included_one(cq_rows_at(comments, 1), "commenter")); /* none */
    const cq_rows *tags = cq_instance_included_many(post, "tags");
    assert_int_equal(cq_rows_count(tags), 2);
    assert_string_equal(cq_instance_text(cq_rows_at(tags, 0), "name"), "c");
    assert_int_equal(cq_instance_int(cq_instance_through(cq_rows_at(tags, 0)), "weight"), 3);
    assert_int_equal(cq_instance_int(cq_instance_through(cq_rows_at(tags, 1)), "weight"), 1);
    /* the wrong reader, or a key nothing was included under, gives NULL */
    assert_null(cq_instance_included_one(post, "comments"));
    assert_null(cq_instance_included_many(cq_rows_at(comments, 0), "commenter"));
    assert_null(cq_instance_included_many(post, "nothing"));
    assert_int_equal(cq_rows_count(NULL), 0);
    cq_rows_free(users);
}

static void test_reading__attribute_readers_cannot_fail(void **state)
{
    blog *b = *state;
    assert_string_equal(cq_instance_text(b->ada, "username"), "ada");
    assert_int_equal(cq_instance_int(b->ada, "id"), 1);
    assert_null(cq_instance_text(b->ada, "nope"));
    assert_null(cq_instance_text(NULL, "username"));
    assert_int_equal(cq_instance_int(b->engines, "authorId"), 0); /* SQL NULL */
    assert_false(cq_instance_bool(b->ada, "nope"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reading__to_one_getters_give_the_instance_or_null,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_reading__one_target_accessors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reading__included_tree_three_levels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reading__attribute_readers_cannot_fail, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
