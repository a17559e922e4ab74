/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * cli/cmd_synth.c - `ecr-assets synth`: synthesize a cloud assembly.
 *
 * Two kinds of app, as `--app` or cdk.json's "app":
 *   - an existing *.json file: a declarative app, loaded and synthesized
 *     by the library (ecra_app_load_json + ecra_app_synth);
 *   - anything else: a command, run the way the CDK CLI (aws-cdk
 *     2.1148.1, lib/cxapp/exec.ts) runs apps: through `/bin/sh -c`, with
 *     CDK_OUTDIR, CDK_CONTEXT_JSON, CDK_CLI_ASM_VERSION, CDK_CLI_VERSION,
 *     CDK_DEFAULT_REGION, CDK_ERROR_FILE and CDK_PERF_COUNTERS_FILE set,
 *     after which the assembly it wrote is checked;
 *   - an existing directory: already a cloud assembly (the CDK CLI skips
 *     synthesis too); it is checked and listed.
 * Settings and context are read as the CDK CLI reads them: ~/.cdk.json,
 * then cdk.json, then the command line; context from ~/.cdk.json,
 * cdk.context.json, cdk.json's "context" and -c, later ones winning.
 */
#include "cli/assembly.h"
#include "cli/cli.h"
#include "cli/cmd.h"

#include "base/path.h"
#include "core/alloc.h"
#include "json/json.h"
#include "util/buf.h"

#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* What the CDK CLI 2.1148.1 tells the app about itself; we replicate that
 * CLI's behaviour, so apps see the same values. */
#define CDK_CLI_VERSION     "2.1148.1"
#define CDK_CLI_ASM_VERSION "55.0.0"
/* Node's limit that the CDK CLI uses for the environment (non-Windows). */
#define ENV_SIZE_LIMIT 131072

typedef struct {
	const char *app;
	const char *output;
	const char **context_args;
	size_t context_count;
	int path_metadata; /* -1 unset, 0/1 */
	int asset_metadata;
	int version_reporting;
	int staging;
	bool quiet;
} synth_args;

typedef struct {
	ecra_json *user;        /* ~/.cdk.json */
	ecra_json *project;     /* cdk.json */
	ecra_json *project_ctx; /* cdk.context.json */
} config;

void cmd_synth_help(void)
{
	printf(
	    "usage: ecr-assets synth [--app FILE.json | --app COMMAND] "
	    "[-o DIR]\n"
	    "                        [-c KEY=VALUE]... [--no-path-metadata]\n"
	    "                        [--no-asset-metadata] "
	    "[--no-version-reporting]\n"
	    "                        [--no-staging] [--no-cache] [-q]\n\n"
	    "Synthesize a cloud assembly (default directory cdk.out).\n\n"
	    "  -a, --app APP      a declarative app file (*.json), a command "
	    "run like the\n"
	    "                     CDK CLI runs apps, or an assembly directory; "
	    "default:\n"
	    "                     \"app\" in ./cdk.json\n"
	    "  -o, --output DIR   where the assembly goes (default: \"output\" "
	    "in cdk.json,\n"
	    "                     else cdk.out); kept as given, as the CDK CLI "
	    "does\n"
	    "  -c, --context K=V  context value (a string), repeatable\n"
	    "  --no-path-metadata, --no-asset-metadata, "
	    "--no-version-reporting,\n"
	    "  --no-staging       as in the CDK CLI (command apps only)\n"
	    "  --no-cache         do not use the warm cache of file digests\n"
	    "                     (also ECRA_NO_CACHE=1)\n"
	    "  -q, --quiet        do not list the synthesized stacks\n\n"
	    "Prints one line per stack: \"<name>  <environment>\".\n");
}

/* Parse the JSON file `path` (errors name it `shown`); a missing file is
 * NULL with *missing set. Returns 0 or -1 (printed). Numbers are read as
 * JavaScript reads them (doubles), so the context passed on is the text
 * JSON.stringify gives, as from the CDK CLI (1e21 -> 1e+21). */
static int read_json(
    ecra_json **out, const char *path, const char *shown, bool *missing)
{
	ecra_buf text = ECRA_BUF_INIT(0);
	int rc;

	*out = NULL;
	*missing = false;
	if (access(path, F_OK) != 0 && errno == ENOENT) {
		*missing = true;
		return 0;
	}
	if (ecra_buf_read_file(&text, path) < 0) {
		ecra_buf_dispose(&text);
		return cli_fail("%s: cannot read: %s", shown, strerror(errno)),
		       -1;
	}
	rc = ecra_json_parse(
	    out, text.ptr != NULL ? text.ptr : "", text.size, shown, 0);
	ecra_buf_dispose(&text);
	if (rc < 0)
		return cli_fail_lib(), -1;
	return 0;
}

/* Load one settings file; missing is fine. Returns 0 or -1 (printed). */
static int load_settings(ecra_json **out, const char *path, const char *shown)
{
	static const char *const prohibited[] = { "default-account",
		"default-region" };
	const ecra_json *ctx;
	bool missing;
	void *it;
	size_t i;

	if (read_json(out, path, shown, &missing) < 0)
		return -1;
	if (missing) {
		if ((*out = ecra_json_object()) == NULL)
			return cli_fail("out of memory"), -1;
		return 0;
	}
	if (ecra_json_typeof(*out) != ECRA_JSON_OBJECT) {
		cli_fail("%s: expected a JSON object", shown);
		return -1;
	}
	ctx = ecra_json_get(*out, "context");
	for (i = 0; ctx != NULL && i < 2; i++) {
		if (ecra_json_get(ctx, prohibited[i]) != NULL) {
			cli_fail(
			    "%s: context.%s: no longer supported, remove it",
			    shown, prohibited[i]);
			return -1;
		}
	}
	for (it = ecra_json_iter(ctx); it != NULL;
	     it = ecra_json_iter_next(ctx, it))
		if (strncmp(ecra_json_iter_key(it), "aws:", 4) == 0)
			fprintf(stderr,
			    "ecra: warning: %s: reserved context key '%s' "
			    "might cause surprising behavior\n",
			    shown, ecra_json_iter_key(it));
	return 0;
}

/* dst[k] = src[k] for every key of the object src. 0 or -1. */
static int merge(ecra_json *dst, const ecra_json *src)
{
	void *it;

	for (it = ecra_json_iter(src); it != NULL;
	     it = ecra_json_iter_next(src, it))
		if (ecra_json_set(dst, ecra_json_iter_key(it),
		        ecra_json_iter_value(it)) < 0)
			return -1;
	return 0;
}

/* Compact JSON text, or NULL. */
static char *dump(const ecra_json *v)
{
	ecra_buf b = ECRA_BUF_INIT(0);

	if (ecra_json_write(&b, v, 0) < 0) {
		ecra_buf_dispose(&b);
		return NULL;
	}
	return ecra_buf_detach(&b);
}

static void config_dispose(config *c)
{
	ecra_json_free(c->user);
	ecra_json_free(c->project);
	ecra_json_free(c->project_ctx);
}

static int config_load(config *c)
{
	const char *home = getenv("HOME");
	char *user = NULL;
	size_t n;
	int rc = -1;
	bool missing;

	memset(c, 0, sizeof(*c));
	if (home != NULL && *home != '\0') {
		n = strlen(home) + sizeof("/.cdk.json");
		if ((user = malloc(n)) == NULL)
			return cli_fail("out of memory"), -1;
		snprintf(user, n, "%s/.cdk.json", home);
		if (load_settings(&c->user, user, "~/.cdk.json") < 0)
			goto done;
	} else if ((c->user = ecra_json_object()) == NULL) {
		goto done;
	}
	if (ecra_json_get(c->user, "build") != NULL) {
		cli_fail(
		    "~/.cdk.json: the \"build\" key belongs in the project "
		    "config (cdk.json)");
		goto done;
	}
	if (load_settings(&c->project, "cdk.json", "cdk.json") < 0)
		goto done;
	if (read_json(&c->project_ctx, "cdk.context.json", "cdk.context.json",
	        &missing) < 0)
		goto done;
	if (c->project_ctx == NULL &&
	    (c->project_ctx = ecra_json_object()) == NULL) {
		cli_fail("out of memory");
		goto done;
	}
	if (ecra_json_typeof(c->project_ctx) != ECRA_JSON_OBJECT) {
		cli_fail("cdk.context.json: expected a JSON object");
		goto done;
	}
	rc = 0;
done:
	free(user);
	return rc;
}

/* A setting: the project's value, else the user's. */
static const ecra_json *setting(const config *c, const char *key)
{
	const ecra_json *v = ecra_json_get(c->project, key);

	return v != NULL ? v : ecra_json_get(c->user, key);
}

static int bool_setting(const config *c, const char *key, int arg)
{
	const ecra_json *v;

	if (arg >= 0)
		return arg;
	v = setting(c, key);
	if (ecra_json_is_bool(v))
		return ecra_json_is_true(v);
	return 1;
}

/* The merged context, as the CDK CLI's Context.all: user < cdk.context.json
 * < cdk.json "context" < -c. Returns a new object or NULL (printed). */
static ecra_json *merged_context(const config *c, const synth_args *a)
{
	ecra_json *ctx = ecra_json_object(), *cli = ecra_json_object();
	const ecra_json *uc = ecra_json_get(c->user, "context");
	const ecra_json *pc = ecra_json_get(c->project, "context");
	size_t i;

	if (ctx == NULL || cli == NULL)
		goto oom;
	for (i = 0; i < a->context_count; i++) {
		const char *kv = a->context_args[i];
		const char *eq = strchr(kv, '=');
		char *key;
		int rc;

		if (eq == NULL) {
			fprintf(stderr,
			    "ecra: warning: context argument is not an "
			    "assignment (key=value): %s\n",
			    kv);
			continue;
		}
		if ((key = strndup(kv, (size_t)(eq - kv))) == NULL)
			goto oom;
		if (strncmp(key, "aws:", 4) == 0 && key[4] != '\0') {
			cli_fail("-c %s: context keys prefixed with 'aws:' are "
			         "reserved",
			    key);
			free(key);
			goto fail;
		}
		rc = ecra_json_set_str(cli, key, eq + 1);
		free(key);
		if (rc < 0)
			goto oom;
	}
	if (merge(ctx, uc) < 0 || merge(ctx, c->project_ctx) < 0 ||
	    merge(ctx, pc) < 0 || merge(ctx, cli) < 0)
		goto oom;
	ecra_json_free(cli);
	return ctx;
oom:
	cli_fail("out of memory");
fail:
	ecra_json_free(ctx);
	ecra_json_free(cli);
	return NULL;
}

/* The context keys the CDK CLI derives from its settings
 * (contextFromSettings in @aws-cdk/toolkit-lib). */
static int add_settings_context(
    ecra_json *ctx, const config *c, const synth_args *a)
{
	ecra_json *stacks;

	if (bool_setting(c, "pathMetadata", a->path_metadata) &&
	    ecra_json_set_new(
	        ctx, "aws:cdk:enable-path-metadata", ecra_json_bool(true)) < 0)
		return -1;
	if (bool_setting(c, "assetMetadata", a->asset_metadata) &&
	    ecra_json_set_new(
	        ctx, "aws:cdk:enable-asset-metadata", ecra_json_bool(true)) < 0)
		return -1;
	if (bool_setting(c, "versionReporting", a->version_reporting)) {
		if (ecra_json_set_new(ctx, "aws:cdk:version-reporting",
		        ecra_json_bool(true)) < 0)
			return -1;
	} else if (ecra_json_set_new(ctx, "aws:cdk:disable-version-reporting",
	               ecra_json_bool(true)) < 0) {
		return -1;
	}
	if (!bool_setting(c, "staging", a->staging) &&
	    ecra_json_set_new(
	        ctx, "aws:cdk:disable-asset-staging", ecra_json_bool(true)) < 0)
		return -1;
	if ((stacks = ecra_json_array()) == NULL ||
	    ecra_json_push_new(stacks, ecra_json_str("**")) < 0 ||
	    ecra_json_set_new(ctx, "aws:cdk:bundling-stacks", stacks) < 0)
		return -1;
	return ecra_json_set_new(ctx,
	    "@aws-cdk/core:failSynthOnValidationErrors", ecra_json_bool(false));
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void print_warning(const char *message, void *payload)
{
	(void)payload;
	fprintf(stderr, "ecra: warning: %s\n", message);
}

static int list_stacks(const char *outdir, bool quiet)
{
	cli_assembly a;
	int rc;

	if (cli_assembly_load(&a, outdir) < 0)
		return CLI_EXIT_FAILED;
	rc = quiet ? 0 : cli_assembly_print_stacks(stdout, &a);
	cli_assembly_dispose(&a);
	return rc < 0 ? CLI_EXIT_FAILED : CLI_EXIT_OK;
}

static int synth_json(
    const char *file, const char *outdir, const ecra_json *ctx, bool quiet)
{
	ecra_app_load_options lo = ECRA_APP_LOAD_OPTIONS_INIT;
	ecra_synth_options so = ECRA_SYNTH_OPTIONS_INIT;
	ecra_app *app = NULL;
	char *ctx_text = NULL;
	const char *docker = getenv("CDK_DOCKER");
	int rc = CLI_EXIT_FAILED;

	if ((ctx_text = dump(ctx)) == NULL) {
		cli_fail("out of memory");
		goto done;
	}
	lo.context_json = ctx_text;
	lo.outdir = outdir;
	lo.warning_cb = print_warning;
	lo.docker_command = docker;
	lo.cancel = cli_cancel_flag();
	so.cancel = cli_cancel_flag();
	if (ecra_app_load_json(&app, file, &lo) < 0 ||
	    ecra_app_synth(app, &so) < 0) {
		if (cli_signal_received() != 0)
			rc = cli_fail("interrupted by %s: nothing was written, "
			              "the output directory is as it was",
			    strsignal(cli_signal_received()));
		else
			rc = cli_fail_lib();
		goto done;
	}
	rc = list_stacks(ecra_app_outdir(app), quiet);
done:
	ecra_app_free(app);
	free(ctx_text);
	return rc;
}

/* quoteShellPart of the CDK CLI (POSIX branch). */
static char *quote_shell_part(const char *s)
{
	size_t n = strlen(s), i, j = 0;
	bool safe = n > 0;
	char *out;

	for (i = 0; i < n && safe; i++)
		safe = strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
		              "vwxyz0123456789_+=:,.@/-",
		           s[i]) != NULL;
	if (safe)
		return strdup(s);
	if ((out = malloc(2 * n + 3)) == NULL)
		return NULL;
	out[j++] = '"';
	for (i = 0; i < n; i++) {
		if (strchr("\\\"$`", s[i]) != NULL)
			out[j++] = '\\';
		out[j++] = s[i];
	}
	out[j++] = '"';
	out[j] = '\0';
	return out;
}

/* guessInterpreter: a non-executable .js file runs with node. */
static char *guess_interpreter(const char *file)
{
	struct stat st;
	char *q, *r;
	size_t n;

	if ((q = quote_shell_part(file)) == NULL)
		return NULL;
	if (stat(file, &st) == 0 && has_suffix(file, ".js") &&
	    (st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) == 0) {
		n = strlen(q) + sizeof("node ");
		if ((r = malloc(n)) != NULL)
			snprintf(r, n, "node %s", q);
		free(q);
		return r;
	}
	return q;
}

/* guessExecutable of the CDK CLI: the whole line, or its first word, may
 * name a file, which then gets an interpreter or shell quoting. */
static char *guess_executable(const char *line)
{
	struct stat st;
	const char *p = line, *end, *rest;
	char *first = NULL, *g = NULL, *r = NULL;
	size_t n;

	if (stat(line, &st) == 0)
		return guess_interpreter(line);
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (*p == '"') {
		if ((end = strchr(p + 1, '"')) == NULL)
			return strdup(line);
		first = strndup(p + 1, (size_t)(end - p - 1));
		rest = end + 1;
		while (*rest == ' ' || *rest == '\t')
			rest++;
	} else {
		if ((end = strchr(p, ' ')) == NULL)
			return strdup(line);
		first = strndup(p, (size_t)(end - p));
		rest = end + 1;
	}
	if (first == NULL)
		return NULL;
	if (stat(first, &st) != 0) {
		free(first);
		return strdup(line);
	}
	if ((g = guess_interpreter(first)) != NULL) {
		n = strlen(g) + strlen(rest) + 2;
		if ((r = malloc(n)) != NULL) {
			snprintf(r, n, "%s %s", g, rest);
			/* trim, as `...`.trim() does */
			n = strlen(r);
			while (n > 0 && (r[n - 1] == ' ' || r[n - 1] == '\t'))
				r[--n] = '\0';
		}
	}
	free(first);
	free(g);
	return r;
}

/* Region the way the CDK CLI's SDK provider finds it, without IMDS:
 * environment, then the shared config file, then us-east-1. */
static char *default_region(void)
{
	static const char *const vars[] = { "AWS_REGION", "AMAZON_REGION",
		"AWS_DEFAULT_REGION", "AMAZON_DEFAULT_REGION" };
	const char *profile = getenv("AWS_PROFILE");
	const char *file = getenv("AWS_CONFIG_FILE");
	const char *home = getenv("HOME");
	char path[4096], line[1024], want1[600], want2[600];
	bool in = false;
	FILE *f;
	size_t i;

	for (i = 0; i < 4; i++)
		if (getenv(vars[i]) != NULL && *getenv(vars[i]) != '\0')
			return strdup(getenv(vars[i]));
	if (profile == NULL || *profile == '\0')
		profile = getenv("AWS_DEFAULT_PROFILE");
	if (profile == NULL || *profile == '\0')
		profile = "default";
	if (file == NULL || *file == '\0') {
		if (home == NULL)
			return strdup("us-east-1");
		snprintf(path, sizeof(path), "%s/.aws/config", home);
		file = path;
	}
	snprintf(want1, sizeof(want1), "[profile %s]", profile);
	snprintf(want2, sizeof(want2), "[%s]", profile);
	if ((f = fopen(file, "r")) == NULL)
		return strdup("us-east-1");
	while (fgets(line, sizeof(line), f) != NULL) {
		char *s = line, *e;

		while (*s == ' ' || *s == '\t')
			s++;
		e = s + strlen(s);
		while (e > s && (e[-1] == '\n' || e[-1] == '\r' ||
		                    e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';
		if (*s == '[') {
			in = strcmp(s, want1) == 0 ||
			     (strcmp(profile, "default") == 0 &&
			         strcmp(s, want2) == 0);
			continue;
		}
		if (in && strncmp(s, "region", 6) == 0) {
			s += 6;
			while (*s == ' ' || *s == '\t')
				s++;
			if (*s++ != '=')
				continue;
			while (*s == ' ' || *s == '\t')
				s++;
			if (*s != '\0') {
				fclose(f);
				return strdup(s);
			}
		}
	}
	fclose(f);
	return strdup("us-east-1");
}

typedef struct {
	char **vars;
	size_t count;
} envlist;

static void env_free(envlist *e)
{
	size_t i;

	for (i = 0; i < e->count; i++)
		free(e->vars[i]);
	free(e->vars);
}

/* Set NAME=VALUE, replacing an inherited one. 0 or -1. */
static int env_set(envlist *e, const char *name, const char *value)
{
	size_t nl = strlen(name), i, n = nl + strlen(value) + 2;
	char *kv = malloc(n), **grown;

	if (kv == NULL)
		return -1;
	snprintf(kv, n, "%s=%s", name, value);
	for (i = 0; i < e->count; i++) {
		if (strncmp(e->vars[i], name, nl) == 0 &&
		    e->vars[i][nl] == '=') {
			free(e->vars[i]);
			e->vars[i] = kv;
			return 0;
		}
	}
	if ((grown = realloc(e->vars, (e->count + 2) * sizeof(*grown))) ==
	    NULL) {
		free(kv);
		return -1;
	}
	e->vars = grown;
	e->vars[e->count++] = kv;
	e->vars[e->count] = NULL;
	return 0;
}

static int env_init(envlist *e)
{
	size_t i;

	e->vars = NULL;
	e->count = 0;
	if ((e->vars = calloc(1, sizeof(*e->vars))) == NULL)
		return -1;
	for (i = 0; environ[i] != NULL; i++) {
		const char *eq = strchr(environ[i], '=');
		char *name;
		int rc;

		if (eq == NULL)
			continue;
		if ((name = strndup(environ[i], (size_t)(eq - environ[i]))) ==
		    NULL)
			return -1;
		rc = env_set(e, name, eq + 1);
		free(name);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static size_t env_size(const envlist *e)
{
	size_t i, n = 0;

	for (i = 0; i < e->count; i++)
		n += strlen(e->vars[i]) -
		     1; /* name + value, as the CLI counts */
	return n;
}

/* mkdir -p */
static int mkdirs(const char *dir)
{
	char *p = strdup(dir), *s;
	int rc = 0;

	if (p == NULL)
		return -1;
	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	if (mkdir(p, 0777) < 0 && errno != EEXIST)
		rc = -1;
	if (rc == 0) {
		struct stat st;

		if (stat(p, &st) < 0 || !S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			rc = -1;
		}
	}
	free(p);
	return rc;
}

/* Run `sh -c line` with env; returns the exit code or -1 (printed). */
static int run_shell(const char *line, char **env, int *status_out)
{
	char *argv[] = { "/bin/sh", "-c", (char *)line, NULL };
	pid_t pid;
	int status, err;
	bool forwarded = false;

	if ((err = posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, env)) != 0)
		return cli_fail("failed to execute CDK app: %s: %s", line,
		           strerror(err)),
		       -1;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return cli_fail("waitpid: %s", strerror(errno)), -1;
		/* A signal sent to us alone (kill, a supervisor) reaches the
		 * app too, as Ctrl-C reaches the whole foreground group. */
		if (cli_signal_received() != 0 && !forwarded) {
			(void)kill(pid, cli_signal_received());
			forwarded = true;
		}
	}
	*status_out = status;
	return 0;
}

static int synth_command(const char *app_line, const char *outdir,
    const ecra_json *ctx, const config *c, bool quiet)
{
	envlist env = { NULL, 0 };
	char *cmdline = NULL, *ctx_text = NULL, *region = NULL;
	char *errfile = NULL, *perffile = NULL;
	const char *build =
	    ecra_json_string(ecra_json_get(c->project, "build"));
	int status, rc = CLI_EXIT_FAILED;

	if ((cmdline = guess_executable(app_line)) == NULL ||
	    (ctx_text = dump(ctx)) == NULL ||
	    (region = default_region()) == NULL || env_init(&env) < 0 ||
	    env_set(&env, "PYTHONIOENCODING", "utf-8") < 0 ||
	    env_set(&env, "CDK_DEFAULT_REGION", region) < 0)
		goto oom;
	if (build != NULL) {
		if (run_shell(build, env.vars, &status) < 0)
			goto done;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			cli_fail("cdk.json: build command '%s' failed", build);
			goto done;
		}
	}
	if (ecra_app_remove_stale(outdir, NULL) < 0) {
		cli_fail_lib();
		goto done;
	}
	if (mkdirs(outdir) < 0) {
		cli_fail("could not create output directory '%s': %s", outdir,
		    strerror(errno));
		goto done;
	}
	if ((errfile = ecra_path_concat(outdir, "error.txt")) == NULL ||
	    (perffile = ecra_path_concat(
	         outdir, "performance-counters.json")) == NULL)
		goto oom;
	(void)unlink(errfile);
	(void)unlink(perffile);
	if (env_set(&env, "CDK_OUTDIR", outdir) < 0 ||
	    env_set(&env, "CDK_CLI_ASM_VERSION", CDK_CLI_ASM_VERSION) < 0 ||
	    env_set(&env, "CDK_CLI_VERSION", CDK_CLI_VERSION) < 0 ||
	    env_set(&env, "CDK_ERROR_FILE", errfile) < 0 ||
	    env_set(&env, "CDK_PERF_COUNTERS_FILE", perffile) < 0)
		goto oom;
	if (env_size(&env) + strlen("CDK_CONTEXT_JSON") + strlen(ctx_text) >
	    ENV_SIZE_LIMIT) {
		cli_fail(
		    "the context (%zu bytes) does not fit in the "
		    "environment; context overflow files are not supported",
		    strlen(ctx_text));
		goto done;
	}
	if (env_set(&env, "CDK_CONTEXT_JSON", ctx_text) < 0)
		goto oom;
	if (run_shell(cmdline, env.vars, &status) < 0)
		goto done;
	if (WIFSIGNALED(status)) {
		cli_fail("%s: subprocess was killed with signal %d", cmdline,
		    WTERMSIG(status));
		goto done;
	}
	if (WEXITSTATUS(status) != 0) {
		FILE *f = fopen(errfile, "r");
		char line[512] = "";

		if (f != NULL) {
			if (fgets(line, sizeof(line), f) != NULL)
				line[strcspn(line, "\r\n")] = '\0';
			fclose(f);
		}
		cli_fail("%s: subprocess exited with error %d%s%s", cmdline,
		    WEXITSTATUS(status), *line ? ": " : "", line);
		goto done;
	}
	rc = list_stacks(outdir, quiet);
	goto done;
oom:
	cli_fail("out of memory");
done:
	env_free(&env);
	free(cmdline);
	free(ctx_text);
	free(region);
	ecra_free(errfile);
	ecra_free(perffile);
	return rc;
}

/* Parse argv; returns -1 when the caller should return *exit_out. */
static int parse_args(synth_args *a, int argc, char **argv, int *exit_out)
{
	int i;

	memset(a, 0, sizeof(*a));
	a->path_metadata = a->asset_metadata = a->version_reporting = -1;
	a->staging = -1;
	if ((a->context_args = calloc((size_t)argc, sizeof(char *))) == NULL) {
		*exit_out = cli_fail("out of memory");
		return -1;
	}
	for (i = 1; i < argc; i++) {
		const char *s = argv[i];
		const char **slot = NULL;

		if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
			cmd_synth_help();
			*exit_out = CLI_EXIT_OK;
			return -1;
		}
		if (strcmp(s, "--app") == 0 || strcmp(s, "-a") == 0)
			slot = &a->app;
		else if (strcmp(s, "--output") == 0 || strcmp(s, "-o") == 0)
			slot = &a->output;
		else if (strcmp(s, "--context") == 0 || strcmp(s, "-c") == 0)
			slot = &a->context_args[a->context_count++];
		else if (strncmp(s, "--app=", 6) == 0)
			a->app = s + 6;
		else if (strncmp(s, "--output=", 9) == 0)
			a->output = s + 9;
		else if (strncmp(s, "--context=", 10) == 0)
			a->context_args[a->context_count++] = s + 10;
		else if (strcmp(s, "--no-path-metadata") == 0)
			a->path_metadata = 0;
		else if (strcmp(s, "--no-asset-metadata") == 0)
			a->asset_metadata = 0;
		else if (strcmp(s, "--no-version-reporting") == 0)
			a->version_reporting = 0;
		else if (strcmp(s, "--no-staging") == 0)
			a->staging = 0;
		else if (strcmp(s, "--quiet") == 0 || strcmp(s, "-q") == 0)
			a->quiet = true;
		else if (strcmp(s, "--no-cache") == 0)
			/* The library reads it where it fingerprints. */
			setenv("ECRA_NO_CACHE", "1", 1);
		else {
			*exit_out = cli_fail_usage("synth",
			    s[0] == '-' ? "unknown option '%s'"
			                : "unexpected argument '%s'",
			    s);
			return -1;
		}
		if (slot != NULL) {
			if (i + 1 >= argc) {
				*exit_out = cli_fail_usage(
				    "synth", "option '%s' needs a value", s);
				return -1;
			}
			*slot = argv[++i];
		}
	}
	if (a->app != NULL && *a->app == '\0') {
		*exit_out = cli_fail_usage("synth", "--app is empty");
		return -1;
	}
	return 0;
}

int cmd_synth(int argc, char **argv)
{
	synth_args a;
	config c = { NULL, NULL, NULL };
	ecra_json *ctx = NULL;
	char *app_line = NULL, *outdir_norm = NULL;
	const char *outdir;
	const ecra_json *v;
	struct stat st;
	int rc = CLI_EXIT_FAILED;

	cli_signals_install();
	if (parse_args(&a, argc, argv, &rc) < 0)
		goto done;
	if (config_load(&c) < 0)
		goto done;

	/* app: --app, else cdk.json, else ~/.cdk.json (arrays join with
	 * spaces, as the CDK CLI does) */
	if (a.app != NULL) {
		app_line = strdup(a.app);
	} else if ((v = setting(&c, "app")) != NULL &&
	           ecra_json_string(v) != NULL) {
		app_line = strdup(ecra_json_string(v));
	} else if (v != NULL && ecra_json_typeof(v) == ECRA_JSON_ARRAY) {
		size_t i, n = 1;

		for (i = 0; i < ecra_json_size(v); i++)
			n += ecra_json_string_len(ecra_json_at(v, i)) + 1;
		if ((app_line = calloc(1, n)) != NULL) {
			for (i = 0; i < ecra_json_size(v); i++) {
				const char *t =
				    ecra_json_string(ecra_json_at(v, i));

				if (i > 0)
					strcat(app_line, " ");
				if (t != NULL)
					strcat(app_line, t);
			}
		}
	} else {
		rc = cli_fail_usage("synth",
		    "--app is required either on the command line, in "
		    "cdk.json or in ~/.cdk.json");
		goto done;
	}
	if (app_line == NULL) {
		rc = cli_fail("out of memory");
		goto done;
	}

	/* output: -o, else cdk.json/~/.cdk.json "output", else cdk.out */
	outdir = a.output;
	if (outdir == NULL && (v = setting(&c, "output")) != NULL) {
		if (ecra_json_string(v) == NULL) {
			rc = cli_fail("cdk.json: \"output\" must be a string");
			goto done;
		}
		outdir = ecra_json_string(v);
	}
	if (outdir != NULL && *outdir == '\0') {
		rc = cli_fail_usage("synth", "the output directory is empty");
		goto done;
	}
	/* `-o sub/../cdk.out` is cdk.out: normalised (Node's
	 * path.normalize, no trailing slash) before it is used as a path
	 * and as the exclude pattern. */
	if (outdir != NULL) {
		size_t n;

		if ((outdir_norm = ecra_path_normalize(outdir)) == NULL) {
			rc = cli_fail("out of memory");
			goto done;
		}
		n = strlen(outdir_norm);
		if (n > 1 && outdir_norm[n - 1] == '/')
			outdir_norm[n - 1] = '\0';
		outdir = outdir_norm;
	}

	if (stat(app_line, &st) == 0 && S_ISDIR(st.st_mode)) {
		/* already an assembly: the CDK CLI bypasses synthesis */
		rc = list_stacks(app_line, a.quiet);
		goto done;
	}
	if ((ctx = merged_context(&c, &a)) == NULL)
		goto done;
	if (has_suffix(app_line, ".json") && strchr(app_line, ' ') == NULL) {
		if (stat(app_line, &st) != 0 || !S_ISREG(st.st_mode)) {
			rc = cli_fail("%s: no such app file", app_line);
			goto done;
		}
		rc = synth_json(app_line, outdir, ctx, a.quiet);
		goto done;
	}
	if (add_settings_context(ctx, &c, &a) < 0) {
		rc = cli_fail("out of memory");
		goto done;
	}
	rc = synth_command(
	    app_line, outdir != NULL ? outdir : "cdk.out", ctx, &c, a.quiet);
done:
	free(a.context_args);
	free(app_line);
	ecra_free(outdir_norm);
	ecra_json_free(ctx);
	config_dispose(&c);
	return cli_signal_exit_status(rc);
}
