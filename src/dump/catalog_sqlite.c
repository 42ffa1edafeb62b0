/* SQLite's catalogue reader (dump.js dumpSqlite()): PRAGMA table_info, foreign_key_list,
 * index_list and index_info. */
#include <string.h>

#include "cequel/query.h"
#include "core/util.h"
#include "core/value_ops.h"
#include "dump/dump.h"

static int sqlite_pragma(cq_value **out, cq_db *db, const char *pragma, const char *name)
{
    *out = NULL;
    char *sql = cq__sql_pragma(pragma, name);
    if (!sql)
        return cq__db_oom(db);
    int rc = cq_db_query(out, db, sql, NULL, NULL);
    cq__free(sql);
    return rc;
}

static void ascii_upper(char *s)
{
    for (char *p = s; p && *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
}

static cq_value *upper_text(const cq_value *v)
{
    char *s = cq__js_scalar_string(v);
    ascii_upper(s);
    cq_value *t = s ? cq_value_text(s) : NULL;
    cq__free(s);
    return t;
}

static int cmp_by_seq(const void *a, const void *b, void *ctx)
{
    const char *key = ctx;
    int64_t x = cq__dump_row_int(a, key), y = cq__dump_row_int(b, key);
    return x < y ? -1 : x > y;
}

static int sqlite_columns(cq__raw_table *t, cq_db *db, const cq_value *info)
{
    size_t npk = 0;
    for (size_t i = 0; i < cq_value_size(info); i++)
        if (cq__dump_row_int(cq_value_array_get(info, i), "pk") > 0)
            npk++;
    t->columns = cq_value_array();
    if (!t->columns)
        return cq__db_oom(db);
    for (size_t i = 0; i < cq_value_size(info); i++) {
        const cq_value *c = cq_value_array_get(info, i);
        const char *decl = cq__dump_row_text(c, "type");
        cq__family f = cq__sql_sqlite.family(c);
        int64_t pk = cq__dump_row_int(c, "pk");
        char *decl_up = cq__js_trim(decl ? decl : "");
        ascii_upper(decl_up);
        /* a lone INTEGER PRIMARY KEY is a rowid alias: the database generates it */
        bool autoinc = npk == 1 && pk == 1 && decl_up && strcmp(decl_up, "INTEGER") == 0;
        cq__free(decl_up);
        cq_value *def = NULL;
        if (cq__dump_default(&def, cq__dump_row_text(c, "dflt_value"), f) != CQ_OK)
            return cq__db_oom(db);
        /* PostgreSQL forces NOT NULL on primary keys */
        const cq__column_facts cf = { .fam = f,
                                      .not_null = cq__dump_row_int(c, "notnull") != 0 || pk > 0,
                                      .auto_increment = autoinc };
        if (cq__dump_put_column(t->columns, cq_value_object_get(c, "name"), pk, &cf, def) != CQ_OK)
            return cq__db_oom(db);
    }
    return CQ_OK;
}

/* The primary-key columns of table `ftable` in key order (what a reference without columns
 * names). CQ_OK, CQ_ENOMEM, or the error of the PRAGMA; `*out` NULL on failure. */
static int target_key(cq_value **out, cq_db *db, const char *ftable)
{
    cq_value *tinfo = NULL;
    *out = NULL;
    int rc = sqlite_pragma(&tinfo, db, "table_info", ftable);
    if (rc != CQ_OK)
        return rc;
    cq_value *to = cq_value_array();
    size_t tn = cq_value_size(tinfo);
    for (int64_t pos = 1; to && pos <= (int64_t)tn; pos++)
        for (size_t k = 0; to && k < tn; k++) {
            const cq_value *c = cq_value_array_get(tinfo, k);
            if (cq__dump_row_int(c, "pk") == pos &&
                cq_value_array_append(to, cq_value_copy(cq_value_object_get(c, "name"))) != CQ_OK) {
                cq_value_free(to);
                to = NULL;
            }
        }
    cq_value_free(tinfo);
    *out = to;
    return to ? CQ_OK : CQ_ENOMEM;
}

/* The dump's foreign key from the `np` rows `pairs` (one per column, in order) of one id of
 * foreign_key_list, appended to t->foreign_keys. */
static int sqlite_foreign_key(cq__raw_table *t, cq_db *db, const cq_value **pairs, size_t np)
{
    const cq_value *first = pairs[0];
    bool to_null = false, ok = true;
    cq_value *from = cq_value_array(), *to = cq_value_array();
    for (size_t k = 0; k < np; k++) {
        const cq_value *tv = cq_value_object_get(pairs[k], "to");
        ok &= cq_value_array_append(from, cq_value_copy(cq_value_object_get(pairs[k], "from"))) ==
              CQ_OK;
        to_null |= cq_value_is_null(tv);
        ok &= cq_value_array_append(to, cq_value_copy(tv)) == CQ_OK;
    }
    const char *ftable = cq__dump_row_text(first, "table");
    if (to_null && ftable) {
        /* a reference without columns names the target's primary key */
        cq_value_free(to);
        int rc = target_key(&to, db, ftable);
        if (rc != CQ_OK && rc != CQ_ENOMEM) {
            cq_value_free(from);
            return rc;
        }
        ok &= to != NULL;
    }
    cq_value *refs = cq_value_object();
    cq_value_object_set(refs, "table", cq_value_copy(cq_value_object_get(first, "table")));
    cq_value_object_set(refs, "columns", to);
    cq_value *fk = cq_value_object();
    cq_value_object_set(fk, "columns", from);
    cq_value_object_set(fk, "references", refs);
    cq_value_object_set(fk, "onDelete", upper_text(cq_value_object_get(first, "on_delete")));
    cq_value_object_set(fk, "onUpdate", upper_text(cq_value_object_get(first, "on_update")));
    /* the setters took their values even when they failed: fk holds them all */
    if (!ok || cq_value_size(fk) != 4 || cq_value_size(refs) != 2) {
        cq_value_free(fk);
        return cq__db_oom(db);
    }
    return cq_value_array_append(t->foreign_keys, fk) == CQ_OK ? CQ_OK : cq__db_oom(db);
}

static int sqlite_foreign_keys(cq__raw_table *t, cq_db *db, const char *name)
{
    cq_value *list = NULL;
    int rc = sqlite_pragma(&list, db, "foreign_key_list", name);
    if (rc != CQ_OK)
        return rc;
    t->foreign_keys = cq_value_array();
    size_t n = cq_value_size(list);
    const cq_value **pairs = cq__calloc(n ? n : 1, sizeof *pairs);
    bool *done = cq__calloc(n ? n : 1, sizeof *done);
    if (!t->foreign_keys || !pairs || !done)
        rc = cq__db_oom(db);
    /* one key per id, in order of first appearance (a Map in dump.js) */
    for (size_t i = 0; rc == CQ_OK && i < n; i++) {
        if (done[i])
            continue;
        int64_t id = cq__dump_row_int(cq_value_array_get(list, i), "id");
        size_t np = 0;
        for (size_t j = i; j < n; j++) {
            const cq_value *r = cq_value_array_get(list, j);
            if (!done[j] && cq__dump_row_int(r, "id") == id) {
                done[j] = true;
                pairs[np++] = r;
            }
        }
        if (cq__js_sort((void **)pairs, np, cmp_by_seq, "seq") != CQ_OK)
            rc = cq__db_oom(db);
        else
            rc = sqlite_foreign_key(t, db, pairs, np);
    }
    cq__free(pairs);
    cq__free(done);
    cq_value_free(list);
    return rc;
}

/* The columns of index `index` of list row `idx`, sorted, appended to t->unique or
 * t->indexes. */
static int sqlite_index(cq__raw_table *t, cq_db *db, const cq_value *idx)
{
    cq_value *info = NULL;
    int rc = sqlite_pragma(&info, db, "index_info", cq__dump_row_text(idx, "name"));
    if (rc != CQ_OK)
        return rc;
    rc = cq__value_array_sort(info, cmp_by_seq, "seqno");
    cq_value *cols = cq_value_array();
    for (size_t k = 0; rc == CQ_OK && k < cq_value_size(info); k++)
        rc = cq_value_array_append(
            cols, cq_value_copy(cq_value_object_get(cq_value_array_get(info, k), "name")));
    cq_value_free(info);
    if (rc == CQ_OK)
        rc = cq__dump_put_index(t, cols, cq__dump_row_int(idx, "unique"));
    else
        cq_value_free(cols);
    return rc == CQ_OK ? CQ_OK : cq__db_oom(db);
}

static int sqlite_indexes(cq__raw_table *t, cq_db *db, const char *name)
{
    cq_value *list = NULL;
    int rc = sqlite_pragma(&list, db, "index_list", name);
    if (rc != CQ_OK)
        return rc;
    for (size_t i = 0; rc == CQ_OK && i < cq_value_size(list); i++) {
        const cq_value *idx = cq_value_array_get(list, i);
        const char *origin = cq__dump_row_text(idx, "origin");
        if (!origin || strcmp(origin, "pk") != 0)
            rc = sqlite_index(t, db, idx);
    }
    cq_value_free(list);
    return rc;
}

int cq__dump_sqlite_table(cq__raw_table *out, cq_db *db, const char *name)
{
    cq_value *info = NULL;
    int rc = sqlite_pragma(&info, db, "table_info", name);
    if (rc == CQ_OK)
        rc = sqlite_columns(out, db, info);
    cq_value_free(info);
    if (rc == CQ_OK)
        rc = sqlite_foreign_keys(out, db, name);
    return rc == CQ_OK ? sqlite_indexes(out, db, name) : rc;
}
