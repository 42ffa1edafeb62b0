/* Catalogue and control statements: the fixed SQL that reads a database's structure (for
 * `cequel dump`), runs transactions and savepoints, and switches foreign-key checks. Kept
 * here so that no layer outside src/sql writes SQL text. */
#include <stdio.h>
#include <string.h>

#include "sql/sql.h"

/* The relation `name` of the public schema, as an SQL expression of type regclass taking the
 * name as the statement's first parameter. */
#define PG_REL "(quote_ident('public') || '.' || quote_ident(?))::regclass"

static const char *const pg_catalog[] = {
    [CQ__CAT_TABLES] = "SELECT table_name::text AS table_name FROM information_schema.tables "
                       "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    [CQ__CAT_COLUMNS] =
        "SELECT c.column_name::text AS column_name, c.data_type::text AS data_type, "
        "c.udt_name::text AS udt_name, c.is_nullable::text AS is_nullable, "
        "c.column_default::text AS column_default, c.is_identity::text AS is_identity, "
        "EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
        "WHERE t.typname = c.udt_name AND n.nspname = c.udt_schema AND t.typtype = 'e') "
        "AS is_enum FROM information_schema.columns c "
        "WHERE c.table_schema = 'public' AND c.table_name = ? ORDER BY c.ordinal_position",
    [CQ__CAT_PRIMARY_KEY] = "SELECT a.attname::text AS name FROM pg_constraint con "
                            "CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(num, ord) "
                            "JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num "
                            "WHERE con.conrelid = " PG_REL " AND con.contype = 'p' "
                            "ORDER BY k.ord",
    [CQ__CAT_FOREIGN_KEYS] =
        "SELECT con.confdeltype::text AS del, con.confupdtype::text AS upd, "
        "fc.relname::text AS ftable, "
        "(SELECT json_agg(a.attname::text ORDER BY k.ord) "
        "FROM unnest(con.conkey) WITH ORDINALITY AS k(num, ord) "
        "JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num)::text AS cols, "
        "(SELECT json_agg(a.attname::text ORDER BY k.ord) "
        "FROM unnest(con.confkey) WITH ORDINALITY AS k(num, ord) "
        "JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num)::text AS fcols "
        "FROM pg_constraint con JOIN pg_class fc ON fc.oid = con.confrelid "
        "WHERE con.conrelid = " PG_REL " AND con.contype = 'f' ORDER BY con.conname",
    [CQ__CAT_INDEXES] = "SELECT i.indisunique AS uniq, "
                        "(SELECT json_agg(a.attname::text ORDER BY k.ord) "
                        "FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(num, ord) "
                        "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num "
                        "WHERE k.num > 0)::text AS cols "
                        "FROM pg_index i WHERE i.indrelid = " PG_REL " AND NOT i.indisprimary",
};

/* MySQL/MariaDB: information_schema of the connection's database (DATABASE()). A JSON column
 * is MariaDB's LONGTEXT with a json_valid() check (MySQL's DATA_TYPE says json). Foreign keys
 * and indexes come one row per column, grouped by the dump. */
static const char *const mysql_catalog[] = {
    [CQ__CAT_TABLES] = "SELECT TABLE_NAME AS table_name FROM information_schema.TABLES "
                       "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'",
    [CQ__CAT_COLUMNS] =
        "SELECT c.COLUMN_NAME AS column_name, c.DATA_TYPE AS data_type, "
        "c.COLUMN_TYPE AS column_type, c.COLLATION_NAME AS collation_name, "
        "c.IS_NULLABLE AS is_nullable, c.COLUMN_DEFAULT AS column_default, c.EXTRA AS extra, "
        "EXISTS (SELECT 1 FROM information_schema.TABLE_CONSTRAINTS tc "
        "JOIN information_schema.CHECK_CONSTRAINTS cc ON cc.CONSTRAINT_SCHEMA = "
        "tc.CONSTRAINT_SCHEMA AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME "
        "WHERE tc.TABLE_SCHEMA = c.TABLE_SCHEMA AND tc.TABLE_NAME = c.TABLE_NAME "
        "AND tc.CONSTRAINT_TYPE = 'CHECK' "
        "AND cc.CHECK_CLAUSE = CONCAT('json_valid(`', c.COLUMN_NAME, '`)')) AS is_json "
        "FROM information_schema.COLUMNS c "
        "WHERE c.TABLE_SCHEMA = DATABASE() AND c.TABLE_NAME = ? ORDER BY c.ORDINAL_POSITION",
    [CQ__CAT_PRIMARY_KEY] = "SELECT COLUMN_NAME AS name FROM information_schema.KEY_COLUMN_USAGE "
                            "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? "
                            "AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION",
    [CQ__CAT_FOREIGN_KEYS] =
        "SELECT k.CONSTRAINT_NAME AS name, k.COLUMN_NAME AS col, "
        "k.REFERENCED_TABLE_NAME AS ftable, k.REFERENCED_COLUMN_NAME AS fcol, "
        "r.DELETE_RULE AS del, r.UPDATE_RULE AS upd "
        "FROM information_schema.KEY_COLUMN_USAGE k "
        "JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = "
        "k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME AND r.CONSTRAINT_NAME = "
        "k.CONSTRAINT_NAME "
        "WHERE k.TABLE_SCHEMA = DATABASE() AND k.TABLE_NAME = ? "
        "AND k.REFERENCED_TABLE_NAME IS NOT NULL ORDER BY k.CONSTRAINT_NAME, k.ORDINAL_POSITION",
    [CQ__CAT_INDEXES] = "SELECT INDEX_NAME AS name, NON_UNIQUE AS non_unique, COLUMN_NAME AS col "
                        "FROM information_schema.STATISTICS "
                        "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? "
                        "AND INDEX_NAME <> 'PRIMARY' ORDER BY INDEX_NAME, SEQ_IN_INDEX",
};

static const char *const sqlite_catalog[] = {
    [CQ__CAT_TABLES] = "SELECT name, sql FROM sqlite_master WHERE type='table' AND name NOT "
                       "LIKE 'sqlite_%'",
};

const char *cq__sql_catalog(cq__catalog_query q, cq_dialect dialect)
{
    if ((unsigned)q >= CQ__CAT_COUNT)
        return NULL;
    switch (dialect) {
    case CQ_DIALECT_POSTGRES:
        return pg_catalog[q];
    case CQ_DIALECT_SQLITE:
        return q < sizeof sqlite_catalog / sizeof *sqlite_catalog ? sqlite_catalog[q] : NULL;
    case CQ_DIALECT_MYSQL:
        return mysql_catalog[q];
    }
    return NULL;
}

/* `name` as a double-quoted identifier (SQLite's PRAGMA argument, PostgreSQL's relation). */
static void put_dq(cq__buf *b, const char *name)
{
    cq__buf_putc(b, '"');
    for (const char *p = name; *p; p++) {
        if (*p == '"')
            cq__buf_putc(b, '"');
        cq__buf_putc(b, *p);
    }
    cq__buf_putc(b, '"');
}

char *cq__sql_pragma(const char *pragma, const char *table)
{
    cq__buf b = { 0 };
    cq__buf_printf(&b, "PRAGMA %s(", pragma);
    put_dq(&b, table);
    cq__buf_putc(&b, ')');
    return cq__buf_take(&b);
}

char *cq__sql_select_all(const char *table, cq_dialect dialect)
{
    cq__buf b = { 0 };
    cq__buf_put(&b, "SELECT * FROM ");
    if (dialect == CQ_DIALECT_POSTGRES) {
        cq__buf_put(&b, "public.");
        put_dq(&b, table);
    } else if (dialect == CQ_DIALECT_SQLITE) {
        put_dq(&b, table);
    } else {
        cq__sql_quote(&b, dialect, table);
    }
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
    if ((unsigned)verb > CQ__TXN_BEGIN_IMMEDIATE || size == 0)
        return CQ_EINVALID;
    int n;
    if (verb == CQ__TXN_BEGIN_IMMEDIATE) {
        /* Sequelize's IMMEDIATE transaction type; SQLite only */
        n = snprintf(out, size, "%s",
                     dialect == CQ_DIALECT_SQLITE && savepoint == 0 ? "BEGIN IMMEDIATE;"
                                                                    : "BEGIN;");
        return n > 0 && (size_t)n < size ? CQ_OK : CQ_EINVALID;
    }
    if (savepoint == 0) {
        /* MySQL: Sequelize's START TRANSACTION (BEGIN also opens a compound statement there) */
        n = snprintf(out, size, "%s",
                     dialect == CQ_DIALECT_MYSQL && verb == CQ__TXN_BEGIN ? "START TRANSACTION;"
                                                                          : top[verb]);
    } else {
        /* the name is ours (letters, digits, underscore): quoting needs no escaping */
        char q = dialect == CQ_DIALECT_MYSQL ? '`' : '"';
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
    /* MySQL sets the level of the next transaction (Sequelize's mysql dialect does not support
     * setting it inside one); PostgreSQL only inside one */
    *before = dialect == CQ_DIALECT_MYSQL;
    if (level <= CQ_ISOLATION_DEFAULT || level > CQ_ISOLATION_SERIALIZABLE)
        return NULL;
    if (dialect == CQ_DIALECT_SQLITE) {
        /* Sequelize's sqlite mapping: only the dirty-read switch exists; the rest is what
         * SQLite always gives */
        if (level == CQ_ISOLATION_READ_UNCOMMITTED)
            return "PRAGMA read_uncommitted = ON;";
        if (level == CQ_ISOLATION_READ_COMMITTED)
            return "PRAGMA read_uncommitted = OFF;";
        return NULL;
    }
    return set[level];
}

char *cq__sql_fk_checks(cq_dialect dialect, int on)
{
    cq__buf b = { 0 };
    switch (dialect) {
    case CQ_DIALECT_SQLITE:
        cq__buf_put(&b, on < 0 ? "PRAGMA foreign_keys;"
                        : on   ? "PRAGMA foreign_keys = ON;"
                               : "PRAGMA foreign_keys = OFF;");
        break;
    case CQ_DIALECT_MYSQL:
        cq__buf_put(&b, on < 0 ? "SELECT @@FOREIGN_KEY_CHECKS;"
                        : on   ? "SET FOREIGN_KEY_CHECKS = 1;"
                               : "SET FOREIGN_KEY_CHECKS = 0;");
        break;
    default:
        return NULL;
    }
    return cq__buf_take(&b);
}

char *cq__sql_advance_sequence(const char *table, const char *column)
{
    cq__buf qtable = { 0 }, qcol = { 0 }, b = { 0 };
    cq__sql_quote(&qtable, CQ_DIALECT_POSTGRES, table);
    cq__sql_quote(&qcol, CQ_DIALECT_POSTGRES, column);
    /* $1: the table as a quoted identifier (cq__sql_quoted), $2: the column as plain text */
    cq__buf_printf(&b,
                   "SELECT setval(pg_get_serial_sequence($1, $2), GREATEST(max(%s), 1)) FROM %s;",
                   qcol.data ? qcol.data : "", qtable.data ? qtable.data : "");
    bool failed = qtable.oom || qcol.oom || b.oom;
    cq__buf_free(&qtable);
    cq__buf_free(&qcol);
    char *sql = failed ? NULL : cq__buf_take(&b);
    cq__buf_free(&b);
    return sql;
}

char *cq__sql_quoted(const char *name, cq_dialect d)
{
    cq__buf b = { 0 };
    cq__sql_quote(&b, d, name);
    return cq__buf_take(&b);
}
