/*
 * Case helpers with Sequelize's exact behaviour (naming.md 2). Letter case changes are ASCII
 * only; JavaScript would also change non-ASCII letters (`_é` -> `É` in camelize, `É` -> `é`
 * in underscore, `élan` -> `Élan` in upperFirst). Identifiers are ASCII in practice.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "naming/naming.h"

static bool is_space(char c)
{
    /* JavaScript's trim() and \s also cover Unicode spaces (NBSP, ...); ASCII only here. */
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static bool is_separator(char c)
{
    return c == '-' || c == '_' || is_space(c);
}

static char ascii_upper(char c)
{
    return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

static char ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Sequelize lib/utils.js: str.trim().replace(/[-_\s]+(.)?/g, (m, c) => c.toUpperCase()) */
int cq__naming_camelize(char **out, const char *s)
{
    *out = NULL;
    if (!s)
        return CQ_EINVALID;
    size_t begin = 0, end = strlen(s);
    while (begin < end && is_space(s[begin]))
        begin++;
    while (end > begin && is_space(s[end - 1]))
        end--;

    char *buf = cq__malloc(end - begin + 1);
    if (!buf)
        return CQ_ENOMEM;
    size_t w = 0;
    for (size_t i = begin; i < end;) {
        if (!is_separator(s[i])) {
            buf[w++] = s[i++];
            continue;
        }
        while (i < end && is_separator(s[i]))
            i++;
        if (i == end) {
            /* v6 calls toUpperCase() on the missing character and throws a TypeError. */
            cq__free(buf);
            return CQ_EINVALID;
        }
        buf[w++] = ascii_upper(s[i++]);
    }
    buf[w] = '\0';
    *out = buf;
    return CQ_OK;
}

/*
 * inflection.underscore: split on "::", in each part put `_` before [A-Z] and drop one
 * leading `_`, join with "/", lower-case.
 */
char *cq__naming_underscore(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    char *buf = cq__malloc(2 * n + 1); /* at most one `_` per input character */
    if (!buf)
        return NULL;
    size_t w = 0;
    size_t part = 0; /* index in `s` where the current "::" part begins */
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ':' && s[i + 1] == ':') {
            buf[w++] = '/';
            part = i + 2;
            i++;
            continue;
        }
        /* `_` inserted before a capital, or an original `_`, at the start of a part is the one
         * leading `_` that gets dropped. */
        if (s[i] >= 'A' && s[i] <= 'Z') {
            if (i != part)
                buf[w++] = '_';
        } else if (s[i] == '_' && i == part) {
            continue;
        }
        buf[w++] = ascii_lower(s[i]);
    }
    buf[w] = '\0';
    return buf;
}

char *cq__naming_upper_first(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = cq__malloc(n);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[0] = ascii_upper(d[0]); /* ASCII only (naming.md 2.3 allows it) */
    return d;
}
