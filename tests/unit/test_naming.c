/*
 * Unit tests of the naming layer (src/naming): every worked example of naming.md, plus the
 * inflection reference list tests/data/inflection-words.tsv generated from inflection 1.13.4
 * by tools/gen-inflection-words.js.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cequel/naming.h"
#include "naming/naming.h"

#ifndef CQ_TEST_DATA_DIR
#error "CQ_TEST_DATA_DIR must name the tests/data directory"
#endif

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Checks a returned string and frees it; prints the input on mismatch. */
static void expect_str(char *got, const char *want, const char *what, const char *input)
{
    if (!got || strcmp(got, want) != 0) {
        print_error("%s(\"%s\"): got \"%s\", want \"%s\"\n", what, input, got ? got : "(null)",
                    want);
        cq_free(got);
        fail();
    }
    cq_free(got);
}

/* ---- 1. Inflection -------------------------------------------------------------------------- */

typedef struct inflect_row {
    const char *word, *plural, *singular;
} inflect_row;

/* naming.md 1.5, every row. */
static const inflect_row spec_inflections[] = {
    { "user", "users", "user" },
    { "users", "users", "user" },
    { "person", "people", "person" },
    { "people", "people", "person" },
    { "Person", "People", "Person" },
    { "PERSON", "PEople", "PERSON" },
    { "PEOPLE", "PEOPLE", "PErson" },
    { "child", "children", "child" },
    { "Children", "Children", "Child" },
    { "status", "statuses", "status" },
    { "statuses", "statuses", "status" },
    { "userStatus", "userStatuses", "userStatus" },
    { "quiz", "quizzes", "quiz" },
    { "quizzes", "quizzes", "quiz" },
    { "matrix", "matrices", "matrix" },
    { "vertex", "vertices", "vertex" },
    { "index", "indices", "index" },
    { "ox", "oxen", "ox" },
    { "oxen", "oxen", "ox" },
    { "OX", "OXen", "OX" },
    { "oxenfree", "oxenfree", "oxfree" },
    { "mouse", "mice", "mouse" },
    { "mice", "mice", "mouse" },
    { "Louse", "Lice", "Louse" },
    { "slice", "slice", "slouse" },
    { "police", "police", "polouse" },
    { "price", "prices", "price" },
    { "category", "categories", "category" },
    { "categories", "categories", "category" },
    { "query", "queries", "query" },
    { "day", "days", "day" },
    { "Guys", "Guys", "Guy" },
    { "leaf", "leafs", "leaf" },
    { "leaves", "leaves", "leave" },
    { "half", "halves", "half" },
    { "wolf", "wolves", "wolf" },
    { "knife", "knives", "knife" },
    { "wife", "wives", "wife" },
    { "cafe", "caves", "cafe" },
    { "caves", "caves", "cave" },
    { "thief", "thiefs", "thief" },
    { "staff", "staffs", "staff" },
    { "hive", "hives", "hive" },
    { "archive", "archives", "archive" },
    { "curve", "curves", "curve" },
    { "valves", "valves", "valf" },
    { "sleeves", "sleeves", "sleefe" },
    { "movie", "movies", "movie" },
    { "drive", "drives", "drive" },
    { "database", "databases", "database" },
    { "summons", "summonses", "summons" },
    { "whereas", "whereases", "whereas" },
    { "UserProject", "UserProjects", "UserProject" },
    { "userProjects", "userProjects", "userProject" },
    { "pendingTags", "pendingTags", "pendingTag" },
    { "man", "men", "man" },
    { "MEN", "MEN", "Man" },
    { "Woman", "Women", "Woman" },
    { "human", "humans", "human" },
    { "salesman", "salesmans", "salesman" },
    { "foot", "feet", "foot" },
    { "Tooth", "teeth", "Tooth" },
    { "Teeth", "Teeth", "tooth" },
    { "goose", "geese", "goose" },
    { "genus", "genera", "genus" },
    { "news", "news", "news" },
    { "userNews", "userNews", "userNew" },
    { "equipment", "equipment", "equipment" },
    { "series", "series", "series" },
    { "species", "species", "species" },
    { "sheep", "sheep", "sheep" },
    { "blackSheep", "blackSheeps", "blackSheep" },
    { "fish", "fishes", "fish" },
    { "data", "data", "datum" },
    { "datum", "data", "datum" },
    { "UserData", "UserData", "UserDatum" },
    { "media", "media", "medium" },
    { "quota", "quota", "quotum" },
    { "pizza", "pizzas", "pizza" },
    { "criterion", "criteria", "criterion" },
    { "criteria", "criteria", "criterion" },
    { "analysis", "analyses", "analysis" },
    { "analyses", "analyses", "analyasis" },
    { "Analyses", "Analyses", "AnalyAsis" },
    { "bases", "bases", "basis" },
    { "crisis", "crises", "crisis" },
    { "axis", "axes", "axis" },
    { "axes", "axes", "ax" },
    { "testis", "testes", "testis" },
    { "tests", "tests", "test" },
    { "tomato", "tomatoes", "tomato" },
    { "hero", "heros", "hero" },
    { "photo", "photos", "photo" },
    { "shoe", "shoes", "shoe" },
    { "shoes", "shoes", "sho" },
    { "bus", "buses", "bus" },
    { "alias", "aliases", "alias" },
    { "canvas", "canvases", "canvas" },
    { "octopus", "octopuses", "octopus" },
    { "virus", "viruses", "virus" },
    { "cactus", "cactus", "cactu" },
    { "gas", "gas", "ga" },
    { "USERS", "USERs", "USER" },
    { "class", "classes", "class" },
    { "box", "boxes", "box" },
    { "church", "churches", "church" },
    { "boss", "bosses", "boss" },
    { "bosses", "bosses", "boss" },
    { "item_tag", "item_tags", "item_tag" },
    { "worker_tasks", "worker_tasks", "worker_task" },
    { "", "s", "" },
    /* transform examples of naming.md 1.2 / 1.3 */
    { "women", "women", "woman" },
    { "knives", "knives", "knife" },
    { "hives", "hives", "hive" },
    { "wolves", "wolves", "wolf" },
    { "wives", "wives", "wife" },
    { "tomatoes", "tomatoes", "tomato" },
    { "crises", "crises", "crisis" },
    { "theses", "theses", "thesis" },
    { "boxes", "boxes", "box" },
    { "children", "children", "child" },
    { "bonus", "bonuses", "bonus" },
    { "archives", "archives", "archive" },
};

static void test_naming__inflection_spec_examples(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(spec_inflections); i++) {
        const inflect_row *r = &spec_inflections[i];
        expect_str(cq_pluralize(r->word), r->plural, "cq_pluralize", r->word);
        expect_str(cq_singularize(r->word), r->singular, "cq_singularize", r->word);
    }
}

/* Every line of tests/data/inflection-words.tsv: word, pluralize(word), singularize(word). */
static void test_naming__inflection_matches_reference_words(void **state)
{
    (void)state;
    const char *path = CQ_TEST_DATA_DIR "/inflection-words.tsv";
    FILE *f = fopen(path, "r");
    if (!f) {
        print_error("cannot open %s\n", path);
        fail();
    }
    char line[512];
    size_t lines = 0, failures = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *plural = strchr(line, '\t');
        char *singular = plural ? strchr(plural + 1, '\t') : NULL;
        if (!plural || !singular) {
            print_error("malformed line %zu: %s\n", lines + 1, line);
            failures++;
            continue;
        }
        *plural++ = '\0';
        *singular++ = '\0';
        lines++;
        char *p = cq_pluralize(line);
        char *s = cq_singularize(line);
        if (!p || strcmp(p, plural) != 0 || !s || strcmp(s, singular) != 0) {
            print_error("\"%s\": got %s / %s, want %s / %s\n", line, p ? p : "(null)",
                        s ? s : "(null)", plural, singular);
            failures++;
        }
        cq_free(p);
        cq_free(s);
    }
    fclose(f);
    print_message("inflection-words.tsv: %zu words, %zu failures\n", lines, failures);
    assert_true(lines >= 350);
    assert_int_equal(failures, 0);
}

static void test_naming__uncountable_words_are_unchanged(void **state)
{
    (void)state;
    assert_int_equal(cq__naming_uncountable_count, 202);
    for (size_t i = 0; i < cq__naming_uncountable_count; i++) {
        const char *w = cq__naming_uncountables[i];
        expect_str(cq_pluralize(w), w, "cq_pluralize", w);
        expect_str(cq_singularize(w), w, "cq_singularize", w);
    }
    /* Whole word, any case. */
    expect_str(cq_pluralize("SHEEP"), "SHEEP", "cq_pluralize", "SHEEP");
    expect_str(cq_pluralize("Sheep"), "Sheep", "cq_pluralize", "Sheep");
    expect_str(cq_pluralize("userSheep"), "userSheeps", "cq_pluralize", "userSheep");
}

static void test_naming__rule_tables_are_well_formed(void **state)
{
    (void)state;
    assert_int_equal(cq__naming_plural_rule_count, 62);   /* P1..P61, P46 split in two */
    assert_int_equal(cq__naming_singular_rule_count, 63); /* S1..S62, S14 split in two */
    const cq__naming_rule *tables[] = { cq__naming_plural_rules, cq__naming_singular_rules };
    size_t counts[] = { cq__naming_plural_rule_count, cq__naming_singular_rule_count };
    for (size_t t = 0; t < 2; t++) {
        for (size_t i = 0; i < counts[t]; i++) {
            int rc = cq__naming_pattern_replace(NULL, "anything", tables[t][i].pattern, NULL);
            if (rc != 0 && rc != 1) {
                print_error("bad pattern %s\n", tables[t][i].pattern);
                fail();
            }
        }
    }
    /* The last plural rule matches everything (naming.md 1.1 step 3). */
    assert_null(cq__naming_plural_rules[0].replacement);
    assert_string_equal(cq__naming_plural_rules[cq__naming_plural_rule_count - 1].pattern, "$");
}

typedef struct pattern_row {
    const char *word, *pattern, *replacement;
    int rc;
    const char *out;
} pattern_row;

static void test_naming__pattern_matcher(void **state)
{
    (void)state;
    static const pattern_row rows[] = {
        { "Mice", "([m|l])ice$", "$1ouse", 1, "Mouse" },
        { "|ice", "([m|l])ice$", "$1ouse", 1, "|ouse" },
        { "dice", "([m|l])ice$", "$1ouse", 0, NULL },
        { "quy", "([^aeiouy]|qu)y$", "$1ies", 1, "quies" },
        { "ANALYSES", "((a)naly|(b)a)ses$", "$1$2sis", 1, "ANALYAsis" },
        { "bases", "((a)naly|(b)a)ses$", "$1$2sis", 1, "basis" },
        { "oxenfree", "^(ox)en", "$1", 1, "oxfree" },
        { "boxen", "^(ox)en", "$1", 0, NULL },
        { "abc", "$", "s", 1, "abcs" },
        { "", "$", "s", 1, "s" },
        { "caf\xc3\xa9y", "([^aeiouy]|qu)y$", "$1ies", 1, "caf\xc3\xa9ies" },
        { "X", "(x|y)$", "<$1$2>", 1, "<X>" },
        { "abc", "(a", "x", CQ_EINVALID, NULL },
        { "abc", "[a", "x", CQ_EINVALID, NULL },
        { "abc", "a)", "x", CQ_EINVALID, NULL },
    };
    for (size_t i = 0; i < COUNT(rows); i++) {
        char *out = NULL;
        int rc =
            cq__naming_pattern_replace(&out, rows[i].word, rows[i].pattern, rows[i].replacement);
        if (rc != rows[i].rc) {
            print_error("%s ~ %s: rc %d, want %d\n", rows[i].word, rows[i].pattern, rc, rows[i].rc);
            fail();
        }
        if (rows[i].out)
            expect_str(out, rows[i].out, rows[i].pattern, rows[i].word);
        else
            assert_null(out);
    }
}

static void test_naming__inflection_null_input(void **state)
{
    (void)state;
    assert_null(cq_pluralize(NULL));
    assert_null(cq_singularize(NULL));
}

static char *shout(const char *word, void *user_data)
{
    const char *suffix = user_data;
    size_t n = strlen(word), m = strlen(suffix);
    char *d = malloc(n + m + 1);
    if (d) {
        memcpy(d, word, n);
        memcpy(d + n, suffix, m + 1);
    }
    return d;
}

static void test_naming__inflector_is_replaceable(void **state)
{
    (void)state;
    const cq__inflector infl = { .pluralize = shout, .singularize = shout, .user_data = "!" };
    expect_str(cq__naming_pluralize(&infl, "person"), "person!", "pluralize", "person");
    expect_str(cq__naming_singularize(&infl, "people"), "people!", "singularize", "people");
    expect_str(cq__naming_pluralize(NULL, "person"), "people", "pluralize", "person");
    expect_str(cq__naming_table_name(&infl, "user", NULL, false, false), "user!", "table", "user");
}

/* ---- 2. String helpers ---------------------------------------------------------------------- */

typedef struct str_row {
    const char *in, *out; /* out NULL = error */
} str_row;

static void test_naming__camelize(void **state)
{
    (void)state;
    static const str_row rows[] = {
        { "company_id", "companyId" },
        { "Role_id", "RoleId" },
        { "userRole_id", "userRoleId" },
        { "user_role_id", "userRoleId" },
        { "the_boss_id", "theBossId" },
        { "the boss_id", "theBossId" },
        { "the-boss_id", "theBossId" },
        { "company_uuid", "companyUuid" },
        { "Father_id", "FatherId" },
        { "user_", NULL },
        { "user__id", "userId" },
        { "_user_id", "UserId" },
        { "  user_id  ", "userId" },
        { "user_1d", "user1d" },
        { "user_ID", "userID" },
        { "USER_ID", "USERID" },
        { "a-b c_d", "aBCD" },
        { "company_myId", "companyMyId" },
        { "HomeTeam_id", "HomeTeamId" },
        { "\xc3\xa9_id", "\xc3\xa9Id" },
        { "user_  ", NULL },
        { "", "" },
        { "_", NULL },
        { "a\t_\nb", "aB" },
    };
    for (size_t i = 0; i < COUNT(rows); i++) {
        char *out = (char *)"sentinel";
        int rc = cq__naming_camelize(&out, rows[i].in);
        if (!rows[i].out) {
            if (rc != CQ_EINVALID || out != NULL) {
                print_error("camelize(\"%s\") should fail\n", rows[i].in);
                cq_free(out);
                fail();
            }
            continue;
        }
        assert_int_equal(rc, CQ_OK);
        expect_str(out, rows[i].out, "camelize", rows[i].in);
    }
}

static void test_naming__underscore(void **state)
{
    (void)state;
    static const str_row rows[] = {
        { "userId", "user_id" },
        { "UserId", "user_id" },
        { "user_id", "user_id" },
        { "fooBAR", "foo_b_a_r" },
        { "TheSubscriptionId", "the_subscription_id" },
        { "ChildId", "child_id" },
        { "user2Id", "user2_id" },
        { "createdAt", "created_at" },
        { "UserProjects", "user_projects" },
        { "ID", "i_d" },
        { "HTTPServer", "h_t_t_p_server" },
        { "XMLHttpRequest", "x_m_l_http_request" },
        { "_userId", "user_id" },
        { "__userId", "_user_id" },
        { "user Id", "user _id" },
        { "user-Id", "user-_id" },
        { "companyUuid", "company_uuid" },
        { "x", "x" },
        { "", "" },
        { "_User", "_user" },
        { "Foo::BarBaz", "foo/bar_baz" },
        { "a::_b", "a/b" },
    };
    for (size_t i = 0; i < COUNT(rows); i++)
        expect_str(cq__naming_underscore(rows[i].in), rows[i].out, "underscore", rows[i].in);
}

static void test_naming__upper_first(void **state)
{
    (void)state;
    static const str_row rows[] = {
        { "user", "User" },
        { "User", "User" },
        { "the_boss", "The_boss" },
        { "the boss", "The boss" },
        { "iPhone", "IPhone" },
        { "1abc", "1abc" },
        { "", "" },
        /* ASCII only: JavaScript gives "Élan"; naming.md 2.3 allows the restriction. */
        { "\xc3\xa9lan", "\xc3\xa9lan" },
    };
    for (size_t i = 0; i < COUNT(rows); i++)
        expect_str(cq__naming_upper_first(rows[i].in), rows[i].out, "upper_first", rows[i].in);
}

/* ---- 3. Models ------------------------------------------------------------------------------ */

typedef struct model_row {
    const char *name;
    const char *table_name;
    bool freeze, underscored;
    const char *given_singular, *given_plural;
    const char *table, *singular, *plural;
} model_row;

static void test_naming__model_table_and_names(void **state)
{
    (void)state;
    static const model_row rows[] = {
        { "user", NULL, false, false, NULL, NULL, "users", "user", "users" },
        { "User", NULL, false, false, NULL, NULL, "Users", "User", "Users" },
        { "person", NULL, false, false, NULL, NULL, "people", "person", "people" },
        { "Person", NULL, false, false, NULL, NULL, "People", "Person", "People" },
        { "userProject", NULL, false, false, NULL, NULL, "userProjects", "userProject",
          "userProjects" },
        { "UserProject", NULL, false, false, NULL, NULL, "UserProjects", "UserProject",
          "UserProjects" },
        { "user_project", NULL, false, false, NULL, NULL, "user_projects", "user_project",
          "user_projects" },
        { "userProject", NULL, false, true, NULL, NULL, "user_projects", "userProject",
          "userProjects" },
        { "UserProject", NULL, false, true, NULL, NULL, "user_projects", "UserProject",
          "UserProjects" },
        { "person", NULL, false, true, NULL, NULL, "people", "person", "people" },
        { "HTTPRequest", NULL, false, true, NULL, NULL, "h_t_t_p_requests", "HTTPRequest",
          "HTTPRequests" },
        { "userStatus", NULL, false, true, NULL, NULL, "user_statuses", "userStatus",
          "userStatuses" },
        { "userProject", NULL, true, false, NULL, NULL, "userProject", "userProject",
          "userProjects" },
        { "userProject", NULL, true, true, NULL, NULL, "userProject", "userProject",
          "userProjects" },
        { "userProject", "Custom_Table", false, false, NULL, NULL, "Custom_Table", "userProject",
          "userProjects" },
        { "userProject", "Custom_Table", true, true, NULL, NULL, "Custom_Table", "userProject",
          "userProjects" },
        { "users", NULL, false, false, NULL, NULL, "users", "user", "users" },
        { "data", NULL, false, false, NULL, NULL, "data", "datum", "data" },
        { "status", NULL, false, false, NULL, NULL, "statuses", "status", "statuses" },
        { "sheep", NULL, false, false, NULL, NULL, "sheep", "sheep", "sheep" },
        { "Series", NULL, false, false, NULL, NULL, "Series", "Series", "Series" },
        { "quiz", NULL, false, false, NULL, NULL, "quizzes", "quiz", "quizzes" },
        { "item_tag", NULL, false, false, NULL, NULL, "item_tags", "item_tag", "item_tags" },
        { "project", NULL, false, false, "task", "tasks", "projects", "task", "tasks" },
        { "project", NULL, false, false, "task", NULL, "projects", "task", "projects" },
        { "project", NULL, false, false, NULL, "jobs", "projects", "project", "jobs" },
    };
    for (size_t i = 0; i < COUNT(rows); i++) {
        const model_row *r = &rows[i];
        expect_str(cq__naming_table_name(NULL, r->name, r->table_name, r->freeze, r->underscored),
                   r->table, "table_name", r->name);
        expect_str(cq__naming_model_singular(NULL, r->name, r->given_singular), r->singular,
                   "model_singular", r->name);
        expect_str(cq__naming_model_plural(NULL, r->name, r->given_plural), r->plural,
                   "model_plural", r->name);
    }
}

typedef struct field_row {
    const char *attr, *field;
    const char *camel, *snake; /* column without / with `underscored` */
} field_row;

static void test_naming__attribute_fields(void **state)
{
    (void)state;
    static const field_row rows[] = {
        { "firstName", NULL, "firstName", "first_name" },
        { "last_name", NULL, "last_name", "last_name" },
        { "fooBAR", NULL, "fooBAR", "foo_b_a_r" },
        { "x", "myX", "myX", "myX" },
        { "createdAt", NULL, "createdAt", "created_at" },
        { "updatedAt", NULL, "updatedAt", "updated_at" },
        /* foreign keys (naming.md 5.1) */
        { "companyFk", NULL, "companyFk", "company_fk" },
        { "fk_company", NULL, "fk_company", "fk_company" },
        { "userId", "owner_id", "owner_id", "owner_id" },
        { "companyId", "cid_col", "cid_col", "cid_col" },
    };
    for (size_t i = 0; i < COUNT(rows); i++) {
        expect_str(cq__naming_field_name(rows[i].attr, rows[i].field, false), rows[i].camel,
                   "field_name", rows[i].attr);
        expect_str(cq__naming_field_name(rows[i].attr, rows[i].field, true), rows[i].snake,
                   "field_name(underscored)", rows[i].attr);
    }
}

/* ---- 4. Alias ------------------------------------------------------------------------------- */

typedef struct alias_row {
    cq__naming_kind kind;
    const char *as, *as_singular, *as_plural;
    const char *target_singular, *target_plural;
    int rc;
    const char *want_as, *want_singular, *want_plural;
    bool aliased;
} alias_row;

static void test_naming__alias_resolution(void **state)
{
    (void)state;
    static const alias_row rows[] = {
        { CQ__NAMING_BELONGS_TO, NULL, NULL, NULL, "team", "teams", CQ_OK, "team", "team", "teams",
          false },
        { CQ__NAMING_BELONGS_TO, NULL, NULL, NULL, "firm", "firms", CQ_OK, "firm", "firm", "firms",
          false },
        { CQ__NAMING_HAS_ONE, "Initiator", NULL, NULL, "user", "users", CQ_OK, "Initiator",
          "Initiator", NULL, true },
        { CQ__NAMING_HAS_ONE, "initiators", NULL, NULL, "user", "users", CQ_OK, "initiators",
          "initiators", NULL, true },
        { CQ__NAMING_BELONGS_TO, "the_boss", NULL, NULL, "company", "companies", CQ_OK, "the_boss",
          "the_boss", NULL, true },
        { CQ__NAMING_HAS_MANY, NULL, NULL, NULL, "user", "users", CQ_OK, "users", "user", "users",
          false },
        { CQ__NAMING_HAS_MANY, NULL, NULL, NULL, "person", "people", CQ_OK, "people", "person",
          "people", false },
        { CQ__NAMING_HAS_MANY, "Workers", NULL, NULL, "user", "users", CQ_OK, "Workers", "Worker",
          "Workers", true },
        { CQ__NAMING_HAS_MANY, "analyses", NULL, NULL, "user", "users", CQ_OK, "analyses",
          "analyasis", "analyses", true },
        { CQ__NAMING_HAS_MANY, NULL, "Member", "Crew", "user", "users", CQ_OK, "Crew", "Member",
          "Crew", true },
        { CQ__NAMING_BELONGS_TO_MANY, "Tasks", NULL, NULL, "project", "projects", CQ_OK, "Tasks",
          "Task", "Tasks", true },
        { CQ__NAMING_BELONGS_TO_MANY, "Children", NULL, NULL, "person", "people", CQ_OK, "Children",
          "Child", "Children", true },
        { CQ__NAMING_BELONGS_TO_MANY, NULL, "supplemented", "supplemented", "service", "services",
          CQ_OK, "supplemented", "supplemented", "supplemented", true },
        /* object `as` on a single association is broken in v6: rejected */
        { CQ__NAMING_BELONGS_TO, NULL, "boss", "bosses", "user", "users", CQ_EINVALID, NULL, NULL,
          NULL, false },
        { CQ__NAMING_HAS_ONE, NULL, "boss", "bosses", "user", "users", CQ_EINVALID, NULL, NULL,
          NULL, false },
        { CQ__NAMING_HAS_MANY, NULL, "worker", NULL, "user", "users", CQ_EINVALID, NULL, NULL, NULL,
          false },
        { CQ__NAMING_HAS_MANY, "x", "worker", "workforce", "user", "users", CQ_EINVALID, NULL, NULL,
          NULL, false },
    };
    for (size_t i = 0; i < COUNT(rows); i++) {
        const alias_row *r = &rows[i];
        cq__naming_alias a;
        int rc = cq__naming_alias_resolve(&a, NULL, r->kind, r->as, r->as_singular, r->as_plural,
                                          r->target_singular, r->target_plural);
        assert_int_equal(rc, r->rc);
        if (rc != CQ_OK) {
            assert_null(a.as);
            continue;
        }
        assert_string_equal(a.as, r->want_as);
        assert_string_equal(a.singular, r->want_singular);
        if (r->want_plural)
            assert_string_equal(a.plural, r->want_plural);
        else
            assert_null(a.plural);
        assert_int_equal(a.is_aliased, r->aliased);
        cq__naming_alias_free(&a);
    }
    cq__naming_alias_free(NULL);
}

/* ---- 5. Foreign keys ------------------------------------------------------------------------ */

typedef struct fk_row {
    const char *call; /* the Sequelize call, for messages */
    cq__naming_kind kind;
    const char *as;
    const char *name; /* belongsTo: target singular; hasOne: source model name;
                         hasMany/belongsToMany: source singular */
    const char *key;  /* the primary key / sourceKey used */
    bool holder_underscored;
    const char *want, *column; /* want NULL = error */
} fk_row;

static void test_naming__default_foreign_keys(void **state)
{
    (void)state;
    static const fk_row rows[] = {
        /* belongsTo: name = target name.singular */
        { "user.belongsTo(company)", CQ__NAMING_BELONGS_TO, NULL, "company", "id", false,
          "companyId", "companyId" },
        { "user{underscored}.belongsTo(company)", CQ__NAMING_BELONGS_TO, NULL, "company", "id",
          true, "companyId", "company_id" },
        { "user.belongsTo(company{underscored})", CQ__NAMING_BELONGS_TO, NULL, "company", "id",
          false, "companyId", "companyId" },
        { "user{underscored}.belongsTo(company{uuid})", CQ__NAMING_BELONGS_TO, NULL, "company",
          "uuid", true, "companyUuid", "company_uuid" },
        { "user.belongsTo(company{uuid})", CQ__NAMING_BELONGS_TO, NULL, "company", "uuid", false,
          "companyUuid", "companyUuid" },
        { "user.belongsTo(userRole,{as:'role'})", CQ__NAMING_BELONGS_TO, "role", "userRole", "id",
          false, "roleId", "roleId" },
        { "user.belongsTo(userRole,{as:'Role'})", CQ__NAMING_BELONGS_TO, "Role", "userRole", "id",
          false, "RoleId", "RoleId" },
        { "user{underscored}.belongsTo(userRole,{as:'Role'})", CQ__NAMING_BELONGS_TO, "Role",
          "userRole", "id", true, "RoleId", "role_id" },
        { "user{underscored}.belongsTo(userRole,{as:'mainRole'})", CQ__NAMING_BELONGS_TO,
          "mainRole", "userRole", "id", true, "mainRoleId", "main_role_id" },
        { "user.belongsTo(userRole)", CQ__NAMING_BELONGS_TO, NULL, "userRole", "id", false,
          "userRoleId", "userRoleId" },
        { "user.belongsTo(UserRole)", CQ__NAMING_BELONGS_TO, NULL, "UserRole", "id", false,
          "UserRoleId", "UserRoleId" },
        { "user.belongsTo(company,{targetKey:'name'})", CQ__NAMING_BELONGS_TO, NULL, "company",
          "id", false, "companyId", "companyId" },
        { "user.belongsTo(company{name.singular firm})", CQ__NAMING_BELONGS_TO, NULL, "firm", "id",
          false, "firmId", "firmId" },
        { "user.belongsTo(company{myId})", CQ__NAMING_BELONGS_TO, NULL, "company", "myId", false,
          "companyMyId", "companyMyId" },
        { "user.belongsTo(company{my_id})", CQ__NAMING_BELONGS_TO, NULL, "company", "my_id", false,
          "companyMyId", "companyMyId" },
        { "user.belongsTo(project{ProjectID},{as:'proj'})", CQ__NAMING_BELONGS_TO, "proj",
          "project", "ProjectID", false, "projProjectID", "projProjectID" },
        { "user.belongsTo(company,{as:'the_boss'})", CQ__NAMING_BELONGS_TO, "the_boss", "company",
          "id", false, "theBossId", "theBossId" },
        { "user.belongsTo(company,{as:'the boss'})", CQ__NAMING_BELONGS_TO, "the boss", "company",
          "id", false, "theBossId", "theBossId" },
        { "person.belongsTo(person,{as:'Father'})", CQ__NAMING_BELONGS_TO, "Father", "person", "id",
          false, "FatherId", "FatherId" },
        { "user.belongsTo(company{no pk})", CQ__NAMING_BELONGS_TO, NULL, "company", NULL, false,
          NULL, NULL },
        { "user.belongsTo(company{pk 'id_'})", CQ__NAMING_BELONGS_TO, NULL, "company", "id_", false,
          NULL, NULL },
        /* hasOne: name = source MODEL name */
        { "project.hasOne(user)", CQ__NAMING_HAS_ONE, NULL, "project", "id", false, "projectId",
          "projectId" },
        { "Project.hasOne(user)", CQ__NAMING_HAS_ONE, NULL, "Project", "id", false, "ProjectId",
          "ProjectId" },
        { "project{underscored}.hasOne(user)", CQ__NAMING_HAS_ONE, NULL, "project", "id", false,
          "projectId", "projectId" },
        { "project.hasOne(user{underscored})", CQ__NAMING_HAS_ONE, NULL, "project", "id", true,
          "projectId", "project_id" },
        { "project.hasOne(user,{as:'Initiator'})", CQ__NAMING_HAS_ONE, "Initiator", "project", "id",
          false, "InitiatorId", "InitiatorId" },
        { "project.hasOne(user,{as:'initiators'})", CQ__NAMING_HAS_ONE, "initiators", "project",
          "id", false, "initiatorId", "initiatorId" },
        { "projects.hasOne(user)", CQ__NAMING_HAS_ONE, NULL, "projects", "id", false, "projectId",
          "projectId" },
        { "Projects{name.singular Proj}.hasOne(User)", CQ__NAMING_HAS_ONE, NULL, "Projects", "id",
          false, "ProjectId", "ProjectId" },
        { "person.hasOne(person,{as:'Father'})", CQ__NAMING_HAS_ONE, "Father", "person", "id",
          false, "FatherId", "FatherId" },
        { "coach.hasOne(team)", CQ__NAMING_HAS_ONE, NULL, "coach", "id", false, "coachId",
          "coachId" },
        { "player.hasOne(team)", CQ__NAMING_HAS_ONE, NULL, "player", "id", false, "playerId",
          "playerId" },
        /* hasMany: name = source name.singular, `as` ignored */
        { "project.hasMany(user)", CQ__NAMING_HAS_MANY, NULL, "project", "id", false, "projectId",
          "projectId" },
        { "project.hasMany(user,{as:'Workers'})", CQ__NAMING_HAS_MANY, "Workers", "project", "id",
          false, "projectId", "projectId" },
        { "project{name.singular job}.hasMany(user)", CQ__NAMING_HAS_MANY, NULL, "job", "id", false,
          "jobId", "jobId" },
        { "Projects{name.singular Proj}.hasMany(User,{as:'others'})", CQ__NAMING_HAS_MANY, "others",
          "Proj", "id", false, "ProjId", "ProjId" },
        { "Project.hasMany(User)", CQ__NAMING_HAS_MANY, NULL, "Project", "id", false, "ProjectId",
          "ProjectId" },
        { "project.hasMany(user{underscored})", CQ__NAMING_HAS_MANY, NULL, "project", "id", true,
          "projectId", "project_id" },
        { "country{isoCode}.hasMany(city,{sourceKey:'isoCode'})", CQ__NAMING_HAS_MANY, NULL,
          "country", "id", false, "countryId", "countryId" },
        { "person.hasMany(person,{as:'Children'})", CQ__NAMING_HAS_MANY, "Children", "person", "id",
          false, "personId", "personId" },
        { "project{pid field project_pk}.hasMany(user)", CQ__NAMING_HAS_MANY, NULL, "project",
          "pid", false, "projectPid", "projectPid" },
        { "project{ProjectID}.hasMany(user)", CQ__NAMING_HAS_MANY, NULL, "project", "ProjectID",
          false, "projectProjectID", "projectProjectID" },
        /* belongsToMany foreignKey: name = source name.singular, key = sourceKey */
        { "project.belongsToMany(user)", CQ__NAMING_BELONGS_TO_MANY, NULL, "project", "id", false,
          "projectId", "projectId" },
        { "user.belongsToMany(project,{as:'Tasks'})", CQ__NAMING_BELONGS_TO_MANY, "Tasks", "user",
          "id", false, "userId", "userId" },
        { "user{name.singular member}.belongsToMany(project)", CQ__NAMING_BELONGS_TO_MANY, NULL,
          "member", "id", false, "memberId", "memberId" },
        { "user{code}.belongsToMany(project,{sourceKey:'code'})", CQ__NAMING_BELONGS_TO_MANY, NULL,
          "user", "code", false, "userCode", "userCode" },
        { "user{underscored}.belongsToMany(project,{through:'user_projects'})",
          CQ__NAMING_BELONGS_TO_MANY, NULL, "user", "id", true, "userId", "user_id" },
        { "user.belongsToMany(project{underscored},{through:'user_projects'})",
          CQ__NAMING_BELONGS_TO_MANY, NULL, "user", "id", false, "userId", "userId" },
        { "person.belongsToMany(person,{as:'Children'})", CQ__NAMING_BELONGS_TO_MANY, "Children",
          "person", "id", false, "personId", "personId" },
    };
    for (size_t i = 0; i < COUNT(rows); i++) {
        const fk_row *r = &rows[i];
        char *fk = (char *)"sentinel";
        int rc;
        switch (r->kind) {
        case CQ__NAMING_BELONGS_TO:
            rc = cq__naming_fk_belongs_to(&fk, r->as, r->name, r->key);
            break;
        case CQ__NAMING_HAS_ONE:
            rc = cq__naming_fk_has_one(&fk, NULL, r->as, r->name, r->key);
            break;
        case CQ__NAMING_HAS_MANY:
            rc = cq__naming_fk_has_many(&fk, r->name, r->key);
            break;
        case CQ__NAMING_BELONGS_TO_MANY:
        default:
            rc = cq__naming_fk_belongs_to_many(&fk, r->name, r->key);
            break;
        }
        if (!r->want) {
            if (rc != CQ_EINVALID || fk) {
                print_error("%s: should fail\n", r->call);
                cq_free(fk);
                fail();
            }
            continue;
        }
        if (rc != CQ_OK) {
            print_error("%s: rc %d\n", r->call, rc);
            fail();
        }
        expect_str(cq__naming_field_name(fk, NULL, r->holder_underscored), r->column, "column",
                   r->call);
        expect_str(fk, r->want, "fk", r->call);
    }
}

typedef struct other_key_row {
    const char *call;
    bool self;
    const char *as, *target_singular, *target_key;
    const char *want;
} other_key_row;

static void test_naming__belongs_to_many_other_key(void **state)
{
    (void)state;
    static const other_key_row rows[] = {
        { "project.belongsToMany(user)", false, "users", "user", "id", "userId" },
        { "user.belongsToMany(project,{as:'Tasks'})", false, "Tasks", "project", "id",
          "projectId" },
        { "user.belongsToMany(project{name.singular task})", false, "tasks", "task", "id",
          "taskId" },
        { "user.belongsToMany(project{uuid})", false, "projects", "project", "uuid",
          "projectUuid" },
        { "user.belongsToMany(project{ref},{targetKey:'ref'})", false, "projects", "project", "ref",
          "projectRef" },
        { "person.belongsToMany(person,{as:'Children'})", true, "Children", "person", "id",
          "ChildId" },
        { "person.belongsToMany(person,{as:'Parents'})", true, "Parents", "person", "id",
          "ParentId" },
        { "service.belongsToMany(service,{as:supplemented})", true, "supplemented", "service", "id",
          "supplementedId" },
        { "project.belongsToMany(user{no pk})", false, "users", "user", NULL, NULL },
        { "person.belongsToMany(person) without as", true, NULL, "person", "id", NULL },
    };
    for (size_t i = 0; i < COUNT(rows); i++) {
        const other_key_row *r = &rows[i];
        char *key = NULL;
        int rc = cq__naming_other_key_belongs_to_many(&key, NULL, r->self, r->as,
                                                      r->target_singular, r->target_key);
        if (!r->want) {
            assert_int_equal(rc, CQ_EINVALID);
            assert_null(key);
            continue;
        }
        assert_int_equal(rc, CQ_OK);
        expect_str(key, r->want, "other_key", r->call);
    }
}

static void test_naming__foreign_key_holder(void **state)
{
    (void)state;
    assert_int_equal(cq__naming_fk_holder(CQ__NAMING_BELONGS_TO), CQ__NAMING_HOLDER_SOURCE);
    assert_int_equal(cq__naming_fk_holder(CQ__NAMING_HAS_ONE), CQ__NAMING_HOLDER_TARGET);
    assert_int_equal(cq__naming_fk_holder(CQ__NAMING_HAS_MANY), CQ__NAMING_HOLDER_TARGET);
    assert_int_equal(cq__naming_fk_holder(CQ__NAMING_BELONGS_TO_MANY), CQ__NAMING_HOLDER_THROUGH);
}

/* Resolving the alias from a model name and then the key, as the association layer will. */
static void test_naming__foreign_keys_from_model_names(void **state)
{
    (void)state;
    /* user.belongsTo(companies): target name.singular = singularize("companies") */
    char *target_singular = cq__naming_model_singular(NULL, "companies", NULL);
    char *fk = NULL;
    assert_int_equal(cq__naming_fk_belongs_to(&fk, NULL, target_singular, "id"), CQ_OK);
    expect_str(fk, "companyId", "fk", "user.belongsTo(companies)");
    cq_free(target_singular);

    /* owner.hasMany(Child): alias Children, accessors ...Child */
    cq__naming_alias a;
    char *s = cq__naming_model_singular(NULL, "Child", NULL);
    char *p = cq__naming_model_plural(NULL, "Child", NULL);
    assert_int_equal(
        cq__naming_alias_resolve(&a, NULL, CQ__NAMING_HAS_MANY, NULL, NULL, NULL, s, p), CQ_OK);
    assert_string_equal(a.as, "Children");
    cq__naming_alias_free(&a);
    cq_free(s);
    cq_free(p);
}

/* ---- 6. Accessors --------------------------------------------------------------------------- */

typedef struct accessor_row {
    cq__naming_kind kind;
    const char *singular, *plural;
    /* get set create add add_multiple remove remove_multiple has_single has_all count */
    const char *want[10];
} accessor_row;

static void test_naming__accessor_names(void **state)
{
    (void)state;
    static const accessor_row rows[] = {
        { CQ__NAMING_BELONGS_TO, "team", "teams", { "getTeam", "setTeam", "createTeam" } },
        { CQ__NAMING_HAS_ONE,
          "Initiator",
          NULL,
          { "getInitiator", "setInitiator", "createInitiator" } },
        { CQ__NAMING_HAS_ONE, "Father", NULL, { "getFather", "setFather", "createFather" } },
        { CQ__NAMING_BELONGS_TO,
          "item_tag",
          "item_tags",
          { "getItem_tag", "setItem_tag", "createItem_tag" } },
        { CQ__NAMING_BELONGS_TO,
          "the_boss",
          NULL,
          { "getThe_boss", "setThe_boss", "createThe_boss" } },
        { CQ__NAMING_HAS_ONE,
          "initiators",
          NULL,
          { "getInitiators", "setInitiators", "createInitiators" } },
        { CQ__NAMING_HAS_MANY,
          "user",
          "users",
          { "getUsers", "setUsers", "createUser", "addUser", "addUsers", "removeUser",
            "removeUsers", "hasUser", "hasUsers", "countUsers" } },
        { CQ__NAMING_HAS_MANY,
          "Worker",
          "Workers",
          { "getWorkers", "setWorkers", "createWorker", "addWorker", "addWorkers", "removeWorker",
            "removeWorkers", "hasWorker", "hasWorkers", "countWorkers" } },
        { CQ__NAMING_HAS_MANY,
          "Member",
          "Crew",
          { "getCrew", "setCrew", "createMember", "addMember", "addCrew", "removeMember",
            "removeCrew", "hasMember", "hasCrew", "countCrew" } },
        { CQ__NAMING_HAS_MANY,
          "person",
          "people",
          { "getPeople", "setPeople", "createPerson", "addPerson", "addPeople", "removePerson",
            "removePeople", "hasPerson", "hasPeople", "countPeople" } },
        { CQ__NAMING_HAS_MANY,
          "Child",
          "Children",
          { "getChildren", "setChildren", "createChild", "addChild", "addChildren", "removeChild",
            "removeChildren", "hasChild", "hasChildren", "countChildren" } },
        { CQ__NAMING_HAS_MANY,
          "datum",
          "data",
          { "getData", "setData", "createDatum", "addDatum", "addData", "removeDatum", "removeData",
            "hasDatum", "hasData", "countData" } },
        { CQ__NAMING_HAS_MANY,
          "sheep",
          "sheep",
          { "getSheep", "setSheep", "createSheep", "addSheep", "addSheep", "removeSheep",
            "removeSheep", "hasSheep", "hasSheep", "countSheep" } },
        { CQ__NAMING_HAS_MANY,
          "status",
          "statuses",
          { "getStatuses", "setStatuses", "createStatus", "addStatus", "addStatuses",
            "removeStatus", "removeStatuses", "hasStatus", "hasStatuses", "countStatuses" } },
        { CQ__NAMING_HAS_MANY,
          "category",
          "categories",
          { "getCategories", "setCategories", "createCategory", "addCategory", "addCategories",
            "removeCategory", "removeCategories", "hasCategory", "hasCategories",
            "countCategories" } },
        { CQ__NAMING_HAS_MANY,
          "mouse",
          "mice",
          { "getMice", "setMice", "createMouse", "addMouse", "addMice", "removeMouse", "removeMice",
            "hasMouse", "hasMice", "countMice" } },
        { CQ__NAMING_HAS_MANY,
          "quiz",
          "quizzes",
          { "getQuizzes", "setQuizzes", "createQuiz", "addQuiz", "addQuizzes", "removeQuiz",
            "removeQuizzes", "hasQuiz", "hasQuizzes", "countQuizzes" } },
        { CQ__NAMING_HAS_MANY,
          "leaf",
          "leafs",
          { "getLeafs", "setLeafs", "createLeaf", "addLeaf", "addLeafs", "removeLeaf",
            "removeLeafs", "hasLeaf", "hasLeafs", "countLeafs" } },
        { CQ__NAMING_HAS_MANY,
          "item_tag",
          "item_tags",
          { "getItem_tags", "setItem_tags", "createItem_tag", "addItem_tag", "addItem_tags",
            "removeItem_tag", "removeItem_tags", "hasItem_tag", "hasItem_tags",
            "countItem_tags" } },
        { CQ__NAMING_HAS_MANY,
          "UserProfile",
          "UserProfiles",
          { "getUserProfiles", "setUserProfiles", "createUserProfile", "addUserProfile",
            "addUserProfiles", "removeUserProfile", "removeUserProfiles", "hasUserProfile",
            "hasUserProfiles", "countUserProfiles" } },
        { CQ__NAMING_HAS_MANY,
          "analyasis",
          "analyses",
          { "getAnalyses", "setAnalyses", "createAnalyasis", "addAnalyasis", "addAnalyses",
            "removeAnalyasis", "removeAnalyses", "hasAnalyasis", "hasAnalyses", "countAnalyses" } },
        { CQ__NAMING_BELONGS_TO_MANY,
          "user",
          "users",
          { "getUsers", "setUsers", "createUser", "addUser", "addUsers", "removeUser",
            "removeUsers", "hasUser", "hasUsers", "countUsers" } },
        { CQ__NAMING_BELONGS_TO_MANY,
          "Task",
          "Tasks",
          { "getTasks", "setTasks", "createTask", "addTask", "addTasks", "removeTask",
            "removeTasks", "hasTask", "hasTasks", "countTasks" } },
        { CQ__NAMING_BELONGS_TO_MANY,
          "task",
          "tasks",
          { "getTasks", "setTasks", "createTask", "addTask", "addTasks", "removeTask",
            "removeTasks", "hasTask", "hasTasks", "countTasks" } },
        { CQ__NAMING_BELONGS_TO_MANY,
          "Child",
          "Children",
          { "getChildren", "setChildren", "createChild", "addChild", "addChildren", "removeChild",
            "removeChildren", "hasChild", "hasChildren", "countChildren" } },
        { CQ__NAMING_BELONGS_TO_MANY,
          "supplemented",
          "supplemented",
          { "getSupplemented", "setSupplemented", "createSupplemented", "addSupplemented",
            "addSupplemented", "removeSupplemented", "removeSupplemented", "hasSupplemented",
            "hasSupplemented", "countSupplemented" } },
    };
    for (size_t i = 0; i < COUNT(rows); i++) {
        const accessor_row *r = &rows[i];
        cq__naming_accessors a;
        assert_int_equal(cq__naming_accessors_make(&a, r->kind, r->singular, r->plural), CQ_OK);
        const char *got[10] = { a.get,          a.set,    a.create,          a.add,
                                a.add_multiple, a.remove, a.remove_multiple, a.has_single,
                                a.has_all,      a.count };
        for (size_t j = 0; j < 10; j++) {
            if (!r->want[j]) {
                assert_null(got[j]);
                continue;
            }
            if (!got[j] || strcmp(got[j], r->want[j]) != 0) {
                print_error("accessor %zu of %s: got %s, want %s\n", j, r->singular,
                            got[j] ? got[j] : "(null)", r->want[j]);
                cq__naming_accessors_free(&a);
                fail();
            }
        }
        cq__naming_accessors_free(&a);
    }
    cq__naming_accessors a;
    assert_int_equal(cq__naming_accessors_make(&a, CQ__NAMING_HAS_MANY, "user", NULL), CQ_EINVALID);
    assert_null(a.get);
    cq__naming_accessors_free(NULL);
}

/* Alias resolution feeding accessor names, end to end (naming.md 4 + 6). */
static void test_naming__accessors_from_alias(void **state)
{
    (void)state;
    cq__naming_alias al;
    cq__naming_accessors ac;
    assert_int_equal(cq__naming_alias_resolve(&al, NULL, CQ__NAMING_HAS_MANY, "analyses", NULL,
                                              NULL, "user", "users"),
                     CQ_OK);
    assert_int_equal(cq__naming_accessors_make(&ac, CQ__NAMING_HAS_MANY, al.singular, al.plural),
                     CQ_OK);
    assert_string_equal(ac.get, "getAnalyses");
    assert_string_equal(ac.add, "addAnalyasis");
    cq__naming_accessors_free(&ac);
    cq__naming_alias_free(&al);

    assert_int_equal(cq__naming_alias_resolve(&al, NULL, CQ__NAMING_HAS_ONE, "initiators", NULL,
                                              NULL, "user", "users"),
                     CQ_OK);
    assert_int_equal(cq__naming_accessors_make(&ac, CQ__NAMING_HAS_ONE, al.singular, al.plural),
                     CQ_OK);
    assert_string_equal(ac.get, "getInitiators");
    assert_null(ac.add);
    cq__naming_accessors_free(&ac);
    cq__naming_alias_free(&al);
}

/* ---- 7, 8. Property keys and include aliases ------------------------------------------------ */

static void test_naming__property_keys(void **state)
{
    (void)state;
    static const str_row keys[] = {
        { "user", "user" },
        { "User", "User" },
        { "addresses", "addresses" },
        { "creator", "creator" },
        { "categories", "categories" },
        { "Children", "Children" },
    };
    for (size_t i = 0; i < COUNT(keys); i++)
        expect_str(cq__naming_property_key(keys[i].in), keys[i].out, "property_key", keys[i].in);

    /* product.belongsTo(user) / user.hasMany(address): the key is the resolved `as` */
    cq__naming_alias a;
    assert_int_equal(cq__naming_alias_resolve(&a, NULL, CQ__NAMING_HAS_MANY, NULL, NULL, NULL,
                                              "address", "addresses"),
                     CQ_OK);
    expect_str(cq__naming_property_key(a.as), "addresses", "property_key", "address");
    cq__naming_alias_free(&a);

    static const char *const through[][3] = {
        { "UserProjects", NULL, "UserProjects" },       { "worker_tasks", NULL, "worker_tasks" },
        { "PersonChildren", NULL, "PersonChildren" },   { "item_tag", NULL, "item_tag" },
        { "UserProjects", "membership", "membership" },
    };
    for (size_t i = 0; i < COUNT(through); i++)
        expect_str(cq__naming_through_key(through[i][0], through[i][1]), through[i][2],
                   "through_key", through[i][0]);
}

static void test_naming__include_alias_matching(void **state)
{
    (void)state;
    /* include: [T] picks the association that is not aliased */
    assert_true(cq__naming_alias_matches(CQ__NAMING_BELONGS_TO, "user", false, NULL, NULL, NULL));
    assert_false(
        cq__naming_alias_matches(CQ__NAMING_BELONGS_TO, "creator", true, NULL, NULL, NULL));
    /* include: [{model: T, as: 'creator'}] */
    assert_true(
        cq__naming_alias_matches(CQ__NAMING_BELONGS_TO, "creator", true, "creator", NULL, NULL));
    assert_false(
        cq__naming_alias_matches(CQ__NAMING_BELONGS_TO, "creator", true, "Creator", NULL, NULL));
    /* a string alias may also name a non-aliased association by its default `as` */
    assert_true(cq__naming_alias_matches(CQ__NAMING_HAS_MANY, "users", false, "users", NULL, NULL));
    /* object alias: singular for single, plural for multi */
    assert_true(cq__naming_alias_matches(CQ__NAMING_HAS_ONE, "boss", true, NULL, "boss", "bosses"));
    assert_false(cq__naming_alias_matches(CQ__NAMING_HAS_ONE, "boss", true, NULL, "chief", "boss"));
    assert_true(
        cq__naming_alias_matches(CQ__NAMING_HAS_MANY, "Crew", true, NULL, "Member", "Crew"));
    assert_false(cq__naming_alias_matches(CQ__NAMING_BELONGS_TO_MANY, "Crew", true, NULL, "Crew",
                                          "Members"));
    /* object alias without the needed half behaves as no alias */
    assert_true(cq__naming_alias_matches(CQ__NAMING_HAS_MANY, "users", false, NULL, "user", NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_naming__inflection_spec_examples),
        cmocka_unit_test(test_naming__inflection_matches_reference_words),
        cmocka_unit_test(test_naming__uncountable_words_are_unchanged),
        cmocka_unit_test(test_naming__rule_tables_are_well_formed),
        cmocka_unit_test(test_naming__pattern_matcher),
        cmocka_unit_test(test_naming__inflection_null_input),
        cmocka_unit_test(test_naming__inflector_is_replaceable),
        cmocka_unit_test(test_naming__camelize),
        cmocka_unit_test(test_naming__underscore),
        cmocka_unit_test(test_naming__upper_first),
        cmocka_unit_test(test_naming__model_table_and_names),
        cmocka_unit_test(test_naming__attribute_fields),
        cmocka_unit_test(test_naming__alias_resolution),
        cmocka_unit_test(test_naming__default_foreign_keys),
        cmocka_unit_test(test_naming__belongs_to_many_other_key),
        cmocka_unit_test(test_naming__foreign_key_holder),
        cmocka_unit_test(test_naming__foreign_keys_from_model_names),
        cmocka_unit_test(test_naming__accessor_names),
        cmocka_unit_test(test_naming__accessors_from_alias),
        cmocka_unit_test(test_naming__property_keys),
        cmocka_unit_test(test_naming__include_alias_matching),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
