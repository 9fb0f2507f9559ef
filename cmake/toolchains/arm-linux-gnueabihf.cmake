# SPDX-License-Identifier: MIT
# Cross toolchain for armhf: 32-bit ARM, hard float, 32-bit long and time_t, with Debian's gcc-arm-linux-gnueabihf;
# its programs run under qemu-arm. See debian-cross.cmake.
set(CMAKE_SYSTEM_PROCESSOR arm)
set(IPC_CROSS_TRIPLE arm-linux-gnueabihf)
set(IPC_CROSS_QEMU qemu-arm)
include(${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake)
