list(APPEND ECRA_SOURCES
  src/aws/credentials.c
  src/aws/sigv4.c)
