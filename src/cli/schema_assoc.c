/*
 * Association entries of a schema (docs/schema.md, "Associations"): Sequelize's
 * `Source.belongsTo(Target, options)` & co. written as JSON, parsed into cq_assoc_opts
 * without a database, then defined in file order by cli_schema_define().
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum {
    K_BT = 1 << CLI_BELONGS_TO,
    K_HO = 1 << CLI_HAS_ONE,
    K_HM = 1 << CLI_HAS_MANY,
    K_BTM = 1 << CLI_BELONGS_TO_MANY,
    K_ALL = K_BT | K_HO | K_HM | K_BTM
};

static const struct {
    const char *name;
    cli_assoc_kind kind;
} kinds[] = {
    { "belongsTo", CLI_BELONGS_TO },
    { "hasOne", CLI_HAS_ONE },
    { "hasMany", CLI_HAS_MANY },
    { "belongsToMany", CLI_BELONGS_TO_MANY },
};
enum { N_KINDS = sizeof kinds / sizeof kinds[0] };

void cli_assoc_clear(cli_assoc *a)
{
    if (!a)
        return;
    cq_value_free(a->fk_default);
    cq_value_free(a->other_default);
    cq_value_free(a->scope);
    cq_value_free(a->through_scope);
    a->fk_default = a->other_default = a->scope = a->through_scope = NULL;
}

static int fail(cli_diag *diag, const char *path, const char *msg)
{
    cli_diag_set(diag, path, "%s", msg);
    return CLI_EINPUT;
}

/* A model named by the entry: one of the schema, or a join model created earlier. */
static int want_model(const char **out, json_t *v, const char *path, const cli_schema *s,
                      cli_diag *diag)
{
    if (cli_want_string(out, v, path, diag) != CLI_OK)
        return CLI_EINPUT;
    if (s && !cli_schema_has_model(s, *out)) {
        char q[200];
        cli_quote(q, sizeof q, *out);
        cli_diag_set(diag, path, "unknown model %s", q);
        return CLI_EINPUT;
    }
    return CLI_OK;
}

/* An object of values (scope): JSON to cq_value, operators not mapped. */
static int want_values(cq_value **out, json_t *v, const char *path, cli_diag *diag)
{
    if (!json_is_object(v))
        return fail(diag, path, "expected an object of attribute values");
    return cli_json_to_value(out, v, false, NULL, NULL, path, diag);
}

/*
 * foreignKey / otherKey: a name, or Sequelize's object form
 * {name, field, allowNull, type, defaultValue, onDelete, onUpdate, unique}.
 */
static int parse_key(const char **name_out, cq_attr *attr, const cq_attr **attr_out,
                     cq_value **default_out, json_t *v, const char *path, cli_diag *diag)
{
    if (json_is_string(v))
        return cli_want_string(name_out, v, path, diag);
    if (!json_is_object(v))
        return fail(diag, path, "expected an attribute name or an object with \"name\"");
    memset(attr, 0, sizeof *attr);
    const char *key;
    json_t *val;
    json_object_foreach(v, key, val)
    {
        char sub[CLI_PATH_MAX];
        cli_path_key(sub, path, key);
        int rc = CLI_OK;
        if (strcmp(key, "name") == 0) {
            rc = cli_want_string(&attr->name, val, sub, diag);
        } else if (strcmp(key, "field") == 0) {
            rc = cli_want_string(&attr->field, val, sub, diag);
        } else if (strcmp(key, "allowNull") == 0) {
            rc = cli_want_flag(&attr->allow_null, val, sub, diag);
        } else if (strcmp(key, "type") == 0) {
            const char *t = NULL;
            rc = cli_want_string(&t, val, sub, diag);
            if (rc == CLI_OK)
                rc = cli_parse_type(attr, t, sub, diag);
        } else if (strcmp(key, "defaultValue") == 0) {
            cq_value_free(*default_out);
            *default_out = NULL;
            rc = cli_json_to_value(default_out, val, false, NULL, NULL, sub, diag);
            attr->default_value = *default_out;
        } else if (strcmp(key, "onDelete") == 0) {
            rc = cli_want_action(&attr->on_delete, val, sub, diag);
        } else if (strcmp(key, "onUpdate") == 0) {
            rc = cli_want_action(&attr->on_update, val, sub, diag);
        } else if (strcmp(key, "unique") == 0) {
            if (json_is_string(val)) {
                rc = cli_want_string(&attr->unique_name, val, sub, diag);
                attr->unique = true;
            } else {
                rc = cli_want_bool(&attr->unique, val, sub, diag);
            }
        } else {
            rc = cli_unknown_key(path, key,
                                 "key option (expected name, field, allowNull, type, "
                                 "defaultValue, onDelete, onUpdate, unique)",
                                 diag);
        }
        if (rc != CLI_OK)
            return rc;
    }
    *name_out = attr->name; /* may be NULL: the default name with these options */
    *attr_out = attr;
    return CLI_OK;
}

/* through: a model name (existing, else a join table to create) or
 * {model, unique, scope}. */
static int parse_through(cli_assoc *a, json_t *v, const char *path, cli_diag *diag)
{
    cq_assoc_opts *o = &a->opts;
    if (json_is_string(v))
        return cli_want_string(&o->through, v, path, diag);
    if (!json_is_object(v))
        return fail(diag, path, "expected a model name or {\"model\": NAME, ...}");
    const char *key;
    json_t *val;
    json_object_foreach(v, key, val)
    {
        char sub[CLI_PATH_MAX];
        cli_path_key(sub, path, key);
        int rc = CLI_OK;
        if (strcmp(key, "model") == 0)
            rc = cli_want_string(&o->through, val, sub, diag);
        else if (strcmp(key, "unique") == 0)
            rc = cli_want_flag(&o->through_unique, val, sub, diag);
        else if (strcmp(key, "scope") == 0) {
            rc = want_values(&a->through_scope, val, sub, diag);
            o->through_scope = a->through_scope;
        } else
            rc = cli_unknown_key(path, key, "through option (expected model, unique, scope)",
                                 diag);
        if (rc != CLI_OK)
            return rc;
    }
    if (!o->through)
        return fail(diag, path, "\"model\" is required");
    return CLI_OK;
}

static int parse_as(cq_assoc_opts *o, json_t *v, const char *path, cli_diag *diag)
{
    if (json_is_string(v))
        return cli_want_string(&o->as, v, path, diag);
    if (!json_is_object(v))
        return fail(diag, path, "expected a string or {\"singular\": ..., \"plural\": ...}");
    const char *key;
    json_t *val;
    json_object_foreach(v, key, val)
    {
        char sub[CLI_PATH_MAX];
        cli_path_key(sub, path, key);
        int rc;
        if (strcmp(key, "singular") == 0)
            rc = cli_want_string(&o->as_singular, val, sub, diag);
        else if (strcmp(key, "plural") == 0)
            rc = cli_want_string(&o->as_plural, val, sub, diag);
        else
            rc = cli_unknown_key(path, key, "as option (expected singular, plural)", diag);
        if (rc != CLI_OK)
            return rc;
    }
    if (!o->as_singular || !o->as_plural)
        return fail(diag, path, "both \"singular\" and \"plural\" are required");
    return CLI_OK;
}

static const struct {
    const char *key;
    unsigned kinds;
} option_kinds[] = {
    { "as", K_ALL },          { "foreignKey", K_ALL },   { "sourceKey", K_HO | K_HM | K_BTM },
    { "targetKey", K_BT | K_BTM }, { "otherKey", K_BTM }, { "through", K_HM | K_BTM },
    { "scope", K_ALL },       { "constraints", K_ALL },  { "onDelete", K_ALL },
    { "onUpdate", K_ALL },    { "keyType", K_ALL },      { "uniqueKey", K_BTM },
    { "timestamps", K_BTM },
};

static int parse_options(cli_assoc *a, json_t *opts, const char *path, cli_diag *diag)
{
    if (!json_is_object(opts))
        return fail(diag, path, "expected an object");
    cq_assoc_opts *o = &a->opts;
    const char *key;
    json_t *val;
    json_object_foreach(opts, key, val)
    {
        char sub[CLI_PATH_MAX];
        cli_path_key(sub, path, key);
        unsigned mask = 0;
        for (size_t i = 0; i < sizeof option_kinds / sizeof option_kinds[0]; i++)
            if (strcmp(option_kinds[i].key, key) == 0)
                mask = option_kinds[i].kinds;
        if (!mask)
            return cli_unknown_key(path, key, "association option", diag);
        if (!(mask & (1u << a->kind))) {
            cli_diag_set(diag, sub, "not an option of %s", a->kind_name);
            return CLI_EINPUT;
        }
        int rc = CLI_OK;
        if (strcmp(key, "as") == 0) {
            rc = parse_as(o, val, sub, diag);
        } else if (strcmp(key, "foreignKey") == 0) {
            rc = parse_key(&o->foreign_key, &a->fk_attr, &o->foreign_key_attr, &a->fk_default,
                           val, sub, diag);
        } else if (strcmp(key, "otherKey") == 0) {
            rc = parse_key(&o->other_key, &a->other_attr, &o->other_key_attr, &a->other_default,
                           val, sub, diag);
        } else if (strcmp(key, "sourceKey") == 0) {
            rc = cli_want_string(&o->source_key, val, sub, diag);
        } else if (strcmp(key, "targetKey") == 0) {
            rc = cli_want_string(&o->target_key, val, sub, diag);
        } else if (strcmp(key, "through") == 0) {
            rc = parse_through(a, val, sub, diag);
        } else if (strcmp(key, "scope") == 0) {
            rc = want_values(&a->scope, val, sub, diag);
            o->scope = a->scope;
        } else if (strcmp(key, "constraints") == 0) {
            rc = cli_want_flag(&o->constraints, val, sub, diag);
        } else if (strcmp(key, "onDelete") == 0) {
            rc = cli_want_action(&o->on_delete, val, sub, diag);
        } else if (strcmp(key, "onUpdate") == 0) {
            rc = cli_want_action(&o->on_update, val, sub, diag);
        } else if (strcmp(key, "keyType") == 0) {
            const char *t = NULL;
            cq_attr tmp = { 0 };
            rc = cli_want_string(&t, val, sub, diag);
            if (rc == CLI_OK)
                rc = cli_parse_type(&tmp, t, sub, diag);
            o->key_type = tmp.type;
        } else if (strcmp(key, "uniqueKey") == 0) {
            rc = cli_want_string(&o->unique_key, val, sub, diag);
        } else if (strcmp(key, "timestamps") == 0) {
            rc = cli_want_flag(&o->timestamps, val, sub, diag);
        }
        if (rc != CLI_OK)
            return rc;
    }
    return CLI_OK;
}

static int kind_of(cli_assoc *a, const char *name, const char *path, cli_diag *diag)
{
    for (size_t i = 0; i < N_KINDS; i++) {
        if (strcmp(kinds[i].name, name) == 0) {
            a->kind = kinds[i].kind;
            a->kind_name = kinds[i].name;
            return CLI_OK;
        }
    }
    char q[200];
    cli_quote(q, sizeof q, name);
    cli_diag_set(diag, path,
                 "unknown association type %s (expected belongsTo, hasOne, hasMany or "
                 "belongsToMany)",
                 q);
    return CLI_EINPUT;
}

int cli_assoc_parse(cli_assoc *a, json_t *entry, const char *path, const cli_schema *s,
                    cli_diag *diag)
{
    memset(a, 0, sizeof *a);
    snprintf(a->path, sizeof a->path, "%s", path);
    if (!json_is_object(entry))
        return fail(diag, path,
                    "expected {\"source\": MODEL, \"type\": \"belongsTo\", \"target\": MODEL, "
                    "\"options\": {...}}");
    json_t *source = NULL, *type = NULL, *target = NULL, *kind_target = NULL;
    const char *kind_key = NULL;
    const char *key;
    json_t *val;
    json_object_foreach(entry, key, val)
    {
        bool is_kind = false;
        for (size_t i = 0; i < N_KINDS; i++)
            is_kind = is_kind || strcmp(kinds[i].name, key) == 0;
        if (strcmp(key, "source") == 0) {
            source = val;
        } else if (strcmp(key, "type") == 0) {
            type = val;
        } else if (strcmp(key, "target") == 0) {
            target = val;
        } else if (strcmp(key, "options") == 0) {
            a->options = val;
        } else if (strcmp(key, "comment") == 0) {
            /* free text */
        } else if (is_kind && !kind_key) {
            kind_key = key;
            kind_target = val;
        } else if (is_kind) {
            cli_diag_set(diag, path, "an association has one type, got \"%s\" and \"%s\"",
                         kind_key, key);
            return CLI_EINPUT;
        } else {
            return cli_unknown_key(path, key,
                                   "association key (expected source, type, target, options)",
                                   diag);
        }
    }
    char sub[CLI_PATH_MAX];
    if (kind_key && (type || target)) {
        cli_path_key(sub, path, kind_key);
        return fail(diag, sub, "give either \"type\" and \"target\" or this short form, not both");
    }
    if (kind_key) {
        a->kind_name = kind_key;
        kind_of(a, kind_key, path, diag);
        target = kind_target;
        cli_path_key(sub, path, kind_key);
    } else {
        if (!type)
            return fail(diag, path, "\"type\" is required (belongsTo, hasOne, hasMany or "
                                    "belongsToMany)");
        cli_path_key(sub, path, "type");
        const char *t = NULL;
        if (cli_want_string(&t, type, sub, diag) != CLI_OK || kind_of(a, t, sub, diag) != CLI_OK)
            return CLI_EINPUT;
        if (!target)
            return fail(diag, path, "\"target\" is required");
        cli_path_key(sub, path, "target");
    }
    int rc = want_model(&a->target, target, sub, s, diag);
    if (rc != CLI_OK)
        return rc;
    cli_path_key(sub, path, "source");
    if (!source)
        return fail(diag, path, "\"source\" is required");
    rc = want_model(&a->source, source, sub, s, diag);
    if (rc != CLI_OK)
        return rc;
    if (a->options) {
        cli_path_key(sub, path, "options");
        rc = parse_options(a, a->options, sub, diag);
    }
    return rc;
}

int cli_assoc_apply(cq_assoc **out, cq_db *db, const cli_assoc *a)
{
    cq_model *source = cq_db_model(db, a->source);
    cq_model *target = cq_db_model(db, a->target);
    if (out)
        *out = NULL;
    if (!source || !target)
        return CQ_EUNKNOWN_MODEL;
    switch (a->kind) {
    case CLI_BELONGS_TO:
        return cq_model_belongs_to(out, source, target, &a->opts);
    case CLI_HAS_ONE:
        return cq_model_has_one(out, source, target, &a->opts);
    case CLI_HAS_MANY:
        return cq_model_has_many(out, source, target, &a->opts);
    case CLI_BELONGS_TO_MANY:
        return cq_model_belongs_to_many(out, source, target, &a->opts);
    }
    return CQ_EINVALID;
}

int cli_assoc_define(cq_assoc **out, cq_db *db, const cli_assoc *a, cli_diag *diag)
{
    int rc = cli_assoc_apply(out, db, a);
    if (rc == CQ_OK)
        return CLI_OK;
    const char *msg = cq_db_error(db)->message;
    if (rc == CQ_EUNKNOWN_MODEL)
        cli_diag_set(diag, a->path, "unknown model \"%s\"",
                     cq_db_model(db, a->source) ? a->target : a->source);
    else
        cli_diag_set(diag, a->path, "%s", *msg ? msg : cq_strerror(rc));
    return rc == CQ_ENOMEM ? CLI_ENOMEM : CLI_EINPUT;
}
