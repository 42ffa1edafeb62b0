/* Validations: the built-in rules (validator_rules.c, a port of the validator.js rules that
 * Sequelize v6 uses) and the engine that runs them on instances (validate.c). */
#ifndef CQ_MODEL_VALIDATE_INTERNAL_H
#define CQ_MODEL_VALIDATE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "cequel/validate.h"

/* Outcome of one built-in rule: passes, fails, or "throws" (v6's validator raised an Error,
 * e.g. an invalid locale or regular expression: its text is in `err` and becomes the item's
 * message); CQ__RULE_NOMEM when out of memory. */
enum { CQ__RULE_FAIL = 0, CQ__RULE_PASS = 1, CQ__RULE_THROW = -1, CQ__RULE_NOMEM = -2 };

/* Whether `key` names a built-in validator. */
bool cq__rule_known(const char *key);

/* Runs built-in validator `key` on `str` (JavaScript's String(value)) with `args`, the
 * validator's arguments as an array (v6's validatorArgs). */
int cq__rule_run(const char *key, const char *str, const cq_value *args, char *err,
                 size_t err_size);

/* JavaScript's String(value) of a value, as v6 passes values to validator.js; caller frees. */
char *cq__js_string(const cq_value *v);

/* JavaScript's Date.parse: milliseconds since the epoch in *ms; false for NaN. Local times
 * are taken as UTC. */
bool cq__js_date_parse(const char *s, double *ms);

/* Whether a regular expression with JavaScript flags matches `subject`: CQ__RULE_PASS on a
 * match, CQ__RULE_FAIL, CQ__RULE_THROW (message in err) for a bad pattern or flag. */
int cq__js_regex_test(const char *pattern, const char *flags, const char *subject, char *err,
                      size_t err_size);

struct cq_model;
/* Model-side storage of validators (copied lists), freed by cq__validation_free. */
typedef struct cq__validation cq__validation;
void cq__validation_free(cq__validation *v);
/* Copies the validators of attribute `attr` into the model's set. */
int cq__validation_add_attr(struct cq_model *m, const char *attr, const cq_validator *list);
/* Copies the model-level validators. */
int cq__validation_set_model(struct cq_model *m, const cq_validator *list);

struct cq_instance;
struct cq_db;
/* Validates an instance before a write: `inserting` validates every attribute, otherwise
 * only the changed ones; `fields` (NULL-terminated or NULL) limits to those attributes;
 * `skip_extra` (NULL-terminated or NULL) skips more (foreign keys a nested create fills
 * later). Items are appended to the db's list with `record`; nothing is reported: the
 * caller calls cq__validation_report once every row was checked. Returns CQ_OK (failures
 * only added as items), CQ_EINVALID or CQ_ENOMEM. */
int cq__validation_check(struct cq_instance *inst, bool inserting, const char *const *fields,
                         const char *const *skip_extra, size_t record);
/* Starts collecting items for one write (drops earlier ones); until the matching finish,
 * cq__db_clear keeps them (a nested create builds rows between checks). */
int cq__validation_begin(struct cq_db *db);
/* Ends collecting. With rc != CQ_OK (the checks failed themselves) the items are dropped
 * and rc returned; else the items become the db's error (CQ_EVALIDATION, or CQ_ENOTNULL
 * when every item is a notNull violation) and that code is returned; CQ_OK when none. */
int cq__validation_finish(struct cq_db *db, int rc);
/* v6 Model#validate: cq__validation_check (arguments as there) between begin and finish,
 * with, when `hooks`, beforeValidate before it and afterValidate or validationFailed after
 * it (a failing validationFailed hook's code replaces the validation error). */
int cq__validate_hooked(struct cq_instance *inst, bool hooks, bool inserting,
                        const char *const *fields, const char *const *skip);
/* Number of items collected since the last clear. */
size_t cq__validation_pending(const struct cq_db *db);
/* Drops the collected items unless a write is collecting them (cq__db_clear calls it). */
void cq__validation_clear(struct cq_db *db);
/* Frees the db's validation state (items and bound callbacks). */
void cq__validation_db_free(struct cq_db *db);
/* Sets up the db's validation state (cq_db_open); CQ_OK or CQ_ENOMEM. */
int cq__validation_db_init(struct cq_db *db);

#endif
