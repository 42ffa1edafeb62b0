#!/usr/bin/env bash
# Instruction counts (valgrind's callgrind) of raw-c and cequel per workload: a figure that does
# not move with the machine's load, unlike the times of run.sh. Each workload W is measured as
# Ir(W1,W) - Ir(W1) (W1 loads the data every workload reads), threads included; W6 once per T.
#
#   bench/instructions.sh [--n 2000] [--workloads W3,W5,W6] [--threads 1,2,4,8] [--pg URL]
#
# SQLite always (a file in a temporary folder); PostgreSQL when --pg URL is given (the client's
# instructions only: the server runs outside valgrind). Uses run.sh's Release build.
# BENCH_SQLITE_WAL=1 in the environment puts raw-c's SQLite file in WAL mode, as cequel's pool does.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="${BENCH_BUILD:-$root/build-bench}"
n=2000 workloads="W3,W5,W6" threads="1,2,4,8" pg=""
while [ $# -gt 0 ]; do
    case "$1" in
    --n) n="$2"; shift 2 ;;
    --workloads) workloads="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --pg) pg="$2"; shift 2 ;;
    *) echo "usage: $0 [--n N] [--workloads LIST] [--threads LIST] [--pg URL]" >&2; exit 2 ;;
    esac
done
command -v valgrind >/dev/null || { echo "$0: valgrind is needed" >&2; exit 2; }
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCQ_BUILD_TESTS=OFF \
    -DCQ_BUILD_EXAMPLES=OFF -DCQ_BUILD_BENCH=ON >/dev/null
cmake --build "$build" -j "${JOBS:-2}" --target raw_c cequel_bench >/dev/null
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cq-ir.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# ir PROGRAM DIALECT DB WORKLOADS [THREADS]: total instructions of one run, every thread
ir() {
    local out="$tmp/cg.out"
    valgrind --tool=callgrind --callgrind-out-file="$out" "$1" --dialect "$2" --n "$n" \
        --workloads "$4" --threads "${5:-1}" --db "$3" >/dev/null 2>"$tmp/vg.err" || {
        cat "$tmp/vg.err" >&2
        return 1
    }
    sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$out" | head -1
}

measure() {
    local d="$1" raw_db="$2" cq_db="$3" w t base_r base_c r c
    base_r=$(ir "$build/bench/raw_c" "$d" "$raw_db" W1)
    base_c=$(ir "$build/bench/cequel_bench" "$d" "$cq_db" W1)
    printf '\n%s, n=%s: workload  raw-c Minstr  cequel Minstr  cequel/raw-c\n' "$d" "$n"
    for w in ${workloads//,/ }; do
        local ts=1
        [ "$w" = W6 ] && ts="${threads//,/ }"
        for t in $ts; do
            r=$(ir "$build/bench/raw_c" "$d" "$raw_db" "W1,$w" "$t")
            c=$(ir "$build/bench/cequel_bench" "$d" "$cq_db" "W1,$w" "$t")
            local name="$w"
            [ "$w" = W6 ] && name="W6/T=$t"
            awk -v n="$name" -v r=$((r - base_r)) -v c=$((c - base_c)) \
                'BEGIN { printf "  %-8s %12.1f %14.1f %13.2f\n", n, r / 1e6, c / 1e6, c / r }'
        done
    done
}

measure sqlite "$tmp/raw.sqlite" "$tmp/cequel.sqlite"
[ -z "$pg" ] || measure postgres "$pg" "$pg"
