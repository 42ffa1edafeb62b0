/* The pool on a postgres server (scripts/test-servers; skipped without one). */
#define POOL_SERVER
#include "pool_cases.h"

int main(void)
{
    return pool_server_main(CQ_DIALECT_POSTGRES, "test_pool_postgres", "pool_pg");
}
