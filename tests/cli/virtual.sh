# VIRTUAL attributes and getters/setters named in a schema file: a VIRTUAL value lives on the
# instance only (no column in the DDL, no column in the INSERT, an update of VIRTUAL values
# only sends no statement, as Sequelize 6); the cequel command binds no getters or setters,
# so it warns about each named one and the calls that reach them fail. SQLite, PostgreSQL
# and MySQL; statements on SQLite.
source "$2/_lib.bash" "$@"
script="$INPUT/virtual.json"
expect_run virtual 0 run "$script"
if ! diff -u "$EXPECTED/virtual.err" "$TMP/virtual.err" >&2; then
    fail "virtual: stderr differs from expected/virtual.err"
fi
"$CQ" run "$script" --log >/dev/null 2>"$TMP/sqlite.log" || fail "sqlite run failed"
grep -qF 'CREATE TABLE IF NOT EXISTS `tags` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, `name` VARCHAR(255));' \
    "$TMP/sqlite.log" || fail "tags: a column for the VIRTUAL attribute"
grep -qF 'INSERT INTO `tags` (`name`) VALUES (?); ["red"]' "$TMP/sqlite.log" ||
    fail "tags: the INSERT names a VIRTUAL attribute"
n=$(grep -c '^Executing ([^)]*): UPDATE `tags`' "$TMP/sqlite.log")
[ "$n" = 1 ] || fail "expected 1 UPDATE of tags (none for VIRTUAL values only), got $n"
grep -qF 'UPDATE `tags` SET `name`=? WHERE `id` = ?; ["blue",1]' "$TMP/sqlite.log" ||
    fail "tags: the UPDATE sets a VIRTUAL attribute"
expect_run_postgres virtual "$script"
expect_run_mysql virtual "$script"
schema_error 'models.user.attributes.name.returnType: "returnType" belongs to a VIRTUAL attribute' \
    '{"models": {"user": {"attributes": {"name": {"type": "STRING", "returnType": "STRING"}}}}}'
schema_error 'models.user.attributes.full.fields: expected an array of attribute names' \
    '{"models": {"user": {"attributes": {"full": {"type": "VIRTUAL", "fields": "first"}}}}}'
schema_error 'models.user.attributes.full.returnType: unknown type "TEXTY"' \
    '{"models": {"user": {"attributes": {"full": {"type": "VIRTUAL", "returnType": "TEXTY"}}}}}'
schema_error 'models.user.attributes.name.get: expected the name of a bound getter callback' \
    '{"models": {"user": {"attributes": {"name": {"type": "STRING", "get": 1}}}}}'
schema_error 'models.user.attributes.name.set: expected the name of a bound setter callback' \
    '{"models": {"user": {"attributes": {"name": {"type": "STRING", "set": ""}}}}}'
finish
