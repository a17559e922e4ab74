list(APPEND ECRA_SOURCES
  src/core/error.c
  src/core/alloc.c
  src/core/init.c)
