/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/assembly/apps.c - app files synthesized byte-identically to
 * aws-cdk-lib 2.276.0. Each tests/fixtures/assembly/apps/<name>/ holds an
 * app.json and the files the real library wrote for the same app
 * (interpreted prop by prop, creation stack traces disabled): a1 covers
 * env stacks, prefixes, external ids, asset names, every docker option,
 * imported roles (same and other account), outputs and a second stack
 * with stackName/description/terminationProtection; a4 covers
 * minimizePolicies, path metadata, disabled logicalId metadata and the
 * glob/git ignore modes with follow modes; a5 covers Role.splitLargePolicy
 * (@aws-cdk/aws-iam.arnSizeEstimate 2000: eleven OverflowPolicy<N>
 * managed policies and the quota warning; an imported role's policy is
 * not split; in an env stack the repository ARNs are one string, so the
 * statements merge and nothing overflows).
 */
#include <dirent.h>

#include "fixture.h"

static char dir[4096];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "%s", sandbox_dir());
	make_probe(dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sandbox_cleanup(dir);
	return 0;
}

static void check_app(const char *name)
{
	ecra_app_load_options lo = ECRA_APP_LOAD_OPTIONS_INIT;
	char fx[4200], out[4200], file[256], path[4400];
	ecra_app *app = NULL;
	struct dirent *e;
	char *text;
	DIR *d;
	int compared = 0;

	snprintf(fx, sizeof(fx), "%s/assembly/apps/%s", ECRA_FIXTURES, name);
	text = slurp(fx, "app.json");
	assert_non_null(text);
	snprintf(file, sizeof(file), "%s.json", name);
	write_text(dir, file, text);
	free(text);
	snprintf(out, sizeof(out), "%s/out-%s", dir, name);
	lo.outdir = out;
	assert_ok(ecra_app_load_json(
	    &app, join2(path, sizeof(path), dir, file), &lo));
	assert_ok(ecra_app_synth(app, NULL));
	ecra_app_free(app);

	d = opendir(fx);
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		char *want, *got;

		if (e->d_name[0] == '.' || strcmp(e->d_name, "app.json") == 0)
			continue;
		want = slurp(fx, e->d_name);
		got = slurp(out, e->d_name);
		assert_non_null(want);
		if (got == NULL || strcmp(want, got) != 0) {
			print_error("%s: %s differs from aws-cdk-lib's\n", name,
			    e->d_name);
			fail();
		}
		free(want);
		free(got);
		compared++;
	}
	closedir(d);
	assert_true(compared >= 7);
}

static void test_a1(void **state)
{
	(void)state;
	check_app("a1");
}

static void test_a4(void **state)
{
	(void)state;
	check_app("a4");
}

static void test_a5(void **state)
{
	(void)state;
	check_app("a5");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a1),
		cmocka_unit_test(test_a4),
		cmocka_unit_test(test_a5),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
