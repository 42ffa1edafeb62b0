/* cq_db_load_schema: the JSON schema loader behind the public API. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "model/model.h"
#include "schema/schema.h"

static int load(cq_db *db, const char *text, size_t len, const char *origin)
{
    /* a schema is definitions: refused whole, before anything is read, once the db froze */
    if (cq_db_is_frozen(db)) {
        char what[300];
        snprintf(what, sizeof what, "schema %.200s", origin);
        return cq__db_check_unfrozen(db, what);
    }
    cq__diag diag = { { 0 }, false };
    cq__schema *s = NULL;
    int rc = cq__schema_load_for(&s, text, len, origin, db, &diag);
    /* A model of the document that the db already has would fail half-way through; say so
     * before anything is defined. */
    for (size_t i = 0; rc == CQ_OK && i < s->n_models; i++) {
        if (cq_db_model(db, s->models[i].name)) {
            cq__diag_set(&diag, s->models[i].path, "model \"%s\" is already defined",
                         s->models[i].name);
            rc = CQ_EINVALID;
        }
    }
    if (rc == CQ_OK)
        rc = cq__schema_define(db, s, &diag);
    cq__schema_free(s);
    return rc == CQ_OK ? CQ_OK : cq__db_fail(db, rc, "%s", diag.msg);
}

int cq_db_load_schema(cq_db *db, const char *json, const cq_schema_opts *opts)
{
    if (!db)
        return CQ_EINVALID;
    cq__db_clear(db);
    if (!json)
        return cq__db_fail(db, CQ_EINVALID, "cq_db_load_schema: the document is NULL");
    const char *origin = opts && opts->origin ? opts->origin : "<schema>";
    return load(db, json, strlen(json), origin);
}

int cq_db_load_schema_file(cq_db *db, const char *path, const cq_schema_opts *opts)
{
    if (!db)
        return CQ_EINVALID;
    cq__db_clear(db);
    if (!path)
        return cq__db_fail(db, CQ_EINVALID, "cq_db_load_schema_file: the path is NULL");
    cq__diag diag = { { 0 }, false };
    size_t len = 0;
    char *text = cq__read_file(path, &len, &diag);
    if (!text)
        return cq__db_fail(db, diag.oom ? CQ_ENOMEM : CQ_EINVALID, "%s", diag.msg);
    int rc = load(db, text, len, opts && opts->origin ? opts->origin : path);
    cq__free(text);
    return rc;
}
