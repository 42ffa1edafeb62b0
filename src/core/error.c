#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"

const char *cq_strerror(int code)
{
    switch (code) {
#define CQ__ERR_TEXT(name, value, text)                                                            \
    case value:                                                                                    \
        return text;
        CQ_ERROR_MAP(CQ__ERR_TEXT)
#undef CQ__ERR_TEXT
    default:
        return "unknown error";
    }
}

const char *cq_error_name(int code)
{
    switch (code) {
#define CQ__ERR_NAME(name, value, text)                                                            \
    case value:                                                                                    \
        return #name;
        CQ_ERROR_MAP(CQ__ERR_NAME)
#undef CQ__ERR_NAME
    default:
        return "CQ_EUNKNOWN";
    }
}

int cq__err_vset(cq_error *err, int code, const char *fmt, va_list ap)
{
    if (!err)
        return code;
    memset(err, 0, sizeof *err);
    err->code = code;
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    return code;
}

int cq__err_set(cq_error *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cq__err_vset(err, code, fmt, ap);
    va_end(ap);
    return code;
}

/* One record per thread (as libgit2 keeps its last error): calls on a shared cq_db from
 * several threads each report to their own caller. */
static _Thread_local cq_error last_error;

cq_error *cq__last_error(void)
{
    return &last_error;
}

int cq__err_oom(cq_error *err)
{
    return cq__err_set(err, CQ_ENOMEM, "out of memory");
}

cq_error cq__err_save(void)
{
    return last_error;
}

void cq__err_restore(const cq_error *saved)
{
    last_error = *saved;
}

/* A number for the calling thread, never reused (pthread_t values are reused once a thread
 * has exited, so a connection left pinned by an exited thread would pass to a new one). */
static atomic_uint_fast64_t next_thread_id = 1;
static _Thread_local uint64_t thread_id;

uint64_t cq__thread_id(void)
{
    if (thread_id == 0)
        thread_id = atomic_fetch_add(&next_thread_id, 1);
    return thread_id;
}
