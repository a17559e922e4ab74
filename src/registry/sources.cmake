# The registry client: libarchive reads docker save tarballs, zlib
# compresses their layers.
pkg_check_modules(ZLIB REQUIRED IMPORTED_TARGET zlib)
list(APPEND ECRA_SOURCES
  src/registry/registry.c
  src/registry/tarball.c
  src/registry/transport.c)
list(APPEND ECRA_LIBS PkgConfig::LIBARCHIVE PkgConfig::ZLIB)
