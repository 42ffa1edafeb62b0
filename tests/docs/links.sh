#!/usr/bin/env bash
# Every relative link of README.md and docs/*.md points at a file of the repository (the
# manual cites nothing outside it). Usage: links.sh SOURCE_DIR
set -uo pipefail
src=$1
cd "$src" || exit 1
bad=0 n=0
for f in README.md docs/*.md; do
    dir=$(dirname "$f")
    # links outside fenced code blocks: ](target) with no scheme
    while IFS= read -r target; do
        path=${target%%#*}
        [ -z "$path" ] && continue
        n=$((n + 1))
        if [ ! -e "$dir/$path" ]; then
            echo "$f: broken link $target"
            bad=1
        fi
    done < <(awk '/^```/{code=!code; next} !code' "$f" | grep -oE '\]\([^)#][^)]*\)|\]\(#[^)]*\)' |
             sed -E 's/^\]\((.*)\)$/\1/' | grep -vE '^[a-z]+:')
done
# nothing may point outside the repository
if grep -nE '\.\./shared|DEVIATIONS' README.md docs/*.md include/cequel.h include/cequel/*.h; then
    echo "the lines above cite material outside the repository"
    bad=1
fi
[ $bad -eq 0 ] && echo "links: $n relative links, all resolve"
exit $bad
