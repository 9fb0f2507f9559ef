# SPDX-License-Identifier: MIT
# Cross toolchain for aarch64 (arm64): 64-bit little-endian, with Debian's gcc-aarch64-linux-gnu;
# its programs run under qemu-aarch64. See debian-cross.cmake.
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(IPC_CROSS_TRIPLE aarch64-linux-gnu)
set(IPC_CROSS_QEMU qemu-aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake)
