/*
 * libFuzzer target: feeds arbitrary bytes to the schema loader (src/schema/schema.c, behind
 * cq_db_load_schema) and the CLI's script loader (src/cli/script.c). They must reject bad input
 * with a message and never crash, leak or read out of bounds. No database is opened.
 *
 * Build: configure with clang and -DCQ_FUZZ=ON (tests/fuzz/CMakeLists.txt), then
 *   ./fuzz_schema -max_total_time=300 tests/fuzz/corpus
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A schema for scripts that bring none, so their steps get checked too. */
static const char fallback_text[] =
    "{\"models\":{\"user\":{\"attributes\":{\"name\":\"STRING\",\"age\":\"INTEGER\"}},"
    "\"task\":{\"attributes\":{\"title\":{\"type\":\"STRING(64)\",\"unique\":true}}}}}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static cli_schema *fallback = NULL;
    if (!fallback) {
        cli_diag d;
        if (cli_load_schema(&fallback, fallback_text, sizeof fallback_text - 1, "fallback", &d) !=
            CLI_OK)
            abort();
    }
    cli_diag diag;
    memset(&diag, 0, sizeof diag);

    cli_schema *schema = NULL;
    if (cli_load_schema(&schema, (const char *)data, size, "fuzz", &diag) != CLI_OK) {
        if (schema || strlen(diag.msg) == 0)
            abort(); /* failure must leave NULL and say why */
    }
    cli_schema_free(schema);

    cli_script *script = NULL;
    memset(&diag, 0, sizeof diag);
    if (cli_load_script(&script, (const char *)data, size, "fuzz", NULL, fallback, &diag) !=
        CLI_OK) {
        if (script || strlen(diag.msg) == 0)
            abort();
    }
    cli_script_free(script);
    return 0;
}
