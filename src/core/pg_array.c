/* PostgreSQL's array text form ('{1,2,NULL,"a b"}'): how an ARRAY value travels as one bound
 * text parameter and how the server sends it back. Only one-dimensional arrays. */
#include <stdlib.h>
#include <string.h>

#include "core/pg_array.h"
#include "core/util.h"

char *cq__pg_array_text(const cq_value *arr)
{
    cq__buf b = { 0 };
    cq__buf_putc(&b, '{');
    for (size_t i = 0; i < cq_value_size(arr); i++) {
        const cq_value *e = cq_value_array_get(arr, i);
        if (i)
            cq__buf_putc(&b, ',');
        switch (cq_value_type_of(e)) {
        case CQ_VALUE_NULL:
            cq__buf_put(&b, "NULL");
            break;
        case CQ_VALUE_BOOL:
            cq__buf_put(&b, cq_value_as_bool(e) ? "t" : "f");
            break;
        case CQ_VALUE_INT:
            cq__buf_printf(&b, "%lld", (long long)cq_value_as_int(e));
            break;
        case CQ_VALUE_DOUBLE:
            cq__buf_printf(&b, "%.17g", cq_value_as_double(e));
            break;
        default: {
            /* every text element quoted, `"` and `\` escaped with a backslash */
            const char *s = cq_value_as_text(e);
            cq__buf_putc(&b, '"');
            for (const char *p = s ? s : ""; *p; p++) {
                if (*p == '"' || *p == '\\')
                    cq__buf_putc(&b, '\\');
                cq__buf_putc(&b, *p);
            }
            cq__buf_putc(&b, '"');
        }
        }
    }
    cq__buf_putc(&b, '}');
    return cq__buf_take(&b);
}

cq_value *cq__pg_array_parse(const char *s)
{
    if (!s || *s != '{')
        return NULL;
    cq_value *arr = cq_value_array();
    const char *p = s + 1;
    if (*p == '}')
        return p[1] == '\0' ? arr : (cq_value_free(arr), NULL);
    while (arr) {
        cq__buf b = { 0 };
        bool quoted = *p == '"';
        if (quoted) {
            for (p++; *p && *p != '"'; p++) {
                if (*p == '\\' && p[1])
                    p++;
                cq__buf_putc(&b, *p);
            }
            if (*p != '"')
                break;
            p++;
        } else {
            for (; *p && *p != ',' && *p != '}'; p++)
                cq__buf_putc(&b, *p);
        }
        char *text = cq__buf_take(&b);
        if (!text)
            break;
        cq_value *item =
            !quoted && strcmp(text, "NULL") == 0 ? cq_value_null() : cq_value_text(text);
        cq__free(text);
        if (cq_value_array_append(arr, item) != CQ_OK)
            break; /* the item is freed by the append */
        if (*p == ',') {
            p++;
            continue;
        }
        if (*p == '}' && p[1] == '\0')
            return arr;
        break;
    }
    cq_value_free(arr);
    return NULL;
}
