/*
 * Reading naturally. Accessors with one target: getX of a to-one association as an instance, and
 * set/add/remove/has with a single instance, without building a cq_target list. Each one is
 * the list form with n = 1, so the behaviour (statements, errors) is the list form's.
 */
#include <stdlib.h>

#include "model/assoc.h"
#include "model/model.h"
#include "query/instance.h"

int cq_assoc_get_one(cq_instance **out, cq_instance *src, const cq_assoc *a,
                     const cq_find_opts *opts)
{
    *out = NULL;
    if (!src || !a)
        return CQ_EINVALID;
    if (a->type != CQ_BELONGS_TO && a->type != CQ_HAS_ONE)
        return cq__db_fail(src->model->db, CQ_EINVALID,
                           "%s.%s: cq_assoc_get_one reads a belongsTo or hasOne association; "
                           "%s is a %s (use cq_assoc_get)",
                           src->model->name, a->acc.get, a->alias.as, cq_assoc_type_name(a->type));
    cq_rows *rows = NULL;
    int rc = cq_assoc_get(&rows, src, a, opts);
    if (rc == CQ_OK && cq_rows_count(rows) > 0)
        *out = cq_rows_take(rows, 0);
    cq_rows_free(rows);
    return rc;
}

/* One target: the instance, or for `set` with NULL none at all. */
static size_t one(cq_target *t, cq_instance *target)
{
    *t = (cq_target){ .instance = target };
    return target ? 1 : 0;
}

int cq_assoc_set_instance(cq_instance *src, const cq_assoc *a, cq_instance *target,
                          const cq_assoc_write_opts *opts)
{
    cq_target t;
    size_t n = one(&t, target);
    return cq_assoc_set(src, a, &t, n, opts);
}

int cq_assoc_add_instance(cq_instance *src, const cq_assoc *a, cq_instance *target,
                          const cq_assoc_write_opts *opts)
{
    if (!target)
        return src ? cq__db_fail(src->model->db, CQ_EINVALID,
                                 "cq_assoc_add_instance: target is NULL")
                   : CQ_EINVALID;
    cq_target t;
    one(&t, target);
    return cq_assoc_add(src, a, &t, 1, opts);
}

int cq_assoc_remove_instance(cq_instance *src, const cq_assoc *a, cq_instance *target,
                             const cq_assoc_write_opts *opts)
{
    if (!target)
        return src ? cq__db_fail(src->model->db, CQ_EINVALID,
                                 "cq_assoc_remove_instance: target is NULL")
                   : CQ_EINVALID;
    cq_target t;
    one(&t, target);
    return cq_assoc_remove(src, a, &t, 1, opts);
}

int cq_assoc_has_instance(bool *out, cq_instance *src, const cq_assoc *a, cq_instance *target,
                          const cq_find_opts *opts)
{
    *out = false;
    if (!target)
        return src ? cq__db_fail(src->model->db, CQ_EINVALID,
                                 "cq_assoc_has_instance: target is NULL")
                   : CQ_EINVALID;
    cq_target t;
    one(&t, target);
    return cq_assoc_has(out, src, a, &t, 1, opts);
}

/* ---- included data, typed ---------------------------------------------------------- */

cq_instance *cq_instance_included_one(const cq_instance *inst, const char *as)
{
    cq_instance *one_inst = NULL;
    cq_instance_included(NULL, &one_inst, NULL, inst, as);
    return one_inst;
}

const cq_rows *cq_instance_included_many(const cq_instance *inst, const char *as)
{
    const cq_rows *many = NULL;
    cq_instance_included(NULL, NULL, &many, inst, as);
    return many;
}

/* ---- readers that cannot fail --------------------------------------------------------- */

static const cq_value *attr_value(const cq_instance *inst, const char *attr)
{
    return inst && attr ? cq_instance_get(inst, attr) : NULL;
}

const char *cq_instance_text(const cq_instance *inst, const char *attr)
{
    return cq_value_as_text(attr_value(inst, attr));
}

int64_t cq_instance_int(const cq_instance *inst, const char *attr)
{
    return cq_value_as_int(attr_value(inst, attr));
}

bool cq_instance_bool(const cq_instance *inst, const char *attr)
{
    return cq_value_as_bool(attr_value(inst, attr));
}
