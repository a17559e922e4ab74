/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * base/base64.c - standard padded base64, the one definition (it replaced
 * a copy in src/aws/ecr.c and one in src/registry/registry.c).
 */
#include <string.h>

#include "base/base64.h"
#include "core/alloc.h"
#include "core/error.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *ecra_base64_encode(const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i, j = 0;
	char *out;

	if (len > (((size_t)-1) - 1) / 4 * 3 - 3 ||
	    (out = ecra_alloc((len + 2) / 3 * 4 + 1)) == NULL) {
		ecra_error_set(ECRA_ENOMEM, "out of memory");
		return NULL;
	}
	for (i = 0; i + 2 < len; i += 3) {
		out[j++] = alphabet[p[i] >> 2];
		out[j++] = alphabet[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		out[j++] = alphabet[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
		out[j++] = alphabet[p[i + 2] & 63];
	}
	if (i < len) {
		out[j++] = alphabet[p[i] >> 2];
		if (i + 1 < len) {
			out[j++] =
			    alphabet[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
			out[j++] = alphabet[(p[i + 1] & 15) << 2];
		} else {
			out[j++] = alphabet[(p[i] & 3) << 4];
			out[j++] = '=';
		}
		out[j++] = '=';
	}
	out[j] = '\0';
	return out;
}

static int value(char c)
{
	const char *s = c != '\0' ? strchr(alphabet, c) : NULL;

	return s != NULL ? (int)(s - alphabet) : -1;
}

int ecra_base64_decode(ecra_buf *out, const char *text)
{
	size_t n = strlen(text), i, start = out->size;
	int error;

	if (n % 4 != 0)
		goto invalid;
	if ((error = ecra_buf_grow(out, out->size + n / 4 * 3 + 1)) < 0)
		return error;
	for (i = 0; i < n; i += 4) {
		int a = value(text[i]), b = value(text[i + 1]);
		int c = text[i + 2] == '=' ? -2 : value(text[i + 2]);
		int d = text[i + 3] == '=' ? -2 : value(text[i + 3]);
		bool last = i + 4 == n;

		if (a < 0 || b < 0 || c == -1 || d == -1 ||
		    ((c == -2 || d == -2) && !last) || (c == -2 && d != -2))
			goto invalid_undo;
		out->ptr[out->size++] = (char)((a << 2) | (b >> 4));
		if (c >= 0)
			out->ptr[out->size++] =
			    (char)(((b & 15) << 4) | (c >> 2));
		if (d >= 0)
			out->ptr[out->size++] = (char)(((c & 3) << 6) | d);
	}
	out->ptr[out->size] = '\0';
	return 0;
invalid_undo:
	memset(out->ptr + start, 0, out->size - start);
	out->size = start;
	out->ptr[start] = '\0';
invalid:
	return ecra_error_set(ECRA_EINVALID, "invalid base64");
}
