/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * core/alloc.h - the only allocation functions the library uses.
 *
 * Each sets ECRA_ENOMEM on failure. Tests can make the N-th allocation
 * fail (ecra_alloc_fail_after) to check every error path for leaks.
 */
#ifndef SRC_CORE_ALLOC_H
#define SRC_CORE_ALLOC_H

#include <stddef.h>

void *ecra_alloc(size_t size);
void *ecra_calloc(size_t count, size_t size);
/* On failure the old block is left untouched (and still owned). */
void *ecra_realloc(void *ptr, size_t size);
char *ecra_strdup(const char *s);
char *ecra_strndup(const char *s, size_t len);
/* ecra_free() is public, in ecrassets/common.h. */
void ecra_free(void *ptr);

/* Overwrite a secret with zeros in a way the compiler cannot drop
 * (explicit_bzero); NULL is fine. _str wipes up to the terminator. */
void ecra_wipe(void *ptr, size_t len);
void ecra_wipe_str(char *s);

/*
 * Fault injection for tests: after `count` more successful allocations,
 * every allocation fails until reset. A negative count disables it.
 * Process-wide, not thread-safe; only for single-threaded tests.
 */
void ecra_alloc_fail_after(long count);
/* How many allocations succeeded since the last ecra_alloc_fail_after(). */
long ecra_alloc_count(void);

#endif /* SRC_CORE_ALLOC_H */
