/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/ignore/jsre.c - the JavaScript regex engine. Every expected
 * answer is what V8 (node 20) gives for new RegExp(pattern, flags)
 * .exec(subject): the match span and group 1, no match, or a SyntaxError.
 */
#include "helpers.h"

#include "ignore/jsre.h"

#define SYNTAX  -2
#define NOMATCH -1
#define UNDEF   -1

typedef struct {
	const char *pattern;
	bool icase;
	const char *subject;
	int start, end; /* SYNTAX or NOMATCH in start */
	int g1s, g1e;   /* group 1, UNDEF when undefined or absent */
} row;

static const row rows[] = {
	/* literals, classes, anchors */
	{ "abc", false, "xabcx", 1, 4, UNDEF, UNDEF },
	{ "^abc$", false, "xabc", NOMATCH, 0, UNDEF, UNDEF },
	{ "a.c", false, "a\nc abc", 4, 7, UNDEF, UNDEF },
	{ "[^/]*", false, "ab/c", 0, 2, UNDEF, UNDEF },
	{ "[a-c]+", true, "xBCa", 1, 4, UNDEF, UNDEF },
	{ "[]", false, "a", NOMATCH, 0, UNDEF, UNDEF },
	{ "[^]", false, "\n", 0, 1, UNDEF, UNDEF },
	{ "\\d\\w\\s", false, "1_ ", 0, 3, UNDEF, UNDEF },
	{ "[\\d-z]+", false, "5-z", 0, 3, UNDEF, UNDEF },
	{ "[\\b]", false, "\b", 0, 1, UNDEF, UNDEF },
	{ "[^a-cb-d]", true, "D", NOMATCH, 0, UNDEF, UNDEF },
	{ "[x-zc-ea-c]+", false, "abcdexyzw", 0, 8, UNDEF, UNDEF },
	{ "\\bfoo\\b", false, "a foo b", 2, 5, UNDEF, UNDEF },
	{ "\\Bo", false, "foo", 1, 2, UNDEF, UNDEF },
	/* Annex B escapes */
	{ "\\1", false, "\x01", 0, 1, UNDEF, UNDEF },
	{ "\\8", false, "8", 0, 1, UNDEF, UNDEF },
	{ "\\101", false, "A", 0, 1, UNDEF, UNDEF },
	{ "\\x41\\u0042", false, "AB", 0, 2, UNDEF, UNDEF },
	{ "\\x4", false, "x4", 0, 2, UNDEF, UNDEF },
	{ "\\cA", false, "\x01", 0, 1, UNDEF, UNDEF },
	{ "\\c1", false, "\\c1", 0, 3, UNDEF, UNDEF },
	{ "[\\c1]", false, "\x11", 0, 1, UNDEF, UNDEF },
	{ "\\k", false, "k", 0, 1, UNDEF, UNDEF },
	{ "a{", false, "a{", 0, 2, UNDEF, UNDEF },
	{ "a{1,", false, "a{1,", 0, 4, UNDEF, UNDEF },
	{ "}]", false, "}]", 0, 2, UNDEF, UNDEF },
	{ "\\u{2}", false, "uu", 0, 2, UNDEF, UNDEF },
	/* quantifiers */
	{ "a{2,3}", false, "aaaa", 0, 3, UNDEF, UNDEF },
	{ "a{2,3}?", false, "aaaa", 0, 2, UNDEF, UNDEF },
	{ "a+?b", false, "aab", 0, 3, UNDEF, UNDEF },
	{ "(a*)*b", false, "aab", 0, 3, 0, 2 },
	{ "(a|ab)(c|bcd)(d*)", false, "abcd", 0, 4, 0, 1 },
	{ "(?:a|b)+", false, "abba", 0, 4, UNDEF, UNDEF },
	{ "(a)|b", false, "b", 0, 1, UNDEF, UNDEF },
	/* captures reset per iteration, backreferences */
	{ "(?:(a)|b)+", false, "ab", 0, 2, UNDEF, UNDEF },
	{ "(a)\\1", true, "aA", 0, 2, 0, 1 },
	{ "\\1(a)", false, "a", 0, 1, 0, 1 },
	{ "(a\\1)", false, "a", 0, 1, 0, 1 },
	/* lookahead */
	{ "a(?=b)", false, "acab", 2, 3, UNDEF, UNDEF },
	{ "a(?!b)", false, "abac", 2, 3, UNDEF, UNDEF },
	{ "(?=(a))a\\1", false, "aa", 0, 2, 0, 1 },
	{ "(?=a)*a", false, "a", 0, 1, UNDEF, UNDEF },
	/* case folding (non-unicode Canonicalize) */
	{ "\xc3\xa9", true, "\xc3\x89", 0, 1, UNDEF, UNDEF },
	{ "s", true, "\xc5\xbf", NOMATCH, 0, UNDEF, UNDEF },
	{ "k", true, "\xe2\x84\xaa", NOMATCH, 0, UNDEF, UNDEF },
	{ "[a-z]", true, "K", 0, 1, UNDEF, UNDEF },
	{ "\\w", true, "\xc5\xbf", NOMATCH, 0, UNDEF, UNDEF },
	/* UTF-16 code units */
	{ "^.$", false, "\xf0\x9f\x98\x80", NOMATCH, 0, UNDEF, UNDEF },
	{ "^..$", false, "\xf0\x9f\x98\x80", 0, 2, UNDEF, UNDEF },
	/* syntax errors */
	{ "a(", false, "", SYNTAX, 0, UNDEF, UNDEF },
	{ "a)", false, "", SYNTAX, 0, UNDEF, UNDEF },
	{ "[a", false, "", SYNTAX, 0, UNDEF, UNDEF },
	{ "*a", false, "", SYNTAX, 0, UNDEF, UNDEF },
	{ "a**", false, "", SYNTAX, 0, UNDEF, UNDEF },
	{ "{2}", false, "", SYNTAX, 0, UNDEF, UNDEF },
	{ "a{2}{3}", false, "", SYNTAX, 0, UNDEF, UNDEF },
	{ "a{3,2}", false, "", SYNTAX, 0, UNDEF, UNDEF },
	{ "[z-a]", false, "", SYNTAX, 0, UNDEF, UNDEF },
	{ "^*", false, "", SYNTAX, 0, UNDEF, UNDEF },
	{ "\\b+", false, "", SYNTAX, 0, UNDEF, UNDEF },
	{ "a\\", false, "", SYNTAX, 0, UNDEF, UNDEF },
	{ "(?x)", false, "", SYNTAX, 0, UNDEF, UNDEF },
};

static void ignore_jsre_matches_like_v8(void **state)
{
	size_t k;
	int failures = 0;

	(void)state;
	for (k = 0; k < sizeof(rows) / sizeof(rows[0]); k++) {
		const row *r = &rows[k];
		ecra_u16 p = { 0 }, s = { 0 };
		ecra_jsre *re = NULL;
		const char *why = NULL;
		size_t caps[2 * 8];
		bool m = false;
		int start = NOMATCH, end = 0, g1s = UNDEF, g1e = UNDEF, rc;

		assert_ok(ecra_jsre_utf8_to_utf16(
		    &p, r->pattern, strlen(r->pattern)));
		assert_ok(ecra_jsre_utf8_to_utf16(
		    &s, r->subject, strlen(r->subject)));
		rc = ecra_jsre_compile(
		    &re, p.ptr, p.len, r->icase ? ECRA_JSRE_ICASE : 0, &why);
		if (rc < 0) {
			assert_int_equal(rc, ECRA_EINVALID);
			assert_non_null(why);
			start = SYNTAX;
		} else {
			assert_true(ecra_jsre_groups(re) < 8);
			assert_ok(
			    ecra_jsre_exec(&m, re, s.ptr, s.len, 0, caps));
			/* the yes/no mode agrees with the exact one */
			{
				bool yes = !m;

				assert_ok(ecra_jsre_exec(
				    &yes, re, s.ptr, s.len, 0, NULL));
				assert_int_equal(yes, m);
			}
			if (m) {
				start = (int)caps[0];
				end = (int)caps[1];
				if (ecra_jsre_groups(re) >= 1 &&
				    caps[2] != SIZE_MAX) {
					g1s = (int)caps[2];
					g1e = (int)caps[3];
				}
			}
		}
		if (start != r->start ||
		    (start >= 0 &&
		        (end != r->end || g1s != r->g1s || g1e != r->g1e))) {
			print_error("/%s/%s on '%s': got %d-%d (%d-%d), "
			            "expected %d-%d (%d-%d)\n",
			    r->pattern, r->icase ? "i" : "", r->subject, start,
			    end, g1s, g1e, r->start, r->end, r->g1s, r->g1e);
			failures++;
		}
		ecra_jsre_free(re);
		ecra_u16_dispose(&p);
		ecra_u16_dispose(&s);
	}
	assert_int_equal(failures, 0);
}

static void ignore_jsre_decodes_like_node(void **state)
{
	/* WHATWG decoding: one U+FFFD per maximal invalid subpart */
	static const struct {
		const char *in;
		size_t units;
		uint16_t first, last;
	} cases[] = {
		{ "a", 1, 'a', 'a' },
		{ "\xc3\xa9", 1, 0xE9, 0xE9 },
		{ "\xf0\x9f\x98\x80", 2, 0xD83D, 0xDE00 },
		{ "\xe2\x82"
		  "A",
		    2, 0xFFFD, 'A' },
		{ "\xf5"
		  "A",
		    2, 0xFFFD, 'A' },
		{ "\xed\xa0\x80", 3, 0xFFFD, 0xFFFD },
		{ "\xc0\xaf", 2, 0xFFFD, 0xFFFD },
	};
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		ecra_u16 s = { 0 };

		assert_ok(ecra_jsre_utf8_to_utf16(
		    &s, cases[k].in, strlen(cases[k].in)));
		assert_int_equal(s.len, cases[k].units);
		assert_int_equal(s.ptr[0], cases[k].first);
		assert_int_equal(s.ptr[s.len - 1], cases[k].last);
		ecra_u16_dispose(&s);
	}
}

/* Work of a yes/no test of `pattern` on `n` copies of `fill` then
 * `tail`; checks the answer. */
static size_t work_for(const char *pattern, char fill, size_t n,
    const char *tail, unsigned flags, bool expected)
{
	ecra_u16 p = { 0 }, s = { 0 };
	ecra_jsre *re = NULL;
	const char *why = NULL;
	char subject[4200];
	size_t work = 0;
	bool m = !expected;

	assert_true(n + strlen(tail) < sizeof(subject));
	memset(subject, fill, n);
	strcpy(subject + n, tail);
	assert_ok(ecra_jsre_utf8_to_utf16(&p, pattern, strlen(pattern)));
	assert_ok(ecra_jsre_utf8_to_utf16(&s, subject, strlen(subject)));
	assert_ok(ecra_jsre_compile(&re, p.ptr, p.len, flags, &why));
	assert_ok(ecra_jsre_exec_work(&m, re, s.ptr, s.len, 0, NULL, &work));
	assert_int_equal(m, expected);
	ecra_jsre_free(re);
	ecra_u16_dispose(&p);
	ecra_u16_dispose(&s);
	return work;
}

static void ignore_jsre_is_linear(void **state)
{
	/* what a backtracking engine takes exponential or cubic time on,
	 * and the old engine refused as "too complex": the work doubles
	 * (at most) when the input doubles */
	static const struct {
		const char *pattern;
		char fill;
		const char *tail;
		unsigned flags;
		bool expected;
	} cases[] = {
		{ "^(a+)+$", 'a', "!", 0, false },
		{ "^(?:[^/]*a[^/]*a[^/]*b)$", 'a', "c", ECRA_JSRE_ICASE,
		    false },
		{ "^(?:[^/]*a[^/]*a[^/]*b)$", 'a', "b", ECRA_JSRE_ICASE, true },
		{ "^(?:(?:.*/)?[^/]*-[^/]*-[^/]*-[^/]*\\.log)$", '-', ".lo",
		    ECRA_JSRE_ICASE, false },
		{ "(x+x+)+y", 'x', "", 0, false },
		{ "^(?:(?!\\.)[^/]*?a)*b$", 'a', "c", 0, false },
	};
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		size_t w1 = work_for(cases[k].pattern, cases[k].fill, 1000,
		    cases[k].tail, cases[k].flags, cases[k].expected);
		size_t w2 = work_for(cases[k].pattern, cases[k].fill, 2000,
		    cases[k].tail, cases[k].flags, cases[k].expected);
		size_t w4 = work_for(cases[k].pattern, cases[k].fill, 4000,
		    cases[k].tail, cases[k].flags, cases[k].expected);

		if (w2 > 2 * w1 + 100 || w4 > 2 * w2 + 100)
			fail_msg("%s: work %zu, %zu, %zu for 1000, 2000, 4000",
			    cases[k].pattern, w1, w2, w4);
	}
}

static void ignore_jsre_refuses_huge_programs(void **state)
{
	ecra_u16 p = { 0 };
	ecra_jsre *re = NULL;
	const char *why = NULL;

	(void)state;
	/* programs too large to build are refused, not built (V8 has its
	 * own "RegExp too big") */
	assert_ok(ecra_jsre_utf8_to_utf16(&p, "(a{1000}){1000}", 15));
	assert_int_equal(
	    ECRA_EINVALID, ecra_jsre_compile(&re, p.ptr, p.len, 0, &why));
	assert_string_equal(why, ECRA_JSRE_TOO_COMPLEX);
	assert_null(re);
	ecra_u16_dispose(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ignore_jsre_matches_like_v8),
		cmocka_unit_test(ignore_jsre_decodes_like_node),
		cmocka_unit_test(ignore_jsre_is_linear),
		cmocka_unit_test(ignore_jsre_refuses_huge_programs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
