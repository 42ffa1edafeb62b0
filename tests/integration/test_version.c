/* Integration tests for Sequelize's `version` model option (optimistic locking): the version
 * column, create at 0, instance save bumping it under `WHERE ... AND version = <old>`, the stale
 * error when another writer got there first, destroy, bulk update (no bump) and the join model
 * inheriting the option. Rows are read back from SQLite; statements are checked through the
 * log hook where their shape matters (v6's). */
#define _POSIX_C_SOURCE 200809L
#include "cq_fixture.h"

#include <stdlib.h>
#include <string.h>

typedef struct vfix {
    fixture fx; /* db and the statements logged (cq_fixture.h) */
    cq_model *doc, *tag, *note;
} vfix;

static int setup(void **state)
{
    vfix *f = calloc(1, sizeof *f);
    if (!f || fx_init(&f->fx) != 0) {
        free(f);
        return -1;
    }
    const cq_attr title[] = { { .name = "title", .type = CQ_STRING }, { 0 } };
    if (cq_db_define(&f->doc, f->fx.db, "Doc", title,
                     &(cq_model_opts){ .version = true, .paranoid = true }) ||
        cq_db_define(
            &f->note, f->fx.db, "Note", title,
            &(cq_model_opts){ .version_attribute = "lockVersion", .timestamps = CQ_OFF }) ||
        cq_db_define(&f->tag, f->fx.db, "Tag", title, NULL) ||
        cq_model_belongs_to_many(NULL, f->doc, f->tag, &(cq_assoc_opts){ .through = "DocTags" }) ||
        cq_db_sync(f->fx.db, NULL)) {
        print_error("setup: %s\n", cq_db_error(f->fx.db)->message);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    vfix *f = *state;
    fx_fini(&f->fx);
    free(f);
    return 0;
}

static int64_t version_of(vfix *f, const cq_instance *inst, const char *attr)
{
    int64_t v = -1;
    CQ_ASSERT_OK(f->fx.db, cq_instance_get_int(&v, inst, attr));
    return v;
}

static void test_version__columns_and_join_model(void **state)
{
    vfix *f = *state;
    /* v6: after every timestamp (deletedAt included); the join model inherits it */
    const char *doc[] = { "id", "title", "createdAt", "updatedAt", "deletedAt", "version" };
    assert_int_equal(cq_model_attr_count(f->doc), 6);
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(cq_model_attr_name(f->doc, i), doc[i]);
    assert_string_equal(cq_model_version_attribute(f->doc), "version");
    assert_string_equal(cq_model_version_attribute(f->note), "lockVersion");
    assert_null(cq_model_version_attribute(f->tag));
    cq_model *join = cq_db_model(f->fx.db, "DocTags");
    assert_non_null(join);
    const char *jt[] = { "createdAt", "updatedAt", "version", "DocId", "TagId" };
    assert_int_equal(cq_model_attr_count(join), 5);
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(cq_model_attr_name(join, i), jt[i]);
    /* the DDL default: a raw INSERT without it gets 0 */
    cq_value *res = NULL;
    CQ_ASSERT_OK(f->fx.db, cq_db_query(&res, f->fx.db, "INSERT INTO Notes (title) VALUES ('raw')",
                                       NULL, NULL));
    cq_value_free(res);
    assert_int_equal(cq_test_scalar_int(f->fx.db, "SELECT lockVersion FROM Notes"), 0);
}

static void test_version__first_save_wins(void **state)
{
    vfix *f = *state;
    cq_value *v = cq_test_json("{\"title\":\"draft\"}");
    cq_instance *a = NULL, *b = NULL;
    CQ_ASSERT_OK(f->fx.db, cq_model_create(&a, f->doc, v, NULL));
    cq_value_free(v);
    assert_int_equal(version_of(f, a, "version"), 0);
    assert_int_equal(cq_test_scalar_int(f->fx.db, "SELECT version FROM Docs"), 0);
    cq_value *pk = cq_value_int(1);
    CQ_ASSERT_OK(f->fx.db, cq_model_find_by_pk(&b, f->doc, pk, NULL));
    cq_value_free(pk);
    assert_non_null(b);

    fx_clear_sql(&f->fx);
    CQ_ASSERT_OK(f->fx.db, cq_instance_set(a, "title", cq_value_text("first")));
    CQ_ASSERT_OK(f->fx.db, cq_instance_save(a, NULL));
    assert_string_equal(fx_last_sql(&f->fx),
                        "UPDATE `Docs` SET `title`=?,`updatedAt`=?,`version`=? "
                        "WHERE `id` = ? AND `version` = ?;");
    assert_int_equal(version_of(f, a, "version"), 1);
    assert_int_equal(cq_test_scalar_int(f->fx.db, "SELECT version FROM Docs WHERE id = 1"), 1);

    CQ_ASSERT_OK(f->fx.db, cq_instance_set(b, "title", cq_value_text("second")));
    CQ_ASSERT_ERR(f->fx.db, CQ_ESTALE, cq_instance_save(b, NULL));
    assert_string_equal(cq_db_error(f->fx.db)->message,
                        "Attempting to update a stale model instance: Doc");
    assert_string_equal(cq_error_name(CQ_ESTALE), "CQ_ESTALE");
    assert_int_equal(version_of(f, b, "version"), 0);
    /* the row is unchanged */
    assert_int_equal(cq_test_scalar_int(f->fx.db, "SELECT version FROM Docs WHERE id = 1"), 1);
    assert_int_equal(
        cq_test_scalar_int(f->fx.db, "SELECT COUNT(*) FROM Docs WHERE id = 1 AND title = 'first'"),
        1);
    /* a second save of the winner goes on from its own version */
    cq_value *upd = cq_test_json("{\"title\":\"third\"}");
    CQ_ASSERT_OK(f->fx.db, cq_instance_update(a, upd, NULL));
    cq_value_free(upd);
    assert_int_equal(version_of(f, a, "version"), 2);
    assert_int_equal(cq_test_scalar_int(f->fx.db, "SELECT version FROM Docs WHERE id = 1"), 2);
    /* paranoid soft destroy is a save too: stale for b, bumps for a */
    CQ_ASSERT_ERR(f->fx.db, CQ_ESTALE, cq_instance_destroy(b, NULL));
    CQ_ASSERT_OK(f->fx.db, cq_instance_destroy(a, NULL));
    assert_int_equal(version_of(f, a, "version"), 3);
    assert_int_equal(
        cq_test_scalar_int(f->fx.db, "SELECT version FROM Docs WHERE deletedAt IS NOT NULL"), 3);
    cq_instance_free(a);
    cq_instance_free(b);
}

static void test_version__bulk_update_and_destroy(void **state)
{
    vfix *f = *state;
    cq_value *v = cq_test_json("{\"title\":\"n\"}");
    cq_instance *a = NULL;
    CQ_ASSERT_OK(f->fx.db, cq_model_create(&a, f->note, v, NULL));
    cq_value_free(v);
    CQ_ASSERT_OK(f->fx.db, cq_instance_set(a, "title", cq_value_text("m")));
    CQ_ASSERT_OK(f->fx.db, cq_instance_save(a, NULL));
    assert_int_equal(version_of(f, a, "lockVersion"), 1);
    /* v6: Model.update neither bumps nor checks the version */
    cq_value *vals = cq_test_json("{\"title\":\"bulk\"}");
    cq_value *where = cq_test_json("{\"id\":1}");
    int64_t count = 0;
    fx_clear_sql(&f->fx);
    CQ_ASSERT_OK(f->fx.db,
                 cq_model_update(&count, f->note, vals, &(cq_bulk_opts){ .where = where }));
    cq_value_free(vals);
    cq_value_free(where);
    assert_int_equal(count, 1);
    assert_null(strstr(fx_last_sql(&f->fx), "lockVersion"));
    assert_int_equal(cq_test_scalar_int(f->fx.db, "SELECT lockVersion FROM Notes WHERE id = 1"), 1);
    /* v6: destroy adds `AND version = <old>` and reports nothing when no row matched */
    cq_instance *stale = NULL;
    cq_value *pk = cq_value_int(1);
    CQ_ASSERT_OK(f->fx.db, cq_model_find_by_pk(&stale, f->note, pk, NULL));
    cq_value_free(pk);
    CQ_ASSERT_OK(f->fx.db, cq_instance_set(a, "title", cq_value_text("again")));
    CQ_ASSERT_OK(f->fx.db, cq_instance_save(a, NULL));
    fx_clear_sql(&f->fx);
    CQ_ASSERT_OK(f->fx.db, cq_instance_destroy(stale, NULL));
    assert_string_equal(fx_last_sql(&f->fx),
                        "DELETE FROM `Notes` WHERE `id` = ? AND `lockVersion` = ?;");
    assert_int_equal(cq_test_scalar_int(f->fx.db, "SELECT COUNT(*) FROM Notes"), 1);
    CQ_ASSERT_OK(f->fx.db, cq_instance_destroy(a, NULL));
    assert_int_equal(cq_test_scalar_int(f->fx.db, "SELECT COUNT(*) FROM Notes"), 0);
    cq_instance_free(a);
    cq_instance_free(stale);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_version__columns_and_join_model),
        T(test_version__first_save_wins),
        T(test_version__bulk_update_and_destroy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
