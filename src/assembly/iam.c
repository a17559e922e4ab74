/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * assembly/iam.c - IAM roles (new or imported), repository grants, and
 * stack outputs.
 */
#include <string.h>

#include "assembly/assembly.h"
#include "core/alloc.h"
#include "core/error.h"
#include "util/buf.h"

void ecra_role_free_(ecra_role *r)
{
	if (r == NULL)
		return;
	ecra_free(r->id);
	ecra_free(r->assumed_by);
	ecra_free(r->role_arn);
	ecra_free(r->role_name);
	ecra_json_free(r->statements);
	ecra_free(r->statement_assets);
	ecra_free(r);
}

void ecra_output_free_(ecra_output *o)
{
	if (o == NULL)
		return;
	ecra_free(o->id);
	ecra_free(o->value);
	ecra_free(o->description);
	ecra_free(o->export_name);
	ecra_free(o);
}

/* Split an ARN: account (component 4) and the role name (the last '/'
 * part of the resource). */
static int parse_role_arn(ecra_role *r, const char *arn, const char *acct)
{
	const char *p = arn, *comp[6] = { 0 };
	const char *resource, *name;
	size_t n = 0;
	char *account = NULL;
	int rc = 0;

	if (strncmp(arn, "arn:", 4) != 0)
		goto bad;
	comp[n++] = p;
	while (n < 6 && (p = strchr(p, ':')) != NULL)
		comp[n++] = ++p;
	if (n < 6)
		goto bad;
	resource = comp[5];
	name = strrchr(resource, '/');
	name = name ? name + 1 : resource;
	r->role_name = ecra_strdup(name);
	account = ecra_strndup(comp[4], (size_t)(comp[5] - comp[4] - 1));
	if (r->role_name == NULL || account == NULL) {
		rc = ecra_error_set(ECRA_ENOMEM, "out of memory");
		goto done;
	}
	/* Role.fromRoleArn: a role of another (known) account is immutable,
	 * grants then add no policy. */
	r->immutable = acct != NULL && *account && strcmp(acct, account) != 0;
	goto done;
bad:
	rc = ecra_error_set(ECRA_EINVALID,
	    "ARNs must start with \"arn:\" and have at least 6 components: %s",
	    arn);
done:
	ecra_free(account);
	return rc;
}

int ecra_stack_add_role(ecra_role **out, ecra_stack *stack, const char *id,
    const ecra_role_options *opts)
{
	ecra_role *r = NULL;
	int rc;

	if (out)
		*out = NULL;
	ECRA_ASSERT_ARG(stack);
	ECRA_ASSERT_ARG(id);
	ECRA_ASSERT_ARG(opts);
	ECRA_CHECK_VERSION(opts, ECRA_ROLE_OPTIONS_VERSION, ecra_role_options);
	if ((rc = ecra_assembly_check_child_id(stack, id)) < 0)
		return rc;
	if ((opts->assumed_by == NULL) == (opts->role_arn == NULL))
		return ecra_error_set(ECRA_EINVALID,
		    "role '%s': give exactly one of 'assumedBy' and 'roleArn'",
		    id);
	r = ecra_calloc(1, sizeof(*r));
	if (r == NULL)
		return ecra_error_set(ECRA_ENOMEM, "out of memory");
	r->stack = stack;
	r->id = ecra_strdup(id);
	if (r->id == NULL) {
		rc = ecra_error_set(ECRA_ENOMEM, "out of memory");
		goto done;
	}
	if (opts->assumed_by) {
		r->assumed_by = ecra_strdup(opts->assumed_by);
		if (r->assumed_by == NULL) {
			rc = ecra_error_set(ECRA_ENOMEM, "out of memory");
			goto done;
		}
	} else {
		r->role_arn = ecra_strdup(opts->role_arn);
		if (r->role_arn == NULL) {
			rc = ecra_error_set(ECRA_ENOMEM, "out of memory");
			goto done;
		}
		if ((rc = parse_role_arn(r, opts->role_arn, stack->account)) <
		    0)
			goto done;
	}
	rc = ecra_assembly_add_child(
	    stack, (ecra_child){ .kind = CHILD_ROLE, .u.role = r });
	if (rc < 0)
		goto done;
	if (out)
		*out = r;
	r = NULL;
done:
	ecra_role_free_(r);
	return rc;
}

const char *ecra_role_id(const ecra_role *role)
{
	return role ? role->id : NULL;
}

/* One Allow statement; a single action or resource is a scalar. */
static ecra_json *statement(
    const char *const *actions, size_t count, ecra_json *resource)
{
	ecra_json *st = ecra_json_object(), *act = NULL;
	size_t i;

	if (st == NULL || resource == NULL)
		goto fail;
	if (count == 1) {
		act = ecra_json_str(actions[0]);
	} else {
		act = ecra_json_array();
		for (i = 0; act && i < count; i++)
			if (ecra_json_push_new(act, ecra_json_str(actions[i])) <
			    0)
				goto fail;
	}
	if (ecra_json_set_new(st, "Action", act) < 0) {
		act = NULL;
		goto fail;
	}
	act = NULL;
	if (ecra_json_set_str(st, "Effect", "Allow") < 0 ||
	    ecra_json_set_new(st, "Resource", resource) < 0) {
		resource = NULL;
		goto fail;
	}
	return st;
fail:
	ecra_json_free(act);
	ecra_json_free(resource);
	ecra_json_free(st);
	return NULL;
}

static int grant(ecra_image_asset *asset, ecra_role *role,
    const char *const *actions, size_t count, bool auth_token)
{
	static const char *const token[] = { "ecr:GetAuthorizationToken" };

	ECRA_ASSERT_ARG(asset);
	ECRA_ASSERT_ARG(role);
	if (asset->stack != role->stack)
		return ecra_error_set(ECRA_EINVALID,
		    "role '%s' and asset '%s' are in different stacks "
		    "(cross-stack grants are not supported)",
		    role->id, asset->id);
	if (role->immutable)
		return 0;
	if (role->statements == NULL) {
		role->statements = ecra_json_array();
		if (role->statements == NULL)
			return ecra_error_set(ECRA_ENOMEM, "out of memory");
	}
	{
		size_t n = ecra_json_size(role->statements);
		const ecra_image_asset **grown = ecra_realloc(
		    role->statement_assets, (n + 2) * sizeof(*grown));

		if (grown == NULL)
			return ecra_error_set(ECRA_ENOMEM, "out of memory");
		role->statement_assets = grown;
		grown[n] = asset;
		grown[n + 1] = NULL;
	}
	if (ecra_json_push_new(role->statements,
	        statement(
	            actions, count, ecra_assembly_repository_arn(asset))) < 0 ||
	    (auth_token && ecra_json_push_new(role->statements,
	                       statement(token, 1, ecra_json_str("*"))) < 0))
		return ecra_error_set(ECRA_ENOMEM, "out of memory");
	return 0;
}

int ecra_image_asset_grant_pull(ecra_image_asset *asset, ecra_role *role)
{
	static const char *const pull[] = { "ecr:BatchCheckLayerAvailability",
		"ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage" };

	return grant(asset, role, pull, 3, true);
}

int ecra_image_asset_grant_read(ecra_image_asset *asset, ecra_role *role)
{
	static const char *const read[] = { "ecr:DescribeRepositories",
		"ecr:DescribeImages" };

	return grant(asset, role, read, 2, false);
}

int ecra_stack_add_output(
    ecra_stack *stack, const char *id, const ecra_output_options *opts)
{
	ecra_output *o = NULL;
	const char *v = NULL;
	int rc;

	ECRA_ASSERT_ARG(stack);
	ECRA_ASSERT_ARG(id);
	ECRA_ASSERT_ARG(opts);
	ECRA_CHECK_VERSION(
	    opts, ECRA_OUTPUT_OPTIONS_VERSION, ecra_output_options);
	if ((rc = ecra_assembly_check_child_id(stack, id)) < 0)
		return rc;
	switch (opts->kind) {
	case ECRA_OUTPUT_STRING:
		v = opts->string_value;
		if (v == NULL)
			return ecra_error_set(ECRA_EINVALID,
			    "output '%s': a string value is required", id);
		break;
	case ECRA_OUTPUT_IMAGE_URI:
	case ECRA_OUTPUT_IMAGE_TAG:
	case ECRA_OUTPUT_REPOSITORY_NAME:
		if (opts->asset == NULL)
			return ecra_error_set(ECRA_EINVALID,
			    "output '%s': an asset is required", id);
		if (opts->asset->stack != stack)
			return ecra_error_set(ECRA_EINVALID,
			    "output '%s': asset '%s' is in another stack "
			    "(cross-stack references are not supported)",
			    id, opts->asset->id);
		break;
	default:
		return ecra_error_set(ECRA_EINVALID,
		    "output '%s': unknown kind %d", id, (int)opts->kind);
	}
	o = ecra_calloc(1, sizeof(*o));
	if (o == NULL)
		return ecra_error_set(ECRA_ENOMEM, "out of memory");
	o->kind = opts->kind;
	o->asset = opts->asset;
	o->id = ecra_strdup(id);
	o->value = v ? ecra_strdup(v) : NULL;
	o->description =
	    opts->description ? ecra_strdup(opts->description) : NULL;
	o->export_name =
	    opts->export_name ? ecra_strdup(opts->export_name) : NULL;
	if (o->id == NULL || (v && !o->value) ||
	    (opts->description && !o->description) ||
	    (opts->export_name && !o->export_name)) {
		rc = ecra_error_set(ECRA_ENOMEM, "out of memory");
		goto done;
	}
	rc = ecra_assembly_add_child(
	    stack, (ecra_child){ .kind = CHILD_OUTPUT, .u.output = o });
	if (rc < 0)
		goto done;
	o = NULL;
done:
	ecra_output_free_(o);
	return rc;
}
