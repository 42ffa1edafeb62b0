/* Eager loading (spec/include.md part A); strategy described in query/include.h. */
#include <stdlib.h>
#include <string.h>

#include "assoc/assoc.h"
#include "core/util.h"
#include "query/find.h"
#include "query/include.h"
#include "query/where.h"

struct cq__inc {
    const cq_assoc *a;
    cq_model *target;
    const cq_include *spec;   /* the caller's element (valid for the whole find) */
    char *alias;              /* SQL alias: parent path + "->" + as */
    bool to_many, required;
    bool *sel;                /* to-one: target attributes read */
    bool *hidden;             /* to-one: read only for joining (primary key) */
    cq__inc_plan children;    /* to-one: nested includes */
    size_t col_start;
};

static int oom(cq_db *db)
{
    return cq__db_fail(db, CQ_ENOMEM, "out of memory");
}

bool cq__inc_plan_empty(const cq__inc_plan *p)
{
    return !p || p->n == 0;
}

void cq__inc_plan_free(cq__inc_plan *p)
{
    for (size_t i = 0; p && i < p->n; i++) {
        free(p->nodes[i].alias);
        free(p->nodes[i].sel);
        free(p->nodes[i].hidden);
        cq__inc_plan_free(&p->nodes[i].children);
    }
    if (p) {
        free(p->nodes);
        p->nodes = NULL;
        p->n = 0;
    }
}

bool cq__inc_is_end(const cq_include *e)
{
    return !e->association && !e->model && !e->as && !e->all;
}

/* Which association an include element names (spec/include.md A1). */
int cq__inc_resolve(const cq_assoc **out, cq_model *src, const cq_include *e)
{
    cq_db *db = src->db;
    *out = NULL;
    if (e->association) {
        if (e->association->source != src)
            return cq__db_fail(db, CQ_EEAGER, "%s is not associated to %s!",
                               e->association->target->name, src->name);
        *out = e->association;
        return CQ_OK;
    }
    if (!e->model) {
        cq_assoc *a = cq_model_assoc(src, e->as);
        if (!a)
            return cq__db_fail(db, CQ_EEAGER, "Association with alias \"%s\" does not exist on %s",
                               e->as, src->name);
        *out = a;
        return CQ_OK;
    }
    const cq_assoc *match = NULL, *only = NULL;
    size_t candidates = 0;
    for (size_t i = 0; i < src->nassocs; i++) {
        const cq_assoc *a = src->assocs[i];
        if (a->target != e->model)
            continue;
        candidates++;
        only = a;
        bool ok = e->as ? strcmp(a->alias.as, e->as) == 0 : !a->alias.is_aliased;
        if (ok && !match)
            match = a;
    }
    if (match) {
        *out = match;
        return CQ_OK;
    }
    if (candidates == 0)
        return cq__db_fail(db, CQ_EEAGER, "%s is not associated to %s!", e->model->name, src->name);
    if (candidates == 1 && e->as)
        return cq__db_fail(db, CQ_EEAGER,
                           "%s is associated to %s using an alias. You've included an alias (%s), "
                           "but it does not match the alias(es) defined in your association (%s).",
                           e->model->name, src->name, e->as, only->alias.as);
    if (candidates == 1)
        return cq__db_fail(db, CQ_EEAGER,
                           "%s is associated to %s using an alias. You must use the 'as' keyword "
                           "to specify the alias within your include statement.",
                           e->model->name, src->name);
    return cq__db_fail(db, CQ_EEAGER,
                       "%s is associated to %s multiple times. To identify the correct "
                       "association, you must use the 'as' keyword to specify the alias of the "
                       "association you want to include.",
                       e->model->name, src->name);
}

static bool in_list(const char *const *list, const char *name)
{
    for (; list && *list; list++)
        if (strcmp(*list, name) == 0)
            return true;
    return false;
}

static int plan_make(cq__inc_plan *out, cq_model *m, const cq_include *list, const char *prefix);

static int node_make(cq__inc *n, cq_model *m, const cq_include *e, const cq_assoc *a,
                     const char *prefix)
{
    cq_db *db = m->db;
    n->a = a;
    n->spec = e;
    n->target = a->target;
    n->to_many = cq__assoc_is_multi(a);
    n->required = e->required == CQ_DEFAULT ? e->where != NULL : e->required == CQ_ON;
    n->alias = prefix ? cq__asprintf("%s->%s", prefix, a->alias.as) : cq__strdup(a->alias.as);
    if (!n->alias)
        return oom(db);
    if (e->separate && a->type != CQ_HAS_MANY)
        return cq__db_fail(db, CQ_EEAGER, "Only HasMany associations support include.separate");
    for (const char *const *at = e->attributes; at && *at; at++)
        if (cq__model_attr_index(a->target, *at) < 0)
            return cq__db_fail(db, CQ_EUNKNOWN_ATTR,
                               "include %s: model \"%s\" has no attribute \"%s\"", a->alias.as,
                               a->target->name, *at);
    if (n->to_many)
        return CQ_OK; /* loaded by a batched query that resolves its own nested includes */
    cq_model *t = a->target;
    n->sel = calloc(t->nattrs + 1, sizeof *n->sel);
    n->hidden = calloc(t->nattrs + 1, sizeof *n->hidden);
    if (!n->sel || !n->hidden)
        return oom(db);
    for (size_t i = 0; i < t->nattrs; i++) {
        n->sel[i] = !e->attributes || in_list(e->attributes, t->attrs[i].name);
        if (!n->sel[i] && t->attrs[i].primary_key) {
            n->sel[i] = true; /* the key is read to tell "no row" from a row (A3, A4) */
            n->hidden[i] = true;
        }
    }
    return e->include ? plan_make(&n->children, t, e->include, n->alias) : CQ_OK;
}

static int plan_make(cq__inc_plan *out, cq_model *m, const cq_include *list, const char *prefix)
{
    memset(out, 0, sizeof *out);
    size_t cap = 0;
    for (const cq_include *e = list; e && !cq__inc_is_end(e); e++) {
        size_t todo = 1;
        if (e->all)
            todo = m->nassocs;
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
                return oom(m->db);
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
    int rc = plan_make(out, m, list, NULL);
    if (rc != CQ_OK)
        cq__inc_plan_free(out);
    return rc;
}

/* ---- joins --------------------------------------------------------------------------- */

static cq__expr *col_of(cq_model *m, const char *alias, const char *attr)
{
    long i = cq__model_attr_index(m, attr);
    return i < 0 ? NULL : cq__expr_col(alias, m->attrs[i].field);
}

/* ON condition of a to-one include, and the include's where + scope. */
static int to_one_on(cq__expr **out, cq__inc *n, cq_model *parent, const char *palias)
{
    const cq_assoc *a = n->a;
    cq_db *db = parent->db;
    cq__expr *on = cq__expr_new(CQ__EX_AND);
    cq__expr *eq = a->type == CQ_BELONGS_TO
                       ? cq__expr_cmp(col_of(parent, palias, a->fk), "=",
                                      col_of(a->target, n->alias, a->target_key))
                       : cq__expr_cmp(col_of(parent, palias, a->source_key), "=",
                                      col_of(a->target, n->alias, a->fk));
    if (!on || cq__expr_add(on, eq) != 0) {
        cq__expr_free(on);
        return oom(db);
    }
    const cq_value *conds[2] = { a->scope, n->spec->where };
    for (int k = 0; k < 2; k++) {
        cq__expr *w = NULL;
        int rc = cq__where_build(&w, a->target, n->alias, conds[k]);
        if (rc != CQ_OK) {
            cq__expr_free(on);
            return rc;
        }
        if (w && cq__expr_add(on, w) != 0) {
            cq__expr_free(on);
            return oom(db);
        }
    }
    *out = on;
    return CQ_OK;
}

/* EXISTS filter for a required to-many include (a semi-join on the parent). */
static int to_many_exists(cq__expr **out, cq__inc *n, cq_model *parent, const char *palias)
{
    const cq_assoc *a = n->a;
    cq_db *db = parent->db;
    *out = NULL;
    cq__stmt *sub = NULL;
    int rc = CQ_OK;
    if (a->type == CQ_HAS_MANY) {
        sub = cq__stmt_new(CQ__ST_SELECT, a->target->table);
        if (!sub || !(sub->alias = cq__strdup(n->alias)) || cq__stmt_add_col(sub, NULL, "*", NULL))
            rc = oom(db);
        if (rc == CQ_OK && cq__stmt_and_where(sub, cq__expr_cmp(col_of(a->target, n->alias, a->fk),
                                                                "=", col_of(parent, palias,
                                                                            a->source_key))))
            rc = oom(db);
    } else {
        cq_model *t = a->through;
        char *talias = cq__asprintf("%s->%s", n->alias, t->name);
        sub = cq__stmt_new(CQ__ST_SELECT, t->table);
        if (!talias || !sub || !(sub->alias = cq__strdup(talias)) ||
            cq__stmt_add_col(sub, NULL, "*", NULL))
            rc = oom(db);
        if (rc == CQ_OK &&
            cq__stmt_add_join(sub, false, a->target->table, n->alias,
                              cq__expr_cmp(col_of(a->target, n->alias, a->target_key), "=",
                                           col_of(t, talias, a->other_key))) != 0)
            rc = oom(db);
        if (rc == CQ_OK && cq__stmt_and_where(sub, cq__expr_cmp(col_of(t, talias, a->fk), "=",
                                                                col_of(parent, palias,
                                                                       a->source_key))))
            rc = oom(db);
        const cq_value *tconds[2] = { a->through_scope, n->spec->through_where };
        for (int k = 0; rc == CQ_OK && k < 2; k++) {
            cq__expr *w = NULL;
            rc = cq__where_build(&w, t, talias, tconds[k]);
            if (rc == CQ_OK && w && cq__stmt_and_where(sub, w) != 0)
                rc = oom(db);
        }
        free(talias);
    }
    const cq_value *conds[2] = { a->scope, n->spec->where };
    for (int k = 0; rc == CQ_OK && k < 2; k++) {
        cq__expr *w = NULL;
        rc = cq__where_build(&w, a->target, n->alias, conds[k]);
        if (rc == CQ_OK && w && cq__stmt_and_where(sub, w) != 0)
            rc = oom(db);
    }
    if (rc == CQ_OK) {
        cq__expr *e = cq__expr_new(CQ__EX_EXISTS);
        if (!e)
            rc = oom(db);
        else {
            e->sub = sub;
            sub = NULL;
            *out = e;
        }
    }
    cq__stmt_free(sub);
    return rc;
}

static int add_nodes(cq__stmt *st, cq__inc_plan *p, cq_model *m, const char *alias,
                     bool count_only, bool parent_required)
{
    cq_db *db = m->db;
    for (size_t i = 0; i < p->n; i++) {
        cq__inc *n = &p->nodes[i];
        if (n->to_many) {
            if (!n->required)
                continue;
            cq__expr *ex = NULL;
            int rc = to_many_exists(&ex, n, m, alias);
            if (rc != CQ_OK)
                return rc;
            if (cq__stmt_and_where(st, ex) != 0)
                return oom(db);
            continue;
        }
        cq__expr *on = NULL;
        int rc = to_one_on(&on, n, m, alias);
        if (rc != CQ_OK)
            return rc;
        /* a required child under an optional parent must not drop the parent's row: keep
         * it a LEFT JOIN (the child then reads as absent) */
        bool inner = n->required && parent_required;
        if (cq__stmt_add_join(st, !inner, n->target->table, n->alias, on) != 0)
            return oom(db);
        n->col_start = st->ncols;
        for (size_t k = 0; !count_only && k < n->target->nattrs; k++) {
            if (!n->sel[k])
                continue;
            char *colalias = cq__asprintf("%s.%s", n->alias, n->target->attrs[k].name);
            if (!colalias ||
                cq__stmt_add_col(st, n->alias, n->target->attrs[k].field, colalias) != 0) {
                free(colalias);
                return oom(db);
            }
            free(colalias);
        }
        rc = add_nodes(st, &n->children, n->target, n->alias, count_only,
                       parent_required && n->required);
        if (rc != CQ_OK)
            return rc;
    }
    return CQ_OK;
}

int cq__inc_add_to_select(cq__stmt *st, cq__inc_plan *p, cq_model *m, const char *alias,
                          bool count_only)
{
    return add_nodes(st, p, m, alias, count_only, true);
}

static const cq__inc *find_path(const cq__inc_plan *p, const char *path)
{
    const char *dot = strchr(path, '.');
    size_t len = dot ? (size_t)(dot - path) : strlen(path);
    for (size_t i = 0; i < p->n; i++) {
        const char *as = p->nodes[i].a->alias.as;
        if (strlen(as) == len && strncmp(as, path, len) == 0)
            return dot ? find_path(&p->nodes[i].children, dot + 1) : &p->nodes[i];
    }
    return NULL;
}

int cq__inc_order_expr(cq__expr **out, const cq__inc_plan *p, cq_model *m, const char *as_path,
                       const char *attr)
{
    *out = NULL;
    const cq__inc *n = find_path(p, as_path);
    if (!n)
        return cq__db_fail(m->db, CQ_EEAGER,
                           "order names include \"%s\", which is not included in this query",
                           as_path);
    if (n->to_many)
        return CQ_OK; /* applied to the children's own query instead */
    *out = col_of(n->target, n->alias, attr);
    if (!*out)
        return cq__db_fail(m->db, CQ_EUNKNOWN_ATTR, "order: model \"%s\" has no attribute \"%s\"",
                           n->target->name, attr);
    return CQ_OK;
}

/* ---- reading rows ----------------------------------------------------------------------- */

static cq__included *add_included(cq_instance *inst, const cq__inc *n)
{
    if (cq__grow((void **)&inst->inc, &inst->inc_cap, inst->ninc + 1, sizeof *inst->inc) != 0)
        return NULL;
    cq__included *inc = &inst->inc[inst->ninc];
    memset(inc, 0, sizeof *inc);
    inc->assoc = n->a;
    inc->key = cq__strdup(n->a->alias.as);
    inc->many = n->to_many;
    if (!inc->key)
        return NULL;
    inst->ninc++;
    return inc;
}

int cq__inc_read_row(cq_instance *inst, cq__inc_plan *p, cq__result *res, size_t r, size_t *col)
{
    for (size_t i = 0; i < p->n; i++) {
        cq__inc *n = &p->nodes[i];
        cq_model *t = n->target;
        cq__included *inc = add_included(inst, n);
        if (!inc)
            return oom(t->db);
        if (n->to_many)
            continue; /* filled by cq__inc_load_many */
        cq_instance *child = cq__instance_alloc(t);
        if (!child)
            return oom(t->db);
        bool present = false;
        for (size_t k = 0; k < t->nattrs; k++) {
            if (!n->sel[k])
                continue;
            cq_value *raw = res->cells[r * res->ncols + *col];
            res->cells[r * res->ncols + (*col)++] = NULL;
            if (t->attrs[k].primary_key && !cq_value_is_null(raw))
                present = true;
            child->values[k] = cq__attr_from_db(&t->attrs[k], raw, cq_db_dialect(t->db));
        }
        if (t->npk == 0)
            present = true;
        int rc = CQ_OK;
        for (size_t k = 0; k < t->nattrs && present; k++)
            if (n->hidden[k]) {
                if (!child->hidden && !(child->hidden = calloc(t->nattrs, sizeof *child->hidden)))
                    rc = oom(t->db);
                else
                    child->hidden[k] = true;
            }
        if (rc == CQ_OK)
            rc = cq__inc_read_row(child, &n->children, res, r, col);
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

/* A small hash from key text to parent slots, so children are distributed in one pass. */
typedef struct keymap {
    char **keys;
    size_t *slot;  /* index into the parents array */
    size_t cap;
} keymap;

static size_t hash_str(const char *s)
{
    size_t h = 1469598103934665603ULL & (size_t)-1;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * (1099511628211ULL & (size_t)-1);
    return h;
}

static char *key_text(const cq_value *v)
{
    char *s = NULL;
    /* 1 and 1.0 must meet: numbers render through the same JSON path */
    if (cq_value_type_of(v) == CQ_VALUE_DOUBLE && (double)cq_value_as_int(v) == cq_value_as_double(v)) {
        cq_value *i = cq_value_int(cq_value_as_int(v));
        cq_value_to_json(&s, i, 0);
        cq_value_free(i);
        return s;
    }
    cq_value_to_json(&s, v, 0);
    return s;
}

static int keymap_init(keymap *m, size_t n)
{
    m->cap = 16;
    while (m->cap < n * 2)
        m->cap *= 2;
    m->keys = calloc(m->cap, sizeof *m->keys);
    m->slot = calloc(m->cap, sizeof *m->slot);
    return m->keys && m->slot ? 0 : -1;
}

static void keymap_free(keymap *m)
{
    for (size_t i = 0; m->keys && i < m->cap; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->slot);
}

/* Inserts key -> slot; returns false if the key was there already. */
static bool keymap_put(keymap *m, char *key, size_t slot)
{
    size_t i = hash_str(key) & (m->cap - 1);
    while (m->keys[i]) {
        if (strcmp(m->keys[i], key) == 0) {
            free(key);
            return false;
        }
        i = (i + 1) & (m->cap - 1);
    }
    m->keys[i] = key;
    m->slot[i] = slot;
    return true;
}

static long keymap_get(const keymap *m, const char *key)
{
    size_t i = hash_str(key) & (m->cap - 1);
    while (m->keys[i]) {
        if (strcmp(m->keys[i], key) == 0)
            return (long)m->slot[i];
        i = (i + 1) & (m->cap - 1);
    }
    return -1;
}

static const cq_value *value_of(const cq_instance *inst, const char *attr)
{
    long i = cq__model_attr_index(inst->model, attr);
    return i < 0 ? NULL : inst->values[i];
}

static cq__included *included_for(cq_instance *inst, const cq__inc *n)
{
    for (size_t i = 0; i < inst->ninc; i++)
        if (inst->inc[i].assoc == n->a)
            return &inst->inc[i];
    return NULL;
}

/* Loads one to-many include for `parents` with one query. */
static int load_node(cq__inc *n, cq_instance **parents, size_t np, cq_txn *txn)
{
    const cq_assoc *a = n->a;
    cq_db *db = a->source->db;
    keymap km = { 0 };
    cq_value *keys = cq_value_array();
    int rc = keys && keymap_init(&km, np) == 0 ? CQ_OK : oom(db);
    for (size_t i = 0; rc == CQ_OK && i < np; i++) {
        cq__included *inc = included_for(parents[i], n);
        if (!inc && !(inc = add_included(parents[i], n))) {
            rc = oom(db);
            break;
        }
        if (!inc->rows && !(inc->rows = calloc(1, sizeof *inc->rows))) {
            rc = oom(db);
            break;
        }
        const cq_value *k = value_of(parents[i], a->source_key);
        if (cq_value_is_null(k))
            continue;
        char *kt = key_text(k);
        if (!kt) {
            rc = oom(db);
            break;
        }
        if (keymap_put(&km, kt, i) && cq_value_array_append(keys, cq_value_copy(k)) != CQ_OK)
            rc = oom(db);
    }
    if (rc != CQ_OK || cq_value_size(keys) == 0) {
        cq_value_free(keys);
        keymap_free(&km);
        return rc;
    }
    const cq_include *e = n->spec;
    cq_find_opts o = { .where = e->where, .include = e->include, .transaction = txn };
    /* the key that ties a child to its parent is always read */
    const char *link = a->type == CQ_HAS_MANY ? a->fk : NULL;
    const char **attrs = NULL;
    if (e->attributes) {
        size_t cnt = 0;
        while (e->attributes[cnt])
            cnt++;
        attrs = calloc(cnt + 3, sizeof *attrs);
        if (!attrs)
            rc = oom(db);
        for (size_t i = 0; attrs && i < cnt; i++)
            attrs[i] = e->attributes[i];
        if (attrs && link && !in_list(e->attributes, link))
            attrs[cnt++] = link;
        if (attrs && !in_list(attrs, cq_model_primary_key(a->target)))
            attrs[cnt++] = cq_model_primary_key(a->target);
        o.attributes = attrs;
    }
    cq_order by_pk[2] = { { .attr = cq_model_primary_key(a->target) }, { 0 } };
    if (by_pk[0].attr)
        o.order = by_pk;
    cq__find_ext ext = { 0 };
    cq_value *in = cq_value_object(), *w = cq_value_object();
    if (!in || !w || cq_value_object_set(in, "$in", keys) != CQ_OK)
        rc = oom(db);
    keys = NULL;
    cq_rows *rows = NULL;
    if (rc == CQ_OK && a->type == CQ_HAS_MANY) {
        if (cq_value_object_set(w, a->fk, in) != CQ_OK)
            rc = oom(db);
        in = NULL;
        for (size_t k = 0; rc == CQ_OK && k < cq_value_size(a->scope); k++)
            cq_value_object_set(w, cq_value_object_key(a->scope, k),
                                cq_value_copy(cq_value_object_value(a->scope, k)));
        if (rc == CQ_OK)
            rc = cq__where_build(&ext.where, a->target, a->target->name, w);
    } else if (rc == CQ_OK) {
        /* belongsToMany: join the through model, keys on its foreign key */
        cq_model *t = a->through;
        ext.through = t;
        ext.through_alias = t->name;
        ext.through_attrs = e->through_attributes;
        ext.keep_through_keys = true;
        if (cq_value_object_set(w, a->fk, in) != CQ_OK)
            rc = oom(db);
        in = NULL;
        for (size_t k = 0; rc == CQ_OK && k < cq_value_size(a->through_scope); k++)
            cq_value_object_set(w, cq_value_object_key(a->through_scope, k),
                                cq_value_copy(cq_value_object_value(a->through_scope, k)));
        cq__expr *tw = NULL, *tw2 = NULL, *on = cq__expr_new(CQ__EX_AND);
        if (rc == CQ_OK)
            rc = cq__where_build(&tw, t, t->name, w);
        if (rc == CQ_OK)
            rc = cq__where_build(&tw2, t, t->name, e->through_where);
        if (rc == CQ_OK &&
            (!on || cq__expr_add(on, cq__expr_cmp(col_of(a->target, a->target->name, a->target_key),
                                                  "=", col_of(t, t->name, a->other_key))) != 0 ||
             (tw && cq__expr_add(on, tw) != 0) || (tw2 && cq__expr_add(on, tw2) != 0)))
            rc = oom(db);
        else if (rc != CQ_OK) {
            cq__expr_free(tw);
            cq__expr_free(tw2);
        }
        ext.join_on = on;
        if (rc == CQ_OK && a->scope)
            rc = cq__where_build(&ext.where, a->target, a->target->name, a->scope);
    }
    cq_value_free(in);
    cq_value_free(w);
    if (rc == CQ_OK)
        rc = cq__find(&rows, a->target, &o, &ext);
    else {
        cq__expr_free(ext.where);
        cq__expr_free(ext.join_on);
    }
    free(attrs);
    for (size_t i = 0; rc == CQ_OK && i < cq_rows_count(rows); i++) {
        cq_instance *child = rows->items[i];
        const cq_value *k = a->type == CQ_HAS_MANY ? value_of(child, a->fk)
                            : child->through ? value_of(child->through, a->fk)
                                             : NULL;
        char *kt = k ? key_text(k) : NULL;
        long slot = kt ? keymap_get(&km, kt) : -1;
        free(kt);
        if (slot < 0)
            continue;
        if (a->type == CQ_BELONGS_TO_MANY && child->through) {
            if (e->through_attributes_none) {
                cq_instance_free(child->through);
                child->through = NULL;
            } else if (e->through_attributes &&
                       cq__instance_hide_except(child->through, e->through_attributes) != CQ_OK) {
                rc = oom(db);
                break;
            }
        }
        if (e->attributes && cq__instance_hide_except(child, e->attributes) != CQ_OK) {
            rc = oom(db);
            break;
        }
        cq__included *inc = included_for(parents[slot], n);
        if (cq__rows_push(inc->rows, child) != 0) {
            rows->items[i] = NULL;
            rc = oom(db);
            break;
        }
        rows->items[i] = NULL;
    }
    cq_rows_free(rows);
    keymap_free(&km);
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
            cq_instance **kids = calloc(np + 1, sizeof *kids);
            size_t nk = 0;
            if (!kids)
                return oom(n->target->db);
            for (size_t k = 0; k < np; k++) {
                cq__included *inc = included_for(parents[k], n);
                if (inc && inc->one)
                    kids[nk++] = inc->one;
            }
            rc = nk ? load_plan(&n->children, kids, nk, txn) : CQ_OK;
            free(kids);
        }
        if (rc != CQ_OK)
            return rc;
    }
    return CQ_OK;
}

int cq__inc_load_many(cq_rows *rows, cq__inc_plan *p, cq_txn *txn)
{
    if (!rows || rows->n == 0 || cq__inc_plan_empty(p))
        return CQ_OK;
    return load_plan(p, rows->items, rows->n, txn);
}
