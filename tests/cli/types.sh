# Types in schema files (ENUM both ways, DECIMAL, DATE(n), UUID, JSONB, ARRAY): their DDL per
# dialect, the same run on SQLite, PostgreSQL and MySQL, PostgreSQL's own types, and the
# schema errors.
source "$2/_lib.bash" "$@"
cat >"$TMP/types.json" <<'JSON'
{"models": {"post": {"attributes": {
  "status": {"type": "ENUM('draft', 'it''s live')", "defaultValue": "draft"},
  "mood": {"type": "ENUM", "values": ["happy", "sad"]},
  "price": "DECIMAL(10,2)", "at": "DATE(3)", "token": "UUID", "meta": "JSONB"}}}}
JSON
expect_run types_ddl_sqlite 0 ddl --schema "$TMP/types.json" --dialect sqlite
expect_run types_ddl_postgres 0 ddl --schema "$TMP/types.json" --dialect postgres
# MySQL has no JSONB: refused before any statement, naming the attribute
expect_error 2 'cequel: ddl: CQ_ENOTSUPPORTED: model "post": attribute "meta": MySQL has no JSONB type (use JSON)' \
    ddl --schema "$TMP/types.json" --dialect mysql
sed 's/, "meta": "JSONB"//' "$TMP/types.json" >"$TMP/types_my.json"
expect_run types_ddl_mysql 0 ddl --schema "$TMP/types_my.json" --dialect mysql
cat >"$TMP/arr.json" <<'JSON'
{"models": {"bag": {"attributes": {"nums": "ARRAY(INTEGER)", "tags": "ARRAY(STRING(20))",
  "kinds": "ARRAY(ENUM('p', 'q'))"}, "options": {"timestamps": false}}}}
JSON
expect_run types_ddl_array 0 ddl --schema "$TMP/arr.json" --dialect postgres
expect_error 2 'cequel: ddl: CQ_ENOTSUPPORTED: model "bag": attribute "nums": ARRAY columns exist only on PostgreSQL, not on SQLite' \
    ddl --schema "$TMP/arr.json" --dialect sqlite

# describe writes each type in the schema file's form
"$CQ" describe --schema "$TMP/types.json" >"$TMP/d1.out" 2>&1 || fail "describe: $(cat "$TMP/d1.out")"
"$CQ" describe --schema "$TMP/arr.json" >"$TMP/d2.out" 2>&1 || fail "describe: $(cat "$TMP/d2.out")"
for t in "ENUM('draft', 'it''s live')" "ENUM('happy', 'sad')" "DECIMAL(10,2)" "DATE(3)" "JSONB"; do
    grep -qF "\"type\": \"$t\"" "$TMP/d1.out" || fail "describe: no type $t"
done
for t in "ARRAY(INTEGER)" "ARRAY(STRING(20))" "ARRAY(ENUM('p', 'q'))"; do
    grep -qF "\"type\": \"$t\"" "$TMP/d2.out" || fail "describe: no type $t"
done

script="$INPUT/types.json"
expect_run types 0 run "$script"
expect_run_postgres types "$script"
expect_run_mysql types "$script"
expect_run_postgres types_pg "$INPUT/types_pg.json"

schema_error 'models.a.attributes.e: ENUM needs its values: "ENUM('"'"'a'"'"', '"'"'b'"'"')" or {"type": "ENUM", "values": ["a", "b"]}' \
    '{"models": {"a": {"attributes": {"e": "ENUM"}}}}'
schema_error "models.a.attributes.e: bad type \"ENUM('a',\": expected ENUM('value', ...)" \
    '{"models": {"a": {"attributes": {"e": "ENUM('"'"'a'"'"',"}}}}'
schema_error 'models.a.attributes.e.values: expected a non-empty array of strings' \
    '{"models": {"a": {"attributes": {"e": {"type": "ENUM", "values": []}}}}}'
schema_error 'models.a.attributes.e.values: "values" belongs to an ENUM attribute' \
    '{"models": {"a": {"attributes": {"e": {"type": "STRING", "values": ["x"]}}}}}'
schema_error 'models.a.attributes.e: bad type "ARRAY(ARRAY(INTEGER))": arrays of arrays are not supported' \
    '{"models": {"a": {"attributes": {"e": "ARRAY(ARRAY(INTEGER))"}}}}'
schema_error 'models.a: model "a": attribute "e": bad defaultValue (a.e: "z" is not a valid choice in ["x","y"])' \
    '{"models": {"a": {"attributes": {"e": {"type": "ENUM('"'"'x'"'"', '"'"'y'"'"')", "defaultValue": "z"}}}}}'
schema_error 'models.a: model "a": attribute "b": bad defaultValue (a.b: "yes" is not a boolean (attribute type BOOLEAN))' \
    '{"models": {"a": {"attributes": {"b": {"type": "BOOLEAN", "defaultValue": "yes"}}}}}'
finish
