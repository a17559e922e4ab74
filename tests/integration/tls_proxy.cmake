# SPDX-License-Identifier: Apache-2.0
# A private CA and an https proxy for registry calls against a TLS
# docker-registry started by the script itself (no services.sh needed).
add_test(NAME integration_tls_proxy
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/integration/tls_proxy.sh)
set_tests_properties(integration_tls_proxy PROPERTIES
  LABELS integration SKIP_RETURN_CODE 77 TIMEOUT 300
  ENVIRONMENT "ECRA_CLI=$<TARGET_FILE:ecr-assets>")
