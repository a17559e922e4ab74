/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * cli/assembly.c - read a cloud assembly for `ls` and `synth`.
 */
#include "cli/assembly.h"
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

#define MAX_NESTING 16

static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	if (p != NULL)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}

/* A semver version as the schema's versions are: MAJOR.MINOR.PATCH of
 * digits, then optionally "-prerelease" or "+build". */
static bool is_version(const char *v)
{
	int part;

	for (part = 0; part < 3; part++) {
		if (*v < '0' || *v > '9')
			return false;
		while (*v >= '0' && *v <= '9')
			v++;
		if (part < 2 && *v++ != '.')
			return false;
	}
	return *v == '\0' || *v == '-' || *v == '+';
}

int cli_assembly_load(cli_assembly *a, const char *dir)
{
	char err[256];
	char *path = NULL;
	const char *version;
	bool missing = false;
	long major;
	int rc = -1;

	memset(a, 0, sizeof(*a));
	if ((path = join(dir, "manifest.json")) == NULL ||
	    (a->dir = strdup(dir)) == NULL) {
		cli_fail("out of memory");
		goto done;
	}
	if ((a->manifest = cj_parse_file(path, &missing, err, sizeof(err))) ==
	    NULL) {
		if (missing)
			cli_fail(
			    "%s: not a cloud assembly (no manifest.json)", dir);
		else
			cli_fail("%s: %s", path, err);
		goto done;
	}
	version = cj_get_string(a->manifest, "version");
	if (a->manifest->type != CJ_OBJECT || version == NULL) {
		cli_fail(
		    "%s: not a cloud assembly manifest (no \"version\")", path);
		goto done;
	}
	if (!is_version(version)) {
		cli_fail("%s: cloud assembly schema version '%s' is not a "
		         "version (expected MAJOR.MINOR.PATCH)",
		    path, version);
		goto done;
	}
	major = strtol(version, NULL, 10);
	if (major > CLI_ASSEMBLY_SCHEMA_MAJOR) {
		cli_fail("%s: cloud assembly schema version '%s' is newer than "
		         "this tool reads (%d.x)",
		    path, version, CLI_ASSEMBLY_SCHEMA_MAJOR);
		goto done;
	}
	rc = 0;
done:
	free(path);
	if (rc < 0)
		cli_assembly_dispose(a);
	return rc;
}

void cli_assembly_dispose(cli_assembly *a)
{
	free(a->dir);
	cj_free(a->manifest);
	memset(a, 0, sizeof(*a));
}

static const char *artifact_type(const cj *art)
{
	return cj_get_string(art, "type");
}

/* The asset manifest file of stack artifact `art`, or NULL. */
static const char *assets_file(const cj *artifacts, const cj *art)
{
	const cj *deps = cj_get(art, "dependencies");
	size_t i;

	for (i = 0; deps != NULL && deps->type == CJ_ARRAY && i < deps->count;
	     i++) {
		const cj *d = deps->items[i];
		const cj *dep;
		const char *t;

		if (d->type != CJ_STRING)
			continue;
		dep = cj_get(artifacts, d->text);
		t = artifact_type(dep);
		if (t != NULL && strcmp(t, "cdk:asset-manifest") == 0)
			return cj_get_string(cj_get(dep, "properties"), "file");
	}
	return NULL;
}

/* The hash part of a manifest key ("[assetName-]<sha256 hex>"). */
static const char *key_hash(const char *key)
{
	size_t n = strlen(key);

	return n > 64 && key[n - 65] == '-' ? key + n - 64 : key;
}

static const cj *first_destination(const cj *img)
{
	const cj *d = cj_get(img, "destinations");

	return d != NULL && d->type == CJ_OBJECT && d->count > 0 ? d->items[0]
	                                                         : NULL;
}

typedef struct {
	FILE *f;
	bool json;
	bool images;
	cj *out; /* JSON: the stacks array */
} walk_ctx;

static int add_str(cj *obj, const char *key, const char *val)
{
	cj *s;

	if (val == NULL)
		return 0;
	if ((s = cj_new_string(val)) == NULL)
		return -1;
	return cj_set(obj, key, s);
}

static int image_json(cj *list, const char *key, const cj *img)
{
	cj *o = cj_new(CJ_OBJECT);
	const cj *src = cj_get(img, "source");
	const cj *dest = first_destination(img);
	const cj *m;

	if (o == NULL)
		return -1;
	if (add_str(o, "key", key) < 0 ||
	    add_str(o, "hash", key_hash(key)) < 0 ||
	    add_str(o, "displayName", cj_get_string(img, "displayName")) < 0)
		goto oom;
	if ((m = cj_get(src, "directory")) != NULL &&
	    cj_set(o, "directory", cj_dup(m)) < 0)
		goto oom;
	if ((m = cj_get(src, "executable")) != NULL &&
	    cj_set(o, "executable", cj_dup(m)) < 0)
		goto oom;
	if (add_str(o, "repositoryName",
	        cj_get_string(dest, "repositoryName")) < 0 ||
	    add_str(o, "imageTag", cj_get_string(dest, "imageTag")) < 0)
		goto oom;
	if (src != NULL && cj_set(o, "source", cj_dup(src)) < 0)
		goto oom;
	if ((m = cj_get(img, "destinations")) != NULL &&
	    cj_set(o, "destinations", cj_dup(m)) < 0)
		goto oom;
	return cj_push(list, o);
oom:
	cj_free(o);
	return -1;
}

/* One image row: the name, the hash abbreviated to 12 digits as docker
 * abbreviates image ids, and the tag with the hash written "(hash)" when
 * the tag is the hash or the dockerTagPrefix + the hash. */
static void print_image(
    FILE *f, size_t width, const char *hash, const char *tag, const char *name)
{
	size_t tl = tag != NULL ? strlen(tag) : 0, hl = strlen(hash);

	fprintf(f, "  %-*s  %-12.12s  ", (int)width, name != NULL ? name : "-",
	    hash);
	if (tag == NULL)
		fputs("-\n", f);
	else if (hl == 64 && tl >= hl && strcmp(tag + tl - hl, hash) == 0)
		fprintf(f, "%.*s(hash)\n", (int)(tl - hl), tag);
	else
		fprintf(f, "%s\n", tag);
}

static int print_images(
    walk_ctx *w, const char *dir, const char *file, cj *stack_json)
{
	char err[256];
	char *path = NULL;
	cj *am = NULL, *list = NULL;
	const cj *imgs;
	size_t i, width = 4;
	int rc = -1;

	if (w->json && (list = cj_new(CJ_ARRAY)) == NULL)
		goto oom;
	if (file != NULL) {
		if ((path = join(dir, file)) == NULL)
			goto oom;
		if ((am = cj_parse_file(path, NULL, err, sizeof(err))) ==
		    NULL) {
			cli_fail("%s: %s", path, err);
			goto done;
		}
		imgs = cj_get(am, "dockerImages");
		if (!w->json && imgs != NULL && imgs->type == CJ_OBJECT &&
		    imgs->count > 0) {
			for (i = 0; i < imgs->count; i++) {
				const char *n = cj_get_string(
				    imgs->items[i], "displayName");
				size_t len = n != NULL ? strlen(n) : 1;

				if (len > width)
					width = len;
			}
			fprintf(w->f, "  %-*s  %-12s  %s\n", (int)width, "NAME",
			    "HASH", "TAG");
		}
		for (i = 0;
		     imgs != NULL && imgs->type == CJ_OBJECT && i < imgs->count;
		     i++) {
			const char *key = imgs->keys[i];
			const cj *img = imgs->items[i];
			const char *name = cj_get_string(img, "displayName");
			const char *tag =
			    cj_get_string(first_destination(img), "imageTag");

			if (w->json) {
				if (image_json(list, key, img) < 0)
					goto oom;
				continue;
			}
			print_image(w->f, width, key_hash(key), tag, name);
		}
	}
	if (w->json) {
		if (cj_set(stack_json, "dockerImages", list) < 0) {
			list = NULL;
			goto oom;
		}
		list = NULL;
	}
	rc = 0;
	goto done;
oom:
	cli_fail("out of memory");
done:
	cj_free(list);
	cj_free(am);
	free(path);
	return rc;
}

static int walk(walk_ctx *w, const cli_assembly *a, int depth)
{
	const cj *arts = cj_get(a->manifest, "artifacts");
	size_t i;

	if (depth > MAX_NESTING)
		return cli_fail("%s: nested assemblies too deep", a->dir), -1;
	for (i = 0; arts != NULL && arts->type == CJ_OBJECT && i < arts->count;
	     i++) {
		const char *id = arts->keys[i];
		const cj *art = arts->items[i];
		const char *type = artifact_type(art);
		const char *name = cj_get_string(art, "displayName");
		const char *env = cj_get_string(art, "environment");
		cj *sj = NULL;

		if (type != NULL && strcmp(type, "cdk:cloud-assembly") == 0) {
			const char *sub = cj_get_string(
			    cj_get(art, "properties"), "directoryName");
			cli_assembly nested;
			char *p;
			int rc;

			if (sub == NULL || (p = join(a->dir, sub)) == NULL)
				continue;
			rc = cli_assembly_load(&nested, p);
			free(p);
			if (rc < 0)
				return -1;
			rc = walk(w, &nested, depth + 1);
			cli_assembly_dispose(&nested);
			if (rc < 0)
				return -1;
			continue;
		}
		if (type == NULL ||
		    strcmp(type, "aws:cloudformation:stack") != 0)
			continue;
		if (name == NULL)
			name = id;
		if (env == NULL)
			env = "-";
		if (w->json) {
			if ((sj = cj_new(CJ_OBJECT)) == NULL ||
			    add_str(sj, "id", id) < 0 ||
			    add_str(sj, "displayName", name) < 0 ||
			    add_str(sj, "environment", env) < 0 ||
			    add_str(sj, "templateFile",
			        cj_get_string(cj_get(art, "properties"),
			            "templateFile")) < 0) {
				cj_free(sj);
				return cli_fail("out of memory"), -1;
			}
		} else {
			fprintf(w->f, "%s  %s\n", name, env);
		}
		if (w->images &&
		    print_images(w, a->dir, assets_file(arts, art), sj) < 0) {
			cj_free(sj);
			return -1;
		}
		if (sj != NULL && cj_push(w->out, sj) < 0)
			return cli_fail("out of memory"), -1;
	}
	return 0;
}

int cli_assembly_print_stacks(FILE *f, const cli_assembly *a)
{
	walk_ctx w = { f, false, false, NULL };

	return walk(&w, a, 0);
}

int cli_assembly_print_ls(FILE *f, const cli_assembly *a, bool json)
{
	walk_ctx w = { f, json, true, NULL };
	cj *root = NULL;
	char *text = NULL;
	int rc = -1;

	if (json) {
		if ((root = cj_new(CJ_OBJECT)) == NULL ||
		    (w.out = cj_new(CJ_ARRAY)) == NULL ||
		    add_str(root, "directory", a->dir) < 0 ||
		    add_str(root, "version",
		        cj_get_string(a->manifest, "version")) < 0) {
			cj_free(w.out);
			goto oom;
		}
		if (cj_set(root, "stacks", w.out) < 0)
			goto oom;
	}
	if (walk(&w, a, 0) < 0)
		goto done;
	if (json) {
		if ((text = cj_dump(root)) == NULL)
			goto oom;
		fprintf(f, "%s\n", text);
	}
	rc = 0;
	goto done;
oom:
	cli_fail("out of memory");
done:
	free(text);
	cj_free(root);
	return rc;
}
