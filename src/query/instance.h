/* Instances and rows: writing, the values through getters and setters, write errors
 * (instance.c, instance_getset.c, write_errors.c, find.c). */
#ifndef CQ_QUERY_INSTANCE_H
#define CQ_QUERY_INSTANCE_H

#include "db/db.h"
#include "model/model.h"

/* A new instance of `m`, every value unset, in one block. NULL when out of memory. */
cq_instance *cq__instance_alloc(cq_model *m);
/* A new instance of `m` read from the row of `one` (a cq__row_fn's): the attributes `sel`
 * selects (NULL: all), in order, from the columns starting at *col, which is advanced past
 * them. Scalar values are placed in the instance's own block with their text, so a row costs
 * one allocation; JSON and ARRAY cells are taken as trees. NULL when out of memory. */
cq_instance *cq__instance_read(cq_model *m, const bool *sel, cq__result *one, size_t *col);
/* After a create made `inst` (and before it is handed out): moves its scalar values into one
 * block of their own with their text, as a read instance holds them, so that a created row
 * costs two allocations instead of one per value (and the heap is not left in pieces when
 * many are freed). Values read before become invalid: only for instances no caller has seen.
 * Nothing happens when out of memory. */
void cq__instance_compact(cq_instance *inst);
/* Replaces value `i` of `inst` with `v`, which it takes (NULL: unset), freeing what the slot
 * owned (a value in place lives and dies with its block); returns `v`. Every replacement of
 * an instance's value goes through here. */
cq_value *cq__instance_put(cq_instance *inst, size_t i, cq_value *v);
/* Room for at least `cap` included entries on `inst` (an instance read with includes gets
 * one per include, all at once). 0, or -1 when out of memory or over UINT16_MAX. */
int cq__instance_reserve_included(cq_instance *inst, size_t cap);
/* Appends an empty included entry to `inst` for association `a` (its property key is the
 * association's `as`); `many` gives it an empty row list. NULL when out of memory. */
cq__included *cq__instance_add_included(cq_instance *inst, const struct cq_assoc *a, bool many);
/* The end of a call that made `inst`: on CQ_OK it goes to *out (freed when `out` is NULL),
 * else it is freed; returns `rc`. */
int cq__instance_hand_out(cq_instance **out, cq_instance *inst, int rc);
/* cq__db_enter() for a call that needs `inst` saved: CQ_EINVALID for NULL, and with "cannot
 * <verb> an unsaved instance" when it was never saved. */
int cq__instance_enter(cq_instance *inst, const cq_txn *t, const char *verb);
/* create / bulkCreate without nested includes (the public functions live in assoc_create.c,
 * which adds creating with associations on top). */
int cq__model_create_plain(cq_instance **out, cq_model *m, const cq_value *values,
                           const cq_write_opts *opts);
int cq__model_bulk_create_plain(cq_rows **out, cq_model *m, const cq_value *values,
                                const cq_write_opts *opts);
/* Inserts `n` built instances of one model with one multi-row INSERT (include.md B7) and
 * fills their generated keys (RETURNING on PostgreSQL; consecutive auto-increment values on
 * SQLite and MySQL). Rows that mix given and generated keys, and a single row, are written
 * one INSERT each. */
int cq__model_insert_rows(cq_instance **insts, size_t n, const cq_write_opts *opts);
/* Saving new rows in v6's order (hooks.c has the lists): cq__save_before validates the n
 * rows (with the validation hooks; `skip`: attributes not checked, NULL-terminated or NULL)
 * and runs beforeCreate (with beforeSave), several rows in v6's concurrent order;
 * cq__instance_insert_row writes one (NOT NULL checked, no validators, no hooks);
 * cq__save_after runs its afterCreate (afterSave). `opts->hooks` CQ_OFF runs no hooks. */
int cq__save_before(cq_instance *const *insts, size_t n, const cq_write_opts *opts,
                    const char *const *skip);
int cq__instance_insert_row(cq_instance *inst, const cq_write_opts *opts);
int cq__save_after(cq_instance *inst, const cq_write_opts *opts);
/* bulkCreate's `validate: true`: validates every built row (item `record` = its index) and
 * reports them together, before anything is written. */
int cq__validate_rows(cq_instance *const *insts, size_t n, const cq_write_opts *opts);
/* One multi-row INSERT of the objects in `rows` (join rows); no instances returned. With
 * `hooks`, the model's beforeBulkCreate / afterBulkCreate run around it (v6 bulkCreate). */
int cq__model_insert_many(cq_model *m, const cq_value *rows, bool hooks);
/* cq__model_insert_many of n join rows of m that give only attribute fi (the value fv, the
 * same for every row) and attribute oi (ov[r]), when the general path would write nothing
 * else but the timestamps and run no hooks (no defaults, no setters, no bulk hooks, no null
 * key): the values are bound without building instances, into the statement kept in
 * kept[n] (rendered by the first call, as the general path renders it; nkept slots).
 * *done = false leaves the call to cq__model_insert_many. */
int cq__model_insert_links(bool *done, cq_model *m, cq__kept_insert *_Atomic *kept, size_t nkept,
                           long fi, const cq_value *fv, long oi, const cq_value *const *ov,
                           size_t n, bool hooks);
/* After a failed INSERT/UPDATE of the row `inst` holds: appends the model, attribute and value the
 * constraint error is about to the db's message (SQLite names only table and column, or nothing for
 * a foreign key). */
void cq__write_error_context(cq_model *m, const cq_instance *inst, int rc);
int cq__rows_push(cq_rows *rows, cq_instance *inst);
/* Stores a value without the setter (setDataValue), VIRTUAL attributes included. */
int cq__instance_store(cq_instance *inst, const char *attr, cq_value *v);
/* The VIRTUAL attribute `attr`'s value on the instance (taken). */
int cq__instance_store_virtual(cq_instance *inst, const char *attr, cq_value *v);
/* toJSON with getters (v6 get({plain: true})): getter keys first. */
int cq__instance_plain_with_getters(cq_value **out, const cq_instance *inst);
/* After a find with `attributes`: VIRTUAL getters not named are left out of toJSON. */
/* Forgets which VIRTUAL values were set (after a save wrote the instance). */
void cq__instance_vchanged_clear(cq_instance *inst);
int cq__instance_hide_virtuals(cq_instance *inst, const char *const *attributes);
/* Hides from toJSON every loaded attribute not in the NULL-terminated `shown` list. */
int cq__instance_hide_except(cq_instance *inst, const char *const *shown);

#endif
