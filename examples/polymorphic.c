/* Polymorphic comments (the "polymorphic one-to-many" example of Sequelize's manual): a comment
 * belongs to a post or to an image through `commentable` / `commentable_id`, and getItem() calls
 * "get" + upperFirst(commentable) by name, as Sequelize's Comment.prototype.getItem does. */
#include <stdio.h>
#include <stdlib.h>

#include <cequel.h>

static void check(cq_db *db, int rc, const char *what)
{
    if (rc != CQ_OK) {
        fprintf(stderr, "%s failed: %s: %s\n", what, cq_error_name(rc), cq_db_error(db)->message);
        exit(1);
    }
}

static cq_value *json(const char *text)
{
    cq_value *v = NULL;
    cq_error err;
    if (cq_value_from_json(&v, text, &err) != CQ_OK) {
        fprintf(stderr, "bad JSON: %s\n", err.message);
        exit(1);
    }
    return v;
}

static void print_instance(const char *label, const cq_instance *inst)
{
    char *text = NULL;
    if (inst && cq_instance_to_json(&text, inst, CQ_JSON_COMPACT) != CQ_OK)
        text = NULL;
    printf("%s%s\n", label, text ? text : "null");
    cq_free(text);
}

/* Comment.prototype.getItem: the post or image this comment belongs to (caller frees). */
static int get_item(cq_instance **out, cq_instance *comment)
{
    cq_model *m = cq_instance_model(comment);
    const char *kind = NULL;
    char method[64];
    cq_assoc *a = NULL;
    cq_accessor acc = 0;
    cq_rows *rows = NULL;
    *out = NULL;
    int rc = cq_instance_get_text(&kind, comment, "commentable");
    if (rc == CQ_OK) {
        snprintf(method, sizeof method, "get%c%s",
                 kind[0] >= 'a' && kind[0] <= 'z' ? kind[0] - 'a' + 'A' : kind[0], kind + 1);
        rc = cq_model_find_accessor(&a, &acc, m, method);
    }
    if (rc != CQ_OK)
        return rc;
    switch (acc) {
    case CQ_ACC_GET:
        rc = cq_assoc_get(&rows, comment, a, NULL);
        if (rc == CQ_OK && cq_rows_count(rows) > 0)
            *out = cq_rows_take(rows, 0);
        cq_rows_free(rows);
        return rc;
    default:
        return CQ_EINVALID; /* "getX" always names a getter */
    }
}

int main(void)
{
    cq_db *db = NULL;
    cq_error err = { 0 };
    if (cq_db_open(&db, "sqlite::memory:", NULL, &err) != CQ_OK) {
        fprintf(stderr, "open: %s\n", err.message);
        return 1;
    }
    cq_model *post = NULL, *image = NULL, *comment = NULL;
    cq_assoc *post_comments = NULL, *image_comments = NULL;
    check(db,
          cq_db_define(&post, db, "post",
                       (cq_attr[]){ { .name = "title", .type = CQ_STRING }, { 0 } }, NULL),
          "define post");
    check(db,
          cq_db_define(&image, db, "image",
                       (cq_attr[]){ { .name = "url", .type = CQ_STRING }, { 0 } }, NULL),
          "define image");
    check(db,
          cq_db_define(&comment, db, "comment",
                       (cq_attr[]){ { .name = "title", .type = CQ_STRING },
                                    { .name = "commentable", .type = CQ_STRING },
                                    { .name = "commentable_id", .type = CQ_INTEGER },
                                    { 0 } },
                       NULL),
          "define comment");

    /* Post.hasMany(Comment, {foreignKey, constraints: false, scope: {commentable: 'post'}}),
     * Comment.belongsTo(Post, {foreignKey, constraints: false, as: 'post'}), same for image */
    const char *kinds[] = { "post", "image" };
    cq_model *owners[] = { post, image };
    cq_assoc **has_many[] = { &post_comments, &image_comments };
    for (int i = 0; i < 2; i++) {
        char scope_json[64];
        snprintf(scope_json, sizeof scope_json, "{\"commentable\": \"%s\"}", kinds[i]);
        cq_value *scope = json(scope_json);
        check(db,
              cq_model_has_many(has_many[i], owners[i], comment,
                                &(cq_assoc_opts){ .foreign_key = "commentable_id",
                                                  .constraints = CQ_OFF,
                                                  .scope = scope }),
              "hasMany");
        cq_value_free(scope);
        check(db,
              cq_model_belongs_to(NULL, comment, owners[i],
                                  &(cq_assoc_opts){ .foreign_key = "commentable_id",
                                                    .constraints = CQ_OFF,
                                                    .as = kinds[i] }),
              "belongsTo");
    }
    check(db, cq_db_sync(db, NULL), "sync");

    cq_instance *hello = NULL, *png = NULL;
    cq_value *v = json("{\"title\": \"Hello\"}");
    check(db, cq_model_create(&hello, post, v, NULL), "create post");
    cq_value_free(v);
    v = json("{\"url\": \"a.png\"}");
    check(db, cq_model_create(&png, image, v, NULL), "create image");
    cq_value_free(v);
    v = json("{\"title\": \"Awesome!\"}");
    check(db, cq_assoc_create(NULL, png, image_comments, v, NULL), "image.createComment");
    cq_value_free(v);
    v = json("{\"title\": \"First\"}");
    check(db, cq_assoc_create(NULL, hello, post_comments, v, NULL), "post.createComment");
    cq_value_free(v);

    cq_rows *all = NULL;
    check(db,
          cq_model_find_all(&all, comment,
                            &(cq_find_opts){ .order = (cq_order[]){ { .attr = "id" }, { 0 } } }),
          "findAll");
    for (size_t i = 0; i < cq_rows_count(all); i++) {
        cq_instance *c = cq_rows_at(all, i);
        cq_instance *item = NULL;
        print_instance("comment: ", c);
        check(db, get_item(&item, c), "getItem");
        print_instance("  item:  ", item);
        cq_instance_free(item);
    }
    cq_rows_free(all);

    int64_t n = 0;
    check(db, cq_assoc_count(&n, png, image_comments, NULL), "image.countComments");
    printf("comments on the image: %lld\n", (long long)n);

    cq_instance_free(png);
    cq_instance_free(hello);
    cq_db_close(db);
    return 0;
}
