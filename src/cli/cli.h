/*
 * Internal header of the `cequel` command-line tool.
 *
 * The tool reads two JSON formats (docs/schema.md, docs/scripts.md). Loading is split from
 * running: cli_load_schema() (the library's schema loader) and cli_load_script() check
 * everything that can be checked without a database and never touch one (the fuzz target in
 * tests/fuzz/ drives them), then cli_schema_define() turns a loaded schema into models on a
 * cq_db and cli_script_run() executes the steps.
 *
 * Every parsed string is borrowed from the jansson tree the loader keeps (`root`), so a
 * schema or script is freed in one call.
 */
#ifndef CEQUEL_CLI_H
#define CEQUEL_CLI_H

#include <stdio.h>

#include <jansson.h>

#include <cequel.h>

/* The dump and golden commands, when the library has them (CLI_HAVE_DUMP). */
#if defined(__has_include)
#if __has_include(<cequel/dump.h>)
#include <cequel/dump.h>
#define CLI_HAVE_DUMP 1
#endif
#endif

/* Exit codes of the tool. */
enum { CLI_EXIT_OK = 0, CLI_EXIT_FAIL = 1, CLI_EXIT_USAGE = 2 };

/*
 * The schema loader, its messages and its JSON helpers live in the library (src/schema/,
 * behind cq_db_load_schema()); the tool uses them under its own names. Status codes are the
 * library's: CLI_OK, CLI_EINPUT (invalid input; the message names the JSON path), CLI_ENOMEM.
 */
#include "schema/schema.h"

#define CLI_PRINTF(f, a) CQ__PRINTF(f, a)
enum { CLI_OK = CQ_OK, CLI_EINPUT = CQ_EINVALID, CLI_ENOMEM = CQ_ENOMEM };
enum { CLI_PATH_MAX = CQ__PATH_MAX };
typedef cq__diag cli_diag;
#define cli_diag_set      cq__diag_set
#define cli_diag_fail     cq__diag_fail
#define cli_path_key      cq__path_key
#define cli_path_index    cq__path_index
#define cli_each_member   cq__json_each_member
#define cli_quote         cq__quote
#define cli_json_parse    cq__json_parse
#define cli_read_file     cq__read_file
#define cli_json_to_value cq__json_to_value
#define cli_blob_literal  cq__blob_literal
typedef cq__ref_fn cli_ref_fn;

typedef cq__schema cli_schema;
typedef cq__sch_model cli_model;
typedef cq__sch_attr cli_attr;
typedef cq__sch_assoc cli_assoc;
#define cli_load_schema      cq__schema_load
#define cli_schema_from_json cq__schema_from_json
#define cli_schema_free      cq__schema_free
#define cli_schema_model     cq__schema_model
#define cli_schema_has_model cq__schema_has_model
#define cli_schema_define    cq__schema_define
#define cli_model_attr       cq__sch_model_attr
#define cli_assoc_parse      cq__sch_assoc_parse
#define cli_assoc_clear      cq__sch_assoc_clear
#define cli_assoc_define     cq__sch_assoc_define
#define cli_assoc_apply      cq__sch_assoc_apply

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
    CLI_STEP_RESTORE,
    CLI_STEP_INCREMENT,
    CLI_STEP_DECREMENT,
    CLI_STEP_UPSERT,
    CLI_STEP_FIND_OR_CREATE,
    CLI_STEP_FIND_CREATE_FIND,
    CLI_STEP_AGGREGATE,
    CLI_STEP_TRANSACTION /* {"transaction": [steps...]}: a managed transaction */
} cli_step_kind;

/* What a named result holds. */
typedef enum cli_result_kind {
    CLI_RESULT_NONE = 0,
    CLI_RESULT_INSTANCE, /* create, build, findOne, findByPk */
    CLI_RESULT_ROWS,     /* findAll, bulkCreate */
    CLI_RESULT_VALUE,    /* count, model-level update/destroy */
    CLI_RESULT_ANY       /* call: known only at run time */
} cli_result_kind;

/* ---- the script grammar ------------------------------------------------------------------
 * One row per step key (script.c's step_defs): the checker reads a step's subject and keys
 * through it, and the runner calls its handler. Every key's type is declared once, in
 * script.c's key table. */

typedef struct cli_step cli_step;
typedef struct cli_checker cli_checker; /* the checker's state (script.c) */
typedef struct cli_exec cli_exec;       /* a step being run (run.c) */

/* Reads the step's subject (the value of its kind key) into `s`. */
typedef int (*cli_subject_fn)(cli_checker *c, cli_step *s, json_t *subject, const char *path);
/* Runs a step: CQ_OK with its result set, or a status code (run.c). */
typedef int (*cli_step_fn)(cli_exec *x);

typedef struct cli_step_def {
    const char *key; /* "findAll" */
    cli_step_kind kind;
    cli_subject_fn subject;
    const char *keys;          /* the step's own keys, space separated, each ending in ' ' */
    const char *required;      /* keys it needs, checked in order; "a|b": either one */
    bool where_on_model;       /* "where" required on a model, not allowed on an instance */
    const char *instance_only; /* keys not allowed on a model */
    cli_result_kind on_model;  /* what "as" names (model form); NONE: "as" not allowed */
    cli_result_kind on_inst;   /* same, instance form */
    bool no_txn;               /* the common "transaction" key is not allowed */
    bool own_txn;              /* finders: the transaction travels in the find options */
    cli_step_fn run;
} cli_step_def;

/* The handlers, one per step kind (run.c). */
/* clang-format off */
#define CLI_STEP_HANDLERS(X) \
    X(sync) X(truncate) X(for_each_model) X(create) X(bulk_create) X(build) X(save)                \
    X(find_all) X(find_one) X(find_by_pk) X(find_and_count_all) X(count) X(update)                 \
    X(destroy) X(restore) X(aggregate) X(find_or_create) X(upsert) X(increment) X(reload)          \
    X(set) X(call) X(associate) X(return) X(begin) X(end) X(transaction)
/* clang-format on */
#define CLI_DECLARE_HANDLER(name) int cli_run_##name(cli_exec *x);
CLI_STEP_HANDLERS(CLI_DECLARE_HANDLER)
#undef CLI_DECLARE_HANDLER

/* Include elements (Sequelize's include options), in the order the runner applies them: the
 * key, whether it names the association, the checker's reader (script.c) and the runner's
 * builder (run.c; INC_SET_*: the value is stored in that member of the cq_include). */
#define CLI_INCLUDE_KEYS(X)                                                                        \
    X("model", true, inc_check_name, inc_build_model)                                              \
    X("as", true, inc_check_name, inc_build_as)                                                    \
    X("association", true, inc_check_name, inc_build_association)                                  \
    X("all", true, inc_check_all, inc_build_all)                                                   \
    X("nested", false, want_bool, INC_SET_BOOL(nested))                                            \
    X("separate", false, want_bool, INC_SET_BOOL(separate))                                        \
    X("limit", false, inc_check_limit, INC_SET_INT(limit))                                         \
    X("required", false, want_bool, INC_SET_FLAG(required))                                        \
    X("paranoid", false, want_bool, INC_SET_FLAG(paranoid))                                        \
    X("scope", false, want_scope, inc_build_scope)                                                 \
    X("where", false, want_object, inc_build_where)                                                \
    X("attributes", false, inc_check_attributes, inc_build_attributes)                             \
    X("through", false, inc_check_through, inc_build_through)                                      \
    X("order", false, check_order, inc_build_order)                                                \
    X("include", false, check_include, inc_build_include)

/* An include's "through" options (belongsToMany join rows), the same way. */
#define CLI_THROUGH_KEYS(X)                                                                        \
    X("attributes", through_check_attributes, through_build_attributes)                            \
    X("paranoid", through_check_paranoid, INC_SET_FLAG(through_paranoid))                          \
    X("where", want_object, through_build_where)

/* A reference: `$name`, `$name[2]`, or inside {"$ref": "name[2].attr"}. */
typedef struct cli_ref {
    char name[64];
    long index; /* -1: none */
    char attr[128];
} cli_ref;

struct cli_step {
    const cli_step_def *def; /* its row of the grammar */
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
    int64_t by;              /* increment/decrement: amount (0: 1) */
    bool silent;             /* increment/decrement: leave updatedAt alone */
    json_t *conflict_fields; /* upsert: conflictFields */
    json_t *update_on_dup;   /* create/bulkCreate: updateOnDuplicate */
    json_t *defaults;        /* findOrCreate/findCreateFind */
    const char *agg_attr;    /* max/min/sum/aggregate: "attribute"; count: "col" */
    const char *agg_fn;      /* the function: the step's key, or aggregate's "fn" */
    bool distinct;           /* count/aggregate */
    json_t *group;           /* count/aggregate; findAll/findOne: names or expressions */
    json_t *having;          /* findAll/findOne: a where object (aliases, $where) */
    json_t *scope;           /* finders, aggregates, update/destroy: the scopes applied */
    bool ignore_dup;         /* create/bulkCreate: ignoreDuplicates */
    cq_flag returning;       /* upsert: "returning" */
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
    struct cli_step *inner;    /* transaction: its steps (n_inner, plus a zeroed one), owned */
    size_t n_inner;
    cq_isolation_level isolation; /* transaction, begin: "isolationLevel" */
};

typedef struct cli_script {
    json_t *root;
    cli_schema *schema; /* NULL when the script has no "schema" (use --schema) */
    cli_step *steps;
    size_t n_steps;
    bool allow_literals; /* `cequel run --allow-literals`: {"$literal": sql} reaches the library */
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

/* Runs a loaded script on `db` (schema already defined), printing one line per step to
 * `out`, or with `golden` only the golden document {dump, result} at the end (the result is
 * the last "return" step's value). @return a CLI_EXIT_* code. */
int cli_script_run(cq_db *db, const cli_script *script, FILE *out, bool golden);

/* ---- commands --------------------------------------------------------------------------- */

int cli_cmd_describe(cq_db *db, const cli_schema *s, FILE *out);
int cli_cmd_diagram(cq_db *db, const cli_schema *s, const char *format, FILE *out);
int cli_cmd_ddl(cq_db *db, const char *dialect, FILE *out);

#endif
