# `ddl --dialect`: CREATE TABLE statements in sync order for each dialect (spec sync.md 2-9).
source "$2/_lib.bash" "$@"
for d in sqlite postgres mysql; do
    expect_run "ddl_$d" 0 ddl --schema "$INPUT/library.json" --dialect "$d"
done
expect_error 2 'cequel: ddl: unknown dialect "oracle" (expected sqlite, postgres or mysql)' \
    ddl --schema "$INPUT/library.json" --dialect oracle
# foreignKeyConstraint keeps REFERENCES (with only the actions given) under constraints: false
cat >"$TMP/fkc.json" <<'JSON'
{"models": {"a": {"attributes": {"name": "STRING"}}, "b": {"attributes": {"name": "STRING"}}},
 "associations": [
   {"source": "a", "type": "belongsTo", "target": "b",
    "options": {"as": "x", "constraints": false, "foreignKeyConstraint": true}},
   {"source": "a", "type": "belongsTo", "target": "b",
    "options": {"as": "y", "constraints": false, "onDelete": "cascade"}},
   {"source": "a", "type": "belongsTo", "target": "b", "options": {"as": "z", "constraints": false}}]}
JSON
"$CQ" ddl --schema "$TMP/fkc.json" --dialect sqlite >"$TMP/fkc.out" 2>&1 || fail "ddl fkc: $(cat "$TMP/fkc.out")"
grep -qF '`xId` INTEGER REFERENCES `bs` (`id`),' "$TMP/fkc.out" || fail "fkc: xId without REFERENCES: $(cat "$TMP/fkc.out")"
grep -qF '`yId` INTEGER REFERENCES `bs` (`id`) ON DELETE CASCADE,' "$TMP/fkc.out" || fail "fkc: yId"
grep -qF '`zId` INTEGER)' "$TMP/fkc.out" || fail "fkc: zId must have no REFERENCES"
schema_error 'associations[0].options.foreignKeyConstraint: not an option of belongsToMany' \
    '{"models": {"a": {"attributes": {}}, "b": {"attributes": {}}}, "associations": [{"source": "a", "type": "belongsToMany", "target": "b", "options": {"through": "ab", "foreignKeyConstraint": true}}]}'
finish
