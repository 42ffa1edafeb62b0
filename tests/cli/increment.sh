# increment/decrement steps: the same results on SQLite, PostgreSQL and MySQL.
source "$2/_lib.bash" "$@"
script="$INPUT/increment.json"
expect_run increment 0 run "$script"
expect_run_postgres increment "$script"
expect_run_mysql increment "$script"
finish
