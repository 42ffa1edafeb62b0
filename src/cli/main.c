/*
 * cequel: command-line tool over the library. See `cequel --help`, docs/schema.md and
 * docs/scripts.md. Exit codes: 0 ok, 1 a step or the database failed, 2 bad usage or an
 * invalid schema/script (one line on stderr naming the JSON path of the fault).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "cli.h"

static const char usage_text[] =
    "usage: cequel COMMAND [OPTIONS]\n"
    "\n"
    "commands:\n"
    "  describe --schema FILE                      models, tables and attributes as JSON\n"
    "  ddl      --schema FILE [--dialect NAME]     CREATE TABLE statements in sync order\n"
    "                                              (sqlite, postgres or mysql)\n"
    "  sync     --schema FILE [--force]            create the tables\n"
    "  diagram  --schema FILE [--format FORMAT]    ER diagram: dot (default) or mermaid\n"
    "  run      SCRIPT [--schema FILE] [--golden]  run a JSON script, one JSON line per step;\n"
    "                                              --golden: print only the golden document\n"
    "                                              --allow-literals: let {\"$literal\": sql}\n"
    "                                              (raw SQL) through; refused without it\n"
    "                                              {dump, result} of the conformance suite\n"
    "  dump     [--keep-timestamps]                canonical dump of the database (--db)\n"
    "\n"
    "options:\n"
    "  --db URL      database (default sqlite::memory:)\n"
    "  --log         print every SQL statement and its bound values to stderr (warnings\n"
    "                are printed there always)\n"
    "  -h, --help    this text;  --version  the version\n"
    "\n"
    "exit status: 0 ok, 1 a step or the database failed, 2 bad usage or invalid input\n";

typedef struct cli_args {
    const char *command;
    const char *schema;
    const char *db;
    const char *dialect;
    const char *format;
    const char *script;
    bool log;
    bool force;
    bool golden;
    bool keep_timestamps;
    bool allow_literals;
} cli_args;

static int usage_error(const char *fmt, ...) CLI_PRINTF(1, 2);
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("cequel: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs(" (see cequel --help)\n", stderr);
    va_end(ap);
    return CLI_EXIT_USAGE;
}

/* --name VALUE or --name=VALUE. */
static bool option_value(const char **out, const char *name, int argc, char **argv, int *i,
                         bool *missing)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0)
        return false;
    if (a[n] == '=') {
        *out = a + n + 1;
        return true;
    }
    if (a[n] != '\0')
        return false;
    if (*i + 1 >= argc) {
        *missing = true;
        return true;
    }
    *out = argv[++*i];
    return true;
}

static int parse_args(cli_args *args, int argc, char **argv)
{
    memset(args, 0, sizeof *args);
    args->command = argv[1];
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        bool missing = false;
        if (option_value(&args->schema, "--schema", argc, argv, &i, &missing) ||
            option_value(&args->db, "--db", argc, argv, &i, &missing) ||
            option_value(&args->dialect, "--dialect", argc, argv, &i, &missing) ||
            option_value(&args->format, "--format", argc, argv, &i, &missing)) {
            if (missing)
                return usage_error("option %s needs a value", a);
        } else if (strcmp(a, "--log") == 0) {
            args->log = true;
        } else if (strcmp(a, "--force") == 0) {
            args->force = true;
        } else if (strcmp(a, "--golden") == 0) {
            args->golden = true;
        } else if (strcmp(a, "--allow-literals") == 0) {
            args->allow_literals = true;
        } else if (strcmp(a, "--keep-timestamps") == 0) {
            args->keep_timestamps = true;
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage_error("unknown option %s", a);
        } else if (!args->script && strcmp(args->command, "run") == 0) {
            args->script = a;
        } else {
            return usage_error("unexpected argument %s", a);
        }
    }
    const char *c = args->command;
    bool is_run = strcmp(c, "run") == 0;
    if ((args->dialect && strcmp(c, "ddl") != 0) || (args->format && strcmp(c, "diagram") != 0) ||
        (args->force && strcmp(c, "sync") != 0) || (args->golden && !is_run) ||
        (args->keep_timestamps && strcmp(c, "dump") != 0))
        return usage_error("%s: option not valid for this command", c);
    if (is_run && !args->script)
        return usage_error("%s: a SCRIPT file is required", c);
    if (!is_run && strcmp(c, "dump") != 0 && !args->schema)
        return usage_error("%s: --schema FILE is required", c);
    if (!args->db)
        args->db = "sqlite::memory:";
    return CLI_EXIT_OK;
}

static int load_schema_file(cli_schema **out, const char *path)
{
    cli_diag diag = { { 0 }, false };
    size_t len = 0;
    char *text = cli_read_file(path, &len, &diag);
    int rc = text ? cli_load_schema(out, text, len, path, &diag) : CLI_EINPUT;
    cq__free(text);
    if (rc != CLI_OK) {
        /* Path-only messages get the file name in front; parse errors already have it. */
        bool has_origin = strncmp(diag.msg, path, strlen(path)) == 0;
        fprintf(stderr, "cequel: %s%s%s\n", has_origin ? "" : path, has_origin ? "" : ": ",
                diag.msg);
        return rc == CLI_ENOMEM ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}

static int load_script_file(cli_script **out, const char *path, const cli_schema *fallback)
{
    cli_diag diag = { { 0 }, false };
    size_t len = 0;
    char *text = cli_read_file(path, &len, &diag);
    int rc = CLI_EINPUT;
    if (text) {
        char *dir = cq__strdup(path);
        char *slash = dir ? strrchr(dir, '/') : NULL;
        if (dir && slash)
            slash[slash == dir ? 1 : 0] = '\0';
        else if (dir)
            dir[0] = '\0';
        rc = dir ? cli_load_script(out, text, len, path, dir, fallback, &diag) : CLI_ENOMEM;
        cq__free(dir);
    }
    cq__free(text);
    if (rc != CLI_OK) {
        fprintf(stderr, "cequel: %s\n", diag.msg);
        return rc == CLI_ENOMEM ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}

/* The one hook callback the command binds: "$trace" prints every event it runs for, so a
 * script can show the order of hooks (docs/hooks.md). */
static int trace_hook(cq_hook_ctx *ctx, void *user_data)
{
    (void)user_data;
    fprintf(stderr, "hook: %s.%s%s%s\n", cq_model_name(ctx->model), ctx->running,
            strcmp(ctx->event, ctx->running) != 0 ? " as " : "",
            strcmp(ctx->event, ctx->running) != 0 ? ctx->event : "");
    return CQ_OK;
}

/* Hooks a schema names are the program's callbacks: the command binds "$trace" and lists the
 * others, which fail the calls that would run them. */
static int bind_hooks(cq_db *db, const char *origin)
{
    if (cq_db_bind_hook(db, "$trace", trace_hook, NULL) != CQ_OK)
        return CLI_EXIT_FAIL;
    const char *model = NULL, *event = NULL, *name = NULL;
    for (size_t i = 0; (name = cq_db_unbound_hook(db, i, &model, &event)); i++)
        fprintf(stderr,
                "cequel: %s%swarning: hook \"%s\" (%s of model \"%s\") is not bound: the cequel "
                "command binds only \"$trace\"; a call that runs it fails\n",
                origin ? origin : "", origin ? ": " : "", name, event, model);
    /* getters and setters named by attributes (`"get": "name"`): the command binds none */
    const char *attr = NULL, *kind = NULL;
    for (size_t i = 0; (name = cq_db_unbound_accessor(db, i, &model, &attr, &kind)); i++) {
        bool get = strcmp(kind, "get") == 0;
        fprintf(stderr,
                "cequel: %s%swarning: %s \"%s\" (attribute \"%s\" of model \"%s\") is not "
                "bound: the cequel command binds no %ss; %s the attribute fails\n",
                origin ? origin : "", origin ? ": " : "", get ? "getter" : "setter", name, attr,
                model, get ? "getter" : "setter", get ? "reading (and printing)" : "setting");
    }
    return CLI_EXIT_OK;
}

/* `origin`: the schema file, named in front of definition errors; NULL for a schema inside
 * a script (its paths start with "schema."). */
static int open_db(cq_db **out, const cli_args *args, const cli_schema *schema, const char *origin)
{
    cq_error err = { 0 };
    /* warnings always reach stderr; statements only with --log */
    cq_open_opts opts = { .log = { .fn = cq_log_stderr,
                                   .mask = args->log ? 0u : (unsigned)CQ_LOG_WARNING } };
    int rc = cq_db_open(out, args->db, &opts, &err);
    if (rc != CQ_OK) {
        fprintf(stderr, "cequel: cannot open %s: %s\n", args->db,
                err.message[0] ? err.message : cq_strerror(rc));
        return rc == CQ_EINVALID || rc == CQ_ENOTSUPPORTED ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
    }
    cli_diag diag = { { 0 }, false };
    rc = schema ? cli_schema_define(*out, schema, &diag) : CLI_OK;
    if (rc != CLI_OK) {
        fprintf(stderr, "cequel: %s%s%s\n", origin ? origin : "", origin ? ": " : "", diag.msg);
        cq_db_close(*out);
        *out = NULL;
        return rc == CLI_ENOMEM ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
    }
    if (bind_hooks(*out, origin) != CLI_EXIT_OK) {
        cq_db_close(*out);
        *out = NULL;
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

/* `cequel dump`: cq_db_dump's canonical tree, laid out as the golden files are. */
static int run_dump(cq_db *db, const cli_args *args)
{
#ifdef CLI_HAVE_DUMP
    cq_value *dump = NULL;
    char *text = NULL;
    int rc = cq_db_dump(&dump, db, &(cq_dump_opts){ .keep_timestamps = args->keep_timestamps });
    if (rc == CQ_OK)
        rc = cq_golden_to_json(&text, dump);
    cq_value_free(dump);
    if (rc != CQ_OK) {
        const char *msg = cq_db_error(db)->message;
        fprintf(stderr, "cequel: dump: %s: %s\n", cq_error_name(rc), *msg ? msg : cq_strerror(rc));
        cq_free(text);
        return rc == CQ_ENOTSUPPORTED ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
    }
    fputs(text, stdout);
    cq_free(text);
    return CLI_EXIT_OK;
#else
    (void)db;
    (void)args;
    fprintf(stderr, "cequel: dump: not available in this build\n");
    return CLI_EXIT_USAGE;
#endif
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(usage_text, argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("cequel %s\n", CQ_VERSION);
        return CLI_EXIT_OK;
    }
    static const char *const commands[] = { "describe", "ddl", "sync", "diagram", "run", "dump" };
    bool known = false;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        known = known || strcmp(argv[1], commands[i]) == 0;
    if (!known)
        return usage_error("unknown command %s", argv[1]);

    cli_args args;
    int code = parse_args(&args, argc, argv);
    if (code != CLI_EXIT_OK)
        return code;

    cli_schema *schema = NULL;
    cli_script *script = NULL;
    cq_db *db = NULL;
    if (args.schema) {
        code = load_schema_file(&schema, args.schema);
        if (code != CLI_EXIT_OK)
            goto done;
    }
    if (args.script) {
        code = load_script_file(&script, args.script, schema);
        if (code != CLI_EXIT_OK)
            goto done;
        if (script->schema && schema) {
            fprintf(stderr, "cequel: %s: the script has a \"schema\"; --schema is not allowed\n",
                    args.script);
            code = CLI_EXIT_USAGE;
            goto done;
        }
    }
    const cli_schema *active = script && script->schema ? script->schema : schema;
    code = open_db(&db, &args, active, active == schema ? args.schema : NULL);
    if (code != CLI_EXIT_OK)
        goto done;

    if (strcmp(args.command, "describe") == 0) {
        code = cli_cmd_describe(db, active, stdout);
    } else if (strcmp(args.command, "diagram") == 0) {
        code = cli_cmd_diagram(db, active, args.format, stdout);
    } else if (strcmp(args.command, "ddl") == 0) {
        code = cli_cmd_ddl(db, args.dialect, stdout);
    } else if (strcmp(args.command, "sync") == 0) {
        int rc = cq_db_sync(db, &(cq_sync_opts){ .force = args.force });
        if (rc != CQ_OK) {
            const char *msg = cq_db_error(db)->message;
            fprintf(stderr, "cequel: sync: %s: %s\n", cq_error_name(rc),
                    *msg ? msg : cq_strerror(rc));
            code = CLI_EXIT_FAIL;
        }
    } else if (strcmp(args.command, "dump") == 0) {
        code = run_dump(db, &args);
    } else {
        script->allow_literals = args.allow_literals;
        code = cli_script_run(db, script, stdout, args.golden);
    }
done:
    cq_db_close(db);
    cli_script_free(script);
    cli_schema_free(schema);
    if (fflush(stdout) != 0 && code == CLI_EXIT_OK)
        code = CLI_EXIT_FAIL;
    return code;
}
