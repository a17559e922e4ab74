/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * assembly/manifest.c - the asset manifest (<Stack>.assets.json), the
 * stack and asset-manifest artifacts of manifest.json, and the
 * feature-flag report, as DefaultStackSynthesizer and aws-cdk-lib's
 * synthesis write them.
 */
#include <string.h>

#include "assembly/assembly.h"
#include "core/alloc.h"
#include "core/error.h"
#include "util/buf.h"

#define OOM() ecra_error_set(ECRA_ENOMEM, "out of memory")

/* "<account|current_account>-<region|current_region>-<sha8(JSON(d))>". */
static int destination_key(
    ecra_buf *out, const ecra_stack *s, const ecra_json *dest)
{
	ecra_buf js = ECRA_BUF_INIT(0);
	char sha[65];
	int rc;

	if ((rc = ecra_json_write(&js, dest, 0)) < 0)
		goto done;
	if ((rc = ecra_assembly_sha256_hex(sha, js.ptr, js.size)) < 0)
		goto done;
	sha[8] = '\0';
	rc = ecra_buf_printf(out, "%s-%s-%s",
	    s->account ? s->account : "current_account",
	    s->region ? s->region : "current_region", sha);
done:
	ecra_buf_dispose(&js);
	return rc;
}

static int add_entry(ecra_json *section, const ecra_stack *s, const char *key,
    const char *display_name, ecra_json *source, ecra_json *dest)
{
	ecra_json *entry = ecra_json_get(section, key), *dests;
	ecra_buf dk = ECRA_BUF_INIT(0);
	int rc = 0;

	if (source == NULL || dest == NULL) {
		rc = OOM();
		goto done;
	}
	if (entry == NULL) {
		entry = ecra_json_object();
		if (entry == NULL ||
		    (display_name && ecra_json_set_str(entry, "displayName",
		                         display_name) < 0) ||
		    ecra_json_set(entry, "source", source) < 0 ||
		    ecra_json_set_new(
		        entry, "destinations", ecra_json_object()) < 0 ||
		    ecra_json_set_new(section, key, entry) < 0) {
			rc = OOM();
			goto done;
		}
	}
	dests = ecra_json_get(entry, "destinations");
	if (destination_key(&dk, s, dest) < 0 ||
	    ecra_json_set(dests, dk.ptr, dest) < 0)
		rc = OOM();
done:
	ecra_buf_dispose(&dk);
	ecra_json_free(source);
	ecra_json_free(dest);
	return rc;
}

static ecra_json *docker_source(const ecra_image_asset *a)
{
	ecra_json *src = ecra_json_object(), *exe;
	void *it;

	if (src == NULL)
		return NULL;
	if (a->kind == ECRA_IMAGE_ASSET_TARBALL) {
		ecra_buf cmd = ECRA_BUF_INIT(0);

		exe = ecra_json_array();
		if (exe == NULL ||
		    ecra_buf_printf(&cmd,
		        "%s load -i \"$1\" | tail -n 1 | sed \"s/Loaded "
		        "image[^:]*: //g\"",
		        a->docker_command) < 0 ||
		    ecra_json_push_new(exe, ecra_json_str("sh")) < 0 ||
		    ecra_json_push_new(exe, ecra_json_str("-c")) < 0 ||
		    ecra_json_push_new(exe, ecra_json_str(cmd.ptr)) < 0 ||
		    ecra_json_push_new(
		        exe, ecra_json_str("cdk-tarball-image-asset")) < 0 ||
		    ecra_json_push_new(exe, ecra_json_str(a->staged_path)) <
		        0 ||
		    ecra_json_set(src, "executable", exe) < 0) {
			ecra_buf_dispose(&cmd);
			ecra_json_free(exe);
			ecra_json_free(src);
			return NULL;
		}
		ecra_buf_dispose(&cmd);
		ecra_json_free(exe);
		return src;
	}
	if (ecra_json_set_str(src, "directory", a->staged_path) < 0)
		goto fail;
	for (it = ecra_json_iter(a->source_extra); it;
	     it = ecra_json_iter_next(a->source_extra, it))
		if (ecra_json_set(src, ecra_json_iter_key(it),
		        ecra_json_iter_value(it)) < 0)
			goto fail;
	return src;
fail:
	ecra_json_free(src);
	return NULL;
}

static ecra_json *docker_destination(const ecra_image_asset *a)
{
	const ecra_stack *s = a->stack;
	ecra_json *d = ecra_json_object();

	if (d == NULL ||
	    ecra_json_set_str(d, "repositoryName", a->repository_name) < 0 ||
	    ecra_json_set_str(d, "imageTag", a->image_tag) < 0 ||
	    (s->region && ecra_json_set_str(d, "region", s->region) < 0) ||
	    ecra_json_set_str(d, "assumeRoleArn", s->image_role_arn) < 0 ||
	    (s->image_external_id &&
	        ecra_json_set_str(
	            d, "assumeRoleExternalId", s->image_external_id) < 0)) {
		ecra_json_free(d);
		return NULL;
	}
	return d;
}

int ecra_assembly_asset_manifest(
    ecra_json **out, ecra_stack *s, const char *template_hash)
{
	ecra_json *m = ecra_json_object(), *files = NULL, *images = NULL;
	ecra_json *src = NULL, *dest = NULL;
	ecra_buf b = ECRA_BUF_INIT(0), name = ECRA_BUF_INIT(0);
	size_t i;
	int rc;

	*out = NULL;
	files = ecra_json_object();
	images = ecra_json_object();
	if (m == NULL || files == NULL || images == NULL) {
		rc = OOM();
		goto done;
	}
	/* The template's own file asset. */
	src = ecra_json_object();
	dest = ecra_json_object();
	if (src == NULL || dest == NULL ||
	    ecra_buf_printf(&b, "%s.template.json", s->id) < 0 ||
	    ecra_json_set_str(src, "path", b.ptr) < 0 ||
	    ecra_json_set_str(src, "packaging", "file") < 0 ||
	    ecra_json_set_str(dest, "bucketName", s->bucket_name) < 0) {
		rc = OOM();
		goto done;
	}
	ecra_buf_clear(&b);
	if (ecra_buf_printf(&b, "%s%s.json", s->bucket_prefix, template_hash) <
	        0 ||
	    ecra_json_set_str(dest, "objectKey", b.ptr) < 0 ||
	    (s->region && ecra_json_set_str(dest, "region", s->region) < 0) ||
	    ecra_json_set_str(dest, "assumeRoleArn", s->file_role_arn) < 0 ||
	    (s->file_external_id &&
	        ecra_json_set_str(
	            dest, "assumeRoleExternalId", s->file_external_id) < 0) ||
	    ecra_buf_printf(&name, "%s Template", s->stack_name) < 0) {
		rc = OOM();
		goto done;
	}
	rc = add_entry(files, s, template_hash, name.ptr, src, dest);
	src = dest = NULL;
	if (rc < 0)
		goto done;
	for (i = 0; i < s->asset_count; i++) {
		const ecra_image_asset *a = s->assets[i];

		rc = add_entry(images, s, a->manifest_key, a->display_name,
		    docker_source(a), docker_destination(a));
		if (rc < 0)
			goto done;
	}
	if (ecra_json_set_str(m, "version", ECRA_SCHEMA_VERSION) < 0 ||
	    ecra_json_set(m, "files", files) < 0 ||
	    ecra_json_set(m, "dockerImages", images) < 0) {
		rc = OOM();
		goto done;
	}
	*out = m;
	m = NULL;
	rc = 0;
done:
	ecra_buf_dispose(&b);
	ecra_buf_dispose(&name);
	ecra_json_free(src);
	ecra_json_free(dest);
	ecra_json_free(files);
	ecra_json_free(images);
	ecra_json_free(m);
	return rc;
}

static ecra_json *str_list1(const char *s)
{
	ecra_json *a = ecra_json_array();

	if (a && ecra_json_push_new(a, ecra_json_str(s)) < 0) {
		ecra_json_free(a);
		return NULL;
	}
	return a;
}

int ecra_assembly_stack_artifacts(ecra_json *artifacts, ecra_stack *s,
    const char *template_hash, bool has_metadata)
{
	ecra_json *am = ecra_json_object(), *amp = ecra_json_object();
	ecra_json *st = ecra_json_object(), *p = ecra_json_object();
	ecra_json *lookup = ecra_json_object();
	ecra_buf b = ECRA_BUF_INIT(0), assets_id = ECRA_BUF_INIT(0);
	int rc = ECRA_ENOMEM;

	if (am == NULL || amp == NULL || st == NULL || p == NULL ||
	    lookup == NULL ||
	    ecra_buf_printf(&assets_id, "%s.assets", s->id) < 0)
		goto done;
	/* <id>.assets */
	if (ecra_buf_printf(&b, "%s.assets.json", s->id) < 0 ||
	    ecra_json_set_str(am, "type", "cdk:asset-manifest") < 0 ||
	    ecra_json_set_str(amp, "file", b.ptr) < 0 ||
	    ecra_json_set_new(
	        amp, "requiresBootstrapStackVersion", ecra_json_int(6)) < 0 ||
	    ecra_json_set_str(amp, "bootstrapStackVersionSsmParameter",
	        s->ssm_parameter) < 0 ||
	    ecra_json_set(am, "properties", amp) < 0 ||
	    ecra_json_set(artifacts, assets_id.ptr, am) < 0)
		goto done;
	/* The stack. */
	ecra_buf_clear(&b);
	if (ecra_buf_printf(&b, "%s.template.json", s->id) < 0 ||
	    ecra_json_set_str(p, "templateFile", b.ptr) < 0 ||
	    ecra_json_set_new(p, "terminationProtection",
	        ecra_json_bool(s->termination_protection)) < 0 ||
	    ecra_json_set_new(p, "validateOnSynth", ecra_json_bool(false)) <
	        0 ||
	    (s->deploy_external_id &&
	        ecra_json_set_str(
	            p, "assumeRoleExternalId", s->deploy_external_id) < 0) ||
	    ecra_json_set_str(p, "assumeRoleArn", s->deploy_role_arn) < 0 ||
	    ecra_json_set_str(
	        p, "cloudFormationExecutionRoleArn", s->cfn_exec_role_arn) < 0)
		goto done;
	ecra_buf_clear(&b);
	if (ecra_buf_printf(&b, "s3://%s/%s%s.json", s->bucket_name,
	        s->bucket_prefix, template_hash) < 0 ||
	    ecra_json_set_str(p, "stackTemplateAssetObjectUrl", b.ptr) < 0 ||
	    ecra_json_set_new(
	        p, "requiresBootstrapStackVersion", ecra_json_int(6)) < 0 ||
	    ecra_json_set_str(
	        p, "bootstrapStackVersionSsmParameter", s->ssm_parameter) < 0 ||
	    ecra_json_set_new(
	        p, "additionalDependencies", str_list1(assets_id.ptr)) < 0 ||
	    ecra_json_set_str(lookup, "arn", s->lookup_role_arn) < 0 ||
	    (s->lookup_external_id &&
	        ecra_json_set_str(lookup, "assumeRoleExternalId",
	            s->lookup_external_id) < 0) ||
	    ecra_json_set_new(lookup, "requiresBootstrapStackVersion",
	        ecra_json_int(8)) < 0 ||
	    ecra_json_set_str(lookup, "bootstrapStackVersionSsmParameter",
	        s->ssm_parameter) < 0 ||
	    ecra_json_set(p, "lookupRole", lookup) < 0 ||
	    (strcmp(s->stack_name, s->id) != 0 &&
	        ecra_json_set_str(p, "stackName", s->stack_name) < 0))
		goto done;
	ecra_buf_clear(&b);
	if (ecra_json_set_str(st, "type", "aws:cloudformation:stack") < 0 ||
	    ecra_json_set_str(st, "environment", s->environment) < 0 ||
	    ecra_json_set(st, "properties", p) < 0 ||
	    ecra_json_set_new(st, "dependencies", str_list1(assets_id.ptr)) <
	        0 ||
	    (has_metadata &&
	        (ecra_buf_printf(&b, "%s.metadata.json", s->id) < 0 ||
	            ecra_json_set_str(st, "additionalMetadataFile", b.ptr) <
	                0)) ||
	    ecra_json_set_str(st, "displayName", s->id) < 0 ||
	    ecra_json_set(artifacts, s->id, st) < 0)
		goto done;
	rc = 0;
done:
	ecra_buf_dispose(&b);
	ecra_buf_dispose(&assets_id);
	ecra_json_free(am);
	ecra_json_free(amp);
	ecra_json_free(st);
	ecra_json_free(p);
	ecra_json_free(lookup);
	return rc < 0 ? OOM() : 0;
}

static ecra_json *parse_value(const char *text)
{
	ecra_json *v = NULL;

	if (ecra_json_parse(&v, text, strlen(text), "feature flags", 0) < 0)
		return NULL;
	return v;
}

int ecra_assembly_flag_report(ecra_json **out, ecra_app *app)
{
	ecra_json *flags = NULL, *art = NULL, *props = NULL;
	size_t i;
	int rc;

	*out = NULL;
	flags = ecra_json_object();
	props = ecra_json_object();
	art = ecra_json_object();
	if (flags == NULL || props == NULL || art == NULL)
		goto oom;
	for (i = 0; i < ecra_assembly_feature_flag_count; i++) {
		const ecra_feature_flag *f = &ecra_assembly_feature_flags[i];
		ecra_json *e, *user;

		e = ecra_json_object();
		if (e == NULL || ecra_json_set_new(flags, f->name, e) < 0)
			goto oom;
		user = ecra_assembly_context(app, f->name);
		if (user && ecra_json_typeof(user) != ECRA_JSON_NULL &&
		    ecra_json_set(e, "userValue", user) < 0)
			goto oom;
		if (ecra_json_set_new(e, "recommendedValue",
		        parse_value(f->recommended_json)) < 0 ||
		    ecra_json_set_str(e, "explanation", f->explanation) < 0)
			goto oom;
		if (f->v2_json) {
			ecra_json *u = ecra_json_object();

			if (u == NULL ||
			    ecra_json_set_new(
			        u, "v2", parse_value(f->v2_json)) < 0 ||
			    ecra_json_set_new(e, "unconfiguredBehavesLike", u) <
			        0)
				goto oom;
		}
	}
	if (ecra_json_set_str(art, "type", "cdk:feature-flag-report") < 0 ||
	    ecra_json_set_str(props, "module", "aws-cdk-lib") < 0 ||
	    ecra_json_set(props, "flags", flags) < 0 ||
	    ecra_json_set(art, "properties", props) < 0)
		goto oom;
	*out = art;
	art = NULL;
	rc = 0;
	goto done;
oom:
	rc = OOM();
done:
	ecra_json_free(flags);
	ecra_json_free(props);
	ecra_json_free(art);
	return rc;
}
