/* Sync plan internals shared with tests: a plan for any dialect (cq_db_sync_plan uses the
 * db's own). */
#ifndef CQ_SYNC_PLAN_H
#define CQ_SYNC_PLAN_H

#include "cequel/sync.h"

/* Same as cq_db_sync_plan() without strict mode, for `dialect`. */
int cq__sync_plan_build(cq_sync_plan **out, cq_db *db, cq_dialect dialect);

#endif
