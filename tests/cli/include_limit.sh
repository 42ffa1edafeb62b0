# Include with limit and order (include.md A6), on SQLite and PostgreSQL.
source "$2/_lib.bash" "$@"
script="$INPUT/include_limit.json"
expect_run include_limit 0 run "$script"
"$CQ" run "$script" --log >/dev/null 2>"$TMP/sqlite.log" || fail "sqlite run failed"
# one statement per include level: users, the tasks of every user (UNION ALL), their comments
n=$(grep -c 'UNION ALL' "$TMP/sqlite.log")
[ "$n" = 3 ] || fail "expected 3 UNION ALL statements, got $n"
expect_run_postgres include_limit "$script"
expect_run_mysql include_limit "$script"
finish
