#!/usr/bin/env bash
# Installs the build into a scratch prefix, then builds a program against the installed
# header and library twice: through pkg-config and through CMake's find_package(cequel).
# Usage: check.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
# a sanitized library needs its consumer built with the same sanitizers
san=""
if grep -q '^CQ_SANITIZE:BOOL=ON' "$build/CMakeCache.txt"; then
    san="-fsanitize=address,undefined"
fi
test -f "$tmp/prefix/include/cequel.h"
test -f "$tmp/prefix/include/cequel/assoc.h"
ls "$tmp/prefix"/lib*/libcequel.a "$tmp/prefix"/lib*/libcequel.so >/dev/null

cat > "$tmp/hello.c" <<'C'
#include <cequel.h>
#include <stdio.h>
int main(void)
{
    cq_db *db = NULL;
    if (cq_db_open(&db, "sqlite::memory:", NULL, NULL) != CQ_OK)
        return 1;
    cq_model *m = NULL;
    int rc = cq_db_define(&m, db, "person", (cq_attr[]){ { .name = "name", .type = CQ_STRING }, { 0 } }, NULL);
    printf("%s\n", rc == CQ_OK ? cq_model_table_name(m) : "define failed");
    cq_db_close(db);
    return rc == CQ_OK ? 0 : 1;
}
C
libdir=$(dirname "$(ls "$tmp/prefix"/lib*/pkgconfig/cequel.pc)")
export PKG_CONFIG_PATH="$libdir"
cc -std=c11 -Wall -Werror $san "$tmp/hello.c" $(pkg-config --cflags --libs cequel) \
   -Wl,-rpath,"$(dirname "$libdir")" -o "$tmp/hello_pc"
test "$("$tmp/hello_pc")" = "people"
# without an rpath the loader finds the library through LD_LIBRARY_PATH (or ldconfig when the
# prefix's lib folder is listed in /etc/ld.so.conf.d)
cc -std=c11 -Wall -Werror $san "$tmp/hello.c" $(pkg-config --cflags --libs cequel) -o "$tmp/hello_env"
test "$(LD_LIBRARY_PATH="$(dirname "$libdir")" "$tmp/hello_env")" = "people"

mkdir -p "$tmp/cm"
cat > "$tmp/cm/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.18)
project(hello C)
find_package(cequel REQUIRED)
add_executable(hello ../hello.c)
target_link_libraries(hello PRIVATE cequel::cequel)
CM
cmake -S "$tmp/cm" -B "$tmp/cm/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" \
      -DCMAKE_C_FLAGS="$san" -DCMAKE_EXE_LINKER_FLAGS="$san" >/dev/null
cmake --build "$tmp/cm/build" >/dev/null
# CMake records the imported library's folder as the program's RUNPATH (build tree)
test "$("$tmp/cm/build/hello")" = "people"
echo "install: header, libraries, pkg-config and find_package(cequel) all work"
