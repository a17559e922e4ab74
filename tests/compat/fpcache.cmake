# SPDX-License-Identifier: Apache-2.0
#
# compat_fpcache: the warm fingerprint cache of `ecr-assets hash` against
# aws-cdk-lib 2.276.0 cold, after edits including one that keeps size and
# mtime (where aws-cdk-lib's own cache goes stale; the output shows it).
# Needs node and tests/compat/node_modules; without them the test fails.
find_program(ECRA_NODE NAMES node nodejs)
if(ECRA_NODE)
  add_test(NAME compat_fpcache
    COMMAND ${ECRA_NODE} ${CMAKE_CURRENT_SOURCE_DIR}/compat/fpcache_stale.js
      --cli $<TARGET_FILE:ecr-assets>)
else()
  add_test(NAME compat_fpcache
    COMMAND sh -c "echo 'node is not installed: run scripts/install-deps.sh' >&2; exit 1")
endif()
set_tests_properties(compat_fpcache PROPERTIES LABELS "compat" TIMEOUT 300)
