list(APPEND ECRA_SOURCES
  src/http/http.c)
list(APPEND ECRA_LIBS PkgConfig::CURL)
