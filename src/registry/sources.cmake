# The registry client and the daemonless engine: libarchive reads image
# tarballs (loaded on first use, archive_shim.c), ISA-L's igzip
# compresses their layers (gzip.c; chosen by measurement, see
# docs/internals/registry.md), zlib inflates and combines CRCs.
pkg_check_modules(ZLIB REQUIRED IMPORTED_TARGET zlib)
pkg_check_modules(ISAL REQUIRED IMPORTED_TARGET libisal)
list(APPEND ECRA_SOURCES
  src/registry/registry.c
  src/registry/tarball.c
  src/registry/transport.c
  src/registry/archive_shim.c
  src/registry/archive.c
  src/registry/stage.c
  src/registry/gzip.c
  src/registry/engine.c
  src/registry/copy.c)
list(APPEND ECRA_INCLUDE_DIRS ${LIBARCHIVE_INCLUDE_DIRS})
list(APPEND ECRA_LIBS PkgConfig::ZLIB PkgConfig::ISAL ${CMAKE_DL_LIBS})
# engine.c needs realpath() (the layer cache's tarball stamps), which
# glibc hides under strict _POSIX_C_SOURCE.
set_source_files_properties(src/registry/engine.c PROPERTIES
  COMPILE_DEFINITIONS _DEFAULT_SOURCE)
