# Differential test of the GIT and DOCKER ignore strategies against
# aws-cdk-lib's IgnoreStrategy (needs node and tests/compat/node_modules).
find_program(ECRA_NODE node)
if(ECRA_NODE)
  add_test(NAME compat_ignore_gitdocker
    COMMAND ${ECRA_NODE}
      ${CMAKE_CURRENT_SOURCE_DIR}/compat/ignore_gitdocker_diff.js
      $<TARGET_FILE:ecra_ignore_driver> --seed 1 --seeds 2 --cases 150
    WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/compat)
  set_tests_properties(compat_ignore_gitdocker PROPERTIES
    LABELS compat TIMEOUT 400)
endif()
