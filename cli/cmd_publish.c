/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * cli/cmd_publish.c - `ecr-assets publish`: build and push the docker
 * image assets of asset manifests or cloud assemblies, like
 * `cdk-assets publish`.
 *
 * The CLI reads the environment (CDK_DOCKER, AWS_*, DOCKER_CONFIG,
 * TMPDIR, CDK_DOCKER_CREDS_FILE) and hands it to the library as options.
 * Progress goes to stderr as `<level>: [<pct>%] <type>: <message>` (cdk-assets'
 * format), or with
 * --json as one JSON object per line on stdout. Docker's own output goes
 * to stdout/stderr (to stderr only with --json).
 */
#include "cli/cli.h"
#include "cli/cmd.h"

#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

#define MAX_ITEMS 256

typedef struct {
	bool json;
	bool verbose;
	bool quiet;       /* only what cdk-assets prints by default */
	bool live;        /* stderr is a terminal: show steps on one line */
	bool line_active; /* the live line holds text that must be cleared */
	char **failures;
	size_t failure_count;
} out_state;

void cmd_publish_help(void)
{
	printf(
	    "usage: ecr-assets publish [PATH]... [--asset ID[:DEST]]... "
	    "[--stack NAME]...\n"
	    "                          [--force] [--parallel N] [--retries N] "
	    "[--dry-run]\n"
	    "                          [--json] [--verbose|--quiet]\n"
	    "                          [--daemonless-tarballs]\n"
	    "                          [--registry HOST[:PORT] [--account "
	    "ID]]\n"
	    "                          [--insecure-registry HOST[:PORT]]... "
	    "[--ca-cert FILE]\n"
	    "                          [--username USER --password-stdin] "
	    "[--profile NAME]\n\n"
	    "Build and push the docker image assets of each PATH: a cloud "
	    "assembly\ndirectory (cdk.out), a *.assets.json file, or a "
	    "directory with an assets.json\n(default: the current "
	    "directory). Images already in the registry are skipped.\n\n"
	    "  --asset ID[:DEST]  only these assets/destinations (ID, ID:DEST, "
	    ":DEST, *:DEST)\n"
	    "  --stack NAME       only the asset manifests of this stack\n"
	    "  --force            push even if the tag exists\n"
	    "  --parallel N       check and push N entries at once (builds "
	    "stay serial)\n"
	    "  --retries N        retry a push that fails transiently (HTTP "
	    "5xx/429, refused\n"
	    "                     or reset connection) up to N times, 0-10 "
	    "(default 2)\n"
	    "  --dry-run          check and print the plan; build and push "
	    "nothing\n"
	    "  --daemonless-tarballs  push TarballImageAsset tarballs over the "
	    "registry API,\n"
	    "                     without docker load/tag/push\n"
	    "  --json             one JSON event per line on stdout\n"
	    "  --verbose, -v      also print debug events, docker command "
	    "lines and output\n"
	    "  --quiet, -q        only start, success and failure lines (as "
	    "cdk-assets)\n"
	    "  --registry H[:P]   push to this registry instead of ECR "
	    "(repository names\n"
	    "                     and tags kept; no AWS call)\n"
	    "  --insecure-registry H[:P]  speak plain http to this registry "
	    "(repeatable;\n"
	    "                     loopback hosts always use http)\n"
	    "  --ca-cert FILE     trust the CA certificates in FILE (PEM) for "
	    "registries\n"
	    "                     (default: $SSL_CERT_FILE, else the "
	    "system's)\n"
	    "  --account ID       account for ${AWS::AccountId} in registry "
	    "mode\n"
	    "                     (default: $CDK_DEFAULT_ACCOUNT)\n"
	    "  --username U       registry user (with --password-stdin)\n"
	    "  --password-stdin   read the registry password from stdin\n"
	    "  --profile NAME     AWS credentials profile\n\n"
	    "Environment: CDK_DOCKER (docker-compatible CLI), DOCKER_CONFIG "
	    "(read only),\nAWS_REGION, AWS_PROFILE, AWS_ACCESS_KEY_ID, "
	    "AWS_SECRET_ACCESS_KEY,\nAWS_SESSION_TOKEN, AWS_CONFIG_FILE, "
	    "AWS_SHARED_CREDENTIALS_FILE, AWS_ENDPOINT_URL,\n"
	    "AWS_ENDPOINT_URL_ECR, AWS_ENDPOINT_URL_STS, CDK_DOCKER_CREDS_FILE "
	    "(default\n~/.cdk/cdk-docker-creds.json: builds get docker "
	    "credentials through\ndocker-credential-cdk-assets).\n"
	    "Exit status: 0 all published, 1 something failed, 2 usage "
	    "error.\n");
}

/* Longest message shown on the live status line. */
#define LIVE_WIDTH 100

/* Erase the live status line before other output is written. */
static void clear_live(out_state *st)
{
	if (st->line_active) {
		fputs("\r\033[K", stderr);
		st->line_active = false;
	}
}

/* The events that are a step of one asset. */
static bool is_step(ecra_publish_event_type type)
{
	return type == ECRA_EVENT_CHECK || type == ECRA_EVENT_FOUND ||
	       type == ECRA_EVENT_CACHED || type == ECRA_EVENT_BUILD ||
	       type == ECRA_EVENT_UPLOAD;
}

static void on_event(const ecra_publish_event *ev, void *payload)
{
	out_state *st = payload;

	if (ev->type == ECRA_EVENT_FAIL && st->failures != NULL &&
	    st->failure_count < MAX_ITEMS) {
		char *copy = strdup(ev->message);

		if (copy != NULL)
			st->failures[st->failure_count++] = copy;
	}
	if (st->json) {
		printf("{\"type\":");
		cli_json_string(stdout, ev->type_name);
		printf(",\"level\":");
		cli_json_string(stdout, ev->level);
		printf(",\"percent\":%u,\"message\":", ev->percent);
		cli_json_string(stdout, ev->message);
		if (ev->asset_id != NULL) {
			printf(",\"asset\":");
			cli_json_string(stdout, ev->asset_id);
			printf(",\"destination\":");
			cli_json_string(stdout, ev->destination_id);
		}
		printf("}\n");
		fflush(stdout);
		return;
	}
	if (st->live && strcmp(ev->level, "verbose") == 0) {
		/* On a terminal the steps (check, build, upload...) replace
		 * each other on one status line instead of scrolling. */
		fprintf(stderr, "\r\033[K[%u%%] %s: %.*s", ev->percent,
		    ev->type_name, LIVE_WIDTH, ev->message);
		fflush(stderr);
		st->line_active = true;
		return;
	}
	clear_live(st);
	/* By default one line per step of each asset; debug events and
	 * command lines only with --verbose, steps not with --quiet. */
	if (!st->verbose && strcmp(ev->level, "verbose") == 0 &&
	    (st->quiet || !is_step(ev->type)))
		return;
	fprintf(stderr, "%-7s: [%u%%] %s: %s\n", ev->level, ev->percent,
	    ev->type_name, ev->message);
}

static void on_output(int stream, const char *line, size_t len, void *payload)
{
	out_state *st = payload;
	FILE *f = stream == 1 && !st->json ? stdout : stderr;

	clear_live(st);
	fwrite(line, 1, len, f);
	fputc('\n', f);
	fflush(f);
}

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

static int read_password(char **out)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	int c;

	if (buf == NULL)
		return -1;
	while ((c = getchar()) != EOF && n + 1 < cap)
		buf[n++] = (char)c;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	buf[n] = '\0';
	*out = buf;
	return 0;
}

static bool parse_count(const char *s, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' || v < 1 || v > 64)
		return false;
	*out = (unsigned int)v;
	return true;
}

/* The signal that interrupted the run, or NULL. */
static const char *interrupted_by(void)
{
	int sig = cli_signal_received();

	return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : NULL;
}

int cmd_publish(int argc, char **argv)
{
	const char *paths[MAX_ITEMS], *assets[MAX_ITEMS], *stacks[MAX_ITEMS];
	const char *insecure[MAX_ITEMS];
	size_t npaths = 0, nassets = 0, nstacks = 0, i, before;
	size_t ninsecure = 0;
	char *failures[MAX_ITEMS];
	char *password = NULL;
	bool password_stdin = false;
	ecra_publish_options o;
	ecra_publish_summary sum;
	ecra_manifest *m = NULL;
	out_state st = { .failures = failures };
	char home_docker[4096], creds_path[4096], exe_dir[4096];
	struct passwd *pw;
	int rc = CLI_EXIT_OK, r;

	memset(&o, 0, sizeof(o));
	memset(&sum, 0, sizeof(sum));
	o.version = ECRA_PUBLISH_OPTIONS_VERSION;
	for (i = 1; i < (size_t)argc; i++) {
		const char *a = argv[i];
		const char *next = i + 1 < (size_t)argc ? argv[i + 1] : NULL;

#define NEED_VALUE()                                                    \
	do {                                                            \
		if (next == NULL)                                       \
			return cli_fail_usage(                          \
			    "publish", "option '%s' needs a value", a); \
		i++;                                                    \
	} while (0)
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			cmd_publish_help();
			return CLI_EXIT_OK;
		} else if (strcmp(a, "--asset") == 0) {
			NEED_VALUE();
			if (nassets == MAX_ITEMS)
				return cli_fail_usage(
				    "publish", "too many --asset");
			assets[nassets++] = next;
		} else if (strcmp(a, "--stack") == 0) {
			NEED_VALUE();
			if (nstacks == MAX_ITEMS)
				return cli_fail_usage(
				    "publish", "too many --stack");
			stacks[nstacks++] = next;
		} else if (strcmp(a, "--force") == 0) {
			o.force = true;
		} else if (strcmp(a, "--daemonless-tarballs") == 0) {
			o.daemonless_tarballs = true;
		} else if (strcmp(a, "--dry-run") == 0) {
			o.dry_run = true;
		} else if (strcmp(a, "--json") == 0) {
			st.json = true;
		} else if (strcmp(a, "--verbose") == 0 ||
		           strcmp(a, "-v") == 0) {
			st.verbose = true;
		} else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
			st.quiet = true;
		} else if (strcmp(a, "--parallel") == 0) {
			NEED_VALUE();
			if (!parse_count(next, &o.parallel))
				return cli_fail_usage("publish",
				    "--parallel needs a number from 1 to 64, "
				    "got "
				    "'%s'",
				    next);
		} else if (strcmp(a, "--retries") == 0) {
			unsigned int n = 0;

			NEED_VALUE();
			if (strcmp(next, "0") != 0 &&
			    (!parse_count(next, &n) || n > 10))
				return cli_fail_usage("publish",
				    "--retries needs a number from 0 to 10, "
				    "got "
				    "'%s'",
				    next);
			o.push_attempts = n + 1;
		} else if (strcmp(a, "--registry") == 0) {
			NEED_VALUE();
			if (ecra_registry_host_check(next) < 0)
				return cli_fail_usage("publish",
				    "--registry needs HOST[:PORT]: %s",
				    ecra_error_last()->message);
			o.registry = next;
		} else if (strcmp(a, "--insecure-registry") == 0) {
			NEED_VALUE();
			if (ecra_registry_host_check(next) < 0)
				return cli_fail_usage("publish",
				    "--insecure-registry needs HOST[:PORT]: %s",
				    ecra_error_last()->message);
			if (ninsecure == MAX_ITEMS)
				return cli_fail_usage(
				    "publish", "too many --insecure-registry");
			insecure[ninsecure++] = next;
		} else if (strcmp(a, "--ca-cert") == 0) {
			NEED_VALUE();
			o.ca_file = next;
		} else if (strcmp(a, "--account") == 0) {
			NEED_VALUE();
			o.account = next;
		} else if (strcmp(a, "--username") == 0) {
			NEED_VALUE();
			o.username = next;
		} else if (strcmp(a, "--password-stdin") == 0) {
			password_stdin = true;
		} else if (strcmp(a, "--profile") == 0) {
			NEED_VALUE();
			o.aws_profile = next;
		} else if (a[0] == '-' && a[1] != '\0') {
			return cli_fail_usage(
			    "publish", "unknown option '%s'", a);
		} else {
			if (npaths == MAX_ITEMS)
				return cli_fail_usage(
				    "publish", "too many paths");
			paths[npaths++] = a;
		}
#undef NEED_VALUE
	}
	if ((o.username != NULL) != password_stdin)
		return cli_fail_usage(
		    "publish", "--username and --password-stdin go together");
	if (o.username != NULL && o.registry == NULL)
		return cli_fail_usage("publish", "--username needs --registry");
	if (npaths == 0)
		paths[npaths++] = ".";
	o.insecure_registries = insecure;
	o.insecure_registry_count = ninsecure;
	for (i = 0; i < ninsecure; i++)
		fprintf(stderr,
		    "warning: --insecure-registry %s: images and "
		    "credentials go to it over plain http, unencrypted\n",
		    insecure[i]);
	/* From here on the process holds secrets (this password, ECR
	 * tokens): no core dumps. */
	cli_protect_secrets();
	if (password_stdin) {
		if (read_password(&password) < 0)
			return cli_fail("out of memory");
		o.password = password;
	}

	/* The environment, read here only. */
	o.docker = getenv("CDK_DOCKER"); /* "" is kept: it is an error */
	o.env = environ;
	o.tmpdir = env("TMPDIR");
	o.docker_config = env("DOCKER_CONFIG");
	if (o.docker_config == NULL && env("HOME") != NULL) {
		snprintf(home_docker, sizeof(home_docker), "%s/.docker",
		    env("HOME"));
		o.docker_config = home_docker;
	}
	if (o.account == NULL)
		o.account = env("CDK_DEFAULT_ACCOUNT");
	o.aws_env_profile = env("AWS_PROFILE");
	o.aws_region = env("AWS_REGION");
	o.aws_access_key_id = env("AWS_ACCESS_KEY_ID");
	o.aws_secret_access_key = env("AWS_SECRET_ACCESS_KEY");
	o.aws_session_token = env("AWS_SESSION_TOKEN");
	o.aws_config_file = env("AWS_CONFIG_FILE");
	o.aws_credentials_file = env("AWS_SHARED_CREDENTIALS_FILE");
	o.aws_endpoint_url = env("AWS_ENDPOINT_URL");
	o.aws_endpoint_url_ecr = env("AWS_ENDPOINT_URL_ECR");
	o.aws_endpoint_url_sts = env("AWS_ENDPOINT_URL_STS");
	o.aws_ignore_configured_endpoint_urls =
	    env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	o.aws_max_attempts = env("AWS_MAX_ATTEMPTS");
	/* TLS and proxies as curl and the AWS CLI read them: --ca-cert
	 * over SSL_CERT_FILE; AWS_CA_BUNDLE for AWS calls; HTTPS_PROXY
	 * over https_proxy and NO_PROXY over no_proxy, but http_proxy over
	 * HTTP_PROXY (curl reads only the lower-case one: a CGI request
	 * header can set HTTP_PROXY; Go reads both). */
	if (o.ca_file == NULL)
		o.ca_file = env("SSL_CERT_FILE");
	o.aws_ca_bundle = env("AWS_CA_BUNDLE");
	o.https_proxy =
	    env("HTTPS_PROXY") ? env("HTTPS_PROXY") : env("https_proxy");
	o.http_proxy =
	    env("http_proxy") ? env("http_proxy") : env("HTTP_PROXY");
	o.no_proxy = env("NO_PROXY") ? env("NO_PROXY") : env("no_proxy");
	o.home = env("HOME");
	pw = getpwuid(getuid());
	o.user_name = pw != NULL ? pw->pw_name : NULL;
	o.docker_creds_file =
	    cli_cdk_docker_creds_file(creds_path, sizeof(creds_path));
	o.credential_helper_dir = helper_dir(exe_dir, sizeof(exe_dir));
	o.on_event = on_event;
	o.on_output = on_output;
	o.payload = &st;
	/* SIGINT/SIGTERM: the library stops starting new work and still
	 * removes its private docker config. */
	o.cancel = cli_cancel_flag();
	cli_signals_install();

	if (ecra_init() < 0) {
		rc = cli_fail_lib();
		goto done;
	}
	if (ecra_manifest_new(&m) < 0) {
		rc = cli_fail_lib();
		goto shutdown;
	}
	for (i = 0; i < npaths; i++) {
		before = ecra_manifest_count(m);
		if (ecra_manifest_load(m, paths[i]) < 0) {
			rc = cli_fail_lib();
			goto shutdown;
		}
		if (st.verbose && !st.json)
			fprintf(stderr,
			    "verbose: Loaded manifest from %s: %zu assets "
			    "found\n",
			    paths[i], ecra_manifest_count(m) - before);
	}
	if ((nassets > 0 || nstacks > 0) &&
	    ecra_manifest_select(m, assets, nassets, stacks, nstacks) < 0) {
		rc = cli_fail_lib();
		goto shutdown;
	}
	if (st.verbose && !st.json && (nassets > 0 || nstacks > 0))
		fprintf(stderr,
		    "verbose: Applied selection: %zu assets "
		    "selected.\n",
		    ecra_manifest_count(m));
	if (o.dry_run && !st.json) {
		for (i = 0; i < ecra_manifest_count(m); i++) {
			ecra_manifest_entry e;

			if (ecra_manifest_get(m, i, &e) < 0)
				continue;
			fprintf(stderr, "plan   : %s:%s -> %s%s%s:%s (%s)\n",
			    e.asset_id, e.destination_id,
			    o.registry ? o.registry : "", o.registry ? "/" : "",
			    e.repository_name, e.image_tag,
			    e.executable ? "executable" : e.directory);
		}
	}

	st.live = !st.json && !st.verbose && !st.quiet &&
	          isatty(STDERR_FILENO) && env("TERM") != NULL &&
	          strcmp(env("TERM"), "dumb") != 0;
	r = ecra_publish(m, &o, &sum);
	clear_live(&st);
	if (r < 0 && sum.failed == 0) {
		rc = cli_fail_lib();
		goto shutdown;
	}
	if (st.json) {
		printf(
		    "{\"type\":\"summary\",\"entries\":%zu,\"published\":%zu,"
		    "\"skipped\":%zu,\"failed\":%zu,\"builds\":%zu,"
		    "\"cached\":%zu,\"seconds\":%.3f,\"build_seconds\":%.3f,"
		    "\"push_seconds\":%.3f,\"dry_run\":%s,"
		    "\"interrupted\":%s}\n",
		    sum.entries, sum.published, sum.skipped, sum.failed,
		    sum.builds, sum.cached, sum.seconds, sum.build_seconds,
		    sum.push_seconds, o.dry_run ? "true" : "false",
		    interrupted_by() ? "true" : "false");
	} else {
		for (i = 0; i < st.failure_count; i++) {
			fprintf(stderr, "Failure: %s\n", failures[i]);
			/* the library says what is missing, we say how */
			if (o.registry != NULL &&
			    strstr(failures[i], "no credentials were given"))
				fprintf(stderr,
				    "hint: pass --username USER "
				    "--password-stdin, or log in with docker "
				    "login %s\n",
				    o.registry);
		}
		if (interrupted_by() != NULL)
			fprintf(stderr, "error  : interrupted by %s\n",
			    interrupted_by());
		fprintf(stderr,
		    "info   : %s %zu, skipped %zu (already present), failed "
		    "%zu; %zu builds, %zu cached; %.2fs (build %.2fs, push "
		    "%.2fs)\n",
		    o.dry_run ? "would publish" : "published", sum.published,
		    sum.skipped, sum.failed, sum.builds, sum.cached,
		    sum.seconds, sum.build_seconds, sum.push_seconds);
	}
	if (sum.failed > 0)
		rc = CLI_EXIT_FAILED;
	rc = cli_signal_exit_status(rc);
shutdown:
	ecra_manifest_free(m);
	ecra_shutdown();
done:
	for (i = 0; i < st.failure_count; i++)
		free(failures[i]);
	if (password != NULL) {
		memset(password, 0, strlen(password));
		free(password);
	}
	return rc;
}
