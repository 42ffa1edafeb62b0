/*
 * cq_value_pack: jansson's json_pack() grammar, then the jansson tree converted to a
 * cq_value. The grammar, its argument checks and its error positions are jansson's own;
 * only `o`/`O` (which take a json_t) are refused before jansson reads any argument.
 */
#include <jansson.h>
#include <stdarg.h>
#include <string.h>

#include "cequel/value.h"
#include "core/error.h"
#include "core/util.h"
#include "core/value_internal.h"

int cq_value_vpack_ex(cq_value **out, cq_error *err, const char *fmt, va_list ap)
{
    if (!out)
        return cq__err_set(err, CQ_EINVALID, "cq_value_pack: out is NULL");
    *out = NULL;
    if (!fmt)
        return cq__err_set(err, CQ_EINVALID, "cq_value_pack: the format is NULL");
    /* Every letter of a format is a grammar token (keys come from the arguments), so an
     * `o` or `O` anywhere is jansson's "embed a json_t", which a caller of ours never has. */
    const char *o = strpbrk(fmt, "oO");
    if (o)
        return cq__err_set(err, CQ_EINVALID,
                           "<format>:1:%d: '%c' embeds a jansson value; add a cq_value with "
                           "cq_value_object_set() or cq_value_array_append() instead",
                           (int)(o - fmt) + 1, *o);
    json_error_t je;
    unsigned long refused = cq__json_alloc_failures();
    json_t *j = json_vpack_ex(&je, 0, fmt, ap);
    if (cq__json_alloc_failures() != refused) {
        json_decref(j); /* jansson was refused memory: whatever it built may be incomplete */
        return cq__err_set(err, CQ_ENOMEM, "cq_value_pack: out of memory");
    }
    if (!j)
        return cq__err_set(err, strstr(je.text, "Out of memory") ? CQ_ENOMEM : CQ_EINVALID,
                           "%s:%d:%d: %s", je.source, je.line, je.column, je.text);
    *out = cq__value_from_jansson(j);
    json_decref(j);
    return *out ? CQ_OK : cq__err_set(err, CQ_ENOMEM, "cq_value_pack: out of memory");
}

int cq_value_pack_ex(cq_value **out, cq_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = cq_value_vpack_ex(out, err, fmt, ap);
    va_end(ap);
    return rc;
}

int cq_value_pack(cq_value **out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = cq_value_vpack_ex(out, NULL, fmt, ap);
    va_end(ap);
    return rc;
}
