# SPDX-License-Identifier: MIT
# Shared part of the cross toolchain files: Debian's cross compiler for
# IPC_CROSS_TRIPLE (gcc-<triple>, with libc6-dev-<arch>-cross), static test
# programs, and qemu-user as the emulator CTest and case discovery run them
# with. Static, because qemu-user then needs no target libraries (and a
# dynamically linked child hung after fork under qemu-aarch64 on the build host).
# Each <triple>.cmake sets CMAKE_SYSTEM_PROCESSOR, IPC_CROSS_TRIPLE and
# IPC_CROSS_QEMU, then includes this file. ci/target provides a cmocka built
# for the target (PKG_CONFIG_LIBDIR); see its header.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_C_COMPILER ${IPC_CROSS_TRIPLE}-gcc)
set(CMAKE_FIND_ROOT_PATH /usr/${IPC_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH) # and the cmocka ci/target builds
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_EXE_LINKER_FLAGS_INIT -static)
set(CMAKE_CROSSCOMPILING_EMULATOR ${IPC_CROSS_QEMU})
