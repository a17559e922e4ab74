/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/fuzz/dockerignore.c - fuzz the DOCKER ignore strategy, whose
 * patterns reach the regex engine almost raw: no crash, no hang, no leak,
 * and completelyIgnores(d) implies ignores(d).
 */
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
	if (ecra_ignore_new(&ig, ECRA_IGNORE_DOCKER, in.fields, in.npatterns) <
	    0) {
		free(in.buf);
		return 0;
	}
	for (k = in.npatterns; k < in.count; k++) {
		bool file = false, dir = false;

		if (ecra_ignore_ignores(&file, ig, in.fields[k]) < 0)
			continue;
		if (ecra_ignore_completely_ignores(&dir, ig, in.fields[k]) ==
		        0 &&
		    dir && !file)
			abort();
	}
	ecra_ignore_free(ig);
	free(in.buf);
	return 0;
}
