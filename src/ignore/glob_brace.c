/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * ignore/glob_brace.c - brace expansion as brace-expansion 5.0.12 (with
 * balanced-match 4.0.4) does it for minimatch: {a,b}, nesting, numeric and
 * alphabetic sequences with steps and zero padding, ${...} left alone, the
 * "{a},b}" rewrite, escapes with \, and the limits (100000 results, depth
 * 1000, 1000 rewrites).
 *
 * Strings are UTF-16 code units widened to 32 bits so the escape
 * sentinels (which the JavaScript version builds from NUL characters and
 * a random number) can be values no code unit can take. The JavaScript
 * sentinels are about 25 characters long, which only shows when the
 * 4,000,000-character output cap is reached; here they count as one.
 */
#include "ignore/glob_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXP_MAX          100000
#define EXP_MAX_LENGTH   4000000
#define EXP_MAX_DEPTH    1000
#define EXP_MAX_REWRITES 1000

enum { ESC_SLASH = 0x110000, ESC_OPEN, ESC_CLOSE, ESC_COMMA, ESC_PERIOD };

typedef struct {
	uint32_t *p;
	size_t n, cap;
} bstr;

typedef struct {
	bstr *v;
	size_t n, cap;
} blist;

typedef struct {
	ecra_glob_arena *a;
	long *begs; /* balanced-match's stack, reused */
	size_t nbegs_cap;
} bctx;

/* A string with cap 0 is a view into another one: the first write copies
 * it (copy on write), so substrings cost nothing. */
static void bpush(bctx *bx, bstr *s, uint32_t c)
{
	if (s->n >= s->cap) {
		size_t cap = s->cap ? s->cap * 2 : s->n * 2 + 16;
		uint32_t *p = ecra_glob_arena_alloc(bx->a, sizeof(*p) * cap);
		if (s->n)
			memcpy(p, s->p, sizeof(*p) * s->n);
		s->p = p;
		s->cap = cap;
	}
	s->p[s->n++] = c;
}

static void bappend(bctx *bx, bstr *s, const uint32_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		bpush(bx, s, p[i]);
}

static bstr bsub(const bstr *s, size_t from, size_t to)
{
	bstr r = { NULL, 0, 0 };

	if (to > s->n)
		to = s->n;
	if (from < to) {
		r.p = s->p + from;
		r.n = to - from;
	}
	return r;
}

static void bcopy_in(bstr *r, const bstr *x)
{
	if (x && x->n) {
		memcpy(r->p + r->n, x->p, sizeof(*r->p) * x->n);
		r->n += x->n;
	}
}

static bstr bcat3(bctx *bx, const bstr *x, const bstr *y, const bstr *z)
{
	bstr r = { NULL, 0, 0 };
	size_t n = (x ? x->n : 0) + (y ? y->n : 0) + (z ? z->n : 0);

	/* exact size: results can add up to millions of characters */
	r.cap = n ? n : 1;
	r.p = ecra_glob_arena_alloc(bx->a, sizeof(*r.p) * r.cap);
	bcopy_in(&r, x);
	bcopy_in(&r, y);
	bcopy_in(&r, z);
	return r;
}

static void lpush(bctx *bx, blist *l, bstr s)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		bstr *v = ecra_glob_arena_alloc(bx->a, sizeof(*v) * cap);
		if (l->n)
			memcpy(v, l->v, sizeof(*v) * l->n);
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = s;
}

static long bindex(const bstr *s, uint32_t c, long from)
{
	if (from < 0)
		from = 0;
	for (size_t i = (size_t)from; i < s->n; i++)
		if (s->p[i] == c)
			return (long)i;
	return -1;
}

/* balanced-match's range('{', '}', str) */
static bool brange(bctx *bx, const bstr *s, long *lo, long *hi)
{
	long ai = bindex(s, '{', 0);
	long bi = bindex(s, '}', ai + 1);
	long i = ai, left, right = -1, *begs = NULL;
	size_t nbegs = 0;
	bool result = false;

	if (!(ai >= 0 && bi > 0))
		return false;
	if (bx->nbegs_cap < s->n + 1) {
		bx->nbegs_cap = (s->n + 1) * 2;
		bx->begs =
		    ecra_glob_arena_alloc(bx->a, sizeof(long) * bx->nbegs_cap);
	}
	begs = bx->begs;
	left = (long)s->n;
	while (i >= 0 && !result) {
		if (i == ai) {
			begs[nbegs++] = i;
			ai = bindex(s, '{', i + 1);
		} else if (nbegs == 1) {
			*lo = begs[--nbegs];
			*hi = bi;
			result = true;
		} else {
			if (nbegs > 0) {
				long beg = begs[--nbegs];
				if (beg < left) {
					left = beg;
					right = bi;
				}
			}
			bi = bindex(s, '}', i + 1);
		}
		i = ai < bi && ai >= 0 ? ai : bi;
	}
	if (!result && nbegs && right != -1) {
		*lo = left;
		*hi = right;
		result = true;
	}
	return result;
}

typedef struct {
	bstr pre, body, post;
} bmatch;

static bool balanced(bctx *bx, const bstr *s, bmatch *m)
{
	long lo, hi;

	if (!brange(bx, s, &lo, &hi))
		return false;
	m->pre = bsub(s, 0, (size_t)lo);
	m->body = bsub(s, (size_t)lo + 1, (size_t)hi);
	m->post = bsub(s, (size_t)hi + 1, s->n);
	return true;
}

static bool is_lt(uint32_t c)
{
	return c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029;
}

static bool is_digit(uint32_t c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* -?\d+ at *i */
static bool scan_int(const bstr *s, size_t *i)
{
	size_t j = *i;

	if (j < s->n && s->p[j] == '-')
		j++;
	if (j >= s->n || !is_digit(s->p[j]))
		return false;
	while (j < s->n && is_digit(s->p[j]))
		j++;
	*i = j;
	return true;
}

static bool scan_dots(const bstr *s, size_t *i)
{
	if (*i + 1 < s->n && s->p[*i] == '.' && s->p[*i + 1] == '.') {
		*i += 2;
		return true;
	}
	return false;
}

/* /^-?\d+\.\.-?\d+(?:\.\.-?\d+)?$/ */
static bool is_numeric_seq(const bstr *s)
{
	size_t i = 0;

	if (!scan_int(s, &i) || !scan_dots(s, &i) || !scan_int(s, &i))
		return false;
	if (i == s->n)
		return true;
	return scan_dots(s, &i) && scan_int(s, &i) && i == s->n;
}

/* /^[a-zA-Z]\.\.[a-zA-Z](?:\.\.-?\d+)?$/ */
static bool is_alpha_seq(const bstr *s)
{
	size_t i = 1;

	if (s->n < 4 || !is_alpha(s->p[0]) || !scan_dots(s, &i) ||
	    !is_alpha(s->p[3]))
		return false;
	i = 4;
	if (i == s->n)
		return true;
	return scan_dots(s, &i) && scan_int(s, &i) && i == s->n;
}

/* /,(?!,).*\}/ */
static bool rewrite_test(const bstr *s)
{
	for (size_t k = 0; k < s->n; k++) {
		if (s->p[k] != ',' || (k + 1 < s->n && s->p[k + 1] == ','))
			continue;
		for (size_t j = k + 1; j < s->n && !is_lt(s->p[j]); j++)
			if (s->p[j] == '}')
				return true;
	}
	return false;
}

static blist combine(bctx *bx, const blist *acc, const bstr *pre,
    const blist *values, bool drop_empties)
{
	blist out = { NULL, 0, 0 };
	size_t length = 0;

	for (size_t i = 0; i < acc->n; i++) {
		for (size_t v = 0; v < values->n; v++) {
			bstr e;
			size_t len;
			if (out.n >= EXP_MAX)
				return out;
			len = acc->v[i].n + pre->n + values->v[v].n;
			if (drop_empties && len == 0)
				continue;
			if (length + len > EXP_MAX_LENGTH)
				return out;
			e = bcat3(bx, &acc->v[i], pre, &values->v[v]);
			lpush(bx, &out, e);
			length += len;
		}
	}
	return out;
}

static blist one_empty(bctx *bx)
{
	blist l = { NULL, 0, 0 };
	bstr e = { NULL, 0, 0 };

	lpush(bx, &l, e);
	return l;
}

static blist combine1(
    bctx *bx, const blist *acc, const bstr *pre, bool drop_empties)
{
	blist v = one_empty(bx);

	return combine(bx, acc, pre, &v, drop_empties);
}

/* parseCommaParts */
static blist comma_parts(bctx *bx, bstr str)
{
	blist parts = { NULL, 0, 0 };
	bstr carry = { NULL, 0, 0 };

	for (;;) {
		bmatch m;
		blist p = { NULL, 0, 0 };
		size_t st = 0;
		if (!balanced(bx, &str, &m)) {
			for (size_t i = 0; i <= str.n; i++) {
				if (i == str.n || str.p[i] == ',') {
					lpush(bx, &p, bsub(&str, st, i));
					st = i + 1;
				}
			}
			p.v[0] = bcat3(bx, &carry, &p.v[0], NULL);
			for (size_t i = 0; i < p.n; i++)
				lpush(bx, &parts, p.v[i]);
			return parts;
		}
		for (size_t i = 0; i <= m.pre.n; i++) {
			if (i == m.pre.n || m.pre.p[i] == ',') {
				lpush(bx, &p, bsub(&m.pre, st, i));
				st = i + 1;
			}
		}
		p.v[0] = bcat3(bx, &carry, &p.v[0], NULL);
		bpush(bx, &p.v[p.n - 1], '{');
		bappend(bx, &p.v[p.n - 1], m.body.p, m.body.n);
		bpush(bx, &p.v[p.n - 1], '}');
		if (m.post.n == 0) {
			for (size_t i = 0; i < p.n; i++)
				lpush(bx, &parts, p.v[i]);
			return parts;
		}
		carry = p.v[--p.n];
		for (size_t i = 0; i < p.n; i++)
			lpush(bx, &parts, p.v[i]);
		str = m.post;
	}
}

/* parseInt of -?\d+ as a double (what JavaScript computes). */
static double js_parse_int(bctx *bx, const bstr *s, size_t from, size_t to)
{
	size_t n = to - from;
	char *tmp = ecra_glob_arena_alloc(bx->a, n + 1);

	for (size_t i = 0; i < n; i++)
		tmp[i] = (char)s->p[from + i];
	tmp[n] = 0;
	return strtod(tmp, NULL);
}

/* Number.prototype.toString() for an integral double. */
static void js_number_string(double v, char *out, size_t cap)
{
	char digits[40], buf[64];
	int exp10 = 0, nd = 0, p;
	bool neg = v < 0;

	if (v == 0) {
		snprintf(out, cap, "0");
		return;
	}
	if (isinf(v)) {
		snprintf(out, cap, neg ? "-Infinity" : "Infinity");
		return;
	}
	if (fabs(v) < 9007199254740992.0) {
		snprintf(out, cap, "%.0f", v);
		return;
	}
	/* shortest round-trip digits (round-tripping is monotonic in the
	 * precision, so binary search) */
	{
		int lo = 1, hi = 17;
		while (lo < hi) {
			int mid = (lo + hi) / 2;
			snprintf(buf, sizeof(buf), "%.*e", mid - 1, fabs(v));
			if (strtod(buf, NULL) == fabs(v))
				hi = mid;
			else
				lo = mid + 1;
		}
		p = lo;
		snprintf(buf, sizeof(buf), "%.*e", p - 1, fabs(v));
	}
	{
		char *e = strchr(buf, 'e');
		for (char *q = buf; q < e; q++)
			if (*q >= '0' && *q <= '9')
				digits[nd++] = *q;
		digits[nd] = 0;
		exp10 = atoi(e + 1);
	}
	while (nd > 1 && digits[nd - 1] == '0')
		digits[--nd] = 0;
	if (exp10 < 21) {
		size_t o = 0;
		if (neg)
			out[o++] = '-';
		for (int i = 0; i <= exp10 && o + 1 < cap; i++)
			out[o++] = i < nd ? digits[i] : '0';
		out[o] = 0;
	} else {
		size_t o = 0;
		if (neg)
			out[o++] = '-';
		out[o++] = digits[0];
		if (nd > 1) {
			out[o++] = '.';
			for (int i = 1; i < nd; i++)
				out[o++] = digits[i];
		}
		snprintf(out + o, cap - o, "e+%d", exp10);
	}
}

static blist expand_sequence(bctx *bx, const bstr *body, bool alpha)
{
	blist out = { NULL, 0, 0 };
	size_t st[3], en[3], nn = 0, i = 0;
	double x, y, incr = 1;
	size_t width, length = 0;
	bool reverse, pad = false, have_prev = false;
	double prev = 0;
	char num[400];

	/* split on ".." */
	st[0] = 0;
	for (i = 0; i + 1 < body->n && nn < 2; i++) {
		if (body->p[i] == '.' && body->p[i + 1] == '.') {
			en[nn] = i;
			st[++nn] = i + 2;
			i++;
		}
	}
	en[nn] = body->n;
	nn++;
	if (alpha) {
		x = body->p[st[0]];
		y = body->p[st[1]];
	} else {
		x = js_parse_int(bx, body, st[0], en[0]);
		y = js_parse_int(bx, body, st[1], en[1]);
	}
	width = en[0] - st[0] > en[1] - st[1] ? en[0] - st[0] : en[1] - st[1];
	if (nn == 3) {
		incr = fabs(js_parse_int(bx, body, st[2], en[2]));
		if (incr < 1)
			incr = 1;
	}
	reverse = y < x;
	if (reverse)
		incr = -incr;
	for (size_t k = 0; k < nn; k++) {
		size_t j = st[k];
		if (j < en[k] && body->p[j] == '-')
			j++;
		if (j + 1 < en[k] && body->p[j] == '0' &&
		    is_digit(body->p[j + 1]))
			pad = true;
	}
	for (double v = x; (reverse ? v >= y : v <= y) && out.n < EXP_MAX;
	     v += incr) {
		bstr c = { NULL, 0, 0 };
		if (alpha) {
			uint32_t ch = (uint32_t)(uint16_t)(int64_t)v;
			if (ch != '\\')
				bpush(bx, &c, ch);
		} else {
			size_t len;
			/* past 2^53, v += incr may not move: convert once */
			if (!have_prev || prev != v) {
				js_number_string(v, num, sizeof(num));
				prev = v;
				have_prev = true;
			}
			len = strlen(num);
			if (pad && width > len) {
				size_t need = width - len;
				if (v < 0) {
					bpush(bx, &c, '-');
					for (size_t z = 0; z < need; z++)
						bpush(bx, &c, '0');
					for (size_t q = 1; q < len; q++)
						bpush(bx, &c, (uint32_t)num[q]);
				} else {
					for (size_t z = 0; z < need; z++)
						bpush(bx, &c, '0');
					for (size_t q = 0; q < len; q++)
						bpush(bx, &c, (uint32_t)num[q]);
				}
			} else {
				for (size_t q = 0; q < len; q++)
					bpush(bx, &c, (uint32_t)num[q]);
			}
		}
		if (length + c.n > EXP_MAX_LENGTH)
			break;
		c = bcat3(bx, &c, NULL, NULL); /* trim to size */
		lpush(bx, &out, c);
		length += c.n;
	}
	return out;
}

static blist expand_(bctx *bx, bstr str, int depth, bool is_top);

static blist embrace_all(bctx *bx, const blist *l)
{
	blist out = { NULL, 0, 0 };

	for (size_t i = 0; i < l->n; i++) {
		bstr e = { NULL, 0, 0 };
		bpush(bx, &e, '{');
		bappend(bx, &e, l->v[i].p, l->v[i].n);
		bpush(bx, &e, '}');
		lpush(bx, &out, e);
	}
	return out;
}

static blist expand_(bctx *bx, bstr str, int depth, bool is_top)
{
	blist acc = one_empty(bx);
	int rewrites = 0;
	bool drop_empties = false, first_group = true;

	if (depth > EXP_MAX_DEPTH) {
		blist r = { NULL, 0, 0 };
		lpush(bx, &r, str);
		return r;
	}
	for (;;) {
		bmatch m;
		bool num, alp, seq, opts;
		blist values = { NULL, 0, 0 };
		bstr pre;
		if (!balanced(bx, &str, &m))
			return combine1(bx, &acc, &str, drop_empties);
		pre = m.pre;
		if (pre.n > 0 && pre.p[pre.n - 1] == '$') {
			bstr t = bcat3(bx, &pre, NULL, NULL);
			bpush(bx, &t, '{');
			bappend(bx, &t, m.body.p, m.body.n);
			bpush(bx, &t, '}');
			acc = combine1(
			    bx, &acc, &t, drop_empties && m.post.n == 0);
			first_group = false;
			if (m.post.n == 0)
				break;
			str = m.post;
			continue;
		}
		num = is_numeric_seq(&m.body);
		alp = is_alpha_seq(&m.body);
		seq = num || alp;
		opts = bindex(&m.body, ',', 0) >= 0;
		if (!seq && !opts) {
			if (rewrites < EXP_MAX_REWRITES &&
			    rewrite_test(&m.post)) {
				bstr t = bcat3(bx, &m.pre, NULL, NULL);
				rewrites++;
				bpush(bx, &t, '{');
				bappend(bx, &t, m.body.p, m.body.n);
				bpush(bx, &t, ESC_CLOSE);
				bappend(bx, &t, m.post.p, m.post.n);
				str = t;
				is_top = true;
				continue;
			}
			{
				bstr t = bcat3(bx, &pre, NULL, NULL);
				bpush(bx, &t, '{');
				bappend(bx, &t, m.body.p, m.body.n);
				bpush(bx, &t, '}');
				bappend(bx, &t, m.post.p, m.post.n);
				return combine1(bx, &acc, &t, drop_empties);
			}
		}
		if (first_group) {
			drop_empties = is_top && !seq;
			first_group = false;
		}
		if (seq) {
			values = expand_sequence(bx, &m.body, alp);
		} else {
			blist n = comma_parts(bx, m.body);
			bool drops;
			size_t vlen = 0;
			if (n.n == 1) {
				blist e = expand_(bx, n.v[0], depth + 1, false);
				n = embrace_all(bx, &e);
				if (n.n == 1) {
					bstr t = bcat3(bx, &pre, &n.v[0], NULL);
					acc = combine1(bx, &acc, &t,
					    drop_empties && m.post.n == 0);
					if (m.post.n == 0)
						break;
					str = m.post;
					continue;
				}
			}
			drops = drop_empties && m.post.n == 0 && pre.n == 0;
			for (size_t d = 0; drops && d < acc.n; d++)
				if (acc.v[d].n)
					drops = false;
			for (size_t j = 0; j < n.n; j++) {
				blist ex =
				    expand_(bx, n.v[j], depth + 1, false);
				bool stop = false;
				for (size_t k = 0; k < ex.n; k++) {
					if (drops && ex.v[k].n == 0)
						continue;
					if (values.n >= EXP_MAX ||
					    vlen + ex.v[k].n > EXP_MAX_LENGTH) {
						stop = true;
						break;
					}
					lpush(bx, &values, ex.v[k]);
					vlen += ex.v[k].n;
				}
				if (stop)
					break;
			}
		}
		acc = combine(
		    bx, &acc, &pre, &values, drop_empties && m.post.n == 0);
		if (m.post.n == 0)
			break;
		str = m.post;
	}
	return acc;
}

/* minimatch: /\{(?:(?!\{).)*\}/.test(pattern) */
static bool has_brace_set(const uint16_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] != '{')
			continue;
		for (size_t j = i + 1; j < n; j++) {
			if (p[j] == '}')
				return true;
			if (p[j] == '{' || is_lt(p[j]))
				break;
		}
	}
	return false;
}

void ecra_glob_brace_expand(
    ecra_glob_arena *a, ecra_glob_strlist *out, const uint16_t *p, size_t n)
{
	bctx ctx = { a, NULL, 0 };
	bctx *bx = &ctx;
	bstr s = { NULL, 0, 0 };
	blist r;
	size_t i = 0;

	out->n = 0;
	if (!has_brace_set(p, n)) {
		ecra_glob_str one = { NULL, 0, 0 };
		ecra_glob_str_append(bx->a, &one, p, n);
		ecra_glob_strlist_push(bx->a, out, one);
		return;
	}
	if (n == 0)
		return;
	/* a leading "{}" is kept literally (escaped) */
	if (n >= 2 && p[0] == '{' && p[1] == '}') {
		bpush(bx, &s, ESC_OPEN);
		bpush(bx, &s, ESC_CLOSE);
		i = 2;
	}
	/* escapeBraces */
	for (; i < n; i++) {
		if (p[i] == '\\' && i + 1 < n) {
			uint32_t e = 0;
			switch (p[i + 1]) {
			case '\\':
				e = ESC_SLASH;
				break;
			case '{':
				e = ESC_OPEN;
				break;
			case '}':
				e = ESC_CLOSE;
				break;
			case ',':
				e = ESC_COMMA;
				break;
			case '.':
				e = ESC_PERIOD;
				break;
			}
			if (e) {
				bpush(bx, &s, e);
				i++;
				continue;
			}
		}
		bpush(bx, &s, p[i]);
	}
	r = expand_(bx, s, 0, true);
	for (size_t k = 0; k < r.n; k++) {
		ecra_glob_str o = { NULL, 0, 0 };
		for (size_t j = 0; j < r.v[k].n; j++) {
			uint32_t c = r.v[k].p[j];
			switch (c) {
			case ESC_SLASH:
				c = '\\';
				break;
			case ESC_OPEN:
				c = '{';
				break;
			case ESC_CLOSE:
				c = '}';
				break;
			case ESC_COMMA:
				c = ',';
				break;
			case ESC_PERIOD:
				c = '.';
				break;
			}
			ecra_glob_str_push(bx->a, &o, (uint16_t)c);
		}
		if (o.p == NULL)
			ecra_glob_str_append(bx->a, &o, NULL, 0);
		ecra_glob_strlist_push(bx->a, out, o);
	}
}
