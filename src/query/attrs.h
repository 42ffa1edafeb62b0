/* v6's fn / col / literal in a find: the `attributes` forms with functions and aliases, `group`
 * and `having` (attributes.md). The values' shapes are parsed here into statement-tree
 * expressions; src/sql renders them. */
#ifndef CQ_QUERY_ATTRS_H
#define CQ_QUERY_ATTRS_H

#include "model/model.h"
#include "stmt/stmt.h"

/* An expression given as a value: {"$fn": [name, args...]}, {"$col": "a.b"}, {"$literal":
 * "sql"} (refused unless `literals`), or a scalar (a bound parameter). Columns that name an
 * attribute of `m` (bare, or qualified by the model's name) read its column. */
int cq__sqlexpr_build(cq__expr **out, cq_model *m, const cq_value *v, bool literals);

/* Whether `v` is one of the expression objects above ({"$fn"}, {"$col"}, {"$literal"}). */
bool cq__sqlexpr_is(const cq_value *v);

/* One column of a find's own select list, in order. */
typedef struct cq__proj_item {
    long attr;      /* >= 0: the model's attribute, read under its own name */
    cq__expr *expr; /* else: this expression (owned until the statement takes it) ... */
    char *alias;    /* ... read under this alias (owned) */
    long slot;      /* the alias names attribute `slot` (its value goes there), else -1 */
    long src;       /* `['name', 'nm']`: the attribute read (its type reads the value), else -1 */
} cq__proj_item;

typedef struct cq__proj {
    cq__proj_item *items;
    size_t n, cap;
    char **names;     /* the plain attribute names the spec lists (NULL-terminated), or NULL */
    char **exclude;   /* `{exclude: [...]}` (NULL-terminated), or NULL */
    bool has_expr;    /* an item with an expression */
    bool attrs_first; /* {include: [...]}: the attributes come before the items */
} cq__proj;

/* Parses a find's attributes spec (an array in v6's form, or {include, exclude}) into `p`:
 * the plain names and exclusions (for the attribute selection) and the expression items. */
int cq__proj_parse(cq__proj *p, cq_model *m, const cq_value *spec, bool literals);
/* After the selection `sel` is final: the selected attributes not listed yet are added
 * (in definition order; v6's include form lists every attribute before its extras). */
int cq__proj_finish(cq__proj *p, cq_model *m, const bool *sel);
/* The item whose alias is `alias`, or NULL. */
const cq__proj_item *cq__proj_find_alias(const cq__proj *p, const char *alias);
void cq__proj_free(cq__proj *p);

/* GROUP BY from a value: a column name (text) or an expression, or an array of them. */
int cq__group_build(cq__stmt *st, cq_model *m, const cq_value *group, bool literals);

#endif
