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
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND ${CMAKE_COMMAND}
      -D "BIN=$<TARGET_FILE:${target}>" -D "OUT=${list_file}"
      -D "LABELS=${kind},${mech}" -D "TIMEOUT=${IPC_TEST_TIMEOUT}"
      -D "SKIP_CODE=${IPC_SKIP_RETURN_CODE}" -D "ENV=${env}"
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
endfunction()

# The programs tests exec, by absolute path: the demos and the helpers.
function(_ipc_programs target)
  target_compile_definitions(${target} PRIVATE
    "IPCSPEC_FDCHECK=\"$<TARGET_FILE:ipcspec-fdcheck>\""
    "IPCSPEC_PIPE_DEMO=\"$<TARGET_FILE:ipcspec-pipe-demo>\""
    "IPCSPEC_MQ_SERVER_DEMO=\"$<TARGET_FILE:ipcspec-mq-server>\""
    "IPCSPEC_MQ_CLIENT_DEMO=\"$<TARGET_FILE:ipcspec-mq-client>\"")
  add_dependencies(${target} ipcspec-fdcheck ipcspec-pipe-demo ipcspec-mq-server ipcspec-mq-client)
  # signals (issue 6)
  target_compile_definitions(${target} PRIVATE
    "IPCSPEC_SIG_DEMO=\"$<TARGET_FILE:ipcspec-sig-demo>\"")
  add_dependencies(${target} ipcspec-sig-demo)
  # shared memory (issue 4)
  target_compile_definitions(${target} PRIVATE
    "IPCSPEC_SHM_PUBLISHER_DEMO=\"$<TARGET_FILE:ipcspec-shm-publisher>\""
    "IPCSPEC_SHM_SUBSCRIBER_DEMO=\"$<TARGET_FILE:ipcspec-shm-subscriber>\"")
  add_dependencies(${target} ipcspec-shm-publisher ipcspec-shm-subscriber)
  # sockets (issue 5)
  target_compile_definitions(${target} PRIVATE
    "IPCSPEC_SOCK_SERVER_DEMO=\"$<TARGET_FILE:ipcspec-sock-server>\""
    "IPCSPEC_SOCK_CLIENT_DEMO=\"$<TARGET_FILE:ipcspec-sock-client>\"")
  add_dependencies(${target} ipcspec-sock-server ipcspec-sock-client)
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
