/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/fuzz/fuzz_common.h - split a fuzz input into patterns and paths.
 *
 * The input is NUL-separated fields. The first byte's low three bits say
 * how many of the fields are patterns (0-7); the rest are query paths.
 */
#ifndef TESTS_FUZZ_COMMON_H
#define TESTS_FUZZ_COMMON_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_MAX_FIELDS 16

typedef struct {
	char *buf;
	const char *fields[FUZZ_MAX_FIELDS];
	size_t count;
	size_t npatterns;
} fuzz_input;

static int fuzz_split(fuzz_input *in, const uint8_t *data, size_t size)
{
	size_t k;
	char *p;

	memset(in, 0, sizeof(*in));
	if (size < 1)
		return -1;
	in->npatterns = data[0] & 7;
	if ((in->buf = malloc(size)) == NULL)
		return -1;
	memcpy(in->buf, data + 1, size - 1);
	in->buf[size - 1] = '\0';
	p = in->buf;
	for (k = 0; k < FUZZ_MAX_FIELDS; k++) {
		in->fields[in->count++] = p;
		p += strlen(p);
		if (p >= in->buf + size - 1)
			break;
		p++;
	}
	if (in->npatterns > in->count)
		in->npatterns = in->count;
	return 0;
}

#endif /* TESTS_FUZZ_COMMON_H */
