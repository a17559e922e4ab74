/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/assembly/validation.c - construction errors and defaults as
 * aws-cdk-lib reports them (spec §4.2, §5) and the exclude list order.
 */
#include "fixture.h"

#include "assembly/assembly.h"

static char dir[4096];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "%s", sandbox_dir());
	make_contexts_ab(dir);
	make_probe(dir);
	write_text(dir, "sub/ctx/sub/Dockerfile.prod", "FROM x\n");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sandbox_cleanup(dir);
	return 0;
}

static ecra_app *new_app(const char *ctx, ecra_stack **s)
{
	ecra_app_options ao = ECRA_APP_OPTIONS_INIT;
	ecra_app *app = NULL;

	ao.outdir = "/abs/out";
	ao.context_json = ctx;
	assert_ok(ecra_app_new(&app, &ao));
	assert_ok(ecra_app_add_stack(s, app, "S", NULL));
	return app;
}

static void test_missing_paths(void **state)
{
	ecra_docker_image_asset_options o =
	    ECRA_DOCKER_IMAGE_ASSET_OPTIONS_INIT;
	ecra_tarball_image_asset_options t =
	    ECRA_TARBALL_IMAGE_ASSET_OPTIONS_INIT;
	ecra_stack *s;
	ecra_app *app = new_app(NULL, &s);
	char path[4200], msg[4400];

	(void)state;
	o.directory = join2(path, sizeof(path), dir, "nope");
	assert_fails_with(ECRA_ENOTFOUND,
	    ecra_stack_add_docker_image_asset(NULL, s, "I", &o));
	snprintf(msg, sizeof(msg), "Cannot find image directory at %s", path);
	assert_string_equal(ecra_error_last()->message, msg);

	/* A directory without a Dockerfile. */
	o.directory = join2(path, sizeof(path), dir, "sub");
	assert_fails_with(ECRA_ENOTFOUND,
	    ecra_stack_add_docker_image_asset(NULL, s, "I", &o));
	snprintf(msg, sizeof(msg), "Cannot find file at %s/Dockerfile", path);
	assert_string_equal(ecra_error_last()->message, msg);

	o.directory = join2(path, sizeof(path), dir, "A");
	o.file = "nope/Dockerfile";
	assert_fails_with(ECRA_ENOTFOUND,
	    ecra_stack_add_docker_image_asset(NULL, s, "I", &o));
	snprintf(
	    msg, sizeof(msg), "Cannot find file at %s/nope/Dockerfile", path);
	assert_string_equal(ecra_error_last()->message, msg);

	t.tarball_file = "/nonexistent/x.tar";
	assert_fails_with(ECRA_ENOTFOUND,
	    ecra_stack_add_tarball_image_asset(NULL, s, "T", &t));
	assert_string_equal(ecra_error_last()->message,
	    "Cannot find file at /nonexistent/x.tar");
	/* Nothing was added by the failures. */
	assert_int_equal(ecra_stack_asset_count(s), 0);
	ecra_app_free(app);
}

static void test_relative_directory_resolves(void **state)
{
	ecra_docker_image_asset_options o =
	    ECRA_DOCKER_IMAGE_ASSET_OPTIONS_INIT;
	ecra_image_asset *a = NULL;
	ecra_stack *s;
	ecra_app *app = new_app(NULL, &s);
	char cwd[4096];

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dir), 0);
	o.directory = "./x/../A/";
	assert_ok(ecra_stack_add_docker_image_asset(&a, s, "I", &o));
	assert_int_equal(chdir(cwd), 0);
	assert_string_equal(ecra_image_asset_hash(a), HASH_A);
	ecra_app_free(app);
}

static void test_duplicates_and_names(void **state)
{
	ecra_docker_image_asset_options o =
	    ECRA_DOCKER_IMAGE_ASSET_OPTIONS_INIT;
	ecra_role_options ro = ECRA_ROLE_OPTIONS_INIT;
	ecra_output_options oo = ECRA_OUTPUT_OPTIONS_INIT;
	ecra_stack *s, *t = NULL;
	ecra_app *app = new_app(NULL, &s);
	char path[4200];

	(void)state;
	o.directory = join2(path, sizeof(path), dir, "A");
	assert_ok(ecra_stack_add_docker_image_asset(NULL, s, "I", &o));
	assert_fails_with(
	    ECRA_EEXISTS, ecra_stack_add_docker_image_asset(NULL, s, "I", &o));
	assert_string_equal(ecra_error_last()->message,
	    "There is already a Construct with name 'I' in Stack [S]");
	ro.assumed_by = "ecs-tasks.amazonaws.com";
	assert_fails_with(ECRA_EEXISTS, ecra_stack_add_role(NULL, s, "I", &ro));
	oo.string_value = "v";
	assert_fails_with(ECRA_EEXISTS, ecra_stack_add_output(s, "I", &oo));
	assert_fails_with(
	    ECRA_EEXISTS, ecra_app_add_stack(NULL, app, "S", NULL));
	assert_string_equal(ecra_error_last()->message,
	    "There is already a Construct with name 'S' in App");
	assert_fails_with(
	    ECRA_EINVALID, ecra_app_add_stack(NULL, app, "1x", NULL));
	assert_string_equal(ecra_error_last()->message,
	    "Stack name must match the regular expression: "
	    "/^[A-Za-z][A-Za-z0-9-]*$/, got '1x'");
	assert_fails_with(
	    ECRA_EINVALID, ecra_app_add_stack(NULL, app, "", NULL));
	/* constructs turns '/' into "--". */
	assert_ok(ecra_app_add_stack(&t, app, "a/b", NULL));
	assert_string_equal(ecra_stack_id(t), "a--b");
	/* Context is frozen once children exist. */
	assert_fails_with(
	    ECRA_EINVALID, ecra_app_set_context_string(app, "k", "v"));
	assert_string_equal(ecra_error_last()->message,
	    "Cannot set context after children have been added");
	ecra_app_free(app);
}

static void test_roles_and_outputs(void **state)
{
	ecra_role_options ro = ECRA_ROLE_OPTIONS_INIT;
	ecra_output_options oo = ECRA_OUTPUT_OPTIONS_INIT;
	ecra_stack *s;
	ecra_app *app = new_app(NULL, &s);

	(void)state;
	assert_fails_with(
	    ECRA_EINVALID, ecra_stack_add_role(NULL, s, "R", &ro));
	ro.assumed_by = "x";
	ro.role_arn = "arn:aws:iam::1:role/x";
	assert_fails_with(
	    ECRA_EINVALID, ecra_stack_add_role(NULL, s, "R", &ro));
	ro.assumed_by = NULL;
	ro.role_arn = "nonsense";
	assert_fails_with(
	    ECRA_EINVALID, ecra_stack_add_role(NULL, s, "R", &ro));
	assert_string_equal(ecra_error_last()->message,
	    "ARNs must start with \"arn:\" and have at least 6 components: "
	    "nonsense");
	oo.kind = ECRA_OUTPUT_IMAGE_URI;
	assert_fails_with(ECRA_EINVALID, ecra_stack_add_output(s, "O", &oo));
	ecra_app_free(app);
}

static void expect_excludes(const ecra_image_asset *a, const char *const *want)
{
	size_t i;

	for (i = 0; want[i]; i++) {
		assert_true(i < a->exclude.count);
		assert_string_equal(a->exclude.items[i], want[i]);
	}
	assert_int_equal(i, a->exclude.count);
}

static void test_exclude_order(void **state)
{
	ecra_docker_image_asset_options o =
	    ECRA_DOCKER_IMAGE_ASSET_OPTIONS_INIT;
	const char *user[] = { "foo", "bar" };
	ecra_image_asset *a = NULL, *b = NULL;
	ecra_stack *s;
	ecra_app *app = new_app(NULL, &s);
	char path[4200];
	static const char *const want_probe[] = { ".is_custom_resource",
		"node_modules", "*.log", "!keep.log", "foo", "bar",
		"!.dockerignore", "!Dockerfile", "/abs/out", NULL };
	static const char *const want_sub[] = { ".is_custom_resource",
		"!Dockerfile.prod", "/abs/out", NULL };

	(void)state;
	o.directory = join2(path, sizeof(path), dir, "image");
	o.exclude = user;
	o.exclude_count = 2;
	assert_ok(ecra_stack_add_docker_image_asset(&a, s, "I", &o));
	expect_excludes(a, want_probe);
	assert_int_equal(a->ignore_mode, ECRA_IGNORE_DOCKER);
	o.directory = join2(path, sizeof(path), dir, "sub/ctx");
	o.exclude = NULL;
	o.exclude_count = 0;
	o.file = "sub/Dockerfile.prod";
	assert_ok(ecra_stack_add_docker_image_asset(&b, s, "J", &o));
	expect_excludes(b, want_sub);
	ecra_app_free(app);
}

static void collect(const char *msg, void *payload)
{
	(*(int *)payload)++;
	assert_non_null(strstr(msg, "dockerIgnoreSupport"));
}

static void test_docker_ignore_flag(void **state)
{
	ecra_app_options ao = ECRA_APP_OPTIONS_INIT;
	ecra_docker_image_asset_options o =
	    ECRA_DOCKER_IMAGE_ASSET_OPTIONS_INIT;
	ecra_image_asset *a = NULL;
	ecra_stack *s = NULL;
	ecra_app *app = NULL;
	char path[4200];
	int calls = 0;

	(void)state;
	ao.outdir = "/abs/out";
	ao.warning_cb = collect;
	ao.warning_payload = &calls;
	assert_ok(ecra_app_new(&app, &ao));
	assert_ok(ecra_app_set_context_bool(
	    app, "@aws-cdk/aws-ecr-assets:dockerIgnoreSupport", true));
	assert_ok(ecra_app_add_stack(&s, app, "S", NULL));
	o.directory = join2(path, sizeof(path), dir, "image");
	assert_ok(ecra_stack_add_docker_image_asset(&a, s, "I", &o));
	assert_int_equal(a->ignore_mode, ECRA_IGNORE_DOCKER);
	assert_int_equal(ecra_app_warning_count(app), 1);
	assert_int_equal(calls, 1);
	assert_non_null(strstr(ecra_app_warning(app, 0), "CDK") ||
	                        strstr(ecra_app_warning(app, 0), "cdk")
	                    ? ecra_app_warning(app, 0)
	                    : NULL);
	ecra_app_free(app);

	/* false: GLOB becomes the default (aws-cdk-lib v1 semantics). */
	ao.context_json =
	    "{\"@aws-cdk/aws-ecr-assets:dockerIgnoreSupport\":false}";
	assert_ok(ecra_app_new(&app, &ao));
	assert_ok(ecra_app_add_stack(&s, app, "S", NULL));
	assert_ok(ecra_stack_add_docker_image_asset(&a, s, "I", &o));
	assert_int_equal(a->ignore_mode, ECRA_IGNORE_GLOB);
	assert_string_equal(ecra_image_asset_hash(a), HASH_PROBE_GLOB);
	assert_int_equal(calls, 2);
	ecra_app_free(app);
}

static void test_repository_name_warning(void **state)
{
	ecra_docker_image_asset_options o =
	    ECRA_DOCKER_IMAGE_ASSET_OPTIONS_INIT;
	ecra_stack *s;
	ecra_app *app = new_app(NULL, &s);
	char path[4200];

	(void)state;
	o.directory = join2(path, sizeof(path), dir, "A");
	o.repository_name = "legacy";
	assert_ok(ecra_stack_add_docker_image_asset(NULL, s, "I", &o));
	assert_int_equal(ecra_app_warning_count(app), 1);
	assert_non_null(strstr(ecra_app_warning(app, 0),
	    "DockerImageAsset.repositoryName is deprecated"));
	assert_null(ecra_app_warning(app, 1));
	ecra_app_free(app);
}

static void test_bad_options(void **state)
{
	ecra_docker_image_asset_options o =
	    ECRA_DOCKER_IMAGE_ASSET_OPTIONS_INIT;
	ecra_docker_cache_option bad = { 0 };
	ecra_stack *s;
	ecra_app *app = new_app(NULL, &s);
	char path[4200];

	(void)state;
	assert_fails_with(
	    ECRA_EINVALID, ecra_stack_add_docker_image_asset(NULL, s, "I", &o));
	o.directory = join2(path, sizeof(path), dir, "A");
	o.cache_to = &bad;
	assert_fails_with(
	    ECRA_EINVALID, ecra_stack_add_docker_image_asset(NULL, s, "I", &o));
	o.cache_to = NULL;
	o.version = 99;
	assert_fails_with(
	    ECRA_EINVALID, ecra_stack_add_docker_image_asset(NULL, s, "I", &o));
	assert_fails_with(ECRA_EINVALID, ecra_app_set_context_json(app, "[1]"));
	ecra_app_free(app);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_missing_paths),
		cmocka_unit_test(test_relative_directory_resolves),
		cmocka_unit_test(test_duplicates_and_names),
		cmocka_unit_test(test_roles_and_outputs),
		cmocka_unit_test(test_exclude_order),
		cmocka_unit_test(test_docker_ignore_flag),
		cmocka_unit_test(test_repository_name_warning),
		cmocka_unit_test(test_bad_options),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
