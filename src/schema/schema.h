/*
 * The JSON schema loader (docs/schema.md), internal interface. The public entry points are
 * cq_db_load_schema() and cq_db_load_schema_file() (cequel/schema.h); the cequel tool uses
 * this interface directly, because it checks a schema (and scripts against it) before any
 * database is opened, and keeps what the file said for its messages.
 *
 * Loading is split from defining: cq__schema_load() checks everything that can be checked
 * without a database and never touches one (the fuzz target in tests/fuzz/ drives it); then
 * cq__schema_define() turns a loaded schema into models and associations on a cq_db.
 * Every parsed string is borrowed from the jansson tree the schema keeps (`root`), so a
 * schema is freed in one call.
 *
 * Status codes are the library's: CQ_OK, CQ_EINVALID (the input is invalid; the message names
 * the JSON path), CQ_ENOMEM.
 */
#ifndef CQ_SCHEMA_SCHEMA_H
#define CQ_SCHEMA_SCHEMA_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "cequel.h"

#if defined(__GNUC__) || defined(__clang__)
#define CQ__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CQ__PRINTF(f, a)
#endif

/* A one-line message for the user ("models.user.attributes.age.type: unknown type ..."). */
typedef struct cq__diag {
    char msg[1024];
    bool oom; /* the failure was an allocation (cq__diag_oom) */
} cq__diag;

void cq__diag_set(cq__diag *d, const char *path, const char *fmt, ...) CQ__PRINTF(3, 4);
/* cq__diag_set, then CQ_EINVALID: what a check returns when the input is invalid. */
int cq__diag_fail(cq__diag *d, const char *path, const char *fmt, ...) CQ__PRINTF(3, 4);
/* cq__diag_set(d, path, "out of memory"), marked as such. */
void cq__diag_oom(cq__diag *d, const char *path);

/* JSON paths: `models.user`, `steps[3].where`, `models["odd key"]`. Truncated safely. */
enum { CQ__PATH_MAX = 512 };
void cq__path_key(char *out, const char *parent, const char *key);
void cq__path_index(char *out, const char *parent, size_t index);
/*
 * Walks the members of the object `obj` in document order: `fn` gets each key, its value and
 * the member's path (cq__path_key of `path` and the key). The walk stops at the first status
 * other than CQ_OK and returns it; CQ_OK when every call returned CQ_OK (or `obj` has no
 * members, or is not an object).
 */
typedef int (*cq__member_fn)(const char *key, json_t *val, const char *path, void *user_data,
                             cq__diag *diag);
int cq__json_each_member(json_t *obj, const char *path, cq__member_fn fn, void *user_data,
                         cq__diag *diag);
/* Writes `s` between double quotes with JSON escapes, truncated to fit `n` bytes. */
void cq__quote(char *out, size_t n, const char *s);

/*
 * Parses JSON text with jansson. `origin` names the input in messages ("schema.json");
 * a syntax error becomes "origin:LINE:COL: invalid JSON: ...". Duplicate keys are errors.
 */
int cq__json_parse(json_t **out, const char *text, size_t len, const char *origin, cq__diag *diag);
/* Reads a whole file (NUL-terminated, `len_out` may be NULL); NULL with diag set on failure. */
char *cq__read_file(const char *path, size_t *len_out, cq__diag *diag);

/* ---- schema ----------------------------------------------------------------------------- */

/* One declared attribute, with what the file said (describe/diagram use it for properties
 * the public API has no getter for yet). */
typedef struct cq__sch_attr {
    const char *name;
    const char *type_text; /* as written: "STRING(64)" */
    bool auto_increment;
    bool unique;
    const char *unique_name; /* `unique: "name"` */
    const char *ref_model;   /* references.model as written; NULL = none */
    const char *ref_key;     /* references.key; NULL = default ("id") */
    bool ref_none;           /* `references: null` */
    const char *on_delete;
    const char *on_update;
    json_t *default_json;    /* defaultValue as written (borrowed), NULL = none */
    const char *return_type; /* VIRTUAL: `returnType` as written; NULL = none */
    bool has_fields;         /* VIRTUAL: `fields` was given */
} cq__sch_attr;

typedef struct cq__sch_model {
    const char *name;
    char path[CQ__PATH_MAX]; /* "models.user" */
    cq__sch_attr *attrs;     /* n_attrs declared attributes, file order */
    size_t n_attrs;
    cq_attr *cq_attrs;   /* the same as cq_attr, zero-terminated, for cq_db_define */
    cq_value **defaults; /* n_attrs owned literal defaults (NULL entries = none) */
    cq_model_opts opts;
    cq_index *indexes;         /* opts.indexes, zero-terminated, owned */
    const char **index_fields; /* every index's NULL-terminated field list, back to back, owned */
    cq_validator **validators; /* n_attrs attribute `validate` lists (NULL = none), owned */
    cq_validator *model_validators; /* the model option `validate`, owned */
    char ***enum_values;        /* n_attrs ENUM value lists (cq_attrs[i].values), NULL-terminated,
                                   owned; NULL entries = none */
    cq_hook *hooks;             /* the model option `hooks` (names borrowed from the JSON), owned */
    const char ***virtual_deps; /* n_attrs VIRTUAL `fields` lists (cq_attrs[i].virtual_deps),
                                   NULL-terminated, strings borrowed from the JSON, owned;
                                   NULL entries = none */
    json_t *default_scope, *scopes; /* the options `defaultScope` and `scopes` (borrowed from
                                       the document), added after the associations */
} cq__sch_model;

/* `hooks` of a model's options: {"beforeCreate": "name" | ["a", "b"]}, each name a callback
 * the program binds (cq_db_bind_hook). *out is zero-terminated, the caller frees it (free);
 * its strings point into `v`. @return CQ_OK, CQ_EINVALID (diag names the path), CQ_ENOMEM. */
int cq__sch_parse_hooks(cq_hook **out, json_t *v, const char *path, cq__diag *diag);

/* `validate` of an attribute (`model_level` false) or of a model's options, in Sequelize's
 * JSON form (cq_validators_from_value); *out is owned by the caller (cq_validators_free).
 * @return CQ_OK, CQ_EINVALID (diag names the path), CQ_ENOMEM. */
int cq__sch_parse_validate(cq_validator **out, json_t *v, bool model_level, const char *path,
                           cq__diag *diag);

/* Association kinds (the "type" of an entry). */
typedef enum cq__sch_assoc_kind {
    CQ__SCH_BELONGS_TO = 1,
    CQ__SCH_HAS_ONE,
    CQ__SCH_HAS_MANY,
    CQ__SCH_BELONGS_TO_MANY
} cq__sch_assoc_kind;

/* One association entry, parsed into the library's options (strings borrowed from the
 * JSON; the attributes and values below are owned, see cq__sch_assoc_clear()). */
typedef struct cq__sch_assoc {
    cq__sch_assoc_kind kind;
    const char *kind_name; /* "belongsTo" */
    const char *source;
    const char *target;
    json_t *options;         /* borrowed; NULL when none */
    char path[CQ__PATH_MAX]; /* "associations[3]" */
    cq_assoc_opts opts;
    cq_attr fk_attr, other_attr; /* object forms of foreignKey / otherKey */
    cq_value *fk_default, *other_default, *scope, *through_scope;
} cq__sch_assoc;

typedef struct cq__schema {
    json_t *root; /* owns every string above */
    cq__sch_model *models;
    size_t n_models;
    cq__sch_assoc *assocs;
    size_t n_assocs;
    const cq_db *known; /* models already defined there count as known; NULL = none */
} cq__schema;

/*
 * Loads a schema document (docs/schema.md) from JSON text. No database is touched.
 * @param[out] out  caller frees with cq__schema_free(); NULL on failure.
 * @return CQ_OK, CQ_EINVALID (diag names the JSON path), CQ_ENOMEM.
 */
int cq__schema_load(cq__schema **out, const char *text, size_t len, const char *origin,
                    cq__diag *diag);
/* Same, with the models already defined on `known` (borrowed; may be NULL) accepted where
 * the document names a model (cq_db_load_schema: a schema may use models defined in C). */
int cq__schema_load_for(cq__schema **out, const char *text, size_t len, const char *origin,
                        const cq_db *known, cq__diag *diag);
/* Same, from an already parsed value (borrowed; a reference is taken). `path` prefixes
 * messages ("schema" inside a script, "" for a schema file). */
int cq__schema_from_json(cq__schema **out, json_t *root, const char *path, cq__diag *diag);
void cq__schema_free(cq__schema *s);
cq__sch_model *cq__schema_model(const cq__schema *s, const char *name);
const cq__sch_attr *cq__sch_model_attr(const cq__sch_model *m, const char *name);
/* A model of the schema, or a join model a belongsToMany `through` string creates. */
bool cq__schema_has_model(const cq__schema *s, const char *name);

/* Schema readers shared by schema.c and schema_assoc.c (messages name `path`). */
int cq__sch_parse_type(cq_attr *attr, const char *text, const char *path, cq__diag *diag);
/* Frees a NULL-terminated list of strings (ENUM values). NULL allowed. */
void cq__sch_strv_free(char **v);
int cq__sch_want_bool(bool *out, json_t *v, const char *path, cq__diag *diag);
int cq__sch_want_flag(cq_flag *out, json_t *v, const char *path, cq__diag *diag);
int cq__sch_want_string(const char **out, json_t *v, const char *path, cq__diag *diag);
int cq__sch_want_action(cq_ref_action *out, json_t *v, const char *path, cq__diag *diag);

/*
 * Parses one association entry (docs/schema.md, "Associations"):
 * {"source": "user", "type": "belongsTo", "target": "company", "options": {...}} or
 * {"source": "user", "belongsTo": "company", "options": {...}}. Model names are checked
 * against `s` (its models and the join models created by earlier entries of `s`).
 * `a` is cleared first; free its parts with cq__sch_assoc_clear() even on failure.
 */
int cq__sch_assoc_parse(cq__sch_assoc *a, json_t *entry, const char *path, const cq__schema *s,
                        cq__diag *diag);
void cq__sch_assoc_clear(cq__sch_assoc *a);
/* Defines a parsed association on `db`; on a library error diag names the entry's path
 * ("associations[3]: <message>") and the library's code is returned. `out` may be NULL. */
int cq__sch_assoc_define(cq_assoc **out, cq_db *db, const cq__sch_assoc *a, cq__diag *diag);
/* The library call itself: CQ_OK or its code (message in cq_db_error(db)). */
int cq__sch_assoc_apply(cq_assoc **out, cq_db *db, const cq__sch_assoc *a);

/* Defines every model (file order), then the associations, on `db`. A definition the
 * library rejects stops there: diag names the model's or entry's path and the library's
 * message, and its code is returned unchanged (CQ_EINVALID, CQ_EASSOC, CQ_EUNKNOWN_MODEL ...).
 * What was defined before stays defined. */
int cq__schema_define(cq_db *db, const cq__schema *s, cq__diag *diag);

/*
 * A blob literal {"$blob": "6869"} (hex, even length, either case; "" is an empty blob).
 * @return false when `j` is not an object with the single key "$blob" (then nothing is set);
 * else true, with `*rc` CQ_OK and, when `out` is not NULL, `*out` the decoded blob, or
 * CQ_EINVALID / CQ_ENOMEM with diag set (path: `path.$blob`).
 */
bool cq__blob_literal(cq_value **out, int *rc, json_t *j, const char *path, cq__diag *diag);

/*
 * Converts JSON to a cq_value. With `where` set, keys `[Op.gt]` become `$gt` (Sequelize's
 * operator symbols as written in scripts). Objects {"$ref": "..."} are handed to `resolve`
 * (NULL: an error). On failure `*out` is NULL and diag says why.
 */
typedef int (*cq__ref_fn)(cq_value **out, const char *ref, const char *path, void *user_data,
                          cq__diag *diag);
int cq__json_to_value(cq_value **out, json_t *j, bool where, cq__ref_fn resolve, void *user_data,
                      const char *path, cq__diag *diag);

#endif
