#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "query/attrs.h"
#include "query/where.h"
#include "sql/sql.h"

typedef struct wctx {
    cq_model *m;
    const char *alias;
    cq__where_include_fn inc; /* resolves `$path.attr$` keys; NULL = none */
    void *inc_ctx;
    bool having;   /* keys that name no attribute are aliases of the select list */
    bool literals; /* `$where` expressions may hold {"$literal": sql} */
} wctx;

/* The value to bind for attribute `a`: checked against the type and put in storage form. */
static int stored_for(cq_value **out, wctx *w, const cq__attr *a, const cq_value *v)
{
    *out = NULL;
    cq_value *checked = NULL;
    int rc = cq__attr_coerce(&checked, w->m, a, cq_value_copy(v));
    if (rc != CQ_OK)
        return rc;
    *out = cq__attr_to_db(a, checked, cq_db_dialect(w->m->db));
    cq_value_free(checked);
    return *out ? CQ_OK : cq__db_oom(w->m->db);
}

static cq__expr *col_of(wctx *w, const cq__attr *a)
{
    return cq__expr_col(w->alias, a->field);
}

static int build_object(cq__expr **out, wctx *w, const cq_value *obj, cq__expr_kind join);

static int build_nested(cq__expr **out, wctx *w, const cq_value *v, cq__expr_kind join,
                        const char *op)
{
    /* $and / $or take an array of objects or one object */
    if (cq_value_type_of(v) == CQ_VALUE_OBJECT)
        return build_object(out, w, v, join);
    if (cq_value_type_of(v) != CQ_VALUE_ARRAY)
        return cq__db_fail(w->m->db, CQ_EINVALID,
                           "where on model \"%s\": %s expects an array or an object", w->m->name,
                           op);
    cq__expr *e = cq__expr_new(join);
    if (!e)
        return cq__db_oom(w->m->db);
    for (size_t i = 0; i < cq_value_size(v); i++) {
        cq__expr *kid = NULL;
        int rc = build_object(&kid, w, cq_value_array_get(v, i), CQ__EX_AND);
        if (rc != CQ_OK) {
            cq__expr_free(e);
            return rc;
        }
        if (!kid)
            kid = cq__expr_new(CQ__EX_AND);
        if (cq__expr_add(e, kid) != 0) {
            cq__expr_free(e);
            return cq__db_oom(w->m->db);
        }
    }
    *out = e;
    return CQ_OK;
}

/* What a where operator compares: an attribute's column, or a value inside a JSON column
 * (`jpath`: the keys down to it). */
typedef struct target {
    const cq__attr *a;
    const cq_value *jpath; /* array of text keys, or NULL for the column itself */
    const char *bare;      /* having: an alias of the select list (then `a` is a stand-in) */
    const cq_value *expr;  /* `$where`: an expression (fn, col, literal; `a` a stand-in) */
} target;

/* The JSON cast a value asks for, as Sequelize picks it: numbers compare as numbers,
 * booleans as booleans, everything else as text. */
static const char *json_cast(const cq_value *v)
{
    if (cq_value_type_of(v) == CQ_VALUE_ARRAY)
        v = cq_value_array_get(v, 0);
    switch (cq_value_type_of(v)) {
    case CQ_VALUE_INT:
    case CQ_VALUE_DOUBLE:
        return "num";
    case CQ_VALUE_BOOL:
        return "bool";
    default:
        return NULL;
    }
}

static cq__expr *lhs_of(wctx *w, const target *t, const cq_value *v)
{
    if (t->bare)
        return cq__expr_col(NULL, t->bare);
    if (t->expr) {
        cq__expr *e = NULL; /* checked once before: only memory can fail here */
        return cq__sqlexpr_build(&e, w->m, t->expr, w->literals) == CQ_OK ? e : NULL;
    }
    if (!t->jpath)
        return col_of(w, t->a);
    cq__expr *e = cq__expr_new(CQ__EX_JSON);
    if (!e)
        return NULL;
    e->op = json_cast(v);
    e->value = cq_value_copy(t->jpath);
    e->raw_params = cq_value_array();
    if (!e->value || !e->raw_params ||
        cq_value_array_append(e->raw_params, cq__sql_json_path(t->jpath)) != CQ_OK ||
        cq__expr_add(e, col_of(w, t->a)) != 0) {
        cq__expr_free(e);
        return NULL;
    }
    return e;
}

/* The value to bind for a target: for a column, checked against the attribute's type and put
 * in storage form; inside JSON, bound as given. */
static int value_of(cq_value **out, wctx *w, const target *t, const cq_value *v)
{
    if (!t->jpath && !t->bare && !t->expr)
        return stored_for(out, w, t->a, v);
    *out = cq_value_copy(v);
    return *out ? CQ_OK : cq__db_oom(w->m->db);
}

/* A bound value for a target (value_of), as a statement-tree node. */
static int param_of(cq__expr **out, wctx *w, const target *t, const cq_value *v)
{
    cq_value *bound = NULL;
    int rc = value_of(&bound, w, t, v);
    *out = rc == CQ_OK ? cq__expr_param(bound) : NULL;
    return rc != CQ_OK ? rc : *out ? CQ_OK : cq__db_oom(w->m->db);
}

static const struct {
    const char *name;
    const char *sql;
} cmp_ops[] = {
    { "$eq", "=" },
    { "$ne", "!=" },
    { "$gt", ">" },
    { "$gte", ">=" },
    { "$lt", "<" },
    { "$lte", "<=" },
    { "$like", "LIKE" },
    { "$notLike", "NOT LIKE" },
    { "$iLike", "ILIKE" },
    { "$notILike", "NOT ILIKE" },
    { "$regexp", "REGEXP" },
    { "$notRegexp", "NOT REGEXP" },
    { "$iRegexp", "IREGEXP" },
    { "$notIRegexp", "NOT IREGEXP" },
    { "$contains", "@>" }, /* ARRAY attributes (PostgreSQL) */
    { "$contained", "<@" },
    { "$overlap", "&&" },
};

static bool is_array_op(const char *sql)
{
    return strcmp(sql, "@>") == 0 || strcmp(sql, "<@") == 0 || strcmp(sql, "&&") == 0;
}

static bool is_json(const cq__attr *a)
{
    return a->type == CQ_JSON || a->type == CQ_JSONB;
}

/* $startsWith / $endsWith / $substring: LIKE with the text given, then `%`, before or both
 * (the text's own % and _ stay wildcards, as in Sequelize). */
static const struct {
    const char *name;
    const char *before, *after;
} like_ops[] = {
    { "$startsWith", "", "%" },
    { "$endsWith", "%", "" },
    { "$substring", "%", "%" },
};

static bool is_text_op(const char *sql)
{
    return strstr(sql, "LIKE") || strstr(sql, "REGEXP");
}

/* `{$col: "user.id"}`: a column named by its qualified name; the qualifier's dots are an
 * include path and become `->`, as Sequelize writes include aliases. */
static int col_ref(cq__expr **out, wctx *w, const cq_value *v)
{
    cq_db *db = w->m->db;
    *out = NULL;
    const char *name = cq_value_as_text(v);
    if (cq_value_type_of(v) != CQ_VALUE_TEXT || !name[0])
        return cq__db_fail(db, CQ_EINVALID,
                           "where on model \"%s\": $col takes a column name as text", w->m->name);
    const char *dot = strrchr(name, '.');
    if (!dot) {
        *out = cq__expr_col(NULL, name);
        return *out ? CQ_OK : cq__db_oom(db);
    }
    if (dot == name || !dot[1])
        return cq__db_fail(db, CQ_EINVALID, "where on model \"%s\": bad $col name \"%s\"",
                           w->m->name, name);
    cq__buf b = { 0 };
    for (const char *p = name; p < dot; p++) {
        if (*p == '.')
            cq__buf_put(&b, "->");
        else
            cq__buf_putc(&b, *p);
    }
    *out = b.oom ? NULL : cq__expr_col(b.data, dot + 1);
    cq__free(b.data);
    return *out ? CQ_OK : cq__db_oom(db);
}

/* The right-hand side of a comparison given as an object: {$col: name}, {$any: [..]} or
 * {$all: [..]}. */
static int special_rhs(cq__expr **out, wctx *w, const target *t, const char *op, const cq_value *v)
{
    cq_db *db = w->m->db;
    *out = NULL;
    const char *key = cq_value_size(v) == 1 ? cq_value_object_key(v, 0) : "";
    const cq_value *arg = cq_value_object_value(v, 0);
    if (cq__streq(key, "$col"))
        return col_ref(out, w, arg);
    return cq__db_fail(db, CQ_EINVALID,
                       "where on model \"%s\": %s of attribute \"%s\" takes a single value",
                       w->m->name, op, t->a->name);
}

/* `op ANY (ARRAY[...])` / `op ALL (...)` on PostgreSQL; an empty list matches nothing (ANY)
 * or everything (ALL), as the SQL would if PostgreSQL could type an empty array. */
static int build_any(cq__expr **out, wctx *w, const target *t, const char *sql, const char *kind,
                     const cq_value *list)
{
    cq_db *db = w->m->db;
    *out = NULL;
    bool any = cq__streq(kind, "$any");
    if (!cq__sql_has_any(cq_db_dialect(db)))
        return cq__db_fail(db, CQ_ENOTSUPPORTED,
                           "where on model \"%s\": %s is only available on PostgreSQL", w->m->name,
                           kind);
    if (cq_value_type_of(list) != CQ_VALUE_ARRAY)
        return cq__db_fail(db, CQ_EINVALID,
                           "where on model \"%s\": %s of attribute \"%s\" needs an array",
                           w->m->name, kind, t->a->name);
    if (cq_value_size(list) == 0) {
        *out = cq__expr_new(any ? CQ__EX_OR : CQ__EX_AND);
        return *out ? CQ_OK : cq__db_oom(db);
    }
    cq__expr *arr = cq__expr_new(CQ__EX_ANY);
    if (!arr)
        return cq__db_oom(db);
    arr->op = any ? "ANY" : "ALL";
    if (!t->jpath)
        arr->elem_type = (int)t->a->type;
    for (size_t i = 0; i < cq_value_size(list); i++) {
        cq__expr *p = NULL;
        int rc = param_of(&p, w, t, cq_value_array_get(list, i));
        if (rc != CQ_OK || cq__expr_add(arr, p) != 0) {
            cq__expr_free(arr);
            return rc != CQ_OK ? rc : cq__db_oom(db);
        }
    }
    *out = cq__expr_cmp(lhs_of(w, t, list), sql, arr);
    return *out ? CQ_OK : cq__db_oom(db);
}

static int build_cmp(cq__expr **out, wctx *w, const target *t, const char *op, const char *sql,
                     const cq_value *v)
{
    cq_db *db = w->m->db;
    if (!cq__sql_op_supported(cq_db_dialect(db), sql))
        return cq__db_fail(db, CQ_ENOTSUPPORTED,
                           "where on model \"%s\": operator %s is not available on %s", w->m->name,
                           op, cq__sql_dialect_name(cq_db_dialect(db)));
    if (cq_value_type_of(v) == CQ_VALUE_OBJECT && cq_value_size(v) == 1 &&
        (cq__streq(cq_value_object_key(v, 0), "$any") ||
         cq__streq(cq_value_object_key(v, 0), "$all")))
        return build_any(out, w, t, sql, cq_value_object_key(v, 0), cq_value_object_value(v, 0));
    cq__expr *p = NULL;
    int rc;
    bool array_op = is_array_op(sql);
    if (array_op && t->a->type != CQ_ARRAY)
        return cq__db_fail(db, CQ_EINVALID,
                           "where on model \"%s\": %s needs an ARRAY attribute (\"%s\" is %s)",
                           w->m->name, op, t->a->name, cq_type_name(t->a->type));
    if (array_op && cq_value_type_of(v) != CQ_VALUE_ARRAY)
        return cq__db_fail(db, CQ_EINVALID, "where on model \"%s\": %s of \"%s\" takes an array",
                           w->m->name, op, t->a->name);
    if (cq_value_type_of(v) == CQ_VALUE_OBJECT && !(is_json(t->a) && !t->jpath))
        rc = special_rhs(&p, w, t, op, v);
    else if (cq_value_type_of(v) == CQ_VALUE_ARRAY && !(is_json(t->a) && !t->jpath) &&
             !(t->a->type == CQ_ARRAY && !t->jpath))
        rc = cq__db_fail(db, CQ_EINVALID,
                         "where on model \"%s\": %s of attribute \"%s\" takes a single value",
                         w->m->name, op, t->a->name);
    else if (is_text_op(sql)) {
        p = cq__expr_param(cq_value_copy(v));
        rc = p ? CQ_OK : cq__db_oom(db);
    } else
        rc = param_of(&p, w, t, v);
    if (rc != CQ_OK)
        return rc;
    *out = cq__expr_cmp(lhs_of(w, t, v), sql, p);
    return *out ? CQ_OK : cq__db_oom(db);
}

static int build_like(cq__expr **out, wctx *w, const target *t, const char *op, size_t k,
                      const cq_value *v)
{
    cq_db *db = w->m->db;
    if (cq_value_type_of(v) != CQ_VALUE_TEXT)
        return cq__db_fail(db, CQ_EINVALID,
                           "where on model \"%s\": %s of attribute \"%s\" takes text", w->m->name,
                           op, t->a->name);
    cq__buf b = { 0 };
    cq__buf_put(&b, like_ops[k].before);
    cq__buf_put(&b, cq_value_as_text(v));
    cq__buf_put(&b, like_ops[k].after);
    cq__expr *p = b.oom ? NULL : cq__expr_param(cq_value_text_n(b.data, b.len));
    cq__free(b.data);
    if (!p)
        return cq__db_oom(db);
    *out = cq__expr_cmp(lhs_of(w, t, v), "LIKE", p);
    return *out ? CQ_OK : cq__db_oom(db);
}

/* kids[0] [NOT] IN (...) or [NOT] BETWEEN, with each element bound for the target. */
static int build_list(cq__expr **out, wctx *w, const target *t, cq__expr_kind kind, bool negate,
                      const cq_value *v)
{
    cq_db *db = w->m->db;
    cq__expr *e = cq__expr_new(kind);
    if (!e || cq__expr_add(e, lhs_of(w, t, v)) != 0) {
        cq__expr_free(e);
        return cq__db_oom(db);
    }
    e->negate = negate;
    if (kind == CQ__EX_IN) {
        /* the list's values in one node (an eager load's list holds every parent's key) */
        cq__expr *p = cq__expr_param(cq_value_array());
        if (!p || cq__expr_add(e, p) != 0) {
            cq__expr_free(e);
            return cq__db_oom(db);
        }
        p->kind = CQ__EX_PARAMS;
        for (size_t i = 0; i < cq_value_size(v); i++) {
            cq_value *bound = NULL;
            int rc = value_of(&bound, w, t, cq_value_array_get(v, i));
            if (rc != CQ_OK || cq_value_array_append(p->value, bound) != CQ_OK) {
                cq__expr_free(e);
                return rc != CQ_OK ? rc : cq__db_oom(db);
            }
        }
        *out = e;
        return CQ_OK;
    }
    for (size_t i = 0; i < cq_value_size(v); i++) {
        cq__expr *p = NULL;
        int rc = param_of(&p, w, t, cq_value_array_get(v, i));
        if (rc != CQ_OK || cq__expr_add(e, p) != 0) {
            cq__expr_free(e);
            return rc != CQ_OK ? rc : cq__db_oom(db);
        }
    }
    *out = e;
    return CQ_OK;
}

/* `a IS [NOT] ?`: $is / $not with true or false, which v6 writes `IS [NOT] true` (SQLite:
 * `IS [NOT] 1`), so that $not: true keeps the rows where `a` is NULL. */
static int build_is(cq__expr **out, wctx *w, const target *t, bool negate, const cq_value *v)
{
    cq__expr *e = cq__expr_new(CQ__EX_IS);
    if (!e || cq__expr_add(e, lhs_of(w, t, v)) != 0) {
        cq__expr_free(e);
        return cq__db_oom(w->m->db);
    }
    e->negate = negate;
    cq__expr *p = NULL;
    int rc = param_of(&p, w, t, v);
    if (rc == CQ_OK && cq__expr_add(e, p) != 0)
        rc = cq__db_oom(w->m->db);
    return cq__expr_out(out, e, rc);
}

static int build_target(cq__expr **out, wctx *w, const target *t, const cq_value *v);

/* `{n: {$or: [1, {$gt: 8}, null]}}`, `{n: {$and: {$gte: 1, $lt: 2}}}`: each element of the
 * list (or each key of the object) is a condition on the same attribute, as the attribute
 * itself would take it, joined by OR / AND (v6's _whereBind). Elements that say nothing are
 * left out, and a group left empty says nothing either (no condition, even for $or), as v6
 * drops it. */
static int build_group(cq__expr **out, wctx *w, const target *t, const char *op, const cq_value *v)
{
    cq_db *db = w->m->db;
    *out = NULL;
    bool obj = cq_value_type_of(v) == CQ_VALUE_OBJECT;
    if (!obj && cq_value_type_of(v) != CQ_VALUE_ARRAY)
        return cq__db_fail(db, CQ_EINVALID,
                           "where on model \"%s\": %s of attribute \"%s\" expects an array or "
                           "an object",
                           w->m->name, op, t->a->name);
    cq__expr *e = cq__expr_new(cq__streq(op, "$or") ? CQ__EX_OR : CQ__EX_AND);
    if (!e)
        return cq__db_oom(db);
    int rc = CQ_OK;
    for (size_t i = 0; i < cq_value_size(v) && rc == CQ_OK; i++) {
        cq__expr *kid = NULL;
        if (obj) { /* one key at a time, so that each is joined with `op` */
            cq_value *one = cq_value_object();
            if (!one || cq_value_object_set(one, cq_value_object_key(v, i),
                                            cq_value_copy(cq_value_object_value(v, i))) != CQ_OK)
                rc = cq__db_oom(db);
            else
                rc = build_target(&kid, w, t, one);
            cq_value_free(one);
        } else {
            rc = build_target(&kid, w, t, cq_value_array_get(v, i));
        }
        if (rc == CQ_OK && kid->kind == CQ__EX_AND && kid->n == 0)
            cq__expr_free(kid);
        else if (rc == CQ_OK && cq__expr_add(e, kid) != 0)
            rc = cq__db_oom(db);
    }
    if (rc == CQ_OK && e->n == 0)
        e->kind = CQ__EX_AND;
    return cq__expr_out(out, e, rc);
}

static int build_op(cq__expr **out, wctx *w, const target *t, const char *op, const cq_value *v)
{
    cq_db *db = w->m->db;
    const cq__attr *a = t->a;
    *out = NULL;
    bool isnull = cq_value_is_null(v);
    if ((cq__streq(op, "$eq") || cq__streq(op, "$is") || cq__streq(op, "$ne") ||
         cq__streq(op, "$not")) &&
        isnull) {
        cq__expr *e = cq__expr_new(CQ__EX_ISNULL);
        if (e)
            e->negate = cq__streq(op, "$ne") || cq__streq(op, "$not");
        return e && cq__expr_add(e, lhs_of(w, t, v)) == 0 ? (*out = e, CQ_OK)
                                                          : (cq__expr_free(e), cq__db_oom(db));
    }
    /* v6's _whereParseSingleValueObject: $not with a list is $notIn, with true or false
     * IS NOT (NULL rows match), with anything else $ne; $is with true or false is IS */
    bool boolean = cq_value_type_of(v) == CQ_VALUE_BOOL;
    if (cq__streq(op, "$not") && cq_value_type_of(v) == CQ_VALUE_ARRAY &&
        !(t->a->type == CQ_ARRAY && !t->jpath))
        op = "$notIn";
    else if ((cq__streq(op, "$not") || cq__streq(op, "$is")) && boolean)
        return build_is(out, w, t, cq__streq(op, "$not"), v);
    else if (cq__streq(op, "$not") || cq__streq(op, "$is"))
        op = cq__streq(op, "$not") ? "$ne" : "$eq";
    if (cq__streq(op, "$or") || cq__streq(op, "$and"))
        return build_group(out, w, t, op, v);
    if (cq__streq(op, "$col")) {
        cq__expr *rhs = NULL;
        int rc = col_ref(&rhs, w, v);
        if (rc != CQ_OK)
            return rc;
        *out = cq__expr_cmp(lhs_of(w, t, NULL), "=", rhs);
        return *out ? CQ_OK : cq__db_oom(db);
    }
    if (cq__streq(op, "$any") || cq__streq(op, "$all"))
        return build_any(out, w, t, "=", op, v);
    for (size_t i = 0; i < sizeof cmp_ops / sizeof cmp_ops[0]; i++)
        if (cq__streq(op, cmp_ops[i].name))
            return build_cmp(out, w, t, op, cmp_ops[i].sql, v);
    for (size_t i = 0; i < sizeof like_ops / sizeof like_ops[0]; i++)
        if (cq__streq(op, like_ops[i].name))
            return build_like(out, w, t, op, i, v);
    bool in = cq__streq(op, "$in"), notin = cq__streq(op, "$notIn");
    if (in || notin) {
        if (cq_value_type_of(v) != CQ_VALUE_ARRAY)
            return cq__db_fail(db, CQ_EINVALID,
                               "where on model \"%s\": %s of attribute \"%s\" needs an array",
                               w->m->name, op, a->name);
        return build_list(out, w, t, CQ__EX_IN, notin, v);
    }
    bool between = cq__streq(op, "$between"), notbetween = cq__streq(op, "$notBetween");
    if (between || notbetween) {
        if (cq_value_type_of(v) != CQ_VALUE_ARRAY || cq_value_size(v) != 2)
            return cq__db_fail(db, CQ_EINVALID,
                               "where on model \"%s\": %s of attribute \"%s\" needs [low, high]",
                               w->m->name, op, a->name);
        return build_list(out, w, t, CQ__EX_BETWEEN, notbetween, v);
    }
    return cq__db_fail(db, CQ_EINVALID, "where on model \"%s\": unknown operator \"%s\" on \"%s\"",
                       w->m->name, op, a->name);
}

/* A JSON key must not hold `"` or `\`: it is written inside a quoted JSON path. */
static int json_key_ok(wctx *w, const cq__attr *a, const char *key)
{
    if (!key[0] || strpbrk(key, "\"\\"))
        return cq__db_fail(w->m->db, CQ_EINVALID,
                           "where on model \"%s\": JSON key \"%s\" of attribute \"%s\" is empty "
                           "or holds a quote or a backslash",
                           w->m->name, key, a->name);
    return CQ_OK;
}

/* `{meta: {a: {b: 1}}}` and `{'meta.a.b': 1}`: every key that is not an operator goes one
 * level down the JSON document; operators apply where they stand. */
static int build_json(cq__expr **out, wctx *w, const target *t, const cq_value *obj)
{
    cq_db *db = w->m->db;
    cq__expr *e = cq__expr_new(CQ__EX_AND);
    if (!e)
        return cq__db_oom(db);
    int rc = CQ_OK;
    for (size_t i = 0; i < cq_value_size(obj) && rc == CQ_OK; i++) {
        const char *key = cq_value_object_key(obj, i);
        const cq_value *kv = cq_value_object_value(obj, i);
        cq__expr *kid = NULL;
        if (key[0] == '$') {
            rc = build_op(&kid, w, t, key, kv);
        } else if ((rc = json_key_ok(w, t->a, key)) == CQ_OK) {
            cq_value *path = t->jpath ? cq_value_copy(t->jpath) : cq_value_array();
            if (!path || cq_value_array_append(path, cq_value_text(key)) != CQ_OK)
                rc = cq__db_oom(db);
            else {
                target sub = { t->a, path, NULL, NULL };
                rc = build_target(&kid, w, &sub, kv);
            }
            cq_value_free(path);
        }
        if (rc == CQ_OK && cq__expr_add(e, kid) != 0)
            rc = cq__db_oom(db);
    }
    return cq__expr_out(out, e, rc);
}

static int build_target(cq__expr **out, wctx *w, const target *t, const cq_value *v)
{
    cq_db *db = w->m->db;
    switch (cq_value_type_of(v)) {
    case CQ_VALUE_ARRAY:
        /* an ARRAY attribute compares with the whole array (Sequelize's `= ARRAY[...]`) */
        return build_op(out, w, t, t->a->type == CQ_ARRAY ? "$eq" : "$in", v);
    case CQ_VALUE_OBJECT: {
        if (is_json(t->a))
            return build_json(out, w, t, v);
        cq__expr *e = cq__expr_new(CQ__EX_AND);
        if (!e)
            return cq__db_oom(db);
        for (size_t i = 0; i < cq_value_size(v); i++) {
            cq__expr *kid = NULL;
            int rc = build_op(&kid, w, t, cq_value_object_key(v, i), cq_value_object_value(v, i));
            if (rc != CQ_OK || cq__expr_add(e, kid) != 0) {
                cq__expr_free(e);
                return rc != CQ_OK ? rc : cq__db_oom(db);
            }
        }
        *out = e;
        return CQ_OK;
    }
    default:
        return build_op(out, w, t, "$eq", v);
    }
}

static int build_attr(cq__expr **out, wctx *w, const char *key, const cq_value *v);

/* `$tasks.title$`, `$user.company.name$`: an attribute of an included model (include.md A2). */
static int build_include_attr(cq__expr **out, wctx *w, const char *key, const cq_value *v)
{
    cq_db *db = w->m->db;
    size_t len = strlen(key);
    char *inner = cq__strndup(key + 1, len - 2);
    if (!inner)
        return cq__db_oom(db);
    char *dot = strrchr(inner, '.');
    if (!dot || dot == inner || !dot[1]) {
        cq__free(inner);
        return cq__db_fail(db, CQ_EINVALID,
                           "where: \"%s\" must be \"$<include path>.<attribute>$\"", key);
    }
    *dot = '\0';
    cq_model *im = NULL;
    const char *ialias = NULL;
    int rc = w->inc ? w->inc(w->inc_ctx, key, inner, &im, &ialias)
                    : cq__db_fail(db, CQ_EEAGER,
                                  "where: \"%s\" names an include, but this query includes "
                                  "nothing there",
                                  key);
    if (rc == CQ_OK) {
        wctx iw = { im, ialias, NULL, NULL, false, w->literals };
        rc = build_attr(out, &iw, dot + 1, v);
    }
    cq__free(inner);
    return rc;
}

static int build_attr(cq__expr **out, wctx *w, const char *key, const cq_value *v)
{
    cq_db *db = w->m->db;
    size_t klen = strlen(key);
    if (klen > 2 && key[0] == '$' && key[klen - 1] == '$')
        return build_include_attr(out, w, key, v);
    long ai = cq__model_attr_index(w->m, key);
    const char *dot = strchr(key, '.');
    if (ai < 0 && dot) {
        /* 'meta.a.b': a path inside the JSON attribute `meta` */
        char *head = cq__strndup(key, (size_t)(dot - key));
        if (!head)
            return cq__db_oom(db);
        long ji = cq__model_attr_index(w->m, head);
        cq__free(head);
        if (ji >= 0 && is_json(&w->m->attrs[ji])) {
            cq_value *path = cq_value_array();
            int rc = path ? CQ_OK : cq__db_oom(db);
            for (const char *p = dot + 1; rc == CQ_OK;) {
                size_t n = strcspn(p, ".");
                char *seg = cq__strndup(p, n);
                if (!seg || cq_value_array_append(path, cq_value_text(seg)) != CQ_OK)
                    rc = cq__db_oom(db);
                else
                    rc = json_key_ok(w, &w->m->attrs[ji], seg);
                cq__free(seg);
                if (!p[n])
                    break;
                p += n + 1;
            }
            if (rc == CQ_OK) {
                target t = { &w->m->attrs[ji], path, NULL, NULL };
                rc = build_target(out, w, &t, v);
            }
            cq_value_free(path);
            return rc;
        }
    }
    if (ai < 0 && w->having) {
        /* having: `{n: {$gt: 1}}` compares the select list's alias `n`, as v6 writes it */
        cq__attr stand_in = { .name = (char *)key, .field = (char *)key, .type = CQ_STRING };
        target t = { &stand_in, NULL, key, NULL };
        return build_target(out, w, &t, v);
    }
    if (ai < 0)
        return cq__db_fail(db, CQ_EUNKNOWN_ATTR, "where: model \"%s\" has no attribute \"%s\"",
                           w->m->name, key);
    target t = { &w->m->attrs[ai], NULL, NULL, NULL };
    return build_target(out, w, &t, v);
}

/* `{"$where": [expression, condition]}`: v6's sequelize.where(fn(...), condition), the
 * condition as an attribute would take it (a value, a list, or operators). */
static int build_where_expr(cq__expr **out, wctx *w, const cq_value *v)
{
    const cq_value *lhs = cq_value_array_get(v, 0);
    if (cq_value_type_of(v) != CQ_VALUE_ARRAY || cq_value_size(v) != 2 || !cq__sqlexpr_is(lhs))
        return cq__db_fail(w->m->db, CQ_EINVALID,
                           "where on model \"%s\": $where takes [expression, condition], the "
                           "expression a $fn, $col or $literal",
                           w->m->name);
    cq__expr *check = NULL;
    int rc = cq__sqlexpr_build(&check, w->m, lhs, w->literals);
    cq__expr_free(check);
    if (rc != CQ_OK)
        return rc;
    cq__attr stand_in = { .name = (char *)"$where", .field = (char *)"", .type = CQ_STRING };
    target t = { &stand_in, NULL, NULL, lhs };
    return build_target(out, w, &t, cq_value_array_get(v, 1));
}

static int build_object(cq__expr **out, wctx *w, const cq_value *obj, cq__expr_kind join)
{
    cq_db *db = w->m->db;
    *out = NULL;
    if (cq_value_type_of(obj) != CQ_VALUE_OBJECT)
        return cq__db_fail(db, CQ_EINVALID, "where on model \"%s\" must be an object", w->m->name);
    cq__expr *e = cq__expr_new(join);
    if (!e)
        return cq__db_oom(db);
    for (size_t i = 0; i < cq_value_size(obj); i++) {
        const char *key = cq_value_object_key(obj, i);
        const cq_value *v = cq_value_object_value(obj, i);
        cq__expr *kid = NULL;
        int rc;
        if (cq__streq(key, "$and"))
            rc = build_nested(&kid, w, v, CQ__EX_AND, key);
        else if (cq__streq(key, "$or"))
            rc = build_nested(&kid, w, v, CQ__EX_OR, key);
        else if (cq__streq(key, "$not")) {
            cq__expr *inner = NULL;
            rc = build_nested(&inner, w, v, CQ__EX_AND, key);
            if (rc == CQ_OK) {
                kid = cq__expr_new(CQ__EX_NOT);
                if (!kid || cq__expr_add(kid, inner) != 0) {
                    cq__expr_free(kid);
                    kid = NULL;
                    rc = cq__db_oom(db);
                }
            }
        } else if (cq__streq(key, "$where"))
            rc = build_where_expr(&kid, w, v);
        else
            rc = build_attr(&kid, w, key, v);
        if (rc != CQ_OK) {
            cq__expr_free(e);
            return rc;
        }
        if (cq__expr_add(e, kid) != 0) {
            cq__expr_free(e);
            return cq__db_oom(db);
        }
    }
    *out = e;
    return CQ_OK;
}

int cq__where_build(cq__expr **out, cq_model *m, const char *alias, const cq_value *where)
{
    *out = NULL;
    if (!where || (cq_value_type_of(where) == CQ_VALUE_OBJECT && cq_value_size(where) == 0))
        return CQ_OK;
    wctx w = { m, alias, NULL, NULL, false, false };
    return build_object(out, &w, where, CQ__EX_AND);
}

int cq__where_build_inc(cq__expr **out, cq_model *m, const char *alias, const cq_value *where,
                        cq__where_include_fn fn, void *ctx)
{
    *out = NULL;
    if (!where || (cq_value_type_of(where) == CQ_VALUE_OBJECT && cq_value_size(where) == 0))
        return CQ_OK;
    wctx w = { m, alias, fn, ctx, false, false };
    return build_object(out, &w, where, CQ__EX_AND);
}

int cq__where_raw(cq__expr **out, cq_db *db, const char *sql, const cq_value *params)
{
    *out = NULL;
    if (params && cq_value_type_of(params) != CQ_VALUE_ARRAY)
        return cq__db_fail(db, CQ_EINVALID, "where_params must be an array");
    cq__expr *e = cq__expr_new(CQ__EX_RAW);
    if (!e)
        return cq__db_oom(db);
    e->raw = cq__strdup(sql);
    e->raw_params = params ? cq_value_copy(params) : NULL;
    if (!e->raw || (params && !e->raw_params)) {
        cq__expr_free(e);
        return cq__db_oom(db);
    }
    *out = e;
    return CQ_OK;
}

int cq__where_pk(cq__expr **out, const cq_instance *inst, const char *alias)
{
    cq_model *m = inst->model;
    *out = NULL;
    if (m->npk == 0)
        return cq__db_fail(m->db, CQ_EINVALID, "model \"%s\" has no primary key", m->name);
    cq__expr *e = cq__expr_new(CQ__EX_AND);
    if (!e)
        return cq__db_oom(m->db);
    for (size_t k = 0; k < m->npk; k++) {
        const cq__attr *a = &m->attrs[m->pk[k]];
        const cq_value *v = cq__iv(inst, m->pk[k]);
        if (cq_value_is_null(v)) {
            cq__expr_free(e);
            return cq__db_fail(m->db, CQ_EINVALID,
                               "instance of model \"%s\" has no value for primary key \"%s\"",
                               m->name, a->name);
        }
        cq__expr *p = cq__expr_param(cq__attr_to_db(a, v, cq_db_dialect(m->db)));
        if (cq__expr_add(e, cq__expr_cmp(cq__expr_col(alias, a->field), "=", p)) != 0) {
            cq__expr_free(e);
            return cq__db_oom(m->db);
        }
    }
    *out = e;
    return CQ_OK;
}

int cq__where_paranoid(cq__expr **out, const cq_model *m, const char *alias, bool deleted)
{
    *out = NULL;
    if (m->deleted_at < 0)
        return CQ_OK;
    cq__expr *e = cq__expr_new(CQ__EX_ISNULL);
    if (!e || cq__expr_add(e, cq__expr_col(alias, m->attrs[m->deleted_at].field)) != 0) {
        cq__expr_free(e);
        return cq__db_oom(m->db);
    }
    e->negate = deleted;
    *out = e;
    return CQ_OK;
}

int cq__where_build_having(cq__expr **out, cq_model *m, const cq_value *having, bool literals)
{
    *out = NULL;
    if (!having || (cq_value_type_of(having) == CQ_VALUE_OBJECT && cq_value_size(having) == 0))
        return CQ_OK;
    wctx w = { m, NULL, NULL, NULL, true, literals };
    return build_object(out, &w, having, CQ__EX_AND);
}
