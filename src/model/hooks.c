/* Hooks: Sequelize v6's lifecycle callbacks (lib/hooks.js), per model and per db. The
 * operations call cq__hooks_run at v6's points; this file keeps the lists and runs them.
 * docs/hooks.md. */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "model/hooks.h"
#include "model/model.h"

static const char *const event_names[CQ__H_COUNT] = {
    "beforeValidate",
    "afterValidate",
    "validationFailed",
    "beforeCreate",
    "afterCreate",
    "beforeUpdate",
    "afterUpdate",
    "beforeSave",
    "afterSave",
    "beforeDestroy",
    "afterDestroy",
    "beforeRestore",
    "afterRestore",
    "beforeUpsert",
    "afterUpsert",
    "beforeBulkCreate",
    "afterBulkCreate",
    "beforeBulkUpdate",
    "afterBulkUpdate",
    "beforeBulkDestroy",
    "afterBulkDestroy",
    "beforeBulkRestore",
    "afterBulkRestore",
    "beforeFind",
    "beforeFindAfterExpandIncludeAll",
    "beforeFindAfterOptions",
    "afterFind",
    "beforeCount",
    "beforeSync",
    "afterSync",
    "beforeAssociate",
    "afterAssociate",
};

typedef struct entry {
    cq__hook_event ev;
    cq_hook_fn fn;
    void *user_data;
    char *bound; /* named hook: resolved through the db's bindings when it runs */
} entry;

struct cq__hook_list {
    entry *v;
    size_t n, cap;
};

typedef struct binding {
    char *name;
    cq_hook_fn fn;
    void *user_data;
} binding;

/* The db's part: hooks for every model (sequelize.addHook) and the named callbacks. */
typedef struct cq__db_hooks {
    cq__hook_list global;
    binding *b;
    size_t nb, bcap;
} cq__db_hooks;

static int event_of(const char *name)
{
    for (int i = 0; name && i < CQ__H_COUNT; i++)
        if (strcmp(event_names[i], name) == 0)
            return i;
    return -1;
}

bool cq_hook_event_is_valid(const char *event)
{
    return event_of(event) >= 0;
}

/* Whether a hook added for `added` runs when `running` runs (v6: beforeSave proxies). */
static bool runs_for(cq__hook_event added, cq__hook_event running)
{
    if (added == running)
        return true;
    if (added == CQ__H_BEFORE_SAVE)
        return running == CQ__H_BEFORE_CREATE || running == CQ__H_BEFORE_UPDATE;
    if (added == CQ__H_AFTER_SAVE)
        return running == CQ__H_AFTER_CREATE || running == CQ__H_AFTER_UPDATE;
    return false;
}

static int list_add(cq__hook_list **lp, cq__hook_event ev, cq_hook_fn fn, void *ud,
                    const char *bound)
{
    if (!*lp && !(*lp = cq__calloc(1, sizeof **lp)))
        return CQ_ENOMEM;
    cq__hook_list *l = *lp;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 4;
        entry *v = cq__realloc(l->v, cap * sizeof *v);
        if (!v)
            return CQ_ENOMEM;
        l->v = v;
        l->cap = cap;
    }
    char *b = NULL;
    if (bound && !(b = cq__strdup(bound)))
        return CQ_ENOMEM;
    l->v[l->n++] = (entry){ ev, fn, ud, b };
    return CQ_OK;
}

static void list_free(cq__hook_list *l)
{
    for (size_t i = 0; l && i < l->n; i++)
        cq__free(l->v[i].bound);
    if (l)
        cq__free(l->v);
    cq__free(l);
}

static cq__db_hooks *db_hooks(cq_db *db)
{
    if (!db->hooks)
        db->hooks = cq__calloc(1, sizeof *db->hooks);
    return db->hooks;
}

void cq__hooks_model_free(cq_model *m)
{
    list_free(m->hooks);
    m->hooks = NULL;
}

void cq__hooks_db_free(cq_db *db)
{
    cq__db_hooks *h = db->hooks;
    if (!h)
        return;
    for (size_t i = 0; i < h->global.n; i++)
        cq__free(h->global.v[i].bound);
    cq__free(h->global.v);
    for (size_t i = 0; i < h->nb; i++)
        cq__free(h->b[i].name);
    cq__free(h->b);
    cq__free(h);
    db->hooks = NULL;
}

int cq_model_add_hook(cq_model *m, const char *event, cq_hook_fn fn, void *user_data)
{
    if (!m)
        return CQ_EINVALID;
    cq__db_clear(m->db);
    int ev = event_of(event);
    if (ev < 0)
        return cq__db_fail(m->db, CQ_EINVALID, "addHook on \"%s\": unknown hook event \"%s\"",
                           m->name, event ? event : "(null)");
    if (!fn)
        return cq__db_fail(m->db, CQ_EINVALID, "addHook on \"%s\": no callback for %s", m->name,
                           event);
    if (list_add(&m->hooks, (cq__hook_event)ev, fn, user_data, NULL) != CQ_OK)
        return cq__db_oom(m->db);
    return CQ_OK;
}

int cq_model_add_bound_hook(cq_model *m, const char *event, const char *name)
{
    if (!m)
        return CQ_EINVALID;
    cq__db_clear(m->db);
    int ev = event_of(event);
    if (ev < 0)
        return cq__db_fail(m->db, CQ_EINVALID, "hooks of \"%s\": unknown hook event \"%s\"",
                           m->name, event ? event : "(null)");
    if (!name || !*name)
        return cq__db_fail(m->db, CQ_EINVALID, "hooks of \"%s\": %s needs a callback name", m->name,
                           event);
    if (list_add(&m->hooks, (cq__hook_event)ev, NULL, NULL, name) != CQ_OK)
        return cq__db_oom(m->db);
    return CQ_OK;
}

int cq__hooks_add_list(cq_model *m, const cq_hook *list)
{
    int rc = CQ_OK;
    for (const cq_hook *h = list; rc == CQ_OK && h && h->event; h++)
        rc = h->fn ? cq_model_add_hook(m, h->event, h->fn, h->user_data)
                   : cq_model_add_bound_hook(m, h->event, h->bound);
    return rc;
}

int cq_model_remove_hook(cq_model *m, const char *event, cq_hook_fn fn, void *user_data)
{
    if (!m)
        return CQ_EINVALID;
    cq__db_clear(m->db);
    int ev = event_of(event);
    if (ev < 0)
        return cq__db_fail(m->db, CQ_EINVALID, "removeHook on \"%s\": unknown hook event \"%s\"",
                           m->name, event ? event : "(null)");
    cq__hook_list *l = m->hooks;
    size_t kept = 0, removed = 0;
    for (size_t i = 0; l && i < l->n; i++) {
        entry *e = &l->v[i];
        if ((int)e->ev == ev && e->fn == fn && e->user_data == user_data && !e->bound) {
            removed++;
            continue;
        }
        l->v[kept++] = *e;
    }
    if (l)
        l->n = kept;
    if (!removed)
        return cq__db_fail(m->db, CQ_ENOTFOUND, "removeHook on \"%s\": no such %s hook", m->name,
                           event);
    return CQ_OK;
}

int cq_db_add_hook(cq_db *db, const char *event, cq_hook_fn fn, void *user_data)
{
    if (!db)
        return CQ_EINVALID;
    cq__db_clear(db);
    int ev = event_of(event);
    if (ev < 0)
        return cq__db_fail(db, CQ_EINVALID, "addHook: unknown hook event \"%s\"",
                           event ? event : "(null)");
    if (!fn)
        return cq__db_fail(db, CQ_EINVALID, "addHook: no callback for %s", event);
    cq__db_hooks *h = db_hooks(db);
    cq__hook_list *l = h ? &h->global : NULL;
    if (!l || list_add(&l, (cq__hook_event)ev, fn, user_data, NULL) != CQ_OK)
        return cq__db_oom(db);
    return CQ_OK;
}

static binding *find_binding(const cq_db *db, const char *name)
{
    const cq__db_hooks *h = db->hooks;
    for (size_t i = 0; h && name && i < h->nb; i++)
        if (strcmp(h->b[i].name, name) == 0)
            return &h->b[i];
    return NULL;
}

int cq_db_bind_hook(cq_db *db, const char *name, cq_hook_fn fn, void *user_data)
{
    if (!db)
        return CQ_EINVALID;
    cq__db_clear(db);
    if (!name || !*name || !fn)
        return cq__db_fail(db, CQ_EINVALID, "cq_db_bind_hook: a name and a callback are needed");
    binding *b = find_binding(db, name);
    if (b) {
        b->fn = fn;
        b->user_data = user_data;
        return CQ_OK;
    }
    cq__db_hooks *h = db_hooks(db);
    if (!h)
        return cq__db_oom(db);
    if (h->nb == h->bcap) {
        size_t cap = h->bcap ? h->bcap * 2 : 8;
        binding *v = cq__realloc(h->b, cap * sizeof *v);
        if (!v)
            return cq__db_oom(db);
        h->b = v;
        h->bcap = cap;
    }
    char *copy = cq__strdup(name);
    if (!copy)
        return cq__db_oom(db);
    h->b[h->nb++] = (binding){ copy, fn, user_data };
    return CQ_OK;
}

bool cq_db_is_hook_bound(const cq_db *db, const char *name)
{
    return db && find_binding(db, name) != NULL;
}

const char *cq_db_unbound_hook(const cq_db *db, size_t i, const char **model_out,
                               const char **event_out)
{
    size_t k = 0;
    for (size_t mi = 0; db && mi < db->nmodels; mi++) {
        const cq_model *m = db->models[mi];
        for (size_t e = 0; m->hooks && e < m->hooks->n; e++) {
            const entry *en = &m->hooks->v[e];
            if (!en->bound || find_binding(db, en->bound))
                continue;
            if (k++ == i) {
                if (model_out)
                    *model_out = m->name;
                if (event_out)
                    *event_out = event_names[en->ev];
                return en->bound;
            }
        }
    }
    return NULL;
}

static bool list_any(const cq__hook_list *l, cq__hook_event ev)
{
    for (size_t i = 0; l && i < l->n; i++)
        if (runs_for(l->v[i].ev, ev))
            return true;
    return false;
}

bool cq__hooks_any(const cq_model *m, cq__hook_event ev)
{
    const cq__db_hooks *h = m->db->hooks;
    return list_any(m->hooks, ev) || (h && list_any(&h->global, ev));
}

void cq__hook_scope_end(cq__hook_scope *s)
{
    for (size_t i = 0; s && i < s->n; i++)
        cq_value_free(s->kept[i]);
    if (s) {
        cq__free(s->kept);
        s->kept = NULL;
        s->n = 0;
    }
}

int cq_hook_set_where(cq_hook_ctx *ctx, cq_value *where)
{
    if (!ctx) {
        cq_value_free(where);
        return CQ_EINVALID;
    }
    cq__hook_scope *s = ctx->priv;
    if (!where)
        return CQ_ENOMEM;
    if (!s || (!ctx->find && !ctx->bulk)) {
        cq_value_free(where);
        return CQ_EINVALID;
    }
    cq_value **v = cq__realloc(s->kept, (s->n + 1) * sizeof *v);
    if (!v) {
        cq_value_free(where);
        return CQ_ENOMEM;
    }
    s->kept = v;
    s->kept[s->n++] = where;
    if (ctx->find)
        ctx->find->where = where;
    else
        ctx->bulk->where = where;
    return CQ_OK;
}

/* Calls one entry; a failure becomes the db error (the hook's message, else a default). */
static int call(cq_model *m, const entry *e, cq_hook_ctx *ctx)
{
    cq_db *db = m->db;
    cq_hook_fn fn = e->fn;
    void *ud = e->user_data;
    if (e->bound) {
        const binding *b = find_binding(db, e->bound);
        if (!b)
            return cq__db_fail(db, CQ_EINVALID,
                               "hook \"%s\" (%s of \"%s\") is not bound: call cq_db_bind_hook()",
                               e->bound, event_names[e->ev], m->name);
        fn = b->fn;
        ud = b->user_data;
    }
    char msg[256] = "";
    ctx->event = event_names[e->ev];
    ctx->msg = msg;
    ctx->msg_size = sizeof msg;
    int rc = fn(ctx, ud);
    ctx->msg = NULL;
    ctx->msg_size = 0;
    if (rc == CQ_OK)
        return CQ_OK;
    if (rc > 0)
        rc = CQ_EINVALID;
    if (msg[0])
        return cq__db_fail(db, rc, "%s", msg);
    /* a hook passing on the code of a call that failed keeps that call's message */
    if (cq__last_error()->code == rc && cq__last_error()->message[0])
        return rc;
    return cq__db_fail(db, rc, "%s hook failed on \"%s\"", event_names[e->ev], m->name);
}

/* The entries that run for ev: the model's, then the db's (v6 runHooks). */
static size_t collect(const entry **out, size_t cap, const cq_model *m, cq__hook_event ev)
{
    size_t n = 0;
    const cq__hook_list *lists[2] = { m->hooks, m->db->hooks ? &m->db->hooks->global : NULL };
    for (size_t k = 0; k < 2; k++)
        for (size_t i = 0; lists[k] && i < lists[k]->n; i++)
            if (runs_for(lists[k]->v[i].ev, ev)) {
                if (out && n < cap)
                    out[n] = &lists[k]->v[i];
                n++;
            }
    return n;
}

/* Copies the entries that run for ev (a hook may add or remove hooks while it runs). */
static int snapshot(entry **out, size_t *n_out, cq_model *m, cq__hook_event ev)
{
    *out = NULL;
    size_t ne = *n_out = collect(NULL, 0, m, ev);
    if (ne == 0)
        return CQ_OK;
    entry *es = cq__calloc(ne, sizeof *es);
    const entry **ps = cq__calloc(ne, sizeof *ps);
    int rc = es && ps ? CQ_OK : cq__db_oom(m->db);
    if (rc == CQ_OK) {
        collect(ps, ne, m, ev);
        for (size_t i = 0; i < ne; i++) {
            es[i] = *ps[i];
            es[i].bound = ps[i]->bound ? cq__strdup(ps[i]->bound) : NULL;
            if (ps[i]->bound && !es[i].bound)
                rc = cq__db_oom(m->db);
        }
    }
    cq__free(ps);
    if (rc != CQ_OK) {
        for (size_t i = 0; es && i < ne; i++)
            cq__free(es[i].bound);
        cq__free(es);
        *n_out = 0;
        return rc;
    }
    *out = es;
    return CQ_OK;
}

static void snapshot_free(entry *es, size_t ne)
{
    for (size_t i = 0; es && i < ne; i++)
        cq__free(es[i].bound);
    cq__free(es);
}

int cq__hooks_run_many(cq_model *m, cq__hook_event ev, cq_instance *const *insts, size_t n,
                       const cq_hook_ctx *tmpl)
{
    entry *es = NULL;
    size_t ne = 0;
    int rc = n ? snapshot(&es, &ne, m, ev) : CQ_OK;
    /* v6 runs the instances' hook chains concurrently: every instance passes one hook
     * before any passes the next */
    for (size_t i = 0; rc == CQ_OK && i < ne; i++)
        for (size_t k = 0; rc == CQ_OK && k < n; k++) {
            cq_hook_ctx ctx = tmpl ? *tmpl : (cq_hook_ctx){ 0 };
            ctx.model = m;
            ctx.running = event_names[ev];
            ctx.instance = insts ? insts[k] : ctx.instance;
            rc = call(m, &es[i], &ctx);
        }
    snapshot_free(es, ne);
    return rc;
}

int cq__hooks_run(cq_model *m, cq__hook_event ev, cq_hook_ctx *ctx, cq__hook_scope *scope)
{
    entry *es = NULL;
    size_t ne = 0;
    int rc = snapshot(&es, &ne, m, ev);
    for (size_t i = 0; rc == CQ_OK && i < ne; i++) {
        ctx->model = ctx->model ? ctx->model : m;
        ctx->running = event_names[ev];
        ctx->priv = scope;
        rc = call(m, &es[i], ctx);
    }
    snapshot_free(es, ne);
    return rc;
}

int cq__hooks_run_instance(cq__hook_event ev, cq_instance *inst)
{
    cq_hook_ctx ctx = { .instance = inst };
    return cq__hooks_run(inst->model, ev, &ctx, NULL);
}
