/**
 * @file cequel/hooks.h
 * Hooks (Sequelize v6's lifecycle events): C callbacks with user data that run before and
 * after the model layer's operations.
 *
 * A hook is added to one model (v6 `Model.addHook`), or to the db for every model
 * (`sequelize.addHook`). When an event runs, the model's hooks run first, then the db's, each
 * list in the order it was added. Events and their names are v6's:
 *
 *     beforeValidate afterValidate validationFailed
 *     beforeCreate afterCreate beforeUpdate afterUpdate beforeSave afterSave
 *     beforeDestroy afterDestroy beforeRestore afterRestore beforeUpsert afterUpsert
 *     beforeBulkCreate afterBulkCreate beforeBulkUpdate afterBulkUpdate
 *     beforeBulkDestroy afterBulkDestroy beforeBulkRestore afterBulkRestore
 *     beforeFind beforeFindAfterExpandIncludeAll beforeFindAfterOptions afterFind beforeCount
 *     beforeSync afterSync beforeAssociate afterAssociate
 *
 * As in v6, `beforeSave` is not an event of its own: a beforeSave hook is added to both the
 * beforeCreate and the beforeUpdate lists (afterSave likewise to afterCreate and afterUpdate),
 * so it runs among them in the order hooks were added.
 *
 * A hook returns CQ_OK to go on. Any other value aborts the operation, which returns it (a
 * positive value becomes CQ_EINVALID); the message is the hook's own (written into
 * cq_hook_ctx.msg) or "<event> hook failed". What the operation wrote before is rolled back
 * when it runs in a transaction of its own (nested create, bulkCreate with include); see
 * docs/hooks.md for each operation. A hook must not free what its context points at. It may
 * call back into the same db (a find in a beforeCreate hook is fine).
 */
#ifndef CEQUEL_HOOKS_H
#define CEQUEL_HOOKS_H

#include "cequel/common.h"
#include "cequel/db.h"
#include "cequel/model.h"
#include "cequel/value.h"

CQ_BEGIN_DECL

struct cq_instance;
struct cq_rows;
struct cq_find_opts;
struct cq_bulk_opts;
struct cq_assoc;

/** What a hook sees. Only the members its event fills are set; the rest are NULL / 0. Every
 *  pointer is borrowed for the call. */
typedef struct cq_hook_ctx {
    const char *event;            /**< the event the hook was added for ("beforeSave") */
    const char *running;          /**< the event running now ("beforeCreate") */
    cq_model *model;              /**< the model of the operation (the source of an association) */
    struct cq_instance *instance; /**< instance events (validate, create, update, save,
                                       destroy, restore, upsert): the instance; set attributes
                                       with cq_instance_set() in a before hook and they are
                                       written */
    struct cq_rows *rows;         /**< beforeBulkCreate: the built rows (may be changed);
                                       afterBulkCreate: the created rows; afterFind: the
                                       rows found (a list for findOne / findByPk too) */
    struct cq_find_opts *find;    /**< beforeFind, beforeFindAfterExpandIncludeAll,
                                       beforeFindAfterOptions, beforeCount: the options, which
                                       the hook may change (limit, offset, where via
                                       cq_hook_set_where()) */
    struct cq_bulk_opts *bulk;    /**< bulk update / destroy / restore events: the options (the
                                       where may be replaced with cq_hook_set_where()) */
    cq_value *values;       /**< beforeBulkUpdate / afterBulkUpdate: the object of values to set
                                 (beforeBulkUpdate may add or change entries) */
    cq_model *target;       /**< beforeAssociate / afterAssociate: the target model */
    struct cq_assoc *assoc; /**< afterAssociate: the association made */
    int created;     /**< afterUpsert: 1 created, 0 updated, -1 unknown (as cq_model_upsert) */
    int error;       /**< validationFailed: the validation's code (CQ_EVALIDATION, CQ_ENOTNULL);
                          the items are cq_db_validation_item() */
    char *msg;       /**< a failing hook may write its message here (NUL-terminated) */
    size_t msg_size; /**< the size of `msg` in bytes */
    void *priv;      /**< internal; do not touch */
} cq_hook_ctx;

/**
 * A hook.
 *
 * @param ctx        the event's context; see cq_hook_ctx.
 * @param user_data  as added.
 * @return CQ_OK to go on, anything else to abort the operation with that code.
 */
typedef int (*cq_hook_fn)(cq_hook_ctx *ctx, void *user_data);

/** One hook of cq_model_opts.hooks; a list ends with an element whose `event` is NULL. */
typedef struct cq_hook {
    const char *event; /**< v6's event name; NULL ends a list */
    cq_hook_fn fn;     /**< the callback; NULL to name a bound one with `bound` */
    void *user_data;   /**< passed to `fn` */
    const char *bound; /**< used when `fn` is NULL: the name of a callback bound with
                            cq_db_bind_hook() (how schema files name hooks) */
} cq_hook;

/**
 * Whether `event` is one of the event names above.
 *
 * @param event  NUL-terminated name, may be NULL (false); borrowed for the call.
 * @return true for a known event name.
 */
CQ_EXTERN bool cq_hook_event_is_valid(const char *event);

/**
 * Adds a hook to `model` (v6 `Model.addHook(event, fn)`); hooks of one event run in the order
 * they were added, before the db's.
 *
 * @param model      the model; the hook is owned by it.
 * @param event      v6's event name (copied).
 * @param fn         the callback.
 * @param user_data  passed to `fn` untouched; not freed.
 * @return CQ_OK, CQ_EINVALID (unknown event, NULL fn), CQ_ENOMEM.
 */
CQ_EXTERN int cq_model_add_hook(cq_model *model, const char *event, cq_hook_fn fn, void *user_data);

/**
 * Adds a hook that names a callback bound later with cq_db_bind_hook() (schema files). A name
 * still unbound when the event runs fails the operation with CQ_EINVALID.
 *
 * @param model  the model; owned by its cq_db.
 * @param event  v6's event name (copied).
 * @param name   the bound callback's name (copied).
 * @return CQ_OK, CQ_EINVALID (unknown event, NULL or empty name), CQ_ENOMEM.
 */
CQ_EXTERN int cq_model_add_bound_hook(cq_model *model, const char *event, const char *name);

/**
 * Removes the hooks of `event` on `model` that call `fn` with `user_data` (v6 `removeHook`).
 *
 * @param model      the model; owned by its cq_db.
 * @param event      the event name; "beforeSave" removes what cq_model_add_hook() added for it;
 *                   borrowed for the call.
 * @param fn         the callback as added.
 * @param user_data  the user data as added; never freed.
 * @return CQ_OK, CQ_ENOTFOUND (no such hook), CQ_EINVALID (unknown event).
 */
CQ_EXTERN int cq_model_remove_hook(cq_model *model, const char *event, cq_hook_fn fn,
                                   void *user_data);

/**
 * Adds a hook that runs for every model of `db` (v6 `sequelize.addHook`), after the model's
 * own hooks of the same event.
 *
 * @param db         the connection; the hook is owned by it.
 * @param event      v6's event name (copied).
 * @param fn         the callback.
 * @param user_data  passed to `fn` untouched; not freed.
 * @return CQ_OK, CQ_EINVALID (unknown event, NULL fn), CQ_ENOMEM.
 */
CQ_EXTERN int cq_db_add_hook(cq_db *db, const char *event, cq_hook_fn fn, void *user_data);

/**
 * Binds `name` to a hook callback, for hooks added by name (cq_model_add_bound_hook(),
 * cq_hook.bound, `hooks` in schema files). Binding a name again replaces it.
 *
 * @param db         the connection; borrowed for the call.
 * @param name       copied.
 * @param fn         the callback.
 * @param user_data  passed to `fn` untouched; never freed.
 * @return CQ_OK, CQ_EINVALID (NULL or empty name, NULL fn), CQ_ENOMEM.
 */
CQ_EXTERN int cq_db_bind_hook(cq_db *db, const char *name, cq_hook_fn fn, void *user_data);

/**
 * Whether `name` is bound (cq_db_bind_hook()).
 *
 * @param db    the connection; borrowed for the call.
 * @param name  the name; borrowed for the call.
 * @return true when bound.
 */
CQ_EXTERN bool cq_db_is_hook_bound(const cq_db *db, const char *name);

/**
 * The `i`-th hook (0-based, models in definition order) added by name whose name is not bound
 * yet, so that a program (the CLI) can report them all before running anything.
 *
 * @param db         the connection; borrowed for the call.
 * @param i          index among the unbound ones.
 * @param model_out  may be NULL; receives the model's name (borrowed from db).
 * @param event_out  may be NULL; receives the event name (static).
 * @return the unbound name, borrowed from db until the hook or model goes; NULL past the end.
 */
CQ_EXTERN const char *cq_db_unbound_hook(const cq_db *db, size_t i, const char **model_out,
                                         const char **event_out);

/**
 * Replaces the `where` of the operation a hook runs in: the find options of beforeFind,
 * beforeFindAfterExpandIncludeAll, beforeFindAfterOptions and beforeCount, the bulk options of
 * beforeBulkUpdate / beforeBulkDestroy / beforeBulkRestore (v6 hooks change `options.where`).
 * The value is kept until the operation ends.
 *
 * @param ctx    the hook's context; borrowed for the call.
 * @param where  taken, even on failure; NULL is treated as a failed constructor.
 * @return CQ_OK, CQ_EINVALID (an event without a where), CQ_ENOMEM.
 */
CQ_EXTERN int cq_hook_set_where(cq_hook_ctx *ctx, cq_value *where);

CQ_END_DECL

#endif
