/*
 * DDL generation and sync planning (spec/sync.md sections 1-11), without a database round
 * trip: cq_db_ddl() for each dialect on models defined in an in-memory SQLite db.
 *
 * Golden files: tests/golden/ddl/<case>/{sqlite,postgres,mysql}.sql hold the exact text
 * cq_db_ddl() must return. Set CQ_UPDATE_GOLDEN=1 to rewrite them from the current output
 * (then review the diff against the spec before committing).
 */
#define _POSIX_C_SOURCE 200809L
#include "cq_test.h"

#include <stdlib.h>
#include <string.h>

#include "sync/plan.h"

#ifndef CQ_SOURCE_DIR
#error "CQ_SOURCE_DIR must name the source tree"
#endif

static const struct {
    cq_dialect d;
    const char *file;
} dialects[] = { { CQ_DIALECT_SQLITE, "sqlite" },
                 { CQ_DIALECT_POSTGRES, "postgres" },
                 { CQ_DIALECT_MYSQL, "mysql" } };

static int setup(void **state)
{
    cq_db *db = NULL;
    if (cq_db_open(&db, "sqlite::memory:", NULL, NULL) != CQ_OK)
        return -1;
    *state = db;
    return 0;
}

static int teardown(void **state)
{
    cq_db_close(*state);
    return 0;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *s = NULL;
    long n = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    if (n >= 0 && fseek(f, 0, SEEK_SET) == 0 && (s = malloc((size_t)n + 1)) != NULL) {
        size_t got = fread(s, 1, (size_t)n, f);
        s[got] = 0;
    }
    fclose(f);
    return s;
}

/* Compares cq_db_ddl() for every dialect with tests/golden/ddl/<name>/<dialect>.sql. */
static void assert_golden(cq_db *db, const char *name)
{
    bool update = getenv("CQ_UPDATE_GOLDEN") != NULL;
    bool ok = true;
    for (size_t i = 0; i < sizeof dialects / sizeof dialects[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/tests/golden/ddl/%s/%s.sql", CQ_SOURCE_DIR, name,
                 dialects[i].file);
        char *got = NULL;
        CQ_ASSERT_OK(db, cq_db_ddl(&got, db, dialects[i].d));
        if (update) {
            FILE *f = fopen(path, "wb");
            assert_non_null(f);
            fputs(got, f);
            fclose(f);
        }
        char *want = read_file(path);
        if (!want || strcmp(got, want) != 0) {
            print_error("%s: DDL differs from %s\n--- got:\n%s--- want:\n%s", name, path, got,
                        want ? want : "(missing file)\n");
            ok = false;
        }
        free(want);
        cq_free(got);
    }
    if (!ok)
        fail();
}

static char *ddl(cq_db *db, cq_dialect d)
{
    char *out = NULL;
    CQ_ASSERT_OK(db, cq_db_ddl(&out, db, d));
    return out;
}

static void assert_ddl(cq_db *db, cq_dialect d, const char *want)
{
    char *got = ddl(db, d);
    if (strcmp(got, want) != 0) {
        print_error("DDL mismatch\n--- got:\n%s--- want:\n%s", got, want);
        cq_free(got);
        fail();
    }
    cq_free(got);
}

static cq_model *define(cq_db *db, const char *name, const cq_attr *attrs,
                        const cq_model_opts *opts)
{
    cq_model *m = NULL;
    CQ_ASSERT_OK(db, cq_db_define(&m, db, name, attrs, opts));
    return m;
}

static const cq_model_opts no_ts = { .timestamps = CQ_OFF };

static void assert_order(cq_db *db, const char *const *tables)
{
    cq_sync_plan *plan = NULL;
    CQ_ASSERT_OK(db, cq_db_sync_plan(&plan, db, NULL));
    size_t n = 0;
    while (tables[n])
        n++;
    assert_int_equal(cq_sync_plan_model_count(plan), n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(cq_model_table_name(cq_sync_plan_model_at(plan, i)), tables[i]);
    assert_null(cq_sync_plan_model_at(plan, n));
    cq_sync_plan_free(plan);

    cq_model **order = NULL;
    CQ_ASSERT_OK(db, cq_db_sync_order(&order, db));
    for (size_t i = 0; i < n; i++)
        assert_string_equal(cq_model_table_name(order[i]), tables[i]);
    assert_null(order[n]);
    cq_free(order);
}

/* ---- worked examples ------------------------------------------------------------------ */

/* Seed Task/User with userId declared by hand (so it keeps its declared position, before the
 * timestamps); task is defined first, so the order comes from the reference. */
static void test_ddl__task_user(void **state)
{
    cq_db *db = *state;
    const cq_attr task[] = {
        { .name = "title", .type = CQ_STRING },
        { .name = "userId",
          .type = CQ_INTEGER,
          .references_model = "user",
          .on_delete = CQ_REF_SET_NULL,
          .on_update = CQ_REF_CASCADE },
        { 0 },
    };
    const cq_attr user[] = { { .name = "username", .type = CQ_STRING }, { 0 } };
    define(db, "task", task, NULL);
    define(db, "user", user, NULL);
    assert_golden(db, "task_user");
}

/* Paranoid models (sync.md section 1): `deletedAt` after the timestamps, nullable; renamed and
 * snake-cased like the other timestamps; no column without timestamps (v6 ignores paranoid). */
static void test_ddl__paranoid(void **state)
{
    cq_db *db = *state;
    const cq_attr post[] = { { .name = "title", .type = CQ_STRING }, { 0 } };
    const cq_attr note[] = { { .name = "body", .type = CQ_TEXT }, { 0 } };
    const cq_attr tag[] = { { .name = "label", .type = CQ_STRING }, { 0 } };
    cq_model *p = NULL, *n = NULL, *t = NULL;
    CQ_ASSERT_OK(db, cq_db_define(&p, db, "post", post, &(cq_model_opts){ .paranoid = true }));
    CQ_ASSERT_OK(db, cq_db_define(&n, db, "note", note,
                                  &(cq_model_opts){ .paranoid = true,
                                                    .underscored = CQ_ON,
                                                    .deleted_at = "removedAt" }));
    CQ_ASSERT_OK(db, cq_db_define(&t, db, "tag", tag,
                                  &(cq_model_opts){ .paranoid = true, .timestamps = CQ_OFF }));
    CQ_ASSERT_OK(db, cq_model_belongs_to(NULL, n, p, NULL));
    assert_true(cq_model_is_paranoid(p));
    assert_string_equal(cq_model_deleted_at(p), "deletedAt");
    assert_string_equal(cq_model_deleted_at(n), "removedAt");
    assert_false(cq_model_is_paranoid(t));
    assert_null(cq_model_deleted_at(t));
    long di = cq_model_attr_index(p, "deletedAt");
    assert_int_equal(di, 4);
    assert_true(cq_model_attr_is_nullable(p, (size_t)di));
    assert_string_equal(cq_model_attr_field(n, (size_t)cq_model_attr_index(n, "removedAt")),
                        "removed_at");
    assert_golden(db, "paranoid");
}

/* `version` models (v6 optimistic locking): INTEGER NOT NULL DEFAULT 0 after every timestamp
 * (deletedAt included), renamed by a string, without timestamps too; a generated join model
 * inherits it and the timestamp names from the source, `updatedAt: false` included: the
 * spec's AB(created_on, version, a_id, b_id) of associations.md 5.3 exactly. */
static void test_ddl__version(void **state)
{
    cq_db *db = *state;
    const cq_attr title[] = { { .name = "title", .type = CQ_STRING }, { 0 } };
    cq_model *doc = NULL, *note = NULL, *a = NULL, *b = NULL;
    CQ_ASSERT_OK(db, cq_db_define(&doc, db, "doc", title,
                                  &(cq_model_opts){ .version = true, .paranoid = true }));
    CQ_ASSERT_OK(db, cq_db_define(&note, db, "note", title,
                                  &(cq_model_opts){ .version_attribute = "lockVersion",
                                                    .underscored = CQ_ON,
                                                    .timestamps = CQ_OFF }));
    CQ_ASSERT_OK(db, cq_db_define(&a, db, "a", title,
                                  &(cq_model_opts){ .version = true,
                                                    .underscored = CQ_ON,
                                                    .created_at = "created_on",
                                                    .omit_updated_at = true }));
    CQ_ASSERT_OK(db, cq_db_define(&b, db, "b", title, NULL));
    CQ_ASSERT_OK(db, cq_model_belongs_to_many(NULL, a, b, &(cq_assoc_opts){ .through = "AB" }));
    assert_string_equal(cq_model_version_attribute(doc), "version");
    assert_int_equal(cq_model_attr_index(doc, "version"), 5);
    assert_false(cq_model_attr_is_nullable(doc, 5));
    assert_string_equal(cq_model_attr_field(note, (size_t)cq_model_attr_index(note, "lockVersion")),
                        "lock_version");
    assert_null(cq_model_version_attribute(b));
    assert_string_equal(cq_model_version_attribute(cq_db_model(db, "AB")), "version");
    assert_golden(db, "version");
}

/* The same with the columns laid out as an association lays them out (FK after the
 * timestamps): exactly the text of spec section 8. */
static void test_ddl__task_user_matches_spec_section_8(void **state)
{
    cq_db *db = *state;
    const cq_attr user[] = {
        { .name = "username", .type = CQ_STRING },
        { .name = "createdAt", .type = CQ_DATE, .allow_null = CQ_OFF },
        { .name = "updatedAt", .type = CQ_DATE, .allow_null = CQ_OFF },
        { 0 },
    };
    cq_model *u = define(db, "user", user, &no_ts);
    const cq_attr task[] = {
        { .name = "title", .type = CQ_STRING },
        { .name = "createdAt", .type = CQ_DATE, .allow_null = CQ_OFF },
        { .name = "updatedAt", .type = CQ_DATE, .allow_null = CQ_OFF },
        { .name = "userId",
          .type = CQ_INTEGER,
          .references_model_handle = u,
          .on_delete = CQ_REF_SET_NULL,
          .on_update = CQ_REF_CASCADE },
        { 0 },
    };
    define(db, "task", task, &no_ts);
    assert_ddl(db, CQ_DIALECT_SQLITE,
               "CREATE TABLE IF NOT EXISTS `users` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, "
               "`username` VARCHAR(255), `createdAt` DATETIME NOT NULL, `updatedAt` DATETIME NOT "
               "NULL);\n"
               "CREATE TABLE IF NOT EXISTS `tasks` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, "
               "`title` VARCHAR(255), `createdAt` DATETIME NOT NULL, `updatedAt` DATETIME NOT "
               "NULL, `userId` INTEGER REFERENCES `users` (`id`) ON DELETE SET NULL ON UPDATE "
               "CASCADE);\n");
    assert_ddl(db, CQ_DIALECT_POSTGRES,
               "CREATE TABLE IF NOT EXISTS \"users\" (\"id\" SERIAL, \"username\" VARCHAR(255), "
               "\"createdAt\" TIMESTAMP WITH TIME ZONE NOT NULL, \"updatedAt\" TIMESTAMP WITH "
               "TIME ZONE NOT NULL, PRIMARY KEY (\"id\"));\n"
               "CREATE TABLE IF NOT EXISTS \"tasks\" (\"id\" SERIAL, \"title\" VARCHAR(255), "
               "\"createdAt\" TIMESTAMP WITH TIME ZONE NOT NULL, \"updatedAt\" TIMESTAMP WITH "
               "TIME ZONE NOT NULL, \"userId\" INTEGER REFERENCES \"users\" (\"id\") ON DELETE "
               "SET NULL ON UPDATE CASCADE, PRIMARY KEY (\"id\"));\n");
    assert_ddl(db, CQ_DIALECT_MYSQL,
               "CREATE TABLE IF NOT EXISTS `users` (`id` INTEGER NOT NULL auto_increment, "
               "`username` VARCHAR(255), `createdAt` DATETIME NOT NULL, `updatedAt` DATETIME NOT "
               "NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB;\n"
               "CREATE TABLE IF NOT EXISTS `tasks` (`id` INTEGER NOT NULL auto_increment, "
               "`title` VARCHAR(255), `createdAt` DATETIME NOT NULL, `updatedAt` DATETIME NOT "
               "NULL, `userId` INTEGER, PRIMARY KEY (`id`), FOREIGN KEY (`userId`) REFERENCES "
               "`users` (`id`) ON DELETE SET NULL ON UPDATE CASCADE) ENGINE=InnoDB;\n");
}

/* The same through associations (their foreign keys are ordinary attributes with references):
 * User.hasMany(Task), Task.belongsTo(User), and the belongsToMany join table of section 8. */
static void test_ddl__association_keys_match_spec_section_8(void **state)
{
    cq_db *db = *state;
    const cq_attr user_attrs[] = { { .name = "username", .type = CQ_STRING }, { 0 } };
    const cq_attr task_attrs[] = { { .name = "title", .type = CQ_STRING }, { 0 } };
    cq_model *user = define(db, "user", user_attrs, NULL);
    cq_model *task = define(db, "task", task_attrs, NULL);
    cq_model *project = define(db, "project", NULL, &no_ts);
    CQ_ASSERT_OK(db, cq_model_has_many(NULL, user, task, NULL));
    CQ_ASSERT_OK(db, cq_model_belongs_to(NULL, task, user, NULL));
    CQ_ASSERT_OK(db, cq_model_belongs_to_many(NULL, project, user,
                                              &(cq_assoc_opts){ .through = "UserProject" }));
    CQ_ASSERT_OK(db, cq_model_belongs_to_many(NULL, user, project,
                                              &(cq_assoc_opts){ .through = "UserProject" }));
    char *sql = ddl(db, CQ_DIALECT_SQLITE);
    assert_non_null(
        strstr(sql, "CREATE TABLE IF NOT EXISTS `tasks` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, "
                    "`title` VARCHAR(255), `createdAt` DATETIME NOT NULL, `updatedAt` DATETIME NOT "
                    "NULL, `userId` INTEGER REFERENCES `users` (`id`) ON DELETE SET NULL ON UPDATE "
                    "CASCADE);\n"));
    assert_non_null(strstr(
        sql, "CREATE TABLE IF NOT EXISTS `UserProject` (`createdAt` DATETIME NOT NULL, "
             "`updatedAt` DATETIME NOT NULL, `projectId` INTEGER NOT NULL REFERENCES `projects` "
             "(`id`) ON DELETE CASCADE ON UPDATE CASCADE, `userId` INTEGER NOT NULL REFERENCES "
             "`users` (`id`) ON DELETE CASCADE ON UPDATE CASCADE, PRIMARY KEY (`projectId`, "
             "`userId`));\n"));
    cq_free(sql);
    sql = ddl(db, CQ_DIALECT_MYSQL);
    assert_non_null(strstr(
        sql, "CREATE TABLE IF NOT EXISTS `UserProject` (`createdAt` DATETIME NOT NULL, "
             "`updatedAt` DATETIME NOT NULL, `projectId` INTEGER, `userId` INTEGER, PRIMARY KEY "
             "(`projectId`, `userId`), FOREIGN KEY (`projectId`) REFERENCES `projects` (`id`) ON "
             "DELETE CASCADE ON UPDATE CASCADE, FOREIGN KEY (`userId`) REFERENCES `users` (`id`) "
             "ON DELETE CASCADE ON UPDATE CASCADE) ENGINE=InnoDB;\n"));
    cq_free(sql);
    /* the join table comes after both of its targets */
    assert_order(db, (const char *const[]){ "users", "tasks", "projects", "UserProject", NULL });
}

/* Join-table-like model with a composite primary key of two references: spec section 8's
 * UserProject text (timestamps declared first, as belongsToMany lays them out). */
static void test_ddl__composite_primary_key(void **state)
{
    cq_db *db = *state;
    define(db, "project", NULL, &no_ts);
    define(db, "user", NULL, &no_ts);
    const cq_attr up[] = {
        { .name = "createdAt", .type = CQ_DATE, .allow_null = CQ_OFF },
        { .name = "updatedAt", .type = CQ_DATE, .allow_null = CQ_OFF },
        { .name = "projectId",
          .type = CQ_INTEGER,
          .primary_key = true,
          .references_model = "project",
          .on_delete = CQ_REF_CASCADE,
          .on_update = CQ_REF_CASCADE },
        { .name = "userId",
          .type = CQ_INTEGER,
          .primary_key = true,
          .references_model = "user",
          .on_delete = CQ_REF_CASCADE,
          .on_update = CQ_REF_CASCADE },
        { 0 },
    };
    define(db, "UserProject", up,
           &(cq_model_opts){ .timestamps = CQ_OFF, .table_name = "UserProject" });
    assert_golden(db, "composite_pk");
}

/* Seed ItemTag: a named composite unique over three columns, `references: null`. */
static void test_ddl__item_tag_composite_unique(void **state)
{
    cq_db *db = *state;
    const cq_attr item_tag[] = {
        { .name = "id", .type = CQ_INTEGER, .primary_key = true, .auto_increment = true },
        { .name = "tag_id", .type = CQ_INTEGER, .unique_name = "item_tag_taggable" },
        { .name = "taggable", .type = CQ_STRING, .unique_name = "item_tag_taggable" },
        { .name = "taggable_id",
          .type = CQ_INTEGER,
          .unique_name = "item_tag_taggable",
          .references_none = true },
        { 0 },
    };
    define(db, "item_tag", item_tag, NULL);
    assert_golden(db, "item_tag");
}

/* Seed Series/Trainer/Video with manual references: "trainer" names the model (its table is
 * `trainers`, cequel decision in spec 9); a model handle; a reference by table name. */
static void test_ddl__series_trainer_video(void **state)
{
    cq_db *db = *state;
    const cq_attr series[] = {
        { .name = "title", .type = CQ_STRING },
        { .name = "sub_title", .type = CQ_STRING },
        { .name = "description", .type = CQ_TEXT },
        { .name = "trainer_id",
          .type = CQ_INTEGER,
          .references_model = "trainer",
          .references_key = "id" },
        { 0 },
    };
    const cq_attr trainer[] = {
        { .name = "first_name", .type = CQ_STRING },
        { .name = "last_name", .type = CQ_STRING },
        { 0 },
    };
    cq_model *s = define(db, "series", series, NULL);
    define(db, "trainer", trainer, NULL);
    const cq_attr video[] = {
        { .name = "title", .type = CQ_STRING },
        { .name = "sequence", .type = CQ_INTEGER },
        { .name = "description", .type = CQ_TEXT },
        { .name = "series_id",
          .type = CQ_INTEGER,
          .references_model_handle = s,
          .references_key = "id" },
        { .name = "coach_id", .type = CQ_INTEGER, .references_model = "trainers" },
        { 0 },
    };
    define(db, "video", video, NULL);
    assert_golden(db, "series_trainer_video");
}

/* Seed Document/Version cycle with hand-declared keys. Document is walked first, so
 * versions.documentId closes the cycle: deferred to an ALTER TABLE on PostgreSQL/MySQL,
 * inline on SQLite. */
static void define_document_version(cq_db *db)
{
    const cq_attr document[] = {
        { .name = "author", .type = CQ_STRING },
        { .name = "current_version_id",
          .type = CQ_INTEGER,
          .references_model = "version",
          .on_delete = CQ_REF_SET_NULL,
          .on_update = CQ_REF_CASCADE },
        { 0 },
    };
    const cq_attr version[] = {
        { .name = "documentId",
          .type = CQ_INTEGER,
          .references_model = "document",
          .on_delete = CQ_REF_SET_NULL,
          .on_update = CQ_REF_CASCADE },
        { 0 },
    };
    define(db, "document", document, NULL);
    define(db, "version", version, NULL);
}

static void test_ddl__document_version_cycle(void **state)
{
    cq_db *db = *state;
    define_document_version(db);
    assert_golden(db, "document_version");
}

/* Self-references are accepted inline by every dialect and never affect order. */
static void test_ddl__self_reference(void **state)
{
    cq_db *db = *state;
    const cq_attr person[] = {
        { .name = "name", .type = CQ_STRING },
        { .name = "parentId",
          .type = CQ_INTEGER,
          .references_model = "person",
          .on_delete = CQ_REF_CASCADE },
        { 0 },
    };
    define(db, "person", person, &no_ts);
    assert_ddl(db, CQ_DIALECT_SQLITE,
               "CREATE TABLE IF NOT EXISTS `people` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, "
               "`name` VARCHAR(255), `parentId` INTEGER REFERENCES `people` (`id`) ON DELETE "
               "CASCADE);\n");
    assert_ddl(db, CQ_DIALECT_MYSQL,
               "CREATE TABLE IF NOT EXISTS `people` (`id` INTEGER NOT NULL auto_increment, "
               "`name` VARCHAR(255), `parentId` INTEGER, PRIMARY KEY (`id`), FOREIGN KEY "
               "(`parentId`) REFERENCES `people` (`id`) ON DELETE CASCADE) ENGINE=InnoDB;\n");
    cq_sync_plan *plan = NULL;
    CQ_ASSERT_OK(db, cq_db_sync_plan(&plan, db, &(cq_sync_opts){ .strict_cycles = true }));
    assert_int_equal(cq_sync_plan_cycle_count(plan), 0);
    cq_sync_plan_free(plan);
}

/* ---- types, modifiers, keys ------------------------------------------------------------ */

static void test_ddl__every_type(void **state)
{
    cq_db *db = *state;
    const cq_attr attrs[] = {
        { .name = "string", .type = CQ_STRING },
        { .name = "string100", .type = CQ_STRING, .length = 100 },
        { .name = "char", .type = CQ_CHAR },
        { .name = "char2", .type = CQ_CHAR, .length = 2 },
        { .name = "text", .type = CQ_TEXT },
        { .name = "integer", .type = CQ_INTEGER },
        { .name = "bigint", .type = CQ_BIGINT },
        { .name = "smallint", .type = CQ_SMALLINT },
        { .name = "float", .type = CQ_FLOAT },
        { .name = "real", .type = CQ_REAL },
        { .name = "double", .type = CQ_DOUBLE },
        { .name = "decimal", .type = CQ_DECIMAL },
        { .name = "decimal10_2", .type = CQ_DECIMAL, .precision = 10, .scale = 2 },
        { .name = "decimal10", .type = CQ_DECIMAL, .precision = 10 },
        { .name = "boolean", .type = CQ_BOOLEAN },
        { .name = "date", .type = CQ_DATE },
        { .name = "date3", .type = CQ_DATE, .precision = 3 },
        { .name = "dateonly", .type = CQ_DATEONLY },
        { .name = "time", .type = CQ_TIME },
        { .name = "uuid", .type = CQ_UUID },
        { .name = "json", .type = CQ_JSON },
        { .name = "blob", .type = CQ_BLOB },
        { 0 },
    };
    define(db, "thing", attrs, &no_ts);
    assert_golden(db, "types");
}

static void test_ddl__defaults(void **state)
{
    cq_db *db = *state;
    cq_value *obj = cq_test_json("{\"a\":1}");
    cq_value *vals[] = {
        cq_value_text("x"),
        cq_value_text("it's a \"q\" \\ \n"),
        cq_value_int(7),
        cq_value_double(1.5),
        cq_value_int(7),
        cq_value_double(0.1),
        cq_value_bool(true),
        cq_value_bool(false),
        cq_value_int(1),
        cq_value_text("2020-01-02T03:04:05.000Z"),
        obj,
        cq_value_text("long"),
        cq_value_null(),
        cq_value_double(9.5),
        cq_value_double(-2.5e-7),
        cq_value_blob("\x01\xab", 2),
        cq_value_text("new"),
    };
    const cq_attr attrs[] = {
        { .name = "s", .type = CQ_STRING, .default_value = vals[0] },
        { .name = "quoted", .type = CQ_STRING, .default_value = vals[1] },
        { .name = "n", .type = CQ_INTEGER, .default_value = vals[2] },
        { .name = "f", .type = CQ_FLOAT, .default_value = vals[3] },
        { .name = "f7", .type = CQ_FLOAT, .default_value = vals[4] },
        { .name = "d", .type = CQ_DOUBLE, .default_value = vals[5] },
        { .name = "yes", .type = CQ_BOOLEAN, .default_value = vals[6] },
        { .name = "no", .type = CQ_BOOLEAN, .default_value = vals[7] },
        { .name = "one", .type = CQ_BOOLEAN, .default_value = vals[8] },
        { .name = "at", .type = CQ_DATE, .default_value = vals[9] },
        { .name = "j", .type = CQ_JSON, .default_value = vals[10] },
        { .name = "t", .type = CQ_TEXT, .default_value = vals[11] },
        { .name = "nothing", .type = CQ_STRING, .default_value = vals[12] },
        { .name = "price",
          .type = CQ_DECIMAL,
          .precision = 10,
          .scale = 2,
          .default_value = vals[13] },
        { .name = "tiny", .type = CQ_REAL, .default_value = vals[14] },
        { .name = "b", .type = CQ_BLOB, .default_value = vals[15] },
        { .name = "status",
          .type = CQ_STRING,
          .allow_null = CQ_OFF,
          .unique = true,
          .default_value = vals[16] },
        { .name = "now", .type = CQ_DATE, .default_fn = CQ_DEFAULT_NOW },
        { .name = "token", .type = CQ_UUID, .default_fn = CQ_DEFAULT_UUIDV4 },
        { 0 },
    };
    define(db, "setting", attrs, &no_ts);
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
        cq_value_free(vals[i]);
    assert_golden(db, "defaults");
}

/* User-defined keys: a BIGINT auto-increment id without allowNull (MySQL: no NOT NULL;
 * PostgreSQL: BIGSERIAL), a UUID key, a STRING key with NOT NULL and UNIQUE, a SMALLINT
 * key without auto-increment. */
static void test_ddl__user_primary_keys(void **state)
{
    cq_db *db = *state;
    const cq_attr big[] = {
        { .name = "id", .type = CQ_BIGINT, .primary_key = true, .auto_increment = true },
        { .name = "name", .type = CQ_STRING },
        { 0 },
    };
    const cq_attr uuid[] = {
        { .name = "name", .type = CQ_STRING },
        { .name = "uuid", .type = CQ_UUID, .primary_key = true, .default_fn = CQ_DEFAULT_UUIDV4 },
        { 0 },
    };
    const cq_attr code[] = {
        { .name = "code",
          .type = CQ_STRING,
          .length = 8,
          .primary_key = true,
          .allow_null = CQ_OFF,
          .unique = true },
        { .name = "bigId", .type = CQ_BIGINT, .references_model = "big" },
        { .name = "uuidId",
          .type = CQ_UUID,
          .references_model = "uuid_thing",
          .references_key = "uuid",
          .on_delete = CQ_REF_RESTRICT },
        { 0 },
    };
    const cq_attr small[] = {
        { .name = "n", .type = CQ_SMALLINT, .primary_key = true, .allow_null = CQ_OFF },
        { .name = "codeId",
          .type = CQ_STRING,
          .length = 8,
          .references_model = "code",
          .references_key = "code",
          .on_update = CQ_REF_NO_ACTION,
          .on_delete = CQ_REF_SET_DEFAULT },
        { 0 },
    };
    define(db, "big", big, &no_ts);
    define(db, "uuid_thing", uuid, &no_ts);
    define(db, "code", code, &no_ts);
    define(db, "small", small, &no_ts);
    assert_golden(db, "keys");
}

/* The bench workload's schema (shared/bench/WORKLOAD.md section 1): the `indexes` option on
 * foreign keys that associations add later, each index right after its table; plus a named
 * composite unique index on an underscored model. The SQLite and PostgreSQL lines are the
 * workload's recorded Sequelize 6.37 DDL (PostgreSQL whitespace normalised); MySQL is v6's
 * addIndexQuery with indexViaAlter. */
static void test_ddl__indexes_option(void **state)
{
    cq_db *db = *state;
    const cq_attr user[] = { { .name = "username", .type = CQ_STRING },
                             { .name = "email", .type = CQ_STRING },
                             { 0 } };
    const cq_attr bio[] = { { .name = "bio", .type = CQ_TEXT }, { 0 } };
    const cq_attr post[] = { { .name = "title", .type = CQ_STRING },
                             { .name = "body", .type = CQ_TEXT },
                             { 0 } };
    const cq_attr body[] = { { .name = "body", .type = CQ_TEXT }, { 0 } };
    const cq_attr tag[] = { { .name = "name", .type = CQ_STRING, .unique = true }, { 0 } };
    const cq_attr note[] = { { .name = "tagLine", .type = CQ_STRING },
                             { .name = "kind", .type = CQ_STRING },
                             { 0 } };
    cq_model *u = define(db, "user", user, NULL);
    cq_model *pr = define(
        db, "profile", bio,
        &(cq_model_opts){ .indexes = (cq_index[]){
                              { .fields = (const char *const[]){ "userId", NULL } }, { 0 } } });
    cq_model *p = define(
        db, "post", post,
        &(cq_model_opts){ .indexes = (cq_index[]){
                              { .fields = (const char *const[]){ "userId", NULL } }, { 0 } } });
    cq_model *c = define(
        db, "comment", body,
        &(cq_model_opts){ .indexes = (cq_index[]){
                              { .fields = (const char *const[]){ "postId", NULL } }, { 0 } } });
    cq_model *t = define(db, "tag", tag, NULL);
    define(db, "userNote", note,
           &(cq_model_opts){
               .underscored = CQ_ON,
               .indexes = (cq_index[]){
                   { .fields = (const char *const[]){ "tag_line", "kind", NULL }, .unique = true },
                   { .fields = (const char *const[]){ "kind", NULL }, .name = "by_kind" },
                   { 0 } } });
    CQ_ASSERT_OK(db, cq_model_has_one(NULL, u, pr, NULL));
    CQ_ASSERT_OK(db, cq_model_has_many(NULL, u, p, NULL));
    CQ_ASSERT_OK(db, cq_model_belongs_to(NULL, p, u, NULL));
    CQ_ASSERT_OK(db, cq_model_has_many(NULL, p, c, NULL));
    CQ_ASSERT_OK(db,
                 cq_model_belongs_to_many(NULL, p, t, &(cq_assoc_opts){ .through = "post_tag" }));
    CQ_ASSERT_OK(db,
                 cq_model_belongs_to_many(NULL, t, p, &(cq_assoc_opts){ .through = "post_tag" }));
    assert_int_equal(cq_model_index_count(p), 1);
    assert_string_equal(cq_model_index_name(p, 0), "posts_user_id");
    assert_string_equal(cq_model_index_fields(p, 0)[0], "userId");
    assert_null(cq_model_index_fields(p, 0)[1]);
    assert_false(cq_model_index_is_unique(p, 0));
    cq_model *n = cq_db_model(db, "userNote");
    assert_string_equal(cq_model_index_name(n, 0), "user_notes_tag_line_kind");
    assert_true(cq_model_index_is_unique(n, 0));
    assert_string_equal(cq_model_index_name(n, 1), "by_kind");
    assert_null(cq_model_index_name(n, 2));
    assert_int_equal(cq_model_index_count(t), 0);
    (void)c;
    assert_golden(db, "indexes");
}

/* An index needs at least one field, and a name that is not empty. */
static void test_ddl__index_without_fields_fails(void **state)
{
    cq_db *db = *state;
    const cq_attr a[] = { { .name = "x", .type = CQ_STRING }, { 0 } };
    cq_model *m = NULL;
    CQ_ASSERT_ERR(
        db, CQ_EINVALID,
        cq_db_define(&m, db, "a", a,
                     &(cq_model_opts){ .indexes = (cq_index[]){
                                           { .fields = (const char *const[]){ NULL } }, { 0 } } }));
    assert_null(m);
    CQ_ASSERT_ERR(
        db, CQ_EINVALID,
        cq_db_define(&m, db, "a", a,
                     &(cq_model_opts){ .indexes = (cq_index[]){ { .name = "ix" }, { 0 } } }));
    CQ_ASSERT_ERR(db, CQ_EINVALID,
                  cq_db_define(&m, db, "a", a,
                               &(cq_model_opts){
                                   .indexes = (cq_index[]){
                                       { .fields = (const char *const[]){ "x", NULL }, .name = "" },
                                       { 0 } } }));
    assert_null(cq_db_model(db, "a"));
}

/* A key whose column is renamed (`field`) is referenced by column name. */
static void test_ddl__reference_key_uses_field(void **state)
{
    cq_db *db = *state;
    const cq_attr acct[] = {
        { .name = "accountNo", .type = CQ_INTEGER, .primary_key = true, .field = "account_no" },
        { 0 },
    };
    const cq_attr entry[] = {
        { .name = "acct",
          .type = CQ_INTEGER,
          .references_model = "account",
          .references_key = "accountNo" },
        { 0 },
    };
    define(db, "account", acct, &no_ts);
    define(db, "entry", entry, &no_ts);
    char *sql = ddl(db, CQ_DIALECT_POSTGRES);
    assert_non_null(strstr(sql, "\"acct\" INTEGER REFERENCES \"accounts\" (\"account_no\")"));
    cq_free(sql);
}

/* ---- references that resolve to nothing ------------------------------------------------ */

static void test_ddl__reference_to_unknown_table_fails(void **state)
{
    cq_db *db = *state;
    char *out = NULL;
    const cq_attr attrs[] = {
        { .name = "thingId", .type = CQ_INTEGER, .references_model = "external_things" },
        { 0 },
    };
    define(db, "widget", attrs, &no_ts);
    CQ_ASSERT_ERR(db, CQ_EUNKNOWN_MODEL, cq_db_ddl(&out, db, CQ_DIALECT_SQLITE));
    assert_null(out);
    assert_non_null(strstr(cq_db_error(db)->message, "external_things"));
    CQ_ASSERT_ERR(db, CQ_EUNKNOWN_MODEL, cq_db_sync(db, NULL));
}

static void test_ddl__reference_to_unknown_key_fails(void **state)
{
    cq_db *db = *state;
    cq_model **order = NULL;
    define(db, "team", NULL, &no_ts);
    const cq_attr attrs[] = {
        { .name = "teamId",
          .type = CQ_INTEGER,
          .references_model = "team",
          .references_key = "uuid" },
        { 0 },
    };
    define(db, "player", attrs, &no_ts);
    CQ_ASSERT_ERR(db, CQ_EUNKNOWN_ATTR, cq_db_sync_order(&order, db));
    assert_null(order);
    assert_non_null(strstr(cq_db_error(db)->message, "uuid"));
}

static void test_ddl__references_none_is_no_constraint(void **state)
{
    cq_db *db = *state;
    define(db, "team", NULL, &no_ts);
    const cq_attr attrs[] = {
        { .name = "teamId",
          .type = CQ_INTEGER,
          .references_model = "team",
          .references_none = true },
        { 0 },
    };
    define(db, "player", attrs, &no_ts);
    assert_ddl(db, CQ_DIALECT_SQLITE,
               "CREATE TABLE IF NOT EXISTS `teams` (`id` INTEGER PRIMARY KEY AUTOINCREMENT);\n"
               "CREATE TABLE IF NOT EXISTS `players` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, "
               "`teamId` INTEGER);\n");
}

/* ---- order ------------------------------------------------------------------------------ */

static cq_attr ref(const char *name, const char *model)
{
    return (cq_attr){ .name = name, .type = CQ_INTEGER, .references_model = model };
}

/* Spec section 10: task (-> users, -> projects), user, project (-> users) are created
 * users, projects, tasks. */
static void test_ddl__order_spec_example(void **state)
{
    cq_db *db = *state;
    const cq_attr task[] = { ref("userId", "user"), ref("projectId", "project"), { 0 } };
    const cq_attr project[] = { ref("userId", "user"), { 0 } };
    define(db, "task", task, &no_ts);
    define(db, "user", NULL, &no_ts);
    define(db, "project", project, &no_ts);
    assert_order(db, (const char *const[]){ "users", "projects", "tasks", NULL });
}

/* Six models with a diamond (a -> b -> d, a -> c -> d) and a separate pair (e -> f):
 * depth first in definition order gives d, b, c, a, f, e. */
static void test_ddl__order_diamond(void **state)
{
    cq_db *db = *state;
    const cq_attr a[] = { ref("bId", "b"), ref("cId", "c"), { 0 } };
    const cq_attr b[] = { ref("dId", "d"), { 0 } };
    const cq_attr c[] = { ref("dId", "d"), ref("aSelf", "c"), { 0 } };
    const cq_attr e[] = { ref("fId", "f"), ref("dId", "d"), { 0 } };
    const cq_model_opts frozen = { .timestamps = CQ_OFF, .freeze_table_name = CQ_ON };
    define(db, "a", a, &frozen);
    define(db, "b", b, &frozen);
    define(db, "c", c, &frozen);
    define(db, "d", NULL, &frozen);
    define(db, "e", e, &frozen);
    define(db, "f", NULL, &frozen);
    assert_order(db, (const char *const[]){ "d", "b", "c", "a", "f", "e", NULL });
    char *sql = ddl(db, CQ_DIALECT_POSTGRES);
    assert_null(strstr(sql, "ALTER TABLE")); /* no cycle, nothing deferred */
    assert_true(strstr(sql, "\"d\" (") < strstr(sql, "\"b\" ("));
    assert_true(strstr(sql, "\"c\" (") < strstr(sql, "\"a\" ("));
    cq_free(sql);
}

/* ---- cycles ----------------------------------------------------------------------------- */

static void test_ddl__cycle_plan(void **state)
{
    cq_db *db = *state;
    define_document_version(db);
    cq_sync_plan *plan = NULL;

    /* SQLite: every constraint inline, the cycle still reported */
    CQ_ASSERT_OK(db, cq_db_sync_plan(&plan, db, NULL));
    assert_int_equal(cq_sync_plan_model_count(plan), 2);
    assert_string_equal(cq_model_name(cq_sync_plan_model_at(plan, 0)), "version");
    assert_string_equal(cq_model_name(cq_sync_plan_model_at(plan, 1)), "document");
    assert_int_equal(cq_sync_plan_deferred_count(plan), 0);
    assert_int_equal(cq_sync_plan_cycle_count(plan), 1);
    assert_int_equal(cq_sync_plan_cycle_length(plan, 0), 2);
    assert_string_equal(cq_model_name(cq_sync_plan_cycle_model(plan, 0, 0)), "document");
    assert_string_equal(cq_sync_plan_cycle_attr(plan, 0, 0), "current_version_id");
    assert_string_equal(cq_model_name(cq_sync_plan_cycle_model(plan, 0, 1)), "version");
    assert_string_equal(cq_sync_plan_cycle_attr(plan, 0, 1), "documentId");
    assert_null(cq_sync_plan_cycle_model(plan, 0, 2));
    assert_string_equal(cq_sync_plan_cycle_chain(plan, 0), "documents -> versions => documents");
    char *text = NULL;
    CQ_ASSERT_OK(db, cq_sync_plan_describe(&text, plan));
    assert_string_equal(text, "create versions\ncreate documents\n"
                              "cycle documents -> versions => documents\n");
    cq_free(text);
    cq_sync_plan_free(plan);

    /* PostgreSQL: the closing constraint is deferred */
    CQ_ASSERT_OK(db, cq__sync_plan_build(&plan, db, CQ_DIALECT_POSTGRES));
    assert_int_equal(cq_sync_plan_deferred_count(plan), 1);
    assert_string_equal(cq_model_name(cq_sync_plan_deferred_model(plan, 0)), "version");
    assert_string_equal(cq_sync_plan_deferred_attr(plan, 0), "documentId");
    assert_string_equal(cq_model_name(cq_sync_plan_deferred_target(plan, 0)), "document");
    assert_null(cq_sync_plan_deferred_model(plan, 1));
    CQ_ASSERT_OK(db, cq_sync_plan_describe(&text, plan));
    assert_string_equal(text, "create versions\ncreate documents\n"
                              "add foreign key versions.documentId -> documents.id\n"
                              "cycle documents -> versions => documents\n");
    cq_free(text);
    cq_sync_plan_free(plan);
}

static void test_ddl__cycle_strict_mode_refuses(void **state)
{
    cq_db *db = *state;
    define_document_version(db);
    cq_sync_plan *plan = NULL;
    const cq_sync_opts strict = { .strict_cycles = true };

    CQ_ASSERT_ERR(db, CQ_ECYCLE, cq_db_sync_plan(&plan, db, &strict));
    assert_null(plan);
    assert_string_equal(cq_db_error(db)->message,
                        "Cyclic dependency found. 'document' is dependent of itself. "
                        "Dependency Chain: document -> version => document. Set constraints: "
                        "false (references_none) on one of document.current_version_id or "
                        "version.documentId to break it");
    assert_int_equal(cq_db_error(db)->code, CQ_ECYCLE);
}

/* Three models a -> b -> c -> a (each belongsTo-like reference). */
static void test_ddl__cycle_of_three_message(void **state)
{
    cq_db *db = *state;
    const cq_attr a[] = { ref("bId", "b"), { 0 } };
    const cq_attr b[] = { ref("cId", "c"), { 0 } };
    const cq_attr c[] = { ref("aId", "a"), { 0 } };
    define(db, "a", a, &no_ts);
    define(db, "b", b, &no_ts);
    define(db, "c", c, &no_ts);
    cq_sync_plan *plan = NULL;
    CQ_ASSERT_ERR(db, CQ_ECYCLE, cq_db_sync_plan(&plan, db, &(cq_sync_opts){ .strict_cycles = 1 }));
    assert_string_equal(cq_db_error(db)->message,
                        "Cyclic dependency found. 'a' is dependent of itself. Dependency Chain: "
                        "a -> b -> c => a. Set constraints: false (references_none) on one of "
                        "a.bId, b.cId or c.aId to break it");
    CQ_ASSERT_OK(db, cq_db_sync_plan(&plan, db, NULL));
    assert_int_equal(cq_sync_plan_cycle_count(plan), 1);
    assert_string_equal(cq_sync_plan_cycle_chain(plan, 0), "as -> bs -> cs => as");
    assert_int_equal(cq_sync_plan_cycle_length(plan, 0), 3);
    assert_string_equal(cq_sync_plan_cycle_attr(plan, 0, 2), "aId");
    cq_sync_plan_free(plan);
    assert_ddl(db, CQ_DIALECT_MYSQL,
               "CREATE TABLE IF NOT EXISTS `cs` (`id` INTEGER NOT NULL auto_increment, `aId` "
               "INTEGER, PRIMARY KEY (`id`)) ENGINE=InnoDB;\n"
               "CREATE TABLE IF NOT EXISTS `bs` (`id` INTEGER NOT NULL auto_increment, `cId` "
               "INTEGER, PRIMARY KEY (`id`), FOREIGN KEY (`cId`) REFERENCES `cs` (`id`)) "
               "ENGINE=InnoDB;\n"
               "CREATE TABLE IF NOT EXISTS `as` (`id` INTEGER NOT NULL auto_increment, `bId` "
               "INTEGER, PRIMARY KEY (`id`), FOREIGN KEY (`bId`) REFERENCES `bs` (`id`)) "
               "ENGINE=InnoDB;\n"
               "ALTER TABLE `cs` ADD FOREIGN KEY (`aId`) REFERENCES `as` (`id`);\n");
}

/* `constraints: false` on one side (references_none here) removes the cycle. */
static void test_ddl__cycle_broken_by_references_none(void **state)
{
    cq_db *db = *state;
    const cq_attr document[] = {
        { .name = "current_version_id",
          .type = CQ_INTEGER,
          .references_model = "version",
          .references_none = true },
        { 0 },
    };
    const cq_attr version[] = { ref("documentId", "document"), { 0 } };
    define(db, "document", document, &no_ts);
    define(db, "version", version, &no_ts);
    cq_sync_plan *plan = NULL;
    CQ_ASSERT_OK(db, cq_db_sync_plan(&plan, db, &(cq_sync_opts){ .strict_cycles = true }));
    assert_int_equal(cq_sync_plan_cycle_count(plan), 0);
    assert_string_equal(cq_model_table_name(cq_sync_plan_model_at(plan, 0)), "documents");
    cq_sync_plan_free(plan);
}

/* Two independent cycles and a model depending on one of them. */
static void test_ddl__two_cycles(void **state)
{
    cq_db *db = *state;
    const cq_attr a[] = { ref("bId", "b"), { 0 } };
    const cq_attr b[] = { ref("aId", "a"), { 0 } };
    const cq_attr c[] = { ref("dId", "d"), ref("aId", "a"), { 0 } };
    const cq_attr d[] = { ref("cId", "c"), { 0 } };
    define(db, "a", a, &no_ts);
    define(db, "b", b, &no_ts);
    define(db, "c", c, &no_ts);
    define(db, "d", d, &no_ts);
    cq_sync_plan *plan = NULL;
    CQ_ASSERT_OK(db, cq__sync_plan_build(&plan, db, CQ_DIALECT_POSTGRES));
    assert_int_equal(cq_sync_plan_cycle_count(plan), 2);
    assert_string_equal(cq_sync_plan_cycle_chain(plan, 0), "as -> bs => as");
    assert_string_equal(cq_sync_plan_cycle_chain(plan, 1), "cs -> ds => cs");
    assert_int_equal(cq_sync_plan_deferred_count(plan), 2);
    assert_string_equal(cq_sync_plan_deferred_attr(plan, 0), "aId");
    assert_string_equal(cq_model_name(cq_sync_plan_deferred_model(plan, 0)), "b");
    assert_string_equal(cq_sync_plan_deferred_attr(plan, 1), "cId");
    cq_sync_plan_free(plan);
    assert_order(db, (const char *const[]){ "bs", "as", "ds", "cs", NULL });
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_ddl__task_user),
        T(test_ddl__paranoid),
        T(test_ddl__version),
        T(test_ddl__task_user_matches_spec_section_8),
        T(test_ddl__association_keys_match_spec_section_8),
        T(test_ddl__composite_primary_key),
        T(test_ddl__item_tag_composite_unique),
        T(test_ddl__series_trainer_video),
        T(test_ddl__document_version_cycle),
        T(test_ddl__self_reference),
        T(test_ddl__every_type),
        T(test_ddl__defaults),
        T(test_ddl__user_primary_keys),
        T(test_ddl__reference_key_uses_field),
        T(test_ddl__indexes_option),
        T(test_ddl__index_without_fields_fails),
        T(test_ddl__reference_to_unknown_table_fails),
        T(test_ddl__reference_to_unknown_key_fails),
        T(test_ddl__references_none_is_no_constraint),
        T(test_ddl__order_spec_example),
        T(test_ddl__order_diamond),
        T(test_ddl__cycle_plan),
        T(test_ddl__cycle_strict_mode_refuses),
        T(test_ddl__cycle_of_three_message),
        T(test_ddl__cycle_broken_by_references_none),
        T(test_ddl__two_cycles),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
