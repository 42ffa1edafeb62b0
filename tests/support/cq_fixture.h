/* A test fixture shared by the integration tests: an in-memory SQLite db whose statements
 * (other than transaction control) are recorded through the logging hook, plus helpers to
 * define models, create rows and compare what the database holds. */
#ifndef CQ_FIXTURE_H
#define CQ_FIXTURE_H

#include "cq_test.h"

#define FX_MAX_SQL 64

typedef struct fixture {
    cq_db *db;
    char *sql[FX_MAX_SQL]; /* statements other than transaction control (fx_init_all: all) */
    size_t n;
    size_t n_params[FX_MAX_SQL]; /* the bound parameters of each */
    uint64_t txn_id[FX_MAX_SQL]; /* the transaction each ran in (0: none) */
    bool all;                    /* transaction control recorded too */
} fixture;

/* Every test that needs an in-memory SQLite db opens it here: `opts` (NULL: none) may carry a
 * logging hook of the test's own. Returns 0, or -1 after printing why. */
int fx_open(cq_db **out, const cq_open_opts *opts);
/* cmocka setup/teardown when a test needs only the db: *state becomes a fresh cq_db. */
int fx_db_setup(void **state);
int fx_db_teardown(void **state);
/* cq_db_define() and cq_model_sync() of `name` for a setup: returns 0, or -1 after printing
 * why (the db stays open). */
int fx_define_synced(cq_db *db, const char *name, const cq_attr *attrs);

/* cmocka setup/teardown: *state becomes a fixture with a fresh db. */
int fx_setup(void **state);
int fx_teardown(void **state);
void fx_clear_sql(fixture *f);
/* The same for a fixture embedded in a test's own (fx_init returns 0, or -1 after printing
 * why); fx_fini closes the db and frees the statements. */
int fx_init(fixture *f);
/* fx_init() recording every statement, transaction control included. */
int fx_init_all(fixture *f);
void fx_fini(fixture *f);
/* The last statement recorded ("" when none). */
const char *fx_last_sql(const fixture *f);
/* Asserts the statements recorded since the last clear: `n` of them, statement i starting
 * with prefixes[i] (NULL = any); then clears. */
void fx_assert_sql(fixture *f, size_t n, const char *const *prefixes);
/* Asserts that `n` statements were recorded since the last clear (listing them otherwise);
 * keeps them. */
void fx_assert_count(const fixture *f, size_t n);
/* How many statements recorded since the last clear start with `prefix`. */
size_t fx_count_sql(const fixture *f, const char *prefix);
#define SQL(...) ((const char *const[]){ __VA_ARGS__ })

/* One STRING attribute `name`. */
extern const cq_attr fx_name_attrs[];
cq_model *fx_define(cq_db *db, const char *name, const cq_attr *attrs);
cq_instance *fx_create(cq_db *db, cq_model *m, const char *json);
/* Runs `sql` and compares its rows (as compact JSON) with `expected`. */
void fx_assert_rows(cq_db *db, const char *sql, const char *expected);
int64_t fx_int_attr(cq_db *db, const cq_instance *inst, const char *attr);
const char *fx_text_attr(cq_db *db, const cq_instance *inst, const char *attr);
/* Values of attribute `attr` of rows, comma-separated, compared with `expected`. */
void fx_assert_names(cq_db *db, const cq_rows *rows, const char *attr, const char *expected);

#endif
