#!/usr/bin/env bash
# Every script under examples/scripts runs to the end (exit 0), and the facts each one is
# there to show hold (checked on its output lines).
source "$2/_lib.bash" "$@"
EX="$(cd "$DIR/../../examples/scripts" && pwd)"

for f in "$EX"/*.json; do
    "$CQ" run "$f" >"$TMP/out" 2>"$TMP/err" || fail "$(basename "$f") failed: $(cat "$TMP/err")"
done

line() { # line SCRIPT STEP -> that step's output line
    "$CQ" run "$EX/$1.json" | grep "^{\"step\":$2,"
}
expect_line() { # expect_line SCRIPT STEP EXPECTED-SUBSTRING
    local got
    got=$(line "$1" "$2")
    case "$got" in *"$3"*) ;; *) fail "$1 step $2: $got lacks $3" ;; esac
}

# naming: roleId / FatherId keys, countWorkers
expect_line naming 2 '"companyId":null,"roleId":null,"FatherId":null'
expect_line naming 5 '"FatherId":1'
expect_line naming 7 '"result":1'
# sync: the cycle syncs, the FK is enforced, ON DELETE SET NULL, truncate empties
expect_line sync 2 '"message":"Cyclic dependency found."'
expect_line sync 6 '"code":"CQ_EFOREIGNKEY"'
expect_line sync 8 '"current_version_id":null'
expect_line sync 10 '"result":0'
# sync: the unique index of the spec's items example refuses a duplicate pair
expect_line sync 12 '"code":"CQ_EUNIQUE"'
expect_line sync 13 '"result":1'
# include: required keeps alice and carol; limit 2 ordered by a task title
expect_line include 8 '"username":"alice"'
case "$(line include 8)" in *bob*) fail "include step 8: bob has no task" ;; esac
expect_line include 11 '"userProject":{"status":"active"}'
expect_line include 13 '[{"id":3,"username":"carol"'
expect_line include 14 '"result":2'
# include: $user.username$ keeps alice's tasks; a limit of 1 per user; findAndCountAll
expect_line include 15 '"result":[{"id":1,"title":"t1","userId":1,"user":{"id":1,"username":"alice"}},{"id":2,'
expect_line include 17 '"tasks":[{"id":2,"title":"t2","userId":1}]},{"id":2,"username":"bob","tasks":[]}'
expect_line include 18 '"result":{"count":2,"rows":[{"id":1,"username":"alice"'
# nested create: the failing tree leaves nothing behind
expect_line nested_create 4 '"code":"CQ_ENOTNULL"'
expect_line nested_create 5 '"result":3'
expect_line nested_create 6 '"result":2'
expect_line nested_create 8 '"result":5'
# the failing tree of step 4 is refused by validation before its transaction begins, so the
# bulkCreate of step 7 runs in transaction 4
[ "$("$CQ" run "$EX/nested_create.json" --log 2>&1 >/dev/null | grep -c '^Executing (4): INSERT')" = 5 ] ||
    fail "nested_create step 7: five INSERTs expected (B7)"
finish
