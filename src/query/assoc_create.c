/* create / bulkCreate, with associated rows (spec/include.md part B).
 *
 * Going beyond Sequelize v6 (docs/differences.md): the whole tree is written in one transaction,
 * or a savepoint inside the caller's, so a failure at any row leaves nothing behind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/assoc.h"
#include "core/util.h"
#include "model/hooks.h"
#include "model/validate.h"
#include "query/include.h"
#include "query/instance.h"

static bool is_assoc_key(const cq_model *m, const char *key)
{
    for (size_t i = 0; i < m->nassocs; i++)
        if (strcmp(m->assocs[i]->alias.as, key) == 0)
            return true;
    return false;
}

/* The row's own values: data under association keys is not an attribute (B1: data for an
 * association that is not included is ignored). */
static cq_value *own_values(const cq_model *m, const cq_value *v)
{
    cq_value *o = cq_value_object();
    for (size_t i = 0; o && i < cq_value_size(v); i++) {
        const char *k = cq_value_object_key(v, i);
        if (cq__model_attr_index(m, k) < 0 && is_assoc_key(m, k))
            continue;
        if (cq_value_object_set(o, k, cq_value_copy(cq_value_object_value(v, i))) != CQ_OK) {
            cq_value_free(o);
            return NULL;
        }
    }
    return o;
}

/* The row's own values without a copy when `v` holds no association data (the usual leaf
 * row): `v` itself; otherwise own_values(v) in *copy (the caller frees it). NULL: out of
 * memory. */
static const cq_value *own_view(cq_value **copy, const cq_model *m, const cq_value *v)
{
    *copy = NULL;
    bool plain = cq_value_type_of(v) == CQ_VALUE_OBJECT;
    for (size_t i = 0; plain && i < cq_value_size(v); i++) {
        const char *k = cq_value_object_key(v, i);
        plain = cq__model_attr_index(m, k) >= 0 || !is_assoc_key(m, k);
    }
    return plain ? v : (*copy = own_values(m, v));
}

/* Sets one value (taken; NULL: out of memory) as cq_model_build sets its values: through the
 * attribute's setter when it has one, else stored as it is (setDataValue). */
static int set_value(cq_instance *inst, const char *attr, cq_value *v)
{
    if (!v)
        return cq__db_oom(inst->model->db);
    if (cq__accessor_has_set(cq__accessor_find(inst->model, attr)))
        return cq_instance_set(inst, attr, v);
    return cq__instance_store(inst, attr, v);
}

/* cq_model_build of the row's own values (own_values(m, v)) without copying them first:
 * the keys that name an association and no attribute are skipped; an unknown key fails
 * before any value is set, as there. */
static int build_own(cq_instance **out, cq_model *m, const cq_value *v)
{
    *out = NULL;
    size_t n = cq_value_size(v);
    bool plain = true;
    for (size_t i = 0; i < n; i++) {
        const char *k = cq_value_object_key(v, i);
        if (cq__model_attr_index(m, k) >= 0)
            continue;
        if (is_assoc_key(m, k))
            plain = false;
        else if (!cq__accessor_find(m, k))
            return cq__db_fail(m->db, CQ_EUNKNOWN_ATTR, "model \"%s\" has no attribute \"%s\"",
                               m->name, k);
    }
    if (plain)
        return cq_model_build(out, m, v);
    int rc = cq_model_build(out, m, NULL);
    for (size_t i = 0; rc == CQ_OK && i < n; i++) {
        const char *k = cq_value_object_key(v, i);
        if (cq__model_attr_index(m, k) < 0 && is_assoc_key(m, k))
            continue;
        rc = set_value(*out, k, cq_value_copy(cq_value_object_value(v, i)));
    }
    if (rc != CQ_OK) {
        cq_instance_free(*out);
        *out = NULL;
    }
    return rc;
}

static const cq_value *attr_value(const cq_instance *inst, const char *attr)
{
    long i = cq__model_attr_index(inst->model, attr);
    return i < 0 ? NULL : cq__iv(inst, i);
}

static cq__included *add_included(cq_instance *inst, const cq_assoc *a)
{
    return cq__instance_add_included(inst, a, cq__assoc_is_multi(a));
}

/* The rows the validation pass built (prevalidate), by the node of the caller's values each
 * was built from (the root, a belongsTo target's object, a child's element: one node per row
 * of the tree), so that the write takes each row back instead of building it again. Open
 * addressing; `cap` is 0 or a power of two. */
typedef struct built_map {
    const cq_value **nodes;
    cq_instance **insts;
    size_t n, cap;
} built_map;

static size_t built_slot(const built_map *b, const cq_value *node)
{
    size_t h = (size_t)(((uintptr_t)node >> 4) * (uintptr_t)0x9E3779B97F4A7C15u);
    size_t i = h & (b->cap - 1);
    while (b->nodes[i] && b->nodes[i] != node)
        i = (i + 1) & (b->cap - 1);
    return i;
}

/* Keeps `inst` (taken, also on failure) as the row built from `node`. */
static int built_put(built_map *b, const cq_value *node, cq_instance *inst)
{
    if (2 * (b->n + 1) > b->cap) {
        built_map g = { 0 };
        g.cap = b->cap ? 2 * b->cap : 32;
        g.nodes = cq__calloc(g.cap, sizeof *g.nodes);
        g.insts = cq__calloc(g.cap, sizeof *g.insts);
        if (!g.nodes || !g.insts) {
            cq__free(g.nodes);
            cq__free(g.insts);
            cq_instance_free(inst);
            return CQ_ENOMEM;
        }
        for (size_t i = 0; i < b->cap; i++)
            if (b->nodes[i]) {
                size_t j = built_slot(&g, b->nodes[i]);
                g.nodes[j] = b->nodes[i];
                g.insts[j] = b->insts[i];
            }
        g.n = b->n;
        cq__free(b->nodes);
        cq__free(b->insts);
        *b = g;
    }
    size_t i = built_slot(b, node);
    if (b->nodes[i]) { /* not reached: a node is built once */
        cq_instance_free(b->insts[i]);
        b->n--;
    }
    b->nodes[i] = node;
    b->insts[i] = inst;
    b->n++;
    return CQ_OK;
}

/* The row built from `node`, handed over (it stays in the map, taken), or NULL. */
static cq_instance *built_take(built_map *b, const cq_value *node)
{
    if (!b || !b->cap)
        return NULL;
    size_t i = built_slot(b, node);
    cq_instance *inst = b->insts[i];
    b->insts[i] = NULL;
    return inst;
}

static void built_free(built_map *b)
{
    for (size_t i = 0; i < b->cap; i++)
        cq_instance_free(b->insts[i]);
    cq__free(b->nodes);
    cq__free(b->insts);
}

static int create_tree(cq_instance **out, cq_model *m, const cq_value *values,
                       const cq_include *include, const cq_write_opts *opts, built_map *bm);

/* Sets `key` in an object value (copying `v`). */
static int put(cq_value *obj, const char *key, const cq_value *v)
{
    return cq_value_object_set(obj, key, v ? cq_value_copy(v) : cq_value_null());
}

/* The elements of nested data for a to-many or hasOne association: an array, or one object
 * (a list of one); null means none (docs/differences.md). *n = 0 for none. */
static int nested_list(const cq_assoc *a, const cq_value *data, bool *list, size_t *n)
{
    cq_db *db = a->source->db;
    *n = 0;
    *list = false;
    if (!data || cq_value_is_null(data))
        return CQ_OK;
    *list = cq_value_type_of(data) == CQ_VALUE_ARRAY;
    if (!*list && cq_value_type_of(data) != CQ_VALUE_OBJECT)
        return cq__db_fail(db, CQ_EINVALID, "%s.%s: nested data must be an object or an array",
                           a->source->name, a->alias.as);
    *n = *list ? cq_value_size(data) : 1;
    for (size_t i = 0; i < *n; i++)
        if (cq_value_type_of(*list ? cq_value_array_get(data, i) : data) != CQ_VALUE_OBJECT)
            return cq__db_fail(db, CQ_EINVALID, "%s.%s[%zu]: nested data must be an object",
                               a->source->name, a->alias.as, i);
    return CQ_OK;
}

/* The values of one child of `inst`: hasOne/hasMany get the foreign key and the scope;
 * belongsToMany moves the join-row values (under the join model's name) to *jdata. */
static int child_values(cq_value **cv_out, cq_value **jdata, const cq_instance *inst,
                        const cq_assoc *a, const cq_value *elem)
{
    cq_db *db = a->source->db;
    *jdata = NULL;
    cq_value *cv = *cv_out = cq_value_copy(elem);
    if (!cv)
        return cq__db_oom(db);
    if (a->through) {
        const cq_value *jd = cq_value_object_get(cv, a->through->name);
        if (jd && !(*jdata = cq_value_copy(jd)))
            return cq__db_oom(db);
        cq_value_object_remove(cv, a->through->name);
        return CQ_OK;
    }
    int rc = put(cv, a->fk, attr_value(inst, a->source_key));
    for (size_t k = 0; rc == CQ_OK && k < cq_value_size(a->scope); k++)
        rc = put(cv, cq_value_object_key(a->scope, k), cq_value_object_value(a->scope, k));
    return rc == CQ_OK ? CQ_OK : cq__db_oom(db);
}

/* Whether child_values(elem) is `elem` with the foreign key and then the scope appended
 * (belongsToMany: `elem` itself): it holds none of those keys (nor the join data). Then the
 * child can be built from `elem` and given them after (child_keys), in that order. */
static bool plain_child(const cq_assoc *a, const cq_value *elem)
{
    if (a->through)
        return !cq_value_object_get(elem, a->through->name);
    if (cq_value_object_get(elem, a->fk))
        return false;
    for (size_t k = 0; k < cq_value_size(a->scope); k++)
        if (cq_value_object_get(elem, cq_value_object_key(a->scope, k)))
            return false;
    return true;
}

/* What child_values adds to a plain child, set on the built `child`: its parent's key, then
 * the association's scope (hasOne/hasMany). */
static int child_keys(cq_instance *child, const cq_instance *inst, const cq_assoc *a)
{
    if (a->through)
        return CQ_OK;
    const cq_value *key = attr_value(inst, a->source_key);
    int rc = set_value(child, a->fk, key ? cq_value_copy(key) : cq_value_null());
    for (size_t k = 0; rc == CQ_OK && k < cq_value_size(a->scope); k++)
        rc = set_value(child, cq_value_object_key(a->scope, k),
                       cq_value_copy(cq_value_object_value(a->scope, k)));
    return rc;
}

/* The join row tying `inst` to `child`: the values it carried, the through scope, the keys. */
static cq_value *join_row(const cq_assoc *a, const cq_instance *inst, const cq_instance *child,
                          const cq_value *jdata)
{
    cq_value *row = jdata && cq_value_type_of(jdata) == CQ_VALUE_OBJECT ? cq_value_copy(jdata)
                                                                        : cq_value_object();
    for (size_t k = 0; row && k < cq_value_size(a->through_scope); k++)
        if (put(row, cq_value_object_key(a->through_scope, k),
                cq_value_object_value(a->through_scope, k)) != CQ_OK) {
            cq_value_free(row);
            return NULL;
        }
    if (row && (put(row, a->fk, attr_value(inst, a->source_key)) != CQ_OK ||
                put(row, a->other_key, attr_value(child, a->target_key)) != CQ_OK)) {
        cq_value_free(row);
        return NULL;
    }
    return row;
}

/* Hangs `child` under `inst` (to-many: appended; hasOne: the last one stays). */
static int attach(cq__included *inc, cq_instance *child)
{
    if (inc->many)
        return cq__rows_push(inc->rows, child) == 0 ? CQ_OK : CQ_ENOMEM;
    cq_instance_free(inc->one);
    inc->one = child;
    return CQ_OK;
}

/* A row of a nested create, built but not written yet: the instance, the data it was built
 * from (for its own includes) and its resolved includes. */
typedef struct pending_row {
    cq_instance *inst;
    const cq_assoc **assocs;
    const cq_include **elems;
    size_t ninc;
} pending_row;

static int resolve_includes(cq_model *m, const cq_include *include, const cq_assoc ***assocs_out,
                            const cq_include ***elems_out, size_t *n_out);

static void pending_clear(pending_row *p)
{
    cq_instance_free(p->inst);
    cq__free(p->assocs); /* (the elements with them: resolve_includes) */
    memset(p, 0, sizeof *p);
}

/* Builds the row of `values` (its own values), or takes `built` (the row the validation pass
 * built from them), and resolves its includes. */
static int pending_build(pending_row *p, cq_model *m, const cq_value *values,
                         const cq_include *include, cq_instance *built)
{
    cq_db *db = m->db;
    memset(p, 0, sizeof *p);
    if (values && cq_value_type_of(values) != CQ_VALUE_OBJECT) {
        cq_instance_free(built);
        return cq__db_fail(db, CQ_EINVALID, "values for model \"%s\" must be an object", m->name);
    }
    int rc = resolve_includes(m, include, &p->assocs, &p->elems, &p->ninc);
    if (built) {
        p->inst = built;
        return rc;
    }
    if (rc == CQ_OK)
        rc = values ? build_own(&p->inst, m, values) : cq_model_build(&p->inst, m, NULL);
    return rc;
}

/* Up to this many includes per row, the small arrays of a row's write live on the stack. */
enum { LATE_KEYS_STACK = 8 };

/* The belongsTo keys the rows of `include` fill only once their targets exist: not validated
 * before (prevalidate checked the tree already): those of the built row `p`'s includes.
 * NULL-terminated, in `buf` (nbuf places) when it fits, else allocated; free it with
 * late_keys_free; NULL when out of memory. */
static const char **late_keys(const pending_row *p, const char **buf, size_t nbuf)
{
    const char **keys = p->ninc < nbuf ? buf : cq__calloc(p->ninc + 1, sizeof *keys);
    size_t k = 0;
    for (size_t i = 0; keys && i < p->ninc; i++)
        if (p->assocs[i]->type == CQ_BELONGS_TO)
            keys[k++] = p->assocs[i]->fk;
    if (keys)
        keys[k] = NULL;
    return keys;
}

static void late_keys_free(const char **keys, const char **buf)
{
    if (keys != buf)
        cq__free(keys);
}

static int tree_write(pending_row *p, const cq_value *values, const cq_write_opts *opts,
                      built_map *bm);

/* hasOne / hasMany / belongsToMany children of a freshly inserted row, one INSERT each. As
 * v6 saves them concurrently, every child is validated and passes its before hooks (each hook
 * for every child in turn) before the first child's INSERT; then each child is written with
 * its own associated rows and runs its after hooks. */
static int create_children(cq_instance *inst, const cq_include *e, const cq_assoc *a,
                           const cq_value *data, const cq_write_opts *opts, built_map *bm)
{
    cq_db *db = a->source->db;
    cq__included *inc = add_included(inst, a);
    if (!inc)
        return cq__db_oom(db);
    bool list = false;
    size_t n = 0;
    int rc = nested_list(a, data, &list, &n);
    if (rc != CQ_OK || n == 0)
        return rc;
    /* one block: the rows, then their values, join data and instances (freed with the rows) */
    pending_row *rows = n <= SIZE_MAX / (sizeof *rows + 3 * sizeof(void *))
                            ? cq__calloc(n, sizeof *rows + 3 * sizeof(void *))
                            : NULL;
    cq_value **cvs = rows ? (cq_value **)(rows + n) : NULL;
    cq_value **jdatas = rows ? cvs + n : NULL;
    cq_instance **insts = rows ? (cq_instance **)(jdatas + n) : NULL;
    const char **skip = NULL; /* the same for every row: they share the include */
    const char *skip_buf[LATE_KEYS_STACK];
    if (!rows)
        rc = cq__db_oom(db);
    for (size_t i = 0; rc == CQ_OK && i < n; i++) {
        const cq_value *elem = list ? cq_value_array_get(data, i) : data;
        cq_instance *built = built_take(bm, elem);
        if (built) {
            /* the row as the validation pass built it, now with its parent's key */
            const cq_value *jd = a->through ? cq_value_object_get(elem, a->through->name) : NULL;
            if (jd && !(jdatas[i] = cq_value_copy(jd)))
                rc = cq__db_oom(db);
            if (rc == CQ_OK && !a->through) {
                const cq_value *key = attr_value(inst, a->source_key);
                rc = set_value(built, a->fk, key ? cq_value_copy(key) : cq_value_null());
            }
            if (rc == CQ_OK)
                rc = pending_build(&rows[i], a->target, elem, e->include, built);
            else
                cq_instance_free(built);
        } else {
            rc = child_values(&cvs[i], &jdatas[i], inst, a, elem);
            if (rc == CQ_OK)
                rc = pending_build(&rows[i], a->target, cvs[i], e->include, NULL);
        }
        if (rc == CQ_OK)
            insts[i] = rows[i].inst;
    }
    if (rc == CQ_OK && !(skip = late_keys(&rows[0], skip_buf, LATE_KEYS_STACK)))
        rc = cq__db_oom(db);
    if (rc == CQ_OK)
        rc = cq__save_before(insts, n, opts, skip);
    for (size_t i = 0; rc == CQ_OK && i < n; i++) {
        const cq_value *elem = list ? cq_value_array_get(data, i) : data;
        rc = tree_write(&rows[i], cvs[i] ? cvs[i] : elem, opts, bm);
        cq_instance *child = rows[i].inst;
        if (rc == CQ_OK && a->type == CQ_BELONGS_TO_MANY) {
            cq_value *row = join_row(a, inst, child, jdatas[i]);
            rc = row ? cq__model_create_plain(NULL, a->through, row, opts) : cq__db_oom(db);
            cq_value_free(row);
        }
        if (rc == CQ_OK) {
            rows[i].inst = NULL;
            if (attach(inc, child) != CQ_OK) /* the child is freed by attach */
                rc = cq__db_oom(db);
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (rows)
            pending_clear(&rows[i]);
        if (cvs)
            cq_value_free(cvs[i]);
        if (jdatas)
            cq_value_free(jdatas[i]);
    }
    cq__free(rows); /* (cvs, jdatas and insts with them) */
    late_keys_free(skip, skip_buf);
    return rc;
}

/* Resolves every include first, so that a bad include fails before any row is written;
 * `{all: true}` stands for every association of the model; an association listed twice is
 * created once. The arrays are the caller's to cq__free (also on failure). */
static int resolve_includes(cq_model *m, const cq_include *include, const cq_assoc ***assocs_out,
                            const cq_include ***elems_out, size_t *n_out)
{
    cq_db *db = m->db;
    size_t ninc = 0;
    for (const cq_include *e = include; e && !cq__inc_is_end(e); e++)
        ninc += e->all ? m->nassocs : 1;
    *assocs_out = NULL;
    *elems_out = NULL;
    *n_out = 0;
    if (ninc == 0) /* a leaf row: no arrays */
        return CQ_OK;
    /* one block: the associations, then the elements (freed with the associations) */
    void **block = cq__calloc(2 * (ninc + 1), sizeof *block);
    const cq_assoc **assocs = (const cq_assoc **)block;
    const cq_include **elems = block ? (const cq_include **)(block + ninc + 1) : NULL;
    *assocs_out = assocs;
    *elems_out = elems;
    int rc = block ? CQ_OK : cq__db_oom(db);
    size_t nres = 0;
    for (const cq_include *e = include; rc == CQ_OK && e && !cq__inc_is_end(e); e++) {
        for (size_t k = 0; rc == CQ_OK && k < (e->all ? m->nassocs : 1); k++) {
            const cq_assoc *a = NULL;
            if (e->all)
                a = m->assocs[k];
            else
                rc = cq__inc_resolve(&a, m, e);
            if (rc == CQ_OK && cq__assoc_check_keys(a, "create with include") != CQ_OK) {
                /* the message names the include: made only when it is needed */
                char what[128];
                snprintf(what, sizeof what, "create with include %s", a->alias.as);
                rc = cq__assoc_check_keys(a, what);
            }
            bool dup = false;
            for (size_t i = 0; rc == CQ_OK && i < nres; i++)
                dup |= assocs[i] == a;
            if (rc == CQ_OK && !dup) {
                assocs[nres] = a;
                elems[nres++] = e;
            }
        }
    }
    *n_out = nres;
    return rc;
}

/* Creates one row and its included associated rows, depth first (include.md B2), in v6
 * Model#save's order: validation and before hooks of the row, its belongsTo targets, its
 * INSERT, the rows pointing at it, its after hooks. */
static int create_tree(cq_instance **out, cq_model *m, const cq_value *values,
                       const cq_include *include, const cq_write_opts *opts, built_map *bm)
{
    *out = NULL;
    pending_row p;
    int rc = pending_build(&p, m, values, include, built_take(bm, values));
    const char *skip_buf[LATE_KEYS_STACK];
    const char **skip = rc == CQ_OK ? late_keys(&p, skip_buf, LATE_KEYS_STACK) : NULL;
    if (rc == CQ_OK && !skip)
        rc = cq__db_oom(m->db);
    if (rc == CQ_OK)
        rc = cq__save_before(&p.inst, 1, opts, skip);
    late_keys_free(skip, skip_buf);
    if (rc == CQ_OK)
        rc = tree_write(&p, values, opts, bm);
    if (rc == CQ_OK) {
        *out = p.inst;
        p.inst = NULL;
    }
    pending_clear(&p);
    return rc;
}

/* Writes a built row whose before hooks ran: belongsTo targets first (their key copied into
 * the row), the row, the rows that point at it, then its after hooks. */
static int tree_write(pending_row *p, const cq_value *values, const cq_write_opts *opts,
                      built_map *bm)
{
    cq_instance *inst = p->inst;
    cq_db *db = inst->model->db;
    cq_instance *parents_buf[LATE_KEYS_STACK] = { NULL };
    cq_instance **parents = !p->ninc                     ? NULL
                            : p->ninc <= LATE_KEYS_STACK ? parents_buf
                                                         : cq__calloc(p->ninc, sizeof *parents);
    int rc = parents || !p->ninc ? CQ_OK : cq__db_oom(db);
    /* 1. belongsTo targets first, their key copied into this row */
    for (size_t i = 0; rc == CQ_OK && i < p->ninc; i++) {
        const cq_assoc *a = p->assocs[i];
        const cq_value *data = cq_value_object_get(values, a->alias.as);
        if (a->type != CQ_BELONGS_TO || !data || cq_value_is_null(data))
            continue;
        rc = create_tree(&parents[i], a->target, data, p->elems[i]->include, opts, bm);
        if (rc == CQ_OK) {
            const cq_value *key = attr_value(parents[i], a->target_key);
            cq_value *copy = key ? cq_value_copy(key) : cq_value_null();
            rc = copy ? cq__instance_store(inst, a->fk, copy) : cq__db_oom(db);
        }
    }
    /* 2. this row */
    cq_write_opts plain = opts ? *opts : (cq_write_opts){ 0 };
    plain.include = NULL;
    if (rc == CQ_OK)
        rc = cq__instance_insert_row(inst, &plain);
    /* 3. the rows that point at this one; the belongsTo targets hung in include order */
    for (size_t i = 0; rc == CQ_OK && i < p->ninc; i++) {
        const cq_assoc *a = p->assocs[i];
        const cq_value *data = cq_value_object_get(values, a->alias.as);
        if (a->type == CQ_BELONGS_TO) {
            if (!parents[i])
                continue;
            cq__included *inc = add_included(inst, a);
            if (!inc) {
                rc = cq__db_oom(db);
                break;
            }
            inc->one = parents[i];
            parents[i] = NULL;
            continue;
        }
        if (data)
            rc = create_children(inst, p->elems[i], a, data, opts, bm);
    }
    for (size_t i = 0; parents && i < p->ninc; i++)
        cq_instance_free(parents[i]);
    if (parents != parents_buf)
        cq__free(parents);
    /* 4. its after hooks, once its associated rows exist (v6) */
    if (rc == CQ_OK)
        rc = cq__save_after(inst, opts);
    if (rc == CQ_OK)
        cq__instance_compact(inst); /* (no caller has seen it yet) */
    return rc;
}

/* ---- bulkCreate with include (include.md B7) ------------------------------------------- */

static cq__included *included_of(cq_instance *inst, const cq_assoc *a)
{
    for (size_t i = 0; i < inst->ninc; i++)
        if (inst->inc[i].assoc == a)
            return &inst->inc[i];
    return NULL;
}

/* A growing list of the rows of one model and level: their values, the parent each belongs
 * to and, for belongsToMany, the join-row values they carried. */
typedef struct level {
    const cq_value **vals;
    cq_value **owned; /* values made here (children with their key), freed with the level */
    cq_value **jdata;
    size_t *owner;
    size_t n, cap;
} level;

static int level_add(level *l, const cq_value *v, cq_value *owned, cq_value *jdata, size_t owner)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 8;
        const cq_value **vals = cq__realloc(l->vals, cap * sizeof *vals);
        if (vals)
            l->vals = vals;
        cq_value **o = vals ? cq__realloc(l->owned, cap * sizeof *o) : NULL;
        if (o)
            l->owned = o;
        cq_value **j = o ? cq__realloc(l->jdata, cap * sizeof *j) : NULL;
        if (j)
            l->jdata = j;
        size_t *w = j ? cq__realloc(l->owner, cap * sizeof *w) : NULL;
        if (!w) {
            cq_value_free(owned);
            cq_value_free(jdata);
            return CQ_ENOMEM;
        }
        l->owner = w;
        l->cap = cap;
    }
    l->vals[l->n] = v ? v : owned;
    l->owned[l->n] = owned;
    l->jdata[l->n] = jdata;
    l->owner[l->n++] = owner;
    return CQ_OK;
}

static void level_free(level *l)
{
    for (size_t i = 0; i < l->n; i++) {
        cq_value_free(l->owned[i]);
        cq_value_free(l->jdata[i]);
    }
    cq__free(l->vals);
    cq__free(l->owned);
    cq__free(l->jdata);
    cq__free(l->owner);
}

static int bulk_tree(cq_instance **out, cq_model *m, const cq_value *const *vals, size_t n,
                     const cq_include *include, const cq_write_opts *opts);

/* belongsTo targets of the rows (with their own trees), one level at a time; each row's
 * foreign key is set from its target, which is kept in made[r] for attaching. */
static int bulk_targets(cq_instance **made, cq_value **own, const cq_assoc *a, const cq_include *e,
                        const cq_value *const *vals, size_t n, const cq_write_opts *opts)
{
    cq_db *db = a->source->db;
    level l = { 0 };
    int rc = CQ_OK;
    for (size_t r = 0; rc == CQ_OK && r < n; r++) {
        const cq_value *data = cq_value_object_get(vals[r], a->alias.as);
        if (data && !cq_value_is_null(data))
            rc = level_add(&l, data, NULL, NULL, r) == CQ_OK ? CQ_OK : cq__db_oom(db);
    }
    cq_instance **got = l.n ? cq__calloc(l.n, sizeof *got) : NULL;
    if (rc == CQ_OK && l.n && !got)
        rc = cq__db_oom(db);
    if (rc == CQ_OK && l.n)
        rc = bulk_tree(got, a->target, l.vals, l.n, e->include, opts);
    for (size_t j = 0; rc == CQ_OK && j < l.n; j++) {
        made[l.owner[j]] = got[j];
        got[j] = NULL;
        if (put(own[l.owner[j]], a->fk, attr_value(made[l.owner[j]], a->target_key)) != CQ_OK)
            rc = cq__db_oom(db);
    }
    for (size_t j = 0; got && j < l.n; j++)
        cq_instance_free(got[j]);
    cq__free(got);
    level_free(&l);
    return rc;
}

/* hasOne / hasMany / belongsToMany children of the inserted rows `insts`, one level at a
 * time; belongsToMany join rows in one more multi-row INSERT. */
static int bulk_children(cq_instance **insts, const cq_value *const *vals, size_t n,
                         const cq_assoc *a, const cq_include *e, const cq_write_opts *opts)
{
    cq_db *db = a->source->db;
    level l = { 0 };
    int rc = CQ_OK;
    for (size_t r = 0; rc == CQ_OK && r < n; r++) {
        if (!add_included(insts[r], a)) {
            rc = cq__db_oom(db);
            break;
        }
        const cq_value *data = cq_value_object_get(vals[r], a->alias.as);
        bool list = false;
        size_t k = 0;
        rc = nested_list(a, data, &list, &k);
        for (size_t i = 0; rc == CQ_OK && i < k; i++) {
            cq_value *cv = NULL, *jd = NULL;
            rc = child_values(&cv, &jd, insts[r], a, list ? cq_value_array_get(data, i) : data);
            if (rc != CQ_OK) {
                cq_value_free(cv);
                cq_value_free(jd);
            } else if (level_add(&l, NULL, cv, jd, r) != CQ_OK) {
                rc = cq__db_oom(db);
            }
        }
    }
    cq_instance **got = l.n ? cq__calloc(l.n, sizeof *got) : NULL;
    if (rc == CQ_OK && l.n && !got)
        rc = cq__db_oom(db);
    if (rc == CQ_OK && l.n)
        rc = bulk_tree(got, a->target, l.vals, l.n, e->include, opts);
    if (rc == CQ_OK && l.n && a->type == CQ_BELONGS_TO_MANY) {
        cq_value *rows = cq_value_array();
        rc = rows ? CQ_OK : cq__db_oom(db);
        for (size_t j = 0; rc == CQ_OK && j < l.n; j++) {
            cq_value *row = join_row(a, insts[l.owner[j]], got[j], l.jdata[j]);
            if (!row || cq_value_array_append(rows, row) != CQ_OK)
                rc = cq__db_oom(db);
        }
        if (rc == CQ_OK)
            rc = cq__model_insert_many(a->through, rows, !opts || opts->hooks != CQ_OFF);
        cq_value_free(rows);
    }
    for (size_t j = 0; rc == CQ_OK && j < l.n; j++) {
        if (attach(included_of(insts[l.owner[j]], a), got[j]) != CQ_OK)
            rc = cq__db_oom(db);
        got[j] = NULL;
    }
    for (size_t j = 0; got && j < l.n; j++)
        cq_instance_free(got[j]);
    cq__free(got);
    level_free(&l);
    return rc;
}

/* Step 1 of bulk_tree for one belongsTo include: the targets written (targets[r] for row r,
 * or NULL) and their keys copied into the rows. */
static int bulk_parents(cq_instance **targets, cq_instance **out, cq_value **own, const cq_assoc *a,
                        const cq_include *elem, const cq_value *const *vals, size_t n,
                        const cq_write_opts *opts)
{
    int rc = bulk_targets(targets, own, a, elem, vals, n, opts);
    for (size_t r = 0; rc == CQ_OK && r < n; r++) {
        const cq_instance *t = targets[r];
        const cq_value *k = t ? attr_value(t, a->target_key) : NULL;
        cq_value *kc = k ? cq_value_copy(k) : NULL;
        if (k && !kc)
            rc = cq__db_oom(a->source->db);
        else if (kc)
            rc = cq__instance_store(out[r], a->fk, kc);
    }
    return rc;
}

/* A belongsTo target (taken from *t, if any) hung under its row. */
static int hang_parent(cq_instance *row, const cq_assoc *a, cq_instance **t)
{
    if (!*t)
        return CQ_OK;
    cq__included *inc = add_included(row, a);
    if (!inc)
        return cq__db_oom(a->source->db);
    inc->one = *t;
    *t = NULL;
    return CQ_OK;
}

/* bulkCreate with include (include.md B7): one multi-row INSERT per table and level, in the
 * order belongsTo targets (recursively), these rows, then every other include in include
 * order (belongsToMany: the targets, then their join rows). out[0..n) receive the rows. */
static int bulk_tree(cq_instance **out, cq_model *m, const cq_value *const *vals, size_t n,
                     const cq_include *include, const cq_write_opts *opts)
{
    cq_db *db = m->db;
    for (size_t r = 0; r < n; r++) {
        out[r] = NULL;
        if (cq_value_type_of(vals[r]) != CQ_VALUE_OBJECT)
            return cq__db_fail(db, CQ_EINVALID, "values for model \"%s\" must be an object",
                               m->name);
    }
    const cq_assoc **assocs = NULL;
    const cq_include **elems = NULL;
    size_t ninc = 0;
    int rc = resolve_includes(m, include, &assocs, &elems, &ninc);
    cq_value **own = cq__calloc(n + 1, sizeof *own);
    cq_instance **targets = cq__calloc(ninc * n + 1, sizeof *targets);
    if (rc == CQ_OK && (!own || !targets))
        rc = cq__db_oom(db);
    for (size_t r = 0; rc == CQ_OK && r < n; r++)
        if (!(own[r] = own_values(m, vals[r])))
            rc = cq__db_oom(db);
    /* 0. the rows built, and beforeBulkCreate on them (v6 bulkCreate runs it first, then
     * the includes' own bulkCreate calls with their hooks) */
    bool hooks = !opts || opts->hooks != CQ_OFF;
    cq_rows list = { .items = out, .n = n, .cap = n };
    for (size_t r = 0; rc == CQ_OK && r < n; r++)
        rc = cq_model_build(&out[r], m, own[r]);
    if (rc == CQ_OK && hooks) {
        cq_hook_ctx ctx = { .rows = &list };
        rc = cq__hooks_run(m, CQ__H_BEFORE_BULK_CREATE, &ctx, NULL);
    }
    /* 1. belongsTo targets, their keys copied into these rows */
    for (size_t i = 0; rc == CQ_OK && i < ninc; i++)
        if (assocs[i]->type == CQ_BELONGS_TO)
            rc = bulk_parents(targets + i * n, out, own, assocs[i], elems[i], vals, n, opts);
    /* 2. these rows, in one statement */
    if (rc == CQ_OK) {
        cq_write_opts plain = opts ? *opts : (cq_write_opts){ 0 };
        plain.include = NULL;
        rc = cq__model_insert_rows(out, n, &plain);
    }
    /* 3. the includes in order: belongsTo targets hang under their rows, the others are
     * created below them */
    for (size_t i = 0; rc == CQ_OK && i < ninc; i++) {
        const cq_assoc *a = assocs[i];
        if (a->type != CQ_BELONGS_TO) {
            rc = bulk_children(out, vals, n, a, elems[i], opts);
            continue;
        }
        for (size_t r = 0; rc == CQ_OK && r < n; r++)
            rc = hang_parent(out[r], a, &targets[i * n + r]);
    }
    if (rc == CQ_OK && hooks) {
        cq_hook_ctx ctx = { .rows = &list };
        rc = cq__hooks_run(m, CQ__H_AFTER_BULK_CREATE, &ctx, NULL);
    }
    for (size_t j = 0; targets && j < ninc * n; j++)
        cq_instance_free(targets[j]);
    cq__free(targets);
    for (size_t r = 0; own && r < n; r++)
        cq_value_free(own[r]);
    cq__free(own);
    cq__free(assocs); /* (the elements with them) */
    if (rc != CQ_OK)
        for (size_t r = 0; r < n; r++) {
            cq_instance_free(out[r]);
            out[r] = NULL;
        }
    return rc;
}

/* ---- validation of a whole tree before its first statement ---------------------------- */

/* Builds every row of a nested create the way create_tree will and validates it (v6
 * validates each row as it saves it; cequel checks them all first, so an invalid row deep
 * in the tree writes nothing). Foreign keys that the tree fills in later (this row's
 * belongsTo keys, a child's key to its parent) are not checked; `skip` lists the one the
 * parent fills. Items are collected on the db with `record`. With `bm`, each row built is
 * kept there under `node` (the caller's values it comes from) for the write. With `via`,
 * `values` is a plain child of `parent` (plain_child), built as child_values would make it. */
static int prevalidate(cq_model *m, const cq_value *values, const cq_include *include,
                       const char *skip, size_t record, const cq_value *node, built_map *bm,
                       const cq_assoc *via, const cq_instance *parent)
{
    cq_db *db = m->db;
    if (values && cq_value_type_of(values) != CQ_VALUE_OBJECT)
        return cq__db_fail(db, CQ_EINVALID, "values for model \"%s\" must be an object", m->name);
    const cq_assoc **assocs = NULL;
    const cq_include **elems = NULL;
    size_t ninc = 0;
    int rc = resolve_includes(m, include, &assocs, &elems, &ninc);
    const char *skips_buf[LATE_KEYS_STACK + 2] = { NULL };
    const char **skips = ninc <= LATE_KEYS_STACK ? skips_buf : cq__calloc(ninc + 2, sizeof *skips);
    if (rc == CQ_OK && !skips)
        rc = cq__db_oom(db);
    size_t nskip = 0;
    if (skips && skip)
        skips[nskip++] = skip;
    /* belongsTo targets first, as they are created first */
    for (size_t i = 0; rc == CQ_OK && i < ninc; i++) {
        const cq_assoc *a = assocs[i];
        const cq_value *data = cq_value_object_get(node, a->alias.as);
        if (a->type != CQ_BELONGS_TO || !data || cq_value_is_null(data))
            continue;
        skips[nskip++] = a->fk;
        rc = prevalidate(a->target, data, elems[i]->include, NULL, record, data, bm, NULL, NULL);
    }
    cq_instance *inst = NULL;
    if (rc == CQ_OK)
        rc = build_own(&inst, m, values);
    if (rc == CQ_OK && via)
        rc = child_keys(inst, parent, via);
    if (rc == CQ_OK)
        rc = cq__validation_check(inst, true, NULL, skips, record);
    for (size_t i = 0; rc == CQ_OK && i < ninc; i++) {
        const cq_assoc *a = assocs[i];
        const cq_value *data = cq_value_object_get(node, a->alias.as);
        if (a->type == CQ_BELONGS_TO || !data)
            continue;
        bool list = false;
        size_t n = 0;
        rc = nested_list(a, data, &list, &n);
        for (size_t k = 0; rc == CQ_OK && k < n; k++) {
            cq_value *cv = NULL, *jdata = NULL;
            const cq_value *elem = list ? cq_value_array_get(data, k) : data;
            const char *fk = a->through ? NULL : a->fk;
            if (plain_child(a, elem)) {
                rc = prevalidate(a->target, elem, elems[i]->include, fk, record, elem, bm, a, inst);
                continue;
            }
            rc = child_values(&cv, &jdata, inst, a, elem);
            if (rc == CQ_OK)
                rc =
                    prevalidate(a->target, cv, elems[i]->include, fk, record, elem, bm, NULL, NULL);
            cq_value_free(cv);
            cq_value_free(jdata);
        }
    }
    if (rc == CQ_OK && bm && inst)
        rc = built_put(bm, node, inst) == CQ_OK ? CQ_OK : cq__db_oom(db);
    else
        cq_instance_free(inst);
    if (skips != skips_buf)
        cq__free(skips);
    cq__free(assocs); /* (the elements with them) */
    return rc;
}

/* Validates the trees of `n` rows (vals[i] or the elements of an array) as one outcome; with
 * `bm`, keeps the rows built (prevalidate). */
static int prevalidate_all(cq_model *m, const cq_value *const *vals, size_t n,
                           const cq_include *include, built_map *bm)
{
    cq_db *db = m->db;
    int rc = cq__validation_begin(db);
    for (size_t r = 0; rc == CQ_OK && r < n; r++)
        rc = prevalidate(m, vals[r], include, NULL, r, vals[r], bm, NULL, NULL);
    return cq__validation_finish(db, rc);
}

/* The start of a create call on `m`. */
static int create_enter(cq_model *m, const cq_write_opts *opts)
{
    return m ? cq__db_enter(m->db, opts ? opts->transaction : NULL) : CQ_EINVALID;
}

static int tx_begin(cq_txn **t, cq_db *db)
{
    return cq__txn_begin(t, db, cq__txn_current(db));
}

int cq_model_create(cq_instance **out, cq_model *m, const cq_value *values,
                    const cq_write_opts *opts)
{
    if (out)
        *out = NULL;
    int trc = create_enter(m, opts);
    if (trc != CQ_OK)
        return trc;
    if (!opts || !opts->include) {
        /* association data without an include is ignored, as in Sequelize */
        cq_value *copy = NULL;
        const cq_value *own = values ? own_view(&copy, m, values) : NULL;
        if (values && !own && cq_value_type_of(values) == CQ_VALUE_OBJECT)
            return cq__db_oom(m->db);
        int rc = cq__model_create_plain(out, m, own ? own : values, opts);
        cq_value_free(copy);
        return rc;
    }
    cq_include *expanded = NULL; /* `all` elements expanded, as Model.build does */
    int rc = cq__inc_expand_all(&expanded, m, opts->include);
    const cq_include *inc = expanded ? expanded : opts->include;
    /* every row is validated before the first statement; each row is validated again as it
     * is written (v6's order, with the validation hooks: a hook may change a row). The write
     * takes the rows the first pass built. */
    cq_write_opts written = *opts;
    built_map bm = { 0 };
    if (rc == CQ_OK && opts->validate != CQ_OFF)
        rc = prevalidate_all(m, &values, 1, inc, &bm);
    cq_txn *t = NULL;
    if (rc == CQ_OK)
        rc = tx_begin(&t, m->db);
    if (rc != CQ_OK) {
        built_free(&bm);
        cq__inc_list_free(expanded);
        return rc;
    }
    cq_instance *inst = NULL;
    rc = cq__txn_finish(t, create_tree(&inst, m, values, inc, &written, &bm));
    built_free(&bm);
    cq__inc_list_free(expanded);
    return cq__instance_hand_out(out, inst, rc);
}

int cq_model_bulk_create(cq_rows **out, cq_model *m, const cq_value *values,
                         const cq_write_opts *opts)
{
    if (out)
        *out = NULL;
    int trc = create_enter(m, opts);
    if (trc != CQ_OK)
        return trc;
    if (!opts || !opts->include)
        return cq__model_bulk_create_plain(out, m, values, opts);
    if (cq_value_type_of(values) != CQ_VALUE_ARRAY)
        return cq__db_fail(m->db, CQ_EINVALID, "bulkCreate on \"%s\" needs an array of objects",
                           m->name);
    size_t n = cq_value_size(values);
    const cq_value **vals = cq__calloc(n + 1, sizeof *vals);
    cq_rows *rows = cq__calloc(1, sizeof *rows);
    cq_instance **made = cq__calloc(n + 1, sizeof *made);
    if (!vals || !rows || !made) {
        cq__free(vals);
        cq__free(rows);
        cq__free(made);
        return cq__db_oom(m->db);
    }
    for (size_t i = 0; i < n; i++)
        vals[i] = cq_value_array_get(values, i);
    /* the whole forest in one transaction, or a savepoint in the caller's (docs/differences.md) */
    cq_include *expanded = NULL;
    cq_txn *t = NULL;
    int rc = cq__inc_expand_all(&expanded, m, opts->include);
    const cq_include *inc = expanded ? expanded : opts->include;
    /* `validate: true`: every row of every tree first */
    cq_write_opts written = *opts;
    written.validate = CQ_OFF;
    if (rc == CQ_OK && opts->validate == CQ_ON)
        rc = prevalidate_all(m, vals, n, inc, NULL);
    if (rc == CQ_OK)
        rc = tx_begin(&t, m->db);
    if (rc == CQ_OK)
        rc = cq__txn_finish(t, bulk_tree(made, m, vals, n, inc, &written));
    cq__inc_list_free(expanded);
    for (size_t i = 0; i < n; i++) {
        if (rc == CQ_OK && cq__rows_push(rows, made[i]) != 0)
            rc = cq__db_oom(m->db);
        else if (rc != CQ_OK)
            cq_instance_free(made[i]);
    }
    cq__free(vals);
    cq__free(made);
    if (rc != CQ_OK || !out)
        cq_rows_free(rows);
    else
        *out = rows;
    return rc;
}
