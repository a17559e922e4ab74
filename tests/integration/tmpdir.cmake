# SPDX-License-Identifier: Apache-2.0
# Every test of this directory runs with a private TMPDIR, and the suite
# fails when a private docker config (`ecra-docker-*`, `cdkDockerConfig-ecra-*`:
# they may hold registry passwords) is left there: the fixture's cleanup
# test, tmpdir_leftovers, runs after all of them (also under `ctest -R`).
# Under /tmp so that tests/helpers.h's sandbox_cleanup() still applies.
string(MD5 ecra_tmp_hash "${CMAKE_BINARY_DIR}")
string(SUBSTRING "${ecra_tmp_hash}" 0 12 ecra_tmp_hash)
set(ECRA_TEST_TMPDIR /tmp/ecra-ctest-${ecra_tmp_hash})
add_test(NAME tmpdir_setup COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/integration/tmpdir_check.sh
  setup ${ECRA_TEST_TMPDIR})
add_test(NAME tmpdir_leftovers COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/integration/tmpdir_check.sh
  check ${ECRA_TEST_TMPDIR})
set_tests_properties(tmpdir_setup PROPERTIES FIXTURES_SETUP ecra_tmpdir LABELS lint)
set_tests_properties(tmpdir_leftovers PROPERTIES FIXTURES_CLEANUP ecra_tmpdir LABELS lint)

function(ecra_tmpdir_apply)
  get_property(all DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR} PROPERTY TESTS)
  foreach(t IN LISTS all)
    if(NOT t STREQUAL "tmpdir_setup" AND NOT t STREQUAL "tmpdir_leftovers")
      set_property(TEST ${t} APPEND PROPERTY ENVIRONMENT "TMPDIR=${ECRA_TEST_TMPDIR}")
      set_property(TEST ${t} APPEND PROPERTY FIXTURES_REQUIRED ecra_tmpdir)
    endif()
  endforeach()
endfunction()
# After every part of every suite has added its tests.
cmake_language(DEFER CALL ecra_tmpdir_apply)
