# `sync` creates the tables in a file database; a later `run` with --schema uses them;
# `sync --force` drops and re-creates them.
source "$2/_lib.bash" "$@"
db="sqlite:$TMP/shop.db"
expect_run sync_empty 0 sync --schema "$INPUT/shop.json" --db "$db"
cat >"$TMP/add.json" <<'JSON'
{ "steps": [
  { "create": "customer", "values": { "email": "a@example.com", "name": null }, "as": "a" },
  { "create": "order", "values": { "total": 3, "customerId": { "$ref": "a.id" } } },
  { "count": "order" }
] }
JSON
expect_run sync_add 0 run "$TMP/add.json" --schema "$INPUT/shop.json" --db "$db"
cat >"$TMP/count.json" <<'JSON'
{ "steps": [ { "count": "customer" }, { "count": "order" } ] }
JSON
expect_run sync_count_kept 0 run "$TMP/count.json" --schema "$INPUT/shop.json" --db "$db"
expect_run sync_empty 0 sync --schema "$INPUT/shop.json" --db "$db" --force
expect_run sync_count_forced 0 run "$TMP/count.json" --schema "$INPUT/shop.json" --db "$db"
# Without a schema anywhere, and with two schemas, `run` is a usage error.
expect_error 2 "cequel: no schema: give \"schema\" in the script or --schema FILE" \
    run "$TMP/count.json"
expect_error 2 "cequel: $INPUT/steps.json: the script has a \"schema\"; --schema is not allowed" \
    run "$INPUT/steps.json" --schema "$INPUT/shop.json"
finish
