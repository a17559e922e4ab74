# SPDX-License-Identifier: Apache-2.0
# The CDK docker credentials file and docker-credential-cdk-assets against
# the integration services: the publish flow (argv against cdk-assets, a
# real build pulling its base image through our helper) and the helper
# itself against cdk-assets' helper. Skipped (77) unless services.env was
# sourced.
add_test(NAME integration_publish_creds
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/integration/publish_creds.sh)
add_test(NAME integration_creds_helper_diff
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/integration/creds_helper_diff.sh)
set_tests_properties(integration_publish_creds integration_creds_helper_diff
  PROPERTIES LABELS integration SKIP_RETURN_CODE 77 TIMEOUT 900
  RESOURCE_LOCK ecr_standin
  ENVIRONMENT "ECRA_CLI=$<TARGET_FILE:ecr-assets>;ECRA_CRED_HELPER=$<TARGET_FILE:docker-credential-cdk-assets>")
