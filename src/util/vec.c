/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * util/vec.c - a growable array of owned strings, NULL-terminated.
 */
#include "util/vec.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

int ecra_strvec_push_owned(ecra_strvec *v, char *s)
{
	char **items;
	size_t alloc;

	if (s == NULL)
		return ECRA_ENOMEM;
	if (v->count + 2 > v->alloc) {
		alloc = v->alloc ? v->alloc * 2 : 8;
		items = ecra_realloc(v->items, alloc * sizeof(*items));
		if (items == NULL) {
			ecra_free(s);
			return ECRA_ENOMEM;
		}
		v->items = items;
		v->alloc = alloc;
	}
	v->items[v->count++] = s;
	v->items[v->count] = NULL;
	return 0;
}

int ecra_strvec_pushn(ecra_strvec *v, const char *s, size_t len)
{
	char *copy = ecra_strndup(s, len);

	if (copy == NULL)
		return ECRA_ENOMEM;
	return ecra_strvec_push_owned(v, copy);
}

int ecra_strvec_push(ecra_strvec *v, const char *s)
{
	return ecra_strvec_pushn(v, s, strlen(s));
}

int ecra_strvec_pushf(ecra_strvec *v, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len < 0)
		return ecra_error_set(ECRA_EINVALID, "invalid format string");
	if ((s = ecra_alloc((size_t)len + 1)) == NULL)
		return ECRA_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)len + 1, fmt, ap);
	va_end(ap);
	return ecra_strvec_push_owned(v, s);
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

bool ecra_strvec_contains(const ecra_strvec *v, const char *s)
{
	size_t i;

	for (i = 0; i < v->count; i++)
		if (strcmp(v->items[i], s) == 0)
			return true;
	return false;
}

void ecra_strvec_sort(ecra_strvec *v)
{
	if (v->count < 2)
		return;
	qsort(v->items, v->count, sizeof(*v->items), compare_strings);
}

void ecra_strvec_dispose(ecra_strvec *v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < v->count; i++)
		ecra_free(v->items[i]);
	ecra_free(v->items);
	v->items = NULL;
	v->count = v->alloc = 0;
}
