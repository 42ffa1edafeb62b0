# Associations in scripts: call (every accessor kind), join data, include forms, order by
# included attributes, nested create, attempt/then/return; --golden prints the conformance
# golden document (expected/golden_12.out is the Sequelize oracle's own golden for scenario
# 12-has-many-workers on SQLite); `dump` prints the canonical dump of a database.
source "$2/_lib.bash" "$@"
expect_run assoc_run 0 run "$INPUT/assoc_run.json"
expect_run golden_12 0 run "$INPUT/golden_12.json" --golden
expect_run example_associations 0 run "$DIR/../../examples/scripts/associations.json"
db="sqlite:$TMP/assoc.db"
cat >"$TMP/fill.json" <<'JSON'
{ "schema": { "models": { "team": { "attributes": { "name": "STRING" }, "options": { "timestamps": false } },
                          "player": { "attributes": { "name": "STRING" } } },
              "associations": [ { "source": "team", "type": "hasMany", "target": "player" } ] },
  "steps": [ { "sync": {} }, { "create": "team", "values": { "name": "Reds" }, "as": "t" },
             { "call": "createPlayer", "on": "$t", "args": [{ "name": "ann" }] } ] }
JSON
"$CQ" run "$TMP/fill.json" --db "$db" >/dev/null || fail "fill.json failed"
expect_run dump_assoc 0 dump --db "$db"
expect_error 2 "cequel: dump: option not valid for this command (see cequel --help)" dump --golden
finish
