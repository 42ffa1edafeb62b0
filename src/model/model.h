/* Internal layout of the db, models, attributes, instances and result sets. */
#ifndef CQ_MODEL_INTERNAL_H
#define CQ_MODEL_INTERNAL_H

#include "cequel/db.h"
#include "cequel/model.h"
#include "cequel/query.h"
#include "driver/driver.h"
#include "query/stmt.h"

typedef struct cq__attr {
    char *name;
    char *field;
    cq_type type;
    int length, precision, scale;
    bool primary_key, auto_increment;
    cq_flag allow_null;      /* as given: CQ_DEFAULT (nullable), CQ_ON, CQ_OFF */
    cq_value *default_value; /* owned */
    cq_default_fn default_fn;
    bool unique;
    char *unique_name;
    char *ref_model; /* model name or table name as given */
    char *ref_key;
    char *on_delete, *on_update;
    bool references_none;
    bool generated;       /* id / timestamps added by cequel */
    char **values;        /* ENUM, ARRAY of ENUM: NULL-terminated allowed values, owned */
    cq_type element_type; /* ARRAY: the elements' type */
} cq__attr;

/* One `indexes` entry, owned by its model. */
typedef struct cq__index {
    char *name;
    char **fields; /* NULL-terminated column names */
    size_t nfields;
    bool unique;
} cq__index;

/* An attribute's getter/setter, or a VIRTUAL attribute (which has no place in `attrs`: no
 * column, nothing in SQL), owned by its model (getset.c). */
typedef struct cq__accessor {
    char *name;
    cq_getter_fn get;
    cq_setter_fn set;
    void *data;
    bool is_virtual;
    size_t vindex;             /* virtual: its slot in the instance's vvalues */
    size_t pos;                /* virtual: the number of real attributes defined before it */
    cq_flag allow_null;        /* virtual: its allowNull (CQ_OFF: validation requires a value) */
    char **deps;               /* virtual: NULL-terminated attribute names, or NULL */
    char *get_name, *set_name; /* getter / setter named (cq_db_bind_getter), used when
                                  get / set is NULL */
} cq__accessor;

/* Whether the accessor has a getter (a callback or a name) / a setter. */
static inline bool cq__accessor_has_get(const cq__accessor *x)
{
    return x && (x->get || x->get_name);
}
static inline bool cq__accessor_has_set(const cq__accessor *x)
{
    return x && (x->set || x->set_name);
}

struct cq_model {
    cq_db *db;
    char *name;
    char *table;
    char *singular, *plural;
    bool underscored, timestamps;
    long created_at, updated_at; /* attribute indices or -1 */
    long deleted_at;             /* paranoid: attribute index of deletedAt, else -1 */
    long version_attr;           /* optimistic locking: index of the version attribute, else -1 */
    cq__attr *attrs;
    size_t nattrs, attrs_cap;
    size_t *pk; /* primary-key attribute indices */
    size_t npk;
    cq__index *indexes; /* the `indexes` option, in declaration order */
    size_t nindexes;
    struct cq_assoc **assocs; /* associations with this model as source, owned */
    size_t nassocs, assocs_cap;
    struct cq__validation *validation; /* `validate` of attributes and model, owned; or NULL */
    cq__accessor *acc; /* getters, setters and VIRTUAL attributes in definition order */
    size_t nacc, nvirtual;
    bool has_getters;
    struct cq__hook_list *hooks; /* Model.addHook lists (hooks.c), owned; or NULL */
    struct cq__scopes *scopes;   /* named scopes and the default scope (scopes.c), or NULL */
    char *_Atomic pk_sql;        /* findByPk's plain statement, rendered once (find.c), or NULL */
};

struct cq_txn {
    cq_db *db; /* NULL once the db is closed */
    cq_txn *parent;
    uint64_t id;
    unsigned depth;  /* 0 = top-level BEGIN, >0 = savepoint */
    bool done;       /* committed or rolled back: every further use is CQ_EINVALID */
    bool managed;    /* ended by cq_db_transaction_run, not by the caller */
    cq__pconn *conn; /* the connection the top-level transaction pinned (shared by savepoints) */
    cq_txn *top;     /* the top-level transaction (itself at depth 0) */
    cq_txn *prev_handle, *next_handle; /* the db's list of handles not yet freed */
    /* top-level only: */
    cq_txn *inner;     /* the innermost open transaction of this chain */
    uint64_t owner;    /* cq__thread_id() of the thread that began it: its calls run inside */
    cq_txn *next_open; /* in db->open */
};

struct cq_db {
    cq__session s;
    cq_define_defaults defaults;
    cq_model **models;
    size_t nmodels, models_cap;
    cq_isolation_level isolation_level; /* cq_open_opts.isolation_level */
    struct cq__vstate *vstate;          /* validation failures and bound validators (validate.c) */
    struct cq__db_hooks *hooks;         /* sequelize.addHook hooks, bound hook names (hooks.c) */
    struct cq__acc_binds *acc_binds;    /* getters and setters bound by name (getset.c) */
    struct cq__scopes *scope_binds;     /* function scopes bound by name (scopes.c), or NULL */
    pthread_mutex_t mu;                 /* guards `open` and `handles` */
    cq_txn *open;                       /* open top-level transactions, of every thread */
    cq_txn *handles;                    /* every transaction handle not yet freed (cq_txn_free) */
    atomic_uint_fast64_t next_txn_id;
    struct cq__replica *replicas; /* read servers (cq_open_opts.read_urls, read_hosts) */
    size_t nreplicas;
    atomic_size_t next_read; /* round-robin over the read servers */
};

/* A read server: its pool, and until when it is left alone after a failed connection
 * (cq__monotonic_ns; 0 = up). */
typedef struct cq__replica {
    cq__session s;
    _Atomic uint64_t down_until;
} cq__replica;

/* A read call's choice of server (cq__db_read_begin/end), kept on the calling thread while
 * the call runs: its SELECTs go to `rep`'s pool (holding one connection there for the whole
 * call), or to the write server when `rep` is NULL. Nested read calls (a find inside a
 * find_and_count_all, an include's queries) use the outermost one's. */
typedef struct cq__read_scope {
    cq_db *db;
    cq__replica *rep;
    cq__pconn *held;
    bool nested;
    struct cq__read_scope *prev;
} cq__read_scope;

/* Begins a read call: a read server when the db has one up and the call is outside any
 * transaction (`txn` NULL and none open on this thread) and not `use_master`. Never fails
 * for want of a read server (the write server serves then); may fail with CQ_ETIMEOUT when a
 * read server's pool has no free connection in time. */
int cq__db_read_begin(cq__read_scope *rs, cq_db *db, bool use_master, const cq_txn *txn);
/* Ends it (gives the read server's connection back); pairs with every cq__db_read_begin,
 * whatever it returned. */
void cq__db_read_end(cq__read_scope *rs);
/* Whether this thread's reads on db currently go to a read server (then holding a write
 * server connection for the call is useless). */
bool cq__db_reading_elsewhere(cq_db *db);

/* Associated data carried by an instance: what an include loaded (or a nested create made). */
typedef struct cq__included {
    const struct cq_assoc *assoc;
    char *key; /* property key (the association's `as`) */
    bool many;
    struct cq_rows *rows; /* many: the children, owned */
    cq_instance *one;     /* single: the child or NULL, owned */
} cq__included;

struct cq_instance {
    cq_model *model;
    cq_value **values; /* nattrs, NULL = not loaded */
    bool *changed;     /* nattrs */
    bool is_new;
    cq_instance *through;   /* BTM join row loaded with this target, owned */
    char *through_key;      /* property key of the join row (the join model's name) */
    cq_value *through_data; /* join data attached before add/set, owned */
    cq__included *inc;
    size_t ninc, inc_cap;
    bool hide_nonpk;    /* toJSON hides attributes not requested (attributes option) */
    bool *hidden;       /* nattrs or NULL: attributes selected only for joining */
    cq_value **vvalues; /* model's nvirtual values of VIRTUAL attributes, or NULL */
    bool *vhidden;      /* nvirtual or NULL: VIRTUAL getters left out by a find's attributes */
    bool *vchanged;     /* nvirtual or NULL: VIRTUAL values set since the last save */
    cq_value *extra;    /* object or NULL: values a find read under aliases of its own (v6's
                           `[fn(...), 'n']`, `['name', 'nm']`), keyed by alias; owned */
};

struct cq_rows {
    cq_instance **items;
    size_t n, cap;
};

/* Frees a model's scopes or a db's bound function scopes (scopes.c). NULL ok. */
void cq__scopes_free(struct cq__scopes *s);

/* Sets db's error record (code + formatted message) and returns `code`. */
int cq__db_fail(cq_db *db, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* cq__db_fail(db, CQ_ENOMEM, "out of memory"). */
int cq__db_oom(cq_db *db);
/* Clears the error record at the start of a public call. */
void cq__db_clear(cq_db *db);

void cq__model_free(cq_model *m);
/* Recomputes the primary-key index list after attributes changed. */
int cq__model_refresh_pk(cq_model *m);

/* Names that reach the server (name_rules.c). Each returns CQ_OK, or CQ_EINVALID with a
 * message naming `model` and `option`: an empty name (a NULL `value` is fine: not given); for
 * _ident also one longer than the dialect allows (63 bytes PostgreSQL, 64 characters MySQL). */
int cq__name_nonempty(cq_db *db, const char *model, const char *option, const char *value);
int cq__name_check_ident(cq_db *db, const char *model, const char *option, const char *value);
/* The table name, every column and index name of `m` fit the dialect, and no two columns are
 * the same or differ only by case. CQ_OK or CQ_EINVALID. */
int cq__model_check_names(cq_model *m);
void cq__attr_clear(cq__attr *a);
long cq__model_attr_index(const cq_model *m, const char *name);
/* Checks and converts a value for an attribute: ints for BOOLEAN become bools, numbers for
 * DATE are rejected, etc. Returns a new value (ownership of `v` taken) via *out. */
/* A NULL-terminated copy of a NULL-terminated list of strings (ENUM values); NULL on OOM. */
char **cq__strv_dup(const char *const *v);
int cq__attr_coerce(cq_value **out, const cq_model *m, const cq__attr *a, cq_value *v);
/* Converts a value read from the database into the attribute's value form. */
cq_value *cq__attr_from_db(const cq__attr *a, cq_value *raw, cq_dialect d);
/* Converts an attribute value into the form stored in the database (new value). */
cq_value *cq__attr_to_db(const cq__attr *a, const cq_value *v, cq_dialect d);

/* Executes a statement tree on db (renders, logs, runs). `res` may be NULL. */
int cq__db_exec_stmt(cq_db *db, const cq__stmt *st, cq__result *res);
/* The same, the rows handed to `row` one at a time as the driver reads them. */
int cq__db_exec_stmt_rows(cq_db *db, const cq__stmt *st, cq__row_fn row, void *ctx);
/* A SELECT rendered before (`text`, `n` parameters, borrowed), run where a read belongs (the
 * read server of the calling read scope, else the write server): rows to `row` when not NULL,
 * else the result into `res`. */
int cq__db_exec_select(cq_db *db, const char *text, const cq_value *const *params, size_t n,
                       cq__result *res, cq__row_fn row, void *ctx);
/* The calling thread's innermost open transaction on db, or NULL. */
cq_txn *cq__txn_current(cq_db *db);
/* Fails with CQ_EINVALID naming `what` when the schema of db is frozen. */
int cq__db_check_unfrozen(cq_db *db, const char *what);
/* Transaction handling for internal atomic writes: begins a savepoint inside `parent` or a
 * top-level transaction. */
int cq__txn_begin(cq_txn **out, cq_db *db, cq_txn *parent);
/* Commits `t` when rc is CQ_OK, else rolls it back keeping the error record; returns the
 * outcome. Frees `t` either way. */
int cq__txn_finish(cq_txn *t, int rc);
/* The `transaction` option of a public call on `db`: CQ_OK when NULL or open on db, else
 * CQ_EINVALID with a message (a finished transaction, or one of another db). */
int cq__txn_check(cq_db *db, const cq_txn *t);
/* The start of a public call on `db` run in `t` (NULL: none): cq__db_clear(), then
 * cq__txn_check(). */
int cq__db_enter(cq_db *db, const cq_txn *t);
/* cq__db_enter() for a call that needs `inst` saved: CQ_EINVALID for NULL, and with "cannot
 * <verb> an unsaved instance" when it was never saved. */
int cq__instance_enter(cq_instance *inst, const cq_txn *t, const char *verb);

cq_instance *cq__instance_alloc(cq_model *m);
/* The end of a call that made `inst`: on CQ_OK it goes to *out (freed when `out` is NULL),
 * else it is freed; returns `rc`. */
int cq__instance_hand_out(cq_instance **out, cq_instance *inst, int rc);
/* create / bulkCreate without nested includes (the public functions live in src/assoc/create.c,
 * which adds creating with associations on top). */
int cq__model_create_plain(cq_instance **out, cq_model *m, const cq_value *values,
                           const cq_write_opts *opts);
int cq__model_bulk_create_plain(cq_rows **out, cq_model *m, const cq_value *values,
                                const cq_write_opts *opts);
/* Inserts `n` built instances of one model with one multi-row INSERT (include.md B7) and
 * fills their generated keys (RETURNING on PostgreSQL; consecutive auto-increment values on
 * SQLite and MySQL). Rows that mix given and generated keys, and a single row, are written
 * one INSERT each. */
int cq__model_insert_rows(cq_instance **insts, size_t n, const cq_write_opts *opts);
/* Saving new rows in v6's order (hooks.c has the lists): cq__save_before validates the n
 * rows (with the validation hooks; `skip`: attributes not checked, NULL-terminated or NULL)
 * and runs beforeCreate (with beforeSave), several rows in v6's concurrent order;
 * cq__instance_insert_row writes one (NOT NULL checked, no validators, no hooks);
 * cq__save_after runs its afterCreate (afterSave). `opts->hooks` CQ_OFF runs no hooks. */
int cq__save_before(cq_instance *const *insts, size_t n, const cq_write_opts *opts,
                    const char *const *skip);
int cq__instance_insert_row(cq_instance *inst, const cq_write_opts *opts);
int cq__save_after(cq_instance *inst, const cq_write_opts *opts);
/* bulkCreate's `validate: true`: validates every built row (item `record` = its index) and
 * reports them together, before anything is written. */
int cq__validate_rows(cq_instance *const *insts, size_t n, const cq_write_opts *opts);
/* One multi-row INSERT of the objects in `rows` (join rows); no instances returned. With
 * `hooks`, the model's beforeBulkCreate / afterBulkCreate run around it (v6 bulkCreate). */
int cq__model_insert_many(cq_model *m, const cq_value *rows, bool hooks);
/* After a failed INSERT/UPDATE of a row holding `values` (one per attribute, NULL = unset):
 * appends the model, attribute and value the constraint error is about to the db's message
 * (SQLite names only table and column, or nothing for a foreign key). */
void cq__write_error_context(cq_model *m, cq_value *const *values, int rc);
int cq__rows_push(cq_rows *rows, cq_instance *inst);
/* getset.c: registers `a`'s getter/setter, or `a` as a VIRTUAL attribute. */
int cq__accessor_add(cq_model *m, const cq_attr *a);
void cq__accessors_free(cq_model *m);
const cq__accessor *cq__accessor_find(const cq_model *m, const char *name);
/* Calls x's setter (a callback or a bound name); takes v. */
int cq__accessor_call_set(cq_instance *inst, const cq__accessor *x, const char *attr, cq_value *v);
void cq__acc_binds_free(cq_db *db);
/* Stores a value without the setter (setDataValue), VIRTUAL attributes included. */
int cq__instance_store(cq_instance *inst, const char *attr, cq_value *v);
/* The VIRTUAL attribute `attr`'s value on the instance (taken). */
int cq__instance_store_virtual(cq_instance *inst, const char *attr, cq_value *v);
/* toJSON with getters (v6 get({plain: true})): getter keys first. */
int cq__instance_plain_with_getters(cq_value **out, const cq_instance *inst);
/* After a find with `attributes`: VIRTUAL getters not named are left out of toJSON. */
/* Forgets which VIRTUAL values were set (after a save wrote the instance). */
void cq__instance_vchanged_clear(cq_instance *inst);
int cq__instance_hide_virtuals(cq_instance *inst, const char *const *attributes);
/* Hides from toJSON every loaded attribute not in the NULL-terminated `shown` list. */
int cq__instance_hide_except(cq_instance *inst, const char *const *shown);

#endif
