/**
 * @file cequel/errors.h
 * Status codes and the per-thread error record.
 *
 * Every fallible function returns CQ_OK (0) or a negative CQ_E* code. Details of the
 * calling thread's last failed call on a database handle (or on anything reached from it:
 * models, instances, transactions) are kept per thread, so threads sharing one cq_db each
 * read their own: cq_db_error(db) returns them, valid until the thread's next call. The few
 * calls that have no handle yet (cq_db_open, cq_value_from_json) take a caller-owned
 * `cq_error *err` instead (NULL allowed).
 */
#ifndef CEQUEL_ERRORS_H
#define CEQUEL_ERRORS_H

#include "cequel/common.h"

CQ_BEGIN_DECL

/* X-macro: code name, value, cq_strerror text. New codes go at the end; values never change. */
/** Every status code as X(name, value, text); cq_status is generated from it, so a program
 *  can build its own table of codes. */
#define CQ_ERROR_MAP(X)                                                                            \
    X(CQ_OK, 0, "ok")                                                                              \
    X(CQ_ENOMEM, -1, "out of memory")                                                              \
    X(CQ_EINVALID, -2, "invalid argument")                                                         \
    X(CQ_EVALIDATION, -3, "validation error")                                                      \
    X(CQ_EUNIQUE, -4, "unique constraint violation")                                               \
    X(CQ_EFOREIGNKEY, -5, "foreign key constraint violation")                                      \
    X(CQ_ENOTFOUND, -6, "not found")                                                               \
    X(CQ_ECONNECT, -7, "connection error")                                                         \
    X(CQ_ETIMEOUT, -8, "timeout")                                                                  \
    X(CQ_EASSOC, -9, "association error")                                                          \
    X(CQ_EEAGER, -10, "eager loading error")                                                       \
    X(CQ_EDATABASE, -11, "database error")                                                         \
    X(CQ_ENOTSUPPORTED, -12, "not supported")                                                      \
    X(CQ_EUNKNOWN_MODEL, -13, "unknown model")                                                     \
    X(CQ_EUNKNOWN_ATTR, -14, "unknown attribute")                                                  \
    X(CQ_EUNKNOWN_ASSOC, -15, "unknown association")                                               \
    X(CQ_ECYCLE, -16, "cyclic dependency")                                                         \
    X(CQ_ENOTNULL, -17, "not null violation")                                                      \
    X(CQ_ESTALE, -18, "stale model instance")

/** Status codes: CQ_OK (0) and the negative CQ_E* codes, listed in CQ_ERROR_MAP with the
 *  text cq_strerror() returns: CQ_ENOMEM, CQ_EINVALID, CQ_EVALIDATION, CQ_EUNIQUE,
 *  CQ_EFOREIGNKEY, CQ_ENOTFOUND, CQ_ECONNECT, CQ_ETIMEOUT, CQ_EASSOC, CQ_EEAGER, CQ_EDATABASE,
 *  CQ_ENOTSUPPORTED, CQ_EUNKNOWN_MODEL, CQ_EUNKNOWN_ATTR, CQ_EUNKNOWN_ASSOC, CQ_ECYCLE,
 *  CQ_ENOTNULL, CQ_ESTALE. */
typedef enum cq_status {
#define CQ__ERR_ENUM(name, value, text) name = value,
    CQ_ERROR_MAP(CQ__ERR_ENUM)
#undef CQ__ERR_ENUM
} cq_status;

/** Fixed-size error record: no allocation, safe to copy. */
typedef struct cq_error {
    int code;          /**< a CQ_E* code, CQ_OK when there is no error */
    char sqlstate[6];  /**< SQLSTATE from PostgreSQL/MySQL; empty for SQLite */
    int driver_code;   /**< the driver's own code (sqlite3 extended code, ...), 0 if none */
    char message[512]; /**< human-readable detail naming the model/attribute/value */
} cq_error;

/** Static text for a code ("unique constraint violation"); never NULL. */
CQ_EXTERN const char *cq_strerror(int code);

/** Static symbolic name of a code ("CQ_EUNIQUE"); never NULL. */
CQ_EXTERN const char *cq_error_name(int code);

CQ_END_DECL

#endif
