/* Finders (findAll / findOne / findByPk / count), reload, bulkCreate and model-level
 * update / destroy. */
#include <stdlib.h>
#include <strings.h>
#include <string.h>

#include "model/assoc.h"
#include "core/util.h"
#include "model/hooks.h"
#include "model/model.h"
#include "model/validate.h"
#include "query/attrs.h"
#include "query/find.h"
#include "model/scopes.h"
#include "query/include.h"
#include "stmt/stmt.h"
#include "query/where.h"
#include "sql/sql.h"
#include "query/instance.h"

int cq__rows_push(cq_rows *rows, cq_instance *inst)
{
    if (!inst)
        return -1;
    if (rows->n == rows->cap) {
        /* from 2 up: an include's child lists are mostly short, and there are many of them */
        size_t cap = rows->cap ? rows->cap * 2 : 2;
        cq_instance **items =
            cap > SIZE_MAX / sizeof *items ? NULL : cq__realloc(rows->items, cap * sizeof *items);
        if (!items) {
            cq_instance_free(inst);
            return -1;
        }
        rows->items = items;
        rows->cap = cap;
    }
    rows->items[rows->n++] = inst;
    return 0;
}

size_t cq_rows_count(const cq_rows *rows)
{
    if (!rows)
        return 0;
    return rows ? rows->n : 0;
}

cq_instance *cq_rows_at(const cq_rows *rows, size_t i)
{
    if (!rows)
        return NULL;
    return rows && i < rows->n ? rows->items[i] : NULL;
}

cq_instance *cq_rows_take(cq_rows *rows, size_t i)
{
    if (!rows || i >= rows->n)
        return NULL;
    cq_instance *inst = rows->items[i];
    rows->items[i] = NULL;
    return inst;
}

void cq_rows_free(cq_rows *rows)
{
    if (!rows)
        return;
    for (size_t i = 0; i < rows->n; i++)
        cq_instance_free(rows->items[i]);
    cq__free(rows->items);
    cq__free(rows);
}

int cq_rows_to_value(cq_value **out, const cq_rows *rows)
{
    *out = NULL;
    if (!rows)
        return CQ_EINVALID;
    cq_value *a = cq_value_array();
    if (!a)
        return CQ_ENOMEM;
    for (size_t i = 0; rows && i < rows->n; i++) {
        if (!rows->items[i])
            continue;
        cq_value *v = NULL;
        int rc = cq_instance_to_value(&v, rows->items[i]);
        if (rc != CQ_OK || cq_value_array_append(a, v) != CQ_OK) {
            cq_value_free(a);
            return rc != CQ_OK ? rc : CQ_ENOMEM;
        }
    }
    *out = a;
    return CQ_OK;
}

static int and_paranoid(cq__stmt *st, cq_model *m, bool deleted);
static int find_run(cq_rows **out, cq_model *m, const cq_find_opts *opts, cq__find_ext *ext);

/* Adds WHERE from opts (structured + raw) to st. */
static int apply_where(cq__stmt *st, cq_model *m, const char *alias, const cq_value *where,
                       const char *where_sql, const cq_value *where_params, cq__inc_where_ctx *inc)
{
    cq__expr *e = NULL;
    int rc = cq__where_build_inc(&e, m, alias, where, inc ? cq__inc_where_include : NULL, inc);
    if (rc != CQ_OK)
        return rc;
    if (e && cq__stmt_and_where(st, e) != 0)
        return cq__db_oom(m->db);
    if (where_sql) {
        rc = cq__where_raw(&e, m->db, where_sql, where_params);
        if (rc != CQ_OK)
            return rc;
        if (cq__stmt_and_where(st, e) != 0)
            return cq__db_oom(m->db);
    }
    return CQ_OK;
}

/* Which attributes a find reads: `sel[i]` true when attribute i is selected. */
static int select_attrs(bool *sel, cq_model *m, const cq_find_opts *o)
{
    for (const char *const *a = o->attributes; a && *a; a++)
        if (cq__model_attr_index(m, *a) < 0 && !cq__accessor_find(m, *a))
            return cq__db_fail(m->db, CQ_EUNKNOWN_ATTR,
                               "attributes: model \"%s\" has no attribute \"%s\"", m->name, *a);
    for (const char *const *a = o->exclude; a && *a; a++)
        if (cq__model_attr_index(m, *a) < 0)
            return cq__db_fail(m->db, CQ_EUNKNOWN_ATTR,
                               "exclude: model \"%s\" has no attribute \"%s\"", m->name, *a);
    for (size_t i = 0; i < m->nattrs; i++) {
        const char *name = m->attrs[i].name;
        sel[i] =
            (!o->attributes || cq__str_in(o->attributes, name)) && !cq__str_in(o->exclude, name);
    }
    /* v6: a VIRTUAL attribute named in `attributes` reads the attributes it depends on */
    for (const char *const *a = o->attributes; a && *a; a++) {
        const cq__accessor *x = cq__accessor_find(m, *a);
        for (char **d = x && x->is_virtual ? x->deps : NULL; d && *d; d++) {
            long i = cq__model_attr_index(m, *d);
            if (i >= 0)
                sel[i] = true;
        }
    }
    return CQ_OK;
}

/* ORDER BY from opts (attributes of m, or of included models by `as`). */
static int add_order(cq__stmt *st, cq_model *m, const cq_find_opts *o, cq__inc_plan *plan,
                     const cq__proj *proj)
{
    int rc = CQ_OK;
    for (const cq_order *ord = o->order; rc == CQ_OK && ord && ord->attr; ord++) {
        if (ord->as) {
            cq__expr *e = NULL;
            rc = plan ? cq__inc_order_expr(&e, plan, m, ord->as, ord->attr, ord->desc)
                      : cq__db_fail(m->db, CQ_EEAGER,
                                    "order names include \"%s\", which is not "
                                    "included in this query",
                                    ord->as);
            if (rc == CQ_OK && e && cq__stmt_add_order(st, e, ord->desc) != 0)
                rc = cq__db_oom(m->db);
            continue;
        }
        long i = cq__model_attr_index(m, ord->attr);
        if (i < 0 && cq__proj_find_alias(proj, ord->attr)) {
            /* an alias of the select list: ORDER BY "n", as v6's order: [[col('n'), ...]] */
            if (cq__stmt_add_order(st, cq__expr_col(NULL, ord->attr), ord->desc) != 0)
                rc = cq__db_oom(m->db);
        } else if (i < 0)
            rc = cq__db_fail(m->db, CQ_EUNKNOWN_ATTR, "order: model \"%s\" has no attribute \"%s\"",
                             m->name, ord->attr);
        else if (cq__stmt_add_order(st, cq__expr_col(m->name, m->attrs[i].field), ord->desc) != 0)
            rc = cq__db_oom(m->db);
    }
    return rc;
}

/* How build_select treats includes. */
typedef enum sel_mode {
    SEL_DEFAULT,  /* to-one includes joined, to-many ones left to cq__inc_load_many */
    SEL_JOIN_ALL, /* the single-JOIN shape without limit: the includes cq__inc_plan_join
                     flagged joined (no LIMIT allowed) */
    SEL_INNER     /* single_join with limit: the default statement as the parents' subquery,
                     its parent columns unaliased (the outer query names them by field) */
} sel_mode;

static bool through_attr_shown(const cq__find_ext *ext, const char *name)
{
    if (ext->no_through_attrs)
        return false;
    if (!ext->through_attrs)
        return true;
    for (const char *const *a = ext->through_attrs; *a; a++)
        if (strcmp(*a, name) == 0)
            return true;
    return false;
}

/* Whether a join column is read at all: shown, or kept for grouping. */
static bool through_attr_read(const cq__find_ext *ext, const char *name)
{
    if (ext->through_only) /* only the key that places the child is selected */
        return strcmp(name, ext->through_only) == 0;
    return ext->keep_through_keys || through_attr_shown(ext, name);
}

/* A count's select list: COUNT(*), or of ext's count attribute, or DISTINCT of the key when
 * the includes are joined for the where (v6 with `distinct: true`). */
static int select_count(cq__stmt *st, cq_model *m, const cq__find_ext *ext, sel_mode mode)
{
    int rc = CQ_OK;
    st->count = cq__expr_new(CQ__EX_COUNT);
    long ci = ext && ext->count_attr ? cq__model_attr_index(m, ext->count_attr) : -1;
    if (mode == SEL_JOIN_ALL) {
        if (m->npk != 1)
            rc = cq__db_fail(m->db, CQ_ENOTSUPPORTED,
                             "count: the where names an include, which is joined; counting "
                             "the parents once needs a primary key of one attribute, and "
                             "model \"%s\" has %zu",
                             m->name, m->npk);
        ci = (long)m->pk[0];
        if (st->count)
            st->count->op = "DISTINCT";
    }
    if (rc == CQ_OK &&
        (!st->count ||
         (ci >= 0 && cq__expr_add(st->count, cq__expr_col(m->name, m->attrs[ci].field)) != 0)))
        rc = cq__db_oom(m->db);
    return rc;
}

/* The model's columns of a select: the selected attributes, or v6's full attributes (the
 * select list in its order, expressions under their aliases; the statement takes the
 * expressions). A statement of one table names its columns bare, as v6 does; joins qualify
 * them. */
static int select_columns(cq__stmt *st, cq_model *m, const bool *sel, const cq__find_ext *ext,
                          const cq__inc_plan *plan, sel_mode mode, cq__proj *proj)
{
    bool alone =
        mode == SEL_DEFAULT && (!plan || cq__inc_plan_empty(plan)) && !(ext && ext->through);
    for (size_t i = 0; !proj && i < m->nattrs; i++)
        if (sel[i] &&
            cq__stmt_add_col(st, alone ? NULL : m->name, m->attrs[i].field,
                             mode != SEL_INNER && strcmp(m->attrs[i].field, m->attrs[i].name)
                                 ? m->attrs[i].name
                                 : NULL) != 0)
            return cq__db_oom(m->db);
    for (size_t k = 0; proj && k < proj->n; k++) {
        cq__proj_item *it = &proj->items[k];
        const cq__attr *a = it->attr >= 0 ? &m->attrs[it->attr] : NULL;
        int bad = a ? cq__stmt_add_col(st, alone ? NULL : m->name, a->field,
                                       strcmp(a->field, a->name) ? a->name : NULL)
                    : cq__stmt_add_expr_col(st, it->expr, it->alias);
        if (!a)
            it->expr = NULL;
        if (bad != 0)
            return cq__db_oom(m->db);
    }
    return CQ_OK;
}

/* An association getter's join model: its shown attributes (joinTableAttributes: only what
 * is shown is read) and the join. The statement takes the join condition, even failing. */
static int select_through(cq__stmt *st, cq_model *m, cq__find_ext *ext, bool count)
{
    int rc = CQ_OK;
    cq_model *t = ext->through;
    for (size_t i = 0; !count && rc == CQ_OK && i < t->nattrs; i++) {
        if (!through_attr_read(ext, t->attrs[i].name))
            continue;
        char *alias = cq__asprintf("%s.%s", ext->through_alias, t->attrs[i].name);
        if (!alias || cq__stmt_add_col(st, ext->through_alias, t->attrs[i].field, alias) != 0)
            rc = cq__db_oom(m->db);
        cq__free(alias);
    }
    if (rc == CQ_OK) {
        if (cq__stmt_add_join(st, false, t->table, ext->through_alias, ext->join_on) != 0)
            rc = cq__db_oom(m->db);
        ext->join_on = NULL;
    }
    return rc;
}

static int build_select(cq__stmt **out, cq_model *m, const cq_find_opts *o, bool *sel, bool count,
                        cq__find_ext *ext, cq__inc_plan *plan, sel_mode mode, cq__proj *proj)
{
    *out = NULL;
    cq__stmt *st = cq__stmt_new(CQ__ST_SELECT, m->table);
    if (!st || !(st->alias = cq__strdup(m->name))) {
        cq__stmt_free(st);
        return cq__db_oom(m->db);
    }
    int rc =
        count ? select_count(st, m, ext, mode) : select_columns(st, m, sel, ext, plan, mode, proj);
    if (rc == CQ_OK && ext && ext->through)
        rc = select_through(st, m, ext, count);
    if (rc == CQ_OK && plan && !cq__inc_plan_empty(plan))
        rc = mode == SEL_JOIN_ALL ? cq__inc_sj_add(st, plan, m, m->name)
                                  : cq__inc_add_to_select(st, plan, m, m->name, count);
    if (rc == CQ_OK && o->paranoid != CQ_OFF) {
        /* v6 puts `m.deletedAt IS NULL` first in the WHERE */
        cq__expr *pe = NULL;
        rc = cq__where_paranoid(&pe, m, m->name, false);
        if (rc == CQ_OK && pe && cq__stmt_and_where(st, pe) != 0)
            rc = cq__db_oom(m->db);
    }
    if (rc == CQ_OK && ext && ext->where) {
        if (cq__stmt_and_where(st, ext->where) != 0)
            rc = cq__db_oom(m->db);
        ext->where = NULL;
    }
    if (rc == CQ_OK) {
        cq__inc_where_ctx ictx = { .plan = plan,
                                   .m = m,
                                   .all_joined = mode == SEL_JOIN_ALL,
                                   .none_joined = count && mode != SEL_JOIN_ALL,
                                   .limited = o->limit > 0 || o->offset > 0 };
        rc = apply_where(st, m, m->name, o->where, o->where_sql, o->where_params, &ictx);
    }
    if (!count && rc == CQ_OK && o->group)
        rc = cq__group_build(st, m, o->group, o->literals);
    if (!count && rc == CQ_OK && o->having)
        rc = cq__where_build_having(&st->having, m, o->having, o->literals);
    if (!count && rc == CQ_OK)
        rc = add_order(st, m, o, plan, proj);
    if (!count && mode == SEL_JOIN_ALL && rc == CQ_OK)
        rc = cq__inc_sj_order(st, plan, m, m->name);
    if (o->limit < 0 || o->offset < 0)
        rc = cq__db_fail(m->db, CQ_EINVALID, "limit and offset must not be negative");
    if (!count && mode != SEL_JOIN_ALL) {
        st->limit = o->limit > 0 ? o->limit : -1;
        st->offset = o->offset;
    }
    if (rc != CQ_OK) {
        cq__stmt_free(st);
        return rc;
    }
    *out = st;
    return CQ_OK;
}

/* The single-JOIN statement (spec/include.md A2). With limit/offset the parents are limited in
 * a subquery first (A5), the default strategy's own parent query (to-one includes joined,
 * required to-many ones as EXISTS filters, ORDER BY, LIMIT), so that limit counts parents:
 * SELECT <parent cols>, <include cols> FROM (<parent query>) AS <m> <joins> ORDER BY ... */
static int build_single_join(cq__stmt **out, cq_model *m, const cq_find_opts *o, bool *sel,
                             cq__inc_plan *plan, cq__find_ext *ext)
{
    *out = NULL;
    if (o->limit == 0 && o->offset == 0) /* (ext: a separate include's query, never limited) */
        return build_select(out, m, o, sel, false, ext, plan, SEL_JOIN_ALL, NULL);
    cq__stmt *inner = NULL;
    int rc = build_select(&inner, m, o, sel, false, NULL, plan, SEL_INNER, NULL);
    if (rc != CQ_OK)
        return rc;
    cq__inc_plan_clear_orders(plan); /* recorded again by the outer ORDER BY */
    cq__stmt *st = cq__stmt_new(CQ__ST_SELECT, NULL);
    if (!st || !(st->alias = cq__strdup(m->name))) {
        cq__stmt_free(inner);
        cq__stmt_free(st);
        return cq__db_oom(m->db);
    }
    st->from_sub = inner;
    for (size_t i = 0; rc == CQ_OK && i < m->nattrs; i++)
        if (sel[i] &&
            cq__stmt_add_col(st, m->name, m->attrs[i].field,
                             strcmp(m->attrs[i].field, m->attrs[i].name) ? m->attrs[i].name
                                                                         : NULL) != 0)
            rc = cq__db_oom(m->db);
    if (rc == CQ_OK)
        rc = cq__inc_sj_add(st, plan, m, m->name);
    if (rc == CQ_OK)
        rc = add_order(st, m, o, plan, NULL);
    if (rc == CQ_OK)
        rc = cq__inc_sj_order(st, plan, m, m->name);
    if (rc != CQ_OK) {
        cq__stmt_free(st);
        return rc;
    }
    *out = st;
    return CQ_OK;
}

/* The join row that follows the target's columns in a belongsToMany getter. */
static int attach_through(cq_instance *inst, cq__find_ext *ext, cq__result *res, size_t c)
{
    cq_model *t = ext->through;
    if (ext->no_through_attrs && !ext->keep_through_keys)
        return CQ_OK;
    bool stack_sel[64] = { false };
    bool *sel = t->nattrs <= 64 ? stack_sel : cq__malloc(t->nattrs * sizeof *sel);
    if (!sel)
        return cq__db_oom(t->db);
    for (size_t i = 0; i < t->nattrs; i++)
        sel[i] = through_attr_read(ext, t->attrs[i].name);
    cq_instance *ti = cq__instance_read(t, sel, res, &c);
    if (sel != stack_sel)
        cq__free(sel);
    if (!ti)
        return cq__db_oom(t->db);
    inst->through = ti;
    return CQ_OK;
}

/* Turns result rows into instances, one row at a time as the driver reads them (a
 * cq__row_fn); the columns are the selected attributes, in order, then the join row's and
 * the joined includes'. */
typedef struct materializer {
    cq_rows *rows;
    cq_model *m;
    const bool *sel, *hidden;
    cq__find_ext *ext;
    cq__inc_plan *plan;
    const cq__proj *proj; /* v6's full attributes: the columns in its order; NULL = sel's */
    bool stream;          /* each instance to ext->take instead of into rows */
} materializer;

static int materialize_row(void *ctx, cq__result *res)
{
    materializer *mz = ctx;
    cq_model *m = mz->m;
    cq__find_ext *ext = mz->ext;
    cq_dialect d = cq_db_dialect(m->db);
    size_t c = 0;
    cq_instance *inst = mz->proj ? cq__instance_alloc(m) : cq__instance_read(m, mz->sel, res, &c);
    if (!inst)
        return cq__db_oom(m->db);
    int rc = CQ_OK;
    for (size_t k = 0; mz->proj && rc == CQ_OK && k < mz->proj->n; k++) {
        const cq__proj_item *it = &mz->proj->items[k];
        cq_value *raw = cq__row_take(res, c++);
        long ti = it->attr >= 0 ? it->attr : it->slot; /* an attribute's own slot */
        long conv = it->attr >= 0 ? it->attr : it->src >= 0 ? it->src : it->slot;
        cq_value *v = conv >= 0 ? cq__attr_from_db(&m->attrs[conv], raw, d) : raw;
        if (ti >= 0) {
            cq__instance_put(inst, (size_t)ti, v);
        } else {
            cq__instance_more *x = cq__instance_more_get(inst);
            if (x && !x->extra)
                x->extra = cq_value_object();
            if (!x || !x->extra) {
                cq_value_free(v);
                rc = cq__db_oom(m->db);
            } else if (cq_value_object_set(x->extra, it->alias, v) != CQ_OK) {
                rc = cq__db_oom(m->db);
            }
        }
    }
    if (ext && ext->through)
        rc = attach_through(inst, ext, res, c);
    for (size_t i = 0; ext && ext->through && i < ext->through->nattrs; i++)
        c += through_attr_read(ext, ext->through->attrs[i].name);
    if (rc == CQ_OK && mz->plan && !cq__inc_plan_empty(mz->plan))
        rc = cq__inc_read_row(inst, mz->plan, res, &c);
    if (rc == CQ_OK && mz->hidden) {
        bool *hidden = cq__instance_hidden_make(inst);
        if (!hidden)
            rc = cq__db_oom(m->db);
        else
            memcpy(hidden, mz->hidden, m->nattrs * sizeof *mz->hidden);
    }
    if (rc != CQ_OK) {
        cq_instance_free(inst);
        return rc;
    }
    if (mz->stream)
        return ext->take(ext->take_ctx, inst);
    return cq__rows_push(mz->rows, inst) == 0 ? CQ_OK : cq__db_oom(m->db);
}

void cq__find_ext_release(cq__find_ext *ext)
{
    if (!ext)
        return;
    cq__expr_free(ext->where);
    cq__expr_free(ext->join_on);
    ext->where = ext->join_on = NULL;
    for (size_t i = 0; i < ext->nbranch; i++)
        cq__expr_free(ext->branch_where[i]);
    cq__free(ext->branch_where);
    ext->branch_where = NULL;
    ext->nbranch = 0;
}

/* One LIMITed SELECT per branch of `ext`, combined (include.md A6):
 * SELECT m.* FROM (SELECT * FROM (<branch 1>) AS sub UNION ALL ...) AS m.
 * v6 writes UNION on SQLite; UNION ALL everywhere keeps each branch's order (SQLite's UNION
 * sorts to remove duplicates, and the branches never share a row). */
static int build_branches(cq__stmt **out, cq_model *m, const cq_find_opts *o, bool *sel,
                          cq__find_ext *ext, cq__inc_plan *plan)
{
    *out = NULL;
    cq__stmt *st = cq__stmt_new(CQ__ST_SELECT, NULL);
    cq__stmt *u = cq__stmt_new(CQ__ST_UNION, NULL);
    int rc = st && u && (st->alias = cq__strdup(m->name)) &&
                     cq__stmt_add_col(st, m->name, "*", NULL) == 0
                 ? CQ_OK
                 : cq__db_oom(m->db);
    if (rc == CQ_OK) {
        st->from_sub = u;
        u = NULL;
    }
    cq_find_opts bo = *o;
    bo.limit = ext->branch_limit;
    bo.offset = 0;
    for (size_t i = 0; rc == CQ_OK && i < ext->nbranch; i++) {
        cq__find_ext be = { .where = ext->branch_where[i] };
        ext->branch_where[i] = NULL;
        cq__stmt *b = NULL;
        rc = build_select(&b, m, &bo, sel, false, &be, plan, SEL_DEFAULT, NULL);
        cq__find_ext_release(&be);
        cq__stmt *w = rc == CQ_OK ? cq__stmt_new(CQ__ST_SELECT, NULL) : NULL;
        if (rc == CQ_OK &&
            (!w || !(w->alias = cq__strdup("sub")) || cq__stmt_add_col(w, NULL, "*", NULL) != 0)) {
            cq__stmt_free(w);
            w = NULL;
            rc = cq__db_oom(m->db);
        }
        if (w) {
            w->from_sub = b;
            b = NULL;
            if (cq__stmt_add_union(st->from_sub, w) != 0) {
                cq__stmt_free(w);
                rc = cq__db_oom(m->db);
            }
        }
        cq__stmt_free(b);
    }
    cq__stmt_free(u);
    if (rc != CQ_OK) {
        cq__stmt_free(st);
        return rc;
    }
    *out = st;
    return CQ_OK;
}

/* A public read on `m`: enters the call, reads on one server, applies the model's scopes to
 * `opts` and hands the scoped options to `run` (which leaves `out` empty on failure). */
static int scoped_read(cq_model *m, const cq_find_opts *opts,
                       int (*run)(void *out, cq_model *m, const cq_find_opts *o), void *out)
{
    int rc = cq__db_enter(m->db, opts ? opts->transaction : NULL);
    if (rc != CQ_OK)
        return rc;
    cq__read_scope rs;
    rc = cq__db_read_begin(&rs, m->db, opts && opts->use_master, opts ? opts->transaction : NULL);
    cq__scoped sc;
    bool scoped = false;
    if (rc == CQ_OK) {
        rc = cq__scope_find_opts(&sc, m, opts);
        scoped = true;
    }
    if (rc == CQ_OK)
        rc = run(out, m, &sc.o);
    if (scoped)
        cq__scoped_free(&sc);
    cq__db_read_end(&rs);
    return rc;
}

static int run_find(void *out, cq_model *m, const cq_find_opts *o)
{
    return cq__find(out, m, o, NULL);
}

static int run_count(void *out, cq_model *m, const cq_find_opts *o)
{
    return cq__count(out, m, o, NULL);
}

int cq_model_find_all(cq_rows **out, cq_model *m, const cq_find_opts *opts)
{
    if (out)
        *out = NULL;
    if (!out || !m)
        return CQ_EINVALID;
    return scoped_read(m, opts, run_find, out);
}

/* v6 Model.findAll's hooks before the query: beforeFind, then (once `include: {all}` would be
 * expanded) beforeFindAfterExpandIncludeAll, then (once the options are complete)
 * beforeFindAfterOptions; each may change `o`. */
static int find_before_hooks(cq_model *m, cq_find_opts *o, cq__hook_scope *scope)
{
    static const cq__hook_event evs[] = { CQ__H_BEFORE_FIND, CQ__H_BEFORE_FIND_AFTER_EXPAND,
                                          CQ__H_BEFORE_FIND_AFTER_OPTIONS };
    int rc = CQ_OK;
    for (size_t i = 0; rc == CQ_OK && i < sizeof evs / sizeof evs[0]; i++) {
        cq_hook_ctx ctx = { .find = o };
        rc = cq__hooks_run(m, evs[i], &ctx, scope);
    }
    return rc;
}

int cq__find(cq_rows **out, cq_model *m, const cq_find_opts *opts, cq__find_ext *ext)
{
    *out = NULL;
    cq__hook_scope scope = { 0 };
    cq_find_opts o = opts ? *opts : (cq_find_opts){ 0 };
    bool hooks = !(ext && ext->no_hooks);
    int hrc = hooks ? find_before_hooks(m, &o, &scope) : CQ_OK;
    if (hrc != CQ_OK) {
        cq__find_ext_release(ext);
        cq__hook_scope_end(&scope);
        return hrc;
    }
    int rc = find_run(out, m, &o, ext);
    if (rc == CQ_OK && hooks) {
        cq_hook_ctx ctx = { .rows = *out };
        rc = cq__hooks_run(m, CQ__H_AFTER_FIND, &ctx, NULL);
        if (rc != CQ_OK) {
            cq_rows_free(*out);
            *out = NULL;
        }
    }
    cq__hook_scope_end(&scope);
    return rc;
}

/* With includes and `attributes`, the keys that tie included rows to their parent are read
 * but not shown (include.md A3): marked in sel, and in *hidden (made here) unless an
 * include shows them. */
static int read_link_keys(bool **hidden, bool *sel, cq_model *m, const cq__inc_plan *plan)
{
    *hidden = cq__calloc(m->nattrs + 1, sizeof **hidden);
    if (!*hidden)
        return cq__db_oom(m->db);
    for (size_t i = 0; i < m->nattrs; i++) {
        bool key = m->attrs[i].primary_key;
        for (size_t k = 0; k < m->nassocs; k++)
            key |= cq__streq(m->assocs[k]->source_key, m->attrs[i].name) ||
                   (m->assocs[k]->type == CQ_BELONGS_TO &&
                    cq__streq(m->assocs[k]->fk, m->attrs[i].name));
        if (key && !sel[i]) {
            sel[i] = true;
            (*hidden)[i] = !cq__inc_plan_shows_key(plan, m->attrs[i].name);
        }
    }
    return CQ_OK;
}

/* The single-JOIN shape: with single_join every include is joined; without it, the to-many
 * includes a `$path.attr$` key of the where names are (as Sequelize does; the rest keep
 * their batched queries). Association getters (ext) keep the default shape, whose results
 * are the same, except a separate include's own query in a single_join find (ext->join_below),
 * which joins the includes below it as Sequelize does; a plan without a joined to-many
 * include keeps it too (the shapes coincide). With limit/offset the named to-many include
 * cannot be joined: the parents are limited in a query of their own, and the where builder
 * says so. Marks the plan; returns whether to join. */
static bool choose_single_join(cq__inc_plan *plan, const cq_find_opts *o, const cq__find_ext *ext)
{
    if ((ext && !ext->join_below) || cq__inc_plan_empty(plan)) {
        cq__inc_plan_join(plan, CQ__INC_JOIN_TO_ONE);
        return false;
    }
    cq__inc_plan_mark_where(plan, o->where);
    cq__inc_plan_join(plan, o->single_join ? CQ__INC_JOIN_ALL : CQ__INC_JOIN_NAMED);
    bool sj = cq__inc_sj_wanted(plan) && (o->single_join || (o->limit == 0 && o->offset == 0));
    if (!o->single_join && !sj)
        cq__inc_plan_join(plan, CQ__INC_JOIN_TO_ONE);
    return sj;
}

/* Joined rows: parents are told apart by their key, so it is always read (hidden when not
 * asked for). */
static int read_pk(bool **hidden, bool *sel, cq_model *m)
{
    for (size_t k = 0; k < m->npk; k++) {
        size_t i = m->pk[k];
        if (sel[i])
            continue;
        if (!*hidden && !(*hidden = cq__calloc(m->nattrs + 1, sizeof **hidden)))
            return cq__db_oom(m->db);
        sel[i] = (*hidden)[i] = true;
    }
    return CQ_OK;
}

/* Runs the single-JOIN statement: the joined rows are folded into the tree as the driver
 * reads them. */
static int read_joined(cq_rows *rows, cq_model *m, cq__stmt *st, const bool *sel,
                       const bool *hidden, cq__inc_plan *plan)
{
    cq__sj_stream *stream = NULL;
    int rc = cq__inc_sj_begin(&stream, rows, m, sel, hidden, plan);
    if (rc == CQ_OK)
        rc = cq__db_exec_stmt_rows(m->db, st, cq__inc_sj_row, stream);
    if (rc == CQ_OK && plan->order_in_memory)
        cq__inc_sj_sort(stream);
    cq__inc_sj_end(stream);
    return rc;
}

/* `select` (expressions allowed) or `attributes`/`exclude`, not both: a select is parsed and
 * becomes the attribute lists the rest of the find reads. */
static int parse_select(cq__proj *proj, cq_model *m, cq_find_opts *o)
{
    if (!o->select)
        return CQ_OK;
    if (o->attributes || o->exclude)
        return cq__db_fail(
            m->db, CQ_EINVALID,
            "find on model \"%s\": give `select` or `attributes`/`exclude`, not both", m->name);
    int rc = cq__proj_parse(proj, m, o->select, o->literals);
    o->attributes = (const char *const *)proj->names;
    o->exclude = (const char *const *)proj->exclude;
    return rc;
}

/* The checks and marks of a statement that joins to-many includes (the single-JOIN shape `sj`,
 * or an association getter's branches): no expressions, group or having; with `sj` the plan
 * checked, its in-memory order chosen and the primary key read. */
static int prepare_joined(cq__inc_plan *plan, bool **hidden, bool *sel, cq_model *m,
                          const cq_find_opts *o, bool has_expr, bool sj, bool branches)
{
    if ((sj || branches) && (has_expr || o->group || o->having))
        return cq__db_fail(m->db, CQ_ENOTSUPPORTED,
                           "find on model \"%s\": expressions in the select list, group and "
                           "having are not supported with to-many includes joined into the "
                           "statement",
                           m->name);
    if (!sj)
        return CQ_OK;
    int rc = cq__inc_sj_check(plan, m);
    if (rc != CQ_OK)
        return rc;
    /* ordered by primary keys alone (no order asked for, integer keys): the rows are folded
     * as they come and the tree sorted afterwards, which costs less than the database's sort
     * of every joined row (and is the statement Sequelize sends, without ORDER BY) */
    if (o->limit == 0 && o->offset == 0 && !(o->order && o->order->attr) &&
        cq__inc_sj_sortable(plan, m))
        plan->order_in_memory = true;
    return read_pk(hidden, sel, m);
}

static int find_run(cq_rows **out, cq_model *m, const cq_find_opts *opts, cq__find_ext *ext)
{
    cq_find_opts o = *opts;
    bool *sel = cq__calloc(m->nattrs ? m->nattrs : 1, sizeof *sel);
    cq_rows *rows = cq__calloc(1, sizeof *rows);
    cq__stmt *st = NULL;
    bool *hidden = NULL;
    cq__inc_plan plan = { 0 };
    cq__proj proj = { 0 };
    int rc = sel && rows ? CQ_OK : cq__db_oom(m->db);
    if (rc == CQ_OK)
        rc = parse_select(&proj, m, &o);
    if (rc == CQ_OK)
        rc = select_attrs(sel, m, &o);
    if (rc == CQ_OK && o.include)
        rc = cq__inc_plan_make(&plan, m, o.include);
    if (rc == CQ_OK && !cq__inc_plan_empty(&plan) && o.attributes)
        rc = read_link_keys(&hidden, sel, m, &plan);
    /* the single-JOIN shape or the batched one (choose_single_join) */
    bool sj = rc == CQ_OK && choose_single_join(&plan, &o, ext);
    if (rc == CQ_OK)
        rc = prepare_joined(&plan, &hidden, sel, m, &o, proj.has_expr, sj, ext && ext->nbranch);
    if (rc == CQ_OK && o.select && !sj && !(ext && ext->nbranch))
        rc = cq__proj_finish(&proj, m, sel);
    cq__proj *pp = o.select && !sj && !(ext && ext->nbranch) ? &proj : NULL;
    if (rc == CQ_OK)
        rc = sj ? build_single_join(&st, m, &o, sel, &plan, ext)
             : ext && ext->nbranch
                 ? build_branches(&st, m, &o, sel, ext, &plan)
                 : build_select(&st, m, &o, sel, false, ext, &plan, SEL_DEFAULT, pp);
    /* the include's separate queries run on the connection of the main one (one call, one
     * connection: the pool hands the calling thread the connection it holds) */
    cq__pconn *held = NULL;
    if (rc == CQ_OK && !cq__inc_plan_empty(&plan) && !cq__db_reading_elsewhere(m->db))
        rc = cq__pool_acquire(&m->db->s, &held);
    if (rc == CQ_OK && sj)
        rc = read_joined(rows, m, st, sel, hidden, &plan);
    else if (rc == CQ_OK) {
        bool stream =
            ext && ext->take && cq__inc_plan_empty(&plan) && !(o.attributes && m->nvirtual);
        materializer mz = { rows, m, sel, hidden, ext, &plan, pp, stream };
        rc = cq__db_exec_stmt_rows(m->db, st, materialize_row, &mz);
    }
    if (rc == CQ_OK)
        rc = sj ? cq__inc_load_separate(rows, &plan, o.transaction)
                : cq__inc_load_many(rows, &plan, o.transaction);
    for (size_t r = 0; rc == CQ_OK && o.attributes && m->nvirtual && r < rows->n; r++)
        rc = cq__instance_hide_virtuals(rows->items[r], o.attributes);
    cq__pool_release(&m->db->s, held);
    cq__find_ext_release(ext);
    cq__inc_plan_free(&plan);
    cq__proj_free(&proj);
    cq__stmt_free(st);
    cq__free(sel);
    cq__free(hidden);
    if (rc != CQ_OK) {
        cq_rows_free(rows);
        return rc;
    }
    *out = rows;
    return CQ_OK;
}

/* Whether attribute i alone is unique (unique: true, or a named unique of one attribute). */
static bool single_unique(const cq_model *m, size_t i)
{
    const cq__attr *a = &m->attrs[i];
    if (!a->unique)
        return false;
    for (size_t k = 0; a->unique_name && k < m->nattrs; k++)
        if (k != i && cq__streq(m->attrs[k].unique_name, a->unique_name))
            return false;
    return true;
}

/* v6's findOne sends no LIMIT when the where gives the primary key, or an attribute that is
 * unique on its own, a plain value: at most one row can match. */
static bool where_names_one_row(const cq_model *m, const cq_value *where)
{
    for (size_t k = 0; k < cq_value_size(where) && cq_value_type_of(where) == CQ_VALUE_OBJECT;
         k++) {
        cq_value_type t = cq_value_type_of(cq_value_object_value(where, k));
        if (t == CQ_VALUE_OBJECT || t == CQ_VALUE_ARRAY || t == CQ_VALUE_NULL)
            continue;
        long i = cq__model_attr_index(m, cq_value_object_key(where, k));
        if (i < 0)
            continue;
        if ((m->npk >= 1 && m->pk[0] == (size_t)i) || single_unique(m, (size_t)i))
            return true;
    }
    return false;
}

int cq_model_find_one(cq_instance **out, cq_model *m, const cq_find_opts *opts)
{
    if (out)
        *out = NULL;
    if (!out || !m)
        return CQ_EINVALID;
    *out = NULL;
    cq_find_opts o = opts ? *opts : (cq_find_opts){ 0 };
    if (!(o.where && o.limit == 0 && where_names_one_row(m, o.where)))
        o.limit = 1;
    cq_rows *rows = NULL;
    int rc = cq_model_find_all(&rows, m, &o);
    if (rc != CQ_OK)
        return rc;
    *out = cq_rows_take(rows, 0);
    cq_rows_free(rows);
    return CQ_OK;
}

/* The values findOrCreate creates with: `defaults`, then every plain value of the where that
 * the defaults do not name (operators, lists and nested objects are not values to create). */
static int create_values(cq_value **out, cq_model *m, const cq_find_or_create_opts *opts)
{
    cq_value *v = opts->defaults ? cq_value_copy(opts->defaults) : cq_value_object();
    if (!v)
        return cq__db_oom(m->db);
    if (cq_value_type_of(v) != CQ_VALUE_OBJECT) {
        cq_value_free(v);
        return cq__db_fail(m->db, CQ_EINVALID, "findOrCreate on \"%s\": defaults must be an object",
                           m->name);
    }
    const cq_value *w = opts->where;
    for (size_t i = 0; i < cq_value_size(w); i++) {
        const char *key = cq_value_object_key(w, i);
        const cq_value *val = cq_value_object_value(w, i);
        cq_value_type t = cq_value_type_of(val);
        if (key[0] == '$' || t == CQ_VALUE_OBJECT || t == CQ_VALUE_ARRAY ||
            cq_value_object_get(v, key))
            continue;
        if (cq_value_object_set(v, key, cq_value_copy(val)) != CQ_OK) {
            cq_value_free(v);
            return cq__db_oom(m->db);
        }
    }
    *out = v;
    return CQ_OK;
}

/* Creates the row in `t` (a transaction begun for it, and ended here; NULL: the caller's); a
 * unique violation (another writer created the row first) finds that row instead, in the
 * caller's transaction (a fresh snapshot when there is none). */
static int create_or_find(cq_instance **out, bool *created_out, cq_model *m,
                          const cq_find_or_create_opts *opts, cq_txn *t)
{
    cq_value *values = NULL;
    int rc = create_values(&values, m, opts);
    if (rc == CQ_OK)
        rc = cq_model_create(out, m, values,
                             &(cq_write_opts){ .transaction = t ? t : opts->transaction });
    if (t)
        rc = cq__txn_finish(t, rc);
    cq_value_free(values);
    if (rc == CQ_OK) {
        *created_out = true;
        return CQ_OK;
    }
    cq_instance_free(*out);
    *out = NULL;
    if (rc != CQ_EUNIQUE)
        return rc;
    cq_error keep = cq__err_save();
    int frc = cq_model_find_one(out, m,
                                &(cq_find_opts){ .where = opts->where,
                                                 .transaction = opts->transaction,
                                                 .use_master = true }); /* the row just met */
    if (frc != CQ_OK)
        return frc;
    if (!*out) {
        cq__err_restore(&keep);
        return rc;
    }
    cq__db_clear(m->db);
    return CQ_OK;
}

static int find_or_create(cq_instance **out, bool *created_out, cq_model *m,
                          const cq_find_or_create_opts *opts, bool wrap)
{
    bool created = false;
    if (out)
        *out = NULL;
    if (created_out)
        *created_out = false;
    if (!out || !m)
        return CQ_EINVALID;
    int trc = cq__db_enter(m->db, opts ? opts->transaction : NULL);
    if (trc != CQ_OK)
        return trc;
    if (!opts || cq_value_type_of(opts->where) != CQ_VALUE_OBJECT)
        return cq__db_fail(m->db, CQ_EINVALID, "%s on \"%s\" needs a where object",
                           wrap ? "findOrCreate" : "findCreateFind", m->name);
    /* findOrCreate: the find and the create in one transaction (a savepoint in the
     * caller's); findCreateFind: the create alone in a savepoint of the caller's */
    cq_txn *t = NULL;
    int rc = CQ_OK;
    if (wrap)
        rc = cq__txn_begin(&t, m->db, opts->transaction ? cq__txn_current(m->db) : NULL);
    if (rc == CQ_OK)
        rc = cq_model_find_one(out, m,
                               &(cq_find_opts){ .where = opts->where,
                                                .transaction = t ? t : opts->transaction,
                                                .use_master = true });
    if (rc == CQ_OK && !*out) {
        if (!t && opts->transaction)
            rc = cq__txn_begin(&t, m->db, cq__txn_current(m->db));
        if (rc == CQ_OK)
            rc = create_or_find(out, &created, m, opts, t);
        t = NULL; /* ended by create_or_find */
    }
    if (t)
        rc = cq__txn_finish(t, rc);
    if (rc != CQ_OK) {
        cq_instance_free(*out);
        *out = NULL;
        return rc;
    }
    if (created_out)
        *created_out = created;
    return CQ_OK;
}

int cq_model_find_or_create(cq_instance **out, bool *created_out, cq_model *model,
                            const cq_find_or_create_opts *opts)
{
    return find_or_create(out, created_out, model, opts, true);
}

int cq_model_find_create_find(cq_instance **out, bool *created_out, cq_model *model,
                              const cq_find_or_create_opts *opts)
{
    return find_or_create(out, created_out, model, opts, false);
}

/* An aggregate's value as Sequelize hands it back: counts as integers, max/min in the
 * attribute's own type, sums and averages as numbers (PostgreSQL's and MySQL's NUMERIC text
 * parsed). Takes `raw`. */
static cq_value *aggregate_value(const cq__attr *a, const char *fn, cq_value *raw, cq_dialect d)
{
    if (!raw || cq_value_is_null(raw))
        return raw;
    if (a && a->type != CQ_DECIMAL && (strcasecmp(fn, "max") == 0 || strcasecmp(fn, "min") == 0))
        return cq__attr_from_db(a, raw, d);
    if (a && a->type == CQ_DECIMAL && cq_value_type_of(raw) == CQ_VALUE_TEXT) {
        /* v6's rawSelect parses a DECIMAL aggregate with parseFloat */
        cq_value *nv = cq_value_double(strtod(cq_value_as_text(raw), NULL));
        cq_value_free(raw);
        return nv;
    }
    if (cq_value_type_of(raw) != CQ_VALUE_TEXT ||
        (strcasecmp(fn, "sum") != 0 && strcasecmp(fn, "avg") != 0 && strcasecmp(fn, "count") != 0))
        return raw;
    const char *s = cq_value_as_text(raw);
    char *end = NULL;
    cq_value *nv = NULL;
    if (!strpbrk(s, ".eE")) {
        long long i = strtoll(s, &end, 10);
        if (end && !*end && end != s)
            nv = cq_value_int(i);
    }
    if (!nv) {
        double x = strtod(s, &end);
        if (end && !*end && end != s)
            nv = cq_value_double(x);
    }
    if (!nv)
        return raw;
    cq_value_free(raw);
    return nv;
}

/* An aggregate's select list: the group columns (also grouped by; *ngroup of them), then
 * fn(attribute) (or fn(*) without one). `alias` qualifies the columns when the statement has
 * includes (NULL: bare, as v6 names the columns of a lone table); `key` stands for "*" when
 * the joins may repeat a parent: count(DISTINCT(key)) counts each one once. */
static int aggregate_columns(cq__stmt *st, size_t *ngroup, cq_model *m, const cq__attr *a,
                             const char *fn, const cq_aggregate_opts *o, const char *alias,
                             const cq__attr *key)
{
    cq_db *db = m->db;
    for (const char *const *g = o->group; g && *g; g++, (*ngroup)++) {
        long gi = cq__model_attr_index(m, *g);
        if (gi < 0)
            return cq__db_fail(db, CQ_EUNKNOWN_ATTR,
                               "aggregate: model \"%s\" has no attribute \"%s\" (group)", m->name,
                               *g);
        /* grouped by the bare column, as v6 (`GROUP BY country`) */
        if (cq__stmt_add_col(st, alias, m->attrs[gi].field, NULL) != 0 ||
            cq__stmt_add_group(st, m->attrs[gi].field) != 0)
            return cq__db_oom(db);
    }
    if (!a && key)
        a = key;
    st->count = cq__expr_new(CQ__EX_AGG);
    if (!st->count ||
        cq__expr_add(st->count, cq__expr_col(a ? alias : NULL, a ? a->field : "*")) != 0)
        return cq__db_oom(db);
    st->count->op = fn;
    st->count->distinct = o->distinct || key;
    return CQ_OK;
}

/* The includes of an aggregate (v6's Model.aggregate, and so count with distinct, col or
 * group, takes `include`): they filter the rows as in cq__count, required ones as EXISTS,
 * and the ones a `$path.attr$` key of the where names joined. With a to-many include joined,
 * *key is the primary key to count parents once by (count of "*"); a function a repeated row
 * changes (sum, avg, count of an attribute without distinct) is CQ_ENOTSUPPORTED there. */
static int aggregate_includes(cq__stmt *st, cq__inc_plan *plan, bool *joined, const cq__attr **key,
                              cq_model *m, const cq__attr *a, const char *fn,
                              const cq_aggregate_opts *o, const cq_value *where)
{
    *joined = false;
    *key = NULL;
    int rc = cq__inc_plan_make(plan, m, o->include);
    if (rc != CQ_OK || cq__inc_plan_empty(plan))
        return rc;
    cq__inc_plan_mark_where(plan, where);
    cq__inc_plan_join(plan, CQ__INC_JOIN_COUNT);
    *joined = cq__inc_plan_any_joined(plan);
    if (!*joined)
        return cq__inc_add_to_select(st, plan, m, m->name, true);
    bool repeats = cq__inc_plan_joins_many(plan);
    bool same = o->distinct || strcasecmp(fn, "max") == 0 || strcasecmp(fn, "min") == 0;
    if (repeats && !same && (a || strcasecmp(fn, "count") != 0))
        return cq__db_fail(m->db, CQ_ENOTSUPPORTED,
                           "aggregate %s on \"%s\": the where names a to-many include, which is "
                           "joined, and the joined rows would count a parent once per child; "
                           "use distinct, or filter with the include's own where",
                           fn, m->name);
    if (repeats && !a) {
        if (m->npk != 1)
            return cq__db_fail(m->db, CQ_ENOTSUPPORTED,
                               "count: the where names a to-many include, which is joined; "
                               "counting the parents once needs a primary key of one "
                               "attribute, and model \"%s\" has %zu",
                               m->name, m->npk);
        *key = &m->attrs[m->pk[0]];
    }
    /* the joins without their columns: only the group columns and the aggregate are read */
    rc = cq__inc_sj_add(st, plan, m, m->name);
    cq__stmt_drop_cols(st, 0);
    return rc;
}

/* A grouped aggregate's rows (cells taken from res) as one {group attributes..., fn: value}
 * per group; NULL on OOM. */
static cq_value *aggregate_groups(cq__result *res, cq_model *m, const char *const *group,
                                  size_t ngroup, const cq__attr *a, const char *fn, cq_dialect d)
{
    cq_value *list = cq_value_array();
    for (size_t r = 0; list && r < res->nrows; r++) {
        cq_value *row = cq_value_object();
        for (size_t g = 0; row && g < ngroup; g++) {
            const cq__attr *ga = &m->attrs[cq__model_attr_index(m, group[g])];
            cq_value *cell = res->cells[r * res->ncols + g];
            res->cells[r * res->ncols + g] = NULL;
            if (cq_value_object_set(row, ga->name, cq__attr_from_db(ga, cell, d)) != CQ_OK)
                row = (cq_value_free(row), NULL);
        }
        cq_value *cell = res->cells[r * res->ncols + ngroup];
        res->cells[r * res->ncols + ngroup] = NULL;
        if (!row || cq_value_object_set(row, fn, aggregate_value(a, fn, cell, d)) != CQ_OK ||
            cq_value_array_append(list, row) != CQ_OK) {
            cq_value_free(list);
            list = NULL;
        }
    }
    return list;
}

int cq_model_aggregate(cq_value **out, cq_model *m, const char *attr, const char *fn,
                       const cq_aggregate_opts *opts)
{
    if (out)
        *out = NULL;
    if (!out || !m)
        return CQ_EINVALID;
    cq_db *db = m->db;
    int trc = cq__db_enter(db, opts ? opts->transaction : NULL);
    if (trc != CQ_OK)
        return trc;
    cq_aggregate_opts o = opts ? *opts : (cq_aggregate_opts){ 0 };
    if (!cq__is_plain_name(fn))
        return cq__db_fail(db, CQ_EINVALID, "aggregate on \"%s\": \"%s\" is not a function name",
                           m->name, fn ? fn : "(null)");
    long ai = attr && strcmp(attr, "*") == 0 ? -1 : attr ? cq__model_attr_index(m, attr) : -2;
    if (ai < -1 || (ai == -1 && strcasecmp(fn, "count") != 0))
        return cq__db_fail(db, CQ_EUNKNOWN_ATTR, "aggregate: model \"%s\" has no attribute \"%s\"",
                           m->name, attr ? attr : "(null)");
    const cq__attr *a = ai >= 0 ? &m->attrs[ai] : NULL;
    cq__stmt *st = cq__stmt_new(CQ__ST_SELECT, m->table);
    int rc = st && (st->alias = cq__strdup(m->name)) && (st->count_alias = cq__strdup(fn))
                 ? CQ_OK
                 : cq__db_oom(db);
    cq_value *sw = NULL; /* the scope's where with the call's keys over it */
    if (rc == CQ_OK)
        rc = cq__scope_where(&sw, m, o.scope, o.where);
    cq__inc_plan plan = { 0 };
    bool joined = false;
    const cq__attr *key = NULL;
    if (rc == CQ_OK && o.include)
        rc = aggregate_includes(st, &plan, &joined, &key, m, a, fn, &o, sw);
    bool inc = !cq__inc_plan_empty(&plan);
    size_t ngroup = 0;
    if (rc == CQ_OK)
        rc = aggregate_columns(st, &ngroup, m, a, fn, &o, inc ? m->name : NULL, key);
    if (rc == CQ_OK && o.paranoid != CQ_OFF) {
        cq__expr *pe = NULL;
        rc = cq__where_paranoid(&pe, m, inc ? m->name : NULL, false);
        if (rc == CQ_OK && pe && cq__stmt_and_where(st, pe) != 0)
            rc = cq__db_oom(db);
    }
    cq__inc_where_ctx ictx = {
        .plan = &plan, .m = m, .all_joined = joined, .none_joined = !joined
    };
    if (rc == CQ_OK)
        rc = apply_where(st, m, m->name, sw, o.where_sql, o.where_params, inc ? &ictx : NULL);
    cq_value_free(sw);
    cq__inc_plan_free(&plan);
    cq__result res = { 0 };
    if (rc == CQ_OK) {
        cq__read_scope rs;
        rc = cq__db_read_begin(&rs, db, o.use_master, o.transaction);
        if (rc == CQ_OK)
            rc = cq__db_exec_stmt(db, st, &res);
        cq__db_read_end(&rs);
    }
    cq_dialect d = cq_db_dialect(db);
    if (rc == CQ_OK && !ngroup) {
        cq_value *v = res.nrows ? res.cells[res.ncols - 1] : cq_value_null();
        if (res.nrows)
            res.cells[res.ncols - 1] = NULL;
        *out = aggregate_value(a, fn, v, d);
        if (!*out)
            rc = cq__db_oom(db);
    } else if (rc == CQ_OK) {
        *out = aggregate_groups(&res, m, o.group, ngroup, a, fn, d);
        if (!*out)
            rc = cq__db_oom(db);
    }
    cq__result_free(&res);
    cq__stmt_free(st);
    return rc;
}

int cq_model_max(cq_value **out, cq_model *model, const char *attr, const cq_aggregate_opts *opts)
{
    return cq_model_aggregate(out, model, attr, "max", opts);
}

int cq_model_min(cq_value **out, cq_model *model, const char *attr, const cq_aggregate_opts *opts)
{
    return cq_model_aggregate(out, model, attr, "min", opts);
}

int cq_model_sum(cq_value **out, cq_model *model, const char *attr, const cq_aggregate_opts *opts)
{
    return cq_model_aggregate(out, model, attr, "sum", opts);
}

/* {pk: value} for a single-key model. */
static int pk_where(cq_value **out, cq_model *m, const cq_value *pk)
{
    *out = NULL;
    if (m->npk != 1)
        return cq__db_fail(m->db, CQ_EINVALID,
                           "findByPk: model \"%s\" needs exactly one primary key (has %zu)",
                           m->name, m->npk);
    cq_value *w = cq_value_object();
    if (!w || cq_value_object_set(w, m->attrs[m->pk[0]].name, cq_value_copy(pk)) != CQ_OK) {
        cq_value_free(w);
        return cq__db_oom(m->db);
    }
    *out = w;
    return CQ_OK;
}

/* The text of `st` (freed here) when rc is CQ_OK: *text is the caller's (cq__free). */
static int stmt_text(char **text, size_t *nparams, cq_model *m, cq__stmt *st, int rc)
{
    cq__sql sql = { 0 };
    if (rc == CQ_OK)
        rc = cq__sql_render(&sql, st, cq_db_dialect(m->db), cq__last_error());
    cq__stmt_free(st);
    if (rc == CQ_OK) {
        *text = sql.text;
        *nparams = sql.n;
        sql.text = NULL;
    }
    cq__sql_free(&sql);
    return rc;
}

bool cq__find_plain_ok(cq_model *m, bool find_hooks)
{
    if (!cq_db_is_frozen(m->db))
        return false;
    /* no hook at all (the common case) is seen without a look at each find event */
    if (find_hooks && (m->hooks || m->db->hooks) &&
        (cq__hooks_any(m, CQ__H_BEFORE_FIND) || cq__hooks_any(m, CQ__H_BEFORE_FIND_AFTER_EXPAND) ||
         cq__hooks_any(m, CQ__H_BEFORE_FIND_AFTER_OPTIONS) || cq__hooks_any(m, CQ__H_AFTER_FIND)))
        return false;
    cq_value *scope = NULL;
    int rc = cq__scope_resolve(&scope, m, NULL);
    bool ok = rc == CQ_OK && !scope;
    cq_value_free(scope);
    if (rc != CQ_OK)
        cq__db_clear(m->db);
    return ok;
}

/* Whether cq__key_param would give back a value equal to `key`: an integer for an integer
 * attribute, or text without a NUL byte for a string attribute (coercion keeps them as they
 * are and their stored form is the value itself). */
static bool key_as_is(const cq__attr *a, const cq_value *key)
{
    switch (cq_value_type_of(key)) {
    case CQ_VALUE_INT:
        return a->type == CQ_INTEGER || a->type == CQ_BIGINT || a->type == CQ_SMALLINT;
    case CQ_VALUE_TEXT:
        return (a->type == CQ_STRING || a->type == CQ_CHAR || a->type == CQ_TEXT) &&
               !cq__value_text_has_nul(key);
    default:
        return false;
    }
}

int cq__key_bind(const cq_value **bind, cq_value **own, cq_model *m, const cq__attr *a,
                 const cq_value *key)
{
    *own = NULL;
    if (key_as_is(a, key)) {
        *bind = key;
        return CQ_OK;
    }
    int rc = cq__key_param(own, m, a, key);
    *bind = *own;
    return rc;
}

int cq__key_param(cq_value **out, cq_model *m, const cq__attr *a, const cq_value *key)
{
    cq_value *checked = NULL;
    int rc = cq__attr_coerce(&checked, m, a, cq_value_copy(key));
    *out = rc == CQ_OK ? cq__attr_to_db(a, checked, cq_db_dialect(m->db)) : NULL;
    cq_value_free(checked);
    return rc == CQ_OK && !*out ? cq__db_oom(m->db) : rc;
}

int cq__find_render(char **text, size_t *nparams, cq_model *m, const cq_value *where,
                    cq__find_ext *ext)
{
    return cq__find_render_attrs(text, nparams, m, where, NULL, ext);
}

int cq__find_render_attrs(char **text, size_t *nparams, cq_model *m, const cq_value *where,
                          const char *const *attributes, cq__find_ext *ext)
{
    *text = NULL;
    *nparams = 0;
    cq_find_opts o = { .where = where, .attributes = attributes };
    bool *sel = cq__calloc(m->nattrs ? m->nattrs : 1, sizeof *sel);
    cq__stmt *st = NULL;
    int rc = sel ? select_attrs(sel, m, &o) : cq__db_oom(m->db);
    if (rc == CQ_OK)
        rc = build_select(&st, m, &o, sel, false, ext, NULL, SEL_DEFAULT, NULL);
    cq__find_ext_release(ext);
    cq__free(sel);
    return stmt_text(text, nparams, m, st, rc);
}

int cq__find_rendered(cq_rows **out, cq_model *m, const char *text, const cq_value *const *params,
                      size_t n, bool use_master)
{
    *out = NULL;
    cq_rows *rows = cq__calloc(1, sizeof *rows);
    int rc = rows ? CQ_OK : cq__db_oom(m->db);
    cq__read_scope rs; /* a read: on a read server when the db has some */
    if (rc == CQ_OK && (rc = cq__db_read_begin(&rs, m->db, use_master, NULL)) == CQ_OK) {
        /* no selection (NULL): such a text reads every attribute, as a find without options */
        materializer mz = { rows, m, NULL, NULL, NULL, NULL, NULL, false };
        rc = cq__db_exec_select(m->db, text, params, n, NULL, materialize_row, &mz);
        cq__db_read_end(&rs);
    }
    if (rc != CQ_OK) {
        cq_rows_free(rows);
        return rc;
    }
    *out = rows;
    return CQ_OK;
}

/* The instance of the first row of a rendered find (a cq__row_fn): what materialize_row makes
 * of a row read with every attribute, kept without a rows array; later rows are dropped. */
typedef struct first_row {
    cq_instance **out;
    cq_model *m;
} first_row;

static int read_first_row(void *ctx, cq__result *res)
{
    first_row *f = ctx;
    size_t c = 0;
    cq_instance *inst = cq__instance_read(f->m, NULL, res, &c);
    if (!inst)
        return cq__db_oom(f->m->db);
    if (*f->out)
        cq_instance_free(inst);
    else
        *f->out = inst;
    return CQ_OK;
}

/* cq__find_rendered's first instance, or NULL when no row came back. */
static int find_rendered_first(cq_instance **out, cq_model *m, const char *text,
                               const cq_value *const *params, size_t n)
{
    *out = NULL;
    cq__read_scope rs;
    int rc = cq__db_read_begin(&rs, m->db, false, NULL);
    if (rc == CQ_OK) {
        first_row f = { out, m };
        rc = cq__db_exec_select(m->db, text, params, n, NULL, read_first_row, &f);
        cq__db_read_end(&rs);
    }
    if (rc != CQ_OK) {
        cq_instance_free(*out);
        *out = NULL;
    }
    return rc;
}

const char *cq__find_keep(char *_Atomic *slot, cq_db *db, int rc, char *made, size_t n, size_t want)
{
    if (rc == CQ_OK && n == want)
        return cq__text_keep(slot, made);
    cq__free(made);
    cq__db_clear(db);
    return NULL;
}

/* findByPk without options on a model that has no default scope and no find hooks, with a
 * plain key: the statement's text is rendered once per model (the frozen model cannot change
 * it), so each call only binds the key and reads the row. *done = false leaves the call to
 * the general path. */
static int find_by_pk_plain(cq_instance **out, cq_model *m, const cq_value *pk, bool *done)
{
    *done = false;
    cq_value_type pt = cq_value_type_of(pk);
    if (m->npk != 1 || (pt != CQ_VALUE_INT && pt != CQ_VALUE_TEXT) || !cq__find_plain_ok(m, true))
        return CQ_OK;
    /* `SELECT <every column> FROM <table> WHERE <pk> = ?` and the model's paranoid condition,
     * as the general path writes it; the first call renders it */
    const char *text = atomic_load(&m->pk_sql);
    if (!text) {
        cq_value *w = NULL;
        char *made = NULL;
        size_t n = 0;
        int rc = pk_where(&w, m, pk);
        if (rc == CQ_OK)
            rc = cq__find_render(&made, &n, m, w, NULL);
        text = cq__find_keep(&m->pk_sql, m->db, rc, made, n, 1);
        cq_value_free(w);
        if (!text)
            return CQ_OK;
    }
    *done = true;
    /* the key as the where builder binds it: coerced to the attribute's type, stored form */
    const cq_value *bind = NULL;
    cq_value *own = NULL;
    int rc = cq__key_bind(&bind, &own, m, &m->attrs[m->pk[0]], pk);
    if (rc == CQ_OK)
        rc = find_rendered_first(out, m, text, (const cq_value *const[]){ bind }, 1);
    cq_value_free(own);
    return rc;
}

int cq_model_find_by_pk(cq_instance **out, cq_model *m, const cq_value *pk,
                        const cq_find_opts *opts)
{
    if (out)
        *out = NULL;
    if (!out || !m)
        return CQ_EINVALID;
    *out = NULL;
    int trc = cq__db_enter(m->db, opts ? opts->transaction : NULL);
    if (trc != CQ_OK)
        return trc;
    if (cq_value_is_null(pk))
        return CQ_OK; /* Sequelize resolves null for a null key without a query */
    if (!opts) {
        bool done = false;
        int prc = find_by_pk_plain(out, m, pk, &done);
        if (done)
            return prc;
    }
    cq_value *w = NULL;
    int rc = pk_where(&w, m, pk);
    if (rc != CQ_OK)
        return rc;
    cq_find_opts o = opts ? *opts : (cq_find_opts){ 0 };
    o.where = w;
    o.where_sql = NULL;
    rc = cq_model_find_one(out, m, &o);
    cq_value_free(w);
    return rc;
}

int cq_model_count(int64_t *out, cq_model *m, const cq_find_opts *opts)
{
    if (out)
        *out = 0;
    if (!out || !m)
        return CQ_EINVALID;
    return scoped_read(m, opts, run_count, out);
}

int cq_model_find_and_count_all(cq_rows **rows_out, int64_t *count_out, cq_model *m,
                                const cq_find_opts *opts)
{
    if (rows_out)
        *rows_out = NULL;
    if (count_out)
        *count_out = 0;
    if (!rows_out || !count_out || !m)
        return CQ_EINVALID;
    *rows_out = NULL;
    *count_out = 0;
    int trc = cq__db_enter(m->db, opts ? opts->transaction : NULL);
    if (trc != CQ_OK)
        return trc;
    cq_find_opts co = opts ? *opts : (cq_find_opts){ 0 };
    co.limit = co.offset = 0;
    co.order = NULL;
    co.attributes = NULL;
    co.exclude = NULL;
    int64_t n = 0;
    cq__read_scope rs; /* the count and the rows read on one server, */
    int rc = cq__db_read_begin(&rs, m->db, co.use_master, co.transaction);
    cq__pconn *held = NULL; /* and on one connection */
    if (rc == CQ_OK && !cq__db_reading_elsewhere(m->db))
        rc = cq__pool_acquire(&m->db->s, &held);
    cq__scoped sc;
    bool scoped = false;
    if (rc == CQ_OK) {
        rc = cq__scope_find_opts(&sc, m, &co);
        scoped = true;
    }
    if (rc == CQ_OK) {
        /* a scope's attributes, order and limit do not bear on the count either */
        sc.o.limit = sc.o.offset = 0;
        sc.o.order = NULL;
        sc.o.select = NULL;
        rc = cq__count(&n, m, &sc.o, NULL);
    }
    if (scoped)
        cq__scoped_free(&sc);
    if (rc == CQ_OK)
        rc = cq_model_find_all(rows_out, m, opts);
    if (rc == CQ_OK)
        *count_out = n;
    cq__pool_release(&m->db->s, held);
    cq__db_read_end(&rs);
    return rc;
}

int cq__count(int64_t *out, cq_model *m, const cq_find_opts *opts, cq__find_ext *ext)
{
    *out = 0;
    cq_find_opts o = opts ? *opts : (cq_find_opts){ 0 };
    cq__stmt *st = NULL;
    cq__result res = { 0 };
    cq__inc_plan plan = { 0 };
    /* v6 Model.count: beforeCount may change the options (an association's count is a find
     * in v6 and runs no count hook) */
    cq__hook_scope scope = { 0 };
    cq_hook_ctx ctx = { .find = &o };
    int rc = ext ? CQ_OK : cq__hooks_run(m, CQ__H_BEFORE_COUNT, &ctx, &scope);
    if (rc == CQ_OK && o.include)
        rc = cq__inc_plan_make(&plan, m, o.include);
    /* the includes a `$path.attr$` key of the where names are joined (as in findAll); the
     * others only filter, as EXISTS when required */
    bool joined = false;
    if (rc == CQ_OK && !ext && !cq__inc_plan_empty(&plan)) {
        cq__inc_plan_mark_where(&plan, o.where);
        cq__inc_plan_join(&plan, CQ__INC_JOIN_COUNT);
        joined = cq__inc_plan_any_joined(&plan);
    }
    if (rc == CQ_OK)
        rc = build_select(&st, m, &o, NULL, true, ext, &plan, joined ? SEL_JOIN_ALL : SEL_DEFAULT,
                          NULL);
    cq__inc_plan_free(&plan);
    cq__find_ext_release(ext);
    if (rc == CQ_OK)
        rc = cq__db_exec_stmt(m->db, st, &res);
    if (rc == CQ_OK && res.nrows == 1)
        *out = cq_value_as_int(res.cells[0]);
    cq__result_free(&res);
    cq__stmt_free(st);
    cq__hook_scope_end(&scope);
    return rc;
}

int cq__count_render(char **text, size_t *nparams, cq_model *m, cq__find_ext *ext)
{
    *text = NULL;
    *nparams = 0;
    cq_find_opts o = { 0 };
    cq__stmt *st = NULL;
    cq__inc_plan plan = { 0 };
    int rc = build_select(&st, m, &o, NULL, true, ext, &plan, SEL_DEFAULT, NULL);
    cq__find_ext_release(ext);
    return stmt_text(text, nparams, m, st, rc);
}

int cq_instance_reload(cq_instance *inst, const cq_find_opts *opts)
{
    int trc = cq__instance_enter(inst, opts ? opts->transaction : NULL, "reload");
    if (trc != CQ_OK)
        return trc;
    cq_model *m = inst->model;
    cq_find_opts o = opts ? *opts : (cq_find_opts){ 0 };
    bool *sel = cq__calloc(m->nattrs ? m->nattrs : 1, sizeof *sel);
    cq__stmt *st = NULL;
    cq__result res = { 0 };
    o.where = NULL;
    o.where_sql = NULL;
    o.limit = 1;
    o.offset = 0;
    o.order = NULL;
    o.select = o.group = o.having = NULL; /* a reload reads the attributes */
    int rc = sel ? select_attrs(sel, m, &o) : cq__db_oom(m->db);
    if (rc == CQ_OK)
        rc = build_select(&st, m, &o, sel, false, NULL, NULL, SEL_DEFAULT, NULL);
    cq__expr *w = NULL;
    if (rc == CQ_OK)
        rc = cq__where_pk(&w, inst, m->name);
    if (rc == CQ_OK && cq__stmt_and_where(st, w) != 0)
        rc = cq__db_oom(m->db);
    if (rc == CQ_OK)
        rc = cq__db_exec_stmt(m->db, st, &res);
    if (rc == CQ_OK && res.nrows == 0)
        rc = cq__db_fail(m->db, CQ_ENOTFOUND, "reload: the %s row no longer exists", m->name);
    if (rc == CQ_OK) {
        size_t c = 0;
        for (size_t i = 0; i < m->nattrs; i++) {
            if (!sel[i])
                continue;
            cq_value *raw = res.cells[c];
            res.cells[c++] = NULL;
            cq__instance_put(inst, i, cq__attr_from_db(&m->attrs[i], raw, cq_db_dialect(m->db)));
            cq__changed(inst)[i] = false;
        }
    }
    cq__result_free(&res);
    cq__stmt_free(st);
    cq__free(sel);
    return rc;
}

int cq__model_bulk_create_plain(cq_rows **out, cq_model *m, const cq_value *values,
                                const cq_write_opts *opts)
{
    if (out)
        *out = NULL;
    cq__db_clear(m->db);
    if (cq_value_type_of(values) != CQ_VALUE_ARRAY)
        return cq__db_fail(m->db, CQ_EINVALID, "bulkCreate on \"%s\" needs an array of objects",
                           m->name);
    /* one multi-row INSERT, as Sequelize (a single statement needs no transaction) */
    size_t n = cq_value_size(values);
    cq_rows *rows = cq__calloc(1, sizeof *rows);
    int rc = rows ? CQ_OK : cq__db_oom(m->db);
    for (size_t i = 0; rc == CQ_OK && i < n; i++) {
        cq_instance *inst = NULL;
        rc = cq_model_build(&inst, m, cq_value_array_get(values, i));
        if (rc == CQ_OK && cq__rows_push(rows, inst) != 0)
            rc = cq__db_oom(m->db);
    }
    bool hooks = !opts || opts->hooks != CQ_OFF;
    if (rc == CQ_OK && hooks) {
        cq_hook_ctx ctx = { .rows = rows };
        rc = cq__hooks_run(m, CQ__H_BEFORE_BULK_CREATE, &ctx, NULL);
    }
    /* `validate: true` (v6 bulkCreate): every row is validated before the INSERT (with the
     * validation hooks when individualHooks) */
    if (rc == CQ_OK && opts && opts->validate == CQ_ON && !(hooks && opts->individual_hooks))
        rc = cq__validate_rows(rows->items, rows->n, opts);
    if (rc == CQ_OK && hooks && opts && opts->individual_hooks) {
        /* v6 saves each row then (its create hooks, one INSERT each); cequel makes them one
         * transaction, so that a failing hook leaves no row behind */
        cq_write_opts each = *opts;
        cq_write_opts nov = *opts;
        nov.validate = CQ_OFF;
        cq_txn *t = NULL;
        if (opts->validate == CQ_ON) {
            rc = cq__hooks_run_many(m, CQ__H_BEFORE_VALIDATE, rows->items, rows->n, NULL);
            if (rc == CQ_OK)
                rc = cq__validate_rows(rows->items, rows->n, &each);
            if (rc == CQ_OK)
                rc = cq__hooks_run_many(m, CQ__H_AFTER_VALIDATE, rows->items, rows->n, NULL);
        }
        if (rc == CQ_OK)
            rc = cq__txn_begin(&t, m->db, cq__txn_current(m->db));
        if (rc == CQ_OK) {
            int wrc = cq__save_before(rows->items, rows->n, &nov, NULL);
            for (size_t i = 0; wrc == CQ_OK && i < rows->n; i++) {
                wrc = cq__instance_insert_row(rows->items[i], &nov);
                if (wrc == CQ_OK)
                    wrc = cq__save_after(rows->items[i], &nov);
            }
            rc = cq__txn_finish(t, wrc);
        }
    } else if (rc == CQ_OK) {
        rc = cq__model_insert_rows(rows->items, rows->n, opts);
    }
    if (rc == CQ_OK && hooks) {
        cq_hook_ctx ctx = { .rows = rows };
        rc = cq__hooks_run(m, CQ__H_AFTER_BULK_CREATE, &ctx, NULL);
    }
    if (rc != CQ_OK || !out)
        cq_rows_free(rows);
    else
        *out = rows;
    return rc;
}

/* The end of a model-level UPDATE/DELETE: the caller's where ANDed on, the statement run,
 * the rows it changed counted; frees `st`. `rc` is how building it went so far. */
static int run_bulk(cq__stmt *st, cq_model *m, const cq_bulk_opts *opts, int64_t *count_out, int rc)
{
    cq_value *w = NULL; /* the scope's where with the call's keys over it (v6's _injectScope) */
    if (rc == CQ_OK && opts)
        rc = cq__scope_where(&w, m, opts->scope, opts->where);
    if (rc == CQ_OK && opts)
        rc = apply_where(st, m, NULL, w, opts->where_sql, opts->where_params, NULL);
    cq_value_free(w);
    cq__result res = { 0 };
    if (rc == CQ_OK)
        rc = cq__db_exec_stmt(m->db, st, &res);
    if (rc == CQ_OK && count_out)
        *count_out = res.changes;
    cq__result_free(&res);
    cq__stmt_free(st);
    return rc;
}

/* v6 Model.update validates the values first: an instance built from them through the
 * setters (`sideEffects`: what a setter stored, on any attribute, joins the values, and every
 * value is taken as stored), every attribute not among them skipped (model validators run
 * too). `*vals` is replaced by the merged values. */
static int validate_values(cq_model *m, cq_value **vals, bool hooks)
{
    cq_db *db = m->db;
    cq_instance *inst = NULL;
    int rc = cq_model_build(&inst, m, NULL);
    if (rc != CQ_OK)
        return rc;
    /* the defaults are no side effect: only what the values (and their setters) change */
    memset(cq__changed(inst), 0, m->nattrs * sizeof *cq__changed(inst));
    for (size_t k = 0; rc == CQ_OK && k < cq_value_size(*vals); k++) {
        cq_value *v = cq_value_copy(cq_value_object_value(*vals, k));
        rc = v ? cq_instance_set(inst, cq_value_object_key(*vals, k), v) : cq__db_oom(db);
    }
    for (size_t i = 0; rc == CQ_OK && i < m->nattrs; i++) {
        const char *name = m->attrs[i].name;
        if (!cq__changed(inst)[i] && !cq_value_object_get(*vals, name))
            continue;
        if (!cq__iv(inst, i)) { /* a setter that stored nothing there: not written (v6) */
            cq_value_object_remove(*vals, name);
            continue;
        }
        cq_value *v = cq_value_copy(cq__iv(inst, i));
        if (!v || cq_value_object_set(*vals, name, v) != CQ_OK)
            rc = cq__db_oom(db);
    }
    size_t n = cq_value_size(*vals);
    const char **fields = rc == CQ_OK ? cq__calloc(n + 1, sizeof *fields) : NULL;
    if (rc == CQ_OK && !fields)
        rc = cq__db_oom(db);
    for (size_t k = 0; fields && k < n; k++)
        fields[k] = cq_value_object_key(*vals, k);
    if (rc == CQ_OK)
        rc = cq__validate_hooked(inst, hooks, true, fields, NULL);
    /* what the validation hooks changed on the instance is written too (v6 picks the
     * values back from the validated instance) */
    for (size_t i = 0; rc == CQ_OK && hooks && i < m->nattrs; i++) {
        if (!cq_value_object_get(*vals, m->attrs[i].name) || !cq__iv(inst, i))
            continue;
        cq_value *v = cq_value_copy(cq__iv(inst, i));
        if (!v || cq_value_object_set(*vals, m->attrs[i].name, v) != CQ_OK)
            rc = cq__db_oom(db);
    }
    cq_instance_free(inst);
    cq__free(fields);
    return rc;
}

/* individualHooks: the rows the bulk call touches, found first (v6 findAll with the where,
 * the find hooks running). */
static int individual_rows(cq_rows **out, cq_model *m, const cq_bulk_opts *o, bool with_deleted)
{
    cq_find_opts fo = { .where = o->where,
                        .where_sql = o->where_sql,
                        .where_params = o->where_params,
                        .transaction = o->transaction,
                        .paranoid = with_deleted ? CQ_OFF : CQ_DEFAULT };
    return cq__find(out, m, &fo, NULL);
}

static int update_run(int64_t *count_out, cq_model *m, const cq_value *values,
                      const cq_bulk_opts *opts);

/* Every key of an update's values names an attribute (a VIRTUAL one too). */
static int check_keys(cq_model *m, const cq_value *values)
{
    for (size_t k = 0; k < cq_value_size(values); k++) {
        const char *key = cq_value_object_key(values, k);
        if (cq__model_attr_index(m, key) < 0 && !cq__accessor_find(m, key))
            return cq__db_fail(m->db, CQ_EUNKNOWN_ATTR,
                               "update: model \"%s\" has no attribute \"%s\"", m->name, key);
    }
    return CQ_OK;
}

/* The start of a bulk write on `m`: *count_out zeroed, the call entered, and a where required
 * (v6 refuses a bulk write without one; an empty object names every row). */
static int bulk_enter(int64_t *count_out, cq_model *m, const cq_txn *txn, bool has_where,
                      const char *verb, const char *effect)
{
    if (count_out)
        *count_out = 0;
    int rc = cq__model_enter(m, txn);
    if (rc == CQ_OK && !has_where)
        rc = cq__db_fail(m->db, CQ_EINVALID,
                         "%s on \"%s\" needs a where (an empty object %s every row)", verb, m->name,
                         effect);
    return rc;
}

/* Whether an update runs hooks beyond the per-row ones: individualHooks, a validation hook or
 * a bulk update hook. */
static bool update_has_hooks(cq_model *m, const cq_bulk_opts *opts)
{
    return opts->individual_hooks || cq__hooks_any(m, CQ__H_BEFORE_VALIDATE) ||
           cq__hooks_any(m, CQ__H_AFTER_VALIDATE) || cq__hooks_any(m, CQ__H_VALIDATION_FAILED) ||
           cq__hooks_any(m, CQ__H_BEFORE_BULK_UPDATE) || cq__hooks_any(m, CQ__H_AFTER_BULK_UPDATE);
}

/* individualHooks: the update's values stored on each row found, before its hooks run. */
static int store_values(cq_model *m, cq_rows *rows, const cq_value *vals)
{
    int rc = CQ_OK;
    for (size_t r = 0; rc == CQ_OK && r < rows->n; r++)
        for (size_t k = 0; rc == CQ_OK && k < cq_value_size(vals); k++) {
            cq_value *v = cq_value_copy(cq_value_object_value(vals, k));
            rc = v ? cq__instance_store(rows->items[r], cq_value_object_key(vals, k), v)
                   : cq__db_oom(m->db);
        }
    return rc;
}

/* Whether a row's hooks changed it beyond the update's values (other attributes, or other
 * values; the updatedAt stamp aside). */
static bool changed_beyond(cq_model *m, const cq_rows *rows, const cq_value *vals)
{
    for (size_t r = 0; r < rows->n; r++) {
        const cq_instance *inst = rows->items[r];
        for (size_t i = 0; i < m->nattrs; i++) {
            if (!cq__changed(inst)[i] || (long)i == m->updated_at)
                continue;
            const cq_value *given = cq_value_object_get(vals, m->attrs[i].name);
            if (!given || !cq_value_is_equal(given, cq__iv(inst, i)))
                return true;
        }
    }
    return false;
}

/* v6 Model.update: validation (with its hooks), beforeBulkUpdate (may change the values and
 * the where), with individualHooks the rows found and each one's beforeUpdate (beforeSave),
 * the UPDATE (one per row when a hook changed a row differently), afterUpdate of each row,
 * afterBulkUpdate. */
int cq_model_update(int64_t *count_out, cq_model *m, const cq_value *values,
                    const cq_bulk_opts *opts)
{
    int trc = bulk_enter(count_out, m, opts ? opts->transaction : NULL,
                         opts && (opts->where || opts->where_sql), "update", "updates");
    if (trc != CQ_OK)
        return trc;
    if (cq_value_type_of(values) != CQ_VALUE_OBJECT)
        return cq__db_fail(m->db, CQ_EINVALID, "update on \"%s\" needs an object of values",
                           m->name);
    bool hooks = opts->hooks != CQ_OFF;
    cq_bulk_opts o = *opts;
    cq_value *vals = cq_value_copy(values);
    int rc = vals ? CQ_OK : cq__db_oom(m->db);
    if (!hooks || !update_has_hooks(m, opts)) {
        if (rc == CQ_OK && o.validate != CQ_OFF)
            rc = check_keys(m, vals);
        if (rc == CQ_OK && o.validate != CQ_OFF)
            rc = validate_values(m, &vals, false);
        o.validate = CQ_OFF;
        if (rc == CQ_OK)
            rc = update_run(count_out, m, vals, &o);
        cq_value_free(vals);
        return rc;
    }
    cq__hook_scope scope = { 0 };
    cq_rows *rows = NULL;
    if (rc == CQ_OK && o.validate != CQ_OFF)
        rc = check_keys(m, vals);
    if (rc == CQ_OK && o.validate != CQ_OFF)
        rc = validate_values(m, &vals, true);
    o.validate = CQ_OFF;
    if (rc == CQ_OK) {
        cq_hook_ctx ctx = { .bulk = &o, .values = vals };
        rc = cq__hooks_run(m, CQ__H_BEFORE_BULK_UPDATE, &ctx, &scope);
    }
    bool one_by_one = false;
    if (rc == CQ_OK && o.individual_hooks)
        rc = individual_rows(&rows, m, &o, false);
    if (rc == CQ_OK && rows)
        rc = store_values(m, rows, vals);
    if (rc == CQ_OK && rows)
        rc = cq__hooks_run_many(m, CQ__H_BEFORE_UPDATE, rows->items, rows->n, NULL);
    /* a row whose hooks changed it beyond the values is saved on its own (v6) */
    if (rc == CQ_OK && rows)
        one_by_one = changed_beyond(m, rows, vals);
    if (rc == CQ_OK && one_by_one) {
        cq_write_opts wo = { .transaction = o.transaction, .hooks = CQ_OFF, .validate = CQ_OFF };
        for (size_t r = 0; rc == CQ_OK && r < rows->n; r++)
            rc = cq_instance_save(rows->items[r], &wo);
        if (rc == CQ_OK && count_out)
            *count_out = (int64_t)rows->n;
    } else if (rc == CQ_OK && !(rows && rows->n == 0)) {
        rc = update_run(count_out, m, vals, &o);
    }
    if (rc == CQ_OK && rows)
        rc = cq__hooks_run_many(m, CQ__H_AFTER_UPDATE, rows->items, rows->n, NULL);
    if (rc == CQ_OK) {
        cq_hook_ctx ctx = { .bulk = &o, .values = vals };
        rc = cq__hooks_run(m, CQ__H_AFTER_BULK_UPDATE, &ctx, &scope);
    }
    cq_rows_free(rows);
    cq_value_free(vals);
    cq__hook_scope_end(&scope);
    return rc;
}

static int update_run(int64_t *count_out, cq_model *m, const cq_value *values,
                      const cq_bulk_opts *opts)
{
    cq__stmt *st = cq__stmt_new(CQ__ST_UPDATE, m->table);
    if (!st)
        return cq__db_oom(m->db);
    int rc = CQ_OK;
    size_t nvirtual = 0;
    cq_dialect d = cq_db_dialect(m->db);
    for (size_t k = 0; rc == CQ_OK && k < cq_value_size(values); k++) {
        const char *key = cq_value_object_key(values, k);
        long i = cq__model_attr_index(m, key);
        const cq__accessor *x = i < 0 ? cq__accessor_find(m, key) : NULL;
        if (x && x->is_virtual) {
            nvirtual++; /* no column: v6 leaves VIRTUAL attributes out of the UPDATE */
            continue;
        }
        if (i < 0) {
            rc = cq__db_fail(m->db, CQ_EUNKNOWN_ATTR,
                             "update: model \"%s\" has no attribute \"%s\"", m->name, key);
            break;
        }
        const cq__attr *a = &m->attrs[i];
        cq_value *checked = NULL;
        rc = cq__attr_coerce(&checked, m, a, cq_value_copy(cq_value_object_value(values, k)));
        if (rc != CQ_OK)
            break;
        if (cq_value_is_null(checked) && a->allow_null == CQ_OFF)
            rc = cq__db_fail(m->db, CQ_ENOTNULL, "notNull Violation: %s.%s cannot be null", m->name,
                             a->name);
        else if (cq__stmt_add_icol(st, a->field) != 0 ||
                 cq__stmt_add_ival(st, cq__attr_to_db(a, checked, d)) != 0)
            rc = cq__db_oom(m->db);
        cq_value_free(checked);
    }
    if (rc == CQ_OK && m->updated_at >= 0 &&
        !cq_value_object_get(values, m->attrs[m->updated_at].name)) {
        char now[32];
        cq__now_iso(now);
        cq_value *t = cq_value_text(now);
        if (!t || cq__stmt_add_icol(st, m->attrs[m->updated_at].field) != 0 ||
            cq__stmt_add_ival(st, cq__attr_to_db(&m->attrs[m->updated_at], t, d)) != 0)
            rc = cq__db_oom(m->db);
        cq_value_free(t);
    }
    if (rc == CQ_OK && st->nicols == 0 && nvirtual) {
        /* only VIRTUAL values (and no updatedAt): v6 sends no statement and counts 0 */
        cq__stmt_free(st);
        return CQ_OK;
    }
    if (rc == CQ_OK && st->nicols == 0)
        rc = cq__db_fail(m->db, CQ_EINVALID, "update on \"%s\": no values", m->name);
    if (rc == CQ_OK)
        rc = and_paranoid(st, m, false);
    return run_bulk(st, m, opts, count_out, rc);
}

/* The SET list of an increment: `fields` is an attribute name, an array of names (each
 * moved by `by`), or an object {name: amount}; updatedAt is set unless `silent`, and a
 * version model's version moves by one, as in Sequelize. */
static int increment_set(cq__stmt *st, cq_model *m, const cq_value *fields, char op, int64_t by,
                         bool silent)
{
    cq_db *db = m->db;
    cq_value_type t = cq_value_type_of(fields);
    size_t n = t == CQ_VALUE_TEXT ? 1 : cq_value_size(fields);
    if ((t != CQ_VALUE_TEXT && t != CQ_VALUE_ARRAY && t != CQ_VALUE_OBJECT) || n == 0)
        return cq__db_fail(db, CQ_EINVALID,
                           "increment on \"%s\" needs an attribute name, an array of names or an "
                           "object of amounts",
                           m->name);
    for (size_t k = 0; k < n; k++) {
        const char *name = t == CQ_VALUE_TEXT    ? cq_value_as_text(fields)
                           : t == CQ_VALUE_ARRAY ? cq_value_as_text(cq_value_array_get(fields, k))
                                                 : cq_value_object_key(fields, k);
        long i = name ? cq__model_attr_index(m, name) : -1;
        if (i < 0)
            return name ? cq__db_fail(db, CQ_EUNKNOWN_ATTR,
                                      "increment: model \"%s\" has no attribute \"%s\"", m->name,
                                      name)
                        : cq__db_fail(db, CQ_EINVALID,
                                      "increment on \"%s\": attribute names must be text", m->name);
        cq_value *amount = NULL;
        if (t == CQ_VALUE_OBJECT) {
            const cq_value *v = cq_value_object_value(fields, k);
            if (cq_value_type_of(v) != CQ_VALUE_INT && cq_value_type_of(v) != CQ_VALUE_DOUBLE)
                return cq__db_fail(db, CQ_EINVALID,
                                   "increment on \"%s\": the amount for \"%s\" must be a number",
                                   m->name, name);
            amount = cq_value_copy(v);
        } else {
            amount = cq_value_int(by);
        }
        if (!amount || cq__stmt_add_icol_op(st, m->attrs[i].field, op) != 0) {
            cq_value_free(amount);
            return cq__db_oom(db);
        }
        if (cq__stmt_add_ival(st, amount) != 0) /* takes amount, even failing */
            return cq__db_oom(db);
    }
    cq_dialect d = cq_db_dialect(db);
    if (!silent && m->updated_at >= 0) {
        char now[32];
        cq__now_iso(now);
        cq_value *tv = cq_value_text(now);
        int bad = !tv || cq__stmt_add_icol(st, m->attrs[m->updated_at].field) != 0 ||
                  cq__stmt_add_ival(st, cq__attr_to_db(&m->attrs[m->updated_at], tv, d)) != 0;
        cq_value_free(tv);
        if (bad)
            return cq__db_oom(db);
    }
    if (m->version_attr >= 0 &&
        (cq__stmt_add_icol_op(st, m->attrs[m->version_attr].field, '+') != 0 ||
         cq__stmt_add_ival(st, cq_value_int(1)) != 0))
        return cq__db_oom(db);
    return CQ_OK;
}

static int model_increment(int64_t *count_out, cq_model *m, const cq_value *fields, char op,
                           const cq_increment_opts *opts)
{
    int trc = bulk_enter(count_out, m, opts ? opts->transaction : NULL,
                         opts && (opts->where || opts->where_sql), "increment", "moves");
    if (trc != CQ_OK)
        return trc;
    cq__stmt *st = cq__stmt_new(CQ__ST_UPDATE, m->table);
    if (!st)
        return cq__db_oom(m->db);
    int rc = increment_set(st, m, fields, op, opts->by ? opts->by : 1, opts->silent);
    cq_bulk_opts bulk = { .where = opts->where,
                          .where_sql = opts->where_sql,
                          .where_params = opts->where_params,
                          .transaction = opts->transaction,
                          .scope = opts->scope };
    return run_bulk(st, m, &bulk, count_out, rc);
}

int cq_model_increment(int64_t *count_out, cq_model *model, const cq_value *fields,
                       const cq_increment_opts *opts)
{
    return model_increment(count_out, model, fields, '+', opts);
}

int cq_model_decrement(int64_t *count_out, cq_model *model, const cq_value *fields,
                       const cq_increment_opts *opts)
{
    return model_increment(count_out, model, fields, '-', opts);
}

static int instance_increment(cq_instance *inst, const cq_value *fields, char op,
                              const cq_increment_opts *opts)
{
    int trc = cq__model_enter(inst ? inst->model : NULL, opts ? opts->transaction : NULL);
    if (trc != CQ_OK)
        return trc;
    cq_model *m = inst->model;
    if (opts && (opts->where || opts->where_sql))
        return cq__db_fail(m->db, CQ_EINVALID,
                           "increment of an instance of \"%s\" takes no where: it moves that row",
                           m->name);
    if (inst->is_new)
        return cq__db_fail(m->db, CQ_EINVALID,
                           "increment of an instance of \"%s\" that is not saved", m->name);
    cq__stmt *st = cq__stmt_new(CQ__ST_UPDATE, m->table);
    if (!st)
        return cq__db_oom(m->db);
    int rc =
        increment_set(st, m, fields, op, opts && opts->by ? opts->by : 1, opts && opts->silent);
    cq__expr *where = NULL;
    if (rc == CQ_OK && (rc = cq__where_pk(&where, inst, NULL)) == CQ_OK)
        rc = cq__stmt_and_where(st, where) == 0 ? CQ_OK : cq__db_oom(m->db);
    cq__result res = { 0 };
    if (rc == CQ_OK)
        rc = cq__db_exec_stmt(m->db, st, &res);
    cq__result_free(&res);
    cq__stmt_free(st);
    return rc;
}

int cq_instance_increment(cq_instance *inst, const cq_value *fields, const cq_increment_opts *opts)
{
    return instance_increment(inst, fields, '+', opts);
}

int cq_instance_decrement(cq_instance *inst, const cq_value *fields, const cq_increment_opts *opts)
{
    return instance_increment(inst, fields, '-', opts);
}

/* ANDs `deletedAt IS [NOT] NULL` (unqualified, as v6's writes) onto a paranoid model's
 * statement. */
static int and_paranoid(cq__stmt *st, cq_model *m, bool deleted)
{
    cq__expr *pe = NULL;
    int rc = cq__where_paranoid(&pe, m, NULL, deleted);
    if (rc == CQ_OK && pe && cq__stmt_and_where(st, pe) != 0)
        rc = cq__db_oom(m->db);
    return rc;
}

/* UPDATE ... SET deletedAt = <value> (soft delete / restore of a paranoid model). */
static int set_deleted_at(cq__stmt *st, cq_model *m, bool now_or_null)
{
    const cq__attr *a = &m->attrs[m->deleted_at];
    cq_value *v = NULL;
    if (now_or_null) {
        char now[32];
        cq__now_iso(now);
        cq_value *t = cq_value_text(now);
        v = t ? cq__attr_to_db(a, t, cq_db_dialect(m->db)) : NULL;
        cq_value_free(t);
    } else {
        v = cq_value_null();
    }
    if (!v)
        return cq__db_oom(m->db);
    if (cq__stmt_add_icol(st, a->field) != 0 || cq__stmt_add_ival(st, v) != 0)
        return cq__db_oom(m->db);
    return CQ_OK;
}

/* v6 Model.destroy / Model.restore with their hooks: before<Bulk>, with individualHooks the
 * rows found and each one's before hook, the one statement, each row's after hook,
 * after<Bulk>. */
static int bulk_hooked(int64_t *count_out, cq_model *m, const cq_bulk_opts *opts, bool restore,
                       int (*run)(int64_t *, cq_model *, const cq_bulk_opts *))
{
    cq_bulk_opts o = *opts;
    cq__hook_scope scope = { 0 };
    cq_rows *rows = NULL;
    cq_hook_ctx ctx = { .bulk = &o };
    int rc = cq__hooks_run(m, restore ? CQ__H_BEFORE_BULK_RESTORE : CQ__H_BEFORE_BULK_DESTROY, &ctx,
                           &scope);
    if (rc == CQ_OK && o.individual_hooks)
        rc = individual_rows(&rows, m, &o, restore);
    if (rc == CQ_OK && rows)
        rc = cq__hooks_run_many(m, restore ? CQ__H_BEFORE_RESTORE : CQ__H_BEFORE_DESTROY,
                                rows->items, rows->n, NULL);
    if (rc == CQ_OK)
        rc = run(count_out, m, &o);
    if (rc == CQ_OK && rows)
        rc = cq__hooks_run_many(m, restore ? CQ__H_AFTER_RESTORE : CQ__H_AFTER_DESTROY, rows->items,
                                rows->n, NULL);
    if (rc == CQ_OK) {
        ctx = (cq_hook_ctx){ .bulk = &o };
        rc = cq__hooks_run(m, restore ? CQ__H_AFTER_BULK_RESTORE : CQ__H_AFTER_BULK_DESTROY, &ctx,
                           &scope);
    }
    cq_rows_free(rows);
    cq__hook_scope_end(&scope);
    return rc;
}

static int destroy_run(int64_t *count_out, cq_model *m, const cq_bulk_opts *opts);
static int restore_run(int64_t *count_out, cq_model *m, const cq_bulk_opts *opts);

int cq_model_destroy(int64_t *count_out, cq_model *m, const cq_bulk_opts *opts)
{
    int trc = bulk_enter(count_out, m, opts ? opts->transaction : NULL,
                         opts && (opts->where || opts->where_sql), "destroy", "deletes");
    if (trc != CQ_OK)
        return trc;
    if (opts->hooks == CQ_OFF)
        return destroy_run(count_out, m, opts);
    return bulk_hooked(count_out, m, opts, false, destroy_run);
}

static int destroy_run(int64_t *count_out, cq_model *m, const cq_bulk_opts *opts)
{
    /* paranoid (v6): UPDATE ... SET deletedAt = now WHERE deletedAt IS NULL AND <where> */
    bool soft = m->deleted_at >= 0 && !opts->force;
    cq__stmt *st = cq__stmt_new(soft ? CQ__ST_UPDATE : CQ__ST_DELETE, m->table);
    if (!st)
        return cq__db_oom(m->db);
    int rc = soft ? set_deleted_at(st, m, true) : CQ_OK;
    if (rc == CQ_OK && soft)
        rc = and_paranoid(st, m, false);
    return run_bulk(st, m, opts, count_out, rc);
}

int cq_model_restore(int64_t *count_out, cq_model *m, const cq_bulk_opts *opts)
{
    if (count_out)
        *count_out = 0;
    int trc = cq__model_enter(m, opts ? opts->transaction : NULL);
    if (trc != CQ_OK)
        return trc;
    if (m->deleted_at < 0)
        return cq__db_fail(m->db, CQ_EINVALID, "restore: model \"%s\" is not paranoid", m->name);
    const cq_bulk_opts none = { 0 };
    if (!opts || opts->hooks != CQ_OFF)
        return bulk_hooked(count_out, m, opts ? opts : &none, true, restore_run);
    return restore_run(count_out, m, opts);
}

static int restore_run(int64_t *count_out, cq_model *m, const cq_bulk_opts *opts)
{
    /* v6: UPDATE ... SET deletedAt = NULL WHERE <where> (no deletedAt condition) */
    cq__stmt *st = cq__stmt_new(CQ__ST_UPDATE, m->table);
    if (!st)
        return cq__db_oom(m->db);
    int rc = set_deleted_at(st, m, false);
    cq_bulk_opts o = opts ? *opts : (cq_bulk_opts){ 0 };
    o.scope = CQ_EMPTY_ARRAY; /* v6's restore takes no scope */
    return run_bulk(st, m, &o, count_out, rc);
}
