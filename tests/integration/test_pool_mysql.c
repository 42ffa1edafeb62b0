/* The pool on a mysql server (scripts/test-servers; skipped without one). */
#define POOL_SERVER
#include "pool_cases.h"

int main(void)
{
    return pool_server_main(CQ_DIALECT_MYSQL, "test_pool_mysql", "pool_my");
}
