/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/fuzz/image_archive.c - the image tarball parser and validator
 * (docker save manifest.json, OCI index.json, descriptors, configs,
 * links, layer staging with digest checks and gzip inflation) on
 * arbitrary input, through ecra_image_archive_check(): no network.
 *
 * If the first byte is odd, the rest is NUL-separated fields taken as
 * (name, content) pairs and written as a ustar archive, so the fuzzer
 * reaches the JSON and descriptor logic quickly (a name starting with
 * '@' becomes a symlink to the content); otherwise the rest is written
 * as is and read by libarchive (any tar dialect, any compression).
 * Nothing may crash or leak; temporary files are the fuzzer's own.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ecrassets/registry.h"
#include "fuzz_common.h"

static void tar_entry(FILE *f, const char *name, char type, const char *link,
    const char *data, size_t len)
{
	unsigned char h[512];
	unsigned int sum = 0;
	size_t i;
	static const char zeros[512];

	memset(h, 0, sizeof(h));
	snprintf((char *)h, 100, "%s", name);
	memcpy(h + 100, "0000644", 7);
	snprintf((char *)h + 124, 12, "%011zo", len);
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
	fwrite(data, 1, len, f);
	fwrite(zeros, 1, (512 - len % 512) % 512, f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	static char tmp[64];
	FILE *f;

	if (size < 1)
		return 0;
	if (path[0] == '\0') {
		snprintf(path, sizeof(path), "/tmp/ecra-fuzz-image-%d.tar",
		    (int)getpid());
		snprintf(tmp, sizeof(tmp), "/tmp");
	}
	if ((f = fopen(path, "wb")) == NULL)
		abort();
	if (data[0] & 1) {
		fuzz_input in;
		size_t i;
		static const char zeros[1024];

		if (fuzz_split(&in, data, size) == 0) {
			for (i = 0; i + 1 < in.count; i += 2) {
				const char *n = in.fields[i];

				if (n[0] == '@')
					tar_entry(f, n + 1, '2',
					    in.fields[i + 1], "", 0);
				else
					tar_entry(f, n, '0', NULL,
					    in.fields[i + 1],
					    strlen(in.fields[i + 1]));
			}
			free(in.buf);
		}
		fwrite(zeros, 1, sizeof(zeros), f);
	} else {
		fwrite(data + 1, 1, size - 1, f);
	}
	fclose(f);
	(void)ecra_image_archive_check(path, NULL);
	(void)ecra_image_archive_check(path, "a:1");
	return 0;
}
