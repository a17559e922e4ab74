/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * unit/fingerprint/fingerprint.c - whole-tree hashes (spec synth.md §1).
 *
 * Expected hashes come from the spec (real aws-cdk-lib output) or from
 * running aws-cdk-lib 2.276.0 on the same trees (fixture-oracle.js and
 * the values noted at each test).
 */
#include "helpers.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "core/alloc.h"
#include "fingerprint/fingerprint.h"
#include "fixture.h"

static char *path_in(const char *dir, const char *rel)
{
	static char buf[4][4200];
	static int next;
	char *p = buf[next++ % 4];

	snprintf(p, 4200, "%s/%s", dir, rel);
	return p;
}

static void hash_with(char out[ECRA_FINGERPRINT_HEX_SIZE], const char *path,
    ecra_follow_mode follow, unsigned int threads)
{
	ecra_fingerprint_options o = ECRA_FINGERPRINT_OPTIONS_INIT;

	o.follow = follow;
	o.threads = threads;
	assert_ok(ecra_fingerprint(out, path, &o));
}

static void test_fixture_modes(void **state)
{
	static const struct {
		ecra_follow_mode mode;
		const char *expected;
	} cases[] = {
		{ ECRA_FOLLOW_NEVER, FIXTURE_NEVER },
		{ ECRA_FOLLOW_EXTERNAL, FIXTURE_EXTERNAL },
		{ ECRA_FOLLOW_ALWAYS, FIXTURE_ALWAYS },
		{ ECRA_FOLLOW_BLOCK_EXTERNAL, FIXTURE_INTERNAL_ONLY },
	};
	char out[ECRA_FINGERPRINT_HEX_SIZE];
	const char *dir = sandbox_dir();
	unsigned int threads[] = { 1, 2, 4 };
	size_t i, t;

	(void)state;
	fixture_build(dir, false);
	for (i = 0; i < 4; i++) {
		for (t = 0; t < 3; t++) {
			hash_with(out, path_in(dir, "root"), cases[i].mode,
			    threads[t]);
			assert_string_equal(out, cases[i].expected);
		}
	}
	/* The default mode is EXTERNAL. */
	assert_ok(ecra_fingerprint(out, path_in(dir, "root"), NULL));
	assert_string_equal(out, FIXTURE_EXTERNAL);
	sandbox_cleanup(dir);
}

/* The spec's own setup: a/b/deep.log present, exclude ["*.log"]. */
static void test_fixture_excluded_log(void **state)
{
	static const char *exclude[] = { "*.log" };
	static const struct {
		ecra_follow_mode mode;
		const char *expected;
	} cases[] = {
		{ ECRA_FOLLOW_NEVER, FIXTURE_NEVER },
		{ ECRA_FOLLOW_EXTERNAL, FIXTURE_EXTERNAL },
		{ ECRA_FOLLOW_ALWAYS, FIXTURE_ALWAYS },
		{ ECRA_FOLLOW_BLOCK_EXTERNAL, FIXTURE_INTERNAL_ONLY },
	};
	ecra_fingerprint_options o = ECRA_FINGERPRINT_OPTIONS_INIT;
	char out[ECRA_FINGERPRINT_HEX_SIZE];
	const char *dir = sandbox_dir();
	size_t i;

	(void)state;
	fixture_build(dir, true);
	o.exclude = exclude;
	o.exclude_count = 1;
	for (i = 0; i < 4; i++) {
		o.follow = cases[i].mode;
		assert_ok(ecra_fingerprint(out, path_in(dir, "root"), &o));
		assert_string_equal(out, cases[i].expected);
	}
	/* Without the exclude the log file counts. */
	o.exclude_count = 0;
	assert_ok(ecra_fingerprint(out, path_in(dir, "root"), &o));
	assert_string_not_equal(out, FIXTURE_INTERNAL_ONLY);
	sandbox_cleanup(dir);
}

typedef struct {
	char lines[64][200];
	size_t count;
	long stop_at;
} recorder;

static int record(ecra_fingerprint_field_kind kind, const char *header,
    const char *value, void *payload)
{
	recorder *r = payload;

	(void)kind;
	if (r->count < 64)
		snprintf(r->lines[r->count], 200, "%s=%s", header, value);
	r->count++;
	return r->stop_at >= 0 && (long)r->count > r->stop_at;
}

/* The field stream of spec §1.2 (follow=never, a/b/deep.log excluded). */
static void test_fixture_field_stream(void **state)
{
	static const char *expected[] = {
		"options.extra=",
		"options.follow=never",
		"file:.hidden=1:"
		"aaa9402664f1a41f40ebbc52c9993eb66aeb366602958fdfaa283b71e64db1"
		"23",
		"file:Z=5:"
		"aee610558292023758a4229ddcf75f167c9904313a83cf795232ed7f7e2131"
		"c9",
		"file:_u=5:"
		"d767748a603799c85319dba02a583b3fdbe28ae5f82b2e872d6bb66cf104e6"
		"2c",
		"file:a/"
		"keep.me=4:"
		"6ca7ea2feefc88ecb5ed6356ed963f47dc9137f82526fdd25d618ea626d080"
		"3f",
		"link:a/l-loop=.",
		"file:a/"
		"x=2:"
		"5e85370e555e95d27df68f93c0ccaa4edfc1da5e281b47a2ebba2649a13ea5"
		"f4",
		"file:a-b=4:"
		"af9d2c92ddc38ca77b3cd29e944c9b61928032808d3a3cb6c3a3c896506729"
		"1e",
		"file:a.txt=2:"
		"06f961b802bc46ee168555f066d28f4f0e9afdf3f88174c1ee6f9de004fc30"
		"a0",
		"link:l-abs-int=a/x",
		"link:l-dangling=nonexistent",
		"link:l-dir-ext=../ext/edir",
		"link:l-dir-int=a",
		"link:l-rel-ext=../ext/e.txt",
		"link:l-rel-int=a.txt",
		"file:node_modules/m/"
		"index.js=1:"
		"62c66a7a5dd70c3146618063c344e531e6d4b59e379808443ce962b3abd63c"
		"5a",
		"file:\xc3\xa9.txt=6:"
		"a3a7f053ae2eadb1fb93bcbd4a39b00985b64ede4f337d64025982f9efb97f"
		"54",
		"file:\xf0\x9f\x98\x80.txt=5:"
		"4030f0c0b99ba5e189b6fe295448a8ca31ca589a55930175de18032545c115"
		"01",
		"file:\xef\xbd\x9e=9:"
		"39ecd459f143d7522ebfbb82080d3cc071c2fb5cf88763738cbc74f9f54114"
		"2b",
	};
	ecra_fingerprint_options o = ECRA_FINGERPRINT_OPTIONS_INIT;
	char out[ECRA_FINGERPRINT_HEX_SIZE];
	const char *dir = sandbox_dir();
	recorder r;
	size_t i;

	(void)state;
	fixture_build(dir, false);
	memset(&r, 0, sizeof(r));
	r.stop_at = -1;
	o.follow = ECRA_FOLLOW_NEVER;
	o.threads = 3;
	o.field_cb = record;
	o.field_payload = &r;
	assert_ok(ecra_fingerprint(out, path_in(dir, "root"), &o));
	assert_int_equal(r.count, sizeof(expected) / sizeof(expected[0]));
	for (i = 0; i < r.count; i++)
		assert_string_equal(r.lines[i], expected[i]);
	assert_string_equal(out, FIXTURE_NEVER);

	/* Under ALWAYS the loop adds nothing and l-dir-int is walked. */
	memset(&r, 0, sizeof(r));
	r.stop_at = -1;
	o.follow = ECRA_FOLLOW_ALWAYS;
	assert_ok(ecra_fingerprint(out, path_in(dir, "root"), &o));
	for (i = 0; i < r.count && i < 64; i++)
		assert_null(strstr(r.lines[i], "l-loop"));
	for (i = 0; i < r.count && i < 64; i++)
		if (strncmp(r.lines[i], "file:l-dir-int/keep.me=", 23) == 0)
			break;
	assert_true(i < r.count);
	assert_string_equal(r.lines[i + 1],
	    "file:l-dir-int/"
	    "x=2:"
	    "5e85370e555e95d27df68f93c0ccaa4edfc1da5e281b47a2ebba2649a13ea5f4");
	sandbox_cleanup(dir);
}

static void test_callback_stops(void **state)
{
	ecra_fingerprint_options o = ECRA_FINGERPRINT_OPTIONS_INIT;
	char out[ECRA_FINGERPRINT_HEX_SIZE];
	const char *dir = sandbox_dir();
	recorder r;

	(void)state;
	fixture_build(dir, false);
	memset(&r, 0, sizeof(r));
	r.stop_at = 3;
	o.field_cb = record;
	o.field_payload = &r;
	assert_fails_with(
	    ECRA_EUSER, ecra_fingerprint(out, path_in(dir, "root"), &o));
	assert_int_equal(r.count, 4);
	assert_string_equal(out, "");
	sandbox_cleanup(dir);
}

/* Expected values from aws-cdk-lib: FileSystem.fingerprint(dir, opts). */
static void test_options(void **state)
{
	ecra_fingerprint_options o = ECRA_FINGERPRINT_OPTIONS_INIT;
	char out[ECRA_FINGERPRINT_HEX_SIZE];
	const char *dir = sandbox_dir();
	recorder r;

	(void)state;
	write_text(dir, "small/h.txt", "hello\n");
	assert_int_equal(mkfifo(path_in(dir, "small/pipe"), 0644), 0);
	assert_ok(ecra_fingerprint(out, path_in(dir, "small"), &o));
	assert_string_equal(out,
	    "69d0bbd9bba6486db325d0dca6ae2e9ef527a39ab26eb302650bf8ad8e3f7312");
	o.extra_hash = "salt";
	assert_ok(ecra_fingerprint(out, path_in(dir, "small"), &o));
	assert_string_equal(out,
	    "647be95928755d10527a4ee4552b76516bad966098b9c3b61bd90a3b463c8bf5");
	o.extra_hash = "";
	assert_ok(ecra_fingerprint(out, path_in(dir, "small"), &o));
	assert_string_equal(out,
	    "69d0bbd9bba6486db325d0dca6ae2e9ef527a39ab26eb302650bf8ad8e3f7312");
	o.extra_hash = NULL;
	o.ignore_mode = ECRA_IGNORE_DOCKER;
	memset(&r, 0, sizeof(r));
	r.stop_at = -1;
	o.field_cb = record;
	o.field_payload = &r;
	assert_ok(ecra_fingerprint(out, path_in(dir, "small"), &o));
	assert_string_equal(out,
	    "28362c3954d2ba80b20b1148d1d3ab07d12b80fb99430e228f6da0656458494b");
	assert_int_equal(r.count, 4);
	assert_string_equal(r.lines[2], "options.ignoreMode=docker");
	sandbox_cleanup(dir);
}

/* The single-file case: one "file:" field, computed independently. */
static void test_single_file(void **state)
{
	char out[ECRA_FINGERPRINT_HEX_SIZE], expected[65];
	static const char stream[] =
	    "\x01options.extra\x02\x03\x01options.follow\x02"
	    "external\x03"
	    "\x01"
	    "file:\x02"
	    "6:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
	    "\x03";
	unsigned char md[32];
	unsigned int len = 0, i;
	const char *dir = sandbox_dir();

	(void)state;
	assert_non_null(EVP_Digest(
	    stream, sizeof(stream) - 1, md, &len, EVP_sha256(), NULL));
	for (i = 0; i < 32; i++)
		sprintf(expected + 2 * i, "%02x", md[i]);
	write_text(dir, "h.txt", "hello\n");
	assert_ok(ecra_fingerprint(out, path_in(dir, "h.txt"), NULL));
	assert_string_equal(out, expected);
	/* aws-cdk-lib gives the same */
	assert_string_equal(out,
	    "549b144eccd7807d632712b653e30c42e8747617c2d8d4d083a75a701b0837b9");
	/* A link to a file hashes its target's content, also as "file:". */
	assert_int_equal(symlink("h.txt", path_in(dir, "hl")), 0);
	assert_ok(ecra_fingerprint(out, path_in(dir, "hl"), NULL));
	assert_string_equal(out, expected);
	sandbox_cleanup(dir);
}

/* Cycles end silently in every mode (values from aws-cdk-lib). */
static void test_cycles(void **state)
{
	static const struct {
		ecra_follow_mode mode;
		const char *expected;
	} cases[] = {
		{ ECRA_FOLLOW_NEVER, "79eb77bc465f5c2c128ab2221082951883f53abac"
		                     "2eeffd4a4eb1413c402002b" },
		{ ECRA_FOLLOW_ALWAYS, "4549b4a7af409d271ebc01c9b62b16c16fc1e4aa"
		                      "63b12957575d106d1b9e5518" },
		{ ECRA_FOLLOW_EXTERNAL, "59f50e000900c03003f10c37de3a0f4da3dfb5"
		                        "7be0e408f3613f70d5b0ebd2f8" },
		{ ECRA_FOLLOW_BLOCK_EXTERNAL,
		    "f00296e7eba84deec6997f1de0b4487efa47e3d341b3867867ed6d0a38"
		    "17fafe" },
	};
	char out[ECRA_FINGERPRINT_HEX_SIZE];
	const char *dir = sandbox_dir();
	size_t i;

	(void)state;
	write_text(dir, "cyc/f", "one\n");
	write_text(dir, "cyc/sub/g", "two\r\n");
	assert_int_equal(symlink(".", path_in(dir, "cyc/loop")), 0);
	assert_int_equal(symlink("..", path_in(dir, "cyc/sub/up")), 0);
	assert_int_equal(symlink("sub", path_in(dir, "cyc/s2")), 0);
	for (i = 0; i < 4; i++) {
		hash_with(out, path_in(dir, "cyc"), cases[i].mode, 2);
		assert_string_equal(out, cases[i].expected);
	}
	/* A pair of links pointing at each other is dangling (ELOOP). */
	assert_int_equal(symlink("y", path_in(dir, "cyc/x")), 0);
	assert_int_equal(symlink("x", path_in(dir, "cyc/y")), 0);
	hash_with(out, path_in(dir, "cyc"), ECRA_FOLLOW_ALWAYS, 2);
	sandbox_cleanup(dir);
}

static void test_special_files(void **state)
{
	ecra_fingerprint_options o = ECRA_FINGERPRINT_OPTIONS_INIT;
	char a[ECRA_FINGERPRINT_HEX_SIZE], b[ECRA_FINGERPRINT_HEX_SIZE];
	char msg[4400];
	const char *dir = sandbox_dir();

	(void)state;
	write_text(dir, "d/f", "x");
	hash_with(a, path_in(dir, "d"), ECRA_FOLLOW_ALWAYS, 1);
	/* A FIFO met in the walk is skipped. */
	assert_int_equal(mkfifo(path_in(dir, "d/p"), 0644), 0);
	hash_with(b, path_in(dir, "d"), ECRA_FOLLOW_ALWAYS, 1);
	assert_string_equal(a, b);
	/* A followed link to it is an error naming the link... */
	assert_int_equal(symlink("p", path_in(dir, "d/lp")), 0);
	o.follow = ECRA_FOLLOW_ALWAYS;
	assert_fails_with(
	    ECRA_EUNSUPPORTED, ecra_fingerprint(a, path_in(dir, "d"), &o));
	snprintf(msg, sizeof(msg),
	    "unable to hash '%s/d/lp': it is neither a file nor a directory",
	    dir);
	assert_string_equal(ecra_error_last()->message, msg);
	/* ...which a link not followed is not (internal under EXTERNAL). */
	hash_with(a, path_in(dir, "d"), ECRA_FOLLOW_EXTERNAL, 1);
	/* A FIFO as the root is refused instead of blocking. */
	assert_fails_with(
	    ECRA_EUNSUPPORTED, ecra_fingerprint(a, path_in(dir, "d/p"), NULL));
	assert_error_contains("d/p");
	sandbox_cleanup(dir);
}

static void test_missing_root(void **state)
{
	char out[ECRA_FINGERPRINT_HEX_SIZE];

	(void)state;
	assert_fails_with(ECRA_ENOTFOUND,
	    ecra_fingerprint(out, "/nonexistent/ecra-asset", NULL));
	assert_string_equal(ecra_error_last()->message,
	    "cannot find asset at '/nonexistent/ecra-asset'");
}

/* A file that fails to read early wins over a walk error later, with
 * any number of threads (the reference stops at the first). */
static void test_error_order(void **state)
{
	ecra_fingerprint_options o = ECRA_FINGERPRINT_OPTIONS_INIT;
	char out[ECRA_FINGERPRINT_HEX_SIZE];
	const char *dir = sandbox_dir();
	unsigned int t;
	int i;

	(void)state;
	/* /proc/self/mem is a regular file whose read at offset 0 fails. */
	write_text(dir, "d/.first", "");
	assert_int_equal(symlink("/proc/self/mem", path_in(dir, "d/a-mem")), 0);
	for (i = 0; i < 50; i++) {
		char name[32];

		snprintf(name, sizeof(name), "d/m%02d", i);
		write_text(dir, name, "content");
	}
	assert_int_equal(mkfifo(path_in(dir, "d/p"), 0644), 0);
	assert_int_equal(symlink("p", path_in(dir, "d/z-link")), 0);
	o.follow = ECRA_FOLLOW_ALWAYS;
	for (t = 1; t <= 4; t++) {
		o.threads = t;
		assert_fails_with(
		    ECRA_EIO, ecra_fingerprint(out, path_in(dir, "d"), &o));
		assert_error_contains("d/a-mem");
	}
	sandbox_cleanup(dir);
}

static void test_bad_utf8_name(void **state)
{
	char out[ECRA_FINGERPRINT_HEX_SIZE];
	const char *dir = sandbox_dir();

	(void)state;
	write_text(dir, "d/bad\xff", "x");
	assert_fails_with(
	    ECRA_ENOTFOUND, ecra_fingerprint(out, path_in(dir, "d"), NULL));
	assert_error_contains("not valid UTF-8");
	sandbox_cleanup(dir);
}

static void test_path_too_long(void **state)
{
	ecra_fingerprint_options o = ECRA_FINGERPRINT_OPTIONS_INIT;
	char out[ECRA_FINGERPRINT_HEX_SIZE], name[201];
	const char *dir = sandbox_dir();
	int cwd, i;

	(void)state;
	memset(name, 'n', 200);
	name[200] = '\0';
	cwd = open(".", O_RDONLY | O_DIRECTORY);
	assert_true(cwd >= 0);
	assert_int_equal(chdir(dir), 0);
	for (i = 0; i < 22; i++) {
		assert_int_equal(mkdir(name, 0755), 0);
		assert_int_equal(chdir(name), 0);
	}
	write_text(".", "f", "x");
	assert_int_equal(fchdir(cwd), 0);
	close(cwd);
	o.threads = 1;
	assert_fails_with(ECRA_EINVALID, ecra_fingerprint(out, dir, &o));
	assert_error_contains("path too long");
	sandbox_cleanup(dir);
}

/* Many files of many sizes: every thread count gives the same hash. */
static void test_threads_agree(void **state)
{
	char ref[ECRA_FINGERPRINT_HEX_SIZE], out[ECRA_FINGERPRINT_HEX_SIZE];
	const char *dir = sandbox_dir();
	unsigned char *data;
	size_t size;
	unsigned int t;
	char name[64];
	int i;

	(void)state;
	data = malloc(2 * 1024 * 1024 + 100);
	assert_non_null(data);
	for (i = 0; i < 120; i++) {
		size = (size_t)(i * i * 37) % 20000;
		if (i % 40 == 7)
			size = 1024 * 1024 + 4096 * (size_t)i;
		/* Around the batched readers' whole-file limit. */
		if (i >= 100 && i < 103)
			size = ECRA_FP_BATCH_READ - 1 + (size_t)(i - 100);
		memset(data, 'a' + i % 26, size);
		if (size > 10)
			memcpy(data + size / 2, i % 3 ? "\r\n" : "\0\r", 2);
		snprintf(name, sizeof(name), "t/d%d/f%03d", i % 7, i);
		write_file(dir, name, data, size);
	}
	free(data);
	hash_with(ref, path_in(dir, "t"), ECRA_FOLLOW_NEVER, 1);
	for (t = 2; t <= 8; t *= 2) {
		hash_with(out, path_in(dir, "t"), ECRA_FOLLOW_NEVER, t);
		assert_string_equal(out, ref);
	}
	hash_with(out, path_in(dir, "t"), ECRA_FOLLOW_NEVER, 0);
	assert_string_equal(out, ref);
	/* Without batched reads (no io_uring) too. */
	ecra_fp_reader_disable(true);
	for (t = 2; t <= 3; t++) {
		hash_with(out, path_in(dir, "t"), ECRA_FOLLOW_NEVER, t);
		assert_string_equal(out, ref);
	}
	ecra_fp_reader_disable(false);
	sandbox_cleanup(dir);
}

/* hashKey() turns '\\' into '/' in keys, but not in raw link text
 * (values from aws-cdk-lib). */
static void test_backslash_names(void **state)
{
	char out[ECRA_FINGERPRINT_HEX_SIZE], target[4300];
	const char *dir = sandbox_dir();
	char *real;
	recorder r;
	ecra_fingerprint_options o = ECRA_FINGERPRINT_OPTIONS_INIT;

	(void)state;
	write_text(dir, "d/a\\b", "x");
	write_text(dir, "d/c\\", "y");
	real = ecra_fp_realpath(dir);
	assert_non_null(real);
	snprintf(target, sizeof(target), "%s/d/a\\b", real);
	assert_int_equal(symlink(target, path_in(dir, "d/l\\abs")), 0);
	assert_int_equal(symlink("a\\b", path_in(dir, "d/l\\rel")), 0);
	memset(&r, 0, sizeof(r));
	r.stop_at = -1;
	o.follow = ECRA_FOLLOW_NEVER;
	o.field_cb = record;
	o.field_payload = &r;
	assert_ok(ecra_fingerprint(out, path_in(dir, "d"), &o));
	assert_string_equal(out,
	    "ee955bab92adf40c94a10271267038cadd0ac10fb155a721254a1c27cf806c9a");
	assert_int_equal(r.count, 6);
	assert_string_equal(r.lines[4], "link:l/abs=a/b");
	assert_string_equal(r.lines[5], "link:l/rel=a\\b");
	hash_with(out, path_in(dir, "d"), ECRA_FOLLOW_ALWAYS, 2);
	assert_string_equal(out,
	    "d875c5b923f900b413f368ae544287656067e0b1cef8d509709395be71916c69");
	ecra_free(real);
	sandbox_cleanup(dir);
}

static void test_bad_arguments(void **state)
{
	ecra_fingerprint_options o = ECRA_FINGERPRINT_OPTIONS_INIT;
	ecra_follow_mode mode;
	char out[ECRA_FINGERPRINT_HEX_SIZE];

	(void)state;
	o.version = 0;
	assert_fails_with(ECRA_EINVALID, ecra_fingerprint(out, "/", &o));
	assert_ok(ecra_fingerprint_options_init(&o, 1));
	o.follow = (ecra_follow_mode)42;
	assert_fails_with(ECRA_EINVALID, ecra_fingerprint(out, "/", &o));
	assert_fails_with(ECRA_EINVALID, ecra_fingerprint(out, NULL, NULL));
	assert_fails_with(
	    ECRA_EINVALID, ecra_follow_mode_parse(&mode, "sometimes"));
	assert_error_contains("'sometimes'");
	assert_ok(ecra_follow_mode_parse(&mode, "block-external"));
	assert_int_equal(mode, ECRA_FOLLOW_BLOCK_EXTERNAL);
	assert_ok(ecra_follow_mode_parse(&mode, "internal-only"));
	assert_string_equal(ecra_follow_mode_name(mode), "internal-only");
	assert_null(ecra_follow_mode_name((ecra_follow_mode)42));
}

static void test_oom(void **state)
{
	ecra_fingerprint_options o = ECRA_FINGERPRINT_OPTIONS_INIT;
	char out[ECRA_FINGERPRINT_HEX_SIZE];
	const char *dir = sandbox_dir();
	long n;
	int rc;

	(void)state;
	fixture_build(dir, false);
	o.threads = 1; /* fault injection is single-threaded */
	o.follow = ECRA_FOLLOW_ALWAYS;
	for (n = 0;; n++) {
		ecra_alloc_fail_after(n);
		rc = ecra_fingerprint(out, path_in(dir, "root"), &o);
		ecra_alloc_fail_after(-1);
		if (rc == 0)
			break;
		assert_int_equal(rc, ECRA_ENOMEM);
		assert_true(n < 5000);
	}
	assert_string_equal(out, FIXTURE_ALWAYS);
	sandbox_cleanup(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_modes),
		cmocka_unit_test(test_fixture_excluded_log),
		cmocka_unit_test(test_fixture_field_stream),
		cmocka_unit_test(test_callback_stops),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_single_file),
		cmocka_unit_test(test_cycles),
		cmocka_unit_test(test_special_files),
		cmocka_unit_test(test_missing_root),
		cmocka_unit_test(test_error_order),
		cmocka_unit_test(test_bad_utf8_name),
		cmocka_unit_test(test_path_too_long),
		cmocka_unit_test(test_threads_agree),
		cmocka_unit_test(test_backslash_names),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_oom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
