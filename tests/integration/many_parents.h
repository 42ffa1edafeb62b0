/* An eager load over more parents than one statement may bind (PostgreSQL and MySQL: 65,535
 * parameters; SQLite: 32,766 by default): the include's query runs once per part of the keys,
 * every parent gets its children, in key order. Shared by test_include.c (SQLite) and
 * server_cases.h (PostgreSQL, MariaDB). Included, not compiled on its own. */
#ifndef MANY_PARENTS_H
#define MANY_PARENTS_H

#include "cq_test.h"

#include <stdio.h>

/* `n` parents (ids 1..n) and two children for each parent whose id is a multiple of 7, and for
 * the last; a find of every parent with its children must send 1 + `parts` statements
 * (`*statements` counts what the db sends). */
static void check_many_parents(cq_db *db, long n, const size_t *statements, size_t parts)
{
    const cq_model_opts plain = { .timestamps = CQ_OFF };
    cq_model *parent = NULL, *child = NULL;
    cq_assoc *children = NULL;
    CQ_ASSERT_OK(db, cq_db_define(&parent, db, "parent", NULL, &plain));
    CQ_ASSERT_OK(db, cq_db_define(&child, db, "child",
                                  (cq_attr[]){ { .name = "title", .type = CQ_STRING }, { 0 } },
                                  &plain));
    CQ_ASSERT_OK(db, cq_model_has_many(&children, parent, child, NULL));
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    char sql[512];
    cq_dialect d = cq_db_dialect(db);
    char q = d == CQ_DIALECT_POSTGRES ? '"' : '`';
    if (d == CQ_DIALECT_POSTGRES)
        snprintf(sql, sizeof sql,
                 "INSERT INTO parents (id) SELECT g FROM generate_series(1, %ld) g", n);
    else if (d == CQ_DIALECT_MYSQL)
        snprintf(sql, sizeof sql, "INSERT INTO parents (id) SELECT seq FROM seq_1_to_%ld", n);
    else
        snprintf(sql, sizeof sql,
                 "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < %ld) "
                 "INSERT INTO parents (id) SELECT i FROM k",
                 n);
    CQ_ASSERT_OK(db, cq_db_query(NULL, db, sql, NULL, NULL));
    snprintf(sql, sizeof sql,
             "INSERT INTO children (title, %cparentId%c) SELECT 'a', id FROM parents WHERE "
             "id %% 7 = 0 OR id = %ld UNION ALL SELECT 'b', id FROM parents WHERE id %% 7 = 0 "
             "OR id = %ld",
             q, q, n, n);
    CQ_ASSERT_OK(db, cq_db_query(NULL, db, sql, NULL, NULL));

    size_t before = *statements;
    cq_rows *rows = NULL;
    CQ_ASSERT_OK(
        db, cq_model_find_all(
                &rows, parent,
                &(cq_find_opts){ .include = (cq_include[]){ { .association = children }, { 0 } },
                                 .order = (cq_order[]){ { .attr = "id" }, { 0 } } }));
    assert_int_equal(*statements - before, 1 + parts);
    assert_int_equal(cq_rows_count(rows), (size_t)n);
    long total = 0;
    for (long i = 0; i < n; i++) {
        const cq_instance *p = cq_rows_at(rows, (size_t)i);
        int64_t id = cq_value_as_int(cq_instance_get(p, "id"));
        assert_int_equal(id, i + 1);
        const cq_rows *kids = cq_instance_included_many(p, "children");
        size_t want = id % 7 == 0 || id == n ? 2 : 0;
        assert_int_equal(cq_rows_count(kids), want);
        for (size_t k = 0; k < cq_rows_count(kids); k++) {
            const cq_instance *c = cq_rows_at(kids, k);
            assert_int_equal(cq_value_as_int(cq_instance_get(c, "parentId")), id);
            assert_string_equal(cq_value_as_text(cq_instance_get(c, "title")), k ? "b" : "a");
        }
        total += (long)cq_rows_count(kids);
    }
    assert_int_equal(total, 2 * (n / 7 + (n % 7 != 0)));
    cq_rows_free(rows);
}

#endif
