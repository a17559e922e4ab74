/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/core/shutdown.c - module teardown by registration
 * (ecra_base_at_shutdown): only the last ecra_shutdown() runs the
 * registered functions, newest first, each once however often it was
 * registered; the table is bounded.
 */
#include "helpers.h"

#include "core/init.h"
#include "ecrassets.h"

static char order[16];
static size_t order_len;

static void fa(void)
{
	order[order_len++] = 'a';
}
static void fb(void)
{
	order[order_len++] = 'b';
}
static void f3(void)
{
}
static void f4(void)
{
}
static void f5(void)
{
}
static void f6(void)
{
}
static void f7(void)
{
}
static void f8(void)
{
}
static void f9(void)
{
}

static void test_order(void **state)
{
	(void)state;
	assert_int_equal(ecra_init(), 1);
	assert_int_equal(ecra_init(), 2);
	assert_ok(ecra_base_at_shutdown(fa));
	assert_ok(ecra_base_at_shutdown(fb));
	assert_ok(ecra_base_at_shutdown(fa));
	assert_int_equal(ecra_shutdown(), 1);
	assert_int_equal(order_len, 0);
	assert_int_equal(ecra_shutdown(), 0);
	assert_int_equal(order_len, 2);
	assert_memory_equal(order, "ba", 2);
	/* a shutdown too many runs nothing */
	assert_int_equal(ecra_shutdown(), 0);
	assert_int_equal(order_len, 2);
	/* still registered for the next init/shutdown cycle */
	assert_int_equal(ecra_init(), 1);
	assert_int_equal(ecra_shutdown(), 0);
	assert_int_equal(order_len, 4);
}

static void test_bounded(void **state)
{
	(void)state;
	/* fa and fb are in the table already */
	assert_ok(ecra_base_at_shutdown(f3));
	assert_ok(ecra_base_at_shutdown(f4));
	assert_ok(ecra_base_at_shutdown(f5));
	assert_ok(ecra_base_at_shutdown(f6));
	assert_ok(ecra_base_at_shutdown(f7));
	assert_ok(ecra_base_at_shutdown(f8));
	assert_int_equal(ecra_base_at_shutdown(f9), ECRA_ETOOBIG);
	assert_ok(ecra_base_at_shutdown(f8));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
