/*
 * Names Sequelize v6 derives for models and associations (naming.md 3-8), as pure functions
 * over plain strings. The Sequelize code each one copies is named in its comment.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "naming/naming.h"

static char *dup_string(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = cq__malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* a + b (NULL counts as ""), newly allocated. */
static char *concat(const char *a, const char *b)
{
    a = a ? a : "";
    b = b ? b : "";
    size_t na = strlen(a), nb = strlen(b);
    char *d = cq__malloc(na + nb + 1);
    if (!d)
        return NULL;
    memcpy(d, a, na);
    memcpy(d + na, b, nb + 1);
    return d;
}

/* camelize([prefix, key].join('_')); a NULL key is JavaScript's undefined, joined as "". */
static int camelize_joined(char **out, const char *prefix, const char *key)
{
    *out = NULL;
    char *head = concat(prefix, "_");
    if (!head)
        return CQ_ENOMEM;
    char *joined = concat(head, key);
    cq__free(head);
    if (!joined)
        return CQ_ENOMEM;
    int rc = cq__naming_camelize(out, joined);
    cq__free(joined);
    return rc;
}

/* ---- naming.md 3 ------------------------------------------------------------------------- */

/* Model.init: options.name.singular = options.name.singular || Utils.singularize(modelName) */
char *cq__naming_model_singular(const cq__inflector *infl, const char *model_name,
                                const char *given)
{
    return given ? dup_string(given) : cq__naming_singularize(infl, model_name);
}

/* Model.init: options.name.plural = options.name.plural || Utils.pluralize(modelName) */
char *cq__naming_model_plural(const cq__inflector *infl, const char *model_name, const char *given)
{
    return given ? dup_string(given) : cq__naming_pluralize(infl, model_name);
}

/* Model.init / Model._getTableName: tableName, else freeze ? name : underscoredIf(plural). */
char *cq__naming_table_name(const cq__inflector *infl, const char *model_name,
                            const char *table_name, bool freeze_table_name, bool underscored)
{
    if (table_name)
        return dup_string(table_name);
    if (freeze_table_name)
        return dup_string(model_name);
    char *plural = cq__naming_pluralize(infl, model_name);
    if (!plural || !underscored)
        return plural;
    char *snake = cq__naming_underscore(plural);
    cq__free(plural);
    return snake;
}

/* Model.init / refreshAttributes: field = field || (underscored ? underscore(name) : name) */
char *cq__naming_field_name(const char *attr, const char *field, bool underscored)
{
    if (field)
        return dup_string(field);
    return underscored ? cq__naming_underscore(attr) : dup_string(attr);
}

/* ---- naming.md 4 ------------------------------------------------------------------------- */

bool cq__naming_kind_is_multi(cq__naming_kind kind)
{
    return kind == CQ__NAMING_HAS_MANY || kind == CQ__NAMING_BELONGS_TO_MANY;
}

void cq__naming_alias_free(cq__naming_alias *a)
{
    if (!a)
        return;
    cq__free(a->as);
    cq__free(a->singular);
    cq__free(a->plural);
    memset(a, 0, sizeof *a);
}

/*
 * Constructors of BelongsTo / HasOne (as = options.as || target.options.name.singular;
 * options.name = as given ? {singular: as} : target.options.name) and of HasMany /
 * BelongsToMany (object as: as = as.plural, name = as; string: name = {plural: as,
 * singular: Utils.singularize(as)}; none: as = target.options.name.plural).
 */
int cq__naming_alias_resolve(cq__naming_alias *out, const cq__inflector *infl, cq__naming_kind kind,
                             const char *as, const char *as_singular, const char *as_plural,
                             const char *target_singular, const char *target_plural)
{
    memset(out, 0, sizeof *out);
    bool multi = cq__naming_kind_is_multi(kind);
    bool object = as_singular || as_plural;
    if (object && (as || !multi || !as_singular || !as_plural))
        return CQ_EINVALID;
    if (!as && !object && !(target_singular && target_plural))
        return CQ_EINVALID;

    out->is_aliased = as || object;
    bool need_plural = true;
    if (object) {
        out->as = dup_string(as_plural);
        out->singular = dup_string(as_singular);
        out->plural = dup_string(as_plural);
    } else if (as) {
        out->as = dup_string(as);
        out->singular = multi ? cq__naming_singularize(infl, as) : dup_string(as);
        out->plural = multi ? dup_string(as) : NULL;
        need_plural = multi;
    } else {
        out->as = dup_string(multi ? target_plural : target_singular);
        out->singular = dup_string(target_singular);
        out->plural = dup_string(target_plural);
    }
    if (!out->as || !out->singular || (need_plural && !out->plural)) {
        cq__naming_alias_free(out);
        return CQ_ENOMEM;
    }
    return CQ_OK;
}

/* ---- naming.md 5 ------------------------------------------------------------------------- */

cq__naming_holder cq__naming_fk_holder(cq__naming_kind kind)
{
    switch (kind) {
    case CQ__NAMING_BELONGS_TO:
        return CQ__NAMING_HOLDER_SOURCE;
    case CQ__NAMING_HAS_ONE:
    case CQ__NAMING_HAS_MANY:
        return CQ__NAMING_HOLDER_TARGET;
    case CQ__NAMING_BELONGS_TO_MANY:
    default:
        return CQ__NAMING_HOLDER_THROUGH;
    }
}

/* BelongsTo: Utils.camelize([this.as, this.target.primaryKeyAttribute].join('_')) */
int cq__naming_fk_belongs_to(char **out, const char *as, const char *target_singular,
                             const char *target_pk)
{
    return camelize_joined(out, as ? as : target_singular, target_pk);
}

/*
 * HasOne: Utils.camelize([Utils.singularize(this.options.as || this.source.name),
 * this.source.primaryKeyAttribute].join('_'))
 */
int cq__naming_fk_has_one(char **out, const cq__inflector *infl, const char *as,
                          const char *source_model_name, const char *source_pk)
{
    *out = NULL;
    char *single = cq__naming_singularize(infl, as ? as : source_model_name);
    if (!single)
        return CQ_ENOMEM;
    int rc = camelize_joined(out, single, source_pk);
    cq__free(single);
    return rc;
}

/* HasMany: Utils.camelize([this.source.options.name.singular, this.source.primaryKeyAttribute]) */
int cq__naming_fk_has_many(char **out, const char *source_singular, const char *source_pk)
{
    return camelize_joined(out, source_singular, source_pk);
}

/* BelongsToMany: Utils.camelize([this.source.options.name.singular, this.sourceKey]) */
int cq__naming_fk_belongs_to_many(char **out, const char *source_singular, const char *source_key)
{
    return camelize_joined(out, source_singular, source_key);
}

/*
 * BelongsToMany: Utils.camelize([this.isSelfAssociation ? Utils.singularize(this.as)
 * : this.target.options.name.singular, this.targetKey].join('_'))
 */
int cq__naming_other_key_belongs_to_many(char **out, const cq__inflector *infl,
                                         bool self_association, const char *as,
                                         const char *target_singular, const char *target_key)
{
    *out = NULL;
    if (!self_association)
        return camelize_joined(out, target_singular, target_key);
    if (!as)
        return CQ_EINVALID;
    char *single = cq__naming_singularize(infl, as);
    if (!single)
        return CQ_ENOMEM;
    int rc = camelize_joined(out, single, target_key);
    cq__free(single);
    return rc;
}

/* ---- naming.md 6 ------------------------------------------------------------------------- */

void cq__naming_accessors_free(cq__naming_accessors *a)
{
    if (!a)
        return;
    cq__free(a->get);
    cq__free(a->set);
    cq__free(a->create);
    cq__free(a->add);
    cq__free(a->add_multiple);
    cq__free(a->remove);
    cq__free(a->remove_multiple);
    cq__free(a->has_single);
    cq__free(a->has_all);
    cq__free(a->count);
    memset(a, 0, sizeof *a);
}

/*
 * BelongsTo / HasOne: accessors = {get, set, create} + upperFirst(options.name.singular).
 * HasMany / BelongsToMany: get/set/addMultiple/removeMultiple/hasAll/count + upperFirst(plural),
 * add/create/remove/hasSingle + upperFirst(singular).
 */
int cq__naming_accessors_make(cq__naming_accessors *out, cq__naming_kind kind, const char *singular,
                              const char *plural)
{
    memset(out, 0, sizeof *out);
    bool multi = cq__naming_kind_is_multi(kind);
    if (!singular || (multi && !plural))
        return CQ_EINVALID;

    int rc = CQ_ENOMEM;
    char *one = cq__naming_upper_first(singular);
    char *many = multi ? cq__naming_upper_first(plural) : NULL;
    if (!one || (multi && !many))
        goto done;
    if (!multi) {
        out->get = concat("get", one);
        out->set = concat("set", one);
        out->create = concat("create", one);
        if (out->get && out->set && out->create)
            rc = CQ_OK;
        goto done;
    }
    out->get = concat("get", many);
    out->set = concat("set", many);
    out->add_multiple = concat("add", many);
    out->add = concat("add", one);
    out->create = concat("create", one);
    out->remove = concat("remove", one);
    out->remove_multiple = concat("remove", many);
    out->has_single = concat("has", one);
    out->has_all = concat("has", many);
    out->count = concat("count", many);
    if (out->get && out->set && out->add_multiple && out->add && out->create && out->remove &&
        out->remove_multiple && out->has_single && out->has_all && out->count)
        rc = CQ_OK;
done:
    cq__free(one);
    cq__free(many);
    if (rc != CQ_OK)
        cq__naming_accessors_free(out);
    return rc;
}

/* ---- naming.md 7, 8 ---------------------------------------------------------------------- */

char *cq__naming_property_key(const char *as)
{
    return dup_string(as);
}

char *cq__naming_through_key(const char *through_model_name, const char *through_as)
{
    return dup_string(through_as ? through_as : through_model_name);
}

/* verifyAssociationAlias of BelongsTo/HasOne (alias.singular) and HasMany/BelongsToMany
 * (alias.plural). */
bool cq__naming_alias_matches(cq__naming_kind kind, const char *assoc_as, bool is_aliased,
                              const char *alias, const char *alias_singular,
                              const char *alias_plural)
{
    if (alias)
        return assoc_as && strcmp(assoc_as, alias) == 0;
    const char *name = cq__naming_kind_is_multi(kind) ? alias_plural : alias_singular;
    if (name)
        return assoc_as && strcmp(assoc_as, name) == 0;
    return !is_aliased;
}
