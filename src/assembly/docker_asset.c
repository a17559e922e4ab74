/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * assembly/docker_asset.c - DockerImageAsset: validation, the exclude
 * list, the extraHash JSON, the fingerprint, and the location the
 * DefaultStackSynthesizer gives every image asset.
 */
#include <string.h>
#include <strings.h>

#include "assembly/assembly.h"
#include "core/alloc.h"
#include "core/error.h"
#include "util/buf.h"

#define DOCKER_IGNORE_FLAG "@aws-cdk/aws-ecr-assets:dockerIgnoreSupport"

void ecra_image_asset_free_(ecra_image_asset *a)
{
	if (a == NULL)
		return;
	ecra_free(a->id);
	ecra_free(a->path);
	ecra_free(a->image_tag);
	ecra_free(a->image_uri);
	ecra_free(a->repository_name);
	ecra_free(a->manifest_key);
	ecra_free(a->staged_path);
	ecra_free(a->display_name);
	ecra_free(a->source_path);
	ecra_free(a->docker_command);
	ecra_strvec_dispose(&a->exclude);
	ecra_free(a->fp_extra);
	ecra_json_free(a->source_extra);
	ecra_json_free(a->metadata);
	ecra_free(a);
}

char *ecra_network_mode_from_container(const char *container_id)
{
	ecra_buf b = ECRA_BUF_INIT(0);

	if (container_id == NULL ||
	    ecra_buf_printf(&b, "container:%s", container_id) < 0) {
		ecra_buf_dispose(&b);
		return NULL;
	}
	return ecra_buf_detach(&b);
}

char *ecra_docker_build_secret_from_src(const char *path)
{
	ecra_buf b = ECRA_BUF_INIT(0);

	if (path == NULL || ecra_buf_printf(&b, "src=%s", path) < 0) {
		ecra_buf_dispose(&b);
		return NULL;
	}
	return ecra_buf_detach(&b);
}

ecra_json *ecra_assembly_kv_object(const ecra_kv *kv, size_t count)
{
	ecra_json *o = ecra_json_object();
	size_t i;

	if (o == NULL)
		return NULL;
	for (i = 0; i < count; i++) {
		if (ecra_json_set_str(o, kv[i].key, kv[i].value) < 0) {
			ecra_json_free(o);
			return NULL;
		}
	}
	return o;
}

static ecra_json *str_array(const char *const *v, size_t count)
{
	ecra_json *a = ecra_json_array();
	size_t i;

	if (a == NULL)
		return NULL;
	for (i = 0; i < count; i++) {
		if (ecra_json_push_new(a, ecra_json_str(v[i])) < 0) {
			ecra_json_free(a);
			return NULL;
		}
	}
	return a;
}

static ecra_json *cache_option(const ecra_docker_cache_option *c)
{
	ecra_json *o = ecra_json_object();

	if (o == NULL)
		return NULL;
	if (ecra_json_set_str(o, "type", c->type ? c->type : "") < 0 ||
	    (c->params &&
	        ecra_json_set_new(o, "params",
	            ecra_assembly_kv_object(c->params, c->params_count)) < 0)) {
		ecra_json_free(o);
		return NULL;
	}
	return o;
}

ecra_json *ecra_assembly_cfnify(const char *s)
{
	ecra_json *o;

	if (strstr(s, "${") == NULL)
		return ecra_json_str(s);
	o = ecra_json_object();
	if (o && ecra_json_set_str(o, "Fn::Sub", s) < 0) {
		ecra_json_free(o);
		return NULL;
	}
	return o;
}

/* A Fn::Join part list that merges adjacent literals. */
typedef struct {
	ecra_json *parts;
	ecra_buf lit;
	int rc;
} join_builder;

static void join_flush(join_builder *j)
{
	if (j->rc == 0 && j->lit.size > 0) {
		j->rc = ecra_json_push_new(j->parts, ecra_json_str(j->lit.ptr));
		ecra_buf_clear(&j->lit);
	}
}

static void join_push(join_builder *j, ecra_json *v)
{
	if (j->rc < 0 || v == NULL) {
		ecra_json_free(v);
		j->rc = ECRA_ENOMEM;
		return;
	}
	if (ecra_json_typeof(v) == ECRA_JSON_STRING) {
		if (ecra_buf_puts(&j->lit, ecra_json_string(v)) < 0)
			j->rc = ECRA_ENOMEM;
		ecra_json_free(v);
		return;
	}
	join_flush(j);
	if (j->rc == 0)
		j->rc = ecra_json_push_new(j->parts, v);
	else
		ecra_json_free(v);
}

static ecra_json *ref(const char *name)
{
	ecra_json *o = ecra_json_object();

	if (o && ecra_json_set_str(o, "Ref", name) < 0) {
		ecra_json_free(o);
		return NULL;
	}
	return o;
}

ecra_json *ecra_assembly_repository_arn(const ecra_image_asset *asset)
{
	const ecra_stack *s = asset->stack;
	join_builder j = { .parts = ecra_json_array(),
		.lit = ECRA_BUF_INIT(0) };
	ecra_json *outer = NULL, *join = NULL, *res = NULL;

	if (j.parts == NULL)
		goto done;
	join_push(&j, ecra_json_str("arn:"));
	join_push(&j, ref("AWS::Partition"));
	join_push(&j, ecra_json_str(":ecr:"));
	join_push(
	    &j, s->region ? ecra_json_str(s->region) : ref("AWS::Region"));
	join_push(&j, ecra_json_str(":"));
	join_push(
	    &j, s->account ? ecra_json_str(s->account) : ref("AWS::AccountId"));
	join_push(&j, ecra_json_str(":repository/"));
	join_push(&j, ecra_assembly_cfnify(asset->repository_name));
	join_flush(&j);
	if (j.rc < 0)
		goto done;
	outer = ecra_json_array();
	join = ecra_json_object();
	if (outer == NULL || join == NULL ||
	    ecra_json_push_new(outer, ecra_json_str("")) < 0 ||
	    ecra_json_push(outer, j.parts) < 0 ||
	    ecra_json_set(join, "Fn::Join", outer) < 0)
		goto done;
	res = join;
	join = NULL;
done:
	ecra_buf_dispose(&j.lit);
	ecra_json_free(j.parts);
	ecra_json_free(outer);
	ecra_json_free(join);
	if (res == NULL)
		ecra_error_set(ECRA_ENOMEM, "out of memory");
	return res;
}

const char *ecra_assembly_staged_ext(const char *path)
{
	static const char *const known[] = { ".tar.gz", ".zip", ".jar", ".tar",
		".tgz" };
	const char *base = ecra_path_basename(path);
	size_t n = strlen(path), i, k;
	const char *dot;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		k = strlen(known[i]);
		if (n >= k && strncasecmp(path + n - k, known[i], k) == 0)
			return known[i];
	}
	dot = strrchr(base, '.');
	if (dot == NULL || dot == base)
		return "";
	return dot;
}

int ecra_assembly_set_staged_path(ecra_image_asset *a)
{
	ecra_json *off = ecra_assembly_context(
	    a->stack->app, "aws:cdk:disable-asset-staging");
	ecra_buf b = ECRA_BUF_INIT(0);

	a->staging_disabled = off && ecra_json_is_true(off);
	if (!a->staging_disabled) {
		if (ecra_buf_printf(&b, "asset.%s%s", a->hash,
		        ecra_assembly_staged_ext(a->source_path)) < 0) {
			ecra_buf_dispose(&b);
			return ecra_error_set(ECRA_ENOMEM, "out of memory");
		}
		a->staged_path = ecra_buf_detach(&b);
	} else if (a->kind == ECRA_IMAGE_ASSET_DOCKER) {
		a->staged_path = ecra_strdup(a->source_path);
	} else {
		a->staged_path =
		    ecra_path_relative(a->stack->app->outdir, a->source_path);
	}
	return a->staged_path ? 0
	                      : ecra_error_set(ECRA_ENOMEM, "out of memory");
}

int ecra_assembly_asset_locate(ecra_image_asset *a, const char *asset_name)
{
	const ecra_stack *s = a->stack;
	ecra_buf b = ECRA_BUF_INIT(0);
	int rc = ECRA_ENOMEM;

	if (ecra_buf_printf(&b, "%s%s", s->docker_tag_prefix, a->hash) < 0)
		goto done;
	a->image_tag = ecra_buf_detach(&b);
	a->repository_name = ecra_strdup(s->repository_name);
	if (a->image_tag == NULL || a->repository_name == NULL)
		goto done;
	if (ecra_buf_printf(&b, "%s.dkr.ecr.%s.${AWS::URLSuffix}/%s:%s",
	        s->account ? s->account : "${AWS::AccountId}",
	        s->region ? s->region : "${AWS::Region}", a->repository_name,
	        a->image_tag) < 0)
		goto done;
	a->image_uri = ecra_buf_detach(&b);
	if (asset_name)
		rc = ecra_buf_printf(&b, "%s-%s", asset_name, a->hash);
	else
		rc = ecra_buf_puts(&b, a->hash);
	if (rc < 0)
		goto done;
	a->manifest_key = ecra_buf_detach(&b);
	rc = a->image_uri && a->manifest_key ? 0 : ECRA_ENOMEM;
done:
	ecra_buf_dispose(&b);
	if (rc < 0)
		ecra_error_set(ECRA_ENOMEM, "out of memory");
	return rc;
}

int ecra_assembly_asset_attach(ecra_stack *stack, ecra_image_asset *a,
    const char *display_name, const char *asset_name)
{
	int rc;

	if ((a->display_name = ecra_strdup(display_name)) == NULL)
		return ecra_error_set(ECRA_ENOMEM, "out of memory");
	if ((rc = ecra_assembly_asset_locate(a, asset_name)) < 0)
		return rc;
	return ecra_assembly_add_child(
	    stack, (ecra_child){ .kind = CHILD_ASSET, .u.asset = a });
}

static bool invalidates(ecra_tristate t)
{
	return t != ECRA_FALSE;
}

int ecra_assembly_docker_extra_hash(
    char **out, const ecra_docker_image_asset_options *o)
{
	const ecra_docker_invalidation *inv = &o->invalidation;
	ecra_json *h = ecra_json_object(), *v;
	ecra_buf b = ECRA_BUF_INIT(0);
	int rc = ECRA_ENOMEM;

	*out = NULL;
	if (h == NULL)
		goto done;
#define ADD(key, cond, val)                                   \
	do {                                                  \
		if (cond) {                                   \
			v = (val);                            \
			if (ecra_json_set_new(h, key, v) < 0) \
				goto done;                    \
		}                                             \
	} while (0)
	ADD("user",
	    o->extra_hash && *o->extra_hash && invalidates(inv->extra_hash),
	    ecra_json_str(o->extra_hash));
	ADD("buildArgs", o->build_args && invalidates(inv->build_args),
	    ecra_assembly_kv_object(o->build_args, o->build_args_count));
	ADD("buildContexts",
	    o->build_contexts && invalidates(inv->build_contexts),
	    ecra_assembly_kv_object(
	        o->build_contexts, o->build_contexts_count));
	ADD("buildSecrets", o->build_secrets && invalidates(inv->build_secrets),
	    ecra_assembly_kv_object(o->build_secrets, o->build_secrets_count));
	ADD("buildSsh",
	    o->build_ssh && *o->build_ssh && invalidates(inv->build_ssh),
	    ecra_json_str(o->build_ssh));
	ADD("target", o->target && *o->target && invalidates(inv->target),
	    ecra_json_str(o->target));
	ADD("file", o->file && *o->file && invalidates(inv->file),
	    ecra_json_str(o->file));
	ADD("repositoryName",
	    o->repository_name && *o->repository_name &&
	        invalidates(inv->repository_name),
	    ecra_json_str(o->repository_name));
	if (o->network_mode && invalidates(inv->network_mode)) {
		v = ecra_json_object();
		if (v == NULL ||
		    ecra_json_set_str(v, "mode", o->network_mode) < 0 ||
		    ecra_json_set_new(h, "networkMode", v) < 0) {
			if (v && ecra_json_get(h, "networkMode") != v)
				ecra_json_free(v);
			goto done;
		}
	}
	if (o->platform && invalidates(inv->platform)) {
		v = ecra_json_object();
		if (v == NULL ||
		    ecra_json_set_str(v, "platform", o->platform) < 0 ||
		    ecra_json_set_new(h, "platform", v) < 0) {
			if (v && ecra_json_get(h, "platform") != v)
				ecra_json_free(v);
			goto done;
		}
	}
	ADD("outputs", o->outputs && invalidates(inv->outputs),
	    str_array(o->outputs, o->outputs_count));
#undef ADD
	if (ecra_json_set_str(h, "version", "1.21.0") < 0)
		goto done;
	if ((rc = ecra_json_write(&b, h, 0)) < 0)
		goto done;
	*out = ecra_buf_detach(&b);
	rc = *out ? 0 : ECRA_ENOMEM;
done:
	ecra_json_free(h);
	ecra_buf_dispose(&b);
	if (rc == ECRA_ENOMEM)
		ecra_error_set(ECRA_ENOMEM, "out of memory");
	return rc;
}

/* The salt from @aws-cdk/core:assetHashSalt as JS's "" + value. */
static int salt_string(ecra_buf *b, const ecra_app *app)
{
	ecra_json *v =
	    ecra_assembly_context(app, "@aws-cdk/core:assetHashSalt");

	if (v == NULL || ecra_json_typeof(v) == ECRA_JSON_NULL)
		return 0;
	if (ecra_json_typeof(v) == ECRA_JSON_STRING)
		return ecra_buf_puts(b, ecra_json_string(v));
	if (ecra_json_typeof(v) == ECRA_JSON_BOOL)
		return ecra_json_is_true(v) ? ecra_buf_puts(b, "true") : 0;
	return ecra_json_write(b, v, 0);
}

int ecra_assembly_fingerprint_asset(ecra_image_asset *a, const char *path,
    const char *extra_hash, bool has_mode)
{
	ecra_fingerprint_options fo = ECRA_FINGERPRINT_OPTIONS_INIT;
	ecra_buf extra = ECRA_BUF_INIT(0);
	int rc;

	if (extra_hash && ecra_buf_puts(&extra, extra_hash) < 0) {
		rc = ECRA_ENOMEM;
		goto done;
	}
	if ((rc = salt_string(&extra, a->stack->app)) < 0)
		goto done;
	fo.exclude = (const char *const *)a->exclude.items;
	fo.exclude_count = a->exclude.count;
	fo.ignore_mode = has_mode ? a->ignore_mode : ECRA_IGNORE_GLOB;
	fo.follow = a->follow;
	fo.extra_hash = extra.ptr;
	fo.threads = a->stack->app->threads;
	fo.cancel = a->stack->app->cancel;
	rc = ecra_fingerprint(a->hash, path, &fo);
	if (rc == 0) {
		ecra_free(a->fp_extra);
		a->fp_extra = ecra_buf_detach(&extra);
		a->fp_has_mode = has_mode;
	}
done:
	ecra_buf_dispose(&extra);
	return rc;
}

int ecra_image_asset_fingerprint_options(ecra_fingerprint_options *out,
    const char **path_out, const ecra_image_asset *asset)
{
	ECRA_ASSERT_ARG(out);
	ECRA_ASSERT_ARG(asset);
	ECRA_CHECK_VERSION(
	    out, ECRA_FINGERPRINT_OPTIONS_VERSION, ecra_fingerprint_options);
	out->exclude = (const char *const *)asset->exclude.items;
	out->exclude_count = asset->exclude.count;
	out->ignore_mode =
	    asset->fp_has_mode ? asset->ignore_mode : ECRA_IGNORE_GLOB;
	out->follow = asset->follow;
	out->extra_hash = asset->fp_extra;
	out->threads = asset->stack->app->threads;
	if (path_out != NULL)
		*path_out = asset->source_path;
	return 0;
}

static bool context_flag_true(const ecra_json *v)
{
	if (ecra_json_is_bool(v))
		return ecra_json_is_true(v);
	if (ecra_json_typeof(v) == ECRA_JSON_STRING)
		return strcmp(ecra_json_string(v), "true") == 0;
	return false;
}

static int read_dockerignore(ecra_strvec *out, const char *dir)
{
	ecra_buf b = ECRA_BUF_INIT(0);
	char *path = NULL;
	const char *s, *e;
	int rc = 0;

	path = ecra_path_join(dir, ".dockerignore");
	if (path == NULL)
		return ECRA_ENOMEM;
	if (!ecra_path_exists(path))
		goto done;
	if ((rc = ecra_buf_read_file(&b, path)) < 0)
		goto done;
	s = b.ptr ? b.ptr : "";
	while (*s || s < b.ptr + b.size) {
		e = memchr(s, '\n', (size_t)(b.ptr + b.size - s));
		if (e == NULL)
			e = b.ptr + b.size;
		if (e > s &&
		    (rc = ecra_strvec_pushn(out, s, (size_t)(e - s))) < 0)
			goto done;
		if (e >= b.ptr + b.size)
			break;
		s = e + 1;
	}
	rc = 1;
done:
	ecra_free(path);
	ecra_buf_dispose(&b);
	return rc;
}

int ecra_stack_add_docker_image_asset(ecra_image_asset **out, ecra_stack *stack,
    const char *id, const ecra_docker_image_asset_options *o)
{
	ecra_image_asset *a = NULL;
	ecra_strvec lines = ECRA_STRVEC_INIT;
	char *dir = NULL, *dockerfile = NULL, *extra = NULL;
	ecra_json *flag, *src = NULL;
	ecra_buf b = ECRA_BUF_INIT(0);
	bool has_mode = true, has_dockerignore;
	size_t i;
	int rc;

	if (out)
		*out = NULL;
	ECRA_ASSERT_ARG(stack);
	ECRA_ASSERT_ARG(id);
	ECRA_ASSERT_ARG(o);
	ECRA_CHECK_VERSION(o, ECRA_DOCKER_IMAGE_ASSET_OPTIONS_VERSION,
	    ecra_docker_image_asset_options);
	if ((rc = ecra_assembly_check_child_id(stack, id)) < 0)
		return rc;
	if (o->directory == NULL)
		return ecra_error_set(ECRA_EINVALID,
		    "DockerImageAsset '%s': 'directory' is required", id);
	for (i = 0; i < o->cache_from_count; i++)
		if (o->cache_from[i].type == NULL)
			return ecra_error_set(ECRA_EINVALID,
			    "DockerImageAsset '%s': cacheFrom[%zu].type is "
			    "required",
			    id, i);
	if (o->cache_to && o->cache_to->type == NULL)
		return ecra_error_set(ECRA_EINVALID,
		    "DockerImageAsset '%s': cacheTo.type is required", id);

	a = ecra_calloc(1, sizeof(*a));
	if (a == NULL)
		return ecra_error_set(ECRA_ENOMEM, "out of memory");
	a->stack = stack;
	a->kind = ECRA_IMAGE_ASSET_DOCKER;
	a->id = ecra_strdup(id);
	if (a->id == NULL || ecra_buf_printf(&b, "%s/%s", stack->id, id) < 0) {
		rc = ecra_error_set(ECRA_ENOMEM, "out of memory");
		goto done;
	}
	a->path = ecra_buf_detach(&b);

	/* 2-3: the directory and the Dockerfile must exist. */
	dir = ecra_path_resolve(o->directory);
	if (dir == NULL) {
		rc = ECRA_ENOMEM;
		goto done;
	}
	if (!ecra_path_exists(dir)) {
		rc = ecra_error_set(
		    ECRA_ENOTFOUND, "Cannot find image directory at %s", dir);
		goto done;
	}
	dockerfile =
	    ecra_path_join(dir, o->file && *o->file ? o->file : "Dockerfile");
	if (dockerfile == NULL) {
		rc = ECRA_ENOMEM;
		goto done;
	}
	if (!ecra_path_exists(dockerfile)) {
		rc = ecra_error_set(
		    ECRA_ENOTFOUND, "Cannot find file at %s", dockerfile);
		goto done;
	}

	/* 4: the ignore mode. */
	a->ignore_mode = ECRA_IGNORE_DOCKER;
	flag = ecra_assembly_context(stack->app, DOCKER_IGNORE_FLAG);
	if (flag != NULL) {
		bool on = context_flag_true(flag);

		ecra_assembly_warn(stack->app,
		    "%s: context flag '%s' is set to %s; aws-cdk-lib v2 "
		    "rejects it ('Unsupported feature flag'); the default "
		    "ignore mode is %s",
		    a->path, DOCKER_IGNORE_FLAG, on ? "true" : "false",
		    on ? "docker" : "glob");
		if (!on)
			has_mode = false; /* GLOB, the fingerprint default */
	}
	if (o->has_ignore_mode) {
		a->ignore_mode = o->ignore_mode;
		has_mode = true;
	}
	if (!has_mode)
		a->ignore_mode = ECRA_IGNORE_GLOB;

	/* 5: the exclude list. */
	if ((rc = ecra_strvec_push(&a->exclude, ".is_custom_resource")) < 0)
		goto done;
	if ((rc = read_dockerignore(&lines, dir)) < 0)
		goto done;
	has_dockerignore = rc == 1;
	for (i = 0; i < lines.count; i++)
		if ((rc = ecra_strvec_push(&a->exclude, lines.items[i])) < 0)
			goto done;
	for (i = 0; i < o->exclude_count; i++)
		if ((rc = ecra_strvec_push(&a->exclude, o->exclude[i])) < 0)
			goto done;
	if (has_dockerignore &&
	    (rc = ecra_strvec_push(&a->exclude, "!.dockerignore")) < 0)
		goto done;
	if ((rc = ecra_strvec_pushf(
	         &a->exclude, "!%s", ecra_path_basename(dockerfile))) < 0 ||
	    (rc = ecra_strvec_push(&a->exclude, stack->app->outdir)) < 0 ||
	    (rc = ecra_assembly_exclude_tmp(&a->exclude, dir, stack->app)) < 0)
		goto done;

	/* 6: deprecated repositoryName. */
	if (o->repository_name) {
		static const char msg[] =
		    "DockerImageAsset.repositoryName is deprecated. Override "
		    "\"core.Stack.addDockerImageAsset\" to control asset "
		    "locations [ack: "
		    "@aws-cdk/aws-ecr-assets:repositoryNameDeprecated]";
		ecra_json *e = ecra_json_object();

		a->metadata = ecra_json_array();
		if (e == NULL || a->metadata == NULL ||
		    ecra_json_set_str(e, "type", "aws:cdk:warning") < 0 ||
		    ecra_json_set_str(e, "data", msg) < 0 ||
		    ecra_json_push_new(a->metadata, e) < 0) {
			if (a->metadata == NULL)
				ecra_json_free(e);
			rc = ecra_error_set(ECRA_ENOMEM, "out of memory");
			goto done;
		}
		ecra_assembly_warn(
		    stack->app, "[Warning at /%s] %s", a->path, msg);
	}

	/* 7-8: extraHash and the fingerprint. */
	if ((rc = ecra_assembly_docker_extra_hash(&extra, o)) < 0)
		goto done;
	a->follow = o->has_follow_symlinks ? o->follow_symlinks
	            : o->has_follow        ? o->follow
	                                   : ECRA_FOLLOW_EXTERNAL;
	if ((rc = ecra_assembly_fingerprint_asset(a, dir, extra, has_mode)) < 0)
		goto done;
	a->source_path = dir;
	dir = NULL;
	if ((rc = ecra_assembly_set_staged_path(a)) < 0)
		goto done;

	/* 9: what the synthesizer gets. */
	src = ecra_json_object();
	if (src == NULL) {
		rc = ECRA_ENOMEM;
		goto done;
	}
#define SRC(key, cond, val)                                                \
	do {                                                               \
		if ((cond) && ecra_json_set_new(src, key, (val)) < 0) {    \
			rc = ecra_error_set(ECRA_ENOMEM, "out of memory"); \
			goto done;                                         \
		}                                                          \
	} while (0)
	SRC("dockerBuildArgs", o->build_args,
	    ecra_assembly_kv_object(o->build_args, o->build_args_count));
	SRC("dockerBuildContexts", o->build_contexts,
	    ecra_assembly_kv_object(
	        o->build_contexts, o->build_contexts_count));
	SRC("dockerBuildSecrets", o->build_secrets,
	    ecra_assembly_kv_object(o->build_secrets, o->build_secrets_count));
	SRC("dockerBuildSsh", o->build_ssh, ecra_json_str(o->build_ssh));
	SRC("dockerBuildTarget", o->target, ecra_json_str(o->target));
	SRC("dockerFile", o->file, ecra_json_str(o->file));
	SRC("networkMode", o->network_mode, ecra_json_str(o->network_mode));
	SRC("platform", o->platform, ecra_json_str(o->platform));
	SRC("dockerOutputs", o->outputs,
	    str_array(o->outputs, o->outputs_count));
	if (o->cache_from) {
		ecra_json *arr = ecra_json_array();

		SRC("cacheFrom", true, arr);
		for (i = 0; i < o->cache_from_count; i++)
			if (ecra_json_push_new(
			        arr, cache_option(&o->cache_from[i])) < 0) {
				rc = ecra_error_set(
				    ECRA_ENOMEM, "out of memory");
				goto done;
			}
	}
	SRC("cacheTo", o->cache_to, cache_option(o->cache_to));
	SRC("cacheDisabled", o->cache_disabled != ECRA_UNSET,
	    ecra_json_bool(o->cache_disabled == ECRA_TRUE));
#undef SRC
	a->source_extra = src;
	src = NULL;
	if ((rc = ecra_assembly_asset_attach(stack, a,
	         o->display_name ? o->display_name
	         : o->asset_name ? o->asset_name
	                         : id,
	         o->asset_name)) < 0)
		goto done;
	if (out)
		*out = a;
	a = NULL;
done:
	ecra_image_asset_free_(a);
	ecra_strvec_dispose(&lines);
	ecra_json_free(src);
	ecra_buf_dispose(&b);
	ecra_free(dir);
	ecra_free(dockerfile);
	ecra_free(extra);
	return rc;
}
