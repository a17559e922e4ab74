/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * bench/ignore/bench_ignore.c - match throughput of the ignore engine.
 *
 * Builds a deterministic node_modules-like path list (a monorepo with four
 * packages, nested node_modules, tests, typings, maps, a .git directory),
 * then times ecra_ignore_ignores() on every file and
 * ecra_ignore_completely_ignores() on every directory, in each mode, with
 * the .dockerignore people write. Prints ns per query and the number of
 * excluded entries (so two builds can be checked to agree).
 *
 * usage: bench_ignore [REPS]     (public API only: links any libecrassets)
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ecrassets/ignore.h"

static const char *const patterns[] = {
	"# build context for the api image",
	".git",
	"**/*.md",
	"!README.md",
	"**/test",
	"**/__tests__",
	"*.d.ts",
	"*.log",
	"**/*.map",
	"node_modules/**/docs",
	"!node_modules/keep-docs/docs",
	"cdk.out",
	"**/.DS_Store",
	"coverage",
	"**/*.tsbuildinfo",
};

typedef struct {
	char **v;
	size_t n, cap;
} list;

static void push(list *l, const char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 1024;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		if (l->v == NULL)
			exit(1);
	}
	if ((l->v[l->n++] = strdup(s)) == NULL)
		exit(1);
}

static unsigned long rnd_state = 42;

static unsigned rnd(unsigned n)
{
	rnd_state = rnd_state * 6364136223846793005ul + 1442695040888963407ul;
	return (unsigned)(rnd_state >> 33) % n;
}

static const char *const words[] = { "core", "utils", "lodash", "react",
	"express", "debug", "ms", "chalk", "commander", "semver", "uuid",
	"yargs", "glob", "minimatch", "keep-docs", "aws-sdk", "tslib", "zod" };
#define NWORDS (sizeof(words) / sizeof(words[0]))

/* One npm package at `dir`, nested `depth` levels of node_modules. */
static void package(list *files, list *dirs, const char *dir, int depth)
{
	static const char *const top[] = { "package.json", "README.md",
		"LICENSE", "CHANGELOG.md", "index.js", "index.d.ts" };
	char path[1024], sub[1024];
	size_t k;
	unsigned j, n;

	push(dirs, dir);
	for (k = 0; k < sizeof(top) / sizeof(top[0]); k++) {
		snprintf(path, sizeof(path), "%s/%s", dir, top[k]);
		push(files, path);
	}
	const char *const subdirs[] = { "lib", "dist", "test", "docs" };
	for (k = 0; k < 4; k++) {
		snprintf(sub, sizeof(sub), "%s/%s", dir, subdirs[k]);
		push(dirs, sub);
		n = 3 + rnd(12);
		for (j = 0; j < n; j++) {
			static const char *const ext[] = { ".js", ".d.ts",
				".js.map", ".mjs", ".cjs", ".json" };
			snprintf(path, sizeof(path), "%s/%s-%u%s", sub,
			    words[rnd(NWORDS)], j, ext[rnd(6)]);
			push(files, path);
		}
	}
	if (depth > 0) {
		n = rnd(4);
		snprintf(sub, sizeof(sub), "%s/node_modules", dir);
		push(dirs, sub);
		for (j = 0; j < n; j++) {
			snprintf(path, sizeof(path), "%s/%s%u", sub,
			    words[rnd(NWORDS)], j);
			package(files, dirs, path, depth - 1);
		}
	}
}

static void tree(list *files, list *dirs)
{
	char path[1024];
	unsigned p, k;

	push(dirs, ".git");
	push(dirs, ".git/objects");
	for (k = 0; k < 2000; k++) {
		snprintf(path, sizeof(path), ".git/objects/%02x/%038x", k % 256,
		    k * 2654435761u);
		push(files, path);
	}
	for (p = 0; p < 4; p++) {
		char pkg[256];
		unsigned j;

		snprintf(pkg, sizeof(pkg), "packages/pkg%u", p);
		push(dirs, pkg);
		snprintf(path, sizeof(path), "%s/node_modules", pkg);
		push(dirs, path);
		for (j = 0; j < 120; j++) {
			snprintf(path, sizeof(path), "%s/node_modules/%s-%u",
			    pkg, words[j % NWORDS], j);
			package(files, dirs, path, 2);
		}
		for (j = 0; j < 200; j++) {
			snprintf(path, sizeof(path), "%s/src/m%u/file%u.ts",
			    pkg, j % 20, j);
			push(files, path);
		}
	}
	push(files, "README.md");
	push(files, "Dockerfile");
	push(files, "npm-debug.log");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	list files = { 0 }, dirs = { 0 };
	int reps = argc > 1 ? atoi(argv[1]) : 3;
	size_t npat = sizeof(patterns) / sizeof(patterns[0]);
	int mode;

	tree(&files, &dirs);
	printf("paths: %zu files, %zu directories, %zu patterns\n", files.n,
	    dirs.n, npat);
	for (mode = 0; mode < 3; mode++) {
		ecra_ignore *ig = NULL;
		size_t k, excluded = 0, pruned = 0;
		double t0, tf, td;
		int r;

		if (ecra_ignore_new(
		        &ig, (ecra_ignore_mode)mode, patterns, npat) < 0) {
			fprintf(stderr, "compile failed\n");
			return 1;
		}
		t0 = now();
		for (r = 0; r < reps; r++)
			for (k = 0; k < files.n; k++) {
				bool out = false;

				if (ecra_ignore_ignores(&out, ig, files.v[k]) <
				    0)
					return 1;
				excluded += out;
			}
		tf = now() - t0;
		t0 = now();
		for (r = 0; r < reps; r++)
			for (k = 0; k < dirs.n; k++) {
				bool out = false;

				if (ecra_ignore_completely_ignores(
				        &out, ig, dirs.v[k]) < 0)
					return 1;
				pruned += out;
			}
		td = now() - t0;
		printf("%-6s ignores: %7.0f ns/file (%zu excluded)   "
		       "completely_ignores: %7.0f ns/dir (%zu pruned)\n",
		    ecra_ignore_mode_name((ecra_ignore_mode)mode),
		    tf * 1e9 / (double)(files.n * (size_t)reps),
		    excluded / (size_t)reps,
		    td * 1e9 / (double)(dirs.n * (size_t)reps),
		    pruned / (size_t)reps);
		ecra_ignore_free(ig);
	}
	return 0;
}
