/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * core/alloc.c - malloc wrappers with error reporting and fault injection.
 *
 * The fault-injection counter is a plain global: it exists for the
 * single-threaded "oom" test label only, where it fails the N-th
 * allocation to prove every path returns ECRA_ENOMEM without leaking.
 */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include "core/alloc.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"

static long fail_after = -1;
static long alloc_count;

static int injected_failure(void)
{
	if (fail_after < 0)
		return 0;
	if (alloc_count >= fail_after)
		return 1;
	alloc_count++;
	return 0;
}

void ecra_alloc_fail_after(long count)
{
	fail_after = count;
	alloc_count = 0;
}

long ecra_alloc_count(void)
{
	return alloc_count;
}

void *ecra_alloc(size_t size)
{
	void *p = NULL;

	if (!injected_failure())
		p = malloc(size ? size : 1);
	if (p == NULL)
		ecra_error_set(ECRA_ENOMEM, "out of memory (%zu bytes)", size);
	return p;
}

void *ecra_calloc(size_t count, size_t size)
{
	void *p = NULL;

	if (!injected_failure())
		p = calloc(count ? count : 1, size ? size : 1);
	if (p == NULL)
		ecra_error_set(ECRA_ENOMEM, "out of memory (%zu x %zu bytes)",
		    count, size);
	return p;
}

void *ecra_realloc(void *ptr, size_t size)
{
	void *p = NULL;

	if (!injected_failure())
		p = realloc(ptr, size ? size : 1);
	if (p == NULL)
		ecra_error_set(ECRA_ENOMEM, "out of memory (%zu bytes)", size);
	return p;
}

char *ecra_strndup(const char *s, size_t len)
{
	char *p = ecra_alloc(len + 1);

	if (p == NULL)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *ecra_strdup(const char *s)
{
	return ecra_strndup(s, strlen(s));
}

void ecra_free(void *ptr)
{
	free(ptr);
}

void ecra_wipe(void *ptr, size_t len)
{
	if (ptr != NULL && len > 0)
		explicit_bzero(ptr, len);
}

void ecra_wipe_str(char *s)
{
	if (s != NULL)
		explicit_bzero(s, strlen(s));
}
