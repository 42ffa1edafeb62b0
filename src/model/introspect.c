/*
 * Introspection getters over models, attributes and loaded instances (declared at the end
 * of cequel/model.h and cequel/query.h users): what tools such as `cequel describe` need to
 * show a model exactly as the library derived it, injected foreign keys included.
 */
#include <string.h>

#include "model/assoc.h"
#include "model/model.h"

static const cq__attr *attr_at(const cq_model *m, size_t i)
{
    return m && i < m->nattrs ? &m->attrs[i] : NULL;
}

bool cq_model_attr_is_auto_increment(const cq_model *m, size_t i)
{
    if (!m)
        return false;
    const cq__attr *a = attr_at(m, i);
    return a && a->auto_increment;
}

bool cq_model_attr_is_unique(const cq_model *m, size_t i)
{
    if (!m)
        return false;
    const cq__attr *a = attr_at(m, i);
    return a && (a->unique || a->unique_name);
}

const char *cq_model_attr_unique_name(const cq_model *m, size_t i)
{
    if (!m)
        return NULL;
    const cq__attr *a = attr_at(m, i);
    return a ? a->unique_name : NULL;
}

int cq_model_attr_length(const cq_model *m, size_t i)
{
    if (!m)
        return 0;
    const cq__attr *a = attr_at(m, i);
    return a ? a->length : 0;
}

int cq_model_attr_precision(const cq_model *m, size_t i)
{
    if (!m)
        return 0;
    const cq__attr *a = attr_at(m, i);
    return a ? a->precision : 0;
}

int cq_model_attr_scale(const cq_model *m, size_t i)
{
    if (!m)
        return 0;
    const cq__attr *a = attr_at(m, i);
    return a ? a->scale : 0;
}

const char *const *cq_model_attr_values(const cq_model *m, size_t i)
{
    const cq__attr *a = attr_at(m, i);
    return a ? (const char *const *)a->values : NULL;
}

cq_type cq_model_attr_element_type(const cq_model *m, size_t i)
{
    const cq__attr *a = attr_at(m, i);
    return a ? a->element_type : CQ_TYPE_NONE;
}

const cq_value *cq_model_attr_default(const cq_model *m, size_t i)
{
    if (!m)
        return NULL;
    const cq__attr *a = attr_at(m, i);
    return a ? a->default_value : NULL;
}

cq_default_fn cq_model_attr_default_fn(const cq_model *m, size_t i)
{
    if (!m)
        return (cq_default_fn)0;
    const cq__attr *a = attr_at(m, i);
    return a ? a->default_fn : CQ_DEFAULT_FN_NONE;
}

bool cq_model_attr_is_generated(const cq_model *m, size_t i)
{
    if (!m)
        return false;
    const cq__attr *a = attr_at(m, i);
    return a && a->generated;
}

const char *cq_model_attr_references(const cq_model *m, size_t i)
{
    if (!m)
        return NULL;
    const cq__attr *a = attr_at(m, i);
    return a && !a->references_none ? a->ref_model : NULL;
}

cq_model *cq_model_attr_references_model(const cq_model *m, size_t i)
{
    if (!m)
        return NULL;
    const char *name = cq_model_attr_references(m, i);
    if (!name)
        return NULL;
    const cq_db *db = m->db;
    for (size_t k = 0; k < db->nmodels; k++)
        if (strcmp(db->models[k]->name, name) == 0)
            return db->models[k];
    for (size_t k = 0; k < db->nmodels; k++)
        if (strcmp(db->models[k]->table, name) == 0)
            return db->models[k];
    return NULL;
}

const char *cq_model_attr_references_table(const cq_model *m, size_t i)
{
    if (!m)
        return NULL;
    const char *name = cq_model_attr_references(m, i);
    cq_model *r = cq_model_attr_references_model(m, i);
    return r ? r->table : name;
}

const char *cq_model_attr_references_key(const cq_model *m, size_t i)
{
    if (!m)
        return NULL;
    const cq__attr *a = attr_at(m, i);
    if (!a || a->references_none || !a->ref_model)
        return NULL;
    return a->ref_key ? a->ref_key : "id";
}

bool cq_model_attr_has_null_references(const cq_model *m, size_t i)
{
    if (!m)
        return false;
    const cq__attr *a = attr_at(m, i);
    return a && a->references_none;
}

const char *cq_ref_action_name(cq_ref_action action)
{
    static const char *const names[] = { NULL,       "CASCADE",   "SET NULL",
                                         "RESTRICT", "NO ACTION", "SET DEFAULT" };
    return (unsigned)action < sizeof names / sizeof names[0] ? names[action] : NULL;
}

/* The model keeps an action as its SQL words (upper case), what DDL writes. */
static cq_ref_action action_of(const char *text)
{
    for (cq_ref_action r = CQ_REF_CASCADE; text && r <= CQ_REF_SET_DEFAULT; r++)
        if (strcmp(text, cq_ref_action_name(r)) == 0)
            return r;
    return CQ_REF_DEFAULT;
}

cq_ref_action cq_model_attr_on_delete(const cq_model *m, size_t i)
{
    if (!m)
        return CQ_REF_DEFAULT;
    const cq__attr *a = attr_at(m, i);
    return a ? action_of(a->on_delete) : CQ_REF_DEFAULT;
}

cq_ref_action cq_model_attr_on_update(const cq_model *m, size_t i)
{
    if (!m)
        return CQ_REF_DEFAULT;
    const cq__attr *a = attr_at(m, i);
    return a ? action_of(a->on_update) : CQ_REF_DEFAULT;
}

size_t cq_model_index_count(const cq_model *m)
{
    if (!m)
        return 0;
    return m ? m->nindexes : 0;
}

const char *cq_model_index_name(const cq_model *m, size_t i)
{
    if (!m)
        return NULL;
    return m && i < m->nindexes ? m->indexes[i].name : NULL;
}

bool cq_model_index_is_unique(const cq_model *m, size_t i)
{
    if (!m)
        return false;
    return m && i < m->nindexes && m->indexes[i].unique;
}

const char *const *cq_model_index_fields(const cq_model *m, size_t i)
{
    if (!m)
        return NULL;
    return m && i < m->nindexes ? (const char *const *)m->indexes[i].fields : NULL;
}

const char *cq_model_name_singular(const cq_model *m)
{
    if (!m)
        return NULL;
    return m ? m->singular : NULL;
}

const char *cq_model_name_plural(const cq_model *m)
{
    if (!m)
        return NULL;
    return m ? m->plural : NULL;
}

bool cq_model_is_underscored(const cq_model *m)
{
    if (!m)
        return false;
    return m && m->underscored;
}

bool cq_model_has_timestamps(const cq_model *m)
{
    if (!m)
        return false;
    return m && m->timestamps;
}

const char *cq_model_created_at(const cq_model *m)
{
    if (!m)
        return NULL;
    return m && m->created_at >= 0 && (size_t)m->created_at < m->nattrs
               ? m->attrs[m->created_at].name
               : NULL;
}

const char *cq_model_updated_at(const cq_model *m)
{
    if (!m)
        return NULL;
    return m && m->updated_at >= 0 && (size_t)m->updated_at < m->nattrs
               ? m->attrs[m->updated_at].name
               : NULL;
}

/* ---- loaded instances ---------------------------------------------------------------- */

size_t cq_instance_included_count(const cq_instance *inst)
{
    if (!inst)
        return 0;
    return inst ? inst->ninc : 0;
}

const char *cq_instance_included_key(const cq_instance *inst, size_t i)
{
    if (!inst)
        return NULL;
    return inst && i < inst->ninc ? inst->inc[i].assoc->alias.as : NULL;
}

int cq_instance_included(cq_included_kind *kind_out, cq_instance **one_out,
                         const cq_rows **many_out, const cq_instance *inst, const char *key)
{
    if (kind_out)
        *kind_out = CQ_INCLUDED_NONE;
    if (one_out)
        *one_out = NULL;
    if (many_out)
        *many_out = NULL;
    if (!inst || !key)
        return CQ_EINVALID;
    for (size_t i = 0; i < inst->ninc; i++) {
        const cq__included *inc = &inst->inc[i];
        if (strcmp(inc->assoc->alias.as, key) != 0)
            continue;
        if (kind_out)
            *kind_out = inc->many ? CQ_INCLUDED_MANY : CQ_INCLUDED_ONE;
        if (inc->many && many_out)
            *many_out = inc->rows;
        else if (!inc->many && one_out)
            *one_out = inc->one;
        return CQ_OK;
    }
    return CQ_OK;
}

const char *cq_instance_through_key(const cq_instance *inst)
{
    if (!inst)
        return NULL;
    return inst && inst->through ? inst->through->model->name : NULL;
}

bool cq_model_is_paranoid(const cq_model *m)
{
    if (!m)
        return false;
    return m && m->deleted_at >= 0;
}

const char *cq_model_deleted_at(const cq_model *m)
{
    if (!m)
        return NULL;
    return m && m->deleted_at >= 0 && (size_t)m->deleted_at < m->nattrs
               ? m->attrs[m->deleted_at].name
               : NULL;
}

const char *cq_model_version_attribute(const cq_model *m)
{
    if (!m)
        return NULL;
    return m && m->version_attr >= 0 && (size_t)m->version_attr < m->nattrs
               ? m->attrs[m->version_attr].name
               : NULL;
}
