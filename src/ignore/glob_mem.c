/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * ignore/glob_mem.c - the memory floor of the GLOB strategy: the arena
 * and the arena-backed UTF-16 strings and string lists that glob.c,
 * glob_ast.c and glob_brace.c build on (declared in glob_internal.h).
 * It sits beneath them all, so none of them depends on the dispatcher
 * glob.c for these helpers.
 */
#include <string.h>

#include "core/alloc.h"
#include "ignore/glob_internal.h"

/* ---------------------------------------------------------------- arena */

struct ecra_glob_chunk {
	ecra_glob_chunk *next;
	size_t size;
	max_align_t data[];
};

void ecra_glob_arena_init(ecra_glob_arena *a, jmp_buf *oom, size_t budget)
{
	a->head = NULL;
	a->used = 0;
	a->budget = budget;
	a->oom = oom;
}

void *ecra_glob_arena_alloc(ecra_glob_arena *a, size_t size)
{
	ecra_glob_chunk *c;
	size_t chunk;

	size = (size + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	if (size == 0)
		size = sizeof(max_align_t);
	if (a->head && a->used + size <= a->head->size) {
		void *p = (char *)a->head->data + a->used;
		a->used += size;
		return p;
	}
	chunk = size > 65536 ? size : 65536;
	if (chunk > a->budget)
		longjmp(*a->oom, 2);
	if ((c = ecra_alloc(sizeof(*c) + chunk)) == NULL)
		longjmp(*a->oom, 1);
	a->budget -= chunk;
	c->next = a->head;
	c->size = chunk;
	a->head = c;
	a->used = size;
	return c->data;
}

void ecra_glob_arena_reset(ecra_glob_arena *a, size_t budget)
{
	ecra_glob_chunk *keep = NULL;

	while (a->head) {
		ecra_glob_chunk *n = a->head->next;
		if (keep == NULL && a->head->size == 65536) {
			keep = a->head;
			keep->next = NULL;
		} else {
			ecra_free(a->head);
		}
		a->head = n;
	}
	a->head = keep;
	a->used = 0;
	a->budget = keep ? budget - keep->size : budget;
}

void ecra_glob_arena_fini(ecra_glob_arena *a)
{
	while (a->head) {
		ecra_glob_chunk *n = a->head->next;
		ecra_free(a->head);
		a->head = n;
	}
	a->used = 0;
}

void ecra_glob_str_push(ecra_glob_arena *a, ecra_glob_str *s, uint16_t c)
{
	if (s->n == s->cap || s->p == NULL) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		uint16_t *p = ecra_glob_arena_alloc(a, sizeof(*p) * cap);
		if (s->n)
			memcpy(p, s->p, sizeof(*p) * s->n);
		s->p = p;
		s->cap = cap;
	}
	s->p[s->n++] = c;
}

void ecra_glob_str_append(
    ecra_glob_arena *a, ecra_glob_str *s, const uint16_t *p, size_t n)
{
	if (s->p == NULL || s->n + n > s->cap) {
		size_t cap = s->cap ? s->cap : 16;
		uint16_t *q;
		while (cap < s->n + n)
			cap *= 2;
		q = ecra_glob_arena_alloc(a, sizeof(*q) * cap);
		if (s->n)
			memcpy(q, s->p, sizeof(*q) * s->n);
		s->p = q;
		s->cap = cap;
	}
	if (n)
		memcpy(s->p + s->n, p, sizeof(*p) * n);
	s->n += n;
}

void ecra_glob_str_cat(ecra_glob_arena *a, ecra_glob_str *s, const char *ascii)
{
	for (; *ascii; ascii++)
		ecra_glob_str_push(a, s, (unsigned char)*ascii);
	if (s->p == NULL)
		ecra_glob_str_append(a, s, NULL, 0);
}

void ecra_glob_strlist_push(
    ecra_glob_arena *a, ecra_glob_strlist *l, ecra_glob_str s)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		ecra_glob_str *v = ecra_glob_arena_alloc(a, sizeof(*v) * cap);
		if (l->n)
			memcpy(v, l->v, sizeof(*v) * l->n);
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = s;
}
