#!/usr/bin/env bash
# Conformance suite: every Sequelize v6 scenario of the conformance reference, re-expressed as
# a `cequel run` script (scripts/NN-name.json), is run on a fresh in-memory SQLite database
# with `cequel run --golden`; the document it prints ({dump, result}, see docs/dump.md) must be
# byte-identical to the golden recorded from Sequelize (golden/NN-name.sqlite.json), or to
# cequel's own expected file next to it (golden/NN-name.sqlite.cequel.json) for the scenarios
# that DEVIATIONS.md lets differ.
#
# manifest.txt lists every scenario as `pass` or `pending`. The suite fails when a `pass`
# scenario does not match; a `pending` one that matches is reported so it can be promoted.
#
# usage: run.sh CEQUEL [-v|--verbose] [--keep DIR] [PATTERN]
#   CEQUEL      path to the cequel binary
#   -v          show the first lines of each difference
#   --keep DIR  write every produced document to DIR/NN-name.sqlite.json
#   PATTERN     only scenarios whose name contains PATTERN
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cequel=""
verbose=0
keep=""
pattern=""
while [ $# -gt 0 ]; do
    case "$1" in
    -v | --verbose) verbose=1 ;;
    --keep)
        shift
        keep=${1:?--keep needs a directory}
        ;;
    -h | --help)
        sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    *)
        if [ -z "$cequel" ]; then cequel=$1; else pattern=$1; fi
        ;;
    esac
    shift
done
if [ -z "$cequel" ] || [ ! -x "$cequel" ]; then
    echo "run.sh: give the path to the cequel binary (got '${cequel}')" >&2
    exit 2
fi
if ! "$cequel" --help 2>&1 | grep -q -- '--golden'; then
    echo "run.sh: $cequel has no 'run --golden'" >&2
    exit 2
fi
[ -n "$keep" ] && mkdir -p "$keep"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

total=0
passed=0
broken=0
promotable=0
while read -r name status _; do
    case "$name" in '' | '#'*) continue ;; esac
    total=$((total + 1))
    case "$name" in *"$pattern"*) ;; *) continue ;; esac
    script=$here/scripts/$name.json
    expected=$here/golden/$name.sqlite.cequel.json
    [ -f "$expected" ] || expected=$here/golden/$name.sqlite.json
    out=$tmp/$name.json
    ok=0
    if [ -f "$script" ] && [ -f "$expected" ]; then
        "$cequel" run "$script" --db sqlite::memory: --golden >"$out" 2>"$tmp/$name.err"
        rc=$?
        if [ $rc -eq 0 ] && cmp -s "$out" "$expected"; then ok=1; fi
    else
        rc=-1
        echo "missing script or golden for $name" >"$tmp/$name.err"
    fi
    [ -n "$keep" ] && [ -f "$out" ] && cp "$out" "$keep/$name.sqlite.json"
    if [ $ok -eq 1 ]; then
        passed=$((passed + 1))
        if [ "$status" = pass ]; then
            echo "ok       $name"
        else
            promotable=$((promotable + 1))
            echo "ok       $name (pending in manifest.txt: mark it pass)"
        fi
        continue
    fi
    if [ "$status" = pass ]; then
        broken=$((broken + 1))
        echo "FAIL     $name (exit $rc)"
    else
        echo "pending  $name"
    fi
    if [ $verbose -eq 1 ] || [ "$status" = pass ]; then
        head -n 5 "$tmp/$name.err" | sed 's/^/         /'
        [ -s "$out" ] && diff -u "$expected" "$out" | sed -n '3,40p' | sed 's/^/         /'
    fi
done <"$here/manifest.txt"

echo "conformance: $passed/$total pass on sqlite, 0/$total on postgres (no driver yet)"
if [ $promotable -gt 0 ]; then
    echo "conformance: $promotable pending scenario(s) pass: promote them in manifest.txt"
fi
if [ $broken -gt 0 ]; then
    echo "conformance: $broken scenario(s) marked pass failed" >&2
    exit 1
fi
exit 0
