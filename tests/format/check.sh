#!/usr/bin/env bash
# Every C source and header follows .clang-format. Lists the files that do not (fix with
# `make format`). Usage: check.sh SOURCE_DIR
# Without clang-format the check is skipped (exit 77), except under CI, where it must run.
set -u
src="$1"
if ! command -v clang-format >/dev/null 2>&1; then
    if [ -n "${CI:-}" ] && [ "${CI:-}" != false ]; then
        echo "clang-format is missing; scripts/setup-deps installs it" >&2
        exit 1
    fi
    echo "clang-format not installed: skipped" >&2
    exit 77
fi
cd "$src" || exit 1
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    mapfile -t files < <(git ls-files '*.c' '*.h' '*.cc')
else
    mapfile -t files < <(find include src tests examples bench -name '*.[ch]' -o -name '*.cc' 2>/dev/null)
fi
[ ${#files[@]} -gt 0 ] || { echo "no sources found under $src" >&2; exit 1; }
bad=0
for f in "${files[@]}"; do
    [ -f "$f" ] || continue
    if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
        echo "not formatted: $f" >&2
        bad=1
    fi
done
[ $bad -eq 0 ] && echo "format: ${#files[@]} files follow .clang-format"
exit $bad
