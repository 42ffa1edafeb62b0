/* Getters, setters and VIRTUAL attributes (Sequelize v6's attribute `get`/`set`,
 * DataTypes.VIRTUAL, getDataValue/setDataValue, and toJSON through the getters). */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "model/model.h"

/* ---- getters and setters bound by name (schema files) ----------------------------------- */

typedef struct binding {
    char *name;
    bool is_set;
    cq_getter_fn get;
    cq_setter_fn set;
    void *user_data;
} binding;

struct cq__acc_binds {
    binding *v;
    size_t n, cap;
};

static const binding *find_binding(const cq_db *db, const char *name, bool is_set)
{
    const struct cq__acc_binds *bs = db->acc_binds;
    for (size_t i = 0; bs && name && i < bs->n; i++)
        if (bs->v[i].is_set == is_set && strcmp(bs->v[i].name, name) == 0)
            return &bs->v[i];
    return NULL;
}

void cq__acc_binds_free(cq_db *db)
{
    struct cq__acc_binds *bs = db->acc_binds;
    for (size_t i = 0; bs && i < bs->n; i++)
        cq__free(bs->v[i].name);
    if (bs)
        cq__free(bs->v);
    cq__free(bs);
    db->acc_binds = NULL;
}

static int bind(cq_db *db, const char *name, bool is_set, cq_getter_fn get, cq_setter_fn set,
                void *user_data)
{
    if (!db)
        return CQ_EINVALID;
    cq__db_clear(db);
    const char *fn = is_set ? "cq_db_bind_setter" : "cq_db_bind_getter";
    if (!name || !*name || (!get && !set))
        return cq__db_fail(db, CQ_EINVALID, "%s: a name and a callback are needed", fn);
    binding *b = (binding *)find_binding(db, name, is_set);
    if (b) {
        b->get = get;
        b->set = set;
        b->user_data = user_data;
        return CQ_OK;
    }
    if (!db->acc_binds && !(db->acc_binds = cq__calloc(1, sizeof *db->acc_binds)))
        return cq__db_oom(db);
    struct cq__acc_binds *bs = db->acc_binds;
    if (cq__grow((void **)&bs->v, &bs->cap, bs->n + 1, sizeof *bs->v) != 0)
        return cq__db_oom(db);
    char *copy = cq__strdup(name);
    if (!copy)
        return cq__db_oom(db);
    bs->v[bs->n++] = (binding){ copy, is_set, get, set, user_data };
    return CQ_OK;
}

int cq_db_bind_getter(cq_db *db, const char *name, cq_getter_fn fn, void *user_data)
{
    return bind(db, name, false, fn, NULL, user_data);
}

int cq_db_bind_setter(cq_db *db, const char *name, cq_setter_fn fn, void *user_data)
{
    return bind(db, name, true, NULL, fn, user_data);
}

const char *cq_db_unbound_accessor(const cq_db *db, size_t i, const char **model_out,
                                   const char **attr_out, const char **kind_out)
{
    size_t k = 0;
    for (size_t mi = 0; db && mi < db->nmodels; mi++) {
        const cq_model *m = db->models[mi];
        for (size_t a = 0; a < m->nacc; a++) {
            const cq__accessor *x = &m->acc[a];
            for (int s = 0; s < 2; s++) {
                const char *name = s ? x->set_name : x->get_name;
                if (!name || (s ? x->set != NULL : x->get != NULL) ||
                    find_binding(db, name, s == 1))
                    continue;
                if (k++ == i) {
                    if (model_out)
                        *model_out = m->name;
                    if (attr_out)
                        *attr_out = x->name;
                    if (kind_out)
                        *kind_out = s ? "set" : "get";
                    return name;
                }
            }
        }
    }
    return NULL;
}

int cq__accessor_call_set(cq_instance *inst, const cq__accessor *x, const char *attr, cq_value *v)
{
    if (x->set)
        return x->set(inst, attr, v, x->data);
    cq_model *m = inst->model;
    const binding *b = find_binding(m->db, x->set_name, true);
    if (!b) {
        cq_value_free(v);
        return cq__db_fail(m->db, CQ_EINVALID,
                           "setter \"%s\" (attribute \"%s\" of \"%s\") is not bound: call "
                           "cq_db_bind_setter()",
                           x->set_name, x->name, m->name);
    }
    return b->set(inst, attr, v, b->user_data);
}

int cq__accessor_add(cq_model *m, const cq_attr *a)
{
    bool virt = a->type == CQ_VIRTUAL;
    const char *gname = !a->get && a->get_bound && *a->get_bound ? a->get_bound : NULL;
    const char *sname = !a->set && a->set_bound && *a->set_bound ? a->set_bound : NULL;
    if (!virt && !a->get && !a->set && !gname && !sname)
        return CQ_OK;
    if (virt && (!a->name || !*a->name))
        return cq__db_fail(m->db, CQ_EINVALID, "model \"%s\": an attribute has no name", m->name);
    if (virt && (cq__model_attr_index(m, a->name) >= 0 || cq__accessor_find(m, a->name)))
        return cq__db_fail(m->db, CQ_EINVALID, "model \"%s\": attribute \"%s\" is defined twice",
                           m->name, a->name);
    cq__accessor *grown = cq__realloc(m->acc, (m->nacc + 1) * sizeof *grown);
    if (!grown)
        return cq__db_oom(m->db);
    m->acc = grown;
    cq__accessor *x = &m->acc[m->nacc];
    memset(x, 0, sizeof *x);
    x->get = a->get;
    x->set = a->set;
    x->data = a->accessor_data;
    x->is_virtual = virt;
    bool bad = !(x->name = cq__strdup(a->name));
    bad |= gname && !(x->get_name = cq__strdup(gname));
    bad |= sname && !(x->set_name = cq__strdup(sname));
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
        return cq__db_oom(m->db);
    if (virt) {
        x->vindex = m->nvirtual++;
        x->pos = m->nattrs;
        x->allow_null = a->allow_null;
    }
    m->has_getters |= cq__accessor_has_get(x);
    return CQ_OK;
}

void cq__accessors_free(cq_model *m)
{
    for (size_t i = 0; i < m->nacc; i++) {
        cq__free(m->acc[i].name);
        cq__free(m->acc[i].get_name);
        cq__free(m->acc[i].set_name);
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
        return cq__db_oom(m->db);
    if ((!inst->vvalues && !(inst->vvalues = cq__calloc(m->nvirtual + 1, sizeof *inst->vvalues))) ||
        (!inst->vchanged &&
         !(inst->vchanged = cq__calloc(m->nvirtual + 1, sizeof *inst->vchanged)))) {
        cq_value_free(v);
        return cq__db_oom(m->db);
    }
    cq_value_free(inst->vvalues[x->vindex]);
    inst->vvalues[x->vindex] = v;
    inst->vchanged[x->vindex] = true;
    return CQ_OK;
}

void cq__instance_vchanged_clear(cq_instance *inst)
{
    if (inst->vchanged)
        memset(inst->vchanged, 0, inst->model->nvirtual * sizeof *inst->vchanged);
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
    if (cq__accessor_has_get(x) && !(opts && opts->raw)) {
        cq_getter_fn get = x->get;
        void *ud = x->data;
        const binding *b = x->get ? NULL : find_binding(m->db, x->get_name, false);
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
    if (!inst->vhidden && !(inst->vhidden = cq__calloc(m->nvirtual + 1, sizeof *inst->vhidden)))
        return cq__db_oom(m->db);
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
    int rc = o ? CQ_OK : cq__db_oom(m->db);
    /* v6 get({plain}): the keys of the custom getters first, in definition order (an
     * attribute that was not read, or a VIRTUAL one a find's `attributes` left out, is
     * skipped), then every other value */
    for (size_t k = 0; rc == CQ_OK && k < m->nacc; k++) {
        const cq__accessor *x = &m->acc[k];
        if (!cq__accessor_has_get(x))
            continue;
        if (x->is_virtual ? inst->vhidden && inst->vhidden[x->vindex]
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
        if (cq_value_object_set(o, m->attrs[i].name, cq_value_copy(inst->values[i])) != CQ_OK)
            rc = cq__db_oom(m->db);
    }
    for (size_t k = 0; rc == CQ_OK && k < m->nacc; k++) {
        const cq__accessor *x = &m->acc[k];
        const cq_value *v = x->is_virtual && !cq__accessor_has_get(x) && inst->vvalues
                                ? inst->vvalues[x->vindex]
                                : NULL;
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
