# SPDX-License-Identifier: MIT
# One CMake helper per kind of test. Each test program is a cmocka group; every
# case in it becomes its own CTest test, named "<SPEC-ID>:<case>", so
#   ctest -R PIPE-EOF-01
# runs one behaviour alone. The cases are discovered after each build by
# asking the program (`prog --list`), so adding a case needs no CMake edit.

set(IPC_TEST_TIMEOUT 60 CACHE STRING "CTest TIMEOUT of each test case, seconds")
set(IPC_SKIP_RETURN_CODE 77)

# _ipc_register(target kind mech [ENV var=value...])
function(_ipc_register target kind mech)
  set(list_file "${CMAKE_CURRENT_BINARY_DIR}/${target}.tests.cmake")
  set(include_file "${CMAKE_CURRENT_BINARY_DIR}/${target}.include.cmake")
  string(REPLACE ";" "," env "${ARGN}")
  # A target's runner (qemu-user, valgrind, a wrapper): honoured natively too.
  string(REPLACE ";" "," emulator "${CMAKE_CROSSCOMPILING_EMULATOR}")
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND ${CMAKE_COMMAND}
      -D "BIN=$<TARGET_FILE:${target}>" -D "OUT=${list_file}"
      -D "LABELS=${kind},${mech}" -D "TIMEOUT=${IPC_TEST_TIMEOUT}"
      -D "SKIP_CODE=${IPC_SKIP_RETURN_CODE}" -D "ENV=${env}" -D "EMULATOR=${emulator}"
      -P "${PROJECT_SOURCE_DIR}/cmake/IpcDiscover.cmake"
    BYPRODUCTS "${list_file}"
    VERBATIM)
  file(WRITE "${include_file}"
    "if(EXISTS \"${list_file}\")\n"
    "  include(\"${list_file}\")\n"
    "else()\n"
    "  add_test(${target}_NOT_BUILT ${target}_NOT_BUILT)\n"
    "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${include_file}")
  # packaging/CMakeLists.txt installs every program registered here and
  # lists it for the installed runner.
  set_property(GLOBAL APPEND PROPERTY IPC_TEST_PROGRAMS ${target})
endfunction()

# The programs tests exec: the demos and ipcspec-fdcheck. Each macro names
# an array tests/programs/programs.c fills before main: the build tree's copy
# while the test runs from the build tree, the installed copy (found relative
# to the test program) once `cmake --install` has copied the suite elsewhere.
function(_ipc_programs target)
  set(programs
    IPCSPEC_FDCHECK ipcspec-fdcheck libexec
    IPCSPEC_PIPE_DEMO ipcspec-pipe-demo bin
    IPCSPEC_MQ_SERVER_DEMO ipcspec-mq-server bin
    IPCSPEC_MQ_CLIENT_DEMO ipcspec-mq-client bin
    IPCSPEC_SIG_DEMO ipcspec-sig-demo bin
    IPCSPEC_SHM_PUBLISHER_DEMO ipcspec-shm-publisher bin
    IPCSPEC_SHM_SUBSCRIBER_DEMO ipcspec-shm-subscriber bin
    IPCSPEC_SOCK_SERVER_DEMO ipcspec-sock-server bin
    IPCSPEC_SOCK_CLIENT_DEMO ipcspec-sock-client bin)
  target_compile_definitions(${target} PRIVATE "IPCT_BUILT_DIR=\"$<TARGET_FILE_DIR:${target}>\"")
  while(programs)
    list(POP_FRONT programs macro program where)
    string(REGEX REPLACE "^IPCSPEC_" "" name "${macro}")
    string(TOLOWER "${name}" var)
    if(where STREQUAL "bin")
      set(installed "${IPC_INSTALL_TESTS_TO_BIN}/${program}")
    else()
      set(installed "${program}")
    endif()
    target_compile_definitions(${target} PRIVATE
      "${macro}=ipct_program_${var}"
      "IPCT_BUILT_${name}=\"$<TARGET_FILE:${program}>\""
      "IPCT_INSTALLED_${name}=\"${installed}\"")
    add_dependencies(${target} ${program})
  endwhile()
  target_sources(${target} PRIVATE ${PROJECT_SOURCE_DIR}/tests/programs/programs.c)
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/tests/programs)
  target_compile_options(${target} PRIVATE -include programs.h)
endfunction()

# ipc_add_conformance_test(<mech> <source>...): test_<mech>_<area>.c files.
function(ipc_add_conformance_test mech)
  foreach(src IN LISTS ARGN)
    get_filename_component(target "${src}" NAME_WE)
    add_executable(${target} "${src}")
    target_link_libraries(${target} PRIVATE ipcspec ipctest)
    _ipc_programs(${target})
    _ipc_register(${target} conformance ${mech})
  endforeach()
endfunction()

# ipc_add_fault_test(<mech> <source>...): fault_<mech>_<area>.c files, built
# for libfiu and run under its preload plus ours.
function(ipc_add_fault_test mech)
  foreach(src IN LISTS ARGN)
    get_filename_component(target "${src}" NAME_WE)
    add_executable(${target} "${src}")
    target_link_libraries(${target} PRIVATE ipcspec_fault ipcfault ipctest)
    target_compile_options(${target} PRIVATE -U_FORTIFY_SOURCE -O0)
    _ipc_programs(${target})
    _ipc_register(${target} fault ${mech}
      "LD_PRELOAD=$<TARGET_FILE:ipcspec_preload>:${FIU_POSIX_PRELOAD}")
  endforeach()
endfunction()
