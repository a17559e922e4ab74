/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * util/vec.h - a growable array of owned strings.
 *
 * The vector owns each string it holds; ecra_strvec_dispose() frees them
 * all. `items` is always NULL-terminated, so it can be used as an argv.
 */
#ifndef SRC_UTIL_VEC_H
#define SRC_UTIL_VEC_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
	char **items; /* count strings, then NULL (when non-empty) */
	size_t count; /* strings held */
	size_t alloc; /* slots allocated, including the NULL */
} ecra_strvec;

/* clang-format off */
#define ECRA_STRVEC_INIT { .items = NULL, .count = 0, .alloc = 0 }
/* clang-format on */

/* Append a copy of `s`. */
int ecra_strvec_push(ecra_strvec *v, const char *s);
/* Append a copy of the first `len` bytes of `s`. */
int ecra_strvec_pushn(ecra_strvec *v, const char *s, size_t len);
/* Append `s` itself, taking ownership (freed even on failure). */
int ecra_strvec_push_owned(ecra_strvec *v, char *s);
/* Append a printf-formatted string. */
int ecra_strvec_pushf(ecra_strvec *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Whether some item equals `s` (strcmp). */
bool ecra_strvec_contains(const ecra_strvec *v, const char *s);
/* Sort in byte order (strcmp). Thread-safe: no shared state. */
void ecra_strvec_sort(ecra_strvec *v);
void ecra_strvec_dispose(ecra_strvec *v);

#endif /* SRC_UTIL_VEC_H */
