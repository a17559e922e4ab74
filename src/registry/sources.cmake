# The registry client: libarchive reads docker save tarballs (loaded on
# first use, archive_shim.c), zlib compresses their layers.
pkg_check_modules(ZLIB REQUIRED IMPORTED_TARGET zlib)
list(APPEND ECRA_SOURCES
  src/registry/registry.c
  src/registry/tarball.c
  src/registry/transport.c
  src/registry/archive_shim.c)
list(APPEND ECRA_INCLUDE_DIRS ${LIBARCHIVE_INCLUDE_DIRS})
list(APPEND ECRA_LIBS PkgConfig::ZLIB ${CMAKE_DL_LIBS})
