/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * cli/publish_env.h - the environment of a publish run, as options.
 */
#ifndef CLI_PUBLISH_ENV_H
#define CLI_PUBLISH_ENV_H

#include "cli/cli.h"

/* Buffers the options point into; must outlive the options. */
typedef struct {
	char home_docker[4096];
	char creds_path[4096];
	char exe_dir[4096];
} cli_publish_env_storage;

/* Set the environment-derived fields of `o` (docker, env, tmpdir,
 * docker_config, account if still NULL, aws (keeping aws.profile: the
 * --profile flag), ca_file if still NULL, aws_ca_bundle, proxies,
 * docker_creds_file, credential_helper_dir). Shared by ecr-assets publish
 * and ecr-assets-cdk-assets. */
void cli_publish_env(ecra_publish_options *o, cli_publish_env_storage *s);

#endif /* CLI_PUBLISH_ENV_H */
