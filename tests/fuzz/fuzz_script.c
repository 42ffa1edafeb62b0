/*
 * libFuzzer target: arbitrary bytes as a whole script (docs/scripts.md), loaded and, when it
 * loads, run the way `cequel run` does on a new SQLite database in memory: its own schema
 * (or a fallback one) defined, then every step. Loading must fail with a message or succeed;
 * running must end with an exit code, never crash, leak or read out of bounds.
 *
 * Build: configure with clang and -DCQ_FUZZ=ON (tests/fuzz/CMakeLists.txt), then
 *   ./fuzz_script -max_total_time=300 ../tests/fuzz/corpus-script
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A schema for scripts that bring none. */
static const char fallback_text[] =
    "{\"models\":{\"user\":{\"attributes\":{\"name\":\"STRING\",\"age\":\"INTEGER\"}},"
    "\"task\":{\"attributes\":{\"title\":{\"type\":\"STRING(64)\",\"unique\":true}}}},"
    "\"associations\":[{\"source\":\"user\",\"type\":\"hasMany\",\"target\":\"task\"},"
    "{\"source\":\"task\",\"type\":\"belongsTo\",\"target\":\"user\"}]}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static cli_schema *fallback = NULL;
    static FILE *sink = NULL;
    if (!fallback) {
        cli_diag d;
        if (cli_load_schema(&fallback, fallback_text, sizeof fallback_text - 1, "fallback", &d) !=
            CLI_OK)
            abort();
        sink = fopen("/dev/null", "w");
        if (!sink)
            abort();
    }
    cli_diag diag;
    memset(&diag, 0, sizeof diag);
    cli_script *script = NULL;
    if (cli_load_script(&script, (const char *)data, size, "fuzz", NULL, fallback, &diag) !=
        CLI_OK) {
        if (script || strlen(diag.msg) == 0)
            abort(); /* failure must leave NULL and say why */
        return 0;
    }
    cq_db *db = NULL;
    if (cq_db_open(&db, "sqlite::memory:", NULL, NULL) != CQ_OK)
        abort();
    const cli_schema *schema = script->schema ? script->schema : fallback;
    memset(&diag, 0, sizeof diag);
    int rc = cli_schema_define(db, schema, &diag);
    if (rc == CLI_OK) {
        rc = cli_script_run(db, script, sink, false);
        if (rc < 0)
            abort();
    } else if (strlen(diag.msg) == 0) {
        abort();
    }
    cq_db_close(db);
    cli_script_free(script);
    return 0;
}
