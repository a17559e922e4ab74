list(APPEND ECRA_SOURCES
  src/fingerprint/content.c
  src/fingerprint/cache.c
  src/fingerprint/walk.c
  src/fingerprint/fingerprint.c
  src/fingerprint/uring.c
  src/fingerprint/copy.c)
# walk.c needs d_type (DT_*) and realpath(), cache.c realpath(), which
# glibc hides under strict _POSIX_C_SOURCE; only these files get the
# BSD/XSI extensions.
set_source_files_properties(src/fingerprint/walk.c src/fingerprint/cache.c PROPERTIES
  COMPILE_DEFINITIONS _DEFAULT_SOURCE)
# Batched small-file reads use io_uring through liburing when it is
# there (Debian liburing-dev); without it every file is read one by one.
pkg_check_modules(LIBURING IMPORTED_TARGET liburing)
if(LIBURING_FOUND)
  list(APPEND ECRA_LIBS PkgConfig::LIBURING)
  set_source_files_properties(src/fingerprint/uring.c PROPERTIES
    COMPILE_DEFINITIONS ECRA_HAVE_LIBURING)
endif()
