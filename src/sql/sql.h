/* SQL generation: renders statement trees and DDL for one dialect. Knows nothing of drivers. */
#ifndef CQ_SQL_H
#define CQ_SQL_H

#include "cequel/db.h"
#include "sql/dialect.h"
#include "core/util.h"
#include "stmt/stmt.h"

/* Rendered statement: text plus the bound values in placeholder order (borrowed from the
 * statement tree, which must outlive this). */
typedef struct cq__sql {
    char *text;
    const cq_value **params;
    size_t n, cap;
} cq__sql;

void cq__sql_free(cq__sql *s);

/* Renders `st` for `dialect`. CQ_OK or CQ_ENOMEM / CQ_EINVALID (error text in `err`). */
int cq__sql_render(cq__sql *out, const cq__stmt *st, cq_dialect dialect, cq_error *err);

/* Whether `dialect` has the statement tree's comparison operator `op` (the REGEXP family). */
bool cq__sql_op_supported(cq_dialect dialect, const char *op);
/* "SQLite", "PostgreSQL" or "MySQL", for messages. */
const char *cq__sql_dialect_name(cq_dialect dialect);
/* Whether `dialect` has `op ANY (ARRAY[...])` / `ALL` (PostgreSQL). */
bool cq__sql_has_any(cq_dialect dialect);
/* A JSON path in the syntax SQLite's json_extract and MySQL's JSON functions read, every key
 * double-quoted: ["a", "b"] gives $."a"."b". Keys must not hold `"` or `\`. A new value, NULL
 * when out of memory. */
cq_value *cq__sql_json_path(const cq_value *keys);

/* Appends `name` quoted for the dialect (` for SQLite/MySQL, " for PostgreSQL). */
void cq__sql_quote(cq__buf *b, cq_dialect dialect, const char *name);

/* --- DDL ---------------------------------------------------------------------------- */

/* A column as DDL sees it (filled by the sync layer from model attributes). */
typedef struct cq__ddl_col {
    const char *name;
    const char *type_sql; /* per-dialect type text, e.g. "VARCHAR(255)" (from cq__sql_type) */
    bool is_int_type;     /* INTEGER/BIGINT/SMALLINT: PostgreSQL's SERIAL forms (SQLite's
                             INTEGER PRIMARY KEY rule looks for "INT" in type_sql) */
    int int_kind;         /* 1 INTEGER, 2 BIGINT, 3 SMALLINT (PostgreSQL SERIAL forms) */
    bool not_null;
    bool primary_key;
    bool auto_increment;
    bool unique;             /* single-column inline UNIQUE */
    const char *default_sql; /* rendered literal, or NULL */
    const char *ref_table;   /* REFERENCES target, or NULL */
    const char *ref_column;
    const char *on_delete;
    const char *on_update;
    bool ref_deferred; /* constraint added later by ALTER TABLE (cycle closers) */
} cq__ddl_col;

typedef struct cq__ddl_unique {
    const char *name; /* composite unique name (emitted by MySQL only) */
    const char **cols;
    size_t ncols;
} cq__ddl_unique;

typedef struct cq__ddl_table {
    const char *name;
    const cq__ddl_col *cols;
    size_t ncols;
    const cq__ddl_unique *uniques;
    size_t nuniques;
} cq__ddl_table;

/* One entry of a model's `indexes` option. */
typedef struct cq__ddl_index {
    const char *name;
    const char *const *cols;
    size_t ncols;
    bool unique;
} cq__ddl_index;

/* CREATE TABLE IF NOT EXISTS ... ; in Sequelize's exact shape for the dialect. */
char *cq__sql_create_table(const cq__ddl_table *t, cq_dialect dialect);
/* DROP TABLE IF EXISTS t; (PostgreSQL adds CASCADE). */
char *cq__sql_drop_table(const char *table, cq_dialect dialect);
/* ALTER TABLE ... ADD FOREIGN KEY for a deferred reference (PostgreSQL/MySQL). */
char *cq__sql_add_foreign_key(const char *table, const cq__ddl_col *c, cq_dialect dialect);
/* Sequelize's addIndexQuery, no trailing `;` (as v6 sends it): `CREATE [UNIQUE] INDEX "name" ON
 * "table" ("a", "b")`; MySQL `ALTER TABLE `t` ADD [UNIQUE] INDEX `name` (`a`, `b`)`. */
char *cq__sql_create_index(const char *table, const cq__ddl_index *ix, cq_dialect dialect);
/* Catalogue query (static text) returning one row when table $1 has an index named $2. */
const char *cq__sql_index_exists_query(cq_dialect dialect);
/* Catalogue query (static text) returning one row when table $1 exists (Sequelize's
 * tableExistsQuery, with the name bound). */
const char *cq__sql_table_exists_query(cq_dialect dialect);
/* Catalogue query (static text) returning a row per foreign key of table $1 on column $2 that
 * points at table $3, column $4 (SQLite does not compare the column). */
const char *cq__sql_foreign_key_exists_query(cq_dialect dialect);
/* Appends `s` as a string literal the way Sequelize's SqlString.escape writes it. */
void cq__sql_put_string(cq__buf *b, const char *s, cq_dialect dialect);

/* Type name for a column; `length`, `precision`, `scale` as in cq_attr. Static or into buf. */
void cq__sql_type(cq__buf *b, int type, int length, int precision, int scale, cq_dialect dialect);
/* A column's type with what ENUM and ARRAY need besides cq__sql_type's arguments. */
typedef struct cq__sql_coltype {
    int type, length, precision, scale;
    int element_type;          /* CQ_ARRAY: the elements' cq_type */
    const char *table, *field; /* PostgreSQL names an ENUM's type after them */
    const char *const *values; /* CQ_ENUM: NULL-terminated */
} cq__sql_coltype;
/* The column type of `t`: ENUM is "enum_<table>_<field>" (quoted) on PostgreSQL, ENUM('a',
 * 'b') on MySQL, TEXT on SQLite; ARRAY is `<element type>[]` (PostgreSQL only); JSONB JSONB. */
void cq__sql_column_type(cq__buf *b, const cq__sql_coltype *t, cq_dialect dialect);
/* PostgreSQL ENUM types (Sequelize's pgEnum*): the statements take the table and column the
 * type belongs to; values are string literals (DDL has no parameters). Caller frees. */
char *cq__sql_pg_enum_name(const char *table, const char *field); /* enum_<table>_<field> */
char *cq__sql_pg_create_enum(const char *table, const char *field, char *const *values);
char *cq__sql_pg_drop_enum(const char *table, const char *field);
/* ALTER TYPE ... ADD VALUE IF NOT EXISTS 'v' BEFORE|AFTER 'anchor' */
char *cq__sql_pg_add_enum_value(const char *table, const char *field, const char *value,
                                const char *anchor, bool before);
/* The labels of the visible enum type named $1, in their order (no row: no such type). */
const char *cq__sql_pg_enum_labels_query(void);
/* Default literal for DDL, or NULL when Sequelize omits it (TEXT/BLOB/JSON on MySQL) or on
 * OOM. `type` is the attribute's cq_type (FLOAT/REAL/DOUBLE quote numbers, DATE text renders
 * as a date, JSON is stringified). */
char *cq__sql_default_literal(const cq_value *v, int type, cq_dialect dialect);

/* --- catalogue and control statements (catalog.c) ------------------------------------ */

/* Introspection queries of `cequel dump`; those naming one table take it as parameter 1. */
typedef enum cq__catalog_query {
    CQ__CAT_TABLES,       /* the user's base tables */
    CQ__CAT_COLUMNS,      /* columns of table ?, in order */
    CQ__CAT_PRIMARY_KEY,  /* primary-key columns of table ?, in key order */
    CQ__CAT_FOREIGN_KEYS, /* foreign keys of table ? */
    CQ__CAT_INDEXES,      /* indexes of table ?, primary key excluded */
    CQ__CAT_COUNT
} cq__catalog_query;

/* The query text (static), or NULL when the dialect answers it otherwise (SQLite: PRAGMAs). */
const char *cq__sql_catalog(cq__catalog_query q, cq_dialect dialect);
/* SQLite: PRAGMA name("table"). Caller frees; NULL on OOM. */
char *cq__sql_pragma(const char *pragma, const char *table);
/* SELECT * FROM the table (PostgreSQL: in schema public; MySQL: the connection's database).
 * Caller frees; NULL on OOM. */
char *cq__sql_select_all(const char *table, cq_dialect dialect);

typedef enum cq__txn_verb {
    CQ__TXN_BEGIN,
    CQ__TXN_COMMIT,
    CQ__TXN_ROLLBACK,
    CQ__TXN_BEGIN_IMMEDIATE /* SQLite: take the write lock at BEGIN */
} cq__txn_verb;
/* BEGIN/COMMIT/ROLLBACK, or for savepoint != 0 SAVEPOINT / RELEASE SAVEPOINT / ROLLBACK TO
 * SAVEPOINT `cq_sp_<savepoint>`, written into `out` (no allocation, so that a rollback works
 * when memory is short). CQ_OK, or CQ_EINVALID when it does not fit in `size` bytes (64 do). */
int cq__sql_txn_into(char *out, size_t size, cq__txn_verb verb, uint64_t savepoint,
                     cq_dialect dialect);
/* The statement that sets a top-level transaction's isolation level (static text), or NULL
 * when the dialect sends none for it (SQLite's REPEATABLE READ / SERIALIZABLE, the default).
 * *before is set when it goes before BEGIN (MySQL) rather than right after it. */
const char *cq__sql_isolation(cq_isolation_level level, cq_dialect dialect, bool *before);
/* Foreign-key enforcement for the connection: on = 1 or 0 switches it, on < 0 reads it (one
 * row, one integer). NULL for PostgreSQL, which has no such switch. Caller frees. */
char *cq__sql_fk_checks(cq_dialect dialect, int on);
/* PostgreSQL (docs/differences.md): moves the sequence behind a SERIAL column past the column's
 * largest value; binds $1 = the table quoted (cq__sql_quoted) and $2 = the column. Caller
 * frees; NULL on OOM. */
char *cq__sql_advance_sequence(const char *table, const char *column);
/* `name` as the dialect quotes an identifier, as text (for a catalogue function's argument).
 * Caller frees; NULL on OOM. */
char *cq__sql_quoted(const char *name, cq_dialect dialect);

#endif
