/* An instance's values through getters, setters and VIRTUAL attributes (Sequelize v6's
 * getDataValue/setDataValue, get() and toJSON through the getters); the definitions are
 * src/model/getset.c. */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "model/model.h"
#include "query/instance.h"

static int store_virtual(cq_instance *inst, const cq__accessor *x, cq_value *v)
{
    cq_model *m = inst->model;
    if (!v)
        return cq__db_oom(m->db);
    cq__instance_more *mo = cq__instance_more_get(inst);
    if (!mo ||
        (!mo->vvalues && !(mo->vvalues = cq__calloc(m->nvirtual + 1, sizeof *mo->vvalues))) ||
        (!mo->vchanged && !(mo->vchanged = cq__calloc(m->nvirtual + 1, sizeof *mo->vchanged)))) {
        cq_value_free(v);
        return cq__db_oom(m->db);
    }
    cq_value_free(mo->vvalues[x->vindex]);
    mo->vvalues[x->vindex] = v;
    mo->vchanged[x->vindex] = true;
    return CQ_OK;
}

void cq__instance_vchanged_clear(cq_instance *inst)
{
    if (cq__instance_vchanged(inst))
        memset(inst->more->vchanged, 0, inst->model->nvirtual * sizeof *inst->more->vchanged);
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
        return cq__instance_vvalues(inst) ? inst->more->vvalues[x->vindex] : NULL;
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
    if (cq__accessor_has_get(x) && !(opts && opts->raw)) {
        cq_getter_fn get = x->get;
        void *ud = x->data;
        const cq__acc_binding *b = x->get ? NULL : cq__acc_binding_find(m->db, x->get_name, false);
        if (!x->get && !b)
            return cq__db_fail(m->db, CQ_EINVALID,
                               "getter \"%s\" (attribute \"%s\" of \"%s\") is not bound: call "
                               "cq_db_bind_getter()",
                               x->get_name, x->name, m->name);
        if (b) {
            get = b->get;
            ud = b->user_data;
        }
        cq_value *v = NULL;
        int rc = get(&v, inst, attr, ud);
        if (rc != CQ_OK) {
            cq_value_free(v);
            return rc;
        }
        if (!v && !(v = cq_value_null()))
            return cq__db_oom(m->db);
        *out = v;
        return CQ_OK;
    }
    const cq_value *v = cq_instance_get_data_value(inst, attr);
    *out = v ? cq_value_copy(v) : cq_value_null();
    return *out ? CQ_OK : cq__db_oom(m->db);
}

int cq__instance_hide_virtuals(cq_instance *inst, const char *const *attributes)
{
    cq_model *m = inst->model;
    if (!m->nvirtual || !attributes)
        return CQ_OK;
    cq__instance_more *mo = cq__instance_more_get(inst);
    if (!mo || (!mo->vhidden && !(mo->vhidden = cq__calloc(m->nvirtual + 1, sizeof *mo->vhidden))))
        return cq__db_oom(m->db);
    for (size_t i = 0; i < m->nacc; i++) {
        if (!m->acc[i].is_virtual)
            continue;
        bool named = false;
        for (const char *const *a = attributes; *a; a++)
            named |= strcmp(*a, m->acc[i].name) == 0;
        mo->vhidden[m->acc[i].vindex] = !named;
    }
    return CQ_OK;
}

/* Whether toJSON shows attribute `i` (loaded, not hidden). */
static bool shown(const cq_instance *inst, size_t i)
{
    const bool *hidden = cq__instance_hidden(inst);
    return cq__iv(inst, i) && !(hidden && hidden[i]);
}

int cq__instance_plain_with_getters(cq_value **out, const cq_instance *inst)
{
    *out = NULL;
    cq_model *m = inst->model;
    cq_value *o = cq_value_object();
    int rc = o ? CQ_OK : cq__db_oom(m->db);
    /* v6 get({plain}): the keys of the custom getters first, in definition order (an
     * attribute that was not read, or a VIRTUAL one a find's `attributes` left out, is
     * skipped), then every other value */
    for (size_t k = 0; rc == CQ_OK && k < m->nacc; k++) {
        const cq__accessor *x = &m->acc[k];
        if (!cq__accessor_has_get(x))
            continue;
        const bool *vhidden = cq__instance_vhidden(inst);
        if (x->is_virtual ? vhidden && vhidden[x->vindex]
                          : !shown(inst, (size_t)cq__model_attr_index(m, x->name)))
            continue;
        cq_value *v = NULL;
        rc = cq_instance_get_value(&v, inst, x->name, NULL);
        if (rc == CQ_OK && cq_value_object_set(o, x->name, v) != CQ_OK)
            rc = cq__db_oom(m->db);
    }
    for (size_t i = 0; rc == CQ_OK && i < m->nattrs; i++) {
        const cq__accessor *x = cq__accessor_find(m, m->attrs[i].name);
        if (!shown(inst, i) || cq__accessor_has_get(x))
            continue;
        if (cq_value_object_set(o, m->attrs[i].name, cq_value_copy(cq__iv(inst, i))) != CQ_OK)
            rc = cq__db_oom(m->db);
    }
    for (size_t k = 0; rc == CQ_OK && k < m->nacc; k++) {
        const cq__accessor *x = &m->acc[k];
        cq_value *const *vvalues = cq__instance_vvalues(inst);
        const cq_value *v =
            x->is_virtual && !cq__accessor_has_get(x) && vvalues ? vvalues[x->vindex] : NULL;
        if (v && cq_value_object_set(o, x->name, cq_value_copy(v)) != CQ_OK)
            rc = cq__db_oom(m->db);
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
