list(APPEND ECRA_SOURCES
  src/docker/docker.c
  src/docker/config.c)
