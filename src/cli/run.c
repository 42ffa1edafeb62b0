/*
 * Script runner: executes loaded steps in order on a cq_db and prints one JSON line per step,
 * {"step":N,"result":...} or {"step":N,"error":{"code":...,"message":...}} (docs/scripts.md).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* A named result ("as"). A name given again replaces the older slot's content. */
typedef struct slot {
    char name[64];
    cli_result_kind kind;
    bool set;         /* false: the step that names it failed */
    size_t step;      /* that step's index */
    cq_instance *inst;
    cq_rows *rows;
    cq_value *value;
} slot;

/* A transaction begun by a step; a new slot per begin, so names may be reused. */
typedef struct txn_slot {
    char name[64];
    cq_txn *txn;
    cq_txn *parent;
    bool open;
} txn_slot;

typedef struct runner {
    cq_db *db;
    const cli_schema *schema;
    slot *slots;
    size_t n_slots;
    txn_slot *txns;
    size_t n_txns;
} runner;

/* Error of one step: a library code and a message. */
typedef struct step_error {
    int code;
    char message[1024];
} step_error;

static int fail(step_error *e, int code, const char *fmt, ...) CLI_PRINTF(3, 4);

static int fail(step_error *e, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    e->code = code;
    return code;
}

/* A failed library call: its code and cq_db_error's message. */
static int lib_fail(runner *r, step_error *e, int code)
{
    const char *msg = cq_db_error(r->db)->message;
    return fail(e, code, "%s", *msg ? msg : cq_strerror(code));
}

static void slot_clear(slot *s)
{
    cq_instance_free(s->inst);
    cq_rows_free(s->rows);
    cq_value_free(s->value);
    s->inst = NULL;
    s->rows = NULL;
    s->value = NULL;
    s->set = false;
}

static slot *find_slot(runner *r, const char *name)
{
    for (size_t i = 0; i < r->n_slots; i++)
        if (strcmp(r->slots[i].name, name) == 0)
            return &r->slots[i];
    return NULL;
}

static slot *get_slot(runner *r, const char *name)
{
    slot *s = find_slot(r, name);
    if (s)
        return s;
    slot *n = realloc(r->slots, (r->n_slots + 1) * sizeof *n);
    if (!n)
        return NULL;
    r->slots = n;
    s = &r->slots[r->n_slots++];
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", name);
    return s;
}

/* Finds the slot a reference names, failing when its step failed. */
static int ref_slot(runner *r, slot **out, const cli_ref *ref, step_error *e)
{
    slot *s = find_slot(r, ref->name);
    if (!s || !s->set)
        return fail(e, CQ_EINVALID, "$%s has no value: steps[%zu], which names it, failed",
                    ref->name, s ? s->step : 0);
    if (ref->index >= 0 && s->kind == CLI_RESULT_ROWS &&
        (size_t)ref->index >= cq_rows_count(s->rows))
        return fail(e, CQ_EINVALID, "$%s[%ld]: index out of range (%zu rows)", ref->name,
                    ref->index, cq_rows_count(s->rows));
    *out = s;
    return CQ_OK;
}

static int ref_instance(runner *r, cq_instance **out, const cli_ref *ref, step_error *e)
{
    slot *s = NULL;
    int rc = ref_slot(r, &s, ref, e);
    if (rc != CQ_OK)
        return rc;
    cq_instance *inst = NULL;
    if (s->kind == CLI_RESULT_INSTANCE && ref->index < 0)
        inst = s->inst;
    else if (s->kind == CLI_RESULT_ROWS && ref->index >= 0)
        inst = cq_rows_at(s->rows, (size_t)ref->index);
    else
        return fail(e, CQ_EINVALID, "$%s is not an instance", ref->name);
    if (!inst)
        return fail(e, CQ_EINVALID, "$%s is null (nothing was found)", ref->name);
    *out = inst;
    return CQ_OK;
}

/* Resolves {"$ref": "name[i].attr"} to a copy of the value. */
static int resolve_value(cq_value **out, const char *text, const char *path, void *user_data,
                         cli_diag *diag)
{
    runner *r = user_data;
    step_error e = { 0 };
    cli_ref ref;
    *out = NULL;
    if (!cli_ref_parse(&ref, text, false, true)) {
        cli_diag_set(diag, path, "malformed reference");
        return CLI_EINPUT;
    }
    slot *s = NULL;
    int rc = ref_slot(r, &s, &ref, &e);
    if (rc == CQ_OK) {
        const cq_instance *inst = NULL;
        if (s->kind == CLI_RESULT_INSTANCE)
            inst = s->inst;
        else if (s->kind == CLI_RESULT_ROWS && ref.index >= 0)
            inst = cq_rows_at(s->rows, (size_t)ref.index);
        if (inst && ref.attr[0]) {
            const cq_value *v = cq_instance_get(inst, ref.attr);
            if (!v)
                rc = fail(&e, CQ_EUNKNOWN_ATTR, "$%s has no attribute \"%s\"", ref.name,
                          ref.attr);
            else
                *out = cq_value_copy(v);
        } else if (inst) {
            rc = cq_instance_to_value(out, inst);
        } else if (s->kind == CLI_RESULT_ROWS) {
            rc = ref.attr[0] ? fail(&e, CQ_EINVALID, "$%s is a list: name an element", ref.name)
                             : cq_rows_to_value(out, s->rows);
        } else if (s->kind == CLI_RESULT_INSTANCE) {
            *out = ref.attr[0] ? NULL : cq_value_null();
            if (ref.attr[0])
                rc = fail(&e, CQ_EINVALID, "$%s is null (nothing was found)", ref.name);
        } else {
            const cq_value *v = s->value;
            if (ref.index >= 0)
                v = cq_value_array_get(v, (size_t)ref.index);
            if (v && ref.attr[0])
                v = cq_value_object_get(v, ref.attr);
            if (!v)
                rc = fail(&e, CQ_EINVALID, "%s: no such element in $%s", text, ref.name);
            else
                *out = cq_value_copy(v);
        }
        if (rc == CQ_OK && !*out)
            rc = fail(&e, CQ_ENOMEM, "out of memory");
    }
    if (rc != CQ_OK) {
        cli_diag_set(diag, path, "%s", e.message);
        return rc == CQ_ENOMEM ? CLI_ENOMEM : CLI_EINPUT;
    }
    return CLI_OK;
}

/* JSON (values, where, pk) to cq_value with references resolved; a step error on failure. */
static int to_value(runner *r, cq_value **out, json_t *j, bool where, const char *path,
                    step_error *e)
{
    cli_diag d = { { 0 } };
    int rc = cli_json_to_value(out, j, where, resolve_value, r, path, &d);
    if (rc == CLI_OK)
        return CQ_OK;
    return fail(e, rc == CLI_ENOMEM ? CQ_ENOMEM : CQ_EINVALID, "%s", d.msg);
}

/* NULL-terminated list of borrowed strings from a JSON array; NULL `j` gives NULL. */
static int string_list(const char ***out, json_t *j, step_error *e)
{
    *out = NULL;
    if (!j)
        return CQ_OK;
    const char **list = calloc(json_array_size(j) + 1, sizeof *list);
    if (!list)
        return fail(e, CQ_ENOMEM, "out of memory");
    for (size_t i = 0; i < json_array_size(j); i++)
        list[i] = json_string_value(json_array_get(j, i));
    *out = list;
    return CQ_OK;
}

static txn_slot *find_txn(runner *r, const char *name)
{
    for (size_t i = r->n_txns; i-- > 0;)
        if (strcmp(r->txns[i].name, name) == 0)
            return &r->txns[i];
    return NULL;
}

static int step_txn(runner *r, cq_txn **out, const char *name, step_error *e)
{
    *out = NULL;
    if (!name)
        return CQ_OK;
    txn_slot *t = find_txn(r, name);
    if (!t || !t->open)
        return fail(e, CQ_EINVALID, "transaction %s is not open", name);
    *out = t->txn;
    return CQ_OK;
}

static int run_begin(runner *r, const cli_step *st, step_error *e)
{
    txn_slot *t = find_txn(r, st->txn_name);
    if (t && t->open)
        return fail(e, CQ_EINVALID, "transaction %s is already open", st->txn_name);
    cq_txn *parent = NULL;
    int rc = step_txn(r, &parent, st->parent, e);
    if (rc != CQ_OK)
        return rc;
    txn_slot *n = realloc(r->txns, (r->n_txns + 1) * sizeof *n);
    if (!n)
        return fail(e, CQ_ENOMEM, "out of memory");
    r->txns = n;
    cq_txn *txn = NULL;
    rc = cq_db_transaction(&txn, r->db, &(cq_txn_opts){ .parent = parent });
    if (rc != CQ_OK)
        return lib_fail(r, e, rc);
    t = &r->txns[r->n_txns++];
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", st->txn_name);
    t->txn = txn;
    t->parent = parent;
    t->open = true;
    return CQ_OK;
}

static int run_end(runner *r, const cli_step *st, step_error *e)
{
    txn_slot *t = find_txn(r, st->txn_name);
    if (!t || !t->open)
        return fail(e, CQ_EINVALID, "transaction %s is not open", st->txn_name);
    for (size_t i = 0; i < r->n_txns; i++)
        if (r->txns[i].open && r->txns[i].parent == t->txn)
            return fail(e, CQ_EINVALID, "transaction %s has an open nested transaction %s",
                        t->name, r->txns[i].name);
    t->open = false; /* commit and rollback free the transaction even when they fail */
    int rc = st->kind == CLI_STEP_COMMIT ? cq_txn_commit(t->txn) : cq_txn_rollback(t->txn);
    t->txn = NULL;
    return rc == CQ_OK ? CQ_OK : lib_fail(r, e, rc);
}

/* Result of an instance-valued step: toJSON, or null when there is none. */
static int instance_result(runner *r, cq_value **result, const cq_instance *inst, step_error *e)
{
    int rc = inst ? cq_instance_to_value(result, inst) : ((*result = cq_value_null()) != NULL
                                                              ? CQ_OK
                                                              : CQ_ENOMEM);
    return rc == CQ_OK ? CQ_OK : lib_fail(r, e, rc);
}

/* Fills find options shared by findAll/findOne/findByPk/count. Owned parts go to the
 * caller's `where`, `attrs`, `exclude`, `order` (freed by the caller). */
static int find_opts(runner *r, const cli_step *st, cq_find_opts *o, cq_value **where,
                     const char ***attrs, const char ***exclude, cq_order **order,
                     step_error *e)
{
    int rc = CQ_OK;
    if (st->where) {
        char sub[CLI_PATH_MAX];
        cli_path_key(sub, st->path, "where");
        rc = to_value(r, where, st->where, true, sub, e);
        if (rc != CQ_OK)
            return rc;
        o->where = *where;
    }
    if (json_is_object(st->attributes))
        rc = string_list(exclude, json_object_get(st->attributes, "exclude"), e);
    else
        rc = string_list(attrs, st->attributes, e);
    if (rc != CQ_OK)
        return rc;
    o->attributes = *attrs;
    o->exclude = *exclude;
    if (st->order) {
        size_t n = json_array_size(st->order);
        *order = calloc(n + 1, sizeof **order);
        if (!*order)
            return fail(e, CQ_ENOMEM, "out of memory");
        for (size_t i = 0; i < n; i++) {
            json_t *k = json_array_get(st->order, i);
            json_t *dir = json_is_array(k) ? json_array_get(k, 1) : NULL;
            (*order)[i].attr = json_string_value(json_is_array(k) ? json_array_get(k, 0) : k);
            (*order)[i].desc = dir && (json_string_value(dir)[0] | 0x20) == 'd';
        }
        o->order = *order;
    }
    o->limit = st->limit;
    o->offset = st->offset;
    return step_txn(r, &o->transaction, st->transaction, e);
}

/* Runs one step. On success `*result` is its printable value and the named result (if
 * any) is stored through `keep_*`. */
static int run_step(runner *r, const cli_step *st, cq_value **result, cq_instance **keep_inst,
                    cq_rows **keep_rows, step_error *e)
{
    cq_model *model = st->model ? cq_db_model(r->db, st->model) : NULL;
    cq_instance *target = NULL;
    cq_txn *txn = NULL;
    cq_value *values = NULL, *where = NULL, *pk = NULL;
    const char **fields = NULL, **attrs = NULL, **exclude = NULL;
    cq_order *order = NULL;
    cq_instance *inst = NULL;
    cq_rows *rows = NULL;
    int64_t count = 0;
    char sub[CLI_PATH_MAX];
    int rc = CQ_OK;

    if (st->model && !model) {
        rc = fail(e, CQ_EUNKNOWN_MODEL, "unknown model \"%s\"", st->model);
        goto done;
    }
    if (st->on_instance || st->kind == CLI_STEP_CALL) {
        rc = ref_instance(r, &target, &st->target, e);
        if (rc != CQ_OK)
            goto done;
    }
    if (st->values) {
        cli_path_key(sub, st->path, "values");
        rc = to_value(r, &values, st->values, false, sub, e);
        if (rc != CQ_OK)
            goto done;
    }
    rc = string_list(&fields, st->fields, e);
    if (rc == CQ_OK && st->kind != CLI_STEP_FIND_ALL && st->kind != CLI_STEP_FIND_ONE &&
        st->kind != CLI_STEP_FIND_BY_PK && st->kind != CLI_STEP_COUNT)
        rc = step_txn(r, &txn, st->transaction, e);
    if (rc != CQ_OK)
        goto done;
    cq_write_opts wopts = { .transaction = txn, .fields = fields };

    switch (st->kind) {
    case CLI_STEP_SYNC:
        rc = cq_db_sync(r->db, &(cq_sync_opts){ .force = st->force, .transaction = txn });
        if (rc == CQ_OK)
            *result = cq_value_null();
        break;
    case CLI_STEP_CREATE:
        rc = cq_model_create(&inst, model, values, &wopts);
        if (rc == CQ_OK)
            rc = instance_result(r, result, inst, e);
        break;
    case CLI_STEP_BULK_CREATE:
        rc = cq_model_bulk_create(&rows, model, values, &wopts);
        if (rc == CQ_OK)
            rc = cq_rows_to_value(result, rows);
        break;
    case CLI_STEP_BUILD:
        rc = cq_model_build(&inst, model, values);
        if (rc == CQ_OK)
            rc = instance_result(r, result, inst, e);
        break;
    case CLI_STEP_SAVE:
        rc = cq_instance_save(target, &wopts);
        if (rc == CQ_OK)
            rc = instance_result(r, result, target, e);
        break;
    case CLI_STEP_FIND_ALL:
    case CLI_STEP_FIND_ONE:
    case CLI_STEP_FIND_BY_PK:
    case CLI_STEP_COUNT: {
        cq_find_opts fo = { 0 };
        rc = find_opts(r, st, &fo, &where, &attrs, &exclude, &order, e);
        if (rc != CQ_OK)
            goto done;
        if (st->kind == CLI_STEP_FIND_ALL) {
            rc = cq_model_find_all(&rows, model, &fo);
            if (rc == CQ_OK)
                rc = cq_rows_to_value(result, rows);
        } else if (st->kind == CLI_STEP_FIND_ONE) {
            rc = cq_model_find_one(&inst, model, &fo);
            if (rc == CQ_OK)
                rc = instance_result(r, result, inst, e);
        } else if (st->kind == CLI_STEP_FIND_BY_PK) {
            cli_path_key(sub, st->path, "pk");
            rc = to_value(r, &pk, st->pk, false, sub, e);
            if (rc != CQ_OK)
                goto done;
            rc = cq_model_find_by_pk(&inst, model, pk, &fo);
            if (rc == CQ_OK)
                rc = instance_result(r, result, inst, e);
        } else {
            rc = cq_model_count(&count, model, &fo);
            if (rc == CQ_OK)
                *result = cq_value_int(count);
        }
        break;
    }
    case CLI_STEP_UPDATE:
        if (st->on_instance) {
            rc = cq_instance_update(target, values, &wopts);
            if (rc == CQ_OK)
                rc = instance_result(r, result, target, e);
            break;
        }
        cli_path_key(sub, st->path, "where");
        rc = to_value(r, &where, st->where, true, sub, e);
        if (rc != CQ_OK)
            goto done;
        rc = cq_model_update(&count, model, values,
                             &(cq_bulk_opts){ .where = where, .transaction = txn });
        if (rc == CQ_OK) {
            /* Sequelize's Model.update resolves to [affectedCount]. */
            *result = cq_value_array();
            rc = cq_value_array_append(*result, cq_value_int(count));
        }
        break;
    case CLI_STEP_DESTROY:
        if (st->on_instance) {
            rc = cq_instance_destroy(target, &wopts);
            if (rc == CQ_OK)
                *result = cq_value_null();
            break;
        }
        cli_path_key(sub, st->path, "where");
        rc = to_value(r, &where, st->where, true, sub, e);
        if (rc != CQ_OK)
            goto done;
        rc = cq_model_destroy(&count, model,
                              &(cq_bulk_opts){ .where = where, .transaction = txn });
        if (rc == CQ_OK)
            *result = cq_value_int(count);
        break;
    case CLI_STEP_RELOAD:
        rc = cq_instance_reload(target, &(cq_find_opts){ .transaction = txn });
        if (rc == CQ_OK)
            rc = instance_result(r, result, target, e);
        break;
    case CLI_STEP_SET:
        for (size_t i = 0; rc == CQ_OK && i < cq_value_size(values); i++)
            rc = cq_instance_set(target, cq_value_object_key(values, i),
                                 cq_value_copy(cq_value_object_value(values, i)));
        if (rc == CQ_OK)
            rc = instance_result(r, result, target, e);
        break;
    case CLI_STEP_CALL:
        /* Accessors (getProjects, setTeam, ...) come with associations. */
        rc = fail(e, CQ_EUNKNOWN_ASSOC, "instance of model %s has no method %s",
                  cq_model_name(cq_instance_model(target)), st->method);
        goto done;
    case CLI_STEP_BEGIN:
        rc = run_begin(r, st, e);
        if (rc == CQ_OK)
            *result = cq_value_null();
        goto done;
    case CLI_STEP_COMMIT:
    case CLI_STEP_ROLLBACK:
        rc = run_end(r, st, e);
        if (rc == CQ_OK)
            *result = cq_value_null();
        goto done;
    }
    if (rc != CQ_OK) {
        rc = e->code ? rc : lib_fail(r, e, rc);
        goto done;
    }
    if (!*result) {
        rc = fail(e, CQ_ENOMEM, "out of memory");
        goto done;
    }
    *keep_inst = inst;
    *keep_rows = rows;
    inst = NULL;
    rows = NULL;
done:
    if (rc == CQ_OK && !*result)
        rc = fail(e, CQ_ENOMEM, "out of memory");
    if (rc != CQ_OK) {
        cq_value_free(*result);
        *result = NULL;
    }
    cq_instance_free(inst);
    cq_rows_free(rows);
    cq_value_free(values);
    cq_value_free(where);
    cq_value_free(pk);
    free(fields);
    free(attrs);
    free(exclude);
    free(order);
    return rc;
}

static void print_result(FILE *out, size_t step, const cq_value *v)
{
    char *text = NULL;
    if (cq_value_to_json(&text, v, CQ_JSON_COMPACT) != CQ_OK || !text) {
        fprintf(out, "{\"step\":%zu,\"error\":{\"code\":\"CQ_ENOMEM\",\"message\":\"out of "
                     "memory\"}}\n",
                step);
        return;
    }
    fprintf(out, "{\"step\":%zu,\"result\":%s}\n", step, text);
    cq_free(text);
}

static void print_error(FILE *out, size_t step, const step_error *e)
{
    json_t *msg = json_string(e->message);
    char *text = msg ? json_dumps(msg, JSON_ENCODE_ANY) : NULL;
    fprintf(out, "{\"step\":%zu,\"error\":{\"code\":\"%s\",\"message\":%s}}\n", step,
            cq_error_name(e->code), text ? text : "\"\"");
    free(text);
    json_decref(msg);
}

int cli_script_run(cq_db *db, const cli_script *script, FILE *out)
{
    runner r = { .db = db, .schema = script->schema };
    int exit_code = CLI_EXIT_OK;
    for (size_t i = 0; i < script->n_steps; i++) {
        const cli_step *st = &script->steps[i];
        step_error e = { 0 };
        cq_value *result = NULL;
        cq_instance *inst = NULL;
        cq_rows *rows = NULL;
        int rc = run_step(&r, st, &result, &inst, &rows, &e);
        slot *s = NULL;
        if (st->as) {
            s = get_slot(&r, st->as);
            if (!s) {
                cq_instance_free(inst);
                cq_rows_free(rows);
                cq_value_free(result);
                inst = NULL;
                rows = NULL;
                result = NULL;
                rc = fail(&e, CQ_ENOMEM, "out of memory");
            }
        }
        if (s) {
            slot_clear(s);
            s->step = i;
            s->kind = inst ? CLI_RESULT_INSTANCE : rows ? CLI_RESULT_ROWS : CLI_RESULT_VALUE;
            if (rc == CQ_OK && (st->kind == CLI_STEP_FIND_ONE || st->kind == CLI_STEP_FIND_BY_PK))
                s->kind = CLI_RESULT_INSTANCE; /* may hold NULL: nothing found */
            s->inst = inst;
            s->rows = rows;
            s->set = rc == CQ_OK;
            if (rc == CQ_OK && !inst && !rows) {
                s->value = cq_value_copy(result);
                if (!s->value && result) {
                    s->set = false;
                }
            }
        } else {
            cq_instance_free(inst);
            cq_rows_free(rows);
        }
        if (rc == CQ_OK) {
            print_result(out, i, result);
        } else {
            print_error(out, i, &e);
            if (!st->expect_error) {
                fprintf(stderr, "cequel: %s: %s: %s\n", st->path, cq_error_name(e.code),
                        e.message);
                exit_code = CLI_EXIT_FAIL;
            }
        }
        cq_value_free(result);
        fflush(out);
        if (exit_code != CLI_EXIT_OK)
            break;
    }
    /* Transactions left open are rolled back, innermost first. */
    for (size_t i = r.n_txns; i-- > 0;)
        if (r.txns[i].open)
            cq_txn_rollback(r.txns[i].txn);
    for (size_t i = 0; i < r.n_slots; i++)
        slot_clear(&r.slots[i]);
    free(r.slots);
    free(r.txns);
    return exit_code;
}
