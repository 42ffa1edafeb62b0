/*
 * cq_db_dump(): every user table read by its dialect's catalogue reader, then normalised
 * and ordered the same way on every dialect (dump.js finishTable()). See dump/dump.h for
 * how the files of the dump divide the work.
 */
#include <string.h>

#include "cequel/dump.h"
#include "core/util.h"
#include "core/value_ops.h"
#include "dump/dump.h"
#include "model/model.h"

/* One dialect's introspection (its catalogue reader; the queries are the dialect's, in
 * src/sql): the columns, keys and indexes of a table; its rows are read the same way on
 * every dialect. */
typedef struct dump_dialect {
    cq_dialect dialect;
    int (*table)(cq__raw_table *out, cq_db *db, const char *name);
} dump_dialect;

static const dump_dialect dialects[] = {
    { CQ_DIALECT_SQLITE, cq__dump_sqlite_table },
    { CQ_DIALECT_POSTGRES, cq__dump_postgres_table },
    { CQ_DIALECT_MYSQL, cq__dump_mysql_table },
};

static int cmp_column_names(const void *a, const void *b, void *ctx)
{
    (void)ctx;
    return cq__js_strcmp(cq_value_as_text(cq_value_object_get(a, "name")),
                         cq_value_as_text(cq_value_object_get(b, "name")));
}

static int cmp_arrays(const void *a, const void *b, void *ctx)
{
    (void)ctx;
    return cq__dump_compare_arrays(a, b);
}

static int cmp_texts(const void *a, const void *b, void *ctx)
{
    (void)ctx;
    const char *x = cq_value_as_text(a), *y = cq_value_as_text(b);
    return cq__js_strcmp(x ? x : "", y ? y : "");
}

/* [...columns, references.table, ...references.columns] */
static cq_value *fk_sort_key(const cq_value *fk)
{
    cq_value *k = cq_value_array();
    const cq_value *cols = cq_value_object_get(fk, "columns");
    const cq_value *refs = cq_value_object_get(fk, "references");
    const cq_value *rcols = cq_value_object_get(refs, "columns");
    for (size_t i = 0; k && i < cq_value_size(cols); i++)
        if (cq_value_array_append(k, cq_value_copy(cq_value_array_get(cols, i))) != CQ_OK)
            k = NULL;
    if (k && cq_value_array_append(k, cq_value_copy(cq_value_object_get(refs, "table"))) != CQ_OK)
        k = NULL;
    for (size_t i = 0; k && i < cq_value_size(rcols); i++)
        if (cq_value_array_append(k, cq_value_copy(cq_value_array_get(rcols, i))) != CQ_OK)
            k = NULL;
    return k;
}

static int sort_foreign_keys(cq_value *fks)
{
    size_t n = cq_value_size(fks);
    cq_value **keys = cq__calloc(n ? n : 1, sizeof *keys);
    int rc = keys ? CQ_OK : CQ_ENOMEM;
    for (size_t i = 0; rc == CQ_OK && i < n; i++)
        if (!(keys[i] = fk_sort_key(cq_value_array_get(fks, i))))
            rc = CQ_ENOMEM;
    if (rc == CQ_OK)
        rc = cq__value_array_sort_keyed(fks, (void **)keys, cmp_arrays, NULL);
    for (size_t i = 0; keys && i < n; i++)
        cq_value_free(keys[i]);
    cq__free(keys);
    return rc;
}

/* dump.js dedupeSorted(): first copy of each list (by JSON text) kept, then sorted. */
static int dedupe_sorted(cq_value *lists)
{
    size_t n = cq_value_size(lists), kept = 0;
    char **texts = cq__calloc(n ? n : 1, sizeof *texts);
    if (!texts)
        return CQ_ENOMEM;
    int rc = CQ_OK;
    while (kept < cq_value_size(lists)) {
        cq__buf b = { 0 };
        cq__js_stringify(&b, cq_value_array_get(lists, kept));
        char *t = cq__buf_take(&b);
        if (!t) {
            rc = CQ_ENOMEM;
            break;
        }
        bool dup = false;
        for (size_t j = 0; j < kept && !dup; j++)
            dup = strcmp(texts[j], t) == 0;
        if (dup) {
            cq__free(t);
            cq__value_array_remove(lists, kept);
            continue;
        }
        texts[kept++] = t;
    }
    for (size_t j = 0; j < kept; j++)
        cq__free(texts[j]);
    cq__free(texts);
    if (rc == CQ_OK)
        rc = cq__value_array_sort(lists, cmp_arrays, NULL);
    return rc;
}

/* The rows of `t` normalised: objects of the columns `names` (in order, families `fams`). */
static int normalise_rows(cq_value **out, const cq__raw_table *t, const cq_value *names,
                          const cq__family *fams, bool mask)
{
    cq_value *rows = cq_value_array();
    int rc = rows ? CQ_OK : CQ_ENOMEM;
    for (size_t r = 0; rc == CQ_OK && r < cq_value_size(t->rows); r++) {
        const cq_value *raw = cq_value_array_get(t->rows, r);
        cq_value *o = cq_value_object();
        for (size_t c = 0; o && c < cq_value_size(names); c++) {
            const char *n = cq_value_as_text(cq_value_array_get(names, c));
            if (!n)
                continue;
            cq_value *v = cq__dump_value(cq_value_object_get(raw, n), fams[c], n, mask);
            if (cq_value_object_set(o, n, v) != CQ_OK) {
                cq_value_free(o);
                o = NULL;
            }
        }
        rc = cq_value_array_append(rows, o);
    }
    if (rc == CQ_OK)
        rc = cq__dump_sort_rows(rows, names, NULL, NULL);
    if (rc != CQ_OK) {
        cq_value_free(rows);
        rows = NULL;
    }
    *out = rows;
    return rc;
}

/* The table's columns sorted by name, their names and families, and its rows. */
static int finish_rows(cq_value **rows_out, cq__raw_table *t, bool mask)
{
    *rows_out = NULL;
    int rc = cq__value_array_sort(t->columns, cmp_column_names, NULL);
    cq_value *names = cq_value_array();
    size_t nc = cq_value_size(t->columns);
    cq__family *fams = cq__calloc(nc ? nc : 1, sizeof *fams);
    if (!names || !fams)
        rc = CQ_ENOMEM;
    for (size_t c = 0; rc == CQ_OK && c < nc; c++) {
        const cq_value *col = cq_value_array_get(t->columns, c);
        fams[c] = cq__family_of(cq_value_as_text(cq_value_object_get(col, "type")));
        rc = cq_value_array_append(names, cq_value_copy(cq_value_object_get(col, "name")));
    }
    if (rc == CQ_OK)
        rc = normalise_rows(rows_out, t, names, fams, mask);
    cq__free(fams);
    cq_value_free(names);
    return rc;
}

/* dump.js finishTable(). Takes the raw table's parts. */
static int finish_table(cq_value **out, cq__raw_table *t, bool mask)
{
    *out = NULL;
    cq_value *rows = NULL;
    int rc = finish_rows(&rows, t, mask);
    if (rc == CQ_OK)
        rc = sort_foreign_keys(t->foreign_keys);
    if (rc == CQ_OK)
        rc = dedupe_sorted(t->unique);
    if (rc == CQ_OK)
        rc = dedupe_sorted(t->indexes);
    cq_value *tbl = rc == CQ_OK ? cq_value_object() : NULL;
    if (!tbl) {
        cq_value_free(rows);
        return CQ_ENOMEM;
    }
    cq_value_object_set(tbl, "columns", t->columns);
    cq_value_object_set(tbl, "foreignKeys", t->foreign_keys);
    cq_value_object_set(tbl, "unique", t->unique);
    cq_value_object_set(tbl, "indexes", t->indexes);
    cq_value_object_set(tbl, "rows", rows);
    cq_value_free(t->rows);
    memset(t, 0, sizeof *t);
    if (cq_value_size(tbl) != 5) {
        cq_value_free(tbl);
        return CQ_ENOMEM;
    }
    cq__js_sort_keys_deep(tbl);
    *out = tbl;
    return CQ_OK;
}

/* Reads, finishes and adds every table of `names` to `dump`. */
static int dump_tables(cq_value *dump, cq_db *db, const dump_dialect *d, const cq_value *names,
                       bool mask)
{
    for (size_t i = 0; i < cq_value_size(names); i++) {
        const char *name = cq_value_as_text(cq_value_array_get(names, i));
        if (!name)
            continue;
        cq__raw_table raw = { .unique = cq_value_array(), .indexes = cq_value_array() };
        int rc = raw.unique && raw.indexes ? d->table(&raw, db, name) : cq__db_oom(db);
        if (rc == CQ_OK)
            rc = cq__dump_table_rows(&raw, db, d->dialect, name);
        cq_value *tbl = NULL;
        if (rc == CQ_OK && finish_table(&tbl, &raw, mask) != CQ_OK)
            rc = cq__db_oom(db);
        cq__raw_table_free(&raw);
        if (rc != CQ_OK)
            return rc;
        if (cq_value_object_set(dump, name, tbl) != CQ_OK)
            return cq__db_oom(db);
    }
    return CQ_OK;
}

static const dump_dialect *dialect_of(const cq_db *db)
{
    for (size_t i = 0; i < sizeof dialects / sizeof *dialects; i++)
        if (dialects[i].dialect == cq_db_dialect(db))
            return &dialects[i];
    return NULL;
}

int cq_db_dump(cq_value **out, cq_db *db, const cq_dump_opts *opts)
{
    if (out)
        *out = NULL;
    if (!db)
        return CQ_EINVALID;
    cq__db_clear(db);
    if (!out)
        return cq__db_fail(db, CQ_EINVALID, "cq_db_dump: out is NULL");
    bool mask = !(opts && opts->keep_timestamps);
    const dump_dialect *d = dialect_of(db);
    if (!d)
        return cq__db_fail(db, CQ_ENOTSUPPORTED, "cq_db_dump: no introspection for this dialect");
    cq_value *names = NULL;
    int rc = cq__dump_catalog_tables(&names, db, d->dialect,
                                     cq__sql_dialect_of(d->dialect)->catalog_table_column);
    if (rc != CQ_OK)
        return rc;
    cq_value *dump = cq_value_object();
    if (!dump || cq__value_array_sort(names, cmp_texts, NULL) != CQ_OK)
        rc = cq__db_oom(db);
    /* the raw queries reset the error record; keep the table loop's own failures */
    if (rc == CQ_OK)
        rc = dump_tables(dump, db, d, names, mask);
    if (rc == CQ_OK) {
        cq__js_sort_keys_deep(dump);
        *out = dump;
        dump = NULL;
        cq__db_clear(db);
    }
    cq_value_free(names);
    cq_value_free(dump);
    return rc;
}
