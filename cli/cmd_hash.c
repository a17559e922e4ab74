/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * cli/cmd_hash.c - `ecr-assets hash`: print a path's asset hash.
 *
 * The hash is aws-cdk-lib's FileSystem.fingerprint(PATH, options).
 * --explain lists every field in hashing order so two hashes can be
 * diffed; --json prints the same as one JSON object.
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
	    "\n"
	    "Print the asset hash of a directory or file, byte-identical to\n"
	    "aws-cdk-lib 2.276.0's FileSystem.fingerprint(PATH, options).\n"
	    "\n"
	    "Options:\n"
	    "  -e, --exclude PATTERN     exclude matching entries "
	    "(repeatable;\n"
	    "                            patterns are not hashed themselves)\n"
	    "  -i, --ignore-mode MODE    pattern language: glob (default), "
	    "git\n"
	    "                            or docker\n"
	    "  -f, --follow MODE         symlinks: external (default), never,\n"
	    "                            always or internal-only (alias\n"
	    "                            block-external)\n"
	    "  -x, --extra-hash STRING   extra string mixed into the hash\n"
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
	    "With --explain each field is one line, in hashing order:\n"
	    "  option<TAB>options.follow<TAB>external\n"
	    "  file<TAB>a/x<TAB><size>:<sha256>\n"
	    "  link<TAB>l<TAB><target>\n"
	    "followed by the hash on its own line. Backslash, tab, newline "
	    "and\n"
	    "other control characters in names are written as \\\\, \\t, \\n\n"
	    "and \\xHH.\n"
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

enum { OPT_EXPLAIN = 256, OPT_JSON, OPT_NO_CACHE };

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
	{ NULL, 0, NULL, 0 },
};

int cmd_hash(int argc, char **argv)
{
	ecra_fingerprint_options opts = ECRA_FINGERPRINT_OPTIONS_INIT;
	char hex[ECRA_FINGERPRINT_HEX_SIZE];
	const char **exclude = NULL, **grown;
	size_t exclude_count = 0;
	explain_ctx x = { NULL, false, 0 };
	char *fields = NULL;
	size_t fields_len = 0;
	ecra_fingerprint_stats stats;
	bool is_explain = false, is_json = false, is_verbose = false;
	unsigned long n;
	char *end;
	int c, status = CLI_EXIT_OK;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(
	            argc, argv, ":e:i:f:x:j:vh", long_options, NULL)) != -1) {
		switch (c) {
		case 'e':
			grown = realloc(
			    exclude, (exclude_count + 1) * sizeof(*exclude));
			if (grown == NULL) {
				status = cli_fail("out of memory");
				goto done;
			}
			exclude = grown;
			exclude[exclude_count++] = optarg;
			break;
		case 'i':
			if (ecra_ignore_mode_parse(&opts.ignore_mode, optarg) <
			    0) {
				status = cli_fail_usage(
				    "hash", "%s", ecra_error_last()->message);
				goto done;
			}
			break;
		case 'f':
			if (ecra_follow_mode_parse(&opts.follow, optarg) < 0) {
				status = cli_fail_usage(
				    "hash", "%s", ecra_error_last()->message);
				goto done;
			}
			break;
		case 'x':
			opts.extra_hash = optarg;
			break;
		case 'j':
			errno = 0;
			n = strtoul(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    optarg[0] == '-' || n < 1 || n > 1024) {
				status = cli_fail_usage("hash",
				    "invalid thread count '%s' (expected 1 to "
				    "1024)",
				    optarg);
				goto done;
			}
			opts.threads = (unsigned int)n;
			break;
		case OPT_EXPLAIN:
			is_explain = true;
			break;
		case OPT_JSON:
			is_json = true;
			break;
		case OPT_NO_CACHE:
			opts.no_cache = true;
			break;
		case 'v':
			is_verbose = true;
			break;
		case 'h':
			cmd_hash_help();
			goto done;
		case ':':
			status = cli_fail_usage("hash",
			    "option '%s' needs a value", argv[optind - 1]);
			goto done;
		default:
			status = cli_fail_usage(
			    "hash", "unknown option '%s'", argv[optind - 1]);
			goto done;
		}
	}
	if (argc - optind != 1) {
		status = cli_fail_usage(
		    "hash", argc - optind == 0 ? "missing PATH"
		                               : "expected exactly one PATH");
		goto done;
	}
	opts.exclude = exclude;
	opts.exclude_count = exclude_count;
	opts.stats = &stats;
	if (is_explain) {
		if ((x.out = open_memstream(&fields, &fields_len)) == NULL) {
			status = cli_fail("out of memory");
			goto done;
		}
		x.is_json = is_json;
		opts.field_cb = on_field;
		opts.field_payload = &x;
	}
	if (ecra_fingerprint(hex, argv[optind], &opts) < 0) {
		status = cli_fail_lib();
		goto done;
	}
	if (x.out != NULL) {
		fclose(x.out);
		x.out = NULL;
	}
	if (is_verbose)
		print_stats(&stats);
	if (is_json) {
		printf("{\"hash\": \"%s\"", hex);
		if (is_explain)
			printf(", \"fields\": [%s\n  ]", fields);
		printf("}\n");
	} else {
		if (is_explain)
			fputs(fields, stdout);
		printf("%s\n", hex);
	}
	if (fflush(stdout) != 0)
		status = cli_fail("cannot write the output");
done:
	if (x.out != NULL)
		fclose(x.out);
	free(fields);
	free(exclude);
	return status;
}
