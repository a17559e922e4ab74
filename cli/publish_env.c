/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * cli/publish_env.c - fill ecra_publish_options from the environment the
 * way cdk-assets reads it (CDK_DOCKER, AWS_*, DOCKER_CONFIG, TMPDIR,
 * CDK_DOCKER_CREDS_FILE, the passwd user), for the publishing front ends.
 */
#include "cli/publish_env.h"

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
	const char *profile = o->aws.profile;

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
	cli_aws_options_from_env(&o->aws);
	o->aws.profile = profile; /* --profile, kept */
	/* TLS and proxies as curl and the AWS CLI read them: --ca-cert
	 * over SSL_CERT_FILE; AWS_CA_BUNDLE for AWS calls; HTTPS_PROXY
	 * over https_proxy and NO_PROXY over no_proxy, but http_proxy over
	 * HTTP_PROXY (curl reads only the lower-case one: a CGI request
	 * header can set HTTP_PROXY; Go reads both). */
	if (o->ca_file == NULL)
		o->ca_file = env("SSL_CERT_FILE");
	o->aws_ca_bundle = env("AWS_CA_BUNDLE");
	o->https_proxy =
	    env("HTTPS_PROXY") ? env("HTTPS_PROXY") : env("https_proxy");
	o->http_proxy =
	    env("http_proxy") ? env("http_proxy") : env("HTTP_PROXY");
	o->no_proxy = env("NO_PROXY") ? env("NO_PROXY") : env("no_proxy");
	o->docker_creds_file =
	    cli_cdk_docker_creds_file(s->creds_path, sizeof(s->creds_path));
	o->credential_helper_dir = helper_dir(s->exe_dir, sizeof(s->exe_dir));
}
