/* Integration tests for the single-JOIN eager-loading shape (cq_find_opts.single_join,
 * spec/include.md A2, A4, A5): every tree-shaped find of test_include.c run both ways with
 * IDENTICAL toJSON text, one statement per find, limit counting parents through the subquery,
 * side-by-side to-many includes not duplicating children, and de-duplication of a large
 * cross product. */
#define _POSIX_C_SOURCE 200809L
#include "include_cases.h"

#include <stdlib.h>
#include <string.h>

/* ---- helpers -------------------------------------------------------------------------------- */

/* toJSON text of every row, in order, keys in the order toJSON gives them. */
static char *rows_text(const cq_rows *rows)
{
    cq_value *v = NULL;
    char *text = NULL;
    assert_int_equal(cq_rows_to_value(&v, rows), CQ_OK);
    assert_int_equal(cq_value_to_json(&text, v, CQ_JSON_COMPACT), CQ_OK);
    cq_value_free(v);
    return text;
}

static bool sql_has(const fixture *f, size_t i, const char *what)
{
    return i < f->n && strstr(f->sql[i], what) != NULL;
}

/* Runs the find with the default strategy and with single_join, asserts the toJSON texts are
 * identical (and equal to `expected_json` when given, compared with keys sorted), that the
 * single-JOIN find issued `sj_statements` statements; returns the text (cq_free). The SQL of
 * the single-JOIN find stays in f->sql. */
static char *assert_same(fixture *f, cq_model *m, const cq_find_opts *o, size_t sj_statements)
{
    cq_find_opts d = *o, j = *o;
    d.single_join = false;
    j.single_join = true;
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(f->db, cq_model_find_all(&rows, m, &d));
    char *want = rows_text(rows);
    cq_rows_free(rows);
    fx_clear_sql(f);
    rows = NULL;
    CQ_ASSERT_OK(f->db, cq_model_find_all(&rows, m, &j));
    char *got = rows_text(rows);
    cq_rows_free(rows);
    if (strcmp(want, got) != 0) {
        print_error("single_join differs\n  default:     %s\n  single_join: %s\n", want, got);
        for (size_t i = 0; i < f->n; i++)
            print_error("  [%zu] %s\n", i, f->sql[i]);
        fail();
    }
    fx_assert_count(f, sj_statements);
    if (getenv("CQ_TEST_SHOW_SQL"))
        for (size_t i = 0; i < f->n; i++)
            print_message("[sql] %s\n", f->sql[i]);
    cq_free(got);
    return want;
}

/* assert_same plus the expected value (keys sorted on both sides). */
static void assert_same_as(fixture *f, cq_model *m, const cq_find_opts *o, size_t sj_statements,
                           const char *expected_json)
{
    char *text = assert_same(f, m, o, sj_statements);
    cq_value *got = cq_test_json(text), *want = cq_test_json(expected_json);
    char *g = NULL, *w = NULL;
    assert_int_equal(cq_value_to_json(&g, got, CQ_JSON_COMPACT | CQ_JSON_SORT_KEYS), CQ_OK);
    assert_int_equal(cq_value_to_json(&w, want, CQ_JSON_COMPACT | CQ_JSON_SORT_KEYS), CQ_OK);
    if (strcmp(g, w) != 0) {
        print_error("JSON mismatch\n  got:      %s\n  expected: %s\n", g, w);
        fail();
    }
    cq_free(g);
    cq_free(w);
    cq_value_free(got);
    cq_value_free(want);
    cq_free(text);
}

/* The same for findOne. */
static void assert_same_one(fixture *f, cq_model *m, const cq_find_opts *o)
{
    cq_find_opts d = *o, j = *o;
    d.single_join = false;
    j.single_join = true;
    cq_instance *a = NULL, *b = NULL;
    CQ_ASSERT_OK(f->db, cq_model_find_one(&a, m, &d));
    fx_clear_sql(f);
    CQ_ASSERT_OK(f->db, cq_model_find_one(&b, m, &j));
    fx_assert_count(f, 1);
    assert_non_null(a);
    assert_non_null(b);
    char *ta = NULL, *tb = NULL;
    CQ_ASSERT_OK(f->db, cq_instance_to_json(&ta, a, CQ_JSON_COMPACT));
    CQ_ASSERT_OK(f->db, cq_instance_to_json(&tb, b, CQ_JSON_COMPACT));
    assert_string_equal(ta, tb);
    cq_free(ta);
    cq_free(tb);
    cq_instance_free(a);
    cq_instance_free(b);
}

/* ---- A2: the "Observed results" table ---------------------------------------------------- */

static void test_join__a2_observed_results(void **state)
{
    fixture *f = *state;
    a2 x;
    a2_setup(f, &x);
    cq_value *t1 = cq_test_json("{\"title\":\"t1\"}");
    cq_value *c1 = cq_test_json("{\"text\":\"c1\"}");
    cq_value *completed = cq_test_json("{\"completed\":true}");
    cq_value *p1 = cq_test_json("{\"name\":\"p1\"}");
    static const char *const status[] = { "status", NULL };

    assert_same_as(
        f, x.user,
        &(cq_find_opts){ .include = (cq_include[]){ { .model = x.task }, { 0 } }, .order = by_id },
        1,
        "[{" ALICE ",\"tasks\":[" T1 "," T2 "]},{" BOB ",\"tasks\":[]},{" CAROL ",\"tasks\":[" T3
        "]}]");
    assert_true(
        sql_has(f, 0, "LEFT OUTER JOIN `tasks` AS `tasks` ON `user`.`id` = `tasks`.`userId`"));
    assert_same_as(
        f, x.user,
        &(cq_find_opts){ .include = (cq_include[]){ { .model = x.task, .required = CQ_ON }, { 0 } },
                         .order = by_id },
        1, "[{" ALICE ",\"tasks\":[" T1 "," T2 "]},{" CAROL ",\"tasks\":[" T3 "]}]");
    assert_true(sql_has(f, 0, "INNER JOIN `tasks` AS `tasks`"));
    assert_same_as(
        f, x.user,
        &(cq_find_opts){ .include = (cq_include[]){ { .model = x.task, .where = t1 }, { 0 } },
                         .order = by_id },
        1, "[{" ALICE ",\"tasks\":[" T1 "]}]");
    assert_same_as(
        f, x.user,
        &(cq_find_opts){
            .include =
                (cq_include[]){ { .model = x.task, .where = t1, .required = CQ_OFF }, { 0 } },
            .order = by_id },
        1, "[{" ALICE ",\"tasks\":[" T1 "]},{" BOB ",\"tasks\":[]},{" CAROL ",\"tasks\":[]}]");
    /* only singular includes: the shapes coincide */
    cq_free(assert_same(f, x.user,
                        &(cq_find_opts){ .include = (cq_include[]){ { .model = x.profile }, { 0 } },
                                         .order = by_id },
                        1));
    cq_free(assert_same(
        f, x.task,
        &(cq_find_opts){ .include = (cq_include[]){ { .model = x.user }, { 0 } }, .order = by_id },
        1));
    /* a required grandchild under an optional include */
    assert_same_as(
        f, x.user,
        &(cq_find_opts){
            .include =
                (cq_include[]){
                    { .model = x.task,
                      .include = (cq_include[]){ { .model = x.comment, .where = c1 }, { 0 } } },
                    { 0 } },
            .order = by_id },
        1,
        "[{" ALICE ",\"tasks\":[{\"id\":1,\"title\":\"t1\",\"userId\":1,\"comments\":[" C1
        "]}]},{" BOB ",\"tasks\":[]},{" CAROL ",\"tasks\":[]}]");
    /* through: {attributes: ['status'], where: {completed: true}} */
    assert_same_as(f, x.user,
                   &(cq_find_opts){ .include = (cq_include[]){ { .model = x.project,
                                                                 .through_attributes = status,
                                                                 .through_where = completed },
                                                               { 0 } },
                                    .order = by_id },
                   1,
                   "[{" ALICE ",\"projects\":[{\"id\":1,\"name\":\"p1\",\"userProjects\":"
                   "{\"status\":\"active\"}}]},{" BOB ",\"projects\":[]},{" CAROL
                   ",\"projects\":[]}]");
    /* the parenthesised belongsToMany join, through where inside it */
    assert_true(sql_has(f, 0,
                        "LEFT OUTER JOIN (`userProjects` AS `projects->userProjects` "
                        "INNER JOIN `projects` AS `projects` ON (`projects`.`id` = "
                        "`projects->userProjects`.`projectId` AND "
                        "`projects->userProjects`.`completed` = ?)) ON `user`.`id` = "
                        "`projects->userProjects`.`userId`"));
    assert_same_as(
        f, x.user,
        &(cq_find_opts){ .include = (cq_include[]){ { .model = x.project, .where = p1 }, { 0 } },
                         .order = by_id },
        1,
        "[{" ALICE ",\"projects\":[{\"id\":1,\"name\":\"p1\"," UP(
            1, 1, "active", true) "}]},{" CAROL ",\"projects\":[{\"id\":1,"
                                  "\"name\":\"p1\"," UP(3, 1, "new", false) "}]}]");
    assert_true(sql_has(f, 0, "INNER JOIN (`userProjects`"));
    cq_value_free(t1);
    cq_value_free(c1);
    cq_value_free(completed);
    cq_value_free(p1);
}

/* ---- A1: include forms, merged duplicates, all: true ------------------------------------- */

static void test_join__forms(void **state)
{
    fixture *f = *state;
    a2 x;
    a2_setup(f, &x);
    const cq_include forms[][2] = {
        { { .model = x.task }, { 0 } },
        { { .model = x.task, .as = "tasks" }, { 0 } },
        { { .association = x.user_tasks }, { 0 } },
        { { .association = x.user_tasks, .as = "tasks" }, { 0 } },
        { { .as = "tasks" }, { 0 } },
    };
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
        cq_free(assert_same(f, x.user, &(cq_find_opts){ .include = forms[i], .order = by_id }, 1));
    cq_free(assert_same(
        f, x.user,
        &(cq_find_opts){ .include = (cq_include[]){ { .model = x.task }, { .as = "tasks" }, { 0 } },
                         .order = by_id },
        1));
    cq_free(assert_same(
        f, x.user,
        &(cq_find_opts){ .include = (cq_include[]){ { .all = true }, { 0 } }, .order = by_id }, 1));
}

/* ---- side by side: to-many includes multiply the joined rows, not the children ------------ */

static void test_join__side_by_side(void **state)
{
    fixture *f = *state;
    a2 x;
    a2_setup(f, &x);
    assert_same_as(
        f, x.user,
        &(cq_find_opts){ .include = (cq_include[]){ { .model = x.task },
                                                    { .model = x.profile },
                                                    { .model = x.project },
                                                    { 0 } },
                         .order = by_id },
        1,
        "[{" ALICE ",\"tasks\":[" T1 "," T2 "],\"profile\":" PROFILE
        ",\"projects\":[{\"id\":1,\"name\":\"p1\"," UP(
            1, 1, "active",
            true) "},{\"id\":2,\"name\":\"p2\"," UP(1, 2, "done",
                                                    false) "}]},"
                                                           "{" BOB ",\"tasks\":[],\"profile\":null,"
                                                           "\"projects\":[]},"
                                                           "{" CAROL ",\"tasks\":[" T3
                                                           "],\"profile\":null,\"projects\":[{"
                                                           "\"id\":1,"
                                                           "\"name\":\"p1\"," UP(3, 1, "new",
                                                                                 false) "}]}]");
    /* tasks x comments x projects for alice: 3 x 2 rows, still 2 tasks, 2 comments, 2
     * projects */
    assert_same_as(
        f, x.user,
        &(cq_find_opts){
            .attributes = (const char *const[]){ "username", NULL },
            .include =
                (cq_include[]){
                    { .model = x.task,
                      .attributes = (const char *const[]){ "title", NULL },
                      .include =
                          (cq_include[]){ { .model = x.comment,
                                            .attributes = (const char *const[]){ "text", NULL } },
                                          { 0 } } },
                    { .model = x.project,
                      .attributes = (const char *const[]){ "name", NULL },
                      .through_attributes_none = true,
                      .through_attributes = (const char *const[]){ NULL } },
                    { 0 } },
            .order = by_id },
        1,
        "[{\"username\":\"alice\",\"tasks\":[{\"title\":\"t1\",\"comments\":"
        "[{\"text\":\"c1\"},{\"text\":\"c2\"}]},{\"title\":\"t2\",\"comments\":[]}],"
        "\"projects\":[{\"name\":\"p1\"},{\"name\":\"p2\"}]},"
        "{\"username\":\"bob\",\"tasks\":[],\"projects\":[]},"
        "{\"username\":\"carol\",\"tasks\":[{\"title\":\"t3\",\"comments\":[]}],"
        "\"projects\":[{\"name\":\"p1\"}]}]");
    /* through: {attributes: []}: the join row is joined but none of its columns is selected,
     * as v6 sends it */
    assert_true(sql_has(f, 0, "projects->userProjects"));
    assert_false(sql_has(f, 0, "AS `projects->userProjects."));
    assert_false(sql_has(f, 0, "AS \"projects->userProjects."));
}

/* ---- nesting mixing the four association types ------------------------------------------ */

static void test_join__nested_all_types(void **state)
{
    fixture *f = *state;
    a2 x;
    a2_setup(f, &x);
    static const char *const none[] = { NULL };
    static const char *const uname[] = { "username", NULL };
    cq_include task_inc[] = { { .model = x.comment },
                              { .model = x.user, .attributes = uname },
                              { 0 } };
    cq_include user_inc[] = { { .model = x.profile },
                              { .model = x.task, .include = task_inc },
                              { 0 } };
    cq_free(
        assert_same(f, x.project,
                    &(cq_find_opts){ .include = (cq_include[]){ { .model = x.user,
                                                                  .through_attributes_none = true,
                                                                  .through_attributes = none,
                                                                  .include = user_inc },
                                                                { 0 } },
                                     .order = by_id },
                    1));
    /* four levels: task -> user -> projects -> users -> tasks, with the join rows */
    cq_include users_inc[] = { { .model = x.task }, { 0 } };
    cq_include projects_inc[] = { { .model = x.user, .include = users_inc }, { 0 } };
    cq_include user_inc2[] = { { .model = x.project, .include = projects_inc },
                               { .model = x.profile },
                               { 0 } };
    cq_free(assert_same(
        f, x.task,
        &(cq_find_opts){ .include =
                             (cq_include[]){ { .model = x.user, .include = user_inc2 }, { 0 } },
                         .order = by_id },
        1));
}

/* ---- required below optional includes ------------------------------------------------------- */

static void test_join__required_below_optional(void **state)
{
    fixture *f = *state;
    a2 x;
    a2_setup(f, &x);
    static const char *const uname[] = { "username", NULL };
    static const char *const none[] = { NULL };
    cq_value *p2 = cq_test_json("{\"name\":\"p2\"}");
    cq_value *c2 = cq_test_json("{\"text\":\"c2\"}");
    /* Task -> user (optional) -> projects (required, where p2) */
    cq_free(assert_same(
        f, x.task,
        &(cq_find_opts){
            .include = (cq_include[]){ { .model = x.user,
                                         .attributes = uname,
                                         .include = (cq_include[]){ { .model = x.project,
                                                                      .where = p2,
                                                                      .through_attributes = none },
                                                                    { 0 } } },
                                       { 0 } },
            .order = by_id },
        1));
    /* a required to-many chain */
    cq_free(assert_same(f, x.user,
                        &(cq_find_opts){
                            .attributes = uname,
                            .include =
                                (cq_include[]){
                                    { .model = x.task,
                                      .required = CQ_ON,
                                      .attributes = (const char *const[]){ "title", NULL },
                                      .include = (cq_include[]){ { .model = x.comment,
                                                                   .required = CQ_ON,
                                                                   .attributes =
                                                                       (const char *const[]){
                                                                           "text", NULL } },
                                                                 { 0 } } },
                                    { 0 } },
                            .order = by_id },
                        1));
    /* a required to-many grandchild under an optional to-many include under the root:
     * every user, only tasks having c2 */
    assert_same_as(
        f, x.user,
        &(cq_find_opts){
            .attributes = uname,
            .include =
                (cq_include[]){
                    { .model = x.task,
                      .attributes = (const char *const[]){ "title", NULL },
                      .include =
                          (cq_include[]){ { .model = x.comment,
                                            .where = c2,
                                            .attributes = (const char *const[]){ "text", NULL } },
                                          { 0 } } },
                    { 0 } },
            .order = by_id },
        1,
        "[{\"username\":\"alice\",\"tasks\":[{\"title\":\"t1\",\"comments\":"
        "[{\"text\":\"c2\"}]}]},{\"username\":\"bob\",\"tasks\":[]},"
        "{\"username\":\"carol\",\"tasks\":[]}]");
    /* to-one includes: the same shape */
    cq_free(assert_same(
        f, x.task,
        &(cq_find_opts){ .include =
                             (cq_include[]){ { .model = x.user,
                                               .attributes = uname,
                                               .include = (cq_include[]){ { .model = x.profile,
                                                                            .required = CQ_ON },
                                                                          { 0 } } },
                                             { 0 } },
                         .order = by_id },
        1));
    cq_value_free(p2);
    cq_value_free(c2);
}

/* ---- A3: attributes --------------------------------------------------------------------- */

static void test_join__attributes(void **state)
{
    fixture *f = *state;
    a2 x;
    a2_setup(f, &x);
    static const char *const title[] = { "title", NULL };
    static const char *const uname[] = { "username", NULL };
    static const char *const bio[] = { "bio", NULL };
    cq_free(assert_same(
        f, x.user,
        &(cq_find_opts){ .attributes = uname,
                         .include = (cq_include[]){ { .model = x.task, .attributes = title },
                                                    { .model = x.profile, .attributes = bio },
                                                    { 0 } },
                         .order = by_id },
        1));
    /* the hidden key is still readable */
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(
        f->db,
        cq_model_find_all(&rows, x.user,
                          &(cq_find_opts){ .attributes = uname,
                                           .include = (cq_include[]){ { .model = x.task }, { 0 } },
                                           .order = by_id,
                                           .single_join = true }));
    int64_t id = 0;
    CQ_ASSERT_OK(f->db, cq_instance_get_int(&id, cq_rows_at(rows, 2), "id"));
    assert_int_equal(id, 3);
    cq_rows_free(rows);
    /* exclude the primary key: still read to tell parents apart, not shown */
    cq_free(assert_same(f, x.user,
                        &(cq_find_opts){ .exclude = (const char *const[]){ "id", NULL },
                                         .include = (cq_include[]){ { .model = x.profile }, { 0 } },
                                         .order = (cq_order[]){ { .attr = "username" }, { 0 } } },
                        1));
    CQ_ASSERT_OK(
        f->db,
        cq_model_find_all(&rows, x.user,
                          &(cq_find_opts){ .exclude = (const char *const[]){ "id", NULL },
                                           .include = (cq_include[]){ { .model = x.task }, { 0 } },
                                           .order = (cq_order[]){ { .attr = "username" }, { 0 } },
                                           .single_join = true }));
    char *text = rows_text(rows);
    assert_string_equal(text, "[{\"username\":\"alice\",\"tasks\":[" T1 "," T2 "]},"
                              "{\"username\":\"bob\",\"tasks\":[]},"
                              "{\"username\":\"carol\",\"tasks\":[" T3 "]}]");
    cq_free(text);
    cq_rows_free(rows);
}

/* ---- through options ------------------------------------------------------------------------ */

static void test_join__through_options(void **state)
{
    fixture *f = *state;
    a2 x;
    a2_setup(f, &x);
    static const char *const status[] = { "status", NULL };
    static const char *const none[] = { NULL };
    cq_value *done = cq_test_json("{\"completed\":false}");
    cq_free(
        assert_same(f, x.user,
                    &(cq_find_opts){ .include = (cq_include[]){ { .model = x.project,
                                                                  .through_where = done,
                                                                  .through_attributes = status },
                                                                { 0 } },
                                     .order = by_id },
                    1));
    cq_free(
        assert_same(f, x.project,
                    &(cq_find_opts){ .include = (cq_include[]){ { .model = x.user,
                                                                  .through_attributes_none = true,
                                                                  .through_attributes = none },
                                                                { 0 } },
                                     .order = by_id },
                    1));
    cq_free(assert_same(f, x.project,
                        &(cq_find_opts){ .include = (cq_include[]){ { .model = x.user,
                                                                      .through_where = done,
                                                                      .required = CQ_ON },
                                                                    { 0 } },
                                         .order = by_id },
                        1));
    cq_free(assert_same(f, x.user,
                        &(cq_find_opts){ .include = (cq_include[]){ { .model = x.project }, { 0 } },
                                         .order = by_id },
                        1));
    cq_value_free(done);
}

/* ---- separate includes keep their own query ---------------------------------------------- */

static void test_join__separate(void **state)
{
    fixture *f = *state;
    a2 x;
    a2_setup(f, &x);
    static const char *const uname[] = { "username", NULL };
    static const char *const title[] = { "title", NULL };
    for (int sep = 0; sep < 2; sep++) {
        cq_include comments[] = { { .model = x.comment, .separate = sep }, { 0 } };
        /* tasks separate: the users alone, then tasks with their comments joined into that
         * query (Sequelize's statement), or comments separate too: a third */
        cq_free(assert_same(f, x.user,
                            &(cq_find_opts){ .include = (cq_include[]){ { .model = x.task,
                                                                          .separate = true,
                                                                          .include = comments },
                                                                        { 0 } },
                                             .order = by_id },
                            sep ? 3 : 2));
        /* tasks joined, comments separate: one statement + one */
        cq_free(assert_same(
            f, x.user,
            &(cq_find_opts){ .include =
                                 (cq_include[]){ { .model = x.task, .include = comments }, { 0 } },
                             .order = by_id },
            sep ? 2 : 1));
    }
    cq_free(assert_same(
        f, x.user,
        &(cq_find_opts){
            .include = (cq_include[]){ { .model = x.task, .separate = true, .required = CQ_ON },
                                       { .model = x.project },
                                       { 0 } },
            .order = by_id },
        2));
    cq_free(assert_same(
        f, x.user,
        &(cq_find_opts){
            .attributes = uname,
            .include = (cq_include[]){ { .model = x.task, .separate = true, .attributes = title },
                                       { .model = x.project },
                                       { 0 } },
            .order = by_id },
        2));
}

/* ---- A5: limit counts parents (the subquery) ---------------------------------------------- */

static void test_join__limit_counts_parents(void **state)
{
    fixture *f = *state;
    cq_model *user = define(f->db, "user", "username", CQ_STRING);
    cq_model *task = define(f->db, "task", "title", CQ_STRING);
    CQ_ASSERT_OK(f->db, cq_model_has_many(NULL, user, task, NULL));
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    exec(f->db, "INSERT INTO users (id, username) VALUES (1, 'a'), (2, 'b'), (3, 'c')");
    exec(f->db, "INSERT INTO tasks (title, userId) VALUES ('a1', 1), ('a2', 1), ('a3', 1), "
                "('b1', 2), ('b2', 2), ('b3', 2), ('c1', 3), ('c2', 3), ('c3', 3)");
    static const char *const title[] = { "title", NULL };
    static const char *const uname[] = { "username", NULL };
    cq_include inc[] = { { .model = task, .attributes = title }, { 0 } };
    assert_same_as(
        f, user, &(cq_find_opts){ .attributes = uname, .include = inc, .limit = 2, .order = by_id },
        1,
        "[{\"username\":\"a\",\"tasks\":[{\"title\":\"a1\"},{\"title\":\"a2\"},"
        "{\"title\":\"a3\"}]},{\"username\":\"b\",\"tasks\":[{\"title\":\"b1\"},"
        "{\"title\":\"b2\"},{\"title\":\"b3\"}]}]");
    assert_true(sql_has(f, 0,
                        "FROM (SELECT `user`.`id`, `user`.`username` FROM `users` AS "
                        "`user` ORDER BY `user`.`id` ASC LIMIT 2) AS `user` LEFT OUTER "
                        "JOIN `tasks` AS `tasks`"));
    assert_same_as(
        f, user,
        &(cq_find_opts){
            .attributes = uname, .include = inc, .limit = 2, .offset = 1, .order = by_id },
        1,
        "[{\"username\":\"b\",\"tasks\":[{\"title\":\"b1\"},{\"title\":\"b2\"},"
        "{\"title\":\"b3\"}]},{\"username\":\"c\",\"tasks\":[{\"title\":\"c1\"},"
        "{\"title\":\"c2\"},{\"title\":\"c3\"}]}]");
    /* descending, with a required include filtering inside the subquery */
    cq_value *w = cq_test_json("{\"title\":{\"$like\":\"%3\"}}");
    cq_free(assert_same(
        f, user,
        &(cq_find_opts){ .include = (cq_include[]){ { .model = task, .where = w }, { 0 } },
                         .limit = 2,
                         .order = (cq_order[]){ { .attr = "id", .desc = true }, { 0 } } },
        1));
    /* ordered by the children, limited */
    cq_free(assert_same(
        f, user,
        &(cq_find_opts){
            .include = inc,
            .limit = 2,
            .order = (cq_order[]){ { .as = "tasks", .attr = "title", .desc = true }, { 0 } } },
        1));
    cq_value_free(w);
    assert_same_one(f, user,
                    &(cq_find_opts){ .attributes = uname, .include = inc, .order = by_id });
}

/* ---- A7: order by included attributes --------------------------------------------------- */

static void test_join__order_by_included(void **state)
{
    fixture *f = *state;
    a2 x;
    a2_setup(f, &x);
    static const char *const uname[] = { "username", NULL };
    static const char *const title[] = { "title", NULL };
    cq_include tasks[] = { { .model = x.task, .attributes = title }, { 0 } };
    cq_free(assert_same(
        f, x.user,
        &(cq_find_opts){ .attributes = uname,
                         .include = tasks,
                         .order = (cq_order[]){ { .attr = "id" },
                                                { .as = "tasks", .attr = "title", .desc = true },
                                                { 0 } } },
        1));
    cq_free(assert_same(
        f, x.user,
        &(cq_find_opts){
            .attributes = uname,
            .include = tasks,
            .order = (cq_order[]){ { .as = "tasks", .attr = "title", .desc = true }, { 0 } } },
        1));
    cq_free(assert_same(
        f, x.user,
        &(cq_find_opts){ .attributes = uname,
                         .include = tasks,
                         .order = (cq_order[]){ { .as = "tasks", .attr = "title" }, { 0 } } },
        1));
    cq_free(assert_same(
        f, x.user,
        &(cq_find_opts){
            .attributes = uname,
            .include = (cq_include[]){ { .model = x.task,
                                         .attributes = title,
                                         .required = CQ_ON,
                                         .include = (cq_include[]){ { .model = x.comment,
                                                                      .required = CQ_ON },
                                                                    { 0 } } },
                                       { 0 } },
            .order =
                (cq_order[]){ { .as = "tasks.comments", .attr = "text", .desc = true }, { 0 } } },
        1));
    /* a to-one path below a to-many include: tasks ordered by their user's name */
    cq_free(assert_same(
        f, x.project,
        &(cq_find_opts){
            .include =
                (cq_include[]){ { .model = x.user,
                                  .attributes = uname,
                                  .include = (cq_include[]){ { .model = x.profile }, { 0 } } },
                                { 0 } },
            .order = (cq_order[]){ { .attr = "id" },
                                   { .as = "users.profile", .attr = "bio", .desc = true },
                                   { .as = "users", .attr = "username", .desc = true },
                                   { 0 } } },
        1));
}

/* ---- self associations -------------------------------------------------------------------- */

static void test_join__self_association(void **state)
{
    fixture *f = *state;
    cq_model *person = define(f->db, "person", "name", CQ_STRING);
    cq_assoc *children = NULL, *father = NULL;
    CQ_ASSERT_OK(f->db, cq_model_belongs_to_many(&children, person, person,
                                                 &(cq_assoc_opts){ .as = "Children",
                                                                   .through = "PersonChildren",
                                                                   .timestamps = CQ_OFF }));
    CQ_ASSERT_OK(f->db,
                 cq_model_has_one(&father, person, person, &(cq_assoc_opts){ .as = "Father" }));
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    exec(f->db, "INSERT INTO people (id, name, FatherId) VALUES (1, 'kid', NULL), "
                "(2, 'dad', 1), (3, 'kid2', NULL)");
    exec(f->db, "INSERT INTO PersonChildren (personId, ChildId) VALUES (2, 1), (2, 3)");
    fx_clear_sql(f);
    static const char *const name[] = { "name", NULL };
    static const char *const none[] = { NULL };
    assert_same_as(
        f, person,
        &(cq_find_opts){ .attributes = name,
                         .include =
                             (cq_include[]){ { .association = children,
                                               .attributes = name,
                                               .through_attributes_none = true,
                                               .through_attributes = none,
                                               .include = (cq_include[]){ { .association = father,
                                                                            .attributes = name },
                                                                          { 0 } } },
                                             { .association = father, .attributes = name },
                                             { 0 } },
                         .order = by_id },
        1,
        "[{\"name\":\"kid\",\"Children\":[],\"Father\":{\"name\":\"dad\"}},"
        "{\"name\":\"dad\",\"Children\":[{\"name\":\"kid\",\"Father\":{\"name\":\"dad\"}},"
        "{\"name\":\"kid2\",\"Father\":null}],\"Father\":null},"
        "{\"name\":\"kid2\",\"Children\":[],\"Father\":null}]");
    cq_free(assert_same(
        f, person,
        &(cq_find_opts){
            .attributes = name,
            .include =
                (cq_include[]){ { .model = person,
                                  .as = "Children",
                                  .attributes = name,
                                  .through_attributes = (const char *const[]){ "ChildId", NULL } },
                                { 0 } },
            .order = by_id },
        1));
}

/* ---- shared children and singular duplicates (A4) ------------------------------------------ */

static void test_join__shared_and_singular_duplicates(void **state)
{
    fixture *f = *state;
    a2 x;
    a2_setup(f, &x);
    static const char *const title[] = { "title", NULL };
    static const char *const uname[] = { "username", NULL };
    static const char *const bio[] = { "bio", NULL };
    static const char *const none[] = { NULL };
    static const char *const pname[] = { "name", NULL };
    cq_free(assert_same(
        f, x.task,
        &(cq_find_opts){ .attributes = title,
                         .include =
                             (cq_include[]){ { .model = x.user,
                                               .attributes = uname,
                                               .include = (cq_include[]){ { .model = x.task,
                                                                            .attributes = title },
                                                                          { 0 } } },
                                             { 0 } },
                         .order = by_id },
        1));
    cq_free(assert_same(
        f, x.user,
        &(cq_find_opts){ .attributes = uname,
                         .include = (cq_include[]){ { .model = x.project,
                                                      .attributes = pname,
                                                      .through_attributes =
                                                          (const char *const[]){ "status", NULL } },
                                                    { 0 } },
                         .order = by_id },
        1));
    /* a second profile for alice: with a to-many include, the last row wins */
    exec(f->db, "INSERT INTO profiles (id, bio, userId) VALUES (2, 'likes coffee', 1)");
    assert_same_as(
        f, x.user,
        &(cq_find_opts){
            .attributes = uname,
            .include = (cq_include[]){ { .model = x.profile, .attributes = bio },
                                       { .model = x.task, .attributes = title },
                                       { 0 } },
            .order = (cq_order[]){ { .attr = "id" }, { .as = "profile", .attr = "id" }, { 0 } } },
        1,
        "[{\"username\":\"alice\",\"profile\":{\"bio\":\"likes coffee\"},\"tasks\":"
        "[{\"title\":\"t1\"},{\"title\":\"t2\"}]},{\"username\":\"bob\",\"profile\":null,"
        "\"tasks\":[]},{\"username\":\"carol\",\"profile\":null,\"tasks\":[{\"title\":\"t3\"}]}]");
    /* without a to-many include: one object per row (the shapes coincide) */
    cq_free(assert_same(
        f, x.user,
        &(cq_find_opts){
            .attributes = uname,
            .include = (cq_include[]){ { .model = x.profile, .attributes = bio }, { 0 } },
            .order = (cq_order[]){ { .attr = "id" }, { .as = "profile", .attr = "id" }, { 0 } } },
        1));
    cq_free(assert_same(
        f, x.user,
        &(cq_find_opts){
            .attributes = uname,
            .include =
                (cq_include[]){ { .model = x.project,
                                  .attributes = pname,
                                  .through_attributes_none = true,
                                  .through_attributes = none,
                                  .include = (cq_include[]){ { .model = x.user,
                                                               .attributes = uname,
                                                               .through_attributes_none = true,
                                                               .through_attributes = none },
                                                             { 0 } } },
                                { 0 } },
            .order = by_id },
        1));
}

/* ---- accessors and count keep working with the flag ---------------------------------------- */

static void test_join__accessor_and_count(void **state)
{
    fixture *f = *state;
    a2 x;
    a2_setup(f, &x);
    cq_instance *alice = NULL;
    cq_value *pk = cq_value_int(1);
    CQ_ASSERT_OK(f->db,
                 cq_model_find_by_pk(
                     &alice, x.user, pk,
                     &(cq_find_opts){ .include = (cq_include[]){ { .model = x.task }, { 0 } },
                                      .single_join = true }));
    cq_value_free(pk);
    char *text = NULL;
    CQ_ASSERT_OK(f->db, cq_instance_to_json(&text, alice, CQ_JSON_COMPACT));
    assert_string_equal(text, "{" ALICE ",\"tasks\":[" T1 "," T2 "]}");
    cq_free(text);
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(f->db, cq_assoc_get(&rows, alice, x.user_tasks,
                                     &(cq_find_opts){
                                         .include = (cq_include[]){ { .model = x.comment }, { 0 } },
                                         .order = by_id,
                                         .single_join = true }));
    text = rows_text(rows);
    assert_string_equal(text, "[{\"id\":1,\"title\":\"t1\",\"userId\":1,\"comments\":[" C1 "," C2
                              "]},{\"id\":2,\"title\":\"t2\",\"userId\":1,\"comments\":[]}]");
    cq_free(text);
    cq_rows_free(rows);
    cq_instance_free(alice);
    int64_t n = 0;
    CQ_ASSERT_OK(f->db,
                 cq_model_count(&n, x.user,
                                &(cq_find_opts){ .include = (cq_include[]){ { .model = x.task },
                                                                            { .model = x.project },
                                                                            { 0 } },
                                                 .single_join = true }));
    assert_int_equal(n, 3);
}

/* ---- one statement for three nested to-many levels ------------------------------------------ */

static void test_join__one_statement_three_levels(void **state)
{
    fixture *f = *state;
    a2 x;
    a2_setup(f, &x);
    /* project -> users (BTM) -> tasks (hasMany) -> comments (hasMany), plus a to-one */
    cq_include task_inc[] = { { .model = x.comment }, { 0 } };
    cq_include user_inc[] = { { .model = x.task, .include = task_inc },
                              { .model = x.profile },
                              { 0 } };
    char *text = assert_same(
        f, x.project,
        &(cq_find_opts){ .include =
                             (cq_include[]){ { .model = x.user, .include = user_inc }, { 0 } },
                         .order = by_id },
        1);
    assert_non_null(strstr(text, "\"comments\":[" C1 "," C2 "]"));
    cq_free(text);
    assert_false(sql_has(f, 0, " IN ("));
    assert_true(sql_has(f, 0,
                        "LEFT OUTER JOIN `comments` AS `users->tasks->comments` ON "
                        "`users->tasks`.`id` = `users->tasks->comments`.`taskId`"));
}

/* ---- 100 parents x 3 children x 2 tags ------------------------------------------------------ */

/* No order asked for, integer keys: the statement has no ORDER BY (as Sequelize sends it) and
 * the tree is ordered by primary key in memory, the order the ORDER BY gave. Keys declared
 * BIGINT PRIMARY KEY are not SQLite's rowid, so the rows come in insertion order (3, 1, 2),
 * not in key order; a
 * singular include read on two rows keeps the one with the greater key, as under the ORDER
 * BY, although the smaller comes last. */
static void test_join__unordered_rows_sorted_by_key(void **state)
{
    fixture *f = *state;
    const cq_attr owner_attrs[] = { { .name = "id", .type = CQ_BIGINT, .primary_key = true },
                                    { .name = "name", .type = CQ_STRING },
                                    { 0 } };
    cq_model *owner = NULL, *item = NULL, *card = NULL;
    CQ_ASSERT_OK(f->db, cq_db_define(&owner, f->db, "owner", owner_attrs, &no_ts));
    CQ_ASSERT_OK(f->db, cq_db_define(&item, f->db, "item", owner_attrs, &no_ts));
    CQ_ASSERT_OK(f->db, cq_db_define(&card, f->db, "card", owner_attrs, &no_ts));
    CQ_ASSERT_OK(f->db, cq_model_has_many(NULL, owner, item, NULL));
    CQ_ASSERT_OK(f->db, cq_model_has_one(NULL, owner, card, NULL));
    /* tables of our own: sync makes an integer key SQLite's rowid, read in key order */
    exec(f->db, "CREATE TABLE owners (id BIGINT PRIMARY KEY, name VARCHAR(255))");
    exec(f->db, "CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(255), ownerId BIGINT)");
    exec(f->db, "CREATE TABLE cards (id BIGINT PRIMARY KEY, name VARCHAR(255), ownerId BIGINT)");
    exec(f->db, "INSERT INTO owners (id, name) VALUES (3, 'c'), (1, 'a'), (2, 'b')");
    exec(f->db, "INSERT INTO items (id, name, ownerId) VALUES (30, 'i30', 1), (10, 'i10', 1), "
                "(40, 'i40', 3), (20, 'i20', 1)");
    exec(f->db, "INSERT INTO cards (id, name, ownerId) VALUES (7, 'c7', 1), (5, 'c5', 1)");
    /* the rows as the database hands them over unordered: not in key order */
    assert_int_equal(cq_test_scalar_int(f->db, "SELECT name = 'c' FROM owners LIMIT 1"), 1);
    cq_include inc[] = { { .model = item }, { .model = card }, { 0 } };
    fx_clear_sql(f);
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(f->db, cq_model_find_all(&rows, owner,
                                          &(cq_find_opts){ .include = inc, .single_join = true }));
    fx_assert_count(f, 1);
    assert_null(strstr(f->sql[0], "ORDER BY"));
    char *got = rows_text(rows);
    assert_string_equal(
        got, "[{\"id\":1,\"name\":\"a\",\"items\":[{\"id\":10,\"name\":\"i10\",\"ownerId\":1},"
             "{\"id\":20,\"name\":\"i20\",\"ownerId\":1},{\"id\":30,\"name\":\"i30\",\"ownerId\":"
             "1}],\"card\":{\"id\":7,\"name\":\"c7\",\"ownerId\":1}},{\"id\":2,\"name\":\"b\","
             "\"items\":[],\"card\":null},{\"id\":3,\"name\":\"c\",\"items\":[{\"id\":40,\"name\":"
             "\"i40\",\"ownerId\":3}],\"card\":null}]");
    cq_free(got);
    cq_rows_free(rows);
    /* a statement per to-many include: the items' statement has no ORDER BY either (as
     * Sequelize sends it), and each owner's items are sorted by key all the same */
    fx_clear_sql(f);
    rows = NULL;
    CQ_ASSERT_OK(f->db, cq_model_find_all(&rows, owner, &(cq_find_opts){ .include = inc }));
    fx_assert_count(f, 2);
    assert_null(strstr(f->sql[1], "ORDER BY"));
    assert_int_equal(cq_rows_count(rows), 3);
    for (size_t i = 0; i < cq_rows_count(rows); i++) {
        const cq_instance *o = cq_rows_at(rows, i);
        const cq_rows *items = NULL;
        CQ_ASSERT_OK(f->db, cq_instance_included(NULL, NULL, &items, o, "items"));
        int64_t id = cq_value_as_int(cq_instance_get(o, "id"));
        assert_int_equal(cq_rows_count(items), id == 1 ? 3 : id == 3 ? 1 : 0);
        for (size_t k = 0; k < cq_rows_count(items); k++)
            assert_int_equal(cq_value_as_int(cq_instance_get(cq_rows_at(items, k), "id")),
                             id == 1 ? 10 * ((int64_t)k + 1) : 40);
    }
    cq_rows_free(rows);
    /* an order asked for keeps the ORDER BY, primary keys after it */
    fx_clear_sql(f);
    rows = NULL;
    CQ_ASSERT_OK(
        f->db, cq_model_find_all(&rows, owner,
                                 &(cq_find_opts){ .include = inc,
                                                  .single_join = true,
                                                  .order = (cq_order[]){
                                                      { .attr = "name", .desc = true }, { 0 } } }));
    assert_non_null(strstr(f->sql[0], "ORDER BY"));
    assert_int_equal(cq_rows_count(rows), 3);
    assert_int_equal(cq_value_as_int(cq_instance_get(cq_rows_at(rows, 0), "id")), 3);
    cq_rows_free(rows);
}

/* Users with tasks (hasMany) and a second model `side` under them (hasOne, or hasMany when
 * side_many), tasks with tags through taskTags; synced. */
typedef struct user_tasks {
    cq_model *user, *task, *tag, *side;
} user_tasks;

static user_tasks define_user_tasks(fixture *f, const char *side, const char *side_attr,
                                    bool side_many)
{
    user_tasks u = { .user = define(f->db, "user", "username", CQ_STRING),
                     .task = define(f->db, "task", "title", CQ_STRING),
                     .tag = define(f->db, "tag", "label", CQ_STRING),
                     .side = define(f->db, side, side_attr, CQ_STRING) };
    cq_model *tt = NULL;
    CQ_ASSERT_OK(f->db, cq_db_define(&tt, f->db, "taskTags", NULL, &no_ts));
    CQ_ASSERT_OK(f->db, cq_model_has_many(NULL, u.user, u.task, NULL));
    CQ_ASSERT_OK(f->db, side_many ? cq_model_has_many(NULL, u.user, u.side, NULL)
                                  : cq_model_has_one(NULL, u.user, u.side, NULL));
    CQ_ASSERT_OK(f->db, cq_model_belongs_to_many(NULL, u.task, u.tag,
                                                 &(cq_assoc_opts){ .through_model = tt }));
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    return u;
}

static void test_join__large_cross_product(void **state)
{
    fixture *f = *state;
    user_tasks m = define_user_tasks(f, "profile", "bio", false);
    cq_model *user = m.user, *task = m.task, *tag = m.tag, *profile = m.side;
    exec(f->db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) "
                "INSERT INTO users (id, username) SELECT i, 'u' || i FROM n");
    exec(f->db, "INSERT INTO tasks (title, userId) SELECT 't' || k || '-' || id, id FROM users, "
                "(SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3)");
    exec(f->db, "INSERT INTO tags (id, label) VALUES (1, 'red'), (2, 'green'), (3, 'blue')");
    /* each task two tags: (id mod 3) + 1 and ((id + 1) mod 3) + 1 */
    exec(f->db, "INSERT INTO taskTags (taskId, tagId) SELECT id, (id % 3) + 1 FROM tasks "
                "UNION ALL SELECT id, ((id + 1) % 3) + 1 FROM tasks");
    exec(f->db, "INSERT INTO profiles (bio, userId) SELECT 'b' || id, id FROM users");
    fx_clear_sql(f);
    cq_include task_inc[] = { { .model = tag }, { 0 } };
    cq_find_opts o = { .include = (cq_include[]){ { .model = task, .include = task_inc },
                                                  { .model = profile },
                                                  { 0 } },
                       .order = by_id };
    cq_free(assert_same(f, user, &o, 1));
    o.single_join = true;
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(f->db, cq_model_find_all(&rows, user, &o));
    assert_int_equal(cq_rows_count(rows), 100);
    cq_value *v = NULL;
    CQ_ASSERT_OK(f->db, cq_rows_to_value(&v, rows));
    size_t tasks = 0, tags = 0;
    for (size_t i = 0; i < cq_value_size(v); i++) {
        const cq_value *u = cq_value_array_get(v, i);
        assert_int_equal(cq_value_as_int(cq_value_object_get(u, "id")), (int64_t)i + 1);
        const cq_value *ts = cq_value_object_get(u, "tasks");
        assert_int_equal(cq_value_size(ts), 3);
        for (size_t k = 0; k < cq_value_size(ts); k++) {
            const cq_value *t = cq_value_array_get(ts, k);
            assert_int_equal(cq_value_as_int(cq_value_object_get(t, "userId")), (int64_t)i + 1);
            const cq_value *tg = cq_value_object_get(t, "tags");
            assert_int_equal(cq_value_size(tg), 2);
            assert_true(cq_value_as_int(cq_value_object_get(cq_value_array_get(tg, 0), "id")) <
                        cq_value_as_int(cq_value_object_get(cq_value_array_get(tg, 1), "id")));
            tags += cq_value_size(tg);
        }
        tasks += cq_value_size(ts);
    }
    assert_int_equal(tasks, 300);
    assert_int_equal(tags, 600);
    cq_value_free(v);
    cq_rows_free(rows);
    /* limited: parents 11..20, every child */
    o.limit = 10;
    o.offset = 10;
    cq_free(assert_same(f, user, &o, 1));
    CQ_ASSERT_OK(f->db, cq_model_find_all(&rows, user, &o));
    assert_int_equal(cq_rows_count(rows), 10);
    CQ_ASSERT_OK(f->db, cq_rows_to_value(&v, rows));
    assert_int_equal(cq_value_as_int(cq_value_object_get(cq_value_array_get(v, 0), "id")), 11);
    assert_int_equal(cq_value_size(cq_value_object_get(cq_value_array_get(v, 9), "tasks")), 3);
    cq_value_free(v);
    cq_rows_free(rows);
    /* tasks separate: their query joins their tags (Sequelize's statement), two statements
     * in all, the same tree as the default strategy's three */
    cq_find_opts s = { .include =
                           (cq_include[]){ { .model = task, .separate = true, .include = task_inc },
                                           { .model = profile },
                                           { 0 } },
                       .order = by_id };
    char *sep = assert_same(f, user, &s, 2);
    assert_true(sql_has(f, 1, "FROM `tasks` AS `task` LEFT OUTER JOIN (`taskTags`"));
    assert_true(sql_has(f, 1, "WHERE `task`.`userId` IN (?"));
    /* and the same tree as every include joined */
    o.limit = o.offset = 0;
    o.single_join = true;
    CQ_ASSERT_OK(f->db, cq_model_find_all(&rows, user, &o));
    char *joined = rows_text(rows);
    cq_rows_free(rows);
    assert_string_equal(sep, joined);
    cq_free(joined);
    cq_free(sep);
}

/* Children are matched with their parent's children one by one while a parent has few of
 * them, and through the reader's map once a list grows longer: lists on both sides of that
 * length (16), a belongsToMany list of 25 under each of 40 children, and a to-many include
 * joined before them whose rows repeat every child again, not next to its first rows; the tree
 * equals the one the separate queries build, with and without an order (unordered rows are sorted
 * by key). */
static void test_join__long_child_lists(void **state)
{
    fixture *f = *state;
    user_tasks m = define_user_tasks(f, "note", "text", true);
    cq_model *user = m.user, *task = m.task, *tag = m.tag, *note = m.side;
    exec(f->db, "INSERT INTO users (id, username) VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd')");
    /* user 1: 40 tasks, user 2: 17, user 3: 16, user 4: none; ids interleaved between users */
    exec(f->db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 73) "
                "INSERT INTO tasks (id, title, userId) SELECT i, 't' || i, CASE WHEN i % 3 = 0 "
                "AND i <= 51 THEN 2 WHEN i % 3 = 1 AND i <= 48 THEN 3 ELSE 1 END FROM n");
    exec(f->db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30) "
                "INSERT INTO tags (id, label) SELECT i, 'g' || i FROM n");
    /* user 1's tasks: 25 tags each, the others' 3 */
    exec(f->db, "INSERT INTO taskTags (taskId, tagId) SELECT tasks.id, tags.id FROM tasks, tags "
                "WHERE (tasks.userId = 1 AND tags.id <= 25) OR (tasks.userId <> 1 AND tags.id "
                "<= 3)");
    exec(f->db, "INSERT INTO notes (text, userId) SELECT 'n' || id, id FROM users WHERE id < 4 "
                "UNION ALL SELECT 'm' || id, id FROM users WHERE id < 4");
    assert_int_equal(cq_test_scalar_int(f->db, "SELECT COUNT(*) FROM tasks WHERE userId = 1"), 40);
    assert_int_equal(cq_test_scalar_int(f->db, "SELECT COUNT(*) FROM tasks WHERE userId = 2"), 17);
    assert_int_equal(cq_test_scalar_int(f->db, "SELECT COUNT(*) FROM tasks WHERE userId = 3"), 16);
    cq_include task_inc[] = { { .model = tag }, { 0 } };
    /* notes first: the rows of each note repeat all the tasks, away from their first rows */
    cq_find_opts o = { .include = (cq_include[]){
                           { .model = note }, { .model = task, .include = task_inc }, { 0 } } };
    for (int ordered = 0; ordered < 2; ordered++) {
        o.order = ordered ? by_id : NULL;
        cq_free(assert_same(f, user, &o, 1));
        o.single_join = true;
        cq_rows *rows = NULL;
        CQ_ASSERT_OK(f->db, cq_model_find_all(&rows, user, &o));
        o.single_join = false;
        assert_int_equal(cq_rows_count(rows), 4);
        cq_value *v = NULL;
        CQ_ASSERT_OK(f->db, cq_rows_to_value(&v, rows));
        const size_t want_tasks[] = { 40, 17, 16, 0 }, want_notes[] = { 2, 2, 2, 0 };
        size_t links = 0;
        for (size_t i = 0; i < 4; i++) {
            const cq_value *u = cq_value_array_get(v, i);
            assert_int_equal(cq_value_as_int(cq_value_object_get(u, "id")), (int64_t)i + 1);
            const cq_value *ts = cq_value_object_get(u, "tasks");
            assert_int_equal(cq_value_size(ts), want_tasks[i]);
            assert_int_equal(cq_value_size(cq_value_object_get(u, "notes")), want_notes[i]);
            int64_t prev = 0;
            for (size_t k = 0; k < cq_value_size(ts); k++) {
                const cq_value *t = cq_value_array_get(ts, k);
                int64_t id = cq_value_as_int(cq_value_object_get(t, "id"));
                assert_true(id > prev); /* each once, in key order */
                prev = id;
                const cq_value *tg = cq_value_object_get(t, "tags");
                assert_int_equal(cq_value_size(tg), i == 0 ? 25 : 3);
                for (size_t g = 1; g < cq_value_size(tg); g++)
                    assert_true(
                        cq_value_as_int(cq_value_object_get(cq_value_array_get(tg, g - 1), "id")) <
                        cq_value_as_int(cq_value_object_get(cq_value_array_get(tg, g), "id")));
                links += cq_value_size(tg);
            }
        }
        assert_int_equal(links, 40 * 25 + 33 * 3);
        cq_value_free(v);
        cq_rows_free(rows);
    }
}

/* A2: `$tasks.title$` in the top-level where filters the joined rows, as in Sequelize: only
 * parents with a matching child, each with only its matching children, with or without
 * single_join; with a limit the parent subquery cannot see the to-many include, which is a
 * clear error (v6 sends SQL that fails: "no such column"). */
static void test_join__where_on_included_attribute(void **state)
{
    fixture *f = *state;
    cq_model *user = define(f->db, "user", "username", CQ_STRING);
    cq_model *task = define(f->db, "task", "title", CQ_STRING);
    CQ_ASSERT_OK(f->db, cq_model_has_many(NULL, user, task, NULL));
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    exec(f->db, "INSERT INTO users (id, username) VALUES (1, 'a'), (2, 'b'), (3, 'c')");
    exec(f->db, "INSERT INTO tasks (title, userId) VALUES ('x1', 1), ('y1', 1), ('x2', 2), "
                "('y3', 3)");
    cq_value *w = cq_test_json("{\"$or\":[{\"$tasks.title$\":{\"$like\":\"x%\"}},"
                               "{\"username\":\"c\"}]}");
    cq_include inc[] = { { .model = task }, { 0 } };
    cq_rows *rows = NULL;
    fx_clear_sql(f);
    CQ_ASSERT_OK(f->db, cq_model_find_all(
                            &rows, user,
                            &(cq_find_opts){
                                .where = w, .include = inc, .order = by_id, .single_join = true }));
    fx_assert_count(f, 1);
    assert_true(sql_has(f, 0, "WHERE (`tasks`.`title` LIKE ? OR `user`.`username` = ?)"));
    char *text = rows_text(rows);
    assert_string_equal(text, "[{\"id\":1,\"username\":\"a\",\"tasks\":[{\"id\":1,\"title\":\"x1\","
                              "\"userId\":1}]},{\"id\":2,\"username\":\"b\",\"tasks\":[{\"id\":3,"
                              "\"title\":\"x2\",\"userId\":2}]},{\"id\":3,\"username\":\"c\","
                              "\"tasks\":[{\"id\":4,\"title\":\"y3\",\"userId\":3}]}]");
    cq_rows_free(rows);
    rows = NULL;
    /* without single_join the named to-many include is joined all the same (Sequelize's
     * shape for it): the same statement and rows */
    fx_clear_sql(f);
    CQ_ASSERT_OK(f->db,
                 cq_model_find_all(&rows, user,
                                   &(cq_find_opts){ .where = w, .include = inc, .order = by_id }));
    fx_assert_count(f, 1);
    assert_true(sql_has(f, 0, "WHERE (`tasks`.`title` LIKE ? OR `user`.`username` = ?)"));
    char *text2 = rows_text(rows);
    assert_string_equal(text2, text);
    cq_free(text2);
    cq_free(text);
    cq_rows_free(rows);
    rows = NULL;
    /* a limit: the parents' own query cannot see the to-many include (v6 sends SQL that
     * fails); nothing is sent */
    fx_clear_sql(f);
    int rc = cq_model_find_all(
        &rows, user,
        &(cq_find_opts){ .where = w, .include = inc, .limit = 1, .single_join = true });
    assert_int_equal(rc, CQ_ENOTSUPPORTED);
    assert_null(rows);
    assert_string_equal(cq_db_error(f->db)->message,
                        "where: \"$tasks.title$\": include \"tasks\" is to-many and the find has "
                        "a limit or offset: the parents are limited in a query of their own, which "
                        "cannot see that include's rows (Sequelize 6 sends SQL that fails there); "
                        "drop limit/offset, or filter with the include's own where");
    rc = cq_model_find_all(&rows, user, &(cq_find_opts){ .where = w, .include = inc, .offset = 1 });
    assert_int_equal(rc, CQ_ENOTSUPPORTED);
    assert_null(rows);
    fx_assert_count(f, 0);
    cq_value_free(w);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(test_join__##name, fx_setup, fx_teardown)
    const struct CMUnitTest tests[] = {
        T(a2_observed_results),
        T(forms),
        T(side_by_side),
        T(nested_all_types),
        T(required_below_optional),
        T(attributes),
        T(through_options),
        T(separate),
        T(limit_counts_parents),
        T(order_by_included),
        T(self_association),
        T(shared_and_singular_duplicates),
        T(accessor_and_count),
        T(one_statement_three_levels),
        T(large_cross_product),
        T(unordered_rows_sorted_by_key),
        T(long_child_lists),
        T(where_on_included_attribute),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
