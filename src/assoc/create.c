/* create / bulkCreate, with associated rows (spec/include.md part B).
 *
 * Going beyond Sequelize v6 (DEVIATIONS D2): the whole tree is written in one transaction,
 * or a savepoint inside the caller's, so a failure at any row leaves nothing behind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assoc/assoc.h"
#include "core/util.h"
#include "query/include.h"

static int oom(cq_db *db)
{
    return cq__db_fail(db, CQ_ENOMEM, "out of memory");
}

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
        if (cq_value_object_set(o, k, cq_value_copy(cq_value_object_value(v, i))) != CQ_OK)
            return NULL;
    }
    return o;
}

static const cq_value *attr_value(const cq_instance *inst, const char *attr)
{
    long i = cq__model_attr_index(inst->model, attr);
    return i < 0 ? NULL : inst->values[i];
}

static cq__included *add_included(cq_instance *inst, const cq_assoc *a)
{
    if (cq__grow((void **)&inst->inc, &inst->inc_cap, inst->ninc + 1, sizeof *inst->inc) != 0)
        return NULL;
    cq__included *inc = &inst->inc[inst->ninc];
    memset(inc, 0, sizeof *inc);
    inc->assoc = a;
    inc->many = cq__assoc_is_multi(a);
    inc->key = cq__strdup(a->alias.as);
    if (!inc->key || (inc->many && !(inc->rows = calloc(1, sizeof *inc->rows)))) {
        free(inc->key);
        return NULL;
    }
    inst->ninc++;
    return inc;
}

static int create_tree(cq_instance **out, cq_model *m, const cq_value *values,
                       const cq_include *include, const cq_write_opts *opts);

/* Sets `key` in an object value (copying `v`). */
static int put(cq_value *obj, const char *key, const cq_value *v)
{
    return cq_value_object_set(obj, key, v ? cq_value_copy(v) : cq_value_null());
}

/* hasOne / hasMany / belongsToMany children of a freshly inserted row. */
static int create_children(cq_instance *inst, const cq_include *e, const cq_assoc *a,
                           const cq_value *data, const cq_write_opts *opts)
{
    cq_db *db = a->source->db;
    cq__included *inc = add_included(inst, a);
    if (!inc)
        return oom(db);
    /* null means no children (DEVIATIONS D15); a single object counts as a list of one */
    if (cq_value_is_null(data))
        return CQ_OK;
    bool list = cq_value_type_of(data) == CQ_VALUE_ARRAY;
    if (!list && cq_value_type_of(data) != CQ_VALUE_OBJECT)
        return cq__db_fail(db, CQ_EINVALID, "%s.%s: nested data must be an object or an array",
                           a->source->name, a->alias.as);
    size_t n = list ? cq_value_size(data) : 1;
    const char *through_key = a->through ? a->through->name : NULL;
    for (size_t i = 0; i < n; i++) {
        const cq_value *elem = list ? cq_value_array_get(data, i) : data;
        if (cq_value_type_of(elem) != CQ_VALUE_OBJECT)
            return cq__db_fail(db, CQ_EINVALID, "%s.%s[%zu]: nested data must be an object",
                               a->source->name, a->alias.as, i);
        cq_value *cv = cq_value_copy(elem);
        if (!cv)
            return oom(db);
        cq_value *jdata = NULL;
        if (through_key) {
            /* join-row values travel under the join model's name */
            const cq_value *jd = cq_value_object_get(cv, through_key);
            if (jd)
                jdata = cq_value_copy(jd);
            cq_value_object_remove(cv, through_key);
        } else {
            int rc = put(cv, a->fk, attr_value(inst, a->source_key));
            for (size_t k = 0; rc == CQ_OK && k < cq_value_size(a->scope); k++)
                rc = put(cv, cq_value_object_key(a->scope, k), cq_value_object_value(a->scope, k));
            if (rc != CQ_OK) {
                cq_value_free(cv);
                return oom(db);
            }
        }
        cq_instance *child = NULL;
        int rc = create_tree(&child, a->target, cv, e->include, opts);
        cq_value_free(cv);
        if (rc == CQ_OK && a->type == CQ_BELONGS_TO_MANY) {
            cq_value *row = jdata && cq_value_type_of(jdata) == CQ_VALUE_OBJECT
                                ? cq_value_copy(jdata)
                                : cq_value_object();
            for (size_t k = 0; row && k < cq_value_size(a->through_scope); k++)
                put(row, cq_value_object_key(a->through_scope, k),
                    cq_value_object_value(a->through_scope, k));
            if (!row || put(row, a->fk, attr_value(inst, a->source_key)) != CQ_OK ||
                put(row, a->other_key, attr_value(child, a->target_key)) != CQ_OK)
                rc = oom(db);
            if (rc == CQ_OK)
                rc = cq__model_create_plain(NULL, a->through, row, opts);
            cq_value_free(row);
        }
        cq_value_free(jdata);
        if (rc != CQ_OK) {
            cq_instance_free(child);
            return rc;
        }
        if (inc->many) {
            if (cq__rows_push(inc->rows, child) != 0)
                return oom(db);
        } else {
            cq_instance_free(inc->one); /* several objects for a hasOne: the last one stays */
            inc->one = child;
        }
    }
    return CQ_OK;
}

/* Creates one row and its included associated rows, depth first (include.md B2). */
static int create_tree(cq_instance **out, cq_model *m, const cq_value *values,
                       const cq_include *include, const cq_write_opts *opts)
{
    cq_db *db = m->db;
    *out = NULL;
    if (values && cq_value_type_of(values) != CQ_VALUE_OBJECT)
        return cq__db_fail(db, CQ_EINVALID, "values for model \"%s\" must be an object", m->name);
    cq_value *own = own_values(m, values);
    if (!own)
        return oom(db);
    /* resolve every include first: a bad include fails before any row is written;
     * `{all: true}` stands for every association of the model */
    size_t ninc = 0;
    for (const cq_include *e = include; e && !cq__inc_is_end(e); e++)
        ninc += e->all ? m->nassocs : 1;
    const cq_assoc **assocs = calloc(ninc + 1, sizeof *assocs);
    const cq_include **elems = calloc(ninc + 1, sizeof *elems);
    int rc = assocs && elems ? CQ_OK : oom(db);
    size_t nres = 0;
    for (const cq_include *e = include; rc == CQ_OK && e && !cq__inc_is_end(e); e++) {
        for (size_t k = 0; rc == CQ_OK && k < (e->all ? m->nassocs : 1); k++) {
            const cq_assoc *a = NULL;
            if (e->all)
                a = m->assocs[k];
            else
                rc = cq__inc_resolve(&a, m, e);
            bool dup = false; /* the same association listed twice is created once */
            for (size_t i = 0; rc == CQ_OK && i < nres; i++)
                dup |= assocs[i] == a;
            if (rc == CQ_OK && !dup) {
                assocs[nres] = a;
                elems[nres++] = e;
            }
        }
    }
    ninc = nres;
    cq_instance **parents = calloc(ninc + 1, sizeof *parents);
    if (rc == CQ_OK && !parents)
        rc = oom(db);
    /* 1. belongsTo targets first, their key copied into this row */
    for (size_t i = 0; rc == CQ_OK && i < ninc; i++) {
        const cq_assoc *a = assocs[i];
        const cq_value *data = cq_value_object_get(values, a->alias.as);
        if (a->type != CQ_BELONGS_TO || !data || cq_value_is_null(data))
            continue;
        rc = create_tree(&parents[i], a->target, data, elems[i]->include, opts);
        if (rc == CQ_OK && put(own, a->fk, attr_value(parents[i], a->target_key)) != CQ_OK)
            rc = oom(db);
    }
    /* 2. this row */
    cq_instance *inst = NULL;
    if (rc == CQ_OK) {
        cq_write_opts plain = opts ? *opts : (cq_write_opts){ 0 };
        plain.include = NULL;
        rc = cq__model_create_plain(&inst, m, own, &plain);
    }
    cq_value_free(own);
    /* 3. the rows that point at this one */
    for (size_t i = 0; rc == CQ_OK && i < ninc; i++) {
        const cq_assoc *a = assocs[i];
        const cq_value *data = cq_value_object_get(values, a->alias.as);
        if (a->type == CQ_BELONGS_TO) {
            if (!parents[i])
                continue;
            cq__included *inc = add_included(inst, a);
            if (!inc) {
                rc = oom(db);
                break;
            }
            inc->one = parents[i];
            parents[i] = NULL;
            continue;
        }
        if (data)
            rc = create_children(inst, elems[i], a, data, opts);
    }
    for (size_t i = 0; parents && i < ninc; i++)
        cq_instance_free(parents[i]);
    free(parents);
    free(assocs);
    free(elems);
    if (rc != CQ_OK) {
        cq_instance_free(inst);
        return rc;
    }
    *out = inst;
    return CQ_OK;
}

static int tx_begin(cq_txn **t, cq_db *db)
{
    return cq__txn_begin(t, db, db->txn_inner);
}

int cq_model_create(cq_instance **out, cq_model *m, const cq_value *values,
                    const cq_write_opts *opts)
{
    if (out)
        *out = NULL;
    cq__db_clear(m->db);
    if (!opts || !opts->include) {
        /* association data without an include is ignored, as in Sequelize */
        cq_value *own = values ? own_values(m, values) : NULL;
        if (values && !own && cq_value_type_of(values) == CQ_VALUE_OBJECT)
            return oom(m->db);
        int rc = cq__model_create_plain(out, m, own ? own : values, opts);
        cq_value_free(own);
        return rc;
    }
    cq_txn *t = NULL;
    int rc = tx_begin(&t, m->db);
    if (rc != CQ_OK)
        return rc;
    cq_instance *inst = NULL;
    rc = cq__txn_finish(t, create_tree(&inst, m, values, opts->include, opts));
    if (rc != CQ_OK) {
        cq_instance_free(inst);
        return rc;
    }
    if (out)
        *out = inst;
    else
        cq_instance_free(inst);
    return CQ_OK;
}

int cq_model_bulk_create(cq_rows **out, cq_model *m, const cq_value *values,
                         const cq_write_opts *opts)
{
    if (out)
        *out = NULL;
    cq__db_clear(m->db);
    if (!opts || !opts->include)
        return cq__model_bulk_create_plain(out, m, values, opts);
    if (cq_value_type_of(values) != CQ_VALUE_ARRAY)
        return cq__db_fail(m->db, CQ_EINVALID, "bulkCreate on \"%s\" needs an array of objects",
                           m->name);
    cq_txn *t = NULL;
    int rc = tx_begin(&t, m->db);
    if (rc != CQ_OK)
        return rc;
    cq_rows *rows = calloc(1, sizeof *rows);
    if (!rows)
        rc = oom(m->db);
    for (size_t i = 0; rc == CQ_OK && i < cq_value_size(values); i++) {
        cq_instance *inst = NULL;
        rc = create_tree(&inst, m, cq_value_array_get(values, i), opts->include, opts);
        if (rc == CQ_OK && cq__rows_push(rows, inst) != 0)
            rc = oom(m->db);
    }
    rc = cq__txn_finish(t, rc);
    if (rc != CQ_OK || !out)
        cq_rows_free(rows);
    else
        *out = rows;
    return rc;
}
