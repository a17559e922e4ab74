/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/publish/run.c - ecra_publish() in registry mode against the
 * in-memory registry (tests/unit/registry/fake_registry.py) with a fake
 * `docker` script that logs its argv: the event sequence and percentages,
 * skipping tags that exist without any docker call, one build per asset
 * for several destinations, one login per registry, a failed build that
 * does not stop the others (and is not retried), --force, dry runs,
 * parallel workers, placeholders, no secret in events, and the private
 * docker config removed at the end.
 */
#include "helpers.h"
#include "unit/registry/fake_registry.h"

#include <dirent.h>
#include <pthread.h>
#include <signal.h>

#include "core/alloc.h"
#include "publish/run.h"
#include "registry/registry_int.h"
#include "util/buf.h"

static char host[64], dir[4096], path_env[4300], tmp[4300];
static char *env[3];

typedef struct {
	ecra_buf log; /* "type|pct|message" lines */
	int fails;
} events;

static void on_event(const ecra_publish_event *ev, void *payload)
{
	events *e = payload;

	if (ev->type == ECRA_EVENT_SHELL_OPEN)
		return;
	if (ev->type == ECRA_EVENT_FAIL)
		e->fails++;
	(void)ecra_buf_printf(
	    &e->log, "%s|%u|%s\n", ev->type_name, ev->percent, ev->message);
}

static int setup(void **state)
{
	char script[4096];

	(void)state;
	assert_true(ecra_init() > 0);
	if (fake_registry_start(host) < 0)
		return -1;
	snprintf(dir, sizeof(dir), "%s", sandbox_dir());
	snprintf(tmp, sizeof(tmp), "%s/tmp", dir);
	mkdir(tmp, 0700);
	/* docker: log argv (+ DOCKER_CONFIG), fail builds of 'bad' assets,
	 * inspect says "missing" unless a marker file exists. */
	snprintf(script, sizeof(script),
	    "#!/bin/sh\n"
	    "echo \"$* [$(basename \"$DOCKER_CONFIG\" | cut -c1-11)]\" >> "
	    "'%s/argv.log'\n"
	    "case \"$1\" in\n"
	    "inspect) [ -e '%s/cached-'\"$2\" ] && exit 0; exit 1 ;;\n"
	    "login) cat > '%s/login.stdin' ;;\n"
	    "build) case \"$*\" in *cdkasset-bad*) echo 'boom' >&2; exit 3;; "
	    "esac; echo 'Step 1/1'; touch '%s/cached-'\"$(echo \"$*\" | sed "
	    "'s/.*--tag \\([^ ]*\\).*/\\1/')\" ;;\n"
	    "esac\nexit 0\n",
	    dir, dir, dir, dir);
	write_text(dir, "bin/docker", script);
	{
		char p[4300];

		snprintf(p, sizeof(p), "%s/bin/docker", dir);
		chmod(p, 0755);
	}
	snprintf(path_env, sizeof(path_env), "PATH=%s/bin:/usr/bin:/bin", dir);
	env[0] = path_env;
	env[1] = "HOME=/nonexistent";
	env[2] = NULL;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_registry_stop();
	sandbox_cleanup(dir);
	ecra_shutdown();
	return 0;
}

static void write_manifest(const char *name, const char *images)
{
	char rel[256], body[8192];

	snprintf(rel, sizeof(rel), "%s.assets.json", name);
	snprintf(body, sizeof(body),
	    "{\"version\":\"55.0.0\",\"dockerImages\":{%s}}", images);
	write_text(dir, rel, body);
}

static ecra_publish_options opts(events *ev)
{
	ecra_publish_options o;

	memset(&o, 0, sizeof(o));
	o.version = ECRA_PUBLISH_OPTIONS_VERSION;
	o.env = env;
	o.tmpdir = tmp;
	o.registry = host;
	o.username = "user";
	o.password = "secret-pw";
	o.account = "123456789012";
	o.on_event = on_event;
	o.payload = ev;
	return o;
}

static char *slurp_reset(const char *name)
{
	char p[4300];
	ecra_buf b = ECRA_BUF_INIT(0);

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	if (ecra_buf_read_file(&b, p) < 0) {
		ecra_error_clear();
		return ecra_strdup("");
	}
	unlink(p);
	return ecra_buf_detach(&b);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay++;
	}
	return n;
}

static int publish_file(
    const char *name, ecra_publish_options *o, ecra_publish_summary *sum)
{
	ecra_manifest *m = NULL;
	char p[4300];
	int rc;

	snprintf(p, sizeof(p), "%s/%s.assets.json", dir, name);
	assert_ok(ecra_manifest_new(&m));
	assert_ok(ecra_manifest_load(m, p));
	rc = ecra_publish(m, o, sum);
	ecra_manifest_free(m);
	return rc;
}

static void assert_no_private_config_left(void)
{
	DIR *d = opendir(tmp);
	struct dirent *e;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, "ecra-docker-", 12) == 0)
			fail_msg("left behind: %s", e->d_name);
	closedir(d);
}

static void publish_build_once_login_once(void **state)
{
	events ev = { ECRA_BUF_INIT(0), 0 };
	ecra_publish_options o = opts(&ev);
	ecra_publish_summary sum;
	char *argv_log, *stdin_log;

	(void)state;
	mkdir(dir, 0755);
	write_text(dir, "ctx/Dockerfile", "FROM scratch\n");
	write_manifest("one",
	    "\"Asset1\":{\"displayName\":\"App "
	    "image\",\"source\":{\"directory\":"
	    "\"ctx\",\"dockerBuildArgs\":{\"TOKEN\":\"very-secret-arg\"}},"
	    "\"destinations\":{"
	    "\"a\":{\"repositoryName\":\"repo-${AWS::AccountId}-${AWS::Region}"
	    "\","
	    "\"imageTag\":\"t1\"},"
	    "\"b\":{\"repositoryName\":\"other\",\"imageTag\":\"t1\","
	    "\"region\":\"eu-west-1\"}}}");
	assert_ok(publish_file("one", &o, &sum));
	assert_int_equal(sum.entries, 2);
	assert_int_equal(sum.published, 2);
	assert_int_equal(sum.builds, 1);
	assert_int_equal(sum.failed, 0);
	argv_log = slurp_reset("argv.log");
	/* one login, one inspect, one build, a tag and push per destination,
	 * every command with the private config */
	assert_int_equal(count(argv_log, "login --username user "
	                                 "--password-stdin 127.0.0.1:"),
	    1);
	assert_int_equal(count(argv_log, "inspect cdkasset-asset1 "), 1);
	assert_int_equal(count(argv_log, "build --build-arg "
	                                 "TOKEN=very-secret-arg --tag "
	                                 "cdkasset-asset1 ."),
	    1);
	assert_int_equal(
	    count(argv_log, "/repo-123456789012-us-east-1:t1 "), 2);
	assert_int_equal(count(argv_log, "/other:t1 "), 2);
	assert_int_equal(count(argv_log, "[ecra-docker"), 7);
	stdin_log = slurp_reset("login.stdin");
	assert_string_equal(stdin_log, "secret-pw");
	ecra_free(stdin_log);
	/* events: cdk-assets' sequence and messages, percentages */
	assert_non_null(strstr(ev.log.ptr,
	    "start|0|Publishing App image (a)\ncheck|0|Check 127.0.0.1:"));
	assert_non_null(
	    strstr(ev.log.ptr, "build|0|Building Docker image at "));
	assert_non_null(strstr(ev.log.ptr, "success|50|Published App image "
	                                   "(a)\nstart|50|Publishing App image "
	                                   "(b)"));
	assert_non_null(
	    strstr(ev.log.ptr, "success|100|Published App image (b)"));
	assert_null(strstr(ev.log.ptr, "very-secret-arg"));
	assert_null(strstr(ev.log.ptr, "secret-pw"));
	assert_no_private_config_left();
	ecra_free(argv_log);
	ecra_buf_dispose(&ev.log);
}

static void publish_skips_existing_tags(void **state)
{
	events ev = { ECRA_BUF_INIT(0), 0 };
	ecra_publish_options o = opts(&ev);
	ecra_publish_summary sum;
	ecra_registry *r = NULL;
	ecra_registry_options ro;
	const char *man = "{\"schemaVersion\":2}";
	char *argv_log;

	(void)state;
	memset(&ro, 0, sizeof(ro));
	ro.host = host;
	ro.plain_http = true;
	ro.username = "user";
	ro.password = "secret-pw";
	assert_ok(ecra_registry_new(&r, &ro));
	assert_ok(ecra_registry_manifest_put(
	    r, "present", "t9", ECRA_MT_OCI_MANIFEST, man, strlen(man), NULL));
	ecra_registry_free(r);
	write_manifest("skip", "\"S\":{\"source\":{\"directory\":\"ctx\"},"
	                       "\"destinations\":{\"d\":{\"repositoryName\":"
	                       "\"present\",\"imageTag\":\"t9\"}}}");
	assert_ok(publish_file("skip", &o, &sum));
	assert_int_equal(sum.skipped, 1);
	assert_int_equal(sum.published, 0);
	argv_log = slurp_reset("argv.log");
	assert_string_equal(argv_log, ""); /* no docker process at all */
	assert_non_null(strstr(ev.log.ptr, "found|0|Found 127.0.0.1:"));
	assert_non_null(strstr(ev.log.ptr, "success|100|Published S:d"));
	ecra_free(argv_log);

	/* --force pushes anyway (the image is cached locally by now? no:
	 * built) */
	ecra_buf_clear(&ev.log);
	o.force = true;
	assert_ok(publish_file("skip", &o, &sum));
	assert_int_equal(sum.published, 1);
	argv_log = slurp_reset("argv.log");
	assert_non_null(strstr(argv_log, "push 127.0.0.1:"));
	ecra_free(argv_log);
	ecra_buf_dispose(&ev.log);
}

static void publish_failures_do_not_stop_others(void **state)
{
	events ev = { ECRA_BUF_INIT(0), 0 };
	ecra_publish_options o = opts(&ev);
	ecra_publish_summary sum;
	char *argv_log;

	(void)state;
	write_manifest("mixed",
	    "\"bad\":{\"source\":{\"directory\":\"ctx\"},\"destinations\":{"
	    "\"d1\":{\"repositoryName\":\"rr\",\"imageTag\":\"b1\"},"
	    "\"d2\":{\"repositoryName\":\"rr\",\"imageTag\":\"b2\"}}},"
	    "\"nodir\":{\"source\":{\"directory\":\"missing\"},"
	    "\"destinations\":"
	    "{\"d\":{\"repositoryName\":\"rr\",\"imageTag\":\"n1\"}}},"
	    "\"exec\":{\"source\":{\"executable\":[\"sh\",\"-c\",\"echo "
	    "built:img\"]},\"destinations\":{\"d\":{\"repositoryName\":\"rr\","
	    "\"imageTag\":\"e1\"}}},"
	    "\"good\":{\"source\":{\"directory\":\"ctx\"},\"destinations\":{"
	    "\"d\":{\"repositoryName\":\"rr\",\"imageTag\":\"g1\"}}}");
	assert_fails_with(ECRA_ERROR, publish_file("mixed", &o, &sum));
	assert_int_equal(sum.entries, 5);
	assert_int_equal(sum.failed, 3);
	assert_int_equal(sum.published, 2);
	assert_int_equal(ev.fails, 3);
	argv_log = slurp_reset("argv.log");
	/* the failed build is not retried for the second destination */
	assert_int_equal(count(argv_log, "build --tag cdkasset-bad ."), 1);
	assert_non_null(strstr(argv_log, "tag built:img 127.0.0.1:"));
	assert_non_null(strstr(ev.log.ptr,
	    "|docker build --tag cdkasset-bad . exited with error code 3: "
	    "boom"));
	assert_non_null(strstr(ev.log.ptr, "asset directory '"));
	assert_non_null(strstr(ev.log.ptr, "Building Docker image using "
	                                   "command 'sh,-c,echo built:img'"));
	assert_no_private_config_left();
	ecra_free(argv_log);
	ecra_buf_dispose(&ev.log);
}

static void publish_dry_run_and_parallel(void **state)
{
	events ev = { ECRA_BUF_INIT(0), 0 };
	ecra_publish_options o = opts(&ev);
	ecra_publish_summary sum;
	char images[8192], *argv_log;
	size_t i, n = 0;

	(void)state;
	for (i = 0; i < 6; i++)
		n += (size_t)snprintf(images + n, sizeof(images) - n,
		    "%s\"p%zu\":{\"source\":{\"directory\":\"ctx\"},"
		    "\"destinations\":{\"d\":{\"repositoryName\":\"par\","
		    "\"imageTag\":\"x%zu\"}}}",
		    i ? "," : "", i, i);
	write_manifest("par", images);
	o.dry_run = true;
	assert_ok(publish_file("par", &o, &sum));
	assert_int_equal(sum.published, 6);
	argv_log = slurp_reset("argv.log");
	assert_string_equal(argv_log, "");
	ecra_free(argv_log);
	o.dry_run = false;
	o.parallel = 4;
	assert_ok(publish_file("par", &o, &sum));
	assert_int_equal(sum.published, 6);
	assert_int_equal(sum.builds, 6);
	argv_log = slurp_reset("argv.log");
	assert_int_equal(count(argv_log, "login "), 1);
	assert_int_equal(count(argv_log, "push "), 6);
	ecra_free(argv_log);
	assert_non_null(strstr(ev.log.ptr, "|100|"));
	assert_no_private_config_left();
	ecra_buf_dispose(&ev.log);
}

static void publish_cancelled(void **state)
{
	events ev = { ECRA_BUF_INIT(0), 0 };
	ecra_publish_options o = opts(&ev);
	ecra_publish_summary sum;
	volatile int stop = 1;
	char *argv_log;

	(void)state;
	o.cancel = &stop;
	o.force = true;
	assert_fails_with(ECRA_ERROR, publish_file("par", &o, &sum));
	assert_int_equal(sum.failed, 6);
	assert_error_contains("publishing was cancelled");
	argv_log = slurp_reset("argv.log");
	assert_string_equal(argv_log, "");
	ecra_free(argv_log);
	assert_no_private_config_left();
	ecra_buf_dispose(&ev.log);
}

static void publish_option_errors(void **state)
{
	events ev = { ECRA_BUF_INIT(0), 0 };
	ecra_publish_options o = opts(&ev);
	ecra_manifest *m = NULL;

	(void)state;
	assert_ok(ecra_manifest_new(&m));
	o.password = NULL;
	assert_fails_with(ECRA_EINVALID, ecra_publish(m, &o, NULL));
	o = opts(&ev);
	o.version = 99;
	assert_fails_with(ECRA_EINVALID, ecra_publish(m, &o, NULL));
	o = opts(&ev);
	o.account = NULL;
	write_manifest("acct", "\"A\":{\"source\":{\"directory\":\"ctx\"},"
	                       "\"destinations\":{\"d\":{\"repositoryName\":"
	                       "\"r-${AWS::AccountId}\",\"imageTag\":\"t\"}}}");
	assert_fails_with(ECRA_ERROR, publish_file("acct", &o, NULL));
	assert_error_contains("pass --account");
	/* nothing selected: fine */
	o = opts(&ev);
	assert_ok(ecra_publish(m, &o, NULL));
	ecra_manifest_free(m);
	ecra_buf_dispose(&ev.log);
}

/* Registry mode and stacks with an environment (#9.11): the
 * destination names its account and holds ${AWS::Partition} in
 * assumeRoleArn, as aws-cdk-lib writes it for env-bound stacks: no
 * --account is needed, assumeRoleArn is ignored, and a partition
 * placeholder elsewhere follows the region. */
static void publish_env_bound_without_account(void **state)
{
	events ev = { ECRA_BUF_INIT(0), 0 };
	ecra_publish_options o = opts(&ev);
	ecra_publish_summary sum;
	char *argv_log;

	(void)state;
	o.account = NULL;
	write_manifest("envb",
	    "\"E\":{\"source\":{\"directory\":\"ctx\"},\"destinations\":{"
	    "\"123456789012-us-east-1\":{\"repositoryName\":"
	    "\"cdk-hnb659fds-container-assets-123456789012-us-east-1\","
	    "\"imageTag\":\"envb1\",\"region\":\"us-east-1\","
	    "\"assumeRoleArn\":\"arn:${AWS::Partition}:iam::123456789012:role/"
	    "cdk-hnb659fds-image-publishing-role-123456789012-us-east-1\","
	    "\"assumeRoleExternalId\":\"${AWS::AccountId}\"},"
	    "\"cn\":{\"repositoryName\":\"part-${AWS::Partition}\","
	    "\"imageTag\":\"envb2\",\"region\":\"cn-north-1\","
	    "\"assumeRoleArn\":\"arn:${AWS::Partition}:iam::${AWS::AccountId}"
	    ":role/x\"}}}");
	assert_ok(publish_file("envb", &o, &sum));
	assert_int_equal(sum.published, 2);
	argv_log = slurp_reset("argv.log");
	assert_non_null(strstr(argv_log,
	    "/cdk-hnb659fds-container-assets-123456789012-us-east-1:envb1"));
	assert_non_null(strstr(argv_log, "/part-aws-cn:envb2"));
	ecra_free(argv_log);
	assert_null(strstr(ev.log.ptr, "--account"));
	assert_string_equal(
	    ecra_pub_partition_of_region("us-gov-west-1"), "aws-us-gov");
	assert_string_equal(
	    ecra_pub_partition_of_region("cn-northwest-1"), "aws-cn");
	assert_string_equal(
	    ecra_pub_partition_of_region("us-iso-east-1"), "aws-iso");
	assert_string_equal(
	    ecra_pub_partition_of_region("us-isob-east-1"), "aws-iso-b");
	assert_string_equal(ecra_pub_partition_of_region("eu-west-1"), "aws");
	assert_string_equal(ecra_pub_partition_of_region(NULL), "aws");
	assert_no_private_config_left();
	ecra_buf_dispose(&ev.log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(publish_build_once_login_once),
		cmocka_unit_test(publish_skips_existing_tags),
		cmocka_unit_test(publish_failures_do_not_stop_others),
		cmocka_unit_test(publish_dry_run_and_parallel),
		cmocka_unit_test(publish_cancelled),
		cmocka_unit_test(publish_option_errors),
		cmocka_unit_test(publish_env_bound_without_account),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
