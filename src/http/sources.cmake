# libcurl is loaded on first use (curl_shim.c, util/dynlib.h): only its
# headers are needed to build, and libdl to load it.
list(APPEND ECRA_SOURCES
  src/http/http.c
  src/http/curl_shim.c)
list(APPEND ECRA_INCLUDE_DIRS ${CURL_INCLUDE_DIRS})
list(APPEND ECRA_LIBS ${CMAKE_DL_LIBS})
