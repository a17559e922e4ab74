/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/docker/argv.c - the docker driver: build argv exactly as
 * cdk-assets 4.7.3 (publish.md §2.4), display quoting and redaction
 * (§6), and running commands against fake `docker` scripts (missing
 * program, exit codes, daemon down, login stdin, env, executables).
 */
#include "helpers.h"

#include "core/alloc.h"
#include "docker/docker.h"
#include "util/buf.h"
#include "util/vec.h"

static void assert_argv(const ecra_strvec *v, const char *const *want)
{
	size_t i;

	for (i = 0; want[i] != NULL; i++) {
		if (i >= v->count)
			fail_msg("argv too short: missing '%s'", want[i]);
		if (strcmp(v->items[i], want[i]) != 0)
			fail_msg("argv[%zu] is '%s', want '%s'", i, v->items[i],
			    want[i]);
	}
	assert_int_equal(v->count, i);
}

static void build_argv_full(void **state)
{
	const ecra_docker_kv args[] = { { "A", "1" }, { "B", "x y" } };
	const ecra_docker_kv ctxs[] = { { "ctx", "/ctx" } };
	const ecra_docker_kv secrets[] = { { "mysecret", "src=/s.txt" } };
	const ecra_docker_kv from_params[] = { { "ref", "a/b:c" },
		{ "mode", "max" } };
	const ecra_docker_cache from[] = { { "registry", from_params, 2,
	    true } };
	const ecra_docker_cache to = { "inline", NULL, 0, false };
	const char *const outputs[] = { "type=docker" };
	ecra_docker_build_args b;
	ecra_strvec v = ECRA_STRVEC_INIT;
	/* publish.md §2.4, the observed aws-cdk-lib asset with every
	 * option set. */
	const char *const want[] = { "build", "--build-arg", "A=1",
		"--build-arg", "B=x y", "--build-context", "ctx=/ctx",
		"--secret", "id=mysecret,src=/s.txt", "--ssh", "default",
		"--tag", "cdkasset-named-3180023e", "--target", "stage",
		"--file", "Dockerfile", "--network", "host", "--platform",
		"linux/arm64", "--output=type=docker", "--cache-from",
		"type=registry,ref=a/b:c,mode=max", "--cache-to", "type=inline",
		"--no-cache", ".", NULL };

	(void)state;
	memset(&b, 0, sizeof(b));
	b.tag = "cdkasset-named-3180023e";
	b.build_args = args;
	b.build_arg_count = 2;
	b.build_contexts = ctxs;
	b.build_context_count = 1;
	b.build_secrets = secrets;
	b.build_secret_count = 1;
	b.ssh = "default";
	b.target = "stage";
	b.file = "Dockerfile";
	b.network = "host";
	b.platform = "linux/arm64";
	b.outputs = outputs;
	b.output_count = 1;
	b.cache_from = from;
	b.cache_from_count = 1;
	b.cache_to = &to;
	b.no_cache = true;
	assert_ok(ecra_docker_build_argv(&v, &b));
	assert_argv(&v, want);
	ecra_strvec_dispose(&v);
}

static void build_argv_minimal_and_quirks(void **state)
{
	const ecra_docker_kv args[] = { { "EMPTY", "" }, { "EQ", "a=b" } };
	const ecra_docker_cache from[] = { { "gha", NULL, 0, true },
		{ "local", NULL, 0, false } };
	ecra_docker_build_args b;
	ecra_strvec v = ECRA_STRVEC_INIT;
	const char *const minimal[] = { "build", "--tag", "cdkasset-x", ".",
		NULL };
	/* "" strings are dropped (JS truthiness); params {} gives a
	 * trailing ',' (quirk 12, kept for argv compatibility). */
	const char *const quirks[] = { "build", "--build-arg",
		"EMPTY=", "--build-arg", "EQ=a=b", "--tag", "cdkasset-x",
		"--cache-from", "type=gha,", "--cache-from", "type=local", ".",
		NULL };

	(void)state;
	memset(&b, 0, sizeof(b));
	b.tag = "cdkasset-x";
	b.target = "";
	b.file = "";
	b.ssh = "";
	assert_ok(ecra_docker_build_argv(&v, &b));
	assert_argv(&v, minimal);
	ecra_strvec_dispose(&v);

	b.build_args = args;
	b.build_arg_count = 2;
	b.cache_from = from;
	b.cache_from_count = 2;
	assert_ok(ecra_docker_build_argv(&v, &b));
	assert_argv(&v, quirks);
	ecra_strvec_dispose(&v);
}

static void local_tag_lowercases(void **state)
{
	char *t = ecra_docker_local_tag("Named-ABCdef");

	(void)state;
	assert_string_equal(t, "cdkasset-named-abcdef");
	ecra_free(t);
}

static void display(const char *const *argv, bool redact, const char *want)
{
	ecra_buf b = ECRA_BUF_INIT(0);
	size_t n = 0;

	while (argv[n] != NULL)
		n++;
	assert_ok(ecra_docker_display(&b, argv, n, redact));
	assert_string_equal(b.ptr, want);
	ecra_buf_dispose(&b);
}

static void display_quotes_and_redacts(void **state)
{
	const char *const build[] = { "docker", "build", "--build-arg",
		"SECRET_ARG=hunter2", "--secret", "id=mysecret,src=/s.txt",
		"--secret", "plain", "--tag", "cdkasset-badbuild", ".", NULL };
	const char *const quoting[] = { "/usr/bin/docker", "tag", "", "it's",
		"a b", "ok_%+=:,.@/-", NULL };
	const char *const trailing[] = { "docker", "build", "--build-arg",
		NULL };

	(void)state;
	/* publish.md §5.4: the secret id is redacted too. */
	display(build, true,
	    "docker build --build-arg 'SECRET_ARG=<redacted>' --secret "
	    "'id=<redacted>' --secret '<redacted>' --tag cdkasset-badbuild .");
	display(build, false,
	    "docker build --build-arg SECRET_ARG=hunter2 --secret "
	    "id=mysecret,src=/s.txt --secret plain --tag cdkasset-badbuild .");
	display(quoting, false,
	    "/usr/bin/docker tag '' 'it'\"'\"'s' 'a b' ok_%+=:,.@/-");
	display(trailing, true, "docker build --build-arg");
}

/* ---------------------------------------------------------------------- */
/* Fake docker scripts                                                     */

static char fake_dir[4096];
static char fake_env_path[4200];
static char *fake_env[3];

static void fake_docker(const char *script)
{
	char body[8192];

	snprintf(body, sizeof(body),
	    "#!/bin/sh\n"
	    "printf '%%s\\n' \"$@\" > \"$0.argv\"\n"
	    "pwd > \"$0.cwd\"\n"
	    "printf '%%s' \"$BUILDX_NO_DEFAULT_ATTESTATIONS\" > \"$0.buildx\"\n"
	    "printf '%%s' \"$DOCKER_CONFIG\" > \"$0.config\"\n"
	    "%s\n",
	    script);
	write_text(fake_dir, "docker", body);
	{
		char p[4200];

		snprintf(p, sizeof(p), "%s/docker", fake_dir);
		assert_int_equal(chmod(p, 0755), 0);
	}
}

static char *slurp(const char *name)
{
	char p[4200];
	ecra_buf b = ECRA_BUF_INIT(0);

	snprintf(p, sizeof(p), "%s/%s", fake_dir, name);
	assert_ok(ecra_buf_read_file(&b, p));
	return ecra_buf_detach(&b);
}

static ecra_docker fake(void)
{
	ecra_docker d;

	memset(&d, 0, sizeof(d));
	d.program = "docker"; /* found on the fake PATH */
	d.env_base = fake_env;
	return d;
}

static int setup_fake(void **state)
{
	(void)state;
	snprintf(fake_dir, sizeof(fake_dir), "%s", sandbox_dir());
	snprintf(fake_env_path, sizeof(fake_env_path), "PATH=%s:/usr/bin:/bin",
	    fake_dir);
	fake_env[0] = fake_env_path;
	fake_env[1] = "SECRET_ENV=inherited";
	fake_env[2] = NULL;
	return 0;
}

static int teardown_fake(void **state)
{
	(void)state;
	sandbox_cleanup(fake_dir);
	return 0;
}

static void inspect_exit_codes(void **state)
{
	ecra_docker d = fake();
	bool exists = true;

	(void)state;
	fake_docker("exit 0");
	assert_ok(ecra_docker_inspect(&d, "cdkasset-abc", &exists));
	assert_true(exists);
	fake_docker("echo 'Error: No such object: cdkasset-abc' >&2; exit 1");
	assert_ok(ecra_docker_inspect(&d, "cdkasset-abc", &exists));
	assert_false(exists);
	fake_docker("exit 125");
	assert_ok(ecra_docker_inspect(&d, "cdkasset-abc", &exists));
	assert_false(exists);
	fake_docker("echo 'something broke' >&2; exit 2");
	assert_fails_with(
	    ECRA_EDOCKER, ecra_docker_inspect(&d, "cdkasset-abc", &exists));
	assert_string_equal(ecra_error_last()->message,
	    "docker inspect cdkasset-abc exited with error code 2: something "
	    "broke");
	/* A daemon that is down is not a missing image. */
	fake_docker(
	    "echo 'Cannot connect to the Docker daemon at "
	    "unix:///x.sock. Is the docker daemon running?' >&2; exit 1");
	assert_fails_with(
	    ECRA_EDOCKER, ecra_docker_inspect(&d, "cdkasset-abc", &exists));
	assert_error_contains("cannot reach the docker daemon");
}

static void missing_docker(void **state)
{
	ecra_docker d = fake();
	bool exists;

	(void)state;
	d.program = "no-such-docker-ecra";
	assert_fails_with(
	    ECRA_EDOCKER, ecra_docker_inspect(&d, "cdkasset-abc", &exists));
	assert_error_contains(
	    "docker not found (set CDK_DOCKER or install docker)");
	assert_error_contains("no-such-docker-ecra");
	d.program = "";
	assert_fails_with(
	    ECRA_EDOCKER, ecra_docker_push(&d, "127.0.0.1:1/a:b"));
	assert_error_contains("CDK_DOCKER is empty");
}

static void build_runs_in_directory_with_env(void **state)
{
	ecra_docker d = fake();
	ecra_docker_build_args b;
	const ecra_docker_kv args[] = { { "TOKEN", "s3cret-value" } };
	char ctx[4200], *s;

	(void)state;
	snprintf(ctx, sizeof(ctx), "%s/ctx dir", fake_dir);
	mkdir(ctx, 0755);
	memset(&b, 0, sizeof(b));
	b.tag = "cdkasset-abc";
	b.build_args = args;
	b.build_arg_count = 1;
	d.config_dir = "/tmp/private-config";
	fake_docker("exit 0");
	assert_ok(ecra_docker_build(&d, ctx, &b, false));
	s = slurp("docker.argv");
	assert_string_equal(s,
	    "build\n--build-arg\nTOKEN=s3cret-value\n--tag\ncdkasset-abc\n.\n");
	ecra_free(s);
	s = slurp("docker.cwd");
	assert_true(strncmp(s, ctx, strlen(ctx)) == 0);
	ecra_free(s);
	s = slurp("docker.buildx");
	assert_string_equal(s, "1");
	ecra_free(s);
	s = slurp("docker.config");
	assert_string_equal(s, "/tmp/private-config");
	ecra_free(s);

	/* Failure: redacted display + stderr; the value never shows. */
	fake_docker("echo 'step 3 failed' >&2; exit 1");
	assert_fails_with(ECRA_EDOCKER, ecra_docker_build(&d, ctx, &b, false));
	assert_string_equal(ecra_error_last()->message,
	    "docker build --build-arg 'TOKEN=<redacted>' --tag cdkasset-abc . "
	    "exited with error code 1: step 3 failed");

	/* A missing directory is reported as such, not as missing docker. */
	snprintf(ctx, sizeof(ctx), "%s/nope", fake_dir);
	assert_fails_with(
	    ECRA_ENOTFOUND, ecra_docker_build(&d, ctx, &b, false));
	assert_error_contains("asset directory");
}

static void login_password_on_stdin(void **state)
{
	ecra_docker d = fake();
	char *s;

	(void)state;
	fake_docker("cat > \"$0.stdin\"");
	assert_ok(ecra_docker_login(&d, "AWS", "pa ss:word", "127.0.0.1:5000"));
	s = slurp("docker.argv");
	assert_string_equal(s, "login\n--username\nAWS\n--password-stdin\n"
	                       "127.0.0.1:5000\n");
	ecra_free(s);
	s = slurp("docker.stdin");
	assert_string_equal(s, "pa ss:word"); /* no newline */
	ecra_free(s);
	fake_docker("echo 'unauthorized: bad credentials' >&2; exit 1");
	assert_fails_with(ECRA_EDOCKER,
	    ecra_docker_login(&d, "AWS", "pa ss:word", "127.0.0.1:5000"));
	assert_null(strstr(ecra_error_last()->message, "pa ss:word"));
	assert_error_contains("unauthorized");
}

static int lines_seen;

static void count_lines(int stream, const char *line, size_t len, void *p)
{
	(void)stream;
	(void)p;
	(void)line;
	(void)len;
	lines_seen++;
}

static void push_streams_output(void **state)
{
	ecra_docker d = fake();

	(void)state;
	d.on_line = count_lines;
	fake_docker("echo one; echo two; echo three >&2");
	lines_seen = 0;
	assert_ok(ecra_docker_push(&d, "127.0.0.1:5000/a:b"));
	assert_int_equal(lines_seen, 3);
	fake_docker("kill -9 $$");
	assert_fails_with(ECRA_EDOCKER, ecra_docker_push(&d, "r/a:b"));
	assert_string_equal(ecra_error_last()->message,
	    "docker push r/a:b exited with signal SIGKILL");
}

/* A failed command whose output is not streamed shows its whole stderr
 * once (the error quotes only the tail); a successful one shows none. */
static void failed_command_shows_stderr(void **state)
{
	ecra_docker d = fake();
	bool exists = true;

	(void)state;
	d.on_line = count_lines;
	lines_seen = 0;
	fake_docker("echo line1 >&2; echo line2 >&2; echo last >&2; exit 2");
	assert_fails_with(
	    ECRA_EDOCKER, ecra_docker_inspect(&d, "cdkasset-abc", &exists));
	assert_int_equal(lines_seen, 3);
	lines_seen = 0;
	assert_fails_with(
	    ECRA_EDOCKER, ecra_docker_login(&d, "u", "pw", "reg:5000"));
	assert_int_equal(lines_seen, 3);
	lines_seen = 0;
	fake_docker("echo 'Error: No such object' >&2; exit 1");
	assert_ok(ecra_docker_inspect(&d, "cdkasset-abc", &exists));
	assert_int_equal(lines_seen, 0); /* "missing" is not a failure */
}

static void executable_output(void **state)
{
	const char *ok[] = { "sh", "-c", "printf '  img:latest  \\n\\n'",
		NULL };
	const char *empty[] = { "sh", "-c", "echo '   '", NULL };
	const char *multi[] = { "sh", "-c", "echo a; echo b", NULL };
	const char *failing[] = { "sh", "-c", "echo to-stderr >&2; exit 7",
		NULL };
	const char *missing[] = { "no-such-builder-ecra", NULL };
	/* aws-cdk-lib's tarball executable with the daemon down */
	const char *silent[] = { "sh", "-c",
		"echo 'Cannot connect to the Docker daemon at "
		"unix:///nope.sock. Is the docker daemon running?' >&2",
		NULL };
	const char *quiet_err[] = { "sh", "-c", "echo 'no such file' >&2",
		NULL };
	ecra_docker xd;
	char *img = NULL;

	(void)state;
	memset(&xd, 0, sizeof(xd));
	xd.env_base = fake_env;
	xd.on_line = count_lines;
	xd.config_dir = "/must/not/be/used";
	lines_seen = 0;
	assert_ok(ecra_docker_run_executable(&img, &xd, ok, fake_dir));
	assert_string_equal(img, "img:latest");
	ecra_free(img);
	assert_fails_with(ECRA_EDOCKER,
	    ecra_docker_run_executable(&img, &xd, empty, fake_dir));
	assert_error_contains("executable printed no image name");
	assert_fails_with(ECRA_EDOCKER,
	    ecra_docker_run_executable(&img, &xd, multi, fake_dir));
	assert_error_contains("more than one line");
	assert_fails_with(ECRA_EDOCKER,
	    ecra_docker_run_executable(&img, &xd, failing, fake_dir));
	assert_string_equal(ecra_error_last()->message,
	    "sh -c 'echo to-stderr >&2; exit 7' exited with error code 7: "
	    "to-stderr");
	assert_true(
	    ecra_docker_run_executable(&img, &xd, missing, fake_dir) < 0);
	assert_error_contains("no-such-builder-ecra");
	assert_null(img);
	/* Printing nothing: its stderr says why. */
	lines_seen = 0;
	assert_fails_with(ECRA_EDOCKER,
	    ecra_docker_run_executable(&img, &xd, quiet_err, fake_dir));
	assert_string_equal(ecra_error_last()->message,
	    "executable printed no image name: sh -c 'echo '\"'\"'no such "
	    "file'\"'\"' >&2': no such file");
	assert_int_equal(lines_seen, 1); /* the stderr line was shown */
	assert_fails_with(ECRA_EDOCKER,
	    ecra_docker_run_executable(&img, &xd, silent, fake_dir));
	assert_error_contains("cannot reach the docker daemon");
	assert_error_contains("Cannot connect to the Docker daemon at "
	                      "unix:///nope.sock");
}

static void private_config(void **state)
{
	char user[4200], *dir = NULL, *s, p[4300];
	struct stat st;

	(void)state;
	snprintf(user, sizeof(user), "%s/user-docker", fake_dir);
	write_text(fake_dir, "user-docker/config.json",
	    "{\"auths\":{\"reg.example:5000\":{\"auth\":\"dTpw\"}},"
	    "\"credsStore\":\"desktop\",\"credHelpers\":{\"x.io\":\"ecr\"},"
	    "\"detachKeys\":\"ctrl-p\"}");
	write_text(
	    fake_dir, "user-docker/cli-plugins/docker-buildx", "#!/bin/sh\n");
	assert_ok(ecra_docker_config_create(&dir, fake_dir, user));
	assert_non_null(dir);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	snprintf(p, sizeof(p), "%s/config.json", dir);
	{
		ecra_buf b = ECRA_BUF_INIT(0);

		assert_ok(ecra_buf_read_file(&b, p));
		s = ecra_buf_detach(&b);
	}
	assert_non_null(strstr(s, "\"reg.example:5000\""));
	assert_non_null(strstr(s, "\"credHelpers\""));
	assert_non_null(strstr(s, "cli-plugins"));
	assert_null(strstr(s, "credsStore"));
	assert_null(strstr(s, "detachKeys"));
	ecra_free(s);
	assert_ok(ecra_docker_config_remove(dir));
	assert_int_not_equal(stat(dir, &st), 0);
	ecra_free(dir);

	/* No user config at all: an empty one. */
	assert_ok(ecra_docker_config_create(&dir, fake_dir, "/nonexistent"));
	assert_ok(ecra_docker_config_remove(dir));
	ecra_free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(build_argv_full),
		cmocka_unit_test(build_argv_minimal_and_quirks),
		cmocka_unit_test(local_tag_lowercases),
		cmocka_unit_test(display_quotes_and_redacts),
		cmocka_unit_test(inspect_exit_codes),
		cmocka_unit_test(failed_command_shows_stderr),
		cmocka_unit_test(missing_docker),
		cmocka_unit_test(build_runs_in_directory_with_env),
		cmocka_unit_test(login_password_on_stdin),
		cmocka_unit_test(push_streams_output),
		cmocka_unit_test(executable_output),
		cmocka_unit_test(private_config),
	};

	return cmocka_run_group_tests(tests, setup_fake, teardown_fake);
}
