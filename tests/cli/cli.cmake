# End-to-end cases for the ecr-assets binary: tests/cli/<command>/<case>/.
add_test(NAME cli COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/cli/run.sh
  $<TARGET_FILE:ecr-assets> ${CMAKE_CURRENT_SOURCE_DIR}/cli)
set_tests_properties(cli PROPERTIES LABELS "cli")
