#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Tests of cmake/IpcDiscover.cmake: each case a test program lists becomes a
CTest test "<SPEC-ID>:<case>", the ID taken from the words of the case's name
up to its number; a variant row's case "case/row" takes its ID from the part
before the '/', whatever digits or '_' the row's name holds.

    python3 tests/spec_report/test_discover.py [path/to/cmake]

See also: cmake/IpcDiscover.cmake, cmake/IpcTest.cmake.
"""

import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

DISCOVER = Path(__file__).resolve().parents[2] / "cmake" / "IpcDiscover.cmake"
CMAKE = os.environ.get("IPC_CMAKE") or shutil.which("cmake") or "cmake"
ADD_TEST = re.compile(r'^add_test\(\[==\[(.*)\]==\] "[^"]*" "([^"]*)"\)$', re.MULTILINE)


def discover(cases):
    """Return [(ctest name, argument)] IpcDiscover writes for a program
    whose --list prints cases."""
    with tempfile.TemporaryDirectory(prefix="discover-test-") as scratch:
        program = Path(scratch, "prog")
        program.write_text("#!/bin/sh\ncat <<'END'\n" + "\n".join(cases) + "\nEND\n")
        program.chmod(program.stat().st_mode | stat.S_IXUSR)
        out = Path(scratch, "out.cmake")
        subprocess.run([CMAKE, f"-DBIN={program}", f"-DOUT={out}", "-DLABELS=conformance,pipe",
                        "-DTIMEOUT=60", "-DSKIP_CODE=77", "-DENV=", "-P", str(DISCOVER)],
                       check=True, capture_output=True, timeout=60)
        return ADD_TEST.findall(out.read_text())


class DiscoverTest(unittest.TestCase):
    def test_plain_cases_and_variant_rows(self):
        self.assertEqual(discover([
            "test_pipe_eof_01_all_writers_closed_read_zero",
            "test_sock_pair_02_closed_peer_epipe/stream",
            "test_sock_pair_03_credentials/row_with_07_digits",
            "fault_mq_fault_04_send_eintr/posix_mq_send",
            "test_without_number/row_01",
        ]), [
            ("PIPE-EOF-01:test_pipe_eof_01_all_writers_closed_read_zero",
             "test_pipe_eof_01_all_writers_closed_read_zero"),
            ("SOCK-PAIR-02:test_sock_pair_02_closed_peer_epipe/stream",
             "test_sock_pair_02_closed_peer_epipe/stream"),
            ("SOCK-PAIR-03:test_sock_pair_03_credentials/row_with_07_digits",
             "test_sock_pair_03_credentials/row_with_07_digits"),
            ("MQ-FAULT-04:fault_mq_fault_04_send_eintr/posix_mq_send",
             "fault_mq_fault_04_send_eintr/posix_mq_send"),
            ("NOID:test_without_number/row_01", "test_without_number/row_01"),
        ])


if __name__ == "__main__":
    if len(sys.argv) > 1 and not sys.argv[1].startswith("-"):
        CMAKE = sys.argv.pop(1)
    unittest.main()
