/* Eager loading (spec/include.md part A); strategy described in query/include.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/assoc.h"
#include "core/util.h"
#include "query/find.h"
#include "query/include.h"
#include "query/where.h"
#include "query/instance.h"
#include "sql/dialect.h"

/* An ORDER BY term handed down to a to-many include's own query. */
typedef struct inc_order {
    const char *attr;
    const char *as; /* the rest of the path below the include; NULL = its own attribute */
    bool desc;
} inc_order;

struct cq__inc {
    const cq_assoc *a;
    cq_model *target;
    const cq_include *spec; /* the caller's element (valid for the whole find) */
    char *alias;            /* SQL alias: parent path + "->" + as */
    bool to_many, required;
    bool separate;         /* its own query: `separate`, or a per-parent `limit` (A6) */
    bool named;            /* a `$path.attr$` key of the top-level where reaches it */
    bool joined;           /* joined into the parent statement (cq__inc_plan_join) */
    bool join_all;         /* the find joins every include (single_join): so does the query
                              of a separate include, for the includes below it */
    bool unshown;          /* reads no column, nor does any include below it (toJSON leaves
                              its key out) */
    bool *sel;             /* target attributes read (to-many: in the single-JOIN shape) */
    bool *hidden;          /* read only for joining (keys) */
    cq__inc_plan children; /* nested includes (to-many: only for the EXISTS filters) */
    size_t col0, tcol0;    /* single-JOIN shape: first column of the target's and of the
                              join row's columns in the result */
    size_t level;          /* single-JOIN reader: its sj_level (cq__inc_sj_begin) */
    inc_order *orders;     /* to-many: order terms for its own query */
    size_t norders, orders_cap;
};

bool cq__inc_plan_empty(const cq__inc_plan *p)
{
    return !p || p->n == 0;
}

void cq__inc_plan_free(cq__inc_plan *p)
{
    for (size_t i = 0; p && i < p->n; i++) {
        cq__free(p->nodes[i].alias);
        cq__free(p->nodes[i].sel);
        cq__free(p->nodes[i].hidden);
        cq__free(p->nodes[i].orders);
        cq__inc_plan_free(&p->nodes[i].children);
    }
    if (p) {
        cq__free(p->nodes);
        p->nodes = NULL;
        p->n = 0;
        cq__inc_list_free(p->expanded);
        p->expanded = NULL;
    }
}

static int plan_make(cq__inc_plan *out, cq_model *m, const cq_include *list, const char *prefix);

static void force_read(cq__inc *n, const char *attr)
{
    long i = attr ? cq__model_attr_index(n->target, attr) : -1;
    if (i >= 0 && !n->sel[i])
        n->sel[i] = n->hidden[i] = true;
}

/* PostgreSQL cuts identifiers after 63 bytes (so two long include paths can end up with one
 * alias) and MySQL refuses table aliases over 64: an alias longer than 63 bytes keeps its
 * first bytes and ends in a hash of the whole path (include.md A9). Short aliases stay the
 * readable path Sequelize prints. */
#define ALIAS_MAX 63
static char *alias_join(const char *left, const char *sep, const char *right)
{
    char *full = left ? cq__asprintf("%s%s%s", left, sep, right) : cq__strdup(right);
    if (!full || strlen(full) <= ALIAS_MAX)
        return full;
    uint32_t h = cq__fnv1a(full);
    int cut = ALIAS_MAX - 9;
    while (cut > 0 && ((unsigned char)full[cut] & 0xC0) == 0x80)
        cut--; /* not inside a UTF-8 sequence */
    char *s = cq__asprintf("%.*s_%08x", cut, full, (unsigned)h);
    cq__free(full);
    return s;
}

/* An include that reads no column of its target, nor do the includes under it. */
static bool shows_nothing(const cq_include *spec)
{
    if (!spec || !spec->attributes || spec->attributes[0])
        return false;
    for (const cq_include *e = spec->include; e && !cq__inc_is_end(e); e++)
        if (!shows_nothing(e))
            return false;
    return true;
}

static int node_make(cq__inc *n, cq_model *m, const cq_include *e, const cq_assoc *a,
                     const char *prefix)
{
    cq_db *db = m->db;
    n->a = a;
    n->spec = e;
    n->unshown = shows_nothing(e);
    n->target = a->target;
    n->to_many = cq__assoc_is_multi(a);
    n->required = e->required == CQ_DEFAULT ? e->where != NULL : e->required == CQ_ON;
    n->alias = alias_join(prefix, "->", a->alias.as);
    if (!n->alias)
        return cq__db_oom(db);
    char what[128];
    snprintf(what, sizeof what, "include %s", a->alias.as);
    int krc = cq__assoc_check_keys(a, what);
    if (krc != CQ_OK)
        return krc;
    if (e->limit < 0)
        return cq__db_fail(db, CQ_EINVALID, "include %s: limit must not be negative", a->alias.as);
    n->separate = e->separate || e->limit > 0; /* a limit implies separate (A6) */
    if (n->separate && a->type != CQ_HAS_MANY)
        return cq__db_fail(db, CQ_EINVALID, "Only HasMany associations support include.separate");
    if (e->order && !n->separate)
        return cq__db_fail(db, CQ_EINVALID,
                           "include %s: order inside an include needs separate: true or a limit "
                           "(order the whole result by the include's attributes instead)",
                           a->alias.as);
    for (const cq_order *o = e->order; o && o->attr; o++)
        if (o->as || cq__model_attr_index(a->target, o->attr) < 0)
            return cq__db_fail(db, CQ_EUNKNOWN_ATTR,
                               "include %s: order: model \"%s\" has no attribute \"%s\"",
                               a->alias.as, a->target->name, o->attr);
    if (n->separate)
        n->required = false; /* a separate include never filters its parents (A6) */
    for (const char *const *at = e->attributes; at && *at; at++)
        if (cq__model_attr_index(a->target, *at) < 0)
            return cq__db_fail(db, CQ_EUNKNOWN_ATTR,
                               "include %s: model \"%s\" has no attribute \"%s\"", a->alias.as,
                               a->target->name, *at);
    cq_model *t = a->target;
    int rc = e->include ? plan_make(&n->children, t, e->include, n->alias) : CQ_OK;
    if (rc != CQ_OK)
        return rc;
    /* (a to-many include uses these only in the single-JOIN shape: by default its own query
     * selects its columns) */
    n->sel = cq__calloc(t->nattrs + 1, sizeof *n->sel);
    n->hidden = cq__calloc(t->nattrs + 1, sizeof *n->hidden);
    if (!n->sel || !n->hidden)
        return cq__db_oom(db);
    for (size_t i = 0; i < t->nattrs; i++) {
        n->sel[i] = !e->attributes || cq__str_in(e->attributes, t->attrs[i].name);
        if (!n->sel[i] && t->attrs[i].primary_key)
            n->sel[i] = n->hidden[i] = true; /* tells "no row" from a row (A3, A4) */
    }
    /* keys the nested includes are tied by (a to-many child's source key) */
    for (size_t i = 0; i < n->children.n; i++)
        if (n->children.nodes[i].to_many)
            force_read(n, n->children.nodes[i].a->source_key);
    return CQ_OK;
}

static int plan_make(cq__inc_plan *out, cq_model *m, const cq_include *list, const char *prefix)
{
    memset(out, 0, sizeof *out);
    size_t cap = 0;
    for (const cq_include *e = list; e && !cq__inc_is_end(e); e++) {
        size_t todo = e->all ? m->nassocs : 1;
        for (size_t k = 0; k < todo; k++) {
            const cq_assoc *a = NULL;
            int rc = e->all ? (a = m->assocs[k], CQ_OK) : cq__inc_resolve(&a, m, e);
            if (rc != CQ_OK)
                return rc;
            bool dup = false; /* the same include listed twice is merged */
            for (size_t i = 0; i < out->n; i++)
                dup |= out->nodes[i].a == a;
            if (dup)
                continue;
            if (cq__grow((void **)&out->nodes, &cap, out->n + 1, sizeof *out->nodes) != 0)
                return cq__db_oom(m->db);
            cq__inc *n = &out->nodes[out->n++];
            memset(n, 0, sizeof *n);
            rc = node_make(n, m, e, a, prefix);
            if (rc != CQ_OK)
                return rc;
        }
    }
    return CQ_OK;
}

int cq__inc_plan_make(cq__inc_plan *out, cq_model *m, const cq_include *list)
{
    cq_include *expanded = NULL; /* `all` elements expanded (include_all.c) */
    int rc = cq__inc_expand_all(&expanded, m, list);
    if (rc == CQ_OK)
        rc = plan_make(out, m, expanded ? expanded : list, NULL);
    else
        memset(out, 0, sizeof *out);
    out->expanded = expanded;
    if (rc != CQ_OK)
        cq__inc_plan_free(out);
    return rc;
}

bool cq__inc_plan_shows_key(const cq__inc_plan *p, const char *attr)
{
    for (size_t i = 0; p && i < p->n; i++)
        if (p->nodes[i].separate && strcmp(p->nodes[i].a->source_key, attr) == 0)
            return true;
    return false;
}

/* ---- joins and semi-joins --------------------------------------------------------------- */

static cq__expr *col_of(cq_model *m, const char *alias, const char *attr)
{
    long i = attr ? cq__model_attr_index(m, attr) : -1;
    return i < 0 ? NULL : cq__expr_col(alias, m->attrs[i].field);
}

/* ANDs the where built from `cond` (on model m under `alias`) onto `and`. */
static int and_where(cq__expr *and, cq_model *m, const char *alias, const cq_value *cond)
{
    cq__expr *w = NULL;
    int rc = cq__where_build(&w, m, alias, cond);
    if (rc == CQ_OK && w && cq__expr_add(and, w) != 0)
        rc = cq__db_oom(m->db);
    return rc;
}

/* ANDs a paranoid model's `alias.deletedAt IS NULL` onto `and` unless `f` is CQ_OFF (v6 puts
 * it in the include's ON clause; it does not make the include required). */
static int and_paranoid(cq__expr *and, const cq_model *m, const char *alias, cq_flag f)
{
    cq__expr *pe = NULL;
    int rc = f == CQ_OFF ? CQ_OK : cq__where_paranoid(&pe, m, alias, false);
    if (rc == CQ_OK && pe && cq__expr_add(and, pe) != 0)
        rc = cq__db_oom(m->db);
    return rc;
}

/* The condition tying an included row (alias n->alias) to its parent (alias palias). */
static cq__expr *link_of(const cq__inc *n, cq_model *parent, const char *palias)
{
    const cq_assoc *a = n->a;
    if (a->type == CQ_BELONGS_TO)
        return cq__expr_cmp(col_of(parent, palias, a->fk), "=",
                            col_of(a->target, n->alias, a->target_key));
    return cq__expr_cmp(col_of(parent, palias, a->source_key), "=",
                        col_of(a->target, n->alias, a->fk));
}

static int sub_of(cq__expr **out, const cq__inc *n, cq_model *parent, const char *palias,
                  const char *agg_attr, bool desc);
static int exists_of(cq__expr **out, const cq__inc *n, cq_model *parent, const char *palias)
{
    return sub_of(out, n, parent, palias, NULL, false);
}

/* ANDs an EXISTS filter for every required child of `n` onto `and`. */
static int and_required_children(cq__expr *and, const cq__inc *n)
{
    for (size_t i = 0; i < n->children.n; i++) {
        const cq__inc *c = &n->children.nodes[i];
        if (!c->required)
            continue;
        cq__expr *ex = NULL;
        int rc = exists_of(&ex, c, n->target, n->alias);
        if (rc != CQ_OK)
            return rc;
        if (cq__expr_add(and, ex) != 0)
            return cq__db_oom(n->target->db);
    }
    return CQ_OK;
}

/* EXISTS (SELECT * FROM <target> ... WHERE <link> AND <scope> AND <where> AND <required
 * descendants>): a semi-join that keeps the parent row when a matching included row exists.
 * With `agg_attr`: the scalar subquery (SELECT max|min(<attr>) FROM ... WHERE ...), by which
 * parents are ordered when the order names a to-many include's attribute (include.md A7:
 * descending takes each parent's largest value, ascending its smallest, as the joined rows
 * Sequelize sorts would). */
static int sub_of(cq__expr **out, const cq__inc *n, cq_model *parent, const char *palias,
                  const char *agg_attr, bool desc)
{
    const cq_assoc *a = n->a;
    cq_db *db = parent->db;
    *out = NULL;
    cq__expr *cond = cq__expr_new(CQ__EX_AND);
    cq__stmt *sub = NULL;
    char *talias = NULL;
    int rc = cond ? CQ_OK : cq__db_oom(db);
    if (rc == CQ_OK && a->type != CQ_BELONGS_TO_MANY) {
        sub = cq__stmt_new(CQ__ST_SELECT, a->target->table);
        if (!sub || !(sub->alias = cq__strdup(n->alias)) ||
            cq__stmt_add_col(sub, NULL, "*", NULL) != 0 ||
            cq__expr_add(cond, link_of(n, parent, palias)) != 0)
            rc = cq__db_oom(db);
    } else if (rc == CQ_OK) {
        /* FROM <through> JOIN <target> ON target key = other key WHERE through fk = parent key */
        cq_model *t = a->through;
        talias = alias_join(n->alias, "->", t->name);
        sub = cq__stmt_new(CQ__ST_SELECT, t->table);
        if (!talias || !sub || !(sub->alias = cq__strdup(talias)) ||
            cq__stmt_add_col(sub, NULL, "*", NULL) != 0 ||
            cq__stmt_add_join(sub, false, a->target->table, n->alias,
                              cq__expr_cmp(col_of(a->target, n->alias, a->target_key), "=",
                                           col_of(t, talias, a->other_key))) != 0 ||
            cq__expr_add(cond, cq__expr_cmp(col_of(t, talias, a->fk), "=",
                                            col_of(parent, palias, a->source_key))) != 0)
            rc = cq__db_oom(db);
        if (rc == CQ_OK)
            rc = and_paranoid(cond, t, talias, n->spec->through_paranoid);
        if (rc == CQ_OK)
            rc = and_where(cond, t, talias, a->through_scope);
        if (rc == CQ_OK)
            rc = and_where(cond, t, talias, n->spec->through_where);
    }
    if (rc == CQ_OK)
        rc = and_paranoid(cond, a->target, n->alias, n->spec->paranoid);
    if (rc == CQ_OK)
        rc = and_where(cond, a->target, n->alias, a->scope);
    if (rc == CQ_OK)
        rc = and_where(cond, a->target, n->alias, n->spec->where);
    if (rc == CQ_OK)
        rc = and_required_children(cond, n);
    if (rc == CQ_OK) {
        if (cq__stmt_and_where(sub, cond) != 0)
            rc = cq__db_oom(db);
        cond = NULL;
    }
    if (rc == CQ_OK && agg_attr) {
        sub->count = cq__expr_new(CQ__EX_AGG);
        if (!sub->count || cq__expr_add(sub->count, col_of(a->target, n->alias, agg_attr)) != 0)
            rc = cq__db_oom(db);
        else
            sub->count->op = desc ? "max" : "min";
    }
    cq__expr *e = rc == CQ_OK ? cq__expr_new(agg_attr ? CQ__EX_SUBQUERY : CQ__EX_EXISTS) : NULL;
    if (rc == CQ_OK && !e)
        rc = cq__db_oom(db);
    if (rc == CQ_OK) {
        e->sub = sub;
        sub = NULL;
        *out = e;
    }
    cq__expr_free(cond);
    cq__stmt_free(sub);
    cq__free(talias);
    return rc;
}

/* ON condition of a to-one include: the link, the association scope and the include's where. */
static int to_one_on(cq__expr **out, const cq__inc *n, cq_model *parent, const char *palias)
{
    const cq_assoc *a = n->a;
    cq__expr *on = cq__expr_new(CQ__EX_AND);
    if (!on || cq__expr_add(on, link_of(n, parent, palias)) != 0) {
        cq__expr_free(on);
        return cq__db_oom(parent->db);
    }
    int rc = and_paranoid(on, a->target, n->alias, n->spec->paranoid);
    if (rc == CQ_OK)
        rc = and_where(on, a->target, n->alias, a->scope);
    if (rc == CQ_OK)
        rc = and_where(on, a->target, n->alias, n->spec->where);
    if (rc != CQ_OK) {
        cq__expr_free(on);
        return rc;
    }
    *out = on;
    return CQ_OK;
}

/* ANDs `e` onto `filter`, or onto the statement's WHERE when filter is NULL. */
static int add_filter(cq__stmt *st, cq__expr *filter, cq__expr *e)
{
    return filter ? cq__expr_add(filter, e) : cq__stmt_and_where(st, e);
}

/* Adds the includes of `p` (parent model m under `alias`) to `st`:
 *  - a to-one include is JOINed: INNER when it is required and every include above it is
 *    INNER too, else LEFT OUTER; its columns follow;
 *  - a required include that cannot be an INNER JOIN (a to-many include, or a to-one under a
 *    LEFT OUTER JOIN) becomes an EXISTS filter on its parent: on the WHERE for the root
 *    (`filter` NULL), on the parent include's ON clause otherwise, so a required child never
 *    drops more than its parent include (spec/include.md A2).
 * In count mode only the filters are added: no JOIN can change which parents match. */
static int add_nodes(cq__stmt *st, cq__inc_plan *p, cq_model *m, const char *alias, bool count_only,
                     bool parent_inner, cq__expr *filter)
{
    cq_db *db = m->db;
    for (size_t i = 0; i < p->n; i++) {
        cq__inc *n = &p->nodes[i];
        bool inner = n->required && parent_inner && !count_only && !n->to_many;
        if (n->required && !inner) {
            cq__expr *ex = NULL;
            int rc = exists_of(&ex, n, m, alias);
            if (rc != CQ_OK)
                return rc;
            if (add_filter(st, filter, ex) != 0)
                return cq__db_oom(db);
        }
        if (n->to_many || count_only)
            continue;
        cq__expr *on = NULL;
        int rc = to_one_on(&on, n, m, alias);
        if (rc != CQ_OK)
            return rc;
        if (cq__stmt_add_join(st, !inner, n->target->table, n->alias, on) != 0)
            return cq__db_oom(db);
        for (size_t k = 0; k < n->target->nattrs; k++) {
            if (!n->sel[k])
                continue;
            char *colalias = alias_join(n->alias, ".", n->target->attrs[k].name);
            if (!colalias ||
                cq__stmt_add_col(st, n->alias, n->target->attrs[k].field, colalias) != 0) {
                cq__free(colalias);
                return cq__db_oom(db);
            }
            cq__free(colalias);
        }
        /* filters for this include's required children go in its own ON clause */
        rc = add_nodes(st, &n->children, n->target, n->alias, false, inner, on);
        if (rc != CQ_OK)
            return rc;
    }
    return CQ_OK;
}

int cq__inc_add_to_select(cq__stmt *st, cq__inc_plan *p, cq_model *m, const char *alias,
                          bool count_only)
{
    return add_nodes(st, p, m, alias, count_only, true, NULL);
}

/* ---- ordering by included attributes ---------------------------------------------------- */

/* cq__inc_order_expr for includes `p` of model m under the SQL alias `malias`. */
static int order_at(cq__expr **out, cq__inc_plan *p, cq_model *m, const char *malias,
                    const char *as_path, const char *attr, bool desc)
{
    *out = NULL;
    const char *path = as_path;
    cq__inc *n = NULL;
    cq_model *pm = m;        /* the model the current level hangs from */
    const char *pa = malias; /* and its SQL alias */
    for (;;) {
        const char *dot = strchr(path, '.');
        size_t len = dot ? (size_t)(dot - path) : strlen(path);
        n = NULL;
        for (size_t i = 0; p && i < p->n && !n; i++) {
            const char *as = p->nodes[i].a->alias.as;
            if (strlen(as) == len && strncmp(as, path, len) == 0)
                n = &p->nodes[i];
        }
        if (!n)
            return cq__db_fail(m->db, CQ_EEAGER,
                               "order names include \"%s\", which is not included in this query",
                               as_path);
        if (n->to_many) {
            /* ordered in the include's own query (children in that order under each parent) */
            if (cq__grow((void **)&n->orders, &n->orders_cap, n->norders + 1, sizeof *n->orders) !=
                0)
                return cq__db_oom(m->db);
            n->orders[n->norders++] =
                (inc_order){ .attr = attr, .as = dot ? dot + 1 : NULL, .desc = desc };
            if (!dot && cq__model_attr_index(n->target, attr) < 0)
                return cq__db_fail(m->db, CQ_EUNKNOWN_ATTR,
                                   "order: model \"%s\" has no attribute \"%s\"", n->target->name,
                                   attr);
            /* and the parents by their children's values (A7) */
            return dot || n->separate ? CQ_OK : sub_of(out, n, pm, pa, attr, desc);
        }
        if (!dot)
            break;
        pm = n->target;
        pa = n->alias;
        p = &n->children;
        path = dot + 1;
    }
    *out = col_of(n->target, n->alias, attr);
    if (!*out)
        return cq__db_fail(m->db, CQ_EUNKNOWN_ATTR, "order: model \"%s\" has no attribute \"%s\"",
                           n->target->name, attr);
    return CQ_OK;
}

int cq__inc_order_expr(cq__expr **out, cq__inc_plan *p, cq_model *m, const char *as_path,
                       const char *attr, bool desc)
{
    return order_at(out, p, m, m->name, as_path, attr, desc);
}

void cq__inc_plan_clear_orders(cq__inc_plan *p)
{
    for (size_t i = 0; p && i < p->n; i++) {
        p->nodes[i].norders = 0;
        cq__inc_plan_clear_orders(&p->nodes[i].children);
    }
}

/* ---- reading rows ----------------------------------------------------------------------- */

static cq__included *add_included(cq_instance *inst, const cq__inc *n)
{
    cq__included *inc = cq__instance_add_included(inst, n->a, n->to_many);
    if (inc)
        inc->unshown = n->unshown;
    return inc;
}

int cq__inc_read_row(cq_instance *inst, cq__inc_plan *p, cq__result *res, size_t *col)
{
    if (cq__instance_reserve_included(inst, inst->ninc + p->n) != 0)
        return cq__db_oom(inst->model->db);
    for (size_t i = 0; i < p->n; i++) {
        cq__inc *n = &p->nodes[i];
        cq_model *t = n->target;
        cq__included *inc = add_included(inst, n);
        if (!inc)
            return cq__db_oom(t->db);
        if (n->to_many)
            continue; /* filled by cq__inc_load_many */
        cq_instance *child = cq__instance_read(t, n->sel, res, col);
        if (!child)
            return cq__db_oom(t->db);
        bool present = t->npk == 0;
        for (size_t k = 0; k < t->nattrs; k++)
            present |= n->sel[k] && t->attrs[k].primary_key && !cq_value_is_null(cq__iv(child, k));
        int rc = CQ_OK;
        for (size_t k = 0; k < t->nattrs && present && rc == CQ_OK; k++)
            if (n->hidden[k]) {
                bool *hidden = cq__instance_hidden_make(child);
                if (!hidden)
                    rc = cq__db_oom(t->db);
                else
                    hidden[k] = true;
            }
        /* the nested columns are consumed even when this include is absent */
        if (rc == CQ_OK)
            rc = cq__inc_read_row(child, &n->children, res, col);
        if (rc != CQ_OK || !present) {
            cq_instance_free(child);
            if (rc != CQ_OK)
                return rc;
            continue;
        }
        inc->one = child;
    }
    return CQ_OK;
}

/* ---- to-many loading --------------------------------------------------------------------- */

static bool has_to_many(const cq__inc_plan *p)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->nodes[i].to_many || has_to_many(&p->nodes[i].children))
            return true;
    return false;
}

/* Deep copy of an included instance (a child shared by two parents with the same key). */
static cq_instance *inst_clone(const cq_instance *src)
{
    cq_model *m = src->model;
    cq_instance *c = cq__instance_alloc(m);
    if (!c)
        return NULL;
    bool ok = true;
    for (size_t i = 0; i < m->nattrs; i++) {
        if (cq__iv(src, i) && !cq__instance_put(c, i, cq_value_copy(cq__iv(src, i))))
            ok = false;
        cq__changed(c)[i] = cq__changed(src)[i];
    }
    c->is_new = src->is_new;
    c->hide_nonpk = src->hide_nonpk;
    if (ok && cq__instance_hidden(src)) {
        bool *hidden = cq__instance_hidden_make(c);
        if (hidden)
            memcpy(hidden, cq__instance_hidden(src), m->nattrs * sizeof *hidden);
        else
            ok = false;
    }
    if (ok && src->through)
        ok = (c->through = inst_clone(src->through)) != NULL;
    for (size_t k = 0; ok && k < src->ninc; k++) {
        const cq__included *s = &src->inc[k];
        cq__included *d = cq__instance_add_included(c, s->assoc, s->rows != NULL);
        if (!d) {
            ok = false;
            break;
        }
        d->many = s->many;
        d->unshown = s->unshown;
        if (s->one)
            ok = (d->one = inst_clone(s->one)) != NULL;
        for (size_t j = 0; ok && s->rows && j < s->rows->n; j++)
            ok = cq__rows_push(d->rows, inst_clone(s->rows->items[j])) == 0;
    }
    if (!ok) {
        cq_instance_free(c);
        return NULL;
    }
    return c;
}

/* A hash from key bytes to a slot (an index the caller gives meaning to). A key is built in a
 * caller's buffer (key_put_cell, key_put) and the map copies the keys it keeps into one arena:
 * a key costs no allocation of its own, and a lookup none at all. `next` chains the parents
 * sharing a key (keymap_put). */
typedef struct km_ent {
    uint32_t tag; /* high bits of the key's hash, never 0 (0: an empty entry); also where the
                     key's probe starts (km_home), so growing rehashes no key */
    uint32_t len; /* the key's bytes, at `off` in the arena */
    uint32_t off; /* 16 bytes an entry: a single-JOIN read keeps one per instance it built */
    uint32_t slot;
} km_ent;

typedef struct keymap {
    km_ent *ents;
    size_t cap; /* a power of two; kept at most half full */
    size_t count;
    cq__buf arena;
    long *next;  /* per slot: the next slot with the same key, or -1 (keymap_put) */
    cq__buf key; /* the key being built for a lookup, reused from one to the next */
} keymap;

/* Key bytes: a tag, then the value's bytes (numbers in the machine's order, texts and blobs
 * after their length), so that every key reads unambiguously from left to right and keys are
 * concatenated without separators. Numbers that are equal meet (1 and 1.0). The form is only
 * ever compared with itself, within one process. */
static void key_put_tagged(cq__buf *b, char tag, const void *bytes, size_t n)
{
    char t[1 + 8];
    t[0] = tag;
    memcpy(t + 1, bytes, n);
    cq__buf_putn(b, t, 1 + n);
}

static void key_put_cell(cq__buf *b, const cq__cell *c)
{
    switch (c->type) {
    case CQ_VALUE_BOOL:
        cq__buf_putn(b, c->i ? "b1" : "b0", 2);
        break;
    case CQ_VALUE_INT:
        key_put_tagged(b, 'i', &c->i, sizeof c->i);
        break;
    case CQ_VALUE_DOUBLE:
        if (c->d >= -9.2e18 && c->d <= 9.2e18 && (double)(int64_t)c->d == c->d) {
            int64_t i = (int64_t)c->d;
            key_put_tagged(b, 'i', &i, sizeof i);
        } else {
            key_put_tagged(b, 'd', &c->d, sizeof c->d);
        }
        break;
    case CQ_VALUE_TEXT:
    case CQ_VALUE_BLOB: {
        uint64_t len = c->len;
        key_put_tagged(b, c->type == CQ_VALUE_TEXT ? 's' : 'x', &len, sizeof len);
        cq__buf_putn(b, c->s, c->len);
        break;
    }
    default:
        cq__buf_putc(b, 'n');
        break;
    }
}

/* Appends the key bytes of a value: a scalar as its cell, an array as its elements in order
 * between '[' and ']', anything else as its JSON text. */
static void key_put(cq__buf *b, const cq_value *v)
{
    cq__cell c;
    if (cq__cell_of(&c, v)) {
        key_put_cell(b, &c);
    } else if (cq_value_type_of(v) == CQ_VALUE_ARRAY) {
        cq__buf_putc(b, '[');
        for (size_t i = 0; i < cq_value_size(v); i++)
            key_put(b, cq_value_array_get(v, i));
        cq__buf_putc(b, ']');
    } else {
        char *json = NULL;
        if (cq_value_to_json(&json, v, 0) != CQ_OK) {
            b->oom = true;
            return;
        }
        uint64_t len = strlen(json);
        key_put_tagged(b, 'j', &len, sizeof len);
        cq__buf_putn(b, json, (size_t)len);
        cq_free(json);
    }
}

/* 64-bit hash of key bytes, a word at a time (keys hold pointers and 8-byte numbers). */
static uint64_t key_hash(const char *p, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15u ^ (uint64_t)n;
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdu;
        h ^= h >> 32;
    }
    uint64_t w = 0;
    memcpy(&w, p, n);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53u;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdu;
    return h ^ (h >> 33);
}

static uint32_t key_tag(uint64_t h)
{
    return (uint32_t)(h >> 32) | 1u;
}

static size_t km_home(uint32_t tag, size_t cap)
{
    return (size_t)(tag >> 1) & (cap - 1);
}

/* Whether one more key would fill the table past three quarters (open addressing with the
 * hash's high bits compared first stays short at that load, and the table takes 16 bytes per
 * key less than at half load). */
static bool keymap_full(const keymap *m)
{
    return (m->count + 1) * 4 > m->cap * 3;
}

/* `n`: how many slots keymap_put may chain (0 when it is not used). */
static int keymap_init(keymap *m, size_t n)
{
    memset(m, 0, sizeof *m);
    m->cap = 16;
    while (m->cap * 3 < n * 4) /* (the load kept at most 3/4: keymap_full) */
        m->cap *= 2;
    m->ents = cq__calloc(m->cap, sizeof *m->ents);
    m->next = n ? cq__malloc(n * sizeof *m->next) : NULL;
    for (size_t i = 0; m->next && i < n; i++)
        m->next[i] = -1;
    return m->ents && (m->next || !n) ? 0 : -1;
}

static void keymap_free(keymap *m)
{
    cq__free(m->ents);
    cq__free(m->next);
    cq__buf_free(&m->arena);
    cq__buf_free(&m->key);
}

/* The key bytes of `v` in m->key (NULL when out of memory). */
static const char *keymap_key_of(keymap *m, const cq_value *v)
{
    m->key.len = 0;
    key_put(&m->key, v);
    return m->key.oom ? NULL : m->key.data ? m->key.data : "";
}

/* The entry holding `key`, or the empty entry where it would go. */
static km_ent *keymap_find(const keymap *m, const char *key, size_t len, uint64_t h)
{
    uint32_t tag = key_tag(h);
    for (size_t i = km_home(tag, m->cap);; i = (i + 1) & (m->cap - 1)) {
        km_ent *e = &m->ents[i];
        if (!e->tag ||
            (e->tag == tag && e->len == len && memcmp(m->arena.data + e->off, key, len) == 0))
            return e;
    }
}

/* Doubles the table. */
static int keymap_grow(keymap *m)
{
    size_t cap = m->cap * 2;
    km_ent *ents = cq__calloc(cap, sizeof *ents);
    if (!ents)
        return -1;
    for (size_t i = 0; i < m->cap; i++) {
        km_ent *e = &m->ents[i];
        if (!e->tag)
            continue;
        size_t j = km_home(e->tag, cap);
        while (ents[j].tag)
            j = (j + 1) & (cap - 1);
        ents[j] = *e;
    }
    cq__free(m->ents);
    m->ents = ents;
    m->cap = cap;
    return 0;
}

/* Fills the empty entry `e` with a copy of key -> slot. */
static int keymap_fill(keymap *m, km_ent *e, const char *key, size_t len, uint64_t h, size_t slot)
{
    size_t off = m->arena.len;
    if (len > UINT32_MAX || off > UINT32_MAX - len || slot > UINT32_MAX)
        return -1;
    cq__buf_putn(&m->arena, key, len);
    if (m->arena.oom)
        return -1;
    *e = (km_ent){
        .tag = key_tag(h), .len = (uint32_t)len, .off = (uint32_t)off, .slot = (uint32_t)slot
    };
    m->count++;
    return 0;
}

/* Adds key -> slot; when the key is there already the slot is chained after the slots holding
 * it instead. 1: a new key, 0: chained, -1: out of memory. */
static int keymap_put(keymap *m, const char *key, size_t len, size_t slot)
{
    if (keymap_full(m) && keymap_grow(m) != 0)
        return -1;
    uint64_t h = key_hash(key, len);
    km_ent *e = keymap_find(m, key, len, h);
    if (!e->tag)
        return keymap_fill(m, e, key, len, h, slot) == 0 ? 1 : -1;
    size_t last = e->slot;
    while (m->next[last] >= 0)
        last = (size_t)m->next[last];
    m->next[last] = (long)slot;
    return 0;
}

/* Sets key -> slot, replacing the slot of a key already there (no chaining); `out` (NULL
 * allowed) gets a copy of the entry. */
static int keymap_set(keymap *m, const char *key, size_t len, size_t slot, km_ent *out)
{
    if (keymap_full(m) && keymap_grow(m) != 0)
        return -1;
    uint64_t h = key_hash(key, len);
    km_ent *e = keymap_find(m, key, len, h);
    if (e->tag && slot > UINT32_MAX)
        return -1;
    if (e->tag)
        e->slot = (uint32_t)slot;
    else if (keymap_fill(m, e, key, len, h, slot) != 0)
        return -1;
    if (out)
        *out = *e;
    return 0;
}

/* The entry of `key`, or NULL. */
static const km_ent *keymap_lookup(const keymap *m, const char *key, size_t len)
{
    const km_ent *e = keymap_find(m, key, len, key_hash(key, len));
    return e->tag ? e : NULL;
}

static long keymap_get(const keymap *m, const char *key, size_t len)
{
    const km_ent *e = keymap_lookup(m, key, len);
    return e ? (long)e->slot : -1;
}

static cq__included *included_for(cq_instance *inst, const cq__inc *n)
{
    for (size_t i = 0; i < inst->ninc; i++)
        if (inst->inc[i].assoc == n->a)
            return &inst->inc[i];
    return NULL;
}

/* Where clause object {fk: {$in: keys}, <scope>}; takes `keys`. */
static cq_value *keys_where(const char *fk, cq_value *keys, const cq_value *scope)
{
    cq_value *in = cq_value_object(), *w = cq_value_object();
    if (!in || !w) {
        cq_value_free(keys); /* taken even on failure */
        cq_value_free(in);
        cq_value_free(w);
        return NULL;
    }
    if (cq_value_object_set(in, "$in", keys) != CQ_OK) {
        cq_value_free(in);
        cq_value_free(w);
        return NULL;
    }
    if (cq_value_object_set(w, fk, in) != CQ_OK) {
        cq_value_free(w);
        return NULL;
    }
    for (size_t k = 0; k < cq_value_size(scope); k++)
        if (cq_value_object_set(w, cq_value_object_key(scope, k),
                                cq_value_copy(cq_value_object_value(scope, k))) != CQ_OK) {
            cq_value_free(w);
            return NULL;
        }
    return w;
}

/* A hasMany include with a limit: one condition per parent key (`fk = key` and the scope),
 * each branch LIMITed on its own (include.md A6). Takes `keys`. */
static int branches_ext(cq__find_ext *ext, const cq_assoc *a, cq_value *keys, int64_t limit)
{
    cq_db *db = a->source->db;
    size_t nk = cq_value_size(keys);
    int rc =
        (ext->branch_where = cq__calloc(nk, sizeof *ext->branch_where)) ? CQ_OK : cq__db_oom(db);
    for (size_t i = 0; rc == CQ_OK && i < nk; i++) {
        cq_value *w = cq_value_object();
        if (!w ||
            cq_value_object_set(w, a->fk, cq_value_copy(cq_value_array_get(keys, i))) != CQ_OK)
            rc = cq__db_oom(db);
        for (size_t k = 0; rc == CQ_OK && k < cq_value_size(a->scope); k++)
            if (cq_value_object_set(w, cq_value_object_key(a->scope, k),
                                    cq_value_copy(cq_value_object_value(a->scope, k))) != CQ_OK)
                rc = cq__db_oom(db);
        if (rc == CQ_OK)
            rc = cq__where_build(&ext->branch_where[i], a->target, a->target->name, w);
        if (rc == CQ_OK)
            ext->nbranch = i + 1;
        cq_value_free(w);
    }
    ext->branch_limit = limit;
    cq_value_free(keys);
    return rc;
}

/* belongsToMany: the join of the through model (target key = other key, through scope and
 * through where) and the filter on the through model's foreign key. */
static int btm_ext(cq__find_ext *ext, const cq__inc *n, cq_value *keys)
{
    const cq_assoc *a = n->a;
    cq_model *t = a->through;
    cq_db *db = t->db;
    ext->through = t;
    ext->through_alias = t->name;
    ext->through_attrs = n->spec->through_attributes;
    ext->keep_through_keys = true;
    /* a join row dropped once its child is placed (through attributes none) needs only the
     * key that places it, unless nested includes group the children by the whole row */
    if (n->spec->through_attributes_none && !has_to_many(&n->children))
        ext->through_only = a->fk;
    cq_value *w = keys_where(a->fk, keys, a->through_scope);
    cq__expr *on = cq__expr_new(CQ__EX_AND);
    int rc = w && on ? CQ_OK : cq__db_oom(db);
    if (rc == CQ_OK &&
        cq__expr_add(on, cq__expr_cmp(col_of(a->target, a->target->name, a->target_key), "=",
                                      col_of(t, t->name, a->other_key))) != 0)
        rc = cq__db_oom(db);
    if (rc == CQ_OK)
        rc = and_paranoid(on, t, t->name, n->spec->through_paranoid);
    if (rc == CQ_OK)
        rc = and_where(on, t, t->name, w);
    if (rc == CQ_OK)
        rc = and_where(on, t, t->name, n->spec->through_where);
    cq_value_free(w);
    if (rc != CQ_OK) {
        cq__expr_free(on);
        return rc;
    }
    ext->join_on = on;
    if (a->scope)
        rc = cq__where_build(&ext->where, a->target, a->target->name, a->scope);
    return rc;
}

static int pk_cmp(const void *x, const void *y)
{
    const cq_instance *a = *(cq_instance *const *)x, *b = *(cq_instance *const *)y;
    size_t k = a->model->pk[0];
    int64_t ka = cq_value_as_int(cq__iv(a, k)), kb = cq_value_as_int(cq__iv(b, k));
    return (ka > kb) - (ka < kb);
}

static bool int_pk(const cq_model *m)
{
    return m->npk == 1 &&
           (m->attrs[m->pk[0]].type == CQ_INTEGER || m->attrs[m->pk[0]].type == CQ_BIGINT);
}

/* Lists of children that got one out of key order while rows were read; sorted by key once
 * every row is in (rows usually come in key order: then nothing is sorted, and the tree is not
 * walked again). */
typedef struct unsorted {
    cq_rows **lists;
    size_t n, cap;
} unsorted;

/* After a child was appended to `list`: remembers the list when its last two keys are out of
 * order. */
static int unsorted_note(unsorted *u, cq_rows *list)
{
    if (list->n < 2 || pk_cmp(&list->items[list->n - 2], &list->items[list->n - 1]) < 0 ||
        (u->n && u->lists[u->n - 1] == list))
        return 0;
    if (cq__grow((void **)&u->lists, &u->cap, u->n + 1, sizeof *u->lists) != 0)
        return -1;
    u->lists[u->n++] = list;
    return 0;
}

static void unsorted_sort(unsorted *u)
{
    for (size_t i = 0; i < u->n; i++)
        qsort(u->lists[i]->items, u->lists[i]->n, sizeof *u->lists[i]->items, pk_cmp);
}

/* Hands `child` to every parent chained from `slot` (the first takes it, the others copies);
 * with `u`, a list that gets it out of key order is remembered there. */
static int distribute(cq_instance *child, const cq__inc *n, cq_instance **parents, const keymap *km,
                      long slot, unsorted *u)
{
    cq_db *db = n->target->db;
    for (long s = slot; s >= 0; s = km->next[s]) {
        cq_instance *give = km->next[s] >= 0 ? inst_clone(child) : child;
        cq__included *inc = included_for(parents[s], n);
        if (!give || cq__rows_push(inc->rows, give) != 0) {
            if (give != child)
                cq_instance_free(child);
            return cq__db_oom(db);
        }
        if (u && unsorted_note(u, inc->rows) != 0)
            return cq__db_oom(db);
    }
    return CQ_OK;
}

/* The parents' keys for one include: each parent gets its (empty) included list, *keys the
 * distinct non-null keys, km each key's first parent. */
static int collect_keys(cq_value *keys, keymap *km, cq__inc *n, cq_instance **parents, size_t np)
{
    const cq_assoc *a = n->a;
    cq_db *db = a->source->db;
    long ki = np ? cq__model_attr_index(parents[0]->model, a->source_key) : -1;
    for (size_t i = 0; i < np; i++) {
        cq__included *inc = included_for(parents[i], n);
        if (!inc && !(inc = add_included(parents[i], n)))
            return cq__db_oom(db);
        const cq_value *k = ki >= 0 ? cq__iv(parents[i], ki) : NULL;
        if (!k || cq_value_is_null(k))
            continue;
        const char *kt = keymap_key_of(km, k);
        int put = kt ? keymap_put(km, kt, km->key.len, i) : -1;
        if (put < 0 || (put && cq_value_array_append(keys, cq_value_copy(k)) != CQ_OK))
            return cq__db_oom(db);
    }
    return CQ_OK;
}

/* The children's `attributes`: the include's, plus the key that ties a child to its parent
 * and the child's primary key, which are always read (and hidden when the include left them
 * out: A3). *out (to free) stays NULL when the include names no attributes. */
static int child_attrs(const char ***out, const cq_include *e, const char *link, const char *pk,
                       cq_db *db)
{
    *out = NULL;
    if (!e->attributes)
        return CQ_OK;
    size_t cnt = 0;
    while (e->attributes[cnt])
        cnt++;
    const char **attrs = *out = cq__calloc(cnt + 3, sizeof *attrs);
    if (!attrs)
        return cq__db_oom(db);
    for (size_t i = 0; i < cnt; i++)
        attrs[i] = e->attributes[i];
    if (link && !cq__str_in(attrs, link))
        attrs[cnt++] = link;
    if (pk && !cq__str_in(attrs, pk))
        attrs[cnt++] = pk;
    return CQ_OK;
}

/* The children's order: the caller's terms for this include, then the primary key (children
 * come in a stable order). *out to free; *count terms. Without terms of the caller's and with
 * one integer key, no ORDER BY at all, as Sequelize sends it: *by_key, and the lists that
 * got children out of key order are sorted once read (unsorted), which spares the database
 * a sort of every child. */
static int child_order(cq_order **out, size_t *count, bool *by_key, const cq__inc *n,
                       const char *pk, cq_db *db)
{
    const cq_include *e = n->spec;
    size_t nspec = 0;
    while (e->order && e->order[nspec].attr)
        nspec++;
    *by_key = nspec == 0 && n->norders == 0 && e->limit <= 0 && int_pk(n->a->target);
    if (*by_key) {
        *out = NULL;
        *count = 0;
        return CQ_OK;
    }
    cq_order *ord = *out = cq__calloc(nspec + n->norders + 2, sizeof *ord);
    *count = 0;
    if (!ord)
        return cq__db_oom(db);
    size_t no = 0;
    for (size_t i = 0; i < nspec; i++)
        ord[no++] = (cq_order){ .attr = e->order[i].attr, .desc = e->order[i].desc };
    for (size_t i = 0; i < n->norders; i++)
        ord[no++] = (cq_order){ .attr = n->orders[i].attr,
                                .as = n->orders[i].as,
                                .desc = n->orders[i].desc };
    if (pk)
        ord[no++] = (cq_order){ .attr = pk };
    *count = no;
    return CQ_OK;
}

/* What ties the children's query to the parents' keys (taken): a where on the foreign key,
 * per-parent branches (a limited hasMany), or the join model (belongsToMany). */
static int child_ext(cq__find_ext *ext, cq__inc *n, cq_value *keys)
{
    const cq_assoc *a = n->a;
    const cq_include *e = n->spec;
    if (a->type == CQ_HAS_MANY && e->limit > 0)
        return branches_ext(ext, a, keys, e->limit);
    if (a->type != CQ_HAS_MANY)
        return btm_ext(ext, n, keys);
    cq_value *w = keys_where(a->fk, keys, a->scope);
    int rc =
        w ? cq__where_build(&ext->where, a->target, a->target->name, w) : cq__db_oom(a->source->db);
    cq_value_free(w);
    return rc;
}

/* Where the children of one include go as their query reads them (cq__find_ext.take). */
typedef struct placer {
    cq__inc *n;
    cq_instance **parents;
    keymap *km;
    long fk;
    unsorted *u; /* the lists to sort once read; NULL when the query sorted them */
} placer;

/* Gives one child (taken) to the parents whose key it carries; a child of no parent is
 * dropped. (A cq__find_ext.take: `ctx` is the placer.) */
static int place_child(void *ctx, cq_instance *child)
{
    const placer *pl = ctx;
    cq__inc *n = pl->n;
    keymap *km = pl->km;
    long fk = pl->fk;
    const cq_assoc *a = n->a;
    const cq_include *e = n->spec;
    cq_db *db = a->source->db;
    const cq_instance *holder = a->type == CQ_HAS_MANY ? child : child->through;
    const cq_value *k = holder && fk >= 0 ? cq__iv(holder, fk) : NULL;
    const char *kt = k ? keymap_key_of(km, k) : NULL;
    if (k && !kt) {
        cq_instance_free(child); /* not a child without parent: out of memory */
        return cq__db_oom(db);
    }
    long slot = kt ? keymap_get(km, kt, km->key.len) : -1;
    if (slot < 0) {
        cq_instance_free(child);
        return CQ_OK;
    }
    if (a->type == CQ_BELONGS_TO_MANY && child->through) {
        if (e->through_attributes_none) {
            cq_instance_free(child->through);
            child->through = NULL;
        } else if (e->through_attributes &&
                   cq__instance_hide_except(child->through, e->through_attributes) != CQ_OK) {
            cq_instance_free(child);
            return cq__db_oom(db);
        }
    }
    if (e->attributes && cq__instance_hide_except(child, e->attributes) != CQ_OK) {
        cq_instance_free(child);
        return cq__db_oom(db);
    }
    return distribute(child, n, pl->parents, km, slot, pl->u);
}

/* The parent keys one include query binds at most: the dialect's parameter limit, less room
 * for the include's own where and scope. */
static size_t keys_per_query(cq_db *db)
{
    size_t max = cq__sql_dialect_of(cq_db_dialect(db))->max_params;
    return max > 2000 ? max - 1000 : 1000;
}

/* Copies of keys[from .. from+count) (fewer at the end), or NULL when out of memory. */
static cq_value *keys_slice(const cq_value *keys, size_t from, size_t count)
{
    cq_value *part = cq_value_array();
    for (size_t i = from; part && i < cq_value_size(keys) && i < from + count; i++)
        if (cq_value_array_append(part, cq_value_copy(cq_value_array_get(keys, i))) != CQ_OK) {
            cq_value_free(part);
            return NULL;
        }
    return part;
}

/* Loads one to-many include for `parents` with one query (one per part of the keys when
 * they are more than a statement binds). Each child is placed as its row is
 * read (while it is in the cache; a join row dropped is freed at once), or afterwards when the
 * children's own query needs them all first. */
static int load_node(cq__inc *n, cq_instance **parents, size_t np, cq_txn *txn)
{
    const cq_assoc *a = n->a;
    const cq_include *e = n->spec;
    cq_db *db = a->source->db;
    keymap km = { 0 };
    cq_value *keys = cq_value_array();
    int rc = keys && keymap_init(&km, np) == 0 ? CQ_OK : cq__db_oom(db);
    if (rc == CQ_OK)
        rc = collect_keys(keys, &km, n, parents, np);
    if (rc != CQ_OK || cq_value_size(keys) == 0) {
        cq_value_free(keys);
        keymap_free(&km);
        return rc;
    }
    /* in a find that joins every include, a separate hasMany's own query joins the includes
     * below it (Sequelize's statement: the separate level, its to-many children joined) */
    bool join_below = n->join_all && a->type == CQ_HAS_MANY && e->limit <= 0;
    cq_find_opts o = { .where = e->where,
                       .include = e->include,
                       .transaction = txn,
                       .paranoid = e->paranoid,
                       .single_join = join_below };
    const char *pk = cq_model_primary_key(a->target);
    const char **attrs = NULL;
    cq_order *ord = NULL;
    size_t no = 0;
    bool by_key = false;
    rc = child_attrs(&attrs, e, a->type == CQ_HAS_MANY ? a->fk : NULL, pk, db);
    o.attributes = attrs;
    if (rc == CQ_OK)
        rc = child_order(&ord, &no, &by_key, n, pk, db);
    o.order = no ? ord : NULL;
    /* where the key that ties a child to its parent sits: the child's foreign key, or the
     * join row's */
    unsorted u = { 0 };
    placer pl = { n, parents, &km,
                  cq__model_attr_index(a->type == CQ_HAS_MANY ? a->target : a->through, a->fk),
                  by_key ? &u : NULL };
    /* more keys than a statement may bind: one query per part (each key, so each parent's
     * children, in one part; the room left is for the include's own where and scope) */
    size_t total = cq_value_size(keys), part_max = keys_per_query(db);
    for (size_t from = 0; rc == CQ_OK && from < total; from += part_max) {
        cq_value *part = total <= part_max ? keys : keys_slice(keys, from, part_max);
        if (part == keys)
            keys = NULL;
        cq__find_ext ext = { 0 };
        cq_rows *rows = NULL;
        rc = part ? child_ext(&ext, n, part) : cq__db_oom(db);
        ext.no_hooks = true; /* v6 loads includes inside the parent's find: no hooks of their own */
        ext.join_below = join_below;
        ext.take = place_child;
        ext.take_ctx = &pl;
        if (rc == CQ_OK)
            rc = cq__find(&rows, a->target, &o, &ext);
        else
            cq__find_ext_release(&ext);
        for (size_t i = 0; rc == CQ_OK && i < cq_rows_count(rows); i++) {
            cq_instance *child = rows->items[i];
            rows->items[i] = NULL;
            rc = place_child(&pl, child);
        }
        cq_rows_free(rows);
    }
    cq_value_free(keys);
    cq__free(attrs);
    cq__free(ord);
    keymap_free(&km);
    if (rc == CQ_OK)
        unsorted_sort(&u);
    cq__free(u.lists);
    return rc;
}

static int load_plan(cq__inc_plan *p, cq_instance **parents, size_t np, cq_txn *txn)
{
    for (size_t i = 0; i < p->n; i++) {
        cq__inc *n = &p->nodes[i];
        int rc;
        if (n->to_many) {
            rc = load_node(n, parents, np, txn);
        } else {
            /* to-many includes nested under a to-one include: gather those children */
            cq_instance **kids = cq__calloc(np + 1, sizeof *kids);
            size_t nk = 0;
            if (!kids)
                return cq__db_oom(n->target->db);
            for (size_t k = 0; k < np; k++) {
                cq__included *inc = included_for(parents[k], n);
                if (inc && inc->one)
                    kids[nk++] = inc->one;
            }
            rc = nk ? load_plan(&n->children, kids, nk, txn) : CQ_OK;
            cq__free(kids);
        }
        if (rc != CQ_OK)
            return rc;
    }
    return CQ_OK;
}

/* Identity of a parent row: its primary key, plus the join row it was read with (a
 * belongsToMany target under two sources is two parents). The key bytes, in km->key (NULL when
 * out of memory). */
static const char *identity(keymap *km, const cq_instance *inst)
{
    cq_model *m = inst->model;
    cq__buf *b = &km->key;
    b->len = 0;
    for (size_t i = 0; i < m->npk; i++)
        key_put(b, cq__iv(inst, m->pk[i])); /* NULL (not read) as a null */
    const cq_instance *t = inst->through;
    if (t)
        cq__buf_putc(b, 't');
    for (size_t i = 0; t && i < t->model->nattrs; i++)
        key_put(b, cq__iv(t, i));
    return b->oom ? NULL : b->data ? b->data : "";
}

/* With a to-many include anywhere, parents are grouped by primary key (A4): a to-one include
 * that joined several rows for one parent (a hasOne with two matching rows) yields the parent
 * once, at its first position, carrying the last row's include. */
static int group_parents(cq_rows *rows)
{
    cq_db *db = rows->items[0]->model->db;
    if (rows->items[0]->model->npk == 0 || rows->n < 2)
        return CQ_OK;
    keymap km = { 0 };
    if (keymap_init(&km, 0) != 0) {
        keymap_free(&km);
        return cq__db_oom(db);
    }
    size_t out = 0;
    int rc = CQ_OK;
    for (size_t i = 0; i < rows->n; i++) {
        cq_instance *inst = rows->items[i];
        const char *id = identity(&km, inst);
        long first = id ? keymap_get(&km, id, km.key.len) : -1;
        if (!id || (first < 0 && keymap_set(&km, id, km.key.len, out, NULL) != 0)) {
            rc = cq__db_oom(db);
            for (size_t k = i; k < rows->n; k++)
                rows->items[out++] = rows->items[k];
            break;
        }
        if (first < 0) {
            rows->items[out++] = inst;
            continue;
        }
        cq_instance_free(rows->items[first]); /* the later row wins, at the first position */
        rows->items[first] = inst;
    }
    rows->n = out;
    keymap_free(&km);
    return rc;
}

int cq__inc_load_many(cq_rows *rows, cq__inc_plan *p, cq_txn *txn)
{
    if (!rows || rows->n == 0 || cq__inc_plan_empty(p) || !has_to_many(p))
        return CQ_OK;
    int rc = group_parents(rows);
    if (rc != CQ_OK)
        return rc;
    return load_plan(p, rows->items, rows->n, txn);
}

/* ---- the single-JOIN shape (cq_find_opts.single_join) -----------------------------------------
 * Every include but `separate` ones is joined into one statement, to-many ones included
 * (Sequelize's shape, spec/include.md A2); the rows are folded back into a tree in one pass:
 * parents by primary key through a hash, every included row by (parent instance, include,
 * primary key), so a child joined on several rows (side-by-side to-many includes multiply
 * rows) is built once. */

static bool has_joined_to_many(const cq__inc_plan *p)
{
    for (size_t i = 0; p && i < p->n; i++) {
        const cq__inc *n = &p->nodes[i];
        if (n->joined && (n->to_many || has_joined_to_many(&n->children)))
            return true;
    }
    return false;
}

bool cq__inc_sj_wanted(const cq__inc_plan *p)
{
    return has_joined_to_many(p);
}

static int sj_check(const cq__inc_plan *p, cq_db *db)
{
    for (size_t i = 0; i < p->n; i++) {
        const cq__inc *n = &p->nodes[i];
        if (!n->joined)
            continue;
        if (n->target->npk == 0 && (n->to_many || has_joined_to_many(&n->children)))
            return cq__db_fail(db, CQ_ENOTSUPPORTED,
                               "included model \"%s\" (%s) has no primary key to tell its "
                               "joined rows apart (a to-many include joined by single_join, or "
                               "named by the where)",
                               n->target->name, n->a->alias.as);
        int rc = sj_check(&n->children, db);
        if (rc != CQ_OK)
            return rc;
    }
    return CQ_OK;
}

int cq__inc_sj_check(const cq__inc_plan *p, cq_model *m)
{
    if (m->npk == 0)
        return cq__db_fail(m->db, CQ_ENOTSUPPORTED,
                           "model \"%s\" has no primary key to tell its joined rows apart (a "
                           "to-many include joined by single_join, or named by the where)",
                           m->name);
    return sj_check(p, m->db);
}

/* J (<through> AS talias INNER JOIN <target> AS alias ON target key = through other key [AND
 * through scope AND through where]) ON parent source key = through fk [AND target scope AND
 * where]; *on_out is the outer ON (owned by the statement). */
static int btm_join(cq__stmt *st, const cq__inc *n, cq_model *parent, const char *palias,
                    const char *talias, bool left, cq__expr **on_out)
{
    const cq_assoc *a = n->a;
    cq_model *t = a->through;
    cq_db *db = parent->db;
    cq__expr *on = cq__expr_new(CQ__EX_AND), *nest = cq__expr_new(CQ__EX_AND);
    int rc = on && nest ? CQ_OK : cq__db_oom(db);
    if (rc == CQ_OK &&
        (cq__expr_add(on, cq__expr_cmp(col_of(parent, palias, a->source_key), "=",
                                       col_of(t, talias, a->fk))) != 0 ||
         cq__expr_add(nest, cq__expr_cmp(col_of(a->target, n->alias, a->target_key), "=",
                                         col_of(t, talias, a->other_key))) != 0))
        rc = cq__db_oom(db);
    if (rc == CQ_OK)
        rc = and_paranoid(on, a->target, n->alias, n->spec->paranoid);
    if (rc == CQ_OK)
        rc = and_where(on, a->target, n->alias, a->scope);
    if (rc == CQ_OK)
        rc = and_where(on, a->target, n->alias, n->spec->where);
    if (rc == CQ_OK)
        rc = and_paranoid(nest, t, talias, n->spec->through_paranoid);
    if (rc == CQ_OK)
        rc = and_where(nest, t, talias, a->through_scope);
    if (rc == CQ_OK)
        rc = and_where(nest, t, talias, n->spec->through_where);
    if (rc == CQ_OK) {
        cq__expr *keep = on;
        on = NULL; /* taken by the statement, even on failure */
        if (cq__stmt_add_join(st, left, t->table, talias, keep) != 0)
            rc = cq__db_oom(db);
        else
            *on_out = keep;
        if (rc == CQ_OK && cq__stmt_nest_join(st, a->target->table, n->alias, nest) != 0)
            rc = cq__db_oom(db);
        nest = NULL;
    }
    cq__expr_free(on);
    cq__expr_free(nest);
    return rc;
}

static int add_cols(cq__stmt *st, cq_model *t, const char *alias, const bool *sel)
{
    for (size_t k = 0; k < t->nattrs; k++) {
        if (sel && !sel[k])
            continue;
        char *colalias = alias_join(alias, ".", t->attrs[k].name);
        int bad = !colalias || cq__stmt_add_col(st, alias, t->attrs[k].field, colalias) != 0;
        cq__free(colalias);
        if (bad)
            return cq__db_oom(t->db);
    }
    return CQ_OK;
}

/* Joins every include of `p` (parent m under `alias`), depth-first in include order, with its
 * columns (then a belongsToMany join row's) before its nested includes'. INNER when required
 * and every include above is INNER, else LEFT OUTER; a required include under a LEFT OUTER one
 * becomes an EXISTS filter in that parent's ON clause (equivalent to the parenthesised join of
 * spec/include.md A2: the parent include keeps only rows that have one). */
static int sj_add_nodes(cq__stmt *st, cq__inc_plan *p, cq_model *m, const char *alias,
                        bool parent_inner, cq__expr *parent_on)
{
    cq_db *db = m->db;
    for (size_t i = 0; i < p->n; i++) {
        cq__inc *n = &p->nodes[i];
        bool inner = n->required && parent_inner && n->joined;
        int rc = CQ_OK;
        if (n->required && !inner) {
            cq__expr *ex = NULL;
            rc = exists_of(&ex, n, m, alias);
            if (rc != CQ_OK)
                return rc;
            if (add_filter(st, parent_on, ex) != 0)
                return cq__db_oom(db);
        }
        if (!n->joined)
            continue; /* loaded by its own query afterwards */
        cq__expr *on = NULL;
        char *talias = NULL;
        if (n->a->type == CQ_BELONGS_TO_MANY) {
            talias = alias_join(n->alias, "->", n->a->through->name);
            rc = talias ? btm_join(st, n, m, alias, talias, !inner, &on) : cq__db_oom(db);
        } else {
            rc = to_one_on(&on, n, m, alias);
            if (rc == CQ_OK && cq__stmt_add_join(st, !inner, n->target->table, n->alias, on) != 0)
                rc = cq__db_oom(db);
        }
        n->col0 = st->ncols;
        if (rc == CQ_OK)
            rc = add_cols(st, n->target, n->alias, n->sel);
        n->tcol0 = st->ncols;
        /* `through: { attributes: [] }` selects no column of the join row (v6 sends none) */
        if (rc == CQ_OK && talias && !n->spec->through_attributes_none)
            rc = add_cols(st, n->a->through, talias, NULL);
        cq__free(talias);
        if (rc == CQ_OK)
            rc = sj_add_nodes(st, &n->children, n->target, n->alias, inner, on);
        if (rc != CQ_OK)
            return rc;
    }
    return CQ_OK;
}

int cq__inc_sj_add(cq__stmt *st, cq__inc_plan *p, cq_model *m, const char *alias)
{
    return sj_add_nodes(st, p, m, alias, true, NULL);
}

static int add_pk_order(cq__stmt *st, cq_model *t, const char *alias)
{
    for (size_t k = 0; k < t->npk; k++)
        if (cq__stmt_add_order(st, cq__expr_col(alias, t->attrs[t->pk[k]].field), false) != 0)
            return cq__db_oom(t->db);
    return CQ_OK;
}

/* After the caller's terms: each level's rows in the order the default strategy gives them
 * (a to-many include's own order terms, then primary keys), depth-first, so that parents and
 * children come in a stable order and the first occurrence of each is where it belongs. */
static int sj_order_nodes(cq__stmt *st, cq__inc_plan *p)
{
    for (size_t i = 0; i < p->n; i++) {
        cq__inc *n = &p->nodes[i];
        if (!n->joined)
            continue;
        for (size_t k = 0; k < n->norders; k++) {
            inc_order o = n->orders[k];
            cq__expr *e = NULL;
            int rc = CQ_OK;
            if (!o.as) {
                if (!(e = col_of(n->target, n->alias, o.attr)))
                    rc = cq__db_fail(n->target->db, CQ_EUNKNOWN_ATTR,
                                     "order: model \"%s\" has no attribute \"%s\"", n->target->name,
                                     o.attr);
            } else {
                /* deeper to-many terms are recorded on their include, reached below */
                rc = order_at(&e, &n->children, n->target, n->alias, o.as, o.attr, o.desc);
            }
            if (rc != CQ_OK)
                return rc;
            if (e && cq__stmt_add_order(st, e, o.desc) != 0)
                return cq__db_oom(n->target->db);
        }
        int rc = add_pk_order(st, n->target, n->alias);
        if (rc == CQ_OK)
            rc = sj_order_nodes(st, &n->children);
        if (rc != CQ_OK)
            return rc;
    }
    return CQ_OK;
}

int cq__inc_sj_order(cq__stmt *st, cq__inc_plan *p, cq_model *m, const char *alias)
{
    if (p->order_in_memory)
        return CQ_OK;
    int rc = add_pk_order(st, m, alias);
    return rc == CQ_OK ? sj_order_nodes(st, p) : rc;
}

/* Orders instances of one model by their primary key, one integer attribute (qsort). */
static bool sj_nodes_sortable(const cq__inc_plan *p)
{
    for (size_t i = 0; i < p->n; i++) {
        const cq__inc *n = &p->nodes[i];
        if (!n->joined)
            continue; /* loaded by a query of its own, with its own order */
        if (n->norders || !int_pk(n->target) || (n->sel && !n->sel[n->target->pk[0]]) ||
            !sj_nodes_sortable(&n->children))
            return false;
    }
    return true;
}

bool cq__inc_sj_sortable(const cq__inc_plan *p, const cq_model *m)
{
    return int_pk(m) && sj_nodes_sortable(p);
}

/* What the reader keeps per level: the parents (level 0) and each joined include. */
typedef struct sj_level {
    const size_t *pkcols; /* the result columns of the selected primary-key attributes */
    size_t npk;
    /* the last key looked up at this level and its slot (a copy of its map entry): rows that
     * repeat the previous row's parent or child find it without hashing */
    km_ent last;
    /* with one primary-key attribute: the last row's parent and integer key here and the
     * instance they resolved to (NULL: none), so that a row repeating both (the joined rows
     * of one parent come one after another) finds its instance without building a key */
    const void *rep_parent;
    int64_t rep_pk;
    cq_instance *rep;
    /* an include whose target has one integer primary key (selected): a child is found by
     * comparing keys with its parent's children, without the map, while the parent has at most
     * SJ_SCAN_MAX of them (then they all go into the map, and it takes over for that list) */
    bool scan;
    size_t pkattr; /* scan: the attribute index of the primary key */
} sj_level;

/* How many children of one parent are compared one by one before the map takes over. */
#define SJ_SCAN_MAX 16

typedef struct sj_reader {
    keymap km;          /* identity -> slot: in the rows (a parent) or in objs (sj_key) */
    sj_level *levels;   /* level 0: the parents; then cq__inc.level */
    size_t *pkcols;     /* every level's pkcols */
    cq_instance **objs; /* included instances in the map, by slot (owned by the tree or the
                           grave) */
    size_t nobjs, objs_cap;
    cq_instance **grave; /* to-one children replaced by a later row: freed at the end */
    size_t ngrave, grave_cap;
    unsorted unsorted; /* by_pk: the lists that got a row out of key order (cq__inc_sj_sort) */
    cq__result *res;
    size_t r; /* the row being read */
    cq_dialect d;
    cq_db *db;
    bool by_pk; /* rows come unordered: a singular include keeps its greatest key, not the last */
} sj_reader;

/* Identity of the current row at level `lv`, under `parent` (an instance, by address: unique
 * for the read, as an instance replaced during the read is kept until its end), then the
 * level's number and the primary-key cells. The key bytes are in s->km.key, NULL when out of
 * memory. *present: some primary-key cell is not NULL. */
/* Starts the key of level `lv` under `parent` in s->km.key (false when out of memory). */
static bool sj_key_start(sj_reader *s, const sj_level *lv, const void *parent)
{
    /* built in the map's buffer: most rows repeat a key already held, so the copy that the
     * map keeps is made only for a new one */
    cq__buf *b = &s->km.key;
    b->len = 0;
    /* (no dialect joins anywhere near 65,536 tables in one statement: SQLite stops at 64) */
    uint16_t level = (uint16_t)(lv - s->levels);
    cq__buf_reserve(b, sizeof parent + sizeof level + lv->npk * (1 + sizeof(int64_t)));
    if (b->oom)
        return false;
    memcpy(b->data, &parent, sizeof parent);
    memcpy(b->data + sizeof parent, &level, sizeof level);
    b->len = sizeof parent + sizeof level;
    return true;
}

/* Appends one key cell to s->km.key. */
static void sj_key_cell(sj_reader *s, const cq__cell *cell)
{
    cq__buf *b = &s->km.key;
    if (cell->type == CQ_VALUE_INT)
        cq__buf_reserve(b, 1 + sizeof cell->i);
    if (cell->type == CQ_VALUE_INT && !b->oom) {
        b->data[b->len] = 'i'; /* the usual key, without a call */
        memcpy(b->data + b->len + 1, &cell->i, sizeof cell->i);
        b->len += 1 + sizeof cell->i;
        b->data[b->len] = '\0';
    } else {
        key_put_cell(b, cell);
    }
}

static const char *sj_key(sj_reader *s, const sj_level *lv, const void *parent, bool *present)
{
    if (!sj_key_start(s, lv, parent))
        return NULL;
    *present = false;
    for (size_t k = 0; k < lv->npk; k++) {
        cq__cell cell;
        cq__row_view(s->res, lv->pkcols[k], &cell);
        *present |= cell.type != CQ_VALUE_NULL;
        sj_key_cell(s, &cell);
    }
    return s->km.key.oom ? NULL : s->km.key.data;
}

static int sj_keep(cq_instance ***arr, size_t *n, size_t *cap, cq_instance *inst)
{
    if (cq__grow((void **)arr, cap, *n + 1, sizeof **arr) != 0)
        return -1;
    (*arr)[(*n)++] = inst;
    return 0;
}

/* Whether `child`, at a scan level, has the key cell `pk`. */
static bool sj_same(const sj_level *lv, const cq_instance *child, const cq__cell *pk)
{
    cq__cell c;
    if (!cq__cell_of(&c, cq__iv(child, lv->pkattr)))
        return false;
    if (c.type == CQ_VALUE_INT && pk->type == CQ_VALUE_INT)
        return c.i == pk->i;
    /* (not an integer after all: compare the map's key bytes) */
    cq__buf a = { 0 }, b = { 0 };
    key_put_cell(&a, &c);
    key_put_cell(&b, pk);
    bool same = !a.oom && !b.oom && a.len == b.len && memcmp(a.data, b.data, a.len) == 0;
    cq__buf_free(&a);
    cq__buf_free(&b);
    return same;
}

/* Puts every child of `list` (under `parent`, at scan level `lv`) into the map: the list
 * grew past SJ_SCAN_MAX. */
static int sj_index(sj_reader *s, const sj_level *lv, const void *parent, const cq_rows *list)
{
    for (size_t j = 0; j < list->n; j++) {
        cq__cell c;
        if (!cq__cell_of(&c, cq__iv(list->items[j], lv->pkattr)) || !sj_key_start(s, lv, parent))
            return -1;
        sj_key_cell(s, &c);
        if (s->km.key.oom || sj_keep(&s->objs, &s->nobjs, &s->objs_cap, list->items[j]) != 0 ||
            keymap_set(&s->km, s->km.key.data, s->km.key.len, s->nobjs - 1, NULL) != 0)
            return -1;
    }
    return 0;
}

/* The slot of the key in s->km.key at level `lv` (-1: none), remembered as its last. */
static long sj_find(sj_reader *s, sj_level *lv)
{
    const cq__buf *b = &s->km.key;
    if (lv->last.tag && lv->last.len == b->len &&
        memcmp(s->km.arena.data + lv->last.off, b->data, b->len) == 0)
        return (long)lv->last.slot;
    const km_ent *e = keymap_lookup(&s->km, b->data, b->len);
    if (!e)
        return -1;
    lv->last = *e;
    return (long)e->slot;
}

/* Sets the key in s->km.key at level `lv` to `slot`. */
static int sj_set(sj_reader *s, sj_level *lv, size_t slot)
{
    return keymap_set(&s->km, s->km.key.data, s->km.key.len, slot, &lv->last);
}

/* The instance of the current row at level `lv` under `parent` when it repeats the identity
 * the level remembers (sj_remember), else NULL; *pk gets the row's key cell when the level has
 * one key attribute. */
static cq_instance *sj_repeat(const sj_reader *s, const sj_level *lv, const void *parent,
                              cq__cell *pk)
{
    pk->type = CQ_VALUE_NULL;
    if (lv->npk != 1)
        return NULL;
    cq__row_view(s->res, lv->pkcols[0], pk);
    if (!lv->rep || lv->rep_parent != parent || pk->type != CQ_VALUE_INT || pk->i != lv->rep_pk)
        return NULL;
    return lv->rep;
}

/* Remembers that the identity (`parent`, *pk) resolved to `inst` at level `lv` (NULL:
 * forgets). */
static void sj_remember(sj_level *lv, const void *parent, const cq__cell *pk, cq_instance *inst)
{
    bool ok = inst && lv->npk == 1 && pk->type == CQ_VALUE_INT;
    lv->rep = ok ? inst : NULL;
    lv->rep_parent = parent;
    lv->rep_pk = ok ? pk->i : 0;
}

/* A new instance of `t` from the selected columns starting at col0 (the cells are taken). */
static cq_instance *sj_build(sj_reader *s, cq_model *t, const bool *sel, const bool *hidden,
                             size_t col0)
{
    size_t c = col0;
    cq_instance *inst = cq__instance_read(t, sel, s->res, &c);
    if (!inst)
        return NULL;
    bool any_hidden = false;
    for (size_t k = 0; hidden && k < t->nattrs; k++)
        any_hidden |= (!sel || sel[k]) && hidden[k];
    if (any_hidden) {
        bool *h = cq__instance_hidden_make(inst);
        if (!h) {
            cq_instance_free(inst);
            return NULL;
        }
        memcpy(h, hidden, t->nattrs * sizeof *hidden);
    }
    return inst;
}

/* The join row read with a belongsToMany target (the last row read for a target wins, A4). */
static int sj_through(sj_reader *s, cq_instance *child, const cq__inc *n)
{
    const cq_include *e = n->spec;
    if (e->through_attributes_none)
        return CQ_OK;
    cq_model *t = n->a->through;
    cq_instance *ti = sj_build(s, t, NULL, NULL, n->tcol0);
    if (!ti ||
        (e->through_attributes && cq__instance_hide_except(ti, e->through_attributes) != CQ_OK)) {
        cq_instance_free(ti);
        return cq__db_oom(s->db);
    }
    cq_instance_free(child->through);
    child->through = ti;
    return CQ_OK;
}

/* After an instance was appended to `list`: with rows unordered (by_pk), a list out of key
 * order is remembered for cq__inc_sj_sort. */
static int sj_appended(sj_reader *s, cq_rows *list)
{
    return s->by_pk ? unsorted_note(&s->unsorted, list) : 0;
}

/* Reads the includes `p` of `parent` from the current row. `fresh`: the parent was built from
 * this row (its include slots are added, in include order). */
static int sj_read_nodes(sj_reader *s, cq_instance *parent, cq__inc_plan *p, bool fresh)
{
    if (fresh && cq__instance_reserve_included(parent, parent->ninc + p->n) != 0)
        return cq__db_oom(s->db);
    for (size_t i = 0; i < p->n; i++) {
        cq__inc *n = &p->nodes[i];
        cq__included *inc = fresh ? add_included(parent, n) : included_for(parent, n);
        if (!inc)
            return cq__db_oom(s->db);
        if (!n->joined)
            continue;
        cq_model *t = n->target;
        sj_level *lv = &s->levels[n->level];
        const char *key = NULL;
        cq__cell pk;
        /* the previous row's child again (under a parent built from this row, every child is
         * new): no key to build */
        cq_instance *child = sj_repeat(s, lv, parent, &pk);
        if (fresh || (child && !n->to_many && child != inc->one))
            child = NULL;
        /* compared with the parent's children (a scan level, a short list), or looked up in
         * the map */
        bool scan = lv->scan && (!n->to_many || inc->rows->n <= SJ_SCAN_MAX);
        if (!child && scan) {
            if (pk.type == CQ_VALUE_NULL)
                continue; /* no row joined (LEFT OUTER): nor any below it */
            if (!fresh && n->to_many) {
                for (size_t j = inc->rows->n; j-- > 0 && !child;)
                    if (sj_same(lv, inc->rows->items[j], &pk))
                        child = inc->rows->items[j];
            } else if (!fresh && inc->one && sj_same(lv, inc->one, &pk)) {
                child = inc->one;
            }
        } else if (!child) {
            bool present = true;
            if (t->npk && !(key = sj_key(s, lv, parent, &present)))
                return cq__db_oom(s->db);
            if (!present)
                continue; /* no row joined (LEFT OUTER): nor any below it */
            long slot = key && !fresh ? sj_find(s, lv) : -1;
            if (slot >= 0 && (n->to_many || s->objs[slot] == inc->one))
                child = s->objs[slot];
        }
        bool made = false;
        if (!child) {
            child = sj_build(s, t, n->sel, n->hidden, n->col0);
            int bad = !child;
            if (!bad && n->to_many) {
                bad = cq__rows_push(inc->rows, child) != 0 || /* frees child on failure */
                      sj_appended(s, inc->rows) != 0 ||
                      (scan && inc->rows->n == SJ_SCAN_MAX + 1 &&
                       sj_index(s, lv, parent, inc->rows) != 0);
            } else if (!bad && inc->one && s->by_pk && pk_cmp(&child, &inc->one) < 0) {
                /* unordered rows: the one the ORDER BY would have put last wins */
                if (sj_keep(&s->grave, &s->ngrave, &s->grave_cap, child) != 0) {
                    cq_instance_free(child);
                    bad = true;
                }
            } else if (!bad) {
                /* a singular include with several rows for one parent: the last row wins */
                if (inc->one && sj_keep(&s->grave, &s->ngrave, &s->grave_cap, inc->one) != 0) {
                    cq_instance_free(child);
                    bad = true;
                } else {
                    inc->one = child;
                }
            }
            if (!bad && key) /* (nothing above built a key: s->km.key is still this one) */
                bad = sj_keep(&s->objs, &s->nobjs, &s->objs_cap, child) != 0 ||
                      sj_set(s, lv, s->nobjs - 1) != 0;
            if (bad)
                return cq__db_oom(s->db);
            made = true;
        }
        sj_remember(lv, parent, &pk, t->npk ? child : NULL);
        int rc = n->a->type == CQ_BELONGS_TO_MANY ? sj_through(s, child, n) : CQ_OK;
        if (rc == CQ_OK)
            rc = sj_read_nodes(s, child, &n->children, made);
        if (rc != CQ_OK)
            return rc;
    }
    return CQ_OK;
}

struct cq__sj_stream {
    sj_reader s;
    cq_rows *rows;
    cq_model *m;
    const bool *sel, *hidden;
    cq__inc_plan *p;
};

/* How many levels (joined includes) and primary-key attributes the reader keeps for `p`. */
static void sj_count(const cq__inc_plan *p, size_t *levels, size_t *pks)
{
    for (size_t i = 0; i < p->n; i++) {
        const cq__inc *n = &p->nodes[i];
        if (!n->joined)
            continue;
        (*levels)++;
        *pks += n->target->npk;
        sj_count(&n->children, levels, pks);
    }
}

/* Level `lv`'s primary-key columns: those of t's selected attributes, from col0 on. */
static void sj_level_at(sj_level *lv, const cq_model *t, const bool *sel, size_t col0,
                        size_t **cols)
{
    lv->pkcols = *cols;
    lv->npk = 0;
    size_t c = col0;
    for (size_t k = 0; k < t->nattrs; k++) {
        if (sel && !sel[k])
            continue;
        size_t at = c++;
        if (t->attrs[k].primary_key)
            (*cols)[lv->npk++] = at;
    }
    *cols += lv->npk;
}

static void sj_levels(sj_reader *s, cq__inc_plan *p, size_t *next, size_t **cols)
{
    for (size_t i = 0; i < p->n; i++) {
        cq__inc *n = &p->nodes[i];
        if (!n->joined)
            continue;
        n->level = (*next)++;
        sj_level *lv = &s->levels[n->level];
        sj_level_at(lv, n->target, n->sel, n->col0, cols);
        lv->scan = lv->npk == 1 && int_pk(n->target);
        lv->pkattr = lv->scan ? n->target->pk[0] : 0;
        sj_levels(s, &n->children, next, cols);
    }
}

int cq__inc_sj_begin(cq__sj_stream **out, cq_rows *rows, cq_model *m, const bool *sel,
                     const bool *hidden, cq__inc_plan *p)
{
    size_t nlevels = 1, npks = m->npk;
    sj_count(p, &nlevels, &npks);
    cq__sj_stream *st = *out = cq__calloc(1, sizeof *st);
    if (!st || keymap_init(&st->s.km, 0) != 0 ||
        !(st->s.levels = cq__calloc(nlevels, sizeof *st->s.levels)) ||
        !(st->s.pkcols = cq__calloc(npks + 1, sizeof *st->s.pkcols))) {
        cq__inc_sj_end(st);
        *out = NULL;
        return cq__db_oom(m->db);
    }
    size_t next = 1, *cols = st->s.pkcols;
    sj_level_at(&st->s.levels[0], m, sel, 0, &cols);
    sj_levels(&st->s, p, &next, &cols);
    st->s.d = cq_db_dialect(m->db);
    st->s.db = m->db;
    st->s.by_pk = p->order_in_memory;
    st->rows = rows;
    st->m = m;
    st->sel = sel;
    st->hidden = hidden;
    st->p = p;
    return CQ_OK;
}

int cq__inc_sj_row(void *ctx, cq__result *one)
{
    cq__sj_stream *st = ctx;
    sj_reader *s = &st->s;
    cq_model *m = st->m;
    s->res = one;
    s->r = 0;
    bool present = false;
    sj_level *top = &s->levels[0];
    cq__cell pk;
    cq_instance *inst = sj_repeat(s, top, NULL, &pk); /* the previous row's parent again */
    if (!inst) {
        if (!sj_key(s, top, NULL, &present))
            return cq__db_oom(m->db);
        long slot = sj_find(s, top);
        inst = slot >= 0 ? st->rows->items[slot] : NULL;
    }
    bool fresh = !inst;
    if (fresh) {
        inst = sj_build(s, m, st->sel, st->hidden, 0); /* (builds no key: s->km.key stays) */
        if (!inst || cq__rows_push(st->rows, inst) != 0 || sj_appended(s, st->rows) != 0 ||
            sj_set(s, top, st->rows->n - 1) != 0)
            return cq__db_oom(m->db);
    }
    sj_remember(top, NULL, &pk, inst);
    return sj_read_nodes(s, inst, st->p, fresh);
}

void cq__inc_sj_sort(cq__sj_stream *st)
{
    if (st)
        unsorted_sort(&st->s.unsorted);
}

void cq__inc_sj_end(cq__sj_stream *st)
{
    if (!st)
        return;
    keymap_free(&st->s.km);
    cq__free(st->s.levels);
    cq__free(st->s.pkcols);
    cq__free(st->s.objs);
    cq__free(st->s.unsorted.lists);
    for (size_t i = 0; i < st->s.ngrave; i++)
        cq_instance_free(st->s.grave[i]);
    cq__free(st->s.grave);
    cq__free(st);
}

static bool has_separate(const cq__inc_plan *p)
{
    for (size_t i = 0; p && i < p->n; i++)
        if (!p->nodes[i].joined || has_separate(&p->nodes[i].children))
            return true;
    return false;
}

/* Loads the includes not joined (`separate` ones, and to-many ones the where does not name
 * when only those are joined) found anywhere in the tree the single statement built. */
static int load_separate(cq__inc_plan *p, cq_instance **parents, size_t np, cq_txn *txn)
{
    for (size_t i = 0; i < p->n; i++) {
        cq__inc *n = &p->nodes[i];
        if (!n->joined) {
            int rc = load_node(n, parents, np, txn);
            if (rc != CQ_OK)
                return rc;
            continue;
        }
        if (!has_separate(&n->children))
            continue;
        cq_instance **kids = NULL;
        size_t nk = 0, cap = 0;
        int rc = CQ_OK;
        for (size_t k = 0; rc == CQ_OK && k < np; k++) {
            cq__included *inc = included_for(parents[k], n);
            if (inc && inc->one && sj_keep(&kids, &nk, &cap, inc->one) != 0)
                rc = cq__db_oom(n->target->db);
            for (size_t j = 0; rc == CQ_OK && inc && inc->rows && j < inc->rows->n; j++)
                if (sj_keep(&kids, &nk, &cap, inc->rows->items[j]) != 0)
                    rc = cq__db_oom(n->target->db);
        }
        if (rc == CQ_OK && nk)
            rc = load_separate(&n->children, kids, nk, txn);
        cq__free(kids);
        if (rc != CQ_OK)
            return rc;
    }
    return CQ_OK;
}

int cq__inc_load_separate(cq_rows *rows, cq__inc_plan *p, cq_txn *txn)
{
    if (!rows || rows->n == 0 || !has_separate(p))
        return CQ_OK;
    return load_separate(p, rows->items, rows->n, txn);
}

/* Marks the nodes on the include path `path` (len bytes, dot-separated aliases) as named;
 * stops at the first segment that names no include (the where builder reports it). */
static void mark_path(cq__inc_plan *p, const char *path, size_t len)
{
    while (p) {
        const char *dot = memchr(path, '.', len);
        size_t seg = dot ? (size_t)(dot - path) : len;
        cq__inc *n = NULL;
        for (size_t i = 0; i < p->n; i++) {
            const char *as = p->nodes[i].a->alias.as;
            if (strlen(as) == seg && strncmp(as, path, seg) == 0)
                n = &p->nodes[i];
        }
        if (!n)
            return;
        n->named = true;
        if (!dot)
            return;
        p = &n->children;
        len -= seg + 1;
        path = dot + 1;
    }
}

void cq__inc_plan_mark_where(cq__inc_plan *p, const cq_value *where)
{
    cq_value_type t = cq_value_type_of(where);
    if (t != CQ_VALUE_OBJECT && t != CQ_VALUE_ARRAY)
        return;
    for (size_t i = 0; i < cq_value_size(where); i++) {
        if (t == CQ_VALUE_ARRAY) {
            cq__inc_plan_mark_where(p, cq_value_array_get(where, i));
            continue;
        }
        const char *key = cq_value_object_key(where, i);
        size_t len = strlen(key);
        const char *dot =
            len > 2 && key[0] == '$' && key[len - 1] == '$' ? memchr(key + 1, '.', len - 2) : NULL;
        if (dot) {
            const char *last = dot;
            for (const char *c = dot; c < key + len - 1; c++)
                if (*c == '.')
                    last = c;
            mark_path(p, key + 1, (size_t)(last - key - 1));
        }
        cq__inc_plan_mark_where(p, cq_value_object_value(where, i));
    }
}

static void plan_join(cq__inc_plan *p, cq__inc_join how, bool parent_joined)
{
    for (size_t i = 0; p && i < p->n; i++) {
        cq__inc *n = &p->nodes[i];
        bool wanted = how == CQ__INC_JOIN_COUNT ? n->named
                                                : !n->to_many || how == CQ__INC_JOIN_ALL ||
                                                      (how == CQ__INC_JOIN_NAMED && n->named);
        n->joined = parent_joined && !n->separate && wanted;
        n->join_all = how == CQ__INC_JOIN_ALL;
        plan_join(&n->children, how, n->joined);
    }
}

void cq__inc_plan_join(cq__inc_plan *p, cq__inc_join how)
{
    plan_join(p, how, true);
}

bool cq__inc_plan_any_joined(const cq__inc_plan *p)
{
    for (size_t i = 0; p && i < p->n; i++)
        if (p->nodes[i].joined)
            return true;
    return false;
}

bool cq__inc_plan_joins_many(const cq__inc_plan *p)
{
    for (size_t i = 0; p && i < p->n; i++)
        if (p->nodes[i].joined &&
            (p->nodes[i].to_many || cq__inc_plan_joins_many(&p->nodes[i].children)))
            return true;
    return false;
}

int cq__inc_where_include(void *ctx, const char *key, const char *path, cq_model **m,
                          const char **alias)
{
    const cq__inc_where_ctx *c = ctx;
    cq_db *db = c->m->db;
    const cq__inc_plan *p = c->plan;
    const cq__inc *n = NULL;
    const char *seg = path;
    while (seg) {
        const char *end = strchr(seg, '.');
        size_t len = end ? (size_t)(end - seg) : strlen(seg);
        n = NULL;
        for (size_t i = 0; p && i < p->n; i++) {
            const char *as = p->nodes[i].a->alias.as;
            if (strlen(as) == len && strncmp(as, seg, len) == 0)
                n = &p->nodes[i];
        }
        if (!n)
            return cq__db_fail(db, CQ_EEAGER,
                               "where: \"%s\": this query has no include \"%.*s\" there", key,
                               (int)len, seg);
        bool joined = c->all_joined ? n->joined : !n->to_many && !n->separate;
        if (!c->none_joined && !n->separate && !joined && c->limited)
            return cq__db_fail(db, CQ_ENOTSUPPORTED,
                               "where: \"%s\": include \"%s\" is to-many and the find has a "
                               "limit or offset: the parents are limited in a query of their own, "
                               "which cannot see that include's rows (Sequelize 6 sends SQL that "
                               "fails there); drop limit/offset, or filter with the include's own "
                               "where",
                               key, n->a->alias.as);
        if (c->none_joined || !joined)
            return cq__db_fail(
                db, CQ_ENOTSUPPORTED,
                "where: \"%s\": include \"%s\" is not joined into this statement (%s); filter "
                "it with the include's own where",
                key, n->a->alias.as,
                c->none_joined ? "a count joins no include"
                : n->separate  ? "a separate include loads with its own query"
                               : "a to-many include loads with its own query here");
        p = &n->children;
        seg = end ? end + 1 : NULL;
    }
    *m = n->target;
    *alias = n->alias;
    return CQ_OK;
}
