/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * assembly/appfile.c - ecra_app_load_json(): a declarative app file
 * (CDK prop names) turned into API calls. Every error names the file and
 * the field path ("app.json: stacks[0].outputs[1].id: expected a
 * string"); unknown keys list the valid ones.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "assembly/assembly.h"
#include "core/alloc.h"
#include "core/error.h"
#include "util/buf.h"

typedef struct {
	const char *file;
	char *dir; /* the file's folder, or NULL when it is the cwd */
	void **allocs;
	size_t alloc_count;
} loader;

static void *keep(loader *l, void *p)
{
	void **grown;

	if (p == NULL)
		return NULL;
	grown = ecra_realloc(l->allocs, (l->alloc_count + 1) * sizeof(*grown));
	if (grown == NULL) {
		ecra_free(p);
		return NULL;
	}
	l->allocs = grown;
	l->allocs[l->alloc_count++] = p;
	return p;
}

static int fail(loader *l, int code, const char *where, const char *fmt, ...)
    ECRA_PRINTF(4, 5);

static int fail(loader *l, int code, const char *where, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (where && *where)
		return ecra_error_set(code, "%s: %s: %s", l->file, where, msg);
	return ecra_error_set(code, "%s: %s", l->file, msg);
}

/* "<base>.<key>" or "<base>[i]" into a fixed buffer. */
static void sub(char *out, size_t size, const char *base, const char *key)
{
	/* Over-long paths are cut; the message stays readable. */
	if (snprintf(out, size, "%s%s%s", base, *base ? "." : "", key) < 0)
		out[0] = '\0';
}

static void idx(char *out, size_t size, const char *base, size_t i)
{
	if (snprintf(out, size, "%s[%zu]", base, i) < 0)
		out[0] = '\0';
}

static int check_keys(loader *l, const ecra_json *obj, const char *where,
    const char *const *valid)
{
	void *it;
	size_t i;
	char path[512];

	if (ecra_json_typeof(obj) != ECRA_JSON_OBJECT)
		return fail(l, ECRA_EINVALID, where,
		    "expected an object, got %s", ecra_json_type_name(obj));
	for (it = ecra_json_iter(obj); it; it = ecra_json_iter_next(obj, it)) {
		const char *k = ecra_json_iter_key(it);
		bool ok = false;

		for (i = 0; valid[i] && !ok; i++)
			ok = strcmp(valid[i], k) == 0;
		if (!ok) {
			ecra_buf list = ECRA_BUF_INIT(0);
			int rc;

			for (i = 0; valid[i]; i++)
				(void)ecra_buf_printf(
				    &list, "%s%s", i ? ", " : "", valid[i]);
			sub(path, sizeof(path), where, k);
			rc = fail(l, ECRA_EINVALID, path,
			    "unknown key '%s' (valid keys: %s)", k,
			    list.ptr ? list.ptr : "");
			ecra_buf_dispose(&list);
			return rc;
		}
	}
	return 0;
}

static int get_str(loader *l, const ecra_json *obj, const char *where,
    const char *key, const char **out)
{
	ecra_json *v = ecra_json_get(obj, key);
	char path[512];

	*out = NULL;
	if (v == NULL)
		return 0;
	if (ecra_json_typeof(v) != ECRA_JSON_STRING) {
		sub(path, sizeof(path), where, key);
		return fail(l, ECRA_EINVALID, path, "expected a string, got %s",
		    ecra_json_type_name(v));
	}
	*out = ecra_json_string(v);
	return 0;
}

static int get_req_str(loader *l, const ecra_json *obj, const char *where,
    const char *key, const char **out)
{
	char path[512];
	int rc = get_str(l, obj, where, key, out);

	if (rc == 0 && *out == NULL) {
		sub(path, sizeof(path), where, key);
		return fail(l, ECRA_EINVALID, path, "required");
	}
	return rc;
}

static int get_bool(loader *l, const ecra_json *obj, const char *where,
    const char *key, ecra_tristate *out)
{
	ecra_json *v = ecra_json_get(obj, key);
	char path[512];

	*out = ECRA_UNSET;
	if (v == NULL)
		return 0;
	if (!ecra_json_is_bool(v)) {
		sub(path, sizeof(path), where, key);
		return fail(l, ECRA_EINVALID, path,
		    "expected a boolean, got %s", ecra_json_type_name(v));
	}
	*out = ecra_json_is_true(v) ? ECRA_TRUE : ECRA_FALSE;
	return 0;
}

static int get_array(loader *l, const ecra_json *obj, const char *where,
    const char *key, ecra_json **out)
{
	ecra_json *v = ecra_json_get(obj, key);
	char path[512];

	*out = NULL;
	if (v == NULL)
		return 0;
	if (ecra_json_typeof(v) != ECRA_JSON_ARRAY) {
		sub(path, sizeof(path), where, key);
		return fail(l, ECRA_EINVALID, path, "expected an array, got %s",
		    ecra_json_type_name(v));
	}
	*out = v;
	return 0;
}

/* A string list; *out stays NULL when the key is absent. */
static int get_str_list(loader *l, const ecra_json *obj, const char *where,
    const char *key, const char *const **out, size_t *count)
{
	ecra_json *arr;
	const char **items;
	char base[512], path[512];
	size_t i, n;
	int rc;

	*out = NULL;
	*count = 0;
	if ((rc = get_array(l, obj, where, key, &arr)) < 0 || arr == NULL)
		return rc;
	n = ecra_json_size(arr);
	items = keep(l, ecra_calloc(n + 1, sizeof(*items)));
	if (items == NULL)
		return ecra_error_set(ECRA_ENOMEM, "out of memory");
	sub(base, sizeof(base), where, key);
	for (i = 0; i < n; i++) {
		ecra_json *v = ecra_json_at(arr, i);

		if (ecra_json_typeof(v) != ECRA_JSON_STRING) {
			idx(path, sizeof(path), base, i);
			return fail(l, ECRA_EINVALID, path,
			    "expected a string, got %s",
			    ecra_json_type_name(v));
		}
		items[i] = ecra_json_string(v);
	}
	*out = items;
	*count = n;
	return 0;
}

/* A {string: string} map; *out stays NULL when the key is absent. */
static int get_map(loader *l, const ecra_json *obj, const char *where,
    const char *key, const ecra_kv **out, size_t *count)
{
	ecra_json *m = ecra_json_get(obj, key);
	ecra_kv *kv;
	char base[512], path[1024];
	void *it;
	size_t n = 0;

	*out = NULL;
	*count = 0;
	if (m == NULL)
		return 0;
	sub(base, sizeof(base), where, key);
	if (ecra_json_typeof(m) != ECRA_JSON_OBJECT)
		return fail(l, ECRA_EINVALID, base,
		    "expected an object, got %s", ecra_json_type_name(m));
	kv = keep(l, ecra_calloc(ecra_json_size(m) + 1, sizeof(*kv)));
	if (kv == NULL)
		return ecra_error_set(ECRA_ENOMEM, "out of memory");
	for (it = ecra_json_iter(m); it; it = ecra_json_iter_next(m, it)) {
		ecra_json *v = ecra_json_iter_value(it);

		if (ecra_json_typeof(v) != ECRA_JSON_STRING) {
			if (snprintf(path, sizeof(path), "%s.%s", base,
			        ecra_json_iter_key(it)) < 0)
				path[0] = '\0';
			return fail(l, ECRA_EINVALID, path,
			    "expected a string, got %s",
			    ecra_json_type_name(v));
		}
		kv[n].key = ecra_json_iter_key(it);
		kv[n].value = ecra_json_string(v);
		n++;
	}
	*out = kv;
	*count = n;
	return 0;
}

/* A path from the file: relative ones resolve against its folder. */
static const char *file_path(loader *l, const char *p)
{
	if (p == NULL || p[0] == '/' || l->dir == NULL)
		return p;
	return keep(l, ecra_path_join(l->dir, p));
}

static int cache_option(loader *l, const ecra_json *v, const char *where,
    ecra_docker_cache_option *out)
{
	static const char *const keys[] = { "type", "params", NULL };
	int rc;

	if ((rc = check_keys(l, v, where, keys)) < 0 ||
	    (rc = get_req_str(l, v, where, "type", &out->type)) < 0)
		return rc;
	return get_map(l, v, where, "params", &out->params, &out->params_count);
}

static int follow_mode(loader *l, const ecra_json *obj, const char *where,
    const char *key, ecra_follow_mode *out, bool *has)
{
	const char *s;
	char path[512];
	int rc;

	if ((rc = get_str(l, obj, where, key, &s)) < 0 || s == NULL)
		return rc;
	if (ecra_follow_mode_parse(out, s) < 0) {
		sub(path, sizeof(path), where, key);
		return fail(l, ECRA_EINVALID, path,
		    "invalid follow mode '%s' (valid: never, always, external, "
		    "internal-only)",
		    s);
	}
	*has = true;
	return 0;
}

static int load_docker(
    loader *l, ecra_stack *stack, const ecra_json *v, const char *where)
{
	static const char *const keys[] = { "id", "directory", "file",
		"exclude", "ignoreMode", "followSymlinks", "follow",
		"extraHash", "buildArgs", "buildContexts", "buildSecrets",
		"buildSsh", "target", "networkMode", "platform", "outputs",
		"cacheFrom", "cacheTo", "cacheDisabled", "invalidation",
		"assetName", "displayName", "repositoryName", NULL };
	static const char *const inv_keys[] = { "extraHash", "buildArgs",
		"buildContexts", "buildSecrets", "buildSsh", "target", "file",
		"repositoryName", "networkMode", "platform", "outputs", NULL };
	ecra_docker_image_asset_options o =
	    ECRA_DOCKER_IMAGE_ASSET_OPTIONS_INIT;
	ecra_docker_cache_option *from = NULL, *to = NULL;
	const char *id, *dir, *mode;
	ecra_json *arr, *inv, *ct;
	char path[512], p2[600];
	size_t i;
	int rc;

	if ((rc = check_keys(l, v, where, keys)) < 0 ||
	    (rc = get_req_str(l, v, where, "id", &id)) < 0 ||
	    (rc = get_req_str(l, v, where, "directory", &dir)) < 0 ||
	    (rc = get_str(l, v, where, "file", &o.file)) < 0 ||
	    (rc = get_str_list(
	         l, v, where, "exclude", &o.exclude, &o.exclude_count)) < 0 ||
	    (rc = get_str(l, v, where, "ignoreMode", &mode)) < 0 ||
	    (rc = follow_mode(l, v, where, "followSymlinks", &o.follow_symlinks,
	         &o.has_follow_symlinks)) < 0 ||
	    (rc = follow_mode(
	         l, v, where, "follow", &o.follow, &o.has_follow)) < 0 ||
	    (rc = get_str(l, v, where, "extraHash", &o.extra_hash)) < 0 ||
	    (rc = get_map(l, v, where, "buildArgs", &o.build_args,
	         &o.build_args_count)) < 0 ||
	    (rc = get_map(l, v, where, "buildContexts", &o.build_contexts,
	         &o.build_contexts_count)) < 0 ||
	    (rc = get_map(l, v, where, "buildSecrets", &o.build_secrets,
	         &o.build_secrets_count)) < 0 ||
	    (rc = get_str(l, v, where, "buildSsh", &o.build_ssh)) < 0 ||
	    (rc = get_str(l, v, where, "target", &o.target)) < 0 ||
	    (rc = get_str(l, v, where, "networkMode", &o.network_mode)) < 0 ||
	    (rc = get_str(l, v, where, "platform", &o.platform)) < 0 ||
	    (rc = get_str_list(
	         l, v, where, "outputs", &o.outputs, &o.outputs_count)) < 0 ||
	    (rc = get_bool(l, v, where, "cacheDisabled", &o.cache_disabled)) <
	        0 ||
	    (rc = get_str(l, v, where, "assetName", &o.asset_name)) < 0 ||
	    (rc = get_str(l, v, where, "displayName", &o.display_name)) < 0 ||
	    (rc = get_str(l, v, where, "repositoryName", &o.repository_name)) <
	        0)
		return rc;
	if (mode) {
		if (ecra_ignore_mode_parse(&o.ignore_mode, mode) < 0) {
			sub(path, sizeof(path), where, "ignoreMode");
			return fail(l, ECRA_EINVALID, path,
			    "invalid ignore mode '%s' (valid: glob, git, "
			    "docker)",
			    mode);
		}
		o.has_ignore_mode = true;
	}
	if ((rc = get_array(l, v, where, "cacheFrom", &arr)) < 0)
		return rc;
	if (arr) {
		from = keep(
		    l, ecra_calloc(ecra_json_size(arr) + 1, sizeof(*from)));
		if (from == NULL)
			return ecra_error_set(ECRA_ENOMEM, "out of memory");
		sub(path, sizeof(path), where, "cacheFrom");
		for (i = 0; i < ecra_json_size(arr); i++) {
			idx(p2, sizeof(p2), path, i);
			if ((rc = cache_option(
			         l, ecra_json_at(arr, i), p2, &from[i])) < 0)
				return rc;
		}
		o.cache_from = from;
		o.cache_from_count = ecra_json_size(arr);
	}
	if ((ct = ecra_json_get(v, "cacheTo")) != NULL) {
		to = keep(l, ecra_calloc(1, sizeof(*to)));
		if (to == NULL)
			return ecra_error_set(ECRA_ENOMEM, "out of memory");
		sub(path, sizeof(path), where, "cacheTo");
		if ((rc = cache_option(l, ct, path, to)) < 0)
			return rc;
		o.cache_to = to;
	}
	if ((inv = ecra_json_get(v, "invalidation")) != NULL) {
		ecra_tristate *fields[] = { &o.invalidation.extra_hash,
			&o.invalidation.build_args,
			&o.invalidation.build_contexts,
			&o.invalidation.build_secrets,
			&o.invalidation.build_ssh, &o.invalidation.target,
			&o.invalidation.file, &o.invalidation.repository_name,
			&o.invalidation.network_mode, &o.invalidation.platform,
			&o.invalidation.outputs };

		sub(path, sizeof(path), where, "invalidation");
		if ((rc = check_keys(l, inv, path, inv_keys)) < 0)
			return rc;
		for (i = 0; inv_keys[i]; i++)
			if ((rc = get_bool(
			         l, inv, path, inv_keys[i], fields[i])) < 0)
				return rc;
	}
	o.directory = file_path(l, dir);
	if (o.directory == NULL)
		return ecra_error_set(ECRA_ENOMEM, "out of memory");
	rc = ecra_stack_add_docker_image_asset(NULL, stack, id, &o);
	if (rc < 0)
		ecra_error_wrap("%s: %s", l->file, where);
	return rc;
}

static int load_tarball(loader *l, ecra_stack *stack, const ecra_json *v,
    const char *where, const char *docker)
{
	static const char *const keys[] = { "id", "tarballFile", "displayName",
		NULL };
	ecra_tarball_image_asset_options o =
	    ECRA_TARBALL_IMAGE_ASSET_OPTIONS_INIT;
	const char *id, *file;
	int rc;

	if ((rc = check_keys(l, v, where, keys)) < 0 ||
	    (rc = get_req_str(l, v, where, "id", &id)) < 0 ||
	    (rc = get_req_str(l, v, where, "tarballFile", &file)) < 0 ||
	    (rc = get_str(l, v, where, "displayName", &o.display_name)) < 0)
		return rc;
	o.tarball_file = file_path(l, file);
	if (o.tarball_file == NULL)
		return ecra_error_set(ECRA_ENOMEM, "out of memory");
	o.docker_command = docker;
	rc = ecra_stack_add_tarball_image_asset(NULL, stack, id, &o);
	if (rc < 0)
		ecra_error_wrap("%s: %s", l->file, where);
	return rc;
}

static int grants(loader *l, ecra_stack *stack, ecra_role *role,
    const ecra_json *v, const char *where, const char *key, bool pull)
{
	const char *const *ids;
	char base[512], path[600];
	ecra_image_asset *a;
	size_t n, i;
	int rc;

	if ((rc = get_str_list(l, v, where, key, &ids, &n)) < 0)
		return rc;
	sub(base, sizeof(base), where, key);
	for (i = 0; i < n; i++) {
		idx(path, sizeof(path), base, i);
		a = ecra_stack_find_asset(stack, ids[i]);
		if (a == NULL)
			return fail(l, ECRA_ENOTFOUND, path,
			    "no image asset '%s' in stack '%s'", ids[i],
			    ecra_stack_id(stack));
		rc = pull ? ecra_image_asset_grant_pull(a, role)
		          : ecra_image_asset_grant_read(a, role);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int load_role(
    loader *l, ecra_stack *stack, const ecra_json *v, const char *where)
{
	static const char *const keys[] = { "id", "assumedBy", "roleArn",
		"pull", "read", NULL };
	ecra_role_options o = ECRA_ROLE_OPTIONS_INIT;
	ecra_role *role = NULL;
	const char *id;
	int rc;

	if ((rc = check_keys(l, v, where, keys)) < 0 ||
	    (rc = get_req_str(l, v, where, "id", &id)) < 0 ||
	    (rc = get_str(l, v, where, "assumedBy", &o.assumed_by)) < 0 ||
	    (rc = get_str(l, v, where, "roleArn", &o.role_arn)) < 0)
		return rc;
	if ((o.assumed_by == NULL) == (o.role_arn == NULL))
		return fail(l, ECRA_EINVALID, where,
		    "give exactly one of 'assumedBy' and 'roleArn'");
	if ((rc = ecra_stack_add_role(&role, stack, id, &o)) < 0) {
		ecra_error_wrap("%s: %s", l->file, where);
		return rc;
	}
	if ((rc = grants(l, stack, role, v, where, "pull", true)) < 0 ||
	    (rc = grants(l, stack, role, v, where, "read", false)) < 0)
		return rc;
	return 0;
}

static int load_output(
    loader *l, ecra_stack *stack, const ecra_json *v, const char *where)
{
	static const char *const keys[] = { "id", "imageUri", "imageTag",
		"repositoryName", "value", "description", "exportName", NULL };
	static const char *const kinds[] = { "value", "imageUri", "imageTag",
		"repositoryName" };
	ecra_output_options o = ECRA_OUTPUT_OPTIONS_INIT;
	const char *id, *ref = NULL, *s;
	char path[512];
	int rc, given = 0;
	size_t i;

	if ((rc = check_keys(l, v, where, keys)) < 0 ||
	    (rc = get_req_str(l, v, where, "id", &id)) < 0 ||
	    (rc = get_str(l, v, where, "description", &o.description)) < 0 ||
	    (rc = get_str(l, v, where, "exportName", &o.export_name)) < 0)
		return rc;
	for (i = 0; i < 4; i++) {
		if ((rc = get_str(l, v, where, kinds[i], &s)) < 0)
			return rc;
		if (s) {
			given++;
			o.kind = (ecra_output_kind)i;
			ref = s;
		}
	}
	if (given != 1)
		return fail(l, ECRA_EINVALID, where,
		    "give exactly one of 'value', 'imageUri', 'imageTag' and "
		    "'repositoryName'");
	if (o.kind == ECRA_OUTPUT_STRING) {
		o.string_value = ref;
	} else {
		o.asset = ecra_stack_find_asset(stack, ref);
		if (o.asset == NULL) {
			sub(path, sizeof(path), where, kinds[o.kind]);
			return fail(l, ECRA_ENOTFOUND, path,
			    "no image asset '%s' in stack '%s'", ref,
			    ecra_stack_id(stack));
		}
	}
	rc = ecra_stack_add_output(stack, id, &o);
	if (rc < 0)
		ecra_error_wrap("%s: %s", l->file, where);
	return rc;
}

static int load_synth(loader *l, const ecra_json *v, const char *where,
    ecra_synthesizer_options *o)
{
	static const char *const keys[] = { "qualifier", "dockerTagPrefix",
		"imageAssetsRepositoryName", "imageAssetPublishingRoleArn",
		"imageAssetPublishingExternalId", "fileAssetsBucketName",
		"bucketPrefix", "fileAssetPublishingRoleArn",
		"fileAssetPublishingExternalId", "deployRoleArn",
		"deployRoleExternalId", "cloudFormationExecutionRole",
		"lookupRoleArn", "lookupRoleExternalId",
		"bootstrapStackVersionSsmParameter",
		"generateBootstrapVersionRule", NULL };
	const char **fields[] = { &o->qualifier, &o->docker_tag_prefix,
		&o->image_assets_repository_name,
		&o->image_asset_publishing_role_arn,
		&o->image_asset_publishing_external_id,
		&o->file_assets_bucket_name, &o->bucket_prefix,
		&o->file_asset_publishing_role_arn,
		&o->file_asset_publishing_external_id, &o->deploy_role_arn,
		&o->deploy_role_external_id, &o->cloudformation_execution_role,
		&o->lookup_role_arn, &o->lookup_role_external_id,
		&o->bootstrap_stack_version_ssm_parameter };
	size_t i;
	int rc;

	if ((rc = check_keys(l, v, where, keys)) < 0)
		return rc;
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if ((rc = get_str(l, v, where, keys[i], fields[i])) < 0)
			return rc;
	return get_bool(l, v, where, "generateBootstrapVersionRule",
	    &o->generate_bootstrap_version_rule);
}

static int load_stack(loader *l, ecra_app *app, const ecra_json *v,
    const char *where, const char *docker)
{
	static const char *const keys[] = { "id", "env", "stackName",
		"description", "terminationProtection", "synthesizer",
		"dockerImageAssets", "tarballImageAssets", "roles", "outputs",
		NULL };
	static const char *const env_keys[] = { "account", "region", NULL };
	ecra_stack_options o = ECRA_STACK_OPTIONS_INIT;
	ecra_stack *stack = NULL;
	ecra_json *env, *syn, *arr;
	ecra_tristate tp;
	const char *id;
	char path[512], p2[600];
	size_t i;
	int rc;

	if ((rc = check_keys(l, v, where, keys)) < 0 ||
	    (rc = get_req_str(l, v, where, "id", &id)) < 0 ||
	    (rc = get_str(l, v, where, "stackName", &o.stack_name)) < 0 ||
	    (rc = get_str(l, v, where, "description", &o.description)) < 0 ||
	    (rc = get_bool(l, v, where, "terminationProtection", &tp)) < 0)
		return rc;
	o.termination_protection = tp == ECRA_TRUE;
	if ((env = ecra_json_get(v, "env")) != NULL) {
		sub(path, sizeof(path), where, "env");
		if ((rc = check_keys(l, env, path, env_keys)) < 0 ||
		    (rc = get_str(l, env, path, "account", &o.account)) < 0 ||
		    (rc = get_str(l, env, path, "region", &o.region)) < 0)
			return rc;
	}
	if ((syn = ecra_json_get(v, "synthesizer")) != NULL) {
		sub(path, sizeof(path), where, "synthesizer");
		if ((rc = load_synth(l, syn, path, &o.synthesizer)) < 0)
			return rc;
	}
	if ((rc = ecra_app_add_stack(&stack, app, id, &o)) < 0) {
		ecra_error_wrap("%s: %s", l->file, where);
		return rc;
	}
#define EACH(key, call)                                            \
	do {                                                       \
		if ((rc = get_array(l, v, where, key, &arr)) < 0)  \
			return rc;                                 \
		sub(path, sizeof(path), where, key);               \
		for (i = 0; arr && i < ecra_json_size(arr); i++) { \
			ecra_json *e = ecra_json_at(arr, i);       \
			idx(p2, sizeof(p2), path, i);              \
			if ((rc = (call)) < 0)                     \
				return rc;                         \
		}                                                  \
	} while (0)
	EACH("dockerImageAssets", load_docker(l, stack, e, p2));
	EACH("tarballImageAssets", load_tarball(l, stack, e, p2, docker));
	EACH("roles", load_role(l, stack, e, p2));
	EACH("outputs", load_output(l, stack, e, p2));
#undef EACH
	return 0;
}

int ecra_app_load_json(
    ecra_app **out, const char *path, const ecra_app_load_options *opts)
{
	static const char *const keys[] = { "context", "outdir", "stacks",
		NULL };
	ecra_app_load_options defaults = ECRA_APP_LOAD_OPTIONS_INIT;
	ecra_app_options ao = ECRA_APP_OPTIONS_INIT;
	loader l = { .file = path };
	ecra_json *doc = NULL, *ctx, *stacks;
	ecra_buf ctx_text = ECRA_BUF_INIT(0);
	const char *outdir = NULL;
	ecra_app *app = NULL;
	char where[64];
	size_t i;
	int rc;

	ECRA_ASSERT_ARG(out);
	*out = NULL;
	ECRA_ASSERT_ARG(path);
	ECRA_CHECK_VERSION(
	    opts, ECRA_APP_LOAD_OPTIONS_VERSION, ecra_app_load_options);
	if (opts == NULL)
		opts = &defaults;
	if (!ecra_path_exists(path))
		return ecra_error_set(
		    ECRA_ENOTFOUND, "%s: no such app file", path);
	rc = ecra_json_load_file(&doc, path, 0, ECRA_JSON_REJECT_DUPLICATES);
	if (rc < 0)
		return rc;
	{
		const char *slash = strrchr(path, '/');

		if (slash) {
			l.dir = ecra_strndup(
			    path, slash == path ? 1 : (size_t)(slash - path));
			if (l.dir == NULL) {
				rc = ecra_error_set(
				    ECRA_ENOMEM, "out of memory");
				goto done;
			}
		}
	}
	if ((rc = check_keys(&l, doc, "", keys)) < 0 ||
	    (rc = get_str(&l, doc, "", "outdir", &outdir)) < 0 ||
	    (rc = get_array(&l, doc, "", "stacks", &stacks)) < 0)
		goto done;
	ctx = ecra_json_get(doc, "context");
	if (ctx) {
		if (ecra_json_typeof(ctx) != ECRA_JSON_OBJECT) {
			rc = fail(&l, ECRA_EINVALID, "context",
			    "expected an object, got %s",
			    ecra_json_type_name(ctx));
			goto done;
		}
		if ((rc = ecra_json_write(&ctx_text, ctx, 0)) < 0)
			goto done;
	}
	if (opts->outdir)
		ao.outdir = opts->outdir;
	else if (outdir)
		ao.outdir = file_path(&l, outdir);
	else
		ao.outdir = opts->default_outdir;
	ao.context_json = ctx_text.ptr;
	ao.warning_cb = opts->warning_cb;
	ao.warning_payload = opts->warning_payload;
	ao.threads = opts->threads;
	if (opts->version >= 2)
		ao.cancel = opts->cancel;
	if ((rc = ecra_app_new(&app, &ao)) < 0)
		goto done;
	if ((app->app_dir = ecra_strdup(l.dir ? l.dir : ".")) == NULL) {
		rc = ecra_error_set(ECRA_ENOMEM, "out of memory");
		goto done;
	}
	if (opts->context_json &&
	    (rc = ecra_app_set_context_json(app, opts->context_json)) < 0)
		goto done;
	for (i = 0; stacks && i < ecra_json_size(stacks); i++) {
		snprintf(where, sizeof(where), "stacks[%zu]", i);
		rc = load_stack(&l, app, ecra_json_at(stacks, i), where,
		    opts->docker_command);
		if (rc < 0)
			goto done;
	}
	*out = app;
	app = NULL;
done:
	ecra_app_free(app);
	ecra_json_free(doc);
	ecra_buf_dispose(&ctx_text);
	for (i = 0; i < l.alloc_count; i++)
		ecra_free(l.allocs[i]);
	ecra_free(l.allocs);
	ecra_free(l.dir);
	return rc;
}
