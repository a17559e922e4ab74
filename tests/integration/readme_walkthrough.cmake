# SPDX-License-Identifier: Apache-2.0
# The README's walk-through (synth a CDK app, ls, hash, publish, publish
# again, a tarball without a daemon) run as written, against the
# integration services. Skipped (77) unless services.env was sourced.
add_test(NAME integration_readme_walkthrough
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/integration/readme_walkthrough.sh
    $<TARGET_FILE:ecr-assets> ${CMAKE_SOURCE_DIR})
set_tests_properties(integration_readme_walkthrough PROPERTIES
  LABELS integration SKIP_RETURN_CODE 77 TIMEOUT 600)
