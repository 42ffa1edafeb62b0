/**
 * @file cequel/model.h
 * Models (Sequelize's `sequelize.define`), attribute definitions and data types.
 * Models belong to their cq_db and are freed by cq_db_close().
 */
#ifndef CEQUEL_MODEL_H
#define CEQUEL_MODEL_H

#include "cequel/common.h"
#include "cequel/db.h"
#include "cequel/value.h"
#include "cequel/validate.h"

CQ_BEGIN_DECL

/** Data types (Sequelize's DataTypes). */
typedef enum cq_type {
    CQ_TYPE_NONE = 0, /**< invalid: every attribute names a type */
    CQ_STRING,        /**< VARCHAR(length), length default 255 */
    CQ_CHAR,          /**< CHAR(length), length default 255 */
    CQ_TEXT,
    CQ_INTEGER,
    CQ_BIGINT,
    CQ_SMALLINT,
    CQ_FLOAT,
    CQ_REAL,
    CQ_DOUBLE,
    CQ_DECIMAL, /**< DECIMAL or DECIMAL(precision,scale); values read back as exact text on
                     PostgreSQL and MySQL ("12.50"), as numbers on SQLite (see docs/types.md) */
    CQ_BOOLEAN,
    CQ_DATE,     /**< values: ISO-8601 text in UTC, "2024-05-01T10:20:30.000Z" */
    CQ_DATEONLY, /**< values: "YYYY-MM-DD" */
    CQ_TIME,     /**< values: "HH:MM:SS" */
    CQ_UUID,     /**< values: text in the 8-4-4-4-12 hex form, checked on every write */
    CQ_JSON,     /**< values: any cq_value tree, stored as JSON text */
    CQ_BLOB,
    CQ_VIRTUAL, /**< Sequelize's VIRTUAL: no column; the value lives on the instance only,
                     usually computed by a getter (`cq_attr.get`) from other attributes */
    CQ_ENUM,    /**< one of `cq_attr.values` (text); PostgreSQL: a type of its own named
                     "enum_<table>_<column>", MySQL: ENUM('a', 'b'), SQLite: TEXT */
    CQ_JSONB,   /**< PostgreSQL's JSONB; values as CQ_JSON. SQLite stores it as JSON text;
                     MySQL has no JSONB (refused by cq_db_define with CQ_ENOTSUPPORTED) */
    CQ_ARRAY    /**< PostgreSQL only: an array of `cq_attr.element_type` (INTEGER[],
                     VARCHAR(255)[], an ENUM's type[]); values are cq_value arrays */
} cq_type;

struct cq_instance;
struct cq_hook;
/**
 * A getter (Sequelize's attribute `get()`): makes the attribute's value as read through
 * cq_instance_get_value() and toJSON. Read stored values with cq_instance_get_data_value()
 * (v6's getDataValue) or other getters with cq_instance_get_value().
 * @param[out] out  a new value (NULL is taken as a null value); the library frees it.
 * @return CQ_OK, or a CQ_E* code that the reading call returns.
 * @param inst       the instance read.
 * @param attr       the attribute's name.
 * @param user_data  the attribute's `accessor_data`.
 */
typedef int (*cq_getter_fn)(cq_value **out, const struct cq_instance *inst, const char *attr,
                            void *user_data);
/**
 * A setter (Sequelize's attribute `set(value)`): called by cq_instance_set(), build, create
 * and update with the value given; stores what it wants with cq_instance_set_data_value()
 * (v6's setDataValue), on this attribute or others.
 * @param value  owned by the setter (pass it on or free it).
 * @return CQ_OK, or a CQ_E* code that the setting call returns.
 * @param inst       the instance written.
 * @param attr       the attribute's name.
 * @param user_data  the attribute's `accessor_data`.
 */
typedef int (*cq_setter_fn)(struct cq_instance *inst, const char *attr, cq_value *value,
                            void *user_data);

/**
 * A foreign key's referential action, for `on_delete` / `on_update` (Sequelize's `onDelete` /
 * `onUpdate`, whose strings schema files keep: "CASCADE", "SET NULL", ...). 0 leaves the
 * action to Sequelize's default: none for a plain attribute; for an association's key, as
 * Sequelize picks it (onDelete SET NULL for a nullable key, else CASCADE (NO ACTION for
 * belongsTo); onUpdate CASCADE).
 */
typedef enum cq_ref_action {
    CQ_REF_DEFAULT = 0, /**< the default (see above) */
    CQ_REF_CASCADE,     /**< CASCADE */
    CQ_REF_SET_NULL,    /**< SET NULL */
    CQ_REF_RESTRICT,    /**< RESTRICT */
    CQ_REF_NO_ACTION,   /**< NO ACTION */
    CQ_REF_SET_DEFAULT  /**< SET DEFAULT */
} cq_ref_action;

/** Generated default values (Sequelize's DataTypes.NOW / UUIDV4). */
typedef enum cq_default_fn {
    CQ_DEFAULT_FN_NONE = 0,
    CQ_DEFAULT_NOW,   /**< current time when the row is built */
    CQ_DEFAULT_UUIDV4 /**< a random version-4 UUID */
} cq_default_fn;

/**
 * One attribute (column) definition. Zero means default in every field.
 * A list of attributes ends with an all-zero element. Like every options struct, it is
 * borrowed for the call: cq_db_define() copies the strings and the default value it keeps.
 */
typedef struct cq_attr {
    const char *name;                  /**< attribute name (required) */
    cq_type type;                      /**< required */
    int length;                        /**< STRING/CHAR length; 0 = 255 */
    int precision;                     /**< DECIMAL(precision, scale), DATE(precision): fractional
                                            seconds on MySQL; 0 = none */
    int scale;                         /**< DECIMAL scale; 0 = none */
    bool primary_key;                  /**< default false */
    bool auto_increment;               /**< default false */
    cq_flag allow_null;                /**< default: nullable (CQ_OFF = NOT NULL); primary keys are
                                            never nullable */
    const cq_value *default_value;     /**< literal default; borrowed for the call (the model
                                            keeps a copy), so pass a constant (CQ_FALSE, CQ_NULL)
                                            or free your own value afterwards; NULL = none */
    cq_default_fn default_fn;          /**< generated default; default none */
    bool unique;                       /**< single-column UNIQUE */
    const char *unique_name;           /**< composite unique: attributes sharing a name form one
                                            constraint; implies unique */
    const char *field;                 /**< column name; default: the attribute name, or its
                                            snake_case form when the model is `underscored` */
    const char *references_model;      /**< referenced model name, or a model's table name
                                            (resolved at sync: a model may reference one defined
                                            later); NULL = no reference */
    cq_model *references_model_handle; /**< same, as a handle (wins over the string) */
    const char *references_key;        /**< referenced attribute/column; default "id" */
    cq_ref_action on_delete;           /**< ON DELETE action; default none */
    cq_ref_action on_update;           /**< ON UPDATE action; default none */
    bool references_none;              /**< Sequelize's `references: null`: never a constraint, even
                                            when an association later uses this column */
    const cq_validator *validate;      /**< Sequelize's `validate`: list ending with a NULL key,
                                            copied (see cequel/validate.h); NULL = none */
    cq_getter_fn get;                  /**< Sequelize's `get`; NULL = the stored value */
    cq_setter_fn set;                  /**< Sequelize's `set`; NULL = store the value */
    void *accessor_data;               /**< user_data of `get` and `set` */
    const char *const *virtual_deps;   /**< CQ_VIRTUAL: the attributes its getter reads (v6's
                                            VIRTUAL(type, deps)); a find whose `attributes`
                                            names it selects these; NULL-terminated, copied */
    const char *const *values;         /**< CQ_ENUM (or an ARRAY of ENUM): the allowed values,
                                            NULL-terminated, at least one, copied */
    cq_type element_type;              /**< CQ_ARRAY: the type of the elements (any scalar
                                            type or CQ_ENUM; `length` applies to STRING);
                                            required for an ARRAY */
    const char *get_bound;             /**< used when `get` is NULL: the name of a getter bound
                                            with cq_db_bind_getter() (how schema files name
                                            getters); copied; NULL = none */
    const char *set_bound;             /**< used when `set` is NULL: the name of a setter bound
                                            with cq_db_bind_setter(); copied; NULL = none */
} cq_attr;

/**
 * One index of a model (an element of Sequelize's `indexes` model option). sync creates it
 * after the table (`CREATE [UNIQUE] INDEX "name" ON "table" ("col", ...)`; MySQL:
 * `ALTER TABLE ... ADD [UNIQUE] INDEX`) when the table has no index of that name yet; it goes
 * away with the table. A list ends with an all-zero element.
 */
typedef struct cq_index {
    const char *const *fields; /**< NULL-terminated column names, used verbatim as Sequelize
                                    does (name a foreign key an association adds later by its
                                    column, e.g. "userId"); required, at least one */
    const char *name;          /**< default: Sequelize's nameIndex, underscore(`<table>_<fields
                                    joined by _>`): `posts_user_id` for posts ("userId") */
    bool unique;               /**< CREATE UNIQUE INDEX; default false */
} cq_index;

/** Model options (the third argument of `define`). Zero inherits the db-wide default. */
typedef struct cq_model_opts {
    const char *table_name;        /**< explicit table name, used verbatim */
    cq_flag freeze_table_name;     /**< CQ_ON: table name = model name; default off */
    cq_flag underscored;           /**< CQ_ON: snake_case columns for generated names */
    cq_flag timestamps;            /**< createdAt/updatedAt; default on */
    const char *created_at;        /**< attribute name for createdAt; default "createdAt" */
    const char *updated_at;        /**< attribute name for updatedAt; default "updatedAt" */
    bool omit_created_at;          /**< Sequelize's `createdAt: false`: no createdAt column */
    bool omit_updated_at;          /**< Sequelize's `updatedAt: false`: no updatedAt column
                                        (nothing is stamped on update) */
    bool paranoid;                 /**< Sequelize `paranoid`: destroy sets deletedAt instead of
                                        deleting, finders skip rows whose deletedAt is set; needs
                                        timestamps (ignored without them, as in v6); default false */
    const char *deleted_at;        /**< attribute name for deletedAt (nullable DATE after the other
                                        timestamps); default "deletedAt" (`deleted_at` underscored) */
    bool version;                  /**< Sequelize `version` (optimistic locking): an attribute
                                        INTEGER NOT NULL DEFAULT 0 after the timestamps; instance
                                        save/update/soft destroy bump it and fail with CQ_ESTALE when
                                        the row's version moved; default false */
    const char *version_attribute; /**< its name (v6 `version: 'lockVersion'`); implies
                                        `version`; default "version" */
    const char *name_singular;     /**< Sequelize `name.singular`; default singular of the name */
    const char *name_plural;       /**< Sequelize `name.plural`; default plural of the name */
    const cq_index *indexes;       /**< Sequelize `indexes`: zero-terminated list, copied; NULL =
                                        none. The default name uses the final table name. */
    const cq_validator *validate;  /**< Sequelize's model `validate`: custom validators (`fn` or
                                        `bound`) that see the whole instance; list ending with a
                                        NULL key, copied; NULL = none */
    const struct cq_hook *hooks;   /**< Sequelize's model `hooks`: list ending with a NULL
                                        event (cequel/hooks.h), copied; NULL = none */
} cq_model_opts;

/**
 * Binds `name` to a getter callback, for attributes that name their getter
 * (cq_attr.get_bound, `"get": "name"` in schema files). Binding a name again replaces it.
 * A getter called through a name gets the binding's `user_data`.
 *
 * @param db         the connection; borrowed for the call.
 * @param name       copied.
 * @param fn         the callback.
 * @param user_data  passed to `fn` untouched; not freed.
 * @return CQ_OK, CQ_EINVALID (NULL or empty name, NULL fn), CQ_ENOMEM.
 */
CQ_EXTERN int cq_db_bind_getter(cq_db *db, const char *name, cq_getter_fn fn, void *user_data);

/**
 * Binds `name` to a setter callback (cq_attr.set_bound, `"set": "name"` in schema files);
 * see cq_db_bind_getter().
 *
 * @param db         the connection; borrowed for the call.
 * @param name       copied.
 * @param fn         the callback.
 * @param user_data  passed to `fn` untouched; not freed.
 * @return CQ_OK, CQ_EINVALID (NULL or empty name, NULL fn), CQ_ENOMEM.
 */
CQ_EXTERN int cq_db_bind_setter(cq_db *db, const char *name, cq_setter_fn fn, void *user_data);

/**
 * The `i`-th getter or setter (0-based, models in definition order, then attributes) named
 * by an attribute but not bound yet, so that a program (the CLI) can report them all before
 * running anything. Reading (getter) or setting (setter) such an attribute fails with
 * CQ_EINVALID.
 *
 * @param db         the connection; borrowed for the call.
 * @param i          index among the unbound ones.
 * @param model_out  may be NULL; receives the model's name (borrowed from db).
 * @param attr_out   may be NULL; receives the attribute's name (borrowed from db).
 * @param kind_out   may be NULL; receives "get" or "set" (static).
 * @return the unbound name, borrowed from db; NULL past the end.
 */
CQ_EXTERN const char *cq_db_unbound_accessor(const cq_db *db, size_t i, const char **model_out,
                                             const char **attr_out, const char **kind_out);

/**
 * Defines a model (Sequelize's `sequelize.define(name, attributes, options)`).
 * A model without a primary key gets `id` INTEGER auto-increment first.
 *
 * @param[out] out  the model, owned by `db` (freed by cq_db_close()); may be NULL.
 * @param db        the connection the model belongs to; borrowed for the call.
 * @param name      the model name (copied); the table name is derived from it.
 * @param attrs     zero-terminated list, copied; may be NULL for a model with no attributes.
 * @param opts      NULL for defaults; copied. Names that reach the server are checked here (the
 *                  message names the model and the option): an empty name, two columns that are the
 *                  same or differ only by case (`Id` next to `id`), and a table, column or index
 *                  name longer than the dialect keeps (63 bytes PostgreSQL, 64 characters MySQL)
 *                  are refused with CQ_EINVALID.
 *
 * @return CQ_OK, CQ_EINVALID (duplicate model or attribute, missing type, bad onDelete, a bad
 *         name...), CQ_EUNKNOWN_MODEL (a references_model handle from another db).
 */
CQ_EXTERN int cq_db_define(cq_model **out, cq_db *db, const char *name, const cq_attr *attrs,
                           const cq_model_opts *opts);

/**
 * The model name as defined (borrowed).
 * @param m  borrowed; owned by its cq_db.
 */
CQ_EXTERN const char *cq_model_name(const cq_model *m);
/**
 * The table name (derived or given), borrowed.
 * @param m  borrowed; owned by its cq_db.
 */
CQ_EXTERN const char *cq_model_table_name(const cq_model *m);
/**
 * The db the model belongs to (borrowed: the caller's handle).
 * @param m  borrowed; owned by its cq_db.
 */
CQ_EXTERN cq_db *cq_model_db(const cq_model *m);
/**
 * Number of attributes, including the generated id, timestamps and foreign keys.
 * @param m  borrowed; owned by its cq_db.
 */
CQ_EXTERN size_t cq_model_attr_count(const cq_model *m);
/**
 * Name of attribute `i` (definition order). Borrowed from the model.
 * @param m  borrowed; owned by its cq_db.
 * @param i  position, 0-based.
 */
CQ_EXTERN const char *cq_model_attr_name(const cq_model *m, size_t i);
/**
 * Column of attribute `i` (its `field`, or the name). Borrowed from the model.
 * @param m  borrowed; owned by its cq_db.
 * @param i  position, 0-based.
 */
CQ_EXTERN const char *cq_model_attr_field(const cq_model *m, size_t i);
/**
 * Data type of attribute `i`.
 * @param m  borrowed; owned by its cq_db.
 * @param i  position, 0-based.
 */
CQ_EXTERN cq_type cq_model_attr_type(const cq_model *m, size_t i);
/**
 * Whether attribute `i` accepts NULL (Sequelize's `allowNull`).
 * @param m  borrowed; owned by its cq_db.
 * @param i  position, 0-based.
 */
CQ_EXTERN bool cq_model_attr_is_nullable(const cq_model *m, size_t i);
/**
 * Whether attribute `i` is (part of) the primary key.
 * @param m  borrowed; owned by its cq_db.
 * @param i  position, 0-based.
 */
CQ_EXTERN bool cq_model_attr_is_primary_key(const cq_model *m, size_t i);
/**
 * Index of attribute `name`, or -1.
 * @param m  borrowed; owned by its cq_db.
 * @param name  NUL-terminated; borrowed for the call.
 */
CQ_EXTERN long cq_model_attr_index(const cq_model *m, const char *name);
/**
 * Name of the (first) primary-key attribute (borrowed from the model, which its cq_db owns).
 * @param m  borrowed; owned by its cq_db.
 */
CQ_EXTERN const char *cq_model_primary_key(const cq_model *m);
/**
 * Sync one model (CREATE TABLE IF NOT EXISTS; force drops first).
 * @param m  borrowed; owned by its cq_db.
 * @param opts  NULL for defaults; borrowed for the call, not kept.
 * @return CQ_OK, CQ_EINVALID (NULL model), CQ_EUNKNOWN_MODEL / CQ_EUNKNOWN_ATTR (a bad reference),
 *         CQ_ENOMEM, or CQ_EDATABASE, CQ_ECONNECT or CQ_ETIMEOUT from the server (details:
 *         cq_db_error()).
 */
CQ_EXTERN int cq_model_sync(cq_model *m, const cq_sync_opts *opts);

/** Name of a data type as Sequelize writes it ("STRING", "INTEGER", ...) (static text; "NONE" for a
 * value that is no type). */
CQ_EXTERN const char *cq_type_name(cq_type t);

/* ---- introspection of attributes and models (src/model/introspect.c) -------------------
 * Attribute `i` in definition order, as the library derived it: generated attributes and
 * foreign keys injected by associations included. Strings are borrowed from the model.
 * An index out of range gives false / 0 / NULL. */

/**
 * Whether attribute `i` is auto-increment.
 * @param m  borrowed; owned by its cq_db.
 * @param i  position, 0-based.
 */
CQ_EXTERN bool cq_model_attr_is_auto_increment(const cq_model *m, size_t i);
/**
 * Single-column or composite unique (a `unique_name` implies unique).
 * @param m  borrowed; owned by its cq_db.
 * @param i  position, 0-based.
 */
CQ_EXTERN bool cq_model_attr_is_unique(const cq_model *m, size_t i);
/**
 * Name of the composite unique constraint; NULL when none was given (borrowed from the model, which
 * its cq_db owns).
 * @param m  borrowed; owned by its cq_db.
 * @param i  position, 0-based.
 */
CQ_EXTERN const char *cq_model_attr_unique_name(const cq_model *m, size_t i);
/**
 * STRING/CHAR length as declared (0 = default 255).
 * @param m  borrowed; owned by its cq_db.
 * @param i  position, 0-based.
 */
CQ_EXTERN int cq_model_attr_length(const cq_model *m, size_t i);
/**
 * DECIMAL precision or DATE fractional-second digits (0 = none).
 * @param m  borrowed; owned by its cq_db.
 * @param i  position, 0-based.
 */
CQ_EXTERN int cq_model_attr_precision(const cq_model *m, size_t i);
/**
 * DECIMAL scale (0 = none).
 * @param m  borrowed; owned by its cq_db.
 * @param i  position, 0-based.
 */
CQ_EXTERN int cq_model_attr_scale(const cq_model *m, size_t i);
/**
 * The values of an ENUM (or ARRAY of ENUM) attribute, NULL-terminated, borrowed from the
 * model; NULL for other types.
 * @param m  borrowed; owned by its cq_db.
 * @param i  position, 0-based.
 */
CQ_EXTERN const char *const *cq_model_attr_values(const cq_model *m, size_t i);
/**
 * The element type of an ARRAY attribute; CQ_TYPE_NONE for other types.
 * @param m  borrowed; owned by its cq_db.
 * @param i  position, 0-based.
 */
CQ_EXTERN cq_type cq_model_attr_element_type(const cq_model *m, size_t i);
/**
 * Literal default value, NULL when none (borrowed from the model, which its cq_db owns).
 * @param m  borrowed; owned by its cq_db.
 * @param i  position, 0-based.
 */
CQ_EXTERN const cq_value *cq_model_attr_default(const cq_model *m, size_t i);
/**
 * Generated default (NOW, UUIDV4) or CQ_DEFAULT_FN_NONE.
 * @param m  borrowed; owned by its cq_db.
 * @param i  position, 0-based.
 */
CQ_EXTERN cq_default_fn cq_model_attr_default_fn(const cq_model *m, size_t i);
/**
 * True for attributes cequel added itself (default id, timestamps, injected keys).
 * @param m  borrowed; owned by its cq_db.
 * @param i  position, 0-based.
 */
CQ_EXTERN bool cq_model_attr_is_generated(const cq_model *m, size_t i);
/**
 * Referenced model or table name as stored; NULL when the attribute references nothing
 * (or has `references: null`) (borrowed from the model, which its cq_db owns).
 * @param m  borrowed; owned by its cq_db.
 * @param i  position, 0-based.
 */
CQ_EXTERN const char *cq_model_attr_references(const cq_model *m, size_t i);
/**
 * The referenced model (the name resolved as a model name, then as a table name); NULL
 * when none or when the name is a table of no model (owned by the db).
 * @param m  borrowed; owned by its cq_db.
 * @param i  position, 0-based.
 */
CQ_EXTERN cq_model *cq_model_attr_references_model(const cq_model *m, size_t i);
/**
 * The referenced table: the model's table, else the stored name (borrowed from the model, which its
 * cq_db owns).
 * @param m  borrowed; owned by its cq_db.
 * @param i  position, 0-based.
 */
CQ_EXTERN const char *cq_model_attr_references_table(const cq_model *m, size_t i);
/**
 * The referenced key ("id" when not given); NULL when no reference (borrowed from the model, which
 * its cq_db owns).
 * @param m  borrowed; owned by its cq_db.
 * @param i  position, 0-based.
 */
CQ_EXTERN const char *cq_model_attr_references_key(const cq_model *m, size_t i);
/**
 * Sequelize's `references: null`.
 * @param m  borrowed; owned by its cq_db.
 * @param i  position, 0-based.
 */
CQ_EXTERN bool cq_model_attr_has_null_references(const cq_model *m, size_t i);
/**
 * ON DELETE action of attribute `i` (as given, or as an association set it).
 * @param m  borrowed; owned by its cq_db.
 * @param i  position, 0-based.
 * @return the action; CQ_REF_DEFAULT when none (or out of range).
 */
CQ_EXTERN cq_ref_action cq_model_attr_on_delete(const cq_model *m, size_t i);
/**
 * ON UPDATE action of attribute `i` (as given, or as an association set it).
 * @param m  borrowed; owned by its cq_db.
 * @param i  position, 0-based.
 * @return the action; CQ_REF_DEFAULT when none (or out of range).
 */
CQ_EXTERN cq_ref_action cq_model_attr_on_update(const cq_model *m, size_t i);
/**
 * The SQL words of an action ("CASCADE", "SET NULL", "RESTRICT", "NO ACTION", "SET DEFAULT"),
 * as Sequelize writes them in DDL.
 * @param action  the action.
 * @return static text; NULL for CQ_REF_DEFAULT or a value that is no action.
 */
CQ_EXTERN const char *cq_ref_action_name(cq_ref_action action);

/**
 * Number of indexes declared with the `indexes` option.
 * @param m  borrowed; owned by its cq_db.
 */
CQ_EXTERN size_t cq_model_index_count(const cq_model *m);
/**
 * Name of index `i` (given or generated), borrowed from the model; NULL out of range.
 * @param m  borrowed; owned by its cq_db.
 * @param i  position, 0-based.
 */
CQ_EXTERN const char *cq_model_index_name(const cq_model *m, size_t i);
/**
 * Whether index `i` is unique.
 * @param m  borrowed; owned by its cq_db.
 * @param i  position, 0-based.
 */
CQ_EXTERN bool cq_model_index_is_unique(const cq_model *m, size_t i);
/**
 * Columns of index `i`: NULL-terminated, borrowed from the model; NULL out of range.
 * @param m  borrowed; owned by its cq_db.
 * @param i  position, 0-based.
 */
CQ_EXTERN const char *const *cq_model_index_fields(const cq_model *m, size_t i);

/**
 * The model's `name.singular` (derived or given) (borrowed from the model, which its cq_db owns).
 * @param m  borrowed; owned by its cq_db.
 */
CQ_EXTERN const char *cq_model_name_singular(const cq_model *m);
/**
 * The model's `name.plural` (derived or given) (borrowed from the model, which its cq_db owns).
 * @param m  borrowed; owned by its cq_db.
 */
CQ_EXTERN const char *cq_model_name_plural(const cq_model *m);
/**
 * The `underscored` option.
 * @param m  borrowed; owned by its cq_db.
 */
CQ_EXTERN bool cq_model_is_underscored(const cq_model *m);
/**
 * Whether the model has timestamps.
 * @param m  borrowed; owned by its cq_db.
 */
CQ_EXTERN bool cq_model_has_timestamps(const cq_model *m);
/**
 * Attribute name of createdAt; NULL when the model has none (borrowed from the model, which its
 * cq_db owns).
 * @param m  borrowed; owned by its cq_db.
 */
CQ_EXTERN const char *cq_model_created_at(const cq_model *m);
/**
 * Attribute name of updatedAt; NULL when the model has none (borrowed from the model, which its
 * cq_db owns).
 * @param m  borrowed; owned by its cq_db.
 */
CQ_EXTERN const char *cq_model_updated_at(const cq_model *m);
/**
 * Whether the model is paranoid (soft delete).
 * @param m  borrowed; owned by its cq_db.
 */
CQ_EXTERN bool cq_model_is_paranoid(const cq_model *m);
/**
 * The deletedAt attribute of a paranoid model; NULL when not paranoid (borrowed from the model,
 * which its cq_db owns).
 * @param m  borrowed; owned by its cq_db.
 */
CQ_EXTERN const char *cq_model_deleted_at(const cq_model *m);
/**
 * The model's version attribute (optimistic locking), NULL when it has none (borrowed from the
 * model, which its cq_db owns).
 * @param m  borrowed; owned by its cq_db.
 */
CQ_EXTERN const char *cq_model_version_attribute(const cq_model *m);

/* Associated data an instance carries (what an include loaded or a nested create made).
 * cq_instance is declared in cequel/query.h. */
struct cq_instance;
struct cq_rows;
/**
 * Number of included associations the instance carries.
 * @param inst  borrowed for the call.
 */
CQ_EXTERN size_t cq_instance_included_count(const struct cq_instance *inst);
/**
 * The key (an association's `as`) of the i-th included association; borrowed.
 * @param inst  borrowed for the call.
 * @param i  position, 0-based.
 */
CQ_EXTERN const char *cq_instance_included_key(const struct cq_instance *inst, size_t i);
/** What an instance carries under an included key (cq_instance_included()). */
typedef enum cq_included_kind {
    CQ_INCLUDED_NONE = 0, /**< nothing: no include loaded data under that key */
    CQ_INCLUDED_ONE,      /**< a to-one association (belongsTo, hasOne): an instance or none */
    CQ_INCLUDED_MANY      /**< a to-many association (hasMany, belongsToMany): rows */
} cq_included_kind;

/**
 * The data under included key `key` (an association's `as`), whatever its kind: for code
 * that walks every key (cq_instance_included_key()); cq_instance_included_one() and
 * cq_instance_included_many() read a key whose kind is known. A key the instance does not
 * carry is not an error: `*kind_out` is CQ_INCLUDED_NONE.
 *
 * @param[out] kind_out  caller's storage, may be NULL: CQ_INCLUDED_NONE, CQ_INCLUDED_ONE or
 *                       CQ_INCLUDED_MANY (CQ_INCLUDED_NONE on failure).
 * @param[out] one_out   caller's storage, may be NULL: for CQ_INCLUDED_ONE the instance
 *                       (NULL when the include found none), borrowed from `inst` until it
 *                       (or the rows holding it) is freed; NULL otherwise.
 * @param[out] many_out  caller's storage, may be NULL: for CQ_INCLUDED_MANY the rows
 *                       (possibly empty), borrowed from `inst` likewise; NULL otherwise.
 * @param inst           borrowed for the call.
 * @param key            NUL-terminated; borrowed for the call.
 * @return CQ_OK (also when nothing is under `key`), CQ_EINVALID for a NULL `inst` or `key`
 *         (every out-parameter cleared).
 */
CQ_EXTERN int cq_instance_included(cq_included_kind *kind_out, struct cq_instance **one_out,
                                   const struct cq_rows **many_out, const struct cq_instance *inst,
                                   const char *key);
/**
 * Typed readers of included data (what `include` loaded, keyed by the association's `as`).
 * Everything they return is borrowed from `inst` and lives until the instance (or the rows
 * holding it) is freed. A three-level walk, users -> posts -> comments (and each post's
 * tags with their join row), without toJSON:
 *
 *     const cq_include incl[] = {
 *         { .as = "posts", .include = (cq_include[]){
 *               { .as = "comments", .include = (cq_include[]){ { .as = "commenter" }, { 0 } } },
 *               { .as = "tags" }, { 0 } } },
 *         { 0 } };
 *     cq_rows *users = NULL;
 *     cq_model_find_all(&users, user, &(cq_find_opts){ .include = incl });
 *     for (size_t i = 0; i < cq_rows_count(users); i++) {
 *         const cq_rows *posts = cq_instance_included_many(cq_rows_at(users, i), "posts");
 *         for (size_t j = 0; j < cq_rows_count(posts); j++) {
 *             cq_instance *post = cq_rows_at(posts, j);
 *             const cq_rows *comments = cq_instance_included_many(post, "comments");
 *             for (size_t k = 0; k < cq_rows_count(comments); k++) {
 *                 cq_instance *c = cq_rows_at(comments, k);
 *                 cq_instance *who = cq_instance_included_one(c, "commenter"); // or NULL
 *                 printf("%s: %s\n", who ? cq_value_as_text(cq_instance_get(who, "username"))
 *                                        : "?", cq_value_as_text(cq_instance_get(c, "text")));
 *             }
 *             const cq_rows *tags = cq_instance_included_many(post, "tags");
 *             for (size_t k = 0; k < cq_rows_count(tags); k++) { // the join row: postTag
 *                 cq_instance *link = cq_instance_through(cq_rows_at(tags, k));
 *                 int64_t weight = 0;
 *                 cq_instance_get_int(&weight, link, "weight");
 *             }
 *         }
 *     }
 *     cq_rows_free(users);
 */
/**
 * The instance a to-one include (belongsTo, hasOne) loaded under `as`; NULL when it found
 * none, or when `inst` carries nothing under `as` or a to-many result there (borrowed from `inst`
 * until it, or the rows holding it, is freed).
 * @param inst  borrowed for the call.
 * @param as  NUL-terminated; borrowed for the call.
 */
CQ_EXTERN struct cq_instance *cq_instance_included_one(const struct cq_instance *inst,
                                                       const char *as);
/**
 * The rows a to-many include (hasMany, belongsToMany) loaded under `as` (possibly empty);
 * NULL when `inst` carries nothing under `as` or a to-one result there. cq_rows_count()
 * of NULL is 0, so a loop over the result needs no check. Each belongsToMany target
 * carries its join row: cq_instance_through() (cequel/assoc.h) (borrowed from `inst` until it, or
 * the rows holding it, is freed).
 * @param inst  borrowed for the call.
 * @param as  NUL-terminated; borrowed for the call.
 */
CQ_EXTERN const struct cq_rows *cq_instance_included_many(const struct cq_instance *inst,
                                                          const char *as);
/**
 * Property key of the belongsToMany join row the instance carries (the join model's name),
 * NULL when none (see cq_instance_through()) (borrowed from the instance).
 * @param inst  borrowed for the call.
 */
CQ_EXTERN const char *cq_instance_through_key(const struct cq_instance *inst);

CQ_END_DECL

#endif
