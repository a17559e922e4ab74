/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * registry/transport.c - one HTTP exchange of the registry client over
 * src/http: "Name: value" header lines in, status and the headers the
 * protocol needs out.
 */
#include "registry/registry_int.h"

#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "http/http.h"
#include "util/buf.h"

#define MAX_HEADERS 16

int ecra_registry_transport_init(ecra_registry *r)
{
	ecra_http_options o;
	ecra_http *h = NULL;
	int error;

	memset(&o, 0, sizeof(o));
	o.version = ECRA_HTTP_OPTIONS_VERSION;
	o.timeout_ms = r->timeout_ms;
	if ((error = ecra_http_new(&h, &o)) < 0)
		return error;
	r->transport = h;
	return 0;
}

void ecra_registry_transport_dispose(ecra_registry *r)
{
	ecra_http_free(r->transport);
	r->transport = NULL;
}

static int dup_header(
    char **out, const ecra_http_response *res, const char *name)
{
	const char *v = ecra_http_response_header(res, name);

	*out = NULL;
	if (v != NULL && (*out = ecra_strdup(v)) == NULL)
		return ECRA_ENOMEM;
	return 0;
}

int ecra_registry_xfer(ecra_registry *r, const char *method, const char *url,
    const char *const *headers, const void *body, size_t len,
    ecra_registry_resp *resp)
{
	ecra_http_request req;
	ecra_http_response res;
	ecra_http_header hs[MAX_HEADERS];
	char *names[MAX_HEADERS];
	size_t n = 0, i;
	size_t limit = resp->body.limit;
	int error = 0;

	memset(&res, 0, sizeof(res));
	memset(names, 0, sizeof(names));
	ecra_http_request_init(&req, method, url);
	for (i = 0; headers != NULL && headers[i] != NULL && n < MAX_HEADERS;
	     i++) {
		const char *colon = strchr(headers[i], ':');

		if (colon == NULL)
			continue;
		if ((names[n] = ecra_strndup(
		         headers[i], (size_t)(colon - headers[i]))) == NULL) {
			error = ECRA_ENOMEM;
			goto done;
		}
		colon++;
		while (*colon == ' ')
			colon++;
		hs[n].name = names[n];
		hs[n].value = colon;
		n++;
	}
	req.headers = hs;
	req.header_count = n;
	if (body != NULL) {
		req.body = body;
		req.body_len = len;
		req.body_size = (long long)len;
	}
	req.body_limit = limit;
	req.follow_redirects =
	    strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
	if ((error = ecra_http_send(&res, r->transport, &req)) < 0) {
		r->transient = error == ECRA_ENET;
		error = ecra_error_wrap("registry '%s'", r->host);
		goto done;
	}
	resp->status = (int)res.status;
	if ((error = dup_header(&resp->location, &res, "Location")) < 0 ||
	    (error = dup_header(
	         &resp->www_authenticate, &res, "WWW-Authenticate")) < 0 ||
	    (error = dup_header(&resp->content_type, &res, "Content-Type")) <
	        0 ||
	    (error = dup_header(&resp->digest, &res, "Docker-Content-Digest")) <
	        0 ||
	    (error = dup_header(&resp->range, &res, "Range")) < 0)
		goto done;
	ecra_buf_dispose(&resp->body);
	resp->body = res.body;
	resp->body.limit = limit;
	memset(&res.body, 0, sizeof(res.body));
done:
	for (i = 0; i < n; i++)
		ecra_free(names[i]);
	ecra_http_response_dispose(&res);
	return error;
}
