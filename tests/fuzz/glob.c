/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/fuzz/glob.c - fuzz the GLOB ignore strategy (brace expansion,
 * extglob/AST, regex engine, globstar matcher): no crash, no hang, no
 * leak; completelyIgnores equals ignores; and answers do not depend on
 * what was asked before (the matcher reuses scratch memory), checked by
 * asking every path again in reverse order.
 */
#include <stdio.h>

#include "ecrassets.h"
#include "fuzz_common.h"
#include "ignore/glob_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Brace expansion may legitimately yield up to 100,000 patterns (about a
 * second to compile here, twenty in minimatch): keep inputs that expand
 * to more than 2,000 out, so the fuzzer spends its time elsewhere.
 */
static bool too_expansive(const char *p)
{
	jmp_buf jb;
	ecra_glob_arena a;
	ecra_glob_strlist out = { NULL, 0, 0 };
	uint16_t *u;
	size_t n = strlen(p);
	volatile bool big = true;

	if ((u = malloc(sizeof(*u) * (n + 1))) == NULL)
		return true;
	for (size_t i = 0; i < n; i++)
		u[i] = (unsigned char)p[i]; /* same braces, close enough */
	ecra_glob_arena_init(&a, &jb, (size_t)256 << 20);
	if (setjmp(jb) == 0) {
		ecra_glob_brace_expand(&a, &out, u, n);
		big = out.n > 2000;
	}
	ecra_glob_arena_fini(&a);
	free(u);
	return big;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_input in;
	ecra_ignore *ig = NULL;
	bool first[FUZZ_MAX_FIELDS];
	int ok[FUZZ_MAX_FIELDS];
	size_t k;

	if (size > 4096 || fuzz_split(&in, data, size) < 0)
		return 0;
	for (k = 0; k < in.npatterns; k++) {
		if (too_expansive(in.fields[k])) {
			free(in.buf);
			return 0;
		}
	}
	if (ecra_ignore_new(&ig, ECRA_IGNORE_GLOB, in.fields, in.npatterns) <
	    0) {
		free(in.buf);
		return 0;
	}
	for (k = in.npatterns; k < in.count; k++) {
		bool dir = false;
		ok[k] = ecra_ignore_ignores(&first[k], ig, in.fields[k]);
		if (ok[k] == 0 && (ecra_ignore_completely_ignores(
		                       &dir, ig, in.fields[k]) < 0 ||
		                      dir != first[k]))
			abort();
	}
	for (k = in.count; k-- > in.npatterns;) {
		bool again = false;
		if (ok[k] == 0 &&
		    (ecra_ignore_ignores(&again, ig, in.fields[k]) < 0 ||
		        again != first[k]))
			abort();
	}
	ecra_ignore_free(ig);
	free(in.buf);
	return 0;
}
