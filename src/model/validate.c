/* Running validations on instances as Sequelize v6's InstanceValidator does, and the list of
 * failures (SequelizeValidationError's items) kept on the db. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/util.h"
#include "model/hooks.h"
#include "model/model.h"
#include "model/validate.h"

typedef struct vrule {
    char *key;
    cq_value *args; /* as given (copied); NULL = v6's `true` */
    char *msg;
    cq_validator_fn fn;
    void *user_data;
    char *bound;
} vrule;

typedef struct vattr {
    char *attr;
    vrule *rules;
    size_t n;
} vattr;

struct cq__validation {
    vattr *attrs;
    size_t nattrs;
    vrule *model_rules;
    size_t nmodel;
};

typedef struct vbound {
    char *name;
    cq_validator_fn fn;
    void *user_data;
} vbound;

/* One failure with the strings and values it owns. */
typedef struct vitem {
    cq_validation_item pub;
    char *message, *type, *path, *origin, *key, *name, *model;
    cq_value *value, *args;
} vitem;

/* One thread's failures of its last call (the items are per thread, as the error record is:
 * threads sharing a db each read their own). Only that thread touches its contents; the list
 * of them is guarded by db->mu. */
typedef struct vthread {
    uint64_t tid;
    bool collecting;
    vitem *items;
    size_t n, cap;
    struct vthread *next;
} vthread;

struct cq__vstate {
    vthread *threads;    /* threads holding items (or collecting), guarded by db->mu */
    atomic_size_t nlive; /* how many: 0 spares every call the lock */
    vbound *bound;       /* defined with the schema (before it freezes); read-only after */
    size_t nbound, bound_cap;
};

static void rule_clear(vrule *r)
{
    cq__free(r->key);
    cq_value_free(r->args);
    cq__free(r->msg);
    cq__free(r->bound);
}

static void rules_free(vrule *rules, size_t n)
{
    for (size_t i = 0; i < n; i++)
        rule_clear(&rules[i]);
    cq__free(rules);
}

void cq__validation_free(cq__validation *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->nattrs; i++) {
        cq__free(v->attrs[i].attr);
        rules_free(v->attrs[i].rules, v->attrs[i].n);
    }
    cq__free(v->attrs);
    rules_free(v->model_rules, v->nmodel);
    cq__free(v);
}

static int copy_rules(vrule **out, size_t *n_out, cq_db *db, const char *where,
                      const cq_validator *list, bool model_level)
{
    *out = NULL;
    *n_out = 0;
    size_t n = 0;
    while (list && list[n].key)
        n++;
    if (!n)
        return CQ_OK;
    vrule *rules = cq__calloc(n, sizeof *rules);
    if (!rules)
        return cq__db_oom(db);
    int rc = CQ_OK;
    for (size_t i = 0; rc == CQ_OK && i < n; i++) {
        const cq_validator *s = &list[i];
        bool builtin = !model_level && cq__rule_known(s->key);
        if (!s->key[0])
            rc = cq__db_fail(db, CQ_EINVALID, "%s: a validator has an empty name", where);
        else if (!builtin && !s->fn && !s->bound)
            rc = cq__db_fail(db, CQ_EINVALID,
                             "%s: validator \"%s\" is not a built-in one and names no callback "
                             "(fn or bound)",
                             where, s->key);
        else if (builtin && (s->fn || s->bound))
            rc = cq__db_fail(db, CQ_EINVALID,
                             "%s: \"%s\" is a built-in validator; a custom one needs another "
                             "name",
                             where, s->key);
        if (rc != CQ_OK)
            break;
        vrule *r = &rules[i];
        r->key = cq__strdup(s->key);
        r->args = s->args ? cq_value_copy(s->args) : NULL;
        r->msg = s->msg ? cq__strdup(s->msg) : NULL;
        r->fn = s->fn;
        r->user_data = s->user_data;
        r->bound = !s->fn && s->bound ? cq__strdup(s->bound) : NULL;
        if (!r->key || (s->args && !r->args) || (s->msg && !r->msg) ||
            (!s->fn && s->bound && !r->bound))
            rc = cq__db_oom(db);
    }
    if (rc != CQ_OK) {
        rules_free(rules, n);
        return rc;
    }
    *out = rules;
    *n_out = n;
    return CQ_OK;
}

static cq__validation *ensure(cq_model *m)
{
    if (!m->validation)
        m->validation = cq__calloc(1, sizeof *m->validation);
    return m->validation;
}

int cq__validation_add_attr(cq_model *m, const char *attr, const cq_validator *list)
{
    if (!list || !list[0].key)
        return CQ_OK;
    long idx = cq__model_attr_index(m, attr);
    for (size_t i = 0; idx >= 0 && list[i].key; i++)
        if (strcmp(list[i].key, "notNull") == 0 && m->attrs[idx].allow_null != CQ_OFF)
            /* v6 Model.init refuses it the same way */
            return cq__db_fail(m->db, CQ_EINVALID,
                               "Invalid definition for \"%s.%s\", \"notNull\" validator is only "
                               "allowed with \"allowNull:false\"",
                               m->name, attr);
    char where[256];
    snprintf(where, sizeof where, "model \"%s\": attribute \"%s\"", m->name, attr);
    cq__validation *v = ensure(m);
    vattr *grown = v ? cq__realloc(v->attrs, (v->nattrs + 1) * sizeof *grown) : NULL;
    if (!grown)
        return cq__db_oom(m->db);
    v->attrs = grown;
    vattr *a = &v->attrs[v->nattrs];
    memset(a, 0, sizeof *a);
    int rc = copy_rules(&a->rules, &a->n, m->db, where, list, false);
    if (rc != CQ_OK)
        return rc;
    if (!(a->attr = cq__strdup(attr))) {
        rules_free(a->rules, a->n);
        return cq__db_oom(m->db);
    }
    v->nattrs++;
    return CQ_OK;
}

int cq__validation_set_model(cq_model *m, const cq_validator *list)
{
    if (!list || !list[0].key)
        return CQ_OK;
    char where[256];
    snprintf(where, sizeof where, "model \"%s\": model validator", m->name);
    cq__validation *v = ensure(m);
    if (!v)
        return cq__db_oom(m->db);
    return copy_rules(&v->model_rules, &v->nmodel, m->db, where, list, true);
}

static const vattr *rules_of(const cq_model *m, const char *attr)
{
    for (size_t i = 0; m->validation && i < m->validation->nattrs; i++)
        if (strcmp(m->validation->attrs[i].attr, attr) == 0)
            return &m->validation->attrs[i];
    return NULL;
}

/* ---- the db's state: items and bound callbacks ------------------------------------ */

int cq__validation_db_init(cq_db *db)
{
    db->vstate = cq__calloc(1, sizeof *db->vstate);
    if (!db->vstate)
        return CQ_ENOMEM;
    atomic_init(&db->vstate->nlive, 0);
    return CQ_OK;
}

/* The calling thread's record on db; created when `create` (NULL when out of memory). */
static vthread *mine(const cq_db *db, bool create)
{
    struct cq__vstate *s = db->vstate;
    if (!s || (!create && atomic_load_explicit(&s->nlive, memory_order_relaxed) == 0))
        return NULL;
    uint64_t me = cq__thread_id();
    pthread_mutex_t *mu = &((cq_db *)db)->mu;
    pthread_mutex_lock(mu);
    vthread *t = s->threads;
    while (t && t->tid != me)
        t = t->next;
    if (!t && create && (t = cq__calloc(1, sizeof *t)) != NULL) {
        t->tid = me;
        t->next = s->threads;
        s->threads = t;
        atomic_fetch_add(&s->nlive, 1);
    }
    pthread_mutex_unlock(mu);
    return t;
}

static void item_clear(vitem *it)
{
    cq__free(it->message);
    cq__free(it->type);
    cq__free(it->path);
    cq__free(it->origin);
    cq__free(it->key);
    cq__free(it->name);
    cq__free(it->model);
    cq_value_free(it->value);
    cq_value_free(it->args);
}

static void drop_items(vthread *t)
{
    for (size_t i = 0; t && i < t->n; i++)
        item_clear(&t->items[i]);
    if (t)
        t->n = 0;
}

/* Frees the calling thread's record (its items dropped). */
static void forget(cq_db *db, vthread *t)
{
    struct cq__vstate *s = db->vstate;
    drop_items(t);
    pthread_mutex_lock(&db->mu);
    for (vthread **p = &s->threads; *p; p = &(*p)->next)
        if (*p == t) {
            *p = t->next;
            atomic_fetch_sub(&s->nlive, 1);
            break;
        }
    pthread_mutex_unlock(&db->mu);
    cq__free(t->items);
    cq__free(t);
}

void cq__validation_clear(cq_db *db)
{
    vthread *t = mine(db, false);
    if (t && !t->collecting)
        forget(db, t);
}

int cq__validation_begin(cq_db *db)
{
    vthread *t = mine(db, true);
    if (!t)
        return cq__db_oom(db);
    drop_items(t);
    t->collecting = true;
    return CQ_OK;
}

static int report(cq_db *db, vthread *t);

int cq__validation_finish(cq_db *db, int rc)
{
    vthread *t = mine(db, false);
    if (!t)
        return rc;
    t->collecting = false;
    if (rc != CQ_OK) {
        forget(db, t);
        return rc;
    }
    if (t->n == 0) {
        forget(db, t);
        return CQ_OK;
    }
    return report(db, t);
}

void cq__validation_db_free(cq_db *db)
{
    struct cq__vstate *s = db->vstate;
    if (!s)
        return;
    while (s->threads) {
        vthread *t = s->threads;
        s->threads = t->next;
        drop_items(t);
        cq__free(t->items);
        cq__free(t);
    }
    for (size_t i = 0; i < s->nbound; i++)
        cq__free(s->bound[i].name);
    cq__free(s->bound);
    cq__free(s);
    db->vstate = NULL;
}

size_t cq__validation_pending(const cq_db *db)
{
    vthread *t = mine(db, false);
    return t ? t->n : 0;
}

size_t cq_db_validation_count(const cq_db *db)
{
    if (!db)
        return 0;
    return cq__validation_pending(db);
}

const cq_validation_item *cq_db_validation_item(const cq_db *db, size_t i)
{
    if (!db)
        return NULL;
    vthread *t = mine(db, false);
    if (!t || i >= t->n)
        return NULL;
    vitem *it = &t->items[i];
    /* pointers are set here: the array may have moved while it grew */
    it->pub = (cq_validation_item){ .message = it->message,
                                    .type = it->type,
                                    .path = it->path,
                                    .value = it->value,
                                    .origin = it->origin,
                                    .validator_key = it->key,
                                    .validator_name = it->name,
                                    .validator_args = it->args,
                                    .model = it->model,
                                    .record = it->pub.record };
    return &it->pub;
}

/* Appends one failure; `value` and `args` are copied. */
static int push(cq_db *db, const cq_model *m, const char *message, const char *type,
                const char *path, const cq_value *value, const char *origin, const char *key,
                const char *name, const cq_value *args, size_t record)
{
    vthread *s = mine(db, true);
    if (!s || cq__grow((void **)&s->items, &s->cap, s->n + 1, sizeof *s->items) != 0)
        return cq__db_oom(db);
    vitem *it = &s->items[s->n];
    memset(it, 0, sizeof *it);
    it->message = cq__strdup(message);
    it->type = cq__strdup(type);
    it->path = cq__strdup(path);
    it->origin = cq__strdup(origin);
    it->key = key ? cq__strdup(key) : NULL;
    it->name = name ? cq__strdup(name) : NULL;
    it->model = cq__strdup(m->name);
    it->value = value ? cq_value_copy(value) : cq_value_null();
    it->args = args ? cq_value_copy(args) : NULL;
    it->pub.record = record;
    if (!it->message || !it->type || !it->path || !it->origin || (key && !it->key) ||
        (name && !it->name) || !it->model || !it->value || (args && !it->args)) {
        item_clear(it);
        return cq__db_oom(db);
    }
    s->n++;
    return CQ_OK;
}

int cq_db_bind_validator(cq_db *db, const char *name, cq_validator_fn fn, void *user_data)
{
    if (!db)
        return CQ_EINVALID;
    cq__db_clear(db);
    if (!name || !*name || !fn)
        return cq__db_fail(db, CQ_EINVALID, "bind_validator: a name and a callback are needed");
    char what[160];
    snprintf(what, sizeof what, "validator callback \"%.100s\" (cq_db_bind_validator)", name);
    int rc = cq__db_check_unfrozen(db, what);
    if (rc != CQ_OK)
        return rc;
    struct cq__vstate *s = db->vstate;
    for (size_t i = 0; i < s->nbound; i++)
        if (strcmp(s->bound[i].name, name) == 0) {
            s->bound[i].fn = fn;
            s->bound[i].user_data = user_data;
            return CQ_OK;
        }
    if (cq__grow((void **)&s->bound, &s->bound_cap, s->nbound + 1, sizeof *s->bound) != 0)
        return cq__db_oom(db);
    char *copy = cq__strdup(name);
    if (!copy)
        return cq__db_oom(db);
    s->bound[s->nbound++] = (vbound){ copy, fn, user_data };
    return CQ_OK;
}

static const vbound *find_bound(const cq_db *db, const char *name)
{
    for (size_t i = 0; db->vstate && i < db->vstate->nbound; i++)
        if (strcmp(db->vstate->bound[i].name, name) == 0)
            return &db->vstate->bound[i];
    return NULL;
}

bool cq_db_is_validator_bound(const cq_db *db, const char *name)
{
    return db && name && find_bound(db, name) != NULL;
}

bool cq_validator_is_builtin(const char *key)
{
    return cq__rule_known(key);
}

/* ---- running ------------------------------------------------------------------------ */

static bool listed(const char *const *list, const char *name)
{
    for (const char *const *p = list; p && *p; p++)
        if (strcmp(*p, name) == 0)
            return true;
    return false;
}

/* Runs a custom validator; a failure is pushed as v6's _pushError does for functions. */
static int run_custom(cq_instance *inst, const vrule *r, const char *attr, const cq_value *value,
                      size_t record)
{
    cq_model *m = inst->model;
    cq_validator_fn fn = r->fn;
    void *ud = r->user_data;
    if (!fn) {
        const vbound *b = find_bound(m->db, r->bound);
        if (!b)
            return cq__db_fail(m->db, CQ_EINVALID,
                               "validator \"%s\" of model \"%s\" names callback \"%s\", which is "
                               "not bound (cq_db_bind_validator)",
                               r->key, m->name, r->bound);
        fn = b->fn;
        ud = b->user_data;
    }
    char msg[512] = "";
    if (fn(msg, sizeof msg, inst, attr, value, ud) == CQ_OK)
        return CQ_OK;
    msg[sizeof msg - 1] = 0;
    const char *text = msg[0] ? msg : r->msg ? r->msg : "Validation error";
    return push(m->db, m, text, "Validation error", attr ? attr : r->key, value, "FUNCTION", r->key,
                NULL, NULL, record);
}

/* v6's _extractValidatorArgs: the arguments a built-in validator is called with. */
static cq_value *extract_args(const vrule *r)
{
    const char *k = r->key;
    bool email_url =
        strcmp(k, "isEmail") == 0 || strcmp(k, "isUrl") == 0 || strcmp(k, "isURL") == 0;
    cq_value *out = cq_value_array();
    if (!out)
        return NULL;
    const cq_value *a = r->args;
    if ((!a || email_url) && r->msg) {
        /* v6's `key: {msg}` passes that object as the argument; isEmail and isURL get it even
         * with `args` given (which they then ignore), and fill their defaults into it */
        cq_value *o = cq_value_object();
        if (cq_value_object_set(o, "msg", cq_value_text(r->msg)) != CQ_OK ||
            cq_value_array_append(out, o) != CQ_OK) {
            cq_value_free(out);
            return NULL;
        }
        return out;
    }
    if (email_url && !a) {
        /* `isEmail: true` is {} (options filled in by the validator) */
        if (cq_value_array_append(out, cq_value_object()) != CQ_OK)
            return NULL;
        return out;
    }
    if (cq_value_type_of(a) == CQ_VALUE_ARRAY) {
        cq_value_free(out);
        return cq_value_copy(a);
    }
    bool localized = (strcmp(k, "isAlpha") == 0 || strcmp(k, "isAlphanumeric") == 0) &&
                     cq_value_type_of(a) != CQ_VALUE_TEXT;
    if (localized || strcmp(k, "isIP") == 0)
        return out;
    if (cq_value_array_append(out, a ? cq_value_copy(a) : cq_value_bool(true)) != CQ_OK)
        return NULL;
    return out;
}

/* validator.js merges its default options into the options object it is given (util/merge
 * mutates it), so v6's items show isEmail's and isURL's arguments with every default filled
 * in; isURL merges only after its first checks passed. */
static void show_merged_defaults(cq_value *args, const char *key, const char *str)
{
    static const char email[] =
        "{\"allow_display_name\":false,\"allow_underscores\":false,\"require_display_name\":"
        "false,\"allow_utf8_local_part\":true,\"require_tld\":true,\"blacklisted_chars\":\"\","
        "\"ignore_max_length\":false,\"host_blacklist\":[],\"host_whitelist\":[]}";
    static const char url[] =
        "{\"protocols\":[\"http\",\"https\",\"ftp\"],\"require_tld\":true,\"require_protocol\":"
        "false,\"require_host\":true,\"require_port\":false,\"require_valid_protocol\":true,"
        "\"allow_underscores\":false,\"allow_trailing_dot\":false,\"allow_protocol_relative_"
        "urls\":false,\"allow_fragments\":true,\"allow_query_components\":true,\"validate_"
        "length\":true,\"max_allowed_length\":2084}";
    const char *defaults = NULL;
    if (strcmp(key, "isEmail") == 0)
        defaults = email;
    else if (strcmp(key, "isURL") == 0 && str[0] && !strpbrk(str, " \t\n\v\f\r<>") &&
             strncmp(str, "mailto:", 7) != 0)
        defaults = url;
    cq_value *o = cq_value_array_get(args, 0);
    if (!defaults || cq_value_type_of(o) != CQ_VALUE_OBJECT)
        return;
    cq_value *d = NULL;
    if (cq_value_from_json(&d, defaults, NULL) != CQ_OK)
        return;
    for (size_t i = 0; i < cq_value_size(d); i++) {
        const char *k = cq_value_object_key(d, i);
        if (!cq_value_object_get(o, k))
            cq_value_object_set(o, k, cq_value_copy(cq_value_object_value(d, i)));
    }
    cq_value_free(d);
}

typedef struct pending {
    const vrule *rule;
    const char *attr;
    const cq_value *value;
} pending;

/* One attribute's share of step 1 below: its notNull check and custom validators now, its
 * built-in validators queued in `builtin`. */
typedef struct attr_check {
    const char *name;
    const cq_value *value;
    bool not_null, core_skip;
    cq_flag allow_null;
} attr_check;

static int check_attr(cq_instance *inst, const attr_check *c, size_t record, pending *builtin,
                      size_t *nb)
{
    cq_model *m = inst->model;
    bool is_null = !c->value || cq_value_is_null(c->value);
    const vattr *va = rules_of(m, c->name);
    int rc = CQ_OK;
    if (c->not_null && !c->core_skip && is_null) {
        const char *msg = NULL;
        for (size_t k = 0; va && k < va->n; k++)
            if (strcmp(va->rules[k].key, "notNull") == 0 && va->rules[k].msg)
                msg = va->rules[k].msg;
        char dflt[300];
        snprintf(dflt, sizeof dflt, "%s.%s cannot be null", m->name, c->name);
        rc = push(m->db, m, msg ? msg : dflt, "notNull Violation", c->name, NULL, "CORE", "is_null",
                  NULL, NULL, record);
    }
    /* a null value runs nothing unless allowNull is true, and then only the custom
     * validators (v6 #9143, #9134) */
    if (!va || (is_null && c->allow_null != CQ_ON))
        return rc;
    for (size_t k = 0; rc == CQ_OK && k < va->n; k++) {
        const vrule *r = &va->rules[k];
        if (r->fn || r->bound)
            rc = run_custom(inst, r, c->name, c->value, record);
        else if (!is_null)
            builtin[(*nb)++] = (pending){ r, c->name, c->value };
    }
    return rc;
}

/* The VIRTUAL attributes defined between real attribute `pos - 1` and `pos`, in definition
 * order (v6 validates every attribute, VIRTUAL ones included, as it walks them): a VIRTUAL
 * value is checked when inserting or when it was set since the last save. */
static int check_virtuals(cq_instance *inst, size_t pos, bool inserting, const char *const *fields,
                          const char *const *skip_extra, size_t record, pending *builtin,
                          size_t *nb)
{
    cq_model *m = inst->model;
    int rc = CQ_OK;
    for (size_t i = 0; rc == CQ_OK && i < m->nacc; i++) {
        const cq__accessor *x = &m->acc[i];
        if (!x->is_virtual || x->pos != pos)
            continue;
        if ((fields && !listed(fields, x->name)) || listed(skip_extra, x->name))
            continue;
        cq_value *const *vvalues = cq__instance_vvalues(inst);
        const bool *vchanged = cq__instance_vchanged(inst);
        const cq_value *v = vvalues ? vvalues[x->vindex] : NULL;
        if (!inserting && !(vchanged && vchanged[x->vindex]))
            continue;
        attr_check c = { x->name, v, x->allow_null == CQ_OFF, false, x->allow_null };
        rc = check_attr(inst, &c, record, builtin, nb);
    }
    return rc;
}

int cq__validation_check(cq_instance *inst, bool inserting, const char *const *fields,
                         const char *const *skip_extra, size_t record)
{
    cq_model *m = inst->model;
    cq_db *db = m->db;
    size_t nb = 0, cap = 0;
    for (size_t i = 0; m->validation && i < m->validation->nattrs; i++)
        cap += m->validation->attrs[i].n;
    /* a model declares few built-in validators: their failures are collected on the stack */
    pending stack[16];
    pending *builtin = cap < 16 ? stack : cq__calloc(cap + 1, sizeof *builtin);
    if (!builtin)
        return cq__db_oom(db);
    int rc = CQ_OK;
    /* 1. per attribute, in definition order: the notNull check, then the custom validators
     * (v6 runs them synchronously while it walks the attributes) */
    for (size_t i = 0; rc == CQ_OK && i <= m->nattrs; i++) {
        if (m->nvirtual)
            rc = check_virtuals(inst, i, inserting, fields, skip_extra, record, builtin, &nb);
        if (rc != CQ_OK || i == m->nattrs)
            break;
        const cq__attr *a = &m->attrs[i];
        bool selected = !fields || listed(fields, a->name);
        if (!selected || listed(skip_extra, a->name))
            continue;
        if (!inserting && !cq__changed(inst)[i])
            continue;
        /* every primary key is NOT NULL (docs/differences.md), generated ones excepted */
        attr_check c = { a->name, cq__iv(inst, i), a->allow_null == CQ_OFF || a->primary_key,
                         a->auto_increment || (long)i == m->created_at ||
                             (long)i == m->updated_at || (long)i == m->version_attr,
                         a->allow_null };
        rc = check_attr(inst, &c, record, builtin, &nb);
    }
    /* 2. the model validators */
    for (size_t k = 0; rc == CQ_OK && m->validation && k < m->validation->nmodel; k++)
        rc = run_custom(inst, &m->validation->model_rules[k], NULL, NULL, record);
    /* 3. the built-in validators, whose failures v6 collects last */
    for (size_t k = 0; rc == CQ_OK && k < nb; k++) {
        const vrule *r = builtin[k].rule;
        cq_value *args = extract_args(r);
        char *str = cq__js_string(builtin[k].value);
        char err[512] = "";
        int out = args && str ? cq__rule_run(r->key, str, args, err, sizeof err) : CQ__RULE_NOMEM;
        if (out == CQ__RULE_NOMEM) {
            rc = cq__db_oom(db);
        } else if (out == CQ__RULE_FAIL) {
            show_merged_defaults(args, r->key, str);
            char dflt[300];
            snprintf(dflt, sizeof dflt, "Validation %s on %s failed", r->key, builtin[k].attr);
            rc = push(db, m, r->msg ? r->msg : dflt, "Validation error", builtin[k].attr,
                      builtin[k].value, "FUNCTION", r->key, r->key, args, record);
        } else if (out == CQ__RULE_THROW) {
            /* the validator itself raised an Error: its message, no validator name */
            rc = push(db, m, err, "Validation error", builtin[k].attr, builtin[k].value, "FUNCTION",
                      NULL, NULL, NULL, record);
        }
        cq_value_free(args);
        cq__free(str);
    }
    if (builtin != stack)
        cq__free(builtin);
    return rc;
}

static int report(cq_db *db, vthread *s)
{
    if (!s || !s->n)
        return CQ_OK;
    bool only_null = true;
    cq__buf b = { 0 };
    for (size_t i = 0; i < s->n; i++) {
        only_null &= strcmp(s->items[i].type, "notNull Violation") == 0;
        cq__buf_printf(&b, "%s%s: %s", i ? ",\n" : "", s->items[i].type, s->items[i].message);
    }
    cq__buf_put(&b, "");
    char *text = cq__buf_take(&b);
    int code = only_null ? CQ_ENOTNULL : CQ_EVALIDATION;
    cq__db_fail(db, code, "%s", text ? text : "Validation error");
    cq__free(text);
    return code;
}

int cq__validate_hooked(cq_instance *inst, bool hooks, bool inserting, const char *const *fields,
                        const char *const *skip)
{
    cq_db *db = inst->model->db;
    int rc = hooks ? cq__hooks_run_instance(CQ__H_BEFORE_VALIDATE, inst) : CQ_OK;
    if (rc != CQ_OK)
        return rc;
    rc = cq__validation_begin(db);
    if (rc == CQ_OK)
        rc = cq__validation_check(inst, inserting, fields, skip, 0);
    rc = cq__validation_finish(db, rc);
    if (hooks && (rc == CQ_EVALIDATION || rc == CQ_ENOTNULL)) {
        cq_hook_ctx f = { .instance = inst, .error = rc };
        int hrc = cq__hooks_run(inst->model, CQ__H_VALIDATION_FAILED, &f, NULL);
        return hrc != CQ_OK ? hrc : rc;
    }
    return rc == CQ_OK && hooks ? cq__hooks_run_instance(CQ__H_AFTER_VALIDATE, inst) : rc;
}

int cq_instance_validate(cq_instance *inst, const cq_validate_opts *opts)
{
    if (!inst)
        return CQ_EINVALID;
    cq__db_clear(inst->model->db);
    /* v6 instance.validate(): the validation hooks around the validators (`hooks: true`) */
    return cq__validate_hooked(inst, !opts || opts->hooks != CQ_OFF, true, NULL,
                               opts ? opts->skip : NULL);
}

/* ---- the JSON form (schema files) ------------------------------------------------------ */

void cq_validators_free(cq_validator *list)
{
    for (cq_validator *v = list; v && v->key; v++) {
        cq__free((char *)v->key);
        cq__free((char *)v->msg);
        cq__free((char *)v->bound);
        cq_value_free((cq_value *)v->args);
    }
    cq__free(list);
}

int cq_validators_from_value(cq_validator **out, const cq_value *spec, bool model_level,
                             cq_error *err)
{
    if (!out)
        return cq__err_set(err, CQ_EINVALID, "validate: out is NULL");
    *out = NULL;
    if (cq_value_type_of(spec) != CQ_VALUE_OBJECT)
        return cq__err_set(err, CQ_EINVALID, "validate: expected an object of validators");
    size_t n = cq_value_size(spec);
    cq_validator *list = cq__calloc(n + 1, sizeof *list);
    if (!list)
        return cq__err_oom(err);
    int rc = CQ_OK;
    for (size_t i = 0; rc == CQ_OK && i < n; i++) {
        const char *key = cq_value_object_key(spec, i);
        const cq_value *v = cq_value_object_value(spec, i);
        cq_validator *d = &list[i];
        if (!(d->key = cq__strdup(key))) {
            rc = cq__err_oom(err);
            break;
        }
        if (model_level || !cq__rule_known(key)) {
            if (cq_value_type_of(v) != CQ_VALUE_TEXT || !cq_value_as_text(v)[0]) {
                rc = cq__err_set(err, CQ_EINVALID,
                                 model_level
                                     ? "validate.%s: a model validator names a callback the "
                                       "program binds (\"%s\": \"callbackName\")"
                                     : "validate.%s: not a built-in validator; a custom one names "
                                       "a callback the program binds (\"%s\": \"callbackName\")",
                                 key, key);
                break;
            }
            if (!(d->bound = cq__strdup(cq_value_as_text(v))))
                rc = cq__err_oom(err);
            continue;
        }
        const cq_value *args = v;
        if (cq_value_type_of(v) == CQ_VALUE_BOOL && cq_value_as_bool(v)) {
            args = NULL; /* `true` */
        } else if (cq_value_type_of(v) == CQ_VALUE_OBJECT &&
                   (cq_value_object_get(v, "args") || cq_value_object_get(v, "msg"))) {
            const cq_value *msg = cq_value_object_get(v, "msg");
            if (msg && cq_value_type_of(msg) != CQ_VALUE_TEXT) {
                rc = cq__err_set(err, CQ_EINVALID, "validate.%s.msg: expected text", key);
                break;
            }
            if (msg && !(d->msg = cq__strdup(cq_value_as_text(msg)))) {
                rc = cq__err_oom(err);
                break;
            }
            /* v6 passes `args`, or the whole object when it has none */
            args = cq_value_object_get(v, "args") ? cq_value_object_get(v, "args") : v;
        }
        if (args && !(d->args = cq_value_copy(args)))
            rc = cq__err_oom(err);
    }
    if (rc != CQ_OK) {
        cq_validators_free(list);
        return rc;
    }
    *out = list;
    return CQ_OK;
}
