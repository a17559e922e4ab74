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

/* ------------------------------------------- environment and config */

/*
 * What the CLI reads from the environment (getenv) and passes in; each
 * field NULL when unset. The library never reads the environment itself.
 */
typedef struct {
	const char *access_key_id;     /* AWS_ACCESS_KEY_ID */
	const char *secret_access_key; /* AWS_SECRET_ACCESS_KEY */
	const char *session_token;     /* AWS_SESSION_TOKEN */
	const char *profile;           /* AWS_PROFILE */
	const char *region;            /* AWS_REGION (AWS_DEFAULT_REGION is
	                                  not used by SDK v3) */
	const char *config_file;       /* AWS_CONFIG_FILE */
	const char *credentials_file;  /* AWS_SHARED_CREDENTIALS_FILE */
	const char *home;              /* HOME, for ~/.aws/... */
	const char *endpoint_url;      /* AWS_ENDPOINT_URL */
	const char *endpoint_url_ecr;  /* AWS_ENDPOINT_URL_ECR */
	const char *endpoint_url_sts;  /* AWS_ENDPOINT_URL_STS */
	const char *ignore_configured_endpoint_urls; /* AWS_IGNORE_CONFIGURED_
	                                                ENDPOINT_URLS */
	const char *max_attempts;                    /* AWS_MAX_ATTEMPTS */
} ecra_aws_env;

typedef struct ecra_aws_config ecra_aws_config;

#define ECRA_AWS_CONFIG_OPTIONS_VERSION 1
typedef struct {
	unsigned int version;
	const ecra_aws_env *env; /* NULL = an empty environment */
	/* --profile: selects the credentials profile only (region and
	 * endpoints still come from AWS_PROFILE or "default"), and turns
	 * off environment credentials, as SDK v3 does. */
	const char *profile;
} ecra_aws_config_options;

/*
 * Read the shared config and credentials files (missing files are fine).
 * @return 0, ECRA_EIO/ECRA_EINVALID for unreadable or malformed files
 */
int ecra_aws_config_load(
    ecra_aws_config **out, const ecra_aws_config_options *opts);
void ecra_aws_config_free(ecra_aws_config *cfg);

/* A value of a profile: the credentials file wins over the config file.
 * Nested values ("services" sections) are "ecr.endpoint_url". */
const char *ecra_aws_config_get(
    const ecra_aws_config *cfg, const char *profile, const char *key);
/* The region: AWS_REGION, else `region` of the AWS_PROFILE (or default)
 * profile; NULL if none. */
const char *ecra_aws_config_region(const ecra_aws_config *cfg);
/* Attempts for retried calls: AWS_MAX_ATTEMPTS, then max_attempts of
 * the profile, else 3. */
unsigned int ecra_aws_config_max_attempts(const ecra_aws_config *cfg);

typedef struct {
	const char *name;       /* "aws", "aws-cn", "aws-us-gov", ... */
	const char *dns_suffix; /* "amazonaws.com", "amazonaws.com.cn" */
} ecra_aws_partition;

/* The partition of a region (by its prefix); "aws" by default. */
const ecra_aws_partition *ecra_aws_partition_of(const char *region);

/*
 * The endpoint URL for `service` ("ecr" or "sts") in `region`, as the
 * SDKs pick it: AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, the
 * profile's services section, the profile's endpoint_url, else the
 * default https://api.ecr.<region>.<suffix> / https://sts.<region>.<suffix>
 * (configured URLs are skipped when ignore_configured_endpoint_urls is
 * true). Free with ecra_free().
 */
int ecra_aws_config_endpoint(char **out, const ecra_aws_config *cfg,
    const char *service, const char *region);

/* Owned credentials. */
typedef struct {
	char *access_key_id;
	char *secret_access_key;
	char *session_token; /* NULL for long-term keys */
	time_t expiration;   /* 0 = none */
	char *source;        /* where they came from, for messages */
} ecra_aws_creds;

void ecra_aws_creds_dispose(ecra_aws_creds *c);
int ecra_aws_creds_copy(
    ecra_aws_creds *out, const ecra_aws_credentials *in, const char *source);
/* A borrowed view for signing. */
ecra_aws_credentials ecra_aws_creds_view(const ecra_aws_creds *c);

/* One role of a profile chain (role_arn + source_profile). */
typedef struct {
	char *role_arn;
	char *external_id;       /* NULL if none */
	char *session_name;      /* role_session_name; NULL = caller picks */
	unsigned int duration_s; /* duration_seconds; 0 = default */
	char *profile;           /* the profile that named this role */
} ecra_aws_role_step;

/* Where credentials come from: base keys, then roles to assume in order
 * (each with the credentials the previous step produced). */
typedef struct {
	ecra_aws_creds base;
	ecra_aws_role_step *roles;
	size_t role_count;
} ecra_aws_credential_plan;

/*
 * Resolve the credential chain as SDK v3's default provider does, for
 * the sources this library supports: environment keys (unless a profile
 * was chosen), then the profile in the shared files (static keys, or
 * role_arn + source_profile chains). SSO, credential_process, web
 * identity and instance metadata are not supported.
 *
 * @return 0; ECRA_EAUTH when no credentials are found; ECRA_ENOTFOUND
 *         for a missing profile; ECRA_EINVALID for a broken profile
 */
int ecra_aws_config_credentials(
    ecra_aws_credential_plan *out, const ecra_aws_config *cfg);
void ecra_aws_credential_plan_dispose(ecra_aws_credential_plan *plan);

#endif /* SRC_AWS_AWS_H */
