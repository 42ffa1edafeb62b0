/**
 * @file cequel/schema.h
 * Defining models and associations from a JSON schema document (the format the `cequel` tool
 * reads, described in docs/schema.md):
 *
 *     {"models": {"user": {"attributes": {"username": {"type": "STRING", "unique": true}},
 *                          "options": {"paranoid": true}}},
 *      "associations": [{"source": "user", "hasMany": "post"}]}
 *
 * A program may define everything from a file, everything from C (cq_db_define() and the
 * association functions), or both: a schema may name models defined earlier in C in its
 * associations, and C code may add models and associations after a schema was loaded.
 */
#ifndef CEQUEL_SCHEMA_H
#define CEQUEL_SCHEMA_H

#include "cequel/common.h"
#include "cequel/db.h"

CQ_BEGIN_DECL

/** Options of cq_db_load_schema(). Zero means default in every field. */
typedef struct cq_schema_opts {
    const char *origin; /**< the input's name in JSON syntax errors; default "<schema>" for
                             text, the path for a file; borrowed for the call */
} cq_schema_opts;

/**
 * Defines the models (in file order) and then the associations of a JSON schema document on
 * `db`, as cq_db_define() and cq_model_belongs_to() ... would. No statement is sent: call
 * cq_db_sync() to create the tables.
 *
 * The whole document is checked before anything is defined; a fault fails with a message in
 * cq_db_error(db) that names its JSON path, like the `cequel` tool's:
 * `models.user.attributes.email.type: unknown type "STRNG"`, or
 * `<schema>:3:14: invalid JSON: ...` for a syntax error. A definition the library then
 * rejects (a model name already defined, an association naming a model that does not exist)
 * stops the load with the library's code, the message prefixed with the model's or entry's
 * path (`associations[2]: ...`); the models and associations defined before it stay defined.
 * A schema is a definition like any other: once `db` is frozen (its first statement or
 * instance, or cq_db_freeze()) the load is refused whole with CQ_EINVALID, nothing read.
 *
 * @param db    the handle that owns the models (their handles: cq_db_model(db, name)).
 * @param json  the document (NUL-terminated); borrowed for the call, nothing is kept.
 * @param opts  NULL for defaults; borrowed for the call.
 * @return CQ_OK; CQ_EINVALID for a document that is not a valid schema (or a definition the
 *         library rejects as invalid), or a frozen db; CQ_EASSOC, CQ_EUNKNOWN_MODEL for a rejected
 *         association; CQ_ENOMEM.
 */
CQ_EXTERN int cq_db_load_schema(cq_db *db, const char *json, const cq_schema_opts *opts);

/**
 * cq_db_load_schema() on the contents of the file at `path` (borrowed for the call).
 * @param db  borrowed for the call.
 * @param opts  NULL for defaults; borrowed for the call, not kept.
 * @return CQ_OK, the codes of cq_db_load_schema() (CQ_EINVALID, CQ_EASSOC,
 *         CQ_EUNKNOWN_MODEL, CQ_ENOMEM), and CQ_EINVALID when the file cannot be read
 *         (the message names the path and the system's reason).
 * @param path  NUL-terminated; borrowed for the call.
 */
CQ_EXTERN int cq_db_load_schema_file(cq_db *db, const char *path, const cq_schema_opts *opts);

CQ_END_DECL

#endif
