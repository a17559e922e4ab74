/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/assembly/extrahash.c - the DockerImageAsset extraHash JSON
 * (spec §4.2 step 7) and logical ids (makeUniqueId).
 */
#include "helpers.h"

#include "assembly/assembly.h"

static char *extra(const ecra_docker_image_asset_options *o)
{
	char *s = NULL;

	assert_ok(ecra_assembly_docker_extra_hash(&s, o));
	return s;
}

static void test_minimal(void **state)
{
	ecra_docker_image_asset_options o =
	    ECRA_DOCKER_IMAGE_ASSET_OPTIONS_INIT;
	char *s;

	(void)state;
	s = extra(&o);
	assert_string_equal(s, "{\"version\":\"1.21.0\"}");
	ecra_free(s);
	/* "" is falsy in JS: skipped. */
	o.extra_hash = "";
	o.target = "";
	o.build_ssh = "";
	s = extra(&o);
	assert_string_equal(s, "{\"version\":\"1.21.0\"}");
	ecra_free(s);
}

static void test_full_example(void **state)
{
	ecra_docker_image_asset_options o =
	    ECRA_DOCKER_IMAGE_ASSET_OPTIONS_INIT;
	ecra_kv args[] = { { "Z", "1" }, { "A", "2" } };
	ecra_kv ctx[] = { { "ctx", "docker-image://alpine" } };
	ecra_kv sec[] = { { "S", "src=f.txt" } };
	const char *outs[] = { "type=docker" };
	char *nm, *src, *s;

	(void)state;
	nm = ecra_network_mode_from_container("c1");
	src = ecra_docker_build_secret_from_src("f.txt");
	assert_string_equal(nm, "container:c1");
	assert_string_equal(src, "src=f.txt");
	o.extra_hash = "U";
	o.build_args = args;
	o.build_args_count = 2;
	o.build_contexts = ctx;
	o.build_contexts_count = 1;
	o.build_secrets = sec;
	o.build_secrets_count = 1;
	o.build_ssh = "default";
	o.target = "t";
	o.network_mode = nm;
	o.platform = ECRA_PLATFORM_LINUX_ARM64;
	o.outputs = outs;
	o.outputs_count = 1;
	s = extra(&o);
	assert_string_equal(s,
	    "{\"user\":\"U\",\"buildArgs\":{\"Z\":\"1\",\"A\":\"2\"},"
	    "\"buildContexts\":{\"ctx\":\"docker-image://alpine\"},"
	    "\"buildSecrets\":{\"S\":\"src=f.txt\"},\"buildSsh\":\"default\","
	    "\"target\":\"t\",\"networkMode\":{\"mode\":\"container:c1\"},"
	    "\"platform\":{\"platform\":\"linux/arm64\"},"
	    "\"outputs\":[\"type=docker\"],\"version\":\"1.21.0\"}");
	ecra_free(s);
	ecra_free(nm);
	ecra_free(src);
}

static void test_probe_and_order(void **state)
{
	ecra_docker_image_asset_options o =
	    ECRA_DOCKER_IMAGE_ASSET_OPTIONS_INIT;
	ecra_kv args[] = { { "B", "2" }, { "10", "x" }, { "A", "1" },
		{ "2", "y" }, { "01", "z" } };
	char *s;

	(void)state;
	o.build_args = args;
	o.build_args_count = 2;
	o.target = "prod";
	o.network_mode = ECRA_NETWORK_MODE_HOST;
	o.platform = ECRA_PLATFORM_LINUX_AMD64;
	{
		ecra_kv two[] = { { "B", "2" }, { "A", "1" } };

		o.build_args = two;
		o.build_args_count = 2;
		s = extra(&o);
		assert_string_equal(s,
		    "{\"buildArgs\":{\"B\":\"2\",\"A\":\"1\"},\"target\":"
		    "\"prod\","
		    "\"networkMode\":{\"mode\":\"host\"},"
		    "\"platform\":{\"platform\":\"linux/amd64\"},"
		    "\"version\":\"1.21.0\"}");
		ecra_free(s);
	}
	/* JS puts integer-like keys first, ascending. */
	o.build_args = args;
	o.build_args_count = 5;
	o.target = NULL;
	o.network_mode = NULL;
	o.platform = NULL;
	s = extra(&o);
	assert_string_equal(s,
	    "{\"buildArgs\":{\"2\":\"y\",\"10\":\"x\",\"B\":\"2\",\"A\":\"1\","
	    "\"01\":\"z\"},\"version\":\"1.21.0\"}");
	ecra_free(s);
}

static void test_invalidation_and_empty(void **state)
{
	ecra_docker_image_asset_options o =
	    ECRA_DOCKER_IMAGE_ASSET_OPTIONS_INIT;
	ecra_kv none[1] = { { NULL, NULL } };
	const char *no_outs[1] = { NULL };
	char *s;

	(void)state;
	/* Given-but-empty maps and lists are hashed as {} and []. */
	o.build_args = none;
	o.outputs = no_outs;
	o.file = "sub/Dockerfile.prod";
	o.repository_name = "legacy";
	s = extra(&o);
	assert_string_equal(s,
	    "{\"buildArgs\":{},\"file\":\"sub/Dockerfile.prod\","
	    "\"repositoryName\":\"legacy\",\"outputs\":[],"
	    "\"version\":\"1.21.0\"}");
	ecra_free(s);
	o.invalidation.build_args = ECRA_FALSE;
	o.invalidation.file = ECRA_FALSE;
	o.invalidation.outputs = ECRA_TRUE;
	o.invalidation.repository_name = ECRA_FALSE;
	s = extra(&o);
	assert_string_equal(s, "{\"outputs\":[],\"version\":\"1.21.0\"}");
	ecra_free(s);
}

static void uid(const char *expect, const char *const *c, size_t n)
{
	char *s = NULL;

	assert_ok(ecra_assembly_unique_id(&s, c, n));
	assert_string_equal(s, expect);
	ecra_free(s);
}

static void test_logical_ids(void **state)
{
	const char *role[] = { "Role", "Resource" };
	const char *pol[] = { "Role", "DefaultPolicy", "Resource" };
	const char *stg[] = { "Stg", "S" };
	const char *out[] = { "Uri-x" };
	const char *def[] = { "Default", "Resource" };
	const char *defpol[] = { "Default", "DefaultPolicy", "Resource" };
	const char *imp[] = { "Imported", "Policy", "Resource" };
	const char *dup[] = { "PullerRole", "Role", "Resource" };

	(void)state;
	uid("Role1ABCC5F0", role, 2);
	uid("RoleDefaultPolicy5FFB7DAB", pol, 3);
	uid("StgS89669147", stg, 2);
	uid("Urix", out, 1);
	uid("Resource", def, 2);
	uid("DefaultPolicyBB6BAB25", defpol, 3);
	uid("ImportedPolicy6F5EAEFA", imp, 3);
	/* removeDupes: "Role" is dropped after "PullerRole" (the hash
	 * still covers every component). */
	uid("PullerRoleFAD542F1", dup, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minimal),
		cmocka_unit_test(test_full_example),
		cmocka_unit_test(test_probe_and_order),
		cmocka_unit_test(test_invalidation_and_empty),
		cmocka_unit_test(test_logical_ids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
