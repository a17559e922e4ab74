/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * aws/aws.h - the small part of AWS the publisher needs: SigV4 signing,
 * credential and config resolution (as the SDKs do it), and clients for
 * ECR (JSON 1.1) and STS (query protocol).
 *
 * The library never reads the environment: the CLI fills ecra_aws_env
 * from getenv() and passes it in.
 */
#ifndef SRC_AWS_AWS_H
#define SRC_AWS_AWS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "ecrassets/buf.h"

/* ------------------------------------------------------------ SigV4 */

/* Borrowed credentials; session_token NULL for long-term keys. */
typedef struct {
	const char *access_key_id;
	const char *secret_access_key;
	const char *session_token;
} ecra_aws_credentials;

typedef struct {
	const char *name;
	const char *value;
} ecra_aws_header;

typedef struct {
	const char *method; /* "GET", "POST", ... */
	const char *host;   /* the Host header value: host[:port] */
	const char *path;   /* the path as sent (before '?'); NULL = "/" */
	const char *query;  /* the query without '?'; NULL = none */
	/* Headers to sign (any case, repeats allowed: values are joined
	 * with ','). Host, X-Amz-Date, X-Amz-Security-Token and
	 * X-Amz-Content-Sha256 are added when missing (see options). */
	const ecra_aws_header *headers;
	size_t header_count;
	const void *body;
	size_t body_len;
	/* Hex SHA-256 of the body, or "UNSIGNED-PAYLOAD"; NULL = computed
	 * from body (use it for streamed bodies). */
	const char *payload_hash;
} ecra_sigv4_request;

#define ECRA_SIGV4_OPTIONS_VERSION 1
typedef struct {
	unsigned int version;
	const char *region;  /* required */
	const char *service; /* required: "ecr", "sts" */
	/* Signing time; 0 = now. Ignored when the request already carries
	 * an X-Amz-Date header. */
	time_t now;
	/* Also sign and return an x-amz-content-sha256 header. */
	bool add_content_sha256;
} ecra_sigv4_options;

/* What the caller adds to the request (owned strings, free with
 * ecra_sigv4_result_dispose()). */
typedef struct {
	char *authorization;     /* Authorization header value */
	char *amz_date;          /* X-Amz-Date value (add it if not given) */
	char *security_token;    /* X-Amz-Security-Token value or NULL */
	char *content_sha256;    /* X-Amz-Content-Sha256 value or NULL */
	char *canonical_request; /* for tests and debugging */
	char *string_to_sign;
	char *signed_headers; /* "host;x-amz-date;..." */
} ecra_sigv4_result;

/*
 * Sign a request with AWS Signature Version 4 (HMAC-SHA256).
 *
 * The canonical URI is the normalised path (dot segments removed, repeated
 * slashes collapsed) URI-encoded once, as for every service but S3; query
 * parameters are decoded, re-encoded (RFC 3986 unreserved kept) and sorted;
 * header values are trimmed with inner runs of spaces collapsed.
 *
 * @return 0, ECRA_EINVALID for a missing field, ECRA_ENOMEM
 */
int ecra_sigv4_sign(ecra_sigv4_result *out, const ecra_aws_credentials *creds,
    const ecra_sigv4_request *req, const ecra_sigv4_options *opts);
void ecra_sigv4_result_dispose(ecra_sigv4_result *res);

/* Lower-case hex SHA-256 of data (65 bytes with the NUL). */
void ecra_aws_sha256_hex(char out[65], const void *data, size_t len);
/* Append the RFC 3986 encoding of s (unreserved kept; '/' kept if
 * keep_slash). */
int ecra_aws_uri_encode(
    ecra_buf *out, const char *s, size_t len, bool keep_slash);

#endif /* SRC_AWS_AWS_H */
