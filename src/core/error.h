/* Setting error records. */
#ifndef CQ_CORE_ERROR_H
#define CQ_CORE_ERROR_H

#include <stdint.h>

#include "cequel/errors.h"

/* Fills `err` (may be NULL) with code and formatted message; returns `code`. */
int cq__err_set(cq_error *err, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* A number for the calling thread, unique for the life of the process. */
uint64_t cq__thread_id(void);

/* The calling thread's error record (what cq_db_error() returns). */
cq_error *cq__last_error(void);

#endif
