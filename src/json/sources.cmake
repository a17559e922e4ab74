list(APPEND ECRA_SOURCES
  src/json/json.c
  src/json/write.c)
list(APPEND ECRA_LIBS PkgConfig::JANSSON)
