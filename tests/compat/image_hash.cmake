# SPDX-License-Identifier: Apache-2.0
#
# compat_image_hash: `ecr-assets hash --image DIR` against aws-cdk-lib
# 2.276.0's DockerImageAsset assetHash/imageTag for several option sets
# (tests/compat/image_hash.js). Needs node and tests/compat/node_modules;
# without them the test fails.
find_program(ECRA_NODE NAMES node nodejs)
if(ECRA_NODE)
  add_test(NAME compat_image_hash
    COMMAND ${ECRA_NODE} ${CMAKE_CURRENT_SOURCE_DIR}/compat/image_hash.js
      --cli $<TARGET_FILE:ecr-assets>)
else()
  add_test(NAME compat_image_hash
    COMMAND sh -c "echo 'node is not installed: run scripts/install-deps.sh' >&2; exit 1")
endif()
set_tests_properties(compat_image_hash PROPERTIES LABELS "compat" TIMEOUT 300)
