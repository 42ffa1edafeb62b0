/**
 * @file cequel/sync.h
 * Schema sync planning: creation order, reference cycles, and DDL without a database round
 * trip. cq_db_sync() and cq_db_drop() (in db.h) run the plan described here.
 *
 * Order: models are walked in definition order; each one is created after every model it
 * references (depth first, attributes in order; self-references ignored), as Sequelize v6's
 * sync does. Drops run in the exact reverse order.
 *
 * Cycles: a reference that points back at a model still being walked closes a cycle. Such a
 * constraint is "deferred": on PostgreSQL and MySQL its table is created without it and an
 * `ALTER TABLE ... ADD FOREIGN KEY ...` runs after every table exists (only when that foreign
 * key is not there yet, so a second sync changes nothing). SQLite accepts a REFERENCES clause
 * naming a table created later, so there every constraint stays inline. Each cycle is logged
 * as a CQ_LOG_WARNING by cq_db_sync(); `cq_sync_opts.strict_cycles` refuses them instead.
 */
#ifndef CEQUEL_SYNC_H
#define CEQUEL_SYNC_H

#include "cequel/common.h"
#include "cequel/db.h"

CQ_BEGIN_DECL

/** What cq_db_sync() will do: creation order, deferred constraints and cycles. */
typedef struct cq_sync_plan cq_sync_plan;

/**
 * Computes the sync plan for the db's dialect. Touches no database.
 * @param[out] out  the plan; the caller frees it with cq_sync_plan_free(). NULL on failure.
 * @param db        the connection whose models are planned; borrowed for the call.
 * @param opts      NULL for defaults; only `strict_cycles` is read; not kept.
 * @return CQ_OK, CQ_ECYCLE (strict_cycles and the references form a cycle; the message names
 *         the chain and the references that could take `constraints: false`),
 *         CQ_EUNKNOWN_MODEL (a reference names neither a model nor a model's table),
 *         CQ_EUNKNOWN_ATTR (a reference key that is not an attribute/column of its target),
 *         CQ_ENOMEM. Details: cq_db_error().
 */
CQ_EXTERN int cq_db_sync_plan(cq_sync_plan **out, cq_db *db, const cq_sync_opts *opts);

/**
 * Frees a plan; NULL is allowed.
 * @param plan  freed; NULL is allowed.
 */
CQ_EXTERN void cq_sync_plan_free(cq_sync_plan *plan);

/**
 * Number of models in the plan.
 * @param plan  borrowed for the call.
 */
CQ_EXTERN size_t cq_sync_plan_model_count(const cq_sync_plan *plan);
/**
 * Model `i` in creation order (borrowed, owned by the db).
 * @param plan  borrowed for the call.
 * @param i  position, 0-based.
 */
CQ_EXTERN cq_model *cq_sync_plan_model_at(const cq_sync_plan *plan, size_t i);

/**
 * Constraints added after the tables (`ALTER TABLE ... ADD FOREIGN KEY`): always 0 on SQLite.
 * For each: the model whose table holds the column, the attribute name (borrowed from that
 * model) and the referenced model.
 * @param plan  borrowed for the call.
 */
CQ_EXTERN size_t cq_sync_plan_deferred_count(const cq_sync_plan *plan);
/**
 * Model whose table holds deferred constraint `i` (owned by the db).
 * @param plan  borrowed for the call.
 * @param i  position, 0-based.
 */
CQ_EXTERN cq_model *cq_sync_plan_deferred_model(const cq_sync_plan *plan, size_t i);
/**
 * Attribute of deferred constraint `i` (borrowed from its model).
 * @param plan  borrowed for the call.
 * @param i  position, 0-based.
 */
CQ_EXTERN const char *cq_sync_plan_deferred_attr(const cq_sync_plan *plan, size_t i);
/**
 * Model referenced by deferred constraint `i` (owned by the db).
 * @param plan  borrowed for the call.
 * @param i  position, 0-based.
 */
CQ_EXTERN cq_model *cq_sync_plan_deferred_target(const cq_sync_plan *plan, size_t i);

/**
 * Cycles found, one per constraint closing a cycle (on every dialect). Cycle `i` is a chain of
 * `cq_sync_plan_cycle_length()` models: model k references model k+1 through attribute k, and
 * the last model references the first.
 * @param plan  borrowed for the call.
 */
CQ_EXTERN size_t cq_sync_plan_cycle_count(const cq_sync_plan *plan);
/**
 * Number of models in cycle `i`.
 * @param plan  borrowed for the call.
 * @param i  position, 0-based.
 */
CQ_EXTERN size_t cq_sync_plan_cycle_length(const cq_sync_plan *plan, size_t i);
/**
 * Model `k` of cycle `i` (owned by the db).
 * @param plan  borrowed for the call.
 * @param i  position, 0-based.
 * @param k  position in the cycle, 0-based.
 */
CQ_EXTERN cq_model *cq_sync_plan_cycle_model(const cq_sync_plan *plan, size_t i, size_t k);
/**
 * Attribute of model k that references the next model of the chain; borrowed.
 * @param plan  borrowed for the call.
 * @param i  position, 0-based.
 * @param k  position in the cycle, 0-based.
 */
CQ_EXTERN const char *cq_sync_plan_cycle_attr(const cq_sync_plan *plan, size_t i, size_t k);
/**
 * The chain as table names, "documents -> versions => documents"; borrowed from the plan.
 * @param plan  borrowed for the call.
 * @param i  position, 0-based.
 */
CQ_EXTERN const char *cq_sync_plan_cycle_chain(const cq_sync_plan *plan, size_t i);

/**
 * The plan as readable text, one item per line:
 * `create TABLE` in order, then `add foreign key TABLE.COLUMN -> TABLE.COLUMN` for
 * each deferred constraint, then `cycle CHAIN` for each cycle.
 * @param[out] out  caller frees with cq_free(); NULL on failure.
 * @param plan      the plan; borrowed for the call.
 * @return CQ_OK or CQ_ENOMEM.
 */
CQ_EXTERN int cq_sync_plan_describe(char **out, const cq_sync_plan *plan);

/**
 * The statements cq_db_sync() would run to create every table, for `dialect` (which may
 * differ from the db's own), in sync order, one statement per line, each ending in `;`: each
 * CREATE TABLE followed by its model's `indexes` (CREATE [UNIQUE] INDEX; MySQL ALTER TABLE ...
 * ADD INDEX; sync sends these without the `;`, as Sequelize does); then, on PostgreSQL/MySQL,
 * one `ALTER TABLE ... ADD FOREIGN KEY` per deferred constraint.
 * Touches no database.
 * @param[out] out  caller frees with cq_free(); NULL on failure.
 * @param db        the connection whose models are written; borrowed for the call.
 * @param dialect   the dialect to write.
 * @return CQ_OK, CQ_ENOMEM, CQ_EUNKNOWN_MODEL / CQ_EUNKNOWN_ATTR (a bad reference),
 *         CQ_EINVALID (not one of the three dialects).
 */
CQ_EXTERN int cq_db_ddl(char **out, cq_db *db, cq_dialect dialect);

/**
 * Models in creation order (dependencies first).
 * @param[out] out  NULL-terminated array of borrowed model pointers; caller frees the array
 *                  (not the models) with cq_free(). NULL on failure.
 * @param db        the connection; borrowed for the call.
 * @return CQ_OK, CQ_ENOMEM, CQ_EUNKNOWN_MODEL / CQ_EUNKNOWN_ATTR (a bad reference),
 *         CQ_EINVALID (not one of the three dialects).
 */
CQ_EXTERN int cq_db_sync_order(cq_model ***out, cq_db *db);

/**
 * Deletes every row of every model's table (Sequelize's `sequelize.truncate()`), tables that
 * reference others first, in one transaction (a savepoint inside an open one). With cyclic
 * references the declared ON DELETE actions settle the order (Sequelize v6 refuses to
 * truncate them without `cascade`).
 * @param db  borrowed for the call.
 * @param opts  NULL for defaults; borrowed for the call, not kept.
 * @return CQ_OK, CQ_EFOREIGNKEY (rows still referenced under RESTRICT / NO ACTION; nothing
 *         deleted), CQ_EDATABASE.
 */
CQ_EXTERN int cq_db_truncate(cq_db *db, const cq_sync_opts *opts);

CQ_END_DECL

#endif
