# bulkCreate with include (include.md B7): one multi-row INSERT per table and level, on SQLite
# and PostgreSQL; the trees read back whole.
source "$2/_lib.bash" "$@"
script="$INPUT/bulk_include.json"
expect_run bulk_include 0 run "$script"
check_order() { # $1: a --log output
    local got
    got=$(grep -o 'INSERT INTO [`"][a-z_]*[`"]' "$1" | tr -d '`"' | awk '{print $3}' | tr '\n' ' ')
    [ "$got" = "users addresses products tags labels product_labels " ] ||
        fail "INSERT order: $got"
}
"$CQ" run "$script" --log >/dev/null 2>"$TMP/sqlite.log" || fail "sqlite run failed"
check_order "$TMP/sqlite.log"
expect_run_postgres bulk_include "$script"
[ ! -f "$TMP/bulk_include.pg.log" ] || check_order "$TMP/bulk_include.pg.log"
expect_run_mysql bulk_include "$script"
[ ! -f "$TMP/bulk_include.my.log" ] || check_order "$TMP/bulk_include.my.log"
finish
