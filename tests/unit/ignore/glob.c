/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/ignore/glob.c - the GLOB ignore strategy (minimatch 10.2.6
 * with matchBase and flipNegate, as aws-cdk-lib's GlobIgnoreStrategy).
 *
 * The expectations in the table were produced by running aws-cdk-lib
 * 2.276.0 itself on each row (1 excluded, 0 kept, -1 the reference
 * throws, i.e. ecra_ignore_new must reject the list).
 */
#include "helpers.h"
#include "unit/ignore/long_names.h"

#include <time.h>

typedef struct {
	const char *patterns[6];
	size_t count;
	const char *rel;
	bool dir; /* completelyIgnores instead of ignores */
	int expect;
} glob_row;

static const glob_row rows[] = {
	{ { "*" }, 1, ".hidden", false, 0 },
	{ { "*.txt" }, 1, "A.TXT", false, 0 },
	{ { "foo/" }, 1, "foo", true, 0 },
	{ { "foo/" }, 1, "foo", false, 0 },
	{ { "./foo" }, 1, "foo", false, 0 },
	{ { "/foo" }, 1, "foo", false, 0 },
	{ { "foo" }, 1, "sub/foo", false, 1 },
	{ { "sub", "!sub/keep" }, 2, "sub", true, 1 },
	{ { "sub", "!sub/keep" }, 2, "sub/keep", false, 0 },
	{ { "a+b" }, 1, "aab", false, 0 },
	{ { "{a,b}.js" }, 1, "b.js", false, 1 },
	{ { "a(" }, 1, "a(", false, 1 },
	{ { "#c" }, 1, "#c", false, 0 },
	{ { "\\#c" }, 1, "#c", false, 1 },
	{ { " x " }, 1, "x", false, 0 },
	{ { "x\r" }, 1, "x", false, 0 },
	{ { "!keep.log", "*.log" }, 2, "keep.log", false, 1 },
	{ { "node_modules" }, 1, "a/node_modules", true, 1 },
	{ { "cdk.out" }, 1, "a/cdk.out", true, 1 },
	{ { "/abs/x/cdk.out" }, 1, "cdk.out", true, 0 },
	{ { "x" }, 1, "...", false, 0 },
	{ { "a/*" }, 1, "a/b/c", false, 0 },
	{ { "a/**" }, 1, "a", true, 0 },
	{ { "*" }, 1, ".git/config", false, 1 },
	{ { ".*" }, 1, "a/.env", false, 1 },
	{ { ".*" }, 1, ".", false, 0 },
	{ { "*" }, 1, "a/.x.js", false, 0 },
	{ { "*.js" }, 1, "a/b/x.js", false, 1 },
	{ { "b/*.js" }, 1, "a/b/x.js", false, 0 },
	{ { "*.js" }, 1, ".x.js", false, 0 },
	{ { "**" }, 1, "a/b", false, 1 },
	{ { "**" }, 1, "a/.b", false, 0 },
	{ { "**" }, 1, ".a/b", false, 1 },
	{ { "a/**/b" }, 1, "a/b", false, 1 },
	{ { "a/**/b" }, 1, "a/x/y/b", false, 1 },
	{ { "a/**/b" }, 1, "a/.x/b", false, 0 },
	{ { "a/**" }, 1, "a/b/c/d", false, 1 },
	{ { "a/**" }, 1, "a/.b", false, 0 },
	{ { "**/.git" }, 1, ".git", true, 1 },
	{ { "**/.git" }, 1, "a/.git", true, 1 },
	{ { "a/**/x/**/.git" }, 1, "a/x/.git", false, 0 },
	{ { "a/**/x/**/y" }, 1, "a/x/y", false, 1 },
	{ { "a/**/b/c/d/**/e" }, 1, "a/b/c/d/e", false, 1 },
	{ { "**/a/b/c/**/d" }, 1, "x/y/a/b/c/d", false, 1 },
	{ { ".git" }, 1, "a/.git", true, 1 },
	{ { "*/b" }, 1, ".a/b", false, 0 },
	{ { ".a/*" }, 1, ".a/b", false, 1 },
	{ { "*", "!x" }, 2, "x", false, 0 },
	{ { "*", "!!x" }, 2, "x", false, 0 },
	{ { "*", "!!!x" }, 2, "x", false, 0 },
	{ { "!x" }, 1, "x", false, 0 },
	{ { "*.log", "!keep.log" }, 2, "keep.log", false, 0 },
	{ { "!", "x" }, 2, "x", false, 1 },
	{ { "!#x" }, 1, "#x", false, 0 },
	{ { "*", "!#x" }, 2, "#x", false, 0 },
	{ { "" }, 1, "x", false, 0 },
	{ { "!" }, 1, "x", false, 0 },
	{ { "[!a]" }, 1, "b", false, 1 },
	{ { "[!a]" }, 1, "a", false, 0 },
	{ { "[^a]" }, 1, "a", false, 0 },
	{ { "[a-c]x" }, 1, "bx", false, 1 },
	{ { "[c-a]" }, 1, "b", false, 0 },
	{ { "[]]" }, 1, "]", false, 1 },
	{ { "x[" }, 1, "x[", false, 1 },
	{ { "[.]x" }, 1, ".x", false, 1 },
	{ { "[a-[:alpha:]]" }, 1, "a", false, 0 },
	{ { "[[:alpha:]]" }, 1, "é", false, 1 },
	{ { "[[:digit:]]" }, 1, "٣", false, 1 },
	{ { "[[:alpha:]]" }, 1, "😀", false, 0 },
	{ { "[[:alpha:]]?" }, 1, "a😀", false, 1 },
	{ { "[[:upper:]]" }, 1, "a", false, 0 },
	{ { "[[:space:]]" }, 1, " ", false, 1 },
	{ { "[[:xdigit:]]" }, 1, "F", false, 1 },
	{ { "[[:punct:]]" }, 1, "!", false, 1 },
	{ { "[\\]]" }, 1, "]", false, 1 },
	{ { "[a-]" }, 1, "-", false, 1 },
	{ { "[!.]x" }, 1, ".x", false, 0 },
	{ { "?" }, 1, "😀", false, 0 },
	{ { "??" }, 1, "😀", false, 1 },
	{ { "?" }, 1, "é", false, 1 },
	{ { "[^a]" }, 1, "😀", false, 0 },
	{ { "[^a][^a]" }, 1, "😀", false, 1 },
	{ { "[😀]" }, 1, "😀", false, 0 },
	{ { "*" }, 1, "😀", false, 1 },
	{ { "+(a|b)" }, 1, "abba", false, 1 },
	{ { "@(a|b)" }, 1, "ab", false, 0 },
	{ { "x!(a)" }, 1, "xb", false, 1 },
	{ { "x!(a)" }, 1, "xa", false, 0 },
	{ { "?(a)x" }, 1, "x", false, 1 },
	{ { "*(ab)" }, 1, "abab", false, 1 },
	{ { "+(a|.b)" }, 1, ".b", false, 1 },
	{ { "@()" }, 1, "@()", false, 1 },
	{ { "+()" }, 1, "x", false, 0 },
	{ { "x*(a|b)" }, 1, "x", false, 1 },
	{ { "x!(*.js)" }, 1, "xa.js", false, 0 },
	{ { "x!()" }, 1, "x", false, 0 },
	{ { "x!()" }, 1, "xy", false, 1 },
	{ { "*(a|+(b|c))" }, 1, "abc", false, 1 },
	{ { "!(!(a))" }, 1, "a", false, 0 },
	{ { "x@(a|!(b))" }, 1, "xc", false, 1 },
	{ { "+(a" }, 1, "+(a", false, 1 },
	{ { "a@(b" }, 1, "a@(b", false, 1 },
	{ { "{1..3}" }, 1, "2", false, 1 },
	{ { "{a..c}" }, 1, "b", false, 1 },
	{ { "{01..3}" }, 1, "02", false, 1 },
	{ { "{3..1}" }, 1, "2", false, 1 },
	{ { "{1..10..3}" }, 1, "7", false, 1 },
	{ { "{1..10..3}" }, 1, "8", false, 0 },
	{ { "${a,b}" }, 1, "${a,b}", false, 1 },
	{ { "{a},b}" }, 1, "a}", false, 1 },
	{ { "{a},b}" }, 1, "b", false, 1 },
	{ { "{,}" }, 1, "x", false, 0 },
	{ { "{a}" }, 1, "{a}", false, 1 },
	{ { "{}x" }, 1, "{}x", false, 1 },
	{ { "x{,a}" }, 1, "x", false, 1 },
	{ { "{a,b}/c" }, 1, "b/c", false, 1 },
	{ { "a\\{b,c}" }, 1, "a{b,c}", false, 1 },
	{ { "{a..\\}" }, 1, "a", false, 0 },
	{ { "x{-1..1}" }, 1, "x-1", false, 1 },
	{ { "x{Z..a}" }, 1, "x_", false, 1 },
	{ { "a\\\\b{x,y}" }, 1, "abx", false, 1 },
	{ { "a\\\\b" }, 1, "a\\b", false, 1 },
	{ { "\\*" }, 1, "*", false, 1 },
	{ { "\\*" }, 1, "a", false, 0 },
	{ { "*\\.js" }, 1, "x\\.js", false, 1 },
	{ { "*\\.js" }, 1, "x.js", false, 0 },
	{ { "a\\|zz" }, 1, "ab", false, 0 },
	{ { "\\!x" }, 1, "!x", false, 1 },
	{ { "a\\" }, 1, "a\\", false, 1 },
	{ { "\\a" }, 1, "a", false, 1 },
	{ { "?\\.js" }, 1, "x\\.js", false, 1 },
	{ { "[[:alpha:]]-" }, 1, "a-", false, -1 },
	{ { "[[:alpha:]]\\!" }, 1, "a!", false, -1 },
	{ { "[[:alpha:]] " }, 1, "a ", false, -1 },
	{ { "*()" }, 1, "x", false, 0 },
	{ { "a/../b" }, 1, "b", false, 1 },
	{ { "a/./b" }, 1, "a/b", false, 0 },
	{ { "../a" }, 1, "a", false, 0 },
	{ { "**/../a" }, 1, "a", false, 0 },
	{ { "a//b" }, 1, "a/b", false, 1 },
	{ { "/**" }, 1, "a", false, 0 },
	{ { "*.JS" }, 1, "x.js", false, 0 },
	{ { "X" }, 1, "x", false, 0 },
};

static int query(
    const char *const *patterns, size_t count, const char *rel, bool dir)
{
	ecra_ignore *ig = NULL;
	bool out = false;
	int rc;

	if (ecra_ignore_new(&ig, ECRA_IGNORE_GLOB, patterns, count) < 0)
		return -1;
	rc = dir ? ecra_ignore_completely_ignores(&out, ig, rel)
	         : ecra_ignore_ignores(&out, ig, rel);
	ecra_ignore_free(ig);
	assert_int_equal(rc, 0);
	return out ? 1 : 0;
}

static void ignore_glob_matches_reference_table(void **state)
{
	size_t failures = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const glob_row *r = &rows[i];
		int got = query(r->patterns, r->count, r->rel, r->dir);
		if (got != r->expect) {
			print_error(
			    "row %zu: patterns [%s%s%s] %s '%s': got %d, "
			    "expected %d\n",
			    i, r->patterns[0], r->count > 1 ? ", " : "",
			    r->count > 1 ? r->patterns[1] : "",
			    r->dir ? "dir" : "file", r->rel, got, r->expect);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
}

static void ignore_glob_complete_is_ignores(void **state)
{
	const char *pats[] = { "a/*", "!a/keep", "*.log" };
	const char *rels[] = { "a", "a/b", "a/keep", "x.log", "a/b/c.log",
		"b" };

	(void)state;
	for (size_t i = 0; i < sizeof(rels) / sizeof(rels[0]); i++)
		assert_int_equal(query(pats, 3, rels[i], false),
		    query(pats, 3, rels[i], true));
}

static void ignore_glob_invalid_utf8_is_replacement(void **state)
{
	const char *q[] = { "?" };
	const char *q2[] = { "??" };
	const char *lit[] = { "\xef\xbf\xbd" };

	(void)state;
	/* Node reads an invalid byte as U+FFFD: one UTF-16 unit */
	assert_int_equal(query(q, 1, "\xff", false), 1);
	assert_int_equal(query(q2, 1, "\xff", false), 0);
	assert_int_equal(query(lit, 1, "\xff", false), 1);
	/* E2 82 (truncated) is one U+FFFD, then 'x' */
	assert_int_equal(query(q2, 1, "\xe2\x82x", false), 1);
	/* a surrogate encoded in UTF-8 is three U+FFFD */
	assert_int_equal(query(q, 1, "\xed\xa0\x80", false), 0);
}

static void ignore_glob_rejects_bad_patterns(void **state)
{
	char *big = malloc(65538);
	const char *one[1];
	ecra_ignore *ig = NULL;

	(void)state;
	assert_non_null(big);
	memset(big, 'a', 65537);
	big[65537] = 0;
	one[0] = big;
	assert_fails_with(
	    ECRA_EINVALID, ecra_ignore_new(&ig, ECRA_IGNORE_GLOB, one, 1));
	assert_error_contains("too long");
	big[65536] = 0; /* exactly the limit is fine */
	assert_ok(ecra_ignore_new(&ig, ECRA_IGNORE_GLOB, one, 1));
	ecra_ignore_free(ig);
	ig = NULL;
	free(big);
	one[0] = "[[:alpha:]]-";
	assert_fails_with(
	    ECRA_EINVALID, ecra_ignore_new(&ig, ECRA_IGNORE_GLOB, one, 1));
	assert_error_contains("[[:alpha:]]-");
	assert_null(ig);
}

/* brace-expansion's caps and JavaScript number formatting */
static void ignore_glob_brace_limits(void **state)
{
	const char *cap[] = { "{1..100005}" };
	const char *big[] = { "x{99999999999999999999..99999999999999999999}" };
	const char *seq[] = { "x{1..3..-2}",
		"y{9007199254740993..9007199254740995}" };

	(void)state;
	/* at most 100,000 results */
	assert_int_equal(query(cap, 1, "100000", false), 1);
	assert_int_equal(query(cap, 1, "100001", false), 0);
	/* String(1e20) */
	assert_int_equal(query(big, 1, "x100000000000000000000", false), 1);
	/* the step's sign is ignored; past 2^53 the value stops moving */
	assert_int_equal(query(seq, 2, "x3", false), 1);
	assert_int_equal(query(seq, 2, "y9007199254740992", false), 1);
	assert_int_equal(query(seq, 2, "y9007199254740994", false), 0);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *repeat(const char *s, size_t n, const char *tail)
{
	size_t len = strlen(s) * n + strlen(tail) + 1;
	char *r = malloc(len);

	assert_non_null(r);
	r[0] = 0;
	for (size_t i = 0; i < n; i++)
		strcat(r, s);
	strcat(r, tail);
	return r;
}

/* Patterns that make a backtracking matcher explode stay fast here. */
static void ignore_glob_pathological_patterns_are_bounded(void **state)
{
	struct {
		char *pattern;
		char *path;
		int expect;
	} cases[7];
	double t0 = now();
	size_t n = 0;

	(void)state;
	assert_long_names(ECRA_IGNORE_GLOB);
	cases[n].pattern = repeat("**/", 300, "x");
	cases[n].path = repeat("a/", 60, "x");
	cases[n++].expect = 1;
	cases[n].pattern = repeat("*a", 40, "*b");
	cases[n].path = repeat("a", 250, "");
	cases[n++].expect = 0;
	cases[n].pattern = repeat("a/**/", 30, ".z");
	cases[n].path = repeat("a/", 60, ".z");
	cases[n++].expect = 0;
	cases[n].pattern = repeat("*(a|*(a|*(a)))", 10, "b");
	cases[n].path = repeat("a", 200, "");
	cases[n++].expect = 0;
	cases[n].pattern = repeat("{a,b}", 10, "");
	cases[n].path = repeat("ab", 5, "");
	cases[n++].expect = 1;
	cases[n].pattern = repeat("x!(a)", 8, "");
	cases[n].path = repeat("xb", 8, "");
	cases[n++].expect = 1;
	/* exponential in minimatch too: rejected rather than spun on */
	cases[n].pattern = repeat("x!(a)", 40, "");
	cases[n].path = repeat("xb", 40, "");
	cases[n++].expect = -1;
	for (size_t i = 0; i < n; i++) {
		const char *p[] = { cases[i].pattern };
		assert_int_equal(
		    query(p, 1, cases[i].path, false), cases[i].expect);
		free(cases[i].pattern);
		free(cases[i].path);
	}
	/* generous: the point is "not exponential" */
	assert_true(now() - t0 < 60.0);
}

static void ignore_glob_many_queries(void **state)
{
	const char *pats[] = { "node_modules", "*.pyc", "!keep.pyc", "**/.git",
		"cdk.out", "{build,dist}/**", "[Tt]est?/*.tmp" };
	ecra_ignore *ig = NULL;
	char rel[128];
	size_t hits = 0;

	(void)state;
	assert_ok(ecra_ignore_new(&ig, ECRA_IGNORE_GLOB, pats, 7));
	for (int i = 0; i < 20000; i++) {
		bool out;
		snprintf(rel, sizeof(rel), "%s/d%d/%s%d.%s",
		    i % 5 == 0   ? "build"
		    : i % 7 == 0 ? "Test1"
		                 : "src",
		    i % 13, i % 11 == 0 ? "keep" : "f", i,
		    i % 3 == 0    ? "pyc"
		    : i % 17 == 0 ? "tmp"
		                  : "c");
		assert_ok(ecra_ignore_ignores(&out, ig, rel));
		hits += out;
	}
	ecra_ignore_free(ig);
	assert_true(hits > 0 && hits < 20000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ignore_glob_matches_reference_table),
		cmocka_unit_test(ignore_glob_complete_is_ignores),
		cmocka_unit_test(ignore_glob_invalid_utf8_is_replacement),
		cmocka_unit_test(ignore_glob_rejects_bad_patterns),
		cmocka_unit_test(ignore_glob_brace_limits),
		cmocka_unit_test(ignore_glob_pathological_patterns_are_bounded),
		cmocka_unit_test(ignore_glob_many_queries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
