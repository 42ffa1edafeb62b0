/* Read replication on MariaDB: a primary (binary log) and one replica started by
 * scripts/test-servers (skipped without them). See replication_cases.h; with one read server,
 * a read whose server is down goes to the write server. */
#include "replication_cases.h"

static const char *writer_url_env(void)
{
    return "CQ_TEST_MYSQL_URL";
}

static const char *replicas_env(void)
{
    return "CQ_TEST_MYSQL_REPLICA_URL";
}

static const char *ctls_env(void)
{
    return "CQ_TEST_MYSQL_REPLICA_CTL";
}

static const char *port_sql(void)
{
    return "SELECT @@port AS port";
}

/* a view may not name a system variable; a function may */
static const char *const *view_sql(void)
{
    static const char *const q[] = {
        "CREATE OR REPLACE FUNCTION cq_port() RETURNS INT NOT DETERMINISTIC NO SQL RETURN @@port",
        "CREATE OR REPLACE VIEW cq_whoami AS SELECT cq_port() AS port", NULL
    };
    return q;
}

static void pause_replay(cq_db *replica)
{
    /* returns once the applier thread has stopped */
    CQ_ASSERT_OK(replica, cq_db_query(NULL, replica, "STOP SLAVE SQL_THREAD", NULL, NULL));
}

static void resume_replay(cq_db *replica)
{
    CQ_ASSERT_OK(replica, cq_db_query(NULL, replica, "START SLAVE SQL_THREAD", NULL, NULL));
}

static void catch_up(cq_db *primary, cq_db *replica)
{
    cq_value *pos = answer(primary, "SELECT @@gtid_binlog_pos", NULL);
    /* 0 once the replica has applied that position; -1 after the 10 s timeout */
    cq_value *r = answer(replica, "SELECT MASTER_GTID_WAIT(?, 10)", pos);
    assert_int_equal(cq_value_as_int(cq_value_array_get(r, 0)), 0);
    cq_value_free(r);
    cq_value_free(pos);
}

/* A write-host list is tried in order: a host where nothing listens, then the server. */
static void test_replication__write_host_list(void **state)
{
    (void)state;
    const char *w = env.writer; /* mysql://root@127.0.0.1:PORT/db */
    const char *at = strchr(w, '@');
    assert_non_null(at);
    char url[1024];
    /* port 1 on loopback: nothing listens there */
    snprintf(url, sizeof url, "%.*s127.0.0.1:1,%s", (int)(at + 1 - w), w, at + 1);
    check_write_host_list(url);
}

int main(void)
{
    return run_replication_cases("replication_mysql", test_replication__write_host_list,
                                 "test_replication__write_host_list");
}
