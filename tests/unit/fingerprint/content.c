/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * unit/fingerprint/content.c - content fingerprints (spec synth.md §1.3).
 *
 * Every test vector of the spec, produced by aws-cdk-lib 2.276.0, both
 * from memory and from a file (which goes through the 1 MiB read path),
 * plus the UTF-8 and UTF-16 helpers.
 */
#include "helpers.h"

#include "fingerprint/fingerprint.h"
#include "core/alloc.h"
#include "util/buf.h"

typedef struct {
	const char *name;
	unsigned char *data;
	size_t len;
	const char *expected;
} vector;

/* Build a byte string from pieces: (repeat, bytes, len) triples. */
static size_t build(unsigned char *out, size_t cap, int n, ...)
{
	va_list ap;
	size_t len = 0, k;
	int i;

	va_start(ap, n);
	for (i = 0; i < n; i++) {
		size_t repeat = va_arg(ap, size_t);
		const char *bytes = va_arg(ap, const char *);
		size_t blen = va_arg(ap, size_t);

		for (k = 0; k < repeat; k++) {
			assert_true(len + blen <= cap);
			memcpy(out + len, bytes, blen);
			len += blen;
		}
	}
	va_end(ap);
	return len;
}

#define P(r, s) (size_t)(r), (s), sizeof(s) - 1

static unsigned char bufs[19][20000];
static vector vectors[19];

static void setup_vectors(void)
{
	int i = 0;

#define V(name_, expected_, n, ...)                                  \
	do {                                                         \
		vectors[i].name = (name_);                           \
		vectors[i].data = bufs[i];                           \
		vectors[i].len =                                     \
		    build(bufs[i], sizeof(bufs[i]), n, __VA_ARGS__); \
		vectors[i].expected = (expected_);                   \
		i++;                                                 \
	} while (0)

	V("empty",
	    "0:"
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	    0, 0);
	V("crlf",
	    "5:"
	    "ea7fb08b7a2dc4619ffb7c7bb38d95a2047935fa165d71b12efd3852a2e6d0cc",
	    1, P(1, "a\r\nb\r\nc"));
	V("lone cr",
	    "3:"
	    "af9081672dd5ef3247a30c2db5b0dafcc9bcf981a26aefb3c55d210d43fcc14e",
	    1, P(1, "a\rb"));
	V("trailing cr raw",
	    "0:"
	    "464c8c7baee96c964ae5d50b87cbc47ec4b8e8f836d6cb43d412da227eb15c9a",
	    1, P(1, "a\r\nb\r"));
	V("binary",
	    "5:"
	    "3ae063476ea12ae4569623bc8302e8351469618d9b2e40149d12db7e5ad5ad32",
	    1, P(1, "a\0\r\nb"));
	V("invalid byte",
	    "5:"
	    "05087813392efc16fe8ff448920c6328e53af865df39419436659d9ffda90f7b",
	    1, P(1, "\x61\xe9\x62"));
	V("bom kept",
	    "5:"
	    "34458efc6b3e8689be7b17dffa5c40d9c1b72807c93cd35c96f8a6e1b4484a7c",
	    1, P(1, "\xef\xbb\xbf\x41\x0d\x0a"));
	V("overlong",
	    "7:"
	    "e95a7363204eb40353cb0c8e7dde3aa6a23aafa95f59a9d0c7e490271e236d05",
	    1, P(1, "\xc0\x80\x41"));
	V("surrogate",
	    "10:"
	    "2bd433ff893b359e66d217d102424e02ad5f0c37e2d0853404813bb1b6920ec0",
	    1, P(1, "\xed\xa0\x80\x41"));
	V("truncated",
	    "4:"
	    "1b6d8a78363cf390895eba876b9fefb99d73506bb40fe31c4efeb2b58f7fe1fc",
	    1, P(1, "\xe2\x82\x41"));
	V("above max",
	    "12:"
	    "c22917d19a6656769f72fb7090d6590cb857aa735ef9e646a4ef15d78e7d2317",
	    1, P(1, "\xf4\x90\x80\x80"));
	V("f5 lead",
	    "4:"
	    "1b6d8a78363cf390895eba876b9fefb99d73506bb40fe31c4efeb2b58f7fe1fc",
	    1, P(1, "\xf5\x41"));
	V("split euro",
	    "8201:"
	    "ba901f127b3c52419d5e7d257529e7b312567af3faba2db80823c07e39110d3c",
	    3, P(8191, "x"), P(1, "\xe2\x82\xac"), P(1, "y"));
	V("split crlf",
	    "8193:"
	    "6c04a4779bb751b7dd4307c0660528ccf21bf7a3433fe3667c64f66cace7fe34",
	    2, P(8191, "x"), P(1, "\r\nz"));
	V("crlf both chunks",
	    "8192:"
	    "c0fa040231390917e718edb1d26af9e4c4ad24b232e0cc9ef2df45f4a279129a",
	    3, P(1, "a\r\n"), P(8188, "x"), P(1, "\r\nq"));
	V("carry then binary",
	    "4:"
	    "7406a8b887423c2d5b4d2c5b1b156cbceeb13e73cbef203f1dd3b8b3cb7adc5f",
	    3, P(8191, "x"), P(1, "\r"), P(1, "\0abc"));
	V("nul in second chunk",
	    "8194:"
	    "a11d0564ce2850f0afc094003eb47f3cf34ce17b310a834b3a3218a2ac3185dd",
	    2, P(8192, "x"), P(1, "\0\r\n"));
	V("two carries",
	    "0:"
	    "a9379cdba491625cbc95120f69738b1d0502250d713464656e9e840415a4e19e",
	    4, P(8191, "x"), P(1, "\r"), P(8191, "y"), P(1, "\r"));
	V("cr after full chunk",
	    "8192:"
	    "2c03dd0c23fbb62b449ac6b9efedf31f6719b296c11fe69c6e273172f9b3bb1d",
	    2, P(8192, "x"), P(1, "\r"));
#undef V
	assert_int_equal(i, 19);
}

static void test_vectors_buffer(void **state)
{
	char out[ECRA_CONTENT_FINGERPRINT_SIZE];
	int i;

	(void)state;
	setup_vectors();
	for (i = 0; i < 19; i++) {
		assert_ok(ecra_fingerprint_content_buffer(
		    out, vectors[i].data, vectors[i].len));
		if (strcmp(out, vectors[i].expected) != 0)
			print_error(
			    "vector '%s': got %s\n", vectors[i].name, out);
		assert_string_equal(out, vectors[i].expected);
	}
}

static void test_vectors_file(void **state)
{
	char out[ECRA_CONTENT_FINGERPRINT_SIZE], path[4200];
	const char *dir = sandbox_dir();
	int i;

	(void)state;
	setup_vectors();
	for (i = 0; i < 19; i++) {
		write_file(dir, "f", vectors[i].data, vectors[i].len);
		snprintf(path, sizeof(path), "%s/f", dir);
		assert_ok(ecra_fingerprint_content(out, path));
		assert_string_equal(out, vectors[i].expected);
	}
	sandbox_cleanup(dir);
}

/* A file larger than the 1 MiB read buffer hashes like its buffer. */
static void test_large_file_matches_buffer(void **state)
{
	char a[ECRA_CONTENT_FINGERPRINT_SIZE], b[ECRA_CONTENT_FINGERPRINT_SIZE];
	char path[4200];
	const char *dir = sandbox_dir();
	size_t len = 3 * 1024 * 1024 + 777, i;
	unsigned char *data = malloc(len);
	int variant;

	(void)state;
	assert_non_null(data);
	for (variant = 0; variant < 3; variant++) {
		for (i = 0; i < len; i++) {
			/* text with CRLFs and split multibyte characters,
			 * or text whose binary NUL comes late */
			static const char text[] =
			    "ab\r\n\xc3\xa9\xe2\x82\xac\r";
			data[i] = (unsigned char)text[i % (sizeof(text) - 1)];
		}
		if (variant == 1)
			data[0] = 0; /* binary from the first chunk */
		if (variant == 2)
			data[len - 5] = 0; /* NUL late: still text */
		write_file(dir, "big", data, len);
		snprintf(path, sizeof(path), "%s/big", dir);
		assert_ok(ecra_fingerprint_content(a, path));
		assert_ok(ecra_fingerprint_content_buffer(b, data, len));
		assert_string_equal(a, b);
		if (variant == 1)
			assert_true(strncmp(a, "3146505:", 8) == 0);
	}
	free(data);
	sandbox_cleanup(dir);
}

/* A file whose st_size is 0 but which has data (procfs) is read to EOF. */
static void test_proc_file(void **state)
{
	char a[ECRA_CONTENT_FINGERPRINT_SIZE], b[ECRA_CONTENT_FINGERPRINT_SIZE];
	ecra_buf data = ECRA_BUF_INIT(0);

	(void)state;
	if (access("/proc/version", R_OK) != 0)
		skip();
	assert_ok(ecra_buf_read_file(&data, "/proc/version"));
	assert_true(data.size > 0);
	assert_ok(ecra_fingerprint_content(a, "/proc/version"));
	assert_ok(ecra_fingerprint_content_buffer(b, data.ptr, data.size));
	assert_string_equal(a, b);
	ecra_buf_dispose(&data);
}

static void test_missing_file(void **state)
{
	char out[ECRA_CONTENT_FINGERPRINT_SIZE];

	(void)state;
	assert_fails_with(ECRA_ENOTFOUND,
	    ecra_fingerprint_content(out, "/nonexistent/ecra/file"));
	assert_error_contains("/nonexistent/ecra/file");
}

static void test_directory_is_not_content(void **state)
{
	char out[ECRA_CONTENT_FINGERPRINT_SIZE];

	(void)state;
	assert_fails_with(
	    ECRA_EUNSUPPORTED, ecra_fingerprint_content(out, "/"));
}

static void sanitize(const char *in, size_t len, const char *expected)
{
	ecra_buf b = ECRA_BUF_INIT(0);

	assert_ok(ecra_fp_utf8_sanitize(&b, in, len));
	assert_int_equal(b.size, strlen(expected));
	assert_memory_equal(b.ptr, expected, b.size);
	ecra_buf_dispose(&b);
}

#define R "\xef\xbf\xbd"

static void test_sanitize(void **state)
{
	(void)state;
	sanitize("abc", 3, "abc");
	sanitize("\xe2\x82", 2, R);
	sanitize("\x82\xac", 2, R R);
	sanitize("\xf0\x9f\x98\x80", 4, "\xf0\x9f\x98\x80");
	sanitize("\xf0\x9f\x98", 3, R);
	sanitize("\xf0\x8f\x98\x80", 4, R R R R);
	sanitize("\xe0\x9f\x80", 3, R R R);
	sanitize("\xe0\xa0\x80", 3, "\xe0\xa0\x80");
	sanitize("\xed\x9f\xbf", 3, "\xed\x9f\xbf");
	sanitize("\xc1\xbf", 2, R R);
	sanitize("\xff\xfe", 2, R R);
	sanitize("a\xf4\x8f\xbf\xbf"
	         "b",
	    6,
	    "a\xf4\x8f\xbf\xbf"
	    "b");
	sanitize("\xf1\x80\x80"
	         "a",
	    4, R "a");
}

/* A tiny deterministic generator (xorshift). */
static uint32_t rnd_state = 2463534242u;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

/* Append one random piece: ASCII, a valid character of 2-4 bytes, or
 * one of the ways UTF-8 goes wrong. */
static size_t piece(unsigned char *p)
{
	static const unsigned char bad[][4] = {
		{ 0x80 },
		{ 0xBF },
		{ 0xC0, 0x80 },
		{ 0xC1, 0xBF },
		{ 0xE0, 0x80, 0x80 },
		{ 0xE0, 0x9F, 0xBF },
		{ 0xED, 0xA0, 0x80 },
		{ 0xED, 0xBF, 0xBF },
		{ 0xF0, 0x80, 0x80, 0x80 },
		{ 0xF0, 0x8F, 0xBF, 0xBF },
		{ 0xF4, 0x90, 0x80, 0x80 },
		{ 0xF5, 0x80, 0x80, 0x80 },
		{ 0xFF },
		{ 0xFE },
		{ 0xF8, 0x88, 0x80, 0x80 },
		{ 0xC3 },
		{ 0xE2, 0x82 },
		{ 0xF0, 0x9F, 0x98 },
	};
	static const unsigned char bad_len[] = { 1, 1, 2, 2, 3, 3, 3, 3, 4, 4,
		4, 4, 1, 1, 4, 1, 2, 3 };
	uint32_t r = rnd() % 100, c;
	size_t k;

	if (r < 70) {
		p[0] = (unsigned char)(rnd() % 0x80);
		return 1;
	}
	if (r < 80) { /* U+0080..U+07FF */
		c = 0x80 + rnd() % 0x780;
		p[0] = (unsigned char)(0xC0 | c >> 6);
		p[1] = (unsigned char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (r < 88) { /* U+0800..U+FFFF without surrogates */
		do
			c = 0x800 + rnd() % 0xF800;
		while (c >= 0xD800 && c <= 0xDFFF);
		p[0] = (unsigned char)(0xE0 | c >> 12);
		p[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
		p[2] = (unsigned char)(0x80 | (c & 0x3F));
		return 3;
	}
	if (r < 94) { /* U+10000..U+10FFFF */
		c = 0x10000 + rnd() % 0x100000;
		p[0] = (unsigned char)(0xF0 | c >> 18);
		p[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
		p[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
		p[3] = (unsigned char)(0x80 | (c & 0x3F));
		return 4;
	}
	k = rnd() % (sizeof(bad_len) / sizeof(bad_len[0]));
	memcpy(p, bad[k], bad_len[k]);
	return bad_len[k];
}

/* The vector validator (when the CPU has one) gives exactly the scalar
 * result: random text with rare faults at every offset, and buffers cut
 * at every length around the 32-byte blocks. */
static void test_valid_prefix_vector_vs_scalar(void **state)
{
	unsigned char buf[1200];
	size_t len, cut, i, runs;

	(void)state;
	for (runs = 0; runs < 20000; runs++) {
		len = 0;
		/* Mostly valid: a fault in about one buffer in three. */
		while (len < sizeof(buf) - 4) {
			size_t n = piece(buf + len);

			if (n > 0 && (buf[len] >= 0x80) && rnd() % 8 != 0 &&
			    ecra_fp_utf8_valid_prefix_scalar(buf + len, n) !=
			        n) {
				buf[len] = 'x'; /* keep most buffers valid */
				n = 1;
			}
			len += n;
			if (rnd() % 400 == 0)
				break;
		}
		cut = len;
		if (runs % 2 == 0)
			cut = rnd() % (len + 1);
		assert_int_equal(ecra_fp_utf8_valid_prefix(buf, cut),
		    ecra_fp_utf8_valid_prefix_scalar(buf, cut));
	}
	/* Every length and start of one valid text whose multibyte
	 * characters straddle every block boundary. */
	for (len = 0; len < 260; len++)
		buf[len] = (unsigned char)"a\xc3\xa9\xe2\x82\xac"[len % 6];
	for (cut = 0; cut < 6; cut++)
		for (i = 0; i + cut <= 254; i++)
			assert_int_equal(
			    ecra_fp_utf8_valid_prefix(buf + cut, i),
			    ecra_fp_utf8_valid_prefix_scalar(buf + cut, i));
}

static void test_utf16_order(void **state)
{
	(void)state;
	assert_true(ecra_fp_utf16_cmp("a", "b") < 0);
	assert_true(ecra_fp_utf16_cmp("a", "ab") < 0);
	assert_true(ecra_fp_utf16_cmp("ab", "a") > 0);
	assert_int_equal(ecra_fp_utf16_cmp("same", "same"), 0);
	assert_true(ecra_fp_utf16_cmp("Z", "_u") < 0);
	assert_true(ecra_fp_utf16_cmp("a-b", "a.txt") < 0);
	/* U+1F600 (surrogates D83D DE00) sorts before U+FF5E. */
	assert_true(ecra_fp_utf16_cmp("\xf0\x9f\x98\x80", "\xef\xbd\x9e") < 0);
	assert_true(ecra_fp_utf16_cmp("\xef\xbd\x9e", "\xf0\x9f\x98\x80") > 0);
	/* but after U+D7FF-range characters such as U+00E9 */
	assert_true(ecra_fp_utf16_cmp("\xc3\xa9", "\xf0\x9f\x98\x80") < 0);
	/* same high surrogate: order by code point */
	assert_true(
	    ecra_fp_utf16_cmp("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x81") < 0);
	/* U+E000 vs U+10000 */
	assert_true(ecra_fp_utf16_cmp("\xee\x80\x80", "\xf0\x90\x80\x80") > 0);
}

static void test_oom(void **state)
{
	char out[ECRA_CONTENT_FINGERPRINT_SIZE];
	unsigned char data[9000];
	long n;
	int rc;

	(void)state;
	/* Invalid UTF-8 and carries exercise the growing buffers. */
	memset(data, 'x', sizeof(data));
	data[8191] = '\r';
	data[100] = 0xff;
	for (n = 0;; n++) {
		ecra_alloc_fail_after(n);
		rc = ecra_fingerprint_content_buffer(out, data, sizeof(data));
		ecra_alloc_fail_after(-1);
		if (rc == 0)
			break;
		assert_int_equal(rc, ECRA_ENOMEM);
		assert_true(n < 100);
	}
	assert_true(n > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors_buffer),
		cmocka_unit_test(test_vectors_file),
		cmocka_unit_test(test_large_file_matches_buffer),
		cmocka_unit_test(test_proc_file),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_directory_is_not_content),
		cmocka_unit_test(test_sanitize),
		cmocka_unit_test(test_valid_prefix_vector_vs_scalar),
		cmocka_unit_test(test_utf16_order),
		cmocka_unit_test(test_oom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
