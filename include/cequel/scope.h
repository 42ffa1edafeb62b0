/**
 * @file cequel/scope.h
 * Model scopes (Sequelize's `defaultScope`, `scopes`, `Model.scope(...)` and `unscoped()`).
 *
 * A scope is a set of finder options kept on the model under a name, as a cq_value object in
 * the JSON shapes of the finders: `where`, `attributes` (names, `[expression, alias]` pairs
 * or `{"include": [...], "exclude": [...]}`), `include` (elements naming an association by
 * `as`, or the target model by `model`, with `where`, `required`, `attributes`, `include`,
 * `separate`, `paranoid` and `scope`), `order` (`[["name", "DESC"], ...]`), `limit`,
 * `offset`, `group`, `having` and `paranoid`.
 *
 * The scope named "defaultScope" applies to every finder (findAll, findOne, findByPk, count,
 * findAndCountAll, findOrCreate's find), to aggregates, to model-level update, destroy and
 * increment (only its `where`, as in Sequelize), to includes of the model and to
 * association getters and counts whose target it is. It does not apply to create, bulk
 * create or instance save/update/destroy/reload.
 *
 * A call picks its scopes with a `scope` value in its options (cq_find_opts.scope,
 * cq_include.scope, ...): NULL for the default scope; an array of scope names,
 * `{"method": [name, args...]}` for a function scope with arguments, and inline objects,
 * merged in order (Sequelize's `Model.scope('a', {method: ['b', 1]})`); the name
 * "defaultScope" stands for the default scope; an empty array (CQ_EMPTY_ARRAY) applies none
 * (`unscoped()`).
 *
 * Merging follows Sequelize v6: `where` and `having` objects are merged key by key, a later
 * key replacing an earlier one (`{age: {gt: 60}}` then `{age: {lt: 30}}` keeps only
 * `age < 30`); arrays (`attributes` lists, `order`, `group`) are united; two `{include,
 * exclude}` objects unite their lists; includes of the same association are merged with the
 * same rules; any other key is replaced. The call's own options come last: they win over
 * the scope key by key.
 */
#ifndef CEQUEL_SCOPE_H
#define CEQUEL_SCOPE_H

#include "cequel/common.h"
#include "cequel/model.h"
#include "cequel/value.h"

CQ_BEGIN_DECL

/**
 * A function scope (Sequelize's scope given as a function): builds the scope's options
 * from the arguments of `{"method": [name, args...]}`.
 * @param[out] out  a new object of finder options, owned by the caller (cequel frees it).
 * @param model     the model whose scope is called.
 * @param args      the arguments, an array (empty when the scope is named without them);
 *                  borrowed for the call.
 * @param user_data as given when the scope was added or bound.
 * @return CQ_OK, or an error code the finder returns.
 */
typedef int (*cq_scope_fn)(cq_value **out, const cq_model *model, const cq_value *args,
                           void *user_data);

/** Options of cq_model_add_scope() and cq_model_add_scope_fn(). */
typedef struct cq_scope_opts {
    bool override; /**< replace a scope of that name (Sequelize's `{override: true}`);
                        default: an existing name is CQ_EINVALID */
} cq_scope_opts;

/**
 * Sequelize's `Model.addScope(name, scope)`: keeps `scope` (copied) under `name`;
 * "defaultScope" sets the default scope.
 * @param model  the model; owned by its cq_db.
 * @param name   the scope's name (copied).
 * @param scope  an object of finder options (see above); borrowed for the call.
 * @param opts   NULL for defaults; not kept.
 * @return CQ_OK, CQ_EINVALID (NULL or empty name, not an object, a key that is no finder
 *         option, the name taken without `override`), CQ_ENOMEM.
 */
CQ_EXTERN int cq_model_add_scope(cq_model *model, const char *name, const cq_value *scope,
                                 const cq_scope_opts *opts);

/**
 * A function scope: `fn` builds the options from the call's arguments each time the scope
 * is used.
 * @param model      the model; owned by its cq_db.
 * @param name       the scope's name (copied; "defaultScope" is refused).
 * @param fn         the callback.
 * @param user_data  passed to `fn` untouched; never freed.
 * @param opts       NULL for defaults; not kept.
 * @return CQ_OK, CQ_EINVALID (NULL fn, bad name, name taken without `override`), CQ_ENOMEM.
 */
CQ_EXTERN int cq_model_add_scope_fn(cq_model *model, const char *name, cq_scope_fn fn,
                                    void *user_data, const cq_scope_opts *opts);

/**
 * Binds a function scope by name for schema files, whose `scopes` give a function scope as
 * the name of a bound function (`"scopes": {"ageBelow": "ageBelow"}`). Bindings are looked
 * up when the scope is used, so they may come before or after the schema is loaded.
 * @param db         the connection; borrowed for the call.
 * @param name       the binding's name (copied); binding it again replaces it.
 * @param fn         the callback.
 * @param user_data  passed to `fn` untouched; never freed.
 * @return CQ_OK, CQ_EINVALID (NULL name or fn), CQ_ENOMEM.
 */
CQ_EXTERN int cq_db_bind_scope(cq_db *db, const char *name, cq_scope_fn fn, void *user_data);

/**
 * Whether the model has a scope of that name ("defaultScope": whether a default scope is
 * set).
 * @param model  the model; owned by its cq_db.
 * @param name   the scope's name; borrowed for the call.
 * @return true when it has.
 */
CQ_EXTERN bool cq_model_has_scope(const cq_model *model, const char *name);

CQ_END_DECL

#endif
