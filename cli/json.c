/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * cli/json.c - a small JSON reader/writer for the CLI (see cli/json.h).
 */
#include "cli/json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 256

typedef struct {
	const char *p;
	const char *end;
	const char *start;
	char *err;
	size_t errlen;
	int depth;
} parser;

typedef struct {
	char *ptr;
	size_t len;
	size_t cap;
	bool oom;
} sbuf;

static void sb_putn(sbuf *b, const char *s, size_t n)
{
	char *np;
	size_t cap;

	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		cap = b->cap ? b->cap : 64;
		while (b->len + n + 1 > cap)
			cap *= 2;
		if ((np = realloc(b->ptr, cap)) == NULL) {
			b->oom = true;
			return;
		}
		b->ptr = np;
		b->cap = cap;
	}
	memcpy(b->ptr + b->len, s, n);
	b->len += n;
	b->ptr[b->len] = '\0';
}

static void sb_puts(sbuf *b, const char *s)
{
	sb_putn(b, s, strlen(s));
}

static void sb_putc(sbuf *b, char c)
{
	sb_putn(b, &c, 1);
}

static void *fail(parser *ps, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void *fail(parser *ps, const char *fmt, ...)
{
	const char *q;
	size_t line = 1, col = 1;
	int n;
	va_list ap;

	for (q = ps->start; q < ps->p && q < ps->end; q++) {
		if (*q == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	n = snprintf(ps->err, ps->errlen, "line %zu column %zu: ", line, col);
	if (n > 0 && (size_t)n < ps->errlen) {
		va_start(ap, fmt);
		vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return NULL;
}

cj *cj_new(cj_type type)
{
	cj *v = calloc(1, sizeof(*v));

	if (v != NULL)
		v->type = type;
	return v;
}

cj *cj_new_string(const char *s)
{
	cj *v = cj_new(CJ_STRING);

	if (v != NULL && (v->text = strdup(s)) == NULL) {
		free(v);
		return NULL;
	}
	return v;
}

cj *cj_new_bool(bool b)
{
	cj *v = cj_new(CJ_BOOL);

	if (v != NULL)
		v->boolean = b;
	return v;
}

void cj_free(cj *v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < v->count; i++) {
		cj_free(v->items[i]);
		if (v->keys != NULL)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->text);
	free(v);
}

static int grow(cj *v)
{
	size_t cap;
	cj **items;
	char **keys;

	if (v->count < v->cap)
		return 0;
	cap = v->cap ? v->cap * 2 : 8;
	if ((items = realloc(v->items, cap * sizeof(*items))) == NULL)
		return -1;
	v->items = items;
	if (v->type == CJ_OBJECT) {
		if ((keys = realloc(v->keys, cap * sizeof(*keys))) == NULL)
			return -1;
		v->keys = keys;
	}
	v->cap = cap;
	return 0;
}

int cj_push(cj *arr, cj *val)
{
	if (val == NULL)
		return -1;
	if (grow(arr) < 0) {
		cj_free(val);
		return -1;
	}
	arr->items[arr->count++] = val;
	return 0;
}

int cj_set(cj *obj, const char *key, cj *val)
{
	size_t i;
	char *k;

	if (val == NULL)
		return -1;
	for (i = 0; i < obj->count; i++) {
		if (strcmp(obj->keys[i], key) == 0) {
			cj_free(obj->items[i]);
			obj->items[i] = val;
			return 0;
		}
	}
	if (grow(obj) < 0 || (k = strdup(key)) == NULL) {
		cj_free(val);
		return -1;
	}
	obj->keys[obj->count] = k;
	obj->items[obj->count++] = val;
	return 0;
}

cj *cj_get(const cj *v, const char *key)
{
	size_t i;

	if (v == NULL || v->type != CJ_OBJECT)
		return NULL;
	for (i = 0; i < v->count; i++)
		if (strcmp(v->keys[i], key) == 0)
			return v->items[i];
	return NULL;
}

const char *cj_get_string(const cj *v, const char *key)
{
	const cj *m = cj_get(v, key);

	return m != NULL && m->type == CJ_STRING ? m->text : NULL;
}

cj *cj_dup(const cj *v)
{
	cj *d;
	size_t i;

	if ((d = cj_new(v->type)) == NULL)
		return NULL;
	d->boolean = v->boolean;
	if (v->text != NULL && (d->text = strdup(v->text)) == NULL)
		goto oom;
	for (i = 0; i < v->count; i++) {
		cj *m = cj_dup(v->items[i]);

		if (m == NULL)
			goto oom;
		if ((v->type == CJ_OBJECT ? cj_set(d, v->keys[i], m)
		                          : cj_push(d, m)) < 0)
			goto oom;
	}
	return d;
oom:
	cj_free(d);
	return NULL;
}

int cj_merge(cj *dst, const cj *src)
{
	size_t i;

	for (i = 0; i < src->count && src->type == CJ_OBJECT; i++) {
		cj *cur = cj_get(dst, src->keys[i]);
		cj *m;

		if (cur != NULL && cur->type == CJ_OBJECT &&
		    src->items[i]->type == CJ_OBJECT) {
			if (cj_merge(cur, src->items[i]) < 0)
				return -1;
			continue;
		}
		if ((m = cj_dup(src->items[i])) == NULL ||
		    cj_set(dst, src->keys[i], m) < 0)
			return -1;
	}
	return 0;
}

static void skip_ws(parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' ||
	                              *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static int hex4(const char *p, unsigned int *out)
{
	unsigned int v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned int)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static void put_utf8(sbuf *b, unsigned int cp)
{
	char u[4];

	if (cp < 0x80) {
		sb_putc(b, (char)cp);
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		sb_putn(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		sb_putn(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		sb_putn(b, u, 4);
	}
}

/* Parse a string at ps->p (on the opening quote); returns malloc'd text. */
static char *parse_string(parser *ps)
{
	sbuf b = { 0 };
	unsigned int cp, lo;

	ps->p++;
	sb_puts(&b, "");
	while (ps->p < ps->end && *ps->p != '"') {
		unsigned char c = (unsigned char)*ps->p;

		if (c < 0x20) {
			free(b.ptr);
			return fail(ps, "control character in string");
		}
		if (c != '\\') {
			sb_putc(&b, (char)c);
			ps->p++;
			continue;
		}
		if (ps->end - ps->p < 2)
			break;
		switch (ps->p[1]) {
		case '"':
		case '\\':
		case '/':
			sb_putc(&b, ps->p[1]);
			break;
		case 'b':
			sb_putc(&b, '\b');
			break;
		case 'f':
			sb_putc(&b, '\f');
			break;
		case 'n':
			sb_putc(&b, '\n');
			break;
		case 'r':
			sb_putc(&b, '\r');
			break;
		case 't':
			sb_putc(&b, '\t');
			break;
		case 'u':
			if (ps->end - ps->p < 6 || hex4(ps->p + 2, &cp) < 0) {
				free(b.ptr);
				return fail(ps, "invalid \\u escape");
			}
			ps->p += 4;
			if (cp >= 0xd800 && cp < 0xdc00 &&
			    ps->end - ps->p >= 8 && ps->p[2] == '\\' &&
			    ps->p[3] == 'u' && hex4(ps->p + 4, &lo) == 0 &&
			    lo >= 0xdc00 && lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				     (lo - 0xdc00);
				ps->p += 6;
			}
			if (cp == 0) {
				free(b.ptr);
				return fail(ps, "\\u0000 is not supported");
			}
			if (cp >= 0xd800 && cp < 0xe000)
				cp = 0xfffd;
			put_utf8(&b, cp);
			break;
		default:
			free(b.ptr);
			return fail(ps, "invalid escape '\\%c'", ps->p[1]);
		}
		ps->p += 2;
	}
	if (ps->p >= ps->end) {
		free(b.ptr);
		return fail(ps, "unterminated string");
	}
	ps->p++;
	if (b.oom) {
		free(b.ptr);
		return fail(ps, "out of memory");
	}
	return b.ptr;
}

static cj *parse_value(parser *ps);

static cj *parse_container(parser *ps, bool is_object)
{
	cj *v = cj_new(is_object ? CJ_OBJECT : CJ_ARRAY);
	char close = is_object ? '}' : ']';

	if (v == NULL)
		return fail(ps, "out of memory");
	if (++ps->depth > MAX_DEPTH) {
		cj_free(v);
		return fail(ps, "nesting too deep");
	}
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		ps->depth--;
		return v;
	}
	for (;;) {
		char *key = NULL;
		cj *m;

		skip_ws(ps);
		if (is_object) {
			if (ps->p >= ps->end || *ps->p != '"') {
				cj_free(v);
				return fail(ps, "expected a string key");
			}
			if ((key = parse_string(ps)) == NULL) {
				cj_free(v);
				return NULL;
			}
			skip_ws(ps);
			if (ps->p >= ps->end || *ps->p != ':') {
				free(key);
				cj_free(v);
				return fail(ps, "expected ':'");
			}
			ps->p++;
		}
		if ((m = parse_value(ps)) == NULL) {
			free(key);
			cj_free(v);
			return NULL;
		}
		if ((is_object ? cj_set(v, key, m) : cj_push(v, m)) < 0) {
			free(key);
			cj_free(v);
			return fail(ps, "out of memory");
		}
		free(key);
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == close) {
			ps->p++;
			ps->depth--;
			return v;
		}
		cj_free(v);
		return fail(ps, "expected ',' or '%c'", close);
	}
}

static cj *parse_number(parser *ps)
{
	const char *s = ps->p;
	cj *v;

	if (ps->p < ps->end && *ps->p == '-')
		ps->p++;
	if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9')
		return fail(ps, "invalid number");
	if (*ps->p == '0')
		ps->p++;
	else
		while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
			ps->p++;
	if (ps->p < ps->end && *ps->p == '.') {
		ps->p++;
		if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9')
			return fail(ps, "invalid number");
		while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
			ps->p++;
	}
	if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
		ps->p++;
		if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
			ps->p++;
		if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9')
			return fail(ps, "invalid number");
		while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
			ps->p++;
	}
	if ((v = cj_new(CJ_NUMBER)) == NULL ||
	    (v->text = strndup(s, (size_t)(ps->p - s))) == NULL) {
		cj_free(v);
		return fail(ps, "out of memory");
	}
	return v;
}

static bool literal(parser *ps, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) >= n && memcmp(ps->p, word, n) == 0) {
		ps->p += n;
		return true;
	}
	return false;
}

static cj *parse_value(parser *ps)
{
	cj *v;
	char *s;

	skip_ws(ps);
	if (ps->p >= ps->end)
		return fail(ps, "unexpected end of input");
	switch (*ps->p) {
	case '{':
		return parse_container(ps, true);
	case '[':
		return parse_container(ps, false);
	case '"':
		if ((s = parse_string(ps)) == NULL)
			return NULL;
		if ((v = cj_new(CJ_STRING)) == NULL) {
			free(s);
			return fail(ps, "out of memory");
		}
		v->text = s;
		return v;
	default:
		break;
	}
	if (literal(ps, "true"))
		return cj_new_bool(true);
	if (literal(ps, "false"))
		return cj_new_bool(false);
	if (literal(ps, "null"))
		return cj_new(CJ_NULL);
	if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9'))
		return parse_number(ps);
	return fail(ps, "unexpected character '%c'", *ps->p);
}

cj *cj_parse(const char *text, size_t len, char *err, size_t errlen)
{
	parser ps = { text, text + len, text, err, errlen, 0 };
	cj *v;

	if ((v = parse_value(&ps)) == NULL)
		return NULL;
	skip_ws(&ps);
	if (ps.p != ps.end) {
		cj_free(v);
		return fail(&ps, "unexpected data after the JSON value");
	}
	return v;
}

cj *cj_parse_file(const char *path, bool *missing, char *err, size_t errlen)
{
	FILE *f;
	sbuf b = { 0 };
	char chunk[8192];
	size_t n;
	cj *v;

	if (missing != NULL)
		*missing = false;
	if ((f = fopen(path, "rb")) == NULL) {
		if (errno == ENOENT && missing != NULL)
			*missing = true;
		snprintf(err, errlen, "cannot read: %s", strerror(errno));
		return NULL;
	}
	sb_puts(&b, "");
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		sb_putn(&b, chunk, n);
	if (ferror(f) || b.oom) {
		snprintf(err, errlen, "cannot read: %s",
		    b.oom ? "out of memory" : strerror(errno));
		fclose(f);
		free(b.ptr);
		return NULL;
	}
	fclose(f);
	v = cj_parse(b.ptr, b.len, err, errlen);
	free(b.ptr);
	return v;
}

static void dump_string(sbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	char esc[8];

	sb_putc(b, '"');
	for (; *p; p++) {
		switch (*p) {
		case '"':
			sb_puts(b, "\\\"");
			break;
		case '\\':
			sb_puts(b, "\\\\");
			break;
		case '\n':
			sb_puts(b, "\\n");
			break;
		case '\r':
			sb_puts(b, "\\r");
			break;
		case '\t':
			sb_puts(b, "\\t");
			break;
		case '\b':
			sb_puts(b, "\\b");
			break;
		case '\f':
			sb_puts(b, "\\f");
			break;
		default:
			if (*p < 0x20) {
				snprintf(esc, sizeof(esc), "\\u%04x", *p);
				sb_puts(b, esc);
			} else {
				sb_putc(b, (char)*p);
			}
		}
	}
	sb_putc(b, '"');
}

static void dump(sbuf *b, const cj *v)
{
	size_t i;

	switch (v->type) {
	case CJ_NULL:
		sb_puts(b, "null");
		break;
	case CJ_BOOL:
		sb_puts(b, v->boolean ? "true" : "false");
		break;
	case CJ_NUMBER:
		sb_puts(b, v->text);
		break;
	case CJ_STRING:
		dump_string(b, v->text);
		break;
	case CJ_ARRAY:
	case CJ_OBJECT:
		sb_putc(b, v->type == CJ_ARRAY ? '[' : '{');
		for (i = 0; i < v->count; i++) {
			if (i > 0)
				sb_putc(b, ',');
			if (v->type == CJ_OBJECT) {
				dump_string(b, v->keys[i]);
				sb_putc(b, ':');
			}
			dump(b, v->items[i]);
		}
		sb_putc(b, v->type == CJ_ARRAY ? ']' : '}');
		break;
	}
}

char *cj_dump(const cj *v)
{
	sbuf b = { 0 };

	dump(&b, v);
	if (b.oom) {
		free(b.ptr);
		return NULL;
	}
	return b.ptr;
}
