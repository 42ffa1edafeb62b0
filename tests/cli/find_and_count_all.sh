# findAndCountAll: {count, rows}, on SQLite and PostgreSQL.
source "$2/_lib.bash" "$@"
script="$INPUT/find_and_count_all.json"
expect_run find_and_count_all 0 run "$script"
expect_run_postgres find_and_count_all "$script"
expect_run_mysql find_and_count_all "$script"
finish
