/**
 * @file cequel/sync.h
 * DDL generation without a database round trip.
 */
#ifndef CEQUEL_SYNC_H
#define CEQUEL_SYNC_H

#include "cequel/common.h"
#include "cequel/db.h"

CQ_BEGIN_DECL

/**
 * The statements cq_db_sync() would run to create every table, for `dialect` (which may
 * differ from the db's own), in sync order, one statement per line, each ending in `;`.
 * Touches no database.
 * @param[out] out  caller frees with cq_free(); NULL on failure.
 * @return CQ_OK, CQ_ENOMEM, CQ_EINVALID (a reference to an unknown attribute).
 */
CQ_EXTERN int cq_db_ddl(char **out, cq_db *db, cq_dialect dialect);

/**
 * Names of the models' tables in creation order (dependencies first).
 * @param[out] out  NULL-terminated array of borrowed model pointers; caller frees the array
 *                  (not the models) with cq_free().
 */
CQ_EXTERN int cq_db_sync_order(cq_model ***out, cq_db *db);

CQ_END_DECL

#endif
