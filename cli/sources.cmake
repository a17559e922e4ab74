set(ECRA_CLI_SOURCES
  cli/main.c
  cli/util.c
  cli/cmd_hash.c
  cli/cmd_publish.c)
