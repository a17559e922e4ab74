/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/fuzz/registry.c - what a registry (or whoever answers in its
 * place) sends the registry client, on arbitrary input.
 *
 * The input is NUL-separated fields (see fuzz_common.h):
 *   0  a WWW-Authenticate challenge: realm, service and scope are read
 *   1  a token service answer ({"token": ...} / {"access_token": ...})
 *   2  an error answer body ({"errors": [...]}) for ecra_registry_fail,
 *      with the status from the first byte's upper bits
 *   3  a Location / redirect target: resolved against a registry URL,
 *      then its origin; also checked as host[:port], loopback, insecure
 *      list entry, repository name, tag
 *   4  a manifest or index body, walked as the copy does (manifests,
 *      config, layers: digest, size, mediaType)
 * Nothing may crash, leak, or return a token with a line break.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "ecrassets/registry.h"
#include "fuzz_common.h"
#include "json/json.h"
#include "registry/registry_int.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ecra_registry *client(void)
{
	static ecra_registry *r;
	ecra_registry_options o;

	if (r == NULL) {
		memset(&o, 0, sizeof(o));
		o.host = "127.0.0.1:9";
		o.plain_http = true;
		if (ecra_init() < 0 || ecra_registry_new(&r, &o) < 0)
			abort();
	}
	return r;
}

static void walk_descriptors(const ecra_json *list)
{
	size_t i;

	for (i = 0; i < ecra_json_size(list); i++) {
		const ecra_json *d = ecra_json_at(list, i);

		(void)ecra_json_string(ecra_json_get(d, "digest"));
		(void)ecra_json_string(ecra_json_get(d, "mediaType"));
		if (ecra_json_is_number(ecra_json_get(d, "size")))
			(void)ecra_json_integer(ecra_json_get(d, "size"));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = { "realm", "service", "scope" };
	fuzz_input in;
	const char *f[5];
	ecra_registry *r = client();
	ecra_registry_resp resp;
	ecra_buf b = ECRA_BUF_INIT(0), o = ECRA_BUF_INIT(0);
	ecra_json *doc = NULL;
	char *v = NULL;
	size_t i;

	if (fuzz_split(&in, data, size) < 0)
		return 0;
	for (i = 0; i < 5; i++)
		f[i] = i < in.count ? in.fields[i] : "";

	for (i = 0; i < 3; i++) {
		v = ecra_registry_challenge_param(f[0], keys[i]);
		ecra_free(v);
	}

	if (ecra_registry_token_from_answer(&v, "h", f[1], strlen(f[1])) == 0) {
		if (v == NULL || strncmp(v, "Bearer ", 7) != 0 ||
		    strpbrk(v, "\r\n") != NULL)
			abort();
		ecra_free(v);
	}

	memset(&resp, 0, sizeof(resp));
	resp.status = 400 + (data[0] >> 3);
	(void)ecra_buf_puts(&resp.body, f[2]);
	(void)ecra_registry_fail(r, &resp, "fuzzing");
	ecra_registry_resp_dispose(&resp);

	if (ecra_registry_resolve_url(&b,
	        "https://reg.example:5000/v2/a/blobs/"
	        "uploads/x?state=1",
	        f[3]) == 0 &&
	    ecra_registry_url_origin(&o, b.ptr) == 0)
		(void)ecra_registry_same_origin(
		    b.ptr, "https://reg.example:5000");
	(void)ecra_registry_host_check(f[3]);
	(void)ecra_registry_host_is_loopback(f[3]);
	(void)ecra_registry_host_insecure(f[3], &f[0], 1);
	(void)ecra_registry_check_repository(f[3]);
	(void)ecra_registry_check_tag(f[3]);

	if (ecra_json_parse(&doc, f[4], strlen(f[4]), "manifest", 0) == 0) {
		walk_descriptors(ecra_json_get(doc, "manifests"));
		walk_descriptors(ecra_json_get(doc, "layers"));
		if (ecra_json_get(doc, "config") != NULL) {
			ecra_json *arr = ecra_json_get(doc, "config");

			(void)ecra_json_string(ecra_json_get(arr, "digest"));
		}
		(void)ecra_json_string(ecra_json_get(doc, "mediaType"));
		ecra_json_free(doc);
	}
	ecra_error_clear();
	ecra_buf_dispose(&b);
	ecra_buf_dispose(&o);
	free(in.buf);
	return 0;
}
