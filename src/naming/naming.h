/*
 * Internal naming layer: pure string functions that compute every name Sequelize v6 derives
 * (spec: naming.md). Nothing here touches a model or a db; the model and association code
 * pass plain strings and flags in and own the strings that come back.
 *
 * Ownership, for every function below: string arguments are borrowed for the call only;
 * every returned or `out` string is newly allocated and belongs to the caller, who frees it
 * with cq__free() (or cq_free(), which is the same). On failure `*out` is NULL.
 */
#ifndef CQ_SRC_NAMING_NAMING_H
#define CQ_SRC_NAMING_NAMING_H

#include <stdbool.h>
#include <stddef.h>

#include "cequel/errors.h"
#include "cequel/naming.h"

/* ------------------------------------------------------------------------------------------ */
/* Inflection (naming.md 1)                                                                   */
/* ------------------------------------------------------------------------------------------ */

/**
 * One inflection rule. `pattern` uses the restricted regex syntax of naming.md 1.1 (see
 * inflection_rules.c). `replacement` is literal text with `$1`..`$9`; NULL marks a guard
 * (a match returns the word unchanged).
 */
typedef struct cq__naming_rule {
    const char *pattern;
    const char *replacement;
} cq__naming_rule;

/* The rule tables in priority order (inflection_rules.c; naming.md 1.2, 1.3, 1.4). */
extern const cq__naming_rule cq__naming_plural_rules[];
extern const size_t cq__naming_plural_rule_count;
extern const cq__naming_rule cq__naming_singular_rules[];
extern const size_t cq__naming_singular_rule_count;
/* Lower case; compared against the whole word, ASCII case-insensitively. */
extern const char *const cq__naming_uncountables[];
extern const size_t cq__naming_uncountable_count;

/**
 * Match `pattern` (naming.md 1.1 syntax) against `word`: leftmost match, alternatives tried in
 * order, ASCII case-insensitive. Exposed for unit tests.
 *
 * @param[out] out  if non-NULL and the pattern matches: `word` with the matched text replaced
 *                  by `replacement` (`$n` = group n, original case; a group that took no part
 *                  is empty). NULL when there is no match, when `replacement` is NULL, or on
 *                  error. Free with cq__free().
 * @return 1 on a match, 0 on no match, CQ_ENOMEM, or CQ_EINVALID for a malformed pattern.
 */
int cq__naming_pattern_replace(char **out, const char *word, const char *pattern,
                               const char *replacement);

/**
 * The inflection procedure of naming.md 1.1 with explicit tables (uncountables first, then
 * the first matching rule). Returns a new string, or NULL on out of memory / NULL `word`.
 */
char *cq__naming_inflect(const char *word, const cq__naming_rule *rules, size_t rule_count,
                         const char *const *uncountables, size_t uncountable_count);

/**
 * Replaceable inflection (Sequelize's `Sequelize.useInflection`, naming.md 1.5). Every
 * function below that needs plural/singular takes a `const cq__inflector *`; NULL means the
 * built-in cq_pluralize()/cq_singularize(). Each callback returns a new malloc'd string the
 * library frees with cq__free(), or NULL on failure (reported as CQ_ENOMEM).
 */
typedef struct cq__inflector {
    char *(*pluralize)(const char *word, void *user_data);
    char *(*singularize)(const char *word, void *user_data);
    void *user_data;
} cq__inflector;

/* Plural / singular through `infl` (NULL = built-in). NULL on out of memory. */
char *cq__naming_pluralize(const cq__inflector *infl, const char *word);
char *cq__naming_singularize(const cq__inflector *infl, const char *word);

/* ------------------------------------------------------------------------------------------ */
/* String helpers (naming.md 2)                                                               */
/* ------------------------------------------------------------------------------------------ */

/**
 * Sequelize's own `Utils.camelize` (naming.md 2.1): trim whitespace, then every run of `-`,
 * `_` or whitespace followed by a character becomes that character upper-cased (ASCII).
 * `company_id` -> `companyId`, `_user_id` -> `UserId`, `USER_ID` -> `USERID`.
 *
 * @param[out] out  the camelized string; free with cq__free(). NULL on failure.
 * @return CQ_OK, CQ_EINVALID when a separator run ends the (trimmed) string (`user_`; v6
 *         throws a TypeError there), CQ_ENOMEM.
 */
int cq__naming_camelize(char **out, const char *s);

/**
 * Sequelize's `Utils.underscore` (inflection.underscore, naming.md 2.2): `_` before every
 * ASCII upper-case letter, drop one leading `_`, lower-case (ASCII). `::` becomes `/`.
 * `userId` -> `user_id`, `HTTPServer` -> `h_t_t_p_server`, `__userId` -> `_user_id`.
 * Returns a new string, NULL on out of memory / NULL `s`.
 */
char *cq__naming_underscore(const char *s);

/**
 * lodash `upperFirst` (naming.md 2.3): upper-case the first character. ASCII only: a word
 * starting with a multi-byte UTF-8 character (`élan`) is returned unchanged, where
 * JavaScript would give `Élan`. Returns a new string, NULL on out of memory / NULL `s`.
 */
char *cq__naming_upper_first(const char *s);

/* ------------------------------------------------------------------------------------------ */
/* Models (naming.md 3)                                                                       */
/* ------------------------------------------------------------------------------------------ */

/**
 * `options.name.singular` (naming.md 3): `given` if non-NULL, else singularize(model_name).
 * Returns a new string, NULL on out of memory.
 */
char *cq__naming_model_singular(const cq__inflector *infl, const char *model_name,
                                const char *given);

/**
 * `options.name.plural` (naming.md 3): `given` if non-NULL, else pluralize(model_name) (of the
 * model name, never of a given singular). Returns a new string, NULL on out of memory.
 */
char *cq__naming_model_plural(const cq__inflector *infl, const char *model_name, const char *given);

/**
 * Table name of a model (naming.md 3): `table_name` verbatim if non-NULL (even with
 * freeze); else the model name if `freeze_table_name`; else pluralize(model_name), passed
 * through underscore() when `underscored`. `name.singular/plural` never take part.
 * `userProject` + underscored -> `user_projects`. Returns a new string, NULL on out of memory.
 */
char *cq__naming_table_name(const cq__inflector *infl, const char *model_name,
                            const char *table_name, bool freeze_table_name, bool underscored);

/**
 * Field (column) of an attribute (naming.md 3, 5.1): `field` if non-NULL, else
 * underscore(attr) if the model is `underscored`, else `attr`. Applies to user attributes,
 * timestamps and injected foreign keys (pass the flag of the model that holds the key, see
 * cq__naming_fk_holder()). Returns a new string, NULL on out of memory.
 */
char *cq__naming_field_name(const char *attr, const char *field, bool underscored);

/* ------------------------------------------------------------------------------------------ */
/* Associations: alias and name (naming.md 4)                                                 */
/* ------------------------------------------------------------------------------------------ */

/** The four association types. */
typedef enum cq__naming_kind {
    CQ__NAMING_BELONGS_TO = 0,
    CQ__NAMING_HAS_ONE,
    CQ__NAMING_HAS_MANY,
    CQ__NAMING_BELONGS_TO_MANY
} cq__naming_kind;

/* True for hasMany and belongsToMany (array-valued associations). */
bool cq__naming_kind_is_multi(cq__naming_kind kind);

/** Alias and accessor name of an association; every string is the caller's. */
typedef struct cq__naming_alias {
    char *as;        /**< key in Model.associations, include alias and property key */
    char *singular;  /**< name.singular, for the single accessors */
    char *plural;    /**< name.plural, for the multiple accessors; NULL for belongsTo/hasOne
                          given a string `as` (v6 leaves it undefined and never uses it) */
    bool is_aliased; /**< `as` was given (string or object) */
} cq__naming_alias;

/**
 * Resolve `as` (naming.md 4). Give at most one form of `as`: `as` (string), or
 * `as_singular`/`as_plural` (Sequelize's object form; both required); all NULL = not given.
 *
 * - not given: as = target_singular (single) or target_plural (multi); name = the target's
 *   {target_singular, target_plural}; not aliased.
 * - string S, belongsTo/hasOne: as = S, name = {singular: S} (not singularized).
 * - string S, hasMany/belongsToMany: as = S, name = {singular: singularize(S), plural: S}.
 * - object, hasMany/belongsToMany: as = as_plural, name = the object.
 *
 * @param[out] out  filled on success (free with cq__naming_alias_free()); zeroed on failure.
 * @param target_singular, target_plural  the target model's name.singular / name.plural.
 * @return CQ_OK, CQ_EINVALID (object `as` on belongsTo/hasOne, which is broken in v6; object
 *         missing a half; both forms given), CQ_ENOMEM.
 */
int cq__naming_alias_resolve(cq__naming_alias *out, const cq__inflector *infl, cq__naming_kind kind,
                             const char *as, const char *as_singular, const char *as_plural,
                             const char *target_singular, const char *target_plural);

/* Frees the strings of `a` and zeroes it; NULL is allowed. */
void cq__naming_alias_free(cq__naming_alias *a);

/* ------------------------------------------------------------------------------------------ */
/* Foreign keys (naming.md 5)                                                                 */
/* ------------------------------------------------------------------------------------------ */

/** The model whose table holds an association's foreign key (naming.md 5.1). */
typedef enum cq__naming_holder {
    CQ__NAMING_HOLDER_SOURCE = 0, /**< belongsTo */
    CQ__NAMING_HOLDER_TARGET,     /**< hasOne, hasMany */
    CQ__NAMING_HOLDER_THROUGH     /**< belongsToMany (both keys) */
} cq__naming_holder;

/* Which model holds the foreign key of `kind`; its `underscored` flag decides the column. */
cq__naming_holder cq__naming_fk_holder(cq__naming_kind kind);

/*
 * Default foreign-key attribute names (naming.md 5.2). They are always camelCase; the column
 * is cq__naming_field_name(fk, NULL, holder_underscored). Each returns CQ_OK, CQ_EINVALID
 * when camelize fails (the key name is NULL/empty or ends in `_`: a model without a
 * primary key) or CQ_ENOMEM; `*out` is NULL on failure.
 */

/**
 * `S.belongsTo(T)`: camelize(X + "_" + target_pk), X = `as` if non-NULL else
 * `target_singular`. `target_pk` is T's primary-key attribute name (not `targetKey`).
 * `user.belongsTo(company)` -> `companyId`; `{as:'the boss'}` -> `theBossId`.
 */
int cq__naming_fk_belongs_to(char **out, const char *as, const char *target_singular,
                             const char *target_pk);

/**
 * `S.hasOne(T)`: camelize(singularize(Y) + "_" + source_pk), Y = `as` if non-NULL else
 * S's **model name** (not name.singular). `source_pk` is S's primary-key attribute (not
 * `sourceKey`). `project.hasOne(user, {as:'initiators'})` -> `initiatorId`.
 */
int cq__naming_fk_has_one(char **out, const cq__inflector *infl, const char *as,
                          const char *source_model_name, const char *source_pk);

/**
 * `S.hasMany(T)`: camelize(source_singular + "_" + source_pk); `as` plays no part.
 * `source_pk` is S's primary-key attribute (not `sourceKey`). `project.hasMany(user)` ->
 * `projectId`.
 */
int cq__naming_fk_has_many(char **out, const char *source_singular, const char *source_pk);

/**
 * `S.belongsToMany(T)` foreignKey: camelize(source_singular + "_" + source_key), where
 * `source_key` is the `sourceKey` option or S's primary key; `as` plays no part.
 */
int cq__naming_fk_belongs_to_many(char **out, const char *source_singular, const char *source_key);

/**
 * `S.belongsToMany(T)` otherKey: camelize(Z + "_" + target_key), Z = singularize(as) for a
 * self-association, else `target_singular`. `as` is the association's resolved alias
 * (cq__naming_alias.as); `target_key` the `targetKey` option or T's primary key.
 * `person.belongsToMany(person, {as:'Children'})` -> `ChildId`.
 */
int cq__naming_other_key_belongs_to_many(char **out, const cq__inflector *infl,
                                         bool self_association, const char *as,
                                         const char *target_singular, const char *target_key);

/* ------------------------------------------------------------------------------------------ */
/* Accessors (naming.md 6)                                                                    */
/* ------------------------------------------------------------------------------------------ */

/**
 * Instance accessor names; field names are Sequelize's `association.accessors` keys.
 * belongsTo/hasOne fill get/set/create from name.singular and leave the rest NULL.
 * hasMany/belongsToMany use U(plural) for get, set, add_multiple, remove_multiple, has_all,
 * count and U(singular) for add, create, remove, has_single (U = upperFirst).
 */
typedef struct cq__naming_accessors {
    char *get;             /**< getX */
    char *set;             /**< setX */
    char *create;          /**< createX */
    char *add;             /**< addX (one); multi only */
    char *add_multiple;    /**< addXs; multi only */
    char *remove;          /**< removeX (one); multi only */
    char *remove_multiple; /**< removeXs; multi only */
    char *has_single;      /**< hasX; multi only */
    char *has_all;         /**< hasXs; multi only */
    char *count;           /**< countXs; multi only */
} cq__naming_accessors;

/**
 * Accessor names of an association (naming.md 6) from its name (cq__naming_alias).
 * `singular`, `plural` may be equal (`sheep`): single and multiple variants then share a name.
 *
 * @param[out] out  filled on success (free with cq__naming_accessors_free()); zeroed on
 *                  failure.
 * @param plural    ignored for belongsTo/hasOne (may be NULL).
 * @return CQ_OK, CQ_EINVALID (a needed name is NULL), CQ_ENOMEM.
 */
int cq__naming_accessors_make(cq__naming_accessors *out, cq__naming_kind kind, const char *singular,
                              const char *plural);

/* Frees the strings of `a` and zeroes it; NULL is allowed. */
void cq__naming_accessors_free(cq__naming_accessors *a);

/* ------------------------------------------------------------------------------------------ */
/* Property keys and include aliases (naming.md 7, 8)                                         */
/* ------------------------------------------------------------------------------------------ */

/**
 * Key of included / nested-create data (naming.md 7): exactly the association's `as`,
 * case-sensitive (`user`, `User`, `addresses`, `Children`). Returns a new string, NULL on out
 * of memory / NULL `as`.
 */
char *cq__naming_property_key(const char *as);

/**
 * Key of the join row on each belongsToMany target object (naming.md 7): `through_as` (the
 * include's `through: {as}`) if non-NULL, else the through model's name (`UserProjects`,
 * `worker_tasks`). For a string `through`, that string is the through model's name (and its
 * table name, verbatim: naming.md 5.4). Returns a new string, NULL on out of memory.
 */
char *cq__naming_through_key(const char *through_model_name, const char *through_as);

/**
 * Whether an association matches an include's alias (naming.md 8; Sequelize's
 * `verifyAssociationAlias`). `alias` is a string alias, or NULL with `alias_singular` /
 * `alias_plural` for the object form; all NULL = `include: [T]` without alias.
 * - string: matches when equal to `assoc_as`;
 * - object: compares `alias_singular` (belongsTo/hasOne) or `alias_plural` (multi) to
 *   `assoc_as`; if that half is NULL, behaves as "no alias";
 * - no alias: matches an association that is not aliased.
 * The caller picks the first matching association to the included model.
 */
bool cq__naming_alias_matches(cq__naming_kind kind, const char *assoc_as, bool is_aliased,
                              const char *alias, const char *alias_singular,
                              const char *alias_plural);

#endif
