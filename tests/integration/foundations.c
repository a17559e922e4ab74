/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/integration/foundations.c - the publish foundations together,
 * against the integration services (services.env): the environment is
 * turned into an ecra_aws_env the way the CLI will do it; the ECR client
 * talks to the stand-in (SigV4 checked by botocore); GetAuthorizationToken
 * feeds `docker login --password-stdin` run through util/proc with a
 * throwaway DOCKER_CONFIG; docker tag/push run through util/proc with
 * streamed output; DescribeImages then finds the pushed tag.
 * Exits 77 (skipped) without services.env.
 */
#include "helpers.h"

#include "aws/aws.h"
#include "core/alloc.h"
#include "http/http.h"
#include "util/buf.h"
#include "util/proc.h"

extern char **environ;

static const char *docker;
static char docker_config[4200];
static const char *sandbox;
static ecra_http *http;
static ecra_ecr *ecr;

static int setup(void **state)
{
	ecra_aws_env env;
	ecra_aws_config_options co = { .version = 1, .env = &env };
	ecra_aws_config *cfg = NULL;
	ecra_aws_credential_plan plan;
	ecra_aws_service_options so = { .version = 1 };
	char *endpoint = NULL;
	const char *region;
	int rc = -1;

	(void)state;
	/* what the CLI will do: read the environment into ecra_aws_env */
	memset(&env, 0, sizeof(env));
	env.access_key_id = getenv("AWS_ACCESS_KEY_ID");
	env.secret_access_key = getenv("AWS_SECRET_ACCESS_KEY");
	env.session_token = getenv("AWS_SESSION_TOKEN");
	env.profile = getenv("AWS_PROFILE");
	env.region = getenv("AWS_REGION");
	env.config_file = getenv("AWS_CONFIG_FILE");
	env.credentials_file = getenv("AWS_SHARED_CREDENTIALS_FILE");
	env.home = getenv("HOME");
	env.endpoint_url = getenv("AWS_ENDPOINT_URL");
	env.endpoint_url_ecr = getenv("AWS_ENDPOINT_URL_ECR");
	env.endpoint_url_sts = getenv("AWS_ENDPOINT_URL_STS");
	if (ecra_init() <= 0 || ecra_http_new(&http, NULL) < 0 ||
	    ecra_aws_config_load(&cfg, &co) < 0)
		return -1;
	region = ecra_aws_config_region(cfg);
	if (ecra_aws_config_credentials(&plan, cfg) < 0 ||
	    ecra_aws_config_endpoint(&endpoint, cfg, "ecr", region) < 0)
		goto done;
	so.http = http;
	so.region = region;
	so.endpoint = endpoint;
	so.credentials = ecra_aws_creds_view(&plan.base);
	rc = ecra_ecr_new(&ecr, &so);
	ecra_aws_credential_plan_dispose(&plan);
	sandbox = strdup(sandbox_dir());
	snprintf(
	    docker_config, sizeof(docker_config), "%s/docker-config", sandbox);
	mkdir(docker_config, 0700);
	write_text(docker_config, "config.json", "{}");
done:
	if (rc < 0)
		print_error("setup: %s\n", ecra_error_last()->message);
	ecra_free(endpoint);
	ecra_aws_config_free(cfg);
	return rc;
}

static int teardown(void **state)
{
	(void)state;
	ecra_ecr_free(ecr);
	ecra_http_free(http);
	sandbox_cleanup(sandbox);
	free((void *)sandbox);
	ecra_shutdown();
	return 0;
}

static int run_docker(ecra_proc_result *res, const char *const *args,
    const char *stdin_data, ecra_proc_line_cb on_line, void *payload)
{
	const char *argv[16];
	ecra_proc_env env[] = { { "DOCKER_CONFIG", docker_config } };
	ecra_proc_options o = { .version = ECRA_PROC_OPTIONS_VERSION };
	size_t i;

	argv[0] = docker;
	for (i = 0; args[i] != NULL && i < 14; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	o.env_base = environ;
	o.env = env;
	o.env_count = 1;
	o.stdin_data = stdin_data;
	o.stdin_len = stdin_data ? strlen(stdin_data) : 0;
	o.on_line = on_line;
	o.payload = payload;
	o.timeout_ms = 300000;
	return ecra_proc_run(res, argv, &o);
}

static int count_line(int stream, const char *line, size_t len, void *p)
{
	(void)stream;
	(void)line;
	(void)len;
	(*(int *)p)++;
	return 0;
}

static void login_push_and_find(void **state)
{
	ecra_ecr_repository repo;
	ecra_ecr_auth auth;
	ecra_ecr_image img;
	ecra_proc_result r;
	ecra_buf ref = ECRA_BUF_INIT(0), cfgtext = ECRA_BUF_INIT(0);
	char tag[64], path[4300];
	int lines = 0;

	(void)state;
	snprintf(tag, sizeof(tag), "found-%ld-%ld", (long)getpid(),
	    (long)time(NULL));
	assert_ok(ecra_ecr_describe_repository(&repo, ecr, "ecra/test"));
	assert_true(strncmp(repo.uri, getenv("ECRA_AUTH_REGISTRY"),
	                strlen(getenv("ECRA_AUTH_REGISTRY"))) == 0);
	assert_fails_with(ECRA_ENOTFOUND,
	    ecra_ecr_describe_image(NULL, ecr, "ecra/test", tag));
	assert_string_equal(
	    ecra_ecr_last_error(ecr)->type, "ImageNotFoundException");

	assert_ok(ecra_ecr_get_authorization(&auth, ecr));
	{
		const char *args[] = { "login", "--username", auth.username,
			"--password-stdin", auth.registry, NULL };

		assert_ok(run_docker(&r, args, auth.password, NULL, NULL));
		if (r.exit_code != 0)
			print_error("docker login: %s\n", r.err.ptr);
		assert_int_equal(r.exit_code, 0);
		/* the password went through stdin, never argv or output */
		assert_null(strstr(r.out.ptr ? r.out.ptr : "", auth.password));
		assert_null(strstr(r.err.ptr ? r.err.ptr : "", auth.password));
		ecra_proc_result_dispose(&r);
	}
	snprintf(path, sizeof(path), "%s/config.json", docker_config);
	assert_ok(ecra_buf_read_file(&cfgtext, path));
	assert_non_null(strstr(cfgtext.ptr, auth.registry));
	ecra_buf_dispose(&cfgtext);

	assert_ok(ecra_buf_printf(&ref, "%s:%s", repo.uri, tag));
	{
		const char *base = getenv("ECRA_BASE_IMAGE");
		const char *args[] = { "tag",
			base ? base : "ecra-busybox:latest", ref.ptr, NULL };

		assert_ok(run_docker(&r, args, NULL, NULL, NULL));
		assert_int_equal(r.exit_code, 0);
		ecra_proc_result_dispose(&r);
	}
	{
		const char *args[] = { "push", ref.ptr, NULL };

		assert_ok(run_docker(&r, args, NULL, count_line, &lines));
		if (r.exit_code != 0)
			print_error("docker push: %s\n", r.err.ptr);
		assert_int_equal(r.exit_code, 0);
		assert_true(lines > 0);
		assert_non_null(strstr(r.out.ptr, tag));
		ecra_proc_result_dispose(&r);
	}
	assert_ok(ecra_ecr_describe_image(&img, ecr, "ecra/test", tag));
	assert_non_null(img.digest);
	assert_true(strncmp(img.digest, "sha256:", 7) == 0);
	ecra_ecr_image_dispose(&img);
	{
		const char *args[] = { "rmi", ref.ptr, NULL };

		assert_ok(run_docker(&r, args, NULL, NULL, NULL));
		ecra_proc_result_dispose(&r);
	}
	ecra_buf_dispose(&ref);
	ecra_ecr_auth_dispose(&auth);
	ecra_ecr_repository_dispose(&repo);
}

static void docker_exit_codes_and_missing_programs(void **state)
{
	ecra_proc_result r;
	const char *args[] = { "inspect", "cdkasset-ecra-never-built", NULL };
	const char *missing[] = { "ecra-no-such-docker", "version", NULL };
	ecra_proc_options o = { .version = ECRA_PROC_OPTIONS_VERSION };

	(void)state;
	/* a missing image: docker exits 1, which the publisher reads as
	 * "not cached" */
	assert_ok(run_docker(&r, args, NULL, NULL, NULL));
	assert_true(r.exited);
	assert_int_equal(r.exit_code, 1);
	ecra_proc_result_dispose(&r);

	o.env_base = environ;
	assert_fails_with(ECRA_ENOTFOUND, ecra_proc_run(&r, missing, &o));
	assert_string_equal(ecra_error_last()->message,
	    "cannot run 'ecra-no-such-docker': not found on PATH");
	ecra_proc_result_dispose(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(login_push_and_find),
		cmocka_unit_test(docker_exit_codes_and_missing_programs),
	};

	if (getenv("DOCKER_HOST") == NULL ||
	    getenv("ECRA_ECR_ENDPOINT") == NULL ||
	    getenv("ECRA_AUTH_REGISTRY") == NULL) {
		printf(
		    "skipped: source tests/integration/services.env first\n");
		return 77;
	}
	docker = getenv("ECRA_DOCKER");
	if (docker == NULL || *docker == '\0')
		docker = "docker";
	return cmocka_run_group_tests(tests, setup, teardown);
}
