/**
 * @file cequel/query.h
 * Instances, finders and model-level writes.
 *
 * Where clauses are cq_value objects in Sequelize's shape, with operators spelled as
 * `$`-prefixed keys (Sequelize's string operator aliases):
 *
 *     {"name": "ada"}                                 name = 'ada'
 *     {"age": {"$gt": 18, "$lte": 65}}                age > 18 AND age <= 65
 *     {"$or": [{"a": 5}, {"b": {"$in": [1, 2]}}]}     a = 5 OR b IN (1, 2)
 *     {"deletedAt": null}                             deletedAt IS NULL
 *
 * Operators: $eq $ne $gt $gte $lt $lte $in $notIn $like $notLike $between $notBetween
 * $is $not (on an attribute: null or a boolean IS [NOT], so `{"$not": true}` keeps NULL rows;
 * a list NOT IN; another value <>), and $and $or $not for nesting, at the top or under an
 * attribute (`{"n": {"$or": [1, {"$gt": 8}]}}` is n = 1 OR n > 8).
 * Text: $startsWith $endsWith $substring (LIKE with `%` added; the text's own `%` and `_`
 * stay wildcards), $iLike $notILike (sent as ILIKE: PostgreSQL has it, the other databases
 * answer CQ_EDATABASE), $regexp $notRegexp (PostgreSQL, MySQL) and $iRegexp $notIRegexp
 * (PostgreSQL); elsewhere CQ_ENOTSUPPORTED. Columns: `{"a": {"$col": "user.b"}}` compares
 * with another column (any operator: `{"$gt": {"$col": "b"}}`). Lists (PostgreSQL only):
 * `{"n": {"$any": [1, 2]}}`, `{"n": {"$gt": {"$all": [1, 2]}}}`.
 * JSON attributes: a key that is no operator goes into the document, `{"meta": {"a": 1}}`,
 * `{"meta.a.b": "x"}`, `{"meta": {"a": {"$gt": 1}}}`; numbers compare as numbers, booleans
 * as booleans, the rest as text; a key missing from the document reads as null. Every JSON
 * key is a bound parameter too (keys holding `"` or `\` are refused with CQ_EINVALID).
 * Keys name attributes (not columns); every value is a bound parameter. In a find's where,
 * `$path.attr$` keys name an attribute of an include joined into the statement
 * (`{"$user.company.name$": "acme"}`): to-one includes, and to-many ones, which such a key
 * joins into the statement as Sequelize does (not with limit/offset or findOne, nor in an
 * association getter: CQ_ENOTSUPPORTED; a count joins them and counts distinct parents);
 * other paths fail (CQ_EEAGER) before any statement runs.
 * A raw SQL fragment (`where: 'id > 10'`) goes in `where_sql`, with `?` placeholders
 * bound from `where_params`; it is ANDed with `where`.
 */
#ifndef CEQUEL_QUERY_H
#define CEQUEL_QUERY_H

#include "cequel/common.h"
#include "cequel/db.h"
#include "cequel/model.h"
#include "cequel/value.h"

CQ_BEGIN_DECL

/** A row of a model (Sequelize's model instance): values, changes, included data. */
typedef struct cq_instance cq_instance;
/** A list of instances returned by a finder, a getter or bulk create. */
typedef struct cq_rows cq_rows;

/** One ORDER BY key; a list ends with an all-zero element. */
typedef struct cq_order {
    const char *attr; /**< attribute name */
    bool desc;        /**< default ascending */
    const char *as;   /**< order by an included association's attribute: its `as` (a dotted
                           path for nested includes, "Workers.tasks"); NULL = the model itself */
} cq_order;

struct cq_assoc;

/**
 * Association types an `all` include may be limited to (cq_include.all_types), as Sequelize's
 * `{all: 'BelongsTo'}` strings: 'One' is CQ_ALL_ONE, 'Has' CQ_ALL_HAS, 'Many' CQ_ALL_MANY
 * (hasMany only). v6 has no string for belongsToMany, so neither is there a bit: only
 * `all: true` includes belongsToMany associations.
 */
enum {
    CQ_ALL_BELONGS_TO = 1 << 0,
    CQ_ALL_HAS_ONE = 1 << 1,
    CQ_ALL_HAS_MANY = 1 << 2,
    CQ_ALL_ONE = CQ_ALL_BELONGS_TO | CQ_ALL_HAS_ONE,
    CQ_ALL_HAS = CQ_ALL_HAS_ONE | CQ_ALL_HAS_MANY,
    CQ_ALL_MANY = CQ_ALL_HAS_MANY
};

/**
 * One eager-loading include (Sequelize's `include` element); borrowed for the call, like its
 * `where` values. Name the association by
 * `association`, or by `model` (plus `as` when the model is associated more than once), or by
 * `as` alone. A list ends with an all-zero element. Nested lists go in `include`.
 *
 * `all` (or `all_types`) makes the element stand for every association of the model (of
 * those types), each included with the element's other options (`where`, `required`,
 * `attributes`, `include`, ...), as Sequelize's Model._expandIncludeAll does: the named
 * elements of the list come first, in their order, then each `all` element's associations
 * in definition order, skipping an association whose target model (and alias, when the
 * association was defined with `as`) an element already in the list includes. With `nested`,
 * each expanded include gets the target's own associations too, recursively, skipping a model
 * already included on the way down (which ends cycles).
 */
typedef struct cq_include {
    const struct cq_assoc *association; /**< the association handle */
    cq_model *model;                    /**< or the target model */
    const char *as;                     /**< alias: picks the association */
    bool all;              /**< `{all: true}`: every association of the model; `association`,
                                `model` and `as` are then ignored */
    unsigned all_types;    /**< `{all: 'HasMany'}`: only associations of these CQ_ALL_* types
                                (implies `all`); 0 = every type. Other bits: CQ_EEAGER */
    bool nested;           /**< with `all`: Sequelize's `nested: true` (see above) */
    const cq_value *where; /**< filter on the included rows; makes it required */
    cq_flag required;      /**< INNER (on) / LEFT OUTER (off) join; default: on
                                when `where` is given, else off */
    const char *const *attributes;         /**< NULL-terminated; NULL = all */
    const struct cq_include *include;      /**< nested includes; NULL = none */
    bool separate;                         /**< hasMany: load in a second query */
    const char *const *through_attributes; /**< belongsToMany join columns; NULL = all */
    bool through_attributes_none;          /**< `through: {attributes: []}` */
    const cq_value *through_where;         /**< belongsToMany: filter on the join rows */
    int64_t limit;                         /**< hasMany: at most this many children per parent
                                                (implies `separate`; one UNION ALL statement of
                                                one LIMITed query per parent); 0 = all */
    const struct cq_order *order;          /**< separate hasMany (or with limit): the
                                                children's order, before their primary key;
                                                zero-terminated; NULL = none */
    cq_flag paranoid;         /**< paranoid target: CQ_OFF (v6's `paranoid: false`) also joins its
                                   soft-deleted rows; default: `deletedAt IS NULL` is ANDed into the
                                   include's ON clause (it does not make the include required) */
    const cq_value *scope;    /**< the target's scopes (v6's `model: Post.scope('x')`, or
                                   `Post.unscoped()`), as cq_find_opts.scope; NULL = its default
                                   scope */
    cq_flag through_paranoid; /**< belongsToMany with a paranoid join model: CQ_OFF (`through:
                                   {paranoid: false}`) also joins soft-deleted join rows;
                                   default: they are skipped */
} cq_include;

/** Finder options. Every pointer in it (where values, lists, includes) is borrowed for the
 *  call only: nothing is kept after it returns. */
typedef struct cq_find_opts {
    const cq_value *where;                 /**< object, see above; NULL = all rows */
    const char *where_sql;                 /**< raw fragment ANDed with `where`; NULL = none */
    const cq_value *where_params;          /**< array bound to `?` in where_sql; NULL = none */
    const char *const *attributes;         /**< NULL-terminated list to read; NULL = all */
    const char *const *exclude;            /**< NULL-terminated list not to read; NULL = none */
    const cq_order *order;                 /**< zero-terminated; NULL = database order */
    int64_t limit;                         /**< 0 = no limit */
    int64_t offset;                        /**< 0 = none */
    cq_txn *transaction;                   /**< default: none */
    const cq_include *include;             /**< eager loading; zero-terminated; NULL = none */
    bool single_join;                      /**< load to-many includes with JOINs in one statement
                                                (Sequelize's shape) instead of one batched query per
                                                to-many level; default false */
    const char *const *through_attributes; /**< belongsToMany getters (Sequelize's
                                                joinTableAttributes): join attributes shown on
                                                each target's join row; NULL = all */
    bool through_attributes_none;          /**< joinTableAttributes: []: no join row attached */
    const cq_value *through_where; /**< belongsToMany getters (`through: {where}`): filter on
                                        the join rows, ANDed into the join condition */
    cq_flag paranoid;              /**< paranoid models: CQ_OFF (v6's `paranoid: false`) also
                                        finds soft-deleted rows; default: `deletedAt IS NULL` is
                                        ANDed first into the WHERE */
    cq_flag through_paranoid;      /**< belongsToMany getters on a paranoid join model: CQ_OFF
                                        (`through: {paranoid: false}`) also follows soft-deleted
                                        join rows; default: they are skipped */
    const cq_value *select;        /**< v6's `attributes` in full (instead of `attributes` and
                                        `exclude`): an array of names and `[expression or name,
                                        alias]` pairs, or `{"include": [...], "exclude": [...]}`;
                                        expressions are `{"$fn": [name, args...]}`, `{"$col": name}`,
                                        `{"$literal": sql}` (only with `literals`) or plain values
                                        (bound). Values read under an alias: cq_instance_get(). See
                                        docs/attributes.md. NULL = `attributes`/`exclude` */
    const cq_value *group;         /**< GROUP BY: a column name or an expression, or an array of
                                        them; NULL = none */
    const cq_value *having;        /**< HAVING: a where object whose keys may also be aliases of
                                        `select`, with `{"$where": [expression, condition]}` for a
                                        function on the left; NULL = none */
    const cq_value *scope; /**< the scopes applied (cequel/scope.h): NULL = the model's default
                                scope (an association getter: the target's; v6's getter option
                                `scope`), an array of names, `{"method": [name, args...]}` and
                                objects, CQ_EMPTY_ARRAY = none (`unscoped()`) */
    bool literals;         /**< allow `{"$literal": sql}` (raw SQL, sent as written) in
                                `select`, `group`, `having` and `$where`; default false: a
                                literal is CQ_EINVALID. Only for SQL the program wrote itself */
    bool use_master;       /**< read from the write server even when the db has read servers
                                (Sequelize's `useMaster`; see cq_open_opts.read_urls), to see
                                this program's own latest writes; default false */
} cq_find_opts;

/** Options of writes (save, update, create, destroy); borrowed for the call. */
typedef struct cq_write_opts {
    cq_txn *transaction;       /**< default: none */
    const char *const *fields; /**< save/update/create: only these attributes; NULL = all */
    const cq_include *include; /**< create/bulkCreate: create associated rows found in the
                                    values under the associations' keys; zero-terminated */
    bool force;                /**< destroy of a paranoid instance: DELETE the row instead of
                                    setting deletedAt; default false */
    const char *const *update_on_duplicate; /**< create/bulkCreate: a row that conflicts with
                                    a stored one updates these attributes of it instead
                                    (Sequelize's updateOnDuplicate; the conflict target is,
                                    as there, the unique indexes' columns and the first
                                    unique key, else the primary key); NULL-terminated */
    bool ignore_duplicates; /**< create/bulkCreate: rows that conflict are skipped (INSERT OR
                                 IGNORE, ON CONFLICT DO NOTHING, INSERT IGNORE); default false.
                                 With either option, a skipped or updated row's generated key
                                 is left null where the database does not report it. */
    cq_flag validate;       /**< Sequelize's `validate`: run the validators first. Default
                                 as v6: on for create/save/update, off for bulkCreate
                                 (CQ_ON there validates every row before the INSERT) */
    cq_flag hooks;          /**< Sequelize's `hooks`: CQ_OFF runs no hooks; default on */
    bool individual_hooks;  /**< bulkCreate (`individualHooks`): also run each row's create
                                 hooks (every row is then inserted on its own, as v6 does);
                                 default false */
} cq_write_opts;

/** Options of model-level update/destroy/restore; `where` and `where_params` are borrowed for
 *  the call (pass CQ_EMPTY_OBJECT for "every row"). */
typedef struct cq_bulk_opts {
    const cq_value *where;        /**< Model-level update/destroy: rows to touch (required) */
    const char *where_sql;        /**< raw fragment ANDed with `where` */
    const cq_value *where_params; /**< array bound to `?` in where_sql */
    cq_txn *transaction;          /**< default: none */
    bool force;       /**< destroy on a paranoid model: DELETE instead of setting deletedAt; default
                           false */
    cq_flag validate; /**< Model-level update: validate the values first (v6's default, an
                           instance built from them, the other attributes skipped); CQ_OFF
                           skips it */
    cq_flag hooks;    /**< Sequelize's `hooks`: CQ_OFF runs no hooks; default on */
    bool individual_hooks; /**< `individualHooks`: the rows are found first and each one's
                                update / destroy / restore hooks run too; default false */
    const cq_value *scope; /**< update/destroy: the scopes whose `where` applies, as
                              cq_find_opts.scope (cequel/scope.h); NULL = the default scope */
} cq_bulk_opts;

/** Options of cq_model_increment() / cq_instance_increment() and their decrements. */
typedef struct cq_increment_opts {
    const cq_value *where; /**< model-level: the rows to move (required; an empty object moves
                                every row); an instance moves its own row and takes none */
    const char *where_sql; /**< raw fragment ANDed with `where` */
    const cq_value *where_params; /**< array bound to `?` in where_sql */
    int64_t by;                   /**< amount for a name or a list of names; default (0) 1 */
    bool silent;                  /**< leave updatedAt alone; default false */
    cq_txn *transaction;          /**< default: none */
    const cq_value *scope;        /**< model-level: the scopes whose `where` applies, as
                                     cq_find_opts.scope (cequel/scope.h); NULL = the default scope */
} cq_increment_opts;

/** Options of cq_model_upsert(). */
typedef struct cq_upsert_opts {
    cq_txn *transaction;       /**< default: none */
    const char *const *fields; /**< the attributes a conflicting row takes (updatedAt always);
                                    NULL-terminated; NULL = every given one but createdAt */
    const char *const *conflict_fields; /**< the conflict target (attribute names; PostgreSQL
                                             and SQLite); NULL = Sequelize's choice: the first
                                             unique key holding an attribute the row takes, or
                                             the primary key */
    cq_flag returning; /**< read the stored row back (RETURNING; not on MySQL); default on */
    cq_flag hooks;     /**< CQ_OFF runs no hooks (validation's, beforeUpsert, afterUpsert);
                            default on */
    cq_flag validate;  /**< CQ_OFF skips the validators (v6 `validate: false`); default on */
} cq_upsert_opts;

/** Options of cq_model_find_or_create() and cq_model_find_create_find(). */
typedef struct cq_find_or_create_opts {
    const cq_value *where;    /**< required: the row to find (borrowed) */
    const cq_value *defaults; /**< values to create with besides the where's plain values
                                   (which they override); may be NULL */
    cq_txn *transaction;      /**< default none */
} cq_find_or_create_opts;

/** Options of cq_model_aggregate() and its helpers. */
typedef struct cq_aggregate_opts {
    const cq_value *where;        /**< rows to aggregate; NULL = all */
    const char *where_sql;        /**< raw fragment ANDed with `where` */
    const cq_value *where_params; /**< array bound to `?` in where_sql */
    bool distinct;                /**< fn(DISTINCT(attr)); default false */
    const char *const *group;     /**< attribute names: one result per group; NULL-terminated */
    cq_flag paranoid;             /**< CQ_OFF also counts soft-deleted rows */
    cq_txn *transaction;          /**< default: none */
    const cq_value *scope;        /**< the scopes whose `where` applies, as cq_find_opts.scope
                                       (cequel/scope.h); NULL = the default scope */
    bool use_master;              /**< read from the write server (as cq_find_opts.use_master);
                                       default false */
    const cq_include *include;    /**< v6's `include`: rows without the required includes'
                                       rows (with their `where`) are left out, each row
                                       counted once (as cq_model_count); an include a
                                       `$path.attr$` key of `where` names is joined, and with
                                       a to-many one joined only max, min, a count of "*" and
                                       `distinct` work (else CQ_ENOTSUPPORTED);
                                       zero-terminated; NULL = none */
} cq_aggregate_opts;

/* ---- instances ---------------------------------------------------------------- */

/**
 * New unsaved instance (Sequelize's `Model.build`). Defaults are applied; `values`
 * (an object keyed by attribute name, may be NULL) is borrowed and copied.
 * @param[out] out  caller owns, free with cq_instance_free(). NULL on failure.
 * @param model     the model; owned by its cq_db.
 * @param values    attribute values, borrowed; NULL for none.
 * @return CQ_OK, CQ_EUNKNOWN_ATTR, CQ_EVALIDATION (value of the wrong type).
 */
CQ_EXTERN int cq_model_build(cq_instance **out, cq_model *model, const cq_value *values);

/**
 * build + save (INSERT). Generated keys and defaults are filled in after the insert.
 * @param[out] out  caller owns, free with cq_instance_free(); may be NULL to discard.
 * @param model     the model; owned by its cq_db.
 * @param values    object of attribute values (and, with `opts->include`, associated data
 *                  under the associations' keys), borrowed.
 * @param opts      NULL for defaults; not kept.
 * @return CQ_OK, CQ_EVALIDATION, CQ_ENOTNULL, CQ_EUNIQUE, CQ_EFOREIGNKEY, CQ_EDATABASE.
 */
CQ_EXTERN int cq_model_create(cq_instance **out, cq_model *model, const cq_value *values,
                              const cq_write_opts *opts);

/**
 * Inserts every object of the array `values`, in one transaction (a savepoint inside the
 * caller's): either every row is inserted or none. A row's createdAt and updatedAt are set to
 * now only when the row does not give them (cq_model_create() always sets updatedAt).
 * @param[out] out  the created instances, caller frees with cq_rows_free(); may be NULL.
 * @param model     the model; owned by its cq_db.
 * @param values    array of objects, borrowed.
 * @param opts      NULL for defaults; `include` creates associated rows level by level; not kept.
 * @return CQ_OK, or the codes of cq_model_create(): CQ_EVALIDATION, CQ_ENOTNULL,
 *         CQ_EUNIQUE, CQ_EFOREIGNKEY, CQ_EDATABASE (details: cq_db_error()).
 */
CQ_EXTERN int cq_model_bulk_create(cq_rows **out, cq_model *model, const cq_value *values,
                                   const cq_write_opts *opts);

/**
 * INSERT when new, else UPDATE of the changed attributes only (nothing when none changed).
 * @param inst  borrowed for the call; stays the caller's.
 * @param opts  NULL for defaults; borrowed for the call, not kept.
 * @return CQ_OK, CQ_EVALIDATION / CQ_ENOTNULL (items: cq_db_validation_item()), CQ_EUNIQUE,
 *         CQ_EFOREIGNKEY, CQ_ESTALE (a version model whose row moved), CQ_EINVALID, CQ_ENOMEM, a
 *         hook's code, or CQ_EDATABASE, CQ_ECONNECT or CQ_ETIMEOUT from the server (details:
 *         cq_db_error()).
 */
CQ_EXTERN int cq_instance_save(cq_instance *inst, const cq_write_opts *opts);
/**
 * Sequelize's instance.update: sets every key of `values` (borrowed), then saves; with
 * `opts->fields`, only the keys it names are set (the others stay as they were, in memory
 * too) and only those are written. Without
 * `opts->fields`, a saved instance writes only what this call changed (the keys of `values`
 * whose value changed, what setters and beforeUpdate/beforeSave hooks changed besides);
 * attributes changed before the call (a cq_instance_set() not saved yet) are neither
 * validated nor written, and stay changed for a later save. An unsaved instance is inserted
 * whole.
 * @param inst  borrowed for the call; stays the caller's.
 * @param values  borrowed for the call; not kept.
 * @param opts  NULL for defaults; borrowed for the call, not kept.
 * @return CQ_OK, or the codes of cq_instance_save() (CQ_EVALIDATION, CQ_ENOTNULL,
 *         CQ_EUNKNOWN_ATTR for a key the model lacks, driver errors).
 */
CQ_EXTERN int cq_instance_update(cq_instance *inst, const cq_value *values,
                                 const cq_write_opts *opts);
/**
 * DELETE the row by primary key. On a paranoid model (v6's soft delete) it sets deletedAt and
 * updatedAt to now instead (`UPDATE ... SET deletedAt, updatedAt WHERE pk`), and does nothing
 * when deletedAt is already set; `opts->force` deletes the row.
 * @param inst  borrowed for the call; stays the caller's.
 * @param opts  NULL for defaults; borrowed for the call, not kept.
 * @return CQ_OK, CQ_EINVALID (unsaved instance), CQ_EFOREIGNKEY (still referenced),
 *         CQ_ESTALE (a version model whose row moved), a hook's code, or
 *         CQ_EDATABASE, CQ_ECONNECT or CQ_ETIMEOUT from the server (details: cq_db_error()).
 */
CQ_EXTERN int cq_instance_destroy(cq_instance *inst, const cq_write_opts *opts);
/**
 * Paranoid models (v6's restore): `UPDATE ... SET deletedAt = NULL, updatedAt = now WHERE pk`.
 * @param inst  borrowed for the call; stays the caller's.
 * @param opts  NULL for defaults; borrowed for the call, not kept.
 * @return CQ_OK, CQ_EINVALID (not paranoid, or unsaved).
 */
CQ_EXTERN int cq_instance_restore(cq_instance *inst, const cq_write_opts *opts);
/**
 * Re-read every attribute from the database; CQ_ENOTFOUND if the row is gone. Reads the
 * write server, also when the db has read servers (the row's current state).
 * @param inst  borrowed for the call; stays the caller's.
 * @param opts  NULL for defaults; borrowed for the call, not kept.
 * @return CQ_OK, CQ_ENOTFOUND (the row is gone), CQ_EINVALID (unsaved instance), CQ_ENOMEM, or
 *         CQ_EDATABASE, CQ_ECONNECT or CQ_ETIMEOUT from the server (details: cq_db_error()).
 */
CQ_EXTERN int cq_instance_reload(cq_instance *inst, const cq_find_opts *opts);

/**
 * Sets an attribute (Sequelize's `set`: through the attribute's setter when it has one);
 * takes ownership of `v` even on failure. Marks it changed when the value differs.
 * @param inst  borrowed for the call; stays the caller's.
 * @param attr  NUL-terminated; borrowed for the call.
 * @return CQ_OK, CQ_EUNKNOWN_ATTR, CQ_EVALIDATION (wrong value type), or the setter's code.
 * @param v     taken, even on failure; NULL is taken as a failed constructor.
 */
CQ_EXTERN int cq_instance_set(cq_instance *inst, const char *attr, cq_value *v);
/**
 * Value of an attribute, borrowed from the instance (valid until it changes); NULL when
 * the attribute is unknown or was not loaded. SQL NULL is a value of type CQ_VALUE_NULL.
 * @param inst  borrowed for the call.
 * @param attr  NUL-terminated; borrowed for the call.
 */
CQ_EXTERN const cq_value *cq_instance_get(const cq_instance *inst, const char *attr);
/** Options of cq_instance_get_value(). */
typedef struct cq_get_opts {
    bool raw; /**< v6's `{raw: true}`: the stored value, the getter skipped; default false */
} cq_get_opts;

/**
 * Sequelize's `instance.get(attr)`: the attribute's getter when it has one (VIRTUAL
 * attributes included), else its stored value.
 * @param[out] out  a new value, the caller frees it with cq_value_free(); a null value when
 *                  the attribute is unset. NULL on failure.
 * @return CQ_OK, CQ_EUNKNOWN_ATTR, or the getter's code.
 * @param inst  the instance; borrowed for the call.
 * @param attr  an attribute's name (VIRTUAL ones too); borrowed for the call.
 * @param opts  NULL for defaults (through getters); not kept.
 */
CQ_EXTERN int cq_instance_get_value(cq_value **out, const cq_instance *inst, const char *attr,
                                    const cq_get_opts *opts);
/**
 * Sequelize's `getDataValue(attr)`: the stored value, borrowed from the instance (also for
 * a VIRTUAL attribute, whose value is NULL until set); NULL when unknown or unset.
 * @param inst  borrowed for the call.
 * @param attr  NUL-terminated; borrowed for the call.
 */
CQ_EXTERN const cq_value *cq_instance_get_data_value(const cq_instance *inst, const char *attr);
/**
 * Sequelize's `setDataValue(attr, v)`: stores `v` (taken, even on failure) without the
 * attribute's setter; marks it changed when it differs. For setters to call.
 * @param inst  borrowed for the call; stays the caller's.
 * @param attr  NUL-terminated; borrowed for the call.
 * @return CQ_OK, CQ_EUNKNOWN_ATTR, CQ_EVALIDATION (wrong value type).
 * @param v     taken, even on failure.
 */
CQ_EXTERN int cq_instance_set_data_value(cq_instance *inst, const char *attr, cq_value *v);

/**
 * Typed getters: CQ_OK, CQ_EUNKNOWN_ATTR, CQ_EVALIDATION when the value is NULL or of
 * another type. Text is borrowed from the instance.
 * @param[out] out  caller's storage, written on success.
 * @param inst  borrowed for the call.
 * @param attr  NUL-terminated; borrowed for the call.
 */
CQ_EXTERN int cq_instance_get_int(int64_t *out, const cq_instance *inst, const char *attr);
/**
 * Typed getter for FLOAT/REAL/DOUBLE/DECIMAL attributes (an integer converts, and so does a
 * DECIMAL's exact text, to the nearest double); see cq_instance_get_int().
 * @param[out] out  caller's storage, written on success.
 * @param inst  borrowed for the call.
 * @param attr  NUL-terminated; borrowed for the call.
 * @return CQ_OK, CQ_EUNKNOWN_ATTR, CQ_EVALIDATION (NULL or not a number).
 */
CQ_EXTERN int cq_instance_get_double(double *out, const cq_instance *inst, const char *attr);
/**
 * Typed getter for BOOLEAN attributes; see cq_instance_get_int().
 * @param[out] out  caller's storage, written on success.
 * @param inst  borrowed for the call.
 * @param attr  NUL-terminated; borrowed for the call.
 * @return CQ_OK, CQ_EUNKNOWN_ATTR, CQ_EVALIDATION (NULL or not a boolean).
 */
CQ_EXTERN int cq_instance_get_bool(bool *out, const cq_instance *inst, const char *attr);
/**
 * Typed getter for text attributes (STRING, TEXT, DATE...); the text is borrowed from the
 * instance. See cq_instance_get_int().
 * @param inst  borrowed for the call.
 * @param attr  NUL-terminated; borrowed for the call.
 * @param[out] out  the text, borrowed from the instance (valid until the attribute
 *                  changes or the instance is freed); NULL on failure.
 * @return CQ_OK, CQ_EUNKNOWN_ATTR, CQ_EVALIDATION (NULL or not text).
 */
CQ_EXTERN int cq_instance_get_text(const char **out, const cq_instance *inst, const char *attr);
/**
 * Readers that cannot fail, for printing and reading results: the value of `attr` as
 * cq_value_as_text() / cq_value_as_int() / cq_value_as_bool() read it, so text is borrowed
 * from the instance (valid until the attribute changes or the instance is freed) and an
 * unknown attribute, a NULL `inst` or an SQL NULL gives NULL / 0 / false. Use the
 * cq_instance_get_* forms above to tell those cases apart.
 * @param inst  borrowed for the call.
 * @param attr  NUL-terminated; borrowed for the call.
 */
CQ_EXTERN const char *cq_instance_text(const cq_instance *inst, const char *attr);
/**
 * The attribute as an integer, 0 when unknown or NULL (see cq_instance_text()).
 * @param inst  borrowed for the call; NULL reads as 0.
 * @param attr  NUL-terminated; borrowed for the call.
 * @return the value.
 */
CQ_EXTERN int64_t cq_instance_int(const cq_instance *inst, const char *attr);
/**
 * The attribute as a boolean, false when unknown or NULL (see cq_instance_text()).
 * @param inst  borrowed for the call; NULL reads as false.
 * @param attr  NUL-terminated; borrowed for the call.
 * @return the value.
 */
CQ_EXTERN bool cq_instance_bool(const cq_instance *inst, const char *attr);

/**
 * Whether `attr` changed since load/save; with attr NULL, whether any attribute did.
 * @param inst  borrowed for the call.
 * @param attr  NUL-terminated; borrowed for the call.
 */
CQ_EXTERN bool cq_instance_has_changed(const cq_instance *inst, const char *attr);
/**
 * Whether the instance was built and not saved yet.
 * @param inst  borrowed for the call.
 */
CQ_EXTERN bool cq_instance_is_new_record(const cq_instance *inst);
/**
 * The model of the instance (owned by its cq_db).
 * @param inst  borrowed for the call.
 */
CQ_EXTERN cq_model *cq_instance_model(const cq_instance *inst);

/**
 * Sequelize's toJSON(): object of attributes in definition order, then included
 * associations under their keys. With getters, as v6's `get({plain: true})`: the attributes
 * that have a getter come first (their getters' values; VIRTUAL ones unless a find's
 * `attributes` left them out), then the others.
 * @param[out] out  the caller owns it, free with cq_value_free(); NULL on failure.
 * @param inst      borrowed for the call.
 * @return CQ_OK, CQ_EINVALID (NULL instance), CQ_ENOMEM, or a getter's code.
 */
CQ_EXTERN int cq_instance_to_value(cq_value **out, const cq_instance *inst);
/**
 * toJSON as text; caller frees with cq_free().
 * @param[out] out  the caller owns it, free with cq_free(); NULL on failure.
 * @param inst  borrowed for the call.
 * @param flags  OR of CQ_JSON_COMPACT, CQ_JSON_INDENT, CQ_JSON_SORT_KEYS.
 * @return CQ_OK, CQ_EINVALID (NULL instance), CQ_ENOMEM, or a getter's code.
 */
CQ_EXTERN int cq_instance_to_json(char **out, const cq_instance *inst, int flags);

/**
 * Frees an instance the caller owns, and what it carries. NULL ok.
 * @param inst  freed with what it carries; NULL is allowed.
 */
CQ_EXTERN void cq_instance_free(cq_instance *inst);

/* ---- result sets ---------------------------------------------------------------- */

/**
 * Number of instances in `rows`.
 * @param rows  borrowed for the call.
 */
CQ_EXTERN size_t cq_rows_count(const cq_rows *rows);
/**
 * Instance `i`, borrowed from rows (freed by cq_rows_free).
 * @param rows  borrowed for the call.
 * @param i  position, 0-based.
 */
CQ_EXTERN cq_instance *cq_rows_at(const cq_rows *rows, size_t i);
/**
 * Takes instance `i` out of rows: the caller owns it (cq_instance_free); rows keep a NULL.
 * @param rows  borrowed for the call; stays the caller's.
 * @param i  position, 0-based.
 */
CQ_EXTERN cq_instance *cq_rows_take(cq_rows *rows, size_t i);
/**
 * toJSON of every instance, as an array. Caller frees with cq_value_free().
 * @param[out] out  the caller owns it, free with cq_value_free(); NULL on failure.
 * @param rows  borrowed for the call.
 * @return CQ_OK, CQ_ENOMEM, or a getter's code.
 */
CQ_EXTERN int cq_rows_to_value(cq_value **out, const cq_rows *rows);
/**
 * Frees rows and every instance they still hold. NULL ok.
 * @param rows  freed with the instances it still holds; NULL is allowed.
 */
CQ_EXTERN void cq_rows_free(cq_rows *rows);

/* ---- finders -------------------------------------------------------------------- */

/**
 * Sequelize's findAll: every row matching `opts`, with its includes.
 * @param[out] out  caller owns, free with cq_rows_free(); NULL on failure.
 * @param model     the model; owned by its cq_db.
 * @param opts      NULL for every row; not kept.
 * @return CQ_OK, CQ_EUNKNOWN_ATTR, CQ_EEAGER (a bad include), CQ_EINVALID, CQ_EDATABASE.
 */
CQ_EXTERN int cq_model_find_all(cq_rows **out, cq_model *model, const cq_find_opts *opts);
/**
 * First match (LIMIT 1). `*out` is NULL and CQ_OK is returned when nothing matches.
 * @param[out] out  the caller owns it, free with cq_instance_free(); NULL on failure.
 * @param model  borrowed; owned by its cq_db.
 * @param opts  NULL for defaults; borrowed for the call, not kept.
 * @return CQ_OK, or the codes of cq_model_find_all(): CQ_EUNKNOWN_ATTR, CQ_EEAGER,
 *         CQ_EINVALID, CQ_EDATABASE (details: cq_db_error()).
 */
CQ_EXTERN int cq_model_find_one(cq_instance **out, cq_model *model, const cq_find_opts *opts);
/**
 * By primary key value (borrowed). `*out` NULL and CQ_OK when absent.
 * @param[out] out  the caller owns it, free with cq_instance_free(); NULL on failure.
 * @param model  borrowed; owned by its cq_db.
 * @param pk  borrowed for the call; not kept.
 * @param opts  NULL for defaults; borrowed for the call, not kept.
 * @return CQ_OK, or the codes of cq_model_find_all(): CQ_EUNKNOWN_ATTR, CQ_EEAGER,
 *         CQ_EINVALID, CQ_EDATABASE (details: cq_db_error()).
 */
CQ_EXTERN int cq_model_find_by_pk(cq_instance **out, cq_model *model, const cq_value *pk,
                                  const cq_find_opts *opts);
/**
 * Rows matching (ignoring limit, offset, order and attributes); with to-many includes it
 * counts distinct parents, not joined rows.
 * @param[out] out  caller's storage, written on success.
 * @param model  borrowed; owned by its cq_db.
 * @param opts  NULL for defaults; borrowed for the call, not kept.
 * @return CQ_OK, or the codes of cq_model_find_all(): CQ_EUNKNOWN_ATTR, CQ_EEAGER,
 *         CQ_EINVALID, CQ_EDATABASE (details: cq_db_error()).
 */
CQ_EXTERN int cq_model_count(int64_t *out, cq_model *model, const cq_find_opts *opts);
/**
 * Sequelize's findAndCountAll: the count of every matching row (cq_model_count, limit and
 * offset ignored), then the page (cq_model_find_all): two statements, the count first.
 * @param[out] rows_out   caller frees with cq_rows_free(); NULL on failure.
 * @param[out] count_out  caller's storage: the total; 0 on failure.
 * @param model           the model; owned by its cq_db.
 * @param opts            as for cq_model_find_all(); not kept.
 * @return CQ_OK, or the codes of cq_model_find_all(): CQ_EUNKNOWN_ATTR, CQ_EEAGER,
 *         CQ_EINVALID, CQ_EDATABASE (details: cq_db_error()).
 */
CQ_EXTERN int cq_model_find_and_count_all(cq_rows **rows_out, int64_t *count_out, cq_model *model,
                                          const cq_find_opts *opts);

/**
 * UPDATE ... SET values WHERE opts->where (updatedAt is set too). `count_out` may be NULL.
 * On a paranoid model soft-deleted rows are left alone (`deletedAt IS NULL` is ANDed first).
 * @param[out] count_out  caller's storage (may be NULL): rows updated.
 * @param model  borrowed; owned by its cq_db.
 * @param values  borrowed for the call; not kept.
 * @param opts  required (its where); borrowed for the call, not kept.
 * @return CQ_OK, CQ_EINVALID (no where), CQ_EUNKNOWN_ATTR, CQ_EVALIDATION /
 *         CQ_ENOTNULL, CQ_EUNIQUE, CQ_EFOREIGNKEY, a hook's code, or
 *         CQ_EDATABASE, CQ_ECONNECT or CQ_ETIMEOUT from the server (details: cq_db_error()).
 */
CQ_EXTERN int cq_model_update(int64_t *count_out, cq_model *model, const cq_value *values,
                              const cq_bulk_opts *opts);
/**
 * DELETE ... WHERE opts->where. A where is required (NULL opts is CQ_EINVALID); pass an
 * empty object to delete every row on purpose. On a paranoid model: v6's
 * `UPDATE ... SET deletedAt = now WHERE deletedAt IS NULL AND <where>` (updatedAt untouched)
 * unless `opts->force`.
 * @param[out] count_out  caller's storage (may be NULL): rows deleted (or soft deleted).
 * @param model  borrowed; owned by its cq_db.
 * @param opts  required (its where); borrowed for the call, not kept.
 * @return CQ_OK, CQ_EINVALID (no where), CQ_EUNKNOWN_ATTR, CQ_EFOREIGNKEY, a hook's code, or
 *         CQ_EDATABASE, CQ_ECONNECT or CQ_ETIMEOUT from the server (details: cq_db_error()).
 */
CQ_EXTERN int cq_model_destroy(int64_t *count_out, cq_model *model, const cq_bulk_opts *opts);
/**
 * Paranoid models (v6's Model.restore): `UPDATE ... SET deletedAt = NULL WHERE <where>`; NULL
 * opts or no where restores every row. @return CQ_OK, CQ_EINVALID (not paranoid).
 * @param[out] count_out  caller's storage, written on success.
 * @param model  borrowed; owned by its cq_db.
 * @param opts  NULL for defaults; borrowed for the call, not kept.
 */
CQ_EXTERN int cq_model_restore(int64_t *count_out, cq_model *model, const cq_bulk_opts *opts);

/**
 * Sequelize's Model.increment: one atomic `UPDATE t SET "n"="n"+ ?, ... WHERE <where>`.
 * `fields` (borrowed) is an attribute name (text), an array of names, each moved by
 * `opts->by`, or an object of amounts (`{"n": 2, "m": -1}`, numbers; `by` is then unused).
 * updatedAt is set to now unless `opts->silent`; a version model's version moves by one.
 * @param[out] count_out  caller's storage: rows changed (may be NULL).
 * @param opts  required, with a where (an empty object moves every row); not kept.
 * @return CQ_OK, CQ_EINVALID (no where, bad fields or amounts), CQ_EUNKNOWN_ATTR, or the
 *         database's error (details: cq_db_error()).
 * @param model   the model; owned by its cq_db.
 * @param fields  a name, an array of names, or an object of amounts (borrowed).
 */
CQ_EXTERN int cq_model_increment(int64_t *count_out, cq_model *model, const cq_value *fields,
                                 const cq_increment_opts *opts);
/**
 * Sequelize's Model.upsert: one `INSERT ... ON CONFLICT (target) DO UPDATE SET c =
 * EXCLUDED.c, ...` (SQLite, PostgreSQL) or `INSERT ... ON DUPLICATE KEY UPDATE c = VALUES(c)`
 * (MySQL), with the model's defaults and timestamps as create applies them (createdAt is
 * kept on a conflicting row). `values` is borrowed.
 * @param[out] out  the row: as stored (RETURNING) on PostgreSQL and SQLite, the values given
 *                  plus the generated key on MySQL; caller owns it, free with
 *                  cq_instance_free(); may be NULL to discard.
 * @param[out] created_out  caller's storage, may be NULL; MySQL: 1 when a row was inserted, 0 when
 *                          one was updated; -1 on SQLite and PostgreSQL (Sequelize returns null
 *                          there).
 * @return CQ_OK, CQ_EVALIDATION, CQ_ENOTNULL, CQ_EUNKNOWN_ATTR, CQ_EUNIQUE (a conflict on
 *         another key), or the database's error (details: cq_db_error()).
 * @param model   the model; owned by its cq_db.
 * @param values  the row's values (borrowed).
 * @param opts    NULL for defaults; not kept.
 */
CQ_EXTERN int cq_model_upsert(cq_instance **out, int *created_out, cq_model *model,
                              const cq_value *values, const cq_upsert_opts *opts);
/**
 * Sequelize's Model.findOrCreate: in one transaction (a savepoint inside `opts->transaction`),
 * finds the row matching `opts->where`, or creates it from `opts->defaults` plus the where's
 * plain values. When another writer creates the same row between the find and the insert,
 * the unique violation ends the transaction and the row it created is found and returned
 * (`*created_out` false), as in Sequelize; a unique violation with no such row is returned.
 * @param[out] out  the row found or created; caller owns it, free with cq_instance_free().
 * @param[out] created_out  caller's storage: whether this call created it (may be NULL).
 * @return CQ_OK, CQ_EINVALID (no where), CQ_EVALIDATION, CQ_ENOTNULL, CQ_EUNIQUE, or another
 *         CQ_E* code (details: cq_db_error()).
 * @param model  the model; owned by its cq_db.
 * @param opts   required (its where); not kept.
 */
CQ_EXTERN int cq_model_find_or_create(cq_instance **out, bool *created_out, cq_model *model,
                                      const cq_find_or_create_opts *opts);
/**
 * Sequelize's Model.findCreateFind: the find, then (when nothing matched) the create alone,
 * without a transaction of its own (a savepoint inside `opts->transaction`); a unique
 * violation finds the row another writer created. Same arguments and codes as
 * cq_model_find_or_create().
 * @param[out] out  the caller owns it, free with cq_instance_free(); NULL on failure.
 * @param[out] created_out  caller's storage (may be NULL): whether this call created it.
 * @param model  borrowed; owned by its cq_db.
 * @param opts   required (its where); borrowed for the call, not kept.
 * @return CQ_OK, CQ_EINVALID (no where), CQ_EVALIDATION, CQ_ENOTNULL, CQ_EUNIQUE, or another
 *         CQ_E* code (details: cq_db_error()).
 */
CQ_EXTERN int cq_model_find_create_find(cq_instance **out, bool *created_out, cq_model *model,
                                        const cq_find_or_create_opts *opts);
/**
 * Sequelize's Model.aggregate: `SELECT fn(attr) AS fn FROM ... WHERE ...` (`fn(DISTINCT(attr))`
 * with `distinct`; `attr` "*" for count(*)). Without `group`, `*out` is the value (null when no
 * row matched, as SQL gives it); with `group`, an array of objects {group attributes...,
 * fn: value}, one per group (Sequelize's count({group}) and aggregate with group). Counts come
 * back as integers, max/min in the attribute's type, sum/avg as numbers.
 * @param[out] out  caller owns, free with cq_value_free(); NULL on failure.
 * @param fn  a function name (letters, digits, `_`): count, sum, max, min, avg, ; borrowed for the
 *            call.
 * @return CQ_OK, CQ_EINVALID (fn not a name), CQ_EUNKNOWN_ATTR, or the database's error.
 * @param model  the model; owned by its cq_db.
 * @param attr   an attribute's name, or "*" for count; borrowed for the call.
 * @param opts   NULL for defaults; not kept.
 */
CQ_EXTERN int cq_model_aggregate(cq_value **out, cq_model *model, const char *attr, const char *fn,
                                 const cq_aggregate_opts *opts);
/**
 * cq_model_aggregate() with "max" (Model.max).
 * @param[out] out  the caller owns it, free with cq_value_free(); NULL on failure.
 * @param model  borrowed; owned by its cq_db.
 * @param attr  NUL-terminated; borrowed for the call.
 * @param opts  NULL for defaults; borrowed for the call, not kept.
 * @return CQ_OK, or the codes of cq_model_aggregate() (CQ_EUNKNOWN_ATTR, CQ_EDATABASE).
 */
CQ_EXTERN int cq_model_max(cq_value **out, cq_model *model, const char *attr,
                           const cq_aggregate_opts *opts);
/**
 * cq_model_aggregate() with "min" (Model.min).
 * @param[out] out  the caller owns it, free with cq_value_free(); NULL on failure.
 * @param model  borrowed; owned by its cq_db.
 * @param attr  NUL-terminated; borrowed for the call.
 * @param opts  NULL for defaults; borrowed for the call, not kept.
 * @return CQ_OK, or the codes of cq_model_aggregate() (CQ_EUNKNOWN_ATTR, CQ_EDATABASE).
 */
CQ_EXTERN int cq_model_min(cq_value **out, cq_model *model, const char *attr,
                           const cq_aggregate_opts *opts);
/**
 * cq_model_aggregate() with "sum" (Model.sum).
 * @param[out] out  the caller owns it, free with cq_value_free(); NULL on failure.
 * @param model  borrowed; owned by its cq_db.
 * @param attr  NUL-terminated; borrowed for the call.
 * @param opts  NULL for defaults; borrowed for the call, not kept.
 * @return CQ_OK, or the codes of cq_model_aggregate() (CQ_EUNKNOWN_ATTR, CQ_EDATABASE).
 */
CQ_EXTERN int cq_model_sum(cq_value **out, cq_model *model, const char *attr,
                           const cq_aggregate_opts *opts);
/**
 * cq_model_increment() with `-` instead of `+` (Model.decrement).
 * @param[out] count_out  caller's storage, written on success.
 * @param model  borrowed; owned by its cq_db.
 * @param fields  borrowed for the call; not kept.
 * @param opts  NULL for defaults; borrowed for the call, not kept.
 * @return CQ_OK, or the codes of cq_model_increment() (CQ_EINVALID, CQ_EUNKNOWN_ATTR,
 *         CQ_EDATABASE; details: cq_db_error()).
 */
CQ_EXTERN int cq_model_decrement(int64_t *count_out, cq_model *model, const cq_value *fields,
                                 const cq_increment_opts *opts);
/**
 * Sequelize's instance.increment: the same UPDATE on the instance's own row (by primary key).
 * As in Sequelize, the instance's values are not changed: cq_instance_reload() reads the new
 * ones. `opts` may be NULL; a where in it is CQ_EINVALID.
 * @param inst  borrowed for the call; stays the caller's.
 * @param fields  borrowed for the call; not kept.
 * @param opts  NULL for defaults; borrowed for the call, not kept.
 * @return CQ_OK, CQ_EINVALID (unsaved instance, NULL handle), CQ_EUNKNOWN_ATTR, or the
 *         database's error.
 */
CQ_EXTERN int cq_instance_increment(cq_instance *inst, const cq_value *fields,
                                    const cq_increment_opts *opts);
/**
 * cq_instance_increment() with `-` (instance.decrement).
 * @param inst  borrowed for the call; stays the caller's.
 * @param fields  borrowed for the call; not kept.
 * @param opts  NULL for defaults; borrowed for the call, not kept.
 * @return CQ_OK, or the codes of cq_instance_increment() (CQ_EINVALID,
 *         CQ_EUNKNOWN_ATTR, CQ_EDATABASE; details: cq_db_error()).
 */
CQ_EXTERN int cq_instance_decrement(cq_instance *inst, const cq_value *fields,
                                    const cq_increment_opts *opts);

/**
 * Raw query with bound parameters (Sequelize's `sequelize.query`), mainly for tests and
 * tools. Rows come back as an array of objects keyed by column name. Always runs on the write
 * server, also when the db has read servers (cq_open_opts.read_urls).
 * @param[out] out  caller frees with cq_value_free(); may be NULL to discard rows.
 * @param db        the connection; borrowed for the call.
 * @param sql       the statement, with a `?` for each parameter on every dialect (on PostgreSQL
 *                  cequel numbers them `$1`, `$2`... before sending); a `?` inside quotes ('...',
 *                  "...", `...`) is text, not a placeholder. The count of `?` must match `params`
 *                  (else CQ_EINVALID); PostgreSQL's own `$1` is not bound; borrowed for the call.
 * @param params    array of values bound in order; NULL for none; borrowed for the call.
 * @param txn       the transaction to run in; NULL for none; borrowed, stays the caller's.
 * @return CQ_OK, CQ_EDATABASE (and the constraint codes).
 */
CQ_EXTERN int cq_db_query(cq_value **out, cq_db *db, const char *sql, const cq_value *params,
                          cq_txn *txn);

CQ_END_DECL

#endif
