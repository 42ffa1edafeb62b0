/* sync: the plan (creation order, deferred constraints, cycles; spec/sync.md sections 9-11)
 * and its execution (CREATE TABLE, DROP TABLE, ALTER TABLE ... ADD FOREIGN KEY). */
#include <stdlib.h>
#include <string.h>

#include "cequel/sync.h"
#include "core/util.h"
#include "model/model.h"
#include "sql/sql.h"
#include "sync/plan.h"

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

static int oom(cq_db *db)
{
    return cq__db_fail(db, CQ_ENOMEM, "out of memory");
}

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
        free(p->cycles[i].models);
        free(p->cycles[i].attrs);
        free(p->cycles[i].chain);
    }
    free(p->cycles);
    free(p->deferred);
    free(p->order);
    free(p);
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
        return oom(db);
    plan_cycle *c = &p->cycles[p->ncycles++];
    memset(c, 0, sizeof *c);
    c->n = top - from + 1;
    c->models = malloc(c->n * sizeof *c->models);
    c->attrs = malloc(c->n * sizeof *c->attrs);
    if (!c->models || !c->attrs)
        return oom(db);
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
        return oom(db);
    /* SQLite takes a REFERENCES clause to a table created later: nothing to defer there */
    if (p->dialect == CQ_DIALECT_SQLITE)
        return CQ_OK;
    if (cq__grow((void **)&p->deferred, &p->deferred_cap, p->ndeferred + 1, sizeof *p->deferred) !=
        0)
        return oom(db);
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
    cq_sync_plan *p = calloc(1, sizeof *p);
    walk w = { .p = p };
    int rc = CQ_OK;
    if (!p)
        return oom(db);
    p->db = db;
    p->dialect = d;
    p->order = calloc(db->nmodels + 1, sizeof *p->order);
    w.state = calloc(db->nmodels + 1, 1);
    w.stack_m = calloc(db->nmodels + 1, sizeof *w.stack_m);
    w.stack_a = calloc(db->nmodels + 1, sizeof *w.stack_a);
    if (!p->order || !w.state || !w.stack_m || !w.stack_a) {
        rc = oom(db);
        goto done;
    }
    for (size_t i = 0; rc == CQ_OK && i < db->nmodels; i++)
        if (!w.state[i])
            rc = visit(&w, i);
done:
    free(w.state);
    free(w.stack_m);
    free(w.stack_a);
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
        return oom(p->db);
    int rc = cq__db_fail(p->db, CQ_ECYCLE, "%s", msg);
    free(msg);
    return rc;
}

int cq_db_sync_plan(cq_sync_plan **out, cq_db *db, const cq_sync_opts *opts)
{
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
    return p->norder;
}

cq_model *cq_sync_plan_model_at(const cq_sync_plan *p, size_t i)
{
    return i < p->norder ? p->order[i] : NULL;
}

size_t cq_sync_plan_deferred_count(const cq_sync_plan *p)
{
    return p->ndeferred;
}

cq_model *cq_sync_plan_deferred_model(const cq_sync_plan *p, size_t i)
{
    return i < p->ndeferred ? p->deferred[i].model : NULL;
}

const char *cq_sync_plan_deferred_attr(const cq_sync_plan *p, size_t i)
{
    return i < p->ndeferred ? p->deferred[i].model->attrs[p->deferred[i].attr].name : NULL;
}

cq_model *cq_sync_plan_deferred_target(const cq_sync_plan *p, size_t i)
{
    return i < p->ndeferred ? p->deferred[i].target : NULL;
}

size_t cq_sync_plan_cycle_count(const cq_sync_plan *p)
{
    return p->ncycles;
}

size_t cq_sync_plan_cycle_length(const cq_sync_plan *p, size_t i)
{
    return i < p->ncycles ? p->cycles[i].n : 0;
}

cq_model *cq_sync_plan_cycle_model(const cq_sync_plan *p, size_t i, size_t k)
{
    return i < p->ncycles && k < p->cycles[i].n ? p->cycles[i].models[k] : NULL;
}

const char *cq_sync_plan_cycle_attr(const cq_sync_plan *p, size_t i, size_t k)
{
    if (i >= p->ncycles || k >= p->cycles[i].n)
        return NULL;
    return p->cycles[i].models[k]->attrs[p->cycles[i].attrs[k]].name;
}

const char *cq_sync_plan_cycle_chain(const cq_sync_plan *p, size_t i)
{
    return i < p->ncycles ? p->cycles[i].chain : NULL;
}

int cq_sync_plan_describe(char **out, const cq_sync_plan *p)
{
    *out = NULL;
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
        *out = calloc(1, 1); /* an empty plan is an empty string */
        if (!*out)
            return oom(p->db);
    }
    return CQ_OK;
}

int cq_db_sync_order(cq_model ***out, cq_db *db)
{
    *out = NULL;
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

/* One attribute as DDL sees it. `type` and `dflt` receive strings the caller frees. */
static int fill_col(cq__ddl_col *c, char **type, char **dflt, const cq_model *m, size_t i,
                    cq_dialect d)
{
    cq_db *db = m->db;
    const cq__attr *a = &m->attrs[i];
    memset(c, 0, sizeof *c);
    cq__buf tb = { 0 };
    cq__sql_type(&tb, a->type, a->length, a->precision, a->scale, d);
    if (!(*type = cq__buf_take(&tb)))
        return oom(db);
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
    cq__ddl_col *cols = calloc(n + 1, sizeof *cols);
    char **types = calloc(n + 1, sizeof *types);
    char **defaults = calloc(n + 1, sizeof *defaults);
    cq__ddl_unique *uniques = calloc(n + 1, sizeof *uniques);
    const char **ucols = calloc(n + 1, sizeof *ucols);
    size_t nuniques = 0, nucols = 0;
    int rc = cols && types && defaults && uniques && ucols ? CQ_OK : oom(db);
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
            rc = oom(db);
    }
    for (size_t i = 0; types && defaults && i < n; i++) {
        free(types[i]);
        free(defaults[i]);
    }
    free(types);
    free(defaults);
    free(cols);
    free(uniques);
    free(ucols);
    return rc;
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
    return *out ? CQ_OK : oom(m->db);
}

/* `ALTER TABLE ... ADD FOREIGN KEY` for deferred constraint `f`. */
static int fk_sql(char **out, const plan_fk *f, cq_dialect d)
{
    *out = NULL;
    cq__ddl_col c;
    char *type = NULL, *dflt = NULL;
    int rc = fill_col(&c, &type, &dflt, f->model, f->attr, d);
    if (rc == CQ_OK && !(*out = cq__sql_add_foreign_key(f->model->table, &c, d)))
        rc = oom(f->model->db);
    free(type);
    free(dflt);
    return rc;
}

int cq_db_ddl(char **out, cq_db *db, cq_dialect dialect)
{
    *out = NULL;
    cq__db_clear(db);
    if (dialect != CQ_DIALECT_SQLITE && dialect != CQ_DIALECT_POSTGRES &&
        dialect != CQ_DIALECT_MYSQL)
        return cq__db_fail(db, CQ_EINVALID, "cq_db_ddl: unknown dialect %d", (int)dialect);
    cq_sync_plan *p = NULL;
    int rc = plan_build(&p, db, dialect);
    if (rc != CQ_OK)
        return rc;
    cq__buf b = { 0 };
    for (size_t i = 0; rc == CQ_OK && i < p->norder + p->ndeferred; i++) {
        char *sql = NULL;
        if (i < p->norder)
            rc = model_ddl(&sql, p->order[i], dialect, p);
        else
            rc = fk_sql(&sql, &p->deferred[i - p->norder], dialect);
        if (rc == CQ_OK) {
            cq__buf_put(&b, sql);
            cq__buf_putc(&b, '\n');
        }
        free(sql);
        /* the model's indexes right after its table, as Model.sync adds them; Sequelize sends
         * them without `;`, which this listing adds so every line ends in one */
        for (size_t k = 0; rc == CQ_OK && i < p->norder && k < p->order[i]->nindexes; k++) {
            rc = index_sql(&sql, p->order[i], k, dialect);
            if (rc == CQ_OK)
                cq__buf_printf(&b, "%s;\n", sql);
            free(sql);
        }
    }
    cq_sync_plan_free(p);
    if (rc != CQ_OK) {
        cq__buf_free(&b);
        return rc;
    }
    *out = cq__buf_take(&b);
    return *out ? CQ_OK : oom(db);
}

/* ---- execution ----------------------------------------------------------------------- */

/* Runs `sql` (taken: freed here; NULL means out of memory). */
static int exec_text(cq_db *db, char *sql)
{
    if (!sql)
        return oom(db);
    int rc = cq__session_exec(&db->s, sql, NULL, 0, NULL);
    free(sql);
    return rc;
}

/* Runs catalogue query `sql` (taken) and reports whether it returned a row. */
/* Whether catalogue query `sql` finds a row for the texts `args` (bound, in order). */
static int query_any(bool *found, cq_db *db, const char *sql, const char *const *args, size_t n)
{
    *found = false;
    cq_value *vals[4] = { 0 };
    int rc = sql && n <= 4 ? CQ_OK : oom(db);
    for (size_t i = 0; rc == CQ_OK && i < n; i++)
        if (!(vals[i] = cq_value_text(args[i])))
            rc = oom(db);
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
                     : oom(db);
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
    bool relax = p->ncycles > 0 && d != CQ_DIALECT_POSTGRES;
    bool fk_was_on = true;
    int rc = CQ_OK;
    if (relax && d == CQ_DIALECT_SQLITE) {
        cq__result res = { 0 };
        char *query = cq__sql_fk_checks(d, -1);
        rc = query ? cq__session_exec(&db->s, query, NULL, 0, &res)
                   : cq__db_fail(db, CQ_ENOMEM, "out of memory");
        free(query);
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
        rc = exec_text(db, cq__sql_drop_table(p->order[i - 1]->table, d));
    if (relax && fk_was_on) {
        cq_error saved = *cq__last_error(); /* the restore must not hide a failed drop */
        int rc2 = exec_text(db, cq__sql_fk_checks(d, 1));
        if (rc != CQ_OK)
            *cq__last_error() = saved;
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
        free(text);
    }
}

int cq_model_sync(cq_model *m, const cq_sync_opts *opts)
{
    cq_db *db = m->db;
    cq__db_clear(db);
    bool force = opts && opts->force;
    int rc = CQ_OK;
    if (force)
        rc = exec_text(db, cq__sql_drop_table(m->table, cq_db_dialect(db)));
    /* one model alone: every reference inline, as Sequelize's Model.sync */
    return rc == CQ_OK ? ensure_table(m, NULL, force) : rc;
}

int cq_db_drop(cq_db *db, const cq_sync_opts *opts)
{
    (void)opts;
    cq__db_clear(db);
    cq_sync_plan *p = NULL;
    int rc = plan_build(&p, db, cq_db_dialect(db));
    if (rc == CQ_OK)
        rc = drop_all(p);
    cq_sync_plan_free(p);
    return rc;
}

int cq_db_sync(cq_db *db, const cq_sync_opts *opts)
{
    cq__db_clear(db);
    bool force = opts && opts->force;
    cq_sync_plan *p = NULL;
    int rc = plan_build(&p, db, cq_db_dialect(db));
    if (rc == CQ_OK && opts && opts->strict_cycles && p->ncycles)
        rc = strict_error(p); /* before any statement runs */
    if (rc == CQ_OK)
        warn_cycles(p);
    if (rc == CQ_OK && force)
        rc = drop_all(p);
    for (size_t i = 0; rc == CQ_OK && i < p->norder; i++)
        rc = ensure_table(p->order[i], p, force);
    for (size_t i = 0; rc == CQ_OK && i < p->ndeferred; i++)
        rc = ensure_foreign_key(db, &p->deferred[i]);
    cq_sync_plan_free(p);
    return rc;
}

/* Deletes every row of every model, children before the tables they reference (the reverse
 * of the creation order), in one transaction. v6 refuses cyclic references without `cascade`;
 * cequel orders itself and lets the declared ON DELETE actions resolve the cycle (DEVIATIONS
 * D10): a cycle whose actions forbid it fails with the foreign-key error and deletes nothing. */
int cq_db_truncate(cq_db *db, const cq_sync_opts *opts)
{
    (void)opts;
    cq__db_clear(db);
    cq_sync_plan *p = NULL;
    int rc = plan_build(&p, db, cq_db_dialect(db));
    cq_txn *t = NULL;
    if (rc == CQ_OK)
        rc = cq__txn_begin(&t, db, cq__txn_current(db));
    for (size_t i = p ? p->norder : 0; rc == CQ_OK && i > 0; i--) {
        cq__stmt *st = cq__stmt_new(CQ__ST_DELETE, p->order[i - 1]->table);
        rc = st ? cq__db_exec_stmt(db, st, NULL) : cq__db_fail(db, CQ_ENOMEM, "out of memory");
        cq__stmt_free(st);
    }
    if (t)
        rc = cq__txn_finish(t, rc);
    cq_sync_plan_free(p);
    return rc;
}
