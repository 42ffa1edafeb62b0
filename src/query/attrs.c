/* v6's fn / col / literal in a find's attributes, group and having (attributes.md). */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "query/attrs.h"

bool cq__sqlexpr_is(const cq_value *v)
{
    if (cq_value_type_of(v) != CQ_VALUE_OBJECT || cq_value_size(v) != 1)
        return false;
    const char *k = cq_value_object_key(v, 0);
    return cq__streq(k, "$fn") || cq__streq(k, "$col") || cq__streq(k, "$literal");
}

/* {"$col": "a"}, "Model.a", "path.to.include.a", "*": a column; a bare name or one qualified
 * by the model's own name that names an attribute reads that attribute's column. The
 * qualifier's inner dots become `->`, as include aliases are written. */
static int col_build(cq__expr **out, cq_model *m, const cq_value *v)
{
    const char *name = cq_value_as_text(v);
    if (cq_value_type_of(v) != CQ_VALUE_TEXT || !name[0])
        return cq__db_fail(m->db, CQ_EINVALID, "model \"%s\": $col takes a column name as text",
                           m->name);
    const char *dot = strrchr(name, '.');
    if (dot && (dot == name || !dot[1]))
        return cq__db_fail(m->db, CQ_EINVALID, "model \"%s\": bad $col name \"%s\"", m->name, name);
    const char *column = dot ? dot + 1 : name;
    char *table = dot ? cq__strndup(name, (size_t)(dot - name)) : NULL;
    if (dot && !table)
        return cq__db_oom(m->db);
    if (!table || cq__streq(table, m->name)) {
        long i = cq__model_attr_index(m, column);
        if (i >= 0)
            column = m->attrs[i].field;
    }
    cq__buf b = { 0 };
    for (const char *p = table; p && *p; p++) {
        if (*p == '.')
            cq__buf_put(&b, "->");
        else
            cq__buf_putc(&b, *p);
    }
    cq__free(table);
    *out = b.oom ? NULL : cq__expr_col(b.data, column);
    cq__free(b.data);
    return *out ? CQ_OK : cq__db_oom(m->db);
}

int cq__sqlexpr_build(cq__expr **out, cq_model *m, const cq_value *v, bool literals)
{
    *out = NULL;
    cq_db *db = m->db;
    switch (cq_value_type_of(v)) {
    case CQ_VALUE_NULL:
    case CQ_VALUE_BOOL:
    case CQ_VALUE_INT:
    case CQ_VALUE_DOUBLE:
    case CQ_VALUE_TEXT:
        *out = cq__expr_param(cq_value_copy(v));
        return *out ? CQ_OK : cq__db_oom(db);
    default:
        break;
    }
    if (!cq__sqlexpr_is(v))
        return cq__db_fail(db, CQ_EINVALID,
                           "model \"%s\": an expression is {\"$fn\": [name, args...]}, "
                           "{\"$col\": name}, {\"$literal\": sql} or a plain value",
                           m->name);
    const char *k = cq_value_object_key(v, 0);
    const cq_value *arg = cq_value_object_value(v, 0);
    if (cq__streq(k, "$col"))
        return col_build(out, m, arg);
    if (cq__streq(k, "$literal")) {
        if (!literals)
            return cq__db_fail(db, CQ_EINVALID,
                               "model \"%s\": $literal is raw SQL and is refused unless the "
                               "caller allows literals (cq_find_opts.literals)",
                               m->name);
        if (cq_value_type_of(arg) != CQ_VALUE_TEXT || cq__value_text_has_nul(arg))
            return cq__db_fail(db, CQ_EINVALID, "model \"%s\": $literal takes SQL text", m->name);
        cq__expr *e = cq__expr_new(CQ__EX_LITERAL);
        if (!e || !(e->raw = cq__strdup(cq_value_as_text(arg)))) {
            cq__expr_free(e);
            return cq__db_oom(db);
        }
        *out = e;
        return CQ_OK;
    }
    /* $fn: [name, args...] */
    const cq_value *fname = cq_value_array_get(arg, 0);
    if (cq_value_type_of(arg) != CQ_VALUE_ARRAY || cq_value_type_of(fname) != CQ_VALUE_TEXT ||
        !cq__is_plain_name(cq_value_as_text(fname)))
        return cq__db_fail(db, CQ_EINVALID,
                           "model \"%s\": $fn takes [name, args...], the name letters, digits "
                           "and _",
                           m->name);
    cq__expr *e = cq__expr_new(CQ__EX_FN);
    if (!e || !(e->column = cq__strdup(cq_value_as_text(fname)))) {
        cq__expr_free(e);
        return cq__db_oom(db);
    }
    int rc = CQ_OK;
    for (size_t i = 1; rc == CQ_OK && i < cq_value_size(arg); i++) {
        cq__expr *kid = NULL;
        rc = cq__sqlexpr_build(&kid, m, cq_value_array_get(arg, i), literals);
        if (rc == CQ_OK && cq__expr_add(e, kid) != 0)
            rc = cq__db_oom(db);
    }
    return cq__expr_out(out, e, rc);
}

static int push_name(char ***list, size_t *n, const char *s)
{
    char **l = cq__realloc(*list, (*n + 2) * sizeof *l);
    if (!l)
        return -1;
    *list = l;
    if (!(l[*n] = cq__strdup(s)))
        return -1;
    l[++*n] = NULL;
    return 0;
}

static int push_item(cq__proj *p, cq__proj_item it)
{
    if (cq__grow((void **)&p->items, &p->cap, p->n + 1, sizeof *p->items) != 0)
        return -1;
    p->items[p->n++] = it;
    return 0;
}

/* One element of an attributes list: a name, or [expression or name, alias]. */
static int parse_item(cq__proj *p, cq_model *m, const cq_value *el, bool literals, size_t *nnames)
{
    cq_db *db = m->db;
    if (cq_value_type_of(el) == CQ_VALUE_TEXT) {
        const char *name = cq_value_as_text(el);
        if (push_name(&p->names, nnames, name) != 0)
            return cq__db_oom(db);
        long i = cq__model_attr_index(m, name);
        if (i >= 0) {
            for (size_t k = 0; k < p->n; k++)
                if (p->items[k].attr == i)
                    return CQ_OK; /* listed twice: read once */
            if (push_item(p, (cq__proj_item){ .attr = i, .slot = -1, .src = -1 }) != 0)
                return cq__db_oom(db);
        }
        return CQ_OK; /* a VIRTUAL name (or an unknown one, refused by the selection) */
    }
    const cq_value *what = cq_value_array_get(el, 0);
    const cq_value *alias = cq_value_array_get(el, 1);
    if (cq_value_type_of(el) != CQ_VALUE_ARRAY || cq_value_size(el) != 2 ||
        cq_value_type_of(alias) != CQ_VALUE_TEXT || !cq_value_as_text(alias)[0] ||
        cq__value_text_has_nul(alias))
        return cq__db_fail(db, CQ_EINVALID,
                           "attributes of model \"%s\": an element is a name or [expression or "
                           "name, alias]",
                           m->name);
    const char *as = cq_value_as_text(alias);
    for (size_t k = 0; k < p->n; k++)
        if (p->items[k].alias && cq__streq(p->items[k].alias, as))
            return cq__db_fail(db, CQ_EINVALID, "attributes of model \"%s\": alias \"%s\" twice",
                               m->name, as);
    cq__expr *e = NULL;
    long src = -1;
    int rc;
    if (cq_value_type_of(what) == CQ_VALUE_TEXT) {
        /* ['name', 'nm']: an attribute under another name */
        long i = cq__model_attr_index(m, cq_value_as_text(what));
        if (i < 0)
            return cq__db_fail(db, CQ_EUNKNOWN_ATTR,
                               "attributes: model \"%s\" has no attribute \"%s\"", m->name,
                               cq_value_as_text(what));
        e = cq__expr_col(NULL, m->attrs[i].field);
        src = i;
        rc = e ? CQ_OK : cq__db_oom(db);
    } else {
        rc = cq__sqlexpr_build(&e, m, what, literals);
    }
    if (rc != CQ_OK)
        return rc;
    cq__proj_item it = { .attr = -1, .expr = e, .alias = cq__strdup(as), .src = src };
    it.slot = cq__model_attr_index(m, as);
    if (!it.alias || push_item(p, it) != 0) {
        cq__expr_free(e);
        cq__free(it.alias);
        return cq__db_oom(db);
    }
    p->has_expr = true;
    return CQ_OK;
}

int cq__proj_parse(cq__proj *p, cq_model *m, const cq_value *spec, bool literals)
{
    memset(p, 0, sizeof *p);
    cq_db *db = m->db;
    size_t nnames = 0, nex = 0;
    int rc = CQ_OK;
    if (cq_value_type_of(spec) == CQ_VALUE_ARRAY) {
        /* an empty list reads no attribute at all, as v6's `attributes: []` */
        if (!(p->names = cq__calloc(1, sizeof *p->names)))
            return cq__db_oom(db);
        for (size_t i = 0; rc == CQ_OK && i < cq_value_size(spec); i++)
            rc = parse_item(p, m, cq_value_array_get(spec, i), literals, &nnames);
        return rc;
    }
    if (cq_value_type_of(spec) != CQ_VALUE_OBJECT)
        return cq__db_fail(db, CQ_EINVALID,
                           "attributes of model \"%s\" are an array or {include, exclude}",
                           m->name);
    p->attrs_first = true;
    for (size_t k = 0; rc == CQ_OK && k < cq_value_size(spec); k++) {
        const char *key = cq_value_object_key(spec, k);
        const cq_value *list = cq_value_object_value(spec, k);
        if (cq_value_type_of(list) != CQ_VALUE_ARRAY)
            return cq__db_fail(db, CQ_EINVALID, "attributes of model \"%s\": %s takes an array",
                               m->name, key);
        if (cq__streq(key, "include")) {
            for (size_t i = 0; rc == CQ_OK && i < cq_value_size(list); i++) {
                const cq_value *el = cq_value_array_get(list, i);
                if (cq_value_type_of(el) == CQ_VALUE_TEXT) /* already read: nothing to add */
                    rc = cq__model_attr_index(m, cq_value_as_text(el)) >= 0 ||
                                 cq__accessor_find(m, cq_value_as_text(el))
                             ? CQ_OK
                             : cq__db_fail(db, CQ_EUNKNOWN_ATTR,
                                           "attributes: model \"%s\" has no attribute \"%s\"",
                                           m->name, cq_value_as_text(el));
                else
                    rc = parse_item(p, m, el, literals, &nnames);
            }
        } else if (cq__streq(key, "exclude")) {
            for (size_t i = 0; rc == CQ_OK && i < cq_value_size(list); i++) {
                const cq_value *el = cq_value_array_get(list, i);
                if (cq_value_type_of(el) != CQ_VALUE_TEXT)
                    rc = cq__db_fail(db, CQ_EINVALID,
                                     "attributes of model \"%s\": exclude lists names", m->name);
                else if (push_name(&p->exclude, &nex, cq_value_as_text(el)) != 0)
                    rc = cq__db_oom(db);
            }
        } else {
            rc = cq__db_fail(db, CQ_EINVALID,
                             "attributes of model \"%s\": unknown key \"%s\" (include, exclude)",
                             m->name, key);
        }
    }
    cq__free(p->names); /* the object form reads every attribute but the excluded ones */
    p->names = NULL;
    return rc;
}

int cq__proj_finish(cq__proj *p, cq_model *m, const bool *sel)
{
    cq__proj np = *p;
    np.items = NULL;
    np.n = np.cap = 0;
    int rc = CQ_OK;
    /* the plain attributes already listed keep their place (array form) */
    bool *listed = cq__calloc(m->nattrs + 1, sizeof *listed);
    if (!listed)
        return cq__db_oom(m->db);
    for (size_t k = 0; k < p->n; k++)
        if (p->items[k].attr >= 0 && !p->attrs_first)
            listed[p->items[k].attr] = true;
    for (size_t i = 0; p->attrs_first && rc == CQ_OK && i < m->nattrs; i++)
        if (sel[i] &&
            push_item(&np, (cq__proj_item){ .attr = (long)i, .slot = -1, .src = -1 }) != 0)
            rc = cq__db_oom(m->db);
    for (size_t k = 0; rc == CQ_OK && k < p->n; k++) {
        if (p->items[k].attr >= 0 && (p->attrs_first || !sel[p->items[k].attr]))
            continue;
        if (push_item(&np, p->items[k]) != 0)
            rc = cq__db_oom(m->db);
    }
    for (size_t i = 0; !p->attrs_first && rc == CQ_OK && i < m->nattrs; i++)
        if (sel[i] && !listed[i] &&
            push_item(&np, (cq__proj_item){ .attr = (long)i, .slot = -1, .src = -1 }) != 0)
            rc = cq__db_oom(m->db);
    cq__free(listed);
    if (rc != CQ_OK) { /* the expressions stay with `p` */
        cq__free(np.items);
        return rc;
    }
    cq__free(p->items); /* its expressions and aliases moved to np */
    p->items = np.items;
    p->n = np.n;
    p->cap = np.cap;
    return CQ_OK;
}

const cq__proj_item *cq__proj_find_alias(const cq__proj *p, const char *alias)
{
    for (size_t k = 0; p && k < p->n; k++)
        if (p->items[k].alias && cq__streq(p->items[k].alias, alias))
            return &p->items[k];
    return NULL;
}

void cq__proj_free(cq__proj *p)
{
    if (!p)
        return;
    for (size_t k = 0; k < p->n; k++) {
        cq__expr_free(p->items[k].expr);
        cq__free(p->items[k].alias);
    }
    cq__free(p->items);
    for (char **s = p->names; s && *s; s++)
        cq__free(*s);
    cq__free(p->names);
    for (char **s = p->exclude; s && *s; s++)
        cq__free(*s);
    cq__free(p->exclude);
    memset(p, 0, sizeof *p);
}

int cq__group_build(cq__stmt *st, cq_model *m, const cq_value *group, bool literals)
{
    if (!group)
        return CQ_OK;
    bool list = cq_value_type_of(group) == CQ_VALUE_ARRAY;
    size_t n = list ? cq_value_size(group) : 1;
    for (size_t i = 0; i < n; i++) {
        const cq_value *g = list ? cq_value_array_get(group, i) : group;
        cq__expr *e = NULL;
        int rc = cq_value_type_of(g) == CQ_VALUE_TEXT ? col_build(&e, m, g)
                 : cq__sqlexpr_is(g)                  ? cq__sqlexpr_build(&e, m, g, literals)
                                                      : cq__db_fail(m->db, CQ_EINVALID,
                                                                    "group of model \"%s\": a column "
                                                                                     "name or an expression",
                                                                    m->name);
        if (rc != CQ_OK)
            return rc;
        if (cq__stmt_add_group_expr(st, e) != 0)
            return cq__db_oom(m->db);
    }
    return CQ_OK;
}
