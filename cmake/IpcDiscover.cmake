# SPDX-License-Identifier: MIT
# Run after a test program is built: list its cases and write the CTest
# registrations, one test per case, named "<SPEC-ID>:<case>".
# Inputs: BIN, OUT, LABELS (comma-separated), TIMEOUT, SKIP_CODE, ENV (comma-separated).
execute_process(COMMAND "${BIN}" --list
  OUTPUT_VARIABLE cases RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${BIN} --list failed (${rc}): ${err}")
endif()
string(REPLACE "," ";" labels "${LABELS}")
string(REPLACE "," ";" env "${ENV}")
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
    "add_test([==[${name}]==] \"${BIN}\" \"${case}\")\n"
    "set_tests_properties([==[${name}]==] PROPERTIES"
    " LABELS \"${labels}\" TIMEOUT ${TIMEOUT} SKIP_RETURN_CODE ${SKIP_CODE}")
  if(env)
    string(APPEND script " ENVIRONMENT \"${env}\"")
  endif()
  string(APPEND script ")\n")
endforeach()
file(WRITE "${OUT}" "${script}")
