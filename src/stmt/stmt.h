/* The dialect-neutral statement tree. The query layer builds it; src/sql renders it for a
 * dialect. Every value in it is a bound parameter; every name is quoted by the renderer. */
#ifndef CQ_STMT_H
#define CQ_STMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cequel/value.h"

typedef enum cq__expr_kind {
    CQ__EX_COL,      /* [table.]column */
    CQ__EX_PARAM,    /* a bound value */
    CQ__EX_PARAMS,   /* bound values, comma-separated: `value` (an array, owned); one node for
                        a whole IN list, however long */
    CQ__EX_CMP,      /* kids[0] op kids[1] */
    CQ__EX_AND,      /* kids joined by AND; empty = always true */
    CQ__EX_OR,       /* kids joined by OR; empty = always false */
    CQ__EX_NOT,      /* NOT (kids[0]) */
    CQ__EX_IN,       /* kids[0] [NOT] IN (kids[1], a PARAMS node); empty list = false (true
                        for NOT IN) */
    CQ__EX_BETWEEN,  /* kids[0] [NOT] BETWEEN kids[1] AND kids[2] */
    CQ__EX_ISNULL,   /* kids[0] IS [NOT] NULL */
    CQ__EX_IS,       /* kids[0] IS [NOT] kids[1]: null-safe (in)equality with a bound value,
                        as each dialect spells it (SQLite IS, PostgreSQL IS [NOT] DISTINCT
                        FROM, MySQL <=>) */
    CQ__EX_RAW,      /* a caller's SQL fragment with `?` placeholders bound from params */
    CQ__EX_COUNT,    /* count(*), or COUNT(col) when kids[0]; count(DISTINCT(col)) with op */
    CQ__EX_EXISTS,   /* EXISTS (sub) */
    CQ__EX_SUBQUERY, /* (sub): a scalar subquery */
    CQ__EX_AGG,      /* op(kids[0]): an aggregate, op "max" or "min" */
    CQ__EX_JSON,     /* a value inside a JSON column: kids[0] the column, `value` the path (an
                        array of text keys, bound), `op` the cast: NULL (text), "num", "bool" */
    CQ__EX_ANY,      /* op (ARRAY[kids...]): op "ANY" or "ALL" (PostgreSQL) */
    CQ__EX_FN,       /* column(kids...): a function call (v6's fn); `column` the checked name */
    CQ__EX_LITERAL   /* `raw` as written (v6's literal): the caller vouched for it */
} cq__expr_kind;

typedef struct cq__expr {
    cq__expr_kind kind;
    const char *op;       /* CQ__EX_CMP: "=", "!=", ">", ">=", "<", "<=", "LIKE", "NOT LIKE",
                             "ILIKE", "NOT ILIKE", and the dialect-neutral "REGEXP",
                             "NOT REGEXP", "IREGEXP", "NOT IREGEXP" (cq__sql_op_supported) */
    bool negate;          /* IN / BETWEEN / ISNULL / IS */
    bool distinct;        /* AGG: op(DISTINCT(kids[0])) */
    int elem_type;        /* ANY: the cq_type of the elements (the array is cast to it), 0 none */
    bool bare;            /* AND / OR: rendered without parentheses (a whole WHERE only) */
    char *table;          /* COL: table alias, may be NULL */
    char *column;         /* COL */
    cq_value *value;      /* PARAM: owned */
    char *raw;            /* RAW */
    cq_value *raw_params; /* RAW: array, owned, may be NULL */
    struct cq__expr **kids;
    size_t n, cap;
    struct cq__stmt *sub; /* EXISTS: owned */
} cq__expr;

cq__expr *cq__expr_col(const char *table, const char *column);
/* Takes ownership of `v` (NULL means OOM and yields NULL). */
cq__expr *cq__expr_param(cq_value *v);
cq__expr *cq__expr_new(cq__expr_kind kind);
/* Appends `kid` (ownership taken; NULL kid marks OOM and returns -1). */
int cq__expr_add(cq__expr *e, cq__expr *kid);
/* Hands a built expression over: `*out = e` when rc is CQ_OK, else `e` is freed. Returns rc. */
int cq__expr_out(cq__expr **out, cq__expr *e, int rc);
cq__expr *cq__expr_cmp(cq__expr *lhs, const char *op, cq__expr *rhs);
void cq__expr_free(cq__expr *e);

typedef struct cq__col {
    char *table; /* qualifier, may be NULL */
    char *column;
    char *alias;    /* AS alias, may be NULL */
    cq__expr *expr; /* an expression rendered instead of table.column (owned), or NULL */
} cq__col;

typedef struct cq__order_key {
    cq__expr *expr;
    bool desc;
} cq__order_key;

typedef struct cq__join {
    bool left; /* LEFT OUTER JOIN, else INNER JOIN */
    char *table;
    char *alias;
    cq__expr *on;
    /* a parenthesised inner join (belongsToMany in the single-JOIN shape):
     * J (table AS alias INNER JOIN nest_table AS nest_alias ON nest_on) ON on */
    char *nest_table;
    char *nest_alias;
    cq__expr *nest_on;
} cq__join;

typedef enum cq__stmt_kind {
    CQ__ST_SELECT = 1,
    CQ__ST_INSERT,
    CQ__ST_UPDATE,
    CQ__ST_DELETE,
    CQ__ST_RAW,
    CQ__ST_UNION /* its `unions`, each a SELECT, combined by UNION ALL (a FROM subquery) */
} cq__stmt_kind;

typedef struct cq__stmt {
    cq__stmt_kind kind;
    char *table;
    char *alias;               /* SELECT: FROM table AS alias */
    struct cq__stmt *from_sub; /* SELECT: FROM (from_sub) AS alias instead of table; owned */
    /* SELECT: the column list (count mode uses `count`) */
    cq__col *cols;
    size_t ncols, cols_cap;
    cq__expr *count;   /* SELECT count(...) AS count instead of cols (after them when grouped) */
    char *count_alias; /* the count's alias; NULL: "count" */
    char **group;      /* GROUP BY these columns (of the FROM table, unqualified) */
    size_t ngroup, group_cap;
    cq__expr **gexprs; /* then GROUP BY these expressions (owned) */
    size_t ngexprs, gexprs_cap;
    cq__expr *having; /* HAVING (owned), or NULL */
    cq__join *joins;
    size_t njoins, joins_cap;
    cq__expr *where;
    cq__order_key *order;
    size_t norder, order_cap;
    int64_t limit;  /* < 0: none */
    int64_t offset; /* <= 0: none */
    /* INSERT: columns + rows of values (nrows * ncols, owned); UPDATE: one row = SET list */
    char **icols;
    size_t nicols, icols_cap;
    char *iops; /* UPDATE: per SET column (the first niops), '+' or '-' (col = col + value)
                   or 0 (col = value); the columns past niops are plain */
    size_t niops;
    cq_value **ivals;
    size_t nivals, ivals_cap;
    char **returning; /* INSERT on dialects with RETURNING: columns to return */
    size_t nreturning, returning_cap;
    /* INSERT ... ON CONFLICT (conflict) DO UPDATE SET upd = the new row's value (MySQL: ON
     * DUPLICATE KEY UPDATE, its own conflict target); `ignore_dup`: skip rows that conflict
     * (ON CONFLICT DO NOTHING, INSERT OR IGNORE, INSERT IGNORE) */
    char **conflict;
    size_t nconflict, conflict_cap;
    char **upd;
    size_t nupd, upd_cap;
    bool ignore_dup;
    /* RAW */
    char *raw;
    cq_value *raw_params;
    /* UNION: the SELECTs combined, owned */
    struct cq__stmt **unions;
    size_t nunions, unions_cap;
} cq__stmt;

cq__stmt *cq__stmt_new(cq__stmt_kind kind, const char *table);
void cq__stmt_free(cq__stmt *st);
int cq__stmt_add_col(cq__stmt *st, const char *table, const char *column, const char *alias);
/* SELECT: frees the columns past the first `keep` (a count or an aggregate keeps the joins an
 * include added, not the include's columns). */
void cq__stmt_drop_cols(cq__stmt *st, size_t keep);
/* UNION: appends `sel` (ownership taken on success). */
int cq__stmt_add_union(cq__stmt *st, cq__stmt *sel);
int cq__stmt_add_order(cq__stmt *st, cq__expr *e, bool desc);
/* INSERT/UPDATE: a column name (once per column). */
int cq__stmt_add_icol(cq__stmt *st, const char *column);
/* UPDATE: `column = column <op> value` ('+' or '-'), the value added next with
 * cq__stmt_add_ival. */
int cq__stmt_add_icol_op(cq__stmt *st, const char *column, char op);
/* INSERT/UPDATE: a value for the next cell, ownership taken. */
int cq__stmt_add_ival(cq__stmt *st, cq_value *v);
int cq__stmt_add_returning(cq__stmt *st, const char *column);
/* SELECT: an expression column `expr AS alias` (ownership of `expr` taken, also on failure). */
int cq__stmt_add_expr_col(cq__stmt *st, cq__expr *expr, const char *alias);
/* SELECT: GROUP BY `e`, after the plain group columns (ownership taken, also on failure). */
int cq__stmt_add_group_expr(cq__stmt *st, cq__expr *e);
/* SELECT: GROUP BY `column`. */
int cq__stmt_add_group(cq__stmt *st, const char *column);
/* INSERT: a column of the conflict target / a column the conflicting row takes from the new
 * one. */
int cq__stmt_add_conflict(cq__stmt *st, const char *column);
int cq__stmt_add_upd(cq__stmt *st, const char *column);
/* Appends a JOIN (ownership of `on` taken). */
int cq__stmt_add_join(cq__stmt *st, bool left, const char *table, const char *alias, cq__expr *on);
/* Makes the last JOIN of `st` parenthesised: J (table AS alias INNER JOIN nest_table AS
 * nest_alias ON nest_on) ON on (ownership of `nest_on` taken). */
int cq__stmt_nest_join(cq__stmt *st, const char *nest_table, const char *nest_alias,
                       cq__expr *nest_on);
/* ANDs `e` onto the WHERE (ownership taken). */
int cq__stmt_and_where(cq__stmt *st, cq__expr *e);

#endif
