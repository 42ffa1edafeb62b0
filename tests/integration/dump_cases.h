/* The dumps of conformance scenarios' schemas built through the C API (golden_build_* of
 * cq_golden.h), shared by test_dump.c, test_dump_postgres.c and test_dump_mysql.c. The
 * including file defines DUMP_GOLDEN_65, DUMP_GOLDEN_40 and DUMP_GOLDEN_36 (the expected
 * golden files on its dialect) and dump_db() (the db of its fixture). */
#ifndef DUMP_CASES_H
#define DUMP_CASES_H

#include "cq_golden.h"

static cq_db *dump_db(void **state);

/* Scenario 65-model-types-and-defaults: one column per type family, database defaults, a
 * reference to a STRING primary key (declared by hand: what Thing.belongsTo(Kind,
 * {foreignKey: 'kindCode'}) adds). ENUM has no cequel type; STRING has the same family. */
static void test_dump__scenario_65_model_types_and_defaults(void **state)
{
    cq_db *db = dump_db(state);
    golden_build_65_model_types_and_defaults(db);
    golden_assert_dump(db, DUMP_GOLDEN_65);
}

/* Scenario 40-manual-references-fixed: every key column declared by hand with `references`
 * (the associations of the scenario reuse them; their actions are CASCADE/CASCADE). */
static void test_dump__scenario_40_manual_references(void **state)
{
    cq_db *db = dump_db(state);
    golden_build_40_manual_references(db);
    golden_assert_dump(db, DUMP_GOLDEN_40);
}

/* Scenario 36-fk-custom-actions: onDelete/onUpdate applied by the database (CASCADE,
 * RESTRICT, NO ACTION), the keys declared by hand as the associations would add them. */
static void test_dump__scenario_36_fk_custom_actions(void **state)
{
    cq_db *db = dump_db(state);
    golden_build_36_fk_custom_actions(db);
    golden_assert_dump(db, DUMP_GOLDEN_36);
}

#define DUMP_SCENARIO_CASES(setup, teardown)                                                       \
    cmocka_unit_test_setup_teardown(test_dump__scenario_65_model_types_and_defaults, setup,        \
                                    teardown),                                                     \
        cmocka_unit_test_setup_teardown(test_dump__scenario_40_manual_references, setup,           \
                                        teardown),                                                 \
        cmocka_unit_test_setup_teardown(test_dump__scenario_36_fk_custom_actions, setup, teardown)

#endif
