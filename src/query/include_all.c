/* `include: {all: ...}`: expanding `all` elements into one include per association, in the
 * order and with the skips of Sequelize v6's Model._expandIncludeAll (see cq_include). */
#include <stdlib.h>
#include <string.h>

#include "model/assoc.h"
#include "core/util.h"
#include "query/include.h"

/* The expansion is built as a tree of nodes first (a nested `all` element adds to the
 * include list of each include it creates, and those lists are expanded in their turn), then
 * turned into plain zero-terminated cq_include arrays. */
typedef struct xnode xnode;
typedef struct xlist {
    xnode **v;
    size_t n, cap;
} xlist;

struct xnode {
    cq_include e;                /* the element; e.include unused here */
    const cq_include *user_kids; /* the caller's nested list (borrowed), may hold `all` */
    xlist added;                 /* nested `all`: includes added below this one */
    cq_model *target;            /* known for expanded nodes, else resolved at the end */
    const char *pred_as;         /* the `as` Sequelize's duplicate check sees on it */
};

/* The models on the way down a nested expansion (v6's `used`). */
typedef struct used_stack {
    cq_model **v;
    size_t n, cap;
} used_stack;

static void xlist_free(xlist *l);

static void xnode_free(xnode *x)
{
    if (x) {
        xlist_free(&x->added);
        cq__free(x);
    }
}

static void xlist_free(xlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        xnode_free(l->v[i]);
    cq__free(l->v);
    memset(l, 0, sizeof *l);
}

static int xlist_push(xlist *l, xnode *x)
{
    if (cq__grow((void **)&l->v, &l->cap, l->n + 1, sizeof *l->v) != 0)
        return -1;
    l->v[l->n++] = x;
    return 0;
}

static bool is_all(const cq_include *e)
{
    return e->all || e->all_types != 0;
}

void cq__inc_list_free(cq_include *list)
{
    for (cq_include *e = list; e && !cq__inc_is_end(e); e++)
        cq__inc_list_free((cq_include *)e->include);
    cq__free(list);
}

static bool list_has_all(const cq_include *list)
{
    for (const cq_include *e = list; e && !cq__inc_is_end(e); e++)
        if (is_all(e) || list_has_all(e->include))
            return true;
    return false;
}

/* The target model of a caller's element of a list on `m`, when it names one (NULL when it
 * names nothing that exists: the plan reports that later). */
static cq_model *elem_target(cq_model *m, const cq_include *e)
{
    if (e->model)
        return e->model;
    if (e->association)
        return e->association->target;
    if (!e->as)
        return NULL;
    const cq_assoc *a = cq_model_assoc(m, e->as);
    return a ? a->target : NULL;
}

/* v6's `_.some(includes, {model, as})`: an element of the list (the caller's elements of
 * `user`, then the nodes of `nodes`) with that model, and that `as` when `as` is given. */
static bool list_names(cq_model *m, const cq_include *user, const xlist *nodes, cq_model *model,
                       const char *as)
{
    for (const cq_include *e = user; e && !cq__inc_is_end(e); e++) {
        if (is_all(e) || elem_target(m, e) != model)
            continue;
        const char *eas = e->as ? e->as : e->association ? e->association->alias.as : NULL;
        if (!as || (eas && strcmp(eas, as) == 0))
            return true;
    }
    for (size_t i = 0; i < nodes->n; i++) {
        const xnode *x = nodes->v[i];
        cq_model *t = x->target ? x->target : elem_target(m, &x->e);
        if (t == model && (!as || (x->pred_as && strcmp(x->pred_as, as) == 0)))
            return true;
    }
    return false;
}

static bool type_selected(const cq_include *e, cq_assoc_type type)
{
    if (e->all_types == 0)
        return true; /* all: true */
    unsigned bit = type == CQ_BELONGS_TO ? CQ_ALL_BELONGS_TO
                   : type == CQ_HAS_ONE  ? CQ_ALL_HAS_ONE
                   : type == CQ_HAS_MANY ? CQ_ALL_HAS_MANY
                                         : 0;
    return (e->all_types & bit) != 0;
}

/* v6's addAllIncludes: the associations of `parent` (a model's associations object: one per
 * alias, at the position of its first definition, the newest definition winning) added to
 * the list (`user`, `nodes`) as copies of the `all` element `all`. The stack is pushed once
 * per association added and popped once at the end, exactly as v6 does, since which models a
 * nested expansion skips depends on it. */
static int add_all(cq_model *parent, const cq_include *user, xlist *nodes, const cq_include *all,
                   used_stack *used)
{
    cq_db *db = parent->db;
    for (size_t i = 0; i < parent->nassocs; i++) {
        const cq_assoc *a = parent->assocs[i];
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(parent->assocs[j]->alias.as, a->alias.as) == 0;
        if (seen)
            continue;
        for (size_t j = i + 1; j < parent->nassocs; j++)
            if (strcmp(parent->assocs[j]->alias.as, a->alias.as) == 0)
                a = parent->assocs[j];
        if (!type_selected(all, a->type))
            continue;
        const char *as = a->alias.is_aliased ? a->alias.as : NULL;
        if (list_names(parent, user, nodes, a->target, as))
            continue;
        bool on_path = false;
        for (size_t k = 0; all->nested && k < used->n && !on_path; k++)
            on_path = used->v[k] == a->target;
        if (on_path)
            continue;
        if (cq__grow((void **)&used->v, &used->cap, used->n + 1, sizeof *used->v) != 0)
            return cq__db_oom(db);
        used->v[used->n++] = parent;
        xnode *x = cq__calloc(1, sizeof *x);
        if (!x || xlist_push(nodes, x) != 0) {
            cq__free(x);
            return cq__db_oom(db);
        }
        x->e = *all;
        x->e.all = false;
        x->e.all_types = 0;
        x->e.nested = false;
        x->e.model = NULL;
        x->e.as = NULL;
        x->e.include = NULL;
        x->e.association = a;
        x->user_kids = all->include;
        x->target = a->target;
        x->pred_as = as;
        if (all->nested) {
            int rc = add_all(a->target, x->user_kids, &x->added, all, used);
            if (rc != CQ_OK)
                return rc;
        }
    }
    if (used->n > 0)
        used->n--;
    return CQ_OK;
}

static int check_types(cq_model *m, const cq_include *e)
{
    unsigned known = CQ_ALL_BELONGS_TO | CQ_ALL_HAS_ONE | CQ_ALL_HAS_MANY;
    if (e->all_types & ~known)
        return cq__db_fail(m->db, CQ_EEAGER,
                           "include all 0x%x is not valid - must be BelongsTo, HasOne, HasMany, "
                           "One, Has, Many or All",
                           e->all_types & ~known);
    return CQ_OK;
}

/* The final list for model `m` from the caller's elements `user` and the nodes `added`
 * (moved in): the named elements first, then what each `all` element stands for; then the
 * same for every element's own list. */
static int expand(cq_include **out, cq_model *m, const cq_include *user, xlist *added)
{
    cq_db *db = m->db;
    *out = NULL;
    xlist res = { 0 };
    int rc = CQ_OK;
    for (const cq_include *e = user; rc == CQ_OK && e && !cq__inc_is_end(e); e++) {
        if (is_all(e))
            continue;
        xnode *x = cq__calloc(1, sizeof *x);
        if (!x || xlist_push(&res, x) != 0) {
            cq__free(x);
            rc = cq__db_oom(db);
            break;
        }
        x->e = *e;
        x->e.include = NULL;
        x->user_kids = e->include;
        x->pred_as = e->as ? e->as : e->association ? e->association->alias.as : NULL;
    }
    for (size_t i = 0; rc == CQ_OK && added && i < added->n; i++) {
        if (xlist_push(&res, added->v[i]) != 0)
            rc = cq__db_oom(db);
        else
            added->v[i] = NULL;
    }
    used_stack used = { 0 };
    for (const cq_include *e = user; rc == CQ_OK && e && !cq__inc_is_end(e); e++) {
        if (!is_all(e))
            continue;
        rc = check_types(m, e);
        used.n = 0;
        if (rc == CQ_OK)
            rc = add_all(m, NULL, &res, e, &used);
    }
    cq__free(used.v);
    cq_include *list = rc == CQ_OK ? cq__calloc(res.n + 1, sizeof *list) : NULL;
    if (rc == CQ_OK && !list)
        rc = cq__db_oom(db);
    for (size_t i = 0; rc == CQ_OK && i < res.n; i++) {
        xnode *x = res.v[i];
        list[i] = x->e;
        list[i].include = NULL;
        if (!x->user_kids && x->added.n == 0)
            continue;
        cq_model *t = x->target;
        if (!t) {
            const cq_assoc *a = NULL;
            rc = cq__inc_resolve(&a, m, &x->e);
            t = a ? a->target : NULL;
        }
        cq_include *kids = NULL;
        if (rc == CQ_OK)
            rc = expand(&kids, t, x->user_kids, &x->added);
        list[i].include = kids;
    }
    xlist_free(&res);
    if (rc != CQ_OK) {
        cq__inc_list_free(list);
        return rc;
    }
    *out = list;
    return CQ_OK;
}

int cq__inc_expand_all(cq_include **out, cq_model *m, const cq_include *list)
{
    *out = NULL;
    if (!list_has_all(list))
        return CQ_OK;
    return expand(out, m, list, NULL);
}
