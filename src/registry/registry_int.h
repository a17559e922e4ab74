/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * registry/registry_int.h - the client's internals, shared by
 * registry.c (protocol), tarball.c (docker save push) and transport.c
 * (requests over src/http).
 */
#ifndef SRC_REGISTRY_REGISTRY_INT_H
#define SRC_REGISTRY_REGISTRY_INT_H

#include "http/http.h"
#include "registry/registry.h"
#include "util/buf.h"

typedef struct {
	char *scope;
	char *value; /* the Authorization value: "Bearer ..." */
} ecra_registry_token;

struct ecra_registry {
	char *host;
	char *base; /* scheme://host: the origin credentials go to */
	char *username;
	char *password;
	char *ca_file; /* transport settings (registry.h options) */
	char *https_proxy;
	char *http_proxy;
	char *no_proxy;
	bool basic_ok; /* the registry asked for Basic: send it upfront */
	ecra_registry_token *tokens;
	size_t token_count;
	unsigned int timeout_ms;
	size_t chunk_size;
	void *transport; /* transport.c's state */
	/* The last request failed in a way worth retrying (transport error,
	 * HTTP 5xx or 429); cleared when a request starts. */
	bool transient;
	const volatile int *cancel; /* see ecra_registry_options */
	/* Sending clean-up requests (upload DELETE): not cancellable, short
	 * timeout. */
	bool cleanup;
};

/* What a request returns; headers the client uses are picked out. */
typedef struct {
	int status;
	ecra_buf body; /* set body.limit before the call to cap it */
	char *location;
	char *www_authenticate;
	char *content_type;
	char *digest; /* Docker-Content-Digest */
	char *range;  /* Range (upload status) */
} ecra_registry_resp;

void ecra_registry_resp_dispose(ecra_registry_resp *resp);

int ecra_registry_transport_init(ecra_registry *r);
void ecra_registry_transport_dispose(ecra_registry *r);

/* "scheme://host[:port]" of an http(s) URL: scheme and host lower-cased,
 * user info and a default port (80, 443) dropped. */
int ecra_registry_url_origin(ecra_buf *out, const char *url);
/* Do two absolute URLs have the same origin? (False if either is not an
 * http(s) URL.) */
bool ecra_registry_same_origin(const char *a, const char *b);
/* Resolve a Location (absolute, "//host/...", "/path" or relative) against
 * the URL it answered. */
int ecra_registry_resolve_url(ecra_buf *out, const char *base, const char *ref);

/* One HTTP exchange (no auth dance): `auth` is the Authorization value
 * (NULL = none), sent to the origin of `url` only; `headers` are `count`
 * other (name, value) pairs; body may be NULL (no body). HEAD reads no
 * body. GET and HEAD follow redirects (at most 10; https never to http),
 * the Authorization dropped on any other origin. Returns 0 for any HTTP
 * status; < 0 for transport failures, with a message naming the
 * registry host (never a header). */
int ecra_registry_xfer(ecra_registry *r, const char *method, const char *url,
    const char *auth, const ecra_http_header *headers, size_t count,
    const void *body, size_t len, ecra_registry_resp *resp);

/* A request with the auth dance (see registry.c): `url` absolute or a
 * path from the registry root; `extra` are `count` (name, value) pairs.
 * Credentials and tokens go only to the registry's own origin: a URL on
 * another origin (an upload Location on S3) is sent without them and its
 * 401 is not answered. */
int ecra_registry_request(ecra_registry *r, const char *method, const char *url,
    const char *scope, const ecra_http_header *extra, size_t count,
    const void *body, size_t len, ecra_registry_resp *resp);

/* The value of `key` in a WWW-Authenticate challenge (`key="value"` or
 * `key=value` after the scheme word; keys without case), or NULL. */
char *ecra_registry_challenge_param(const char *challenge, const char *key);

/* The Authorization value ("Bearer <token>") of a token service answer
 * ({"token": ...} or {"access_token": ...}); every copy of the token but
 * *value is wiped. */
int ecra_registry_token_from_answer(
    char **value, const char *host, const char *body, size_t len);

/* Set an error from a failed response and return its code. */
int ecra_registry_fail(
    ecra_registry *r, ecra_registry_resp *resp, const char *what);

/* Cross-repository mount: *mounted false means "upload normally". */
int ecra_registry_mount(ecra_registry *r, const char *repo, const char *digest,
    const char *from, bool *mounted);

/* "sha256:<64 hex>" of data. */
void ecra_registry_sha256(char out[72], const void *data, size_t len);

/* A Location header as an absolute URL, with `param`=`value` (URL
 * encoded) added when param is not NULL. */
int ecra_registry_upload_url(ecra_buf *out, ecra_registry *r, const char *loc,
    const char *param, const char *value);

/* Load libarchive (archive_shim.c) or say why it cannot be. */
int ecra_registry_archive_ready(void);

/* DELETE the upload session at `loc` (best effort, also while the client
 * is being cancelled, 5 s at most); the last error is kept. */
void ecra_registry_cancel_upload(
    ecra_registry *r, const char *loc, const char *scope);

/* A blob upload source over bytes in memory: `payload` is an
 * ecra_registry_mem_reader, read from `off` to `len`. */
typedef struct {
	const char *data;
	size_t len, off;
} ecra_registry_mem_reader;
int ecra_registry_mem_read(void *payload, char *buf, size_t cap, size_t *got);

#endif /* SRC_REGISTRY_REGISTRY_INT_H */
