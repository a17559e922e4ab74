/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * unit/util/dynlib.c - loading a shared library on first use.
 */
#include "helpers.h"

#include "util/dynlib.h"

static void test_loads_and_resolves(void **state)
{
	static const char *const names[] = { "zlibVersion" };
	void (*fns[1])(void) = { NULL };
	ecra_dynlib lib = { .soname = "libz.so.1",
		.package = "zlib1g",
		.names = names,
		.count = 1,
		.fns = fns,
		.once = PTHREAD_ONCE_INIT };
	const char *(*version)(void);

	(void)state;
	assert_ok(ecra_dynlib_load(&lib));
	assert_non_null(fns[0]);
	version = (const char *(*)(void))fns[0];
	assert_true(strlen(version()) > 0);
	/* Once loaded, loading again is free and still succeeds. */
	assert_ok(ecra_dynlib_load(&lib));
}

static void test_missing_library(void **state)
{
	static const char *const names[] = { "f" };
	void (*fns[1])(void) = { NULL };
	ecra_dynlib lib = { .soname = "libecra-does-not-exist.so.9",
		.package = "ecra-nothing",
		.names = names,
		.count = 1,
		.fns = fns,
		.once = PTHREAD_ONCE_INIT };

	(void)state;
	assert_fails_with(ECRA_EUNSUPPORTED, ecra_dynlib_load(&lib));
	assert_error_contains("cannot load libecra-does-not-exist.so.9");
	assert_error_contains("install the 'ecra-nothing' package");
	/* The answer is remembered, with its reason. */
	assert_fails_with(ECRA_EUNSUPPORTED, ecra_dynlib_load(&lib));
	assert_error_contains("libecra-does-not-exist.so.9");
}

static void test_missing_symbol(void **state)
{
	static const char *const names[] = { "zlibVersion",
		"ecra_no_such_function" };
	void (*fns[2])(void) = { NULL, NULL };
	ecra_dynlib lib = { .soname = "libz.so.1",
		.package = "zlib1g",
		.names = names,
		.count = 2,
		.fns = fns,
		.once = PTHREAD_ONCE_INIT };

	(void)state;
	assert_fails_with(ECRA_EUNSUPPORTED, ecra_dynlib_load(&lib));
	assert_error_contains("no symbol 'ecra_no_such_function'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loads_and_resolves),
		cmocka_unit_test(test_missing_library),
		cmocka_unit_test(test_missing_symbol),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
