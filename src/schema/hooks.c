/* `hooks` in schema files: Sequelize's model option `hooks`, each event naming one callback
 * or a list of them, which the program binds with cq_db_bind_hook(); docs/hooks.md. */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "schema/schema.h"

static int want_name(const char **out, json_t *v, const char *path, cq__diag *diag)
{
    if (!json_is_string(v) || json_string_length(v) == 0) {
        cq__diag_set(diag, path, "expected the name of a bound hook callback");
        return CQ_EINVALID;
    }
    *out = json_string_value(v);
    return CQ_OK;
}

int cq__sch_parse_hooks(cq_hook **out, json_t *v, const char *path, cq__diag *diag)
{
    *out = NULL;
    if (!json_is_object(v)) {
        cq__diag_set(diag, path, "expected an object of hooks ({\"beforeCreate\": \"name\"})");
        return CQ_EINVALID;
    }
    size_t n = 0;
    const char *key;
    json_t *val;
    json_object_foreach(v, key, val)
    {
        n += json_is_array(val) ? json_array_size(val) : 1;
    }
    cq_hook *list = cq__calloc(n + 1, sizeof *list);
    if (!list)
        return CQ_ENOMEM;
    size_t k = 0;
    int rc = CQ_OK;
    json_object_foreach(v, key, val)
    {
        char sub[CQ__PATH_MAX];
        cq__path_key(sub, path, key);
        if (!cq_hook_event_is_valid(key)) {
            cq__diag_set(diag, sub,
                         "unknown hook (expected one of Sequelize's events, e.g. "
                         "beforeCreate, afterSave, beforeFind)");
            rc = CQ_EINVALID;
            break;
        }
        if (json_is_array(val)) {
            for (size_t i = 0; rc == CQ_OK && i < json_array_size(val); i++) {
                char isub[CQ__PATH_MAX];
                cq__path_index(isub, sub, i);
                list[k].event = key;
                rc = want_name(&list[k++].bound, json_array_get(val, i), isub, diag);
            }
        } else {
            list[k].event = key;
            rc = want_name(&list[k++].bound, val, sub, diag);
        }
        if (rc != CQ_OK)
            break;
    }
    if (rc != CQ_OK) {
        cq__free(list);
        return rc;
    }
    *out = list;
    return CQ_OK;
}
