/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/util/buf.c - the size-capped buffer and the string vector.
 */
#include "helpers.h"

#include "core/alloc.h"
#include "util/buf.h"
#include "util/vec.h"

static void util_buf_appends_and_terminates(void **state)
{
	ecra_buf b = ECRA_BUF_INIT(0);

	(void)state;
	assert_ok(ecra_buf_puts(&b, "abc"));
	assert_ok(ecra_buf_printf(&b, "-%d-", 42));
	assert_ok(ecra_buf_putc(&b, 'z'));
	assert_string_equal(b.ptr, "abc-42-z");
	assert_int_equal(b.size, 8);
	ecra_buf_truncate(&b, 3);
	assert_string_equal(b.ptr, "abc");
	ecra_buf_dispose(&b);
	assert_null(b.ptr);
	ecra_buf_dispose(&b);
}

static void util_buf_enforces_limit(void **state)
{
	ecra_buf b = ECRA_BUF_INIT(4);

	(void)state;
	assert_ok(ecra_buf_puts(&b, "1234"));
	assert_fails_with(ECRA_ETOOBIG, ecra_buf_puts(&b, "5"));
	assert_string_equal(b.ptr, "1234");
	ecra_buf_dispose(&b);
}

static void util_buf_reads_files(void **state)
{
	const char *dir = sandbox_dir();
	char path[4200];
	ecra_buf b = ECRA_BUF_INIT(0);

	(void)state;
	write_text(dir, "f.txt", "content");
	snprintf(path, sizeof(path), "%s/f.txt", dir);
	assert_ok(ecra_buf_read_file(&b, path));
	assert_string_equal(b.ptr, "content");
	snprintf(path, sizeof(path), "%s/missing", dir);
	assert_fails_with(ECRA_ENOTFOUND, ecra_buf_read_file(&b, path));
	assert_error_contains("missing");
	ecra_buf_dispose(&b);
	sandbox_cleanup(dir);
}

static void util_buf_survives_oom(void **state)
{
	long n;
	int rc;

	(void)state;
	for (n = 0; n < 10; n++) {
		ecra_buf b = ECRA_BUF_INIT(0);

		ecra_alloc_fail_after(n);
		rc = ecra_buf_puts(&b, "a fairly long string to force growth");
		ecra_alloc_fail_after(-1);
		assert_true(rc == 0 || rc == ECRA_ENOMEM);
		ecra_buf_dispose(&b);
	}
}

static void util_vec_pushes_and_sorts(void **state)
{
	ecra_strvec v = ECRA_STRVEC_INIT;

	(void)state;
	assert_ok(ecra_strvec_push(&v, "b"));
	assert_ok(ecra_strvec_pushf(&v, "%s", "a"));
	ecra_strvec_sort(&v);
	assert_string_equal(v.items[0], "a");
	assert_string_equal(v.items[1], "b");
	assert_null(v.items[2]);
	assert_true(ecra_strvec_contains(&v, "a"));
	assert_true(ecra_strvec_contains(&v, "b"));
	assert_false(ecra_strvec_contains(&v, "ab"));
	assert_false(ecra_strvec_contains(&v, ""));
	ecra_strvec_dispose(&v);
	assert_false(ecra_strvec_contains(&v, "a"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(util_buf_appends_and_terminates),
		cmocka_unit_test(util_buf_enforces_limit),
		cmocka_unit_test(util_buf_reads_files),
		cmocka_unit_test(util_buf_survives_oom),
		cmocka_unit_test(util_vec_pushes_and_sorts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
