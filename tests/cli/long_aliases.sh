# Long include paths (include.md A9): every alias cequel sends stays within 63 bytes and the
# three-level tree comes back whole, on SQLite and, when CQ_TEST_POSTGRES_URL is set, on
# PostgreSQL (where v6 corrupts the keys or fails on a clash of cut aliases).
source "$2/_lib.bash" "$@"
script="$INPUT/long_aliases.json"
check_aliases() { # $1: the --log output
    local long
    long=$(grep -o 'AS [`"][^`"]*[`"]' "$1" | awk 'length($0) > 63 + 5' || true)
    [ -z "$long" ] || fail "aliases over 63 bytes: $long"
}
expect_run long_aliases 0 run "$script"
"$CQ" run "$script" --log >/dev/null 2>"$TMP/sqlite.log" || fail "sqlite run failed"
check_aliases "$TMP/sqlite.log"
grep -q '_[0-9a-f]\{8\}[`"]' "$TMP/sqlite.log" || fail "no shortened alias in: $(cat "$TMP/sqlite.log")"
expect_run_postgres long_aliases "$script"
[ ! -f "$TMP/long_aliases.pg.log" ] || check_aliases "$TMP/long_aliases.pg.log"
expect_run_mysql long_aliases "$script"
[ ! -f "$TMP/long_aliases.my.log" ] || check_aliases "$TMP/long_aliases.my.log"
finish
