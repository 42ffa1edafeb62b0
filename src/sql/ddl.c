/* DDL in Sequelize v6's exact shapes (spec/sync.md sections 1-8). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cequel/model.h"
#include "sql/sql.h"

void cq__sql_type(cq__buf *b, int type, int length, int precision, int scale, cq_dialect d)
{
    int len = length > 0 ? length : 255;
    switch ((cq_type)type) {
    case CQ_STRING:
        cq__buf_printf(b, "VARCHAR(%d)", len);
        break;
    case CQ_CHAR:
        cq__buf_printf(b, "CHAR(%d)", len);
        break;
    case CQ_TEXT:
        cq__buf_put(b, "TEXT");
        break;
    case CQ_INTEGER:
        cq__buf_put(b, "INTEGER");
        break;
    case CQ_BIGINT:
        cq__buf_put(b, "BIGINT");
        break;
    case CQ_SMALLINT:
        cq__buf_put(b, "SMALLINT");
        break;
    case CQ_FLOAT:
        cq__buf_put(b, "FLOAT");
        break;
    case CQ_REAL:
        cq__buf_put(b, "REAL");
        break;
    case CQ_DOUBLE:
        cq__buf_put(b, "DOUBLE PRECISION");
        break;
    case CQ_DECIMAL:
        if (precision > 0)
            cq__buf_printf(b, "DECIMAL(%d,%d)", precision, scale);
        else
            cq__buf_put(b, "DECIMAL");
        break;
    case CQ_BOOLEAN:
        cq__buf_put(b, d == CQ_DIALECT_POSTGRES ? "BOOLEAN" : "TINYINT(1)");
        break;
    case CQ_DATE:
        cq__buf_put(b, d == CQ_DIALECT_POSTGRES ? "TIMESTAMP WITH TIME ZONE" : "DATETIME");
        break;
    case CQ_DATEONLY:
        cq__buf_put(b, "DATE");
        break;
    case CQ_TIME:
        cq__buf_put(b, "TIME");
        break;
    case CQ_UUID:
        cq__buf_put(b, d == CQ_DIALECT_MYSQL ? "CHAR(36) BINARY" : "UUID");
        break;
    case CQ_JSON:
        cq__buf_put(b, "JSON");
        break;
    case CQ_BLOB:
        cq__buf_put(b, d == CQ_DIALECT_POSTGRES ? "BYTEA" : "BLOB");
        break;
    case CQ_TYPE_NONE:
        break;
    }
}

static void put_sql_string(cq__buf *b, const char *s, cq_dialect d)
{
    cq__buf_putc(b, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '\'')
            cq__buf_put(b, d == CQ_DIALECT_MYSQL ? "\\'" : "''");
        else if (*p == '\\' && d == CQ_DIALECT_MYSQL)
            cq__buf_put(b, "\\\\");
        else
            cq__buf_putc(b, *p);
    }
    cq__buf_putc(b, '\'');
}

char *cq__sql_default_literal(const cq_value *v, int type, cq_dialect d)
{
    if (!v)
        return NULL;
    cq__buf b = { 0 };
    bool mysql_unschemable = d == CQ_DIALECT_MYSQL && (type == CQ_TEXT || type == CQ_BLOB ||
                                                       type == CQ_JSON);
    if (mysql_unschemable)
        return NULL;
    switch (cq_value_type_of(v)) {
    case CQ_VALUE_NULL:
        cq__buf_put(&b, "NULL");
        break;
    case CQ_VALUE_BOOL:
        if (d == CQ_DIALECT_SQLITE)
            cq__buf_put(&b, cq_value_as_bool(v) ? "1" : "0");
        else
            cq__buf_put(&b, cq_value_as_bool(v) ? "true" : "false");
        break;
    case CQ_VALUE_INT:
        if (type == CQ_BOOLEAN) {
            if (d == CQ_DIALECT_SQLITE)
                cq__buf_put(&b, cq_value_as_int(v) ? "1" : "0");
            else
                cq__buf_put(&b, cq_value_as_int(v) ? "true" : "false");
        } else {
            cq__buf_printf(&b, "%lld", (long long)cq_value_as_int(v));
        }
        break;
    case CQ_VALUE_DOUBLE: {
        /* Sequelize quotes non-integral floats on SQLite/PostgreSQL: '1.5' */
        char num[64];
        snprintf(num, sizeof num, "%.15g", cq_value_as_double(v));
        if (d == CQ_DIALECT_MYSQL || floor(cq_value_as_double(v)) == cq_value_as_double(v))
            cq__buf_put(&b, num);
        else
            put_sql_string(&b, num, d);
        break;
    }
    case CQ_VALUE_TEXT:
        put_sql_string(&b, cq_value_as_text(v), d);
        break;
    case CQ_VALUE_ARRAY:
    case CQ_VALUE_OBJECT: {
        char *json = NULL;
        if (cq_value_to_json(&json, v, 0) != CQ_OK) {
            cq__buf_free(&b);
            return NULL;
        }
        put_sql_string(&b, json, d);
        cq_free(json);
        break;
    }
    case CQ_VALUE_BLOB:
        cq__buf_free(&b);
        return NULL;
    }
    return cq__buf_take(&b);
}

static void put_references(cq__buf *b, const cq__ddl_col *c, cq_dialect d)
{
    cq__buf_put(b, "REFERENCES ");
    cq__sql_quote(b, d, c->ref_table);
    cq__buf_put(b, " (");
    cq__sql_quote(b, d, c->ref_column ? c->ref_column : "id");
    cq__buf_putc(b, ')');
    if (c->on_delete)
        cq__buf_printf(b, " ON DELETE %s", c->on_delete);
    if (c->on_update)
        cq__buf_printf(b, " ON UPDATE %s", c->on_update);
}

static void put_column(cq__buf *b, const cq__ddl_col *c, size_t npk, cq_dialect d)
{
    cq__sql_quote(b, d, c->name);
    cq__buf_putc(b, ' ');
    bool pk_inline = c->primary_key && npk == 1;
    if (d == CQ_DIALECT_SQLITE && pk_inline && c->is_int_type) {
        /* SQLite: an integer single primary key is exactly INTEGER PRIMARY KEY (the rowid) */
        cq__buf_put(b, c->auto_increment ? "INTEGER PRIMARY KEY AUTOINCREMENT"
                                         : "INTEGER PRIMARY KEY");
    } else if (d == CQ_DIALECT_POSTGRES && c->auto_increment && c->is_int_type) {
        cq__buf_put(b, c->int_kind == 2 ? "BIGSERIAL" : c->int_kind == 3 ? "SMALLSERIAL" : "SERIAL");
    } else {
        cq__buf_put(b, c->type_sql);
        /* composite keys on SQLite get NOT NULL in place of the inline PRIMARY KEY */
        if (c->not_null || (d == CQ_DIALECT_SQLITE && c->primary_key && npk > 1))
            cq__buf_put(b, " NOT NULL");
        if (d == CQ_DIALECT_MYSQL && c->auto_increment)
            cq__buf_put(b, " auto_increment");
        if (c->default_sql)
            cq__buf_printf(b, " DEFAULT %s", c->default_sql);
        if (c->unique)
            cq__buf_put(b, " UNIQUE");
        if (d == CQ_DIALECT_SQLITE && pk_inline)
            cq__buf_put(b, c->auto_increment ? " PRIMARY KEY AUTOINCREMENT" : " PRIMARY KEY");
    }
    if (c->ref_table && d != CQ_DIALECT_MYSQL && !c->ref_deferred) {
        cq__buf_putc(b, ' ');
        put_references(b, c, d);
    }
}

char *cq__sql_create_table(const cq__ddl_table *t, cq_dialect d)
{
    cq__buf b = { 0 };
    size_t npk = 0;
    for (size_t i = 0; i < t->ncols; i++)
        npk += t->cols[i].primary_key;
    cq__buf_put(&b, "CREATE TABLE IF NOT EXISTS ");
    cq__sql_quote(&b, d, t->name);
    cq__buf_put(&b, " (");
    for (size_t i = 0; i < t->ncols; i++) {
        if (i)
            cq__buf_put(&b, ", ");
        put_column(&b, &t->cols[i], npk, d);
    }
    for (size_t u = 0; u < t->nuniques; u++) {
        cq__buf_put(&b, ", UNIQUE ");
        if (d == CQ_DIALECT_MYSQL && t->uniques[u].name) {
            cq__sql_quote(&b, d, t->uniques[u].name);
            cq__buf_putc(&b, ' ');
        }
        cq__buf_putc(&b, '(');
        for (size_t k = 0; k < t->uniques[u].ncols; k++) {
            if (k)
                cq__buf_put(&b, ", ");
            cq__sql_quote(&b, d, t->uniques[u].cols[k]);
        }
        cq__buf_putc(&b, ')');
    }
    bool table_pk = npk > 0 && (d != CQ_DIALECT_SQLITE || npk > 1);
    if (table_pk) {
        cq__buf_put(&b, ", PRIMARY KEY (");
        size_t k = 0;
        for (size_t i = 0; i < t->ncols; i++) {
            if (!t->cols[i].primary_key)
                continue;
            if (k++)
                cq__buf_put(&b, d == CQ_DIALECT_POSTGRES ? "," : ", ");
            cq__sql_quote(&b, d, t->cols[i].name);
        }
        cq__buf_putc(&b, ')');
    }
    if (d == CQ_DIALECT_MYSQL) {
        for (size_t i = 0; i < t->ncols; i++) {
            if (!t->cols[i].ref_table || t->cols[i].ref_deferred)
                continue;
            cq__buf_put(&b, ", FOREIGN KEY (");
            cq__sql_quote(&b, d, t->cols[i].name);
            cq__buf_put(&b, ") ");
            put_references(&b, &t->cols[i], d);
        }
        cq__buf_put(&b, ") ENGINE=InnoDB;");
    } else {
        cq__buf_put(&b, ");");
    }
    return cq__buf_take(&b);
}

char *cq__sql_drop_table(const char *table, cq_dialect d)
{
    cq__buf b = { 0 };
    cq__buf_put(&b, "DROP TABLE IF EXISTS ");
    cq__sql_quote(&b, d, table);
    cq__buf_put(&b, d == CQ_DIALECT_POSTGRES ? " CASCADE;" : ";");
    return cq__buf_take(&b);
}

char *cq__sql_add_foreign_key(const char *table, const cq__ddl_col *c, cq_dialect d)
{
    cq__buf b = { 0 };
    cq__buf_put(&b, "ALTER TABLE ");
    cq__sql_quote(&b, d, table);
    cq__buf_put(&b, " ADD FOREIGN KEY (");
    cq__sql_quote(&b, d, c->name);
    cq__buf_put(&b, ") ");
    put_references(&b, c, d);
    cq__buf_putc(&b, ';');
    return cq__buf_take(&b);
}
