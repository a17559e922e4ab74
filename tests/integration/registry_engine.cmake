# SPDX-License-Identifier: Apache-2.0
# The daemonless registry engine (`ecr-assets copy`) against the real
# docker-registry instances of services.sh. Skipped (77) without them.
add_test(NAME integration_registry_engine
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/integration/registry_engine.sh)
set_tests_properties(integration_registry_engine PROPERTIES
  LABELS integration SKIP_RETURN_CODE 77 TIMEOUT 900
  ENVIRONMENT "ECRA_CLI=$<TARGET_FILE:ecr-assets>")
