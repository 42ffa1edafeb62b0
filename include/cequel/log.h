/**
 * @file cequel/log.h
 * SQL logging hook (Sequelize's `logging` option). Every statement cequel sends, DDL,
 * BEGIN/COMMIT and queries alike, passes through one function that reports it here once.
 */
#ifndef CEQUEL_LOG_H
#define CEQUEL_LOG_H

#include "cequel/common.h"
#include "cequel/value.h"

CQ_BEGIN_DECL

/** What a log event reports. */
typedef enum cq_log_kind {
    CQ_LOG_SQL = 1,    /**< a statement sent to the database */
    CQ_LOG_WARNING = 2 /**< a warning (e.g. a reference cycle found by sync) */
} cq_log_kind;

/** One event. Every pointer is valid only during the callback. */
typedef struct cq_log_event {
    cq_log_kind kind;              /**< a statement or a warning */
    const char *sql;               /**< exact SQL sent, placeholders kept; or warning text */
    const cq_value *const *params; /**< bound parameters, in placeholder order */
    size_t n_params;               /**< number of `params` */
    uint64_t elapsed_ns;           /**< time the statement took (PostgreSQL: a savepoint's
                                        SAVEPOINT / RELEASE SAVEPOINT is logged when it is
                                        queued to go with the next statement, with the time
                                        that took) */
    uint64_t transaction_id;       /**< 0 outside a transaction */
} cq_log_event;

/** The callback must not call back into the db that logs. Threads sharing a db log from their
 *  own threads, so the callback may run on several threads at once. */
typedef void (*cq_log_fn)(const cq_log_event *event, void *user_data);

/** Where log events go (cq_open_opts.log). */
typedef struct cq_log_opts {
    cq_log_fn fn;    /**< NULL: silent (default) */
    void *user_data; /**< passed to fn */
    unsigned mask;   /**< OR of cq_log_kind; 0 means CQ_LOG_SQL | CQ_LOG_WARNING */
} cq_log_opts;

/**
 * Ready-made callback: prints `Executing (default): <sql>` (or `Executing (<txn id>): ...`)
 * to stderr like Sequelize v6, followed by the bound values as JSON.
 * @param event  borrowed for the call.
 * @param user_data  passed to `fn` untouched; never freed.
 */
CQ_EXTERN void cq_log_stderr(const cq_log_event *event, void *user_data);

CQ_END_DECL

#endif
