/* MySQL and MariaDB's catalogue reader: information_schema of the connection's database. */
#define _POSIX_C_SOURCE 200809L
#include <string.h>
#include <strings.h>

#include "core/util.h"
#include "core/value_ops.h"
#include "dump/dump.h"

static int my_column_facts(cq__column_facts *out, const cq_value *c, int64_t pk_pos)
{
    const char *extra = cq__dump_row_text(c, "extra");
    const char *nullable = cq__dump_row_text(c, "is_nullable");
    const char *def_raw = cq__dump_row_text(c, "column_default");
    out->fam = cq__sql_mysql.family(c);
    out->not_null = (nullable && !strcmp(nullable, "NO")) || pk_pos;
    out->auto_increment = extra && strstr(extra, "auto_increment") != NULL;
    out->default_text = def_raw ? cq__sql_mysql.default_from_catalog(def_raw) : NULL;
    return def_raw && !out->default_text ? CQ_ENOMEM : CQ_OK;
}

/* Rows of a catalogue query grouped by their "name" (consecutive, the query orders by it):
 * calls `fn` with the first row and the values of `col` in order. */
typedef int (*my_group_fn)(const cq_value *first, const char *group, cq_value *cols,
                           const cq_value *rows, size_t from, size_t to, void *ctx);

static int my_groups(const cq_value *rows, const char *col, my_group_fn fn, void *ctx)
{
    size_t n = cq_value_size(rows);
    for (size_t i = 0; i < n;) {
        const cq_value *first = cq_value_array_get(rows, i);
        const char *group = cq__dump_row_text(first, "name");
        size_t j = i;
        cq_value *cols = cq_value_array();
        bool ok = cols != NULL;
        for (; j < n && cq__streq(cq__dump_row_text(cq_value_array_get(rows, j), "name"), group);
             j++) {
            const cq_value *c = cq_value_object_get(cq_value_array_get(rows, j), col);
            if (!cq_value_is_null(c)) /* MySQL 8's functional index parts have no column */
                ok = ok && cq_value_array_append(cols, cq_value_copy(c)) == CQ_OK;
        }
        if (j == i)
            j++; /* a NULL name cannot repeat */
        if (!ok) {
            cq_value_free(cols);
            return CQ_ENOMEM;
        }
        int rc = fn(first, group, cols, rows, i, j, ctx);
        if (rc != CQ_OK)
            return rc;
        i = j;
    }
    return CQ_OK;
}

/* A referential action as information_schema writes it, or NULL. */
static cq_value *my_action(const char *rule)
{
    const char *action = cq__sql_mysql.catalog_action(rule);
    return action ? cq_value_text(action) : cq_value_null();
}

typedef struct my_fk_ctx {
    cq_value *out;   /* the dump's foreignKeys */
    cq_value *names; /* [{name, columns}] for the index filter */
} my_fk_ctx;

static int my_fk_group(const cq_value *first, const char *group, cq_value *cols,
                       const cq_value *rows, size_t from, size_t to, void *ctx)
{
    my_fk_ctx *x = ctx;
    cq_value *fcols = cq_value_array(), *refs = cq_value_object(), *fk = cq_value_object();
    cq_value *named = cq_value_object();
    bool ok = fcols && refs && fk && named;
    for (size_t k = from; ok && k < to; k++)
        ok = cq_value_array_append(fcols, cq_value_copy(cq_value_object_get(
                                              cq_value_array_get(rows, k), "fcol"))) == CQ_OK;
    /* every setter below takes its value, even when it fails */
    ok = ok && cq_value_object_set(named, "name", cq_value_text(group ? group : "")) == CQ_OK;
    ok = ok && cq_value_object_set(named, "columns", cq_value_copy(cols)) == CQ_OK;
    if (ok) {
        ok = cq_value_array_append(x->names, named) == CQ_OK;
        named = NULL;
    }
    ok = ok && cq_value_object_set(refs, "table",
                                   cq_value_copy(cq_value_object_get(first, "ftable"))) == CQ_OK;
    if (ok) {
        ok = cq_value_object_set(refs, "columns", fcols) == CQ_OK;
        fcols = NULL;
    }
    if (ok) {
        ok = cq_value_object_set(fk, "columns", cols) == CQ_OK;
        cols = NULL;
    }
    if (ok) {
        ok = cq_value_object_set(fk, "references", refs) == CQ_OK;
        refs = NULL;
    }
    ok = ok &&
         cq_value_object_set(fk, "onDelete", my_action(cq__dump_row_text(first, "del"))) == CQ_OK;
    ok = ok &&
         cq_value_object_set(fk, "onUpdate", my_action(cq__dump_row_text(first, "upd"))) == CQ_OK;
    if (ok) {
        ok = cq_value_array_append(x->out, fk) == CQ_OK;
        fk = NULL;
    }
    cq_value_free(fk);
    cq_value_free(named);
    cq_value_free(fcols);
    cq_value_free(refs);
    cq_value_free(cols);
    return ok ? CQ_OK : CQ_ENOMEM;
}

static int my_foreign_keys(cq__raw_table *t, cq_value *names, cq_db *db, const char *name)
{
    cq_value *list = NULL;
    int rc = cq__dump_catalog_query(&list, db, CQ_DIALECT_MYSQL, CQ__CAT_FOREIGN_KEYS, name);
    if (rc != CQ_OK)
        return rc;
    t->foreign_keys = cq_value_array();
    my_fk_ctx x = { .out = t->foreign_keys, .names = names };
    if (!t->foreign_keys || my_groups(list, "col", my_fk_group, &x) != CQ_OK)
        rc = cq__db_oom(db);
    cq_value_free(list);
    return rc;
}

typedef struct my_index_ctx {
    cq__raw_table *t;
    const cq_value *fks; /* [{name, columns}] */
} my_index_ctx;

/* InnoDB gives every foreign key an index: when none serves it, it creates one named after
 * the constraint or its first column. PostgreSQL has no such index, so it is left out (an
 * index declared on those columns under another name is kept). */
static bool my_is_fk_index(const my_index_ctx *x, const char *index, const cq_value *cols)
{
    for (size_t i = 0; i < cq_value_size(x->fks); i++) {
        const cq_value *fk = cq_value_array_get(x->fks, i);
        const cq_value *fcols = cq_value_object_get(fk, "columns");
        if (!cq_value_is_equal(fcols, cols) || !cq_value_size(cols))
            continue;
        if (cq__streq(index, cq__dump_row_text(fk, "name")) ||
            cq__streq(index, cq_value_as_text(cq_value_array_get(cols, 0))))
            return true;
    }
    return false;
}

static int my_index_group(const cq_value *first, const char *group, cq_value *cols,
                          const cq_value *rows, size_t from, size_t to, void *ctx)
{
    (void)rows;
    (void)from;
    (void)to;
    my_index_ctx *x = ctx;
    bool uniq = cq__dump_row_int(first, "non_unique") == 0;
    if ((!uniq && my_is_fk_index(x, group, cols)) || !cq_value_size(cols)) {
        cq_value_free(cols);
        return CQ_OK;
    }
    return cq__dump_put_index(x->t, cols, uniq);
}

static int my_indexes(cq__raw_table *t, const cq_value *fks, cq_db *db, const char *name)
{
    cq_value *list = NULL;
    int rc = cq__dump_catalog_query(&list, db, CQ_DIALECT_MYSQL, CQ__CAT_INDEXES, name);
    if (rc != CQ_OK)
        return rc;
    my_index_ctx x = { .t = t, .fks = fks };
    if (my_groups(list, "col", my_index_group, &x) != CQ_OK)
        rc = cq__db_oom(db);
    cq_value_free(list);
    return rc;
}

int cq__dump_mysql_table(cq__raw_table *out, cq_db *db, const char *name)
{
    cq_value *fks = cq_value_array();
    int rc = fks ? cq__dump_catalog_columns(out, db, CQ_DIALECT_MYSQL, name, my_column_facts)
                 : cq__db_oom(db);
    if (rc == CQ_OK)
        rc = my_foreign_keys(out, fks, db, name);
    if (rc == CQ_OK)
        rc = my_indexes(out, fks, db, name);
    cq_value_free(fks);
    return rc;
}
