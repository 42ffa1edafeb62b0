/* The db's schema side: the per-thread error record, the dialect, the schema freeze and the
 * registry of models. The handle's run-time side (pool, transactions, statements) is
 * src/db/db.c. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "model/model.h"
#include "model/validate.h"

int cq__db_fail(cq_db *db, int code, const char *fmt, ...)
{
    (void)db; /* the record is the calling thread's */
    va_list ap;
    va_start(ap, fmt);
    cq__err_vset(cq__last_error(), code, fmt, ap);
    va_end(ap);
    return code;
}

int cq__db_oom(cq_db *db)
{
    (void)db;
    return cq__err_oom(cq__last_error());
}

void cq__db_clear(cq_db *db)
{
    /* every call begins here, and most follow one that succeeded: a record already clear
     * (no code, no text, no driver detail) is not written again */
    cq_error *e = cq__last_error();
    if (e->code != CQ_OK || e->message[0] || e->sqlstate[0] || e->driver_code)
        memset(e, 0, sizeof *e);
    cq__validation_clear(db);
}

const cq_error *cq_db_error(const cq_db *db)
{
    /* never NULL: a NULL db has a constant record of its own */
    static const cq_error no_db = { .code = CQ_EINVALID, .message = "no database handle (NULL)" };
    return db ? cq__last_error() : &no_db;
}

cq_dialect cq_db_dialect(const cq_db *db)
{
    if (!db)
        return (cq_dialect)0;
    return db->s.driver->dialect;
}

int cq_db_freeze(cq_db *db)
{
    if (!db)
        return CQ_EINVALID;
    atomic_store(&db->s.frozen, true);
    return CQ_OK;
}

bool cq_db_is_frozen(const cq_db *db)
{
    return db && atomic_load(&((cq_db *)db)->s.frozen);
}

int cq__db_check_unfrozen(cq_db *db, const char *what)
{
    if (!atomic_load(&db->s.frozen))
        return CQ_OK;
    return cq__db_fail(db, CQ_EINVALID,
                       "%s: defined too late; the models and associations of this db are frozen "
                       "(the first statement, the first instance or cq_db_freeze() froze them): "
                       "define every model and association before using the db",
                       what);
}

cq_model *cq_db_model(const cq_db *db, const char *name)
{
    if (!db)
        return NULL;
    for (size_t i = 0; name && i < db->nmodels; i++)
        if (strcmp(db->models[i]->name, name) == 0)
            return db->models[i];
    return NULL;
}

size_t cq_db_model_count(const cq_db *db)
{
    if (!db)
        return 0;
    return db->nmodels;
}

cq_model *cq_db_model_at(const cq_db *db, size_t i)
{
    if (!db)
        return NULL;
    return i < db->nmodels ? db->models[i] : NULL;
}
