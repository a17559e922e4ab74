ecra_unit_test(registry client)
ecra_unit_test(registry hosts)
add_test(NAME unit_registry_insecure_cli
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/unit/registry/insecure_cli.sh
  $<TARGET_FILE:ecr-assets> ${CMAKE_SOURCE_DIR})
set_tests_properties(unit_registry_insecure_cli PROPERTIES SKIP_RETURN_CODE 77
  LABELS "unit;registry")
ecra_unit_test(registry redirects)
ecra_unit_test(registry archive)
ecra_unit_test(registry gzip)
