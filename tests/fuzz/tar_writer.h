/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/fuzz/tar_writer.h - write one ustar entry (header, data, padding)
 * to a stdio stream: the image tarball fuzz target and the registry unit
 * tests build their archives with it. Test code only.
 */
#ifndef TESTS_FUZZ_TAR_WRITER_H
#define TESTS_FUZZ_TAR_WRITER_H

#include <stdio.h>
#include <string.h>

/* `type` '0' regular file, '1' hard link, '2' symlink (to `link`). */
static inline void tar_write_entry(FILE *f, const char *name, char type,
    const char *link, const void *data, size_t len)
{
	unsigned char h[512];
	unsigned int sum = 0;
	size_t i;
	static const char zeros[512];

	memset(h, 0, sizeof(h));
	snprintf((char *)h, 100, "%s", name);
	memcpy(h + 100, "0000644", 7);
	memcpy(h + 108, "0000000", 7);
	memcpy(h + 116, "0000000", 7);
	snprintf((char *)h + 124, 12, "%011zo", len);
	memcpy(h + 136, "00000000000", 11);
	memset(h + 148, ' ', 8);
	h[156] = (unsigned char)type;
	if (link != NULL)
		snprintf((char *)h + 157, 100, "%s", link);
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	for (i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	fwrite(h, 1, 512, f);
	if (len > 0) {
		fwrite(data, 1, len, f);
		fwrite(zeros, 1, (512 - len % 512) % 512, f);
	}
}

/* The end-of-archive marker. */
static inline void tar_write_end(FILE *f)
{
	static const char zeros[1024];

	fwrite(zeros, 1, sizeof(zeros), f);
}

#endif /* TESTS_FUZZ_TAR_WRITER_H */
