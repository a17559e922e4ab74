# SPDX-License-Identifier: Apache-2.0
# Every option of every subcommand is in `help <command>` and in the README
# synopsis (tests/cli/scripts/options_documented.sh).
add_test(NAME cli_options_documented
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/cli/scripts/options_documented.sh
    $<TARGET_FILE:ecr-assets> ${CMAKE_SOURCE_DIR})
set_tests_properties(cli_options_documented PROPERTIES LABELS "cli")

# What `publish` prints (events, failures, summary, live line, escaping),
# against a fake docker CLI and the in-memory fake registry.
add_test(NAME cli_publish_output
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/cli/scripts/publish_output.sh
    $<TARGET_FILE:ecr-assets> ${CMAKE_SOURCE_DIR})
set_tests_properties(cli_publish_output PROPERTIES LABELS "cli" TIMEOUT 120)
