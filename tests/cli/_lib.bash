# Helpers for the CLI tests (sourced; not a test itself: CTest runs tests/cli/*.sh).
# Usage in a test:  source "$2/_lib.bash" "$@"  then  run_case / expect_* ... ; finish
set -u
CQ="$1"          # the cequel binary
DIR="$2"         # tests/cli
EXPECTED="$DIR/expected"
INPUT="$DIR/input"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
FAILED=0

fail() {
    echo "FAIL: $*" >&2
    FAILED=1
}

# Replaces what differs between runs: timestamps by <timestamp>, UUIDs by <uuid>.
mask() {
    sed -E -e 's/"(createdAt|updatedAt|created_at|updated_at|created_on|deletedAt|deleted_at|removedAt)":"[^"]*"/"\1":"<timestamp>"/g' \
        -e 's/"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"/"<uuid>"/g'
}

# expect_run NAME EXIT ARGS...: runs cequel ARGS, compares masked stdout with
# expected/NAME.out and the exit status with EXIT.
expect_run() {
    local name="$1" want="$2"
    shift 2
    local got=0
    "$CQ" "$@" >"$TMP/$name.raw" 2>"$TMP/$name.err" || got=$?
    mask <"$TMP/$name.raw" >"$TMP/$name.out"
    if [ "$got" != "$want" ]; then
        fail "$name: exit $got, expected $want"
        sed 's/^/  stderr: /' "$TMP/$name.err" >&2
    fi
    if ! diff -u "$EXPECTED/$name.out" "$TMP/$name.out" >&2; then
        fail "$name: output differs from expected/$name.out"
    fi
}

# expect_error EXIT MESSAGE ARGS...: cequel ARGS must exit EXIT, print nothing on stdout
# and exactly MESSAGE (one line) on stderr.
expect_error() {
    local want="$1" msg="$2"
    shift 2
    local got=0
    "$CQ" "$@" >"$TMP/e.out" 2>"$TMP/e.err" || got=$?
    [ "$got" = "$want" ] || fail "cequel $*: exit $got, expected $want"
    [ ! -s "$TMP/e.out" ] || fail "cequel $*: unexpected stdout: $(cat "$TMP/e.out")"
    local err
    err="$(cat "$TMP/e.err")"
    [ "$err" = "$msg" ] || fail "cequel $*: stderr
  got:      $err
  expected: $msg"
}

# schema_error MESSAGE JSON: `describe` on a schema file holding JSON must exit 2 with
# "cequel: <file>: MESSAGE".
schema_error() {
    printf '%s' "$2" >"$TMP/schema.json"
    expect_error 2 "cequel: $TMP/schema.json: $1" describe --schema "$TMP/schema.json"
}

# script_error MESSAGE JSON: `run` on a script holding JSON must exit 2 with "cequel: MESSAGE".
script_error() {
    printf '%s' "$2" >"$TMP/script.json"
    expect_error 2 "cequel: $1" run "$TMP/script.json"
}

# mysql_database PREFIX: a database PREFIX_<pid> of its own on the server of
# CQ_TEST_MYSQL_URL (mysql://user[:pass]@host[:port]/db), created with the client $client
# (mariadb or mysql) and dropped on exit; sets `db` to its URL and defines `admin SQL` (SQL run
# with the client). Returns 1 when the database cannot be created.
mysql_database() {
    local url=$CQ_TEST_MYSQL_URL
    rest=${url#*://}
    rest=${rest%%\?*}
    hostport=${rest%%/*}
    auth=""
    case "$hostport" in *@*)
        auth=${hostport%@*}
        hostport=${hostport##*@}
        ;;
    esac
    user=${auth%%:*}
    pass=""
    case "$auth" in *:*) pass=${auth#*:} ;; esac
    port=3306
    case "$hostport" in *:*) port=${hostport##*:} ;; esac
    dbname="$1_$$"
    admin() {
        MYSQL_PWD="$pass" "$client" --no-defaults --protocol=tcp -h "${hostport%:*}" -P "$port" \
            ${user:+-u "$user"} -e "$1"
    }
    trap 'admin "DROP DATABASE IF EXISTS \`$dbname\`" || true; rm -rf "$TMP"' EXIT
    db="${url%%://*}://${rest%%/*}/$dbname"
    admin "DROP DATABASE IF EXISTS \`$dbname\`; CREATE DATABASE \`$dbname\` CHARACTER SET utf8mb4"
}

# expect_sync_round_trip DB: `sync` of input/shop.json on DB, a `run` adding rows, a second
# `sync` keeping them, `sync --force` emptying the tables (expected/sync_*.out); leaves the
# scripts in $TMP/add.json and $TMP/count.json.
expect_sync_round_trip() {
    local db="$1"
    expect_run sync_empty 0 sync --schema "$INPUT/shop.json" --db "$db"
    cat >"$TMP/add.json" <<'JSON'
{ "steps": [
  { "create": "customer", "values": { "email": "a@example.com", "name": null }, "as": "a" },
  { "create": "order", "values": { "total": 3, "customerId": { "$ref": "a.id" } } },
  { "count": "order" }
] }
JSON
    expect_run sync_add 0 run "$TMP/add.json" --schema "$INPUT/shop.json" --db "$db"
    cat >"$TMP/count.json" <<'JSON'
{ "steps": [ { "count": "customer" }, { "count": "order" } ] }
JSON
    expect_run sync_count_kept 0 run "$TMP/count.json" --schema "$INPUT/shop.json" --db "$db"
    expect_run sync_empty 0 sync --schema "$INPUT/shop.json" --db "$db" --force
    expect_run sync_count_forced 0 run "$TMP/count.json" --schema "$INPUT/shop.json" --db "$db"
}

finish() {
    if [ "$FAILED" != 0 ]; then
        echo "some checks failed" >&2
        exit 1
    fi
    echo "ok"
}

# expect_run_postgres NAME SCRIPT: when CQ_TEST_POSTGRES_URL is set (scripts/test-servers),
# runs `cequel run SCRIPT --log` in a fresh PostgreSQL database and compares its masked
# stdout with expected/NAME.out, as expect_run does on SQLite; the log is left in
# $TMP/NAME.pg.log. Under CI a missing server fails the test; otherwise this is a no-op.
expect_run_postgres() {
    local name="$1" script="$2"
    if [ -z "${CQ_TEST_POSTGRES_URL:-}" ] || ! command -v psql >/dev/null 2>&1; then
        if [ -n "${CI:-}" ] && [ "${CI:-}" != false ]; then
            fail "$name: CQ_TEST_POSTGRES_URL is not set (or no psql) under CI"
        fi
        return 0
    fi
    local db="cq_cli_${name}_$$" base="${CQ_TEST_POSTGRES_URL%/*}"
    psql -X -q -d "$CQ_TEST_POSTGRES_URL" -c "CREATE DATABASE $db" >/dev/null || {
        fail "$name: cannot create database $db"
        return 0
    }
    "$CQ" run "$script" --db "$base/$db" --log >"$TMP/$name.pg.raw" 2>"$TMP/$name.pg.log" ||
        fail "$name: postgres run failed: $(tail -3 "$TMP/$name.pg.log")"
    mask <"$TMP/$name.pg.raw" >"$TMP/$name.pg.out"
    diff -u "$EXPECTED/$name.out" "$TMP/$name.pg.out" >&2 || fail "$name: postgres output differs"
    psql -X -q -d "$CQ_TEST_POSTGRES_URL" -c "DROP DATABASE $db" >/dev/null || fail "$name: dropdb"
}

# expect_run_mysql NAME SCRIPT: the same on MySQL/MariaDB when CQ_TEST_MYSQL_URL is set and the
# build has the MySQL driver (a database of its own, made with the mariadb client); the log is
# left in $TMP/NAME.my.log.
expect_run_mysql() {
    local name="$1" script="$2" url="${CQ_TEST_MYSQL_URL:-}"
    local client
    client=$(command -v mariadb || command -v mysql || true)
    if [ -z "$url" ] || [ -z "$client" ]; then
        if [ -n "${CI:-}" ] && [ "${CI:-}" != false ]; then
            fail "$name: CQ_TEST_MYSQL_URL is not set (or no mariadb client) under CI"
        fi
        return 0
    fi
    "$CQ" run "$script" --db "mysql:nothing" 2>&1 | grep -q "MySQL URL" || return 0 # no driver
    local rest="${url#*://}" auth="" hostport user pass="" port=3306
    rest="${rest%%\?*}"
    hostport="${rest%%/*}"
    case "$hostport" in *@*)
        auth="${hostport%@*}"
        hostport="${hostport##*@}"
        ;;
    esac
    user="${auth%%:*}"
    case "$auth" in *:*) pass="${auth#*:}" ;; esac
    case "$hostport" in *:*) port="${hostport##*:}" ;; esac
    local db="cq_cli_${name}_$$"
    my_admin() {
        MYSQL_PWD="$pass" "$client" --no-defaults --protocol=tcp -h "${hostport%:*}" -P "$port" \
            ${user:+-u "$user"} -e "$1"
    }
    my_admin "CREATE DATABASE \`$db\` CHARACTER SET utf8mb4" || {
        fail "$name: cannot create database $db"
        return 0
    }
    "$CQ" run "$script" --db "${url%%://*}://${rest%%/*}/$db" --log >"$TMP/$name.my.raw" \
        2>"$TMP/$name.my.log" || fail "$name: mysql run failed: $(tail -3 "$TMP/$name.my.log")"
    mask <"$TMP/$name.my.raw" >"$TMP/$name.my.out"
    diff -u "$EXPECTED/$name.out" "$TMP/$name.my.out" >&2 || fail "$name: mysql output differs"
    my_admin "DROP DATABASE \`$db\`" || fail "$name: dropdb"
}
