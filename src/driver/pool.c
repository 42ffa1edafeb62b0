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
 * reconnection failed goes back empty, and the next call that takes it reconnects.
 *
 * The common case takes no lock at all: a call that ends gives its connection back by parking
 * it (it stays on the busy list, marked free), and the same thread's next call takes it back
 * with one compare-and-swap. Any other thread may take a parked connection too (under the
 * lock), so parking keeps nothing from the rest of the pool. Without this, every call took the
 * lock twice; with threads on few cores a thread preempted while holding it put the others to
 * sleep on it, and the kernel then woke them on other cores than the server processes they
 * talk to (bench/RESULTS.md). Slots are freed only when the pool closes, so a thread may always
 * look at the slot it parked last. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, pthread_condattr_setclock */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/error.h"
#include "core/util.h"
#include "driver/driver.h"

#define NS_PER_MS 1000000ull

/* cq__pconn.state: the holding (or last) thread above, the count of acquires below. */
#define HOLDER_BITS           24
#define HOLDERS(st)           ((uint32_t)((st) & ((1u << HOLDER_BITS) - 1u)))
#define OWNER(st)             ((st) >> HOLDER_BITS)
#define STATE(owner, holders) (((uint64_t)(owner) << HOLDER_BITS) | (uint64_t)(holders))
#define PARKED                ((1u << HOLDER_BITS) - 1u) /* free, given back by its thread without the lock */
#define SPARE                 ((1u << HOLDER_BITS) - 2u) /* a slot without a connection, on the spare list */

static atomic_uint_fast64_t next_pool_id = 1;

/* The calling thread's way back to its connection on one pool: the one it took there last.
 * A thread holds at most one connection per pool (held_by_me), and while it holds one that
 * one is `c`: so when `c` is found parked the thread holds none there, and may take it back
 * without the lock. */
static _Thread_local struct {
    uint64_t pool;
    cq__pconn *c;
} mine;

static uint64_t my_owner_id(void)
{
    return cq__thread_id() & ((UINT64_C(1) << (64 - HOLDER_BITS)) - 1u);
}

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

/* Clears the transaction state a holder left on a connection it gives back (or a reused slot
 * had); `pinned`, which other threads read under the lock, is the caller's to clear. */
static void forget_txn(cq__pconn *c)
{
    c->in_txn = c->txn_lost = false;
    c->txn_id = 0;
}

/* Under the lock: whether the idle connections are due for a look (at most every evict ms). */
static bool evict_due(cq__session *s, uint64_t now)
{
    return now - atomic_load_explicit(&s->last_evict, memory_order_relaxed) >=
           s->cfg.evict_ms * NS_PER_MS;
}

/* Under the lock: takes idle and parked connections past their idle time (while more than min
 * stay open) out of use, returning them for closing after the lock is released (retire). */
static cq__pconn *take_expired(cq__session *s, uint64_t now)
{
    if (!evict_due(s, now))
        return NULL;
    atomic_store_explicit(&s->last_evict, now, memory_order_relaxed);
    uint64_t limit = s->cfg.idle_ms * NS_PER_MS;
    cq__pconn *out = NULL;
    for (int list = 0; list < 2; list++)
        for (cq__pconn **p = list ? &s->busy : &s->idle; *p;) {
            cq__pconn *c = *p;
            uint64_t st = atomic_load(&c->state);
            bool expired =
                s->size > s->cfg.min && (list == 0 || HOLDERS(st) == PARKED) &&
                now - atomic_load_explicit(&c->idle_since, memory_order_relaxed) >= limit &&
                (list == 0 || atomic_compare_exchange_strong(&c->state, &st, STATE(0, SPARE)));
            if (!expired) {
                p = &c->next;
                continue;
            }
            atomic_store(&c->state, STATE(0, SPARE));
            *p = c->next;
            c->next = out;
            out = c;
            s->size--;
            if (c->conn) /* an empty slot was counted when its connection was dropped */
                s->destroyed++;
        }
    return out;
}

/* Closes the connections of slots taken out of use (no lock held), then keeps the slots. */
static void retire(cq__session *s, cq__pconn *list)
{
    if (!list)
        return;
    cq__pconn *last = list;
    for (cq__pconn *c = list; c; c = c->next) {
        if (c->conn)
            s->driver->close(c->conn);
        c->conn = NULL;
        last = c;
    }
    pthread_mutex_lock(&s->mu);
    last->next = s->spare;
    s->spare = list;
    pthread_mutex_unlock(&s->mu);
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

/* Opens one connection (no lock held) in `slot` (a spare one) or a new slot. A spare slot
 * goes back to the spare list when connecting fails. */
static int open_conn(cq__session *s, cq__pconn *slot, cq__pconn **out)
{
    *out = NULL;
    cq__pconn *c = slot ? slot : cq__calloc(1, sizeof *c);
    if (!c)
        return cq__err_oom(cq__last_error());
    c->next = NULL;
    c->pinned = false;
    forget_txn(c);
    int rc = connect_tuned(s, &c->conn, cq__last_error());
    if (rc != CQ_OK) {
        if (slot) {
            retire(s, c);
        } else {
            cq__free(c);
        }
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
    atomic_init(&s->closing, false);
    atomic_init(&s->waiting, 0);
    s->id = atomic_fetch_add(&next_pool_id, 1);
    if (lazy) {
        atomic_init(&s->last_evict, cq__monotonic_ns());
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
    atomic_init(&c->idle_since, cq__monotonic_ns());
    s->idle = c;
    s->size = 1;
    s->created = 1;
    atomic_init(&s->last_evict, atomic_load(&c->idle_since));
    /* the rest of `min` open now too (generic-pool, under Sequelize, creates its min at start),
     * so a program's first concurrent calls do not pay for connecting */
    while (s->size < s->cfg.min) {
        cq__pconn *more = NULL;
        rc = open_conn(s, NULL, &more);
        if (rc != CQ_OK) {
            if (err)
                *err = *cq__last_error();
            close_list(s, s->idle);
            s->idle = NULL;
            pthread_cond_destroy(&s->cv);
            pthread_mutex_destroy(&s->mu);
            return rc;
        }
        atomic_init(&more->idle_since, cq__monotonic_ns());
        more->next = s->idle;
        s->idle = more;
        s->size++;
        s->created++;
    }
    return CQ_OK;
}

/* Whether `st` is held by a call (not idle, parked or spare). */
static bool held(uint64_t st)
{
    uint32_t h = HOLDERS(st);
    return h > 0 && h != PARKED && h != SPARE;
}

/* The calling thread's busy connection on `s`, or NULL. Under the lock. */
static cq__pconn *held_by_me(cq__session *s, uint64_t me)
{
    for (cq__pconn *c = s->busy; c; c = c->next) {
        uint64_t st = atomic_load(&c->state);
        if (held(st) && OWNER(st) == me)
            return c;
    }
    return NULL;
}

/* An idle connection for thread `me` (s->idle not empty): the one it used last when it is
 * idle, so that a thread keeps working on the same connection (its statements prepared, its
 * memory in the same core's cache) instead of threads trading connections on every call. */
static cq__pconn *take_idle(cq__session *s, uint64_t me)
{
    cq__pconn **p = &s->idle;
    while (*p && OWNER(atomic_load(&(*p)->state)) != me)
        p = &(*p)->next;
    if (!*p)
        p = &s->idle;
    cq__pconn *c = *p;
    *p = c->next;
    return c;
}

/* Under the lock: a connection parked on the busy list, taken for `me` (its own first), or
 * NULL. It stays on the busy list. */
static cq__pconn *take_parked(cq__session *s, uint64_t me)
{
    for (int pass = 0; pass < 2; pass++)
        for (cq__pconn *c = s->busy; c; c = c->next) {
            uint64_t st = atomic_load(&c->state);
            if (HOLDERS(st) == PARKED && (pass == 1 || OWNER(st) == me) &&
                atomic_compare_exchange_strong(&c->state, &st, STATE(me, 1)))
                return c;
        }
    return NULL;
}

/* The connection this thread took last on `s`, taken back without the lock when it is parked
 * (then the thread holds none there); NULL otherwise, or when cq_db_close has begun. */
static cq__pconn *take_mine_back(cq__session *s, uint64_t me)
{
    if (mine.pool != s->id || !mine.c)
        return NULL;
    cq__pconn *c = mine.c;
    uint64_t st = atomic_load(&c->state);
    if (HOLDERS(st) != PARKED || !atomic_compare_exchange_strong(&c->state, &st, STATE(me, 1)))
        return NULL;
    if (atomic_load(&s->closing)) { /* it goes back, and the call takes the lock's way */
        atomic_store(&c->state, STATE(me, PARKED));
        pthread_mutex_lock(&s->mu);
        pthread_cond_broadcast(&s->cv);
        pthread_mutex_unlock(&s->mu);
        return NULL;
    }
    return c;
}

int cq__pool_acquire(cq__session *s, cq__pconn **out)
{
    *out = NULL;
    /* read first: a store on every statement would bounce the line between threads */
    if (!atomic_load_explicit(&s->frozen, memory_order_relaxed))
        atomic_store(&s->frozen, true);
    uint64_t me = my_owner_id();
    cq__pconn *c = take_mine_back(s, me);
    if (c) {
        *out = c;
        return CQ_OK;
    }
    uint64_t now = cq__monotonic_ns();
    struct timespec deadline = { 0 };
    pthread_mutex_lock(&s->mu);
    c = held_by_me(s, me);
    if (c) {
        atomic_fetch_add(&c->state, 1); /* only its holder changes a held connection's state */
        pthread_mutex_unlock(&s->mu);
        mine.pool = s->id;
        mine.c = c;
        *out = c;
        return CQ_OK;
    }
    cq__pconn *expired = take_expired(s, now);
    int rc = CQ_OK;
    bool listed = false;    /* already on the busy list (a parked one) */
    bool timed_out = false; /* the last wait ended at the deadline */
    for (;;) {
        if (atomic_load(&s->closing)) { /* a call that was waiting when cq_db_close began */
            rc = cq__err_set(cq__last_error(), CQ_EINVALID, "the db is being closed");
            break;
        }
        if (s->idle) {
            c = take_idle(s, me);
            break;
        }
        if ((c = take_parked(s, me)) != NULL) {
            listed = true;
            break;
        }
        if (s->size + s->connecting < s->cfg.max) {
            s->connecting++;
            cq__pconn *slot = s->spare;
            if (slot)
                s->spare = slot->next;
            pthread_mutex_unlock(&s->mu);
            retire(s, expired);
            expired = NULL;
            rc = open_conn(s, slot, &c);
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
        if (timed_out) {
            rc = cq__err_set(cq__last_error(), CQ_ETIMEOUT,
                             "no database connection came free within %u ms (pool max %u, all "
                             "in use)",
                             s->cfg.acquire_ms, s->cfg.max);
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
        /* counted before the last look: a thread parking a connection from now on sees the
         * count and wakes this one (cq__pool_release) */
        atomic_fetch_add(&s->waiting, 1);
        if ((c = take_parked(s, me)) != NULL) {
            atomic_fetch_sub(&s->waiting, 1);
            listed = true;
            break;
        }
        int w = pthread_cond_timedwait(&s->cv, &s->mu, &deadline);
        atomic_fetch_sub(&s->waiting, 1);
        if (atomic_load(&s->closing))
            pthread_cond_broadcast(&s->cv); /* cq_db_close counts the waiters out */
        timed_out = w == ETIMEDOUT;         /* fails unless the next look finds a connection */
    }
    if (rc == CQ_OK && !listed) {
        atomic_store(&c->state, STATE(me, 1));
        c->next = s->busy;
        s->busy = c;
    }
    pthread_mutex_unlock(&s->mu);
    retire(s, expired);
    if (rc == CQ_OK) {
        mine.pool = s->id;
        mine.c = c;
        *out = c;
    }
    return rc;
}

void cq__pool_release(cq__session *s, cq__pconn *c)
{
    if (!c)
        return;
    uint64_t st = atomic_load(&c->state);
    if (HOLDERS(st) > 1) { /* a nested call's: only its holder changes it */
        atomic_fetch_sub(&c->state, 1);
        return;
    }
    uint64_t now = cq__monotonic_ns();
    if (!c->pinned && !atomic_load(&s->closing) && atomic_load(&s->waiting) == 0 &&
        !evict_due(s, now)) {
        /* parked: the thread's next call takes it back without the lock */
        forget_txn(c);
        atomic_store_explicit(&c->idle_since, now, memory_order_relaxed);
        if (OWNER(st) == my_owner_id()) { /* not a transaction ended from another thread */
            mine.pool = s->id;
            mine.c = c;
        }
        atomic_store(&c->state, STATE(OWNER(st), PARKED));
        /* a thread that began waiting, or cq_db_close, meanwhile: it looks again */
        if (atomic_load(&s->waiting) || atomic_load(&s->closing)) {
            pthread_mutex_lock(&s->mu);
            pthread_cond_broadcast(&s->cv);
            pthread_mutex_unlock(&s->mu);
        }
        return;
    }
    cq__pconn *drop = NULL;
    pthread_mutex_lock(&s->mu);
    unlink_conn(&s->busy, c);
    c->pinned = false;
    forget_txn(c);
    atomic_store(&c->state, STATE(OWNER(st), 0));
    /* a connection lost and not reconnected comes back as an empty slot: the next call
     * that takes it reconnects (and says so in the log) */
    atomic_store_explicit(&c->idle_since, now, memory_order_relaxed);
    c->next = s->idle;
    s->idle = c;
    drop = take_expired(s, now);
    if (atomic_load(&s->waiting) || atomic_load(&s->closing)) /* a waiting call, or close */
        pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    retire(s, drop);
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
    for (cq__pconn *c = s->busy; c; c = c->next)
        idle += HOLDERS(atomic_load(&c->state)) == PARKED;
    *out = (cq_pool_stats){ .size = s->size,
                            .idle = idle,
                            .waiting = atomic_load(&s->waiting),
                            .created = s->created,
                            .destroyed = s->destroyed };
    pthread_mutex_unlock(&s->mu);
}

/* A connection is in use by a call when it has more holders than its transaction pin. */
static bool calls_running(const cq__session *s)
{
    if (s->connecting)
        return true;
    for (const cq__pconn *c = s->busy; c; c = c->next) {
        uint64_t st = atomic_load(&c->state);
        if (held(st) && HOLDERS(st) > (c->pinned ? 1u : 0u))
            return true;
    }
    return false;
}

void cq__session_quiesce(cq__session *s)
{
    if (!s->driver)
        return;
    pthread_mutex_lock(&s->mu);
    atomic_store(&s->closing, true);
    pthread_cond_broadcast(&s->cv); /* waiters give up */
    while (calls_running(s) || atomic_load(&s->waiting))
        pthread_cond_wait(&s->cv, &s->mu);
    pthread_mutex_unlock(&s->mu);
}

void cq__session_close(cq__session *s)
{
    if (!s->driver)
        return;
    close_list(s, s->idle);
    close_list(s, s->busy); /* parked ones; none in use: the db released its transactions' */
    close_list(s, s->spare);
    s->idle = s->busy = s->spare = NULL;
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    cq__free(s->target);
    s->target = NULL;
    s->driver = NULL;
}
