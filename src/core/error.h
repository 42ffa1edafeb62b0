/* Setting error records. */
#ifndef CQ_CORE_ERROR_H
#define CQ_CORE_ERROR_H

#include <stdarg.h>
#include <stdint.h>

#include "cequel/errors.h"

/* Fills `err` (may be NULL) with code and formatted message; returns `code`. */
int cq__err_set(cq_error *err, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* cq__err_set() with a va_list: the one place an error record is formatted. */
int cq__err_vset(cq_error *err, int code, const char *fmt, va_list ap)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 0)))
#endif
    ;

/* A number for the calling thread, unique for the life of the process. */
uint64_t cq__thread_id(void);

/* The calling thread's error record (what cq_db_error() returns). */
cq_error *cq__last_error(void);

/* Fills `err` (may be NULL) with CQ_ENOMEM "out of memory"; returns CQ_ENOMEM. */
int cq__err_oom(cq_error *err);

/* A copy of the calling thread's record, taken before cleanup work that may itself fail, and
 * put back with cq__err_restore() so the cleanup does not hide why the caller failed. */
cq_error cq__err_save(void);
void cq__err_restore(const cq_error *saved);

#endif
