# SPDX-License-Identifier: Apache-2.0
# The publish foundations end to end against the integration services:
# env -> aws config -> ECR client (stand-in) -> docker login/tag/push via
# util/proc -> DescribeImages. Skipped (77) unless services.env was sourced.
add_executable(test_integration_foundations
  ${CMAKE_CURRENT_SOURCE_DIR}/integration/foundations.c
  $<TARGET_OBJECTS:ecra_objects>)
target_include_directories(test_integration_foundations PRIVATE
  ${CMAKE_SOURCE_DIR}/include ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/tests)
target_compile_options(test_integration_foundations PRIVATE ${ECRA_WARNINGS}
  $<$<C_COMPILER_ID:GNU>:-Wno-format-truncation>)
target_link_libraries(test_integration_foundations PRIVATE ${ECRA_LIBS}
  PkgConfig::CMOCKA)
add_test(NAME integration_foundations COMMAND test_integration_foundations)
set_tests_properties(integration_foundations PROPERTIES
  LABELS integration SKIP_RETURN_CODE 77 TIMEOUT 600 RESOURCE_LOCK ecr_standin
  ENVIRONMENT "CMOCKA_MESSAGE_OUTPUT=stdout")
