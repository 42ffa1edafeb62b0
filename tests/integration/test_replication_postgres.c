/* Read replication on PostgreSQL: a primary and two streaming replicas started by
 * scripts/test-servers (skipped without them). See replication_cases.h. */
#include "replication_cases.h"

static const char *writer_url_env(void)
{
    return "CQ_TEST_POSTGRES_URL";
}

static const char *replicas_env(void)
{
    return "CQ_TEST_POSTGRES_REPLICA_URLS";
}

static const char *ctls_env(void)
{
    return "CQ_TEST_POSTGRES_REPLICA_CTLS";
}

static const char *port_sql(void)
{
    return "SELECT inet_server_port() AS port";
}

static const char *const *view_sql(void)
{
    static const char *const q[] = {
        "CREATE OR REPLACE VIEW cq_whoami AS SELECT inet_server_port() AS port", NULL
    };
    return q;
}

static void pause_replay(cq_db *replica)
{
    CQ_ASSERT_OK(replica, cq_db_query(NULL, replica, "SELECT pg_wal_replay_pause()", NULL, NULL));
    /* the pause takes effect when the replica applies its next WAL record, which an idle
     * primary may not write for seconds: the primary commits a transaction id while we wait */
    cq_db *primary = open_direct(env.writer);
    for (int k = 0; k < 400; k++) {
        cq_value *rows = NULL;
        CQ_ASSERT_OK(
            replica,
            cq_db_query(&rows, replica, "SELECT pg_get_wal_replay_pause_state() AS s", NULL, NULL));
        bool paused =
            strcmp(cq_value_as_text(cq_value_object_get(cq_value_array_get(rows, 0), "s")),
                   "paused") == 0;
        cq_value_free(rows);
        if (paused) {
            cq_db_close(primary);
            return;
        }
        CQ_ASSERT_OK(primary, cq_db_query(NULL, primary, "SELECT txid_current()", NULL, NULL));
        cq_test_sleep_ms(10);
    }
    fail_msg("the replica's replay did not pause");
}

static void resume_replay(cq_db *replica)
{
    CQ_ASSERT_OK(replica, cq_db_query(NULL, replica, "SELECT pg_wal_replay_resume()", NULL, NULL));
}

/* The primary's insert position, not its write position: the test servers commit without
 * waiting for the WAL (synchronous_commit off), so a commit's record may not be written yet
 * when the call returns. */
static void catch_up(cq_db *primary, cq_db *replica)
{
    cq_value *lsn = answer(primary, "SELECT pg_current_wal_insert_lsn()::text", NULL);
    for (int k = 0; k < 400; k++) {
        cq_value *done =
            answer(replica,
                   "SELECT CASE WHEN pg_last_wal_replay_lsn() >= ?::pg_lsn THEN 1 ELSE 0 END", lsn);
        bool replayed = cq_value_as_int(cq_value_array_get(done, 0)) == 1;
        cq_value_free(done);
        if (replayed) {
            cq_value_free(lsn);
            return;
        }
        /* an idle primary may write nothing more: a record that ends on a page boundary puts
         * the insert position past the next page's header, which replay reaches only with the
         * next record, so the primary commits a transaction id while we wait */
        cq_value_free(answer(primary, "SELECT txid_current()", NULL));
        cq_test_sleep_ms(25);
    }
    fail_msg("the replica did not replay the primary's WAL in 10 s");
}

/* libpq's multi-host URL with target_session_attrs=read-write passes through: a host where
 * nothing listens, a replica (read-only: passed over), then the primary. */
static void test_replication__write_host_list(void **state)
{
    (void)state;
    const char *w = env.writer; /* postgres://postgres@127.0.0.1:PORT/postgres */
    const char *at = strchr(w, '@');
    const char *slash = strchr(at, '/');
    assert_non_null(at);
    assert_non_null(slash);
    char url[1024];
    snprintf(url, sizeof url, "%.*s127.0.0.1:1,127.0.0.1:%ld,%s%starget_session_attrs=read-write",
             (int)(at + 1 - w), w, env.replica_port[0], at + 1, strchr(w, '?') ? "&" : "?");
    check_write_host_list(url);
}

int main(void)
{
    return run_replication_cases("replication_postgres", test_replication__write_host_list,
                                 "test_replication__write_host_list");
}
