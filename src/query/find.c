/* Finders (findAll / findOne / findByPk / count), reload, bulkCreate and model-level
 * update / destroy. */
#include <stdlib.h>
#include <string.h>

#include "assoc/assoc.h"
#include "core/util.h"
#include "model/model.h"
#include "query/find.h"
#include "query/include.h"
#include "query/stmt.h"
#include "query/where.h"

static int oom(cq_db *db)
{
    return cq__db_fail(db, CQ_ENOMEM, "out of memory");
}

int cq__rows_push(cq_rows *rows, cq_instance *inst)
{
    if (!inst)
        return -1;
    if (cq__grow((void **)&rows->items, &rows->cap, rows->n + 1, sizeof *rows->items) != 0) {
        cq_instance_free(inst);
        return -1;
    }
    rows->items[rows->n++] = inst;
    return 0;
}

size_t cq_rows_count(const cq_rows *rows)
{
    return rows ? rows->n : 0;
}

cq_instance *cq_rows_at(const cq_rows *rows, size_t i)
{
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
    free(rows->items);
    free(rows);
}

int cq_rows_to_value(cq_value **out, const cq_rows *rows)
{
    *out = NULL;
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

static bool in_list(const char *const *list, const char *name)
{
    for (; list && *list; list++)
        if (strcmp(*list, name) == 0)
            return true;
    return false;
}

static int and_paranoid(cq__stmt *st, cq_model *m, bool deleted);

/* Adds WHERE from opts (structured + raw) to st. */
static int apply_where(cq__stmt *st, cq_model *m, const char *alias, const cq_value *where,
                       const char *where_sql, const cq_value *where_params, cq__inc_where_ctx *inc)
{
    cq__expr *e = NULL;
    int rc = cq__where_build_inc(&e, m, alias, where, inc ? cq__inc_where_include : NULL, inc);
    if (rc != CQ_OK)
        return rc;
    if (e && cq__stmt_and_where(st, e) != 0)
        return oom(m->db);
    if (where_sql) {
        rc = cq__where_raw(&e, m->db, where_sql, where_params);
        if (rc != CQ_OK)
            return rc;
        if (cq__stmt_and_where(st, e) != 0)
            return oom(m->db);
    }
    return CQ_OK;
}

/* Which attributes a find reads: `sel[i]` true when attribute i is selected. */
static int select_attrs(bool *sel, cq_model *m, const cq_find_opts *o)
{
    for (const char *const *a = o->attributes; a && *a; a++)
        if (cq__model_attr_index(m, *a) < 0)
            return cq__db_fail(m->db, CQ_EUNKNOWN_ATTR,
                               "attributes: model \"%s\" has no attribute \"%s\"", m->name, *a);
    for (const char *const *a = o->exclude; a && *a; a++)
        if (cq__model_attr_index(m, *a) < 0)
            return cq__db_fail(m->db, CQ_EUNKNOWN_ATTR,
                               "exclude: model \"%s\" has no attribute \"%s\"", m->name, *a);
    for (size_t i = 0; i < m->nattrs; i++) {
        const char *name = m->attrs[i].name;
        sel[i] = (!o->attributes || in_list(o->attributes, name)) && !in_list(o->exclude, name);
    }
    return CQ_OK;
}

/* ORDER BY from opts (attributes of m, or of included models by `as`). */
static int add_order(cq__stmt *st, cq_model *m, const cq_find_opts *o, cq__inc_plan *plan)
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
                rc = oom(m->db);
            continue;
        }
        long i = cq__model_attr_index(m, ord->attr);
        if (i < 0)
            rc = cq__db_fail(m->db, CQ_EUNKNOWN_ATTR, "order: model \"%s\" has no attribute \"%s\"",
                             m->name, ord->attr);
        else if (cq__stmt_add_order(st, cq__expr_col(m->name, m->attrs[i].field), ord->desc) != 0)
            rc = oom(m->db);
    }
    return rc;
}

/* How build_select treats includes. */
typedef enum sel_mode {
    SEL_DEFAULT,  /* to-one includes joined, to-many ones left to cq__inc_load_many */
    SEL_JOIN_ALL, /* single_join without limit: every include joined (no LIMIT allowed) */
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
    return ext->keep_through_keys || through_attr_shown(ext, name);
}

static int build_select(cq__stmt **out, cq_model *m, const cq_find_opts *o, bool *sel, bool count,
                        cq__find_ext *ext, cq__inc_plan *plan, sel_mode mode)
{
    *out = NULL;
    cq__stmt *st = cq__stmt_new(CQ__ST_SELECT, m->table);
    if (!st || !(st->alias = cq__strdup(m->name))) {
        cq__stmt_free(st);
        return oom(m->db);
    }
    int rc = CQ_OK;
    if (count) {
        st->count = cq__expr_new(CQ__EX_COUNT);
        long ci = ext && ext->count_attr ? cq__model_attr_index(m, ext->count_attr) : -1;
        if (!st->count ||
            (ci >= 0 && cq__expr_add(st->count, cq__expr_col(m->name, m->attrs[ci].field)) != 0))
            rc = oom(m->db);
    } else {
        /* a statement of one table names its columns bare, as v6 does; joins qualify them */
        bool alone =
            mode == SEL_DEFAULT && (!plan || cq__inc_plan_empty(plan)) && !(ext && ext->through);
        for (size_t i = 0; rc == CQ_OK && i < m->nattrs; i++)
            if (sel[i] &&
                cq__stmt_add_col(st, alone ? NULL : m->name, m->attrs[i].field,
                                 mode != SEL_INNER && strcmp(m->attrs[i].field, m->attrs[i].name)
                                     ? m->attrs[i].name
                                     : NULL) != 0)
                rc = oom(m->db);
    }
    if (rc == CQ_OK && ext && ext->through) {
        cq_model *t = ext->through;
        for (size_t i = 0; !count && rc == CQ_OK && i < t->nattrs; i++) {
            if (!through_attr_read(ext, t->attrs[i].name))
                continue; /* joinTableAttributes: only what is shown is read */
            char *alias = cq__asprintf("%s.%s", ext->through_alias, t->attrs[i].name);
            if (!alias || cq__stmt_add_col(st, ext->through_alias, t->attrs[i].field, alias) != 0)
                rc = oom(m->db);
            free(alias);
        }
        if (rc == CQ_OK &&
            cq__stmt_add_join(st, false, t->table, ext->through_alias, ext->join_on) != 0)
            rc = oom(m->db);
        ext->join_on = NULL;
    }
    if (rc == CQ_OK && plan && !cq__inc_plan_empty(plan))
        rc = mode == SEL_JOIN_ALL ? cq__inc_sj_add(st, plan, m, m->name)
                                  : cq__inc_add_to_select(st, plan, m, m->name, count);
    if (rc == CQ_OK && o->paranoid != CQ_OFF) {
        /* v6 puts `m.deletedAt IS NULL` first in the WHERE */
        cq__expr *pe = NULL;
        rc = cq__where_paranoid(&pe, m, m->name, false);
        if (rc == CQ_OK && pe && cq__stmt_and_where(st, pe) != 0)
            rc = oom(m->db);
    }
    if (rc == CQ_OK && ext && ext->where) {
        if (cq__stmt_and_where(st, ext->where) != 0)
            rc = oom(m->db);
        ext->where = NULL;
    }
    if (rc == CQ_OK) {
        cq__inc_where_ctx ictx = {
            .plan = plan, .m = m, .all_joined = mode == SEL_JOIN_ALL, .none_joined = count
        };
        rc = apply_where(st, m, m->name, o->where, o->where_sql, o->where_params, &ictx);
    }
    if (!count && rc == CQ_OK)
        rc = add_order(st, m, o, plan);
    if (mode == SEL_JOIN_ALL && rc == CQ_OK)
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
                             cq__inc_plan *plan)
{
    *out = NULL;
    if (o->limit == 0 && o->offset == 0)
        return build_select(out, m, o, sel, false, NULL, plan, SEL_JOIN_ALL);
    cq__stmt *inner = NULL;
    int rc = build_select(&inner, m, o, sel, false, NULL, plan, SEL_INNER);
    if (rc != CQ_OK)
        return rc;
    cq__inc_plan_clear_orders(plan); /* recorded again by the outer ORDER BY */
    cq__stmt *st = cq__stmt_new(CQ__ST_SELECT, NULL);
    if (!st || !(st->alias = cq__strdup(m->name))) {
        cq__stmt_free(inner);
        cq__stmt_free(st);
        return oom(m->db);
    }
    st->from_sub = inner;
    for (size_t i = 0; rc == CQ_OK && i < m->nattrs; i++)
        if (sel[i] &&
            cq__stmt_add_col(st, m->name, m->attrs[i].field,
                             strcmp(m->attrs[i].field, m->attrs[i].name) ? m->attrs[i].name
                                                                         : NULL) != 0)
            rc = oom(m->db);
    if (rc == CQ_OK)
        rc = cq__inc_sj_add(st, plan, m, m->name);
    if (rc == CQ_OK)
        rc = add_order(st, m, o, plan);
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
static int attach_through(cq_instance *inst, cq__find_ext *ext, cq__result *res, size_t r, size_t c)
{
    cq_model *t = ext->through;
    if (ext->no_through_attrs && !ext->keep_through_keys)
        return CQ_OK;
    cq_instance *ti = cq__instance_alloc(t);
    if (!ti)
        return oom(t->db);
    for (size_t i = 0; i < t->nattrs; i++) {
        if (!through_attr_read(ext, t->attrs[i].name))
            continue;
        cq_value *raw = res->cells[r * res->ncols + c];
        res->cells[r * res->ncols + c] = NULL;
        c++;
        ti->values[i] = cq__attr_from_db(&t->attrs[i], raw, cq_db_dialect(t->db));
    }
    inst->through = ti;
    inst->through_key = cq__strdup(t->name);
    return inst->through_key ? CQ_OK : oom(t->db);
}

/* Turns result rows into instances; the columns are the selected attributes, in order. */
/* Turns result rows into instances, one row at a time as the driver reads them (a
 * cq__row_fn); the columns are the selected attributes, in order, then the join row's and
 * the joined includes'. */
typedef struct materializer {
    cq_rows *rows;
    cq_model *m;
    const bool *sel, *hidden;
    cq__find_ext *ext;
    cq__inc_plan *plan;
} materializer;

static int materialize_row(void *ctx, cq__result *res)
{
    materializer *mz = ctx;
    cq_model *m = mz->m;
    cq__find_ext *ext = mz->ext;
    cq_dialect d = cq_db_dialect(m->db);
    cq_instance *inst = cq__instance_alloc(m);
    if (!inst)
        return oom(m->db);
    size_t c = 0;
    for (size_t i = 0; i < m->nattrs; i++) {
        if (!mz->sel[i])
            continue;
        cq_value *raw = res->cells[c];
        res->cells[c++] = NULL;
        inst->values[i] = cq__attr_from_db(&m->attrs[i], raw, d);
    }
    int rc = CQ_OK;
    if (ext && ext->through)
        rc = attach_through(inst, ext, res, 0, c);
    for (size_t i = 0; ext && ext->through && i < ext->through->nattrs; i++)
        c += through_attr_read(ext, ext->through->attrs[i].name);
    if (rc == CQ_OK && mz->plan && !cq__inc_plan_empty(mz->plan))
        rc = cq__inc_read_row(inst, mz->plan, res, 0, &c);
    if (rc == CQ_OK && mz->hidden) {
        inst->hidden = calloc(m->nattrs + 1, sizeof *inst->hidden);
        if (!inst->hidden)
            rc = oom(m->db);
        else
            memcpy(inst->hidden, mz->hidden, m->nattrs * sizeof *mz->hidden);
    }
    if (rc != CQ_OK) {
        cq_instance_free(inst);
        return rc;
    }
    return cq__rows_push(mz->rows, inst) == 0 ? CQ_OK : oom(m->db);
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
    free(ext->branch_where);
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
                 : oom(m->db);
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
        rc = build_select(&b, m, &bo, sel, false, &be, plan, SEL_DEFAULT);
        cq__find_ext_release(&be);
        cq__stmt *w = rc == CQ_OK ? cq__stmt_new(CQ__ST_SELECT, NULL) : NULL;
        if (rc == CQ_OK &&
            (!w || !(w->alias = cq__strdup("sub")) || cq__stmt_add_col(w, NULL, "*", NULL) != 0)) {
            cq__stmt_free(w);
            w = NULL;
            rc = oom(m->db);
        }
        if (w) {
            w->from_sub = b;
            b = NULL;
            if (cq__stmt_add_union(st->from_sub, w) != 0) {
                cq__stmt_free(w);
                rc = oom(m->db);
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

int cq_model_find_all(cq_rows **out, cq_model *m, const cq_find_opts *opts)
{
    cq__db_clear(m->db);
    return cq__find(out, m, opts, NULL);
}

int cq__find(cq_rows **out, cq_model *m, const cq_find_opts *opts, cq__find_ext *ext)
{
    *out = NULL;
    cq_find_opts o = opts ? *opts : (cq_find_opts){ 0 };
    bool *sel = calloc(m->nattrs ? m->nattrs : 1, sizeof *sel);
    cq_rows *rows = calloc(1, sizeof *rows);
    cq__stmt *st = NULL;
    bool *hidden = NULL;
    cq__inc_plan plan = { 0 };
    int rc = sel && rows ? CQ_OK : oom(m->db);
    if (rc == CQ_OK)
        rc = select_attrs(sel, m, &o);
    if (rc == CQ_OK && o.include)
        rc = cq__inc_plan_make(&plan, m, o.include);
    if (rc == CQ_OK && !cq__inc_plan_empty(&plan) && o.attributes) {
        /* keys that tie included rows to their parent are read but not shown (A3) */
        hidden = calloc(m->nattrs + 1, sizeof *hidden);
        if (!hidden)
            rc = oom(m->db);
        for (size_t i = 0; rc == CQ_OK && i < m->nattrs; i++) {
            bool key = m->attrs[i].primary_key;
            for (size_t k = 0; k < m->nassocs; k++)
                key |= cq__streq(m->assocs[k]->source_key, m->attrs[i].name) ||
                       (m->assocs[k]->type == CQ_BELONGS_TO &&
                        cq__streq(m->assocs[k]->fk, m->attrs[i].name));
            if (key && !sel[i]) {
                sel[i] = true;
                hidden[i] = !cq__inc_plan_shows_key(&plan, m->attrs[i].name);
            }
        }
    }
    /* single_join: association getters (ext) keep the default shape, whose results are the
     * same; so does a plan without a joined to-many include (the shapes coincide) */
    bool sj = rc == CQ_OK && o.single_join && !ext && cq__inc_sj_wanted(&plan);
    if (sj)
        rc = cq__inc_sj_check(&plan, m);
    for (size_t k = 0; sj && rc == CQ_OK && k < m->npk; k++) {
        size_t i = m->pk[k]; /* parents are told apart by their key: always read */
        if (sel[i])
            continue;
        if (!hidden && !(hidden = calloc(m->nattrs + 1, sizeof *hidden)))
            rc = oom(m->db);
        else
            sel[i] = hidden[i] = true;
    }
    if (rc == CQ_OK)
        rc = sj                    ? build_single_join(&st, m, &o, sel, &plan)
             : ext && ext->nbranch ? build_branches(&st, m, &o, sel, ext, &plan)
                                   : build_select(&st, m, &o, sel, false, ext, &plan, SEL_DEFAULT);
    /* the include's separate queries run on the connection of the main one (one call, one
     * connection: the pool hands the calling thread the connection it holds) */
    cq__pconn *held = NULL;
    if (rc == CQ_OK && !cq__inc_plan_empty(&plan))
        rc = cq__pool_acquire(&m->db->s, &held);
    if (rc == CQ_OK && sj) {
        /* the joined rows are folded into the tree as the driver reads them */
        cq__sj_stream *stream = NULL;
        rc = cq__inc_sj_begin(&stream, rows, m, sel, hidden, &plan);
        if (rc == CQ_OK)
            rc = cq__db_exec_stmt_rows(m->db, st, cq__inc_sj_row, stream);
        cq__inc_sj_end(stream);
    } else if (rc == CQ_OK) {
        materializer mz = { rows, m, sel, hidden, ext, &plan };
        rc = cq__db_exec_stmt_rows(m->db, st, materialize_row, &mz);
    }
    if (rc == CQ_OK)
        rc = sj ? cq__inc_load_separate(rows, &plan, o.transaction)
                : cq__inc_load_many(rows, &plan, o.transaction);
    cq__pool_release(&m->db->s, held);
    cq__find_ext_release(ext);
    cq__inc_plan_free(&plan);
    cq__stmt_free(st);
    free(sel);
    free(hidden);
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
        return oom(m->db);
    }
    *out = w;
    return CQ_OK;
}

int cq_model_find_by_pk(cq_instance **out, cq_model *m, const cq_value *pk,
                        const cq_find_opts *opts)
{
    *out = NULL;
    cq__db_clear(m->db);
    if (cq_value_is_null(pk))
        return CQ_OK; /* Sequelize resolves null for a null key without a query */
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
    cq__db_clear(m->db);
    return cq__count(out, m, opts, NULL);
}

int cq_model_find_and_count_all(cq_rows **rows_out, int64_t *count_out, cq_model *m,
                                const cq_find_opts *opts)
{
    *rows_out = NULL;
    *count_out = 0;
    cq__db_clear(m->db);
    cq_find_opts co = opts ? *opts : (cq_find_opts){ 0 };
    co.limit = co.offset = 0;
    co.order = NULL;
    co.attributes = NULL;
    co.exclude = NULL;
    int64_t n = 0;
    cq__pconn *held = NULL; /* the count and the rows read on one connection */
    int rc = cq__pool_acquire(&m->db->s, &held);
    if (rc == CQ_OK)
        rc = cq__count(&n, m, &co, NULL);
    if (rc == CQ_OK)
        rc = cq_model_find_all(rows_out, m, opts);
    if (rc == CQ_OK)
        *count_out = n;
    cq__pool_release(&m->db->s, held);
    return rc;
}

int cq__count(int64_t *out, cq_model *m, const cq_find_opts *opts, cq__find_ext *ext)
{
    *out = 0;
    cq_find_opts o = opts ? *opts : (cq_find_opts){ 0 };
    cq__stmt *st = NULL;
    cq__result res = { 0 };
    cq__inc_plan plan = { 0 };
    int rc = o.include ? cq__inc_plan_make(&plan, m, o.include) : CQ_OK;
    if (rc == CQ_OK)
        rc = build_select(&st, m, &o, NULL, true, ext, &plan, SEL_DEFAULT);
    cq__inc_plan_free(&plan);
    cq__find_ext_release(ext);
    if (rc == CQ_OK)
        rc = cq__db_exec_stmt(m->db, st, &res);
    if (rc == CQ_OK && res.nrows == 1)
        *out = cq_value_as_int(res.cells[0]);
    cq__result_free(&res);
    cq__stmt_free(st);
    return rc;
}

int cq_instance_reload(cq_instance *inst, const cq_find_opts *opts)
{
    cq_model *m = inst->model;
    cq__db_clear(m->db);
    if (inst->is_new)
        return cq__db_fail(m->db, CQ_EINVALID, "cannot reload an unsaved instance of \"%s\"",
                           m->name);
    cq_find_opts o = opts ? *opts : (cq_find_opts){ 0 };
    bool *sel = calloc(m->nattrs ? m->nattrs : 1, sizeof *sel);
    cq__stmt *st = NULL;
    cq__result res = { 0 };
    o.where = NULL;
    o.where_sql = NULL;
    o.limit = 1;
    o.offset = 0;
    o.order = NULL;
    int rc = sel ? select_attrs(sel, m, &o) : oom(m->db);
    if (rc == CQ_OK)
        rc = build_select(&st, m, &o, sel, false, NULL, NULL, SEL_DEFAULT);
    cq__expr *w = NULL;
    if (rc == CQ_OK)
        rc = cq__where_pk(&w, inst, m->name);
    if (rc == CQ_OK && cq__stmt_and_where(st, w) != 0)
        rc = oom(m->db);
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
            cq_value_free(inst->values[i]);
            inst->values[i] = cq__attr_from_db(&m->attrs[i], raw, cq_db_dialect(m->db));
            inst->changed[i] = false;
        }
    }
    cq__result_free(&res);
    cq__stmt_free(st);
    free(sel);
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
    cq_rows *rows = calloc(1, sizeof *rows);
    int rc = rows ? CQ_OK : oom(m->db);
    for (size_t i = 0; rc == CQ_OK && i < n; i++) {
        cq_instance *inst = NULL;
        rc = cq_model_build(&inst, m, cq_value_array_get(values, i));
        if (rc == CQ_OK && cq__rows_push(rows, inst) != 0)
            rc = oom(m->db);
    }
    if (rc == CQ_OK)
        rc = cq__model_insert_rows(rows->items, rows->n, opts);
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
    if (rc == CQ_OK && opts)
        rc = apply_where(st, m, NULL, opts->where, opts->where_sql, opts->where_params, NULL);
    cq__result res = { 0 };
    if (rc == CQ_OK)
        rc = cq__db_exec_stmt(m->db, st, &res);
    if (rc == CQ_OK && count_out)
        *count_out = res.changes;
    cq__result_free(&res);
    cq__stmt_free(st);
    return rc;
}

int cq_model_update(int64_t *count_out, cq_model *m, const cq_value *values,
                    const cq_bulk_opts *opts)
{
    if (count_out)
        *count_out = 0;
    cq__db_clear(m->db);
    if (!opts || (!opts->where && !opts->where_sql))
        return cq__db_fail(m->db, CQ_EINVALID,
                           "update on \"%s\" needs a where (an empty object updates every row)",
                           m->name);
    if (cq_value_type_of(values) != CQ_VALUE_OBJECT)
        return cq__db_fail(m->db, CQ_EINVALID, "update on \"%s\" needs an object of values",
                           m->name);
    cq__stmt *st = cq__stmt_new(CQ__ST_UPDATE, m->table);
    if (!st)
        return oom(m->db);
    int rc = CQ_OK;
    cq_dialect d = cq_db_dialect(m->db);
    for (size_t k = 0; rc == CQ_OK && k < cq_value_size(values); k++) {
        const char *key = cq_value_object_key(values, k);
        long i = cq__model_attr_index(m, key);
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
            rc = oom(m->db);
        cq_value_free(checked);
    }
    if (rc == CQ_OK && m->updated_at >= 0 &&
        !cq_value_object_get(values, m->attrs[m->updated_at].name)) {
        char now[32];
        cq__now_iso(now);
        cq_value *t = cq_value_text(now);
        if (cq__stmt_add_icol(st, m->attrs[m->updated_at].field) != 0 ||
            cq__stmt_add_ival(st, cq__attr_to_db(&m->attrs[m->updated_at], t, d)) != 0)
            rc = oom(m->db);
        cq_value_free(t);
    }
    if (rc == CQ_OK && st->nicols == 0)
        rc = cq__db_fail(m->db, CQ_EINVALID, "update on \"%s\": no values", m->name);
    if (rc == CQ_OK)
        rc = and_paranoid(st, m, false);
    return run_bulk(st, m, opts, count_out, rc);
}

/* ANDs `deletedAt IS [NOT] NULL` (unqualified, as v6's writes) onto a paranoid model's
 * statement. */
static int and_paranoid(cq__stmt *st, cq_model *m, bool deleted)
{
    cq__expr *pe = NULL;
    int rc = cq__where_paranoid(&pe, m, NULL, deleted);
    if (rc == CQ_OK && pe && cq__stmt_and_where(st, pe) != 0)
        rc = oom(m->db);
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
        return oom(m->db);
    if (cq__stmt_add_icol(st, a->field) != 0 || cq__stmt_add_ival(st, v) != 0)
        return oom(m->db);
    return CQ_OK;
}

int cq_model_destroy(int64_t *count_out, cq_model *m, const cq_bulk_opts *opts)
{
    if (count_out)
        *count_out = 0;
    cq__db_clear(m->db);
    if (!opts || (!opts->where && !opts->where_sql))
        return cq__db_fail(m->db, CQ_EINVALID,
                           "destroy on \"%s\" needs a where (an empty object deletes every row)",
                           m->name);
    /* paranoid (v6): UPDATE ... SET deletedAt = now WHERE deletedAt IS NULL AND <where> */
    bool soft = m->deleted_at >= 0 && !opts->force;
    cq__stmt *st = cq__stmt_new(soft ? CQ__ST_UPDATE : CQ__ST_DELETE, m->table);
    if (!st)
        return oom(m->db);
    int rc = soft ? set_deleted_at(st, m, true) : CQ_OK;
    if (rc == CQ_OK && soft)
        rc = and_paranoid(st, m, false);
    return run_bulk(st, m, opts, count_out, rc);
}

int cq_model_restore(int64_t *count_out, cq_model *m, const cq_bulk_opts *opts)
{
    if (count_out)
        *count_out = 0;
    cq__db_clear(m->db);
    if (m->deleted_at < 0)
        return cq__db_fail(m->db, CQ_EINVALID, "restore: model \"%s\" is not paranoid", m->name);
    /* v6: UPDATE ... SET deletedAt = NULL WHERE <where> (no deletedAt condition) */
    cq__stmt *st = cq__stmt_new(CQ__ST_UPDATE, m->table);
    if (!st)
        return oom(m->db);
    int rc = set_deleted_at(st, m, false);
    return run_bulk(st, m, opts, count_out, rc);
}
