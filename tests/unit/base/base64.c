/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/base/base64.c - base/base64.c against RFC 4648 section 10's
 * test vectors, binary data, and the inputs it must refuse.
 */
#include "helpers.h"

#include "base/base64.h"
#include "core/alloc.h"

static void round_trip(const char *plain, size_t len, const char *coded)
{
	ecra_buf b = ECRA_BUF_INIT(0);
	char *e = ecra_base64_encode(plain, len);

	assert_non_null(e);
	assert_string_equal(e, coded);
	ecra_free(e);
	assert_ok(ecra_base64_decode(&b, coded));
	assert_int_equal(b.size, len);
	if (len > 0)
		assert_memory_equal(b.ptr, plain, len);
	ecra_buf_dispose(&b);
}

static void test_vectors(void **state)
{
	(void)state;
	round_trip("", 0, "");
	round_trip("f", 1, "Zg==");
	round_trip("fo", 2, "Zm8=");
	round_trip("foo", 3, "Zm9v");
	round_trip("foob", 4, "Zm9vYg==");
	round_trip("fooba", 5, "Zm9vYmE=");
	round_trip("foobar", 6, "Zm9vYmFy");
	round_trip("AWS:secret:x", 12, "QVdTOnNlY3JldDp4");
	round_trip("\0\xff\xfe\x01", 4, "AP/+AQ==");
}

static void test_refused(void **state)
{
	static const char *const bad[] = { "Zg=", "Zg", "Z===", "Zm9v\n",
		"Zm 9v", "Zg==Zg==", "Zm=v", "Zm9*", "=Zm9" };
	ecra_buf b = ECRA_BUF_INIT(0);
	size_t i;

	(void)state;
	assert_ok(ecra_buf_puts(&b, "kept"));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(ecra_base64_decode(&b, bad[i]), ECRA_EINVALID);
		assert_string_equal(
		    ecra_error_last()->message, "invalid base64");
		assert_string_equal(b.ptr, "kept");
	}
	/* decoding appends */
	assert_ok(ecra_base64_decode(&b, "Zm9v"));
	assert_string_equal(b.ptr, "keptfoo");
	ecra_buf_dispose(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
