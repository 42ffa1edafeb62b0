/*
 * Schema sync on SQLite (foreign keys on): every onDelete/onUpdate action behaves as
 * declared, a second sync changes nothing, force drops and recreates in order, reference
 * cycles sync (and are reported), strict mode refuses them before any statement runs.
 */
#define _POSIX_C_SOURCE 200809L
#include "cq_fixture.h"

#include <stdlib.h>
#include <string.h>

typedef struct sync_fixture {
    cq_db *db;
    char **text; /* logged SQL and warnings, in order */
    cq_log_kind *kind;
    size_t n, cap;
} sync_fixture;

static void capture(const cq_log_event *ev, void *user_data)
{
    sync_fixture *f = user_data;
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 32;
        char **t = realloc(f->text, cap * sizeof *t);
        if (t)
            f->text = t;
        cq_log_kind *k = realloc(f->kind, cap * sizeof *k);
        if (k)
            f->kind = k;
        if (!t || !k)
            return;
        f->cap = cap;
    }
    f->text[f->n] = strdup(ev->sql);
    f->kind[f->n++] = ev->kind;
}

static void clear_log(sync_fixture *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->text[i]);
    f->n = 0;
}

static int setup(void **state)
{
    sync_fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    cq_open_opts opts = { .log = { .fn = capture, .user_data = f } };
    if (fx_open(&f->db, &opts) != 0) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    sync_fixture *f = *state;
    cq_db_close(f->db);
    clear_log(f);
    free(f->text);
    free(f->kind);
    free(f);
    return 0;
}

static cq_model *define(cq_db *db, const char *name, const cq_attr *attrs)
{
    cq_model *m = NULL;
    CQ_ASSERT_OK(db, cq_db_define(&m, db, name, attrs, &(cq_model_opts){ .timestamps = CQ_OFF }));
    return m;
}

static void exec(cq_db *db, const char *sql)
{
    CQ_ASSERT_OK(db, cq_db_query(NULL, db, sql, NULL, NULL));
}

/* Rows of `sql` as compact JSON (caller frees). */
static char *rows_json(cq_db *db, const char *sql)
{
    cq_value *rows = NULL;
    char *json = NULL;
    CQ_ASSERT_OK(db, cq_db_query(&rows, db, sql, NULL, NULL));
    assert_int_equal(cq_value_to_json(&json, rows, CQ_JSON_COMPACT), CQ_OK);
    cq_value_free(rows);
    return json;
}

static void assert_rows(cq_db *db, const char *sql, const char *want)
{
    char *got = rows_json(db, sql);
    if (strcmp(got, want) != 0) {
        print_error("%s\n  got:  %s\n  want: %s\n", sql, got, want);
        cq_free(got);
        fail();
    }
    cq_free(got);
}

/* SQLite reports a RESTRICT violation through the internal trigger that implements it
 * (SQLITE_CONSTRAINT_TRIGGER), which the driver maps to CQ_EDATABASE, not CQ_EFOREIGNKEY;
 * the message is SQLite's usual one. */
static void assert_fk_refused(cq_db *db, const char *sql, cq_txn *txn)
{
    int rc = cq_db_query(NULL, db, sql, NULL, txn);
    if (rc != CQ_EFOREIGNKEY && !(rc == CQ_EDATABASE && strstr(cq_db_error(db)->message,
                                                               "FOREIGN KEY constraint failed"))) {
        print_error("%s: returned %s (%s), expected a foreign key failure\n", sql,
                    cq_error_name(rc), cq_db_error(db)->message);
        fail();
    }
}

/* Tables other than SQLite's own (sqlite_sequence comes with AUTOINCREMENT). */
static int64_t user_tables(cq_db *db)
{
    return cq_test_scalar_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                                  "AND name NOT LIKE 'sqlite_%'");
}

static size_t count_logged(const sync_fixture *f, cq_log_kind kind, const char *prefix)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n; i++)
        n += f->kind[i] == kind && strncmp(f->text[i], prefix, strlen(prefix)) == 0;
    return n;
}

/* ---- onDelete / onUpdate ---------------------------------------------------------------- */

/* teams 1 and 2; players 10 (team 2) and 11 (team 1), referencing teams with the actions. */
static void define_team_player(cq_db *db, cq_ref_action on_delete, cq_ref_action on_update)
{
    cq_value *one = cq_value_int(1);
    const cq_attr player[] = {
        { .name = "teamId",
          .type = CQ_INTEGER,
          .references_model = "team",
          .on_delete = on_delete,
          .on_update = on_update,
          .default_value = one },
        { 0 },
    };
    const cq_attr team[] = { { .name = "name", .type = CQ_STRING }, { 0 } };
    define(db, "player", player);
    define(db, "team", team);
    cq_value_free(one);
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    exec(db, "INSERT INTO teams (id, name) VALUES (1, 'red'), (2, 'blue')");
    exec(db, "INSERT INTO players (id, teamId) VALUES (10, 2), (11, 1)");
}

static const char *players_sql = "SELECT id, teamId FROM players ORDER BY id";

static void test_sync__on_delete_set_null(void **state)
{
    sync_fixture *f = *state;
    define_team_player(f->db, CQ_REF_SET_NULL, CQ_REF_DEFAULT);
    exec(f->db, "DELETE FROM teams WHERE id = 2");
    assert_rows(f->db, players_sql, "[{\"id\":10,\"teamId\":null},{\"id\":11,\"teamId\":1}]");
}

static void test_sync__on_delete_cascade(void **state)
{
    sync_fixture *f = *state;
    define_team_player(f->db, CQ_REF_CASCADE, CQ_REF_DEFAULT);
    exec(f->db, "DELETE FROM teams WHERE id = 2");
    assert_rows(f->db, players_sql, "[{\"id\":11,\"teamId\":1}]");
}

static void test_sync__on_delete_restrict(void **state)
{
    sync_fixture *f = *state;
    define_team_player(f->db, CQ_REF_RESTRICT, CQ_REF_DEFAULT);
    assert_fk_refused(f->db, "DELETE FROM teams WHERE id = 2", NULL);
    assert_int_equal(cq_test_scalar_int(f->db, "SELECT count(*) FROM teams"), 2);
    assert_rows(f->db, players_sql, "[{\"id\":10,\"teamId\":2},{\"id\":11,\"teamId\":1}]");
    exec(f->db, "DELETE FROM players WHERE id = 10");
    exec(f->db, "DELETE FROM teams WHERE id = 2"); /* no longer referenced */
}

static void test_sync__on_delete_no_action(void **state)
{
    sync_fixture *f = *state;
    define_team_player(f->db, CQ_REF_NO_ACTION, CQ_REF_DEFAULT);
    CQ_ASSERT_ERR(f->db, CQ_EFOREIGNKEY,
                  cq_db_query(NULL, f->db, "DELETE FROM teams WHERE id = 2", NULL, NULL));
    assert_int_equal(cq_test_scalar_int(f->db, "SELECT count(*) FROM teams"), 2);
    /* unlike RESTRICT, NO ACTION is checked late: with checks deferred to the commit, the
     * team can be deleted and put back in the same transaction */
    cq_txn *txn = NULL;
    CQ_ASSERT_OK(f->db, cq_db_transaction(&txn, f->db, NULL));
    CQ_ASSERT_OK(f->db, cq_db_query(NULL, f->db, "PRAGMA defer_foreign_keys = ON", NULL, txn));
    CQ_ASSERT_OK(f->db, cq_db_query(NULL, f->db, "DELETE FROM teams WHERE id = 2", NULL, txn));
    CQ_ASSERT_OK(f->db, cq_db_query(NULL, f->db, "INSERT INTO teams (id, name) VALUES (2, 'navy')",
                                    NULL, txn));
    CQ_ASSERT_OK(f->db, cq_txn_commit(txn));
    cq_txn_free(txn);
    assert_rows(f->db, players_sql, "[{\"id\":10,\"teamId\":2},{\"id\":11,\"teamId\":1}]");
}

static void test_sync__on_delete_set_default(void **state)
{
    sync_fixture *f = *state;
    define_team_player(f->db, CQ_REF_SET_DEFAULT, CQ_REF_DEFAULT);
    exec(f->db, "DELETE FROM teams WHERE id = 2");
    assert_rows(f->db, players_sql, "[{\"id\":10,\"teamId\":1},{\"id\":11,\"teamId\":1}]");
    /* the default must itself exist: deleting team 1 would leave players pointing nowhere */
    CQ_ASSERT_ERR(f->db, CQ_EFOREIGNKEY,
                  cq_db_query(NULL, f->db, "DELETE FROM teams WHERE id = 1", NULL, NULL));
}

static void test_sync__on_update_cascade(void **state)
{
    sync_fixture *f = *state;
    define_team_player(f->db, CQ_REF_DEFAULT, CQ_REF_CASCADE);
    exec(f->db, "UPDATE teams SET id = 20 WHERE id = 2");
    assert_rows(f->db, players_sql, "[{\"id\":10,\"teamId\":20},{\"id\":11,\"teamId\":1}]");
}

static void test_sync__on_update_set_null(void **state)
{
    sync_fixture *f = *state;
    define_team_player(f->db, CQ_REF_DEFAULT, CQ_REF_SET_NULL);
    exec(f->db, "UPDATE teams SET id = 20 WHERE id = 2");
    assert_rows(f->db, players_sql, "[{\"id\":10,\"teamId\":null},{\"id\":11,\"teamId\":1}]");
}

static void test_sync__on_update_restrict(void **state)
{
    sync_fixture *f = *state;
    define_team_player(f->db, CQ_REF_CASCADE, CQ_REF_RESTRICT);
    assert_fk_refused(f->db, "UPDATE teams SET id = 20 WHERE id = 2", NULL);
    assert_rows(f->db, players_sql, "[{\"id\":10,\"teamId\":2},{\"id\":11,\"teamId\":1}]");
    exec(f->db, "UPDATE teams SET name = 'teal' WHERE id = 2"); /* other columns are free */
}

static void test_sync__on_update_set_default(void **state)
{
    sync_fixture *f = *state;
    define_team_player(f->db, CQ_REF_DEFAULT, CQ_REF_SET_DEFAULT);
    exec(f->db, "UPDATE teams SET id = 20 WHERE id = 2");
    assert_rows(f->db, players_sql, "[{\"id\":10,\"teamId\":1},{\"id\":11,\"teamId\":1}]");
}

static void test_sync__no_action_clause_still_enforces(void **state)
{
    sync_fixture *f = *state;
    define_team_player(f->db, CQ_REF_DEFAULT, CQ_REF_DEFAULT);
    CQ_ASSERT_ERR(f->db, CQ_EFOREIGNKEY,
                  cq_db_query(NULL, f->db, "INSERT INTO players (teamId) VALUES (99)", NULL, NULL));
    CQ_ASSERT_ERR(f->db, CQ_EFOREIGNKEY,
                  cq_db_query(NULL, f->db, "DELETE FROM teams WHERE id = 2", NULL, NULL));
}

/* ---- second sync, force, drop ----------------------------------------------------------- */

static const char *schema_sql = "SELECT type, name, tbl_name, sql FROM sqlite_master "
                                "ORDER BY type, name";

static void define_shop(cq_db *db)
{
    const cq_attr task[] = {
        { .name = "title", .type = CQ_STRING, .allow_null = CQ_OFF },
        { .name = "userId",
          .type = CQ_INTEGER,
          .references_model = "user",
          .on_delete = CQ_REF_SET_NULL,
          .on_update = CQ_REF_CASCADE },
        { .name = "projectId",
          .type = CQ_INTEGER,
          .references_model = "project",
          .on_delete = CQ_REF_CASCADE },
        { 0 },
    };
    const cq_attr user[] = { { .name = "username", .type = CQ_STRING, .unique = true }, { 0 } };
    const cq_attr project[] = {
        { .name = "ownerId", .type = CQ_INTEGER, .references_model = "user" },
        { 0 },
    };
    define(db, "task", task);
    define(db, "user", user);
    define(db, "project", project);
}

static void test_sync__second_sync_changes_nothing(void **state)
{
    sync_fixture *f = *state;
    define_shop(f->db);
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    assert_int_equal(count_logged(f, CQ_LOG_SQL, "CREATE TABLE"), 3);
    exec(f->db, "INSERT INTO users (id, username) VALUES (1, 'ada')");
    exec(f->db, "INSERT INTO projects (id, ownerId) VALUES (1, 1)");
    exec(f->db, "INSERT INTO tasks (title, userId, projectId) VALUES ('t', 1, 1)");
    char *before = rows_json(f->db, schema_sql);

    clear_log(f);
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    /* only catalogue reads: nothing created, dropped or altered */
    for (size_t i = 0; i < f->n; i++)
        assert_true(strncmp(f->text[i], "SELECT ", 7) == 0);
    assert_int_equal(f->n, 3);
    char *after = rows_json(f->db, schema_sql);
    assert_string_equal(before, after);
    assert_int_equal(cq_test_scalar_int(f->db, "SELECT count(*) FROM tasks"), 1);
    cq_free(before);
    cq_free(after);
}

static void assert_logged_order(const sync_fixture *f, const char *const *prefixes)
{
    size_t k = 0;
    for (size_t i = 0; i < f->n && prefixes[k]; i++)
        if (strncmp(f->text[i], prefixes[k], strlen(prefixes[k])) == 0)
            k++;
    if (prefixes[k]) {
        print_error("statement `%s...` not logged in order; log:\n", prefixes[k]);
        for (size_t i = 0; i < f->n; i++)
            print_error("  %s\n", f->text[i]);
        fail();
    }
}

static void test_sync__force_drops_in_reverse_and_recreates(void **state)
{
    sync_fixture *f = *state;
    define_shop(f->db);
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    exec(f->db, "INSERT INTO users (id, username) VALUES (1, 'ada')");
    exec(f->db, "INSERT INTO projects (id, ownerId) VALUES (1, 1)");
    exec(f->db, "INSERT INTO tasks (title, userId, projectId) VALUES ('t', 1, 1)");
    char *before = rows_json(f->db, schema_sql);

    clear_log(f);
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, &(cq_sync_opts){ .force = true }));
    assert_logged_order(f, (const char *const[]){
                               "DROP TABLE IF EXISTS `tasks`;",
                               "DROP TABLE IF EXISTS `projects`;",
                               "DROP TABLE IF EXISTS `users`;",
                               "CREATE TABLE IF NOT EXISTS `users`",
                               "CREATE TABLE IF NOT EXISTS `projects`",
                               "CREATE TABLE IF NOT EXISTS `tasks`",
                               NULL,
                           });
    assert_int_equal(count_logged(f, CQ_LOG_SQL, "SELECT"), 0); /* tables known absent */
    char *after = rows_json(f->db, schema_sql);
    assert_string_equal(before, after);
    assert_int_equal(cq_test_scalar_int(f->db, "SELECT count(*) FROM users"), 0);
    assert_int_equal(cq_test_scalar_int(f->db, "SELECT count(*) FROM tasks"), 0);
    assert_int_equal(cq_test_scalar_int(f->db, "PRAGMA foreign_keys"), 1);
    cq_free(before);
    cq_free(after);
}

static void test_sync__drop_removes_every_table(void **state)
{
    sync_fixture *f = *state;
    define_shop(f->db);
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    exec(f->db, "INSERT INTO users (id, username) VALUES (1, 'ada')");
    exec(f->db, "INSERT INTO tasks (title, userId) VALUES ('t', 1)");
    CQ_ASSERT_OK(f->db, cq_db_drop(f->db, NULL));
    assert_int_equal(user_tables(f->db), 0);
    CQ_ASSERT_OK(f->db, cq_db_drop(f->db, NULL));
}

static void test_sync__model_sync_creates_one_table(void **state)
{
    sync_fixture *f = *state;
    define_shop(f->db);
    /* one model alone: its references are inline; SQLite accepts the missing target */
    CQ_ASSERT_OK(f->db, cq_model_sync(cq_db_model(f->db, "task"), NULL));
    assert_int_equal(user_tables(f->db), 1);
    CQ_ASSERT_OK(f->db, cq_model_sync(cq_db_model(f->db, "task"), NULL));
    CQ_ASSERT_OK(f->db,
                 cq_model_sync(cq_db_model(f->db, "task"), &(cq_sync_opts){ .force = true }));
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    assert_int_equal(user_tables(f->db), 3);
}

static void test_sync__unknown_reference_runs_nothing(void **state)
{
    sync_fixture *f = *state;
    const cq_attr attrs[] = {
        { .name = "thingId", .type = CQ_INTEGER, .references_model = "external_things" },
        { 0 },
    };
    define(f->db, "user", NULL);
    define(f->db, "widget", attrs);
    clear_log(f);
    CQ_ASSERT_ERR(f->db, CQ_EUNKNOWN_MODEL, cq_db_sync(f->db, NULL));
    assert_int_equal(f->n, 0);
}

/* ---- cycles ----------------------------------------------------------------------------- */

static void define_document_version(cq_db *db)
{
    const cq_attr document[] = {
        { .name = "title", .type = CQ_STRING },
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
          .on_delete = CQ_REF_CASCADE,
          .on_update = CQ_REF_CASCADE },
        { 0 },
    };
    define(db, "document", document);
    define(db, "version", version);
}

static void test_sync__cycle_syncs_and_rows_reference_each_other(void **state)
{
    sync_fixture *f = *state;
    define_document_version(f->db);
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    exec(f->db, "INSERT INTO documents (id, title) VALUES (1, 'spec')");
    exec(f->db, "INSERT INTO versions (id, documentId) VALUES (7, 1)");
    exec(f->db, "UPDATE documents SET current_version_id = 7 WHERE id = 1");
    assert_rows(f->db,
                "SELECT d.id, d.current_version_id, v.documentId FROM documents d "
                "JOIN versions v ON v.id = d.current_version_id",
                "[{\"id\":1,\"current_version_id\":7,\"documentId\":1}]");
    /* both constraints are enforced */
    CQ_ASSERT_ERR(
        f->db, CQ_EFOREIGNKEY,
        cq_db_query(NULL, f->db, "UPDATE documents SET current_version_id = 8", NULL, NULL));
    CQ_ASSERT_ERR(
        f->db, CQ_EFOREIGNKEY,
        cq_db_query(NULL, f->db, "INSERT INTO versions (documentId) VALUES (2)", NULL, NULL));
    /* and act: deleting the version clears the document's pointer */
    exec(f->db, "DELETE FROM versions WHERE id = 7");
    assert_rows(f->db, "SELECT current_version_id FROM documents",
                "[{\"current_version_id\":null}]");
}

/* truncate: every row gone, children first; a cycle is settled by its ON DELETE actions
 * (DEVIATIONS D10) */
static void test_sync__truncate_with_cycle(void **state)
{
    sync_fixture *f = *state;
    define_document_version(f->db);
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    exec(f->db, "INSERT INTO documents (id, title) VALUES (1, 'spec')");
    exec(f->db, "INSERT INTO versions (id, documentId) VALUES (7, 1)");
    exec(f->db, "UPDATE documents SET current_version_id = 7 WHERE id = 1");
    CQ_ASSERT_OK(f->db, cq_db_truncate(f->db, NULL));
    assert_int_equal(cq_test_scalar_int(f->db, "SELECT count(*) FROM documents"), 0);
    assert_int_equal(cq_test_scalar_int(f->db, "SELECT count(*) FROM versions"), 0);
}

/* truncate is one transaction: rows a RESTRICT protects stop it, and nothing is deleted */
static void test_sync__truncate_restrict_deletes_nothing(void **state)
{
    sync_fixture *f = *state;
    const cq_attr owner[] = { { .name = "name", .type = CQ_STRING }, { 0 } };
    const cq_attr pet[] = { { .name = "ownerId",
                              .type = CQ_INTEGER,
                              .references_model = "owner",
                              .on_delete = CQ_REF_RESTRICT },
                            { 0 } };
    const cq_attr tag[] = { { .name = "petId",
                              .type = CQ_INTEGER,
                              .references_model = "pet",
                              .on_delete = CQ_REF_RESTRICT },
                            { 0 } };
    /* and a cycle of RESTRICTs (models are all defined before the first statement) */
    const cq_attr a[] = { { .name = "bId",
                            .type = CQ_INTEGER,
                            .references_model = "b",
                            .on_delete = CQ_REF_RESTRICT },
                          { 0 } };
    const cq_attr b[] = { { .name = "aId",
                            .type = CQ_INTEGER,
                            .references_model = "a",
                            .on_delete = CQ_REF_RESTRICT },
                          { 0 } };
    define(f->db, "owner", owner);
    define(f->db, "pet", pet);
    define(f->db, "tag", tag);
    define(f->db, "a", a);
    define(f->db, "b", b);
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    exec(f->db, "INSERT INTO owners (id, name) VALUES (1, 'o')");
    exec(f->db, "INSERT INTO pets (id, ownerId) VALUES (1, 1)");
    exec(f->db, "INSERT INTO tags (id, petId) VALUES (1, 1)");
    /* children first: tags, pets, owners; RESTRICT is satisfied in that order */
    CQ_ASSERT_OK(f->db, cq_db_truncate(f->db, NULL));
    assert_int_equal(cq_test_scalar_int(f->db, "SELECT count(*) FROM owners"), 0);
    /* the cycle of RESTRICTs, once it holds rows, cannot be emptied: the error surfaces,
     * every row stays */
    exec(f->db, "INSERT INTO owners (id, name) VALUES (2, 'kept')");
    exec(f->db, "INSERT INTO \"as\" (id) VALUES (1)");
    exec(f->db, "INSERT INTO bs (id, aId) VALUES (1, 1)");
    exec(f->db, "UPDATE \"as\" SET bId = 1");
    CQ_ASSERT_ERR(f->db, CQ_EFOREIGNKEY, cq_db_truncate(f->db, NULL));
    assert_int_equal(cq_test_scalar_int(f->db, "SELECT count(*) FROM owners"), 1);
    assert_int_equal(cq_test_scalar_int(f->db, "SELECT count(*) FROM bs"), 1);
}

static void test_sync__cycle_is_logged_as_warning(void **state)
{
    sync_fixture *f = *state;
    define_document_version(f->db);
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    size_t warnings = 0;
    for (size_t i = 0; i < f->n; i++) {
        if (f->kind[i] != CQ_LOG_WARNING)
            continue;
        warnings++;
        assert_string_equal(f->text[i], "Cyclic dependency found. documents is dependent of "
                                        "itself.\nDependency chain: documents -> versions => "
                                        "documents");
    }
    assert_int_equal(warnings, 1);
    /* SQLite: no ALTER, both references inline */
    assert_int_equal(count_logged(f, CQ_LOG_SQL, "ALTER"), 0);
}

static void test_sync__cycle_second_sync_changes_nothing(void **state)
{
    sync_fixture *f = *state;
    define_document_version(f->db);
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    exec(f->db, "INSERT INTO documents (id, title) VALUES (1, 'spec')");
    exec(f->db, "INSERT INTO versions (id, documentId) VALUES (7, 1)");
    exec(f->db, "UPDATE documents SET current_version_id = 7 WHERE id = 1");
    char *before = rows_json(f->db, schema_sql);
    clear_log(f);
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    assert_int_equal(count_logged(f, CQ_LOG_SQL, "SELECT"), 2);
    assert_int_equal(count_logged(f, CQ_LOG_SQL, ""), 2);
    char *after = rows_json(f->db, schema_sql);
    assert_string_equal(before, after);
    assert_int_equal(cq_test_scalar_int(f->db, "SELECT current_version_id FROM documents"), 7);
    cq_free(before);
    cq_free(after);
}

/* Rows in both tables reference each other: dropping either first would break a constraint,
 * so SQLite's foreign keys are off around the drops (and on again afterwards). */
static void test_sync__cycle_force_and_drop_with_rows(void **state)
{
    sync_fixture *f = *state;
    define_document_version(f->db);
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    exec(f->db, "INSERT INTO documents (id, title) VALUES (1, 'spec')");
    exec(f->db, "INSERT INTO versions (id, documentId) VALUES (7, 1)");
    exec(f->db, "UPDATE documents SET current_version_id = 7 WHERE id = 1");
    clear_log(f);
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, &(cq_sync_opts){ .force = true }));
    assert_logged_order(f, (const char *const[]){
                               "PRAGMA foreign_keys = OFF;",
                               "DROP TABLE IF EXISTS `documents`;",
                               "DROP TABLE IF EXISTS `versions`;",
                               "PRAGMA foreign_keys = ON;",
                               "CREATE TABLE IF NOT EXISTS `versions`",
                               "CREATE TABLE IF NOT EXISTS `documents`",
                               NULL,
                           });
    assert_int_equal(cq_test_scalar_int(f->db, "SELECT count(*) FROM documents"), 0);
    assert_int_equal(cq_test_scalar_int(f->db, "PRAGMA foreign_keys"), 1);
    exec(f->db, "INSERT INTO documents (id, title) VALUES (1, 'spec')");
    exec(f->db, "INSERT INTO versions (id, documentId) VALUES (7, 1)");
    exec(f->db, "UPDATE documents SET current_version_id = 7 WHERE id = 1");
    CQ_ASSERT_OK(f->db, cq_db_drop(f->db, NULL));
    assert_int_equal(user_tables(f->db), 0);
    assert_int_equal(cq_test_scalar_int(f->db, "PRAGMA foreign_keys"), 1);
}

static void test_sync__strict_cycles_runs_nothing(void **state)
{
    sync_fixture *f = *state;
    define_document_version(f->db);
    clear_log(f);
    CQ_ASSERT_ERR(f->db, CQ_ECYCLE,
                  cq_db_sync(f->db, &(cq_sync_opts){ .strict_cycles = true, .force = true }));
    assert_int_equal(f->n, 0); /* no statement, no warning */
    assert_non_null(strstr(cq_db_error(f->db)->message,
                           "Cyclic dependency found. 'document' is dependent of itself. "
                           "Dependency Chain: document -> version => document"));
    assert_int_equal(user_tables(f->db), 0);
}

static void test_sync__three_model_cycle_syncs(void **state)
{
    sync_fixture *f = *state;
    const cq_attr a[] = { { .name = "bId", .type = CQ_INTEGER, .references_model = "b" }, { 0 } };
    const cq_attr b[] = { { .name = "cId", .type = CQ_INTEGER, .references_model = "c" }, { 0 } };
    const cq_attr c[] = { { .name = "aId", .type = CQ_INTEGER, .references_model = "a" }, { 0 } };
    define(f->db, "a", a);
    define(f->db, "b", b);
    define(f->db, "c", c);
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    assert_int_equal(count_logged(f, CQ_LOG_WARNING,
                                  "Cyclic dependency found. as is dependent of itself.\n"
                                  "Dependency chain: as -> bs -> cs => as"),
                     1);
    exec(f->db, "INSERT INTO \"as\" (id) VALUES (1)");
    exec(f->db, "INSERT INTO cs (id, aId) VALUES (3, 1)");
    exec(f->db, "INSERT INTO bs (id, cId) VALUES (2, 3)");
    exec(f->db, "UPDATE \"as\" SET bId = 2");
    CQ_ASSERT_ERR(f->db, CQ_EFOREIGNKEY,
                  cq_db_query(NULL, f->db, "UPDATE cs SET aId = 9", NULL, NULL));
}

/* ---- the `indexes` model option ------------------------------------------------------- */

/* user hasMany post; posts indexed on the injected userId (generated name) and a named unique
 * index on (userId, slug). */
static void define_indexed(cq_db *db)
{
    const cq_attr user[] = { { .name = "name", .type = CQ_STRING }, { 0 } };
    const cq_attr post[] = { { .name = "slug", .type = CQ_STRING }, { 0 } };
    cq_model *u = define(db, "user", user);
    cq_model *p = NULL;
    CQ_ASSERT_OK(
        db, cq_db_define(
                &p, db, "post", post,
                &(cq_model_opts){ .timestamps = CQ_OFF,
                                  .indexes = (cq_index[]){
                                      { .fields = (const char *const[]){ "userId", NULL } },
                                      { .fields = (const char *const[]){ "userId", "slug", NULL },
                                        .name = "posts_slug_per_user",
                                        .unique = true },
                                      { 0 } } }));
    CQ_ASSERT_OK(db, cq_model_has_many(NULL, u, p, NULL));
}

static const char *index_list_sql =
    "SELECT il.name, il.[unique], group_concat(ii.name, ',') AS cols FROM "
    "pragma_index_list('posts') il, pragma_index_info(il.name) ii WHERE il.origin = 'c' "
    "GROUP BY il.name ORDER BY il.name";

static void test_sync__indexes_are_created_after_their_table(void **state)
{
    sync_fixture *f = *state;
    define_indexed(f->db);
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    assert_rows(f->db, index_list_sql,
                "[{\"name\":\"posts_slug_per_user\",\"unique\":1,\"cols\":\"userId,slug\"},"
                "{\"name\":\"posts_user_id\",\"unique\":0,\"cols\":\"userId\"}]");
    assert_rows(f->db, "SELECT tbl_name FROM sqlite_master WHERE name = 'posts_user_id'",
                "[{\"tbl_name\":\"posts\"}]");
    assert_logged_order(
        f, (const char *const[]){ "CREATE TABLE IF NOT EXISTS `users`",
                                  "CREATE TABLE IF NOT EXISTS `posts`",
                                  "CREATE INDEX `posts_user_id` ON `posts` (`userId`)",
                                  "CREATE UNIQUE INDEX `posts_slug_per_user` ON `posts` "
                                  "(`userId`, `slug`)",
                                  NULL });
}

static void test_sync__unique_index_rejects_duplicates(void **state)
{
    sync_fixture *f = *state;
    define_indexed(f->db);
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    cq_model *post = cq_db_model(f->db, "post");
    cq_value *a = cq_test_json("{\"slug\": \"hello\", \"userId\": null}");
    cq_value *b = cq_test_json("{\"slug\": \"hello\", \"userId\": 1}");
    exec(f->db, "INSERT INTO users (id, name) VALUES (1, 'ada')");
    CQ_ASSERT_OK(f->db, cq_model_create(NULL, post, b, NULL));
    CQ_ASSERT_OK(f->db, cq_model_create(NULL, post, a, NULL)); /* NULLs are distinct */
    CQ_ASSERT_ERR(f->db, CQ_EUNIQUE, cq_model_create(NULL, post, b, NULL));
    assert_int_equal(cq_test_scalar_int(f->db, "SELECT count(*) FROM posts"), 2);
    cq_value_free(a);
    cq_value_free(b);
}

/* A second sync adds only the indexes that are missing (v6 compares names), and a forced sync
 * re-creates them with the table. */
static void test_sync__second_sync_adds_missing_indexes_only(void **state)
{
    sync_fixture *f = *state;
    define_indexed(f->db);
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    exec(f->db, "DROP INDEX posts_user_id");
    clear_log(f);
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    assert_int_equal(count_logged(f, CQ_LOG_SQL, "CREATE INDEX `posts_user_id`"), 1);
    assert_int_equal(count_logged(f, CQ_LOG_SQL, "CREATE UNIQUE INDEX"), 0);
    assert_int_equal(count_logged(f, CQ_LOG_SQL, "CREATE TABLE"), 0);
    clear_log(f);
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    assert_int_equal(count_logged(f, CQ_LOG_SQL, "CREATE"), 0);
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, &(cq_sync_opts){ .force = true }));
    assert_int_equal(cq_test_scalar_int(f->db, "SELECT count(*) FROM sqlite_master WHERE type = "
                                               "'index' AND tbl_name = 'posts' AND sql IS NOT "
                                               "NULL"),
                     2);
    CQ_ASSERT_OK(f->db, cq_db_drop(f->db, NULL));
    assert_int_equal(
        cq_test_scalar_int(f->db, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"), 0);
}

/* cequel dump lists the index under the table's `indexes` (and the unique one under `unique`). */
static void test_sync__dump_lists_indexes(void **state)
{
    sync_fixture *f = *state;
    define_indexed(f->db);
    CQ_ASSERT_OK(f->db, cq_db_sync(f->db, NULL));
    cq_value *dump = NULL;
    CQ_ASSERT_OK(f->db, cq_db_dump(&dump, f->db, NULL));
    const cq_value *posts = cq_value_object_get(dump, "posts");
    cq_test_assert_json(cq_value_object_get(posts, "indexes"), "[[\"userId\"]]");
    cq_test_assert_json(cq_value_object_get(posts, "unique"), "[[\"slug\",\"userId\"]]");
    cq_value_free(dump);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_sync__on_delete_set_null),
        T(test_sync__on_delete_cascade),
        T(test_sync__on_delete_restrict),
        T(test_sync__on_delete_no_action),
        T(test_sync__on_delete_set_default),
        T(test_sync__on_update_cascade),
        T(test_sync__on_update_set_null),
        T(test_sync__on_update_restrict),
        T(test_sync__on_update_set_default),
        T(test_sync__no_action_clause_still_enforces),
        T(test_sync__second_sync_changes_nothing),
        T(test_sync__force_drops_in_reverse_and_recreates),
        T(test_sync__drop_removes_every_table),
        T(test_sync__model_sync_creates_one_table),
        T(test_sync__unknown_reference_runs_nothing),
        T(test_sync__cycle_syncs_and_rows_reference_each_other),
        T(test_sync__cycle_is_logged_as_warning),
        T(test_sync__cycle_second_sync_changes_nothing),
        T(test_sync__cycle_force_and_drop_with_rows),
        T(test_sync__strict_cycles_runs_nothing),
        T(test_sync__three_model_cycle_syncs),
        T(test_sync__truncate_with_cycle),
        T(test_sync__truncate_restrict_deletes_nothing),
        T(test_sync__indexes_are_created_after_their_table),
        T(test_sync__unique_index_rejects_duplicates),
        T(test_sync__second_sync_adds_missing_indexes_only),
        T(test_sync__dump_lists_indexes),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
