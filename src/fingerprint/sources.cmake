list(APPEND ECRA_SOURCES
  src/fingerprint/fingerprint.c)
