/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * ignore/docker.c - the DOCKER strategy: .dockerignore rules as
 * @balena/dockerignore 1.0.2 interprets them, wrapped the way aws-cdk-lib
 * 2.276.0's DockerIgnoreStrategy wraps it.
 *
 * Two matchers: `ignore` holds every pattern; `complete` holds every
 * pattern plus, after each negated one ("!R" or "/!R"), the same prefix
 * with each parent of R ("!a/b/c" adds "!a/b" and "!a"). A file is
 * excluded when `ignore` matches it; a directory is pruned when both do.
 *
 * A pattern is split on "\r?\n", trimmed (JavaScript trim()), stripped of
 * a leading "!" (negation), normalised like Node's path.normalize(), and
 * loses a trailing and a leading "/". It then becomes an anchored,
 * case-insensitive JavaScript regex in which "*", "?", "**", "." and "$"
 * are translated, "\x" stays the regex escape "\x" and every other
 * character is copied raw, so "a+b", "[a-c]" or "(x|y)" are regex syntax.
 * Those regexes run on jsre.c. A rule also matches a path when it matches
 * one of the path's leading directory prefixes.
 *
 * Faithful oddities: ignores("") is true; a path that is exactly the name
 * of an Object.prototype property ("constructor", "toString", ...) is
 * never ignored, because the library's result cache is a plain object.
 * The library only compiles a regex when it first matches a path, so an
 * invalid one throws then; here an invalid pattern fails ecra_ignore_new(),
 * and an invalid derived parent rule fails the first completelyIgnores
 * query that consults the second matcher, as the reference does.
 */
#include "ignore/ignore.h"

#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "ignore/jsre.h"

typedef struct {
	ecra_jsre *re;
	bool negative;
	bool doublestar; /* dirs contains "**" */
	size_t ndirs;    /* dirs.length */
	size_t nplain;   /* dirs that are not "**" */
	char *origin;    /* the user's pattern, for messages */
} docker_rule;

typedef struct {
	docker_rule *rules;
	size_t count, cap;
	char *error; /* deferred: the message to fail queries with */
	/* Per-directory cache: which rules match a parent prefix of the
	 * last file's directory (files of one directory come together in
	 * a walk, and that part of _test() depends only on the directory). */
	ecra_u16 cached_dir;
	bool *dir_hits; /* count entries, valid when have_dir */
	bool have_dir;
} docker_matcher;

typedef struct {
	docker_matcher ignore;
	docker_matcher complete;
} docker_state;

/* ------------------------------------------------------------------ */
/* JavaScript and Node helpers over UTF-16                             */

/* String.prototype.trim() */
static void trim(const uint16_t **s, size_t *len)
{
	while (*len > 0 && ecra_jsre_is_space((*s)[0])) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && ecra_jsre_is_space((*s)[*len - 1]))
		(*len)--;
}

static long last_slash_before(const ecra_u16 *s, size_t end)
{
	size_t j;

	for (j = end; j > 0; j--)
		if (s->ptr[j - 1] == '/')
			return (long)j - 1;
	return -1;
}

/* path.posix.normalize() */
static int normalize(ecra_u16 *out, const uint16_t *p, size_t len)
{
	ecra_u16 res = { 0 };
	bool absolute, trailing;
	size_t last_segment = 0, i;
	long last_slash = -1;
	int dots = 0, error = 0;
	uint16_t code = 0;

	out->len = 0;
	if (len == 0)
		return ecra_u16_putc(out, '.');
	absolute = p[0] == '/';
	trailing = p[len - 1] == '/';
	if ((error = ecra_u16_put(&res, NULL, 0)) < 0)
		goto done;
	for (i = 0; i <= len; i++) {
		if (i < len)
			code = p[i];
		else if (code == '/')
			break;
		else
			code = '/';
		if (code != '/') {
			if (code == '.' && dots != -1)
				dots++;
			else
				dots = -1;
			continue;
		}
		if (last_slash == (long)i - 1 || dots == 1) {
			/* nothing */
		} else if (dots == 2) {
			bool dotdot = res.len >= 2 && last_segment == 2 &&
			              res.ptr[res.len - 1] == '.' &&
			              res.ptr[res.len - 2] == '.';

			if (!dotdot && res.len > 2) {
				long idx = last_slash_before(&res, res.len);

				if (idx == -1) {
					res.len = 0;
					last_segment = 0;
				} else {
					res.len = (size_t)idx;
					last_segment =
					    (size_t)((long)res.len - 1 -
					             last_slash_before(
					                 &res, res.len));
				}
				last_slash = (long)i;
				dots = 0;
				continue;
			} else if (!dotdot && res.len != 0) {
				res.len = 0;
				last_segment = 0;
				last_slash = (long)i;
				dots = 0;
				continue;
			}
			if (!absolute) {
				if ((error = ecra_u16_puts(
				         &res, res.len > 0 ? "/.." : "..")) < 0)
					goto done;
				last_segment = 2;
			}
		} else {
			size_t from = (size_t)(last_slash + 1);

			if (res.len > 0 &&
			    (error = ecra_u16_putc(&res, '/')) < 0)
				goto done;
			if ((error = ecra_u16_put(&res, p + from, i - from)) <
			    0)
				goto done;
			last_segment = i - from;
		}
		last_slash = (long)i;
		dots = 0;
	}
	if (res.len == 0) {
		error = ecra_u16_puts(
		    out, absolute ? "/" : (trailing ? "./" : "."));
		goto done;
	}
	if ((absolute && (error = ecra_u16_putc(out, '/')) < 0) ||
	    (error = ecra_u16_put(out, res.ptr, res.len)) < 0 ||
	    (trailing && (error = ecra_u16_putc(out, '/')) < 0))
		goto done;
done:
	ecra_u16_dispose(&res);
	return error;
}

/* cleanPath(): normalize, then drop a trailing "/" that follows a
 * character other than a line terminator (the regex (?<=.)\/$). */
static int clean_path(ecra_u16 *out, const uint16_t *p, size_t len)
{
	int error = normalize(out, p, len);

	if (error < 0)
		return error;
	if (out->len >= 2 && out->ptr[out->len - 1] == '/' &&
	    !ecra_jsre_is_line_terminator(out->ptr[out->len - 2]))
		out->ptr[--out->len] = 0;
	return 0;
}

/* path.posix.dirname() */
static int dirname(ecra_u16 *out, const uint16_t *p, size_t len)
{
	bool root, matched_slash = true, found = false;
	size_t i, end = 0;

	out->len = 0;
	if (len == 0)
		return ecra_u16_putc(out, '.');
	root = p[0] == '/';
	for (i = len - 1; i >= 1; i--) {
		if (p[i] == '/') {
			if (!matched_slash) {
				end = i;
				found = true;
				break;
			}
		} else
			matched_slash = false;
	}
	if (!found)
		return ecra_u16_puts(out, root ? "/" : ".");
	if (root && end == 1)
		return ecra_u16_puts(out, "//");
	return ecra_u16_put(out, p, end);
}

static bool u16_is(const ecra_u16 *s, const char *ascii)
{
	size_t k;

	for (k = 0; k < s->len && ascii[k]; k++)
		if (s->ptr[k] != (uint16_t)(unsigned char)ascii[k])
			return false;
	return k == s->len && ascii[k] == '\0';
}

/* ------------------------------------------------------------------ */
/* Rules                                                               */

static void matcher_dispose(docker_matcher *m)
{
	size_t k;

	for (k = 0; k < m->count; k++) {
		ecra_jsre_free(m->rules[k].re);
		ecra_free(m->rules[k].origin);
	}
	ecra_free(m->rules);
	ecra_free(m->error);
	ecra_free(m->dir_hits);
	ecra_u16_dispose(&m->cached_dir);
	memset(m, 0, sizeof(*m));
}

/* _compile(): the regex source for a cleaned rule pattern. */
static int rule_source(ecra_u16 *src, const uint16_t *p, size_t len)
{
	size_t i;
	int error = 0;

	src->len = 0;
	if ((error = ecra_u16_putc(src, '^')) < 0)
		return error;
	for (i = 0; i < len && error == 0; i++) {
		uint16_t ch = p[i];

		if (ch == '*') {
			if (i + 1 < len && p[i + 1] == '*') {
				i++;
				if (i + 1 < len && p[i + 1] == '/')
					i++;
				if (i + 1 >= len)
					error = ecra_u16_puts(src, ".*");
				else
					error = ecra_u16_puts(src, "(.*/)?");
			} else
				error = ecra_u16_puts(src, "[^/]*");
		} else if (ch == '?') {
			error = ecra_u16_puts(src, "[^/]");
		} else if (ch == '.' || ch == '$') {
			if ((error = ecra_u16_putc(src, '\\')) == 0)
				error = ecra_u16_putc(src, ch);
		} else if (ch == '\\') {
			if ((error = ecra_u16_putc(src, '\\')) == 0 &&
			    i + 1 < len)
				error = ecra_u16_putc(src, p[++i]);
		} else {
			error = ecra_u16_putc(src, ch);
		}
	}
	if (error == 0)
		error = ecra_u16_putc(src, '$');
	return error;
}

/* Compile and append one rule. `origin` names the user's pattern. */
static int add_rule(docker_matcher *m, const uint16_t *p, size_t len,
    bool negative, const char *origin, bool defer_errors)
{
	ecra_u16 src = { 0 };
	docker_rule *r;
	const char *why = NULL;
	size_t k, start = 0;
	int error;

	if (m->count == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 8;
		docker_rule *nr = ecra_realloc(m->rules, cap * sizeof(*nr));

		if (nr == NULL)
			return ECRA_ENOMEM;
		m->rules = nr;
		m->cap = cap;
	}
	r = &m->rules[m->count];
	memset(r, 0, sizeof(*r));
	r->negative = negative;
	/* dirs = pattern.split("/") */
	for (k = 0; k <= len; k++) {
		if (k < len && p[k] != '/')
			continue;
		r->ndirs++;
		if (k - start == 2 && p[start] == '*' && p[start + 1] == '*')
			r->doublestar = true;
		else
			r->nplain++;
		start = k + 1;
	}
	if ((error = rule_source(&src, p, len)) < 0)
		goto done;
	error =
	    ecra_jsre_compile(&r->re, src.ptr, src.len, ECRA_JSRE_ICASE, &why);
	if (error == ECRA_EINVALID) {
		if (why && strcmp(why, ECRA_JSRE_TOO_COMPLEX) == 0)
			error = ecra_error_set(ECRA_EINVALID,
			    "pattern '%s' is too complex", origin);
		else
			error = ecra_error_set(ECRA_EINVALID,
			    "invalid pattern '%s': %s", origin,
			    why ? why : "invalid regular expression");
		if (defer_errors) {
			if (m->error == NULL &&
			    (m->error = ecra_strdup(
			         ecra_error_last()->message)) == NULL)
				error = ECRA_ENOMEM;
			else
				error = 0;
		}
		goto done;
	}
	if (error < 0)
		goto done;
	if ((r->origin = ecra_strdup(origin)) == NULL) {
		ecra_jsre_free(r->re);
		error = ECRA_ENOMEM;
		goto done;
	}
	m->count++;
done:
	ecra_u16_dispose(&src);
	return error;
}

/* _createRule() for one trimmed, non-comment line. */
static int create_rule(docker_matcher *m, const uint16_t *line, size_t len,
    const char *origin, bool defer_errors)
{
	ecra_u16 a = { 0 }, b = { 0 }, c = { 0 };
	const uint16_t *p = line;
	size_t n = len;
	bool negative = false;
	int error = 0;

	if (n > 0 && p[0] == '!') {
		negative = true;
		p++;
		n--;
		trim(&p, &n);
	}
	if (negative && (error = ecra_u16_putc(&b, '!')) < 0)
		goto done;
	if (n > 0) {
		if ((error = clean_path(&a, p, n)) < 0)
			goto done;
		p = a.ptr;
		n = a.len;
		if (n > 1 && p[0] == '/') {
			p++;
			n--;
		}
	}
	if ((error = ecra_u16_put(&b, p, n)) < 0)
		goto done;
	p = b.ptr;
	n = b.len;
	trim(&p, &n);
	if (n == 0)
		goto done;
	if ((error = clean_path(&c, p, n)) < 0)
		goto done;
	p = c.ptr;
	n = c.len;
	if (n > 0 && p[0] == '!') {
		if (n == 1)
			goto done;
		negative = true;
		p++;
		n--;
	} else
		negative = false;
	error = add_rule(m, p, n, negative, origin, defer_errors);
done:
	ecra_u16_dispose(&a);
	ecra_u16_dispose(&b);
	ecra_u16_dispose(&c);
	return error;
}

/* add(): split on \r?\n, skip empty, "#..." and blank lines. */
static int matcher_add(docker_matcher *m, const uint16_t *s, size_t len,
    const char *origin, bool defer_errors)
{
	size_t start = 0, k;
	int error;

	for (k = 0; k <= len; k++) {
		const uint16_t *line;
		size_t n, end;

		if (k < len && s[k] != '\n')
			continue;
		end = k;
		if (k < len && end > start && s[end - 1] == '\r')
			end--;
		line = s + start;
		n = end - start;
		start = k + 1;
		if (n == 0 || line[0] == '#')
			continue;
		trim(&line, &n);
		if (n == 0)
			continue;
		if ((error = create_rule(m, line, n, origin, defer_errors)) < 0)
			return error;
	}
	return 0;
}

/* completelyAdd(): the pattern, then its re-include parents. */
static int complete_add(
    docker_matcher *m, const uint16_t *s, size_t len, const char *origin)
{
	ecra_u16 cur = { 0 }, next = { 0 }, extra = { 0 };
	size_t k = 0, plen, r;
	int error;

	if ((error = matcher_add(m, s, len, origin, true)) < 0)
		return error;
	/* /^\s*(\!|\/\!)(.*)/ */
	while (k < len && ecra_jsre_is_space(s[k]))
		k++;
	if (k < len && s[k] == '!')
		plen = 1;
	else if (k + 1 < len && s[k] == '/' && s[k + 1] == '!')
		plen = 2;
	else
		return 0;
	for (r = k + plen; r < len && !ecra_jsre_is_line_terminator(s[r]); r++)
		;
	if ((error = ecra_u16_put(&cur, s + k + plen, r - k - plen)) < 0)
		goto done;
	for (;;) {
		if ((error = dirname(&next, cur.ptr, cur.len)) < 0)
			goto done;
		if (u16_is(&next, "/") || u16_is(&next, "."))
			break;
		extra.len = 0;
		if ((error = ecra_u16_put(&extra, s + k, plen)) < 0 ||
		    (error = ecra_u16_put(&extra, next.ptr, next.len)) < 0 ||
		    (error = matcher_add(
		         m, extra.ptr, extra.len, origin, true)) < 0)
			goto done;
		cur.len = 0;
		if ((error = ecra_u16_put(&cur, next.ptr, next.len)) < 0)
			goto done;
	}
done:
	ecra_u16_dispose(&cur);
	ecra_u16_dispose(&next);
	ecra_u16_dispose(&extra);
	return error;
}

static void release(void *state)
{
	docker_state *st = state;

	if (st == NULL)
		return;
	matcher_dispose(&st->ignore);
	matcher_dispose(&st->complete);
	ecra_free(st);
}

static int compile(void **state_out, const char *const *patterns, size_t count)
{
	docker_state *st = NULL;
	ecra_u16 pat = { 0 };
	size_t k;
	int error = 0;

	*state_out = NULL;
	if ((st = ecra_calloc(1, sizeof(*st))) == NULL)
		return ECRA_ENOMEM;
	for (k = 0; k < count; k++) {
		if (patterns[k] == NULL)
			continue;
		pat.len = 0;
		if ((error = ecra_jsre_utf8_to_utf16(
		         &pat, patterns[k], strlen(patterns[k]))) < 0 ||
		    (error = matcher_add(&st->ignore, pat.ptr, pat.len,
		         patterns[k], false)) < 0 ||
		    (error = complete_add(
		         &st->complete, pat.ptr, pat.len, patterns[k])) < 0)
			goto done;
	}
	*state_out = st;
	st = NULL;
done:
	ecra_u16_dispose(&pat);
	release(st);
	return error;
}

/* ------------------------------------------------------------------ */
/* Queries                                                             */

static int rule_test(
    bool *out, const docker_rule *r, const uint16_t *s, size_t len)
{
	return ecra_jsre_exec(out, r->re, s, len, 0, NULL);
}

/* _test(): whether the rules exclude `file`. */
static int matcher_test(
    bool *out, docker_matcher *m, const uint16_t *file, size_t len)
{
	ecra_u16 dir = { 0 }, parent = { 0 };
	size_t *ends = NULL; /* parent prefix lengths, by component count */
	size_t nparts = 0, k, i;
	bool matched = false, has_parent;
	int error;

	if ((error = dirname(&dir, file, len)) < 0 ||
	    (error = clean_path(&parent, dir.ptr, dir.len)) < 0)
		goto done;
	has_parent = !u16_is(&parent, ".");
	if (has_parent && m->have_dir && m->cached_dir.len == parent.len &&
	    memcmp(m->cached_dir.ptr, parent.ptr, parent.len * 2) == 0) {
		for (k = 0; k < m->count; k++) {
			const docker_rule *r = &m->rules[k];
			bool hit = m->dir_hits[k];

			if (!hit && (error = rule_test(&hit, r, file, len)) < 0)
				goto done;
			if (hit)
				matched = !r->negative;
		}
		*out = matched;
		goto done;
	}
	m->have_dir = false;
	if (m->dir_hits == NULL && m->count > 0 &&
	    (m->dir_hits = ecra_calloc(m->count, sizeof(bool))) == NULL) {
		error = ECRA_ENOMEM;
		goto done;
	}
	if ((ends = ecra_alloc((parent.len + 2) * sizeof(*ends))) == NULL) {
		error = ECRA_ENOMEM;
		goto done;
	}
	/* ends[i]: length of the first i components joined by "/" */
	ends[0] = 0;
	for (k = 0; k <= parent.len; k++)
		if (k == parent.len || parent.ptr[k] == '/')
			ends[++nparts] = k;
	for (k = 0; k < m->count; k++) {
		const docker_rule *r = &m->rules[k];
		bool hit = false;

		m->dir_hits[k] = false;
		if (has_parent) {
			if (r->doublestar) {
				for (i = r->nplain; i <= nparts && !hit; i++)
					if ((error = rule_test(&hit, r,
					         parent.ptr, ends[i])) < 0)
						goto done;
			} else if (r->ndirs <= nparts) {
				if ((error = rule_test(&hit, r, parent.ptr,
				         ends[r->ndirs])) < 0)
					goto done;
			}
			m->dir_hits[k] = hit;
		}
		if (!hit && (error = rule_test(&hit, r, file, len)) < 0)
			goto done;
		if (hit)
			matched = !r->negative;
	}
	if (has_parent) {
		m->cached_dir.len = 0;
		if ((error = ecra_u16_put(
		         &m->cached_dir, parent.ptr, parent.len)) < 0)
			goto done;
		m->have_dir = true;
	}
	*out = matched;
done:
	ecra_free(ends);
	ecra_u16_dispose(&dir);
	ecra_u16_dispose(&parent);
	return error;
}

/* The names Object.prototype has: `name in cache` is true for them. */
static bool is_prototype_name(const char *rel)
{
	static const char *const names[] = { "constructor", "__defineGetter__",
		"__defineSetter__", "hasOwnProperty", "__lookupGetter__",
		"__lookupSetter__", "isPrototypeOf", "propertyIsEnumerable",
		"toString", "valueOf", "__proto__", "toLocaleString" };
	size_t k;

	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (strcmp(rel, names[k]) == 0)
			return true;
	return false;
}

/* IgnoreBase.ignores() */
static int matcher_ignores(
    bool *out, docker_matcher *m, const char *rel, const ecra_u16 *path)
{
	*out = false;
	if (rel[0] == '\0') {
		*out = true;
		return 0;
	}
	if (is_prototype_name(rel))
		return 0;
	if (m->error != NULL)
		return ecra_error_set(ECRA_EINVALID, "%s", m->error);
	return matcher_test(out, m, path->ptr, path->len);
}

static int match(bool *out, void *state, const char *rel, bool complete)
{
	docker_state *st = state;
	ecra_u16 path = { 0 };
	int error;

	*out = false;
	if ((error = ecra_jsre_utf8_to_utf16(&path, rel, strlen(rel))) < 0 ||
	    (error = matcher_ignores(out, &st->ignore, rel, &path)) < 0)
		goto done;
	if (complete && *out &&
	    (error = matcher_ignores(out, &st->complete, rel, &path)) < 0)
		goto done;
done:
	ecra_u16_dispose(&path);
	return error;
}

const ecra_ignore_strategy ecra_ignore_docker_strategy = {
	compile,
	match,
	release,
};
