list(APPEND ECRA_SOURCES
  src/util/buf.c
  src/util/vec.c)
