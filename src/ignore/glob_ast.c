/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * ignore/glob_ast.c - one path segment of a glob turned into the regular
 * expression source minimatch 10.2.6 builds for it (its AST class:
 * extglob parsing, flattening, negation tails, dot protection, character
 * classes and POSIX classes).
 *
 * This follows minimatch's algorithm step by step, quirks included (the
 * toString cache that is not refreshed after negation tails are copied
 * in, parts lists shared after a child "usurps" its parent, invalid
 * extglobs whose raw text becomes regular expression source, ...), because
 * the aim is the same answer for every input.
 */
#include "ignore/glob_internal.h"

#include <string.h>

#define AST_MAX_DEPTH 500
/* Negation tails are copied into every negation: x!(a)!(a)!(a)... grows
 * exponentially (in minimatch too). Past this many nodes, give up. */
#define AST_MAX_NODES 100000

typedef struct gast gast;

typedef struct {
	gast *node; /* NULL: a string part */
	ecra_glob_str s;
} gpart;

typedef struct {
	gpart *v;
	size_t n, cap;
} gparts; /* shared between nodes after a usurp, like a JS array */

typedef struct {
	gast **v;
	size_t n, cap;
} gastlist;

struct gast {
	int type; /* 0 (null) or one of ! ? + * @ */
	gast *root, *parent;
	size_t parent_index;
	gparts *parts;
	int has_magic; /* -1 undefined, 0, 1 */
	bool uflag;
	bool empty_ext;
	bool filled_negs; /* root only */
	gastlist *negs;   /* shared with the root */
	bool str_valid;
	ecra_glob_str str; /* toString() cache */
};

typedef struct {
	ecra_glob_arena *a;
	int depth;
	size_t nodes;
} gctx;

/* The regex result of toRegExpSource: [re, body, hasMagic, uflag]. */
typedef struct {
	ecra_glob_str re;
	ecra_glob_str body;
	bool has_magic;
	bool uflag;
} gres;

static const char *START_NO_TRAVERSAL = "(?!(?:^|/)\\.\\.?(?:$|/))";
static const char *START_NO_DOT = "(?!\\.)";
static const char *QMARK = "[^/]";
static const char *STAR = "[^/]*?";
static const char *STAR_NO_EMPTY = "[^/]+?";

/* ------------------------------------------------------------- helpers */

static ecra_glob_str str_of(ecra_glob_arena *a, const uint16_t *p, size_t n)
{
	ecra_glob_str s = { NULL, 0, 0 };

	ecra_glob_str_append(a, &s, p, n);
	return s;
}

static bool str_eq_ascii(const ecra_glob_str *s, const char *lit)
{
	size_t n = strlen(lit);

	if (s->n != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s->p[i] != (unsigned char)lit[i])
			return false;
	return true;
}

static bool starts_ascii(const ecra_glob_str *s, size_t at, const char *lit)
{
	size_t n = strlen(lit);

	if (at + n > s->n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s->p[at + i] != (unsigned char)lit[i])
			return false;
	return true;
}

static uint16_t char_at(const ecra_glob_str *s, size_t i)
{
	return i < s->n ? s->p[i] : 0;
}

static bool is_ext_type(int c)
{
	return c == '!' || c == '?' || c == '+' || c == '*' || c == '@';
}

static bool has_char(const char *set, int c)
{
	return c != 0 && strchr(set, c) != NULL;
}

/* regExpEscape: /[-[\]{}()*+?.,\\^$|#\s]/ gets a backslash. */
static bool is_js_space(uint16_t c)
{
	return c == 9 || c == 10 || c == 11 || c == 12 || c == 13 || c == 32 ||
	       c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
	       c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
	       c == 0x3000 || c == 0xFEFF;
}

static void re_escape_char(ecra_glob_arena *a, ecra_glob_str *out, uint16_t c)
{
	if ((c < 128 && has_char("-[]{}()*+?.,\\^$|#", c)) || is_js_space(c))
		ecra_glob_str_push(a, out, '\\');
	ecra_glob_str_push(a, out, c);
}

static bool is_line_terminator(uint16_t c)
{
	return c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029;
}

void ecra_glob_unescape(
    ecra_glob_arena *a, ecra_glob_str *out, const uint16_t *s, size_t n)
{
	ecra_glob_str t = { NULL, 0, 0 };
	size_t i = 0;

	/* s.replace(/((?!\\).|^)\[([^/\\])\]/g, '$1$2') */
	while (i < n) {
		if (i + 3 < n && s[i] != '\\' && !is_line_terminator(s[i]) &&
		    s[i + 1] == '[' && s[i + 2] != '/' && s[i + 2] != '\\' &&
		    s[i + 3] == ']') {
			ecra_glob_str_push(a, &t, s[i]);
			ecra_glob_str_push(a, &t, s[i + 2]);
			i += 4;
			continue;
		}
		if (i == 0 && i + 2 < n && s[0] == '[' && s[1] != '/' &&
		    s[1] != '\\' && s[2] == ']') {
			ecra_glob_str_push(a, &t, s[1]);
			i += 3;
			continue;
		}
		ecra_glob_str_push(a, &t, s[i]);
		i++;
	}
	/* .replace(/\\([^/])/g, '$1') */
	out->p = NULL;
	out->n = out->cap = 0;
	for (i = 0; i < t.n; i++) {
		if (t.p[i] == '\\' && i + 1 < t.n && t.p[i + 1] != '/') {
			ecra_glob_str_push(a, out, t.p[i + 1]);
			i++;
			continue;
		}
		ecra_glob_str_push(a, out, t.p[i]);
	}
	if (out->p == NULL)
		ecra_glob_str_append(a, out, NULL, 0);
}

/* ----------------------------------------------------------------- AST */

static void parts_push(ecra_glob_arena *a, gparts *l, gpart p)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4;
		gpart *v = ecra_glob_arena_alloc(a, sizeof(*v) * cap);
		if (l->n)
			memcpy(v, l->v, sizeof(*v) * l->n);
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = p;
}

static gparts *parts_new(ecra_glob_arena *a)
{
	gparts *l = ecra_glob_arena_alloc(a, sizeof(*l));

	memset(l, 0, sizeof(*l));
	return l;
}

static gast *ast_new(gctx *c, int type, gast *parent)
{
	gast *n;

	if (++c->nodes > AST_MAX_NODES)
		longjmp(*c->a->oom, 2);
	n = ecra_glob_arena_alloc(c->a, sizeof(*n));
	memset(n, 0, sizeof(*n));
	n->type = type;
	n->has_magic = type ? 1 : -1;
	n->parent = parent;
	n->root = parent ? parent->root : n;
	n->parts = parts_new(c->a);
	if (n->root == n) {
		n->negs = ecra_glob_arena_alloc(c->a, sizeof(*n->negs));
		memset(n->negs, 0, sizeof(*n->negs));
	} else {
		n->negs = n->root->negs;
	}
	if (type == '!' && !n->root->filled_negs) {
		gastlist *l = n->negs;
		if (l->n == l->cap) {
			size_t cap = l->cap ? l->cap * 2 : 4;
			gast **v =
			    ecra_glob_arena_alloc(c->a, sizeof(*v) * cap);
			if (l->n)
				memcpy(v, l->v, sizeof(*v) * l->n);
			l->v = v;
			l->cap = cap;
		}
		l->v[l->n++] = n;
	}
	n->parent_index = parent ? parent->parts->n : 0;
	return n;
}

static void push_str(gctx *c, gast *n, ecra_glob_str s)
{
	gpart p;

	if (s.n == 0)
		return;
	p.node = NULL;
	p.s = s;
	parts_push(c->a, n->parts, p);
}

static void push_node(gctx *c, gast *n, gast *child)
{
	gpart p;

	memset(&p, 0, sizeof(p));
	p.node = child;
	parts_push(c->a, n->parts, p);
}

static const ecra_glob_str *ast_to_string(gctx *c, gast *n)
{
	ecra_glob_str s = { NULL, 0, 0 };

	if (n->str_valid)
		return &n->str;
	if (n->type)
		ecra_glob_str_push(c->a, &s, (uint16_t)n->type);
	if (n->type)
		ecra_glob_str_push(c->a, &s, '(');
	for (size_t i = 0; i < n->parts->n; i++) {
		gpart *p = &n->parts->v[i];
		if (n->type && i > 0)
			ecra_glob_str_push(c->a, &s, '|');
		if (p->node) {
			const ecra_glob_str *cs = ast_to_string(c, p->node);
			ecra_glob_str_append(c->a, &s, cs->p, cs->n);
		} else {
			ecra_glob_str_append(c->a, &s, p->s.p, p->s.n);
		}
	}
	if (n->type)
		ecra_glob_str_push(c->a, &s, ')');
	if (s.p == NULL)
		ecra_glob_str_append(c->a, &s, NULL, 0);
	n->str = s;
	n->str_valid = true;
	return &n->str;
}

static bool is_start(gast *n)
{
	gast *p;

	if (n->root == n)
		return true;
	if (!is_start(n->parent))
		return false;
	if (n->parent_index == 0)
		return true;
	p = n->parent;
	for (size_t i = 0; i < n->parent_index; i++) {
		if (i >= p->parts->n || p->parts->v[i].node == NULL ||
		    p->parts->v[i].node->type != '!')
			return false;
	}
	return true;
}

static bool is_end(gast *n)
{
	if (n->root == n)
		return true;
	if (n->parent->type == '!')
		return true;
	if (!is_end(n->parent))
		return false;
	if (!n->type)
		return true; /* parent.isEnd(), known true here */
	return n->parent->parts->n > 0 &&
	       n->parent_index == n->parent->parts->n - 1;
}

static void copy_in(gctx *c, gast *n, const gpart *part);

static gast *ast_clone(gctx *c, gast *n, gast *parent)
{
	gast *k = ast_new(c, n->type, parent);

	for (size_t i = 0; i < n->parts->n; i++) {
		gpart p = n->parts->v[i];
		copy_in(c, k, &p);
	}
	return k;
}

static void copy_in(gctx *c, gast *n, const gpart *part)
{
	if (part->node == NULL)
		push_str(c, n, part->s);
	else
		push_node(c, n, ast_clone(c, part->node, n));
}

static bool fill_negs(gctx *c, gast *root)
{
	gastlist *negs = root->negs;

	ast_to_string(c, root);
	root->filled_negs = true;
	while (negs->n > 0) {
		gast *n = negs->v[--negs->n], *p, *pp;
		if (n->type != '!')
			continue;
		p = n;
		pp = p->parent;
		while (pp) {
			for (size_t i = p->parent_index + 1;
			     !pp->type && i < pp->parts->n; i++) {
				for (size_t j = 0; j < n->parts->n; j++) {
					gast *part = n->parts->v[j].node;
					gpart src;
					if (part == NULL)
						return false; /* JS throws */
					src = pp->parts->v[i];
					copy_in(c, part, &src);
				}
			}
			p = pp;
			pp = p->parent;
		}
	}
	return true;
}

/* -------------------------------------------------------------- parse */

static size_t parse_ast(gctx *c, const uint16_t *str, size_t len, gast *ast,
    size_t pos, int ext_depth);

/* adoptionAnyMap */
static bool can_adopt_type_any(int parent, int child)
{
	switch (parent) {
	case '!':
		return child == '?' || child == '@';
	case '?':
		return child == '?' || child == '@';
	case '@':
		return child == '?' || child == '@';
	case '*':
		return child == '*' || child == '+' || child == '?' ||
		       child == '@';
	case '+':
		return child == '+' || child == '@' || child == '?' ||
		       child == '*';
	default:
		return false;
	}
}

static size_t parse_ast(gctx *c, const uint16_t *str, size_t len, gast *ast,
    size_t pos, int ext_depth)
{
	const int max_depth = 2;
	bool escaping = false, in_brace = false, brace_neg = false;
	size_t brace_start = 0;
	ecra_glob_str acc = { NULL, 0, 0 };
	size_t i;
	gast *part;
	gast **parts = NULL;
	size_t nparts = 0, capparts = 0;

	if (++c->depth > AST_MAX_DEPTH)
		longjmp(*c->a->oom, 2);
	if (ast->type == 0) {
		i = pos;
		while (i < len) {
			uint16_t ch = str[i++];
			if (escaping || ch == '\\') {
				escaping = !escaping;
				ecra_glob_str_push(c->a, &acc, ch);
				continue;
			}
			if (in_brace) {
				if (i == brace_start + 1) {
					if (ch == '^' || ch == '!')
						brace_neg = true;
				} else if (ch == ']' &&
				           !(i == brace_start + 2 &&
				               brace_neg)) {
					in_brace = false;
				}
				ecra_glob_str_push(c->a, &acc, ch);
				continue;
			} else if (ch == '[') {
				in_brace = true;
				brace_start = i;
				brace_neg = false;
				ecra_glob_str_push(c->a, &acc, ch);
				continue;
			}
			if (is_ext_type(ch) && i < len && str[i] == '(' &&
			    ext_depth <= max_depth) {
				gast *ext;
				push_str(c, ast, acc);
				acc.p = NULL;
				acc.n = acc.cap = 0;
				ext = ast_new(c, ch, ast);
				i = parse_ast(
				    c, str, len, ext, i, ext_depth + 1);
				push_node(c, ast, ext);
				continue;
			}
			ecra_glob_str_push(c->a, &acc, ch);
		}
		push_str(c, ast, acc);
		c->depth--;
		return i;
	}

	/* some kind of extglob, pos is at the ( */
	i = pos + 1;
	part = ast_new(c, 0, ast);
	while (i < len) {
		uint16_t ch = str[i++];
		if (escaping || ch == '\\') {
			escaping = !escaping;
			ecra_glob_str_push(c->a, &acc, ch);
			continue;
		}
		if (in_brace) {
			if (i == brace_start + 1) {
				if (ch == '^' || ch == '!')
					brace_neg = true;
			} else if (ch == ']' &&
			           !(i == brace_start + 2 && brace_neg)) {
				in_brace = false;
			}
			ecra_glob_str_push(c->a, &acc, ch);
			continue;
		} else if (ch == '[') {
			in_brace = true;
			brace_start = i;
			brace_neg = false;
			ecra_glob_str_push(c->a, &acc, ch);
			continue;
		}
		if (is_ext_type(ch) && i < len && str[i] == '(' &&
		    (ext_depth <= max_depth ||
		        can_adopt_type_any(ast->type, ch))) {
			int add = can_adopt_type_any(ast->type, ch) ? 0 : 1;
			gast *ext;
			push_str(c, part, acc);
			acc.p = NULL;
			acc.n = acc.cap = 0;
			ext = ast_new(c, ch, part);
			push_node(c, part, ext);
			i = parse_ast(c, str, len, ext, i, ext_depth + add);
			continue;
		}
		if (ch == '|') {
			push_str(c, part, acc);
			acc.p = NULL;
			acc.n = acc.cap = 0;
			if (nparts == capparts) {
				size_t cap = capparts ? capparts * 2 : 4;
				gast **v = ecra_glob_arena_alloc(
				    c->a, sizeof(*v) * cap);
				if (nparts)
					memcpy(v, parts, sizeof(*v) * nparts);
				parts = v;
				capparts = cap;
			}
			parts[nparts++] = part;
			part = ast_new(c, 0, ast);
			continue;
		}
		if (ch == ')') {
			if (acc.n == 0 && ast->parts->n == 0)
				ast->empty_ext = true;
			push_str(c, part, acc);
			for (size_t k = 0; k < nparts; k++)
				push_node(c, ast, parts[k]);
			push_node(c, ast, part);
			c->depth--;
			return i;
		}
		ecra_glob_str_push(c->a, &acc, ch);
	}
	/* unfinished extglob: it is literal text after all */
	ast->type = 0;
	ast->has_magic = -1;
	ast->parts = parts_new(c->a);
	{
		gpart p;
		p.node = NULL;
		p.s = str_of(c->a, str + pos - 1, len - (pos - 1));
		parts_push(c->a, ast->parts, p);
	}
	c->depth--;
	return i;
}

/* ------------------------------------------------------------ flatten */

static bool in_list(int c, const char *list)
{
	return c != 0 && strchr(list, c) != NULL;
}

/* adoptionMap */
static bool adopt_map(int parent, int child)
{
	switch (parent) {
	case '!':
		return in_list(child, "@");
	case '?':
		return in_list(child, "?@");
	case '@':
		return in_list(child, "@");
	case '*':
		return in_list(child, "*+?@");
	case '+':
		return in_list(child, "+@");
	default:
		return false;
	}
}

/* adoptionWithSpaceMap */
static bool adopt_space_map(int parent, int child)
{
	switch (parent) {
	case '!':
		return in_list(child, "?");
	case '@':
		return in_list(child, "?");
	case '+':
		return in_list(child, "?*");
	default:
		return false;
	}
}

/* usurpMap: the type the parent takes, or 0 */
static int usurp_map(int parent, int child)
{
	switch (parent) {
	case '!':
		return child == '!' ? '@' : 0;
	case '?':
		return child == '*' || child == '+' ? '*' : 0;
	case '@':
		return in_list(child, "!?@*+") ? child : 0;
	case '+':
		return child == '?' || child == '*' ? '*' : 0;
	default:
		return false;
	}
}

static gast *only_grandchild(gast *self, gast *child)
{
	gast *gc;

	if (child == NULL || child->type != 0 || child->parts->n != 1 ||
	    self->type == 0)
		return NULL;
	gc = child->parts->v[0].node;
	if (gc == NULL || gc->type == 0)
		return NULL;
	return gc;
}

static void adopt(gast *self, gast *child, size_t index, gctx *c)
{
	gast *gc = child->parts->v[0].node;
	gparts *l = self->parts;
	gparts *g = gc->parts;
	size_t take = g->n;
	gpart *items = NULL;

	/* this.#parts.splice(index, 1, ...gc.#parts) */
	if (take) {
		items = ecra_glob_arena_alloc(c->a, sizeof(*items) * take);
		memcpy(items, g->v, sizeof(*items) * take);
	}
	while (l->n + take > l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4;
		gpart *v = ecra_glob_arena_alloc(c->a, sizeof(*v) * cap);
		if (l->n)
			memcpy(v, l->v, sizeof(*v) * l->n);
		l->v = v;
		l->cap = cap;
	}
	memmove(&l->v[index + take], &l->v[index + 1],
	    sizeof(gpart) * (l->n - index - 1));
	if (take)
		memcpy(&l->v[index], items, sizeof(gpart) * take);
	l->n = l->n - 1 + take;
	for (size_t k = 0; k < g->n; k++)
		if (g->v[k].node)
			g->v[k].node->parent = self;
	self->str_valid = false;
}

static void flatten(gctx *c, gast *n)
{
	if (++c->depth > AST_MAX_DEPTH)
		longjmp(*c->a->oom, 2);
	if (!is_ext_type(n->type)) {
		for (size_t i = 0; i < n->parts->n; i++)
			if (n->parts->v[i].node)
				flatten(c, n->parts->v[i].node);
	} else {
		int iterations = 0;
		bool done;
		do {
			done = true;
			for (size_t i = 0; i < n->parts->n; i++) {
				gast *ch = n->parts->v[i].node, *gc;
				if (ch == NULL)
					continue;
				flatten(c, ch);
				gc = only_grandchild(n, ch);
				if (gc && adopt_map(n->type, gc->type)) {
					done = false;
					adopt(n, ch, i, c);
				} else if (gc &&
				           adopt_space_map(n->type, gc->type)) {
					gast *blank;
					gpart e;
					done = false;
					blank = ast_new(c, 0, gc);
					e.node = NULL;
					e.s = str_of(c->a, NULL, 0);
					parts_push(c->a, blank->parts, e);
					push_node(c, gc, blank);
					adopt(n, ch, i, c);
				} else if (gc && n->parts->n == 1 &&
				           usurp_map(n->type, gc->type)) {
					done = false;
					n->type = usurp_map(n->type, gc->type);
					n->parts = gc->parts;
					for (size_t k = 0; k < n->parts->n; k++)
						if (n->parts->v[k].node)
							n->parts->v[k]
							    .node->parent = n;
					n->str_valid = false;
					n->empty_ext = false;
				}
			}
		} while (!done && ++iterations < 10);
	}
	n->str_valid = false;
	c->depth--;
}

/* ------------------------------------------------------------- regexp */

static void parse_class(gctx *c, const ecra_glob_str *glob, size_t pos,
    ecra_glob_str *src, bool *uflag, size_t *consumed, bool *magic);

static void parse_glob(
    gctx *c, const ecra_glob_str *glob, int has_magic, bool no_empty, gres *out)
{
	bool escaping = false, in_star = false, magic = has_magic == 1;
	bool all_stars = glob->n > 0;
	ecra_glob_str re = { NULL, 0, 0 };

	out->uflag = false;
	for (size_t i = 0; i < glob->n; i++)
		if (glob->p[i] != '*')
			all_stars = false;
	for (size_t i = 0; i < glob->n; i++) {
		uint16_t ch = glob->p[i];
		if (escaping) {
			escaping = false;
			if (ch < 128 && has_char("().*{}+?[]^$\\!", ch))
				ecra_glob_str_push(c->a, &re, '\\');
			ecra_glob_str_push(c->a, &re, ch);
			continue;
		}
		if (ch == '*') {
			if (in_star)
				continue;
			in_star = true;
			ecra_glob_str_cat(c->a, &re,
			    no_empty && all_stars ? STAR_NO_EMPTY : STAR);
			magic = true;
			continue;
		}
		in_star = false;
		if (ch == '\\') {
			if (i == glob->n - 1)
				ecra_glob_str_cat(c->a, &re, "\\\\");
			else
				escaping = true;
			continue;
		}
		if (ch == '[') {
			ecra_glob_str cls = { NULL, 0, 0 };
			bool u = false, m = false;
			size_t consumed = 0;
			parse_class(c, glob, i, &cls, &u, &consumed, &m);
			if (consumed) {
				ecra_glob_str_append(c->a, &re, cls.p, cls.n);
				out->uflag = out->uflag || u;
				i += consumed - 1;
				magic = magic || m;
				continue;
			}
		}
		if (ch == '?') {
			ecra_glob_str_cat(c->a, &re, QMARK);
			magic = true;
			continue;
		}
		re_escape_char(c->a, &re, ch);
	}
	if (re.p == NULL)
		ecra_glob_str_append(c->a, &re, NULL, 0);
	out->re = re;
	ecra_glob_unescape(c->a, &out->body, glob->p, glob->n);
	out->has_magic = magic;
}

static const struct {
	const char *name;
	const char *unip;
	bool u;
	bool neg;
} posix_classes[] = {
	{ "[:alnum:]", "\\p{L}\\p{Nl}\\p{Nd}", true, false },
	{ "[:alpha:]", "\\p{L}\\p{Nl}", true, false },
	{ "[:ascii:]", "\\x00-\\x7f", false, false },
	{ "[:blank:]", "\\p{Zs}\\t", true, false },
	{ "[:cntrl:]", "\\p{Cc}", true, false },
	{ "[:digit:]", "\\p{Nd}", true, false },
	{ "[:graph:]", "\\p{Z}\\p{C}", true, true },
	{ "[:lower:]", "\\p{Ll}", true, false },
	{ "[:print:]", "\\p{C}", true, false },
	{ "[:punct:]", "\\p{P}", true, false },
	{ "[:space:]", "\\p{Z}\\t\\r\\n\\v\\f", true, false },
	{ "[:upper:]", "\\p{Lu}", true, false },
	{ "[:word:]", "\\p{L}\\p{Nl}\\p{Nd}\\p{Pc}", true, false },
	{ "[:xdigit:]", "A-Fa-f0-9", false, false },
};

/* braceEscape: [ ] \ - get a backslash */
static void brace_escape(ecra_glob_arena *a, ecra_glob_str *s, uint16_t ch)
{
	if (ch == '[' || ch == ']' || ch == '\\' || ch == '-')
		ecra_glob_str_push(a, s, '\\');
	ecra_glob_str_push(a, s, ch);
}

static void parse_class(gctx *c, const ecra_glob_str *glob, size_t pos,
    ecra_glob_str *src, bool *uflag, size_t *consumed, bool *magic)
{
	ecra_glob_strlist ranges = { NULL, 0, 0 }, negs = { NULL, 0, 0 };
	size_t i = pos + 1, end_pos = pos;
	bool saw_start = false, escaping = false, negate = false;
	bool have_range_start = false;
	uint16_t range_start = 0;

	*uflag = false;
	while (i < glob->n) {
		uint16_t ch = glob->p[i];
		bool posix = false;
		if ((ch == '!' || ch == '^') && i == pos + 1) {
			negate = true;
			i++;
			continue;
		}
		if (ch == ']' && saw_start && !escaping) {
			end_pos = i + 1;
			break;
		}
		saw_start = true;
		if (ch == '\\') {
			if (!escaping) {
				escaping = true;
				i++;
				continue;
			}
		}
		if (ch == '[' && !escaping) {
			for (size_t k = 0; k < sizeof(posix_classes) /
			                           sizeof(posix_classes[0]);
			     k++) {
				if (!starts_ascii(
				        glob, i, posix_classes[k].name))
					continue;
				if (have_range_start) {
					ecra_glob_str_cat(c->a, src, "$.");
					*uflag = false;
					*consumed = glob->n - pos;
					*magic = true;
					return;
				}
				i += strlen(posix_classes[k].name);
				ecra_glob_strlist_push(c->a,
				    posix_classes[k].neg ? &negs : &ranges,
				    str_of(c->a, NULL, 0));
				ecra_glob_str_cat(c->a,
				    posix_classes[k].neg
				        ? &negs.v[negs.n - 1]
				        : &ranges.v[ranges.n - 1],
				    posix_classes[k].unip);
				*uflag = *uflag || posix_classes[k].u;
				posix = true;
				break;
			}
			if (posix)
				continue;
		}
		escaping = false;
		if (have_range_start) {
			if (ch > range_start) {
				ecra_glob_str r = { NULL, 0, 0 };
				brace_escape(c->a, &r, range_start);
				ecra_glob_str_push(c->a, &r, '-');
				brace_escape(c->a, &r, ch);
				ecra_glob_strlist_push(c->a, &ranges, r);
			} else if (ch == range_start) {
				ecra_glob_str r = { NULL, 0, 0 };
				brace_escape(c->a, &r, ch);
				ecra_glob_strlist_push(c->a, &ranges, r);
			}
			have_range_start = false;
			i++;
			continue;
		}
		if (i + 2 < glob->n + 0 && glob->p[i + 1] == '-' &&
		    glob->p[i + 2] == ']') {
			ecra_glob_str r = { NULL, 0, 0 };
			brace_escape(c->a, &r, ch);
			brace_escape(c->a, &r, '-');
			ecra_glob_strlist_push(c->a, &ranges, r);
			i += 2;
			continue;
		}
		if (i + 1 < glob->n && glob->p[i + 1] == '-') {
			have_range_start = true;
			range_start = ch;
			i += 2;
			continue;
		}
		{
			ecra_glob_str r = { NULL, 0, 0 };
			brace_escape(c->a, &r, ch);
			ecra_glob_strlist_push(c->a, &ranges, r);
		}
		i++;
	}
	if (end_pos < i) {
		*consumed = 0;
		*magic = false;
		return;
	}
	if (ranges.n == 0 && negs.n == 0) {
		ecra_glob_str_cat(c->a, src, "$.");
		*uflag = false;
		*consumed = glob->n - pos;
		*magic = true;
		return;
	}
	/* one positive single character: just that literal character */
	if (negs.n == 0 && ranges.n == 1 && !negate &&
	    (ranges.v[0].n == 1 ||
	        (ranges.v[0].n == 2 && ranges.v[0].p[0] == '\\')) &&
	    !is_line_terminator(ranges.v[0].p[ranges.v[0].n - 1])) {
		re_escape_char(c->a, src, ranges.v[0].p[ranges.v[0].n - 1]);
		*uflag = false;
		*consumed = end_pos - pos;
		*magic = false;
		return;
	}
	{
		ecra_glob_str sr = { NULL, 0, 0 }, sn = { NULL, 0, 0 };
		ecra_glob_str_push(c->a, &sr, '[');
		if (negate)
			ecra_glob_str_push(c->a, &sr, '^');
		for (size_t k = 0; k < ranges.n; k++)
			ecra_glob_str_append(
			    c->a, &sr, ranges.v[k].p, ranges.v[k].n);
		ecra_glob_str_push(c->a, &sr, ']');
		ecra_glob_str_push(c->a, &sn, '[');
		if (!negate)
			ecra_glob_str_push(c->a, &sn, '^');
		for (size_t k = 0; k < negs.n; k++)
			ecra_glob_str_append(
			    c->a, &sn, negs.v[k].p, negs.v[k].n);
		ecra_glob_str_push(c->a, &sn, ']');
		if (ranges.n && negs.n) {
			ecra_glob_str_push(c->a, src, '(');
			ecra_glob_str_append(c->a, src, sr.p, sr.n);
			ecra_glob_str_push(c->a, src, '|');
			ecra_glob_str_append(c->a, src, sn.p, sn.n);
			ecra_glob_str_push(c->a, src, ')');
		} else if (ranges.n) {
			ecra_glob_str_append(c->a, src, sr.p, sr.n);
		} else {
			ecra_glob_str_append(c->a, src, sn.p, sn.n);
		}
	}
	*consumed = end_pos - pos;
	*magic = true;
}

static void to_re_source(gctx *c, gast *n, bool allow_dot, gres *out);

static void parts_to_re(gctx *c, gast *n, bool dot, ecra_glob_str *out)
{
	bool first = true;
	bool se = is_start(n) && is_end(n);

	out->p = NULL;
	out->n = out->cap = 0;
	ecra_glob_str_append(c->a, out, NULL, 0);
	for (size_t i = 0; i < n->parts->n; i++) {
		gres r;
		gast *p = n->parts->v[i].node;
		if (p == NULL)
			longjmp(*c->a->oom, 3); /* "string type in extglob" */
		to_re_source(c, p, dot, &r);
		n->uflag = n->uflag || r.uflag;
		/* the filter runs after every part was mapped, with the
		 * isStart/isEnd of that moment; they cannot change here */
		if (se && r.re.n == 0)
			continue;
		if (!first)
			ecra_glob_str_push(c->a, out, '|');
		ecra_glob_str_append(c->a, out, r.re.p, r.re.n);
		first = false;
	}
}

static void to_re_source(gctx *c, gast *n, bool allow_dot, gres *out)
{
	bool dot = allow_dot;

	if (++c->depth > AST_MAX_DEPTH)
		longjmp(*c->a->oom, 2);
	if (n->root == n) {
		flatten(c, n);
		if (!fill_negs(c, n))
			longjmp(*c->a->oom, 3);
	}
	if (!is_ext_type(n->type)) {
		bool no_empty = is_start(n) && is_end(n);
		ecra_glob_str src = { NULL, 0, 0 };
		ecra_glob_str start = { NULL, 0, 0 };
		const char *end = "";

		for (size_t i = 0; i < n->parts->n; i++)
			if (n->parts->v[i].node)
				no_empty = false;
		ecra_glob_str_append(c->a, &src, NULL, 0);
		for (size_t i = 0; i < n->parts->n; i++) {
			gpart p = n->parts->v[i];
			gres r;
			if (p.node == NULL)
				parse_glob(c, &p.s, n->has_magic, no_empty, &r);
			else
				to_re_source(c, p.node, allow_dot, &r);
			n->has_magic = n->has_magic == 1 ? 1 : r.has_magic;
			n->uflag = n->uflag || r.uflag;
			ecra_glob_str_append(c->a, &src, r.re.p, r.re.n);
		}
		if (is_start(n) && n->parts->n > 0 &&
		    n->parts->v[0].node == NULL) {
			const ecra_glob_str *p0 = &n->parts->v[0].s;
			bool dot_trav_allowed =
			    n->parts->n == 1 &&
			    (str_eq_ascii(p0, ".") || str_eq_ascii(p0, ".."));
			if (!dot_trav_allowed) {
				uint16_t c0 = char_at(&src, 0);
				bool need_no_trav =
				    (dot && (c0 == '[' || c0 == '.')) ||
				    (starts_ascii(&src, 0, "\\.") &&
				        (char_at(&src, 2) == '[' ||
				            char_at(&src, 2) == '.')) ||
				    (starts_ascii(&src, 0, "\\.\\.") &&
				        (char_at(&src, 4) == '[' ||
				            char_at(&src, 4) == '.'));
				bool need_no_dot = !dot && !allow_dot &&
				                   (c0 == '[' || c0 == '.');
				if (need_no_trav)
					ecra_glob_str_cat(
					    c->a, &start, START_NO_TRAVERSAL);
				else if (need_no_dot)
					ecra_glob_str_cat(
					    c->a, &start, START_NO_DOT);
			}
		}
		if (is_end(n) && n->root->filled_negs && n->parent &&
		    n->parent->type == '!')
			end = "(?:$|\\/)";
		out->re.p = NULL;
		out->re.n = out->re.cap = 0;
		ecra_glob_str_append(c->a, &out->re, start.p, start.n);
		ecra_glob_str_append(c->a, &out->re, src.p, src.n);
		ecra_glob_str_cat(c->a, &out->re, end);
		out->body.p = NULL;
		out->body.n = out->body.cap = 0;
		ecra_glob_unescape(c->a, &out->body, src.p, src.n);
		n->has_magic = n->has_magic == 1;
		out->has_magic = n->has_magic == 1;
		out->uflag = n->uflag;
		c->depth--;
		return;
	}
	{
		bool repeated = n->type == '*' || n->type == '+';
		ecra_glob_str body, body_dot = { NULL, 0, 0 };
		ecra_glob_str fin = { NULL, 0, 0 };

		parts_to_re(c, n, dot, &body);
		if (is_start(n) && is_end(n) && body.n == 0 && n->type != '!') {
			/* invalid extglob: its text, as-is, is the source */
			ecra_glob_str s = *ast_to_string(c, n);
			gpart p;
			n->parts = parts_new(c->a);
			p.node = NULL;
			p.s = s;
			parts_push(c->a, n->parts, p);
			n->type = 0;
			n->has_magic = -1;
			out->re = s;
			out->body.p = NULL;
			out->body.n = out->body.cap = 0;
			{
				const ecra_glob_str *ts = ast_to_string(c, n);
				ecra_glob_unescape(
				    c->a, &out->body, ts->p, ts->n);
			}
			out->has_magic = false;
			out->uflag = false;
			c->depth--;
			return;
		}
		if (repeated && !allow_dot && !dot) {
			parts_to_re(c, n, true, &body_dot);
			if (body_dot.n == body.n &&
			    (body.n == 0 ||
			        memcmp(body_dot.p, body.p,
			            body.n * sizeof(uint16_t)) == 0))
				body_dot.n = 0;
		}
		if (body_dot.n) {
			ecra_glob_str b = { NULL, 0, 0 };
			ecra_glob_str_cat(c->a, &b, "(?:");
			ecra_glob_str_append(c->a, &b, body.p, body.n);
			ecra_glob_str_cat(c->a, &b, ")(?:");
			ecra_glob_str_append(c->a, &b, body_dot.p, body_dot.n);
			ecra_glob_str_cat(c->a, &b, ")*?");
			body = b;
		}
		if (n->type == '!' && n->empty_ext) {
			if (is_start(n) && !dot)
				ecra_glob_str_cat(c->a, &fin, START_NO_DOT);
			ecra_glob_str_cat(c->a, &fin, STAR_NO_EMPTY);
		} else {
			ecra_glob_str_cat(
			    c->a, &fin, n->type == '!' ? "(?:(?!(?:" : "(?:");
			ecra_glob_str_append(c->a, &fin, body.p, body.n);
			if (n->type == '!') {
				ecra_glob_str_cat(c->a, &fin, "))");
				if (is_start(n) && !dot && !allow_dot)
					ecra_glob_str_cat(
					    c->a, &fin, START_NO_DOT);
				ecra_glob_str_cat(c->a, &fin, STAR);
				ecra_glob_str_cat(c->a, &fin, ")");
			} else if (n->type == '@') {
				ecra_glob_str_cat(c->a, &fin, ")");
			} else if (n->type == '?') {
				ecra_glob_str_cat(c->a, &fin, ")?");
			} else if (n->type == '+' && body_dot.n) {
				ecra_glob_str_cat(c->a, &fin, ")");
			} else if (n->type == '*' && body_dot.n) {
				ecra_glob_str_cat(c->a, &fin, ")?");
			} else {
				ecra_glob_str_push(c->a, &fin, ')');
				ecra_glob_str_push(
				    c->a, &fin, (uint16_t)n->type);
			}
		}
		if (fin.p == NULL)
			ecra_glob_str_append(c->a, &fin, NULL, 0);
		out->re = fin;
		out->body.p = NULL;
		out->body.n = out->body.cap = 0;
		ecra_glob_unescape(c->a, &out->body, body.p, body.n);
		n->has_magic = n->has_magic == 1;
		out->has_magic = n->has_magic == 1;
		out->uflag = n->uflag;
		c->depth--;
	}
}

void ecra_glob_ast_compile(
    ecra_glob_arena *a, ecra_glob_segsrc *out, const uint16_t *glob, size_t n)
{
	gctx c;
	gast *root;
	gres r;

	c.a = a;
	c.depth = 0;
	c.nodes = 0;
	root = ast_new(&c, 0, NULL);
	parse_ast(&c, glob, n, root, 0, 0);
	ast_to_string(&c, root);
	to_re_source(&c, root, false, &r);
	out->magic = r.has_magic;
	out->uflag = r.uflag;
	out->src = r.re;
	out->body = r.body;
}
