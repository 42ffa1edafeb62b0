/* PostgreSQL: everything cequel knows of its SQL, as the dialect table of sql/dialect.h. */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "core/js.h"
#include "sql/dialect.h"
#include "sql/sql.h"

static const cq__sql_op ops[] = {
    { "REGEXP", "~" },        { "NOT REGEXP", "!~" }, { "IREGEXP", "~*" },
    { "NOT IREGEXP", "!~*" }, { "@>", "@>" }, /* array contains, contained by, overlaps */
    { "<@", "<@" },           { "&&", "&&" },         { NULL, NULL },
};

static void quote(cq__buf *b, const char *name)
{
    cq__sql_quote(b, CQ_DIALECT_POSTGRES, name);
}

/* ---- ENUM types (Sequelize's pgEnum*) and SERIAL sequences ------------------------------ */

char *cq__sql_pg_enum_name(const char *table, const char *field)
{
    return cq__asprintf("enum_%s_%s", table, field);
}

char *cq__sql_pg_create_enum(const char *table, const char *field, char *const *values)
{
    char *name = cq__sql_pg_enum_name(table, field);
    if (!name)
        return NULL;
    cq__buf b = { 0 };
    cq__buf_put(&b, "CREATE TYPE ");
    quote(&b, name);
    cq__buf_put(&b, " AS ENUM(");
    for (size_t i = 0; values && values[i]; i++) {
        if (i)
            cq__buf_put(&b, ", ");
        cq__sql_put_string_std(&b, values[i]);
    }
    cq__buf_put(&b, ");");
    cq__free(name);
    return cq__buf_take(&b);
}

char *cq__sql_pg_drop_enum(const char *table, const char *field)
{
    char *name = cq__sql_pg_enum_name(table, field);
    if (!name)
        return NULL;
    cq__buf b = { 0 };
    cq__buf_put(&b, "DROP TYPE IF EXISTS ");
    quote(&b, name);
    cq__buf_putc(&b, ';');
    cq__free(name);
    return cq__buf_take(&b);
}

char *cq__sql_pg_add_enum_value(const char *table, const char *field, const char *value,
                                const char *anchor, bool before)
{
    char *name = cq__sql_pg_enum_name(table, field);
    if (!name)
        return NULL;
    cq__buf b = { 0 };
    cq__buf_put(&b, "ALTER TYPE ");
    quote(&b, name);
    cq__buf_put(&b, " ADD VALUE IF NOT EXISTS ");
    cq__sql_put_string_std(&b, value);
    if (anchor) {
        cq__buf_put(&b, before ? " BEFORE " : " AFTER ");
        cq__sql_put_string_std(&b, anchor);
    }
    cq__free(name);
    return cq__buf_take(&b);
}

const char *cq__sql_pg_enum_labels_query(void)
{
    return "SELECT e.enumlabel::text AS label FROM pg_catalog.pg_type t "
           "JOIN pg_catalog.pg_enum e ON t.oid = e.enumtypid "
           "WHERE t.typname = $1 AND pg_catalog.pg_type_is_visible(t.oid) "
           "ORDER BY e.enumsortorder";
}

char *cq__sql_advance_sequence(const char *table, const char *column)
{
    cq__buf qtable = { 0 }, qcol = { 0 }, b = { 0 };
    quote(&qtable, table);
    quote(&qcol, column);
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

/* ---- types ----------------------------------------------------------------------------- */

/* An ENUM is the type "enum_<table>_<field>" that sync creates first. */
static void enum_type(cq__buf *b, const cq__sql_coltype *t)
{
    char *name = cq__sql_pg_enum_name(t->table, t->field);
    if (name)
        quote(b, name);
    else
        b->oom = true;
    cq__free(name);
}

/* `<type> [NOT NULL] [SERIAL] [DEFAULT] [UNIQUE] [REFERENCES ...]`; the key goes to a
 * table-level PRIMARY KEY; an auto-increment integer becomes SERIAL/BIGSERIAL/SMALLSERIAL with
 * the type word and NOT NULL removed (dataTypeMapping). */
static void put_column(cq__buf *b, const cq__ddl_col *c, size_t npk)
{
    (void)npk;
    bool serial = c->auto_increment && c->is_int_type;
    if (serial)
        cq__buf_put(b, c->int_kind == 2   ? "BIGSERIAL"
                       : c->int_kind == 3 ? "SMALLSERIAL"
                                          : "SERIAL");
    else
        cq__buf_put(b, c->type_sql);
    cq__sql_ddl_modifiers(b, c, c->not_null && !serial, CQ_DIALECT_POSTGRES);
    if (cq__sql_ddl_has_reference(c)) {
        cq__buf_putc(b, ' ');
        cq__sql_ddl_references(b, c, CQ_DIALECT_POSTGRES);
    }
}

/* dump.js pgFamily(): the family of an information_schema data_type. */
static cq__family family(const cq_value *row)
{
    const char *data_type = cq__sql_row_text(row, "data_type");
    const char *udt_name = cq__sql_row_text(row, "udt_name");
    bool is_enum = cq_value_as_bool(cq_value_object_get(row, "is_enum"));
    char *t = cq__strdup(data_type ? data_type : "");
    if (!t)
        return CQ__FAM_OTHER;
    cq__js_lower(t, strlen(t));
    cq__family f = CQ__FAM_OTHER;
    if (is_enum)
        f = CQ__FAM_TEXT;
    else if (!strcmp(t, "smallint") || !strcmp(t, "integer") || !strcmp(t, "bigint"))
        f = CQ__FAM_INTEGER;
    else if (!strcmp(t, "character varying") || !strcmp(t, "character") || !strcmp(t, "text") ||
             !strcmp(t, "citext"))
        f = CQ__FAM_TEXT;
    else if (!strcmp(t, "real") || !strcmp(t, "double precision") || !strcmp(t, "numeric"))
        f = CQ__FAM_REAL;
    else if (!strcmp(t, "boolean"))
        f = CQ__FAM_BOOLEAN;
    else if (!strncmp(t, "timestamp", 9) || !strcmp(t, "date") || !strncmp(t, "time", 4))
        f = CQ__FAM_DATETIME;
    else if (!strcmp(t, "bytea"))
        f = CQ__FAM_BLOB;
    else if (!strcmp(t, "uuid"))
        f = CQ__FAM_UUID;
    else if (!strcmp(t, "json") || !strcmp(t, "jsonb"))
        f = CQ__FAM_JSON;
    else if (!strcmp(t, "user-defined") && udt_name && !strcmp(udt_name, "citext"))
        f = CQ__FAM_TEXT;
    cq__free(t);
    return f;
}

/* ---- dates ----------------------------------------------------------------------------- */

/* A timestamptz takes cequel's ISO text as it is; a default is written as Sequelize writes a
 * Date: '2020-01-02 03:04:05.000 +00:00'. */
static bool date_text(cq__buf *b, const char *iso, bool in_default)
{
    if (!in_default)
        return false;
    cq__buf_printf(b, "%.10s %.12s +00:00", iso, iso + 11);
    return true;
}

/* ---- catalogue ------------------------------------------------------------------------- */

/* The relation `name` of the public schema, as an SQL expression of type regclass taking the
 * name as the statement's first parameter. */
#define PG_REL "(quote_ident('public') || '.' || quote_ident(?))::regclass"

static const char *const catalog[] = {
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

/* The table in schema public, double-quoted. */
static void put_table_ref(cq__buf *b, const char *table)
{
    cq__buf_put(b, "public.");
    cq__sql_put_dq(b, table);
}

/* pg_constraint.confdeltype / confupdtype letters. */
static const char *catalog_action(const char *code)
{
    switch (code ? code[0] : '\0') {
    case 'a':
        return "NO ACTION";
    case 'r':
        return "RESTRICT";
    case 'c':
        return "CASCADE";
    case 'n':
        return "SET NULL";
    case 'd':
        return "SET DEFAULT";
    default:
        return NULL;
    }
}

/* ---- session --------------------------------------------------------------------------- */

/* Sequelize's connection manager: warnings only, and a UTC session so timestamptz values come
 * back as "... +00" (normalised to ISO by the model layer); statement_timeout makes the server
 * cancel a statement that runs too long (SQLSTATE 57014). Behind a transaction pooler only the
 * two settings it keeps per client and sets again on every server connection it hands over
 * (PgBouncer tracks client_encoding and TimeZone); the rest would stay on a server connection
 * that other clients get next. */
static const char encoding[] = "SET client_encoding TO 'UTF8'";
static const char time_zone[] = "SET TIME ZONE INTERVAL '+00:00' HOUR TO MINUTE";
static const char *const session[] = { encoding, "SET client_min_messages TO warning", time_zone,
                                       NULL };
static const char *const session_pooled[] = { encoding, time_zone, NULL };

const cq__sql_dialect cq__sql_postgres = {
    .id = CQ_DIALECT_POSTGRES,
    .name = "PostgreSQL",
    .key = "postgres",
    .quote = '"',
    .max_params = 65535, /* the wire protocol counts them in 16 bits */
    .numbered_params = true,
    .max_identifier = 63, /* NAMEDATALEN - 1 bytes; longer names are cut with a NOTICE only */
    .put_string = cq__sql_put_string_std,
    .ops = ops,
    .is_op = "IS NOT DISTINCT FROM",
    .is_not_op = "IS DISTINCT FROM",
    .has_any = true,
    .has_returning = true,
    .limit_offset = true,
    .conflict_ignore = " ON CONFLICT DO NOTHING",
    .empty_insert = " DEFAULT VALUES",
    .txn_aborts_on_error = true,
    .boolean_type = "BOOLEAN",
    .uuid_type = "UUID",
    .blob_type = "BYTEA",
    .date_type = "TIMESTAMP WITH TIME ZONE",
    .has_arrays = true,
    .has_jsonb = true,
    .enum_type = enum_type,
    .family = family,
    .typed_defaults = true,
    .lob_defaults = true,
    .true_literal = "true",
    .false_literal = "false",
    .blob_open = "E'\\\\x",
    .date_text = date_text,
    .put_column = put_column,
    .pk_separator = ",",
    .drop_suffix = " CASCADE;",
    .enum_types = true,
    .serial_sequences = true,
    .catalog = catalog,
    .ncatalog = sizeof catalog / sizeof *catalog,
    .catalog_table_column = "table_name",
    .index_exists = "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename = "
                    "$1 AND indexname = $2",
    .table_exists = "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                    "'public' AND table_name = $1;",
    .foreign_key_exists =
        "SELECT tc.constraint_name FROM information_schema.table_constraints tc "
        "JOIN information_schema.key_column_usage kcu ON "
        "kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema "
        "JOIN information_schema.constraint_column_usage ccu ON "
        "ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema "
        "WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = 'public' AND "
        "tc.table_name = $1 AND kcu.column_name = $2 AND ccu.table_name = $3 AND "
        "ccu.column_name = $4;",
    .put_table_ref = put_table_ref,
    .catalog_action = catalog_action,
    .savepoint_quote = '"',
    .begin = "BEGIN;",
    .session = session,
    .session_pooled = session_pooled,
    .statement_timeout = "SET statement_timeout = ",
};
