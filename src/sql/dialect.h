/* What one SQL dialect knows, as a table: one instance per dialect, each in its own file
 * (sqlite.c, postgres.c, mysql.c). The common code of src/sql and the layers above ask it
 * instead of comparing cq_dialect values. Adding a dialect means adding a file and its case in
 * cq__sql_dialect_find(). */
#ifndef CQ_SQL_DIALECT_H
#define CQ_SQL_DIALECT_H

#include <stdbool.h>
#include <stddef.h>

#include "cequel/db.h"
#include "cequel/value.h"
#include "core/util.h"

/* The family a column's type belongs to, as read back from a catalogue: how the dump reads
 * its values. */
typedef enum cq__family {
    CQ__FAM_INTEGER,
    CQ__FAM_TEXT,
    CQ__FAM_REAL,
    CQ__FAM_BOOLEAN,
    CQ__FAM_DATETIME,
    CQ__FAM_BLOB,
    CQ__FAM_UUID,
    CQ__FAM_JSON,
    CQ__FAM_OTHER
} cq__family;

struct cq__sql_coltype;
struct cq__ddl_col;

/* A comparison operator of the statement tree as the dialect spells it (NULL: it has none). */
typedef struct cq__sql_op {
    const char *op, *sql;
} cq__sql_op;

typedef struct cq__sql_dialect {
    cq_dialect id;
    const char *name; /* "SQLite", "PostgreSQL", "MySQL", for messages */
    const char *key;  /* "sqlite", "postgres", "mysql", as the command line names it */

    /* --- identifiers, parameters, literals --- */
    char quote;           /* identifier quote: ` or " */
    bool numbered_params; /* $1, $2, ... instead of ? */
    size_t max_params;    /* bound parameters one statement may carry */
    /* Longest identifier the server keeps (0: no limit), in characters rather than bytes when
     * `identifier_in_chars`. */
    size_t max_identifier;
    bool identifier_in_chars;
    /* Appends `s` as a string literal the way Sequelize's SqlString.escape writes it. */
    void (*put_string)(cq__buf *b, const char *s);

    /* --- statements --- */
    const cq__sql_op *ops;       /* operators spelt otherwise or missing; { NULL } ends it */
    bool has_any;                /* op ANY (ARRAY[...]) / ALL */
    bool has_returning;          /* INSERT ... RETURNING */
    bool limit_offset;           /* LIMIT n OFFSET m rather than LIMIT m, n */
    const char *limit_no_count;  /* LIMIT m, n's count for "no limit" (Sequelize's value) */
    const char *insert_ignore;   /* INSERT prefix that skips duplicates, or NULL */
    const char *conflict_ignore; /* suffix that skips duplicates, or NULL */
    bool upsert_values;          /* ON DUPLICATE KEY UPDATE c=VALUES(c), not ON CONFLICT */
    const char *empty_insert;    /* " DEFAULT VALUES" or " () VALUES ()" */
    /* A value inside a JSON column: the extract function's opening and closing, and the cast
     * of a number; NULL json_open: PostgreSQL's (col#>>ARRAY[...]::text[]). */
    const char *json_open, *json_close, *json_double;
    bool json_bool_case; /* JSON booleans unquote to 'true'/'false': CASE reads them as 1/0 */
    /* Null-safe equality and inequality with a bound value (CQ__EX_IS); NULL is_not_op:
     * written NOT (a is_op b). */
    const char *is_op, *is_not_op;

    /* --- what statements report --- */
    bool txn_aborts_on_error;   /* a failed statement aborts the whole transaction */
    bool upsert_counts_changes; /* an upsert reports 1 for a new row, 2 for an updated one */
    bool last_insert_id_first;  /* a multi-row INSERT reports its first generated id */
    /* The connection reports the key a single-row INSERT generated (the last insert id), so
     * such an INSERT of a model with one auto-increment key needs no RETURNING. */
    bool last_insert_id_is_key;
    bool unique_error_names_key; /* a unique violation names the key, not the columns */

    /* --- types --- */
    const char *boolean_type, *uuid_type, *blob_type;
    const char *date_type; /* CQ_DATE */
    bool date_fsp;         /* CQ_DATE with a precision is date_type(precision) */
    bool has_arrays;       /* CQ_ARRAY columns */
    bool has_jsonb;        /* CQ_JSONB columns */
    bool booleans_as_ints; /* a BOOLEAN is bound as 1/0 */
    /* The column type of a CQ_ENUM attribute; NULL: TEXT. */
    void (*enum_type)(cq__buf *b, const struct cq__sql_coltype *t);
    /* The family of a column from its row of the CQ__CAT_COLUMNS query (SQLite: PRAGMA
     * table_info). */
    cq__family (*family)(const cq_value *column_row);

    /* --- defaults --- */
    bool typed_defaults; /* a default is stringified with its attribute's type first */
    bool lob_defaults;   /* TEXT, BLOB and JSON columns may have a default */
    const char *true_literal, *false_literal;
    const char *blob_open; /* X' or E'\\x: a hex literal's opening */
    /* A default as the catalogue reports it, as a standard SQL literal or expression (a new
     * string, NULL on OOM); NULL operation: taken as it is. */
    char *(*default_from_catalog)(const char *raw);

    /* --- dates --- */
    /* Writes the stored text of a DATE value in cequel's ISO form ("2024-05-01T10:20:30.123Z"),
     * for a bound value or (`in_default`) a DDL default (without quotes). False when the
     * dialect takes the ISO text as it is. */
    bool (*date_text)(cq__buf *b, const char *iso, bool in_default);

    /* --- DDL --- */
    /* A column's definition after its quoted name in CREATE TABLE, `npk` columns making the
     * primary key, in Sequelize's shape for the dialect (its createTableQuery rewrites). */
    void (*put_column)(cq__buf *b, const struct cq__ddl_col *c, size_t npk);
    bool inline_single_key;          /* a one-column key stays in its column */
    bool table_foreign_keys;         /* REFERENCES go to table-level FOREIGN KEY clauses */
    const char *table_options;       /* after CREATE TABLE's closing parenthesis, or NULL */
    const char *auto_increment_word; /* the modifier an auto-increment column takes, or NULL */
    bool names_uniques;              /* CREATE TABLE names composite UNIQUE constraints */
    const char *pk_separator;        /* between a table-level PRIMARY KEY's columns */
    const char *drop_suffix;         /* after DROP TABLE IF EXISTS "t" */
    bool index_via_alter;            /* ALTER TABLE t ADD INDEX rather than CREATE INDEX */
    bool enum_types;                 /* ENUMs are named types (CREATE TYPE) that sync manages */
    bool serial_sequences;           /* SERIAL columns own a sequence moved past explicit ids */
    bool forward_references;         /* REFERENCES may name a table created later */

    /* --- catalogue --- */
    const char *const *catalog; /* by cq__catalog_query; NULL entries: not by a query */
    size_t ncatalog;
    const char *catalog_table_column; /* the table name's column in CQ__CAT_TABLES */
    const char *index_exists, *table_exists, *foreign_key_exists;
    /* The table as SELECT * FROM names it for the dump. */
    void (*put_table_ref)(cq__buf *b, const char *table);
    /* A referential action as the catalogue writes it, as cq__sql_action() names it; NULL
     * operation: the catalogue's own text. */
    const char *(*catalog_action)(const char *code);

    /* --- transactions and session --- */
    const char *begin;           /* top-level BEGIN */
    const char *begin_immediate; /* BEGIN that takes the write lock, or NULL */
    char savepoint_quote;        /* around a savepoint's name */
    bool isolation_before;       /* SET TRANSACTION goes before BEGIN */
    /* The statement that sets a valid isolation level; NULL operation: SET TRANSACTION. */
    const char *(*isolation)(cq_isolation_level level);
    const char *fk_on, *fk_off, *fk_read; /* foreign-key checks; NULL: no such switch */
    bool fk_read_first;                   /* sync reads the switch before turning it off */
    /* Statements a new session runs, NULL-terminated; `session_pooled` (when not NULL) behind
     * a transaction pooler, which hands the server connection to others; `statement_timeout`
     * the statement the milliseconds complete ("SET statement_timeout = "), or NULL. */
    const char *const *session;
    const char *const *session_pooled;
    const char *statement_timeout;
} cq__sql_dialect;

extern const cq__sql_dialect cq__sql_sqlite, cq__sql_postgres, cq__sql_mysql;

/* The table of `d`, or NULL for an unknown value. */
const cq__sql_dialect *cq__sql_dialect_find(cq_dialect d);
/* The table of `d` (SQLite's for an unknown value). */
const cq__sql_dialect *cq__sql_dialect_of(cq_dialect d);
/* The table named `key` ("sqlite", "postgres", "mysql"), or NULL. */
const cq__sql_dialect *cq__sql_dialect_named(const char *key);

/* The referential action `s` names (any case) as Sequelize writes it ("CASCADE", ...; static
 * text), or NULL when it names none. */
const char *cq__sql_action(const char *s);
#define CQ__SQL_ACTIONS "RESTRICT, CASCADE, NO ACTION, SET DEFAULT, SET NULL"

/* The stored text of a DATE value in cequel's ISO form, bound for `d`: true with a new value
 * in *out (NULL when out of memory), false when the dialect takes `iso` as it is. */
bool cq__sql_date_value(cq_value **out, cq_dialect d, const char *iso);

/* What the dialect files share: a column's [NOT NULL] [auto_increment] [DEFAULT x] [UNIQUE]
 * in Sequelize's order, its REFERENCES clause, and whether it has one in CREATE TABLE (not
 * deferred to an ALTER TABLE). */
void cq__sql_ddl_modifiers(cq__buf *b, const struct cq__ddl_col *c, bool not_null, cq_dialect d);
void cq__sql_ddl_references(cq__buf *b, const struct cq__ddl_col *c, cq_dialect d);
bool cq__sql_ddl_has_reference(const struct cq__ddl_col *c);
void cq__sql_put_string_std(cq__buf *b, const char *s); /* a quote doubled */
void cq__sql_put_dq(cq__buf *b, const char *name);      /* "name", a quote doubled */
const char *cq__sql_row_text(const cq_value *row, const char *key);

#endif
