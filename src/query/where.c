#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "query/where.h"

typedef struct wctx {
    cq_model *m;
    const char *alias;
    cq__where_include_fn inc; /* resolves `$path.attr$` keys; NULL = none */
    void *inc_ctx;
} wctx;

static int oom(cq_db *db)
{
    return cq__db_fail(db, CQ_ENOMEM, "out of memory");
}

/* A bound value for attribute `a`: checked against the type and put in storage form. */
static int param_for(cq__expr **out, wctx *w, const cq__attr *a, const cq_value *v)
{
    *out = NULL;
    cq_value *checked = NULL;
    int rc = cq__attr_coerce(&checked, w->m, a, cq_value_copy(v));
    if (rc != CQ_OK)
        return rc;
    cq_value *stored = cq__attr_to_db(a, checked, cq_db_dialect(w->m->db));
    cq_value_free(checked);
    *out = cq__expr_param(stored);
    return *out ? CQ_OK : oom(w->m->db);
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
        return oom(w->m->db);
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
            return oom(w->m->db);
        }
    }
    *out = e;
    return CQ_OK;
}

static const struct {
    const char *name;
    const char *sql;
} cmp_ops[] = {
    { "$eq", "=" }, { "$ne", "!=" },  { "$gt", ">" },      { "$gte", ">=" },
    { "$lt", "<" }, { "$lte", "<=" }, { "$like", "LIKE" }, { "$notLike", "NOT LIKE" },
};

static int build_op(cq__expr **out, wctx *w, const cq__attr *a, const char *op, const cq_value *v)
{
    cq_db *db = w->m->db;
    *out = NULL;
    bool isnull = cq_value_is_null(v);
    if ((cq__streq(op, "$eq") || cq__streq(op, "$is")) && isnull) {
        cq__expr *e = cq__expr_new(CQ__EX_ISNULL);
        return e && cq__expr_add(e, col_of(w, a)) == 0 ? (*out = e, CQ_OK)
                                                       : (cq__expr_free(e), oom(db));
    }
    if ((cq__streq(op, "$ne") || cq__streq(op, "$not")) && isnull) {
        cq__expr *e = cq__expr_new(CQ__EX_ISNULL);
        if (e)
            e->negate = true;
        return e && cq__expr_add(e, col_of(w, a)) == 0 ? (*out = e, CQ_OK)
                                                       : (cq__expr_free(e), oom(db));
    }
    if (cq__streq(op, "$not") || cq__streq(op, "$is"))
        op = cq__streq(op, "$not") ? "$ne" : "$eq";
    for (size_t i = 0; i < sizeof cmp_ops / sizeof cmp_ops[0]; i++) {
        if (!cq__streq(op, cmp_ops[i].name))
            continue;
        if (cq_value_type_of(v) == CQ_VALUE_ARRAY || cq_value_type_of(v) == CQ_VALUE_OBJECT)
            return cq__db_fail(db, CQ_EINVALID,
                               "where on model \"%s\": %s of attribute \"%s\" takes a single value",
                               w->m->name, op, a->name);
        cq__expr *p = NULL;
        int rc;
        if (strstr(cmp_ops[i].sql, "LIKE")) {
            p = cq__expr_param(cq_value_copy(v));
            rc = p ? CQ_OK : oom(db);
        } else {
            rc = param_for(&p, w, a, v);
        }
        if (rc != CQ_OK)
            return rc;
        *out = cq__expr_cmp(col_of(w, a), cmp_ops[i].sql, p);
        return *out ? CQ_OK : oom(db);
    }
    bool in = cq__streq(op, "$in"), notin = cq__streq(op, "$notIn");
    if (in || notin) {
        if (cq_value_type_of(v) != CQ_VALUE_ARRAY)
            return cq__db_fail(db, CQ_EINVALID,
                               "where on model \"%s\": %s of attribute \"%s\" needs an array",
                               w->m->name, op, a->name);
        cq__expr *e = cq__expr_new(CQ__EX_IN);
        if (!e || cq__expr_add(e, col_of(w, a)) != 0) {
            cq__expr_free(e);
            return oom(db);
        }
        e->negate = notin;
        for (size_t i = 0; i < cq_value_size(v); i++) {
            cq__expr *p = NULL;
            int rc = param_for(&p, w, a, cq_value_array_get(v, i));
            if (rc != CQ_OK || cq__expr_add(e, p) != 0) {
                cq__expr_free(e);
                return rc != CQ_OK ? rc : oom(db);
            }
        }
        *out = e;
        return CQ_OK;
    }
    bool between = cq__streq(op, "$between"), notbetween = cq__streq(op, "$notBetween");
    if (between || notbetween) {
        if (cq_value_type_of(v) != CQ_VALUE_ARRAY || cq_value_size(v) != 2)
            return cq__db_fail(db, CQ_EINVALID,
                               "where on model \"%s\": %s of attribute \"%s\" needs [low, high]",
                               w->m->name, op, a->name);
        cq__expr *e = cq__expr_new(CQ__EX_BETWEEN);
        if (!e || cq__expr_add(e, col_of(w, a)) != 0) {
            cq__expr_free(e);
            return oom(db);
        }
        e->negate = notbetween;
        for (size_t i = 0; i < 2; i++) {
            cq__expr *p = NULL;
            int rc = param_for(&p, w, a, cq_value_array_get(v, i));
            if (rc != CQ_OK || cq__expr_add(e, p) != 0) {
                cq__expr_free(e);
                return rc != CQ_OK ? rc : oom(db);
            }
        }
        *out = e;
        return CQ_OK;
    }
    return cq__db_fail(db, CQ_EINVALID, "where on model \"%s\": unknown operator \"%s\" on \"%s\"",
                       w->m->name, op, a->name);
}

static int build_attr(cq__expr **out, wctx *w, const char *key, const cq_value *v);

/* `$tasks.title$`, `$user.company.name$`: an attribute of an included model (include.md A2). */
static int build_include_attr(cq__expr **out, wctx *w, const char *key, const cq_value *v)
{
    cq_db *db = w->m->db;
    size_t len = strlen(key);
    char *inner = cq__strndup(key + 1, len - 2);
    if (!inner)
        return oom(db);
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
        wctx iw = { im, ialias, NULL, NULL };
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
    if (ai < 0)
        return cq__db_fail(db, CQ_EUNKNOWN_ATTR, "where: model \"%s\" has no attribute \"%s\"",
                           w->m->name, key);
    const cq__attr *a = &w->m->attrs[ai];
    switch (cq_value_type_of(v)) {
    case CQ_VALUE_ARRAY:
        return build_op(out, w, a, "$in", v);
    case CQ_VALUE_OBJECT: {
        if (a->type == CQ_JSON && cq_value_size(v) && cq_value_object_key(v, 0)[0] != '$')
            return build_op(out, w, a, "$eq", v);
        cq__expr *e = cq__expr_new(CQ__EX_AND);
        if (!e)
            return oom(db);
        for (size_t i = 0; i < cq_value_size(v); i++) {
            cq__expr *kid = NULL;
            int rc = build_op(&kid, w, a, cq_value_object_key(v, i), cq_value_object_value(v, i));
            if (rc != CQ_OK || cq__expr_add(e, kid) != 0) {
                cq__expr_free(e);
                return rc != CQ_OK ? rc : oom(db);
            }
        }
        *out = e;
        return CQ_OK;
    }
    default:
        return build_op(out, w, a, "$eq", v);
    }
}

static int build_object(cq__expr **out, wctx *w, const cq_value *obj, cq__expr_kind join)
{
    cq_db *db = w->m->db;
    *out = NULL;
    if (cq_value_type_of(obj) != CQ_VALUE_OBJECT)
        return cq__db_fail(db, CQ_EINVALID, "where on model \"%s\" must be an object", w->m->name);
    cq__expr *e = cq__expr_new(join);
    if (!e)
        return oom(db);
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
                    rc = oom(db);
                }
            }
        } else
            rc = build_attr(&kid, w, key, v);
        if (rc != CQ_OK) {
            cq__expr_free(e);
            return rc;
        }
        if (cq__expr_add(e, kid) != 0) {
            cq__expr_free(e);
            return oom(db);
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
    wctx w = { m, alias, NULL, NULL };
    return build_object(out, &w, where, CQ__EX_AND);
}

int cq__where_build_inc(cq__expr **out, cq_model *m, const char *alias, const cq_value *where,
                        cq__where_include_fn fn, void *ctx)
{
    *out = NULL;
    if (!where || (cq_value_type_of(where) == CQ_VALUE_OBJECT && cq_value_size(where) == 0))
        return CQ_OK;
    wctx w = { m, alias, fn, ctx };
    return build_object(out, &w, where, CQ__EX_AND);
}

int cq__where_raw(cq__expr **out, cq_db *db, const char *sql, const cq_value *params)
{
    *out = NULL;
    if (params && cq_value_type_of(params) != CQ_VALUE_ARRAY)
        return cq__db_fail(db, CQ_EINVALID, "where_params must be an array");
    cq__expr *e = cq__expr_new(CQ__EX_RAW);
    if (!e)
        return oom(db);
    e->raw = cq__strdup(sql);
    e->raw_params = params ? cq_value_copy(params) : NULL;
    if (!e->raw || (params && !e->raw_params)) {
        cq__expr_free(e);
        return oom(db);
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
        return oom(m->db);
    for (size_t k = 0; k < m->npk; k++) {
        const cq__attr *a = &m->attrs[m->pk[k]];
        const cq_value *v = inst->values[m->pk[k]];
        if (cq_value_is_null(v)) {
            cq__expr_free(e);
            return cq__db_fail(m->db, CQ_EINVALID,
                               "instance of model \"%s\" has no value for primary key \"%s\"",
                               m->name, a->name);
        }
        cq__expr *p = cq__expr_param(cq__attr_to_db(a, v, cq_db_dialect(m->db)));
        if (cq__expr_add(e, cq__expr_cmp(cq__expr_col(alias, a->field), "=", p)) != 0) {
            cq__expr_free(e);
            return oom(m->db);
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
        return oom(m->db);
    }
    e->negate = deleted;
    *out = e;
    return CQ_OK;
}
