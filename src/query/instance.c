/* Instances: build, save (INSERT / UPDATE of changed fields), destroy, reload, get/set,
 * toJSON. */
#include <stdlib.h>
#include <string.h>

#include "cequel/assoc.h"
#include "core/util.h"
#include "core/value_ops.h"
#include "model/assoc.h"
#include "model/hooks.h"
#include "model/model.h"
#include "model/validate.h"
#include "stmt/stmt.h"
#include "query/where.h"
#include "sql/sql.h"
#include "query/find.h"
#include "query/instance.h"

int cq__instance_hand_out(cq_instance **out, cq_instance *inst, int rc)
{
    if (rc == CQ_OK && out)
        *out = inst;
    else
        cq_instance_free(inst);
    return rc;
}

/* One block holds the instance, its value slots (one per attribute), its changed flags and
 * then, for an instance read from a row, the text its slots hold (an instance costs one
 * allocation), or for one made without a row, the room for the address of the block its
 * values move to when compacted. */
static cq_instance *instance_block(cq_model *m, uint8_t kind, size_t arena, char **arena_out)
{
    /* an instance sizes its value arrays from the model: from now on the schema is fixed */
    if (!atomic_load_explicit(&m->db->s.frozen, memory_order_relaxed))
        atomic_store(&m->db->s.frozen, true);
    size_t n = m->nattrs ? m->nattrs : 1;
    size_t changed_at = sizeof(cq_instance) + n * CQ__SLOT_SIZE;
    size_t total = changed_at + n * sizeof(bool);
    if (kind == CQ__INST_MADE) /* the compacted block's address, aligned */
        total = (total + sizeof(char *) - 1) / sizeof(char *) * sizeof(char *) + sizeof(char *);
    if (arena > SIZE_MAX - total)
        return NULL;
    char *block = cq__malloc(total + arena);
    if (!block)
        return NULL;
    memset(block, 0, sizeof(cq_instance));
    cq_instance *inst = (cq_instance *)block;
    inst->model = m;
    inst->kind = kind;
    for (size_t i = 0; i < n; i++)
        cq__slot_unset(cq__slot(inst, i));
    memset(block + changed_at, 0, n * sizeof(bool));
    if (arena_out)
        *arena_out = block + total;
    return inst;
}

cq_instance *cq__instance_alloc(cq_model *m)
{
    return instance_block(m, CQ__INST_MADE, 0, NULL);
}

/* Where a made instance keeps the address of the block its compacted values' text is in. */
static char **apart_ref(const cq_instance *inst)
{
    size_t n = inst->model->nattrs ? inst->model->nattrs : 1;
    uintptr_t end = (uintptr_t)(cq__changed(inst) + n);
    return (char **)((end + sizeof(char *) - 1) / sizeof(char *) * sizeof(char *));
}

/* The text room value i of a created instance takes when it is compacted (its cell in *c);
 * SIZE_MAX when it stays as it is: unset, in place already, a constant (which costs nothing)
 * or a tree. */
static size_t compact_bytes(const cq_instance *inst, size_t i, cq__cell *c)
{
    const void *slot = cq__slot(inst, i);
    const cq_value *v = cq__slot_value(slot);
    if (!v || !cq__slot_owns(slot) || cq__value_is_const(v) || !cq__cell_of(c, v))
        return SIZE_MAX;
    return cq__cell_arena_bytes(c);
}

void cq__instance_compact(cq_instance *inst)
{
    if (!inst || inst->kind != CQ__INST_MADE)
        return;
    cq_model *m = inst->model;
    size_t arena = 0, count = 0;
    cq__cell c;
    for (size_t i = 0; i < m->nattrs; i++) {
        size_t b = compact_bytes(inst, i, &c);
        arena += b == SIZE_MAX ? 0 : b;
        count += b != SIZE_MAX;
    }
    if (count == 0)
        return;
    char *block = arena ? cq__malloc(arena) : NULL;
    if (arena && !block)
        return; /* (only a saving: the values stay as they are) */
    char *text = block;
    for (size_t i = 0; i < m->nattrs; i++) {
        if (compact_bytes(inst, i, &c) == SIZE_MAX)
            continue;
        void *slot = cq__slot(inst, i);
        cq_value *old = cq__slot_value(slot);
        cq__value_place(slot, &c, &text); /* the cell still reads old's bytes */
        cq_value_free(old);
    }
    *apart_ref(inst) = block;
    inst->kind = CQ__INST_COMPACTED;
}

cq_value *cq__instance_put(cq_instance *inst, size_t i, cq_value *v)
{
    cq__slot_put(cq__slot(inst, i), v);
    return v;
}

int cq__instance_reserve_included(cq_instance *inst, size_t cap)
{
    if (cap <= inst->inc_cap)
        return 0;
    if (cap > UINT16_MAX)
        return -1;
    cq__included *p = cq__realloc(inst->inc, cap * sizeof *p);
    if (!p)
        return -1;
    inst->inc = p;
    inst->inc_cap = (uint16_t)cap;
    return 0;
}

cq__included *cq__instance_add_included(cq_instance *inst, const struct cq_assoc *a, bool many)
{
    /* most instances carry one or two includes: grow by small steps */
    if (inst->ninc == inst->inc_cap &&
        cq__instance_reserve_included(inst, inst->inc_cap ? (size_t)inst->inc_cap * 2 : 2) != 0)
        return NULL;
    cq__included *inc = &inst->inc[inst->ninc];
    memset(inc, 0, sizeof *inc);
    inc->assoc = a;
    inc->many = many;
    if (many && !(inc->rows = cq__calloc(1, sizeof *inc->rows)))
        return NULL;
    inst->ninc++;
    return inc;
}

/* Up to this many attributes, a row's cell views live on the stack. */
enum { READ_STACK_ATTRS = 32 };

/* The earlier date-time cell of the row (selected, placed) whose text date-time cell k
 * repeats, or SIZE_MAX: a row's timestamps often read the same (a createdAt and an updatedAt
 * never changed since), and then they share their bytes. */
static size_t same_date(const cq_model *m, const cq__cell *views, const size_t *bytes,
                        const bool *sel, size_t k)
{
    const cq__cell *c = &views[k];
    if (m->attrs[k].type != CQ_DATE || c->type != CQ_VALUE_TEXT)
        return SIZE_MAX;
    for (size_t j = 0; j < k; j++)
        if (m->attrs[j].type == CQ_DATE && (!sel || sel[j]) && bytes[j] != SIZE_MAX &&
            views[j].type == CQ_VALUE_TEXT && views[j].len == c->len &&
            memcmp(views[j].s, c->s, c->len) == 0)
            return j;
    return SIZE_MAX;
}

cq_instance *cq__instance_read(cq_model *m, const bool *sel, cq__result *one, size_t *col)
{
    typedef char iso_text[25];
    cq__cell stack_views[READ_STACK_ATTRS];
    size_t stack_bytes[READ_STACK_ATTRS], stack_same[READ_STACK_ATTRS];
    iso_text stack_iso[READ_STACK_ATTRS];
    cq__cell *views = stack_views;
    size_t *bytes = stack_bytes; /* each cell's arena room, SIZE_MAX: read as a tree */
    size_t *same = stack_same;   /* the earlier date cell whose text it shares, or SIZE_MAX */
    iso_text *iso = stack_iso;   /* a date-time cell's text in the form it is held in */
    if (m->nattrs > READ_STACK_ATTRS) {
        views = cq__malloc(m->nattrs * (sizeof *views + 2 * sizeof *bytes + sizeof *iso));
        if (!views)
            return NULL;
        bytes = (size_t *)(views + m->nattrs);
        same = bytes + m->nattrs;
        iso = (iso_text *)(same + m->nattrs);
    }
    size_t arena = 0, c = *col;
    for (size_t k = 0; k < m->nattrs; k++) {
        if (sel && !sel[k])
            continue;
        cq__row_view(one, c++, &views[k]);
        bytes[k] = cq__attr_cell_prepare(&m->attrs[k], &views[k], iso[k]);
        same[k] = bytes[k] == SIZE_MAX ? SIZE_MAX : same_date(m, views, bytes, sel, k);
        arena += bytes[k] == SIZE_MAX || same[k] != SIZE_MAX ? 0 : bytes[k];
    }
    char *text = NULL;
    cq_instance *inst = instance_block(m, CQ__INST_READ, arena, &text);
    bool oom = !inst;
    c = *col;
    for (size_t k = 0; !oom && k < m->nattrs; k++) {
        if (sel && !sel[k])
            continue;
        const cq__attr *a = &m->attrs[k];
        if (bytes[k] != SIZE_MAX) {
            if (same[k] != SIZE_MAX)
                cq__value_place_same(cq__slot(inst, k), cq__iv(inst, same[k]));
            else
                cq__value_place(cq__slot(inst, k), &views[k], &text);
        } else { /* JSON or ARRAY text: a tree of its own */
            cq_value *raw = cq__row_take(one, c);
            oom =
                !raw || !cq__instance_put(inst, k, cq__attr_from_db(a, raw, cq_db_dialect(m->db)));
        }
        c++;
    }
    if (views != stack_views)
        cq__free(views);
    if (oom) {
        cq_instance_free(inst);
        return NULL;
    }
    *col = c;
    return inst;
}

void cq_instance_free(cq_instance *inst)
{
    if (!inst)
        return;
    for (size_t i = 0; i < inst->model->nattrs; i++)
        cq__instance_put(inst, i, NULL);
    cq__instance_more *x = inst->more;
    if (x) {
        cq__free(x->hidden);
        for (size_t i = 0; x->vvalues && i < inst->model->nvirtual; i++)
            cq_value_free(x->vvalues[i]);
        cq__free(x->vvalues);
        cq__free(x->vhidden);
        cq__free(x->vchanged);
        cq_value_free(x->extra);
        cq_value_free(x->through_data);
        cq__free(x);
    }
    cq_instance_free(inst->through);
    for (size_t i = 0; i < inst->ninc; i++) {
        cq_rows_free(inst->inc[i].rows);
        cq_instance_free(inst->inc[i].one);
    }
    cq__free(inst->inc);
    if (inst->kind == CQ__INST_COMPACTED)
        cq__free(*apart_ref(inst));
    cq__free(inst); /* the block: slots, changed flags and read text with it */
}

/* Stores a checked value; marks it changed when it differs from what was there. */
static void store(cq_instance *inst, size_t i, cq_value *v, bool mark)
{
    if (mark && !cq_value_is_equal(cq__iv(inst, i), v))
        cq__changed(inst)[i] = true;
    if (mark && !cq__iv(inst, i))
        cq__changed(inst)[i] = true;
    cq__instance_put(inst, i, v);
}

/* v6 set(): the attribute's setter when it has one, else setDataValue. */
static int set_attr(cq_instance *inst, const char *attr, cq_value *v)
{
    const cq__accessor *x = cq__accessor_find(inst->model, attr);
    if (cq__accessor_has_set(x))
        return cq__accessor_call_set(inst, x, attr, v);
    return cq__instance_store(inst, attr, v);
}

int cq__instance_store(cq_instance *inst, const char *attr, cq_value *v)
{
    cq_model *m = inst->model;
    const cq__accessor *x = cq__accessor_find(m, attr);
    if (x && x->is_virtual)
        return cq__instance_store_virtual(inst, attr, v);
    long i = cq__model_attr_index(m, attr);
    if (i < 0) {
        cq_value_free(v);
        return cq__db_fail(m->db, CQ_EUNKNOWN_ATTR, "model \"%s\" has no attribute \"%s\"", m->name,
                           attr ? attr : "(null)");
    }
    cq_value *checked = NULL;
    int rc = cq__attr_coerce(&checked, m, &m->attrs[i], v);
    if (rc != CQ_OK)
        return rc;
    store(inst, (size_t)i, checked, true);
    return CQ_OK;
}

/* Sets the keys of `values` (an object) on the instance; with `only` (a NULL-terminated list
 * of attribute names), only those of its keys, in the list's order (Sequelize's
 * set(values, {attributes}): an update with `fields` leaves the other values unset). */
static int set_values(cq_instance *inst, const cq_value *values, const char *const *only)
{
    cq_model *m = inst->model;
    if (!values)
        return CQ_OK;
    if (cq_value_type_of(values) != CQ_VALUE_OBJECT)
        return cq__db_fail(m->db, CQ_EINVALID, "values for model \"%s\" must be an object",
                           m->name);
    /* check every key first so that a bad key leaves the instance untouched */
    for (size_t k = 0; k < cq_value_size(values); k++)
        if (cq__model_attr_index(m, cq_value_object_key(values, k)) < 0 &&
            !cq__accessor_find(m, cq_value_object_key(values, k)))
            return cq__db_fail(m->db, CQ_EUNKNOWN_ATTR, "model \"%s\" has no attribute \"%s\"",
                               m->name, cq_value_object_key(values, k));
    if (only) {
        for (size_t f = 0; only[f]; f++) {
            const cq_value *v = cq_value_object_get(values, only[f]);
            int rc = v ? set_attr(inst, only[f], cq_value_copy(v)) : CQ_OK;
            if (rc != CQ_OK)
                return rc;
        }
        return CQ_OK;
    }
    for (size_t k = 0; k < cq_value_size(values); k++) {
        int rc = set_attr(inst, cq_value_object_key(values, k),
                          cq_value_copy(cq_value_object_value(values, k)));
        if (rc != CQ_OK)
            return rc;
    }
    return CQ_OK;
}

int cq_model_build(cq_instance **out, cq_model *m, const cq_value *values)
{
    *out = NULL;
    if (!m)
        return CQ_EINVALID;
    cq__db_clear(m->db);
    cq_instance *inst = cq__instance_alloc(m);
    if (!inst)
        return cq__db_oom(m->db);
    inst->is_new = true;
    /* Sequelize's _initValues: defaults first, then null primary keys, then the values */
    for (size_t i = 0; i < m->nattrs; i++) {
        const cq__attr *a = &m->attrs[i];
        cq_value *d = NULL;
        if (a->default_value)
            d = cq_value_copy(a->default_value);
        else if (a->default_fn == CQ_DEFAULT_NOW) {
            char now[32];
            cq__now_iso(now);
            d = a->type == CQ_DATEONLY ? cq_value_text_n(now, 10) : cq_value_text(now);
        } else if (a->default_fn == CQ_DEFAULT_UUIDV4) {
            char uuid[37];
            if (cq__uuid_v4(uuid) != 0) {
                cq_instance_free(inst);
                return cq__db_fail(m->db, CQ_EDATABASE,
                                   "no random bytes for a UUIDV4 default of %s.%s", m->name,
                                   a->name);
            }
            d = cq_value_text(uuid);
        } else if (a->primary_key)
            d = cq_value_null();
        else
            continue;
        if (!d) {
            cq_instance_free(inst);
            return cq__db_oom(m->db);
        }
        store(inst, i, d, true);
    }
    int rc = CQ_OK;
    for (size_t i = 0; rc == CQ_OK && i < m->nacc; i++) {
        const cq__accessor *x = &m->acc[i];
        if (x->is_virtual && x->default_value) {
            cq_value *d = cq_value_copy(x->default_value);
            rc = d ? cq__instance_store_virtual(inst, x->name, d) : cq__db_oom(m->db);
        }
    }
    if (rc == CQ_OK)
        rc = set_values(inst, values, NULL);
    if (rc != CQ_OK) {
        cq_instance_free(inst);
        return rc;
    }
    *out = inst;
    return CQ_OK;
}

static bool field_selected(const cq_write_opts *opts, const char *name)
{
    if (!opts || !opts->fields)
        return true;
    for (const char *const *f = opts->fields; *f; f++)
        if (strcmp(*f, name) == 0)
            return true;
    return false;
}

static int check_not_null(cq_instance *inst, bool inserting, const cq_write_opts *opts)
{
    cq_model *m = inst->model;
    for (size_t i = 0; i < m->nattrs; i++) {
        const cq__attr *a = &m->attrs[i];
        /* every primary key is NOT NULL (docs/differences.md), generated ones excepted */
        bool not_null = a->allow_null == CQ_OFF || a->primary_key;
        if (!not_null || (a->primary_key && a->auto_increment))
            continue;
        if ((long)i == m->created_at || (long)i == m->updated_at)
            continue;
        if (!field_selected(opts, a->name))
            continue;
        bool missing = inserting ? cq_value_is_null(cq__iv(inst, i))
                                 : cq__changed(inst)[i] && cq_value_is_null(cq__iv(inst, i));
        if (missing)
            return cq__db_fail(m->db, CQ_ENOTNULL, "notNull Violation: %s.%s cannot be null",
                               m->name, a->name);
    }
    return CQ_OK;
}

static bool hooks_on(const cq_write_opts *opts)
{
    return !opts || opts->hooks != CQ_OFF;
}

/* v6 Model#validate with its hooks (cq__validate_hooked); with `validate: false` only the
 * notNull checks run. */
static int validate_hooked(cq_instance *inst, bool inserting, const cq_write_opts *opts,
                           const char *const *fields, const char *const *skip)
{
    if (opts && opts->validate == CQ_OFF)
        return check_not_null(inst, inserting, opts);
    return cq__validate_hooked(inst, hooks_on(opts), inserting, fields, skip);
}

int cq__save_before(cq_instance *const *insts, size_t n, const cq_write_opts *opts,
                    const char *const *skip)
{
    if (n == 0)
        return CQ_OK;
    cq_model *m = insts[0]->model;
    bool hooks = hooks_on(opts);
    bool validate = !opts || opts->validate != CQ_OFF;
    int rc = CQ_OK;
    if (validate && hooks && n > 1) {
        /* several rows saved together (v6 runs their saves concurrently): each validation
         * hook for every row in turn, the validators of a row between */
        rc = cq__hooks_run_many(m, CQ__H_BEFORE_VALIDATE, insts, n, NULL);
        cq_write_opts quiet = opts ? *opts : (cq_write_opts){ 0 };
        quiet.hooks = CQ_OFF;
        for (size_t i = 0; rc == CQ_OK && i < n; i++) {
            rc = validate_hooked(insts[i], true, &quiet, opts ? opts->fields : NULL, skip);
            if (rc == CQ_EVALIDATION || rc == CQ_ENOTNULL) {
                cq_hook_ctx f = { .instance = insts[i], .error = rc };
                int hrc = cq__hooks_run(m, CQ__H_VALIDATION_FAILED, &f, NULL);
                rc = hrc != CQ_OK ? hrc : rc;
            }
        }
        if (rc == CQ_OK)
            rc = cq__hooks_run_many(m, CQ__H_AFTER_VALIDATE, insts, n, NULL);
    } else {
        for (size_t i = 0; rc == CQ_OK && i < n; i++)
            rc = validate_hooked(insts[i], true, opts, opts ? opts->fields : NULL, skip);
    }
    if (rc == CQ_OK && hooks)
        rc = cq__hooks_run_many(m, CQ__H_BEFORE_CREATE, insts, n, NULL);
    return rc;
}

int cq__save_after(cq_instance *inst, const cq_write_opts *opts)
{
    if (!hooks_on(opts))
        return CQ_OK;
    cq_hook_ctx ctx = { .instance = inst };
    return cq__hooks_run(inst->model, CQ__H_AFTER_CREATE, &ctx, NULL);
}

int cq__validate_rows(cq_instance *const *insts, size_t n, const cq_write_opts *opts)
{
    if (n == 0)
        return CQ_OK;
    cq_db *db = insts[0]->model->db;
    int rc = cq__validation_begin(db);
    for (size_t r = 0; rc == CQ_OK && r < n; r++)
        rc = cq__validation_check(insts[r], true, opts ? opts->fields : NULL, NULL, r);
    return cq__validation_finish(db, rc);
}

/* Stamps updatedAt (and createdAt when inserting without one). `bulk`: a row of a bulk insert,
 * whose updatedAt is kept when given (Sequelize's bulkCreate fills only missing timestamps;
 * create and save always stamp updatedAt). Both values are made before either is stored, so
 * running out of memory leaves the instance as it was (CQ_ENOMEM). */
static int stamp_times(cq_instance *inst, bool inserting, bool bulk)
{
    cq_model *m = inst->model;
    char now[32];
    cq__now_iso(now);
    bool upd = m->updated_at >= 0 && !(bulk && !cq_value_is_null(cq__iv(inst, m->updated_at)));
    bool cre = inserting && m->created_at >= 0 && cq_value_is_null(cq__iv(inst, m->created_at));
    cq_value *u = upd ? cq_value_text(now) : NULL;
    cq_value *c = cre ? cq_value_text(now) : NULL;
    if ((upd && !u) || (cre && !c)) {
        cq_value_free(u);
        cq_value_free(c);
        return cq__db_oom(m->db);
    }
    /* Sequelize sets updatedAt first, then createdAt when it has none */
    if (upd) {
        /* always written, even when the clock has not moved since the last save */
        store(inst, (size_t)m->updated_at, u, true);
        cq__changed(inst)[m->updated_at] = true;
    }
    if (cre)
        store(inst, (size_t)m->created_at, c, true);
    return CQ_OK;
}

/* docs/differences.md: on PostgreSQL an explicit value in a SERIAL column does not advance the
 * column's sequence, so a later generated key would collide with it. After such an insert the
 * sequence is moved to the column's largest value (at least 1, setval's lower bound); a
 * column without a sequence gives setval NULL, which does nothing. `explicit` marks the
 * attributes that were given a value. */
static int advance_sequences(cq_model *m, const bool *explicit)
{
    cq_db *db = m->db;
    if (!cq__sql_dialect_of(cq_db_dialect(db))->serial_sequences)
        return CQ_OK;
    for (size_t i = 0; i < m->nattrs; i++) {
        if (!m->attrs[i].auto_increment || !explicit[i])
            continue;
        char *sql = cq__sql_advance_sequence(m->table, m->attrs[i].field);
        char *quoted = cq__sql_quoted(m->table, cq_db_dialect(db));
        cq_value *args[2] = { quoted ? cq_value_text(quoted) : NULL,
                              cq_value_text(m->attrs[i].field) };
        int rc = sql && args[0] && args[1]
                     ? cq__session_exec(&db->s, sql, (const cq_value *const *)args, 2, NULL)
                     : cq__db_oom(db);
        cq__free(sql);
        cq__free(quoted);
        cq_value_free(args[0]);
        cq_value_free(args[1]);
        if (rc != CQ_OK)
            return rc;
    }
    return CQ_OK;
}

/* The conflict target Sequelize picks for an upsert: the first unique key (a unique
 * attribute, a group sharing a unique name, or a unique index) holding an attribute the
 * conflicting row takes; the primary key when none does or when the primary key is among
 * those attributes. */
static int upsert_target(cq__stmt *st, const cq_model *m, const bool *upd)
{
    bool pk_updated = false;
    for (size_t k = 0; k < m->npk; k++)
        pk_updated |= upd[m->pk[k]];
    for (size_t i = 0; i < m->nattrs && !pk_updated; i++) {
        const cq__attr *a = &m->attrs[i];
        if (!upd[i])
            continue;
        if (a->unique) {
            for (size_t j = 0; j < m->nattrs; j++) {
                const cq__attr *b = &m->attrs[j];
                bool same = j == i || (a->unique_name && b->unique_name &&
                                       strcmp(a->unique_name, b->unique_name) == 0);
                if (same && cq__stmt_add_conflict(st, b->field) != 0)
                    return -1;
            }
            return 0;
        }
        for (size_t x = 0; x < m->nindexes; x++) {
            const cq__index *ix = &m->indexes[x];
            if (!ix->unique || !cq__str_in((const char *const *)ix->fields, a->field))
                continue;
            for (size_t f = 0; f < ix->nfields; f++)
                if (cq__stmt_add_conflict(st, ix->fields[f]) != 0)
                    return -1;
            return 0;
        }
    }
    for (size_t k = 0; k < m->npk; k++)
        if (cq__stmt_add_conflict(st, m->attrs[m->pk[k]].field) != 0)
            return -1;
    return 0;
}

/* The conflict target of bulkCreate's updateOnDuplicate, as Sequelize builds it (not the
 * upsert's): the columns of every unique index, then those of the first unique key; the
 * primary key when there are none. */
static int bulk_target(cq__stmt *st, const cq_model *m)
{
    for (size_t x = 0; x < m->nindexes; x++)
        for (size_t f = 0; m->indexes[x].unique && f < m->indexes[x].nfields; f++)
            if (cq__stmt_add_conflict(st, m->indexes[x].fields[f]) != 0)
                return -1;
    for (size_t i = 0; i < m->nattrs; i++) {
        const cq__attr *a = &m->attrs[i];
        if (!a->unique)
            continue;
        for (size_t j = i; j < m->nattrs; j++) {
            const cq__attr *b = &m->attrs[j];
            bool same = j == i || (a->unique_name && b->unique_name &&
                                   strcmp(a->unique_name, b->unique_name) == 0);
            if (same && cq__stmt_add_conflict(st, b->field) != 0)
                return -1;
        }
        break;
    }
    for (size_t k = 0; st->nconflict == 0 && k < m->npk; k++)
        if (cq__stmt_add_conflict(st, m->attrs[m->pk[k]].field) != 0)
            return -1;
    return 0;
}

/* Sequelize's bulkCreate options for rows that conflict: skip them, or update the given
 * attributes of the stored row. */
static int dup_opts(cq__stmt *st, const cq_model *m, const cq_write_opts *opts)
{
    if (!opts)
        return CQ_OK;
    if (opts->ignore_duplicates) {
        st->ignore_dup = true;
        return CQ_OK;
    }
    if (!opts->update_on_duplicate)
        return CQ_OK;
    bool *upd = cq__calloc(m->nattrs + 1, sizeof *upd);
    if (!upd)
        return cq__db_oom(m->db);
    int rc = CQ_OK;
    for (const char *const *f = opts->update_on_duplicate; rc == CQ_OK && *f; f++) {
        long i = cq__model_attr_index(m, *f);
        if (i < 0)
            rc = cq__db_fail(m->db, CQ_EUNKNOWN_ATTR,
                             "bulkCreate: model \"%s\" has no attribute \"%s\" "
                             "(updateOnDuplicate)",
                             m->name, *f);
        else if (!upd[i] && (upd[i] = true, cq__stmt_add_upd(st, m->attrs[i].field) != 0))
            rc = cq__db_oom(m->db);
    }
    if (rc == CQ_OK && bulk_target(st, m) != 0)
        rc = cq__db_oom(m->db);
    cq__free(upd);
    return rc;
}

static bool dup_opts_set(const cq_write_opts *opts)
{
    return opts && (opts->ignore_duplicates || opts->update_on_duplicate);
}

/* The INSERT statement of one instance: the values set (explicit[i] marks them), the
 * primary key returned, the duplicate handling of opts. */
static int insert_stmt(cq__stmt **out, bool *explicit, cq_instance *inst, const cq_write_opts *opts)
{
    cq_model *m = inst->model;
    cq_dialect d = cq_db_dialect(m->db);
    cq__stmt *st = *out = cq__stmt_new(CQ__ST_INSERT, m->table);
    if (!st)
        return cq__db_oom(m->db);
    for (size_t i = 0; i < m->nattrs; i++) {
        const cq__attr *a = &m->attrs[i];
        const cq_value *v = cq__iv(inst, i);
        if (!v || (a->auto_increment && cq_value_is_null(v)))
            continue;
        if (!field_selected(opts, a->name) && (long)i != m->created_at && (long)i != m->updated_at)
            continue;
        explicit[i] = true;
        if (cq__stmt_add_icol(st, a->field) != 0 ||
            cq__stmt_add_ival(st, cq__attr_to_db(a, v, d)) != 0)
            return cq__db_oom(m->db);
    }
    /* the generated key: RETURNING, or (SQLite and MySQL, one auto-increment key, no
     * duplicate handling that may update a row instead) the connection's last insert id, as
     * Sequelize reads it there; an INSERT with RETURNING costs SQLite a temporary table */
    bool by_last_id = cq__sql_dialect_of(d)->last_insert_id_is_key && m->npk == 1 &&
                      m->attrs[m->pk[0]].auto_increment && !dup_opts_set(opts);
    for (size_t k = 0; !by_last_id && k < m->npk; k++)
        if (cq__stmt_add_returning(st, m->attrs[m->pk[k]].field) != 0)
            return cq__db_oom(m->db);
    return dup_opts(st, m, opts);
}

/* Fills the generated keys of a written row: the RETURNING row (PostgreSQL) or the last
 * rowid. On OOM the row is written but its key cannot be kept: the caller's transaction
 * (nested create, accessors) rolls it back. */
static int take_generated_keys(cq_instance *inst, cq__result *res, const cq_write_opts *opts)
{
    cq_model *m = inst->model;
    cq_dialect d = cq_db_dialect(m->db);
    for (size_t k = 0; k < m->npk; k++) {
        size_t i = m->pk[k];
        if (!cq_value_is_null(cq__iv(inst, i)))
            continue;
        cq_value *v = NULL;
        if (res->nrows == 1 && k < res->ncols) {
            v = res->cells[k];
            res->cells[k] = NULL;
        } else if (m->attrs[i].auto_increment && (!dup_opts_set(opts) || res->changes == 1)) {
            /* a skipped row has no key of its own to report */
            if (!(v = cq_value_int(res->last_insert_id)))
                return cq__db_oom(m->db);
        }
        if (v) {
            cq_value *conv = cq__attr_from_db(&m->attrs[i], v, d);
            if (!conv)
                return cq__db_oom(m->db);
            store(inst, i, conv, false);
        }
    }
    return CQ_OK;
}

/* The INSERT text kept for the column set `cols` of m, or NULL. */
static const char *kept_insert(cq_model *m, uint64_t cols)
{
    for (size_t i = 0; i < CQ__KEPT_INSERTS; i++) {
        const cq__kept_insert *k = atomic_load(&m->insert_sql[i]);
        if (!k)
            return NULL;
        if (k->cols == cols)
            return k->text;
    }
    return NULL;
}

/* Keeps `text` (taken) as the INSERT of the column set `cols` when a slot is free; another
 * thread may have kept the same one first. */
static void keep_insert(cq_model *m, uint64_t cols, char *text)
{
    cq__kept_insert *k = cq__malloc(sizeof *k);
    if (!k) {
        cq__free(text);
        return;
    }
    k->cols = cols;
    k->text = text;
    for (size_t i = 0; i < CQ__KEPT_INSERTS; i++) {
        cq__kept_insert *none = NULL;
        if (atomic_compare_exchange_strong(&m->insert_sql[i], &none, k))
            return;
        if (none->cols == cols)
            break;
    }
    cq__free(text);
    cq__free(k);
}

/* Runs the INSERT of inst. Without options that change its text (fields, duplicate handling)
 * the text depends only on the model and the columns written, so it is rendered once per
 * column set (up to CQ__KEPT_INSERTS of them per model) and each call binds the values, in
 * the order the statement tree puts them; other calls build and render the statement. */
static int insert_exec(cq_instance *inst, bool *explicit, const cq_write_opts *opts,
                       cq__result *res)
{
    cq_model *m = inst->model;
    cq_db *db = m->db;
    cq_dialect d = cq_db_dialect(db);
    bool plain = m->nattrs <= 64 && !dup_opts_set(opts) && !(opts && opts->fields);
    uint64_t cols = 0;
    size_t n = 0;
    for (size_t i = 0; plain && i < m->nattrs; i++) {
        const cq_value *v = cq__iv(inst, i);
        if (v && !(m->attrs[i].auto_increment && cq_value_is_null(v))) {
            cols |= (uint64_t)1 << i;
            n++;
        }
    }
    const char *text = plain ? kept_insert(m, cols) : NULL;
    if (!text) {
        cq__stmt *st = NULL;
        cq__sql sql = { 0 };
        int rc = insert_stmt(&st, explicit, inst, opts);
        if (rc == CQ_OK)
            rc = cq__sql_render(&sql, st, d, cq__last_error());
        if (rc == CQ_OK && (rc = cq__db_exec_text(db, sql.text, sql.params, sql.n, res)) != CQ_OK)
            cq__write_error_context(m, inst, rc);
        if (rc == CQ_OK && plain) {
            keep_insert(m, cols, sql.text);
            sql.text = NULL;
        }
        cq__sql_free(&sql);
        cq__stmt_free(st);
        return rc;
    }
    /* a value whose stored form is itself is bound as it is; the others converted */
    const cq_value *stack[16];
    cq_value *made_stack[16] = { NULL };
    const cq_value **params = n <= 16 ? stack : cq__calloc(n, sizeof *params);
    cq_value **made = n <= 16 ? made_stack : cq__calloc(n, sizeof *made);
    int rc = params && made ? CQ_OK : cq__db_oom(db);
    size_t k = 0;
    const cq_value *last_v = NULL; /* the last value converted, and its stored form: */
    const cq_value *last_p = NULL; /* createdAt and updatedAt are the same time */
    size_t last_i = 0;
    for (size_t i = 0; rc == CQ_OK && i < m->nattrs; i++) {
        if (!(cols & ((uint64_t)1 << i)))
            continue;
        explicit[i] = true;
        const cq__attr *a = &m->attrs[i];
        const cq_value *v = cq__iv(inst, i);
        if (cq__attr_to_db_copies(a, v, d)) {
            params[k++] = v;
        } else if (last_v && a->type == CQ_DATE && m->attrs[last_i].type == CQ_DATE &&
                   cq_value_is_equal(v, last_v)) {
            params[k++] = last_p;
        } else if ((params[k] = made[k] = cq__attr_to_db(a, v, d))) {
            last_v = v;
            last_p = params[k++];
            last_i = i;
        } else {
            rc = cq__db_oom(db);
        }
    }
    if (rc == CQ_OK && (rc = cq__db_exec_text(db, text, params, n, res)) != CQ_OK)
        cq__write_error_context(m, inst, rc);
    for (size_t i = 0; made && i < k; i++)
        cq_value_free(made[i]);
    if (params != stack)
        cq__free((void *)params);
    if (made != made_stack)
        cq__free(made);
    return rc;
}

/* The INSERT of a built instance, validated (or not) and its before hooks run. */
int cq__instance_insert_row(cq_instance *inst, const cq_write_opts *opts)
{
    cq_model *m = inst->model;
    cq_db *db = m->db;
    int rc = check_not_null(inst, true, opts);
    if (rc != CQ_OK)
        return rc;
    if ((rc = stamp_times(inst, true, false)) != CQ_OK)
        return rc;
    bool stack[64];
    bool *explicit = m->nattrs < 64 ? stack : cq__calloc(m->nattrs + 1, sizeof *explicit);
    if (!explicit)
        return cq__db_oom(db);
    memset(explicit, 0, (m->nattrs + 1) * sizeof *explicit);
    cq__result res = { 0 };
    rc = insert_exec(inst, explicit, opts, &res);
    if (rc == CQ_OK)
        rc = advance_sequences(m, explicit);
    if (explicit != stack)
        cq__free(explicit);
    if (rc == CQ_OK)
        rc = take_generated_keys(inst, &res, opts);
    cq__result_free(&res);
    if (rc != CQ_OK)
        return rc;
    /* the created instance carries every attribute, null when unset (docs/differences.md) */
    for (size_t i = 0; i < m->nattrs; i++)
        if (!cq__iv(inst, i) && !cq__instance_put(inst, i, cq_value_null()))
            return cq__db_oom(db);
    inst->is_new = false;
    memset(cq__changed(inst), 0, m->nattrs * sizeof *cq__changed(inst));
    cq__instance_vchanged_clear(inst);
    return CQ_OK;
}

/* v6 Model#save of a new row: validation (with its hooks), beforeCreate (beforeSave), the
 * INSERT, afterCreate (afterSave). */
static int do_insert(cq_instance *inst, const cq_write_opts *opts)
{
    int rc = cq__save_before(&inst, 1, opts, NULL);
    if (rc == CQ_OK)
        rc = cq__instance_insert_row(inst, opts);
    if (rc == CQ_OK)
        rc = cq__save_after(inst, opts);
    return rc;
}

/* The statement of an upsert: every value the built instance holds, the conflict target and
 * the columns a conflicting row takes. */
static int upsert_stmt(cq__stmt **out, cq_instance *inst, bool *given, const cq_upsert_opts *opts)
{
    cq_model *m = inst->model;
    cq_db *db = m->db;
    cq_dialect d = cq_db_dialect(db);
    bool *upd = cq__calloc(m->nattrs + 1, sizeof *upd);
    cq__stmt *st = cq__stmt_new(CQ__ST_INSERT, m->table);
    int rc = upd && st ? CQ_OK : cq__db_oom(db);
    for (size_t i = 0; rc == CQ_OK && i < m->nattrs; i++) {
        const cq__attr *a = &m->attrs[i];
        const cq_value *v = cq__iv(inst, i);
        if (!v || (a->auto_increment && cq_value_is_null(v)))
            continue;
        given[i] = true;
        upd[i] = (long)i != m->created_at &&
                 (!opts || !opts->fields || cq__str_in(opts->fields, a->name) ||
                  (long)i == m->updated_at);
        if (cq__stmt_add_icol(st, a->field) != 0 ||
            cq__stmt_add_ival(st, cq__attr_to_db(a, v, d)) != 0 ||
            (upd[i] && cq__stmt_add_upd(st, a->field) != 0))
            rc = cq__db_oom(db);
    }
    if (rc == CQ_OK && opts && opts->conflict_fields) {
        for (const char *const *f = opts->conflict_fields; rc == CQ_OK && *f; f++) {
            long i = cq__model_attr_index(m, *f);
            if (i < 0)
                rc = cq__db_fail(db, CQ_EUNKNOWN_ATTR,
                                 "upsert: model \"%s\" has no attribute \"%s\" (conflict_fields)",
                                 m->name, *f);
            else if (cq__stmt_add_conflict(st, m->attrs[i].field) != 0)
                rc = cq__db_oom(db);
        }
    } else if (rc == CQ_OK && upsert_target(st, m, upd) != 0) {
        rc = cq__db_oom(db);
    }
    bool returning = (!opts || opts->returning != CQ_OFF) && cq__sql_dialect_of(d)->has_returning;
    for (size_t i = 0; rc == CQ_OK && returning && i < m->nattrs; i++)
        if (cq__stmt_add_returning(st, m->attrs[i].field) != 0)
            rc = cq__db_oom(db);
    cq__free(upd);
    if (rc != CQ_OK) {
        cq__stmt_free(st);
        return rc;
    }
    *out = st;
    return CQ_OK;
}

/* The upserted row read back into inst: the row as stored (RETURNING), else the generated
 * key; MySQL tells in *created_out whether the row is new. On OOM the row is written: a
 * caller's transaction rolls it back. */
static int upsert_read_back(cq_instance *inst, cq__result *res, int *created_out)
{
    cq_model *m = inst->model;
    cq_dialect d = cq_db_dialect(m->db);
    if (res->nrows == 1 && res->ncols == m->nattrs) {
        for (size_t i = 0; i < m->nattrs; i++) {
            cq_value *v = res->cells[i];
            res->cells[i] = NULL;
            cq_value *conv = v ? cq__attr_from_db(&m->attrs[i], v, d) : NULL;
            if (v && !conv)
                return cq__db_oom(m->db);
            store(inst, i, conv, false);
        }
        return CQ_OK;
    }
    for (size_t k = 0; k < m->npk; k++) {
        size_t i = m->pk[k];
        if (m->attrs[i].auto_increment && cq_value_is_null(cq__iv(inst, i)) &&
            res->last_insert_id > 0) {
            cq_value *key = cq_value_int(res->last_insert_id);
            if (!key)
                return cq__db_oom(m->db);
            store(inst, i, key, false);
        }
    }
    /* MySQL counts 1 for a new row, 2 for an updated one, 0 for one left as it was */
    if (cq__sql_dialect_of(d)->upsert_counts_changes && created_out)
        *created_out = res->changes == 1;
    return CQ_OK;
}

int cq_model_upsert(cq_instance **out, int *created_out, cq_model *m, const cq_value *values,
                    const cq_upsert_opts *opts)
{
    if (out)
        *out = NULL;
    if (created_out)
        *created_out = -1;
    int trc = cq__model_enter(m, opts ? opts->transaction : NULL);
    if (trc != CQ_OK)
        return trc;
    cq_db *db = m->db;
    cq_instance *inst = NULL;
    int rc = cq_model_build(&inst, m, values);
    /* v6 Model.upsert: validation (and its hooks), beforeUpsert, the statement, afterUpsert */
    cq_write_opts wo = { .hooks = opts ? opts->hooks : CQ_DEFAULT,
                         .validate = opts ? opts->validate : CQ_DEFAULT };
    if (rc == CQ_OK)
        rc = validate_hooked(inst, true, &wo, NULL, NULL);
    cq_hook_ctx ctx = { .instance = inst };
    if (rc == CQ_OK && hooks_on(&wo))
        rc = cq__hooks_run(m, CQ__H_BEFORE_UPSERT, &ctx, NULL);
    if (rc == CQ_OK)
        rc = stamp_times(inst, true, false);
    if (rc != CQ_OK) {
        cq_instance_free(inst);
        return rc;
    }
    bool *given = cq__calloc(m->nattrs + 1, sizeof *given);
    cq__stmt *st = NULL;
    rc = given ? upsert_stmt(&st, inst, given, opts) : cq__db_oom(db);
    cq__result res = { 0 };
    if (rc == CQ_OK) {
        rc = cq__db_exec_stmt(db, st, &res);
        if (rc != CQ_OK)
            cq__write_error_context(m, inst, rc);
    }
    if (rc == CQ_OK)
        rc = advance_sequences(m, given);
    if (rc == CQ_OK)
        rc = upsert_read_back(inst, &res, created_out);
    for (size_t i = 0; rc == CQ_OK && i < m->nattrs; i++)
        if (!cq__iv(inst, i) && !cq__instance_put(inst, i, cq_value_null()))
            rc = cq__db_oom(db);
    cq__result_free(&res);
    cq__stmt_free(st);
    cq__free(given);
    if (rc != CQ_OK) {
        cq_instance_free(inst);
        return rc;
    }
    inst->is_new = false;
    memset(cq__changed(inst), 0, m->nattrs * sizeof *cq__changed(inst));
    cq__instance_vchanged_clear(inst);
    if (hooks_on(&wo)) {
        ctx = (cq_hook_ctx){ .instance = inst, .created = created_out ? *created_out : -1 };
        rc = cq__hooks_run(m, CQ__H_AFTER_UPSERT, &ctx, NULL);
    }
    if (rc != CQ_OK || !out)
        cq_instance_free(inst);
    else
        *out = inst;
    return rc;
}

/* INSERT INTO table (the used columns) VALUES (...), (...): one row per instance, NULL where
 * an instance has no value. */
static int multi_insert(cq__stmt **out, cq_instance *const *insts, size_t n, const bool *used)
{
    cq_model *m = insts[0]->model;
    cq_dialect d = cq_db_dialect(m->db);
    cq__stmt *st = *out = cq__stmt_new(CQ__ST_INSERT, m->table);
    int rc = st ? CQ_OK : cq__db_oom(m->db);
    for (size_t i = 0; rc == CQ_OK && i < m->nattrs; i++)
        if (used[i] && cq__stmt_add_icol(st, m->attrs[i].field) != 0)
            rc = cq__db_oom(m->db);
    for (size_t r = 0; rc == CQ_OK && r < n; r++)
        for (size_t i = 0; rc == CQ_OK && i < m->nattrs; i++) {
            if (!used[i])
                continue;
            const cq_value *v = cq__iv(insts[r], i);
            cq_value *dbv = v ? cq__attr_to_db(&m->attrs[i], v, d) : cq_value_null();
            if (cq__stmt_add_ival(st, dbv) != 0)
                rc = cq__db_oom(m->db);
        }
    return rc;
}

/* The generated keys of a multi-row INSERT without RETURNING: SQLite's last rowid is the last
 * row's (AUTOINCREMENT keys of one statement are consecutive), MySQL's LAST_INSERT_ID() the
 * first row's (consecutive for a multi-row INSERT) (include.md B7). */
static int64_t generated_key(cq_dialect d, const cq__result *res, size_t n, size_t r)
{
    return cq__sql_dialect_of(d)->last_insert_id_first
               ? res->last_insert_id + (int64_t)r
               : res->last_insert_id - (int64_t)n + 1 + (int64_t)r;
}

/* Before a multi-row INSERT: each row checked for nulls and its timestamps set; used[i]
 * marks the attributes any row gives a value. */
static int rows_prepare(bool *used, cq_instance **insts, size_t n, const cq_write_opts *opts)
{
    cq_model *m = insts[0]->model;
    for (size_t r = 0; r < n; r++) {
        int rc = check_not_null(insts[r], true, opts);
        if (rc == CQ_OK)
            rc = stamp_times(insts[r], true, true);
        if (rc != CQ_OK)
            return rc;
        for (size_t i = 0; i < m->nattrs; i++) {
            const cq__attr *a = &m->attrs[i];
            const cq_value *v = cq__iv(insts[r], i);
            if (!v || (a->auto_increment && cq_value_is_null(v)))
                continue;
            if (field_selected(opts, a->name) || (long)i == m->created_at ||
                (long)i == m->updated_at)
                used[i] = true;
        }
    }
    return CQ_OK;
}

/* Row r of n written by one INSERT: its generated keys taken from res (the RETURNING rows,
 * or counted from the last rowid; skipped or updated rows break that run), every attribute
 * present, nothing changed. */
static int row_written(cq_instance *inst, size_t r, size_t n, cq__result *res,
                       const cq_write_opts *opts)
{
    cq_model *m = inst->model;
    cq_dialect d = cq_db_dialect(m->db);
    int rc = CQ_OK;
    for (size_t k = 0; k < m->npk; k++) {
        size_t i = m->pk[k];
        if (cq__iv(inst, i) && !cq_value_is_null(cq__iv(inst, i)))
            continue;
        cq_value *v = NULL;
        if (res->nrows == n && k < res->ncols) {
            v = res->cells[r * res->ncols + k];
            res->cells[r * res->ncols + k] = NULL;
        } else if (m->attrs[i].auto_increment && !dup_opts_set(opts)) {
            v = cq_value_int(generated_key(d, res, n, r));
        }
        if (v)
            store(inst, i, cq__attr_from_db(&m->attrs[i], v, d), false);
    }
    for (size_t i = 0; i < m->nattrs; i++)
        if (!cq__iv(inst, i) && !cq__instance_put(inst, i, cq_value_null()))
            rc = cq__db_oom(m->db);
    inst->is_new = false;
    memset(cq__changed(inst), 0, m->nattrs * sizeof *cq__changed(inst));
    cq__instance_vchanged_clear(inst);
    return rc;
}

int cq__model_insert_rows(cq_instance **insts, size_t n, const cq_write_opts *opts)
{
    if (n == 0)
        return CQ_OK;
    cq_model *m = insts[0]->model;
    cq_db *db = m->db;
    /* generated keys are known per row only when every row or no row gives its key: a mix
     * is written row by row (the caller's transaction keeps it atomic) */
    size_t gen = 0;
    for (size_t r = 0; r < n; r++)
        for (size_t k = 0; k < m->npk; k++)
            if (m->attrs[m->pk[k]].auto_increment && cq_value_is_null(cq__iv(insts[r], m->pk[k])))
                gen++;
    /* bulkCreate validates (or not) before calling here: a row written alone by do_insert is
     * not validated again */
    cq_write_opts novalidate = opts ? *opts : (cq_write_opts){ 0 };
    novalidate.validate = CQ_OFF;
    if (n == 1)
        return cq__instance_insert_row(insts[0], &novalidate);
    if ((gen && gen != n) || (gen && m->npk != 1)) {
        cq_txn *t = NULL;
        int rc = cq__txn_begin(&t, db, cq__txn_current(db));
        for (size_t r = 0; rc == CQ_OK && r < n; r++)
            rc = cq__instance_insert_row(insts[r], &novalidate);
        return t ? cq__txn_finish(t, rc) : rc;
    }
    bool *used = cq__calloc(m->nattrs + 1, sizeof *used);
    if (!used)
        return cq__db_oom(db);
    int rc = rows_prepare(used, insts, n, opts);
    cq__stmt *st = NULL;
    if (rc == CQ_OK)
        rc = multi_insert(&st, insts, n, used);
    for (size_t k = 0; rc == CQ_OK && k < m->npk; k++)
        if (cq__stmt_add_returning(st, m->attrs[m->pk[k]].field) != 0)
            rc = cq__db_oom(db);
    if (rc == CQ_OK)
        rc = dup_opts(st, m, opts);
    cq__result res = { 0 };
    if (rc == CQ_OK) {
        rc = cq__db_exec_stmt(db, st, &res);
        if (rc != CQ_OK) {
            /* the row the constraint is about: the first that names one */
            size_t before = strlen(cq__last_error()->message);
            for (size_t r = 0; r < n && strlen(cq__last_error()->message) == before; r++)
                cq__write_error_context(m, insts[r], rc);
        }
    }
    cq__stmt_free(st);
    if (rc == CQ_OK)
        rc = advance_sequences(m, used);
    cq__free(used);
    for (size_t r = 0; rc == CQ_OK && r < n; r++)
        rc = row_written(insts[r], r, n, &res, opts);
    cq__result_free(&res);
    return rc;
}

int cq__model_insert_many(cq_model *m, const cq_value *rows, bool hooks)
{
    cq_db *db = m->db;
    size_t n = cq_value_size(rows);
    if (n == 0)
        return CQ_OK;
    cq_instance **insts = cq__calloc(n, sizeof *insts);
    bool *used = cq__calloc(m->nattrs + 1, sizeof *used);
    int rc = insts && used ? CQ_OK : cq__db_oom(db);
    for (size_t r = 0; rc == CQ_OK && r < n; r++)
        rc = cq_model_build(&insts[r], m, cq_value_array_get(rows, r));
    /* v6 writes join rows with the join model's bulkCreate: its bulk hooks run */
    cq_rows list = { .items = insts, .n = n, .cap = n };
    if (rc == CQ_OK && hooks) {
        cq_hook_ctx ctx = { .rows = &list };
        rc = cq__hooks_run(m, CQ__H_BEFORE_BULK_CREATE, &ctx, NULL);
    }
    for (size_t r = 0; rc == CQ_OK && r < n; r++) {
        rc = check_not_null(insts[r], true, NULL);
        if (rc == CQ_OK)
            rc = stamp_times(insts[r], true, true);
        for (size_t i = 0; rc == CQ_OK && i < m->nattrs; i++) {
            const cq_value *v = cq__iv(insts[r], i);
            if (v && !(m->attrs[i].auto_increment && cq_value_is_null(v)))
                used[i] = true;
        }
    }
    cq__stmt *st = NULL;
    if (rc == CQ_OK)
        rc = multi_insert(&st, insts, n, used);
    if (rc == CQ_OK)
        rc = cq__db_exec_stmt(db, st, NULL);
    if (rc == CQ_OK)
        rc = advance_sequences(m, used);
    if (rc == CQ_OK && hooks) {
        cq_hook_ctx ctx = { .rows = &list };
        rc = cq__hooks_run(m, CQ__H_AFTER_BULK_CREATE, &ctx, NULL);
    }
    cq__stmt_free(st);
    for (size_t r = 0; insts && r < n; r++)
        cq_instance_free(insts[r]);
    cq__free(insts);
    cq__free(used);
    return rc;
}

/* Whether cq__model_insert_links may write rows of m that give only attributes fi and oi:
 * the general path would build each row with no other value than those two and the
 * timestamps (no defaults, no key or NOT NULL attribute left unset, no setter or VIRTUAL
 * attribute among the two) and run no bulk hooks. */
static bool links_plain(const cq_model *m, long fi, long oi, bool hooks)
{
    /* a frozen schema: the kept text cannot go stale */
    if (!cq_db_is_frozen(m->db) || m->nattrs > 64 || fi < 0 || oi < 0 || fi == oi ||
        fi == m->created_at || fi == m->updated_at || oi == m->created_at || oi == m->updated_at)
        return false;
    if (hooks &&
        (cq__hooks_any(m, CQ__H_BEFORE_BULK_CREATE) || cq__hooks_any(m, CQ__H_AFTER_BULK_CREATE)))
        return false;
    for (long k = 0; k < 2; k++) {
        const cq__accessor *x = cq__accessor_find(m, m->attrs[k ? oi : fi].name);
        if (x && (x->is_virtual || cq__accessor_has_set(x)))
            return false;
    }
    for (size_t i = 0; i < m->nattrs; i++) {
        const cq__attr *a = &m->attrs[i];
        if ((long)i == fi || (long)i == oi || (long)i == m->updated_at)
            continue;
        if (a->default_value || a->default_fn != CQ_DEFAULT_FN_NONE)
            return false;
        if ((long)i != m->created_at && (a->primary_key || a->allow_null == CQ_OFF))
            return false;
    }
    return true;
}

/* A key of a join row as the general path writes it: coerced to the attribute (a setter-less
 * set), then in its stored form. NULL with *rc set on failure, or when the value is null
 * (*rc CQ_OK: the general path reports that). */
static const cq_value *link_param(int *rc, cq_value **own, cq_model *m, long i, const cq_value *v)
{
    *own = NULL;
    *rc = CQ_OK;
    if (cq_value_is_null(v))
        return NULL;
    /* borrowed when its stored form is the value itself (an integer key), else made */
    const cq_value *b = NULL;
    *rc = cq__key_bind(&b, own, m, &m->attrs[i], v);
    if (*rc != CQ_OK || cq_value_is_null(b)) {
        cq_value_free(*own);
        *own = NULL;
        return NULL;
    }
    return b;
}

int cq__model_insert_links(bool *done, cq_model *m, cq__kept_insert *_Atomic *kept, size_t nkept,
                           long fi, const cq_value *fv, long oi, const cq_value *const *ov,
                           size_t n, bool hooks)
{
    *done = false;
    cq_db *db = m->db;
    if (n == 0 || n >= nkept || !links_plain(m, fi, oi, hooks))
        return CQ_OK;
    /* the values each row writes, in attribute order: the timestamps (one clock reading for
     * the statement), the source key (shared), the target key */
    uint64_t cols = ((uint64_t)1 << fi) | ((uint64_t)1 << oi);
    cq_value *stamp = NULL;
    int rc = CQ_OK;
    if (m->created_at >= 0 || m->updated_at >= 0) {
        char now[32];
        cq__now_iso(now);
        long ti = m->updated_at >= 0 ? m->updated_at : m->created_at;
        cq_value *t = cq_value_text(now);
        stamp = t ? cq__attr_to_db(&m->attrs[ti], t, cq_db_dialect(db)) : NULL;
        cq_value_free(t);
        if (!stamp)
            return cq__db_oom(db);
        cols |= m->created_at >= 0 ? (uint64_t)1 << m->created_at : 0;
        cols |= m->updated_at >= 0 ? (uint64_t)1 << m->updated_at : 0;
    }
    size_t ncols = 0;
    for (size_t i = 0; i < m->nattrs; i++)
        ncols += (cols >> i) & 1;
    cq_value *src_own = NULL;
    const cq_value *src = link_param(&rc, &src_own, m, fi, fv);
    /* one block: the keys as bound, those made for them, the parameters */
    void **block = rc == CQ_OK && src && n <= (SIZE_MAX / sizeof(void *) - 1) / (2 + ncols)
                       ? cq__calloc(n * (2 + ncols) + 1, sizeof *block)
                       : NULL;
    const cq_value **keys = (const cq_value **)block;
    cq_value **keys_own = block ? (cq_value **)(block + n) : NULL;
    const cq_value **params = block ? (const cq_value **)(block + 2 * n) : NULL;
    if (rc == CQ_OK && src && !block)
        rc = cq__db_oom(db);
    bool all = rc == CQ_OK && src;
    for (size_t r = 0; all && r < n; r++) {
        keys[r] = link_param(&rc, &keys_own[r], m, oi, ov[r]);
        all = keys[r] != NULL;
    }
    if (rc != CQ_OK || !all)
        goto out; /* a null key or an error: the general path decides, or rc */
    *done = true;
    size_t p = 0;
    for (size_t r = 0; r < n; r++)
        for (size_t i = 0; i < m->nattrs; i++)
            if ((cols >> i) & 1)
                params[p++] = (long)i == fi ? src : (long)i == oi ? keys[r] : stamp;
    const cq__kept_insert *k = atomic_load(&kept[n]);
    if (k && k->cols == cols) {
        rc = cq__db_exec_text(db, k->text, params, p, NULL);
        goto out;
    }
    /* the first call renders the statement as cq__model_insert_many does, and keeps it */
    cq__stmt *st = cq__stmt_new(CQ__ST_INSERT, m->table);
    rc = st ? CQ_OK : cq__db_oom(db);
    for (size_t i = 0; rc == CQ_OK && i < m->nattrs; i++)
        if (((cols >> i) & 1) && cq__stmt_add_icol(st, m->attrs[i].field) != 0)
            rc = cq__db_oom(db);
    for (size_t j = 0; rc == CQ_OK && j < p; j++) {
        cq_value *c = cq_value_copy(params[j]);
        if (!c || cq__stmt_add_ival(st, c) != 0)
            rc = cq__db_oom(db);
    }
    cq__sql sql = { 0 };
    if (rc == CQ_OK)
        rc = cq__sql_render(&sql, st, cq_db_dialect(db), cq__last_error());
    if (rc == CQ_OK)
        rc = cq__db_exec_text(db, sql.text, (const cq_value *const *)sql.params, sql.n, NULL);
    cq__kept_insert *keep = rc == CQ_OK && !k ? cq__malloc(sizeof *keep) : NULL;
    if (keep) {
        keep->cols = cols;
        keep->text = sql.text;
        cq__kept_insert *none = NULL;
        if (atomic_compare_exchange_strong(&kept[n], &none, keep))
            sql.text = NULL;
        else
            cq__free(keep); /* another thread kept it first */
    }
    cq__sql_free(&sql);
    cq__stmt_free(st);
out:
    if (rc == CQ_OK && *done) {
        bool used[64] = { false };
        for (size_t i = 0; i < m->nattrs; i++)
            used[i] = (cols >> i) & 1;
        rc = advance_sequences(m, used);
    }
    for (size_t r = 0; keys_own && r < n; r++)
        cq_value_free(keys_own[r]);
    cq__free(block); /* (keys, keys_own and params) */
    cq_value_free(src_own);
    cq_value_free(stamp);
    return rc;
}

/* Optimistic locking (v6 Model#save and Model#destroy with `version`): the statement also
 * requires `version = <the instance's version>`; when `bump`, it sets `version = <old + 1>`
 * last (v6 pushes the version attribute after the changed fields and updatedAt) and
 * `*bumped_out` gets the new value for the instance. Nothing happens without `version`. */
static int lock_version(cq_value **bumped_out, cq__stmt *st, cq__expr *where,
                        const cq_instance *inst, bool bump)
{
    cq_model *m = inst->model;
    cq_dialect d = cq_db_dialect(m->db);
    if (bumped_out)
        *bumped_out = NULL;
    if (m->version_attr < 0)
        return CQ_OK;
    const cq__attr *a = &m->attrs[m->version_attr];
    int64_t old = cq_value_as_int(cq__iv(inst, m->version_attr));
    if (bump) {
        cq_value *next = cq_value_int(old + 1);
        if (!next || cq__stmt_add_icol(st, a->field) != 0 ||
            cq__stmt_add_ival(st, cq__attr_to_db(a, next, d)) != 0) {
            cq_value_free(next);
            return cq__db_oom(m->db);
        }
        *bumped_out = next;
    }
    cq_value *cur = cq_value_int(old);
    cq__expr *p = cq__expr_param(cur ? cq__attr_to_db(a, cur, d) : NULL);
    cq_value_free(cur);
    /* v6 writes this WHERE as `id = ? AND version = ?`, without parentheses */
    where->bare = true;
    if (cq__expr_add(where, cq__expr_cmp(cq__expr_col(NULL, a->field), "=", p)) != 0) {
        if (bumped_out) {
            cq_value_free(*bumped_out);
            *bumped_out = NULL;
        }
        return cq__db_oom(m->db);
    }
    return CQ_OK;
}

/* Runs a versioned UPDATE: no row matched means another writer moved the version first
 * (v6 OptimisticLockError). */
static int exec_versioned(cq_model *m, const cq__stmt *st)
{
    if (m->version_attr < 0)
        return cq__db_exec_stmt(m->db, st, NULL);
    cq__result res = { 0 };
    int rc = cq__db_exec_stmt(m->db, st, &res);
    int64_t changes = res.changes;
    cq__result_free(&res);
    if (rc == CQ_OK && changes == 0)
        rc = cq__db_fail(m->db, CQ_ESTALE, "Attempting to update a stale model instance: %s",
                         m->name);
    return rc;
}

/* beforeUpdate (and beforeSave) hooks of a save. Without `fields`, v6 then validates again
 * the attributes the hooks changed (every other one skipped), running the validation hooks
 * once more, and writes them too. */
static int update_hooks(cq_instance *inst, const cq_write_opts *opts)
{
    cq_model *m = inst->model;
    bool *before = cq__calloc(m->nattrs + 1, sizeof *before);
    if (!before)
        return cq__db_oom(m->db);
    memcpy(before, cq__changed(inst), m->nattrs * sizeof *before);
    cq_hook_ctx ctx = { .instance = inst };
    int rc = cq__hooks_run(m, CQ__H_BEFORE_UPDATE, &ctx, NULL);
    if (rc == CQ_OK && !(opts && opts->fields) && !(opts && opts->validate == CQ_OFF)) {
        const char **hook_changed = cq__calloc(m->nattrs + 1, sizeof *hook_changed);
        size_t n = 0;
        for (size_t i = 0; hook_changed && i < m->nattrs; i++)
            if (cq__changed(inst)[i] && !before[i])
                hook_changed[n++] = m->attrs[i].name;
        rc = hook_changed ? validate_hooked(inst, false, opts, hook_changed, NULL)
                          : cq__db_oom(m->db);
        cq__free(hook_changed);
    }
    cq__free(before);
    return rc;
}

static int do_update(cq_instance *inst, const cq_write_opts *opts)
{
    cq_model *m = inst->model;
    cq_db *db = m->db;
    /* v6 validates even when nothing changed (the model validators still run) */
    int rc = validate_hooked(inst, false, opts, opts ? opts->fields : NULL, NULL);
    if (rc == CQ_OK && hooks_on(opts))
        rc = update_hooks(inst, opts);
    bool any = false;
    for (size_t i = 0; i < m->nattrs; i++)
        any |= cq__changed(inst)[i] && field_selected(opts, m->attrs[i].name);
    if (rc != CQ_OK || !any)
        return rc; /* Sequelize issues no statement when nothing changed */
    if ((rc = stamp_times(inst, false, false)) != CQ_OK)
        return rc;
    cq__stmt *st = cq__stmt_new(CQ__ST_UPDATE, m->table);
    if (!st)
        return cq__db_oom(db);
    for (size_t i = 0; i < m->nattrs; i++) {
        if (!cq__changed(inst)[i] || (long)i == m->version_attr)
            continue;
        if (!field_selected(opts, m->attrs[i].name) && (long)i != m->updated_at)
            continue;
        if (cq__stmt_add_icol(st, m->attrs[i].field) != 0 ||
            cq__stmt_add_ival(
                st, cq__attr_to_db(&m->attrs[i], cq__iv(inst, i), cq_db_dialect(db))) != 0) {
            cq__stmt_free(st);
            return cq__db_oom(db);
        }
    }
    cq__expr *where = NULL;
    cq_value *bumped = NULL;
    rc = cq__where_pk(&where, inst, NULL);
    if (rc == CQ_OK && (rc = lock_version(&bumped, st, where, inst, true)) != CQ_OK)
        cq__expr_free(where);
    if (rc == CQ_OK && cq__stmt_and_where(st, where) != 0)
        rc = cq__db_oom(db);
    if (rc == CQ_OK && (rc = exec_versioned(m, st)) != CQ_OK && rc != CQ_ESTALE)
        cq__write_error_context(m, inst, rc);
    cq__stmt_free(st);
    if (rc != CQ_OK) {
        cq_value_free(bumped);
        return rc;
    }
    if (bumped) {
        store(inst, (size_t)m->version_attr, bumped, true);
        cq__changed(inst)[m->version_attr] = false;
    }
    for (size_t i = 0; i < m->nattrs; i++)
        if (field_selected(opts, m->attrs[i].name) || (long)i == m->updated_at)
            cq__changed(inst)[i] = false;
    cq__instance_vchanged_clear(inst);
    if (!hooks_on(opts))
        return CQ_OK;
    cq_hook_ctx ctx = { .instance = inst };
    return cq__hooks_run(m, CQ__H_AFTER_UPDATE, &ctx, NULL);
}

int cq_instance_save(cq_instance *inst, const cq_write_opts *opts)
{
    if (!inst)
        return CQ_EINVALID;
    int trc = cq__db_enter(inst->model->db, opts ? opts->transaction : NULL);
    if (trc != CQ_OK)
        return trc;
    return inst->is_new ? do_insert(inst, opts) : do_update(inst, opts);
}

int cq__model_create_plain(cq_instance **out, cq_model *m, const cq_value *values,
                           const cq_write_opts *opts)
{
    if (out)
        *out = NULL;
    cq_instance *inst = NULL;
    int rc = cq_model_build(&inst, m, values);
    if (rc != CQ_OK)
        return rc;
    rc = do_insert(inst, opts);
    if (rc == CQ_OK && out)
        cq__instance_compact(inst); /* (no caller has seen it yet) */
    return cq__instance_hand_out(out, inst, rc);
}

/* v6's instance.update without `fields` saves only what this call changed: the keys of
 * `values` that changed and whatever the setters (and then the hooks) changed besides, not
 * the attributes an earlier set (or failed save) left changed, which stay changed. Those are
 * set aside while the save runs. */
static int update_own_fields(cq_instance *inst, const cq_value *values, const cq_write_opts *opts)
{
    cq_model *m = inst->model;
    size_t n = m->nattrs + m->nvirtual;
    bool *before = cq__calloc(n + 1, sizeof *before);
    if (!before)
        return cq__db_oom(m->db);
    memcpy(before, cq__changed(inst), m->nattrs * sizeof *before);
    if (cq__instance_vchanged(inst))
        memcpy(before + m->nattrs, cq__instance_vchanged(inst), m->nvirtual * sizeof *before);
    int rc = set_values(inst, values, NULL);
    /* before[i] now: changed earlier and not named by this call (set aside) */
    for (size_t i = 0; i < m->nattrs; i++)
        if ((before[i] = before[i] && !cq_value_object_get(values, m->attrs[i].name)))
            cq__changed(inst)[i] = false;
    for (size_t i = 0; i < m->nacc; i++) {
        const cq__accessor *x = &m->acc[i];
        bool *b = &before[m->nattrs + x->vindex];
        if (x->is_virtual && (*b = *b && !cq_value_object_get(values, x->name)))
            inst->more->vchanged[x->vindex] = false; /* *b: it was set, so vchanged exists */
    }
    if (rc == CQ_OK)
        rc = do_update(inst, opts);
    for (size_t i = 0; i < m->nattrs; i++)
        cq__changed(inst)[i] |= before[i];
    for (size_t i = 0; cq__instance_vchanged(inst) && i < m->nvirtual; i++)
        inst->more->vchanged[i] |= before[m->nattrs + i];
    cq__free(before);
    return rc;
}

int cq_instance_update(cq_instance *inst, const cq_value *values, const cq_write_opts *opts)
{
    int rc;
    if (!inst)
        return CQ_EINVALID;
    cq__db_clear(inst->model->db);
    if ((rc = cq__txn_check(inst->model->db, opts ? opts->transaction : NULL)) != CQ_OK)
        return rc;
    if (inst->is_new || (opts && opts->fields))
        return (rc = set_values(inst, values, opts ? opts->fields : NULL)) != CQ_OK ? rc
               : inst->is_new ? do_insert(inst, opts)
                              : do_update(inst, opts);
    return update_own_fields(inst, values, opts);
}

/* Paranoid soft delete (`deleting`) or restore of an instance, as v6:
 * UPDATE ... SET deletedAt = now|NULL, updatedAt = now WHERE pk. */
static int soft_write(cq_instance *inst, bool deleting)
{
    cq_model *m = inst->model;
    cq_db *db = m->db;
    size_t di = (size_t)m->deleted_at;
    if (deleting && !cq_value_is_null(cq__iv(inst, di)))
        return CQ_OK; /* v6: deletedAt already set, save sends nothing */
    char now[32];
    cq__now_iso(now);
    cq_value *v = deleting ? cq_value_text(now) : cq_value_null();
    if (!v)
        return cq__db_oom(db);
    cq__stmt *st = cq__stmt_new(CQ__ST_UPDATE, m->table);
    cq_value *dbv = cq__attr_to_db(&m->attrs[di], v, cq_db_dialect(db));
    int rc = st && dbv ? CQ_OK : cq__db_oom(db);
    if (rc == CQ_OK && cq__stmt_add_icol(st, m->attrs[di].field) != 0)
        rc = cq__db_oom(db);
    if (rc == CQ_OK) {
        if (cq__stmt_add_ival(st, dbv) != 0)
            rc = cq__db_oom(db);
        dbv = NULL; /* taken by the statement */
    }
    cq_value *upd = NULL;
    if (rc == CQ_OK && m->updated_at >= 0) {
        const cq__attr *ua = &m->attrs[m->updated_at];
        upd = cq_value_text(now);
        if (!upd || cq__stmt_add_icol(st, ua->field) != 0 ||
            cq__stmt_add_ival(st, cq__attr_to_db(ua, upd, cq_db_dialect(db))) != 0)
            rc = cq__db_oom(db);
    }
    cq__expr *where = NULL;
    cq_value *bumped = NULL;
    if (rc == CQ_OK)
        rc = cq__where_pk(&where, inst, NULL);
    if (rc == CQ_OK && (rc = lock_version(&bumped, st, where, inst, true)) != CQ_OK)
        cq__expr_free(where);
    if (rc == CQ_OK && cq__stmt_and_where(st, where) != 0)
        rc = cq__db_oom(db);
    if (rc == CQ_OK)
        rc = exec_versioned(m, st);
    cq__stmt_free(st);
    cq_value_free(dbv);
    if (rc != CQ_OK) {
        cq_value_free(v);
        cq_value_free(upd);
        cq_value_free(bumped);
        return rc;
    }
    if (bumped) {
        store(inst, (size_t)m->version_attr, bumped, true);
        cq__changed(inst)[m->version_attr] = false;
    }
    store(inst, di, v, true);
    cq__changed(inst)[di] = false;
    if (upd) {
        store(inst, (size_t)m->updated_at, upd, true);
        cq__changed(inst)[m->updated_at] = false;
    }
    return CQ_OK;
}

/* v6 QueryInterface#delete: an association with `onDelete: 'CASCADE', hooks: true` (hasOne /
 * hasMany) has its rows fetched (the getter, with the target's find hooks) and destroyed one
 * by one with the same options, so their hooks and paranoid soft delete run, before the
 * DELETE of the row itself. */
static int destroy_cascades(cq_instance *inst, const cq_write_opts *opts)
{
    cq_model *m = inst->model;
    int rc = CQ_OK;
    for (size_t k = 0; rc == CQ_OK && k < m->nassocs; k++) {
        const struct cq_assoc *a = m->assocs[k];
        if (!cq__assoc_cascades_hooks(a))
            continue;
        cq_rows *rows = NULL;
        rc = cq_assoc_get(
            &rows, inst, a,
            &(cq_find_opts){ .transaction = opts ? opts->transaction : NULL, .use_master = true });
        for (size_t i = 0; rc == CQ_OK && rows && i < rows->n; i++)
            rc = cq_instance_destroy(rows->items[i], opts);
        cq_rows_free(rows);
    }
    return rc;
}

static int destroy_row(cq_instance *inst, const cq_write_opts *opts)
{
    if (!inst)
        return CQ_EINVALID;
    cq_model *m = inst->model;
    if (m->deleted_at >= 0 && !(opts && opts->force))
        return soft_write(inst, true);
    int rc = hooks_on(opts) ? destroy_cascades(inst, opts) : CQ_OK;
    if (rc != CQ_OK)
        return rc;
    cq__stmt *st = cq__stmt_new(CQ__ST_DELETE, m->table);
    if (!st)
        return cq__db_oom(m->db);
    cq__expr *where = NULL;
    rc = cq__where_pk(&where, inst, NULL);
    /* v6 adds `AND version = <old>` but does not check that a row was deleted */
    if (rc == CQ_OK && (rc = lock_version(NULL, st, where, inst, false)) != CQ_OK)
        cq__expr_free(where);
    if (rc == CQ_OK && cq__stmt_and_where(st, where) != 0)
        rc = cq__db_oom(m->db);
    if (rc == CQ_OK)
        rc = cq__db_exec_stmt(m->db, st, NULL);
    cq__stmt_free(st);
    return rc;
}

int cq__instance_enter(cq_instance *inst, const cq_txn *t, const char *verb)
{
    int rc = cq__model_enter(inst ? inst->model : NULL, t);
    if (rc == CQ_OK && inst->is_new)
        rc = cq__db_fail(inst->model->db, CQ_EINVALID, "cannot %s an unsaved instance of \"%s\"",
                         verb, inst->model->name);
    return rc;
}

int cq_instance_destroy(cq_instance *inst, const cq_write_opts *opts)
{
    int trc = cq__instance_enter(inst, opts ? opts->transaction : NULL, "destroy");
    if (trc != CQ_OK)
        return trc;
    int rc = hooks_on(opts) ? cq__hooks_run_instance(CQ__H_BEFORE_DESTROY, inst) : CQ_OK;
    if (rc == CQ_OK)
        rc = destroy_row(inst, opts);
    return rc == CQ_OK && hooks_on(opts) ? cq__hooks_run_instance(CQ__H_AFTER_DESTROY, inst) : rc;
}

int cq_instance_restore(cq_instance *inst, const cq_write_opts *opts)
{
    int trc = cq__model_enter(inst ? inst->model : NULL, opts ? opts->transaction : NULL);
    if (trc != CQ_OK)
        return trc;
    cq_model *m = inst->model;
    if (m->deleted_at < 0)
        return cq__db_fail(m->db, CQ_EINVALID, "restore: model \"%s\" is not paranoid", m->name);
    if (inst->is_new)
        return cq__db_fail(m->db, CQ_EINVALID, "cannot restore an unsaved instance of \"%s\"",
                           m->name);
    int rc = hooks_on(opts) ? cq__hooks_run_instance(CQ__H_BEFORE_RESTORE, inst) : CQ_OK;
    if (rc == CQ_OK)
        rc = soft_write(inst, false);
    return rc == CQ_OK && hooks_on(opts) ? cq__hooks_run_instance(CQ__H_AFTER_RESTORE, inst) : rc;
}

int cq_instance_set(cq_instance *inst, const char *attr, cq_value *v)
{
    if (!inst) {
        cq_value_free(v); /* the setter takes v, even failing */
        return CQ_EINVALID;
    }
    cq__db_clear(inst->model->db);
    if (cq__value_is_const(v)) /* CQ_TRUE ...: the instance keeps a copy of its own */
        v = cq_value_copy(v);
    return set_attr(inst, attr, v);
}

const cq_value *cq_instance_get(const cq_instance *inst, const char *attr)
{
    if (!inst)
        return NULL;
    long i = cq__model_attr_index(inst->model, attr);
    if (i < 0) /* a value a find read under an alias of its own */
        return cq__instance_extra(inst) && attr
                   ? cq_value_object_get(cq__instance_extra(inst), attr)
                   : NULL;
    return cq__iv(inst, i);
}

static int typed_get(const cq_value **out, const cq_instance *inst, const char *attr,
                     cq_value_type want, const char *what)
{
    cq_model *m = inst->model;
    long i = cq__model_attr_index(m, attr);
    const cq_value *v = i >= 0 ? cq__iv(inst, i) : cq_instance_get(inst, attr);
    if (i < 0 && !v)
        return cq__db_fail(m->db, CQ_EUNKNOWN_ATTR, "model \"%s\" has no attribute \"%s\"", m->name,
                           attr ? attr : "(null)");
    cq_value_type t = cq_value_type_of(v);
    bool ok = t == want || (want == CQ_VALUE_DOUBLE && t == CQ_VALUE_INT);
    if (!ok)
        return cq__db_fail(m->db, CQ_EVALIDATION, "%s.%s is %s, not %s", m->name, attr,
                           !v                   ? "not loaded"
                           : t == CQ_VALUE_NULL ? "null"
                                                : "of another type",
                           what);
    *out = v;
    return CQ_OK;
}

int cq_instance_get_int(int64_t *out, const cq_instance *inst, const char *attr)
{
    if (out)
        *out = 0;
    if (!out || !inst)
        return CQ_EINVALID;
    const cq_value *v = NULL;
    int rc = typed_get(&v, inst, attr, CQ_VALUE_INT, "an integer");
    if (rc == CQ_OK)
        *out = cq_value_as_int(v);
    return rc;
}

int cq_instance_get_double(double *out, const cq_instance *inst, const char *attr)
{
    if (out)
        *out = 0;
    if (!out || !inst)
        return CQ_EINVALID;
    const cq_value *v = NULL;
    long i = cq__model_attr_index(inst->model, attr);
    if (i >= 0 && inst->model->attrs[i].type == CQ_DECIMAL &&
        cq_value_type_of(cq__iv(inst, i)) == CQ_VALUE_TEXT) {
        /* a DECIMAL's exact text, read as the nearest double */
        *out = strtod(cq_value_as_text(cq__iv(inst, i)), NULL);
        return CQ_OK;
    }
    int rc = typed_get(&v, inst, attr, CQ_VALUE_DOUBLE, "a number");
    if (rc == CQ_OK)
        *out = cq_value_as_double(v);
    return rc;
}

int cq_instance_get_bool(bool *out, const cq_instance *inst, const char *attr)
{
    if (out)
        *out = false;
    if (!out || !inst)
        return CQ_EINVALID;
    const cq_value *v = NULL;
    int rc = typed_get(&v, inst, attr, CQ_VALUE_BOOL, "a boolean");
    if (rc == CQ_OK)
        *out = cq_value_as_bool(v);
    return rc;
}

int cq_instance_get_text(const char **out, const cq_instance *inst, const char *attr)
{
    if (out)
        *out = NULL;
    if (!out || !inst)
        return CQ_EINVALID;
    const cq_value *v = NULL;
    int rc = typed_get(&v, inst, attr, CQ_VALUE_TEXT, "a string");
    if (rc == CQ_OK)
        *out = cq_value_as_text(v);
    return rc;
}

bool cq_instance_has_changed(const cq_instance *inst, const char *attr)
{
    if (!inst)
        return false;
    if (!attr) {
        for (size_t i = 0; i < inst->model->nattrs; i++)
            if (cq__changed(inst)[i])
                return true;
        return false;
    }
    long i = cq__model_attr_index(inst->model, attr);
    return i >= 0 && cq__changed(inst)[i];
}

bool cq_instance_is_new_record(const cq_instance *inst)
{
    if (!inst)
        return false;
    return inst->is_new;
}

cq_model *cq_instance_model(const cq_instance *inst)
{
    if (!inst)
        return NULL;
    return inst->model;
}

int cq_instance_to_value(cq_value **out, const cq_instance *inst)
{
    *out = NULL;
    if (!inst)
        return CQ_EINVALID;
    cq_model *m = inst->model;
    cq_value *o = NULL;
    if (m->nacc) {
        /* getters and VIRTUAL attributes: v6's get({plain: true}) order */
        int rc = cq__instance_plain_with_getters(&o, inst);
        if (rc != CQ_OK)
            return rc;
    } else {
        o = cq_value_object();
    }
    const bool *hidden = cq__instance_hidden(inst);
    const cq_value *extra = cq__instance_extra(inst);
    for (size_t i = 0; o && !m->nacc && i < m->nattrs; i++) {
        if (!cq__iv(inst, i) || (hidden && hidden[i]))
            continue;
        if (cq_value_object_set(o, m->attrs[i].name, cq_value_copy(cq__iv(inst, i))) != CQ_OK) {
            cq_value_free(o);
            o = NULL;
        }
    }
    /* values read under aliases of their own, after the attributes */
    for (size_t k = 0; o && extra && k < cq_value_size(extra); k++)
        if (cq_value_object_set(o, cq_value_object_key(extra, k),
                                cq_value_copy(cq_value_object_value(extra, k))) != CQ_OK) {
            cq_value_free(o);
            o = NULL;
        }
    /* a belongsToMany join row first (Sequelize lists the through columns before nested
     * includes) */
    if (o && inst->through) {
        cq_value *tv = NULL;
        if (cq_instance_to_value(&tv, inst->through) != CQ_OK ||
            cq_value_object_set(o, inst->through->model->name, tv) != CQ_OK) {
            cq_value_free(o);
            o = NULL;
        }
    }
    /* then included associations under their keys */
    for (size_t k = 0; o && k < inst->ninc; k++) {
        const cq__included *inc = &inst->inc[k];
        if (inc->unshown)
            continue;
        cq_value *child = NULL;
        int rc = inc->many  ? cq_rows_to_value(&child, inc->rows)
                 : inc->one ? cq_instance_to_value(&child, inc->one)
                            : ((child = cq_value_null()) ? CQ_OK : CQ_ENOMEM);
        if (rc != CQ_OK || cq_value_object_set(o, inc->assoc->alias.as, child) != CQ_OK) {
            cq_value_free(o);
            o = NULL;
        }
    }
    if (!o)
        return cq__db_oom(m->db);
    *out = o;
    return CQ_OK;
}

int cq__instance_hide_except(cq_instance *inst, const char *const *shown)
{
    cq_model *m = inst->model;
    bool *hidden = cq__instance_hidden_make(inst);
    if (!hidden)
        return cq__db_oom(m->db);
    for (size_t i = 0; i < m->nattrs; i++) {
        bool keep = false;
        for (const char *const *s = shown; s && *s; s++)
            keep |= strcmp(*s, m->attrs[i].name) == 0;
        if (!keep)
            hidden[i] = true;
    }
    return CQ_OK;
}

int cq_instance_to_json(char **out, const cq_instance *inst, int flags)
{
    *out = NULL;
    if (!inst)
        return CQ_EINVALID;
    cq_value *v = NULL;
    int rc = cq_instance_to_value(&v, inst);
    if (rc != CQ_OK)
        return rc;
    rc = cq_value_to_json(out, v, flags);
    cq_value_free(v);
    return rc;
}
