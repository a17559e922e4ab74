/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/ignore/git.c - the GIT strategy (ignore 5.3.2 semantics).
 *
 * Expected answers come from running aws-cdk-lib 2.276.0's
 * GitIgnoreStrategy; the first block is the GIT column of the comparison
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
		int got = answer(ECRA_IGNORE_GIT, &rows[k]);

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

static void ignore_git_spec_table(void **state)
{
	static const row rows[] = {
		{ { "*" }, ".hidden", false, 1 },
		{ { "*.txt" }, "A.TXT", false, 1 },
		{ { "foo/" }, "foo", true, 1 },
		{ { "foo/" }, "foo", false, 0 },
		{ { "./foo" }, "foo", false, 0 },
		{ { "/foo" }, "foo", false, 1 },
		{ { "foo" }, "sub/foo", false, 1 },
		{ { "sub", "!sub/keep" }, "sub", true, 1 },
		{ { "sub", "!sub/keep" }, "sub/keep", false, 1 },
		{ { "a+b" }, "aab", false, 0 },
		{ { "a+b" }, "a+b", false, 1 },
		{ { "{a,b}.js" }, "b.js", false, 0 },
		{ { "a(" }, "a(", false, 1 },
		{ { "#c" }, "#c", false, 0 },
		{ { "\\#c" }, "#c", false, 1 },
		{ { " x " }, "x", false, 0 },
		{ { "x\r" }, "x", false, 1 },
		{ { "!keep.log", "*.log" }, "keep.log", false, 1 },
		{ { "node_modules" }, "a/node_modules", true, 1 },
		{ { "cdk.out" }, "a/cdk.out", true, 1 },
		{ { "/abs/x/cdk.out" }, "cdk.out", true, 0 },
		{ { "x" }, "...", false, -1 },
		{ { "a/*" }, "a/b/c", false, 1 },
		{ { "a/**" }, "a", true, 0 },
	};

	(void)state;
	check_rows(rows, sizeof(rows) / sizeof(rows[0]));
}

static void ignore_git_rules(void **state)
{
	static const row rows[] = {
		/* comments, blanks, escapes */
		{ { "", " ", "\t" }, "a", false, 0 },
		{ { "\\!x" }, "!x", false, 1 },
		{ { "!x" }, "x", false, 0 },
		{ { "x\\ " }, "x ", false, 1 },
		{ { "x\\ " }, "x", false, 0 },
		{ { "x  " }, "x", false, 1 },
		{ { "a\\" }, "a", false, 0 }, /* trailing \ drops it */
		{ { "\\*" }, "*", false, 1 },
		{ { "\\*" }, "a", false, 1 }, /* a final "\\*" is a "*" */
		{ { "\xef\xbb\xbf"
		    "a" },
		    "a", false, 1 }, /* BOM */
		/* anchoring */
		{ { "a/b" }, "x/a/b", false, 0 },
		{ { "a/b" }, "a/b", false, 1 },
		{ { "b" }, "x/a/b", false, 1 },
		{ { "/b" }, "x/b", false, 0 },
		{ { "b/" }, "x/b", true, 1 },
		{ { "b/" }, "x/b/c", false, 1 },
		/* wildcards */
		{ { "*.js" }, "a/b.js", false, 1 },
		{ { "a*" }, "a", false, 1 },
		{ { "a/*" }, "a", true, 0 },
		{ { "?" }, "a", false, 1 },
		{ { "?" }, "ab", false, 0 },
		{ { "**/foo" }, "a/b/foo", false, 1 },
		{ { "a/**/b" }, "a/b", false, 1 },
		{ { "a/**/b" }, "a/x/y/b", false, 1 },
		{ { "a/**" }, "a/x", false, 1 },
		{ { "a**b" }, "axxb", false, 1 },
		/* classes: ranges, out-of-order ranges dropped, regex escapes
		 */
		{ { "[a-c]x" }, "bx", false, 1 },
		{ { "[a-c]x" }, "BX", false, 1 },
		{ { "[!a]" }, "!", false, 1 },
		{ { "[c-a]x" }, "bx", false, 0 },
		{ { "[+-!]" }, "a", false, -1 }, /* invalid JS range */
		{ { "\\d" }, "7", false, 1 },    /* becomes the regex \d */
		{ { "\\d" }, "d", false, 0 },
		/* negation and parents */
		{ { "*.log", "!keep.log" }, "keep.log", false, 0 },
		{ { "a/", "!a/b" }, "a/b", false, 1 },
		{ { "a/*", "!a/b" }, "a/b", false, 0 },
		/* case-insensitive, Unicode included */
		{ { "\xc3\xa9" }, "\xc3\x89", false, 1 },
		{ { "FOO" }, "foo", false, 1 },
		/* paths the library refuses */
		{ { "x" }, "....", false, -1 },
		{ { "x" }, "...", true, -1 },
		{ { "x" }, "", false, -1 },
		{ { "x" }, "", true, -1 },
		{ { "x" }, "a/...", false, 0 },
		{ { "x" }, "...a", false, 0 },
	};

	(void)state;
	check_rows(rows, sizeof(rows) / sizeof(rows[0]));
}

static void ignore_git_errors_name_the_culprit(void **state)
{
	const char *bad[] = { "ok", "[~-a]" };
	const char *one[] = { "x" };
	ecra_ignore *ig = NULL;
	bool out;

	(void)state;
	assert_fails_with(
	    ECRA_EINVALID, ecra_ignore_new(&ig, ECRA_IGNORE_GIT, bad, 2));
	assert_null(ig);
	assert_error_contains("'[~-a]'");
	assert_ok(ecra_ignore_new(&ig, ECRA_IGNORE_GIT, one, 1));
	assert_fails_with(ECRA_EINVALID, ecra_ignore_ignores(&out, ig, "..."));
	assert_error_contains("'...'");
	ecra_ignore_free(ig);
}

static void ignore_git_bounded(void **state)
{
	char pattern[4096], path[4096];
	const char *pats[1] = { pattern };
	ecra_ignore *ig = NULL;
	size_t k;
	bool out;

	(void)state;
	/* many "**" against a deep path: never refused */
	pattern[0] = '\0';
	for (k = 0; k < 40; k++)
		strcat(pattern, "**/a");
	strcat(pattern, "/b");
	path[0] = '\0';
	for (k = 0; k < 200; k++)
		strcat(path, "a/");
	strcat(path, "c");
	assert_ok(ecra_ignore_new(&ig, ECRA_IGNORE_GIT, pats, 1));
	assert_ok(ecra_ignore_ignores(&out, ig, path));
	assert_false(out);
	path[strlen(path) - 1] = 'b';
	assert_ok(ecra_ignore_ignores(&out, ig, path));
	assert_true(out);
	ecra_ignore_free(ig);
	assert_long_names(ECRA_IGNORE_GIT);
}

static void ignore_git_survives_allocation_failures(void **state)
{
	const char *pats[] = { "a/**/b", "!c", "[a-z]*.txt", "d/" };
	long n;

	(void)state;
	for (n = 0; n < 400; n++) {
		ecra_ignore *ig = NULL;
		bool out;

		ecra_alloc_fail_after(n);
		if (ecra_ignore_new(&ig, ECRA_IGNORE_GIT, pats, 4) == 0) {
			(void)ecra_ignore_ignores(&out, ig, "a/x/b/c.txt");
			(void)ecra_ignore_completely_ignores(&out, ig, "d");
		}
		ecra_alloc_fail_after(-1);
		ecra_ignore_free(ig);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ignore_git_spec_table),
		cmocka_unit_test(ignore_git_rules),
		cmocka_unit_test(ignore_git_errors_name_the_culprit),
		cmocka_unit_test(ignore_git_bounded),
		cmocka_unit_test(ignore_git_survives_allocation_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
