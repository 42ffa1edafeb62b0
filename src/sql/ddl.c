/* DDL in Sequelize v6's exact shapes (spec/sync.md sections 1-8).
 *
 * Sequelize builds each column as one string (its query generator's attributeToSQL) and then
 * rewrites that string per dialect in createTableQuery (SQLite's INTEGER PRIMARY KEY, the
 * PostgreSQL SERIAL forms, MySQL's table-level FOREIGN KEY clauses). We build the same pieces
 * in the same order and apply the same rewrites, on structured input instead of strings. The
 * output is the whitespace-normalised form the spec records. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/js.h"
#include "core/util.h"
#include "cequel/model.h"
#include "sql/sql.h"

void cq__sql_type(cq__buf *b, int type, int length, int precision, int scale, cq_dialect d)
{
    const cq__sql_dialect *D = cq__sql_dialect_of(d);
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
        /* Sequelize's DECIMAL.toSql joins the non-zero parts: DECIMAL(10) for scale 0 */
        if (precision > 0 && scale > 0)
            cq__buf_printf(b, "DECIMAL(%d,%d)", precision, scale);
        else if (precision > 0)
            cq__buf_printf(b, "DECIMAL(%d)", precision);
        else
            cq__buf_put(b, "DECIMAL");
        break;
    case CQ_BOOLEAN:
        cq__buf_put(b, D->boolean_type);
        break;
    case CQ_DATE:
        if (D->date_fsp && precision > 0)
            cq__buf_printf(b, "%s(%d)", D->date_type, precision);
        else
            cq__buf_put(b, D->date_type);
        break;
    case CQ_DATEONLY:
        cq__buf_put(b, "DATE");
        break;
    case CQ_TIME:
        cq__buf_put(b, "TIME");
        break;
    case CQ_UUID:
        cq__buf_put(b, D->uuid_type);
        break;
    case CQ_JSON:
        cq__buf_put(b, "JSON");
        break;
    case CQ_BLOB:
        cq__buf_put(b, D->blob_type);
        break;
    case CQ_ENUM: /* the ones cq__sql_column_type names: here only as a cast target */
        cq__buf_put(b, "TEXT");
        break;
    case CQ_JSONB:
        cq__buf_put(b, "JSONB");
        break;
    case CQ_TYPE_NONE:
    case CQ_VIRTUAL: /* no column */
    case CQ_ARRAY:
        break;
    }
}

void cq__sql_column_type(cq__buf *b, const cq__sql_coltype *t, cq_dialect d)
{
    switch ((cq_type)t->type) {
    case CQ_ENUM:
        if (cq__sql_dialect_of(d)->enum_type)
            cq__sql_dialect_of(d)->enum_type(b, t);
        else
            cq__buf_put(b, "TEXT");
        break;
    case CQ_JSONB:
        cq__buf_put(b, "JSONB");
        break;
    case CQ_ARRAY: {
        cq__sql_coltype el = *t;
        el.type = t->element_type;
        el.element_type = CQ_TYPE_NONE;
        el.precision = el.scale = 0;
        cq__sql_column_type(b, &el, d);
        cq__buf_put(b, "[]");
        break;
    }
    default:
        cq__sql_type(b, t->type, t->length, t->precision, t->scale, d);
    }
}

void cq__sql_put_string(cq__buf *b, const char *s, cq_dialect d)
{
    cq__sql_dialect_of(d)->put_string(b, s);
}

static bool is_float_type(int type)
{
    return type == CQ_FLOAT || type == CQ_REAL || type == CQ_DOUBLE;
}

/* "2020-01-02T03:04:05.000Z" (cequel's DATE value form) as Sequelize writes a Date default
 * (the dialect's date_text, quoted). Returns false when the text is not in that form (it is
 * then written as given). */
static bool put_date(cq__buf *b, const char *s, cq_dialect d)
{
    int y, mo, da, h, mi, se, ms = 0, n = 0;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &da, &h, &mi, &se, &n) != 6)
        return false;
    const char *rest = s + n;
    if (*rest == '.') {
        int k = 0;
        rest++;
        for (int i = 0; i < 3; i++, rest++) {
            if (*rest < '0' || *rest > '9')
                return false;
            k = k * 10 + (*rest - '0');
        }
        while (*rest >= '0' && *rest <= '9')
            rest++;
        ms = k;
    }
    if (strcmp(rest, "Z") != 0)
        return false;
    /* the parsed date in the canonical form the dialect's date_text reads */
    char iso[64];
    snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, mo, da, h, mi, se, ms);
    cq__buf_putc(b, '\'');
    if (!cq__sql_dialect_of(d)->date_text(b, iso, true))
        cq__buf_put(b, iso);
    cq__buf_putc(b, '\'');
    return true;
}

/* a value as JSON.stringify writes it, then quoted: '{"a":1}', '"x"', '5'. False when it
 * cannot be written. */
static bool put_json_string(cq__buf *b, const cq_value *v, cq_dialect d)
{
    char *json = NULL;
    if (cq_value_to_json(&json, v, 0) != CQ_OK)
        return false;
    cq__sql_put_string(b, json, d);
    cq_free(json);
    return true;
}

/* an INT or DOUBLE default (t says which) for a column of `type`. False when out of memory. */
static bool put_number(cq__buf *b, const cq_value *v, cq_value_type t, int type, cq_dialect d)
{
    const cq__sql_dialect *D = cq__sql_dialect_of(d);
    double dv = t == CQ_VALUE_INT ? (double)cq_value_as_int(v) : cq_value_as_double(v);
    if (type == CQ_BOOLEAN) {
        /* cequel reads 0/1 on a BOOLEAN as false/true everywhere; so does its default */
        cq__buf_put(b, dv != 0 ? D->true_literal : D->false_literal);
        return true;
    }
    cq__buf num = { 0 };
    if (t == CQ_VALUE_INT)
        cq__buf_printf(&num, "%lld", (long long)cq_value_as_int(v));
    else if (isnan(dv))
        cq__buf_put(&num, "NaN");
    else if (isinf(dv))
        cq__buf_put(&num, dv < 0 ? "-Infinity" : "Infinity");
    else {
        char js[CQ__JS_NUMBER_MAX];
        cq__js_number(js, dv); /* Number#toString */
        cq__buf_put(&num, js);
    }
    char *text = cq__buf_take(&num);
    if (!text)
        return false;
    /* FLOAT/REAL/DOUBLE stringify to a quoted number ('1.5', '7') in Sequelize */
    if (D->typed_defaults && is_float_type(type))
        cq__buf_printf(b, "'%s'", text);
    else
        cq__buf_put(b, text);
    cq__free(text);
    return true;
}

/* BLOB._hexify: X'..' (SQLite, MySQL), E'\\x..' (PostgreSQL) */
static void put_blob_hex(cq__buf *b, const cq_value *v, const cq__sql_dialect *D)
{
    size_t n = 0;
    const unsigned char *p = cq_value_as_blob(v, &n);
    cq__buf_put(b, D->blob_open);
    for (size_t i = 0; i < n; i++)
        cq__buf_printf(b, "%02x", p[i]);
    cq__buf_putc(b, '\'');
}

char *cq__sql_default_literal(const cq_value *v, int type, cq_dialect d)
{
    const cq__sql_dialect *D = cq__sql_dialect_of(d);
    if (!v)
        return NULL;
    /* MySQL: BLOB/TEXT/GEOMETRY/JSON columns cannot have a default; Sequelize omits it */
    if (!D->lob_defaults && (type == CQ_TEXT || type == CQ_BLOB || type == CQ_JSON))
        return NULL;
    cq__buf b = { 0 };
    cq_value_type t = cq_value_type_of(v);
    bool ok = true;
    /* Sequelize escapes a default with its attribute's type on SQLite/PostgreSQL (the type's
     * stringify runs first) and without it on MySQL. */
    if (D->typed_defaults && (type == CQ_JSON || type == CQ_JSONB) && t != CQ_VALUE_NULL) {
        ok = put_json_string(&b, v, d);
    } else {
        switch (t) {
        case CQ_VALUE_NULL:
            cq__buf_put(&b, "NULL");
            break;
        case CQ_VALUE_BOOL:
            cq__buf_put(&b, cq_value_as_bool(v) ? D->true_literal : D->false_literal);
            break;
        case CQ_VALUE_INT:
        case CQ_VALUE_DOUBLE:
            ok = put_number(&b, v, t, type, d);
            break;
        case CQ_VALUE_TEXT:
            if (type != CQ_DATE || !put_date(&b, cq_value_as_text(v), d))
                cq__sql_put_string(&b, cq_value_as_text(v), d);
            break;
        case CQ_VALUE_ARRAY:
        case CQ_VALUE_OBJECT:
            ok = put_json_string(&b, v, d);
            break;
        case CQ_VALUE_BLOB:
            put_blob_hex(&b, v, D);
            break;
        }
    }
    if (!ok) {
        cq__buf_free(&b);
        return NULL;
    }
    return cq__buf_take(&b);
}

void cq__sql_ddl_references(cq__buf *b, const cq__ddl_col *c, cq_dialect d)
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

bool cq__sql_ddl_has_reference(const cq__ddl_col *c)
{
    return c->ref_table && !c->ref_deferred;
}

/* The modifiers every dialect appends after the type, in Sequelize's order:
 * [NOT NULL] [auto_increment (MySQL)] [DEFAULT x] [UNIQUE]. */
void cq__sql_ddl_modifiers(cq__buf *b, const cq__ddl_col *c, bool not_null, cq_dialect d)
{
    if (not_null)
        cq__buf_put(b, " NOT NULL");
    if (cq__sql_dialect_of(d)->auto_increment_word && c->auto_increment)
        cq__buf_put(b, cq__sql_dialect_of(d)->auto_increment_word);
    if (c->default_sql)
        cq__buf_printf(b, " DEFAULT %s", c->default_sql);
    if (c->unique)
        cq__buf_put(b, " UNIQUE");
}

static void put_col_list(cq__buf *b, const char *const *cols, size_t n, const char *sep,
                         cq_dialect d)
{
    cq__buf_putc(b, '(');
    for (size_t k = 0; k < n; k++) {
        if (k)
            cq__buf_put(b, sep);
        cq__sql_quote(b, d, cols[k]);
    }
    cq__buf_putc(b, ')');
}

char *cq__sql_create_table(const cq__ddl_table *t, cq_dialect d)
{
    const cq__sql_dialect *D = cq__sql_dialect_of(d);
    cq__buf b = { 0 };
    size_t npk = 0;
    for (size_t i = 0; i < t->ncols; i++)
        npk += t->cols[i].primary_key;
    const char **pk = cq__calloc(npk + 1, sizeof *pk);
    if (!pk)
        return NULL;
    for (size_t i = 0, k = 0; i < t->ncols; i++)
        if (t->cols[i].primary_key)
            pk[k++] = t->cols[i].name;

    cq__buf_put(&b, "CREATE TABLE IF NOT EXISTS ");
    cq__sql_quote(&b, d, t->name);
    cq__buf_put(&b, " (");
    for (size_t i = 0; i < t->ncols; i++) {
        if (i)
            cq__buf_put(&b, ", ");
        cq__sql_quote(&b, d, t->cols[i].name);
        cq__buf_putc(&b, ' ');
        D->put_column(&b, &t->cols[i], npk);
    }
    /* named composite uniques (Sequelize's uniqueKeys with customIndex); only MySQL names them */
    for (size_t u = 0; u < t->nuniques; u++) {
        cq__buf_put(&b, ", UNIQUE ");
        if (D->names_uniques && t->uniques[u].name) {
            cq__sql_quote(&b, d, t->uniques[u].name);
            cq__buf_putc(&b, ' ');
        }
        put_col_list(&b, t->uniques[u].cols, t->uniques[u].ncols, ", ", d);
    }
    /* SQLite has a table-level key only when composite; PostgreSQL joins with "," */
    if (npk > 0 && (!D->inline_single_key || npk > 1)) {
        cq__buf_put(&b, ", PRIMARY KEY ");
        put_col_list(&b, pk, npk, D->pk_separator, d);
    }
    if (D->table_foreign_keys) {
        for (size_t i = 0; i < t->ncols; i++) {
            if (!cq__sql_ddl_has_reference(&t->cols[i]))
                continue;
            cq__buf_put(&b, ", FOREIGN KEY (");
            cq__sql_quote(&b, d, t->cols[i].name);
            cq__buf_put(&b, ") ");
            cq__sql_ddl_references(&b, &t->cols[i], d);
        }
    }
    cq__buf_putc(&b, ')');
    if (D->table_options)
        cq__buf_put(&b, D->table_options);
    cq__buf_putc(&b, ';');
    cq__free(pk);
    return cq__buf_take(&b);
}

char *cq__sql_drop_table(const char *table, cq_dialect d)
{
    cq__buf b = { 0 };
    cq__buf_put(&b, "DROP TABLE IF EXISTS ");
    cq__sql_quote(&b, d, table);
    cq__buf_put(&b, cq__sql_dialect_of(d)->drop_suffix);
    return cq__buf_take(&b);
}

char *cq__sql_create_index(const char *table, const cq__ddl_index *ix, cq_dialect d)
{
    cq__buf b = { 0 };
    /* MySQL/MariaDB support indexViaAlter in v6: ALTER TABLE t ADD [UNIQUE] INDEX name (...) */
    if (cq__sql_dialect_of(d)->index_via_alter) {
        cq__buf_put(&b, "ALTER TABLE ");
        cq__sql_quote(&b, d, table);
        cq__buf_put(&b, ix->unique ? " ADD UNIQUE INDEX " : " ADD INDEX ");
        cq__sql_quote(&b, d, ix->name);
    } else {
        cq__buf_put(&b, ix->unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ");
        cq__sql_quote(&b, d, ix->name);
        cq__buf_put(&b, " ON ");
        cq__sql_quote(&b, d, table);
    }
    cq__buf_putc(&b, ' ');
    put_col_list(&b, ix->cols, ix->ncols, ", ", d);
    return cq__buf_take(&b);
}

const char *cq__sql_index_exists_query(cq_dialect d)
{
    return cq__sql_dialect_of(d)->index_exists;
}

char *cq__sql_add_foreign_key(const char *table, const cq__ddl_col *c, cq_dialect d)
{
    cq__buf b = { 0 };
    cq__buf_put(&b, "ALTER TABLE ");
    cq__sql_quote(&b, d, table);
    cq__buf_put(&b, " ADD FOREIGN KEY (");
    cq__sql_quote(&b, d, c->name);
    cq__buf_put(&b, ") ");
    cq__sql_ddl_references(&b, c, d);
    cq__buf_putc(&b, ';');
    return cq__buf_take(&b);
}

const char *cq__sql_table_exists_query(cq_dialect d)
{
    return cq__sql_dialect_of(d)->table_exists;
}

const char *cq__sql_foreign_key_exists_query(cq_dialect d)
{
    return cq__sql_dialect_of(d)->foreign_key_exists;
}
