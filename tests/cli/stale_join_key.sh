# An association whose join key a later association removed from the join model: every
# accessor and include names the missing attribute (no "out of memory"), nothing is written,
# and the other associations keep working. On SQLite, PostgreSQL and MySQL.
source "$2/_lib.bash" "$@"
script="$INPUT/stale_join_key.json"
expect_run stale_join_key 0 run "$script"
"$CQ" run "$script" --log >/dev/null 2>"$TMP/sqlite.log" || fail "sqlite run failed"
# the refused calls send nothing: no statement names the missing column
if grep -q 'pid' "$TMP/sqlite.log"; then fail "a statement names pid: $(grep pid "$TMP/sqlite.log")"; fi
grep -qi 'out of memory' "$TMP/stale_join_key.out" && fail "out of memory reported"
expect_run_postgres stale_join_key "$script"
expect_run_mysql stale_join_key "$script"
finish
