#!/usr/bin/env bash
# The Debian packages, as a user makes them: a Release build with prefix /usr, then
# `cpack -G DEB`. Checks the three packages (names, files, dependencies apt can satisfy
# here), installs them with dpkg into a scratch root (no chroot, the system is untouched),
# and builds and runs a program against the installed files through pkg-config and CMake.
# Usage: deb.sh SOURCE_DIR [SANITIZE]
set -euo pipefail
src=$1
if [ "${2:-OFF}" = ON ]; then
    echo "skipped in the sanitizer build (a package is a Release build)"
    exit 77
fi
for tool in cpack dpkg dpkg-deb dpkg-shlibdeps; do
    if ! command -v $tool >/dev/null; then
        echo "$tool not installed"
        [ -n "${CI:-}" ] && exit 1
        exit 77
    fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cmake -S "$src" -B "$tmp/build" -DCMAKE_INSTALL_PREFIX=/usr >"$tmp/configure.log" 2>&1 ||
    { cat "$tmp/configure.log"; exit 1; }
grep -q '^CMAKE_BUILD_TYPE:STRING=Release' "$tmp/build/CMakeCache.txt"
grep -q '^CQ_BUILD_TESTS:BOOL=OFF' "$tmp/build/CMakeCache.txt"
cmake --build "$tmp/build" -j "${JOBS:-2}" >"$tmp/build.log" 2>&1 || { tail -30 "$tmp/build.log"; exit 1; }
(cd "$tmp/build" && cpack -G DEB >"$tmp/cpack.log" 2>&1) || { cat "$tmp/cpack.log"; exit 1; }

deb() { ls "$tmp/build/$1"_*.deb; }
lib=$(deb libcequel) dev=$(deb libcequel-dev) cli=$(deb cequel)
for p in "$lib" "$dev" "$cli"; do
    echo "== $(dpkg-deb -f "$p" Package) $(dpkg-deb -f "$p" Version): $(dpkg-deb -f "$p" Depends)"
done
contains() { dpkg-deb -c "$1" >"$tmp/list"; grep -q "$2" "$tmp/list" || { echo "$(basename "$1") lacks $2"; exit 1; }; }
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
contains "$lib" "usr/lib/$ma/libcequel.so.0"
contains "$dev" "usr/include/cequel.h"
contains "$dev" "usr/lib/$ma/libcequel.a"
contains "$dev" "usr/lib/$ma/pkgconfig/cequel.pc"
contains "$dev" "usr/lib/$ma/cmake/cequel/cequelConfig.cmake"
contains "$cli" "usr/bin/cequel"
contains "$cli" "usr/share/man/man1/cequel.1"
[[ "$(dpkg-deb -f "$lib" Depends)" == *libsqlite3* ]]
[[ "$(dpkg-deb -f "$dev" Depends)" == *"libcequel (= "* ]]
if dpkg-deb -c "$lib" | grep include >/dev/null; then echo "headers in the runtime package"; exit 1; fi

# apt can install them here (every dependency resolvable), simulated.
if command -v apt-get >/dev/null; then
    apt-get install -s "$lib" "$dev" "$cli" >"$tmp/apt.log" 2>&1 || { cat "$tmp/apt.log"; exit 1; }
    grep -q '^Inst libcequel ' "$tmp/apt.log"
    grep -q '^Inst libcequel-dev ' "$tmp/apt.log"
    grep -q '^Inst cequel ' "$tmp/apt.log"
fi

# dpkg into a scratch root: its own, empty package database, so the system's dependencies
# are not known there (--force-depends); maintainer scripts are not run in it.
root="$tmp/root"
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
touch "$root/var/lib/dpkg/status"
dpkg --root="$root" --force-not-root --force-depends --force-script-chrootless \
     --log=/dev/null -i "$lib" "$dev" "$cli" >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; exit 1; }
dpkg --root="$root" -l | grep -E '^ii +(libcequel|libcequel-dev|cequel) ' | wc -l | grep -qx 3

cat >"$tmp/smoke.c" <<'C'
#include <cequel.h>
#include <stdio.h>
int main(void)
{
    cq_db *db = NULL;
    if (cq_db_open(&db, "sqlite::memory:", NULL, NULL) != CQ_OK)
        return 1;
    cq_model *user = NULL, *task = NULL;
    cq_assoc *tasks = NULL;
    int rc = cq_db_define(&user, db, "user", (cq_attr[]){ { .name = "name", .type = CQ_STRING }, { 0 } }, NULL);
    if (rc == CQ_OK)
        rc = cq_db_define(&task, db, "task", (cq_attr[]){ { .name = "title", .type = CQ_STRING }, { 0 } }, NULL);
    if (rc == CQ_OK)
        rc = cq_model_has_many(&tasks, user, task, NULL);
    if (rc == CQ_OK)
        rc = cq_db_sync(db, NULL);
    if (rc == CQ_OK)
        printf("%s %s\n", cq_model_table_name(task), cq_assoc_foreign_key(tasks));
    else
        fprintf(stderr, "%s\n", cq_db_error(db)->message);
    cq_db_close(db);
    return rc == CQ_OK ? 0 : 1;
}
C
libdir="$root/usr/lib/$ma"
# pkg-config: the .pc file finds its prefix from its own place, so it points into the root.
PKG_CONFIG_PATH="$libdir/pkgconfig" cc -std=c11 -Wall -Werror "$tmp/smoke.c" \
    $(PKG_CONFIG_PATH="$libdir/pkgconfig" pkg-config --cflags --libs cequel) -o "$tmp/smoke"
test "$(LD_LIBRARY_PATH="$libdir" "$tmp/smoke")" = "tasks userId"
# the program really uses the packaged libcequel.so.0
LD_LIBRARY_PATH="$libdir" ldd "$tmp/smoke" | grep "$libdir/libcequel.so.0" >/dev/null
# CMake package
mkdir -p "$tmp/cm"
cat >"$tmp/cm/CMakeLists.txt" <<CM
cmake_minimum_required(VERSION 3.18)
project(smoke C)
find_package(cequel REQUIRED)
add_executable(smoke $tmp/smoke.c)
target_link_libraries(smoke PRIVATE cequel::cequel)
CM
cmake -S "$tmp/cm" -B "$tmp/cm/build" -DCMAKE_PREFIX_PATH="$root/usr" >/dev/null
cmake --build "$tmp/cm/build" >/dev/null
test "$("$tmp/cm/build/smoke")" = "tasks userId"
# the command and its man page
cat >"$tmp/schema.json" <<'J'
{ "models": { "user": {}, "task": {} }, "associations": [ { "source": "user", "hasMany": "task" } ] }
J
"$root/usr/bin/cequel" describe --schema "$tmp/schema.json" | grep '"foreignKey": "userId"' >/dev/null
man -l "$root/usr/share/man/man1/cequel.1"* 2>/dev/null | grep 'cequel' >/dev/null
echo "deb: libcequel, libcequel-dev and cequel built, installed into a scratch root, smoke test passed"
