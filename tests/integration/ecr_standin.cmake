# SPDX-License-Identifier: Apache-2.0
# The ECR/STS stand-in speaks the real protocols: Debian's awscli is the
# client (SigV4 checked by botocore on the server side). Skipped (77)
# unless services.env was sourced.
add_test(NAME integration_ecr_standin_awscli
  COMMAND /usr/bin/python3
    ${CMAKE_CURRENT_SOURCE_DIR}/integration/ecr_standin_awscli.py)
set_tests_properties(integration_ecr_standin_awscli PROPERTIES
  LABELS integration SKIP_RETURN_CODE 77 TIMEOUT 600 RESOURCE_LOCK ecr_standin)
