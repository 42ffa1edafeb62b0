# Every step kind, references ($name, {"$ref"}), transactions with a savepoint, expectError,
# and a failing step that stops the script with exit 1. Schema read from a path.
source "$2/_lib.bash" "$@"
expect_run steps 1 run "$INPUT/steps.json"
[ "$(cat "$TMP/steps.err")" = "cequel: steps[33]: CQ_EUNIQUE: UNIQUE constraint failed: customers.email: customer.email must be unique" ] ||
    fail "steps: stderr is: $(cat "$TMP/steps.err")"
finish
