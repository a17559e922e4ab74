/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/publish/manifest.c - loading asset manifests and cloud
 * assemblies: entry order (JS key order), source/destination parsing,
 * the version check, precise schema errors, selection by asset pattern
 * and by stack.
 */
#include "helpers.h"

#include "core/alloc.h"
#include "publish/publish.h"

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

static const char *path_of(const char *rel)
{
	static char p[4200];

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	return p;
}

static void load_ok(ecra_manifest **m, const char *rel)
{
	assert_ok(ecra_manifest_new(m));
	assert_ok(ecra_manifest_load(*m, path_of(rel)));
}

/* Load `json` as x.assets.json and expect failure containing `needle`. */
static void load_fails(const char *json, int code, const char *needle)
{
	ecra_manifest *m = NULL;

	write_text(dir, "bad/x.assets.json", json);
	assert_ok(ecra_manifest_new(&m));
	assert_fails_with(
	    code, ecra_manifest_load(m, path_of("bad/x.assets.json")));
	assert_error_contains(needle);
	assert_int_equal(ecra_manifest_count(m), 0);
	ecra_manifest_free(m);
}

static void entries_in_js_order(void **state)
{
	ecra_manifest *m = NULL;
	ecra_manifest_entry e;
	const char *const order[][2] = { { "10", "d" }, { "zeta", "2" },
		{ "zeta", "b" }, { "alpha", "x" } };
	size_t i;

	(void)state;
	write_text(dir, "m/S.assets.json",
	    "{\"version\":\"55.0.0\",\"files\":{\"f\":{}},\"dockerImages\":{"
	    "\"zeta\":{\"source\":{\"directory\":\"asset.z\"},"
	    "\"destinations\":{\"b\":{\"repositoryName\":\"rr\",\"imageTag\":"
	    "\"t1\"},\"2\":{\"repositoryName\":\"rr\",\"imageTag\":\"t2\","
	    "\"region\":\"us-west-2\",\"assumeRoleArn\":\"arn:x\"}}},"
	    "\"alpha\":{\"displayName\":\"Alpha\",\"source\":{\"executable\":"
	    "[\"sh\",\"-c\",\"echo img\"],\"directory\":\"ignored\"},"
	    "\"destinations\":{\"x\":{\"repositoryName\":\"rr\",\"imageTag\":"
	    "\"t3\"}}},"
	    "\"10\":{\"source\":{\"directory\":\"/abs/./dir/../ctx\"},"
	    "\"destinations\":{\"d\":{\"repositoryName\":\"rr\",\"imageTag\":"
	    "\"t4\",\"extra\":1}}}}}");
	load_ok(&m, "m/S.assets.json");
	assert_int_equal(ecra_manifest_count(m), 4);
	assert_int_equal(ecra_manifest_file_asset_count(m), 1);
	for (i = 0; i < 4; i++) {
		assert_ok(ecra_manifest_get(m, i, &e));
		assert_string_equal(e.asset_id, order[i][0]);
		assert_string_equal(e.destination_id, order[i][1]);
	}
	assert_ok(ecra_manifest_get(m, 0, &e));
	assert_string_equal(e.directory, "/abs/ctx");
	assert_ok(ecra_manifest_get(m, 1, &e));
	assert_string_equal(e.region, "us-west-2");
	assert_string_equal(e.assume_role_arn, "arn:x");
	assert_string_equal(e.image_tag, "t2");
	assert_non_null(strstr(e.directory, "/m/asset.z"));
	assert_non_null(strstr(e.directory, "/m/asset.z"));
	assert_true(e.directory[0] == '/');
	assert_string_equal(e.manifest_path, path_of("m/S.assets.json"));
	assert_ok(ecra_manifest_get(m, 3, &e));
	/* executable wins over directory */
	assert_null(e.directory);
	assert_string_equal(e.executable[2], "echo img");
	assert_null(e.executable[3]);
	assert_string_equal(e.display_name, "Alpha");
	assert_fails_with(ECRA_EINVALID, ecra_manifest_get(m, 4, &e));
	ecra_manifest_free(m);
}

static void build_options_parsed(void **state)
{
	ecra_manifest *m = NULL;
	const ecra_pub_entry *e;
	const ecra_docker_build_args *b;

	(void)state;
	write_text(dir, "opts/assets.json",
	    "{\"version\":\"54.0.0\",\"dockerImages\":{\"Named-ABC\":{"
	    "\"source\":{\"directory\":\"ctx\",\"dockerFile\":\"Dockerfile\","
	    "\"dockerBuildTarget\":\"stage\",\"dockerBuildArgs\":{\"b\":\"2\","
	    "\"1\":\"one\",\"a\":\"1\"},\"dockerBuildContexts\":{\"c\":\"/c\"},"
	    "\"dockerBuildSecrets\":{\"s\":\"src=/s\"},\"dockerBuildSsh\":"
	    "\"default\",\"networkMode\":\"host\",\"platform\":\"linux/arm64\","
	    "\"dockerOutputs\":[\"type=docker\"],\"cacheFrom\":[{\"type\":"
	    "\"registry\",\"params\":{\"ref\":\"a/b:c\"}},{\"type\":\"gha\","
	    "\"params\":{}}],\"cacheTo\":{\"type\":\"inline\"},"
	    "\"cacheDisabled\":true,\"dockerBuildProvenance\":true},"
	    "\"destinations\":{\"d\":{\"repositoryName\":\"rr\",\"imageTag\":"
	    "\"t\"}}}}}");
	/* a directory with assets.json (cdk-assets -p DIR) */
	load_ok(&m, "opts");
	assert_int_equal(ecra_manifest_count(m), 1);
	e = ecra_manifest_entry_at(m, 0);
	b = &e->asset->build;
	assert_string_equal(b->tag, "cdkasset-named-abc");
	assert_int_equal(b->build_arg_count, 3);
	assert_string_equal(b->build_args[0].key, "1"); /* integer key first */
	assert_string_equal(b->build_args[1].key, "b");
	assert_string_equal(b->build_args[2].value, "1");
	assert_string_equal(b->build_contexts[0].value, "/c");
	assert_string_equal(b->build_secrets[0].key, "s");
	assert_string_equal(b->ssh, "default");
	assert_string_equal(b->target, "stage");
	assert_string_equal(b->file, "Dockerfile");
	assert_string_equal(b->network, "host");
	assert_string_equal(b->platform, "linux/arm64");
	assert_int_equal(b->output_count, 1);
	assert_int_equal(b->cache_from_count, 2);
	assert_string_equal(b->cache_from[0].params[0].value, "a/b:c");
	assert_true(b->cache_from[1].has_params);
	assert_int_equal(b->cache_from[1].param_count, 0);
	assert_string_equal(b->cache_to->type, "inline");
	assert_false(b->cache_to->has_params);
	assert_true(b->no_cache);
	assert_true(e->asset->attestations);
	ecra_manifest_free(m);
}

static void schema_errors_name_file_and_field(void **state)
{
	(void)state;
	load_fails(
	    "{\"version\":\"55.0.0\",\"dockerImages\":{\"a\":{\"source\":"
	    "{\"directory\":\"d\"},\"destinations\":{\"d\":{"
	    "\"repositoryName\":\"rr\",\"imageTag\":5}}}}}",
	    ECRA_EINVALID,
	    "x.assets.json': 'dockerImages.a.destinations.d.imageTag' must be "
	    "a string, got number");
	load_fails(
	    "{\"version\":\"55.0.0\",\"dockerImages\":{\"a\":{\"source\":"
	    "{\"directory\":\"d\"}}}}",
	    ECRA_EINVALID, "'dockerImages.a.destinations' is missing");
	load_fails(
	    "{\"version\":\"55.0.0\",\"dockerImages\":{\"a\":{\"source\":"
	    "{},\"destinations\":{}}}}",
	    ECRA_EINVALID,
	    "'dockerImages.a.source' needs 'directory' or 'executable'");
	load_fails(
	    "{\"version\":\"55.0.0\",\"dockerImages\":{\"a\":{\"source\":"
	    "{\"directory\":\"d\",\"dockerBuildArgs\":{\"K\":1}},"
	    "\"destinations\":{}}}}",
	    ECRA_EINVALID,
	    "'dockerImages.a.source.dockerBuildArgs.K' must be "
	    "a string");
	load_fails(
	    "{\"version\":\"55.0.0\",\"dockerImages\":{\"a\":{\"source\":"
	    "{\"executable\":[\"sh\",3]},\"destinations\":{}}}}",
	    ECRA_EINVALID,
	    "'dockerImages.a.source.executable[1]' must be a "
	    "string");
	load_fails(
	    "{\"version\":\"55.0.0\",\"dockerImages\":{\"a\":{\"source\":"
	    "{\"directory\":\"d\",\"cacheFrom\":[{\"params\":{}}]},"
	    "\"destinations\":{}}}}",
	    ECRA_EINVALID, "'dockerImages.a.source.cacheFrom[0].type' must be");
	load_fails(
	    "{\"version\":\"55.0.0\",\"dockerImages\":{\"a\":{\"source\":"
	    "{\"directory\":\"d\"},\"destinations\":{\"d\":{"
	    "\"imageTag\":\"t\"}}}}}",
	    ECRA_EINVALID,
	    "'dockerImages.a.destinations.d.repositoryName' is "
	    "missing");
	load_fails("{\"version\":\"55.0.0\",\"dockerImages\":[]}",
	    ECRA_EINVALID, "'dockerImages' must be an object, got array");
	load_fails("[1]", ECRA_EINVALID, "expected a JSON object, got array");
	load_fails(
	    "{\"version\": ", ECRA_EINVALID, "cannot read asset manifest");
}

static void version_checks(void **state)
{
	ecra_manifest *m = NULL;

	(void)state;
	load_fails(
	    "{\"dockerImages\":{}}", ECRA_EINVALID, "'version' is missing");
	load_fails(
	    "{\"version\":55}", ECRA_EINVALID, "'version' must be a string");
	load_fails("{\"version\":\"55.0\"}", ECRA_EINVALID,
	    "invalid semver string '55.0'");
	load_fails("{\"version\":\"v55.0.0\"}", ECRA_EINVALID,
	    "invalid semver string");
	load_fails("{\"version\":\"56.0.0\"}", ECRA_EUNSUPPORTED,
	    "schema version '56.0.0' is newer than supported (at most "
	    "55.x.x)");
	/* Only the major is checked; prerelease tags are fine. */
	write_text(dir, "v/a.assets.json", "{\"version\":\"55.99.1-beta.1\"}");
	load_ok(&m, "v/a.assets.json");
	assert_int_equal(ecra_manifest_count(m), 0);
	assert_fails_with(
	    ECRA_ENOTFOUND, ecra_manifest_load(m, path_of("v/missing.json")));
	assert_error_contains("cannot read asset manifest at");
	assert_fails_with(
	    ECRA_ENOTFOUND, ecra_manifest_load(m, path_of("bad")));
	assert_error_contains("neither a cloud assembly");
	ecra_manifest_free(m);
}

static const char *image_json(const char *id, const char *tag)
{
	static char buf[1024];

	snprintf(buf, sizeof(buf),
	    "{\"version\":\"55.0.0\",\"files\":{\"t\":{}},\"dockerImages\":{"
	    "\"%s\":{\"source\":{\"directory\":\"asset.%s\"},\"destinations\":"
	    "{\"current_account-current_region-1\":{\"repositoryName\":"
	    "\"cdk-hnb659fds-container-assets-${AWS::AccountId}-${AWS::Region}"
	    "\","
	    "\"imageTag\":\"%s\",\"assumeRoleArn\":\"arn:${AWS::Partition}:iam:"
	    ":"
	    "${AWS::AccountId}:role/x\"}}}}}",
	    id, id, tag);
	return buf;
}

static void assembly_and_selection(void **state)
{
	ecra_manifest *m = NULL;
	ecra_manifest_entry e;
	const char *pats[2];
	const char *stacks[1];

	(void)state;
	write_text(dir, "cdk.out/manifest.json",
	    "{\"version\":\"55.0.0\",\"artifacts\":{"
	    "\"Tree\":{\"type\":\"cdk:tree\"},"
	    "\"One.assets\":{\"type\":\"cdk:asset-manifest\",\"properties\":{"
	    "\"file\":\"One.assets.json\",\"requiresBootstrapStackVersion\":6}}"
	    ","
	    "\"One\":{\"type\":\"aws:cloudformation:stack\",\"properties\":{"
	    "\"stackName\":\"one-prod\"},\"dependencies\":[\"One.assets\"],"
	    "\"displayName\":\"One\"},"
	    "\"assembly-Stage\":{\"type\":\"cdk:cloud-assembly\","
	    "\"properties\":"
	    "{\"directoryName\":\"assembly-Stage\"}}}}");
	write_text(dir, "cdk.out/One.assets.json", image_json("aaa", "t1"));
	write_text(dir, "cdk.out/assembly-Stage/manifest.json",
	    "{\"version\":\"55.0.0\",\"artifacts\":{"
	    "\"StageTwo.assets\":{\"type\":\"cdk:asset-manifest\","
	    "\"properties\":{\"file\":\"StageTwo.assets.json\"}},"
	    "\"StageTwo\":{\"type\":\"aws:cloudformation:stack\","
	    "\"dependencies\":[\"StageTwo.assets\"],\"displayName\":"
	    "\"Stage/Two\"}}}");
	write_text(dir, "cdk.out/assembly-Stage/StageTwo.assets.json",
	    image_json("bbb", "t2"));
	load_ok(&m, "cdk.out");
	assert_int_equal(ecra_manifest_count(m), 2);
	assert_int_equal(ecra_manifest_file_asset_count(m), 2);
	assert_ok(ecra_manifest_get(m, 0, &e));
	assert_string_equal(e.stack, "One");
	assert_non_null(strstr(e.directory, "/cdk.out/asset.aaa"));
	assert_ok(ecra_manifest_get(m, 1, &e));
	assert_string_equal(e.stack, "StageTwo");
	assert_non_null(
	    strstr(e.directory, "/cdk.out/assembly-Stage/asset.bbb"));

	/* by stack: artifact id, stackName or displayName */
	stacks[0] = "one-prod";
	assert_ok(ecra_manifest_select(m, NULL, 0, stacks, 1));
	assert_int_equal(ecra_manifest_count(m), 1);
	stacks[0] = "Stage/Two";
	assert_ok(ecra_manifest_select(m, NULL, 0, stacks, 1));
	assert_ok(ecra_manifest_get(m, 0, &e));
	assert_string_equal(e.asset_id, "bbb");
	stacks[0] = "Nope";
	assert_fails_with(
	    ECRA_ENOTFOUND, ecra_manifest_select(m, NULL, 0, stacks, 1));
	assert_error_contains("stack 'Nope'");

	/* by asset pattern */
	pats[0] = "bbb";
	assert_ok(ecra_manifest_select(m, pats, 1, NULL, 0));
	assert_int_equal(ecra_manifest_count(m), 1);
	pats[0] = "*:current_account-current_region-1";
	assert_ok(ecra_manifest_select(m, pats, 1, NULL, 0));
	assert_int_equal(ecra_manifest_count(m), 2);
	pats[0] = ":current_account-current_region-1";
	pats[1] = "aaa:*";
	assert_ok(ecra_manifest_select(m, pats, 2, NULL, 0));
	assert_int_equal(ecra_manifest_count(m), 2);
	pats[0] = "aaa:other";
	assert_fails_with(
	    ECRA_ENOTFOUND, ecra_manifest_select(m, pats, 1, NULL, 0));
	pats[0] = "a:b:c";
	assert_fails_with(
	    ECRA_EINVALID, ecra_manifest_select(m, pats, 1, NULL, 0));
	assert_error_contains("at most 2 ':'-separated parts, got 'a:b:c'");
	pats[0] = "";
	assert_fails_with(
	    ECRA_EINVALID, ecra_manifest_select(m, pats, 1, NULL, 0));
	/* empty selection = everything again */
	assert_ok(ecra_manifest_select(m, NULL, 0, NULL, 0));
	assert_int_equal(ecra_manifest_count(m), 2);

	/* a plain file is selected by its stem, and files add up */
	assert_ok(ecra_manifest_load(m, path_of("cdk.out/One.assets.json")));
	assert_int_equal(ecra_manifest_count(m), 3);
	stacks[0] = "One";
	assert_ok(ecra_manifest_select(m, NULL, 0, stacks, 1));
	assert_int_equal(ecra_manifest_count(m), 2);
	ecra_manifest_free(m);
}

static void failed_load_leaves_set_intact(void **state)
{
	ecra_manifest *m = NULL;

	(void)state;
	write_text(dir, "ok/a.assets.json", image_json("ccc", "t"));
	write_text(dir, "ok/b.assets.json",
	    "{\"version\":\"55.0.0\",\"dockerImages\":{\"good\":{\"source\":"
	    "{\"directory\":\"d\"},\"destinations\":{\"d\":{\"repositoryName\":"
	    "\"rr\",\"imageTag\":\"t\"}}},\"bad\":{\"source\":{\"directory\":"
	    "7},\"destinations\":{}}}}");
	load_ok(&m, "ok/a.assets.json");
	assert_fails_with(
	    ECRA_EINVALID, ecra_manifest_load(m, path_of("ok/b.assets.json")));
	assert_error_contains("'dockerImages.bad.source.directory' must be a "
	                      "string, got number");
	assert_int_equal(ecra_manifest_count(m), 1);
	ecra_manifest_free(m);
}

/* Every allocation failure is reported as ECRA_ENOMEM, without leaks
 * (the ASan build checks) or a half-loaded set. */
static void allocation_failures(void **state)
{
	ecra_manifest *m = NULL;
	const char *pats[] = { "oom:*" };
	long n;
	int rc;

	(void)state;
	write_text(dir, "oom/cdk.out/manifest.json",
	    "{\"version\":\"55.0.0\",\"artifacts\":{\"S.assets\":{\"type\":"
	    "\"cdk:asset-manifest\",\"properties\":{\"file\":"
	    "\"S.assets.json\"}},\"S\":{\"type\":\"aws:cloudformation:stack\","
	    "\"dependencies\":[\"S.assets\"]}}}");
	write_text(dir, "oom/cdk.out/S.assets.json",
	    "{\"version\":\"55.0.0\",\"dockerImages\":{\"oom\":{\"source\":{"
	    "\"directory\":\"ctx\",\"dockerBuildArgs\":{\"a\":\"1\",\"2\":"
	    "\"b\"},\"cacheFrom\":[{\"type\":\"registry\",\"params\":{\"r\":"
	    "\"x\"}}],\"cacheTo\":{\"type\":\"inline\"},\"dockerOutputs\":"
	    "[\"type=docker\"]},\"destinations\":{\"d1\":{\"repositoryName\":"
	    "\"rr\",\"imageTag\":\"t\"},\"d2\":{\"repositoryName\":\"rr\","
	    "\"imageTag\":\"u\"}}},\"ex\":{\"source\":{\"executable\":[\"a\","
	    "\"b\"]},\"destinations\":{\"d\":{\"repositoryName\":\"rr\","
	    "\"imageTag\":\"v\"}}}}}");
	for (n = 0;; n++) {
		ecra_alloc_fail_after(n);
		rc = ecra_manifest_new(&m);
		if (rc == 0)
			rc = ecra_manifest_load(m, path_of("oom/cdk.out"));
		if (rc == 0)
			rc = ecra_manifest_select(m, pats, 1, NULL, 0);
		ecra_alloc_fail_after(-1);
		if (rc == 0) {
			assert_int_equal(ecra_manifest_count(m), 2);
			ecra_manifest_free(m);
			break;
		}
		assert_int_equal(rc, ECRA_ENOMEM);
		ecra_manifest_free(m);
		m = NULL;
		assert_true(n < 2000);
	}
	assert_true(n > 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(entries_in_js_order),
		cmocka_unit_test(build_options_parsed),
		cmocka_unit_test(schema_errors_name_file_and_field),
		cmocka_unit_test(version_checks),
		cmocka_unit_test(assembly_and_selection),
		cmocka_unit_test(failed_load_leaves_set_intact),
		cmocka_unit_test(allocation_failures),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
