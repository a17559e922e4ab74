/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/base/path.c - base/path.c against Node's path module
 * (expected values from Node 22's path.posix).
 */
#include <limits.h>
#include <unistd.h>

#include "helpers.h"

#include "base/path.h"
#include "core/alloc.h"

static void check(char *got, const char *want)
{
	assert_non_null(got);
	assert_string_equal(got, want);
	ecra_free(got);
}

static void test_normalize(void **state)
{
	(void)state;
	check(ecra_path_normalize(""), ".");
	check(ecra_path_normalize("."), ".");
	check(ecra_path_normalize("./"), "./");
	check(ecra_path_normalize("sub/../cdk.out"), "cdk.out");
	check(ecra_path_normalize("sub/../cdk.out/"), "cdk.out/");
	check(ecra_path_normalize("a//b/./c/.."), "a/b");
	check(ecra_path_normalize("../../a"), "../../a");
	check(ecra_path_normalize("a/../.."), "..");
	check(ecra_path_normalize("/../a"), "/a");
	check(ecra_path_normalize("//a//"), "/a/");
	check(ecra_path_normalize("/"), "/");
	check(ecra_path_normalize("..."), "...");
}

static void test_resolve_join_relative(void **state)
{
	char cwd[PATH_MAX], want[PATH_MAX + 8];

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	check(ecra_path_resolve("."), cwd);
	snprintf(want, sizeof(want), "%s/x", cwd);
	check(ecra_path_resolve("x/y/.."), want);
	check(ecra_path_resolve("/a/b/"), "/a/b");
	check(ecra_path_resolve("/"), "/");
	check(ecra_path_join("a", "../b"), "b");
	check(ecra_path_join("/a/", "/b/"), "/a/b/");
	check(ecra_path_join("a", ""), "a");
	check(ecra_path_join("", ""), ".");
	check(ecra_path_normalize("a/../"), "./");
	check(ecra_path_relative("/a/b", "/a/b/c/d"), "c/d");
	check(ecra_path_relative("/a/b/c", "/a/x"), "../../x");
	check(ecra_path_relative("/a", "/a"), "");
	check(ecra_path_relative("/", "/a"), "a");
	check(ecra_path_relative("/a/bc", "/a/b"), "../b");
}

static void test_small(void **state)
{
	(void)state;
	assert_string_equal(ecra_path_basename("a/b.c"), "b.c");
	assert_string_equal(ecra_path_basename("b"), "b");
	check(ecra_path_concat("a", "b"), "a/b");
	check(ecra_path_concat("/", "b"), "/b");
	check(ecra_path_concat("", "b"), "b");
	check(ecra_path_concat("a/", "b"), "a//b");
	assert_true(ecra_path_within("/a/b", "/a"));
	assert_true(ecra_path_within("/a", "/a"));
	assert_false(ecra_path_within("/ab", "/a"));
	assert_true(ecra_path_within("/x", "/"));
	assert_false(ecra_path_within("/a", "/a/b"));
	assert_true(ecra_path_exists("/"));
	assert_false(ecra_path_exists("/nonexistent/ecra/path"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_resolve_join_relative),
		cmocka_unit_test(test_small),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
