/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * http/http.c - requests over libcurl's easy interface.
 *
 * One easy handle per client; curl_easy_reset() between requests keeps
 * its connection cache, so keep-alive connections are reused. Response
 * headers are collected by the header callback, which starts over at each
 * status line, so after redirects only the final response's are kept.
 */
#include "http/http.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>

#include "core/alloc.h"
#include "core/error.h"
#include "ecrassets/version.h"
#include "util/buf.h"

struct ecra_http_share {
	CURLSH *sh;
	pthread_mutex_t locks[CURL_LOCK_DATA_LAST];
};

struct ecra_http {
	CURL *curl;
	ecra_http_share *share;
	char *user_agent;
	unsigned long connect_timeout_ms;
	unsigned long timeout_ms;
	unsigned long stall_timeout_s;
	bool insecure_tls;
	char *ca_file;
	char *proxy;
	char *no_proxy;
	char *https_proxy;
	char *http_proxy;
	const volatile int *cancel;
};

void ecra_http_request_init(
    ecra_http_request *req, const char *method, const char *url)
{
	memset(req, 0, sizeof(*req));
	req->method = method;
	req->url = url;
	req->body_fd = -1;
	req->body_size = -1;
}

static void share_lock(
    CURL *h, curl_lock_data data, curl_lock_access access, void *p)
{
	ecra_http_share *s = p;

	(void)h;
	(void)access;
	if ((int)data >= 0 && data < CURL_LOCK_DATA_LAST)
		pthread_mutex_lock(&s->locks[data]);
}

static void share_unlock(CURL *h, curl_lock_data data, void *p)
{
	ecra_http_share *s = p;

	(void)h;
	if ((int)data >= 0 && data < CURL_LOCK_DATA_LAST)
		pthread_mutex_unlock(&s->locks[data]);
}

int ecra_http_share_new(ecra_http_share **out)
{
	ecra_http_share *s = NULL;
	size_t i, inited = 0;
	int error = 0;

	ECRA_ASSERT_ARG(out);
	*out = NULL;
	if ((s = ecra_calloc(1, sizeof(*s))) == NULL)
		return ECRA_ENOMEM;
	for (inited = 0; inited < CURL_LOCK_DATA_LAST; inited++)
		if (pthread_mutex_init(&s->locks[inited], NULL) != 0) {
			error =
			    ecra_error_set(ECRA_ERROR, "cannot create a mutex");
			goto fail;
		}
	if ((s->sh = curl_share_init()) == NULL ||
	    curl_share_setopt(s->sh, CURLSHOPT_LOCKFUNC, share_lock) !=
	        CURLSHE_OK ||
	    curl_share_setopt(s->sh, CURLSHOPT_UNLOCKFUNC, share_unlock) !=
	        CURLSHE_OK ||
	    curl_share_setopt(s->sh, CURLSHOPT_USERDATA, s) != CURLSHE_OK ||
	    curl_share_setopt(s->sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS) !=
	        CURLSHE_OK ||
	    curl_share_setopt(s->sh, CURLSHOPT_SHARE,
	        CURL_LOCK_DATA_SSL_SESSION) != CURLSHE_OK) {
		error = ecra_error_set(
		    ECRA_ERROR, "cannot create a curl share handle");
		goto fail;
	}
	*out = s;
	return 0;
fail:
	if (s->sh != NULL)
		curl_share_cleanup(s->sh);
	for (i = 0; i < inited; i++)
		pthread_mutex_destroy(&s->locks[i]);
	ecra_free(s);
	return error;
}

void ecra_http_share_free(ecra_http_share *s)
{
	size_t i;

	if (s == NULL)
		return;
	curl_share_cleanup(s->sh);
	for (i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_destroy(&s->locks[i]);
	ecra_free(s);
}

static char *dup_opt(const char *s, bool *failed)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = ecra_strdup(s)) == NULL)
		*failed = true;
	return d;
}

int ecra_http_new(ecra_http **out, const ecra_http_options *opts)
{
	ecra_http *c = NULL;
	bool failed = false;
	int error;

	ECRA_ASSERT_ARG(out);
	*out = NULL;
	ECRA_CHECK_VERSION(opts, ECRA_HTTP_OPTIONS_VERSION, ecra_http_options);
	if ((c = ecra_calloc(1, sizeof(*c))) == NULL)
		return ECRA_ENOMEM;
	if (opts != NULL) {
		c->user_agent = dup_opt(opts->user_agent, &failed);
		c->connect_timeout_ms = opts->connect_timeout_ms;
		c->timeout_ms = opts->timeout_ms;
		c->stall_timeout_s = opts->stall_timeout_s;
		c->insecure_tls = opts->insecure_tls;
		c->ca_file = dup_opt(opts->ca_file, &failed);
		c->proxy = dup_opt(opts->proxy, &failed);
		c->no_proxy = dup_opt(opts->no_proxy, &failed);
		if (opts->version >= 2)
			c->share = opts->share;
		if (opts->version >= 3) {
			c->https_proxy = dup_opt(opts->https_proxy, &failed);
			c->http_proxy = dup_opt(opts->http_proxy, &failed);
		}
		if (opts->version >= 3)
			c->cancel = opts->cancel;
	}
	if (c->user_agent == NULL && !failed)
		c->user_agent =
		    dup_opt("ecr-assets/" ECRA_VERSION_STRING, &failed);
	if (failed) {
		ecra_http_free(c);
		return ECRA_ENOMEM;
	}
	if ((error = ecra_http_curl_ready()) < 0) {
		ecra_http_free(c);
		return error;
	}
	if ((c->curl = curl_easy_init()) == NULL) {
		ecra_http_free(c);
		return ecra_error_set(ECRA_ERROR,
		    "cannot create a curl handle (was ecra_init() called?)");
	}
	*out = c;
	return 0;
}

void ecra_http_free(ecra_http *c)
{
	if (c == NULL)
		return;
	if (c->curl != NULL)
		curl_easy_cleanup(c->curl);
	ecra_free(c->user_agent);
	ecra_free(c->ca_file);
	ecra_free(c->proxy);
	ecra_free(c->no_proxy);
	ecra_free(c->https_proxy);
	ecra_free(c->http_proxy);
	ecra_free(c);
}

/* The proxy for `url`: the one for every URL, else the one for its
 * scheme; "" = none (an empty CURLOPT_PROXY also stops libcurl from
 * reading *_proxy from the environment). */
static const char *proxy_for(const ecra_http *c, const char *url)
{
	const char *p = c->proxy;

	if (p == NULL)
		p = strncasecmp(url, "https:", 6) == 0  ? c->https_proxy
		    : strncasecmp(url, "http:", 5) == 0 ? c->http_proxy
		                                        : NULL;
	return p != NULL ? p : "";
}

void ecra_http_response_dispose(ecra_http_response *res)
{
	size_t i;

	if (res == NULL)
		return;
	for (i = 0; i < res->header_count; i++) {
		if (res->sensitive)
			ecra_wipe_str(res->headers[i].value);
		ecra_free(res->headers[i].name);
		ecra_free(res->headers[i].value);
	}
	ecra_free(res->headers);
	if (res->sensitive && res->body.ptr != NULL)
		ecra_wipe(res->body.ptr, res->body.size);
	ecra_buf_dispose(&res->body);
	ecra_free(res->effective_url);
	memset(res, 0, sizeof(*res));
}

const char *ecra_http_response_header_nth(
    const ecra_http_response *res, const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < res->header_count; i++)
		if (strcasecmp(res->headers[i].name, name) == 0 && n-- == 0)
			return res->headers[i].value;
	return NULL;
}

const char *ecra_http_response_header(
    const ecra_http_response *res, const char *name)
{
	return ecra_http_response_header_nth(res, name, 0);
}

int ecra_http_redact_url(ecra_buf *out, const char *url)
{
	const char *scheme_end = strstr(url, "://"), *host, *at, *end;
	size_t cut = strcspn(url, "?#");
	int error;

	if (scheme_end == NULL || scheme_end > url + cut)
		return ecra_buf_put(out, url, cut);
	host = scheme_end + 3;
	end = host + strcspn(host, "/?#");
	at = memchr(host, '@', (size_t)(end - host));
	if ((error = ecra_buf_put(out, url, (size_t)(host - url))) < 0)
		return error;
	if (at != NULL)
		host = at + 1;
	return ecra_buf_put(out, host, (size_t)(url + cut - host));
}

/* ------------------------------------------------------------------ */

typedef struct {
	ecra_http_response *res;
	const ecra_http_request *req;
	size_t header_alloc;
	int error;       /* set by a callback that aborted */
	const char *mem; /* memory body (also "" for an empty body) */
	size_t mem_len;
	size_t mem_off;
	off_t fd_start; /* offset of an fd body when the request began */
} xfer;

static void clear_headers(ecra_http_response *res)
{
	size_t i;

	for (i = 0; i < res->header_count; i++) {
		if (res->sensitive)
			ecra_wipe_str(res->headers[i].value);
		ecra_free(res->headers[i].name);
		ecra_free(res->headers[i].value);
	}
	res->header_count = 0;
}

/* RFC 9110 5.5: a CR or LF inside a field value becomes a space. */
static void crlf_to_space(char *v)
{
	for (; *v; v++)
		if (*v == '\r' || *v == '\n')
			*v = ' ';
}

int ecra_http_response_add_line(
    ecra_http_response *res, size_t *alloc, const char *data, size_t len)
{
	size_t nlen;
	const char *colon, *v, *e;

	if (len >= 5 && memcmp(data, "HTTP/", 5) == 0) {
		clear_headers(res);
		return 0;
	}
	e = data + len;
	while (e > data && (e[-1] == '\r' || e[-1] == '\n'))
		e--;
	if (e == data)
		return 0;
	if ((*data == ' ' || *data == '\t') && res->header_count > 0) {
		/* obsolete line folding: continue the previous value */
		ecra_http_header_owned *h =
		    &res->headers[res->header_count - 1];
		ecra_buf b = ECRA_BUF_INIT(0);

		while (data < e && (*data == ' ' || *data == '\t'))
			data++;
		if (ecra_buf_puts(&b, h->value) < 0 ||
		    ecra_buf_putc(&b, ' ') < 0 ||
		    ecra_buf_put(&b, data, (size_t)(e - data)) < 0) {
			ecra_buf_dispose(&b);
			return ECRA_ENOMEM;
		}
		if (res->sensitive)
			ecra_wipe_str(h->value);
		ecra_free(h->value);
		h->value = ecra_buf_detach(&b);
		crlf_to_space(h->value);
		return 0;
	}
	colon = memchr(data, ':', (size_t)(e - data));
	if (colon == NULL)
		return 0;
	nlen = (size_t)(colon - data);
	for (v = data; v < colon; v++)
		if ((unsigned char)*v <= ' ' || *v == 0x7f)
			return 0; /* not a field name: skip the line */
	v = colon + 1;
	while (v < e && (*v == ' ' || *v == '\t'))
		v++;
	while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	if (res->header_count == *alloc) {
		size_t n = *alloc ? *alloc * 2 : 16;
		void *p2 =
		    ecra_realloc(res->headers, n * sizeof(*res->headers));

		if (p2 == NULL)
			return ECRA_ENOMEM;
		res->headers = p2;
		*alloc = n;
	}
	res->headers[res->header_count].name = ecra_strndup(data, nlen);
	res->headers[res->header_count].value =
	    ecra_strndup(v, (size_t)(e - v));
	res->header_count++;
	if (res->headers[res->header_count - 1].name == NULL ||
	    res->headers[res->header_count - 1].value == NULL)
		return ECRA_ENOMEM;
	crlf_to_space(res->headers[res->header_count - 1].value);
	return 0;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *p)
{
	xfer *x = p;
	size_t len = size * nmemb;
	int error =
	    ecra_http_response_add_line(x->res, &x->header_alloc, data, len);

	if (error < 0) {
		x->error = error;
		return 0;
	}
	return len;
}

static size_t on_write(char *data, size_t size, size_t nmemb, void *p)
{
	xfer *x = p;
	size_t len = size * nmemb;
	int error;

	if (x->req->on_body != NULL) {
		if (x->req->on_body(data, len, x->req->on_body_payload) != 0) {
			x->error = ecra_error_set(
			    ECRA_EUSER, "the response body callback stopped");
			return 0;
		}
		return len;
	}
	if ((error = ecra_buf_put(&x->res->body, data, len)) < 0) {
		x->error =
		    error == ECRA_ETOOBIG
		        ? ecra_error_set(ECRA_ETOOBIG,
		              "response body larger than the %zu-byte limit",
		              x->res->body.limit)
		        : error;
		return 0;
	}
	return len;
}

static size_t on_read(char *buf, size_t size, size_t nmemb, void *p)
{
	xfer *x = p;
	const ecra_http_request *req = x->req;
	size_t len = size * nmemb, n = 0;

	if (x->mem != NULL) {
		n = x->mem_len - x->mem_off;
		if (n > len)
			n = len;
		memcpy(buf, x->mem + x->mem_off, n);
		x->mem_off += n;
		return n;
	}
	if (req->body_fd >= 0) {
		ssize_t r;

		do {
			r = read(req->body_fd, buf, len);
		} while (r < 0 && errno == EINTR);
		if (r < 0) {
			x->error = ecra_error_set_os(
			    ECRA_EIO, "cannot read the request body");
			return CURL_READFUNC_ABORT;
		}
		return (size_t)r;
	}
	if (req->body_read(buf, len, &n, req->body_read_payload) != 0 ||
	    n > len) {
		x->error = ecra_error_set(
		    ECRA_EUSER, "the request body callback stopped");
		return CURL_READFUNC_ABORT;
	}
	return n;
}

/* Rewind the body, for redirects and for curl's retry on a reused
 * connection that died. Callback bodies cannot be rewound. */
static int on_seek(void *p, curl_off_t offset, int origin)
{
	xfer *x = p;

	if (origin != SEEK_SET || offset < 0)
		return CURL_SEEKFUNC_CANTSEEK;
	if (x->mem != NULL) {
		if ((size_t)offset > x->mem_len)
			return CURL_SEEKFUNC_FAIL;
		x->mem_off = (size_t)offset;
		return CURL_SEEKFUNC_OK;
	}
	if (x->req->body_fd >= 0 && x->fd_start >= 0 &&
	    lseek(x->req->body_fd, x->fd_start + (off_t)offset, SEEK_SET) >= 0)
		return CURL_SEEKFUNC_OK;
	return CURL_SEEKFUNC_CANTSEEK;
}

void ecra_http_set_cancel(ecra_http *c, const volatile int *cancel)
{
	if (c != NULL)
		c->cancel = cancel;
}

/* libcurl calls this at least once a second during a transfer (also
 * while it stalls): non-zero aborts it. */
static int on_progress(void *payload, curl_off_t dltotal, curl_off_t dlnow,
    curl_off_t ultotal, curl_off_t ulnow)
{
	const ecra_http *c = payload;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return c->cancel != NULL && *c->cancel != 0;
}

#define SETOPT(opt, val)                                                     \
	do {                                                                 \
		if ((crc = curl_easy_setopt(c->curl, opt, val)) != CURLE_OK) \
			goto curl_failed;                                    \
	} while (0)

int ecra_http_send(
    ecra_http_response *res, ecra_http *c, const ecra_http_request *req)
{
	struct curl_slist *hdrs = NULL, *tmp;
	ecra_buf line = ECRA_BUF_INIT(0), where = ECRA_BUF_INIT(0);
	char errbuf[CURL_ERROR_SIZE];
	const char *method;
	bool has_body;
	xfer x;
	CURLcode crc = CURLE_OK;
	size_t i;
	long redirects = 0;
	int error = 0;

	ECRA_ASSERT_ARG(res);
	memset(res, 0, sizeof(*res));
	ECRA_ASSERT_ARG(c);
	ECRA_ASSERT_ARG(req);
	res->sensitive = req->sensitive;
	if (req->url == NULL || *req->url == '\0')
		return ecra_error_set(ECRA_EINVALID, "empty URL");
	method = req->method ? req->method : "GET";
	has_body =
	    req->body != NULL || req->body_fd >= 0 || req->body_read != NULL;
	if ((error = ecra_http_redact_url(&where, req->url)) < 0)
		goto done;
	res->body.limit =
	    req->body_limit ? req->body_limit : ECRA_HTTP_DEFAULT_BODY_LIMIT;
	memset(&x, 0, sizeof(x));
	x.res = res;
	x.req = req;
	x.mem = req->body;
	x.mem_len = req->body ? req->body_len : 0;
	x.fd_start = req->body_fd >= 0 ? lseek(req->body_fd, 0, SEEK_CUR) : -1;
	errbuf[0] = '\0';

	for (i = 0; i < req->header_count; i++) {
		const ecra_http_header *h = &req->headers[i];

		if (h->name == NULL || strpbrk(h->name, ":\r\n") != NULL ||
		    (h->value && strpbrk(h->value, "\r\n") != NULL)) {
			error = ecra_error_set(ECRA_EINVALID,
			    "invalid request header '%s'",
			    h->name ? h->name : "");
			goto done;
		}
		ecra_buf_clear(&line);
		/* "Name;" sends an empty header; "Name:" would remove it */
		if ((error = (h->value && *h->value)
		                 ? ecra_buf_printf(
		                       &line, "%s: %s", h->name, h->value)
		                 : ecra_buf_printf(&line, "%s;", h->name)) < 0)
			goto done;
		if ((tmp = curl_slist_append(hdrs, line.ptr)) == NULL)
			goto oom;
		hdrs = tmp;
	}
	/* never wait for 100-continue; registries answer at once */
	if ((tmp = curl_slist_append(hdrs, "Expect:")) == NULL)
		goto oom;
	hdrs = tmp;

	curl_easy_reset(c->curl);
	SETOPT(CURLOPT_ERRORBUFFER, errbuf);
	SETOPT(CURLOPT_URL, req->url);
#if LIBCURL_VERSION_NUM >= 0x075500
	SETOPT(CURLOPT_PROTOCOLS_STR, "http,https");
	SETOPT(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#endif
	SETOPT(CURLOPT_NOSIGNAL, 1L);
	if (c->share != NULL)
		SETOPT(CURLOPT_SHARE, c->share->sh);
	SETOPT(CURLOPT_USERAGENT, c->user_agent);
	SETOPT(CURLOPT_HTTPHEADER, hdrs);
	SETOPT(CURLOPT_PROXY, proxy_for(c, req->url));
	/* Always set: without it libcurl reads NO_PROXY/no_proxy from the
	 * environment, and the library takes nothing from there. */
	SETOPT(CURLOPT_NOPROXY, c->no_proxy != NULL ? c->no_proxy : "");
	SETOPT(CURLOPT_CONNECTTIMEOUT_MS,
	    (long)(c->connect_timeout_ms ? c->connect_timeout_ms : 10000));
	if (req->timeout_ms || c->timeout_ms)
		SETOPT(CURLOPT_TIMEOUT_MS,
		    (long)(req->timeout_ms ? req->timeout_ms : c->timeout_ms));
	SETOPT(CURLOPT_LOW_SPEED_LIMIT, 1L);
	SETOPT(CURLOPT_LOW_SPEED_TIME,
	    (long)(c->stall_timeout_s ? c->stall_timeout_s : 60));
	SETOPT(CURLOPT_SSL_VERIFYPEER, c->insecure_tls ? 0L : 1L);
	SETOPT(CURLOPT_SSL_VERIFYHOST, c->insecure_tls ? 0L : 2L);
	if (c->ca_file)
		SETOPT(CURLOPT_CAINFO, c->ca_file);
	if (c->cancel != NULL) {
		SETOPT(CURLOPT_XFERINFOFUNCTION, on_progress);
		SETOPT(CURLOPT_XFERINFODATA, c);
		SETOPT(CURLOPT_NOPROGRESS, 0L);
	}
	SETOPT(CURLOPT_HEADERFUNCTION, on_header);
	SETOPT(CURLOPT_HEADERDATA, &x);
	SETOPT(CURLOPT_WRITEFUNCTION, on_write);
	SETOPT(CURLOPT_WRITEDATA, &x);
	SETOPT(CURLOPT_ACCEPT_ENCODING, NULL);
	if (req->follow_redirects) {
		SETOPT(CURLOPT_FOLLOWLOCATION, 1L);
		SETOPT(CURLOPT_MAXREDIRS, 10L);
		SETOPT(CURLOPT_UNRESTRICTED_AUTH, 0L);
		/* keep the method on 301/302/303 only for GET/HEAD */
	}

	if (strcmp(method, "HEAD") == 0) {
		SETOPT(CURLOPT_NOBODY, 1L);
	} else if (has_body) {
		long long size = req->body != NULL ? (long long)req->body_len
		                                   : req->body_size;

		SETOPT(CURLOPT_UPLOAD, 1L);
		SETOPT(CURLOPT_READFUNCTION, on_read);
		SETOPT(CURLOPT_READDATA, &x);
		SETOPT(CURLOPT_SEEKFUNCTION, on_seek);
		SETOPT(CURLOPT_SEEKDATA, &x);
		if (size >= 0)
			SETOPT(CURLOPT_INFILESIZE_LARGE, (curl_off_t)size);
		if (strcmp(method, "PUT") != 0)
			SETOPT(CURLOPT_CUSTOMREQUEST, method);
	} else if (strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
	           strcmp(method, "PATCH") == 0) {
		/* an empty body, sent with Content-Length: 0 */
		SETOPT(CURLOPT_UPLOAD, 1L);
		SETOPT(CURLOPT_READFUNCTION, on_read);
		SETOPT(CURLOPT_READDATA, &x);
		SETOPT(CURLOPT_INFILESIZE_LARGE, (curl_off_t)0);
		x.mem = "";
		x.mem_len = 0;
		if (strcmp(method, "PUT") != 0)
			SETOPT(CURLOPT_CUSTOMREQUEST, method);
	} else if (strcmp(method, "GET") != 0) {
		SETOPT(CURLOPT_CUSTOMREQUEST, method);
	}

	if (c->cancel != NULL && *c->cancel != 0) {
		error = ecra_error_set(
		    ECRA_EUSER, "%s %s: cancelled", method, where.ptr);
		goto done;
	}
	crc = curl_easy_perform(c->curl);
	if (crc == CURLE_ABORTED_BY_CALLBACK && c->cancel != NULL &&
	    *c->cancel != 0) {
		error = ecra_error_set(
		    ECRA_EUSER, "%s %s: cancelled", method, where.ptr);
		goto done;
	}
	if (x.error < 0) {
		error = x.error;
		goto done;
	}
	if (crc != CURLE_OK) {
		size_t elen = strlen(errbuf);

		/* curl's buffer sometimes ends with a newline */
		while (elen > 0 &&
		       (errbuf[elen - 1] == '\n' || errbuf[elen - 1] == '\r'))
			errbuf[--elen] = '\0';
		error = ecra_error_set(ECRA_ENET, "%s %s: %s", method,
		    where.ptr, errbuf[0] ? errbuf : curl_easy_strerror(crc));
		goto done;
	}
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &res->status);
	curl_easy_getinfo(c->curl, CURLINFO_REDIRECT_COUNT, &redirects);
	res->redirects = (unsigned int)redirects;
	{
		char *eff = NULL;

		curl_easy_getinfo(c->curl, CURLINFO_EFFECTIVE_URL, &eff);
		if (eff != NULL &&
		    (res->effective_url = ecra_strdup(eff)) == NULL)
			goto oom;
	}
	goto done;

curl_failed:
	error =
	    ecra_error_set(ECRA_ERROR, "cannot set up the request %s %s: %s",
	        method, where.ptr, curl_easy_strerror(crc));
	goto done;
oom:
	error = ecra_error_set(ECRA_ENOMEM, "out of memory");
done:
	if (c != NULL && c->curl != NULL) {
		/* do not leave pointers to our stack in the handle */
		curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, NULL);
		curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, NULL);
	}
	/* the lines may hold an Authorization value: no copy survives */
	for (tmp = hdrs; tmp != NULL; tmp = tmp->next)
		ecra_wipe_str(tmp->data);
	curl_slist_free_all(hdrs);
	if (line.ptr != NULL)
		ecra_wipe(line.ptr, line.size);
	ecra_buf_dispose(&line);
	ecra_buf_dispose(&where);
	return error;
}
