list(APPEND ECRA_SOURCES
  src/aws/client.c
  src/aws/credentials.c
  src/aws/ecr.c
  src/aws/secretsmanager.c
  src/aws/sigv4.c
  src/aws/sts.c)
