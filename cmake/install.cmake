# SPDX-License-Identifier: Apache-2.0
#
# cmake/install.cmake - `cmake --install` rules, the pkg-config file and
# the CMake package (find_package(ecrassets CONFIG) -> ecrassets::ecrassets).
#
# Included from the top-level CMakeLists.txt after every target exists.
# Installed:
#   bin/      ecr-assets, docker-credential-cdk-assets, ecr-assets-cdk-assets
#   lib/      libecrassets.so.<major> (+ dev symlink), libecrassets.a,
#             pkgconfig/ecrassets.pc, cmake/ecrassets/*.cmake
#   include/  ecrassets.h, ecrassets/*.h (every public header, by glob)
#   share/    man pages (cmake/man.cmake), completions (cmake/completions.cmake)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# The targets' include directories point into the source tree; installed
# consumers get <prefix>/include instead.
foreach(t ecrassets ecrassets_static)
  set_target_properties(${t} PROPERTIES INTERFACE_INCLUDE_DIRECTORIES
    "$<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}/include>;$<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>")
endforeach()
set_target_properties(ecrassets PROPERTIES EXPORT_NAME ecrassets)
set_target_properties(ecrassets_static PROPERTIES EXPORT_NAME ecrassets_static)

install(TARGETS ecr-assets docker-credential-cdk-assets
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
install(TARGETS ecrassets EXPORT ecrassetsTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime
    NAMELINK_COMPONENT dev)
install(TARGETS ecrassets_static EXPORT ecrassetsStaticTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)
install(FILES ${CMAKE_SOURCE_DIR}/include/ecrassets.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/include/ecrassets
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev
  FILES_MATCHING PATTERN "*.h")

# pkg-config: the static library's dependencies go to Requires.private /
# Libs.private, so `pkg-config --static --libs ecrassets` links it.
set(ECRA_PC_REQUIRES_PRIVATE "libcrypto jansson zlib libisal")
if(LIBURING_FOUND)
  string(APPEND ECRA_PC_REQUIRES_PRIVATE " liburing")
endif()
set(ECRA_PC_LIBS_PRIVATE "-pthread -lutil")
foreach(l IN LISTS CMAKE_DL_LIBS)
  string(APPEND ECRA_PC_LIBS_PRIVATE " -l${l}")
endforeach()
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(ECRA_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
else()
  set(ECRA_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(ECRA_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
else()
  set(ECRA_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
set(ECRA_PC_PREFIX "@ECRA_PC_PREFIX@") # kept for the install step
configure_file(${CMAKE_SOURCE_DIR}/cmake/ecrassets.pc.in
  ${CMAKE_BINARY_DIR}/ecrassets.pc.in @ONLY)
# The prefix is only known at install time (`--prefix`): substitute then.
install(CODE "
  file(READ \"${CMAKE_BINARY_DIR}/ecrassets.pc.in\" pc)
  string(REPLACE \"@ECRA_PC_PREFIX@\" \"\${CMAKE_INSTALL_PREFIX}\" pc \"\${pc}\")
  file(WRITE \"${CMAKE_BINARY_DIR}/ecrassets.pc\" \"\${pc}\")
" COMPONENT dev)
install(FILES ${CMAKE_BINARY_DIR}/ecrassets.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)

# CMake package: relocatable (paths relative to the config file).
set(ECRA_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/ecrassets)
install(EXPORT ecrassetsTargets NAMESPACE ecrassets::
  DESTINATION ${ECRA_CMAKE_DIR} COMPONENT dev)
install(EXPORT ecrassetsStaticTargets NAMESPACE ecrassets::
  DESTINATION ${ECRA_CMAKE_DIR} COMPONENT dev)
set(ECRA_CONFIG_URING_NOTE "")
set(ECRA_CONFIG_URING_DEP "")
if(LIBURING_FOUND)
  set(ECRA_CONFIG_URING_NOTE ", liburing")
  set(ECRA_CONFIG_URING_DEP "LIBURING:liburing")
endif()
configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/ecrassetsConfig.cmake.in
  ${CMAKE_BINARY_DIR}/ecrassetsConfig.cmake INSTALL_DESTINATION ${ECRA_CMAKE_DIR})
# 0.x: minor versions may break the API, so only the same minor matches.
write_basic_package_version_file(${CMAKE_BINARY_DIR}/ecrassetsConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/ecrassetsConfig.cmake
  ${CMAKE_BINARY_DIR}/ecrassetsConfigVersion.cmake
  DESTINATION ${ECRA_CMAKE_DIR} COMPONENT dev)
