# `diagram`: dot (default) and mermaid. dot must render the output to SVG (graphviz comes with
# scripts/setup-deps; outside CI the check is skipped when dot is missing).
# Associations are drawn with crow's-foot ends per type; join models are marked.
source "$2/_lib.bash" "$@"
expect_run diagram_dot 0 diagram --schema "$INPUT/library.json"
expect_run diagram_mermaid 0 diagram --schema "$INPUT/library.json" --format mermaid
expect_run diagram_assoc_dot 0 diagram --schema "$INPUT/assoc.json"
expect_run diagram_assoc_mermaid 0 diagram --schema "$INPUT/assoc.json" --format mermaid
if command -v dot >/dev/null 2>&1; then
    dot -Tsvg "$TMP/diagram_dot.out" >"$TMP/diagram_dot.svg" || fail "dot rejected the diagram"
    dot -Tsvg "$TMP/diagram_assoc_dot.out" >"$TMP/diagram_assoc.svg" ||
        fail "dot rejected the association diagram"
    grep -q '<svg' "$TMP/diagram_dot.svg" || fail "dot produced no SVG"
elif [ -n "${CI:-}" ] && [ "${CI:-}" != false ]; then
    fail "graphviz (dot) is missing; scripts/setup-deps installs it"
fi
expect_error 2 'cequel: diagram: unknown format "png" (expected dot or mermaid)' \
    diagram --schema "$INPUT/library.json" --format png
finish
