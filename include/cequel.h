/**
 * @file cequel.h
 * cequel: Sequelize v6's model and association system for C.
 *
 * Include this one header. Conventions (see docs/):
 *  - functions that can fail return CQ_OK or a negative CQ_E* code; details via cq_db_error();
 *  - out-parameters come first; on failure `*out` is NULL so the free function is safe;
 *  - options are `const cq_xxx_opts *`, NULL for defaults, zero fields mean default;
 *  - every header comment states who owns what is returned.
 *  - a NULL handle (db, model, instance, rows, association, transaction, plan) is misuse that
 *    never crashes: calls returning a status answer CQ_EINVALID (out-parameters cleared),
 *    getters answer NULL / 0 / false (-1 for cq_model_attr_index), free functions do nothing.
 *    A NULL cq_value is not a handle: it reads as a JSON null (cequel/value.h).
 * Threads: one cq_db (its models and a pool of connections) may be used from any number of
 * threads at once, once every model and association is defined; instances, result sets,
 * values and transactions belong to one thread at a time. Error details are per thread.
 * See cequel/db.h. No other mutable global state besides the allocator set once by
 * cq_set_allocator() (cequel/alloc.h) and an atomic count of refused JSON allocations.
 * Memory: running out is CQ_ENOMEM, never a crash or a leak.
 */
#ifndef CEQUEL_H
#define CEQUEL_H

#include "cequel/common.h"
#include "cequel/errors.h"
#include "cequel/alloc.h"
#include "cequel/value.h"
#include "cequel/log.h"
#include "cequel/db.h"
#include "cequel/validate.h"
#include "cequel/model.h"
#include "cequel/query.h"
#include "cequel/scope.h"
#include "cequel/assoc.h"
#include "cequel/hooks.h"
#include "cequel/naming.h"
#include "cequel/sync.h"
#include "cequel/dump.h"
#include "cequel/schema.h"

/** Major version: changes break source or binary compatibility. */
#define CQ_VERSION_MAJOR 0
/** Minor version: new functions, compatible. */
#define CQ_VERSION_MINOR 1
/** Patch version: fixes only. */
#define CQ_VERSION_PATCH 0
/** The version as text, "MAJOR.MINOR.PATCH". */
#define CQ_VERSION "0.1.0"

#endif
