/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/ignore/long_names.h - patterns a backtracking regex engine
 * takes exponential or cubic time on, against 200-character names: every
 * mode answers (the old engine refused them as "too complex"). The
 * answers were taken from aws-cdk-lib 2.276.0's IgnoreStrategy.
 */
#ifndef TESTS_UNIT_IGNORE_LONG_NAMES_H
#define TESTS_UNIT_IGNORE_LONG_NAMES_H

#include <string.h>

#include "ecrassets/ignore.h"
#include "helpers.h"

static void assert_long_names(ecra_ignore_mode mode)
{
	/* expected: glob, git, docker */
	static const struct {
		const char *pattern, *prefix;
		char fill;
		const char *tail;
		bool expected[3];
	} cases[] = {
		{ "*a*a*b", "", 'a', "", { false, false, false } },
		{ "*a*a*b", "", 'a', "b", { true, true, true } },
		{ "*a*a*b", "d/", 'a', "b", { true, true, false } },
		{ "**/*-*-*-*.log", "x/", '-', ".lo", { false, false, false } },
		{ "**/*-*-*-*.log", "x/", '-', ".log", { true, true, true } },
		{ "**/*-*-*-*.log", "", '-', ".log", { true, true, true } },
	};
	size_t k;

	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		const char *pats[] = { cases[k].pattern };
		char path[300];
		size_t at = strlen(cases[k].prefix);
		ecra_ignore *ig = NULL;
		bool out = !cases[k].expected[mode];

		memcpy(path, cases[k].prefix, at);
		memset(path + at, cases[k].fill, 200);
		strcpy(path + at + 200, cases[k].tail);
		assert_ok(ecra_ignore_new(&ig, mode, pats, 1));
		assert_ok(ecra_ignore_ignores(&out, ig, path));
		if (out != cases[k].expected[mode])
			fail_msg("%s on %s%c*200%s: got %d", cases[k].pattern,
			    cases[k].prefix, cases[k].fill, cases[k].tail,
			    (int)out);
		ecra_ignore_free(ig);
	}
}

#endif /* TESTS_UNIT_IGNORE_LONG_NAMES_H */
