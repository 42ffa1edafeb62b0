/* SQLite: everything cequel knows of its SQL, as the dialect table of sql/dialect.h. */
#include <string.h>

#include "core/js.h"
#include "sql/dialect.h"
#include "sql/sql.h"

static const cq__sql_op ops[] = {
    { "REGEXP", NULL }, { "NOT REGEXP", NULL }, { "IREGEXP", NULL }, { "NOT IREGEXP", NULL },
    { "@>", NULL },     { "<@", NULL },         { "&&", NULL },      { NULL, NULL },
};

/* ---- read-back families ---------------------------------------------------------------- */

static bool is_word_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

static void ascii_upper(char *s)
{
    for (char *p = s; p && *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
}

/* TINYINT ( 1 ), spaces allowed, at `p` (upper case). */
static bool is_tinyint1(const char *p)
{
    if (strncmp(p, "TINYINT", 7) != 0)
        return false;
    p += 7;
    while (cq__js_is_space(*p))
        p++;
    if (*p++ != '(')
        return false;
    while (cq__js_is_space(*p))
        p++;
    if (*p++ != '1')
        return false;
    while (cq__js_is_space(*p))
        p++;
    return p[0] == ')' && p[1] == '\0';
}

/* DATETIME, DATE, TIMESTAMP or TIME as the first word of `t` (upper case). */
static bool is_datetime(const char *t)
{
    static const char *const dt[] = { "DATETIME", "DATE", "TIMESTAMP", "TIME" };
    for (size_t i = 0; i < sizeof dt / sizeof *dt; i++) {
        size_t n = strlen(dt[i]);
        if (strncmp(t, dt[i], n) == 0 && !is_word_char(t[n]))
            return true;
    }
    return false;
}

/* The family of a trimmed, upper-case declared type. */
static cq__family family_of_upper(const char *t)
{
    if (*t == '\0')
        return CQ__FAM_OTHER;
    if (is_tinyint1(t) || strcmp(t, "BOOL") == 0 || strcmp(t, "BOOLEAN") == 0)
        return CQ__FAM_BOOLEAN;
    if (strncmp(t, "UUID", 4) == 0)
        return CQ__FAM_UUID;
    if (strcmp(t, "JSON") == 0 || strcmp(t, "JSONB") == 0)
        return CQ__FAM_JSON;
    if (is_datetime(t))
        return CQ__FAM_DATETIME;
    if (strstr(t, "INT"))
        return CQ__FAM_INTEGER;
    if (strstr(t, "CHAR") || strstr(t, "CLOB") || strstr(t, "TEXT") || strstr(t, "ENUM"))
        return CQ__FAM_TEXT; /* CITEXT contains TEXT */
    if (strstr(t, "BLOB") || strstr(t, "BINARY"))
        return CQ__FAM_BLOB;
    if (strstr(t, "REAL") || strstr(t, "FLOA") || strstr(t, "DOUB") || strstr(t, "DECIMAL") ||
        strstr(t, "NUMERIC"))
        return CQ__FAM_REAL;
    return CQ__FAM_OTHER;
}

/* dump.js sqliteFamily(): the family of a declared SQLite column type (PRAGMA table_info's
 * "type"). */
static cq__family family(const cq_value *row)
{
    const char *declared = cq__sql_row_text(row, "type");
    char *t = cq__js_trim(declared ? declared : "");
    if (!t)
        return CQ__FAM_OTHER;
    ascii_upper(t);
    cq__family f = family_of_upper(t);
    cq__free(t);
    return f;
}

/* ---- DDL ------------------------------------------------------------------------------- */

/* attributesToSQL gives `<type> [NOT NULL] [DEFAULT] [UNIQUE] [PRIMARY KEY [AUTOINCREMENT]]
 * [REFERENCES ...]`; createTableQuery then rewrites a single key whose type contains INT to
 * exactly `INTEGER PRIMARY KEY [AUTOINCREMENT]` (keeping REFERENCES), and in a composite key
 * replaces `PRIMARY KEY` by `NOT NULL` (or drops it when NOT NULL is there). */
static void put_column(cq__buf *b, const cq__ddl_col *c, size_t npk)
{
    if (c->primary_key && npk == 1 && strstr(c->type_sql, "INT")) {
        cq__buf_put(b, c->auto_increment ? "INTEGER PRIMARY KEY AUTOINCREMENT"
                                         : "INTEGER PRIMARY KEY");
    } else {
        cq__buf_put(b, c->type_sql);
        cq__sql_ddl_modifiers(b, c, c->not_null, CQ_DIALECT_SQLITE);
        if (c->primary_key && npk == 1)
            cq__buf_put(b, c->auto_increment ? " PRIMARY KEY AUTOINCREMENT" : " PRIMARY KEY");
        else if (c->primary_key && !c->not_null)
            cq__buf_put(b, " NOT NULL");
        /* a composite key keeps no AUTOINCREMENT: SQLite allows it only on INTEGER PRIMARY KEY
         * (Sequelize would emit `NOT NULL AUTOINCREMENT`, which SQLite rejects) */
    }
    if (cq__sql_ddl_has_reference(c)) {
        cq__buf_putc(b, ' ');
        cq__sql_ddl_references(b, c, CQ_DIALECT_SQLITE);
    }
}

/* ---- dates ----------------------------------------------------------------------------- */

/* Sequelize's SQLite storage form of a date: "2024-05-01 10:20:30.000 +00:00", for values and
 * defaults alike. */
static bool date_text(cq__buf *b, const char *s, bool in_default)
{
    (void)in_default;
    size_t len = strlen(s), day = len < 10 ? len : 10;
    char buf[48]; /* written byte by byte: one per stored date, printf costs more */
    memcpy(buf, s, day);
    buf[day] = ' ';
    memcpy(buf + day + 1, len >= 23 ? s + 11 : "00:00:00.000", 12);
    memcpy(buf + day + 13, " +00:00", 7);
    cq__buf_putn(b, buf, day + 20);
    return true;
}

/* ---- catalogue, transactions ----------------------------------------------------------- */

static const char *const catalog[] = {
    [CQ__CAT_TABLES] = "SELECT name, sql FROM sqlite_master WHERE type='table' AND name NOT "
                       "LIKE 'sqlite_%'",
};

/* `name` as a double-quoted identifier (SQLite's PRAGMA argument). */
static void put_table_ref(cq__buf *b, const char *table)
{
    cq__sql_put_dq(b, table);
}

/* Sequelize's sqlite mapping: only the dirty-read switch exists; the rest is what SQLite
 * always gives. */
static const char *isolation(cq_isolation_level level)
{
    if (level == CQ_ISOLATION_READ_UNCOMMITTED)
        return "PRAGMA read_uncommitted = ON;";
    if (level == CQ_ISOLATION_READ_COMMITTED)
        return "PRAGMA read_uncommitted = OFF;";
    return NULL;
}

static const char fk_on[] = "PRAGMA foreign_keys = ON;";
/* Sequelize runs PRAGMA FOREIGN_KEYS=ON on every SQLite connection. Temporary storage keeps
 * SQLite's default (temp_store = DEFAULT): a large sort or the temporary table a join builds
 * spills to a file instead of growing the heap (the benchmark's eager load of 320,000 rows
 * peaks 22 MB lower). A savepoint journal over 64 KiB then goes to a temporary file too
 * (twice the pwrite calls in nested creates), which measured no slower: those writes stay in
 * the kernel's page cache. */
static const char *const session[] = { fk_on, NULL };

const cq__sql_dialect cq__sql_sqlite = {
    .id = CQ_DIALECT_SQLITE,
    .name = "SQLite",
    .key = "sqlite",
    .quote = '`',
    .max_params =
        32766, /* SQLITE_MAX_VARIABLE_NUMBER's default since 3.32 (builds may allow more) */
    .put_string = cq__sql_put_string_std,
    .ops = ops,
    .is_op = "IS",
    .is_not_op = "IS NOT",
    .limit_no_count = "10000000000000",
    .insert_ignore = "INSERT OR IGNORE INTO ",
    .empty_insert = " DEFAULT VALUES",
    .has_returning = true,
    .last_insert_id_is_key = true,
    .json_open = "json_extract(",
    .json_close = ")",
    .json_double = " AS DOUBLE PRECISION)",
    .boolean_type = "TINYINT(1)",
    .uuid_type = "UUID",
    .blob_type = "BLOB",
    .date_type = "DATETIME",
    .has_jsonb = true,
    .booleans_as_ints = true,
    .family = family,
    .typed_defaults = true,
    .lob_defaults = true,
    .true_literal = "1",
    .false_literal = "0",
    .blob_open = "X'",
    .date_text = date_text,
    .put_column = put_column,
    .inline_single_key = true,
    .pk_separator = ", ",
    .drop_suffix = ";",
    .forward_references = true,
    .catalog = catalog,
    .ncatalog = sizeof catalog / sizeof *catalog,
    .catalog_table_column = "name",
    .index_exists =
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND name = ?",
    .table_exists = "SELECT name FROM sqlite_master WHERE type='table' AND name=?;",
    /* one row per reference of the table; the referenced column is not compared */
    .foreign_key_exists = "SELECT \"from\" FROM pragma_foreign_key_list(?) WHERE \"from\" = ? AND "
                          "\"table\" = ? AND ? IS NOT NULL;",
    .put_table_ref = put_table_ref,
    .savepoint_quote = '"',
    .begin = "BEGIN;",
    .begin_immediate = "BEGIN IMMEDIATE;",
    .isolation = isolation,
    .fk_on = fk_on,
    .fk_off = "PRAGMA foreign_keys = OFF;",
    .fk_read = "PRAGMA foreign_keys;",
    .fk_read_first = true,
    .session = session,
};
