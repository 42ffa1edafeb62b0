/* Model scopes (cequel/scope.h): resolving a call's scopes and merging them into its options
 * as Sequelize v6 does (Model.scope, _assignOptions, _injectScope). */
#ifndef CQ_MODEL_SCOPES_H
#define CQ_MODEL_SCOPES_H

#include "model/model.h"

/* A call's options with the scopes merged in; owns everything `o` points to that the
 * caller's options did not. */
typedef struct cq__scoped {
    cq_find_opts o;
    cq_value **vals; /* values owned */
    size_t nvals, vals_cap;
    void **mem; /* arrays owned (includes, orders, name lists) */
    size_t nmem, mem_cap;
} cq__scoped;

/* The scope object in force for `sel` on `m` (see cequel/scope.h), merged; *out is NULL when
 * none applies. The caller frees it. */
int cq__scope_resolve(cq_value **out, cq_model *m, const cq_value *sel);

/* A finder's options with `opts->scope` (NULL: the default scope) merged in, and every
 * include given its target's scopes. Free with cq__scoped_free (also after a failure). */
int cq__scope_find_opts(cq__scoped *sc, cq_model *m, const cq_find_opts *opts);
void cq__scoped_free(cq__scoped *sc);

/* The where of a model-level update/destroy/increment/aggregate: the scope's where with the
 * call's keys merged over it. *out is a new value, or NULL when neither gives one. */
int cq__scope_where(cq_value **out, cq_model *m, const cq_value *sel, const cq_value *where);

#endif
