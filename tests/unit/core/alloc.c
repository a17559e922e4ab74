/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/core/alloc.c - allocation wrappers and fault injection.
 */
#include "helpers.h"

#include "core/alloc.h"
#include "core/error.h"

static void core_alloc_strdup_copies(void **state)
{
	char *s;

	(void)state;
	s = ecra_strdup("hello");
	assert_string_equal(s, "hello");
	ecra_free(s);
	s = ecra_strndup("hello", 2);
	assert_string_equal(s, "he");
	ecra_free(s);
}

static void core_alloc_injected_failure_sets_enomem(void **state)
{
	void *a, *b;

	(void)state;
	ecra_error_clear();
	ecra_alloc_fail_after(1);
	a = ecra_alloc(10);
	b = ecra_alloc(10);
	ecra_alloc_fail_after(-1);
	assert_non_null(a);
	assert_null(b);
	assert_int_equal(ecra_error_last()->code, ECRA_ENOMEM);
	ecra_free(a);
	ecra_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(core_alloc_strdup_copies),
		cmocka_unit_test(core_alloc_injected_failure_sets_enomem),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
