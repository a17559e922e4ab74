/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * assembly/app.c - the app, its context and warnings, and stacks with
 * their DefaultStackSynthesizer settings.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "assembly/assembly.h"
#include "core/alloc.h"
#include "core/error.h"
#include "util/buf.h"

/* Replace every `from` in `s` by `to`; returns a new string or NULL. */
static char *replace_all(const char *s, const char *from, const char *to)
{
	ecra_buf b = ECRA_BUF_INIT(0);
	size_t flen = strlen(from);
	const char *p;

	while ((p = strstr(s, from)) != NULL) {
		if (ecra_buf_put(&b, s, (size_t)(p - s)) < 0 ||
		    ecra_buf_puts(&b, to) < 0)
			goto fail;
		s = p + flen;
	}
	if (ecra_buf_puts(&b, s) < 0)
		goto fail;
	return ecra_buf_detach(&b);
fail:
	ecra_buf_dispose(&b);
	return NULL;
}

void ecra_assembly_warn(ecra_app *app, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	(void)ecra_strvec_push(&app->warnings, msg);
	if (app->warning_cb)
		app->warning_cb(msg, app->warning_payload);
}

ecra_json *ecra_assembly_context(const ecra_app *app, const char *key)
{
	return ecra_json_get(app->context, key);
}

static int merge_context(ecra_app *app, const char *json_text)
{
	ecra_json *v = NULL;
	void *it;
	int rc;

	if (app->stack_count > 0)
		return ecra_error_set(ECRA_EINVALID,
		    "Cannot set context after children have been added");
	rc = ecra_json_parse(&v, json_text, strlen(json_text), "context", 0);
	if (rc < 0)
		return rc;
	if (ecra_json_typeof(v) != ECRA_JSON_OBJECT) {
		ecra_json_free(v);
		return ecra_error_set(ECRA_EINVALID,
		    "context: expected a JSON object, got %s",
		    ecra_json_type_name(v));
	}
	for (it = ecra_json_iter(v); it; it = ecra_json_iter_next(v, it)) {
		rc = ecra_json_set(app->context, ecra_json_iter_key(it),
		    ecra_json_iter_value(it));
		if (rc < 0)
			break;
	}
	ecra_json_free(v);
	return rc < 0 ? rc : 0;
}

int ecra_app_new(ecra_app **out, const ecra_app_options *opts)
{
	ecra_app *app = NULL;
	int rc;

	ECRA_ASSERT_ARG(out);
	*out = NULL;
	ECRA_CHECK_VERSION(opts, ECRA_APP_OPTIONS_VERSION, ecra_app_options);
	app = ecra_calloc(1, sizeof(*app));
	if (app == NULL)
		return ECRA_ENOMEM;
	app->outdir = ecra_strdup(
	    opts && opts->outdir && *opts->outdir ? opts->outdir : "cdk.out");
	app->context = ecra_json_object();
	if (app->outdir)
		app->outdir_fs = ecra_path_normalize(app->outdir);
	if (app->outdir_fs) {
		size_t n = strlen(app->outdir_fs);

		if (n > 1 && app->outdir_fs[n - 1] == '/')
			app->outdir_fs[n - 1] = '\0';
	}
	if (app->outdir == NULL || app->outdir_fs == NULL ||
	    app->context == NULL) {
		ecra_app_free(app);
		return ecra_error_set(ECRA_ENOMEM, "out of memory");
	}
	if (opts) {
		app->warning_cb = opts->warning_cb;
		app->warning_payload = opts->warning_payload;
		app->threads = opts->threads;
		if (opts->version >= 2)
			app->cancel = opts->cancel;
		if (opts->context_json) {
			rc = merge_context(app, opts->context_json);
			if (rc < 0) {
				ecra_app_free(app);
				return rc;
			}
		}
	}
	*out = app;
	return 0;
}

static void stack_free(ecra_stack *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->child_count; i++) {
		switch (s->children[i].kind) {
		case CHILD_ASSET:
			ecra_image_asset_free_(s->children[i].u.asset);
			break;
		case CHILD_ROLE:
			ecra_role_free_(s->children[i].u.role);
			break;
		case CHILD_OUTPUT:
			ecra_output_free_(s->children[i].u.output);
			break;
		}
	}
	ecra_free(s->children);
	ecra_free(s->assets);
	ecra_free(s->id);
	ecra_free(s->stack_name);
	ecra_free(s->account);
	ecra_free(s->region);
	ecra_free(s->environment);
	ecra_free(s->description);
	ecra_free(s->qualifier);
	ecra_free(s->docker_tag_prefix);
	ecra_free(s->repository_name);
	ecra_free(s->image_role_arn);
	ecra_free(s->image_external_id);
	ecra_free(s->bucket_name);
	ecra_free(s->bucket_prefix);
	ecra_free(s->file_role_arn);
	ecra_free(s->file_external_id);
	ecra_free(s->deploy_role_arn);
	ecra_free(s->deploy_external_id);
	ecra_free(s->cfn_exec_role_arn);
	ecra_free(s->lookup_role_arn);
	ecra_free(s->lookup_external_id);
	ecra_free(s->ssm_parameter);
	ecra_free(s);
}

void ecra_app_free(ecra_app *app)
{
	size_t i;

	if (app == NULL)
		return;
	for (i = 0; i < app->stack_count; i++)
		stack_free(app->stacks[i]);
	ecra_free(app->stacks);
	ecra_free(app->outdir);
	ecra_free(app->outdir_fs);
	ecra_free(app->app_dir);
	ecra_json_free(app->context);
	ecra_strvec_dispose(&app->warnings);
	ecra_free(app);
}

int ecra_app_set_context_json(ecra_app *app, const char *json_text)
{
	ECRA_ASSERT_ARG(app);
	ECRA_ASSERT_ARG(json_text);
	return merge_context(app, json_text);
}

static int set_context_value(ecra_app *app, const char *key, ecra_json *v)
{
	if (v == NULL)
		return ECRA_ENOMEM;
	if (app->stack_count > 0) {
		ecra_json_free(v);
		return ecra_error_set(ECRA_EINVALID,
		    "Cannot set context after children have been added");
	}
	return ecra_json_set_new(app->context, key, v);
}

int ecra_app_set_context(ecra_app *app, const char *key, const char *value_json)
{
	ecra_json *v = NULL;
	int rc;

	ECRA_ASSERT_ARG(app);
	ECRA_ASSERT_ARG(key);
	ECRA_ASSERT_ARG(value_json);
	rc = ecra_json_parse(&v, value_json, strlen(value_json), key, 0);
	if (rc < 0)
		return rc;
	return set_context_value(app, key, v);
}

int ecra_app_set_context_string(
    ecra_app *app, const char *key, const char *value)
{
	ECRA_ASSERT_ARG(app);
	ECRA_ASSERT_ARG(key);
	ECRA_ASSERT_ARG(value);
	return set_context_value(app, key, ecra_json_str(value));
}

int ecra_app_set_context_bool(ecra_app *app, const char *key, bool value)
{
	ECRA_ASSERT_ARG(app);
	ECRA_ASSERT_ARG(key);
	return set_context_value(app, key, ecra_json_bool(value));
}

int ecra_app_get_context_json(char **out, const ecra_app *app, const char *key)
{
	ecra_buf b = ECRA_BUF_INIT(0);
	ecra_json *v;
	int rc;

	ECRA_ASSERT_ARG(out);
	*out = NULL;
	ECRA_ASSERT_ARG(app);
	ECRA_ASSERT_ARG(key);
	v = ecra_json_get(app->context, key);
	if (v == NULL)
		return 0;
	rc = ecra_json_write(&b, v, 0);
	if (rc < 0) {
		ecra_buf_dispose(&b);
		return rc;
	}
	*out = ecra_buf_detach(&b);
	return 0;
}

const char *ecra_app_outdir(const ecra_app *app)
{
	return app ? app->outdir : NULL;
}

size_t ecra_app_warning_count(const ecra_app *app)
{
	return app ? app->warnings.count : 0;
}

const char *ecra_app_warning(const ecra_app *app, size_t i)
{
	return app && i < app->warnings.count ? app->warnings.items[i] : NULL;
}

size_t ecra_app_stack_count(const ecra_app *app)
{
	return app ? app->stack_count : 0;
}

ecra_stack *ecra_app_stack_at(const ecra_app *app, size_t i)
{
	return app && i < app->stack_count ? app->stacks[i] : NULL;
}

ecra_stack *ecra_app_find_stack(const ecra_app *app, const char *id)
{
	size_t i;

	if (app == NULL || id == NULL)
		return NULL;
	for (i = 0; i < app->stack_count; i++)
		if (strcmp(app->stacks[i]->id, id) == 0)
			return app->stacks[i];
	return NULL;
}

/* constructs sanitises ids: every '/' becomes "--". */
static char *sanitize_id(const char *id)
{
	return replace_all(id, "/", "--");
}

static bool valid_stack_name(const char *n)
{
	const char *p;

	if (!((*n >= 'A' && *n <= 'Z') || (*n >= 'a' && *n <= 'z')))
		return false;
	for (p = n + 1; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		        (*p >= '0' && *p <= '9') || *p == '-'))
			return false;
	return true;
}

/* Specialise a synthesizer template: ${Qualifier}, then the literal
 * account and region when known. */
static char *specialize(const ecra_stack *s, const char *tmpl, bool env)
{
	char *a = NULL, *b = NULL;

	a = replace_all(tmpl, "${Qualifier}", s->qualifier);
	if (a == NULL || !env)
		return a;
	if (s->account) {
		b = replace_all(a, "${AWS::AccountId}", s->account);
		ecra_free(a);
		a = b;
		if (a == NULL)
			return NULL;
	}
	if (s->region) {
		b = replace_all(a, "${AWS::Region}", s->region);
		ecra_free(a);
		a = b;
	}
	return a;
}

#define ROLE_PREFIX "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/"
#define ENV_SUFFIX  "-${AWS::AccountId}-${AWS::Region}"

static int set_spec(char **field, const ecra_stack *s, const char *given,
    const char *def, bool env)
{
	if (given == NULL && def == NULL)
		return 0;
	*field = specialize(s, given ? given : def, env);
	return *field ? 0 : ecra_error_set(ECRA_ENOMEM, "out of memory");
}

static int configure_synth(ecra_stack *s, const ecra_synthesizer_options *o)
{
	ecra_json *q;
	int rc = 0;

	if (o->qualifier)
		s->qualifier = ecra_strdup(o->qualifier);
	else {
		q = ecra_assembly_context(
		    s->app, "@aws-cdk/core:bootstrapQualifier");
		s->qualifier =
		    ecra_strdup(ecra_json_string(q) ? ecra_json_string(q)
		                                    : ECRA_DEFAULT_QUALIFIER);
	}
	if (s->qualifier == NULL)
		return ecra_error_set(ECRA_ENOMEM, "out of memory");
	s->bootstrap_rule = o->generate_bootstrap_version_rule != ECRA_FALSE;
	if ((rc = set_spec(&s->docker_tag_prefix, s, o->docker_tag_prefix, "",
	         true)) < 0 ||
	    (rc = set_spec(&s->repository_name, s,
	         o->image_assets_repository_name,
	         "cdk-${Qualifier}-container-assets" ENV_SUFFIX, true)) < 0 ||
	    (rc = set_spec(&s->image_role_arn, s,
	         o->image_asset_publishing_role_arn,
	         ROLE_PREFIX
	         "cdk-${Qualifier}-image-publishing-role" ENV_SUFFIX,
	         true)) < 0 ||
	    (rc = set_spec(&s->image_external_id, s,
	         o->image_asset_publishing_external_id, NULL, true)) < 0 ||
	    (rc = set_spec(&s->bucket_name, s, o->file_assets_bucket_name,
	         "cdk-${Qualifier}-assets" ENV_SUFFIX, true)) < 0 ||
	    (rc = set_spec(&s->bucket_prefix, s, o->bucket_prefix, "", true)) <
	        0 ||
	    (rc = set_spec(&s->file_role_arn, s,
	         o->file_asset_publishing_role_arn,
	         ROLE_PREFIX "cdk-${Qualifier}-file-publishing-role" ENV_SUFFIX,
	         true)) < 0 ||
	    (rc = set_spec(&s->file_external_id, s,
	         o->file_asset_publishing_external_id, NULL, true)) < 0 ||
	    (rc = set_spec(&s->deploy_role_arn, s, o->deploy_role_arn,
	         ROLE_PREFIX "cdk-${Qualifier}-deploy-role" ENV_SUFFIX, true)) <
	        0 ||
	    (rc = set_spec(&s->deploy_external_id, s,
	         o->deploy_role_external_id, NULL, true)) < 0 ||
	    (rc = set_spec(&s->cfn_exec_role_arn, s,
	         o->cloudformation_execution_role,
	         ROLE_PREFIX "cdk-${Qualifier}-cfn-exec-role" ENV_SUFFIX,
	         true)) < 0 ||
	    (rc = set_spec(&s->lookup_role_arn, s, o->lookup_role_arn,
	         ROLE_PREFIX "cdk-${Qualifier}-lookup-role" ENV_SUFFIX, true)) <
	        0 ||
	    (rc = set_spec(&s->lookup_external_id, s,
	         o->lookup_role_external_id, NULL, true)) < 0 ||
	    (rc = set_spec(&s->ssm_parameter, s,
	         o->bootstrap_stack_version_ssm_parameter,
	         "/cdk-bootstrap/${Qualifier}/version", false)) < 0)
		return rc;
	return 0;
}

/* The JavaScript length of a UTF-8 string: UTF-16 code units. */
static size_t utf16_length(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c & 0xC0) != 0x80)
			n += c >= 0xF0 ? 2 : 1;
	}
	return n;
}

int ecra_app_add_stack(ecra_stack **out, ecra_app *app, const char *id,
    const ecra_stack_options *opts)
{
	ecra_stack_options defaults = ECRA_STACK_OPTIONS_INIT;
	ecra_stack *s = NULL, **grown;
	char *sid = NULL;
	size_t i;
	int rc = 0;

	if (out)
		*out = NULL;
	ECRA_ASSERT_ARG(app);
	ECRA_ASSERT_ARG(id);
	ECRA_CHECK_VERSION(
	    opts, ECRA_STACK_OPTIONS_VERSION, ecra_stack_options);
	if (opts == NULL)
		opts = &defaults;
	if (*id == '\0')
		return ecra_error_set(
		    ECRA_EINVALID, "Only root constructs may have an empty ID");
	sid = sanitize_id(id);
	if (sid == NULL)
		return ecra_error_set(ECRA_ENOMEM, "out of memory");
	for (i = 0; i < app->stack_count; i++) {
		if (strcmp(app->stacks[i]->id, sid) == 0) {
			rc = ecra_error_set(ECRA_EEXISTS,
			    "There is already a Construct with name '%s' in "
			    "App",
			    sid);
			goto done;
		}
	}
	if (strcmp(sid, "Tree") == 0) {
		rc = ecra_error_set(ECRA_EEXISTS,
		    "There is already a Construct with name 'Tree' in App");
		goto done;
	}
	/* aws-cdk-lib checks description.length (UTF-16 code units) > 512
	 * first, with a message that says bytes. */
	if (opts->description != NULL &&
	    utf16_length(opts->description) > 512) {
		rc = ecra_error_set(ECRA_EINVALID,
		    "Stack description must be <= 1024 bytes. Received "
		    "description: '%s'",
		    opts->description);
		goto done;
	}
	if (!valid_stack_name(opts->stack_name ? opts->stack_name : sid)) {
		rc = ecra_error_set(ECRA_EINVALID,
		    "Stack name must match the regular expression: "
		    "/^[A-Za-z][A-Za-z0-9-]*$/, got '%s'",
		    opts->stack_name ? opts->stack_name : sid);
		goto done;
	}
	s = ecra_calloc(1, sizeof(*s));
	if (s == NULL) {
		rc = ECRA_ENOMEM;
		goto done;
	}
	s->app = app;
	s->id = sid;
	sid = NULL;
	s->stack_name =
	    ecra_strdup(opts->stack_name ? opts->stack_name : s->id);
	s->account = opts->account ? ecra_strdup(opts->account) : NULL;
	s->region = opts->region ? ecra_strdup(opts->region) : NULL;
	s->description =
	    opts->description ? ecra_strdup(opts->description) : NULL;
	s->termination_protection = opts->termination_protection;
	if (s->stack_name == NULL || (opts->account && !s->account) ||
	    (opts->region && !s->region) ||
	    (opts->description && !s->description)) {
		rc = ecra_error_set(ECRA_ENOMEM, "out of memory");
		goto done;
	}
	{
		ecra_buf b = ECRA_BUF_INIT(0);

		if (ecra_buf_printf(&b, "aws://%s/%s",
		        s->account ? s->account : "unknown-account",
		        s->region ? s->region : "unknown-region") < 0) {
			ecra_buf_dispose(&b);
			rc = ECRA_ENOMEM;
			goto done;
		}
		s->environment = ecra_buf_detach(&b);
	}
	rc = configure_synth(s, &opts->synthesizer);
	if (rc < 0)
		goto done;
	grown = ecra_realloc(
	    app->stacks, (app->stack_count + 1) * sizeof(*app->stacks));
	if (grown == NULL) {
		rc = ecra_error_set(ECRA_ENOMEM, "out of memory");
		goto done;
	}
	app->stacks = grown;
	app->stacks[app->stack_count++] = s;
	if (out)
		*out = s;
	s = NULL;
done:
	ecra_free(sid);
	stack_free(s);
	return rc;
}

int ecra_assembly_check_child_id(ecra_stack *stack, const char *id)
{
	size_t i;
	const char *cid;

	if (*id == '\0')
		return ecra_error_set(
		    ECRA_EINVALID, "Only root constructs may have an empty ID");
	if (strchr(id, '/'))
		return ecra_error_set(ECRA_EINVALID,
		    "construct id '%s' must not contain '/'", id);
	if (strcmp(id, "BootstrapVersion") == 0 ||
	    strcmp(id, "CheckBootstrapVersion") == 0)
		return ecra_error_set(ECRA_EINVALID,
		    "construct id '%s' is reserved by the synthesizer", id);
	for (i = 0; i < stack->child_count; i++) {
		const ecra_child *c = &stack->children[i];

		cid = c->kind == CHILD_ASSET  ? c->u.asset->id
		      : c->kind == CHILD_ROLE ? c->u.role->id
		                              : c->u.output->id;
		if (strcmp(cid, id) == 0)
			return ecra_error_set(ECRA_EEXISTS,
			    "There is already a Construct with name '%s' in "
			    "Stack [%s]",
			    id, stack->id);
	}
	return 0;
}

int ecra_assembly_add_child(ecra_stack *stack, ecra_child child)
{
	ecra_child *grown;

	grown = ecra_realloc(
	    stack->children, (stack->child_count + 1) * sizeof(*grown));
	if (grown == NULL)
		return ecra_error_set(ECRA_ENOMEM, "out of memory");
	stack->children = grown;
	if (child.kind == CHILD_ASSET) {
		ecra_image_asset **ga = ecra_realloc(
		    stack->assets, (stack->asset_count + 1) * sizeof(*ga));

		if (ga == NULL)
			return ecra_error_set(ECRA_ENOMEM, "out of memory");
		stack->assets = ga;
		stack->assets[stack->asset_count++] = child.u.asset;
	}
	stack->children[stack->child_count++] = child;
	return 0;
}

const char *ecra_stack_id(const ecra_stack *stack)
{
	return stack ? stack->id : NULL;
}

const char *ecra_stack_name(const ecra_stack *stack)
{
	return stack ? stack->stack_name : NULL;
}

const char *ecra_stack_environment(const ecra_stack *stack)
{
	return stack ? stack->environment : NULL;
}

const char *ecra_stack_qualifier(const ecra_stack *stack)
{
	return stack ? stack->qualifier : NULL;
}

size_t ecra_stack_asset_count(const ecra_stack *stack)
{
	return stack ? stack->asset_count : 0;
}

ecra_image_asset *ecra_stack_asset_at(const ecra_stack *stack, size_t i)
{
	return stack && i < stack->asset_count ? stack->assets[i] : NULL;
}

ecra_image_asset *ecra_stack_find_asset(const ecra_stack *stack, const char *id)
{
	size_t i;

	if (stack == NULL || id == NULL)
		return NULL;
	for (i = 0; i < stack->asset_count; i++)
		if (strcmp(stack->assets[i]->id, id) == 0)
			return stack->assets[i];
	return NULL;
}

ecra_role *ecra_stack_find_role(const ecra_stack *stack, const char *id)
{
	size_t i;

	if (stack == NULL || id == NULL)
		return NULL;
	for (i = 0; i < stack->child_count; i++)
		if (stack->children[i].kind == CHILD_ROLE &&
		    strcmp(stack->children[i].u.role->id, id) == 0)
			return stack->children[i].u.role;
	return NULL;
}
