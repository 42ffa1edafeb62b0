/* The dialect tables' lookup and what they share. */
#include <string.h>

#include "sql/dialect.h"

const cq__sql_dialect *cq__sql_dialect_find(cq_dialect d)
{
    switch (d) {
    case CQ_DIALECT_SQLITE:
        return &cq__sql_sqlite;
    case CQ_DIALECT_POSTGRES:
        return &cq__sql_postgres;
    case CQ_DIALECT_MYSQL:
        return &cq__sql_mysql;
    }
    return NULL;
}

const cq__sql_dialect *cq__sql_dialect_of(cq_dialect d)
{
    const cq__sql_dialect *D = cq__sql_dialect_find(d);
    return D ? D : &cq__sql_sqlite;
}

const cq__sql_dialect *cq__sql_dialect_named(const char *key)
{
    static const cq__sql_dialect *const all[] = { &cq__sql_sqlite, &cq__sql_postgres,
                                                  &cq__sql_mysql };
    for (size_t i = 0; key && i < sizeof all / sizeof *all; i++)
        if (strcmp(all[i]->key, key) == 0)
            return all[i];
    return NULL;
}

const char *cq__sql_action(const char *s)
{
    static const char *const actions[] = { "RESTRICT", "CASCADE", "NO ACTION", "SET DEFAULT",
                                           "SET NULL" };
    for (size_t i = 0; s && i < sizeof actions / sizeof *actions; i++)
        if (cq__strcaseeq(s, actions[i]))
            return actions[i];
    return NULL;
}

bool cq__sql_date_value(cq_value **out, cq_dialect d, const char *iso)
{
    cq__buf b = { 0 };
    *out = NULL;
    if (!cq__sql_dialect_of(d)->date_text(&b, iso, false)) {
        cq__buf_free(&b);
        return false;
    }
    *out = b.oom ? NULL : cq_value_text_n(b.data, b.len);
    cq__buf_free(&b);
    return true;
}

void cq__sql_put_string_std(cq__buf *b, const char *s)
{
    cq__buf_putc(b, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '\'')
            cq__buf_putc(b, '\'');
        cq__buf_putc(b, *p);
    }
    cq__buf_putc(b, '\'');
}

void cq__sql_put_dq(cq__buf *b, const char *name)
{
    cq__buf_putc(b, '"');
    for (const char *p = name; *p; p++) {
        if (*p == '"')
            cq__buf_putc(b, '"');
        cq__buf_putc(b, *p);
    }
    cq__buf_putc(b, '"');
}

const char *cq__sql_row_text(const cq_value *row, const char *key)
{
    return cq_value_as_text(cq_value_object_get(row, key));
}
