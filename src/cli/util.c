/* Helpers of the cequel tool: result references and template paths. (Messages, JSON paths and
 * JSON to cq_value are the schema loader's, in src/schema/json_util.c.) */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "cli.h"

bool cli_ref_parse(cli_ref *out, const char *text, bool dollar, bool allow_attr)
{
    memset(out, 0, sizeof *out);
    out->index = -1;
    const char *p = text;
    if (dollar) {
        if (*p != '$')
            return false;
        p++;
    }
    size_t n = 0;
    while (isalnum((unsigned char)p[n]) || p[n] == '_')
        n++;
    if (n == 0 || n >= sizeof out->name)
        return false;
    memcpy(out->name, p, n);
    p += n;
    if (*p == '[') {
        p++;
        if (!isdigit((unsigned char)*p))
            return false;
        long idx = 0;
        while (isdigit((unsigned char)*p)) {
            if (idx > 100000000L)
                return false;
            idx = idx * 10 + (*p - '0');
            p++;
        }
        if (*p != ']')
            return false;
        p++;
        out->index = idx;
    }
    if (*p == '.' && allow_attr) {
        p++;
        size_t an = strlen(p);
        if (an == 0 || an >= sizeof out->attr)
            return false;
        memcpy(out->attr, p, an + 1);
        return true;
    }
    return *p == '\0';
}

bool cli_tpath_parse(const char *text, char *name_out, const char **rest_out)
{
    size_t n = 0;
    while (isalnum((unsigned char)text[n]) || text[n] == '_')
        n++;
    if (n == 0 || n >= 64)
        return false;
    memcpy(name_out, text, n);
    name_out[n] = '\0';
    const char *p = text + n;
    *rest_out = p;
    while (*p) {
        if (*p == '[') {
            p++;
            if (!isdigit((unsigned char)*p))
                return false;
            while (isdigit((unsigned char)*p))
                p++;
            if (*p != ']')
                return false;
            p++;
        } else if (*p == '.') {
            p++;
            size_t k = strcspn(p, ".[");
            if (k == 0)
                return false;
            p += k;
        } else {
            return false;
        }
    }
    return true;
}

const cq_value *cli_tpath_walk(const cq_value *root, const char *rest)
{
    const cq_value *v = root;
    const char *p = rest;
    while (v && *p) {
        if (*p == '[') {
            char *end = NULL;
            unsigned long idx = strtoul(p + 1, &end, 10);
            p = end + 1;
            v = cq_value_type_of(v) == CQ_VALUE_ARRAY ? cq_value_array_get(v, (size_t)idx) : NULL;
        } else {
            p++;
            size_t k = strcspn(p, ".[");
            char key[256];
            if (k >= sizeof key)
                return NULL;
            memcpy(key, p, k);
            key[k] = '\0';
            p += k;
            v = cq_value_type_of(v) == CQ_VALUE_OBJECT ? cq_value_object_get(v, key) : NULL;
        }
    }
    return v;
}
