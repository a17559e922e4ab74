# SPDX-License-Identifier: Apache-2.0
# Differential test of the GLOB ignore strategy against aws-cdk-lib's
# GlobIgnoreStrategy (installed in tests/compat/node_modules by
# scripts/test.sh): 400 random pattern lists, about 9,500 queries.
find_program(ECRA_NODE NAMES node nodejs)
if(ECRA_NODE)
  add_test(NAME compat_ignore_glob
    COMMAND ${ECRA_NODE} ${CMAKE_CURRENT_SOURCE_DIR}/compat/ignore_glob_diff.js
            $<TARGET_FILE:ecra_ignore_driver> 20261126 400)
  set_tests_properties(compat_ignore_glob PROPERTIES LABELS compat TIMEOUT 120)
else()
  message(WARNING "node not found: compat_ignore_glob is not registered")
endif()
