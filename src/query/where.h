/* Where clauses: cq_value objects in Sequelize's shape to expression trees. */
#ifndef CQ_QUERY_WHERE_H
#define CQ_QUERY_WHERE_H

#include "model/model.h"
#include "stmt/stmt.h"

/* Builds the expression for `where` on model `m`; columns are qualified with `alias` (may be
 * NULL). *out is NULL when `where` is NULL or empty. Errors are set on the model's db. */
int cq__where_build(cq__expr **out, cq_model *m, const char *alias, const cq_value *where);

/* `$path.attr$` keys of a top-level where (include.md A2) name an attribute of an include:
 * the resolver gives the included model and its SQL alias for the dotted association path,
 * or fails (setting the db error) when the query has no such include in its statement. */
typedef int (*cq__where_include_fn)(void *ctx, const char *key, const char *path, cq_model **m,
                                    const char **alias);
/* cq__where_build, with `$path.attr$` keys resolved by `fn` (NULL: such keys are errors). */
int cq__where_build_inc(cq__expr **out, cq_model *m, const char *alias, const cq_value *where,
                        cq__where_include_fn fn, void *ctx);

/* A find's HAVING: a where object on `m` whose keys may also name aliases of the select list
 * (bare columns), attributes unqualified as v6 writes them; `$where` expressions may hold
 * literals when `literals`. *out is NULL for NULL or {}. */
int cq__where_build_having(cq__expr **out, cq_model *m, const cq_value *having, bool literals);

/* Raw fragment with `?` params (array, copied), as an expression. */
int cq__where_raw(cq__expr **out, cq_db *db, const char *sql, const cq_value *params);

/* (pk1 = v1 AND ...) for an instance's primary key. */
int cq__where_pk(cq__expr **out, const cq_instance *inst, const char *alias);

/* Paranoid models: `alias.deletedAt IS NULL` (v6's clause that hides soft-deleted rows), or
 * `IS NOT NULL` when `deleted`. *out is NULL when `m` is not paranoid. */
int cq__where_paranoid(cq__expr **out, const cq_model *m, const char *alias, bool deleted);

#endif
