/*
 * Schema loader: the JSON form of Sequelize's `sequelize.define(name, attributes, options)`
 * calls (docs/schema.md). Everything is checked here without a database, so a bad file
 * fails with the JSON path of the fault before anything is created.
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "schema/schema.h"

/* ---- data types ------------------------------------------------------------------------ */

typedef enum { PARAM_NONE, PARAM_LENGTH, PARAM_DECIMAL, PARAM_FRACTION } param_kind;

static const struct {
    const char *name;
    cq_type type;
    param_kind params;
} types[] = {
    { "STRING", CQ_STRING, PARAM_LENGTH },   { "CHAR", CQ_CHAR, PARAM_LENGTH },
    { "TEXT", CQ_TEXT, PARAM_NONE },         { "INTEGER", CQ_INTEGER, PARAM_NONE },
    { "BIGINT", CQ_BIGINT, PARAM_NONE },     { "SMALLINT", CQ_SMALLINT, PARAM_NONE },
    { "FLOAT", CQ_FLOAT, PARAM_NONE },       { "REAL", CQ_REAL, PARAM_NONE },
    { "DOUBLE", CQ_DOUBLE, PARAM_NONE },     { "DECIMAL", CQ_DECIMAL, PARAM_DECIMAL },
    { "BOOLEAN", CQ_BOOLEAN, PARAM_NONE },   { "DATE", CQ_DATE, PARAM_FRACTION },
    { "DATEONLY", CQ_DATEONLY, PARAM_NONE }, { "TIME", CQ_TIME, PARAM_NONE },
    { "UUID", CQ_UUID, PARAM_NONE },         { "JSON", CQ_JSON, PARAM_NONE },
    { "BLOB", CQ_BLOB, PARAM_NONE },         { "JSONB", CQ_JSONB, PARAM_NONE },
    { "ENUM", CQ_ENUM, PARAM_NONE },         { "ARRAY", CQ_ARRAY, PARAM_NONE },
    { "VIRTUAL", CQ_VIRTUAL, PARAM_NONE },
};

static void skip_spaces(const char **p);

void cq__sch_strv_free(char **v)
{
    for (char **p = v; p && *p; p++)
        cq__free(*p);
    cq__free(v);
}

/* The quoted values of "ENUM('a', 'b')" after the "(" at *p: 'x' or "x", the quote doubled
 * inside; a NULL-terminated list the caller frees with cq__sch_strv_free. */
static int parse_enum_values(char ***out, const char *p, const char *q, const char *path,
                             cq__diag *diag)
{
    *out = NULL;
    size_t n = 0, cap = 0;
    char **v = NULL;
    for (;;) {
        skip_spaces(&p);
        char quote = *p;
        if (quote != '\'' && quote != '"')
            break;
        const char *start = ++p;
        size_t len = 0;
        for (; *p; p++, len++) {
            if (*p == quote && p[1] == quote)
                p++;
            else if (*p == quote)
                break;
        }
        if (*p != quote)
            break;
        char *val = cq__malloc(len + 1);
        if (!val || cq__grow((void **)&v, &cap, n + 2, sizeof *v) != 0) {
            cq__free(val);
            cq__sch_strv_free(v);
            cq__diag_oom(diag, path);
            return CQ_ENOMEM;
        }
        size_t k = 0;
        for (const char *c = start; c < p; c++) {
            if (*c == quote && c[1] == quote)
                c++;
            val[k++] = *c;
        }
        val[k] = '\0';
        v[n++] = val;
        v[n] = NULL;
        p++;
        skip_spaces(&p);
        if (*p == ',') {
            p++;
            continue;
        }
        if (p[0] == ')' && p[1] == '\0') {
            *out = v;
            return CQ_OK;
        }
        break;
    }
    cq__sch_strv_free(v);
    return cq__diag_fail(diag, path, "bad type %s: expected ENUM('value', ...)", q);
}

/* Reads a decimal number in 1..65535 at *p; advances *p. */
static bool read_number(const char **p, int *out)
{
    const char *s = *p;
    long v = 0;
    if (!isdigit((unsigned char)*s))
        return false;
    while (isdigit((unsigned char)*s)) {
        v = v * 10 + (*s - '0');
        if (v > 65535)
            return false;
        s++;
    }
    if (v < 1)
        return false;
    *out = (int)v;
    *p = s;
    return true;
}

static void skip_spaces(const char **p)
{
    while (**p == ' ')
        (*p)++;
}

static int parse_type(cq_attr *attr, char ***values, const char *text, const char *path,
                      cq__diag *diag);

/* ARRAY(TYPE): the element's own parameters stay its own. `n`: the length of "ARRAY". */
static int parse_array_type(cq_attr *attr, char ***values, const char *text, size_t n,
                            const char *q, const char *path, cq__diag *diag)
{
    size_t len = strlen(text);
    if (text[n] != '(' || text[len - 1] != ')')
        return cq__diag_fail(diag, path, "bad type %s: expected ARRAY(TYPE)", q);
    char inner[200];
    snprintf(inner, sizeof inner, "%.*s", (int)(len - n - 2), text + n + 1);
    cq_attr el = { 0 };
    int rc = CQ_EINVALID;
    if (strncmp(inner, "ARRAY", 5) == 0)
        cq__diag_set(diag, path, "bad type %s: arrays of arrays are not supported", q);
    else
        rc = parse_type(&el, values, inner, path, diag);
    attr->element_type = el.type;
    attr->length = el.length;
    return rc;
}

/* The arguments of a type (`p` just past its "("): length, precision and scale, digits. */
static int parse_type_params(cq_attr *attr, param_kind params, const char *p, const char *q,
                             const char *path, cq__diag *diag)
{
    int a = 0, b = 0;
    bool ok = read_number(&p, &a);
    skip_spaces(&p);
    if (ok && params == PARAM_DECIMAL && *p == ',') {
        p++;
        skip_spaces(&p);
        ok = read_number(&p, &b);
        skip_spaces(&p);
    }
    if (!ok || p[0] != ')' || p[1] != '\0' || (params == PARAM_FRACTION && a > 6)) {
        /* fractional-second digits, as MySQL's DATETIME(p) takes them: 1 to 6 */
        return cq__diag_fail(diag, path, "bad type %s: expected %s", q,
                             params == PARAM_LENGTH     ? "NAME(length)"
                             : params == PARAM_FRACTION ? "DATE(digits), digits 1 to 6"
                                                        : "DECIMAL(precision) or "
                                                          "DECIMAL(precision,scale)");
    }
    if (params == PARAM_DECIMAL && b > a)
        return cq__diag_fail(diag, path, "bad type %s: scale is larger than precision", q);
    if (params == PARAM_LENGTH)
        attr->length = a;
    else
        attr->precision = a;
    if (params == PARAM_DECIMAL)
        attr->scale = b;
    return CQ_OK;
}

/* An unknown type's message, helping the common slip of writing Sequelize's types in lower
 * case. */
static int unknown_type(const char *text, size_t n, const char *q, const char *path, cq__diag *diag)
{
    char upper[64];
    size_t i = 0;
    for (; i < n && i + 1 < sizeof upper; i++)
        upper[i] = (char)toupper((unsigned char)text[i]);
    upper[i] = '\0';
    for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
        if (i == n && strcmp(types[t].name, upper) == 0)
            return cq__diag_fail(diag, path, "unknown type %s (types are upper case: \"%s\")", q,
                                 types[t].name);
    }
    return cq__diag_fail(diag, path, "unknown type %s", q);
}

/* "STRING", "STRING(64)", "DECIMAL(10,2)", "DATE(3)", "ENUM('a','b')", "ARRAY(INTEGER)" ->
 * attr->type/length/precision/scale/element_type; ENUM values into *values (the caller frees
 * them with cq__sch_strv_free; NULL `values` refuses ENUMs). */
static int parse_type(cq_attr *attr, char ***values, const char *text, const char *path,
                      cq__diag *diag)
{
    char q[200];
    cq__quote(q, sizeof q, text);
    size_t n = strcspn(text, "(");
    size_t i = 0;
    while (i < sizeof types / sizeof types[0] &&
           (strlen(types[i].name) != n || strncmp(types[i].name, text, n) != 0))
        i++;
    if (i == sizeof types / sizeof types[0])
        return unknown_type(text, n, q, path, diag);
    attr->type = types[i].type;
    if (types[i].type == CQ_ENUM && !values)
        return cq__diag_fail(diag, path, "type %s is not available here", q);
    if (types[i].type == CQ_ARRAY)
        return parse_array_type(attr, values, text, n, q, path, diag);
    if (text[n] == '\0')
        return CQ_OK;
    const char *p = text + n + 1;
    skip_spaces(&p);
    if (types[i].type == CQ_ENUM) {
        cq__sch_strv_free(*values);
        return parse_enum_values(values, p, q, path, diag);
    }
    if (types[i].params == PARAM_NONE)
        return cq__diag_fail(diag, path, "type %s takes no arguments (got %s)", types[i].name, q);
    return parse_type_params(attr, types[i].params, p, q, path, diag);
}

/* ---- small JSON readers ---------------------------------------------------------------- */

static int want_bool(bool *out, json_t *v, const char *path, cq__diag *diag)
{
    if (!json_is_boolean(v))
        return cq__diag_fail(diag, path, "expected true or false");
    *out = json_is_true(v);
    return CQ_OK;
}

static int want_flag(cq_flag *out, json_t *v, const char *path, cq__diag *diag)
{
    bool b = false;
    int rc = want_bool(&b, v, path, diag);
    *out = b ? CQ_ON : CQ_OFF;
    return rc;
}

static int want_string(const char **out, json_t *v, const char *path, cq__diag *diag)
{
    if (!json_is_string(v) || json_string_length(v) == 0 ||
        strlen(json_string_value(v)) != json_string_length(v)) {
        return cq__diag_fail(diag, path, "expected a non-empty string");
    }
    *out = json_string_value(v);
    return CQ_OK;
}

static int unknown_key(const char *path, const char *key, const char *what, cq__diag *diag)
{
    char sub[CQ__PATH_MAX];
    cq__path_key(sub, path, key);
    return cq__diag_fail(diag, sub, "unknown %s", what);
}

/* The five referential actions; anything else is rejected here, like the library does
 * (docs/differences.md). */
static int want_action(cq_ref_action *out, json_t *v, const char *path, cq__diag *diag)
{
    const char *s = NULL;
    if (want_string(&s, v, path, diag) != CQ_OK)
        return CQ_EINVALID;
    for (cq_ref_action r = CQ_REF_CASCADE; r <= CQ_REF_SET_DEFAULT; r++) {
        const char *action = cq_ref_action_name(r);
        size_t n = strlen(action);
        bool same = strlen(s) == n;
        for (size_t c = 0; same && c < n; c++) /* Sequelize upper-cases the action */
            same = toupper((unsigned char)s[c]) == action[c];
        if (same) {
            *out = r;
            return CQ_OK;
        }
    }
    char q[128];
    cq__quote(q, sizeof q, s);
    return cq__diag_fail(
        diag, path,
        "unknown action %s (expected RESTRICT, CASCADE, NO ACTION, SET DEFAULT or SET NULL)", q);
}

/*
 * A key read straight into a member of a struct: the key, the reader its member's type wants,
 * and where the member is. FIELD checks at compile time that the member has that type.
 */
typedef enum {
    F_NONE,
    F_STRING,
    F_FLAG,
    F_BOOL,
    F_ACTION
} field_kind; /* F_NONE: read by a function */

typedef struct {
    const char *key;
    field_kind kind;
    size_t offset;
} field;

#define FIELD(key, kind, ctype, st, member)                                                        \
    {                                                                                              \
        key, kind, offsetof(st, member) + 0 * sizeof((ctype *)0 == &((st *)0)->member)             \
    }
#define F_STR(key, st, member) FIELD(key, F_STRING, const char *, st, member)
#define F_FLG(key, st, member) FIELD(key, F_FLAG, cq_flag, st, member)
#define F_BOO(key, st, member) FIELD(key, F_BOOL, bool, st, member)
#define F_FN(key)                                                                                  \
    {                                                                                              \
        key, F_NONE, 0                                                                             \
    }
#define F_ACT(key, st, member) FIELD(key, F_ACTION, cq_ref_action, st, member)

static int read_field(void *base, const field *f, json_t *v, const char *path, cq__diag *diag)
{
    char *at = (char *)base + f->offset;
    switch (f->kind) {
    case F_STRING:
        return want_string((const char **)(void *)at, v, path, diag);
    case F_FLAG:
        return want_flag((cq_flag *)(void *)at, v, path, diag);
    case F_BOOL:
        return want_bool((bool *)(void *)at, v, path, diag);
    case F_ACTION:
        return want_action((cq_ref_action *)(void *)at, v, path, diag);
    case F_NONE:
        break;
    }
    return CQ_EINVALID;
}

/* ---- attributes ------------------------------------------------------------------------ */

static int parse_default(cq__sch_model *m, size_t i, json_t *v, const char *path, cq__diag *diag)
{
    cq_attr *a = &m->cq_attrs[i];
    json_t *fn = json_object_get(v, "$fn");
    if (json_is_object(v) && fn && json_object_size(v) == 1) {
        char sub[CQ__PATH_MAX];
        cq__path_key(sub, path, "$fn");
        const char *name = json_is_string(fn) ? json_string_value(fn) : "";
        if (strcmp(name, "NOW") == 0) {
            a->default_fn = CQ_DEFAULT_NOW;
        } else if (strcmp(name, "UUIDV4") == 0) {
            a->default_fn = CQ_DEFAULT_UUIDV4;
        } else {
            return cq__diag_fail(diag, sub, "expected \"NOW\" or \"UUIDV4\"");
        }
        m->attrs[i].default_json = v;
        return CQ_OK;
    }
    int rc = cq__json_to_value(&m->defaults[i], v, false, NULL, NULL, path, diag);
    if (rc != CQ_OK)
        return rc;
    a->default_value = m->defaults[i];
    m->attrs[i].default_json = v;
    return CQ_OK;
}

/* The members of an object with two known keys: `k1` into *o1, `k2` into *o2; any other key
 * is an unknown `what`. */
static int json_pair(json_t *v, const char *k1, json_t **o1, const char *k2, json_t **o2,
                     const char *what, const char *path, cq__diag *diag)
{
    const char *key;
    json_t *val;
    json_object_foreach(v, key, val)
    {
        if (strcmp(key, k1) == 0)
            *o1 = val;
        else if (strcmp(key, k2) == 0)
            *o2 = val;
        else
            return unknown_key(path, key, what, diag);
    }
    return CQ_OK;
}

/* An object of two string options: `k1` into *o1, `k2` into *o2; any other key is an
 * unknown `what`. */
struct string_pair {
    const char *k1, **o1, *k2, **o2, *what;
};

static int string_pair_member(const char *key, json_t *val, const char *path, void *user_data,
                              cq__diag *diag)
{
    const struct string_pair *p = user_data;
    return strcmp(key, p->k1) == 0   ? want_string(p->o1, val, path, diag)
           : strcmp(key, p->k2) == 0 ? want_string(p->o2, val, path, diag)
                                     : cq__diag_fail(diag, path, "unknown %s", p->what);
}

static int string_pair(json_t *v, const char *k1, const char **o1, const char *k2, const char **o2,
                       const char *what, const char *path, cq__diag *diag)
{
    struct string_pair p = { k1, o1, k2, o2, what };
    return cq__json_each_member(v, path, string_pair_member, &p, diag);
}

static int parse_references(cq__sch_model *m, size_t i, json_t *v, const char *path, cq__diag *diag)
{
    cq_attr *a = &m->cq_attrs[i];
    cq__sch_attr *ca = &m->attrs[i];
    if (json_is_null(v)) {
        a->references_none = true;
        ca->ref_none = true;
        return CQ_OK;
    }
    if (!json_is_object(v))
        return cq__diag_fail(diag, path, "expected {\"model\": NAME, \"key\": ATTRIBUTE} or null");
    int rc = string_pair(v, "model", &a->references_model, "key", &a->references_key,
                         "references option (expected model, key)", path, diag);
    if (rc != CQ_OK)
        return rc;
    if (!a->references_model)
        return cq__diag_fail(diag, path, "\"model\" is required");
    ca->ref_model = a->references_model;
    ca->ref_key = a->references_key;
    return CQ_OK;
}

/* One key of an attribute definition: parses `val` (at `path`) into attribute `i` of `m`. */
typedef int (*attr_key_fn)(cq__sch_model *m, size_t i, json_t *val, const char *path,
                           cq__diag *diag);

static int attr_type(cq__sch_model *m, size_t i, json_t *val, const char *path, cq__diag *diag)
{
    int rc = want_string(&m->attrs[i].type_text, val, path, diag);
    if (rc != CQ_OK)
        return rc;
    /* values given by "values" win over those inside the type, as in Sequelize */
    char **given = m->enum_values[i];
    m->enum_values[i] = NULL;
    rc = parse_type(&m->cq_attrs[i], &m->enum_values[i], m->attrs[i].type_text, path, diag);
    if (given) {
        cq__sch_strv_free(m->enum_values[i]);
        m->enum_values[i] = given;
    }
    return rc;
}

/* "values": ["a", "b"] (Sequelize's attribute `values` for an ENUM) */
static int attr_values(cq__sch_model *m, size_t i, json_t *val, const char *path, cq__diag *diag)
{
    size_t n = json_is_array(val) ? json_array_size(val) : 0;
    for (size_t k = 0; k < n; k++)
        if (!json_is_string(json_array_get(val, k)))
            n = 0;
    if (n == 0)
        return cq__diag_fail(diag, path, "expected a non-empty array of strings");
    char **v = cq__calloc(n + 1, sizeof *v);
    for (size_t k = 0; v && k < n; k++)
        if (!(v[k] = cq__strdup(json_string_value(json_array_get(val, k))))) {
            cq__sch_strv_free(v);
            v = NULL;
        }
    if (!v) {
        cq__diag_oom(diag, path);
        return CQ_ENOMEM;
    }
    cq__sch_strv_free(m->enum_values[i]);
    m->enum_values[i] = v;
    return CQ_OK;
}

static int attr_primary_key(cq__sch_model *m, size_t i, json_t *val, const char *path,
                            cq__diag *diag)
{
    return want_bool(&m->cq_attrs[i].primary_key, val, path, diag);
}

static int attr_auto_increment(cq__sch_model *m, size_t i, json_t *val, const char *path,
                               cq__diag *diag)
{
    int rc = want_bool(&m->cq_attrs[i].auto_increment, val, path, diag);
    m->attrs[i].auto_increment = m->cq_attrs[i].auto_increment;
    return rc;
}

static int attr_allow_null(cq__sch_model *m, size_t i, json_t *val, const char *path,
                           cq__diag *diag)
{
    return want_flag(&m->cq_attrs[i].allow_null, val, path, diag);
}

static int attr_unique(cq__sch_model *m, size_t i, json_t *val, const char *path, cq__diag *diag)
{
    cq_attr *a = &m->cq_attrs[i];
    int rc = CQ_OK;
    if (json_is_string(val)) {
        rc = want_string(&a->unique_name, val, path, diag);
        a->unique = rc == CQ_OK;
    } else if (json_is_boolean(val)) {
        a->unique = json_is_true(val);
    } else {
        cq__diag_set(diag, path, "expected true, false or a constraint name");
        rc = CQ_EINVALID;
    }
    m->attrs[i].unique = a->unique;
    m->attrs[i].unique_name = a->unique_name;
    return rc;
}

static int attr_field(cq__sch_model *m, size_t i, json_t *val, const char *path, cq__diag *diag)
{
    return want_string(&m->cq_attrs[i].field, val, path, diag);
}

static int attr_on_delete(cq__sch_model *m, size_t i, json_t *val, const char *path, cq__diag *diag)
{
    int rc = want_action(&m->cq_attrs[i].on_delete, val, path, diag);
    m->attrs[i].on_delete = cq_ref_action_name(m->cq_attrs[i].on_delete);
    return rc;
}

static int attr_validate(cq__sch_model *m, size_t i, json_t *val, const char *path, cq__diag *diag)
{
    int rc = cq__sch_parse_validate(&m->validators[i], val, false, path, diag);
    m->cq_attrs[i].validate = m->validators[i];
    return rc;
}

static int attr_on_update(cq__sch_model *m, size_t i, json_t *val, const char *path, cq__diag *diag)
{
    int rc = want_action(&m->cq_attrs[i].on_update, val, path, diag);
    m->attrs[i].on_update = cq_ref_action_name(m->cq_attrs[i].on_update);
    return rc;
}

/* "get": "name" / "set": "name": the attribute's getter or setter, a callback the program
 * binds by name (cq_db_bind_getter / cq_db_bind_setter) */
static int want_bound_name(const char **out, json_t *val, const char *what, const char *path,
                           cq__diag *diag)
{
    if (!json_is_string(val) || json_string_length(val) == 0 ||
        strlen(json_string_value(val)) != json_string_length(val)) {
        return cq__diag_fail(diag, path, "expected the name of a bound %s callback", what);
    }
    *out = json_string_value(val);
    return CQ_OK;
}

static int attr_get(cq__sch_model *m, size_t i, json_t *val, const char *path, cq__diag *diag)
{
    return want_bound_name(&m->cq_attrs[i].get_bound, val, "getter", path, diag);
}

static int attr_set(cq__sch_model *m, size_t i, json_t *val, const char *path, cq__diag *diag)
{
    return want_bound_name(&m->cq_attrs[i].set_bound, val, "setter", path, diag);
}

/* VIRTUAL(returnType, fields): "returnType": "STRING" (checked as a type; the value is not
 * converted to it) */
static int attr_return_type(cq__sch_model *m, size_t i, json_t *val, const char *path,
                            cq__diag *diag)
{
    const char *text = NULL;
    int rc = want_string(&text, val, path, diag);
    cq_attr scratch = { 0 };
    char **values = NULL;
    if (rc == CQ_OK)
        rc = parse_type(&scratch, &values, text, path, diag);
    cq__sch_strv_free(values);
    if (rc == CQ_OK && scratch.type == CQ_VIRTUAL) {
        cq__diag_set(diag, path, "a VIRTUAL attribute cannot return VIRTUAL");
        rc = CQ_EINVALID;
    }
    m->attrs[i].return_type = rc == CQ_OK ? text : NULL;
    return rc;
}

/* "fields": ["first", "last"]: the attributes a VIRTUAL attribute's getter reads */
static int attr_fields(cq__sch_model *m, size_t i, json_t *val, const char *path, cq__diag *diag)
{
    size_t n = json_is_array(val) ? json_array_size(val) : 0;
    for (size_t k = 0; k < n; k++) {
        json_t *f = json_array_get(val, k);
        if (!json_is_string(f) || json_string_length(f) == 0)
            n = 0;
    }
    if (!json_is_array(val) || (n == 0 && json_array_size(val) > 0))
        return cq__diag_fail(diag, path, "expected an array of attribute names");
    const char **v = cq__calloc(n + 1, sizeof *v);
    if (!v) {
        cq__diag_oom(diag, path);
        return CQ_ENOMEM;
    }
    for (size_t k = 0; k < n; k++)
        v[k] = json_string_value(json_array_get(val, k));
    cq__free(m->virtual_deps[i]);
    m->virtual_deps[i] = v;
    m->attrs[i].has_fields = true;
    return CQ_OK;
}

/* The keys of an attribute definition, one parser each: a new key is one more row. */
static const struct attr_key {
    const char *key;
    attr_key_fn parse;
} attr_keys[] = {
    { "type", attr_type },
    { "primaryKey", attr_primary_key },
    { "autoIncrement", attr_auto_increment },
    { "allowNull", attr_allow_null },
    { "defaultValue", parse_default },
    { "unique", attr_unique },
    { "field", attr_field },
    { "references", parse_references },
    { "onDelete", attr_on_delete },
    { "onUpdate", attr_on_update },
    { "validate", attr_validate },
    { "values", attr_values },
    { "get", attr_get },
    { "set", attr_set },
    { "returnType", attr_return_type },
    { "fields", attr_fields },
};

/* The attribute `i` of `m` whose definition is being read (cq__json_each_member). */
struct attr_at {
    cq__sch_model *m;
    size_t i;
};

static int attr_option(const char *key, json_t *val, const char *path, void *user_data,
                       cq__diag *diag)
{
    const struct attr_at *at = user_data;
    const struct attr_key *k = CQ__FIND_ROW(attr_keys, key);
    return k ? k->parse(at->m, at->i, val, path, diag)
             : cq__diag_fail(diag, path, "unknown attribute option");
}

static int parse_attribute(cq__sch_model *m, size_t i, const char *name, json_t *def,
                           const char *path, cq__diag *diag)
{
    cq_attr *a = &m->cq_attrs[i];
    cq__sch_attr *ca = &m->attrs[i];
    a->name = ca->name = name;
    if (json_is_string(def)) {
        ca->type_text = json_string_value(def);
        int rc = parse_type(a, &m->enum_values[i], ca->type_text, path, diag);
        a->values = (const char *const *)m->enum_values[i];
        if (rc == CQ_OK && !a->values && (a->type == CQ_ENUM || a->element_type == CQ_ENUM)) {
            cq__diag_set(diag, path,
                         "ENUM needs its values: \"ENUM('a', 'b')\" or "
                         "{\"type\": \"ENUM\", \"values\": [\"a\", \"b\"]}");
            rc = CQ_EINVALID;
        }
        return rc;
    }
    if (!json_is_object(def))
        return cq__diag_fail(diag, path,
                             "expected a type name (\"STRING\") or an object with \"type\"");
    int rc = cq__json_each_member(def, path, attr_option, &(struct attr_at){ m, i }, diag);
    if (rc != CQ_OK)
        return rc;
    if (!ca->type_text)
        return cq__diag_fail(diag, path, "\"type\" is required");
    a->values = (const char *const *)m->enum_values[i];
    a->virtual_deps = m->virtual_deps[i];
    if (a->type != CQ_VIRTUAL && (ca->return_type || ca->has_fields)) {
        char sub[CQ__PATH_MAX];
        cq__path_key(sub, path, ca->return_type ? "returnType" : "fields");
        return cq__diag_fail(diag, sub, "\"%s\" belongs to a VIRTUAL attribute",
                             ca->return_type ? "returnType" : "fields");
    }
    bool is_enum = a->type == CQ_ENUM || (a->type == CQ_ARRAY && a->element_type == CQ_ENUM);
    if (is_enum && !a->values)
        return cq__diag_fail(diag, path,
                             "ENUM needs its values: \"ENUM('a', 'b')\" or "
                             "{\"type\": \"ENUM\", \"values\": [\"a\", \"b\"]}");
    if (!is_enum && a->values) {
        char sub[CQ__PATH_MAX];
        cq__path_key(sub, path, "values");
        return cq__diag_fail(diag, sub, "\"values\" belongs to an ENUM attribute");
    }
    return CQ_OK;
}

/* ---- models ---------------------------------------------------------------------------- */

/* A timestamp's name, or `false` (Sequelize: no such column) when `omit` can say so. */
static int parse_timestamp_name(const char **out, bool *omit, json_t *v, const char *path,
                                cq__diag *diag)
{
    if (json_is_false(v)) {
        if (!omit)
            return cq__diag_fail(diag, path, "false is not supported here; give a name");
        *omit = true;
        return CQ_OK;
    }
    return want_string(out, v, path, diag);
}

/* The index being read, and the next free slot of the model's field lists. */
struct index_at {
    cq_index *ix;
    const char **next;
};

static int index_option(const char *key, json_t *val, const char *path, void *user_data,
                        cq__diag *diag)
{
    struct index_at *at = user_data;
    if (strcmp(key, "name") == 0)
        return want_string(&at->ix->name, val, path, diag);
    if (strcmp(key, "unique") == 0)
        return want_bool(&at->ix->unique, val, path, diag);
    if (strcmp(key, "fields") != 0)
        return cq__diag_fail(diag, path, "unknown index option (expected fields, name, unique)");
    if (!json_is_array(val) || json_array_size(val) == 0)
        return cq__diag_fail(diag, path, "expected a non-empty array of column names");
    at->ix->fields = at->next;
    int rc = CQ_OK;
    for (size_t k = 0; rc == CQ_OK && k < json_array_size(val); k++) {
        char sub[CQ__PATH_MAX];
        cq__path_index(sub, path, k);
        rc = want_string(at->next++, json_array_get(val, k), sub, diag);
    }
    at->next++; /* the list's NULL */
    return rc;
}

/* `indexes`: [{"fields": ["userId", ...], "name": "...", "unique": true}, ...] */
static int parse_indexes(cq__sch_model *m, json_t *list, const char *path, cq__diag *diag)
{
    if (!json_is_array(list))
        return cq__diag_fail(diag, path,
                             "expected an array of {\"fields\": [...], \"name\", \"unique\"}");
    size_t n = json_array_size(list), nfields = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *f = json_object_get(json_array_get(list, i), "fields");
        nfields += (json_is_array(f) ? json_array_size(f) : 0) + 1;
    }
    m->indexes = cq__calloc(n + 1, sizeof *m->indexes);
    m->index_fields = cq__calloc(nfields + 1, sizeof *m->index_fields);
    if (!m->indexes || !m->index_fields) {
        cq__diag_oom(diag, path);
        return CQ_ENOMEM;
    }
    m->opts.indexes = m->indexes;
    struct index_at at = { .next = m->index_fields };
    for (size_t i = 0; i < n; i++) {
        char sub[CQ__PATH_MAX];
        cq__path_index(sub, path, i);
        json_t *def = json_array_get(list, i);
        if (!json_is_object(def))
            return cq__diag_fail(diag, sub, "expected {\"fields\": [...], \"name\", \"unique\"}");
        at.ix = &m->indexes[i];
        int rc = cq__json_each_member(def, sub, index_option, &at, diag);
        if (rc != CQ_OK)
            return rc;
        if (!at.ix->fields)
            return cq__diag_fail(diag, sub, "\"fields\" is required");
    }
    return CQ_OK;
}

/* ---- model options: one reader per key -------------------------------------------------- */

typedef int (*model_opt_fn)(cq__sch_model *m, json_t *v, const char *path, cq__diag *diag);

static int mopt_table_name(cq__sch_model *m, json_t *v, const char *path, cq__diag *diag)
{
    return want_string(&m->opts.table_name, v, path, diag);
}

static int mopt_freeze_table_name(cq__sch_model *m, json_t *v, const char *path, cq__diag *diag)
{
    return want_flag(&m->opts.freeze_table_name, v, path, diag);
}

static int mopt_underscored(cq__sch_model *m, json_t *v, const char *path, cq__diag *diag)
{
    return want_flag(&m->opts.underscored, v, path, diag);
}

static int mopt_timestamps(cq__sch_model *m, json_t *v, const char *path, cq__diag *diag)
{
    return want_flag(&m->opts.timestamps, v, path, diag);
}

static int mopt_created_at(cq__sch_model *m, json_t *v, const char *path, cq__diag *diag)
{
    return parse_timestamp_name(&m->opts.created_at, &m->opts.omit_created_at, v, path, diag);
}

static int mopt_updated_at(cq__sch_model *m, json_t *v, const char *path, cq__diag *diag)
{
    return parse_timestamp_name(&m->opts.updated_at, &m->opts.omit_updated_at, v, path, diag);
}

static int mopt_paranoid(cq__sch_model *m, json_t *v, const char *path, cq__diag *diag)
{
    return want_bool(&m->opts.paranoid, v, path, diag);
}

static int mopt_deleted_at(cq__sch_model *m, json_t *v, const char *path, cq__diag *diag)
{
    return parse_timestamp_name(&m->opts.deleted_at, NULL, v, path, diag);
}

/* v6: `version: true`, or the attribute's name (`version: 'lockVersion'`) */
static int mopt_version(cq__sch_model *m, json_t *v, const char *path, cq__diag *diag)
{
    if (json_is_string(v))
        return want_string(&m->opts.version_attribute, v, path, diag);
    return want_bool(&m->opts.version, v, path, diag);
}

static int mopt_validate(cq__sch_model *m, json_t *v, const char *path, cq__diag *diag)
{
    int rc = cq__sch_parse_validate(&m->model_validators, v, true, path, diag);
    m->opts.validate = m->model_validators;
    return rc;
}

static int mopt_hooks(cq__sch_model *m, json_t *v, const char *path, cq__diag *diag)
{
    cq__free(m->hooks);
    int rc = cq__sch_parse_hooks(&m->hooks, v, path, diag);
    m->opts.hooks = m->hooks;
    return rc;
}

static int mopt_default_scope(cq__sch_model *m, json_t *v, const char *path, cq__diag *diag)
{
    if (!json_is_object(v))
        return cq__diag_fail(diag, path, "expected an object of finder options");
    m->default_scope = v;
    return CQ_OK;
}

static int mopt_scopes(cq__sch_model *m, json_t *v, const char *path, cq__diag *diag)
{
    const char *sk;
    json_t *sv;
    if (!json_is_object(v))
        return cq__diag_fail(diag, path, "expected an object of scopes");
    json_object_foreach(v, sk, sv)
    {
        if (!json_is_object(sv) && !json_is_string(sv)) {
            char sub[CQ__PATH_MAX];
            cq__path_key(sub, path, sk);
            return cq__diag_fail(diag, sub,
                                 "expected an object of finder options, or the name of a "
                                 "function scope bound with cq_db_bind_scope");
        }
    }
    m->scopes = v;
    return CQ_OK;
}

static int mopt_name(cq__sch_model *m, json_t *v, const char *path, cq__diag *diag)
{
    if (!json_is_object(v))
        return cq__diag_fail(diag, path, "expected {\"singular\": ..., \"plural\": ...}");
    return string_pair(v, "singular", &m->opts.name_singular, "plural", &m->opts.name_plural,
                       "name option (expected singular, plural)", path, diag);
}

static const struct model_option {
    const char *key;
    model_opt_fn read;
} model_options[] = {
    { "tableName", mopt_table_name },
    { "freezeTableName", mopt_freeze_table_name },
    { "underscored", mopt_underscored },
    { "timestamps", mopt_timestamps },
    { "createdAt", mopt_created_at },
    { "updatedAt", mopt_updated_at },
    { "paranoid", mopt_paranoid },
    { "deletedAt", mopt_deleted_at },
    { "version", mopt_version },
    { "indexes", parse_indexes },
    { "validate", mopt_validate },
    { "hooks", mopt_hooks },
    { "defaultScope", mopt_default_scope },
    { "scopes", mopt_scopes },
    { "name", mopt_name },
};

static int model_option(const char *key, json_t *val, const char *path, void *user_data,
                        cq__diag *diag)
{
    const struct model_option *o = CQ__FIND_ROW(model_options, key);
    return o ? o->read(user_data, val, path, diag)
             : cq__diag_fail(diag, path, "unknown model option");
}

static int parse_model_options(cq__sch_model *m, json_t *opts, const char *path, cq__diag *diag)
{
    if (!json_is_object(opts))
        return cq__diag_fail(diag, path, "expected an object");
    return cq__json_each_member(opts, path, model_option, m, diag);
}

static int model_attribute(const char *key, json_t *val, const char *path, void *user_data,
                           cq__diag *diag)
{
    cq__sch_model *m = user_data;
    if (!*key)
        return cq__diag_fail(diag, path, "attribute names may not be empty");
    int rc = parse_attribute(m, m->n_attrs, key, val, path, diag);
    m->n_attrs++; /* counted even on failure so its default is freed */
    return rc;
}

static int parse_model(cq__sch_model *m, const char *name, json_t *def, const char *path,
                       cq__diag *diag)
{
    m->name = name;
    snprintf(m->path, sizeof m->path, "%s", path);
    if (!json_is_object(def))
        return cq__diag_fail(diag, path, "expected an object with \"attributes\" and \"options\"");
    json_t *attrs = NULL, *opts = NULL;
    int rc = json_pair(def, "attributes", &attrs, "options", &opts,
                       "model key (expected attributes, options)", path, diag);
    if (rc != CQ_OK)
        return rc;
    char sub[CQ__PATH_MAX];
    cq__path_key(sub, path, "attributes");
    if (attrs && !json_is_object(attrs))
        return cq__diag_fail(diag, sub, "expected an object of attribute definitions");
    size_t n = attrs ? json_object_size(attrs) : 0;
    m->attrs = cq__calloc(n + 1, sizeof *m->attrs);
    m->cq_attrs = cq__calloc(n + 1, sizeof *m->cq_attrs);
    m->defaults = cq__calloc(n + 1, sizeof *m->defaults);
    m->validators = cq__calloc(n + 1, sizeof *m->validators);
    m->enum_values = cq__calloc(n + 1, sizeof *m->enum_values);
    m->virtual_deps = cq__calloc(n + 1, sizeof *m->virtual_deps);
    if (!m->attrs || !m->cq_attrs || !m->defaults || !m->validators || !m->enum_values ||
        !m->virtual_deps) {
        cq__diag_oom(diag, path);
        return CQ_ENOMEM;
    }
    rc = cq__json_each_member(attrs, sub, model_attribute, m, diag);
    if (rc != CQ_OK)
        return rc;
    if (opts) {
        cq__path_key(sub, path, "options");
        return parse_model_options(m, opts, sub, diag);
    }
    return CQ_OK;
}

/* ---- helpers shared with schema_assoc.c --------------------------------------------- */

int cq__sch_parse_type(cq_attr *attr, const char *text, const char *path, cq__diag *diag)
{
    return parse_type(attr, NULL, text, path, diag);
}

int cq__sch_want_bool(bool *out, json_t *v, const char *path, cq__diag *diag)
{
    return want_bool(out, v, path, diag);
}

int cq__sch_want_flag(cq_flag *out, json_t *v, const char *path, cq__diag *diag)
{
    return want_flag(out, v, path, diag);
}

int cq__sch_want_string(const char **out, json_t *v, const char *path, cq__diag *diag)
{
    return want_string(out, v, path, diag);
}

int cq__sch_want_action(cq_ref_action *out, json_t *v, const char *path, cq__diag *diag)
{
    return want_action(out, v, path, diag);
}

/* ---- schema ---------------------------------------------------------------------------- */

void cq__schema_free(cq__schema *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_models; i++) {
        cq__sch_model *m = &s->models[i];
        for (size_t a = 0; m->defaults && a < m->n_attrs; a++)
            cq_value_free(m->defaults[a]);
        cq__free(m->defaults);
        cq__free(m->attrs);
        cq__free(m->cq_attrs);
        cq__free(m->indexes);
        cq__free(m->index_fields);
        for (size_t a = 0; m->validators && a < m->n_attrs; a++)
            cq_validators_free(m->validators[a]);
        cq__free(m->validators);
        cq_validators_free(m->model_validators);
        for (size_t a = 0; m->enum_values && a < m->n_attrs; a++)
            cq__sch_strv_free(m->enum_values[a]);
        cq__free(m->enum_values);
        for (size_t a = 0; m->virtual_deps && a < m->n_attrs; a++)
            cq__free(m->virtual_deps[a]);
        cq__free(m->virtual_deps);
        cq__free(m->hooks);
    }
    cq__free(s->models);
    for (size_t i = 0; i < s->n_assocs; i++)
        cq__sch_assoc_clear(&s->assocs[i]);
    cq__free(s->assocs);
    json_decref(s->root);
    cq__free(s);
}

/* "models": name -> definition. `path` is the schema's. */
static int schema_model(const char *key, json_t *val, const char *path, void *user_data,
                        cq__diag *diag)
{
    cq__schema *s = user_data;
    if (!*key)
        return cq__diag_fail(diag, path, "model names may not be empty");
    int rc = parse_model(&s->models[s->n_models], key, val, path, diag);
    s->n_models++;
    return rc;
}

static int parse_models(cq__schema *s, json_t *models, const char *path, cq__diag *diag)
{
    char sub[CQ__PATH_MAX];
    cq__path_key(sub, path, "models");
    if (!json_is_object(models))
        return cq__diag_fail(diag, models ? sub : path,
                             models ? "expected an object of model definitions"
                                    : "\"models\" is required");
    s->models = cq__calloc(json_object_size(models) + 1, sizeof *s->models);
    if (!s->models) {
        cq__diag_oom(diag, path);
        return CQ_ENOMEM;
    }
    return cq__json_each_member(models, sub, schema_model, s, diag);
}

/* "associations": an array of association definitions. */
static int parse_assocs(cq__schema *s, json_t *assocs, const char *path, cq__diag *diag)
{
    char sub[CQ__PATH_MAX];
    cq__path_key(sub, path, "associations");
    if (!json_is_array(assocs))
        return cq__diag_fail(diag, sub, "expected an array");
    s->assocs = cq__calloc(json_array_size(assocs) + 1, sizeof *s->assocs);
    if (!s->assocs) {
        cq__diag_oom(diag, path);
        return CQ_ENOMEM;
    }
    for (size_t i = 0; i < json_array_size(assocs); i++) {
        char asub[CQ__PATH_MAX];
        cq__path_index(asub, sub, i);
        int rc = cq__sch_assoc_parse(&s->assocs[i], json_array_get(assocs, i), asub, s, diag);
        s->n_assocs++; /* counted even on failure so its owned parts are freed */
        if (rc != CQ_OK)
            return rc;
    }
    return CQ_OK;
}

static int parse_schema(cq__schema *s, json_t *root, const char *path, cq__diag *diag)
{
    if (!json_is_object(root))
        return cq__diag_fail(diag, path, "expected an object with \"models\"");
    json_t *models = NULL, *assocs = NULL;
    int rc = json_pair(root, "models", &models, "associations", &assocs,
                       "schema key (expected models, associations)", path, diag);
    if (rc == CQ_OK)
        rc = parse_models(s, models, path, diag);
    if (rc == CQ_OK && assocs)
        rc = parse_assocs(s, assocs, path, diag);
    return rc;
}

static int schema_from_json(cq__schema **out, json_t *root, const char *path, const cq_db *known,
                            cq__diag *diag)
{
    *out = NULL;
    cq__schema *s = cq__calloc(1, sizeof *s);
    if (!s) {
        cq__diag_oom(diag, path);
        return CQ_ENOMEM;
    }
    s->known = known;
    s->root = json_incref(root);
    int rc = parse_schema(s, root, path, diag);
    if (rc != CQ_OK) {
        cq__schema_free(s);
        return rc;
    }
    *out = s;
    return CQ_OK;
}

int cq__schema_from_json(cq__schema **out, json_t *root, const char *path, cq__diag *diag)
{
    return schema_from_json(out, root, path, NULL, diag);
}

int cq__schema_load_for(cq__schema **out, const char *text, size_t len, const char *origin,
                        const cq_db *known, cq__diag *diag)
{
    *out = NULL;
    json_t *root = NULL;
    int rc = cq__json_parse(&root, text, len, origin, diag);
    if (rc != CQ_OK)
        return rc;
    rc = schema_from_json(out, root, "", known, diag);
    json_decref(root);
    return rc;
}

int cq__schema_load(cq__schema **out, const char *text, size_t len, const char *origin,
                    cq__diag *diag)
{
    return cq__schema_load_for(out, text, len, origin, NULL, diag);
}

bool cq__schema_has_model(const cq__schema *s, const char *name)
{
    if (cq__schema_model(s, name) || (s && s->known && cq_db_model(s->known, name)))
        return true;
    for (size_t i = 0; s && i < s->n_assocs; i++)
        if (s->assocs[i].opts.through && strcmp(s->assocs[i].opts.through, name) == 0)
            return true;
    return false;
}

cq__sch_model *cq__schema_model(const cq__schema *s, const char *name)
{
    for (size_t i = 0; s && i < s->n_models; i++)
        if (strcmp(s->models[i].name, name) == 0)
            return &s->models[i];
    return NULL;
}

const cq__sch_attr *cq__sch_model_attr(const cq__sch_model *m, const char *name)
{
    for (size_t i = 0; m && i < m->n_attrs; i++)
        if (strcmp(m->attrs[i].name, name) == 0)
            return &m->attrs[i];
    return NULL;
}

int cq__model_add_scope_bound(cq_model *model, const char *name, const char *bound);

/* The model options `defaultScope` and `scopes` (objects, or names of bound function
 * scopes). */
static int define_scopes(cq_db *db, const cq__sch_model *sm, cq__diag *diag)
{
    cq_model *m = cq_db_model(db, sm->name);
    char base[CQ__PATH_MAX], sub[CQ__PATH_MAX];
    cq__path_key(base, sm->path, "options");
    for (size_t w = 0; m && w < 2; w++) {
        json_t *it = w == 0 ? sm->default_scope : sm->scopes;
        size_t n = w == 0 ? (it ? 1 : 0) : json_object_size(it);
        void *iter = w == 1 && it ? json_object_iter(it) : NULL;
        for (size_t k = 0; k < n; k++) {
            const char *name = w == 0 ? "defaultScope" : json_object_iter_key(iter);
            json_t *val = w == 0 ? it : json_object_iter_value(iter);
            if (w == 1)
                iter = json_object_iter_next(it, iter);
            if (w == 0) {
                cq__path_key(sub, base, "defaultScope");
            } else {
                char mid[CQ__PATH_MAX];
                cq__path_key(mid, base, "scopes");
                cq__path_key(sub, mid, name);
            }
            int rc;
            if (json_is_string(val)) {
                rc = cq__model_add_scope_bound(m, name, json_string_value(val));
            } else {
                cq_value *v = NULL;
                rc = cq__json_to_value(&v, val, true, NULL, NULL, sub, diag);
                if (rc != CQ_OK)
                    return rc;
                rc = cq_model_add_scope(m, name, v, NULL);
                cq_value_free(v);
            }
            if (rc != CQ_OK) {
                const char *msg = cq_db_error(db)->message;
                cq__diag_set(diag, sub, "%s", *msg ? msg : cq_strerror(rc));
                return rc;
            }
        }
    }
    return CQ_OK;
}

int cq__schema_define(cq_db *db, const cq__schema *s, cq__diag *diag)
{
    for (size_t i = 0; i < s->n_models; i++) {
        const cq__sch_model *m = &s->models[i];
        int rc = cq_db_define(NULL, db, m->name, m->cq_attrs, &m->opts);
        if (rc != CQ_OK) {
            const char *msg = cq_db_error(db)->message;
            cq__diag_set(diag, m->path, "%s", *msg ? msg : cq_strerror(rc));
            return rc;
        }
    }
    for (size_t i = 0; i < s->n_assocs; i++) {
        int rc = cq__sch_assoc_define(NULL, db, &s->assocs[i], diag);
        if (rc != CQ_OK)
            return rc;
    }
    for (size_t i = 0; i < s->n_models; i++) { /* scopes may include associations */
        int rc = define_scopes(db, &s->models[i], diag);
        if (rc != CQ_OK)
            return rc;
    }
    return CQ_OK;
}

/* ---- associations (docs/schema.md, "Associations") ----------------------------------- */

enum {
    K_BT = 1 << CQ__SCH_BELONGS_TO,
    K_HO = 1 << CQ__SCH_HAS_ONE,
    K_HM = 1 << CQ__SCH_HAS_MANY,
    K_BTM = 1 << CQ__SCH_BELONGS_TO_MANY,
    K_ALL = K_BT | K_HO | K_HM | K_BTM
};

static const struct {
    const char *name;
    cq__sch_assoc_kind kind;
} kinds[] = {
    { "belongsTo", CQ__SCH_BELONGS_TO },
    { "hasOne", CQ__SCH_HAS_ONE },
    { "hasMany", CQ__SCH_HAS_MANY },
    { "belongsToMany", CQ__SCH_BELONGS_TO_MANY },
};
enum { N_KINDS = sizeof kinds / sizeof kinds[0] };

void cq__sch_assoc_clear(cq__sch_assoc *a)
{
    if (!a)
        return;
    cq_value_free(a->fk_default);
    cq_value_free(a->other_default);
    cq_value_free(a->scope);
    cq_value_free(a->through_scope);
    a->fk_default = a->other_default = a->scope = a->through_scope = NULL;
}

/* A model named by the entry: one of the schema, or a join model created earlier. */
static int assoc_want_model(const char **out, json_t *v, const char *path, const cq__schema *s,
                            cq__diag *diag)
{
    if (cq__sch_want_string(out, v, path, diag) != CQ_OK)
        return CQ_EINVALID;
    if (s && !cq__schema_has_model(s, *out)) {
        char q[200];
        cq__quote(q, sizeof q, *out);
        return cq__diag_fail(diag, path, "unknown model %s", q);
    }
    return CQ_OK;
}

/* An object of values (scope): JSON to cq_value, operators not mapped. */
static int want_values(cq_value **out, json_t *v, const char *path, cq__diag *diag)
{
    if (!json_is_object(v))
        return cq__diag_fail(diag, path, "expected an object of attribute values");
    return cq__json_to_value(out, v, false, NULL, NULL, path, diag);
}

/*
 * foreignKey / otherKey: a name, or Sequelize's object form
 * {name, field, allowNull, type, defaultValue, onDelete, onUpdate, unique}.
 */
static const field key_fields[] = {
    F_STR("name", cq_attr, name),
    F_STR("field", cq_attr, field),
    F_FLG("allowNull", cq_attr, allow_null),
    F_ACT("onDelete", cq_attr, on_delete),
    F_ACT("onUpdate", cq_attr, on_update),
};

/* The object form of a key being read, and where its default value goes. */
struct key_at {
    cq_attr *attr;
    cq_value **default_out;
};

static int key_option(const char *key, json_t *val, const char *path, void *user_data,
                      cq__diag *diag)
{
    const struct key_at *at = user_data;
    cq_attr *attr = at->attr;
    const field *f = CQ__FIND_ROW(key_fields, key);
    if (f)
        return read_field(attr, f, val, path, diag);
    if (strcmp(key, "type") == 0) {
        const char *t = NULL;
        int rc = cq__sch_want_string(&t, val, path, diag);
        return rc == CQ_OK ? cq__sch_parse_type(attr, t, path, diag) : rc;
    }
    if (strcmp(key, "defaultValue") == 0) {
        cq_value_free(*at->default_out);
        *at->default_out = NULL;
        int rc = cq__json_to_value(at->default_out, val, false, NULL, NULL, path, diag);
        attr->default_value = *at->default_out;
        return rc;
    }
    if (strcmp(key, "unique") != 0)
        return cq__diag_fail(diag, path,
                             "unknown key option (expected name, field, allowNull, type, "
                             "defaultValue, onDelete, onUpdate, unique)");
    if (!json_is_string(val))
        return cq__sch_want_bool(&attr->unique, val, path, diag);
    attr->unique = true;
    return cq__sch_want_string(&attr->unique_name, val, path, diag);
}

static int parse_key(const char **name_out, cq_attr *attr, const cq_attr **attr_out,
                     cq_value **default_out, json_t *v, const char *path, cq__diag *diag)
{
    if (json_is_string(v))
        return cq__sch_want_string(name_out, v, path, diag);
    if (!json_is_object(v))
        return cq__diag_fail(diag, path, "expected an attribute name or an object with \"name\"");
    memset(attr, 0, sizeof *attr);
    int rc = cq__json_each_member(v, path, key_option, &(struct key_at){ attr, default_out }, diag);
    if (rc != CQ_OK)
        return rc;
    *name_out = attr->name; /* may be NULL: the default name with these options */
    *attr_out = attr;
    return CQ_OK;
}

static const field through_fields[] = {
    F_STR("model", cq_assoc_opts, through),
    F_FLG("unique", cq_assoc_opts, through_unique),
    F_BOO("paranoid", cq_assoc_opts, through_paranoid),
};

static int through_option(const char *key, json_t *val, const char *path, void *user_data,
                          cq__diag *diag)
{
    cq__sch_assoc *a = user_data;
    const field *f = CQ__FIND_ROW(through_fields, key);
    if (f)
        return read_field(&a->opts, f, val, path, diag);
    if (strcmp(key, "scope") != 0)
        return cq__diag_fail(diag, path,
                             "unknown through option (expected model, unique, scope, paranoid)");
    int rc = want_values(&a->through_scope, val, path, diag);
    a->opts.through_scope = a->through_scope;
    return rc;
}

/* through: a model name (existing, else a join table to create) or
 * {model, unique, scope, paranoid}. */
static int parse_through(cq__sch_assoc *a, json_t *v, const char *path, cq__diag *diag)
{
    cq_assoc_opts *o = &a->opts;
    if (json_is_string(v))
        return cq__sch_want_string(&o->through, v, path, diag);
    if (!json_is_object(v))
        return cq__diag_fail(diag, path, "expected a model name or {\"model\": NAME, ...}");
    int rc = cq__json_each_member(v, path, through_option, a, diag);
    if (rc != CQ_OK)
        return rc;
    if (!o->through)
        return cq__diag_fail(diag, path, "\"model\" is required");
    return CQ_OK;
}

static int parse_as(cq_assoc_opts *o, json_t *v, const char *path, cq__diag *diag)
{
    if (json_is_string(v))
        return cq__sch_want_string(&o->as, v, path, diag);
    if (!json_is_object(v))
        return cq__diag_fail(diag, path,
                             "expected a string or {\"singular\": ..., \"plural\": ...}");
    int rc = string_pair(v, "singular", &o->as_singular, "plural", &o->as_plural,
                         "as option (expected singular, plural)", path, diag);
    if (rc != CQ_OK)
        return rc;
    if (!o->as_singular || !o->as_plural)
        return cq__diag_fail(diag, path, "both \"singular\" and \"plural\" are required");
    return CQ_OK;
}

typedef int (*assoc_opt_fn)(cq__sch_assoc *a, json_t *v, const char *path, cq__diag *diag);

static int aopt_as(cq__sch_assoc *a, json_t *v, const char *path, cq__diag *diag)
{
    return parse_as(&a->opts, v, path, diag);
}

static int aopt_foreign_key(cq__sch_assoc *a, json_t *v, const char *path, cq__diag *diag)
{
    return parse_key(&a->opts.foreign_key, &a->fk_attr, &a->opts.foreign_key_attr, &a->fk_default,
                     v, path, diag);
}

static int aopt_other_key(cq__sch_assoc *a, json_t *v, const char *path, cq__diag *diag)
{
    return parse_key(&a->opts.other_key, &a->other_attr, &a->opts.other_key_attr, &a->other_default,
                     v, path, diag);
}

static int aopt_scope(cq__sch_assoc *a, json_t *v, const char *path, cq__diag *diag)
{
    int rc = want_values(&a->scope, v, path, diag);
    a->opts.scope = a->scope;
    return rc;
}

static int aopt_key_type(cq__sch_assoc *a, json_t *v, const char *path, cq__diag *diag)
{
    const char *t = NULL;
    cq_attr tmp = { 0 };
    int rc = cq__sch_want_string(&t, v, path, diag);
    if (rc == CQ_OK)
        rc = cq__sch_parse_type(&tmp, t, path, diag);
    a->opts.key_type = tmp.type;
    return rc;
}

/* The association options: the kinds that take each, and its reader (a function, else the
 * member of cq_assoc_opts its field names). */
static const struct assoc_option {
    field f; /* first: its key */
    unsigned kinds;
    assoc_opt_fn read;
} assoc_options[] = {
    { F_FN("as"), K_ALL, aopt_as },
    { F_FN("foreignKey"), K_ALL, aopt_foreign_key },
    { F_STR("sourceKey", cq_assoc_opts, source_key), K_HO | K_HM | K_BTM, NULL },
    { F_STR("targetKey", cq_assoc_opts, target_key), K_BT | K_BTM, NULL },
    { F_FN("otherKey"), K_BTM, aopt_other_key },
    { F_FN("through"), K_HM | K_BTM, parse_through },
    { F_FN("scope"), K_ALL, aopt_scope },
    { F_FLG("constraints", cq_assoc_opts, constraints), K_ALL, NULL },
    { F_ACT("onDelete", cq_assoc_opts, on_delete), K_ALL, NULL },
    { F_ACT("onUpdate", cq_assoc_opts, on_update), K_ALL, NULL },
    { F_FN("keyType"), K_ALL, aopt_key_type },
    { F_FLG("foreignKeyConstraint", cq_assoc_opts, foreign_key_constraint), K_BT | K_HO | K_HM,
      NULL },
    { F_STR("uniqueKey", cq_assoc_opts, unique_key), K_BTM, NULL },
    { F_FLG("timestamps", cq_assoc_opts, timestamps), K_BTM, NULL },
    { F_BOO("hooks", cq_assoc_opts, hooks), K_ALL, NULL },
};

static int assoc_option(const char *key, json_t *val, const char *path, void *user_data,
                        cq__diag *diag)
{
    cq__sch_assoc *a = user_data;
    const struct assoc_option *ao = CQ__FIND_ROW(assoc_options, key);
    if (!ao)
        return cq__diag_fail(diag, path, "unknown association option");
    if (!(ao->kinds & (1u << a->kind)))
        return cq__diag_fail(diag, path, "not an option of %s", a->kind_name);
    return ao->read ? ao->read(a, val, path, diag) : read_field(&a->opts, &ao->f, val, path, diag);
}

static int parse_options(cq__sch_assoc *a, json_t *opts, const char *path, cq__diag *diag)
{
    if (!json_is_object(opts))
        return cq__diag_fail(diag, path, "expected an object");
    return cq__json_each_member(opts, path, assoc_option, a, diag);
}

static int kind_of(cq__sch_assoc *a, const char *name, const char *path, cq__diag *diag)
{
    for (size_t i = 0; i < N_KINDS; i++) {
        if (strcmp(kinds[i].name, name) == 0) {
            a->kind = kinds[i].kind;
            a->kind_name = kinds[i].name;
            return CQ_OK;
        }
    }
    char q[200];
    cq__quote(q, sizeof q, name);
    return cq__diag_fail(diag, path,
                         "unknown association type %s (expected belongsTo, hasOne, hasMany or "
                         "belongsToMany)",
                         q);
}

int cq__sch_assoc_parse(cq__sch_assoc *a, json_t *entry, const char *path, const cq__schema *s,
                        cq__diag *diag)
{
    memset(a, 0, sizeof *a);
    snprintf(a->path, sizeof a->path, "%s", path);
    if (!json_is_object(entry))
        return cq__diag_fail(
            diag, path,
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
            return cq__diag_fail(diag, path, "an association has one type, got \"%s\" and \"%s\"",
                                 kind_key, key);
        } else {
            return unknown_key(path, key,
                               "association key (expected source, type, target, options)", diag);
        }
    }
    char sub[CQ__PATH_MAX];
    if (kind_key && (type || target)) {
        cq__path_key(sub, path, kind_key);
        return cq__diag_fail(diag, sub,
                             "give either \"type\" and \"target\" or this short form, not both");
    }
    if (kind_key) {
        a->kind_name = kind_key;
        kind_of(a, kind_key, path, diag);
        target = kind_target;
        cq__path_key(sub, path, kind_key);
    } else {
        if (!type)
            return cq__diag_fail(diag, path,
                                 "\"type\" is required (belongsTo, hasOne, hasMany or "
                                 "belongsToMany)");
        cq__path_key(sub, path, "type");
        const char *t = NULL;
        if (cq__sch_want_string(&t, type, sub, diag) != CQ_OK || kind_of(a, t, sub, diag) != CQ_OK)
            return CQ_EINVALID;
        if (!target)
            return cq__diag_fail(diag, path, "\"target\" is required");
        cq__path_key(sub, path, "target");
    }
    int rc = assoc_want_model(&a->target, target, sub, s, diag);
    if (rc != CQ_OK)
        return rc;
    cq__path_key(sub, path, "source");
    if (!source)
        return cq__diag_fail(diag, path, "\"source\" is required");
    rc = assoc_want_model(&a->source, source, sub, s, diag);
    if (rc != CQ_OK)
        return rc;
    if (a->options) {
        cq__path_key(sub, path, "options");
        rc = parse_options(a, a->options, sub, diag);
    }
    return rc;
}

int cq__sch_assoc_apply(cq_assoc **out, cq_db *db, const cq__sch_assoc *a)
{
    cq_model *source = cq_db_model(db, a->source);
    cq_model *target = cq_db_model(db, a->target);
    if (out)
        *out = NULL;
    if (!source || !target)
        return CQ_EUNKNOWN_MODEL;
    switch (a->kind) {
    case CQ__SCH_BELONGS_TO:
        return cq_model_belongs_to(out, source, target, &a->opts);
    case CQ__SCH_HAS_ONE:
        return cq_model_has_one(out, source, target, &a->opts);
    case CQ__SCH_HAS_MANY:
        return cq_model_has_many(out, source, target, &a->opts);
    case CQ__SCH_BELONGS_TO_MANY:
        return cq_model_belongs_to_many(out, source, target, &a->opts);
    }
    return CQ_EINVALID;
}

int cq__sch_assoc_define(cq_assoc **out, cq_db *db, const cq__sch_assoc *a, cq__diag *diag)
{
    int rc = cq__sch_assoc_apply(out, db, a);
    if (rc == CQ_OK)
        return CQ_OK;
    const char *msg = cq_db_error(db)->message;
    if (rc == CQ_EUNKNOWN_MODEL)
        cq__diag_set(diag, a->path, "unknown model \"%s\"",
                     cq_db_model(db, a->source) ? a->target : a->source);
    else
        cq__diag_set(diag, a->path, "%s", *msg ? msg : cq_strerror(rc));
    return rc;
}
