/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * cli/publish_env.c - fill ecra_publish_options from the environment the
 * way cdk-assets reads it (CDK_DOCKER, AWS_*, DOCKER_CONFIG, TMPDIR,
 * CDK_DOCKER_CREDS_FILE, the passwd user), for the publishing front ends.
 */
#include "cli/publish_env.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

/* A set, non-empty variable, or NULL. */
static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && v[0] != '\0' ? v : NULL;
}

/* The directory of this executable, if docker-credential-cdk-assets is
 * next to it (build/ and installed bin/ layouts). */
static const char *helper_dir(char *buf, size_t size)
{
	char helper[4200];
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);
	char *slash;

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	if ((slash = strrchr(buf, '/')) == NULL)
		return NULL;
	*slash = '\0';
	snprintf(helper, sizeof(helper), "%s/docker-credential-cdk-assets",
	    buf[0] ? buf : "/");
	return access(helper, X_OK) == 0 ? buf : NULL;
}

void cli_publish_env(ecra_publish_options *o, cli_publish_env_storage *s)
{
	struct passwd *pw;

	o->docker = getenv("CDK_DOCKER"); /* "" is kept: it is an error */
	o->env = environ;
	o->tmpdir = env("TMPDIR");
	o->docker_config = env("DOCKER_CONFIG");
	if (o->docker_config == NULL && env("HOME") != NULL) {
		snprintf(s->home_docker, sizeof(s->home_docker), "%s/.docker",
		    env("HOME"));
		o->docker_config = s->home_docker;
	}
	if (o->account == NULL)
		o->account = env("CDK_DEFAULT_ACCOUNT");
	o->aws_env_profile = env("AWS_PROFILE");
	o->aws_region = env("AWS_REGION");
	o->aws_access_key_id = env("AWS_ACCESS_KEY_ID");
	o->aws_secret_access_key = env("AWS_SECRET_ACCESS_KEY");
	o->aws_session_token = env("AWS_SESSION_TOKEN");
	o->aws_config_file = env("AWS_CONFIG_FILE");
	o->aws_credentials_file = env("AWS_SHARED_CREDENTIALS_FILE");
	o->aws_endpoint_url = env("AWS_ENDPOINT_URL");
	o->aws_endpoint_url_ecr = env("AWS_ENDPOINT_URL_ECR");
	o->aws_endpoint_url_sts = env("AWS_ENDPOINT_URL_STS");
	o->aws_ignore_configured_endpoint_urls =
	    env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	o->aws_max_attempts = env("AWS_MAX_ATTEMPTS");
	o->home = env("HOME");
	pw = getpwuid(getuid());
	o->user_name = pw != NULL ? pw->pw_name : NULL;
	o->docker_creds_file =
	    cli_cdk_docker_creds_file(s->creds_path, sizeof(s->creds_path));
	o->credential_helper_dir = helper_dir(s->exe_dir, sizeof(s->exe_dir));
}
