# SPDX-License-Identifier: Apache-2.0
# Publish hardening end to end (tests/integration/services.sh): signals
# and closed stdout (publish_signals.sh), registry faults (kill, reset,
# 5xx, stall: publish_faults.sh), secrets in every output
# (publish_secrets.sh). Skipped (77) unless services.env was sourced.
foreach(part signals faults secrets)
  if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/integration/publish_${part}.sh)
    add_test(NAME integration_publish_${part}
      COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/integration/publish_${part}.sh)
    set_tests_properties(integration_publish_${part} PROPERTIES
      LABELS integration SKIP_RETURN_CODE 77 TIMEOUT 900
      RESOURCE_LOCK ecr_standin
      ENVIRONMENT "ECRA_CLI=$<TARGET_FILE:ecr-assets>")
  endif()
endforeach()
