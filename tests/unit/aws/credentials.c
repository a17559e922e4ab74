/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/aws/credentials.c - shared config/credentials files, region,
 * endpoints, partitions and the credential chain (SDK v3 rules).
 */
#include "helpers.h"

#include "aws/aws.h"
#include "core/alloc.h"

static const char config_text[] =
    "# a comment\n"
    "[default]\n"
    "region = eu-west-1 ; trailing comment\n"
    "\n"
    "[profile dev]\n"
    "region=us-west-2\n"
    "services = local\n"
    "max_attempts = 5\n"
    "[profile roled]\n"
    "role_arn = arn:aws:iam::123456789012:role/publish\n"
    "source_profile = base\n"
    "external_id = ext-1\n"
    "role_session_name = sess\n"
    "duration_seconds = 900\n"
    "[profile chained]\n"
    "role_arn = arn:aws:iam::210987654321:role/second\n"
    "source_profile = roled\n"
    "[profile loop1]\n"
    "role_arn = arn:aws:iam::1:role/a\n"
    "source_profile = loop2\n"
    "[profile loop2]\n"
    "role_arn = arn:aws:iam::1:role/b\n"
    "source_profile = loop1\n"
    "[profile sso]\n"
    "sso_session = corp\n"
    "[profile withurl]\n"
    "endpoint_url = http://127.0.0.1:9999\n"
    "[profile ignoring]\n"
    "endpoint_url = http://127.0.0.1:9999\n"
    "ignore_configured_endpoint_urls = true\n"
    "[services local]\n"
    "ecr =\n"
    "  endpoint_url = http://127.0.0.1:4566\n"
    "sts =\n"
    "  endpoint_url = http://127.0.0.1:4567\n"
    "[notaprofile]\n"
    "region = xx-none-1\n";

static const char creds_text[] = "[default]\n"
                                 "aws_access_key_id = AKIADEFAULT\n"
                                 "aws_secret_access_key = secretdefault\n"
                                 "[base]\n"
                                 "aws_access_key_id=AKIABASE\n"
                                 "aws_secret_access_key=secret#base\n"
                                 "aws_session_token = tok\n"
                                 "[dev]\n"
                                 "aws_access_key_id = AKIADEV\n"
                                 "aws_secret_access_key = secretdev\n"
                                 "region = ap-south-1\n";

typedef struct {
	const char *dir;
	char config[4200];
	char creds[4200];
} files;

static void make_files(files *f)
{
	f->dir = sandbox_dir();
	write_text(f->dir, "config", config_text);
	write_text(f->dir, "credentials", creds_text);
	snprintf(f->config, sizeof(f->config), "%s/config", f->dir);
	snprintf(f->creds, sizeof(f->creds), "%s/credentials", f->dir);
}

static ecra_aws_config *load(ecra_aws_env *env, const char *profile)
{
	ecra_aws_config_options o = {
		.version = 1, .env = env, .profile = profile
	};
	ecra_aws_config *cfg = NULL;

	assert_ok(ecra_aws_config_load(&cfg, &o));
	return cfg;
}

static void aws_config_parses_profiles_and_regions(void **state)
{
	files f;
	ecra_aws_env env;
	ecra_aws_config *cfg;

	(void)state;
	make_files(&f);
	memset(&env, 0, sizeof(env));
	env.config_file = f.config;
	env.credentials_file = f.creds;
	cfg = load(&env, NULL);
	assert_string_equal(ecra_aws_config_region(cfg), "eu-west-1");
	assert_string_equal(
	    ecra_aws_config_get(cfg, "base", "aws_secret_access_key"),
	    "secret#base"); /* '#' without whitespace before is kept */
	/* credentials file wins for the same key */
	assert_string_equal(
	    ecra_aws_config_get(cfg, "dev", "region"), "ap-south-1");
	assert_string_equal(
	    ecra_aws_config_get(cfg, "dev", "services"), "local");
	assert_null(ecra_aws_config_get(cfg, "notaprofile", "region"));
	assert_int_equal(ecra_aws_config_max_attempts(cfg), 3);
	ecra_aws_config_free(cfg);

	env.profile = "dev";
	cfg = load(&env, NULL);
	assert_string_equal(ecra_aws_config_region(cfg), "ap-south-1");
	assert_int_equal(ecra_aws_config_max_attempts(cfg), 5);
	ecra_aws_config_free(cfg);

	/* --profile selects credentials only; region stays default's */
	env.profile = NULL;
	cfg = load(&env, "dev");
	assert_string_equal(ecra_aws_config_region(cfg), "eu-west-1");
	ecra_aws_config_free(cfg);

	env.region = "ca-central-1";
	env.max_attempts = "7";
	cfg = load(&env, NULL);
	assert_string_equal(ecra_aws_config_region(cfg), "ca-central-1");
	assert_int_equal(ecra_aws_config_max_attempts(cfg), 7);
	ecra_aws_config_free(cfg);

	/* HOME-relative defaults; missing files are empty */
	memset(&env, 0, sizeof(env));
	env.home = f.dir;
	cfg = load(&env, NULL);
	assert_null(ecra_aws_config_region(cfg));
	ecra_aws_config_free(cfg);
	sandbox_cleanup(f.dir);
}

static void aws_config_rejects_malformed_files(void **state)
{
	const char *dir = sandbox_dir();
	char path[4200];
	ecra_aws_env env;
	ecra_aws_config_options o = { .version = 1, .env = &env };
	ecra_aws_config *cfg = NULL;

	(void)state;
	write_text(dir, "config", "[default]\nregion\n");
	snprintf(path, sizeof(path), "%s/config", dir);
	memset(&env, 0, sizeof(env));
	env.config_file = path;
	assert_fails_with(ECRA_EINVALID, ecra_aws_config_load(&cfg, &o));
	assert_error_contains("line 2");
	assert_null(cfg);
	write_text(dir, "config", "region = x\n");
	assert_fails_with(ECRA_EINVALID, ecra_aws_config_load(&cfg, &o));
	sandbox_cleanup(dir);
}

static void aws_credentials_follow_the_sdk_chain(void **state)
{
	files f;
	ecra_aws_env env;
	ecra_aws_config *cfg;
	ecra_aws_credential_plan plan;

	(void)state;
	make_files(&f);
	memset(&env, 0, sizeof(env));
	env.config_file = f.config;
	env.credentials_file = f.creds;
	env.access_key_id = "AKIAENV";
	env.secret_access_key = "secretenv";
	env.session_token = "envtoken";

	/* 1. environment keys first */
	cfg = load(&env, NULL);
	assert_ok(ecra_aws_config_credentials(&plan, cfg));
	assert_string_equal(plan.base.access_key_id, "AKIAENV");
	assert_string_equal(plan.base.session_token, "envtoken");
	assert_string_equal(plan.base.source, "environment variables");
	assert_int_equal(plan.role_count, 0);
	ecra_aws_credential_plan_dispose(&plan);
	ecra_aws_config_free(cfg);

	/* 2. a chosen profile disables environment keys */
	cfg = load(&env, "dev");
	assert_ok(ecra_aws_config_credentials(&plan, cfg));
	assert_string_equal(plan.base.access_key_id, "AKIADEV");
	assert_null(plan.base.session_token);
	assert_string_equal(plan.base.source, "profile 'dev'");
	ecra_aws_credential_plan_dispose(&plan);
	ecra_aws_config_free(cfg);
	env.profile = "base";
	cfg = load(&env, NULL);
	assert_ok(ecra_aws_config_credentials(&plan, cfg));
	assert_string_equal(plan.base.access_key_id, "AKIABASE");
	assert_string_equal(plan.base.session_token, "tok");
	ecra_aws_credential_plan_dispose(&plan);
	ecra_aws_config_free(cfg);

	/* 3. the default profile without environment keys */
	env.profile = NULL;
	env.access_key_id = NULL;
	cfg = load(&env, NULL);
	assert_ok(ecra_aws_config_credentials(&plan, cfg));
	assert_string_equal(plan.base.access_key_id, "AKIADEFAULT");
	ecra_aws_credential_plan_dispose(&plan);
	ecra_aws_config_free(cfg);

	/* 4. role chains: base keys, then roles outermost last */
	cfg = load(&env, "chained");
	assert_ok(ecra_aws_config_credentials(&plan, cfg));
	assert_string_equal(plan.base.access_key_id, "AKIABASE");
	assert_int_equal(plan.role_count, 2);
	assert_string_equal(
	    plan.roles[0].role_arn, "arn:aws:iam::123456789012:role/publish");
	assert_string_equal(plan.roles[0].external_id, "ext-1");
	assert_string_equal(plan.roles[0].session_name, "sess");
	assert_int_equal(plan.roles[0].duration_s, 900);
	assert_string_equal(
	    plan.roles[1].role_arn, "arn:aws:iam::210987654321:role/second");
	assert_null(plan.roles[1].external_id);
	ecra_aws_credential_plan_dispose(&plan);
	ecra_aws_config_free(cfg);

	/* 5. errors */
	cfg = load(&env, "loop1");
	assert_fails_with(
	    ECRA_EINVALID, ecra_aws_config_credentials(&plan, cfg));
	assert_error_contains("loops");
	ecra_aws_config_free(cfg);
	cfg = load(&env, "nope");
	assert_fails_with(
	    ECRA_ENOTFOUND, ecra_aws_config_credentials(&plan, cfg));
	assert_error_contains("'nope' not found");
	ecra_aws_config_free(cfg);
	cfg = load(&env, "sso");
	assert_fails_with(
	    ECRA_EUNSUPPORTED, ecra_aws_config_credentials(&plan, cfg));
	ecra_aws_config_free(cfg);
	cfg = load(&env, "withurl");
	assert_fails_with(ECRA_EAUTH, ecra_aws_config_credentials(&plan, cfg));
	ecra_aws_config_free(cfg);
	memset(&env, 0, sizeof(env));
	cfg = load(&env, NULL);
	assert_fails_with(ECRA_EAUTH, ecra_aws_config_credentials(&plan, cfg));
	assert_error_contains("AWS_ACCESS_KEY_ID");
	ecra_aws_config_free(cfg);
	sandbox_cleanup(f.dir);
}

static void endpoint_is(const ecra_aws_config *cfg, const char *service,
    const char *region, const char *want)
{
	char *ep = NULL;

	assert_ok(ecra_aws_config_endpoint(&ep, cfg, service, region));
	assert_string_equal(ep, want);
	ecra_free(ep);
}

static void aws_endpoints_follow_overrides(void **state)
{
	files f;
	ecra_aws_env env;
	ecra_aws_config *cfg;
	char *ep = NULL;

	(void)state;
	make_files(&f);
	memset(&env, 0, sizeof(env));
	env.config_file = f.config;
	env.credentials_file = f.creds;
	cfg = load(&env, NULL);
	endpoint_is(
	    cfg, "ecr", "us-east-1", "https://api.ecr.us-east-1.amazonaws.com");
	endpoint_is(
	    cfg, "sts", "eu-west-3", "https://sts.eu-west-3.amazonaws.com");
	endpoint_is(cfg, "ecr", "cn-north-1",
	    "https://api.ecr.cn-north-1.amazonaws.com.cn");
	endpoint_is(cfg, "ecr", "us-gov-west-1",
	    "https://api.ecr.us-gov-west-1.amazonaws.com");
	assert_fails_with(
	    ECRA_EINVALID, ecra_aws_config_endpoint(&ep, cfg, "ecr", NULL));
	assert_string_equal(ecra_error_last()->message, "Region is missing");
	assert_fails_with(ECRA_EINVALID,
	    ecra_aws_config_endpoint(&ep, cfg, "s3", "us-east-1"));
	ecra_aws_config_free(cfg);

	/* services section of the AWS_PROFILE profile */
	env.profile = "dev";
	cfg = load(&env, NULL);
	endpoint_is(cfg, "ecr", "us-east-1", "http://127.0.0.1:4566");
	endpoint_is(cfg, "sts", "us-east-1", "http://127.0.0.1:4567");
	ecra_aws_config_free(cfg);

	env.profile = "withurl";
	cfg = load(&env, NULL);
	endpoint_is(cfg, "sts", "us-east-1", "http://127.0.0.1:9999");
	ecra_aws_config_free(cfg);
	env.profile = "ignoring";
	cfg = load(&env, NULL);
	endpoint_is(
	    cfg, "ecr", "us-east-1", "https://api.ecr.us-east-1.amazonaws.com");
	ecra_aws_config_free(cfg);

	/* environment: service-specific first, then the global one */
	env.profile = "dev";
	env.endpoint_url = "http://127.0.0.1:1111";
	cfg = load(&env, NULL);
	endpoint_is(cfg, "ecr", "us-east-1", "http://127.0.0.1:1111");
	ecra_aws_config_free(cfg);
	env.endpoint_url_ecr = "http://127.0.0.1:2222";
	cfg = load(&env, NULL);
	endpoint_is(cfg, "ecr", "us-east-1", "http://127.0.0.1:2222");
	endpoint_is(cfg, "sts", "us-east-1", "http://127.0.0.1:1111");
	ecra_aws_config_free(cfg);
	env.ignore_configured_endpoint_urls = "true";
	cfg = load(&env, NULL);
	endpoint_is(
	    cfg, "ecr", "us-east-1", "https://api.ecr.us-east-1.amazonaws.com");
	ecra_aws_config_free(cfg);

	assert_string_equal(
	    ecra_aws_partition_of("cn-northwest-1")->name, "aws-cn");
	assert_string_equal(
	    ecra_aws_partition_of("us-gov-east-1")->name, "aws-us-gov");
	assert_string_equal(
	    ecra_aws_partition_of("us-iso-east-1")->name, "aws-iso");
	assert_string_equal(
	    ecra_aws_partition_of("us-isob-east-1")->name, "aws-iso-b");
	assert_string_equal(ecra_aws_partition_of("eu-west-1")->name, "aws");
	assert_string_equal(ecra_aws_partition_of(NULL)->name, "aws");
	sandbox_cleanup(f.dir);
}

static void aws_config_survives_oom(void **state)
{
	files f;
	ecra_aws_env env;
	long n;
	int rc;

	(void)state;
	make_files(&f);
	memset(&env, 0, sizeof(env));
	env.config_file = f.config;
	env.credentials_file = f.creds;
	env.region = "us-east-1";
	for (n = 0; n < 400; n += 3) {
		ecra_aws_config_options o = {
			.version = 1, .env = &env, .profile = "chained"
		};
		ecra_aws_config *cfg = NULL;
		ecra_aws_credential_plan plan;
		char *ep = NULL;

		ecra_alloc_fail_after(n);
		rc = ecra_aws_config_load(&cfg, &o);
		if (rc == 0) {
			rc = ecra_aws_config_credentials(&plan, cfg);
			if (rc == 0)
				ecra_aws_credential_plan_dispose(&plan);
		}
		if (rc == 0)
			rc = ecra_aws_config_endpoint(&ep, cfg, "ecr", "x-1");
		ecra_alloc_fail_after(-1);
		assert_true(rc == 0 || rc == ECRA_ENOMEM);
		ecra_free(ep);
		ecra_aws_config_free(cfg);
	}
	sandbox_cleanup(f.dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(aws_config_parses_profiles_and_regions),
		cmocka_unit_test(aws_config_rejects_malformed_files),
		cmocka_unit_test(aws_credentials_follow_the_sdk_chain),
		cmocka_unit_test(aws_endpoints_follow_overrides),
		cmocka_unit_test(aws_config_survives_oom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
