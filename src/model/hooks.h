/* Hooks (hooks.c): the lists of callbacks on models and on the db, and running them. */
#ifndef CQ_MODEL_HOOKS_INTERNAL_H
#define CQ_MODEL_HOOKS_INTERNAL_H

#include "cequel/hooks.h"
#include "cequel/query.h"

/* v6's events, in the order of the public list. beforeSave / afterSave are never run
 * themselves: their hooks sit in the create and update lists (v6 "proxies"). */
typedef enum cq__hook_event {
    CQ__H_BEFORE_VALIDATE,
    CQ__H_AFTER_VALIDATE,
    CQ__H_VALIDATION_FAILED,
    CQ__H_BEFORE_CREATE,
    CQ__H_AFTER_CREATE,
    CQ__H_BEFORE_UPDATE,
    CQ__H_AFTER_UPDATE,
    CQ__H_BEFORE_SAVE,
    CQ__H_AFTER_SAVE,
    CQ__H_BEFORE_DESTROY,
    CQ__H_AFTER_DESTROY,
    CQ__H_BEFORE_RESTORE,
    CQ__H_AFTER_RESTORE,
    CQ__H_BEFORE_UPSERT,
    CQ__H_AFTER_UPSERT,
    CQ__H_BEFORE_BULK_CREATE,
    CQ__H_AFTER_BULK_CREATE,
    CQ__H_BEFORE_BULK_UPDATE,
    CQ__H_AFTER_BULK_UPDATE,
    CQ__H_BEFORE_BULK_DESTROY,
    CQ__H_AFTER_BULK_DESTROY,
    CQ__H_BEFORE_BULK_RESTORE,
    CQ__H_AFTER_BULK_RESTORE,
    CQ__H_BEFORE_FIND,
    CQ__H_BEFORE_FIND_AFTER_EXPAND,
    CQ__H_BEFORE_FIND_AFTER_OPTIONS,
    CQ__H_AFTER_FIND,
    CQ__H_BEFORE_COUNT,
    CQ__H_BEFORE_SYNC,
    CQ__H_AFTER_SYNC,
    CQ__H_BEFORE_ASSOCIATE,
    CQ__H_AFTER_ASSOCIATE,
    CQ__H_COUNT
} cq__hook_event;

typedef struct cq__hook_list cq__hook_list;

/* Values a hook handed over (cq_hook_set_where) for the operation it runs in; the operation
 * frees them when it ends (cq__hook_scope_end). */
typedef struct cq__hook_scope {
    cq_value **kept;
    size_t n;
} cq__hook_scope;
void cq__hook_scope_end(cq__hook_scope *s);

/* Whether any hook (the model's or the db's) would run for `ev` on m. */
bool cq__hooks_any(const cq_model *m, cq__hook_event ev);
/* Runs `ev` on m with the context `ctx` (its model, event and message members are filled
 * here): the model's hooks, then the db's. A failing hook sets the db error; its code is
 * returned. `scope` may be NULL when the event has no where to change. */
int cq__hooks_run(cq_model *m, cq__hook_event ev, cq_hook_ctx *ctx, cq__hook_scope *scope);
/* cq__hooks_run of `ev` on inst's model with a context that names only `inst`. */
int cq__hooks_run_instance(cq__hook_event ev, cq_instance *inst);
/* Runs `ev` for n instances in v6's concurrent order (each hook for every instance, then
 * the next hook); `tmpl` gives the other members (may be NULL). */
int cq__hooks_run_many(cq_model *m, cq__hook_event ev, cq_instance *const *insts, size_t n,
                       const cq_hook_ctx *tmpl);
/* Adds the zero-terminated list of cq_model_opts.hooks to m. */
int cq__hooks_add_list(cq_model *m, const cq_hook *list);
void cq__hooks_model_free(cq_model *m);
void cq__hooks_db_free(cq_db *db);

/* Whether destroying a row of a's source destroys a's rows one by one first (hasOne /
 * hasMany with `onDelete: 'CASCADE', hooks: true`); assoc_define.c. */
struct cq_assoc;
bool cq__assoc_cascades_hooks(const struct cq_assoc *a);

/* Whether opts (either may be NULL) leave hooks on (v6 `hooks: false` turns them off). */
static inline bool cq__hooks_on(cq_flag hooks)
{
    return hooks != CQ_OFF;
}

#endif
