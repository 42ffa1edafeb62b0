#!/usr/bin/env bash
# The folders of src/ use only the folders below them, in the order src/LAYERS declares:
#  (a) every `#include "folder/..."` in src/<folder>/ names its own folder or a lower one;
#  (b) every symbol an object file of the library leaves undefined, when another object file
#      of the library defines it, is defined in its own folder or a lower one (nm).
# Usage: check-layers.sh SRC_DIR [OBJECT_LIST]
#   OBJECT_LIST: a file naming the library's object files, one a line (CMake writes it);
#   without it only the includes are checked.
# Prints every use that points up (or sideways between peers), and fails if there is one.
set -u
src="${1:?usage: check-layers.sh SRC_DIR [OBJECT_LIST]}"
objlist="${2:-}"
layers="$src/LAYERS"
[ -f "$layers" ] || { echo "no $layers" >&2; exit 1; }

# folder -> rank (line number among the declaring lines; peers share one)
declare -A rank
r=0
while IFS= read -r line; do
    line="${line%%#*}"
    read -ra words <<<"$line"
    [ ${#words[@]} -gt 0 ] || continue
    r=$((r + 1))
    for w in "${words[@]}"; do
        if [ -n "${rank[$w]:-}" ]; then
            echo "src/LAYERS: $w is declared twice" >&2
            exit 1
        fi
        rank[$w]=$r
    done
done <"$layers"

bad=0
# Every folder of src/ holding sources is declared (a new folder gets its place in the order).
for d in "$src"/*/; do
    d="${d%/}"
    compgen -G "$d/*.[ch]" >/dev/null || continue
    d="${d##*/}"
    if [ -z "${rank[$d]:-}" ]; then
        echo "src/$d: not declared in src/LAYERS"
        bad=1
    fi
done

ranks="$(for k in "${!rank[@]}"; do printf '%s=%s ' "$k" "${rank[$k]}"; done)"

# (a) includes
out="$(grep -rn --include='*.c' --include='*.h' '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$src" |
    awk -v src="$src/" -v ranks="$ranks" '
        BEGIN { n = split(ranks, kv, " "); for (i = 1; i <= n; i++) { split(kv[i], p, "="); rk[p[1]] = p[2] } }
        {
            file = $0; sub(/:.*/, "", file); rel = substr(file, length(src) + 1)
            rest = substr($0, length(file) + 2); lineno = rest; sub(/:.*/, "", lineno)
            if (!match(rest, /"[^"]*"/)) next
            inc = substr(rest, RSTART + 1, RLENGTH - 2)
            if (index(inc, "/") == 0) next
            from = rel; sub(/\/.*/, "", from); to = inc; sub(/\/.*/, "", to)
            if (!(from in rk) || !(to in rk)) next
            cnt++
            if (to != from && rk[to] >= rk[from])
                printf "src/%s:%s: includes \"%s\": %s in src/LAYERS\n", rel, lineno, inc,
                    rk[to] == rk[from] ? from " and " to " are peers" : from " is below " to
        }
        END { printf "#count %d\n", cnt }')"
nincl="$(sed -n 's/^#count //p' <<<"$out")"
if grep -v '^#count ' <<<"$out" | grep -q .; then
    grep -v '^#count ' <<<"$out"
    bad=1
fi

# (b) symbols: who defines each global symbol, then who uses it
nsym=0
if [ -n "$objlist" ]; then
    mapfile -t objs < <(grep -v '^[[:space:]]*$' "$objlist")
    [ ${#objs[@]} -gt 0 ] || { echo "no object files in $objlist" >&2; exit 1; }
    for o in "${objs[@]}"; do
        case "$o" in */src/*/*) ;; *) echo "cannot tell the folder of $o" >&2; exit 1 ;; esac
    done
    # nm -A: "<object>: <name> <type> ..."; objects are .../src/<folder>/<file>.c.o (CMake)
    table="$(nm -A -P "${objs[@]}" | awk '{
            o = $1; sub(/:$/, "", o); t = o; sub(/.*\/src\//, "", t)
            folder = t; sub(/\/.*/, "", folder); file = t; sub(/^[^\/]*\//, "", file); sub(/\.o$/, "", file)
            if ($3 == "U") print "U", folder, file, $2
            else if ($3 ~ /^[TDBRCVWGS]$/) print "D", folder, file, $2
        }')" || exit 1
    out="$(awk -v ranks="$ranks" '
        BEGIN { n = split(ranks, kv, " "); for (i = 1; i <= n; i++) { split(kv[i], p, "="); rk[p[1]] = p[2] } }
        $1 == "D" { deff[$4] = $2; defile[$4] = $3; next }
        $1 == "U" { u[++nu] = $2 " " $3 " " $4 }
        END {
            for (i = 1; i <= nu; i++) {
                split(u[i], a, " ")
                if (!(a[3] in deff)) continue
                cnt++
                to = deff[a[3]]
                if (!(a[1] in rk) || !(to in rk)) continue
                if (to != a[1] && rk[to] >= rk[a[1]])
                    printf "src/%s/%s calls %s, defined in src/%s/%s: %s in src/LAYERS\n", a[1], a[2],
                        a[3], to, defile[a[3]], rk[to] == rk[a[1]] ? a[1] " and " to " are peers" : a[1] " is below " to
            }
            printf "#count %d\n", cnt
        }' <<<"$table")"
    nsym="$(sed -n 's/^#count //p' <<<"$out")"
    if grep -v '^#count ' <<<"$out" | grep -q .; then
        grep -v '^#count ' <<<"$out"
        bad=1
    fi
fi

if [ $bad -ne 0 ]; then
    echo "layers: uses above point up the order of src/LAYERS" >&2
    exit 1
fi
echo "layers: ${#rank[@]} folders in order; $nincl includes and $nsym uses of library symbols across files point down or stay in their folder"
