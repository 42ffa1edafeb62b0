/* What the dialects' catalogue readers share: the catalogue queries of src/sql (catalog.c)
 * run through cq_db_query(), the columns read from information_schema (PostgreSQL and MySQL,
 * their differences as a callback), an index's columns, and the rows of a table. */
#include <string.h>

#include "cequel/query.h"
#include "core/util.h"
#include "core/value_ops.h"
#include "dump/dump.h"
#include "model/model.h"

void cq__raw_table_free(cq__raw_table *t)
{
    cq_value_free(t->columns);
    cq_value_free(t->foreign_keys);
    cq_value_free(t->unique);
    cq_value_free(t->indexes);
    cq_value_free(t->rows);
    memset(t, 0, sizeof *t);
}

int64_t cq__dump_row_int(const cq_value *row, const char *key)
{
    return cq_value_as_int(cq_value_object_get(row, key));
}

const char *cq__dump_row_text(const cq_value *row, const char *key)
{
    return cq_value_as_text(cq_value_object_get(row, key));
}

int cq__dump_cmp_default_sort(const void *a, const void *b, void *ctx)
{
    (void)ctx;
    const char *x = cq_value_as_text(a), *y = cq_value_as_text(b);
    return cq__js_strcmp(x ? x : "null", y ? y : "null");
}

int cq__dump_catalog_tables(cq_value **out, cq_db *db, cq_dialect dialect, const char *key)
{
    *out = NULL;
    cq_value *rows = NULL;
    int rc = cq_db_query(&rows, db, cq__sql_catalog(CQ__CAT_TABLES, dialect), NULL, NULL);
    if (rc != CQ_OK)
        return rc;
    cq_value *names = cq_value_array();
    for (size_t i = 0; names && i < cq_value_size(rows); i++) {
        const cq_value *n = cq_value_object_get(cq_value_array_get(rows, i), key);
        if (cq_value_array_append(names, cq_value_copy(n)) != CQ_OK) {
            cq_value_free(names);
            names = NULL;
        }
    }
    cq_value_free(rows);
    if (!names)
        return cq__db_oom(db);
    *out = names;
    return CQ_OK;
}

int cq__dump_catalog_query(cq_value **out, cq_db *db, cq_dialect dialect, cq__catalog_query q,
                           const char *name)
{
    *out = NULL;
    cq_value *params = cq_value_array();
    if (!params || cq_value_array_append(params, cq_value_text(name)) != CQ_OK) {
        cq_value_free(params);
        return cq__db_oom(db);
    }
    int rc = cq_db_query(out, db, cq__sql_catalog(q, dialect), params, NULL);
    cq_value_free(params);
    return rc;
}

int cq__dump_put_column(cq_value *columns, const cq_value *name, int64_t pk_pos,
                        const cq__column_facts *cf, cq_value *def)
{
    cq_value *col = cq_value_object();
    int rc = cq_value_object_set(col, "name", cq_value_copy(name));
    if (rc == CQ_OK)
        rc = cq_value_object_set(col, "type", cq_value_text(cq__family_name(cf->fam)));
    if (rc == CQ_OK)
        rc = cq_value_object_set(col, "notNull", cq_value_bool(cf->not_null));
    if (rc == CQ_OK)
        rc = cq_value_object_set(col, "primaryKey",
                                 pk_pos > 0 ? cq_value_int(pk_pos) : cq_value_null());
    if (rc == CQ_OK)
        rc = cq_value_object_set(col, "autoIncrement", cq_value_bool(cf->auto_increment));
    if (rc == CQ_OK && def) {
        rc = cq_value_object_set(col, "default", def);
        def = NULL;
    }
    cq_value_free(def);
    if (rc == CQ_OK)
        rc = cq_value_array_append(columns, col);
    else
        cq_value_free(col);
    return rc;
}

/* Position (from 1) of column `cname` in the primary-key rows `pk`; 0 when not in it. */
static int64_t pk_position(const cq_value *pk, const char *cname)
{
    for (size_t k = 0; cname && k < cq_value_size(pk); k++) {
        const char *pk_name = cq__dump_row_text(cq_value_array_get(pk, k), "name");
        if (pk_name && !strcmp(cname, pk_name))
            return (int64_t)k + 1;
    }
    return 0;
}

/* Appends catalogue row `c` as a column. CQ_OK or CQ_ENOMEM. */
static int put_catalog_column(cq_value *columns, const cq_value *c, const cq_value *pk,
                              cq__column_facts_fn facts)
{
    int64_t pos = pk_position(pk, cq__dump_row_text(c, "column_name"));
    cq__column_facts cf = { 0 };
    cq_value *def = NULL;
    int rc = facts(&cf, c, pos);
    if (rc == CQ_OK)
        rc = cq__dump_default(&def, cf.default_text, cf.fam);
    cq__free(cf.default_text);
    if (rc == CQ_OK)
        rc = cq__dump_put_column(columns, cq_value_object_get(c, "column_name"), pos, &cf, def);
    return rc;
}

int cq__dump_catalog_columns(cq__raw_table *t, cq_db *db, cq_dialect dialect, const char *name,
                             cq__column_facts_fn facts)
{
    cq_value *cols = NULL, *pk = NULL;
    int rc = cq__dump_catalog_query(&cols, db, dialect, CQ__CAT_COLUMNS, name);
    if (rc == CQ_OK)
        rc = cq__dump_catalog_query(&pk, db, dialect, CQ__CAT_PRIMARY_KEY, name);
    if (rc == CQ_OK && !(t->columns = cq_value_array()))
        rc = cq__db_oom(db);
    for (size_t i = 0; rc == CQ_OK && i < cq_value_size(cols); i++)
        if (put_catalog_column(t->columns, cq_value_array_get(cols, i), pk, facts) != CQ_OK)
            rc = cq__db_oom(db);
    cq_value_free(cols);
    cq_value_free(pk);
    return rc;
}

int cq__dump_put_index(cq__raw_table *t, cq_value *cols, bool unique)
{
    if (!cols || cq__value_array_sort(cols, cq__dump_cmp_default_sort, NULL) != CQ_OK) {
        cq_value_free(cols);
        return CQ_ENOMEM;
    }
    return cq_value_array_append(unique ? t->unique : t->indexes, cols);
}

int cq__dump_table_rows(cq__raw_table *t, cq_db *db, cq_dialect dialect, const char *name)
{
    char *sql = cq__sql_select_all(name, dialect);
    int rc = sql ? cq_db_query(&t->rows, db, sql, NULL, NULL) : cq__db_oom(db);
    cq__free(sql);
    return rc;
}
