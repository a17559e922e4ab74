# SPDX-License-Identifier: Apache-2.0
# `ecr-assets synth` failures leave the previous assembly untouched; command
# apps get the CDK CLI's environment. (Message cases live in
# tests/cli/synth/ and tests/cli/ls/, run by the `cli` test.)
add_test(NAME cli_synth_atomic
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/cli/scripts/synth_atomic.sh
    $<TARGET_FILE:ecr-assets>)
set_tests_properties(cli_synth_atomic PROPERTIES LABELS "cli")
