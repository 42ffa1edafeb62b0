/* Internal layout of associations. */
#ifndef CQ_MODEL_ASSOC_H
#define CQ_MODEL_ASSOC_H

#include "cequel/assoc.h"
#include "model/model.h"
#include "naming/naming.h"

#define CQ__KEPT_LINKS 9

struct cq_assoc {
    cq_assoc_type type;
    cq_model *source, *target;
    cq__naming_alias alias; /* as, singular, plural, is_aliased */
    cq__naming_accessors acc;
    char *fk;                /* foreign-key attribute (holder: source / target / through) */
    char *source_key;        /* attribute on source (hasOne/hasMany/BTM) */
    char *target_key;        /* attribute on target (belongsTo/BTM) */
    char *other_key;         /* BTM: join attribute pointing at the target */
    cq_model *through;       /* BTM join model */
    struct cq_assoc *paired; /* BTM: the other side sharing the join model */
    bool other_key_default;  /* BTM: otherKey was derived, so pairing may rename it */
    cq_value *scope;         /* target attribute values, owned */
    cq_value *through_scope; /* join-row values, owned */
    bool constraints;
    bool hooks;              /* `hooks: true`: associate hooks ran; CASCADE destroys one by one */
    char *_Atomic count_sql; /* countX's statement with no options, rendered once, or NULL */
    char *_Atomic get_sql;   /* getX's statement with no options, rendered once, or NULL */
    /* BTM add/set: the SELECT of the source's join rows, rendered once: [0] all of them,
     * [k] those to k target keys (query/assoc_accessors.c); NULL until rendered */
    char *_Atomic links_sql[CQ__KEPT_LINKS];
    /* BTM hasX with k target keys and no options: its SELECT, rendered once, in [k] */
    char *_Atomic has_sql[CQ__KEPT_LINKS];
    /* cq__assoc_check_keys passed on the frozen schema, where it stays so; then, for a hasOne or
     * hasMany, the places of source_key on source and of fk on target */
    _Atomic bool keys_ok;
    _Atomic long source_key_index, fk_index;
    /* BTM add/set: the multi-row INSERT of k join rows that write only the two keys and the
     * timestamps, rendered once, in [k] with its column set (query/instance.c) */
    struct cq__kept_insert *_Atomic join_insert_sql[CQ__KEPT_LINKS];
    /* BTM set/remove: the DELETE of the source's join rows to k target keys, rendered once,
     * in [k] (query/assoc_accessors.c); NULL until rendered */
    char *_Atomic unlink_sql[CQ__KEPT_LINKS];
};

void cq__assoc_free(struct cq_assoc *a);
cq__naming_kind cq__assoc_kind(const struct cq_assoc *a);
bool cq__assoc_is_multi(const struct cq_assoc *a);
/* Model that holds the foreign key. */
cq_model *cq__assoc_holder(const struct cq_assoc *a);
/* CQ_EUNKNOWN_ATTR (message naming `what`, the model and the attribute) when a key the
 * association joins on is not an attribute of its model: a later association over the same
 * join model can re-define that model's keys. Checked before any statement is built, so the
 * accessors and includes never look a missing key up. */
int cq__assoc_check_keys(const struct cq_assoc *a, const char *what);

/* assoc_resolve.c: which association an include element names (spec/include.md A1; CQ_EEAGER
 * errors). */
int cq__inc_resolve(const struct cq_assoc **out, cq_model *src, const cq_include *e);
/* True for the all-zero element that ends an include list. */
bool cq__inc_is_end(const cq_include *e);

#endif
