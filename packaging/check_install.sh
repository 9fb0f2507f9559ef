#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# check_install.sh BUILD_DIR OUTSIDE_C: the install test (CTest
# install.prefix-pkgconfig-runner). Installs BUILD_DIR into a temporary
# prefix, checks the library, headers and ipcspec.pc are there, builds
# OUTSIDE_C with `pkg-config --cflags --libs ipcspec` (and once against the
# static library) and runs it, then runs the installed suite with
# ipcspec-run, which must pass with its spec report. Exits 0 when all of
# that holds, 1 with the step that failed; the prefix is removed either way.
set -euo pipefail
build=$1
outside=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/ipcspec-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

fail() {
  echo "check_install: FAILED: $*" >&2
  exit 1
}

cmake --install "$build" --prefix "$prefix" >"$work/install.log" ||
  { cat "$work/install.log"; fail "cmake --install"; }

pc=$(find "$prefix" -name ipcspec.pc -path '*/pkgconfig/*')
[[ -n $pc ]] || fail "no ipcspec.pc under $prefix"
export PKG_CONFIG_PATH=${pc%/*}
libdir=$(pkg-config --variable=libdir ipcspec)
includedir=$(pkg-config --variable=includedir ipcspec)
for file in "$libdir/libipcspec.a" "$libdir/libipcspec.so" "$includedir/ipcspec/pipe.h"; do
  [[ -f $file ]] || fail "$file not installed"
done
echo "check_install: installed into $prefix; ipcspec.pc: $(pkg-config --modversion ipcspec)"

# shellcheck disable=SC2046 # pkg-config's output is meant to split into words
cc -Wall -Wextra -Werror -o "$work/outside" "$outside" $(pkg-config --cflags --libs ipcspec) ||
  fail "building outside.c with pkg-config --cflags --libs ipcspec"
out=$(LD_LIBRARY_PATH=$libdir "$work/outside") || fail "outside (shared) exited $?"
[[ $out == "outside: ok" ]] || fail "outside (shared) printed '$out'"
# shellcheck disable=SC2046
cc -Wall -Wextra -Werror -o "$work/outside-static" "$outside" $(pkg-config --cflags ipcspec) \
  "$libdir/libipcspec.a" || fail "building outside.c against libipcspec.a"
out=$("$work/outside-static") || fail "outside (static) exited $?"
[[ $out == "outside: ok" ]] || fail "outside (static) printed '$out'"
echo "check_install: outside.c built with pkg-config and run: $out (shared and static)"

runner=$(find "$prefix" -name ipcspec-run -type f)
[[ -x $runner ]] || fail "no executable ipcspec-run under $prefix"
"$runner" -j "$(nproc)" --output "$work/results" ||
  fail "$runner exited $?"
fails=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["fail"])' \
  "$work/results/spec-report.json") || fail "no spec-report.json from ipcspec-run"
[[ $fails == 0 ]] || fail "the installed suite's spec report has $fails failing entries"
echo "check_install: passed"
