/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * ignore/git.c - the GIT strategy: gitignore rules as the npm package
 * `ignore` 5.3.2 (bundled by aws-cdk-lib 2.276.0) interprets them.
 *
 * That library turns each rule into a JavaScript regular expression by
 * running a list of regex replacements over the rule text, then tests
 * paths with it, case-insensitively. To give the same answer for every
 * rule, including the odd ones (escapes that become regex escapes such as
 * "\d", out-of-order ranges, unbalanced brackets), this file runs the
 * same replacement steps, written as the same regular expressions, with
 * the engine in jsre.c, and matches with the regexes they produce.
 *
 * Queries: a path is ignored when one of its parent directories ("a/",
 * "a/b/", ...) is, otherwise by the last matching rule (a "!" rule
 * re-includes). Answers for directory prefixes are cached in the matcher,
 * as the library caches them. completelyIgnores(dir) asks about "dir/".
 * A path that is empty, only dots ("..."), or starts with dots and a
 * slash is an error, as the library throws for it.
 */
#include "ignore/ignore.h"

#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "ignore/jsre.h"

typedef struct {
	ecra_jsre *re;
	bool negative;
	char *origin; /* for messages */
} git_rule;

/* A cached answer for a directory prefix such as "a/b/". */
typedef struct {
	uint16_t *key; /* NULL: empty slot */
	size_t len;
	uint64_t hash;
	bool ignored;
} git_cache_entry;

typedef struct {
	git_rule *rules;
	size_t count;
	git_cache_entry *cache; /* open addressing, cache_cap a power of 2 */
	size_t cache_cap, cache_used;
} git_state;

#define GIT_CACHE_MAX ((size_t)1 << 18)

/* The helper regexes, in ignore 5.3.2's own JavaScript syntax. */
enum {
	RX_BLANK,        /* REGEX_TEST_BLANK_LINE */
	RX_TRAILING_BSL, /* REGEX_INVALID_TRAILING_BACKSLASH */
	RX_HAS_INNER_SLASH,
	RX_RANGE, /* REGEX_REGEXP_RANGE */
	RX_BOM,   /* the replacers, in order */
	RX_TRAILING_SPACE,
	RX_ESCAPED_SPACE,
	RX_METACHARS,
	RX_QUESTION,
	RX_LEADING_SLASH,
	RX_SLASH,
	RX_LEADING_GLOBSTAR,
	RX_STARTING,
	RX_TWO_GLOBSTARS,
	RX_WILDCARDS,
	RX_UNESCAPE,
	RX_BACKSLASHES,
	RX_RANGES,
	RX_ENDING,
	RX_TRAILING_WILDCARD,
	RX_COUNT
};

static const struct {
	const char *source;
	bool global;
} helper_rx[RX_COUNT] = {
	{ "^\\s+$", false },
	{ "(?:[^\\\\]|^)\\\\$", false },
	{ "\\/(?!$)", false },
	{ "([0-z])-([0-z])", true },
	{ "^\\uFEFF", false },
	{ "((?:\\\\\\\\)*?)(\\\\?\\s+)$", false },
	{ "(\\\\+?)\\s", true },
	{ "[\\\\$.|*+(){^]", true },
	{ "(?!\\\\)\\?", true },
	{ "^\\/", false },
	{ "\\/", true },
	{ "^\\^*\\\\\\*\\\\\\*\\\\\\/", false },
	{ "^(?=[^^])", false },
	{ "\\\\\\/\\\\\\*\\\\\\*(?=\\\\\\/|$)", true },
	{ "(^|[^\\\\]+)(\\\\\\*)+(?=.+)", true },
	{ "\\\\\\\\\\\\(?=[$.|*+(){^])", true },
	{ "\\\\\\\\", true },
	{ "(\\\\)?\\[([^\\]/]*?)(\\\\*)($|\\])", true },
	{ "(?:[^*])$", false },
	{ "(\\^|\\\\\\/)?\\\\\\*$", false },
};

typedef struct {
	ecra_jsre *rx[RX_COUNT];
	const char *origin;      /* the rule being compiled, for messages */
	const uint16_t *pattern; /* `this` of the replacers */
	size_t pattern_len;
} builder;

static int too_complex(const char *origin)
{
	return ecra_error_set(
	    ECRA_EINVALID, "pattern '%s' is too complex", origin);
}

static int rx_test(
    bool *out, builder *b, int which, const uint16_t *s, size_t len)
{
	return ecra_jsre_exec(out, b->rx[which], s, len, 0, NULL);
}

static int put_cap(ecra_u16 *out, const uint16_t *s, const size_t *caps, int k)
{
	if (caps[2 * k] == SIZE_MAX)
		return 0;
	return ecra_u16_put(
	    out, s + caps[2 * k], caps[2 * k + 1] - caps[2 * k]);
}

static size_t cap_len(const size_t *caps, int k)
{
	return caps[2 * k] == SIZE_MAX ? 0 : caps[2 * k + 1] - caps[2 * k];
}

static int replace(
    ecra_u16 *out, builder *b, int which, const uint16_t *s, size_t len);

/* sanitizeRange: drop out-of-order "x-y" pairs of [0-z] characters. */
static int sanitize_range(
    ecra_u16 *out, builder *b, const uint16_t *s, size_t len)
{
	return replace(out, b, RX_RANGE, s, len);
}

/* The replacement for one match of helper `which`. */
static int replacement(ecra_u16 *out, builder *b, int which, const uint16_t *s,
    size_t len, const size_t *caps)
{
	int error = 0;
	bool t;

	switch (which) {
	case RX_RANGE:
		if (s[caps[2]] <= s[caps[4]])
			return put_cap(out, s, caps, 0);
		return 0;
	case RX_BOM:
		return 0;
	case RX_TRAILING_SPACE:
		if ((error = put_cap(out, s, caps, 1)) < 0)
			return error;
		if (cap_len(caps, 2) > 0 && s[caps[4]] == '\\')
			return ecra_u16_putc(out, ' ');
		return 0;
	case RX_ESCAPED_SPACE: {
		size_t n = cap_len(caps, 1);

		if ((error = ecra_u16_put(out, s + caps[2], n - n % 2)) < 0)
			return error;
		return ecra_u16_putc(out, ' ');
	}
	case RX_METACHARS:
		if ((error = ecra_u16_putc(out, '\\')) < 0)
			return error;
		return put_cap(out, s, caps, 0);
	case RX_QUESTION:
		return ecra_u16_puts(out, "[^/]");
	case RX_LEADING_SLASH:
		return ecra_u16_putc(out, '^');
	case RX_SLASH:
		return ecra_u16_puts(out, "\\/");
	case RX_LEADING_GLOBSTAR:
		return ecra_u16_puts(out, "^(?:.*\\/)?");
	case RX_STARTING:
		if ((error = rx_test(&t, b, RX_HAS_INNER_SLASH, b->pattern,
		         b->pattern_len)) < 0)
			return error;
		return ecra_u16_puts(out, t ? "^" : "(?:^|\\/)");
	case RX_TWO_GLOBSTARS:
		if (caps[0] + 6 < len)
			return ecra_u16_puts(out, "(?:\\/[^\\/]+)*");
		return ecra_u16_puts(out, "\\/.+");
	case RX_WILDCARDS:
		/* p1 + the last "\*" turned into [^\/]* */
		if ((error = put_cap(out, s, caps, 1)) < 0)
			return error;
		return ecra_u16_puts(out, "[^\\/]*");
	case RX_UNESCAPE:
	case RX_BACKSLASHES:
		return ecra_u16_putc(out, '\\');
	case RX_RANGES: {
		size_t esc = cap_len(caps, 3);
		bool lead = caps[2] != SIZE_MAX;
		bool closed = cap_len(caps, 4) > 0;

		if (lead) {
			if ((error = ecra_u16_puts(out, "\\[")) < 0 ||
			    (error = put_cap(out, s, caps, 2)) < 0 ||
			    (error = ecra_u16_put(
			         out, s + caps[6], esc - esc % 2)) < 0)
				return error;
			return put_cap(out, s, caps, 4);
		}
		if (!closed || esc % 2 != 0)
			return ecra_u16_puts(out, "[]");
		if ((error = ecra_u16_putc(out, '[')) < 0 ||
		    (error = sanitize_range(
		         out, b, s + caps[4], cap_len(caps, 2))) < 0 ||
		    (error = put_cap(out, s, caps, 3)) < 0)
			return error;
		return ecra_u16_putc(out, ']');
	}
	case RX_ENDING:
		if ((error = put_cap(out, s, caps, 0)) < 0)
			return error;
		if (s[caps[0]] == '/')
			return ecra_u16_putc(out, '$');
		return ecra_u16_puts(out, "(?=$|\\/$)");
	case RX_TRAILING_WILDCARD:
		if (caps[2] != SIZE_MAX) {
			if ((error = put_cap(out, s, caps, 1)) < 0 ||
			    (error = ecra_u16_puts(out, "[^/]+")) < 0)
				return error;
		} else if ((error = ecra_u16_puts(out, "[^/]*")) < 0)
			return error;
		return ecra_u16_puts(out, "(?=$|\\/$)");
	default:
		return 0;
	}
}

/* String.prototype.replace(regex, function) for helper `which`,
 * appending the result to `out`. */
static int replace(
    ecra_u16 *out, builder *b, int which, const uint16_t *s, size_t len)
{
	size_t caps[10];
	size_t at = 0, copied = 0;
	int error;

	for (;;) {
		bool m = false;

		if (at > len)
			break;
		error = ecra_jsre_exec(&m, b->rx[which], s, len, at, caps);
		if (error < 0)
			return error;
		if (!m)
			break;
		if ((error = ecra_u16_put(out, s + copied, caps[0] - copied)) <
		        0 ||
		    (error = replacement(out, b, which, s, len, caps)) < 0)
			return error;
		copied = caps[1];
		if (!helper_rx[which].global)
			break;
		at = caps[1] > caps[0] ? caps[1] : caps[1] + 1;
	}
	return ecra_u16_put(out, s + copied, len - copied);
}

/* checkPattern: a string that is not blank, does not end with an odd
 * lone backslash and is not a comment. */
static int check_pattern(bool *ok, builder *b, const ecra_u16 *p)
{
	bool m;
	int error;

	*ok = false;
	if (p->len == 0 || p->ptr[0] == '#')
		return 0;
	if ((error = rx_test(&m, b, RX_BLANK, p->ptr, p->len)) < 0 || m)
		return error;
	if ((error = rx_test(&m, b, RX_TRAILING_BSL, p->ptr, p->len)) < 0 || m)
		return error;
	*ok = true;
	return 0;
}

/* createRule: the regex source for one rule, and its negation. */
static int make_source(
    ecra_u16 *src, bool *negative, builder *b, const ecra_u16 *pattern)
{
	ecra_u16 cur = { 0 }, next = { 0 };
	const uint16_t *p = pattern->ptr;
	size_t len = pattern->len;
	int error, k;

	*negative = false;
	if (len > 0 && p[0] == '!') {
		*negative = true;
		p++;
		len--;
	}
	/* "\!" and "\#" at the start lose their backslash */
	if (len >= 2 && p[0] == '\\' && (p[1] == '!' || p[1] == '#')) {
		if ((error = ecra_u16_put(&cur, p + 1, len - 1)) < 0)
			goto done;
	} else if ((error = ecra_u16_put(&cur, p, len)) < 0)
		goto done;
	if ((error = ecra_u16_put(&next, cur.ptr, cur.len)) < 0)
		goto done;
	b->pattern = next.ptr;
	b->pattern_len = next.len;
	/* `next` keeps the pattern for the starting replacer */
	for (k = RX_BOM; k <= RX_TRAILING_WILDCARD; k++) {
		ecra_u16 tmp = { 0 };

		if ((error = replace(&tmp, b, k, cur.ptr, cur.len)) < 0) {
			ecra_u16_dispose(&tmp);
			goto done;
		}
		ecra_u16_dispose(&cur);
		cur = tmp;
	}
	if ((error = ecra_u16_put(src, cur.ptr, cur.len)) < 0)
		goto done;
done:
	ecra_u16_dispose(&cur);
	ecra_u16_dispose(&next);
	return error;
}

static void cache_clear(git_state *st)
{
	size_t k;

	for (k = 0; k < st->cache_cap; k++)
		ecra_free(st->cache[k].key);
	ecra_free(st->cache);
	st->cache = NULL;
	st->cache_cap = st->cache_used = 0;
}

static uint64_t cache_hash(const uint16_t *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	size_t k;

	for (k = 0; k < len; k++) {
		h ^= s[k];
		h *= 1099511628211ULL;
	}
	return h;
}

static git_cache_entry *cache_slot(
    const git_state *st, const uint16_t *s, size_t len, uint64_t h)
{
	size_t mask = st->cache_cap - 1, k = (size_t)h & mask;

	for (;; k = (k + 1) & mask) {
		git_cache_entry *e = &st->cache[k];

		if (e->key == NULL ||
		    (e->hash == h && e->len == len &&
		        memcmp(e->key, s, len * sizeof(*s)) == 0))
			return e;
	}
}

/* Look up a prefix; true when found. */
static bool cache_get(
    const git_state *st, const uint16_t *s, size_t len, bool *ignored)
{
	git_cache_entry *e;

	if (st->cache_cap == 0)
		return false;
	e = cache_slot(st, s, len, cache_hash(s, len));
	if (e->key == NULL)
		return false;
	*ignored = e->ignored;
	return true;
}

/* Remember a prefix's answer. The cache is only an accelerator: when
 * memory runs out it is dropped, and the answer stays correct. */
static void cache_put(
    git_state *st, const uint16_t *s, size_t len, bool ignored)
{
	uint64_t h = cache_hash(s, len);
	git_cache_entry *e;

	if (st->cache_used >= GIT_CACHE_MAX)
		cache_clear(st);
	if ((st->cache_used + 1) * 2 > st->cache_cap) {
		size_t cap = st->cache_cap ? st->cache_cap * 2 : 64, k;
		git_cache_entry *old = st->cache, *n;
		size_t old_cap = st->cache_cap;

		if ((n = ecra_calloc(cap, sizeof(*n))) == NULL)
			return;
		st->cache = n;
		st->cache_cap = cap;
		for (k = 0; k < old_cap; k++)
			if (old[k].key != NULL)
				*cache_slot(st, old[k].key, old[k].len,
				    old[k].hash) = old[k];
		ecra_free(old);
	}
	e = cache_slot(st, s, len, h);
	if (e->key != NULL)
		return;
	if ((e->key = ecra_alloc(len * sizeof(*s) + 1)) == NULL)
		return;
	memcpy(e->key, s, len * sizeof(*s));
	e->len = len;
	e->hash = h;
	e->ignored = ignored;
	st->cache_used++;
}

static void release(void *state)
{
	git_state *st = state;
	size_t k;

	if (st == NULL)
		return;
	cache_clear(st);
	for (k = 0; k < st->count; k++) {
		ecra_jsre_free(st->rules[k].re);
		ecra_free(st->rules[k].origin);
	}
	ecra_free(st->rules);
	ecra_free(st);
}

static int compile(void **state_out, const char *const *patterns, size_t count)
{
	git_state *st = NULL;
	builder b;
	ecra_u16 pat = { 0 }, src = { 0 };
	size_t k;
	int error = 0;

	*state_out = NULL;
	memset(&b, 0, sizeof(b));
	for (k = 0; k < RX_COUNT; k++) {
		ecra_u16 s = { 0 };
		const char *why = NULL;

		if ((error = ecra_u16_puts(&s, helper_rx[k].source)) < 0)
			goto done;
		error = ecra_jsre_compile(&b.rx[k], s.ptr, s.len, 0, &why);
		ecra_u16_dispose(&s);
		if (error < 0) {
			if (error == ECRA_EINVALID)
				error = ecra_error_set(ECRA_ERROR,
				    "internal regex '%s' does not compile: %s",
				    helper_rx[k].source, why);
			goto done;
		}
	}
	if ((st = ecra_calloc(1, sizeof(*st))) == NULL ||
	    (count > 0 &&
	        (st->rules = ecra_calloc(count, sizeof(*st->rules))) == NULL)) {
		error = ECRA_ENOMEM;
		goto done;
	}
	for (k = 0; k < count; k++) {
		bool ok, negative;
		const char *why = NULL;
		git_rule *r;

		if (patterns[k] == NULL)
			continue;
		pat.len = 0;
		src.len = 0;
		b.origin = patterns[k];
		if ((error = ecra_jsre_utf8_to_utf16(
		         &pat, patterns[k], strlen(patterns[k]))) < 0 ||
		    (error = check_pattern(&ok, &b, &pat)) < 0)
			goto done;
		if (!ok)
			continue;
		if ((error = make_source(&src, &negative, &b, &pat)) < 0)
			goto done;
		r = &st->rules[st->count];
		if ((r->origin = ecra_strdup(patterns[k])) == NULL) {
			error = ECRA_ENOMEM;
			goto done;
		}
		r->negative = negative;
		st->count++;
		error = ecra_jsre_compile(
		    &r->re, src.ptr, src.len, ECRA_JSRE_ICASE, &why);
		if (error == ECRA_EINVALID) {
			if (why != NULL &&
			    strcmp(why, ECRA_JSRE_TOO_COMPLEX) == 0)
				error = too_complex(patterns[k]);
			else
				error = ecra_error_set(ECRA_EINVALID,
				    "invalid pattern '%s': %s", patterns[k],
				    why ? why : "invalid regular expression");
		}
		if (error < 0)
			goto done;
	}
	*state_out = st;
	st = NULL;
done:
	for (k = 0; k < RX_COUNT; k++)
		ecra_jsre_free(b.rx[k]);
	ecra_u16_dispose(&pat);
	ecra_u16_dispose(&src);
	release(st);
	return error;
}

/* _testOne: whether the rules leave `s` ignored. */
static int test_one(
    bool *ignored, const git_state *st, const uint16_t *s, size_t len)
{
	size_t k;
	int error;

	*ignored = false;
	for (k = 0; k < st->count; k++) {
		const git_rule *r = &st->rules[k];
		bool m;

		/* a rule that cannot change the answer is skipped */
		if (r->negative != *ignored)
			continue;
		if ((error = ecra_jsre_exec(&m, r->re, s, len, 0, NULL)) < 0)
			return error;
		if (m)
			*ignored = !r->negative;
	}
	return 0;
}

/* checkPath: the library throws for "", "...", "./x", "../x", "/x". */
static int check_path(const ecra_u16 *p, const char *rel)
{
	size_t k = 0;

	if (p->len == 0)
		return ecra_error_set(
		    ECRA_EINVALID, "path must not be empty (git ignore mode)");
	while (k < p->len && p->ptr[k] == '.')
		k++;
	if (k == p->len || p->ptr[k] == '/')
		return ecra_error_set(ECRA_EINVALID,
		    "path '%s' cannot be matched in git ignore mode (the "
		    "reference throws: it should be a path.relative()d string)",
		    rel);
	return 0;
}

static int match(bool *out, void *state, const char *rel, bool complete)
{
	git_state *st = state;
	ecra_u16 p = { 0 };
	size_t len = strlen(rel), k;
	int error;
	bool ignored = false;

	*out = false;
	if ((error = ecra_jsre_utf8_to_utf16(&p, rel, len)) < 0)
		goto done;
	if (complete && (p.len == 0 || p.ptr[p.len - 1] != '/') &&
	    (error = ecra_u16_putc(&p, '/')) < 0)
		goto done;
	if ((error = check_path(&p, rel)) < 0)
		goto done;
	/* parents first: "a/", "a/b/", ... (answers cached, as the
	 * library caches them) */
	for (k = 0; k + 1 < p.len; k++) {
		if (p.ptr[k] != '/')
			continue;
		if (!cache_get(st, p.ptr, k + 1, &ignored)) {
			if ((error = test_one(&ignored, st, p.ptr, k + 1)) < 0)
				goto done;
			cache_put(st, p.ptr, k + 1, ignored);
		}
		if (ignored)
			break;
	}
	if (!ignored && (error = test_one(&ignored, st, p.ptr, p.len)) < 0)
		goto done;
	if (p.ptr[p.len - 1] == '/')
		cache_put(st, p.ptr, p.len, ignored);
	*out = ignored;
done:
	ecra_u16_dispose(&p);
	return error;
}

const ecra_ignore_strategy ecra_ignore_git_strategy = {
	compile,
	match,
	release,
};
