# SPDX-License-Identifier: Apache-2.0
# Synthesis against aws-cdk-lib 2.276.0 and the aws-cdk 2.1148.1 CLI
# (npm packages in tests/compat/node_modules, installed by scripts/test.sh).
find_program(ECRA_NODE node)
if(ECRA_NODE)
  # Every case of tests/compat/synth/cases.js, synthesized by aws-cdk-lib
  # and by `ecr-assets synth --app app.json`, compared file by file.
  add_test(NAME compat_synth
    COMMAND ${ECRA_NODE} ${CMAKE_CURRENT_SOURCE_DIR}/compat/synth/run.js
      --ecr-assets $<TARGET_FILE:ecr-assets>)
  set_tests_properties(compat_synth PROPERTIES LABELS "compat" TIMEOUT 3600)

  # The real CDK CLI reads our assemblies and runs the C example app;
  # `ecr-assets synth` runs the same cdk.json app the same way.
  add_test(NAME compat_cdk_cli
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/compat/synth/cdk_cli.sh
      $<TARGET_FILE:ecr-assets> $<TARGET_FILE:ecra-example-c-app>
      ${CMAKE_SOURCE_DIR})
  set_tests_properties(compat_cdk_cli PROPERTIES LABELS "compat" TIMEOUT 1800)
endif()
