/* Shared by test_include.c and test_include_join.c: the statement-recording fixture
 * (cq_fixture.h), model helpers, and the spec's eager-loading fixture (include.md, "Fixture
 * used in the examples") with the toJSON texts of its rows. */
#ifndef INCLUDE_CASES_H
#define INCLUDE_CASES_H

#include "cq_fixture.h"

#include <string.h>

/* ---- helpers -------------------------------------------------------------------------------- */

static const cq_model_opts no_ts = { .timestamps = CQ_OFF };

static inline cq_model *define(cq_db *db, const char *name, const char *attr, cq_type type)
{
    cq_model *m = NULL;
    cq_attr attrs[2] = { { .name = attr, .type = type }, { 0 } };
    CQ_ASSERT_OK(db, cq_db_define(&m, db, name, attr ? attrs : NULL, &no_ts));
    return m;
}

static inline void exec(cq_db *db, const char *sql)
{
    CQ_ASSERT_OK(db, cq_db_query(NULL, db, sql, NULL, NULL));
}

static const cq_order by_id[] = { { .attr = "id" }, { 0 } };

/* ---- the spec's fixture (include.md, "Fixture used in the examples") -------------------- */

typedef struct a2 {
    cq_model *user, *task, *profile, *project, *comment, *up;
    cq_assoc *user_tasks, *task_user, *user_profile, *user_projects, *project_users, *task_comments;
} a2;

static inline void a2_define(cq_db *db, a2 *x)
{
    memset(x, 0, sizeof *x);
    x->user = define(db, "user", "username", CQ_STRING);
    x->task = define(db, "task", "title", CQ_STRING);
    x->profile = define(db, "profile", "bio", CQ_STRING);
    x->project = define(db, "project", "name", CQ_STRING);
    x->comment = define(db, "comment", "text", CQ_STRING);
    CQ_ASSERT_OK(db, cq_db_define(&x->up, db, "userProjects",
                                  (const cq_attr[]){ { .name = "status", .type = CQ_STRING },
                                                     { .name = "completed", .type = CQ_BOOLEAN },
                                                     { 0 } },
                                  &no_ts));
    CQ_ASSERT_OK(db, cq_model_has_many(&x->user_tasks, x->user, x->task, NULL));
    CQ_ASSERT_OK(db, cq_model_belongs_to(&x->task_user, x->task, x->user, NULL));
    CQ_ASSERT_OK(db, cq_model_has_one(&x->user_profile, x->user, x->profile, NULL));
    CQ_ASSERT_OK(db, cq_model_belongs_to_many(&x->user_projects, x->user, x->project,
                                              &(cq_assoc_opts){ .through_model = x->up }));
    CQ_ASSERT_OK(db, cq_model_belongs_to_many(&x->project_users, x->project, x->user,
                                              &(cq_assoc_opts){ .through_model = x->up }));
    CQ_ASSERT_OK(db, cq_model_has_many(&x->task_comments, x->task, x->comment, NULL));
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
}

/* alice: tasks t1 (comments c1,c2), t2; profile; projects p1 (active, completed), p2 (done)
 * bob: nothing;  carol: task t3, project p1 (new) */
static inline void a2_setup(fixture *f, a2 *x)
{
    a2_define(f->db, x);
    exec(f->db, "INSERT INTO users (id, username) VALUES (1, 'alice'), (2, 'bob'), (3, 'carol')");
    exec(f->db, "INSERT INTO tasks (id, title, userId) VALUES (1, 't1', 1), (2, 't2', 1), "
                "(3, 't3', 3)");
    exec(f->db, "INSERT INTO comments (id, text, taskId) VALUES (1, 'c1', 1), (2, 'c2', 1)");
    exec(f->db, "INSERT INTO profiles (id, bio, userId) VALUES (1, 'likes tea', 1)");
    exec(f->db, "INSERT INTO projects (id, name) VALUES (1, 'p1'), (2, 'p2')");
    exec(f->db, "INSERT INTO userProjects (userId, projectId, status, completed) VALUES "
                "(1, 1, 'active', 1), (1, 2, 'done', 0), (3, 1, 'new', 0)");
    fx_clear_sql(f);
}

#define ALICE   "\"id\":1,\"username\":\"alice\""
#define BOB     "\"id\":2,\"username\":\"bob\""
#define CAROL   "\"id\":3,\"username\":\"carol\""
#define T1      "{\"id\":1,\"title\":\"t1\",\"userId\":1}"
#define T2      "{\"id\":2,\"title\":\"t2\",\"userId\":1}"
#define T3      "{\"id\":3,\"title\":\"t3\",\"userId\":3}"
#define C1      "{\"id\":1,\"text\":\"c1\",\"taskId\":1}"
#define C2      "{\"id\":2,\"text\":\"c2\",\"taskId\":1}"
#define PROFILE "{\"id\":1,\"bio\":\"likes tea\",\"userId\":1}"
#define UP(u, p, s, c)                                                                             \
    "\"userProjects\":{\"userId\":" #u ",\"projectId\":" #p ",\"status\":\"" s                     \
    "\",\"completed\":" #c "}"

#endif
