# SPDX-License-Identifier: MIT
# Run after a test program is built: list its cases and write the CTest
# registrations, one test per case, named "<SPEC-ID>:<case>".
# Inputs: BIN, OUT, LABELS (comma-separated), TIMEOUT, SKIP_CODE, ENV (comma-separated),
# EMULATOR (comma-separated words: CMAKE_CROSSCOMPILING_EMULATOR, or empty).
# With an emulator, the program is listed and every case run through it, and
# the cases get IPCSPEC_RUNNER (its words, space-separated), through which the
# harness runs the programs a test executes (tests/targets/runner.h).
string(REPLACE "," ";" emulator "${EMULATOR}")
execute_process(COMMAND ${emulator} "${BIN}" --list
  OUTPUT_VARIABLE cases RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${emulator} ${BIN} --list failed (${rc}): ${err}")
endif()
string(REPLACE "," ";" labels "${LABELS}")
string(REPLACE "," ";" env "${ENV}")
set(command "")
if(emulator)
  string(REPLACE ";" " " runner "${emulator}")
  list(APPEND env "IPCSPEC_RUNNER=${runner}")
  foreach(word IN LISTS emulator)
    string(APPEND command "[==[${word}]==] ")
  endforeach()
endif()
string(REPLACE "\n" ";" cases "${cases}")

set(script "# Generated from `${BIN} --list`; do not edit.\n")
foreach(case IN LISTS cases)
  if(case STREQUAL "")
    continue()
  endif()
  # test_pipe_eof_01_reader_sees_zero -> PIPE-EOF-01: words up to the first
  # all-digit word of two or three digits. No such word: the spec report
  # flags the test as naming no known ID. A variant row's case,
  # test_pipe_eof_01_reader_sees_zero/rowname, takes its ID from the part
  # before the '/'.
  string(REGEX REPLACE "/.*$" "" base "${case}")
  string(REGEX REPLACE "^(test|fault)_" "" rest "${base}")
  string(REPLACE "_" ";" words "${rest}")
  set(id "")
  set(found FALSE)
  foreach(word IN LISTS words)
    list(APPEND id "${word}")
    if(word MATCHES "^[0-9][0-9][0-9]?$")
      set(found TRUE)
      break()
    endif()
  endforeach()
  if(found)
    string(JOIN "-" id ${id})
    string(TOUPPER "${id}" id)
  else()
    set(id "NOID")
  endif()
  set(name "${id}:${case}")
  string(APPEND script
    "add_test([==[${name}]==] ${command}\"${BIN}\" \"${case}\")\n"
    "set_tests_properties([==[${name}]==] PROPERTIES"
    " LABELS \"${labels}\" TIMEOUT ${TIMEOUT} SKIP_RETURN_CODE ${SKIP_CODE}")
  if(env)
    string(APPEND script " ENVIRONMENT \"${env}\"")
  endif()
  string(APPEND script ")\n")
endforeach()
file(WRITE "${OUT}" "${script}")
