/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/publish/creds.c - the CDK docker credentials file: loading
 * (what counts as absent), the helper's domain lookup (hostname, full URL,
 * and our host:port rule), the errors of ecra_docker_creds_get() that need
 * no AWS call, the build docker config (credHelpers on top of the user's
 * config), and ecra_publish() under a credentials file with a fake docker
 * and the in-memory registry: `--config <dir>` on inspect/build/tag only,
 * login after the build, the helper's directory first on PATH, and the
 * directory removed after success, failure and cancellation.
 */
#include "helpers.h"
#include "unit/registry/fake_registry.h"

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>

#include "core/alloc.h"
#include "docker/docker.h"
#include "ecrassets/dockercreds.h"
#include "json/json.h"
#include "util/buf.h"

static char host[64], dir[4096], path_env[4300], tmp[4300], bin[4300];
static char *env[3];

static int setup(void **state)
{
	char script[4096], p[4300];

	(void)state;
	assert_true(ecra_init() > 0);
	if (fake_registry_start(host) < 0)
		return -1;
	snprintf(dir, sizeof(dir), "%s", sandbox_dir());
	snprintf(tmp, sizeof(tmp), "%s/tmp", dir);
	snprintf(bin, sizeof(bin), "%s/bin", dir);
	mkdir(tmp, 0700);
	/* docker: log argv, the first PATH entry and, for --config, the
	 * config.json it names; builds of 'bad' assets fail. */
	snprintf(script, sizeof(script),
	    "#!/bin/sh\n"
	    "echo \"$* [${PATH%%%%:*}]\" >> '%s/argv.log'\n"
	    "if [ \"$1\" = --config ]; then cat \"$2/config.json\" >> "
	    "'%s/config.log'; echo >> '%s/config.log'; shift 2; fi\n"
	    "case \"$1\" in\n"
	    "inspect) exit 1 ;;\n"
	    "login) cat > /dev/null ;;\n"
	    "build) case \"$*\" in *cdkasset-bad*) echo boom >&2; exit 3;; "
	    "esac ;;\n"
	    "esac\nexit 0\n",
	    dir, dir, dir);
	write_text(dir, "bin/docker", script);
	snprintf(p, sizeof(p), "%s/bin/docker", dir);
	chmod(p, 0755);
	snprintf(path_env, sizeof(path_env), "PATH=%s:/usr/bin:/bin", bin);
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

static char *path_of(const char *rel)
{
	ecra_buf b = ECRA_BUF_INIT(0);

	(void)ecra_buf_printf(&b, "%s/%s", dir, rel);
	return ecra_buf_detach(&b);
}

static int load_text(ecra_docker_creds **c, const char *rel, const char *text)
{
	char *p = path_of(rel);
	int rc;

	write_text(dir, rel, text);
	rc = ecra_docker_creds_load(c, p);
	ecra_free(p);
	return rc;
}

static char *slurp_reset(const char *name)
{
	char *p = path_of(name);
	ecra_buf b = ECRA_BUF_INIT(0);

	if (ecra_buf_read_file(&b, p) < 0) {
		ecra_error_clear();
		ecra_free(p);
		return ecra_strdup("");
	}
	unlink(p);
	ecra_free(p);
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

static size_t entries_in(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* ---------------------------------------------------------------------- */

static void load_counts_as_absent(void **state)
{
	static const char *const absent[] = { "null", "false", "0", "\"\"",
		"not json", "{\"domainCredentials\":", "[]", "{}",
		"{\"domainCredentials\":5}", "{\"domainCredentials\":[]}",
		"\"text\"" };
	ecra_docker_creds *c = NULL;
	char *p;
	size_t i;

	(void)state;
	p = path_of("nope.json");
	assert_int_equal(ecra_docker_creds_load(&c, p), ECRA_ENOTFOUND);
	assert_null(c);
	ecra_free(p);
	/* a directory cannot be read as a file */
	assert_int_not_equal(ecra_docker_creds_load(&c, dir), 0);
	assert_null(c);
	for (i = 0; i < sizeof(absent) / sizeof(absent[0]); i++) {
		assert_int_equal(
		    load_text(&c, "bad.json", absent[i]), ECRA_EINVALID);
		assert_null(c);
	}
	assert_int_equal(load_text(&c, "bad.json", "null"), ECRA_EINVALID);
	assert_error_contains("counts as no credentials");
	assert_int_equal(load_text(&c, "bad.json", "{}"), ECRA_EINVALID);
	assert_error_contains("has no 'domainCredentials' object");
	ecra_error_clear();
}

static void load_keeps_domains_in_order(void **state)
{
	ecra_docker_creds *c = NULL;

	(void)state;
	assert_ok(load_text(&c, "ok.json",
	    "{\"version\":\"1.0\",\"domainCredentials\":{"
	    "\"z.example\":{\"ecrRepository\":true},"
	    "\"a.example:5000\":{\"secretsManagerSecretId\":\"s\"},"
	    "\"https://m.example:8443\":{}}}"));
	assert_int_equal(ecra_docker_creds_count(c), 3);
	assert_string_equal(ecra_docker_creds_domain(c, 0), "z.example");
	assert_string_equal(ecra_docker_creds_domain(c, 1), "a.example:5000");
	assert_string_equal(
	    ecra_docker_creds_domain(c, 2), "https://m.example:8443");
	assert_null(ecra_docker_creds_domain(c, 3));
	assert_non_null(strstr(ecra_docker_creds_path(c), "ok.json"));
	ecra_docker_creds_free(c);
	ecra_docker_creds_free(NULL);
}

static void match_rules(void **state)
{
	static const struct {
		const char *input;
		const char *key; /* NULL: error */
		const char *error;
	} cases[] = {
		/* hostname: the port is dropped, https:// prepended */
		{ "127.0.0.1:5000", "127.0.0.1", NULL },
		{ "127.0.0.1", "127.0.0.1", NULL },
		{ "https://127.0.0.1/v2/", "127.0.0.1", NULL },
		{ "http://user:pw@127.0.0.1:80/x", "127.0.0.1", NULL },
		/* host names are lower-cased, the URL key is not */
		{ "Plain.Example", "plain.example", NULL },
		/* the whole URL as a key (after prepending https://) */
		{ "alt.example:8443", "https://alt.example:8443", NULL },
		/* ours: an exact host:port key */
		{ "reg.example:5001", "reg.example:5001", NULL },
		{ "https://reg.example:5001", "reg.example:5001", NULL },
		{ "reg.example:5002", NULL, "unknown domain reg.example" },
		{ "reg.example", NULL, "unknown domain reg.example" },
		/* hostname first, even when a host:port key exists too */
		{ "both.example:9000", "both.example", NULL },
		/* a null value falls through to the URL key */
		{ "nulled.example:7", "https://nulled.example:7", NULL },
		{ "[::1]:5000", "[::1]", NULL },
		{ "other.example", NULL, "unknown domain other.example" },
		{ "", NULL, "invalid URL ''" },
		{ "host:port", NULL, "invalid URL 'host:port'" },
	};
	ecra_docker_creds *c = NULL;
	const char *key;
	size_t i;

	(void)state;
	assert_ok(load_text(&c, "m.json",
	    "{\"domainCredentials\":{"
	    "\"127.0.0.1\":{\"ecrRepository\":true},"
	    "\"plain.example\":{\"ecrRepository\":true},"
	    "\"https://alt.example:8443\":{\"ecrRepository\":true},"
	    "\"reg.example:5001\":{\"ecrRepository\":true},"
	    "\"both.example\":{\"ecrRepository\":true},"
	    "\"both.example:9000\":{\"ecrRepository\":true},"
	    "\"nulled.example\":null,"
	    "\"https://nulled.example:7\":{\"ecrRepository\":true},"
	    "\"[::1]\":{\"ecrRepository\":true}}}"));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = ecra_docker_creds_match(c, cases[i].input, &key);

		if (cases[i].key != NULL) {
			if (rc != 0)
				fail_msg("'%s': %s", cases[i].input,
				    ecra_error_last()->message);
			assert_string_equal(key, cases[i].key);
		} else {
			assert_true(rc < 0);
			assert_string_equal(
			    ecra_error_last()->message, cases[i].error);
		}
	}
	ecra_docker_creds_free(c);
	ecra_error_clear();
}

static void get_errors_before_any_call(void **state)
{
	ecra_docker_creds *c = NULL;
	ecra_docker_creds_options o;
	char *u = NULL, *s = NULL;

	(void)state;
	assert_ok(ecra_docker_creds_options_init(
	    &o, ECRA_DOCKER_CREDS_OPTIONS_VERSION));
	assert_int_equal(ecra_docker_creds_options_init(&o, 99), ECRA_EINVALID);
	o.aws.config_file = "/nonexistent/config";
	o.aws.credentials_file = "/nonexistent/credentials";
	assert_ok(load_text(&c, "g.json",
	    "{\"domainCredentials\":{"
	    "\"empty.example\":{},"
	    "\"scalar.example\":5,"
	    "\"falsy.example\":{\"ecrRepository\":false,"
	    "\"secretsManagerSecretId\":\"\"},"
	    "\"numid.example\":{\"secretsManagerSecretId\":7},"
	    "\"ecr.example\":{\"ecrRepository\":true}}}"));
	assert_int_equal(
	    ecra_docker_creds_get(c, "x.example", &o, &u, &s), ECRA_ENOTFOUND);
	assert_string_equal(
	    ecra_error_last()->message, "unknown domain x.example");
	assert_int_equal(ecra_docker_creds_get(c, "empty.example", &o, &u, &s),
	    ECRA_EINVALID);
	assert_string_equal(ecra_error_last()->message,
	    "unknown credential type: no secret ID or ECR repo");
	assert_int_equal(ecra_docker_creds_get(c, "scalar.example", &o, &u, &s),
	    ECRA_EINVALID);
	assert_int_equal(ecra_docker_creds_get(c, "falsy.example", &o, &u, &s),
	    ECRA_EINVALID);
	assert_string_equal(ecra_error_last()->message,
	    "unknown credential type: no secret ID or ECR repo");
	assert_int_equal(ecra_docker_creds_get(c, "numid.example", &o, &u, &s),
	    ECRA_EINVALID);
	assert_error_contains("must be a string");
	/* no region anywhere: nothing is sent */
	assert_int_equal(
	    ecra_docker_creds_get(c, "ecr.example", &o, &u, &s), ECRA_EINVALID);
	assert_string_equal(ecra_error_last()->message, "Region is missing");
	/* a region but no credentials */
	o.aws.region = "us-east-1";
	assert_int_equal(
	    ecra_docker_creds_get(c, "ecr.example", &o, &u, &s), ECRA_EAUTH);
	assert_null(u);
	assert_null(s);
	ecra_docker_creds_free(c);
	ecra_error_clear();
}

static void build_config_json(void **state)
{
	static const char *const domains[] = { "b.example", "a.example:5000" };
	char *cfg_dir = NULL, *p;
	ecra_buf text = ECRA_BUF_INIT(0);
	ecra_json *doc = NULL;
	struct stat st;

	(void)state;
	/* no user config: exactly what cdk-assets writes */
	assert_ok(ecra_docker_config_create_helpers(
	    &cfg_dir, tmp, NULL, domains, 2, "cdk-assets"));
	assert_non_null(strstr(cfg_dir, "/tmp/cdkDockerConfig-ecra-"));
	assert_int_equal(stat(cfg_dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_ok(ecra_buf_printf(&text, "%s/config.json", cfg_dir));
	p = ecra_buf_detach(&text);
	assert_ok(ecra_buf_read_file(&text, p));
	assert_string_equal(text.ptr,
	    "{\"credHelpers\":{\"b.example\":\"cdk-assets\","
	    "\"a.example:5000\":\"cdk-assets\"}}");
	ecra_free(p);
	assert_ok(ecra_docker_config_remove(cfg_dir));
	assert_int_not_equal(stat(cfg_dir, &st), 0);
	ecra_free(cfg_dir);
	ecra_buf_dispose(&text);

	/* with a user config: its auths and helpers stay, its credsStore
	 * goes, the file's domains win */
	write_text(dir, "userconf/config.json",
	    "{\"auths\":{\"c.example\":{\"auth\":\"eDp5\"}},"
	    "\"credsStore\":\"desktop\","
	    "\"credHelpers\":{\"b.example\":\"ecr-login\","
	    "\"d.example\":\"gcloud\"}}");
	p = path_of("userconf");
	assert_ok(ecra_docker_config_create_helpers(
	    &cfg_dir, tmp, p, domains, 2, "cdk-assets"));
	ecra_free(p);
	assert_ok(ecra_buf_printf(&text, "%s/config.json", cfg_dir));
	p = ecra_buf_detach(&text);
	assert_ok(ecra_json_load_file(&doc, p, 0, 0));
	ecra_free(p);
	assert_null(ecra_json_get(doc, "credsStore"));
	assert_non_null(ecra_json_get(
	    ecra_json_get(ecra_json_get(doc, "auths"), "c.example"), "auth"));
	assert_string_equal(
	    ecra_json_string(
	        ecra_json_get(ecra_json_get(doc, "credHelpers"), "b.example")),
	    "cdk-assets");
	assert_string_equal(
	    ecra_json_string(ecra_json_get(
	        ecra_json_get(doc, "credHelpers"), "a.example:5000")),
	    "cdk-assets");
	assert_string_equal(
	    ecra_json_string(
	        ecra_json_get(ecra_json_get(doc, "credHelpers"), "d.example")),
	    "gcloud");
	ecra_json_free(doc);
	assert_ok(ecra_docker_config_remove(cfg_dir));
	ecra_free(cfg_dir);
	assert_int_equal(entries_in(tmp), 0);
}

/* ---------------------------------------------------------------------- */
/* ecra_publish() under a credentials file                                 */

typedef struct {
	ecra_buf log;
	volatile int *cancel; /* set at the build event */
} events;

static void on_event(const ecra_publish_event *ev, void *payload)
{
	events *e = payload;

	if (ev->type == ECRA_EVENT_SHELL_OPEN)
		return;
	if (ev->type == ECRA_EVENT_BUILD && e->cancel != NULL)
		*e->cancel = 1;
	(void)ecra_buf_printf(&e->log, "%s|%s\n", ev->type_name, ev->message);
}

static int publish(const char *images, const char *creds_file, events *ev,
    ecra_publish_summary *sum)
{
	ecra_publish_options o;
	ecra_manifest *m = NULL;
	char body[4096], *p;
	int rc;

	snprintf(body, sizeof(body),
	    "{\"version\":\"55.0.0\",\"dockerImages\":{%s}}", images);
	write_text(dir, "c.assets.json", body);
	write_text(dir, "ctx/Dockerfile", "FROM scratch\n");
	memset(&o, 0, sizeof(o));
	o.version = ECRA_PUBLISH_OPTIONS_VERSION;
	o.env = env;
	o.tmpdir = tmp;
	o.registry = host;
	o.username = "user";
	o.password = "secret-pw";
	o.on_event = on_event;
	o.payload = ev;
	o.docker_creds_file = creds_file;
	o.credential_helper_dir = "/opt/helper dir";
	o.cancel = ev->cancel;
	p = path_of("c.assets.json");
	assert_ok(ecra_manifest_new(&m));
	assert_ok(ecra_manifest_load(m, p));
	rc = ecra_publish(m, &o, sum);
	ecra_manifest_free(m);
	ecra_free(p);
	return rc;
}

static void publish_with_creds_file(void **state)
{
	events ev = { ECRA_BUF_INIT(0), NULL };
	ecra_publish_summary sum;
	char *creds = path_of("creds.json"), *argv_log, *cfg_log;
	const char *l, *inspect, *build, *tag, *login, *push;

	(void)state;
	write_text(dir, "creds.json",
	    "{\"domainCredentials\":{\"127.0.0.1\":{\"ecrRepository\":true},"
	    "\"private.example:5000\":{\"secretsManagerSecretId\":\"s\"}}}");
	assert_ok(publish("\"One\":{\"source\":{\"directory\":\"ctx\"},"
	                  "\"destinations\":{\"d\":{\"repositoryName\":\"rr\","
	                  "\"imageTag\":\"c1\"}}},"
	                  "\"Exec\":{\"source\":{\"executable\":[\"echo\","
	                  "\"loaded:1\"]},"
	                  "\"destinations\":{\"d\":{\"repositoryName\":\"rr\","
	                  "\"imageTag\":\"c2\"}}}",
	    creds, &ev, &sum));
	assert_int_equal(sum.published, 2);
	argv_log = slurp_reset("argv.log");
	cfg_log = slurp_reset("config.log");
	/* inspect, build and tag with --config; login after them; push
	 * without; every command has the helper directory first on PATH */
	inspect = strstr(argv_log, "--config ");
	assert_non_null(inspect);
	assert_non_null(strstr(inspect, "/tmp/cdkDockerConfig-ecra-"));
	assert_non_null(
	    strstr(argv_log, " inspect cdkasset-one [/opt/helper dir]"));
	build = strstr(argv_log, " build --tag cdkasset-one .");
	tag = strstr(argv_log, " tag cdkasset-one 127.0.0.1:");
	login = strstr(argv_log, "\nlogin --username user");
	push = strstr(argv_log, "\npush 127.0.0.1:");
	assert_non_null(build);
	assert_non_null(tag);
	assert_non_null(login);
	assert_non_null(push);
	assert_true(
	    inspect < build && build < tag && tag < login && login < push);
	assert_int_equal(count(argv_log, "--config "), 4); /* +tag of Exec */
	assert_non_null(strstr(argv_log, " tag loaded:1 127.0.0.1:"));
	assert_int_equal(count(argv_log, "\nlogin "), 1);
	for (l = argv_log; (l = strstr(l, "push ")) != NULL; l++)
		assert_true(l == argv_log || l[-1] == '\n');
	assert_int_equal(count(argv_log, "[/opt/helper dir]"), 7);
	/* one config directory for the run, with cdk-assets' content */
	assert_int_equal(
	    count(cfg_log, "{\"credHelpers\":{\"127.0.0.1\":\"cdk-assets\","
	                   "\"private.example:5000\":\"cdk-assets\"}}\n"),
	    4);
	assert_non_null(
	    strstr(ev.log.ptr, "debug|Using CDK docker credentials from "));
	assert_null(strstr(ev.log.ptr, "secret-pw"));
	assert_int_equal(entries_in(tmp), 0);
	ecra_free(argv_log);
	ecra_free(cfg_log);

	/* a failed build: the directory still goes */
	ecra_buf_clear(&ev.log);
	assert_int_equal(publish("\"bad\":{\"source\":{\"directory\":\"ctx\"},"
	                         "\"destinations\":{\"d\":{\"repositoryName\":"
	                         "\"rr\",\"imageTag\":\"c3\"}}}",
	                     creds, &ev, &sum),
	    ECRA_ERROR);
	assert_int_equal(sum.failed, 1);
	argv_log = slurp_reset("argv.log");
	assert_non_null(strstr(argv_log, " build --tag cdkasset-bad ."));
	assert_null(strstr(argv_log, "login")); /* never reached */
	assert_int_equal(entries_in(tmp), 0);
	ecra_free(argv_log);
	ecra_free(slurp_reset("config.log"));
	ecra_buf_dispose(&ev.log);
	ecra_free(creds);
}

static void publish_cancelled_and_ignored_file(void **state)
{
	static volatile int cancel;
	events ev = { ECRA_BUF_INIT(0), &cancel };
	ecra_publish_summary sum;
	char *creds = path_of("creds.json"), *argv_log;

	(void)state;
	write_text(dir, "creds.json",
	    "{\"domainCredentials\":{\"127.0.0.1\":{\"ecrRepository\":true}}}");
	/* cancelled at the build event: the build runs, nothing after it */
	assert_int_equal(publish("\"Two\":{\"source\":{\"directory\":\"ctx\"},"
	                         "\"destinations\":{\"d\":{\"repositoryName\":"
	                         "\"rr\",\"imageTag\":\"c4\"}}}",
	                     creds, &ev, &sum),
	    ECRA_ERROR);
	assert_non_null(strstr(ev.log.ptr, "publishing was cancelled"));
	argv_log = slurp_reset("argv.log");
	assert_null(strstr(argv_log, "push"));
	assert_int_equal(entries_in(tmp), 0);
	ecra_free(argv_log);
	ecra_free(slurp_reset("config.log"));

	/* an unparsable file counts as absent: normal flow, said in a debug
	 * event */
	cancel = 0;
	ev.cancel = NULL;
	ecra_buf_clear(&ev.log);
	write_text(dir, "creds.json", "{not json");
	assert_ok(publish("\"Three\":{\"source\":{\"directory\":\"ctx\"},"
	                  "\"destinations\":{\"d\":{\"repositoryName\":\"rr\","
	                  "\"imageTag\":\"c5\"}}}",
	    creds, &ev, &sum));
	assert_non_null(strstr(
	    ev.log.ptr, "debug|Ignoring the CDK docker credentials file: "));
	argv_log = slurp_reset("argv.log");
	assert_null(strstr(argv_log, "--config"));
	assert_true(strstr(argv_log, "login ") < strstr(argv_log, "build "));
	assert_int_equal(entries_in(tmp), 0);
	ecra_free(argv_log);
	ecra_free(slurp_reset("config.log"));

	/* a missing file: silently the normal flow */
	ecra_buf_clear(&ev.log);
	unlink(creds);
	assert_ok(publish("\"Four\":{\"source\":{\"directory\":\"ctx\"},"
	                  "\"destinations\":{\"d\":{\"repositoryName\":\"rr\","
	                  "\"imageTag\":\"c6\"}}}",
	    creds, &ev, &sum));
	assert_null(strstr(ev.log.ptr, "CDK docker credentials"));
	argv_log = slurp_reset("argv.log");
	assert_null(strstr(argv_log, "--config"));
	ecra_free(argv_log);
	ecra_buf_dispose(&ev.log);
	ecra_free(creds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(load_counts_as_absent),
		cmocka_unit_test(load_keeps_domains_in_order),
		cmocka_unit_test(match_rules),
		cmocka_unit_test(get_errors_before_any_call),
		cmocka_unit_test(build_config_json),
		cmocka_unit_test(publish_with_creds_file),
		cmocka_unit_test(publish_cancelled_and_ignored_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
