/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * cli/util.c - error printing, escaping of user-controlled text, JSON
 * string output, "did you mean" suggestions and environment look-ups
 * shared by the CLI and the credential helper.
 *
 * Everything the tool prints for a human passes cli_escape(): paths,
 * patterns, registry messages and docker output are untrusted, and a
 * directory named "\x1b]0;pwned\a" must not retitle or rewrite the
 * terminal. Control characters, DEL, C1 controls and bytes that are not
 * UTF-8 are shown as C escapes (\n, \r, \x1b, \x9b); tabs and valid
 * UTF-8 text are kept.
 */
#include "cli/cli.h"

#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
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

/* Length of the valid UTF-8 sequence at p (1-4), or 0 if it is not
 * one (overlong forms, surrogates and code points above U+10FFFF are
 * not). `avail` bytes are readable. */
static size_t utf8_len(const unsigned char *p, size_t avail)
{
	uint32_t cp;
	size_t n, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (avail < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

void cli_escape_n(FILE *f, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len) {
		unsigned char c = p[i];

		if (c >= 0x20 && c < 0x7f) {
			fputc(c, f);
			i++;
			continue;
		}
		switch (c) {
		case '\t':
			fputc('\t', f);
			i++;
			continue;
		case '\n':
			fputs("\\n", f);
			i++;
			continue;
		case '\r':
			fputs("\\r", f);
			i++;
			continue;
		default:
			break;
		}
		n = c < 0x80 ? 0 : utf8_len(p + i, len - i);
		/* C1 controls (U+0080-U+009F) are CSI, OSC... on terminals. */
		if (n == 2 && c == 0xc2 && p[i + 1] < 0xa0)
			n = 0;
		if (n == 0) {
			fprintf(f, "\\x%02x", c);
			i++;
		} else {
			fwrite(p + i, 1, n, f);
			i += n;
		}
	}
}

void cli_escape(FILE *f, const char *s)
{
	cli_escape_n(f, s, strlen(s));
}

/* "ecra: " and the message, escaped, and a newline. */
static void print_error(const char *fmt, va_list ap)
{
	char small[1024], *big = NULL;
	const char *msg = small;
	va_list copy;
	int n;

	va_copy(copy, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n >= (int)sizeof(small) && (big = malloc((size_t)n + 1)) != NULL) {
		vsnprintf(big, (size_t)n + 1, fmt, copy);
		msg = big;
	}
	va_end(copy);
	fputs("ecra: ", stderr);
	cli_escape(stderr, n < 0 ? fmt : msg);
	fputc('\n', stderr);
	free(big);
}

static void print_error_v(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_error(fmt, ap);
	va_end(ap);
}

int cli_fail_lib(void)
{
	print_error_v("%s", ecra_error_last()->message);
	return CLI_EXIT_FAILED;
}

int cli_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_error(fmt, ap);
	va_end(ap);
	return CLI_EXIT_FAILED;
}

int cli_fail_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_error(fmt, ap);
	va_end(ap);
	if (cmd != NULL)
		fprintf(stderr, "Try 'ecr-assets help %s'.\n", cmd);
	else
		fprintf(stderr, "Try 'ecr-assets --help'.\n");
	return CLI_EXIT_USAGE;
}

/* Levenshtein distance of a and b, capped at `cap` (returns cap + 1
 * when larger, and for strings too long to be worth comparing). */
static size_t edit_distance(const char *a, const char *b, size_t cap)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[129];

	if (la > 128 || lb > 128)
		return cap + 1;
	if ((la > lb ? la - lb : lb - la) > cap)
		return cap + 1;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0], best;

		row[0] = i;
		best = row[0];
		for (j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t v = diag + cost;

			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			diag = up;
			row[j] = v;
			if (v < best)
				best = v;
		}
		if (best > cap)
			return cap + 1;
	}
	return row[lb];
}

const char *cli_suggest(
    const char *word, const char *const *candidates, size_t count)
{
	size_t len = strlen(word), cap, best_d, i;
	const char *best = NULL;

	/* Close enough to be a typo: a third of the word, at least 1, at
	 * most 3 edits (git's help.autocorrect uses a similar bound). */
	cap = len / 3;
	if (cap < 1)
		cap = 1;
	if (cap > 3)
		cap = 3;
	best_d = cap + 1;
	for (i = 0; i < count; i++) {
		size_t d;

		if (candidates[i] == NULL || strcmp(candidates[i], word) == 0)
			continue;
		d = edit_distance(word, candidates[i], cap);
		if (d < best_d) {
			best_d = d;
			best = candidates[i];
		}
	}
	return best;
}

bool cli_suggest_exact(
    const char *word, const char *const *candidates, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (candidates[i] != NULL && strcmp(candidates[i], word) == 0)
			return true;
	return false;
}

void cli_list_append(char *buf, size_t size, const char *const *items,
    size_t count, size_t max_items)
{
	size_t i, used = strlen(buf), shown = 0;

	for (i = 0; i < count; i++) {
		size_t j;
		bool dup = false;

		for (j = 0; j < i && !dup; j++)
			dup = items[j] != NULL && items[i] != NULL &&
			      strcmp(items[j], items[i]) == 0;
		if (items[i] == NULL || dup)
			continue;
		if (shown == max_items) {
			snprintf(buf + used, size - used, ", ...");
			return;
		}
		snprintf(buf + used, size - used, "%s%s", shown ? ", " : "",
		    items[i]);
		used += strlen(buf + used);
		shown++;
	}
}

static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && v[0] != '\0' ? v : NULL;
}

void cli_aws_options_from_env(ecra_aws_options *o)
{
	const struct passwd *pw;

	ecra_aws_options_init(o, ECRA_AWS_OPTIONS_VERSION);
	o->env_profile = env("AWS_PROFILE");
	o->region = env("AWS_REGION");
	o->access_key_id = env("AWS_ACCESS_KEY_ID");
	o->secret_access_key = env("AWS_SECRET_ACCESS_KEY");
	o->session_token = env("AWS_SESSION_TOKEN");
	o->config_file = env("AWS_CONFIG_FILE");
	o->credentials_file = env("AWS_SHARED_CREDENTIALS_FILE");
	o->endpoint_url = env("AWS_ENDPOINT_URL");
	o->endpoint_url_ecr = env("AWS_ENDPOINT_URL_ECR");
	o->endpoint_url_sts = env("AWS_ENDPOINT_URL_STS");
	o->endpoint_url_secrets_manager =
	    env("AWS_ENDPOINT_URL_SECRETS_MANAGER");
	o->ignore_configured_endpoint_urls =
	    env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	o->max_attempts = env("AWS_MAX_ATTEMPTS");
	o->home = env("HOME");
	pw = getpwuid(getuid());
	o->user_name = pw != NULL ? pw->pw_name : NULL;
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
