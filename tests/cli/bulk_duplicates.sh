# bulkCreate updateOnDuplicate / ignoreDuplicates: the same rows on SQLite, PostgreSQL and
# MySQL.
source "$2/_lib.bash" "$@"
script="$INPUT/bulk_duplicates.json"
expect_run bulk_duplicates 0 run "$script"
expect_run_postgres bulk_duplicates "$script"
expect_run_mysql bulk_duplicates "$script"
finish
