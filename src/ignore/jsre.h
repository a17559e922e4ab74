/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * ignore/jsre.h - a small JavaScript-compatible regular expression engine.
 *
 * The GIT and DOCKER strategies turn user patterns into JavaScript regular
 * expressions the way their reference libraries do, then run them. To
 * answer exactly as V8 does, this engine implements ECMAScript regexes in
 * non-unicode mode with the Annex B (web compatibility) syntax:
 *
 * - strings are UTF-16 code units (ecra_jsre_utf8_to_utf16() decodes a
 *   file name as Node does, invalid bytes becoming U+FFFD);
 * - alternation, groups, (?:), lookahead (?= ) (?! ) (quantifiable, as
 *   in Annex B), greedy and lazy * + ? {n} {n,} {n,m}, ^ $ . \b \B,
 *   backreferences (forward and self references match empty, captures are
 *   reset per iteration), JavaScript's empty-iteration rule;
 * - classes with ranges, negation, \d \D \w \W \s \S (also inside
 *   classes; a range with a class escape at either end is the union, as
 *   in Annex B), \b inside a class is backspace;
 * - escapes: \f \n \r \t \v \0, legacy octal \1-\377 (when not a
 *   backreference), \8 \9, \xHH, \uHHHH, \cX (and \c0 \c_ inside
 *   classes), a lone \c being a backslash, identity escapes; a literal
 *   { } ] where they cannot be quantifiers; "nothing to repeat", "range
 *   out of order", unterminated groups and classes are syntax errors;
 * - flag ECRA_JSRE_ICASE: ECMAScript Canonicalize() for non-unicode
 *   regexes (simple upper-casing over the whole BMP, never mapping a
 *   non-ASCII unit to ASCII), table in jsre_fold.c.
 *
 * - flag ECRA_JSRE_UNICODE (the u flag, for the GLOB strategy): source and
 *   input are code points, the u-mode syntax rules apply (identity escapes
 *   only for syntax characters, no Annex B braces, octal or \c forms,
 *   lookaheads not quantifiable) and \p{Name} / \P{Name} name the
 *   properties of glob_unicode.c (the ones minimatch emits). Capture
 *   offsets then count code points. Not combined with ECRA_JSRE_ICASE.
 *
 * Not supported (rejected as syntax errors, and unreachable from the
 * patterns the strategies build): lookbehind (?<= ) (?<! ), named groups
 * (?<name> ) and \k<name>, flags other than i.
 *
 * Matching is a Pike VM (see jsre.c): a yes/no test of a regex without
 * backreferences takes time linear in the input (program size x length,
 * lookaheads memoised per position) and is never refused. Asking for
 * captures, or a backreference in the regex, switches to an exact mode
 * whose work is polynomial in the input. Only compiling is bounded:
 * programs above ECRA_JSRE_MAX_PROGRAM instructions and nesting deeper
 * than ECRA_JSRE_MAX_DEPTH fail with ECRA_JSRE_TOO_COMPLEX (V8 has the
 * same kind of limits, "RegExp too big" and its stack limit).
 */
#ifndef SRC_IGNORE_JSRE_H
#define SRC_IGNORE_JSRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ECRA_JSRE_ICASE   1u
#define ECRA_JSRE_UNICODE 2u
/* Testing: run yes/no tests on the Pike VM even where the DFA could. */
#define ECRA_JSRE_NO_DFA 4u

#define ECRA_JSRE_MAX_PROGRAM 200000
#define ECRA_JSRE_MAX_DEPTH   400

/* Reason given by ecra_jsre_compile()/ecra_jsre_exec() for limits. */
#define ECRA_JSRE_TOO_COMPLEX "too complex"

/* A growable UTF-16 string. */
typedef struct {
	uint16_t *ptr;
	size_t len;
	size_t cap;
} ecra_u16;

int ecra_u16_put(ecra_u16 *s, const uint16_t *units, size_t len);
int ecra_u16_putc(ecra_u16 *s, uint16_t unit);
/* Append ASCII text. */
int ecra_u16_puts(ecra_u16 *s, const char *ascii);
void ecra_u16_dispose(ecra_u16 *s);

/* Decode UTF-8 to UTF-16 as Node's decoder does (WHATWG: each maximal
 * ill-formed subpart becomes one U+FFFD) into `out`, which must hold
 * `len` units (the UTF-16 form is never longer). Returns the length. The
 * one decoder of src/ignore: every strategy calls it. */
size_t ecra_utf8_to_utf16_units(const char *s, size_t len, uint16_t *out);

/* The same, into a growable string (replacing its contents). */
int ecra_jsre_utf8_to_utf16(ecra_u16 *out, const char *s, size_t len);

/* JavaScript's WhiteSpace or LineTerminator (\s, String.trim()). */
bool ecra_jsre_is_space(uint16_t c);
/* LineTerminator: \n \r U+2028 U+2029 (what '.' does not match). */
bool ecra_jsre_is_line_terminator(uint16_t c);
/* Canonicalize() for non-unicode case-insensitive matching. */
uint16_t ecra_jsre_canonicalize(uint16_t c);

typedef struct {
	uint16_t unit;
	uint16_t canon;
} ecra_jsre_fold_pair;

extern const size_t ecra_jsre_fold_count;
extern const ecra_jsre_fold_pair ecra_jsre_fold_by_unit[];
extern const ecra_jsre_fold_pair ecra_jsre_fold_by_canon[];

typedef struct ecra_jsre ecra_jsre;

/*
 * Compile `src` (UTF-16, `len` units) with `flags`. Returns 0,
 * ECRA_ENOMEM, or ECRA_EINVALID with *why set to a static description
 * (V8's wording where there is one, or ECRA_JSRE_TOO_COMPLEX). Does not
 * set the library error: the caller names the pattern.
 */
int ecra_jsre_compile(ecra_jsre **out, const uint16_t *src, size_t len,
    unsigned int flags, const char **why);

/* Number of capturing groups (not counting the whole match). */
size_t ecra_jsre_groups(const ecra_jsre *re);

/*
 * RegExp.prototype.exec from index `start` (searching forward, like a
 * regex without the y flag). On a match *matched is true and, when caps
 * is not NULL, caps[0..1] hold the match and caps[2k..2k+1] group k, as
 * code unit offsets; SIZE_MAX marks an undefined group. caps must hold
 * 2 * (groups + 1) entries. Returns 0 or ECRA_ENOMEM.
 */
int ecra_jsre_exec(bool *matched, ecra_jsre *re, const uint16_t *str,
    size_t len, size_t start, size_t *caps);

/* ecra_jsre_exec() adding the VM's work (thread steps) to *work, so tests
 * and the fuzz target can check that it stays linear. */
int ecra_jsre_exec_work(bool *matched, ecra_jsre *re, const uint16_t *str,
    size_t len, size_t start, size_t *caps, size_t *work);

/* Instructions in the program, lookaheads in it, and whether it has a
 * backreference (for work bounds in tests). */
void ecra_jsre_size(
    const ecra_jsre *re, size_t *insts, size_t *looks, bool *backrefs);

void ecra_jsre_free(ecra_jsre *re);

#endif /* SRC_IGNORE_JSRE_H */
