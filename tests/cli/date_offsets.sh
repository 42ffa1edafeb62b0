# DATE values with an offset or as epoch milliseconds, stored in UTC: SQLite, PostgreSQL, MySQL.
source "$2/_lib.bash" "$@"
script="$INPUT/date_offsets.json"
expect_run date_offsets 0 run "$script"
expect_run_postgres date_offsets "$script"
expect_run_mysql date_offsets "$script"
finish
