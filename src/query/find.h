/* The finder engine shared by model finders and association accessors. */
#ifndef CQ_QUERY_FIND_H
#define CQ_QUERY_FIND_H

#include "model/model.h"
#include "stmt/stmt.h"

typedef struct cq__find_ext {
    cq__expr *where; /* extra condition ANDed with opts->where; ownership taken */
    /* belongsToMany getters: INNER JOIN the join model and attach its rows to the targets */
    cq_model *through;
    const char *through_alias;
    cq__expr *join_on;                /* ownership taken */
    const char *const *through_attrs; /* join attributes to expose; NULL = all */
    bool no_through_attrs;            /* joinTableAttributes: [] */
    bool keep_through_keys;           /* read every join column (include loading groups by
                                         them); the caller hides what was not asked for */
    const char *through_only; /* with keep_through_keys: the statement selects only this join
                                 attribute and the join row holds only it, without a property
                                 key (the caller drops it after reading the key). NULL = every
                                 column */
    /* a hasMany include with a limit (include.md A6): one branch per parent, each with its
     * own condition (ownership taken) and LIMIT branch_limit, combined by UNION ALL */
    const char *count_attr; /* count: COUNT(m.<attr>) instead of count(*) */
    cq__expr **branch_where;
    size_t nbranch;
    int64_t branch_limit;
    bool no_hooks;   /* include loading: the target's find hooks do not run */
    bool join_below; /* a separate hasMany include's query in a single_join find (only
                        `where` set above; its options ask single_join, no limit): its own
                        includes are joined into it */
    /* include loading: each instance goes to take(take_ctx, inst) as soon as its row is read
     * (taken, even on failure; a non-CQ_OK return ends the find with that code) instead of
     * into the rows returned; ignored (the rows returned as usual) when the find has includes
     * of its own or hides VIRTUAL attributes, which need the rows afterwards */
    int (*take)(void *take_ctx, cq_instance *inst);
    void *take_ctx;
} cq__find_ext;

/* Frees the expressions an extension still owns. */
void cq__find_ext_release(cq__find_ext *ext);

/* findAll with the extension; ext may be NULL. ext's expressions are freed in every case. */
int cq__find(cq_rows **out, cq_model *m, const cq_find_opts *o, cq__find_ext *ext);
int cq__count(int64_t *out, cq_model *m, const cq_find_opts *o, cq__find_ext *ext);
/* The text of cq__count's statement for `ext` and no options (caller frees it with cq__free)
 * and its number of parameters; ext's expressions are freed in every case. */
int cq__count_render(char **text, size_t *nparams, cq_model *m, cq__find_ext *ext);

/* Statements rendered once. A find with no options whose only variable is one key can keep its
 * text for the life of the frozen schema and bind the key on each call:
 * - cq__find_plain_ok: whether m allows that: schema frozen, no default scope, and (with
 *   `find_hooks`, for calls that run them) no find hooks;
 * - cq__key_param: `key` as the where builder binds it for attribute `a` (coerced to its
 *   type, in the stored form); *out is the caller's (cq_value_free);
 * - cq__key_bind: the same without a copy when that form is `key` itself: *bind is what to
 *   bind (`key`, or *own), *own the caller's (cq_value_free; NULL when `key` is bound);
 * - cq__find_render: the text of cq__find's statement for `where` (NULL: none), `ext` (NULL:
 *   none) and no other option (caller frees it with cq__free) and its number of parameters;
 *   ext's expressions are freed in every case;
 * - cq__find_keep: keeps a text just rendered (`rc` and `made` from the render, `n` its
 *   parameters) in `slot` when the render succeeded with `want` parameters and returns the
 *   kept text; otherwise frees `made`, clears the error the attempt left on db (the general
 *   path will say what is wrong, if anything) and returns NULL;
 * - cq__find_rendered: runs such a text with its `n` parameters (borrowed) on a read
 *   connection (the write server with `use_master`) and reads every row into instances as
 *   cq__find does; *out is the caller's (cq_rows_free). */
bool cq__find_plain_ok(cq_model *m, bool find_hooks);
int cq__key_param(cq_value **out, cq_model *m, const cq__attr *a, const cq_value *key);
int cq__key_bind(const cq_value **bind, cq_value **own, cq_model *m, const cq__attr *a,
                 const cq_value *key);
int cq__find_render(char **text, size_t *nparams, cq_model *m, const cq_value *where,
                    cq__find_ext *ext);
/* cq__find_render reading only `attributes` (NULL-terminated; NULL: all) */
int cq__find_render_attrs(char **text, size_t *nparams, cq_model *m, const cq_value *where,
                          const char *const *attributes, cq__find_ext *ext);
const char *cq__find_keep(char *_Atomic *slot, cq_db *db, int rc, char *made, size_t n,
                          size_t want);
int cq__find_rendered(cq_rows **out, cq_model *m, const char *text, const cq_value *const *params,
                      size_t n, bool use_master);

#endif
