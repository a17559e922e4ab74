# SPDX-License-Identifier: Apache-2.0
#
# compat_fpcache: the warm fingerprint cache of `ecr-assets hash` against
# aws-cdk-lib 2.276.0 cold, after edits including one that keeps size and
# mtime (where aws-cdk-lib's own cache goes stale; the output shows it).
# compat_image_hash: `ecr-assets hash --image DIR` against aws-cdk-lib's
# DockerImageAsset assetHash/imageTag for several option sets.
# Both need node and tests/compat/node_modules; without them they fail.
find_program(ECRA_NODE NAMES node nodejs)
foreach(t fpcache_stale:compat_fpcache image_hash:compat_image_hash)
  string(REPLACE ":" ";" parts ${t})
  list(GET parts 0 script)
  list(GET parts 1 name)
  if(ECRA_NODE)
    add_test(NAME ${name}
      COMMAND ${ECRA_NODE} ${CMAKE_CURRENT_SOURCE_DIR}/compat/${script}.js
        --cli $<TARGET_FILE:ecr-assets>)
  else()
    add_test(NAME ${name}
      COMMAND sh -c "echo 'node is not installed: run scripts/install-deps.sh' >&2; exit 1")
  endif()
  set_tests_properties(${name} PROPERTIES LABELS "compat" TIMEOUT 300)
endforeach()
