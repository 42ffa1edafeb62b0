/* Catalogue and control statements: the fixed SQL that reads a database's structure (for
 * `cequel dump`), runs transactions and savepoints, and switches foreign-key checks. Kept
 * here so that no layer outside src/sql writes SQL text. */
#include <stdio.h>
#include <string.h>

#include "sql/sql.h"

const char *cq__sql_catalog(cq__catalog_query q, cq_dialect dialect)
{
    const cq__sql_dialect *D = cq__sql_dialect_of(dialect);
    return (unsigned)q < D->ncatalog ? D->catalog[q] : NULL;
}

char *cq__sql_pragma(const char *pragma, const char *table)
{
    cq__buf b = { 0 };
    cq__buf_printf(&b, "PRAGMA %s(", pragma);
    cq__sql_put_dq(&b, table);
    cq__buf_putc(&b, ')');
    return cq__buf_take(&b);
}

char *cq__sql_select_all(const char *table, cq_dialect dialect)
{
    cq__buf b = { 0 };
    cq__buf_put(&b, "SELECT * FROM ");
    cq__sql_dialect_of(dialect)->put_table_ref(&b, table);
    return cq__buf_take(&b);
}

int cq__sql_txn_into(char *out, size_t size, cq__txn_verb verb, uint64_t savepoint,
                     cq_dialect dialect)
{
    static const char *const top[] = {
        [CQ__TXN_BEGIN] = "BEGIN;", [CQ__TXN_COMMIT] = "COMMIT;", [CQ__TXN_ROLLBACK] = "ROLLBACK;"
    };
    static const char *const nested[] = { [CQ__TXN_BEGIN] = "SAVEPOINT ",
                                          [CQ__TXN_COMMIT] = "RELEASE SAVEPOINT ",
                                          [CQ__TXN_ROLLBACK] = "ROLLBACK TO SAVEPOINT " };
    const cq__sql_dialect *D = cq__sql_dialect_of(dialect);
    if ((unsigned)verb > CQ__TXN_BEGIN_IMMEDIATE || size == 0)
        return CQ_EINVALID;
    int n;
    if (verb == CQ__TXN_BEGIN_IMMEDIATE) {
        /* Sequelize's IMMEDIATE transaction type, where the dialect has it */
        n = snprintf(out, size, "%s",
                     D->begin_immediate && savepoint == 0 ? D->begin_immediate : "BEGIN;");
        return n > 0 && (size_t)n < size ? CQ_OK : CQ_EINVALID;
    }
    if (savepoint == 0) {
        n = snprintf(out, size, "%s", verb == CQ__TXN_BEGIN ? D->begin : top[verb]);
    } else {
        /* the name is ours (letters, digits, underscore): quoting needs no escaping */
        char q = D->savepoint_quote;
        n = snprintf(out, size, "%s%ccq_sp_%llu%c;", nested[verb], q, (unsigned long long)savepoint,
                     q);
    }
    return n > 0 && (size_t)n < size ? CQ_OK : CQ_EINVALID;
}

const char *cq__sql_isolation(cq_isolation_level level, cq_dialect dialect, bool *before)
{
    static const char *const set[] = {
        [CQ_ISOLATION_READ_UNCOMMITTED] = "SET TRANSACTION ISOLATION LEVEL READ UNCOMMITTED;",
        [CQ_ISOLATION_READ_COMMITTED] = "SET TRANSACTION ISOLATION LEVEL READ COMMITTED;",
        [CQ_ISOLATION_REPEATABLE_READ] = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ;",
        [CQ_ISOLATION_SERIALIZABLE] = "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE;",
    };
    const cq__sql_dialect *D = cq__sql_dialect_of(dialect);
    /* MySQL sets the level of the next transaction; PostgreSQL only inside one */
    *before = D->isolation_before;
    if (level <= CQ_ISOLATION_DEFAULT || level > CQ_ISOLATION_SERIALIZABLE)
        return NULL;
    return D->isolation ? D->isolation(level) : set[level];
}

char *cq__sql_fk_checks(cq_dialect dialect, int on)
{
    const cq__sql_dialect *D = cq__sql_dialect_of(dialect);
    const char *sql = on < 0 ? D->fk_read : on ? D->fk_on : D->fk_off;
    return sql ? cq__strdup(sql) : NULL;
}

char *cq__sql_quoted(const char *name, cq_dialect d)
{
    cq__buf b = { 0 };
    cq__sql_quote(&b, d, name);
    return cq__buf_take(&b);
}
