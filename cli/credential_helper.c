/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * cli/credential_helper.c - docker-credential-cdk-assets, the docker
 * credential helper of the CDK docker credentials file, compatible with
 * the one cdk-assets ships.
 *
 * Docker runs `docker-credential-cdk-assets get` with the server URL on
 * stdin for the domains that the build's config.json sends here
 * (credHelpers); we print {"Username":"...","Secret":"..."} and exit 0.
 * Any other command line exits 0 without output, as cdk-assets' helper
 * does. Errors are one line on stderr and exit status 1.
 *
 * A separate small program rather than an argv[0] alias of ecr-assets:
 * docker finds helpers by name on PATH, so a real file of that name next
 * to ecr-assets works in the build tree and after a plain copy or
 * install, with no symlink to create or lose.
 */
#include "cli/cli.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The whole of stdin, trimmed (at most 64 KiB). */
static char *read_input(void)
{
	size_t cap = 64 * 1024, n = 0, start = 0;
	char *buf = malloc(cap + 1);
	size_t got;

	if (buf == NULL)
		return NULL;
	while (n < cap && (got = fread(buf + n, 1, cap - n, stdin)) > 0)
		n += got;
	while (n > 0 && strchr(" \t\r\n\f\v", buf[n - 1]) != NULL)
		n--;
	buf[n] = '\0';
	while (start < n && strchr(" \t\r\n\f\v", buf[start]) != NULL)
		start++;
	memmove(buf, buf + start, n - start + 1);
	return buf;
}

static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && v[0] != '\0' ? v : NULL;
}

int main(int argc, char **argv)
{
	char path_buf[4096];
	const char *path;
	char *input = NULL, *user = NULL, *secret = NULL;
	ecra_docker_creds *creds = NULL;
	ecra_docker_creds_options o = ECRA_DOCKER_CREDS_OPTIONS_INIT;
	const struct passwd *pw;
	int rc = 1;

	if (argc != 2 || strcmp(argv[1], "get") != 0)
		return 0;
	if (ecra_init() < 0) {
		fprintf(stderr, "%s\n", ecra_error_last()->message);
		return 1;
	}
	path = cli_cdk_docker_creds_file(path_buf, sizeof(path_buf));
	if (ecra_docker_creds_load(&creds, path) < 0) {
		fprintf(stderr,
		    "unable to find CDK Docker credentials at: %s\n", path);
		goto done;
	}
	if ((input = read_input()) == NULL) {
		fprintf(stderr, "out of memory\n");
		goto done;
	}
	o.aws_profile = env("AWS_PROFILE");
	o.aws_region = env("AWS_REGION");
	o.aws_access_key_id = env("AWS_ACCESS_KEY_ID");
	o.aws_secret_access_key = env("AWS_SECRET_ACCESS_KEY");
	o.aws_session_token = env("AWS_SESSION_TOKEN");
	o.aws_config_file = env("AWS_CONFIG_FILE");
	o.aws_credentials_file = env("AWS_SHARED_CREDENTIALS_FILE");
	o.aws_endpoint_url = env("AWS_ENDPOINT_URL");
	o.aws_endpoint_url_ecr = env("AWS_ENDPOINT_URL_ECR");
	o.aws_endpoint_url_sts = env("AWS_ENDPOINT_URL_STS");
	o.aws_endpoint_url_secrets_manager =
	    env("AWS_ENDPOINT_URL_SECRETS_MANAGER");
	o.aws_ignore_configured_endpoint_urls =
	    env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	o.aws_max_attempts = env("AWS_MAX_ATTEMPTS");
	o.home = env("HOME");
	pw = getpwuid(getuid());
	o.user_name = pw != NULL ? pw->pw_name : NULL;
	if (ecra_docker_creds_get(creds, input, &o, &user, &secret) < 0) {
		fprintf(stderr, "%s\n", ecra_error_last()->message);
		goto done;
	}
	/* Nothing else may reach stdout: docker parses it. */
	fputs("{\"Username\":", stdout);
	cli_json_string(stdout, user);
	fputs(",\"Secret\":", stdout);
	cli_json_string(stdout, secret);
	fputc('}', stdout);
	rc = fflush(stdout) == 0 ? 0 : 1;
done:
	if (secret != NULL)
		memset(secret, 0, strlen(secret));
	ecra_free(user);
	ecra_free(secret);
	free(input);
	ecra_docker_creds_free(creds);
	ecra_shutdown();
	return rc;
}
