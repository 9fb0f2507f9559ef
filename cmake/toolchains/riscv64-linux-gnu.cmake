# SPDX-License-Identifier: MIT
# Cross toolchain for riscv64: 64-bit little-endian RISC-V (lp64d), with Debian's gcc-riscv64-linux-gnu;
# its programs run under qemu-riscv64. See debian-cross.cmake.
set(CMAKE_SYSTEM_PROCESSOR riscv64)
set(IPC_CROSS_TRIPLE riscv64-linux-gnu)
set(IPC_CROSS_QEMU qemu-riscv64)
include(${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake)
