#!/usr/bin/env bash
# Compiles and runs every example of the manual (README.md and docs/*.md), so a doc example
# that stops working fails the build. Usage:
#   examples.sh CEQUEL_BIN SOURCE_DIR LIBCEQUEL_A CC "CFLAGS" "LIBS" [FILE.md ...]
#
# Which fenced blocks run (the first word after ``` is the language; later words are marks):
#   ```c              a C example. A block that defines `main` is a whole program; any other
#                     block is a fragment, pasted into the body of a function
#                     `static int example(cq_db *db)` that runs on a fresh `sqlite::memory:`
#                     database (tests/docs/harness.h: `#include <cequel.h>`, <stdio.h>,
#                     <stdlib.h>, <string.h>, and `CHECK(call)`, which prints
#                     cq_db_error(db) and fails the example unless the call returns CQ_OK).
#   ```c continued    a fragment appended to the previous C fragment of the same file, so a
#                     chapter can build one program step by step (its variables stay in scope).
#   ```c notest       shown only (say why next to it, e.g. it needs a PostgreSQL server).
#   ```json schema    a schema file: `cequel describe --schema` must accept it.
#   ```json script    a script: `cequel run` must run it and exit 0.
#   ```text output    what the example just above prints; compared with its standard output
#                     (for a chain of fragments: every output block of the chain, in order).
# Every other block (```sh, ```sql, plain ``` and ```json without a mark) is text only.
# A failure names the file and line of the block.
set -uo pipefail
cequel=$(realpath "$1") src=$(realpath "$2") lib=$(realpath "$3") cc=$4 cflags=$5 libs=$6
shift 6
files=("$@")
if [ ${#files[@]} -eq 0 ]; then
    files=("$src/README.md" "$src"/docs/*.md)
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Split every file into blocks: $tmp/<n>.<ext> plus a manifest line
# "n|lang|marks|file|line" per block.
for f in "${files[@]}"; do
    f=$(realpath "$f")
    awk -v out="$tmp" -v file="$f" -v start="$(ls "$tmp" | grep -c '^[0-9]' || true)" '
        BEGIN { n = start + 0; inblock = 0 }
        /^```/ {
            if (!inblock) {
                info = substr($0, 4); gsub(/^[ \t]+|[ \t]+$/, "", info)
                split(info, w, /[ \t]+/); lang = w[1]; marks = info; sub(/^[^ \t]*[ \t]*/, "", marks)
                n++; inblock = 1; line = NR + 1
                body = out "/" sprintf("%04d", n) ".blk"
                printf "" > body
                next
            } else {
                inblock = 0; close(body)
                printf "%04d|%s|%s|%s|%d\n", n, lang, marks, file, line >> (out "/manifest")
                next
            }
        }
        inblock { print >> body }
    ' "$f"
done
[ -f "$tmp/manifest" ] || { echo "doc examples: no code blocks found"; exit 1; }

fail=0 nprog=0 nschema=0 nscript=0 nout=0
report() { echo "FAIL $1: $2"; fail=1; }

# Runs the C program assembled in $1.c (label $2); compares with expected output $3 (may be empty).
run_c() {
    local base=$1 label=$2 expected=$3
    if ! "$cc" -std=c11 -Wall -Wextra -Werror -Wno-unused-variable -Wno-unused-function \
        -Wno-unused-but-set-variable $cflags -I"$src/include" -I"$src/tests/docs" \
        -o "$base" "$base.c" "$lib" $libs 2>"$base.cc.log"; then
        report "$label" "does not compile:"; sed 's/^/    /' "$base.cc.log" | head -30; return
    fi
    if ! (cd "$tmp/run" && "$base" >"$base.out" 2>"$base.err"); then
        report "$label" "exits with failure:"; sed 's/^/    /' "$base.err" "$base.out" | head -30
        return
    fi
    nprog=$((nprog + 1))
    if [ -n "$expected" ]; then
        nout=$((nout + 1))
        if ! diff -u "$expected" "$base.out" >"$base.diff"; then
            report "$label" "prints something else than its output block:"
            sed 's/^/    /' "$base.diff" | head -40
        fi
    fi
}

# Wraps fragment text (file $1) into a program at $2.c
wrap_fragment() {
    {
        echo '#include "harness.h"'
        echo 'static int example(cq_db *db)'
        echo '{'
        echo '(void)db;'
        cat "$1"
        echo 'return 0;'
        echo '}'
        echo 'CQ_EXAMPLE_MAIN'
    } >"$2.c"
}

mkdir -p "$tmp/run"
chain="" chain_label="" chain_file="" chain_out=""
last_kind="" last_label="" last_base="" last_out=""
flush_chain() {
    if [ -n "$chain" ]; then
        wrap_fragment "$chain" "$chain.prog"
        run_c "$chain.prog" "$chain_label" "$chain_out"
    fi
    chain="" chain_label="" chain_file="" chain_out=""
}
# pending whole program (waits for a possible output block)
prog="" prog_label="" prog_out=""
flush_prog() {
    if [ -n "$prog" ]; then run_c "$prog" "$prog_label" "$prog_out"; fi
    prog="" prog_label="" prog_out=""
}

while IFS='|' read -r n lang marks file line; do
    blk="$tmp/$n.blk"
    label="${file#"$src"/}:$line"
    case "$lang $marks" in
    "text output")
        case "$last_kind" in
        prog) cat "$blk" >>"$prog.expected"; prog_out="$prog.expected" ;;
        frag) cat "$blk" >>"$chain.expected"; chain_out="$chain.expected" ;;
        script) cat "$blk" >>"$last_base.expected"; last_out="$last_base.expected" ;;
        *) report "$label" "an output block follows no example" ;;
        esac
        continue ;;
    esac
    # any other block ends a pending script's output collection
    if [ "$last_kind" = script ]; then
        if [ -n "$last_out" ] && ! diff -u "$last_out" "$last_base.out" >"$last_base.diff"; then
            report "$last_label" "prints something else than its output block:"
            sed 's/^/    /' "$last_base.diff" | head -40
        elif [ -n "$last_out" ]; then nout=$((nout + 1)); fi
    fi
    case "$lang" in
    c)
        case " $marks " in
        *" notest "*) last_kind=""; continue ;;
        esac
        if grep -qE '^int main\(' "$blk"; then
            flush_prog
            prog="$tmp/p$n" prog_label=$label prog_out=""
            cp "$blk" "$prog.c"
            last_kind=prog
        elif [[ " $marks " == *" continued "* ]]; then
            if [ -z "$chain" ] || [ "$chain_file" != "$file" ]; then
                report "$label" "a 'continued' block with no fragment before it in this file"
                last_kind=""; continue
            fi
            cat "$blk" >>"$chain"
            last_kind=frag
        else
            flush_chain
            chain="$tmp/f$n" chain_label=$label chain_file=$file chain_out=""
            cp "$blk" "$chain"
            last_kind=frag
        fi ;;
    json)
        case " $marks " in
        *" schema "*)
            nschema=$((nschema + 1))
            if ! "$cequel" describe --schema "$blk" >"$blk.out" 2>"$blk.err"; then
                report "$label" "the schema is refused:"; sed 's/^/    /' "$blk.err" | head -10
            fi
            last_kind="" ;;
        *" script "*)
            nscript=$((nscript + 1))
            cp "$blk" "$blk.json"
            if ! (cd "$tmp/run" && "$cequel" run "$blk.json" >"$blk.out" 2>"$blk.err"); then
                report "$label" "the script fails:"; sed 's/^/    /' "$blk.err" "$blk.out" | head -20
                last_kind=""
            else
                last_kind=script last_label=$label last_base=$blk last_out=""
            fi ;;
        *) last_kind="" ;;
        esac ;;
    *) last_kind="" ;;
    esac
done <"$tmp/manifest"
if [ "$last_kind" = script ] && [ -n "$last_out" ]; then
    if ! diff -u "$last_out" "$last_base.out" >"$last_base.diff"; then
        report "$last_label" "prints something else than its output block:"
        sed 's/^/    /' "$last_base.diff" | head -40
    else nout=$((nout + 1)); fi
fi
flush_prog
flush_chain

echo "doc examples: $nprog C programs run, $nschema schemas, $nscript scripts, $nout outputs compared"
exit $fail
