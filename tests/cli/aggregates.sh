# count/max/min/sum/aggregate steps: the same results on SQLite, PostgreSQL and MySQL.
source "$2/_lib.bash" "$@"
script="$INPUT/aggregates.json"
expect_run aggregates 0 run "$script"
expect_run_postgres aggregates "$script"
expect_run_mysql aggregates "$script"
finish
