/* Names that reach the server are checked when a model or association is defined, and text
 * with a NUL byte is refused wherever it would be sent, on SQLite (in memory), PostgreSQL and
 * MySQL (the servers of CQ_TEST_POSTGRES_URL and CQ_TEST_MYSQL_URL; without them those runs
 * skip). A refused definition leaves the db as it was: nothing registered, sync still works.
 */
#define _POSIX_C_SOURCE 200809L
#include "cq_server.h"

#include <stdlib.h>
#include <string.h>

static cq_db *db_of(void **state)
{
    return ((srv_fixture *)*state)->db;
}

static void assert_message_has(cq_db *db, const char *a, const char *b)
{
    const char *msg = cq_db_error(db)->message;
    if (!strstr(msg, a) || (b && !strstr(msg, b)))
        fail_msg("message \"%s\" should name \"%s\" and \"%s\"", msg, a, b ? b : "");
}

static const cq_attr name_attrs[] = { { .name = "name", .type = CQ_STRING }, { 0 } };

/* ---- names ------------------------------------------------------------------------------- */

static void test_names__empty_names_are_refused(void **state)
{
    cq_db *db = db_of(state);
    cq_model *m = NULL;
    CQ_ASSERT_ERR(db, CQ_EINVALID,
                  cq_db_define(&m, db, "thing", name_attrs, &(cq_model_opts){ .table_name = "" }));
    assert_message_has(db, "thing", "tableName");
    assert_null(m);
    const cq_attr empty_field[] = { { .name = "name", .type = CQ_STRING, .field = "" }, { 0 } };
    CQ_ASSERT_ERR(db, CQ_EINVALID, cq_db_define(&m, db, "thing", empty_field, NULL));
    assert_message_has(db, "thing", "field");
    const cq_attr empty_unique[] = { { .name = "name", .type = CQ_STRING, .unique_name = "" },
                                     { 0 } };
    CQ_ASSERT_ERR(db, CQ_EINVALID, cq_db_define(&m, db, "thing", empty_unique, NULL));
    assert_message_has(db, "thing", "unique");
    CQ_ASSERT_ERR(db, CQ_EINVALID,
                  cq_db_define(&m, db, "thing", name_attrs, &(cq_model_opts){ .created_at = "" }));
    assert_message_has(db, "thing", "createdAt");
    assert_null(cq_db_model(db, "thing"));
    assert_int_equal(cq_db_model_count(db), 0);

    cq_model *user = srv_define(db, "user", name_attrs, NULL);
    cq_model *task = srv_define(db, "task", name_attrs, NULL);
    cq_assoc *a = NULL;
    CQ_ASSERT_ERR(db, CQ_EINVALID, cq_model_has_many(&a, user, task, &(cq_assoc_opts){ .as = "" }));
    assert_message_has(db, "user", "as");
    CQ_ASSERT_ERR(db, CQ_EINVALID,
                  cq_model_belongs_to(&a, task, user, &(cq_assoc_opts){ .foreign_key = "" }));
    assert_message_has(db, "task", "foreignKey");
    CQ_ASSERT_ERR(db, CQ_EINVALID,
                  cq_model_belongs_to_many(&a, user, task, &(cq_assoc_opts){ .through = "" }));
    assert_message_has(db, "user", "through");
    CQ_ASSERT_ERR(
        db, CQ_EINVALID,
        cq_model_belongs_to_many(&a, user, task,
                                 &(cq_assoc_opts){ .through = "user_tasks", .other_key = "" }));
    assert_message_has(db, "user", "otherKey");
    assert_null(a);
    assert_int_equal(cq_model_assoc_count(user), 0);
    assert_int_equal(cq_model_assoc_count(task), 0);
    assert_int_equal(cq_db_model_count(db), 2); /* no join model left behind */
    assert_int_equal(cq_model_attr_count(task), 4);
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    cq_instance_free(srv_create(db, task, "{\"name\":\"t\"}"));
}

static void test_names__case_collisions_are_refused(void **state)
{
    cq_db *db = db_of(state);
    cq_model *m = NULL;
    /* `Id` next to the implicit `id` */
    const cq_attr by_case[] = { { .name = "Id", .type = CQ_INTEGER }, { 0 } };
    CQ_ASSERT_ERR(db, CQ_EINVALID, cq_db_define(&m, db, "thing", by_case, NULL));
    assert_message_has(db, "thing", "differs only by case");
    /* two attributes on one column */
    const cq_attr same_column[] = { { .name = "name", .type = CQ_STRING },
                                    { .name = "title", .type = CQ_STRING, .field = "NAME" },
                                    { 0 } };
    CQ_ASSERT_ERR(db, CQ_EINVALID, cq_db_define(&m, db, "thing", same_column, NULL));
    assert_message_has(db, "thing", "\"NAME\"");
    assert_int_equal(cq_db_model_count(db), 0);

    /* a derived foreign key (userId) next to an attribute UserId */
    cq_model *user = srv_define(db, "user", name_attrs, NULL);
    const cq_attr task_attrs[] = { { .name = "UserId", .type = CQ_INTEGER }, { 0 } };
    cq_model *task = srv_define(db, "task", task_attrs, NULL);
    size_t nattrs = cq_model_attr_count(task);
    cq_assoc *a = NULL;
    CQ_ASSERT_ERR(db, CQ_EINVALID, cq_model_belongs_to(&a, task, user, NULL));
    assert_message_has(db, "task", "userId");
    assert_null(a);
    CQ_ASSERT_ERR(db, CQ_EINVALID, cq_model_has_many(&a, user, task, NULL));
    assert_int_equal(cq_model_attr_count(task), nattrs);
    assert_int_equal(cq_model_assoc_count(task), 0);
    assert_int_equal(cq_model_assoc_count(user), 0);
    /* the same key named explicitly is the attribute itself: fine */
    CQ_ASSERT_OK(db,
                 cq_model_belongs_to(&a, task, user, &(cq_assoc_opts){ .foreign_key = "UserId" }));
    assert_int_equal(cq_model_attr_count(task), nattrs);
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    cq_instance *u = srv_create(db, user, "{\"name\":\"ada\"}");
    cq_instance_free(u);
    cq_instance_free(srv_create(db, task, "{\"UserId\":1}"));
    assert_int_equal(srv_count_where(db, task, "{\"UserId\":1}"), 1);
}

/* `n` times the UTF-8 text `unit`. */
static char *repeat(const char *unit, size_t n)
{
    size_t len = strlen(unit);
    char *s = malloc(len * n + 1);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++)
        memcpy(s + i * len, unit, len);
    s[len * n] = '\0';
    return s;
}

static void test_names__too_long_for_the_dialect(void **state)
{
    cq_db *db = db_of(state);
    cq_dialect d = cq_db_dialect(db);
    /* the longest name the dialect keeps whole (SQLite: any; we try 100), and one more */
    size_t max = d == CQ_DIALECT_POSTGRES ? 63 : d == CQ_DIALECT_MYSQL ? 64 : 100;
    char *fits = repeat("c", max), *over = repeat("c", max + 1);
    const cq_attr too_long[] = { { .name = "name", .type = CQ_STRING, .field = over }, { 0 } };
    cq_model *m = NULL;
    if (d == CQ_DIALECT_SQLITE) {
        CQ_ASSERT_OK(db, cq_db_define(&m, db, "long_one", too_long, NULL));
    } else {
        CQ_ASSERT_ERR(db, CQ_EINVALID, cq_db_define(&m, db, "long_one", too_long, NULL));
        assert_message_has(db, "long_one", d == CQ_DIALECT_POSTGRES ? "PostgreSQL" : "MySQL");
        CQ_ASSERT_ERR(
            db, CQ_EINVALID,
            cq_db_define(&m, db, "long_two", name_attrs, &(cq_model_opts){ .table_name = over }));
        assert_message_has(db, "long_two", "table name");
    }
    /* at the limit: defined, synced and used on the server */
    const cq_attr at_limit[] = { { .name = "name", .type = CQ_STRING, .field = fits }, { 0 } };
    m = srv_define(db, "edge", at_limit, &(cq_model_opts){ .table_name = fits });
    /* MySQL counts characters: 64 two-byte characters fit there, not on PostgreSQL (defined
     * before the first statement freezes the models) */
    char *wide = repeat("\xc3\xa9", 64);
    const cq_attr wide_attr[] = { { .name = "w", .type = CQ_STRING, .field = wide }, { 0 } };
    cq_model *w = NULL;
    int rc = cq_db_define(&w, db, "wide", wide_attr, NULL);
    assert_int_equal(rc, d == CQ_DIALECT_POSTGRES ? CQ_EINVALID : CQ_OK);
    free(wide);
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    cq_instance_free(srv_create(db, m, "{\"name\":\"x\"}"));
    assert_int_equal(srv_count_where(db, m, "{\"name\":\"x\"}"), 1);
    free(fits);
    free(over);
}

/* ---- text with a NUL byte ------------------------------------------------------------------ */

static void test_text__nul_bytes_are_refused_everywhere(void **state)
{
    cq_db *db = db_of(state);
    /* srv_define_user_tasks() without its sync: every model comes before the first statement */
    srv_user_tasks x;
    x.user = srv_define(db, "user", srv_user_attrs, NULL);
    x.task = srv_define(db, "task", srv_task_attrs, NULL);
    CQ_ASSERT_OK(db, cq_model_has_many(&x.tasks, x.user, x.task,
                                       &(cq_assoc_opts){ .on_delete = CQ_REF_CASCADE }));
    CQ_ASSERT_OK(db, cq_model_belongs_to(&x.owner, x.task, x.user, NULL));
    cq_model *tag = srv_define(db, "tag", name_attrs, NULL);
    const cq_attr bin_attrs[] = { { .name = "data", .type = CQ_BLOB }, { 0 } };
    cq_model *bin = srv_define(db, "bin", bin_attrs, NULL);
    cq_assoc *tags = NULL;
    const cq_attr role_attr[] = { { .name = "role", .type = CQ_STRING }, { 0 } };
    cq_model *user_tag = srv_define(db, "user_tag", role_attr, NULL);
    CQ_ASSERT_OK(db, cq_model_belongs_to_many(&tags, x.user, tag,
                                              &(cq_assoc_opts){ .through_model = user_tag }));
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    cq_value *nul = cq_value_text_n("a\0b", 3);

    /* create */
    cq_value *v = cq_value_object();
    cq_value_object_set(v, "username", cq_value_copy(nul));
    CQ_ASSERT_ERR(db, CQ_EINVALID, cq_model_create(NULL, x.user, v, NULL));
    assert_message_has(db, "username", "NUL");
    cq_value_free(v);
    assert_int_equal(srv_count_where(db, x.user, NULL), 0);

    /* nested create: the bad text deep in the tree, nothing stays */
    v = cq_test_json("{\"username\":\"ada\",\"tasks\":[{\"title\":\"ok\"},{}]}");
    cq_value_object_set((cq_value *)cq_value_array_get(cq_value_object_get(v, "tasks"), 1), "title",
                        cq_value_copy(nul));
    const cq_include inc[] = { { .association = x.tasks }, { 0 } };
    CQ_ASSERT_ERR(db, CQ_EINVALID,
                  cq_model_create(NULL, x.user, v, &(cq_write_opts){ .include = inc }));
    cq_value_free(v);
    assert_int_equal(srv_count_where(db, x.user, NULL), 0);
    assert_int_equal(srv_count_where(db, x.task, NULL), 0);

    /* bulk create */
    v = cq_test_json("[{\"username\":\"bob\"},{}]");
    cq_value_object_set((cq_value *)cq_value_array_get(v, 1), "username", cq_value_copy(nul));
    CQ_ASSERT_ERR(db, CQ_EINVALID, cq_model_bulk_create(NULL, x.user, v, NULL));
    cq_value_free(v);
    assert_int_equal(srv_count_where(db, x.user, NULL), 0);

    /* where */
    cq_instance *ada = srv_create(db, x.user, "{\"username\":\"ada\"}");
    cq_value *w = cq_value_object();
    cq_value_object_set(w, "username", cq_value_copy(nul));
    int64_t n = -1;
    CQ_ASSERT_ERR(db, CQ_EINVALID, cq_model_count(&n, x.user, &(cq_find_opts){ .where = w }));
    cq_value_free(w);
    w = cq_test_json("{\"username\":{\"$in\":[\"ada\"]}}");
    cq_value_array_append(
        (cq_value *)cq_value_object_get(cq_value_object_get(w, "username"), "$in"),
        cq_value_copy(nul));
    cq_rows *rows = NULL;
    CQ_ASSERT_ERR(db, CQ_EINVALID, cq_model_find_all(&rows, x.user, &(cq_find_opts){ .where = w }));
    assert_null(rows);
    cq_value_free(w);

    /* update: instance and bulk */
    int rc = cq_instance_set(ada, "username", cq_value_copy(nul));
    if (rc == CQ_OK)
        rc = cq_instance_save(ada, NULL);
    assert_int_equal(rc, CQ_EINVALID);
    cq_instance_free(ada);
    v = cq_value_object();
    cq_value_object_set(v, "username", cq_value_copy(nul));
    CQ_ASSERT_ERR(db, CQ_EINVALID, cq_model_update(NULL, x.user, v, NULL));
    cq_value_free(v);
    srv_assert_query(db, "SELECT username FROM users", "[{\"username\":\"ada\"}]");

    /* through data of belongsToMany add */
    ada = NULL;
    CQ_ASSERT_OK(db, cq_model_find_one(&ada, x.user, NULL));
    cq_instance *t = srv_create(db, tag, "{\"name\":\"red\"}");
    v = cq_value_object();
    cq_value_object_set(v, "role", cq_value_copy(nul));
    CQ_ASSERT_ERR(db, CQ_EINVALID,
                  cq_assoc_add(ada, tags, &(cq_target){ .instance = t }, 1,
                               &(cq_assoc_write_opts){ .through = v }));
    cq_value_free(v);
    assert_int_equal(srv_count_where(db, user_tag, NULL), 0);
    cq_instance_free(t);
    cq_instance_free(ada);

    /* a raw query's parameter */
    cq_value *params = cq_value_array();
    cq_value_array_append(params, cq_value_copy(nul));
    CQ_ASSERT_ERR(
        db, CQ_EINVALID,
        cq_db_query(NULL, db,
                    cq_db_dialect(db) == CQ_DIALECT_POSTGRES ? "SELECT $1 AS s" : "SELECT ? AS s",
                    params, NULL));
    cq_value_free(params);

    /* binary data goes in a blob, every byte kept */
    v = cq_value_object();
    cq_value_object_set(v, "data", cq_value_blob("a\0b", 3));
    cq_instance *b = NULL;
    CQ_ASSERT_OK(db, cq_model_create(&b, bin, v, NULL));
    cq_value_free(v);
    cq_instance_free(b);
    CQ_ASSERT_OK(db, cq_model_find_one(&b, bin, NULL));
    size_t len = 0;
    const unsigned char *bytes = cq_value_as_blob(cq_instance_get(b, "data"), &len);
    assert_int_equal(len, 3);
    assert_memory_equal(bytes, "a\0b", 3);
    cq_instance_free(b);
    cq_value_free(nul);
}

/* ---- runs ------------------------------------------------------------------------------------ */

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_names__empty_names_are_refused, srv_setup, srv_teardown),
    cmocka_unit_test_setup_teardown(test_names__case_collisions_are_refused, srv_setup,
                                    srv_teardown),
    cmocka_unit_test_setup_teardown(test_names__too_long_for_the_dialect, srv_setup, srv_teardown),
    cmocka_unit_test_setup_teardown(test_text__nul_bytes_are_refused_everywhere, srv_setup,
                                    srv_teardown),
};

static int sqlite_setup(void **state)
{
    srv_fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    f->db = cq_test_open_memory();
    *state = f;
    return f->db ? 0 : -1;
}

int main(void)
{
    struct CMUnitTest sqlite_tests[sizeof tests / sizeof *tests];
    for (size_t i = 0; i < sizeof tests / sizeof *tests; i++) {
        sqlite_tests[i] = tests[i];
        sqlite_tests[i].setup_func = sqlite_setup;
    }
    int failed = cmocka_run_group_tests_name("sqlite", sqlite_tests, NULL, NULL);
    static const cq_dialect servers[] = { CQ_DIALECT_POSTGRES, CQ_DIALECT_MYSQL };
    static const char *const groups[] = { "postgres", "mysql" };
    for (size_t i = 0; i < 2; i++) {
        int rc = srv_begin(servers[i], "test_names_and_text", "cq_names");
        if (rc == 77)
            continue;
        if (rc != 0) {
            failed++;
            continue;
        }
        failed = srv_end(cmocka_run_group_tests_name(groups[i], tests, NULL, NULL)) + failed;
    }
    return failed ? 1 : 0;
}
