/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/assembly/appfile.c - ecra_app_load_json(): the app file
 * format, relative paths, and error messages that name the field.
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

/* Write app.json with `text`; load it; return the code. */
static int load(ecra_app **app, const char *text)
{
	char path[4200];

	write_text(dir, "app.json", text);
	return ecra_app_load_json(
	    app, join2(path, sizeof(path), dir, "app.json"), NULL);
}

static void expect_error(int code, const char *text, const char *needle)
{
	ecra_app *app = NULL;

	assert_int_equal(load(&app, text), code);
	assert_null(app);
	if (strstr(ecra_error_last()->message, needle) == NULL) {
		print_error("error '%s' lacks '%s'\n",
		    ecra_error_last()->message, needle);
		fail();
	}
}

static void test_issue_example(void **state)
{
	static const char text[] =
	    "{\"context\": {},\n"
	    " \"outdir\": \"cdk.out\",\n"
	    " \"stacks\": [{\"id\": \"MyStack\",\n"
	    "   \"env\": {\"account\": \"123456789012\", \"region\": "
	    "\"eu-west-1\"},\n"
	    "   \"synthesizer\": {\"qualifier\": \"hnb659fds\", "
	    "\"dockerTagPrefix\": \"\"},\n"
	    "   \"dockerImageAssets\": [{\"id\": \"MyBuildImage\", "
	    "\"directory\": \"A\",\n"
	    "      \"buildArgs\": {\"HTTP_PROXY\": "
	    "\"http://10.20.30.2:1234\"},\n"
	    "      \"invalidation\": {\"buildArgs\": false},\n"
	    "      \"networkMode\": \"host\", \"platform\": "
	    "\"linux/arm64\"}],\n"
	    "   \"tarballImageAssets\": [{\"id\": \"Tar\", \"tarballFile\": "
	    "\"image.tar\"}],\n"
	    "   \"roles\": [{\"id\": \"Puller\", \"assumedBy\": "
	    "\"ecs-tasks.amazonaws.com\",\n"
	    "                \"pull\": [\"MyBuildImage\"]}],\n"
	    "   \"outputs\": [{\"id\": \"Uri\", \"imageUri\": "
	    "\"MyBuildImage\"},\n"
	    "               {\"id\": \"Tag\", \"imageTag\": "
	    "\"MyBuildImage\"}]}]}\n";
	ecra_app *app = NULL;
	ecra_stack *s;
	ecra_image_asset *a;
	char want[4200];

	(void)state;
	assert_ok(load(&app, text));
	assert_int_equal(ecra_app_stack_count(app), 1);
	s = ecra_app_stack_at(app, 0);
	assert_string_equal(ecra_stack_id(s), "MyStack");
	assert_string_equal(
	    ecra_stack_environment(s), "aws://123456789012/eu-west-1");
	assert_int_equal(ecra_stack_asset_count(s), 2);
	a = ecra_stack_find_asset(s, "MyBuildImage");
	assert_non_null(a);
	assert_non_null(ecra_stack_find_role(s, "Puller"));
	/* outdir and paths resolve against the file's folder. */
	assert_string_equal(
	    ecra_app_outdir(app), join2(want, sizeof(want), dir, "cdk.out"));
	assert_string_equal(
	    ecra_image_asset_hash(ecra_stack_find_asset(s, "Tar")), HASH_TAR);
	ecra_app_free(app);
}

static void test_load_options(void **state)
{
	ecra_app_load_options lo = ECRA_APP_LOAD_OPTIONS_INIT;
	ecra_app *app = NULL;
	char path[4200], *v = NULL;

	(void)state;
	write_text(dir, "app2.json",
	    "{\"context\": {\"a\": 1, \"b\": \"x\"}, \"stacks\": [{\"id\": "
	    "\"S\"}]}");
	lo.context_json =
	    "{\"b\": \"y\", \"@aws-cdk/core:bootstrapQualifier\": "
	    "\"q2\"}";
	lo.outdir = "elsewhere";
	assert_ok(ecra_app_load_json(
	    &app, join2(path, sizeof(path), dir, "app2.json"), &lo));
	assert_string_equal(ecra_app_outdir(app), "elsewhere");
	assert_ok(ecra_app_get_context_json(&v, app, "b"));
	assert_string_equal(v, "\"y\"");
	ecra_free(v);
	assert_ok(ecra_app_get_context_json(&v, app, "a"));
	assert_string_equal(v, "1");
	ecra_free(v);
	assert_ok(ecra_app_get_context_json(&v, app, "zz"));
	assert_null(v);
	assert_string_equal(
	    ecra_stack_qualifier(ecra_app_find_stack(app, "S")), "q2");
	ecra_app_free(app);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error(
	    ECRA_EINVALID, "{\"stacks\": [\n  {\"id\": }]}", "app.json:2:");
	expect_error(ECRA_EINVALID, "{\"stacks\": [], \"stack\": 1}",
	    "app.json: stack: unknown key 'stack' (valid keys: context, "
	    "outdir, stacks)");
	expect_error(ECRA_EINVALID,
	    "{\"stacks\": [{\"id\": \"S\", \"dockerImageAssets\": ["
	    "{\"id\": \"A\", \"directory\": \"A\"},"
	    "{\"id\": \"B\", \"directory\": \"A\", \"buildArgs\": {\"X\": "
	    "1}}]}]}",
	    "app.json: stacks[0].dockerImageAssets[1].buildArgs.X: expected a "
	    "string");
	expect_error(ECRA_EINVALID,
	    "{\"stacks\": [{\"id\": \"S\", \"dockerImageAssets\": ["
	    "{\"id\": \"A\", \"directory\": \"A\", \"invalidation\": "
	    "{\"nope\": true}}]}]}",
	    "stacks[0].dockerImageAssets[0].invalidation.nope: unknown key "
	    "'nope' (valid keys: extraHash,");
	expect_error(ECRA_EINVALID, "{\"stacks\": [{\"id\": 3}]}",
	    "app.json: stacks[0].id: expected a string, got number");
	expect_error(ECRA_EINVALID, "{\"stacks\": [{}]}",
	    "app.json: stacks[0].id: required");
	expect_error(ECRA_EEXISTS,
	    "{\"stacks\": [{\"id\": \"S\"}, {\"id\": \"S\"}]}",
	    "app.json: stacks[1]: There is already a Construct with name 'S'");
	expect_error(ECRA_EEXISTS,
	    "{\"stacks\": [{\"id\": \"S\", \"dockerImageAssets\": ["
	    "{\"id\": \"A\", \"directory\": \"A\"}], \"outputs\": "
	    "[{\"id\": \"A\", \"value\": \"v\"}]}]}",
	    "stacks[0].outputs[0]: There is already a Construct with name 'A'");
	expect_error(ECRA_ENOTFOUND,
	    "{\"stacks\": [{\"id\": \"S\", \"dockerImageAssets\": ["
	    "{\"id\": \"A\", \"directory\": \"missing\"}]}]}",
	    "stacks[0].dockerImageAssets[0]: Cannot find image directory at ");
	expect_error(ECRA_ENOTFOUND,
	    "{\"stacks\": [{\"id\": \"S\", \"roles\": [{\"id\": \"R\", "
	    "\"assumedBy\": \"x\", \"pull\": [\"Nope\"]}]}]}",
	    "stacks[0].roles[0].pull[0]: no image asset 'Nope' in stack 'S'");
	expect_error(ECRA_EINVALID,
	    "{\"stacks\": [{\"id\": \"S\", \"outputs\": [{\"id\": \"O\"}]}]}",
	    "stacks[0].outputs[0]: give exactly one of");
	expect_error(ECRA_EINVALID,
	    "{\"stacks\": [{\"id\": \"S\", \"dockerImageAssets\": ["
	    "{\"id\": \"A\", \"directory\": \"A\", \"ignoreMode\": "
	    "\"svn\"}]}]}",
	    "ignoreMode: invalid ignore mode 'svn'");
	expect_error(ECRA_EINVALID, "{\"context\": [], \"stacks\": []}",
	    "app.json: context: expected an object, got array");
	expect_error(
	    ECRA_EINVALID, "{\"stacks\": [], \"stacks\": []}", "app.json:1:");
	{
		ecra_app *app = NULL;

		assert_int_equal(
		    ecra_app_load_json(&app, "/nonexistent/app.json", NULL),
		    ECRA_ENOTFOUND);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_issue_example),
		cmocka_unit_test(test_load_options),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
