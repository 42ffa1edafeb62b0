/* Getters, setters and VIRTUAL attributes (Sequelize v6's attribute `get`/`set`,
 * DataTypes.VIRTUAL, getDataValue/setDataValue, and toJSON through the getters). */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "model/model.h"

static int oom(cq_db *db)
{
    return cq__db_fail(db, CQ_ENOMEM, "out of memory");
}

int cq__accessor_add(cq_model *m, const cq_attr *a)
{
    bool virt = a->type == CQ_VIRTUAL;
    if (!virt && !a->get && !a->set)
        return CQ_OK;
    if (virt && (!a->name || !*a->name))
        return cq__db_fail(m->db, CQ_EINVALID, "model \"%s\": an attribute has no name", m->name);
    if (virt && (cq__model_attr_index(m, a->name) >= 0 || cq__accessor_find(m, a->name)))
        return cq__db_fail(m->db, CQ_EINVALID, "model \"%s\": attribute \"%s\" is defined twice",
                           m->name, a->name);
    cq__accessor *grown = cq__realloc(m->acc, (m->nacc + 1) * sizeof *grown);
    if (!grown)
        return oom(m->db);
    m->acc = grown;
    cq__accessor *x = &m->acc[m->nacc];
    memset(x, 0, sizeof *x);
    x->get = a->get;
    x->set = a->set;
    x->data = a->accessor_data;
    x->is_virtual = virt;
    bool bad = !(x->name = cq__strdup(a->name));
    size_t nd = 0;
    while (virt && a->virtual_deps && a->virtual_deps[nd])
        nd++;
    if (nd && !bad) {
        bad = !(x->deps = cq__calloc(nd + 1, sizeof *x->deps));
        for (size_t i = 0; !bad && i < nd; i++)
            bad = !(x->deps[i] = cq__strdup(a->virtual_deps[i]));
    }
    m->nacc++; /* counted so that cq__accessors_free frees a partial copy */
    if (bad)
        return oom(m->db);
    if (virt)
        x->vindex = m->nvirtual++;
    m->has_getters |= a->get != NULL;
    return CQ_OK;
}

void cq__accessors_free(cq_model *m)
{
    for (size_t i = 0; i < m->nacc; i++) {
        cq__free(m->acc[i].name);
        for (char **d = m->acc[i].deps; d && *d; d++)
            cq__free(*d);
        cq__free(m->acc[i].deps);
    }
    cq__free(m->acc);
    m->acc = NULL;
    m->nacc = m->nvirtual = 0;
}

const cq__accessor *cq__accessor_find(const cq_model *m, const char *name)
{
    for (size_t i = 0; name && i < m->nacc; i++)
        if (strcmp(m->acc[i].name, name) == 0)
            return &m->acc[i];
    return NULL;
}

static int store_virtual(cq_instance *inst, const cq__accessor *x, cq_value *v)
{
    cq_model *m = inst->model;
    if (!v)
        return oom(m->db);
    if (!inst->vvalues && !(inst->vvalues = cq__calloc(m->nvirtual + 1, sizeof *inst->vvalues))) {
        cq_value_free(v);
        return oom(m->db);
    }
    cq_value_free(inst->vvalues[x->vindex]);
    inst->vvalues[x->vindex] = v;
    return CQ_OK;
}

int cq_instance_set_data_value(cq_instance *inst, const char *attr, cq_value *v)
{
    if (!inst) {
        cq_value_free(v); /* taken, even on failure */
        return CQ_EINVALID;
    }
    return cq__instance_store(inst, attr, v);
}

const cq_value *cq_instance_get_data_value(const cq_instance *inst, const char *attr)
{
    if (!inst)
        return NULL;
    const cq__accessor *x = cq__accessor_find(inst->model, attr);
    if (x && x->is_virtual)
        return inst->vvalues ? inst->vvalues[x->vindex] : NULL;
    return cq_instance_get(inst, attr);
}

int cq_instance_get_value(cq_value **out, const cq_instance *inst, const char *attr,
                          const cq_get_opts *opts)
{
    if (out)
        *out = NULL;
    if (!out || !inst)
        return CQ_EINVALID;
    cq_model *m = inst->model;
    const cq__accessor *x = cq__accessor_find(m, attr);
    if (!x && cq__model_attr_index(m, attr) < 0 && !cq_instance_get(inst, attr))
        return cq__db_fail(m->db, CQ_EUNKNOWN_ATTR, "model \"%s\" has no attribute \"%s\"", m->name,
                           attr ? attr : "(null)");
    if (x && x->get && !(opts && opts->raw)) {
        cq_value *v = NULL;
        int rc = x->get(&v, inst, attr, x->data);
        if (rc != CQ_OK) {
            cq_value_free(v);
            return rc;
        }
        if (!v && !(v = cq_value_null()))
            return oom(m->db);
        *out = v;
        return CQ_OK;
    }
    const cq_value *v = cq_instance_get_data_value(inst, attr);
    *out = v ? cq_value_copy(v) : cq_value_null();
    return *out ? CQ_OK : oom(m->db);
}

int cq__instance_hide_virtuals(cq_instance *inst, const char *const *attributes)
{
    cq_model *m = inst->model;
    if (!m->nvirtual || !attributes)
        return CQ_OK;
    if (!inst->vhidden && !(inst->vhidden = cq__calloc(m->nvirtual + 1, sizeof *inst->vhidden)))
        return oom(m->db);
    for (size_t i = 0; i < m->nacc; i++) {
        if (!m->acc[i].is_virtual)
            continue;
        bool named = false;
        for (const char *const *a = attributes; *a; a++)
            named |= strcmp(*a, m->acc[i].name) == 0;
        inst->vhidden[m->acc[i].vindex] = !named;
    }
    return CQ_OK;
}

/* Whether toJSON shows attribute `i` (loaded, not hidden). */
static bool shown(const cq_instance *inst, size_t i)
{
    return inst->values[i] && !(inst->hidden && inst->hidden[i]);
}

int cq__instance_plain_with_getters(cq_value **out, const cq_instance *inst)
{
    *out = NULL;
    cq_model *m = inst->model;
    cq_value *o = cq_value_object();
    int rc = o ? CQ_OK : oom(m->db);
    /* v6 get({plain}): the keys of the custom getters first, in definition order (an
     * attribute that was not read, or a VIRTUAL one a find's `attributes` left out, is
     * skipped), then every other value */
    for (size_t k = 0; rc == CQ_OK && k < m->nacc; k++) {
        const cq__accessor *x = &m->acc[k];
        if (!x->get)
            continue;
        if (x->is_virtual ? inst->vhidden && inst->vhidden[x->vindex]
                          : !shown(inst, (size_t)cq__model_attr_index(m, x->name)))
            continue;
        cq_value *v = NULL;
        rc = cq_instance_get_value(&v, inst, x->name, NULL);
        if (rc == CQ_OK && cq_value_object_set(o, x->name, v) != CQ_OK)
            rc = oom(m->db);
    }
    for (size_t i = 0; rc == CQ_OK && i < m->nattrs; i++) {
        const cq__accessor *x = cq__accessor_find(m, m->attrs[i].name);
        if (!shown(inst, i) || (x && x->get))
            continue;
        if (cq_value_object_set(o, m->attrs[i].name, cq_value_copy(inst->values[i])) != CQ_OK)
            rc = oom(m->db);
    }
    for (size_t k = 0; rc == CQ_OK && k < m->nacc; k++) {
        const cq__accessor *x = &m->acc[k];
        const cq_value *v =
            x->is_virtual && !x->get && inst->vvalues ? inst->vvalues[x->vindex] : NULL;
        if (v && cq_value_object_set(o, x->name, cq_value_copy(v)) != CQ_OK)
            rc = oom(m->db);
    }
    if (rc != CQ_OK) {
        cq_value_free(o);
        return rc;
    }
    *out = o;
    return CQ_OK;
}

int cq__instance_store_virtual(cq_instance *inst, const char *attr, cq_value *v)
{
    const cq__accessor *x = cq__accessor_find(inst->model, attr);
    return store_virtual(inst, x, v);
}
