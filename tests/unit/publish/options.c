/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/publish/options.c - the public options of publish and the
 * CDK docker credentials lookups: _INIT, _options_init(), NULL options,
 * the embedded ecra_aws_options and the refusal of the old flat layouts.
 */
#include "helpers.h"

#include <string.h>

#include "ecrassets.h"
#include "publish/aws_options.h"

static void publish_options_init_matches_macro(void **state)
{
	ecra_publish_options a = ECRA_PUBLISH_OPTIONS_INIT, b;
	ecra_docker_creds_options c = ECRA_DOCKER_CREDS_OPTIONS_INIT, d;
	ecra_aws_options e = ECRA_AWS_OPTIONS_INIT, f;

	/* (compared field by field: padding bytes are unspecified) */
	(void)state;
	memset(&b, 0xff, sizeof(b));
	assert_ok(ecra_publish_options_init(&b, ECRA_PUBLISH_OPTIONS_VERSION));
	assert_int_equal(b.version, ECRA_PUBLISH_OPTIONS_VERSION);
	assert_int_equal(b.aws.version, ECRA_AWS_OPTIONS_VERSION);
	assert_int_equal(a.version, b.version);
	assert_int_equal(a.aws.version, b.aws.version);
	assert_null(b.docker);
	assert_null(b.registry);
	assert_null(b.aws.region);
	assert_null(b.aws.profile);
	assert_null(b.on_event);
	assert_int_equal(b.parallel, 0);
	assert_int_equal(b.push_attempts, 0);
	assert_false(b.force);
	assert_fails_with(ECRA_EINVALID, ecra_publish_options_init(&b, 0));
	assert_fails_with(ECRA_EINVALID, ecra_publish_options_init(&b, 99));

	assert_ok(ecra_docker_creds_options_init(
	    &d, ECRA_DOCKER_CREDS_OPTIONS_VERSION));
	assert_int_equal(c.version, d.version);
	assert_int_equal(c.aws.version, d.aws.version);
	assert_null(d.aws.env_profile);
	assert_int_equal(d.timeout_ms, 0);
	assert_int_equal(d.aws.version, ECRA_AWS_OPTIONS_VERSION);

	assert_ok(ecra_aws_options_init(&f, ECRA_AWS_OPTIONS_VERSION));
	assert_int_equal(e.version, f.version);
	assert_null(f.home);
	assert_null(f.user_name);
	assert_fails_with(ECRA_EINVALID, ecra_aws_options_init(&f, 2));
}

/* NULL options are the defaults: an empty selection publishes nothing
 * and succeeds. */
static void publish_null_options(void **state)
{
	ecra_manifest *m = NULL;
	ecra_publish_summary sum;

	(void)state;
	assert_ok(ecra_manifest_new(&m));
	memset(&sum, 0xff, sizeof(sum));
	assert_ok(ecra_publish(m, NULL, &sum));
	assert_int_equal(sum.entries, 0);
	assert_int_equal(sum.failed, 0);
	ecra_manifest_free(m);
}

/* Versions 1-3 had flat aws_* fields at the place of `aws`: reading
 * them with the new layout would be wrong, so they are refused. */
static void publish_old_layout_refused(void **state)
{
	ecra_manifest *m = NULL;
	ecra_publish_options o = ECRA_PUBLISH_OPTIONS_INIT;

	(void)state;
	assert_ok(ecra_manifest_new(&m));
	o.version = 3;
	assert_fails_with(ECRA_EINVALID, ecra_publish(m, &o, NULL));
	assert_error_contains("layout before version 4");
	o.version = ECRA_PUBLISH_OPTIONS_VERSION + 1;
	assert_fails_with(ECRA_EINVALID, ecra_publish(m, &o, NULL));
	o.version = ECRA_PUBLISH_OPTIONS_VERSION;
	o.aws.version = ECRA_AWS_OPTIONS_VERSION + 1;
	assert_ok(ecra_publish(m, &o, NULL)); /* no entry: no AWS call */
	ecra_manifest_free(m);
}

/* One translation for both users: --profile is `profile` (credentials
 * only), AWS_PROFILE is `env_profile`; nothing else is renamed. */
static void publish_aws_settings_map(void **state)
{
	ecra_aws_options o = ECRA_AWS_OPTIONS_INIT;
	ecra_aws_env env;
	ecra_aws_config_options co;

	(void)state;
	o.profile = "flag";
	o.env_profile = "envp";
	o.region = "eu-west-1";
	o.access_key_id = "AK";
	o.secret_access_key = "SK";
	o.session_token = "ST";
	o.config_file = "/c";
	o.credentials_file = "/k";
	o.endpoint_url = "http://e";
	o.endpoint_url_ecr = "http://ecr";
	o.endpoint_url_sts = "http://sts";
	o.endpoint_url_secrets_manager = "http://sm";
	o.ignore_configured_endpoint_urls = "true";
	o.max_attempts = "5";
	o.home = "/home/u";
	assert_ok(ecra_pub_aws_settings(&env, &co, &o));
	assert_ptr_equal(co.env, &env);
	assert_string_equal(co.profile, "flag");
	assert_string_equal(env.profile, "envp");
	assert_string_equal(env.region, "eu-west-1");
	assert_string_equal(env.access_key_id, "AK");
	assert_string_equal(env.secret_access_key, "SK");
	assert_string_equal(env.session_token, "ST");
	assert_string_equal(env.config_file, "/c");
	assert_string_equal(env.credentials_file, "/k");
	assert_string_equal(env.endpoint_url, "http://e");
	assert_string_equal(env.endpoint_url_ecr, "http://ecr");
	assert_string_equal(env.endpoint_url_sts, "http://sts");
	assert_string_equal(env.endpoint_url_secrets_manager, "http://sm");
	assert_string_equal(env.ignore_configured_endpoint_urls, "true");
	assert_string_equal(env.max_attempts, "5");
	assert_string_equal(env.home, "/home/u");

	assert_ok(ecra_pub_aws_settings(&env, &co, NULL));
	assert_null(co.profile);
	assert_null(env.region);
	o.version = 0; /* embedded and zero-filled: accepted */
	assert_ok(ecra_pub_aws_settings(&env, &co, &o));
	o.version = 2;
	assert_fails_with(ECRA_EINVALID, ecra_pub_aws_settings(&env, &co, &o));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(publish_options_init_matches_macro),
		cmocka_unit_test(publish_null_options),
		cmocka_unit_test(publish_old_layout_refused),
		cmocka_unit_test(publish_aws_settings_map),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
