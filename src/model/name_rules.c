/* Names that reach the server, checked at define time: a name the server would refuse, cut
 * or confuse with another is reported when the model or association is defined, naming the
 * model and the option, instead of surfacing later as a syntax error from sync. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/error.h"
#include "model/model.h"
#include "sql/dialect.h"

/* PostgreSQL cuts identifiers to NAMEDATALEN - 1 = 63 bytes (with a NOTICE only), MySQL and
 * MariaDB refuse names longer than 64 characters; SQLite has no limit. */
static size_t max_ident(cq_dialect d, bool *in_chars)
{
    *in_chars = cq__sql_dialect_of(d)->identifier_in_chars;
    return cq__sql_dialect_of(d)->max_identifier;
}

/* Length in UTF-8 characters (continuation bytes not counted). */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

int cq__name_nonempty(cq_db *db, const char *model, const char *option, const char *value)
{
    if (value && !*value)
        return cq__db_fail(db, CQ_EINVALID, "model \"%s\": %s is an empty name", model, option);
    return CQ_OK;
}

int cq__name_check_ident(cq_db *db, const char *model, const char *option, const char *value)
{
    int rc = cq__name_nonempty(db, model, option, value);
    if (rc != CQ_OK || !value)
        return rc;
    bool chars = false;
    size_t max = max_ident(cq_db_dialect(db), &chars);
    size_t len = chars ? utf8_chars(value) : strlen(value);
    if (max && len > max)
        return cq__db_fail(db, CQ_EINVALID,
                           "model \"%s\": %s \"%s\" is %zu %s long; %s allows at most %zu", model,
                           option, value, len, chars ? "characters" : "bytes",
                           chars ? "MySQL" : "PostgreSQL", max);
    return CQ_OK;
}

int cq__model_check_names(cq_model *m)
{
    cq_db *db = m->db;
    int rc = cq__name_check_ident(db, m->name, "table name", m->table);
    for (size_t i = 0; rc == CQ_OK && i < m->nattrs; i++) {
        const cq__attr *a = &m->attrs[i];
        char option[160];
        snprintf(option, sizeof option, "the column of attribute \"%s\"", a->name);
        rc = cq__name_check_ident(db, m->name, option, a->field);
        /* SQLite and MySQL compare column names without regard to case, so `Id` next to `id`
         * is one column there (and a duplicate column at sync): refused on every dialect so a
         * schema means the same everywhere */
        for (size_t j = 0; rc == CQ_OK && j < i; j++) {
            const cq__attr *b = &m->attrs[j];
            if (strcasecmp(a->field, b->field) == 0)
                rc = cq__db_fail(
                    db, CQ_EINVALID,
                    "model \"%s\": attribute \"%s\" (column \"%s\") %s attribute \"%s\" "
                    "(column \"%s\") of table \"%s\"",
                    m->name, a->name, a->field,
                    strcmp(a->field, b->field) == 0 ? "has the same column as"
                                                    : "differs only by case from",
                    b->name, b->field, m->table);
        }
    }
    for (size_t i = 0; rc == CQ_OK && i < m->nindexes; i++)
        if (m->indexes[i].name)
            rc = cq__name_check_ident(db, m->name, "index name", m->indexes[i].name);
    return rc;
}
