/* `validate` in schema files: attribute validators and model validators in Sequelize's JSON
 * form, read by the library's cq_validators_from_value() (a loader in the library can call
 * that directly). Custom and model validators name callbacks the program binds with
 * cq_db_bind_validator(); docs/validation.md. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_parse_validate(cq_validator **out, json_t *v, bool model_level, const char *path,
                       cli_diag *diag)
{
    *out = NULL;
    if (!json_is_object(v)) {
        cli_diag_set(diag, path, "expected an object of validators");
        return CLI_EINPUT;
    }
    cq_value *spec = NULL;
    int rc = cli_json_to_value(&spec, v, false, NULL, NULL, path, diag);
    if (rc != CLI_OK)
        return rc;
    cq_error err = { 0 };
    int lrc = cq_validators_from_value(out, spec, model_level, &err);
    cq_value_free(spec);
    if (lrc == CQ_OK)
        return CLI_OK;
    /* the library's message starts with "validate.": the key under `path` */
    const char *msg = err.message;
    if (strncmp(msg, "validate", 8) == 0)
        msg += 8;
    char at[CLI_PATH_MAX];
    const char *colon = strstr(msg, ": ");
    if (msg[0] == '.' && colon) {
        snprintf(at, sizeof at, "%s%.*s", path, (int)(colon - msg), msg);
        cli_diag_set(diag, at, "%s", colon + 2);
    } else {
        cli_diag_set(diag, path, "%s", err.message);
    }
    return lrc == CQ_ENOMEM ? CLI_ENOMEM : CLI_EINPUT;
}
