#!/usr/bin/env bash
# The blog example (examples/blog/) prints exactly blog.out, the lines its Sequelize twin
# blog.js prints, on SQLite and, when scripts/test-servers started them, on PostgreSQL and
# MySQL/MariaDB (each in a fresh database of its own). Under ASan the example's own frees are
# checked too: LeakSanitizer fails the run on a leak.
# Usage: blog.sh BLOG_BINARY EXAMPLES_BLOG_DIR
set -u
BLOG="$1"
DIR="$2"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
FAILED=0
ci() { [ -n "${CI:-}" ] && [ "${CI:-}" != false ]; }
fail() {
    echo "FAIL: $*" >&2
    FAILED=1
}

run() { # run NAME URL
    if ! "$BLOG" "$DIR/blog.json" "$2" >"$TMP/$1.out" 2>"$TMP/$1.err"; then
        fail "$1: blog exited with an error: $(tail -3 "$TMP/$1.err")"
        return
    fi
    diff -u "$DIR/blog.out" "$TMP/$1.out" >&2 || fail "$1: output differs from blog.out"
    echo "blog: $1 ok ($(wc -l <"$TMP/$1.out") lines)"
}

run sqlite "sqlite::memory:"

if [ -n "${CQ_TEST_POSTGRES_URL:-}" ] && command -v psql >/dev/null 2>&1; then
    db="cq_blog_$$"
    if psql -X -q -d "$CQ_TEST_POSTGRES_URL" -c "CREATE DATABASE $db" >/dev/null; then
        run postgres "${CQ_TEST_POSTGRES_URL%/*}/$db"
        psql -X -q -d "$CQ_TEST_POSTGRES_URL" -c "DROP DATABASE $db" >/dev/null || fail "dropdb"
    else
        fail "postgres: cannot create database $db"
    fi
elif ci; then
    fail "CQ_TEST_POSTGRES_URL is not set (or no psql) under CI"
fi

url="${CQ_TEST_MYSQL_URL:-}"
client=$(command -v mariadb || command -v mysql || true)
if [ -n "$url" ] && [ -n "$client" ]; then
    rest="${url#*://}"
    rest="${rest%%\?*}"
    hostport="${rest%%/*}"
    auth=""
    case "$hostport" in *@*)
        auth="${hostport%@*}"
        hostport="${hostport##*@}"
        ;;
    esac
    user="${auth%%:*}" pass="" port=3306
    case "$auth" in *:*) pass="${auth#*:}" ;; esac
    case "$hostport" in *:*) port="${hostport##*:}" ;; esac
    my_admin() {
        MYSQL_PWD="$pass" "$client" --no-defaults --protocol=tcp -h "${hostport%:*}" -P "$port" \
            ${user:+-u "$user"} -e "$1"
    }
    db="cq_blog_$$"
    if my_admin "CREATE DATABASE \`$db\` CHARACTER SET utf8mb4"; then
        run mysql "${url%%://*}://${rest%%/*}/$db"
        my_admin "DROP DATABASE \`$db\`" || fail "mysql: dropdb"
    else
        fail "mysql: cannot create database $db"
    fi
elif ci; then
    fail "CQ_TEST_MYSQL_URL is not set (or no mariadb client) under CI"
fi
exit $FAILED
