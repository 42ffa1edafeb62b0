# count with an include and distinct, col or group: the same results on SQLite, PostgreSQL and MySQL.
source "$2/_lib.bash" "$@"
script="$INPUT/count_include.json"
expect_run count_include 0 run "$script"
expect_run_postgres count_include "$script"
expect_run_mysql count_include "$script"
finish
