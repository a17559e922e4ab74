/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * ignore/jsre.c - a JavaScript-compatible (non-unicode, Annex B) regular
 * expression engine over UTF-16 code units; see jsre.h for the scope.
 *
 * The pattern is parsed into a tree, compiled to a program whose
 * instruction order is the order a backtracking machine (V8's irregexp
 * semantics) tries alternatives in, and run by a Pike VM that advances all
 * threads together in that order: the answers are the backtracking ones,
 * in time linear in the input for a yes/no question.
 */
#include "ignore/jsre.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "ecrassets/errors.h"
#include "ignore/glob_internal.h"

/* ------------------------------------------------------------------ */
/* UTF-16 strings and character predicates                             */

int ecra_u16_put(ecra_u16 *s, const uint16_t *units, size_t len)
{
	if (s->len + len + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 32;
		uint16_t *p;

		while (cap < s->len + len + 1)
			cap *= 2;
		if ((p = ecra_realloc(s->ptr, cap * sizeof(*p))) == NULL)
			return ECRA_ENOMEM;
		s->ptr = p;
		s->cap = cap;
	}
	if (len > 0)
		memcpy(s->ptr + s->len, units, len * sizeof(*units));
	s->len += len;
	s->ptr[s->len] = 0;
	return 0;
}

int ecra_u16_putc(ecra_u16 *s, uint16_t unit)
{
	return ecra_u16_put(s, &unit, 1);
}

int ecra_u16_puts(ecra_u16 *s, const char *ascii)
{
	int error;

	for (; *ascii; ascii++)
		if ((error = ecra_u16_putc(
		         s, (uint16_t)(unsigned char)*ascii)) < 0)
			return error;
	return 0;
}

void ecra_u16_dispose(ecra_u16 *s)
{
	ecra_free(s->ptr);
	s->ptr = NULL;
	s->len = s->cap = 0;
}

/*
 * The one UTF-8 decoder of src/ignore (see jsre.h).
 */
size_t ecra_utf8_to_utf16_units(const char *str, size_t n, uint16_t *out)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, o = 0;

	while (i < n) {
		unsigned c = s[i];
		unsigned need, lo = 0x80, hi = 0xBF;
		uint32_t cp;
		size_t j;
		if (c < 0x80) {
			out[o++] = (uint16_t)c;
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			need = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			need = 2;
			cp = c & 0x0F;
			if (c == 0xE0)
				lo = 0xA0;
			if (c == 0xED)
				hi = 0x9F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3;
			cp = c & 0x07;
			if (c == 0xF0)
				lo = 0x90;
			if (c == 0xF4)
				hi = 0x8F;
		} else {
			out[o++] = 0xFFFD;
			i++;
			continue;
		}
		for (j = 1; j <= need; j++) {
			unsigned b;
			if (i + j >= n)
				break;
			b = s[i + j];
			if (b < lo || b > hi)
				break;
			lo = 0x80;
			hi = 0xBF;
			cp = (cp << 6) | (b & 0x3F);
		}
		if (j <= need) {
			out[o++] = 0xFFFD;
			i += j;
			continue;
		}
		i += need + 1;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			out[o++] = (uint16_t)(0xD800 + (cp >> 10));
			out[o++] = (uint16_t)(0xDC00 + (cp & 0x3FF));
		} else {
			out[o++] = (uint16_t)cp;
		}
	}
	return o;
}

int ecra_jsre_utf8_to_utf16(ecra_u16 *out, const char *str, size_t len)
{
	if (out->cap < len + 1) {
		uint16_t *p = ecra_realloc(out->ptr, (len + 1) * sizeof(*p));

		if (p == NULL)
			return ECRA_ENOMEM;
		out->ptr = p;
		out->cap = len + 1;
	}
	out->len = ecra_utf8_to_utf16_units(str, len, out->ptr);
	out->ptr[out->len] = 0;
	return 0;
}

bool ecra_jsre_is_line_terminator(uint16_t c)
{
	return c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029;
}

bool ecra_jsre_is_space(uint16_t c)
{
	return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0xA0 ||
	       c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
	       c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000 ||
	       c == 0xFEFF;
}

static const ecra_jsre_fold_pair *fold_find(uint16_t c)
{
	size_t lo = 0, hi = ecra_jsre_fold_count;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (ecra_jsre_fold_by_unit[mid].unit < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ecra_jsre_fold_count && ecra_jsre_fold_by_unit[lo].unit == c)
		return &ecra_jsre_fold_by_unit[lo];
	return NULL;
}

uint16_t ecra_jsre_canonicalize(uint16_t c)
{
	const ecra_jsre_fold_pair *p;

	if (c < 128)
		return (c >= 'a' && c <= 'z') ? (uint16_t)(c - 32) : c;
	p = fold_find(c);
	return p ? p->canon : c;
}

/* The first index in fold_by_canon with canonical value `k`. */
static size_t fold_class_start(uint16_t k)
{
	size_t lo = 0, hi = ecra_jsre_fold_count;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (ecra_jsre_fold_by_canon[mid].canon < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* ------------------------------------------------------------------ */
/* Syntax tree                                                         */

enum {
	N_EMPTY,
	N_CHAR,  /* a = unit */
	N_ANY,   /* . */
	N_CLASS, /* a = class index */
	N_SEQ,   /* children in order */
	N_ALT,   /* children are alternatives */
	N_GROUP, /* a = capture index (0 = non-capturing), kid */
	N_LOOK,  /* neg, kid */
	N_BOL,
	N_EOL,
	N_WORDB,   /* neg */
	N_BACKREF, /* a = group */
	N_REPEAT,  /* a = min, b = max (-1 = infinity), greedy, kid */
};

typedef struct {
	uint8_t type;
	uint8_t neg;
	uint8_t greedy;
	int32_t a, b;
	int32_t kid, last, next;
	int32_t cap_lo, cap_hi; /* capture groups inside: [lo, hi) */
	int32_t mark;           /* N_REPEAT: its progress register */
} node;

typedef ecra_glob_range range; /* lo, hi: code points */

typedef struct {
	range *ranges;
	size_t count, cap;
	uint32_t props; /* u flag: bit q is ecra_glob_props[q] (\p{...}) */
	bool neg;
} cclass;

enum {
	OP_CHAR,
	OP_ANY,
	OP_CLASS,
	OP_SPLIT, /* try x, then y */
	OP_JMP,
	OP_OPEN,
	OP_CLOSE,
	OP_BOL,
	OP_EOL,
	OP_WORDB,
	OP_BACKREF,
	OP_LOOK,  /* sub-program at pc + 1, continue at x; y: its number,
	           * c: 1 when it holds a group or a backreference */
	OP_MARK,  /* reg x = pos */
	OP_CHECK, /* fail if pos == reg x */
	OP_RESET, /* captures [x, y) undefined */
	OP_MATCH,
};

typedef struct {
	uint8_t op;
	uint8_t neg;
	uint32_t c;
	int32_t x, y;
} inst;

struct ecra_jsre {
	unsigned int flags;
	size_t ngroups; /* capturing groups, excluding group 0 */
	size_t nmarks;
	inst *prog;
	size_t nprog;
	cclass *classes;
	size_t nclasses;
	bool anchored;             /* every match starts at 0 */
	bool has_backref;          /* needs the exact mode */
	bool dfa_ok;               /* no lookahead, \b or backreference */
	struct ecra_jsre_dfa *dfa; /* built lazily by yes/no tests */
	size_t nlooks; /* lookaheads, numbered in their OP_LOOK's y */
};

typedef struct {
	const uint16_t *s;
	size_t n, i;
	bool u; /* the u flag: code points, strict syntax */
	node *nodes;
	size_t nnodes, capnodes;
	cclass *classes;
	size_t nclasses, capclasses;
	int ncaps;   /* total capturing groups (pre-scan) */
	int nextcap; /* next group index */
	int depth;
	int nmarks;
	const char *why;
	int error;
} parser;

#define FAIL(p, msg)                        \
	do {                                \
		(p)->why = (msg);           \
		(p)->error = ECRA_EINVALID; \
		return -1;                  \
	} while (0)

static int new_node(parser *p, uint8_t type)
{
	node *n;

	if (p->nnodes == p->capnodes) {
		size_t cap = p->capnodes ? p->capnodes * 2 : 64;
		node *nn = ecra_realloc(p->nodes, cap * sizeof(*nn));

		if (nn == NULL) {
			p->error = ECRA_ENOMEM;
			return -1;
		}
		p->nodes = nn;
		p->capnodes = cap;
	}
	n = &p->nodes[p->nnodes];
	memset(n, 0, sizeof(*n));
	n->type = type;
	n->kid = n->last = n->next = -1;
	n->b = -1;
	return (int)p->nnodes++;
}

static void add_kid(parser *p, int parent, int kid)
{
	node *n = &p->nodes[parent];

	if (n->kid < 0)
		n->kid = kid;
	else
		p->nodes[n->last].next = kid;
	n->last = kid;
}

static int class_add(parser *p, cclass *c, uint32_t lo, uint32_t hi)
{
	if (c->count == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 8;
		range *r = ecra_realloc(c->ranges, cap * sizeof(*r));

		if (r == NULL) {
			p->error = ECRA_ENOMEM;
			return -1;
		}
		c->ranges = r;
		c->cap = cap;
	}
	c->ranges[c->count].lo = lo;
	c->ranges[c->count].hi = hi;
	c->count++;
	return 0;
}

static const range digit_ranges[] = { { '0', '9' } };
static const range word_ranges[] = { { '0', '9' }, { 'A', 'Z' }, { '_', '_' },
	{ 'a', 'z' } };
static const range space_ranges[] = { { 0x09, 0x0D }, { 0x20, 0x20 },
	{ 0xA0, 0xA0 }, { 0x1680, 0x1680 }, { 0x2000, 0x200A },
	{ 0x2028, 0x2029 }, { 0x202F, 0x202F }, { 0x205F, 0x205F },
	{ 0x3000, 0x3000 }, { 0xFEFF, 0xFEFF } };

/* Add \d \D \w \W \s \S (`which` is the letter) to a class. */
static int class_add_escape(parser *p, cclass *c, uint16_t which)
{
	const range *r;
	size_t n, k;
	uint32_t next = 0;

	switch (which | 0x20) {
	case 'd':
		r = digit_ranges;
		n = 1;
		break;
	case 'w':
		r = word_ranges;
		n = 4;
		break;
	default:
		r = space_ranges;
		n = sizeof(space_ranges) / sizeof(space_ranges[0]);
		break;
	}
	if (which >= 'a') {
		for (k = 0; k < n; k++)
			if (class_add(p, c, r[k].lo, r[k].hi) < 0)
				return -1;
		return 0;
	}
	for (k = 0; k < n; k++) {
		if (r[k].lo > next && class_add(p, c, next, r[k].lo - 1) < 0)
			return -1;
		next = r[k].hi + 1;
	}
	if (next <= (p->u ? 0x10FFFFu : 0xFFFFu) &&
	    class_add(p, c, next, p->u ? 0x10FFFF : 0xFFFF) < 0)
		return -1;
	return 0;
}

static int new_class(parser *p)
{
	if (p->nclasses == p->capclasses) {
		size_t cap = p->capclasses ? p->capclasses * 2 : 8;
		cclass *c = ecra_realloc(p->classes, cap * sizeof(*c));

		if (c == NULL) {
			p->error = ECRA_ENOMEM;
			return -1;
		}
		p->classes = c;
		p->capclasses = cap;
	}
	memset(&p->classes[p->nclasses], 0, sizeof(cclass));
	return (int)p->nclasses++;
}

static bool is_digit(uint16_t c)
{
	return c >= '0' && c <= '9';
}

static bool is_octal(uint16_t c)
{
	return c >= '0' && c <= '7';
}

static int hexval(uint16_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

static bool is_letter(uint16_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The source character at p->i (a code point with the u flag). */
static uint32_t read_char(parser *p)
{
	uint32_t c = p->s[p->i++];

	if (p->u && c >= 0xD800 && c <= 0xDBFF && p->i < p->n &&
	    p->s[p->i] >= 0xDC00 && p->s[p->i] <= 0xDFFF)
		c = 0x10000 + ((c - 0xD800) << 10) + (p->s[p->i++] - 0xDC00u);
	return c;
}

/* u flag: what may follow '\' as an identity escape. */
static bool is_syntax_char(uint32_t c)
{
	return c < 128 && c != 0 && strchr("^$\\.*+?()[]{}|/", (int)c);
}

/* u flag: \p{Name} or \P{Name} at p->i (at the p); the property index,
 * or -1 after failing. Only the names minimatch emits are known. */
static int parse_property(parser *p, bool *negated)
{
	char name[32];
	size_t j = p->i + 1, k;
	int q;

	*negated = p->s[p->i] == 'P';
	if (j >= p->n || p->s[j] != '{')
		FAIL(p, "Invalid property name");
	for (k = j + 1; k < p->n && p->s[k] != '}'; k++)
		if (k - j - 1 >= sizeof(name) - 1 || p->s[k] > 127)
			FAIL(p, "Invalid property name");
	if (k >= p->n || k == j + 1)
		FAIL(p, "Invalid property name");
	for (q = 0; (size_t)q < k - j - 1; q++)
		name[q] = (char)p->s[j + 1 + (size_t)q];
	name[k - j - 1] = '\0';
	for (q = 0; ecra_glob_props[q].name != NULL; q++)
		if (strcmp(ecra_glob_props[q].name, name) == 0) {
			p->i = k + 1;
			return q;
		}
	FAIL(p, "Invalid property name");
}

/* Legacy octal escape starting at p->i (a digit 0-7): at most three
 * digits, with a value of at most 0377. */
static uint16_t parse_octal(parser *p)
{
	unsigned int v = (unsigned int)(p->s[p->i++] - '0');

	if (p->i < p->n && is_octal(p->s[p->i])) {
		v = v * 8 + (unsigned int)(p->s[p->i++] - '0');
		if (v < 32 && p->i < p->n && is_octal(p->s[p->i]))
			v = v * 8 + (unsigned int)(p->s[p->i++] - '0');
	}
	return (uint16_t)v;
}

/* \x \u with `digits` hex digits after p->i (pointing at x or u). */
static bool parse_hex(parser *p, int digits, uint32_t *out)
{
	unsigned int v = 0;
	int k;

	if (p->i + 1 + (size_t)digits > p->n)
		return false;
	for (k = 0; k < digits; k++) {
		int h = hexval(p->s[p->i + 1 + (size_t)k]);

		if (h < 0)
			return false;
		v = v * 16 + (unsigned int)h;
	}
	p->i += 1 + (size_t)digits;
	*out = v;
	return true;
}

/*
 * A character escape after '\' (p->i at the letter), shared by atoms and
 * classes (digits and c are handled by the callers). Sets *out.
 */
static int parse_char_escape(parser *p, uint32_t *out, bool in_class)
{
	uint32_t c = p->s[p->i];

	switch (c) {
	case 'f':
		*out = '\f';
		break;
	case 'n':
		*out = '\n';
		break;
	case 'r':
		*out = '\r';
		break;
	case 't':
		*out = '\t';
		break;
	case 'v':
		*out = '\v';
		break;
	case 'x':
		if (parse_hex(p, 2, out))
			return 0;
		if (p->u)
			FAIL(p, "Invalid escape");
		*out = 'x';
		break;
	case 'u':
		if (parse_hex(p, 4, out))
			return 0;
		if (p->u)
			FAIL(p, "Invalid Unicode escape");
		*out = 'u';
		break;
	default:
		if (p->u && !is_syntax_char(c) && !(in_class && c == '-'))
			FAIL(p, "Invalid escape");
		if (p->u) {
			*out = read_char(p);
			return 0;
		}
		*out = c; /* identity escape */
		break;
	}
	p->i++;
	return 0;
}

/*
 * One class atom. Returns 0 with *unit set, 1 for a class escape (letter
 * in *unit), -1 on error.
 */
static int parse_class_atom(parser *p, uint32_t *unit, int *prop)
{
	uint32_t c;
	bool negated;

	if (p->s[p->i] != '\\') {
		*unit = read_char(p);
		return 0;
	}
	p->i++;
	if (p->i >= p->n)
		FAIL(p, "\\ at end of pattern");
	c = p->s[p->i];
	switch (c) {
	case 'd':
	case 'D':
	case 's':
	case 'S':
	case 'w':
	case 'W':
		p->i++;
		*unit = c;
		return 1;
	case 'b':
		p->i++;
		*unit = 8;
		return 0;
	case 'p':
	case 'P':
		if (!p->u)
			break;
		if ((*prop = parse_property(p, &negated)) < 0)
			return -1;
		if (negated) /* minimatch never emits \P */
			FAIL(p, "Invalid property name in character class");
		*unit = 'p';
		return 1;
	case 'c':
		if (p->i + 1 < p->n &&
		    (is_letter(p->s[p->i + 1]) ||
		        (!p->u && (is_digit(p->s[p->i + 1]) ||
		                      p->s[p->i + 1] == '_')))) {
			*unit = (uint32_t)(p->s[p->i + 1] & 0x1F);
			p->i += 2;
		} else if (p->u)
			FAIL(p, "Invalid class escape");
		else
			*unit = '\\'; /* the c is read next */
		return 0;
	default:
		break;
	}
	if (is_octal(c) &&
	    !(p->u && c == '0' &&
	        (p->i + 1 >= p->n || !is_digit(p->s[p->i + 1])))) {
		if (p->u)
			FAIL(p, "Invalid class escape");
		*unit = parse_octal(p);
		return 0;
	}
	if (p->u && c == '0') {
		p->i++;
		*unit = 0;
		return 0;
	}
	if (p->u && is_digit(c))
		FAIL(p, "Invalid class escape");
	return parse_char_escape(p, unit, true);
}

/* Add a class atom (kind 1: a class escape, or a property `prop`). */
static int class_add_atom(parser *p, cclass *c, int kind, uint32_t a, int prop)
{
	if (kind == 0)
		return class_add(p, c, a, a);
	if (prop >= 0) {
		c->props |= 1u << prop;
		return 0;
	}
	return class_add_escape(p, c, (uint16_t)a);
}

static int parse_class(parser *p)
{
	int ci, id;
	cclass *c;

	if ((ci = new_class(p)) < 0)
		return -1;
	if (p->i < p->n && p->s[p->i] == '^') {
		p->classes[ci].neg = true;
		p->i++;
	}
	for (;;) {
		uint32_t a, b;
		int ka, kb, pa = -1, pb = -1;

		if (p->i >= p->n)
			FAIL(p, "Unterminated character class");
		if (p->s[p->i] == ']') {
			p->i++;
			break;
		}
		if ((ka = parse_class_atom(p, &a, &pa)) < 0)
			return -1;
		c = &p->classes[ci];
		if (p->i + 1 < p->n && p->s[p->i] == '-' &&
		    p->s[p->i + 1] != ']') {
			p->i++;
			if ((kb = parse_class_atom(p, &b, &pb)) < 0)
				return -1;
			c = &p->classes[ci];
			if (ka == 1 || kb == 1) {
				if (p->u)
					FAIL(p, "Invalid character class");
				/* Annex B: a class escape makes '-' literal */
				if (class_add_atom(p, c, ka, a, pa) < 0 ||
				    class_add(p, c, '-', '-') < 0 ||
				    class_add_atom(p, c, kb, b, pb) < 0)
					return -1;
				continue;
			}
			if (a > b)
				FAIL(
				    p, "Range out of order in character class");
			if (class_add(p, c, a, b) < 0)
				return -1;
			continue;
		}
		if (class_add_atom(p, c, ka, a, pa) < 0)
			return -1;
	}
	if ((id = new_node(p, N_CLASS)) < 0)
		return -1;
	p->nodes[id].a = ci;
	return id;
}

/* {n}, {n,}, {n,m} at p->i; on success advances and sets min/max (max
 * -1 for infinity; values clamp at INT32_MAX). */
static bool parse_braces(parser *p, int32_t *min, int32_t *max)
{
	size_t i = p->i + 1;
	int64_t a = 0, b = -1;

	if (i >= p->n || !is_digit(p->s[i]))
		return false;
	while (i < p->n && is_digit(p->s[i])) {
		a = a * 10 + (p->s[i++] - '0');
		if (a > INT32_MAX)
			a = INT32_MAX;
	}
	if (i < p->n && p->s[i] == '}') {
		b = a;
	} else if (i < p->n && p->s[i] == ',') {
		i++;
		if (i < p->n && p->s[i] == '}') {
			b = -1;
		} else {
			if (i >= p->n || !is_digit(p->s[i]))
				return false;
			b = 0;
			while (i < p->n && is_digit(p->s[i])) {
				b = b * 10 + (p->s[i++] - '0');
				if (b > INT32_MAX)
					b = INT32_MAX;
			}
			if (i >= p->n || p->s[i] != '}')
				return false;
		}
	} else
		return false;
	p->i = i + 1;
	*min = (int32_t)a;
	*max = (int32_t)b;
	return true;
}

static int parse_disjunction(parser *p);

static int char_node(parser *p, uint32_t c)
{
	int id = new_node(p, N_CHAR);

	if (id >= 0)
		p->nodes[id].a = c;
	return id;
}

/*
 * An escape outside a class (p->i after the '\'). Returns the node, or
 * -1. *assertion tells whether it is \b or \B.
 */
static int parse_atom_escape(parser *p, bool *assertion)
{
	uint32_t c, u;
	int id, ci, prop;
	bool negated;

	if (p->i >= p->n)
		FAIL(p, "\\ at end of pattern");
	c = p->s[p->i];
	switch (c) {
	case 'b':
	case 'B':
		p->i++;
		if ((id = new_node(p, N_WORDB)) < 0)
			return -1;
		p->nodes[id].neg = c == 'B';
		*assertion = true;
		return id;
	case 'd':
	case 'D':
	case 's':
	case 'S':
	case 'w':
	case 'W':
		p->i++;
		if ((ci = new_class(p)) < 0 ||
		    class_add_escape(p, &p->classes[ci], (uint16_t)c) < 0 ||
		    (id = new_node(p, N_CLASS)) < 0)
			return -1;
		p->nodes[id].a = ci;
		return id;
	case 'p':
	case 'P':
		if (!p->u)
			break;
		if ((prop = parse_property(p, &negated)) < 0 ||
		    (ci = new_class(p)) < 0 || (id = new_node(p, N_CLASS)) < 0)
			return -1;
		p->classes[ci].props = 1u << prop;
		p->classes[ci].neg = negated;
		p->nodes[id].a = ci;
		return id;
	case 'c':
		if (p->i + 1 < p->n && is_letter(p->s[p->i + 1])) {
			u = (uint32_t)(p->s[p->i + 1] & 0x1F);
			p->i += 2;
			return char_node(p, u);
		}
		if (p->u)
			FAIL(p, "Invalid unicode escape");
		return char_node(p, '\\'); /* the c is read next */
	case '0':
		if (p->i + 1 >= p->n || !is_digit(p->s[p->i + 1])) {
			p->i++;
			return char_node(p, 0);
		}
		if (p->u)
			FAIL(p, "Invalid decimal escape");
		return char_node(p, parse_octal(p));
	default:
		break;
	}
	if (c >= '1' && c <= '9') {
		size_t i = p->i;
		int64_t v = 0;

		while (i < p->n && is_digit(p->s[i])) {
			v = v * 10 + (p->s[i++] - '0');
			if (v > 1000000)
				v = 1000000;
		}
		if (v <= p->ncaps) {
			p->i = i;
			if ((id = new_node(p, N_BACKREF)) < 0)
				return -1;
			p->nodes[id].a = (int32_t)v;
			return id;
		}
		if (p->u)
			FAIL(p, "Invalid escape");
		if (c >= '8') {
			p->i++;
			return char_node(p, c);
		}
		return char_node(p, parse_octal(p));
	}
	if (parse_char_escape(p, &u, false) < 0)
		return -1;
	return char_node(p, u);
}

/* One term (atom with optional quantifier, or an assertion), appended
 * to `seq`. Returns 0 or -1. */
static int parse_term(parser *p, int seq)
{
	uint16_t c = p->s[p->i];
	int atom = -1, rep;
	bool quantifiable = true;
	int first = p->nextcap + 1; /* first group this atom may open */
	int32_t min, max;

	switch (c) {
	case '^':
	case '$':
		p->i++;
		if ((atom = new_node(p, c == '^' ? N_BOL : N_EOL)) < 0)
			return -1;
		quantifiable = false;
		break;
	case '.':
		p->i++;
		if ((atom = new_node(p, N_ANY)) < 0)
			return -1;
		break;
	case '*':
	case '+':
	case '?':
		FAIL(p, "Nothing to repeat");
	case '{': {
		size_t save = p->i;

		if (parse_braces(p, &min, &max))
			FAIL(p, "Nothing to repeat");
		if (p->u)
			FAIL(p, "Lone quantifier brackets");
		p->i = save + 1;
		if ((atom = char_node(p, '{')) < 0)
			return -1;
		break;
	}
	case '[':
		p->i++;
		if ((atom = parse_class(p)) < 0)
			return -1;
		break;
	case '\\': {
		bool assertion = false;

		p->i++;
		if ((atom = parse_atom_escape(p, &assertion)) < 0)
			return -1;
		quantifiable = !assertion;
		break;
	}
	case '(': {
		int kind = 0; /* 0 capture, 1 (?:, 2 (?=, 3 (?! */
		int inner;

		p->i++;
		if (p->i < p->n && p->s[p->i] == '?') {
			uint16_t k = p->i + 1 < p->n ? p->s[p->i + 1] : 0;

			if (k == ':')
				kind = 1;
			else if (k == '=')
				kind = 2;
			else if (k == '!')
				kind = 3;
			else
				FAIL(p, "Invalid group");
			p->i += 2;
		}
		if (++p->depth > ECRA_JSRE_MAX_DEPTH)
			FAIL(p, ECRA_JSRE_TOO_COMPLEX);
		if (kind == 0)
			p->nextcap++;
		if ((inner = parse_disjunction(p)) < 0)
			return -1;
		p->depth--;
		if (p->i >= p->n || p->s[p->i] != ')')
			FAIL(p, "Unterminated group");
		p->i++;
		if ((atom = new_node(p, kind >= 2 ? N_LOOK : N_GROUP)) < 0)
			return -1;
		p->nodes[atom].kid = inner;
		if (kind >= 2) {
			p->nodes[atom].neg = kind == 3;
			quantifiable = !p->u;
		} else
			p->nodes[atom].a = kind == 0 ? first : 0;
		break;
	}
	case '}':
	case ']':
		if (p->u)
			FAIL(p, "Lone quantifier brackets");
		/* fall through */
	default:
		if ((atom = char_node(p, read_char(p))) < 0)
			return -1;
		break;
	}
	/* groups opened inside this atom, the group itself included */
	p->nodes[atom].cap_lo = first;
	p->nodes[atom].cap_hi = p->nextcap + 1;
	if (p->i < p->n) {
		bool have = true;

		c = p->s[p->i];
		if (c == '*') {
			min = 0;
			max = -1;
			p->i++;
		} else if (c == '+') {
			min = 1;
			max = -1;
			p->i++;
		} else if (c == '?') {
			min = 0;
			max = 1;
			p->i++;
		} else if (c == '{' && parse_braces(p, &min, &max)) {
			if (max >= 0 && max < min)
				FAIL(
				    p, "numbers out of order in {} quantifier");
		} else
			have = false;
		if (have) {
			if (!quantifiable)
				FAIL(p, "Nothing to repeat");
			if ((rep = new_node(p, N_REPEAT)) < 0)
				return -1;
			p->nodes[rep].a = min;
			p->nodes[rep].b = max;
			p->nodes[rep].greedy = 1;
			p->nodes[rep].kid = atom;
			p->nodes[rep].cap_lo = p->nodes[atom].cap_lo;
			p->nodes[rep].cap_hi = p->nodes[atom].cap_hi;
			p->nodes[rep].mark = p->nmarks++;
			if (p->i < p->n && p->s[p->i] == '?') {
				p->nodes[rep].greedy = 0;
				p->i++;
			}
			atom = rep;
		}
	}
	add_kid(p, seq, atom);
	return 0;
}

static int parse_alternative(parser *p)
{
	int seq = new_node(p, N_SEQ);

	if (seq < 0)
		return -1;
	while (p->i < p->n && p->s[p->i] != '|' && p->s[p->i] != ')')
		if (parse_term(p, seq) < 0)
			return -1;
	return seq;
}

static int parse_disjunction(parser *p)
{
	int alt, seq;

	if ((seq = parse_alternative(p)) < 0)
		return -1;
	if (p->i >= p->n || p->s[p->i] != '|')
		return seq;
	if ((alt = new_node(p, N_ALT)) < 0)
		return -1;
	add_kid(p, alt, seq);
	while (p->i < p->n && p->s[p->i] == '|') {
		p->i++;
		if ((seq = parse_alternative(p)) < 0)
			return -1;
		add_kid(p, alt, seq);
	}
	return alt;
}

/* Count capturing groups the way V8 pre-scans: '(' not followed by '?',
 * outside classes and escapes. */
static int count_captures(const uint16_t *s, size_t n)
{
	size_t i;
	int count = 0;
	bool in_class = false;

	for (i = 0; i < n; i++) {
		if (s[i] == '\\') {
			i++;
		} else if (in_class) {
			if (s[i] == ']')
				in_class = false;
		} else if (s[i] == '[') {
			in_class = true;
		} else if (s[i] == '(' && (i + 1 >= n || s[i + 1] != '?')) {
			count++;
		}
	}
	return count;
}

/* ------------------------------------------------------------------ */
/* Code generation                                                     */

typedef struct {
	parser *p;
	inst *prog;
	size_t n, cap;
	int error;
	const char *why;
} emitter;

static int emit(emitter *e, uint8_t op, uint32_t c, int32_t x, int32_t y)
{
	if (e->n >= ECRA_JSRE_MAX_PROGRAM) {
		e->error = ECRA_EINVALID;
		e->why = ECRA_JSRE_TOO_COMPLEX;
		return -1;
	}
	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 64;
		inst *ni = ecra_realloc(e->prog, cap * sizeof(*ni));

		if (ni == NULL) {
			e->error = ECRA_ENOMEM;
			return -1;
		}
		e->prog = ni;
		e->cap = cap;
	}
	e->prog[e->n].op = op;
	e->prog[e->n].neg = 0;
	e->prog[e->n].c = c;
	e->prog[e->n].x = x;
	e->prog[e->n].y = y;
	return (int)e->n++;
}

static int gen(emitter *e, int id);

/* One iteration of a repeat: reset the inner captures, run the atom,
 * and, for optional iterations, fail when it matched empty. */
static int gen_iteration(emitter *e, const node *r, bool optional)
{
	int mark = r->mark;

	if (optional && emit(e, OP_MARK, 0, mark, 0) < 0)
		return -1;
	if (r->cap_hi > r->cap_lo &&
	    emit(e, OP_RESET, 0, r->cap_lo, r->cap_hi) < 0)
		return -1;
	if (gen(e, r->kid) < 0)
		return -1;
	if (optional && emit(e, OP_CHECK, 0, mark, 0) < 0)
		return -1;
	return 0;
}

static int gen_repeat(emitter *e, int id)
{
	node r = e->p->nodes[id];
	int32_t k;

	for (k = 0; k < r.a; k++)
		if (gen_iteration(e, &r, false) < 0)
			return -1;
	if (r.b < 0) {
		int split, loop;

		if ((split = emit(e, OP_SPLIT, 0, 0, 0)) < 0)
			return -1;
		loop = split;
		if (gen_iteration(e, &r, true) < 0 ||
		    emit(e, OP_JMP, 0, loop, 0) < 0)
			return -1;
		e->prog[split].x = r.greedy ? split + 1 : (int32_t)e->n;
		e->prog[split].y = r.greedy ? (int32_t)e->n : split + 1;
	} else {
		/* optional iterations; skipping one skips the rest */
		size_t first = e->n;
		int32_t opt = r.b - r.a;
		size_t j;

		for (k = 0; k < opt; k++) {
			if (emit(e, OP_SPLIT, 0, 0, -1) < 0)
				return -1;
			if (gen_iteration(e, &r, true) < 0)
				return -1;
		}
		for (j = first; j < e->n; j++) {
			inst *in = &e->prog[j];

			if (in->op != OP_SPLIT || in->y != -1)
				continue;
			in->x = r.greedy ? (int32_t)j + 1 : (int32_t)e->n;
			in->y = r.greedy ? (int32_t)e->n : (int32_t)j + 1;
		}
	}
	return 0;
}

static int gen(emitter *e, int id)
{
	node *n = &e->p->nodes[id];
	int kid, at;

	switch (n->type) {
	case N_EMPTY:
		return 0;
	case N_CHAR:
		return emit(e, OP_CHAR, (uint32_t)n->a, 0, 0) < 0 ? -1 : 0;
	case N_ANY:
		return emit(e, OP_ANY, 0, 0, 0) < 0 ? -1 : 0;
	case N_CLASS:
		return emit(e, OP_CLASS, 0, n->a, 0) < 0 ? -1 : 0;
	case N_BOL:
		return emit(e, OP_BOL, 0, 0, 0) < 0 ? -1 : 0;
	case N_EOL:
		return emit(e, OP_EOL, 0, 0, 0) < 0 ? -1 : 0;
	case N_WORDB:
		if ((at = emit(e, OP_WORDB, 0, 0, 0)) < 0)
			return -1;
		e->prog[at].neg = e->p->nodes[id].neg;
		return 0;
	case N_BACKREF:
		return emit(e, OP_BACKREF, 0, n->a, 0) < 0 ? -1 : 0;
	case N_SEQ:
		for (kid = n->kid; kid >= 0; kid = e->p->nodes[kid].next)
			if (gen(e, kid) < 0)
				return -1;
		return 0;
	case N_ALT: {
		/* SPLIT L1 next; L1: alt1; JMP end; next: SPLIT ... */
		size_t jumps_from = e->n;
		size_t j;

		for (kid = n->kid; kid >= 0; kid = e->p->nodes[kid].next) {
			int split = -1;
			bool last = e->p->nodes[kid].next < 0;

			if (!last && (split = emit(e, OP_SPLIT, 0, 0, 0)) < 0)
				return -1;
			if (gen(e, kid) < 0)
				return -1;
			if (!last) {
				if (emit(e, OP_JMP, 0, -1, 0) < 0)
					return -1;
				e->prog[split].x = split + 1;
				e->prog[split].y = (int32_t)e->n;
			}
		}
		for (j = jumps_from; j < e->n; j++)
			if (e->prog[j].op == OP_JMP && e->prog[j].x == -1)
				e->prog[j].x = (int32_t)e->n;
		return 0;
	}
	case N_GROUP: {
		int32_t cap = n->a;

		if (cap > 0 && emit(e, OP_OPEN, 0, cap, 0) < 0)
			return -1;
		if (gen(e, n->kid) < 0)
			return -1;
		if (cap > 0 && emit(e, OP_CLOSE, 0, cap, 0) < 0)
			return -1;
		return 0;
	}
	case N_LOOK: {
		uint8_t neg = n->neg;

		if ((at = emit(e, OP_LOOK, 0, 0, 0)) < 0)
			return -1;
		e->prog[at].neg = neg;
		if (gen(e, e->p->nodes[id].kid) < 0 ||
		    emit(e, OP_MATCH, 0, 0, 0) < 0)
			return -1;
		e->prog[at].x = (int32_t)e->n;
		return 0;
	}
	case N_REPEAT:
		if (e->p->nodes[id].b == 0)
			return 0;
		return gen_repeat(e, id);
	default:
		return 0;
	}
}

static int range_cmp(const void *a, const void *b)
{
	const range *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return (x->hi > y->hi) - (x->hi < y->hi);
}

/* Sort a class's ranges and merge overlapping or adjacent ones. */
static void normalize_class(cclass *c)
{
	size_t r, w = 0;

	if (c->count < 2)
		return;
	qsort(c->ranges, c->count, sizeof(range), range_cmp);
	for (r = 1; r < c->count; r++) {
		if ((uint32_t)c->ranges[r].lo <=
		    (uint32_t)c->ranges[w].hi + 1) {
			if (c->ranges[r].hi > c->ranges[w].hi)
				c->ranges[w].hi = c->ranges[r].hi;
		} else
			c->ranges[++w] = c->ranges[r];
	}
	c->count = w + 1;
}

static void parser_dispose(parser *p)
{
	ecra_free(p->nodes);
}

struct ecra_jsre_dfa;
static void dfa_free(struct ecra_jsre_dfa *d);

/*
 * Whether a lookahead is positive and nothing but the end of the match
 * follows it (ignore's "(?=$|\/$)"). For a yes/no answer such a
 * lookahead is the same as its body matched in place, which a DFA can do.
 */
static bool tail_lookahead(const ecra_jsre *re, const inst *in)
{
	int32_t pc = in->x;
	size_t hops = 0;

	if (in->neg)
		return false;
	while (hops++ < re->nprog) {
		const inst *at = &re->prog[pc];

		if (at->op == OP_MATCH)
			return true;
		if (at->op == OP_JMP)
			pc = at->x;
		else if (at->op == OP_CLOSE)
			pc++;
		else
			return false;
	}
	return false;
}

void ecra_jsre_free(ecra_jsre *re)
{
	size_t k;

	if (re == NULL)
		return;
	for (k = 0; k < re->nclasses; k++)
		ecra_free(re->classes[k].ranges);
	ecra_free(re->classes);
	ecra_free(re->prog);
	dfa_free(re->dfa);
	ecra_free(re);
}

int ecra_jsre_compile(ecra_jsre **out, const uint16_t *src, size_t len,
    unsigned int flags, const char **why)
{
	parser p;
	emitter e;
	ecra_jsre *re = NULL;
	int root, error = 0;
	size_t k;

	*out = NULL;
	*why = NULL;
	memset(&p, 0, sizeof(p));
	memset(&e, 0, sizeof(e));
	p.s = src;
	p.n = len;
	p.u = (flags & ECRA_JSRE_UNICODE) != 0;
	p.ncaps = count_captures(src, len);
	if (p.u && (flags & ECRA_JSRE_ICASE)) {
		/* no strategy builds it: minimatch runs without nocase */
		*why = "the i and u flags together are not supported";
		return ECRA_EINVALID;
	}
	if ((root = parse_disjunction(&p)) < 0)
		goto parse_failed;
	if (p.i < p.n) {
		/* only a ')' stops the top-level disjunction early */
		p.why = "Unmatched ')'";
		p.error = ECRA_EINVALID;
		goto parse_failed;
	}
	e.p = &p;
	if (emit(&e, OP_OPEN, 0, 0, 0) < 0 || gen(&e, root) < 0 ||
	    emit(&e, OP_CLOSE, 0, 0, 0) < 0 ||
	    emit(&e, OP_MATCH, 0, 0, 0) < 0) {
		error = e.error;
		*why = e.why;
		goto done;
	}
	if ((re = ecra_calloc(1, sizeof(*re))) == NULL) {
		error = ECRA_ENOMEM;
		goto done;
	}
	re->flags = flags;
	/* backreferences were resolved against the pre-scan's count */
	re->ngroups = (size_t)(p.nextcap > p.ncaps ? p.nextcap : p.ncaps);
	re->nmarks = (size_t)p.nmarks;
	re->prog = e.prog;
	re->nprog = e.n;
	e.prog = NULL;
	for (k = 0; k < p.nclasses; k++)
		normalize_class(&p.classes[k]);
	re->classes = p.classes;
	re->nclasses = p.nclasses;
	p.classes = NULL;
	p.nclasses = 0;
	re->anchored = re->nprog > 1 && re->prog[1].op == OP_BOL;
	re->dfa_ok = (flags & ECRA_JSRE_NO_DFA) == 0;
	for (k = 0; k < re->nprog; k++) {
		inst *in = &re->prog[k];
		size_t j;

		if (in->op == OP_BACKREF || in->op == OP_WORDB ||
		    (in->op == OP_LOOK && !tail_lookahead(re, in)))
			re->dfa_ok = false;
		if (in->op == OP_BACKREF)
			re->has_backref = true;
		if (in->op != OP_LOOK)
			continue;
		in->y = (int32_t)re->nlooks++;
		for (j = k + 1; j < (size_t)in->x; j++)
			if (re->prog[j].op == OP_OPEN ||
			    re->prog[j].op == OP_BACKREF)
				in->c = 1;
	}
	*out = re;
	re = NULL;
	goto done;
parse_failed:
	error = p.error ? p.error : ECRA_EINVALID;
	*why = p.why;
done:
	if (p.classes != NULL) {
		for (k = 0; k < p.nclasses; k++)
			ecra_free(p.classes[k].ranges);
		ecra_free(p.classes);
	}
	ecra_free(e.prog);
	parser_dispose(&p);
	return error;
}

void ecra_jsre_size(
    const ecra_jsre *re, size_t *insts, size_t *looks, bool *backrefs)
{
	*insts = re->nprog;
	*looks = re->nlooks;
	*backrefs = re->has_backref;
}

size_t ecra_jsre_groups(const ecra_jsre *re)
{
	return re->ngroups;
}

/* ------------------------------------------------------------------ */
/* Matching: a Pike VM                                                 */

/*
 * The program runs as a Thompson/Pike simulation: all threads advance
 * together over the input, one code unit per step, in priority order (the
 * order a backtracking machine would try them), so the first thread to
 * reach MATCH is the match a backtracking engine finds.
 *
 * Two modes:
 * - plain (a yes/no answer, no backreference): a thread is just its pc
 *   and a pc is kept once per step. Registers are not needed: an empty
 *   iteration that CHECK would reject leads back to a loop head already
 *   visited at this position, so the set of reachable states is the same.
 *   Work is O(program x length); a lookahead's answer at a position is
 *   memoised, so each is computed at most once per position.
 * - exact (captures asked for, or the program has a backreference): a
 *   thread carries its registers (captures, open groups, iteration marks)
 *   and is kept once per (pc, registers) per step, which is what a
 *   backtracking machine visits minus the repeats whose futures are
 *   identical. Answers and captures are exactly the backtracking ones; the
 *   work is polynomial (the number of distinct register vectors), which
 *   only regexes with backreferences or callers asking for captures (the
 *   GIT strategy rewriting a rule's text) pay.
 */

typedef struct {
	size_t *v; /* n entries of `stride` words: pc; in exact mode the
	            * units still to skip inside a backreference, then the
	            * registers */
	size_t n, cap;
} tarr;

typedef struct {
	const ecra_jsre *re;
	const uint16_t *s;
	const uint32_t *cp; /* u flag: the input as code points */
	size_t len;
	bool icase;
	bool exact;
	size_t nregs, stride;
	size_t roff; /* where the registers start in an entry */
	size_t open_base, mark_base;
	int8_t *memo; /* nlooks x (len + 1): -1 unknown, 0, 1 */
	size_t work;
	int error;
} pike;

typedef struct {
	tarr stack; /* closure work list */
	tarr cur;   /* threads waiting for a unit, in priority order */
	tarr next;  /* the same, for the next position */
	tarr seen;  /* exact mode: (pc, registers) visited this step */
	size_t *table;
	size_t table_cap;
	uint32_t *mark; /* plain mode: pc visited at generation mark[pc] */
	size_t *tmp;    /* two entries: a seed, a lookahead's thread */
	uint32_t gen;
} scratch;

static size_t *tarr_push(pike *m, tarr *a, size_t stride)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		size_t *v = ecra_realloc(a->v, cap * stride * sizeof(size_t));

		if (v == NULL) {
			m->error = ECRA_ENOMEM;
			return NULL;
		}
		a->v = v;
		a->cap = cap;
	}
	return &a->v[stride * a->n++];
}

static void scratch_dispose(scratch *sc)
{
	ecra_free(sc->stack.v);
	ecra_free(sc->cur.v);
	ecra_free(sc->next.v);
	ecra_free(sc->seen.v);
	ecra_free(sc->table);
	ecra_free(sc->mark);
	ecra_free(sc->tmp);
}

/* The input unit (code point with the u flag) at i. */
static uint32_t at(const pike *m, size_t i)
{
	return m->cp != NULL ? m->cp[i] : m->s[i];
}

static bool is_word(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

/* Ranges are sorted and disjoint (normalize_class): binary search. */
static bool ranges_have(const range *r, size_t count, uint32_t u)
{
	size_t lo = 0, hi = count;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (r[mid].hi < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < count && r[lo].lo <= u;
}

static bool class_has(const cclass *c, uint32_t u)
{
	uint32_t props = c->props;
	int q;

	if (ranges_have(c->ranges, c->count, u))
		return true;
	for (q = 0; props != 0; q++, props >>= 1)
		if ((props & 1) != 0 && ranges_have(ecra_glob_props[q].ranges,
		                            ecra_glob_props[q].count, u))
			return true;
	return false;
}

static bool class_match(const pike *m, const cclass *c, uint32_t u)
{
	bool found = class_has(c, u);

	if (!found && m->icase) {
		uint16_t k = ecra_jsre_canonicalize((uint16_t)u);
		size_t j;

		if (k != u && class_has(c, k))
			found = true;
		for (j = fold_class_start(k);
		     !found && j < ecra_jsre_fold_count &&
		     ecra_jsre_fold_by_canon[j].canon == k;
		     j++)
			found = class_has(c, ecra_jsre_fold_by_canon[j].unit);
	}
	return found != c->neg;
}

static bool unit_eq(const pike *m, uint32_t a, uint32_t b)
{
	if (a == b)
		return true;
	return m->icase && ecra_jsre_canonicalize((uint16_t)a) ==
	                       ecra_jsre_canonicalize((uint16_t)b);
}

static bool consumes(const pike *m, const inst *in, uint32_t u)
{
	switch (in->op) {
	case OP_CHAR:
		return unit_eq(m, u, in->c);
	case OP_ANY:
		return !ecra_jsre_is_line_terminator(u);
	default:
		return class_match(m, &m->re->classes[in->x], u);
	}
}

static uint64_t entry_hash(const size_t *e, size_t stride)
{
	uint64_t h = 1469598103934665603ull;
	size_t k;

	for (k = 0; k < stride; k++)
		h = (h ^ (uint64_t)e[k]) * 1099511628211ull;
	return h;
}

/* Exact mode: whether (pc, registers) was visited this step; marks it. */
static int seen_add(pike *m, scratch *sc, const size_t *e)
{
	size_t k, slot, *copy;

	if (2 * (sc->seen.n + 1) > sc->table_cap) {
		size_t cap = sc->table_cap ? sc->table_cap * 2 : 64;
		size_t *t = ecra_alloc(cap * sizeof(*t));

		if (t == NULL) {
			m->error = ECRA_ENOMEM;
			return -1;
		}
		for (k = 0; k < cap; k++)
			t[k] = SIZE_MAX;
		for (k = 0; k < sc->seen.n; k++) {
			slot = (size_t)entry_hash(
			    &sc->seen.v[k * m->stride], m->stride);
			while (t[slot & (cap - 1)] != SIZE_MAX)
				slot++;
			t[slot & (cap - 1)] = k;
		}
		ecra_free(sc->table);
		sc->table = t;
		sc->table_cap = cap;
	}
	for (slot = (size_t)entry_hash(e, m->stride);; slot++) {
		size_t at = sc->table[slot & (sc->table_cap - 1)];

		if (at == SIZE_MAX)
			break;
		if (memcmp(&sc->seen.v[at * m->stride], e,
		        m->stride * sizeof(size_t)) == 0)
			return 1;
	}
	sc->table[slot & (sc->table_cap - 1)] = sc->seen.n;
	if ((copy = tarr_push(m, &sc->seen, m->stride)) == NULL)
		return -1;
	memcpy(copy, e, m->stride * sizeof(size_t));
	return 0;
}

static void seen_clear(scratch *sc)
{
	size_t k;

	for (k = 0; k < sc->table_cap; k++)
		sc->table[k] = SIZE_MAX;
	sc->seen.n = 0;
}

static int run(pike *m, int32_t pc0, size_t start, bool search, size_t *regs,
    bool *matched);

/* Whether the lookahead at `pc` holds at `pos` (exact mode: with the
 * thread's registers `regs`, which a positive one updates). */
static int look(pike *m, int32_t pc, size_t pos, size_t *regs, bool *holds)
{
	const inst *in = &m->re->prog[pc];
	int8_t *memo = NULL;
	bool found = false;
	int error;

	if (!m->exact || in->c == 0)
		memo = &m->memo[(size_t)in->y * (m->len + 1) + pos];
	if (memo != NULL && *memo >= 0) {
		*holds = (*memo != 0) != (in->neg != 0);
		return 0;
	}
	if (m->exact) {
		size_t save[64], *copy = save;

		if (m->nregs > 64 &&
		    (copy = ecra_alloc(m->nregs * sizeof(*copy))) == NULL)
			return m->error = ECRA_ENOMEM;
		memcpy(copy, regs, m->nregs * sizeof(*copy));
		error = run(m, pc + 1, pos, false, copy, &found);
		if (error == 0 && found && !in->neg)
			memcpy(regs, copy, m->nregs * sizeof(*copy));
		if (copy != save)
			ecra_free(copy);
	} else
		error = run(m, pc + 1, pos, false, NULL, &found);
	if (error < 0)
		return error;
	if (memo != NULL)
		*memo = found ? 1 : 0;
	*holds = found != (in->neg != 0);
	return 0;
}

/* Copy the entry just popped from the closure stack to `out` (the
 * threads of the next position); NULL when out of memory. */
static size_t *hand_over(pike *m, scratch *sc, tarr *out)
{
	size_t *n = tarr_push(m, out, m->stride);

	if (n != NULL)
		memcpy(n, &sc->stack.v[m->stride * sc->stack.n],
		    m->stride * sizeof(size_t));
	return n;
}

/*
 * Follow the epsilon moves from the entry `seed` (pc + registers) at
 * `pos`, in priority order, appending consuming threads to `out`. Returns
 * 1 when a MATCH is reached (its registers copied to `regs` in exact
 * mode; lower-priority paths are dropped), 0, or an error.
 */
static int closure(pike *m, scratch *sc, const size_t *seed, size_t pos,
    tarr *out, size_t *regs)
{
	const inst *prog = m->re->prog;
	size_t stride = m->stride, *e, *n;
	int error;

	sc->stack.n = 0;
	if ((e = tarr_push(m, &sc->stack, stride)) == NULL)
		return m->error;
	memcpy(e, seed, stride * sizeof(size_t));
	while (sc->stack.n > 0) {
		size_t *r, *top = sc->tmp + stride;
		int32_t pc;
		const inst *in;

		e = &sc->stack.v[stride * --sc->stack.n];
		m->work++;
		if (m->exact) {
			if ((error = seen_add(m, sc, e)) < 0)
				return error;
			if (error == 1)
				continue;
		} else {
			if (sc->mark[e[0]] == sc->gen)
				continue;
			sc->mark[e[0]] = sc->gen;
		}
		pc = (int32_t)e[0];
		in = &prog[pc];
		r = e + m->roff;
		if (m->exact && e[1] > 0) {
			/* inside a backreference: one more unit */
			if ((n = hand_over(m, sc, out)) == NULL)
				return m->error;
			n[1]--;
			continue;
		}
		switch (in->op) {
		case OP_CHAR:
		case OP_ANY:
		case OP_CLASS:
			if (pos >= m->len || !consumes(m, in, at(m, pos)))
				continue;
			if ((n = hand_over(m, sc, out)) == NULL)
				return m->error;
			n[0] = (size_t)pc + 1;
			continue;
		case OP_MATCH:
			if (regs != NULL)
				memcpy(regs, r, m->nregs * sizeof(size_t));
			sc->stack.n = 0;
			return 1;
		case OP_JMP:
			e[0] = (size_t)in->x;
			sc->stack.n++;
			continue;
		case OP_SPLIT:
			/* push y, then x on top of it: x runs first */
			e[0] = (size_t)in->y;
			sc->stack.n++;
			if ((n = tarr_push(m, &sc->stack, stride)) == NULL)
				return m->error;
			memcpy(n, n - stride, stride * sizeof(size_t));
			n[0] = (size_t)in->x;
			continue;
		case OP_OPEN:
			if (m->exact)
				r[m->open_base + (size_t)in->x] = pos;
			break;
		case OP_CLOSE:
			if (m->exact) {
				r[2 * (size_t)in->x] =
				    r[m->open_base + (size_t)in->x];
				r[2 * (size_t)in->x + 1] = pos;
			}
			break;
		case OP_BOL:
			if (pos != 0)
				continue;
			break;
		case OP_EOL:
			if (pos != m->len)
				continue;
			break;
		case OP_WORDB: {
			bool a = pos > 0 && is_word(at(m, pos - 1));
			bool b = pos < m->len && is_word(at(m, pos));

			if ((a != b) == (in->neg != 0))
				continue;
			break;
		}
		case OP_BACKREF: {
			size_t st = r[2 * (size_t)in->x];
			size_t en = r[2 * (size_t)in->x + 1];
			size_t k;

			if (st == SIZE_MAX || en == SIZE_MAX || st == en)
				break;
			if (en - st > m->len - pos)
				continue;
			m->work += en - st;
			for (k = 0; k < en - st; k++)
				if (!unit_eq(m, at(m, st + k), at(m, pos + k)))
					break;
			if (k < en - st)
				continue;
			/* consume it one unit per step, as a character */
			if ((n = hand_over(m, sc, out)) == NULL)
				return m->error;
			n[0] = (size_t)pc + 1;
			n[1] = en - st - 1;
			continue;
		}
		case OP_LOOK: {
			bool holds;

			/* the nested run reuses nothing of sc, but look()
			 * may update r: keep a private copy */
			memcpy(top, e, stride * sizeof(size_t));
			if ((error = look(m, pc, pos, top + m->roff, &holds)) <
			    0)
				return error;
			if (!holds)
				continue;
			e = &sc->stack.v[stride * sc->stack.n];
			memcpy(e, top, stride * sizeof(size_t));
			e[0] = (size_t)in->x;
			sc->stack.n++;
			continue;
		}
		case OP_MARK:
			if (m->exact)
				r[m->mark_base + (size_t)in->x] = pos;
			break;
		case OP_CHECK:
			if (m->exact && r[m->mark_base + (size_t)in->x] == pos)
				continue;
			break;
		case OP_RESET:
			if (m->exact) {
				int32_t g;

				for (g = in->x; g < in->y; g++)
					r[2 * (size_t)g] =
					    r[2 * (size_t)g + 1] = SIZE_MAX;
			}
			break;
		default:
			continue;
		}
		/* fall through to the next instruction, same registers */
		e[0] = (size_t)pc + 1;
		sc->stack.n++;
	}
	return 0;
}

/*
 * Run from pc0 at `start`: anchored, or searching forward like exec().
 * `regs` (exact mode) holds the initial registers and receives the
 * match's.
 */
static int run(pike *m, int32_t pc0, size_t start, bool search, size_t *regs,
    bool *matched)
{
	scratch sc;
	size_t pos, k, stride = m->stride, *seed;
	bool found = false;
	int error = 0, r;

	*matched = false;
	memset(&sc, 0, sizeof(sc));
	if ((sc.tmp = ecra_alloc(2 * stride * sizeof(size_t))) == NULL ||
	    (!m->exact && (sc.mark = ecra_calloc(
	                       m->re->nprog, sizeof(*sc.mark))) == NULL)) {
		scratch_dispose(&sc);
		return m->error = ECRA_ENOMEM;
	}
	seed = sc.tmp;
	for (pos = start;; pos++) {
		tarr t;

		sc.gen++;
		if (m->exact)
			seen_clear(&sc);
		/* threads from the previous step, in priority order */
		for (k = 0; k < sc.cur.n && error == 0; k++) {
			r = closure(
			    m, &sc, &sc.cur.v[k * stride], pos, &sc.next, regs);
			if (r < 0)
				error = r;
			else if (r == 1) {
				found = true;
				break;
			}
		}
		/* a new attempt starting here, lowest priority */
		if (error == 0 && !found && !*matched &&
		    (pos == start || search)) {
			seed[0] = (size_t)pc0;
			if (m->exact) {
				seed[1] = 0;
				memcpy(
				    seed + 2, regs, m->nregs * sizeof(size_t));
			}
			r = closure(m, &sc, seed, pos, &sc.next, regs);
			if (r < 0)
				error = r;
			else if (r == 1)
				found = true;
		}
		if (error < 0)
			break;
		if (found) {
			*matched = true;
			found = false;
			/* plain mode: any match answers; exact: keep the
			 * higher-priority threads, they may still match */
			if (!m->exact)
				break;
		}
		t = sc.cur;
		sc.cur = sc.next;
		sc.next = t;
		sc.next.n = 0;
		if (pos >= m->len)
			break;
		if (sc.cur.n == 0 && (*matched || !search))
			break;
	}
	scratch_dispose(&sc);
	return error;
}

/* ------------------------------------------------------------------ */
/* Matching: a lazily built DFA over the plain mode                    */

/*
 * A yes/no test of a program without word boundaries, backreferences or
 * lookaheads (but for tail ones, see tail_lookahead()) runs on a DFA built as
 * it goes (as RE2 and Rust's regex-automata do): a state is the set of threads
 * (pcs) waiting at a position, plus whether the position is 0 (where ^ holds);
 * its closure is computed once, for a middle position (where $ fails) and for
 * the end (where it holds), and its transitions on units below 256 are cached.
 * Each unit then costs one table lookup. States are kept while the cache
 * holds fewer than DFA_MAX_STATES; past that the test runs on the Pike VM
 * (still linear), so memory stays bounded.
 */

#define DFA_MAX_STATES 2000
#define DFA_UNKNOWN    (-1)

typedef struct {
	int32_t *seeds; /* sorted pcs: the key */
	size_t nseeds;
	bool start;
	int32_t *cons; /* consuming threads after the closure */
	size_t ncons;
	bool mid_match, end_match;
	int32_t next[256];
} dstate;

struct ecra_jsre_dfa {
	dstate *states;
	size_t n, cap;
	int32_t *table; /* open addressing: state indexes, -1 empty */
	size_t table_cap;
	uint32_t *mark; /* closure: pc seen at generation mark[pc] */
	uint32_t gen;
	int32_t *stack, *buf; /* closure stack; a seed set being built */
	bool full;            /* over DFA_MAX_STATES: use the Pike VM */
};

static uint64_t seeds_hash(const int32_t *s, size_t n, bool start)
{
	uint64_t h = start ? 0x9E3779B97F4A7C15ull : 1469598103934665603ull;
	size_t k;

	for (k = 0; k < n; k++)
		h = (h ^ (uint64_t)(uint32_t)s[k]) * 1099511628211ull;
	return h;
}

/* Closure of `seeds` with ^ holding when `bol`, $ when `eol`: appends
 * the consuming pcs to cons (may be NULL) and tells whether MATCH is
 * reached. */
static bool dfa_closure(const ecra_jsre *re, struct ecra_jsre_dfa *d,
    const int32_t *seeds, size_t nseeds, bool bol, bool eol, int32_t *cons,
    size_t *ncons)
{
	size_t top = 0, k;
	bool match = false;

	if (++d->gen == 0) {
		memset(d->mark, 0, re->nprog * sizeof(*d->mark));
		d->gen = 1;
	}
	if (ncons != NULL)
		*ncons = 0;
	for (k = nseeds; k > 0; k--)
		d->stack[top++] = seeds[k - 1];
	while (top > 0) {
		int32_t pc = d->stack[--top];
		const inst *in = &re->prog[pc];

		if (d->mark[pc] == d->gen)
			continue;
		d->mark[pc] = d->gen;
		switch (in->op) {
		case OP_CHAR:
		case OP_ANY:
		case OP_CLASS:
			if (cons != NULL)
				cons[(*ncons)++] = pc;
			continue;
		case OP_MATCH:
			match = true;
			continue;
		case OP_JMP:
			d->stack[top++] = in->x;
			continue;
		case OP_SPLIT:
			d->stack[top++] = in->y;
			d->stack[top++] = in->x;
			continue;
		case OP_BOL:
			if (!bol)
				continue;
			break;
		case OP_EOL:
			if (!eol)
				continue;
			break;
		default: /* OPEN CLOSE MARK CHECK RESET, and LOOK (a tail
		          * lookahead, see tail_lookahead(), runs its body,
		          * which ends in a MATCH) */
			break;
		}
		d->stack[top++] = pc + 1;
	}
	return match;
}

static int int32_cmp(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

/* The state for a seed set (sorted, deduplicated here); -1 when out of
 * memory or full. */
static int32_t dfa_state(const ecra_jsre *re, struct ecra_jsre_dfa *d,
    int32_t *seeds, size_t n, bool start)
{
	size_t w = 0, k, slot;
	uint64_t h;
	dstate *st;

	qsort(seeds, n, sizeof(*seeds), int32_cmp);
	for (k = 0; k < n; k++)
		if (w == 0 || seeds[w - 1] != seeds[k])
			seeds[w++] = seeds[k];
	n = w;
	h = seeds_hash(seeds, n, start);
	for (slot = (size_t)h;; slot++) {
		int32_t at = d->table[slot & (d->table_cap - 1)];

		if (at < 0)
			break;
		st = &d->states[at];
		if (st->start == start && st->nseeds == n &&
		    (n == 0 ||
		        memcmp(st->seeds, seeds, n * sizeof(*seeds)) == 0))
			return at;
	}
	if (d->n >= DFA_MAX_STATES) {
		d->full = true;
		return -1;
	}
	if (d->n == d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 16;
		dstate *v = ecra_realloc(d->states, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		d->states = v;
		d->cap = cap;
	}
	st = &d->states[d->n];
	memset(st, 0, sizeof(*st));
	st->start = start;
	st->nseeds = n;
	st->seeds = ecra_alloc((n + 1) * sizeof(int32_t));
	st->cons = ecra_alloc(re->nprog * sizeof(int32_t));
	if (st->seeds == NULL || st->cons == NULL) {
		ecra_free(st->seeds);
		ecra_free(st->cons);
		return -1;
	}
	memcpy(st->seeds, seeds, n * sizeof(*seeds));
	for (k = 0; k < 256; k++)
		st->next[k] = DFA_UNKNOWN;
	st->mid_match =
	    dfa_closure(re, d, seeds, n, start, false, st->cons, &st->ncons);
	st->end_match = dfa_closure(re, d, seeds, n, start, true, NULL, NULL);
	{
		int32_t *c =
		    ecra_realloc(st->cons, (st->ncons + 1) * sizeof(*st->cons));

		if (c != NULL)
			st->cons = c;
	}
	d->table[slot & (d->table_cap - 1)] = (int32_t)d->n;
	return (int32_t)d->n++;
}

static void dfa_free(struct ecra_jsre_dfa *d)
{
	size_t k;

	if (d == NULL)
		return;
	for (k = 0; k < d->n; k++) {
		ecra_free(d->states[k].seeds);
		ecra_free(d->states[k].cons);
	}
	ecra_free(d->states);
	ecra_free(d->table);
	ecra_free(d->mark);
	ecra_free(d->stack);
	ecra_free(d->buf);
	ecra_free(d);
}

static struct ecra_jsre_dfa *dfa_new(const ecra_jsre *re)
{
	struct ecra_jsre_dfa *d = ecra_calloc(1, sizeof(*d));
	size_t k;

	if (d == NULL)
		return NULL;
	d->table_cap = (size_t)1 << 12; /* > 2 x DFA_MAX_STATES */
	if ((d->table = ecra_alloc(d->table_cap * sizeof(int32_t))) == NULL ||
	    (d->mark = ecra_calloc(re->nprog, sizeof(uint32_t))) == NULL ||
	    (d->stack = ecra_alloc((3 * re->nprog + 2) * sizeof(int32_t))) ==
	        NULL ||
	    (d->buf = ecra_alloc((re->nprog + 1) * sizeof(int32_t))) == NULL) {
		dfa_free(d);
		return NULL;
	}
	for (k = 0; k < d->table_cap; k++)
		d->table[k] = -1;
	return d;
}

/*
 * The DFA's answer: 1 match, 0 none, -1 when the DFA cannot answer (out
 * of memory or full: the caller runs the Pike VM).
 */
static int dfa_run(ecra_jsre *re, const uint16_t *str, size_t len,
    const uint32_t *cp, size_t *work)
{
	struct ecra_jsre_dfa *d = re->dfa;
	bool search = !re->anchored;
	int32_t s;
	size_t pos;

	if (d == NULL && (d = re->dfa = dfa_new(re)) == NULL)
		return -1;
	if (d->full)
		return -1;
	if (d->n == 0) {
		d->buf[0] = 0;
		if (dfa_state(re, d, d->buf, 1, true) != 0)
			return -1;
	}
	s = 0;
	for (pos = 0; pos < len; pos++) {
		const dstate *st = &d->states[s];
		uint32_t u = cp != NULL ? cp[pos] : str[pos];
		int32_t nx = u < 256 ? st->next[u] : DFA_UNKNOWN;

		if (st->mid_match)
			return 1;
		if (nx == DFA_UNKNOWN) {
			size_t k, n = 0;
			pike m;

			memset(&m, 0, sizeof(m));
			m.re = re;
			m.icase = (re->flags & ECRA_JSRE_ICASE) != 0;
			for (k = 0; k < st->ncons; k++)
				if (consumes(&m, &re->prog[st->cons[k]], u))
					d->buf[n++] = st->cons[k] + 1;
			if (search)
				d->buf[n++] = 0;
			if ((nx = dfa_state(re, d, d->buf, n, false)) < 0)
				return -1;
			/* states may have moved */
			if (u < 256)
				d->states[s].next[u] = nx;
		}
		s = nx;
		if (work != NULL)
			(*work)++;
		if (d->states[s].nseeds == 0)
			return 0; /* dead: nothing can match any more */
	}
	return d->states[s].mid_match || d->states[s].end_match ? 1 : 0;
}

int ecra_jsre_exec_work(bool *matched, ecra_jsre *re, const uint16_t *str,
    size_t len, size_t start, size_t *caps, size_t *work)
{
	pike m;
	size_t nlooks = re->nlooks, k;
	size_t *regs = NULL;
	uint32_t *cp = NULL;
	int error;

	*matched = false;
	memset(&m, 0, sizeof(m));
	m.re = re;
	m.s = str;
	m.len = len;
	m.icase = (re->flags & ECRA_JSRE_ICASE) != 0;
	m.exact = caps != NULL || re->has_backref;
	m.open_base = 2 * (re->ngroups + 1);
	m.mark_base = m.open_base + re->ngroups + 1;
	m.nregs = m.exact ? m.mark_base + re->nmarks : 0;
	m.roff = m.exact ? 2 : 1;
	m.stride = m.roff + m.nregs;
	if (start > len)
		return 0;
	if ((re->flags & ECRA_JSRE_UNICODE) != 0) {
		/* code points; offsets below count code points */
		size_t i, n = 0;

		if ((cp = ecra_alloc((len + 1) * sizeof(*cp))) == NULL)
			return ECRA_ENOMEM;
		for (i = 0; i < len; i++) {
			uint32_t c = str[i];

			if (c >= 0xD800 && c <= 0xDBFF && i + 1 < len &&
			    str[i + 1] >= 0xDC00 && str[i + 1] <= 0xDFFF) {
				c = 0x10000 + ((c - 0xD800) << 10) +
				    (str[i + 1] - 0xDC00u);
				i++;
			}
			cp[n++] = c;
		}
		m.cp = cp;
		len = n;
		m.len = n;
	}
	if (!m.exact && re->dfa_ok && start == 0) {
		int r = dfa_run(re, str, len, cp, work);

		if (r >= 0) {
			*matched = r == 1;
			ecra_free(cp);
			return 0;
		}
	}
	if (nlooks > 0) {
		if ((m.memo = ecra_alloc(nlooks * (len + 1))) == NULL) {
			ecra_free(cp);
			return ECRA_ENOMEM;
		}
		memset(m.memo, -1, nlooks * (len + 1));
	}
	if (m.exact) {
		if ((regs = ecra_alloc(m.nregs * sizeof(*regs))) == NULL) {
			ecra_free(m.memo);
			ecra_free(cp);
			return ECRA_ENOMEM;
		}
		for (k = 0; k < m.nregs; k++)
			regs[k] = SIZE_MAX;
	}
	error = run(&m, 0, start, !re->anchored, regs, matched);
	if (error == 0 && *matched && caps != NULL)
		for (k = 0; k < 2 * (re->ngroups + 1); k++)
			caps[k] = regs[k];
	ecra_free(m.memo);
	ecra_free(regs);
	ecra_free(cp);
	if (work != NULL)
		*work += m.work;
	return error;
}

int ecra_jsre_exec(bool *matched, ecra_jsre *re, const uint16_t *str,
    size_t len, size_t start, size_t *caps)
{
	return ecra_jsre_exec_work(matched, re, str, len, start, caps, NULL);
}
