list(APPEND ECRA_SOURCES
  src/publish/manifest.c
  src/publish/publish.c
  src/publish/ecr.c
  src/publish/creds.c
  src/publish/aws_options.c
  src/publish/retry.c)
