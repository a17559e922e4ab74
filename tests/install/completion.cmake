# SPDX-License-Identifier: Apache-2.0
# The bash (and, when zsh is there, zsh) completion, driven with COMP_WORDS.
add_test(NAME completion
  COMMAND ${CMAKE_SOURCE_DIR}/tests/install/completion.sh ${CMAKE_BINARY_DIR}
    ${CMAKE_SOURCE_DIR})
set_tests_properties(completion PROPERTIES LABELS "install")
