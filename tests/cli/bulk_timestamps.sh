# bulkCreate keeps the timestamps a row gives, create stamps updatedAt: SQLite, PostgreSQL, MySQL.
source "$2/_lib.bash" "$@"
script="$INPUT/bulk_timestamps.json"
expect_run bulk_timestamps 0 run "$script"
expect_run_postgres bulk_timestamps "$script"
expect_run_mysql bulk_timestamps "$script"
finish
