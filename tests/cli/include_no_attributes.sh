# Includes that read no column leave their key out of toJSON: SQLite, PostgreSQL, MySQL.
source "$2/_lib.bash" "$@"
script="$INPUT/include_no_attributes.json"
expect_run include_no_attributes 0 run "$script"
expect_run_postgres include_no_attributes "$script"
expect_run_mysql include_no_attributes "$script"
finish
