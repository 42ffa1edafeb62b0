# include: {all: ...} (true, type names and groups, nested, with where/required/attributes,
# named includes first) from a script: the same results on SQLite, PostgreSQL and MySQL, which
# are those Sequelize v6 gives for the same calls.
source "$2/_lib.bash" "$@"
script="$INPUT/include_all.json"
expect_run include_all 0 run "$script"
expect_run_postgres include_all "$script"
expect_run_mysql include_all "$script"
finish
