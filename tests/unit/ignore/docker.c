/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/ignore/docker.c - the DOCKER strategy (@balena/dockerignore 1.0.2
 * with the second matcher).
 *
 * Expected answers come from running aws-cdk-lib 2.276.0's
 * DockerIgnoreStrategy; the first block is the DOCKER column of the comparison
 * table in the synth spec (section 2.4).
 */
#include "helpers.h"
#include "unit/ignore/long_names.h"

#include "core/alloc.h"

#define MAXP 6

typedef struct {
	const char *patterns[MAXP]; /* NULL-terminated */
	const char *rel;
	bool dir;   /* completelyIgnores instead of ignores */
	int expect; /* 1 true, 0 false, -1 error */
} row;

/* Answer one row: 1, 0 or -1 (the error), with the message checked. */
static int answer(ecra_ignore_mode mode, const row *r)
{
	ecra_ignore *ig = NULL;
	size_t n = 0;
	bool out = false;
	int rc;

	while (n < MAXP && r->patterns[n] != NULL)
		n++;
	if (ecra_ignore_new(&ig, mode, r->patterns, n) < 0) {
		assert_int_equal(ecra_error_last()->code, ECRA_EINVALID);
		return -1;
	}
	rc = r->dir ? ecra_ignore_completely_ignores(&out, ig, r->rel)
	            : ecra_ignore_ignores(&out, ig, r->rel);
	ecra_ignore_free(ig);
	if (rc < 0) {
		assert_int_equal(rc, ECRA_EINVALID);
		return -1;
	}
	return out ? 1 : 0;
}

static void check_rows(const row *rows, size_t count)
{
	size_t k;
	int failures = 0;

	for (k = 0; k < count; k++) {
		int got = answer(ECRA_IGNORE_DOCKER, &rows[k]);

		if (got != rows[k].expect) {
			print_error(
			    "row %zu: '%s'%s (%s) gave %d, expected %d\n", k,
			    rows[k].patterns[0],
			    rows[k].patterns[1] ? " ..." : "", rows[k].rel, got,
			    rows[k].expect);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
}

static void ignore_docker_spec_table(void **state)
{
	static const row rows[] = {
		{ { "*" }, ".hidden", false, 1 },
		{ { "*.txt" }, "A.TXT", false, 1 },
		{ { "foo/" }, "foo", true, 1 },
		{ { "foo/" }, "foo", false, 1 },
		{ { "./foo" }, "foo", false, 1 },
		{ { "/foo" }, "foo", false, 1 },
		{ { "foo" }, "sub/foo", false, 0 },
		{ { "sub", "!sub/keep" }, "sub", true, 0 },
		{ { "sub", "!sub/keep" }, "sub/keep", false, 0 },
		{ { "sub", "!sub/keep" }, "sub/other", false, 1 },
		{ { "a+b" }, "aab", false, 1 },
		{ { "a+b" }, "a+b", false, 0 },
		{ { "{a,b}.js" }, "b.js", false, 0 },
		{ { "a(" }, "a(", false, -1 },
		{ { "#c" }, "#c", false, 0 },
		{ { "\\#c" }, "#c", false, 1 },
		{ { " x " }, "x", false, 1 },
		{ { "x\r" }, "x", false, 1 },
		{ { "!keep.log", "*.log" }, "keep.log", false, 1 },
		{ { "node_modules" }, "a/node_modules", true, 0 },
		{ { "cdk.out" }, "a/cdk.out", true, 0 },
		{ { "/abs/x/cdk.out" }, "cdk.out", true, 0 },
		{ { "x" }, "...", false, 0 },
		{ { "a/*" }, "a/b/c", false, 1 },
		{ { "a/**" }, "a", true, 0 },
	};

	(void)state;
	check_rows(rows, sizeof(rows) / sizeof(rows[0]));
}

static void ignore_docker_rules(void **state)
{
	static const row rows[] = {
		/* line handling: split on \r?\n, '#' only at index 0, trim */
		{ { "a\nb" }, "b", false, 1 },
		{ { "a\r\nb" }, "a", false, 1 },
		{ { " #x" }, "#x", false, 1 },
		{ { "\xef\xbb\xbfx\xc2\xa0" }, "x", false, 1 },
		{ { "!" }, "a", false, 0 },
		{ { "! a", "a" }, "a", false, 1 },
		{ { "*", "! a" }, "a", false, 0 },
		{ { "!!a", "*" }, "!a", false, 1 },
		/* path.normalize and slashes */
		{ { "a/../b" }, "b", false, 1 },
		{ { "a//b/" }, "a/b", false, 1 },
		{ { "../a" }, "a", false, 0 },
		{ { "/" }, "a", false, 0 },
		/* regex construction */
		{ { "a.b" }, "axb", false, 0 },
		{ { "x$" }, "x$", false, 1 },
		{ { "a\\" }, "a$", false, 1 }, /* "\\$" */
		{ { "\\d" }, "7", false, 1 },  /* the regex \d */
		{ { "[a-c]x" }, "BX", false, 1 },
		{ { "(a|b)c" }, "bc", false, 1 },
		{ { "a|b" }, "xb", false, 1 }, /* ^a|b$ */
		{ { "a|b" }, "xa", false, 0 },
		{ { "a{2}" }, "aa", false, 1 },
		{ { "(a)\\1" }, "aA", false, 1 },
		{ { "*" }, "a/b", false, 1 }, /* parent prefix */
		{ { "?" }, "ab", false, 0 },
		{ { "**" }, "a/b/c", false, 1 },
		{ { "**/x" }, "a/b/x", false, 1 },
		{ { "**/x" }, "x", false, 1 },
		{ { "a/**/b" }, "a/b", false, 1 },
		{ { "a/**/b" }, "a/x/y/b/z", false, 1 },
		{ { "\xc3\xa9" }, "\xc3\x89", false, 1 },
		{ { "\xc5\xbf" }, "s", false, 0 }, /* long s is not S */
		/* negation and the second matcher */
		{ { "*", "!a/b/c" }, "a", true, 0 },
		{ { "*", "!a/b/c" }, "a/b", true, 0 },
		{ { "*", "!a/b/c" }, "a/x", true, 0 }, /* "!a" added */
		{ { "*", "!a/b/c" }, "a/x", false, 1 },
		{ { "a", " /!a/b" }, "a", false, 1 },
		{ { "a", " /!a/b" }, "a", true, 0 }, /* "/!a" negates too */
		{ { "a/b", "/!a/b" }, "a/b", false, 0 },
		{ { "*", "!**/keep" }, "x", true, 0 },
		/* faithful oddities */
		{ { "*" }, "", false, 1 },
		{ { "*" }, "constructor", false, 0 },
		{ { "*" }, "toString", true, 0 },
		{ { "*" }, "__proto__", false, 0 },
		{ { "*" }, "a/constructor", false, 1 },
		/* invalid regexes */
		{ { "*+" }, "a", false, -1 },
		{ { "a{3,2}" }, "a", false, -1 },
		{ { "[a" }, "a", false, -1 },
		{ { "a)" }, "a", false, -1 },
		{ { "*", "!(a/b)" }, "x", true, -1 }, /* derived "!(a" */
		{ { "*", "!(a/b)" }, "x", false, 1 },
		{ { "x", "!(a/b)" }, "y", true, 0 },
	};

	(void)state;
	check_rows(rows, sizeof(rows) / sizeof(rows[0]));
}

static void ignore_docker_errors_name_the_culprit(void **state)
{
	const char *bad[] = { "ok", "x/a(" };
	const char *derived[] = { "*", "!(a/b)" };
	ecra_ignore *ig = NULL;
	bool out;

	(void)state;
	assert_fails_with(
	    ECRA_EINVALID, ecra_ignore_new(&ig, ECRA_IGNORE_DOCKER, bad, 2));
	assert_null(ig);
	assert_error_contains("'x/a('");
	assert_ok(ecra_ignore_new(&ig, ECRA_IGNORE_DOCKER, derived, 2));
	assert_ok(ecra_ignore_ignores(&out, ig, "x"));
	assert_true(out);
	assert_fails_with(
	    ECRA_EINVALID, ecra_ignore_completely_ignores(&out, ig, "x"));
	assert_error_contains("'!(a/b)'");
	ecra_ignore_free(ig);
}

/* Patterns a backtracking engine takes exponential or cubic time on
 * (and the old engine refused as "too complex") answer, as in V8. */
static void ignore_docker_never_refuses(void **state)
{
	(void)state;
	assert_long_names(ECRA_IGNORE_DOCKER);
}

static void ignore_docker_survives_allocation_failures(void **state)
{
	const char *pats[] = { "a/**/b", "!c/d/e", "[a-z]*.txt", "d/" };
	long n;

	(void)state;
	for (n = 0; n < 600; n++) {
		ecra_ignore *ig = NULL;
		bool out;

		ecra_alloc_fail_after(n);
		if (ecra_ignore_new(&ig, ECRA_IGNORE_DOCKER, pats, 4) == 0) {
			(void)ecra_ignore_ignores(&out, ig, "a/x/b/c.txt");
			(void)ecra_ignore_completely_ignores(&out, ig, "c");
		}
		ecra_alloc_fail_after(-1);
		ecra_ignore_free(ig);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ignore_docker_spec_table),
		cmocka_unit_test(ignore_docker_rules),
		cmocka_unit_test(ignore_docker_errors_name_the_culprit),
		cmocka_unit_test(ignore_docker_never_refuses),
		cmocka_unit_test(ignore_docker_survives_allocation_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
