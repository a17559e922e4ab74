/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/assembly/synth.c - the cloud assembly of the spec's probe
 * app is byte-identical to the one aws-cdk-lib 2.276.0 writes
 * (tests/fixtures/assembly/probe, produced by the real library with
 * context aws:cdk:disable-creation-stack-traces), and synthesis is atomic.
 */
#include <dirent.h>

#include "fixture.h"

#include "core/alloc.h"

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

/* The probe app of spec §8 (without grantRead). */
static ecra_app *probe_app(const char *outdir, const char *extra_ctx_dir)
{
	ecra_app_options ao = ECRA_APP_OPTIONS_INIT;
	ecra_docker_image_asset_options d =
	    ECRA_DOCKER_IMAGE_ASSET_OPTIONS_INIT;
	ecra_tarball_image_asset_options t =
	    ECRA_TARBALL_IMAGE_ASSET_OPTIONS_INIT;
	ecra_role_options ro = ECRA_ROLE_OPTIONS_INIT;
	ecra_output_options oo = ECRA_OUTPUT_OPTIONS_INIT;
	ecra_kv args[] = { { "B", "2" }, { "A", "1" } };
	ecra_kv params[] = { { "ref", "repo:cache" } };
	ecra_docker_cache_option cf = {
		.type = "registry", .params = params, .params_count = 1
	};
	ecra_docker_cache_option ct = { .type = "inline" };
	ecra_app *app = NULL;
	ecra_stack *s = NULL;
	ecra_image_asset *img = NULL, *tar = NULL;
	ecra_role *role = NULL;
	char p1[4200], p2[4200];

	ao.outdir = outdir;
	ao.context_json = "{\"aws:cdk:disable-creation-stack-traces\":true}";
	assert_ok(ecra_app_new(&app, &ao));
	assert_ok(ecra_app_add_stack(&s, app, "ProbeStack", NULL));
	d.directory = join2(p1, sizeof(p1), dir, "image");
	d.build_args = args;
	d.build_args_count = 2;
	d.platform = ECRA_PLATFORM_LINUX_AMD64;
	d.network_mode = ECRA_NETWORK_MODE_HOST;
	d.target = "prod";
	d.cache_from = &cf;
	d.cache_from_count = 1;
	d.cache_to = &ct;
	assert_ok(ecra_stack_add_docker_image_asset(&img, s, "MyImage", &d));
	t.tarball_file = join2(p2, sizeof(p2), dir, "image.tar");
	assert_ok(ecra_stack_add_tarball_image_asset(&tar, s, "MyTarball", &t));
	ro.assumed_by = "ecs-tasks.amazonaws.com";
	assert_ok(ecra_stack_add_role(&role, s, "Role", &ro));
	assert_ok(ecra_image_asset_grant_pull(img, role));
	oo.kind = ECRA_OUTPUT_IMAGE_URI;
	oo.asset = img;
	assert_ok(ecra_stack_add_output(s, "ImageUri", &oo));
	oo.asset = tar;
	assert_ok(ecra_stack_add_output(s, "TarUri", &oo));
	if (extra_ctx_dir) {
		ecra_docker_image_asset_options e =
		    ECRA_DOCKER_IMAGE_ASSET_OPTIONS_INIT;

		e.directory = extra_ctx_dir;
		assert_ok(
		    ecra_stack_add_docker_image_asset(NULL, s, "Extra", &e));
	}
	return app;
}

static const char *const files[] = { "ProbeStack.assets.json",
	"ProbeStack.metadata.json", "ProbeStack.template.json", "cdk.out",
	"manifest.json", "tree.json", "validation-report.json", NULL };

static void expect_probe_files(const char *out)
{
	char fx[4200];
	size_t i;

	snprintf(fx, sizeof(fx), "%s/assembly/probe", ECRA_FIXTURES);
	for (i = 0; files[i]; i++) {
		char *want = slurp(fx, files[i]), *got = slurp(out, files[i]);

		assert_non_null(want);
		if (got == NULL || strcmp(want, got) != 0) {
			print_error(
			    "%s differs from aws-cdk-lib's\n", files[i]);
			fail();
		}
		free(want);
		free(got);
	}
}

static void test_probe_identical(void **state)
{
	char out[4200], p[4400], link[64];
	struct stat st;
	ecra_app *app;
	ssize_t n;

	(void)state;
	join2(out, sizeof(out), dir, "out1");
	app = probe_app(out, NULL);
	assert_ok(ecra_app_synth(app, NULL));
	ecra_app_free(app);
	expect_probe_files(out);

	/* The staged context honours .dockerignore and keeps the link. */
	snprintf(p, sizeof(p), "%s/asset.%s/index.js", out, HASH_PROBE);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_size, 20);
	snprintf(p, sizeof(p), "%s/asset.%s/keep.log", out, HASH_PROBE);
	assert_int_equal(stat(p, &st), 0);
	snprintf(p, sizeof(p), "%s/asset.%s/sub/data.bin", out, HASH_PROBE);
	assert_int_equal(stat(p, &st), 0);
	snprintf(p, sizeof(p), "%s/asset.%s/debug.log", out, HASH_PROBE);
	assert_int_not_equal(stat(p, &st), 0);
	snprintf(p, sizeof(p), "%s/asset.%s/node_modules", out, HASH_PROBE);
	assert_int_not_equal(stat(p, &st), 0);
	snprintf(p, sizeof(p), "%s/asset.%s/link-internal", out, HASH_PROBE);
	n = readlink(p, link, sizeof(link) - 1);
	assert_int_equal(n, 8);
	link[n] = '\0';
	assert_string_equal(link, "index.js");
	snprintf(p, sizeof(p), "%s/asset.%s.tar", out, HASH_TAR);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_size, 29);
}

static bool leftovers(const char *parent, const char *prefix)
{
	DIR *d = opendir(parent);
	struct dirent *e;
	bool found = false;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
			found = true;
	closedir(d);
	return found;
}

static void test_atomic(void **state)
{
	char out[4200], extra[4200], p[4400], cmd[4500];
	char *before, *after;
	struct stat st1, st2;
	ecra_app *app;

	(void)state;
	join2(out, sizeof(out), dir, "out2");
	app = probe_app(out, NULL);
	assert_ok(ecra_app_synth(app, NULL));
	ecra_app_free(app);
	before = slurp(out, "manifest.json");
	snprintf(p, sizeof(p), "%s/asset.%s", out, HASH_PROBE);
	assert_int_equal(stat(p, &st1), 0);

	/* An asset whose context vanishes after construction makes the
	 * staging (mid-way through synth) fail. */
	join2(extra, sizeof(extra), dir, "vanishing");
	write_text(dir, "vanishing/Dockerfile", "FROM y\n");
	app = probe_app(out, extra);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", extra);
	assert_int_equal(system(cmd), 0);
	assert_true(ecra_app_synth(app, NULL) < 0);
	ecra_app_free(app);
	after = slurp(out, "manifest.json");
	assert_non_null(after);
	assert_string_equal(before, after);
	free(after);
	expect_probe_files(out);
	assert_false(leftovers(dir, "out2.tmp-"));
	assert_int_equal(stat(p, &st2), 0);
	assert_int_equal(st1.st_ino, st2.st_ino);

	/* A new synth reuses the staged directory of the previous one. */
	app = probe_app(out, NULL);
	assert_ok(ecra_app_synth(app, NULL));
	ecra_app_free(app);
	expect_probe_files(out);
	assert_int_equal(stat(p, &st2), 0);
	assert_int_equal(st1.st_ino, st2.st_ino);
	assert_false(leftovers(dir, "out2.tmp-"));
	assert_false(leftovers(dir, "out2.tmp-XXXXXX.old"));
	free(before);
}

static void test_nested_outdir_created(void **state)
{
	char out[4200];
	ecra_app *app;

	(void)state;
	join2(out, sizeof(out), dir, "deep/er/out3");
	app = probe_app(out, NULL);
	assert_ok(ecra_app_synth(app, NULL));
	ecra_app_free(app);
	expect_probe_files(out);

	/* A trailing slash names the same directory. */
	join2(out, sizeof(out), dir, "out4/");
	app = probe_app(out, NULL);
	assert_ok(ecra_app_synth(app, NULL));
	ecra_app_free(app);
	expect_probe_files(out);
	assert_false(leftovers(dir, "out4.tmp-"));

	/* The working directory itself cannot be swapped. */
	app = probe_app(".", NULL);
	assert_int_equal(ecra_app_synth(app, NULL), ECRA_EINVALID);
	ecra_app_free(app);
}

static void test_staging_disabled(void **state)
{
	ecra_app_options ao = ECRA_APP_OPTIONS_INIT;
	ecra_docker_image_asset_options d =
	    ECRA_DOCKER_IMAGE_ASSET_OPTIONS_INIT;
	ecra_tarball_image_asset_options t =
	    ECRA_TARBALL_IMAGE_ASSET_OPTIONS_INIT;
	char out[4200], p1[4200], p2[4200], q[4400];
	ecra_image_asset *img = NULL, *tar = NULL;
	ecra_stack *s = NULL;
	ecra_app *app = NULL;
	struct stat st;
	char *assets;

	(void)state;
	join2(out, sizeof(out), dir, "nostage/out");
	ao.outdir = out;
	ao.context_json = "{\"aws:cdk:disable-asset-staging\":true}";
	assert_ok(ecra_app_new(&app, &ao));
	assert_ok(ecra_app_add_stack(&s, app, "S", NULL));
	d.directory = join2(p1, sizeof(p1), dir, "image");
	t.tarball_file = join2(p2, sizeof(p2), dir, "image.tar");
	assert_ok(ecra_stack_add_docker_image_asset(&img, s, "I", &d));
	assert_ok(ecra_stack_add_tarball_image_asset(&tar, s, "T", &t));
	assert_string_equal(ecra_image_asset_staged_path(img), p1);
	assert_string_equal(
	    ecra_image_asset_staged_path(tar), "../../image.tar");
	assert_ok(ecra_app_synth(app, NULL));
	ecra_app_free(app);
	snprintf(q, sizeof(q), "%s/asset.%s.tar", out, HASH_TAR);
	assert_int_not_equal(stat(q, &st), 0);
	assets = slurp(out, "S.assets.json");
	assert_non_null(assets);
	assert_non_null(strstr(assets, "\"../../image.tar\""));
	free(assets);
}

/* The CloudFormation Validate plugin lists stacks without resources in
 * artifact-id order (JS `<`: upper case first), not creation order. */
static void test_validation_report_order(void **state)
{
	static const char *const created[] = { "Zed", "beta2", "Alpha", "Beta",
		"Ab", NULL };
	static const char *const sorted[] = { "Ab", "Alpha", "Beta", "Zed",
		"beta2", NULL };
	ecra_app_options ao = ECRA_APP_OPTIONS_INIT;
	char out[4200], key[64];
	const char *prev = NULL, *at;
	ecra_app *app = NULL;
	char *report;
	size_t i;

	(void)state;
	join2(out, sizeof(out), dir, "vrorder");
	ao.outdir = out;
	assert_ok(ecra_app_new(&app, &ao));
	for (i = 0; created[i]; i++)
		assert_ok(ecra_app_add_stack(NULL, app, created[i], NULL));
	assert_ok(ecra_app_synth(app, NULL));
	ecra_app_free(app);
	report = slurp(out, "validation-report.json");
	assert_non_null(report);
	for (i = 0; sorted[i]; i++) {
		snprintf(
		    key, sizeof(key), "\"constructPath\": \"%s\"", sorted[i]);
		at = strstr(report, key);
		assert_non_null(at);
		assert_true(prev == NULL || at > prev);
		prev = at;
	}
	free(report);
}

/* Every allocation failure during construction and synthesis is
 * reported (no crash, no leak under ASan/valgrind) and leaves no
 * temporary directory behind. */
static void test_out_of_memory(void **state)
{
	ecra_app_options ao = ECRA_APP_OPTIONS_INIT;
	ecra_docker_image_asset_options d =
	    ECRA_DOCKER_IMAGE_ASSET_OPTIONS_INIT;
	ecra_tarball_image_asset_options t =
	    ECRA_TARBALL_IMAGE_ASSET_OPTIONS_INIT;
	ecra_role_options ro = ECRA_ROLE_OPTIONS_INIT;
	ecra_output_options oo = ECRA_OUTPUT_OPTIONS_INIT;
	char out[4200], p1[4200], p2[4200];
	ecra_image_asset *img, *tar;
	ecra_stack *s;
	ecra_role *role;
	ecra_app *app;
	long n;
	int rc;

	(void)state;
	join2(out, sizeof(out), dir, "oom");
	ao.outdir = out;
	ao.threads = 1; /* fault injection is single-threaded */
	d.directory = join2(p1, sizeof(p1), dir, "image");
	t.tarball_file = join2(p2, sizeof(p2), dir, "image.tar");
	ro.assumed_by = "ecs-tasks.amazonaws.com";
	oo.kind = ECRA_OUTPUT_IMAGE_URI;
	for (n = 0;; n++) {
		app = NULL;
		ecra_alloc_fail_after(n);
		rc = ecra_app_new(&app, &ao);
		if (rc == 0)
			rc = ecra_app_add_stack(&s, app, "ProbeStack", NULL);
		if (rc == 0)
			rc = ecra_stack_add_docker_image_asset(
			    &img, s, "MyImage", &d);
		if (rc == 0)
			rc = ecra_stack_add_tarball_image_asset(
			    &tar, s, "MyTarball", &t);
		if (rc == 0)
			rc = ecra_stack_add_role(&role, s, "Role", &ro);
		if (rc == 0)
			rc = ecra_image_asset_grant_pull(img, role);
		oo.asset = img;
		if (rc == 0)
			rc = ecra_stack_add_output(s, "ImageUri", &oo);
		if (rc == 0)
			rc = ecra_app_synth(app, NULL);
		ecra_alloc_fail_after(-1);
		ecra_app_free(app);
		if (rc == 0)
			break;
		assert_int_equal(rc, ECRA_ENOMEM);
		assert_false(leftovers(dir, "oom.tmp-"));
		assert_true(n < 20000);
	}
	assert_true(n > 10);
}

/* The same for a role whose policy overflows into managed policies
 * (an ARN estimate of 6000 gives each repository statement its own
 * OverflowPolicy<N>). */
static void test_overflow_out_of_memory(void **state)
{
	ecra_app_options ao = ECRA_APP_OPTIONS_INIT;
	ecra_docker_image_asset_options d =
	    ECRA_DOCKER_IMAGE_ASSET_OPTIONS_INIT;
	ecra_role_options ro = ECRA_ROLE_OPTIONS_INIT;
	ecra_kv args[3] = { { "N", "0" }, { "N", "1" }, { "N", "2" } };
	static const char *const ids[] = { "I0", "I1", "I2" };
	char out[4200], p1[4200], *tmpl;
	ecra_image_asset *img;
	ecra_stack *s;
	ecra_role *role;
	ecra_app *app;
	long n;
	int rc, i;

	(void)state;
	join2(out, sizeof(out), dir, "oom-overflow");
	ao.outdir = out;
	ao.threads = 1;
	ao.context_json = "{\"@aws-cdk/aws-iam.arnSizeEstimate\":6000}";
	d.directory = join2(p1, sizeof(p1), dir, "image");
	d.build_args_count = 1;
	ro.assumed_by = "ecs-tasks.amazonaws.com";
	for (n = 0;; n++) {
		app = NULL;
		ecra_alloc_fail_after(n);
		rc = ecra_app_new(&app, &ao);
		if (rc == 0)
			rc = ecra_app_add_stack(&s, app, "S", NULL);
		if (rc == 0)
			rc = ecra_stack_add_role(&role, s, "R", &ro);
		for (i = 0; rc == 0 && i < 3; i++) {
			d.build_args = &args[i];
			rc = ecra_stack_add_docker_image_asset(
			    &img, s, ids[i], &d);
			if (rc == 0)
				rc = ecra_image_asset_grant_pull(img, role);
		}
		if (rc == 0)
			rc = ecra_app_synth(app, NULL);
		ecra_alloc_fail_after(-1);
		ecra_app_free(app);
		if (rc == 0)
			break;
		assert_int_equal(rc, ECRA_ENOMEM);
		assert_false(leftovers(dir, "oom-overflow.tmp-"));
		assert_true(n < 40000);
	}
	tmpl = slurp(out, "S.template.json");
	assert_non_null(tmpl);
	assert_non_null(strstr(tmpl, "\"ROverflowPolicy1"));
	assert_non_null(strstr(tmpl, "\"ROverflowPolicy2"));
	assert_null(strstr(tmpl, "OverflowPolicy3"));
	free(tmpl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_identical),
		cmocka_unit_test(test_atomic),
		cmocka_unit_test(test_nested_outdir_created),
		cmocka_unit_test(test_staging_disabled),
		cmocka_unit_test(test_validation_report_order),
		cmocka_unit_test(test_out_of_memory),
		cmocka_unit_test(test_overflow_out_of_memory),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
