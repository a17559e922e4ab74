/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * registry/transport.c - one HTTP exchange of the registry client over
 * src/http: (name, value) header pairs in, status and the headers the
 * protocol needs out; redirects followed here, not by libcurl.
 *
 * Where credentials go is decided by origin (scheme, host, port; the
 * default port written or not, host names without ASCII case): the
 * Authorization value the caller gives is sent to the origin of the
 * request URL and to no other, so a redirect of a blob or manifest GET
 * to S3, GCS or a CDN (or to another port of the same host) carries no
 * credentials, as with docker and containerd. libcurl's own redirect
 * following is not used: it decides by host name alone and is off
 * (follow_redirects false, CURLOPT_UNRESTRICTED_AUTH never set).
 */
#include "registry/registry_int.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "core/error.h"
#include "http/http.h"
#include "util/buf.h"

#define MAX_HEADERS   16
#define MAX_REDIRECTS 10

int ecra_registry_transport_init(ecra_registry *r)
{
	ecra_http_options o;
	ecra_http *h = NULL;
	int error;

	memset(&o, 0, sizeof(o));
	o.version = ECRA_HTTP_OPTIONS_VERSION;
	o.timeout_ms = r->timeout_ms;
	o.ca_file = r->ca_file;
	o.https_proxy = r->https_proxy;
	o.http_proxy = r->http_proxy;
	o.no_proxy = r->no_proxy;
	o.cancel = r->cancel;
	/* A registry that stops answering (slow loris, a hung proxy) fails
	 * the request after 30 s without a byte; a retry follows. */
	o.stall_timeout_s = 30;
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

int ecra_registry_url_origin(ecra_buf *out, const char *url)
{
	const char *p = strstr(url, "://"), *auth, *end, *at, *colon;
	size_t i, scheme_len;
	bool https;

	ecra_buf_clear(out);
	if (p == NULL)
		return ecra_error_set(ECRA_EINVALID, "not an absolute URL");
	scheme_len = (size_t)(p - url);
	https = scheme_len == 5 && strncasecmp(url, "https", 5) == 0;
	if (!https && !(scheme_len == 4 && strncasecmp(url, "http", 4) == 0))
		return ecra_error_set(
		    ECRA_EINVALID, "not an http or https URL");
	auth = p + 3;
	end = auth + strcspn(auth, "/?#");
	/* user info is not part of the origin */
	if ((at = memchr(auth, '@', (size_t)(end - auth))) != NULL)
		auth = at + 1;
	if (auth == end)
		return ecra_error_set(ECRA_EINVALID, "URL without a host");
	/* the port: after the last ':' that is not inside [v6] */
	colon = NULL;
	for (p = auth; p < end; p++)
		if (*p == ':')
			colon = p;
		else if (*p == ']')
			colon = NULL;
	if (colon != NULL && ((https && (size_t)(end - colon) == 4 &&
	                          memcmp(colon, ":443", 4) == 0) ||
	                         (!https && (size_t)(end - colon) == 3 &&
	                             memcmp(colon, ":80", 3) == 0) ||
	                         colon + 1 == end))
		end = colon; /* the default port, or an empty one */
	if (ecra_buf_puts(out, https ? "https://" : "http://") < 0 ||
	    ecra_buf_grow(out, (size_t)(end - auth)) < 0)
		return ECRA_ENOMEM;
	for (i = 0; auth + i < end; i++)
		out->ptr[out->size++] = (char)tolower((unsigned char)auth[i]);
	out->ptr[out->size] = '\0';
	return 0;
}

bool ecra_registry_same_origin(const char *a, const char *b)
{
	ecra_buf oa = ECRA_BUF_INIT(0), ob = ECRA_BUF_INIT(0);
	bool same = ecra_registry_url_origin(&oa, a) == 0 &&
	            ecra_registry_url_origin(&ob, b) == 0 &&
	            strcmp(oa.ptr, ob.ptr) == 0;

	ecra_error_clear();
	ecra_buf_dispose(&oa);
	ecra_buf_dispose(&ob);
	return same;
}

int ecra_registry_resolve_url(ecra_buf *out, const char *base, const char *ref)
{
	const char *scheme_end = strstr(base, "://"), *path, *last;
	size_t n;

	ecra_buf_clear(out);
	if (strncasecmp(ref, "http://", 7) == 0 ||
	    strncasecmp(ref, "https://", 8) == 0)
		return ecra_buf_puts(out, ref);
	if (scheme_end == NULL || strstr(ref, "://") != NULL)
		return ecra_error_set(ECRA_EINVALID,
		    "unsupported redirect target (only http and https)");
	if (ref[0] == '/' && ref[1] == '/') /* network-path reference */
		return ecra_buf_printf(
		    out, "%.*s:%s", (int)(scheme_end - base), base, ref);
	path = scheme_end + 3 + strcspn(scheme_end + 3, "/?#");
	if (ref[0] == '/')
		return ecra_buf_printf(
		    out, "%.*s%s", (int)(path - base), base, ref);
	/* relative to the directory of the base path (RFC 3986 5.3) */
	n = strcspn(path, "?#");
	for (last = path + n; last > path && last[-1] != '/'; last--)
		;
	if (last == path)
		return ecra_buf_printf(
		    out, "%.*s/%s", (int)(path - base), base, ref);
	return ecra_buf_printf(out, "%.*s%s", (int)(last - base), base, ref);
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

static bool is_redirect(long status)
{
	return status == 301 || status == 302 || status == 303 ||
	       status == 307 || status == 308;
}

int ecra_registry_xfer(ecra_registry *r, const char *method, const char *url,
    const char *auth, const ecra_http_header *headers, size_t count,
    const void *body, size_t len, ecra_registry_resp *resp)
{
	ecra_http_request req;
	ecra_http_response res;
	ecra_http_header hs[MAX_HEADERS + 1];
	ecra_buf cur = ECRA_BUF_INIT(0), next = ECRA_BUF_INIT(0),
	         where = ECRA_BUF_INIT(0);
	size_t n = 0, i, limit = resp->body.limit;
	bool follow = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
	unsigned int hops;
	int error = 0;

	memset(&res, 0, sizeof(res));
	if (count > MAX_HEADERS)
		return ecra_error_set(
		    ECRA_EINVALID, "too many request headers");
	if ((error = ecra_buf_puts(&cur, url)) < 0)
		goto done;
	for (hops = 0;; hops++) {
		/* Authorization only to the origin it was meant for. */
		n = 0;
		if (auth != NULL && ecra_registry_same_origin(cur.ptr, url)) {
			hs[n].name = "Authorization";
			hs[n++].value = auth;
		}
		for (i = 0; i < count; i++)
			hs[n++] = headers[i];
		ecra_http_request_init(&req, method, cur.ptr);
		req.headers = hs;
		req.header_count = n;
		if (body != NULL) {
			req.body = body;
			req.body_len = len;
			req.body_size = (long long)len;
		}
		req.body_limit = limit;
		req.sensitive = auth != NULL;
		req.follow_redirects = false;
		if (r->cleanup)
			req.timeout_ms = 5000;
		ecra_http_response_dispose(&res);
		if ((error = ecra_http_send(&res, r->transport, &req)) < 0) {
			r->transient = error == ECRA_ENET;
			error = ecra_error_wrap("registry '%s'", r->host);
			goto done;
		}
		if (!follow || !is_redirect(res.status) ||
		    ecra_http_response_header(&res, "Location") == NULL)
			break;
		if (hops == MAX_REDIRECTS) {
			ecra_http_redact_url(&where, url);
			error = ecra_error_set(ECRA_ERROR,
			    "registry '%s': %s %s: more than %d redirects",
			    r->host, method, where.ptr, MAX_REDIRECTS);
			goto done;
		}
		if ((error = ecra_registry_resolve_url(&next, cur.ptr,
		         ecra_http_response_header(&res, "Location"))) < 0) {
			error = ecra_error_wrap("registry '%s'", r->host);
			goto done;
		}
		if (strncasecmp(cur.ptr, "https:", 6) == 0 &&
		    strncasecmp(next.ptr, "https:", 6) != 0) {
			ecra_http_redact_url(&where, next.ptr);
			error = ecra_error_set(ECRA_ERROR,
			    "registry '%s': refusing a redirect from https to "
			    "'%s'",
			    r->host, where.ptr);
			goto done;
		}
		{
			ecra_buf t = cur;

			cur = next;
			next = t;
		}
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
	ecra_http_response_dispose(&res);
	ecra_buf_dispose(&cur);
	ecra_buf_dispose(&next);
	ecra_buf_dispose(&where);
	return error;
}
