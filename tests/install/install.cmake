# SPDX-License-Identifier: Apache-2.0
# `cmake --install` into a temporary prefix, then build examples/c-app
# against the installed copy (pkg-config and find_package, shared and
# static) and run it. Included from the top-level CMakeLists.txt.
set(ECRA_INSTALL_TEST_FLAGS "")
if(ECRA_SANITIZE)
  set(ECRA_INSTALL_TEST_FLAGS "-fsanitize=address,undefined")
endif()
add_test(NAME install_prefix
  COMMAND ${CMAKE_SOURCE_DIR}/tests/install/install.sh ${CMAKE_BINARY_DIR}
    ${CMAKE_SOURCE_DIR} ${CMAKE_C_COMPILER} "${ECRA_INSTALL_TEST_FLAGS}")
set_tests_properties(install_prefix PROPERTIES LABELS "install")
