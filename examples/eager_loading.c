/* Eager loading, walking through the examples of Sequelize's eager-loading guide:
 *   alice: tasks t1 (comments c1, c2), t2; a profile; projects p1 (active, completed), p2 (done)
 *   bob: nothing;  carol: task t3, project p1 (new)
 * Each call prints its SQL (one statement, plus one per to-many include) and its result. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include <cequel.h>

static bool logging; /* off while the fixture is written */

static void log_sql(const cq_log_event *ev, void *user_data)
{
    (void)user_data;
    if (logging)
        printf("  SQL> %s\n", ev->sql);
}

static void check(cq_db *db, int rc, const char *what)
{
    if (rc != CQ_OK) {
        fprintf(stderr, "%s failed: %s: %s\n", what, cq_error_name(rc), cq_db_error(db)->message);
        exit(1);
    }
}

static cq_model *define(cq_db *db, const char *name, const cq_attr *attrs)
{
    cq_model *m = NULL;
    check(db, cq_db_define(&m, db, name, attrs, &(cq_model_opts){ .timestamps = CQ_OFF }), name);
    return m;
}

static void find(cq_db *db, const char *title, cq_model *m, const cq_find_opts *o)
{
    printf("%s\n", title);
    cq_rows *rows = NULL;
    int rc = cq_model_find_all(&rows, m, o);
    if (rc != CQ_OK) {
        printf("  => %s: %s\n\n", cq_error_name(rc), cq_db_error(db)->message);
        return;
    }
    cq_value *v = NULL;
    char *json = NULL;
    cq_rows_to_value(&v, rows);
    cq_value_to_json(&json, v, CQ_JSON_COMPACT);
    printf("  => %s\n\n", json);
    cq_free(json);
    cq_value_free(v);
    cq_rows_free(rows);
}

static cq_value *json(const char *text)
{
    cq_value *v = NULL;
    cq_error err = { 0 };
    if (cq_value_from_json(&v, text, &err) != CQ_OK) {
        fprintf(stderr, "bad JSON: %s\n", err.message);
        exit(1);
    }
    return v;
}

int main(void)
{
    cq_db *db = NULL;
    cq_error err = { 0 };
    if (cq_db_open(&db, "sqlite::memory:", &(cq_open_opts){ .log = { .fn = log_sql } }, &err) !=
        CQ_OK) {
        fprintf(stderr, "open: %s\n", err.message);
        return 1;
    }
    cq_model *user =
        define(db, "user", (const cq_attr[]){ { .name = "username", .type = CQ_STRING }, { 0 } });
    cq_model *task =
        define(db, "task", (const cq_attr[]){ { .name = "title", .type = CQ_STRING }, { 0 } });
    cq_model *profile =
        define(db, "profile", (const cq_attr[]){ { .name = "bio", .type = CQ_STRING }, { 0 } });
    cq_model *project =
        define(db, "project", (const cq_attr[]){ { .name = "name", .type = CQ_STRING }, { 0 } });
    cq_model *comment =
        define(db, "comment", (const cq_attr[]){ { .name = "text", .type = CQ_STRING }, { 0 } });
    cq_model *up = define(db, "userProjects",
                          (const cq_attr[]){ { .name = "status", .type = CQ_STRING },
                                             { .name = "completed", .type = CQ_BOOLEAN },
                                             { 0 } });
    cq_assoc *user_tasks = NULL;
    check(db, cq_model_has_many(&user_tasks, user, task, NULL), "User.hasMany(Task)");
    check(db, cq_model_belongs_to(NULL, task, user, NULL), "Task.belongsTo(User)");
    check(db, cq_model_has_one(NULL, user, profile, NULL), "User.hasOne(Profile)");
    check(db,
          cq_model_belongs_to_many(NULL, user, project, &(cq_assoc_opts){ .through_model = up }),
          "User.belongsToMany(Project)");
    check(db,
          cq_model_belongs_to_many(NULL, project, user, &(cq_assoc_opts){ .through_model = up }),
          "Project.belongsToMany(User)");
    check(db, cq_model_has_many(NULL, task, comment, NULL), "Task.hasMany(Comment)");
    check(db, cq_db_sync(db, NULL), "sync");
    const char *seed[] = {
        "INSERT INTO users (id, username) VALUES (1, 'alice'), (2, 'bob'), (3, 'carol')",
        "INSERT INTO tasks (id, title, userId) VALUES (1, 't1', 1), (2, 't2', 1), (3, 't3', 3)",
        "INSERT INTO comments (text, taskId) VALUES ('c1', 1), ('c2', 1)",
        "INSERT INTO profiles (bio, userId) VALUES ('likes tea', 1)",
        "INSERT INTO projects (id, name) VALUES (1, 'p1'), (2, 'p2')",
        "INSERT INTO userProjects (userId, projectId, status, completed) VALUES "
        "(1, 1, 'active', 1), (1, 2, 'done', 0), (3, 1, 'new', 0)",
    };
    for (size_t i = 0; i < sizeof seed / sizeof seed[0]; i++)
        check(db, cq_db_query(NULL, db, seed[i], NULL, NULL), "seed");
    logging = true;

    const cq_order by_id[] = { { .attr = "id" }, { 0 } };
    cq_value *t1 = json("{\"title\":\"t1\"}"), *c1 = json("{\"text\":\"c1\"}");
    cq_value *completed = json("{\"completed\":true}"), *p1 = json("{\"name\":\"p1\"}");
    static const char *const status[] = { "status", NULL };
    static const char *const title[] = { "title", NULL };
    printf("\n=== A2: observed results ===\n\n");
    find(db, "User.findAll({include: Task})", user,
         &(cq_find_opts){ .include = (cq_include[]){ { .model = task }, { 0 } }, .order = by_id });
    find(db, "User.findAll({include: {model: Task, required: true}})", user,
         &(cq_find_opts){ .include = (cq_include[]){ { .model = task, .required = CQ_ON }, { 0 } },
                          .order = by_id });
    find(db, "User.findAll({include: {model: Task, where: {title: 't1'}}})", user,
         &(cq_find_opts){ .include = (cq_include[]){ { .model = task, .where = t1 }, { 0 } },
                          .order = by_id });
    find(db, "... same + required: false", user,
         &(cq_find_opts){
             .include = (cq_include[]){ { .model = task, .where = t1, .required = CQ_OFF }, { 0 } },
             .order = by_id });
    find(db, "User.findAll({include: Profile})", user,
         &(cq_find_opts){ .include = (cq_include[]){ { .model = profile }, { 0 } },
                          .order = by_id });
    find(db, "Task.findAll({include: User})", task,
         &(cq_find_opts){ .include = (cq_include[]){ { .model = user }, { 0 } }, .order = by_id });
    find(db,
         "User.findAll({include: {model: Task, include: [{model: Comment, where: {text: 'c1'}}]}})",
         user,
         &(cq_find_opts){
             .include =
                 (cq_include[]){
                     { .model = task,
                       .include = (cq_include[]){ { .model = comment, .where = c1 }, { 0 } } },
                     { 0 } },
             .order = by_id });
    find(db,
         "User.findAll({include: {model: Project, through: {attributes: ['status'], "
         "where: {completed: true}}}})",
         user,
         &(cq_find_opts){ .include = (cq_include[]){ { .model = project,
                                                       .through_attributes = status,
                                                       .through_where = completed },
                                                     { 0 } },
                          .order = by_id });
    find(db, "User.findAll({include: {model: Project, where: {name: 'p1'}}})", user,
         &(cq_find_opts){ .include = (cq_include[]){ { .model = project, .where = p1 }, { 0 } },
                          .order = by_id });

    printf("=== other forms ===\n\n");
    find(db, "include by association handle, tasks ordered by title DESC, attributes ['title']",
         user,
         &(cq_find_opts){
             .include = (cq_include[]){ { .association = user_tasks, .attributes = title }, { 0 } },
             .order = (cq_order[]){
                 { .attr = "id" }, { .as = "tasks", .attr = "title", .desc = true }, { 0 } } });
    find(db, "include: 'tasks' (alias string), limit 2: counts parents", user,
         &(cq_find_opts){
             .include = (cq_include[]){ { .as = "tasks" }, { 0 } }, .limit = 2, .order = by_id });
    find(db, "{all: true}", user,
         &(cq_find_opts){ .include = (cq_include[]){ { .all = true }, { 0 } }, .order = by_id });
    int64_t n = 0;
    check(db,
          cq_model_count(&n, user,
                         &(cq_find_opts){ .include = (cq_include[]){ { .model = task }, { 0 } } }),
          "count");
    printf("User.count({include: Task}) => %lld (distinct users)\n\n", (long long)n);

    printf("=== errors ===\n\n");
    find(db, "User.findAll({include: Comment})", user,
         &(cq_find_opts){ .include = (cq_include[]){ { .model = comment }, { 0 } } });
    find(db, "User.findAll({include: {model: Task, as: 'jobs'}})", user,
         &(cq_find_opts){ .include = (cq_include[]){ { .model = task, .as = "jobs" }, { 0 } } });
    find(db, "User.findAll({include: 'nope'})", user,
         &(cq_find_opts){ .include = (cq_include[]){ { .as = "nope" }, { 0 } } });
    find(db, "User.findAll({include: {model: Profile, separate: true}})", user,
         &(cq_find_opts){ .include =
                              (cq_include[]){ { .model = profile, .separate = true }, { 0 } } });
    cq_value_free(t1);
    cq_value_free(c1);
    cq_value_free(completed);
    cq_value_free(p1);
    cq_db_close(db);
    return 0;
}
