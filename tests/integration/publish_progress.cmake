# SPDX-License-Identifier: Apache-2.0
# docker push byte counts (bytes/rate/ETA from docker's own progress on a
# pseudo-terminal) with both docker clients. Skipped (77) unless
# services.env was sourced.
add_test(NAME integration_publish_progress
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/integration/publish_progress.sh)
set_tests_properties(integration_publish_progress PROPERTIES
  LABELS integration SKIP_RETURN_CODE 77 TIMEOUT 600
  ENVIRONMENT "ECRA_CLI=$<TARGET_FILE:ecr-assets>")
