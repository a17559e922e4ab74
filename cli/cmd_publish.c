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
 * --json as one JSON object per line on stdout. Daemonless pushes report
 * bytes: one line per blob sent, the image's bytes and average rate on
 * its success line, bytes done/total, rate and ETA on the live line of a
 * terminal, and byte fields on --json transfer events. Docker's own output goes
 * to stdout/stderr (to stderr only with --json).
 */
#include "cli/cli.h"
#include "cli/cmd.h"
#include "cli/progress.h"
#include "cli/publish_env.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <sys/stat.h>
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
	cli_progress *progress; /* per-image byte counts, or NULL */
	double live_drawn;      /* when the live line last showed bytes */
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
	    "directory with an assets.json\n(default: ./cdk.out if it holds "
	    "an assembly, else the current directory).\nImages already in "
	    "the registry are skipped.\n\n"
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

/* Shown with the chosen verbosity? By default one line per step of each
 * asset; debug events and command lines only with --verbose, steps not
 * with --quiet. The live status line shows exactly the same events. */
static bool shown(const out_state *st, const ecra_publish_event *ev)
{
	return st->verbose || strcmp(ev->level, "verbose") != 0 ||
	       (!st->quiet && is_step(ev->type));
}

/* Print at most `width` bytes of `s`, escaped, cut at a UTF-8 boundary. */
static void print_cut(FILE *f, const char *s, size_t width)
{
	size_t n = strlen(s);

	if (n > width) {
		n = width;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	cli_escape_n(f, s, n);
	if (n < strlen(s))
		fputs("...", f);
}

static void json_field(const char *name, const char *value)
{
	if (value == NULL)
		return;
	printf(",\"%s\":", name);
	cli_json_string(stdout, value);
}

/* The byte fields of a --json transfer event: the blob's and the
 * image's so far. */
static void json_transfer(
    const ecra_xfer_event *xe, const cli_progress_image *im)
{
	json_field("stage", xe->type_name);
	json_field("kind", xe->kind);
	json_field("blob", xe->digest);
	json_field("name", xe->name);
	if (xe->type == ECRA_XFER_BLOB_DONE || xe->type == ECRA_XFER_MANIFEST)
		json_field(
		    "outcome", xe->outcome == ECRA_XFER_UPLOADED  ? "uploaded"
		               : xe->outcome == ECRA_XFER_MOUNTED ? "mounted"
		                                                  : "skipped");
	printf(",\"bytes_done\":%llu,\"bytes_total\":%llu,\"rate\":%.0f",
	    (unsigned long long)xe->done, (unsigned long long)xe->total,
	    xe->rate);
	printf(",\"image_bytes_done\":%llu,\"image_bytes_total\":%llu,"
	       "\"image_rate\":%.0f",
	    (unsigned long long)im->done, (unsigned long long)im->total,
	    im->rate);
	if (im->eta >= 0)
		printf(",\"eta_seconds\":%.1f", im->eta);
}

/* Seconds between redraws of the live line for byte counts. */
#define LIVE_INTERVAL 0.2

/* A transfer event. On a terminal: the image's bytes done/total, rate
 * and ETA on the live line. Else one line per blob sent (or skipped or
 * mounted); every chunk only with --verbose. */
static void on_transfer(
    out_state *st, const ecra_publish_event *ev, const cli_progress_image *im)
{
	const ecra_xfer_event *xe = ev->transfer;
	bool finished = xe->type == ECRA_XFER_BLOB_DONE;

	if (st->live) {
		char d[32], t[32], r[32];
		double now = cli_progress_now();

		if (im->total == 0 ||
		    (!finished && now - st->live_drawn < LIVE_INTERVAL))
			return;
		st->live_drawn = now;
		cli_progress_bytes(d, sizeof(d), (double)im->done);
		cli_progress_bytes(t, sizeof(t), (double)im->total);
		cli_progress_bytes(r, sizeof(r), im->rate);
		fprintf(stderr, "\r\033[K[%u%%] upload: ", ev->progress);
		print_cut(stderr, ev->asset_id ? ev->asset_id : "", 40);
		fprintf(stderr, " %s/%s, %s/s", d, t, r);
		if (im->eta >= 0)
			fprintf(stderr, ", ETA %.0fs", im->eta);
		fflush(stderr);
		st->line_active = true;
		return;
	}
	if (st->quiet || (!st->verbose && !finished))
		return;
	fprintf(stderr, "%-7s: [%u%%] %s: ", ev->level, ev->progress,
	    ev->type_name);
	cli_escape(stderr, ev->message);
	fputc('\n', stderr);
}

static void on_event(const ecra_publish_event *ev, void *payload)
{
	out_state *st = payload;
	cli_progress_image im = { 0 };
	bool have_bytes = false;

	if (ev->transfer != NULL)
		cli_progress_update(st->progress, ev->asset_id,
		    ev->destination_id, ev->transfer, cli_progress_now(), &im);
	else if (ev->type == ECRA_EVENT_SUCCESS)
		have_bytes = cli_progress_get(st->progress, ev->asset_id,
		    ev->destination_id, cli_progress_now(), &im);

	if (ev->type == ECRA_EVENT_FAIL && st->failures != NULL &&
	    st->failure_count < MAX_ITEMS) {
		char *copy = NULL;
		size_t len =
		    strlen(ev->message) + 8 +
		    (ev->asset_id ? strlen(ev->asset_id) : 0) +
		    (ev->destination_id ? strlen(ev->destination_id) : 0);

		/* "<asset>:<destination>: <message>", so that the summary's
		 * Failure: lines say which entry each one is. */
		if (ev->asset_id != NULL && (copy = malloc(len)) != NULL)
			snprintf(copy, len, "%s:%s: %s", ev->asset_id,
			    ev->destination_id ? ev->destination_id : "",
			    ev->message);
		else if (ev->asset_id == NULL)
			copy = strdup(ev->message);
		if (copy != NULL)
			st->failures[st->failure_count++] = copy;
	}
	if (st->json) {
		printf("{\"type\":");
		cli_json_string(stdout, ev->type_name);
		printf(",\"level\":");
		cli_json_string(stdout, ev->level);
		printf(",\"percent\":%u,\"progress\":%u,\"message\":",
		    ev->percent, ev->progress);
		cli_json_string(stdout, ev->message);
		if (ev->asset_id != NULL) {
			printf(",\"asset\":");
			cli_json_string(stdout, ev->asset_id);
			printf(",\"destination\":");
			cli_json_string(stdout, ev->destination_id);
		}
		json_field("image", ev->image_uri);
		json_field("digest", ev->digest);
		if (ev->transfer != NULL)
			json_transfer(ev->transfer, &im);
		else if (ev->type == ECRA_EVENT_SUCCESS && have_bytes)
			printf(",\"bytes\":%llu,\"seconds\":%.3f,\"rate\":%.0f",
			    (unsigned long long)im.done, im.seconds, im.rate);
		printf("}\n");
		fflush(stdout);
		return;
	}
	if (ev->transfer != NULL) {
		on_transfer(st, ev, &im);
		return;
	}
	if (!shown(st, ev))
		return;
	if (st->live && strcmp(ev->level, "verbose") == 0) {
		/* On a terminal the steps (check, build, upload...) replace
		 * each other on one status line instead of scrolling. */
		fprintf(
		    stderr, "\r\033[K[%u%%] %s: ", ev->progress, ev->type_name);
		print_cut(stderr, ev->message, LIVE_WIDTH);
		fflush(stderr);
		st->line_active = true;
		return;
	}
	clear_live(st);
	fprintf(stderr, "%-7s: [%u%%] %s: ", ev->level, ev->progress,
	    ev->type_name);
	cli_escape(stderr, ev->message);
	if (ev->type == ECRA_EVENT_SUCCESS && have_bytes) {
		char b[32], r[32];

		cli_progress_bytes(b, sizeof(b), (double)im.done);
		cli_progress_bytes(r, sizeof(r), im.rate);
		fprintf(stderr, " (%s in %.1fs, %s/s)", b, im.seconds, r);
	}
	fputc('\n', stderr);
}

static void on_output(int stream, const char *line, size_t len, void *payload)
{
	out_state *st = payload;
	FILE *f = stream == 1 && !st->json ? stdout : stderr;
	size_t i;

	/* Carriage returns redraw a progress line ("Sending build context
	 * ... 4.1kB\r"): keep what a terminal would end up showing. */
	while (len > 0 && line[len - 1] == '\r')
		len--;
	for (i = len; i > 0; i--)
		if (line[i - 1] == '\r') {
			line += i;
			len -= i;
			break;
		}
	clear_live(st);
	cli_escape_n(f, line, len);
	fputc('\n', f);
	fflush(f);
}

/* One dry-run plan line (after "plan   : "), escaped. */
static void print_plan(const ecra_manifest_entry *e, const char *registry)
{
	cli_escape(stderr, e->asset_id);
	fputc(':', stderr);
	cli_escape(stderr, e->destination_id);
	fputs(" -> ", stderr);
	if (registry != NULL)
		fprintf(stderr, "%s/", registry);
	cli_escape(stderr, e->repository_name);
	fputc(':', stderr);
	cli_escape(stderr, e->image_tag);
	fputs(" (", stderr);
	cli_escape(stderr, e->executable ? "executable" : e->directory);
	fputs(")\n", stderr);
}

static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && v[0] != '\0' ? v : NULL;
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

enum {
	OPT_ASSET = 256,
	OPT_STACK,
	OPT_FORCE,
	OPT_DAEMONLESS,
	OPT_DRY_RUN,
	OPT_JSON,
	OPT_PARALLEL,
	OPT_RETRIES,
	OPT_REGISTRY,
	OPT_INSECURE_REGISTRY,
	OPT_CA_CERT,
	OPT_ACCOUNT,
	OPT_USERNAME,
	OPT_PASSWORD_STDIN,
	OPT_PROFILE,
};

static const struct option long_options[] = {
	{ "asset", required_argument, NULL, OPT_ASSET },
	{ "stack", required_argument, NULL, OPT_STACK },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "parallel", required_argument, NULL, OPT_PARALLEL },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "daemonless-tarballs", no_argument, NULL, OPT_DAEMONLESS },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "registry", required_argument, NULL, OPT_REGISTRY },
	{ "insecure-registry", required_argument, NULL, OPT_INSECURE_REGISTRY },
	{ "ca-cert", required_argument, NULL, OPT_CA_CERT },
	{ "account", required_argument, NULL, OPT_ACCOUNT },
	{ "username", required_argument, NULL, OPT_USERNAME },
	{ "password-stdin", no_argument, NULL, OPT_PASSWORD_STDIN },
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* "unknown option", with the closest long option when it is a typo. */
static int fail_unknown_option(const char *arg)
{
	const char *names[sizeof(long_options) / sizeof(long_options[0])];
	char word[128];
	const char *best;
	size_t i, n = 0, len;

	if (strncmp(arg, "--", 2) != 0)
		return cli_fail_usage("publish", "unknown option '%s'", arg);
	len = strcspn(arg + 2, "=");
	snprintf(word, sizeof(word), "%.*s", (int)len, arg + 2);
	for (i = 0; long_options[i].name != NULL; i++)
		names[n++] = long_options[i].name;
	if ((best = cli_suggest(word, names, n)) != NULL)
		return cli_fail_usage("publish",
		    "unknown option '%s'; did you mean '--%s'?", arg, best);
	return cli_fail_usage("publish", "unknown option '%s'", arg);
}

/* The signal that interrupted the run, or NULL. */
static const char *interrupted_by(void)
{
	int sig = cli_signal_received();

	return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : NULL;
}

/* The default PATH: ./cdk.out when it holds a cloud assembly (as `ls`
 * and `synth` default to it), else the current directory. */
static const char *default_path(void)
{
	struct stat st;

	return stat("cdk.out/manifest.json", &st) == 0 && S_ISREG(st.st_mode)
	           ? "cdk.out"
	           : ".";
}

/* A selection that matches nothing: the library's message, the closest
 * stack, asset or destination id and the ones that exist. `m` has every
 * entry selected (ecra_manifest_select() restarts from all entries). */
static int fail_selection(ecra_manifest *m, const char *const *assets,
    size_t nassets, const char *const *stacks, size_t nstacks)
{
	char msg[2048], list[1024] = "";
	const char **stack_ids = NULL, **asset_ids = NULL, **dest_ids = NULL;
	const char *best = NULL, *kind = NULL, *const *names = NULL;
	char word[512];
	size_t n, i, j;
	int code = ecra_error_last()->code;

	snprintf(msg, sizeof(msg), "%s", ecra_error_last()->message);
	if (code != ECRA_ENOTFOUND ||
	    ecra_manifest_select(m, NULL, 0, NULL, 0) < 0)
		return cli_fail("%s", msg);
	n = ecra_manifest_count(m);
	stack_ids = calloc(n + 1, sizeof(*stack_ids));
	asset_ids = calloc(n + 1, sizeof(*asset_ids));
	dest_ids = calloc(n + 1, sizeof(*dest_ids));
	if (stack_ids == NULL || asset_ids == NULL || dest_ids == NULL)
		goto done;
	for (i = 0; i < n; i++) {
		ecra_manifest_entry e;

		if (ecra_manifest_get(m, i, &e) < 0)
			continue;
		stack_ids[i] = e.stack;
		asset_ids[i] = e.asset_id;
		dest_ids[i] = e.destination_id;
	}
	/* Which name matched nothing: try each one alone. */
	for (j = 0; j < nstacks && kind == NULL; j++)
		if (ecra_manifest_select(m, NULL, 0, &stacks[j], 1) ==
		    ECRA_ENOTFOUND) {
			kind = "stacks with image assets";
			names = stack_ids;
			best = cli_suggest(stacks[j], stack_ids, n);
		}
	for (j = 0; j < nassets && kind == NULL; j++) {
		const char *colon = strchr(assets[j], ':');
		size_t len =
		    colon ? (size_t)(colon - assets[j]) : strlen(assets[j]);

		if (ecra_manifest_select(m, &assets[j], 1, NULL, 0) !=
		    ECRA_ENOTFOUND)
			continue;
		snprintf(word, sizeof(word), "%.*s", (int)len, assets[j]);
		if (len > 0 && strcmp(word, "*") != 0 &&
		    !cli_suggest_exact(word, asset_ids, n)) {
			kind = "assets";
			names = asset_ids;
			best = cli_suggest(word, asset_ids, n);
		} else if (colon != NULL) {
			kind = "destinations";
			names = dest_ids;
			best = cli_suggest(colon + 1, dest_ids, n);
		}
	}
	if (kind != NULL)
		cli_list_append(list, sizeof(list), names, n, 10);
done:
	free(stack_ids);
	free(asset_ids);
	free(dest_ids);
	if (kind == NULL)
		return cli_fail("%s", msg);
	if (best != NULL)
		return cli_fail("%s; did you mean '%s'? (%s: %s)", msg, best,
		    kind, list[0] ? list : "none");
	return cli_fail("%s (%s: %s)", msg, kind, list[0] ? list : "none");
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
	cli_publish_env_storage envbuf;
	const char *profile = NULL;
	int rc = CLI_EXIT_OK, r, c;

	ecra_publish_options_init(&o, ECRA_PUBLISH_OPTIONS_VERSION);
	memset(&sum, 0, sizeof(sum));
	opterr = 0;
	optind = 1;
	while (
	    (c = getopt_long(argc, argv, ":vqh", long_options, NULL)) != -1) {
		switch (c) {
		case 'h':
			cmd_publish_help();
			return CLI_EXIT_OK;
		case OPT_ASSET:
			if (nassets == MAX_ITEMS)
				return cli_fail_usage(
				    "publish", "too many --asset");
			assets[nassets++] = optarg;
			break;
		case OPT_STACK:
			if (nstacks == MAX_ITEMS)
				return cli_fail_usage(
				    "publish", "too many --stack");
			stacks[nstacks++] = optarg;
			break;
		case OPT_FORCE:
			o.force = true;
			break;
		case OPT_DAEMONLESS:
			o.daemonless_tarballs = true;
			break;
		case OPT_DRY_RUN:
			o.dry_run = true;
			break;
		case OPT_JSON:
			st.json = true;
			break;
		case 'v':
			st.verbose = true;
			break;
		case 'q':
			st.quiet = true;
			break;
		case OPT_PARALLEL:
			if (!parse_count(optarg, &o.parallel))
				return cli_fail_usage("publish",
				    "--parallel needs a number from 1 to 64, "
				    "got '%s'",
				    optarg);
			break;
		case OPT_RETRIES: {
			unsigned int n = 0;

			if (strcmp(optarg, "0") != 0 &&
			    (!parse_count(optarg, &n) || n > 10))
				return cli_fail_usage("publish",
				    "--retries needs a number from 0 to 10, "
				    "got '%s'",
				    optarg);
			o.push_attempts = n + 1;
			break;
		}
		case OPT_REGISTRY:
			if (ecra_registry_host_check(optarg) < 0)
				return cli_fail_usage("publish",
				    "--registry needs HOST[:PORT]: %s",
				    ecra_error_last()->message);
			o.registry = optarg;
			break;
		case OPT_INSECURE_REGISTRY:
			if (ecra_registry_host_check(optarg) < 0)
				return cli_fail_usage("publish",
				    "--insecure-registry needs HOST[:PORT]: %s",
				    ecra_error_last()->message);
			if (ninsecure == MAX_ITEMS)
				return cli_fail_usage(
				    "publish", "too many --insecure-registry");
			insecure[ninsecure++] = optarg;
			break;
		case OPT_CA_CERT:
			o.ca_file = optarg;
			break;
		case OPT_ACCOUNT:
			o.account = optarg;
			break;
		case OPT_USERNAME:
			o.username = optarg;
			break;
		case OPT_PASSWORD_STDIN:
			password_stdin = true;
			break;
		case OPT_PROFILE:
			profile = optarg;
			break;
		case ':':
			return cli_fail_usage("publish",
			    "option '%s' needs a value", argv[optind - 1]);
		default:
			return fail_unknown_option(argv[optind - 1]);
		}
	}
	for (; optind < argc; optind++) {
		if (npaths == MAX_ITEMS)
			return cli_fail_usage("publish", "too many paths");
		paths[npaths++] = argv[optind];
	}
	if ((o.username != NULL) != password_stdin)
		return cli_fail_usage(
		    "publish", "--username and --password-stdin go together");
	if (o.username != NULL && o.registry == NULL)
		return cli_fail_usage("publish", "--username needs --registry");
	if (npaths == 0)
		paths[npaths++] = default_path();
	o.insecure_registries = insecure;
	o.insecure_registry_count = ninsecure;
	for (i = 0; i < ninsecure; i++) {
		fputs("warning: --insecure-registry ", stderr);
		cli_escape(stderr, insecure[i]);
		fputs(": images and credentials go to it over plain http, "
		      "unencrypted\n",
		    stderr);
	}
	/* From here on the process holds secrets (this password, ECR
	 * tokens): no core dumps. */
	cli_protect_secrets();
	if (password_stdin) {
		if (read_password(&password) < 0)
			return cli_fail("out of memory");
		o.password = password;
	}

	/* The environment, read here only. */
	o.aws.profile = profile;
	cli_publish_env(&o, &envbuf);
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
		if (st.verbose && !st.json) {
			fputs("verbose: Loaded manifest from ", stderr);
			cli_escape(stderr, paths[i]);
			fprintf(stderr, ": %zu assets found\n",
			    ecra_manifest_count(m) - before);
		}
	}
	if ((nassets > 0 || nstacks > 0) &&
	    ecra_manifest_select(m, assets, nassets, stacks, nstacks) < 0) {
		rc = fail_selection(m, assets, nassets, stacks, nstacks);
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
			fputs("plan   : ", stderr);
			print_plan(&e, o.registry);
		}
	}

	st.live = !st.json && !st.verbose && !st.quiet &&
	          isatty(STDERR_FILENO) && env("TERM") != NULL &&
	          strcmp(env("TERM"), "dumb") != 0;
	st.progress = cli_progress_new();
	r = ecra_publish(m, &o, &sum);
	clear_live(&st);
	if (r < 0 && sum.failed == 0 && sum.not_tried == 0) {
		rc = cli_fail_lib();
		goto shutdown;
	}
	if (st.json) {
		printf(
		    "{\"type\":\"summary\",\"entries\":%zu,\"published\":%zu,"
		    "\"skipped\":%zu,\"failed\":%zu,\"not_tried\":%zu,"
		    "\"builds\":%zu,\"cached\":%zu,\"seconds\":%.3f,"
		    "\"build_seconds\":%.3f,\"push_seconds\":%.3f",
		    sum.entries, sum.published, sum.skipped, sum.failed,
		    sum.not_tried, sum.builds, sum.cached, sum.seconds,
		    sum.build_seconds, sum.push_seconds);
		json_field("unreachable", sum.unreachable);
		printf(",\"dry_run\":%s,\"interrupted\":%s}\n",
		    o.dry_run ? "true" : "false",
		    interrupted_by() ? "true" : "false");
	} else {
		for (i = 0; i < st.failure_count; i++) {
			fputs("Failure: ", stderr);
			cli_escape(stderr, failures[i]);
			fputc('\n', stderr);
			/* the library says what is missing, we say how */
			if (o.registry != NULL &&
			    strstr(failures[i], "no credentials were given")) {
				fputs("hint: pass --username USER "
				      "--password-stdin, or log in with docker "
				      "login ",
				    stderr);
				cli_escape(stderr, o.registry);
				fputc('\n', stderr);
			}
		}
		if (interrupted_by() != NULL)
			fprintf(stderr, "error  : interrupted by %s\n",
			    interrupted_by());
		if (sum.not_tried > 0) {
			fprintf(stderr,
			    "error  : %zu more not tried: registry ",
			    sum.not_tried);
			cli_escape(
			    stderr, sum.unreachable ? sum.unreachable : "?");
			fputs(" did not answer\n", stderr);
		}
		fprintf(stderr,
		    "info   : %s %zu, skipped %zu (already present), failed "
		    "%zu",
		    o.dry_run ? "would publish" : "published", sum.published,
		    sum.skipped, sum.failed);
		if (sum.not_tried > 0)
			fprintf(stderr, ", not tried %zu", sum.not_tried);
		fprintf(stderr,
		    "; %zu builds, %zu cached; %.2fs (build %.2fs, push "
		    "%.2fs)\n",
		    sum.builds, sum.cached, sum.seconds, sum.build_seconds,
		    sum.push_seconds);
	}
	if (sum.failed > 0 || sum.not_tried > 0)
		rc = CLI_EXIT_FAILED;
	rc = cli_signal_exit_status(rc);
shutdown:
	cli_progress_free(st.progress);
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
