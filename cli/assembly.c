/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * cli/assembly.c - read a cloud assembly for `ls` and `synth`.
 */
#include "cli/assembly.h"
#include "cli/cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/path.h"
#include "core/alloc.h"
#include "util/buf.h"

#define MAX_NESTING 16

#define join ecra_path_concat

static const char *get_string(const ecra_json *obj, const char *key)
{
	return ecra_json_string(ecra_json_get(obj, key));
}

/* Parse the JSON file `path`; a missing one is NULL with *missing set.
 * Returns 0 or -1 (printed). */
static int load_json(ecra_json **out, const char *path, bool *missing)
{
	*out = NULL;
	if (missing != NULL)
		*missing = false;
	if (access(path, F_OK) != 0 && errno == ENOENT && missing != NULL) {
		*missing = true;
		return 0;
	}
	if (ecra_json_load_file(out, path, 0, 0) < 0)
		return cli_fail_lib(), -1;
	return 0;
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
	if (load_json(&a->manifest, path, &missing) < 0)
		goto done;
	if (missing) {
		cli_fail("%s: not a cloud assembly (no manifest.json)", dir);
		goto done;
	}
	version = get_string(a->manifest, "version");
	if (version == NULL) {
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
	ecra_free(path);
	if (rc < 0)
		cli_assembly_dispose(a);
	return rc;
}

void cli_assembly_dispose(cli_assembly *a)
{
	free(a->dir);
	ecra_json_free(a->manifest);
	memset(a, 0, sizeof(*a));
}

static const char *artifact_type(const ecra_json *art)
{
	return get_string(art, "type");
}

/* The asset manifest file of stack artifact `art`, or NULL. */
static const char *assets_file(const ecra_json *artifacts, const ecra_json *art)
{
	const ecra_json *deps = ecra_json_get(art, "dependencies");
	size_t i;

	for (i = 0; i < ecra_json_size(deps); i++) {
		const char *d = ecra_json_string(ecra_json_at(deps, i));
		const ecra_json *dep;
		const char *t;

		if (d == NULL)
			continue;
		dep = ecra_json_get(artifacts, d);
		t = artifact_type(dep);
		if (t != NULL && strcmp(t, "cdk:asset-manifest") == 0)
			return get_string(
			    ecra_json_get(dep, "properties"), "file");
	}
	return NULL;
}

/* The hash part of a manifest key ("[assetName-]<sha256 hex>"). */
static const char *key_hash(const char *key)
{
	size_t n = strlen(key);

	return n > 64 && key[n - 65] == '-' ? key + n - 64 : key;
}

static const ecra_json *first_destination(const ecra_json *img)
{
	const ecra_json *d = ecra_json_get(img, "destinations");
	void *it = ecra_json_iter(d);

	return it != NULL ? ecra_json_iter_value(it) : NULL;
}

typedef struct {
	FILE *f;
	bool json;
	bool images;
	ecra_json *out; /* JSON: the stacks array */
} walk_ctx;

static int add_str(ecra_json *obj, const char *key, const char *val)
{
	return val == NULL ? 0 : ecra_json_set_str(obj, key, val);
}

/* obj[key] = v (shared) when v is not NULL. */
static int add(ecra_json *obj, const char *key, const ecra_json *v)
{
	return v == NULL ? 0 : ecra_json_set(obj, key, (ecra_json *)v);
}

static int image_json(ecra_json *list, const char *key, const ecra_json *img)
{
	ecra_json *o = ecra_json_object();
	const ecra_json *src = ecra_json_get(img, "source");
	const ecra_json *dest = first_destination(img);

	if (o == NULL)
		return -1;
	if (add_str(o, "key", key) < 0 ||
	    add_str(o, "hash", key_hash(key)) < 0 ||
	    add_str(o, "displayName", get_string(img, "displayName")) < 0 ||
	    add(o, "directory", ecra_json_get(src, "directory")) < 0 ||
	    add(o, "executable", ecra_json_get(src, "executable")) < 0 ||
	    add_str(o, "repositoryName", get_string(dest, "repositoryName")) <
	        0 ||
	    add_str(o, "imageTag", get_string(dest, "imageTag")) < 0 ||
	    add(o, "source", src) < 0 ||
	    add(o, "destinations", ecra_json_get(img, "destinations")) < 0) {
		ecra_json_free(o);
		return -1;
	}
	return ecra_json_push_new(list, o);
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
    walk_ctx *w, const char *dir, const char *file, ecra_json *stack_json)
{
	char *path = NULL;
	ecra_json *am = NULL, *list = NULL;
	const ecra_json *imgs;
	void *it;
	size_t width = 4;
	int rc = -1;

	if (w->json && (list = ecra_json_array()) == NULL)
		goto oom;
	if (file != NULL) {
		if ((path = join(dir, file)) == NULL)
			goto oom;
		if (load_json(&am, path, NULL) < 0)
			goto done;
		imgs = ecra_json_get(am, "dockerImages");
		if (!w->json && ecra_json_iter(imgs) != NULL) {
			for (it = ecra_json_iter(imgs); it != NULL;
			     it = ecra_json_iter_next(imgs, it)) {
				const char *n = get_string(
				    ecra_json_iter_value(it), "displayName");
				size_t len = n != NULL ? strlen(n) : 1;

				if (len > width)
					width = len;
			}
			fprintf(w->f, "  %-*s  %-12s  %s\n", (int)width, "NAME",
			    "HASH", "TAG");
		}
		for (it = ecra_json_iter(imgs); it != NULL;
		     it = ecra_json_iter_next(imgs, it)) {
			const char *key = ecra_json_iter_key(it);
			const ecra_json *img = ecra_json_iter_value(it);
			const char *name = get_string(img, "displayName");
			const char *tag =
			    get_string(first_destination(img), "imageTag");

			if (w->json) {
				if (image_json(list, key, img) < 0)
					goto oom;
				continue;
			}
			print_image(w->f, width, key_hash(key), tag, name);
		}
	}
	if (w->json) {
		if (ecra_json_set_new(stack_json, "dockerImages", list) < 0) {
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
	ecra_json_free(list);
	ecra_json_free(am);
	ecra_free(path);
	return rc;
}

static int walk(walk_ctx *w, const cli_assembly *a, int depth)
{
	const ecra_json *arts = ecra_json_get(a->manifest, "artifacts");
	void *it;

	if (depth > MAX_NESTING)
		return cli_fail("%s: nested assemblies too deep", a->dir), -1;
	for (it = ecra_json_iter(arts); it != NULL;
	     it = ecra_json_iter_next(arts, it)) {
		const char *id = ecra_json_iter_key(it);
		const ecra_json *art = ecra_json_iter_value(it);
		const char *type = artifact_type(art);
		const char *name = get_string(art, "displayName");
		const char *env = get_string(art, "environment");
		ecra_json *sj = NULL;

		if (type != NULL && strcmp(type, "cdk:cloud-assembly") == 0) {
			const char *sub = get_string(
			    ecra_json_get(art, "properties"), "directoryName");
			cli_assembly nested;
			char *p;
			int rc;

			if (sub == NULL || (p = join(a->dir, sub)) == NULL)
				continue;
			rc = cli_assembly_load(&nested, p);
			ecra_free(p);
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
			if ((sj = ecra_json_object()) == NULL ||
			    add_str(sj, "id", id) < 0 ||
			    add_str(sj, "displayName", name) < 0 ||
			    add_str(sj, "environment", env) < 0 ||
			    add_str(sj, "templateFile",
			        get_string(ecra_json_get(art, "properties"),
			            "templateFile")) < 0) {
				ecra_json_free(sj);
				return cli_fail("out of memory"), -1;
			}
		} else {
			fprintf(w->f, "%s  %s\n", name, env);
		}
		if (w->images &&
		    print_images(w, a->dir, assets_file(arts, art), sj) < 0) {
			ecra_json_free(sj);
			return -1;
		}
		if (sj != NULL && ecra_json_push_new(w->out, sj) < 0)
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
	ecra_json *root = NULL;
	ecra_buf text = ECRA_BUF_INIT(0);
	int rc = -1;

	if (json) {
		if ((root = ecra_json_object()) == NULL ||
		    (w.out = ecra_json_array()) == NULL ||
		    add_str(root, "directory", a->dir) < 0 ||
		    add_str(root, "version",
		        get_string(a->manifest, "version")) < 0) {
			ecra_json_free(w.out);
			goto oom;
		}
		if (ecra_json_set_new(root, "stacks", w.out) < 0)
			goto oom;
	}
	if (walk(&w, a, 0) < 0)
		goto done;
	if (json) {
		if (ecra_json_write(&text, root, 0) < 0)
			goto oom;
		fprintf(f, "%s\n", text.ptr);
	}
	rc = 0;
	goto done;
oom:
	cli_fail("out of memory");
done:
	ecra_buf_dispose(&text);
	ecra_json_free(root);
	return rc;
}
