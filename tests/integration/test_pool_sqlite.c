/* The pool on SQLite: a database file shared by several connections (WAL, busy timeout,
 * BEGIN IMMEDIATE), and sqlite::memory:, one database behind a single connection. */
#include "pool_cases.h"

#include <unistd.h>

static char *file_url;
static bool in_memory;

static const char *pool_url(void)
{
    return in_memory ? "sqlite::memory:" : file_url;
}

static const char *sleep_sql(void)
{
    /* about half a second of work on one connection */
    return "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) "
           "SELECT count(*) FROM c";
}

static cq_dialect pool_dialect(void)
{
    return CQ_DIALECT_SQLITE;
}

static void test_pool__file_uses_wal_and_several_connections(void **state)
{
    (void)state;
    cq_db *db = open_pool("pool_max=4");
    cq_value *out = NULL;
    CQ_ASSERT_OK(db, cq_db_query(&out, db, "PRAGMA journal_mode", NULL, NULL));
    char *text = NULL;
    assert_int_equal(cq_value_to_json(&text, out, 0), CQ_OK);
    assert_string_equal(text, "[{\"journal_mode\":\"wal\"}]");
    cq_free(text);
    cq_value_free(out);
    /* temporary storage left at SQLite's default (0): large sorts spill to a file */
    assert_int_equal(cq_test_scalar_int(db, "PRAGMA temp_store"), 0);
    cq_db_close(db);
}

typedef struct mem_thread {
    cq_db *db;
    int id, rc;
} mem_thread;

static void *mem_insert(void *arg)
{
    mem_thread *m = arg;
    for (int i = 0; i < 50 && m->rc == CQ_OK; i++) {
        cq_value *params = NULL;
        char text[64];
        snprintf(text, sizeof text, "[%d]", m->id * 1000 + i);
        cq_value_from_json(&params, text, NULL);
        m->rc = cq_db_query(NULL, m->db, "INSERT INTO shared (v) VALUES (?)", params, NULL);
        cq_value_free(params);
    }
    return NULL;
}

/* Threads on sqlite::memory: all see one database (a single connection, taking turns). */
static void test_pool__memory_is_one_database(void **state)
{
    (void)state;
    in_memory = true;
    cq_db *db = open_pool("pool_max=8");
    CQ_ASSERT_OK(db, cq_db_query(NULL, db, "CREATE TABLE shared (v INTEGER)", NULL, NULL));
    mem_thread m[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        m[i] = (mem_thread){ .db = db, .id = i };
        assert_int_equal(pthread_create(&th[i], NULL, mem_insert, &m[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(m[i].rc, CQ_OK);
    }
    assert_int_equal(table_count(db, "shared"), 200);
    cq_pool_stats st = { 0 };
    CQ_ASSERT_OK(db, cq_db_pool_stats(&st, db));
    assert_int_equal(st.size, 1);
    assert_int_equal(st.created, 1);
    cq_db_close(db);
    in_memory = false;
}

/* The stress test again, on sqlite::memory:. */
static void test_pool__memory_stress_counts_match(void **state)
{
    in_memory = true;
    test_pool__stress_counts_match(state);
    in_memory = false;
}

int main(void)
{
    char *path = cq_test_temp_db_path("pool");
    size_t n = strlen(path) + 8;
    file_url = malloc(n);
    snprintf(file_url, n, "sqlite:%s", path);
    const struct CMUnitTest tests[] = {
        POOL_CASES,
        cmocka_unit_test(test_pool__file_uses_wal_and_several_connections),
        cmocka_unit_test(test_pool__memory_is_one_database),
        cmocka_unit_test(test_pool__memory_stress_counts_match),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    const char *suffix[] = { "", "-wal", "-shm" };
    for (size_t i = 0; i < 3; i++) {
        char f[600];
        snprintf(f, sizeof f, "%s%s", path, suffix[i]);
        unlink(f);
    }
    free(path);
    free(file_url);
    return failed ? 1 : 0;
}
