/* Every exported function, called with NULL handles: the int-returning ones answer
 * CQ_EINVALID (and clear their out-parameters), the getters NULL / 0 / false (-1 for an
 * index), the free functions do nothing, and none crashes. The list of exports is read from
 * the public headers (every CQ_EXTERN declaration) and, when `nm` and the shared library are
 * there, from the library's dynamic symbol table too: a function exported or declared but
 * missing from the table below fails the test, so a new export must come with its check.
 * Each check runs in a child process, so one crash names its function and the others still
 * run. */
#define _POSIX_C_SOURCE 200809L
#include "cq_test.h"

#include <dirent.h>
#include <stdarg.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct export_check {
    const char *name;
    void (*check)(void);
} export_check;

/* ---- one check per export (NULL for every handle and pointer, 0 for every number) ---- */

/* Checks run in a child process: a wrong answer prints itself and ends the child. */
#define EXPECT(cond)                                                                               \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "  %s:%d: expected %s\n", __FILE__, __LINE__, #cond);                  \
            _exit(1);                                                                              \
        }                                                                                          \
    } while (0)

static void x_cq_set_allocator(void)
{
    EXPECT((cq_set_allocator(NULL)) == (CQ_OK));
}

static void x_cq_model_belongs_to(void)
{
    cq_assoc *out = (cq_assoc *)&out;
    EXPECT((cq_model_belongs_to(&out, NULL, NULL, NULL)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
}

static void x_cq_model_has_one(void)
{
    cq_assoc *out = (cq_assoc *)&out;
    EXPECT((cq_model_has_one(&out, NULL, NULL, NULL)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
}

static void x_cq_model_has_many(void)
{
    cq_assoc *out = (cq_assoc *)&out;
    EXPECT((cq_model_has_many(&out, NULL, NULL, NULL)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
}

static void x_cq_model_belongs_to_many(void)
{
    cq_assoc *out = (cq_assoc *)&out;
    EXPECT((cq_model_belongs_to_many(&out, NULL, NULL, NULL)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
}

static void x_cq_model_assoc_count(void)
{
    EXPECT(cq_model_assoc_count(NULL) == 0);
}

static void x_cq_model_assoc_at(void)
{
    EXPECT((cq_model_assoc_at(NULL, 0)) == NULL);
}

static void x_cq_model_assoc(void)
{
    EXPECT((cq_model_assoc(NULL, NULL)) == NULL);
}

static void x_cq_assoc_type_of(void)
{
    EXPECT(cq_assoc_type_of(NULL) == 0);
}

static void x_cq_assoc_type_name(void)
{
    EXPECT((cq_assoc_type_name(0)) != NULL);
}

static void x_cq_assoc_source(void)
{
    EXPECT((cq_assoc_source(NULL)) == NULL);
}

static void x_cq_assoc_target(void)
{
    EXPECT((cq_assoc_target(NULL)) == NULL);
}

static void x_cq_assoc_as(void)
{
    EXPECT((cq_assoc_as(NULL)) == NULL);
}

static void x_cq_assoc_singular(void)
{
    EXPECT((cq_assoc_singular(NULL)) == NULL);
}

static void x_cq_assoc_plural(void)
{
    EXPECT((cq_assoc_plural(NULL)) == NULL);
}

static void x_cq_assoc_is_aliased(void)
{
    EXPECT(cq_assoc_is_aliased(NULL) == false);
}

static void x_cq_assoc_foreign_key(void)
{
    EXPECT((cq_assoc_foreign_key(NULL)) == NULL);
}

static void x_cq_assoc_source_key(void)
{
    EXPECT((cq_assoc_source_key(NULL)) == NULL);
}

static void x_cq_assoc_target_key(void)
{
    EXPECT((cq_assoc_target_key(NULL)) == NULL);
}

static void x_cq_assoc_other_key(void)
{
    EXPECT((cq_assoc_other_key(NULL)) == NULL);
}

static void x_cq_assoc_through(void)
{
    EXPECT((cq_assoc_through(NULL)) == NULL);
}

static void x_cq_assoc_scope(void)
{
    EXPECT((cq_assoc_scope(NULL)) == NULL);
}

static void x_cq_assoc_through_scope(void)
{
    EXPECT((cq_assoc_through_scope(NULL)) == NULL);
}

static void x_cq_assoc_accessor_name(void)
{
    EXPECT((cq_assoc_accessor_name(NULL, 0)) == NULL);
}

static void x_cq_model_find_accessor(void)
{
    cq_assoc *assoc_out = (cq_assoc *)&assoc_out;
    cq_accessor kind_out = CQ_ACC_GET;
    EXPECT((cq_model_find_accessor(&assoc_out, &kind_out, NULL, NULL)) == (CQ_EINVALID));
    EXPECT((assoc_out) == NULL);
    EXPECT(kind_out == 0);
}

static void x_cq_assoc_get(void)
{
    cq_rows *out = (cq_rows *)&out;
    EXPECT((cq_assoc_get(&out, NULL, NULL, NULL)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
}

static void x_cq_assoc_set(void)
{
    EXPECT((cq_assoc_set(NULL, NULL, NULL, 0, NULL)) == (CQ_EINVALID));
}

static void x_cq_assoc_add(void)
{
    EXPECT((cq_assoc_add(NULL, NULL, NULL, 0, NULL)) == (CQ_EINVALID));
}

static void x_cq_assoc_remove(void)
{
    EXPECT((cq_assoc_remove(NULL, NULL, NULL, 0, NULL)) == (CQ_EINVALID));
}

static void x_cq_assoc_has(void)
{
    bool out = true;
    EXPECT((cq_assoc_has(&out, NULL, NULL, NULL, 0, NULL)) == (CQ_EINVALID));
    EXPECT(out == false);
}

static void x_cq_assoc_count(void)
{
    int64_t out = 42;
    EXPECT((cq_assoc_count(&out, NULL, NULL, NULL)) == (CQ_EINVALID));
    EXPECT(out == 0);
}

static void x_cq_assoc_create(void)
{
    cq_instance *out = (cq_instance *)&out;
    EXPECT((cq_assoc_create(&out, NULL, NULL, NULL, NULL)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
}

static void x_cq_instance_through(void)
{
    EXPECT((cq_instance_through(NULL)) == NULL);
}

static void x_cq_instance_set_through_data(void)
{
    EXPECT((cq_instance_set_through_data(NULL, NULL)) == (CQ_EINVALID));
}

static void x_cq_free(void)
{
    cq_free(NULL);
}

static void x_cq_db_open(void)
{
    cq_db *out = (cq_db *)&out;
    EXPECT((cq_db_open(&out, NULL, NULL, NULL)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
}

static void x_cq_db_close(void)
{
    cq_db_close(NULL);
}

static void x_cq_db_error(void)
{
    EXPECT((cq_db_error(NULL)->code) == (CQ_EINVALID));
}

static void x_cq_db_dialect(void)
{
    EXPECT(cq_db_dialect(NULL) == 0);
}

static void x_cq_db_model(void)
{
    EXPECT((cq_db_model(NULL, NULL)) == NULL);
}

static void x_cq_db_model_count(void)
{
    EXPECT(cq_db_model_count(NULL) == 0);
}

static void x_cq_db_model_at(void)
{
    EXPECT((cq_db_model_at(NULL, 0)) == NULL);
}

static void x_cq_db_sync(void)
{
    EXPECT((cq_db_sync(NULL, NULL)) == (CQ_EINVALID));
}

static void x_cq_db_drop(void)
{
    EXPECT((cq_db_drop(NULL, NULL)) == (CQ_EINVALID));
}

static void x_cq_db_transaction(void)
{
    cq_txn *out = (cq_txn *)&out;
    EXPECT((cq_db_transaction(&out, NULL, NULL)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
}

static void x_cq_txn_commit(void)
{
    EXPECT((cq_txn_commit(NULL)) == (CQ_EINVALID));
}

static void x_cq_txn_rollback(void)
{
    EXPECT((cq_txn_rollback(NULL)) == (CQ_EINVALID));
}

static void x_cq_txn_free(void)
{
    cq_txn_free(NULL);
}

static void x_cq_txn_is_open(void)
{
    EXPECT(cq_txn_is_open(NULL) == false);
}

static void x_cq_txn_id(void)
{
    EXPECT(cq_txn_id(NULL) == 0);
}

static void x_cq_db_dump(void)
{
    cq_value *out = (cq_value *)&out;
    EXPECT((cq_db_dump(&out, NULL, NULL)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
}

static void x_cq_golden_normalize(void)
{
    cq_value *out = (cq_value *)&out;
    EXPECT((cq_golden_normalize(&out, NULL, NULL, NULL)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
}

static void x_cq_golden_to_json(void)
{
    char *out = (char *)&out;
    /* values are not handles: a NULL cq_value reads as null (cequel/value.h) */
    EXPECT((cq_golden_to_json(&out, NULL)) == (CQ_OK));
    EXPECT(out && strcmp(out, "null\n") == 0);
    cq_free(out);
}

static void x_cq_db_golden(void)
{
    char *out = (char *)&out;
    EXPECT((cq_db_golden(&out, NULL, NULL)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
}

static void x_cq_strerror(void)
{
    EXPECT((cq_strerror(0)) != NULL);
}

static void x_cq_error_name(void)
{
    EXPECT((cq_error_name(0)) != NULL);
}

static void x_cq_log_stderr(void)
{
    cq_log_stderr(NULL, NULL);
}

static void x_cq_db_define(void)
{
    cq_model *out = (cq_model *)&out;
    EXPECT((cq_db_define(&out, NULL, NULL, NULL, NULL)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
}

static void x_cq_model_name(void)
{
    EXPECT((cq_model_name(NULL)) == NULL);
}

static void x_cq_model_table_name(void)
{
    EXPECT((cq_model_table_name(NULL)) == NULL);
}

static void x_cq_model_db(void)
{
    EXPECT((cq_model_db(NULL)) == NULL);
}

static void x_cq_model_attr_count(void)
{
    EXPECT(cq_model_attr_count(NULL) == 0);
}

static void x_cq_model_attr_name(void)
{
    EXPECT((cq_model_attr_name(NULL, 0)) == NULL);
}

static void x_cq_model_attr_field(void)
{
    EXPECT((cq_model_attr_field(NULL, 0)) == NULL);
}

static void x_cq_model_attr_type(void)
{
    EXPECT(cq_model_attr_type(NULL, 0) == CQ_TYPE_NONE);
}

static void x_cq_model_attr_is_nullable(void)
{
    EXPECT(cq_model_attr_is_nullable(NULL, 0) == false);
}

static void x_cq_model_attr_is_primary_key(void)
{
    EXPECT(cq_model_attr_is_primary_key(NULL, 0) == false);
}

static void x_cq_model_attr_index(void)
{
    EXPECT(cq_model_attr_index(NULL, NULL) == -1);
}

static void x_cq_model_primary_key(void)
{
    EXPECT((cq_model_primary_key(NULL)) == NULL);
}

static void x_cq_model_sync(void)
{
    EXPECT((cq_model_sync(NULL, NULL)) == (CQ_EINVALID));
}

static void x_cq_type_name(void)
{
    EXPECT((cq_type_name(0)) != NULL);
}

static void x_cq_ref_action_name(void)
{
    EXPECT((cq_ref_action_name(0)) == NULL);
}

static void x_cq_model_attr_is_auto_increment(void)
{
    EXPECT(cq_model_attr_is_auto_increment(NULL, 0) == false);
}

static void x_cq_model_attr_is_unique(void)
{
    EXPECT(cq_model_attr_is_unique(NULL, 0) == false);
}

static void x_cq_model_attr_unique_name(void)
{
    EXPECT((cq_model_attr_unique_name(NULL, 0)) == NULL);
}

static void x_cq_model_attr_length(void)
{
    EXPECT((cq_model_attr_length(NULL, 0)) == (0));
}

static void x_cq_model_attr_precision(void)
{
    EXPECT((cq_model_attr_precision(NULL, 0)) == (0));
}

static void x_cq_model_attr_scale(void)
{
    EXPECT((cq_model_attr_scale(NULL, 0)) == (0));
}

static void x_cq_model_attr_default(void)
{
    EXPECT((cq_model_attr_default(NULL, 0)) == NULL);
}

static void x_cq_model_attr_default_fn(void)
{
    EXPECT(cq_model_attr_default_fn(NULL, 0) == CQ_DEFAULT_FN_NONE);
}

static void x_cq_model_attr_is_generated(void)
{
    EXPECT(cq_model_attr_is_generated(NULL, 0) == false);
}

static void x_cq_model_attr_references(void)
{
    EXPECT((cq_model_attr_references(NULL, 0)) == NULL);
}

static void x_cq_model_attr_references_model(void)
{
    EXPECT((cq_model_attr_references_model(NULL, 0)) == NULL);
}

static void x_cq_model_attr_references_table(void)
{
    EXPECT((cq_model_attr_references_table(NULL, 0)) == NULL);
}

static void x_cq_model_attr_references_key(void)
{
    EXPECT((cq_model_attr_references_key(NULL, 0)) == NULL);
}

static void x_cq_model_attr_has_null_references(void)
{
    EXPECT(cq_model_attr_has_null_references(NULL, 0) == false);
}

static void x_cq_model_attr_on_delete(void)
{
    EXPECT((cq_model_attr_on_delete(NULL, 0)) == CQ_REF_DEFAULT);
}

static void x_cq_model_attr_on_update(void)
{
    EXPECT((cq_model_attr_on_update(NULL, 0)) == CQ_REF_DEFAULT);
}

static void x_cq_model_index_count(void)
{
    EXPECT(cq_model_index_count(NULL) == 0);
}

static void x_cq_model_index_name(void)
{
    EXPECT((cq_model_index_name(NULL, 0)) == NULL);
}

static void x_cq_model_index_is_unique(void)
{
    EXPECT(cq_model_index_is_unique(NULL, 0) == false);
}

static void x_cq_model_index_fields(void)
{
    EXPECT((cq_model_index_fields(NULL, 0)) == NULL);
}

static void x_cq_model_name_singular(void)
{
    EXPECT((cq_model_name_singular(NULL)) == NULL);
}

static void x_cq_model_name_plural(void)
{
    EXPECT((cq_model_name_plural(NULL)) == NULL);
}

static void x_cq_model_is_underscored(void)
{
    EXPECT(cq_model_is_underscored(NULL) == false);
}

static void x_cq_model_has_timestamps(void)
{
    EXPECT(cq_model_has_timestamps(NULL) == false);
}

static void x_cq_model_created_at(void)
{
    EXPECT((cq_model_created_at(NULL)) == NULL);
}

static void x_cq_model_updated_at(void)
{
    EXPECT((cq_model_updated_at(NULL)) == NULL);
}

static void x_cq_model_is_paranoid(void)
{
    EXPECT(cq_model_is_paranoid(NULL) == false);
}

static void x_cq_model_deleted_at(void)
{
    EXPECT((cq_model_deleted_at(NULL)) == NULL);
}

static void x_cq_model_version_attribute(void)
{
    EXPECT((cq_model_version_attribute(NULL)) == NULL);
}

static void x_cq_instance_included_count(void)
{
    EXPECT(cq_instance_included_count(NULL) == 0);
}

static void x_cq_instance_included_key(void)
{
    EXPECT((cq_instance_included_key(NULL, 0)) == NULL);
}

static void x_cq_instance_included(void)
{
    cq_included_kind kind_out = CQ_INCLUDED_MANY;
    cq_instance *one_out = (cq_instance *)&one_out;
    const cq_rows *many_out = (const cq_rows *)&many_out;
    EXPECT((cq_instance_included(&kind_out, &one_out, &many_out, NULL, NULL)) == (CQ_EINVALID));
    EXPECT((kind_out) == CQ_INCLUDED_NONE);
    EXPECT((one_out) == NULL);
    EXPECT((many_out) == NULL);
}

static void x_cq_instance_through_key(void)
{
    EXPECT((cq_instance_through_key(NULL)) == NULL);
}

static void x_cq_pluralize(void)
{
    EXPECT((cq_pluralize(NULL)) == NULL);
}

static void x_cq_singularize(void)
{
    EXPECT((cq_singularize(NULL)) == NULL);
}

static void x_cq_model_build(void)
{
    cq_instance *out = (cq_instance *)&out;
    EXPECT((cq_model_build(&out, NULL, NULL)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
}

static void x_cq_model_create(void)
{
    cq_instance *out = (cq_instance *)&out;
    EXPECT((cq_model_create(&out, NULL, NULL, NULL)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
}

static void x_cq_model_bulk_create(void)
{
    cq_rows *out = (cq_rows *)&out;
    EXPECT((cq_model_bulk_create(&out, NULL, NULL, NULL)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
}

static void x_cq_instance_save(void)
{
    EXPECT((cq_instance_save(NULL, NULL)) == (CQ_EINVALID));
}

static void x_cq_instance_update(void)
{
    EXPECT((cq_instance_update(NULL, NULL, NULL)) == (CQ_EINVALID));
}

static void x_cq_instance_destroy(void)
{
    EXPECT((cq_instance_destroy(NULL, NULL)) == (CQ_EINVALID));
}

static void x_cq_instance_restore(void)
{
    EXPECT((cq_instance_restore(NULL, NULL)) == (CQ_EINVALID));
}

static void x_cq_instance_reload(void)
{
    EXPECT((cq_instance_reload(NULL, NULL)) == (CQ_EINVALID));
}

static void x_cq_instance_set(void)
{
    EXPECT((cq_instance_set(NULL, NULL, NULL)) == (CQ_EINVALID));
}

static void x_cq_instance_get(void)
{
    EXPECT((cq_instance_get(NULL, NULL)) == NULL);
}

static void x_cq_instance_get_int(void)
{
    int64_t out = 42;
    EXPECT((cq_instance_get_int(&out, NULL, NULL)) == (CQ_EINVALID));
    EXPECT(out == 0);
}

static void x_cq_instance_get_double(void)
{
    double out = 1.5;
    EXPECT((cq_instance_get_double(&out, NULL, NULL)) == (CQ_EINVALID));
    EXPECT(out == 0);
}

static void x_cq_instance_get_bool(void)
{
    bool out = true;
    EXPECT((cq_instance_get_bool(&out, NULL, NULL)) == (CQ_EINVALID));
    EXPECT(out == false);
}

static void x_cq_instance_get_text(void)
{
    const char *out = (const char *)&out;
    EXPECT((cq_instance_get_text(&out, NULL, NULL)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
}

static void x_cq_instance_has_changed(void)
{
    EXPECT(cq_instance_has_changed(NULL, NULL) == false);
}

static void x_cq_instance_is_new_record(void)
{
    EXPECT(cq_instance_is_new_record(NULL) == false);
}

static void x_cq_instance_model(void)
{
    EXPECT((cq_instance_model(NULL)) == NULL);
}

static void x_cq_instance_to_value(void)
{
    cq_value *out = (cq_value *)&out;
    EXPECT((cq_instance_to_value(&out, NULL)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
}

static void x_cq_instance_to_json(void)
{
    char *out = (char *)&out;
    EXPECT((cq_instance_to_json(&out, NULL, 0)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
}

static void x_cq_instance_free(void)
{
    cq_instance_free(NULL);
}

static void x_cq_rows_count(void)
{
    EXPECT(cq_rows_count(NULL) == 0);
}

static void x_cq_rows_at(void)
{
    EXPECT((cq_rows_at(NULL, 0)) == NULL);
}

static void x_cq_rows_take(void)
{
    EXPECT((cq_rows_take(NULL, 0)) == NULL);
}

static void x_cq_rows_to_value(void)
{
    cq_value *out = (cq_value *)&out;
    EXPECT((cq_rows_to_value(&out, NULL)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
}

static void x_cq_rows_free(void)
{
    cq_rows_free(NULL);
}

static void x_cq_model_find_all(void)
{
    cq_rows *out = (cq_rows *)&out;
    EXPECT((cq_model_find_all(&out, NULL, NULL)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
}

static void x_cq_model_find_one(void)
{
    cq_instance *out = (cq_instance *)&out;
    EXPECT((cq_model_find_one(&out, NULL, NULL)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
}

static void x_cq_model_find_by_pk(void)
{
    cq_instance *out = (cq_instance *)&out;
    EXPECT((cq_model_find_by_pk(&out, NULL, NULL, NULL)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
}

static void x_cq_model_count(void)
{
    int64_t out = 42;
    EXPECT((cq_model_count(&out, NULL, NULL)) == (CQ_EINVALID));
    EXPECT(out == 0);
}

static void x_cq_model_find_and_count_all(void)
{
    cq_rows *rows_out = (cq_rows *)&rows_out;
    int64_t count_out = 42;
    EXPECT((cq_model_find_and_count_all(&rows_out, &count_out, NULL, NULL)) == (CQ_EINVALID));
    EXPECT((rows_out) == NULL);
    EXPECT(count_out == 0);
}

static void x_cq_model_update(void)
{
    int64_t count_out = 42;
    EXPECT((cq_model_update(&count_out, NULL, NULL, NULL)) == (CQ_EINVALID));
    EXPECT(count_out == 0);
}

static void x_cq_model_destroy(void)
{
    int64_t count_out = 42;
    EXPECT((cq_model_destroy(&count_out, NULL, NULL)) == (CQ_EINVALID));
    EXPECT(count_out == 0);
}

static void x_cq_model_restore(void)
{
    int64_t count_out = 42;
    EXPECT((cq_model_restore(&count_out, NULL, NULL)) == (CQ_EINVALID));
    EXPECT(count_out == 0);
}

static void x_cq_db_query(void)
{
    cq_value *out = (cq_value *)&out;
    EXPECT((cq_db_query(&out, NULL, NULL, NULL, NULL)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
}

static void x_cq_db_sync_plan(void)
{
    cq_sync_plan *out = (cq_sync_plan *)&out;
    EXPECT((cq_db_sync_plan(&out, NULL, NULL)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
}

static void x_cq_sync_plan_free(void)
{
    cq_sync_plan_free(NULL);
}

static void x_cq_sync_plan_model_count(void)
{
    EXPECT(cq_sync_plan_model_count(NULL) == 0);
}

static void x_cq_sync_plan_model_at(void)
{
    EXPECT((cq_sync_plan_model_at(NULL, 0)) == NULL);
}

static void x_cq_sync_plan_deferred_count(void)
{
    EXPECT(cq_sync_plan_deferred_count(NULL) == 0);
}

static void x_cq_sync_plan_deferred_model(void)
{
    EXPECT((cq_sync_plan_deferred_model(NULL, 0)) == NULL);
}

static void x_cq_sync_plan_deferred_attr(void)
{
    EXPECT((cq_sync_plan_deferred_attr(NULL, 0)) == NULL);
}

static void x_cq_sync_plan_deferred_target(void)
{
    EXPECT((cq_sync_plan_deferred_target(NULL, 0)) == NULL);
}

static void x_cq_sync_plan_cycle_count(void)
{
    EXPECT(cq_sync_plan_cycle_count(NULL) == 0);
}

static void x_cq_sync_plan_cycle_length(void)
{
    EXPECT(cq_sync_plan_cycle_length(NULL, 0) == 0);
}

static void x_cq_sync_plan_cycle_model(void)
{
    EXPECT((cq_sync_plan_cycle_model(NULL, 0, 0)) == NULL);
}

static void x_cq_sync_plan_cycle_attr(void)
{
    EXPECT((cq_sync_plan_cycle_attr(NULL, 0, 0)) == NULL);
}

static void x_cq_sync_plan_cycle_chain(void)
{
    EXPECT((cq_sync_plan_cycle_chain(NULL, 0)) == NULL);
}

static void x_cq_sync_plan_describe(void)
{
    char *out = (char *)&out;
    EXPECT((cq_sync_plan_describe(&out, NULL)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
}

static void x_cq_db_ddl(void)
{
    char *out = (char *)&out;
    EXPECT((cq_db_ddl(&out, NULL, 0)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
}

static void x_cq_db_sync_order(void)
{
    cq_model **out = (cq_model **)&out;
    EXPECT((cq_db_sync_order(&out, NULL)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
}

static void x_cq_db_truncate(void)
{
    EXPECT((cq_db_truncate(NULL, NULL)) == (CQ_EINVALID));
}

static void x_cq_value_null(void)
{
    cq_value_free(cq_value_null());
}

static void x_cq_value_bool(void)
{
    cq_value_free(cq_value_bool(false));
}

static void x_cq_value_int(void)
{
    cq_value_free(cq_value_int(0));
}

static void x_cq_value_double(void)
{
    cq_value_free(cq_value_double(0));
}

static void x_cq_value_text(void)
{
    cq_value_free(cq_value_text(NULL));
}

static void x_cq_value_text_n(void)
{
    cq_value_free(cq_value_text_n(NULL, 0));
}

static void x_cq_value_blob(void)
{
    cq_value_free(cq_value_blob(NULL, 0));
}

static void x_cq_value_array(void)
{
    cq_value_free(cq_value_array());
}

static void x_cq_value_object(void)
{
    cq_value_free(cq_value_object());
}

static void x_cq_value_copy(void)
{
    EXPECT((cq_value_copy(NULL)) == NULL);
}

static void x_cq_value_free(void)
{
    cq_value_free(NULL);
}

static void x_cq_value_type_of(void)
{
    EXPECT(cq_value_type_of(NULL) == CQ_VALUE_NULL);
}

static void x_cq_value_is_null(void)
{
    EXPECT(cq_value_is_null(NULL) == true); /* a NULL value reads as null */
}

static void x_cq_value_as_bool(void)
{
    EXPECT(cq_value_as_bool(NULL) == false);
}

static void x_cq_value_as_int(void)
{
    EXPECT(cq_value_as_int(NULL) == 0);
}

static void x_cq_value_as_double(void)
{
    EXPECT(cq_value_as_double(NULL) == 0);
}

static void x_cq_value_as_text(void)
{
    EXPECT((cq_value_as_text(NULL)) == NULL);
}

static void x_cq_value_as_blob(void)
{
    size_t len_out = 42;
    EXPECT((cq_value_as_blob(NULL, &len_out)) == NULL);
}

static void x_cq_value_size(void)
{
    EXPECT(cq_value_size(NULL) == 0);
}

static void x_cq_value_array_get(void)
{
    EXPECT((cq_value_array_get(NULL, 0)) == NULL);
}

static void x_cq_value_array_append(void)
{
    EXPECT((cq_value_array_append(NULL, NULL)) == (CQ_ENOMEM));
}

static void x_cq_value_object_get(void)
{
    EXPECT((cq_value_object_get(NULL, NULL)) == NULL);
}

static void x_cq_value_object_key(void)
{
    EXPECT((cq_value_object_key(NULL, 0)) == NULL);
}

static void x_cq_value_object_value(void)
{
    EXPECT((cq_value_object_value(NULL, 0)) == NULL);
}

static void x_cq_value_object_set(void)
{
    EXPECT((cq_value_object_set(NULL, NULL, NULL)) == (CQ_ENOMEM));
}

static void x_cq_value_object_remove(void)
{
    cq_value_object_remove(NULL, NULL);
}

static void x_cq_value_is_equal(void)
{
    EXPECT(cq_value_is_equal(NULL, NULL) == true); /* null equals null */
}

static void x_cq_value_from_json(void)
{
    cq_value *out = (cq_value *)&out;
    EXPECT((cq_value_from_json(&out, NULL, NULL)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
}

static void x_cq_value_to_json(void)
{
    char *out = (char *)&out;
    /* values are not handles: a NULL cq_value reads as null (cequel/value.h) */
    EXPECT((cq_value_to_json(&out, NULL, 0)) == (CQ_OK));
    EXPECT(out && strcmp(out, "null") == 0);
    cq_free(out);
}

/* ---- exports added with the schema loader, validators, upsert/findOrCreate/increment,
 * aggregates, single-instance accessors, getters and managed transactions ---- */

static void x_cq_assoc_get_one(void)
{
    cq_instance *out = (cq_instance *)&out;
    EXPECT((cq_assoc_get_one(&out, NULL, NULL, NULL)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
}

static void x_cq_assoc_set_instance(void)
{
    EXPECT((cq_assoc_set_instance(NULL, NULL, NULL, NULL)) == (CQ_EINVALID));
}

static void x_cq_assoc_add_instance(void)
{
    EXPECT((cq_assoc_add_instance(NULL, NULL, NULL, NULL)) == (CQ_EINVALID));
}

static void x_cq_assoc_remove_instance(void)
{
    EXPECT((cq_assoc_remove_instance(NULL, NULL, NULL, NULL)) == (CQ_EINVALID));
}

static void x_cq_assoc_has_instance(void)
{
    bool out = true;
    EXPECT((cq_assoc_has_instance(&out, NULL, NULL, NULL, NULL)) == (CQ_EINVALID));
    EXPECT(!out);
}

static void x_cq_db_validation_count(void)
{
    EXPECT(cq_db_validation_count(NULL) == 0);
}

static void x_cq_db_validation_item(void)
{
    EXPECT((cq_db_validation_item(NULL, 0)) == NULL);
}

static void x_cq_hook_event_is_valid(void)
{
    EXPECT(!cq_hook_event_is_valid(NULL));
}

static void x_cq_model_add_hook(void)
{
    EXPECT((cq_model_add_hook(NULL, NULL, NULL, NULL)) == (CQ_EINVALID));
}

static void x_cq_model_add_bound_hook(void)
{
    EXPECT((cq_model_add_bound_hook(NULL, NULL, NULL)) == (CQ_EINVALID));
}

static void x_cq_model_remove_hook(void)
{
    EXPECT((cq_model_remove_hook(NULL, NULL, NULL, NULL)) == (CQ_EINVALID));
}

static void x_cq_db_add_hook(void)
{
    EXPECT((cq_db_add_hook(NULL, NULL, NULL, NULL)) == (CQ_EINVALID));
}

static void x_cq_db_bind_hook(void)
{
    EXPECT((cq_db_bind_hook(NULL, NULL, NULL, NULL)) == (CQ_EINVALID));
}

static void x_cq_db_is_hook_bound(void)
{
    EXPECT(!cq_db_is_hook_bound(NULL, "h"));
}

static void x_cq_db_unbound_hook(void)
{
    const char *model = "x", *event = "x";
    EXPECT((cq_db_unbound_hook(NULL, 0, &model, &event)) == NULL);
}

static void x_cq_db_bind_getter(void)
{
    EXPECT((cq_db_bind_getter(NULL, NULL, NULL, NULL)) == (CQ_EINVALID));
}

static void x_cq_db_bind_setter(void)
{
    EXPECT((cq_db_bind_setter(NULL, NULL, NULL, NULL)) == (CQ_EINVALID));
}

static void x_cq_db_unbound_accessor(void)
{
    const char *model = "x", *attr = "x", *kind = "x";
    EXPECT((cq_db_unbound_accessor(NULL, 0, &model, &attr, &kind)) == NULL);
}

static void x_cq_hook_set_where(void)
{
    EXPECT((cq_hook_set_where(NULL, NULL)) == (CQ_EINVALID));
}

static void x_cq_model_attr_values(void)
{
    EXPECT((cq_model_attr_values(NULL, 0)) == NULL);
}

static void x_cq_model_attr_element_type(void)
{
    (void)cq_model_attr_element_type(NULL, 0);
}

static void x_cq_model_add_scope(void)
{
    EXPECT((cq_model_add_scope(NULL, NULL, NULL, NULL)) == (CQ_EINVALID));
}

static void x_cq_model_add_scope_fn(void)
{
    EXPECT((cq_model_add_scope_fn(NULL, NULL, NULL, NULL, NULL)) == (CQ_EINVALID));
}

static void x_cq_db_bind_scope(void)
{
    EXPECT((cq_db_bind_scope(NULL, NULL, NULL, NULL)) == (CQ_EINVALID));
}

static void x_cq_model_has_scope(void)
{
    EXPECT(!cq_model_has_scope(NULL, "s"));
}

static void x_cq_db_freeze(void)
{
    EXPECT((cq_db_freeze(NULL)) == (CQ_EINVALID));
}

static void x_cq_db_is_frozen(void)
{
    EXPECT(!cq_db_is_frozen(NULL));
}

static void x_cq_db_pool_stats(void)
{
    cq_pool_stats st;
    EXPECT((cq_db_pool_stats(&st, NULL)) == (CQ_EINVALID));
}

static void x_cq_db_bind_validator(void)
{
    EXPECT((cq_db_bind_validator(NULL, NULL, NULL, NULL)) == (CQ_EINVALID));
}

static void x_cq_db_is_validator_bound(void)
{
    EXPECT(!cq_db_is_validator_bound(NULL, "v"));
}

static void x_cq_validator_is_builtin(void)
{
    EXPECT(!cq_validator_is_builtin(NULL));
}

static void x_cq_validators_from_value(void)
{
    cq_validator *out = (cq_validator *)&out;
    EXPECT((cq_validators_from_value(&out, NULL, false, NULL)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
}

static void x_cq_validators_free(void)
{
    cq_validators_free(NULL);
}

static void x_cq_instance_validate(void)
{
    EXPECT((cq_instance_validate(NULL, NULL)) == (CQ_EINVALID));
}

static void x_cq_value_pack(void)
{
    cq_value *out = (cq_value *)&out;
    EXPECT((cq_value_pack(&out, NULL)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
    EXPECT((cq_value_pack(NULL, "i", 1)) == (CQ_EINVALID));
}

static void x_cq_value_pack_ex(void)
{
    cq_value *out = (cq_value *)&out;
    EXPECT((cq_value_pack_ex(&out, NULL, NULL)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
}

static int vpack_null(cq_value **out, ...)
{
    va_list ap;
    va_start(ap, out);
    int rc = cq_value_vpack_ex(out, NULL, NULL, ap);
    va_end(ap);
    return rc;
}

static void x_cq_value_vpack_ex(void)
{
    cq_value *out = (cq_value *)&out;
    EXPECT((vpack_null(&out, 0)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
}

static void x_cq_instance_get_value(void)
{
    cq_value *out = (cq_value *)&out;
    EXPECT((cq_instance_get_value(&out, NULL, NULL, NULL)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
}

static void x_cq_instance_get_data_value(void)
{
    EXPECT((cq_instance_get_data_value(NULL, NULL)) == NULL);
}

static void x_cq_instance_set_data_value(void)
{
    /* the value is taken even when the call fails: LSan would see a leak */
    EXPECT((cq_instance_set_data_value(NULL, NULL, cq_value_int(1))) == (CQ_EINVALID));
}

static void x_cq_instance_text(void)
{
    EXPECT((cq_instance_text(NULL, NULL)) == NULL);
}

static void x_cq_instance_int(void)
{
    EXPECT(cq_instance_int(NULL, NULL) == 0);
}

static void x_cq_instance_bool(void)
{
    EXPECT(!cq_instance_bool(NULL, NULL));
}

static void x_cq_model_increment(void)
{
    int64_t out = 5;
    EXPECT((cq_model_increment(&out, NULL, NULL, NULL)) == (CQ_EINVALID));
    EXPECT(out == 0);
}

static void x_cq_model_decrement(void)
{
    int64_t out = 5;
    EXPECT((cq_model_decrement(&out, NULL, NULL, NULL)) == (CQ_EINVALID));
    EXPECT(out == 0);
}

static void x_cq_model_upsert(void)
{
    cq_instance *out = (cq_instance *)&out;
    int created = 7;
    EXPECT((cq_model_upsert(&out, &created, NULL, NULL, NULL)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
    EXPECT(created == -1);
}

static void x_cq_model_find_or_create(void)
{
    cq_instance *out = (cq_instance *)&out;
    bool created = true;
    EXPECT((cq_model_find_or_create(&out, &created, NULL, NULL)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
    EXPECT(!created);
}

static void x_cq_model_find_create_find(void)
{
    cq_instance *out = (cq_instance *)&out;
    bool created = true;
    EXPECT((cq_model_find_create_find(&out, &created, NULL, NULL)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
    EXPECT(!created);
}

static void x_cq_model_aggregate(void)
{
    cq_value *out = (cq_value *)&out;
    EXPECT((cq_model_aggregate(&out, NULL, NULL, NULL, NULL)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
}

static void x_cq_model_max(void)
{
    cq_value *out = (cq_value *)&out;
    EXPECT((cq_model_max(&out, NULL, NULL, NULL)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
}

static void x_cq_model_min(void)
{
    cq_value *out = (cq_value *)&out;
    EXPECT((cq_model_min(&out, NULL, NULL, NULL)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
}

static void x_cq_model_sum(void)
{
    cq_value *out = (cq_value *)&out;
    EXPECT((cq_model_sum(&out, NULL, NULL, NULL)) == (CQ_EINVALID));
    EXPECT((out) == NULL);
}

static void x_cq_instance_increment(void)
{
    EXPECT((cq_instance_increment(NULL, NULL, NULL)) == (CQ_EINVALID));
}

static void x_cq_instance_decrement(void)
{
    EXPECT((cq_instance_decrement(NULL, NULL, NULL)) == (CQ_EINVALID));
}

static void x_cq_db_load_schema(void)
{
    EXPECT((cq_db_load_schema(NULL, NULL, NULL)) == (CQ_EINVALID));
}

static void x_cq_db_load_schema_file(void)
{
    EXPECT((cq_db_load_schema_file(NULL, NULL, NULL)) == (CQ_EINVALID));
}

static void x_cq_instance_included_one(void)
{
    EXPECT((cq_instance_included_one(NULL, NULL)) == NULL);
}

static void x_cq_instance_included_many(void)
{
    EXPECT((cq_instance_included_many(NULL, NULL)) == NULL);
}

static void x_cq_db_transaction_run(void)
{
    EXPECT((cq_db_transaction_run(NULL, NULL, NULL, NULL)) == (CQ_EINVALID));
}

static const export_check checks[] = {
    { "cq_assoc_get_one", x_cq_assoc_get_one },
    { "cq_assoc_set_instance", x_cq_assoc_set_instance },
    { "cq_assoc_add_instance", x_cq_assoc_add_instance },
    { "cq_assoc_remove_instance", x_cq_assoc_remove_instance },
    { "cq_assoc_has_instance", x_cq_assoc_has_instance },
    { "cq_db_validation_count", x_cq_db_validation_count },
    { "cq_db_validation_item", x_cq_db_validation_item },
    { "cq_hook_event_is_valid", x_cq_hook_event_is_valid },
    { "cq_model_add_hook", x_cq_model_add_hook },
    { "cq_model_add_bound_hook", x_cq_model_add_bound_hook },
    { "cq_model_remove_hook", x_cq_model_remove_hook },
    { "cq_db_add_hook", x_cq_db_add_hook },
    { "cq_db_bind_hook", x_cq_db_bind_hook },
    { "cq_db_is_hook_bound", x_cq_db_is_hook_bound },
    { "cq_db_unbound_hook", x_cq_db_unbound_hook },
    { "cq_hook_set_where", x_cq_hook_set_where },
    { "cq_db_bind_getter", x_cq_db_bind_getter },
    { "cq_db_bind_setter", x_cq_db_bind_setter },
    { "cq_db_unbound_accessor", x_cq_db_unbound_accessor },
    { "cq_model_attr_values", x_cq_model_attr_values },
    { "cq_model_attr_element_type", x_cq_model_attr_element_type },
    { "cq_model_add_scope", x_cq_model_add_scope },
    { "cq_model_add_scope_fn", x_cq_model_add_scope_fn },
    { "cq_db_bind_scope", x_cq_db_bind_scope },
    { "cq_model_has_scope", x_cq_model_has_scope },
    { "cq_db_freeze", x_cq_db_freeze },
    { "cq_db_is_frozen", x_cq_db_is_frozen },
    { "cq_db_pool_stats", x_cq_db_pool_stats },
    { "cq_db_bind_validator", x_cq_db_bind_validator },
    { "cq_db_is_validator_bound", x_cq_db_is_validator_bound },
    { "cq_validator_is_builtin", x_cq_validator_is_builtin },
    { "cq_validators_from_value", x_cq_validators_from_value },
    { "cq_validators_free", x_cq_validators_free },
    { "cq_instance_validate", x_cq_instance_validate },
    { "cq_value_pack", x_cq_value_pack },
    { "cq_value_pack_ex", x_cq_value_pack_ex },
    { "cq_value_vpack_ex", x_cq_value_vpack_ex },
    { "cq_instance_get_value", x_cq_instance_get_value },
    { "cq_instance_get_data_value", x_cq_instance_get_data_value },
    { "cq_instance_set_data_value", x_cq_instance_set_data_value },
    { "cq_instance_text", x_cq_instance_text },
    { "cq_instance_int", x_cq_instance_int },
    { "cq_instance_bool", x_cq_instance_bool },
    { "cq_model_increment", x_cq_model_increment },
    { "cq_model_decrement", x_cq_model_decrement },
    { "cq_model_upsert", x_cq_model_upsert },
    { "cq_model_find_or_create", x_cq_model_find_or_create },
    { "cq_model_find_create_find", x_cq_model_find_create_find },
    { "cq_model_aggregate", x_cq_model_aggregate },
    { "cq_model_max", x_cq_model_max },
    { "cq_model_min", x_cq_model_min },
    { "cq_model_sum", x_cq_model_sum },
    { "cq_instance_increment", x_cq_instance_increment },
    { "cq_instance_decrement", x_cq_instance_decrement },
    { "cq_db_load_schema", x_cq_db_load_schema },
    { "cq_db_load_schema_file", x_cq_db_load_schema_file },
    { "cq_instance_included_one", x_cq_instance_included_one },
    { "cq_instance_included_many", x_cq_instance_included_many },
    { "cq_db_transaction_run", x_cq_db_transaction_run },
    { "cq_set_allocator", x_cq_set_allocator },
    { "cq_model_belongs_to", x_cq_model_belongs_to },
    { "cq_model_has_one", x_cq_model_has_one },
    { "cq_model_has_many", x_cq_model_has_many },
    { "cq_model_belongs_to_many", x_cq_model_belongs_to_many },
    { "cq_model_assoc_count", x_cq_model_assoc_count },
    { "cq_model_assoc_at", x_cq_model_assoc_at },
    { "cq_model_assoc", x_cq_model_assoc },
    { "cq_assoc_type_of", x_cq_assoc_type_of },
    { "cq_assoc_type_name", x_cq_assoc_type_name },
    { "cq_assoc_source", x_cq_assoc_source },
    { "cq_assoc_target", x_cq_assoc_target },
    { "cq_assoc_as", x_cq_assoc_as },
    { "cq_assoc_singular", x_cq_assoc_singular },
    { "cq_assoc_plural", x_cq_assoc_plural },
    { "cq_assoc_is_aliased", x_cq_assoc_is_aliased },
    { "cq_assoc_foreign_key", x_cq_assoc_foreign_key },
    { "cq_assoc_source_key", x_cq_assoc_source_key },
    { "cq_assoc_target_key", x_cq_assoc_target_key },
    { "cq_assoc_other_key", x_cq_assoc_other_key },
    { "cq_assoc_through", x_cq_assoc_through },
    { "cq_assoc_scope", x_cq_assoc_scope },
    { "cq_assoc_through_scope", x_cq_assoc_through_scope },
    { "cq_assoc_accessor_name", x_cq_assoc_accessor_name },
    { "cq_model_find_accessor", x_cq_model_find_accessor },
    { "cq_assoc_get", x_cq_assoc_get },
    { "cq_assoc_set", x_cq_assoc_set },
    { "cq_assoc_add", x_cq_assoc_add },
    { "cq_assoc_remove", x_cq_assoc_remove },
    { "cq_assoc_has", x_cq_assoc_has },
    { "cq_assoc_count", x_cq_assoc_count },
    { "cq_assoc_create", x_cq_assoc_create },
    { "cq_instance_through", x_cq_instance_through },
    { "cq_instance_set_through_data", x_cq_instance_set_through_data },
    { "cq_free", x_cq_free },
    { "cq_db_open", x_cq_db_open },
    { "cq_db_close", x_cq_db_close },
    { "cq_db_error", x_cq_db_error },
    { "cq_db_dialect", x_cq_db_dialect },
    { "cq_db_model", x_cq_db_model },
    { "cq_db_model_count", x_cq_db_model_count },
    { "cq_db_model_at", x_cq_db_model_at },
    { "cq_db_sync", x_cq_db_sync },
    { "cq_db_drop", x_cq_db_drop },
    { "cq_db_transaction", x_cq_db_transaction },
    { "cq_txn_commit", x_cq_txn_commit },
    { "cq_txn_rollback", x_cq_txn_rollback },
    { "cq_txn_free", x_cq_txn_free },
    { "cq_txn_is_open", x_cq_txn_is_open },
    { "cq_txn_id", x_cq_txn_id },
    { "cq_db_dump", x_cq_db_dump },
    { "cq_golden_normalize", x_cq_golden_normalize },
    { "cq_golden_to_json", x_cq_golden_to_json },
    { "cq_db_golden", x_cq_db_golden },
    { "cq_strerror", x_cq_strerror },
    { "cq_error_name", x_cq_error_name },
    { "cq_log_stderr", x_cq_log_stderr },
    { "cq_db_define", x_cq_db_define },
    { "cq_model_name", x_cq_model_name },
    { "cq_model_table_name", x_cq_model_table_name },
    { "cq_model_db", x_cq_model_db },
    { "cq_model_attr_count", x_cq_model_attr_count },
    { "cq_model_attr_name", x_cq_model_attr_name },
    { "cq_model_attr_field", x_cq_model_attr_field },
    { "cq_model_attr_type", x_cq_model_attr_type },
    { "cq_model_attr_is_nullable", x_cq_model_attr_is_nullable },
    { "cq_model_attr_is_primary_key", x_cq_model_attr_is_primary_key },
    { "cq_model_attr_index", x_cq_model_attr_index },
    { "cq_model_primary_key", x_cq_model_primary_key },
    { "cq_model_sync", x_cq_model_sync },
    { "cq_type_name", x_cq_type_name },
    { "cq_ref_action_name", x_cq_ref_action_name },
    { "cq_model_attr_is_auto_increment", x_cq_model_attr_is_auto_increment },
    { "cq_model_attr_is_unique", x_cq_model_attr_is_unique },
    { "cq_model_attr_unique_name", x_cq_model_attr_unique_name },
    { "cq_model_attr_length", x_cq_model_attr_length },
    { "cq_model_attr_precision", x_cq_model_attr_precision },
    { "cq_model_attr_scale", x_cq_model_attr_scale },
    { "cq_model_attr_default", x_cq_model_attr_default },
    { "cq_model_attr_default_fn", x_cq_model_attr_default_fn },
    { "cq_model_attr_is_generated", x_cq_model_attr_is_generated },
    { "cq_model_attr_references", x_cq_model_attr_references },
    { "cq_model_attr_references_model", x_cq_model_attr_references_model },
    { "cq_model_attr_references_table", x_cq_model_attr_references_table },
    { "cq_model_attr_references_key", x_cq_model_attr_references_key },
    { "cq_model_attr_has_null_references", x_cq_model_attr_has_null_references },
    { "cq_model_attr_on_delete", x_cq_model_attr_on_delete },
    { "cq_model_attr_on_update", x_cq_model_attr_on_update },
    { "cq_model_index_count", x_cq_model_index_count },
    { "cq_model_index_name", x_cq_model_index_name },
    { "cq_model_index_is_unique", x_cq_model_index_is_unique },
    { "cq_model_index_fields", x_cq_model_index_fields },
    { "cq_model_name_singular", x_cq_model_name_singular },
    { "cq_model_name_plural", x_cq_model_name_plural },
    { "cq_model_is_underscored", x_cq_model_is_underscored },
    { "cq_model_has_timestamps", x_cq_model_has_timestamps },
    { "cq_model_created_at", x_cq_model_created_at },
    { "cq_model_updated_at", x_cq_model_updated_at },
    { "cq_model_is_paranoid", x_cq_model_is_paranoid },
    { "cq_model_deleted_at", x_cq_model_deleted_at },
    { "cq_model_version_attribute", x_cq_model_version_attribute },
    { "cq_instance_included_count", x_cq_instance_included_count },
    { "cq_instance_included_key", x_cq_instance_included_key },
    { "cq_instance_included", x_cq_instance_included },
    { "cq_instance_through_key", x_cq_instance_through_key },
    { "cq_pluralize", x_cq_pluralize },
    { "cq_singularize", x_cq_singularize },
    { "cq_model_build", x_cq_model_build },
    { "cq_model_create", x_cq_model_create },
    { "cq_model_bulk_create", x_cq_model_bulk_create },
    { "cq_instance_save", x_cq_instance_save },
    { "cq_instance_update", x_cq_instance_update },
    { "cq_instance_destroy", x_cq_instance_destroy },
    { "cq_instance_restore", x_cq_instance_restore },
    { "cq_instance_reload", x_cq_instance_reload },
    { "cq_instance_set", x_cq_instance_set },
    { "cq_instance_get", x_cq_instance_get },
    { "cq_instance_get_int", x_cq_instance_get_int },
    { "cq_instance_get_double", x_cq_instance_get_double },
    { "cq_instance_get_bool", x_cq_instance_get_bool },
    { "cq_instance_get_text", x_cq_instance_get_text },
    { "cq_instance_has_changed", x_cq_instance_has_changed },
    { "cq_instance_is_new_record", x_cq_instance_is_new_record },
    { "cq_instance_model", x_cq_instance_model },
    { "cq_instance_to_value", x_cq_instance_to_value },
    { "cq_instance_to_json", x_cq_instance_to_json },
    { "cq_instance_free", x_cq_instance_free },
    { "cq_rows_count", x_cq_rows_count },
    { "cq_rows_at", x_cq_rows_at },
    { "cq_rows_take", x_cq_rows_take },
    { "cq_rows_to_value", x_cq_rows_to_value },
    { "cq_rows_free", x_cq_rows_free },
    { "cq_model_find_all", x_cq_model_find_all },
    { "cq_model_find_one", x_cq_model_find_one },
    { "cq_model_find_by_pk", x_cq_model_find_by_pk },
    { "cq_model_count", x_cq_model_count },
    { "cq_model_find_and_count_all", x_cq_model_find_and_count_all },
    { "cq_model_update", x_cq_model_update },
    { "cq_model_destroy", x_cq_model_destroy },
    { "cq_model_restore", x_cq_model_restore },
    { "cq_db_query", x_cq_db_query },
    { "cq_db_sync_plan", x_cq_db_sync_plan },
    { "cq_sync_plan_free", x_cq_sync_plan_free },
    { "cq_sync_plan_model_count", x_cq_sync_plan_model_count },
    { "cq_sync_plan_model_at", x_cq_sync_plan_model_at },
    { "cq_sync_plan_deferred_count", x_cq_sync_plan_deferred_count },
    { "cq_sync_plan_deferred_model", x_cq_sync_plan_deferred_model },
    { "cq_sync_plan_deferred_attr", x_cq_sync_plan_deferred_attr },
    { "cq_sync_plan_deferred_target", x_cq_sync_plan_deferred_target },
    { "cq_sync_plan_cycle_count", x_cq_sync_plan_cycle_count },
    { "cq_sync_plan_cycle_length", x_cq_sync_plan_cycle_length },
    { "cq_sync_plan_cycle_model", x_cq_sync_plan_cycle_model },
    { "cq_sync_plan_cycle_attr", x_cq_sync_plan_cycle_attr },
    { "cq_sync_plan_cycle_chain", x_cq_sync_plan_cycle_chain },
    { "cq_sync_plan_describe", x_cq_sync_plan_describe },
    { "cq_db_ddl", x_cq_db_ddl },
    { "cq_db_sync_order", x_cq_db_sync_order },
    { "cq_db_truncate", x_cq_db_truncate },
    { "cq_value_null", x_cq_value_null },
    { "cq_value_bool", x_cq_value_bool },
    { "cq_value_int", x_cq_value_int },
    { "cq_value_double", x_cq_value_double },
    { "cq_value_text", x_cq_value_text },
    { "cq_value_text_n", x_cq_value_text_n },
    { "cq_value_blob", x_cq_value_blob },
    { "cq_value_array", x_cq_value_array },
    { "cq_value_object", x_cq_value_object },
    { "cq_value_copy", x_cq_value_copy },
    { "cq_value_free", x_cq_value_free },
    { "cq_value_type_of", x_cq_value_type_of },
    { "cq_value_is_null", x_cq_value_is_null },
    { "cq_value_as_bool", x_cq_value_as_bool },
    { "cq_value_as_int", x_cq_value_as_int },
    { "cq_value_as_double", x_cq_value_as_double },
    { "cq_value_as_text", x_cq_value_as_text },
    { "cq_value_as_blob", x_cq_value_as_blob },
    { "cq_value_size", x_cq_value_size },
    { "cq_value_array_get", x_cq_value_array_get },
    { "cq_value_array_append", x_cq_value_array_append },
    { "cq_value_object_get", x_cq_value_object_get },
    { "cq_value_object_key", x_cq_value_object_key },
    { "cq_value_object_value", x_cq_value_object_value },
    { "cq_value_object_set", x_cq_value_object_set },
    { "cq_value_object_remove", x_cq_value_object_remove },
    { "cq_value_is_equal", x_cq_value_is_equal },
    { "cq_value_from_json", x_cq_value_from_json },
    { "cq_value_to_json", x_cq_value_to_json },
    { NULL, NULL },
};

/* ---- the enumeration -------------------------------------------------------------------- */

static const export_check *find_check(const char *name)
{
    for (const export_check *c = checks; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

typedef struct names {
    char *v[512];
    size_t n;
} names;

static void names_add(names *ns, const char *s, size_t len)
{
    for (size_t i = 0; i < ns->n; i++)
        if (strlen(ns->v[i]) == len && strncmp(ns->v[i], s, len) == 0)
            return;
    assert_true(ns->n < sizeof ns->v / sizeof ns->v[0]);
    ns->v[ns->n] = calloc(1, len + 1);
    assert_non_null(ns->v[ns->n]);
    memcpy(ns->v[ns->n++], s, len);
}

static void names_free(names *ns)
{
    for (size_t i = 0; i < ns->n; i++)
        free(ns->v[i]);
    ns->n = 0;
}

static bool names_has(const names *ns, const char *s)
{
    for (size_t i = 0; i < ns->n; i++)
        if (strcmp(ns->v[i], s) == 0)
            return true;
    return false;
}

/* The function declared by each CQ_EXTERN of the public headers: the identifier before the
 * first '(' that follows it. */
static void header_exports(names *ns)
{
    const char *dir = CQ_SOURCE_DIR "/include/cequel";
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 3 || strcmp(e->d_name + len - 2, ".h") != 0)
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "r");
        assert_non_null(f);
        static char text[1 << 17];
        size_t n = fread(text, 1, sizeof text - 1, f);
        fclose(f);
        text[n] = '\0';
        for (const char *p = text; (p = strstr(p, "CQ_EXTERN")) != NULL; p += 9) {
            if (p > text && p[-1] != '\n' && p[-1] != ' ')
                continue; /* the macro's own definition */
            const char *paren = strchr(p, '(');
            const char *semi = strchr(p, ';');
            if (!paren || (semi && semi < paren))
                continue;
            const char *end = paren;
            while (end > p && end[-1] == ' ')
                end--;
            const char *start = end;
            while (start > p && (start[-1] == '_' || (start[-1] >= 'a' && start[-1] <= 'z') ||
                                 (start[-1] >= '0' && start[-1] <= '9')))
                start--;
            if (end - start > 3 && strncmp(start, "cq_", 3) == 0)
                names_add(ns, start, (size_t)(end - start));
        }
    }
    closedir(d);
}

/* The functions the shared library exports (nm -D); false when nm or the library is missing. */
static bool library_exports(names *ns)
{
    const char *lib = CQ_BINARY_DIR "/libcequel.so";
    if (access(lib, R_OK) != 0)
        return false;
    FILE *p = popen("nm -D --defined-only " CQ_BINARY_DIR "/libcequel.so 2>/dev/null", "r");
    if (!p)
        return false;
    char line[512];
    while (fgets(line, sizeof line, p)) {
        char addr[64], type[8], sym[256];
        if (sscanf(line, "%63s %7s %255s", addr, type, sym) == 3 && strcmp(type, "T") == 0)
            names_add(ns, sym, strlen(sym));
    }
    return pclose(p) == 0 && ns->n > 0;
}

static void test_exports__every_export_has_a_check(void **state)
{
    (void)state;
    names hdr = { 0 }, lib = { 0 };
    header_exports(&hdr);
    assert_true(hdr.n > 100);
    size_t missing = 0;
    for (size_t i = 0; i < hdr.n; i++)
        if (!find_check(hdr.v[i])) {
            print_error("exported in a header but not checked here: %s\n", hdr.v[i]);
            missing++;
        }
    for (const export_check *c = checks; c->name; c++)
        if (!names_has(&hdr, c->name)) {
            print_error("checked here but declared in no header: %s\n", c->name);
            missing++;
        }
    if (library_exports(&lib)) {
        for (size_t i = 0; i < lib.n; i++)
            if (!names_has(&hdr, lib.v[i])) {
                print_error("exported by libcequel.so but declared in no header: %s\n", lib.v[i]);
                missing++;
            }
        for (size_t i = 0; i < hdr.n; i++)
            if (!names_has(&lib, hdr.v[i])) {
                print_error("declared in a header but not exported by libcequel.so: %s\n",
                            hdr.v[i]);
                missing++;
            }
    } else {
        print_message("nm or libcequel.so not available: checked against the headers only\n");
    }
    printf("exports: %zu in the headers, %zu in libcequel.so, %zu checks\n", hdr.n, lib.n,
           sizeof checks / sizeof checks[0] - 1);
    names_free(&hdr);
    names_free(&lib);
    assert_int_equal(missing, 0);
}

static void test_exports__null_handles(void **state)
{
    (void)state;
    size_t failed = 0, n = 0;
    fflush(NULL);
    for (const export_check *c = checks; c->name; c++, n++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            /* cmocka's handlers would turn a crash into a test failure: see the signal */
            int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
            for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++)
                signal(sigs[k], SIG_DFL);
            c->check(); /* a failed assertion ends the child with a non-zero status */
            fflush(NULL);
            _exit(0);
        }
        int status = 0;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        if (WIFSIGNALED(status)) {
            print_error("%s with NULL handles: killed by signal %d\n", c->name, WTERMSIG(status));
            failed++;
        } else if (WEXITSTATUS(status) != 0) {
            print_error("%s with NULL handles: wrong answer (above)\n", c->name);
            failed++;
        }
    }
    printf("exports: %zu called with NULL handles, %zu wrong\n", n, failed);
    assert_int_equal(failed, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exports__every_export_has_a_check),
        cmocka_unit_test(test_exports__null_handles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
