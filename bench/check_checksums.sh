#!/usr/bin/env bash
# CTest bench.checksums (label bench; nothing is timed): runs raw_c and cequel_bench at a small
# N on SQLite, and on PostgreSQL when CQ_TEST_POSTGRES_URL is set, and checks that
#   - every workload's checksum is the same for both programs,
#   - and equals the reference values of shared/bench/WORKLOAD.md for that N,
#   - the two SQLite databases have the same schema and the same rows (timestamps aside).
# usage: check_checksums.sh RAW_C CEQUEL_BENCH WORKDIR
set -euo pipefail
raw="$1" cq="$2" work="$3"
N=${BENCH_CHECK_N:-200}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cq-bench-check.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
failed=0
fail() {
    echo "FAIL: $*" >&2
    failed=1
}

# WORKLOAD.md section 5, N = 200
declare -A want=(
    [setup]=6
    [W1]=200/200/1000/2000/50/3000/2542975
    [W2]=200/200/1000/2000/3000/468470/12800
    [W2S]=200/200/1000/2000/3000/468470/12800
    [W3]=200/1000/2000/249880
    [W4]=1000/1000
    [W5]=20000/2011838/497892
)

# checksums PROGRAM ARGS...: "<workload> <checksum>" per line
checksums() {
    local out
    out=$("$@" 2>"$tmp/stderr") || {
        fail "$* exited with $?: $(cat "$tmp/stderr")"
        return 0
    }
    sed -E 's/.*"workload":"([^"]*)".*"checksum":"([^"]*)".*/\1 \2/' <<<"$out"
}

compare() { # compare DIALECT RAW_OUT CQ_OUT
    local d="$1"
    if ! diff -u "$2" "$3" >&2; then
        fail "$d: cequel's checksums differ from raw-c's"
    fi
    [ "$(wc -l <"$2")" = 7 ] || fail "$d: expected 7 result lines, got $(wc -l <"$2")"
    if [ "$N" = 200 ]; then
        while read -r w sum; do
            [ "${want[$w]:-}" = "$sum" ] || fail "$d: $w checksum $sum, WORKLOAD.md says ${want[$w]:-?}"
        done <"$2"
    fi
    echo "$d: $(tr '\n' ' ' <"$2")"
}

checksums "$raw" --dialect sqlite --n "$N" --db "$tmp/raw.sqlite" >"$tmp/raw.sqlite.out"
checksums "$cq" --dialect sqlite --n "$N" --db "$tmp/cq.sqlite" >"$tmp/cq.sqlite.out"
compare sqlite "$tmp/raw.sqlite.out" "$tmp/cq.sqlite.out"

# the databases themselves: same schema, same rows apart from the timestamps
if command -v sqlite3 >/dev/null 2>&1; then
    [ "$(sqlite3 "$tmp/raw.sqlite" .schema)" = "$(sqlite3 "$tmp/cq.sqlite" .schema)" ] ||
        fail "sqlite: the schemas differ"
    for q in "SELECT id, username, email FROM users ORDER BY id" \
        "SELECT id, bio, userId FROM profiles ORDER BY id" \
        "SELECT id, title, body, userId FROM posts ORDER BY id" \
        "SELECT id, body, postId FROM comments ORDER BY id" \
        "SELECT id, name FROM tags ORDER BY id" \
        "SELECT postId, tagId FROM post_tag ORDER BY postId, tagId"; do
        [ "$(sqlite3 "$tmp/raw.sqlite" "$q" | md5sum)" = "$(sqlite3 "$tmp/cq.sqlite" "$q" | md5sum)" ] ||
            fail "sqlite: rows differ for: $q"
    done
fi

# PostgreSQL: a database of its own (other tests share the server), created and dropped here
if [ -n "${CQ_TEST_POSTGRES_URL:-}" ] && command -v psql >/dev/null 2>&1; then
    db="cq_bench_$$"
    base="${CQ_TEST_POSTGRES_URL%/*}"
    admin() { psql -X -q -v ON_ERROR_STOP=1 -d "$CQ_TEST_POSTGRES_URL" -c "$1" >/dev/null; }
    if admin "CREATE DATABASE \"$db\""; then
        trap 'admin "DROP DATABASE IF EXISTS \"$db\"" 2>/dev/null || true; rm -rf "$tmp"' EXIT
        checksums "$raw" --dialect postgres --n "$N" --db "$base/$db" >"$tmp/raw.pg.out"
        checksums "$cq" --dialect postgres --n "$N" --db "$base/$db" >"$tmp/cq.pg.out"
        compare postgres "$tmp/raw.pg.out" "$tmp/cq.pg.out"
    else
        fail "postgres: cannot create database $db on CQ_TEST_POSTGRES_URL"
    fi
elif [ -n "${CQ_TEST_POSTGRES_URL:-}" ]; then
    fail "postgres: CQ_TEST_POSTGRES_URL is set but psql is missing"
else
    echo "postgres: CQ_TEST_POSTGRES_URL not set, not checked"
fi
[ "$failed" = 0 ] || exit 1
echo ok
