/* A short tour of cequel on embedded SQLite: define, sync, create, query, update, delete.
 * Every SQL statement is printed through the logging hook. */
#include <stdio.h>
#include <stdlib.h>

#include <cequel.h>

static void log_sql(const cq_log_event *ev, void *user_data)
{
    (void)user_data;
    printf("  SQL> %s", ev->sql);
    for (size_t i = 0; i < ev->n_params; i++) {
        char *json = NULL;
        cq_value_to_json(&json, ev->params[i], CQ_JSON_COMPACT);
        printf("%s%s", i ? ", " : "  -- [", json ? json : "?");
        cq_free(json);
    }
    printf("%s\n", ev->n_params ? "]" : "");
}

static int check(cq_db *db, int rc, const char *what)
{
    if (rc != CQ_OK) {
        fprintf(stderr, "%s failed: %s: %s\n", what, cq_error_name(rc),
                db ? cq_db_error(db)->message : "");
        exit(1);
    }
    return rc;
}

static void print_rows(const char *title, cq_rows *rows)
{
    cq_value *v = NULL;
    char *json = NULL;
    cq_rows_to_value(&v, rows);
    cq_value_to_json(&json, v, CQ_JSON_COMPACT);
    printf("%s: %s\n", title, json);
    cq_free(json);
    cq_value_free(v);
}

static cq_value *json(const char *text)
{
    cq_value *v = NULL;
    cq_error err;
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
    cq_open_opts open = { .log = { .fn = log_sql } };
    if (cq_db_open(&db, "sqlite::memory:", &open, &err) != CQ_OK) {
        fprintf(stderr, "open: %s\n", err.message);
        return 1;
    }

    puts("== define models: user and task (task.userId references users) ==");
    cq_model *user = NULL, *task = NULL;
    check(db,
          cq_db_define(
              &user, db, "user",
              (cq_attr[]){
                  { .name = "username", .type = CQ_STRING, .allow_null = CQ_OFF, .unique = true },
                  { .name = "age", .type = CQ_INTEGER },
                  { 0 } },
              NULL),
          "define user");
    check(db,
          cq_db_define(&task, db, "task",
                       (cq_attr[]){ { .name = "title", .type = CQ_STRING },
                                    { .name = "done", .type = CQ_BOOLEAN },
                                    { .name = "userId",
                                      .type = CQ_INTEGER,
                                      .references_model_handle = user,
                                      .on_delete = CQ_REF_CASCADE },
                                    { 0 } },
                       NULL),
          "define task");
    printf("tables: %s, %s\n", cq_model_table_name(user), cq_model_table_name(task));

    puts("\n== sync ==");
    check(db, cq_db_sync(db, NULL), "sync");

    puts("\n== create ==");
    cq_instance *ada = NULL;
    cq_value *v = json("{\"username\": \"ada\", \"age\": 36}");
    check(db, cq_model_create(&ada, user, v, NULL), "create ada");
    cq_value_free(v);
    v = json("[{\"username\": \"grace\", \"age\": 45}, {\"username\": \"linus\", \"age\": 28}]");
    cq_rows *created = NULL;
    check(db, cq_model_bulk_create(&created, user, v, NULL), "bulkCreate");
    cq_value_free(v);
    cq_rows_free(created);
    int64_t ada_id = 0;
    check(db, cq_instance_get_int(&ada_id, ada, "id"), "get id");
    v = cq_value_object();
    cq_value_object_set(v, "title", cq_value_text("write the compiler"));
    cq_value_object_set(v, "done", cq_value_bool(false));
    cq_value_object_set(v, "userId", cq_value_int(ada_id));
    check(db, cq_model_create(NULL, task, v, NULL), "create task");
    cq_value_free(v);

    puts("\n== query: users older than 30, oldest first ==");
    cq_value *where = json("{\"age\": {\"$gt\": 30}}");
    cq_rows *rows = NULL;
    check(db,
          cq_model_find_all(
              &rows, user,
              &(cq_find_opts){ .where = where,
                               .attributes = (const char *[]){ "id", "username", "age", NULL },
                               .order = (cq_order[]){ { .attr = "age", .desc = true }, { 0 } } }),
          "findAll");
    print_rows("users", rows);
    cq_rows_free(rows);
    cq_value_free(where);

    int64_t n = 0;
    check(db, cq_model_count(&n, user, NULL), "count");
    printf("count: %lld\n", (long long)n);

    puts("\n== update: one instance, then a model-level update ==");
    check(db, cq_instance_set(ada, "age", cq_value_int(37)), "set");
    check(db, cq_instance_save(ada, NULL), "save");
    v = json("{\"done\": true}");
    where = json("{\"userId\": 1}");
    check(db, cq_model_update(&n, task, v, &(cq_bulk_opts){ .where = where }), "update");
    printf("tasks updated: %lld\n", (long long)n);
    cq_value_free(v);
    cq_value_free(where);

    puts("\n== transaction: a rollback leaves nothing behind ==");
    cq_txn *t = NULL;
    check(db, cq_db_transaction(&t, db, NULL), "begin");
    v = json("{\"username\": \"temp\"}");
    check(db, cq_model_create(NULL, user, v, &(cq_write_opts){ .transaction = t }), "create");
    cq_value_free(v);
    check(db, cq_txn_rollback(t), "rollback");
    cq_txn_free(t);

    puts("\n== bad input: a duplicate username ==");
    v = json("{\"username\": \"ada\"}");
    int rc = cq_model_create(NULL, user, v, NULL);
    printf("create duplicate -> %s: %s\n", cq_error_name(rc), cq_db_error(db)->message);
    cq_value_free(v);

    puts("\n== delete: ada (her task goes with her: ON DELETE CASCADE) ==");
    check(db, cq_instance_destroy(ada, NULL), "destroy");
    check(db, cq_model_count(&n, task, NULL), "count tasks");
    printf("tasks left: %lld\n", (long long)n);
    check(db,
          cq_model_find_all(
              &rows, user,
              &(cq_find_opts){ .attributes = (const char *[]){ "username", "age", NULL },
                               .order = (cq_order[]){ { .attr = "id" }, { 0 } } }),
          "findAll");
    print_rows("users", rows);
    cq_rows_free(rows);

    cq_instance_free(ada);
    cq_db_close(db);
    return 0;
}
