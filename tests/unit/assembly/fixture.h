/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/assembly/fixture.h - the build contexts of the synthesis spec
 * (§4.3 contexts A and B, the §8 probe fixture) and small helpers shared
 * by the assembly tests.
 */
#ifndef TESTS_UNIT_ASSEMBLY_FIXTURE_H
#define TESTS_UNIT_ASSEMBLY_FIXTURE_H

#include "helpers.h"

/* Hashes measured with aws-cdk-lib 2.276.0 (spec §4.3, §5, §8). */
#define HASH_A \
	"c8d7a0ca0404fface7aa694924198e17913066c10608405ebc6fd22f4effc4af"
#define HASH_A_ARGS \
	"27def312ce50faf0a27cfa281d838ed98855d7bd8d84ddfbf3210831d18b067c"
#define HASH_B_ABS \
	"24f6e56323054a87d152d49a0ded4fb44023ce57b08f47d0c324988a7c10bc14"
#define HASH_PROBE \
	"d40d88ee7461307679fd27402784353f7b272063dc630507dee62e5b1bf1232c"
#define HASH_PROBE_ENV \
	"786db21008eae9a98c87255ac94337bbbdd5859d64cea7911e5206f7fc84ab15"
#define HASH_TAR \
	"1093283bf5cca67c5c8e51ace05ac5348783db0deb34318f48126c98df45ed22"
/* Measured with aws-cdk-lib for this suite: the probe image with
 * ignoreMode GLOB, and with context @aws-cdk/core:assetHashSalt "abc"
 * (docker, then tarball). */
#define HASH_PROBE_GLOB \
	"d10fc086e5bccb2e41e534c026872f1e819913245f764c2766131b803b7c7b03"
#define HASH_PROBE_SALT \
	"03e17c0b5561d0bffda2f8cb53823e70079767190b61302c5bb188184f5066d3"
#define HASH_TAR_SALT \
	"0b3cbb4f570f1ac8515b4b4c2a4b1de21b73028a8197c04acbf566afbea66247"

/* Context A (Dockerfile only) in dir/A, context B (A + cdk.out/junk) in
 * dir/B. */
static inline void make_contexts_ab(const char *dir)
{
	write_text(dir, "A/Dockerfile", "FROM x\n");
	write_text(dir, "B/Dockerfile", "FROM x\n");
	write_text(dir, "B/cdk.out/junk", "j");
}

/* The probe fixture of spec §8: dir/image and dir/image.tar. */
static inline void make_probe(const char *dir)
{
	static const unsigned char bin[] = { 0, 1, 2, 3, 0xff };
	char tar[29], link[4200];

	write_text(
	    dir, "image/.dockerignore", "node_modules\n*.log\n!keep.log\n");
	write_text(dir, "image/Dockerfile", "FROM scratch\nCOPY . /app\n");
	write_text(dir, "image/index.js", "console.log(\"hi\");\r\n");
	write_text(dir, "image/debug.log", "ignored\n");
	write_text(dir, "image/keep.log", "kept\n");
	write_file(dir, "image/sub/data.bin", bin, sizeof(bin));
	write_text(dir, "image/node_modules/x/index.js", "ignored\n");
	snprintf(link, sizeof(link), "%s/image/link-internal", dir);
	assert_int_equal(symlink("index.js", link), 0);
	memcpy(tar, "fake tarball\n", 13);
	memset(tar + 13, 0, 16);
	write_file(dir, "image.tar", tar, 29);
}

/* Read dir/rel into a malloc'd NUL-terminated string (test code). */
static inline char *slurp(const char *dir, const char *rel)
{
	char path[4200];
	FILE *f;
	long n;
	char *s;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = malloc((size_t)n + 1);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	return s;
}

static inline char *join2(char *buf, size_t size, const char *a, const char *b)
{
	snprintf(buf, size, "%s/%s", a, b);
	return buf;
}

#endif /* TESTS_UNIT_ASSEMBLY_FIXTURE_H */
