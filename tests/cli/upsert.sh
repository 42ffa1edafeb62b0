# upsert steps: the same rows on SQLite, PostgreSQL and MySQL.
source "$2/_lib.bash" "$@"
script="$INPUT/upsert.json"
expect_run upsert 0 run "$script"
expect_run_postgres upsert "$script"
expect_run_mysql upsert "$script"
finish
