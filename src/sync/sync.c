/* sync: the plan (creation order, deferred constraints, cycles; spec/sync.md sections 9-11)
 * and its execution (CREATE TABLE, DROP TABLE, ALTER TABLE ... ADD FOREIGN KEY). */
#include <stdlib.h>
#include <string.h>

#include "cequel/sync.h"
#include "core/util.h"
#include "model/hooks.h"
#include "model/model.h"
#include "sql/sql.h"
#include "sync/plan.h"
#include "db/db.h"

typedef struct plan_fk {
    cq_model *model; /* table holding the column */
    size_t attr;
    cq_model *target;
} plan_fk;

typedef struct plan_cycle {
    cq_model **models; /* models[k] references models[k + 1], the last one models[0] */
    size_t *attrs;     /* the referencing attribute of models[k] */
    size_t n;
    char *chain; /* "documents -> versions => documents" */
} plan_cycle;

struct cq_sync_plan {
    cq_db *db;
    cq_dialect dialect;
    cq_model **order; /* NULL-terminated */
    size_t norder;
    plan_fk *deferred;
    size_t ndeferred, deferred_cap;
    plan_cycle *cycles;
    size_t ncycles, cycles_cap;
};

/* ---- references ---------------------------------------------------------------------- */

typedef struct ref_target {
    cq_model *model;    /* NULL: the attribute carries no constraint */
    const char *column; /* referenced column (field of the key attribute) */
} ref_target;

/* cequel decision (spec 9): a string names a model first, then a model's table; naming
 * neither is an error rather than a REFERENCES clause to a table no sync creates. The key is
 * an attribute name of the target, or one of its column names. */
static int resolve_ref(ref_target *out, cq_db *db, const cq_model *m, const cq__attr *a)
{
    out->model = NULL;
    out->column = NULL;
    if (!a->ref_model || a->references_none)
        return CQ_OK;
    cq_model *t = cq_db_model(db, a->ref_model);
    for (size_t i = 0; !t && i < db->nmodels; i++)
        if (strcmp(db->models[i]->table, a->ref_model) == 0)
            t = db->models[i];
    if (!t)
        return cq__db_fail(db, CQ_EUNKNOWN_MODEL,
                           "model \"%s\": attribute \"%s\" references \"%s\", which is neither "
                           "a model nor the table of a model",
                           m->name, a->name, a->ref_model);
    const char *key = a->ref_key ? a->ref_key : "id";
    long k = cq__model_attr_index(t, key);
    for (size_t i = 0; k < 0 && i < t->nattrs; i++)
        if (strcmp(t->attrs[i].field, key) == 0)
            k = (long)i;
    if (k < 0)
        return cq__db_fail(db, CQ_EUNKNOWN_ATTR,
                           "model \"%s\": attribute \"%s\" references key \"%s\", which model "
                           "\"%s\" does not have",
                           m->name, a->name, key, t->name);
    out->model = t;
    out->column = t->attrs[k].field;
    return CQ_OK;
}

/* ---- plan ---------------------------------------------------------------------------- */

void cq_sync_plan_free(cq_sync_plan *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->ncycles; i++) {
        cq__free(p->cycles[i].models);
        cq__free(p->cycles[i].attrs);
        cq__free(p->cycles[i].chain);
    }
    cq__free(p->cycles);
    cq__free(p->deferred);
    cq__free(p->order);
    cq__free(p);
}

typedef struct walk {
    cq_sync_plan *p;
    unsigned char *state; /* per model index: 0 new, 1 on the stack, 2 emitted */
    cq_model **stack_m;   /* models being visited, outermost first */
    size_t *stack_a;      /* attribute through which stack_m[k] reached stack_m[k + 1] */
    size_t depth;
} walk;

static size_t model_index(const cq_db *db, const cq_model *m)
{
    for (size_t i = 0; i < db->nmodels; i++)
        if (db->models[i] == m)
            return i;
    return 0;
}

/* `top` references `target`, which is on the stack: the stack from `target` to `top` is a
 * cycle and this reference is the constraint that closes it. */
static int add_cycle(walk *w, cq_model *target, size_t top)
{
    cq_sync_plan *p = w->p;
    cq_db *db = p->db;
    size_t from = 0;
    while (w->stack_m[from] != target)
        from++;
    if (cq__grow((void **)&p->cycles, &p->cycles_cap, p->ncycles + 1, sizeof *p->cycles) != 0)
        return cq__db_oom(db);
    plan_cycle *c = &p->cycles[p->ncycles++];
    memset(c, 0, sizeof *c);
    c->n = top - from + 1;
    c->models = cq__malloc(c->n * sizeof *c->models);
    c->attrs = cq__malloc(c->n * sizeof *c->attrs);
    if (!c->models || !c->attrs)
        return cq__db_oom(db);
    memcpy(c->models, w->stack_m + from, c->n * sizeof *c->models);
    memcpy(c->attrs, w->stack_a + from, c->n * sizeof *c->attrs);
    cq__buf b = { 0 };
    for (size_t k = 0; k < c->n; k++) {
        if (k)
            cq__buf_put(&b, " -> ");
        cq__buf_put(&b, c->models[k]->table);
    }
    cq__buf_printf(&b, " => %s", target->table);
    if (!(c->chain = cq__buf_take(&b)))
        return cq__db_oom(db);
    /* SQLite takes a REFERENCES clause to a table created later: nothing to defer there */
    if (cq__sql_dialect_of(p->dialect)->forward_references)
        return CQ_OK;
    if (cq__grow((void **)&p->deferred, &p->deferred_cap, p->ndeferred + 1, sizeof *p->deferred) !=
        0)
        return cq__db_oom(db);
    p->deferred[p->ndeferred++] =
        (plan_fk){ .model = w->stack_m[top], .attr = w->stack_a[top], .target = target };
    return CQ_OK;
}

/* Sequelize's sync order: depth first in definition order, a model after every model it
 * references (attributes in order, self-references skipped). */
static int visit(walk *w, size_t mi)
{
    cq_db *db = w->p->db;
    cq_model *m = db->models[mi];
    w->state[mi] = 1;
    size_t top = w->depth++;
    w->stack_m[top] = m;
    for (size_t i = 0; i < m->nattrs; i++) {
        ref_target r;
        int rc = resolve_ref(&r, db, m, &m->attrs[i]);
        if (rc != CQ_OK)
            return rc;
        if (!r.model || r.model == m)
            continue;
        w->stack_a[top] = i;
        size_t ti = model_index(db, r.model);
        if (w->state[ti] == 0)
            rc = visit(w, ti);
        else if (w->state[ti] == 1)
            rc = add_cycle(w, r.model, top);
        if (rc != CQ_OK)
            return rc;
    }
    w->depth--;
    w->state[mi] = 2;
    w->p->order[w->p->norder++] = m;
    return CQ_OK;
}

static int plan_build(cq_sync_plan **out, cq_db *db, cq_dialect d)
{
    *out = NULL;
    cq_sync_plan *p = cq__calloc(1, sizeof *p);
    walk w = { .p = p };
    int rc = CQ_OK;
    if (!p)
        return cq__db_oom(db);
    p->db = db;
    p->dialect = d;
    p->order = cq__calloc(db->nmodels + 1, sizeof *p->order);
    w.state = cq__calloc(db->nmodels + 1, 1);
    w.stack_m = cq__calloc(db->nmodels + 1, sizeof *w.stack_m);
    w.stack_a = cq__calloc(db->nmodels + 1, sizeof *w.stack_a);
    if (!p->order || !w.state || !w.stack_m || !w.stack_a) {
        rc = cq__db_oom(db);
        goto done;
    }
    for (size_t i = 0; rc == CQ_OK && i < db->nmodels; i++)
        if (!w.state[i])
            rc = visit(&w, i);
done:
    cq__free(w.state);
    cq__free(w.stack_m);
    cq__free(w.stack_a);
    if (rc != CQ_OK) {
        cq_sync_plan_free(p);
        return rc;
    }
    *out = p;
    return CQ_OK;
}

int cq__sync_plan_build(cq_sync_plan **out, cq_db *db, cq_dialect dialect)
{
    cq__db_clear(db);
    return plan_build(out, db, dialect);
}

/* The seed manual's message (model names), plus the references that could be dropped. */
static int strict_error(const cq_sync_plan *p)
{
    const plan_cycle *c = &p->cycles[0];
    cq__buf b = { 0 };
    cq__buf_printf(&b, "Cyclic dependency found. '%s' is dependent of itself. Dependency Chain: ",
                   c->models[0]->name);
    for (size_t k = 0; k < c->n; k++) {
        if (k)
            cq__buf_put(&b, " -> ");
        cq__buf_put(&b, c->models[k]->name);
    }
    cq__buf_printf(&b, " => %s. Set constraints: false (references_none) on one of ",
                   c->models[0]->name);
    for (size_t k = 0; k < c->n; k++) {
        if (k)
            cq__buf_put(&b, k + 1 == c->n ? " or " : ", ");
        cq__buf_printf(&b, "%s.%s", c->models[k]->name, c->models[k]->attrs[c->attrs[k]].name);
    }
    cq__buf_put(&b, " to break it");
    char *msg = cq__buf_take(&b);
    if (!msg)
        return cq__db_oom(p->db);
    int rc = cq__db_fail(p->db, CQ_ECYCLE, "%s", msg);
    cq__free(msg);
    return rc;
}

int cq_db_sync_plan(cq_sync_plan **out, cq_db *db, const cq_sync_opts *opts)
{
    if (out)
        *out = NULL;
    if (!out || !db)
        return CQ_EINVALID;
    *out = NULL;
    cq__db_clear(db);
    cq_sync_plan *p = NULL;
    int rc = plan_build(&p, db, cq_db_dialect(db));
    if (rc == CQ_OK && opts && opts->strict_cycles && p->ncycles) {
        rc = strict_error(p);
        cq_sync_plan_free(p);
        return rc;
    }
    *out = p;
    return rc;
}

size_t cq_sync_plan_model_count(const cq_sync_plan *p)
{
    return p ? p->norder : 0;
}

cq_model *cq_sync_plan_model_at(const cq_sync_plan *p, size_t i)
{
    if (!p)
        return NULL;
    return i < p->norder ? p->order[i] : NULL;
}

size_t cq_sync_plan_deferred_count(const cq_sync_plan *p)
{
    return p ? p->ndeferred : 0;
}

cq_model *cq_sync_plan_deferred_model(const cq_sync_plan *p, size_t i)
{
    if (!p)
        return NULL;
    return i < p->ndeferred ? p->deferred[i].model : NULL;
}

const char *cq_sync_plan_deferred_attr(const cq_sync_plan *p, size_t i)
{
    if (!p)
        return NULL;
    return i < p->ndeferred ? p->deferred[i].model->attrs[p->deferred[i].attr].name : NULL;
}

cq_model *cq_sync_plan_deferred_target(const cq_sync_plan *p, size_t i)
{
    if (!p)
        return NULL;
    return i < p->ndeferred ? p->deferred[i].target : NULL;
}

size_t cq_sync_plan_cycle_count(const cq_sync_plan *p)
{
    return p ? p->ncycles : 0;
}

size_t cq_sync_plan_cycle_length(const cq_sync_plan *p, size_t i)
{
    if (!p)
        return 0;
    return i < p->ncycles ? p->cycles[i].n : 0;
}

cq_model *cq_sync_plan_cycle_model(const cq_sync_plan *p, size_t i, size_t k)
{
    if (!p)
        return NULL;
    return i < p->ncycles && k < p->cycles[i].n ? p->cycles[i].models[k] : NULL;
}

const char *cq_sync_plan_cycle_attr(const cq_sync_plan *p, size_t i, size_t k)
{
    if (!p)
        return NULL;
    if (i >= p->ncycles || k >= p->cycles[i].n)
        return NULL;
    return p->cycles[i].models[k]->attrs[p->cycles[i].attrs[k]].name;
}

const char *cq_sync_plan_cycle_chain(const cq_sync_plan *p, size_t i)
{
    if (!p)
        return NULL;
    return i < p->ncycles ? p->cycles[i].chain : NULL;
}

int cq_sync_plan_describe(char **out, const cq_sync_plan *p)
{
    *out = NULL;
    if (!p)
        return CQ_EINVALID;
    cq__buf b = { 0 };
    for (size_t i = 0; i < p->norder; i++)
        cq__buf_printf(&b, "create %s\n", p->order[i]->table);
    for (size_t i = 0; i < p->ndeferred; i++) {
        const plan_fk *f = &p->deferred[i];
        const cq__attr *a = &f->model->attrs[f->attr];
        ref_target r = { 0 };
        int rc = resolve_ref(&r, p->db, f->model, a);
        if (rc != CQ_OK) {
            cq__buf_free(&b);
            return rc;
        }
        cq__buf_printf(&b, "add foreign key %s.%s -> %s.%s\n", f->model->table, a->field,
                       f->target->table, r.column);
    }
    for (size_t i = 0; i < p->ncycles; i++)
        cq__buf_printf(&b, "cycle %s\n", p->cycles[i].chain);
    *out = cq__buf_take(&b);
    if (!*out) {
        *out = cq__calloc(1, 1); /* an empty plan is an empty string */
        if (!*out)
            return cq__db_oom(p->db);
    }
    return CQ_OK;
}

int cq_db_sync_order(cq_model ***out, cq_db *db)
{
    *out = NULL;
    if (!db)
        return CQ_EINVALID;
    cq__db_clear(db);
    cq_sync_plan *p = NULL;
    int rc = plan_build(&p, db, cq_db_dialect(db));
    if (rc != CQ_OK)
        return rc;
    *out = p->order; /* NULL-terminated; the caller frees it */
    p->order = NULL;
    cq_sync_plan_free(p);
    return CQ_OK;
}

/* ---- DDL ----------------------------------------------------------------------------- */

static bool is_deferred(const cq_sync_plan *p, const cq_model *m, size_t attr)
{
    for (size_t i = 0; p && i < p->ndeferred; i++)
        if (p->deferred[i].model == m && p->deferred[i].attr == attr)
            return true;
    return false;
}

/* A type dialect `d` has no column for: ARRAY outside PostgreSQL, JSONB on MySQL (v6 sends
 * them and the server refuses the table; cequel says so before any statement runs). */
static int check_column_type(const cq_model *m, const cq__attr *a, cq_dialect d)
{
    const cq__sql_dialect *D = cq__sql_dialect_of(d);
    if (a->type == CQ_ARRAY && !D->has_arrays)
        return cq__db_fail(m->db, CQ_ENOTSUPPORTED,
                           "model \"%s\": attribute \"%s\": ARRAY columns exist only on "
                           "PostgreSQL, not on %s",
                           m->name, a->name, D->name);
    if (a->type == CQ_JSONB && !D->has_jsonb)
        return cq__db_fail(m->db, CQ_ENOTSUPPORTED,
                           "model \"%s\": attribute \"%s\": MySQL has no JSONB type (use JSON)",
                           m->name, a->name);
    return CQ_OK;
}

/* check_column_type() for every attribute of `m`. */
static int check_model_types(const cq_model *m, cq_dialect d)
{
    int rc = CQ_OK;
    for (size_t i = 0; rc == CQ_OK && i < m->nattrs; i++)
        rc = check_column_type(m, &m->attrs[i], d);
    return rc;
}

/* One attribute as DDL sees it. `type` and `dflt` receive strings the caller frees. */
static int fill_col(cq__ddl_col *c, char **type, char **dflt, const cq_model *m, size_t i,
                    cq_dialect d)
{
    cq_db *db = m->db;
    const cq__attr *a = &m->attrs[i];
    memset(c, 0, sizeof *c);
    *type = *dflt = NULL;
    int trc = check_column_type(m, a, d);
    if (trc != CQ_OK)
        return trc;
    cq__buf tb = { 0 };
    cq__sql_coltype ct = { .type = a->type,
                           .length = a->length,
                           .precision = a->precision,
                           .scale = a->scale,
                           .element_type = a->element_type,
                           .table = m->table,
                           .field = a->field,
                           .values = (const char *const *)a->values };
    cq__sql_column_type(&tb, &ct, d);
    if (!(*type = cq__buf_take(&tb)))
        return cq__db_oom(db);
    c->name = a->field;
    c->type_sql = *type;
    c->is_int_type = a->type == CQ_INTEGER || a->type == CQ_BIGINT || a->type == CQ_SMALLINT;
    c->int_kind = a->type == CQ_BIGINT ? 2 : a->type == CQ_SMALLINT ? 3 : 1;
    c->not_null = a->allow_null == CQ_OFF;
    c->primary_key = a->primary_key;
    c->auto_increment = a->auto_increment;
    c->unique = a->unique && !a->unique_name;
    if (a->default_value) {
        /* NULL when Sequelize omits it (MySQL TEXT/BLOB/JSON), or out of memory */
        c->default_sql = *dflt = cq__sql_default_literal(a->default_value, a->type, d);
    }
    ref_target r;
    int rc = resolve_ref(&r, db, m, a);
    if (rc != CQ_OK)
        return rc;
    if (r.model) {
        c->ref_table = r.model->table;
        c->ref_column = r.column;
        c->on_delete = a->on_delete;
        c->on_update = a->on_update;
    }
    return CQ_OK;
}

/* CREATE TABLE text for one model in `d`; references the plan defers are left out. */
static int model_ddl(char **out, cq_model *m, cq_dialect d, const cq_sync_plan *plan)
{
    *out = NULL;
    cq_db *db = m->db;
    size_t n = m->nattrs;
    cq__ddl_col *cols = cq__calloc(n + 1, sizeof *cols);
    char **types = cq__calloc(n + 1, sizeof *types);
    char **defaults = cq__calloc(n + 1, sizeof *defaults);
    cq__ddl_unique *uniques = cq__calloc(n + 1, sizeof *uniques);
    const char **ucols = cq__calloc(n + 1, sizeof *ucols);
    size_t nuniques = 0, nucols = 0;
    int rc = cols && types && defaults && uniques && ucols ? CQ_OK : cq__db_oom(db);
    for (size_t i = 0; rc == CQ_OK && i < n; i++) {
        rc = fill_col(&cols[i], &types[i], &defaults[i], m, i, d);
        cols[i].ref_deferred = is_deferred(plan, m, i);
    }
    /* composite uniques: attributes sharing a unique name, in attribute order, one clause per
     * name at the position of its first attribute (Sequelize's uniqueKeys) */
    for (size_t i = 0; rc == CQ_OK && i < n; i++) {
        const char *un = m->attrs[i].unique_name;
        bool seen = false;
        for (size_t u = 0; un && u < nuniques; u++)
            seen |= strcmp(uniques[u].name, un) == 0;
        if (!un || seen)
            continue;
        cq__ddl_unique *u = &uniques[nuniques++];
        u->name = un;
        u->cols = &ucols[nucols];
        for (size_t k = i; k < n; k++)
            if (cq__streq(m->attrs[k].unique_name, un)) {
                ucols[nucols++] = m->attrs[k].field;
                u->ncols++;
            }
    }
    if (rc == CQ_OK) {
        cq__ddl_table t = {
            .name = m->table, .cols = cols, .ncols = n, .uniques = uniques, .nuniques = nuniques
        };
        if (!(*out = cq__sql_create_table(&t, d)))
            rc = cq__db_oom(db);
    }
    for (size_t i = 0; types && defaults && i < n; i++) {
        cq__free(types[i]);
        cq__free(defaults[i]);
    }
    cq__free(types);
    cq__free(defaults);
    cq__free(cols);
    cq__free(uniques);
    cq__free(ucols);
    return rc;
}

/* Whether attribute `a` has a PostgreSQL enum type of its own (ENUM, ARRAY of ENUM). */
static bool has_pg_enum(const cq__attr *a)
{
    return a->type == CQ_ENUM || (a->type == CQ_ARRAY && a->element_type == CQ_ENUM);
}

/* Sequelize's addIndexQuery for index `i` of `m` (the `indexes` option). */
static int index_sql(char **out, const cq_model *m, size_t i, cq_dialect d)
{
    const cq__index *ix = &m->indexes[i];
    cq__ddl_index di = { .name = ix->name,
                         .cols = (const char *const *)ix->fields,
                         .ncols = ix->nfields,
                         .unique = ix->unique };
    *out = cq__sql_create_index(m->table, &di, d);
    return *out ? CQ_OK : cq__db_oom(m->db);
}

/* `ALTER TABLE ... ADD FOREIGN KEY` for deferred constraint `f`. */
static int fk_sql(char **out, const plan_fk *f, cq_dialect d)
{
    *out = NULL;
    cq__ddl_col c;
    char *type = NULL, *dflt = NULL;
    int rc = fill_col(&c, &type, &dflt, f->model, f->attr, d);
    if (rc == CQ_OK && !(*out = cq__sql_add_foreign_key(f->model->table, &c, d)))
        rc = cq__db_oom(f->model->db);
    cq__free(type);
    cq__free(dflt);
    return rc;
}

int cq_db_ddl(char **out, cq_db *db, cq_dialect dialect)
{
    *out = NULL;
    if (!db)
        return CQ_EINVALID;
    cq__db_clear(db);
    if (!cq__sql_dialect_find(dialect))
        return cq__db_fail(db, CQ_EINVALID, "cq_db_ddl: unknown dialect %d", (int)dialect);
    cq_sync_plan *p = NULL;
    int rc = plan_build(&p, db, dialect);
    if (rc != CQ_OK)
        return rc;
    cq__buf b = { 0 };
    for (size_t i = 0; rc == CQ_OK && i < p->norder + p->ndeferred; i++) {
        char *sql = NULL;
        for (size_t k = 0; rc == CQ_OK && i < p->norder &&
                           cq__sql_dialect_of(dialect)->enum_types && k < p->order[i]->nattrs;
             k++) {
            const cq__attr *a = &p->order[i]->attrs[k];
            if (!has_pg_enum(a))
                continue;
            if (!(sql = cq__sql_pg_create_enum(p->order[i]->table, a->field, a->values)))
                rc = cq__db_oom(db);
            else
                cq__buf_printf(&b, "%s\n", sql);
            cq__free(sql);
            sql = NULL;
        }
        if (rc != CQ_OK)
            break;
        if (i < p->norder)
            rc = model_ddl(&sql, p->order[i], dialect, p);
        else
            rc = fk_sql(&sql, &p->deferred[i - p->norder], dialect);
        if (rc == CQ_OK) {
            cq__buf_put(&b, sql);
            cq__buf_putc(&b, '\n');
        }
        cq__free(sql);
        /* the model's indexes right after its table, as Model.sync adds them; Sequelize sends
         * them without `;`, which this listing adds so every line ends in one */
        for (size_t k = 0; rc == CQ_OK && i < p->norder && k < p->order[i]->nindexes; k++) {
            rc = index_sql(&sql, p->order[i], k, dialect);
            if (rc == CQ_OK)
                cq__buf_printf(&b, "%s;\n", sql);
            cq__free(sql);
        }
    }
    cq_sync_plan_free(p);
    if (rc != CQ_OK) {
        cq__buf_free(&b);
        return rc;
    }
    *out = cq__buf_take(&b);
    return *out ? CQ_OK : cq__db_oom(db);
}

/* ---- execution ----------------------------------------------------------------------- */

/* Runs `sql` (taken: freed here; NULL means out of memory). */
static int exec_text(cq_db *db, char *sql)
{
    if (!sql)
        return cq__db_oom(db);
    int rc = cq__session_exec(&db->s, sql, NULL, 0, NULL);
    cq__free(sql);
    return rc;
}

/* Runs catalogue query `sql` (taken) and reports whether it returned a row. */
/* Whether catalogue query `sql` finds a row for the texts `args` (bound, in order). */
static int query_any(bool *found, cq_db *db, const char *sql, const char *const *args, size_t n)
{
    *found = false;
    cq_value *vals[4] = { 0 };
    int rc = sql && n <= 4 ? CQ_OK : cq__db_oom(db);
    for (size_t i = 0; rc == CQ_OK && i < n; i++)
        if (!(vals[i] = cq_value_text(args[i])))
            rc = cq__db_oom(db);
    cq__result res = { 0 };
    if (rc == CQ_OK)
        rc = cq__session_exec(&db->s, sql, (const cq_value *const *)vals, n, &res);
    if (rc == CQ_OK)
        *found = res.nrows > 0;
    cq__result_free(&res);
    for (size_t i = 0; i < n; i++)
        cq_value_free(vals[i]);
    return rc;
}

/* Model.sync's index pass: every index of the `indexes` option whose name the table does not
 * have yet is added (v6 compares names with showIndex). A table created just now has none. */
static int ensure_indexes(cq_model *m, bool table_is_new)
{
    cq_db *db = m->db;
    cq_dialect d = cq_db_dialect(db);
    int rc = CQ_OK;
    for (size_t i = 0; rc == CQ_OK && i < m->nindexes; i++) {
        if (!table_is_new) {
            cq_value *table = cq_value_text(m->table), *name = cq_value_text(m->indexes[i].name);
            const cq_value *params[2] = { table, name };
            cq__result res = { 0 };
            rc = table && name
                     ? cq__session_exec(&db->s, cq__sql_index_exists_query(d), params, 2, &res)
                     : cq__db_oom(db);
            bool exists = rc == CQ_OK && res.nrows > 0;
            cq__result_free(&res);
            cq_value_free(table);
            cq_value_free(name);
            if (rc != CQ_OK || exists)
                continue;
        }
        char *sql = NULL;
        rc = index_sql(&sql, m, i, d);
        if (rc == CQ_OK)
            rc = exec_text(db, sql);
    }
    return rc;
}

/* Sequelize's ensureEnums for one attribute (PostgreSQL): the type is created when it does not
 * exist; when it does, the values the model lists and the type lacks are added, each placed
 * next to a value both share, as v6 places them. Values the type has and the model no longer
 * lists stay (PostgreSQL cannot drop an enum value). */
static int ensure_enum(cq_model *m, const cq__attr *a)
{
    cq_db *db = m->db;
    char *tname = cq__sql_pg_enum_name(m->table, a->field);
    cq_value *arg = tname ? cq_value_text(tname) : NULL;
    cq__free(tname);
    cq__result res = { 0 };
    int rc = arg ? cq__session_exec(&db->s, cq__sql_pg_enum_labels_query(),
                                    (const cq_value *const[]){ arg }, 1, &res)
                 : cq__db_oom(db);
    cq_value_free(arg);
    if (rc != CQ_OK || res.nrows == 0) {
        cq__result_free(&res);
        return rc == CQ_OK ? exec_text(db, cq__sql_pg_create_enum(m->table, a->field, a->values))
                           : rc;
    }
    size_t nold = res.nrows, nnew = 0;
    while (a->values[nnew])
        nnew++;
    const char **old = cq__calloc(nold + nnew + 1, sizeof *old);
    if (!old) {
        cq__result_free(&res);
        return cq__db_oom(db);
    }
    for (size_t i = 0; i < nold; i++)
        old[i] = cq_value_as_text(cq__result_cell(&res, i, 0));
    /* v6's placement: walk the existing values; the new values just before each one that the
     * model also lists go BEFORE it; what follows the rightmost shared value goes AFTER the
     * type's last value */
    long rightmost = -1;
    for (size_t oi = 0; rc == CQ_OK && oi < nold; oi++) {
        long ni = -1;
        for (size_t k = 0; k < nnew; k++)
            if (old[oi] && strcmp(a->values[k], old[oi]) == 0)
                ni = (long)k;
        if (ni < 0)
            continue;
        /* the run of missing values right before position ni, added in their order */
        long start = ni;
        while (start > 0) {
            bool known = false;
            for (size_t k = 0; k < nold; k++)
                known |= old[k] && strcmp(old[k], a->values[start - 1]) == 0;
            if (known)
                break;
            start--;
        }
        for (long k = start; rc == CQ_OK && k < ni; k++)
            rc = exec_text(
                db, cq__sql_pg_add_enum_value(m->table, a->field, a->values[k], old[oi], true));
        if (ni > rightmost)
            rightmost = ni;
    }
    const char *last = nold ? old[nold - 1] : NULL;
    for (size_t k = (size_t)(rightmost + 1); rc == CQ_OK && last && k < nnew; k++) {
        rc =
            exec_text(db, cq__sql_pg_add_enum_value(m->table, a->field, a->values[k], last, false));
        last = a->values[k];
    }
    cq__free(old);
    cq__result_free(&res);
    return rc;
}

/* Every enum type of `m` (PostgreSQL), before its table is created or checked. */
static int ensure_enums(cq_model *m)
{
    if (!cq__sql_dialect_of(cq_db_dialect(m->db))->enum_types)
        return CQ_OK;
    int rc = CQ_OK;
    for (size_t i = 0; rc == CQ_OK && i < m->nattrs; i++)
        if (has_pg_enum(&m->attrs[i]))
            rc = ensure_enum(m, &m->attrs[i]);
    return rc;
}

/* Drops the table of `m`, then its enum types on PostgreSQL (v6's dropTable). */
static int drop_model(cq_model *m)
{
    cq_db *db = m->db;
    cq_dialect d = cq_db_dialect(db);
    int rc = exec_text(db, cq__sql_drop_table(m->table, d));
    for (size_t i = 0; rc == CQ_OK && cq__sql_dialect_of(d)->enum_types && i < m->nattrs; i++)
        if (has_pg_enum(&m->attrs[i]))
            rc = exec_text(db, cq__sql_pg_drop_enum(m->table, m->attrs[i].field));
    return rc;
}

/* Sequelize's Model.sync for one table: create it when the catalogue does not list it, then
 * add the missing indexes. Existing tables are never compared with the model (no alter). */
static int ensure_table(cq_model *m, const cq_sync_plan *plan, bool known_absent)
{
    cq_db *db = m->db;
    cq_dialect d = cq_db_dialect(db);
    bool exists = false;
    int rc = known_absent ? CQ_OK
                          : query_any(&exists, db, cq__sql_table_exists_query(d),
                                      (const char *const[]){ m->table }, 1);
    if (rc == CQ_OK)
        rc = ensure_enums(m);
    if (rc == CQ_OK && !exists) {
        char *sql = NULL;
        rc = model_ddl(&sql, m, d, plan);
        if (rc == CQ_OK)
            rc = exec_text(db, sql);
    }
    return rc == CQ_OK ? ensure_indexes(m, !exists) : rc;
}

/* A deferred constraint is added only when the table does not have it yet, so a second sync
 * drops and re-adds nothing (unlike v6's alter pass). */
static int ensure_foreign_key(cq_db *db, const plan_fk *f)
{
    cq_dialect d = cq_db_dialect(db);
    char *sql = NULL;
    bool exists = false;
    const cq__attr *a = &f->model->attrs[f->attr];
    ref_target r;
    int rc = resolve_ref(&r, db, f->model, a);
    if (rc == CQ_OK && r.model)
        rc = query_any(&exists, db, cq__sql_foreign_key_exists_query(d),
                       (const char *const[]){ f->model->table, a->field, r.model->table, r.column },
                       4);
    if (rc != CQ_OK || exists)
        return rc;
    rc = fk_sql(&sql, f, d);
    return rc == CQ_OK ? exec_text(db, sql) : rc;
}

/* Drops every table in reverse creation order. With a cycle, reverse order still leaves a
 * table referenced by another: SQLite turns foreign keys off around the drops (as v6 does),
 * MySQL turns FOREIGN_KEY_CHECKS off, PostgreSQL's DROP ... CASCADE removes the constraint. */
static int drop_all(const cq_sync_plan *p)
{
    cq_db *db = p->db;
    cq_dialect d = cq_db_dialect(db);
    /* PostgreSQL has no switch: its DROP ... CASCADE removes the constraint */
    bool relax = p->ncycles > 0 && cq__sql_dialect_of(d)->fk_off;
    bool fk_was_on = true;
    int rc = CQ_OK;
    if (relax && cq__sql_dialect_of(d)->fk_read_first) {
        cq__result res = { 0 };
        char *query = cq__sql_fk_checks(d, -1);
        rc = query ? cq__session_exec(&db->s, query, NULL, 0, &res) : cq__db_oom(db);
        cq__free(query);
        if (rc == CQ_OK && res.nrows == 1)
            fk_was_on = cq_value_as_int(cq__result_cell(&res, 0, 0)) != 0;
        cq__result_free(&res);
        if (rc == CQ_OK && fk_was_on)
            rc = exec_text(db, cq__sql_fk_checks(d, 0));
    } else if (relax) {
        rc = exec_text(db, cq__sql_fk_checks(d, 0));
    }
    if (rc != CQ_OK)
        return rc;
    for (size_t i = p->norder; rc == CQ_OK && i > 0; i--)
        rc = drop_model(p->order[i - 1]);
    if (relax && fk_was_on) {
        cq_error saved = cq__err_save(); /* the restore must not hide a failed drop */
        int rc2 = exec_text(db, cq__sql_fk_checks(d, 1));
        if (rc != CQ_OK)
            cq__err_restore(&saved);
        else
            rc = rc2;
    }
    return rc;
}

/* Reports each cycle through the log, in the format v6's sorter uses internally. */
static void warn_cycles(const cq_sync_plan *p)
{
    for (size_t i = 0; i < p->ncycles; i++) {
        char *text = cq__asprintf("Cyclic dependency found. %s is dependent of itself.\n"
                                  "Dependency chain: %s",
                                  p->cycles[i].models[0]->table, p->cycles[i].chain);
        if (text)
            cq__session_warn(&p->db->s, text);
        cq__free(text);
    }
}

/* ensure_table between the model's beforeSync and afterSync hooks (v6 Model.sync). */
static int ensure_table_hooked(cq_model *m, const cq_sync_plan *plan, bool known_absent)
{
    cq_hook_ctx ctx = { 0 };
    int rc = cq__hooks_run(m, CQ__H_BEFORE_SYNC, &ctx, NULL);
    if (rc == CQ_OK)
        rc = ensure_table(m, plan, known_absent);
    if (rc == CQ_OK) {
        ctx = (cq_hook_ctx){ 0 };
        rc = cq__hooks_run(m, CQ__H_AFTER_SYNC, &ctx, NULL);
    }
    return rc;
}

int cq_model_sync(cq_model *m, const cq_sync_opts *opts)
{
    int trc = cq__model_enter(m, opts ? opts->transaction : NULL);
    if (trc != CQ_OK)
        return trc;
    cq_db *db = m->db;
    bool force = opts && opts->force;
    int rc = check_model_types(m, cq_db_dialect(db));
    if (rc == CQ_OK && force)
        rc = drop_model(m);
    /* one model alone: every reference inline, as Sequelize's Model.sync */
    return rc == CQ_OK ? ensure_table_hooked(m, NULL, force) : rc;
}

/* The start of a whole-db call: entered, and the plan built in *p (NULL if the call failed
 * first; cq_sync_plan_free() it either way). */
static int plan_enter(cq_sync_plan **p, cq_db *db, const cq_sync_opts *opts)
{
    *p = NULL;
    if (!db)
        return CQ_EINVALID;
    int rc = cq__db_enter(db, opts ? opts->transaction : NULL);
    return rc == CQ_OK ? plan_build(p, db, cq_db_dialect(db)) : rc;
}

int cq_db_drop(cq_db *db, const cq_sync_opts *opts)
{
    cq_sync_plan *p = NULL;
    int rc = plan_enter(&p, db, opts);
    if (rc == CQ_OK)
        rc = drop_all(p);
    cq_sync_plan_free(p);
    return rc;
}

int cq_db_sync(cq_db *db, const cq_sync_opts *opts)
{
    cq_sync_plan *p = NULL;
    int rc = plan_enter(&p, db, opts);
    bool force = opts && opts->force;
    if (rc == CQ_OK && opts && opts->strict_cycles && p->ncycles)
        rc = strict_error(p); /* before any statement runs */
    for (size_t i = 0; rc == CQ_OK && i < p->norder; i++)
        rc = check_model_types(p->order[i], cq_db_dialect(db));
    if (rc == CQ_OK)
        warn_cycles(p);
    if (rc == CQ_OK && force)
        rc = drop_all(p);
    for (size_t i = 0; rc == CQ_OK && i < p->norder; i++)
        rc = ensure_table_hooked(p->order[i], p, force);
    for (size_t i = 0; rc == CQ_OK && i < p->ndeferred; i++)
        rc = ensure_foreign_key(db, &p->deferred[i]);
    cq_sync_plan_free(p);
    return rc;
}

/* Deletes every row of every model, children before the tables they reference (the reverse
 * of the creation order), in one transaction. v6 refuses cyclic references without `cascade`;
 * cequel orders itself and lets the declared ON DELETE actions resolve the cycle
 * (docs/differences.md): a cycle whose actions forbid it fails with the foreign-key error and
 * deletes nothing. */
int cq_db_truncate(cq_db *db, const cq_sync_opts *opts)
{
    cq_sync_plan *p = NULL;
    int rc = plan_enter(&p, db, opts);
    cq_txn *t = NULL;
    if (rc == CQ_OK)
        rc = cq__txn_begin(&t, db, cq__txn_current(db));
    for (size_t i = p ? p->norder : 0; rc == CQ_OK && i > 0; i--) {
        cq__stmt *st = cq__stmt_new(CQ__ST_DELETE, p->order[i - 1]->table);
        rc = st ? cq__db_exec_stmt(db, st, NULL) : cq__db_oom(db);
        cq__stmt_free(st);
    }
    if (t)
        rc = cq__txn_finish(t, rc);
    cq_sync_plan_free(p);
    return rc;
}
