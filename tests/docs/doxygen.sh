#!/usr/bin/env bash
# Builds the API reference into a scratch folder with warnings as errors: an undocumented
# exported function, type, member or parameter fails. Usage: doxygen.sh DOXYFILE SOURCE_DIR
set -euo pipefail
doxyfile=$1 src=$2
if ! command -v doxygen >/dev/null; then
    echo "doxygen not installed (scripts/setup-deps installs it)"
    [ -n "${CI:-}" ] && exit 1
    exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
{ cat "$doxyfile"; echo "OUTPUT_DIRECTORY = $tmp"; } >"$tmp/Doxyfile"
cd "$src"
if ! doxygen "$tmp/Doxyfile" >"$tmp/log" 2>&1; then
    cat "$tmp/log"
    echo "FAIL: the API reference has warnings (document every item above)"
    exit 1
fi
if [ -s "$tmp/log" ]; then cat "$tmp/log"; fi
test -f "$tmp/html/index.html"
n=$(grep -l 'memitem' "$tmp"/html/*.html | wc -l)
echo "API reference: $n pages with documented members, no warning"
