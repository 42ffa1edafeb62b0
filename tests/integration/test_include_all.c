/* `include: {all: ...}` (cq_include.all, all_types, nested): the includes it stands for and
 * their order, as Sequelize v6 expands them (checked on v6 with the same models), on SQLite
 * and, when their URLs are set, on PostgreSQL and MySQL/MariaDB. */
#define _POSIX_C_SOURCE 200809L
#include "cq_server.h"

#include <stdlib.h>
#include <string.h>

/* user belongsTo company, hasMany project, belongsToMany task (user_tasks), hasOne profile,
 * hasMany project as owned; project hasMany task; task belongsTo project; company hasMany
 * user. */
typedef struct afx {
    cq_db *db;
    cq_model *user, *project, *task, *company, *profile;
    size_t statements;
} afx;

static void count_sql(const cq_log_event *ev, void *user_data)
{
    if (ev->kind == CQ_LOG_SQL)
        ((afx *)user_data)->statements++;
}

static const cq_attr name_attrs[] = { { .name = "name", .type = CQ_STRING }, { 0 } };
static const cq_attr title_attrs[] = { { .name = "title", .type = CQ_STRING }, { 0 } };
static const cq_attr bio_attrs[] = { { .name = "bio", .type = CQ_STRING }, { 0 } };

/* The models above on a fresh database: SQLite in memory, or the server's during its run. */
static int setup(void **state)
{
    afx *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    if (srv_open_own(&f->db, &(cq_open_opts){ .log = { .fn = count_sql, .user_data = f } }) != 0) {
        free(f);
        return -1;
    }
    cq_db *db = f->db;
    const cq_model_opts plain = { .timestamps = CQ_OFF };
    int rc = CQ_OK;
    if (rc == CQ_OK)
        rc = cq_db_define(&f->user, db, "user", name_attrs, &plain);
    if (rc == CQ_OK)
        rc = cq_db_define(&f->project, db, "project", name_attrs, &plain);
    if (rc == CQ_OK)
        rc = cq_db_define(&f->task, db, "task", title_attrs, &plain);
    if (rc == CQ_OK)
        rc = cq_db_define(&f->company, db, "company", name_attrs, &plain);
    if (rc == CQ_OK)
        rc = cq_db_define(&f->profile, db, "profile", bio_attrs, &plain);
    if (rc == CQ_OK)
        rc = cq_model_belongs_to(NULL, f->user, f->company, NULL);
    if (rc == CQ_OK)
        rc = cq_model_has_many(NULL, f->user, f->project, NULL);
    if (rc == CQ_OK)
        rc = cq_model_belongs_to_many(NULL, f->user, f->task,
                                      &(cq_assoc_opts){ .through = "user_tasks" });
    if (rc == CQ_OK)
        rc = cq_model_has_one(NULL, f->user, f->profile, NULL);
    if (rc == CQ_OK)
        rc = cq_model_has_many(NULL, f->user, f->project,
                               &(cq_assoc_opts){ .as = "owned", .foreign_key = "ownerId" });
    if (rc == CQ_OK)
        rc = cq_model_has_many(NULL, f->project, f->task, NULL);
    if (rc == CQ_OK)
        rc = cq_model_belongs_to(NULL, f->task, f->project, NULL);
    if (rc == CQ_OK)
        rc = cq_model_has_many(NULL, f->company, f->user, NULL);
    if (rc == CQ_OK)
        rc = cq_db_sync(db, &(cq_sync_opts){ .force = true });
    if (rc != CQ_OK) {
        print_error("fixture: %s\n", cq_db_error(db)->message);
        cq_db_close(db);
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    afx *f = *state;
    cq_db_close(f->db);
    free(f);
    return 0;
}

/* ada (company acme, profile, project p1, owns p2, task t2 through user_tasks), bob (p2,
 * owns p1); p1 has t1, p2 has t2. */
static void seed(afx *f)
{
    cq_instance_free(srv_create(f->db, f->company, "{\"name\":\"acme\"}"));
    cq_instance_free(srv_create(f->db, f->user, "{\"name\":\"ada\",\"companyId\":1}"));
    cq_instance_free(srv_create(f->db, f->user, "{\"name\":\"bob\"}"));
    cq_instance_free(srv_create(f->db, f->project, "{\"name\":\"p1\",\"userId\":1,\"ownerId\":2}"));
    cq_instance_free(srv_create(f->db, f->project, "{\"name\":\"p2\",\"userId\":2,\"ownerId\":1}"));
    cq_instance_free(srv_create(f->db, f->task, "{\"title\":\"t1\",\"projectId\":1}"));
    cq_instance_free(srv_create(f->db, f->task, "{\"title\":\"t2\",\"projectId\":2}"));
    cq_instance_free(
        srv_create(f->db, cq_db_model(f->db, "user_tasks"), "{\"userId\":1,\"taskId\":2}"));
    cq_instance_free(srv_create(f->db, f->profile, "{\"bio\":\"hi\",\"userId\":1}"));
}

/* The keys of ada's toJSON() with `include`, comma-separated. */
static char *keys_of_ada(afx *f, const cq_include *include)
{
    cq_instance *ada = NULL;
    cq_value *v = NULL;
    cq_value *pk = cq_value_int(1);
    CQ_ASSERT_OK(f->db,
                 cq_model_find_by_pk(&ada, f->user, pk, &(cq_find_opts){ .include = include }));
    cq_value_free(pk);
    assert_non_null(ada);
    CQ_ASSERT_OK(f->db, cq_instance_to_value(&v, ada));
    char buf[512] = "";
    for (size_t i = 0; i < cq_value_size(v); i++) {
        strncat(buf, i ? "," : "", sizeof buf - strlen(buf) - 1);
        strncat(buf, cq_value_object_key(v, i), sizeof buf - strlen(buf) - 1);
    }
    cq_value_free(v);
    cq_instance_free(ada);
    return strdup(buf);
}

static void assert_keys(afx *f, const cq_include *include, const char *expected)
{
    char *got = keys_of_ada(f, include);
    assert_string_equal(got, expected);
    free(got);
}

static void test_include_all__every_association_in_definition_order(void **state)
{
    afx *f = *state;
    seed(f);
    assert_keys(f, (cq_include[]){ { .all = true }, { 0 } },
                "id,name,companyId,company,projects,tasks,profile,owned");
}

static void test_include_all__types_and_groups(void **state)
{
    afx *f = *state;
    seed(f);
    assert_keys(f, (cq_include[]){ { .all_types = CQ_ALL_ONE }, { 0 } },
                "id,name,companyId,company,profile");
    assert_keys(f, (cq_include[]){ { .all_types = CQ_ALL_HAS }, { 0 } },
                "id,name,companyId,projects,profile,owned");
    assert_keys(f, (cq_include[]){ { .all_types = CQ_ALL_MANY }, { 0 } },
                "id,name,companyId,projects,owned");
    assert_keys(f, (cq_include[]){ { .all_types = CQ_ALL_BELONGS_TO }, { 0 } },
                "id,name,companyId,company");
}

static void test_include_all__named_includes_first_and_skipped(void **state)
{
    afx *f = *state;
    seed(f);
    /* v6 skips an unaliased association whose target model any listed element includes:
     * `{model: project, as: owned}` hides `projects` too */
    assert_keys(f, (cq_include[]){ { .model = f->project, .as = "owned" }, { .all = true }, { 0 } },
                "id,name,companyId,owned,company,tasks,profile");
    assert_keys(f, (cq_include[]){ { .all_types = CQ_ALL_ONE }, { .model = f->profile }, { 0 } },
                "id,name,companyId,profile,company");
    assert_keys(f, (cq_include[]){ { .model = f->project }, { .all = true }, { 0 } },
                "id,name,companyId,projects,company,tasks,profile,owned");
}

static void test_include_all__nested_stops_at_models_on_the_way_down(void **state)
{
    afx *f = *state;
    seed(f);
    cq_instance *ada = NULL;
    cq_value *pk = cq_value_int(1), *v = NULL;
    const cq_include inc[] = {
        { .all = true, .nested = true, .attributes = (const char *[]){ "id", NULL } }, { 0 }
    };
    CQ_ASSERT_OK(f->db, cq_model_find_by_pk(&ada, f->user, pk, &(cq_find_opts){ .include = inc }));
    CQ_ASSERT_OK(f->db, cq_instance_to_value(&v, ada));
    /* company's users: user is on the way down; tasks through user_tasks get their project,
     * whose tasks are skipped (task is on the way down) */
    cq_test_assert_json_sorted(cq_value_object_get(v, "company"), "{\"id\":1}");
    cq_value *tasks = cq_value_object_get(v, "tasks");
    assert_int_equal(cq_value_size(tasks), 1);
    cq_value *t0 = cq_value_array_get(tasks, 0);
    cq_test_assert_json_sorted(cq_value_object_get(t0, "project"), "{\"id\":2}");
    cq_test_assert_json_sorted(cq_value_object_get(v, "projects"),
                               "[{\"id\":1,\"tasks\":[{\"id\":1}]}]");
    cq_test_assert_json_sorted(cq_value_object_get(v, "owned"),
                               "[{\"id\":2,\"tasks\":[{\"id\":2}]}]");
    cq_value_free(v);
    cq_value_free(pk);
    cq_instance_free(ada);
}

static void test_include_all__where_and_required_apply_to_each(void **state)
{
    afx *f = *state;
    seed(f);
    cq_rows *rows = NULL;
    cq_value *p2 = cq_test_json("{\"name\":\"p2\"}");
    /* projects AND owned must hold a p2: nobody */
    CQ_ASSERT_OK(f->db,
                 cq_model_find_all(
                     &rows, f->user,
                     &(cq_find_opts){ .include = (cq_include[]){
                                          { .all_types = CQ_ALL_MANY, .where = p2 }, { 0 } } }));
    assert_int_equal(cq_rows_count(rows), 0);
    cq_rows_free(rows);
    /* required to-one includes: only ada has a company and a profile */
    CQ_ASSERT_OK(
        f->db, cq_model_find_all(
                   &rows, f->user,
                   &(cq_find_opts){ .include = (cq_include[]){
                                        { .all_types = CQ_ALL_ONE, .required = CQ_ON }, { 0 } } }));
    assert_int_equal(cq_rows_count(rows), 1);
    cq_rows_free(rows);
    cq_value_free(p2);
}

static void test_include_all__unknown_type_bits_are_eeager(void **state)
{
    afx *f = *state;
    cq_rows *rows = (cq_rows *)&rows;
    size_t before = f->statements;
    CQ_ASSERT_ERR(f->db, CQ_EEAGER,
                  cq_model_find_all(&rows, f->user,
                                    &(cq_find_opts){ .include = (cq_include[]){
                                                         { .all_types = 1u << 5 }, { 0 } } }));
    assert_null(rows);
    assert_int_equal(f->statements, before);
    assert_non_null(strstr(cq_db_error(f->db)->message, "is not valid"));
}

static void test_include_all__nested_create(void **state)
{
    afx *f = *state;
    cq_instance *u = NULL;
    cq_value *values = cq_test_json("{\"name\":\"cy\",\"company\":{\"name\":\"initech\"},"
                                    "\"projects\":[{\"name\":\"x\"},{\"name\":\"y\"}],"
                                    "\"profile\":{\"bio\":\"yo\"}}");
    CQ_ASSERT_OK(f->db, cq_model_create(&u, f->user, values,
                                        &(cq_write_opts){
                                            .include = (cq_include[]){ { .all = true }, { 0 } } }));
    cq_value_free(values);
    cq_instance_free(u);
    assert_int_equal(srv_count_where(f->db, f->company, NULL), 1);
    assert_int_equal(srv_count_where(f->db, f->project, "{\"userId\":1}"), 2);
    assert_int_equal(srv_count_where(f->db, f->profile, "{\"userId\":1}"), 1);
}

#define T(fn, setup) cmocka_unit_test_setup_teardown(fn, setup, teardown)
#define TESTS(setup)                                                                               \
    {                                                                                              \
        T(test_include_all__every_association_in_definition_order, setup),                         \
            T(test_include_all__types_and_groups, setup),                                          \
            T(test_include_all__named_includes_first_and_skipped, setup),                          \
            T(test_include_all__nested_stops_at_models_on_the_way_down, setup),                    \
            T(test_include_all__where_and_required_apply_to_each, setup),                          \
            T(test_include_all__unknown_type_bits_are_eeager, setup),                              \
            T(test_include_all__nested_create, setup),                                             \
    }

int main(void)
{
    const struct CMUnitTest tests[] = TESTS(setup);
    return SRV_RUN_EACH("test_include_all", "cq_incall", tests);
}
