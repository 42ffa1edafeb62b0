/*
 * cq_pluralize() / cq_singularize(): the procedure of naming.md 1.1 over the tables in
 * inflection_rules.c, with a small backtracking matcher for their restricted regex syntax.
 *
 * Why not POSIX regex: the rules need JavaScript semantics (leftmost match, alternatives in
 * order, a group that took no part captures ""), case-insensitivity that is ASCII-only and
 * byte-based like JS's non-unicode /i (a non-ASCII character never equals an ASCII letter),
 * and no locale. The patterns have no quantifiers, so a direct matcher is short.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "naming/naming.h"

#define MAX_GROUPS 10 /* $0 (unused) .. $9 */

static int ascii_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/* Pattern being matched, the subject, and the capture spans (-1 = did not take part). */
typedef struct match_state {
    const char *pattern;
    const char *s;
    size_t n;
    long start[MAX_GROUPS];
    long end[MAX_GROUPS];
    size_t match_end;
    bool bad_pattern;
} match_state;

/* Where to go once the sequence inside a group ends: after its `)`, recording group `group`. */
typedef struct cont {
    const char *after;
    int group;
    const struct cont *next;
} cont;

/* End of a class starting at `p` (which points at `[`): the `]`, or NULL if unterminated. */
static const char *class_end(const char *p)
{
    p++;
    if (*p == '^')
        p++;
    while (*p && *p != ']')
        p++;
    return *p ? p : NULL;
}

/* For `p` inside a group: its closing `)`, or with `bar` set the first `|` of the same group
 * if one comes first; NULL if unbalanced. */
static const char *group_scan(const char *p, bool bar)
{
    int depth = 0;
    for (; *p; p++) {
        if (*p == '[') {
            p = class_end(p);
            if (!p)
                return NULL;
        } else if (*p == '(') {
            depth++;
        } else if (*p == ')') {
            if (depth == 0)
                return p;
            depth--;
        } else if (*p == '|' && bar && depth == 0) {
            return p;
        }
    }
    return NULL;
}

/* For `p` just after a `(`: the matching `)`, or NULL if unbalanced. */
static const char *group_end(const char *p)
{
    return group_scan(p, false);
}

/* For `p` inside a group: the next `|` of the same group, or NULL at its `)`. */
static const char *next_alternative(const char *p)
{
    const char *q = group_scan(p, true);
    return q && *q == '|' ? q : NULL;
}

static int group_number(const match_state *st, const char *open)
{
    int n = 0;
    for (const char *q = st->pattern; q <= open; q++) {
        if (*q == '[')
            q = class_end(q);
        else if (*q == '(')
            n++;
    }
    return n;
}

/* Does the rest of the pattern from `p` match the subject from `i`? */
static bool match_here(match_state *st, const char *p, size_t i, const cont *k)
{
    for (;;) {
        char c = *p;
        if (c == '\0' || c == '|' || c == ')') {
            if (!k) {
                if (c != '\0') {
                    st->bad_pattern = true;
                    return false;
                }
                st->match_end = i;
                return true;
            }
            long old_end = st->end[k->group];
            st->end[k->group] = (long)i;
            if (match_here(st, k->after, i, k->next))
                return true;
            st->end[k->group] = old_end;
            return false;
        }
        if (c == '^') {
            if (i != 0)
                return false;
            p++;
        } else if (c == '$') {
            if (i != st->n)
                return false;
            p++;
        } else if (c == '[') {
            const char *close = class_end(p);
            if (!close) {
                st->bad_pattern = true;
                return false;
            }
            if (i >= st->n)
                return false;
            const char *q = p + 1;
            bool negate = *q == '^';
            if (negate)
                q++;
            bool found = false;
            for (; q < close; q++) {
                if (ascii_lower((unsigned char)*q) == ascii_lower((unsigned char)st->s[i]))
                    found = true;
            }
            if (found == negate)
                return false;
            p = close + 1;
            i++;
        } else if (c == '(') {
            const char *close = group_end(p + 1);
            int g = group_number(st, p);
            if (!close || g >= MAX_GROUPS) {
                st->bad_pattern = true;
                return false;
            }
            cont here = { close + 1, g, k };
            long old_start = st->start[g];
            st->start[g] = (long)i;
            for (const char *alt = p + 1; alt; alt = next_alternative(alt)) {
                if (*alt == '|')
                    alt++;
                if (match_here(st, alt, i, &here))
                    return true;
                if (st->bad_pattern)
                    break;
            }
            st->start[g] = old_start;
            return false;
        } else {
            if (i >= st->n || ascii_lower((unsigned char)c) != ascii_lower((unsigned char)st->s[i]))
                return false;
            p++;
            i++;
        }
    }
}

int cq__naming_pattern_replace(char **out, const char *word, const char *pattern,
                               const char *replacement)
{
    if (out)
        *out = NULL;
    if (!word || !pattern)
        return CQ_EINVALID;

    match_state st = { .pattern = pattern, .s = word, .n = strlen(word) };
    size_t at = 0;
    bool matched = false;
    for (; at <= st.n && !matched; at++) {
        for (int g = 0; g < MAX_GROUPS; g++)
            st.start[g] = st.end[g] = -1;
        matched = match_here(&st, pattern, at, NULL);
        if (st.bad_pattern)
            return CQ_EINVALID;
    }
    if (!matched)
        return 0;
    at--;
    if (!out || !replacement)
        return 1;

    /* Two passes over the replacement: measure, then write. */
    char *buf = NULL;
    size_t len = 0;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            buf = cq__malloc(len + 1);
            if (!buf)
                return CQ_ENOMEM;
            memcpy(buf, word, at);
        }
        size_t w = at;
        for (const char *r = replacement; *r; r++) {
            if (r[0] == '$' && r[1] >= '1' && r[1] <= '9') {
                int g = r[1] - '0';
                r++;
                if (st.start[g] < 0 || st.end[g] < 0)
                    continue;
                size_t glen = (size_t)(st.end[g] - st.start[g]);
                if (pass == 1)
                    memcpy(buf + w, word + st.start[g], glen);
                w += glen;
            } else {
                if (pass == 1)
                    buf[w] = *r;
                w++;
            }
        }
        size_t tail = st.n - st.match_end;
        if (pass == 1) {
            memcpy(buf + w, word + st.match_end, tail);
            buf[w + tail] = '\0';
        }
        len = w + tail;
    }
    *out = buf;
    return 1;
}

static bool ascii_equal_nocase(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        if (ascii_lower((unsigned char)*a) != ascii_lower((unsigned char)*b))
            return false;
    }
    return *a == *b;
}

static char *dup_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = cq__malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

char *cq__naming_inflect(const char *word, const cq__naming_rule *rules, size_t rule_count,
                         const char *const *uncountables, size_t uncountable_count)
{
    if (!word)
        return NULL;
    for (size_t i = 0; i < uncountable_count; i++) {
        if (ascii_equal_nocase(word, uncountables[i]))
            return dup_string(word);
    }
    for (size_t i = 0; i < rule_count; i++) {
        char *out = NULL;
        int rc = cq__naming_pattern_replace(&out, word, rules[i].pattern, rules[i].replacement);
        if (rc == 1)
            return rules[i].replacement ? out : dup_string(word);
        if (rc == CQ_ENOMEM)
            return NULL;
        /* 0: no match; CQ_EINVALID cannot happen with the built-in tables (tested). */
    }
    return dup_string(word);
}

char *cq_pluralize(const char *word)
{
    return cq__naming_inflect(word, cq__naming_plural_rules, cq__naming_plural_rule_count,
                              cq__naming_uncountables, cq__naming_uncountable_count);
}

char *cq_singularize(const char *word)
{
    return cq__naming_inflect(word, cq__naming_singular_rules, cq__naming_singular_rule_count,
                              cq__naming_uncountables, cq__naming_uncountable_count);
}

char *cq__naming_pluralize(const cq__inflector *infl, const char *word)
{
    if (!word)
        return NULL;
    if (infl && infl->pluralize)
        return infl->pluralize(word, infl->user_data);
    return cq_pluralize(word);
}

char *cq__naming_singularize(const cq__inflector *infl, const char *word)
{
    if (!word)
        return NULL;
    if (infl && infl->singularize)
        return infl->singularize(word, infl->user_data);
    return cq_singularize(word);
}
