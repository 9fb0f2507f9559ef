#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# expect.sh STATUS PATTERN COMMAND...: run COMMAND; pass when it exits with
# STATUS and its output (stdout and stderr) has a line matching the extended
# regular expression PATTERN (empty: no pattern). Prints the output either
# way, so a failing meta test shows what the harness said instead.
set -u
want_status=$1 pattern=$2
shift 2
out=$("$@" 2>&1)
status=$?
printf '%s\n' "$out"
if [[ $status -ne $want_status ]]; then
  echo "expect.sh: exit status $status; expected $want_status" >&2
  exit 1
fi
if [[ -n $pattern ]] && ! grep -Eq -- "$pattern" <<<"$out"; then
  echo "expect.sh: no line matches: $pattern" >&2
  exit 1
fi
echo "expect.sh: as expected (status $status)"
