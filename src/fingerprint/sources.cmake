list(APPEND ECRA_SOURCES
  src/fingerprint/content.c
  src/fingerprint/walk.c
  src/fingerprint/fingerprint.c
  src/fingerprint/copy.c)
# walk.c needs d_type (DT_*) and realpath(), which glibc hides under
# strict _POSIX_C_SOURCE; only this file gets the BSD/XSI extensions.
set_source_files_properties(src/fingerprint/walk.c PROPERTIES
  COMPILE_DEFINITIONS _DEFAULT_SOURCE)
