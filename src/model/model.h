/* Internal layout of the db, models, attributes, instances and result sets. */
#ifndef CQ_MODEL_INTERNAL_H
#define CQ_MODEL_INTERNAL_H

#include "cequel/db.h"
#include "cequel/model.h"
#include "cequel/query.h"
#include "driver/driver.h"
#include "core/util.h"
#include "core/value_ops.h"

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
    cq_value *default_value;   /* virtual: its defaultValue (a built instance starts with it,
                                  as Sequelize's _initValues sets it without the setter) */
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

/* A single-row INSERT's text kept by its model: `cols` has bit i set when attribute i is
 * written (models of at most 64 attributes). */
#define CQ__KEPT_INSERTS 4
typedef struct cq__kept_insert {
    uint64_t cols;
    char *text;
} cq__kept_insert;

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
    char *_Atomic pk_sql; /* findByPk's plain statement, rendered once (query/find.c), or NULL */
    /* single-row INSERTs rendered once, one per set of columns written (query/instance.c) */
    struct cq__kept_insert *_Atomic insert_sql[CQ__KEPT_INSERTS];
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

/* Associated data carried by an instance: what an include loaded (or a nested create made). */
typedef struct cq__included {
    const struct cq_assoc *assoc; /* its property key is the association's `as` */
    bool many;
    struct cq_rows *rows; /* many: the children, owned */
    cq_instance *one;     /* single: the child or NULL, owned */
    bool unshown;         /* the include read no column (`attributes: []`, and so did every
                             include under it): it only filters, and toJSON leaves its key out
                             as Sequelize does */
} cq__included;

/* What few instances carry, kept out of the instance's block (hundreds of thousands of
 * instances come from one eager load) and allocated on first use (cq__instance_more). */
typedef struct cq__instance_more {
    bool *hidden;           /* nattrs or NULL: attributes selected only for joining */
    cq_value **vvalues;     /* model's nvirtual values of VIRTUAL attributes, or NULL */
    bool *vhidden;          /* nvirtual or NULL: VIRTUAL getters left out by a find's attributes */
    bool *vchanged;         /* nvirtual or NULL: VIRTUAL values set since the last save */
    cq_value *extra;        /* object or NULL: values a find read under aliases of its own (v6's
                               `[fn(...), 'n']`, `['name', 'nm']`), keyed by alias; owned */
    cq_value *through_data; /* join data attached before add/set, owned */
} cq__instance_more;

/* How an instance was made (cq_instance.kind). */
enum {
    CQ__INST_READ = 0,      /* from a row: its slots' text follows the changed flags in its block */
    CQ__INST_MADE = 1,      /* without a row (build, create): its values have allocations of their
                               own; the block ends with room for a pointer (see below) */
    CQ__INST_COMPACTED = 2, /* made, then compacted (cq__instance_compact): its scalar values
                               sit in its slots, their text in a block of its own whose
                               address is in that room */
};

struct cq_instance {
    cq_model *model;
    cq_instance *through; /* BTM join row loaded with this target, owned; its property key is
                             its model's name */
    cq__included *inc;
    cq__instance_more *more; /* NULL until one of its fields is needed */
    uint16_t ninc, inc_cap;
    bool is_new;
    bool hide_nonpk;  /* toJSON hides attributes not requested (attributes option) */
    uint8_t kind;     /* CQ__INST_* */
    uint64_t slots[]; /* nattrs (at least 1) value slots of CQ__SLOT_SIZE bytes (cq__slot_*):
                         unset, a value in place, or a value of its own allocation */
};

/* Slot i of `inst` (an attribute's index). */
static inline void *cq__slot(const cq_instance *inst, size_t i)
{
    return (char *)inst->slots + i * CQ__SLOT_SIZE;
}

/* Its changed flags: nattrs (at least 1), after the slots. */
static inline bool *cq__changed(const cq_instance *inst)
{
    return (bool *)((char *)inst->slots +
                    (inst->model->nattrs ? inst->model->nattrs : 1) * CQ__SLOT_SIZE);
}

/* Value i of `inst` (an attribute's index), NULL when not loaded; replaced through
 * cq__instance_put (query/instance.h). */
static inline cq_value *cq__iv(const cq_instance *inst, size_t i)
{
    return cq__slot_value(cq__slot(inst, i));
}

/* inst->more, allocated when missing; NULL when out of memory. */
static inline cq__instance_more *cq__instance_more_get(cq_instance *inst)
{
    if (!inst->more)
        inst->more = cq__calloc(1, sizeof *inst->more);
    return inst->more;
}
/* inst's `hidden` flags (nattrs, all false at first), allocated when missing; NULL when out
 * of memory. */
static inline bool *cq__instance_hidden_make(cq_instance *inst)
{
    cq__instance_more *x = cq__instance_more_get(inst);
    if (x && !x->hidden)
        x->hidden = cq__calloc(inst->model->nattrs + 1, sizeof *x->hidden);
    return x ? x->hidden : NULL;
}
/* The readers of inst->more's fields: NULL when unset. */
static inline bool *cq__instance_hidden(const cq_instance *inst)
{
    return inst->more ? inst->more->hidden : NULL;
}
static inline cq_value **cq__instance_vvalues(const cq_instance *inst)
{
    return inst->more ? inst->more->vvalues : NULL;
}
static inline bool *cq__instance_vchanged(const cq_instance *inst)
{
    return inst->more ? inst->more->vchanged : NULL;
}
static inline bool *cq__instance_vhidden(const cq_instance *inst)
{
    return inst->more ? inst->more->vhidden : NULL;
}
static inline cq_value *cq__instance_extra(const cq_instance *inst)
{
    return inst->more ? inst->more->extra : NULL;
}

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
/* A NULL-terminated copy of a NULL-terminated list of strings (ENUM values); NULL on OOM. */
char **cq__strv_dup(const char *const *v);
/* Checks and converts a value for an attribute: ints for BOOLEAN become bools, numbers for
 * DATE are rejected, etc. Returns a new value (ownership of `v` taken) via *out. */
int cq__attr_coerce(cq_value **out, const cq_model *m, const cq__attr *a, cq_value *v);
/* Converts a value read from the database into the attribute's value form. */
cq_value *cq__attr_from_db(const cq__attr *a, cq_value *raw, cq_dialect d);
/* The same for a cell seen in place, to be written into a value place (cq__value_place):
 * turns *c into the form the attribute holds (a BOOLEAN's 0/1 into a bool, a date-time text
 * into v6's "YYYY-MM-DDTHH:MM:SS.mmmZ", kept in `iso`, which must live until the cell is
 * placed) and returns the arena room it needs; SIZE_MAX when the value has no placed form
 * (JSON and ARRAY text become trees: cq__attr_from_db then). */
size_t cq__attr_cell_prepare(const cq__attr *a, cq__cell *c, char iso[25]);
/* Converts an attribute value into the form stored in the database (new value). */
cq_value *cq__attr_to_db(const cq__attr *a, const cq_value *v, cq_dialect d);
/* Whether cq__attr_to_db(a, v, d) is only a copy of `v` (which a statement can then bind as
 * it is). */
bool cq__attr_to_db_copies(const cq__attr *a, const cq_value *v, cq_dialect d);

/* Fails with CQ_EINVALID naming `what` when the schema of db is frozen. */
int cq__db_check_unfrozen(cq_db *db, const char *what);
/* getset.c: registers `a`'s getter/setter, or `a` as a VIRTUAL attribute. */
int cq__accessor_add(cq_model *m, const cq_attr *a);
void cq__accessors_free(cq_model *m);
const cq__accessor *cq__accessor_find(const cq_model *m, const char *name);
/* Calls x's setter (a callback or a bound name); takes v. */
int cq__accessor_call_set(cq_instance *inst, const cq__accessor *x, const char *attr, cq_value *v);
void cq__acc_binds_free(cq_db *db);
/* A getter or setter bound by name (cq_db_bind_getter, cq_db_bind_setter). */
typedef struct cq__acc_binding {
    char *name;
    bool is_set;
    cq_getter_fn get;
    cq_setter_fn set;
    void *user_data;
} cq__acc_binding;
/* The getter (is_set false) or setter bound as `name` on db, or NULL. */
const cq__acc_binding *cq__acc_binding_find(const cq_db *db, const char *name, bool is_set);
#endif
