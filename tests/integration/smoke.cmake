# SPDX-License-Identifier: Apache-2.0
# The integration services (tests/integration/services.sh) work end to end:
# build, push to both registries (login for the auth one), pull, run.
# Skipped (77) unless services.env was sourced (scripts/test.sh does).
add_test(NAME integration_services_smoke
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/integration/smoke.sh)
set_tests_properties(integration_services_smoke PROPERTIES
  LABELS integration SKIP_RETURN_CODE 77 TIMEOUT 600)
