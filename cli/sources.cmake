set(ECRA_CLI_SOURCES
  cli/main.c
  cli/util.c
  cli/signals.c
  cli/cmd_hash.c
  cli/assembly.c
  cli/cmd_synth.c
  cli/cmd_ls.c
  cli/cmd_publish.c
  cli/progress.c
  cli/publish_env.c
  cli/cmd_copy.c)

# docker-credential-cdk-assets: the credential helper of the CDK docker
# credentials file, built next to ecr-assets (which puts its own directory
# first on docker's PATH).
set(ECRA_CRED_HELPER_SOURCES
  cli/credential_helper.c
  cli/util.c)
