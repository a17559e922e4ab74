/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/fuzz/content.c - content fingerprint vs a naive reference.
 *
 * The reference below follows the spec (synth.md §1.3) the slow way: the
 * WHATWG UTF-8 decoder written out as in the Encoding Standard (one byte
 * at a time, with the "prepend the byte" step), a JS string of code
 * points per 8192-byte chunk, a carry string, CRLF replacement on code
 * points, then UTF-8 encoding into one buffer hashed at the end. Any
 * difference with ecra_fingerprint_content_buffer() aborts.
 *
 * The first input byte picks a repeat count (1-16) for the rest, so
 * short inputs still cross several chunk boundaries.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "ecrassets.h"
#include "fingerprint/fingerprint.h"

#define CHUNK 8192

typedef struct {
	uint32_t *cp;
	size_t len, cap;
} cpstr;

typedef struct {
	unsigned char *p;
	size_t len, cap;
} bytes;

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		abort();
	return q;
}

static void cp_push(cpstr *s, uint32_t c)
{
	if (s->len == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->cp = xrealloc(s->cp, s->cap * sizeof(*s->cp));
	}
	s->cp[s->len++] = c;
}

static void b_push(bytes *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		while (b->len + n > b->cap)
			b->cap = b->cap ? b->cap * 2 : 256;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

/* The Encoding Standard's UTF-8 decoder, byte by byte. */
static void decode(cpstr *out, const unsigned char *p, size_t n)
{
	uint32_t cp = 0;
	int needed = 0, seen = 0;
	unsigned lower = 0x80, upper = 0xBF;
	size_t i = 0;

	out->len = 0;
	while (i < n) {
		unsigned b = p[i];

		if (needed == 0) {
			i++;
			if (b <= 0x7F) {
				cp_push(out, b);
			} else if (b >= 0xC2 && b <= 0xDF) {
				needed = 1;
				cp = b & 0x1F;
			} else if (b >= 0xE0 && b <= 0xEF) {
				if (b == 0xE0)
					lower = 0xA0;
				if (b == 0xED)
					upper = 0x9F;
				needed = 2;
				cp = b & 0xF;
			} else if (b >= 0xF0 && b <= 0xF4) {
				if (b == 0xF0)
					lower = 0x90;
				if (b == 0xF4)
					upper = 0x8F;
				needed = 3;
				cp = b & 0x7;
			} else {
				cp_push(out, 0xFFFD);
			}
			continue;
		}
		if (b < lower || b > upper) {
			/* error; the byte is "prepended" (not consumed) */
			cp = 0;
			needed = seen = 0;
			lower = 0x80;
			upper = 0xBF;
			cp_push(out, 0xFFFD);
			continue;
		}
		i++;
		lower = 0x80;
		upper = 0xBF;
		cp = (cp << 6) | (b & 0x3F);
		if (++seen == needed) {
			cp_push(out, cp);
			cp = 0;
			needed = seen = 0;
		}
	}
	if (needed != 0)
		cp_push(out, 0xFFFD);
}

static void encode(bytes *b, const uint32_t *cp, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint32_t c = cp[i];
		unsigned char u[4];

		if (c < 0x80) {
			u[0] = (unsigned char)c;
			b_push(b, u, 1);
		} else if (c < 0x800) {
			u[0] = (unsigned char)(0xC0 | (c >> 6));
			u[1] = (unsigned char)(0x80 | (c & 0x3F));
			b_push(b, u, 2);
		} else if (c < 0x10000) {
			u[0] = (unsigned char)(0xE0 | (c >> 12));
			u[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
			u[2] = (unsigned char)(0x80 | (c & 0x3F));
			b_push(b, u, 3);
		} else {
			u[0] = (unsigned char)(0xF0 | (c >> 18));
			u[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
			u[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
			u[3] = (unsigned char)(0x80 | (c & 0x3F));
			b_push(b, u, 4);
		}
	}
}

static void reference(
    char *out, size_t outsize, const unsigned char *data, size_t len)
{
	cpstr s = { 0 }, carry = { 0 }, joined = { 0 };
	bytes hashed = { 0 };
	unsigned char md[32];
	unsigned int mdlen = 0;
	uint64_t size = 0;
	int binary = 0;
	size_t off, i;
	int n;

	for (off = 0; off < len; off += CHUNK) {
		size_t clen = len - off < CHUNK ? len - off : CHUNK;
		const unsigned char *c = data + off;

		if (size == 0)
			binary = memchr(c, 0, clen) != NULL;
		if (binary) {
			size += clen;
			b_push(&hashed, c, clen);
			continue;
		}
		decode(&s, c, clen);
		if (s.len > 0 && s.cp[s.len - 1] == '\r') {
			for (i = 0; i < s.len; i++)
				cp_push(&carry, s.cp[i]);
			continue;
		}
		joined.len = 0;
		for (i = 0; i < carry.len; i++)
			cp_push(&joined, carry.cp[i]);
		for (i = 0; i < s.len; i++)
			cp_push(&joined, s.cp[i]);
		carry.len = 0;
		{
			size_t w = 0, before = hashed.len;

			for (i = 0; i < joined.len; i++) {
				if (joined.cp[i] == '\r' &&
				    i + 1 < joined.len &&
				    joined.cp[i + 1] == '\n')
					continue;
				joined.cp[w++] = joined.cp[i];
			}
			encode(&hashed, joined.cp, w);
			size += hashed.len - before;
		}
	}
	if (carry.len > 0)
		encode(&hashed, carry.cp, carry.len);
	if (EVP_Digest(hashed.p ? hashed.p : (unsigned char *)"", hashed.len,
	        md, &mdlen, EVP_sha256(), NULL) != 1)
		abort();
	n = snprintf(out, outsize, "%llu:", (unsigned long long)size);
	for (i = 0; i < 32; i++)
		snprintf(out + n + 2 * i, outsize - n - 2 * i, "%02x", md[i]);
	free(s.cp);
	free(carry.cp);
	free(joined.cp);
	free(hashed.p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One hasher for the whole run (its 1 MiB buffer is costly under ASan);
 * the public ecra_fingerprint_content_buffer() only wraps it. */
static ecra_fp_content *hasher;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char got[ECRA_CONTENT_FINGERPRINT_SIZE], want[128];
	unsigned char *buf;
	size_t repeat, len, i;

	if (size < 1)
		return 0;
	repeat = (size_t)(data[0] & 15) + 1;
	len = (size - 1) * repeat;
	if ((buf = malloc(len ? len : 1)) == NULL)
		return 0;
	for (i = 0; i < repeat; i++)
		memcpy(buf + i * (size - 1), data + 1, size - 1);
	if (hasher == NULL && ecra_fp_content_new(&hasher) < 0)
		abort();
	if (ecra_fp_content_buffer(hasher, got, buf, len) < 0)
		abort();
	/* The vector UTF-8 validator agrees with the scalar one. */
	if (ecra_fp_utf8_valid_prefix(buf, len) !=
	    ecra_fp_utf8_valid_prefix_scalar(buf, len))
		abort();
	reference(want, sizeof(want), buf, len);
	if (strcmp(got, want) != 0) {
		fprintf(stderr, "mismatch: got %s want %s\n", got, want);
		abort();
	}
	free(buf);
	return 0;
}
