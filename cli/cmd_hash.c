/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * cli/cmd_hash.c - `ecr-assets hash`: print a path's asset hash.
 *
 * Two modes. By default the hash is aws-cdk-lib's
 * FileSystem.fingerprint(PATH, options). With --image it is the hash a
 * DockerImageAsset on the directory gets, which is its image tag: the
 * asset is built through the public API exactly as synth builds it
 * (.dockerignore, the added exclude entries, the build options as the
 * extraHash), and ecra_image_asset_fingerprint_options() gives the
 * inputs for --explain. --explain lists every field in hashing order so
 * two hashes can be diffed; --json prints the same as one JSON object.
 */
#include "cli/cli.h"
#include "cli/cmd.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

void cmd_hash_help(void)
{
	printf(
	    "usage: ecr-assets hash [options] PATH\n"
	    "       ecr-assets hash --image [options] [image options] DIR\n"
	    "\n"
	    "Without --image: print the asset hash of a directory or file,\n"
	    "byte-identical to aws-cdk-lib 2.276.0's\n"
	    "FileSystem.fingerprint(PATH, options), with only the options\n"
	    "given here. This is not the image tag of a DockerImageAsset.\n"
	    "\n"
	    "With --image: print the hash (the image tag) that a\n"
	    "DockerImageAsset on DIR gets in cdk.out: DIR/.dockerignore is\n"
	    "read, '!.dockerignore', '!<Dockerfile>' and the outdir are\n"
	    "excluded as aws-cdk-lib does, the ignore mode is docker, and the\n"
	    "build options below are hashed as the asset's extraHash.\n"
	    "\n"
	    "Options:\n"
	    "  -e, --exclude PATTERN     exclude matching entries "
	    "(repeatable;\n"
	    "                            patterns are not hashed themselves)\n"
	    "  -i, --ignore-mode MODE    pattern language: glob (default; "
	    "docker\n"
	    "                            with --image), git or docker\n"
	    "  -f, --follow MODE         symlinks: external (default), never,\n"
	    "                            always or internal-only (alias\n"
	    "                            block-external)\n"
	    "  -x, --extra-hash STRING   extra string mixed into the hash\n"
	    "                            (with --image: the asset's "
	    "extraHash)\n"
	    "  -j, --threads N           threads hashing file contents\n"
	    "                            (default: one per CPU)\n"
	    "      --no-cache            do not use the warm cache of file\n"
	    "                            digests (also ECRA_NO_CACHE=1)\n"
	    "  -v, --verbose             say on stderr how many files were\n"
	    "                            hashed and how many came from the "
	    "cache\n"
	    "      --explain             list every hashed field, then the "
	    "hash\n"
	    "      --json                print a JSON object {\"hash\": ...}\n"
	    "                            (with \"fields\" when --explain)\n"
	    "  -h, --help                show this help\n"
	    "\n"
	    "Image options (DockerImageAsset props; only with --image):\n"
	    "      --image               hash DIR as a DockerImageAsset\n"
	    "      --file FILE           the Dockerfile, relative to DIR\n"
	    "      --build-arg K=V       buildArgs entry (repeatable)\n"
	    "      --build-context K=V   buildContexts entry (repeatable)\n"
	    "      --build-secret K=V    buildSecrets entry, V as CDK writes "
	    "it,\n"
	    "                            e.g. id=src=/path (repeatable)\n"
	    "      --build-ssh SPEC      buildSsh\n"
	    "      --target STAGE        target\n"
	    "      --platform P          platform, e.g. linux/arm64\n"
	    "      --network MODE        networkMode (default, host, none,\n"
	    "                            container:ID or custom)\n"
	    "      --output SPEC         outputs entry (repeatable)\n"
	    "      --cache-from SPEC     cacheFrom entry, type=T[,k=v...] "
	    "(not hashed)\n"
	    "      --cache-to SPEC       cacheTo, type=T[,k=v...] (not "
	    "hashed)\n"
	    "      --cache-disabled      cacheDisabled (not hashed)\n"
	    "      --asset-name NAME     assetName (not hashed: the manifest "
	    "key\n"
	    "                            becomes NAME-<hash>)\n"
	    "      --outdir DIR          the app's outdir as synth's -o "
	    "(default\n"
	    "                            cdk.out; the string is excluded)\n"
	    "  -c, --context K=V         context value, as synth's -c\n"
	    "                            (@aws-cdk/core:assetHashSalt and\n"
	    "                            @aws-cdk/aws-ecr-assets:"
	    "dockerIgnoreSupport\n"
	    "                            change the hash)\n"
	    "\n"
	    "With --explain each field is one line, in hashing order:\n"
	    "  option<TAB>options.follow<TAB>external\n"
	    "  file<TAB>a/x<TAB><size>:<sha256>\n"
	    "  link<TAB>l<TAB><target>\n"
	    "followed by the hash on its own line; with --image, first one\n"
	    "  exclude<TAB><pattern>\n"
	    "line per exclude pattern in order and one\n"
	    "  not-hashed<TAB><prop><TAB><value>\n"
	    "per given option that does not change the hash. Backslash, tab,\n"
	    "newline and other control characters in names are written as\n"
	    "\\\\, \\t, \\n and \\xHH.\n"
	    "\n"
	    "Exit status: 0 success, 1 failure, 2 usage error.\n");
}

typedef struct {
	FILE *out;    /* where fields go */
	bool is_json; /* JSON array elements instead of lines */
	size_t count; /* fields written */
} explain_ctx;

static const char *kind_name(ecra_fingerprint_field_kind kind)
{
	switch (kind) {
	case ECRA_FINGERPRINT_FIELD_FILE:
		return "file";
	case ECRA_FINGERPRINT_FIELD_LINK:
		return "link";
	default:
		return "option";
	}
}

/* Write `s` with backslash escapes for '\\' and control characters. */
static void put_escaped(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		if (*p == '\\')
			fputs("\\\\", f);
		else if (*p == '\t')
			fputs("\\t", f);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\x%02x", *p);
		else
			fputc(*p, f);
	}
}

static int on_field(ecra_fingerprint_field_kind kind, const char *header,
    const char *value, void *payload)
{
	explain_ctx *x = payload;
	const char *name = header;

	if (x->is_json) {
		fputs(x->count > 0 ? ",\n    " : "\n    ", x->out);
		fprintf(
		    x->out, "{\"kind\": \"%s\", \"header\": ", kind_name(kind));
		cli_json_string(x->out, header);
		fputs(", \"value\": ", x->out);
		cli_json_string(x->out, value);
		fputc('}', x->out);
	} else {
		/* Files and links are shown by their relative path. */
		if (kind != ECRA_FINGERPRINT_FIELD_OPTION)
			name = strchr(header, ':') + 1;
		fprintf(x->out, "%s\t", kind_name(kind));
		put_escaped(x->out, name);
		fputc('\t', x->out);
		put_escaped(x->out, value);
		fputc('\n', x->out);
	}
	x->count++;
	return 0;
}

/* -v: what the cache did, on stderr. */
static void print_stats(const ecra_fingerprint_stats *st)
{
	if (!st->cache_enabled) {
		fprintf(stderr, "%zu files hashed (cache off)\n", st->files);
		return;
	}
	fprintf(stderr, "%zu files: %zu from the cache, %zu hashed", st->files,
	    st->cache_hits, st->files - st->cache_hits);
	if (st->cache_racy > 0)
		fprintf(stderr, " (%zu changed too recently to trust)",
		    st->cache_racy);
	if (st->cache_rejected)
		fputs("; the cache file was invalid and ignored", stderr);
	fputs(st->cache_written ? "; cache updated\n" : "\n", stderr);
}

enum {
	OPT_EXPLAIN = 256,
	OPT_JSON,
	OPT_NO_CACHE,
	OPT_IMAGE,
	OPT_FILE,
	OPT_BUILD_ARG,
	OPT_BUILD_CONTEXT,
	OPT_BUILD_SECRET,
	OPT_BUILD_SSH,
	OPT_TARGET,
	OPT_PLATFORM,
	OPT_NETWORK,
	OPT_OUTPUT,
	OPT_CACHE_FROM,
	OPT_CACHE_TO,
	OPT_CACHE_DISABLED,
	OPT_ASSET_NAME,
	OPT_OUTDIR,
};

static const struct option long_options[] = {
	{ "exclude", required_argument, NULL, 'e' },
	{ "ignore-mode", required_argument, NULL, 'i' },
	{ "follow", required_argument, NULL, 'f' },
	{ "extra-hash", required_argument, NULL, 'x' },
	{ "threads", required_argument, NULL, 'j' },
	{ "explain", no_argument, NULL, OPT_EXPLAIN },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "no-cache", no_argument, NULL, OPT_NO_CACHE },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "image", no_argument, NULL, OPT_IMAGE },
	{ "file", required_argument, NULL, OPT_FILE },
	{ "build-arg", required_argument, NULL, OPT_BUILD_ARG },
	{ "build-context", required_argument, NULL, OPT_BUILD_CONTEXT },
	{ "build-secret", required_argument, NULL, OPT_BUILD_SECRET },
	{ "build-ssh", required_argument, NULL, OPT_BUILD_SSH },
	{ "target", required_argument, NULL, OPT_TARGET },
	{ "platform", required_argument, NULL, OPT_PLATFORM },
	{ "network", required_argument, NULL, OPT_NETWORK },
	{ "output", required_argument, NULL, OPT_OUTPUT },
	{ "cache-from", required_argument, NULL, OPT_CACHE_FROM },
	{ "cache-to", required_argument, NULL, OPT_CACHE_TO },
	{ "cache-disabled", no_argument, NULL, OPT_CACHE_DISABLED },
	{ "asset-name", required_argument, NULL, OPT_ASSET_NAME },
	{ "outdir", required_argument, NULL, OPT_OUTDIR },
	{ "context", required_argument, NULL, 'c' },
	{ NULL, 0, NULL, 0 },
};

/* A growing array of K=V pairs, keys allocated, values in argv. */
typedef struct {
	ecra_kv *items;
	size_t count;
} kv_list;

typedef struct {
	ecra_docker_cache_option opt;
	kv_list params;
	const char *spec; /* as given */
	char *copy;       /* what opt's strings point into */
} cache_spec;

typedef struct {
	/* Both modes. */
	ecra_fingerprint_options fp;
	char hex[ECRA_FINGERPRINT_HEX_SIZE];
	const char **exclude;
	size_t exclude_count;
	bool has_ignore_mode, has_follow;
	bool is_explain, is_json, is_verbose, is_image;
	/* --image only. */
	ecra_docker_image_asset_options asset;
	const char *image_only; /* the first image option seen */
	kv_list build_args, build_contexts, build_secrets, context;
	const char **outputs;
	size_t outputs_count;
	cache_spec *cache_from;
	size_t cache_from_count;
	cache_spec *cache_to;
	const char *outdir;
} hash_args;

static void kv_dispose(kv_list *l)
{
	size_t i;

	for (i = 0; i < l->count; i++)
		free((char *)l->items[i].key);
	free(l->items);
	l->items = NULL;
	l->count = 0;
}

/* Append "K=V" (split at the first '='; K non-empty). Returns 0, -1 for
 * no memory, 1 for a malformed argument. */
static int kv_add(kv_list *l, const char *arg)
{
	const char *eq = strchr(arg, '=');
	ecra_kv *grown;
	char *key;

	if (eq == NULL || eq == arg)
		return 1;
	if ((grown = realloc(l->items, (l->count + 1) * sizeof(*grown))) ==
	    NULL)
		return -1;
	l->items = grown;
	if ((key = strndup(arg, (size_t)(eq - arg))) == NULL)
		return -1;
	l->items[l->count].key = key;
	l->items[l->count].value = eq + 1;
	l->count++;
	return 0;
}

/* Parse "type=T[,k=v...]" (the docker CLI's --cache-from syntax) into
 * `c`, whose strings point into its own copy of `spec`. Returns 0, -1 for
 * no memory, 1 for a malformed spec. */
static int cache_spec_parse(cache_spec *c, const char *spec)
{
	char *part, *save = NULL;
	int rc = 0;

	memset(c, 0, sizeof(*c));
	c->spec = spec;
	if ((c->copy = strdup(spec)) == NULL)
		return -1;
	for (part = strtok_r(c->copy, ",", &save); part != NULL && rc == 0;
	     part = strtok_r(NULL, ",", &save)) {
		if (strncmp(part, "type=", 5) == 0 && c->opt.type == NULL)
			c->opt.type = part + 5;
		else
			rc = kv_add(&c->params, part);
	}
	if (rc != 0)
		return rc;
	if (c->opt.type == NULL || c->opt.type[0] == '\0')
		return 1;
	c->opt.params = c->params.count > 0 ? c->params.items : NULL;
	c->opt.params_count = c->params.count;
	return 0;
}

static void cache_spec_dispose(cache_spec *c)
{
	kv_dispose(&c->params);
	free(c->copy);
}

static void args_dispose(hash_args *a)
{
	size_t i;

	free(a->exclude);
	kv_dispose(&a->build_args);
	kv_dispose(&a->build_contexts);
	kv_dispose(&a->build_secrets);
	kv_dispose(&a->context);
	free(a->outputs);
	for (i = 0; i < a->cache_from_count; i++)
		cache_spec_dispose(&a->cache_from[i]);
	free(a->cache_from);
	if (a->cache_to != NULL)
		cache_spec_dispose(a->cache_to);
	free(a->cache_to);
}

static int push_str(const char ***v, size_t *n, const char *s)
{
	const char **grown = realloc(*v, (*n + 1) * sizeof(*grown));

	if (grown == NULL)
		return -1;
	*v = grown;
	grown[(*n)++] = s;
	return 0;
}

/* "--name" of option `c`, for messages. */
static const char *opt_name(int c)
{
	static char buf[64];
	size_t i;

	for (i = 0; long_options[i].name != NULL; i++)
		if (long_options[i].val == c) {
			snprintf(
			    buf, sizeof(buf), "--%s", long_options[i].name);
			return buf;
		}
	return "?";
}

/* Parse the command line into `a`; returns -1 to go on, else the exit
 * status (help printed, or a usage error). */
static int parse_args(hash_args *a, int argc, char **argv)
{
	const char *opt;
	unsigned long n;
	char *end;
	int c, rc;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(
	            argc, argv, ":e:i:f:x:j:c:vh", long_options, NULL)) != -1) {
		opt = c == ':' || c == '?' ? argv[optind - 1] : opt_name(c);
		rc = 0;
		if (c >= OPT_FILE && a->image_only == NULL)
			a->image_only = opt;
		if (c == 'c' && a->image_only == NULL)
			a->image_only = opt;
		switch (c) {
		case 'e':
			rc = push_str(&a->exclude, &a->exclude_count, optarg);
			break;
		case 'i':
			if (ecra_ignore_mode_parse(&a->fp.ignore_mode, optarg) <
			    0)
				return cli_fail_usage(
				    "hash", "%s", ecra_error_last()->message);
			a->has_ignore_mode = true;
			break;
		case 'f':
			if (ecra_follow_mode_parse(&a->fp.follow, optarg) < 0)
				return cli_fail_usage(
				    "hash", "%s", ecra_error_last()->message);
			a->has_follow = true;
			break;
		case 'x':
			a->fp.extra_hash = optarg;
			break;
		case 'j':
			errno = 0;
			n = strtoul(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    optarg[0] == '-' || n < 1 || n > 1024)
				return cli_fail_usage("hash",
				    "invalid thread count '%s' (expected 1 to "
				    "1024)",
				    optarg);
			a->fp.threads = (unsigned int)n;
			break;
		case OPT_EXPLAIN:
			a->is_explain = true;
			break;
		case OPT_JSON:
			a->is_json = true;
			break;
		case OPT_NO_CACHE:
			a->fp.no_cache = true;
			break;
		case 'v':
			a->is_verbose = true;
			break;
		case OPT_IMAGE:
			a->is_image = true;
			break;
		case OPT_FILE:
			a->asset.file = optarg;
			break;
		case OPT_BUILD_ARG:
			rc = kv_add(&a->build_args, optarg);
			break;
		case OPT_BUILD_CONTEXT:
			rc = kv_add(&a->build_contexts, optarg);
			break;
		case OPT_BUILD_SECRET:
			rc = kv_add(&a->build_secrets, optarg);
			break;
		case 'c':
			rc = kv_add(&a->context, optarg);
			break;
		case OPT_BUILD_SSH:
			a->asset.build_ssh = optarg;
			break;
		case OPT_TARGET:
			a->asset.target = optarg;
			break;
		case OPT_PLATFORM:
			a->asset.platform = optarg;
			break;
		case OPT_NETWORK:
			a->asset.network_mode = optarg;
			break;
		case OPT_OUTPUT:
			rc = push_str(&a->outputs, &a->outputs_count, optarg);
			break;
		case OPT_CACHE_FROM: {
			cache_spec *grown = realloc(a->cache_from,
			    (a->cache_from_count + 1) * sizeof(*grown));

			if (grown == NULL)
				return cli_fail("out of memory");
			a->cache_from = grown;
			rc = cache_spec_parse(
			    &grown[a->cache_from_count++], optarg);
			break;
		}
		case OPT_CACHE_TO:
			if (a->cache_to != NULL)
				return cli_fail_usage(
				    "hash", "--cache-to given twice");
			if ((a->cache_to = calloc(1, sizeof(*a->cache_to))) ==
			    NULL)
				return cli_fail("out of memory");
			rc = cache_spec_parse(a->cache_to, optarg);
			break;
		case OPT_CACHE_DISABLED:
			a->asset.cache_disabled = ECRA_TRUE;
			break;
		case OPT_ASSET_NAME:
			a->asset.asset_name = optarg;
			break;
		case OPT_OUTDIR:
			a->outdir = optarg;
			break;
		case 'h':
			cmd_hash_help();
			return CLI_EXIT_OK;
		case ':':
			return cli_fail_usage(
			    "hash", "option '%s' needs a value", opt);
		default:
			return cli_fail_usage(
			    "hash", "unknown option '%s'", opt);
		}
		if (rc < 0)
			return cli_fail("out of memory");
		if (rc > 0)
			return cli_fail_usage("hash",
			    c == OPT_CACHE_FROM || c == OPT_CACHE_TO
			        ? "invalid %s '%s' (expected "
			          "type=TYPE[,KEY=VALUE...])"
			        : "invalid %s '%s' (expected KEY=VALUE)",
			    opt, optarg);
	}
	if (a->image_only != NULL && !a->is_image)
		return cli_fail_usage(
		    "hash", "option '%s' needs --image", a->image_only);
	if (argc - optind != 1)
		return cli_fail_usage(
		    "hash", argc - optind == 0
		                ? (a->is_image ? "missing DIR" : "missing PATH")
		                : "expected exactly one PATH");
	return -1;
}

/* The default mode: FileSystem.fingerprint(PATH, options). */
static int hash_path(hash_args *a, const char *path)
{
	ecra_fingerprint_stats stats;

	a->fp.exclude = a->exclude;
	a->fp.exclude_count = a->exclude_count;
	a->fp.stats = &stats;
	if (ecra_fingerprint(a->hex, path, &a->fp) < 0)
		return cli_fail_lib();
	if (a->is_verbose)
		print_stats(&stats);
	return CLI_EXIT_OK;
}

static void print_warning(const char *message, void *payload)
{
	(void)payload;
	fprintf(stderr, "ecra: warning: %s\n", message);
}

/* Fill the DockerImageAsset props from the command line. */
static int image_props(
    hash_args *a, const char *dir, ecra_docker_cache_option **from_out)
{
	ecra_docker_image_asset_options *o = &a->asset;
	ecra_docker_cache_option *from = NULL;
	size_t i;

	o->directory = dir;
	o->exclude = a->exclude;
	o->exclude_count = a->exclude_count;
	o->has_ignore_mode = a->has_ignore_mode;
	o->ignore_mode = a->fp.ignore_mode;
	o->has_follow_symlinks = a->has_follow;
	o->follow_symlinks = a->fp.follow;
	o->extra_hash = a->fp.extra_hash;
#define LIST(field, list)                                \
	do {                                             \
		if ((list).count > 0) {                  \
			o->field = (list).items;         \
			o->field##_count = (list).count; \
		}                                        \
	} while (0)
	LIST(build_args, a->build_args);
	LIST(build_contexts, a->build_contexts);
	LIST(build_secrets, a->build_secrets);
#undef LIST
	if (a->outputs_count > 0) {
		o->outputs = a->outputs;
		o->outputs_count = a->outputs_count;
	}
	if (a->cache_from_count > 0) {
		if ((from = calloc(a->cache_from_count, sizeof(*from))) == NULL)
			return -1;
		for (i = 0; i < a->cache_from_count; i++)
			from[i] = a->cache_from[i].opt;
		o->cache_from = from;
		o->cache_from_count = a->cache_from_count;
	}
	if (a->cache_to != NULL)
		o->cache_to = &a->cache_to->opt;
	*from_out = from;
	return 0;
}

/* --explain (text) for --image: the exclude list and the options that
 * do not change the hash, before the fields. */
static void print_image_inputs(
    const hash_args *a, const ecra_fingerprint_options *fo)
{
	size_t i;

	for (i = 0; i < fo->exclude_count; i++) {
		fputs("exclude\t", stdout);
		put_escaped(stdout, fo->exclude[i]);
		fputc('\n', stdout);
	}
	for (i = 0; i < a->cache_from_count; i++) {
		fputs("not-hashed\tcacheFrom\t", stdout);
		put_escaped(stdout, a->cache_from[i].spec);
		fputc('\n', stdout);
	}
	if (a->cache_to != NULL) {
		fputs("not-hashed\tcacheTo\t", stdout);
		put_escaped(stdout, a->cache_to->spec);
		fputc('\n', stdout);
	}
	if (a->asset.cache_disabled == ECRA_TRUE)
		fputs("not-hashed\tcacheDisabled\ttrue\n", stdout);
	if (a->asset.asset_name != NULL) {
		fputs("not-hashed\tassetName\t", stdout);
		put_escaped(stdout, a->asset.asset_name);
		fputc('\n', stdout);
	}
}

static void print_image_json(const hash_args *a,
    const ecra_fingerprint_options *fo, const ecra_image_asset *asset,
    const char *fields)
{
	size_t i;

	printf("{\"hash\": \"%s\", \"imageTag\": ", a->hex);
	cli_json_string(stdout, ecra_image_asset_image_tag(asset));
	fputs(", \"manifestKey\": ", stdout);
	cli_json_string(stdout, ecra_image_asset_manifest_key(asset));
	fputs(", \"extraHash\": ", stdout);
	cli_json_string(stdout, fo->extra_hash ? fo->extra_hash : "");
	fputs(", \"ignoreMode\": ", stdout);
	cli_json_string(stdout, ecra_ignore_mode_name(fo->ignore_mode));
	fputs(", \"follow\": ", stdout);
	cli_json_string(stdout, ecra_follow_mode_name(fo->follow));
	fputs(", \"exclude\": [", stdout);
	for (i = 0; i < fo->exclude_count; i++) {
		if (i > 0)
			fputs(", ", stdout);
		cli_json_string(stdout, fo->exclude[i]);
	}
	fputc(']', stdout);
	if (fields != NULL)
		printf(", \"fields\": [%s\n  ]", fields);
	printf("}\n");
}

/* --image: the hash a DockerImageAsset on `dir` gets, through the same
 * library calls as synth; with --explain or -v the fingerprint runs once
 * more with the asset's inputs (its files come from the warm cache) and
 * must agree. */
static int hash_image(hash_args *a, const char *dir, explain_ctx *x,
    char **fields, size_t *fields_len)
{
	ecra_app_options ao = ECRA_APP_OPTIONS_INIT;
	ecra_fingerprint_options fo = ECRA_FINGERPRINT_OPTIONS_INIT;
	ecra_fingerprint_stats stats;
	ecra_docker_cache_option *from = NULL;
	ecra_app *app = NULL;
	ecra_stack *stack;
	ecra_image_asset *asset;
	const char *path;
	size_t i;
	int status = CLI_EXIT_OK;

	/* The asset fingerprints inside the library, which reads this. */
	if (a->fp.no_cache)
		setenv("ECRA_NO_CACHE", "1", 1);
	ao.outdir = a->outdir;
	ao.threads = a->fp.threads;
	ao.warning_cb = print_warning;
	if (image_props(a, dir, &from) < 0) {
		status = cli_fail("out of memory");
		goto done;
	}
	if (ecra_app_new(&app, &ao) < 0)
		goto lib;
	for (i = 0; i < a->context.count; i++)
		if (ecra_app_set_context_string(app, a->context.items[i].key,
		        a->context.items[i].value) < 0)
			goto lib;
	if (ecra_app_add_stack(&stack, app, "Stack", NULL) < 0 ||
	    ecra_stack_add_docker_image_asset(
	        &asset, stack, "Image", &a->asset) < 0 ||
	    ecra_image_asset_fingerprint_options(&fo, &path, asset) < 0)
		goto lib;
	snprintf(a->hex, sizeof(a->hex), "%s", ecra_image_asset_hash(asset));
	if (a->is_explain || a->is_verbose) {
		char again[ECRA_FINGERPRINT_HEX_SIZE];

		fo.no_cache = a->fp.no_cache;
		fo.stats = &stats;
		if (a->is_explain) {
			if ((x->out = open_memstream(fields, fields_len)) ==
			    NULL) {
				status = cli_fail("out of memory");
				goto done;
			}
			x->is_json = a->is_json;
			fo.field_cb = on_field;
			fo.field_payload = x;
		}
		if (ecra_fingerprint(again, path, &fo) < 0)
			goto lib;
		if (x->out != NULL) {
			fclose(x->out);
			x->out = NULL;
		}
		if (strcmp(again, a->hex) != 0) {
			status = cli_fail("the fingerprint of %s changed while "
			                  "it was hashed (%s, then %s)",
			    path, a->hex, again);
			goto done;
		}
		if (a->is_verbose)
			print_stats(&stats);
	}
	if (a->is_json) {
		print_image_json(a, &fo, asset, a->is_explain ? *fields : NULL);
	} else {
		if (a->is_explain) {
			print_image_inputs(a, &fo);
			fputs(*fields, stdout);
		}
		printf("%s\n", ecra_image_asset_image_tag(asset));
	}
	goto done;
lib:
	status = cli_fail_lib();
done:
	ecra_app_free(app);
	free(from);
	return status;
}

int cmd_hash(int argc, char **argv)
{
	hash_args a;
	explain_ctx x = { NULL, false, 0 };
	ecra_docker_image_asset_options asset_init =
	    ECRA_DOCKER_IMAGE_ASSET_OPTIONS_INIT;
	ecra_fingerprint_options fp_init = ECRA_FINGERPRINT_OPTIONS_INIT;
	char *fields = NULL;
	size_t fields_len = 0;
	int status;

	memset(&a, 0, sizeof(a));
	a.fp = fp_init;
	a.asset = asset_init;
	if ((status = parse_args(&a, argc, argv)) >= 0)
		goto done;
	if (a.is_image) {
		status = hash_image(&a, argv[optind], &x, &fields, &fields_len);
		goto flush;
	}
	if (a.is_explain) {
		if ((x.out = open_memstream(&fields, &fields_len)) == NULL) {
			status = cli_fail("out of memory");
			goto done;
		}
		x.is_json = a.is_json;
		a.fp.field_cb = on_field;
		a.fp.field_payload = &x;
	}
	if ((status = hash_path(&a, argv[optind])) != CLI_EXIT_OK)
		goto done;
	if (x.out != NULL) {
		fclose(x.out);
		x.out = NULL;
	}
	if (a.is_json) {
		printf("{\"hash\": \"%s\"", a.hex);
		if (a.is_explain)
			printf(", \"fields\": [%s\n  ]", fields);
		printf("}\n");
	} else {
		if (a.is_explain)
			fputs(fields, stdout);
		printf("%s\n", a.hex);
	}
flush:
	if (status == CLI_EXIT_OK && fflush(stdout) != 0)
		status = cli_fail("cannot write the output");
done:
	if (x.out != NULL)
		fclose(x.out);
	free(fields);
	args_dispose(&a);
	return status;
}
