/* A small blog with cequel: users with a profile, posts, comments, tags through a join model
 * with a weight, and followers (a self belongsToMany). The models come from blog.json; the
 * same program in Sequelize is blog.js, and both print the same lines.
 * Usage: blog SCHEMA.json [URL]   (URL: default sqlite::memory:) */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <cequel.h>

static cq_db *db;
static cq_value *scratch[32]; /* the values built for single calls, freed at the end */
static size_t nscratch;

static void check(int rc, const char *what)
{
    if (rc != CQ_OK) {
        fprintf(stderr, "%s: %s\n", what, cq_db_error(db)->message);
        exit(1);
    }
}
#define CHECK(call) check((call), #call)

/* A value built with cq_value_pack's format, kept until the end of the program. */
static const cq_value *V(const char *fmt, ...)
{
    cq_error err;
    va_list ap;
    va_start(ap, fmt);
    int rc = nscratch < 32 ? cq_value_vpack_ex(&scratch[nscratch], &err, fmt, ap) : CQ_ENOMEM;
    va_end(ap);
    if (rc != CQ_OK)
        exit(fprintf(stderr, "%s: %s\n", fmt, err.message));
    return scratch[nscratch++];
}

int main(int argc, char **argv)
{
    cq_error err;
    if (argc < 2 || cq_db_open(&db, argc > 2 ? argv[2] : "sqlite::memory:", NULL, &err))
        return fprintf(stderr, "usage: blog SCHEMA.json [URL]\n"), 2;
    CHECK(cq_db_load_schema_file(db, argv[1], NULL));
    cq_model *User = cq_db_model(db, "user"), *Post = cq_db_model(db, "post");
    cq_assoc *profile = cq_model_assoc(User, "profile"), *posts = cq_model_assoc(User, "posts");
    cq_assoc *followers = cq_model_assoc(User, "followers"), *tags = cq_model_assoc(Post, "tags");
    cq_assoc *author = cq_model_assoc(Post, "author"), *comments = cq_model_assoc(Post, "comments");
    CHECK(cq_db_sync(db, &(cq_sync_opts){ .force = true }));

    cq_instance *ada, *bob, *cy, *engines, *hello, *got;
    CHECK(cq_model_create(
        &ada, User,
        V("{s:s, s:{s:s}}", "username", "ada", "profile", "bio", "Writes about engines"),
        &(cq_write_opts){ .include = (cq_include[]){ { .as = "profile" }, { 0 } } }));
    CHECK(cq_model_create(&bob, User, V("{s:s}", "username", "bob"), NULL));
    CHECK(cq_model_create(&cy, User, V("{s:s, s:b}", "username", "cy", "active", 0), NULL));
    cq_rows *t;
    CHECK(cq_model_bulk_create(
        &t, cq_db_model(db, "tag"),
        V("[{s:s}, {s:s}, {s:s}]", "name", "c", "name", "sql", "name", "orm"), NULL));

    CHECK(cq_assoc_create(&engines, ada, posts,
                          V("{s:s, s:s}", "title", "Engines", "body", "On the analytical engine"),
                          NULL));
    CHECK(cq_assoc_create(NULL, ada, posts, V("{s:s}", "title", "Notes"), NULL));
    CHECK(cq_assoc_create(&hello, bob, posts, V("{s:s}", "title", "Hello"), NULL));
    CHECK(cq_assoc_add_instance(engines, tags, cq_rows_at(t, 0),
                                &(cq_assoc_write_opts){ .through = V("{s:i}", "weight", 3) }));
    CHECK(cq_assoc_add_instance(engines, tags, cq_rows_at(t, 1), NULL));
    CHECK(cq_assoc_add_instance(hello, tags, cq_rows_at(t, 2),
                                &(cq_assoc_write_opts){ .through = V("{s:i}", "weight", 2) }));
    const char *said = "{s:s, s:I}";
    CHECK(cq_assoc_create(NULL, engines, comments,
                          V(said, "text", "Great read", "commenterId", cq_instance_int(bob, "id")),
                          NULL));
    CHECK(cq_assoc_create(NULL, engines, comments,
                          V(said, "text", "Agreed", "commenterId", cq_instance_int(cy, "id")),
                          NULL));
    CHECK(cq_assoc_create(NULL, hello, comments,
                          V(said, "text", "Welcome!", "commenterId", cq_instance_int(ada, "id")),
                          NULL));
    CHECK(cq_assoc_add_instance(ada, followers, bob, NULL));
    CHECK(cq_assoc_add_instance(ada, followers, cy, NULL));
    CHECK(cq_assoc_add_instance(bob, followers, ada, NULL));

    CHECK(cq_assoc_get_one(&got, ada, profile, NULL));
    printf("ada's bio: %s\n", cq_instance_text(got, "bio"));
    cq_instance_free(got);
    CHECK(cq_assoc_get_one(&got, bob, profile, NULL));
    printf("bob's profile: %s\n", got ? cq_instance_text(got, "bio") : "none");
    CHECK(cq_assoc_get_one(&got, hello, author, NULL));
    printf("\"%s\" is by %s\n", cq_instance_text(hello, "title"),
           cq_instance_text(got, "username"));
    cq_instance_free(got);
    bool ada_bob, cy_bob;
    CHECK(cq_assoc_has_instance(&ada_bob, bob, followers, ada, NULL));
    CHECK(cq_assoc_has_instance(&cy_bob, bob, followers, cy, NULL));
    printf("ada follows bob: %s, cy follows bob: %s\n", ada_bob ? "true" : "false",
           cy_bob ? "true" : "false");
    int64_t n;
    CHECK(cq_assoc_count(&n, ada, followers, NULL));
    printf("ada has %lld followers\n", (long long)n);
    CHECK(cq_assoc_remove_instance(ada, followers, cy, NULL));
    cq_rows *rows;
    const cq_order by_name[] = { { .attr = "username" }, { 0 } };
    CHECK(cq_assoc_get(&rows, ada, followers, &(cq_find_opts){ .order = by_name }));
    printf("after cy leaves:");
    for (size_t i = 0; i < cq_rows_count(rows); i++)
        printf("%s %s", i ? "," : "", cq_instance_text(cq_rows_at(rows, i), "username"));
    cq_rows_free(rows);
    CHECK(cq_instance_reload(cy, NULL));
    printf("\ncy is active: %s\n", cq_instance_bool(cy, "active") ? "true" : "false");

    const cq_include tree[] = {
        { .as = "posts",
          .include = (cq_include[]){ { .as = "comments",
                                       .include = (cq_include[]){ { .as = "commenter" }, { 0 } } },
                                     { .as = "tags" },
                                     { 0 } } },
        { 0 }
    };
    const cq_order order[] = { { .attr = "id" },
                               { .attr = "id", .as = "posts" },
                               { .attr = "id", .as = "posts.comments" },
                               { .attr = "name", .as = "posts.tags" },
                               { 0 } };
    CHECK(cq_model_find_all(&rows, User, &(cq_find_opts){ .include = tree, .order = order }));
    for (size_t i = 0; i < cq_rows_count(rows); i++) {
        const cq_rows *ps = cq_instance_included_many(cq_rows_at(rows, i), "posts");
        printf("%s (%zu posts)\n", cq_instance_text(cq_rows_at(rows, i), "username"),
               cq_rows_count(ps));
        for (size_t j = 0; j < cq_rows_count(ps); j++) {
            const cq_rows *ts = cq_instance_included_many(cq_rows_at(ps, j), "tags");
            printf("  %s [", cq_instance_text(cq_rows_at(ps, j), "title"));
            for (size_t k = 0; k < cq_rows_count(ts); k++)
                printf(
                    "%s%s x%lld", k ? ", " : "", cq_instance_text(cq_rows_at(ts, k), "name"),
                    (long long)cq_instance_int(cq_instance_through(cq_rows_at(ts, k)), "weight"));
            printf("]\n");
            const cq_rows *cs = cq_instance_included_many(cq_rows_at(ps, j), "comments");
            for (size_t k = 0; k < cq_rows_count(cs); k++)
                printf("    %s: %s\n",
                       cq_instance_text(cq_instance_included_one(cq_rows_at(cs, k), "commenter"),
                                        "username"),
                       cq_instance_text(cq_rows_at(cs, k), "text"));
        }
    }
    cq_rows_free(rows);
    cq_rows_free(t);
    for (cq_instance **p = (cq_instance *[]){ ada, bob, cy, engines, hello, NULL }; *p; p++)
        cq_instance_free(*p);
    while (nscratch)
        cq_value_free(scratch[--nscratch]);
    cq_db_close(db);
    return 0;
}
