/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * aws/aws.h - the small part of AWS the publisher needs: SigV4 signing,
 * credential and config resolution (as the SDKs do it), and clients for
 * ECR (JSON 1.1), STS (query protocol) and Secrets Manager (JSON 1.1).
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
#include "http/http.h"

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
	/* AWS_ENDPOINT_URL_SECRETS_MANAGER */
	const char *endpoint_url_secrets_manager;
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
 * The endpoint URL for `service` ("ecr", "sts" or "secretsmanager") in
 * `region`, as the SDKs pick it: AWS_ENDPOINT_URL_<SERVICE> (ECR, STS,
 * SECRETS_MANAGER), AWS_ENDPOINT_URL, the profile's services section
 * (ecr/sts/secrets_manager.endpoint_url), the profile's endpoint_url,
 * else the default https://api.ecr.<region>.<suffix>,
 * https://sts.<region>.<suffix> or https://secretsmanager.<region>.<suffix>
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

/* ------------------------------------------------- service clients */

#define ECRA_AWS_SERVICE_OPTIONS_VERSION 1
typedef struct {
	unsigned int version;
	ecra_http *http;      /* borrowed, required; used for every call */
	const char *region;   /* required (the SigV4 scope) */
	const char *endpoint; /* base URL, e.g. from ecra_aws_config_endpoint */
	ecra_aws_credentials credentials; /* copied */
	/* Attempts per call for throttling, 5xx and transport errors; 0 = 3
	 * (the SDK's standard mode). */
	unsigned int max_attempts;
	/* Backoff base: attempt n waits base * 2^(n-1), jittered by up to
	 * 50%; 0 = 100 ms. */
	unsigned int base_delay_ms;
	unsigned long timeout_ms; /* per HTTP request; 0 = the client's */
} ecra_aws_service_options;

/* The last service error seen by a client (valid until its next call). */
typedef struct {
	long status;    /* HTTP status, 0 for transport errors */
	char type[128]; /* normalised error name, e.g. ImageNotFoundException */
	char message[512];
	unsigned int attempts; /* requests made by the last call */
} ecra_aws_error;

/* Strip a "namespace#" prefix and a ":suffix" from an error type, as the
 * SDK does ("com.amazonaws.ecr#ImageNotFoundException:http://..." ->
 * "ImageNotFoundException"). Writes at most size bytes. */
void ecra_aws_normalize_error_type(char *out, size_t size, const char *type);

/* ECR, AWS JSON 1.1 (X-Amz-Target AmazonEC2ContainerRegistry_V20150921). */
typedef struct ecra_ecr ecra_ecr;

int ecra_ecr_new(ecra_ecr **out, const ecra_aws_service_options *opts);
void ecra_ecr_free(ecra_ecr *ecr);
const ecra_aws_error *ecra_ecr_last_error(const ecra_ecr *ecr);

typedef struct {
	char *name;
	char *uri; /* repositoryUri, verbatim */
	char *arn;
	char *registry_id;
} ecra_ecr_repository;
void ecra_ecr_repository_dispose(ecra_ecr_repository *repo);

/*
 * DescribeRepositories {"repositoryNames":[name]}.
 * @return 0; ECRA_ENOTFOUND for RepositoryNotFoundException ("no ECR
 *         repository named '<name>'"); ECRA_EAUTH for credential and
 *         signature errors; ECRA_ENET; ECRA_ERROR for other service errors
 *         (message "<Type>: <service message>")
 */
int ecra_ecr_describe_repository(
    ecra_ecr_repository *out, ecra_ecr *ecr, const char *name);

typedef struct {
	char *digest;     /* imageDigest, or NULL */
	char *media_type; /* imageManifestMediaType, or NULL */
	long long size;   /* imageSizeInBytes, or -1 */
} ecra_ecr_image;
void ecra_ecr_image_dispose(ecra_ecr_image *img);

/*
 * DescribeImages {"repositoryName":repo,"imageIds":[{"imageTag":tag}]}.
 * Any success means the image exists (even with empty imageDetails, as
 * cdk-assets decides); `out` may be NULL.
 * @return 0; ECRA_ENOTFOUND for ImageNotFoundException ("image
 *         '<repo>:<tag>' not found") or RepositoryNotFoundException ("no
 *         ECR repository named '<repo>'"): see ecra_ecr_last_error()->type;
 *         other codes as above
 */
int ecra_ecr_describe_image(
    ecra_ecr_image *out, ecra_ecr *ecr, const char *repo, const char *tag);

/* DescribeImages takes at most this many image ids. */
#define ECRA_ECR_MAX_IMAGE_IDS 100

/*
 * DescribeImages for `count` tags of one repository at once. ECR answers
 * only when every one exists: its answer has no per-id failures, and one
 * missing tag fails the whole call with ImageNotFoundException. So this
 * is a probe "are they all there?": found[i] is set for each tag the
 * answer lists.
 * @return 0; ECRA_ENOTFOUND when some tag (which is not said) or the
 *         repository is missing; other codes as above
 */
int ecra_ecr_describe_images_all(ecra_ecr *ecr, const char *repo,
    const char *const *tags, size_t count, bool *found);

typedef struct {
	char *username;
	char *password;
	char *proxy_endpoint; /* verbatim, e.g. https://1234.dkr.ecr... */
	char *registry;       /* proxy_endpoint without scheme and a trailing
	                         slash: the docker login argument */
	double expires_at;    /* seconds since the epoch, or 0 */
} ecra_ecr_auth;
void ecra_ecr_auth_dispose(ecra_ecr_auth *auth);

/*
 * GetAuthorizationToken {}: decodes base64 "user:password" (anything after
 * a second ':' is dropped, as cdk-assets does).
 * @return 0; ECRA_ERROR "No authorization data received from ECR" or
 *         "unexpected ECR authData format"; other codes as above
 */
int ecra_ecr_get_authorization(ecra_ecr_auth *out, ecra_ecr *ecr);

typedef struct {
	char *tag;
	bool found;
	char *digest;       /* when found */
	char *media_type;   /* when found */
	char *manifest;     /* when found: the manifest bytes */
	char *failure_code; /* when not found, e.g. "ImageNotFound" */
} ecra_ecr_batch_item;

/*
 * BatchGetImage for several tags of one repository at once (a per-tag
 * answer, unlike DescribeImages). out[i] answers tags[i]; dispose each
 * with ecra_ecr_batch_item_dispose().
 */
int ecra_ecr_batch_get_image(ecra_ecr_batch_item *out, ecra_ecr *ecr,
    const char *repo, const char *const *tags, size_t count);
void ecra_ecr_batch_item_dispose(ecra_ecr_batch_item *item);

/* STS, query protocol (Version 2011-06-15), XML responses. */
typedef struct ecra_sts ecra_sts;

int ecra_sts_new(ecra_sts **out, const ecra_aws_service_options *opts);
void ecra_sts_free(ecra_sts *sts);
const ecra_aws_error *ecra_sts_last_error(const ecra_sts *sts);

typedef struct {
	char *account;
	char *arn;
	char *user_id;
	char *partition; /* field 2 of the ARN, e.g. "aws" */
} ecra_sts_identity;
void ecra_sts_identity_dispose(ecra_sts_identity *id);

int ecra_sts_get_caller_identity(ecra_sts_identity *out, ecra_sts *sts);

typedef struct {
	const char *name;
	const char *value;
} ecra_sts_param;

typedef struct {
	const char *role_arn;     /* required */
	const char *session_name; /* required */
	const char *external_id;  /* optional */
	unsigned int duration_s;  /* 0 = not sent */
	/* Session tags; when any, TransitiveTagKeys lists all their keys
	 * (cdk-assets does this). */
	const ecra_sts_param *tags;
	size_t tag_count;
	/* Further parameters, already flattened in query form (e.g.
	 * "Policy", "PolicyArns.member.1.arn"), sent after the others. */
	const ecra_sts_param *extra;
	size_t extra_count;
} ecra_sts_assume_role_params;

/*
 * AssumeRole. The request body is Action=AssumeRole&Version=2011-06-15&
 * RoleArn=..&RoleSessionName=..[&DurationSeconds=..][&Tags..]
 * [&TransitiveTagKeys..][&ExternalId=..][&extra..].
 * @return 0 with temporary credentials in out (source "role '<arn>'");
 *         ECRA_EAUTH for AccessDenied and credential errors; others as
 *         for ECR
 */
int ecra_sts_assume_role(ecra_aws_creds *out, ecra_sts *sts,
    const ecra_sts_assume_role_params *params);

/* The cdk-assets session name: "cdk-assets-" + user with characters
 * outside [A-Za-z0-9_+=,.@-] replaced by '@' ("noname" if user is NULL
 * or empty), at most 64 characters. */
int ecra_sts_session_name(char **out, const char *prefix, const char *user);

/*
 * Run a credential plan: copy the base credentials, then assume each role
 * in turn through STS (endpoint from cfg, signed for `region`), using
 * the step's role_session_name or default_session_name.
 */
int ecra_aws_resolve_credentials(ecra_aws_creds *out,
    const ecra_aws_credential_plan *plan, const ecra_aws_config *cfg,
    ecra_http *http, const char *region, const char *default_session_name);

/* Secrets Manager, AWS JSON 1.1 (X-Amz-Target secretsmanager.<Op>, SigV4
 * service "secretsmanager"). */
typedef struct ecra_secretsmanager ecra_secretsmanager;

int ecra_secretsmanager_new(
    ecra_secretsmanager **out, const ecra_aws_service_options *opts);
void ecra_secretsmanager_free(ecra_secretsmanager *sm);
const ecra_aws_error *ecra_secretsmanager_last_error(
    const ecra_secretsmanager *sm);

typedef struct {
	char *arn;           /* ARN, or NULL */
	char *name;          /* Name, or NULL */
	char *secret_string; /* SecretString, or NULL (wiped on dispose) */
	bool has_binary;     /* a SecretBinary was returned */
} ecra_secret_value;
void ecra_secret_value_dispose(ecra_secret_value *v);

/*
 * GetSecretValue {"SecretId":id}.
 * @return 0; ECRA_ENOTFOUND for ResourceNotFoundException; ECRA_EAUTH for
 *         credential and signature errors; ECRA_ENET; ECRA_ERROR for
 *         other service errors (message "<Type>: <service message>")
 */
int ecra_secretsmanager_get_secret_value(
    ecra_secret_value *out, ecra_secretsmanager *sm, const char *secret_id);

/* Internal: the entity-decoded text of the first <tag>...</tag> in xml
 * (at most size - 1 bytes; "" if absent). Enough for STS responses. */
void ecra_aws_xml_text(
    char *out, size_t size, const char *xml, size_t len, const char *tag);

/* Internal: one signed call with retries, shared by ECR and STS. */
typedef struct ecra_aws_service ecra_aws_service;
int ecra_aws_service_new(ecra_aws_service **out, const char *service,
    const ecra_aws_service_options *opts);
void ecra_aws_service_free(ecra_aws_service *svc);
const ecra_aws_error *ecra_aws_service_last_error(const ecra_aws_service *svc);
/* POST / with `body` and the given content type (and X-Amz-Target when
 * target is not NULL). On a 2xx, *res holds the response. Otherwise the
 * error is parsed (JSON __type/message or XML Code/Message), recorded,
 * and mapped to a code. */
int ecra_aws_service_call(ecra_http_response *res, ecra_aws_service *svc,
    const char *operation, const char *target, const char *content_type,
    const char *body, size_t body_len);

#endif /* SRC_AWS_AWS_H */
