# findOrCreate / findCreateFind steps: the same results on SQLite, PostgreSQL and MySQL.
source "$2/_lib.bash" "$@"
script="$INPUT/find_or_create.json"
expect_run find_or_create 0 run "$script"
expect_run_postgres find_or_create "$script"
expect_run_mysql find_or_create "$script"
finish
