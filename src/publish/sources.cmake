list(APPEND ECRA_SOURCES
  src/publish/manifest.c)
