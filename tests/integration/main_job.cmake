# The README's main job, against the services scripts/test.sh started.
add_test(NAME integration_main_job
  COMMAND ${CMAKE_SOURCE_DIR}/tests/integration/main_job.sh $<TARGET_FILE:ecr-assets>)
set_tests_properties(integration_main_job PROPERTIES LABELS integration TIMEOUT 600)
