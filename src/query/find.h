/* The finder engine shared by model finders and association accessors. */
#ifndef CQ_QUERY_FIND_H
#define CQ_QUERY_FIND_H

#include "model/model.h"
#include "stmt/stmt.h"

typedef struct cq__find_ext {
    cq__expr *where; /* extra condition ANDed with opts->where; ownership taken */
    /* belongsToMany getters: INNER JOIN the join model and attach its rows to the targets */
    cq_model *through;
    const char *through_alias;
    cq__expr *join_on;                /* ownership taken */
    const char *const *through_attrs; /* join attributes to expose; NULL = all */
    bool no_through_attrs;            /* joinTableAttributes: [] */
    bool keep_through_keys;           /* read every join column (include loading groups by
                                         them); the caller hides what was not asked for */
    /* a hasMany include with a limit (include.md A6): one branch per parent, each with its
     * own condition (ownership taken) and LIMIT branch_limit, combined by UNION ALL */
    const char *count_attr; /* count: COUNT(m.<attr>) instead of count(*) */
    cq__expr **branch_where;
    size_t nbranch;
    int64_t branch_limit;
    bool no_hooks; /* include loading: the target's find hooks do not run */
} cq__find_ext;

/* Frees the expressions an extension still owns. */
void cq__find_ext_release(cq__find_ext *ext);

/* findAll with the extension; ext may be NULL. ext's expressions are freed in every case. */
int cq__find(cq_rows **out, cq_model *m, const cq_find_opts *o, cq__find_ext *ext);
int cq__count(int64_t *out, cq_model *m, const cq_find_opts *o, cq__find_ext *ext);
/* The text of cq__count's statement for `ext` and no options (caller frees it with cq__free)
 * and its number of parameters; ext's expressions are freed in every case. */
int cq__count_render(char **text, size_t *nparams, cq_model *m, cq__find_ext *ext);

#endif
