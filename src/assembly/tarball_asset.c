/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * assembly/tarball_asset.c - TarballImageAsset: a `docker save` archive
 * staged as a file and loaded by an `sh -c "docker load ..."` executable.
 */
#include <string.h>

#include "assembly/assembly.h"
#include "core/alloc.h"
#include "core/error.h"
#include "util/buf.h"

int ecra_stack_add_tarball_image_asset(ecra_image_asset **out,
    ecra_stack *stack, const char *id,
    const ecra_tarball_image_asset_options *o)
{
	ecra_image_asset *a = NULL;
	ecra_buf b = ECRA_BUF_INIT(0);
	char *abs = NULL;
	int rc;

	if (out)
		*out = NULL;
	ECRA_ASSERT_ARG(stack);
	ECRA_ASSERT_ARG(id);
	ECRA_ASSERT_ARG(o);
	ECRA_CHECK_VERSION(o, ECRA_TARBALL_IMAGE_ASSET_OPTIONS_VERSION,
	    ecra_tarball_image_asset_options);
	if ((rc = ecra_assembly_check_child_id(stack, id)) < 0)
		return rc;
	if (o->tarball_file == NULL)
		return ecra_error_set(ECRA_EINVALID,
		    "TarballImageAsset '%s': 'tarballFile' is required", id);
	if (!ecra_path_exists(o->tarball_file))
		return ecra_error_set(
		    ECRA_ENOTFOUND, "Cannot find file at %s", o->tarball_file);

	a = ecra_calloc(1, sizeof(*a));
	if (a == NULL)
		return ecra_error_set(ECRA_ENOMEM, "out of memory");
	a->stack = stack;
	a->kind = ECRA_IMAGE_ASSET_TARBALL;
	a->id = ecra_strdup(id);
	a->docker_command =
	    ecra_strdup(o->docker_command ? o->docker_command : "docker");
	if (a->id == NULL || a->docker_command == NULL ||
	    ecra_buf_printf(&b, "%s/%s", stack->id, id) < 0) {
		rc = ecra_error_set(ECRA_ENOMEM, "out of memory");
		goto done;
	}
	a->path = ecra_buf_detach(&b);
	abs = ecra_path_resolve(o->tarball_file);
	if (abs == NULL) {
		rc = ECRA_ENOMEM;
		goto done;
	}
	if ((rc = ecra_strvec_push(&a->exclude, ".is_custom_resource")) < 0)
		goto done;
	a->ignore_mode = ECRA_IGNORE_GLOB;
	a->follow = ECRA_FOLLOW_EXTERNAL;
	if ((rc = ecra_assembly_fingerprint_asset(a, abs, NULL, false)) < 0)
		goto done;
	a->source_path = abs;
	abs = NULL;
	if ((rc = ecra_assembly_set_staged_path(a)) < 0)
		goto done;
	if ((rc = ecra_assembly_asset_attach(
	         stack, a, o->display_name ? o->display_name : id, NULL)) < 0)
		goto done;
	if (out)
		*out = a;
	a = NULL;
done:
	ecra_image_asset_free_(a);
	ecra_buf_dispose(&b);
	ecra_free(abs);
	return rc;
}

ecra_image_asset_kind ecra_image_asset_get_kind(const ecra_image_asset *a)
{
	return a->kind;
}

const char *ecra_image_asset_id(const ecra_image_asset *a)
{
	return a ? a->id : NULL;
}

const char *ecra_image_asset_path(const ecra_image_asset *a)
{
	return a ? a->path : NULL;
}

ecra_stack *ecra_image_asset_stack(const ecra_image_asset *a)
{
	return a ? a->stack : NULL;
}

const char *ecra_image_asset_hash(const ecra_image_asset *a)
{
	return a ? a->hash : NULL;
}

const char *ecra_image_asset_source_hash(const ecra_image_asset *a)
{
	return a ? a->hash : NULL;
}

const char *ecra_image_asset_image_tag(const ecra_image_asset *a)
{
	return a ? a->image_tag : NULL;
}

const char *ecra_image_asset_image_uri(const ecra_image_asset *a)
{
	return a ? a->image_uri : NULL;
}

const char *ecra_image_asset_repository_name(const ecra_image_asset *a)
{
	return a ? a->repository_name : NULL;
}

const char *ecra_image_asset_manifest_key(const ecra_image_asset *a)
{
	return a ? a->manifest_key : NULL;
}

const char *ecra_image_asset_staged_path(const ecra_image_asset *a)
{
	return a ? a->staged_path : NULL;
}

int ecra_image_asset_attribute_json(
    char **out, const ecra_image_asset *a, ecra_image_asset_attribute attr)
{
	ecra_buf b = ECRA_BUF_INIT(0);
	ecra_json *v = NULL;
	int rc;

	ECRA_ASSERT_ARG(out);
	*out = NULL;
	ECRA_ASSERT_ARG(a);
	switch (attr) {
	case ECRA_ATTR_IMAGE_URI:
		v = ecra_assembly_cfnify(a->image_uri);
		break;
	case ECRA_ATTR_IMAGE_TAG:
		v = ecra_assembly_cfnify(a->image_tag);
		break;
	case ECRA_ATTR_REPOSITORY_NAME:
		v = ecra_assembly_cfnify(a->repository_name);
		break;
	case ECRA_ATTR_REPOSITORY_ARN:
		v = ecra_assembly_repository_arn(a);
		break;
	default:
		return ecra_error_set(
		    ECRA_EINVALID, "unknown attribute %d", (int)attr);
	}
	if (v == NULL)
		return ecra_error_set(ECRA_ENOMEM, "out of memory");
	rc = ecra_json_write(&b, v, 0);
	ecra_json_free(v);
	if (rc < 0) {
		ecra_buf_dispose(&b);
		return rc;
	}
	*out = ecra_buf_detach(&b);
	return 0;
}
