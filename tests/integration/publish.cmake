# SPDX-License-Identifier: Apache-2.0
# `ecr-assets publish` end to end against the integration services
# (tests/integration/services.sh): registry mode, ECR mode through the
# stand-in, daemonless tarball push and copy. Skipped (77) unless
# services.env was sourced.
foreach(part registry)
  add_test(NAME integration_publish_${part}
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/integration/publish_${part}.sh)
  set_tests_properties(integration_publish_${part} PROPERTIES
    LABELS integration SKIP_RETURN_CODE 77 TIMEOUT 900
    ENVIRONMENT "ECRA_CLI=$<TARGET_FILE:ecr-assets>")
endforeach()
