# SPDX-License-Identifier: Apache-2.0
#
# cmake/cdk_assets.cmake - ecr-assets-cdk-assets, the cdk-assets 4.x
# command line in front of the publisher (cli/cdk_assets.c). A plain
# client of the public API, like ecr-assets; docker-credential-cdk-assets
# is found next to it.
add_executable(ecr-assets-cdk-assets
  ${CMAKE_SOURCE_DIR}/cli/cdk_assets.c
  ${CMAKE_SOURCE_DIR}/cli/publish_env.c
  ${CMAKE_SOURCE_DIR}/cli/signals.c
  ${CMAKE_SOURCE_DIR}/cli/util.c)
target_include_directories(ecr-assets-cdk-assets PRIVATE
  ${CMAKE_SOURCE_DIR}/include ${CMAKE_SOURCE_DIR} ${CMAKE_SOURCE_DIR}/src)
target_compile_options(ecr-assets-cdk-assets PRIVATE ${ECRA_WARNINGS})
target_link_libraries(ecr-assets-cdk-assets PRIVATE ecrassets_static)
add_dependencies(ecr-assets-cdk-assets docker-credential-cdk-assets)
install(TARGETS ecr-assets-cdk-assets
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
