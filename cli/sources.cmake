set(ECRA_CLI_SOURCES
  cli/main.c
  cli/util.c
  cli/cmd_hash.c
  cli/json.c
  cli/assembly.c
  cli/cmd_synth.c
  cli/cmd_ls.c)
