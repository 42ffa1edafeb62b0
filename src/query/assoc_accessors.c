/* Association accessors: get, set, add, remove, has, count, create
 * (spec/associations.md sections 2-6). */
#include <stdio.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>

#include "model/assoc.h"
#include "core/util.h"
#include "query/find.h"
#include "model/scopes.h"
#include "query/where.h"
#include "query/instance.h"
#include "sql/dialect.h"
#include "sql/sql.h"
#include "stmt/stmt.h"
#include "model/hooks.h"

static const cq_value *attr_value(const cq_instance *inst, const char *attr)
{
    long i = cq__model_attr_index(inst->model, attr);
    return i < 0 ? NULL : cq__iv(inst, i);
}

/* Checks the source instance (docs/differences.md: no accessor on an unsaved source). */
static int check_source(const cq_instance *src, const cq_assoc *a, const char *method,
                        const cq_txn *txn)
{
    cq_db *db = a->source->db;
    int trc = cq__db_enter(db, txn);
    if (trc != CQ_OK)
        return trc;
    if (!method) /* an accessor the association type does not have */
        method = a->alias.as;
    if (!src)
        return cq__db_fail(db, CQ_EINVALID, "%s: no source instance", method);
    if (src->model != a->source)
        return cq__db_fail(db, CQ_EINVALID,
                           "%s is an accessor of model %s, called on an instance of %s", method,
                           a->source->name, src->model->name);
    if (src->is_new)
        return cq__db_fail(db, CQ_EINVALID,
                           "%s: the %s instance is not saved (its key is not set); save it first",
                           method, a->source->name);
    return cq__assoc_check_keys(a, method);
}

/* The value the association matches on the source side: the source key (hasOne, hasMany,
 * belongsToMany) or the foreign key (belongsTo). */
static const cq_value *source_value(const cq_instance *src, const cq_assoc *a)
{
    return attr_value(src, a->type == CQ_BELONGS_TO ? a->fk : a->source_key);
}

/* Key of a target argument, as a new value: an instance's `key_attr` value, or the raw value
 * checked and converted for that attribute's type. */
static int target_key(cq_value **out, const cq_assoc *a, const cq_target *t, const char *key_attr,
                      const char *method)
{
    cq_db *db = a->source->db;
    *out = NULL;
    if (!t)
        return cq__db_fail(db, CQ_EINVALID, "%s: no target given", method);
    if (t->instance) {
        if (t->instance->model != a->target)
            return cq__db_fail(db, CQ_EINVALID, "%s expects instances of %s, got an instance of %s",
                               method, a->target->name, t->instance->model->name);
        if (t->instance->is_new)
            return cq__db_fail(db, CQ_EINVALID,
                               "%s: the %s instance is not saved (its key is not set); save it "
                               "first",
                               method, a->target->name);
        const cq_value *k = attr_value(t->instance, key_attr);
        if (cq_value_is_null(k))
            return cq__db_fail(db, CQ_EINVALID, "%s: the %s instance has no value for %s", method,
                               a->target->name, key_attr);
        *out = cq_value_copy(k);
        return *out ? CQ_OK : cq__db_oom(db);
    }
    if (!t->key || cq_value_is_null(t->key) || cq_value_type_of(t->key) == CQ_VALUE_ARRAY ||
        cq_value_type_of(t->key) == CQ_VALUE_OBJECT)
        return cq__db_fail(db, CQ_EINVALID, "%s: a target must be an instance of %s or a key value",
                           method, a->target->name);
    long i = cq__model_attr_index(a->target, key_attr);
    if (i < 0)
        return cq__db_fail(db, CQ_EINVALID, "%s: %s has no attribute %s", method, a->target->name,
                           key_attr);
    int rc = cq__attr_coerce(out, a->target, &a->target->attrs[i], cq_value_copy(t->key));
    if (rc == CQ_EVALIDATION) {
        char msg[sizeof cq__last_error()->message];
        snprintf(msg, sizeof msg, "%s", cq__last_error()->message);
        rc = cq__db_fail(db, CQ_EVALIDATION, "%s: bad key value: %s", method, msg);
    }
    return rc;
}

/* {attr: value, ...scope} as a where object. */
static cq_value *match_object(const char *attr, const cq_value *v, const cq_value *scope)
{
    cq_value *w = cq_value_object();
    if (w && attr && cq_value_object_set(w, attr, v ? cq_value_copy(v) : cq_value_null()) != CQ_OK)
        goto fail;
    for (size_t i = 0; w && i < cq_value_size(scope); i++)
        if (cq_value_object_set(w, cq_value_object_key(scope, i),
                                cq_value_copy(cq_value_object_value(scope, i))) != CQ_OK)
            goto fail;
    return w;
fail:
    cq_value_free(w);
    return NULL;
}

/* Adds every key of `extra` (an object, may be NULL) to the object `w`; frees `w` and
 * returns NULL on failure. */
static cq_value *with_values(cq_value *w, const cq_value *extra)
{
    for (size_t i = 0; w && i < cq_value_size(extra); i++)
        if (cq_value_object_set(w, cq_value_object_key(extra, i),
                                cq_value_copy(cq_value_object_value(extra, i))) != CQ_OK) {
            cq_value_free(w);
            return NULL;
        }
    return w;
}

static int where_expr(cq__expr **out, cq_model *m, const char *alias, cq_value *w)
{
    *out = NULL;
    if (!w)
        return cq__db_oom(m->db);
    int rc = cq__where_build(out, m, alias, w);
    cq_value_free(w);
    if (rc == CQ_OK && !*out)
        *out = cq__expr_new(CQ__EX_AND);
    return rc != CQ_OK ? rc : *out ? CQ_OK : cq__db_oom(m->db);
}

/* An array value of target keys. */
static int key_array(cq_value **out, const cq_assoc *a, const cq_target *targets, size_t n,
                     const char *key_attr, const char *method)
{
    *out = cq_value_array();
    if (!*out)
        return cq__db_oom(a->source->db);
    if (n && !targets) {
        cq_value_free(*out);
        *out = NULL;
        return cq__db_fail(a->source->db, CQ_EINVALID, "%s: no targets given", method);
    }
    for (size_t i = 0; i < n; i++) {
        cq_value *k = NULL;
        int rc = target_key(&k, a, &targets[i], key_attr, method);
        if (rc == CQ_OK && cq_value_array_append(*out, k) != CQ_OK)
            rc = cq__db_oom(a->source->db);
        if (rc != CQ_OK) {
            cq_value_free(*out);
            *out = NULL;
            return rc;
        }
    }
    return CQ_OK;
}

/* {attr: {$in: keys}}; takes `keys` in every case. */
static cq_value *in_object(const char *attr, cq_value *keys)
{
    cq_value *in = cq_value_object(), *w = cq_value_object();
    if (!in || !w) {
        cq_value_free(in);
        cq_value_free(w);
        cq_value_free(keys);
        return NULL;
    }
    if (cq_value_object_set(in, "$in", keys) != CQ_OK) {
        cq_value_free(in);
        cq_value_free(w);
        return NULL;
    }
    if (cq_value_object_set(w, attr, in) != CQ_OK) {
        cq_value_free(w);
        return NULL;
    }
    return w;
}

/* {fk: src, otherKey: {$in: keys}} in this order (Sequelize's shape); takes `keys`. */
static cq_value *fk_in_object(const char *fk, const cq_value *src, const char *attr, cq_value *keys)
{
    cq_value *w = match_object(fk, src, NULL);
    cq_value *in = in_object(attr, keys);
    if (!w || !in) {
        cq_value_free(w);
        cq_value_free(in);
        return NULL;
    }
    cq_value *w2 = with_values(w, in);
    cq_value_free(in);
    return w2;
}

/* Runs `fn` inside a savepoint (or a transaction when none is open), so that an accessor
 * that issues several statements is all-or-nothing. */
static int atomic_begin(cq_txn **t, cq_db *db)
{
    return cq__txn_begin(t, db, cq__txn_current(db));
}

/* Whether a belongsToMany add/set may leave its savepoint to btm_add (which opens one only
 * for more than one write): inside the caller's transaction, where a failed statement undoes
 * only itself. Not on PostgreSQL, where it aborts the caller's whole transaction unless a
 * savepoint catches it. */
static bool atomic_lazy(cq_db *db)
{
    return !cq__sql_dialect_of(cq_db_dialect(db))->txn_aborts_on_error &&
           cq__txn_current(db) != NULL;
}

/* Ends what atomic_begin (or btm_add's lazy savepoint) opened; `rc` when nothing was. */
static int atomic_end(cq_txn *t, int rc)
{
    return t ? cq__txn_finish(t, rc) : rc;
}

/* ---- the join-model side of belongsToMany -------------------------------------------- */

static cq__expr *btm_join_on(const cq_assoc *a, const cq_value *src, bool paranoid)
{
    cq_model *t = a->through;
    const char *alias = t->name;
    long oi = cq__model_attr_index(t, a->other_key), fi = cq__model_attr_index(t, a->fk);
    long ti = cq__model_attr_index(a->target, a->target_key);
    if (oi < 0 || fi < 0 || ti < 0)
        return NULL;
    cq__expr *on = cq__expr_new(CQ__EX_AND);
    cq__expr *w = NULL;
    if (!on ||
        cq__expr_add(on, cq__expr_cmp(cq__expr_col(a->target->name, a->target->attrs[ti].field),
                                      "=", cq__expr_col(alias, t->attrs[oi].field))) != 0) {
        cq__expr_free(on);
        return NULL;
    }
    /* v6: a paranoid join model's `deletedAt IS NULL` comes first after the key match */
    cq__expr *pe = NULL;
    if (paranoid &&
        (cq__where_paranoid(&pe, t, alias, false) != CQ_OK || (pe && cq__expr_add(on, pe) != 0))) {
        cq__expr_free(on);
        return NULL;
    }
    if (where_expr(&w, t, alias, match_object(a->fk, src, a->through_scope)) != CQ_OK ||
        cq__expr_add(on, w) != 0) {
        cq__expr_free(on);
        return NULL;
    }
    return on;
}

static int btm_ext(cq__find_ext *ext, const cq_assoc *a, const cq_value *src, bool paranoid)
{
    memset(ext, 0, sizeof *ext);
    ext->through = a->through;
    ext->through_alias = a->through->name;
    ext->join_on = btm_join_on(a, src, paranoid);
    if (!ext->join_on)
        return cq__last_error()->code ? cq__last_error()->code : cq__db_oom(a->source->db);
    if (a->scope) {
        int rc =
            where_expr(&ext->where, a->target, a->target->name, match_object(NULL, NULL, a->scope));
        if (rc != CQ_OK) {
            cq__expr_free(ext->join_on);
            return rc;
        }
    }
    return CQ_OK;
}

/* ---- get / count ----------------------------------------------------------------------- */

static int single_or_many_ext(cq__find_ext *ext, const cq_assoc *a, const cq_instance *src)
{
    memset(ext, 0, sizeof *ext);
    const cq_value *v = source_value(src, a);
    if (a->type == CQ_BELONGS_TO)
        return where_expr(&ext->where, a->target, a->target->name,
                          match_object(a->target_key, v, NULL));
    return where_expr(&ext->where, a->target, a->target->name, match_object(a->fk, v, a->scope));
}

/* The association condition of a getter (get, count, has): for belongsToMany the join with
 * its `through` options (joinTableAttributes, through where), else the key match + scope. */
static int getter_ext(cq__find_ext *ext, const cq_assoc *a, const cq_instance *src,
                      const cq_find_opts *o)
{
    if (a->type != CQ_BELONGS_TO_MANY)
        return single_or_many_ext(ext, a, src);
    int rc = btm_ext(ext, a, source_value(src, a), !(o && o->through_paranoid == CQ_OFF));
    if (rc != CQ_OK)
        return rc;
    ext->through_attrs = o ? o->through_attributes : NULL;
    ext->no_through_attrs = o && o->through_attributes_none;
    if (o && o->through_where) {
        /* through: {where}: ANDed into the join condition */
        cq__expr *tw = NULL;
        rc = cq__where_build(&tw, a->through, a->through->name, o->through_where);
        if (rc == CQ_OK && tw && cq__expr_add(ext->join_on, tw) != 0)
            rc = cq__db_oom(a->source->db);
        if (rc != CQ_OK) {
            cq__expr_free(ext->join_on);
            cq__expr_free(ext->where);
            ext->join_on = ext->where = NULL;
        }
    }
    return rc;
}

/* Whether `key` of the target's scope where gives way to the association condition of a getter
 * called without a where: v6's HasMany/HasOne.get build that condition as {...scope, fk: v}
 * and BelongsTo.get as {targetKey: v}, and _injectScope assigns it over the scope's where. */
static bool cond_key(const cq_assoc *a, const char *key)
{
    if (a->type == CQ_BELONGS_TO)
        return cq__streq(key, a->target_key);
    return a->type != CQ_BELONGS_TO_MANY &&
           (cq__streq(key, a->fk) || cq_value_object_get(a->scope, key) != NULL);
}

/* A getter's options with the target's scopes merged in, the where as v6's getters leave it.
 * With a where in the call (and always in BelongsToMany.get) v6 passes findAll
 * {[Op.and]: [association condition, call's where]}, and _injectScope's Object.assign of it
 * over the scope's where keeps every key of the scope but its own $and: the call's where is
 * ANDed with the scope's, where a finder's replaces the scope's same keys. Without one, the
 * association condition's keys replace the scope's (cond_key). The association condition
 * itself travels apart (getter_ext), so here the scope's where is merged alone and the call's
 * where is ANDed to what is left of it. *own (NULL or a value the merged options point to) is
 * the caller's to free after cq__scoped_free. */
static int getter_scoped(cq__scoped *sc, cq_value **own, const cq_assoc *a,
                         const cq_find_opts *opts)
{
    *own = NULL;
    cq_find_opts o = opts ? *opts : (cq_find_opts){ 0 };
    const cq_value *cw = o.where;
    o.where = NULL;
    int rc = cq__scope_find_opts(sc, a->target, &o);
    const cq_value *sw = sc->o.where;
    sc->o.where = cw;
    if (rc != CQ_OK || !sw || cq_value_type_of(sw) != CQ_VALUE_OBJECT ||
        (cw && cq_value_type_of(cw) != CQ_VALUE_OBJECT)) {
        if (!cw) /* a where that is not an object replaces the scope's, as in a finder */
            sc->o.where = sw;
        return rc;
    }
    bool wrapped = cw || a->type == CQ_BELONGS_TO_MANY;
    size_t kept = 0, n = cq_value_size(sw);
    for (size_t i = 0; i < n; i++) {
        const char *k = cq_value_object_key(sw, i);
        kept += wrapped ? !cq__streq(k, "$and") : !cond_key(a, k);
    }
    if (kept == n && !cw) {
        sc->o.where = sw;
        return CQ_OK;
    }
    if (kept == 0)
        return CQ_OK; /* the call's where alone (or none) */
    cq_value *w = cq_value_object();
    int vrc = w ? CQ_OK : CQ_ENOMEM;
    /* the call's where first, as v6 writes its $and before the scope's keys */
    if (vrc == CQ_OK && cw && cq_value_size(cw)) {
        cq_value *and = cq_value_array();
        if (and)
            vrc = cq_value_array_append(and, cq_value_copy(cw));
        if (vrc == CQ_OK)
            vrc = cq_value_object_set(w, "$and", and);
        else
            cq_value_free(and);
    }
    for (size_t i = 0; vrc == CQ_OK && i < n; i++) {
        const char *k = cq_value_object_key(sw, i);
        if (wrapped ? !cq__streq(k, "$and") : !cond_key(a, k))
            vrc = cq_value_object_set(w, k, cq_value_copy(cq_value_object_value(sw, i)));
    }
    if (vrc != CQ_OK) {
        cq_value_free(w);
        return cq__db_oom(a->target->db);
    }
    *own = w;
    sc->o.where = w;
    return CQ_OK;
}

static int assoc_get(cq_rows **out, cq_instance *src, const cq_assoc *a, const cq_find_opts *opts);
static int get_plain(cq_rows **out, cq_instance *src, const cq_assoc *a, bool *done);

/* v6's getters apply the target's scopes: its default scope, or the `scope` option's */
int cq_assoc_get(cq_rows **out, cq_instance *src, const cq_assoc *a, const cq_find_opts *opts)
{
    if (out)
        *out = NULL;
    if (!out || !src || !a)
        return CQ_EINVALID;
    *out = NULL;
    if (!opts) {
        int rc = check_source(src, a, a->acc.get, NULL);
        bool done = false;
        if (rc == CQ_OK)
            rc = get_plain(out, src, a, &done);
        if (rc != CQ_OK || done)
            return rc;
    }
    cq__read_scope rs;
    int rc = cq__db_read_begin(&rs, a->target->db, opts && opts->use_master,
                               opts ? opts->transaction : NULL);
    cq__scoped sc;
    cq_value *own = NULL;
    bool scoped = false;
    if (rc == CQ_OK) {
        rc = getter_scoped(&sc, &own, a, opts);
        scoped = true;
    }
    if (rc == CQ_OK)
        rc = assoc_get(out, src, a, &sc.o);
    if (scoped)
        cq__scoped_free(&sc);
    cq_value_free(own);
    cq__db_read_end(&rs);
    return rc;
}

static int assoc_get(cq_rows **out, cq_instance *src, const cq_assoc *a, const cq_find_opts *opts)
{
    *out = NULL;
    int rc = check_source(src, a, a->acc.get, opts ? opts->transaction : NULL);
    if (rc != CQ_OK)
        return rc;
    cq_find_opts o = opts ? *opts : (cq_find_opts){ 0 };
    cq__find_ext ext;
    if (a->type == CQ_BELONGS_TO && cq_value_is_null(source_value(src, a)) && !o.where &&
        !o.where_sql && strcmp(a->target_key, cq_model_primary_key(a->target)) == 0) {
        /* Sequelize answers null without a query when the key is not set (a non-PK targetKey
         * is still queried with IS NULL, associations.md 2) */
        *out = cq__calloc(1, sizeof **out);
        return *out ? CQ_OK : cq__db_oom(a->source->db);
    }
    if (a->type == CQ_HAS_ONE)
        o.limit = 1;
    /* belongsToMany reads the target key for the join even when `attributes` leaves it out;
     * it is then hidden from the instance (associations.md 5.5) */
    const char **attrs = NULL;
    bool hide = false;
    if (a->type == CQ_BELONGS_TO_MANY && o.attributes) {
        size_t n = 0;
        bool has_pk = false;
        const char *pk = cq_model_primary_key(a->target);
        for (; o.attributes[n]; n++)
            has_pk |= strcmp(o.attributes[n], pk) == 0;
        if (!has_pk) {
            attrs = cq__calloc(n + 2, sizeof *attrs);
            if (!attrs)
                return cq__db_oom(a->source->db);
            attrs[0] = pk;
            memcpy(attrs + 1, o.attributes, n * sizeof *attrs);
            hide = true;
        }
    }
    rc = getter_ext(&ext, a, src, &o);
    if (rc != CQ_OK) {
        cq__free(attrs);
        return rc;
    }
    const char *const *shown = o.attributes;
    if (attrs)
        o.attributes = attrs;
    rc = cq__find(out, a->target, &o, &ext);
    for (size_t i = 0; rc == CQ_OK && hide && i < cq_rows_count(*out); i++)
        rc = cq__instance_hide_except(cq_rows_at(*out, i), shown);
    cq__free(attrs);
    if (rc != CQ_OK) {
        cq_rows_free(*out);
        *out = NULL;
    }
    return rc;
}

/* The statement of getX (count = false) or countX (count = true) for `a` with no options,
 * rendered once and kept in the association (the frozen schema cannot change it). NULL when it
 * cannot be held (the general path then says what is wrong, if anything). */
static const char *plain_sql(cq_assoc *a, const cq_instance *src, bool count)
{
    char *_Atomic *slot = count ? &a->count_sql : &a->get_sql;
    char *text = atomic_load(slot);
    if (text)
        return text;
    cq__find_ext ext;
    size_t n = 0;
    if (single_or_many_ext(&ext, a, src) != CQ_OK) {
        cq__db_clear(a->target->db);
        return NULL;
    }
    if (count)
        ext.count_attr = cq_model_primary_key(a->target);
    int rc = count ? cq__count_render(&text, &n, a->target, &ext)
                   : cq__find_render(&text, &n, a->target, NULL, &ext);
    return cq__find_keep(slot, a->target->db, rc, text, n, 1);
}

/* getX or countX with no options on a hasMany without association scope, whose target has no
 * default scope (and, for getX, no find hooks), the source key an integer or a text: the
 * statement's text is rendered once, each call binds the key (as the where builder does) and
 * reads the rows or the count. *text = NULL leaves the call to the general path; otherwise
 * *text is the statement, *bind the key to bind and *own what the caller frees (NULL when the
 * key is bound as it is). */
static int plain_call(const char **text, const cq_value **bind, cq_value **own, cq_instance *src,
                      const cq_assoc *a, bool count)
{
    *text = NULL;
    *bind = NULL;
    *own = NULL;
    cq_model *t = a->target;
    const cq_value *key = NULL;
    long fi = -1;
    if (a->type == CQ_HAS_MANY && atomic_load_explicit(&a->keys_ok, memory_order_acquire)) {
        /* check_source checked the keys, on the frozen schema: their places are known */
        key = cq__iv(src, atomic_load_explicit(&a->source_key_index, memory_order_relaxed));
        fi = atomic_load_explicit(&a->fk_index, memory_order_relaxed);
    } else {
        key = source_value(src, a);
        fi = cq__model_attr_index(t, a->fk);
    }
    cq_value_type kt = cq_value_type_of(key);
    if (a->type != CQ_HAS_MANY || a->scope || fi < 0 ||
        (kt != CQ_VALUE_INT && kt != CQ_VALUE_TEXT) || !cq_model_primary_key(t))
        return CQ_OK;
    if (!cq__find_plain_ok(t, !count)) /* countX runs no find hooks */
        return CQ_OK;
    if (!(*text = plain_sql((cq_assoc *)a, src, count)))
        return CQ_OK;
    int rc = cq__key_bind(bind, own, t, &t->attrs[fi], key);
    if (rc != CQ_OK)
        *text = NULL;
    return rc;
}

/* The count's one row (a cq__row_fn): its first cell read in place; the value is set only
 * for the single row such a statement returns. */
typedef struct count_cell {
    int64_t *out;
    size_t rows;
} count_cell;

static int read_count(void *ctx, cq__result *one)
{
    count_cell *c = ctx;
    if (++c->rows > 1)
        return CQ_OK;
    cq__cell cell;
    cq__row_view(one, 0, &cell);
    cq_value *v = cell.type == CQ_VALUE_INT ? NULL : cq__value_from_cell(&cell);
    if (cell.type != CQ_VALUE_INT && !v)
        return cq__db_oom(NULL);
    *c->out = v ? cq_value_as_int(v) : cell.i;
    cq_value_free(v);
    return CQ_OK;
}

static int count_plain(int64_t *out, cq_instance *src, const cq_assoc *a, bool *done)
{
    const char *text = NULL;
    const cq_value *bind = NULL;
    cq_value *own = NULL;
    int rc = plain_call(&text, &bind, &own, src, a, true);
    *done = rc != CQ_OK || text;
    if (!text)
        return rc;
    cq_model *t = a->target;
    cq__read_scope rs;
    if ((rc = cq__db_read_begin(&rs, t->db, false, NULL)) == CQ_OK) {
        int64_t n = 0;
        count_cell c = { &n, 0 };
        const cq_value *params[1] = { bind };
        rc = cq__db_exec_select(t->db, text, params, 1, NULL, read_count, &c);
        if (rc == CQ_OK && c.rows == 1)
            *out = n;
        cq__db_read_end(&rs);
    }
    cq_value_free(own);
    return rc;
}

static int get_plain(cq_rows **out, cq_instance *src, const cq_assoc *a, bool *done)
{
    const char *text = NULL;
    const cq_value *bind = NULL;
    cq_value *own = NULL;
    int rc = plain_call(&text, &bind, &own, src, a, false);
    *done = rc != CQ_OK || text;
    if (text)
        rc = cq__find_rendered(out, a->target, text, (const cq_value *const[]){ bind }, 1, false);
    cq_value_free(own);
    return rc;
}

int cq_assoc_count(int64_t *out, cq_instance *src, const cq_assoc *a, const cq_find_opts *opts)
{
    if (out)
        *out = 0;
    if (!out || !src || !a)
        return CQ_EINVALID;
    *out = 0;
    int rc = check_source(src, a, a->acc.count ? a->acc.count : a->acc.get,
                          opts ? opts->transaction : NULL);
    if (rc != CQ_OK)
        return rc;
    if (!opts) {
        bool done = false;
        rc = count_plain(out, src, a, &done);
        if (done)
            return rc;
    }
    cq__find_ext ext;
    rc = getter_ext(&ext, a, src, opts);
    if (rc != CQ_OK)
        return rc;
    ext.count_attr = cq_model_primary_key(a->target); /* COUNT(task.id), as v6 */
    cq__read_scope rs;
    rc = cq__db_read_begin(&rs, a->target->db, opts && opts->use_master,
                           opts ? opts->transaction : NULL);
    cq__scoped sc; /* the target's scopes, as the getter */
    cq_value *own = NULL;
    bool scoped = false;
    if (rc == CQ_OK) {
        rc = getter_scoped(&sc, &own, a, opts);
        scoped = true;
    }
    if (rc == CQ_OK)
        rc = cq__count(out, a->target, &sc.o, &ext);
    else
        cq__find_ext_release(&ext);
    if (scoped)
        cq__scoped_free(&sc);
    cq_value_free(own);
    cq__db_read_end(&rs);
    return rc;
}

/* {$or: [{attr: k1}, {attr: k2}, ...]}: hasX's `(task.id = a OR task.id = b)`; takes `keys`. */
static cq_value *or_object(const char *attr, cq_value *keys)
{
    cq_value *list = cq_value_array(), *w = cq_value_object();
    int rc = list && w ? CQ_OK : CQ_ENOMEM;
    for (size_t i = 0; rc == CQ_OK && i < cq_value_size(keys); i++) {
        cq_value *eq = cq_value_object();
        if (!eq ||
            cq_value_object_set(eq, attr, cq_value_copy(cq_value_array_get(keys, i))) != CQ_OK) {
            cq_value_free(eq);
            rc = CQ_ENOMEM;
        } else if (cq_value_array_append(list, eq) != CQ_OK) {
            rc = CQ_ENOMEM; /* the append took eq, even failing */
        }
    }
    cq_value_free(keys);
    if (rc == CQ_OK && cq_value_object_set(w, "$or", list) == CQ_OK)
        return w;
    if (rc != CQ_OK)
        cq_value_free(list);
    cq_value_free(w);
    return NULL;
}

/* Whether hasX's options leave its statement as with none (a transaction or use_master only
 * choose the connection). */
static bool has_opts_plain(const cq_find_opts *o)
{
    return !o || (!o->where && !o->where_sql && !o->where_params && !o->attributes && !o->exclude &&
                  !o->order && !o->include && !o->single_join && !o->through_attributes &&
                  !o->through_attributes_none && !o->through_where && o->paranoid == CQ_DEFAULT &&
                  o->through_paranoid == CQ_DEFAULT && !o->select && !o->group && !o->having &&
                  !o->scope && !o->literals);
}

static bool plain_key(const cq_value *v)
{
    cq_value_type t = cq_value_type_of(v);
    return t == CQ_VALUE_INT || t == CQ_VALUE_TEXT;
}

/* Whether a kept join statement can bind `srcv` and the k `keys`: fewer than CQ__KEPT_LINKS
 * keys, each an integer or a text. */
static bool plain_link_keys(const cq_value *srcv, const cq_value *keys, size_t k)
{
    if (k >= CQ__KEPT_LINKS || !plain_key(srcv))
        return false;
    for (size_t i = 0; i < k; i++)
        if (!plain_key(cq_value_array_get(keys, i)))
            return false;
    return true;
}

/* The parameters of a kept join statement, as the where builder binds them: `srcv` as
 * attribute fi of fm, then the k `keys` as attribute ki of km, each borrowed when that form is
 * the key itself (cq__key_bind), else converted into `own`. `n` counts those bound;
 * link_binds_free frees what was converted (also after an error). */
typedef struct link_binds {
    const cq_value *v[CQ__KEPT_LINKS];
    cq_value *own[CQ__KEPT_LINKS];
    size_t n;
} link_binds;

static int link_bind(link_binds *b, cq_model *fm, long fi, const cq_value *srcv, cq_model *km,
                     long ki, const cq_value *keys, size_t k)
{
    b->n = 0;
    int rc = cq__key_bind(&b->v[0], &b->own[0], fm, &fm->attrs[fi], srcv);
    for (size_t i = 0; rc == CQ_OK; i++) {
        b->n++;
        if (i == k)
            break;
        rc = cq__key_bind(&b->v[i + 1], &b->own[i + 1], km, &km->attrs[ki],
                          cq_value_array_get(keys, i));
    }
    return rc;
}

static void link_binds_free(link_binds *b)
{
    for (size_t i = 0; i < b->n; i++)
        cq_value_free(b->own[i]);
}

/* The kept text of a join statement in `slot`, or the statement rendered from `w` (taken) and
 * kept: with `key`, hasX's (reading only that target attribute, no join columns), else the
 * join model's rows. NULL leaves the call to the general path. */
static const char *link_text(char *_Atomic *slot, const cq_assoc *a, cq_instance *src,
                             const char *key, cq_value *w, size_t want)
{
    cq_model *t = key ? a->target : a->through;
    char *made = NULL;
    size_t n = 0;
    cq__find_ext ext;
    int rc = !w ? CQ_ENOMEM : key ? getter_ext(&ext, a, src, NULL) : CQ_OK;
    if (rc == CQ_OK && key) {
        ext.no_through_attrs = true;
        rc = cq__find_render_attrs(&made, &n, t, w, (const char *[]){ key, NULL }, &ext);
    } else if (rc == CQ_OK) {
        rc = cq__find_render(&made, &n, t, w, NULL);
    }
    cq_value_free(w);
    return cq__find_keep(slot, t->db, rc, made, n, want);
}

/* hasX of a belongsToMany with no options (has_opts_plain) when neither the association nor
 * its join model has a scope, the target allows a plain find (no default scope, no find
 * hooks) and the source key and the k target keys are integers or texts: the statement is
 * rendered once per association and k (has_sql), each call binds the keys (as the where
 * builder does) and counts the rows. *done = false leaves the call to the general path. */
static int has_plain(size_t *rows_out, cq_instance *src, const cq_assoc *a, const char *key,
                     const cq_value *keys, const cq_find_opts *opts, bool *done)
{
    *done = false;
    cq_model *t = a->target, *j = a->through;
    size_t k = cq_value_size(keys);
    const cq_value *srcv = source_value(src, a);
    long ki = cq__model_attr_index(t, key), fi = j ? cq__model_attr_index(j, a->fk) : -1;
    if (a->type != CQ_BELONGS_TO_MANY || !has_opts_plain(opts) || a->scope ||
        cq_value_size(a->through_scope) || k == 0 || ki < 0 || fi < 0 ||
        !plain_link_keys(srcv, keys, k) || !cq__find_plain_ok(t, true))
        return CQ_OK;
    char *_Atomic *slot = &((cq_assoc *)a)->has_sql[k];
    const char *text = atomic_load(slot);
    /* the statement of the general path below, rendered by the find that runs it */
    if (!text) {
        cq_value *kc = cq_value_copy(keys);
        if (!(text = link_text(slot, a, src, key, kc ? or_object(key, kc) : NULL, k + 1)))
            return CQ_OK;
    }
    *done = true;
    /* the join condition's source key comes first, then the target keys of the where */
    link_binds b;
    int rc = link_bind(&b, j, fi, srcv, t, ki, keys, k);
    cq__read_scope rs;
    if (rc == CQ_OK && (rc = cq__db_read_begin(&rs, t->db, opts && opts->use_master,
                                               opts ? opts->transaction : NULL)) == CQ_OK) {
        cq__result res = { 0 };
        rc = cq__db_exec_select(t->db, text, b.v, b.n, &res, NULL, NULL);
        *rows_out = res.nrows;
        cq__result_free(&res);
        cq__db_read_end(&rs);
    }
    link_binds_free(&b);
    return rc;
}

int cq_assoc_has(bool *out, cq_instance *src, const cq_assoc *a, const cq_target *targets, size_t n,
                 const cq_find_opts *opts)
{
    if (out)
        *out = false;
    if (!out || !src || !a)
        return CQ_EINVALID;
    *out = false;
    const char *method = n == 1 ? a->acc.has_single : a->acc.has_all;
    int rc = check_source(src, a, method ? method : "has", opts ? opts->transaction : NULL);
    if (rc != CQ_OK)
        return rc;
    if (!cq__assoc_is_multi(a))
        return cq__db_fail(a->source->db, CQ_EINVALID, "%s.%s has no has accessor", a->source->name,
                           a->alias.as);
    if (n == 0) {
        *out = true;
        return CQ_OK;
    }
    const char *key =
        a->type == CQ_BELONGS_TO_MANY ? a->target_key : cq_model_primary_key(a->target);
    cq_value *keys = NULL;
    rc = key_array(&keys, a, targets, n, key, method);
    if (rc != CQ_OK)
        return rc;
    /* distinct keys asked for: hasMany counts duplicates against itself (v6: a duplicate makes
     * it false), belongsToMany compares distinct keys */
    size_t want = n;
    if (a->type == CQ_BELONGS_TO_MANY) {
        want = 0;
        for (size_t i = 0; i < n; i++) {
            bool dup = false;
            for (size_t k = 0; k < i; k++)
                dup |= cq_value_is_equal(cq_value_array_get(keys, i), cq_value_array_get(keys, k));
            want += !dup;
        }
    }
    bool done = false;
    size_t got = 0;
    rc = has_plain(&got, src, a, key, keys, opts, &done);
    if (done) {
        cq_value_free(keys);
        if (rc == CQ_OK)
            *out = got == want;
        return rc;
    }
    cq_value *w = or_object(key, keys);
    if (!w)
        return cq__db_oom(a->source->db);
    cq_find_opts o = opts ? *opts : (cq_find_opts){ 0 };
    if (o.where) {
        /* the caller's where is ANDed with the key list */
        cq_value *both = cq_value_array();
        cq_value *and = cq_value_object();
        if (!both || !and || cq_value_array_append(both, w) != CQ_OK ||
            cq_value_array_append(both, cq_value_copy(o.where)) != CQ_OK ||
            cq_value_object_set(and, "$and", both) != CQ_OK) {
            cq_value_free(and);
            return cq__db_oom(a->source->db);
        }
        w = and;
    }
    o.where = w;
    o.attributes = (const char *[]){ key, NULL };
    o.limit = 0;
    o.offset = 0;
    cq_rows *rows = NULL;
    cq__find_ext ext;
    rc = getter_ext(&ext, a, src, &o);
    ext.no_through_attrs = true; /* only the target key is read (associations.md 5.6) */
    if (rc == CQ_OK)
        rc = cq__find(&rows, a->target, &o, &ext);
    cq_value_free(w);
    if (rc == CQ_OK)
        *out = cq_rows_count(rows) == want;
    cq_rows_free(rows);
    return rc;
}

/* ---- belongsTo ------------------------------------------------------------------------- */

static int belongs_to_set(cq_instance *src, const cq_assoc *a, const cq_target *t,
                          const cq_assoc_write_opts *o)
{
    cq_value *v;
    if (!t) {
        v = cq_value_null();
    } else {
        /* an instance gives its targetKey; a raw value is the foreign-key value, as is */
        int rc = target_key(&v, a, t, a->target_key, a->acc.set);
        if (rc != CQ_OK)
            return rc;
    }
    if (!v)
        return cq__db_oom(a->source->db);
    bool unset = cq_value_is_null(v);
    long i = cq__model_attr_index(src->model, a->fk);
    if (i < 0) {
        cq_value_free(v);
        return cq__db_fail(a->source->db, CQ_EINVALID, "%s: %s has no attribute %s", a->acc.set,
                           a->source->name, a->fk);
    }
    cq_value *old = cq__iv(src, i) ? cq_value_copy(cq__iv(src, i)) : NULL;
    bool old_changed = cq__changed(src)[i];
    if (cq__iv(src, i) && !old) {
        cq_value_free(v);
        return cq__db_oom(a->source->db);
    }
    int rc = cq_instance_set(src, a->fk, v);
    if (rc == CQ_OK && !(o && o->no_save)) {
        /* docs/differences.md: unsetting always writes the key, whatever the instance holds */
        if (unset)
            cq__changed(src)[i] = true;
        rc = cq_instance_save(src, &(cq_write_opts){ .transaction = o ? o->transaction : NULL,
                                                     .fields = (const char *[]){ a->fk, NULL } });
    }
    if (rc != CQ_OK) {
        /* a failed set leaves the instance as it was */
        cq__instance_put(src, i, old);
        cq__changed(src)[i] = old_changed;
        old = NULL;
    }
    cq_value_free(old);
    return rc;
}

/* ---- hasOne ---------------------------------------------------------------------------- */

static int update_where(cq_model *m, cq_value *values, cq_value *where)
{
    int rc = values && where
                 ? cq_model_update(NULL, m, values,
                                   &(cq_bulk_opts){ .where = where, .scope = CQ_EMPTY_ARRAY })
                 : cq__db_oom(m->db);
    cq_value_free(values);
    cq_value_free(where);
    return rc;
}

/* Writes key + scope into an instance in memory (after the UPDATE that stored them). */
static void mirror(cq_instance *inst, const char *fk, const cq_value *v, const cq_value *scope)
{
    long i = cq__model_attr_index(inst->model, fk);
    if (i >= 0) {
        cq__instance_put(inst, i, cq_value_copy(v));
        cq__changed(inst)[i] = false;
    }
    for (size_t k = 0; k < cq_value_size(scope); k++) {
        long j = cq__model_attr_index(inst->model, cq_value_object_key(scope, k));
        if (j < 0)
            continue;
        cq__instance_put(inst, j, cq_value_copy(cq_value_object_value(scope, k)));
        cq__changed(inst)[j] = false;
    }
}

static int pk_where_value(cq_value **out, cq_model *m, const cq_value *pk)
{
    *out = match_object(cq_model_primary_key(m), pk, NULL);
    return *out ? CQ_OK : cq__db_oom(m->db);
}

/* Sets the foreign key and the scope values of `inst` (an unsaved target), then saves it:
 * v6's HasOne.set given a built instance, an INSERT. */
static int insert_linked(cq_instance *inst, const cq_assoc *a, const cq_value *srcv)
{
    int rc = cq_instance_set(inst, a->fk, srcv ? cq_value_copy(srcv) : cq_value_null());
    for (size_t k = 0; rc == CQ_OK && k < cq_value_size(a->scope); k++)
        rc = cq_instance_set(inst, cq_value_object_key(a->scope, k),
                             cq_value_copy(cq_value_object_value(a->scope, k)));
    return rc == CQ_OK ? cq_instance_save(inst, NULL) : rc;
}

/* The targets a hasOne/hasMany setX replaces, read from the write server without the
 * target's scopes (v6 reads them with scope: false, so a row its default scope hides is
 * replaced too); the association's own scope still applies. */
static int current_targets(cq_rows **out, cq_instance *src, const cq_assoc *a)
{
    return cq_assoc_get(out, src, a,
                        &(cq_find_opts){ .use_master = true, .scope = CQ_EMPTY_ARRAY });
}

static int has_one_set(cq_instance *src, const cq_assoc *a, const cq_target *t)
{
    const char *pk = cq_model_primary_key(a->target);
    cq_value *newkey = NULL;
    /* an unsaved instance of the target is saved with the key set, after the previous target
     * is detached (v6); an unsaved instance of another model is refused by target_key */
    bool insert = t && t->instance && t->instance->model == a->target && t->instance->is_new;
    int rc = t && !insert ? target_key(&newkey, a, t, pk, a->acc.set) : CQ_OK;
    if (rc != CQ_OK)
        return rc;
    cq_rows *cur = NULL;
    rc = current_targets(&cur, src, a);
    if (rc != CQ_OK) {
        cq_value_free(newkey);
        return rc;
    }
    cq_instance *old = cq_rows_count(cur) ? cq_rows_at(cur, 0) : NULL;
    const cq_value *srcv = source_value(src, a);
    bool already = old && newkey && cq_value_is_equal(attr_value(old, pk), newkey);
    if (old && !already) {
        cq_value *w = NULL;
        rc = pk_where_value(&w, a->target, attr_value(old, pk));
        if (rc == CQ_OK)
            rc = update_where(a->target, match_object(a->fk, NULL, NULL), w);
    }
    if (rc == CQ_OK && newkey && !already) {
        cq_value *w = NULL;
        rc = pk_where_value(&w, a->target, newkey);
        if (rc == CQ_OK)
            rc = update_where(a->target, match_object(a->fk, srcv, a->scope), w);
    }
    if (rc == CQ_OK && newkey && t->instance)
        mirror(t->instance, a->fk, srcv, a->scope);
    if (rc == CQ_OK && insert)
        rc = insert_linked(t->instance, a, srcv);
    cq_rows_free(cur);
    cq_value_free(newkey);
    return rc;
}

/* ---- hasMany --------------------------------------------------------------------------- */

/* UPDATE target SET fk = v [, scope] WHERE pk IN (keys) [AND fk = current] */
static int has_many_link(const cq_assoc *a, const cq_value *v, bool with_scope, cq_value *keys,
                         const cq_value *only_from)
{
    cq_model *t = a->target;
    cq_value *w = only_from ? fk_in_object(a->fk, only_from, cq_model_primary_key(t), keys)
                            : in_object(cq_model_primary_key(t), keys);
    return update_where(t, match_object(a->fk, v, with_scope ? a->scope : NULL), w);
}

static int has_many_add(cq_instance *src, const cq_assoc *a, const cq_target *targets, size_t n)
{
    if (n == 0)
        return CQ_OK;
    cq_value *keys = NULL;
    int rc = key_array(&keys, a, targets, n, cq_model_primary_key(a->target),
                       n == 1 ? a->acc.add : a->acc.add_multiple);
    if (rc != CQ_OK)
        return rc;
    const cq_value *srcv = source_value(src, a);
    rc = has_many_link(a, srcv, true, keys, NULL);
    for (size_t i = 0; rc == CQ_OK && i < n; i++)
        if (targets[i].instance)
            mirror(targets[i].instance, a->fk, srcv, a->scope);
    return rc;
}

static int has_many_remove(cq_instance *src, const cq_assoc *a, const cq_target *targets, size_t n)
{
    if (n == 0)
        return CQ_OK;
    cq_value *keys = NULL;
    int rc = key_array(&keys, a, targets, n, cq_model_primary_key(a->target),
                       n == 1 ? a->acc.remove : a->acc.remove_multiple);
    if (rc != CQ_OK)
        return rc;
    cq_value *null = cq_value_null();
    /* v6 does not check the association scope here (associations.md 6.1) */
    rc = has_many_link(a, null, false, keys, source_value(src, a));
    for (size_t i = 0; rc == CQ_OK && i < n; i++)
        if (targets[i].instance)
            mirror(targets[i].instance, a->fk, null, NULL);
    cq_value_free(null);
    return rc;
}

static bool key_in(const cq_value *keys, const cq_value *k)
{
    for (size_t i = 0; i < cq_value_size(keys); i++)
        if (cq_value_is_equal(cq_value_array_get(keys, i), k))
            return true;
    return false;
}

static int has_many_set(cq_instance *src, const cq_assoc *a, const cq_target *targets, size_t n)
{
    const char *pk = cq_model_primary_key(a->target);
    cq_value *keys = NULL;
    int rc = key_array(&keys, a, targets, n, pk, a->acc.set);
    if (rc != CQ_OK)
        return rc;
    cq_rows *cur = NULL;
    rc = current_targets(&cur, src, a);
    cq_value *obsolete = cq_value_array(), *fresh = cq_value_array(), *current = cq_value_array();
    if (rc == CQ_OK && (!obsolete || !fresh || !current))
        rc = cq__db_oom(a->source->db);
    for (size_t i = 0; rc == CQ_OK && i < cq_rows_count(cur); i++) {
        const cq_value *k = attr_value(cq_rows_at(cur, i), pk);
        cq_value_array_append(current, cq_value_copy(k));
        if (!key_in(keys, k))
            cq_value_array_append(obsolete, cq_value_copy(k));
    }
    for (size_t i = 0; rc == CQ_OK && i < cq_value_size(keys); i++)
        if (!key_in(current, cq_value_array_get(keys, i)))
            cq_value_array_append(fresh, cq_value_copy(cq_value_array_get(keys, i)));
    const cq_value *srcv = source_value(src, a);
    cq_value *null = cq_value_null();
    if (rc == CQ_OK && cq_value_size(obsolete)) {
        rc = has_many_link(a, null, false, obsolete, NULL);
        obsolete = NULL;
    }
    if (rc == CQ_OK && cq_value_size(fresh)) {
        rc = has_many_link(a, srcv, true, fresh, NULL);
        fresh = NULL;
    }
    for (size_t i = 0; rc == CQ_OK && i < n; i++)
        if (targets[i].instance)
            mirror(targets[i].instance, a->fk, srcv, a->scope);
    cq_value_free(null);
    cq_value_free(obsolete);
    cq_value_free(fresh);
    cq_value_free(current);
    cq_value_free(keys);
    cq_rows_free(cur);
    return rc;
}

/* ---- belongsToMany ------------------------------------------------------------------- */

/* Join-row data for a target: the `through` option as defaults, overridden by the data
 * attached to the target (associations.md 5.6). */
static cq_value *through_data(const cq_target *t, const cq_value *defaults)
{
    cq_value *d = defaults ? cq_value_copy(defaults) : cq_value_object();
    const cq_value *own = t->instance && t->instance->more ? t->instance->more->through_data : NULL;
    for (size_t i = 0; d && i < cq_value_size(own); i++)
        if (cq_value_object_set(d, cq_value_object_key(own, i),
                                cq_value_copy(cq_value_object_value(own, i))) != CQ_OK) {
            cq_value_free(d);
            return NULL;
        }
    return d;
}

/* btm_rows with the join model's statement rendered once per association and number of keys
 * (links_sql): when the join model allows a plain find (no default scope, no find hooks), the
 * association has no through scope and the source key and every target key are integers or
 * texts, each call binds them (as the where builder does) into the kept text. *done = false
 * leaves the call to the general path; `keys` stays the caller's. */
static int btm_rows_plain(cq_rows **out, const cq_assoc *a, const cq_value *srcv,
                          const cq_value *keys, bool *done)
{
    *done = false;
    cq_model *t = a->through;
    size_t k = keys ? cq_value_size(keys) : 0;
    long fi = cq__model_attr_index(t, a->fk), oi = cq__model_attr_index(t, a->other_key);
    if ((keys && k == 0) || cq_value_size(a->through_scope) || fi < 0 || oi < 0 ||
        !plain_link_keys(srcv, keys, k) || !cq__find_plain_ok(t, true))
        return CQ_OK;
    char *_Atomic *slot = &((cq_assoc *)a)->links_sql[k];
    const char *text = atomic_load(slot);
    /* the where the general path builds, rendered by the find that runs it */
    if (!text) {
        cq_value *kc = keys ? cq_value_copy(keys) : NULL;
        cq_value *w = keys ? (kc ? fk_in_object(a->fk, srcv, a->other_key, kc) : NULL)
                           : match_object(a->fk, srcv, NULL);
        if (!(text = link_text(slot, a, NULL, NULL, w, k + 1)))
            return CQ_OK;
    }
    *done = true;
    link_binds b;
    int rc = link_bind(&b, t, fi, srcv, t, oi, keys, k);
    if (rc == CQ_OK)
        rc = cq__find_rendered(out, t, text, b.v, b.n, true);
    link_binds_free(&b);
    return rc;
}

/* Current join rows of src, restricted to `keys` when given. */
static int btm_rows(cq_rows **out, const cq_assoc *a, const cq_value *srcv, cq_value *keys,
                    bool with_scope)
{
    bool done = false;
    int prc = btm_rows_plain(out, a, srcv, keys, &done);
    if (done) {
        cq_value_free(keys);
        return prc;
    }
    cq_value *w =
        keys ? fk_in_object(a->fk, srcv, a->other_key, keys) : match_object(a->fk, srcv, NULL);
    if (with_scope)
        w = with_values(w, a->through_scope);
    if (!w)
        return cq__db_oom(a->source->db);
    int rc = cq_model_find_all(
        out, a->through,
        &(cq_find_opts){ .where = w, .scope = CQ_EMPTY_ARRAY, .use_master = true });
    cq_value_free(w);
    return rc;
}

static const cq_instance *find_row(const cq_rows *rows, const char *attr, const cq_value *k)
{
    for (size_t i = 0; i < cq_rows_count(rows); i++)
        if (cq_value_is_equal(attr_value(cq_rows_at(rows, i), attr), k))
            return cq_rows_at(rows, i);
    return NULL;
}

/* One INSERT of several join rows (Sequelize's bulkCreate of the join model). */
static int btm_insert(const cq_assoc *a, const cq_value *srcv, const cq_target *const *ts,
                      const cq_value *const *keys, size_t n, const cq_value *defaults)
{
    cq_model *m = a->through;
    cq_db *db = m->db;
    if (n == 0)
        return CQ_OK;
    /* rows that carry only the two keys: their values bound into a kept statement */
    bool plain = !defaults && !cq_value_size(a->through_scope);
    for (size_t i = 0; plain && i < n; i++)
        plain = !ts[i]->instance || !ts[i]->instance->more ||
                !cq_value_size(ts[i]->instance->more->through_data);
    if (plain) {
        bool done = false;
        int rc = cq__model_insert_links(&done, m, ((cq_assoc *)a)->join_insert_sql, CQ__KEPT_LINKS,
                                        cq__model_attr_index(m, a->fk), srcv,
                                        cq__model_attr_index(m, a->other_key), keys, n, true);
        if (done || rc != CQ_OK)
            return rc;
    }
    cq_value *arr = cq_value_array();
    for (size_t i = 0; arr && i < n; i++) {
        cq_value *row = through_data(ts[i], defaults);
        bool ok = row != NULL;
        for (size_t k = 0; ok && k < cq_value_size(a->through_scope); k++)
            ok = cq_value_object_set(row, cq_value_object_key(a->through_scope, k),
                                     cq_value_copy(cq_value_object_value(a->through_scope, k))) ==
                 CQ_OK;
        ok = ok && cq_value_object_set(row, a->fk, cq_value_copy(srcv)) == CQ_OK &&
             cq_value_object_set(row, a->other_key, cq_value_copy(keys[i])) == CQ_OK;
        if (!ok)
            cq_value_free(row);
        if (!ok || cq_value_array_append(arr, row) != CQ_OK) { /* append takes row */
            cq_value_free(arr);
            arr = NULL;
        }
    }
    if (!arr)
        return cq__db_oom(db);
    int rc = cq__model_insert_many(m, arr, true);
    cq_value_free(arr);
    return rc;
}

/* UPDATE join row SET data WHERE fk = src AND otherKey = key. */
static int btm_update(const cq_assoc *a, const cq_value *srcv, const cq_value *key, cq_value *data)
{
    cq_value *w = match_object(a->fk, srcv, NULL);
    if (w && cq_value_object_set(w, a->other_key, cq_value_copy(key)) != CQ_OK) {
        cq_value_free(w);
        w = NULL;
    }
    return update_where(a->through, data, w);
}

static bool data_differs(const cq_instance *row, const cq_value *data)
{
    for (size_t i = 0; i < cq_value_size(data); i++) {
        const cq_value *stored = attr_value(row, cq_value_object_key(data, i));
        if (!cq_value_is_equal(stored, cq_value_object_value(data, i)))
            return true;
    }
    return false;
}

/* set: the other keys of the current join rows that the new set leaves out (one DELETE);
 * NULL on OOM. */
static cq_value *obsolete_keys(const cq_rows *cur, const cq_assoc *a, const cq_value *keys)
{
    cq_value *obsolete = cq_value_array();
    for (size_t i = 0; obsolete && i < cq_rows_count(cur); i++) {
        const cq_value *k = attr_value(cq_rows_at(cur, i), a->other_key);
        if (!key_in(keys, k))
            cq_value_array_append(obsolete, cq_value_copy(k));
    }
    return obsolete;
}

/* The join rows of `srcv` to the k `keys` deleted with the statement rendered once per
 * association and k (unlink_sql), when the join model runs no destroy hooks and is not
 * paranoid, the keys are integers or texts and, `scoped`, the association has no through
 * scope (remove does not apply it): each call binds the keys as the where builder does.
 * *done = false leaves the call to the general path; `keys` stays the caller's. */
static int btm_delete_plain(const cq_assoc *a, const cq_value *srcv, const cq_value *keys,
                            bool scoped, bool *done)
{
    *done = false;
    cq_model *t = a->through;
    cq_db *db = t->db;
    size_t k = cq_value_size(keys);
    long fi = cq__model_attr_index(t, a->fk), oi = cq__model_attr_index(t, a->other_key);
    if (k == 0 || (scoped && cq_value_size(a->through_scope)) || fi < 0 || oi < 0 ||
        t->deleted_at >= 0 || !plain_link_keys(srcv, keys, k) || !cq_db_is_frozen(db) ||
        cq__hooks_any(t, CQ__H_BEFORE_BULK_DESTROY) || cq__hooks_any(t, CQ__H_AFTER_BULK_DESTROY))
        return CQ_OK;
    char *_Atomic *slot = &((cq_assoc *)a)->unlink_sql[k];
    const char *text = atomic_load(slot);
    if (!text) {
        /* the DELETE cq_model_destroy sends for btm_delete's where */
        cq_value *kc = cq_value_copy(keys);
        cq_value *w = kc ? fk_in_object(a->fk, srcv, a->other_key, kc) : NULL;
        cq__stmt *st = cq__stmt_new(CQ__ST_DELETE, t->table);
        cq__expr *e = NULL;
        cq__sql sql = { 0 };
        int rc = w && st ? cq__where_build(&e, t, NULL, w) : CQ_ENOMEM;
        if (rc == CQ_OK && e && cq__stmt_and_where(st, e) != 0)
            rc = CQ_ENOMEM;
        if (rc == CQ_OK)
            rc = cq__sql_render(&sql, st, cq_db_dialect(db), cq__last_error());
        char *made = rc == CQ_OK ? sql.text : NULL;
        if (made)
            sql.text = NULL;
        text = cq__find_keep(slot, db, rc, made, sql.n, k + 1);
        cq__sql_free(&sql);
        cq__stmt_free(st);
        cq_value_free(w);
        if (!text)
            return CQ_OK;
    }
    *done = true;
    link_binds b;
    int rc = link_bind(&b, t, fi, srcv, t, oi, keys, k);
    if (rc == CQ_OK)
        rc = cq__db_exec_text(db, text, b.v, b.n, NULL);
    link_binds_free(&b);
    return rc;
}

/* Deletes the join rows of `srcv` to the other keys `obsolete` (taken). */
static int btm_delete(const cq_assoc *a, const cq_value *srcv, cq_value *obsolete)
{
    cq_value *w = with_values(fk_in_object(a->fk, srcv, a->other_key, obsolete), a->through_scope);
    int rc = w ? cq_model_destroy(NULL, a->through,
                                  &(cq_bulk_opts){ .where = w, .scope = CQ_EMPTY_ARRAY })
               : cq__db_oom(a->source->db);
    cq_value_free(w);
    return rc;
}

/* Adds (or, set_mode, sets) the links. With `lazy`, the caller's transaction is open and the
 * call opens its savepoint (*lazy) only when it will write with more than one statement: a
 * single statement that fails leaves nothing behind by itself. */
static int btm_add(cq_instance *src, const cq_assoc *a, const cq_target *targets, size_t n,
                   const cq_value *defaults, bool set_mode, cq_txn **lazy)
{
    const cq_value *srcv = source_value(src, a);
    cq_value *keys = NULL;
    int rc = key_array(&keys, a, targets, n, a->target_key,
                       set_mode ? a->acc.set
                       : n == 1 ? a->acc.add
                                : a->acc.add_multiple);
    if (rc != CQ_OK)
        return rc;
    cq_rows *cur = NULL;
    if (set_mode) {
        rc = btm_rows(&cur, a, srcv, NULL, true);
    } else {
        /* the kept SELECT binds the keys as they are; the general path takes a copy */
        bool done = false;
        rc = btm_rows_plain(&cur, a, srcv, keys, &done);
        cq_value *keys_copy = done ? NULL : cq_value_copy(keys);
        if (!done)
            rc = keys_copy ? btm_rows(&cur, a, srcv, keys_copy, true) : cq__db_oom(a->source->db);
    }
    /* one block: the new targets, their keys, and per target the data to write */
    void **block = n < SIZE_MAX / 3 - 1 ? cq__calloc(3 * (n + 1), sizeof *block) : NULL;
    const cq_target **fresh_t = (const cq_target **)block;
    const cq_value **fresh_k = block ? (const cq_value **)(block + n + 1) : NULL;
    cq_value **update = block ? (cq_value **)(block + 2 * (n + 1)) : NULL;
    size_t nfresh = 0, nupdate = 0;
    cq_value *obsolete = NULL;
    if (rc == CQ_OK && !block)
        rc = cq__db_oom(a->source->db);
    if (rc == CQ_OK && set_mode && !(obsolete = obsolete_keys(cur, a, keys)))
        rc = cq__db_oom(a->source->db);
    for (size_t i = 0; rc == CQ_OK && i < n; i++) {
        const cq_value *k = cq_value_array_get(keys, i);
        const cq_instance *row = find_row(cur, a->other_key, k);
        if (!row) {
            fresh_t[nfresh] = &targets[i];
            fresh_k[nfresh++] = k;
            continue;
        }
        cq_value *data = through_data(&targets[i], defaults);
        if (!data) {
            rc = cq__db_oom(a->source->db);
            break;
        }
        /* add updates only what differs; set rewrites every kept row that has data */
        if (cq_value_size(data) && (set_mode || data_differs(row, data))) {
            update[i] = data;
            nupdate++;
        } else {
            cq_value_free(data);
        }
    }
    size_t writes = (cq_value_size(obsolete) ? 1 : 0) + nupdate + (nfresh ? 1 : 0);
    if (rc == CQ_OK && lazy && writes > 1)
        rc = atomic_begin(lazy, a->source->db);
    if (rc == CQ_OK && cq_value_size(obsolete)) {
        bool done = false;
        rc = btm_delete_plain(a, srcv, obsolete, true, &done);
        if (!done && rc == CQ_OK) {
            rc = btm_delete(a, srcv, obsolete);
            obsolete = NULL;
        }
    }
    for (size_t i = 0; i < n && update; i++) {
        if (!update[i])
            continue;
        if (rc == CQ_OK)
            rc = btm_update(a, srcv, cq_value_array_get(keys, i), update[i]); /* takes data */
        else
            cq_value_free(update[i]);
    }
    if (rc == CQ_OK)
        rc = btm_insert(a, srcv, fresh_t, fresh_k, nfresh, defaults);
    cq_value_free(obsolete);
    cq__free(block); /* (fresh_t, fresh_k and update) */
    cq_rows_free(cur);
    cq_value_free(keys);
    return rc;
}

static int btm_remove(cq_instance *src, const cq_assoc *a, const cq_target *targets, size_t n)
{
    if (n == 0)
        return CQ_OK;
    cq_value *keys = NULL;
    int rc = key_array(&keys, a, targets, n, a->target_key,
                       n == 1 ? a->acc.remove : a->acc.remove_multiple);
    if (rc != CQ_OK)
        return rc;
    /* the through scope is not applied by remove (associations.md 5.6) */
    bool done = false;
    rc = btm_delete_plain(a, source_value(src, a), keys, false, &done);
    if (done || rc != CQ_OK) {
        cq_value_free(keys);
        return rc;
    }
    cq_value *w = fk_in_object(a->fk, source_value(src, a), a->other_key, keys);
    rc = w ? cq_model_destroy(NULL, a->through,
                              &(cq_bulk_opts){ .where = w, .scope = CQ_EMPTY_ARRAY })
           : cq__db_oom(a->source->db);
    cq_value_free(w);
    return rc;
}

/* ---- public entry points ---------------------------------------------------------------- */

int cq_assoc_set(cq_instance *src, const cq_assoc *a, const cq_target *targets, size_t n,
                 const cq_assoc_write_opts *opts)
{
    if (!src || !a)
        return CQ_EINVALID;
    int rc = check_source(src, a, a->acc.set, opts ? opts->transaction : NULL);
    if (rc != CQ_OK)
        return rc;
    if (!cq__assoc_is_multi(a) && n > 1)
        return cq__db_fail(a->source->db, CQ_EINVALID, "%s takes one target or none", a->acc.set);
    if (n && !targets)
        return cq__db_fail(a->source->db, CQ_EINVALID, "%s: no targets given", a->acc.set);
    /* a single association given a null key value: unset (Sequelize's set(null)) */
    if (!cq__assoc_is_multi(a) && n == 1 && !targets[0].instance && targets[0].key &&
        cq_value_is_null(targets[0].key))
        n = 0;
    if (a->type == CQ_BELONGS_TO)
        return belongs_to_set(src, a, n ? &targets[0] : NULL, opts); /* one UPDATE */
    cq_txn *t = NULL;
    bool lazy = a->type == CQ_BELONGS_TO_MANY && atomic_lazy(a->source->db);
    rc = lazy ? CQ_OK : atomic_begin(&t, a->source->db);
    if (rc != CQ_OK)
        return rc;
    switch (a->type) {
    case CQ_BELONGS_TO:
        break;
    case CQ_HAS_ONE:
        rc = has_one_set(src, a, n ? &targets[0] : NULL);
        break;
    case CQ_HAS_MANY:
        rc = has_many_set(src, a, targets, n);
        break;
    case CQ_BELONGS_TO_MANY:
        rc = btm_add(src, a, targets, n, opts ? opts->through : NULL, true, lazy ? &t : NULL);
        break;
    }
    return atomic_end(t, rc);
}

int cq_assoc_add(cq_instance *src, const cq_assoc *a, const cq_target *targets, size_t n,
                 const cq_assoc_write_opts *opts)
{
    if (!src || !a)
        return CQ_EINVALID;
    int rc = check_source(src, a, n == 1 ? a->acc.add : a->acc.add_multiple,
                          opts ? opts->transaction : NULL);
    if (rc != CQ_OK)
        return rc;
    if (!cq__assoc_is_multi(a))
        return cq__db_fail(a->source->db, CQ_EINVALID, "%s.%s has no add accessor", a->source->name,
                           a->alias.as);
    if (n == 0)
        return CQ_OK;
    if (a->type == CQ_HAS_MANY)
        return has_many_add(src, a, targets, n); /* one UPDATE: atomic by itself */
    cq_txn *t = NULL;
    bool lazy = atomic_lazy(a->source->db);
    rc = lazy ? CQ_OK : atomic_begin(&t, a->source->db);
    if (rc != CQ_OK)
        return rc;
    rc = btm_add(src, a, targets, n, opts ? opts->through : NULL, false, lazy ? &t : NULL);
    return atomic_end(t, rc);
}

int cq_assoc_remove(cq_instance *src, const cq_assoc *a, const cq_target *targets, size_t n,
                    const cq_assoc_write_opts *opts)
{
    if (!src || !a)
        return CQ_EINVALID;
    (void)opts;
    int rc = check_source(src, a, n == 1 ? a->acc.remove : a->acc.remove_multiple,
                          opts ? opts->transaction : NULL);
    if (rc != CQ_OK)
        return rc;
    if (!cq__assoc_is_multi(a))
        return cq__db_fail(a->source->db, CQ_EINVALID, "%s.%s has no remove accessor",
                           a->source->name, a->alias.as);
    return a->type == CQ_HAS_MANY ? has_many_remove(src, a, targets, n)
                                  : btm_remove(src, a, targets, n);
}

int cq_assoc_create(cq_instance **out, cq_instance *src, const cq_assoc *a, const cq_value *values,
                    const cq_assoc_write_opts *opts)
{
    if (out)
        *out = NULL;
    if (!src || !a)
        return CQ_EINVALID;
    if (out)
        *out = NULL;
    int rc = check_source(src, a, a->acc.create, opts ? opts->transaction : NULL);
    if (rc != CQ_OK)
        return rc;
    cq_db *db = a->source->db;
    if (values && cq_value_type_of(values) != CQ_VALUE_OBJECT)
        return cq__db_fail(db, CQ_EINVALID, "%s needs an object of values", a->acc.create);
    cq_value *v = values ? cq_value_copy(values) : cq_value_object();
    /* scope values (and, for hasOne/hasMany, the key) go into the INSERT; with `fields`,
     * their names are appended to the list (associations.md 3, 4, 5.6) */
    bool keyed = a->type == CQ_HAS_ONE || a->type == CQ_HAS_MANY;
    const cq_value *scope = a->type != CQ_BELONGS_TO ? a->scope : NULL;
    v = with_values(v, scope);
    if (v && keyed && cq_value_object_set(v, a->fk, cq_value_copy(source_value(src, a))) != CQ_OK) {
        cq_value_free(v);
        v = NULL;
    }
    const char **fields = NULL;
    if (v && opts && opts->fields) {
        size_t n = 0;
        while (opts->fields[n])
            n++;
        fields = cq__calloc(n + cq_value_size(scope) + 2, sizeof *fields);
        if (fields) {
            memcpy(fields, opts->fields, n * sizeof *fields);
            for (size_t i = 0; i < cq_value_size(scope); i++)
                fields[n++] = cq_value_object_key(scope, i);
            if (keyed)
                fields[n++] = a->fk;
        } else {
            cq_value_free(v);
            v = NULL;
        }
    }
    if (!v)
        return cq__db_oom(db);
    cq_txn *t = NULL;
    rc = atomic_begin(&t, db);
    if (rc != CQ_OK) {
        cq_value_free(v);
        cq__free(fields);
        return rc;
    }
    if (rc == CQ_OK && a->type == CQ_HAS_ONE) {
        /* docs/differences.md: detach the previous target first, as setX does */
        rc = has_one_set(src, a, NULL);
        if (rc == CQ_OK)
            cq__db_clear(db);
    }
    cq_instance *inst = NULL;
    if (rc == CQ_OK)
        rc = cq_model_create(
            &inst, a->target, v,
            &(cq_write_opts){ .transaction = opts ? opts->transaction : NULL, .fields = fields });
    cq_value_free(v);
    cq__free(fields);
    if (rc == CQ_OK && a->type == CQ_BELONGS_TO) {
        cq_target tg = { .instance = inst };
        rc = belongs_to_set(src, a, &tg, opts);
    } else if (rc == CQ_OK && a->type == CQ_BELONGS_TO_MANY) {
        cq_target tg = { .instance = inst };
        rc = btm_add(src, a, &tg, 1, opts ? opts->through : NULL, false, NULL);
    }
    rc = cq__txn_finish(t, rc);
    return cq__instance_hand_out(out, inst, rc);
}

cq_instance *cq_instance_through(const cq_instance *inst)
{
    if (!inst)
        return NULL;
    return inst->through;
}

int cq_instance_set_through_data(cq_instance *inst, const cq_value *data)
{
    if (!inst)
        return CQ_EINVALID;
    cq_db *db = inst->model->db;
    cq__db_clear(db);
    if (data && cq_value_type_of(data) != CQ_VALUE_OBJECT)
        return cq__db_fail(db, CQ_EINVALID, "through data must be an object");
    if (!data && !inst->more)
        return CQ_OK;
    cq__instance_more *x = cq__instance_more_get(inst);
    cq_value *c = data ? cq_value_copy(data) : NULL;
    if (!x || (data && !c)) {
        cq_value_free(c);
        return cq__db_oom(db);
    }
    cq_value_free(x->through_data);
    x->through_data = c;
    return CQ_OK;
}
