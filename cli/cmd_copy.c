/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * cli/cmd_copy.c - `ecr-assets copy SRC DEST`: copy an image between
 * registries, or push an image tarball, without a daemon
 * (ecra_image_copy()).
 *
 * Progress: on a terminal a live line per blob with bytes and rate;
 * otherwise one line per blob when it is done; --json prints one JSON
 * object per event (bytes as numbers) and a final summary object.
 */
#include "cli/cli.h"
#include "cli/cmd.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
	bool json, tty, quiet;
} out_ctx;

void cmd_copy_help(void)
{
	printf("usage: ecr-assets copy [options] SRC DEST\n\n"
	       "Copy an image to DEST without a docker daemon. SRC is a "
	       "reference\nHOST[:PORT]/REPO[:TAG|@DIGEST], or "
	       "docker-archive:PATH / oci-archive:PATH\n(a `docker save` "
	       "tarball, docker 25+ save, or an OCI image layout tarball).\n"
	       "DEST is a reference (no tag = latest). Manifest and index "
	       "bytes and\ndigests are kept; every platform of an index is "
	       "copied unless --platform\nis given. Blobs already in DEST are "
	       "skipped, blobs in another repository\nof the same registry are "
	       "mounted, others streamed. Loopback hosts\n(localhost, "
	       "127.0.0.0/8, ::1) use plain http.\n\n"
	       "options:\n"
	       "  --platform OS/ARCH[/VARIANT]  copy only this platform of an "
	       "index\n"
	       "  --image NAME         the image of a tarball holding several\n"
	       "  --force              upload and put even what DEST has\n"
	       "  --parallel N         blob transfers at once (1-64, default "
	       "4)\n"
	       "  --chunk-size MIB     upload big blobs in chunks of MIB "
	       "(1-64)\n"
	       "  --username USER      user for DEST\n"
	       "  --password-stdin     read DEST's password from stdin (first "
	       "line)\n"
	       "  --src-username USER  user for SRC\n"
	       "  --src-password-stdin read SRC's password from stdin (next "
	       "line)\n"
	       "  --no-cache           do not read or write the layer cache\n"
	       "  --json               one JSON event per line on stdout\n"
	       "  -q, --quiet          only errors and the result line\n\n"
	       "Credentials otherwise come from the docker config "
	       "($DOCKER_CONFIG or\n~/.docker/config.json `auths`), each only "
	       "for its own host. The layer\ncache lives in "
	       "$XDG_CACHE_HOME/ecr-assets (or ~/.cache/ecr-assets).\n"
	       "Exit status: 0 copied, 1 failed, 2 usage error, 130/143 "
	       "interrupted.\n");
}

static char *read_line_stdin(void)
{
	char buf[4096];
	size_t n;

	if (fgets(buf, sizeof(buf), stdin) == NULL)
		return NULL;
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return strdup(buf);
}

static double mb(uint64_t b)
{
	return (double)b / 1e6;
}

static void on_event(const ecra_xfer_event *ev, void *payload)
{
	out_ctx *c = payload;
	const char *d = ev->digest ? ev->digest : (ev->name ? ev->name : "");
	char shortd[24];

	snprintf(shortd, sizeof(shortd), "%.19s",
	    strncmp(d, "sha256:", 7) == 0 ? d + 7 : d);
	if (c->json) {
		printf("{\"type\":");
		cli_json_string(stdout, ev->type_name);
		printf(",\"kind\":");
		cli_json_string(stdout, ev->kind ? ev->kind : "");
		if (ev->digest != NULL) {
			printf(",\"digest\":");
			cli_json_string(stdout, ev->digest);
		}
		if (ev->name != NULL) {
			printf(",\"name\":");
			cli_json_string(stdout, ev->name);
		}
		printf(",\"bytes\":%llu,\"total\":%llu,\"rate\":%.0f",
		    (unsigned long long)ev->done, (unsigned long long)ev->total,
		    ev->rate);
		if (ev->type == ECRA_XFER_BLOB_DONE ||
		    ev->type == ECRA_XFER_MANIFEST)
			printf(",\"outcome\":\"%s\"",
			    ev->outcome == ECRA_XFER_UPLOADED  ? "uploaded"
			    : ev->outcome == ECRA_XFER_MOUNTED ? "mounted"
			                                       : "skipped");
		printf("}\n");
		fflush(stdout);
		return;
	}
	if (c->quiet)
		return;
	if (ev->type == ECRA_XFER_PREPARE ||
	    ev->type == ECRA_XFER_BLOB_PROGRESS) {
		if (c->tty)
			fprintf(stderr,
			    "\r\033[K%s %s %s %.1f/%.1f MB %.0f MB/s",
			    ev->type == ECRA_XFER_PREPARE ? "compressing"
			                                  : "uploading",
			    ev->kind, shortd, mb(ev->done), mb(ev->total),
			    mb((uint64_t)ev->rate));
		return;
	}
	if (ev->type == ECRA_XFER_BLOB_START)
		return;
	if (c->tty)
		fprintf(stderr, "\r\033[K");
	fprintf(stderr, "%s %s %s %.1f MB%s",
	    ev->outcome == ECRA_XFER_UPLOADED  ? "uploaded"
	    : ev->outcome == ECRA_XFER_MOUNTED ? "mounted"
	                                       : "skipped",
	    ev->kind,
	    ev->type == ECRA_XFER_MANIFEST && ev->name ? ev->name : shortd,
	    mb(ev->total), "");
	if (ev->outcome == ECRA_XFER_UPLOADED && ev->rate > 0 &&
	    ev->type != ECRA_XFER_MANIFEST)
		fprintf(stderr, " (%.0f MB/s)", mb((uint64_t)ev->rate));
	fprintf(stderr, "\n");
}

static bool parse_n(const char *s, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0' || v < 1 || v > 64)
		return false;
	*out = (unsigned int)v;
	return true;
}

/* The options that take a value (a missing one is not "unknown"). */
static bool takes_value(const char *a)
{
	static const char *const names[] = { "--platform", "--image",
		"--parallel", "--chunk-size", "--username", "--src-username" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(a, names[i]) == 0)
			return true;
	return false;
}

int cmd_copy(int argc, char **argv)
{
	ecra_xfer_options o;
	ecra_registry_auth sa, da;
	ecra_xfer_summary sum;
	out_ctx oc = { false, false, false };
	const char *pos[2] = { NULL, NULL };
	char cache[4096], dcfg[4096];
	char *dpw = NULL, *spw = NULL;
	bool dpw_stdin = false, spw_stdin = false, no_cache = false;
	size_t npos = 0;
	int i, rc, error;

	memset(&o, 0, sizeof(o));
	memset(&sa, 0, sizeof(sa));
	memset(&da, 0, sizeof(da));
	o.version = ECRA_XFER_OPTIONS_VERSION;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool more = i + 1 < argc;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			cmd_copy_help();
			return CLI_EXIT_OK;
		} else if (strcmp(a, "--platform") == 0 && more) {
			o.platform = argv[++i];
		} else if (strcmp(a, "--image") == 0 && more) {
			o.image = argv[++i];
		} else if (strcmp(a, "--force") == 0) {
			o.force = true;
		} else if (strcmp(a, "--parallel") == 0 && more) {
			if (!parse_n(argv[++i], &o.parallel))
				return cli_fail_usage("copy",
				    "--parallel wants 1..64, not '%s'",
				    argv[i]);
		} else if (strcmp(a, "--chunk-size") == 0 && more) {
			unsigned int mb = 0;

			if (!parse_n(argv[++i], &mb))
				return cli_fail_usage("copy",
				    "--chunk-size wants 1..64 (MiB), not '%s'",
				    argv[i]);
			o.chunk_size = (size_t)mb << 20;
		} else if (strcmp(a, "--username") == 0 && more) {
			da.username = argv[++i];
		} else if (strcmp(a, "--password-stdin") == 0) {
			dpw_stdin = true;
		} else if (strcmp(a, "--src-username") == 0 && more) {
			sa.username = argv[++i];
		} else if (strcmp(a, "--src-password-stdin") == 0) {
			spw_stdin = true;
		} else if (strcmp(a, "--no-cache") == 0) {
			no_cache = true;
		} else if (strcmp(a, "--json") == 0) {
			oc.json = true;
		} else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
			oc.quiet = true;
		} else if (!more && takes_value(a)) {
			return cli_fail_usage(
			    "copy", "option '%s' needs a value", a);
		} else if (a[0] == '-' && a[1] != '\0') {
			return cli_fail_usage("copy", "unknown option '%s'", a);
		} else if (npos < 2) {
			pos[npos++] = a;
		} else {
			return cli_fail_usage("copy", "too many arguments");
		}
	}
	if (npos != 2)
		return cli_fail_usage("copy", "wants SRC and DEST");
	if ((da.username != NULL) != dpw_stdin ||
	    (sa.username != NULL) != spw_stdin)
		return cli_fail_usage("copy",
		    "--username goes with --password-stdin (and "
		    "--src-username with --src-password-stdin)");
	if (dpw_stdin && (dpw = read_line_stdin()) == NULL)
		return cli_fail("no password on stdin");
	if (spw_stdin && (spw = read_line_stdin()) == NULL) {
		free(dpw);
		return cli_fail("no source password on stdin");
	}
	da.password = dpw;
	sa.password = spw;
	{
		const char *dc = getenv("DOCKER_CONFIG"),
		           *home = getenv("HOME");

		if (dc == NULL && home != NULL) {
			snprintf(dcfg, sizeof(dcfg), "%s/.docker", home);
			dc = dcfg;
		}
		sa.docker_config = da.docker_config = dc;
	}
	if (!no_cache) {
		const char *x = getenv("XDG_CACHE_HOME"),
		           *home = getenv("HOME");

		if (x != NULL && x[0] == '/')
			snprintf(cache, sizeof(cache), "%s/ecr-assets", x);
		else if (home != NULL)
			snprintf(
			    cache, sizeof(cache), "%s/.cache/ecr-assets", home);
		else
			cache[0] = '\0';
		if (cache[0] != '\0')
			o.cache_dir = cache;
	}
	o.tmpdir = getenv("TMPDIR");
	oc.tty = !oc.json && isatty(2);
	o.on_event = on_event;
	o.payload = &oc;
	o.cancel = cli_cancel_flag();
	cli_signals_install();
	error = ecra_image_copy(pos[0], pos[1], &sa, &da, &o, &sum);
	if (dpw != NULL) {
		memset(dpw, 0, strlen(dpw));
		free(dpw);
	}
	if (spw != NULL) {
		memset(spw, 0, strlen(spw));
		free(spw);
	}
	if (error < 0) {
		if (oc.tty)
			fprintf(stderr, "\r\033[K");
		if (oc.json) {
			printf("{\"type\":\"fail\",\"message\":");
			cli_json_string(stdout, ecra_error_last()->message);
			printf("}\n");
		}
		rc = cli_fail_lib();
		return cli_signal_exit_status(rc);
	}
	if (oc.json) {
		printf("{\"type\":\"summary\",\"destination\":");
		cli_json_string(stdout, pos[1]);
		printf(",\"digest\":\"%s\",\"uploaded\":%zu,\"mounted\":%zu,"
		       "\"skipped\":%zu,\"bytes_uploaded\":%llu,"
		       "\"manifests\":%zu,\"seconds\":%.3f}\n",
		    sum.digest, sum.uploaded, sum.mounted, sum.skipped,
		    (unsigned long long)sum.bytes_uploaded, sum.manifests,
		    sum.seconds);
	} else {
		fprintf(stderr,
		    "%s@%s: %zu uploaded (%.1f MB), %zu mounted, %zu skipped "
		    "in %.2fs\n",
		    pos[1], sum.digest, sum.uploaded, mb(sum.bytes_uploaded),
		    sum.mounted, sum.skipped, sum.seconds);
	}
	return CLI_EXIT_OK;
}
