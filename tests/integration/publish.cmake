# SPDX-License-Identifier: Apache-2.0
# `ecr-assets publish` end to end against the integration services
# (tests/integration/services.sh): registry mode, ECR mode through the
# stand-in, daemonless tarball push and copy; signals and closed stdout,
# registry faults, secrets in every output (publish hardening). Skipped (77) unless
# services.env was sourced.
foreach(part registry ecr compat retry signals faults secrets)
  add_test(NAME integration_publish_${part}
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/integration/publish_${part}.sh)
  # The stand-in's call log and fault injection are shared state: tests
  # that use them take the "ecr_standin" lock.
  set_tests_properties(integration_publish_${part} PROPERTIES
    LABELS integration SKIP_RETURN_CODE 77 TIMEOUT 900
    RESOURCE_LOCK ecr_standin
    ENVIRONMENT "ECRA_CLI=$<TARGET_FILE:ecr-assets>")
endforeach()

# The registry client (tarball push, copy, auth) against the real
# docker-registry instances.
add_executable(test_registry_real
  ${CMAKE_CURRENT_SOURCE_DIR}/integration/registry_real.c
  $<TARGET_OBJECTS:ecra_objects>)
target_include_directories(test_registry_real PRIVATE
  ${CMAKE_SOURCE_DIR}/include ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/tests)
target_compile_options(test_registry_real PRIVATE ${ECRA_WARNINGS}
  $<$<C_COMPILER_ID:GNU>:-Wno-format-truncation>)
target_link_libraries(test_registry_real PRIVATE ${ECRA_LIBS}
  PkgConfig::CMOCKA)
add_test(NAME integration_registry_real COMMAND test_registry_real)
set_tests_properties(integration_registry_real PROPERTIES
  LABELS integration SKIP_RETURN_CODE 77 TIMEOUT 600
  ENVIRONMENT "CMOCKA_MESSAGE_OUTPUT=stdout")

# Synthesize with ecra_app_* and publish the assembly (public API only).
add_executable(test_synth_publish
  ${CMAKE_CURRENT_SOURCE_DIR}/integration/synth_publish.c)
target_include_directories(test_synth_publish PRIVATE
  ${CMAKE_SOURCE_DIR}/include ${CMAKE_SOURCE_DIR}/tests)
target_compile_options(test_synth_publish PRIVATE ${ECRA_WARNINGS}
  $<$<C_COMPILER_ID:GNU>:-Wno-format-truncation>)
target_link_libraries(test_synth_publish PRIVATE ecrassets_static
  PkgConfig::CMOCKA)
add_test(NAME integration_synth_publish COMMAND test_synth_publish)
set_tests_properties(integration_synth_publish PROPERTIES
  LABELS integration SKIP_RETURN_CODE 77 TIMEOUT 600
  ENVIRONMENT "CMOCKA_MESSAGE_OUTPUT=stdout")
