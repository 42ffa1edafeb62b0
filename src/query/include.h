/* Eager loading: resolving include lists and loading included rows.
 * Default strategy:
 * To-one includes (belongsTo, hasOne) are JOINed into the parent query and read by column
 * position; to-many includes (hasMany, belongsToMany) load in one batched query per include
 * over the parents' keys (`WHERE fk IN (...)`), so they never multiply parent rows and
 * limit/offset always count parents. A required to-many include filters the parents with an
 * EXISTS semi-join.
 * With cq_find_opts.single_join: one statement joining every include (see below). */
#ifndef CQ_QUERY_INCLUDE_H
#define CQ_QUERY_INCLUDE_H

#include "model/model.h"
#include "stmt/stmt.h"

typedef struct cq__inc cq__inc;

/* A resolved include tree. */
typedef struct cq__inc_plan {
    cq__inc *nodes; /* top-level nodes */
    size_t n;
    cq_include *expanded; /* the list with `all` elements expanded, owned (NULL: none) */
    bool order_in_memory; /* single JOIN: ordered by cq__inc_sj_sort, not by ORDER BY */
} cq__inc_plan;

/* Resolves `list` against `m` (spec/include.md A1 errors, CQ_EEAGER). */
int cq__inc_plan_make(cq__inc_plan *out, cq_model *m, const cq_include *list);
void cq__inc_plan_free(cq__inc_plan *p);
/* include_all.c: `list` with every `all` element (at any depth) replaced by the includes it
 * stands for, in Sequelize's order (see cq_include). *out is NULL when the list has no `all`
 * element (use `list`), else a new list whose nested lists are new too: free it with
 * cq__inc_list_free(); other pointers in it are borrowed from `list`. CQ_EEAGER for bad
 * all_types, or an error of cq__inc_resolve for an element it had to resolve. */
int cq__inc_expand_all(cq_include **out, cq_model *m, const cq_include *list);
void cq__inc_list_free(cq_include *list);
bool cq__inc_plan_empty(const cq__inc_plan *p);

/* True when `attr` is the source key of a top-level `separate` include: Sequelize adds it to
 * the parent's attributes and shows it (A6), where other keys are read but hidden (A3). */
bool cq__inc_plan_shows_key(const cq__inc_plan *p, const char *attr);
/* Adds to-one JOINs and their columns (after the columns already in `st`) and EXISTS
 * filters for required includes that cannot be INNER JOINs (to-many includes, required
 * includes under optional ones). `alias` is the parent's SQL alias. With count_only, only the
 * filters (every required include becomes EXISTS): the count is of distinct parents
 * (docs/differences.md). */
int cq__inc_add_to_select(cq__stmt *st, cq__inc_plan *p, cq_model *m, const char *alias,
                          bool count_only);
/* ORDER BY an included attribute (cq_order.as, a dotted path of aliases). For a to-one
 * include, *out is the column to order the parent query by. A path reaching a to-many include
 * records the term on it (the children are ordered in their own query) and *out is NULL. */
int cq__inc_order_expr(cq__expr **out, cq__inc_plan *p, cq_model *m, const char *as_path,
                       const char *attr, bool desc);
/* `$path.attr$` in a top-level where (include.md A2): which includes the statement joins.
 * By default only chains of to-one includes; the single-JOIN statement joins every include
 * but `separate` ones; a count joins none. */
typedef struct cq__inc_where_ctx {
    const cq__inc_plan *plan;
    cq_model *m;
    bool all_joined;  /* the single-JOIN shape: the includes cq__inc_plan_join flagged */
    bool none_joined; /* a count */
    bool limited;     /* the parents are limited (limit/offset): only the error text differs */
} cq__inc_where_ctx;
/* Flags the includes that `$path.attr$` keys of `where` (at any depth of $and/$or/$not) reach,
 * every include along each path. Paths that name no include are left to the where builder. */
void cq__inc_plan_mark_where(cq__inc_plan *p, const cq_value *where);
/* Which includes the single-JOIN shape joins into the parent statement (`separate` ones never,
 * nor any include below one not joined); the others load with their own queries afterwards. */
typedef enum cq__inc_join {
    CQ__INC_JOIN_TO_ONE, /* to-one chains only (the default strategy's joins) */
    CQ__INC_JOIN_NAMED,  /* and the to-many includes the top-level where names */
    CQ__INC_JOIN_ALL,    /* every include (cq_find_opts.single_join) */
    CQ__INC_JOIN_COUNT   /* a count: only the includes the where names, to-one ones too */
} cq__inc_join;
void cq__inc_plan_join(cq__inc_plan *p, cq__inc_join how);
/* True when cq__inc_plan_join flagged some include joined. */
bool cq__inc_plan_any_joined(const cq__inc_plan *p);
/* True when a joined include (at any depth) is to-many: each parent may then come once per
 * joined child row. */
bool cq__inc_plan_joins_many(const cq__inc_plan *p);
/* A cq__where_include_fn over a cq__inc_where_ctx. */
int cq__inc_where_include(void *ctx, const char *key, const char *path, cq_model **m,
                          const char **alias);
/* Builds the to-one children of `inst` from the row of `res` (a cq__row_fn's) starting at column
 * `*col`, which is advanced past their columns. */
int cq__inc_read_row(cq_instance *inst, cq__inc_plan *p, cq__result *res, size_t *col);
/* Loads every to-many include (at any depth under to-one includes) for `rows`. */
int cq__inc_load_many(cq_rows *rows, cq__inc_plan *p, cq_txn *txn);
/* Forgets the order terms recorded on to-many includes (before building the order again). */
void cq__inc_plan_clear_orders(cq__inc_plan *p);

/* The single-JOIN shape (cq_find_opts.single_join): every include but `separate` ones joined
 * into one statement, to-many ones included, and the rows folded back into the tree. */
/* True when some non-separate to-many include is in the plan (else the shapes are the same). */
bool cq__inc_sj_wanted(const cq__inc_plan *p);
/* CQ_ENOTSUPPORTED when a model whose joined rows must be told apart has no primary key. */
int cq__inc_sj_check(const cq__inc_plan *p, cq_model *m);
/* Joins and columns of every include, after the parent's columns already in `st`. */
int cq__inc_sj_add(cq__stmt *st, cq__inc_plan *p, cq_model *m, const char *alias);
/* After the caller's order terms: the parent's primary key, then per include (depth-first)
 * its recorded order terms and its primary key; nothing with p->order_in_memory. */
int cq__inc_sj_order(cq__stmt *st, cq__inc_plan *p, cq_model *m, const char *alias);
/* Whether the order cq__inc_sj_order would send is only primary keys, each one integer
 * attribute: then cq__inc_sj_sort gives the tree the same order in memory. */
bool cq__inc_sj_sortable(const cq__inc_plan *p, const cq_model *m);
/* With p->order_in_memory: orders the parents and every joined to-many list under them by
 * primary key, as the ORDER BY of cq__inc_sj_order would have (call after the last row, before
 * cq__inc_sj_end and the separate includes). */
typedef struct cq__sj_stream cq__sj_stream;
void cq__inc_sj_sort(cq__sj_stream *st);
/* Folds the rows into parents (appended to `rows`; columns: the parent's selected attributes,
 * then those cq__inc_sj_add added, read by position) with their included trees, one row at a
 * time as the driver reads them (cq__db_exec_stmt_rows): begin, cq__inc_sj_row for each row
 * (a cq__row_fn; it takes the cells it keeps), end. */
int cq__inc_sj_begin(cq__sj_stream **out, cq_rows *rows, cq_model *m, const bool *sel,
                     const bool *hidden, cq__inc_plan *p);
int cq__inc_sj_row(void *ctx, cq__result *one);
void cq__inc_sj_end(cq__sj_stream *st);
/* Loads the `separate` includes of a tree read by cq__inc_sj_row. */
int cq__inc_load_separate(cq_rows *rows, cq__inc_plan *p, cq_txn *txn);

#endif
