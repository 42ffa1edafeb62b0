/**
 * @file cequel/dump.h
 * Canonical dump of a database and the "golden" document the conformance tests compare.
 *
 * The dump is a dialect-neutral picture of what a database holds: for every table (sorted
 * by name) its columns, foreign keys, unique constraints, indexes and rows, normalized so
 * that the same state gives the same tree on every dialect. It has the format in which the
 * conformance tests (tests/conformance) recorded Sequelize v6's behaviour, value for value,
 * and the golden functions lay it out the same way, so cequel's output can be compared byte
 * for byte with those recordings. The format is described in docs/dump.md.
 */
#ifndef CEQUEL_DUMP_H
#define CEQUEL_DUMP_H

#include "cequel/common.h"
#include "cequel/db.h"
#include "cequel/errors.h"
#include "cequel/value.h"

CQ_BEGIN_DECL

/** Options of cq_db_dump(). */
typedef struct cq_dump_opts {
    bool keep_timestamps; /**< default false: a non-null value in a column named createdAt,
                               updatedAt, deletedAt (or their snake_case forms) becomes the
                               text "<timestamp>"; true keeps the stored value */
} cq_dump_opts;

/**
 * Canonical dump of every table of `db` (on SQLite: every table of sqlite_master except the
 * sqlite_* ones; on PostgreSQL: every base table of the `public` schema; on MySQL/MariaDB:
 * every base table of the connection's database). Keys are sorted at every
 * level; UUIDs are left as they are (lower case in UUID columns). Introspection runs through
 * cq_db_query(), so the statements are logged.
 *
 *     {"<table>": {"columns": [{"autoIncrement", "default"?, "name", "notNull",
 *                               "primaryKey", "type"}...],
 *                  "foreignKeys": [{"columns", "onDelete", "onUpdate",
 *                                   "references": {"columns", "table"}}...],
 *                  "indexes": [[col...]...], "rows": [{...}...], "unique": [[col...]...]}}
 *
 * @param[out] out  the dump; the caller owns it, free with cq_value_free(). NULL on failure.
 * @param db        borrowed.
 * @param opts      NULL for defaults; not kept.
 * @return CQ_OK, CQ_EDATABASE when a catalogue query fails (CQ_ECONNECT / CQ_ETIMEOUT when
 *         the server is lost), CQ_ENOMEM, CQ_EINVALID when `out` is NULL (details:
 *         cq_db_error()).
 */
CQ_EXTERN int cq_db_dump(cq_value **out, cq_db *db, const cq_dump_opts *opts);

/**
 * Builds the golden document `{"dump": ..., "result": ...}` from what a scenario returned and
 * the dump of the database it left, exactly as the recorded goldens are: blobs in the
 * result become hex text, non-finite numbers become text, timestamps are masked in the result,
 * and every UUID text value becomes "<uuid:N>", numbered in order of first appearance walking
 * the result (keys sorted) then the dump (tables by name, rows in canonical order). Keys are
 * sorted at every level.
 *
 * @param[out] out  the document; the caller owns it, free with cq_value_free(). NULL on failure.
 * @param result    borrowed; NULL is taken as a null result.
 * @param dump      borrowed; a tree from cq_db_dump() (timestamps already masked).
 * @param err       caller-owned, may be NULL.
 * @return CQ_OK, CQ_EINVALID when `dump` does not have the shape cq_db_dump() gives,
 *         CQ_ENOMEM.
 */
CQ_EXTERN int cq_golden_normalize(cq_value **out, const cq_value *result, const cq_value *dump,
                                  cq_error *err);

/**
 * Renders `v` exactly as the golden files are written: JavaScript's JSON.stringify for
 * scalars and for any object or array whose one-line form fits 80 characters (200 when its
 * members are all scalars or arrays of scalars), otherwise one member per line indented by
 * two spaces; keys in the order `v` holds them; the text ends with a newline.
 * Numbers print as JavaScript prints them (integers beyond 2^53 lose precision as they do
 * in JavaScript; 1.0 prints as 1).
 *
 * @param[out] out  NUL-terminated text; the caller frees it with cq_free(). NULL on failure.
 * @param v         borrowed.
 * @return CQ_OK, CQ_ENOMEM.
 */
CQ_EXTERN int cq_golden_to_json(char **out, const cq_value *v);

/**
 * Convenience: cq_db_dump() + cq_golden_normalize() + cq_golden_to_json(), the text of a
 * golden file for `result` and the current state of `db`.
 *
 * @param[out] out  text ending with a newline; the caller frees it with cq_free(). NULL on
 *                  failure.
 * @param db        borrowed.
 * @param result    borrowed; NULL for a null result.
 * @return CQ_OK, or a code of cq_db_dump(): CQ_EDATABASE, CQ_ENOMEM (details:
 *         cq_db_error()).
 */
CQ_EXTERN int cq_db_golden(char **out, cq_db *db, const cq_value *result);

CQ_END_DECL

#endif
