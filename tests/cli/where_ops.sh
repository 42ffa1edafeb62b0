# Where operators and JSON paths from a script: the same results on SQLite, PostgreSQL and
# MySQL.
source "$2/_lib.bash" "$@"
script="$INPUT/where_ops.json"
expect_run where_ops 0 run "$script"
expect_run_postgres where_ops "$script"
expect_run_mysql where_ops "$script"
finish
