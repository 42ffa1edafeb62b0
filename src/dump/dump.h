/*
 * The canonical dump (cequel/dump.h), shared between its files:
 *
 *   catalog.c           what the dialects' readers share: catalogue queries, columns, rows
 *   catalog_sqlite.c    SQLite's reader       (dump.js dumpSqlite())
 *   catalog_postgres.c  PostgreSQL's reader   (dump.js dumpPostgres())
 *   catalog_mysql.c     MySQL/MariaDB's reader
 *   normalise.c         column families, stored values and defaults in the dump's terms
 *   order.c             dump.js's value and row order
 *   dump.c              cq_db_dump(): every table read, normalised and ordered
 *   golden.c            the golden document of the conformance suite (normalize.js)
 *
 * This is a value-for-value port of the Sequelize v6 oracle's dump.js and normalize.js, so
 * that what cequel leaves in a database can be compared byte for byte with goldens recorded
 * from Sequelize; the JavaScript rules it depends on are in core/js.c.
 */
#ifndef CQ_DUMP_DUMP_H
#define CQ_DUMP_DUMP_H

#include <stdbool.h>
#include <stdint.h>

#include "cequel/db.h"
#include "cequel/value.h"
#include "core/js.h"
#include "model/model.h"
#include "sql/sql.h"

/* ---- normalise.c ---- */

/* What a column masked by the dump holds instead of its timestamp. */
#define CQ__DUMP_TIMESTAMP "<timestamp>"

/* createdAt, updatedAt, deletedAt and their snake_case forms. */
bool cq__dump_is_timestamp_column(const char *name);

/* cq__family, a column type's family, comes from sql/dialect.h (each dialect reads its own
 * type names back into one). */

/* The family's name in the dump ("integer", ...), and back (CQ__FAM_OTHER for unknown). */
const char *cq__family_name(cq__family f);
cq__family cq__family_of(const char *name);

/* A blob's bytes as lower-case hex text (a new string, cq__free), NULL on OOM. */
char *cq__dump_hex(const cq_value *blob);

/* dump.js normalizeValue(): stored value `v` of `column` as its family reads it; `mask`
 * masks timestamps. A new value, NULL on OOM. */
cq_value *cq__dump_value(const cq_value *v, cq__family f, const char *column, bool mask);

/* dump.js normalizeDefault(): the default a database reports for a column, as a typed
 * literal or {"expression": text}. `*out` stays NULL when there is none (or it is NULL, or
 * a sequence). CQ_OK or CQ_ENOMEM. */
int cq__dump_default(cq_value **out, const char *raw, cq__family f);

/* ---- order.c ---- */

/* dump.js compareValues(): null < booleans < numbers < strings < anything else (compared
 * by JSON text). A NULL pointer is `undefined`, ranked with null. */
int cq__dump_compare(const cq_value *a, const cq_value *b);
/* Two arrays element by element with cq__dump_compare(), the shorter first on a tie. */
int cq__dump_compare_arrays(const cq_value *a, const cq_value *b);

/* Maps a value to the one to sort by, or returns NULL to keep it. */
typedef cq_value *(*cq__dump_mask_fn)(const cq_value *v, void *ctx);

/* dump.js sortRows(): rows (objects) ordered by their values in the order of the column
 * names `names`; `mask` (may be NULL) substitutes values for the comparison only. CQ_OK or
 * CQ_ENOMEM. */
int cq__dump_sort_rows(cq_value *rows, const cq_value *names, cq__dump_mask_fn mask,
                       void *mask_ctx);

/* ---- catalog.c ---- */

/* What a dialect reads from one table, before the shared normalisation. */
typedef struct cq__raw_table {
    cq_value *columns;      /* objects {name, type (family name), notNull, primaryKey,
                               autoIncrement, default?} in table order */
    cq_value *foreign_keys; /* {columns, references: {table, columns}, onDelete, onUpdate} */
    cq_value *unique;       /* arrays of column names, each sorted */
    cq_value *indexes;
    cq_value *rows; /* objects keyed by column name, values as the driver returns them */
} cq__raw_table;

void cq__raw_table_free(cq__raw_table *t);

/* What a dialect's catalogue says of one column, in the dump's terms. */
typedef struct cq__column_facts {
    cq__family fam;
    bool not_null;
    bool auto_increment;
    char *default_text; /* as a standard SQL literal or expression for cq__dump_default();
                           owned, NULL for no default */
} cq__column_facts;

/* Fills `out` from catalogue row `row` of the CQ__CAT_COLUMNS query, for a column at position
 * `pk_pos` of the primary key (0: not part of it). CQ_OK or CQ_ENOMEM. */
typedef int (*cq__column_facts_fn)(cq__column_facts *out, const cq_value *row, int64_t pk_pos);

/* Column `key` of a catalogue row, as an integer or borrowed text. */
int64_t cq__dump_row_int(const cq_value *row, const char *key);
const char *cq__dump_row_text(const cq_value *row, const char *key);

/* Array#sort() without a comparator, as a cq__js_cmp: elements compared as strings (null as
 * "null"). */
int cq__dump_cmp_default_sort(const void *a, const void *b, void *ctx);

/* Names of the user tables (array of text), any order: column `key` of the dialect's
 * CQ__CAT_TABLES catalogue query. */
int cq__dump_catalog_tables(cq_value **out, cq_db *db, cq_dialect dialect, const char *key);

/* Runs catalogue query `q` of `dialect` for table `name`, its one parameter. */
int cq__dump_catalog_query(cq_value **out, cq_db *db, cq_dialect dialect, cq__catalog_query q,
                           const char *name);

/* Appends the dump's description of a column to `columns`. Takes `def` (NULL for no
 * default), even on failure. CQ_OK or CQ_ENOMEM. */
int cq__dump_put_column(cq_value *columns, const cq_value *name, int64_t pk_pos,
                        const cq__column_facts *cf, cq_value *def);

/* The columns of table `name` from the dialect's CQ__CAT_COLUMNS query (a row per column, in
 * table order, named by "column_name") and CQ__CAT_PRIMARY_KEY query (the key's columns in
 * order, named by "name"); `facts` reads what differs between the dialects' catalogues. */
int cq__dump_catalog_columns(cq__raw_table *t, cq_db *db, cq_dialect dialect, const char *name,
                             cq__column_facts_fn facts);

/* Every row of table `name`, values as the driver returns them. */
int cq__dump_table_rows(cq__raw_table *t, cq_db *db, cq_dialect dialect, const char *name);

/* Appends the columns of an index, `cols` (taken, even when NULL or on failure), sorted as
 * Array#sort() does, to t->unique or t->indexes. CQ_OK or CQ_ENOMEM. */
int cq__dump_put_index(cq__raw_table *t, cq_value *cols, bool unique);

/* ---- catalog_<dialect>.c: one table's columns, keys and indexes read raw into `*out`
 * (zeroed by the caller but for empty unique and indexes lists; the caller reads the rows
 * with cq__dump_table_rows and frees `*out` with cq__raw_table_free, on failure too) ---- */

int cq__dump_sqlite_table(cq__raw_table *out, cq_db *db, const char *name);
int cq__dump_postgres_table(cq__raw_table *out, cq_db *db, const char *name);
int cq__dump_mysql_table(cq__raw_table *out, cq_db *db, const char *name);

#endif
