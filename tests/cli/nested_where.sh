# `$include.attr$` keys in a top-level where (include.md A2), on SQLite and PostgreSQL.
source "$2/_lib.bash" "$@"
script="$INPUT/nested_where.json"
expect_run nested_where 0 run "$script"
"$CQ" run "$script" --log >/dev/null 2>"$TMP/sqlite.log" || fail "sqlite run failed"
grep -qF 'WHERE `user->company`.`name` = ?; ["acme"]' "$TMP/sqlite.log" || fail "nested path: $(cat "$TMP/sqlite.log")"
expect_run_postgres nested_where "$script"
expect_run_mysql nested_where "$script"
finish
