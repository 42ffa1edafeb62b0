/* Getters, setters and VIRTUAL attributes as a model defines them (Sequelize v6's attribute
 * `get`/`set`, DataTypes.VIRTUAL) and getters and setters bound by name. Reading and writing
 * an instance's values through them is src/query/instance_getset.c. */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "model/model.h"

/* ---- getters and setters bound by name (schema files) ----------------------------------- */

struct cq__acc_binds {
    cq__acc_binding *v;
    size_t n, cap;
};

const cq__acc_binding *cq__acc_binding_find(const cq_db *db, const char *name, bool is_set)
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
    cq__acc_binding *b = (cq__acc_binding *)cq__acc_binding_find(db, name, is_set);
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
    bs->v[bs->n++] = (cq__acc_binding){ copy, is_set, get, set, user_data };
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
                    cq__acc_binding_find(db, name, s == 1))
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
    const cq__acc_binding *b = cq__acc_binding_find(m->db, x->set_name, true);
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
    bad |= virt && a->default_value && !(x->default_value = cq_value_copy(a->default_value));
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
        cq_value_free(m->acc[i].default_value);
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
