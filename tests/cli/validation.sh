# `validate` in schema files and the `errors` array of failed steps: the same script on
# SQLite, PostgreSQL and MySQL gives the same output (docs/validation.md).
source "$2/_lib.bash" "$@"
script="$INPUT/validation.json"
expect_run validation 0 run "$script"
expect_run_postgres validation "$script"
expect_run_mysql validation "$script"
finish
