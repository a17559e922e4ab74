# SPDX-License-Identifier: Apache-2.0
# Every option the parsers accept is in docs/cli.md and the generated man
# pages, and each --help lists the same options (tests/install/man_options.py).
if(TARGET ecra_man)
  add_test(NAME man_options
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/install/man_options.py
      ${CMAKE_BINARY_DIR} ${ECRA_MAN_DIR} ${ECRA_GEN_MAN} ${ECRA_MAN_SOURCES})
  set_tests_properties(man_options PROPERTIES LABELS "install;man")
endif()
