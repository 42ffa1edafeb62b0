#!/usr/bin/env bash
# cequel(1) renders cleanly (groff with every warning on; mandoc's linter when installed) and
# lists every command `cequel --help` does. Usage: manpage.sh PAGE CEQUEL_BIN
set -euo pipefail
page=$1 cequel=$2
if ! command -v groff >/dev/null && ! command -v mandoc >/dev/null; then
    echo "neither groff nor mandoc installed"
    [ -n "${CI:-}" ] && exit 1
    exit 77
fi
fail=0
if command -v mandoc >/dev/null; then
    if ! out=$(mandoc -T lint -W warning "$page" 2>&1) || [ -n "$out" ]; then
        echo "mandoc -T lint: $out"; fail=1
    fi
fi
if command -v groff >/dev/null; then
    out=$(groff -man -ww -z "$page" 2>&1) || true
    if [ -n "$out" ]; then echo "groff: $out"; fail=1; fi
fi
# every command of --help has a section
for cmd in $("$cequel" --help | awk '/^commands:/{on=1; next} /^$/{on=0} on && /^  [a-z]/{print $1}'); do
    if ! grep -q "^\.B $cmd\$" "$page"; then
        echo "the man page does not describe '$cmd'"; fail=1
    fi
done
[ $fail -eq 0 ] && echo "man page: clean, every command described"
exit $fail
