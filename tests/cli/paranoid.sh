# Paranoid models from a schema file: soft destroy, force, restore, finders with
# "paranoid": false, includes, getters and a paranoid belongsToMany join model; the same script
# on SQLite, PostgreSQL and MySQL gives the same results.
source "$2/_lib.bash" "$@"
script="$INPUT/paranoid.json"
expect_run paranoid 0 run "$script"
expect_run_postgres paranoid "$script"
expect_run_mysql paranoid "$script"
finish
