/* Server round trips shared by test_postgres.c and test_mariadb.c: the same steps on either
 * server, with the few texts that differ (identifier quotes, LIMIT, the transaction's first
 * statement, timestamp precision, error codes) chosen by the db's dialect. Included, not
 * compiled on its own. */
#ifndef SERVER_CASES_H
#define SERVER_CASES_H

#include "cq_server.h"
#include "many_parents.h"

#include <string.h>

static bool on_mysql(cq_db *db)
{
    return cq_db_dialect(db) == CQ_DIALECT_MYSQL;
}

/* `sql` (identifiers in double quotes) as the server of db quotes them, in `buf`. */
static const char *quoted(char *buf, size_t n, cq_db *db, const char *sql)
{
    snprintf(buf, n, "%s", sql);
    if (on_mysql(db))
        for (char *p = buf; *p; p++)
            if (*p == '"')
                *p = '`';
    return buf;
}

/* The last error: cequel's code, the server's SQLSTATE and (when not 0) its error number. */
static void assert_server_error(cq_db *db, int code, srv_error e)
{
    srv_assert_error(db, code, e.sqlstate);
    if (e.driver_code)
        assert_int_equal(cq_db_error(db)->driver_code, e.driver_code);
}

/* Where operators, find with order/limit/offset, a raw where fragment, model-level update
 * and destroy (they report the rows matched), instance update, reload and destroy. */
static void check_crud_and_where_operators(srv_fixture *f)
{
    char sql[256];
    srv_user_tasks x;
    srv_define_user_tasks(f->db, &x);
    srv_check_where_operators(f->db, x.user);

    cq_rows *rows = NULL;
    cq_value *w = cq_test_json("{\"age\":{\"$gte\":30}}");
    CQ_ASSERT_OK(
        f->db, cq_model_find_all(
                   &rows, x.user,
                   &(cq_find_opts){ .where = w,
                                    .order = (cq_order[]){ { .attr = "age", .desc = true }, { 0 } },
                                    .limit = 2,
                                    .offset = 1,
                                    .attributes = (const char *[]){ "id", "username", NULL } }));
    cq_value_free(w);
    assert_non_null(strstr(f->last_sql, on_mysql(f->db) ? "LIMIT 1, 2" : "LIMIT 2 OFFSET 1"));
    srv_assert_rows(rows, "[{\"id\":4,\"username\":\"dee\"},{\"id\":3,\"username\":\"cy\"}]");
    cq_rows_free(rows);

    /* raw where fragment with ? placeholders (PostgreSQL: they become $n) */
    cq_value *params = cq_test_json("[35]");
    int64_t n = 0;
    CQ_ASSERT_OK(f->db, cq_model_count(&n, x.user,
                                       &(cq_find_opts){ .where_sql = quoted(sql, sizeof sql, f->db,
                                                                            "\"age\" < ?"),
                                                        .where_params = params }));
    cq_value_free(params);
    assert_int_equal(n, 2);

    /* model-level update and destroy report the rows they touched (matched, as elsewhere) */
    w = cq_test_json("{\"age\":{\"$lt\":40}}");
    cq_value *values = cq_test_json("{\"age\":99}");
    CQ_ASSERT_OK(f->db, cq_model_update(&n, x.user, values, &(cq_bulk_opts){ .where = w }));
    cq_value_free(w);
    assert_int_equal(n, 2);
    assert_int_equal(srv_count_where(f->db, x.user, "{\"age\":99}"), 2);
    w = cq_test_json("{\"age\":99}");
    CQ_ASSERT_OK(f->db, cq_model_update(&n, x.user, values, &(cq_bulk_opts){ .where = w }));
    cq_value_free(w);
    cq_value_free(values);
    assert_int_equal(n, 2); /* same values again: still the rows matched */

    /* instance update, reload, destroy */
    cq_instance *u = NULL;
    w = cq_test_json("{\"username\":\"eve\"}");
    CQ_ASSERT_OK(f->db, cq_model_find_one(&u, x.user, &(cq_find_opts){ .where = w }));
    cq_value_free(w);
    assert_non_null(u);
    srv_assert_instance(u, "{\"id\":5,\"username\":\"eve\",\"age\":60,\"createdAt\":\"<ts>\","
                           "\"updatedAt\":\"<ts>\"}");
    const char *created = NULL;
    CQ_ASSERT_OK(f->db, cq_instance_get_text(&created, u, "createdAt"));
    assert_int_equal(strlen(created), 24); /* 2024-05-01T10:20:30.123Z */
    assert_int_equal(created[23], 'Z');
    if (on_mysql(f->db))
        assert_string_equal(created + 19, ".000Z"); /* DATETIME keeps whole seconds */
    values = cq_test_json("{\"age\":61}");
    CQ_ASSERT_OK(f->db, cq_instance_update(u, values, NULL));
    cq_value_free(values);
    CQ_ASSERT_OK(f->db, cq_instance_reload(u, NULL));
    CQ_ASSERT_OK(f->db, cq_instance_get_int(&n, u, "age"));
    assert_int_equal(n, 61);
    CQ_ASSERT_OK(f->db, cq_instance_destroy(u, NULL));
    cq_instance_free(u);
    assert_int_equal(srv_count_where(f->db, x.user, NULL), 4);

    w = cq_test_json("{\"age\":99}");
    CQ_ASSERT_OK(f->db, cq_model_destroy(&n, x.user, &(cq_bulk_opts){ .where = w }));
    cq_value_free(w);
    assert_int_equal(n, 2);
    assert_int_equal(srv_count_where(f->db, x.user, NULL), 2);
}

/* bulkCreate: the generated ids come back in order; a duplicate in the batch (reported as
 * `unique`) inserts none. */
static void check_bulk_create(srv_fixture *f, srv_error unique)
{
    static const char *const three =
        "[{\"id\":1,\"username\":\"a\",\"age\":1,\"createdAt\":\"<ts>\","
        "\"updatedAt\":\"<ts>\"},{\"id\":2,\"username\":\"b\",\"age\":null,"
        "\"createdAt\":\"<ts>\",\"updatedAt\":\"<ts>\"},{\"id\":3,\"username\":"
        "\"c\",\"age\":3,\"createdAt\":\"<ts>\",\"updatedAt\":\"<ts>\"}]";
    srv_user_tasks x;
    srv_define_user_tasks(f->db, &x);
    cq_value *values = cq_test_json("[{\"username\":\"a\",\"age\":1},{\"username\":\"b\"},"
                                    "{\"username\":\"c\",\"age\":3}]");
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(f->db, cq_model_bulk_create(&rows, x.user, values, NULL));
    cq_value_free(values);
    assert_int_equal(cq_rows_count(rows), 3);
    srv_assert_rows(rows, three);
    cq_rows_free(rows);
    rows = srv_find_all(f->db, x.user, NULL, srv_by_id);
    srv_assert_rows(rows, three);
    cq_rows_free(rows);

    /* all or nothing: a duplicate in the batch inserts none */
    values = cq_test_json("[{\"username\":\"d\"},{\"username\":\"a\"}]");
    CQ_ASSERT_ERR(f->db, CQ_EUNIQUE, cq_model_bulk_create(NULL, x.user, values, NULL));
    cq_value_free(values);
    assert_server_error(f->db, CQ_EUNIQUE, unique);
    assert_int_equal(srv_count_where(f->db, x.user, NULL), 3);
}

/* Commit keeps, rollback discards, a savepoint rollback discards only the inner work; another
 * connection sees nothing before the commit. */
static void check_transactions_and_savepoints(srv_fixture *f)
{
    char sql[64];
    srv_user_tasks x;
    srv_define_user_tasks(f->db, &x);

    cq_txn *t = NULL;
    CQ_ASSERT_OK(f->db, cq_db_transaction(&t, f->db, NULL));
    if (on_mysql(f->db))
        assert_string_equal(f->last_sql, "START TRANSACTION;");
    CQ_ASSERT_OK(f->db, srv_try_create(x.user, "{\"username\":\"kept\"}",
                                       &(cq_write_opts){ .transaction = t }));
    CQ_ASSERT_OK(f->db, cq_txn_commit(t));
    cq_txn_free(t);
    assert_int_equal(srv_count_where(f->db, x.user, NULL), 1);

    CQ_ASSERT_OK(f->db, cq_db_transaction(&t, f->db, NULL));
    CQ_ASSERT_OK(f->db, srv_try_create(x.user, "{\"username\":\"gone\"}",
                                       &(cq_write_opts){ .transaction = t }));
    CQ_ASSERT_OK(f->db, cq_txn_rollback(t));
    cq_txn_free(t);
    assert_int_equal(srv_count_where(f->db, x.user, "{\"username\":\"gone\"}"), 0);

    /* savepoint: the outer row survives, the inner one does not */
    cq_txn *inner = NULL;
    CQ_ASSERT_OK(f->db, cq_db_transaction(&t, f->db, NULL));
    CQ_ASSERT_OK(f->db, srv_try_create(x.user, "{\"username\":\"outer\"}",
                                       &(cq_write_opts){ .transaction = t }));
    CQ_ASSERT_OK(f->db, cq_db_transaction(&inner, f->db, &(cq_txn_opts){ .parent = t }));
    assert_non_null(strstr(f->last_sql, quoted(sql, sizeof sql, f->db, "SAVEPOINT \"cq_sp_")));
    CQ_ASSERT_OK(f->db, srv_try_create(x.user, "{\"username\":\"inner\"}",
                                       &(cq_write_opts){ .transaction = inner }));
    /* a failed statement aborts the PostgreSQL transaction until the savepoint rolls back */
    CQ_ASSERT_ERR(f->db, CQ_EUNIQUE,
                  srv_try_create(x.user, "{\"username\":\"outer\"}",
                                 &(cq_write_opts){ .transaction = inner }));
    CQ_ASSERT_OK(f->db, cq_txn_rollback(inner));
    cq_txn_free(inner);
    CQ_ASSERT_OK(f->db, srv_try_create(x.user, "{\"username\":\"after\"}",
                                       &(cq_write_opts){ .transaction = t }));
    /* another connection sees nothing before the commit */
    cq_db *other = NULL;
    cq_error err = { 0 };
    assert_int_equal(cq_db_open(&other, srv_url(), NULL, &err), CQ_OK);
    assert_int_equal(cq_test_scalar_int(other, "SELECT count(*) FROM users"), 1);
    CQ_ASSERT_OK(f->db, cq_txn_commit(t));
    cq_txn_free(t);
    assert_int_equal(cq_test_scalar_int(other, "SELECT count(*) FROM users"), 3);
    cq_db_close(other);
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(f->db, cq_model_find_all(
                            &rows, x.user,
                            &(cq_find_opts){ .order = srv_by_id,
                                             .attributes = (const char *[]){ "username", NULL } }));
    srv_assert_rows(rows, "[{\"username\":\"kept\"},{\"username\":\"outer\"},"
                          "{\"username\":\"after\"}]");
    cq_rows_free(rows);
}

/* hasMany add/get/count/has, belongsTo get/set, and belongsToMany add/get with the join row,
 * add again (the join row updated), remove (the join row only). */
static void check_associations(srv_fixture *f)
{
    char sql[128];
    srv_user_tasks x;
    x.user = srv_define(f->db, "user", srv_user_attrs, NULL);
    x.task = srv_define(f->db, "task", srv_task_attrs, NULL);
    cq_model *project = srv_define(
        f->db, "project", (cq_attr[]){ { .name = "name", .type = CQ_STRING }, { 0 } }, NULL);
    cq_model *membership = srv_define(
        f->db, "membership", (cq_attr[]){ { .name = "role", .type = CQ_STRING }, { 0 } }, NULL);
    cq_assoc *projects = NULL, *members = NULL;
    CQ_ASSERT_OK(f->db, cq_model_has_many(&x.tasks, x.user, x.task, NULL));
    CQ_ASSERT_OK(f->db, cq_model_belongs_to(&x.owner, x.task, x.user, NULL));
    CQ_ASSERT_OK(f->db, cq_model_belongs_to_many(&projects, x.user, project,
                                                 &(cq_assoc_opts){ .through_model = membership }));
    CQ_ASSERT_OK(f->db, cq_model_belongs_to_many(&members, project, x.user,
                                                 &(cq_assoc_opts){ .through_model = membership }));
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));

    cq_instance *ada = srv_create(f->db, x.user, "{\"username\":\"ada\"}");
    cq_instance *t1 = srv_create(f->db, x.task, "{\"title\":\"one\"}");
    cq_instance *t2 = srv_create(f->db, x.task, "{\"title\":\"two\"}");
    cq_instance_free(srv_create(f->db, x.task, "{\"title\":\"other\"}"));
    CQ_ASSERT_OK(f->db,
                 cq_assoc_add(ada, x.tasks, (cq_target[]){ { .instance = t1 }, { .instance = t2 } },
                              2, NULL));
    int64_t n = 0;
    CQ_ASSERT_OK(f->db, cq_assoc_count(&n, ada, x.tasks, NULL));
    assert_int_equal(n, 2);
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(
        f->db,
        cq_assoc_get(&rows, ada, x.tasks,
                     &(cq_find_opts){ .order = srv_by_id,
                                      .attributes = (const char *[]){ "title", "userId", NULL } }));
    srv_assert_rows(rows, "[{\"title\":\"one\",\"userId\":1},{\"title\":\"two\",\"userId\":1}]");
    cq_rows_free(rows);
    bool has = false;
    CQ_ASSERT_OK(f->db,
                 cq_assoc_has(&has, ada, x.tasks, (cq_target[]){ { .instance = t2 } }, 1, NULL));
    assert_true(has);

    /* belongsTo: get and set, read back from the table */
    CQ_ASSERT_OK(f->db, cq_assoc_get(&rows, t1, x.owner, NULL));
    srv_assert_rows(rows, "[{\"id\":1,\"username\":\"ada\",\"age\":null,\"createdAt\":\"<ts>\","
                          "\"updatedAt\":\"<ts>\"}]");
    cq_rows_free(rows);
    CQ_ASSERT_OK(f->db, cq_assoc_set(t2, x.owner, NULL, 0, NULL));
    srv_assert_query(
        f->db, quoted(sql, sizeof sql, f->db, "SELECT title, \"userId\" FROM tasks ORDER BY id"),
        "[{\"title\":\"one\",\"userId\":1},{\"title\":\"two\",\"userId\":null},"
        "{\"title\":\"other\",\"userId\":null}]");

    cq_instance *p1 = srv_create(f->db, project, "{\"name\":\"p1\"}");
    cq_instance *p2 = srv_create(f->db, project, "{\"name\":\"p2\"}");
    cq_value *lead = cq_test_json("{\"role\":\"lead\"}");
    CQ_ASSERT_OK(f->db, cq_instance_set_through_data(p2, lead));
    cq_value_free(lead);
    cq_value *dev = cq_test_json("{\"role\":\"dev\"}");
    CQ_ASSERT_OK(f->db, cq_assoc_add(ada, projects,
                                     (cq_target[]){ { .instance = p1 }, { .instance = p2 } }, 2,
                                     &(cq_assoc_write_opts){ .through = dev }));
    cq_value_free(dev);
    CQ_ASSERT_OK(f->db, cq_assoc_get(&rows, ada, projects, &(cq_find_opts){ .order = srv_by_id }));
    assert_int_equal(cq_rows_count(rows), 2);
    const char *role = NULL;
    CQ_ASSERT_OK(f->db,
                 cq_instance_get_text(&role, cq_instance_through(cq_rows_at(rows, 0)), "role"));
    assert_string_equal(role, "dev");
    CQ_ASSERT_OK(f->db,
                 cq_instance_get_text(&role, cq_instance_through(cq_rows_at(rows, 1)), "role"));
    assert_string_equal(role, "lead");
    srv_assert_rows(rows,
                    "[{\"id\":1,\"name\":\"p1\",\"createdAt\":\"<ts>\",\"updatedAt\":\"<ts>\","
                    "\"membership\":{\"role\":\"dev\",\"createdAt\":\"<ts>\",\"updatedAt\":"
                    "\"<ts>\",\"userId\":1,\"projectId\":1}},{\"id\":2,\"name\":\"p2\","
                    "\"createdAt\":\"<ts>\",\"updatedAt\":\"<ts>\",\"membership\":{\"role\":"
                    "\"lead\",\"createdAt\":\"<ts>\",\"updatedAt\":\"<ts>\",\"userId\":1,"
                    "\"projectId\":2}}]");
    cq_rows_free(rows);
    CQ_ASSERT_OK(f->db, cq_assoc_count(&n, p2, members, NULL));
    assert_int_equal(n, 1);
    /* adding a pair again updates its join row instead of inserting a second one */
    cq_value *owner = cq_test_json("{\"role\":\"owner\"}");
    CQ_ASSERT_OK(f->db, cq_assoc_add(ada, projects, (cq_target[]){ { .instance = p1 } }, 1,
                                     &(cq_assoc_write_opts){ .through = owner }));
    cq_value_free(owner);
    srv_assert_query(f->db,
                     quoted(sql, sizeof sql, f->db,
                            "SELECT \"userId\", \"projectId\", role FROM memberships ORDER BY 2"),
                     "[{\"userId\":1,\"projectId\":1,\"role\":\"owner\"},"
                     "{\"userId\":1,\"projectId\":2,\"role\":\"lead\"}]");
    /* remove deletes the join row only */
    CQ_ASSERT_OK(f->db,
                 cq_assoc_remove(ada, projects, (cq_target[]){ { .instance = p2 } }, 1, NULL));
    srv_assert_query(f->db, "SELECT count(*) AS n FROM memberships", "[{\"n\":1}]");
    assert_int_equal(srv_count_where(f->db, project, NULL), 2);

    cq_instance_free(p1);
    cq_instance_free(p2);
    cq_instance_free(t1);
    cq_instance_free(t2);
    cq_instance_free(ada);
}

/* include: to-one (belongsTo) and to-many (hasMany), batched and single-join, nested, required
 * (INNER JOIN) by a where or by required: true; a failing single-join find leaves no rows and
 * the connection usable. */
static void check_include(srv_fixture *f)
{
    char sql[64];
    srv_user_tasks x;
    x.user = srv_define(f->db, "user", srv_user_attrs, NULL);
    x.task = srv_define(f->db, "task", srv_task_attrs, NULL);
    cq_model *note = srv_define(f->db, "note",
                                (cq_attr[]){ { .name = "body", .type = CQ_STRING }, { 0 } }, NULL);
    cq_assoc *notes = NULL;
    CQ_ASSERT_OK(f->db, cq_model_has_many(&x.tasks, x.user, x.task, NULL));
    CQ_ASSERT_OK(f->db, cq_model_belongs_to(&x.owner, x.task, x.user, NULL));
    CQ_ASSERT_OK(f->db, cq_model_has_many(&notes, x.task, note, NULL));
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    cq_instance_free(srv_create(f->db, x.user, "{\"username\":\"ada\"}"));
    cq_instance_free(srv_create(f->db, x.user, "{\"username\":\"bob\"}"));
    cq_instance_free(srv_create(f->db, x.task, "{\"title\":\"a1\",\"done\":true,\"userId\":1}"));
    cq_instance_free(srv_create(f->db, x.task, "{\"title\":\"a2\",\"done\":false,\"userId\":1}"));
    cq_instance_free(srv_create(f->db, x.task, "{\"title\":\"orphan\"}"));
    cq_instance_free(srv_create(f->db, note, "{\"body\":\"n1\",\"taskId\":2}"));

    const char *const user_cols[] = { "id", "username", NULL };
    const char *const task_cols[] = { "id", "title", "done", NULL };
    const char *const note_cols[] = { "body", NULL };
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(f->db, cq_model_find_all(
                            &rows, x.task,
                            &(cq_find_opts){ .order = srv_by_id,
                                             .attributes = task_cols,
                                             .include = (cq_include[]){ { .association = x.owner,
                                                                          .attributes = user_cols },
                                                                        { 0 } } }));
    assert_non_null(
        strstr(f->last_sql, quoted(sql, sizeof sql, f->db, "LEFT OUTER JOIN \"users\"")));
    srv_assert_rows(rows,
                    "[{\"id\":1,\"title\":\"a1\",\"done\":true,\"user\":{\"id\":1,"
                    "\"username\":\"ada\"}},{\"id\":2,\"title\":\"a2\",\"done\":false,"
                    "\"user\":{\"id\":1,\"username\":\"ada\"}},{\"id\":3,\"title\":\"orphan\","
                    "\"done\":null,\"user\":null}]");
    cq_rows_free(rows);

    /* user -> tasks, then user -> tasks -> notes, each batched and in one statement */
    const char *flat = "[{\"id\":1,\"username\":\"ada\",\"tasks\":[{\"id\":1,\"title\":\"a1\","
                       "\"done\":true},{\"id\":2,\"title\":\"a2\",\"done\":false}]},"
                       "{\"id\":2,\"username\":\"bob\",\"tasks\":[]}]";
    const char *nested_text =
        "[{\"id\":1,\"username\":\"ada\",\"tasks\":[{\"id\":1,\"title\":\"a1\",\"done\":true,"
        "\"notes\":[]},{\"id\":2,\"title\":\"a2\",\"done\":false,\"notes\":[{\"body\":\"n1\"}]}]},"
        "{\"id\":2,\"username\":\"bob\",\"tasks\":[]}]";
    const cq_include nested[] = { { .association = notes, .attributes = note_cols }, { 0 } };
    for (int deep = 0; deep < 2; deep++)
        for (int single = 0; single < 2; single++) {
            CQ_ASSERT_OK(
                f->db,
                cq_model_find_all(
                    &rows, x.user,
                    &(cq_find_opts){ .order = (cq_order[]){ { .attr = "id" },
                                                            { .attr = "id", .as = "tasks" },
                                                            { 0 } },
                                     .attributes = user_cols,
                                     .single_join = single,
                                     .include = (cq_include[]){ { .association = x.tasks,
                                                                  .attributes = task_cols,
                                                                  .include = deep ? nested : NULL },
                                                                { 0 } } }));
            srv_assert_rows(rows, deep ? nested_text : flat);
            cq_rows_free(rows);
        }
    /* single-row mode: a failing statement leaves no rows and the connection usable */
    rows = NULL;
    assert_int_equal(
        cq_model_find_all(
            &rows, x.user,
            &(cq_find_opts){ .where_sql = quoted(sql, sizeof sql, f->db, "\"nope\" = 1"),
                             .single_join = true,
                             .include = (cq_include[]){ { .association = x.tasks }, { 0 } } }),
        CQ_EDATABASE);
    assert_null(rows);
    assert_int_equal(srv_count_where(f->db, x.user, NULL), 2);

    /* a where on the include makes it required (INNER JOIN) */
    cq_value *w = cq_test_json("{\"done\":true}");
    CQ_ASSERT_OK(f->db, cq_model_find_all(
                            &rows, x.user,
                            &(cq_find_opts){
                                .attributes = user_cols,
                                .include = (cq_include[]){
                                    { .association = x.tasks, .attributes = task_cols, .where = w },
                                    { 0 } } }));
    cq_value_free(w);
    srv_assert_rows(rows, "[{\"id\":1,\"username\":\"ada\",\"tasks\":[{\"id\":1,\"title\":\"a1\","
                          "\"done\":true}]}]");
    cq_rows_free(rows);

    /* required: true without a where: tasks that have notes, with their user (one statement) */
    CQ_ASSERT_OK(f->db,
                 cq_model_find_all(
                     &rows, x.task,
                     &(cq_find_opts){
                         .attributes = task_cols,
                         .single_join = true,
                         .include = (cq_include[]){
                             { .association = notes, .attributes = note_cols, .required = CQ_ON },
                             { .association = x.owner, .attributes = user_cols },
                             { 0 } } }));
    assert_non_null(strstr(f->last_sql, quoted(sql, sizeof sql, f->db, "INNER JOIN \"notes\"")));
    srv_assert_rows(rows,
                    "[{\"id\":2,\"title\":\"a2\",\"done\":false,\"notes\":[{\"body\":\"n1\"}],"
                    "\"user\":{\"id\":1,\"username\":\"ada\"}}]");
    cq_rows_free(rows);

    /* count with distinct, col or group (an aggregate) keeps its include: v6 joins it, so the
     * include's where and required filter the rows counted */
    cq_value *out = NULL;
    CQ_ASSERT_OK(f->db, cq_model_aggregate(
                            &out, x.user, "id", "count",
                            &(cq_aggregate_opts){
                                .distinct = true,
                                .include = (cq_include[]){
                                    { .association = x.tasks, .required = CQ_ON }, { 0 } } }));
    srv_assert_value(out, "1");
    cq_value_free(out);
    w = cq_test_json("{\"body\":\"n1\"}");
    CQ_ASSERT_OK(
        f->db, cq_model_aggregate(
                   &out, x.task, "title", "count",
                   &(cq_aggregate_opts){
                       .include = (cq_include[]){ { .association = notes, .where = w }, { 0 } } }));
    cq_value_free(w);
    srv_assert_value(out, "1");
    cq_value_free(out);
    w = cq_test_json("{\"username\":\"ada\"}");
    CQ_ASSERT_OK(f->db,
                 cq_model_aggregate(
                     &out, x.task, "*", "count",
                     &(cq_aggregate_opts){ .group = (const char *[]){ "userId", NULL },
                                           .include = (cq_include[]){
                                               { .association = x.owner, .where = w }, { 0 } } }));
    cq_value_free(w);
    srv_assert_value(out, "[{\"userId\":1,\"count\":2}]");
    cq_value_free(out);
}

#endif
