/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * unit/fingerprint/copy.c - copyDirectory (spec synth.md §3).
 *
 * The expected trees are what aws-cdk-lib 2.276.0's copyDirectory()
 * produced from the same fixture (checked by running it side by side).
 */
#include "helpers.h"

#include <sys/stat.h>

#include "core/alloc.h"
#include "fingerprint/fingerprint.h"
#include "fixture.h"

/* "path type mode link" lines of a tree, sorted, one string. */
static char *listing(const char *dir)
{
	static char out[16384];
	char cmd[4400];
	size_t n;
	FILE *p;

	snprintf(cmd, sizeof(cmd),
	    "cd '%s' && find . -mindepth 1 -printf '%%p %%y %%m %%l\\n' | "
	    "LC_ALL=C sort",
	    dir);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	pclose(p);
	return out;
}

static void copy_mode(const char *dir, ecra_follow_mode follow, int expected_rc)
{
	ecra_fingerprint_options o = ECRA_FINGERPRINT_OPTIONS_INIT;
	char src[4200], dest[4200];

	snprintf(src, sizeof(src), "%s/root", dir);
	snprintf(dest, sizeof(dest), "%s/copy", dir);
	mkdir(dest, 0755);
	o.follow = follow;
	if (expected_rc == 0)
		assert_ok(ecra_fingerprint_copy_directory(src, dest, &o));
	else
		assert_fails_with(expected_rc,
		    ecra_fingerprint_copy_directory(src, dest, &o));
}

#define COMMON_HEAD               \
	"./.hidden f 644 \n"      \
	"./Z f 644 \n"            \
	"./_u f 644 \n"           \
	"./a d 755 \n"            \
	"./a-b f 644 \n"          \
	"./a.txt f 750 \n"        \
	"./a/b d 755 \n"          \
	"./a/b/deep.log f 644 \n" \
	"./a/keep.me f 644 \n"
#define COMMON_TAIL                          \
	"./node_modules d 755 \n"            \
	"./node_modules/m d 755 \n"          \
	"./node_modules/m/index.js f 644 \n" \
	"./\xc3\xa9.txt f 644 \n"            \
	"./\xef\xbd\x9e f 644 \n"            \
	"./\xf0\x9f\x98\x80.txt f 644 \n"

static const char never_tree[] =
    COMMON_HEAD "./a/l-loop l 777 .\n"
                "./a/x f 644 \n"
                "./emptydir d 755 \n"
                "./l-abs-int l 777 a/x\n"
                "./l-dangling l 777 nonexistent\n"
                "./l-dir-ext l 777 ../ext/edir\n"
                "./l-dir-int l 777 a\n"
                "./l-rel-ext l 777 ../ext/e.txt\n"
                "./l-rel-int l 777 a.txt\n" COMMON_TAIL;

static const char always_tree[] =
    COMMON_HEAD "./a/l-loop d 755 \n"
                "./a/x f 644 \n"
                "./emptydir d 755 \n"
                "./l-abs-int f 644 \n"
                "./l-dangling l 777 nonexistent\n"
                "./l-dir-ext d 755 \n"
                "./l-dir-ext/inner.txt f 644 \n"
                "./l-dir-int d 755 \n"
                "./l-dir-int/b d 755 \n"
                "./l-dir-int/b/deep.log f 644 \n"
                "./l-dir-int/keep.me f 644 \n"
                "./l-dir-int/l-loop d 755 \n"
                "./l-dir-int/x f 644 \n"
                "./l-rel-ext f 644 \n"
                "./l-rel-int f 750 \n" COMMON_TAIL;

static const char external_tree[] =
    COMMON_HEAD "./a/l-loop l 777 .\n"
                "./a/x f 644 \n"
                "./emptydir d 755 \n"
                "./l-abs-int l 777 a/x\n"
                "./l-dangling l 777 nonexistent\n"
                "./l-dir-ext d 755 \n"
                "./l-dir-ext/inner.txt f 644 \n"
                "./l-dir-int l 777 a\n"
                "./l-rel-ext f 644 \n"
                "./l-rel-int l 777 a.txt\n" COMMON_TAIL;

static void build(const char *dir)
{
	char p[4200];

	fixture_build(dir, true);
	snprintf(p, sizeof(p), "%s/root/a.txt", dir);
	assert_int_equal(chmod(p, 0750), 0);
	snprintf(p, sizeof(p), "%s/root/fifo", dir);
	assert_int_equal(mkfifo(p, 0644), 0); /* skipped by copy */
}

static void test_copy_modes(void **state)
{
	static const struct {
		ecra_follow_mode mode;
		const char *tree;
	} cases[] = {
		{ ECRA_FOLLOW_NEVER, never_tree },
		{ ECRA_FOLLOW_ALWAYS, always_tree },
		{ ECRA_FOLLOW_EXTERNAL, external_tree },
	};
	char dest[4200];
	const char *dir;
	size_t i;

	(void)state;
	umask(022);
	for (i = 0; i < 3; i++) {
		dir = sandbox_dir();
		build(dir);
		copy_mode(dir, cases[i].mode, 0);
		snprintf(dest, sizeof(dest), "%s/copy", dir);
		assert_string_equal(listing(dest), cases[i].tree);
		sandbox_cleanup(dir);
	}
}

static void test_copy_block_external(void **state)
{
	char expected[4400];
	const char *dir = sandbox_dir();
	char *real;

	(void)state;
	build(dir);
	copy_mode(dir, ECRA_FOLLOW_BLOCK_EXTERNAL, ECRA_EINVALID);
	real = ecra_fp_realpath(dir);
	assert_non_null(real);
	snprintf(expected, sizeof(expected),
	    "The file %s/ext/edir is an external symbolic link which is "
	    "forbidden due to follow mode internal-only. Set `follow` to a "
	    "mode that will follow symlinks (ALWAYS or EXTERNAL) or emit a "
	    "regular file",
	    real);
	ecra_free(real);
	assert_string_equal(ecra_error_last()->message, expected);
	sandbox_cleanup(dir);
}

/* The staging pre-check fails the same way, without copying. */
static void test_check_block_external(void **state)
{
	static const char *exclude[] = { "l-dir-ext" };
	ecra_fingerprint_options o = ECRA_FINGERPRINT_OPTIONS_INIT;
	const char *dir = sandbox_dir();
	char src[4200];

	(void)state;
	build(dir);
	snprintf(src, sizeof(src), "%s/root", dir);
	assert_fails_with(ECRA_EINVALID, ecra_fp_check_block_external(src, &o));
	assert_error_contains("/ext/edir is an external symbolic link");
	/* Ignored links are not checked: the next one is l-rel-ext. */
	o.exclude = exclude;
	o.exclude_count = 1;
	assert_fails_with(ECRA_EINVALID, ecra_fp_check_block_external(src, &o));
	assert_error_contains("/ext/e.txt is an external symbolic link");
	sandbox_cleanup(dir);
}

/* Internal links are rewritten relative to the copy. */
static void test_copy_link_rewriting(void **state)
{
	ecra_fingerprint_options o = ECRA_FINGERPRINT_OPTIONS_INIT;
	char src[4200], dest[4200], target[4300], buf[256];
	const char *dir = sandbox_dir();
	ssize_t n;

	(void)state;
	write_text(dir, "src/a.txt", "a");
	write_text(dir, "src/sub/f", "f");
	snprintf(src, sizeof(src), "%s/src", dir);
	snprintf(target, sizeof(target), "%s/src/a.txt", dir);
	snprintf(dest, sizeof(dest), "%s/src/sub/abs", dir);
	assert_int_equal(symlink(target, dest), 0);
	snprintf(dest, sizeof(dest), "%s/src/dotted", dir);
	assert_int_equal(symlink("./sub/../a.txt", dest), 0);
	snprintf(dest, sizeof(dest), "%s/src/sub/self", dir);
	assert_int_equal(symlink(src, dest), 0);
	snprintf(dest, sizeof(dest), "%s/out", dir);
	assert_int_equal(mkdir(dest, 0755), 0);
	o.follow = ECRA_FOLLOW_NEVER;
	/* a relative source path works as well */
	assert_int_equal(chdir(dir), 0);
	assert_ok(ecra_fingerprint_copy_directory("src", "out", &o));
	assert_int_equal(chdir("/"), 0);
	snprintf(dest, sizeof(dest), "%s/out/sub/abs", dir);
	n = readlink(dest, buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, "../a.txt");
	snprintf(dest, sizeof(dest), "%s/out/dotted", dir);
	n = readlink(dest, buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, "a.txt");
	snprintf(dest, sizeof(dest), "%s/out/sub/self", dir);
	n = readlink(dest, buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, "..");
	sandbox_cleanup(dir);
}

/* Ignored directories are not created; excluded files not copied. */
static void test_copy_excludes(void **state)
{
	static const char *exclude[] = { "emptydir", "a/b", "*.log" };
	ecra_fingerprint_options o = ECRA_FINGERPRINT_OPTIONS_INIT;
	char src[4200], dest[4200];
	const char *dir = sandbox_dir();
	const char *tree;

	(void)state;
	umask(022);
	build(dir);
	snprintf(src, sizeof(src), "%s/root", dir);
	snprintf(dest, sizeof(dest), "%s/copy", dir);
	assert_int_equal(mkdir(dest, 0755), 0);
	o.follow = ECRA_FOLLOW_NEVER;
	o.ignore_mode = ECRA_IGNORE_DOCKER;
	o.exclude = exclude;
	o.exclude_count = 3;
	assert_ok(ecra_fingerprint_copy_directory(src, dest, &o));
	tree = listing(dest);
	assert_null(strstr(tree, "emptydir"));
	assert_null(strstr(tree, "a/b"));
	assert_non_null(strstr(tree, "./a/keep.me f"));
	sandbox_cleanup(dir);
}

static void test_copy_oom(void **state)
{
	ecra_fingerprint_options o = ECRA_FINGERPRINT_OPTIONS_INIT;
	char src[4200], dest[4200], cmd[8500];
	const char *dir = sandbox_dir();
	long n;
	int rc;

	(void)state;
	umask(022);
	build(dir);
	snprintf(src, sizeof(src), "%s/root", dir);
	snprintf(dest, sizeof(dest), "%s/copy", dir);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' && mkdir '%s'", dest, dest);
	o.follow = ECRA_FOLLOW_NEVER;
	for (n = 0;; n++) {
		assert_int_equal(system(cmd), 0);
		ecra_alloc_fail_after(n);
		rc = ecra_fingerprint_copy_directory(src, dest, &o);
		ecra_alloc_fail_after(-1);
		if (rc == 0)
			break;
		assert_int_equal(rc, ECRA_ENOMEM);
		assert_true(n < 5000);
	}
	assert_string_equal(listing(dest), never_tree);
	sandbox_cleanup(dir);
}

static void test_copy_errors(void **state)
{
	const char *dir = sandbox_dir();
	char p[4200];

	(void)state;
	write_text(dir, "file", "x");
	snprintf(p, sizeof(p), "%s/file", dir);
	assert_fails_with(
	    ECRA_EINVALID, ecra_fingerprint_copy_directory(p, dir, NULL));
	assert_error_contains("is not a directory");
	assert_fails_with(ECRA_ENOTFOUND,
	    ecra_fingerprint_copy_directory("/nonexistent/x", dir, NULL));
	sandbox_cleanup(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy_modes),
		cmocka_unit_test(test_copy_block_external),
		cmocka_unit_test(test_check_block_external),
		cmocka_unit_test(test_copy_link_rewriting),
		cmocka_unit_test(test_copy_excludes),
		cmocka_unit_test(test_copy_oom),
		cmocka_unit_test(test_copy_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
