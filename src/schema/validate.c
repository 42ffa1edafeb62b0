/* `validate` in schema files: attribute validators and model validators in Sequelize's JSON
 * form, read by the library's cq_validators_from_value(). Custom and model validators name
 * callbacks the program binds with cq_db_bind_validator(); docs/validation.md. */
#include <stdlib.h>
#include <string.h>

#include "schema/schema.h"

int cq__sch_parse_validate(cq_validator **out, json_t *v, bool model_level, const char *path,
                           cq__diag *diag)
{
    *out = NULL;
    if (!json_is_object(v)) {
        cq__diag_set(diag, path, "expected an object of validators");
        return CQ_EINVALID;
    }
    cq_value *spec = NULL;
    int rc = cq__json_to_value(&spec, v, false, NULL, NULL, path, diag);
    if (rc != CQ_OK)
        return rc;
    cq_error err = { 0 };
    int lrc = cq_validators_from_value(out, spec, model_level, &err);
    cq_value_free(spec);
    if (lrc == CQ_OK)
        return CQ_OK;
    /* the library's message starts with "validate.": the key under `path` */
    const char *msg = err.message;
    if (strncmp(msg, "validate", 8) == 0)
        msg += 8;
    char at[CQ__PATH_MAX];
    const char *colon = strstr(msg, ": ");
    if (msg[0] == '.' && colon) {
        snprintf(at, sizeof at, "%s%.*s", path, (int)(colon - msg), msg);
        cq__diag_set(diag, at, "%s", colon + 2);
    } else {
        cq__diag_set(diag, path, "%s", err.message);
    }
    return lrc == CQ_ENOMEM ? CQ_ENOMEM : CQ_EINVALID;
}
