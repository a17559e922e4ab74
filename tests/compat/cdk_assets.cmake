# SPDX-License-Identifier: Apache-2.0
# ecr-assets-cdk-assets against cdk-assets 4.7.3: the command line and ls
# (no services), and publishing the same assemblies through the ECR
# stand-in (skipped, 77, unless tests/integration/services.env is sourced).
add_test(NAME compat_cdk_assets_cli
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/compat/cdk_assets_cli.sh
    $<TARGET_FILE:ecr-assets-cdk-assets>)
set_tests_properties(compat_cdk_assets_cli PROPERTIES LABELS "compat"
  SKIP_RETURN_CODE 77)
add_test(NAME compat_cdk_assets_dropin
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/compat/cdk_assets_dropin.sh)
set_tests_properties(compat_cdk_assets_dropin PROPERTIES
  LABELS "compat;integration" SKIP_RETURN_CODE 77 TIMEOUT 900
  RESOURCE_LOCK ecr_standin
  ENVIRONMENT "ECRA_DROPIN=$<TARGET_FILE:ecr-assets-cdk-assets>;ECRA_CLI=$<TARGET_FILE:ecr-assets>")
