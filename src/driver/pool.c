/* The connection pool of a session: connections open on demand up to `max`, idle ones come
 * back for reuse (most recent first, so prepared-statement caches stay warm), idle ones above
 * `min` close after `idle` ms (checked when the pool is used, at most every `evict` ms; no
 * reaper thread). A busy connection belongs to one thread: every statement that thread runs
 * on the session goes to it, which is how one call, or one transaction, stays on one
 * connection without passing it down every internal function.
 *
 * The mutex guards the lists and counters only: connecting, closing and every statement run
 * with it released, so no lock is held across a round trip to the server. A pooled connection
 * found dead is replaced in its slot by the statement that finds it (session.c); a slot whose
 * reconnection failed goes back empty, and the next call that takes it reconnects. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, pthread_condattr_setclock */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/error.h"
#include "core/util.h"
#include "driver/driver.h"

#define NS_PER_MS 1000000ull

static void close_list(cq__session *s, cq__pconn *list)
{
    while (list) {
        cq__pconn *next = list->next;
        if (list->conn)
            s->driver->close(list->conn);
        cq__free(list);
        list = next;
    }
}

static void unlink_conn(cq__pconn **head, cq__pconn *c)
{
    for (cq__pconn **p = head; *p; p = &(*p)->next)
        if (*p == c) {
            *p = c->next;
            c->next = NULL;
            return;
        }
}

/* Under the lock: takes idle connections past their idle time (while more than min stay
 * open) off the list, returning them for closing after the lock is released. */
static cq__pconn *take_expired(cq__session *s, uint64_t now)
{
    if (now - s->last_evict < s->cfg.evict_ms * NS_PER_MS)
        return NULL;
    s->last_evict = now;
    cq__pconn *out = NULL;
    for (cq__pconn **p = &s->idle; *p;) {
        cq__pconn *c = *p;
        if (s->size > s->cfg.min && now - c->idle_since >= s->cfg.idle_ms * NS_PER_MS) {
            *p = c->next;
            c->next = out;
            out = c;
            s->size--;
            if (c->conn) /* an empty slot was counted when its connection was dropped */
                s->destroyed++;
        } else {
            p = &c->next;
        }
    }
    return out;
}

/* Connects with the session's target and timeouts and sets the connection up for the pool
 * (no lock held). */
static int connect_tuned(cq__session *s, cq__conn **out, cq_error *err)
{
    int rc = s->driver->connect(out, s->target, &s->conn_opts, err);
    if (rc == CQ_OK && s->driver->tune) {
        rc = s->driver->tune(*out, &s->cfg, err);
        if (rc != CQ_OK) {
            s->driver->close(*out);
            *out = NULL;
        }
    }
    return rc;
}

int cq__pool_connect(cq__session *s, cq__conn **out, cq_error *err)
{
    int rc = connect_tuned(s, out, err);
    if (rc == CQ_OK) {
        pthread_mutex_lock(&s->mu);
        s->created++;
        pthread_mutex_unlock(&s->mu);
    }
    return rc;
}

/* Opens one connection (no lock held). */
static int open_conn(cq__session *s, cq__pconn **out)
{
    *out = NULL;
    cq__pconn *c = cq__calloc(1, sizeof *c);
    if (!c)
        return cq__err_oom(cq__last_error());
    int rc = connect_tuned(s, &c->conn, cq__last_error());
    if (rc != CQ_OK) {
        cq__free(c);
        return rc;
    }
    *out = c;
    return CQ_OK;
}

int cq__pool_init(cq__session *s, bool lazy, cq_error *err)
{
    pthread_condattr_t ca;
    if (pthread_mutex_init(&s->mu, NULL) != 0)
        return cq__err_set(err, CQ_ENOMEM, "cannot create the pool's mutex");
    if (pthread_condattr_init(&ca) != 0 || pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
        pthread_cond_init(&s->cv, &ca) != 0) {
        pthread_mutex_destroy(&s->mu);
        return cq__err_set(err, CQ_ENOMEM, "cannot create the pool's condition variable");
    }
    pthread_condattr_destroy(&ca);
    atomic_init(&s->frozen, false);
    if (lazy) {
        s->last_evict = cq__monotonic_ns();
        return CQ_OK;
    }
    /* the first connection opens now: a bad URL or an unreachable server fails cq_db_open */
    cq__pconn *c = cq__calloc(1, sizeof *c);
    int rc = c ? connect_tuned(s, &c->conn, err) : cq__err_oom(err);
    if (rc != CQ_OK) {
        cq__free(c);
        pthread_cond_destroy(&s->cv);
        pthread_mutex_destroy(&s->mu);
        return rc;
    }
    c->idle_since = cq__monotonic_ns();
    s->idle = c;
    s->size = 1;
    s->created = 1;
    s->last_evict = c->idle_since;
    /* the rest of `min` open now too (generic-pool, under Sequelize, creates its min at start),
     * so a program's first concurrent calls do not pay for connecting */
    while (s->size < s->cfg.min) {
        cq__pconn *more = NULL;
        rc = open_conn(s, &more);
        if (rc != CQ_OK) {
            if (err)
                *err = *cq__last_error();
            close_list(s, s->idle);
            s->idle = NULL;
            pthread_cond_destroy(&s->cv);
            pthread_mutex_destroy(&s->mu);
            return rc;
        }
        more->idle_since = cq__monotonic_ns();
        more->next = s->idle;
        s->idle = more;
        s->size++;
        s->created++;
    }
    return CQ_OK;
}

/* The calling thread's busy connection on `s`, or NULL. Under the lock. */
static cq__pconn *held_by_me(cq__session *s, uint64_t me)
{
    for (cq__pconn *c = s->busy; c; c = c->next)
        if (c->holders > 0 && c->owner == me)
            return c;
    return NULL;
}

/* An idle connection for thread `me` (s->idle not empty): the one it used last when it is
 * idle, so that a thread keeps working on the same connection (its statements prepared, its
 * memory in the same core's cache) instead of threads trading connections on every call. */
static cq__pconn *take_idle(cq__session *s, uint64_t me)
{
    cq__pconn **p = &s->idle;
    while (*p && (*p)->owner != me)
        p = &(*p)->next;
    if (!*p)
        p = &s->idle;
    cq__pconn *c = *p;
    *p = c->next;
    return c;
}

int cq__pool_acquire(cq__session *s, cq__pconn **out)
{
    *out = NULL;
    /* read first: a store on every statement would bounce the line between threads */
    if (!atomic_load_explicit(&s->frozen, memory_order_relaxed))
        atomic_store(&s->frozen, true);
    uint64_t now = cq__monotonic_ns(), me = cq__thread_id();
    struct timespec deadline = { 0 };
    pthread_mutex_lock(&s->mu);
    cq__pconn *c = held_by_me(s, me);
    if (c) {
        c->holders++;
        pthread_mutex_unlock(&s->mu);
        *out = c;
        return CQ_OK;
    }
    cq__pconn *expired = take_expired(s, now);
    int rc = CQ_OK;
    for (;;) {
        if (s->closing) { /* a call that was waiting when cq_db_close began */
            rc = cq__err_set(cq__last_error(), CQ_EINVALID, "the db is being closed");
            break;
        }
        if (s->idle) {
            c = take_idle(s, me);
            break;
        }
        if (s->size + s->connecting < s->cfg.max) {
            s->connecting++;
            pthread_mutex_unlock(&s->mu);
            close_list(s, expired);
            expired = NULL;
            rc = open_conn(s, &c);
            pthread_mutex_lock(&s->mu);
            s->connecting--;
            if (rc != CQ_OK) {
                pthread_cond_broadcast(&s->cv); /* a waiter may try in its turn */
                break;
            }
            s->size++;
            s->created++;
            break;
        }
        if (deadline.tv_sec == 0) { /* the first wait: acquire ms from now */
            clock_gettime(CLOCK_MONOTONIC, &deadline);
            deadline.tv_sec += s->cfg.acquire_ms / 1000;
            deadline.tv_nsec += (long)(s->cfg.acquire_ms % 1000) * 1000000L;
            if (deadline.tv_nsec >= 1000000000L) {
                deadline.tv_sec++;
                deadline.tv_nsec -= 1000000000L;
            }
        }
        s->waiting++;
        int w = pthread_cond_timedwait(&s->cv, &s->mu, &deadline);
        s->waiting--;
        if (s->closing)
            pthread_cond_broadcast(&s->cv); /* cq_db_close counts the waiters out */
        if (w == ETIMEDOUT && !s->idle && s->size + s->connecting >= s->cfg.max) {
            rc = cq__err_set(cq__last_error(), CQ_ETIMEOUT,
                             "no database connection came free within %u ms (pool max %u, all "
                             "in use)",
                             s->cfg.acquire_ms, s->cfg.max);
            break;
        }
    }
    if (rc == CQ_OK) {
        c->owner = me;
        c->holders = 1;
        c->next = s->busy;
        s->busy = c;
        *out = c;
    }
    pthread_mutex_unlock(&s->mu);
    close_list(s, expired);
    return rc;
}

void cq__pool_release(cq__session *s, cq__pconn *c)
{
    if (!c)
        return;
    cq__pconn *drop = NULL;
    pthread_mutex_lock(&s->mu);
    if (--c->holders == 0) {
        unlink_conn(&s->busy, c);
        c->pinned = false;
        c->txn_id = 0;
        c->in_txn = c->txn_lost = false;
        uint64_t now = cq__monotonic_ns();
        /* a connection lost and not reconnected comes back as an empty slot: the next call
         * that takes it reconnects (and says so in the log) */
        c->idle_since = now;
        c->next = s->idle;
        s->idle = c;
        drop = take_expired(s, now);
        if (s->waiting || s->closing) /* a call waiting for a connection, or cq_db_close */
            pthread_cond_broadcast(&s->cv);
    }
    pthread_mutex_unlock(&s->mu);
    close_list(s, drop);
}

void cq__pool_pin(cq__session *s, cq__pconn *c)
{
    pthread_mutex_lock(&s->mu); /* cq_db_close reads it from another thread */
    c->pinned = true;
    pthread_mutex_unlock(&s->mu);
}

void cq__pool_stats(cq__session *s, cq_pool_stats *out)
{
    pthread_mutex_lock(&s->mu);
    size_t idle = 0;
    for (cq__pconn *c = s->idle; c; c = c->next)
        idle++;
    *out = (cq_pool_stats){ .size = s->size,
                            .idle = idle,
                            .waiting = s->waiting,
                            .created = s->created,
                            .destroyed = s->destroyed };
    pthread_mutex_unlock(&s->mu);
}

/* A connection is in use by a call when it has more holders than its transaction pin. */
static bool calls_running(const cq__session *s)
{
    if (s->connecting)
        return true;
    for (const cq__pconn *c = s->busy; c; c = c->next)
        if (c->holders > (c->pinned ? 1u : 0u))
            return true;
    return false;
}

void cq__session_quiesce(cq__session *s)
{
    if (!s->driver)
        return;
    pthread_mutex_lock(&s->mu);
    s->closing = true;
    pthread_cond_broadcast(&s->cv); /* waiters give up */
    while (calls_running(s) || s->waiting)
        pthread_cond_wait(&s->cv, &s->mu);
    pthread_mutex_unlock(&s->mu);
}

void cq__session_close(cq__session *s)
{
    if (!s->driver)
        return;
    close_list(s, s->idle);
    close_list(s, s->busy); /* none normally: the db released its transactions' connections */
    s->idle = s->busy = NULL;
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    cq__free(s->target);
    s->target = NULL;
    s->driver = NULL;
}
