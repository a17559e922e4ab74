/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * ignore/glob_internal.h - the pieces of the GLOB strategy (a port of the
 * semantics of minimatch 10.2.6 and brace-expansion 5.0.12).
 *
 * minimatch works on JavaScript strings, so everything here works on
 * UTF-16 code units (uint16_t). Path segments are matched either by plain
 * comparison, by one of minimatch's fast tests, or by a small regular
 * expression engine (glob_re.c) that implements the subset of JavaScript
 * regular expressions minimatch generates, with JavaScript semantics
 * (code units without the u flag, code points with it), without
 * backtracking.
 *
 * Compile-time memory comes from an arena; an allocation failure there
 * unwinds with longjmp to the arena's owner, so the compile code needs no
 * per-allocation checks and cannot leak.
 */
#ifndef SRC_IGNORE_GLOB_INTERNAL_H
#define SRC_IGNORE_GLOB_INTERNAL_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Arena: bump allocation in chunks; ecra_glob_arena_alloc never returns
 * NULL (it longjmps to `oom` instead). */
typedef struct ecra_glob_chunk ecra_glob_chunk;
typedef struct {
	ecra_glob_chunk *head;
	size_t used;   /* bytes used in head */
	size_t budget; /* bytes still allowed; 0 ends the compile */
	jmp_buf *oom;  /* where to go when out of memory or budget */
} ecra_glob_arena;

void ecra_glob_arena_init(ecra_glob_arena *a, jmp_buf *oom, size_t budget);
void *ecra_glob_arena_alloc(ecra_glob_arena *a, size_t size);
/* Free all but one chunk and restore the budget. */
void ecra_glob_arena_reset(ecra_glob_arena *a, size_t budget);
void ecra_glob_arena_fini(ecra_glob_arena *a);

/* A UTF-16 string (growable, arena-backed). */
typedef struct {
	uint16_t *p;
	size_t n, cap;
} ecra_glob_str;

void ecra_glob_str_push(ecra_glob_arena *a, ecra_glob_str *s, uint16_t c);
void ecra_glob_str_append(
    ecra_glob_arena *a, ecra_glob_str *s, const uint16_t *p, size_t n);
void ecra_glob_str_cat(ecra_glob_arena *a, ecra_glob_str *s, const char *ascii);

/* A list of strings (arena-backed). */
typedef struct {
	ecra_glob_str *v;
	size_t n, cap;
} ecra_glob_strlist;

void ecra_glob_strlist_push(
    ecra_glob_arena *a, ecra_glob_strlist *l, ecra_glob_str s);

/* Brace expansion (brace-expansion 5.0.12 `expand`, as minimatch calls
 * it, including minimatch's "is there anything to expand" shortcut). */
void ecra_glob_brace_expand(
    ecra_glob_arena *a, ecra_glob_strlist *out, const uint16_t *p, size_t n);

/* The regular expression source minimatch builds for one path segment
 * (AST.fromGlob(seg).toMMPattern()). When !magic the segment is the
 * literal `body`; otherwise `src` is the body of /^src$/ with the u flag
 * when `uflag`. */
typedef struct {
	bool magic;
	bool uflag;
	ecra_glob_str src;
	ecra_glob_str body;
} ecra_glob_segsrc;

void ecra_glob_ast_compile(
    ecra_glob_arena *a, ecra_glob_segsrc *out, const uint16_t *glob, size_t n);

/* minimatch's unescape() (default options). */
void ecra_glob_unescape(
    ecra_glob_arena *a, ecra_glob_str *out, const uint16_t *s, size_t n);

/* Regular expressions. */
typedef struct ecra_glob_re ecra_glob_re;
typedef struct ecra_glob_scratch ecra_glob_scratch;

/* Compile `src` (JavaScript syntax) into `a`; returns NULL when
 * JavaScript would throw a SyntaxError. */
ecra_glob_re *ecra_glob_re_compile(
    ecra_glob_arena *a, const uint16_t *src, size_t n, bool uflag);
/* RegExp.prototype.test on a UTF-16 string. Returns 1, 0, or -1 when
 * scratch memory could not be allocated. */
int ecra_glob_re_test(const ecra_glob_re *re, ecra_glob_scratch **scratch,
    const uint16_t *s, size_t n);
void ecra_glob_scratch_free(ecra_glob_scratch *s);

/* Unicode property tables (glob_unicode.c). */
typedef struct {
	uint32_t lo, hi;
} ecra_glob_range;
typedef struct {
	const char *name;
	const ecra_glob_range *ranges;
	size_t count;
} ecra_glob_prop;
extern const ecra_glob_prop ecra_glob_props[];

#endif /* SRC_IGNORE_GLOB_INTERNAL_H */
