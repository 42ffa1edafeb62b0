/*
 * Script loader (docs/scripts.md): parses every step and checks what can be checked before
 * anything runs: the step kind and its keys, model names, `$name` references to results of
 * earlier steps, and transaction names. Values and where clauses stay JSON until run time,
 * when their {"$ref": ...} objects are resolved (run.c).
 */
#define _POSIX_C_SOURCE 200809L

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "cli.h"

/* Names known while checking, in step order. */
typedef struct name_entry {
    char name[64];
    cli_result_kind kind;
    bool is_txn;
} name_entry;

struct cli_checker {
    const cli_schema *schema;
    const char *join_models[64]; /* join models created by earlier "associate" steps */
    size_t n_join_models;
    name_entry *names;
    size_t n_names, cap_names;
    cli_diag *diag;
    size_t txn_depth;      /* {"transaction": [...]} steps around the one being checked */
    const char *bound[16]; /* template names bound by enclosing {"$map", "as"} */
    size_t n_bound;
};
typedef cli_checker checker;

static bool is_bound(const checker *c, const char *name)
{
    for (size_t i = 0; i < c->n_bound; i++)
        if (strcmp(c->bound[i], name) == 0)
            return true;
    return false;
}

static name_entry *find_name(checker *c, const char *name, bool txn)
{
    for (size_t i = c->n_names; i-- > 0;)
        if (c->names[i].is_txn == txn && strcmp(c->names[i].name, name) == 0)
            return &c->names[i];
    return NULL;
}

static int add_name(checker *c, const char *name, cli_result_kind kind, bool txn)
{
    name_entry *e = find_name(c, name, txn);
    if (!e) {
        if (cq__grow((void **)&c->names, &c->cap_names, c->n_names + 1, sizeof *c->names) != 0)
            return CLI_ENOMEM;
        e = &c->names[c->n_names++];
        memset(e, 0, sizeof *e);
        snprintf(e->name, sizeof e->name, "%s", name);
        e->is_txn = txn;
    }
    e->kind = kind;
    return CLI_OK;
}

static const char *kind_word(cli_result_kind k)
{
    switch (k) {
    case CLI_RESULT_INSTANCE:
        return "an instance";
    case CLI_RESULT_ROWS:
        return "a list of instances";
    case CLI_RESULT_VALUE:
        return "a value";
    case CLI_RESULT_ANY:
        return "a call's result";
    case CLI_RESULT_NONE:
        break;
    }
    return "nothing";
}

/* Checks a parsed reference against the names defined so far. */
static int check_ref(checker *c, const cli_ref *r, const char *text, bool want_instance,
                     const char *path)
{
    char q[200];
    cli_quote(q, sizeof q, text);
    name_entry *e = find_name(c, r->name, false);
    if (!e)
        return cli_diag_fail(c->diag, path, "%s is not defined by an earlier step's \"as\"", q);
    bool element = r->index >= 0;
    if (element && e->kind == CLI_RESULT_INSTANCE)
        return cli_diag_fail(c->diag, path, "%s: %s is %s, not a list", q, r->name,
                             kind_word(e->kind));
    bool instance =
        (e->kind == CLI_RESULT_INSTANCE && !element) || (e->kind == CLI_RESULT_ROWS && element);
    if (want_instance && !instance && e->kind != CLI_RESULT_ANY)
        return cli_diag_fail(c->diag, path, "%s is %s, not an instance", q, kind_word(e->kind));
    return CLI_OK;
}

/* An instance position: "$u1" or "$rows[0]". */
static int want_instance_ref(checker *c, cli_ref *out, json_t *v, const char *path)
{
    if (!json_is_string(v) || !cli_ref_parse(out, json_string_value(v), true, true))
        return cli_diag_fail(c->diag, path,
                             "expected a reference to an instance: \"$name\", "
                             "\"$name[index]\" or \"$name.association\"");
    return check_ref(c, out, json_string_value(v), true, path);
}

static int check_value_refs(checker *c, json_t *v, const char *path);

static int value_refs_member(const char *key, json_t *val, const char *path, void *user_data,
                             cli_diag *diag)
{
    (void)key, (void)diag;
    return check_value_refs(user_data, val, path);
}

/* Walks a value/where tree for {"$ref": "..."} objects and checks each one. */
static int check_value_refs(checker *c, json_t *v, const char *path)
{
    if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++) {
            char sub[CLI_PATH_MAX];
            cli_path_index(sub, path, i);
            int rc = check_value_refs(c, json_array_get(v, i), sub);
            if (rc != CLI_OK)
                return rc;
        }
    } else if (json_is_object(v)) {
        int blob_rc = CLI_OK;
        if (cli_blob_literal(NULL, &blob_rc, v, path, c->diag))
            return blob_rc;
        json_t *ref = json_object_get(v, "$ref");
        if (ref && json_object_size(v) == 1) {
            char sub[CLI_PATH_MAX];
            cli_path_key(sub, path, "$ref");
            cli_ref r;
            if (!json_is_string(ref) || !cli_ref_parse(&r, json_string_value(ref), false, true))
                return cli_diag_fail(c->diag, sub,
                                     "expected \"name\", \"name.attribute\" or "
                                     "\"name[index].attribute\"");
            return check_ref(c, &r, json_string_value(ref), false, sub);
        }
        return cli_each_member(v, path, value_refs_member, c, c->diag);
    }
    return CLI_OK;
}

static int want_object(checker *c, json_t *v, const char *path)
{
    if (!json_is_object(v))
        return cli_diag_fail(c->diag, path, "expected an object");
    return check_value_refs(c, v, path);
}

static int want_string_list(checker *c, json_t *v, const char *path)
{
    if (!json_is_array(v))
        return cli_diag_fail(c->diag, path, "expected an array of attribute names");
    for (size_t i = 0; i < json_array_size(v); i++) {
        json_t *e = json_array_get(v, i);
        if (!json_is_string(e) || json_string_length(e) == 0 ||
            strlen(json_string_value(e)) != json_string_length(e)) {
            char sub[CLI_PATH_MAX];
            cli_path_index(sub, path, i);
            return cli_diag_fail(c->diag, sub, "expected an attribute name");
        }
    }
    return CLI_OK;
}

/* v6's full attributes form: names and [expression or name, alias] pairs, or {include,
 * exclude}; the library checks the expressions. */
static bool attributes_full(json_t *v)
{
    if (json_is_object(v))
        return json_object_get(v, "include") != NULL;
    for (size_t i = 0; json_is_array(v) && i < json_array_size(v); i++)
        if (!json_is_string(json_array_get(v, i)))
            return true;
    return false;
}

static int check_attributes(checker *c, json_t *v, const char *path)
{
    if (attributes_full(v)) {
        const char *k;
        json_t *el;
        if (json_is_object(v))
            json_object_foreach(v, k, el)
            {
                if ((strcmp(k, "include") != 0 && strcmp(k, "exclude") != 0) ||
                    !json_is_array(el)) {
                    return cli_diag_fail(c->diag, path,
                                         "expected {\"include\": [...], \"exclude\": [...]}");
                }
            }
        for (size_t i = 0; json_is_array(v) && i < json_array_size(v); i++) {
            el = json_array_get(v, i);
            if (!json_is_string(el) && !(json_is_array(el) && json_array_size(el) == 2 &&
                                         json_is_string(json_array_get(el, 1)))) {
                char sub[CLI_PATH_MAX];
                cli_path_index(sub, path, i);
                return cli_diag_fail(c->diag, sub,
                                     "expected a name or [expression or name, alias]");
            }
        }
        return CLI_OK;
    }
    if (json_is_object(v)) {
        json_t *ex = json_object_get(v, "exclude");
        if (!ex || json_object_size(v) != 1)
            return cli_diag_fail(c->diag, path,
                                 "expected an array of names or {\"exclude\": [...]}");
        char sub[CLI_PATH_MAX];
        cli_path_key(sub, path, "exclude");
        return want_string_list(c, ex, sub);
    }
    return want_string_list(c, v, path);
}

static bool is_direction(json_t *v)
{
    const char *d = json_is_string(v) ? json_string_value(v) : "";
    return (strlen(d) == 3 && (d[0] | 0x20) == 'a' && (d[1] | 0x20) == 's' &&
            (d[2] | 0x20) == 'c') ||
           (strlen(d) == 4 && (d[0] | 0x20) == 'd' && (d[1] | 0x20) == 'e' &&
            (d[2] | 0x20) == 's' && (d[3] | 0x20) == 'c');
}

static bool is_nonempty_string(json_t *v)
{
    return json_is_string(v) && json_string_length(v) > 0 &&
           strlen(json_string_value(v)) == json_string_length(v);
}

/* An association named in an order entry: "Workers" / "project", or {"model", "as"}. */
static bool is_order_assoc(json_t *v)
{
    if (is_nonempty_string(v))
        return !is_direction(v);
    if (!json_is_object(v) || json_object_size(v) == 0)
        return false;
    const char *key;
    json_t *val;
    json_object_foreach(v, key, val)
    {
        if ((strcmp(key, "model") != 0 && strcmp(key, "as") != 0) || !is_nonempty_string(val))
            return false;
    }
    return true;
}

/* Sequelize's order: ["name", ["age", "DESC"], ["id"], ["Workers", "name", "DESC"],
 * [{"model": "user", "as": "Workers"}, "name"]]. */
static int check_order(checker *c, json_t *v, const char *path)
{
    if (!json_is_array(v))
        return cli_diag_fail(c->diag, path, "expected an array like [[\"name\", \"DESC\"]]");
    for (size_t i = 0; i < json_array_size(v); i++) {
        json_t *e = json_array_get(v, i);
        char sub[CLI_PATH_MAX];
        cli_path_index(sub, path, i);
        bool ok = is_nonempty_string(e);
        if (json_is_array(e)) {
            size_t n = json_array_size(e);
            if (n > 0 && is_direction(json_array_get(e, n - 1)))
                n--;
            ok = n > 0 && is_nonempty_string(json_array_get(e, n - 1));
            for (size_t k = 0; ok && k + 1 < n; k++)
                ok = is_order_assoc(json_array_get(e, k));
        }
        if (!ok)
            return cli_diag_fail(c->diag, sub,
                                 "expected \"attribute\", [\"attribute\", \"ASC\" | \"DESC\"] "
                                 "or [association..., \"attribute\", \"ASC\" | \"DESC\"]");
    }
    return CLI_OK;
}

static int check_include(checker *c, json_t *v, const char *path);

/* A scope selection (v6's Model.scope(...) arguments): a name, {"method": [...]}, an inline
 * object, an array of them, or false / [] for none. */
static int want_scope(checker *c, json_t *v, const char *path)
{
    if (json_is_string(v) || json_is_object(v) || json_is_array(v) || json_is_false(v))
        return CLI_OK;
    return cli_diag_fail(
        c->diag, path,
        "expected a scope name, {\"method\": [name, args...]}, an object, an array "
        "of them, or false");
}
static int want_count(checker *c, int64_t *out, json_t *v, int64_t min, const char *path);

static int want_bool(checker *c, json_t *v, const char *path)
{
    if (json_is_boolean(v))
        return CLI_OK;
    return cli_diag_fail(c->diag, path, "expected true or false");
}

/* ---- include elements: readers of CLI_INCLUDE_KEYS ---------------------------------------- */

static int inc_check_name(checker *c, json_t *v, const char *path)
{
    if (is_nonempty_string(v))
        return CLI_OK;
    return cli_diag_fail(c->diag, path, "expected a non-empty string");
}

/* true, a type name or a list of them; unknown names fail when the step runs, as v6's
 * EagerLoadingError does */
static int inc_check_all(checker *c, json_t *v, const char *path)
{
    bool ok =
        json_is_boolean(v) || is_nonempty_string(v) || (json_is_array(v) && json_array_size(v) > 0);
    for (size_t i = 0; json_is_array(v) && i < json_array_size(v); i++)
        ok = ok && is_nonempty_string(json_array_get(v, i));
    if (ok)
        return CLI_OK;
    return cli_diag_fail(c->diag, path,
                         "expected true, an association type (\"HasMany\", \"One\", ...) "
                         "or an array of them");
}

static int inc_check_limit(checker *c, json_t *v, const char *path)
{
    int64_t unused = 0;
    return want_count(c, &unused, v, 1, path);
}

static int inc_check_attributes(checker *c, json_t *v, const char *path)
{
    return json_is_array(v) && json_array_size(v) == 0 ? CLI_OK : check_attributes(c, v, path);
}

static int through_check_attributes(checker *c, json_t *v, const char *path)
{
    return json_is_array(v) && json_array_size(v) == 0 ? CLI_OK : want_string_list(c, v, path);
}

static int through_unknown(checker *c, const char *path)
{
    return cli_diag_fail(c->diag, path,
                         "unknown through option (expected attributes, where, paranoid)");
}

static int through_check_paranoid(checker *c, json_t *v, const char *path)
{
    return json_is_boolean(v) ? CLI_OK : through_unknown(c, path);
}

typedef int (*json_check_fn)(checker *c, json_t *v, const char *path);

static const struct through_key {
    const char *key;
    json_check_fn check;
} through_keys[] = {
#define X(key, check, build) { key, check },
    CLI_THROUGH_KEYS(X)
#undef X
};

static int through_member(const char *key, json_t *val, const char *path, void *user_data,
                          cli_diag *diag)
{
    (void)diag;
    const struct through_key *k = CQ__FIND_ROW(through_keys, key);
    return k ? k->check(user_data, val, path) : through_unknown(user_data, path);
}

static int inc_check_through(checker *c, json_t *v, const char *path)
{
    if (!json_is_object(v))
        return cli_diag_fail(c->diag, path, "expected {\"attributes\": [...], \"where\": {...}}");
    return cli_each_member(v, path, through_member, c, c->diag);
}

static const struct include_key {
    const char *key;
    bool names; /* names the association */
    json_check_fn check;
} include_keys[] = {
#define X(key, names, check, build) { key, names, check },
    CLI_INCLUDE_KEYS(X)
#undef X
};

/* An include element being checked: does a key name the association? */
struct include_at {
    checker *c;
    bool named;
};

static int include_member(const char *key, json_t *val, const char *path, void *user_data,
                          cli_diag *diag)
{
    struct include_at *at = user_data;
    const struct include_key *k = CQ__FIND_ROW(include_keys, key);
    if (!k)
        return cli_diag_fail(diag, path,
                             "unknown include option (expected model, as, association, "
                             "all, nested, where, required, attributes, include, separate, "
                             "limit, order, through, paranoid)");
    at->named |= k->names;
    return k->check(at->c, val, path);
}

static int check_include_element(checker *c, json_t *e, const char *path)
{
    if (is_nonempty_string(e))
        return CLI_OK;
    if (!json_is_object(e))
        return cli_diag_fail(c->diag, path,
                             "expected a model name, an alias or an object with "
                             "\"model\", \"as\", \"association\" or \"all\"");
    struct include_at at = { c, false };
    int rc = cli_each_member(e, path, include_member, &at, c->diag);
    if (rc != CLI_OK)
        return rc;
    if (!at.named)
        return cli_diag_fail(c->diag, path,
                             "name the association: \"model\", \"as\", \"association\" or "
                             "\"all\"");
    return CLI_OK;
}

/* Sequelize's include: one element or an array of them. */
static int check_include(checker *c, json_t *v, const char *path)
{
    if (!json_is_array(v))
        return check_include_element(c, v, path);
    for (size_t i = 0; i < json_array_size(v); i++) {
        char sub[CLI_PATH_MAX];
        cli_path_index(sub, path, i);
        int rc = check_include_element(c, json_array_get(v, i), sub);
        if (rc != CLI_OK)
            return rc;
    }
    return CLI_OK;
}

static bool is_name(const char *s);

static int check_template(checker *c, json_t *v, const char *path, bool in_then);

/* The template at `key` of `v`. */
static int check_at(checker *c, json_t *v, const char *key, const char *path, bool in_then)
{
    char sub[CLI_PATH_MAX];
    cli_path_key(sub, path, key);
    return check_template(c, json_object_get(v, key), sub, in_then);
}

/* {"$map": list, "as": "u", "to": TEMPLATE}: list.map(u => TEMPLATE) */
static int check_map_as(checker *c, json_t *v, json_t *map_as, json_t *map_to, const char *path)
{
    char sub[CLI_PATH_MAX];
    cli_path_key(sub, path, map_as ? "as" : "to");
    if (!map_as || !map_to || json_object_get(v, "get"))
        return cli_diag_fail(c->diag, sub,
                             "$map takes \"as\" and \"to\" together, without \"get\"");
    if (!json_is_string(map_as) || !is_name(json_string_value(map_as)))
        return cli_diag_fail(c->diag, sub, "expected a name (letters, digits, _)");
    if (c->n_bound == sizeof c->bound / sizeof c->bound[0])
        return cli_diag_fail(c->diag, sub, "$map nested too deep");
    return CLI_OK;
}

/* A key next to $ref ("default") or $map ("get", or "as" and "to"). */
static int check_ref_option(checker *c, json_t *v, const char *key, json_t *val, const char *sub,
                            bool in_then)
{
    bool ref = json_object_get(v, "$ref") != NULL;
    bool map = json_object_get(v, "$map") != NULL;
    bool len = json_object_get(v, "$length") != NULL;
    if (ref && !len && strcmp(key, "default") == 0)
        return CLI_OK;
    if (map && strcmp(key, "as") == 0)
        return CLI_OK;
    if (map && strcmp(key, "to") == 0) {
        c->bound[c->n_bound++] = json_string_value(json_object_get(v, "as"));
        int rc = check_template(c, val, sub, in_then);
        c->n_bound--;
        return rc;
    }
    if (map && strcmp(key, "get") == 0) {
        bool ok = is_nonempty_string(val);
        for (size_t i = 0; json_is_array(val) && i < json_array_size(val); i++)
            ok = is_nonempty_string(json_array_get(val, i));
        if (!ok && !json_is_array(val))
            return cli_diag_fail(c->diag, sub, "expected a key path or an array of them");
        return CLI_OK;
    }
    return cli_diag_fail(c->diag, sub,
                         ref || len ? "unknown key next to $ref (expected default)"
                                    : "unknown key next to $map (expected get, or as and to)");
}

/* The template object being checked, for its members: `what` is the key that names the
 * path ($ref, $map or $length); `only_if`: the object is {"$if", "then", "else"}. */
struct template_at {
    checker *c;
    json_t *v;
    const char *what;
    bool in_then, only_if;
};

static int template_ref_member(const char *key, json_t *val, const char *path, void *user_data,
                               cli_diag *diag)
{
    (void)diag;
    const struct template_at *at = user_data;
    if (strcmp(key, at->what) == 0)
        return CLI_OK;
    return check_ref_option(at->c, at->v, key, val, path, at->in_then);
}

/* {"$ref": path, "default": X}, {"$map": path, ...} and {"$length": path}. */
static int check_template_ref(checker *c, json_t *v, const char *path, bool in_then)
{
    char sub[CLI_PATH_MAX];
    json_t *ref = json_object_get(v, "$ref");
    json_t *map = json_object_get(v, "$map");
    json_t *len = json_object_get(v, "$length");
    if (len && (ref || map || json_object_size(v) != 1)) {
        cli_path_key(sub, path, "$length");
        return cli_diag_fail(c->diag, sub, "$length stands alone (a path or a template)");
    }
    if (len)
        ref = len; /* a path, checked as $ref's */
    const char *what = len ? "$length" : ref ? "$ref" : "$map";
    cli_path_key(sub, path, what);
    char name[64];
    const char *rest = NULL;
    json_t *p = ref ? ref : map;
    if (!json_is_string(p) || !cli_tpath_parse(json_string_value(p), name, &rest))
        return cli_diag_fail(c->diag, sub,
                             "expected a path like \"name\", \"name.key\" or \"name[0].key\"");
    if (!is_bound(c, name) && !find_name(c, name, false)) {
        char q[200];
        cli_quote(q, sizeof q, json_string_value(p));
        return cli_diag_fail(c->diag, sub, "%s is not defined by an earlier step's \"as\"", q);
    }
    json_t *map_as = map ? json_object_get(v, "as") : NULL;
    json_t *map_to = map ? json_object_get(v, "to") : NULL;
    if (map && (map_as || map_to) && check_map_as(c, v, map_as, map_to, path) != CLI_OK)
        return CLI_EINPUT;
    struct template_at at = { c, v, what, in_then, false };
    return cli_each_member(v, path, template_ref_member, &at, c->diag);
}

/* {"$this": "key.path"}, in "then" only. */
static int check_this(checker *c, json_t *this_, const char *path, bool in_then)
{
    char sub[CLI_PATH_MAX];
    cli_path_key(sub, path, "$this");
    if (!in_then)
        return cli_diag_fail(c->diag, sub, "$this is only allowed in \"then\"");
    if (!json_is_string(this_))
        return cli_diag_fail(c->diag, sub, "expected a key path (\"\" for the whole result)");
    return CLI_OK;
}

static int template_member(const char *key, json_t *val, const char *path, void *user_data,
                           cli_diag *diag)
{
    const struct template_at *at = user_data;
    if (at->only_if && strcmp(key, "$if") && strcmp(key, "then") && strcmp(key, "else"))
        return cli_diag_fail(diag, path, "unknown key next to $if (expected then, else)");
    return check_template(at->c, val, path, at->in_then);
}

/* Every member of an array or object; with `only_if`, the keys of {"$if", "then", "else"}. */
static int check_members(checker *c, json_t *v, const char *path, bool in_then, bool only_if)
{
    char sub[CLI_PATH_MAX];
    for (size_t i = 0; json_is_array(v) && i < json_array_size(v); i++) {
        cli_path_index(sub, path, i);
        int rc = check_template(c, json_array_get(v, i), sub, in_then);
        if (rc != CLI_OK)
            return rc;
    }
    struct template_at at = { c, v, NULL, in_then, only_if };
    return cli_each_member(v, path, template_member, &at, c->diag);
}

/* Templates of `return` and `then` (docs/scripts.md, "Results"). */
static int check_template(checker *c, json_t *v, const char *path, bool in_then)
{
    if (!json_is_object(v))
        return json_is_array(v) ? check_members(c, v, path, in_then, false) : CLI_OK;
    bool alone = json_object_size(v) == 1;
    json_t *len = json_object_get(v, "$length");
    if (json_object_get(v, "$literal") && alone)
        return CLI_OK;
    if (len && alone && !json_is_string(len))
        return check_at(c, v, "$length", path, in_then);
    if (json_object_get(v, "$ref") || json_object_get(v, "$map") || len)
        return check_template_ref(c, v, path, in_then);
    if (json_object_get(v, "$this") && alone)
        return check_this(c, json_object_get(v, "$this"), path, in_then);
    if (json_object_get(v, "$not") && alone)
        return check_at(c, v, "$not", path, in_then);
    return check_members(c, v, path, in_then, json_object_get(v, "$if") != NULL);
}

/* call args: "$ref" strings (instances, also inside arrays) and {"$ref"} values. */
static int check_call_args(checker *c, json_t *args, const char *path)
{
    for (size_t i = 0; i < json_array_size(args); i++) {
        json_t *a = json_array_get(args, i);
        char sub[CLI_PATH_MAX];
        cli_path_index(sub, path, i);
        json_t *items = json_is_array(a) ? a : NULL;
        size_t n = items ? json_array_size(items) : 1;
        for (size_t k = 0; k < n; k++) {
            json_t *e = items ? json_array_get(items, k) : a;
            char esub[CLI_PATH_MAX];
            if (items)
                cli_path_index(esub, sub, k);
            else
                snprintf(esub, sizeof esub, "%s", sub);
            if (json_is_string(e) && json_string_value(e)[0] == '$') {
                cli_ref r;
                int rc = want_instance_ref(c, &r, e, esub);
                if (rc != CLI_OK)
                    return rc;
            } else if (json_is_object(e) && !json_object_get(e, "$ref")) {
                /* an options object: its include and order are checked like a finder's */
                json_t *inc = json_object_get(e, "include");
                json_t *ord = json_object_get(e, "order");
                char osub[CLI_PATH_MAX];
                if (inc) {
                    cli_path_key(osub, esub, "include");
                    if (check_include(c, inc, osub) != CLI_OK)
                        return CLI_EINPUT;
                }
                if (ord) {
                    cli_path_key(osub, esub, "order");
                    if (check_order(c, ord, osub) != CLI_OK)
                        return CLI_EINPUT;
                }
                if (check_value_refs(c, e, esub) != CLI_OK)
                    return CLI_EINPUT;
            } else if (check_value_refs(c, e, esub) != CLI_OK) {
                return CLI_EINPUT;
            }
        }
    }
    return CLI_OK;
}

static int want_count(checker *c, int64_t *out, json_t *v, int64_t min, const char *path)
{
    if (!json_is_integer(v) || json_integer_value(v) < min)
        return cli_diag_fail(c->diag, path, "expected an integer >= %lld", (long long)min);
    *out = (int64_t)json_integer_value(v);
    return CLI_OK;
}

static bool is_name(const char *s)
{
    cli_ref r;
    return cli_ref_parse(&r, s, false, false) && r.index < 0;
}

static int want_name(checker *c, const char **out, json_t *v, const char *path)
{
    if (!json_is_string(v) || !is_name(json_string_value(v)))
        return cli_diag_fail(c->diag, path, "expected a name (letters, digits, _)");
    *out = json_string_value(v);
    return CLI_OK;
}

static int want_txn(checker *c, const char **out, json_t *v, const char *path)
{
    if (want_name(c, out, v, path) != CLI_OK)
        return CLI_EINPUT;
    if (!find_name(c, *out, true)) {
        char q[100];
        cli_quote(q, sizeof q, *out);
        return cli_diag_fail(c->diag, path, "transaction %s is not begun by an earlier step", q);
    }
    return CLI_OK;
}

static int attempt_member(const char *key, json_t *val, const char *path, void *user_data,
                          cli_diag *diag)
{
    cli_step *s = user_data;
    if (strcmp(key, "message") == 0 && json_is_boolean(val))
        s->attempt_message = json_is_true(val);
    else if (strcmp(key, "error") == 0 && is_nonempty_string(val))
        s->attempt_error = json_string_value(val);
    else if (strcmp(key, "errors") == 0 && json_is_boolean(val))
        s->attempt_errors = json_is_true(val);
    else
        return cli_diag_fail(diag, path,
                             strcmp(key, "message") == 0 || strcmp(key, "errors") == 0
                                 ? "expected true or false"
                             : strcmp(key, "error") == 0
                                 ? "expected an error name"
                                 : "unknown attempt option (expected message, error, errors)");
    return CLI_OK;
}

/* "attempt": true, or {"message": false, "error": "Error"}. */
static int parse_attempt(checker *c, cli_step *s, json_t *v, const char *path)
{
    s->attempt_message = true;
    if (json_is_boolean(v)) {
        s->attempt = json_is_true(v);
        return CLI_OK;
    }
    if (!json_is_object(v))
        return cli_diag_fail(c->diag, path,
                             "expected true or {\"message\": false, \"error\": NAME}");
    s->attempt = true;
    return cli_each_member(v, path, attempt_member, s, c->diag);
}

static int want_model(checker *c, const char **out, json_t *v, const char *path)
{
    if (!json_is_string(v))
        return cli_diag_fail(c->diag, path, "expected a model name");
    const char *name = json_string_value(v);
    bool known = cli_schema_has_model(c->schema, name);
    for (size_t i = 0; !known && i < c->n_join_models; i++)
        known = strcmp(c->join_models[i], name) == 0;
    if (!known) {
        char q[200];
        cli_quote(q, sizeof q, name);
        return cli_diag_fail(c->diag, path, "unknown model %s", q);
    }
    *out = name;
    return CLI_OK;
}

static int require(checker *c, json_t *v, const cli_step *s, const char *key)
{
    if (v)
        return CLI_OK;
    return cli_diag_fail(c->diag, s->path, "\"%s\" is required for %s%s", key, s->kind_name,
                         s->on_instance ? " on an instance" : "");
}

static int forbid(checker *c, json_t *v, const cli_step *s, const char *key)
{
    if (!v)
        return CLI_OK;
    char sub[CLI_PATH_MAX];
    cli_path_key(sub, s->path, key);
    return cli_diag_fail(c->diag, sub, "not allowed for %s %s", s->kind_name,
                         s->on_instance ? "on an instance" : "on a model");
}

/* Sequelize's Transaction.ISOLATION_LEVELS values. */
static int want_isolation(checker *c, cq_isolation_level *out, json_t *v, const char *path)
{
    static const char *const names[] = { [CQ_ISOLATION_READ_UNCOMMITTED] = "READ UNCOMMITTED",
                                         [CQ_ISOLATION_READ_COMMITTED] = "READ COMMITTED",
                                         [CQ_ISOLATION_REPEATABLE_READ] = "REPEATABLE READ",
                                         [CQ_ISOLATION_SERIALIZABLE] = "SERIALIZABLE" };
    for (int i = CQ_ISOLATION_READ_UNCOMMITTED; i <= CQ_ISOLATION_SERIALIZABLE; i++)
        if (json_is_string(v) && strcmp(json_string_value(v), names[i]) == 0) {
            *out = (cq_isolation_level)i;
            return CLI_OK;
        }
    return cli_diag_fail(
        c->diag, path,
        "expected \"READ UNCOMMITTED\", \"READ COMMITTED\", \"REPEATABLE READ\" or "
        "\"SERIALIZABLE\"");
}

/* ---- step subjects: the value of the step's kind key ------------------------------------ */

static int sync_member(const char *key, json_t *val, const char *path, void *user_data,
                       cli_diag *diag)
{
    cli_step *s = user_data;
    if (strcmp(key, "force") != 0 || !json_is_boolean(val))
        return cli_diag_fail(diag, path,
                             strcmp(key, "force") ? "unknown sync option (expected force)"
                                                  : "expected true or false");
    s->force = json_is_true(val);
    return CLI_OK;
}

/* {"sync": {"force": true}} */
static int subject_sync(checker *c, cli_step *s, json_t *v, const char *path)
{
    if (!json_is_object(v))
        return cli_diag_fail(c->diag, path, "expected an object ({} or {\"force\": true})");
    return cli_each_member(v, path, sync_member, s, c->diag);
}

/* {"truncate": {}}: no options */
static int subject_empty(checker *c, cli_step *s, json_t *v, const char *path)
{
    if (!json_is_object(v) || json_object_size(v) != 0)
        return cli_diag_fail(c->diag, path, "expected {} (%s takes no options)", s->kind_name);
    return CLI_OK;
}

/* {"create": "user"} */
static int subject_model(checker *c, cli_step *s, json_t *v, const char *path)
{
    return want_model(c, &s->model, v, path);
}

/* {"save": "$u1"} */
static int subject_instance(checker *c, cli_step *s, json_t *v, const char *path)
{
    s->on_instance = true;
    return want_instance_ref(c, &s->target, v, path);
}

/* update, destroy, ...: {"update": "user"} or {"update": "$u1"} */
static int subject_model_or_instance(checker *c, cli_step *s, json_t *v, const char *path)
{
    if (json_is_string(v) && json_string_value(v)[0] == '$')
        return subject_instance(c, s, v, path);
    return subject_model(c, s, v, path);
}

/* {"call": "getProjects", "on": "$u1"} */
static int subject_method(checker *c, cli_step *s, json_t *v, const char *path)
{
    if (!json_is_string(v) || json_string_length(v) == 0)
        return cli_diag_fail(c->diag, path, "expected a method name like \"getProjects\"");
    s->method = json_string_value(v);
    return CLI_OK;
}

/* {"begin": "t1"} */
static int subject_new_txn(checker *c, cli_step *s, json_t *v, const char *path)
{
    return want_name(c, &s->txn_name, v, path);
}

/* {"commit": "t1"}, {"rollback": "t1"} */
static int subject_txn(checker *c, cli_step *s, json_t *v, const char *path)
{
    return want_txn(c, &s->txn_name, v, path);
}

/* {"associate": {"source": ..., "type": ..., "target": ...}} */
static int subject_assoc(checker *c, cli_step *s, json_t *v, const char *path)
{
    s->assoc = cq__calloc(1, sizeof *s->assoc);
    if (!s->assoc) {
        cq__diag_oom(c->diag, s->path);
        return CLI_ENOMEM;
    }
    int rc = cli_assoc_parse(s->assoc, v, path, c->schema, c->diag);
    if (rc == CLI_OK && s->assoc->opts.through &&
        c->n_join_models < sizeof c->join_models / sizeof c->join_models[0])
        c->join_models[c->n_join_models++] = s->assoc->opts.through;
    return rc;
}

/* {"return": {...}} */
static int subject_template(checker *c, cli_step *s, json_t *v, const char *path)
{
    s->tmpl = v;
    return check_template(c, v, path, false);
}

static int parse_step(checker *c, cli_step *s, json_t *j);

/* {"transaction": [steps...]} */
static int subject_steps(checker *c, cli_step *s, json_t *v, const char *path)
{
    if (c->txn_depth >= 16)
        return cli_diag_fail(c->diag, path, "transactions nested too deep (16 levels at most)");
    s->inner = cq__calloc(json_array_size(v) + 1, sizeof *s->inner);
    if (!s->inner) {
        cq__diag_oom(c->diag, s->path);
        return CLI_ENOMEM;
    }
    s->n_inner = json_array_size(v);
    c->txn_depth++;
    int rc = CLI_OK;
    for (size_t i = 0; rc == CLI_OK && i < s->n_inner; i++) {
        cli_path_index(s->inner[i].path, path, i);
        rc = parse_step(c, &s->inner[i], json_array_get(v, i));
    }
    c->txn_depth--;
    return rc;
}

/* ---- step keys: one reader, one row per key ----------------------------------------------- */

/* bulkCreate: an array of objects; the others: an object. */
static int check_values(checker *c, cli_step *s, json_t *v, const char *path)
{
    if (s->kind != CLI_STEP_BULK_CREATE)
        return want_object(c, v, path);
    if (!json_is_array(v))
        return cli_diag_fail(c->diag, path, "expected an array of objects");
    int rc = CLI_OK;
    for (size_t i = 0; rc == CLI_OK && i < json_array_size(v); i++) {
        char sub[CLI_PATH_MAX];
        cli_path_index(sub, path, i);
        rc = want_object(c, json_array_get(v, i), sub);
    }
    return rc;
}

/* increment/decrement: a name, a list of names, or {name: amount}; others: names. */
static int check_fields(checker *c, cli_step *s, json_t *v, const char *path)
{
    if (s->kind != CLI_STEP_INCREMENT && s->kind != CLI_STEP_DECREMENT)
        return want_string_list(c, v, path);
    if (json_is_object(v)) {
        const char *k;
        json_t *amount;
        json_object_foreach(v, k, amount)
        {
            if (!json_is_number(amount))
                return cli_diag_fail(c->diag, path, "expected a number for \"%s\"", k);
        }
        return CLI_OK;
    }
    return json_is_string(v) ? CLI_OK : want_string_list(c, v, path);
}

/* findAll/findOne: a name, an expression, or a list of them (the library checks); the
 * aggregates: names. */
static int check_group(checker *c, cli_step *s, json_t *v, const char *path)
{
    if (s->kind != CLI_STEP_FIND_ALL && s->kind != CLI_STEP_FIND_ONE)
        return want_string_list(c, v, path);
    if (!json_is_string(v) && !json_is_array(v) && !json_is_object(v))
        return cli_diag_fail(c->diag, path, "expected a column name, an expression or a list");
    return CLI_OK;
}

static int check_pk(checker *c, json_t *v, const char *path)
{
    if (json_is_array(v) || (json_is_object(v) && !json_object_get(v, "$ref")))
        return cli_diag_fail(c->diag, path, "expected a primary-key value");
    return check_value_refs(c, v, path);
}

static int check_args(checker *c, json_t *v, const char *path)
{
    if (!json_is_array(v))
        return cli_diag_fail(c->diag, path, "expected an array");
    return check_call_args(c, v, path);
}

static int check_then(checker *c, json_t *v, const char *path)
{
    return check_template(c, v, path, true);
}

/* What a key's value is, so what read_key checks and writes into the step's field. */
typedef enum {
    KEY_IGNORED,   /* "comment": free text */
    KEY_BOOL,      /* bool */
    KEY_FLAG,      /* cq_flag: a boolean whose absence means the library's default */
    KEY_STRING,    /* const char *: attribute, col, fn */
    KEY_INT,       /* int64_t */
    KEY_LIMIT,     /* int64_t >= 1 */
    KEY_OFFSET,    /* int64_t >= 0 */
    KEY_INSTANCE,  /* cli_ref */
    KEY_NAME,      /* const char *: a name a later step refers to */
    KEY_TXN,       /* const char *: a transaction begun earlier */
    KEY_ISOLATION, /* cq_isolation_level */
    KEY_ATTEMPT,   /* the step's attempt */
    KEY_JSON,      /* json_t *, checked by the row's check */
    KEY_STEP_JSON, /* json_t *, checked by the row's step_check (the check depends on the step) */
} key_kind;

typedef int (*step_check_fn)(checker *c, cli_step *s, json_t *v, const char *path);

typedef struct key_def {
    const char *key;
    key_kind kind;
    size_t field;             /* offsetof(cli_step, ...) */
    json_check_fn check;      /* KEY_JSON rows (NULL: any JSON) */
    step_check_fn step_check; /* KEY_STEP_JSON rows */
} key_def;

/* Reads the value `v` of the key `k` into its field of `s`. */
static int read_key(checker *c, cli_step *s, const key_def *k, json_t *v, const char *path)
{
    void *field = (char *)s + k->field;
    int rc = CLI_OK;
    switch (k->kind) {
    case KEY_IGNORED:
        return CLI_OK;
    case KEY_BOOL:
        if ((rc = want_bool(c, v, path)) == CLI_OK)
            *(bool *)field = json_is_true(v);
        return rc;
    case KEY_FLAG:
        if ((rc = want_bool(c, v, path)) == CLI_OK)
            *(cq_flag *)field = json_is_true(v) ? CQ_ON : CQ_OFF;
        return rc;
    case KEY_STRING:
        if (!json_is_string(v))
            return cli_diag_fail(c->diag, path, "expected a name");
        *(const char **)field = json_string_value(v);
        return CLI_OK;
    case KEY_INT:
        if (!json_is_integer(v))
            return cli_diag_fail(c->diag, path, "expected an integer");
        *(int64_t *)field = json_integer_value(v);
        return CLI_OK;
    case KEY_LIMIT:
    case KEY_OFFSET:
        return want_count(c, field, v, k->kind == KEY_LIMIT ? 1 : 0, path);
    case KEY_INSTANCE:
        return want_instance_ref(c, field, v, path);
    case KEY_NAME:
        return want_name(c, field, v, path);
    case KEY_TXN:
        return want_txn(c, field, v, path);
    case KEY_ISOLATION:
        return want_isolation(c, field, v, path);
    case KEY_ATTEMPT:
        return parse_attempt(c, s, v, path);
    case KEY_JSON:
        *(json_t **)field = v;
        return k->check ? k->check(c, v, path) : CLI_OK;
    case KEY_STEP_JSON:
        *(json_t **)field = v;
        return k->step_check(c, s, v, path);
    }
    return CLI_OK;
}

/* clang-format off */
#define KEY(name, kind, member)            { name, kind, offsetof(cli_step, member), NULL, NULL }
#define KEY_JSON(name, check, member)      { name, KEY_JSON, offsetof(cli_step, member), check, NULL }
#define KEY_STEP_JSON(name, check, member) { name, KEY_STEP_JSON, offsetof(cli_step, member), NULL, check }
/* clang-format on */

/* Keys every step may have ("transaction" unless its row says no_txn). */
static const key_def common_keys[] = {
    KEY("as", KEY_NAME, as),
    KEY("expectError", KEY_BOOL, expect_error),
    KEY("transaction", KEY_TXN, transaction),
    KEY("comment", KEY_IGNORED, as),
    KEY("attempt", KEY_ATTEMPT, attempt),
    KEY_JSON("then", check_then, then),
};

/* The step-specific keys; a row of step_defs names those each step allows. */
static const key_def step_keys[] = {
    KEY_STEP_JSON("values", check_values, values),
    KEY_JSON("where", want_object, where),
    KEY("validate", KEY_FLAG, validate),
    KEY("force", KEY_BOOL, force),
    KEY("paranoid", KEY_FLAG, paranoid),
    KEY_JSON("attributes", check_attributes, attributes),
    KEY_STEP_JSON("fields", check_fields, fields),
    KEY("attribute", KEY_STRING, agg_attr),
    KEY("col", KEY_STRING, agg_attr),
    KEY("fn", KEY_STRING, agg_fn),
    KEY("distinct", KEY_BOOL, distinct),
    KEY_STEP_JSON("group", check_group, group),
    KEY_JSON("scope", want_scope, scope),
    KEY_JSON("having", want_object, having),
    KEY_JSON("defaults", want_object, defaults),
    KEY_JSON("updateOnDuplicate", want_string_list, update_on_dup),
    KEY("ignoreDuplicates", KEY_BOOL, ignore_dup),
    KEY_JSON("conflictFields", want_string_list, conflict_fields),
    KEY("returning", KEY_FLAG, returning),
    KEY("by", KEY_INT, by),
    KEY("silent", KEY_BOOL, silent),
    KEY_JSON("order", check_order, order),
    KEY("limit", KEY_LIMIT, limit),
    KEY("offset", KEY_OFFSET, offset),
    KEY_JSON("pk", check_pk, pk),
    KEY("on", KEY_INSTANCE, target),
    KEY_JSON("args", check_args, args),
    KEY_JSON("include", check_include, include),
    KEY_JSON("through", want_object, through),
    KEY("parent", KEY_TXN, parent),
    KEY("isolationLevel", KEY_ISOLATION, isolation),
};

#undef KEY
#undef KEY_JSON
#undef KEY_STEP_JSON

/* ---- the steps ------------------------------------------------------------------------------ */

#define NONE  CLI_RESULT_NONE
#define VALUE CLI_RESULT_VALUE

static const cli_step_def step_defs[] = {
    { "sync", CLI_STEP_SYNC, subject_sync, "", "", false, "", NONE, NONE, false, false,
      cli_run_sync },
    { "create", CLI_STEP_CREATE, subject_model,
      "values fields include updateOnDuplicate ignoreDuplicates validate ", "", false, "",
      CLI_RESULT_INSTANCE, NONE, false, false, cli_run_create },
    { "bulkCreate", CLI_STEP_BULK_CREATE, subject_model,
      "values fields include updateOnDuplicate ignoreDuplicates validate ", "values ", false, "",
      CLI_RESULT_ROWS, NONE, false, false, cli_run_bulk_create },
    { "build", CLI_STEP_BUILD, subject_model, "values ", "", false, "", CLI_RESULT_INSTANCE, NONE,
      false, false, cli_run_build },
    { "save", CLI_STEP_SAVE, subject_instance, "fields validate ", "", false, "", NONE, NONE, false,
      false, cli_run_save },
    { "findAll", CLI_STEP_FIND_ALL, subject_model,
      "where attributes order limit offset include paranoid group having scope ", "", false, "",
      CLI_RESULT_ROWS, NONE, false, true, cli_run_find_all },
    { "findOne", CLI_STEP_FIND_ONE, subject_model,
      "where attributes order offset include paranoid group having scope ", "", false, "",
      CLI_RESULT_INSTANCE, NONE, false, true, cli_run_find_one },
    { "findByPk", CLI_STEP_FIND_BY_PK, subject_model, "pk attributes include order paranoid scope ",
      "pk ", false, "", CLI_RESULT_INSTANCE, NONE, false, true, cli_run_find_by_pk },
    { "count", CLI_STEP_COUNT, subject_model, "where include paranoid distinct col group scope ",
      "", false, "", VALUE, NONE, false, true, cli_run_count },
    { "max", CLI_STEP_AGGREGATE, subject_model, "attribute where paranoid scope ", "attribute ",
      false, "", VALUE, NONE, false, false, cli_run_aggregate },
    { "min", CLI_STEP_AGGREGATE, subject_model, "attribute where paranoid scope ", "attribute ",
      false, "", VALUE, NONE, false, false, cli_run_aggregate },
    { "sum", CLI_STEP_AGGREGATE, subject_model, "attribute where paranoid scope ", "attribute ",
      false, "", VALUE, NONE, false, false, cli_run_aggregate },
    { "aggregate", CLI_STEP_AGGREGATE, subject_model,
      "attribute fn where paranoid distinct group scope ", "fn attribute ", false, "", VALUE, NONE,
      false, false, cli_run_aggregate },
    { "findAndCountAll", CLI_STEP_FIND_AND_COUNT_ALL, subject_model,
      "where attributes order limit offset include paranoid scope ", "", false, "", VALUE, NONE,
      false, true, cli_run_find_and_count_all },
    /* Model.update needs where in Sequelize; fields is the instance form's */
    { "update", CLI_STEP_UPDATE, subject_model_or_instance, "values where fields validate scope ",
      "values ", true, "fields ", VALUE, NONE, false, false, cli_run_update },
    { "destroy", CLI_STEP_DESTROY, subject_model_or_instance, "where force scope ", "", true, "",
      VALUE, NONE, false, false, cli_run_destroy },
    { "restore", CLI_STEP_RESTORE, subject_model_or_instance, "where ", "", false, "", VALUE, NONE,
      false, false, cli_run_restore },
    { "findOrCreate", CLI_STEP_FIND_OR_CREATE, subject_model, "where defaults ", "where ", false,
      "", VALUE, NONE, false, false, cli_run_find_or_create },
    { "findCreateFind", CLI_STEP_FIND_CREATE_FIND, subject_model, "where defaults ", "where ",
      false, "", VALUE, NONE, false, false, cli_run_find_or_create },
    { "upsert", CLI_STEP_UPSERT, subject_model, "values fields conflictFields returning ",
      "values ", false, "", VALUE, NONE, false, false, cli_run_upsert },
    { "increment", CLI_STEP_INCREMENT, subject_model_or_instance, "fields by where silent ",
      "fields ", true, "", VALUE, CLI_RESULT_INSTANCE, false, false, cli_run_increment },
    { "decrement", CLI_STEP_DECREMENT, subject_model_or_instance, "fields by where silent ",
      "fields ", true, "", VALUE, CLI_RESULT_INSTANCE, false, false, cli_run_increment },
    { "reload", CLI_STEP_RELOAD, subject_instance, "", "", false, "", NONE, NONE, false, false,
      cli_run_reload },
    { "set", CLI_STEP_SET, subject_instance, "values through ", "values|through ", false, "", NONE,
      NONE, false, false, cli_run_set },
    { "call", CLI_STEP_CALL, subject_method, "on args ", "on ", false, "", CLI_RESULT_ANY,
      CLI_RESULT_ANY, false, false, cli_run_call },
    { "begin", CLI_STEP_BEGIN, subject_new_txn, "parent isolationLevel ", "", false, "", NONE, NONE,
      true, false, cli_run_begin },
    /* a string "transaction" is the key every step may have; an array, this step */
    { "transaction", CLI_STEP_TRANSACTION, subject_steps, "parent isolationLevel ", "", false, "",
      VALUE, NONE, false, false, cli_run_transaction },
    { "commit", CLI_STEP_COMMIT, subject_txn, "", "", false, "", NONE, NONE, true, false,
      cli_run_end },
    { "rollback", CLI_STEP_ROLLBACK, subject_txn, "", "", false, "", NONE, NONE, true, false,
      cli_run_end },
    { "associate", CLI_STEP_ASSOCIATE, subject_assoc, "", "", false, "", VALUE, NONE, true, false,
      cli_run_associate },
    { "return", CLI_STEP_RETURN, subject_template, "", "", false, "", VALUE, NONE, true, false,
      cli_run_return },
    { "truncate", CLI_STEP_TRUNCATE, subject_empty, "", "", false, "", NONE, NONE, false, false,
      cli_run_truncate },
    { "forEachModel", CLI_STEP_FOR_EACH_MODEL, subject_empty, "", "", false, "", VALUE, NONE, true,
      false, cli_run_for_each_model },
};
enum { N_STEP_DEFS = sizeof step_defs / sizeof step_defs[0] };

#undef NONE
#undef VALUE

/* Whether the space-separated list `list` has `key` ("a|b" entries match a and b). */
static bool list_has(const char *list, const char *key)
{
    size_t n = strlen(key);
    if (n == 0) /* strstr would match everywhere, past the end of the list */
        return false;
    for (const char *p = list; (p = strstr(p, key)) != NULL; p++)
        if ((p == list || p[-1] == ' ' || p[-1] == '|') && (p[n] == ' ' || p[n] == '|'))
            return true;
    return false;
}

/* The row of the one key that names the step kind. */
static int find_def(checker *c, const cli_step_def **out, cli_step *s, json_t *j)
{
    const char *key;
    json_t *val;
    *out = NULL;
    json_object_foreach(j, key, val)
    {
        for (size_t i = 0; i < N_STEP_DEFS; i++) {
            if (strcmp(step_defs[i].key, key) != 0)
                continue;
            if (step_defs[i].kind == CLI_STEP_TRANSACTION && !json_is_array(val))
                continue; /* {"transaction": "t1"}: the step runs in t1 */
            if (*out)
                return cli_diag_fail(c->diag, s->path, "a step has one kind, got \"%s\" and \"%s\"",
                                     (*out)->key, key);
            *out = &step_defs[i];
        }
    }
    if (*out)
        return CLI_OK;
    /* Name the first key that is not a common one: most likely a misspelt kind. */
    json_object_foreach(j, key, val)
    {
        if (!CQ__FIND_ROW(common_keys, key)) {
            char q[200];
            cli_quote(q, sizeof q, key);
            return cli_diag_fail(c->diag, s->path, "unknown step %s", q);
        }
    }
    return cli_diag_fail(c->diag, s->path, "missing the step kind (findAll, create, ...)");
}

/* The keys besides the kind, each read by its row of common_keys or step_keys. */
static int parse_keys(checker *c, cli_step *s, json_t *j)
{
    const cli_step_def *def = s->def;
    const char *key;
    json_t *val;
    json_object_foreach(j, key, val)
    {
        if (strcmp(key, def->key) == 0)
            continue;
        char sub[CLI_PATH_MAX];
        cli_path_key(sub, s->path, key);
        const key_def *k = CQ__FIND_ROW(common_keys, key);
        if (k && def->no_txn && strcmp(key, "transaction") == 0)
            k = NULL;
        if (!k && !list_has(def->keys, key))
            return cli_diag_fail(c->diag, sub, "unknown key for %s", def->key);
        if (!k)
            k = CQ__FIND_ROW(step_keys, key);
        int rc = k ? read_key(c, s, k, val, sub) : CLI_OK;
        if (rc != CLI_OK)
            return rc;
    }
    return CLI_OK;
}

/* The step's required keys, and those its model and instance forms exclude. */
static int check_required(checker *c, cli_step *s, json_t *j)
{
    const cli_step_def *def = s->def;
    char key[64];
    for (const char *p = def->required; *p; p += strcspn(p, " ") + 1) {
        size_t n = strcspn(p, "| ");
        snprintf(key, sizeof key, "%.*s", (int)n, p);
        bool present = false;
        for (const char *q = p; q < p + strcspn(p, " "); q += strcspn(q, "| ") + 1) {
            char alt[64];
            snprintf(alt, sizeof alt, "%.*s", (int)strcspn(q, "| "), q);
            present |= json_object_get(j, alt) != NULL;
        }
        if (require(c, present ? j : NULL, s, key) != CLI_OK)
            return CLI_EINPUT;
    }
    json_t *where = json_object_get(j, "where");
    if (def->where_on_model && s->on_instance && forbid(c, where, s, "where") != CLI_OK)
        return CLI_EINPUT;
    if (def->where_on_model && !s->on_instance && require(c, where, s, "where") != CLI_OK)
        return CLI_EINPUT;
    for (const char *p = def->instance_only; *p && !s->on_instance; p += strcspn(p, " ") + 1) {
        snprintf(key, sizeof key, "%.*s", (int)strcspn(p, " "), p);
        if (forbid(c, json_object_get(j, key), s, key) != CLI_OK)
            return CLI_EINPUT;
    }
    if (s->kind == CLI_STEP_AGGREGATE && !s->agg_fn)
        s->agg_fn = s->kind_name; /* max, min, sum */
    return CLI_OK;
}

/* The names the step defines: its "as" (checked against what the step gives) and a begun
 * transaction. */
static int define_names(checker *c, cli_step *s, json_t *j)
{
    int rc = CLI_OK;
    if (json_object_get(j, "as")) {
        cli_result_kind kind = s->on_instance ? s->def->on_inst : s->def->on_model;
        if (s->attempt || s->then)
            kind = CLI_RESULT_VALUE; /* {value}/{error} or the template's value, on any step */
        if (kind == CLI_RESULT_NONE) {
            char sub[CLI_PATH_MAX];
            cli_path_key(sub, s->path, "as");
            return cli_diag_fail(c->diag, sub, "%s%s has no result to name", s->def->key,
                                 s->on_instance ? " on an instance" : "");
        }
        rc = add_name(c, s->as, kind, false);
    }
    if (rc == CLI_OK && s->kind == CLI_STEP_BEGIN)
        rc = add_name(c, s->txn_name, CLI_RESULT_NONE, true);
    if (rc == CLI_ENOMEM)
        cq__diag_oom(c->diag, s->path);
    return rc;
}

static int parse_step(checker *c, cli_step *s, json_t *j)
{
    if (!json_is_object(j))
        return cli_diag_fail(c->diag, s->path, "expected an object like {\"findAll\": \"user\"}");
    const cli_step_def *def = NULL;
    int rc = find_def(c, &def, s, j);
    if (rc != CLI_OK)
        return rc;
    s->def = def;
    s->kind = def->kind;
    s->kind_name = def->key;
    char tpath[CLI_PATH_MAX];
    cli_path_key(tpath, s->path, def->key);
    rc = def->subject(c, s, json_object_get(j, def->key), tpath);
    if (rc == CLI_OK)
        rc = parse_keys(c, s, j);
    if (rc == CLI_OK)
        rc = check_required(c, s, j);
    if (rc == CLI_OK)
        rc = define_names(c, s, j);
    return rc;
}

/* Frees what `n` steps own (an array whose entries past the parsed ones are zeroed). */
static void steps_free(cli_step *steps, size_t n)
{
    for (size_t i = 0; steps && i < n; i++) {
        cli_assoc_clear(steps[i].assoc);
        cq__free(steps[i].assoc);
        steps_free(steps[i].inner, steps[i].n_inner);
        cq__free(steps[i].inner);
    }
}

void cli_script_free(cli_script *s)
{
    if (!s)
        return;
    cli_schema_free(s->schema);
    steps_free(s->steps, s->steps ? s->n_steps + 1 : 0);
    cq__free(s->steps);
    json_decref(s->root);
    cq__free(s);
}

static int load_schema_path(cli_schema **out, const char *rel, const char *base_dir, cli_diag *diag)
{
    if (!base_dir)
        return cli_diag_fail(diag, "schema", "a schema path is not allowed here");
    size_t n = strlen(base_dir) + strlen(rel) + 2;
    char *path = cq__malloc(n);
    if (!path) {
        cq__diag_oom(diag, "schema");
        return CLI_ENOMEM;
    }
    if (rel[0] == '/' || !base_dir[0])
        snprintf(path, n, "%s", rel);
    else
        snprintf(path, n, "%s/%s", base_dir, rel);
    size_t len = 0;
    char *text = cli_read_file(path, &len, diag);
    int rc = CLI_EINPUT;
    if (text)
        rc = cli_load_schema(out, text, len, path, diag);
    cq__free(text);
    cq__free(path);
    return rc;
}

int cli_load_script(cli_script **out, const char *text, size_t len, const char *origin,
                    const char *base_dir, const cli_schema *fallback, cli_diag *diag)
{
    *out = NULL;
    checker c = { .diag = diag };
    cli_script *s = cq__calloc(1, sizeof *s);
    if (!s) {
        cq__diag_oom(diag, NULL);
        return CLI_ENOMEM;
    }
    int rc = cli_json_parse(&s->root, text, len, origin, diag);
    if (rc != CLI_OK)
        goto done;
    if (!json_is_object(s->root)) {
        cli_diag_set(diag, NULL, "a script is an object with \"schema\" and \"steps\"");
        rc = CLI_EINPUT;
        goto done;
    }
    json_t *schema = NULL, *steps = NULL;
    const char *key;
    json_t *val;
    json_object_foreach(s->root, key, val)
    {
        if (strcmp(key, "schema") == 0) {
            schema = val;
        } else if (strcmp(key, "steps") == 0) {
            steps = val;
        } else if (strcmp(key, "comment") != 0) {
            char sub[CLI_PATH_MAX];
            cli_path_key(sub, "", key);
            cli_diag_set(diag, sub, "unknown script key (expected schema, steps, comment)");
            rc = CLI_EINPUT;
            goto done;
        }
    }
    if (json_is_string(schema)) {
        rc = load_schema_path(&s->schema, json_string_value(schema), base_dir, diag);
    } else if (schema) {
        rc = cli_schema_from_json(&s->schema, schema, "schema", diag);
    } else if (!fallback) {
        cli_diag_set(diag, NULL, "no schema: give \"schema\" in the script or --schema FILE");
        rc = CLI_EINPUT;
    }
    if (rc != CLI_OK)
        goto done;
    c.schema = s->schema ? s->schema : fallback;
    if (!json_is_array(steps)) {
        cli_diag_set(diag, steps ? "steps" : NULL,
                     steps ? "expected an array" : "\"steps\" is required");
        rc = CLI_EINPUT;
        goto done;
    }
    s->steps = cq__calloc(json_array_size(steps) + 1, sizeof *s->steps);
    if (!s->steps) {
        cq__diag_oom(diag, NULL);
        rc = CLI_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < json_array_size(steps); i++) {
        cli_step *st = &s->steps[i];
        cli_path_index(st->path, "steps", i);
        rc = parse_step(&c, st, json_array_get(steps, i));
        if (rc != CLI_OK)
            goto done;
        s->n_steps++;
    }
done:
    cq__free(c.names);
    if (rc != CLI_OK) {
        cli_script_free(s);
        return rc;
    }
    *out = s;
    return CLI_OK;
}
