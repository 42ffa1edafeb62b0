/* Checking that an association's keys still name attributes of their models. */
#include <stdatomic.h>

#include "model/assoc.h"

/* One key: `attr` must be an attribute of `m`; `role` names it in the message. */
static int check_key(const cq_assoc *a, const char *what, cq_model *m, const char *attr,
                     const char *role)
{
    if (attr && cq__model_attr_index(m, attr) >= 0)
        return CQ_OK;
    cq_db *db = a->source->db;
    if (m == a->through)
        return cq__db_fail(db, CQ_EUNKNOWN_ATTR,
                           "%s: the join model \"%s\" has no attribute \"%s\", the %s of %s.%s (a "
                           "later association over the same join model re-defined its keys)",
                           what, m->name, attr ? attr : "", role, a->source->name, a->alias.as);
    return cq__db_fail(db, CQ_EUNKNOWN_ATTR,
                       "%s: model \"%s\" has no attribute \"%s\", the %s of %s.%s", what, m->name,
                       attr ? attr : "", role, a->source->name, a->alias.as);
}

int cq__assoc_check_keys(const cq_assoc *a, const char *what)
{
    /* a frozen schema changes no attribute and no association: a check passed then holds */
    if (atomic_load_explicit(&a->keys_ok, memory_order_acquire))
        return CQ_OK;
    bool frozen = cq_db_is_frozen(a->source->db);
    int rc = CQ_OK;
    switch (a->type) {
    case CQ_BELONGS_TO:
        rc = check_key(a, what, a->source, a->fk, "foreign key");
        if (rc == CQ_OK)
            rc = check_key(a, what, a->target, a->target_key, "target key");
        break;
    case CQ_BELONGS_TO_MANY:
        rc = check_key(a, what, a->source, a->source_key, "source key");
        if (rc == CQ_OK)
            rc = check_key(a, what, a->target, a->target_key, "target key");
        if (rc == CQ_OK)
            rc = check_key(a, what, a->through, a->fk, "foreign key");
        if (rc == CQ_OK)
            rc = check_key(a, what, a->through, a->other_key, "other key");
        break;
    default:
        rc = check_key(a, what, a->source, a->source_key, "source key");
        if (rc == CQ_OK)
            rc = check_key(a, what, a->target, a->fk, "foreign key");
        if (rc == CQ_OK && frozen) {
            /* the same values from every thread that gets here; published by keys_ok */
            cq_assoc *w = (cq_assoc *)a;
            atomic_store_explicit(&w->source_key_index,
                                  cq__model_attr_index(a->source, a->source_key),
                                  memory_order_relaxed);
            atomic_store_explicit(&w->fk_index, cq__model_attr_index(a->target, a->fk),
                                  memory_order_relaxed);
        }
    }
    if (rc == CQ_OK && frozen)
        atomic_store_explicit(&((cq_assoc *)a)->keys_ok, true, memory_order_release);
    return rc;
}
