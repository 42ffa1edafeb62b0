/*
 * Script runner: executes loaded steps in order on a cq_db and prints one JSON line per step,
 * {"step":N,"result":...} or {"step":N,"error":{"code":...,"message":...}} (docs/scripts.md).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "cli.h"

/* A named result ("as"). A name given again replaces the older slot's content. */
typedef struct slot {
    char name[64];
    cli_result_kind kind;
    bool set;    /* false: the step that names it failed */
    size_t step; /* that step's index */
    cq_instance *inst;
    cq_rows *rows;
    cq_value *value;
} slot;

/* A transaction begun by a step; a new slot per begin, so names may be reused. */
typedef struct txn_slot {
    char name[64];
    cq_txn *txn;
    cq_txn *parent;
    bool open;
} txn_slot;

typedef struct runner {
    cq_db *db;
    const cli_schema *schema;
    slot *slots;
    size_t n_slots;
    txn_slot *txns;
    size_t n_txns;
    bool single_result; /* the last step's result is an instance position (maybe null) */
    struct {
        const char *name;
        const cq_value *value;
    } bound[16]; /* template names bound by enclosing {"$map", "as"}: the elements */
    size_t n_bound;
    size_t step_index;      /* index of the top-level step running */
    cq_value *final_result; /* the last "return" step's value (owned) */
    cq_value *errors;       /* the failed step's validation items, Sequelize's `errors` (owned) */
    bool allow_literals;    /* the script's {"$literal": sql} reach the library */
} runner;

/* Error of one step: a library code and a message. */
typedef struct step_error {
    int code;
    char message[1024];
    bool records; /* bulkCreate: validation items name their row */
} step_error;

static int fail(step_error *e, int code, const char *fmt, ...) CLI_PRINTF(3, 4);

static int fail(step_error *e, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    e->code = code;
    return code;
}

static int fail_oom(step_error *e)
{
    return fail(e, CQ_ENOMEM, "out of memory");
}

/* SequelizeValidationError's `errors`: one object per item (cq_db_validation_item), with
 * `record` (the row's index) for bulkCreate. NULL when out of memory. */
static cq_value *validation_errors(cq_db *db, bool records)
{
    cq_value *list = cq_value_array();
    for (size_t i = 0; list && i < cq_db_validation_count(db); i++) {
        const cq_validation_item *it = cq_db_validation_item(db, i);
        cq_value *o = cq_value_object();
        cq_value *args = it->validator_args ? cq_value_copy(it->validator_args) : cq_value_array();
        int rc = cq_value_object_set(o, "message", cq_value_text(it->message));
        if (rc == CQ_OK)
            rc = cq_value_object_set(o, "type", cq_value_text(it->type));
        if (rc == CQ_OK)
            rc = cq_value_object_set(o, "path", cq_value_text(it->path));
        if (rc == CQ_OK)
            rc = cq_value_object_set(o, "value", cq_value_copy(it->value));
        if (rc == CQ_OK)
            rc = cq_value_object_set(o, "origin", cq_value_text(it->origin));
        if (rc == CQ_OK)
            rc = cq_value_object_set(o, "validatorKey",
                                     it->validator_key ? cq_value_text(it->validator_key)
                                                       : cq_value_null());
        if (rc == CQ_OK)
            rc = cq_value_object_set(o, "validatorName",
                                     it->validator_name ? cq_value_text(it->validator_name)
                                                        : cq_value_null());
        if (rc == CQ_OK)
            rc = cq_value_object_set(o, "validatorArgs", args);
        else
            cq_value_free(args);
        if (rc == CQ_OK && records)
            rc = cq_value_object_set(o, "record", cq_value_int((int64_t)it->record));
        if (rc != CQ_OK || cq_value_array_append(list, o) != CQ_OK) {
            cq_value_free(list);
            return NULL;
        }
    }
    return list;
}

/* A failed library call: its code and cq_db_error's message (and a validation error's
 * items, kept on the runner for the step's output). */
static int lib_fail(runner *r, step_error *e, int code)
{
    cq_value_free(r->errors);
    r->errors = NULL;
    if ((code == CQ_EVALIDATION || code == CQ_ENOTNULL) && cq_db_validation_count(r->db))
        r->errors = validation_errors(r->db, e->records);
    const char *msg = cq_db_error(r->db)->message;
    return fail(e, code, "%s", *msg ? msg : cq_strerror(code));
}

static void slot_clear(slot *s)
{
    cq_instance_free(s->inst);
    cq_rows_free(s->rows);
    cq_value_free(s->value);
    s->inst = NULL;
    s->rows = NULL;
    s->value = NULL;
    s->set = false;
}

static slot *find_slot(runner *r, const char *name)
{
    for (size_t i = 0; i < r->n_slots; i++)
        if (strcmp(r->slots[i].name, name) == 0)
            return &r->slots[i];
    return NULL;
}

static slot *get_slot(runner *r, const char *name)
{
    slot *s = find_slot(r, name);
    if (s)
        return s;
    slot *n = cq__realloc(r->slots, (r->n_slots + 1) * sizeof *n);
    if (!n)
        return NULL;
    r->slots = n;
    s = &r->slots[r->n_slots++];
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", name);
    return s;
}

/* Finds the slot a reference names, failing when its step failed. */
static int ref_slot(runner *r, slot **out, const cli_ref *ref, step_error *e)
{
    slot *s = find_slot(r, ref->name);
    if (!s || !s->set)
        return fail(e, CQ_EINVALID, "$%s has no value: steps[%zu], which names it, failed",
                    ref->name, s ? s->step : 0);
    if (ref->index >= 0 && s->kind == CLI_RESULT_ROWS &&
        (size_t)ref->index >= cq_rows_count(s->rows))
        return fail(e, CQ_EINVALID, "$%s[%ld]: index out of range (%zu rows)", ref->name,
                    ref->index, cq_rows_count(s->rows));
    *out = s;
    return CQ_OK;
}

static int ref_instance(runner *r, cq_instance **out, const cli_ref *ref, step_error *e)
{
    slot *s = NULL;
    int rc = ref_slot(r, &s, ref, e);
    if (rc != CQ_OK)
        return rc;
    cq_instance *inst = NULL;
    if (s->kind == CLI_RESULT_INSTANCE && ref->index < 0)
        inst = s->inst;
    else if (s->kind == CLI_RESULT_ROWS && ref->index >= 0)
        inst = cq_rows_at(s->rows, (size_t)ref->index);
    else
        return fail(e, CQ_EINVALID, "$%s is not an instance", ref->name);
    if (!inst)
        return fail(e, CQ_EINVALID, "$%s is null (nothing was found)", ref->name);
    /* "$p.userProjects", "$p.Workers[1]": the join row or an included instance */
    const char *p = ref->attr;
    while (*p) {
        char key[128];
        size_t k = strcspn(p, ".[");
        if (k == 0 || k >= sizeof key)
            return fail(e, CQ_EINVALID, "$%s.%s: malformed path", ref->name, ref->attr);
        memcpy(key, p, k);
        key[k] = '\0';
        p += k;
        long idx = -1;
        if (*p == '[') {
            char *end = NULL;
            idx = strtol(p + 1, &end, 10);
            if (!end || *end != ']' || idx < 0)
                return fail(e, CQ_EINVALID, "$%s.%s: malformed path", ref->name, ref->attr);
            p = end + 1;
        }
        if (*p == '.')
            p++;
        cq_instance *one = NULL;
        const cq_rows *many = NULL;
        const char *tk = cq_instance_through_key(inst);
        if (tk && strcmp(tk, key) == 0 && idx < 0) {
            inst = cq_instance_through(inst);
            continue;
        }
        cq_included_kind got = CQ_INCLUDED_NONE;
        cq_instance_included(&got, &one, &many, inst, key);
        if (got == CQ_INCLUDED_MANY && idx >= 0 && (size_t)idx < cq_rows_count(many))
            one = cq_rows_at(many, (size_t)idx);
        else if (got == CQ_INCLUDED_MANY)
            return fail(e, CQ_EINVALID, "$%s.%s: %s is a list: give an index in range", ref->name,
                        ref->attr, key);
        else if (got == CQ_INCLUDED_NONE)
            return fail(e, CQ_EINVALID,
                        "$%s.%s: the instance carries no \"%s\" (no join row or "
                        "included association of that name)",
                        ref->name, ref->attr, key);
        if (!one)
            return fail(e, CQ_EINVALID, "$%s.%s: %s is null", ref->name, ref->attr, key);
        inst = one;
    }
    *out = inst;
    return CQ_OK;
}

/* Resolves {"$ref": "name[i].attr"} to a copy of the value. */
static int resolve_value(cq_value **out, const char *text, const char *path, void *user_data,
                         cli_diag *diag)
{
    runner *r = user_data;
    step_error e = { 0 };
    cli_ref ref;
    *out = NULL;
    if (!cli_ref_parse(&ref, text, false, true)) {
        cli_diag_set(diag, path, "malformed reference");
        return CLI_EINPUT;
    }
    slot *s = NULL;
    int rc = ref_slot(r, &s, &ref, &e);
    if (rc == CQ_OK) {
        const cq_instance *inst = NULL;
        if (s->kind == CLI_RESULT_INSTANCE)
            inst = s->inst;
        else if (s->kind == CLI_RESULT_ROWS && ref.index >= 0)
            inst = cq_rows_at(s->rows, (size_t)ref.index);
        if (inst && ref.attr[0]) {
            const cq_value *v = cq_instance_get(inst, ref.attr);
            if (!v)
                rc = fail(&e, CQ_EUNKNOWN_ATTR, "$%s has no attribute \"%s\"", ref.name, ref.attr);
            else
                *out = cq_value_copy(v);
        } else if (inst) {
            rc = cq_instance_to_value(out, inst);
        } else if (s->kind == CLI_RESULT_ROWS) {
            rc = ref.attr[0] ? fail(&e, CQ_EINVALID, "$%s is a list: name an element", ref.name)
                             : cq_rows_to_value(out, s->rows);
        } else if (s->kind == CLI_RESULT_INSTANCE) {
            *out = ref.attr[0] ? NULL : cq_value_null();
            if (ref.attr[0])
                rc = fail(&e, CQ_EINVALID, "$%s is null (nothing was found)", ref.name);
        } else {
            const cq_value *v = s->value;
            if (ref.index >= 0)
                v = cq_value_array_get(v, (size_t)ref.index);
            if (v && ref.attr[0])
                v = cq_value_object_get(v, ref.attr);
            if (!v)
                rc = fail(&e, CQ_EINVALID, "%s: no such element in $%s", text, ref.name);
            else
                *out = cq_value_copy(v);
        }
        if (rc == CQ_OK && !*out)
            rc = fail_oom(&e);
    }
    if (rc != CQ_OK) {
        cli_diag_set(diag, path, "%s", e.message);
        return rc == CQ_ENOMEM ? CLI_ENOMEM : CLI_EINPUT;
    }
    return CLI_OK;
}

/* JSON (values, where, pk) to cq_value with references resolved; a step error on failure. */
static int to_value(runner *r, cq_value **out, json_t *j, bool where, const char *path,
                    step_error *e)
{
    cli_diag d = { { 0 }, false };
    int rc = cli_json_to_value(out, j, where, resolve_value, r, path, &d);
    if (rc == CLI_OK)
        return CQ_OK;
    return fail(e, rc == CLI_ENOMEM ? CQ_ENOMEM : CQ_EINVALID, "%s", d.msg);
}

/* NULL-terminated list of borrowed strings from a JSON array; NULL `j` gives NULL. */
static int string_list(const char ***out, json_t *j, step_error *e)
{
    *out = NULL;
    if (!j)
        return CQ_OK;
    const char **list = cq__calloc(json_array_size(j) + 1, sizeof *list);
    if (!list)
        return fail_oom(e);
    for (size_t i = 0; i < json_array_size(j); i++)
        list[i] = json_string_value(json_array_get(j, i));
    *out = list;
    return CQ_OK;
}

static txn_slot *find_txn(runner *r, const char *name)
{
    for (size_t i = r->n_txns; i-- > 0;)
        if (strcmp(r->txns[i].name, name) == 0)
            return &r->txns[i];
    return NULL;
}

static int step_txn(runner *r, cq_txn **out, const char *name, step_error *e)
{
    *out = NULL;
    if (!name)
        return CQ_OK;
    txn_slot *t = find_txn(r, name);
    if (!t || !t->open)
        return fail(e, CQ_EINVALID, "transaction %s is not open", name);
    *out = t->txn;
    return CQ_OK;
}

static int run_begin(runner *r, const cli_step *st, step_error *e)
{
    txn_slot *t = find_txn(r, st->txn_name);
    if (t && t->open)
        return fail(e, CQ_EINVALID, "transaction %s is already open", st->txn_name);
    cq_txn *parent = NULL;
    int rc = step_txn(r, &parent, st->parent, e);
    if (rc != CQ_OK)
        return rc;
    txn_slot *n = cq__realloc(r->txns, (r->n_txns + 1) * sizeof *n);
    if (!n)
        return fail_oom(e);
    r->txns = n;
    cq_txn *txn = NULL;
    rc = cq_db_transaction(&txn, r->db,
                           &(cq_txn_opts){ .parent = parent, .isolation_level = st->isolation });
    if (rc != CQ_OK)
        return lib_fail(r, e, rc);
    t = &r->txns[r->n_txns++];
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", st->txn_name);
    t->txn = txn;
    t->parent = parent;
    t->open = true;
    return CQ_OK;
}

static int run_end(runner *r, const cli_step *st, step_error *e)
{
    txn_slot *t = find_txn(r, st->txn_name);
    if (!t || !t->open)
        return fail(e, CQ_EINVALID, "transaction %s is not open", st->txn_name);
    for (size_t i = 0; i < r->n_txns; i++)
        if (r->txns[i].open && r->txns[i].parent == t->txn)
            return fail(e, CQ_EINVALID, "transaction %s has an open nested transaction %s", t->name,
                        r->txns[i].name);
    t->open = false; /* commit and rollback end the transaction even when they fail */
    int rc = st->kind == CLI_STEP_COMMIT ? cq_txn_commit(t->txn) : cq_txn_rollback(t->txn);
    cq_txn_free(t->txn);
    t->txn = NULL;
    return rc == CQ_OK ? CQ_OK : lib_fail(r, e, rc);
}

/* Result of an instance-valued step: toJSON, or null when there is none. */
static int instance_result(runner *r, cq_value **result, const cq_instance *inst, step_error *e)
{
    int rc = inst ? cq_instance_to_value(result, inst)
                  : ((*result = cq_value_null()) != NULL ? CQ_OK : CQ_ENOMEM);
    return rc == CQ_OK ? CQ_OK : lib_fail(r, e, rc);
}

/* ---- allocations of one step ------------------------------------------------------------ */

/* Everything a step allocates for the library call's options (include trees, lists, values),
 * freed in one go after the call. */
typedef struct pool {
    void **ptrs;
    size_t n, cap;
    cq_value **vals;
    size_t nv, capv;
} pool;

static void pool_free(pool *p)
{
    for (size_t i = 0; i < p->n; i++)
        cq__free(p->ptrs[i]);
    for (size_t i = 0; i < p->nv; i++)
        cq_value_free(p->vals[i]);
    cq__free(p->ptrs);
    cq__free(p->vals);
    memset(p, 0, sizeof *p);
}

/* Zeroed memory owned by the pool; NULL when out of memory. */
static void *pool_calloc(pool *p, size_t n, size_t size)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        void **np = cq__realloc(p->ptrs, cap * sizeof *np);
        if (!np)
            return NULL;
        p->ptrs = np;
        p->cap = cap;
    }
    void *m = cq__calloc(n ? n : 1, size);
    if (m)
        p->ptrs[p->n++] = m;
    return m;
}

/* Hands a value to the pool (freed with it); returns it, or NULL (value freed) on failure. */
static cq_value *pool_keep(pool *p, cq_value *v)
{
    if (!v)
        return NULL;
    if (p->nv == p->capv) {
        size_t cap = p->capv ? p->capv * 2 : 16;
        cq_value **nv = cq__realloc(p->vals, cap * sizeof *nv);
        if (!nv) {
            cq_value_free(v);
            return NULL;
        }
        p->vals = nv;
        p->capv = cap;
    }
    p->vals[p->nv++] = v;
    return v;
}

static int pool_value(runner *r, pool *p, const cq_value **out, json_t *j, bool where,
                      const char *path, step_error *e)
{
    cq_value *v = NULL;
    int rc = to_value(r, &v, j, where, path, e);
    if (rc != CQ_OK)
        return rc;
    if (!pool_keep(p, v))
        return fail_oom(e);
    *out = v;
    return CQ_OK;
}

/* pool_value for member `key` of an options object, `j` (nothing when NULL), its path
 * `path`.key. */
static int pool_member(runner *r, pool *p, const cq_value **out, json_t *j, bool where,
                       const char *path, const char *key, step_error *e)
{
    if (!j)
        return CQ_OK;
    char sub[CLI_PATH_MAX];
    cli_path_key(sub, path, key);
    return pool_value(r, p, out, j, where, sub, e);
}

/* NULL-terminated list of borrowed strings (an empty array gives an empty list). */
static int pool_strings(pool *p, const char *const **out, json_t *j, step_error *e)
{
    const char **list = pool_calloc(p, json_array_size(j) + 1, sizeof *list);
    if (!list)
        return fail_oom(e);
    for (size_t i = 0; i < json_array_size(j); i++)
        list[i] = json_string_value(json_array_get(j, i));
    *out = list;
    return CQ_OK;
}

/* ---- include and order ------------------------------------------------------------------- */

/* The association of `src` an include element or order entry names: by alias first, then by
 * target model (the unaliased association to it, or the only one). NULL when none. */
static const cq_assoc *assoc_by_name(const cq_model *src, const char *model_name, const char *as)
{
    if (!src)
        return NULL;
    if (as)
        return cq_model_assoc(src, as);
    const cq_assoc *only = NULL, *unaliased = NULL;
    size_t n = 0;
    for (size_t i = 0; i < cq_model_assoc_count(src); i++) {
        const cq_assoc *a = cq_model_assoc_at(src, i);
        if (strcmp(cq_model_name(cq_assoc_target(a)), model_name) != 0)
            continue;
        n++;
        only = a;
        if (!cq_assoc_is_aliased(a) && !unaliased)
            unaliased = a;
    }
    return unaliased ? unaliased : n == 1 ? only : NULL;
}

static int build_includes(runner *r, pool *p, const cq_include **out, json_t *j, cq_model *src,
                          const char *path, step_error *e);

static int build_order(runner *r, pool *p, const cq_order **out, json_t *j, cq_model *model,
                       const char *path, step_error *e);

/* `all: "HasMany"` or `all: ["HasOne", "BelongsTo"]`: the names v6's _expandIncludeAll
 * accepts, and its EagerLoadingError for any other ("All" is `all: true`). */
static int include_all_types(cq_include *inc, json_t *v, step_error *e)
{
    static const struct {
        const char *name;
        unsigned bits;
    } types[] = { { "BelongsTo", CQ_ALL_BELONGS_TO },
                  { "HasOne", CQ_ALL_HAS_ONE },
                  { "HasMany", CQ_ALL_HAS_MANY },
                  { "One", CQ_ALL_ONE },
                  { "Has", CQ_ALL_HAS },
                  { "Many", CQ_ALL_MANY } };
    size_t n = json_is_array(v) ? json_array_size(v) : 1;
    for (size_t i = 0; i < n; i++) {
        const char *name = json_string_value(json_is_array(v) ? json_array_get(v, i) : v);
        if (strcmp(name, "All") == 0) {
            inc->all = true;
            inc->all_types = 0;
            return CQ_OK;
        }
        size_t k = 0;
        while (k < sizeof types / sizeof types[0] && strcmp(types[k].name, name) != 0)
            k++;
        if (k == sizeof types / sizeof types[0])
            return fail(e, CQ_EEAGER,
                        "include all '%s' is not valid - must be BelongsTo, HasOne, HasMany, One, "
                        "Has, Many or All",
                        name);
        inc->all_types |= types[k].bits;
    }
    return CQ_OK;
}

/* ---- include elements: builders of CLI_INCLUDE_KEYS --------------------------------------- */

/* An include element being built. */
typedef struct inc_build {
    runner *r;
    pool *p;
    cq_include *inc;
    cq_model *src; /* the including model */
    const char *path;
    step_error *e;
} inc_build;

static int inc_build_model(inc_build *b, json_t *v)
{
    cq_include *inc = b->inc;
    inc->model = cq_db_model(b->r->db, json_string_value(v));
    /* A deliberate difference (docs/differences.md): an association (named by its alias on the
     * source) is accepted where a model is, as seed 000's {model: Categories, as: 'categories'} */
    const cq_assoc *a = inc->model || !b->src ? NULL : cq_model_assoc(b->src, json_string_value(v));
    if (a) {
        inc->association = a;
    } else if (!inc->model) {
        char sub[CLI_PATH_MAX];
        cli_path_key(sub, b->path, "model");
        return fail(b->e, CQ_EUNKNOWN_MODEL, "%s: unknown model \"%s\"%s", sub,
                    json_string_value(v),
                    b->src ? " (nor an association of the including model)" : "");
    }
    return CQ_OK;
}

static int inc_build_as(inc_build *b, json_t *v)
{
    b->inc->as = json_string_value(v);
    return CQ_OK;
}

static int inc_build_association(inc_build *b, json_t *v)
{
    const cq_assoc *a = b->src ? cq_model_assoc(b->src, json_string_value(v)) : NULL;
    if (a)
        b->inc->association = a;
    else
        b->inc->as = json_string_value(v); /* the library reports the unknown alias */
    return CQ_OK;
}

static int inc_build_all(inc_build *b, json_t *v)
{
    if (!json_is_boolean(v))
        return include_all_types(b->inc, v, b->e);
    b->inc->all = json_is_true(v);
    return CQ_OK;
}

/* A where-like option at `key` of the element, or at through.`key` when `through`. */
static int inc_value(inc_build *b, const cq_value **out, json_t *v, bool through, const char *key)
{
    char sub[CLI_PATH_MAX];
    cli_path_key(sub, b->path, through ? "through" : key);
    if (through)
        cli_path_key(sub, sub, key);
    return pool_value(b->r, b->p, out, v, true, sub, b->e);
}

static int inc_build_scope(inc_build *b, json_t *v)
{
    return inc_value(b, &b->inc->scope, v, false, "scope");
}

static int inc_build_where(inc_build *b, json_t *v)
{
    return inc_value(b, &b->inc->where, v, false, "where");
}

static int inc_build_attributes(inc_build *b, json_t *v)
{
    if (json_is_object(v)) {
        char sub[CLI_PATH_MAX];
        cli_path_key(sub, b->path, "attributes");
        return fail(b->e, CQ_ENOTSUPPORTED,
                    "%s: {\"exclude\": [...]} is not supported in an include", sub);
    }
    return pool_strings(b->p, &b->inc->attributes, v, b->e);
}

static int through_build_attributes(inc_build *b, json_t *v)
{
    if (json_array_size(v) == 0) {
        b->inc->through_attributes_none = true;
        return CQ_OK;
    }
    return pool_strings(b->p, &b->inc->through_attributes, v, b->e);
}

static int through_build_where(inc_build *b, json_t *v)
{
    return inc_value(b, &b->inc->through_where, v, true, "where");
}

typedef int (*inc_build_fn)(inc_build *b, json_t *v);

/* How a key of CLI_INCLUDE_KEYS / CLI_THROUGH_KEYS is built: by its builder, or (INC_SET_*
 * rows) by storing the value the checker let through in a member of the cq_include. */
typedef enum { SET_CALL, SET_BOOL, SET_FLAG, SET_INT } inc_set;

typedef struct inc_key {
    const char *key;
    inc_build_fn build; /* SET_CALL rows */
    inc_set set;
    size_t field; /* offsetof(cq_include, ...) */
} inc_key;

/* clang-format off */
#define INC_SET_BOOL(member) NULL, SET_BOOL, offsetof(cq_include, member)
#define INC_SET_FLAG(member) NULL, SET_FLAG, offsetof(cq_include, member)
#define INC_SET_INT(member)  NULL, SET_INT, offsetof(cq_include, member)
/* clang-format on */

/* The keys of `j` that `keys` (n rows) name, in the rows' order. */
static int build_keys(inc_build *b, json_t *j, const inc_key *keys, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_object_get(j, keys[i].key);
        void *field = (char *)b->inc + keys[i].field;
        int rc = CQ_OK;
        if (!v)
            continue;
        switch (keys[i].set) {
        case SET_CALL:
            rc = keys[i].build(b, v);
            break;
        case SET_BOOL:
            *(bool *)field = json_is_true(v);
            break;
        case SET_FLAG:
            *(cq_flag *)field = json_is_true(v) ? CQ_ON : CQ_OFF;
            break;
        case SET_INT:
            *(int64_t *)field = json_integer_value(v);
            break;
        }
        if (rc != CQ_OK)
            return rc;
    }
    return CQ_OK;
}

static int inc_build_through(inc_build *b, json_t *v)
{
    static const inc_key keys[] = {
#define X(name, check, build) { .key = name, build },
        CLI_THROUGH_KEYS(X)
#undef X
    };
    return build_keys(b, v, keys, sizeof keys / sizeof keys[0]);
}

/* The model the element includes (nested options resolve against it). */
static cq_model *inc_target(const inc_build *b)
{
    const cq_assoc *a = b->inc->association;
    if (!a)
        a = assoc_by_name(b->src, b->inc->model ? cq_model_name(b->inc->model) : "", b->inc->as);
    return a ? cq_assoc_target(a) : b->inc->model;
}

/* the children's own order: attributes of the included model */
static int inc_build_order(inc_build *b, json_t *v)
{
    char sub[CLI_PATH_MAX];
    cli_path_key(sub, b->path, "order");
    return build_order(b->r, b->p, &b->inc->order, v, inc_target(b), sub, b->e);
}

static int inc_build_include(inc_build *b, json_t *v)
{
    char sub[CLI_PATH_MAX];
    cli_path_key(sub, b->path, "include");
    return build_includes(b->r, b->p, &b->inc->include, v, inc_target(b), sub, b->e);
}

static int build_include(runner *r, pool *p, cq_include *inc, json_t *j, cq_model *src,
                         const char *path, step_error *e)
{
    static const inc_key keys[] = {
#define X(name, names, check, build) { .key = name, build },
        CLI_INCLUDE_KEYS(X)
#undef X
    };
    if (json_is_string(j)) {
        /* a model name if there is such a model, else an alias on the source */
        const char *name = json_string_value(j);
        cq_model *m = cq_db_model(r->db, name);
        if (m)
            inc->model = m;
        else
            inc->as = name;
        return CQ_OK;
    }
    inc_build b = { .r = r, .p = p, .inc = inc, .src = src, .path = path, .e = e };
    return build_keys(&b, j, keys, sizeof keys / sizeof keys[0]);
}

static int build_includes(runner *r, pool *p, const cq_include **out, json_t *j, cq_model *src,
                          const char *path, step_error *e)
{
    *out = NULL;
    if (!j)
        return CQ_OK;
    size_t n = json_is_array(j) ? json_array_size(j) : 1;
    cq_include *list = pool_calloc(p, n + 1, sizeof *list);
    if (!list)
        return fail_oom(e);
    for (size_t i = 0; i < n; i++) {
        char sub[CLI_PATH_MAX];
        if (json_is_array(j))
            cli_path_index(sub, path, i);
        else
            snprintf(sub, sizeof sub, "%s", path);
        int rc =
            build_include(r, p, &list[i], json_is_array(j) ? json_array_get(j, i) : j, src, sub, e);
        if (rc != CQ_OK)
            return rc;
    }
    *out = list;
    return CQ_OK;
}

static bool word_eq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if ((*a | 0x20) != (*b | 0x20))
            return false;
    return *a == *b;
}

static bool order_is_direction(json_t *v)
{
    const char *d = json_is_string(v) ? json_string_value(v) : "";
    return word_eq(d, "asc") || word_eq(d, "desc");
}

/* order: ["name", ["name", "DESC"], ["Workers", "name", "DESC"],
 * [{"model": "user", "as": "Workers"}, "name"]] -> cq_order list (cq_order.as a dotted path). */
static int build_order(runner *r, pool *p, const cq_order **out, json_t *j, cq_model *model,
                       const char *path, step_error *e)
{
    (void)r;
    *out = NULL;
    if (!j)
        return CQ_OK;
    size_t n = json_array_size(j);
    cq_order *list = pool_calloc(p, n + 1, sizeof *list);
    if (!list)
        return fail_oom(e);
    for (size_t i = 0; i < n; i++) {
        json_t *k = json_array_get(j, i);
        if (json_is_string(k)) {
            list[i].attr = json_string_value(k);
            continue;
        }
        size_t m = json_array_size(k);
        if (m > 1 && order_is_direction(json_array_get(k, m - 1))) {
            list[i].desc = (json_string_value(json_array_get(k, m - 1))[0] | 0x20) == 'd';
            m--;
        }
        list[i].attr = json_string_value(json_array_get(k, m - 1));
        if (m == 1)
            continue;
        /* association path */
        size_t cap = 1;
        for (size_t a = 0; a + 1 < m; a++)
            cap += 256;
        char *as_path = pool_calloc(p, cap, 1);
        if (!as_path)
            return fail_oom(e);
        const cq_model *cur = model;
        for (size_t a = 0; a + 1 < m; a++) {
            json_t *el = json_array_get(k, a);
            const char *mname = json_is_string(el)
                                    ? json_string_value(el)
                                    : json_string_value(json_object_get(el, "model"));
            const char *as =
                json_is_object(el) ? json_string_value(json_object_get(el, "as")) : NULL;
            const cq_assoc *as_assoc = NULL;
            if (json_is_string(el)) {
                as_assoc = cq_model_assoc(cur, mname); /* an alias first, then a model name */
                if (!as_assoc)
                    as_assoc = assoc_by_name(cur, mname, NULL);
            } else {
                as_assoc = assoc_by_name(cur, mname ? mname : "", as);
            }
            if (!as_assoc) {
                char sub[CLI_PATH_MAX];
                cli_path_index(sub, path, i);
                cli_path_index(sub, sub, a);
                return fail(e, CQ_EEAGER, "%s: %s is not associated to %s", sub,
                            as      ? as
                            : mname ? mname
                                    : "?",
                            cq_model_name(cur));
            }
            size_t len = strlen(as_path);
            snprintf(as_path + len, cap - len, "%s%s", len ? "." : "", cq_assoc_as(as_assoc));
            cur = cq_assoc_target(as_assoc);
        }
        list[i].as = as_path;
    }
    *out = list;
    return CQ_OK;
}

/* Find options from their JSON parts (a finder step, or a getter's options object). */
typedef struct find_json {
    json_t *where, *attributes, *order, *include;
    json_t *group, *having; /* findAll/findOne */
    json_t *scope;
    int64_t limit, offset;
    cq_flag paranoid;
} find_json;

static int build_find(runner *r, pool *p, cq_find_opts *o, const find_json *f, cq_model *model,
                      const char *path, step_error *e)
{
    char sub[CLI_PATH_MAX];
    int rc = CQ_OK;
    if (f->where) {
        cli_path_key(sub, path, "where");
        if (json_is_string(f->where))
            o->where_sql = json_string_value(f->where); /* raw SQL where: docs/differences.md */
        else
            rc = pool_value(r, p, &o->where, f->where, true, sub, e);
    }
    bool full = false; /* v6's full attributes form: functions, aliases, {include} */
    for (size_t i = 0; f->attributes && i < json_array_size(f->attributes); i++)
        full |= !json_is_string(json_array_get(f->attributes, i));
    full |= json_is_object(f->attributes) && json_object_get(f->attributes, "include");
    o->literals = r->allow_literals;
    if (rc == CQ_OK && full) {
        rc = pool_member(r, p, &o->select, f->attributes, false, path, "attributes", e);
    } else if (rc == CQ_OK && f->attributes) {
        if (json_is_object(f->attributes))
            rc = pool_strings(p, &o->exclude, json_object_get(f->attributes, "exclude"), e);
        else
            rc = pool_strings(p, &o->attributes, f->attributes, e);
    }
    if (rc == CQ_OK)
        rc = pool_member(r, p, &o->group, f->group, false, path, "group", e);
    if (rc == CQ_OK)
        rc = pool_member(r, p, &o->having, f->having, true, path, "having", e);
    if (rc == CQ_OK)
        rc = pool_member(r, p, &o->scope, f->scope, true, path, "scope", e);
    if (rc == CQ_OK && f->order) {
        cli_path_key(sub, path, "order");
        rc = build_order(r, p, &o->order, f->order, model, sub, e);
    }
    if (rc == CQ_OK && f->include) {
        cli_path_key(sub, path, "include");
        rc = build_includes(r, p, &o->include, f->include, model, sub, e);
    }
    o->limit = f->limit;
    o->offset = f->offset;
    o->paranoid = f->paranoid;
    return rc;
}

/* ---- call: association accessors ------------------------------------------------------- */

/* Targets of set/add/remove/has: "$ref" instances, key values ({"$ref": "x.id"} included),
 * or an array of them; null is no target (set to none). */
static int build_targets(runner *r, pool *p, cq_target **out, size_t *n_out, json_t *j,
                         const char *path, step_error *e)
{
    *out = NULL;
    *n_out = 0;
    if (!j || json_is_null(j))
        return CQ_OK;
    size_t n = json_is_array(j) ? json_array_size(j) : 1;
    cq_target *list = pool_calloc(p, n, sizeof *list);
    if (!list)
        return fail_oom(e);
    for (size_t i = 0; i < n; i++) {
        json_t *el = json_is_array(j) ? json_array_get(j, i) : j;
        char sub[CLI_PATH_MAX];
        if (json_is_array(j))
            cli_path_index(sub, path, i);
        else
            snprintf(sub, sizeof sub, "%s", path);
        int rc;
        cli_ref ref;
        if (json_is_string(el) && json_string_value(el)[0] == '$' &&
            cli_ref_parse(&ref, json_string_value(el), true, true))
            rc = ref_instance(r, &list[i].instance, &ref, e);
        else
            rc = pool_value(r, p, &list[i].key, el, false, sub, e);
        if (rc != CQ_OK)
            return rc;
    }
    *out = list;
    *n_out = n;
    return CQ_OK;
}

/* The options object of a call (args[i]); NULL when absent. */
static json_t *call_arg(const cli_step *st, size_t i)
{
    return st->args ? json_array_get(st->args, i) : NULL;
}

static int check_option_keys(json_t *opts, const char *allowed, const char *path, step_error *e)
{
    const char *key;
    json_t *val;
    json_object_foreach(opts, key, val)
    {
        size_t n = strlen(key);
        bool ok = false;
        for (const char *q = allowed; n && (q = strstr(q, key)) != NULL; q++)
            if ((q == allowed || q[-1] == ' ') && (q[n] == ' ' || q[n] == '\0'))
                ok = true;
        if (!ok)
            return fail(e, CQ_EINVALID, "%s: unknown option \"%s\" (expected %s)", path, key,
                        allowed);
    }
    return CQ_OK;
}

/* Transaction named in an options object, else the step's. */
static int option_txn(runner *r, cq_txn **out, json_t *opts, const cli_step *st, step_error *e)
{
    json_t *t = opts ? json_object_get(opts, "transaction") : NULL;
    if (t && !json_is_string(t))
        return fail(e, CQ_EINVALID, "%s: transaction: expected a transaction name", st->path);
    return step_txn(r, out, t ? json_string_value(t) : st->transaction, e);
}

static int getter_opts(runner *r, pool *p, cq_find_opts *fo, json_t *opts, const cq_assoc *a,
                       const cli_step *st, const char *path, step_error *e)
{
    int rc = step_txn(r, &fo->transaction, st->transaction, e);
    if (rc != CQ_OK || !opts)
        return rc;
    if (!json_is_object(opts))
        return fail(e, CQ_EINVALID, "%s: expected an options object", path);
    rc = check_option_keys(opts,
                           "where attributes order limit offset include transaction scope "
                           "joinTableAttributes through paranoid",
                           path, e);
    if (rc != CQ_OK)
        return rc;
    json_t *through = json_object_get(opts, "through");
    if (through) {
        /* belongsToMany getters: through: {where} filters on the join rows */
        char sub[CLI_PATH_MAX];
        cli_path_key(sub, path, "through");
        json_t *tw = json_is_object(through) ? json_object_get(through, "where") : NULL;
        json_t *tp = json_is_object(through) ? json_object_get(through, "paranoid") : NULL;
        if (!json_is_object(through) ||
            json_object_size(through) != (tw ? 1u : 0u) + (tp ? 1u : 0u) ||
            (tp && !json_is_boolean(tp)))
            return fail(e, CQ_EINVALID, "%s: expected {\"where\": {...}, \"paranoid\": false}",
                        sub);
        if (tp)
            fo->through_paranoid = json_is_true(tp) ? CQ_ON : CQ_OFF;
        if (tw && !json_is_object(tw))
            return fail(e, CQ_EINVALID, "%s.where: expected an object", sub);
        if (tw && cq_assoc_type_of(a) != CQ_BELONGS_TO_MANY)
            return fail(e, CQ_EINVALID, "%s: only belongsToMany accessors have join rows to filter",
                        sub);
        if (tw) {
            cli_path_key(sub, sub, "where");
            rc = pool_value(r, p, &fo->through_where, tw, true, sub, e);
            if (rc != CQ_OK)
                return rc;
        }
    }
    json_t *jta = json_object_get(opts, "joinTableAttributes");
    if (jta && !json_is_array(jta))
        return fail(e, CQ_EINVALID, "%s: joinTableAttributes: expected an array of names", path);
    for (size_t i = 0; jta && i < json_array_size(jta); i++)
        if (!json_is_string(json_array_get(jta, i)))
            return fail(e, CQ_EINVALID, "%s: joinTableAttributes[%zu]: expected a name", path, i);
    if (jta && json_array_size(jta) == 0)
        fo->through_attributes_none = true;
    else if (jta && (rc = pool_strings(p, &fo->through_attributes, jta, e)) != CQ_OK)
        return rc;
    json_t *lim = json_object_get(opts, "limit"), *off = json_object_get(opts, "offset");
    find_json f = { .where = json_object_get(opts, "where"),
                    .attributes = json_object_get(opts, "attributes"),
                    .order = json_object_get(opts, "order"),
                    .include = json_object_get(opts, "include"),
                    .scope = json_object_get(opts, "scope"),
                    .limit = json_is_integer(lim) ? json_integer_value(lim) : 0,
                    .offset = json_is_integer(off) ? json_integer_value(off) : 0 };
    json_t *par = json_object_get(opts, "paranoid");
    if (par && !json_is_boolean(par))
        return fail(e, CQ_EINVALID, "%s: paranoid: expected true or false", path);
    f.paranoid = par ? (json_is_true(par) ? CQ_ON : CQ_OFF) : CQ_DEFAULT;
    rc = build_find(r, p, fo, &f, cq_assoc_target(a), path, e);
    if (rc == CQ_OK)
        rc = option_txn(r, &fo->transaction, opts, st, e);
    return rc;
}

static int writer_opts(runner *r, pool *p, cq_assoc_write_opts *wo, json_t *opts,
                       const cli_step *st, const char *path, step_error *e)
{
    int rc = step_txn(r, &wo->transaction, st->transaction, e);
    if (rc != CQ_OK || !opts)
        return rc;
    if (!json_is_object(opts))
        return fail(e, CQ_EINVALID, "%s: expected an options object", path);
    rc = check_option_keys(opts, "through transaction save fields", path, e);
    json_t *v;
    if (rc == CQ_OK)
        rc = pool_member(r, p, &wo->through, json_object_get(opts, "through"), false, path,
                         "through", e);
    if (rc == CQ_OK && (v = json_object_get(opts, "fields")))
        rc = pool_strings(p, &wo->fields, v, e);
    if (rc == CQ_OK && (v = json_object_get(opts, "save")))
        wo->no_save = json_is_false(v);
    if (rc == CQ_OK)
        rc = option_txn(r, &wo->transaction, opts, st, e);
    return rc;
}

/* A call step being run: the accessor's association and the paths of its two arguments. */
typedef struct call_ctx {
    runner *r;
    const cli_step *st;
    cq_instance *src;
    cq_assoc *a;
    pool p;
    char a0[CLI_PATH_MAX], a1[CLI_PATH_MAX];
    cq_value **result;
    cq_instance **keep_inst;
    cq_rows **keep_rows;
    step_error *e;
} call_ctx;

/* get: the rows of a to-many association, else the instance or null. */
static int call_get(call_ctx *k)
{
    cq_find_opts fo = { 0 };
    cq_rows *rows = NULL;
    int rc = getter_opts(k->r, &k->p, &fo, call_arg(k->st, 0), k->a, k->st, k->a0, k->e);
    if (rc == CQ_OK && (rc = cq_assoc_get(&rows, k->src, k->a, &fo)) != CQ_OK)
        rc = lib_fail(k->r, k->e, rc);
    if (rc != CQ_OK)
        return rc;
    if (cq_assoc_type_of(k->a) == CQ_HAS_MANY || cq_assoc_type_of(k->a) == CQ_BELONGS_TO_MANY) {
        *k->keep_rows = rows;
        return cq_rows_to_value(k->result, rows);
    }
    /* a single association: the instance or null */
    cq_instance *inst = cq_rows_count(rows) ? cq_rows_take(rows, 0) : NULL;
    cq_rows_free(rows);
    *k->keep_inst = inst;
    k->r->single_result = true;
    return instance_result(k->r, k->result, inst, k->e);
}

/* set, add, remove (one or many). */
static int call_write(call_ctx *k, cq_accessor kind)
{
    cq_assoc_write_opts wo = { 0 };
    cq_target *targets = NULL;
    size_t n = 0;
    int rc = build_targets(k->r, &k->p, &targets, &n, call_arg(k->st, 0), k->a0, k->e);
    if (rc == CQ_OK)
        rc = writer_opts(k->r, &k->p, &wo, call_arg(k->st, 1), k->st, k->a1, k->e);
    if (rc != CQ_OK)
        return rc;
    rc = kind == CQ_ACC_SET ? cq_assoc_set(k->src, k->a, targets, n, &wo)
         : kind == CQ_ACC_ADD || kind == CQ_ACC_ADD_MULTIPLE
             ? cq_assoc_add(k->src, k->a, targets, n, &wo)
             : cq_assoc_remove(k->src, k->a, targets, n, &wo);
    if (rc != CQ_OK)
        return lib_fail(k->r, k->e, rc);
    *k->result = cq_value_null();
    return CQ_OK;
}

/* has (one or all). */
static int call_has(call_ctx *k)
{
    cq_find_opts fo = { 0 };
    cq_target *targets = NULL;
    size_t n = 0;
    bool yes = false;
    int rc = build_targets(k->r, &k->p, &targets, &n, call_arg(k->st, 0), k->a0, k->e);
    if (rc == CQ_OK)
        rc = getter_opts(k->r, &k->p, &fo, call_arg(k->st, 1), k->a, k->st, k->a1, k->e);
    if (rc == CQ_OK && (rc = cq_assoc_has(&yes, k->src, k->a, targets, n, &fo)) != CQ_OK)
        rc = lib_fail(k->r, k->e, rc);
    if (rc == CQ_OK)
        *k->result = cq_value_bool(yes);
    return rc;
}

static int call_count(call_ctx *k)
{
    cq_find_opts fo = { 0 };
    int64_t count = 0;
    int rc = getter_opts(k->r, &k->p, &fo, call_arg(k->st, 0), k->a, k->st, k->a0, k->e);
    if (rc == CQ_OK && (rc = cq_assoc_count(&count, k->src, k->a, &fo)) != CQ_OK)
        rc = lib_fail(k->r, k->e, rc);
    if (rc == CQ_OK)
        *k->result = cq_value_int(count);
    return rc;
}

static int call_create(call_ctx *k)
{
    cq_assoc_write_opts wo = { 0 };
    const cq_value *values = NULL;
    cq_instance *inst = NULL;
    int rc = CQ_OK;
    json_t *v = call_arg(k->st, 0);
    if (v && !json_is_object(v))
        rc = fail(k->e, CQ_EINVALID, "%s: expected an object of values", k->a0);
    else if (v)
        rc = pool_value(k->r, &k->p, &values, v, false, k->a0, k->e);
    if (rc == CQ_OK)
        rc = writer_opts(k->r, &k->p, &wo, call_arg(k->st, 1), k->st, k->a1, k->e);
    if (rc == CQ_OK && (rc = cq_assoc_create(&inst, k->src, k->a, values, &wo)) != CQ_OK)
        rc = lib_fail(k->r, k->e, rc);
    if (rc == CQ_OK) {
        rc = instance_result(k->r, k->result, inst, k->e);
        *k->keep_inst = inst;
    }
    return rc;
}

/* {"call": "addProject", "on": "$u1", "args": ["$p1", {"through": {...}}]}. */
static int run_call(runner *r, const cli_step *st, cq_instance *src, cq_value **result,
                    cq_instance **keep_inst, cq_rows **keep_rows, step_error *e)
{
    call_ctx k = { .r = r,
                   .st = st,
                   .src = src,
                   .result = result,
                   .keep_inst = keep_inst,
                   .keep_rows = keep_rows,
                   .e = e };
    cq_accessor kind = 0;
    int rc = cq_model_find_accessor(&k.a, &kind, cq_instance_model(src), st->method);
    if (rc != CQ_OK)
        return lib_fail(r, e, rc);
    char args_path[CLI_PATH_MAX];
    cli_path_key(args_path, st->path, "args");
    cli_path_index(k.a0, args_path, 0);
    cli_path_index(k.a1, args_path, 1);
    switch (kind) {
    case CQ_ACC_GET:
        rc = call_get(&k);
        break;
    case CQ_ACC_SET:
    case CQ_ACC_ADD:
    case CQ_ACC_ADD_MULTIPLE:
    case CQ_ACC_REMOVE:
    case CQ_ACC_REMOVE_MULTIPLE:
        rc = call_write(&k, kind);
        break;
    case CQ_ACC_HAS_SINGLE:
    case CQ_ACC_HAS_ALL:
        rc = call_has(&k);
        break;
    case CQ_ACC_COUNT:
        rc = call_count(&k);
        break;
    case CQ_ACC_CREATE:
        rc = call_create(&k);
        break;
    }
    pool_free(&k.p);
    if (rc == CQ_OK && !*result)
        rc = fail_oom(e);
    return rc;
}

/* ---- results: templates, attempt ------------------------------------------------------- */

/* The JSON form of a named result (instances as toJSON()). */
static int slot_value(runner *r, const slot *s, cq_value **out, step_error *e)
{
    int rc = CQ_OK;
    if (s->kind == CLI_RESULT_ROWS && s->rows)
        rc = cq_rows_to_value(out, s->rows);
    else if (s->inst)
        rc = cq_instance_to_value(out, s->inst);
    else if (s->value)
        *out = cq_value_copy(s->value);
    else
        *out = cq_value_null();
    if (rc != CQ_OK)
        return lib_fail(r, e, rc);
    return *out ? CQ_OK : fail_oom(e);
}

/* JavaScript truthiness. */
static bool truthy(const cq_value *v)
{
    switch (v ? cq_value_type_of(v) : CQ_VALUE_NULL) {
    case CQ_VALUE_NULL:
        return false;
    case CQ_VALUE_BOOL:
        return cq_value_as_bool(v);
    case CQ_VALUE_INT:
        return cq_value_as_int(v) != 0;
    case CQ_VALUE_DOUBLE: {
        double d = cq_value_as_double(v);
        return d == d && d != 0.0;
    }
    case CQ_VALUE_TEXT: {
        const char *t = cq_value_as_text(v);
        return t && *t;
    }
    default:
        return true;
    }
}

static int eval_template(runner *r, cq_value **out, json_t *t, const cq_value *self,
                         const char *path, step_error *e);

/* `v` into *out, or a failure when it is NULL (out of memory). */
static int copy_out(cq_value **out, cq_value *v, step_error *e)
{
    *out = v;
    return v ? CQ_OK : fail_oom(e);
}

/* One element of a {"$map"}: `to` evaluated with `as` bound to it, else the element or the
 * key paths `get` names. */
static int map_item(runner *r, cq_value **item, const cq_value *el, json_t *t, const cq_value *self,
                    const char *path, step_error *e)
{
    json_t *get = json_object_get(t, "get");
    json_t *to = json_object_get(t, "to");
    if (to) {
        /* list.map(as => to): `as` names the element inside the template */
        char sub[CLI_PATH_MAX];
        cli_path_key(sub, path, "to");
        r->bound[r->n_bound].name = json_string_value(json_object_get(t, "as"));
        r->bound[r->n_bound++].value = el;
        int rc = eval_template(r, item, to, self, sub, e);
        r->n_bound--;
        return rc;
    }
    if (!get) {
        *item = cq_value_copy(el);
    } else if (json_is_string(get)) {
        char seg[300];
        snprintf(seg, sizeof seg, ".%s", json_string_value(get));
        const cq_value *x = cli_tpath_walk(el, seg);
        *item = x ? cq_value_copy(x) : cq_value_null(); /* undefined in an array: null */
    } else {
        *item = cq_value_array();
        for (size_t k = 0; *item && k < json_array_size(get); k++) {
            char seg[300];
            snprintf(seg, sizeof seg, ".%s", json_string_value(json_array_get(get, k)));
            const cq_value *x = cli_tpath_walk(el, seg);
            if (cq_value_array_append(*item, x ? cq_value_copy(x) : cq_value_null()) != CQ_OK) {
                cq_value_free(*item);
                *item = NULL;
            }
        }
    }
    return CQ_OK;
}

/* {"$map": path, ...} over the list `v` (the path's value, `text`). */
static int eval_map(runner *r, cq_value **out, const cq_value *v, json_t *t, const char *text,
                    const cq_value *self, const char *path, step_error *e)
{
    if (!v || cq_value_type_of(v) != CQ_VALUE_ARRAY)
        return fail(e, CQ_EINVALID, "%s: \"%s\" is not a list", path, text);
    if (json_object_get(t, "to") && r->n_bound == sizeof r->bound / sizeof r->bound[0])
        return fail(e, CQ_EINVALID, "%s: $map nested too deep", path);
    cq_value *arr = cq_value_array();
    int rc = CQ_OK;
    for (size_t i = 0; arr && rc == CQ_OK && i < cq_value_size(v); i++) {
        cq_value *item = NULL;
        rc = map_item(r, &item, cq_value_array_get(v, i), t, self, path, e);
        if (rc == CQ_OK && cq_value_array_append(arr, item) != CQ_OK) {
            cq_value_free(arr);
            arr = NULL;
        }
    }
    if (rc != CQ_OK) {
        cq_value_free(arr);
        return rc;
    }
    return copy_out(out, arr, e);
}

/* The value a template path starts from: a name bound by an enclosing {"$map", "as"} (that
 * element, *base NULL), else a named result's JSON form (*base, the caller frees). */
static int path_root(runner *r, const cq_value **root, cq_value **base, const char *name,
                     const char *path, step_error *e)
{
    *base = NULL;
    *root = NULL;
    for (size_t i = r->n_bound; i-- > 0 && !*root;)
        if (strcmp(r->bound[i].name, name) == 0)
            *root = r->bound[i].value;
    if (*root)
        return CQ_OK;
    slot *s = find_slot(r, name);
    if (!s || !s->set)
        return fail(e, CQ_EINVALID, "%s: $%s has no value: steps[%zu], which names it, failed",
                    path, name, s ? s->step : 0);
    int rc = slot_value(r, s, base, e);
    *root = *base;
    return rc;
}

/* {"$ref": "name.path", "default": X}, {"$map": "name.path", "get": ...} (or "as" and "to")
 * and {"$length": "name.path"}. */
static int eval_ref(runner *r, cq_value **out, json_t *t, bool map, const cq_value *self,
                    const char *path, step_error *e)
{
    bool len = !map && json_object_get(t, "$length");
    const char *text = json_string_value(json_object_get(t, map   ? "$map"
                                                            : len ? "$length"
                                                                  : "$ref"));
    char name[64];
    const char *rest = NULL;
    if (!text || !cli_tpath_parse(text, name, &rest))
        return fail(e, CQ_EINVALID, "%s: malformed path", path);
    const cq_value *root = NULL;
    cq_value *base = NULL;
    int rc = path_root(r, &root, &base, name, path, e);
    if (rc != CQ_OK)
        return rc;
    const cq_value *v = cli_tpath_walk(root, rest);
    json_t *dflt = json_object_get(t, "default");
    if (map)
        rc = eval_map(r, out, v, t, text, self, path, e);
    else if (len && (!v || cq_value_type_of(v) != CQ_VALUE_ARRAY))
        rc = fail(e, CQ_EINVALID, "%s: \"%s\" is not a list", path, text);
    else if (len)
        rc = copy_out(out, cq_value_int((int64_t)cq_value_size(v)), e);
    else if (!v && dflt)
        rc = eval_template(r, out, dflt, self, path, e);
    else if (!v)
        rc = fail(e, CQ_EINVALID, "%s: \"%s\": no such value", path, text);
    else
        rc = copy_out(out, cq_value_copy(v), e);
    cq_value_free(base);
    return rc;
}

/* A plain array or object template: each member evaluated, at its index or key. */
static int eval_members(runner *r, cq_value **out, json_t *t, const cq_value *self,
                        const char *path, step_error *e)
{
    bool obj = json_is_object(t);
    size_t n = obj ? json_object_size(t) : json_array_size(t);
    cq_value *c = obj ? cq_value_object() : cq_value_array();
    int rc = c ? CQ_OK : fail_oom(e);
    void *it = obj ? json_object_iter(t) : NULL;
    for (size_t i = 0; rc == CQ_OK && i < n; i++) {
        const char *key = obj ? json_object_iter_key(it) : NULL;
        json_t *el = obj ? json_object_iter_value(it) : json_array_get(t, i);
        char sub[CLI_PATH_MAX];
        if (obj)
            cli_path_key(sub, path, key);
        else
            cli_path_index(sub, path, i);
        cq_value *item = NULL;
        rc = eval_template(r, &item, el, self, sub, e);
        if (rc == CQ_OK &&
            (obj ? cq_value_object_set(c, key, item) : cq_value_array_append(c, item)) != CQ_OK)
            rc = fail_oom(e);
        it = obj ? json_object_iter_next(t, it) : NULL;
    }
    if (rc != CQ_OK) {
        cq_value_free(c);
        return rc;
    }
    *out = c;
    return CQ_OK;
}

/* The template at `key` of `t`, evaluated into *x. */
static int eval_at(runner *r, cq_value **x, json_t *t, const char *key, const cq_value *self,
                   const char *path, step_error *e)
{
    char sub[CLI_PATH_MAX];
    cli_path_key(sub, path, key);
    return eval_template(r, x, json_object_get(t, key), self, sub, e);
}

/* the length of a list a template gives ({"$length": {"$map": ...}}) */
static int eval_length_of(runner *r, cq_value **out, json_t *t, const cq_value *self,
                          const char *path, step_error *e)
{
    cq_value *x = NULL;
    int rc = eval_at(r, &x, t, "$length", self, path, e);
    if (rc == CQ_OK && cq_value_type_of(x) != CQ_VALUE_ARRAY) {
        char sub[CLI_PATH_MAX];
        cli_path_key(sub, path, "$length");
        rc = fail(e, CQ_EINVALID, "%s: not a list", sub);
    }
    if (rc == CQ_OK && !(*out = cq_value_int((int64_t)cq_value_size(x))))
        rc = fail_oom(e);
    cq_value_free(x);
    return rc;
}

static int eval_this(cq_value **out, json_t *v, const cq_value *self, const char *path,
                     step_error *e)
{
    const char *p = json_string_value(v);
    char seg[300];
    snprintf(seg, sizeof seg, "%s%s", *p && *p != '[' ? "." : "", p);
    const cq_value *x = self ? cli_tpath_walk(self, seg) : NULL;
    if (!x)
        return fail(e, CQ_EINVALID, "%s: $this: \"%s\": no such value", path, p);
    return copy_out(out, cq_value_copy(x), e);
}

static int eval_not(runner *r, cq_value **out, json_t *t, const cq_value *self, const char *path,
                    step_error *e)
{
    cq_value *x = NULL;
    int rc = eval_at(r, &x, t, "$not", self, path, e);
    if (rc == CQ_OK)
        *out = cq_value_bool(!truthy(x));
    cq_value_free(x);
    return rc;
}

static int eval_if(runner *r, cq_value **out, json_t *t, const cq_value *self, const char *path,
                   step_error *e)
{
    cq_value *x = NULL;
    int rc = eval_at(r, &x, t, "$if", self, path, e);
    if (rc != CQ_OK)
        return rc;
    const char *branch = truthy(x) ? "then" : "else";
    cq_value_free(x);
    if (!json_object_get(t, branch))
        return copy_out(out, cq_value_null(), e);
    return eval_at(r, out, t, branch, self, path, e);
}

static int eval_template(runner *r, cq_value **out, json_t *t, const cq_value *self,
                         const char *path, step_error *e)
{
    *out = NULL;
    if (json_is_array(t))
        return eval_members(r, out, t, self, path, e);
    if (!json_is_object(t))
        return copy_out(out, cq__value_from_jansson(t), e);
    bool alone = json_object_size(t) == 1;
    json_t *v;
    if ((v = json_object_get(t, "$literal")) && alone)
        return copy_out(out, cq__value_from_jansson(v), e);
    if ((v = json_object_get(t, "$length")) && alone && !json_is_string(v))
        return eval_length_of(r, out, t, self, path, e);
    if (json_object_get(t, "$ref") || json_object_get(t, "$length"))
        return eval_ref(r, out, t, false, self, path, e);
    if (json_object_get(t, "$map"))
        return eval_ref(r, out, t, true, self, path, e);
    if ((v = json_object_get(t, "$this")) && alone)
        return eval_this(out, v, self, path, e);
    if (json_object_get(t, "$not") && alone)
        return eval_not(r, out, t, self, path, e);
    if (json_object_get(t, "$if"))
        return eval_if(r, out, t, self, path, e);
    return eval_members(r, out, t, self, path, e);
}

/* The name Sequelize gives the error behind a cequel status (the `error` of an attempt). */
static const char *sequelize_error_name(int code, const char *msg)
{
    static const char *const assoc_errors[] = { "You have used the alias",
                                                "requires through option", "'as' must be defined" };
    static const char *const plain_eager[] = { "Association with alias", "Include unexpected",
                                               "Only HasMany" };
    switch (code) {
    case CQ_EUNIQUE:
        return "SequelizeUniqueConstraintError";
    case CQ_EFOREIGNKEY:
        return "SequelizeForeignKeyConstraintError";
    case CQ_EVALIDATION:
    case CQ_ENOTNULL:
        return "SequelizeValidationError";
    case CQ_EDATABASE:
        return "SequelizeDatabaseError";
    case CQ_ECONNECT:
        return "SequelizeConnectionError";
    case CQ_ETIMEOUT:
        return "SequelizeTimeoutError";
    case CQ_ENOTFOUND:
        return "SequelizeEmptyResultError";
    case CQ_ESTALE:
        return "SequelizeOptimisticLockError";
    case CQ_EASSOC:
        for (size_t i = 0; i < sizeof assoc_errors / sizeof assoc_errors[0]; i++)
            if (strstr(msg, assoc_errors[i]))
                return "SequelizeAssociationError";
        return "Error";
    case CQ_EINVALID:
        return strncmp(msg, "Invalid scope ", 14) == 0 ? "SequelizeScopeError" : "Error";
    case CQ_EEAGER:
        for (size_t i = 0; i < sizeof plain_eager / sizeof plain_eager[0]; i++)
            if (strncmp(msg, plain_eager[i], strlen(plain_eager[i])) == 0)
                return "Error";
        return "SequelizeEagerLoadingError";
    default:
        return "Error";
    }
}

/* attempt: {"value": result} or {"error": NAME, "message": TEXT} (plus `errors` when the
 * step asks and a validation failed). */
static cq_value *attempt_value(const cli_step *st, int rc, cq_value *result, const step_error *e,
                               const cq_value *errors)
{
    cq_value *o = cq_value_object();
    if (!o) {
        cq_value_free(result);
        return NULL;
    }
    int set;
    if (rc == CQ_OK) {
        set = cq_value_object_set(o, "value", result);
    } else {
        const char *name =
            st->attempt_error ? st->attempt_error : sequelize_error_name(e->code, e->message);
        set = cq_value_object_set(o, "error", cq_value_text(name));
        if (set == CQ_OK && st->attempt_message)
            set = cq_value_object_set(o, "message", cq_value_text(e->message));
        if (set == CQ_OK && st->attempt_errors)
            set =
                cq_value_object_set(o, "errors", errors ? cq_value_copy(errors) : cq_value_array());
    }
    if (set != CQ_OK) {
        cq_value_free(o);
        return NULL;
    }
    return o;
}

/* forEachModel: Sequelize's model manager walks the models in dependency order and throws
 * `Error: Cyclic dependency found.` when the references form a cycle (sync and truncate no
 * longer do in v6); the sync plan knows the order and the cycles. */
static int for_each_model(runner *r, cq_value **result, step_error *e)
{
    cq_sync_plan *plan = NULL;
    int rc = cq_db_sync_plan(&plan, r->db, NULL);
    if (rc != CQ_OK)
        return lib_fail(r, e, rc);
    size_t cycles = cq_sync_plan_cycle_count(plan);
    cq_sync_plan_free(plan);
    if (cycles > 0)
        return fail(e, CQ_ECYCLE, "Cyclic dependency found.");
    *result = cq_value_text("ordered");
    return *result ? CQ_OK : fail_oom(e);
}

static int exec_step(runner *r, const cli_step *st, size_t i, cq_value **result, step_error *e);

/* {"transaction": [steps...]}: the steps in a managed transaction (cq_db_transaction_run),
 * as Sequelize's `sequelize.transaction(async () => { ... })`: the result is the last step's,
 * and the first failing step (one without expectError) rolls back and is the error. */
typedef struct txn_work {
    runner *r;
    const cli_step *st;
    size_t index;   /* the transaction step's index in the script */
    cq_value *last; /* the last step's result */
    step_error *e;  /* the failing step's error */
} txn_work;

static int txn_body(cq_txn *txn, void *user_data)
{
    (void)txn; /* one connection: every statement runs in the open transaction */
    txn_work *w = user_data;
    for (size_t k = 0; k < w->st->n_inner; k++) {
        const cli_step *in = &w->st->inner[k];
        step_error e = { 0 };
        cq_value *result = NULL;
        int rc = exec_step(w->r, in, w->index, &result, &e);
        cq_value_free(w->last);
        w->last = result;
        if (rc != CQ_OK && !in->expect_error) {
            *w->e = e; /* its message as is: an `attempt` on the transaction names its error */
            return rc;
        }
    }
    return CQ_OK;
}

static int run_transaction(runner *r, const cli_step *st, size_t index, cq_value **result,
                           step_error *e)
{
    cq_txn *parent = NULL;
    int rc = step_txn(r, &parent, st->parent, e);
    if (rc != CQ_OK)
        return rc;
    txn_work w = { .r = r, .st = st, .index = index, .e = e };
    rc = cq_db_transaction_run(
        r->db, txn_body, &w, &(cq_txn_opts){ .parent = parent, .isolation_level = st->isolation });
    if (rc != CQ_OK) {
        cq_value_free(w.last);
        return e->code ? rc : lib_fail(r, e, rc);
    }
    *result = w.last ? w.last : cq_value_null();
    return *result ? CQ_OK : fail_oom(e);
}

/* ---- one handler per step kind ---------------------------------------------------------- */

/* A step being run: the runner, the step, and what every handler may use, prepared from the
 * step's common keys by exec_prepare(). A handler returns CQ_OK with *result set, or a code
 * (a library code without a message gets cq_db_error's). The instance or rows it leaves in
 * `inst`/`rows` become the step's named result. */
struct cli_exec {
    runner *r;
    const cli_step *st;
    step_error *e;
    cq_value **result;
    cq_model *model;     /* model-level steps */
    cq_instance *target; /* steps on an instance, and call's "on" */
    cq_txn *txn;         /* the step's "transaction" (finders take theirs in build_find) */
    cq_value *values;    /* "values", owned */
    cq_value *where;     /* "where", owned (the handlers that take one) */
    const char **fields; /* "fields", owned list of borrowed names */
    const char **update_on_dup;
    cq_write_opts wopts; /* create, bulkCreate, save, update, destroy and restore on instances */
    pool p;
    cq_instance *inst; /* the result kept under the step's "as" */
    cq_rows *rows;
};

/* Sets *result to null (steps without a value): CQ_OK, or CQ_ENOMEM. */
static int null_result(cli_exec *x)
{
    *x->result = cq_value_null();
    return *x->result ? CQ_OK : fail_oom(x->e);
}

/* The step's JSON key `key` as a value (a where clause when `where`). */
static int step_value(cli_exec *x, cq_value **out, json_t *j, const char *key, bool where)
{
    char sub[CLI_PATH_MAX];
    cli_path_key(sub, x->st->path, key);
    return to_value(x->r, out, j, where, sub, x->e);
}

/* "scope" of update, destroy and aggregates (borrowed from the pool; NULL when absent). */
static int step_scope(cli_exec *x, const cq_value **out)
{
    *out = NULL;
    if (!x->st->scope)
        return CQ_OK;
    char sub[CLI_PATH_MAX];
    cli_path_key(sub, x->st->path, "scope");
    return pool_value(x->r, &x->p, out, x->st->scope, true, sub, x->e);
}

/* [row, flag] (findOrCreate, upsert): `flag` null, true or false. Takes `flag`. */
static int pair_result(cli_exec *x, cq_value *flag)
{
    cq_value *row = NULL;
    int rc = cq_instance_to_value(&row, x->inst);
    if (rc != CQ_OK) {
        cq_value_free(flag);
        return rc;
    }
    if (!(*x->result = cq_value_array()))
        cq_value_free(row);
    if (!*x->result || cq_value_array_append(*x->result, row) != CQ_OK ||
        cq_value_array_append(*x->result, flag) != CQ_OK) {
        if (!*x->result)
            cq_value_free(flag);
        return fail_oom(x->e);
    }
    return CQ_OK;
}

int cli_run_sync(cli_exec *x)
{
    int rc = cq_db_sync(x->r->db, &(cq_sync_opts){ .force = x->st->force, .transaction = x->txn });
    return rc == CQ_OK ? null_result(x) : rc;
}

int cli_run_truncate(cli_exec *x)
{
    int rc = cq_db_truncate(x->r->db, &(cq_sync_opts){ .transaction = x->txn });
    return rc == CQ_OK ? null_result(x) : rc;
}

int cli_run_for_each_model(cli_exec *x)
{
    return for_each_model(x->r, x->result, x->e);
}

int cli_run_create(cli_exec *x)
{
    int rc = cq_model_create(&x->inst, x->model, x->values, &x->wopts);
    return rc == CQ_OK ? instance_result(x->r, x->result, x->inst, x->e) : rc;
}

int cli_run_bulk_create(cli_exec *x)
{
    int rc = cq_model_bulk_create(&x->rows, x->model, x->values, &x->wopts);
    return rc == CQ_OK ? cq_rows_to_value(x->result, x->rows) : rc;
}

int cli_run_build(cli_exec *x)
{
    int rc = cq_model_build(&x->inst, x->model, x->values);
    return rc == CQ_OK ? instance_result(x->r, x->result, x->inst, x->e) : rc;
}

int cli_run_save(cli_exec *x)
{
    int rc = cq_instance_save(x->target, &x->wopts);
    return rc == CQ_OK ? instance_result(x->r, x->result, x->target, x->e) : rc;
}

/* The find options of a finder step (findAll, findOne, findByPk, findAndCountAll, count). */
static int step_find_opts(cli_exec *x, cq_find_opts *fo)
{
    const cli_step *st = x->st;
    find_json f = { .where = st->where,
                    .attributes = st->attributes,
                    .order = st->order,
                    .include = st->include,
                    .group = st->kind == CLI_STEP_FIND_ALL || st->kind == CLI_STEP_FIND_ONE
                                 ? st->group
                                 : NULL,
                    .having = st->having,
                    .scope = st->scope,
                    .limit = st->limit,
                    .offset = st->offset,
                    .paranoid = st->paranoid };
    int rc = build_find(x->r, &x->p, fo, &f, x->model, st->path, x->e);
    if (rc == CQ_OK)
        rc = step_txn(x->r, &fo->transaction, st->transaction, x->e);
    return rc;
}

int cli_run_find_all(cli_exec *x)
{
    cq_find_opts fo = { 0 };
    int rc = step_find_opts(x, &fo);
    if (rc == CQ_OK)
        rc = cq_model_find_all(&x->rows, x->model, &fo);
    return rc == CQ_OK ? cq_rows_to_value(x->result, x->rows) : rc;
}

int cli_run_find_one(cli_exec *x)
{
    cq_find_opts fo = { 0 };
    int rc = step_find_opts(x, &fo);
    if (rc == CQ_OK)
        rc = cq_model_find_one(&x->inst, x->model, &fo);
    return rc == CQ_OK ? instance_result(x->r, x->result, x->inst, x->e) : rc;
}

int cli_run_find_by_pk(cli_exec *x)
{
    cq_find_opts fo = { 0 };
    cq_value *pk = NULL;
    int rc = step_find_opts(x, &fo);
    if (rc == CQ_OK)
        rc = step_value(x, &pk, x->st->pk, "pk", false);
    if (rc == CQ_OK && (rc = cq_model_find_by_pk(&x->inst, x->model, pk, &fo)) == CQ_OK)
        rc = instance_result(x->r, x->result, x->inst, x->e);
    cq_value_free(pk);
    return rc;
}

/* {count, rows}, as Sequelize returns it. */
int cli_run_find_and_count_all(cli_exec *x)
{
    cq_find_opts fo = { 0 };
    cq_value *list = NULL;
    int64_t count = 0;
    int rc = step_find_opts(x, &fo);
    if (rc == CQ_OK)
        rc = cq_model_find_and_count_all(&x->rows, &count, x->model, &fo);
    if (rc == CQ_OK)
        rc = cq_rows_to_value(&list, x->rows);
    if (rc == CQ_OK && (!(*x->result = cq_value_object()) ||
                        cq_value_object_set(*x->result, "count", cq_value_int(count)) != CQ_OK ||
                        cq_value_object_set(*x->result, "rows", list) != CQ_OK))
        rc = fail_oom(x->e);
    else if (rc != CQ_OK)
        cq_value_free(list);
    return rc;
}

/* cq_model_aggregate of `fn` over `col`, with the step's group, distinct and paranoid, and
 * `include` (a count's; NULL for none). */
static int run_aggregate(cli_exec *x, const char *col, const char *fn, const cq_value *where,
                         const cq_value *scope, const cq_include *include)
{
    const cli_step *st = x->st;
    const char **group = NULL;
    int rc = string_list(&group, st->group, x->e);
    if (rc == CQ_OK)
        rc = cq_model_aggregate(x->result, x->model, col, fn,
                                &(cq_aggregate_opts){ .where = where,
                                                      .scope = scope,
                                                      .distinct = st->distinct,
                                                      .group = group,
                                                      .paranoid = st->paranoid,
                                                      .transaction = x->txn,
                                                      .include = include });
    cq__free(group);
    return rc;
}

/* count, or count({distinct, col, group}): count(DISTINCT(col)), per-group counts; the
 * include filters the rows in both. */
int cli_run_count(cli_exec *x)
{
    const cli_step *st = x->st;
    cq_find_opts fo = { 0 };
    int rc = step_find_opts(x, &fo);
    if (rc != CQ_OK)
        return rc;
    if (!st->distinct && !st->agg_attr && !st->group) {
        int64_t count = 0;
        rc = cq_model_count(&count, x->model, &fo);
        if (rc == CQ_OK)
            *x->result = cq_value_int(count);
        return rc;
    }
    const char *col = st->agg_attr ? st->agg_attr : "*";
    for (size_t i = 0; !st->agg_attr && st->distinct && cq_model_attr_name(x->model, i); i++)
        if (cq_model_attr_is_primary_key(x->model, i)) {
            col = cq_model_attr_name(x->model, i); /* v6 counts DISTINCT(pk) */
            break;
        }
    return run_aggregate(x, col, "count", fo.where, fo.scope, fo.include);
}

int cli_run_update(cli_exec *x)
{
    if (x->st->on_instance) {
        int rc = cq_instance_update(x->target, x->values, &x->wopts);
        return rc == CQ_OK ? instance_result(x->r, x->result, x->target, x->e) : rc;
    }
    const cq_value *scope = NULL;
    int64_t count = 0;
    int rc = step_value(x, &x->where, x->st->where, "where", true);
    if (rc == CQ_OK)
        rc = step_scope(x, &scope);
    if (rc == CQ_OK)
        rc = cq_model_update(&count, x->model, x->values,
                             &(cq_bulk_opts){ .where = x->where,
                                              .transaction = x->txn,
                                              .validate = x->st->validate,
                                              .scope = scope });
    if (rc == CQ_OK) {
        /* Sequelize's Model.update resolves to [affectedCount]. */
        *x->result = cq_value_array();
        rc = cq_value_array_append(*x->result, cq_value_int(count));
    }
    return rc;
}

int cli_run_destroy(cli_exec *x)
{
    int rc;
    if (x->st->on_instance) {
        x->wopts.force = x->st->force;
        rc = cq_instance_destroy(x->target, &x->wopts);
        return rc == CQ_OK ? null_result(x) : rc;
    }
    const cq_value *scope = NULL;
    int64_t count = 0;
    rc = step_value(x, &x->where, x->st->where, "where", true);
    if (rc == CQ_OK)
        rc = step_scope(x, &scope);
    if (rc == CQ_OK)
        rc = cq_model_destroy(
            &count, x->model,
            &(cq_bulk_opts){
                .where = x->where, .transaction = x->txn, .force = x->st->force, .scope = scope });
    if (rc == CQ_OK)
        *x->result = cq_value_int(count);
    return rc;
}

int cli_run_restore(cli_exec *x)
{
    int rc;
    if (x->st->on_instance) {
        rc = cq_instance_restore(x->target, &x->wopts);
        return rc == CQ_OK ? null_result(x) : rc;
    }
    int64_t count = 0;
    rc = x->st->where ? step_value(x, &x->where, x->st->where, "where", true) : CQ_OK;
    if (rc == CQ_OK)
        rc = cq_model_restore(&count, x->model,
                              &(cq_bulk_opts){ .where = x->where, .transaction = x->txn });
    if (rc == CQ_OK)
        *x->result = cq_value_int(count);
    return rc;
}

/* max, min, sum, aggregate. */
int cli_run_aggregate(cli_exec *x)
{
    const cli_step *st = x->st;
    const cq_value *scope = NULL;
    int rc = st->where ? step_value(x, &x->where, st->where, "where", true) : CQ_OK;
    if (rc == CQ_OK)
        rc = step_scope(x, &scope);
    return rc == CQ_OK ? run_aggregate(x, st->agg_attr, st->agg_fn, x->where, scope, NULL) : rc;
}

/* findOrCreate and findCreateFind: [instance, created], as Sequelize resolves them. */
int cli_run_find_or_create(cli_exec *x)
{
    cq_value *defaults = NULL;
    bool created = false;
    int rc = step_value(x, &x->where, x->st->where, "where", true);
    if (rc == CQ_OK && x->st->defaults)
        rc = step_value(x, &defaults, x->st->defaults, "defaults", false);
    cq_find_or_create_opts fo = { .where = x->where, .defaults = defaults, .transaction = x->txn };
    if (rc == CQ_OK)
        rc = x->st->kind == CLI_STEP_FIND_OR_CREATE
                 ? cq_model_find_or_create(&x->inst, &created, x->model, &fo)
                 : cq_model_find_create_find(&x->inst, &created, x->model, &fo);
    cq_value_free(defaults);
    return rc == CQ_OK ? pair_result(x, cq_value_bool(created)) : rc;
}

/* [instance, created]: created is null on SQLite and PostgreSQL, as in Sequelize. */
int cli_run_upsert(cli_exec *x)
{
    const char **conflict = NULL;
    int created = -1;
    int rc = string_list(&conflict, x->st->conflict_fields, x->e);
    if (rc == CQ_OK)
        rc = cq_model_upsert(&x->inst, &created, x->model, x->values,
                             &(cq_upsert_opts){ .transaction = x->txn,
                                                .fields = x->fields,
                                                .conflict_fields = conflict,
                                                .returning = x->st->returning });
    cq__free(conflict);
    return rc == CQ_OK ? pair_result(x, created < 0 ? cq_value_null() : cq_value_bool(created == 1))
                       : rc;
}

/* increment and decrement, on a model or an instance. */
int cli_run_increment(cli_exec *x)
{
    const cli_step *st = x->st;
    cq_value *amounts = NULL;
    int64_t count = 0;
    int rc = step_value(x, &amounts, st->fields, "fields", false);
    if (rc != CQ_OK)
        return rc;
    cq_increment_opts io = { .by = st->by, .silent = st->silent, .transaction = x->txn };
    bool inc = st->kind == CLI_STEP_INCREMENT;
    if (st->on_instance) {
        rc = inc ? cq_instance_increment(x->target, amounts, &io)
                 : cq_instance_decrement(x->target, amounts, &io);
        if (rc == CQ_OK) /* the instance as it was: Sequelize does not change it */
            rc = instance_result(x->r, x->result, x->target, x->e);
    } else {
        rc = step_value(x, &x->where, st->where, "where", true);
        if (rc == CQ_OK) {
            io.where = x->where;
            rc = inc ? cq_model_increment(&count, x->model, amounts, &io)
                     : cq_model_decrement(&count, x->model, amounts, &io);
        }
        if (rc == CQ_OK)
            *x->result = cq_value_int(count);
    }
    cq_value_free(amounts);
    return rc;
}

int cli_run_reload(cli_exec *x)
{
    int rc = cq_instance_reload(x->target, &(cq_find_opts){ .transaction = x->txn });
    return rc == CQ_OK ? instance_result(x->r, x->result, x->target, x->e) : rc;
}

int cli_run_set(cli_exec *x)
{
    int rc = CQ_OK;
    if (x->st->through) {
        cq_value *data = NULL;
        rc = step_value(x, &data, x->st->through, "through", false);
        if (rc != CQ_OK)
            return rc;
        rc = cq_instance_set_through_data(x->target, data);
        cq_value_free(data);
    }
    for (size_t i = 0; rc == CQ_OK && i < cq_value_size(x->values); i++)
        rc = cq_instance_set(x->target, cq_value_object_key(x->values, i),
                             cq_value_copy(cq_value_object_value(x->values, i)));
    return rc == CQ_OK ? instance_result(x->r, x->result, x->target, x->e) : rc;
}

int cli_run_call(cli_exec *x)
{
    return run_call(x->r, x->st, x->target, x->result, &x->inst, &x->rows, x->e);
}

int cli_run_associate(cli_exec *x)
{
    const cli_assoc *a = x->st->assoc;
    int rc = cli_assoc_apply(NULL, x->r->db, a);
    if (rc == CQ_EUNKNOWN_MODEL)
        return fail(x->e, rc, "unknown model \"%s\"",
                    cq_db_model(x->r->db, a->source) ? a->target : a->source);
    return rc == CQ_OK ? null_result(x) : rc;
}

int cli_run_return(cli_exec *x)
{
    char tpath[CLI_PATH_MAX];
    cli_path_key(tpath, x->st->path, "return");
    int rc = eval_template(x->r, x->result, x->st->tmpl, NULL, tpath, x->e);
    if (rc == CQ_OK) {
        cq_value_free(x->r->final_result);
        x->r->final_result = cq_value_copy(*x->result);
        if (!x->r->final_result)
            rc = fail_oom(x->e);
    }
    return rc;
}

int cli_run_begin(cli_exec *x)
{
    int rc = run_begin(x->r, x->st, x->e);
    return rc == CQ_OK ? null_result(x) : rc;
}

/* commit and rollback. */
int cli_run_end(cli_exec *x)
{
    int rc = run_end(x->r, x->st, x->e);
    return rc == CQ_OK ? null_result(x) : rc;
}

int cli_run_transaction(cli_exec *x)
{
    return run_transaction(x->r, x->st, x->r->step_index, x->result, x->e);
}

/* The parts every handler may use, from the step's common keys. */
static int exec_prepare(cli_exec *x)
{
    const cli_step *st = x->st;
    runner *r = x->r;
    x->model = st->model ? cq_db_model(r->db, st->model) : NULL;
    if (st->model && !x->model)
        return fail(x->e, CQ_EUNKNOWN_MODEL, "unknown model \"%s\"", st->model);
    int rc = CQ_OK;
    if (st->on_instance || st->kind == CLI_STEP_CALL)
        rc = ref_instance(r, &x->target, &st->target, x->e);
    if (rc == CQ_OK && st->values)
        rc = step_value(x, &x->values, st->values, "values", false);
    if (rc == CQ_OK)
        rc = string_list(&x->fields, st->fields, x->e);
    if (rc == CQ_OK)
        rc = string_list(&x->update_on_dup, st->update_on_dup, x->e);
    if (rc == CQ_OK && !st->def->own_txn)
        rc = step_txn(r, &x->txn, st->transaction, x->e);
    if (rc != CQ_OK)
        return rc;
    x->wopts = (cq_write_opts){ .transaction = x->txn,
                                .fields = x->fields,
                                .update_on_duplicate = x->update_on_dup,
                                .ignore_duplicates = st->ignore_dup,
                                .validate = st->validate };
    x->e->records = st->kind == CLI_STEP_BULK_CREATE;
    if (st->include && (st->kind == CLI_STEP_CREATE || st->kind == CLI_STEP_BULK_CREATE)) {
        char sub[CLI_PATH_MAX];
        cli_path_key(sub, st->path, "include");
        rc = build_includes(r, &x->p, &x->wopts.include, st->include, x->model, sub, x->e);
    }
    return rc;
}

/* Runs one step with the handler its kind names. On success `*result` is its printable
 * value and the named result (if any) is stored through `keep_*`. */
static int run_step(runner *r, const cli_step *st, cq_value **result, cq_instance **keep_inst,
                    cq_rows **keep_rows, step_error *e)
{
    cli_exec x = { .r = r, .st = st, .e = e, .result = result };
    int rc = exec_prepare(&x);
    if (rc == CQ_OK)
        rc = st->def->run(&x);
    if (rc != CQ_OK && !e->code)
        rc = lib_fail(r, e, rc);
    if (rc == CQ_OK && !*result)
        rc = fail_oom(e);
    if (rc == CQ_OK) {
        *keep_inst = x.inst;
        *keep_rows = x.rows;
        x.inst = NULL;
        x.rows = NULL;
    } else {
        cq_value_free(*result);
        *result = NULL;
    }
    cq_instance_free(x.inst);
    cq_rows_free(x.rows);
    cq_value_free(x.values);
    cq_value_free(x.where);
    cq__free(x.fields);
    cq__free(x.update_on_dup);
    pool_free(&x.p);
    return rc;
}

static void print_result(FILE *out, size_t step, const cq_value *v)
{
    char *text = NULL;
    if (cq_value_to_json(&text, v, CQ_JSON_COMPACT) != CQ_OK || !text) {
        fprintf(out,
                "{\"step\":%zu,\"error\":{\"code\":\"CQ_ENOMEM\",\"message\":\"out of "
                "memory\"}}\n",
                step);
        return;
    }
    fprintf(out, "{\"step\":%zu,\"result\":%s}\n", step, text);
    cq_free(text);
}

/* {"step":N,"error":{"code","message"}}, plus "errors" (Sequelize's array of items) when
 * validation failed. */
static void print_error(FILE *out, size_t step, const step_error *e, const cq_value *errors)
{
    json_t *msg = json_string(e->message);
    char *text = msg ? json_dumps(msg, JSON_ENCODE_ANY) : NULL;
    char *items = NULL;
    if (errors)
        cq_value_to_json(&items, errors, CQ_JSON_COMPACT);
    fprintf(out, "{\"step\":%zu,\"error\":{\"code\":\"%s\",\"message\":%s%s%s}}\n", step,
            cq_error_name(e->code), text ? text : "\"\"", items ? ",\"errors\":" : "",
            items ? items : "");
    cq_free(items);
    cq__json_free(text);
    json_decref(msg);
}

/* --golden: the golden document of the last "return" and the database, as the conformance
 * oracle writes it (cq_db_golden: dump + normalizeGolden + its JSON layout). */
static int print_golden(runner *r, FILE *out)
{
#ifdef CLI_HAVE_DUMP
    char *text = NULL;
    int rc = cq_db_golden(&text, r->db, r->final_result);
    if (rc != CQ_OK) {
        const char *msg = cq_db_error(r->db)->message;
        fprintf(stderr, "cequel: golden: %s: %s\n", cq_error_name(rc),
                *msg ? msg : cq_strerror(rc));
        cq_free(text);
        return CLI_EXIT_FAIL;
    }
    fputs(text, out);
    cq_free(text);
    return CLI_EXIT_OK;
#else
    (void)r;
    (void)out;
    fprintf(stderr, "cequel: golden: not available in this build (no cequel/dump.h)\n");
    return CLI_EXIT_FAIL;
#endif
}

/* Runs step `st` (index `i` of the script, or of the steps of the transaction holding it)
 * with its then/attempt/as: on success *result is its printable value (caller frees). */
static int exec_step(runner *r, const cli_step *st, size_t i, cq_value **result, step_error *e)
{
    cq_instance *inst = NULL;
    cq_rows *rows = NULL;
    r->single_result = false;
    cq_value_free(r->errors);
    r->errors = NULL;
    int rc = run_step(r, st, result, &inst, &rows, e);
    if (rc == CQ_OK && st->then) {
        /* "then": a template over the result replaces it */
        cq_value *t = NULL;
        char tpath[CLI_PATH_MAX];
        cli_path_key(tpath, st->path, "then");
        rc = eval_template(r, &t, st->then, *result, tpath, e);
        cq_value_free(*result);
        *result = t;
    }
    if (st->attempt) {
        /* "attempt": the outcome is the result, and never stops the script */
        if (rc != CQ_OK) {
            cq_value_free(*result);
            *result = NULL;
        }
        *result = attempt_value(st, rc, *result, e, r->errors);
        rc = *result ? CQ_OK : fail_oom(e);
    }
    /* a step whose "as" names a value (findAndCountAll's {count, rows}, findOrCreate's and
     * upsert's [instance, created]) keeps that value, not the instance or rows behind it */
    if (st->attempt || st->then ||
        (st->def && (st->on_instance ? st->def->on_inst : st->def->on_model) == CLI_RESULT_VALUE)) {
        cq_instance_free(inst);
        cq_rows_free(rows);
        inst = NULL;
        rows = NULL;
        r->single_result = false;
    }
    slot *s = NULL;
    if (st->as) {
        s = get_slot(r, st->as);
        if (!s) {
            cq_instance_free(inst);
            cq_rows_free(rows);
            cq_value_free(*result);
            inst = NULL;
            rows = NULL;
            *result = NULL;
            rc = fail_oom(e);
        }
    }
    if (s) {
        slot_clear(s);
        s->step = i;
        s->kind = inst ? CLI_RESULT_INSTANCE : rows ? CLI_RESULT_ROWS : CLI_RESULT_VALUE;
        if (rc == CQ_OK && !st->then && !st->attempt &&
            (st->kind == CLI_STEP_FIND_ONE || st->kind == CLI_STEP_FIND_BY_PK || r->single_result))
            s->kind = CLI_RESULT_INSTANCE; /* may hold NULL: nothing found */
        s->inst = inst;
        s->rows = rows;
        s->set = rc == CQ_OK;
        if (rc == CQ_OK && !inst && !rows && s->kind != CLI_RESULT_INSTANCE) {
            s->value = cq_value_copy(*result);
            if (!s->value && *result) {
                s->set = false;
            }
        }
    } else {
        cq_instance_free(inst);
        cq_rows_free(rows);
    }
    if (rc != CQ_OK) {
        cq_value_free(*result);
        *result = NULL;
    }
    return rc;
}

int cli_script_run(cq_db *db, const cli_script *script, FILE *out, bool golden)
{
    runner r = { .db = db, .schema = script->schema, .allow_literals = script->allow_literals };
    int exit_code = CLI_EXIT_OK;
    for (size_t i = 0; i < script->n_steps; i++) {
        const cli_step *st = &script->steps[i];
        step_error e = { 0 };
        cq_value *result = NULL;
        r.step_index = i;
        int rc = exec_step(&r, st, i, &result, &e);
        if (rc == CQ_OK) {
            if (!golden)
                print_result(out, i, result);
        } else {
            if (!golden)
                print_error(out, i, &e, r.errors);
            if (!st->expect_error) {
                fprintf(stderr, "cequel: %s: %s: %s\n", st->path, cq_error_name(e.code), e.message);
                exit_code = CLI_EXIT_FAIL;
            }
        }
        cq_value_free(result);
        fflush(out);
        if (exit_code != CLI_EXIT_OK)
            break;
    }
    if (golden && exit_code == CLI_EXIT_OK)
        exit_code = print_golden(&r, out);
    /* Transactions left open are rolled back, innermost first. */
    for (size_t i = r.n_txns; i-- > 0;) {
        if (r.txns[i].open)
            cq_txn_rollback(r.txns[i].txn);
        cq_txn_free(r.txns[i].txn);
    }
    for (size_t i = 0; i < r.n_slots; i++)
        slot_clear(&r.slots[i]);
    cq__free(r.slots);
    cq__free(r.txns);
    cq_value_free(r.final_result);
    cq_value_free(r.errors);
    return exit_code;
}
