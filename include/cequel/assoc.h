/**
 * @file cequel/assoc.h
 * Associations (Sequelize's belongsTo, hasOne, hasMany, belongsToMany) and their accessors.
 *
 * Associations belong to their source model (freed by cq_db_close()). Define every
 * association before creating instances of the models involved: an association may add a
 * foreign-key attribute to a model, and instances are laid out by attribute.
 */
#ifndef CEQUEL_ASSOC_H
#define CEQUEL_ASSOC_H

#include "cequel/common.h"
#include "cequel/model.h"
#include "cequel/query.h"

CQ_BEGIN_DECL

/** An association between two models (owned by their db). */
typedef struct cq_assoc cq_assoc;

/** The four association types. */
typedef enum cq_assoc_type {
    CQ_BELONGS_TO = 1, /**< the key is on the source */
    CQ_HAS_ONE,        /**< the key is on the target, one target */
    CQ_HAS_MANY,       /**< the key is on the target, many targets */
    CQ_BELONGS_TO_MANY /**< two keys on a join model */
} cq_assoc_type;

/** Association options, named as in Sequelize. Zero means default in every field. The
 *  struct, its strings, attributes and values are borrowed for the call (copied). */
typedef struct cq_assoc_opts {
    const char *as;                  /**< alias (string form); default: the target's name */
    const char *as_singular;         /**< alias object form {singular, plural} (hasMany/BTM) */
    const char *as_plural;           /**< alias object form: the plural */
    const char *foreign_key;         /**< foreign-key attribute name, used as is */
    const cq_attr *foreign_key_attr; /**< object form: name (may be NULL for the default),
                                          field, allow_null, type, default_value ... */
    const char *source_key;          /**< hasOne/hasMany/BTM: source attribute; default its PK */
    const char *target_key;          /**< belongsTo/BTM: target attribute; default its PK */
    const char *other_key;           /**< BTM: join column pointing at the target */
    const cq_attr *other_key_attr;   /**< BTM: object form of other_key */
    cq_flag constraints;             /**< REFERENCES on the foreign key; default on */
    cq_ref_action on_delete;         /**< ON DELETE of the key; default as Sequelize picks it:
                                          SET NULL for a nullable key, else CASCADE (NO
                                          ACTION for belongsTo) */
    cq_ref_action on_update;         /**< ON UPDATE of the key; default CASCADE */
    const cq_value *scope;           /**< object of target attribute values (association scope);
                                          borrowed for the call (copied) */
    cq_type key_type;                /**< type of the injected key; default the referenced key's */
    /** belongsTo/hasOne/hasMany (`foreignKeyConstraint`): CQ_ON keeps a REFERENCES clause even
     *  with constraints off, holding only the actions given */
    cq_flag foreign_key_constraint;
    /* belongsToMany only */
    const char *through;           /**< join model name: an existing model, else one is created */
    cq_model *through_model;       /**< join model as a handle (wins over `through`) */
    const cq_value *through_scope; /**< object of join-row values (`through.scope`); borrowed
                                        for the call (copied) */
    cq_flag through_unique;        /**< composite unique on the key pair; default on */
    const char *unique_key;        /**< name of that unique constraint */
    cq_flag timestamps;            /**< timestamps of a generated join model; default on */
    bool through_paranoid;         /**< `through: {paranoid: true}`: the generated join model is
                                        paranoid (deletedAt; remove/set soft-delete join rows,
                                        getters skip them); default false. A given join model
                                        keeps its own `paranoid` option */
    bool hooks; /**< Sequelize's `hooks: true`: the source's beforeAssociate / afterAssociate
                     hooks run for this call, and with `on_delete` CQ_REF_CASCADE (hasOne /
                     hasMany) destroying a source row first destroys its rows one by one, so
                     their destroy hooks (and paranoid soft delete) run; default false */
} cq_assoc_opts;

/**
 * Sequelize's `source.belongsTo(target, opts)`: the foreign key goes on the source.
 * The returned handle is owned by `source`'s db.
 * @return CQ_OK, CQ_EASSOC (Sequelize's error texts: duplicate alias, naming collision, missing
 *         through, self belongsToMany without as ...), CQ_EINVALID (bad key or option; an
 *         empty name; a foreign key whose column clashes by case with another column of its
 *         table, or is longer than the dialect keeps, as cq_db_define() checks).
 *         A failed call leaves both models exactly as they were.
 * @param[out] out  the association, owned by the db (freed by cq_db_close()); may be NULL.
 * @param source    the model the accessors are called on; owned by its cq_db.
 * @param target    the associated model; owned by its cq_db.
 * @param opts      NULL for defaults; not kept.
 */
CQ_EXTERN int cq_model_belongs_to(cq_assoc **out, cq_model *source, cq_model *target,
                                  const cq_assoc_opts *opts);
/**
 * Sequelize's `hasOne`: the key goes on the target; see cq_model_belongs_to().
 * @param[out] out  the association, owned by the db (freed by cq_db_close()); may be NULL.
 * @param source  borrowed; owned by its cq_db.
 * @param target  borrowed; owned by its cq_db.
 * @param opts  NULL for defaults; borrowed for the call, not kept.
 * @return CQ_OK, CQ_EASSOC, CQ_EINVALID, CQ_ENOMEM, as cq_model_belongs_to().
 */
CQ_EXTERN int cq_model_has_one(cq_assoc **out, cq_model *source, cq_model *target,
                               const cq_assoc_opts *opts);
/**
 * Sequelize's `hasMany`: the key goes on the target; see cq_model_belongs_to().
 * @param[out] out  the association, owned by the db (freed by cq_db_close()); may be NULL.
 * @param source  borrowed; owned by its cq_db.
 * @param target  borrowed; owned by its cq_db.
 * @param opts  NULL for defaults; borrowed for the call, not kept.
 * @return CQ_OK, CQ_EASSOC, CQ_EINVALID, CQ_ENOMEM, as cq_model_belongs_to().
 */
CQ_EXTERN int cq_model_has_many(cq_assoc **out, cq_model *source, cq_model *target,
                                const cq_assoc_opts *opts);
/**
 * Sequelize's `belongsToMany`: two keys on the join model named by `opts->through`
 * (required); see cq_model_belongs_to().
 * @param[out] out  the association, owned by the db (freed by cq_db_close()); may be NULL.
 * @param source  borrowed; owned by its cq_db.
 * @param target  borrowed; owned by its cq_db.
 * @param opts  required (`through`); borrowed for the call, not kept.
 * @return CQ_OK, CQ_EASSOC (no `through`, ...), CQ_EINVALID, CQ_ENOMEM, as
 *         cq_model_belongs_to().
 */
CQ_EXTERN int cq_model_belongs_to_many(cq_assoc **out, cq_model *source, cq_model *target,
                                       const cq_assoc_opts *opts);

/* ---- introspection (all strings borrowed from the association) ---------------------- */

/**
 * Number of associations whose source is `m`.
 * @param m  borrowed; owned by its cq_db.
 */
CQ_EXTERN size_t cq_model_assoc_count(const cq_model *m);
/**
 * Association `i` of `m`, in definition order; NULL out of range (owned by the db).
 * @param m  borrowed; owned by its cq_db.
 * @param i  position, 0-based.
 */
CQ_EXTERN cq_assoc *cq_model_assoc_at(const cq_model *m, size_t i);
/**
 * Association of `m` whose alias (`as`) is `as`; NULL if none (owned by the db).
 * @param m  borrowed; owned by its cq_db.
 * @param as  NUL-terminated; borrowed for the call.
 */
CQ_EXTERN cq_assoc *cq_model_assoc(const cq_model *m, const char *as);

/**
 * The type of `a`.
 * @param a  borrowed; owned by its models' cq_db.
 */
CQ_EXTERN cq_assoc_type cq_assoc_type_of(const cq_assoc *a);
/** Sequelize's name of an association type ("belongsTo", "hasOne", "hasMany",
 *  "belongsToMany"), static; "unknown" for a value that is no type. */
CQ_EXTERN const char *cq_assoc_type_name(cq_assoc_type t);
/**
 * The source model (owned by the db).
 * @param a  borrowed; owned by its models' cq_db.
 */
CQ_EXTERN cq_model *cq_assoc_source(const cq_assoc *a);
/**
 * The target model (owned by the db).
 * @param a  borrowed; owned by its models' cq_db.
 */
CQ_EXTERN cq_model *cq_assoc_target(const cq_assoc *a);
/**
 * `as`: the key of included and nested-created data (borrowed from the association, which the db
 * owns).
 * @param a  borrowed; owned by its models' cq_db.
 */
CQ_EXTERN const char *cq_assoc_as(const cq_assoc *a);
/**
 * The singular name (for the single accessors: getTask, addTask) (borrowed from the association,
 * which the db owns).
 * @param a  borrowed; owned by its models' cq_db.
 */
CQ_EXTERN const char *cq_assoc_singular(const cq_assoc *a);
/**
 * The plural name (for the multiple accessors); for belongsTo/hasOne it is the target's
 * plural when no `as` was given, and NULL when a string `as` was (as in Sequelize) (borrowed from
 * the association, which the db owns).
 * @param a  borrowed; owned by its models' cq_db.
 */
CQ_EXTERN const char *cq_assoc_plural(const cq_assoc *a);
/**
 * Whether an `as` was given.
 * @param a  borrowed; owned by its models' cq_db.
 */
CQ_EXTERN bool cq_assoc_is_aliased(const cq_assoc *a);
/**
 * Foreign-key attribute name (on the source for belongsTo, the target for hasOne/hasMany,
 * the join model for belongsToMany) (borrowed from the association, which the db owns).
 * @param a  borrowed; owned by its models' cq_db.
 */
CQ_EXTERN const char *cq_assoc_foreign_key(const cq_assoc *a);
/**
 * The source attribute the key refers to (hasOne, hasMany, belongsToMany) (borrowed from the
 * association, which the db owns).
 * @param a  borrowed; owned by its models' cq_db.
 */
CQ_EXTERN const char *cq_assoc_source_key(const cq_assoc *a);
/**
 * The target attribute the key refers to (belongsTo, belongsToMany) (borrowed from the association,
 * which the db owns).
 * @param a  borrowed; owned by its models' cq_db.
 */
CQ_EXTERN const char *cq_assoc_target_key(const cq_assoc *a);
/**
 * belongsToMany: the join model's attribute pointing at the target, borrowed from the
 * association; NULL for other types.
 * @param a  borrowed; owned by its models' cq_db.
 */
CQ_EXTERN const char *cq_assoc_other_key(const cq_assoc *a);
/**
 * belongsToMany: the join model, owned by the db; NULL for other types.
 * @param a  borrowed; owned by its models' cq_db.
 */
CQ_EXTERN cq_model *cq_assoc_through(const cq_assoc *a);
/**
 * The association scope (object of target values); NULL when none (borrowed from the association,
 * which the db owns).
 * @param a  borrowed; owned by its models' cq_db.
 */
CQ_EXTERN const cq_value *cq_assoc_scope(const cq_assoc *a);
/**
 * belongsToMany: the scope of the join rows; NULL when none (borrowed from the association, which
 * the db owns).
 * @param a  borrowed; owned by its models' cq_db.
 */
CQ_EXTERN const cq_value *cq_assoc_through_scope(const cq_assoc *a);

/** Accessor kinds, named after Sequelize's `association.accessors` keys. */
typedef enum cq_accessor {
    CQ_ACC_GET = 1,
    CQ_ACC_SET,
    CQ_ACC_CREATE,
    CQ_ACC_ADD,
    CQ_ACC_ADD_MULTIPLE,
    CQ_ACC_REMOVE,
    CQ_ACC_REMOVE_MULTIPLE,
    CQ_ACC_HAS_SINGLE,
    CQ_ACC_HAS_ALL,
    CQ_ACC_COUNT
} cq_accessor;

/**
 * Method name of an accessor ("getWorkers", "addWorker"...), NULL if the type lacks it (borrowed
 * from the association, which the db owns).
 * @param a  borrowed; owned by its models' cq_db.
 * @param kind  the accessor kind.
 */
CQ_EXTERN const char *cq_assoc_accessor_name(const cq_assoc *a, cq_accessor kind);

/**
 * Finds the association and accessor behind a Sequelize method name on model `m`
 * ("getInitiator", "addWorkers", ...).
 * @param[out] assoc_out  the association, owned by the db (freed by cq_db_close()); may be NULL.
 * @param[out] kind_out  caller's storage, written on success.
 * @param m  borrowed; owned by its cq_db.
 * @param method  NUL-terminated; borrowed for the call.
 * @return CQ_OK, CQ_EUNKNOWN_ASSOC when `m` has no such method (message names model and
 *         method; set on m's db).
 */
CQ_EXTERN int cq_model_find_accessor(cq_assoc **assoc_out, cq_accessor *kind_out, const cq_model *m,
                                     const char *method);

/* ---- accessors ------------------------------------------------------------------------ */

/** A target given to set/add/remove/has: an instance, or a key value (the target's primary
 *  key; for belongsTo set, the foreign-key value as is). */
typedef struct cq_target {
    cq_instance *instance; /**< borrowed; set/add update its keys in memory too */
    const cq_value *key;   /**< borrowed; used when instance is NULL */
} cq_target;

/** Options of the association setters, adders, removers and createX. */
typedef struct cq_assoc_write_opts {
    cq_txn *transaction;       /**< default: none */
    const cq_value *through;   /**< BTM add/set/create: join-row values (defaults); borrowed
                                    for the call */
    const char *const *fields; /**< create: only these attributes */
    bool no_save;              /**< belongsTo set: only change the instance in memory */
} cq_assoc_write_opts;

/**
 * getX: rows of the target associated with `src` (0 or 1 for belongsTo/hasOne; for those
 * cq_assoc_get_one() gives the instance itself).
 * `opts->where` is ANDed with the association condition and with the target's scope (the
 * default scope, or `opts->scope`): unlike a finder's where, it does not replace the scope's
 * keys, as v6's getters wrap it in {[Op.and]: [...]}; a raw `where_sql` fragment is
 * accepted (values bound). belongsToMany targets carry their join row (see
 * cq_instance_through()).
 * @param[out] out caller frees with cq_rows_free().
 * @param src      the source instance (saved); borrowed, stays the caller's.
 * @param a        an association whose source is `src`'s model; owned by its models' cq_db.
 * @param opts     NULL for defaults; not kept.
 * @return CQ_OK, CQ_EINVALID (unsaved source), CQ_EASSOC, CQ_EDATABASE.
 */
CQ_EXTERN int cq_assoc_get(cq_rows **out, cq_instance *src, const cq_assoc *a,
                           const cq_find_opts *opts);
/**
 * setX. Single types take n = 0 (unset) or 1. hasOne given an unsaved instance of its
 * target detaches the previous target, then saves the instance with the key set (an INSERT);
 * other unsaved targets, and instances of another model, are CQ_EINVALID before any write.
 * @param src  borrowed for the call; stays the caller's.
 * @param a  borrowed; owned by its models' cq_db.
 * @param targets  array of `n` targets, borrowed for the call.
 * @param n  number of `targets`.
 * @param opts  NULL for defaults; borrowed for the call, not kept.
 * @return CQ_OK, CQ_EINVALID, CQ_ENOTNULL (hasOne: detaching the previous target when the key is
 *         NOT NULL), CQ_EUNKNOWN_ATTR (a key missing from its model), CQ_EDATABASE.
 */
CQ_EXTERN int cq_assoc_set(cq_instance *src, const cq_assoc *a, const cq_target *targets, size_t n,
                           const cq_assoc_write_opts *opts);
/**
 * addX / addXs (hasMany, belongsToMany).
 * @param src  borrowed for the call; stays the caller's.
 * @param a  borrowed; owned by its models' cq_db.
 * @param targets  array of `n` targets, borrowed for the call.
 * @param n  number of `targets`.
 * @param opts  NULL for defaults; borrowed for the call, not kept.
 * @return CQ_OK, CQ_EINVALID (unsaved source, a target of another model, a to-one association),
 *         CQ_EUNKNOWN_ATTR, CQ_ENOMEM, or CQ_EDATABASE, CQ_ECONNECT or CQ_ETIMEOUT from the server
 *         (details: cq_db_error()).
 */
CQ_EXTERN int cq_assoc_add(cq_instance *src, const cq_assoc *a, const cq_target *targets, size_t n,
                           const cq_assoc_write_opts *opts);
/**
 * removeX / removeXs (hasMany, belongsToMany).
 * @param src  borrowed for the call; stays the caller's.
 * @param a  borrowed; owned by its models' cq_db.
 * @param targets  array of `n` targets, borrowed for the call.
 * @param n  number of `targets`.
 * @param opts  NULL for defaults; borrowed for the call, not kept.
 * @return CQ_OK, CQ_EINVALID (unsaved source, a target of another model, a to-one association),
 *         CQ_EUNKNOWN_ATTR, CQ_ENOMEM, or CQ_EDATABASE, CQ_ECONNECT or CQ_ETIMEOUT from the server
 *         (details: cq_db_error()).
 */
CQ_EXTERN int cq_assoc_remove(cq_instance *src, const cq_assoc *a, const cq_target *targets,
                              size_t n, const cq_assoc_write_opts *opts);
/**
 * hasX / hasXs: true iff every given target is associated (true for n = 0).
 * @param[out] out  caller's storage, written on success.
 * @param src  borrowed for the call; stays the caller's.
 * @param a  borrowed; owned by its models' cq_db.
 * @param targets  array of `n` targets, borrowed for the call.
 * @param n  number of `targets`.
 * @param opts  NULL for defaults; borrowed for the call, not kept.
 * @return CQ_OK, CQ_EINVALID (unsaved source, a target of another model), CQ_ENOMEM,
 *         or CQ_EDATABASE, CQ_ECONNECT or CQ_ETIMEOUT from the server (details: cq_db_error()).
 */
CQ_EXTERN int cq_assoc_has(bool *out, cq_instance *src, const cq_assoc *a, const cq_target *targets,
                           size_t n, const cq_find_opts *opts);
/**
 * countXs.
 * @param[out] out  caller's storage, written on success.
 * @param src  borrowed for the call; stays the caller's.
 * @param a  borrowed; owned by its models' cq_db.
 * @param opts  NULL for defaults; borrowed for the call, not kept.
 * @return CQ_OK, CQ_EINVALID (unsaved source), CQ_EEAGER, CQ_ENOMEM, or
 *         CQ_EDATABASE, CQ_ECONNECT or CQ_ETIMEOUT from the server (details: cq_db_error()).
 */
CQ_EXTERN int cq_assoc_count(int64_t *out, cq_instance *src, const cq_assoc *a,
                             const cq_find_opts *opts);

/* ---- accessors with one target ------------------------------------------------------
 * The same accessors without a cq_target list: each is the list form with that one instance
 * (same statements, same error codes), so `user.addFollower(bob)` is
 * `cq_assoc_add_instance(user, followers, bob, NULL)`. */

/**
 * getX of a to-one association (belongsTo, hasOne): the associated instance, or NULL when
 * there is none (Sequelize's `await post.getAuthor()` giving null).
 * @param[out] out  the instance; the caller frees it with cq_instance_free(). NULL when none
 *                  and on failure.
 * @param opts      as cq_assoc_get(); NULL for defaults; borrowed for the call.
 * @return CQ_OK (also when there is none), CQ_EINVALID when `a` is a to-many association or
 *         not an association of `src`'s model, CQ_EDATABASE.
 * @param src      the source instance (saved); borrowed, stays the caller's.
 * @param a        a belongsTo or hasOne association whose source is `src`'s model; owned by its
 *                 models' cq_db.
 */
CQ_EXTERN int cq_assoc_get_one(cq_instance **out, cq_instance *src, const cq_assoc *a,
                               const cq_find_opts *opts);
/**
 * setX with one instance (borrowed; its keys are updated in memory too); NULL unsets a
 * to-one association or empties a to-many one. Codes as cq_assoc_set().
 * @param src  borrowed for the call; stays the caller's.
 * @param a  borrowed; owned by its models' cq_db.
 * @param target  borrowed for the call; stays the caller's.
 * @param opts  NULL for defaults; borrowed for the call, not kept.
 * @return CQ_OK, CQ_EINVALID, CQ_ENOTNULL, CQ_EUNKNOWN_ATTR, CQ_EDATABASE, as
 *         cq_assoc_set() (details: cq_db_error()).
 */
CQ_EXTERN int cq_assoc_set_instance(cq_instance *src, const cq_assoc *a, cq_instance *target,
                                    const cq_assoc_write_opts *opts);
/**
 * addX (hasMany, belongsToMany) with one instance (borrowed). @return as cq_assoc_add();
 * CQ_EINVALID for a NULL target.
 * @param src  borrowed for the call; stays the caller's.
 * @param a  borrowed; owned by its models' cq_db.
 * @param target  borrowed for the call; stays the caller's.
 * @param opts  NULL for defaults; borrowed for the call, not kept.
 * @return CQ_OK, or as cq_assoc_add() (CQ_EINVALID for a NULL target, CQ_ENOMEM,
 *         CQ_EDATABASE; details: cq_db_error()).
 */
CQ_EXTERN int cq_assoc_add_instance(cq_instance *src, const cq_assoc *a, cq_instance *target,
                                    const cq_assoc_write_opts *opts);
/**
 * removeX (hasMany, belongsToMany) with one instance (borrowed). @return as
 * cq_assoc_remove(); CQ_EINVALID for a NULL target.
 * @param src  borrowed for the call; stays the caller's.
 * @param a  borrowed; owned by its models' cq_db.
 * @param target  borrowed for the call; stays the caller's.
 * @param opts  NULL for defaults; borrowed for the call, not kept.
 * @return CQ_OK, or as cq_assoc_remove() (CQ_EINVALID for a NULL target,
 *         CQ_ENOMEM, CQ_EDATABASE; details: cq_db_error()).
 */
CQ_EXTERN int cq_assoc_remove_instance(cq_instance *src, const cq_assoc *a, cq_instance *target,
                                       const cq_assoc_write_opts *opts);
/**
 * hasX with one instance (borrowed): `*out` is whether it is associated with `src`.
 * @param[out] out  caller's storage, written on success.
 * @param src  borrowed for the call; stays the caller's.
 * @param a  borrowed; owned by its models' cq_db.
 * @param target  borrowed for the call; stays the caller's.
 * @param opts  NULL for defaults; borrowed for the call, not kept.
 * @return as cq_assoc_has(); CQ_EINVALID for a NULL target (`*out` false).
 * @return CQ_OK, or as cq_assoc_has() (CQ_EINVALID for a NULL target, `*out`
 *         false; CQ_EDATABASE; details: cq_db_error()).
 */
CQ_EXTERN int cq_assoc_has_instance(bool *out, cq_instance *src, const cq_assoc *a,
                                    cq_instance *target, const cq_find_opts *opts);

/**
 * createX: inserts a target (with scope values and key) and associates it.
 * @param[out] out caller frees with cq_instance_free(); may be NULL.
 * @param src      the source instance (saved); borrowed, stays the caller's.
 * @param a        an association whose source is `src`'s model; owned by its models' cq_db.
 * @param values   the target's attribute values, borrowed.
 * @param opts     NULL for defaults; not kept.
 * @return CQ_OK, the codes of cq_model_create() (CQ_EVALIDATION, CQ_ENOTNULL, CQ_EUNIQUE,
 *         CQ_EDATABASE, ...), CQ_EINVALID (unsaved source).
 */
CQ_EXTERN int cq_assoc_create(cq_instance **out, cq_instance *src, const cq_assoc *a,
                              const cq_value *values, const cq_assoc_write_opts *opts);

/**
 * The join row a belongsToMany target carries (as loaded by get), an instance of the join
 * model; borrowed from `inst`; NULL when none. It can be changed and saved.
 * @param inst  borrowed for the call.
 */
CQ_EXTERN cq_instance *cq_instance_through(const cq_instance *inst);
/**
 * Attaches join-row data to a target before add/set (Sequelize's
 * `project.UserProjects = {status: 'started'}`); copied. It overrides opts->through key by key.
 * @param inst  borrowed for the call; stays the caller's.
 * @param data  an object, borrowed for the call (copied).
 * @return CQ_OK, CQ_EINVALID (NULL instance, `data` not an object), CQ_ENOMEM.
 */
CQ_EXTERN int cq_instance_set_through_data(cq_instance *inst, const cq_value *data);

CQ_END_DECL

#endif
