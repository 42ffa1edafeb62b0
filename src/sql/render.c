/* Rendering of statement trees: SELECT / INSERT / UPDATE / DELETE per dialect. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/error.h"
#include "sql/sql.h"

typedef struct render {
    cq__buf b;
    cq__sql *out;
    cq_dialect d;
    const cq__sql_dialect *D;
    cq_error *err;
    int rc;
} render;

void cq__sql_free(cq__sql *s)
{
    cq__free(s->text);
    cq__free(s->params);
    memset(s, 0, sizeof *s);
}

void cq__sql_quote(cq__buf *b, cq_dialect dialect, const char *name)
{
    char q = cq__sql_dialect_of(dialect)->quote;
    cq__buf_putc(b, q);
    /* runs of the name without the quote character go in whole; a quote inside is doubled */
    const char *p = name;
    for (const char *hit; (hit = strchr(p, q)) != NULL; p = hit + 1) {
        cq__buf_putn(b, p, (size_t)(hit - p) + 1);
        cq__buf_putc(b, q);
    }
    cq__buf_putn(b, p, strlen(p));
    cq__buf_putc(b, q);
}

static void put_param(render *r, const cq_value *v)
{
    if (cq__grow((void **)&r->out->params, &r->out->cap, r->out->n + 1, sizeof(cq_value *)) != 0) {
        r->b.oom = true;
        return;
    }
    r->out->params[r->out->n++] = v;
    if (r->D->numbered_params) {
        char num[24];
        size_t k = sizeof num;
        for (size_t n = r->out->n; n; n /= 10)
            num[--k] = (char)('0' + n % 10);
        num[--k] = '$';
        cq__buf_putn(&r->b, num + k, sizeof num - k);
    } else
        cq__buf_putc(&r->b, '?');
}

static void put_raw(render *r, const char *sql, const cq_value *params)
{
    size_t k = 0;
    char quote = 0;
    for (const char *p = sql; *p; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
            cq__buf_putc(&r->b, *p);
        } else if (*p == '\'' || *p == '"' || *p == '`') {
            quote = *p;
            cq__buf_putc(&r->b, *p);
        } else if (*p == '?') {
            const cq_value *v = cq_value_array_get(params, k++);
            if (!v) {
                r->rc =
                    cq__err_set(r->err, CQ_EINVALID,
                                "raw where \"%s\" has more ? placeholders than parameters (%zu)",
                                sql, cq_value_size(params));
                return;
            }
            put_param(r, v);
        } else {
            cq__buf_putc(&r->b, *p);
        }
    }
    if (k < cq_value_size(params))
        r->rc = cq__err_set(r->err, CQ_EINVALID,
                            "raw where \"%s\" has %zu ? placeholders but %zu parameters", sql, k,
                            cq_value_size(params));
}

static void put_col(render *r, const char *table, const char *column)
{
    if (table) {
        cq__sql_quote(&r->b, r->d, table);
        cq__buf_putc(&r->b, '.');
    }
    if (strcmp(column, "*") == 0)
        cq__buf_putc(&r->b, '*');
    else
        cq__sql_quote(&r->b, r->d, column);
}

static void put_expr(render *r, const cq__expr *e);
static void render_select(render *r, const cq__stmt *st);

static void put_list(render *r, const cq__expr *e, size_t from, const char *sep)
{
    for (size_t i = from; i < e->n; i++) {
        if (i > from)
            cq__buf_put(&r->b, sep);
        put_expr(r, e->kids[i]);
    }
}

/* A comparison operator of the statement tree as the dialect spells it; NULL where it has no
 * such operator. ILIKE is sent as written everywhere (the database answers where it does not
 * know it, as with Sequelize). */
static const char *op_sql(cq_dialect d, const char *op)
{
    for (const cq__sql_op *o = cq__sql_dialect_of(d)->ops; o->op; o++)
        if (strcmp(o->op, op) == 0)
            return o->sql;
    return op;
}

bool cq__sql_op_supported(cq_dialect d, const char *op)
{
    return op_sql(d, op) != NULL;
}

const char *cq__sql_dialect_name(cq_dialect d)
{
    return cq__sql_dialect_of(d)->name;
}

bool cq__sql_has_any(cq_dialect d)
{
    return cq__sql_dialect_of(d)->has_any;
}

cq_value *cq__sql_json_path(const cq_value *keys)
{
    cq__buf b = { 0 };
    cq__buf_putc(&b, '$');
    for (size_t i = 0; i < cq_value_size(keys); i++) {
        cq__buf_put(&b, ".\"");
        cq__buf_put(&b, cq_value_as_text(cq_value_array_get(keys, i)));
        cq__buf_putc(&b, '"');
    }
    cq_value *v = b.oom ? NULL : cq_value_text(b.data);
    cq__free(b.data);
    return v;
}

/* A value inside a JSON column, read as text and cast for numbers and booleans:
 * SQLite json_extract(col, '$."a"'), PostgreSQL (col#>>ARRAY['a']::text[]), MySQL
 * json_unquote(json_extract(col, '$."a"')); every key is a bound parameter. */
static void put_json(render *r, const cq__expr *e)
{
    bool num = e->op && strcmp(e->op, "num") == 0, boolean = e->op && strcmp(e->op, "bool") == 0;
    if (!r->D->json_open) { /* PostgreSQL's path operator */
        if (num || boolean)
            cq__buf_put(&r->b, "CAST(");
        cq__buf_putc(&r->b, '(');
        put_expr(r, e->kids[0]);
        cq__buf_put(&r->b, "#>>ARRAY[");
        for (size_t i = 0; i < cq_value_size(e->value); i++) {
            if (i)
                cq__buf_put(&r->b, ", ");
            put_param(r, cq_value_array_get(e->value, i));
        }
        cq__buf_put(&r->b, "]::text[])");
        if (num || boolean)
            cq__buf_put(&r->b, boolean ? " AS BOOLEAN)" : " AS DOUBLE PRECISION)");
        return;
    }
    bool bool_case = boolean && r->D->json_bool_case;
    /* MySQL unquotes JSON true/false to text: read them back as 1/0 */
    if (bool_case)
        cq__buf_put(&r->b, "(CASE ");
    else if (num || boolean)
        cq__buf_put(&r->b, "CAST(");
    cq__buf_put(&r->b, r->D->json_open);
    put_expr(r, e->kids[0]);
    cq__buf_put(&r->b, ", ");
    put_param(r, cq_value_array_get(e->raw_params, 0));
    cq__buf_put(&r->b, r->D->json_close);
    if (bool_case)
        cq__buf_put(&r->b, " WHEN 'true' THEN 1 WHEN 'false' THEN 0 END)");
    else if (num || boolean)
        cq__buf_put(&r->b, num ? r->D->json_double : " AS BOOLEAN)");
}

/* x = ANY (ARRAY[...]::type[]) */
static void put_any(render *r, const cq__expr *e)
{
    cq__buf_printf(&r->b, "%s (ARRAY[", e->op);
    put_list(r, e, 0, ", ");
    cq__buf_putc(&r->b, ']');
    if (e->elem_type) { /* untyped parameters in ARRAY[] would be text */
        cq__buf_put(&r->b, "::");
        cq__sql_type(&r->b, e->elem_type, 0, 0, 0, r->d);
        cq__buf_put(&r->b, "[]");
    }
    cq__buf_putc(&r->b, ')');
}

static void put_and_or(render *r, const cq__expr *e)
{
    if (e->n == 0) {
        cq__buf_put(&r->b, e->kind == CQ__EX_AND ? "1 = 1" : "0 = 1");
    } else if (e->n == 1) {
        put_expr(r, e->kids[0]);
    } else {
        if (!e->bare)
            cq__buf_putc(&r->b, '(');
        put_list(r, e, 0, e->kind == CQ__EX_AND ? " AND " : " OR ");
        if (!e->bare)
            cq__buf_putc(&r->b, ')');
    }
}

static void put_in(render *r, const cq__expr *e)
{
    if (cq_value_size(e->kids[1]->value) == 0) {
        /* an empty IN list matches nothing (NOT IN: everything), as in Sequelize */
        cq__buf_put(&r->b, e->negate ? "1 = 1" : "0 = 1");
        return;
    }
    put_expr(r, e->kids[0]);
    cq__buf_put(&r->b, e->negate ? " NOT IN (" : " IN (");
    put_expr(r, e->kids[1]);
    cq__buf_putc(&r->b, ')');
}

static void put_between(render *r, const cq__expr *e)
{
    put_expr(r, e->kids[0]);
    cq__buf_put(&r->b, e->negate ? " NOT BETWEEN " : " BETWEEN ");
    put_expr(r, e->kids[1]);
    cq__buf_put(&r->b, " AND ");
    put_expr(r, e->kids[2]);
}

/* `a IS [NOT] ?` with the value bound: SQLite's IS takes any expression, but PostgreSQL's and
 * MySQL's IS take only the words TRUE, FALSE, UNKNOWN and NULL, so they get their null-safe
 * comparisons instead (same rows for a boolean on the right). */
static void put_is(render *r, const cq__expr *e)
{
    const char *op = e->negate ? r->D->is_not_op : r->D->is_op;
    if (!op)
        cq__buf_put(&r->b, "NOT (");
    put_expr(r, e->kids[0]);
    cq__buf_printf(&r->b, " %s ", op ? op : r->D->is_op);
    put_expr(r, e->kids[1]);
    if (!op)
        cq__buf_putc(&r->b, ')');
}

static void put_count(render *r, const cq__expr *e)
{
    if (e->n && e->op) { /* count(DISTINCT(user.id)): v6's `distinct: true` */
        cq__buf_put(&r->b, "count(DISTINCT(");
        put_expr(r, e->kids[0]);
        cq__buf_put(&r->b, "))");
    } else if (e->n) { /* an association's count: COUNT(task.id), as v6 writes it */
        cq__buf_put(&r->b, "COUNT(");
        put_expr(r, e->kids[0]);
        cq__buf_putc(&r->b, ')');
    } else {
        cq__buf_put(&r->b, "count(*)");
    }
}

static void put_expr(render *r, const cq__expr *e)
{
    switch (e->kind) {
    case CQ__EX_COL:
        put_col(r, e->table, e->column);
        break;
    case CQ__EX_PARAM:
        put_param(r, e->value);
        break;
    case CQ__EX_PARAMS:
        for (size_t i = 0; i < cq_value_size(e->value); i++) {
            if (i)
                cq__buf_put(&r->b, ", ");
            put_param(r, cq_value_array_get(e->value, i));
        }
        break;
    case CQ__EX_CMP:
        put_expr(r, e->kids[0]);
        cq__buf_printf(&r->b, " %s ", op_sql(r->d, e->op));
        put_expr(r, e->kids[1]);
        break;
    case CQ__EX_JSON:
        put_json(r, e);
        break;
    case CQ__EX_ANY:
        put_any(r, e);
        break;
    case CQ__EX_AND:
    case CQ__EX_OR:
        put_and_or(r, e);
        break;
    case CQ__EX_NOT:
        cq__buf_put(&r->b, "NOT (");
        put_expr(r, e->kids[0]);
        cq__buf_putc(&r->b, ')');
        break;
    case CQ__EX_IN:
        put_in(r, e);
        break;
    case CQ__EX_BETWEEN:
        put_between(r, e);
        break;
    case CQ__EX_ISNULL:
        put_expr(r, e->kids[0]);
        cq__buf_put(&r->b, e->negate ? " IS NOT NULL" : " IS NULL");
        break;
    case CQ__EX_IS:
        put_is(r, e);
        break;
    case CQ__EX_RAW:
        cq__buf_putc(&r->b, '(');
        put_raw(r, e->raw, e->raw_params);
        cq__buf_putc(&r->b, ')');
        break;
    case CQ__EX_EXISTS:
    case CQ__EX_SUBQUERY:
        cq__buf_put(&r->b, e->kind == CQ__EX_EXISTS ? "EXISTS (" : "(");
        render_select(r, e->sub);
        cq__buf_putc(&r->b, ')');
        break;
    case CQ__EX_AGG:
        cq__buf_printf(&r->b, "%s(%s", e->op, e->distinct ? "DISTINCT(" : "");
        put_expr(r, e->kids[0]);
        cq__buf_put(&r->b, e->distinct ? "))" : ")");
        break;
    case CQ__EX_FN: /* v6's fn(name, args...): the name as given (checked), the args rendered */
        cq__buf_put(&r->b, e->column);
        cq__buf_putc(&r->b, '(');
        put_list(r, e, 0, ", ");
        cq__buf_putc(&r->b, ')');
        break;
    case CQ__EX_LITERAL: /* v6's literal(): the caller's own SQL, sent as written */
        cq__buf_put(&r->b, e->raw);
        break;
    case CQ__EX_COUNT:
        put_count(r, e);
        break;
    }
}

static void put_limit(render *r, const cq__stmt *st)
{
    bool has_limit = st->limit >= 0, has_offset = st->offset > 0;
    if (!has_limit && !has_offset)
        return;
    if (r->D->limit_offset) {
        if (has_limit)
            cq__buf_printf(&r->b, " LIMIT %" PRId64, st->limit);
        if (has_offset)
            cq__buf_printf(&r->b, " OFFSET %" PRId64, st->offset);
        return;
    }
    /* SQLite and MySQL: LIMIT [offset, ]count; Sequelize uses 10000000000000 for "no limit" */
    if (has_offset && has_limit)
        cq__buf_printf(&r->b, " LIMIT %" PRId64 ", %" PRId64, st->offset, st->limit);
    else if (has_offset)
        cq__buf_printf(&r->b, " LIMIT %" PRId64 ", %s", st->offset, r->D->limit_no_count);
    else
        cq__buf_printf(&r->b, " LIMIT %" PRId64, st->limit);
}

/* the select list: the columns, then the count */
static void put_select_cols(render *r, const cq__stmt *st)
{
    /* a count replaces the columns, except the grouped ones of an aggregate */
    size_t ncols = st->count && !st->ngroup ? 0 : st->ncols;
    for (size_t i = 0; i < ncols; i++) {
        if (i)
            cq__buf_put(&r->b, ", ");
        if (st->cols[i].expr)
            put_expr(r, st->cols[i].expr);
        else
            put_col(r, st->cols[i].table, st->cols[i].column);
        if (st->cols[i].alias) {
            cq__buf_put(&r->b, " AS ");
            cq__sql_quote(&r->b, r->d, st->cols[i].alias);
        }
    }
    if (st->count) {
        if (ncols)
            cq__buf_put(&r->b, ", ");
        put_expr(r, st->count);
        cq__buf_put(&r->b, " AS ");
        cq__sql_quote(&r->b, r->d, st->count_alias ? st->count_alias : "count");
    }
}

/* FROM table or (subquery) or (a UNION ALL b ...), with its alias */
static void put_from(render *r, const cq__stmt *st)
{
    cq__buf_put(&r->b, " FROM ");
    if (st->from_sub) {
        cq__buf_putc(&r->b, '(');
        for (size_t i = 0; st->from_sub->kind == CQ__ST_UNION && i < st->from_sub->nunions; i++) {
            if (i)
                cq__buf_put(&r->b, " UNION ALL ");
            render_select(r, st->from_sub->unions[i]);
        }
        if (st->from_sub->kind != CQ__ST_UNION)
            render_select(r, st->from_sub);
        cq__buf_putc(&r->b, ')');
    } else {
        cq__sql_quote(&r->b, r->d, st->table);
    }
    if (st->alias) {
        cq__buf_put(&r->b, " AS ");
        cq__sql_quote(&r->b, r->d, st->alias);
    }
}

/* one JOIN, with its parenthesised nested INNER JOIN if it has one */
static void put_join(render *r, const cq__join *j)
{
    cq__buf_put(&r->b, j->left ? " LEFT OUTER JOIN " : " INNER JOIN ");
    if (j->nest_table)
        cq__buf_putc(&r->b, '(');
    cq__sql_quote(&r->b, r->d, j->table);
    if (j->alias) {
        cq__buf_put(&r->b, " AS ");
        cq__sql_quote(&r->b, r->d, j->alias);
    }
    if (j->nest_table) {
        cq__buf_put(&r->b, " INNER JOIN ");
        cq__sql_quote(&r->b, r->d, j->nest_table);
        if (j->nest_alias) {
            cq__buf_put(&r->b, " AS ");
            cq__sql_quote(&r->b, r->d, j->nest_alias);
        }
        cq__buf_put(&r->b, " ON ");
        put_expr(r, j->nest_on);
        cq__buf_putc(&r->b, ')');
    }
    cq__buf_put(&r->b, " ON ");
    put_expr(r, j->on);
}

static void render_select(render *r, const cq__stmt *st)
{
    cq__buf_put(&r->b, "SELECT ");
    put_select_cols(r, st);
    put_from(r, st);
    for (size_t i = 0; i < st->njoins; i++)
        put_join(r, &st->joins[i]);
    if (st->where) {
        cq__buf_put(&r->b, " WHERE ");
        put_expr(r, st->where);
    }
    for (size_t i = 0; i < st->ngroup; i++) {
        cq__buf_put(&r->b, i ? ", " : " GROUP BY ");
        cq__sql_quote(&r->b, r->d, st->group[i]);
    }
    for (size_t i = 0; i < st->ngexprs; i++) {
        cq__buf_put(&r->b, i || st->ngroup ? ", " : " GROUP BY ");
        put_expr(r, st->gexprs[i]);
    }
    if (st->having) {
        cq__buf_put(&r->b, " HAVING ");
        put_expr(r, st->having);
    }
    for (size_t i = 0; i < st->norder; i++) {
        cq__buf_put(&r->b, i ? ", " : " ORDER BY ");
        put_expr(r, st->order[i].expr);
        cq__buf_put(&r->b, st->order[i].desc ? " DESC" : " ASC");
    }
    put_limit(r, st);
}

/* ON CONFLICT (...) DO UPDATE SET c=EXCLUDED.c / ON DUPLICATE KEY UPDATE c=VALUES(c) / ON
 * CONFLICT DO NOTHING, in Sequelize's shapes. */
static void put_on_conflict(render *r, const cq__stmt *st)
{
    bool mysql = r->D->upsert_values;
    if (st->ignore_dup) {
        if (r->D->conflict_ignore)
            cq__buf_put(&r->b, r->D->conflict_ignore);
        return;
    }
    if (!st->nupd)
        return;
    if (mysql) {
        cq__buf_put(&r->b, " ON DUPLICATE KEY UPDATE ");
    } else {
        cq__buf_put(&r->b, " ON CONFLICT (");
        for (size_t i = 0; i < st->nconflict; i++) {
            if (i)
                cq__buf_put(&r->b, ",");
            cq__sql_quote(&r->b, r->d, st->conflict[i]);
        }
        cq__buf_put(&r->b, ") DO UPDATE SET ");
    }
    for (size_t i = 0; i < st->nupd; i++) {
        if (i)
            cq__buf_put(&r->b, ",");
        cq__sql_quote(&r->b, r->d, st->upd[i]);
        cq__buf_put(&r->b, mysql ? "=VALUES(" : "=EXCLUDED.");
        cq__sql_quote(&r->b, r->d, st->upd[i]);
        if (mysql)
            cq__buf_putc(&r->b, ')');
    }
}

static void render_insert(render *r, const cq__stmt *st)
{
    if (st->ignore_dup && r->D->insert_ignore)
        cq__buf_put(&r->b, r->D->insert_ignore);
    else
        cq__buf_put(&r->b, "INSERT INTO ");
    cq__sql_quote(&r->b, r->d, st->table);
    if (st->nicols == 0) {
        cq__buf_put(&r->b, r->D->empty_insert);
    } else {
        cq__buf_put(&r->b, " (");
        for (size_t i = 0; i < st->nicols; i++) {
            if (i)
                cq__buf_put(&r->b, ",");
            cq__sql_quote(&r->b, r->d, st->icols[i]);
        }
        cq__buf_put(&r->b, ") VALUES ");
        size_t nrows = st->nivals / st->nicols;
        for (size_t row = 0; row < nrows; row++) {
            cq__buf_put(&r->b, row ? ",(" : "(");
            for (size_t i = 0; i < st->nicols; i++) {
                if (i)
                    cq__buf_put(&r->b, ",");
                put_param(r, st->ivals[row * st->nicols + i]);
            }
            cq__buf_putc(&r->b, ')');
        }
    }
    put_on_conflict(r, st);
    if (st->nreturning && r->D->has_returning) {
        cq__buf_put(&r->b, " RETURNING ");
        for (size_t i = 0; i < st->nreturning; i++) {
            if (i)
                cq__buf_put(&r->b, ",");
            cq__sql_quote(&r->b, r->d, st->returning[i]);
        }
    }
}

static void render_update(render *r, const cq__stmt *st)
{
    cq__buf_put(&r->b, "UPDATE ");
    cq__sql_quote(&r->b, r->d, st->table);
    cq__buf_put(&r->b, " SET ");
    for (size_t i = 0; i < st->nicols; i++) {
        if (i)
            cq__buf_put(&r->b, ",");
        cq__sql_quote(&r->b, r->d, st->icols[i]);
        cq__buf_putc(&r->b, '=');
        if (i < st->niops && st->iops[i]) { /* increment: "n"="n"+ ? */
            cq__sql_quote(&r->b, r->d, st->icols[i]);
            cq__buf_putc(&r->b, st->iops[i]);
            cq__buf_putc(&r->b, ' ');
        }
        put_param(r, st->ivals[i]);
    }
    if (st->where) {
        cq__buf_put(&r->b, " WHERE ");
        put_expr(r, st->where);
    }
}

static void render_delete(render *r, const cq__stmt *st)
{
    cq__buf_put(&r->b, "DELETE FROM ");
    cq__sql_quote(&r->b, r->d, st->table);
    if (st->where) {
        cq__buf_put(&r->b, " WHERE ");
        put_expr(r, st->where);
    }
}

int cq__sql_render(cq__sql *out, const cq__stmt *st, cq_dialect dialect, cq_error *err)
{
    memset(out, 0, sizeof *out);
    render r = {
        .out = out, .d = dialect, .D = cq__sql_dialect_of(dialect), .err = err, .rc = CQ_OK
    };
    cq__buf_reserve(&r.b, 255); /* most statements fit: one allocation, not five doublings */
    switch (st->kind) {
    case CQ__ST_SELECT:
        render_select(&r, st);
        break;
    case CQ__ST_INSERT:
        render_insert(&r, st);
        break;
    case CQ__ST_UPDATE:
        render_update(&r, st);
        break;
    case CQ__ST_DELETE:
        render_delete(&r, st);
        break;
    case CQ__ST_RAW:
        put_raw(&r, st->raw, st->raw_params);
        break;
    case CQ__ST_UNION: /* only ever a FROM subquery */
        r.rc = cq__err_set(err, CQ_EINVALID, "a UNION renders only inside a SELECT");
        break;
    }
    if (st->kind != CQ__ST_RAW)
        cq__buf_putc(&r.b, ';');
    out->text = cq__buf_take(&r.b);
    if (r.rc == CQ_OK && !out->text)
        r.rc = cq__err_set(err, CQ_ENOMEM, "out of memory rendering SQL");
    if (r.rc != CQ_OK)
        cq__sql_free(out);
    return r.rc;
}
