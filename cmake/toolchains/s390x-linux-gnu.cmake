# SPDX-License-Identifier: MIT
# Cross toolchain for s390x: 64-bit big-endian, with Debian's gcc-s390x-linux-gnu;
# its programs run under qemu-s390x. See debian-cross.cmake.
set(CMAKE_SYSTEM_PROCESSOR s390x)
set(IPC_CROSS_TRIPLE s390x-linux-gnu)
set(IPC_CROSS_QEMU qemu-s390x)
include(${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake)
