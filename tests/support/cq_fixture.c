#define _POSIX_C_SOURCE 200809L
#include "cq_fixture.h"

#include <stdlib.h>
#include <string.h>

const cq_attr fx_name_attrs[] = { { .name = "name", .type = CQ_STRING }, { 0 } };

static bool is_txn_control(const char *sql)
{
    static const char *const words[] = { "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE" };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strncmp(sql, words[i], strlen(words[i])) == 0)
            return true;
    return false;
}

static void capture(const cq_log_event *ev, void *user_data)
{
    fixture *f = user_data;
    if (ev->kind != CQ_LOG_SQL || (!f->all && is_txn_control(ev->sql)) || f->n >= FX_MAX_SQL)
        return;
    f->n_params[f->n] = ev->n_params;
    f->txn_id[f->n] = ev->transaction_id;
    f->sql[f->n++] = strdup(ev->sql);
}

void fx_clear_sql(fixture *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->sql[i]);
    f->n = 0;
}

int fx_open(cq_db **out, const cq_open_opts *opts)
{
    cq_error err = { 0 };
    if (cq_db_open(out, "sqlite::memory:", opts, &err) != CQ_OK) {
        print_error("cq_db_open: %s\n", err.message);
        return -1;
    }
    return 0;
}

int fx_db_setup(void **state)
{
    cq_db *db = NULL;
    if (fx_open(&db, NULL) != 0)
        return -1;
    *state = db;
    return 0;
}

int fx_db_teardown(void **state)
{
    cq_db_close(*state);
    return 0;
}

int fx_define_synced(cq_db *db, const char *name, const cq_attr *attrs)
{
    cq_model *m = NULL;
    if (cq_db_define(&m, db, name, attrs, NULL) != CQ_OK || cq_model_sync(m, NULL) != CQ_OK) {
        print_error("define/sync %s: %s\n", name, cq_db_error(db)->message);
        return -1;
    }
    return 0;
}

static int init(fixture *f, bool all)
{
    memset(f, 0, sizeof *f);
    f->all = all;
    return fx_open(&f->db, &(cq_open_opts){ .log = { .fn = capture, .user_data = f } });
}

int fx_init(fixture *f)
{
    return init(f, false);
}

int fx_init_all(fixture *f)
{
    return init(f, true);
}

void fx_fini(fixture *f)
{
    cq_db_close(f->db);
    fx_clear_sql(f);
}

const char *fx_last_sql(const fixture *f)
{
    return f->n ? f->sql[f->n - 1] : "";
}

int fx_setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || fx_init(f) != 0) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

int fx_teardown(void **state)
{
    fixture *f = *state;
    fx_fini(f);
    free(f);
    return 0;
}

void fx_assert_sql(fixture *f, size_t n, const char *const *prefixes)
{
    bool ok = f->n == n;
    for (size_t i = 0; ok && i < n; i++)
        ok = !prefixes || !prefixes[i] || strncmp(f->sql[i], prefixes[i], strlen(prefixes[i])) == 0;
    if (!ok) {
        print_error("%zu statements, expected %zu:\n", f->n, n);
        for (size_t i = 0; i < f->n; i++)
            print_error("  [%zu] %s\n", i, f->sql[i]);
        for (size_t i = 0; prefixes && i < n; i++)
            print_error("  want [%zu] %s...\n", i, prefixes[i] ? prefixes[i] : "*");
        fail();
    }
    fx_clear_sql(f);
}

void fx_assert_count(const fixture *f, size_t n)
{
    if (f->n != n) {
        print_error("%zu statements, expected %zu:\n", f->n, n);
        for (size_t i = 0; i < f->n; i++)
            print_error("  [%zu] %s\n", i, f->sql[i]);
        fail();
    }
}

size_t fx_count_sql(const fixture *f, const char *prefix)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n; i++)
        n += strncmp(f->sql[i], prefix, strlen(prefix)) == 0;
    return n;
}

cq_model *fx_define(cq_db *db, const char *name, const cq_attr *attrs)
{
    cq_model *m = NULL;
    CQ_ASSERT_OK(db, cq_db_define(&m, db, name, attrs, NULL));
    return m;
}

cq_instance *fx_create(cq_db *db, cq_model *m, const char *json)
{
    cq_value *v = cq_test_json(json);
    cq_instance *inst = NULL;
    int rc = cq_model_create(&inst, m, v, NULL);
    cq_value_free(v);
    CQ_ASSERT_OK(db, rc);
    return inst;
}

void fx_assert_rows(cq_db *db, const char *sql, const char *expected)
{
    cq_value *rows = NULL;
    CQ_ASSERT_OK(db, cq_db_query(&rows, db, sql, NULL, NULL));
    char *text = NULL;
    cq_value_to_json(&text, rows, CQ_JSON_COMPACT);
    cq_value_free(rows);
    if (strcmp(text, expected) != 0) {
        print_error("%s\n  got:      %s\n  expected: %s\n", sql, text, expected);
        cq_free(text);
        fail();
    }
    cq_free(text);
}

int64_t fx_int_attr(cq_db *db, const cq_instance *inst, const char *attr)
{
    int64_t v = 0;
    CQ_ASSERT_OK(db, cq_instance_get_int(&v, inst, attr));
    return v;
}

const char *fx_text_attr(cq_db *db, const cq_instance *inst, const char *attr)
{
    const char *v = NULL;
    CQ_ASSERT_OK(db, cq_instance_get_text(&v, inst, attr));
    return v;
}

void fx_assert_names(cq_db *db, const cq_rows *rows, const char *attr, const char *expected)
{
    char buf[512] = "";
    for (size_t i = 0; i < cq_rows_count(rows); i++) {
        if (i)
            strcat(buf, ",");
        strcat(buf, fx_text_attr(db, cq_rows_at(rows, i), attr));
    }
    if (strcmp(buf, expected) != 0) {
        print_error("names: %s, expected %s\n", buf, expected);
        fail();
    }
}
