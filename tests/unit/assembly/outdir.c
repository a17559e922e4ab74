/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/assembly/outdir.c - ecra_app_synth() replaces its outdir only
 * when it is ours to replace (#9.1), stops on cancellation without
 * leaving anything (#9.2), and ecra_app_remove_stale() removes exactly the
 * temporary assemblies of synths that are gone.
 */
#include <dirent.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"

#include "assembly/assembly.h"

static char dir[4096];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "%s", sandbox_dir());
	write_text(dir, "img/Dockerfile", "FROM x\n");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sandbox_cleanup(dir);
	return 0;
}

static ecra_app *small_app(const char *outdir, const volatile int *cancel)
{
	ecra_app_options ao = ECRA_APP_OPTIONS_INIT;
	ecra_docker_image_asset_options d =
	    ECRA_DOCKER_IMAGE_ASSET_OPTIONS_INIT;
	ecra_app *app = NULL;
	ecra_stack *s = NULL;
	char p[4200];

	ao.outdir = outdir;
	ao.cancel = cancel;
	assert_ok(ecra_app_new(&app, &ao));
	assert_ok(ecra_app_add_stack(&s, app, "S", NULL));
	d.directory = join2(p, sizeof(p), dir, "img");
	assert_ok(ecra_stack_add_docker_image_asset(NULL, s, "I", &d));
	return app;
}

static int count_prefix(const char *parent, const char *prefix)
{
	DIR *d = opendir(parent);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
			n++;
	closedir(d);
	return n;
}

/* synth into `out` must fail with `code` and a message containing `msg`. */
static void expect_refused(const char *out, int code, const char *msg)
{
	ecra_app *app = small_app(out, NULL);

	assert_int_equal(ecra_app_synth(app, NULL), code);
	if (strstr(ecra_error_last()->message, msg) == NULL)
		fail_msg("'%s' lacks '%s'", ecra_error_last()->message, msg);
	ecra_app_free(app);
}

static void test_refused(void **state)
{
	char out[4200], *text;

	(void)state;
	write_text(dir, "file", "keep\n");
	expect_refused(join2(out, sizeof(out), dir, "file"), ECRA_EINVALID,
	    "exists and is not a directory");
	text = slurp(dir, "file");
	assert_string_equal(text, "keep\n");
	free(text);

	write_text(dir, "project/src/main.c", "int main;\n");
	expect_refused(join2(out, sizeof(out), dir, "project"), ECRA_EINVALID,
	    "is not a cloud assembly (no manifest.json)");
	text = slurp(dir, "project/src/main.c");
	assert_string_equal(text, "int main;\n");
	free(text);

	expect_refused(join2(out, sizeof(out), dir, "img"), ECRA_EINVALID,
	    "is the build context");
	expect_refused(dir, ECRA_EINVALID, "contains the build context");
	expect_refused("/", ECRA_EINVALID, "cannot be replaced as a whole");
	assert_int_equal(count_prefix(dir, "project.tmp-"), 0);
	assert_int_equal(count_prefix(dir, "file.tmp-"), 0);
}

static void test_accepted(void **state)
{
	char out[4200];
	ecra_app *app;

	(void)state;
	/* empty directory, then the assembly written there */
	join2(out, sizeof(out), dir, "empty");
	assert_int_equal(mkdir(out, 0755), 0);
	app = small_app(out, NULL);
	assert_ok(ecra_app_synth(app, NULL));
	assert_ok(ecra_app_synth(app, NULL));
	ecra_app_free(app);
	/* the marker does not end up in the assembly */
	join2(out, sizeof(out), dir, "empty/" ECRA_SYNTH_TMP_MARKER);
	assert_int_not_equal(access(out, F_OK), 0);
	assert_int_equal(count_prefix(dir, "empty.tmp-"), 0);

	/* an outdir holding only the CDK CLI's locks (`cdk synth` running
	 * an app that uses the library) counts as empty */
	write_text(dir, "locked/synth.lock", "123");
	write_text(dir, "locked/read.123.1.lock", "123");
	app = small_app(join2(out, sizeof(out), dir, "locked"), NULL);
	assert_ok(ecra_app_synth(app, NULL));
	ecra_app_free(app);
	write_text(dir, "notlocked/synth.lock.bak", "123");
	expect_refused(join2(out, sizeof(out), dir, "notlocked"), ECRA_EINVALID,
	    "is not a cloud assembly");
}

static void test_cancelled(void **state)
{
	ecra_synth_options so = ECRA_SYNTH_OPTIONS_INIT;
	volatile int cancel = 0;
	char out[4200];
	ecra_app *app;

	(void)state;
	join2(out, sizeof(out), dir, "cancelled");
	app = small_app(out, NULL);
	cancel = 1;
	so.cancel = &cancel;
	assert_int_equal(ecra_app_synth(app, &so), ECRA_EUSER);
	ecra_app_free(app);
	assert_int_not_equal(access(out, F_OK), 0);
	assert_int_equal(count_prefix(dir, "cancelled.tmp-"), 0);

	/* set on the app: hashing stops */
	{
		ecra_app_options ao = ECRA_APP_OPTIONS_INIT;
		ecra_docker_image_asset_options d =
		    ECRA_DOCKER_IMAGE_ASSET_OPTIONS_INIT;
		ecra_stack *s = NULL;
		char p[4200];

		ao.outdir = out;
		ao.cancel = &cancel;
		assert_ok(ecra_app_new(&app, &ao));
		assert_ok(ecra_app_add_stack(&s, app, "S", NULL));
		d.directory = join2(p, sizeof(p), dir, "img");
		assert_int_equal(
		    ecra_stack_add_docker_image_asset(NULL, s, "I", &d),
		    ECRA_EUSER);
		ecra_app_free(app);
	}
}

static void marker(const char *rel, long pid)
{
	char text[64];

	snprintf(text, sizeof(text), "ecr-assets synth pid %ld\n", pid);
	write_text(dir, rel, text);
}

static void test_remove_stale(void **state)
{
	char out[4200], p[4400];
	size_t removed = 99;
	pid_t dead;

	(void)state;
	dead = fork();
	assert_true(dead >= 0);
	if (dead == 0)
		_exit(0);
	assert_int_equal(waitpid(dead, NULL, 0), dead);
	marker("asm.tmp-Dead01/" ECRA_SYNTH_TMP_MARKER, (long)dead);
	write_text(dir, "asm.tmp-Dead01/big", "x");
	marker("asm.tmp-Live01/" ECRA_SYNTH_TMP_MARKER, (long)getppid());
	write_text(dir, "asm.tmp-NoMark/f", "mine\n");
	marker("other.tmp-Dead02/" ECRA_SYNTH_TMP_MARKER, (long)dead);
	marker("asm.tmp-Dead0123/" ECRA_SYNTH_TMP_MARKER, (long)dead);
	join2(out, sizeof(out), dir, "asm");
	assert_ok(ecra_app_remove_stale(out, &removed));
	assert_int_equal(removed, 1);
	snprintf(p, sizeof(p), "%s/asm.tmp-Dead01", dir);
	assert_int_not_equal(access(p, F_OK), 0);
	snprintf(p, sizeof(p), "%s/asm.tmp-Live01", dir);
	assert_int_equal(access(p, F_OK), 0);
	snprintf(p, sizeof(p), "%s/asm.tmp-NoMark/f", dir);
	assert_int_equal(access(p, F_OK), 0);
	snprintf(p, sizeof(p), "%s/other.tmp-Dead02", dir);
	assert_int_equal(access(p, F_OK), 0);
	snprintf(p, sizeof(p), "%s/asm.tmp-Dead0123", dir);
	assert_int_equal(access(p, F_OK), 0);
	/* a missing parent is nothing to clean */
	join2(out, sizeof(out), dir, "nowhere/asm");
	assert_ok(ecra_app_remove_stale(out, &removed));
	assert_int_equal(removed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_accepted, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_cancelled, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_remove_stale, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
