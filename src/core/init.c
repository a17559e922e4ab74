/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * core/init.c - reference-counted library initialisation and the version.
 *
 * The counter is the library's only global state besides the allocation
 * test hook. Modules that need global set-up (libcurl) register it here.
 *
 * Layering exception: core calls ecra_http_curl_release() from
 * src/http/http.h (declared there so that core never includes curl.h).
 * libcurl is set up by the first HTTP client, not here; the last
 * ecra_shutdown() tears it down.
 */
#include "ecrassets/common.h"
#include "ecrassets/version.h"

#include <stdatomic.h>

#include "http/http.h"

static atomic_int init_count;

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
		ecra_http_curl_release();
	return prev > 0 ? prev - 1 : 0;
}

const char *ecra_version(void)
{
	return ECRA_VERSION_STRING;
}
