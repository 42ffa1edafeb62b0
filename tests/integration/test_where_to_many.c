/* A top-level where naming a to-many include's attribute (`$projects.name$`) without
 * single_join: the includes it names are joined into the parent statement (Sequelize's shape
 * for them), the other to-many includes keep their batched query. Results are Sequelize 6's
 * (recorded from it on SQLite and PostgreSQL), on SQLite, PostgreSQL and MySQL; statement
 * shapes through the logging hook. */
#define _POSIX_C_SOURCE 200809L
#include "cq_dialects.h"

#include <string.h>

typedef struct world {
    cq_model *user, *project, *task, *tag;
} world;

static const cq_order by_id[] = { { .attr = "id" }, { 0 } };

static cq_model *define(cq_db *db, const char *name, const char *attr)
{
    cq_model *m = NULL;
    cq_attr attrs[] = { { .name = attr, .type = CQ_STRING }, { 0 } };
    CQ_ASSERT_OK(db, cq_db_define(&m, db, name, attrs, &(cq_model_opts){ .timestamps = CQ_OFF }));
    return m;
}

/* users a, b, c; projects z(a) y(a) y(b) z(c); tasks t1(p1,a) t2(p1,b) t1(p2,a) t3(p4,c);
 * tags red, blue; user_tags a-red a-blue b-blue; labels (as) c-red b-blue. */
static void make_world(dx_fixture *f, world *w)
{
    cq_db *db = f->db;
    w->user = define(db, "user", "name");
    w->project = define(db, "project", "name");
    w->task = define(db, "task", "title");
    w->tag = define(db, "tag", "label");
    CQ_ASSERT_OK(db, cq_model_has_many(NULL, w->user, w->project, NULL));
    CQ_ASSERT_OK(db, cq_model_has_many(NULL, w->project, w->task, NULL));
    CQ_ASSERT_OK(db, cq_model_has_many(NULL, w->user, w->task, NULL));
    CQ_ASSERT_OK(db, cq_model_belongs_to_many(
                         NULL, w->user, w->tag,
                         &(cq_assoc_opts){ .through = "user_tags", .timestamps = CQ_OFF }));
    CQ_ASSERT_OK(db, cq_model_belongs_to_many(NULL, w->user, w->tag,
                                              &(cq_assoc_opts){ .as = "labels",
                                                                .through = "user_labels",
                                                                .timestamps = CQ_OFF }));
    CQ_ASSERT_OK(db,
                 cq_model_belongs_to(NULL, w->project, w->user,
                                     &(cq_assoc_opts){ .as = "owner", .foreign_key = "userId" }));
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    dx_exec(f, "INSERT INTO users (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c')");
    dx_exec(f, "INSERT INTO projects (id, name, \"userId\") VALUES (1, 'z', 1), (2, 'y', 1), "
               "(3, 'y', 2), (4, 'z', 3)");
    dx_exec(f, "INSERT INTO tasks (id, title, \"projectId\", \"userId\") VALUES (1, 't1', 1, 1), "
               "(2, 't2', 1, 2), (3, 't1', 2, 1), (4, 't3', 4, 3)");
    dx_exec(f, "INSERT INTO tags (id, label) VALUES (1, 'red'), (2, 'blue')");
    dx_exec(f, "INSERT INTO user_tags (\"userId\", \"tagId\") VALUES (1, 1), (1, 2), (2, 2)");
    dx_exec(f, "INSERT INTO user_labels (\"userId\", \"tagId\") VALUES (3, 1), (2, 2)");
    dx_clear(f);
}

/* findAll(m, where, include) ordered by id: asserts the rows' text and returns nothing. */
static void find_is(dx_fixture *f, cq_model *m, const char *where, const cq_include *inc,
                    const char *expected)
{
    cq_value *w = cq_test_json(where);
    cq_rows *rows = NULL;
    dx_clear(f);
    CQ_ASSERT_OK(
        f->db,
        cq_model_find_all(&rows, m, &(cq_find_opts){ .where = w, .include = inc, .order = by_id }));
    dx_assert_rows(rows, expected);
    cq_rows_free(rows);
    cq_value_free(w);
}

static void test_where_many__has_many(void **state)
{
    dx_fixture *f = *state;
    world w;
    make_world(f, &w);
    find_is(f, w.user, "{\"$projects.name$\":\"z\"}",
            (cq_include[]){ { .model = w.project }, { 0 } },
            "[{\"id\":1,\"name\":\"a\",\"projects\":[{\"id\":1,\"name\":\"z\",\"userId\":1}]},"
            "{\"id\":3,\"name\":\"c\",\"projects\":[{\"id\":4,\"name\":\"z\",\"userId\":3}]}]");
    dx_assert_count(f, 1);
    dx_assert_sql_has(f, 0,
                      "FROM users AS user LEFT OUTER JOIN projects AS projects ON user.id = "
                      "projects.userId WHERE projects.name = ");
    /* required: INNER JOIN, the same rows */
    find_is(f, w.user, "{\"$projects.name$\":\"z\"}",
            (cq_include[]){ { .model = w.project, .required = CQ_ON }, { 0 } },
            "[{\"id\":1,\"name\":\"a\",\"projects\":[{\"id\":1,\"name\":\"z\",\"userId\":1}]},"
            "{\"id\":3,\"name\":\"c\",\"projects\":[{\"id\":4,\"name\":\"z\",\"userId\":3}]}]");
    dx_assert_count(f, 1);
    dx_assert_sql_has(f, 0, "INNER JOIN projects AS projects ON user.id = projects.userId WHERE");
}

static void test_where_many__belongs_to_many(void **state)
{
    dx_fixture *f = *state;
    world w;
    make_world(f, &w);
    const char *blue = "[{\"id\":1,\"name\":\"a\",\"tags\":[{\"id\":2,\"label\":\"blue\","
                       "\"user_tags\":{\"userId\":1,\"tagId\":2}}]},{\"id\":2,\"name\":\"b\","
                       "\"tags\":[{\"id\":2,\"label\":\"blue\",\"user_tags\":{\"userId\":2,"
                       "\"tagId\":2}}]}]";
    find_is(f, w.user, "{\"$tags.label$\":\"blue\"}",
            (cq_include[]){ { .model = w.tag, .as = "tags" }, { 0 } }, blue);
    dx_assert_count(f, 1);
    dx_assert_sql_has(f, 0,
                      "LEFT OUTER JOIN (user_tags AS tags->user_tags INNER JOIN tags AS tags");
    find_is(f, w.user, "{\"$tags.label$\":\"blue\"}",
            (cq_include[]){ { .as = "tags", .required = CQ_ON }, { 0 } }, blue);
    dx_assert_count(f, 1);
    dx_assert_sql_has(f, 0, "INNER JOIN (user_tags AS tags->user_tags INNER JOIN tags AS tags");
    /* with `as` */
    find_is(f, w.user, "{\"$labels.label$\":\"red\"}", (cq_include[]){ { .as = "labels" }, { 0 } },
            "[{\"id\":3,\"name\":\"c\",\"labels\":[{\"id\":1,\"label\":\"red\",\"user_labels\":"
            "{\"userId\":3,\"tagId\":1}}]}]");
    dx_assert_count(f, 1);
}

/* The include the where does not name keeps its batched query; a required one filters the
 * parents with EXISTS in the joined statement (v6 joins it INNER: the same parents). */
static void test_where_many__others_stay_batched(void **state)
{
    dx_fixture *f = *state;
    world w;
    make_world(f, &w);
    find_is(f, w.user, "{\"$projects.name$\":\"z\"}",
            (cq_include[]){ { .model = w.project }, { .model = w.task }, { 0 } },
            "[{\"id\":1,\"name\":\"a\",\"projects\":[{\"id\":1,\"name\":\"z\",\"userId\":1}],"
            "\"tasks\":[{\"id\":1,\"title\":\"t1\",\"projectId\":1,\"userId\":1},{\"id\":3,"
            "\"title\":\"t1\",\"projectId\":2,\"userId\":1}]},{\"id\":3,\"name\":\"c\","
            "\"projects\":[{\"id\":4,\"name\":\"z\",\"userId\":3}],\"tasks\":[{\"id\":4,"
            "\"title\":\"t3\",\"projectId\":4,\"userId\":3}]}]");
    dx_assert_count(f, 2);
    dx_assert_sql_has(f, 0, "LEFT OUTER JOIN projects AS projects");
    dx_assert_sql_has(f, 1, "FROM tasks AS task WHERE task.userId IN (");
    cq_value *tw = cq_test_json("{\"title\":\"t1\"}");
    find_is(f, w.user, "{\"$projects.name$\":\"z\"}",
            (cq_include[]){ { .model = w.project }, { .model = w.task, .where = tw }, { 0 } },
            "[{\"id\":1,\"name\":\"a\",\"projects\":[{\"id\":1,\"name\":\"z\",\"userId\":1}],"
            "\"tasks\":[{\"id\":1,\"title\":\"t1\",\"projectId\":1,\"userId\":1},{\"id\":3,"
            "\"title\":\"t1\",\"projectId\":2,\"userId\":1}]}]");
    cq_value_free(tw);
    dx_assert_count(f, 2);
    dx_assert_sql_has(f, 0, "WHERE (EXISTS (SELECT * FROM tasks AS tasks WHERE");
}

static void test_where_many__nested_or_not(void **state)
{
    dx_fixture *f = *state;
    world w;
    make_world(f, &w);
    cq_include tasks[] = { { .model = w.task }, { 0 } };
    find_is(f, w.user, "{\"$projects.tasks.title$\":\"t1\"}",
            (cq_include[]){ { .model = w.project, .include = tasks }, { 0 } },
            "[{\"id\":1,\"name\":\"a\",\"projects\":[{\"id\":1,\"name\":\"z\",\"userId\":1,"
            "\"tasks\":[{\"id\":1,\"title\":\"t1\",\"projectId\":1,\"userId\":1}]},{\"id\":2,"
            "\"name\":\"y\",\"userId\":1,\"tasks\":[{\"id\":3,\"title\":\"t1\",\"projectId\":2,"
            "\"userId\":1}]}]}]");
    dx_assert_count(f, 1);
    dx_assert_sql_has(f, 0, "WHERE projects->tasks.title = ");
    /* a to-one path below the to-many one; the unnamed tasks below load by their own query */
    cq_include owner_tasks[] = { { .as = "owner" }, { .model = w.task }, { 0 } };
    find_is(f, w.user, "{\"$projects.owner.name$\":\"c\"}",
            (cq_include[]){ { .model = w.project, .include = owner_tasks }, { 0 } },
            "[{\"id\":3,\"name\":\"c\",\"projects\":[{\"id\":4,\"name\":\"z\",\"userId\":3,"
            "\"owner\":{\"id\":3,\"name\":\"c\"},\"tasks\":[{\"id\":4,\"title\":\"t3\","
            "\"projectId\":4,\"userId\":3}]}]}]");
    dx_assert_count(f, 2);
    find_is(f, w.user, "{\"$or\":[{\"$projects.name$\":\"z\"},{\"name\":\"b\"}]}",
            (cq_include[]){ { .model = w.project }, { 0 } },
            "[{\"id\":1,\"name\":\"a\",\"projects\":[{\"id\":1,\"name\":\"z\",\"userId\":1}]},"
            "{\"id\":2,\"name\":\"b\",\"projects\":[{\"id\":3,\"name\":\"y\",\"userId\":2}]},"
            "{\"id\":3,\"name\":\"c\",\"projects\":[{\"id\":4,\"name\":\"z\",\"userId\":3}]}]");
    dx_assert_count(f, 1);
    dx_assert_sql_has(f, 0, "WHERE (projects.name = ");
    find_is(f, w.user, "{\"$not\":{\"$projects.name$\":\"y\"}}",
            (cq_include[]){ { .model = w.project }, { 0 } },
            "[{\"id\":1,\"name\":\"a\",\"projects\":[{\"id\":1,\"name\":\"z\",\"userId\":1}]},"
            "{\"id\":3,\"name\":\"c\",\"projects\":[{\"id\":4,\"name\":\"z\",\"userId\":3}]}]");
    /* two to-many paths side by side */
    find_is(f, w.user, "{\"$projects.name$\":\"y\",\"$tags.label$\":\"blue\"}",
            (cq_include[]){ { .model = w.project }, { .as = "tags" }, { 0 } },
            "[{\"id\":1,\"name\":\"a\",\"projects\":[{\"id\":2,\"name\":\"y\",\"userId\":1}],"
            "\"tags\":[{\"id\":2,\"label\":\"blue\",\"user_tags\":{\"userId\":1,\"tagId\":2}}]},"
            "{\"id\":2,\"name\":\"b\",\"projects\":[{\"id\":3,\"name\":\"y\",\"userId\":2}],"
            "\"tags\":[{\"id\":2,\"label\":\"blue\",\"user_tags\":{\"userId\":2,\"tagId\":2}}]}]");
    dx_assert_count(f, 1);
    /* a to-many include below a to-one one */
    find_is(f, w.project, "{\"$owner.tags.label$\":\"red\"}",
            (cq_include[]){ { .as = "owner", .include = (cq_include[]){ { .as = "tags" }, { 0 } } },
                            { 0 } },
            "[{\"id\":1,\"name\":\"z\",\"userId\":1,\"owner\":{\"id\":1,\"name\":\"a\",\"tags\":"
            "[{\"id\":1,\"label\":\"red\",\"user_tags\":{\"userId\":1,\"tagId\":1}}]}},{\"id\":2,"
            "\"name\":\"y\",\"userId\":1,\"owner\":{\"id\":1,\"name\":\"a\",\"tags\":[{\"id\":1,"
            "\"label\":\"red\",\"user_tags\":{\"userId\":1,\"tagId\":1}}]}}]");
    dx_assert_count(f, 1);
}

static int64_t count_is(dx_fixture *f, cq_model *m, const char *where, const cq_include *inc)
{
    cq_value *w = cq_test_json(where);
    int64_t n = -1;
    dx_clear(f);
    CQ_ASSERT_OK(f->db, cq_model_count(&n, m, &(cq_find_opts){ .where = w, .include = inc }));
    cq_value_free(w);
    return n;
}

/* A count joins the includes its where names (to-one ones too) and counts each parent once:
 * v6 joins them as well but counts joined rows (count(user.id)) unless `distinct: true`, so a
 * parent with two matching children counts twice there and once here, as findAll returns it. */
static void test_where_many__count_joins_named_includes(void **state)
{
    dx_fixture *f = *state;
    world w;
    make_world(f, &w);
    cq_include projects[] = { { .model = w.project }, { 0 } };
    assert_int_equal(count_is(f, w.user, "{\"$projects.name$\":\"z\"}", projects), 2);
    dx_assert_count(f, 1);
    dx_assert_sql_has(f, 0,
                      "SELECT count(DISTINCT(user.id)) AS count FROM users AS user LEFT OUTER "
                      "JOIN projects AS projects ON user.id = projects.userId WHERE projects.name "
                      "= ");
    /* user a has two tasks t1: v6 counts 2 */
    assert_int_equal(count_is(f, w.user, "{\"$tasks.title$\":\"t1\"}",
                              (cq_include[]){ { .model = w.task }, { 0 } }),
                     1);
    assert_int_equal(
        count_is(f, w.user, "{\"$or\":[{\"$projects.name$\":\"y\"},{\"name\":\"c\"}]}", projects),
        3);
    assert_int_equal(count_is(f, w.user, "{\"$tags.label$\":\"blue\"}",
                              (cq_include[]){ { .as = "tags" }, { 0 } }),
                     2);
    /* a to-one path */
    assert_int_equal(count_is(f, w.project, "{\"$owner.name$\":\"a\"}",
                              (cq_include[]){ { .as = "owner" }, { 0 } }),
                     2);
    dx_assert_sql_has(f, 0, "LEFT OUTER JOIN users AS owner ON project.userId = owner.id");
    /* findAndCountAll: the count and the rows agree */
    cq_value *wh = cq_test_json("{\"$projects.name$\":\"z\"}");
    cq_rows *rows = NULL;
    int64_t n = -1;
    CQ_ASSERT_OK(f->db, cq_model_find_and_count_all(
                            &rows, &n, w.user,
                            &(cq_find_opts){ .where = wh, .include = projects, .order = by_id }));
    assert_int_equal(n, 2);
    assert_int_equal(cq_rows_count(rows), 2);
    cq_rows_free(rows);
    cq_value_free(wh);
}

/* With a limit (and findOne's) the parents are limited in a query of their own that cannot
 * see the to-many include: v6 sends SQL that fails ("no such column", "missing FROM-clause
 * entry"); cequel refuses before sending anything. */
static void test_where_many__limit_is_a_clear_error(void **state)
{
    dx_fixture *f = *state;
    world w;
    make_world(f, &w);
    cq_value *wh = cq_test_json("{\"$projects.name$\":\"z\"}");
    cq_include inc[] = { { .model = w.project }, { 0 } };
    cq_rows *rows = NULL;
    CQ_ASSERT_ERR(f->db, CQ_ENOTSUPPORTED,
                  cq_model_find_all(&rows, w.user,
                                    &(cq_find_opts){ .where = wh, .include = inc, .limit = 2 }));
    assert_null(rows);
    assert_non_null(strstr(cq_db_error(f->db)->message,
                           "include \"projects\" is to-many and the find has a limit or offset"));
    cq_instance *one = NULL;
    CQ_ASSERT_ERR(f->db, CQ_ENOTSUPPORTED,
                  cq_model_find_one(&one, w.user, &(cq_find_opts){ .where = wh, .include = inc }));
    assert_null(one);
    dx_assert_count(f, 0);
    cq_value_free(wh);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(test_where_many__##name, dx_setup, dx_teardown)
    const struct CMUnitTest tests[] = {
        T(has_many),      T(belongs_to_many),        T(others_stay_batched),
        T(nested_or_not), T(limit_is_a_clear_error), T(count_joins_named_includes),
    };
#undef T
    return DX_RUN("test_where_to_many", tests);
}
