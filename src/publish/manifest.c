/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * publish/manifest.c - load asset manifests and cloud assemblies, expand
 * docker-image entries, and select among them.
 *
 * Order follows cdk-assets: assets in JS object-key order (integer-like
 * keys first, ascending, then insertion order), one entry per destination
 * in the same order. Unlike cdk-assets (which validates only with
 * TESTING_CDK=1) every field the publisher uses is type-checked, and the
 * error names the file and the field.
 */
#include "publish/publish.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/error.h"
#include "registry/registry.h"
#include "util/buf.h"

/* ---------------------------------------------------------------------- */
/* Helpers                                                                 */

static bool is_type(const ecra_json *v, ecra_json_type t)
{
	return v != NULL && ecra_json_typeof(v) == t;
}

static const char *type_name(const ecra_json *v)
{
	return v == NULL ? "undefined" : ecra_json_type_name(v);
}

typedef struct {
	const char *key;
	ecra_json *value;
	size_t pos;
} okey;

static int okey_cmp(const void *a, const void *b)
{
	const okey *x = a, *y = b;
	bool xi = ecra_json_key_is_index(x->key);
	bool yi = ecra_json_key_is_index(y->key);

	if (xi && yi) {
		unsigned long long u = strtoull(x->key, NULL, 10);
		unsigned long long w = strtoull(y->key, NULL, 10);

		return u < w ? -1 : u > w;
	}
	if (xi != yi)
		return xi ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* The keys of `obj` in JS order; free *out with ecra_free. */
static int ordered_keys(const ecra_json *obj, okey **out, size_t *count)
{
	size_t n = ecra_json_size(obj), i = 0;
	void *it;

	*out = NULL;
	*count = 0;
	if (n == 0)
		return 0;
	if ((*out = ecra_calloc(n, sizeof(okey))) == NULL)
		return ECRA_ENOMEM;
	for (it = ecra_json_iter(obj); it && i < n;
	     it = ecra_json_iter_next(obj, it), i++) {
		(*out)[i].key = ecra_json_iter_key(it);
		(*out)[i].value = ecra_json_iter_value(it);
		(*out)[i].pos = i;
	}
	qsort(*out, i, sizeof(okey), okey_cmp);
	*count = i;
	return 0;
}

static char *path_join(const char *dir, const char *rel)
{
	ecra_buf b = ECRA_BUF_INIT(0);

	if (rel[0] == '/')
		return ecra_strdup(rel);
	if (ecra_buf_printf(&b, "%s/%s", dir, rel) < 0) {
		ecra_buf_dispose(&b);
		return NULL;
	}
	return ecra_buf_detach(&b);
}

/* Lexically normalise an absolute path ("." and ".." segments, repeated
 * slashes), like Node's path.resolve. Works in place. */
static void normalize(char *p)
{
	char *out = p, *seg = p, *stop = p + strlen(p);
	size_t len;

	while (*seg == '/')
		seg++;
	*out++ = '/';
	/* `out` never passes `seg`, but may overwrite the NUL: bound the
	 * walk by the original length. */
	while (seg < stop) {
		char *end = memchr(seg, '/', (size_t)(stop - seg));

		len = end ? (size_t)(end - seg) : (size_t)(stop - seg);
		if (len == 1 && seg[0] == '.') {
			/* skip */
		} else if (len == 2 && seg[0] == '.' && seg[1] == '.') {
			if (out > p + 1) {
				out--;
				while (out > p + 1 && out[-1] != '/')
					out--;
			}
		} else {
			memmove(out, seg, len);
			out += len;
			*out++ = '/';
		}
		seg += len;
		while (seg < stop && *seg == '/')
			seg++;
	}
	if (out > p + 1)
		out--;
	*out = '\0';
}

static char *absolute(const char *path)
{
	char cwd[PATH_MAX];
	char *r;

	if (path[0] == '/')
		r = ecra_strdup(path);
	else if (getcwd(cwd, sizeof(cwd)) == NULL) {
		ecra_error_set_os(ECRA_EIO, "cannot get the current directory");
		return NULL;
	} else
		r = path_join(cwd, path);
	if (r != NULL)
		normalize(r);
	return r;
}

static char *dirname_of(const char *abs)
{
	const char *slash = strrchr(abs, '/');

	if (slash == abs)
		return ecra_strdup("/");
	return ecra_strndup(abs, (size_t)(slash - abs));
}

/* Check "<major>.<minor>.<patch>[-pre][+build]" and return the major. */
static int check_version(const ecra_json *doc, const char *file)
{
	ecra_json *v = ecra_json_get(doc, "version");
	const char *s, *p;
	unsigned long major;
	int parts = 0;
	char *end;

	if (v == NULL)
		return ecra_error_set(ECRA_EINVALID,
		    "invalid asset manifest '%s': 'version' is missing", file);
	if (!is_type(v, ECRA_JSON_STRING))
		return ecra_error_set(ECRA_EINVALID,
		    "invalid asset manifest '%s': 'version' must be a string, "
		    "got %s",
		    file, type_name(v));
	s = ecra_json_string(v);
	for (p = s; parts < 3; parts++) {
		if (*p < '0' || *p > '9' ||
		    (*p == '0' && p[1] >= '0' && p[1] <= '9'))
			break;
		while (*p >= '0' && *p <= '9')
			p++;
		if (parts < 2) {
			if (*p != '.')
				break;
			p++;
		}
	}
	if (parts != 3 || (*p != '\0' && *p != '-' && *p != '+'))
		return ecra_error_set(ECRA_EINVALID,
		    "invalid asset manifest '%s': invalid semver string '%s'",
		    file, s);
	errno = 0;
	major = strtoul(s, &end, 10);
	if (errno != 0 || major > ECRA_MANIFEST_MAX_MAJOR)
		return ecra_error_set(ECRA_EUNSUPPORTED,
		    "cannot read asset manifest '%s': schema version '%s' is "
		    "newer than supported (at most %d.x.x)",
		    file, s, ECRA_MANIFEST_MAX_MAJOR);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Schema                                                                  */

typedef struct {
	const char *file;
	ecra_buf field; /* the JSON path being checked */
} ctx;

static int bad(ctx *c, const char *what, const ecra_json *v)
{
	return ecra_error_set(ECRA_EINVALID,
	    "invalid asset manifest '%s': '%s' must be %s, got %s", c->file,
	    c->field.ptr, what, type_name(v));
}

/* Set the field path to the concatenation of the strings up to NULL. */
static int set_field(ctx *c, ...)
{
	va_list ap;
	const char *s;
	int error = 0;

	ecra_buf_clear(&c->field);
	va_start(ap, c);
	while (error == 0 && (s = va_arg(ap, const char *)) != NULL)
		error = ecra_buf_puts(&c->field, s);
	va_end(ap);
	return error;
}

/* An optional string field (NULL if absent). */
static int opt_string(ctx *c, const ecra_json *obj, const char *key,
    const char *prefix, const char **out)
{
	ecra_json *v = ecra_json_get(obj, key);
	int error;

	*out = NULL;
	if (v == NULL)
		return 0;
	if ((error = set_field(c, prefix, ".", key, NULL)) < 0)
		return error;
	if (!is_type(v, ECRA_JSON_STRING))
		return bad(c, "a string", v);
	*out = ecra_json_string(v);
	return 0;
}

/* Count the string pairs of an optional string map, checking types. */
static int check_map(ctx *c, const ecra_json *obj, const char *key,
    const char *prefix, size_t *count)
{
	ecra_json *v = ecra_json_get(obj, key);
	void *it;
	int error;

	*count = 0;
	if (v == NULL)
		return 0;
	if ((error = set_field(c, prefix, ".", key, NULL)) < 0)
		return error;
	if (!is_type(v, ECRA_JSON_OBJECT))
		return bad(c, "an object of strings", v);
	for (it = ecra_json_iter(v); it; it = ecra_json_iter_next(v, it)) {
		if (!is_type(ecra_json_iter_value(it), ECRA_JSON_STRING)) {
			if ((error = set_field(c, prefix, ".", key, ".",
			         ecra_json_iter_key(it), NULL)) < 0)
				return error;
			return bad(c, "a string", ecra_json_iter_value(it));
		}
		(*count)++;
	}
	return 0;
}

static int fill_map(const ecra_json *map, ecra_docker_kv *kv)
{
	okey *keys = NULL;
	size_t n, i;
	int error;

	if ((error = ordered_keys(map, &keys, &n)) < 0)
		return error;
	for (i = 0; i < n; i++) {
		kv[i].key = keys[i].key;
		kv[i].value = ecra_json_string(keys[i].value);
	}
	ecra_free(keys);
	return 0;
}

static int check_cache(
    ctx *c, const ecra_json *v, const char *field, size_t *params)
{
	ecra_json *t, *p;
	void *it;
	int error;

	*params = 0;
	if ((error = set_field(c, field, NULL)) < 0)
		return error;
	if (!is_type(v, ECRA_JSON_OBJECT))
		return bad(c, "an object", v);
	t = ecra_json_get(v, "type");
	p = ecra_json_get(v, "params");
	if ((error = set_field(c, field, ".type", NULL)) < 0)
		return error;
	if (!is_type(t, ECRA_JSON_STRING))
		return bad(c, "a string", t);
	if (p == NULL)
		return 0;
	if ((error = set_field(c, field, ".params", NULL)) < 0)
		return error;
	if (!is_type(p, ECRA_JSON_OBJECT))
		return bad(c, "an object of strings", p);
	for (it = ecra_json_iter(p); it; it = ecra_json_iter_next(p, it)) {
		if (!is_type(ecra_json_iter_value(it), ECRA_JSON_STRING)) {
			if ((error = set_field(c, field, ".params.",
			         ecra_json_iter_key(it), NULL)) < 0)
				return error;
			return bad(c, "a string", ecra_json_iter_value(it));
		}
		(*params)++;
	}
	return 0;
}

static void asset_free(ecra_pub_asset *a)
{
	if (a == NULL)
		return;
	ecra_free(a->directory);
	ecra_free((void *)a->executable);
	ecra_free(a->kvs);
	ecra_free(a->caches);
	ecra_free((void *)a->outputs);
	ecra_free(a->local_tag);
	ecra_free(a);
}

/* Parse `source` of asset `a` (already type-checked as an object). */
static int load_source(
    ctx *c, ecra_pub_asset *a, const ecra_json *src, const char *pfx)
{
	ecra_docker_build_args *b = &a->build;
	ecra_json *v, *cf, *ct;
	size_t nargs, nctx, nsec, ncf = 0, ntotal, i, k, nparams;
	const char *dir = NULL;
	int error;

	/* executable wins over directory (observed upstream). */
	if ((v = ecra_json_get(src, "executable")) != NULL) {
		if ((error = set_field(c, pfx, ".executable", NULL)) < 0)
			return error;
		if (!is_type(v, ECRA_JSON_ARRAY) || ecra_json_size(v) == 0)
			return bad(c, "a non-empty array of strings", v);
		a->executable =
		    ecra_calloc(ecra_json_size(v) + 1, sizeof(char *));
		if (a->executable == NULL)
			return ECRA_ENOMEM;
		for (i = 0; i < ecra_json_size(v); i++) {
			if (!is_type(ecra_json_at(v, i), ECRA_JSON_STRING)) {
				char idx[24];

				snprintf(idx, sizeof(idx), "%zu", i);
				if ((error = set_field(c, pfx, ".executable[",
				         idx, "]", NULL)) < 0)
					return error;
				return bad(c, "a string", ecra_json_at(v, i));
			}
			a->executable[i] = ecra_json_string(ecra_json_at(v, i));
		}
	}
	if ((error = opt_string(c, src, "directory", pfx, &dir)) < 0)
		return error;
	if (a->executable == NULL) {
		if (dir == NULL)
			return ecra_error_set(ECRA_EINVALID,
			    "invalid asset manifest '%s': '%s' needs "
			    "'directory' or 'executable'",
			    c->file, pfx);
		if ((a->directory = path_join(a->file->dir, dir)) == NULL)
			return ECRA_ENOMEM;
		normalize(a->directory);
	}
	if ((error = opt_string(c, src, "dockerFile", pfx, &b->file)) < 0 ||
	    (error = opt_string(c, src, "dockerBuildTarget", pfx, &b->target)) <
	        0 ||
	    (error = opt_string(c, src, "dockerBuildSsh", pfx, &b->ssh)) < 0 ||
	    (error = opt_string(c, src, "networkMode", pfx, &b->network)) < 0 ||
	    (error = opt_string(c, src, "platform", pfx, &b->platform)) < 0 ||
	    (error = check_map(c, src, "dockerBuildArgs", pfx, &nargs)) < 0 ||
	    (error = check_map(c, src, "dockerBuildContexts", pfx, &nctx)) <
	        0 ||
	    (error = check_map(c, src, "dockerBuildSecrets", pfx, &nsec)) < 0)
		return error;
	ntotal = nargs + nctx + nsec;

	/* cacheFrom / cacheTo */
	cf = ecra_json_get(src, "cacheFrom");
	ct = ecra_json_get(src, "cacheTo");
	if (cf != NULL) {
		if ((error = set_field(c, pfx, ".cacheFrom", NULL)) < 0)
			return error;
		if (!is_type(cf, ECRA_JSON_ARRAY))
			return bad(c, "an array", cf);
		ncf = ecra_json_size(cf);
	}
	for (i = 0; i < ncf; i++) {
		char f[64];

		snprintf(f, sizeof(f), "%zu", i);
		ecra_buf_clear(&c->field);
		if ((error = ecra_buf_printf(
		         &c->field, "%s.cacheFrom[%s]", pfx, f)) < 0)
			return error;
		{
			char *fname = ecra_strdup(c->field.ptr);

			if (fname == NULL)
				return ECRA_ENOMEM;
			error = check_cache(
			    c, ecra_json_at(cf, i), fname, &nparams);
			ecra_free(fname);
		}
		if (error < 0)
			return error;
		ntotal += nparams;
	}
	if (ct != NULL) {
		char *fname = NULL;

		ecra_buf_clear(&c->field);
		if ((error = ecra_buf_printf(&c->field, "%s.cacheTo", pfx)) < 0)
			return error;
		if ((fname = ecra_strdup(c->field.ptr)) == NULL)
			return ECRA_ENOMEM;
		error = check_cache(c, ct, fname, &nparams);
		ecra_free(fname);
		if (error < 0)
			return error;
		ntotal += nparams;
	}
	if ((v = ecra_json_get(src, "cacheDisabled")) != NULL) {
		if ((error = set_field(c, pfx, ".cacheDisabled", NULL)) < 0)
			return error;
		if (!ecra_json_is_bool(v))
			return bad(c, "a boolean", v);
		b->no_cache = ecra_json_is_true(v);
	}
	if ((v = ecra_json_get(src, "dockerBuildProvenance")) != NULL) {
		if ((error = set_field(
		         c, pfx, ".dockerBuildProvenance", NULL)) < 0)
			return error;
		if (!ecra_json_is_bool(v))
			return bad(c, "a boolean", v);
		a->attestations = ecra_json_is_true(v);
	}
	if ((v = ecra_json_get(src, "dockerOutputs")) != NULL) {
		if ((error = set_field(c, pfx, ".dockerOutputs", NULL)) < 0)
			return error;
		if (!is_type(v, ECRA_JSON_ARRAY))
			return bad(c, "an array of strings", v);
		a->outputs = ecra_calloc(ecra_json_size(v) + 1, sizeof(char *));
		if (a->outputs == NULL)
			return ECRA_ENOMEM;
		for (i = 0; i < ecra_json_size(v); i++) {
			if (!is_type(ecra_json_at(v, i), ECRA_JSON_STRING))
				return bad(c, "an array of strings", v);
			a->outputs[i] = ecra_json_string(ecra_json_at(v, i));
		}
		b->outputs = a->outputs;
		b->output_count = ecra_json_size(v);
	}

	/* Storage for every key/value list, then fill in JS order. */
	if (ntotal > 0 &&
	    (a->kvs = ecra_calloc(ntotal, sizeof(ecra_docker_kv))) == NULL)
		return ECRA_ENOMEM;
	if ((a->caches = ecra_calloc(ncf + 1, sizeof(ecra_docker_cache))) ==
	    NULL)
		return ECRA_ENOMEM;
	k = 0;
	b->build_args = a->kvs;
	b->build_arg_count = nargs;
	if (nargs && (error = fill_map(ecra_json_get(src, "dockerBuildArgs"),
	                  a->kvs + k)) < 0)
		return error;
	k += nargs;
	b->build_contexts = a->kvs ? a->kvs + k : NULL;
	b->build_context_count = nctx;
	if (nctx && (error = fill_map(ecra_json_get(src, "dockerBuildContexts"),
	                 a->kvs + k)) < 0)
		return error;
	k += nctx;
	b->build_secrets = a->kvs ? a->kvs + k : NULL;
	b->build_secret_count = nsec;
	if (nsec && (error = fill_map(ecra_json_get(src, "dockerBuildSecrets"),
	                 a->kvs + k)) < 0)
		return error;
	k += nsec;
	for (i = 0; i <= ncf; i++) {
		ecra_json *cv = i < ncf ? ecra_json_at(cf, i) : ct;
		ecra_json *p;

		if (cv == NULL)
			break;
		p = ecra_json_get(cv, "params");
		a->caches[i].type = ecra_json_string(ecra_json_get(cv, "type"));
		a->caches[i].has_params = p != NULL;
		a->caches[i].params = a->kvs ? a->kvs + k : NULL;
		a->caches[i].param_count = ecra_json_size(p);
		if (p != NULL && ecra_json_size(p) > 0 &&
		    (error = fill_map(p, a->kvs + k)) < 0)
			return error;
		k += ecra_json_size(p);
	}
	b->cache_from = a->caches;
	b->cache_from_count = ncf;
	b->cache_to = ct != NULL ? &a->caches[ncf] : NULL;
	if ((a->local_tag = ecra_docker_local_tag(a->id)) == NULL)
		return ECRA_ENOMEM;
	b->tag = a->local_tag;
	return 0;
}

static int add_entry(ecra_manifest *m, const ecra_pub_entry *e)
{
	if (m->entry_count == m->entry_alloc) {
		size_t n = m->entry_alloc ? m->entry_alloc * 2 : 16;
		ecra_pub_entry *p = ecra_realloc(m->entries, n * sizeof(*p));

		if (p == NULL)
			return ECRA_ENOMEM;
		m->entries = p;
		m->entry_alloc = n;
	}
	m->entries[m->entry_count++] = *e;
	return 0;
}

static int push_asset(ecra_manifest *m, ecra_pub_asset *a)
{
	ecra_pub_asset **p =
	    ecra_realloc(m->assets, (m->asset_count + 1) * sizeof(*p));

	if (p == NULL)
		return ECRA_ENOMEM;
	m->assets = p;
	m->assets[m->asset_count++] = a;
	return 0;
}

/* `s` with each placeholder the publisher replaces (${AWS::AccountId},
 * ${AWS::Region}, ${AWS::Partition}) standing for "0": their values are
 * [a-z0-9-] runs that start and end with a letter or digit, so the result
 * matches the grammars exactly when every resolved name does. */
static int sample_of(ecra_buf *out, const char *s, bool *had)
{
	static const char *const names[] = { "${AWS::AccountId}",
		"${AWS::Region}", "${AWS::Partition}" };
	size_t k;
	int error = 0;

	ecra_buf_clear(out);
	*had = false;
	while (*s && error == 0) {
		for (k = 0; k < 3; k++)
			if (strncmp(s, names[k], strlen(names[k])) == 0)
				break;
		if (k < 3) {
			*had = true;
			error = ecra_buf_putc(out, '0');
			s += strlen(names[k]);
		} else {
			error = ecra_buf_putc(out, *s++);
		}
	}
	return error;
}

/*
 * A destination's repositoryName and imageTag, checked when the manifest
 * loads (before any request): the OCI distribution grammar and ECR's 2-256
 * characters, so that "a/../b", "a?b" or "a#b" is refused here instead of
 * naming another repository's path. Placeholders count as one character
 * (the resolved name is checked again by ecra_pub_check_dest).
 */
static int check_names(ctx *c, const char *dp, const ecra_pub_entry *e)
{
	ecra_buf b = ECRA_BUF_INIT(0);
	bool had;
	int error;

	if ((error = sample_of(&b, e->repository_name, &had)) < 0)
		goto done;
	if (!ecra_registry_repository_valid(b.ptr) ||
	    b.size > ECRA_REGISTRY_REPOSITORY_MAX ||
	    (!had && b.size < ECRA_REGISTRY_REPOSITORY_MIN)) {
		error = ecra_error_set(ECRA_EINVALID,
		    "invalid asset manifest '%s': '%s.repositoryName' is "
		    "'%s', not a repository name: %d to %d characters, "
		    "%s",
		    c->file, dp, e->repository_name,
		    ECRA_REGISTRY_REPOSITORY_MIN, ECRA_REGISTRY_REPOSITORY_MAX,
		    ECRA_REGISTRY_NAME_RULE);
		goto done;
	}
	if ((error = sample_of(&b, e->image_tag, &had)) < 0)
		goto done;
	if (!ecra_registry_tag_valid(b.ptr))
		error = ecra_error_set(ECRA_EINVALID,
		    "invalid asset manifest '%s': '%s.imageTag' is '%s', not "
		    "an image tag: %s",
		    c->file, dp, e->image_tag, ECRA_REGISTRY_TAG_RULE);
done:
	ecra_buf_dispose(&b);
	return error;
}

static int load_destinations(ctx *c, ecra_manifest *m, ecra_pub_asset *a,
    const ecra_json *dests, const char *pfx)
{
	okey *keys = NULL;
	size_t n, i;
	int error;

	if ((error = ordered_keys(dests, &keys, &n)) < 0)
		return error;
	for (i = 0; i < n; i++) {
		ecra_pub_entry e;
		ecra_json *d = keys[i].value, *v;
		char *dp = NULL;
		ecra_buf tmp = ECRA_BUF_INIT(0);

		memset(&e, 0, sizeof(e));
		e.asset = a;
		e.dest_id = keys[i].key;
		e.selected = true;
		if ((error = ecra_buf_printf(
		         &tmp, "%s.destinations.%s", pfx, e.dest_id)) < 0)
			goto next;
		dp = ecra_buf_detach(&tmp);
		if (dp == NULL) {
			error = ECRA_ENOMEM;
			goto next;
		}
		if ((error = set_field(c, dp, NULL)) < 0)
			goto next;
		if (!is_type(d, ECRA_JSON_OBJECT)) {
			error = bad(c, "an object", d);
			goto next;
		}
		if ((error = opt_string(
		         c, d, "repositoryName", dp, &e.repository_name)) < 0 ||
		    (error = opt_string(c, d, "imageTag", dp, &e.image_tag)) <
		        0 ||
		    (error = opt_string(c, d, "region", dp, &e.region)) < 0 ||
		    (error = opt_string(
		         c, d, "assumeRoleArn", dp, &e.assume_role_arn)) < 0 ||
		    (error = opt_string(c, d, "assumeRoleExternalId", dp,
		         &e.assume_role_external_id)) < 0)
			goto next;
		if (e.repository_name == NULL || e.image_tag == NULL) {
			error = ecra_error_set(ECRA_EINVALID,
			    "invalid asset manifest '%s': '%s.%s' is missing",
			    c->file, dp,
			    e.repository_name == NULL ? "repositoryName"
			                              : "imageTag");
			goto next;
		}
		if ((error = check_names(c, dp, &e)) < 0)
			goto next;
		if ((v = ecra_json_get(d, "assumeRoleAdditionalOptions")) !=
		    NULL) {
			if ((error = set_field(c, dp, ".",
			         "assumeRoleAdditionalOptions", NULL)) < 0)
				goto next;
			if (!is_type(v, ECRA_JSON_OBJECT)) {
				error = bad(c, "an object", v);
				goto next;
			}
			e.assume_role_options = v;
		}
		error = add_entry(m, &e);
	next:
		ecra_free(dp);
		ecra_buf_dispose(&tmp);
		if (error < 0)
			break;
	}
	ecra_free(keys);
	return error;
}

static int load_images(ctx *c, ecra_manifest *m, ecra_pub_file *f)
{
	ecra_json *images = ecra_json_get(f->doc, "dockerImages");
	ecra_json *files = ecra_json_get(f->doc, "files");
	okey *keys = NULL;
	size_t n, i;
	int error = 0;

	if (files != NULL) {
		if ((error = set_field(c, "files", NULL)) < 0)
			return error;
		if (!is_type(files, ECRA_JSON_OBJECT))
			return bad(c, "an object", files);
		m->file_assets += ecra_json_size(files);
	}
	if (images == NULL)
		return 0;
	if ((error = set_field(c, "dockerImages", NULL)) < 0)
		return error;
	if (!is_type(images, ECRA_JSON_OBJECT))
		return bad(c, "an object", images);
	if ((error = ordered_keys(images, &keys, &n)) < 0)
		return error;
	for (i = 0; i < n && error == 0; i++) {
		ecra_json *img = keys[i].value, *src, *dests, *dn;
		ecra_pub_asset *a = NULL;
		char *pfx = NULL;
		ecra_buf tmp = ECRA_BUF_INIT(0);

		if ((error = ecra_buf_printf(
		         &tmp, "dockerImages.%s", keys[i].key)) < 0 ||
		    (pfx = ecra_buf_detach(&tmp)) == NULL) {
			error = error < 0 ? error : ECRA_ENOMEM;
			goto next;
		}
		if ((error = set_field(c, pfx, NULL)) < 0)
			goto next;
		if (!is_type(img, ECRA_JSON_OBJECT)) {
			error = bad(c, "an object", img);
			goto next;
		}
		src = ecra_json_get(img, "source");
		dests = ecra_json_get(img, "destinations");
		if ((error = set_field(c, pfx, ".source", NULL)) < 0)
			goto next;
		if (!is_type(src, ECRA_JSON_OBJECT)) {
			error = src == NULL
			            ? ecra_error_set(ECRA_EINVALID,
			                  "invalid asset manifest '%s': "
			                  "'%s' is missing",
			                  c->file, c->field.ptr)
			            : bad(c, "an object", src);
			goto next;
		}
		if ((error = set_field(c, pfx, ".destinations", NULL)) < 0)
			goto next;
		if (!is_type(dests, ECRA_JSON_OBJECT)) {
			error = dests == NULL
			            ? ecra_error_set(ECRA_EINVALID,
			                  "invalid asset manifest '%s': "
			                  "'%s' is missing",
			                  c->file, c->field.ptr)
			            : bad(c, "an object", dests);
			goto next;
		}
		if ((a = ecra_calloc(1, sizeof(*a))) == NULL) {
			error = ECRA_ENOMEM;
			goto next;
		}
		a->id = keys[i].key;
		a->file = f;
		if ((dn = ecra_json_get(img, "displayName")) != NULL) {
			if ((error = set_field(c, pfx, ".displayName", NULL)) <
			    0)
				goto next;
			if (!is_type(dn, ECRA_JSON_STRING)) {
				error = bad(c, "a string", dn);
				goto next;
			}
			a->display_name = ecra_json_string(dn);
		}
		{
			char *spfx = NULL;
			ecra_buf t2 = ECRA_BUF_INIT(0);

			if ((error = ecra_buf_printf(&t2, "%s.source", pfx)) <
			        0 ||
			    (spfx = ecra_buf_detach(&t2)) == NULL) {
				error = error < 0 ? error : ECRA_ENOMEM;
				goto next;
			}
			error = load_source(c, a, src, spfx);
			ecra_free(spfx);
			if (error < 0)
				goto next;
		}
		if ((error = push_asset(m, a)) < 0)
			goto next;
		a = NULL;
		error = load_destinations(
		    c, m, m->assets[m->asset_count - 1], dests, pfx);
	next:
		asset_free(a);
		ecra_free(pfx);
		ecra_buf_dispose(&tmp);
	}
	ecra_free(keys);
	return error;
}

/* ---------------------------------------------------------------------- */
/* Files and assemblies                                                    */

static void file_free(ecra_pub_file *f)
{
	if (f == NULL)
		return;
	ecra_free(f->path);
	ecra_free(f->dir);
	ecra_free(f->stack);
	ecra_strvec_dispose(&f->names);
	ecra_json_free(f->doc);
	ecra_free(f);
}

/* Load one *.assets.json; `names` (may be NULL) select it with --stack. */
static int load_assets_file(ecra_manifest *m, const char *path,
    const char *stack, const ecra_strvec *names)
{
	ecra_pub_file *f = NULL;
	ecra_pub_file **files;
	ctx c = { .file = path, .field = ECRA_BUF_INIT(0) };
	size_t first_asset = m->asset_count, first_entry = m->entry_count, i;
	const char *base;
	int error;

	if ((f = ecra_calloc(1, sizeof(*f))) == NULL)
		return ECRA_ENOMEM;
	if ((f->path = absolute(path)) == NULL ||
	    (f->dir = dirname_of(f->path)) == NULL ||
	    (stack != NULL && (f->stack = ecra_strdup(stack)) == NULL)) {
		error = ECRA_ENOMEM;
		goto done;
	}
	for (i = 0; names != NULL && i < names->count; i++)
		if ((error = ecra_strvec_push(&f->names, names->items[i])) < 0)
			goto done;
	/* A plain file is also selected by its stem: <Stack>.assets.json. */
	base = strrchr(f->path, '/') + 1;
	if (strlen(base) > 12 &&
	    strcmp(base + strlen(base) - 12, ".assets.json") == 0 &&
	    (error = ecra_strvec_pushn(&f->names, base, strlen(base) - 12)) < 0)
		goto done;
	if ((error = ecra_json_load_file(&f->doc, path, 0, 0)) < 0) {
		if (error == ECRA_EINVALID)
			error = ecra_error_wrap("cannot read asset manifest");
		goto done;
	}
	if (ecra_json_typeof(f->doc) != ECRA_JSON_OBJECT) {
		error = ecra_error_set(ECRA_EINVALID,
		    "invalid asset manifest '%s': expected a JSON object, got "
		    "%s",
		    path, type_name(f->doc));
		goto done;
	}
	if ((error = check_version(f->doc, path)) < 0)
		goto done;
	if ((files = ecra_realloc(
	         m->files, (m->file_count + 1) * sizeof(*files))) == NULL) {
		error = ECRA_ENOMEM;
		goto done;
	}
	m->files = files;
	m->files[m->file_count++] = f;
	if ((error = load_images(&c, m, f)) < 0) {
		/* Roll back this file's assets and entries. */
		for (i = first_asset; i < m->asset_count; i++)
			asset_free(m->assets[i]);
		m->asset_count = first_asset;
		m->entry_count = first_entry;
		m->file_count--;
		goto done;
	}
	f = NULL;
done:
	file_free(f);
	ecra_buf_dispose(&c.field);
	return error;
}

static bool has_string(const ecra_json *arr, const char *s)
{
	size_t i;

	for (i = 0; i < ecra_json_size(arr); i++)
		if (ecra_json_string(ecra_json_at(arr, i)) != NULL &&
		    strcmp(ecra_json_string(ecra_json_at(arr, i)), s) == 0)
			return true;
	return false;
}

static int load_assembly(ecra_manifest *m, const char *dir, int depth)
{
	ecra_buf path = ECRA_BUF_INIT(0);
	ecra_json *doc = NULL, *arts;
	okey *keys = NULL;
	size_t n = 0, i, j;
	int error;

	if (depth > 16)
		return ecra_error_set(
		    ECRA_EINVALID, "cloud assembly '%s' nests too deeply", dir);
	if ((error = ecra_buf_printf(&path, "%s/manifest.json", dir)) < 0)
		goto done;
	if ((error = ecra_json_load_file(&doc, path.ptr, 0, 0)) < 0) {
		if (error == ECRA_EINVALID)
			error = ecra_error_wrap("cannot read cloud assembly");
		goto done;
	}
	if (ecra_json_typeof(doc) != ECRA_JSON_OBJECT) {
		error = ecra_error_set(ECRA_EINVALID,
		    "invalid cloud assembly '%s': expected a JSON object",
		    path.ptr);
		goto done;
	}
	if ((error = check_version(doc, path.ptr)) < 0)
		goto done;
	arts = ecra_json_get(doc, "artifacts");
	if (arts == NULL)
		goto done;
	if (!is_type(arts, ECRA_JSON_OBJECT)) {
		error = ecra_error_set(ECRA_EINVALID,
		    "invalid cloud assembly '%s': 'artifacts' must be an "
		    "object, got %s",
		    path.ptr, type_name(arts));
		goto done;
	}
	if ((error = ordered_keys(arts, &keys, &n)) < 0)
		goto done;
	for (i = 0; i < n && error == 0; i++) {
		ecra_json *art = keys[i].value;
		const char *type = ecra_json_string(ecra_json_get(art, "type"));
		ecra_json *props = ecra_json_get(art, "properties");
		const char *file;
		ecra_strvec names = ECRA_STRVEC_INIT;
		const char *stack = NULL;
		char *full = NULL;

		if (type == NULL)
			continue;
		if (strcmp(type, "cdk:cloud-assembly") == 0) {
			const char *sub = ecra_json_string(
			    ecra_json_get(props, "directoryName"));

			if (sub == NULL) {
				error = ecra_error_set(ECRA_EINVALID,
				    "invalid cloud assembly '%s': "
				    "'artifacts.%s.properties.directoryName' "
				    "must be a string",
				    path.ptr, keys[i].key);
				break;
			}
			if ((full = path_join(dir, sub)) == NULL) {
				error = ECRA_ENOMEM;
				break;
			}
			error = load_assembly(m, full, depth + 1);
			ecra_free(full);
			continue;
		}
		if (strcmp(type, "cdk:asset-manifest") != 0)
			continue;
		file = ecra_json_string(ecra_json_get(props, "file"));
		if (file == NULL) {
			error = ecra_error_set(ECRA_EINVALID,
			    "invalid cloud assembly '%s': "
			    "'artifacts.%s.properties.file' must be a string",
			    path.ptr, keys[i].key);
			break;
		}
		/* The owning stack lists this artifact as a dependency. */
		for (j = 0; j < n; j++) {
			ecra_json *sa = keys[j].value;
			const char *st =
			    ecra_json_string(ecra_json_get(sa, "type"));
			const char *v;

			if (st == NULL ||
			    strcmp(st, "aws:cloudformation:stack") != 0 ||
			    !has_string(
			        ecra_json_get(sa, "dependencies"), keys[i].key))
				continue;
			stack = keys[j].key;
			if ((error = ecra_strvec_push(&names, stack)) < 0)
				break;
			v = ecra_json_string(ecra_json_get(
			    ecra_json_get(sa, "properties"), "stackName"));
			if (v != NULL &&
			    (error = ecra_strvec_push(&names, v)) < 0)
				break;
			v = ecra_json_string(ecra_json_get(sa, "displayName"));
			if (v != NULL &&
			    (error = ecra_strvec_push(&names, v)) < 0)
				break;
			break;
		}
		if (error == 0 && stack == NULL) {
			size_t kl = strlen(keys[i].key);

			if (kl > 7 &&
			    strcmp(keys[i].key + kl - 7, ".assets") == 0)
				error = ecra_strvec_pushn(
				    &names, keys[i].key, kl - 7);
		}
		if (error == 0 && (full = path_join(dir, file)) == NULL)
			error = ECRA_ENOMEM;
		if (error == 0)
			error = load_assets_file(m, full, stack, &names);
		ecra_free(full);
		ecra_strvec_dispose(&names);
	}
done:
	ecra_free(keys);
	ecra_json_free(doc);
	ecra_buf_dispose(&path);
	return error;
}

/* ---------------------------------------------------------------------- */
/* Public API                                                              */

int ecra_manifest_new(ecra_manifest **out)
{
	ECRA_ASSERT_ARG(out);
	if ((*out = ecra_calloc(1, sizeof(**out))) == NULL)
		return ECRA_ENOMEM;
	return 0;
}

static int reselect_all(ecra_manifest *m)
{
	size_t i, n = 0;
	size_t *sel = ecra_calloc(m->entry_count + 1, sizeof(size_t));

	if (sel == NULL)
		return ECRA_ENOMEM;
	for (i = 0; i < m->entry_count; i++)
		if (m->entries[i].selected)
			sel[n++] = i;
	ecra_free(m->selected);
	m->selected = sel;
	m->selected_count = n;
	return 0;
}

int ecra_manifest_load(ecra_manifest *m, const char *path)
{
	struct stat st;
	ecra_buf p = ECRA_BUF_INIT(0);
	int error;

	ECRA_ASSERT_ARG(m);
	ECRA_ASSERT_ARG(path);
	if (stat(path, &st) != 0)
		return ecra_error_set_os(ecra_error_from_errno(errno),
		    "cannot read asset manifest at '%s'", path);
	if (S_ISDIR(st.st_mode)) {
		if ((error = ecra_buf_printf(&p, "%s/manifest.json", path)) < 0)
			goto done;
		if (stat(p.ptr, &st) == 0) {
			error = load_assembly(m, path, 0);
			goto done;
		}
		ecra_buf_clear(&p);
		if ((error = ecra_buf_printf(&p, "%s/assets.json", path)) < 0)
			goto done;
		if (stat(p.ptr, &st) != 0) {
			error = ecra_error_set(ECRA_ENOTFOUND,
			    "'%s' holds neither a cloud assembly "
			    "(manifest.json) "
			    "nor an assets.json",
			    path);
			goto done;
		}
		error = load_assets_file(m, p.ptr, NULL, NULL);
	} else {
		error = load_assets_file(m, path, NULL, NULL);
	}
done:
	ecra_buf_dispose(&p);
	if (error == 0)
		error = reselect_all(m);
	return error;
}

static bool part_matches(const char *pat, size_t len, const char *value)
{
	if (len == 0 || (len == 1 && pat[0] == '*'))
		return true;
	return strlen(value) == len && memcmp(pat, value, len) == 0;
}

static bool pattern_matches(const char *pat, const ecra_pub_entry *e)
{
	const char *colon = strchr(pat, ':');

	if (colon == NULL)
		return part_matches(pat, strlen(pat), e->asset->id);
	return part_matches(pat, (size_t)(colon - pat), e->asset->id) &&
	       part_matches(colon + 1, strlen(colon + 1), e->dest_id);
}

static bool stack_matches(const char *name, const ecra_pub_file *f)
{
	return ecra_strvec_contains(&f->names, name);
}

int ecra_manifest_select(ecra_manifest *m, const char *const *patterns,
    size_t pattern_count, const char *const *stacks, size_t stack_count)
{
	size_t i, j;
	const char *c;

	ECRA_ASSERT_ARG(m);
	for (j = 0; j < pattern_count; j++) {
		if (patterns[j][0] == '\0')
			return ecra_error_set(ECRA_EINVALID,
			    "empty string is not a valid asset identifier");
		if ((c = strchr(patterns[j], ':')) != NULL &&
		    strchr(c + 1, ':') != NULL)
			return ecra_error_set(ECRA_EINVALID,
			    "asset identifier must contain at most 2 "
			    "':'-separated parts, got '%s'",
			    patterns[j]);
	}
	for (j = 0; j < stack_count; j++) {
		bool any = false;

		for (i = 0; i < m->file_count && !any; i++)
			any = stack_matches(stacks[j], m->files[i]);
		if (!any)
			return ecra_error_set(ECRA_ENOTFOUND,
			    "no asset manifest belongs to stack '%s'",
			    stacks[j]);
	}
	for (j = 0; j < pattern_count; j++) {
		bool any = false;

		for (i = 0; i < m->entry_count && !any; i++)
			any = pattern_matches(patterns[j], &m->entries[i]);
		if (!any)
			return ecra_error_set(ECRA_ENOTFOUND,
			    "no docker image asset matches '%s'", patterns[j]);
	}
	for (i = 0; i < m->entry_count; i++) {
		ecra_pub_entry *e = &m->entries[i];
		bool ok = pattern_count == 0, sok = stack_count == 0;

		for (j = 0; j < pattern_count && !ok; j++)
			ok = pattern_matches(patterns[j], e);
		for (j = 0; j < stack_count && !sok; j++)
			sok = stack_matches(stacks[j], e->asset->file);
		e->selected = ok && sok;
	}
	return reselect_all(m);
}

size_t ecra_manifest_count(const ecra_manifest *m)
{
	return m == NULL ? 0 : m->selected_count;
}

size_t ecra_manifest_file_asset_count(const ecra_manifest *m)
{
	return m == NULL ? 0 : m->file_assets;
}

ecra_pub_entry *ecra_manifest_entry_at(const ecra_manifest *m, size_t i)
{
	return &m->entries[m->selected[i]];
}

int ecra_manifest_get(
    const ecra_manifest *m, size_t i, ecra_manifest_entry *out)
{
	const ecra_pub_entry *e;

	ECRA_ASSERT_ARG(m);
	ECRA_ASSERT_ARG(out);
	if (i >= m->selected_count)
		return ecra_error_set(ECRA_EINVALID,
		    "entry %zu is out of range (%zu entries)", i,
		    m->selected_count);
	e = ecra_manifest_entry_at(m, i);
	memset(out, 0, sizeof(*out));
	out->asset_id = e->asset->id;
	out->destination_id = e->dest_id;
	out->display_name = e->asset->display_name;
	out->manifest_path = e->asset->file->path;
	out->stack = e->asset->file->stack;
	out->repository_name = e->repository_name;
	out->image_tag = e->image_tag;
	out->region = e->region;
	out->assume_role_arn = e->assume_role_arn;
	out->directory = e->asset->directory;
	out->executable = e->asset->executable;
	return 0;
}

void ecra_manifest_free(ecra_manifest *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->asset_count; i++)
		asset_free(m->assets[i]);
	for (i = 0; i < m->file_count; i++)
		file_free(m->files[i]);
	ecra_free(m->assets);
	ecra_free(m->files);
	ecra_free(m->entries);
	ecra_free(m->selected);
	ecra_free(m);
}
