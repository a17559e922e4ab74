list(APPEND ECRA_SOURCES
  src/util/buf.c
  src/util/dynlib.c
  src/util/proc.c
  src/util/vec.c)
