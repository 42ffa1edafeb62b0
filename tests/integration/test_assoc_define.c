/* Integration tests for association definitions: injected keys, their columns and constraints
 * as SQLite stores them, join models, accessor names and definition errors
 * (spec/associations.md sections 1-5 and 8-9, naming.md sections 5-6). */
#define _POSIX_C_SOURCE 200809L
#include "cq_fixture.h"

#include <stdlib.h>
#include <string.h>

/* ---- fixtures and helpers ------------------------------------------------------------ */

static const cq_attr name_attrs[] = { { .name = "name", .type = CQ_STRING }, { 0 } };

static cq_model *define(cq_db *db, const char *name, const cq_attr *attrs,
                        const cq_model_opts *opts)
{
    cq_model *m = NULL;
    CQ_ASSERT_OK(db, cq_db_define(&m, db, name, attrs, opts));
    return m;
}

/* sqlite_master.sql of `table` after a sync (a static buffer, valid until the next call). */
static const char *table_sql(cq_db *db, const char *table)
{
    static char buf[4096];
    cq_value *params = cq_value_array();
    cq_value *rows = NULL;
    assert_int_equal(cq_value_array_append(params, cq_value_text(table)), CQ_OK);
    CQ_ASSERT_OK(db, cq_db_query(&rows, db,
                                 "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                                 params, NULL));
    cq_value_free(params);
    buf[0] = '\0';
    if (cq_value_size(rows) == 1)
        snprintf(buf, sizeof buf, "%s",
                 cq_value_as_text(cq_value_object_get(cq_value_array_get(rows, 0), "sql")));
    cq_value_free(rows);
    return buf;
}

/* Syncs the db and asserts that the CREATE TABLE of `table` contains `fragment`. */
static void assert_ddl_has(cq_db *db, const char *table, const char *fragment)
{
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    const char *sql = table_sql(db, table);
    if (!strstr(sql, fragment)) {
        print_error("table %s:\n  %s\ndoes not contain\n  %s\n", table, sql, fragment);
        fail();
    }
}

static void assert_ddl_lacks(cq_db *db, const char *table, const char *fragment)
{
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    const char *sql = table_sql(db, table);
    if (strstr(sql, fragment)) {
        print_error("table %s:\n  %s\ncontains\n  %s\n", table, sql, fragment);
        fail();
    }
}

/* The attribute names of `m`, comma-separated, e.g. "id,name,createdAt,updatedAt,teamId". */
static void assert_attrs(const cq_model *m, const char *expected)
{
    char buf[1024] = "";
    for (size_t i = 0; i < cq_model_attr_count(m); i++) {
        if (i)
            strcat(buf, ",");
        strcat(buf, cq_model_attr_name(m, i));
    }
    if (strcmp(buf, expected) != 0) {
        print_error("attributes of %s: %s, expected %s\n", cq_model_name(m), buf, expected);
        fail();
    }
}

static void assert_field(const cq_model *m, const char *attr, const char *field)
{
    long i = cq_model_attr_index(m, attr);
    if (i < 0) {
        print_error("%s has no attribute %s\n", cq_model_name(m), attr);
        fail();
    }
    assert_string_equal(cq_model_attr_field(m, (size_t)i), field);
}

static void assert_error(cq_db *db, int code, int rc, const char *message)
{
    if (rc != code) {
        print_error("returned %s, expected %s: %s\n", cq_error_name(rc), cq_error_name(code),
                    cq_db_error(db)->message);
        fail();
    }
    assert_string_equal(cq_db_error(db)->message, message);
}

/* All accessor names of `a`, space-separated, in cq_accessor order (missing ones skipped). */
static void assert_accessors(const cq_assoc *a, const char *expected)
{
    char buf[1024] = "";
    for (int k = CQ_ACC_GET; k <= CQ_ACC_COUNT; k++) {
        const char *n = cq_assoc_accessor_name(a, (cq_accessor)k);
        if (!n)
            continue;
        if (buf[0])
            strcat(buf, " ");
        strcat(buf, n);
    }
    if (strcmp(buf, expected) != 0) {
        print_error("accessors: %s\nexpected:  %s\n", buf, expected);
        fail();
    }
}

/* ---- belongsTo / hasOne: keys and columns (issue 6) ---------------------------------- */

/* Seed: Player/Team/Coach (associations.md 3). */
static void test_assoc_define__player_team_coach_keys(void **state)
{
    cq_db *db = *state;
    cq_model *player = define(db, "player", name_attrs, NULL);
    cq_model *team = define(db, "team", name_attrs, NULL);
    cq_model *coach = define(db, "coach", name_attrs, NULL);
    cq_assoc *a = NULL;

    CQ_ASSERT_OK(db, cq_model_belongs_to(&a, player, team, NULL));
    assert_string_equal(cq_assoc_foreign_key(a), "teamId");
    assert_string_equal(cq_assoc_as(a), "team");
    assert_false(cq_assoc_is_aliased(a));
    assert_accessors(a, "getTeam setTeam createTeam");
    CQ_ASSERT_OK(db, cq_model_has_one(&a, player, team, NULL));
    assert_string_equal(cq_assoc_foreign_key(a), "playerId");
    CQ_ASSERT_OK(db, cq_model_belongs_to(&a, team, player, NULL));
    assert_string_equal(cq_assoc_foreign_key(a), "playerId");
    CQ_ASSERT_OK(db, cq_model_has_one(&a, team, player, NULL));
    assert_string_equal(cq_assoc_foreign_key(a), "teamId");
    CQ_ASSERT_OK(db, cq_model_has_one(&a, coach, team, NULL));
    assert_string_equal(cq_assoc_foreign_key(a), "coachId");

    /* one column per key name, appended after the timestamps */
    assert_attrs(player, "id,name,createdAt,updatedAt,teamId");
    assert_attrs(team, "id,name,createdAt,updatedAt,playerId,coachId");
    assert_ddl_has(db, "players",
                   "`teamId` INTEGER REFERENCES `teams` (`id`) ON DELETE SET NULL ON UPDATE "
                   "CASCADE");
    assert_ddl_has(db, "teams",
                   "`coachId` INTEGER REFERENCES `coaches` (`id`) ON DELETE SET NULL ON UPDATE "
                   "CASCADE");
}

/* naming.md 5.2: underscored holder + uuid key -> attribute companyUuid, column company_uuid. */
static void test_assoc_define__belongs_to_underscored_uuid_key(void **state)
{
    cq_db *db = *state;
    const cq_attr company_attrs[] = {
        { .name = "uuid", .type = CQ_UUID, .primary_key = true, .default_fn = CQ_DEFAULT_UUIDV4 },
        { .name = "name", .type = CQ_STRING },
        { 0 },
    };
    cq_model *user = define(db, "user", name_attrs, &(cq_model_opts){ .underscored = CQ_ON });
    cq_model *company = define(db, "company", company_attrs, NULL);
    cq_assoc *a = NULL;

    CQ_ASSERT_OK(db, cq_model_belongs_to(&a, user, company, NULL));
    assert_string_equal(cq_assoc_foreign_key(a), "companyUuid");
    assert_string_equal(cq_assoc_target_key(a), "uuid");
    assert_field(user, "companyUuid", "company_uuid");
    assert_int_equal(cq_model_attr_type(user, (size_t)cq_model_attr_index(user, "companyUuid")),
                     CQ_UUID);
    assert_ddl_has(db, "users",
                   "`company_uuid` UUID REFERENCES `companies` (`uuid`) ON DELETE SET NULL ON "
                   "UPDATE CASCADE");
}

static void test_assoc_define__belongs_to_plain_as_and_foreign_key(void **state)
{
    cq_db *db = *state;
    cq_model *user = define(db, "user", name_attrs, NULL);
    cq_model *company = define(db, "company", name_attrs, NULL);
    cq_model *role = define(db, "userRole", name_attrs, NULL);
    cq_assoc *a = NULL;

    CQ_ASSERT_OK(db, cq_model_belongs_to(&a, user, company, NULL));
    assert_string_equal(cq_assoc_foreign_key(a), "companyId");
    CQ_ASSERT_OK(db, cq_model_belongs_to(&a, user, role, &(cq_assoc_opts){ .as = "role" }));
    assert_string_equal(cq_assoc_foreign_key(a), "roleId");
    assert_true(cq_assoc_is_aliased(a));
    assert_accessors(a, "getRole setRole createRole");
    CQ_ASSERT_OK(
        db, cq_model_belongs_to(&a, user, company,
                                &(cq_assoc_opts){ .as = "employer", .foreign_key = "fk_company" }));
    assert_string_equal(cq_assoc_foreign_key(a), "fk_company");
    assert_attrs(user, "id,name,createdAt,updatedAt,companyId,roleId,fk_company");
    assert_ddl_has(db, "users", "`roleId` INTEGER REFERENCES `userRoles` (`id`)");
    assert_ddl_has(db, "users", "`fk_company` INTEGER REFERENCES `companies` (`id`)");
}

/* associations.md 2: targetKey 'name' -> VARCHAR(100) REFERENCES companies(name). */
static void test_assoc_define__belongs_to_target_key_type_and_reference(void **state)
{
    cq_db *db = *state;
    const cq_attr company_attrs[] = {
        { .name = "name", .type = CQ_STRING, .length = 100, .unique = true },
        { 0 },
    };
    cq_model *user = define(db, "user", name_attrs, NULL);
    cq_model *company = define(db, "company", company_attrs, NULL);
    cq_assoc *a = NULL;

    CQ_ASSERT_OK(db, cq_model_belongs_to(&a, user, company,
                                         &(cq_assoc_opts){ .foreign_key = "fk_companyname",
                                                           .target_key = "name" }));
    assert_string_equal(cq_assoc_target_key(a), "name");
    assert_ddl_has(db, "users",
                   "`fk_companyname` VARCHAR(100) REFERENCES `companies` (`name`) ON DELETE SET "
                   "NULL ON UPDATE CASCADE");
}

static void test_assoc_define__key_type_option_overrides(void **state)
{
    cq_db *db = *state;
    cq_model *user = define(db, "user", name_attrs, NULL);
    cq_model *company = define(db, "company", name_attrs, NULL);

    CQ_ASSERT_OK(
        db, cq_model_belongs_to(NULL, user, company, &(cq_assoc_opts){ .key_type = CQ_BIGINT }));
    assert_ddl_has(db, "users", "`companyId` BIGINT REFERENCES");
}

/* Seed: Project.hasOne(User) variants (associations.md 3, naming.md 5.2). */
static void test_assoc_define__has_one_project_user_keys(void **state)
{
    cq_db *db = *state;
    cq_model *project = define(db, "project", name_attrs, NULL);
    cq_model *user = define(db, "user", name_attrs, NULL);
    cq_model *worker = define(db, "worker", name_attrs, NULL);
    cq_model *member = define(db, "member", name_attrs, NULL);
    cq_assoc *a = NULL;

    CQ_ASSERT_OK(db, cq_model_has_one(&a, project, user, NULL));
    assert_string_equal(cq_assoc_foreign_key(a), "projectId");
    assert_string_equal(cq_assoc_source_key(a), "id");
    assert_accessors(a, "getUser setUser createUser");
    CQ_ASSERT_OK(db, cq_model_has_one(&a, project, worker,
                                      &(cq_assoc_opts){ .foreign_key = "initiator_id" }));
    assert_string_equal(cq_assoc_foreign_key(a), "initiator_id");
    CQ_ASSERT_OK(db, cq_model_has_one(&a, project, member, &(cq_assoc_opts){ .as = "Initiator" }));
    assert_string_equal(cq_assoc_foreign_key(a), "InitiatorId");
    assert_accessors(a, "getInitiator setInitiator createInitiator");
    assert_ddl_has(db, "users", "`projectId` INTEGER REFERENCES `projects` (`id`)");
    assert_ddl_has(db, "workers", "`initiator_id` INTEGER REFERENCES `projects` (`id`)");
    assert_ddl_has(db, "members",
                   "`InitiatorId` INTEGER REFERENCES `projects` (`id`) ON DELETE SET NULL ON "
                   "UPDATE CASCADE");
}

static void test_assoc_define__has_one_self_father(void **state)
{
    cq_db *db = *state;
    cq_model *person = define(db, "person", name_attrs, NULL);
    cq_assoc *a = NULL, *b = NULL;

    CQ_ASSERT_OK(db, cq_model_has_one(&a, person, person, &(cq_assoc_opts){ .as = "Father" }));
    assert_string_equal(cq_assoc_foreign_key(a), "FatherId");
    assert_accessors(a, "getFather setFather createFather");
    CQ_ASSERT_OK(db, cq_model_has_one(&b, person, person,
                                      &(cq_assoc_opts){ .as = "Dad", .foreign_key = "DadId" }));
    assert_string_equal(cq_assoc_foreign_key(b), "DadId");
    assert_attrs(person, "id,name,createdAt,updatedAt,FatherId,DadId");
    assert_ddl_has(db, "people", "`FatherId` INTEGER REFERENCES `people` (`id`)");
    assert_ddl_has(db, "people", "`DadId` INTEGER REFERENCES `people` (`id`)");
}

/* Seed: Team.hasOne(Game) twice + Game.belongsTo(Team). */
static void test_assoc_define__home_and_away_teams(void **state)
{
    cq_db *db = *state;
    cq_model *team = define(db, "team", name_attrs, NULL);
    cq_model *game = define(db, "game", name_attrs, NULL);

    CQ_ASSERT_OK(
        db, cq_model_has_one(NULL, team, game,
                             &(cq_assoc_opts){ .as = "HomeTeam", .foreign_key = "homeTeamId" }));
    CQ_ASSERT_OK(
        db, cq_model_has_one(NULL, team, game,
                             &(cq_assoc_opts){ .as = "AwayTeam", .foreign_key = "awayTeamId" }));
    CQ_ASSERT_OK(db, cq_model_belongs_to(NULL, game, team, NULL));
    assert_attrs(game, "id,name,createdAt,updatedAt,homeTeamId,awayTeamId,teamId");
    const char *cols[] = { "homeTeamId", "awayTeamId", "teamId" };
    for (int i = 0; i < 3; i++) {
        char frag[256];
        snprintf(frag, sizeof frag,
                 "`%s` INTEGER REFERENCES `teams` (`id`) ON DELETE SET NULL ON UPDATE CASCADE",
                 cols[i]);
        assert_ddl_has(db, "games", frag);
    }
}

/* associations.md 8: Invoice/Subscription with and without `as`. */
static void test_assoc_define__invoice_subscription_shared_key(void **state)
{
    cq_db *db = *state;
    cq_model *invoice = define(db, "invoice", name_attrs, NULL);
    cq_model *sub = define(db, "subscription", name_attrs, NULL);

    CQ_ASSERT_OK(db, cq_model_belongs_to(NULL, invoice, sub, NULL));
    CQ_ASSERT_OK(db, cq_model_has_many(NULL, sub, invoice, NULL));
    assert_attrs(invoice, "id,name,createdAt,updatedAt,subscriptionId");
}

static void test_assoc_define__invoice_subscription_alias_gives_two_keys(void **state)
{
    cq_db *db = *state;
    cq_model *invoice = define(db, "invoice", name_attrs, NULL);
    cq_model *sub = define(db, "subscription", name_attrs, NULL);

    CQ_ASSERT_OK(
        db, cq_model_belongs_to(NULL, invoice, sub, &(cq_assoc_opts){ .as = "TheSubscription" }));
    CQ_ASSERT_OK(db, cq_model_has_many(NULL, sub, invoice, NULL));
    assert_attrs(invoice, "id,name,createdAt,updatedAt,TheSubscriptionId,subscriptionId");
    assert_ddl_has(db, "invoices",
                   "`TheSubscriptionId` INTEGER REFERENCES `subscriptions` (`id`) ON DELETE SET "
                   "NULL ON UPDATE CASCADE");
    assert_ddl_has(db, "invoices",
                   "`subscriptionId` INTEGER REFERENCES `subscriptions` (`id`) ON DELETE SET "
                   "NULL ON UPDATE CASCADE");
}

static void test_assoc_define__invoice_subscription_fixed_with_foreign_key(void **state)
{
    cq_db *db = *state;
    cq_model *invoice = define(db, "invoice", name_attrs, NULL);
    cq_model *sub = define(db, "subscription", name_attrs, NULL);

    CQ_ASSERT_OK(db, cq_model_belongs_to(NULL, invoice, sub,
                                         &(cq_assoc_opts){ .as = "TheSubscription",
                                                           .foreign_key = "subscription_id" }));
    CQ_ASSERT_OK(db, cq_model_has_many(NULL, sub, invoice,
                                       &(cq_assoc_opts){ .foreign_key = "subscription_id" }));
    assert_attrs(invoice, "id,name,createdAt,updatedAt,subscription_id");
}

/* ---- hasMany ---------------------------------------------------------------------------- */

static void test_assoc_define__has_many_workers_accessors(void **state)
{
    cq_db *db = *state;
    cq_model *project = define(db, "project", name_attrs, NULL);
    cq_model *user = define(db, "user", name_attrs, NULL);
    cq_assoc *a = NULL;

    CQ_ASSERT_OK(db, cq_model_has_many(&a, project, user, &(cq_assoc_opts){ .as = "Workers" }));
    assert_string_equal(cq_assoc_foreign_key(a), "projectId"); /* `as` does not change it */
    assert_string_equal(cq_assoc_singular(a), "Worker");
    assert_string_equal(cq_assoc_plural(a), "Workers");
    assert_accessors(a, "getWorkers setWorkers createWorker addWorker addWorkers removeWorker "
                        "removeWorkers hasWorker hasWorkers countWorkers");
    assert_ddl_has(db, "users",
                   "`projectId` INTEGER REFERENCES `projects` (`id`) ON DELETE SET NULL ON UPDATE "
                   "CASCADE");
}

static void test_assoc_define__has_many_underscored_target_column(void **state)
{
    cq_db *db = *state;
    cq_model *country = define(db, "country", name_attrs, NULL);
    cq_model *city = define(db, "city", name_attrs, &(cq_model_opts){ .underscored = CQ_ON });

    CQ_ASSERT_OK(db, cq_model_has_many(NULL, country, city,
                                       &(cq_assoc_opts){ .foreign_key = "countryCode" }));
    assert_field(city, "countryCode", "country_code");
}

/* Seed Country/City on isoCode, with a declared countryCode (associations.md 1.2). */
static void test_assoc_define__has_many_source_key_iso_code(void **state)
{
    cq_db *db = *state;
    const cq_attr country_attrs[] = {
        { .name = "isoCode", .type = CQ_STRING, .unique = true },
        { .name = "name", .type = CQ_STRING },
        { 0 },
    };
    const cq_attr city_attrs[] = {
        { .name = "countryCode", .type = CQ_STRING },
        { .name = "name", .type = CQ_STRING },
        { 0 },
    };
    cq_model *country = define(db, "country", country_attrs, NULL);
    cq_model *city = define(db, "city", city_attrs, NULL);
    cq_assoc *a = NULL;

    CQ_ASSERT_OK(db, cq_model_has_many(&a, country, city,
                                       &(cq_assoc_opts){ .foreign_key = "countryCode",
                                                         .source_key = "isoCode" }));
    assert_string_equal(cq_assoc_source_key(a), "isoCode");
    assert_attrs(city, "id,countryCode,name,createdAt,updatedAt"); /* keeps its place */
    assert_ddl_has(db, "cities",
                   "`countryCode` VARCHAR(255) REFERENCES `countries` (`isoCode`) ON DELETE "
                   "CASCADE ON UPDATE CASCADE");
}

/* Default name with a non-PK sourceKey: countryId typed like isoCode (naming.md 5.2). */
static void test_assoc_define__has_many_source_key_default_name(void **state)
{
    cq_db *db = *state;
    const cq_attr country_attrs[] = {
        { .name = "isoCode", .type = CQ_CHAR, .length = 2, .unique = true },
        { 0 },
    };
    cq_model *country = define(db, "country", country_attrs, NULL);
    cq_model *city = define(db, "city", name_attrs, NULL);

    CQ_ASSERT_OK(
        db, cq_model_has_many(NULL, country, city, &(cq_assoc_opts){ .source_key = "isoCode" }));
    assert_ddl_has(db, "cities", "`countryId` CHAR(2) REFERENCES `countries` (`isoCode`)");
}

/* ---- onDelete / onUpdate (associations.md 1.2) --------------------------------------- */

static void test_assoc_define__not_null_defaults_by_type(void **state)
{
    cq_db *db = *state;
    cq_model *a = define(db, "a", name_attrs, NULL);
    cq_model *b = define(db, "b", name_attrs, NULL);

    CQ_ASSERT_OK(db, cq_model_belongs_to(NULL, a, b,
                                         &(cq_assoc_opts){ .foreign_key_attr = &(cq_attr){
                                                               .allow_null = CQ_OFF } }));
    CQ_ASSERT_OK(db,
                 cq_model_has_one(NULL, b, a,
                                  &(cq_assoc_opts){ .as = "x",
                                                    .foreign_key_attr = &(cq_attr){
                                                        .name = "xId", .allow_null = CQ_OFF } }));
    CQ_ASSERT_OK(db,
                 cq_model_has_many(NULL, b, a,
                                   &(cq_assoc_opts){ .as = "ys",
                                                     .foreign_key_attr = &(cq_attr){
                                                         .name = "yId", .allow_null = CQ_OFF } }));
    assert_ddl_has(db, "as",
                   "`bId` INTEGER NOT NULL REFERENCES `bs` (`id`) ON DELETE NO ACTION ON UPDATE "
                   "CASCADE");
    assert_ddl_has(db, "as",
                   "`xId` INTEGER NOT NULL REFERENCES `bs` (`id`) ON DELETE CASCADE ON UPDATE "
                   "CASCADE");
    assert_ddl_has(db, "as",
                   "`yId` INTEGER NOT NULL REFERENCES `bs` (`id`) ON DELETE CASCADE ON UPDATE "
                   "CASCADE");
}

/* A declared attribute without allowNull counts as NOT nullable for the default but stays
 * nullable; declared allowNull true gives SET NULL; declared type and field are kept. */
static void test_assoc_define__merge_with_declared_attribute(void **state)
{
    cq_db *db = *state;
    const cq_attr a_attrs[] = {
        { .name = "bId", .type = CQ_INTEGER },
        { .name = "cId", .type = CQ_INTEGER, .allow_null = CQ_ON },
        { .name = "dId", .type = CQ_STRING, .field = "d_ref" },
        { 0 },
    };
    cq_model *a = define(db, "a", a_attrs, NULL);
    cq_model *b = define(db, "b", name_attrs, NULL);
    cq_model *c = define(db, "c", name_attrs, NULL);
    cq_model *d = define(db, "d", name_attrs, NULL);

    CQ_ASSERT_OK(db, cq_model_belongs_to(NULL, a, b, NULL));
    CQ_ASSERT_OK(db, cq_model_belongs_to(NULL, a, c, NULL));
    CQ_ASSERT_OK(db, cq_model_belongs_to(NULL, a, d, NULL));
    assert_attrs(a, "id,bId,cId,dId,createdAt,updatedAt");
    assert_ddl_has(db, "as",
                   "`bId` INTEGER REFERENCES `bs` (`id`) ON DELETE NO ACTION ON UPDATE CASCADE");
    assert_ddl_has(db, "as",
                   "`cId` INTEGER REFERENCES `cs` (`id`) ON DELETE SET NULL ON UPDATE CASCADE");
    assert_ddl_has(db, "as", "`d_ref` VARCHAR(255) REFERENCES `ds` (`id`)");
}

/* Explicit values are upper-cased; two associations on one key keep the first values. */
static void test_assoc_define__explicit_actions_first_wins(void **state)
{
    cq_db *db = *state;
    cq_model *user = define(db, "user", name_attrs, NULL);
    cq_model *task = define(db, "task", name_attrs, NULL);
    cq_model *note = define(db, "note", name_attrs, NULL);

    CQ_ASSERT_OK(
        db, cq_model_has_many(NULL, user, task, &(cq_assoc_opts){ .on_delete = CQ_REF_CASCADE }));
    CQ_ASSERT_OK(db, cq_model_belongs_to(NULL, task, user,
                                         &(cq_assoc_opts){ .on_delete = CQ_REF_RESTRICT }));
    CQ_ASSERT_OK(db, cq_model_belongs_to(NULL, note, user,
                                         &(cq_assoc_opts){ .on_delete = CQ_REF_CASCADE,
                                                           .on_update = CQ_REF_RESTRICT }));
    assert_attrs(task, "id,name,createdAt,updatedAt,userId");
    assert_ddl_has(db, "tasks",
                   "`userId` INTEGER REFERENCES `users` (`id`) ON DELETE CASCADE ON UPDATE "
                   "CASCADE");
    assert_ddl_has(db, "notes",
                   "`userId` INTEGER REFERENCES `users` (`id`) ON DELETE CASCADE ON UPDATE "
                   "RESTRICT");
}

/* belongsTo(allowNull:false) then hasMany: NOT NULL, NO ACTION; with the object on the
 * hasMany first: NOT NULL, CASCADE. */
static void test_assoc_define__not_null_key_shared_by_two_sides(void **state)
{
    cq_db *db = *state;
    cq_model *user = define(db, "user", name_attrs, NULL);
    cq_model *task = define(db, "task", name_attrs, NULL);
    cq_model *team = define(db, "team", name_attrs, NULL);
    cq_model *player = define(db, "player", name_attrs, NULL);
    const cq_attr not_null = { .allow_null = CQ_OFF };

    CQ_ASSERT_OK(db, cq_model_belongs_to(NULL, task, user,
                                         &(cq_assoc_opts){ .foreign_key_attr = &not_null }));
    CQ_ASSERT_OK(db, cq_model_has_many(NULL, user, task, NULL));
    CQ_ASSERT_OK(db, cq_model_has_many(NULL, team, player,
                                       &(cq_assoc_opts){ .foreign_key_attr = &not_null }));
    CQ_ASSERT_OK(db, cq_model_belongs_to(NULL, player, team, NULL));
    assert_ddl_has(db, "tasks",
                   "`userId` INTEGER NOT NULL REFERENCES `users` (`id`) ON DELETE NO ACTION ON "
                   "UPDATE CASCADE");
    assert_ddl_has(db, "players",
                   "`teamId` INTEGER NOT NULL REFERENCES `teams` (`id`) ON DELETE CASCADE ON "
                   "UPDATE CASCADE");
}

static void test_assoc_define__constraints_off(void **state)
{
    cq_db *db = *state;
    cq_model *a = define(db, "a", name_attrs, NULL);
    cq_model *b = define(db, "b", name_attrs, NULL);

    CQ_ASSERT_OK(db, cq_model_belongs_to(NULL, a, b, &(cq_assoc_opts){ .constraints = CQ_OFF }));
    CQ_ASSERT_OK(
        db, cq_model_belongs_to(
                NULL, a, b,
                &(cq_assoc_opts){ .as = "x", .constraints = CQ_OFF, .on_delete = CQ_REF_CASCADE }));
    /* foreignKeyConstraint: a REFERENCES clause with no action at all */
    CQ_ASSERT_OK(db, cq_model_belongs_to(NULL, a, b,
                                         &(cq_assoc_opts){ .as = "y",
                                                           .constraints = CQ_OFF,
                                                           .foreign_key_constraint = CQ_ON }));
    assert_ddl_has(db, "as", "`bId` INTEGER,");
    assert_ddl_has(db, "as", "`xId` INTEGER REFERENCES `bs` (`id`) ON DELETE CASCADE,");
    assert_ddl_has(db, "as", "`yId` INTEGER REFERENCES `bs` (`id`))");
}

/* ---- errors (associations.md 9; DEVIATIONS D9, D11, D13) --------------------------- */

static void test_assoc_define__naming_collision_error_leaves_model_unchanged(void **state)
{
    cq_db *db = *state;
    const cq_attr user_attrs[] = { { .name = "company", .type = CQ_STRING }, { 0 } };
    cq_model *user = define(db, "user", user_attrs, NULL);
    cq_model *company = define(db, "company", name_attrs, NULL);

    assert_error(db, CQ_EASSOC, cq_model_belongs_to(NULL, user, company, NULL),
                 "Naming collision between attribute 'company' and association 'company' on "
                 "model user. To remedy this, change either foreignKey or as in your association "
                 "definition");
    assert_attrs(user, "id,company,createdAt,updatedAt"); /* no companyId left behind */
    assert_int_equal(cq_model_assoc_count(user), 0);
    assert_null(cq_model_assoc(user, "company"));
}

static void test_assoc_define__naming_collision_with_the_injected_key(void **state)
{
    cq_db *db = *state;
    cq_model *user = define(db, "user", name_attrs, NULL);
    cq_model *company = define(db, "company", name_attrs, NULL);
    cq_model *task = define(db, "task", name_attrs, NULL);

    assert_error(db, CQ_EASSOC,
                 cq_model_belongs_to(NULL, user, company,
                                     &(cq_assoc_opts){ .as = "company", .foreign_key = "company" }),
                 "Naming collision between attribute 'company' and association 'company' on "
                 "model user. To remedy this, change either foreignKey or as in your association "
                 "definition");
    assert_attrs(user, "id,name,createdAt,updatedAt");
    /* not a collision: the key lives on the target */
    CQ_ASSERT_OK(db, cq_model_has_many(NULL, user, task,
                                       &(cq_assoc_opts){ .as = "tasks", .foreign_key = "tasks" }));
    assert_attrs(task, "id,name,createdAt,updatedAt,tasks");
}

static void test_assoc_define__naming_collision_has_many_and_btm(void **state)
{
    cq_db *db = *state;
    const cq_attr user_attrs[] = {
        { .name = "tasks", .type = CQ_STRING },
        { .name = "projects", .type = CQ_STRING },
        { 0 },
    };
    cq_model *user = define(db, "user", user_attrs, NULL);
    cq_model *task = define(db, "task", name_attrs, NULL);
    cq_model *project = define(db, "project", name_attrs, NULL);

    assert_error(db, CQ_EASSOC, cq_model_has_many(NULL, user, task, NULL),
                 "Naming collision between attribute 'tasks' and association 'tasks' on model "
                 "user. To remedy this, change either foreignKey or as in your association "
                 "definition");
    assert_attrs(task, "id,name,createdAt,updatedAt");
    assert_error(
        db, CQ_EASSOC,
        cq_model_belongs_to_many(NULL, user, project, &(cq_assoc_opts){ .through = "UserProject" }),
        "Naming collision between attribute 'projects' and association 'projects' on "
        "model user. To remedy this, change either foreignKey or as in your association "
        "definition");
    assert_null(cq_db_model(db, "UserProject")); /* the generated join model is gone too */
}

static void test_assoc_define__duplicate_alias_error(void **state)
{
    cq_db *db = *state;
    cq_model *user = define(db, "user", name_attrs, NULL);
    cq_model *company = define(db, "company", name_attrs, NULL);
    cq_model *project = define(db, "project", name_attrs, NULL);

    CQ_ASSERT_OK(db, cq_model_belongs_to(NULL, user, company, &(cq_assoc_opts){ .as = "owner" }));
    assert_error(db, CQ_EASSOC,
                 cq_model_has_many(NULL, user, project, &(cq_assoc_opts){ .as = "owner" }),
                 "You have used the alias owner in two separate associations. Aliased "
                 "associations must have unique aliases.");
    assert_attrs(project, "id,name,createdAt,updatedAt");
    assert_int_equal(cq_model_assoc_count(user), 1);
    /* a non-aliased redefinition silently replaces the registry entry */
    CQ_ASSERT_OK(db, cq_model_belongs_to(NULL, user, project, NULL));
    cq_assoc *again = NULL;
    CQ_ASSERT_OK(db, cq_model_has_one(&again, user, project, NULL));
    assert_ptr_equal(cq_model_assoc(user, "project"), again);
}

static void test_assoc_define__unknown_key_errors(void **state)
{
    cq_db *db = *state;
    cq_model *user = define(db, "user", name_attrs, NULL);
    cq_model *company = define(db, "company", name_attrs, NULL);

    assert_error(db, CQ_EASSOC,
                 cq_model_belongs_to(NULL, user, company, &(cq_assoc_opts){ .target_key = "code" }),
                 "Unknown attribute \"code\" passed as targetKey, define this attribute on model "
                 "\"company\" first");
    assert_error(db, CQ_EASSOC,
                 cq_model_has_one(NULL, user, company, &(cq_assoc_opts){ .source_key = "code" }),
                 "Unknown attribute \"code\" passed as sourceKey, define this attribute on model "
                 "\"user\" first");
    assert_error(db, CQ_EASSOC,
                 cq_model_has_many(NULL, user, company, &(cq_assoc_opts){ .source_key = "code" }),
                 "Unknown attribute \"code\" passed as sourceKey, define this attribute on model "
                 "\"user\" first");
    assert_error(
        db, CQ_EASSOC,
        cq_model_belongs_to_many(NULL, user, company,
                                 &(cq_assoc_opts){ .through = "UC", .target_key = "code" }),
        "Unknown attribute \"code\" passed as targetKey, define this attribute on model "
        "\"company\" first");
    assert_attrs(user, "id,name,createdAt,updatedAt");
    assert_attrs(company, "id,name,createdAt,updatedAt");
    assert_null(cq_db_model(db, "UC"));
}

static void test_assoc_define__non_unique_source_key_rejected(void **state)
{
    cq_db *db = *state;
    cq_model *country = define(db, "country", name_attrs, NULL);
    cq_model *city = define(db, "city", name_attrs, NULL);

    /* DEVIATIONS D9: rejected at definition, naming the key */
    int rc = cq_model_has_many(NULL, country, city, &(cq_assoc_opts){ .source_key = "name" });
    assert_int_equal(rc, CQ_EASSOC);
    assert_non_null(strstr(cq_db_error(db)->message, "\"name\""));
    assert_attrs(city, "id,name,createdAt,updatedAt");
}

static void test_assoc_define__type_and_option_errors(void **state)
{
    cq_db *db = *state;
    cq_model *user = define(db, "user", name_attrs, NULL);
    cq_model *project = define(db, "project", name_attrs, NULL);
    cq_model *person = define(db, "person", name_attrs, NULL);

    assert_error(db, CQ_EINVALID, cq_model_has_many(NULL, user, NULL, NULL),
                 "user.hasMany called with something that's not a subclass of Sequelize.Model");
    assert_error(db, CQ_EINVALID, cq_model_belongs_to(NULL, user, NULL, NULL),
                 "user.belongsTo called with something that's not a subclass of Sequelize.Model");
    assert_error(db, CQ_EASSOC,
                 cq_model_has_many(NULL, user, project, &(cq_assoc_opts){ .through = "UP" }),
                 "N:M associations are not supported with hasMany. Use belongsToMany instead");
    assert_error(db, CQ_EASSOC, cq_model_belongs_to_many(NULL, user, project, NULL),
                 "user.belongsToMany(project) requires through option, pass either a string or "
                 "a model");
    assert_error(db, CQ_EASSOC,
                 cq_model_belongs_to_many(NULL, person, person,
                                          &(cq_assoc_opts){ .through = "PersonChildren" }),
                 "'as' must be defined for many-to-many self-associations");
    /* DEVIATIONS D13 */
    assert_int_equal(cq_model_belongs_to(NULL, user, project,
                                         &(cq_assoc_opts){ .on_delete = (cq_ref_action)99 }),
                     CQ_EINVALID);
    assert_non_null(strstr(cq_db_error(db)->message, "onDelete 99 is not a cq_ref_action"));
    assert_int_equal(cq_model_assoc_count(user), 0);
    assert_int_equal(cq_model_assoc_count(person), 0);
    assert_attrs(project, "id,name,createdAt,updatedAt");
    assert_null(cq_db_model(db, "UP"));
    assert_null(cq_db_model(db, "PersonChildren"));
}

/* ---- belongsToMany (issue 7) -------------------------------------------------------- */

/* Project/User through 'UserProject': one generated join model, composite primary key. */
static void test_assoc_define__btm_string_through_shared(void **state)
{
    cq_db *db = *state;
    cq_model *project = define(db, "project", name_attrs, NULL);
    cq_model *user = define(db, "user", name_attrs, NULL);
    cq_assoc *a = NULL, *b = NULL;

    CQ_ASSERT_OK(db, cq_model_belongs_to_many(&a, project, user,
                                              &(cq_assoc_opts){ .through = "UserProject" }));
    CQ_ASSERT_OK(db, cq_model_belongs_to_many(&b, user, project,
                                              &(cq_assoc_opts){ .through = "UserProject" }));
    cq_model *up = cq_db_model(db, "UserProject");
    assert_non_null(up);
    assert_ptr_equal(cq_assoc_through(a), up);
    assert_ptr_equal(cq_assoc_through(b), up);
    assert_string_equal(cq_model_table_name(up), "UserProject");
    assert_string_equal(cq_assoc_foreign_key(a), "projectId");
    assert_string_equal(cq_assoc_other_key(a), "userId");
    assert_string_equal(cq_assoc_foreign_key(b), "userId");
    assert_string_equal(cq_assoc_other_key(b), "projectId");
    assert_accessors(a, "getUsers setUsers createUser addUser addUsers removeUser removeUsers "
                        "hasUser hasUsers countUsers");
    assert_attrs(up, "createdAt,updatedAt,projectId,userId");
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    assert_string_equal(table_sql(db, "UserProject"),
                        "CREATE TABLE `UserProject` (`createdAt` DATETIME NOT NULL, `updatedAt` "
                        "DATETIME NOT NULL, `projectId` INTEGER NOT NULL REFERENCES `projects` "
                        "(`id`) ON DELETE CASCADE ON UPDATE CASCADE, `userId` INTEGER NOT NULL "
                        "REFERENCES `users` (`id`) ON DELETE CASCADE ON UPDATE CASCADE, PRIMARY "
                        "KEY (`projectId`, `userId`))");
}

static void test_assoc_define__btm_alias_and_keys_worker_tasks(void **state)
{
    cq_db *db = *state;
    cq_model *user = define(db, "user", name_attrs, NULL);
    cq_model *task = define(db, "task", name_attrs, NULL);
    cq_assoc *a = NULL;

    CQ_ASSERT_OK(db, cq_model_belongs_to_many(&a, user, task,
                                              &(cq_assoc_opts){ .through = "worker_tasks",
                                                                .as = "Tasks",
                                                                .foreign_key = "workerId",
                                                                .other_key = "jobId" }));
    assert_string_equal(cq_assoc_as(a), "Tasks");
    assert_accessors(a, "getTasks setTasks createTask addTask addTasks removeTask removeTasks "
                        "hasTask hasTasks countTasks");
    assert_attrs(cq_assoc_through(a), "createdAt,updatedAt,workerId,jobId");
    assert_ddl_has(db, "worker_tasks", "PRIMARY KEY (`workerId`, `jobId`)");
}

static void test_assoc_define__btm_object_alias(void **state)
{
    cq_db *db = *state;
    cq_model *user = define(db, "user", name_attrs, NULL);
    cq_model *task = define(db, "task", name_attrs, NULL);
    cq_assoc *a = NULL;

    CQ_ASSERT_OK(
        db, cq_model_belongs_to_many(
                &a, user, task,
                &(cq_assoc_opts){ .through = "UT", .as_singular = "task", .as_plural = "tasks" }));
    assert_string_equal(cq_assoc_as(a), "tasks");
    assert_accessors(a, "getTasks setTasks createTask addTask addTasks removeTask removeTasks "
                        "hasTask hasTasks countTasks");
}

static void test_assoc_define__btm_self_children(void **state)
{
    cq_db *db = *state;
    cq_model *person = define(db, "person", name_attrs, NULL);
    cq_assoc *a = NULL;

    CQ_ASSERT_OK(db, cq_model_belongs_to_many(
                         &a, person, person,
                         &(cq_assoc_opts){ .through = "PersonChildren", .as = "Children" }));
    assert_string_equal(cq_assoc_foreign_key(a), "personId");
    assert_string_equal(cq_assoc_other_key(a), "ChildId");
    assert_accessors(a, "getChildren setChildren createChild addChild addChildren removeChild "
                        "removeChildren hasChild hasChildren countChildren");
    assert_ddl_has(db, "PersonChildren",
                   "`ChildId` INTEGER NOT NULL REFERENCES `people` (`id`) ON DELETE CASCADE ON "
                   "UPDATE CASCADE, PRIMARY KEY (`personId`, `ChildId`)");
}

/* A join model with its own id keeps it: nullable keys + composite UNIQUE named after the
 * association defined last (associations.md 5.4). */
static void test_assoc_define__btm_through_model_with_own_id(void **state)
{
    cq_db *db = *state;
    const cq_attr up_attrs[] = {
        { .name = "id", .type = CQ_INTEGER, .primary_key = true, .auto_increment = true },
        { .name = "status", .type = CQ_STRING },
        { 0 },
    };
    cq_model *user = define(db, "user", name_attrs, NULL);
    cq_model *project = define(db, "project", name_attrs, NULL);
    cq_model *up =
        define(db, "userProjects", up_attrs, &(cq_model_opts){ .freeze_table_name = CQ_ON });

    CQ_ASSERT_OK(
        db, cq_model_belongs_to_many(NULL, user, project, &(cq_assoc_opts){ .through_model = up }));
    CQ_ASSERT_OK(
        db, cq_model_belongs_to_many(NULL, project, user, &(cq_assoc_opts){ .through_model = up }));
    assert_attrs(up, "id,status,createdAt,updatedAt,userId,projectId");
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    assert_string_equal(table_sql(db, "userProjects"),
                        "CREATE TABLE `userProjects` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, "
                        "`status` VARCHAR(255), `createdAt` DATETIME NOT NULL, `updatedAt` "
                        "DATETIME NOT NULL, `userId` INTEGER REFERENCES `users` (`id`) ON DELETE "
                        "CASCADE ON UPDATE CASCADE, `projectId` INTEGER REFERENCES `projects` "
                        "(`id`) ON DELETE CASCADE ON UPDATE CASCADE, UNIQUE (`userId`, "
                        "`projectId`))");
    /* the unique index covers exactly the two keys */
    assert_int_equal(cq_test_scalar_int(db,
                                        "SELECT count(*) FROM pragma_index_list('userProjects') "
                                        "WHERE \"unique\" = 1 AND origin = 'u'"),
                     1);
    assert_int_equal(
        cq_test_scalar_int(db, "SELECT count(*) FROM pragma_index_list('userProjects') AS l, "
                               "pragma_index_info(l.name) AS i WHERE l.origin = 'u' AND i.name IN "
                               "('userId', 'projectId')"),
        2);
    /* its name (visible on MySQL) comes from the association defined last */
    char *ddl = NULL;
    CQ_ASSERT_OK(db, cq_db_ddl(&ddl, db, CQ_DIALECT_MYSQL));
    if (!strstr(ddl, "userProjects_projectId_userId_unique")) {
        print_error("MySQL DDL lacks the unique name:\n%s\n", ddl);
        cq_free(ddl);
        fail();
    }
    cq_free(ddl);
}

static void test_assoc_define__btm_unique_off_and_unique_key(void **state)
{
    cq_db *db = *state;
    const cq_attr join_attrs[] = {
        { .name = "id", .type = CQ_INTEGER, .primary_key = true, .auto_increment = true },
        { 0 },
    };
    cq_model *user = define(db, "user", name_attrs, NULL);
    cq_model *project = define(db, "project", name_attrs, NULL);
    cq_model *j1 = define(db, "j1", join_attrs, NULL);
    cq_model *j2 = define(db, "j2", join_attrs, NULL);

    CQ_ASSERT_OK(db, cq_model_belongs_to_many(
                         NULL, user, project,
                         &(cq_assoc_opts){ .through_model = j1, .through_unique = CQ_OFF }));
    CQ_ASSERT_OK(db, cq_model_belongs_to_many(
                         NULL, project, user,
                         &(cq_assoc_opts){ .through_model = j2, .unique_key = "my_pair" }));
    assert_ddl_lacks(db, "j1s", "UNIQUE");
    assert_ddl_has(db, "j2s", "UNIQUE (`projectId`, `userId`)");
    char *ddl = NULL;
    CQ_ASSERT_OK(db, cq_db_ddl(&ddl, db, CQ_DIALECT_MYSQL));
    bool named = strstr(ddl, "my_pair") != NULL;
    cq_free(ddl);
    assert_true(named);
}

static void test_assoc_define__btm_underscored_and_options(void **state)
{
    cq_db *db = *state;
    cq_model *user = define(db, "user", name_attrs, &(cq_model_opts){ .underscored = CQ_ON });
    cq_model *project = define(db, "project", name_attrs, NULL);
    cq_model *tag = define(db, "tag", name_attrs, NULL);
    cq_assoc *a = NULL;

    CQ_ASSERT_OK(db, cq_model_belongs_to_many(&a, user, project,
                                              &(cq_assoc_opts){ .through = "user_projects" }));
    assert_string_equal(cq_assoc_foreign_key(a), "userId");
    cq_model *up = cq_assoc_through(a);
    assert_field(up, "userId", "user_id");
    assert_field(up, "projectId", "project_id");
    assert_field(up, "createdAt", "created_at");
    CQ_ASSERT_OK(
        db, cq_model_belongs_to_many(
                NULL, project, tag,
                &(cq_assoc_opts){ .through = "PT", .timestamps = CQ_OFF, .constraints = CQ_OFF }));
    assert_attrs(cq_db_model(db, "PT"), "projectId,tagId");
    assert_ddl_has(db, "PT",
                   "(`projectId` INTEGER NOT NULL, `tagId` INTEGER NOT NULL, PRIMARY KEY "
                   "(`projectId`, `tagId`))");
}

/* onDelete/onUpdate of a shared join model: foreignKey takes this association's option,
 * otherKey keeps what the other side set (associations.md 5.4). */
static void test_assoc_define__btm_actions_both_sides(void **state)
{
    cq_db *db = *state;
    cq_model *user = define(db, "User", name_attrs, NULL);
    cq_model *group = define(db, "Group", name_attrs, NULL);

    CQ_ASSERT_OK(db, cq_model_belongs_to_many(NULL, user, group,
                                              &(cq_assoc_opts){ .through = "group_user",
                                                                .on_update = CQ_REF_RESTRICT,
                                                                .on_delete = CQ_REF_SET_NULL }));
    CQ_ASSERT_OK(db, cq_model_belongs_to_many(NULL, group, user,
                                              &(cq_assoc_opts){ .through = "group_user",
                                                                .on_update = CQ_REF_SET_NULL,
                                                                .on_delete = CQ_REF_RESTRICT }));
    assert_ddl_has(db, "group_user",
                   "`UserId` INTEGER NOT NULL REFERENCES `Users` (`id`) ON DELETE SET NULL ON "
                   "UPDATE RESTRICT");
    assert_ddl_has(db, "group_user",
                   "`GroupId` INTEGER NOT NULL REFERENCES `Groups` (`id`) ON DELETE RESTRICT ON "
                   "UPDATE SET NULL");
}

/* Seed ItemTag: a given join model with its own id, pairing renames the derived otherKey. */
static void test_assoc_define__btm_item_tag_pairing(void **state)
{
    cq_db *db = *state;
    const cq_attr item_tag_attrs[] = {
        { .name = "id", .type = CQ_INTEGER, .primary_key = true, .auto_increment = true },
        { .name = "tag_id", .type = CQ_INTEGER, .unique_name = "item_tag_taggable" },
        { .name = "taggable", .type = CQ_STRING, .unique_name = "item_tag_taggable" },
        { .name = "taggable_id",
          .type = CQ_INTEGER,
          .unique_name = "item_tag_taggable",
          .references_none = true },
        { 0 },
    };
    cq_model *post = define(db, "post", name_attrs, NULL);
    cq_model *tag = define(db, "tag", name_attrs, NULL);
    cq_model *item_tag = define(db, "item_tag", item_tag_attrs, NULL);
    cq_value *scope = cq_test_json("{\"taggable\":\"post\"}");
    cq_assoc *a = NULL, *b = NULL;

    CQ_ASSERT_OK(db, cq_model_belongs_to_many(&a, post, tag,
                                              &(cq_assoc_opts){ .through_model = item_tag,
                                                                .through_unique = CQ_OFF,
                                                                .through_scope = scope,
                                                                .foreign_key = "taggable_id",
                                                                .constraints = CQ_OFF }));
    assert_string_equal(cq_assoc_other_key(a), "tagId");
    CQ_ASSERT_OK(db, cq_model_belongs_to_many(&b, tag, post,
                                              &(cq_assoc_opts){ .through_model = item_tag,
                                                                .through_unique = CQ_OFF,
                                                                .foreign_key = "tag_id",
                                                                .constraints = CQ_OFF }));
    cq_value_free(scope);
    assert_string_equal(cq_assoc_other_key(a), "tag_id"); /* paired */
    assert_string_equal(cq_assoc_other_key(b), "taggable_id");
    assert_attrs(item_tag, "id,tag_id,taggable,taggable_id,createdAt,updatedAt");
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    assert_string_equal(table_sql(db, "item_tags"),
                        "CREATE TABLE `item_tags` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, "
                        "`tag_id` INTEGER, `taggable` VARCHAR(255), `taggable_id` INTEGER, "
                        "`createdAt` DATETIME NOT NULL, `updatedAt` DATETIME NOT NULL, UNIQUE "
                        "(`tag_id`, `taggable`, `taggable_id`))");
}

/* naming.md 5.4 pitfall: Children + Parents with default keys collapse into one column (as
 * in v6); explicit keys on both sides give two columns. */
static void test_assoc_define__btm_self_both_sides(void **state)
{
    cq_db *db = *state;
    cq_model *person = define(db, "person", name_attrs, NULL);
    cq_model *node = define(db, "node", name_attrs, NULL);
    cq_assoc *children = NULL, *parents = NULL;

    CQ_ASSERT_OK(db, cq_model_belongs_to_many(
                         &children, person, person,
                         &(cq_assoc_opts){ .through = "PersonChildren", .as = "Children" }));
    CQ_ASSERT_OK(db, cq_model_belongs_to_many(
                         &parents, person, person,
                         &(cq_assoc_opts){ .through = "PersonChildren", .as = "Parents" }));
    assert_string_equal(cq_assoc_other_key(children), "personId");
    assert_string_equal(cq_assoc_other_key(parents), "personId");
    assert_attrs(cq_db_model(db, "PersonChildren"), "createdAt,updatedAt,personId");

    CQ_ASSERT_OK(db, cq_model_belongs_to_many(NULL, node, node,
                                              &(cq_assoc_opts){ .through = "NodeLinks",
                                                                .as = "Children",
                                                                .foreign_key = "parentId",
                                                                .other_key = "childId" }));
    CQ_ASSERT_OK(db, cq_model_belongs_to_many(NULL, node, node,
                                              &(cq_assoc_opts){ .through = "NodeLinks",
                                                                .as = "Parents",
                                                                .foreign_key = "childId",
                                                                .other_key = "parentId" }));
    assert_ddl_has(db, "NodeLinks", "PRIMARY KEY (`parentId`, `childId`)");
}

/* `as` as {singular, plural} is for hasMany/belongsToMany only (naming.md 4). */
static void test_assoc_define__object_alias_rejected_for_single(void **state)
{
    cq_db *db = *state;
    cq_model *user = define(db, "user", name_attrs, NULL);
    cq_model *company = define(db, "company", name_attrs, NULL);

    assert_int_equal(
        cq_model_belongs_to(NULL, user, company,
                            &(cq_assoc_opts){ .as_singular = "firm", .as_plural = "firms" }),
        CQ_EINVALID);
    assert_int_equal(
        cq_model_has_one(NULL, user, company,
                         &(cq_assoc_opts){ .as_singular = "firm", .as_plural = "firms" }),
        CQ_EINVALID);
    assert_attrs(user, "id,name,createdAt,updatedAt");
    assert_attrs(company, "id,name,createdAt,updatedAt");
}

/* ---- accessor lookup by method name -------------------------------------------------- */

static void test_assoc_define__find_accessor_by_method_name(void **state)
{
    cq_db *db = *state;
    cq_model *project = define(db, "project", name_attrs, NULL);
    cq_model *user = define(db, "user", name_attrs, NULL);
    cq_model *sheep = define(db, "sheep", name_attrs, NULL);
    cq_assoc *workers = NULL, *initiator = NULL, *flock = NULL, *found = NULL;
    cq_accessor kind = 0;

    CQ_ASSERT_OK(db,
                 cq_model_has_many(&workers, project, user, &(cq_assoc_opts){ .as = "Workers" }));
    CQ_ASSERT_OK(
        db, cq_model_has_one(&initiator, project, user, &(cq_assoc_opts){ .as = "Initiator" }));
    CQ_ASSERT_OK(db, cq_model_has_many(&flock, project, sheep, NULL));
    CQ_ASSERT_OK(db, cq_model_find_accessor(&found, &kind, project, "addWorkers"));
    assert_ptr_equal(found, workers);
    assert_int_equal(kind, CQ_ACC_ADD_MULTIPLE);
    CQ_ASSERT_OK(db, cq_model_find_accessor(&found, &kind, project, "hasWorker"));
    assert_int_equal(kind, CQ_ACC_HAS_SINGLE);
    CQ_ASSERT_OK(db, cq_model_find_accessor(&found, &kind, project, "getInitiator"));
    assert_ptr_equal(found, initiator);
    assert_int_equal(kind, CQ_ACC_GET);
    /* singular == plural: one name, the multiple variant handles both */
    CQ_ASSERT_OK(db, cq_model_find_accessor(&found, &kind, project, "addSheep"));
    assert_ptr_equal(found, flock);
    assert_int_equal(kind, CQ_ACC_ADD_MULTIPLE);
    assert_error(db, CQ_EUNKNOWN_ASSOC, cq_model_find_accessor(&found, &kind, project, "getWorker"),
                 "instance of model project has no method getWorker");
    assert_null(found);
    /* accessors belong to the source only */
    assert_int_equal(cq_model_find_accessor(&found, &kind, user, "getWorkers"), CQ_EUNKNOWN_ASSOC);
}

/* An earlier association keeps its method when a later one would take the same name. */
static void test_assoc_define__earlier_method_is_not_replaced(void **state)
{
    cq_db *db = *state;
    cq_model *user = define(db, "user", name_attrs, NULL);
    cq_model *company = define(db, "company", name_attrs, NULL);
    cq_assoc *bt = NULL, *ho = NULL, *found = NULL;
    cq_accessor kind = 0;

    CQ_ASSERT_OK(db, cq_model_belongs_to(&bt, user, company, NULL));
    CQ_ASSERT_OK(db, cq_model_has_one(&ho, user, company, NULL));
    assert_ptr_equal(cq_model_assoc(user, "company"), ho);
    CQ_ASSERT_OK(db, cq_model_find_accessor(&found, &kind, user, "setCompany"));
    assert_ptr_equal(found, bt);
}

int main(void)
{
#define T(name)                                                                                    \
    cmocka_unit_test_setup_teardown(test_assoc_define__##name, fx_db_setup, fx_db_teardown)
    const struct CMUnitTest tests[] = {
        T(player_team_coach_keys),
        T(belongs_to_underscored_uuid_key),
        T(belongs_to_plain_as_and_foreign_key),
        T(belongs_to_target_key_type_and_reference),
        T(key_type_option_overrides),
        T(has_one_project_user_keys),
        T(has_one_self_father),
        T(home_and_away_teams),
        T(invoice_subscription_shared_key),
        T(invoice_subscription_alias_gives_two_keys),
        T(invoice_subscription_fixed_with_foreign_key),
        T(has_many_workers_accessors),
        T(has_many_underscored_target_column),
        T(has_many_source_key_iso_code),
        T(has_many_source_key_default_name),
        T(not_null_defaults_by_type),
        T(merge_with_declared_attribute),
        T(explicit_actions_first_wins),
        T(not_null_key_shared_by_two_sides),
        T(constraints_off),
        T(naming_collision_error_leaves_model_unchanged),
        T(naming_collision_with_the_injected_key),
        T(naming_collision_has_many_and_btm),
        T(duplicate_alias_error),
        T(unknown_key_errors),
        T(non_unique_source_key_rejected),
        T(type_and_option_errors),
        T(btm_string_through_shared),
        T(btm_alias_and_keys_worker_tasks),
        T(btm_object_alias),
        T(btm_self_children),
        T(btm_through_model_with_own_id),
        T(btm_unique_off_and_unique_key),
        T(btm_underscored_and_options),
        T(btm_actions_both_sides),
        T(btm_item_tag_pairing),
        T(btm_self_both_sides),
        T(object_alias_rejected_for_single),
        T(find_accessor_by_method_name),
        T(earlier_method_is_not_replaced),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
