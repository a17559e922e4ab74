# SPDX-License-Identifier: Apache-2.0
#
# cmake/package.cmake - CPack: `cpack -G DEB` (from the build directory)
# makes ecr-assets_<version>_<arch>.deb with everything `cmake --install`
# installs, under /usr.
#
# Depends: computed by dpkg-shlibdeps (dpkg-dev) from the ELF files, plus
# the packages of the libraries loaded at run time with dlopen
# (libcurl.so.4, libarchive.so.13: src/util/dynlib.h), which no ELF
# dependency shows: found with dpkg-query on this machine, else Debian's
# names.
set(CPACK_PACKAGE_NAME ecr-assets)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "ecr-assets")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "container image assets for AWS CDK, hash-compatible with aws-ecr-assets")
set(CPACK_PACKAGE_DESCRIPTION
  "ecr-assets fingerprints, synthesizes and publishes docker image assets byte for byte as AWS CDK's aws-ecr-assets and cdk-assets do. Includes the library libecrassets (shared and static, headers, pkg-config and CMake package), the ecr-assets-cdk-assets drop-in for cdk-assets, man pages and completions.")
set(ECRA_PACKAGE_CONTACT "ecr-assets maintainers <ecr-assets@localhost>"
  CACHE STRING "Maintainer of the packages CPack makes")
set(CPACK_PACKAGE_CONTACT "${ECRA_PACKAGE_CONTACT}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES OFF)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# a shlibs file and the ldconfig trigger for libecrassets.so.0
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "docker.io | docker-ce-cli | podman-docker")

set(ECRA_DLOPEN_DEPS)
find_program(ECRA_DPKG_QUERY dpkg-query)
foreach(spec "libcurl.so.4:libcurl4" "libarchive.so.13:libarchive13")
  string(REPLACE ":" ";" spec "${spec}")
  list(GET spec 0 soname)
  list(GET spec 1 pkg)
  find_library(ECRA_DLOPEN_${pkg} NAMES ${soname} NO_CACHE)
  if(ECRA_DPKG_QUERY AND ECRA_DLOPEN_${pkg})
    get_filename_component(real "${ECRA_DLOPEN_${pkg}}" REALPATH)
    execute_process(COMMAND ${ECRA_DPKG_QUERY} -S "${real}"
      OUTPUT_VARIABLE owner ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(owner MATCHES "^([^:,]+)")
      set(pkg ${CMAKE_MATCH_1})
    endif()
  endif()
  list(APPEND ECRA_DLOPEN_DEPS ${pkg})
endforeach()
string(REPLACE ";" ", " CPACK_DEBIAN_PACKAGE_DEPENDS "${ECRA_DLOPEN_DEPS}")

# Debian's zsh reads packaged completions from vendor-completions.
set(CPACK_PRE_BUILD_SCRIPTS ${CMAKE_SOURCE_DIR}/cmake/cpack_zsh.cmake)
include(CPack)
