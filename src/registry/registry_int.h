/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * registry/registry_int.h - the client's internals, shared by
 * registry.c (protocol), tarball.c (docker save push) and transport.c
 * (requests over src/http).
 */
#ifndef SRC_REGISTRY_REGISTRY_INT_H
#define SRC_REGISTRY_REGISTRY_INT_H

#include "registry/registry.h"

typedef struct {
	char *scope;
	char *header; /* "Authorization: Bearer ..." */
} ecra_registry_token;

struct ecra_registry {
	char *host;
	char *base; /* scheme://host */
	char *username;
	char *password;
	bool basic_ok; /* the registry asked for Basic: send it upfront */
	ecra_registry_token *tokens;
	size_t token_count;
	unsigned int timeout_ms;
	size_t chunk_size;
	void *transport; /* transport.c's state */
	/* The last request failed in a way worth retrying (transport error,
	 * HTTP 5xx or 429); cleared when a request starts. */
	bool transient;
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

/* One HTTP exchange (no auth handling): `headers` NULL-terminated
 * "Name: value" lines; body may be NULL (no body). HEAD reads no body.
 * Redirects are followed, never forwarding Authorization to another
 * host. Returns 0 for any HTTP status; < 0 for transport failures, with
 * a message naming the registry host (never a header). */
int ecra_registry_xfer(ecra_registry *r, const char *method, const char *url,
    const char *const *headers, const void *body, size_t len,
    ecra_registry_resp *resp);

/* A request with the auth dance (see registry.c). */
int ecra_registry_request(ecra_registry *r, const char *method, const char *url,
    const char *scope, const char *const *extra, const void *body, size_t len,
    ecra_registry_resp *resp);

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

#endif /* SRC_REGISTRY_REGISTRY_INT_H */
