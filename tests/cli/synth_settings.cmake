# SPDX-License-Identifier: Apache-2.0
# Settings and context reach command apps as from the CDK CLI (#14.1).
add_test(NAME cli_synth_settings
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/cli/scripts/synth_settings.sh
    $<TARGET_FILE:ecr-assets>)
set_tests_properties(cli_synth_settings PROPERTIES LABELS "cli")
