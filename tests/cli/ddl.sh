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
# a key that is one part of a composite primary key gets its column but no REFERENCES (sync.md 7)
cat >"$TMP/cpk.json" <<'JSON'
{"models": {"ck": {"attributes": {"ckA": {"type": "INTEGER", "primaryKey": true},
                                  "ckB": {"type": "INTEGER", "primaryKey": true}}},
            "p": {"attributes": {"name": "STRING"}}},
 "associations": [{"source": "p", "type": "belongsTo", "target": "ck"},
                  {"source": "ck", "type": "hasMany", "target": "p", "options": {"foreignKey": "kidKey"}}]}
JSON
for d in sqlite postgres mysql; do
    "$CQ" ddl --schema "$TMP/cpk.json" --dialect $d >"$TMP/cpk.out" 2>&1 || fail "ddl cpk $d: $(cat "$TMP/cpk.out")"
    grep -q 'REFERENCES' "$TMP/cpk.out" && fail "cpk $d: a composite-key part is referenced: $(cat "$TMP/cpk.out")"
    grep -qi 'ckCkA. INTEGER' "$TMP/cpk.out" || fail "cpk $d: column ckCkA missing: $(cat "$TMP/cpk.out")"
    grep -qi 'kidKey. INTEGER' "$TMP/cpk.out" || fail "cpk $d: column kidKey missing: $(cat "$TMP/cpk.out")"
done
"$CQ" sync --schema "$TMP/cpk.json" >"$TMP/cpk.out" 2>&1 || fail "sync cpk: $(cat "$TMP/cpk.out")"
# two hand-declared references to the same key: none is reused, a warning names the ambiguity (sync.md 9)
cat >"$TMP/amb.json" <<'JSON'
{"models": {"trainer": {"attributes": {"name": "STRING"}},
            "series": {"attributes": {"a_id": {"type": "INTEGER", "references": {"model": "trainer"}},
                                      "b_id": {"type": "INTEGER", "references": {"model": "trainers", "key": "id"}}}}},
 "associations": [{"source": "trainer", "type": "hasMany", "target": "series"}]}
JSON
"$CQ" ddl --schema "$TMP/amb.json" >"$TMP/amb.out" 2>"$TMP/amb.err" || fail "ddl amb: $(cat "$TMP/amb.err")"
grep -qF 'warning: trainer.hasMany(series): 2 attributes of series already reference trainer.id; none is reused as the foreign key (name one with the foreignKey option)' "$TMP/amb.err" ||
    fail "amb: no ambiguity warning: $(cat "$TMP/amb.err")"
grep -qF '`trainerId` INTEGER REFERENCES `trainers` (`id`) ON DELETE SET NULL ON UPDATE CASCADE' "$TMP/amb.out" ||
    fail "amb: v6's default key expected: $(cat "$TMP/amb.out")"
finish
