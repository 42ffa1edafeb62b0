/* A dialect-neutral check of the drivers' prepared-statement reuse, run on every dialect. */
#ifndef CQ_REUSE_H
#define CQ_REUSE_H

#include "cq_test.h"

/* On an empty database: the same statement texts give right results again after a
 * constraint error, after more distinct texts than a cache holds, and after the table was
 * dropped and created again (sync force). Reads every outcome back through the ORM. */
void cq_check_statement_reuse(cq_db *db);

#endif
