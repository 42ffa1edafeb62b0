/* Shared by the dump tests (test_dump, test_dump_postgres, test_dump_mysql): the golden files
 * recorded from Sequelize v6 (tests/conformance/golden/), a text comparison that prints both
 * sides, and the schemas of a few conformance scenarios built through the C API. */
#ifndef CQ_GOLDEN_H
#define CQ_GOLDEN_H

#include "cq_test.h"

#define GOLDEN_DIR CQ_SOURCE_DIR "/tests/conformance/golden"

/* Whole file as a NUL-terminated string (fails the test when it cannot be read); free with
 * free(). */
char *golden_read_file(const char *path);
/* Fails the test, printing both texts, when `got` is not `expected`; `what` names them. */
void golden_assert_text(const char *what, const char *got, const char *expected);
/* The dump of `db`, normalized as the goldens are (UUIDs numbered, no result), compared as
 * text with the "dump" member of GOLDEN_DIR/`file`. */
void golden_assert_dump(cq_db *db, const char *file);

/* The schema and rows of conformance scenario 65-model-types-and-defaults: one column per
 * type family, database defaults, a reference to a STRING primary key (declared by hand: what
 * Thing.belongsTo(Kind, {foreignKey: 'kindCode'}) adds). ENUM has no cequel type; STRING has
 * the same family. */
void golden_build_65_model_types_and_defaults(cq_db *db);
/* Scenario 40-manual-references-fixed: every key column declared by hand with `references`
 * (the associations of the scenario reuse them; their actions are CASCADE/CASCADE); a row
 * pointing nowhere is refused. */
void golden_build_40_manual_references(cq_db *db);
/* Scenario 36-fk-custom-actions: onDelete/onUpdate applied by the database (CASCADE,
 * RESTRICT, NO ACTION), the keys declared by hand as the associations would add them. */
void golden_build_36_fk_custom_actions(cq_db *db);

#endif
