/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * core/init.c - reference-counted library initialisation and the version.
 *
 * The counter and the teardown table are the library's only global state
 * besides the allocation test hook. Modules that need global set-up
 * (libcurl, by the first HTTP client) register their teardown with
 * ecra_base_at_shutdown() (core/init.h); the last ecra_shutdown() runs it.
 * Core knows no module above it.
 */
#include "ecrassets/common.h"
#include "ecrassets/version.h"

#include <pthread.h>
#include <stdatomic.h>

#include "core/error.h"
#include "core/init.h"

static atomic_int init_count;
static pthread_mutex_t at_lock = PTHREAD_MUTEX_INITIALIZER;
static void (*at_fns[ECRA_AT_SHUTDOWN_MAX])(void);
static int at_count;

int ecra_base_at_shutdown(void (*fn)(void))
{
	int i, rc = 0;

	pthread_mutex_lock(&at_lock);
	for (i = 0; i < at_count && at_fns[i] != fn; i++)
		;
	if (i == at_count) {
		if (at_count < ECRA_AT_SHUTDOWN_MAX)
			at_fns[at_count++] = fn;
		else
			rc = ECRA_ETOOBIG;
	}
	pthread_mutex_unlock(&at_lock);
	if (rc < 0)
		return ecra_error_set(rc, "too many teardown functions");
	return 0;
}

static void run_at_shutdown(void)
{
	void (*fns[ECRA_AT_SHUTDOWN_MAX])(void);
	int i, n;

	pthread_mutex_lock(&at_lock);
	n = at_count;
	for (i = 0; i < n; i++)
		fns[i] = at_fns[i];
	pthread_mutex_unlock(&at_lock);
	while (n-- > 0)
		fns[n]();
}

int ecra_init(void)
{
	return atomic_fetch_add(&init_count, 1) + 1;
}

int ecra_shutdown(void)
{
	int prev = atomic_load(&init_count);

	while (prev > 0 &&
	       !atomic_compare_exchange_weak(&init_count, &prev, prev - 1))
		;
	if (prev == 1)
		run_at_shutdown();
	return prev > 0 ? prev - 1 : 0;
}

const char *ecra_version(void)
{
	return ECRA_VERSION_STRING;
}
