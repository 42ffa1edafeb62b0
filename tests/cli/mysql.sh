# `cequel sync` and `cequel run` against MySQL/MariaDB (CQ_TEST_MYSQL_URL, started by
# scripts/test-servers): the same outputs as on SQLite (sync.sh), in a database of its own made
# with the mariadb client. Skips (77) without a server, except under CI.
source "$2/_lib.bash" "$@"
url=${CQ_TEST_MYSQL_URL:-}
client=$(command -v mariadb || command -v mysql || true)
if [ -z "$url" ] || [ -z "$client" ]; then
    if [ -n "${CI:-}" ] && [ "${CI:-}" != false ]; then
        echo "FAIL: CQ_TEST_MYSQL_URL or the mariadb client missing under CI" >&2
        exit 1
    fi
    echo "skipped: CQ_TEST_MYSQL_URL not set (run through scripts/test-servers)"
    exit 77
fi
if ! "$CQ" run "$INPUT/steps.json" --db "${url%%:*}:nothing" 2>&1 | grep -q "MySQL URL"; then
    echo "skipped: this build has no MySQL driver"
    exit 77
fi

mysql_database cq_cli || exit 1
expect_sync_round_trip "$db"

# --golden: the canonical dump read from information_schema, as on SQLite except for the
# unspecified ON UPDATE, which MySQL reports as RESTRICT (docs/dump.md, "MySQL")
expect_run mysql_golden 0 run "$TMP/add.json" --schema "$INPUT/shop.json" --db "$db" --golden
"$CQ" sync --schema "$INPUT/shop.json" --db "sqlite:$TMP/same.db" >/dev/null 2>&1 ||
    fail "sync on SQLite failed"
"$CQ" run "$TMP/add.json" --schema "$INPUT/shop.json" --db "sqlite:$TMP/same.db" --golden \
    >"$TMP/sqlite_golden.out" 2>&1
diff "$TMP/sqlite_golden.out" "$TMP/mysql_golden.out" >"$TMP/golden.diff"
[ "$(grep -c '^[<>]' "$TMP/golden.diff")" = 2 ] &&
    grep -q '^< .*"onUpdate": "NO ACTION"' "$TMP/golden.diff" &&
    grep -q '^> .*"onUpdate": "RESTRICT"' "$TMP/golden.diff" ||
    fail "--golden on MySQL and SQLite differ beyond onUpdate: $(cat "$TMP/golden.diff")"

# the SQL goes to the server as MySQL: backquoted identifiers, ? placeholders, START TRANSACTION
sed 's/a@example.com/b@example.com/' "$TMP/add.json" >"$TMP/add_b.json"
"$CQ" run "$TMP/add_b.json" --schema "$INPUT/shop.json" --db "$db" --log >/dev/null 2>"$TMP/log.err" ||
    fail "run --log failed: $(cat "$TMP/log.err")"
grep -qF 'Executing (default): INSERT INTO `customers`' "$TMP/log.err" ||
    fail "--log: no INSERT INTO \`customers\`"
# a unique violation comes back as the server reports it, with cequel's code
cat >"$TMP/dup.json" <<'JSON'
{ "steps": [ { "create": "customer", "values": { "email": "a@example.com" } } ] }
JSON
"$CQ" run "$TMP/dup.json" --schema "$INPUT/shop.json" --db "$db" >"$TMP/dup.out" 2>&1
grep -qF '"code":"CQ_EUNIQUE","message":"Duplicate entry '"'"'a@example.com'"'"' for key' \
    "$TMP/dup.out" || fail "duplicate email: $(cat "$TMP/dup.out")"
finish
