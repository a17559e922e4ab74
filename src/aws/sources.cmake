list(APPEND ECRA_SOURCES
  src/aws/sigv4.c)
