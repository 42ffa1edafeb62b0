#!/usr/bin/env bash
# Conformance suite: every Sequelize v6 scenario of the conformance reference, re-expressed as
# a `cequel run` script (scripts/NN-name.json), is run with `cequel run --golden` on a fresh
# in-memory SQLite database, when CQ_TEST_POSTGRES_URL is set on a fresh PostgreSQL database,
# and when CQ_TEST_MYSQL_URL is set on a fresh MySQL/MariaDB database; the document it prints
# ({dump, result}, see docs/dump.md) must be byte-identical to the golden recorded from
# Sequelize on that dialect (golden/NN-name.DIALECT.json), or to cequel's own expected file
# next to it (golden/NN-name.DIALECT.cequel.json) for the scenarios that DEVIATIONS.md lets
# differ. Sequelize's goldens have no MySQL column: on MySQL the expected document is the
# PostgreSQL one (cequel's PostgreSQL expected file when there is one), or
# golden/NN-name.mysql.cequel.json where MySQL itself differs (golden/README.md explains
# every such difference).
#
# manifest.txt gives every scenario a state per dialect: `pass`, `pending`, or `runs` (the
# script must run to completion, exit 0, without comparing its output). The suite fails when
# a `pass` scenario does not match or a `runs` one fails; a `pending` one that matches is
# reported so it can be promoted.
#
# PostgreSQL: CQ_TEST_POSTGRES_URL (postgres://user@host:port/db, a user who may create
# databases) names the server; each scenario runs in a database of its own,
# cq_conf_<pid>_<NN>, created and dropped with psql (on CQ_TEST_POSTGRES_ADMIN_URL when set:
# conformance.pgbouncer runs the PostgreSQL column through PgBouncer that way). MySQL: likewise with CQ_TEST_MYSQL_URL
# (mysql://user[:pass]@host[:port]/db) and the mariadb (or mysql) client. Without a variable
# its column is skipped (under CI, CI set and not "false", that is an error: CI must not pass
# by skipping).
#
# usage: run.sh CEQUEL [-v|--verbose] [--keep DIR] [--dialect NAME] [PATTERN]
#   CEQUEL      path to the cequel binary
#   -v          show the first lines of each difference
#   --keep DIR  write every produced document to DIR/NN-name.DIALECT.json
#   --dialect   sqlite, postgres, mysql, both (sqlite and postgres) or all (the default)
#   PATTERN     only scenarios whose name contains PATTERN
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cequel=""
verbose=0
keep=""
pattern=""
dialects="sqlite postgres mysql"
while [ $# -gt 0 ]; do
    case "$1" in
    -v | --verbose) verbose=1 ;;
    --keep)
        shift
        keep=${1:?--keep needs a directory}
        ;;
    --dialect)
        shift
        case "${1:-}" in
        sqlite | postgres | mysql) dialects=$1 ;;
        both) dialects="sqlite postgres" ;;
        all) dialects="sqlite postgres mysql" ;;
        *)
            echo "run.sh: --dialect takes sqlite, postgres, mysql, both or all" >&2
            exit 2
            ;;
        esac
        ;;
    -h | --help)
        sed -n '2,32p' "$0" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    *)
        if [ -z "$cequel" ]; then cequel=$1; else pattern=$1; fi
        ;;
    esac
    shift
done
if [ -z "$cequel" ] || [ ! -x "$cequel" ]; then
    echo "run.sh: give the path to the cequel binary (got '${cequel}')" >&2
    exit 2
fi
if ! "$cequel" --help 2>&1 | grep -q -- '--golden'; then
    echo "run.sh: $cequel has no 'run --golden'" >&2
    exit 2
fi
[ -n "$keep" ] && mkdir -p "$keep"

in_ci() { [ -n "${CI:-}" ] && [ "${CI:-}" != false ]; }

# ---- PostgreSQL: one database per scenario -------------------------------------------------

pg_url=${CQ_TEST_POSTGRES_URL:-}
pg_skip="" # why the PostgreSQL column does not run, empty when it does
case " $dialects " in
*" postgres "*)
    if [ -z "$pg_url" ]; then
        pg_skip="CQ_TEST_POSTGRES_URL not set"
    elif ! command -v psql >/dev/null 2>&1; then
        pg_skip="psql not found"
    fi
    ;;
*) pg_skip="not asked for" ;;
esac
if [ -n "$pg_skip" ] && [ "$pg_skip" != "not asked for" ] && in_ci; then
    echo "run.sh: PostgreSQL conformance cannot run under CI: $pg_skip" >&2
    exit 1
fi

# `$pg_url` with its database name replaced by $1 (the query string kept)
pg_url_for() {
    local scheme=${pg_url%%://*} rest=${pg_url#*://} query=""
    case "$rest" in *'?'*)
        query="?${rest#*\?}"
        rest=${rest%%\?*}
        ;;
    esac
    echo "${scheme}://${rest%%/*}/$1${query}"
}

# databases are created and dropped on CQ_TEST_POSTGRES_ADMIN_URL when set: a direct URL when
# CQ_TEST_POSTGRES_URL goes through a pooler (tests/support/through-pgbouncer), which keeps
# server connections to a scenario's database after cequel closed its own, so the drop ends
# them (WITH (FORCE), PostgreSQL 13 and later)
pg_admin_url=${CQ_TEST_POSTGRES_ADMIN_URL:-$pg_url}
pg_force=""
[ -n "${CQ_TEST_POSTGRES_ADMIN_URL:-}" ] && pg_force=" WITH (FORCE)"
pg_admin() {
    psql -X -q -v ON_ERROR_STOP=1 -d "$pg_admin_url" -c "$1" >/dev/null 2>"$tmp/psql.err"
}

pg_db="" # the scenario database in use, dropped on exit whatever happens

# ---- MySQL/MariaDB: one database per scenario ------------------------------------------------

my_url=${CQ_TEST_MYSQL_URL:-}
my_client=""
my_skip=""
case " $dialects " in
*" mysql "*)
    my_client=$(command -v mariadb || command -v mysql || true)
    if [ -z "$my_url" ]; then
        my_skip="CQ_TEST_MYSQL_URL not set"
    elif [ -z "$my_client" ]; then
        my_skip="the mariadb (or mysql) client not found"
    fi
    ;;
*) my_skip="not asked for" ;;
esac
if [ -n "$my_skip" ] && [ "$my_skip" != "not asked for" ] && in_ci; then
    echo "run.sh: MySQL conformance cannot run under CI: $my_skip" >&2
    exit 1
fi

# the parts of mysql://user[:pass]@host[:port]/db[?query], percent escapes left alone
my_rest=${my_url#*://}
my_query=""
case "$my_rest" in *'?'*)
    my_query="?${my_rest#*\?}"
    my_rest=${my_rest%%\?*}
    ;;
esac
my_auth=""
my_hostport=${my_rest%%/*}
case "$my_hostport" in *@*)
    my_auth=${my_hostport%@*}
    my_hostport=${my_hostport##*@}
    ;;
esac
my_user=${my_auth%%:*}
my_pass=""
case "$my_auth" in *:*) my_pass=${my_auth#*:} ;; esac
my_host=${my_hostport%:*}
my_port=3306
case "$my_hostport" in *:*) my_port=${my_hostport##*:} ;; esac

my_url_for() { echo "${my_url%%://*}://${my_rest%%/*}/$1${my_query}"; }

my_admin() {
    MYSQL_PWD="$my_pass" "$my_client" --no-defaults --protocol=tcp -h "${my_host:-localhost}" \
        -P "$my_port" ${my_user:+-u "$my_user"} -e "$1" >/dev/null 2>"$tmp/mysql.err"
}

my_db="" # likewise

tmp=$(mktemp -d)
cleanup() {
    if [ -n "$pg_db" ]; then pg_admin "DROP DATABASE IF EXISTS \"$pg_db\"$pg_force" || true; fi
    if [ -n "$my_db" ]; then my_admin "DROP DATABASE IF EXISTS \`$my_db\`" || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT

# ---- one scenario on one dialect ----------------------------------------------------------

total=0
broken=0
promotable=0
declare -A passed=([sqlite]=0 [postgres]=0 [mysql]=0)

# check NAME DIALECT STATUS: runs the script, compares, reports; counts in the globals
check() {
    local name=$1 dialect=$2 status=$3
    local script=$here/scripts/$name.json
    local expected=$here/golden/$name.$dialect.cequel.json
    [ -f "$expected" ] || expected=$here/golden/$name.$dialect.json
    if [ "$dialect" = mysql ] && [ ! -f "$expected" ]; then
        # no Sequelize golden on MySQL: the PostgreSQL expectation is the reference
        expected=$here/golden/$name.postgres.cequel.json
        [ -f "$expected" ] || expected=$here/golden/$name.postgres.json
    fi
    local out=$tmp/$name.$dialect.json err=$tmp/$name.$dialect.err
    local ok=0 rc=-1 db="" url=sqlite::memory:
    : >"$err"
    rm -f "$out"
    if [ ! -f "$script" ] || [ ! -f "$expected" ]; then
        echo "missing script or golden for $name on $dialect" >"$err"
    else
        if [ "$dialect" = postgres ]; then
            db="cq_conf_$$_${name%%-*}"
            pg_db=$db
            url=$(pg_url_for "$db")
            if ! pg_admin "DROP DATABASE IF EXISTS \"$db\"$pg_force" ||
                ! pg_admin "CREATE DATABASE \"$db\""; then
                cat "$tmp/psql.err" >"$err"
                url=""
            fi
        fi
        if [ "$dialect" = mysql ]; then
            db="cq_conf_$$_${name%%-*}"
            my_db=$db
            url=$(my_url_for "$db")
            if ! my_admin "DROP DATABASE IF EXISTS \`$db\`" ||
                ! my_admin "CREATE DATABASE \`$db\` CHARACTER SET utf8mb4"; then
                cat "$tmp/mysql.err" >"$err"
                url=""
            fi
        fi
        if [ -n "$url" ] && [ "$status" = runs ]; then
            # runs: to completion, the output not compared
            "$cequel" run "$script" --db "$url" >"$out" 2>"$err"
            rc=$?
            if [ $rc -eq 0 ]; then ok=1; fi
        elif [ -n "$url" ]; then
            "$cequel" run "$script" --db "$url" --golden >"$out" 2>"$err"
            rc=$?
            if [ $rc -eq 0 ] && cmp -s "$out" "$expected"; then ok=1; fi
        fi
        if [ -n "$db" ] && [ "$dialect" = postgres ]; then
            pg_admin "DROP DATABASE IF EXISTS \"$db\"$pg_force" && pg_db=""
        elif [ -n "$db" ]; then
            my_admin "DROP DATABASE IF EXISTS \`$db\`" && my_db=""
        fi
    fi
    [ -n "$keep" ] && [ -f "$out" ] && cp "$out" "$keep/$name.$dialect.json"
    local label
    label=$(printf '%-9s' "$dialect")
    if [ $ok -eq 1 ] && [ "$status" = runs ]; then
        ran=$((ran + 1))
        echo "ran      $label $name"
        return
    fi
    if [ $ok -eq 1 ]; then
        passed[$dialect]=$((passed[$dialect] + 1))
        if [ "$status" = pass ]; then
            echo "ok       $label $name"
        else
            promotable=$((promotable + 1))
            echo "ok       $label $name (pending on $dialect in manifest.txt: mark it pass)"
        fi
        return
    fi
    if [ "$status" = pass ] || [ "$status" = runs ]; then
        broken=$((broken + 1))
        echo "FAIL     $label $name (exit $rc)"
    else
        echo "pending  $label $name"
    fi
    if [ $verbose -eq 1 ] || [ "$status" = pass ] || [ "$status" = runs ]; then
        head -n 5 "$err" | sed 's/^/         /'
        [ -s "$out" ] && diff -u "$expected" "$out" | sed -n '3,40p' | sed 's/^/         /'
    fi
}

ran=0
while read -r name sqlite_status postgres_status mysql_status _; do
    case "$name" in '' | '#'*) continue ;; esac
    total=$((total + 1))
    case "$name" in *"$pattern"*) ;; *) continue ;; esac
    case " $dialects " in *" sqlite "*) check "$name" sqlite "${sqlite_status:-pending}" ;; esac
    [ -z "$pg_skip" ] && check "$name" postgres "${postgres_status:-pending}"
    [ -z "$my_skip" ] && check "$name" mysql "${mysql_status:-pending}"
done <"$here/manifest.txt"

pg_note=""
[ -n "$pg_skip" ] && pg_note=" (not run: $pg_skip)"
my_note=""
[ -n "$my_skip" ] && my_note=" (not run: $my_skip)"
[ -z "$my_skip" ] && [ $ran -gt 0 ] && my_note=" ($ran more run to completion, output not compared)"
echo "conformance: ${passed[sqlite]}/$total pass on sqlite, ${passed[postgres]}/$total on postgres$pg_note, ${passed[mysql]}/$total on mysql$my_note"
if [ $promotable -gt 0 ]; then
    echo "conformance: $promotable pending scenario(s) pass: promote them in manifest.txt"
fi
if [ $broken -gt 0 ]; then
    echo "conformance: $broken scenario(s) marked pass failed" >&2
    exit 1
fi
exit 0
