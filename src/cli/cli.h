/*
 * Internal header of the `cequel` command-line tool.
 *
 * The tool reads two JSON formats (docs/schema.md, docs/scripts.md). Loading is split from
 * running: cli_load_schema() and cli_load_script() check everything that can be checked
 * without a database and never touch one (the fuzz target in tests/fuzz/ drives them), then
 * cli_schema_define() turns a loaded schema into models on a cq_db and cli_script_run()
 * executes the steps.
 *
 * Every parsed string is borrowed from the jansson tree the loader keeps (`root`), so a
 * schema or script is freed in one call.
 */
#ifndef CEQUEL_CLI_H
#define CEQUEL_CLI_H

#include <stdio.h>

#include <jansson.h>

#include <cequel.h>

#if defined(__GNUC__) || defined(__clang__)
#define CLI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CLI_PRINTF(f, a)
#endif

/* Exit codes of the tool. */
enum { CLI_EXIT_OK = 0, CLI_EXIT_FAIL = 1, CLI_EXIT_USAGE = 2 };

/* Status of the loaders: CLI_OK, CLI_EINPUT (the input is invalid; the message names the
 * JSON path), CLI_ENOMEM. */
enum { CLI_OK = 0, CLI_EINPUT = -1, CLI_ENOMEM = -2 };

/* A one-line message for the user ("models.user.attributes.age.type: unknown type ..."). */
typedef struct cli_diag {
    char msg[1024];
} cli_diag;

void cli_diag_set(cli_diag *d, const char *path, const char *fmt, ...) CLI_PRINTF(3, 4);

/* JSON paths: `models.user`, `steps[3].where`, `models["odd key"]`. Truncated safely. */
enum { CLI_PATH_MAX = 512 };
void cli_path_key(char *out, const char *parent, const char *key);
void cli_path_index(char *out, const char *parent, size_t index);
/* Writes `s` between double quotes with JSON escapes, truncated to fit `n` bytes. */
void cli_quote(char *out, size_t n, const char *s);

/*
 * Parses JSON text with jansson. `origin` names the input in messages ("schema.json");
 * a syntax error becomes "origin:LINE:COL: invalid JSON: ...". Duplicate keys are errors.
 */
int cli_json_parse(json_t **out, const char *text, size_t len, const char *origin, cli_diag *diag);
/* Reads a whole file (NUL-terminated, `len_out` may be NULL); NULL with diag set on failure. */
char *cli_read_file(const char *path, size_t *len_out, cli_diag *diag);

/* ---- schema ----------------------------------------------------------------------------- */

/* One declared attribute, with what the file said (describe/diagram use it for properties
 * the public API has no getter for yet). */
typedef struct cli_attr {
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
    json_t *default_json; /* defaultValue as written (borrowed), NULL = none */
} cli_attr;

typedef struct cli_model {
    const char *name;
    char path[CLI_PATH_MAX]; /* "models.user" */
    cli_attr *attrs;         /* n_attrs declared attributes, file order */
    size_t n_attrs;
    cq_attr *cq_attrs;   /* the same as cq_attr, zero-terminated, for cq_db_define */
    cq_value **defaults; /* n_attrs owned literal defaults (NULL entries = none) */
    cq_model_opts opts;
    cq_index *indexes;         /* opts.indexes, zero-terminated, owned */
    const char **index_fields; /* every index's NULL-terminated field list, back to back, owned */
    cq_validator **validators; /* n_attrs attribute `validate` lists (NULL = none), owned */
    cq_validator *model_validators; /* the model option `validate`, owned */
} cli_model;

/* Association kinds (the "type" of an entry). */
typedef enum cli_assoc_kind {
    CLI_BELONGS_TO = 1,
    CLI_HAS_ONE,
    CLI_HAS_MANY,
    CLI_BELONGS_TO_MANY
} cli_assoc_kind;

/* One association entry, parsed into the library's options (strings borrowed from the
 * JSON; the attributes and values below are owned, see cli_assoc_clear()). */
typedef struct cli_assoc {
    cli_assoc_kind kind;
    const char *kind_name; /* "belongsTo" */
    const char *source;
    const char *target;
    json_t *options;         /* borrowed; NULL when none */
    char path[CLI_PATH_MAX]; /* "associations[3]" */
    cq_assoc_opts opts;
    cq_attr fk_attr, other_attr; /* object forms of foreignKey / otherKey */
    cq_value *fk_default, *other_default, *scope, *through_scope;
} cli_assoc;

typedef struct cli_schema {
    json_t *root; /* owns every string above */
    cli_model *models;
    size_t n_models;
    cli_assoc *assocs;
    size_t n_assocs;
} cli_schema;

/*
 * Loads a schema document (docs/schema.md) from JSON text. No database is touched.
 * @param[out] out  caller frees with cli_schema_free(); NULL on failure.
 * @return CLI_OK, CLI_EINPUT (diag names the JSON path), CLI_ENOMEM.
 */
int cli_load_schema(cli_schema **out, const char *text, size_t len, const char *origin,
                    cli_diag *diag);
/* Same, from an already parsed value (borrowed; a reference is taken). `path` prefixes
 * messages ("schema" inside a script, "" for a schema file). */
int cli_schema_from_json(cli_schema **out, json_t *root, const char *path, cli_diag *diag);
void cli_schema_free(cli_schema *s);
cli_model *cli_schema_model(const cli_schema *s, const char *name);
const cli_attr *cli_model_attr(const cli_model *m, const char *name);
/* A model of the schema, or a join model a belongsToMany `through` string creates. */
bool cli_schema_has_model(const cli_schema *s, const char *name);

/* `validate` of an attribute (`model_level` false) or of a model's options, in Sequelize's
 * JSON form (cq_validators_from_value); *out is owned by the caller (cq_validators_free). */
int cli_parse_validate(cq_validator **out, json_t *v, bool model_level, const char *path,
                       cli_diag *diag);

/* Schema readers shared by schema.c and schema_assoc.c (messages name `path`). */
int cli_parse_type(cq_attr *attr, const char *text, const char *path, cli_diag *diag);
int cli_want_bool(bool *out, json_t *v, const char *path, cli_diag *diag);
int cli_want_flag(cq_flag *out, json_t *v, const char *path, cli_diag *diag);
int cli_want_string(const char **out, json_t *v, const char *path, cli_diag *diag);
int cli_want_action(const char **out, json_t *v, const char *path, cli_diag *diag);
int cli_unknown_key(const char *path, const char *key, const char *what, cli_diag *diag);

/*
 * Parses one association entry (docs/schema.md, "Associations"):
 * {"source": "user", "type": "belongsTo", "target": "company", "options": {...}} or
 * {"source": "user", "belongsTo": "company", "options": {...}}. Model names are checked
 * against `s` (its models and the join models created by earlier entries of `s`).
 * `a` is cleared first; free its parts with cli_assoc_clear() even on failure.
 */
int cli_assoc_parse(cli_assoc *a, json_t *entry, const char *path, const cli_schema *s,
                    cli_diag *diag);
void cli_assoc_clear(cli_assoc *a);
/* Defines a parsed association on `db`; a library error is an input error naming the
 * entry's path ("associations[3]: <message>"). `out` may be NULL.
 * @return CLI_OK, CLI_EINPUT, CLI_ENOMEM. */
int cli_assoc_define(cq_assoc **out, cq_db *db, const cli_assoc *a, cli_diag *diag);
/* The library call itself: CQ_OK or its code (message in cq_db_error(db)). */
int cli_assoc_apply(cq_assoc **out, cq_db *db, const cli_assoc *a);

/* Defines every model (file order), then the associations, on `db`. A definition the
 * library rejects is an input error naming the model's path.
 * @return CLI_OK, CLI_EINPUT, CLI_ENOMEM. */
int cli_schema_define(cq_db *db, const cli_schema *s, cli_diag *diag);

/* ---- scripts ---------------------------------------------------------------------------- */

typedef enum cli_step_kind {
    CLI_STEP_SYNC = 1,
    CLI_STEP_CREATE,
    CLI_STEP_BULK_CREATE,
    CLI_STEP_BUILD,
    CLI_STEP_SAVE,
    CLI_STEP_FIND_ALL,
    CLI_STEP_FIND_ONE,
    CLI_STEP_FIND_BY_PK,
    CLI_STEP_COUNT,
    CLI_STEP_FIND_AND_COUNT_ALL,
    CLI_STEP_UPDATE,
    CLI_STEP_DESTROY,
    CLI_STEP_RELOAD,
    CLI_STEP_SET,
    CLI_STEP_CALL,
    CLI_STEP_BEGIN,
    CLI_STEP_COMMIT,
    CLI_STEP_ROLLBACK,
    CLI_STEP_ASSOCIATE,
    CLI_STEP_RETURN,
    CLI_STEP_TRUNCATE,
    CLI_STEP_FOR_EACH_MODEL,
    CLI_STEP_RESTORE
} cli_step_kind;

/* What a named result holds. */
typedef enum cli_result_kind {
    CLI_RESULT_NONE = 0,
    CLI_RESULT_INSTANCE, /* create, build, findOne, findByPk */
    CLI_RESULT_ROWS,     /* findAll, bulkCreate */
    CLI_RESULT_VALUE,    /* count, model-level update/destroy */
    CLI_RESULT_ANY       /* call: known only at run time */
} cli_result_kind;

/* A reference: `$name`, `$name[2]`, or inside {"$ref": "name[2].attr"}. */
typedef struct cli_ref {
    char name[64];
    long index; /* -1: none */
    char attr[128];
} cli_ref;

typedef struct cli_step {
    cli_step_kind kind;
    const char *kind_name;   /* "findAll" */
    char path[CLI_PATH_MAX]; /* "steps[3]" */
    const char *model;       /* model-level steps */
    bool on_instance;        /* update/destroy on "$ref" */
    cli_ref target;          /* save, reload, set, update/destroy "$u1", call "on" */
    json_t *values;          /* borrowed from the script */
    json_t *where;
    json_t *attributes;
    json_t *order;
    json_t *pk;
    json_t *args;
    json_t *fields;
    int64_t limit, offset;
    bool force;              /* sync; destroy (paranoid: hard delete) */
    cq_flag paranoid;        /* finders: "paranoid": false also finds soft-deleted rows */
    const char *method;      /* call */
    const char *txn_name;    /* begin/commit/rollback */
    const char *parent;      /* begin: parent transaction */
    const char *transaction; /* "transaction" key */
    const char *as;
    bool expect_error;
    json_t *include;           /* finders, count, create, bulkCreate */
    json_t *through;           /* set: join-row data attached to the instance */
    json_t *tmpl;              /* return: the result template */
    json_t *then;              /* any step: template replacing a successful result */
    bool attempt;              /* record {value} / {error, message} instead of failing */
    bool attempt_message;      /* attempt: keep the error message (default true) */
    const char *attempt_error; /* attempt: error name to record instead of the derived one */
    bool attempt_errors;       /* attempt: also record a validation error's `errors` items */
    cq_flag validate;          /* create, bulkCreate, save, update: Sequelize's `validate` */
    cli_assoc *assoc;          /* associate: owned, freed by cli_script_free() */
} cli_step;

typedef struct cli_script {
    json_t *root;
    cli_schema *schema; /* NULL when the script has no "schema" (use --schema) */
    cli_step *steps;
    size_t n_steps;
} cli_script;

/*
 * Loads a script (docs/scripts.md) and checks it against its schema: step kinds and keys,
 * model names, references to earlier results ("$u1") and transactions. No database is
 * touched. A "schema" given as a path is read relative to `base_dir`; with `base_dir` NULL
 * a path is an error (the fuzz target uses that). `fallback` is the schema to check against
 * when the script has none (borrowed; may be NULL).
 * @return CLI_OK, CLI_EINPUT (diag names the JSON path), CLI_ENOMEM.
 */
int cli_load_script(cli_script **out, const char *text, size_t len, const char *origin,
                    const char *base_dir, const cli_schema *fallback, cli_diag *diag);
void cli_script_free(cli_script *s);

/*
 * Template paths ({"$ref": "p.Workers[0].name"} in `return` and `then`): a result name, then
 * `[index]` and `.key` segments walked in the JSON form of the result. `name_out` gets the
 * name (64 bytes). @return true when well formed.
 */
bool cli_tpath_parse(const char *text, char *name_out, const char **rest_out);
/* Walks the segments `rest` (as left by cli_tpath_parse) from `root`; NULL if absent. */
const cq_value *cli_tpath_walk(const cq_value *root, const char *rest);

/* Parses "$name", "$name[2]" (instance positions, `dollar` true) or "name[2].attr"
 * ({"$ref"} values). @return true when well formed. */
bool cli_ref_parse(cli_ref *out, const char *text, bool dollar, bool allow_attr);

/*
 * Converts JSON to a cq_value. With `where` set, keys `[Op.gt]` become `$gt` (Sequelize's
 * operator symbols as written in scripts). Objects {"$ref": "..."} are handed to `resolve`
 * (NULL: an error). On failure `*out` is NULL and diag says why.
 */
/*
 * A blob literal {"$blob": "6869"} (hex, even length, either case; "" is an empty blob).
 * @return false when `j` is not an object with the single key "$blob" (then nothing is set);
 * else true, with `*rc` CLI_OK and, when `out` is not NULL, `*out` the decoded blob, or
 * CLI_EINPUT / CLI_ENOMEM with diag set (path: `path.$blob`).
 */
bool cli_blob_literal(cq_value **out, int *rc, json_t *j, const char *path, cli_diag *diag);

typedef int (*cli_ref_fn)(cq_value **out, const char *ref, const char *path, void *user_data,
                          cli_diag *diag);
int cli_json_to_value(cq_value **out, json_t *j, bool where, cli_ref_fn resolve, void *user_data,
                      const char *path, cli_diag *diag);

/* Runs a loaded script on `db` (schema already defined), printing one line per step to
 * `out`, or with `golden` only the golden document {dump, result} at the end (the result is
 * the last "return" step's value). @return a CLI_EXIT_* code. */
int cli_script_run(cq_db *db, const cli_script *script, FILE *out, bool golden);

/* ---- commands --------------------------------------------------------------------------- */

int cli_cmd_describe(cq_db *db, const cli_schema *s, FILE *out);
int cli_cmd_diagram(cq_db *db, const cli_schema *s, const char *format, FILE *out);
int cli_cmd_ddl(cq_db *db, const char *dialect, FILE *out);

#endif
