/* Allocation failure on a server (mysql): the representative program of alloc_failure.inc
 * with the Nth allocation failing, for a sample of N spread over the whole program (every
 * N on SQLite is test_alloc_failure.c; a server run costs a round of DDL each). The same
 * promises: CQ_ENOMEM or success, nothing leaked, the database as it was. */
#define _POSIX_C_SOURCE 200809L
#include "cq_test.h"
#include "cq_server.h"

#include <stdbool.h>
#include <stdio.h>

#define ALLOC_FAILURE_SERVER
#include "alloc_failure.inc"

int main(void)
{
    return alloc_failure_server_main(CQ_DIALECT_MYSQL, "mysql");
}
