#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# check_build_testing_off.sh SOURCE_DIR: the CTest test tool.build-testing-off.
# Configures SOURCE_DIR with -DBUILD_TESTING=OFF in a temporary directory and
# checks that the build it would make is the library and the demos only: no
# test program, no harness, no test registered. Exits 0 when so, 1 naming what
# was there; the directory is removed either way.
set -euo pipefail
src=$1
work=$(mktemp -d "${TMPDIR:-/tmp}/ipcspec-notest.XXXXXX")
trap 'rm -rf "$work"' EXIT

cmake -S "$src" -B "$work" -DBUILD_TESTING=OFF -DIPC_BUILD_TESTS=ON -DIPC_FAULT_TESTS=ON \
  >"$work/configure.log" || { cat "$work/configure.log"; exit 1; }
targets=$(cmake --build "$work" --target help | sed -n 's/^\.\.\. \([^ ]*\).*/\1/p')
for want in ipcspec ipcspec_shared ipcspec-pipe-demo ipcspec-sock-server; do
  grep -qx "$want" <<<"$targets" || { echo "BUILD_TESTING=OFF: target $want missing" >&2; exit 1; }
done
unwanted=$(grep -E '^(test_|fault_|ipctest|ipcfault|ipcspec_preload|ipcspec-fdcheck|meta_)' \
  <<<"$targets" || true)
if [[ -n $unwanted ]]; then
  echo "BUILD_TESTING=OFF still builds: $(echo $unwanted)" >&2
  exit 1
fi
echo "BUILD_TESTING=OFF: $(wc -l <<<"$targets") targets, the library and demos, no tests"
