/**
 * @file cequel/validate.h
 * Validations (Sequelize v6's `validate` on attributes and models).
 *
 * An attribute lists validators in cq_attr.validate, a model lists model-wide validators in
 * cq_model_opts.validate. They run before every INSERT and UPDATE an instance makes (create,
 * save, update, bulkCreate with `validate`, every row of a nested create before its first
 * statement) and may be run by hand with cq_instance_validate(). When any fails, the call
 * returns CQ_EVALIDATION (CQ_ENOTNULL when every failure is a `notNull Violation`), writes
 * nothing, and the failures are listed by cq_db_validation_count() / cq_db_validation_item()
 * exactly as SequelizeValidationError's `errors`. See docs/validation.md.
 */
#ifndef CEQUEL_VALIDATE_H
#define CEQUEL_VALIDATE_H

#include "cequel/common.h"
#include "cequel/db.h"
#include "cequel/value.h"

CQ_BEGIN_DECL

struct cq_instance;

/**
 * A custom validator (an attribute's or a model's). Return CQ_OK when the value passes;
 * any other value fails it, and the text written to `msg` (at most `msg_size` bytes, NUL
 * included) becomes the error item's message, like the message of the Error a v6 validator
 * throws ("Validation error" when left empty).
 *
 * @param msg        buffer for the message, empty on entry.
 * @param inst       the instance being validated (read its other attributes with
 *                   cq_instance_get()); borrowed for the call, do not change it.
 * @param attr       the attribute for an attribute validator, NULL for a model validator.
 * @param value      the attribute's value (NULL when unset), NULL for a model validator.
 * @param user_data  as registered.
 * @param msg_size  the size of `msg` in bytes.
 */
typedef int (*cq_validator_fn)(char *msg, size_t msg_size, const struct cq_instance *inst,
                               const char *attr, const cq_value *value, void *user_data);

/**
 * One validator. A list ends with an element whose `key` is NULL.
 *
 * Built-in validators (`key` one of v6's names: is, not, isEmail, isUrl, isIP, isIPv4,
 * isIPv6, isAlpha, isAlphanumeric, isNumeric, isInt, isFloat, isDecimal, isLowercase,
 * isUppercase, notNull, isNull, notEmpty, equals, contains, notContains, isIn, notIn, len,
 * isUUID, isDate, isAfter, isBefore, max, min, isCreditCard) take `args` as v6 does: an
 * array is spread into the validator's arguments (`len`: [2, 10]; `isIn`: [["a", "b"]];
 * `is`: ["^[a-z]+$", "i"]), any other value is the single argument (`min`: 18, `is`: "^a"),
 * NULL is v6's `true`. Any other key names a custom validator: `fn`, or `bound`.
 */
typedef struct cq_validator {
    const char *key;      /**< validator name; NULL ends a list */
    const cq_value *args; /**< built-in: v6's `args` (copied); NULL = `true` */
    const char *msg;      /**< message instead of v6's default "Validation KEY on ATTR failed"
                               (for notNull: instead of "MODEL.ATTR cannot be null"); NULL =
                               default */
    cq_validator_fn fn;   /**< custom validator; NULL for a built-in one */
    void *user_data;      /**< passed to `fn` */
    const char *bound;    /**< custom validator bound later by name (cq_db_bind_validator);
                               used when `fn` is NULL; how schema files name callbacks */
} cq_validator;

/** One failure, a SequelizeValidationError item. Strings and values are owned by the db. */
typedef struct cq_validation_item {
    const char *message;        /**< "Validation isEmail on email failed", a custom message */
    const char *type;           /**< "notNull Violation", "string violation" or
                                     "Validation error" */
    const char *path;           /**< attribute name, or the model validator's name */
    const cq_value *value;      /**< the value checked (a null value for a model validator) */
    const char *origin;         /**< "CORE" (notNull / string violations), "FUNCTION" otherwise */
    const char *validator_key;  /**< "isEmail", a custom name, "is_null", "not_a_string" */
    const char *validator_name; /**< built-in validators: their name; NULL otherwise */
    const cq_value *validator_args; /**< built-in validators: the arguments as an array;
                                         NULL otherwise */
    const char *model;              /**< the model validated */
    size_t record;                  /**< bulkCreate: index of the row in the input; 0 else */
} cq_validation_item;

/**
 * Number of failures behind the last CQ_EVALIDATION / CQ_ENOTNULL on `db` (0 after any
 * other outcome). Valid until the next call on db, like cq_db_error().
 * @param db  borrowed for the call.
 */
CQ_EXTERN size_t cq_db_validation_count(const cq_db *db);

/**
 * Failure `i` (0-based, in v6's order), borrowed from db until the next call on it; NULL
 * out of range.
 * @param db  borrowed for the call.
 * @param i  position, 0-based.
 */
CQ_EXTERN const cq_validation_item *cq_db_validation_item(const cq_db *db, size_t i);

/**
 * Binds `name` to a custom validator callback, for validators that name it with `bound`
 * (schema files). Binding a name again replaces it. A validator whose name is still unbound
 * when it runs fails the call with CQ_EINVALID. Binding is part of the schema: it must come
 * before `db` freezes (see cq_db_freeze()).
 *
 * @param name  copied.
 * @return CQ_OK, CQ_EINVALID (NULL name or fn, or a frozen db), CQ_ENOMEM.
 * @param db         the connection; borrowed for the call.
 * @param fn         the callback.
 * @param user_data  passed to `fn` untouched; never freed.
 */
CQ_EXTERN int cq_db_bind_validator(cq_db *db, const char *name, cq_validator_fn fn,
                                   void *user_data);

/**
 * Whether `name` is bound (cq_db_bind_validator).
 * @param db  borrowed for the call.
 * @param name  NUL-terminated; borrowed for the call.
 */
CQ_EXTERN bool cq_db_is_validator_bound(const cq_db *db, const char *name);

/**
 * Whether `key` is the name of a built-in validator.
 * @param key  NUL-terminated; borrowed for the call.
 */
CQ_EXTERN bool cq_validator_is_builtin(const char *key);

/**
 * Reads Sequelize's `validate` object in its JSON form (how schema files write it) into a
 * validator list. For an attribute (`model_level` false): a built-in name maps to `true`,
 * `{"args": ..., "msg": ...}`, or any other value standing for `args` (`"len": [2, 10]`,
 * `"isIn": [["a", "b"]]`, `"is": ["^[a-z]+$", "i"]`, `"isEmail": {"allow_display_name":
 * true}`); any other name maps to the name of a bound callback (`"isEven": "checkEven"`,
 * see cq_db_bind_validator()). For a model (`model_level` true) every name maps to a bound
 * callback's name.
 *
 * @param[out] out  zero-terminated list; the caller owns it, free with cq_validators_free().
 *                  NULL on failure.
 * @param spec      an object; borrowed for the call.
 * @param err       caller-owned, may be NULL: the message names the offending key.
 * @return CQ_OK, CQ_EINVALID (not an object, unknown name without a callback name, a `msg`
 *         that is not text), CQ_ENOMEM.
 * @param model_level  true for a model's `validate` option, false for an attribute's.
 */
CQ_EXTERN int cq_validators_from_value(cq_validator **out, const cq_value *spec, bool model_level,
                                       cq_error *err);

/**
 * Frees a list made by cq_validators_from_value(). NULL is allowed.
 * @param list  taken and freed; NULL is allowed.
 */
CQ_EXTERN void cq_validators_free(cq_validator *list);

/** Options of cq_instance_validate(). */
typedef struct cq_validate_opts {
    const char *const *skip; /**< NULL-terminated attribute names not to validate (v6's
                                  `skip`); NULL = none */
    cq_flag hooks;           /**< v6's `hooks`: CQ_OFF runs the validators without the
                                  beforeValidate / afterValidate / validationFailed hooks;
                                  default on */
} cq_validate_opts;

/**
 * Sequelize's `instance.validate()`: runs every validator on the instance's current values
 * without writing anything. As in v6, the model's beforeValidate hooks run first, then the
 * validators, then afterValidate (or validationFailed, which may replace the error with its
 * own), unless `opts->hooks` is CQ_OFF.
 *
 * @param inst  borrowed.
 * @param opts  NULL for defaults; not kept.
 * @return CQ_OK, CQ_EVALIDATION or CQ_ENOTNULL (items: cq_db_validation_item()), CQ_EINVALID
 *         (an unbound custom validator, a bad regular expression or argument), or the code
 *         of a failing hook.
 */
CQ_EXTERN int cq_instance_validate(struct cq_instance *inst, const cq_validate_opts *opts);

CQ_END_DECL

#endif
