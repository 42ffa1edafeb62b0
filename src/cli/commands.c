/*
 * `describe`, `diagram` and `ddl`: what cequel derived from a schema, without touching a
 * database's tables. Everything shown comes from the library's getters (cequel/model.h,
 * cequel/assoc.h), so generated attributes and the foreign keys injected by associations
 * appear exactly as the library derived them.
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "sql/dialect.h"
#include "cli.h"

#if defined(__has_include)
#if __has_include(<cequel/sync.h>)
#include <cequel/sync.h>
#define CLI_HAVE_DDL 1
#endif
#endif

/* Everything describe and diagram show about one attribute. */
typedef struct attr_view {
    const char *name;
    const char *field;
    char type[1024];
    bool allow_null, primary_key, auto_increment;
    bool unique;
    const char *unique_name;
    const cq_value *default_value;
    cq_default_fn default_fn;
    bool has_ref;
    cq_model *ref_model;   /* the referenced model, when the name resolves to one */
    const char *ref_table; /* table name (the model's, or as written) */
    const char *ref_key;
    const char *on_delete, *on_update;
} attr_view;

static void attr_view_of(attr_view *v, const cq_model *m, size_t i)
{
    memset(v, 0, sizeof *v);
    v->name = cq_model_attr_name(m, i);
    v->field = cq_model_attr_field(m, i);
    v->allow_null = cq_model_attr_is_nullable(m, i);
    v->primary_key = cq_model_attr_is_primary_key(m, i);
    cq_type t = cq_model_attr_type(m, i);
    int len = cq_model_attr_length(m, i), prec = cq_model_attr_precision(m, i),
        scale = cq_model_attr_scale(m, i);
    if (len)
        snprintf(v->type, sizeof v->type, "%s(%d)", cq_type_name(t), len);
    else if (prec && scale)
        snprintf(v->type, sizeof v->type, "%s(%d,%d)", cq_type_name(t), prec, scale);
    else if (prec)
        snprintf(v->type, sizeof v->type, "%s(%d)", cq_type_name(t), prec);
    else
        snprintf(v->type, sizeof v->type, "%s", cq_type_name(t));
    if (t == CQ_ARRAY) /* ARRAY(INTEGER), ARRAY(STRING(20)), ARRAY(ENUM(...)) */
        snprintf(v->type, sizeof v->type, len ? "ARRAY(%s(%d))" : "ARRAY(%s)",
                 cq_type_name(cq_model_attr_element_type(m, i)), len);
    const char *const *vals = cq_model_attr_values(m, i);
    if (vals) { /* the schema file's form: ENUM('a', 'it''s') */
        size_t n = strlen(v->type) - (t == CQ_ARRAY ? 1 : 0);
        v->type[n] = '\0';
        for (size_t k = 0; vals[k] && n + 8 < sizeof v->type; k++) {
            n += (size_t)snprintf(v->type + n, sizeof v->type - n, "%s'", k ? ", " : "(");
            for (const char *c = vals[k]; *c && n + 8 < sizeof v->type; c++) {
                if (*c == '\'')
                    v->type[n++] = '\'';
                v->type[n++] = *c;
            }
            v->type[n++] = '\'';
            v->type[n] = '\0';
        }
        snprintf(v->type + n, sizeof v->type - n, t == CQ_ARRAY ? "))" : ")");
    }
    v->auto_increment = cq_model_attr_is_auto_increment(m, i);
    v->unique = cq_model_attr_is_unique(m, i);
    v->unique_name = cq_model_attr_unique_name(m, i);
    v->default_value = cq_model_attr_default(m, i);
    v->default_fn = cq_model_attr_default_fn(m, i);
    if (cq_model_attr_references(m, i)) {
        v->has_ref = true;
        v->ref_model = cq_model_attr_references_model(m, i);
        v->ref_table = cq_model_attr_references_table(m, i);
        v->ref_key = cq_model_attr_references_key(m, i);
        v->on_delete = cq_ref_action_name(cq_model_attr_on_delete(m, i));
        v->on_update = cq_ref_action_name(cq_model_attr_on_update(m, i));
    }
}

/* ---- describe -------------------------------------------------------------------------- */

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* A cq_value as jansson JSON (through its text form). */
static json_t *value_json(const cq_value *v)
{
    char *text = NULL;
    if (!v || cq_value_to_json(&text, v, CQ_JSON_COMPACT) != CQ_OK || !text)
        return json_null();
    json_t *j = json_loads(text, JSON_DECODE_ANY, NULL);
    cq_free(text);
    return j ? j : json_null();
}

static json_t *describe_attr(const attr_view *v)
{
    json_t *a = json_object();
    json_object_set_new(a, "name", json_string(v->name));
    json_object_set_new(a, "field", json_string(v->field));
    json_object_set_new(a, "type", json_string(v->type));
    json_object_set_new(a, "allowNull", json_boolean(v->allow_null));
    json_object_set_new(a, "primaryKey", json_boolean(v->primary_key));
    json_object_set_new(a, "autoIncrement", json_boolean(v->auto_increment));
    json_object_set_new(a, "unique",
                        v->unique_name ? json_string(v->unique_name) : json_boolean(v->unique));
    if (v->default_fn != CQ_DEFAULT_FN_NONE) {
        json_t *fn = json_object();
        json_object_set_new(fn, "$fn",
                            json_string(v->default_fn == CQ_DEFAULT_NOW ? "NOW" : "UUIDV4"));
        json_object_set_new(a, "defaultValue", fn);
    } else if (v->default_value) {
        json_object_set_new(a, "defaultValue", value_json(v->default_value));
    }
    if (v->has_ref) {
        json_t *r = json_object();
        json_object_set_new(r, "model",
                            str_or_null(v->ref_model ? cq_model_name(v->ref_model) : NULL));
        json_object_set_new(r, "table", json_string(v->ref_table));
        json_object_set_new(r, "key", json_string(v->ref_key));
        json_object_set_new(r, "onDelete", str_or_null(v->on_delete));
        json_object_set_new(r, "onUpdate", str_or_null(v->on_update));
        json_object_set_new(a, "references", r);
    } else {
        json_object_set_new(a, "references", json_null());
    }
    return a;
}

/* Accessor kinds under Sequelize's `association.accessors` keys. */
static const struct {
    const char *key;
    cq_accessor kind;
} accessor_keys[] = {
    { "get", CQ_ACC_GET },
    { "set", CQ_ACC_SET },
    { "addMultiple", CQ_ACC_ADD_MULTIPLE },
    { "add", CQ_ACC_ADD },
    { "create", CQ_ACC_CREATE },
    { "remove", CQ_ACC_REMOVE },
    { "removeMultiple", CQ_ACC_REMOVE_MULTIPLE },
    { "hasSingle", CQ_ACC_HAS_SINGLE },
    { "hasAll", CQ_ACC_HAS_ALL },
    { "count", CQ_ACC_COUNT },
};

static json_t *describe_assoc(const cq_assoc *as)
{
    json_t *a = json_object();
    cq_assoc_type t = cq_assoc_type_of(as);
    cq_model *through = cq_assoc_through(as);
    json_object_set_new(a, "type", json_string(cq_assoc_type_name(t)));
    json_object_set_new(a, "source", json_string(cq_model_name(cq_assoc_source(as))));
    json_object_set_new(a, "target", json_string(cq_model_name(cq_assoc_target(as))));
    json_object_set_new(a, "as", json_string(cq_assoc_as(as)));
    json_object_set_new(a, "aliased", json_boolean(cq_assoc_is_aliased(as)));
    json_object_set_new(a, "singular", str_or_null(cq_assoc_singular(as)));
    json_object_set_new(a, "plural", str_or_null(cq_assoc_plural(as)));
    json_object_set_new(a, "foreignKey", str_or_null(cq_assoc_foreign_key(as)));
    json_object_set_new(a, "sourceKey", str_or_null(cq_assoc_source_key(as)));
    json_object_set_new(a, "targetKey", str_or_null(cq_assoc_target_key(as)));
    if (t == CQ_BELONGS_TO_MANY) {
        json_object_set_new(a, "otherKey", str_or_null(cq_assoc_other_key(as)));
        json_object_set_new(a, "through", str_or_null(through ? cq_model_name(through) : NULL));
        json_object_set_new(a, "throughTable",
                            str_or_null(through ? cq_model_table_name(through) : NULL));
    }
    json_object_set_new(a, "scope", value_json(cq_assoc_scope(as)));
    if (t == CQ_BELONGS_TO_MANY)
        json_object_set_new(a, "throughScope", value_json(cq_assoc_through_scope(as)));
    json_t *acc = json_object();
    for (size_t i = 0; i < sizeof accessor_keys / sizeof accessor_keys[0]; i++) {
        const char *name = cq_assoc_accessor_name(as, accessor_keys[i].kind);
        if (name)
            json_object_set_new(acc, accessor_keys[i].key, json_string(name));
    }
    json_object_set_new(a, "accessors", acc);
    return a;
}

int cli_cmd_describe(cq_db *db, const cli_schema *s, FILE *out)
{
    (void)s;
    json_t *doc = json_object();
    json_t *models = json_array();
    json_object_set_new(doc, "models", models);
    for (size_t i = 0; i < cq_db_model_count(db); i++) {
        cq_model *m = cq_db_model_at(db, i);
        json_t *jm = json_object();
        json_object_set_new(jm, "name", json_string(cq_model_name(m)));
        json_object_set_new(jm, "tableName", json_string(cq_model_table_name(m)));
        json_object_set_new(jm, "primaryKey", str_or_null(cq_model_primary_key(m)));
        json_t *names = json_object();
        json_object_set_new(names, "singular", str_or_null(cq_model_name_singular(m)));
        json_object_set_new(names, "plural", str_or_null(cq_model_name_plural(m)));
        json_object_set_new(jm, "names", names);
        json_object_set_new(jm, "underscored", json_boolean(cq_model_is_underscored(m)));
        json_object_set_new(jm, "timestamps", json_boolean(cq_model_has_timestamps(m)));
        if (cq_model_is_paranoid(m)) { /* only paranoid models say so */
            json_object_set_new(jm, "paranoid", json_true());
            json_object_set_new(jm, "deletedAt", json_string(cq_model_deleted_at(m)));
        }
        if (cq_model_version_attribute(m)) /* only versioned models say so */
            json_object_set_new(jm, "version", json_string(cq_model_version_attribute(m)));
        json_t *attrs = json_array();
        for (size_t a = 0; a < cq_model_attr_count(m); a++) {
            attr_view v;
            attr_view_of(&v, m, a);
            json_array_append_new(attrs, describe_attr(&v));
        }
        json_object_set_new(jm, "attributes", attrs);
        if (cq_model_index_count(m)) { /* only models declaring `indexes` list them */
            json_t *idx = json_array();
            for (size_t k = 0; k < cq_model_index_count(m); k++) {
                json_t *ji = json_object(), *fields = json_array();
                for (const char *const *f = cq_model_index_fields(m, k); f && *f; f++)
                    json_array_append_new(fields, json_string(*f));
                json_object_set_new(ji, "name", json_string(cq_model_index_name(m, k)));
                json_object_set_new(ji, "fields", fields);
                json_object_set_new(ji, "unique", json_boolean(cq_model_index_is_unique(m, k)));
                json_array_append_new(idx, ji);
            }
            json_object_set_new(jm, "indexes", idx);
        }
        json_t *assocs = json_array();
        for (size_t a = 0; a < cq_model_assoc_count(m); a++)
            json_array_append_new(assocs, describe_assoc(cq_model_assoc_at(m, a)));
        json_object_set_new(jm, "associations", assocs);
        json_array_append_new(models, jm);
    }
    char *text = json_dumps(doc, JSON_INDENT(2));
    json_decref(doc);
    if (!text) {
        fprintf(stderr, "cequel: out of memory\n");
        return CLI_EXIT_FAIL;
    }
    fprintf(out, "%s\n", text);
    cq__json_free(text);
    return CLI_EXIT_OK;
}

/* ---- diagram --------------------------------------------------------------------------- */

/* A DOT quoted string body: backslash and double quote escaped, newlines dropped. */
static void dot_id(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', out);
        if ((unsigned char)*s >= 0x20)
            fputc(*s, out);
    }
    fputc('"', out);
}

/* Text inside an HTML-like label. */
static void html_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        default:
            if ((unsigned char)*s >= 0x20)
                fputc(*s, out);
        }
    }
}

/* The model holding an association's foreign key (NULL for belongsToMany: the join model
 * holds two, drawn as its own references). */
static cq_model *assoc_key_holder(const cq_assoc *as)
{
    switch (cq_assoc_type_of(as)) {
    case CQ_BELONGS_TO:
        return cq_assoc_source(as);
    case CQ_HAS_ONE:
    case CQ_HAS_MANY:
        return cq_assoc_target(as);
    case CQ_BELONGS_TO_MANY:
        break;
    }
    return NULL;
}

/* Whether attribute `i` of `m` is the key of an association (then the association's edge
 * is drawn instead of the plain reference). */
static bool attr_is_assoc_key(cq_db *db, const cq_model *m, size_t i)
{
    const char *name = cq_model_attr_name(m, i);
    for (size_t k = 0; k < cq_db_model_count(db); k++) {
        cq_model *src = cq_db_model_at(db, k);
        for (size_t a = 0; a < cq_model_assoc_count(src); a++) {
            const cq_assoc *as = cq_model_assoc_at(src, a);
            const char *fk = cq_assoc_foreign_key(as);
            if (assoc_key_holder(as) == m && fk && strcmp(fk, name) == 0)
                return true;
        }
    }
    return false;
}

/* Whether `m` is the join model of some belongsToMany. */
static bool is_join_model(cq_db *db, const cq_model *m)
{
    for (size_t k = 0; k < cq_db_model_count(db); k++) {
        cq_model *src = cq_db_model_at(db, k);
        for (size_t a = 0; a < cq_model_assoc_count(src); a++)
            if (cq_assoc_through(cq_model_assoc_at(src, a)) == m)
                return true;
    }
    return false;
}

/* Nullability of an association's key (for the "one" end: optional or mandatory). */
static bool assoc_key_nullable(const cq_assoc *as)
{
    cq_model *h = assoc_key_holder(as);
    long i = h ? cq_model_attr_index(h, cq_assoc_foreign_key(as)) : -1;
    return i < 0 || cq_model_attr_is_nullable(h, (size_t)i);
}

/* Crow's-foot ends of an association edge drawn source -> target. */
typedef struct assoc_ends {
    const char *dot_tail, *dot_head; /* source end, target end */
    const char *mer_left, *mer_line, *mer_right;
} assoc_ends;

static assoc_ends ends_of(const cq_assoc *as)
{
    bool nullable = assoc_key_nullable(as);
    switch (cq_assoc_type_of(as)) {
    case CQ_BELONGS_TO: /* many sources, zero-or-one / exactly one target */
        return (assoc_ends){ "crowodot", nullable ? "teeodot" : "teetee", "}o", "--",
                             nullable ? "o|" : "||" };
    case CQ_HAS_ONE: /* one source, zero-or-one target */
        return (assoc_ends){ nullable ? "teeodot" : "teetee", "teeodot", nullable ? "|o" : "||",
                             "--", "o|" };
    case CQ_HAS_MANY: /* one source, zero-or-more targets */
        return (assoc_ends){ nullable ? "teeodot" : "teetee", "crowodot", nullable ? "|o" : "||",
                             "--", "o{" };
    case CQ_BELONGS_TO_MANY:
        break;
    }
    return (assoc_ends){ "crowodot", "crowodot", "}o", "..", "o{" };
}

/* "hasMany Workers (projectId)" */
static void assoc_label(char *buf, size_t n, const cq_assoc *as)
{
    cq_model *through = cq_assoc_through(as);
    if (through)
        snprintf(buf, n, "%s %s (through %s)", cq_assoc_type_name(cq_assoc_type_of(as)),
                 cq_assoc_as(as), cq_model_name(through));
    else
        snprintf(buf, n, "%s %s (%s)", cq_assoc_type_name(cq_assoc_type_of(as)), cq_assoc_as(as),
                 cq_assoc_foreign_key(as) ? cq_assoc_foreign_key(as) : "");
}

static void dot_label(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', out);
        if ((unsigned char)*s >= 0x20)
            fputc(*s, out);
    }
}

typedef void (*attr_visit_fn)(FILE *out, cq_db *db, cq_model *m, size_t a, const attr_view *v);

/* Calls `visit` on every attribute of every model. */
static void each_attr(FILE *out, cq_db *db, attr_visit_fn visit)
{
    for (size_t i = 0; i < cq_db_model_count(db); i++) {
        cq_model *m = cq_db_model_at(db, i);
        for (size_t a = 0; a < cq_model_attr_count(m); a++) {
            attr_view v;
            attr_view_of(&v, m, a);
            visit(out, db, m, a, &v);
        }
    }
}

/* Plain references (not association keys): from the referencing table (many) to the
 * referenced key (one; optional when the column allows NULL). */
static void dot_reference_edge(FILE *out, cq_db *db, cq_model *m, size_t a, const attr_view *v)
{
    if (!v->has_ref || attr_is_assoc_key(db, m, a))
        return;
    fputs("  ", out);
    dot_id(out, cq_model_name(m));
    fputc(':', out);
    dot_id(out, v->name);
    fputs(" -> ", out);
    if (v->ref_model) {
        dot_id(out, cq_model_name(v->ref_model));
        if (cq_model_attr_index(v->ref_model, v->ref_key) >= 0) {
            fputc(':', out);
            dot_id(out, v->ref_key);
        }
    } else {
        dot_id(out, v->ref_table);
    }
    fprintf(out, " [dir=both, arrowtail=crowodot, arrowhead=%s",
            v->allow_null ? "teeodot" : "teetee");
    if (v->on_delete || v->on_update) {
        char label[64];
        snprintf(label, sizeof label, "%s%s%s%s%s", v->on_delete ? "ON DELETE " : "",
                 v->on_delete ? v->on_delete : "", v->on_delete && v->on_update ? "\\n" : "",
                 v->on_update ? "ON UPDATE " : "", v->on_update ? v->on_update : "");
        fputs(", label=\"", out);
        fputs(label, out);
        fputc('"', out);
    }
    fputs("];\n", out);
}

/* Whether `b` is the inverse of `a`: hasOne/hasMany and the belongsTo back on the same key
 * (same holder, same foreign key, same referenced key), or two belongsToMany through one
 * join model with their keys swapped. */
static bool is_inverse(const cq_assoc *a, const cq_assoc *b)
{
    if (cq_assoc_source(a) != cq_assoc_target(b) || cq_assoc_target(a) != cq_assoc_source(b))
        return false;
    cq_assoc_type ta = cq_assoc_type_of(a), tb = cq_assoc_type_of(b);
    const char *fa = cq_assoc_foreign_key(a), *fb = cq_assoc_foreign_key(b);
    if (!fa || !fb)
        return false;
    if (ta == CQ_BELONGS_TO_MANY || tb == CQ_BELONGS_TO_MANY) {
        const char *oa = cq_assoc_other_key(a), *ob = cq_assoc_other_key(b);
        return ta == tb && cq_assoc_through(a) == cq_assoc_through(b) && oa && ob &&
               strcmp(fa, ob) == 0 && strcmp(oa, fb) == 0;
    }
    if (ta == CQ_BELONGS_TO && tb != CQ_BELONGS_TO)
        return is_inverse(b, a);
    if (tb != CQ_BELONGS_TO || ta == CQ_BELONGS_TO)
        return false;
    /* a: hasOne/hasMany (key on a's target); b: belongsTo (key on b's source, the same model) */
    const char *ka = cq_assoc_source_key(a), *kb = cq_assoc_target_key(b);
    return strcmp(fa, fb) == 0 && ka && kb && strcmp(ka, kb) == 0;
}

/* The associations to draw: each one, or one edge per pair of inverse associations.
 * `primary` is drawn (for a pair: the hasOne/hasMany side, or the first belongsToMany),
 * `inverse` is its partner or NULL. */
typedef struct assoc_edge {
    const cq_assoc *primary, *inverse;
} assoc_edge;

/* Pairs inverse associations, first come first paired; returns the edges in definition
 * order (of their first association), or NULL on OOM (`*n` then 0). Caller frees. */
static assoc_edge *assoc_edges(cq_db *db, size_t *n)
{
    size_t total = 0;
    for (size_t i = 0; i < cq_db_model_count(db); i++)
        total += cq_model_assoc_count(cq_db_model_at(db, i));
    *n = 0;
    const cq_assoc **all = cq__calloc(total ? total : 1, sizeof *all);
    bool *taken = cq__calloc(total ? total : 1, sizeof *taken);
    assoc_edge *edges = cq__calloc(total ? total : 1, sizeof *edges);
    if (!all || !taken || !edges) {
        cq__free(all);
        cq__free(taken);
        cq__free(edges);
        return NULL;
    }
    size_t k = 0;
    for (size_t i = 0; i < cq_db_model_count(db); i++) {
        cq_model *m = cq_db_model_at(db, i);
        for (size_t a = 0; a < cq_model_assoc_count(m); a++)
            all[k++] = cq_model_assoc_at(m, a);
    }
    for (size_t i = 0; i < total; i++) {
        if (taken[i])
            continue;
        taken[i] = true;
        assoc_edge e = { all[i], NULL };
        for (size_t j = i + 1; j < total; j++) {
            if (!taken[j] && is_inverse(all[i], all[j])) {
                taken[j] = true;
                e.inverse = all[j];
                if (cq_assoc_type_of(all[i]) == CQ_BELONGS_TO) { /* draw from the "one" side */
                    e.primary = all[j];
                    e.inverse = all[i];
                }
                break;
            }
        }
        edges[(*n)++] = e;
    }
    cq__free(all);
    cq__free(taken);
    return edges;
}

/* "hasMany Crew / belongsTo team (clubId)", or the single association's label. */
static void edge_label(char *buf, size_t n, const assoc_edge *e)
{
    if (!e->inverse) {
        assoc_label(buf, n, e->primary);
        return;
    }
    const cq_assoc *p = e->primary, *q = e->inverse;
    cq_model *through = cq_assoc_through(p);
    char key[160];
    if (through)
        snprintf(key, sizeof key, "through %s", cq_model_name(through));
    else
        snprintf(key, sizeof key, "%s", cq_assoc_foreign_key(p));
    snprintf(buf, n, "%s %s / %s %s (%s)", cq_assoc_type_name(cq_assoc_type_of(p)), cq_assoc_as(p),
             cq_assoc_type_name(cq_assoc_type_of(q)), cq_assoc_as(q), key);
}

/* The attribute an association's edge starts at on its source and ends at on its target
 * (the referenced key and the foreign key), so that several associations between the same
 * two models, and self-associations, attach to different rows. NULL for belongsToMany. */
static void edge_ports(const cq_assoc *as, const char **tail, const char **head)
{
    *tail = *head = NULL;
    switch (cq_assoc_type_of(as)) {
    case CQ_BELONGS_TO:
        *tail = cq_assoc_foreign_key(as);
        *head = cq_assoc_target_key(as);
        break;
    case CQ_HAS_ONE:
    case CQ_HAS_MANY:
        *tail = cq_assoc_source_key(as);
        *head = cq_assoc_foreign_key(as);
        break;
    case CQ_BELONGS_TO_MANY:
        break;
    }
}

typedef void (*edge_visit_fn)(FILE *out, const cq_assoc *as, const assoc_ends *e,
                              const char *label);

/* Calls `visit` on every edge of assoc_edges (one per association pair), with its ends and
 * label. */
static void each_assoc_edge(FILE *out, cq_db *db, edge_visit_fn visit)
{
    size_t n = 0;
    assoc_edge *edges = assoc_edges(db, &n);
    for (size_t i = 0; i < n; i++) {
        const cq_assoc *as = edges[i].primary;
        assoc_ends e = ends_of(as);
        char label[400];
        edge_label(label, sizeof label, &edges[i]);
        visit(out, as, &e, label);
    }
    cq__free(edges);
}

static void dot_assoc_edge(FILE *out, const cq_assoc *as, const assoc_ends *e, const char *label)
{
    cq_model *src = cq_assoc_source(as), *tgt = cq_assoc_target(as);
    const char *tail = NULL, *head = NULL;
    edge_ports(as, &tail, &head);
    bool self = src == tgt;
    fputs("  ", out);
    dot_id(out, cq_model_name(src));
    if (tail && cq_model_attr_index(src, tail) >= 0) {
        fputc(':', out);
        dot_id(out, tail);
        if (self) /* a self-association loops on the right, from row to row */
            fputs(":e", out);
    }
    fputs(" -> ", out);
    dot_id(out, cq_model_name(tgt));
    if (head && cq_model_attr_index(tgt, head) >= 0) {
        fputc(':', out);
        dot_id(out, head);
        if (self)
            fputs(":e", out);
    }
    /* a self-association's label is an xlabel, which dot places clear of the tables and
     * of other labels: the middles of several loops from one row fall on the same spot */
    bool row_loop = self && head && cq_model_attr_index(tgt, head) >= 0;
    fprintf(out, " [dir=both, arrowtail=%s, arrowhead=%s%s, %s=\"", e->dot_tail, e->dot_head,
            cq_assoc_through(as) ? ", style=dashed" : "", row_loop ? "xlabel" : "label");
    dot_label(out, label);
    fputs("\"];\n", out);
}

/* A referenced table that is not a model. */
static void dot_foreign_table(FILE *out, cq_db *db, cq_model *m, size_t a, const attr_view *v)
{
    (void)db, (void)m, (void)a;
    if (v->has_ref && !v->ref_model) {
        fputs("  ", out);
        dot_id(out, v->ref_table);
        fputs(" [shape=box, style=dashed];\n", out);
    }
}

static int diagram_dot(cq_db *db, FILE *out)
{
    fputs("digraph cequel {\n"
          "  graph [rankdir=LR];\n"
          "  node [shape=plaintext, fontname=\"Helvetica\", fontsize=10];\n"
          "  edge [fontname=\"Helvetica\", fontsize=9];\n",
          out);
    for (size_t i = 0; i < cq_db_model_count(db); i++) {
        cq_model *m = cq_db_model_at(db, i);
        bool join = is_join_model(db, m);
        fputs("  ", out);
        dot_id(out, cq_model_name(m));
        fprintf(out,
                " [label=<<table border=\"0\" cellborder=\"1\" cellspacing=\"0\" "
                "cellpadding=\"4\"%s>\n    <tr><td bgcolor=\"%s\"><b>",
                join ? " style=\"dashed\"" : "", join ? "#eeeeee" : "#dddddd");
        html_text(out, cq_model_name(m));
        fputs("</b> (", out);
        html_text(out, cq_model_table_name(m));
        fputs(join ? ") join</td></tr>\n" : ")</td></tr>\n", out);
        for (size_t a = 0; a < cq_model_attr_count(m); a++) {
            attr_view v;
            attr_view_of(&v, m, a);
            fputs("    <tr><td port=\"", out);
            html_text(out, v.name);
            fputs("\" align=\"left\">", out);
            html_text(out, v.name);
            if (strcmp(v.name, v.field) != 0) {
                fputs(" [", out);
                html_text(out, v.field);
                fputs("]", out);
            }
            fputs(": ", out);
            html_text(out, v.type);
            fprintf(out, "%s%s%s%s", v.primary_key ? " PK" : "", v.has_ref ? " FK" : "",
                    v.unique ? " UK" : "", v.allow_null ? "" : " NOT NULL");
            fputs("</td></tr>\n", out);
        }
        fputs("  </table>>];\n", out);
    }
    /* Referenced tables that are not models. */
    each_attr(out, db, dot_foreign_table);
    each_attr(out, db, dot_reference_edge);
    each_assoc_edge(out, db, dot_assoc_edge);
    fputs("}\n", out);
    return CLI_EXIT_OK;
}

/* Mermaid names: letters, digits, '_' and '-' only. */
static void mermaid_name(FILE *out, const char *s)
{
    if (!isalpha((unsigned char)*s))
        fputc('_', out);
    for (; *s; s++)
        fputc(isalnum((unsigned char)*s) || *s == '_' || *s == '-' ? *s : '_', out);
}

static void mermaid_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++)
        fputc(*s == '"' ? '\'' : (unsigned char)*s < 0x20 ? ' ' : *s, out);
    fputc('"', out);
}

/* A plain reference (not an association key). */
static void mermaid_reference_edge(FILE *out, cq_db *db, cq_model *m, size_t a, const attr_view *v)
{
    if (!v->has_ref || attr_is_assoc_key(db, m, a))
        return;
    fputs("    ", out);
    mermaid_name(out, cq_model_name(m));
    fprintf(out, " }o--%s ", v->allow_null ? "o|" : "||");
    mermaid_name(out, v->ref_model ? cq_model_name(v->ref_model) : v->ref_table);
    fputs(" : ", out);
    mermaid_string(out, v->name);
    fputc('\n', out);
}

static void mermaid_assoc_edge(FILE *out, const cq_assoc *as, const assoc_ends *e,
                               const char *label)
{
    fputs("    ", out);
    mermaid_name(out, cq_model_name(cq_assoc_source(as)));
    fprintf(out, " %s%s%s ", e->mer_left, e->mer_line, e->mer_right);
    mermaid_name(out, cq_model_name(cq_assoc_target(as)));
    fputs(" : ", out);
    mermaid_string(out, label);
    fputc('\n', out);
}

static int diagram_mermaid(cq_db *db, FILE *out)
{
    fputs("erDiagram\n", out);
    for (size_t i = 0; i < cq_db_model_count(db); i++) {
        cq_model *m = cq_db_model_at(db, i);
        fputs("    ", out);
        mermaid_name(out, cq_model_name(m));
        fputs(" {\n", out);
        for (size_t a = 0; a < cq_model_attr_count(m); a++) {
            attr_view v;
            attr_view_of(&v, m, a);
            fprintf(out, "        %s ", cq_type_name(cq_model_attr_type(m, a)));
            mermaid_name(out, v.name);
            const char *keys[3];
            size_t nk = 0;
            if (v.primary_key)
                keys[nk++] = "PK";
            if (v.has_ref)
                keys[nk++] = "FK";
            if (v.unique)
                keys[nk++] = "UK";
            for (size_t k = 0; k < nk; k++)
                fprintf(out, "%s%s", k ? ", " : " ", keys[k]);
            char comment[1100];
            snprintf(comment, sizeof comment, "%s%s%s%s", v.type,
                     strcmp(v.name, v.field) ? " column " : "",
                     strcmp(v.name, v.field) ? v.field : "", v.allow_null ? "" : " not null");
            fputc(' ', out);
            mermaid_string(out, comment);
            fputc('\n', out);
        }
        fputs("    }\n", out);
    }
    each_attr(out, db, mermaid_reference_edge);
    each_assoc_edge(out, db, mermaid_assoc_edge);
    return CLI_EXIT_OK;
}

int cli_cmd_diagram(cq_db *db, const cli_schema *s, const char *format, FILE *out)
{
    (void)s;
    if (!format || strcmp(format, "dot") == 0)
        return diagram_dot(db, out);
    if (strcmp(format, "mermaid") == 0)
        return diagram_mermaid(db, out);
    fprintf(stderr, "cequel: diagram: unknown format \"%s\" (expected dot or mermaid)\n", format);
    return CLI_EXIT_USAGE;
}

/* ---- ddl ------------------------------------------------------------------------------- */

int cli_cmd_ddl(cq_db *db, const char *dialect, FILE *out)
{
    cq_dialect d = cq_db_dialect(db);
    if (dialect) {
        const cq__sql_dialect *named = cq__sql_dialect_named(dialect);
        if (named) {
            d = named->id;
        } else {
            fprintf(stderr,
                    "cequel: ddl: unknown dialect \"%s\" (expected sqlite, postgres or "
                    "mysql)\n",
                    dialect);
            return CLI_EXIT_USAGE;
        }
    }
#ifdef CLI_HAVE_DDL
    char *sql = NULL;
    int rc = cq_db_ddl(&sql, db, d);
    if (rc != CQ_OK) {
        const char *msg = cq_db_error(db)->message;
        fprintf(stderr, "cequel: ddl: %s: %s\n", cq_error_name(rc), *msg ? msg : cq_strerror(rc));
        cq_free(sql);
        return rc == CQ_ENOTSUPPORTED || rc == CQ_EINVALID ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
    }
    size_t n = strlen(sql);
    fprintf(out, "%s%s", sql, n && sql[n - 1] == '\n' ? "" : "\n");
    cq_free(sql);
    return CLI_EXIT_OK;
#else
    (void)d;
    (void)out;
    fprintf(stderr, "ddl: not available in this build\n");
    return CLI_EXIT_USAGE;
#endif
}
