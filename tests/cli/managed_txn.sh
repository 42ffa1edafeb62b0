# Managed transactions in scripts ({"transaction": [steps]}: commit, rollback at the first
# error, nesting as savepoints, isolationLevel on transaction and begin): the same results on
# SQLite, PostgreSQL and MySQL, and each dialect's isolation statement where Sequelize v6
# sends it (PostgreSQL: after BEGIN; MySQL: before START TRANSACTION; SQLite: a PRAGMA for
# READ COMMITTED, nothing for SERIALIZABLE / REPEATABLE READ).
source "$2/_lib.bash" "$@"
script="$INPUT/managed_txn.json"
expect_run managed_txn 0 run "$script"
"$CQ" run "$script" --log >/dev/null 2>"$TMP/sqlite.log" || fail "sqlite run with --log"
grep -A1 -F 'Executing (6): BEGIN;' "$TMP/sqlite.log" | grep -qF 'Executing (6): PRAGMA read_uncommitted = OFF;' ||
    fail "sqlite: READ COMMITTED is not PRAGMA read_uncommitted = OFF after BEGIN"
! grep -q 'ISOLATION' "$TMP/sqlite.log" || fail "sqlite: an isolation statement was sent"

# the statement right after (or before) the transaction's BEGIN, for each level
check_levels() {
    local log="$1" begin="$2" where="$3" id level
    for pair in "3:SERIALIZABLE" "6:READ COMMITTED" "8:REPEATABLE READ"; do
        id="${pair%%:*}"
        level="${pair#*:}"
        grep "$where" -F "Executing ($id): $begin" "$log" |
            grep -qF "Executing ($id): SET TRANSACTION ISOLATION LEVEL $level;" ||
            fail "$log: no SET TRANSACTION ISOLATION LEVEL $level next to $begin"
    done
}
expect_run_postgres managed_txn "$script"
[ ! -f "$TMP/managed_txn.pg.log" ] || check_levels "$TMP/managed_txn.pg.log" "BEGIN;" -A1
expect_run_mysql managed_txn "$script"
[ ! -f "$TMP/managed_txn.my.log" ] || check_levels "$TMP/managed_txn.my.log" "START TRANSACTION;" -B1

S='"schema":{"models":{"user":{"attributes":{"name":"STRING"}}}}'
script_error 'steps[0].isolationLevel: expected "READ UNCOMMITTED", "READ COMMITTED", "REPEATABLE READ" or "SERIALIZABLE"' \
    "{$S,\"steps\":[{\"transaction\":[],\"isolationLevel\":\"serializable\"}]}"
script_error 'steps[1].transaction[0].count: unknown model "usr"' \
    "{$S,\"steps\":[{\"sync\":{}},{\"transaction\":[{\"count\":\"usr\"}]}]}"
deep='{"count":"user"}'
for _ in $(seq 17); do deep="{\"transaction\":[$deep]}"; done
path="steps[0]$(for _ in $(seq 16); do printf '.transaction[0]'; done).transaction"
script_error "$path: transactions nested too deep (16 levels at most)" "{$S,\"steps\":[$deep]}"
finish
