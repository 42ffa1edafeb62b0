# setX of hasMany and hasOne read the current targets without the target's default scope, as
# Sequelize 6 does (rows the default scope hides are unlinked too); the association's own scope
# still applies. On SQLite, PostgreSQL and MySQL.
source "$2/_lib.bash" "$@"
script="$INPUT/set_scoped.json"
expect_run set_scoped 0 run "$script"
expect_run_postgres set_scoped "$script"
expect_run_mysql set_scoped "$script"
finish
