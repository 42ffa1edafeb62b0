/* Model definition (Sequelize's sequelize.define) and attribute values. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/datetime.h"
#include "core/pg_array.h"
#include "core/util.h"
#include "sql/dialect.h"
#include "model/hooks.h"
#include "model/model.h"
#include "model/validate.h"
#include "naming/naming.h"

static const char *const type_names[] = {
    [CQ_TYPE_NONE] = "NONE",    [CQ_STRING] = "STRING",     [CQ_CHAR] = "CHAR",
    [CQ_TEXT] = "TEXT",         [CQ_INTEGER] = "INTEGER",   [CQ_BIGINT] = "BIGINT",
    [CQ_SMALLINT] = "SMALLINT", [CQ_FLOAT] = "FLOAT",       [CQ_REAL] = "REAL",
    [CQ_DOUBLE] = "DOUBLE",     [CQ_DECIMAL] = "DECIMAL",   [CQ_BOOLEAN] = "BOOLEAN",
    [CQ_DATE] = "DATE",         [CQ_DATEONLY] = "DATEONLY", [CQ_TIME] = "TIME",
    [CQ_UUID] = "UUID",         [CQ_JSON] = "JSON",         [CQ_BLOB] = "BLOB",
    [CQ_VIRTUAL] = "VIRTUAL",   [CQ_ENUM] = "ENUM",         [CQ_JSONB] = "JSONB",
    [CQ_ARRAY] = "ARRAY",
};

const char *cq_type_name(cq_type t)
{
    return (unsigned)t < sizeof type_names / sizeof type_names[0] ? type_names[t] : "NONE";
}

static bool valid_action(cq_ref_action a)
{
    return a >= CQ_REF_DEFAULT && a <= CQ_REF_SET_DEFAULT;
}

long cq__model_attr_index(const cq_model *m, const char *name)
{
    /* (called by every get and set by name: the first byte settles most misses) */
    for (size_t i = 0; name && i < m->nattrs; i++)
        if (m->attrs[i].name[0] == name[0] && strcmp(m->attrs[i].name, name) == 0)
            return (long)i;
    return -1;
}

char **cq__strv_dup(const char *const *v)
{
    size_t n = 0;
    while (v[n])
        n++;
    char **out = cq__calloc(n + 1, sizeof *out);
    for (size_t i = 0; out && i < n; i++) {
        if (!(out[i] = cq__strdup(v[i]))) {
            while (i > 0)
                cq__free(out[--i]);
            cq__free(out);
            return NULL;
        }
    }
    return out;
}

/* The type-specific parts of an attribute definition: ENUM values, an ARRAY's element type.
 * (A type the dialect has no column for is refused by sync and DDL, for the dialect asked.) */
static int check_type(cq_model *m, const cq_attr *src)
{
    cq_db *db = m->db;
    cq_type et = src->type == CQ_ARRAY ? src->element_type : src->type;
    if (src->type == CQ_ARRAY) {
        if (et <= CQ_TYPE_NONE || et > CQ_ARRAY || et == CQ_VIRTUAL || et == CQ_ARRAY ||
            et == CQ_JSON || et == CQ_JSONB || et == CQ_BLOB)
            return cq__db_fail(db, CQ_EINVALID,
                               "model \"%s\": attribute \"%s\": ARRAY needs an element type "
                               "(a scalar type or ENUM; not %s)",
                               m->name, src->name, cq_type_name(et));
        if (src->default_value)
            return cq__db_fail(db, CQ_ENOTSUPPORTED,
                               "model \"%s\": attribute \"%s\": an ARRAY attribute takes no "
                               "defaultValue",
                               m->name, src->name);
    }
    if (et == CQ_ENUM) {
        if (!src->values || !src->values[0])
            return cq__db_fail(db, CQ_EINVALID,
                               "model \"%s\": attribute \"%s\": values for ENUM have not been "
                               "defined",
                               m->name, src->name);
        for (size_t i = 0; src->values[i]; i++)
            for (size_t k = 0; k < i; k++)
                if (strcmp(src->values[i], src->values[k]) == 0)
                    return cq__db_fail(db, CQ_EINVALID,
                                       "model \"%s\": attribute \"%s\": ENUM value \"%s\" is "
                                       "listed twice",
                                       m->name, src->name, src->values[i]);
    }
    return CQ_OK;
}

/* A defaultValue must be a value of its attribute's type: checked once, at define. */
static int check_default(cq_model *m, const cq__attr *a)
{
    cq_db *db = m->db;
    if (!a->default_value || a->type == CQ_VIRTUAL)
        return CQ_OK;
    cq_value *checked = NULL;
    int rc = cq__attr_coerce(&checked, m, a, cq_value_copy(a->default_value));
    cq_value_free(checked);
    if (rc == CQ_OK || rc == CQ_ENOMEM)
        return rc;
    char why[sizeof cq__last_error()->message];
    snprintf(why, sizeof why, "%s", cq__last_error()->message);
    return cq__db_fail(db, CQ_EINVALID, "model \"%s\": attribute \"%s\": bad defaultValue (%s)",
                       m->name, a->name, why);
}

/* The checks of an attribute before it is added: name, type, names of its column, unique
 * key and reference, actions, sizes. */
static int attr_check(cq_model *m, const cq_attr *src)
{
    cq_db *db = m->db;
    if (!src->name || !*src->name)
        return cq__db_fail(db, CQ_EINVALID, "model \"%s\": an attribute has no name", m->name);
    if (src->type <= CQ_TYPE_NONE || src->type > CQ_ARRAY || src->type == CQ_VIRTUAL)
        return cq__db_fail(db, CQ_EINVALID, "model \"%s\": attribute \"%s\" has no valid type",
                           m->name, src->name);
    int trc = check_type(m, src);
    if (trc != CQ_OK)
        return trc;
    if (cq__model_attr_index(m, src->name) >= 0)
        return cq__db_fail(db, CQ_EINVALID, "model \"%s\": attribute \"%s\" is defined twice",
                           m->name, src->name);
    char option[160];
    snprintf(option, sizeof option, "attribute \"%s\": field", src->name);
    if (cq__name_check_ident(db, m->name, option, src->field) != CQ_OK)
        return cq__last_error()->code;
    snprintf(option, sizeof option, "attribute \"%s\": unique", src->name);
    if (cq__name_check_ident(db, m->name, option, src->unique_name) != CQ_OK)
        return cq__last_error()->code;
    snprintf(option, sizeof option, "attribute \"%s\": references.model", src->name);
    if (cq__name_nonempty(db, m->name, option, src->references_model) != CQ_OK)
        return cq__last_error()->code;
    snprintf(option, sizeof option, "attribute \"%s\": references.key", src->name);
    if (cq__name_nonempty(db, m->name, option, src->references_key) != CQ_OK)
        return cq__last_error()->code;
    if (!valid_action(src->on_delete))
        return cq__db_fail(db, CQ_EINVALID,
                           "model \"%s\": attribute \"%s\": onDelete %d is not a cq_ref_action "
                           "(RESTRICT, CASCADE, NO ACTION, SET DEFAULT, SET NULL)",
                           m->name, src->name, (int)src->on_delete);
    if (!valid_action(src->on_update))
        return cq__db_fail(db, CQ_EINVALID,
                           "model \"%s\": attribute \"%s\": onUpdate %d is not a cq_ref_action "
                           "(RESTRICT, CASCADE, NO ACTION, SET DEFAULT, SET NULL)",
                           m->name, src->name, (int)src->on_update);
    if (src->length < 0 || src->precision < 0 || src->scale < 0)
        return cq__db_fail(db, CQ_EINVALID, "model \"%s\": attribute \"%s\": negative length",
                           m->name, src->name);
    return CQ_OK;
}

static int add_attr(cq_model *m, const cq_attr *src, bool generated)
{
    cq_db *db = m->db;
    int trc = attr_check(m, src);
    if (trc != CQ_OK)
        return trc;
    if (cq__grow((void **)&m->attrs, &m->attrs_cap, m->nattrs + 1, sizeof *m->attrs) != 0)
        return cq__db_oom(db);
    cq__attr *a = &m->attrs[m->nattrs];
    memset(a, 0, sizeof *a);
    a->name = cq__strdup(src->name);
    a->field = cq__naming_field_name(src->name, src->field, m->underscored && !generated);
    a->type = src->type;
    a->length = src->length;
    a->precision = src->precision;
    a->scale = src->scale;
    a->primary_key = src->primary_key;
    a->auto_increment = src->auto_increment;
    a->allow_null = src->allow_null;
    a->default_fn = src->default_fn;
    a->unique = src->unique || src->unique_name;
    a->references_none = src->references_none;
    a->generated = generated;
    a->element_type = src->type == CQ_ARRAY ? src->element_type : CQ_TYPE_NONE;
    bool oom = !a->name || !a->field;
    if (src->values && (src->type == CQ_ENUM || a->element_type == CQ_ENUM))
        oom |= !(a->values = cq__strv_dup(src->values));
    if (src->default_value) {
        a->default_value = cq_value_copy(src->default_value);
        oom |= !a->default_value;
    }
    if (src->unique_name)
        oom |= !(a->unique_name = cq__strdup(src->unique_name));
    const char *ref =
        src->references_model_handle ? src->references_model_handle->name : src->references_model;
    if (src->references_model_handle && src->references_model_handle->db != db) {
        m->nattrs++; /* so the model frees what was allocated */
        return cq__db_fail(db, CQ_EUNKNOWN_MODEL,
                           "model \"%s\": attribute \"%s\" references a model of another db",
                           m->name, src->name);
    }
    if (ref) {
        oom |= !(a->ref_model = cq__strdup(ref));
        oom |= !(a->ref_key = cq__strdup(src->references_key ? src->references_key : "id"));
    }
    if (src->on_delete)
        oom |= !(a->on_delete = cq__strdup(cq_ref_action_name(src->on_delete)));
    if (src->on_update)
        oom |= !(a->on_update = cq__strdup(cq_ref_action_name(src->on_update)));
    m->nattrs++;
    if (oom)
        return cq__db_oom(db);
    int drc = check_default(m, a);
    if (drc != CQ_OK)
        return drc;
    if (generated && src->field) {
        cq__free(a->field);
        a->field = cq__strdup(src->field);
        if (!a->field)
            return cq__db_oom(db);
    }
    return CQ_OK;
}

void cq__attr_clear(cq__attr *a)
{
    cq__free(a->name);
    cq__free(a->field);
    cq_value_free(a->default_value);
    cq__free(a->unique_name);
    cq__free(a->ref_model);
    cq__free(a->ref_key);
    cq__free(a->on_delete);
    cq__free(a->on_update);
    for (char **v = a->values; v && *v; v++)
        cq__free(*v);
    cq__free(a->values);
    memset(a, 0, sizeof *a);
}

void cq__assoc_free(struct cq_assoc *a);

void cq__model_free(cq_model *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->nattrs; i++)
        cq__attr_clear(&m->attrs[i]);
    for (size_t i = 0; i < m->nindexes; i++) {
        for (size_t k = 0; k < m->indexes[i].nfields; k++)
            cq__free(m->indexes[i].fields[k]);
        cq__free(m->indexes[i].fields);
        cq__free(m->indexes[i].name);
    }
    cq__free(m->indexes);
    for (size_t i = 0; i < m->nassocs; i++)
        cq__assoc_free(m->assocs[i]);
    cq__free(m->assocs);
    cq__free(m->attrs);
    cq__free(m->pk);
    cq__free(m->name);
    cq__free(m->table);
    cq__free(m->singular);
    cq__free(m->plural);
    cq__validation_free(m->validation);
    cq__accessors_free(m);
    cq__hooks_model_free(m);
    cq__scopes_free(m->scopes);
    cq__free(atomic_load(&m->pk_sql));
    for (size_t i = 0; i < CQ__KEPT_INSERTS; i++) {
        cq__kept_insert *k = atomic_load(&m->insert_sql[i]);
        if (k)
            cq__free(k->text);
        cq__free(k);
    }
    cq__free(m);
}

/* Copies the `indexes` option. The default name is Sequelize's Utils.nameIndex, computed in
 * Model.init from the final table name and the fields as given: underscore(`<table>_<f1>_<f2>`).
 * Fields stay verbatim (addIndexQuery quotes them as column names). */
static int copy_indexes(cq_model *m, const cq_index *list)
{
    cq_db *db = m->db;
    size_t n = 0;
    while (list && list[n].fields)
        n++;
    if (list && (list[n].name || list[n].unique))
        return cq__db_fail(db, CQ_EINVALID, "model \"%s\": index %zu has no fields", m->name, n);
    if (n == 0)
        return CQ_OK;
    if (!(m->indexes = cq__calloc(n, sizeof *m->indexes)))
        return cq__db_oom(db);
    for (size_t i = 0; i < n; i++) {
        cq__index *ix = &m->indexes[m->nindexes++];
        size_t nf = 0;
        while (list[i].fields[nf])
            nf++;
        if (nf == 0)
            return cq__db_fail(db, CQ_EINVALID, "model \"%s\": index %zu has no fields", m->name,
                               i);
        if (list[i].name && !*list[i].name)
            return cq__db_fail(db, CQ_EINVALID, "model \"%s\": index %zu has an empty name",
                               m->name, i);
        ix->unique = list[i].unique;
        if (!(ix->fields = cq__calloc(nf + 1, sizeof *ix->fields)))
            return cq__db_oom(db);
        cq__buf b = { 0 };
        cq__buf_put(&b, m->table);
        for (size_t k = 0; k < nf; k++) {
            if (!*list[i].fields[k]) {
                cq__buf_free(&b);
                return cq__db_fail(db, CQ_EINVALID, "model \"%s\": index %zu: empty field name",
                                   m->name, i);
            }
            if (!(ix->fields[ix->nfields] = cq__strdup(list[i].fields[k]))) {
                cq__buf_free(&b);
                return cq__db_oom(db);
            }
            ix->nfields++;
            cq__buf_printf(&b, "_%s", list[i].fields[k]);
        }
        char *joined = cq__buf_take(&b);
        if (list[i].name)
            ix->name = cq__strdup(list[i].name);
        else if (joined)
            ix->name = cq__naming_underscore(joined);
        cq__free(joined);
        if (!ix->name)
            return cq__db_oom(db);
    }
    return CQ_OK;
}

static bool flag(cq_flag f, bool dflt)
{
    return f == CQ_DEFAULT ? dflt : f == CQ_ON;
}

/* cq_db_define()'s checks before anything is made: a name, an open schema, no model of that
 * name yet, no empty name among the options. */
static int define_check(cq_db *db, const char *name, const cq_model_opts *o)
{
    if (!name || !*name)
        return cq__db_fail(db, CQ_EINVALID, "define: a model needs a name");
    if (cq_db_is_frozen(db)) {
        char what[160];
        snprintf(what, sizeof what, "model \"%.100s\"", name);
        return cq__db_check_unfrozen(db, what);
    }
    if (cq_db_model(db, name))
        return cq__db_fail(db, CQ_EINVALID, "define: model \"%s\" is already defined", name);
    const char *const given_names[][2] = {
        { "tableName", o->table_name },      { "name.singular", o->name_singular },
        { "name.plural", o->name_plural },   { "createdAt", o->created_at },
        { "updatedAt", o->updated_at },      { "deletedAt", o->deleted_at },
        { "version", o->version_attribute },
    };
    for (size_t i = 0; i < sizeof given_names / sizeof *given_names; i++)
        if (cq__name_nonempty(db, name, given_names[i][0], given_names[i][1]) != CQ_OK)
            return CQ_EINVALID;
    return CQ_OK;
}

/* A new model with its names (singular, plural, table) and the db-wide defaults applied. */
static int model_new(cq_model **out, cq_db *db, const char *name, const cq_model_opts *o)
{
    cq_model *m = *out = cq__calloc(1, sizeof *m);
    if (!m)
        return cq__db_oom(db);
    m->db = db;
    m->created_at = m->updated_at = m->deleted_at = m->version_attr = -1;
    m->underscored = flag(o->underscored, db->defaults.underscored);
    m->timestamps = flag(o->timestamps, db->defaults.timestamps != CQ_OFF);
    bool freeze = flag(o->freeze_table_name, db->defaults.freeze_table_name);
    m->name = cq__strdup(name);
    m->singular = cq__naming_model_singular(NULL, name, o->name_singular);
    m->plural = cq__naming_model_plural(NULL, name, o->name_plural);
    m->table = cq__naming_table_name(NULL, name, o->table_name, freeze, m->underscored);
    if (!m->name || !m->singular || !m->plural || !m->table)
        return cq__db_oom(db);
    return CQ_OK;
}

/* The caller's attributes, after the `id` Sequelize adds first when none is a primary key;
 * virtual ones become accessors only. */
static int add_user_attrs(cq_model *m, const cq_attr *attrs)
{
    int rc = CQ_OK;
    bool has_pk = false;
    for (const cq_attr *a = attrs; a && a->name; a++)
        has_pk |= a->primary_key;
    if (!has_pk) {
        cq_attr id = { .name = "id",
                       .type = CQ_INTEGER,
                       .primary_key = true,
                       .auto_increment = true,
                       .allow_null = CQ_OFF };
        if ((rc = add_attr(m, &id, true)) != CQ_OK)
            return rc;
    }
    for (const cq_attr *a = attrs; a && (a->name || a->type); a++)
        if (a->type == CQ_VIRTUAL
                ? (rc = cq__accessor_add(m, a)) != CQ_OK ||
                      (rc = cq__validation_add_attr(m, a->name, a->validate)) != CQ_OK
                : (rc = add_attr(m, a, false)) != CQ_OK ||
                      (rc = cq__validation_add_attr(m, a->name, a->validate)) != CQ_OK ||
                      (rc = cq__accessor_add(m, a)) != CQ_OK)
            return rc;
    return CQ_OK;
}

/* Puts in *slot the index of the attribute `name`: the caller's own attribute of that name,
 * or a new one made from `tpl` (its column named by the model's `underscored`). */
static int special_attr(cq_model *m, long *slot, const char *name, cq_attr tpl)
{
    long existing = cq__model_attr_index(m, name);
    if (existing >= 0) {
        *slot = existing;
        return CQ_OK;
    }
    char *field = cq__naming_field_name(name, NULL, m->underscored);
    tpl.name = name;
    tpl.field = field;
    int rc = field ? add_attr(m, &tpl, true) : cq__db_oom(m->db);
    cq__free(field);
    if (rc == CQ_OK)
        *slot = (long)m->nattrs - 1;
    return rc;
}

/* The attributes the options add: createdAt and updatedAt, deletedAt (paranoid), version. */
static int add_special_attrs(cq_model *m, const cq_model_opts *o)
{
    int rc = CQ_OK;
    if (m->timestamps && !o->omit_created_at) /* else `createdAt: false` */
        rc = special_attr(m, &m->created_at, o->created_at ? o->created_at : "createdAt",
                          (cq_attr){ .type = CQ_DATE, .allow_null = CQ_OFF });
    if (rc == CQ_OK && m->timestamps && !o->omit_updated_at)
        rc = special_attr(m, &m->updated_at, o->updated_at ? o->updated_at : "updatedAt",
                          (cq_attr){ .type = CQ_DATE, .allow_null = CQ_OFF });
    /* v6: deletedAt after the other timestamps, nullable; paranoid needs timestamps */
    if (rc == CQ_OK && m->timestamps && o->paranoid)
        rc = special_attr(m, &m->deleted_at, o->deleted_at ? o->deleted_at : "deletedAt",
                          (cq_attr){ .type = CQ_DATE });
    if (rc == CQ_OK && (o->version || o->version_attribute)) {
        /* v6 (Model.init): the version attribute comes after every timestamp, deletedAt
         * included, as INTEGER NOT NULL DEFAULT 0; it needs no timestamps */
        cq_value *zero = cq_value_int(0);
        rc = zero
                 ? special_attr(
                       m, &m->version_attr, o->version_attribute ? o->version_attribute : "version",
                       (cq_attr){ .type = CQ_INTEGER, .allow_null = CQ_OFF, .default_value = zero })
                 : cq__db_oom(m->db);
        cq_value_free(zero);
    }
    return rc;
}

int cq_db_define(cq_model **out, cq_db *db, const char *name, const cq_attr *attrs,
                 const cq_model_opts *opts)
{
    if (out)
        *out = NULL;
    if (!db)
        return CQ_EINVALID;
    cq__db_clear(db);
    cq_model_opts o = opts ? *opts : (cq_model_opts){ 0 };
    int rc = define_check(db, name, &o);
    if (rc != CQ_OK)
        return rc;
    cq_model *m = NULL;
    if ((rc = model_new(&m, db, name, &o)) != CQ_OK)
        goto fail;
    if ((rc = add_user_attrs(m, attrs)) != CQ_OK)
        goto fail;
    if ((rc = add_special_attrs(m, &o)) != CQ_OK)
        goto fail;
    if ((rc = cq__model_refresh_pk(m)) != CQ_OK)
        goto fail;
    if ((rc = copy_indexes(m, o.indexes)) != CQ_OK)
        goto fail;
    if ((rc = cq__model_check_names(m)) != CQ_OK)
        goto fail;
    if ((rc = cq__validation_set_model(m, o.validate)) != CQ_OK)
        goto fail;
    if ((rc = cq__hooks_add_list(m, o.hooks)) != CQ_OK)
        goto fail;
    if (cq__grow((void **)&db->models, &db->models_cap, db->nmodels + 1, sizeof *db->models)) {
        rc = cq__db_oom(db);
        goto fail;
    }
    db->models[db->nmodels++] = m;
    if (out)
        *out = m;
    return CQ_OK;
fail:
    cq__model_free(m);
    return rc;
}

int cq__model_refresh_pk(cq_model *m)
{
    size_t *pk = cq__calloc(m->nattrs ? m->nattrs : 1, sizeof *pk);
    if (!pk)
        return cq__db_oom(m->db);
    cq__free(m->pk);
    m->pk = pk;
    m->npk = 0;
    for (size_t i = 0; i < m->nattrs; i++)
        if (m->attrs[i].primary_key)
            m->pk[m->npk++] = i;
    return CQ_OK;
}

const char *cq_model_name(const cq_model *m)
{
    return m ? m->name : NULL;
}

const char *cq_model_table_name(const cq_model *m)
{
    return m ? m->table : NULL;
}

cq_db *cq_model_db(const cq_model *m)
{
    return m ? m->db : NULL;
}

size_t cq_model_attr_count(const cq_model *m)
{
    return m ? m->nattrs : 0;
}

const char *cq_model_attr_name(const cq_model *m, size_t i)
{
    if (!m)
        return NULL;
    return i < m->nattrs ? m->attrs[i].name : NULL;
}

const char *cq_model_attr_field(const cq_model *m, size_t i)
{
    if (!m)
        return NULL;
    return i < m->nattrs ? m->attrs[i].field : NULL;
}

cq_type cq_model_attr_type(const cq_model *m, size_t i)
{
    if (!m)
        return (cq_type)0;
    return i < m->nattrs ? m->attrs[i].type : CQ_TYPE_NONE;
}

bool cq_model_attr_is_nullable(const cq_model *m, size_t i)
{
    if (!m)
        return false;
    return i < m->nattrs && !m->attrs[i].primary_key && m->attrs[i].allow_null != CQ_OFF;
}

bool cq_model_attr_is_primary_key(const cq_model *m, size_t i)
{
    if (!m)
        return false;
    return i < m->nattrs && m->attrs[i].primary_key;
}

long cq_model_attr_index(const cq_model *m, const char *name)
{
    if (!m)
        return -1;
    return cq__model_attr_index(m, name);
}

const char *cq_model_primary_key(const cq_model *m)
{
    if (!m)
        return NULL;
    return m->npk ? m->attrs[m->pk[0]].name : NULL;
}

/* ---- values ----------------------------------------------------------------------- */

static bool is_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

/* "YYYY-MM-DD" */
static bool looks_like_date(const char *s)
{
    return strlen(s) >= 10 && is_digits(s, 4) && s[4] == '-' && is_digits(s + 5, 2) &&
           s[7] == '-' && is_digits(s + 8, 2);
}

static void put2(char *p, int v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
}

/* The forms every date cell read back comes in, "YYYY-MM-DD HH:MM:SS.mmm +00:00" (SQLite's
 * storage, as Sequelize writes it) and "YYYY-MM-DDTHH:MM:SS.mmmZ", `n` bytes, checked at fixed
 * places (the same text as datetime_iso's general reading gives, in fewer steps). */
static bool datetime_iso_fixed(const char *s, size_t n, char out[25])
{
    if (!((n == 30 && memcmp(s + 23, " +00:00", 7) == 0) || (n == 24 && s[23] == 'Z')))
        return false;
    if (s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' ||
        s[16] != ':' || s[19] != '.')
        return false;
    /* every other one of the first 23 bytes a digit: with the separators (and the 24th byte)
     * set to '0', each byte minus '0' must be below 10, checked eight bytes at a time (adding
     * 0x76 sets a byte's high bit from 10 on; a byte already at 0x80 or more fails by itself,
     * and only a failing byte can carry into the next) */
    char d[24];
    memcpy(d, s, 23);
    d[4] = d[7] = d[10] = d[13] = d[16] = d[19] = d[23] = '0';
    uint64_t bad = 0;
    for (size_t i = 0; i < 24; i += 8) {
        uint64_t w;
        memcpy(&w, d + i, 8);
        w ^= 0x3030303030303030u;
        bad |= (w + 0x7676767676767676u) | w;
    }
    if (bad & 0x8080808080808080u)
        return false;
    int hh = (s[11] - '0') * 10 + (s[12] - '0');
    int mi = (s[14] - '0') * 10 + (s[15] - '0');
    int ss = (s[17] - '0') * 10 + (s[18] - '0');
    if (hh > 23 || mi > 59 || ss > 60)
        return false;
    memcpy(out, s, 23);
    out[10] = 'T';
    out[23] = 'Z';
    out[24] = '\0';
    return true;
}

/* `ms` since the epoch in v6's form (24 characters and a NUL); false past year 9999 or
 * before year 0, which that form cannot hold. */
static bool iso_from_ms(long long ms, char out[25])
{
    char iso[32];
    cq__iso_from_ms(ms, iso);
    if (strlen(iso) != 24)
        return false;
    memcpy(out, iso, 25);
    return true;
}

/* A date-time as stored or given, into v6's form "YYYY-MM-DDTHH:MM:SS.mmmZ" (24 characters and
 * a NUL in `out`); false when `s` is not one. Takes the ISO form, "YYYY-MM-DD HH:MM[:SS[.fff]]"
 * (Sequelize's SQLite storage form), a bare date (midnight UTC), and an offset after the time
 * (Z, +HH:MM, +HHMM, +HH; the same instant in UTC, as JavaScript's Date reads it). */
static bool datetime_iso(const char *s, char out[25])
{
    if (datetime_iso_fixed(s, strlen(s), out))
        return true;
    if (!looks_like_date(s))
        return false;
    int hh = 0, mi = 0, ss = 0, ms = 0, offset_min = 0;
    const char *p = s + 10;
    if (*p == 'T' || *p == ' ') {
        p++;
        if (!(is_digits(p, 2) && p[2] == ':' && is_digits(p + 3, 2)))
            return NULL;
        hh = (p[0] - '0') * 10 + (p[1] - '0');
        mi = (p[3] - '0') * 10 + (p[4] - '0');
        p += 5;
        if (*p == ':' && is_digits(p + 1, 2)) {
            ss = (p[1] - '0') * 10 + (p[2] - '0');
            p += 3;
        }
        if (*p == '.') {
            p++;
            int digits = 0;
            while (isdigit((unsigned char)*p)) {
                if (digits < 3)
                    ms = ms * 10 + (*p - '0');
                digits++;
                p++;
            }
            for (; digits < 3; digits++)
                ms *= 10;
        }
        while (*p == ' ')
            p++;
        if (*p == 'Z') {
            p++;
        } else if ((*p == '+' || *p == '-') && is_digits(p + 1, 2)) {
            /* an offset, +HH:MM, +HHMM or +HH: the instant is kept, in UTC */
            int sign = *p == '-' ? -1 : 1;
            int oh = (p[1] - '0') * 10 + (p[2] - '0'), om = 0;
            p += 3;
            if (*p == ':' && is_digits(p + 1, 2)) {
                om = (p[1] - '0') * 10 + (p[2] - '0');
                p += 3;
            } else if (is_digits(p, 2)) {
                om = (p[0] - '0') * 10 + (p[1] - '0');
                p += 2;
            }
            if (oh > 23 || om > 59)
                return false;
            offset_min = sign * (oh * 60 + om);
        }
    }
    if (*p || hh > 23 || mi > 59 || ss > 60)
        return false;
    if (offset_min) {
        int y = atoi(s), mo = (s[5] - '0') * 10 + (s[6] - '0'),
            d = (s[8] - '0') * 10 + (s[9] - '0');
        long long t = ((cq__days_from_civil(y, mo, d) * 24 + hh) * 60 + mi - offset_min) * 60 + ss;
        return iso_from_ms(t * 1000 + ms, out);
    }
    /* written digit by digit: this runs for every date cell read */
    memcpy(out, s, 10);
    out[10] = 'T';
    put2(out + 11, hh);
    out[13] = ':';
    put2(out + 14, mi);
    out[16] = ':';
    put2(out + 17, ss);
    out[19] = '.';
    out[20] = (char)('0' + ms / 100);
    put2(out + 21, ms % 100);
    out[23] = 'Z';
    out[24] = '\0';
    return true;
}

static cq_value *normalize_datetime(const char *s)
{
    char out[25];
    return datetime_iso(s, out) ? cq_value_text_n(out, 24) : NULL;
}

/* Sequelize's UUID type check (validator's isUUID, version "all"): 8-4-4-4-12 hex digits with
 * a version digit 1-8 and a variant digit 8, 9, a or b, or the nil and max UUIDs. */
static bool is_uuid_text(const char *s)
{
    if (strlen(s) != 36)
        return false;
    for (size_t i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
            return false;
    }
    if (strcmp(s, "00000000-0000-0000-0000-000000000000") == 0 ||
        cq__strcaseeq(s, "ffffffff-ffff-ffff-ffff-ffffffffffff"))
        return true;
    return s[14] >= '1' && s[14] <= '8' && strchr("89abAB", s[19]);
}

/* Decimal text as validator's isDecimal takes it: an optional sign, digits with an optional
 * fraction (or a fraction alone). */
static bool is_decimal_text(const char *s)
{
    if (*s == '+' || *s == '-')
        s++;
    size_t digits = 0;
    while (isdigit((unsigned char)*s))
        s++, digits++;
    if (*s == '.') {
        s++;
        size_t frac = 0;
        while (isdigit((unsigned char)*s))
            s++, frac++;
        if (frac == 0)
            return false;
        digits += frac;
    }
    return digits > 0 && *s == '\0';
}

static bool enum_has(const cq__attr *a, const char *s)
{
    for (char **v = a->values; v && *v; v++)
        if (strcmp(*v, s) == 0)
            return true;
    return false;
}

/* CQ_EVALIDATION with Sequelize's type-check message, "<json of v> <what>"; takes `v`. */
static int type_fail(cq_db *db, const cq_model *m, const cq__attr *a, cq_value *v, const char *what)
{
    char *shown = NULL;
    cq_value_to_json(&shown, v, 0);
    int rc = cq__db_fail(db, CQ_EVALIDATION, "%s.%s: %s %s", m->name, a->name,
                         shown ? shown : "value", what);
    cq_free(shown);
    cq_value_free(v);
    return rc;
}

/* An ENUM value outside the list: `"zz" is not a valid choice in ["a","b"]`; takes `v`. */
static int enum_fail(cq_db *db, const cq_model *m, const cq__attr *a, cq_value *v)
{
    cq__buf b = { 0 };
    cq__buf_put(&b, "is not a valid choice in [");
    for (char **e = a->values; e && *e; e++) {
        cq_value *t = cq_value_text(*e);
        char *j = NULL;
        if (t && cq_value_to_json(&j, t, 0) == CQ_OK)
            cq__buf_printf(&b, "%s%s", e == a->values ? "" : ",", j);
        cq_free(j);
        cq_value_free(t);
    }
    cq__buf_putc(&b, ']');
    char *what = cq__buf_take(&b);
    int rc = type_fail(db, m, a, v, what ? what : "is not a valid choice");
    cq__free(what);
    return rc;
}

/* An ARRAY value: each element checked as a value of the element type; takes `v`. */
static int coerce_array(cq_value **out, const cq_model *m, const cq__attr *a, cq_value *v)
{
    cq__attr el = *a;
    el.type = a->element_type;
    el.element_type = CQ_TYPE_NONE;
    cq_value *res = cq_value_array();
    if (!res) {
        cq_value_free(v);
        return cq__db_oom(m->db);
    }
    for (size_t i = 0; i < cq_value_size(v); i++) {
        cq_value *item = NULL;
        int rc = cq__attr_coerce(&item, m, &el, cq_value_copy(cq_value_array_get(v, i)));
        if (rc == CQ_OK && cq_value_array_append(res, item) != CQ_OK)
            rc = cq__db_oom(m->db);
        if (rc != CQ_OK) {
            cq_value_free(res);
            cq_value_free(v);
            return rc;
        }
    }
    cq_value_free(v);
    *out = res;
    return CQ_OK;
}

/* Sequelize accepts numbers for string attributes and stores their text. */
static cq_value *to_string(cq_value *v, cq_value_type t)
{
    if (t == CQ_VALUE_TEXT)
        return v;
    if (t != CQ_VALUE_INT && t != CQ_VALUE_DOUBLE)
        return NULL;
    char buf[64];
    if (t == CQ_VALUE_INT)
        snprintf(buf, sizeof buf, "%lld", (long long)cq_value_as_int(v));
    else
        snprintf(buf, sizeof buf, "%.15g", cq_value_as_double(v));
    return cq_value_text(buf);
}

static cq_value *to_integer(cq_value *v, cq_value_type t)
{
    if (t == CQ_VALUE_INT)
        return v;
    if (t == CQ_VALUE_DOUBLE && cq_value_as_double(v) == floor(cq_value_as_double(v)))
        return cq_value_int(cq_value_as_int(v));
    if (t != CQ_VALUE_TEXT)
        return NULL;
    const char *s = cq_value_as_text(v);
    char *end = NULL;
    long long n = *s ? strtoll(s, &end, 10) : 0;
    return end && !*end ? cq_value_int(n) : NULL;
}

static cq_value *to_number(cq_value *v, cq_value_type t)
{
    if (t == CQ_VALUE_INT || t == CQ_VALUE_DOUBLE)
        return v;
    if (t != CQ_VALUE_TEXT)
        return NULL;
    const char *s = cq_value_as_text(v);
    char *end = NULL;
    double d = *s ? strtod(s, &end) : 0;
    return end && !*end ? cq_value_double(d) : NULL;
}

static cq_value *to_boolean(cq_value *v, cq_value_type t)
{
    if (t == CQ_VALUE_BOOL)
        return v;
    if (t == CQ_VALUE_INT && (cq_value_as_int(v) == 0 || cq_value_as_int(v) == 1))
        return cq_value_bool(cq_value_as_int(v) != 0);
    if (t == CQ_VALUE_TEXT &&
        (cq__streq(cq_value_as_text(v), "true") || cq__streq(cq_value_as_text(v), "false")))
        return cq_value_bool(cq__streq(cq_value_as_text(v), "true"));
    return NULL;
}

/* `v` as a value of a's type (v itself, or a new value): NULL when it has no such form, with
 * what was wanted in *want (NULL: any valid value). Types with their own messages (decimal,
 * enum, array, uuid) are not handled here. */
static cq_value *coerce_plain(const cq__attr *a, cq_value *v, cq_value_type t, const char **want)
{
    *want = NULL;
    switch (a->type) {
    case CQ_STRING:
    case CQ_CHAR:
    case CQ_TEXT:
        *want = "a string";
        return to_string(v, t);
    case CQ_INTEGER:
    case CQ_BIGINT:
    case CQ_SMALLINT:
        *want = "an integer";
        return to_integer(v, t);
    case CQ_FLOAT:
    case CQ_REAL:
    case CQ_DOUBLE:
        *want = "a number";
        return to_number(v, t);
    case CQ_BOOLEAN:
        *want = "a boolean";
        return to_boolean(v, t);
    case CQ_DATE:
        *want = "an ISO-8601 date-time, or milliseconds since 1970-01-01 UTC";
        if (t == CQ_VALUE_INT || t == CQ_VALUE_DOUBLE) {
            /* a number, as JavaScript's new Date(ms), which holds 8.64e15 ms either side of
             * 1970 (past year 9999 is refused anyway) */
            double d = t == CQ_VALUE_INT ? (double)cq_value_as_int(v) : cq_value_as_double(v);
            char iso[25];
            if (!(fabs(d) <= 8.64e15)) /* NaN too */
                return NULL;
            return iso_from_ms((long long)floor(d), iso) ? cq_value_text_n(iso, 24) : NULL;
        }
        return t == CQ_VALUE_TEXT ? normalize_datetime(cq_value_as_text(v)) : NULL;
    case CQ_DATEONLY:
        *want = "a date (YYYY-MM-DD)";
        return t == CQ_VALUE_TEXT && looks_like_date(cq_value_as_text(v))
                   ? cq_value_text_n(cq_value_as_text(v), 10)
                   : NULL;
    case CQ_TIME:
        *want = "a time (HH:MM:SS)";
        return t == CQ_VALUE_TEXT ? v : NULL;
    case CQ_BLOB:
        *want = "a blob";
        return t == CQ_VALUE_BLOB || t == CQ_VALUE_TEXT ? v : NULL;
    case CQ_JSON:
    case CQ_JSONB:
        return v;
    default:
        return NULL;
    }
}

int cq__attr_coerce(cq_value **out, const cq_model *m, const cq__attr *a, cq_value *v)
{
    *out = NULL;
    cq_db *db = m->db;
    if (!v)
        return cq__db_oom(db);
    cq_value_type t = cq_value_type_of(v);
    if (t == CQ_VALUE_NULL) {
        *out = v;
        return CQ_OK;
    }
    if (cq__value_text_has_nul(v)) {
        /* drivers take text up to its first NUL: refused rather than cut */
        cq_value_free(v);
        return cq__db_fail(db, CQ_EINVALID,
                           "%s.%s: text contains a NUL byte; binary data goes in a blob value "
                           "(cq_value_blob) of a BLOB attribute",
                           m->name, a->name);
    }
    const char *want = NULL;
    cq_value *nv = NULL;
    switch (a->type) {
    case CQ_DECIMAL:
        /* numbers, or exact decimal text ("12.50", kept as given) */
        if (((t == CQ_VALUE_INT || t == CQ_VALUE_DOUBLE) && isfinite(cq_value_as_double(v))) ||
            (t == CQ_VALUE_TEXT && is_decimal_text(cq_value_as_text(v))))
            nv = v;
        else
            return type_fail(db, m, a, v, "is not a valid decimal");
        break;
    case CQ_ENUM:
        if (t != CQ_VALUE_TEXT || !enum_has(a, cq_value_as_text(v)))
            return enum_fail(db, m, a, v);
        nv = v;
        break;
    case CQ_ARRAY:
        if (t != CQ_VALUE_ARRAY)
            return type_fail(db, m, a, v, "is not a valid array");
        return coerce_array(out, m, a, v);
    case CQ_UUID:
        if (t != CQ_VALUE_TEXT || !is_uuid_text(cq_value_as_text(v)))
            return type_fail(db, m, a, v, "is not a valid uuid");
        nv = v;
        break;
    default:
        nv = coerce_plain(a, v, t, &want);
        break;
    }
    if (!nv) {
        char *shown = NULL;
        cq_value_to_json(&shown, v, 0);
        int rc = cq__db_fail(db, CQ_EVALIDATION, "%s.%s: %s is not %s (attribute type %s)", m->name,
                             a->name, shown ? shown : "value", want ? want : "valid",
                             cq_type_name(a->type));
        cq_free(shown);
        cq_value_free(v);
        return rc;
    }
    if (nv != v)
        cq_value_free(v);
    *out = nv;
    return CQ_OK;
}

/* PostgreSQL's array text read back as an array of the element type's values. */
static cq_value *array_from_db(const cq__attr *a, const char *text, cq_dialect d)
{
    cq_value *items = cq__pg_array_parse(text);
    cq__attr el = *a;
    el.type = a->element_type;
    el.element_type = CQ_TYPE_NONE;
    cq_value *out = items ? cq_value_array() : NULL;
    for (size_t i = 0; out && i < cq_value_size(items); i++) {
        const cq_value *it = cq_value_array_get(items, i);
        const char *s = cq_value_as_text(it);
        cq_value *v = NULL;
        char *end = NULL;
        switch (el.type) {
        case CQ_INTEGER:
        case CQ_BIGINT:
        case CQ_SMALLINT:
            v = s ? cq_value_int(strtoll(s, &end, 10)) : cq_value_null();
            break;
        case CQ_FLOAT:
        case CQ_REAL:
        case CQ_DOUBLE:
            v = s ? cq_value_double(strtod(s, &end)) : cq_value_null();
            break;
        case CQ_BOOLEAN:
            v = s ? cq_value_bool(s[0] == 't') : cq_value_null();
            break;
        default:
            v = cq__attr_from_db(&el, cq_value_copy(it), d);
        }
        if (cq_value_array_append(out, v) != CQ_OK) {
            cq_value_free(out);
            out = NULL;
        }
    }
    cq_value_free(items);
    return out;
}

cq_value *cq__attr_from_db(const cq__attr *a, cq_value *raw, cq_dialect d)
{
    cq_value_type t = cq_value_type_of(raw);
    if (t == CQ_VALUE_NULL)
        return raw;
    cq_value *nv = NULL;
    switch (a->type) {
    case CQ_BOOLEAN:
        if (t == CQ_VALUE_INT)
            nv = cq_value_bool(cq_value_as_int(raw) != 0);
        break;
    case CQ_DATE:
        if (t == CQ_VALUE_TEXT)
            nv = normalize_datetime(cq_value_as_text(raw));
        break;
    case CQ_JSON:
    case CQ_JSONB:
        if (t == CQ_VALUE_TEXT) {
            cq_error err;
            if (cq_value_from_json(&nv, cq_value_as_text(raw), &err) != CQ_OK)
                nv = NULL;
        }
        break;
    case CQ_ARRAY:
        if (t == CQ_VALUE_TEXT)
            nv = array_from_db(a, cq_value_as_text(raw), d);
        break;
    case CQ_FLOAT:
    case CQ_REAL:
    case CQ_DOUBLE:
        if (t == CQ_VALUE_INT)
            nv = cq_value_double((double)cq_value_as_int(raw));
        break;
    default:
        break;
    }
    if (!nv)
        return raw;
    cq_value_free(raw);
    return nv;
}

/* What a cell read for `a` becomes, when it is a scalar placed as it is or converted in place:
 * the form of cq__attr_from_db without an allocation. JSON and ARRAY text (parsed into trees)
 * have no placed form. */
static bool attr_placeable(const cq__attr *a, const cq__cell *c)
{
    return c->type == CQ_VALUE_NULL ||
           !((a->type == CQ_JSON || a->type == CQ_JSONB || a->type == CQ_ARRAY) &&
             c->type == CQ_VALUE_TEXT);
}

size_t cq__attr_cell_prepare(const cq__attr *a, cq__cell *c, char iso[25])
{
    if (!attr_placeable(a, c))
        return SIZE_MAX;
    if (a->type == CQ_BOOLEAN && c->type == CQ_VALUE_INT) {
        c->type = CQ_VALUE_BOOL;
        c->i = c->i != 0;
    } else if ((a->type == CQ_FLOAT || a->type == CQ_REAL || a->type == CQ_DOUBLE) &&
               c->type == CQ_VALUE_INT) {
        c->type = CQ_VALUE_DOUBLE;
        c->d = (double)c->i;
    } else if (a->type == CQ_DATE && c->type == CQ_VALUE_TEXT &&
               /* a date-time is held in v6's 24-character form whatever its stored form
                * (SQLite's is 30 characters); the fixed forms are nearly every cell */
               (datetime_iso_fixed(c->s, c->len, iso) ||
                (strlen(c->s) == c->len && datetime_iso(c->s, iso)))) {
        c->s = iso;
        c->len = 24;
    }
    return cq__cell_arena_bytes(c);
}

bool cq__attr_to_db_copies(const cq__attr *a, const cq_value *v, cq_dialect d)
{
    cq_value_type t = cq_value_type_of(v);
    if (t == CQ_VALUE_NULL)
        return true;
    if ((a->type == CQ_DATE && t == CQ_VALUE_TEXT) || a->type == CQ_ARRAY || a->type == CQ_JSON ||
        a->type == CQ_JSONB)
        return false;
    return a->type != CQ_BOOLEAN || !cq__sql_dialect_of(d)->booleans_as_ints;
}

cq_value *cq__attr_to_db(const cq__attr *a, const cq_value *v, cq_dialect d)
{
    if (cq_value_is_null(v))
        return cq_value_null();
    cq_value *stored = NULL; /* the dialect's storage form of a date (sql/<dialect>.c) */
    if (a->type == CQ_DATE && cq_value_type_of(v) == CQ_VALUE_TEXT &&
        cq__sql_date_value(&stored, d, cq_value_as_text(v)))
        return stored;
    if (a->type == CQ_ARRAY) {
        /* one text parameter in PostgreSQL's array form; the server casts it to the column */
        cq__attr el = *a;
        el.type = a->element_type;
        el.element_type = CQ_TYPE_NONE;
        cq_value *items = cq_value_array();
        for (size_t i = 0; items && i < cq_value_size(v); i++)
            if (cq_value_array_append(items, cq__attr_to_db(&el, cq_value_array_get(v, i), d)) !=
                CQ_OK) {
                cq_value_free(items);
                items = NULL;
            }
        char *text = items ? cq__pg_array_text(items) : NULL;
        cq_value_free(items);
        cq_value *t = text ? cq_value_text(text) : NULL;
        cq__free(text);
        return t;
    }
    if (a->type == CQ_JSON || a->type == CQ_JSONB) {
        char *json = NULL;
        if (cq_value_to_json(&json, v, 0) != CQ_OK)
            return NULL;
        cq_value *t = cq_value_text(json);
        cq_free(json);
        return t;
    }
    if (a->type == CQ_BOOLEAN && cq__sql_dialect_of(d)->booleans_as_ints)
        return cq_value_int(cq_value_as_bool(v) ? 1 : 0);
    return cq_value_copy(v);
}
