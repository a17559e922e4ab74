/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * http/http.h - HTTP requests: the only module that uses libcurl.
 *
 * An ecra_http client owns one curl easy handle, so consecutive requests
 * to the same host reuse the connection. A client is not thread-safe: use
 * one per thread. TLS peers are verified unless the caller opts out;
 * plain http is allowed (registries on loopback). Proxies are used only
 * when given in the options: libcurl's own reading of *_proxy environment
 * variables is switched off (the library never reads the environment);
 * the CA bundle is ca_file or libcurl's default (the CLI maps
 * --ca-cert, SSL_CERT_FILE and AWS_CA_BUNDLE onto ca_file).
 *
 * Request headers are (name, value) pairs. The curl_slist they become
 * and every line composed for it are wiped (explicit_bzero) before they
 * are freed, so an Authorization value leaves no copy in this module's
 * memory; a request marked `sensitive` also has its response body and
 * headers wiped when the response is disposed (a token service answer).
 * libcurl's internal buffers are out of reach.
 *
 * HTTP error statuses are not errors here: the caller looks at `status`.
 * Transport failures (connect, reset, truncated body, timeout, TLS) are
 * ECRA_ENET with curl's message. Messages name the method and the URL
 * without its query string (presigned URLs carry credentials); header
 * values and bodies never appear in them.
 */
#ifndef SRC_HTTP_HTTP_H
#define SRC_HTTP_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "ecrassets/buf.h"

/* Load libcurl and run its global init, once (curl_shim.c): the first
 * client does it, so commands that never speak HTTP never load it.
 * _release() undoes the init (not the load); the last ecra_shutdown()
 * calls it (core/init.c: an accepted layering exception, so that core
 * never includes curl.h). */
int ecra_http_curl_ready(void);
void ecra_http_curl_release(void);

typedef struct ecra_http ecra_http;

/*
 * What several clients (one per thread) can share: the DNS cache and TLS
 * sessions, so a second connection to a host skips the lookup and
 * resumes the TLS session instead of a full handshake. Connections
 * themselves are not shared (libcurl does not support that across
 * threads). Thread-safe; free it after every client that uses it.
 */
typedef struct ecra_http_share ecra_http_share;

int ecra_http_share_new(ecra_http_share **out);
void ecra_http_share_free(ecra_http_share *share);

typedef struct {
	const char *name;
	const char *value;
} ecra_http_header;

#define ECRA_HTTP_OPTIONS_VERSION 3
typedef struct {
	unsigned int version;
	const char *user_agent;           /* NULL = "ecr-assets/<version>" */
	unsigned long connect_timeout_ms; /* 0 = 10 s */
	unsigned long timeout_ms;         /* whole request; 0 = no limit */
	/* Abort a transfer slower than 1 byte/s for this long; 0 = 60 s. */
	unsigned long stall_timeout_s;
	bool insecure_tls;   /* do not verify TLS peers (never default) */
	const char *ca_file; /* extra CA bundle; NULL = system default */
	/* Proxy for every URL, e.g. "http://127.0.0.1:3128"; NULL = none
	 * (then the version 3 per-scheme ones). */
	const char *proxy;
	/* Hosts reached without a proxy: a comma list of names, domain
	 * suffixes, IP addresses or "*" (curl's NO_PROXY syntax). */
	const char *no_proxy;
	/* Version 2: DNS and TLS sessions shared with other clients
	 * (borrowed); NULL = none. */
	ecra_http_share *share;
	/* Version 3: proxies by the URL's scheme (as HTTPS_PROXY and
	 * http_proxy); used when `proxy` is NULL. https URLs go through a
	 * CONNECT tunnel. */
	const char *https_proxy;
	const char *http_proxy;
	/* Version 3: cancellation (e.g. a signal flag). Once *cancel is
	 * non-zero no request starts and a running transfer is aborted
	 * within a second (libcurl's progress callback): ECRA_EUSER,
	 * "cancelled". NULL = never; see also ecra_http_set_cancel(). */
	const volatile int *cancel;
} ecra_http_options;

/*
 * Supplies the request body: copy up to `len` bytes into `buf`, set
 * *nread (0 = end of body). Return 0, or non-zero to abort the request
 * (ecra_http_send() then fails with ECRA_EUSER).
 */
typedef int (*ecra_http_read_cb)(
    void *buf, size_t len, size_t *nread, void *payload);
/* Receives the response body in chunks; non-zero aborts (ECRA_EUSER). */
typedef int (*ecra_http_write_cb)(const char *data, size_t len, void *payload);

/* Default cap on a response body kept in memory. */
#define ECRA_HTTP_DEFAULT_BODY_LIMIT (16u * 1024 * 1024)

typedef struct {
	const char *method; /* NULL = "GET" */
	const char *url;
	const ecra_http_header *headers;
	size_t header_count;
	/* Request body, one of: memory ... */
	const void *body;
	size_t body_len;
	/* ... a file descriptor read from its current offset ... */
	int body_fd; /* set to -1 when unused (0 is a valid fd!) */
	/* ... or a callback. body_size is the length for fd and callback
	 * bodies; -1 = unknown (sent chunked). */
	ecra_http_read_cb body_read;
	void *body_read_payload;
	long long body_size;
	/* Response body: to on_body if set, else into response.body (at
	 * most body_limit bytes, 0 = ECRA_HTTP_DEFAULT_BODY_LIMIT; more is
	 * ECRA_ETOOBIG). */
	ecra_http_write_cb on_body;
	void *on_body_payload;
	size_t body_limit;
	/* Follow redirects (at most 10), e.g. blob downloads that go to
	 * S3. Authorization is not forwarded to another host. When false, a
	 * 3xx is returned as is (read its Location). */
	bool follow_redirects;
	unsigned long timeout_ms; /* overrides the client's; 0 = client's */
	/* A header or the answer holds a secret: the response's body and
	 * headers are wiped when it is disposed. */
	bool sensitive;
} ecra_http_request;

typedef struct {
	char *name;
	char *value;
} ecra_http_header_owned;

typedef struct {
	long status;                     /* the final response's status */
	ecra_buf body;                   /* unless on_body was given */
	ecra_http_header_owned *headers; /* the final response's, in order */
	size_t header_count;
	char *effective_url; /* after redirects */
	unsigned int redirects;
	bool sensitive; /* from the request: wipe on dispose */
} ecra_http_response;

/* Initialise a request: GET, no body, body_fd -1, body_size -1. */
void ecra_http_request_init(
    ecra_http_request *req, const char *method, const char *url);

int ecra_http_new(ecra_http **out, const ecra_http_options *opts);
void ecra_http_free(ecra_http *client);

/* Replace the client's cancel flag (NULL = none), e.g. to send the
 * best-effort clean-up requests of an interrupted upload. */
void ecra_http_set_cancel(ecra_http *client, const volatile int *cancel);

/*
 * Perform one request and wait for the whole response.
 *
 * `res` is initialised here; release it with ecra_http_response_dispose()
 * whatever the result.
 *
 * @return 0 when a response was received (any status);
 *         ECRA_ENET for a transport failure; ECRA_ETOOBIG when the
 *         response body exceeds body_limit; ECRA_EUSER when a callback
 *         aborted; ECRA_EINVALID for a malformed request; ECRA_ENOMEM
 */
int ecra_http_send(
    ecra_http_response *res, ecra_http *client, const ecra_http_request *req);

void ecra_http_response_dispose(ecra_http_response *res);

/* The first value of a response header (case-insensitive), or NULL. */
const char *ecra_http_response_header(
    const ecra_http_response *res, const char *name);
/* The n-th (0-based) value of a header that appears several times. */
const char *ecra_http_response_header_nth(
    const ecra_http_response *res, const char *name, size_t n);

/* Add one raw response header line (as libcurl's header callback gets
 * it, CRLF included) to res->headers: a status line starts over, folded
 * lines continue the previous value, lines without ':' are skipped.
 * `*alloc` is the capacity of res->headers (0 at first). 0 or
 * ECRA_ENOMEM. */
int ecra_http_response_add_line(
    ecra_http_response *res, size_t *alloc, const char *line, size_t len);

/* Append `url` without query, fragment and user info (for messages). */
int ecra_http_redact_url(ecra_buf *out, const char *url);

#endif /* SRC_HTTP_HTTP_H */
