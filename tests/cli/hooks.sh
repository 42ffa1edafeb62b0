# Hooks in a schema file: the names are bound by the program; the cequel command binds
# "$trace" (each event it runs for, on stderr, in the order Sequelize runs them) and warns
# about every other name, whose calls then fail with a message naming the hook.
source "$2/_lib.bash" "$@"
script="$INPUT/hooks.json"
expect_run hooks 1 run "$script"
if ! diff -u "$EXPECTED/hooks.err" "$TMP/hooks.err" >&2; then
    fail "hooks: stderr differs from expected/hooks.err"
fi
schema_error 'models.user.options.hooks.beforeFrobnicate: unknown hook (expected one of Sequelize'"'"'s events, e.g. beforeCreate, afterSave, beforeFind)' \
    '{"models": {"user": {"attributes": {"name": "STRING"}, "options": {"hooks": {"beforeFrobnicate": "x"}}}}}'
schema_error 'models.user.options.hooks.beforeCreate[0]: expected the name of a bound hook callback' \
    '{"models": {"user": {"attributes": {"name": "STRING"}, "options": {"hooks": {"beforeCreate": [1]}}}}}'
finish
