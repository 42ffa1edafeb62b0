# `diagram`: dot (default) and mermaid. When graphviz is installed, dot must accept the output.
# Associations are drawn with crow's-foot ends per type; join models are marked.
source "$2/_lib.bash" "$@"
expect_run diagram_dot 0 diagram --schema "$INPUT/library.json"
expect_run diagram_mermaid 0 diagram --schema "$INPUT/library.json" --format mermaid
expect_run diagram_assoc_dot 0 diagram --schema "$INPUT/assoc.json"
expect_run diagram_assoc_mermaid 0 diagram --schema "$INPUT/assoc.json" --format mermaid
if command -v dot >/dev/null 2>&1; then
    dot -Tsvg "$TMP/diagram_dot.out" >/dev/null || fail "dot rejected the diagram"
    dot -Tsvg "$TMP/diagram_assoc_dot.out" >/dev/null || fail "dot rejected the association diagram"
fi
expect_error 2 'cequel: diagram: unknown format "png" (expected dot or mermaid)' \
    diagram --schema "$INPUT/library.json" --format png
finish
