/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/publish/names.c - repository names and tags are checked
 * against the OCI distribution grammar and ECR's 2-256 characters when a
 * manifest loads, before any request (issue 9.8): "nothere/../base",
 * "a?b", "a#b" are refused with a message naming the file, the asset's
 * field and the rule, never normalised into another repository's path;
 * the registry client refuses them too and escapes every path segment.
 */
#include "helpers.h"

#include "registry/registry_int.h"
#include "util/buf.h"

static char dir[4096];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "%s", sandbox_dir());
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sandbox_cleanup(dir);
	return 0;
}

static int load(const char *repo, const char *tag)
{
	ecra_manifest *m = NULL;
	char json[2048], path[4200];
	int rc;

	snprintf(json, sizeof(json),
	    "{\"version\":\"36.0.0\",\"dockerImages\":{\"img1\":{\"source\":"
	    "{\"directory\":\"d\"},\"destinations\":{\"dst\":{"
	    "\"repositoryName\":\"%s\",\"imageTag\":\"%s\"}}}}}",
	    repo, tag);
	write_text(dir, "x.assets.json", json);
	snprintf(path, sizeof(path), "%s/x.assets.json", dir);
	assert_ok(ecra_manifest_new(&m));
	rc = ecra_manifest_load(m, path);
	if (rc < 0)
		assert_int_equal(ecra_manifest_count(m), 0);
	ecra_manifest_free(m);
	return rc;
}

static void refused_at_load(void **state)
{
	static const char *const bad_repos[] = { "nothere/../base", "a?b",
		"a#b", "a/./b", "../base", "/base", "base/", "a//b", "Upper",
		"a b", "a%2fb", "-a", "a-", "a.", ".a", "a..b", "a___b", "a:b",
		"a@b", "r", "${AWS::Region}/../x", "a\\\\b" };
	static const char *const bad_tags[] = { ".t", "-t", "t?x", "t#x", "t/x",
		"t:x", "", "t x", "..", "${AWS::Region}/x" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_repos) / sizeof(bad_repos[0]); i++) {
		if (load(bad_repos[i], "t1") != ECRA_EINVALID) {
			print_error(
			    "repository '%s' was accepted\n", bad_repos[i]);
			fail();
		}
		assert_error_contains("x.assets.json");
		assert_error_contains(
		    "'dockerImages.img1.destinations.dst.repositoryName'");
		assert_error_contains("[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*");
	}
	for (i = 0; i < sizeof(bad_tags) / sizeof(bad_tags[0]); i++) {
		if (load("app", bad_tags[i]) != ECRA_EINVALID) {
			print_error("tag '%s' was accepted\n", bad_tags[i]);
			fail();
		}
		assert_error_contains(
		    "'dockerImages.img1.destinations.dst.imageTag'");
		assert_error_contains("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");
	}
}

static void accepted_at_load(void **state)
{
	static const char *const repos[] = { "ab", "a/b", "team/app-1",
		"a.b_c__d---e/f0",
		"cdk-hnb659fds-container-assets-"
		"${AWS::AccountId}-${AWS::Region}",
		"${AWS::Region}", "x.${AWS::Partition}" };
	static const char *const tags[] = { "t", "_", "V1.2.3-rc_4",
		"abc${AWS::Region}" };
	char long_name[300], long_tag[200];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(repos) / sizeof(repos[0]); i++)
		assert_ok(load(repos[i], "t1"));
	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		assert_ok(load("app", tags[i]));
	/* ECR's limits: 256 characters, a 128-character tag */
	memset(long_name, 'a', 256);
	long_name[256] = '\0';
	assert_ok(load(long_name, "t1"));
	long_name[256] = 'a';
	long_name[257] = '\0';
	assert_int_equal(ECRA_EINVALID, load(long_name, "t1"));
	assert_error_contains("2 to 256 characters");
	memset(long_tag, 'b', 128);
	long_tag[128] = '\0';
	assert_ok(load("app", long_tag));
	long_tag[128] = 'b';
	long_tag[129] = '\0';
	assert_int_equal(ECRA_EINVALID, load("app", long_tag));
}

static void client_refuses_and_escapes(void **state)
{
	ecra_registry_options o;
	ecra_registry *r = NULL;
	bool exists = true;

	(void)state;
	assert_true(ecra_init() > 0);
	memset(&o, 0, sizeof(o));
	/* nothing listens there: a request would fail with ECRA_ENET */
	o.host = "127.0.0.1:9";
	o.plain_http = true;
	assert_ok(ecra_registry_new(&r, &o));
	assert_int_equal(
	    ECRA_EINVALID, ecra_registry_manifest_exists(
	                       r, "nothere/../base", "t", &exists, NULL));
	assert_error_contains("'nothere/../base' is not valid");
	assert_int_equal(ECRA_EINVALID,
	    ecra_registry_manifest_exists(r, "a?b", "t", &exists, NULL));
	assert_int_equal(ECRA_EINVALID,
	    ecra_registry_manifest_exists(r, "a", "t#x", &exists, NULL));
	assert_error_contains("neither an image tag nor a digest");
	assert_int_equal(ECRA_EINVALID,
	    ecra_registry_blob_exists(r, "a", "sha256:../../x", &exists));
	assert_int_equal(ECRA_EINVALID,
	    ecra_registry_blob_exists(r, "a", "sha256/x", &exists));
	/* a valid one gets as far as the network */
	assert_int_equal(ECRA_ENET, ecra_registry_blob_exists(r, "a/b",
	                                "sha256:"
	                                "e3b0c44298fc1c149afbf4c8996fb92427ae41"
	                                "e4649b934ca495991b7852b855",
	                                &exists));
	assert_int_equal(ECRA_ENET,
	    ecra_registry_manifest_exists(r, "a", "v1", &exists, NULL));
	assert_true(ecra_registry_tag_valid("latest"));
	assert_false(ecra_registry_tag_valid("sha256:abc"));
	assert_true(ecra_registry_repository_valid("a"));
	assert_int_equal(ECRA_EINVALID, ecra_registry_check_repository("a"));
	assert_ok(ecra_registry_check_repository("ab"));
	ecra_registry_free(r);
	ecra_shutdown();
}

static void on_event(const ecra_publish_event *ev, void *payload)
{
	if (ev->type == ECRA_EVENT_FAIL)
		snprintf(payload, 512, "%s", ev->message);
}

/* An --account is text too: the resolved name is checked again. */
static void checked_again_after_placeholders(void **state)
{
	ecra_manifest *m = NULL;
	ecra_publish_options o;
	ecra_publish_summary sum;
	char path[4200], msg[512] = "";

	(void)state;
	assert_true(ecra_init() > 0);
	write_text(dir, "p.assets.json",
	    "{\"version\":\"36.0.0\",\"dockerImages\":{\"img1\":{"
	    "\"source\":{\"directory\":\"d\"},\"destinations\":{\"dst\":{"
	    "\"repositoryName\":\"repo-${AWS::AccountId}\",\"imageTag\":"
	    "\"t\"}}}}}");
	snprintf(path, sizeof(path), "%s/p.assets.json", dir);
	assert_ok(ecra_manifest_new(&m));
	assert_ok(ecra_manifest_load(m, path));
	memset(&o, 0, sizeof(o));
	o.version = ECRA_PUBLISH_OPTIONS_VERSION;
	o.registry = "127.0.0.1:9";
	o.account = "1/../other";
	o.dry_run = true;
	o.on_event = on_event;
	o.payload = msg;
	assert_true(ecra_publish(m, &o, &sum) < 0);
	assert_int_equal(sum.failed, 1);
	assert_non_null(strstr(msg, "destination 'img1:dst'"));
	assert_non_null(strstr(msg, "'repo-1/../other' is not valid"));
	ecra_manifest_free(m);
	ecra_shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refused_at_load),
		cmocka_unit_test(accepted_at_load),
		cmocka_unit_test(client_refuses_and_escapes),
		cmocka_unit_test(checked_again_after_placeholders),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
