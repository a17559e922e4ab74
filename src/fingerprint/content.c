/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * fingerprint/content.c - one file's content fingerprint "<size>:<sha>".
 *
 * aws-cdk-lib reads a file with read() into an 8192-byte buffer and, for
 * each chunk: decides "binary" (a NUL byte) while nothing has been hashed
 * yet; hashes binary chunks raw; decodes text chunks *alone* as UTF-8
 * (U+FFFD for each maximal ill-formed subpart), carries a chunk that ends
 * in '\r' over to the next one, and hashes carry + chunk with every CRLF
 * turned into LF, counting the hashed bytes. A carry left at EOF is
 * hashed raw and not counted. See spec synth.md §1.3.
 *
 * We read 1 MiB at a time but process it in the same 8192-byte logical
 * chunks a regular file's read() calls return. The common cases cost
 * nothing extra: a binary file is hashed in one update per buffer, a
 * valid UTF-8 chunk without '\r' is hashed in place.
 */
#include "fingerprint/fingerprint.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "core/alloc.h"
#include "core/error.h"
#include "util/buf.h"

/* Bytes per read(); a multiple of ECRA_FP_CHUNK. */
#define READ_SIZE (1024 * 1024)

struct ecra_fp_content {
	EVP_MD *sha256;      /* fetched once */
	EVP_MD_CTX *md;      /* the inner hash */
	unsigned char *rbuf; /* READ_SIZE bytes */
	ecra_buf carry;      /* UTF-8 of the carried text */
	ecra_buf scratch;    /* a decoded chunk */
	uint64_t size;       /* bytes hashed (and counted) so far */
	bool is_binary;
};

/*
 * UTF-8
 */

/* Length of the sequence starting at p[0] if it is complete and valid,
 * else 0; `*sub` receives the length of its maximal ill-formed subpart
 * (how many bytes one U+FFFD replaces). */
static size_t seq_len(const unsigned char *p, size_t len, size_t *sub)
{
	unsigned char b = p[0], lo = 0x80, hi = 0xBF;
	size_t need, i;

	if (b < 0x80) {
		*sub = 0;
		return 1;
	}
	if (b >= 0xC2 && b <= 0xDF) {
		need = 1;
	} else if (b >= 0xE0 && b <= 0xEF) {
		need = 2;
		if (b == 0xE0)
			lo = 0xA0;
		else if (b == 0xED)
			hi = 0x9F;
	} else if (b >= 0xF0 && b <= 0xF4) {
		need = 3;
		if (b == 0xF0)
			lo = 0x90;
		else if (b == 0xF4)
			hi = 0x8F;
	} else {
		*sub = 1;
		return 0;
	}
	for (i = 1; i <= need; i++) {
		if (i >= len || p[i] < lo || p[i] > hi) {
			*sub = i;
			return 0;
		}
		lo = 0x80;
		hi = 0xBF;
	}
	*sub = 0;
	return need + 1;
}

static size_t valid_prefix_scalar(const unsigned char *p, size_t len)
{
	size_t i = 0, n, sub;
	uint64_t w, high;
	unsigned char b;

	while (i < len) {
		/* Skip ASCII eight bytes at a time, then straight to the
		 * first non-ASCII byte of the word. */
		while (i + 8 <= len) {
			memcpy(&w, p + i, 8);
			high = w & UINT64_C(0x8080808080808080);
			if (high != 0) {
#if defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
				i += (size_t)__builtin_ctzll(high) >> 3;
#endif
				break;
			}
			i += 8;
		}
		if (i >= len)
			break;
		b = p[i];
		if (b < 0x80) {
			i++;
			continue;
		}
		/* The common well-formed 2- and 3-byte sequences (no
		 * overlong or surrogate lead) inline; the rest below. */
		if (b >= 0xC2 && b <= 0xDF && i + 1 < len &&
		    (p[i + 1] & 0xC0) == 0x80) {
			i += 2;
			continue;
		}
		if (b >= 0xE1 && b <= 0xEF && b != 0xED && i + 2 < len &&
		    (p[i + 1] & 0xC0) == 0x80 && (p[i + 2] & 0xC0) == 0x80) {
			i += 3;
			continue;
		}
		if ((n = seq_len(p + i, len - i, &sub)) == 0)
			return i;
		i += n;
	}
	return len;
}

#if defined(__x86_64__) && defined(__GNUC__)
#define HAVE_AVX2_PATH 1
#include <immintrin.h>

/*
 * UTF-8 validation 32 bytes at a time with AVX2, after Keiser and
 * Lemire, "Validating UTF-8 in less than one instruction per byte"
 * (2021). Each byte is classified from three 16-entry tables indexed by
 * the high and low nibble of the byte before it and the high nibble of
 * the byte itself; the AND of the three is a set of error bits for the
 * 2-byte pair. A continuation byte after a continuation (TWO_CONTS) is an
 * error unless a 3- or 4-byte lead sits two or three bytes back, which
 * the XOR with "must be a continuation" settles.
 *
 * Source text is about one non-ASCII byte in ten, which sends a
 * byte-at-a-time validator out of its ASCII fast path every few words.
 * Where this finds an error it only says "somewhere in this block"; the
 * scalar validator then finds the exact prefix from the last character
 * boundary before the block, so the result is the scalar one exactly.
 */

#define TOO_SHORT      (1 << 0) /* lead, then no continuation */
#define TOO_LONG       (1 << 1) /* ASCII, then a continuation */
#define OVERLONG_3     (1 << 2) /* E0 80..9F */
#define TOO_LARGE      (1 << 3) /* F4 90..BF, F5..FF then continuation */
#define SURROGATE      (1 << 4) /* ED A0..BF */
#define OVERLONG_2     (1 << 5) /* C0/C1 then continuation */
#define TOO_LARGE_1000 (1 << 6) /* F5..FF 80..8F */
#define OVERLONG_4     (1 << 6) /* F0 80..8F */
#define TWO_CONTS      (1 << 7) /* continuation, continuation */
#define CARRY          (TOO_SHORT | TOO_LONG | TWO_CONTS)

/* The three classification tables, by nibble. */
static const unsigned char byte_1_high_tbl[16] = { TOO_LONG, TOO_LONG, TOO_LONG,
	TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TWO_CONTS, TWO_CONTS,
	TWO_CONTS, TWO_CONTS, TOO_SHORT | OVERLONG_2, TOO_SHORT,
	TOO_SHORT | OVERLONG_3 | SURROGATE,
	TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4 };
static const unsigned char byte_1_low_tbl[16] = {
	CARRY | OVERLONG_3 | OVERLONG_2 | OVERLONG_4, CARRY | OVERLONG_2, CARRY,
	CARRY, CARRY | TOO_LARGE, CARRY | TOO_LARGE | TOO_LARGE_1000,
	CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000,
	CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000,
	CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000,
	CARRY | TOO_LARGE | TOO_LARGE_1000,
	CARRY | TOO_LARGE | TOO_LARGE_1000 | SURROGATE,
	CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000
};
static const unsigned char byte_2_high_tbl[16] = { TOO_SHORT, TOO_SHORT,
	TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT,
	TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE_1000 |
	    OVERLONG_4,
	TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE,
	TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,
	TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE, TOO_SHORT,
	TOO_SHORT, TOO_SHORT, TOO_SHORT };
/* The largest byte allowed in each of a block's last places: no lead
 * may start a character the block does not finish. */
static const unsigned char last_max_tbl[32] = { 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 0xF0 - 1, 0xE0 - 1,
	0xC0 - 1 };

__attribute__((target("avx2"))) static __m256i table(const unsigned char t[16])
{
	return _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)t));
}

__attribute__((target("avx2"))) static __m256i prev_n(
    __m256i in, __m256i prev, int n)
{
	/* Bytes [prev.hi | in.lo] per lane, so alignr can reach back
	 * across the lane and the block boundary. */
	__m256i joined = _mm256_permute2x128_si256(prev, in, 0x21);

	switch (n) {
	case 1:
		return _mm256_alignr_epi8(in, joined, 15);
	case 2:
		return _mm256_alignr_epi8(in, joined, 14);
	default:
		return _mm256_alignr_epi8(in, joined, 13);
	}
}

/* Non-zero where `in` (after `prev`) breaks UTF-8. */
__attribute__((target("avx2"))) static __m256i block_errors(
    __m256i in, __m256i prev)
{
	const __m256i byte_1_high = table(byte_1_high_tbl);
	const __m256i byte_1_low = table(byte_1_low_tbl);
	const __m256i byte_2_high = table(byte_2_high_tbl);
	const __m256i nibble = _mm256_set1_epi8(0x0F);
	__m256i prev1 = prev_n(in, prev, 1);
	__m256i special, must23, p2, p3;

	special = _mm256_and_si256(
	    _mm256_and_si256(
	        _mm256_shuffle_epi8(byte_1_high,
	            _mm256_and_si256(_mm256_srli_epi16(prev1, 4), nibble)),
	        _mm256_shuffle_epi8(
	            byte_1_low, _mm256_and_si256(prev1, nibble))),
	    _mm256_shuffle_epi8(byte_2_high,
	        _mm256_and_si256(_mm256_srli_epi16(in, 4), nibble)));
	/* 0x80 where a lead E0..FF is 2 back or F0..FF is 3 back:
	 * saturating x - 0x60 has its top bit set exactly when x >= 0xE0. */
	p2 = _mm256_subs_epu8(prev_n(in, prev, 2), _mm256_set1_epi8(0x60));
	p3 = _mm256_subs_epu8(prev_n(in, prev, 3), _mm256_set1_epi8(0x70));
	must23 = _mm256_and_si256(
	    _mm256_or_si256(p2, p3), _mm256_set1_epi8((char)0x80));
	return _mm256_xor_si256(must23, special);
}

/* Non-zero when the block ends inside a character. */
__attribute__((target("avx2"))) static int ends_incomplete(__m256i in)
{
	const __m256i max =
	    _mm256_loadu_si256((const __m256i *)(const void *)last_max_tbl);

	return !_mm256_testz_si256(
	    _mm256_subs_epu8(in, max), _mm256_set1_epi8(-1));
}

/* How many bytes of the validated p[0..i) end on a character boundary
 * (all of them, unless the last character runs on past i). */
static size_t boundary_before(const unsigned char *p, size_t i)
{
	size_t lead = i, n;

	while (lead > 0 && i - lead < 4 && (p[lead - 1] & 0xC0) == 0x80)
		lead--;
	if (lead == 0)
		return 0;
	lead--;
	n = p[lead] < 0x80 ? 1 : p[lead] < 0xE0 ? 2 : p[lead] < 0xF0 ? 3 : 4;
	return lead + n <= i ? i : lead;
}

__attribute__((target("avx2"))) static size_t valid_prefix_avx2(
    const unsigned char *p, size_t len)
{
	__m256i prev = _mm256_setzero_si256(), in;
	size_t i = 0, start;

	for (; i + 32 <= len; i += 32) {
		in = _mm256_loadu_si256((const __m256i *)(p + i));
		/* All ASCII: fine unless the last block left a character
		 * open. */
		if (_mm256_movemask_epi8(in) == 0) {
			if (ends_incomplete(prev))
				break;
		} else if (!_mm256_testz_si256(
		               block_errors(in, prev), _mm256_set1_epi8(-1))) {
			break;
		}
		prev = in;
	}
	/* An error in block i, or the tail: the scalar validator goes on
	 * from the last boundary. */
	start = boundary_before(p, i);
	return start + valid_prefix_scalar(p + start, len - start);
}

static bool has_avx2(void)
{
	static atomic_int cached = -1;
	int v = atomic_load_explicit(&cached, memory_order_relaxed);

	if (v < 0) {
		__builtin_cpu_init();
		v = __builtin_cpu_supports("avx2") ? 1 : 0;
		atomic_store_explicit(&cached, v, memory_order_relaxed);
	}
	return v == 1;
}
#endif

size_t ecra_fp_utf8_valid_prefix(const unsigned char *p, size_t len)
{
#ifdef HAVE_AVX2_PATH
	if (len >= 64 && has_avx2())
		return valid_prefix_avx2(p, len);
#endif
	return valid_prefix_scalar(p, len);
}

/* For tests: the validator without vector instructions. */
size_t ecra_fp_utf8_valid_prefix_scalar(const unsigned char *p, size_t len)
{
	return valid_prefix_scalar(p, len);
}

int ecra_fp_utf8_sanitize(ecra_buf *out, const void *data, size_t len)
{
	static const char replacement[] = "\xEF\xBF\xBD";
	const unsigned char *p = data;
	size_t v, sub;
	int error;

	while (len > 0) {
		v = ecra_fp_utf8_valid_prefix(p, len);
		if ((error = ecra_buf_put(out, p, v)) < 0)
			return error;
		if (v == len)
			break;
		p += v;
		len -= v;
		(void)seq_len(p, len, &sub);
		if ((error = ecra_buf_put(out, replacement, 3)) < 0)
			return error;
		p += sub;
		len -= sub;
	}
	return 0;
}

/* Decode one code point of a valid UTF-8 string; advances *s. */
static uint32_t next_cp(const unsigned char **s)
{
	const unsigned char *p = *s;
	uint32_t c = p[0];

	if (c < 0x80) {
		*s = p + 1;
		return c;
	}
	if (c < 0xE0) {
		*s = p + 2;
		return ((c & 0x1F) << 6) | (p[1] & 0x3F);
	}
	if (c < 0xF0) {
		*s = p + 3;
		return ((c & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) |
		       (p[2] & 0x3F);
	}
	*s = p + 4;
	return ((c & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) |
	       ((uint32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
}

/* The first UTF-16 code unit of code point c. */
static uint32_t first_unit(uint32_t c)
{
	return c < 0x10000 ? c : 0xD800 + ((c - 0x10000) >> 10);
}

int ecra_fp_utf16_cmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;
	uint32_t ca, cb, ua, ub;

	for (;;) {
		if (*p == '\0' || *q == '\0')
			return (*p != '\0') - (*q != '\0');
		/* Equal bytes up to here means equal code points so far. */
		if (*p == *q && *p < 0x80) {
			p++;
			q++;
			continue;
		}
		ca = next_cp(&p);
		cb = next_cp(&q);
		if (ca == cb)
			continue;
		ua = first_unit(ca);
		ub = first_unit(cb);
		if (ua != ub)
			return ua < ub ? -1 : 1;
		/* Same high surrogate: the low surrogates order as the
		 * code points do. */
		return ca < cb ? -1 : 1;
	}
}

/*
 * The hasher
 */

int ecra_fp_content_new(ecra_fp_content **out)
{
	ecra_fp_content *c = NULL;
	int error = ECRA_ENOMEM;

	*out = NULL;
	if ((c = ecra_calloc(1, sizeof(*c))) == NULL)
		goto done;
	if ((c->rbuf = ecra_alloc(READ_SIZE)) == NULL)
		goto done;
	/* A decoded chunk is at most three times its size (every byte
	 * replaced); reserve it so the common paths never allocate. */
	if ((error = ecra_buf_grow(&c->scratch, 3 * ECRA_FP_CHUNK)) < 0)
		goto done;
	if ((c->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL ||
	    (c->md = EVP_MD_CTX_new()) == NULL) {
		error = ecra_error_set(ECRA_ERROR, "cannot set up SHA-256");
		goto done;
	}
	*out = c;
	c = NULL;
	error = 0;
done:
	ecra_fp_content_free(c);
	return error;
}

void ecra_fp_content_free(ecra_fp_content *c)
{
	if (c == NULL)
		return;
	EVP_MD_CTX_free(c->md);
	EVP_MD_free(c->sha256);
	ecra_free(c->rbuf);
	ecra_buf_dispose(&c->carry);
	ecra_buf_dispose(&c->scratch);
	ecra_free(c);
}

static int hash_error(void)
{
	return ecra_error_set(ECRA_ERROR, "SHA-256 failed");
}

static int begin(ecra_fp_content *c)
{
	c->size = 0;
	c->is_binary = false;
	ecra_buf_clear(&c->carry);
	if (EVP_DigestInit_ex(c->md, c->sha256, NULL) != 1)
		return hash_error();
	return 0;
}

static int update(ecra_fp_content *c, const void *p, size_t n)
{
	if (n > 0 && EVP_DigestUpdate(c->md, p, n) != 1)
		return hash_error();
	return 0;
}

/* Replace every CRLF by LF in place; returns the new length. The runs
 * between carriage returns move with memmove(), found with memchr(). */
static size_t crlf_to_lf(char *d, size_t n)
{
	char *cr;
	size_t r, w, end;

	if ((cr = memchr(d, '\r', n)) == NULL)
		return n;
	r = w = (size_t)(cr - d);
	while (r < n) {
		/* d[r] is '\r' */
		if (r + 1 < n && d[r + 1] == '\n')
			r++; /* drop it: the '\n' starts the next run */
		else
			d[w++] = d[r++];
		if (r >= n)
			break;
		cr = memchr(d + r, '\r', n - r);
		end = cr != NULL ? (size_t)(cr - d) : n;
		memmove(d + w, d + r, end - r);
		w += end - r;
		r = end;
	}
	return w;
}

/* One logical read() chunk (1 <= n <= ECRA_FP_CHUNK). */
static int chunk(ecra_fp_content *c, const unsigned char *p, size_t n)
{
	const char *s = (const char *)p;
	size_t slen = n, len;
	int error;

	if (c->size == 0)
		c->is_binary = memchr(p, 0, n) != NULL;
	if (c->is_binary) {
		c->size += n;
		return update(c, p, n);
	}
	if (ecra_fp_utf8_valid_prefix(p, n) != n) {
		ecra_buf_clear(&c->scratch);
		if ((error = ecra_fp_utf8_sanitize(&c->scratch, p, n)) < 0)
			return error;
		s = c->scratch.ptr;
		slen = c->scratch.size;
	}
	if (s[slen - 1] == '\r')
		return ecra_buf_put(&c->carry, s, slen);
	if (c->carry.size == 0 && memchr(s, '\r', slen) == NULL) {
		c->size += slen;
		return update(c, s, slen);
	}
	if ((error = ecra_buf_put(&c->carry, s, slen)) < 0)
		return error;
	len = crlf_to_lf(c->carry.ptr, c->carry.size);
	c->size += len;
	error = update(c, c->carry.ptr, len);
	ecra_buf_clear(&c->carry);
	return error;
}

/* Process `n` bytes: whole chunks, except that the last one may be the
 * short final chunk of the file. */
static int feed(ecra_fp_content *c, const unsigned char *p, size_t n)
{
	size_t len;
	int error;

	while (n > 0) {
		/* Once a binary chunk is hashed, every later chunk is
		 * binary too: hash the rest in one go. */
		if (c->is_binary && c->size > 0) {
			c->size += n;
			return update(c, p, n);
		}
		len = n < ECRA_FP_CHUNK ? n : ECRA_FP_CHUNK;
		if ((error = chunk(c, p, len)) < 0)
			return error;
		p += len;
		n -= len;
	}
	return 0;
}

static int finish(ecra_fp_content *c, char out[ECRA_CONTENT_FINGERPRINT_SIZE])
{
	static const char hexdig[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	int n;

	if (c->carry.size > 0) {
		if (update(c, c->carry.ptr, c->carry.size) < 0)
			return ECRA_ERROR;
		ecra_buf_clear(&c->carry);
	}
	if (EVP_DigestFinal_ex(c->md, md, &mdlen) != 1 || mdlen != 32)
		return hash_error();
	n = snprintf(
	    out, ECRA_CONTENT_FINGERPRINT_SIZE, "%" PRIu64 ":", c->size);
	for (i = 0; i < mdlen; i++) {
		out[n + 2 * i] = hexdig[md[i] >> 4];
		out[n + 2 * i + 1] = hexdig[md[i] & 15];
	}
	out[n + 2 * mdlen] = '\0';
	return 0;
}

int ecra_fp_content_buffer(ecra_fp_content *c,
    char out[ECRA_CONTENT_FINGERPRINT_SIZE], const void *data, size_t len)
{
	int error;

	if ((error = begin(c)) < 0 || (error = feed(c, data, len)) < 0)
		return error;
	return finish(c, out);
}

/* fstat() the open file: a regular one, or the reference's error. Large
 * files are read sequentially. */
static int check_regular(int fd, struct stat *st, const char *display)
{
	if (fstat(fd, st) < 0)
		return ecra_error_set_os(ECRA_EIO, "cannot stat '%s'", display);
	if (!S_ISREG(st->st_mode))
		return ecra_error_set(ECRA_EUNSUPPORTED,
		    "unable to hash '%s': it is neither a file nor a directory",
		    display);
	if (st->st_size > READ_SIZE)
		(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	return 0;
}

/*
 * Read fd to EOF, feeding whole 8192-byte chunks as they arrive; a
 * partial chunk waits for more bytes unless it is the end. A short read
 * that reaches the size fstat() reported is taken as EOF, so a small
 * file costs one read() (Node would read once more and get 0). When `st`
 * is NULL (a file the walk already knows is regular, not yet fstat()ed),
 * a first read that is short is the whole file; one that fills the
 * buffer gets the fstat() after all.
 */
static int read_all(
    ecra_fp_content *c, int fd, const struct stat *st, const char *display)
{
	struct stat own;
	uint64_t total = 0;
	size_t have = 0, ready;
	bool is_eof;
	ssize_t r;
	int error;

	for (;;) {
		r = read(fd, c->rbuf + have, READ_SIZE - have);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return ecra_error_set_os(
			    ECRA_EIO, "cannot read '%s'", display);
		}
		if (st == NULL) {
			if ((size_t)r < READ_SIZE) {
				/* Short first read of a regular file: all
				 * of it. */
				if ((error = feed(c, c->rbuf, (size_t)r)) < 0)
					return error;
				return 0;
			}
			if ((error = check_regular(fd, &own, display)) < 0)
				return error;
			st = &own;
		}
		total += (uint64_t)r;
		/* (st_size 0 with data: a /proc-like file; read to 0.) */
		is_eof = r == 0 ||
		         ((size_t)r < READ_SIZE - have && st->st_size > 0 &&
		             total >= (uint64_t)st->st_size);
		have += (size_t)r;
		ready = is_eof ? have : have - have % ECRA_FP_CHUNK;
		if ((error = feed(c, c->rbuf, ready)) < 0)
			return error;
		memmove(c->rbuf, c->rbuf + ready, have - ready);
		have -= ready;
		if (is_eof)
			return 0;
	}
}

int ecra_fp_content_open(
    int *fd, int dfd, const char *name, const char *display)
{
	/* O_NONBLOCK: a FIFO swapped in for a file must not hang us. */
	*fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (*fd < 0)
		return ecra_error_set_os(ecra_error_from_errno(errno),
		    "cannot open '%s'", display != NULL ? display : name);
	return 0;
}

int ecra_fp_content_fd(ecra_fp_content *c,
    char out[ECRA_CONTENT_FINGERPRINT_SIZE], int fd, bool is_regular,
    const char *display)
{
	struct stat st;
	int error;

	if (!is_regular && (error = check_regular(fd, &st, display)) < 0)
		return error;
	if ((error = begin(c)) < 0 ||
	    (error = read_all(c, fd, is_regular ? NULL : &st, display)) < 0)
		return error;
	return finish(c, out);
}

int ecra_fp_content_file(ecra_fp_content *c,
    char out[ECRA_CONTENT_FINGERPRINT_SIZE], const char *path,
    const char *display)
{
	int fd = -1, error;

	if (display == NULL)
		display = path;
	if ((error = ecra_fp_content_open(&fd, AT_FDCWD, path, display)) < 0)
		return error;
	error = ecra_fp_content_fd(c, out, fd, false, display);
	close(fd);
	return error;
}

int ecra_fingerprint_content(
    char out[ECRA_CONTENT_FINGERPRINT_SIZE], const char *path)
{
	ecra_fp_content *c = NULL;
	int error;

	ECRA_ASSERT_ARG(out);
	ECRA_ASSERT_ARG(path);
	if ((error = ecra_fp_content_new(&c)) < 0)
		return error;
	error = ecra_fp_content_file(c, out, path, NULL);
	ecra_fp_content_free(c);
	return error;
}

int ecra_fingerprint_content_buffer(
    char out[ECRA_CONTENT_FINGERPRINT_SIZE], const void *data, size_t len)
{
	ecra_fp_content *c = NULL;
	int error;

	ECRA_ASSERT_ARG(out);
	if (len > 0)
		ECRA_ASSERT_ARG(data);
	if ((error = ecra_fp_content_new(&c)) < 0)
		return error;
	error = ecra_fp_content_buffer(c, out, data, len);
	ecra_fp_content_free(c);
	return error;
}
