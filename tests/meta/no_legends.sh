#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# no_legends.sh DIR...: fail when a test file in DIR encodes a check's verdict
# in an exit status instead of saying it (tests/lib/report.c carries a
# child's own words to the test), or compares values with cmocka's asserts,
# which print no expression and values in hex. Prints each offending line.
set -u
patterns=(
  'ipct_spawn_rc|ipct_child_rc_fn'                     # a child whose int result is its exit status
  '\bSIG_CHECK\('                                      # a check that returned its line as the status
  '__LINE__ *%'                                        # a line number folded into an exit code
  '[Ee]xits?( code| status| with)? [0-9]+(\.\.[0-9]+)?:' # "Exit 3: the letter c", a legend
  '\bassert_(int_equal|int_not_equal|true|false|string_equal|string_not_equal|memory_equal|memory_not_equal|null|non_null|ptr_equal|ptr_not_equal|in_range|not_in_range|return_code)\('
)
found=0
for pattern in "${patterns[@]}"; do
  if grep -rnE --include='*.c' --include='*.h' -- "$pattern" "$@"; then
    found=1
  fi
done
if ((found)); then
  echo "no_legends.sh: the lines above report through exit codes or print no values;" \
    "use the ASSERT_ family in the child (tests/lib/ipctest.h)" >&2
  exit 1
fi
echo "no_legends.sh: no exit-code legend and no plain cmocka value assert in $*"
