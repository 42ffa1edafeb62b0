/* MySQL and MariaDB: everything cequel knows of their SQL, as the dialect table of
 * sql/dialect.h. */
#include <string.h>
#include <strings.h>

#include "core/js.h"
#include "sql/dialect.h"
#include "sql/sql.h"

static const cq__sql_op ops[] = {
    { "REGEXP", "REGEXP" }, { "NOT REGEXP", "NOT REGEXP" },
    { "IREGEXP", NULL },    { "NOT IREGEXP", NULL },
    { "@>", NULL },         { "<@", NULL },
    { "&&", NULL },         { NULL, NULL },
};

/* Sequelize's SqlString.escape for MySQL: backslash escapes for quotes and control
 * characters (the session keeps backslash escapes on). */
static void put_string(cq__buf *b, const char *s)
{
    cq__buf_putc(b, '\'');
    for (const char *p = s; *p; p++) {
        switch (*p) {
        case '\n':
            cq__buf_put(b, "\\n");
            break;
        case '\r':
            cq__buf_put(b, "\\r");
            break;
        case '\b':
            cq__buf_put(b, "\\b");
            break;
        case '\t':
            cq__buf_put(b, "\\t");
            break;
        case '\x1a':
            cq__buf_put(b, "\\Z");
            break;
        case '\\':
        case '\'':
        case '"':
            cq__buf_putc(b, '\\');
            cq__buf_putc(b, *p);
            break;
        default:
            cq__buf_putc(b, *p);
        }
    }
    cq__buf_putc(b, '\'');
}

/* ---- types ----------------------------------------------------------------------------- */

/* ENUM('a', 'b') inline. */
static void enum_type(cq__buf *b, const cq__sql_coltype *t)
{
    cq__buf_put(b, "ENUM(");
    for (size_t i = 0; t->values && t->values[i]; i++) {
        if (i)
            cq__buf_put(b, ", ");
        put_string(b, t->values[i]);
    }
    cq__buf_putc(b, ')');
}

/* `<type> [NOT NULL] [auto_increment] [DEFAULT] [UNIQUE]`; the key and every REFERENCES move
 * to table-level clauses. */
static void put_column(cq__buf *b, const cq__ddl_col *c, size_t npk)
{
    (void)npk;
    cq__buf_put(b, c->type_sql);
    cq__sql_ddl_modifiers(b, c, c->not_null, CQ_DIALECT_MYSQL);
}

static bool in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(s, list[i]))
            return true;
    return false;
}

/* Sequelize's goldens have no MySQL column; the families follow pgFamily() by analogy with the
 * types Sequelize's MySQL DDL writes (docs/dump.md, "MySQL"): TINYINT(1) is BOOLEAN, CHAR(36)
 * with a binary collation is Sequelize's UUID (`CHAR(36) BINARY`), a LONGTEXT checked by
 * json_valid() is MariaDB's JSON. */
static cq__family family(const cq_value *row)
{
    const char *data_type = cq__sql_row_text(row, "data_type");
    const char *column_type = cq__sql_row_text(row, "column_type");
    const char *collation = cq__sql_row_text(row, "collation_name");
    bool is_json = cq_value_as_int(cq_value_object_get(row, "is_json")) != 0;
    char *t = cq__strdup(data_type ? data_type : "");
    char *ct = cq__strdup(column_type ? column_type : "");
    cq__family f = CQ__FAM_OTHER;
    if (!t || !ct)
        goto done;
    cq__js_lower(t, strlen(t));
    cq__js_lower(ct, strlen(ct));
    size_t cl = collation ? strlen(collation) : 0;
    static const char *const ints[] = { "tinyint", "smallint", "mediumint", "int",
                                        "integer", "bigint",   "year" };
    static const char *const texts[] = { "char",       "varchar",  "tinytext", "text",
                                         "mediumtext", "longtext", "enum",     "set" };
    static const char *const reals[] = { "float", "double", "decimal", "numeric", "real" };
    static const char *const dates[] = { "datetime", "date", "timestamp", "time" };
    static const char *const blobs[] = { "tinyblob", "blob",   "mediumblob",
                                         "longblob", "binary", "varbinary" };
#define CQ__IN(list) in_list(t, list, sizeof list / sizeof *list)
    if (is_json || !strcmp(t, "json"))
        f = CQ__FAM_JSON;
    else if (!strncmp(ct, "tinyint(1)", 10))
        f = CQ__FAM_BOOLEAN;
    else if (CQ__IN(ints))
        f = CQ__FAM_INTEGER;
    else if (!strcmp(ct, "char(36)") && cl > 4 && !strcmp(collation + cl - 4, "_bin"))
        f = CQ__FAM_UUID;
    else if (CQ__IN(texts))
        f = CQ__FAM_TEXT;
    else if (CQ__IN(reals))
        f = CQ__FAM_REAL;
    else if (CQ__IN(dates))
        f = CQ__FAM_DATETIME;
    else if (CQ__IN(blobs))
        f = CQ__FAM_BLOB;
#undef CQ__IN
done:
    cq__free(t);
    cq__free(ct);
    return f;
}

/* ---- defaults -------------------------------------------------------------------------- */

/* MySQL's COLUMN_DEFAULT writes a string default as a literal with MySQL's escapes ('it''s a
 * \\ b'); the shared normalizeDefault() reads standard SQL literals, so the escapes are
 * undone and the quotes doubled first. Other defaults (numbers, NULL, current_timestamp())
 * pass as they are. NULL when out of memory. */
static char *default_from_catalog(const char *raw)
{
    size_t n = strlen(raw);
    if (n < 2 || raw[0] != '\'' || raw[n - 1] != '\'')
        return cq__strdup(raw);
    cq__buf b = { 0 };
    cq__buf_putc(&b, '\'');
    for (size_t i = 1; i + 1 < n; i++) {
        char c = raw[i];
        if (c == '\'' && raw[i + 1] == '\'' && i + 2 < n) {
            i++;
        } else if (c == '\\' && i + 2 < n) {
            char e = raw[++i];
            c = e == 'n'   ? '\n'
                : e == 'r' ? '\r'
                : e == 't' ? '\t'
                : e == 'b' ? '\b'
                : e == 'Z' ? '\x1a'
                : e == '0' ? '\0'
                           : e;
            if (c == '\0') {
                cq__buf_put(&b, "\\0"); /* never reached by cequel: a NUL stays escaped */
                continue;
            }
        }
        if (c == '\'')
            cq__buf_putc(&b, '\'');
        cq__buf_putc(&b, c);
    }
    cq__buf_putc(&b, '\'');
    return cq__buf_take(&b);
}

/* ---- dates ----------------------------------------------------------------------------- */

/* MySQL's DATETIME literal (the session is in UTC): "2024-05-01 10:20:30.123"; strict mode
 * refuses the ISO form's 'T' and 'Z'. A DATETIME without fractional digits drops the
 * milliseconds, as Sequelize's DATE does on MySQL; a default is written without them, as
 * Sequelize writes a Date default there. */
static bool date_text(cq__buf *b, const char *s, bool in_default)
{
    size_t len = strlen(s);
    if (len < 19 || s[10] != 'T')
        return false;
    cq__buf_printf(b, "%.10s %.*s", s, !in_default && len >= 23 ? 12 : 8, s + 11);
    return true;
}

/* ---- catalogue ------------------------------------------------------------------------- */

/* information_schema of the connection's database (DATABASE()). A JSON column is MariaDB's
 * LONGTEXT with a json_valid() check (MySQL's DATA_TYPE says json). Foreign keys and indexes
 * come one row per column, grouped by the dump. */
static const char *const catalog[] = {
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

/* The table of the connection's database. */
static void put_table_ref(cq__buf *b, const char *table)
{
    cq__sql_quote(b, CQ_DIALECT_MYSQL, table);
}

/* ---- session --------------------------------------------------------------------------- */

/* Sequelize's MySQL connection manager sets the time zone to '+00:00' and utf8mb4; cequel
 * adds strict mode on every table (a NOT NULL or type error fails as on PostgreSQL instead of
 * storing a zero value with a warning) and keeps backslash escapes (DDL literals use them). */
static const char *const session[] = {
    "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
    "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'",
    "SET time_zone = '+00:00'",
    NULL,
};

const cq__sql_dialect cq__sql_mysql = {
    .id = CQ_DIALECT_MYSQL,
    .name = "MySQL",
    .key = "mysql",
    .quote = '`',
    .max_params = 65535,  /* the prepared-statement protocol counts them in 16 bits */
    .max_identifier = 64, /* MySQL and MariaDB refuse longer names */
    .identifier_in_chars = true,
    .put_string = put_string,
    .ops = ops,
    .is_op = "<=>",
    .is_not_op = NULL,
    .limit_no_count = "10000000000000",
    .insert_ignore = "INSERT IGNORE INTO ",
    .upsert_values = true,
    .empty_insert = " () VALUES ()",
    .json_open = "json_unquote(json_extract(",
    .json_close = "))",
    .json_double = " AS DOUBLE)",
    .json_bool_case = true,
    .upsert_counts_changes = true,
    .unique_error_names_key = true,
    .boolean_type = "TINYINT(1)",
    .uuid_type = "CHAR(36) BINARY",
    .blob_type = "BLOB",
    .date_type = "DATETIME",
    .date_fsp = true, /* DATE(3): DATETIME(3), fractional seconds */
    .booleans_as_ints = true,
    .last_insert_id_first = true,
    .last_insert_id_is_key = true,
    .enum_type = enum_type,
    .family = family,
    .true_literal = "true",
    .false_literal = "false",
    .blob_open = "X'",
    .default_from_catalog = default_from_catalog,
    .date_text = date_text,
    .put_column = put_column,
    .auto_increment_word = " auto_increment",
    .table_foreign_keys = true,
    .table_options = " ENGINE=InnoDB",
    .names_uniques = true,
    .pk_separator = ", ",
    .drop_suffix = ";",
    .index_via_alter = true,
    .catalog = catalog,
    .ncatalog = sizeof catalog / sizeof *catalog,
    .catalog_table_column = "table_name",
    .index_exists = "SELECT INDEX_NAME FROM INFORMATION_SCHEMA.STATISTICS WHERE TABLE_SCHEMA = "
                    "DATABASE() AND TABLE_NAME = ? AND INDEX_NAME = ?",
    .table_exists = "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = "
                    "DATABASE() AND TABLE_NAME = ?;",
    .foreign_key_exists = "SELECT CONSTRAINT_NAME FROM INFORMATION_SCHEMA.KEY_COLUMN_USAGE WHERE "
                          "TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ? AND "
                          "REFERENCED_TABLE_NAME = ? AND REFERENCED_COLUMN_NAME = ?;",
    .put_table_ref = put_table_ref,
    .catalog_action = cq__sql_action, /* information_schema writes the names */
    /* Sequelize's START TRANSACTION (BEGIN also opens a compound statement there) */
    .savepoint_quote = '`',
    .begin = "START TRANSACTION;",
    /* the level of the next transaction (Sequelize's mysql dialect does not support setting
     * it inside one) */
    .isolation_before = true,
    .fk_on = "SET FOREIGN_KEY_CHECKS = 1;",
    .fk_off = "SET FOREIGN_KEY_CHECKS = 0;",
    .fk_read = "SELECT @@FOREIGN_KEY_CHECKS;",
    .session = session,
};
