/* PostgreSQL's catalogue reader (dump.js dumpPostgres()): information_schema and pg_catalog
 * of the `public` schema. */
#define _POSIX_C_SOURCE 200809L
#include <string.h>
#include <strings.h>

#include "core/util.h"
#include "core/value_ops.h"
#include "dump/dump.h"

/* A json_agg() result (text, or NULL for no rows) as an array; NULL when out of memory. */
static cq_value *pg_json_list(const cq_value *v)
{
    const char *s = cq_value_as_text(v);
    cq_value *list = NULL;
    if (!s || cq_value_from_json(&list, s, NULL) != CQ_OK ||
        cq_value_type_of(list) != CQ_VALUE_ARRAY) {
        cq_value_free(list);
        return cq_value_array();
    }
    return list;
}

static int pg_column_facts(cq__column_facts *out, const cq_value *c, int64_t pk_pos)
{
    (void)pk_pos; /* PostgreSQL reports its key columns NOT NULL itself */
    const char *def_raw = cq__dump_row_text(c, "column_default");
    const char *ident = cq__dump_row_text(c, "is_identity");
    const char *nullable = cq__dump_row_text(c, "is_nullable");
    out->fam = cq__sql_postgres.family(c);
    out->not_null = nullable && !strcmp(nullable, "NO");
    out->auto_increment =
        (ident && !strcmp(ident, "YES")) || (def_raw && strncasecmp(def_raw, "nextval(", 8) == 0);
    out->default_text = def_raw ? cq__strdup(def_raw) : NULL;
    return def_raw && !out->default_text ? CQ_ENOMEM : CQ_OK;
}

static int pg_foreign_keys(cq__raw_table *t, cq_db *db, const char *name)
{
    cq_value *list = NULL;
    int rc = cq__dump_catalog_query(&list, db, CQ_DIALECT_POSTGRES, CQ__CAT_FOREIGN_KEYS, name);
    if (rc != CQ_OK)
        return rc;
    t->foreign_keys = cq_value_array();
    if (!t->foreign_keys)
        rc = cq__db_oom(db);
    for (size_t i = 0; rc == CQ_OK && i < cq_value_size(list); i++) {
        const cq_value *r = cq_value_array_get(list, i);
        const char *del = cq__sql_postgres.catalog_action(cq__dump_row_text(r, "del")),
                   *upd = cq__sql_postgres.catalog_action(cq__dump_row_text(r, "upd"));
        cq_value *refs = cq_value_object(), *fk = cq_value_object();
        bool ok = refs && fk;
        ok = ok && cq_value_object_set(refs, "table",
                                       cq_value_copy(cq_value_object_get(r, "ftable"))) == CQ_OK;
        ok = ok && cq_value_object_set(refs, "columns",
                                       pg_json_list(cq_value_object_get(r, "fcols"))) == CQ_OK;
        ok = ok && cq_value_object_set(fk, "columns",
                                       pg_json_list(cq_value_object_get(r, "cols"))) == CQ_OK;
        if (ok) {
            ok = cq_value_object_set(fk, "references", refs) == CQ_OK;
            refs = NULL;
        }
        ok = ok && cq_value_object_set(fk, "onDelete",
                                       del ? cq_value_text(del) : cq_value_null()) == CQ_OK;
        ok = ok && cq_value_object_set(fk, "onUpdate",
                                       upd ? cq_value_text(upd) : cq_value_null()) == CQ_OK;
        cq_value_free(refs);
        if (ok) {
            ok = cq_value_array_append(t->foreign_keys, fk) == CQ_OK;
            fk = NULL;
        }
        cq_value_free(fk);
        if (!ok)
            rc = cq__db_oom(db);
    }
    cq_value_free(list);
    return rc;
}

static int pg_indexes(cq__raw_table *t, cq_db *db, const char *name)
{
    cq_value *list = NULL;
    int rc = cq__dump_catalog_query(&list, db, CQ_DIALECT_POSTGRES, CQ__CAT_INDEXES, name);
    if (rc != CQ_OK)
        return rc;
    for (size_t i = 0; rc == CQ_OK && i < cq_value_size(list); i++) {
        const cq_value *r = cq_value_array_get(list, i);
        if (cq__dump_put_index(t, pg_json_list(cq_value_object_get(r, "cols")),
                               cq_value_as_bool(cq_value_object_get(r, "uniq"))) != CQ_OK)
            rc = cq__db_oom(db);
    }
    cq_value_free(list);
    return rc;
}

int cq__dump_postgres_table(cq__raw_table *out, cq_db *db, const char *name)
{
    int rc = cq__dump_catalog_columns(out, db, CQ_DIALECT_POSTGRES, name, pg_column_facts);
    if (rc == CQ_OK)
        rc = pg_foreign_keys(out, db, name);
    return rc == CQ_OK ? pg_indexes(out, db, name) : rc;
}
