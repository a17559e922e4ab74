# The registry client: libarchive reads docker save tarballs, zlib
# compresses their layers. libarchive is loaded with dlopen when a tarball
# is first read (tarball.c): only its headers are needed here.
pkg_check_modules(ZLIB REQUIRED IMPORTED_TARGET zlib)
list(APPEND ECRA_SOURCES
  src/registry/registry.c
  src/registry/tarball.c
  src/registry/transport.c)
if(NOT TARGET ecra_libarchive_headers)
  add_library(ecra_libarchive_headers INTERFACE)
  target_include_directories(ecra_libarchive_headers INTERFACE
    ${LIBARCHIVE_INCLUDE_DIRS})
  target_link_libraries(ecra_libarchive_headers INTERFACE ${CMAKE_DL_LIBS})
endif()
list(APPEND ECRA_LIBS ecra_libarchive_headers PkgConfig::ZLIB)
