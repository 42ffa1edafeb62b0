#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "stmt/stmt.h"

cq__expr *cq__expr_new(cq__expr_kind kind)
{
    cq__expr *e = cq__calloc(1, sizeof *e);
    if (e)
        e->kind = kind;
    return e;
}

cq__expr *cq__expr_col(const char *table, const char *column)
{
    cq__expr *e = cq__expr_new(CQ__EX_COL);
    if (!e)
        return NULL;
    e->table = table ? cq__strdup(table) : NULL;
    e->column = cq__strdup(column);
    if ((table && !e->table) || !e->column) {
        cq__expr_free(e);
        return NULL;
    }
    return e;
}

cq__expr *cq__expr_param(cq_value *v)
{
    if (!v)
        return NULL;
    cq__expr *e = cq__expr_new(CQ__EX_PARAM);
    if (!e) {
        cq_value_free(v);
        return NULL;
    }
    e->value = v;
    return e;
}

int cq__expr_add(cq__expr *e, cq__expr *kid)
{
    if (!kid)
        return -1;
    if (cq__grow((void **)&e->kids, &e->cap, e->n + 1, sizeof *e->kids) != 0) {
        cq__expr_free(kid);
        return -1;
    }
    e->kids[e->n++] = kid;
    return 0;
}

int cq__expr_out(cq__expr **out, cq__expr *e, int rc)
{
    if (rc != CQ_OK) {
        cq__expr_free(e);
        return rc;
    }
    *out = e;
    return CQ_OK;
}

cq__expr *cq__expr_cmp(cq__expr *lhs, const char *op, cq__expr *rhs)
{
    cq__expr *e = cq__expr_new(CQ__EX_CMP);
    if (!e || !lhs || !rhs) {
        cq__expr_free(e);
        cq__expr_free(lhs);
        cq__expr_free(rhs);
        return NULL;
    }
    e->op = op;
    cq__expr_add(e, lhs);
    cq__expr_add(e, rhs);
    if (e->n != 2) {
        cq__expr_free(e);
        return NULL;
    }
    return e;
}

void cq__expr_free(cq__expr *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->n; i++)
        cq__expr_free(e->kids[i]);
    cq__free(e->kids);
    cq__free(e->table);
    cq__free(e->column);
    cq__free(e->raw);
    cq_value_free(e->value);
    cq_value_free(e->raw_params);
    cq__stmt_free(e->sub);
    cq__free(e);
}

cq__stmt *cq__stmt_new(cq__stmt_kind kind, const char *table)
{
    cq__stmt *st = cq__calloc(1, sizeof *st);
    if (!st)
        return NULL;
    st->kind = kind;
    st->limit = -1;
    if (table && !(st->table = cq__strdup(table))) {
        cq__free(st);
        return NULL;
    }
    return st;
}

void cq__stmt_drop_cols(cq__stmt *st, size_t keep)
{
    for (size_t i = keep; i < st->ncols; i++) {
        cq__free(st->cols[i].table);
        cq__free(st->cols[i].column);
        cq__free(st->cols[i].alias);
        cq__expr_free(st->cols[i].expr);
    }
    if (keep < st->ncols)
        st->ncols = keep;
}

void cq__stmt_free(cq__stmt *st)
{
    if (!st)
        return;
    cq__free(st->table);
    cq__free(st->alias);
    cq__stmt_free(st->from_sub);
    cq__stmt_drop_cols(st, 0);
    cq__free(st->cols);
    cq__expr_free(st->count);
    for (size_t i = 0; i < st->njoins; i++) {
        cq__free(st->joins[i].table);
        cq__free(st->joins[i].alias);
        cq__expr_free(st->joins[i].on);
        cq__free(st->joins[i].nest_table);
        cq__free(st->joins[i].nest_alias);
        cq__expr_free(st->joins[i].nest_on);
    }
    cq__free(st->joins);
    cq__expr_free(st->where);
    for (size_t i = 0; i < st->norder; i++)
        cq__expr_free(st->order[i].expr);
    cq__free(st->order);
    for (size_t i = 0; i < st->nicols; i++)
        cq__free(st->icols[i]);
    cq__free(st->icols);
    cq__free(st->iops);
    cq__free(st->count_alias);
    for (size_t i = 0; i < st->ngroup; i++)
        cq__free(st->group[i]);
    cq__free(st->group);
    for (size_t i = 0; i < st->ngexprs; i++)
        cq__expr_free(st->gexprs[i]);
    cq__free(st->gexprs);
    cq__expr_free(st->having);
    for (size_t i = 0; i < st->nconflict; i++)
        cq__free(st->conflict[i]);
    cq__free(st->conflict);
    for (size_t i = 0; i < st->nupd; i++)
        cq__free(st->upd[i]);
    cq__free(st->upd);
    for (size_t i = 0; i < st->nivals; i++)
        cq_value_free(st->ivals[i]);
    cq__free(st->ivals);
    for (size_t i = 0; i < st->nreturning; i++)
        cq__free(st->returning[i]);
    cq__free(st->returning);
    cq__free(st->raw);
    cq_value_free(st->raw_params);
    for (size_t i = 0; i < st->nunions; i++)
        cq__stmt_free(st->unions[i]);
    cq__free(st->unions);
    cq__free(st);
}

int cq__stmt_add_union(cq__stmt *st, cq__stmt *sel)
{
    if (cq__grow((void **)&st->unions, &st->unions_cap, st->nunions + 1, sizeof *st->unions) != 0)
        return -1;
    st->unions[st->nunions++] = sel;
    return 0;
}

int cq__stmt_add_col(cq__stmt *st, const char *table, const char *column, const char *alias)
{
    if (cq__grow((void **)&st->cols, &st->cols_cap, st->ncols + 1, sizeof *st->cols) != 0)
        return -1;
    cq__col *c = &st->cols[st->ncols];
    c->expr = NULL;
    c->table = table ? cq__strdup(table) : NULL;
    c->column = cq__strdup(column);
    c->alias = alias ? cq__strdup(alias) : NULL;
    st->ncols++;
    return (table && !c->table) || !c->column || (alias && !c->alias) ? -1 : 0;
}

int cq__stmt_add_expr_col(cq__stmt *st, cq__expr *expr, const char *alias)
{
    if (!expr ||
        cq__grow((void **)&st->cols, &st->cols_cap, st->ncols + 1, sizeof *st->cols) != 0) {
        cq__expr_free(expr);
        return -1;
    }
    cq__col *c = &st->cols[st->ncols++];
    memset(c, 0, sizeof *c);
    c->expr = expr;
    c->column = cq__strdup("");
    c->alias = alias ? cq__strdup(alias) : NULL;
    return !c->column || (alias && !c->alias) ? -1 : 0;
}

int cq__stmt_add_group_expr(cq__stmt *st, cq__expr *e)
{
    if (!e ||
        cq__grow((void **)&st->gexprs, &st->gexprs_cap, st->ngexprs + 1, sizeof *st->gexprs) != 0) {
        cq__expr_free(e);
        return -1;
    }
    st->gexprs[st->ngexprs++] = e;
    return 0;
}

int cq__stmt_add_order(cq__stmt *st, cq__expr *e, bool desc)
{
    if (!e)
        return -1;
    if (cq__grow((void **)&st->order, &st->order_cap, st->norder + 1, sizeof *st->order) != 0) {
        cq__expr_free(e);
        return -1;
    }
    st->order[st->norder].expr = e;
    st->order[st->norder++].desc = desc;
    return 0;
}

static int push_str(char ***arr, size_t *n, size_t *cap, const char *s)
{
    char *d = cq__strdup(s);
    if (!d || cq__grow((void **)arr, cap, *n + 1, sizeof(char *)) != 0) {
        cq__free(d);
        return -1;
    }
    (*arr)[(*n)++] = d;
    return 0;
}

int cq__stmt_add_icol(cq__stmt *st, const char *column)
{
    return push_str(&st->icols, &st->nicols, &st->icols_cap, column);
}

int cq__stmt_add_icol_op(cq__stmt *st, const char *column, char op)
{
    if (cq__stmt_add_icol(st, column) != 0)
        return -1;
    char *ops = cq__realloc(st->iops, st->nicols);
    if (!ops)
        return -1;
    memset(ops + st->niops, 0, st->nicols - st->niops);
    st->iops = ops;
    st->niops = st->nicols;
    st->iops[st->nicols - 1] = op;
    return 0;
}

int cq__stmt_add_group(cq__stmt *st, const char *column)
{
    return push_str(&st->group, &st->ngroup, &st->group_cap, column);
}

int cq__stmt_add_conflict(cq__stmt *st, const char *column)
{
    return push_str(&st->conflict, &st->nconflict, &st->conflict_cap, column);
}

int cq__stmt_add_upd(cq__stmt *st, const char *column)
{
    return push_str(&st->upd, &st->nupd, &st->upd_cap, column);
}

int cq__stmt_add_returning(cq__stmt *st, const char *column)
{
    return push_str(&st->returning, &st->nreturning, &st->returning_cap, column);
}

int cq__stmt_add_ival(cq__stmt *st, cq_value *v)
{
    if (!v)
        return -1;
    if (cq__grow((void **)&st->ivals, &st->ivals_cap, st->nivals + 1, sizeof *st->ivals) != 0) {
        cq_value_free(v);
        return -1;
    }
    st->ivals[st->nivals++] = v;
    return 0;
}

int cq__stmt_add_join(cq__stmt *st, bool left, const char *table, const char *alias, cq__expr *on)
{
    if (!on)
        return -1;
    if (cq__grow((void **)&st->joins, &st->joins_cap, st->njoins + 1, sizeof *st->joins) != 0) {
        cq__expr_free(on);
        return -1;
    }
    cq__join *j = &st->joins[st->njoins++];
    memset(j, 0, sizeof *j);
    j->left = left;
    j->table = cq__strdup(table);
    j->alias = alias ? cq__strdup(alias) : NULL;
    j->on = on;
    return j->table && (!alias || j->alias) ? 0 : -1;
}

int cq__stmt_nest_join(cq__stmt *st, const char *nest_table, const char *nest_alias,
                       cq__expr *nest_on)
{
    if (!nest_on || st->njoins == 0) {
        cq__expr_free(nest_on);
        return -1;
    }
    cq__join *j = &st->joins[st->njoins - 1];
    j->nest_on = nest_on;
    j->nest_table = cq__strdup(nest_table);
    j->nest_alias = nest_alias ? cq__strdup(nest_alias) : NULL;
    return j->nest_table && (!nest_alias || j->nest_alias) ? 0 : -1;
}

int cq__stmt_and_where(cq__stmt *st, cq__expr *e)
{
    if (!e)
        return -1;
    if (!st->where) {
        st->where = e;
        return 0;
    }
    if (st->where->kind != CQ__EX_AND) {
        cq__expr *a = cq__expr_new(CQ__EX_AND);
        if (!a || cq__expr_add(a, st->where) != 0) {
            if (!a)
                cq__expr_free(st->where);
            cq__free(a);
            st->where = NULL; /* cq__expr_add freed it on failure */
            cq__expr_free(e);
            return -1;
        }
        st->where = a;
    }
    return cq__expr_add(st->where, e);
}
