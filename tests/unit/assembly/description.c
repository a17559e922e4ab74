/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/assembly/description.c - a stack description is limited as
 * aws-cdk-lib 2.276.0 limits it: description.length (UTF-16 code units)
 * over 512 is refused with "Stack description must be <= 1024 bytes",
 * whatever its UTF-8 size (#9.12).
 */
#include "helpers.h"

#include "ecrassets.h"

static int add(const char *unit, size_t count)
{
	ecra_stack_options so = ECRA_STACK_OPTIONS_INIT;
	ecra_app *app = NULL;
	char *d = calloc(count, strlen(unit) + 1);
	size_t i;
	int rc;

	assert_non_null(d);
	for (i = 0; i < count; i++)
		strcat(d, unit);
	so.description = d;
	assert_ok(ecra_app_new(&app, NULL));
	rc = ecra_app_add_stack(NULL, app, "S", &so);
	ecra_app_free(app);
	free(d);
	return rc;
}

static void test_limits(void **state)
{
	(void)state;
	assert_ok(add("d", 512));
	assert_int_equal(add("d", 513), ECRA_EINVALID);
	assert_non_null(strstr(ecra_error_last()->message,
	    "Stack description must be <= 1024 bytes. Received description: "
	    "'ddd"));
	/* 400 CJK characters: 1200 bytes of UTF-8, 400 code units: kept */
	assert_ok(add("\xe4\xb8\xad", 400));
	/* 257 emoji: 514 code units (surrogate pairs): refused */
	assert_ok(add("\xf0\x9f\x98\x80", 256));
	assert_int_equal(add("\xf0\x9f\x98\x80", 257), ECRA_EINVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
