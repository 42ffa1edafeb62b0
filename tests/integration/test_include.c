/* Integration tests for eager loading (spec/include.md part A, part C; DEVIATIONS D14): the
 * spec's fixture and observed results compared as toJSON, include forms, nesting, required /
 * where / attributes / through options, limit, order, self associations, accessors with
 * include, count, the error texts, and the number of statements a find issues. */
#define _POSIX_C_SOURCE 200809L
#include "include_cases.h"
#include "many_parents.h"

#include <stdlib.h>
#include <string.h>

/* ---- helpers -------------------------------------------------------------------------------- */

static void assert_value(const cq_value *got, const char *expected_json)
{
    cq_test_assert_json_sorted(got, expected_json);
}

static void assert_rows_json(const cq_rows *rows, const char *expected_json)
{
    cq_value *v = NULL;
    assert_int_equal(cq_rows_to_value(&v, rows), CQ_OK);
    assert_value(v, expected_json);
    cq_value_free(v);
}

/* findAll + toJSON comparison. */
static void assert_find(cq_db *db, cq_model *m, const cq_find_opts *o, const char *expected_json)
{
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(db, cq_model_find_all(&rows, m, o));
    assert_rows_json(rows, expected_json);
    cq_rows_free(rows);
}

/* findAll must fail with `code` and exactly `message`. */
static void assert_find_err(cq_db *db, cq_model *m, const cq_find_opts *o, int code,
                            const char *message)
{
    cq_rows *rows = NULL;
    CQ_ASSERT_ERR(db, code, cq_model_find_all(&rows, m, o));
    assert_null(rows);
    assert_string_equal(cq_db_error(db)->message, message);
}

/* ---- A2: every row of the "Observed results" table ---------------------------------------- */

static void test_include__a2_observed_results(void **state)
{
    fixture *f = *state;
    a2 x;
    a2_setup(f, &x);
    cq_value *t1 = cq_test_json("{\"title\":\"t1\"}");
    cq_value *c1 = cq_test_json("{\"text\":\"c1\"}");
    cq_value *completed = cq_test_json("{\"completed\":true}");
    cq_value *p1 = cq_test_json("{\"name\":\"p1\"}");
    static const char *const status[] = { "status", NULL };

    /* User.findAll({include: Task}) */
    assert_find(
        f->db, x.user,
        &(cq_find_opts){ .include = (cq_include[]){ { .model = x.task }, { 0 } }, .order = by_id },
        "[{" ALICE ",\"tasks\":[" T1 "," T2 "]},{" BOB ",\"tasks\":[]},{" CAROL ",\"tasks\":[" T3
        "]}]");
    /* required: true */
    assert_find(
        f->db, x.user,
        &(cq_find_opts){ .include = (cq_include[]){ { .model = x.task, .required = CQ_ON }, { 0 } },
                         .order = by_id },
        "[{" ALICE ",\"tasks\":[" T1 "," T2 "]},{" CAROL ",\"tasks\":[" T3 "]}]");
    /* where: {title: 't1'} (required by default) */
    assert_find(
        f->db, x.user,
        &(cq_find_opts){ .include = (cq_include[]){ { .model = x.task, .where = t1 }, { 0 } },
                         .order = by_id },
        "[{" ALICE ",\"tasks\":[" T1 "]}]");
    /* same + required: false */
    assert_find(f->db, x.user,
                &(cq_find_opts){
                    .include = (cq_include[]){ { .model = x.task, .where = t1, .required = CQ_OFF },
                                               { 0 } },
                    .order = by_id },
                "[{" ALICE ",\"tasks\":[" T1 "]},{" BOB ",\"tasks\":[]},{" CAROL ",\"tasks\":[]}]");
    /* include: Profile */
    assert_find(f->db, x.user,
                &(cq_find_opts){ .include = (cq_include[]){ { .model = x.profile }, { 0 } },
                                 .order = by_id },
                "[{" ALICE ",\"profile\":" PROFILE "},{" BOB ",\"profile\":null},{" CAROL
                ",\"profile\":null}]");
    /* Task.findAll({include: User}) */
    assert_find(
        f->db, x.task,
        &(cq_find_opts){ .include = (cq_include[]){ { .model = x.user }, { 0 } }, .order = by_id },
        "[{\"id\":1,\"title\":\"t1\",\"userId\":1,\"user\":{" ALICE "}},"
        "{\"id\":2,\"title\":\"t2\",\"userId\":1,\"user\":{" ALICE "}},"
        "{\"id\":3,\"title\":\"t3\",\"userId\":3,\"user\":{" CAROL "}}]");
    /* a required grandchild under an optional include: every user, tasks filtered */
    assert_find(
        f->db, x.user,
        &(cq_find_opts){
            .include =
                (cq_include[]){
                    { .model = x.task,
                      .include = (cq_include[]){ { .model = x.comment, .where = c1 }, { 0 } } },
                    { 0 } },
            .order = by_id },
        "[{" ALICE ",\"tasks\":[{\"id\":1,\"title\":\"t1\",\"userId\":1,\"comments\":[" C1
        "]}]},{" BOB ",\"tasks\":[]},{" CAROL ",\"tasks\":[]}]");
    /* the seed form: through: {attributes: ['status'], where: {completed: true}} */
    assert_find(f->db, x.user,
                &(cq_find_opts){ .include = (cq_include[]){ { .model = x.project,
                                                              .through_attributes = status,
                                                              .through_where = completed },
                                                            { 0 } },
                                 .order = by_id },
                "[{" ALICE ",\"projects\":[{\"id\":1,\"name\":\"p1\",\"userProjects\":"
                "{\"status\":\"active\"}}]},{" BOB ",\"projects\":[]},{" CAROL
                ",\"projects\":[]}]");
    /* where on a belongsToMany target: INNER; alice and carol, each [p1] */
    assert_find(
        f->db, x.user,
        &(cq_find_opts){ .include = (cq_include[]){ { .model = x.project, .where = p1 }, { 0 } },
                         .order = by_id },
        "[{" ALICE ",\"projects\":[{\"id\":1,\"name\":\"p1\"," UP(
            1, 1, "active", true) "}]},{" CAROL
                                  ",\"projects\":[{\"id\":1,\"name\":\"p1\"," UP(3, 1, "new",
                                                                                 false) "}]}]");
    cq_value_free(t1);
    cq_value_free(c1);
    cq_value_free(completed);
    cq_value_free(p1);
}

/* ---- A1: include forms -------------------------------------------------------------------- */

static void test_include__forms_resolve_the_same_association(void **state)
{
    fixture *f = *state;
    a2 x;
    a2_setup(f, &x);
    const char *want = "[{" ALICE ",\"tasks\":[" T1 "," T2 "]},{" BOB ",\"tasks\":[]},{" CAROL
                       ",\"tasks\":[" T3 "]}]";
    const cq_include forms[][2] = {
        { { .model = x.task }, { 0 } },                            /* model */
        { { .model = x.task, .as = "tasks" }, { 0 } },             /* model + default alias */
        { { .association = x.user_tasks }, { 0 } },                /* association handle */
        { { .association = x.user_tasks, .as = "tasks" }, { 0 } }, /* {association, as} */
        { { .as = "tasks" }, { 0 } },                              /* alias string */
    };
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
        assert_find(f->db, x.user, &(cq_find_opts){ .include = forms[i], .order = by_id }, want);
    /* the same include listed twice is merged */
    assert_find(
        f->db, x.user,
        &(cq_find_opts){ .include = (cq_include[]){ { .model = x.task }, { .as = "tasks" }, { 0 } },
                         .order = by_id },
        want);
    /* all: true = every association of the model (tasks, profile, projects) */
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(f->db, cq_model_find_all(
                            &rows, x.user,
                            &(cq_find_opts){ .include = (cq_include[]){ { .all = true }, { 0 } },
                                             .where = NULL,
                                             .order = by_id }));
    assert_int_equal(cq_rows_count(rows), 3);
    cq_value *v = NULL;
    CQ_ASSERT_OK(f->db, cq_instance_to_value(&v, cq_rows_at(rows, 1)));
    assert_value(v, "{" BOB ",\"tasks\":[],\"profile\":null,\"projects\":[]}");
    cq_value_free(v);
    CQ_ASSERT_OK(f->db, cq_instance_to_value(&v, cq_rows_at(rows, 0)));
    assert_value(
        v, "{" ALICE ",\"tasks\":[" T1 "," T2 "],\"profile\":" PROFILE
           ",\"projects\":[{\"id\":1,\"name\":\"p1\"," UP(
               1, 1, "active", true) "},{\"id\":2,\"name\":\"p2\"," UP(1, 2, "done", false) "}]}");
    cq_value_free(v);
    cq_rows_free(rows);
}

/* Several includes side by side: to-many includes do not multiply each other. */
static void test_include__side_by_side(void **state)
{
    fixture *f = *state;
    a2 x;
    a2_setup(f, &x);
    assert_find(f->db, x.user,
                &(cq_find_opts){ .include = (cq_include[]){ { .model = x.task },
                                                            { .model = x.profile },
                                                            { .model = x.project },
                                                            { 0 } },
                                 .order = by_id },
                "[{" ALICE ",\"tasks\":[" T1 "," T2 "],\"profile\":" PROFILE
                ",\"projects\":[{\"id\":1,\"name\":\"p1\"," UP(
                    1, 1, "active",
                    true) "},{\"id\":2,\"name\":\"p2\"," UP(1, 2, "done",
                                                            false) "}]},"
                                                                   "{" BOB
                                                                   ",\"tasks\":[],\"profile\":null,"
                                                                   "\"projects\":[]},"
                                                                   "{" CAROL ",\"tasks\":[" T3
                                                                   "],\"profile\":null,"
                                                                   "\"projects\":[{\"id\":1,"
                                                                   "\"name\":\"p1\"," UP(
                                                                       3, 1, "new", false) "}]}]");
    /* one statement for the users (profile joined) + one per to-many include */
    fx_assert_sql(f, 3, NULL);
}

/* Three levels mixing the four association types:
 * Project -BTM-> users -hasOne-> profile, -hasMany-> tasks -hasMany-> comments,
 *                                                          -belongsTo-> user */
static void test_include__nested_three_levels_all_types(void **state)
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
    assert_find(f->db, x.project,
                &(cq_find_opts){ .include = (cq_include[]){ { .model = x.user,
                                                              .through_attributes_none = true,
                                                              .through_attributes = none,
                                                              .include = user_inc },
                                                            { 0 } },
                                 .order = by_id },
                "[{\"id\":1,\"name\":\"p1\",\"users\":["
                "{" ALICE ",\"profile\":" PROFILE ",\"tasks\":["
                "{\"id\":1,\"title\":\"t1\",\"userId\":1,\"comments\":[" C1 "," C2 "],"
                "\"user\":{\"username\":\"alice\"}},"
                "{\"id\":2,\"title\":\"t2\",\"userId\":1,\"comments\":[],"
                "\"user\":{\"username\":\"alice\"}}]},"
                "{" CAROL ",\"profile\":null,\"tasks\":[{\"id\":3,\"title\":\"t3\",\"userId\":3,"
                "\"comments\":[],\"user\":{\"username\":\"carol\"}}]}]},"
                "{\"id\":2,\"name\":\"p2\",\"users\":[{" ALICE ",\"profile\":" PROFILE
                ",\"tasks\":[{\"id\":1,\"title\":\"t1\",\"userId\":1,\"comments\":[" C1 "," C2
                "],\"user\":{\"username\":\"alice\"}},"
                "{\"id\":2,\"title\":\"t2\",\"userId\":1,\"comments\":[],"
                "\"user\":{\"username\":\"alice\"}}]}]}]");
    /* projects; users (+profile); tasks (+user); comments */
    fx_assert_sql(f, 4, NULL);
}

/* A required include below an optional to-one include drops only that include. */
static void test_include__required_below_optional_to_one(void **state)
{
    fixture *f = *state;
    a2 x;
    a2_setup(f, &x);
    static const char *const uname[] = { "username", NULL };
    /* Task -> user (optional) -> profile (required): carol has no profile, so t3.user = null */
    assert_find(f->db, x.task,
                &(cq_find_opts){
                    .include = (cq_include[]){ { .model = x.user,
                                                 .attributes = uname,
                                                 .include = (cq_include[]){ { .model = x.profile,
                                                                              .required = CQ_ON },
                                                                            { 0 } } },
                                               { 0 } },
                    .order = by_id },
                "[{\"id\":1,\"title\":\"t1\",\"userId\":1,\"user\":{\"username\":\"alice\","
                "\"profile\":" PROFILE "}},{\"id\":2,\"title\":\"t2\",\"userId\":1,\"user\":{"
                "\"username\":\"alice\",\"profile\":" PROFILE "}},"
                "{\"id\":3,\"title\":\"t3\",\"userId\":3,\"user\":null}]");
    /* Task -> user (optional) -> projects (required, where p2): only alice matches */
    cq_value *p2 = cq_test_json("{\"name\":\"p2\"}");
    static const char *const none[] = { NULL };
    assert_find(
        f->db, x.task,
        &(cq_find_opts){
            .include = (cq_include[]){ { .model = x.user,
                                         .attributes = uname,
                                         .include = (cq_include[]){ { .model = x.project,
                                                                      .where = p2,
                                                                      .through_attributes = none },
                                                                    { 0 } } },
                                       { 0 } },
            .order = by_id },
        "[{\"id\":1,\"title\":\"t1\",\"userId\":1,\"user\":{\"username\":\"alice\","
        "\"projects\":[{\"id\":2,\"name\":\"p2\",\"userProjects\":{}}]}},"
        "{\"id\":2,\"title\":\"t2\",\"userId\":1,\"user\":{\"username\":\"alice\","
        "\"projects\":[{\"id\":2,\"name\":\"p2\",\"userProjects\":{}}]}},"
        "{\"id\":3,\"title\":\"t3\",\"userId\":3,\"user\":null}]");
    /* a required to-one include under a required to-one include: INNER all the way */
    assert_find(f->db, x.task,
                &(cq_find_opts){
                    .include = (cq_include[]){ { .model = x.user,
                                                 .attributes = uname,
                                                 .required = CQ_ON,
                                                 .include = (cq_include[]){ { .model = x.profile,
                                                                              .required = CQ_ON },
                                                                            { 0 } } },
                                               { 0 } },
                    .order = by_id },
                "[{\"id\":1,\"title\":\"t1\",\"userId\":1,\"user\":{\"username\":\"alice\","
                "\"profile\":" PROFILE "}},{\"id\":2,\"title\":\"t2\",\"userId\":1,\"user\":{"
                "\"username\":\"alice\",\"profile\":" PROFILE "}}]");
    /* a required to-many chain: users with a task that has a comment */
    assert_find(
        f->db, x.user,
        &(cq_find_opts){
            .attributes = uname,
            .include =
                (cq_include[]){
                    { .model = x.task,
                      .required = CQ_ON,
                      .attributes = (const char *const[]){ "title", NULL },
                      .include =
                          (cq_include[]){ { .model = x.comment,
                                            .required = CQ_ON,
                                            .attributes = (const char *const[]){ "text", NULL } },
                                          { 0 } } },
                    { 0 } },
            .order = by_id },
        "[{\"username\":\"alice\",\"tasks\":[{\"title\":\"t1\",\"comments\":"
        "[{\"text\":\"c1\"},{\"text\":\"c2\"}]}]}]");
    cq_value_free(p2);
}

/* ---- A3: attributes --------------------------------------------------------------------- */

static void test_include__attributes_hide_keys(void **state)
{
    fixture *f = *state;
    a2 x;
    a2_setup(f, &x);
    static const char *const title[] = { "title", NULL };
    static const char *const uname[] = { "username", NULL };
    static const char *const bio[] = { "bio", NULL };
    /* include attributes: the key is read, not shown */
    assert_find(
        f->db, x.user,
        &(cq_find_opts){ .attributes = uname,
                         .include = (cq_include[]){ { .model = x.task, .attributes = title },
                                                    { .model = x.profile, .attributes = bio },
                                                    { 0 } },
                         .order = by_id },
        "[{\"username\":\"alice\",\"tasks\":[{\"title\":\"t1\"},{\"title\":\"t2\"}],"
        "\"profile\":{\"bio\":\"likes tea\"}},"
        "{\"username\":\"bob\",\"tasks\":[],\"profile\":null},"
        "{\"username\":\"carol\",\"tasks\":[{\"title\":\"t3\"}],\"profile\":null}]");
    /* the hidden key is still readable on the instance */
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(
        f->db,
        cq_model_find_all(&rows, x.user,
                          &(cq_find_opts){ .attributes = uname,
                                           .include = (cq_include[]){ { .model = x.task }, { 0 } },
                                           .order = by_id }));
    int64_t id = 0;
    CQ_ASSERT_OK(f->db, cq_instance_get_int(&id, cq_rows_at(rows, 2), "id"));
    assert_int_equal(id, 3);
    cq_rows_free(rows);
    /* an unknown include attribute is an error naming it */
    static const char *const nope[] = { "nope", NULL };
    assert_find_err(
        f->db, x.user,
        &(cq_find_opts){ .include =
                             (cq_include[]){ { .model = x.task, .attributes = nope }, { 0 } } },
        CQ_EUNKNOWN_ATTR, "include tasks: model \"task\" has no attribute \"nope\"");
}

/* ---- B: through attributes, through where, join row under the join model's name ---------- */

static void test_include__through_options(void **state)
{
    fixture *f = *state;
    a2 x;
    a2_setup(f, &x);
    static const char *const status[] = { "status", NULL };
    cq_value *done = cq_test_json("{\"completed\":false}");
    /* through.where alone does not make the include required: bob stays */
    assert_find(f->db, x.user,
                &(cq_find_opts){ .include = (cq_include[]){ { .model = x.project,
                                                              .through_where = done,
                                                              .through_attributes = status },
                                                            { 0 } },
                                 .order = by_id },
                "[{" ALICE ",\"projects\":[{\"id\":2,\"name\":\"p2\",\"userProjects\":"
                "{\"status\":\"done\"}}]},{" BOB ",\"projects\":[]},{" CAROL ",\"projects\":"
                "[{\"id\":1,\"name\":\"p1\",\"userProjects\":{\"status\":\"new\"}}]}]");
    /* through: {attributes: []}: no join row at all */
    static const char *const none[] = { NULL };
    fx_clear_sql(f);
    assert_find(f->db, x.project,
                &(cq_find_opts){ .include = (cq_include[]){ { .model = x.user,
                                                              .through_attributes_none = true,
                                                              .through_attributes = none },
                                                            { 0 } },
                                 .order = by_id },
                "[{\"id\":1,\"name\":\"p1\",\"users\":[{" ALICE "},{" CAROL "}]},"
                "{\"id\":2,\"name\":\"p2\",\"users\":[{" ALICE "}]}]");
    /* ...and the users' statement selects of the join table only the key that places a user */
    fx_assert_count(f, 2);
    assert_non_null(strstr(f->sql[1], "userProjects.projectId"));
    assert_null(strstr(f->sql[1], "status"));
    assert_null(strstr(f->sql[1], "userProjects.userId"));
    /* through where + required: only parents with a matching join row */
    assert_find(f->db, x.project,
                &(cq_find_opts){
                    .include =
                        (cq_include[]){
                            { .model = x.user, .through_where = done, .required = CQ_ON }, { 0 } },
                    .order = by_id },
                "[{\"id\":1,\"name\":\"p1\",\"users\":[{" CAROL
                "," UP(3, 1, "new", false) "}]},"
                                           "{\"id\":2,\"name\":\"p2\",\"users\":[{" ALICE
                                           "," UP(1, 2, "done", false) "}]}]");
    /* the join row is an instance of the join model */
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(f->db,
                 cq_model_find_all(
                     &rows, x.user,
                     &(cq_find_opts){ .include = (cq_include[]){ { .model = x.project }, { 0 } },
                                      .order = by_id }));
    cq_value *alice = NULL;
    CQ_ASSERT_OK(f->db, cq_instance_to_value(&alice, cq_rows_at(rows, 0)));
    const cq_value *projects = cq_value_object_get(alice, "projects");
    assert_int_equal(cq_value_size(projects), 2);
    cq_value_free(alice);
    cq_rows_free(rows);
    cq_value_free(done);
}

/* ---- A6: separate gives the same tree ---------------------------------------------------- */

static void test_include__separate_same_tree(void **state)
{
    fixture *f = *state;
    a2 x;
    a2_setup(f, &x);
    const char *want = "[{" ALICE ",\"tasks\":[{\"id\":1,\"title\":\"t1\",\"userId\":1,"
                       "\"comments\":[" C1 "," C2 "]},"
                       "{\"id\":2,\"title\":\"t2\",\"userId\":1,"
                       "\"comments\":[]}]},{" BOB ",\"tasks\":[]},{" CAROL ",\"tasks\":[{\"id\":3,"
                       "\"title\":\"t3\",\"userId\":3,\"comments\":[]}]}]";
    for (int sep = 0; sep < 2; sep++) {
        cq_include comments[] = { { .model = x.comment, .separate = sep }, { 0 } };
        assert_find(f->db, x.user,
                    &(cq_find_opts){
                        .include =
                            (cq_include[]){
                                { .model = x.task, .separate = sep, .include = comments }, { 0 } },
                        .order = by_id },
                    want);
        fx_assert_sql(f, 3, NULL);
    }
    /* required is ignored by separate: bob is still returned */
    assert_find(
        f->db, x.user,
        &(cq_find_opts){
            .include =
                (cq_include[]){ { .model = x.task, .separate = true, .required = CQ_ON }, { 0 } },
            .order = by_id },
        "[{" ALICE ",\"tasks\":[" T1 "," T2 "]},{" BOB ",\"tasks\":[]},{" CAROL ",\"tasks\":[" T3
        "]}]");
    /* attributes without the source key: with separate it is added and shown (A6) */
    static const char *const uname[] = { "username", NULL };
    static const char *const title[] = { "title", NULL };
    assert_find(
        f->db, x.user,
        &(cq_find_opts){
            .attributes = uname,
            .include =
                (cq_include[]){ { .model = x.task, .separate = true, .attributes = title }, { 0 } },
            .order = by_id },
        "[{\"username\":\"alice\",\"id\":1,\"tasks\":[{\"title\":\"t1\"},{\"title\":\"t2\"}]},"
        "{\"username\":\"bob\",\"id\":2,\"tasks\":[]},{\"username\":\"carol\",\"id\":3,"
        "\"tasks\":[{\"title\":\"t3\"}]}]");
    /* separate on other association types */
    assert_find_err(
        f->db, x.user,
        &(cq_find_opts){ .include =
                             (cq_include[]){ { .model = x.profile, .separate = true }, { 0 } } },
        CQ_EINVALID, "Only HasMany associations support include.separate");
    assert_find_err(f->db, x.task,
                    &(cq_find_opts){
                        .include = (cq_include[]){ { .model = x.user, .separate = true }, { 0 } } },
                    CQ_EINVALID, "Only HasMany associations support include.separate");
    assert_find_err(
        f->db, x.user,
        &(cq_find_opts){ .include =
                             (cq_include[]){ { .model = x.project, .separate = true }, { 0 } } },
        CQ_EINVALID, "Only HasMany associations support include.separate");
}

/* ---- A5: limit counts parents ---------------------------------------------------------- */

static void test_include__limit_counts_parents(void **state)
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
    assert_find(f->db, user,
                &(cq_find_opts){ .attributes = uname, .include = inc, .limit = 2, .order = by_id },
                "[{\"username\":\"a\",\"tasks\":[{\"title\":\"a1\"},{\"title\":\"a2\"},"
                "{\"title\":\"a3\"}]},{\"username\":\"b\",\"tasks\":[{\"title\":\"b1\"},"
                "{\"title\":\"b2\"},{\"title\":\"b3\"}]}]");
    assert_find(f->db, user,
                &(cq_find_opts){
                    .attributes = uname, .include = inc, .limit = 2, .offset = 1, .order = by_id },
                "[{\"username\":\"b\",\"tasks\":[{\"title\":\"b1\"},{\"title\":\"b2\"},"
                "{\"title\":\"b3\"}]},{\"username\":\"c\",\"tasks\":[{\"title\":\"c1\"},"
                "{\"title\":\"c2\"},{\"title\":\"c3\"}]}]");
    /* findOne with a to-many include keeps every child */
    cq_instance *one = NULL;
    CQ_ASSERT_OK(
        f->db,
        cq_model_find_one(&one, user,
                          &(cq_find_opts){ .attributes = uname, .include = inc, .order = by_id }));
    cq_value *v = NULL;
    CQ_ASSERT_OK(f->db, cq_instance_to_value(&v, one));
    assert_value(v, "{\"username\":\"a\",\"tasks\":[{\"title\":\"a1\"},{\"title\":\"a2\"},"
                    "{\"title\":\"a3\"}]}");
    cq_value_free(v);
    cq_instance_free(one);
}

/* ---- A7: order by included attributes --------------------------------------------------- */

static void test_include__order_by_included(void **state)
{
    fixture *f = *state;
    a2 x;
    a2_setup(f, &x);
    static const char *const uname[] = { "username", NULL };
    static const char *const title[] = { "title", NULL };
    /* to-one: tasks ordered by their user's name, descending, then by id */
    assert_find(f->db, x.task,
                &(cq_find_opts){
                    .attributes = title,
                    .include = (cq_include[]){ { .model = x.user, .attributes = uname }, { 0 } },
                    .order = (cq_order[]){ { .as = "user", .attr = "username", .desc = true },
                                           { .attr = "id", .desc = true },
                                           { 0 } } },
                "[{\"title\":\"t3\",\"user\":{\"username\":\"carol\"}},"
                "{\"title\":\"t2\",\"user\":{\"username\":\"alice\"}},"
                "{\"title\":\"t1\",\"user\":{\"username\":\"alice\"}}]");
    /* to-many: the children come in the order asked for ([[Task, 'title', 'DESC']]) */
    assert_find(f->db, x.user,
                &(cq_find_opts){
                    .attributes = uname,
                    .include = (cq_include[]){ { .model = x.task, .attributes = title }, { 0 } },
                    .order = (cq_order[]){ { .attr = "id" },
                                           { .as = "tasks", .attr = "title", .desc = true },
                                           { 0 } } },
                "[{\"username\":\"alice\",\"tasks\":[{\"title\":\"t2\"},{\"title\":\"t1\"}]},"
                "{\"username\":\"bob\",\"tasks\":[]},{\"username\":\"carol\",\"tasks\":"
                "[{\"title\":\"t3\"}]}]");
    /* parents ordered by their children's values (A7): [[Task, 'title', 'DESC']] alone gives
     * carol (t3), alice (t2), bob (no task) as in Sequelize; ascending, bob comes first */
    assert_find(
        f->db, x.user,
        &(cq_find_opts){
            .attributes = uname,
            .include = (cq_include[]){ { .model = x.task, .attributes = title }, { 0 } },
            .order = (cq_order[]){ { .as = "tasks", .attr = "title", .desc = true }, { 0 } } },
        "[{\"username\":\"carol\",\"tasks\":[{\"title\":\"t3\"}]},"
        "{\"username\":\"alice\",\"tasks\":[{\"title\":\"t2\"},{\"title\":\"t1\"}]},"
        "{\"username\":\"bob\",\"tasks\":[]}]");
    assert_find(f->db, x.user,
                &(cq_find_opts){
                    .attributes = uname,
                    .include = (cq_include[]){ { .model = x.task, .attributes = title }, { 0 } },
                    .order = (cq_order[]){ { .as = "tasks", .attr = "title" }, { 0 } } },
                "[{\"username\":\"bob\",\"tasks\":[]},"
                "{\"username\":\"alice\",\"tasks\":[{\"title\":\"t1\"},{\"title\":\"t2\"}]},"
                "{\"username\":\"carol\",\"tasks\":[{\"title\":\"t3\"}]}]");
    /* nested: [[Task, Comment, 'text', 'DESC']] */
    assert_find(f->db, x.user,
                &(cq_find_opts){
                    .attributes = uname,
                    .where = NULL,
                    .include = (cq_include[]){ { .model = x.task,
                                                 .attributes = title,
                                                 .required = CQ_ON,
                                                 .include = (cq_include[]){ { .model = x.comment,
                                                                              .required = CQ_ON },
                                                                            { 0 } } },
                                               { 0 } },
                    .order = (cq_order[]){ { .as = "tasks.comments", .attr = "text", .desc = true },
                                           { 0 } } },
                "[{\"username\":\"alice\",\"tasks\":[{\"title\":\"t1\",\"comments\":[" C2 "," C1
                "]}]}]");
    /* an order on something not included */
    assert_find_err(
        f->db, x.user,
        &(cq_find_opts){ .order = (cq_order[]){ { .as = "tasks", .attr = "title" }, { 0 } } },
        CQ_EEAGER, "order names include \"tasks\", which is not included in this query");
}

/* ---- self associations -------------------------------------------------------------------- */

static void test_include__self_association(void **state)
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
    /* hasOne Father: the father row points at the child through FatherId */
    exec(f->db, "INSERT INTO people (id, name, FatherId) VALUES (1, 'kid', NULL), "
                "(2, 'dad', 1), (3, 'kid2', NULL)");
    exec(f->db, "INSERT INTO PersonChildren (personId, ChildId) VALUES (2, 1), (2, 3)");
    fx_clear_sql(f);
    static const char *const name[] = { "name", NULL };
    static const char *const none[] = { NULL };
    assert_find(f->db, person,
                &(cq_find_opts){
                    .attributes = name,
                    .include = (cq_include[]){ { .association = children,
                                                 .attributes = name,
                                                 .through_attributes_none = true,
                                                 .through_attributes = none,
                                                 .include = (cq_include[]){ { .association = father,
                                                                              .attributes = name },
                                                                            { 0 } } },
                                               { .association = father, .attributes = name },
                                               { 0 } },
                    .order = by_id },
                "[{\"name\":\"kid\",\"Children\":[],\"Father\":{\"name\":\"dad\"}},"
                "{\"name\":\"dad\",\"Children\":[{\"name\":\"kid\",\"Father\":{\"name\":\"dad\"}},"
                "{\"name\":\"kid2\",\"Father\":null}],\"Father\":null},"
                "{\"name\":\"kid2\",\"Children\":[],\"Father\":null}]");
    fx_assert_sql(f, 2, NULL);
    /* by model only: two associations to person, one aliased each -> "multiple times" */
    assert_find_err(f->db, person,
                    &(cq_find_opts){ .include = (cq_include[]){ { .model = person }, { 0 } } },
                    CQ_EEAGER,
                    "person is associated to person multiple times. To identify the correct "
                    "association, you must use the 'as' keyword to specify the alias of the "
                    "association you want to include.");
    assert_find(f->db, person,
                &(cq_find_opts){
                    .attributes = name,
                    .include = (cq_include[]){ { .model = person,
                                                 .as = "Children",
                                                 .attributes = name,
                                                 .through_attributes =
                                                     (const char *const[]){ "ChildId", NULL } },
                                               { 0 } },
                    .where = NULL,
                    .order = by_id },
                "[{\"name\":\"kid\",\"Children\":[]},{\"name\":\"dad\",\"Children\":["
                "{\"name\":\"kid\",\"PersonChildren\":{\"ChildId\":1}},"
                "{\"name\":\"kid2\",\"PersonChildren\":{\"ChildId\":3}}]},"
                "{\"name\":\"kid2\",\"Children\":[]}]");
}

/* ---- a child shared by several parents ------------------------------------------------------ */

static void test_include__shared_child_under_each_parent(void **state)
{
    fixture *f = *state;
    a2 x;
    a2_setup(f, &x);
    static const char *const title[] = { "title", NULL };
    static const char *const uname[] = { "username", NULL };
    /* Task -> user -> tasks: t1 and t2 share alice, each carries alice's tasks */
    assert_find(
        f->db, x.task,
        &(cq_find_opts){ .attributes = title,
                         .include =
                             (cq_include[]){ { .model = x.user,
                                               .attributes = uname,
                                               .include = (cq_include[]){ { .model = x.task,
                                                                            .attributes = title },
                                                                          { 0 } } },
                                             { 0 } },
                         .order = by_id },
        "[{\"title\":\"t1\",\"user\":{\"username\":\"alice\",\"tasks\":[{\"title\":\"t1\"},"
        "{\"title\":\"t2\"}]}},{\"title\":\"t2\",\"user\":{\"username\":\"alice\","
        "\"tasks\":[{\"title\":\"t1\"},{\"title\":\"t2\"}]}},"
        "{\"title\":\"t3\",\"user\":{\"username\":\"carol\",\"tasks\":[{\"title\":\"t3\"}]}}]");
    /* the same project under two users */
    assert_find(
        f->db, x.user,
        &(cq_find_opts){
            .attributes = uname,
            .include =
                (cq_include[]){ { .model = x.project,
                                  .attributes = (const char *const[]){ "name", NULL },
                                  .through_attributes = (const char *const[]){ "status", NULL } },
                                { 0 } },
            .order = by_id },
        "[{\"username\":\"alice\",\"projects\":[{\"name\":\"p1\",\"userProjects\":"
        "{\"status\":\"active\"}},{\"name\":\"p2\",\"userProjects\":{\"status\":\"done\"}}]},"
        "{\"username\":\"bob\",\"projects\":[]},{\"username\":\"carol\",\"projects\":"
        "[{\"name\":\"p1\",\"userProjects\":{\"status\":\"new\"}}]}]");
}

/* A4: with a to-many include, a parent joined to two rows of a singular include comes back
 * once, carrying the last row; without one, once per row. */
static void test_include__grouping_of_singular_duplicates(void **state)
{
    fixture *f = *state;
    a2 x;
    a2_setup(f, &x);
    exec(f->db, "INSERT INTO profiles (id, bio, userId) VALUES (2, 'likes coffee', 1)");
    static const char *const uname[] = { "username", NULL };
    static const char *const bio[] = { "bio", NULL };
    static const char *const title[] = { "title", NULL };
    assert_find(
        f->db, x.user,
        &(cq_find_opts){
            .attributes = uname,
            .include = (cq_include[]){ { .model = x.profile, .attributes = bio },
                                       { .model = x.task, .attributes = title },
                                       { 0 } },
            .order = (cq_order[]){ { .attr = "id" }, { .as = "profile", .attr = "id" }, { 0 } } },
        "[{\"username\":\"alice\",\"profile\":{\"bio\":\"likes coffee\"},\"tasks\":"
        "[{\"title\":\"t1\"},{\"title\":\"t2\"}]},{\"username\":\"bob\",\"profile\":null,"
        "\"tasks\":[]},{\"username\":\"carol\",\"profile\":null,\"tasks\":[{\"title\":\"t3\"}]}]");
    assert_find(
        f->db, x.user,
        &(cq_find_opts){
            .attributes = uname,
            .include = (cq_include[]){ { .model = x.profile, .attributes = bio }, { 0 } },
            .order = (cq_order[]){ { .attr = "id" }, { .as = "profile", .attr = "id" }, { 0 } } },
        "[{\"username\":\"alice\",\"profile\":{\"bio\":\"likes tea\"}},"
        "{\"username\":\"alice\",\"profile\":{\"bio\":\"likes coffee\"}},"
        "{\"username\":\"bob\",\"profile\":null},{\"username\":\"carol\",\"profile\":null}]");
    /* a belongsToMany target read for two sources stays two rows (p1 under alice and carol) */
    static const char *const none[] = { NULL };
    static const char *const pname[] = { "name", NULL };
    assert_find(
        f->db, x.user,
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
        "[{\"username\":\"alice\",\"projects\":[{\"name\":\"p1\",\"users\":[{\"username\":"
        "\"alice\"},{\"username\":\"carol\"}]},{\"name\":\"p2\",\"users\":[{\"username\":"
        "\"alice\"}]}]},{\"username\":\"bob\",\"projects\":[]},{\"username\":\"carol\","
        "\"projects\":[{\"name\":\"p1\",\"users\":[{\"username\":\"alice\"},{\"username\":"
        "\"carol\"}]}]}]");
}

/* ---- accessors with include ----------------------------------------------------------------- */

static void test_include__accessor_get_with_include(void **state)
{
    fixture *f = *state;
    a2 x;
    a2_setup(f, &x);
    cq_instance *alice = NULL;
    cq_value *pk = cq_value_int(1);
    CQ_ASSERT_OK(f->db, cq_model_find_by_pk(&alice, x.user, pk, NULL));
    cq_value_free(pk);
    fx_clear_sql(f);
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(f->db, cq_assoc_get(&rows, alice, x.user_tasks,
                                     &(cq_find_opts){
                                         .include = (cq_include[]){ { .model = x.comment }, { 0 } },
                                         .order = by_id }));
    assert_rows_json(rows, "[{\"id\":1,\"title\":\"t1\",\"userId\":1,\"comments\":[" C1 "," C2
                           "]},{\"id\":2,\"title\":\"t2\",\"userId\":1,\"comments\":[]}]");
    cq_rows_free(rows);
    fx_assert_sql(f, 2, NULL);
    /* belongsToMany getter with an include on the targets */
    CQ_ASSERT_OK(f->db,
                 cq_assoc_get(&rows, alice, x.user_projects,
                              &(cq_find_opts){
                                  .include =
                                      (cq_include[]){
                                          { .model = x.user,
                                            .attributes = (const char *const[]){ "username", NULL },
                                            .through_attributes_none = true,
                                            .through_attributes = (const char *const[]){ NULL } },
                                          { 0 } },
                                  .order = by_id }));
    assert_rows_json(rows,
                     "[{\"id\":1,\"name\":\"p1\"," UP(
                         1, 1, "active",
                         true) ",\"users\":[{\"username\":\"alice\"},{\"username\":\"carol\"}]},"
                               "{\"id\":2,\"name\":\"p2\"," UP(
                                   1, 2, "done", false) ",\"users\":[{\"username\":\"alice\"}]}]");
    cq_rows_free(rows);
    /* count accessor with a required include */
    int64_t n = 0;
    CQ_ASSERT_OK(
        f->db,
        cq_assoc_count(&n, alice, x.user_tasks,
                       &(cq_find_opts){ .include = (cq_include[]){
                                            { .model = x.comment, .required = CQ_ON }, { 0 } } }));
    assert_int_equal(n, 1);
    cq_instance_free(alice);
}

/* ---- A8 / D14: count with includes counts distinct parents ----------------------------------- */

static void test_include__count_distinct_parents(void **state)
{
    fixture *f = *state;
    a2 x;
    a2_setup(f, &x);
    int64_t n = 0;
    CQ_ASSERT_OK(
        f->db,
        cq_model_count(&n, x.user,
                       &(cq_find_opts){ .include = (cq_include[]){ { .model = x.task }, { 0 } } }));
    assert_int_equal(n, 3); /* v6: 4 joined rows (D14) */
    CQ_ASSERT_OK(f->db, cq_model_count(&n, x.user,
                                       &(cq_find_opts){ .include = (cq_include[]){
                                                            { .model = x.task, .required = CQ_ON },
                                                            { .model = x.profile },
                                                            { 0 } } }));
    assert_int_equal(n, 2);
    cq_value *c2 = cq_test_json("{\"text\":\"c2\"}");
    CQ_ASSERT_OK(
        f->db,
        cq_model_count(
            &n, x.user,
            &(cq_find_opts){
                .include = (cq_include[]){
                    { .model = x.task,
                      .include = (cq_include[]){ { .model = x.comment, .where = c2 }, { 0 } },
                      .required = CQ_ON },
                    { 0 } } }));
    assert_int_equal(n, 1);
    cq_value_free(c2);
    CQ_ASSERT_OK(f->db, cq_model_count(&n, x.user,
                                       &(cq_find_opts){ .include = (cq_include[]){
                                                            { .model = x.project }, { 0 } } }));
    assert_int_equal(n, 3);
    CQ_ASSERT_OK(f->db, cq_model_count(&n, x.project,
                                       &(cq_find_opts){
                                           .include = (cq_include[]){
                                               { .model = x.user, .required = CQ_ON }, { 0 } } }));
    assert_int_equal(n, 2);
    /* one statement each, whatever the includes */
    fx_clear_sql(f);
    CQ_ASSERT_OK(f->db,
                 cq_model_count(&n, x.user,
                                &(cq_find_opts){ .include = (cq_include[]){ { .model = x.task },
                                                                            { .model = x.project },
                                                                            { 0 } } }));
    assert_int_equal(n, 3);
    fx_assert_sql(f, 1, NULL);
}

/* count with distinct, col or group is an aggregate (v6's Model.count calls aggregate with its
 * include): the include's where and required filter the rows as in v6's joins; a to-many include
 * counts each parent once (D14) */
static void test_include__aggregate_count_keeps_include(void **state)
{
    fixture *f = *state;
    a2 x;
    a2_setup(f, &x);
    cq_value *out = NULL;
    const cq_include tasks_required[] = { { .model = x.task, .required = CQ_ON }, { 0 } };
    CQ_ASSERT_OK(f->db, cq_model_aggregate(
                            &out, x.user, "id", "count",
                            &(cq_aggregate_opts){ .distinct = true, .include = tasks_required }));
    cq_test_assert_json(out, "2"); /* v6: 2 (alice, carol); without the include 3 */
    cq_value_free(out);
    cq_value *c2 = cq_test_json("{\"text\":\"c2\"}");
    const cq_include with_c2[] = { { .model = x.task,
                                     .required = CQ_ON,
                                     .include = (cq_include[]){ { .model = x.comment, .where = c2 },
                                                                { 0 } } },
                                   { 0 } };
    CQ_ASSERT_OK(f->db, cq_model_aggregate(&out, x.user, "username", "count",
                                           &(cq_aggregate_opts){ .include = with_c2 }));
    cq_test_assert_json(out, "1");
    cq_value_free(out);
    CQ_ASSERT_OK(f->db, cq_model_aggregate(
                            &out, x.user, "*", "count",
                            &(cq_aggregate_opts){ .group = (const char *[]){ "username", NULL },
                                                  .include = with_c2 }));
    cq_test_assert_json(out, "[{\"username\":\"alice\",\"count\":1}]");
    cq_value_free(out);
    cq_value_free(c2);
    /* belongsTo with a where: tasks of carol, grouped by their key */
    cq_value *carol = cq_test_json("{\"username\":\"carol\"}");
    CQ_ASSERT_OK(f->db, cq_model_aggregate(&out, x.task, "*", "count",
                                           &(cq_aggregate_opts){
                                               .group = (const char *[]){ "userId", NULL },
                                               .include = (cq_include[]){
                                                   { .model = x.user, .where = carol }, { 0 } } }));
    cq_test_assert_json(out, "[{\"userId\":3,\"count\":1}]");
    cq_value_free(out);
    cq_value_free(carol);
    /* an optional include filters nothing */
    CQ_ASSERT_OK(f->db,
                 cq_model_aggregate(&out, x.user, "id", "count",
                                    &(cq_aggregate_opts){
                                        .distinct = true,
                                        .include = (cq_include[]){ { .model = x.task }, { 0 } } }));
    cq_test_assert_json(out, "3");
    cq_value_free(out);
    /* a where naming the include joins it: each parent counted once, or refused where a
     * repeated parent would change the result */
    cq_value *t1 = cq_test_json("{\"$tasks.title$\":{\"$in\":[\"t1\",\"t2\"]}}");
    CQ_ASSERT_OK(f->db,
                 cq_model_aggregate(&out, x.user, "*", "count",
                                    &(cq_aggregate_opts){
                                        .where = t1,
                                        .group = (const char *[]){ "username", NULL },
                                        .include = (cq_include[]){ { .model = x.task }, { 0 } } }));
    cq_test_assert_json(out, "[{\"username\":\"alice\",\"count\":1}]");
    cq_value_free(out);
    assert_int_equal(
        cq_model_aggregate(
            &out, x.user, "username", "count",
            &(cq_aggregate_opts){ .where = t1,
                                  .include = (cq_include[]){ { .model = x.task }, { 0 } } }),
        CQ_ENOTSUPPORTED);
    assert_null(out);
    cq_value_free(t1);
}

/* ---- part C: error texts ------------------------------------------------------------------- */

static void test_include__error_texts(void **state)
{
    fixture *f = *state;
    cq_model *team = define(f->db, "Team", "name", CQ_STRING);
    cq_model *game = define(f->db, "Game", "name", CQ_STRING);
    cq_model *task = define(f->db, "Task", "title", CQ_STRING);
    cq_model *worker = define(f->db, "Worker", "name", CQ_STRING);
    cq_model *note = define(f->db, "Note", "text", CQ_STRING);
    cq_model *user = define(f->db, "User", "name", CQ_STRING);
    CQ_ASSERT_OK(f->db, cq_model_has_one(NULL, team, game, &(cq_assoc_opts){ .as = "HomeTeam" }));
    CQ_ASSERT_OK(f->db, cq_model_has_one(NULL, team, game, &(cq_assoc_opts){ .as = "AwayTeam" }));
    CQ_ASSERT_OK(f->db, cq_model_belongs_to(NULL, task, worker, &(cq_assoc_opts){ .as = "boss" }));
    CQ_ASSERT_OK(f->db, cq_model_has_many(NULL, user, task, NULL));
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    assert_find_err(f->db, user,
                    &(cq_find_opts){ .include = (cq_include[]){ { .model = note }, { 0 } } },
                    CQ_EEAGER, "Note is not associated to User!");
    const char *multi = "Game is associated to Team multiple times. To identify the correct "
                        "association, you must use the 'as' keyword to specify the alias of the "
                        "association you want to include.";
    assert_find_err(f->db, team,
                    &(cq_find_opts){ .include = (cq_include[]){ { .model = game }, { 0 } } },
                    CQ_EEAGER, multi);
    assert_find_err(
        f->db, team,
        &(cq_find_opts){ .include = (cq_include[]){ { .model = game, .as = "hometeam" }, { 0 } } },
        CQ_EEAGER, multi);
    assert_find_err(f->db, task,
                    &(cq_find_opts){ .include = (cq_include[]){ { .model = worker }, { 0 } } },
                    CQ_EEAGER,
                    "Worker is associated to Task using an alias. You must use the 'as' keyword "
                    "to specify the alias within your include statement.");
    assert_find_err(
        f->db, task,
        &(cq_find_opts){ .include = (cq_include[]){ { .model = worker, .as = "chief" }, { 0 } } },
        CQ_EEAGER,
        "Worker is associated to Task using an alias. You've included an alias "
        "(chief), but it does not match the alias(es) defined in your association "
        "(boss).");
    /* single association without an explicit alias, wrong `as`: the default alias is listed */
    assert_find_err(
        f->db, user,
        &(cq_find_opts){ .include = (cq_include[]){ { .model = task, .as = "jobs" }, { 0 } } },
        CQ_EEAGER,
        "Task is associated to User using an alias. You've included an alias (jobs), "
        "but it does not match the alias(es) defined in your association (Tasks).");
    assert_find_err(f->db, task,
                    &(cq_find_opts){ .include = (cq_include[]){ { .as = "nope" }, { 0 } } },
                    CQ_EUNKNOWN_ASSOC, "Association with alias \"nope\" does not exist on Task");
    /* a handle of another model's association */
    cq_assoc *user_tasks = cq_model_assoc(user, "Tasks");
    assert_non_null(user_tasks);
    assert_find_err(
        f->db, task,
        &(cq_find_opts){ .include = (cq_include[]){ { .association = user_tasks }, { 0 } } },
        CQ_EEAGER, "Task is not associated to Task!");
    /* nested failures report the nested pair */
    assert_find_err(
        f->db, user,
        &(cq_find_opts){
            .include = (cq_include[]){ { .model = task,
                                         .include = (cq_include[]){ { .model = note }, { 0 } } },
                                       { 0 } } },
        CQ_EEAGER, "Note is not associated to Task!");
    /* the right alias works; a bare include picks the unaliased one */
    assert_find(
        f->db, task,
        &(cq_find_opts){ .include = (cq_include[]){ { .model = worker, .as = "boss" }, { 0 } } },
        "[]");
    /* an element with options but no association is an error, not the end of the list */
    cq_value *title_x = cq_test_json("{\"title\":\"x\"}");
    assert_find_err(
        f->db, user,
        &(cq_find_opts){ .include =
                             (cq_include[]){ { .model = task }, { .where = title_x }, { 0 } } },
        CQ_EINVALID,
        "an include of User names no association: give association, model or as (a list ends "
        "with an all-zero element)");
    cq_value_free(title_x);
    /* nothing was queried for the failed calls */
}

/* Redefining an association (same target, same default alias) replaces the earlier one for
 * includes, as cq_model_assoc and Sequelize's associations map do: the newest key is used. */
static void test_include__redefinition_newest_wins(void **state)
{
    fixture *f = *state;
    cq_model *user = define(f->db, "User", "name", CQ_STRING);
    cq_model *task = define(f->db, "Task", "title", CQ_STRING);
    CQ_ASSERT_OK(f->db, cq_model_has_many(NULL, user, task, NULL));
    cq_assoc *second = NULL;
    CQ_ASSERT_OK(f->db, cq_model_has_many(&second, user, task,
                                          &(cq_assoc_opts){ .foreign_key = "ownerId" }));
    assert_ptr_equal(cq_model_assoc(user, "Tasks"), second);
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    exec(f->db, "INSERT INTO Users (id, name) VALUES (1, 'ann'), (2, 'bob')");
    exec(f->db, "INSERT INTO Tasks (id, title, UserId, ownerId) VALUES (1, 't1', 2, 1)");
    fx_clear_sql(f);
    const char *want = "[{\"id\":1,\"name\":\"ann\",\"Tasks\":[{\"id\":1,\"title\":\"t1\","
                       "\"UserId\":2,\"ownerId\":1}]},{\"id\":2,\"name\":\"bob\",\"Tasks\":[]}]";
    assert_find(f->db, user,
                &(cq_find_opts){ .include = (cq_include[]){ { .model = task }, { 0 } },
                                 .order = (cq_order[]){ { .attr = "id" }, { 0 } } },
                want);
    assert_find(f->db, user,
                &(cq_find_opts){ .include = (cq_include[]){ { .as = "Tasks" }, { 0 } },
                                 .order = (cq_order[]){ { .attr = "id" }, { 0 } } },
                want);
}

/* ---- statements: one + one per to-many include level ------------------------------------------
 */

static void test_include__statement_count(void **state)
{
    fixture *f = *state;
    cq_model *user = define(f->db, "user", "username", CQ_STRING);
    cq_model *task = define(f->db, "task", "title", CQ_STRING);
    cq_model *comment = define(f->db, "comment", "text", CQ_STRING);
    cq_model *profile = define(f->db, "profile", "bio", CQ_STRING);
    CQ_ASSERT_OK(f->db, cq_model_has_many(NULL, user, task, NULL));
    CQ_ASSERT_OK(f->db, cq_model_has_many(NULL, task, comment, NULL));
    CQ_ASSERT_OK(f->db, cq_model_has_one(NULL, user, profile, NULL));
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    exec(f->db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) "
                "INSERT INTO users (id, username) SELECT i, 'u' || i FROM n");
    exec(f->db, "INSERT INTO tasks (title, userId) SELECT 't' || k || '-' || id, id FROM users, "
                "(SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3)");
    exec(f->db, "INSERT INTO comments (text, taskId) SELECT 'c' || id, id FROM tasks");
    exec(f->db, "INSERT INTO profiles (bio, userId) SELECT 'b' || id, id FROM users");
    fx_clear_sql(f);
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(f->db, cq_model_find_all(&rows, user,
                                          &(cq_find_opts){ .include = (cq_include[]){
                                                               { .model = task }, { 0 } } }));
    fx_assert_sql(f, 2, NULL);
    assert_int_equal(cq_rows_count(rows), 100);
    size_t children = 0;
    for (size_t i = 0; i < cq_rows_count(rows); i++) {
        cq_value *v = NULL;
        CQ_ASSERT_OK(f->db, cq_instance_to_value(&v, cq_rows_at(rows, i)));
        assert_int_equal(cq_value_size(cq_value_object_get(v, "tasks")), 3);
        children += cq_value_size(cq_value_object_get(v, "tasks"));
        cq_value_free(v);
    }
    assert_int_equal(children, 300);
    cq_rows_free(rows);
    /* two to-many levels and a to-one include: 3 statements */
    CQ_ASSERT_OK(
        f->db,
        cq_model_find_all(
            &rows, user,
            &(cq_find_opts){
                .include = (cq_include[]){
                    { .model = task, .include = (cq_include[]){ { .model = comment }, { 0 } } },
                    { .model = profile },
                    { 0 } } }));
    fx_assert_sql(f, 3, NULL);
    cq_value *v = NULL;
    CQ_ASSERT_OK(f->db, cq_rows_to_value(&v, rows));
    assert_int_equal(cq_value_size(v), 100);
    const cq_value *u50 = cq_value_array_get(v, 49);
    assert_string_equal(
        cq_value_as_text(cq_value_object_get(cq_value_object_get(u50, "profile"), "bio")), "b50");
    const cq_value *tasks = cq_value_object_get(u50, "tasks");
    assert_int_equal(cq_value_size(tasks), 3);
    assert_int_equal(cq_value_size(cq_value_object_get(cq_value_array_get(tasks, 2), "comments")),
                     1);
    cq_value_free(v);
    cq_rows_free(rows);
    /* no parents: no second statement */
    cq_value *none = cq_test_json("{\"id\":0}");
    CQ_ASSERT_OK(f->db, cq_model_find_all(&rows, user,
                                          &(cq_find_opts){ .where = none,
                                                           .include = (cq_include[]){
                                                               { .model = task }, { 0 } } }));
    assert_int_equal(cq_rows_count(rows), 0);
    fx_assert_sql(f, 1, NULL);
    cq_rows_free(rows);
    cq_value_free(none);
}

/* 40,000 parents: SQLite binds 32,766 parameters by default, so the children's query runs
 * in two parts */
static void test_include__more_parents_than_a_statement_binds(void **state)
{
    fixture *f = *state;
    check_many_parents(f->db, 40000, &f->n, 2);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(test_include__##name, fx_setup, fx_teardown)
    const struct CMUnitTest tests[] = {
        T(a2_observed_results),
        T(forms_resolve_the_same_association),
        T(side_by_side),
        T(nested_three_levels_all_types),
        T(required_below_optional_to_one),
        T(attributes_hide_keys),
        T(through_options),
        T(separate_same_tree),
        T(limit_counts_parents),
        T(order_by_included),
        T(self_association),
        T(shared_child_under_each_parent),
        T(grouping_of_singular_duplicates),
        T(accessor_get_with_include),
        T(count_distinct_parents),
        T(aggregate_count_keeps_include),
        T(error_texts),
        T(redefinition_newest_wins),
        T(statement_count),
        T(more_parents_than_a_statement_binds),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
