/* Integration tests for belongsTo and hasOne accessors: get, set, create, read back from the
 * database, with the statements each call issues (spec/associations.md sections 2, 3, 6.2;
 * DEVIATIONS D8, D12, D16). */
#define _POSIX_C_SOURCE 200809L
#include "cq_test.h"

#include <stdlib.h>
#include <string.h>

#include "cq_fixture.h"

/* get for a single association: the one row or NULL (caller frees). */
static cq_instance *get_one(cq_db *db, cq_instance *src, const cq_assoc *a,
                            const cq_find_opts *opts)
{
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(db, cq_assoc_get(&rows, src, a, opts));
    assert_true(cq_rows_count(rows) <= 1);
    cq_instance *one = cq_rows_count(rows) ? cq_rows_take(rows, 0) : NULL;
    cq_rows_free(rows);
    return one;
}

/* ---- belongsTo -------------------------------------------------------------------------- */

typedef struct player_team {
    cq_model *player, *team;
    cq_assoc *team_of; /* player.belongsTo(team) */
} player_team;

static player_team player_team_setup(fixture *f)
{
    player_team pt = { 0 };
    pt.player = fx_define(f->db, "player", fx_name_attrs);
    pt.team = fx_define(f->db, "team", fx_name_attrs);
    CQ_ASSERT_OK(f->db, cq_model_belongs_to(&pt.team_of, pt.player, pt.team, NULL));
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    fx_clear_sql(f);
    return pt;
}

/* An unset key answers NULL without a query; set writes only the key (+ updatedAt). */
static void test_assoc_single__belongs_to_get_set(void **state)
{
    fixture *f = *state;
    player_team pt = player_team_setup(f);
    cq_instance *p = fx_create(f->db, pt.player, "{\"name\":\"ann\"}");
    cq_instance *reds = fx_create(f->db, pt.team, "{\"name\":\"reds\"}");
    fx_clear_sql(f);

    assert_null(get_one(f->db, p, pt.team_of, NULL));
    fx_assert_sql(f, 0, NULL);

    /* another changed attribute is not saved by set */
    CQ_ASSERT_OK(f->db, cq_instance_set(p, "name", cq_value_text("changed")));
    CQ_ASSERT_OK(f->db, cq_assoc_set(p, pt.team_of, &(cq_target){ .instance = reds }, 1, NULL));
    fx_assert_sql(f, 1, SQL("UPDATE `players` SET "));
    fx_assert_rows(f->db, "SELECT id, name, teamId FROM players",
                   "[{\"id\":1,\"name\":\"ann\",\"teamId\":1}]");
    fx_clear_sql(f);
    assert_int_equal(fx_int_attr(f->db, p, "teamId"), 1);

    /* unchanged key: no statement */
    CQ_ASSERT_OK(f->db, cq_assoc_set(p, pt.team_of, &(cq_target){ .instance = reds }, 1, NULL));
    fx_assert_sql(f, 0, NULL);

    cq_instance *t = get_one(f->db, p, pt.team_of, NULL);
    fx_assert_sql(f, 1,
                  SQL("SELECT `id`, `name`, `createdAt`, "
                      "`updatedAt` FROM `teams` AS `team` WHERE `team`.`id` = ?;"));
    assert_non_null(t);
    assert_string_equal(fx_text_attr(f->db, t, "name"), "reds");
    cq_instance_free(t);

    /* where is ANDed; attributes restrict */
    cq_value *w = cq_test_json("{\"name\":\"blues\"}");
    assert_null(get_one(f->db, p, pt.team_of, &(cq_find_opts){ .where = w }));
    cq_value_free(w);
    t = get_one(f->db, p, pt.team_of,
                &(cq_find_opts){ .attributes = (const char *[]){ "name", NULL } });
    cq_value *tv = NULL;
    CQ_ASSERT_OK(f->db, cq_instance_to_value(&tv, t));
    cq_test_assert_json(tv, "{\"name\":\"reds\"}");
    cq_value_free(tv);
    cq_instance_free(t);
    fx_clear_sql(f);

    /* unset (n = 0, or a null key) */
    CQ_ASSERT_OK(f->db, cq_assoc_set(p, pt.team_of, NULL, 0, NULL));
    fx_assert_sql(f, 1, SQL("UPDATE `players` SET "));
    fx_assert_rows(f->db, "SELECT teamId FROM players", "[{\"teamId\":null}]");
    cq_value *null = cq_value_null();
    CQ_ASSERT_OK(f->db, cq_assoc_set(p, pt.team_of, &(cq_target){ .key = null }, 1, NULL));
    cq_value_free(null);
    fx_assert_rows(f->db, "SELECT teamId FROM players", "[{\"teamId\":null}]");

    cq_instance_free(reds);
    cq_instance_free(p);
}

/* A raw value is the key as is; no_save only changes the instance. */
static void test_assoc_single__belongs_to_set_raw_key_and_no_save(void **state)
{
    fixture *f = *state;
    player_team pt = player_team_setup(f);
    cq_instance *p = fx_create(f->db, pt.player, "{\"name\":\"ann\"}");
    cq_instance_free(fx_create(f->db, pt.team, "{\"name\":\"reds\"}"));
    cq_instance_free(fx_create(f->db, pt.team, "{\"name\":\"blues\"}"));
    cq_value *two = cq_value_int(2);

    CQ_ASSERT_OK(f->db, cq_assoc_set(p, pt.team_of, &(cq_target){ .key = two }, 1,
                                     &(cq_assoc_write_opts){ .no_save = true }));
    assert_int_equal(fx_int_attr(f->db, p, "teamId"), 2);
    assert_true(cq_instance_has_changed(p, "teamId"));
    fx_assert_rows(f->db, "SELECT teamId FROM players", "[{\"teamId\":null}]");
    CQ_ASSERT_OK(f->db, cq_instance_save(p, NULL));
    fx_assert_rows(f->db, "SELECT teamId FROM players", "[{\"teamId\":2}]");
    cq_instance *t = get_one(f->db, p, pt.team_of, NULL);
    assert_string_equal(fx_text_attr(f->db, t, "name"), "blues");
    cq_instance_free(t);
    cq_value_free(two);
    cq_instance_free(p);
}

/* createTeam: INSERT the target, then UPDATE the source's key. */
static void test_assoc_single__belongs_to_create(void **state)
{
    fixture *f = *state;
    player_team pt = player_team_setup(f);
    cq_instance *p = fx_create(f->db, pt.player, "{\"name\":\"ann\"}");
    cq_value *values = cq_test_json("{\"name\":\"greens\"}");
    cq_instance *t = NULL;
    fx_clear_sql(f);

    CQ_ASSERT_OK(f->db, cq_assoc_create(&t, p, pt.team_of, values, NULL));
    fx_assert_sql(f, 2, SQL("INSERT INTO `teams`", "UPDATE `players` SET "));
    assert_int_equal(fx_int_attr(f->db, t, "id"), 1);
    assert_int_equal(fx_int_attr(f->db, p, "teamId"), 1);
    fx_assert_rows(f->db,
                   "SELECT p.name AS player, t.name AS team FROM players p JOIN teams t ON "
                   "t.id = p.teamId",
                   "[{\"player\":\"ann\",\"team\":\"greens\"}]");
    cq_value_free(values);
    cq_instance_free(t);
    cq_instance_free(p);
}

/* Seed targetKey: the key holds the company name; get matches on it. */
static void test_assoc_single__belongs_to_target_key(void **state)
{
    fixture *f = *state;
    const cq_attr company_attrs[] = {
        { .name = "name", .type = CQ_STRING, .length = 100, .unique = true },
        { 0 },
    };
    cq_model *user = fx_define(f->db, "user", fx_name_attrs);
    cq_model *company = fx_define(f->db, "company", company_attrs);
    cq_assoc *a = NULL;
    CQ_ASSERT_OK(f->db, cq_model_belongs_to(&a, user, company,
                                            &(cq_assoc_opts){ .foreign_key = "fk_companyname",
                                                              .target_key = "name" }));
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    cq_instance *u = fx_create(f->db, user, "{\"name\":\"ann\"}");
    cq_instance *acme = fx_create(f->db, company, "{\"name\":\"acme\"}");
    fx_clear_sql(f);

    /* a null key with a non-PK targetKey is still queried (IS NULL), as in v6 */
    assert_null(get_one(f->db, u, a, NULL));
    fx_assert_sql(f, 1, SQL("SELECT "));
    CQ_ASSERT_OK(f->db, cq_assoc_set(u, a, &(cq_target){ .instance = acme }, 1, NULL));
    fx_assert_rows(f->db, "SELECT fk_companyname FROM users", "[{\"fk_companyname\":\"acme\"}]");
    fx_clear_sql(f);
    cq_instance *c = get_one(f->db, u, a, NULL);
    assert_non_null(c);
    assert_non_null(strstr(f->sql[0], "WHERE `company`.`name` = ?"));
    assert_int_equal(fx_int_attr(f->db, c, "id"), 1);
    cq_instance_free(c);
    cq_instance_free(acme);
    cq_instance_free(u);
}

/* A key pointing at a missing row: get finds nothing; with constraints the set fails with the
 * foreign-key error and leaves row and instance unchanged. */
static void test_assoc_single__belongs_to_missing_target_row(void **state)
{
    fixture *f = *state;
    cq_model *user = fx_define(f->db, "user", fx_name_attrs);
    cq_model *company = fx_define(f->db, "company", fx_name_attrs);
    cq_model *owner = fx_define(f->db, "owner", fx_name_attrs);
    cq_assoc *loose = NULL, *strict = NULL;
    CQ_ASSERT_OK(f->db, cq_model_belongs_to(&loose, user, company,
                                            &(cq_assoc_opts){ .constraints = CQ_OFF }));
    CQ_ASSERT_OK(f->db, cq_model_belongs_to(&strict, user, owner, NULL));
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    cq_instance *u = fx_create(f->db, user, "{\"name\":\"ann\"}");
    cq_value *k99 = cq_value_int(99);

    CQ_ASSERT_OK(f->db, cq_assoc_set(u, loose, &(cq_target){ .key = k99 }, 1, NULL));
    fx_assert_rows(f->db, "SELECT companyId FROM users", "[{\"companyId\":99}]");
    assert_null(get_one(f->db, u, loose, NULL));

    CQ_ASSERT_ERR(f->db, CQ_EFOREIGNKEY,
                  cq_assoc_set(u, strict, &(cq_target){ .key = k99 }, 1, NULL));
    fx_assert_rows(f->db, "SELECT ownerId FROM users", "[{\"ownerId\":null}]");
    assert_true(cq_value_is_null(cq_instance_get(u, "ownerId")));
    cq_value_free(k99);
    cq_instance_free(u);
}

/* ---- hasOne ----------------------------------------------------------------------------- */

typedef struct project_user {
    cq_model *project, *user;
    cq_assoc *initiator;  /* project.hasOne(user, {as: 'Initiator'}) */
    cq_assoc *project_of; /* user.belongsTo(project) */
} project_user;

static project_user project_user_setup(fixture *f)
{
    project_user pu = { 0 };
    pu.project = fx_define(f->db, "project", fx_name_attrs);
    pu.user = fx_define(f->db, "user", fx_name_attrs);
    CQ_ASSERT_OK(f->db, cq_model_has_one(&pu.initiator, pu.project, pu.user,
                                         &(cq_assoc_opts){ .as = "Initiator" }));
    CQ_ASSERT_OK(f->db, cq_model_belongs_to(&pu.project_of, pu.user, pu.project, NULL));
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    fx_clear_sql(f);
    return pu;
}

static void test_assoc_single__has_one_set_moves_the_key(void **state)
{
    fixture *f = *state;
    project_user pu = project_user_setup(f);
    cq_instance *p = fx_create(f->db, pu.project, "{\"name\":\"build\"}");
    cq_instance *u1 = fx_create(f->db, pu.user, "{\"name\":\"u1\"}");
    cq_instance *u2 = fx_create(f->db, pu.user, "{\"name\":\"u2\"}");
    fx_clear_sql(f);

    CQ_ASSERT_OK(f->db, cq_assoc_set(p, pu.initiator, &(cq_target){ .instance = u1 }, 1, NULL));
    fx_assert_sql(f, 2, SQL("SELECT ", "UPDATE `users` SET "));
    assert_int_equal(fx_int_attr(f->db, u1, "InitiatorId"), 1);
    fx_assert_rows(f->db, "SELECT id, InitiatorId FROM users ORDER BY id",
                   "[{\"id\":1,\"InitiatorId\":1},{\"id\":2,\"InitiatorId\":null}]");
    fx_clear_sql(f);

    /* already associated: only the lookup */
    CQ_ASSERT_OK(f->db, cq_assoc_set(p, pu.initiator, &(cq_target){ .instance = u1 }, 1, NULL));
    fx_assert_sql(f, 1, SQL("SELECT "));

    /* another target: unlink the old one, link the new one */
    CQ_ASSERT_OK(f->db, cq_assoc_set(p, pu.initiator, &(cq_target){ .instance = u2 }, 1, NULL));
    fx_assert_sql(f, 3, SQL("SELECT ", "UPDATE `users` SET ", "UPDATE `users` SET "));
    fx_assert_rows(f->db, "SELECT id, InitiatorId FROM users ORDER BY id",
                   "[{\"id\":1,\"InitiatorId\":null},{\"id\":2,\"InitiatorId\":1}]");
    fx_clear_sql(f);

    cq_instance *got = get_one(f->db, p, pu.initiator, NULL);
    fx_assert_sql(f, 1, NULL);
    assert_string_equal(fx_text_attr(f->db, got, "name"), "u2");
    cq_instance_free(got);

    /* a raw primary key */
    cq_value *one = cq_value_int(1);
    CQ_ASSERT_OK(f->db, cq_assoc_set(p, pu.initiator, &(cq_target){ .key = one }, 1, NULL));
    cq_value_free(one);
    fx_assert_rows(f->db, "SELECT id, InitiatorId FROM users ORDER BY id",
                   "[{\"id\":1,\"InitiatorId\":1},{\"id\":2,\"InitiatorId\":null}]");
    fx_clear_sql(f);

    /* unset: only the old one is unlinked */
    CQ_ASSERT_OK(f->db, cq_assoc_set(p, pu.initiator, NULL, 0, NULL));
    fx_assert_sql(f, 2, SQL("SELECT ", "UPDATE `users` SET "));
    fx_assert_rows(f->db, "SELECT count(*) AS n FROM users WHERE InitiatorId IS NOT NULL",
                   "[{\"n\":0}]");
    cq_instance_free(u1);
    cq_instance_free(u2);
    cq_instance_free(p);
}

static void test_assoc_single__has_one_get_has_limit(void **state)
{
    fixture *f = *state;
    project_user pu = project_user_setup(f);
    cq_instance *p = fx_create(f->db, pu.project, "{\"name\":\"build\"}");
    cq_instance_free(fx_create(f->db, pu.user, "{\"name\":\"u1\",\"InitiatorId\":1}"));
    cq_instance_free(fx_create(f->db, pu.user, "{\"name\":\"u2\",\"InitiatorId\":1}"));
    fx_clear_sql(f);

    cq_instance *got = get_one(f->db, p, pu.initiator, NULL);
    assert_non_null(got);
    assert_non_null(strstr(f->sql[0], "WHERE `user`.`InitiatorId` = ? LIMIT 1"));
    cq_instance_free(got);
    cq_instance_free(p);
}

/* DEVIATIONS D12: createX detaches the previous target; a failed create changes nothing. */
static void test_assoc_single__has_one_create_detaches_previous(void **state)
{
    fixture *f = *state;
    project_user pu = project_user_setup(f);
    cq_instance *p = fx_create(f->db, pu.project, "{\"name\":\"build\"}");
    cq_value *v1 = cq_test_json("{\"name\":\"first\"}");
    cq_value *v2 = cq_test_json("{\"name\":\"second\"}");
    cq_value *bad = cq_test_json("{\"name\":\"third\",\"nope\":1}");
    cq_instance *made = NULL;

    CQ_ASSERT_OK(f->db, cq_assoc_create(&made, p, pu.initiator, v1, NULL));
    assert_int_equal(fx_int_attr(f->db, made, "InitiatorId"), 1);
    cq_instance_free(made);
    CQ_ASSERT_OK(f->db, cq_assoc_create(NULL, p, pu.initiator, v2, NULL));
    fx_assert_rows(f->db, "SELECT name, InitiatorId FROM users ORDER BY id",
                   "[{\"name\":\"first\",\"InitiatorId\":null},{\"name\":\"second\","
                   "\"InitiatorId\":1}]");
    CQ_ASSERT_ERR(f->db, CQ_EUNKNOWN_ATTR, cq_assoc_create(&made, p, pu.initiator, bad, NULL));
    assert_null(made);
    fx_assert_rows(f->db, "SELECT name, InitiatorId FROM users ORDER BY id",
                   "[{\"name\":\"first\",\"InitiatorId\":null},{\"name\":\"second\","
                   "\"InitiatorId\":1}]");
    cq_value_free(v1);
    cq_value_free(v2);
    cq_value_free(bad);
    cq_instance_free(p);
}

/* create with `fields`: the key (and scope) are appended to the list. */
static void test_assoc_single__has_one_create_with_fields(void **state)
{
    fixture *f = *state;
    const cq_attr user_attrs[] = {
        { .name = "name", .type = CQ_STRING },
        { .name = "email", .type = CQ_STRING },
        { 0 },
    };
    cq_model *project = fx_define(f->db, "project", fx_name_attrs);
    cq_model *user = fx_define(f->db, "user", user_attrs);
    cq_assoc *a = NULL;
    CQ_ASSERT_OK(f->db, cq_model_has_one(&a, project, user, NULL));
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    cq_instance *p = fx_create(f->db, project, "{\"name\":\"build\"}");
    cq_value *v = cq_test_json("{\"name\":\"ann\",\"email\":\"a@x\"}");

    CQ_ASSERT_OK(f->db, cq_assoc_create(
                            NULL, p, a, v,
                            &(cq_assoc_write_opts){ .fields = (const char *[]){ "name", NULL } }));
    fx_assert_rows(f->db, "SELECT name, email, projectId FROM users",
                   "[{\"name\":\"ann\",\"email\":null,\"projectId\":1}]");
    cq_value_free(v);
    cq_instance_free(p);
}

/* 1:1 scope (associations.md 6.2): get filters, set and create write the scope values. */
static void test_assoc_single__has_one_scope(void **state)
{
    fixture *f = *state;
    const cq_attr note_attrs[] = {
        { .name = "text", .type = CQ_STRING },
        { .name = "kind", .type = CQ_STRING },
        { 0 },
    };
    cq_model *image = fx_define(f->db, "image", fx_name_attrs);
    cq_model *note = fx_define(f->db, "note", note_attrs);
    cq_value *scope = cq_test_json("{\"kind\":\"main\"}");
    cq_assoc *main_note = NULL;
    CQ_ASSERT_OK(
        f->db, cq_model_has_one(
                   &main_note, image, note,
                   &(cq_assoc_opts){ .as = "mainNote", .foreign_key = "imageId", .scope = scope }));
    cq_value_free(scope);
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    cq_instance *img = fx_create(f->db, image, "{\"name\":\"i\"}");
    cq_instance_free(
        fx_create(f->db, note, "{\"text\":\"side\",\"kind\":\"aside\",\"imageId\":1}"));
    cq_instance *n2 = fx_create(f->db, note, "{\"text\":\"n2\"}");
    fx_clear_sql(f);

    assert_null(get_one(f->db, img, main_note, NULL)); /* the aside note does not match */
    assert_non_null(strstr(f->sql[0], "`note`.`imageId` = ?"));
    assert_non_null(strstr(f->sql[0], "`note`.`kind` = ?"));
    fx_clear_sql(f);
    CQ_ASSERT_OK(f->db, cq_assoc_set(img, main_note, &(cq_target){ .instance = n2 }, 1, NULL));
    fx_assert_sql(f, 2, SQL("SELECT ", "UPDATE `notes` SET "));
    fx_assert_rows(f->db, "SELECT id, kind, imageId FROM notes ORDER BY id",
                   "[{\"id\":1,\"kind\":\"aside\",\"imageId\":1},{\"id\":2,\"kind\":\"main\","
                   "\"imageId\":1}]");
    assert_string_equal(fx_text_attr(f->db, n2, "kind"), "main");

    cq_value *v = cq_test_json("{\"text\":\"n3\"}");
    cq_instance *n3 = NULL;
    CQ_ASSERT_OK(f->db, cq_assoc_create(&n3, img, main_note, v, NULL));
    cq_value_free(v);
    assert_string_equal(fx_text_attr(f->db, n3, "kind"), "main");
    fx_assert_rows(f->db, "SELECT id, kind, imageId FROM notes ORDER BY id",
                   "[{\"id\":1,\"kind\":\"aside\",\"imageId\":1},{\"id\":2,\"kind\":\"main\","
                   "\"imageId\":null},{\"id\":3,\"kind\":\"main\",\"imageId\":1}]");
    cq_instance_free(n3);
    cq_instance_free(n2);
    cq_instance_free(img);
}

/* Seed 000 / scenario 32: setProject(null) detaches, Task.hasOne(User, {as: 'Author'}). */
static void test_assoc_single__scenario_32_set_null_and_author(void **state)
{
    fixture *f = *state;
    cq_model *project = fx_define(f->db, "project", fx_name_attrs);
    const cq_attr task_attrs[] = { { .name = "title", .type = CQ_STRING }, { 0 } };
    cq_model *task = fx_define(f->db, "task", task_attrs);
    cq_model *user = fx_define(f->db, "user", fx_name_attrs);
    cq_assoc *tasks = NULL, *project_of = NULL, *author = NULL;
    CQ_ASSERT_OK(f->db, cq_model_has_many(&tasks, project, task, NULL));
    CQ_ASSERT_OK(f->db, cq_model_belongs_to(&project_of, task, project, NULL));
    CQ_ASSERT_OK(f->db, cq_model_has_one(&author, task, user, &(cq_assoc_opts){ .as = "Author" }));
    assert_string_equal(cq_assoc_accessor_name(author, CQ_ACC_SET), "setAuthor");
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));

    cq_instance *p = fx_create(f->db, project, "{\"name\":\"p\"}");
    cq_instance *t1 = fx_create(f->db, task, "{\"title\":\"t1\"}");
    cq_instance *t2 = fx_create(f->db, task, "{\"title\":\"t2\"}");
    cq_target both[] = { { .instance = t1 }, { .instance = t2 } };
    CQ_ASSERT_OK(f->db, cq_assoc_set(p, tasks, both, 2, NULL));
    CQ_ASSERT_OK(f->db, cq_assoc_set(t2, project_of, NULL, 0, NULL));
    cq_instance *t3 = fx_create(f->db, task, "{\"title\":\"t3\"}");
    CQ_ASSERT_OK(f->db, cq_assoc_add(p, tasks, &(cq_target){ .instance = t3 }, 1, NULL));
    cq_instance *t3b = NULL;
    cq_value *three = cq_value_int(3);
    CQ_ASSERT_OK(f->db, cq_model_find_by_pk(&t3b, task, three, NULL));
    cq_value_free(three);
    CQ_ASSERT_OK(f->db, cq_assoc_set(t3b, project_of, NULL, 0, NULL));
    cq_instance *writer = fx_create(f->db, user, "{\"name\":\"writer\"}");
    CQ_ASSERT_OK(f->db, cq_assoc_set(t1, author, &(cq_target){ .instance = writer }, 1, NULL));

    fx_assert_rows(f->db, "SELECT id, title, projectId FROM tasks ORDER BY id",
                   "[{\"id\":1,\"title\":\"t1\",\"projectId\":1},{\"id\":2,\"title\":\"t2\","
                   "\"projectId\":null},{\"id\":3,\"title\":\"t3\",\"projectId\":null}]");
    assert_null(get_one(f->db, t2, project_of, NULL));
    cq_instance *a = get_one(f->db, t1, author, NULL);
    cq_value *av = NULL;
    CQ_ASSERT_OK(f->db, cq_instance_to_value(&av, a));
    cq_value_object_remove(av, "createdAt");
    cq_value_object_remove(av, "updatedAt");
    cq_test_assert_json(av, "{\"id\":1,\"name\":\"writer\",\"AuthorId\":1}");
    cq_value_free(av);
    cq_instance_free(a);
    cq_instance_free(writer);
    cq_instance_free(t3b);
    cq_instance_free(t3);
    cq_instance_free(t2);
    cq_instance_free(t1);
    cq_instance_free(p);
}

/* ---- bad input: clear errors, nothing written ---------------------------------------- */

/* DEVIATIONS D16: an unsaved source is refused by every accessor, before any statement. */
static void test_assoc_single__unsaved_source_is_refused(void **state)
{
    fixture *f = *state;
    project_user pu = project_user_setup(f);
    cq_assoc *bt = pu.project_of;
    cq_instance *u = fx_create(f->db, pu.user, "{\"name\":\"orphan\"}"); /* InitiatorId null */
    cq_instance *p = fx_create(f->db, pu.project, "{\"name\":\"build\"}");
    cq_instance *fresh_p = NULL, *fresh_u = NULL;
    CQ_ASSERT_OK(f->db, cq_model_build(&fresh_p, pu.project, NULL));
    CQ_ASSERT_OK(f->db, cq_model_build(&fresh_u, pu.user, NULL));
    cq_rows *rows = NULL;
    cq_value *v = cq_test_json("{\"name\":\"x\"}");
    fx_clear_sql(f);

    CQ_ASSERT_ERR(f->db, CQ_EINVALID, cq_assoc_get(&rows, fresh_p, pu.initiator, NULL));
    assert_null(rows);
    assert_string_equal(cq_db_error(f->db)->message,
                        "getInitiator: the project instance is not saved (its key is not set); "
                        "save it first");
    CQ_ASSERT_ERR(f->db, CQ_EINVALID,
                  cq_assoc_set(fresh_p, pu.initiator, &(cq_target){ .instance = u }, 1, NULL));
    CQ_ASSERT_ERR(f->db, CQ_EINVALID, cq_assoc_create(NULL, fresh_p, pu.initiator, v, NULL));
    CQ_ASSERT_ERR(f->db, CQ_EINVALID,
                  cq_assoc_set(fresh_u, bt, &(cq_target){ .instance = p }, 1, NULL));
    assert_string_equal(cq_db_error(f->db)->message,
                        "setProject: the user instance is not saved (its key is not set); save "
                        "it first");
    fx_assert_sql(f, 0, NULL);
    fx_assert_rows(f->db, "SELECT id, name, InitiatorId, projectId FROM users",
                   "[{\"id\":1,\"name\":\"orphan\",\"InitiatorId\":null,\"projectId\":null}]");
    assert_true(cq_instance_is_new_record(fresh_u));
    cq_value_free(v);
    cq_instance_free(fresh_u);
    cq_instance_free(fresh_p);
    cq_instance_free(p);
    cq_instance_free(u);
}

static void test_assoc_single__wrong_targets_are_refused(void **state)
{
    fixture *f = *state;
    cq_model *team = fx_define(f->db, "team", fx_name_attrs); /* before the schema freezes */
    project_user pu = project_user_setup(f);
    cq_assoc *bt = pu.project_of;
    cq_instance *p = fx_create(f->db, pu.project, "{\"name\":\"build\"}");
    cq_instance *u = fx_create(f->db, pu.user, "{\"name\":\"u\"}");
    cq_instance *t = fx_create(f->db, team, "{\"name\":\"t\"}");
    cq_instance *unsaved = NULL;
    CQ_ASSERT_OK(f->db, cq_model_build(&unsaved, pu.project, NULL));
    cq_value *text = cq_value_text("abc");
    fx_clear_sql(f);

    /* an instance of another model */
    CQ_ASSERT_ERR(f->db, CQ_EINVALID,
                  cq_assoc_set(p, pu.initiator, &(cq_target){ .instance = t }, 1, NULL));
    assert_string_equal(cq_db_error(f->db)->message,
                        "setInitiator expects instances of user, got an instance of team");
    CQ_ASSERT_ERR(f->db, CQ_EINVALID, cq_assoc_set(u, bt, &(cq_target){ .instance = t }, 1, NULL));
    /* an unsaved belongsTo target (a hasOne one is saved with the key set: test_set_unsaved) */
    CQ_ASSERT_ERR(f->db, CQ_EINVALID,
                  cq_assoc_set(u, bt, &(cq_target){ .instance = unsaved }, 1, NULL));
    /* a key of the wrong type */
    CQ_ASSERT_ERR(f->db, CQ_EVALIDATION,
                  cq_assoc_set(p, pu.initiator, &(cq_target){ .key = text }, 1, NULL));
    CQ_ASSERT_ERR(f->db, CQ_EVALIDATION, cq_assoc_set(u, bt, &(cq_target){ .key = text }, 1, NULL));
    assert_true(cq_value_is_null(cq_instance_get(u, "projectId")));
    /* an empty target, two targets for a single association */
    CQ_ASSERT_ERR(f->db, CQ_EINVALID, cq_assoc_set(p, pu.initiator, &(cq_target){ 0 }, 1, NULL));
    cq_target two[] = { { .instance = u }, { .instance = u } };
    CQ_ASSERT_ERR(f->db, CQ_EINVALID, cq_assoc_set(p, pu.initiator, two, 2, NULL));
    /* an accessor called on an instance of another model */
    CQ_ASSERT_ERR(f->db, CQ_EINVALID,
                  cq_assoc_set(u, pu.initiator, &(cq_target){ .instance = u }, 1, NULL));
    assert_string_equal(cq_db_error(f->db)->message,
                        "setInitiator is an accessor of model project, called on an instance of "
                        "user");
    /* add/remove/has do not exist on single associations */
    CQ_ASSERT_ERR(f->db, CQ_EINVALID, cq_assoc_add(p, pu.initiator, two, 1, NULL));
    fx_assert_sql(f, 0, NULL);
    fx_assert_rows(f->db, "SELECT id, InitiatorId, projectId FROM users",
                   "[{\"id\":1,\"InitiatorId\":null,\"projectId\":null}]");
    cq_value_free(text);
    cq_instance_free(unsaved);
    cq_instance_free(t);
    cq_instance_free(u);
    cq_instance_free(p);
}

/* Calling an accessor by its Sequelize method name. */
static void test_assoc_single__call_by_method_name(void **state)
{
    fixture *f = *state;
    project_user pu = project_user_setup(f);
    cq_instance *p = fx_create(f->db, pu.project, "{\"name\":\"build\"}");
    cq_instance *u = fx_create(f->db, pu.user, "{\"name\":\"u\"}");
    const char *methods[] = { "setInitiator", "getInitiator" };
    int64_t got_id = 0;

    for (int i = 0; i < 2; i++) {
        cq_assoc *a = NULL;
        cq_accessor kind = 0;
        CQ_ASSERT_OK(f->db, cq_model_find_accessor(&a, &kind, pu.project, methods[i]));
        cq_rows *rows = NULL;
        switch (kind) {
        case CQ_ACC_SET:
            CQ_ASSERT_OK(f->db, cq_assoc_set(p, a, &(cq_target){ .instance = u }, 1, NULL));
            break;
        case CQ_ACC_GET:
            CQ_ASSERT_OK(f->db, cq_assoc_get(&rows, p, a, NULL));
            got_id = fx_int_attr(f->db, cq_rows_at(rows, 0), "id");
            cq_rows_free(rows);
            break;
        default:
            fail();
        }
    }
    assert_int_equal(got_id, 1);
    cq_assoc *a = NULL;
    cq_accessor kind = 0;
    CQ_ASSERT_ERR(f->db, CQ_EUNKNOWN_ASSOC,
                  cq_model_find_accessor(&a, &kind, pu.project, "addInitiator"));
    assert_string_equal(cq_db_error(f->db)->message,
                        "instance of model project has no method addInitiator");
    cq_instance_free(u);
    cq_instance_free(p);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(test_assoc_single__##name, fx_setup, fx_teardown)
    const struct CMUnitTest tests[] = {
        T(belongs_to_get_set),
        T(belongs_to_set_raw_key_and_no_save),
        T(belongs_to_create),
        T(belongs_to_target_key),
        T(belongs_to_missing_target_row),
        T(has_one_set_moves_the_key),
        T(has_one_get_has_limit),
        T(has_one_create_detaches_previous),
        T(has_one_create_with_fields),
        T(has_one_scope),
        T(scenario_32_set_null_and_author),
        T(unsaved_source_is_refused),
        T(wrong_targets_are_refused),
        T(call_by_method_name),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
