/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * bench/registry/compress.c - single-thread throughput and ratio of the
 * deflate back ends the registry engine could use, on the two kinds of
 * data the registry benchmark pushes (random bytes, text), in the
 * engine's 1 MiB independent blocks: zlib (levels 1, 6), libdeflate
 * (1, 6), ISA-L igzip (levels 0, 1). Prints MB/s of input and the
 * compressed size. Used to choose the engine's back end
 * (docs/internals/registry.md).
 */
#include <isa-l/igzip_lib.h>
#include <libdeflate.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#define BLOCK (1u << 20)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static size_t z_block(int level, const unsigned char *in, size_t n,
    unsigned char *out, size_t cap)
{
	z_stream z;

	memset(&z, 0, sizeof(z));
	deflateInit2(&z, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
	z.next_in = (unsigned char *)in;
	z.avail_in = (unsigned)n;
	z.next_out = out;
	z.avail_out = (unsigned)cap;
	deflate(&z, Z_FULL_FLUSH);
	n = cap - z.avail_out;
	deflateEnd(&z);
	return n;
}

static size_t isal_block(int level, const unsigned char *in, size_t n,
    unsigned char *out, size_t cap, unsigned char *lvl_buf)
{
	struct isal_zstream s;

	isal_deflate_init(&s);
	s.level = (uint32_t)level;
	s.level_buf = lvl_buf;
	s.level_buf_size = level ? ISAL_DEF_LVL1_DEFAULT : 0;
	s.flush = FULL_FLUSH;
	s.end_of_stream = 0;
	s.next_in = (unsigned char *)in;
	s.avail_in = (uint32_t)n;
	s.next_out = out;
	s.avail_out = (uint32_t)cap;
	isal_deflate(&s);
	return cap - s.avail_out;
}

static void run(const char *what, const unsigned char *data, size_t len)
{
	size_t cap = BLOCK + BLOCK / 8 + 1024, i;
	unsigned char *out = malloc(cap);
	unsigned char *lvl = malloc(ISAL_DEF_LVL1_DEFAULT);
	const char *names[] = { "zlib-1", "zlib-6", "libdeflate-1",
		"libdeflate-6", "isal-0", "isal-1" };
	int k;

	for (k = 0; k < 6; k++) {
		struct libdeflate_compressor *c = NULL;
		size_t total = 0;
		double t0;

		if (k == 2 || k == 3)
			c = libdeflate_alloc_compressor(k == 2 ? 1 : 6);
		t0 = now();
		for (i = 0; i < len; i += BLOCK) {
			size_t n = len - i < BLOCK ? len - i : BLOCK;

			if (k < 2)
				total +=
				    z_block(k ? 6 : 1, data + i, n, out, cap);
			else if (k < 4)
				total += libdeflate_deflate_compress(
				    c, data + i, n, out, cap);
			else
				total += isal_block(
				    k - 4, data + i, n, out, cap, lvl);
		}
		printf("%-6s %-13s %7.0f MB/s  %5.1f%% of input\n", what,
		    names[k], len / 1e6 / (now() - t0), 100.0 * total / len);
		if (c)
			libdeflate_free_compressor(c);
	}
	free(out);
	free(lvl);
}

int main(int argc, char **argv)
{
	size_t len = (argc > 1 ? (size_t)atol(argv[1]) : 64) << 20, i;
	unsigned char *data = malloc(len);
	FILE *f = fopen("/dev/urandom", "rb");
	static const char *words[] = { "registry ", "layer ", "digest ",
		"manifest\n", "the ", "of ", "compression ", "index ", "blob ",
		"12345 " };
	uint64_t x = 88172645463325252ull;
	size_t o = 0;

	if (f == NULL || fread(data, 1, len, f) != len)
		return 1;
	fclose(f);
	run("random", data, len);
	while (o < len) {
		const char *w;
		size_t n;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		w = words[x % 10];
		n = strlen(w);
		for (i = 0; i < n && o < len; i++)
			data[o++] = (unsigned char)w[i];
	}
	run("text", data, len);
	free(data);
	return 0;
}
