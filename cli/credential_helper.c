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

#include <stdlib.h>
#include <string.h>

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

int main(int argc, char **argv)
{
	char path_buf[4096];
	const char *path;
	char *input = NULL, *user = NULL, *secret = NULL;
	ecra_docker_creds *creds = NULL;
	ecra_docker_creds_options o = ECRA_DOCKER_CREDS_OPTIONS_INIT;
	int rc = 1;

	if (argc != 2 || strcmp(argv[1], "get") != 0)
		return 0;
	if (ecra_init() < 0) {
		cli_escape(stderr, ecra_error_last()->message);
		fputc('\n', stderr);
		return 1;
	}
	path = cli_cdk_docker_creds_file(path_buf, sizeof(path_buf));
	if (ecra_docker_creds_load(&creds, path) < 0) {
		fputs("unable to find CDK Docker credentials at: ", stderr);
		cli_escape(stderr, path);
		fputc('\n', stderr);
		goto done;
	}
	if ((input = read_input()) == NULL) {
		fprintf(stderr, "out of memory\n");
		goto done;
	}
	cli_aws_options_from_env(&o.aws);
	if (ecra_docker_creds_get(creds, input, &o, &user, &secret) < 0) {
		cli_escape(stderr, ecra_error_last()->message);
		fputc('\n', stderr);
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
