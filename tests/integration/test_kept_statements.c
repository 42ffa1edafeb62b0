/* Statements cequel renders once and keeps, on SQLite, PostgreSQL and MySQL: the single-row
 * INSERT of a model per set of columns written (up to four sets; more go through the general
 * path), the join-row SELECT of addX/setX and the statement of hasX without options, per
 * belongsToMany and number of keys, the multi-row INSERT of its join rows per number of rows
 * and the DELETE of setX/removeX per number of keys. A kept statement sends the same text as
 * the general path and binds this call's values; every outcome is read back from the
 * database. What must not use a kept text does not: `fields`, duplicate handling, a fifth
 * column set, a join model with a find or bulk hook (added after the text was kept) or a
 * through scope, hasX with options. */
#define _POSIX_C_SOURCE 200809L
#include "cq_dialects.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* `sql` with "identifiers" (backquotes on MySQL); its single integer. */
static int64_t scalar(dx_fixture *f, const char *sql)
{
    char s[512];
    snprintf(s, sizeof s, "%s", sql);
    for (size_t i = 0; f->dialect == CQ_DIALECT_MYSQL && s[i]; i++)
        if (s[i] == '"')
            s[i] = '`';
    return cq_test_scalar_int(f->db, s);
}

static cq_instance *create(cq_db *db, cq_model *m, const char *json, const cq_write_opts *opts)
{
    cq_value *v = cq_test_json(json);
    cq_instance *inst = NULL;
    CQ_ASSERT_OK(db, cq_model_create(&inst, m, v, opts));
    cq_value_free(v);
    return inst;
}

/* The one statement logged since the last clear that starts with `verb`. */
static const char *only(dx_fixture *f, const char *verb)
{
    const char *found = NULL;
    for (size_t i = 0; i < f->n && i < DX_MAX_SQL; i++)
        if (strncmp(f->sql[i], verb, strlen(verb)) == 0) {
            assert_null(found);
            found = f->sql[i];
        }
    assert_non_null(found);
    return found;
}

static char *take_insert(dx_fixture *f, cq_model *m, const char *json, const cq_write_opts *o)
{
    dx_clear(f);
    cq_instance_free(create(f->db, m, json, o));
    char *s = strdup(only(f, "INSERT"));
    assert_non_null(s);
    return s;
}

static cq_model *define_item(cq_db *db)
{
    cq_model *m = NULL;
    cq_attr attrs[] = {
        { .name = "name", .type = CQ_STRING, .unique = true },
        { .name = "n", .type = CQ_INTEGER },
        { .name = "note", .type = CQ_STRING },
        { .name = "m", .type = CQ_INTEGER },
        { 0 },
    };
    CQ_ASSERT_OK(db, cq_db_define(&m, db, "item", attrs, NULL));
    return m;
}

static void test_kept__insert_per_column_set(void **state)
{
    dx_fixture *f = *state;
    cq_db *db = f->db;
    cq_model *item = define_item(db);
    CQ_ASSERT_OK(db, cq_db_sync(db, &(cq_sync_opts){ .force = true }));

    /* `fields` first: its text leaves n out and must not be kept for the set {name, n} */
    const char *only_name[] = { "name", NULL };
    char *t0 =
        take_insert(f, item, "{\"name\":\"f\",\"n\":7}", &(cq_write_opts){ .fields = only_name });
    assert_null(strstr(t0, ",n,"));
    assert_int_equal(scalar(f, "SELECT COUNT(*) FROM items WHERE name = 'f' AND n IS NULL"), 1);

    /* the set {name, n}: rendered by the first create, kept for the second; one text */
    char *t1 = take_insert(f, item, "{\"name\":\"a\",\"n\":1}", NULL);
    char *t2 = take_insert(f, item, "{\"name\":\"b\",\"n\":2}", NULL);
    assert_string_equal(t1, t2);
    assert_non_null(strstr(t1, "name,n,"));
    /* the generated key: RETURNING on PostgreSQL; SQLite and MySQL report it (as Sequelize
     * reads it there) */
    if (f->dialect == CQ_DIALECT_POSTGRES)
        assert_non_null(strstr(t1, "RETURNING id"));
    else
        assert_null(strstr(t1, "RETURNING"));
    /* the general path (fields naming the same columns) renders that text too */
    const char *name_n[] = { "name", "n", NULL };
    char *t3 =
        take_insert(f, item, "{\"name\":\"c\",\"n\":3}", &(cq_write_opts){ .fields = name_n });
    assert_string_equal(t1, t3);

    /* other column sets, each kept on its own: {name}, {name, note}, {name, m}; the fifth,
     * {name, n, note, m}, goes through the general path every time */
    const char *const sets[][2] = {
        { "{\"name\":\"d\"}", "{\"name\":\"d2\"}" },
        { "{\"name\":\"e\",\"note\":\"x\"}", "{\"name\":\"e2\",\"note\":\"y\"}" },
        { "{\"name\":\"g\",\"m\":5}", "{\"name\":\"g2\",\"m\":6}" },
        { "{\"name\":\"h\",\"n\":8,\"note\":\"z\",\"m\":9}",
          "{\"name\":\"h2\",\"n\":10,\"note\":\"w\",\"m\":11}" },
    };
    for (size_t i = 0; i < 4; i++) {
        char *a = take_insert(f, item, sets[i][0], NULL);
        char *b = take_insert(f, item, sets[i][1], NULL);
        assert_string_equal(a, b);
        free(a);
        free(b);
    }
    /* the first set is still kept and still binds this call's values */
    char *t4 = take_insert(f, item, "{\"name\":\"i\",\"n\":12}", NULL);
    assert_string_equal(t1, t4);

    assert_int_equal(scalar(f, "SELECT COUNT(*) FROM items"), 13);
    assert_int_equal(scalar(f, "SELECT n FROM items WHERE name = 'a'"), 1);
    assert_int_equal(scalar(f, "SELECT n FROM items WHERE name = 'b'"), 2);
    assert_int_equal(scalar(f, "SELECT n FROM items WHERE name = 'c'"), 3);
    assert_int_equal(scalar(f, "SELECT n FROM items WHERE name = 'i'"), 12);
    assert_int_equal(scalar(f, "SELECT COUNT(*) FROM items WHERE note = 'y' AND n IS NULL"), 1);
    assert_int_equal(scalar(f, "SELECT m FROM items WHERE name = 'g2'"), 6);
    assert_int_equal(scalar(f, "SELECT n + m FROM items WHERE name = 'h2' AND note = 'w'"), 21);
    assert_int_equal(scalar(f, "SELECT COUNT(*) FROM items WHERE \"createdAt\" IS NOT NULL"), 13);
    /* the keys the kept statements generated are the rows' own */
    cq_instance *j = create(db, item, "{\"name\":\"j\",\"n\":13}", NULL);
    int64_t id = 0;
    CQ_ASSERT_OK(db, cq_instance_get_int(&id, j, "id"));
    assert_int_equal(scalar(f, "SELECT id FROM items WHERE name = 'j'"), id);
    assert_int_equal(id, 14);
    cq_instance_free(j);
    free(t0);
    free(t1);
    free(t2);
    free(t3);
    free(t4);
}

static void test_kept__insert_with_duplicate_handling(void **state)
{
    dx_fixture *f = *state;
    cq_db *db = f->db;
    cq_model *item = define_item(db);
    CQ_ASSERT_OK(db, cq_db_sync(db, &(cq_sync_opts){ .force = true }));
    cq_instance_free(create(db, item, "{\"name\":\"a\",\"n\":1}", NULL));
    cq_instance_free(create(db, item, "{\"name\":\"b\",\"n\":2}", NULL)); /* kept */
    /* the same columns with duplicate handling: its own statement, the conflict skipped */
    char *t = take_insert(f, item, "{\"name\":\"a\",\"n\":3}",
                          &(cq_write_opts){ .ignore_duplicates = true });
    assert_true(strstr(t, "OR IGNORE") || strstr(t, "INSERT IGNORE") ||
                strstr(t, "ON CONFLICT DO NOTHING"));
    free(t);
    const char *move_n[] = { "n", NULL };
    dx_clear(f);
    cq_instance *b = create(db, item, "{\"name\":\"b\",\"n\":4}",
                            &(cq_write_opts){ .update_on_duplicate = move_n });
    t = strdup(only(f, "INSERT"));
    assert_true(strstr(t, "ON CONFLICT") || strstr(t, "ON DUPLICATE KEY UPDATE"));
    /* the row updated instead is b's own (key 2), not the last key inserted: RETURNING */
    if (f->dialect != CQ_DIALECT_MYSQL) {
        int64_t id = 0;
        CQ_ASSERT_OK(db, cq_instance_get_int(&id, b, "id"));
        assert_int_equal(id, 2);
    }
    cq_instance_free(b);
    free(t);
    /* a plain create of that set after them is still a plain INSERT: a conflict is an error */
    cq_value *v = cq_test_json("{\"name\":\"a\",\"n\":5}");
    cq_instance *dup = NULL;
    assert_int_equal(cq_model_create(&dup, item, v, NULL), CQ_EUNIQUE);
    assert_null(dup);
    cq_value_free(v);
    assert_int_equal(scalar(f, "SELECT n FROM items WHERE name = 'a'"), 1);
    assert_int_equal(scalar(f, "SELECT n FROM items WHERE name = 'b'"), 4);
    assert_int_equal(scalar(f, "SELECT COUNT(*) FROM items"), 2);
}

typedef struct btm {
    cq_model *user, *tag;
    cq_assoc *tags;
    cq_instance *u, *t[4];
} btm;

static cq_model *define_named(cq_db *db, const char *name)
{
    cq_model *m = NULL;
    cq_attr attrs[] = { { .name = "name", .type = CQ_STRING }, { 0 } };
    CQ_ASSERT_OK(db, cq_db_define(&m, db, name, attrs, &(cq_model_opts){ .timestamps = CQ_OFF }));
    return m;
}

static void btm_setup(dx_fixture *f, btm *b)
{
    cq_db *db = f->db;
    b->user = define_named(db, "user");
    b->tag = define_named(db, "tag");
    CQ_ASSERT_OK(db, cq_model_belongs_to_many(
                         &b->tags, b->user, b->tag,
                         &(cq_assoc_opts){ .through = "user_tag", .timestamps = CQ_OFF }));
    CQ_ASSERT_OK(db, cq_db_sync(db, &(cq_sync_opts){ .force = true }));
    b->u = create(db, b->user, "{\"name\":\"u\"}", NULL);
    for (int i = 0; i < 4; i++) {
        char json[32];
        snprintf(json, sizeof json, "{\"name\":\"t%d\"}", i);
        b->t[i] = create(db, b->tag, json, NULL);
    }
}

static void btm_free(btm *b)
{
    cq_instance_free(b->u);
    for (int i = 0; i < 4; i++)
        cq_instance_free(b->t[i]);
}

static int64_t links(dx_fixture *f)
{
    return scalar(f, "SELECT COUNT(*) FROM user_tag");
}

static bool has(dx_fixture *f, btm *b, const int *which, size_t n, const cq_find_opts *o)
{
    cq_target t[4] = { { 0 } };
    for (size_t i = 0; i < n; i++)
        t[i].instance = b->t[which[i]];
    bool out = false;
    CQ_ASSERT_OK(f->db, cq_assoc_has(&out, b->u, b->tags, t, n, o));
    return out;
}

static int count_calls(cq_hook_ctx *ctx, void *user_data)
{
    (void)ctx;
    ++*(int *)user_data;
    return CQ_OK;
}

static void test_kept__add_set_has(void **state)
{
    dx_fixture *f = *state;
    cq_db *db = f->db;
    btm b = { 0 };
    btm_setup(f, &b);
    cq_target t0 = { .instance = b.t[0] },
              t01[2] = { { .instance = b.t[0] }, { .instance = b.t[1] } };

    /* addTags of one key, twice: the join-row SELECT is the same text, the row written once */
    dx_clear(f);
    CQ_ASSERT_OK(db, cq_assoc_add(b.u, b.tags, &t0, 1, NULL));
    char *s1 = strdup(only(f, "SELECT"));
    dx_clear(f);
    CQ_ASSERT_OK(db, cq_assoc_add(b.u, b.tags, &t0, 1, NULL));
    assert_string_equal(s1, only(f, "SELECT"));
    assert_int_equal(links(f), 1);
    /* two keys: a statement of its own */
    dx_clear(f);
    CQ_ASSERT_OK(db, cq_assoc_add(b.u, b.tags, t01, 2, NULL));
    assert_string_not_equal(s1, only(f, "SELECT"));
    assert_int_equal(links(f), 2);

    /* hasTags without options: one text per number of keys, the answer from the rows */
    int k0[] = { 0 }, k2[] = { 2 }, k01[] = { 0, 1 }, k02[] = { 0, 2 }, k012[] = { 0, 1, 2 };
    dx_clear(f);
    assert_true(has(f, &b, k0, 1, NULL));
    char *h1 = strdup(only(f, "SELECT"));
    dx_clear(f);
    assert_false(has(f, &b, k2, 1, NULL));
    assert_string_equal(h1, only(f, "SELECT"));
    assert_true(has(f, &b, k01, 2, NULL));
    assert_false(has(f, &b, k02, 2, NULL));
    assert_false(has(f, &b, k012, 3, NULL));
    /* with an option that leaves the statement as it is, the general path sends that text */
    dx_clear(f);
    assert_true(has(f, &b, k0, 1, &(cq_find_opts){ .paranoid = CQ_ON }));
    assert_string_equal(h1, only(f, "SELECT"));
    /* options that change it go the general path */
    cq_value *w = cq_test_json("{\"name\":\"t0\"}");
    assert_true(has(f, &b, k0, 1, &(cq_find_opts){ .where = w }));
    cq_value_free(w);
    w = cq_test_json("{\"name\":\"nope\"}");
    assert_false(has(f, &b, k0, 1, &(cq_find_opts){ .where = w }));
    cq_value_free(w);

    /* setTags to {t2, t3}: t0 and t1 go, t2 and t3 come */
    cq_target t23[2] = { { .instance = b.t[2] }, { .instance = b.t[3] } };
    CQ_ASSERT_OK(db, cq_assoc_set(b.u, b.tags, t23, 2, NULL));
    assert_int_equal(links(f), 2);
    assert_int_equal(scalar(f, "SELECT COUNT(*) FROM user_tag WHERE \"tagId\" IN (3, 4)"), 2);
    assert_false(has(f, &b, k0, 1, NULL));
    int k23[] = { 2, 3 };
    assert_true(has(f, &b, k23, 2, NULL));

    /* a find hook on the join model, added after the texts were kept: addTags goes the general
     * path, so the hook runs */
    int calls = 0;
    CQ_ASSERT_OK(db,
                 cq_model_add_hook(cq_assoc_through(b.tags), "beforeFind", count_calls, &calls));
    CQ_ASSERT_OK(db, cq_assoc_add(b.u, b.tags, &t0, 1, NULL));
    assert_int_equal(calls, 1);
    assert_int_equal(links(f), 3);
    /* and on the target: hasTags too */
    int tcalls = 0;
    CQ_ASSERT_OK(db, cq_model_add_hook(b.tag, "beforeFind", count_calls, &tcalls));
    assert_true(has(f, &b, k0, 1, NULL));
    assert_int_equal(tcalls, 1);
    free(s1);
    free(h1);
    btm_free(&b);
}

/* The multi-row INSERT of addX/setX, kept per association and number of rows, and the DELETE
 * of setX/removeX, per number of keys: the same text for the same number, the keys (and
 * timestamps) of this call written; a join model with a bulk hook (added after the text was
 * kept) takes the general path, which runs it and sends the same text. */
static void test_kept__join_insert(void **state)
{
    dx_fixture *f = *state;
    cq_db *db = f->db;
    btm b = { 0 };
    b.user = define_named(db, "user");
    b.tag = define_named(db, "tag");
    CQ_ASSERT_OK(db, cq_model_belongs_to_many(&b.tags, b.user, b.tag,
                                              &(cq_assoc_opts){ .through = "user_tag" }));
    CQ_ASSERT_OK(db, cq_db_sync(db, &(cq_sync_opts){ .force = true }));
    b.u = create(db, b.user, "{\"name\":\"u\"}", NULL);
    for (int i = 0; i < 4; i++)
        b.t[i] = create(db, b.tag, "{\"name\":\"t\"}", NULL);
    cq_target t01[2] = { { .instance = b.t[0] }, { .instance = b.t[1] } },
              t23[2] = { { .instance = b.t[2] }, { .instance = b.t[3] } },
              t0 = { .instance = b.t[0] };
    dx_clear(f);
    CQ_ASSERT_OK(db, cq_assoc_add(b.u, b.tags, t01, 2, NULL));
    char *i2 = strdup(only(f, "INSERT"));
    assert_int_equal(scalar(f, "SELECT COUNT(*) FROM user_tag WHERE \"userId\" = 1 AND \"tagId\" "
                               "IN (1, 2) AND \"createdAt\" IS NOT NULL AND \"updatedAt\" IS NOT "
                               "NULL"),
                     2);
    /* setTags to {t2, t3}: the DELETE, then the same INSERT text with the new keys */
    dx_clear(f);
    CQ_ASSERT_OK(db, cq_assoc_set(b.u, b.tags, t23, 2, NULL));
    assert_string_equal(i2, only(f, "INSERT"));
    assert_int_equal(scalar(f, "SELECT COUNT(*) FROM user_tag WHERE \"tagId\" IN (3, 4) AND "
                               "\"createdAt\" IS NOT NULL"),
                     2);
    assert_int_equal(links(f), 2);
    /* one row: a text of its own */
    dx_clear(f);
    CQ_ASSERT_OK(db, cq_assoc_add(b.u, b.tags, &t0, 1, NULL));
    char *i1 = strdup(only(f, "INSERT"));
    assert_string_not_equal(i1, i2);
    assert_int_equal(links(f), 3);
    CQ_ASSERT_OK(db, cq_assoc_remove(b.u, b.tags, &t0, 1, NULL));
    /* a bulk hook on the join model: the general path runs it, with the same text */
    int calls = 0;
    CQ_ASSERT_OK(
        db, cq_model_add_hook(cq_assoc_through(b.tags), "beforeBulkCreate", count_calls, &calls));
    dx_clear(f);
    CQ_ASSERT_OK(db, cq_assoc_add(b.u, b.tags, &t0, 1, NULL));
    assert_int_equal(calls, 1);
    assert_string_equal(i1, only(f, "INSERT"));
    assert_int_equal(scalar(f, "SELECT COUNT(*) FROM user_tag WHERE \"tagId\" = 1"), 1);

    /* the DELETE of setTags, kept per number of keys: setTags to {t0} drops t2 and t3 */
    dx_clear(f);
    CQ_ASSERT_OK(db, cq_assoc_set(b.u, b.tags, &t0, 1, NULL));
    char *d2 = strdup(only(f, "DELETE"));
    assert_int_equal(links(f), 1);
    /* removeTags of two keys sends the same text */
    CQ_ASSERT_OK(db, cq_assoc_add(b.u, b.tags, t23, 2, NULL));
    assert_int_equal(links(f), 3);
    dx_clear(f);
    CQ_ASSERT_OK(db, cq_assoc_remove(b.u, b.tags, t23, 2, NULL));
    assert_string_equal(d2, only(f, "DELETE"));
    assert_int_equal(links(f), 1);
    assert_int_equal(scalar(f, "SELECT COUNT(*) FROM user_tag WHERE \"tagId\" = 1"), 1);
    /* a bulk destroy hook on the join model: the general path runs it, with the same text */
    int dcalls = 0;
    CQ_ASSERT_OK(
        db, cq_model_add_hook(cq_assoc_through(b.tags), "beforeBulkDestroy", count_calls, &dcalls));
    CQ_ASSERT_OK(db, cq_assoc_add(b.u, b.tags, t23, 2, NULL));
    dx_clear(f);
    CQ_ASSERT_OK(db, cq_assoc_set(b.u, b.tags, &t0, 1, NULL));
    assert_int_equal(dcalls, 1);
    assert_string_equal(d2, only(f, "DELETE"));
    assert_int_equal(links(f), 1);
    free(d2);
    free(i1);
    free(i2);
    btm_free(&b);
}

static void test_kept__through_scope_is_general(void **state)
{
    dx_fixture *f = *state;
    cq_db *db = f->db;
    btm b = { 0 };
    b.user = define_named(db, "user");
    b.tag = define_named(db, "tag");
    cq_model *join = NULL;
    cq_attr jattrs[] = { { .name = "kind", .type = CQ_STRING }, { 0 } };
    CQ_ASSERT_OK(
        db, cq_db_define(&join, db, "user_tag", jattrs, &(cq_model_opts){ .timestamps = CQ_OFF }));
    cq_value *scope = cq_test_json("{\"kind\":\"star\"}");
    CQ_ASSERT_OK(db, cq_model_belongs_to_many(&b.tags, b.user, b.tag,
                                              &(cq_assoc_opts){ .through = "user_tag",
                                                                .through_scope = scope,
                                                                .timestamps = CQ_OFF }));
    cq_value_free(scope);
    CQ_ASSERT_OK(db, cq_db_sync(db, &(cq_sync_opts){ .force = true }));
    b.u = create(db, b.user, "{\"name\":\"u\"}", NULL);
    for (int i = 0; i < 4; i++)
        b.t[i] = create(db, b.tag, "{\"name\":\"t\"}", NULL);
    /* a join row of another kind for t0: not this association's */
    dx_exec(f, "INSERT INTO user_tags (\"userId\", \"tagId\", kind) VALUES (1, 1, 'plain')");
    cq_target t0 = { .instance = b.t[0] };
    int k0[] = { 0 };
    assert_false(has(f, &b, k0, 1, NULL));
    assert_false(has(f, &b, k0, 1, NULL));
    /* addTags sees no scoped row for t0 and writes one... which the key (userId, tagId)
     * refuses: the other kind's row holds it */
    int rc = cq_assoc_add(b.u, b.tags, &t0, 1, NULL);
    assert_int_equal(rc, CQ_EUNIQUE);
    cq_target t1 = { .instance = b.t[1] };
    CQ_ASSERT_OK(db, cq_assoc_add(b.u, b.tags, &t1, 1, NULL));
    CQ_ASSERT_OK(db, cq_assoc_add(b.u, b.tags, &t1, 1, NULL));
    assert_int_equal(scalar(f, "SELECT COUNT(*) FROM user_tags WHERE kind = 'star'"), 1);
    assert_int_equal(scalar(f, "SELECT COUNT(*) FROM user_tags"), 2);
    int k1[] = { 1 };
    assert_true(has(f, &b, k1, 1, NULL));
    assert_true(has(f, &b, k1, 1, NULL));
    btm_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_kept__insert_per_column_set, dx_setup, dx_teardown),
        cmocka_unit_test_setup_teardown(test_kept__insert_with_duplicate_handling, dx_setup,
                                        dx_teardown),
        cmocka_unit_test_setup_teardown(test_kept__add_set_has, dx_setup, dx_teardown),
        cmocka_unit_test_setup_teardown(test_kept__join_insert, dx_setup, dx_teardown),
        cmocka_unit_test_setup_teardown(test_kept__through_scope_is_general, dx_setup, dx_teardown),
    };
    return DX_RUN("test_kept_statements", tests);
}
