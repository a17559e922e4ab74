# SPDX-License-Identifier: Apache-2.0
# Interrupted synths clean up; stale temporary assemblies are not hashed (#9.2).
add_test(NAME cli_synth_interrupt
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/cli/scripts/synth_interrupt.sh
    $<TARGET_FILE:ecr-assets>)
set_tests_properties(cli_synth_interrupt PROPERTIES LABELS "cli")
