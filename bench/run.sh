#!/usr/bin/env bash
# Builds the benchmarks (Release) and runs raw-c and cequel on SQLite and PostgreSQL, then
# prints cequel/raw-c per workload phase and the peak-RSS ratio (shared/bench/WORKLOAD.md).
#
#   bench/run.sh [--n 2000] [--workloads W1,W2,W2S,W3,W4,W5] [--pg URL|none] [--fk-indexes 1|0]
#                [--threads 1,2,4,8] [--reps 1] [--raw-wal]
#
# SQLite: cequel's pooled connections to a file put it in WAL mode (readers and the writer do
# not block each other); raw-c keeps WORKLOAD.md's DELETE journal unless --raw-wal, which makes
# its connections use WAL too, for a like-for-like comparison.
#
# W6 (concurrent reads: W3 and W5 over T threads sharing one handle) runs when named in
# --workloads, once per T of --threads and repetition (--reps), raw-c and cequel alternating
# at each T; each run loads its data with W1 first. With several repetitions the table shows
# the median and each repetition's ratio.
#
# PostgreSQL: --pg URL (a server of yours; the programs drop and create their six tables in
# that database), else PGHOST/PGPORT/PGUSER with databases bench_raw-c / bench_cequel when
# PGHOST is set, else a throwaway cluster started here with the server's DEFAULT settings
# (fsync and synchronous_commit on, as WORKLOAD.md requires; scripts/test-servers turns them
# off, so it is not used). --pg none skips PostgreSQL.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="${BENCH_BUILD:-$root/build-bench}"
n=2000 workloads="W1,W2,W2S,W3,W4,W5" pg="" fk=1 threads="1,2,4,8" reps=1
while [ $# -gt 0 ]; do
    case "$1" in
    --n) n="$2"; shift 2 ;;
    --workloads) workloads="$2"; shift 2 ;;
    --pg) pg="$2"; shift 2 ;;
    --fk-indexes) fk="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --reps) reps="$2"; shift 2 ;;
    --raw-wal) export BENCH_SQLITE_WAL=1; shift ;;
    *) echo "usage: $0 [--n N] [--workloads LIST] [--pg URL|none] [--fk-indexes 1|0] [--threads LIST] [--reps R] [--raw-wal]" >&2; exit 2 ;;
    esac
done

echo "== build (Release) in $build" >&2
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCQ_BUILD_TESTS=OFF \
    -DCQ_BUILD_EXAMPLES=OFF -DCQ_BUILD_BENCH=ON >/dev/null
cmake --build "$build" -j "${JOBS:-2}" --target raw_c cequel_bench >/dev/null

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cq-bench.XXXXXX")
pg_stop=""
cleanup() {
    [ -n "$pg_stop" ] && eval "$pg_stop" >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT

# W6 runs apart from the others, once per thread count
w6=0
case ",$workloads," in *,W6,*) w6=1 ;; esac
workloads=$(echo ",$workloads," | sed 's/,W6,/,/; s/^,//; s/,$//')
[ -n "$workloads" ] || workloads=W1

# run DIALECT IMPL PROGRAM DB: JSON lines to $tmp/DIALECT.IMPL.json, peak RSS to .rss; then,
# with W6, its line for each T appended (workload renamed W6/T=<T>)
run() {
    local d="$1" impl="$2" prog="$3" db="$4"
    echo "== $impl on $d (n=$n)" >&2
    "$prog" --dialect "$d" --n "$n" --workloads "$workloads" --fk-indexes "$fk" --db "$db" \
        >"$tmp/$d.$impl.json" 2>"$tmp/$d.$impl.err" || {
        cat "$tmp/$d.$impl.err" >&2
        return 1
    }
    cat "$tmp/$d.$impl.json"
    sed -n 's/.*peak_rss_kb=\([0-9]*\).*/\1/p' "$tmp/$d.$impl.err" >"$tmp/$d.$impl.rss"
}

# run_w6 DIALECT RAW_DB CQ_DB: W6 for each T of --threads, --reps times, raw-c and cequel
# alternating (raw-c then cequel at each T, the next T, then the next repetition); each run
# loads its data with W1 first. Lines appended to each program's JSON as W6/T=<T>.
run_w6() {
    local d="$1" raw_db="$2" cq_db="$3" rep t impl prog db
    [ "$w6" = 1 ] || return 0
    for rep in $(seq 1 "$reps"); do
        for t in ${threads//,/ }; do
            for impl in raw-c cequel; do
                if [ "$impl" = raw-c ]; then prog="$build/bench/raw_c" db="$raw_db"; else
                    prog="$build/bench/cequel_bench" db="$cq_db"; fi
                echo "== $impl on $d: W6 with $t threads (repetition $rep, load $(cut -d' ' -f1 /proc/loadavg))" >&2
                "$prog" --dialect "$d" --n "$n" --workloads W1,W6 --threads "$t" --fk-indexes "$fk" \
                    --db "$db" >"$tmp/w6.json" 2>"$tmp/$d.$impl.w6.err" || {
                    cat "$tmp/$d.$impl.w6.err" >&2
                    return 1
                }
                grep '"workload":"W6"' "$tmp/w6.json" | sed "s/\"workload\":\"W6\"/\"workload\":\"W6\/T=$t\"/" |
                    tee -a "$tmp/$d.$impl.json"
            done
        done
    done
}

# report DIALECT: the ratio table
report() {
    local d="$1"
    python3 - "$tmp/$d.raw-c.json" "$tmp/$d.cequel.json" "$tmp/$d.raw-c.rss" "$tmp/$d.cequel.rss" "$d" <<'PY'
import json, sys
import statistics
def median_by_workload(path):
    """workload -> medians of ms and cpu_ms over the lines of that workload, first-seen order"""
    out = {}
    for r in (json.loads(l) for l in open(path)):
        e = out.setdefault(r["workload"], {"workload": r["workload"], "n": r["n"], "all": [],
                                           "cpu": [], "checksum": r["checksum"]})
        e["all"].append(r["ms"])
        e["cpu"].append(r.get("cpu_ms", float("nan")))
        if r["checksum"] != e["checksum"]:
            e["checksum"] = "DIFFERS BETWEEN RUNS"
    for e in out.values():
        e["ms"] = statistics.median(e["all"])
        e["cpu_ms"] = statistics.median(e["cpu"])
    return out
raw = list(median_by_workload(sys.argv[1]).values())
cq = median_by_workload(sys.argv[2])
print(f"\n{sys.argv[5]}, n={raw[0]['n']}:  workload  raw-c ms  cequel ms  cequel/raw-c  "
      "cpu raw-c  cpu cequel  cpu ratio  checksums")
ok = True
for r in raw:
    c = cq.get(r["workload"])
    same = c is not None and c["checksum"] == r["checksum"]
    ok &= same
    ratio = c["ms"] / r["ms"] if c and r["ms"] > 0 else float("nan")
    cpu = c["cpu_ms"] / r["cpu_ms"] if c and r["cpu_ms"] > 0 else float("nan")
    print(f"  {r['workload']:<8} {r['ms']:>10.1f} {c['ms'] if c else float('nan'):>10.1f} "
          f"{ratio:>12.2f} {r['cpu_ms']:>10.1f} {c['cpu_ms'] if c else float('nan'):>11.1f} "
          f"{cpu:>10.2f}  {'equal' if same else 'DIFFER'}"
          + (f"  (median of {len(r['all'])}; ratios " +
             " ".join(f"{b / a:.2f}" for a, b in zip(r["all"], c["all"])) + ")"
             if c and len(r["all"]) > 1 else ""))
rr, rc = (open(p).read().strip() for p in sys.argv[3:5])
if rr and rc:
    print(f"  peak RSS {int(rr)/1024:>9.1f}M {int(rc)/1024:>9.1f}M {int(rc)/int(rr):>12.2f}")
sys.exit(0 if ok else 1)
PY
}

status=0
run sqlite raw-c "$build/bench/raw_c" "$tmp/bench_raw-c.sqlite"
run sqlite cequel "$build/bench/cequel_bench" "$tmp/bench_cequel.sqlite"
run_w6 sqlite "$tmp/bench_raw-c.sqlite" "$tmp/bench_cequel.sqlite"
report sqlite || status=1

if [ "$pg" != none ]; then
    raw_db="" cq_db=""
    if [ -n "$pg" ]; then
        raw_db="$pg" cq_db="$pg"
    elif [ -n "${PGHOST:-}" ]; then
        raw_db="bench_raw-c" cq_db="bench_cequel"
    else
        bin=""
        for d in $(pg_config --bindir 2>/dev/null) $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
            [ -x "$d/initdb" ] && bin="$d" && break
        done
        if [ -z "$bin" ]; then
            echo "== PostgreSQL: no server binaries (initdb) found; skipped" >&2
        else
            as=()
            [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
            mkdir -p "$tmp/pg" && chmod 755 "$tmp" && { [ "$(id -u)" != 0 ] || chown postgres "$tmp/pg"; }
            "${as[@]}" "$bin/initdb" -D "$tmp/pg/data" -U postgres -A trust -E UTF8 --locale=C >/dev/null
            port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
            "${as[@]}" "$bin/pg_ctl" -D "$tmp/pg/data" -l "$tmp/pg/log" -w \
                -o "-p $port -h 127.0.0.1 -k $tmp/pg" start >/dev/null
            pg_stop="${as[*]} $bin/pg_ctl -D $tmp/pg/data -m fast -w stop"
            for db in bench_raw-c bench_cequel; do
                psql -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "CREATE DATABASE \"$db\""
            done
            raw_db="postgres://postgres@127.0.0.1:$port/bench_raw-c"
            cq_db="postgres://postgres@127.0.0.1:$port/bench_cequel"
        fi
    fi
    if [ -n "$raw_db" ]; then
        run postgres raw-c "$build/bench/raw_c" "$raw_db"
        run postgres cequel "$build/bench/cequel_bench" "$cq_db"
        run_w6 postgres "$raw_db" "$cq_db"
        report postgres || status=1
    fi
fi
exit $status
