# SPDX-License-Identifier: Apache-2.0
# Example programs: built in the default build, against the public API only
# (include/ and the library; no src/ headers).
add_executable(ecra-example-c-app ${CMAKE_SOURCE_DIR}/examples/c-app/main.c)
target_include_directories(ecra-example-c-app PRIVATE ${CMAKE_SOURCE_DIR}/include)
target_compile_options(ecra-example-c-app PRIVATE ${ECRA_WARNINGS})
target_link_libraries(ecra-example-c-app PRIVATE ecrassets)
