/* Model scopes: Sequelize v6's defaultScope, scopes, Model.scope(...) and unscoped(), and the
 * way v6 merges them (Model._mergeFunction: where/having merged key by key, arrays united,
 * {include, exclude} lists united, includes of one association merged, the rest replaced). */
#include <stdlib.h>
#include <string.h>

#include "model/assoc.h"
#include "core/util.h"
#include "model/scopes.h"
#include "cequel/scope.h"

typedef struct scope_ent {
    char *name;
    cq_value *value; /* an object scope, or NULL */
    cq_scope_fn fn;  /* a function scope */
    void *data;
    char *bound; /* a schema's function scope: the name bound with cq_db_bind_scope */
} scope_ent;

struct cq__scopes {
    scope_ent *items;
    size_t n, cap;
    cq_value *def; /* the default scope, or NULL */
};

static void ent_clear(scope_ent *e)
{
    cq__free(e->name);
    cq_value_free(e->value);
    cq__free(e->bound);
    memset(e, 0, sizeof *e);
}

void cq__scopes_free(struct cq__scopes *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        ent_clear(&s->items[i]);
    cq__free(s->items);
    cq_value_free(s->def);
    cq__free(s);
}

static scope_ent *ent_find(struct cq__scopes *s, const char *name)
{
    for (size_t i = 0; s && i < s->n; i++)
        if (cq__streq(s->items[i].name, name))
            return &s->items[i];
    return NULL;
}

static const char *const scope_keys[] = { "where",  "attributes", "include", "order",    "limit",
                                          "offset", "group",      "having",  "paranoid", NULL };

static int check_scope(cq_model *m, const char *name, const cq_value *v)
{
    if (cq_value_type_of(v) != CQ_VALUE_OBJECT)
        return cq__db_fail(m->db, CQ_EINVALID, "scope \"%s\" of model \"%s\" must be an object",
                           name, m->name);
    for (size_t i = 0; i < cq_value_size(v); i++) {
        const char *k = cq_value_object_key(v, i);
        bool ok = false;
        for (const char *const *p = scope_keys; *p && !ok; p++)
            ok = cq__streq(*p, k);
        if (!ok)
            return cq__db_fail(m->db, CQ_EINVALID,
                               "scope \"%s\" of model \"%s\": \"%s\" is no finder option (where, "
                               "attributes, include, order, limit, offset, group, having, "
                               "paranoid)",
                               name, m->name, k);
    }
    return CQ_OK;
}

/* Adds or replaces an entry (value, fn or bound name; ownership of `value` taken). */
static int add_ent(cq_db *db, struct cq__scopes **sp, const char *name, cq_value *value,
                   cq_scope_fn fn, void *data, const char *bound, bool override, const char *what)
{
    if (!*sp && !(*sp = cq__calloc(1, sizeof **sp))) {
        cq_value_free(value);
        return cq__db_oom(db);
    }
    struct cq__scopes *s = *sp;
    scope_ent *e = ent_find(s, name);
    if (e && !override) {
        cq_value_free(value);
        return cq__db_fail(db, CQ_EINVALID,
                           "The scope %s already exists on %s. Pass override to replace it", name,
                           what);
    }
    if (!e) {
        if (cq__grow((void **)&s->items, &s->cap, s->n + 1, sizeof *s->items) != 0) {
            cq_value_free(value);
            return cq__db_oom(db);
        }
        e = &s->items[s->n++];
        memset(e, 0, sizeof *e);
    } else {
        ent_clear(e);
    }
    e->name = cq__strdup(name);
    e->value = value;
    e->fn = fn;
    e->data = data;
    e->bound = bound ? cq__strdup(bound) : NULL;
    if (!e->name || (bound && !e->bound))
        return cq__db_oom(db);
    return CQ_OK;
}

int cq_model_add_scope(cq_model *model, const char *name, const cq_value *scope,
                       const cq_scope_opts *opts)
{
    if (!model)
        return CQ_EINVALID;
    cq__db_clear(model->db);
    if (!name || !*name)
        return cq__db_fail(model->db, CQ_EINVALID, "a scope of model \"%s\" needs a name",
                           model->name);
    int rc = check_scope(model, name, scope);
    if (rc != CQ_OK)
        return rc;
    bool override = opts && opts->override;
    if (cq__streq(name, "defaultScope")) {
        if (model->scopes && model->scopes->def && cq_value_size(model->scopes->def) && !override)
            return cq__db_fail(model->db, CQ_EINVALID,
                               "The scope defaultScope already exists on %s. Pass override to "
                               "replace it",
                               model->name);
        if (!model->scopes && !(model->scopes = cq__calloc(1, sizeof *model->scopes)))
            return cq__db_oom(model->db);
        cq_value *copy = cq_value_copy(scope);
        if (!copy)
            return cq__db_oom(model->db);
        cq_value_free(model->scopes->def);
        model->scopes->def = copy;
        return CQ_OK;
    }
    cq_value *copy = cq_value_copy(scope);
    if (!copy)
        return cq__db_oom(model->db);
    return add_ent(model->db, &model->scopes, name, copy, NULL, NULL, NULL, override, model->name);
}

int cq_model_add_scope_fn(cq_model *model, const char *name, cq_scope_fn fn, void *user_data,
                          const cq_scope_opts *opts)
{
    if (!model)
        return CQ_EINVALID;
    cq__db_clear(model->db);
    if (!name || !*name || !fn || cq__streq(name, "defaultScope"))
        return cq__db_fail(model->db, CQ_EINVALID,
                           "a function scope of model \"%s\" needs a name (not defaultScope) "
                           "and a function",
                           model->name);
    return add_ent(model->db, &model->scopes, name, NULL, fn, user_data, NULL,
                   opts && opts->override, model->name);
}

/* A schema's function scope: the name of a function bound with cq_db_bind_scope. */
int cq__model_add_scope_bound(cq_model *model, const char *name, const char *bound);
int cq__model_add_scope_bound(cq_model *model, const char *name, const char *bound)
{
    return add_ent(model->db, &model->scopes, name, NULL, NULL, NULL, bound, false, model->name);
}

int cq_db_bind_scope(cq_db *db, const char *name, cq_scope_fn fn, void *user_data)
{
    if (!db)
        return CQ_EINVALID;
    cq__db_clear(db);
    if (!name || !*name || !fn)
        return cq__db_fail(db, CQ_EINVALID, "cq_db_bind_scope needs a name and a function");
    return add_ent(db, &db->scope_binds, name, NULL, fn, user_data, NULL, true, "the db");
}

bool cq_model_has_scope(const cq_model *model, const char *name)
{
    if (!model || !name || !model->scopes)
        return false;
    if (cq__streq(name, "defaultScope"))
        return model->scopes->def != NULL;
    return ent_find(model->scopes, name) != NULL;
}

/* ---- merging (v6's _mergeFunction) ------------------------------------------------------ */

static int assign(cq_model *m, cq_value *dst, const cq_value *src);

/* An include element of a scope as an object ({"as": name} for a bare name). */
static cq_value *include_object(const cq_value *e)
{
    if (cq_value_type_of(e) == CQ_VALUE_TEXT) {
        cq_value *o = cq_value_object();
        if (o && cq_value_object_set(o, "as", cq_value_copy(e)) != CQ_OK) {
            cq_value_free(o);
            return NULL;
        }
        return o;
    }
    return cq_value_copy(e);
}

/* The association a scope's include element names (by "as", "association" or "model"). */
static int json_assoc(const cq_assoc **out, cq_model *m, const cq_value *e)
{
    *out = NULL;
    if (cq_value_type_of(e) != CQ_VALUE_OBJECT)
        return cq__db_fail(m->db, CQ_EINVALID,
                           "an include of a scope of %s is an association's name or an object",
                           m->name);
    const cq_value *as = cq_value_object_get(e, "as");
    if (!as)
        as = cq_value_object_get(e, "association");
    const cq_value *model = cq_value_object_get(e, "model");
    cq_include inc = { 0 };
    if (cq_value_type_of(as) == CQ_VALUE_TEXT)
        inc.as = cq_value_as_text(as);
    if (cq_value_type_of(model) == CQ_VALUE_TEXT &&
        !(inc.model = cq_db_model(m->db, cq_value_as_text(model))))
        return cq__db_fail(m->db, CQ_EUNKNOWN_MODEL, "an include of a scope of %s: no model \"%s\"",
                           m->name, cq_value_as_text(model));
    return cq__inc_resolve(out, m, &inc);
}

/* v6's _uniqIncludes: elements naming the same association merged into the first. Takes
 * `list` (an array), gives a new one. */
static int uniq_includes(cq_value **out, cq_model *m, cq_value *list)
{
    *out = NULL;
    cq_value *res = cq_value_array();
    const cq_assoc **seen = cq__calloc(cq_value_size(list) + 1, sizeof *seen);
    int rc = res && seen ? CQ_OK : cq__db_oom(m->db);
    size_t n = 0;
    for (size_t i = 0; rc == CQ_OK && i < cq_value_size(list); i++) {
        cq_value *e = include_object(cq_value_array_get(list, i));
        const cq_assoc *a = NULL;
        rc = e ? json_assoc(&a, m, e) : cq__db_oom(m->db);
        size_t k = 0;
        while (rc == CQ_OK && k < n && seen[k] != a)
            k++;
        if (rc == CQ_OK && k < n) {
            rc = assign(a->target, cq_value_array_get(res, k), e);
            cq_value_free(e);
        } else if (rc == CQ_OK) {
            seen[n++] = a;
            if (cq_value_array_append(res, e) != CQ_OK)
                rc = cq__db_oom(m->db);
        } else {
            cq_value_free(e);
        }
    }
    cq__free(seen);
    cq_value_free(list);
    if (rc != CQ_OK) {
        cq_value_free(res);
        return rc;
    }
    *out = res;
    return CQ_OK;
}

/* Appends to `dst` the elements of `src` it does not hold (lodash's union). */
static int unite(cq_value *dst, const cq_value *src)
{
    for (size_t i = 0; i < cq_value_size(src); i++) {
        const cq_value *e = cq_value_array_get(src, i);
        bool have = false;
        for (size_t j = 0; j < cq_value_size(dst) && !have; j++)
            have = cq_value_is_equal(cq_value_array_get(dst, j), e);
        if (!have && cq_value_array_append(dst, cq_value_copy(e)) != CQ_OK)
            return CQ_ENOMEM;
    }
    return CQ_OK;
}

/* Object.assign(dst, src). */
static int assign_keys(cq_value *dst, const cq_value *src)
{
    for (size_t i = 0; i < cq_value_size(src); i++)
        if (cq_value_object_set(dst, cq_value_object_key(src, i),
                                cq_value_copy(cq_value_object_value(src, i))) != CQ_OK)
            return CQ_ENOMEM;
    return CQ_OK;
}

/* _assignOptions(dst, src) on option objects of model `m`: src's keys merged into dst. */
static int assign(cq_model *m, cq_value *dst, const cq_value *src)
{
    for (size_t i = 0; i < cq_value_size(src); i++) {
        const char *k = cq_value_object_key(src, i);
        const cq_value *sv = cq_value_object_value(src, i);
        cq_value *dv = cq_value_object_get(dst, k);
        cq_value_type dt = cq_value_type_of(dv), st = cq_value_type_of(sv);
        int rc = CQ_OK;
        if (dv && dt == CQ_VALUE_ARRAY && st == CQ_VALUE_ARRAY) {
            if (cq__streq(k, "include")) {
                cq_value *both = cq_value_copy(dv), *u = NULL;
                for (size_t j = 0; both && j < cq_value_size(sv); j++)
                    if (cq_value_array_append(both, cq_value_copy(cq_value_array_get(sv, j))) !=
                        CQ_OK) {
                        cq_value_free(both);
                        both = NULL;
                    }
                rc = both ? uniq_includes(&u, m, both) : CQ_ENOMEM;
                if (rc == CQ_OK && cq_value_object_set(dst, k, u) != CQ_OK)
                    rc = CQ_ENOMEM;
            } else {
                rc = unite(dv, sv);
            }
        } else if (dv && dt == CQ_VALUE_OBJECT && st == CQ_VALUE_OBJECT &&
                   (cq__streq(k, "where") || cq__streq(k, "having"))) {
            rc = assign_keys(dv, sv);
        } else if (dv && dt == CQ_VALUE_OBJECT && st == CQ_VALUE_OBJECT &&
                   cq__streq(k, "attributes")) {
            for (size_t j = 0; rc == CQ_OK && j < cq_value_size(sv); j++) {
                const char *ak = cq_value_object_key(sv, j);
                const cq_value *as = cq_value_object_value(sv, j);
                cq_value *ad = cq_value_object_get(dv, ak);
                if (ad && cq_value_type_of(ad) == CQ_VALUE_ARRAY &&
                    cq_value_type_of(as) == CQ_VALUE_ARRAY)
                    rc = unite(ad, as);
                else if (cq_value_object_set(dv, ak, cq_value_copy(as)) != CQ_OK)
                    rc = CQ_ENOMEM;
            }
        } else if (cq__streq(k, "include") && st == CQ_VALUE_ARRAY) {
            cq_value *u = NULL;
            cq_value *c = cq_value_copy(sv);
            rc = c ? uniq_includes(&u, m, c) : CQ_ENOMEM;
            if (rc == CQ_OK && cq_value_object_set(dst, k, u) != CQ_OK)
                rc = CQ_ENOMEM;
        } else if (cq_value_object_set(dst, k, cq_value_copy(sv)) != CQ_OK) {
            rc = CQ_ENOMEM;
        }
        if (rc == CQ_ENOMEM)
            return cq__db_oom(m->db);
        if (rc != CQ_OK)
            return rc;
    }
    return CQ_OK;
}

/* ---- resolving a call's scopes (v6's Model.scope) ---------------------------------------- */

static int call_fn(cq_value **out, cq_model *m, const scope_ent *e, const cq_value *args)
{
    *out = NULL;
    cq_scope_fn fn = e->fn;
    void *data = e->data;
    if (e->bound) {
        const scope_ent *b = ent_find(m->db->scope_binds, e->bound);
        if (!b)
            return cq__db_fail(m->db, CQ_EINVALID,
                               "scope \"%s\" of model \"%s\" names \"%s\", which no "
                               "cq_db_bind_scope bound",
                               e->name, m->name, e->bound);
        fn = b->fn;
        data = b->data;
    }
    cq_value *v = NULL;
    int rc = fn(&v, m, args ? args : CQ_EMPTY_ARRAY, data);
    if (rc == CQ_OK && !v)
        rc = cq__db_fail(m->db, CQ_EINVALID, "scope \"%s\" of model \"%s\" gave no options",
                         e->name, m->name);
    if (rc == CQ_OK)
        rc = check_scope(m, e->name, v);
    if (rc != CQ_OK) {
        if (cq_db_error(m->db)->code == CQ_OK)
            cq__db_fail(m->db, rc, "scope \"%s\" of model \"%s\" failed", e->name, m->name);
        cq_value_free(v);
        return rc;
    }
    *out = v;
    return CQ_OK;
}

/* One element of a scope selection as a new scope object. */
static int one_scope(cq_value **out, cq_model *m, const cq_value *el)
{
    *out = NULL;
    struct cq__scopes *s = m->scopes;
    if (cq_value_type_of(el) == CQ_VALUE_TEXT) {
        const char *name = cq_value_as_text(el);
        if (cq__streq(name, "defaultScope")) {
            *out = s && s->def ? cq_value_copy(s->def) : cq_value_object();
            return *out ? CQ_OK : cq__db_oom(m->db);
        }
        const scope_ent *e = ent_find(s, name);
        if (!e)
            return cq__db_fail(m->db, CQ_EINVALID, "Invalid scope %s called.", name);
        if (e->value) {
            *out = cq_value_copy(e->value);
            return *out ? CQ_OK : cq__db_oom(m->db);
        }
        return call_fn(out, m, e, NULL);
    }
    const cq_value *method = cq_value_object_get(el, "method");
    if (cq_value_type_of(el) == CQ_VALUE_OBJECT && method) {
        const cq_value *nv =
            cq_value_type_of(method) == CQ_VALUE_ARRAY ? cq_value_array_get(method, 0) : method;
        const char *name = cq_value_type_of(nv) == CQ_VALUE_TEXT ? cq_value_as_text(nv) : NULL;
        const scope_ent *e = name ? ent_find(s, name) : NULL;
        if (!e || e->value)
            return cq__db_fail(m->db, CQ_EINVALID,
                               "Invalid scope %s called (model \"%s\": {\"method\": [name, "
                               "args...]} names a function scope)",
                               name ? name : "(no name)", m->name);
        cq_value *args = cq_value_array();
        for (size_t i = 1;
             args && cq_value_type_of(method) == CQ_VALUE_ARRAY && i < cq_value_size(method); i++)
            if (cq_value_array_append(args, cq_value_copy(cq_value_array_get(method, i))) !=
                CQ_OK) {
                cq_value_free(args);
                args = NULL;
            }
        if (!args)
            return cq__db_oom(m->db);
        int rc = call_fn(out, m, e, args);
        cq_value_free(args);
        return rc;
    }
    int rc = check_scope(m, "(inline)", el);
    if (rc != CQ_OK)
        return rc;
    *out = cq_value_copy(el);
    return *out ? CQ_OK : cq__db_oom(m->db);
}

int cq__scope_resolve(cq_value **out, cq_model *m, const cq_value *sel)
{
    *out = NULL;
    if (!sel) {
        if (!m->scopes || !m->scopes->def || !cq_value_size(m->scopes->def))
            return CQ_OK;
        *out = cq_value_copy(m->scopes->def);
        return *out ? CQ_OK : cq__db_oom(m->db);
    }
    bool list = cq_value_type_of(sel) == CQ_VALUE_ARRAY;
    if (cq_value_type_of(sel) == CQ_VALUE_BOOL && !cq_value_as_bool(sel))
        return CQ_OK; /* v6's getter option `scope: false` */
    size_t n = list ? cq_value_size(sel) : 1;
    cq_value *acc = NULL;
    for (size_t i = 0; i < n; i++) {
        cq_value *one = NULL;
        int rc = one_scope(&one, m, list ? cq_value_array_get(sel, i) : sel);
        if (rc == CQ_OK && !acc) {
            /* the first one is conformed too: its includes merged when they repeat */
            acc = cq_value_object();
            rc = acc ? assign(m, acc, one) : cq__db_oom(m->db);
        } else if (rc == CQ_OK) {
            rc = assign(m, acc, one);
        }
        cq_value_free(one);
        if (rc != CQ_OK) {
            cq_value_free(acc);
            return rc;
        }
    }
    *out = acc;
    return CQ_OK;
}

/* ---- a find's options with its scopes (v6's _injectScope) -------------------------------- */

static int keep_val(cq__scoped *sc, cq_value *v)
{
    if (!v || cq__grow((void **)&sc->vals, &sc->vals_cap, sc->nvals + 1, sizeof *sc->vals) != 0) {
        cq_value_free(v);
        return -1;
    }
    sc->vals[sc->nvals++] = v;
    return 0;
}

static void *keep_mem(cq__scoped *sc, size_t n, size_t size)
{
    void *p = cq__calloc(n ? n : 1, size);
    if (!p || cq__grow((void **)&sc->mem, &sc->mem_cap, sc->nmem + 1, sizeof *sc->mem) != 0) {
        cq__free(p);
        return NULL;
    }
    sc->mem[sc->nmem++] = p;
    return p;
}

void cq__scoped_free(cq__scoped *sc)
{
    for (size_t i = 0; i < sc->nvals; i++)
        cq_value_free(sc->vals[i]);
    cq__free(sc->vals);
    for (size_t i = 0; i < sc->nmem; i++)
        cq__free(sc->mem[i]);
    cq__free(sc->mem);
    memset(sc, 0, sizeof *sc);
}

/* `a` with `b`'s keys assigned over it (either may be NULL); kept by sc. */
static int merge_where(const cq_value **out, cq__scoped *sc, cq_model *m, const cq_value *a,
                       const cq_value *b)
{
    if (!a || !b || cq_value_type_of(a) != CQ_VALUE_OBJECT ||
        cq_value_type_of(b) != CQ_VALUE_OBJECT) {
        *out = b ? b : a;
        return CQ_OK;
    }
    cq_value *w = cq_value_copy(a);
    if (!w || assign_keys(w, b) != CQ_OK || keep_val(sc, w) != 0) {
        if (w)
            cq_value_free(w);
        return cq__db_oom(m->db);
    }
    *out = w;
    return CQ_OK;
}

/* A NULL-terminated name list from an array of names, or from {"exclude": [...]} (every
 * attribute of `m` but those). */
static int names_from_json(const char *const **out, cq__scoped *sc, cq_model *m, const cq_value *v)
{
    *out = NULL;
    if (cq_value_type_of(v) == CQ_VALUE_OBJECT) {
        const cq_value *ex = cq_value_object_get(v, "exclude");
        if (cq_value_size(v) != 1 || cq_value_type_of(ex) != CQ_VALUE_ARRAY)
            return cq__db_fail(m->db, CQ_EINVALID,
                               "an include's attributes in a scope are names or {\"exclude\": "
                               "[...]}");
        const char **l = keep_mem(sc, m->nattrs + 1, sizeof *l);
        if (!l)
            return cq__db_oom(m->db);
        size_t n = 0;
        for (size_t i = 0; i < m->nattrs; i++) {
            bool out_ = false;
            for (size_t j = 0; j < cq_value_size(ex) && !out_; j++)
                out_ = cq__streq(cq_value_as_text(cq_value_array_get(ex, j)), m->attrs[i].name);
            if (!out_)
                l[n++] = m->attrs[i].name;
        }
        *out = l;
        return CQ_OK;
    }
    if (cq_value_type_of(v) != CQ_VALUE_ARRAY)
        return cq__db_fail(m->db, CQ_EINVALID, "attributes in a scope of %s must be an array",
                           m->name);
    const char **l = keep_mem(sc, cq_value_size(v) + 1, sizeof *l);
    if (!l)
        return cq__db_oom(m->db);
    for (size_t i = 0; i < cq_value_size(v); i++) {
        const cq_value *e = cq_value_array_get(v, i);
        if (cq_value_type_of(e) != CQ_VALUE_TEXT)
            return cq__db_fail(m->db, CQ_EINVALID,
                               "an include's attributes in a scope of %s are names", m->name);
        l[i] = cq_value_as_text(e);
    }
    *out = l;
    return CQ_OK;
}

/* lodash's union of two name lists (either may be NULL: the other). */
static int unite_names(const char *const **out, cq__scoped *sc, cq_model *m, const char *const *a,
                       const char *const *b)
{
    if (!a || !b) {
        *out = b ? b : a;
        return CQ_OK;
    }
    size_t na = 0, nb = 0;
    while (a[na])
        na++;
    while (b[nb])
        nb++;
    const char **l = keep_mem(sc, na + nb + 1, sizeof *l);
    if (!l)
        return cq__db_oom(m->db);
    size_t n = 0;
    for (size_t pass = 0; pass < 2; pass++)
        for (const char *const *p = pass ? b : a; *p; p++) {
            bool have = false;
            for (size_t k = 0; k < n && !have; k++)
                have = cq__streq(l[k], *p);
            if (!have)
                l[n++] = *p;
        }
    *out = l;
    return CQ_OK;
}

static int inc_list_from_json(const cq_include **out, cq__scoped *sc, cq_model *m,
                              const cq_value *list);

/* A scope's include element as a cq_include of `m` (its association resolved). */
static int inc_from_json(cq__scoped *sc, cq_model *m, const cq_value *el, cq_include *inc)
{
    cq_value *e = include_object(el);
    if (!e || keep_val(sc, e) != 0)
        return cq__db_oom(m->db);
    const cq_assoc *a = NULL;
    int rc = json_assoc(&a, m, e);
    if (rc != CQ_OK)
        return rc;
    inc->association = a;
    for (size_t i = 0; rc == CQ_OK && i < cq_value_size(e); i++) {
        const char *k = cq_value_object_key(e, i);
        const cq_value *v = cq_value_object_value(e, i);
        cq_value_type t = cq_value_type_of(v);
        if (cq__streq(k, "as") || cq__streq(k, "association") || cq__streq(k, "model"))
            continue;
        if (cq__streq(k, "where") && t == CQ_VALUE_OBJECT)
            inc->where = v;
        else if (cq__streq(k, "required") && t == CQ_VALUE_BOOL)
            inc->required = cq_value_as_bool(v) ? CQ_ON : CQ_OFF;
        else if (cq__streq(k, "separate") && t == CQ_VALUE_BOOL)
            inc->separate = cq_value_as_bool(v);
        else if (cq__streq(k, "paranoid") && t == CQ_VALUE_BOOL)
            inc->paranoid = cq_value_as_bool(v) ? CQ_ON : CQ_OFF;
        else if (cq__streq(k, "limit") && t == CQ_VALUE_INT && cq_value_as_int(v) >= 0)
            inc->limit = cq_value_as_int(v);
        else if (cq__streq(k, "scope"))
            inc->scope = v;
        else if (cq__streq(k, "attributes"))
            rc = names_from_json(&inc->attributes, sc, a->target, v);
        else if (cq__streq(k, "include") && t == CQ_VALUE_ARRAY)
            rc = inc_list_from_json(&inc->include, sc, a->target, v);
        else
            rc = cq__db_fail(m->db, CQ_EINVALID,
                             "an include of %s in a scope: bad or unknown option \"%s\"", m->name,
                             k);
    }
    return rc;
}

static int inc_list_from_json(const cq_include **out, cq__scoped *sc, cq_model *m,
                              const cq_value *list)
{
    *out = NULL;
    if (cq_value_type_of(list) != CQ_VALUE_ARRAY)
        return cq__db_fail(m->db, CQ_EINVALID, "include in a scope of %s must be an array",
                           m->name);
    cq_include *l = keep_mem(sc, cq_value_size(list) + 1, sizeof *l);
    if (!l)
        return cq__db_oom(m->db);
    for (size_t i = 0; i < cq_value_size(list); i++) {
        int rc = inc_from_json(sc, m, cq_value_array_get(list, i), &l[i]);
        if (rc != CQ_OK)
            return rc;
    }
    *out = l;
    return CQ_OK;
}

static size_t inc_count(const cq_include *l)
{
    size_t n = 0;
    while (l && !cq__inc_is_end(&l[n]))
        n++;
    return n;
}

static int merge_lists(const cq_include **out, cq__scoped *sc, cq_model *m, const cq_include *a,
                       const cq_include *b);

/* `dst` (earlier) with `src` (later) merged over it, as v6's _assignOptions on two includes
 * of the same association. */
static int merge_inc(cq__scoped *sc, cq_model *target, cq_include *dst, const cq_include *src)
{
    int rc = merge_where(&dst->where, sc, target, dst->where, src->where);
    if (rc == CQ_OK)
        rc = unite_names(&dst->attributes, sc, target, dst->attributes, src->attributes);
    if (rc == CQ_OK)
        rc = merge_lists(&dst->include, sc, target, dst->include, src->include);
    if (rc != CQ_OK)
        return rc;
    if (src->required != CQ_DEFAULT)
        dst->required = src->required;
    if (src->paranoid != CQ_DEFAULT)
        dst->paranoid = src->paranoid;
    if (src->through_paranoid != CQ_DEFAULT)
        dst->through_paranoid = src->through_paranoid;
    dst->separate |= src->separate;
    if (src->limit)
        dst->limit = src->limit;
    if (src->order)
        dst->order = src->order;
    if (src->through_attributes || src->through_attributes_none) {
        dst->through_attributes = src->through_attributes;
        dst->through_attributes_none = src->through_attributes_none;
    }
    if (src->through_where)
        dst->through_where = src->through_where;
    if (src->scope)
        dst->scope = src->scope;
    return CQ_OK;
}

/* A new list: `a`'s elements (resolved already), then `b`'s, an element of `b` naming an
 * association of `a` merged into it (v6's _uniqIncludes); every nested list copied. */
static int merge_lists(const cq_include **out, cq__scoped *sc, cq_model *m, const cq_include *a,
                       const cq_include *b)
{
    size_t na = inc_count(a), nb = inc_count(b);
    *out = NULL;
    if (!na && !nb)
        return CQ_OK;
    cq_include *l = keep_mem(sc, na + nb + 1, sizeof *l);
    if (!l)
        return cq__db_oom(m->db);
    size_t n = 0;
    int rc = CQ_OK;
    for (size_t i = 0; rc == CQ_OK && i < na; i++) {
        l[n] = a[i];
        if (!l[n].all && !l[n].all_types && !l[n].association)
            rc = cq__inc_resolve(&l[n].association, m, &a[i]);
        if (rc == CQ_OK && !l[n].all && !l[n].all_types)
            rc = merge_lists(&l[n].include, sc, l[n].association->target, NULL, a[i].include);
        n++;
    }
    for (size_t i = 0; rc == CQ_OK && i < nb; i++) {
        if (b[i].all || b[i].all_types) { /* expanded by the include planner */
            l[n++] = b[i];
            continue;
        }
        const cq_assoc *as = NULL;
        rc = cq__inc_resolve(&as, m, &b[i]);
        size_t k = 0;
        while (rc == CQ_OK && k < n && l[k].association != as)
            k++;
        if (rc == CQ_OK && k < n) {
            rc = merge_inc(sc, as->target, &l[k], &b[i]);
        } else if (rc == CQ_OK) {
            l[n] = b[i];
            l[n].association = as;
            l[n].model = NULL;
            l[n].as = NULL;
            rc = merge_lists(&l[n].include, sc, as->target, NULL, b[i].include);
            n++;
        }
    }
    *out = l;
    return rc;
}

/* Each include given its target's scopes (v6's model._injectScope(include)): the scope's where
 * with the include's keys over it, its attributes and includes; then the nested ones. */
static int apply_target_scopes(cq__scoped *sc, cq_model *m, cq_include *list)
{
    for (size_t i = 0; list && i < inc_count(list); i++) {
        cq_include *e = &list[i];
        if (e->all || e->all_types)
            continue;
        cq_model *t = e->association->target;
        cq_value *ts = NULL;
        int rc = cq__scope_resolve(&ts, t, e->scope);
        if (rc == CQ_OK && ts && keep_val(sc, ts) != 0)
            rc = cq__db_oom(m->db);
        if (rc == CQ_OK && ts) {
            const cq_value *w = cq_value_object_get(ts, "where");
            const cq_value *at = cq_value_object_get(ts, "attributes");
            const cq_value *inc = cq_value_object_get(ts, "include");
            const cq_value *par = cq_value_object_get(ts, "paranoid");
            if (w)
                rc = merge_where(&e->where, sc, t, w, e->where);
            const char *const *names = NULL;
            if (rc == CQ_OK && at)
                rc = names_from_json(&names, sc, t, at);
            if (rc == CQ_OK && names)
                rc = unite_names(&e->attributes, sc, t, names, e->attributes);
            const cq_include *tl = NULL;
            if (rc == CQ_OK && inc)
                rc = inc_list_from_json(&tl, sc, t, inc);
            if (rc == CQ_OK && tl)
                rc = merge_lists(&e->include, sc, t, tl, e->include);
            if (rc == CQ_OK && cq_value_type_of(par) == CQ_VALUE_BOOL && e->paranoid == CQ_DEFAULT)
                e->paranoid = cq_value_as_bool(par) ? CQ_ON : CQ_OFF;
        }
        e->scope = NULL;
        if (rc == CQ_OK)
            rc = apply_target_scopes(sc, t, (cq_include *)e->include);
        if (rc != CQ_OK)
            return rc;
    }
    return CQ_OK;
}

/* The call's attributes as the JSON a scope holds (NULL when it gives none). */
static cq_value *caller_attrs(const cq_find_opts *o)
{
    if (o->select)
        return cq_value_copy(o->select);
    const char *const *l = o->attributes ? o->attributes : o->exclude;
    if (!l)
        return NULL;
    cq_value *a = cq_value_array();
    for (; a && *l; l++)
        if (cq_value_array_append(a, cq_value_text(*l)) != CQ_OK) {
            cq_value_free(a);
            return NULL;
        }
    if (!a || o->attributes)
        return a;
    cq_value *obj = cq_value_object();
    if (!obj || cq_value_object_set(obj, "exclude", a) != CQ_OK) {
        cq_value_free(obj);
        return NULL;
    }
    return obj;
}

/* A scope's order ([["name", "DESC"], "age", ["posts", "title", "ASC"]]) then the call's. */
static int merge_order(cq__scoped *sc, cq_model *m, const cq_value *so)
{
    if (cq_value_type_of(so) != CQ_VALUE_ARRAY)
        return cq__db_fail(m->db, CQ_EINVALID, "order in a scope of %s must be an array", m->name);
    size_t nc = 0;
    while (sc->o.order && sc->o.order[nc].attr)
        nc++;
    cq_order *l = keep_mem(sc, cq_value_size(so) + nc + 1, sizeof *l);
    if (!l)
        return cq__db_oom(m->db);
    for (size_t i = 0; i < cq_value_size(so); i++) {
        const cq_value *e = cq_value_array_get(so, i);
        size_t n = cq_value_type_of(e) == CQ_VALUE_ARRAY ? cq_value_size(e) : 0;
        const cq_value *last = n ? cq_value_array_get(e, n - 1) : NULL;
        const char *dir = cq_value_type_of(last) == CQ_VALUE_TEXT ? cq_value_as_text(last) : "";
        bool has_dir = n >= 2 && (cq__strcaseeq(dir, "ASC") || cq__strcaseeq(dir, "DESC"));
        size_t nn = n - has_dir;
        if (cq_value_type_of(e) == CQ_VALUE_TEXT) {
            l[i].attr = cq_value_as_text(e);
            continue;
        }
        if (!n || nn < 1 || nn > 2 ||
            cq_value_type_of(cq_value_array_get(e, nn - 1)) != CQ_VALUE_TEXT ||
            (nn == 2 && cq_value_type_of(cq_value_array_get(e, 0)) != CQ_VALUE_TEXT))
            return cq__db_fail(m->db, CQ_EINVALID,
                               "an order of a scope of %s is \"name\", [name, direction] or "
                               "[include, name, direction]",
                               m->name);
        l[i].attr = cq_value_as_text(cq_value_array_get(e, nn - 1));
        l[i].as = nn == 2 ? cq_value_as_text(cq_value_array_get(e, 0)) : NULL;
        l[i].desc = has_dir && cq__strcaseeq(dir, "DESC");
    }
    if (nc)
        memcpy(l + cq_value_size(so), sc->o.order, nc * sizeof *l);
    sc->o.order = l;
    return CQ_OK;
}

/* The model's own scope merged with the call's options (the call's come last). */
static int merge_model_scope(cq__scoped *sc, cq_model *m, const cq_value *s)
{
    cq_find_opts *o = &sc->o;
    int rc = merge_where(&o->where, sc, m, cq_value_object_get(s, "where"), o->where);
    const cq_value *sa = cq_value_object_get(s, "attributes");
    if (rc == CQ_OK && sa) {
        cq_value *ca = caller_attrs(o);
        if ((o->select || o->attributes || o->exclude) && !ca)
            return cq__db_oom(m->db);
        cq_value *merged = cq_value_object();
        if (!merged || keep_val(sc, merged) != 0 ||
            cq_value_object_set(merged, "attributes", cq_value_copy(sa)) != CQ_OK) {
            cq_value_free(ca);
            return cq__db_oom(m->db);
        }
        if (ca) {
            cq_value *wrap = cq_value_object();
            if (!wrap || cq_value_object_set(wrap, "attributes", ca) != CQ_OK) {
                cq_value_free(wrap);
                return cq__db_oom(m->db);
            }
            rc = assign(m, merged, wrap);
            cq_value_free(wrap);
        }
        o->select = cq_value_object_get(merged, "attributes");
        o->attributes = o->exclude = NULL;
    }
    const cq_value *v;
    if (rc == CQ_OK && (v = cq_value_object_get(s, "order")))
        rc = merge_order(sc, m, v);
    if (rc == CQ_OK && !o->limit && (v = cq_value_object_get(s, "limit")) &&
        cq_value_type_of(v) == CQ_VALUE_INT)
        o->limit = cq_value_as_int(v);
    if (rc == CQ_OK && !o->offset && (v = cq_value_object_get(s, "offset")) &&
        cq_value_type_of(v) == CQ_VALUE_INT)
        o->offset = cq_value_as_int(v);
    if (rc == CQ_OK && (v = cq_value_object_get(s, "group"))) {
        if (o->group && cq_value_type_of(o->group) == CQ_VALUE_ARRAY &&
            cq_value_type_of(v) == CQ_VALUE_ARRAY) {
            cq_value *g = cq_value_copy(v);
            if (!g || unite(g, o->group) != CQ_OK || keep_val(sc, g) != 0)
                return cq__db_oom(m->db);
            o->group = g;
        } else if (!o->group) {
            o->group = v;
        }
    }
    if (rc == CQ_OK && (v = cq_value_object_get(s, "having")))
        rc = merge_where(&o->having, sc, m, v, o->having);
    if (rc == CQ_OK && (v = cq_value_object_get(s, "paranoid")) &&
        cq_value_type_of(v) == CQ_VALUE_BOOL && o->paranoid == CQ_DEFAULT)
        o->paranoid = cq_value_as_bool(v) ? CQ_ON : CQ_OFF;
    return rc;
}

int cq__scope_find_opts(cq__scoped *sc, cq_model *m, const cq_find_opts *opts)
{
    memset(sc, 0, sizeof *sc);
    sc->o = opts ? *opts : (cq_find_opts){ 0 };
    cq_value *s = NULL;
    int rc = cq__scope_resolve(&s, m, sc->o.scope);
    if (rc == CQ_OK && s && keep_val(sc, s) != 0)
        rc = cq__db_oom(m->db);
    if (rc == CQ_OK && s)
        rc = merge_model_scope(sc, m, s);
    const cq_include *si = NULL;
    const cq_value *sinc = s ? cq_value_object_get(s, "include") : NULL;
    if (rc == CQ_OK && sinc)
        rc = inc_list_from_json(&si, sc, m, sinc);
    if (rc == CQ_OK && (si || sc->o.include))
        rc = merge_lists(&sc->o.include, sc, m, si, sc->o.include);
    if (rc == CQ_OK && sc->o.include)
        rc = apply_target_scopes(sc, m, (cq_include *)sc->o.include);
    sc->o.scope = NULL;
    return rc;
}

int cq__scope_where(cq_value **out, cq_model *m, const cq_value *sel, const cq_value *where)
{
    *out = NULL;
    cq_value *s = NULL;
    int rc = cq__scope_resolve(&s, m, sel);
    if (rc != CQ_OK)
        return rc;
    const cq_value *sw = s ? cq_value_object_get(s, "where") : NULL;
    if (!sw) {
        cq_value_free(s);
        *out = where ? cq_value_copy(where) : NULL;
        return !where || *out ? CQ_OK : cq__db_oom(m->db);
    }
    cq_value *w = cq_value_copy(sw);
    cq_value_free(s);
    if (!w ||
        (where && cq_value_type_of(where) == CQ_VALUE_OBJECT && assign_keys(w, where) != CQ_OK)) {
        cq_value_free(w);
        return cq__db_oom(m->db);
    }
    *out = w;
    return CQ_OK;
}
