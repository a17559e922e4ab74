/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * cli/cdk_assets.c - ecr-assets-cdk-assets: the cdk-assets 4.x command
 * line (as pipelines call it) in front of libecrassets' publisher, so a
 * CDK Pipelines buildspec or a CI script switches by changing PATH.
 *
 * Reference: cdk-assets 4.7.3, bin/cdk-assets.ts, publish.ts, list.ts,
 * logging.ts (tests/compat/node_modules/cdk-assets/bin):
 *
 *   cdk-assets [-v|--verbose]... [-p|--path FILE] ls
 *   cdk-assets [-v|--verbose]... [-p|--path FILE] publish [ASSET[:DEST]]...
 *              [--profile NAME]
 *
 * Kept as cdk-assets does it:
 *   - `--path` is a manifest file or a directory holding `assets.json`
 *     (a cloud assembly's manifest.json is not read: `cdk-assets -p
 *     cdk.out` fails too). Default ".".
 *   - Progress on stderr, `<level padded to 7>: [<pct>%] <type>: <msg>`;
 *     without --verbose only the info and error levels (start, success,
 *     fail), with it every event, plus "Loaded manifest from ..." and
 *     "Applied selection: ..." lines. Docker's output goes straight to
 *     stdout/stderr. Failures are listed at the end as `Failure: Error:
 *     <message>` (cdk-assets prints the JS stack).
 *   - A pattern that matches nothing selects nothing (no error); an
 *     empty pattern or one with more than one ':' is an error.
 *   - Exit 1 when anything failed, usage errors included (yargs' strict
 *     mode); 0 otherwise. No retries of failed pushes.
 *   - `ls` prints `<id> <type> <JSON source>` and ` ├ <id>:<dest> <JSON
 *     destination>` lines, files first, in JavaScript key order.
 * Different on purpose:
 *   - `file` assets are not published (ecr-assets publishes container
 *     images): each selected file destination is reported as a failure
 *     (exit 1) after the images are published, never silently skipped.
 *   - 130 after SIGINT/SIGTERM (the private docker config is removed).
 */
#include "cli/cli.h"
#include "json/json.h"
#include "cli/publish_env.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_PATTERNS 256
#define MAX_FAILURES 256

static const char *prog = "ecr-assets-cdk-assets";

typedef struct {
	int verbose;
	unsigned int last_percent;
	char *failures[MAX_FAILURES];
	size_t failure_count;
} out_state;

/* One destination pattern: NULL parts match anything. */
typedef struct {
	const char *asset;
	const char *dest;
	char *buf; /* owns the strings */
} pattern;

static void help(void)
{
	printf(
	    "usage: %s [-v|--verbose]... [-p|--path FILE] <cmd> [args]\n\n"
	    "The cdk-assets 4.x command line, publishing container image "
	    "assets with\nlibecrassets. On PATH as `cdk-assets` it replaces "
	    "cdk-assets in a pipeline.\n\n"
	    "Commands:\n"
	    "  ls                 list the assets of the manifest\n"
	    "  publish [ASSET..]  build and push the docker image assets "
	    "(ASSET[:DEST] patterns,\n"
	    "                     default all)\n\n"
	    "Options:\n"
	    "  -v, --verbose      also print debug events and docker "
	    "command lines (repeatable)\n"
	    "  -p, --path FILE    the asset manifest, or a directory with an "
	    "assets.json\n"
	    "                     (default: .)\n"
	    "  --profile NAME     publish: the AWS credentials profile\n"
	    "  --help             show this help\n"
	    "  --version          show the version\n\n"
	    "Exit status: 0 success, 1 failure or usage error (as "
	    "cdk-assets), 130 interrupted.\n",
	    prog);
}

static int usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("ecra: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", prog);
	return CLI_EXIT_FAILED; /* yargs exits 1 */
}

/* ---- JavaScript key order (Object.entries): array-index keys first,
 * ascending, then the others in insertion order. */

/* An object's members in JavaScript's order (what JSON.parse gives and
 * cdk-assets iterates): array-index keys ascending, then the others in
 * document order. jansson keeps document order; the manifests are small,
 * so the i-th member is found by a scan. */
static size_t obj_count(const ecra_json *v)
{
	return ecra_json_typeof(v) == ECRA_JSON_OBJECT ? ecra_json_size(v) : 0;
}

static void *obj_iter_at(const ecra_json *v, size_t i)
{
	void *it, *best = NULL;
	size_t n_index = 0, k = 0;
	unsigned long long cur, prev = 0, want;
	bool have_prev = false;

	for (it = ecra_json_iter(v); it; it = ecra_json_iter_next(v, it))
		n_index += ecra_json_key_is_index(ecra_json_iter_key(it));
	if (i >= n_index) {
		want = i - n_index;
		for (it = ecra_json_iter(v); it;
		     it = ecra_json_iter_next(v, it))
			if (!ecra_json_key_is_index(ecra_json_iter_key(it)) &&
			    k++ == want)
				return it;
		return NULL;
	}
	/* the (i+1)-th smallest index key */
	for (k = 0; k <= i; k++) {
		best = NULL;
		for (it = ecra_json_iter(v); it;
		     it = ecra_json_iter_next(v, it)) {
			const char *key = ecra_json_iter_key(it);

			if (!ecra_json_key_is_index(key))
				continue;
			cur = strtoull(key, NULL, 10);
			if (have_prev && cur <= prev)
				continue;
			if (best == NULL ||
			    cur < strtoull(ecra_json_iter_key(best), NULL, 10))
				best = it;
		}
		if (best == NULL)
			return NULL;
		prev = strtoull(ecra_json_iter_key(best), NULL, 10);
		have_prev = true;
	}
	return best;
}

static const char *obj_key(const ecra_json *v, size_t i)
{
	void *it = obj_iter_at(v, i);

	return it != NULL ? ecra_json_iter_key(it) : "";
}

static ecra_json *obj_item(const ecra_json *v, size_t i)
{
	void *it = obj_iter_at(v, i);

	return it != NULL ? ecra_json_iter_value(it) : NULL;
}

/* JSON.stringify(v), malloc'd; NULL when out of memory. */
static char *js_stringify(const ecra_json *v)
{
	ecra_buf b = ECRA_BUF_INIT(0);
	char *out;

	if (ecra_json_write(&b, v, 0) < 0) {
		ecra_buf_dispose(&b);
		return NULL;
	}
	out = strdup(b.ptr != NULL ? b.ptr : "");
	ecra_buf_dispose(&b);
	return out;
}

/* ---- the manifest */

/* AssetManifest.fromPath: a directory means DIR/assets.json. */
static int resolve_manifest(const char *path, char *buf, size_t size)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return cli_fail("Cannot read asset manifest at '%s': %s", path,
		    strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		if ((size_t)snprintf(buf, size, "%s/assets.json", path) >= size)
			return cli_fail("path too long: '%s'", path);
	} else if ((size_t)snprintf(buf, size, "%s", path) >= size) {
		return cli_fail("path too long: '%s'", path);
	}
	return 0;
}

static ecra_json *read_manifest(const char *file)
{
	ecra_json *doc = NULL;

	if (ecra_json_load_file(&doc, file, 0, 0) < 0) {
		cli_fail("Cannot read asset manifest '%s': %s", file,
		    ecra_error_last()->message);
		return NULL;
	}
	if (ecra_json_typeof(doc) != ECRA_JSON_OBJECT) {
		cli_fail(
		    "Cannot read asset manifest '%s': not a JSON object", file);
		ecra_json_free(doc);
		return NULL;
	}
	return doc;
}

static bool pattern_matches(
    const pattern *p, const char *asset, const char *dest)
{
	return (p->asset == NULL || strcmp(p->asset, asset) == 0) &&
	       (p->dest == NULL || strcmp(p->dest, dest) == 0);
}

static bool selected(
    const pattern *pats, size_t n, const char *asset, const char *dest)
{
	size_t i;

	if (n == 0)
		return true;
	for (i = 0; i < n; i++)
		if (pattern_matches(&pats[i], asset, dest))
			return true;
	return false;
}

/* Count the entries (asset x destination) of one section ("files" or
 * "dockerImages") that the patterns select. */
static size_t count_entries(
    const ecra_json *doc, const char *section, const pattern *pats, size_t n)
{
	const ecra_json *assets = ecra_json_get(doc, section);
	size_t i, j, count = 0;

	if (assets == NULL || ecra_json_typeof(assets) != ECRA_JSON_OBJECT)
		return 0;
	for (i = 0; i < obj_count(assets); i++) {
		const ecra_json *dests =
		    ecra_json_get(obj_item(assets, i), "destinations");

		if (dests == NULL ||
		    ecra_json_typeof(dests) != ECRA_JSON_OBJECT)
			continue;
		for (j = 0; j < obj_count(dests); j++)
			if (selected(
			        pats, n, obj_key(assets, i), obj_key(dests, j)))
				count++;
	}
	return count;
}

/* DestinationPattern.parse: `ASSET[:DEST]`, "*" or "" for any part. */
static int parse_pattern(pattern *out, const char *s)
{
	char *colon;

	memset(out, 0, sizeof(*out));
	if (s[0] == '\0')
		return cli_fail(
		    "Empty string is not a valid destination identifier");
	if ((out->buf = strdup(s)) == NULL)
		return cli_fail("out of memory");
	colon = strchr(out->buf, ':');
	if (colon != NULL && strchr(colon + 1, ':') != NULL)
		return cli_fail("Asset identifier must contain at most 2 "
		                "':'-separated parts, got '%s'",
		    s);
	if (colon != NULL) {
		*colon = '\0';
		out->dest = colon + 1;
		if (out->dest[0] == '\0' || strcmp(out->dest, "*") == 0)
			out->dest = NULL;
		if (out->buf[0] != '\0' && strcmp(out->buf, "*") != 0)
			out->asset = out->buf;
	} else if (strcmp(out->buf, "*") != 0) {
		out->asset = out->buf;
	}
	return 0;
}

/* ---- ls */

static int print_section(
    const ecra_json *doc, const char *section, const char *type)
{
	const ecra_json *assets = ecra_json_get(doc, section);
	size_t i, j;

	if (assets == NULL || ecra_json_typeof(assets) != ECRA_JSON_OBJECT)
		return 0;
	for (i = 0; i < obj_count(assets); i++) {
		const ecra_json *a = obj_item(assets, i);
		const ecra_json *src = ecra_json_get(a, "source");
		const ecra_json *dests = ecra_json_get(a, "destinations");
		char *s = src != NULL ? js_stringify(src) : NULL;

		if (src != NULL && s == NULL)
			return cli_fail("out of memory");
		printf("%s %s %s\n", obj_key(assets, i), type,
		    s != NULL ? s : "undefined");
		free(s);
		if (dests == NULL ||
		    ecra_json_typeof(dests) != ECRA_JSON_OBJECT)
			continue;
		for (j = 0; j < obj_count(dests); j++) {
			char *d = js_stringify(obj_item(dests, j));

			if (d == NULL)
				return cli_fail("out of memory");
			printf("  %s %s:%s %s\n",
			    j + 1 == obj_count(dests) ? "\u2514" : "\u251c",
			    obj_key(assets, i), obj_key(dests, j), d);
			free(d);
		}
	}
	return 0;
}

static int cmd_ls(const char *path)
{
	char file[PATH_MAX + 16];
	ecra_manifest *m = NULL;
	ecra_json *doc;
	int rc;

	if (resolve_manifest(path, file, sizeof(file)) != 0)
		return CLI_EXIT_FAILED;
	/* validated as publish would (schema version, field types) */
	if (ecra_manifest_new(&m) < 0 || ecra_manifest_load(m, file) < 0) {
		ecra_manifest_free(m);
		return cli_fail_lib();
	}
	ecra_manifest_free(m);
	if ((doc = read_manifest(file)) == NULL)
		return CLI_EXIT_FAILED;
	rc = print_section(doc, "files", "file") != 0 ||
	             print_section(doc, "dockerImages", "docker-image") != 0
	         ? CLI_EXIT_FAILED
	         : CLI_EXIT_OK;
	ecra_json_free(doc);
	return rc;
}

/* ---- publish */

static void on_event(const ecra_publish_event *ev, void *payload)
{
	out_state *st = payload;

	/* byte counts are ours: cdk-assets has no such event */
	if (ev->type == ECRA_EVENT_TRANSFER)
		return;
	st->last_percent = ev->percent;
	if (ev->type == ECRA_EVENT_FAIL && st->failure_count < MAX_FAILURES) {
		char *copy = strdup(ev->message);

		if (copy != NULL)
			st->failures[st->failure_count++] = copy;
	}
	if (st->verbose == 0 && strcmp(ev->level, "verbose") == 0)
		return;
	fprintf(stderr, "%-7s: [%u%%] %s: %s\n", ev->level, ev->percent,
	    ev->type_name, ev->message);
}

static void on_output(int stream, const char *line, size_t len, void *payload)
{
	FILE *f = stream == 1 ? stdout : stderr;

	(void)payload;
	fwrite(line, 1, len, f);
	fputc('\n', f);
	fflush(f);
}

/* The ecra selection for the image entries the patterns pick: only the
 * patterns that match an image entry (cdk-assets ignores the others). */
static size_t image_patterns(
    const ecra_json *doc, const pattern *pats, size_t n, char **out)
{
	const ecra_json *assets = ecra_json_get(doc, "dockerImages");
	size_t p, i, j, count = 0;

	for (p = 0; p < n && assets != NULL &&
	            ecra_json_typeof(assets) == ECRA_JSON_OBJECT;
	     p++) {
		bool hit = false;

		for (i = 0; i < obj_count(assets) && !hit; i++) {
			const ecra_json *d =
			    ecra_json_get(obj_item(assets, i), "destinations");

			for (j = 0; d != NULL &&
			            ecra_json_typeof(d) == ECRA_JSON_OBJECT &&
			            j < obj_count(d) && !hit;
			     j++)
				hit = pattern_matches(&pats[p],
				    obj_key(assets, i), obj_key(d, j));
		}
		if (!hit)
			continue;
		if ((out[count] = malloc(
		         strlen(pats[p].asset ? pats[p].asset : "*") +
		         strlen(pats[p].dest ? pats[p].dest : "") + 3)) == NULL)
			break;
		sprintf(out[count], "%s%s%s",
		    pats[p].asset ? pats[p].asset : "*",
		    pats[p].dest ? ":" : "", pats[p].dest ? pats[p].dest : "");
		count++;
	}
	return count;
}

/* Report every selected file destination as a failure. */
static size_t fail_file_assets(
    const ecra_json *doc, const pattern *pats, size_t n, out_state *st)
{
	const ecra_json *assets = ecra_json_get(doc, "files");
	size_t i, j, count = 0;
	char msg[1024];

	if (assets == NULL || ecra_json_typeof(assets) != ECRA_JSON_OBJECT)
		return 0;
	for (i = 0; i < obj_count(assets); i++) {
		const ecra_json *d =
		    ecra_json_get(obj_item(assets, i), "destinations");

		for (j = 0;
		     d != NULL && ecra_json_typeof(d) == ECRA_JSON_OBJECT &&
		     j < obj_count(d);
		     j++) {
			if (!selected(
			        pats, n, obj_key(assets, i), obj_key(d, j)))
				continue;
			snprintf(msg, sizeof(msg),
			    "file asset %s:%s was not published: %s publishes "
			    "container images only; publish file assets with "
			    "cdk-assets (docs/integration.md)",
			    obj_key(assets, i), obj_key(d, j), prog);
			fprintf(stderr, "error  : [%u%%] fail: %s\n",
			    st->last_percent, msg);
			if (st->failure_count < MAX_FAILURES)
				st->failures[st->failure_count++] = strdup(msg);
			count++;
		}
	}
	return count;
}

static int cmd_publish(const char *path, const char *profile, int verbose,
    char **args, size_t nargs)
{
	char file[PATH_MAX + 16];
	pattern pats[MAX_PATTERNS];
	char *sel[MAX_PATTERNS];
	size_t npats = 0, nsel = 0, i, files_failed;
	ecra_publish_options o;
	ecra_publish_summary sum;
	cli_publish_env_storage envbuf;
	ecra_manifest *m = NULL;
	out_state st;
	ecra_json *doc = NULL;
	int rc = CLI_EXIT_FAILED, r;

	memset(&st, 0, sizeof(st));
	memset(&o, 0, sizeof(o));
	memset(&sum, 0, sizeof(sum));
	st.verbose = verbose;
	if (nargs > MAX_PATTERNS)
		return usage_error("too many asset patterns");
	if (resolve_manifest(path, file, sizeof(file)) != 0)
		return CLI_EXIT_FAILED;
	if (ecra_init() < 0)
		return cli_fail_lib();
	if (ecra_manifest_new(&m) < 0 || ecra_manifest_load(m, file) < 0) {
		rc = cli_fail_lib();
		goto done;
	}
	if ((doc = read_manifest(file)) == NULL)
		goto done;
	if (verbose)
		fprintf(stderr,
		    "verbose: Loaded manifest from %s: %zu assets found\n",
		    path,
		    count_entries(doc, "files", NULL, 0) +
		        count_entries(doc, "dockerImages", NULL, 0));
	for (; npats < nargs; npats++)
		if (parse_pattern(&pats[npats], args[npats]) != 0) {
			npats++;
			goto done;
		}
	if (npats > 0) {
		nsel = image_patterns(doc, pats, npats, sel);
		if (nsel == 0) {
			/* nothing selected: publish an empty set */
			ecra_manifest_free(m);
			m = NULL;
			if (ecra_manifest_new(&m) < 0) {
				rc = cli_fail_lib();
				goto done;
			}
		} else if (ecra_manifest_select(m, (const char *const *)sel,
		               nsel, NULL, 0) < 0) {
			rc = cli_fail_lib();
			goto done;
		}
		if (verbose)
			fprintf(stderr,
			    "verbose: Applied selection: %zu assets "
			    "selected.\n",
			    count_entries(doc, "files", pats, npats) +
			        count_entries(
			            doc, "dockerImages", pats, npats));
	}

	ecra_publish_options_init(&o, ECRA_PUBLISH_OPTIONS_VERSION);
	o.aws.profile = profile;
	o.push_attempts = 1; /* cdk-assets never retries */
	cli_publish_env(&o, &envbuf);
	o.on_event = on_event;
	o.on_output = on_output;
	o.payload = &st;
	o.cancel = cli_cancel_flag();
	cli_signals_install();

	r = ecra_publish(m, &o, &sum);
	if (r < 0 && sum.failed == 0) {
		rc = cli_fail_lib();
		goto done;
	}
	files_failed = fail_file_assets(doc, pats, npats, &st);
	for (i = 0; i < st.failure_count; i++)
		fprintf(stderr, "Failure: Error: %s\n",
		    st.failures[i] != NULL ? st.failures[i] : "out of memory");
	rc = sum.failed > 0 || files_failed > 0 ? CLI_EXIT_FAILED : CLI_EXIT_OK;
	rc = cli_signal_exit_status(rc);
done:
	ecra_json_free(doc);
	ecra_manifest_free(m);
	ecra_shutdown();
	for (i = 0; i < npats; i++)
		free(pats[i].buf);
	for (i = 0; i < nsel; i++)
		free(sel[i]);
	for (i = 0; i < st.failure_count; i++)
		free(st.failures[i]);
	return rc;
}

/* ---- the command line (yargs: options anywhere, strict) */

/* `--name=value` or `--name value`; *i is advanced past a separate value.
 * Returns the value, NULL if `a` is not this option, or sets *missing. */
static const char *option_value(const char *a, const char *name,
    const char *shortname, int argc, char **argv, int *i, bool *missing)
{
	size_t n = strlen(name);

	*missing = false;
	if (strncmp(a, name, n) == 0 && a[n] == '=')
		return a + n + 1;
	if (shortname != NULL && strncmp(a, shortname, 2) == 0 &&
	    a[2] != '\0' && a[2] != '-')
		return a[2] == '=' ? a + 3 : a + 2; /* -pFILE, -p=FILE */
	if (strcmp(a, name) == 0 ||
	    (shortname != NULL && strcmp(a, shortname) == 0)) {
		if (*i + 1 >= argc || argv[*i + 1][0] == '-') {
			*missing = true;
			return NULL;
		}
		return argv[++*i];
	}
	return NULL;
}

int main(int argc, char **argv)
{
	const char *path = ".", *profile = NULL, *cmd = NULL, *v, *base;
	char *rest[MAX_PATTERNS + 1];
	size_t nrest = 0;
	int verbose = 0, i;
	bool missing, dashdash = false;

	if (argc > 0 && argv[0] != NULL) {
		base = strrchr(argv[0], '/');
		base = base != NULL ? base + 1 : argv[0];
		if (strcmp(base, "cdk-assets") == 0)
			prog = "cdk-assets";
	}
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (dashdash || a[0] != '-' || a[1] == '\0') {
			if (cmd == NULL)
				cmd = a;
			else if (nrest < MAX_PATTERNS)
				rest[nrest++] = argv[i];
			else
				return usage_error("too many arguments");
			continue;
		}
		if (strcmp(a, "--") == 0) {
			dashdash = true;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			help();
			return CLI_EXIT_OK;
		} else if (strcmp(a, "--version") == 0) {
			printf("%s %s (the cdk-assets 4.7.3 command line)\n",
			    prog, ecra_version());
			return CLI_EXIT_OK;
		} else if (strcmp(a, "--verbose") == 0) {
			verbose++;
		} else if (a[1] == 'v' && strspn(a + 1, "v") == strlen(a + 1)) {
			verbose += (int)strlen(a + 1); /* -v, -vv */
		} else if ((v = option_value(a, "--path", "-p", argc, argv, &i,
		                &missing)) != NULL ||
		           missing) {
			if (missing)
				return usage_error(
				    "Not enough arguments following: %s",
				    "path");
			path = v;
		} else if ((v = option_value(a, "--profile", NULL, argc, argv,
		                &i, &missing)) != NULL ||
		           missing) {
			if (missing)
				return usage_error(
				    "Not enough arguments following: %s",
				    "profile");
			profile = v;
		} else {
			return usage_error("Unknown argument: %s", a);
		}
	}
	if (cmd == NULL)
		return usage_error(
		    "Not enough non-option arguments: got 0, need at least 1");
	if (strcmp(cmd, "ls") == 0) {
		if (nrest > 0)
			return usage_error("Unknown argument: %s", rest[0]);
		if (profile != NULL)
			return usage_error("Unknown argument: %s", "profile");
		return cmd_ls(path);
	}
	if (strcmp(cmd, "publish") == 0)
		return cmd_publish(path, profile, verbose, rest, nrest);
	return usage_error("Unknown argument: %s", cmd);
}
