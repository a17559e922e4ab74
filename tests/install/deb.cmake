# SPDX-License-Identifier: Apache-2.0
# cpack -G DEB, dpkg -i, run, dpkg -r on this machine (skipped unless root).
add_test(NAME package_deb
  COMMAND ${CMAKE_SOURCE_DIR}/tests/install/deb.sh ${CMAKE_BINARY_DIR})
set_tests_properties(package_deb PROPERTIES LABELS "install;package"
  SKIP_RETURN_CODE 77 TIMEOUT 900 RUN_SERIAL TRUE)
