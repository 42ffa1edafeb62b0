/* Which association an include element names: the lookups the include planner, nested create
 * and scopes share (association metadata only). */
#include <string.h>

#include "model/assoc.h"

bool cq__inc_is_end(const cq_include *e)
{
    /* only an all-zero element ends a list: one with options but no association is an error
     * (cq__inc_resolve), not a silent end */
    return !e->association && !e->model && !e->as && !e->all && !e->all_types && !e->nested &&
           !e->where && !e->required && !e->attributes && !e->include && !e->separate &&
           !e->through_attributes && !e->through_attributes_none && !e->through_where &&
           !e->limit && !e->order && !e->paranoid && !e->through_paranoid && !e->scope;
}

/* Which association an include element names (spec/include.md A1). */
int cq__inc_resolve(const cq_assoc **out, cq_model *src, const cq_include *e)
{
    cq_db *db = src->db;
    *out = NULL;
    if (e->association) {
        if (e->association->source != src)
            return cq__db_fail(db, CQ_EEAGER, "%s is not associated to %s!",
                               e->association->target->name, src->name);
        *out = e->association;
        return CQ_OK;
    }
    if (!e->model && !e->as)
        return cq__db_fail(db, CQ_EINVALID,
                           "an include of %s names no association: give association, model or "
                           "as (a list ends with an all-zero element)",
                           src->name);
    if (!e->model) {
        cq_assoc *a = e->as ? cq_model_assoc(src, e->as) : NULL;
        if (!a)
            return cq__db_fail(db, CQ_EUNKNOWN_ASSOC,
                               "Association with alias \"%s\" does not exist on %s",
                               e->as ? e->as : "", src->name);
        *out = a;
        return CQ_OK;
    }
    const cq_assoc *match = NULL, *only = NULL;
    size_t candidates = 0;
    for (size_t i = 0; i < src->nassocs; i++) {
        const cq_assoc *a = src->assocs[i];
        if (a->target != e->model)
            continue;
        candidates++;
        only = a;
        bool ok = e->as ? strcmp(a->alias.as, e->as) == 0 : !a->alias.is_aliased;
        if (ok) /* the newest definition wins, as cq_model_assoc and Sequelize do */
            match = a;
    }
    if (match) {
        *out = match;
        return CQ_OK;
    }
    if (candidates == 0)
        return cq__db_fail(db, CQ_EEAGER, "%s is not associated to %s!", e->model->name, src->name);
    if (candidates == 1 && e->as)
        return cq__db_fail(db, CQ_EEAGER,
                           "%s is associated to %s using an alias. You've included an alias (%s), "
                           "but it does not match the alias(es) defined in your association (%s).",
                           e->model->name, src->name, e->as, only->alias.as);
    if (candidates == 1)
        return cq__db_fail(db, CQ_EEAGER,
                           "%s is associated to %s using an alias. You must use the 'as' keyword "
                           "to specify the alias within your include statement.",
                           e->model->name, src->name);
    return cq__db_fail(db, CQ_EEAGER,
                       "%s is associated to %s multiple times. To identify the correct "
                       "association, you must use the 'as' keyword to specify the alias of the "
                       "association you want to include.",
                       e->model->name, src->name);
}
