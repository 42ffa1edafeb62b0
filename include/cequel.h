/**
 * @file cequel.h
 * cequel: Sequelize v6's model and association system for C.
 *
 * Include this one header. Conventions (see docs/):
 *  - functions that can fail return CQ_OK or a negative CQ_E* code; details via cq_db_error();
 *  - out-parameters come first; on failure `*out` is NULL so the free function is safe;
 *  - options are `const cq_xxx_opts *`, NULL for defaults, zero fields mean default;
 *  - every header comment states who owns what is returned.
 * Threads: one cq_db (its models and a pool of connections) may be used from any number of
 * threads at once, once every model and association is defined; instances, result sets,
 * values and transactions belong to one thread at a time. Error details are per thread.
 * See cequel/db.h.
 */
#ifndef CEQUEL_H
#define CEQUEL_H

#include "cequel/common.h"
#include "cequel/errors.h"
#include "cequel/value.h"
#include "cequel/log.h"
#include "cequel/db.h"
#include "cequel/validate.h"
#include "cequel/model.h"
#include "cequel/query.h"
#include "cequel/assoc.h"
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
