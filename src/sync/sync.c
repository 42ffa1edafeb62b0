/* sync: tables in dependency order (spec/sync.md section 10), DDL from models. */
#include <stdlib.h>
#include <string.h>

#include "cequel/sync.h"
#include "core/util.h"
#include "model/model.h"
#include "sql/sql.h"

static int oom(cq_db *db)
{
    return cq__db_fail(db, CQ_ENOMEM, "out of memory");
}

/* The model a reference names: a model name first, else a model whose table has that name. */
static cq_model *ref_target(cq_db *db, const char *ref)
{
    cq_model *m = cq_db_model(db, ref);
    if (m)
        return m;
    for (size_t i = 0; i < db->nmodels; i++)
        if (strcmp(db->models[i]->table, ref) == 0)
            return db->models[i];
    return NULL;
}

static const char *ref_table(cq_db *db, const char *ref)
{
    cq_model *m = ref_target(db, ref);
    return m ? m->table : ref;
}

/* Column the reference points at: the field of the attribute named `key`, else `key`. */
static const char *ref_column(cq_db *db, const char *ref, const char *key)
{
    cq_model *m = ref_target(db, ref);
    long i = m ? cq__model_attr_index(m, key) : -1;
    return i >= 0 ? m->attrs[i].field : key;
}

/* Depth-first visit in definition order: a model after every model it references
 * (self-references and non-model tables skipped), as Sequelize's sync does. */
typedef struct order_ctx {
    cq_db *db;
    unsigned char *state; /* 0 new, 1 visiting, 2 done */
    cq_model **out;
    size_t n;
} order_ctx;

static size_t model_index(cq_db *db, const cq_model *m)
{
    for (size_t i = 0; i < db->nmodels; i++)
        if (db->models[i] == m)
            return i;
    return 0;
}

static void visit(order_ctx *c, size_t mi)
{
    if (c->state[mi])
        return;
    c->state[mi] = 1;
    cq_model *m = c->db->models[mi];
    for (size_t i = 0; i < m->nattrs; i++) {
        const cq__attr *a = &m->attrs[i];
        if (!a->ref_model || a->references_none)
            continue;
        cq_model *t = ref_target(c->db, a->ref_model);
        if (!t || t == m)
            continue;
        visit(c, model_index(c->db, t)); /* a model being visited (a cycle) is skipped */
    }
    c->state[mi] = 2;
    c->out[c->n++] = m;
}

static int sync_order(cq_model ***out, cq_db *db)
{
    *out = NULL;
    order_ctx c = { .db = db };
    c.state = calloc(db->nmodels + 1, 1);
    c.out = calloc(db->nmodels + 1, sizeof *c.out);
    if (!c.state || !c.out) {
        free(c.state);
        free(c.out);
        return oom(db);
    }
    for (size_t i = 0; i < db->nmodels; i++)
        visit(&c, i);
    free(c.state);
    *out = c.out;
    return CQ_OK;
}

int cq_db_sync_order(cq_model ***out, cq_db *db)
{
    cq__db_clear(db);
    return sync_order(out, db);
}

/* CREATE TABLE text for one model in `d`. */
static int model_ddl(char **out, cq_model *m, cq_dialect d)
{
    *out = NULL;
    cq_db *db = m->db;
    cq__ddl_col *cols = calloc(m->nattrs + 1, sizeof *cols);
    char **types = calloc(m->nattrs + 1, sizeof *types);
    char **defaults = calloc(m->nattrs + 1, sizeof *defaults);
    cq__ddl_unique *uniques = calloc(m->nattrs + 1, sizeof *uniques);
    const char **ucols = calloc(m->nattrs + 1, sizeof *ucols);
    int rc = cols && types && defaults && uniques && ucols ? CQ_OK : oom(db);
    size_t nuniques = 0, nucols = 0;
    for (size_t i = 0; rc == CQ_OK && i < m->nattrs; i++) {
        const cq__attr *a = &m->attrs[i];
        cq__ddl_col *c = &cols[i];
        cq__buf tb = { 0 };
        cq__sql_type(&tb, a->type, a->length, a->precision, a->scale, d);
        types[i] = cq__buf_take(&tb);
        if (!types[i]) {
            rc = oom(db);
            break;
        }
        c->name = a->field;
        c->type_sql = types[i];
        c->is_int_type = a->type == CQ_INTEGER || a->type == CQ_BIGINT || a->type == CQ_SMALLINT;
        c->int_kind = a->type == CQ_BIGINT ? 2 : a->type == CQ_SMALLINT ? 3 : 1;
        c->not_null = a->allow_null == CQ_OFF;
        c->primary_key = a->primary_key;
        c->auto_increment = a->auto_increment;
        c->unique = a->unique && !a->unique_name;
        if (a->default_value)
            c->default_sql = defaults[i] = cq__sql_default_literal(a->default_value, a->type, d);
        if (a->ref_model && !a->references_none) {
            c->ref_table = ref_table(db, a->ref_model);
            c->ref_column = ref_column(db, a->ref_model, a->ref_key);
            c->on_delete = a->on_delete;
            c->on_update = a->on_update;
        }
    }
    /* composite uniques: attributes sharing a unique name, in attribute order */
    for (size_t i = 0; rc == CQ_OK && i < m->nattrs; i++) {
        const char *un = m->attrs[i].unique_name;
        bool seen = false;
        for (size_t u = 0; un && u < nuniques; u++)
            seen |= strcmp(uniques[u].name, un) == 0;
        if (!un || seen)
            continue;
        cq__ddl_unique *u = &uniques[nuniques++];
        u->name = un;
        u->cols = &ucols[nucols];
        for (size_t k = i; k < m->nattrs; k++)
            if (cq__streq(m->attrs[k].unique_name, un)) {
                ucols[nucols++] = m->attrs[k].field;
                u->ncols++;
            }
    }
    if (rc == CQ_OK) {
        cq__ddl_table t = { .name = m->table, .cols = cols, .ncols = m->nattrs,
                            .uniques = uniques, .nuniques = nuniques };
        *out = cq__sql_create_table(&t, d);
        if (!*out)
            rc = oom(db);
    }
    for (size_t i = 0; types && i < m->nattrs; i++)
        free(types[i]);
    for (size_t i = 0; defaults && i < m->nattrs; i++)
        free(defaults[i]);
    free(types);
    free(defaults);
    free(cols);
    free(uniques);
    free(ucols);
    return rc;
}

int cq_db_ddl(char **out, cq_db *db, cq_dialect dialect)
{
    *out = NULL;
    cq__db_clear(db);
    cq_model **order = NULL;
    int rc = sync_order(&order, db);
    if (rc != CQ_OK)
        return rc;
    cq__buf b = { 0 };
    for (size_t i = 0; rc == CQ_OK && order[i]; i++) {
        char *sql = NULL;
        rc = model_ddl(&sql, order[i], dialect);
        if (rc == CQ_OK) {
            cq__buf_put(&b, sql);
            cq__buf_putc(&b, '\n');
        }
        free(sql);
    }
    free(order);
    if (rc != CQ_OK) {
        cq__buf_free(&b);
        return rc;
    }
    *out = cq__buf_take(&b);
    return *out ? CQ_OK : oom(db);
}

static int exec_text(cq_db *db, const char *sql)
{
    if (!sql)
        return oom(db);
    return cq__session_exec(&db->s, sql, NULL, 0, NULL);
}

static int drop_model(cq_model *m)
{
    char *sql = cq__sql_drop_table(m->table, cq_db_dialect(m->db));
    int rc = exec_text(m->db, sql);
    free(sql);
    return rc;
}

static int create_model(cq_model *m)
{
    char *sql = NULL;
    int rc = model_ddl(&sql, m, cq_db_dialect(m->db));
    if (rc == CQ_OK)
        rc = exec_text(m->db, sql);
    free(sql);
    return rc;
}

int cq_model_sync(cq_model *m, const cq_sync_opts *opts)
{
    cq__db_clear(m->db);
    int rc = CQ_OK;
    if (opts && opts->force)
        rc = drop_model(m);
    return rc == CQ_OK ? create_model(m) : rc;
}

int cq_db_drop(cq_db *db, const cq_sync_opts *opts)
{
    (void)opts;
    cq__db_clear(db);
    cq_model **order = NULL;
    int rc = sync_order(&order, db);
    if (rc != CQ_OK)
        return rc;
    size_t n = 0;
    while (order[n])
        n++;
    for (size_t i = n; rc == CQ_OK && i > 0; i--)
        rc = drop_model(order[i - 1]);
    free(order);
    return rc;
}

int cq_db_sync(cq_db *db, const cq_sync_opts *opts)
{
    cq__db_clear(db);
    int rc = CQ_OK;
    if (opts && opts->force)
        rc = cq_db_drop(db, opts);
    cq_model **order = NULL;
    if (rc == CQ_OK)
        rc = sync_order(&order, db);
    for (size_t i = 0; rc == CQ_OK && order[i]; i++)
        rc = create_model(order[i]);
    free(order);
    return rc;
}
