/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/fuzz/http_headers.c - response header lines as libcurl hands
 * them to the header callback, on arbitrary input.
 *
 * The input is split at '\n' into lines (each keeps its '\n', as curl's
 * callback gets them); each is added with ecra_http_response_add_line
 * (status lines reset, folded lines continue a value). Then the headers
 * are looked up the way the registry transport does, and every
 * WWW-Authenticate value is read as a challenge. Odd first bytes mark
 * the response sensitive (wiped when disposed). Nothing may crash or
 * leak; every stored header has a name without ':' and a value without
 * CR or LF.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "http/http.h"
#include "registry/registry_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "Location", "WWW-Authenticate",
		"Content-Type", "Docker-Content-Digest" };
	ecra_http_response res;
	const char *p = (const char *)data, *end = p + size, *v;
	size_t alloc = 0, i, n;

	memset(&res, 0, sizeof(res));
	res.sensitive = size > 0 && (data[0] & 1);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);

		if (ecra_http_response_add_line(&res, &alloc, p, len) < 0)
			break;
		p += len;
	}
	for (i = 0; i < res.header_count; i++)
		if (strchr(res.headers[i].name, ':') != NULL ||
		    strpbrk(res.headers[i].value, "\r\n") != NULL)
			abort();
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		(void)ecra_http_response_header(&res, names[i]);
	for (n = 0; (v = ecra_http_response_header_nth(
	                 &res, "WWW-Authenticate", n)) != NULL;
	     n++) {
		char *realm = ecra_registry_challenge_param(v, "realm");
		char *scope = ecra_registry_challenge_param(v, "scope");

		ecra_free(realm);
		ecra_free(scope);
	}
	ecra_http_response_dispose(&res);
	ecra_error_clear();
	return 0;
}
