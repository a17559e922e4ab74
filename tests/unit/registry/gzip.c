/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/registry/gzip.c - the parallel block compressor: its output
 * is one valid gzip stream that inflates back to the input (CRC and size
 * checked by zlib), and it is the same bytes for 1, 2 and 7 threads and
 * for any way the input is fed (the layer digest must not depend on the
 * machine's core count or on read sizes).
 */
#include "helpers.h"

#include <zlib.h>

#include "core/error.h"
#include "registry/engine.h"

static int collect(const void *data, size_t len, void *payload)
{
	return ecra_buf_put(payload, data, len);
}

static void compress_with(unsigned int threads, const unsigned char *in,
    size_t len, size_t feed, ecra_buf *out)
{
	ecra_gzip *z = NULL;
	size_t off;

	assert_ok(ecra_gzip_new(&z, threads));
	assert_ok(ecra_gzip_begin(z, collect, out));
	for (off = 0; off < len; off += feed)
		assert_ok(ecra_gzip_write(
		    z, in + off, len - off < feed ? len - off : feed));
	assert_ok(ecra_gzip_end(z));
	ecra_gzip_free(z);
}

static void inflate_equals(
    const ecra_buf *gz, const unsigned char *in, size_t len)
{
	unsigned char *out = malloc(len + 1);
	z_stream s;

	memset(&s, 0, sizeof(s));
	assert_int_equal(inflateInit2(&s, 15 + 16), Z_OK);
	s.next_in = (unsigned char *)gz->ptr;
	s.avail_in = (unsigned int)gz->size;
	s.next_out = out;
	s.avail_out = (unsigned int)len + 1;
	assert_int_equal(inflate(&s, Z_FINISH), Z_STREAM_END);
	assert_int_equal(s.total_out, len);
	assert_int_equal(s.avail_in, 0);
	assert_memory_equal(out, in, len);
	inflateEnd(&s);
	free(out);
}

static unsigned char *sample(size_t len)
{
	unsigned char *p = malloc(len);
	uint64_t x = 0x9e3779b97f4a7c15ull;
	size_t i;

	for (i = 0; i < len; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		/* first half random, second half text-like */
		p[i] = i < len / 2 ? (unsigned char)x
		                   : (unsigned char)("layer digest "[x % 13]);
	}
	return p;
}

static void round_trip_and_deterministic(void **state)
{
	size_t len = 5u * 1024 * 1024 + 12345;
	unsigned char *in = sample(len);
	ecra_buf a = ECRA_BUF_INIT(0), b = ECRA_BUF_INIT(0),
	         c = ECRA_BUF_INIT(0);

	(void)state;
	compress_with(1, in, len, 65536, &a);
	compress_with(2, in, len, 1000003, &b);
	compress_with(7, in, len, 4096, &c);
	inflate_equals(&a, in, len);
	assert_int_equal(a.size, b.size);
	assert_int_equal(a.size, c.size);
	assert_memory_equal(a.ptr, b.ptr, a.size);
	assert_memory_equal(a.ptr, c.ptr, a.size);
	/* Fixed header: no name, mtime 0. */
	assert_memory_equal(a.ptr, "\x1f\x8b\x08\x00\x00\x00\x00\x00", 8);
	free(in);
	ecra_buf_dispose(&a);
	ecra_buf_dispose(&b);
	ecra_buf_dispose(&c);
}

static void empty_and_reuse(void **state)
{
	ecra_gzip *z = NULL;
	ecra_buf a = ECRA_BUF_INIT(0), b = ECRA_BUF_INIT(0);
	unsigned char *in = sample(3u << 20);

	(void)state;
	assert_ok(ecra_gzip_new(&z, 3));
	assert_ok(ecra_gzip_begin(z, collect, &a));
	assert_ok(ecra_gzip_end(z));
	inflate_equals(&a, (const unsigned char *)"", 0);
	/* The same compressor serves the next layer. */
	assert_ok(ecra_gzip_begin(z, collect, &b));
	assert_ok(ecra_gzip_write(z, in, 3u << 20));
	assert_ok(ecra_gzip_end(z));
	inflate_equals(&b, in, 3u << 20);
	ecra_gzip_free(z);
	free(in);
	ecra_buf_dispose(&a);
	ecra_buf_dispose(&b);
}

static int fail_out(const void *data, size_t len, void *payload)
{
	(void)data;
	(void)len;
	if (++*(int *)payload > 2)
		return ecra_error_set(ECRA_EIO, "disk full");
	return 0;
}

static void output_failure_stops(void **state)
{
	ecra_gzip *z = NULL;
	unsigned char *in = sample(8u << 20);
	int calls = 0, rc = 0;
	size_t off;

	(void)state;
	assert_ok(ecra_gzip_new(&z, 2));
	assert_ok(ecra_gzip_begin(z, fail_out, &calls));
	for (off = 0; off < (8u << 20) && rc == 0; off += 1u << 20)
		rc = ecra_gzip_write(z, in + off, 1u << 20);
	if (rc == 0)
		rc = ecra_gzip_end(z);
	else
		(void)ecra_gzip_end(z);
	assert_int_equal(rc, ECRA_EIO);
	ecra_gzip_free(z);
	free(in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip_and_deterministic),
		cmocka_unit_test(empty_and_reuse),
		cmocka_unit_test(output_failure_stops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
