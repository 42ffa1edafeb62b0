# `diagram` draws one edge per pair of inverse associations (hasOne/hasMany and the
# belongsTo back on the same key; two belongsToMany through one join model with swapped
# keys), labelled with both names; self-associations attach to their key's row and carry an
# xlabel, so several loops on one model do not share a label spot. Every warning names the
# model, the association and the attribute it is about.
source "$2/_lib.bash" "$@"
expect_run diagram_pairs_dot 0 diagram --schema "$INPUT/diagram_pairs.json"
expect_run diagram_pairs_mermaid 0 diagram --schema "$INPUT/diagram_pairs.json" --format mermaid
# one edge per pair: 4 association edges (tasks/user, reviewer, reports/manager,
# mentee/mentor, friends/friendOf = 5) for 9 associations
n=$(grep -c -E 'label="(has|belongs)' "$TMP/diagram_pairs_dot.out")
[ "$n" = 5 ] || fail "expected 5 association edges, got $n"
if command -v dot >/dev/null 2>&1; then
    dot -Tsvg "$TMP/diagram_pairs_dot.out" >"$TMP/pairs.svg" || fail "dot rejected the diagram"
    # the two self-association labels on employee are placed apart (different y)
    ys=$(grep -E '>has(Many reports|One mentee)' "$TMP/pairs.svg" | sed -E 's/.* y="([-0-9.]+)".*/\1/' | sort -u | wc -l)
    [ "$ys" = 2 ] || fail "self-association labels overlap: $(grep -E 'reports|mentee' "$TMP/pairs.svg")"
elif [ -n "${CI:-}" ] && [ "${CI:-}" != false ]; then
    fail "graphviz (dot) is missing; scripts/setup-deps installs it"
fi

# warnings: two associations reuse hand-declared references (one line each, naming the
# association, the attribute and the key; they used to be two identical anonymous lines)
cat >"$TMP/reuse.json" <<'JSON'
{"models": {"trainer": {"attributes": {"name": "STRING"}},
            "series": {"attributes": {"trainer_id": {"type": "INTEGER", "references": {"model": "trainer"}}}},
            "video": {"attributes": {"series_id": {"type": "INTEGER", "references": {"model": "series"}}}}},
 "associations": [{"source": "series", "hasOne": "video", "options": {"as": "trailer"}},
                  {"source": "trainer", "hasMany": "series"}]}
JSON
"$CQ" ddl --schema "$TMP/reuse.json" >"$TMP/reuse.out" 2>"$TMP/reuse.err" || fail "ddl reuse: $(cat "$TMP/reuse.err")"
cat >"$TMP/reuse.want" <<'TXT'
(cequel) warning: series.hasOne(video, as "trailer"): reuses video.series_id as its foreign key (declared with a reference to series.id); no column is added
(cequel) warning: trainer.hasMany(series): reuses series.trainer_id as its foreign key (declared with a reference to trainer.id); no column is added
TXT
diff -u "$TMP/reuse.want" "$TMP/reuse.err" >&2 || fail "reuse warnings differ"
grep -q 'trainerId\|seriesId\|trailerId' "$TMP/reuse.out" && fail "a second key column was added: $(cat "$TMP/reuse.out")"

# two self belongsToMany on one join model with default keys: both keys collapse into one
cat >"$TMP/self.json" <<'JSON'
{"models": {"person": {}},
 "associations": [{"source": "person", "belongsToMany": "person", "options": {"through": "pair", "as": "buddies"}},
                  {"source": "person", "belongsToMany": "person", "options": {"through": "pair", "as": "pals"}}]}
JSON
"$CQ" ddl --schema "$TMP/self.json" >"$TMP/self.out" 2>"$TMP/self.err" || fail "ddl self: $(cat "$TMP/self.err")"
grep -qxF '(cequel) warning: person.belongsToMany(person, as "pals"): the foreign key and the other key are the same column, pair.personId; give foreignKey and otherKey explicitly on both sides' "$TMP/self.err" ||
    fail "self warning: $(cat "$TMP/self.err")"
finish
