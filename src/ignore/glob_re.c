/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * ignore/glob_re.c - the subset of JavaScript regular expressions that
 * minimatch generates, matched without backtracking.
 *
 * Supported: alternation, (?:...), (...), (?!...), (?=...), ^, $, ., the
 * quantifiers * + ? (greedy or lazy: only a yes/no answer is needed),
 * character classes with ranges and \p{...} properties, and the escapes
 * minimatch emits. Without the u flag the input and the source are
 * sequences of UTF-16 code units; with it, of code points. Syntax that
 * JavaScript rejects (e.g. "\-" outside a class with the u flag) makes the
 * compile fail, as `new RegExp` would throw.
 *
 * Matching is a Thompson/Pike simulation over a list of states, so time is
 * O(states x length); a lookahead is evaluated at most once per position
 * (memoised), which keeps the whole test polynomial.
 */
#include "ignore/glob_internal.h"

#include <string.h>

#include "core/alloc.h"

#define RE_MAX_NEST 1000

enum {
	RN_EMPTY,
	RN_CLASS,
	RN_CAT,
	RN_ALT,
	RN_STAR,
	RN_PLUS,
	RN_QUEST,
	RN_BOL,
	RN_EOL,
	RN_LOOK
};

typedef struct rnode {
	int type;
	bool neg;            /* RN_LOOK: negative */
	int cls;             /* RN_CLASS: class index; RN_LOOK: id */
	struct rnode *a;     /* quantifier / lookahead body */
	struct rnode **kids; /* RN_CAT, RN_ALT */
	size_t nkids;
} rnode;

typedef struct {
	bool neg;
	uint32_t props; /* bit i: ecra_glob_props[i] */
	ecra_glob_range *r;
	size_t nr, cap;
} rclass;

enum { I_CHAR, I_SPLIT, I_JMP, I_BOL, I_EOL, I_LOOK, I_MATCH };

typedef struct {
	uint8_t op;
	bool neg;
	int x, y; /* CHAR: class; SPLIT: targets; JMP: x; LOOK: x=sub, y=id */
} rinst;

struct ecra_glob_re {
	bool uflag;
	rinst *prog;
	int nprog;
	rclass *cls;
	int ncls;
	int nlook;
	int depth; /* lookahead nesting + 1 */
};

struct ecra_glob_scratch {
	size_t nprog, depth, nmemo, ninput;
	int *lists;      /* depth x 3 x nprog: cur, next, stack */
	uint32_t *marks; /* depth x nprog */
	uint32_t *gens;  /* current generation, per depth */
	int8_t *memo;
	uint32_t *input;
};

/* ---------------------------------------------------------------- parse */

typedef struct {
	ecra_glob_arena *a;
	const uint16_t *s;
	size_t n, i;
	bool u;
	bool err;
	int nest;
	rclass *cls;
	int ncls, capcls;
	int nlook;
} rparser;

static rnode *mk(rparser *p, int type, rnode *a)
{
	rnode *r = ecra_glob_arena_alloc(p->a, sizeof(*r));

	memset(r, 0, sizeof(*r));
	r->type = type;
	r->a = a;
	return r;
}

/* A growing list of nodes (RN_CAT / RN_ALT). */
typedef struct {
	rnode **v;
	size_t n, cap;
} rlist;

static void rlist_push(rparser *p, rlist *l, rnode *r)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		rnode **v = ecra_glob_arena_alloc(p->a, sizeof(*v) * cap);
		if (l->n)
			memcpy(v, l->v, sizeof(*v) * l->n);
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = r;
}

static rnode *mk_list(rparser *p, int type, rlist *l)
{
	rnode *r;

	if (l->n == 1)
		return l->v[0];
	r = mk(p, l->n ? type : RN_EMPTY, NULL);
	r->kids = l->v;
	r->nkids = l->n;
	return r;
}

static int new_class(rparser *p)
{
	if (p->ncls == p->capcls) {
		int cap = p->capcls ? p->capcls * 2 : 8;
		rclass *n =
		    ecra_glob_arena_alloc(p->a, sizeof(*n) * (size_t)cap);
		if (p->ncls)
			memcpy(n, p->cls, sizeof(*n) * (size_t)p->ncls);
		p->cls = n;
		p->capcls = cap;
	}
	memset(&p->cls[p->ncls], 0, sizeof(rclass));
	return p->ncls++;
}

static void class_add(rparser *p, int ci, uint32_t lo, uint32_t hi)
{
	rclass *c = &p->cls[ci];

	if (c->nr == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 4;
		ecra_glob_range *n =
		    ecra_glob_arena_alloc(p->a, sizeof(*n) * cap);
		if (c->nr)
			memcpy(n, c->r, sizeof(*n) * c->nr);
		c->r = n;
		c->cap = cap;
	}
	c->r[c->nr].lo = lo;
	c->r[c->nr].hi = hi;
	c->nr++;
}

static rnode *char_node(rparser *p, uint32_t lo, uint32_t hi, bool neg)
{
	rnode *r = mk(p, RN_CLASS, NULL);

	r->cls = new_class(p);
	class_add(p, r->cls, lo, hi);
	p->cls[r->cls].neg = neg;
	return r;
}

static bool is_hi(uint32_t c)
{
	return c >= 0xD800 && c <= 0xDBFF;
}

static bool is_lo(uint32_t c)
{
	return c >= 0xDC00 && c <= 0xDFFF;
}

/* One source character (a code point with the u flag). */
static uint32_t next_char(rparser *p)
{
	uint32_t c = p->s[p->i++];

	if (p->u && is_hi(c) && p->i < p->n && is_lo(p->s[p->i])) {
		c = 0x10000 + ((c - 0xD800) << 10) + (p->s[p->i] - 0xDC00);
		p->i++;
	}
	return c;
}

static int hexval(uint32_t c)
{
	if (c >= '0' && c <= '9')
		return (int)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (int)(c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (int)(c - 'A' + 10);
	return -1;
}

static bool is_syntax(uint32_t c)
{
	return c != 0 && c < 128 && strchr("^$\\.*+?()[]{}|/", (int)c) != NULL;
}

/*
 * An escape after '\' (p->i is past the backslash). Sets *ch to a
 * character, or *prop to a property index (returns 1 for a property,
 * 0 for a character). Errors set p->err.
 */
static int parse_escape(
    rparser *p, uint32_t *ch, int *prop, bool *pneg, bool in_class)
{
	uint32_t c;

	if (p->i >= p->n) {
		p->err = true; /* \ at end of pattern */
		return 0;
	}
	c = next_char(p);
	switch (c) {
	case 't':
		*ch = '\t';
		return 0;
	case 'n':
		*ch = '\n';
		return 0;
	case 'v':
		*ch = '\v';
		return 0;
	case 'f':
		*ch = '\f';
		return 0;
	case 'r':
		*ch = '\r';
		return 0;
	case 'x':
		if (p->i + 1 < p->n && hexval(p->s[p->i]) >= 0 &&
		    hexval(p->s[p->i + 1]) >= 0) {
			*ch = (uint32_t)(hexval(p->s[p->i]) * 16 +
			                 hexval(p->s[p->i + 1]));
			p->i += 2;
			return 0;
		}
		if (p->u)
			p->err = true;
		*ch = 'x';
		return 0;
	case 'p':
	case 'P':
		if (p->u) {
			size_t j = p->i, k;
			char name[16];
			if (j >= p->n || p->s[j] != '{') {
				p->err = true;
				return 0;
			}
			for (k = j + 1; k < p->n && p->s[k] != '}'; k++)
				;
			if (k >= p->n || k - j - 1 >= sizeof(name) ||
			    k == j + 1) {
				p->err = true;
				return 0;
			}
			for (size_t m = j + 1; m < k; m++) {
				if (p->s[m] > 127) {
					p->err = true;
					return 0;
				}
				name[m - j - 1] = (char)p->s[m];
			}
			name[k - j - 1] = 0;
			for (int q = 0; ecra_glob_props[q].name; q++) {
				if (strcmp(ecra_glob_props[q].name, name) ==
				    0) {
					*prop = q;
					*pneg = c == 'P';
					p->i = k + 1;
					return 1;
				}
			}
			/* minimatch only emits the names above */
			p->err = true;
			return 0;
		}
		*ch = c;
		return 0;
	case '0':
		if (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9') {
			p->err =
			    true; /* octal / back references: not emitted */
			return 0;
		}
		*ch = 0;
		return 0;
	case 'b':
		if (in_class) {
			*ch = 8;
			return 0;
		}
		p->err = true; /* word boundaries are not emitted */
		return 0;
	case 'B':
	case 'd':
	case 'D':
	case 'w':
	case 'W':
	case 's':
	case 'S':
	case 'c':
	case 'u':
	case 'k':
		p->err = true; /* never emitted by minimatch */
		return 0;
	default:
		if (c >= '1' && c <= '9') {
			p->err = true;
			return 0;
		}
		if (p->u && !is_syntax(c) && !(in_class && c == '-'))
			p->err = true; /* "Invalid escape" */
		*ch = c;
		return 0;
	}
}

static rnode *parse_class(rparser *p)
{
	rnode *r = mk(p, RN_CLASS, NULL);
	int ci = new_class(p);

	r->cls = ci;
	if (p->i < p->n && p->s[p->i] == '^') {
		p->cls[ci].neg = true;
		p->i++;
	}
	for (;;) {
		uint32_t a = 0, b = 0;
		int pa = -1, pb = -1, isprop;
		bool na = false, nb = false;

		if (p->i >= p->n) {
			p->err = true; /* unterminated character class */
			return r;
		}
		if (p->s[p->i] == ']') {
			p->i++;
			return r;
		}
		if (p->s[p->i] == '\\') {
			p->i++;
			isprop = parse_escape(p, &a, &pa, &na, true);
			if (p->err)
				return r;
			if (!isprop)
				pa = -1;
		} else {
			a = next_char(p);
		}
		if (p->i + 1 < p->n && p->s[p->i] == '-' &&
		    p->s[p->i + 1] != ']') {
			p->i++;
			if (p->s[p->i] == '\\') {
				p->i++;
				isprop = parse_escape(p, &b, &pb, &nb, true);
				if (p->err)
					return r;
				if (!isprop)
					pb = -1;
			} else {
				b = next_char(p);
			}
			if (pa >= 0 || pb >= 0) {
				if (p->u) {
					p->err = true;
					return r;
				}
				/* never reached: \p is only special with u */
			}
			if (a > b) {
				p->err = true; /* range out of order */
				return r;
			}
			class_add(p, ci, a, b);
			continue;
		}
		if (pa >= 0) {
			if (na) {
				p->err = true; /* \P is not emitted */
				return r;
			}
			p->cls[ci].props |= 1u << pa;
		} else {
			class_add(p, ci, a, a);
		}
	}
}

static rnode *parse_disj(rparser *p);

static rnode *parse_atom(rparser *p, bool *quantifiable)
{
	uint32_t c = p->s[p->i];
	rnode *r;

	*quantifiable = true;
	switch (c) {
	case '^':
		p->i++;
		*quantifiable = false;
		return mk(p, RN_BOL, NULL);
	case '$':
		p->i++;
		*quantifiable = false;
		return mk(p, RN_EOL, NULL);
	case '(':
		p->i++;
		if (++p->nest > RE_MAX_NEST) {
			p->err = true;
			return NULL;
		}
		if (p->i + 1 < p->n && p->s[p->i] == '?') {
			uint16_t k = p->s[p->i + 1];
			if (k == ':') {
				p->i += 2;
				r = parse_disj(p);
			} else if (k == '!' || k == '=') {
				p->i += 2;
				r = mk(p, RN_LOOK, parse_disj(p));
				r->neg = k == '!';
				r->cls = p->nlook++;
				*quantifiable = !p->u;
			} else {
				p->err = true; /* lookbehind, named groups */
				return NULL;
			}
		} else {
			r = parse_disj(p);
		}
		p->nest--;
		if (p->err)
			return NULL;
		if (p->i >= p->n || p->s[p->i] != ')') {
			p->err = true; /* unterminated group */
			return NULL;
		}
		p->i++;
		return r;
	case '[':
		p->i++;
		return parse_class(p);
	case '.':
		p->i++;
		r = char_node(p, '\n', '\n', true);
		class_add(p, r->cls, '\r', '\r');
		class_add(p, r->cls, 0x2028, 0x2029);
		return r;
	case '\\': {
		uint32_t ch = 0;
		int prop = -1;
		bool neg = false;
		p->i++;
		if (parse_escape(p, &ch, &prop, &neg, false)) {
			r = mk(p, RN_CLASS, NULL);
			r->cls = new_class(p);
			p->cls[r->cls].props = 1u << prop;
			p->cls[r->cls].neg = neg;
			return r;
		}
		if (p->err)
			return NULL;
		return char_node(p, ch, ch, false);
	}
	case '*':
	case '+':
	case '?':
		p->err = true; /* nothing to repeat */
		return NULL;
	case '{':
	case '}':
	case ']':
		if (p->u) {
			p->err = true; /* lone quantifier brackets */
			return NULL;
		}
		p->i++;
		return char_node(p, c, c, false);
	default:
		c = next_char(p);
		return char_node(p, c, c, false);
	}
}

static rnode *parse_alt(rparser *p)
{
	rlist seq = { NULL, 0, 0 };

	while (p->i < p->n && p->s[p->i] != '|' && p->s[p->i] != ')') {
		bool quant;
		rnode *t = parse_atom(p, &quant);
		if (p->err)
			return NULL;
		if (p->i < p->n && (p->s[p->i] == '*' || p->s[p->i] == '+' ||
		                       p->s[p->i] == '?')) {
			uint16_t q = p->s[p->i++];
			if (!quant) {
				p->err = true;
				return NULL;
			}
			t = mk(p,
			    q == '*'   ? RN_STAR
			    : q == '+' ? RN_PLUS
			               : RN_QUEST,
			    t);
			if (p->i < p->n && p->s[p->i] == '?')
				p->i++; /* lazy: same yes/no answer */
		}
		rlist_push(p, &seq, t);
	}
	return mk_list(p, RN_CAT, &seq);
}

static rnode *parse_disj(rparser *p)
{
	rlist alts = { NULL, 0, 0 };

	rlist_push(p, &alts, parse_alt(p));
	while (!p->err && p->i < p->n && p->s[p->i] == '|') {
		p->i++;
		rlist_push(p, &alts, parse_alt(p));
	}
	return mk_list(p, RN_ALT, &alts);
}

/* ----------------------------------------------------------------- emit */

typedef struct {
	ecra_glob_arena *a;
	rinst *prog;
	int n, cap;
	int depth, maxdepth;
} remit;

static int emit(remit *e, int op, int x, int y)
{
	if (e->n == e->cap) {
		int cap = e->cap ? e->cap * 2 : 32;
		rinst *n =
		    ecra_glob_arena_alloc(e->a, sizeof(*n) * (size_t)cap);
		if (e->n)
			memcpy(n, e->prog, sizeof(*n) * (size_t)e->n);
		e->prog = n;
		e->cap = cap;
	}
	e->prog[e->n].op = (uint8_t)op;
	e->prog[e->n].neg = false;
	e->prog[e->n].x = x;
	e->prog[e->n].y = y;
	return e->n++;
}

static void gen(remit *e, const rnode *r)
{
	int l1, l2;

	switch (r->type) {
	case RN_EMPTY:
		break;
	case RN_CLASS:
		emit(e, I_CHAR, r->cls, 0);
		break;
	case RN_CAT:
		for (size_t k = 0; k < r->nkids; k++)
			gen(e, r->kids[k]);
		break;
	case RN_ALT: {
		/* SPLIT a, next; a: ... JMP end; next: SPLIT b, next2 ... */
		int *jumps =
		    ecra_glob_arena_alloc(e->a, sizeof(int) * r->nkids);
		for (size_t k = 0; k < r->nkids; k++) {
			if (k + 1 < r->nkids) {
				l1 = emit(e, I_SPLIT, 0, 0);
				e->prog[l1].x = e->n;
				gen(e, r->kids[k]);
				jumps[k] = emit(e, I_JMP, 0, 0);
				e->prog[l1].y = e->n;
			} else {
				gen(e, r->kids[k]);
				jumps[k] = -1;
			}
		}
		for (size_t k = 0; k + 1 < r->nkids; k++)
			e->prog[jumps[k]].x = e->n;
		break;
	}
	case RN_STAR:
		l1 = emit(e, I_SPLIT, 0, 0);
		e->prog[l1].x = e->n;
		gen(e, r->a);
		emit(e, I_JMP, l1, 0);
		e->prog[l1].y = e->n;
		break;
	case RN_PLUS:
		l1 = e->n;
		gen(e, r->a);
		emit(e, I_SPLIT, l1, e->n + 1);
		break;
	case RN_QUEST:
		l1 = emit(e, I_SPLIT, 0, 0);
		e->prog[l1].x = e->n;
		gen(e, r->a);
		e->prog[l1].y = e->n;
		break;
	case RN_BOL:
		emit(e, I_BOL, 0, 0);
		break;
	case RN_EOL:
		emit(e, I_EOL, 0, 0);
		break;
	case RN_LOOK:
		l1 = emit(e, I_LOOK, 0, r->cls);
		e->prog[l1].neg = r->neg;
		l2 = emit(e, I_JMP, 0, 0);
		e->prog[l1].x = e->n;
		if (++e->depth > e->maxdepth)
			e->maxdepth = e->depth;
		gen(e, r->a);
		e->depth--;
		emit(e, I_MATCH, 0, 0);
		e->prog[l2].x = e->n;
		break;
	}
}

ecra_glob_re *ecra_glob_re_compile(
    ecra_glob_arena *a, const uint16_t *src, size_t n, bool uflag)
{
	rparser p;
	remit e;
	rnode *root;
	ecra_glob_re *re;

	memset(&p, 0, sizeof(p));
	p.a = a;
	p.s = src;
	p.n = n;
	p.u = uflag;
	root = parse_disj(&p);
	if (!p.err && p.i < p.n)
		p.err = true; /* unmatched ')' */
	if (p.err)
		return NULL;
	memset(&e, 0, sizeof(e));
	e.a = a;
	gen(&e, root);
	emit(&e, I_MATCH, 0, 0);
	re = ecra_glob_arena_alloc(a, sizeof(*re));
	re->uflag = uflag;
	re->prog = e.prog;
	re->nprog = e.n;
	re->cls = p.cls;
	re->ncls = p.ncls;
	re->nlook = p.nlook;
	re->depth = e.maxdepth + 1;
	return re;
}

/* ---------------------------------------------------------------- match */

static bool prop_has(int prop, uint32_t c)
{
	const ecra_glob_range *r = ecra_glob_props[prop].ranges;
	size_t lo = 0, hi = ecra_glob_props[prop].count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c < r[mid].lo)
			hi = mid;
		else if (c > r[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

static bool class_match(const rclass *k, uint32_t c)
{
	bool in = false;

	for (size_t i = 0; i < k->nr && !in; i++)
		in = c >= k->r[i].lo && c <= k->r[i].hi;
	for (int q = 0; !in && k->props >> q; q++)
		if ((k->props >> q) & 1)
			in = prop_has(q, c);
	return in != k->neg;
}

typedef struct {
	const ecra_glob_re *re;
	ecra_glob_scratch *s;
	const uint32_t *in;
	size_t n;
} rmatch;

static bool run(rmatch *m, int depth, int pc0, size_t pos0, bool anchored);

/* 1 when the lookahead's body matches at pos. */
static bool look(rmatch *m, int depth, const rinst *in, size_t pos)
{
	int8_t *slot = &m->s->memo[(size_t)in->y * (m->n + 1) + pos];

	if (*slot == 0)
		*slot = run(m, depth + 1, in->x, pos, true) ? 1 : 2;
	return *slot == 1;
}

/* Add the closure of pc at pos to list; returns true on reaching MATCH. */
static bool closure(
    rmatch *m, int depth, int pc, size_t pos, int *list, int *count)
{
	const rinst *prog = m->re->prog;
	size_t np = m->s->nprog;
	int *stack = m->s->lists + ((size_t)depth * 3 + 2) * np;
	uint32_t *marks = m->s->marks + (size_t)depth * np;
	uint32_t gen = m->s->gens[depth];
	int sp = 0;
	bool matched = false;

	if (marks[pc] == gen)
		return false;
	marks[pc] = gen;
	stack[sp++] = pc;
	while (sp > 0) {
		const rinst *in = &prog[stack[--sp]];
		int next[2], nn = 0;
		switch (in->op) {
		case I_CHAR:
			list[(*count)++] = (int)(in - prog);
			break;
		case I_MATCH:
			matched = true;
			break;
		case I_SPLIT:
			next[nn++] = in->y;
			next[nn++] = in->x;
			break;
		case I_JMP:
			next[nn++] = in->x;
			break;
		case I_BOL:
			if (pos == 0)
				next[nn++] = (int)(in - prog) + 1;
			break;
		case I_EOL:
			if (pos == m->n)
				next[nn++] = (int)(in - prog) + 1;
			break;
		case I_LOOK:
			if (look(m, depth, in, pos) != in->neg)
				next[nn++] = (int)(in - prog) + 1;
			break;
		}
		for (int k = 0; k < nn; k++) {
			if (marks[next[k]] != gen) {
				marks[next[k]] = gen;
				stack[sp++] = next[k];
			}
		}
	}
	return matched;
}

/* Start a new closure round at this depth: marks older than the current
 * generation count as unvisited. */
static void next_gen(ecra_glob_scratch *s, int depth)
{
	if (++s->gens[depth] == 0) {
		memset(s->marks + (size_t)depth * s->nprog, 0,
		    sizeof(uint32_t) * s->nprog);
		s->gens[depth] = 1;
	}
}

static bool run(rmatch *m, int depth, int pc0, size_t pos0, bool anchored)
{
	size_t np = m->s->nprog;
	int *cur = m->s->lists + (size_t)depth * 3 * np;
	int *nxt = cur + np, *tmp;
	int ncur = 0, nnxt;
	size_t i;

	next_gen(m->s, depth);
	if (closure(m, depth, pc0, pos0, cur, &ncur))
		return true;
	for (i = pos0; i < m->n; i++) {
		if (ncur == 0 && anchored)
			return false;
		nnxt = 0;
		next_gen(m->s, depth);
		for (int k = 0; k < ncur; k++) {
			const rinst *in = &m->re->prog[cur[k]];
			if (class_match(&m->re->cls[in->x], m->in[i]) &&
			    closure(m, depth, cur[k] + 1, i + 1, nxt, &nnxt))
				return true;
		}
		if (!anchored && closure(m, depth, pc0, i + 1, nxt, &nnxt))
			return true;
		tmp = cur;
		cur = nxt;
		nxt = tmp;
		ncur = nnxt;
	}
	return false;
}

static int scratch_fit(ecra_glob_scratch **sp, const ecra_glob_re *re, size_t n)
{
	ecra_glob_scratch *s = *sp;
	size_t nprog = (size_t)re->nprog, depth = (size_t)re->depth;
	size_t nmemo = (size_t)re->nlook * (n + 1);

	if (s == NULL) {
		if ((s = ecra_calloc(1, sizeof(*s))) == NULL)
			return -1;
		*sp = s;
	}
	if (nprog > s->nprog || depth > s->depth) {
		size_t np = nprog > s->nprog ? nprog : s->nprog;
		size_t d = depth > s->depth ? depth : s->depth;
		int *l = ecra_alloc(sizeof(int) * 3 * np * d);
		uint32_t *mk2 = ecra_calloc(np * d, sizeof(uint32_t));
		uint32_t *g = ecra_calloc(d, sizeof(uint32_t));
		if (l == NULL || mk2 == NULL || g == NULL) {
			ecra_free(l);
			ecra_free(mk2);
			ecra_free(g);
			return -1;
		}
		ecra_free(s->lists);
		ecra_free(s->marks);
		ecra_free(s->gens);
		s->lists = l;
		s->marks = mk2;
		s->gens = g;
		s->nprog = np;
		s->depth = d;
	}
	if (nmemo > s->nmemo) {
		int8_t *mm = ecra_alloc(nmemo);
		if (mm == NULL)
			return -1;
		ecra_free(s->memo);
		s->memo = mm;
		s->nmemo = nmemo;
	}
	if (n > s->ninput || s->input == NULL) {
		size_t cap = n < 64 ? 64 : n;
		uint32_t *in = ecra_alloc(sizeof(uint32_t) * cap);
		if (in == NULL)
			return -1;
		ecra_free(s->input);
		s->input = in;
		s->ninput = cap;
	}
	return 0;
}

int ecra_glob_re_test(const ecra_glob_re *re, ecra_glob_scratch **scratch,
    const uint16_t *s, size_t n)
{
	rmatch m;
	size_t len = 0;

	if (scratch_fit(scratch, re, n) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		uint32_t c = s[i];
		if (re->uflag && is_hi(c) && i + 1 < n && is_lo(s[i + 1])) {
			c = 0x10000 + ((c - 0xD800) << 10) +
			    (s[i + 1] - 0xDC00);
			i++;
		}
		(*scratch)->input[len++] = c;
	}
	if (re->nlook)
		memset((*scratch)->memo, 0, (size_t)re->nlook * (len + 1));
	m.re = re;
	m.s = *scratch;
	m.in = (*scratch)->input;
	m.n = len;
	return run(&m, 0, 0, 0, false) ? 1 : 0;
}

void ecra_glob_scratch_free(ecra_glob_scratch *s)
{
	if (s == NULL)
		return;
	ecra_free(s->lists);
	ecra_free(s->marks);
	ecra_free(s->gens);
	ecra_free(s->memo);
	ecra_free(s->input);
	ecra_free(s);
}
