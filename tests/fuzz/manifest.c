/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/fuzz/manifest.c - loading what publish reads from disk, on
 * arbitrary input: an asset manifest (*.assets.json) when the first byte
 * is even, else a cloud assembly's manifest.json (with the rest of the
 * input as its only asset manifest, NUL-separated: field 0 is
 * manifest.json, field 1 is A.assets.json). Then every entry is read and
 * selection patterns from field 2 are applied. Nothing may crash or
 * leak.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "ecrassets/publish.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void write_all(const char *path, const char *s)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL)
		abort();
	fwrite(s, 1, strlen(s), f);
	fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char dir[64], file[96], man[96], assets[96];
	fuzz_input in;
	ecra_manifest *m = NULL;
	const char *pattern;
	size_t i;

	if (fuzz_split(&in, data, size) < 0)
		return 0;
	if (dir[0] == '\0') {
		snprintf(
		    dir, sizeof(dir), "/tmp/ecra-fuzz-asm-%d", (int)getpid());
		(void)mkdir(dir, 0700);
		snprintf(file, sizeof(file), "%s/x.assets.json", dir);
		snprintf(man, sizeof(man), "%s/manifest.json", dir);
		snprintf(assets, sizeof(assets), "%s/A.assets.json", dir);
		if (ecra_init() < 0)
			abort();
	}
	if (ecra_manifest_new(&m) < 0)
		abort();
	if ((data[0] & 1) == 0) {
		write_all(file, in.fields[0]);
		(void)ecra_manifest_load(m, file);
	} else {
		write_all(man, in.fields[0]);
		write_all(assets, in.count > 1 ? in.fields[1] : "");
		(void)ecra_manifest_load(m, dir);
	}
	for (i = 0; i < ecra_manifest_count(m); i++) {
		ecra_manifest_entry e;

		(void)ecra_manifest_get(m, i, &e);
	}
	pattern = in.count > 2 ? in.fields[2] : "*";
	(void)ecra_manifest_select(m, &pattern, 1, NULL, 0);
	ecra_manifest_free(m);
	ecra_error_clear();
	free(in.buf);
	return 0;
}
