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
#include "tar_writer.h"

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

		if (fuzz_split(&in, data, size) == 0) {
			for (i = 0; i + 1 < in.count; i += 2) {
				const char *n = in.fields[i];

				if (n[0] == '@')
					tar_write_entry(f, n + 1, '2',
					    in.fields[i + 1], "", 0);
				else
					tar_write_entry(f, n, '0', NULL,
					    in.fields[i + 1],
					    strlen(in.fields[i + 1]));
			}
			free(in.buf);
		}
		tar_write_end(f);
	} else {
		fwrite(data + 1, 1, size - 1, f);
	}
	fclose(f);
	(void)ecra_image_archive_check(path, NULL);
	(void)ecra_image_archive_check(path, "a:1");
	return 0;
}
