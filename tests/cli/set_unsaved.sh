# Setters and adders given unsaved instances or instances of the wrong model (hasOne setX of a
# built instance saves it with the key set, as Sequelize 6; the rest is refused before any
# write). On SQLite, PostgreSQL and MySQL; statement shapes on SQLite.
source "$2/_lib.bash" "$@"
script="$INPUT/set_unsaved.json"
expect_run set_unsaved 0 run "$script"
"$CQ" run "$script" --log >/dev/null 2>"$TMP/sqlite.log" || fail "sqlite run failed"
# setInvoice(built): the previous invoice detached, then the new one inserted with the key
grep -A1 -F 'UPDATE `invoices` SET `orderId`=? WHERE `id` = ?; [null,1]' "$TMP/sqlite.log" |
    grep -qF 'INSERT INTO `invoices` (`name`,`orderId`) VALUES (?,?); ["new",1]' ||
    fail "setInvoice(built): no detach then INSERT"
# the refused calls write nothing: the only writes to items, OT and orders are the creates
n=$(grep -cE '^Executing \([^)]*\): (UPDATE|INSERT INTO|DELETE FROM) `(items|OT|orders)`' "$TMP/sqlite.log")
[ "$n" = 2 ] || fail "expected 2 writes to items/OT/orders, got $n"
expect_run_postgres set_unsaved "$script"
expect_run_mysql set_unsaved "$script"
finish
