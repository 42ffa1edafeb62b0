/*
 * `describe`, `diagram` and `ddl`: what cequel derived from a schema, without touching a
 * database's tables.
 *
 * The public API has getters for name, field, type, allowNull and primaryKey. Uniqueness,
 * references, referential actions, autoIncrement, type length and defaults have none yet,
 * so for those the declaration in the schema file is shown (generated attributes such as
 * `id` and the timestamps are derived as Sequelize does: see attr_view()).
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

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
    char type[64];
    bool allow_null, primary_key, auto_increment;
    bool unique;
    const char *unique_name;
    json_t *default_json;
    bool has_ref;
    cq_model *ref_model;   /* the referenced model, when references.model names one */
    const char *ref_table; /* table name (the model's, or as written) */
    const char *ref_key;
    const char *on_delete, *on_update;
} attr_view;

/* references.model is a model name first, then a table name (spec sync.md section 9). */
static cq_model *model_by_name_or_table(cq_db *db, const char *name)
{
    cq_model *m = cq_db_model(db, name);
    for (size_t i = 0; !m && i < cq_db_model_count(db); i++)
        if (strcmp(cq_model_table_name(cq_db_model_at(db, i)), name) == 0)
            m = cq_db_model_at(db, i);
    return m;
}

static void attr_view_of(attr_view *v, cq_db *db, const cq_model *m, const cli_model *decl,
                         size_t i)
{
    memset(v, 0, sizeof *v);
    v->name = cq_model_attr_name(m, i);
    v->field = cq_model_attr_field(m, i);
    v->allow_null = cq_model_attr_allow_null(m, i);
    v->primary_key = cq_model_attr_is_primary_key(m, i);
    cq_type t = cq_model_attr_type(m, i);
    snprintf(v->type, sizeof v->type, "%s", cq_type_name(t));
    const cli_attr *ca = cli_model_attr(decl, v->name);
    if (!ca) {
        /* Generated: the default primary key `id` is INTEGER auto-increment. */
        v->auto_increment = v->primary_key && t == CQ_INTEGER;
        return;
    }
    const cq_attr *a = &decl->cq_attrs[ca - decl->attrs];
    if (a->length)
        snprintf(v->type, sizeof v->type, "%s(%d)", cq_type_name(t), a->length);
    else if (a->precision && a->scale)
        snprintf(v->type, sizeof v->type, "%s(%d,%d)", cq_type_name(t), a->precision,
                 a->scale);
    else if (a->precision)
        snprintf(v->type, sizeof v->type, "%s(%d)", cq_type_name(t), a->precision);
    v->auto_increment = ca->auto_increment;
    v->unique = ca->unique;
    v->unique_name = ca->unique_name;
    v->default_json = ca->default_json;
    if (ca->ref_model && !ca->ref_none) {
        v->has_ref = true;
        v->ref_model = model_by_name_or_table(db, ca->ref_model);
        v->ref_table = v->ref_model ? cq_model_table_name(v->ref_model) : ca->ref_model;
        v->ref_key = ca->ref_key ? ca->ref_key : "id";
        v->on_delete = ca->on_delete;
        v->on_update = ca->on_update;
    }
}

/* ---- describe -------------------------------------------------------------------------- */

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
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
    if (v->default_json)
        json_object_set(a, "defaultValue", v->default_json);
    if (v->has_ref) {
        json_t *r = json_object();
        json_object_set_new(r, "model", str_or_null(v->ref_model ? cq_model_name(v->ref_model)
                                                                  : NULL));
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

int cli_cmd_describe(cq_db *db, const cli_schema *s, FILE *out)
{
    json_t *doc = json_object();
    json_t *models = json_array();
    json_object_set_new(doc, "models", models);
    for (size_t i = 0; i < cq_db_model_count(db); i++) {
        cq_model *m = cq_db_model_at(db, i);
        const cli_model *decl = cli_schema_model(s, cq_model_name(m));
        json_t *jm = json_object();
        json_object_set_new(jm, "name", json_string(cq_model_name(m)));
        json_object_set_new(jm, "tableName", json_string(cq_model_table_name(m)));
        json_object_set_new(jm, "primaryKey", str_or_null(cq_model_primary_key(m)));
        json_t *attrs = json_array();
        for (size_t a = 0; a < cq_model_attr_count(m); a++) {
            attr_view v;
            attr_view_of(&v, db, m, decl, a);
            json_array_append_new(attrs, describe_attr(&v));
        }
        json_object_set_new(jm, "attributes", attrs);
        json_array_append_new(models, jm);
    }
    char *text = json_dumps(doc, JSON_INDENT(2));
    json_decref(doc);
    if (!text) {
        fprintf(stderr, "cequel: out of memory\n");
        return CLI_EXIT_FAIL;
    }
    fprintf(out, "%s\n", text);
    free(text);
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

/* Crow's-foot ends for an edge from the referencing table (many) to the referenced (one). */
static void dot_edges(FILE *out, cq_db *db, const cli_schema *s)
{
    for (size_t i = 0; i < cq_db_model_count(db); i++) {
        cq_model *m = cq_db_model_at(db, i);
        const cli_model *decl = cli_schema_model(s, cq_model_name(m));
        for (size_t a = 0; a < cq_model_attr_count(m); a++) {
            attr_view v;
            attr_view_of(&v, db, m, decl, a);
            if (!v.has_ref)
                continue;
            fputs("  ", out);
            dot_id(out, cq_model_name(m));
            fputc(':', out);
            dot_id(out, v.name);
            fputs(" -> ", out);
            if (v.ref_model) {
                dot_id(out, cq_model_name(v.ref_model));
                if (cq_model_attr_index(v.ref_model, v.ref_key) >= 0) {
                    fputc(':', out);
                    dot_id(out, v.ref_key);
                }
            } else {
                dot_id(out, v.ref_table);
            }
            fprintf(out, " [dir=both, arrowtail=crowodot, arrowhead=%s",
                    v.allow_null ? "teeodot" : "teetee");
            if (v.on_delete || v.on_update) {
                char label[64];
                snprintf(label, sizeof label, "%s%s%s%s%s", v.on_delete ? "ON DELETE " : "",
                         v.on_delete ? v.on_delete : "", v.on_delete && v.on_update ? "\\n" : "",
                         v.on_update ? "ON UPDATE " : "", v.on_update ? v.on_update : "");
                fputs(", label=\"", out);
                fputs(label, out);
                fputc('"', out);
            }
            fputs("];\n", out);
        }
    }
}

static int diagram_dot(cq_db *db, const cli_schema *s, FILE *out)
{
    fputs("digraph cequel {\n"
          "  graph [rankdir=LR];\n"
          "  node [shape=plaintext, fontname=\"Helvetica\", fontsize=10];\n"
          "  edge [fontname=\"Helvetica\", fontsize=9];\n",
          out);
    for (size_t i = 0; i < cq_db_model_count(db); i++) {
        cq_model *m = cq_db_model_at(db, i);
        const cli_model *decl = cli_schema_model(s, cq_model_name(m));
        fputs("  ", out);
        dot_id(out, cq_model_name(m));
        fputs(" [label=<<table border=\"0\" cellborder=\"1\" cellspacing=\"0\" "
              "cellpadding=\"4\">\n    <tr><td bgcolor=\"#dddddd\"><b>",
              out);
        html_text(out, cq_model_name(m));
        fputs("</b> (", out);
        html_text(out, cq_model_table_name(m));
        fputs(")</td></tr>\n", out);
        for (size_t a = 0; a < cq_model_attr_count(m); a++) {
            attr_view v;
            attr_view_of(&v, db, m, decl, a);
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
    for (size_t i = 0; i < cq_db_model_count(db); i++) {
        cq_model *m = cq_db_model_at(db, i);
        const cli_model *decl = cli_schema_model(s, cq_model_name(m));
        for (size_t a = 0; a < cq_model_attr_count(m); a++) {
            attr_view v;
            attr_view_of(&v, db, m, decl, a);
            if (v.has_ref && !v.ref_model) {
                fputs("  ", out);
                dot_id(out, v.ref_table);
                fputs(" [shape=box, style=dashed];\n", out);
            }
        }
    }
    dot_edges(out, db, s);
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

static int diagram_mermaid(cq_db *db, const cli_schema *s, FILE *out)
{
    fputs("erDiagram\n", out);
    for (size_t i = 0; i < cq_db_model_count(db); i++) {
        cq_model *m = cq_db_model_at(db, i);
        const cli_model *decl = cli_schema_model(s, cq_model_name(m));
        fputs("    ", out);
        mermaid_name(out, cq_model_name(m));
        fputs(" {\n", out);
        for (size_t a = 0; a < cq_model_attr_count(m); a++) {
            attr_view v;
            attr_view_of(&v, db, m, decl, a);
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
            char comment[300];
            snprintf(comment, sizeof comment, "%s%s%s%s", v.type,
                     strcmp(v.name, v.field) ? " column " : "",
                     strcmp(v.name, v.field) ? v.field : "", v.allow_null ? "" : " not null");
            fputc(' ', out);
            mermaid_string(out, comment);
            fputc('\n', out);
        }
        fputs("    }\n", out);
    }
    for (size_t i = 0; i < cq_db_model_count(db); i++) {
        cq_model *m = cq_db_model_at(db, i);
        const cli_model *decl = cli_schema_model(s, cq_model_name(m));
        for (size_t a = 0; a < cq_model_attr_count(m); a++) {
            attr_view v;
            attr_view_of(&v, db, m, decl, a);
            if (!v.has_ref)
                continue;
            fputs("    ", out);
            mermaid_name(out, cq_model_name(m));
            fprintf(out, " }o--%s ", v.allow_null ? "o|" : "||");
            mermaid_name(out, v.ref_model ? cq_model_name(v.ref_model) : v.ref_table);
            fputs(" : ", out);
            mermaid_string(out, v.name);
            fputc('\n', out);
        }
    }
    return CLI_EXIT_OK;
}

int cli_cmd_diagram(cq_db *db, const cli_schema *s, const char *format, FILE *out)
{
    if (!format || strcmp(format, "dot") == 0)
        return diagram_dot(db, s, out);
    if (strcmp(format, "mermaid") == 0)
        return diagram_mermaid(db, s, out);
    fprintf(stderr, "cequel: diagram: unknown format \"%s\" (expected dot or mermaid)\n", format);
    return CLI_EXIT_USAGE;
}

/* ---- ddl ------------------------------------------------------------------------------- */

int cli_cmd_ddl(cq_db *db, const char *dialect, FILE *out)
{
    cq_dialect d = cq_db_dialect(db);
    if (dialect) {
        if (strcmp(dialect, "sqlite") == 0) {
            d = CQ_DIALECT_SQLITE;
        } else if (strcmp(dialect, "postgres") == 0) {
            d = CQ_DIALECT_POSTGRES;
        } else if (strcmp(dialect, "mysql") == 0) {
            d = CQ_DIALECT_MYSQL;
        } else {
            fprintf(stderr, "cequel: ddl: unknown dialect \"%s\" (expected sqlite, postgres or "
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
