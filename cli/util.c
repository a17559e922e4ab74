/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * cli/util.c - error printing, JSON string output and environment
 * look-ups shared by the CLI and the credential helper.
 */
#include "cli/cli.h"

#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *cli_cdk_docker_creds_file(char *buf, size_t size)
{
	const char *v = getenv("CDK_DOCKER_CREDS_FILE");
	const struct passwd *pw;
	const char *home = "";

	if (v != NULL)
		return v; /* even empty, as cdk-assets' `??` */
	/* the passwd entry's home, not $HOME (os.userInfo().homedir) */
	if ((pw = getpwuid(getuid())) != NULL && pw->pw_dir != NULL)
		home = pw->pw_dir;
	while (*home == ' ' || *home == '\t')
		home++;
	snprintf(buf, size, "%s/.cdk/cdk-docker-creds.json",
	    strcmp(home, "/") == 0 ? "" : home);
	return buf;
}

int cli_fail_lib(void)
{
	fprintf(stderr, "ecra: %s\n", ecra_error_last()->message);
	return CLI_EXIT_FAILED;
}

int cli_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("ecra: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CLI_EXIT_FAILED;
}

int cli_fail_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("ecra: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (cmd != NULL)
		fprintf(stderr, "Try 'ecr-assets help %s'.\n", cmd);
	else
		fprintf(stderr, "Try 'ecr-assets --help'.\n");
	return CLI_EXIT_USAGE;
}

void cli_json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	for (; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\b':
			fputs("\\b", f);
			break;
		case '\f':
			fputs("\\f", f);
			break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}
