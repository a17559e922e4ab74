# SPDX-License-Identifier: Apache-2.0
# `synth -o DIR` never removes what the tool did not write (#9.1).
add_test(NAME cli_synth_outdir
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/cli/scripts/synth_outdir.sh
    $<TARGET_FILE:ecr-assets>)
set_tests_properties(cli_synth_outdir PROPERTIES LABELS "cli")
