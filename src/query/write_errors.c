/* Context for constraint errors from the database: the model, attribute and value. */
#include <stdio.h>
#include <string.h>

#include "model/model.h"
#include "query/instance.h"
#include "sql/dialect.h"

/* SQLite's "FOREIGN KEY constraint failed" names no column: find the key of `inst` that
 * references no row and add it to the message (model, attribute, value, referenced model). */
static void name_foreign_key(cq_model *m, const cq_instance *inst)
{
    cq_error keep = cq__err_save();
    char found[256] = "";
    for (size_t i = 0; i < m->nattrs && !found[0]; i++) {
        const cq_value *v = cq__iv(inst, i);
        cq_model *ref = cq_model_attr_references_model(m, i);
        const char *key = cq_model_attr_references_key(m, i);
        if (!v || cq_value_is_null(v) || !ref || !key)
            continue;
        long k = cq__model_attr_index(ref, key);
        for (size_t j = 0; k < 0 && j < ref->nattrs; j++)
            if (strcmp(ref->attrs[j].field, key) == 0)
                k = (long)j;
        cq_value *w = cq_value_object();
        int64_t n = 1;
        if (k >= 0 && w && cq_value_object_set(w, ref->attrs[k].name, cq_value_copy(v)) == CQ_OK &&
            cq_model_count(
                &n, ref,
                &(cq_find_opts){ .where = w, .scope = CQ_EMPTY_ARRAY, .use_master = true }) ==
                CQ_OK &&
            n == 0) {
            char *text = NULL;
            cq_value_to_json(&text, v, 0);
            snprintf(found, sizeof found, "%s.%s = %s references no %s row", m->name,
                     m->attrs[i].name, text ? text : "?", ref->name);
            cq_free(text);
        }
        cq_value_free(w);
    }
    cq__err_restore(&keep);
    if (found[0]) {
        size_t len = strlen(cq__last_error()->message);
        snprintf(cq__last_error()->message + len, sizeof cq__last_error()->message - len, ": %s",
                 found);
    }
}

/* SQLite names the table and columns of a unique violation ("UNIQUE constraint failed:
 * tags.code"), PostgreSQL its key in the detail ("... violates unique constraint
 * \"tags_code_key\": Key (code)=(x) already exists.", identifiers quoted when they need it):
 * add the model and attribute ("tag.code must be unique"). */
/* MySQL names the index ("Duplicate entry 'x' for key 'code'"; MySQL 8 prefixes the table,
 * 'tags.code'): an inline UNIQUE index is named after its column, a composite one after the
 * attributes' unique name, the primary key is PRIMARY. */
static bool name_unique_mysql(cq_model *m)
{
    cq_error *err = cq__last_error();
    const char *key = strstr(err->message, "' for key '");
    if (!key)
        return false;
    key += 11;
    size_t kn = strlen(key);
    if (kn && key[kn - 1] == '\'')
        kn--;
    const char *dot = memchr(key, '.', kn);
    if (dot) {
        kn -= (size_t)(dot + 1 - key);
        key = dot + 1;
    }
    char add[256] = "";
    size_t len = 0;
    bool primary = kn == 7 && strncmp(key, "PRIMARY", 7) == 0;
    for (size_t i = 0; i < m->nattrs && len < sizeof add - 1; i++) {
        const cq__attr *a = &m->attrs[i];
        bool hit = primary ? a->primary_key
                           : (strlen(a->field) == kn && strncmp(a->field, key, kn) == 0) ||
                                 (a->unique_name && strlen(a->unique_name) == kn &&
                                  strncmp(a->unique_name, key, kn) == 0);
        if (hit)
            len += (size_t)snprintf(add + len, sizeof add - len, "%s%s.%s", len ? ", " : "",
                                    m->name, a->name);
    }
    if (len && len < sizeof add) {
        size_t ml = strlen(err->message);
        snprintf(err->message + ml, sizeof err->message - ml, ": %s must be unique", add);
    }
    return true;
}

static void name_unique(cq_model *m)
{
    cq_error *err = cq__last_error();
    if (cq__sql_dialect_of(cq_db_dialect(m->db))->unique_error_names_key && name_unique_mysql(m))
        return;
    const char *cols = strstr(err->message, "failed: "), *stop = NULL;
    if (cols) {
        cols += 8;
        stop = cols + strlen(cols);
    } else if ((cols = strstr(err->message, "Key (")) != NULL &&
               (stop = strstr(cols, ")=(")) != NULL) {
        cols += 5;
    } else {
        cols = NULL;
    }
    char add[256] = "";
    size_t len = 0;
    for (const char *c = cols; c && c < stop && len < sizeof add - 1;) {
        const char *end = strstr(c, ", ");
        if (end && end > stop)
            end = NULL;
        size_t n = end ? (size_t)(end - c) : (size_t)(stop - c);
        const char *dot = memchr(c, '.', n);
        const char *col = dot ? dot + 1 : c;
        size_t cn = n - (size_t)(col - c);
        if (cn >= 2 && col[0] == '"' && col[cn - 1] == '"')
            col++, cn -= 2;
        for (size_t i = 0; i < m->nattrs; i++)
            if (strlen(m->attrs[i].field) == cn && strncmp(m->attrs[i].field, col, cn) == 0) {
                len += (size_t)snprintf(add + len, sizeof add - len, "%s%s.%s", len ? ", " : "",
                                        m->name, m->attrs[i].name);
                break;
            }
        c = end ? end + 2 : NULL;
    }
    if (len && len < sizeof add) {
        size_t ml = strlen(err->message);
        snprintf(err->message + ml, sizeof err->message - ml, ": %s must be unique", add);
    }
}

void cq__write_error_context(cq_model *m, const cq_instance *inst, int rc)
{
    if (rc == CQ_EFOREIGNKEY)
        name_foreign_key(m, inst);
    else if (rc == CQ_EUNIQUE)
        name_unique(m);
}
