# SPDX-License-Identifier: Apache-2.0
#
# compat_copy: ecra_fingerprint_copy_directory() against aws-cdk-lib's
# copyDirectory() on random trees (tests/compat/copy_diff.js). Needs node
# and tests/compat/node_modules; without them the test fails.
add_executable(ecra_copy_driver ${CMAKE_CURRENT_SOURCE_DIR}/compat/copy_driver.c)
target_link_libraries(ecra_copy_driver PRIVATE ecrassets_static)
find_program(ECRA_NODE NAMES node nodejs)
if(ECRA_NODE)
  add_test(NAME compat_copy
    COMMAND ${ECRA_NODE} ${CMAKE_CURRENT_SOURCE_DIR}/compat/copy_diff.js
      --driver $<TARGET_FILE:ecra_copy_driver> --cases 60)
else()
  add_test(NAME compat_copy
    COMMAND sh -c "echo 'node is not installed: run scripts/install-deps.sh' >&2; exit 1")
endif()
set_tests_properties(compat_copy PROPERTIES LABELS "compat" TIMEOUT 300)
