/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/assembly/hashes.c - asset hashes, tags and URIs equal to
 * what aws-cdk-lib 2.276.0 computes (spec §4.3, §5, §8).
 */
#include "fixture.h"

static char dir[4096];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "%s", sandbox_dir());
	make_contexts_ab(dir);
	make_probe(dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sandbox_cleanup(dir);
	return 0;
}

/* Add a docker asset for dir/rel to a fresh app; returns its hash. */
static void docker_hash(char out[65], const char *outdir, const char *ctx,
    const char *rel, const ecra_docker_image_asset_options *base)
{
	ecra_app_options ao = ECRA_APP_OPTIONS_INIT;
	ecra_docker_image_asset_options o =
	    ECRA_DOCKER_IMAGE_ASSET_OPTIONS_INIT;
	ecra_app *app = NULL;
	ecra_stack *s = NULL;
	ecra_image_asset *a = NULL;
	char path[4200];

	if (base)
		o = *base;
	ao.outdir = outdir;
	ao.context_json = ctx;
	assert_ok(ecra_app_new(&app, &ao));
	assert_ok(ecra_app_add_stack(&s, app, "S", NULL));
	o.directory = join2(path, sizeof(path), dir, rel);
	assert_ok(ecra_stack_add_docker_image_asset(&a, s, "Img", &o));
	snprintf(out, 65, "%s", ecra_image_asset_hash(a));
	ecra_app_free(app);
}

static void test_context_a(void **state)
{
	ecra_docker_image_asset_options o =
	    ECRA_DOCKER_IMAGE_ASSET_OPTIONS_INIT;
	ecra_kv args[] = { { "A", "1" } };
	char h[65];

	(void)state;
	docker_hash(h, "/nonexistent/abs.out", NULL, "A", NULL);
	assert_string_equal(h, HASH_A);
	docker_hash(h, "cdk.out", NULL, "A", NULL);
	assert_string_equal(h, HASH_A);
	o.build_args = args;
	o.build_args_count = 1;
	docker_hash(h, "cdk.out", NULL, "A", &o);
	assert_string_equal(h, HASH_A_ARGS);
}

static void test_context_b_outdir(void **state)
{
	char h[65];

	(void)state;
	/* An absolute outdir does not exclude <ctx>/cdk.out; a relative
	 * "cdk.out" does. */
	docker_hash(h, "/nonexistent/abs.out", NULL, "B", NULL);
	assert_string_equal(h, HASH_B_ABS);
	docker_hash(h, "cdk.out", NULL, "B", NULL);
	assert_string_equal(h, HASH_A);
}

static void test_probe(void **state)
{
	ecra_docker_image_asset_options o =
	    ECRA_DOCKER_IMAGE_ASSET_OPTIONS_INIT;
	ecra_kv args[] = { { "B", "2" }, { "A", "1" } };
	ecra_kv params[] = { { "ref", "repo:cache" } };
	ecra_docker_cache_option cf = {
		.type = "registry", .params = params, .params_count = 1
	};
	ecra_docker_cache_option ct = { .type = "inline" };
	char h[65];

	(void)state;
	o.build_args = args;
	o.build_args_count = 2;
	o.platform = ECRA_PLATFORM_LINUX_AMD64;
	o.network_mode = ECRA_NETWORK_MODE_HOST;
	o.target = "prod";
	o.cache_from = &cf;
	o.cache_from_count = 1;
	o.cache_to = &ct;
	docker_hash(h, "/x/out", NULL, "image", &o);
	assert_string_equal(h, HASH_PROBE);
	/* Cache options are not hashed. */
	o.cache_from = NULL;
	o.cache_from_count = 0;
	o.cache_to = NULL;
	o.cache_disabled = ECRA_TRUE;
	docker_hash(h, "/x/out", NULL, "image", &o);
	assert_string_equal(h, HASH_PROBE);
}

static void test_probe_env_variant(void **state)
{
	ecra_docker_image_asset_options o =
	    ECRA_DOCKER_IMAGE_ASSET_OPTIONS_INIT;
	char h[65];

	(void)state;
	o.asset_name = "web";
	o.extra_hash = "salt-1";
	docker_hash(h, "/x/out", NULL, "image", &o);
	assert_string_equal(h, HASH_PROBE_ENV);
}

static void test_salt_and_glob(void **state)
{
	ecra_docker_image_asset_options o =
	    ECRA_DOCKER_IMAGE_ASSET_OPTIONS_INIT;
	char h[65];

	(void)state;
	docker_hash(h, "/x/out", "{\"@aws-cdk/core:assetHashSalt\":\"abc\"}",
	    "image", NULL);
	assert_string_equal(h, HASH_PROBE_SALT);
	o.has_ignore_mode = true;
	o.ignore_mode = ECRA_IGNORE_GLOB;
	docker_hash(h, "/x/out", NULL, "image", &o);
	assert_string_equal(h, HASH_PROBE_GLOB);
}

static void test_tarball(void **state)
{
	ecra_app_options ao = ECRA_APP_OPTIONS_INIT;
	ecra_tarball_image_asset_options t =
	    ECRA_TARBALL_IMAGE_ASSET_OPTIONS_INIT;
	ecra_app *app = NULL;
	ecra_stack *s = NULL;
	ecra_image_asset *a = NULL, *b = NULL;
	char path[4200];

	(void)state;
	ao.outdir = "/x/out";
	assert_ok(ecra_app_new(&app, &ao));
	assert_ok(ecra_app_add_stack(&s, app, "S", NULL));
	t.tarball_file = join2(path, sizeof(path), dir, "image.tar");
	assert_ok(ecra_stack_add_tarball_image_asset(&a, s, "T", &t));
	assert_string_equal(ecra_image_asset_hash(a), HASH_TAR);
	assert_string_equal(ecra_image_asset_image_tag(a), HASH_TAR);
	assert_string_equal(
	    ecra_image_asset_staged_path(a), "asset." HASH_TAR ".tar");
	assert_int_equal(
	    ecra_image_asset_get_kind(a), ECRA_IMAGE_ASSET_TARBALL);
	ecra_app_free(app);

	ao.context_json = "{\"@aws-cdk/core:assetHashSalt\":\"abc\"}";
	assert_ok(ecra_app_new(&app, &ao));
	assert_ok(ecra_app_add_stack(&s, app, "S", NULL));
	assert_ok(ecra_stack_add_tarball_image_asset(&b, s, "T", &t));
	assert_string_equal(ecra_image_asset_hash(b), HASH_TAR_SALT);
	ecra_app_free(app);
}

static void test_locations(void **state)
{
	ecra_app_options ao = ECRA_APP_OPTIONS_INIT;
	ecra_stack_options so = ECRA_STACK_OPTIONS_INIT;
	ecra_docker_image_asset_options o =
	    ECRA_DOCKER_IMAGE_ASSET_OPTIONS_INIT;
	ecra_app *app = NULL;
	ecra_stack *s = NULL, *e = NULL;
	ecra_image_asset *a = NULL, *b = NULL;
	char path[4200], *json = NULL;

	(void)state;
	ao.outdir = "/x/out";
	assert_ok(ecra_app_new(&app, &ao));
	assert_ok(ecra_app_add_stack(&s, app, "S", NULL));
	o.directory = join2(path, sizeof(path), dir, "A");
	assert_ok(ecra_stack_add_docker_image_asset(&a, s, "Img", &o));
	assert_string_equal(ecra_image_asset_image_uri(a),
	    "${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/"
	    "cdk-hnb659fds-container-assets-${AWS::AccountId}-${AWS::Region}"
	    ":" HASH_A);
	assert_string_equal(ecra_image_asset_manifest_key(a), HASH_A);
	assert_ok(ecra_image_asset_attribute_json(
	    &json, a, ECRA_ATTR_REPOSITORY_NAME));
	assert_string_equal(json,
	    "{\"Fn::Sub\":\"cdk-hnb659fds-container-assets-${AWS::AccountId}-"
	    "${AWS::Region}\"}");
	ecra_free(json);
	assert_ok(ecra_image_asset_attribute_json(
	    &json, a, ECRA_ATTR_REPOSITORY_ARN));
	assert_string_equal(json,
	    "{\"Fn::Join\":[\"\",[\"arn:\",{\"Ref\":\"AWS::Partition\"},\":ecr:"
	    "\",{\"Ref\":\"AWS::Region\"},\":\",{\"Ref\":\"AWS::AccountId\"},"
	    "\":repository/\",{\"Fn::Sub\":\"cdk-hnb659fds-container-assets-${"
	    "AWS::AccountId}-${AWS::Region}\"}]]}");
	ecra_free(json);

	so.account = "123456789012";
	so.region = "eu-west-1";
	so.synthesizer.docker_tag_prefix = "pre-";
	assert_ok(ecra_app_add_stack(&e, app, "EnvStack", &so));
	o.asset_name = "web";
	assert_ok(ecra_stack_add_docker_image_asset(&b, e, "Img", &o));
	assert_string_equal(ecra_image_asset_image_tag(b), "pre-" HASH_A);
	assert_string_equal(ecra_image_asset_manifest_key(b), "web-" HASH_A);
	assert_string_equal(ecra_image_asset_image_uri(b),
	    "123456789012.dkr.ecr.eu-west-1.${AWS::URLSuffix}/"
	    "cdk-hnb659fds-container-assets-123456789012-eu-west-1:"
	    "pre-" HASH_A);
	assert_ok(
	    ecra_image_asset_attribute_json(&json, b, ECRA_ATTR_IMAGE_TAG));
	assert_string_equal(json, "\"pre-" HASH_A "\"");
	ecra_free(json);
	assert_ok(ecra_image_asset_attribute_json(
	    &json, b, ECRA_ATTR_REPOSITORY_ARN));
	assert_string_equal(json,
	    "{\"Fn::Join\":[\"\",[\"arn:\",{\"Ref\":\"AWS::Partition\"},\":ecr:"
	    "eu-west-1:123456789012:repository/cdk-hnb659fds-container-assets-"
	    "123456789012-eu-west-1\"]]}");
	ecra_free(json);
	assert_string_equal(
	    ecra_stack_environment(e), "aws://123456789012/eu-west-1");
	ecra_app_free(app);
}

static void test_qualifier_from_context(void **state)
{
	ecra_app_options ao = ECRA_APP_OPTIONS_INIT;
	ecra_stack_options so = ECRA_STACK_OPTIONS_INIT;
	ecra_app *app = NULL;
	ecra_stack *s = NULL, *t = NULL;

	(void)state;
	ao.context_json = "{\"@aws-cdk/core:bootstrapQualifier\":\"ctxq\"}";
	assert_ok(ecra_app_new(&app, &ao));
	assert_ok(ecra_app_add_stack(&s, app, "S", NULL));
	assert_string_equal(ecra_stack_qualifier(s), "ctxq");
	so.synthesizer.qualifier = "propq";
	assert_ok(ecra_app_add_stack(&t, app, "T", &so));
	assert_string_equal(ecra_stack_qualifier(t), "propq");
	assert_string_equal(ecra_app_outdir(app), "cdk.out");
	ecra_app_free(app);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_context_a),
		cmocka_unit_test(test_context_b_outdir),
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_probe_env_variant),
		cmocka_unit_test(test_salt_and_glob),
		cmocka_unit_test(test_tarball),
		cmocka_unit_test(test_locations),
		cmocka_unit_test(test_qualifier_from_context),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
