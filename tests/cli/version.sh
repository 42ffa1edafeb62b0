# version models (optimistic locking) from a schema file: the same script on SQLite,
# PostgreSQL and MySQL gives the same results, the stale save included.
source "$2/_lib.bash" "$@"
script="$INPUT/version.json"
expect_run version 0 run "$script"
expect_run_postgres version "$script"
expect_run_mysql version "$script"
finish
