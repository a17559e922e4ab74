/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/fuzz/gitignore.c - fuzz the GIT ignore strategy (and the regex
 * engine under it): no crash, no hang, no leak, and one invariant of
 * ignore 5.3.2: when "d/" is ignored, everything below d is.
 */
#include <stdio.h>

#include "ecrassets.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_input in;
	ecra_ignore *ig = NULL;
	size_t k;

	if (size > 4096 || fuzz_split(&in, data, size) < 0)
		return 0;
	if (ecra_ignore_new(&ig, ECRA_IGNORE_GIT, in.fields, in.npatterns) <
	    0) {
		free(in.buf);
		return 0;
	}
	for (k = in.npatterns; k < in.count; k++) {
		const char *rel = in.fields[k];
		bool file = false, dir = false, below = false;
		char child[4200];

		if (ecra_ignore_ignores(&file, ig, rel) < 0)
			continue;
		if (ecra_ignore_completely_ignores(&dir, ig, rel) < 0)
			continue;
		snprintf(child, sizeof(child), "%s/x", rel);
		if (dir && ecra_ignore_ignores(&below, ig, child) == 0 &&
		    !below)
			abort();
	}
	ecra_ignore_free(ig);
	free(in.buf);
	return 0;
}
