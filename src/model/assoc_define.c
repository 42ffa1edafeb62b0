/* Defining associations: keys, injected foreign-key attributes, join models
 * (spec/associations.md sections 1-5, naming.md section 5). */
#include <stdio.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>

#include "model/assoc.h"
#include "model/hooks.h"
#include "core/util.h"

static const char *const method_names[] = { "", "belongsTo", "hasOne", "hasMany", "belongsToMany" };

const char *cq_assoc_type_name(cq_assoc_type t)
{
    return t >= CQ_BELONGS_TO && t <= CQ_BELONGS_TO_MANY ? method_names[t] : "unknown";
}

cq__naming_kind cq__assoc_kind(const cq_assoc *a)
{
    switch (a->type) {
    case CQ_HAS_ONE:
        return CQ__NAMING_HAS_ONE;
    case CQ_HAS_MANY:
        return CQ__NAMING_HAS_MANY;
    case CQ_BELONGS_TO_MANY:
        return CQ__NAMING_BELONGS_TO_MANY;
    default:
        return CQ__NAMING_BELONGS_TO;
    }
}

bool cq__assoc_is_multi(const cq_assoc *a)
{
    return a->type == CQ_HAS_MANY || a->type == CQ_BELONGS_TO_MANY;
}

cq_model *cq__assoc_holder(const cq_assoc *a)
{
    switch (a->type) {
    case CQ_BELONGS_TO:
        return a->source;
    case CQ_BELONGS_TO_MANY:
        return a->through;
    default:
        return a->target;
    }
}

void cq__assoc_free(cq_assoc *a)
{
    if (!a)
        return;
    cq__naming_alias_free(&a->alias);
    cq__naming_accessors_free(&a->acc);
    cq__free(a->fk);
    cq__free(a->source_key);
    cq__free(a->target_key);
    cq__free(a->other_key);
    cq_value_free(a->scope);
    cq_value_free(a->through_scope);
    cq__free(atomic_load(&a->count_sql));
    cq__free(atomic_load(&a->get_sql));
    for (size_t i = 0; i < CQ__KEPT_LINKS; i++)
        cq__free(atomic_load(&a->links_sql[i]));
    for (size_t i = 0; i < CQ__KEPT_LINKS; i++)
        cq__free(atomic_load(&a->has_sql[i]));
    for (size_t i = 0; i < CQ__KEPT_LINKS; i++)
        cq__free(atomic_load(&a->unlink_sql[i]));
    for (size_t i = 0; i < CQ__KEPT_LINKS; i++) {
        cq__kept_insert *k = atomic_load(&a->join_insert_sql[i]);
        if (k)
            cq__free(k->text);
        cq__free(k);
    }
    cq__free(a);
}

/* ---- snapshots: a failed definition leaves every model as it was (docs/differences.md) ---- */

typedef struct attr_snap {
    cq_model *m;
    size_t nattrs;               /* attributes beyond this were added by the failed call */
    cq__attr *copy;              /* deep copies of the attributes that existed */
    long created_at, updated_at; /* timestamp indices (removing an attribute moves them) */
    long deleted_at, version_attr;
} attr_snap;

static cq__attr attr_dup(const cq__attr *a, bool *oom_flag)
{
    cq__attr c = *a;
    c.name = cq__strdup(a->name);
    c.field = cq__strdup(a->field);
    c.default_value = a->default_value ? cq_value_copy(a->default_value) : NULL;
    c.unique_name = a->unique_name ? cq__strdup(a->unique_name) : NULL;
    c.ref_model = a->ref_model ? cq__strdup(a->ref_model) : NULL;
    c.ref_key = a->ref_key ? cq__strdup(a->ref_key) : NULL;
    c.on_delete = a->on_delete ? cq__strdup(a->on_delete) : NULL;
    c.on_update = a->on_update ? cq__strdup(a->on_update) : NULL;
    c.values = a->values ? cq__strv_dup((const char *const *)a->values) : NULL;
    if (!c.name || !c.field || (a->default_value && !c.default_value) || (a->values && !c.values) ||
        (a->unique_name && !c.unique_name) || (a->ref_model && !c.ref_model) ||
        (a->ref_key && !c.ref_key) || (a->on_delete && !c.on_delete) ||
        (a->on_update && !c.on_update))
        *oom_flag = true;
    return c;
}

static int snap_take(attr_snap *s, cq_model *m)
{
    s->m = m;
    s->nattrs = m->nattrs;
    s->created_at = m->created_at;
    s->updated_at = m->updated_at;
    s->deleted_at = m->deleted_at;
    s->version_attr = m->version_attr;
    s->copy = cq__calloc(m->nattrs + 1, sizeof *s->copy);
    if (!s->copy)
        return cq__db_oom(m->db);
    bool bad = false;
    for (size_t i = 0; i < m->nattrs; i++)
        s->copy[i] = attr_dup(&m->attrs[i], &bad);
    return bad ? cq__db_oom(m->db) : CQ_OK;
}

static void snap_drop(attr_snap *s);

static void snap_restore(attr_snap *s)
{
    if (!s->m || !s->copy)
        return;
    cq_model *m = s->m;
    for (size_t i = 0; i < m->nattrs; i++)
        cq__attr_clear(&m->attrs[i]);
    if (s->nattrs > m->attrs_cap &&
        cq__grow((void **)&m->attrs, &m->attrs_cap, s->nattrs, sizeof *m->attrs) != 0) {
        /* cannot happen in practice: the array only shrank by removals */
        snap_drop(s);
        return;
    }
    memcpy(m->attrs, s->copy, s->nattrs * sizeof *m->attrs);
    m->nattrs = s->nattrs;
    m->created_at = s->created_at;
    m->updated_at = s->updated_at;
    m->deleted_at = s->deleted_at;
    m->version_attr = s->version_attr;
    cq__free(s->copy);
    s->copy = NULL;
    cq__model_refresh_pk(m);
}

static void snap_drop(attr_snap *s)
{
    if (!s->copy)
        return;
    for (size_t i = 0; i < s->nattrs; i++)
        cq__attr_clear(&s->copy[i]);
    cq__free(s->copy);
    s->copy = NULL;
}

/* ---- injected foreign keys -------------------------------------------------------- */

typedef struct fk_spec {
    const char *name;
    const cq_attr *attr_opts; /* the object form of foreignKey, may be NULL */
    const cq__attr *ref_attr; /* the referenced key attribute */
    cq_model *ref_model;
    cq_type key_type;
    bool constraints;
    bool fk_constraint;                       /* foreignKeyConstraint: true */
    const char *on_delete, *on_update;        /* association options */
    const char *null_delete, *notnull_delete; /* defaults by nullability */
} fk_spec;

static bool attr_nullable_for_default(const cq__attr *a)
{
    /* an existing attribute declared without allowNull counts as NOT nullable here */
    return a->allow_null == CQ_ON;
}

static char *upper_dup(const char *s)
{
    char *d = cq__strdup(s);
    for (char *p = d; p && *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    return d;
}

/* A new foreign-key attribute on `holder`, typed like the key it references unless the
 * options say otherwise (associations.md 1.2). */
static int add_fk_attr(cq_model *holder, const fk_spec *f)
{
    cq_db *db = holder->db;
    const cq_attr *o = f->attr_opts;
    cq_attr gen = { 0 };
    if (o)
        gen = *o;
    gen.name = f->name;
    gen.type = f->key_type ? f->key_type : (o && o->type ? o->type : f->ref_attr->type);
    if (!(o && o->type) && !f->key_type) {
        gen.length = f->ref_attr->length;
        gen.precision = f->ref_attr->precision;
        gen.scale = f->ref_attr->scale;
    }
    gen.primary_key = false;
    gen.auto_increment = false;
    gen.allow_null = o && o->allow_null ? o->allow_null : CQ_ON;
    gen.references_model = NULL;
    gen.references_model_handle = NULL;
    gen.on_delete = CQ_REF_DEFAULT;
    gen.on_update = CQ_REF_DEFAULT;
    gen.unique = o ? o->unique : false;
    /* add through the normal path (validates, names the column by the holder) */
    if (cq__grow((void **)&holder->attrs, &holder->attrs_cap, holder->nattrs + 1,
                 sizeof *holder->attrs) != 0)
        return cq__db_oom(db);
    cq__attr *a = &holder->attrs[holder->nattrs];
    memset(a, 0, sizeof *a);
    a->name = cq__strdup(gen.name);
    a->field = cq__naming_field_name(gen.name, gen.field, holder->underscored);
    a->type = gen.type;
    a->length = gen.length;
    a->precision = gen.precision;
    a->scale = gen.scale;
    a->allow_null = gen.allow_null;
    a->unique = gen.unique || gen.unique_name;
    a->unique_name = gen.unique_name ? cq__strdup(gen.unique_name) : NULL;
    a->default_value = gen.default_value ? cq_value_copy(gen.default_value) : NULL;
    a->default_fn = gen.default_fn;
    a->references_none = gen.references_none;
    holder->nattrs++;
    if (!a->name || !a->field)
        return cq__db_oom(db);
    if (o && o->on_delete && !(a->on_delete = upper_dup(cq_ref_action_name(o->on_delete))))
        return cq__db_oom(db);
    if (o && o->on_update && !(a->on_update = upper_dup(cq_ref_action_name(o->on_update))))
        return cq__db_oom(db);
    return CQ_OK;
}

/* Sequelize adds references/onDelete/onUpdate when constraints are on, or when the caller gave
 * an action or foreignKeyConstraint explicitly even with constraints off (associations.md
 * 1.2). */
static int fk_references(cq__attr *a, const fk_spec *f, bool nullable, cq_db *db)
{
    bool want_ref = f->constraints || f->fk_constraint || f->on_delete || f->on_update;
    /* a key that is one part of a composite primary key cannot be referenced on its own:
     * the column is still added, without REFERENCES (sync.md section 7) */
    if (f->ref_attr->primary_key && f->ref_model->npk > 1)
        want_ref = false;
    if (!want_ref || a->references_none)
        return CQ_OK;
    if (!a->ref_model) {
        a->ref_model = cq__strdup(f->ref_model->name);
        a->ref_key = cq__strdup(f->ref_attr->name);
        if (!a->ref_model || !a->ref_key)
            return cq__db_oom(db);
    }
    const char *del = f->on_delete     ? f->on_delete
                      : f->constraints ? (nullable ? f->null_delete : f->notnull_delete)
                                       : NULL;
    const char *upd = f->on_update ? f->on_update : f->constraints ? "CASCADE" : NULL;
    if (!a->on_delete && del && !(a->on_delete = upper_dup(del)))
        return cq__db_oom(db);
    if (!a->on_update && upd && !(a->on_update = upper_dup(upd)))
        return cq__db_oom(db);
    return CQ_OK;
}

/* Adds (or merges into) the foreign-key attribute on `holder` (associations.md 1.2). */
static int inject_fk(cq_model *holder, const fk_spec *f)
{
    cq_db *db = holder->db;
    long idx = cq__model_attr_index(holder, f->name);
    bool exists = idx >= 0;
    if (!exists) {
        int rc = add_fk_attr(holder, f);
        if (rc != CQ_OK)
            return rc;
        idx = (long)holder->nattrs - 1;
    }
    cq__attr *a = &holder->attrs[idx];
    bool nullable = exists ? attr_nullable_for_default(a) : a->allow_null != CQ_OFF;
    if (exists && f->attr_opts) {
        /* merge: what the existing attribute sets wins, the object form fills the rest */
        const cq_attr *o = f->attr_opts;
        if (a->allow_null == CQ_DEFAULT && o->allow_null)
            a->allow_null = o->allow_null;
        if (!a->default_value && !a->default_fn && o->default_value &&
            !(a->default_value = cq_value_copy(o->default_value)))
            return cq__db_oom(db);
        if (!a->default_value && !a->default_fn)
            a->default_fn = o->default_fn;
    }
    return fk_references(a, f, nullable, db);
}

static bool valid_action(cq_ref_action a)
{
    return a >= CQ_REF_DEFAULT && a <= CQ_REF_SET_DEFAULT;
}

/* ---- common front part ------------------------------------------------------------- */

static int check_common(cq_model *source, cq_model *target, cq_assoc_type type,
                        const cq_assoc_opts *o)
{
    cq_db *db = source->db;
    /* a NULL target is a NULL handle (CQ_EINVALID, as everywhere); a model of another db is
     * an association error. The text is v6's either way. */
    if (!target || target->db != db)
        return cq__db_fail(db, target ? CQ_EASSOC : CQ_EINVALID,
                           "%s.%s called with something that's not a subclass of Sequelize.Model",
                           source->name, method_names[type]);
    const cq_attr *fka = o->foreign_key_attr;
    const cq_ref_action acts[4] = { o->on_delete, o->on_update, fka ? fka->on_delete : 0,
                                    fka ? fka->on_update : 0 };
    for (int i = 0; i < 4; i++)
        if (!valid_action(acts[i]))
            return cq__db_fail(db, CQ_EINVALID,
                               "%s.%s(%s): %s %d is not a cq_ref_action (RESTRICT, CASCADE, NO "
                               "ACTION, SET DEFAULT, SET NULL)",
                               source->name, method_names[type], target->name,
                               i % 2 ? "onUpdate" : "onDelete", (int)acts[i]);
    /* names that become aliases, attributes or columns: an empty one is refused here, not
     * by the server at sync */
    const char *const names[][2] = {
        { "as", o->as },
        { "as.singular", o->as_singular },
        { "as.plural", o->as_plural },
        { "foreignKey", o->foreign_key },
        { "foreignKey.name", o->foreign_key_attr ? o->foreign_key_attr->name : NULL },
        { "foreignKey.field", o->foreign_key_attr ? o->foreign_key_attr->field : NULL },
        { "sourceKey", o->source_key },
        { "targetKey", o->target_key },
        { "otherKey", o->other_key },
        { "otherKey.name", o->other_key_attr ? o->other_key_attr->name : NULL },
        { "otherKey.field", o->other_key_attr ? o->other_key_attr->field : NULL },
        { "through", o->through },
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char option[96];
        snprintf(option, sizeof option, "%s(%s): %s", method_names[type], target->name,
                 names[i][0]);
        if (cq__name_nonempty(db, source->name, option, names[i][1]) != CQ_OK)
            return CQ_EINVALID;
    }
    if (cq__name_check_ident(db, source->name, "belongsToMany: uniqueKey", o->unique_key) != CQ_OK)
        return CQ_EINVALID;
    if (o->scope && cq_value_type_of(o->scope) != CQ_VALUE_OBJECT)
        return cq__db_fail(db, CQ_EINVALID, "%s.%s(%s): scope must be an object", source->name,
                           method_names[type], target->name);
    for (size_t i = 0; o->scope && i < cq_value_size(o->scope); i++)
        if (cq__model_attr_index(target, cq_value_object_key(o->scope, i)) < 0)
            return cq__db_fail(db, CQ_EUNKNOWN_ATTR,
                               "%s.%s(%s): scope names \"%s\", which is not an attribute of %s",
                               source->name, method_names[type], target->name,
                               cq_value_object_key(o->scope, i), target->name);
    return CQ_OK;
}

static int key_attr(const cq__attr **out, cq_model *m, const char *key, const char *what)
{
    long i = cq__model_attr_index(m, key);
    if (!key || i < 0)
        return cq__db_fail(m->db, CQ_EASSOC,
                           "Unknown attribute \"%s\" passed as %s, define this attribute on model "
                           "\"%s\" first",
                           key ? key : "(none)", what, m->name);
    *out = &m->attrs[i];
    return CQ_OK;
}

static int register_assoc(cq_assoc *a)
{
    cq_model *s = a->source;
    if (cq__grow((void **)&s->assocs, &s->assocs_cap, s->nassocs + 1, sizeof *s->assocs) != 0)
        return cq__db_oom(s->db);
    s->assocs[s->nassocs++] = a;
    return CQ_OK;
}

/* Alias, duplicate-alias check; fills a->alias. */
static int resolve_alias(cq_assoc *a, const cq_assoc_opts *o)
{
    cq_db *db = a->source->db;
    int rc = cq__naming_alias_resolve(&a->alias, NULL, cq__assoc_kind(a), o->as, o->as_singular,
                                      o->as_plural, a->target->singular, a->target->plural);
    if (rc == CQ_EINVALID)
        return cq__db_fail(db, CQ_EINVALID,
                           "%s.%s(%s): `as` must be a string, or {singular, plural} for hasMany "
                           "and belongsToMany",
                           a->source->name, method_names[a->type], a->target->name);
    if (rc != CQ_OK)
        return cq__db_oom(db);
    if (a->alias.is_aliased)
        for (size_t i = 0; i < a->source->nassocs; i++)
            if (strcmp(a->source->assocs[i]->alias.as, a->alias.as) == 0)
                return cq__db_fail(db, CQ_EASSOC,
                                   "You have used the alias %s in two separate associations. "
                                   "Aliased associations must have unique aliases.",
                                   a->alias.as);
    return CQ_OK;
}

static int finish(cq_assoc **out, cq_assoc *a)
{
    cq_db *db = a->source->db;
    /* naming collision: the alias equals an attribute of the source */
    if (cq__model_attr_index(a->source, a->alias.as) >= 0)
        return cq__db_fail(db, CQ_EASSOC,
                           "Naming collision between attribute '%s' and association '%s' on model "
                           "%s. To remedy this, change either foreignKey or as in your "
                           "association definition",
                           a->alias.as, a->alias.as, a->source->name);
    int rc =
        cq__naming_accessors_make(&a->acc, cq__assoc_kind(a), a->alias.singular, a->alias.plural);
    if (rc != CQ_OK)
        return cq__db_oom(db);
    rc = register_assoc(a);
    if (rc == CQ_OK && out)
        *out = a;
    return rc;
}

static cq_assoc *assoc_new(cq_model *source, cq_model *target, cq_assoc_type type,
                           const cq_assoc_opts *o)
{
    cq_assoc *a = cq__calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->type = type;
    a->source = source;
    a->target = target;
    a->constraints = o->constraints != CQ_OFF;
    if (o->scope && !(a->scope = cq_value_copy(o->scope))) {
        cq__free(a);
        return NULL;
    }
    return a;
}

/* With no foreignKey option, an attribute of the holder that was declared by hand with a
 * reference to the same key is reused (sync.md section 9 decision; docs/differences.md). */
/* Whether attribute `name` of `holder` is the key of an association already defined. */
static bool is_assoc_key(const cq_model *holder, const char *name)
{
    cq_db *db = holder->db;
    for (size_t m = 0; m < db->nmodels; m++)
        for (size_t i = 0; i < db->models[m]->nassocs; i++) {
            const cq_assoc *a = db->models[m]->assocs[i];
            if (cq__assoc_holder(a) == holder &&
                (cq__streq(a->fk, name) || cq__streq(a->other_key, name)))
                return true;
        }
    return false;
}

static const char *declared_reference(cq_model *holder, cq_model *ref_model,
                                      const cq__attr *ref_attr, int *count)
{
    const char *found = NULL;
    int n = 0;
    for (size_t i = 0; i < holder->nattrs; i++) {
        const cq__attr *a = &holder->attrs[i];
        /* only attributes declared by hand count, not keys injected by other associations */
        if (!a->ref_model || a->generated || is_assoc_key(holder, a->name))
            continue;
        bool same_model = strcmp(a->ref_model, ref_model->name) == 0 ||
                          strcmp(a->ref_model, ref_model->table) == 0;
        bool same_key =
            cq__streq(a->ref_key, ref_attr->name) || cq__streq(a->ref_key, ref_attr->field);
        if (same_model && same_key) {
            found = a->name;
            n++;
        }
    }
    *count = n;
    return n == 1 ? found : NULL;
}

/* ---- belongsTo / hasOne / hasMany ----------------------------------------------------- */

/* CQ_ENOMEM from a layer that has no db to report on (naming) gets its record here. */
static int reported(cq_db *db, int rc)
{
    return rc == CQ_ENOMEM && cq__last_error()->code == CQ_OK ? cq__db_oom(db) : rc;
}

/* An association changes both models (a foreign key, accessors), so it too must come before
 * the schema freezes. */
static int frozen_check(cq_model *source, cq_model *target, const char *kind,
                        const cq_assoc_opts *opts)
{
    if (!cq_db_is_frozen(source->db))
        return CQ_OK;
    char what[256];
    snprintf(what, sizeof what, "association %s.%s(%s%s%s%s)", source->name, kind,
             target ? target->name : "NULL", opts && opts->as ? ", as: \"" : "",
             opts && opts->as ? opts->as : "", opts && opts->as ? "\"" : "");
    return cq__db_check_unfrozen(source->db, what);
}

/* The key a belongsTo (the target's targetKey) or hasOne/hasMany (the source's sourceKey)
 * references; a key the caller named must be the primary key or unique. */
static int single_ref_attr(const cq__attr **out, const cq_assoc *a, const cq_assoc_opts *o)
{
    cq_model *source = a->source, *target = a->target;
    bool bt = a->type == CQ_BELONGS_TO;
    cq_model *ref_model = bt ? target : source;
    const char *pk = cq_model_primary_key(ref_model);
    const char *given = bt ? o->target_key : o->source_key;
    int rc = key_attr(out, ref_model, given ? given : pk, bt ? "targetKey" : "sourceKey");
    if (rc != CQ_OK || !given || (*out)->primary_key || (*out)->unique)
        return rc;
    if (bt)
        return cq__db_fail(source->db, CQ_EASSOC,
                           "%s.belongsTo(%s): targetKey \"%s\" is neither the primary key nor "
                           "unique, so it cannot be referenced",
                           source->name, target->name, (*out)->name);
    return cq__db_fail(source->db, CQ_EASSOC,
                       "%s.%s(%s): sourceKey \"%s\" is neither the primary key nor unique, so "
                       "it cannot be referenced",
                       source->name, method_names[a->type], target->name, (*out)->name);
}

/* The warnings of a foreign key reused from a declared reference: several candidates (none
 * reused), or the one reused (naming the association, the attribute and the key, so two
 * associations reusing one attribute give two different lines). Best effort. */
static void warn_declared(const cq_assoc *a, const cq_model *holder, const cq_model *ref_model,
                          const cq__attr *ref_attr, const char *declared, int ndeclared)
{
    const cq_model *source = a->source, *target = a->target;
    char *msg = NULL;
    if (ndeclared > 1)
        msg = cq__asprintf("%s.%s(%s): %d attributes of %s already reference %s.%s; "
                           "none is reused as the foreign key (name one with the "
                           "foreignKey option)",
                           source->name, method_names[a->type], target->name, ndeclared,
                           holder->name, ref_model->name, ref_attr->name);
    else if (declared)
        msg = cq__asprintf("%s.%s(%s%s%s%s): reuses %s.%s as its foreign key (declared with a "
                           "reference to %s.%s); no column is added",
                           source->name, method_names[a->type], target->name,
                           a->alias.is_aliased ? ", as \"" : "",
                           a->alias.is_aliased ? a->alias.as : "", a->alias.is_aliased ? "\"" : "",
                           holder->name, declared, ref_model->name, ref_attr->name);
    if (msg)
        cq__session_warn(&source->db->s, msg);
    cq__free(msg);
}

/* The foreign-key name of a belongsTo/hasOne/hasMany: given, an attribute of the holder that
 * already references the key, or v6's derived name; *fk to free. */
static int single_fk_name(char **fk, const cq_assoc *a, const cq_assoc_opts *o, cq_model *holder,
                          cq_model *ref_model, const cq__attr *ref_attr)
{
    cq_model *source = a->source, *target = a->target;
    cq_db *db = source->db;
    const char *given = o->foreign_key        ? o->foreign_key
                        : o->foreign_key_attr ? o->foreign_key_attr->name
                                              : NULL;
    const char *pk = cq_model_primary_key(ref_model);
    const char *as = a->alias.is_aliased ? a->alias.as : NULL;
    int ndeclared = 0;
    const char *declared =
        given ? NULL : declared_reference(holder, ref_model, ref_attr, &ndeclared);
    if (ndeclared > 1)
        warn_declared(a, holder, ref_model, ref_attr, NULL, ndeclared);
    int rc;
    if (given || declared) {
        *fk = cq__strdup(given ? given : declared);
        rc = *fk ? CQ_OK : cq__db_oom(db);
        if (declared && rc == CQ_OK)
            warn_declared(a, holder, ref_model, ref_attr, declared, 1);
    } else if (a->type == CQ_BELONGS_TO) {
        rc = cq__naming_fk_belongs_to(fk, as, target->singular, pk);
    } else if (a->type == CQ_HAS_ONE) {
        rc = cq__naming_fk_has_one(fk, NULL, as, source->name, pk);
    } else {
        rc = cq__naming_fk_has_many(fk, source->singular, pk);
    }
    if (rc == CQ_EINVALID)
        rc = cq__db_fail(db, CQ_EASSOC,
                         "%s.%s(%s): cannot name the foreign key: %s has no "
                         "primary key",
                         source->name, method_names[a->type], target->name, ref_model->name);
    else if (rc == CQ_ENOMEM)
        rc = cq__db_oom(db);
    return rc;
}

/* Adds the foreign key `fk` of `a` to `holder` (or merges it into the attribute there). */
static int single_inject(const cq_assoc *a, const cq_assoc_opts *o, cq_model *holder,
                         cq_model *ref_model, const cq__attr *ref_attr, const char *fk)
{
    fk_spec f = { .name = fk,
                  .attr_opts = o->foreign_key_attr,
                  .ref_attr = ref_attr,
                  .ref_model = ref_model,
                  .key_type = o->key_type,
                  .constraints = a->constraints,
                  .fk_constraint = o->foreign_key_constraint == CQ_ON,
                  .on_delete = cq_ref_action_name(o->on_delete),
                  .on_update = cq_ref_action_name(o->on_update),
                  .null_delete = "SET NULL",
                  .notnull_delete = a->type == CQ_BELONGS_TO ? "NO ACTION" : "CASCADE" };
    int rc = inject_fk(holder, &f);
    if (rc == CQ_OK) /* the key may clash with a column by case, or be too long */
        rc = cq__model_check_names(holder);
    return rc;
}

static int define_single_or_many(cq_assoc **out, cq_model *source, cq_model *target,
                                 cq_assoc_type type, const cq_assoc_opts *opts)
{
    if (out)
        *out = NULL;
    cq_db *db = source->db;
    cq__db_clear(db);
    int rc = frozen_check(source, target, cq_assoc_type_name(type), opts);
    if (rc != CQ_OK)
        return rc;
    cq_assoc_opts o = opts ? *opts : (cq_assoc_opts){ 0 };
    rc = check_common(source, target, type, &o);
    if (rc != CQ_OK)
        return rc;
    if (type == CQ_HAS_MANY && (o.through || o.through_model))
        return cq__db_fail(db, CQ_EASSOC,
                           "N:M associations are not supported with hasMany. Use belongsToMany "
                           "instead");
    cq_assoc *a = assoc_new(source, target, type, &o);
    if (!a)
        return cq__db_oom(db);
    cq_model *holder = type == CQ_BELONGS_TO ? source : target;
    cq_model *ref_model = type == CQ_BELONGS_TO ? target : source;
    attr_snap snap = { 0 };
    char *fk = NULL;
    const cq__attr *ref_attr = NULL;
    rc = resolve_alias(a, &o);
    if (rc == CQ_OK)
        rc = snap_take(&snap, holder);
    if (rc == CQ_OK)
        rc = single_ref_attr(&ref_attr, a, &o);
    if (rc == CQ_OK)
        rc = single_fk_name(&fk, a, &o, holder, ref_model, ref_attr);
    if (rc == CQ_OK)
        rc = single_inject(a, &o, holder, ref_model, ref_attr, fk);
    if (rc == CQ_OK) {
        a->fk = fk;
        fk = NULL;
        if (type == CQ_BELONGS_TO)
            a->target_key = cq__strdup(ref_attr->name);
        else
            a->source_key = cq__strdup(ref_attr->name);
        if (!a->target_key && !a->source_key)
            rc = cq__db_oom(db);
    }
    if (rc == CQ_OK)
        rc = finish(out, a);
    cq__free(fk);
    if (rc != CQ_OK) {
        cq_error keep = cq__err_save();
        snap_restore(&snap);
        cq__assoc_free(a);
        cq__err_restore(&keep);
        return rc;
    }
    snap_drop(&snap);
    return CQ_OK;
}

static int belongs_to_many(cq_assoc **out, cq_model *source, cq_model *target,
                           const cq_assoc_opts *opts);

/* v6 Model.hasMany & co.: with `hooks: true` the source's beforeAssociate runs before the
 * association is made, afterAssociate after (a failing afterAssociate leaves it made). */
static int define_hooked(cq_assoc **out, cq_model *source, cq_model *target, cq_assoc_type type,
                         const cq_assoc_opts *opts)
{
    if (out)
        *out = NULL;
    bool hooks = source && target && opts && opts->hooks;
    cq_hook_ctx ctx = { .target = target };
    int rc = hooks ? cq__hooks_run(source, CQ__H_BEFORE_ASSOCIATE, &ctx, NULL) : CQ_OK;
    if (rc != CQ_OK)
        return rc;
    cq_assoc *a = NULL;
    rc = type == CQ_BELONGS_TO_MANY ? belongs_to_many(&a, source, target, opts)
                                    : define_single_or_many(&a, source, target, type, opts);
    if (rc == CQ_OK)
        a->hooks = hooks;
    if (rc == CQ_OK && out)
        *out = a;
    if (rc == CQ_OK && hooks) {
        ctx = (cq_hook_ctx){ .target = target, .assoc = a };
        rc = cq__hooks_run(source, CQ__H_AFTER_ASSOCIATE, &ctx, NULL);
    }
    return rc;
}

bool cq__assoc_cascades_hooks(const cq_assoc *a)
{
    if (!a->hooks || (a->type != CQ_HAS_MANY && a->type != CQ_HAS_ONE))
        return false;
    long i = cq__model_attr_index(a->target, a->fk);
    return i >= 0 && cq__streq(a->target->attrs[i].on_delete, "CASCADE");
}

int cq_model_belongs_to(cq_assoc **out, cq_model *source, cq_model *target,
                        const cq_assoc_opts *opts)
{
    if (out)
        *out = NULL;
    if (!source)
        return CQ_EINVALID;
    return reported(source->db, define_hooked(out, source, target, CQ_BELONGS_TO, opts));
}

int cq_model_has_one(cq_assoc **out, cq_model *source, cq_model *target, const cq_assoc_opts *opts)
{
    if (out)
        *out = NULL;
    if (!source)
        return CQ_EINVALID;
    return reported(source->db, define_hooked(out, source, target, CQ_HAS_ONE, opts));
}

int cq_model_has_many(cq_assoc **out, cq_model *source, cq_model *target, const cq_assoc_opts *opts)
{
    if (out)
        *out = NULL;
    if (!source)
        return CQ_EINVALID;
    return reported(source->db, define_hooked(out, source, target, CQ_HAS_MANY, opts));
}

/* ---- belongsToMany ------------------------------------------------------------------ */

/* Removes attribute `i` from `m` (used for the join model's generated id). */
static void remove_attr(cq_model *m, size_t i)
{
    cq__attr_clear(&m->attrs[i]);
    memmove(&m->attrs[i], &m->attrs[i + 1], (m->nattrs - i - 1) * sizeof *m->attrs);
    m->nattrs--;
    if (m->created_at > (long)i)
        m->created_at--;
    if (m->updated_at > (long)i)
        m->updated_at--;
    if (m->deleted_at > (long)i)
        m->deleted_at--;
    if (m->version_attr > (long)i)
        m->version_attr--;
}

/* Sets up one join key (associations.md 5.4): type of the referenced key, reference, actions.
 * `assoc_first`: the association's option wins over a value already on the attribute
 * (foreignKey); otherwise the attribute's value wins (otherKey). */
static int join_key(cq_model *through, const char *name, const cq_attr *attr_opts,
                    const cq__attr *ref_attr, cq_model *ref_model, const cq_assoc_opts *o,
                    bool constraints, bool composite_pk, bool assoc_first)
{
    cq_db *db = through->db;
    long idx = cq__model_attr_index(through, name);
    if (idx < 0) {
        if (cq__grow((void **)&through->attrs, &through->attrs_cap, through->nattrs + 1,
                     sizeof *through->attrs) != 0)
            return cq__db_oom(db);
        cq__attr *a = &through->attrs[through->nattrs];
        memset(a, 0, sizeof *a);
        a->name = cq__strdup(name);
        a->field =
            cq__naming_field_name(name, attr_opts ? attr_opts->field : NULL, through->underscored);
        a->allow_null = attr_opts ? attr_opts->allow_null : CQ_DEFAULT;
        through->nattrs++;
        if (!a->name || !a->field)
            return cq__db_oom(db);
        idx = (long)through->nattrs - 1;
    }
    cq__attr *a = &through->attrs[idx];
    a->type = ref_attr->type;
    a->length = ref_attr->length;
    a->precision = ref_attr->precision;
    a->scale = ref_attr->scale;
    a->primary_key = composite_pk;
    a->auto_increment = false;
    if (constraints) {
        cq__free(a->ref_model);
        cq__free(a->ref_key);
        a->ref_model = cq__strdup(ref_model->name);
        a->ref_key = cq__strdup(ref_attr->name);
        a->references_none = false;
        if (!a->ref_model || !a->ref_key)
            return cq__db_oom(db);
        const char *acts[2] = { cq_ref_action_name(o->on_delete),
                                cq_ref_action_name(o->on_update) };
        char **slots[2] = { &a->on_delete, &a->on_update };
        for (int k = 0; k < 2; k++) {
            if (acts[k] && (assoc_first || !*slots[k])) {
                cq__free(*slots[k]);
                if (!(*slots[k] = upper_dup(acts[k])))
                    return cq__db_oom(db);
            } else if (!*slots[k] && !(*slots[k] = cq__strdup("CASCADE")))
                return cq__db_oom(db);
        }
    } else {
        cq__free(a->ref_model);
        cq__free(a->ref_key);
        a->ref_model = a->ref_key = NULL;
    }
    return CQ_OK;
}

static int resolve_through(cq_model **out, bool *created, cq_model *source, const cq_assoc_opts *o)
{
    cq_db *db = source->db;
    *out = NULL;
    *created = false;
    if (o->through_model) {
        *out = o->through_model;
        return CQ_OK;
    }
    cq_model *m = cq_db_model(db, o->through);
    if (m) {
        *out = m;
        return CQ_OK;
    }
    /* a generated join model: table named verbatim, source's underscored and timestamp names */
    cq_model_opts mo = { .freeze_table_name = CQ_ON,
                         .underscored = source->underscored ? CQ_ON : CQ_OFF,
                         .timestamps = o->timestamps,
                         .paranoid = o->through_paranoid };
    /* associations.md 5.3: the join model inherits the source's `version` option */
    if (source->version_attr >= 0)
        mo.version_attribute = source->attrs[source->version_attr].name;
    /* the timestamp names, or their absence (`updatedAt: false`), come from the source */
    if (source->created_at >= 0)
        mo.created_at = source->attrs[source->created_at].name;
    else
        mo.omit_created_at = source->timestamps;
    if (source->updated_at >= 0)
        mo.updated_at = source->attrs[source->updated_at].name;
    else
        mo.omit_updated_at = source->timestamps;
    int rc = cq_db_define(&m, db, o->through, NULL, &mo);
    if (rc != CQ_OK)
        return rc;
    *created = true;
    *out = m;
    return CQ_OK;
}

static void undefine_model(cq_db *db, cq_model *m)
{
    for (size_t i = 0; i < db->nmodels; i++)
        if (db->models[i] == m) {
            memmove(&db->models[i], &db->models[i + 1], (db->nmodels - i - 1) * sizeof *db->models);
            db->nmodels--;
            break;
        }
    cq__model_free(m);
}

static int define_btm(cq_assoc **out, cq_model *source, cq_model *target, const cq_assoc_opts *opts)
{
    return define_hooked(out, source, target, CQ_BELONGS_TO_MANY, opts);
}

/* belongsToMany's own argument checks (after check_common()). */
static int btm_check(cq_model *source, cq_model *target, const cq_assoc_opts *o)
{
    cq_db *db = source->db;
    if (!o->through && !o->through_model)
        return cq__db_fail(db, CQ_EASSOC,
                           "%s.belongsToMany(%s) requires through option, pass either a string "
                           "or a model",
                           source->name, target->name);
    if (o->through_model && o->through_model->db != db)
        return cq__db_fail(db, CQ_EASSOC, "%s.belongsToMany(%s): through model is from another db",
                           source->name, target->name);
    if (source == target && !o->as && !o->as_plural)
        return cq__db_fail(db, CQ_EASSOC,
                           "'as' must be defined for many-to-many self-associations");
    if (o->through_scope && cq_value_type_of(o->through_scope) != CQ_VALUE_OBJECT)
        return cq__db_fail(db, CQ_EINVALID, "%s.belongsToMany(%s): through scope must be an object",
                           source->name, target->name);
    return CQ_OK;
}

/* The target's belongsToMany back to `source` over the same join model, if any: as in v6, an
 * association already paired pairs again (a second Post->Tag association over the same join
 * model takes the Tag side's key). */
static cq_assoc *btm_paired(cq_model *source, cq_model *target, cq_model *through)
{
    cq_assoc *paired = NULL;
    for (size_t i = 0; i < target->nassocs; i++) {
        cq_assoc *t = target->assocs[i];
        if (t->type == CQ_BELONGS_TO_MANY && t->through == through && t->target == source)
            paired = t;
    }
    return paired;
}

/* The join model's two key names: given, taken from the paired side, or derived (v6's
 * naming); *fk and *other to free. */
static int btm_name_keys(char **fk, char **other, cq_assoc *a, const cq_assoc_opts *o,
                         const cq__attr *src_key, const cq__attr *tgt_key, const cq_assoc *paired)
{
    cq_model *source = a->source, *target = a->target;
    cq_db *db = source->db;
    const char *given = o->foreign_key        ? o->foreign_key
                        : o->foreign_key_attr ? o->foreign_key_attr->name
                                              : NULL;
    int rc = CQ_OK;
    if (given)
        rc = (*fk = cq__strdup(given)) ? CQ_OK : cq__db_oom(db);
    else
        rc = cq__naming_fk_belongs_to_many(fk, source->singular, src_key->name);
    if (rc == CQ_OK) {
        given = o->other_key ? o->other_key : o->other_key_attr ? o->other_key_attr->name : NULL;
        a->other_key_default = !given;
        if (given)
            rc = (*other = cq__strdup(given)) ? CQ_OK : cq__db_oom(db);
        else if (paired)
            rc = (*other = cq__strdup(paired->fk)) ? CQ_OK : cq__db_oom(db);
        else
            rc = cq__naming_other_key_belongs_to_many(other, NULL, source == target, a->alias.as,
                                                      target->singular, tgt_key->name);
    }
    if (rc == CQ_ENOMEM && cq__last_error()->code == CQ_OK)
        rc = cq__db_oom(db); /* the naming functions have no db to report on */
    if (rc != CQ_OK && rc != CQ_ENOMEM && cq__last_error()->code == CQ_OK)
        rc = cq__db_fail(db, CQ_EASSOC, "%s.belongsToMany(%s): cannot name the join keys",
                         source->name, target->name);
    return rc;
}

/* The join model keeps a primary key the user declared; a generated id is dropped. Returns
 * whether the user declared one (other than the two keys). */
static bool btm_keep_user_pk(cq_model *through, const char *fk, const char *other)
{
    bool user_pk = false;
    for (size_t i = 0; i < through->nattrs; i++) {
        if (!through->attrs[i].primary_key)
            continue;
        bool key_col =
            strcmp(through->attrs[i].name, fk) == 0 || strcmp(through->attrs[i].name, other) == 0;
        if (through->attrs[i].generated && !key_col) {
            remove_attr(through, i);
            i--;
        } else if (!key_col) {
            user_pk = true;
        }
    }
    return user_pk;
}

/* v6's pitfall: two self-associations on one join model with default keys collapse both keys
 * into one column. A warning, best effort. */
static void btm_warn_one_column(const cq_assoc *a, const cq_model *through, const char *fk)
{
    char *msg = cq__asprintf("%s.belongsToMany(%s%s%s%s): the foreign key and the other key "
                             "are the same column, %s.%s; give foreignKey and otherKey "
                             "explicitly on both sides",
                             a->source->name, a->target->name, a->alias.is_aliased ? ", as \"" : "",
                             a->alias.is_aliased ? a->alias.as : "",
                             a->alias.is_aliased ? "\"" : "", through->name, fk);
    if (msg)
        cq__session_warn(&a->source->db->s, msg);
    cq__free(msg);
}

/* With a user primary key, the two keys get a composite unique key (v6's `unique` option of
 * the through, default on). */
static int btm_unique(cq_model *through, const cq_assoc_opts *o, const char *fk, const char *other)
{
    char *uname = o->unique_key ? cq__strdup(o->unique_key)
                                : cq__asprintf("%s_%s_%s_unique", through->table, fk, other);
    const char *keys[2] = { fk, other };
    for (int k = 0; uname && k < 2; k++) {
        cq__attr *ka = &through->attrs[cq__model_attr_index(through, keys[k])];
        cq__free(ka->unique_name);
        ka->unique_name = cq__strdup(uname);
        ka->unique = true;
    }
    int rc = uname ? CQ_OK : cq__db_oom(through->db);
    cq__free(uname);
    return rc;
}

/* The join model's shape for `a`: the paired side's derived key renamed, the generated id
 * dropped, both keys added, the unique key; `a` takes fk and other on success. */
static int btm_shape_through(cq_assoc *a, cq_model *through, const cq_assoc_opts *o,
                             const cq__attr *src_key, const cq__attr *tgt_key, cq_assoc *paired,
                             char **paired_old_other)
{
    cq_db *db = a->source->db;
    char *fk = NULL, *other = NULL;
    int rc = btm_name_keys(&fk, &other, a, o, src_key, tgt_key, paired);
    /* (before looking for a user primary key: the column removed here was one of the keys) */
    if (rc == CQ_OK && paired && paired->other_key_default && strcmp(paired->other_key, fk) != 0) {
        /* pairing renames the other side's derived otherKey to this side's foreignKey */
        long old = cq__model_attr_index(through, paired->other_key);
        if (old >= 0)
            remove_attr(through, (size_t)old);
        *paired_old_other = paired->other_key;
        paired->other_key = cq__strdup(fk);
        if (!paired->other_key)
            rc = cq__db_oom(db);
    }
    bool user_pk = rc == CQ_OK && btm_keep_user_pk(through, fk, other);
    if (rc == CQ_OK && strcmp(fk, other) == 0)
        btm_warn_one_column(a, through, fk);
    if (rc == CQ_OK)
        rc = join_key(through, fk, o->foreign_key_attr, src_key, a->source, o, a->constraints,
                      !user_pk, true);
    if (rc == CQ_OK)
        rc = join_key(through, other, o->other_key_attr, tgt_key, a->target, o, a->constraints,
                      !user_pk, false);
    if (rc == CQ_OK)
        rc = cq__model_check_names(through);
    if (rc == CQ_OK && user_pk && o->through_unique != CQ_OFF)
        rc = btm_unique(through, o, fk, other);
    if (rc == CQ_OK)
        rc = cq__model_refresh_pk(through);
    if (rc == CQ_OK) {
        a->fk = fk;
        a->other_key = other;
        fk = other = NULL;
    }
    cq__free(fk);
    cq__free(other);
    return rc;
}

static int belongs_to_many(cq_assoc **out, cq_model *source, cq_model *target,
                           const cq_assoc_opts *opts)
{
    if (out)
        *out = NULL;
    cq_db *db = source->db;
    cq__db_clear(db);
    int rc = frozen_check(source, target, "belongsToMany", opts);
    if (rc != CQ_OK)
        return rc;
    cq_assoc_opts o = opts ? *opts : (cq_assoc_opts){ 0 };
    rc = check_common(source, target, CQ_BELONGS_TO_MANY, &o);
    if (rc == CQ_OK)
        rc = btm_check(source, target, &o);
    if (rc != CQ_OK)
        return rc;
    cq_assoc *a = assoc_new(source, target, CQ_BELONGS_TO_MANY, &o);
    if (!a)
        return cq__db_oom(db);
    if (o.through_scope && !(a->through_scope = cq_value_copy(o.through_scope))) {
        cq__assoc_free(a);
        return cq__db_oom(db);
    }
    const cq__attr *src_key = NULL, *tgt_key = NULL;
    cq_model *through = NULL;
    bool created = false;
    attr_snap snap = { 0 };
    char *paired_old_other = NULL;
    cq_assoc *paired = NULL;
    rc = resolve_alias(a, &o);
    if (rc == CQ_OK)
        rc = key_attr(&src_key, source, o.source_key ? o.source_key : cq_model_primary_key(source),
                      "sourceKey");
    if (rc == CQ_OK)
        rc = key_attr(&tgt_key, target, o.target_key ? o.target_key : cq_model_primary_key(target),
                      "targetKey");
    if (rc == CQ_OK)
        rc = resolve_through(&through, &created, source, &o);
    if (rc == CQ_OK && !created)
        rc = snap_take(&snap, through);
    if (rc == CQ_OK) {
        paired = btm_paired(source, target, through);
        rc = btm_shape_through(a, through, &o, src_key, tgt_key, paired, &paired_old_other);
    }
    if (rc == CQ_OK) {
        a->through = through;
        a->source_key = cq__strdup(src_key->name);
        a->target_key = cq__strdup(tgt_key->name);
        if (!a->source_key || !a->target_key)
            rc = cq__db_oom(db);
    }
    if (rc == CQ_OK)
        rc = finish(out, a);
    if (rc != CQ_OK) {
        cq_error keep = cq__err_save();
        if (paired_old_other) {
            cq__free(paired->other_key);
            paired->other_key = paired_old_other;
        }
        if (created)
            undefine_model(db, through);
        else
            snap_restore(&snap);
        cq__assoc_free(a);
        cq__err_restore(&keep);
        return rc;
    }
    cq__free(paired_old_other);
    if (paired) {
        paired->paired = a;
        a->paired = paired;
    }
    snap_drop(&snap);
    return CQ_OK;
}

int cq_model_belongs_to_many(cq_assoc **out, cq_model *source, cq_model *target,
                             const cq_assoc_opts *opts)
{
    if (out)
        *out = NULL;
    if (!source)
        return CQ_EINVALID;
    return reported(source->db, define_btm(out, source, target, opts));
}

/* ---- introspection ------------------------------------------------------------------ */

size_t cq_model_assoc_count(const cq_model *m)
{
    return m ? m->nassocs : 0;
}

cq_assoc *cq_model_assoc_at(const cq_model *m, size_t i)
{
    if (!m)
        return NULL;
    return i < m->nassocs ? m->assocs[i] : NULL;
}

cq_assoc *cq_model_assoc(const cq_model *m, const char *as)
{
    if (!m)
        return NULL;
    /* a later non-aliased redefinition replaces an earlier one, as in Sequelize */
    for (size_t i = m->nassocs; as && i > 0; i--)
        if (strcmp(m->assocs[i - 1]->alias.as, as) == 0)
            return m->assocs[i - 1];
    return NULL;
}

cq_assoc_type cq_assoc_type_of(const cq_assoc *a)
{
    return a ? a->type : (cq_assoc_type)0;
}

cq_model *cq_assoc_source(const cq_assoc *a)
{
    return a ? a->source : NULL;
}

cq_model *cq_assoc_target(const cq_assoc *a)
{
    return a ? a->target : NULL;
}

const char *cq_assoc_as(const cq_assoc *a)
{
    return a ? a->alias.as : NULL;
}

const char *cq_assoc_singular(const cq_assoc *a)
{
    return a ? a->alias.singular : NULL;
}

const char *cq_assoc_plural(const cq_assoc *a)
{
    return a ? a->alias.plural : NULL;
}

bool cq_assoc_is_aliased(const cq_assoc *a)
{
    return a ? a->alias.is_aliased : false;
}

const char *cq_assoc_foreign_key(const cq_assoc *a)
{
    return a ? a->fk : NULL;
}

const char *cq_assoc_source_key(const cq_assoc *a)
{
    return a ? a->source_key : NULL;
}

const char *cq_assoc_target_key(const cq_assoc *a)
{
    return a ? a->target_key : NULL;
}

const char *cq_assoc_other_key(const cq_assoc *a)
{
    return a ? a->other_key : NULL;
}

cq_model *cq_assoc_through(const cq_assoc *a)
{
    return a ? a->through : NULL;
}

const cq_value *cq_assoc_scope(const cq_assoc *a)
{
    return a ? a->scope : NULL;
}

const cq_value *cq_assoc_through_scope(const cq_assoc *a)
{
    return a ? a->through_scope : NULL;
}

const char *cq_assoc_accessor_name(const cq_assoc *a, cq_accessor kind)
{
    if (!a)
        return NULL;
    switch (kind) {
    case CQ_ACC_GET:
        return a->acc.get;
    case CQ_ACC_SET:
        return a->acc.set;
    case CQ_ACC_CREATE:
        return a->acc.create;
    case CQ_ACC_ADD:
        return a->acc.add;
    case CQ_ACC_ADD_MULTIPLE:
        return a->acc.add_multiple;
    case CQ_ACC_REMOVE:
        return a->acc.remove;
    case CQ_ACC_REMOVE_MULTIPLE:
        return a->acc.remove_multiple;
    case CQ_ACC_HAS_SINGLE:
        return a->acc.has_single;
    case CQ_ACC_HAS_ALL:
        return a->acc.has_all;
    case CQ_ACC_COUNT:
        return a->acc.count;
    }
    return NULL;
}

int cq_model_find_accessor(cq_assoc **assoc_out, cq_accessor *kind_out, const cq_model *m,
                           const char *method)
{
    *assoc_out = NULL;
    *kind_out = 0;
    if (!m)
        return CQ_EINVALID;
    /* an earlier association keeps its method: Sequelize does not overwrite a method that
     * already exists (naming.md 6); when single and multiple variants share a name
     * (`sheep`), the multiple one answers */
    static const cq_accessor order[] = { CQ_ACC_GET,        CQ_ACC_SET,
                                         CQ_ACC_CREATE,     CQ_ACC_ADD_MULTIPLE,
                                         CQ_ACC_ADD,        CQ_ACC_REMOVE_MULTIPLE,
                                         CQ_ACC_REMOVE,     CQ_ACC_HAS_ALL,
                                         CQ_ACC_HAS_SINGLE, CQ_ACC_COUNT };
    for (size_t i = 0; method && i < m->nassocs; i++) {
        cq_assoc *a = m->assocs[i];
        for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
            const char *name = cq_assoc_accessor_name(a, order[k]);
            if (name && strcmp(name, method) == 0) {
                *assoc_out = a;
                *kind_out = order[k];
                return CQ_OK;
            }
        }
    }
    return cq__db_fail(m->db, CQ_EUNKNOWN_ASSOC, "instance of model %s has no method %s", m->name,
                       method ? method : "(null)");
}
