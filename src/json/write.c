/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * json/write.c - serialise exactly like JSON.stringify(value, null, indent).
 *
 * Byte compatibility matters: aws-cdk-lib hashes JSON.stringify output
 * (the DockerImageAsset extraHash) and writes every cloud-assembly file
 * with it. JS orders "array index" keys (canonical decimals below
 * 2^32 - 1) before all other keys, ascending; other keys keep insertion
 * order. Strings escape only '"', '\\' and control characters.
 */
#include "json/json.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "util/buf.h"

#define MAX_INDENT 10
#define MAX_DEPTH  512

typedef struct {
	const char *key;
	json_t *value;
	unsigned long long index; /* numeric value for index keys */
	bool is_index;
	size_t order; /* insertion position */
} member;

bool ecra_json_key_is_index(const char *key)
{
	unsigned long long v = 0;
	const char *p = key;

	if (*p == '\0')
		return false;
	if (p[0] == '0')
		return p[1] == '\0';
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (unsigned)(*p - '0');
		if (v > 4294967294ULL)
			return false;
	}
	return true;
}

static int write_string(ecra_buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, start = 0;
	int error = 0;
	char esc[7];

	if ((error = ecra_buf_putc(out, '"')) < 0)
		return error;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *rep = NULL;

		switch (c) {
		case '"':
			rep = "\\\"";
			break;
		case '\\':
			rep = "\\\\";
			break;
		case '\b':
			rep = "\\b";
			break;
		case '\f':
			rep = "\\f";
			break;
		case '\n':
			rep = "\\n";
			break;
		case '\r':
			rep = "\\r";
			break;
		case '\t':
			rep = "\\t";
			break;
		default:
			if (c < 0x20) {
				memcpy(esc, "\\u00", 4);
				esc[4] = hex[c >> 4];
				esc[5] = hex[c & 15];
				esc[6] = '\0';
				rep = esc;
			}
		}
		if (rep == NULL)
			continue;
		if ((error = ecra_buf_put(out, s + start, i - start)) < 0 ||
		    (error = ecra_buf_puts(out, rep)) < 0)
			return error;
		start = i + 1;
	}
	if ((error = ecra_buf_put(out, s + start, len - start)) < 0)
		return error;
	return ecra_buf_putc(out, '"');
}

/* Number.prototype.toString() for a finite double. */
static int write_real(ecra_buf *out, double d)
{
	char digits[32], tmp[40], *e;
	int prec, exp10, k, n, i;

	if (!isfinite(d))
		return ecra_buf_puts(out, "null");
	if (d == 0)
		return ecra_buf_puts(out, "0");
	for (prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	/* tmp is "-d.ddde+XX": split into sign, digits and exponent. */
	e = strchr(tmp, 'e');
	exp10 = atoi(e + 1);
	k = 0;
	for (i = 0; tmp + i < e; i++)
		if (tmp[i] >= '0' && tmp[i] <= '9')
			digits[k++] = tmp[i];
	digits[k] = '\0';
	while (k > 1 && digits[k - 1] == '0')
		digits[--k] = '\0';
	n = exp10 + 1;
	if (d < 0 && ecra_buf_putc(out, '-') < 0)
		return ECRA_ENOMEM;
	if (k <= n && n <= 21) {
		if (ecra_buf_puts(out, digits) < 0)
			return ECRA_ENOMEM;
		for (i = 0; i < n - k; i++)
			if (ecra_buf_putc(out, '0') < 0)
				return ECRA_ENOMEM;
		return 0;
	}
	if (0 < n && n <= 21)
		return ecra_buf_printf(out, "%.*s.%s", n, digits, digits + n);
	if (-6 < n && n <= 0) {
		if (ecra_buf_puts(out, "0.") < 0)
			return ECRA_ENOMEM;
		for (i = 0; i < -n; i++)
			if (ecra_buf_putc(out, '0') < 0)
				return ECRA_ENOMEM;
		return ecra_buf_puts(out, digits);
	}
	if (k == 1)
		return ecra_buf_printf(
		    out, "%se%c%d", digits, n - 1 < 0 ? '-' : '+', abs(n - 1));
	return ecra_buf_printf(out, "%c.%se%c%d", digits[0], digits + 1,
	    n - 1 < 0 ? '-' : '+', abs(n - 1));
}

static int newline(ecra_buf *out, unsigned indent, unsigned level)
{
	unsigned i;
	int error;

	if ((error = ecra_buf_putc(out, '\n')) < 0)
		return error;
	for (i = 0; i < indent * level; i++)
		if ((error = ecra_buf_putc(out, ' ')) < 0)
			return error;
	return 0;
}

static int member_cmp(const void *a, const void *b)
{
	const member *x = a, *y = b;

	if (x->is_index != y->is_index)
		return x->is_index ? -1 : 1;
	if (x->is_index)
		return x->index < y->index ? -1 : x->index > y->index;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int write_value(
    ecra_buf *out, json_t *v, unsigned indent, unsigned level);

static int write_object(
    ecra_buf *out, json_t *v, unsigned indent, unsigned level)
{
	member *members = NULL;
	size_t count = json_object_size(v), i = 0;
	const char *key;
	json_t *value;
	int error = 0;

	if (count == 0)
		return ecra_buf_puts(out, "{}");
	if ((members = ecra_calloc(count, sizeof(*members))) == NULL)
		return ECRA_ENOMEM;
	json_object_foreach(v, key, value)
	{
		members[i].key = key;
		members[i].value = value;
		members[i].order = i;
		members[i].is_index = ecra_json_key_is_index(key);
		if (members[i].is_index)
			members[i].index = strtoull(key, NULL, 10);
		i++;
	}
	qsort(members, count, sizeof(*members), member_cmp);
	if ((error = ecra_buf_putc(out, '{')) < 0)
		goto done;
	for (i = 0; i < count; i++) {
		if (i > 0 && (error = ecra_buf_putc(out, ',')) < 0)
			goto done;
		if (indent && (error = newline(out, indent, level + 1)) < 0)
			goto done;
		if ((error = write_string(
		         out, members[i].key, strlen(members[i].key))) < 0 ||
		    (error = ecra_buf_puts(out, indent ? ": " : ":")) < 0 ||
		    (error = write_value(
		         out, members[i].value, indent, level + 1)) < 0)
			goto done;
	}
	if (indent && (error = newline(out, indent, level)) < 0)
		goto done;
	error = ecra_buf_putc(out, '}');
done:
	ecra_free(members);
	return error;
}

static int write_array(
    ecra_buf *out, json_t *v, unsigned indent, unsigned level)
{
	size_t i, count = json_array_size(v);
	int error;

	if (count == 0)
		return ecra_buf_puts(out, "[]");
	if ((error = ecra_buf_putc(out, '[')) < 0)
		return error;
	for (i = 0; i < count; i++) {
		if (i > 0 && (error = ecra_buf_putc(out, ',')) < 0)
			return error;
		if (indent && (error = newline(out, indent, level + 1)) < 0)
			return error;
		if ((error = write_value(
		         out, json_array_get(v, i), indent, level + 1)) < 0)
			return error;
	}
	if (indent && (error = newline(out, indent, level)) < 0)
		return error;
	return ecra_buf_putc(out, ']');
}

static int write_value(
    ecra_buf *out, json_t *v, unsigned indent, unsigned level)
{
	if (level > MAX_DEPTH)
		return ecra_error_set(ECRA_EINVALID, "JSON nested too deeply");
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return write_object(out, v, indent, level);
	case JSON_ARRAY:
		return write_array(out, v, indent, level);
	case JSON_STRING:
		return write_string(
		    out, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		return ecra_buf_printf(
		    out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	case JSON_REAL:
		return write_real(out, json_real_value(v));
	case JSON_TRUE:
		return ecra_buf_puts(out, "true");
	case JSON_FALSE:
		return ecra_buf_puts(out, "false");
	default:
		return ecra_buf_puts(out, "null");
	}
}

int ecra_json_write(ecra_buf *out, const ecra_json *v, unsigned int indent)
{
	if (v == NULL)
		return ecra_error_set(ECRA_EINVALID, "no JSON value to write");
	if (indent > MAX_INDENT)
		indent = MAX_INDENT;
	return write_value(out, (json_t *)v, indent, 0);
}
