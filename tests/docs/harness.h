/* What a C fragment of the manual runs in (tests/docs/examples.sh): the fragment is the body of
 * `static int example(cq_db *db)`, called on a fresh in-memory SQLite database. Helpers:
 *   CHECK(call)    fails the example, printing the database's error, unless call is CQ_OK;
 *   json(text)     parses JSON text into a new cq_value (caller frees), or fails;
 *   show(inst)     prints an instance's toJSON on one line;
 *   show_rows(r)   prints a result set's toJSON (an array) on one line.
 * docs/README.md shows the same definitions to readers. */
#ifndef CQ_DOCS_HARNESS_H
#define CQ_DOCS_HARNESS_H

#include <cequel.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(call)                                                                                \
    do {                                                                                           \
        int check_rc_ = (call);                                                                    \
        if (check_rc_ != CQ_OK) {                                                                  \
            fprintf(stderr, "%s:%d: %s -> %s: %s\n", __FILE__, __LINE__, #call,                    \
                    cq_error_name(check_rc_),                                                      \
                    cq_db_error(db) ? cq_db_error(db)->message : "(no message)");                  \
            exit(1);                                                                               \
        }                                                                                          \
    } while (0)

static cq_value *json(const char *text)
{
    cq_value *v = NULL;
    cq_error err = { 0 };
    if (cq_value_from_json(&v, text, &err) != CQ_OK) {
        fprintf(stderr, "json: %s\n", err.message);
        exit(1);
    }
    return v;
}

static void show(const cq_instance *inst)
{
    char *text = NULL;
    if (cq_instance_to_json(&text, inst, CQ_JSON_COMPACT) != CQ_OK)
        exit(1);
    puts(text);
    cq_free(text);
}

static void show_rows(const cq_rows *rows)
{
    cq_value *v = NULL;
    char *text = NULL;
    if (cq_rows_to_value(&v, rows) != CQ_OK || cq_value_to_json(&text, v, CQ_JSON_COMPACT) != CQ_OK)
        exit(1);
    puts(text);
    cq_free(text);
    cq_value_free(v);
}

#define CQ_EXAMPLE_MAIN                                                                            \
    int main(void)                                                                                 \
    {                                                                                              \
        cq_db *db = NULL;                                                                          \
        if (cq_db_open(&db, "sqlite::memory:", NULL, NULL) != CQ_OK)                               \
            return 1;                                                                              \
        int rc = example(db);                                                                      \
        cq_db_close(db);                                                                           \
        return rc;                                                                                 \
    }

#endif
