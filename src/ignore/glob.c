/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * ignore/glob.c - the GLOB ignore strategy: aws-cdk-lib 2.276.0's
 * GlobIgnoreStrategy, i.e. for each pattern in order
 * minimatch(rel, pattern, {matchBase: true, flipNegate: true}) with
 * minimatch 10.2.6; the last matching pattern wins and a pattern starting
 * with '!' re-includes. completelyIgnores is the same as ignores.
 *
 * Each pattern is compiled once, as minimatch's Minimatch constructor
 * does (negation, brace expansion, splitting on '/', the level-1
 * optimisation of ".." and "**" parts, one matcher per part), and matched
 * with minimatch's matchOne / globstar algorithm. Paths and patterns are
 * UTF-8 here and UTF-16 in JavaScript; both are converted to UTF-16 (an
 * invalid byte sequence becomes U+FFFD, as Node does for file names) so
 * lengths, "?" and classes see what JavaScript sees.
 */
#include "ignore/ignore.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "ignore/glob_internal.h"
#include "ignore/jsre.h"

#define MAX_PATTERN_LENGTH     (1024 * 64)
#define MAX_GLOBSTAR_RECURSION 200
/* Compile budget per pattern: beyond it the pattern is rejected as too
 * complex (JavaScript would take minutes or run out of memory). */
#define PATTERN_BUDGET ((size_t)64 << 20)
/* Brace expansion alone may hold two lists of 4,000,000 characters (the
 * brace-expansion cap) */
#define EXPANSION_BUDGET ((size_t)256 << 20)

/* ------------------------------------------------------- compiled form */

enum { PK_LITERAL, PK_GLOBSTAR, PK_REGEX };
enum {
	FT_NONE,
	FT_STAR,
	FT_STAR_EXT,
	FT_QMARKS,
	FT_STAR_DOT_STAR,
	FT_DOT_STAR
};

typedef struct {
	int kind;
	int fast;
	const uint16_t *lit; /* literal, or the fast test's extension */
	size_t nlit;
	size_t qlen; /* FT_QMARKS: the whole part's length */
	ecra_jsre *re;
} gpart;

typedef struct {
	gpart *parts;
	size_t n;
	bool globstar;
} gset;

typedef struct {
	bool cdk_negate; /* starts with '!': a match re-includes */
	bool comment;
	bool empty;
	gset *sets;
	size_t nsets;
} gpattern;

typedef struct {
	uint32_t off, len;
} gseg;

typedef struct {
	ecra_glob_arena perm; /* the compiled patterns */
	ecra_glob_arena tmp;  /* per-pattern compile work */
	ecra_glob_arena part; /* per-part compile work (reset per part) */
	gpattern *pats;
	size_t npats;
	ecra_jsre **res; /* every regex compiled, to free them */
	size_t nres, capres;
	uint16_t *buf;
	size_t bufcap;
	gseg *segs;
	size_t segcap;
	int8_t *memo;
	size_t memocap;
} gstate;

/* The file being matched: segments of the UTF-16 buffer. */
typedef struct {
	gstate *st;
	const uint16_t *buf;
	const gseg *seg;
	size_t n;
	int error;
} gfile;

/* ------------------------------------------------------------- compile */

static bool all_of(const ecra_glob_str *s, size_t from, size_t to, int ch)
{
	for (size_t i = from; i < to; i++)
		if (s->p[i] != ch)
			return false;
	return true;
}

static bool ext_char_ok(uint16_t c)
{
	return c != '+' && c != '@' && c != '!' && c != '?' && c != '*' &&
	       c != '[' && c != '(';
}

/* minimatch's fast-test regexps, in its order. */
static void detect_fast(const ecra_glob_str *p, gpart *out)
{
	size_t i = 0, n = p->n;

	out->fast = FT_NONE;
	while (i < n && p->p[i] == '*')
		i++;
	if (i > 0 && i == n) { /* ^\*+$ */
		out->fast = FT_STAR;
		return;
	}
	if (i > 0) { /* ^\*+([^+@!?*[(]*)$ */
		size_t j = i;
		while (j < n && ext_char_ok(p->p[j]))
			j++;
		if (j == n) {
			out->fast = FT_STAR_EXT;
			out->lit = p->p + i;
			out->nlit = n - i;
			return;
		}
	}
	if (n > 0 && p->p[0] == '?') { /* ^\?+([^+@!?*[(]*)?$ */
		size_t q = 0, j;
		while (q < n && p->p[q] == '?')
			q++;
		j = q;
		while (j < n && ext_char_ok(p->p[j]))
			j++;
		if (j == n) {
			out->fast = FT_QMARKS;
			out->lit = p->p + q;
			out->nlit = n - q;
			out->qlen = n;
			return;
		}
	}
	if (i > 0 && i < n && p->p[i] == '.' && i + 1 < n &&
	    all_of(p, i + 1, n, '*')) { /* ^\*+\.\*+$ */
		out->fast = FT_STAR_DOT_STAR;
		return;
	}
	if (n >= 2 && p->p[0] == '.' && all_of(p, 1, n, '*')) { /* ^\.\*+$ */
		out->fast = FT_DOT_STAR;
		return;
	}
}

static bool str_is(const ecra_glob_str *s, const char *lit)
{
	size_t n = strlen(lit);

	if (s->n != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s->p[i] != (unsigned char)lit[i])
			return false;
	return true;
}

static uint16_t *perm_copy(gstate *st, const uint16_t *p, size_t n)
{
	uint16_t *q = ecra_glob_arena_alloc(&st->perm, sizeof(*q) * (n + 1));

	if (n)
		memcpy(q, p, sizeof(*q) * n);
	return q;
}

/* minimatch's parse() of one part. Returns false when JS would throw. */
static bool compile_part(
    gstate *st, ecra_glob_arena *tmp, const ecra_glob_str *p, gpart *out)
{
	ecra_glob_segsrc ss;

	memset(out, 0, sizeof(*out));
	if (str_is(p, "**")) {
		out->kind = PK_GLOBSTAR;
		return true;
	}
	if (p->n == 0) {
		out->kind = PK_LITERAL;
		out->lit = perm_copy(st, NULL, 0);
		return true;
	}
	memset(&ss, 0, sizeof(ss));
	ecra_glob_ast_compile(tmp, &ss, p->p, p->n);
	if (!ss.magic) {
		out->kind = PK_LITERAL;
		out->lit = perm_copy(st, ss.body.p, ss.body.n);
		out->nlit = ss.body.n;
		return true;
	}
	out->kind = PK_REGEX;
	detect_fast(p, out);
	if (out->fast != FT_NONE) {
		out->lit = perm_copy(st, out->lit, out->nlit);
		return true;
	}
	{
		ecra_glob_str src = { NULL, 0, 0 };
		ecra_glob_str_push(tmp, &src, '^');
		ecra_glob_str_append(tmp, &src, ss.src.p, ss.src.n);
		ecra_glob_str_push(tmp, &src, '$');
		const char *why = NULL;
		int rc;

		if (st->nres == st->capres) {
			size_t cap = st->capres ? 2 * st->capres : 8;
			ecra_jsre **v = ecra_realloc(st->res, cap * sizeof(*v));

			if (v == NULL)
				longjmp(*st->perm.oom, 1);
			st->res = v;
			st->capres = cap;
		}
		rc = ecra_jsre_compile(&out->re, src.p, src.n,
		    ss.uflag ? ECRA_JSRE_UNICODE : 0, &why);
		if (rc == ECRA_ENOMEM)
			longjmp(*st->perm.oom, 1);
		if (rc < 0)
			return false;
		st->res[st->nres++] = out->re;
	}
	return true;
}

/* p.split(/\/+/) */
static ecra_glob_strlist slash_split(ecra_glob_arena *a, const ecra_glob_str *s)
{
	ecra_glob_strlist l = { NULL, 0, 0 };
	size_t st = 0, i = 0;

	while (i <= s->n) {
		if (i == s->n || s->p[i] == '/') {
			ecra_glob_str part = { NULL, 0, 0 };
			ecra_glob_str_append(a, &part, s->p + st, i - st);
			ecra_glob_strlist_push(a, &l, part);
			if (i == s->n)
				break;
			while (i < s->n && s->p[i] == '/')
				i++;
			st = i;
			continue;
		}
		i++;
	}
	return l;
}

/* levelOneOptimize */
static ecra_glob_strlist level_one(ecra_glob_arena *a, ecra_glob_strlist in)
{
	ecra_glob_strlist out = { NULL, 0, 0 };

	for (size_t i = 0; i < in.n; i++) {
		ecra_glob_str *prev = out.n ? &out.v[out.n - 1] : NULL;
		if (str_is(&in.v[i], "**") && prev && str_is(prev, "**"))
			continue;
		if (str_is(&in.v[i], "..") && prev && prev->n > 0 &&
		    !str_is(prev, "..") && !str_is(prev, ".") &&
		    !str_is(prev, "**")) {
			out.n--;
			continue;
		}
		ecra_glob_strlist_push(a, &out, in.v[i]);
	}
	if (out.n == 0) {
		ecra_glob_str e = { NULL, 0, 0 };
		ecra_glob_str_append(a, &e, NULL, 0);
		ecra_glob_strlist_push(a, &out, e);
	}
	return out;
}

static uint64_t hash16(const ecra_glob_str *s)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < s->n; i++)
		h = (h ^ s->p[i]) * 1099511628211ull;
	return h;
}

/* [...new Set(list)] */
static ecra_glob_strlist dedupe(ecra_glob_arena *a, ecra_glob_strlist in)
{
	ecra_glob_strlist out = { NULL, 0, 0 };
	size_t cap = 16, mask;
	int64_t *tab;

	while (cap < in.n * 2)
		cap *= 2;
	mask = cap - 1;
	tab = ecra_glob_arena_alloc(a, sizeof(*tab) * cap);
	for (size_t i = 0; i < cap; i++)
		tab[i] = -1;
	for (size_t i = 0; i < in.n; i++) {
		size_t h = (size_t)hash16(&in.v[i]) & mask;
		bool dup = false;
		while (tab[h] >= 0) {
			ecra_glob_str *o = &out.v[tab[h]];
			if (o->n == in.v[i].n &&
			    (o->n == 0 ||
			        memcmp(o->p, in.v[i].p, o->n * 2) == 0)) {
				dup = true;
				break;
			}
			h = (h + 1) & mask;
		}
		if (dup)
			continue;
		tab[h] = (int64_t)out.n;
		ecra_glob_strlist_push(a, &out, in.v[i]);
	}
	return out;
}

static int compile_one(gstate *st, gpattern *gp, const char *pattern)
{
	jmp_buf jb;
	volatile int rc = 0;
	size_t len = strlen(pattern);
	uint16_t *u = NULL;
	size_t n;

	memset(gp, 0, sizeof(*gp));
	gp->cdk_negate = pattern[0] == '!';
	if ((u = ecra_alloc(sizeof(*u) * (len + 1))) == NULL)
		return ECRA_ENOMEM;
	n = ecra_utf8_to_utf16_units(pattern, len, u);
	if (n > MAX_PATTERN_LENGTH) {
		ecra_free(u);
		return ecra_error_set(ECRA_EINVALID,
		    "invalid pattern '%.64s...': pattern is too long", pattern);
	}
	if (n > 0 && u[0] == '#') {
		gp->comment = true;
		ecra_free(u);
		return 0;
	}
	if (n == 0) {
		gp->empty = true;
		ecra_free(u);
		return 0;
	}
	ecra_glob_arena_init(&st->tmp, &jb, EXPANSION_BUDGET);
	ecra_glob_arena_init(&st->part, &jb, PATTERN_BUDGET);
	st->perm.oom = &jb;
	switch (setjmp(jb)) {
	case 0: {
		ecra_glob_strlist expanded = { NULL, 0, 0 };
		size_t off = 0;
		while (off < n && u[off] == '!')
			off++;
		ecra_glob_brace_expand(&st->tmp, &expanded, u + off, n - off);
		expanded = dedupe(&st->tmp, expanded);
		gp->nsets = expanded.n;
		gp->sets = ecra_glob_arena_alloc(
		    &st->perm, sizeof(gset) * (expanded.n ? expanded.n : 1));
		for (size_t i = 0; i < expanded.n; i++) {
			ecra_glob_strlist parts;
			gset *s = &gp->sets[i];
			ecra_glob_arena_reset(&st->part, PATTERN_BUDGET);
			parts = level_one(
			    &st->part, slash_split(&st->part, &expanded.v[i]));
			s->globstar = false;
			s->n = parts.n;
			s->parts = ecra_glob_arena_alloc(
			    &st->perm, sizeof(gpart) * parts.n);
			for (size_t k = 0; k < parts.n; k++) {
				if (!compile_part(st, &st->part, &parts.v[k],
				        &s->parts[k])) {
					rc = ecra_error_set(ECRA_EINVALID,
					    "invalid pattern '%s': not a valid "
					    "regular expression",
					    pattern);
					goto done;
				}
				if (s->parts[k].kind == PK_GLOBSTAR)
					s->globstar = true;
			}
		}
		break;
	}
	case 1:
		rc = ECRA_ENOMEM;
		break;
	case 2:
		rc = ecra_error_set(ECRA_EINVALID,
		    "invalid pattern '%s': too complex", pattern);
		break;
	default:
		rc = ecra_error_set(
		    ECRA_EINVALID, "invalid pattern '%s'", pattern);
		break;
	}
done:
	ecra_glob_arena_fini(&st->tmp);
	ecra_glob_arena_fini(&st->part);
	st->perm.oom = NULL; /* nothing allocates from it after compile */
	ecra_free(u);
	return rc;
}

static void release(void *state)
{
	gstate *st = state;

	if (st == NULL)
		return;
	ecra_glob_arena_fini(&st->perm);
	ecra_free(st->pats);
	for (size_t k = 0; k < st->nres; k++)
		ecra_jsre_free(st->res[k]);
	ecra_free(st->res);
	ecra_free(st->buf);
	ecra_free(st->segs);
	ecra_free(st->memo);
	ecra_free(st);
}

static int compile(void **state_out, const char *const *patterns, size_t count)
{
	gstate *st = NULL;
	int rc = 0;

	*state_out = NULL;
	if ((st = ecra_calloc(1, sizeof(*st))) == NULL)
		return ECRA_ENOMEM;
	ecra_glob_arena_init(&st->perm, NULL, (size_t)-1);
	if (count > 0 &&
	    (st->pats = ecra_calloc(count, sizeof(gpattern))) == NULL) {
		rc = ECRA_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < count; i++) {
		if (patterns[i] == NULL) {
			rc = ecra_error_set(ECRA_EINVALID, "invalid pattern");
			goto done;
		}
		if ((rc = compile_one(st, &st->pats[i], patterns[i])) < 0)
			goto done;
		st->npats = i + 1;
	}
	*state_out = st;
	st = NULL;
done:
	release(st);
	return rc;
}

/* ---------------------------------------------------------------- match */

static bool seg_is_dotty(const gfile *f, size_t i)
{
	return f->seg[i].len > 0 && f->buf[f->seg[i].off] == '.';
}

static bool ends_with(const uint16_t *s, size_t n, const uint16_t *e, size_t ne)
{
	return ne <= n && (ne == 0 || memcmp(s + n - ne, e, ne * 2) == 0);
}

static bool part_test(gfile *f, const gpart *p, size_t i)
{
	const uint16_t *s = f->buf + f->seg[i].off;
	size_t n = f->seg[i].len;
	bool m = false;

	if (p->kind == PK_LITERAL)
		return n == p->nlit &&
		       (n == 0 || memcmp(s, p->lit, n * 2) == 0);
	switch (p->fast) {
	case FT_STAR:
		return n != 0 && s[0] != '.';
	case FT_STAR_EXT:
		return !(n > 0 && s[0] == '.') &&
		       ends_with(s, n, p->lit, p->nlit);
	case FT_QMARKS:
		return n == p->qlen && !(n > 0 && s[0] == '.') &&
		       (p->nlit == 0 || ends_with(s, n, p->lit, p->nlit));
	case FT_STAR_DOT_STAR:
		if (n > 0 && s[0] == '.')
			return false;
		for (size_t k = 0; k < n; k++)
			if (s[k] == '.')
				return true;
		return false;
	case FT_DOT_STAR:
		return n > 0 && s[0] == '.' && !(n == 1) &&
		       !(n == 2 && s[1] == '.');
	default:
		break;
	}
	if (ecra_jsre_exec(&m, p->re, s, n, 0, NULL) < 0) {
		f->error = ECRA_ENOMEM;
		return false;
	}
	return m;
}

/* #matchOne(file.slice(0, flen), pattern[pi0..pl), false, fi0, pi0) */
static bool match_one(
    gfile *f, size_t flen, const gpart *pat, size_t pl, size_t fi, size_t pi)
{
	for (; fi < flen && pi < pl; fi++, pi++) {
		if (pat[pi].kind == PK_GLOBSTAR)
			return false;
		if (!part_test(f, &pat[pi], fi))
			return false;
	}
	if (fi == flen && pi == pl)
		return true;
	if (fi == flen)
		return false;
	if (pi == pl)
		return fi == flen - 1 && f->seg[fi].len == 0;
	return false;
}

typedef struct {
	const gpart *parts;
	size_t n;
	long after;
} gbody;

enum { R_FALSE = 0, R_TRUE = 1, R_NULL = 2 };

typedef struct {
	gfile *f;
	const gbody *segs;
	size_t nsegs;
	bool saw_tail;
	int8_t *memo; /* (nsegs + 1) x (file length + 1), 0 = unknown */
} gsections;

static int sections(gsections *g, size_t fi, size_t bi, int depth)
{
	gfile *f = g->f;
	int8_t *slot = &g->memo[bi * (f->n + 1) + (fi <= f->n ? fi : f->n)];
	int res;

	if (*slot)
		return *slot - 1;
	if (bi == g->nsegs) {
		bool saw = g->saw_tail;
		res = -1;
		for (size_t i = fi; i < f->n; i++) {
			saw = true;
			if (seg_is_dotty(f, i)) {
				res = R_FALSE;
				break;
			}
		}
		if (res < 0)
			res = saw ? R_TRUE : R_FALSE;
	} else {
		const gbody *b = &g->segs[bi];
		res = R_NULL;
		while ((long)fi <= b->after) {
			size_t flen = fi + b->n < f->n ? fi + b->n : f->n;
			if (match_one(f, flen, b->parts, b->n, fi, 0) &&
			    depth < MAX_GLOBSTAR_RECURSION) {
				int sub =
				    sections(g, fi + b->n, bi + 1, depth + 1);
				if (sub != R_FALSE) {
					res = sub;
					break;
				}
			}
			if (f->error) {
				res = R_FALSE;
				break;
			}
			if (seg_is_dotty(f, fi)) {
				res = R_FALSE;
				break;
			}
			fi++;
		}
	}
	*slot = (int8_t)(res + 1);
	return res;
}

static bool match_globstar(gfile *f, const gset *set)
{
	const gpart *pat = set->parts;
	size_t pl = set->n, firstgs = 0, lastgs = 0, fi = 0;
	size_t tail_n, file_tail_match = 0;
	bool found = false;

	for (size_t i = 0; i < pl; i++) {
		if (pat[i].kind == PK_GLOBSTAR) {
			if (!found)
				firstgs = i;
			lastgs = i;
			found = true;
		}
	}
	/* head */
	if (firstgs > 0) {
		size_t flen = firstgs < f->n ? firstgs : f->n;
		if (!match_one(f, flen, pat, firstgs, 0, 0))
			return false;
		fi = firstgs;
	}
	/* tail */
	tail_n = pl - lastgs - 1;
	if (tail_n) {
		size_t tail_start;
		if (tail_n + fi > f->n)
			return false;
		tail_start = f->n - tail_n;
		if (match_one(
		        f, f->n, pat + lastgs + 1, tail_n, tail_start, 0)) {
			file_tail_match = tail_n;
		} else {
			if (f->seg[f->n - 1].len != 0 || fi + tail_n == f->n)
				return false;
			tail_start--;
			if (!match_one(f, f->n, pat + lastgs + 1, tail_n,
			        tail_start, 0))
				return false;
			file_tail_match = tail_n + 1;
		}
	}
	if (lastgs <= firstgs + 1) {
		bool saw = file_tail_match != 0;
		for (size_t i = fi; i < f->n - file_tail_match; i++) {
			saw = true;
			if (seg_is_dotty(f, i))
				return false;
		}
		return saw;
	}
	{
		/* body sections between the first and last globstar */
		gbody segs_local[16];
		gbody *segs = segs_local;
		size_t nsegs = 1, cur = 0, non_gs = 0;
		size_t *sums = NULL, sums_local[16];
		long file_length = (long)(f->n - file_tail_match);
		gsections g;
		size_t memo_n;
		int r;

		for (size_t i = firstgs + 1; i < lastgs; i++)
			if (pat[i].kind == PK_GLOBSTAR)
				nsegs++;
		if (nsegs > 16) {
			segs = ecra_alloc(sizeof(*segs) * nsegs);
			sums = ecra_alloc(sizeof(*sums) * nsegs);
			if (segs == NULL || sums == NULL) {
				ecra_free(segs);
				ecra_free(sums);
				f->error = ECRA_ENOMEM;
				return false;
			}
		} else {
			sums = sums_local;
		}
		sums[0] = 0;
		segs[0].parts = pat + firstgs + 1;
		segs[0].n = 0;
		for (size_t i = firstgs + 1; i < lastgs; i++) {
			if (pat[i].kind == PK_GLOBSTAR) {
				sums[++cur] = non_gs;
				segs[cur].parts = pat + i + 1;
				segs[cur].n = 0;
			} else {
				segs[cur].n++;
				non_gs++;
			}
		}
		/* minimatch pairs segment k with the prefix sum of the
		 * first nsegs-1-k segments; kept as is */
		for (size_t k = 0; k < nsegs; k++)
			segs[k].after = file_length -
			                (long)(sums[nsegs - 1 - k] + segs[k].n);
		memo_n = (nsegs + 1) * (f->n + 1);
		if (memo_n > f->st->memocap) {
			int8_t *m = ecra_alloc(memo_n);
			if (m == NULL) {
				if (segs != segs_local) {
					ecra_free(segs);
					ecra_free(sums);
				}
				f->error = ECRA_ENOMEM;
				return false;
			}
			ecra_free(f->st->memo);
			f->st->memo = m;
			f->st->memocap = memo_n;
		}
		memset(f->st->memo, 0, memo_n);
		g.f = f;
		g.segs = segs;
		g.nsegs = nsegs;
		g.saw_tail = file_tail_match != 0;
		g.memo = f->st->memo;
		r = sections(&g, fi, 0, 0);
		if (segs != segs_local) {
			ecra_free(segs);
			ecra_free(sums);
		}
		return r == R_TRUE;
	}
}

static bool pattern_matches(
    gfile *ff, gfile *base, const gpattern *gp, bool rel_empty)
{
	if (gp->comment)
		return false;
	if (gp->empty)
		return rel_empty;
	for (size_t i = 0; i < gp->nsets; i++) {
		const gset *s = &gp->sets[i];
		gfile *f = s->n == 1 ? base : ff;
		bool hit = s->globstar
		               ? match_globstar(f, s)
		               : match_one(f, f->n, s->parts, s->n, 0, 0);
		if (ff->error || base->error)
			return false;
		if (hit)
			return true;
	}
	return false;
}

static int match(bool *out, void *state, const char *rel, bool complete)
{
	gstate *st = state;
	size_t len = strlen(rel), n, nseg = 0, start = 0, fname = 0;
	gfile ff, base;

	(void)complete; /* completelyIgnores == ignores */
	*out = false;
	if (len + 1 > st->bufcap) {
		uint16_t *b = ecra_alloc(sizeof(*b) * (len + 1));
		if (b == NULL)
			return ECRA_ENOMEM;
		ecra_free(st->buf);
		st->buf = b;
		st->bufcap = len + 1;
	}
	n = ecra_utf8_to_utf16_units(rel, len, st->buf);
	if (n / 2 + 2 > st->segcap) {
		size_t cap = n / 2 + 2 < 16 ? 16 : n / 2 + 2;
		gseg *s = ecra_alloc(sizeof(*s) * cap);
		if (s == NULL)
			return ECRA_ENOMEM;
		ecra_free(st->segs);
		st->segs = s;
		st->segcap = cap;
	}
	/* rel.split(/\/+/) */
	for (size_t i = 0; i <= n;) {
		if (i == n || st->buf[i] == '/') {
			st->segs[nseg].off = (uint32_t)start;
			st->segs[nseg].len = (uint32_t)(i - start);
			nseg++;
			if (i == n)
				break;
			while (i < n && st->buf[i] == '/')
				i++;
			start = i;
			continue;
		}
		i++;
	}
	/* basename: the last non-empty segment */
	fname = nseg - 1;
	for (size_t i = nseg - 1; st->segs[fname].len == 0 && i-- > 0;)
		fname = i;
	ff.st = st;
	ff.buf = st->buf;
	ff.seg = st->segs;
	ff.n = nseg;
	ff.error = 0;
	base = ff;
	base.seg = &st->segs[fname];
	base.n = 1;
	/* the last matching pattern decides */
	for (size_t i = st->npats; i-- > 0;) {
		bool hit = pattern_matches(&ff, &base, &st->pats[i], n == 0);
		if (ff.error || base.error)
			return ecra_error_set(ECRA_ENOMEM, "out of memory");
		if (hit) {
			*out = !st->pats[i].cdk_negate;
			return 0;
		}
	}
	return 0;
}

const ecra_ignore_strategy ecra_ignore_glob_strategy = {
	compile,
	match,
	release,
};
