/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * registry/registry.h - an OCI distribution (docker registry v2) client.
 *
 * Speaks the pull and push halves of the distribution spec over
 * src/http: manifest and blob HEAD/GET, monolithic and chunked blob
 * uploads (relative or absolute Location, cross-repository mount), and
 * manifest PUT. Authentication follows the registry's challenge: Basic
 * with the configured credentials, or the Bearer token flow (the token
 * realm is asked with Basic credentials if any). Credentials come from
 * the options or from a docker config.json `auths` entry.
 *
 * Nothing secret (passwords, tokens, Authorization headers) ever appears
 * in an error message.
 *
 * A client is not thread-safe; use one per thread.
 */
#ifndef SRC_REGISTRY_REGISTRY_H
#define SRC_REGISTRY_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ecrassets/buf.h"
#include "ecrassets/registry.h"

#define ECRA_MT_DOCKER_MANIFEST \
	"application/vnd.docker.distribution.manifest.v2+json"
#define ECRA_MT_DOCKER_LIST \
	"application/vnd.docker.distribution.manifest.list.v2+json"
#define ECRA_MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define ECRA_MT_DOCKER_LAYER  "application/vnd.docker.image.rootfs.diff.tar.gzip"
#define ECRA_MT_OCI_MANIFEST  "application/vnd.oci.image.manifest.v1+json"
#define ECRA_MT_OCI_INDEX     "application/vnd.oci.image.index.v1+json"

typedef struct ecra_registry ecra_registry;

typedef struct {
	const char *host;     /* host[:port] */
	bool plain_http;      /* http:// instead of https:// */
	const char *username; /* explicit credentials (both or neither) */
	const char *password;
	/* A docker config directory whose config.json `auths` may hold
	 * base64 "user:password" for `host`; used if no explicit ones. */
	const char *docker_config;
	unsigned int timeout_ms; /* per request; 0 = 300 s */
	/* Blob upload chunk size; 0 = monolithic PUT. */
	size_t chunk_size;
	/* TLS and proxies (see src/http/http.h): a PEM CA bundle (NULL =
	 * system), proxies by scheme, hosts that bypass them. */
	const char *ca_file;
	const char *https_proxy;
	const char *http_proxy;
	const char *no_proxy;
	/* Cancellation (a signal flag): once *cancel is non-zero no request
	 * starts, the running one is aborted within a second and an upload
	 * session that was open is cancelled (DELETE, best effort): so
	 * nothing is tagged after a signal. NULL = never. */
	const volatile int *cancel;
} ecra_registry_options;

/* Loopback means exactly: `localhost` (ASCII case ignored), an IPv4
 * literal in 127.0.0.0/8 (dotted quad), or the IPv6 literal ::1 in
 * brackets, each with an optional port. Nothing that has to be resolved
 * ("127.example.com", "localhost.") is loopback. These hosts are spoken
 * to over plain http (docker does the same). */
bool ecra_registry_host_is_loopback(const char *host);

/* Is `host` (host[:port]) in the explicit list of insecure registries
 * (plain http)? An entry "HOST" matches every port of HOST, an entry
 * "HOST:PORT" only that port; host names compare without ASCII case. */
bool ecra_registry_host_insecure(
    const char *host, const char *const *insecure, size_t count);

/* ecra_registry_host_check() (is `host` a valid host[:port]?) is public:
 * include/ecrassets/registry.h. */

/* Repository names and tags (OCI distribution spec; ECR's limits on the
 * length). Every client call checks them before any request. */
#define ECRA_REGISTRY_REPOSITORY_MIN 2
#define ECRA_REGISTRY_REPOSITORY_MAX 256
#define ECRA_REGISTRY_NAME_RULE                                            \
	"components of lowercase letters and digits, separated inside by " \
	"'.', '_', '__' or dashes, joined by '/' "                         \
	"([a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\\.|_|__|-+)"     \
	"[a-z0-9]+)*)*)"
#define ECRA_REGISTRY_TAG_RULE                                              \
	"a letter, digit or '_', then up to 127 letters, digits, '.', '_' " \
	"or '-' ([a-zA-Z0-9_][a-zA-Z0-9._-]{0,127})"

/* The grammar only (no length limits). */
bool ecra_registry_repository_valid(const char *name);
bool ecra_registry_tag_valid(const char *tag);
/* Grammar and ECR's 2-256 characters; ECRA_EINVALID with the rule. */
int ecra_registry_check_repository(const char *name);
int ecra_registry_check_tag(const char *tag);

int ecra_registry_new(ecra_registry **out, const ecra_registry_options *o);
void ecra_registry_free(ecra_registry *r);
const char *ecra_registry_host(const ecra_registry *r);

/* Did the last failed call fail in a way worth retrying: a transport
 * error (refused, reset, timed out) or HTTP 5xx/429? False for every
 * other failure (authentication, 4xx, local files). */
bool ecra_registry_failed_transiently(const ecra_registry *r);
/* HTTP statuses worth retrying: 5xx and 429. */
bool ecra_registry_status_transient(int status);

/* HEAD a manifest by tag or digest: *exists, and *digest (may be NULL)
 * receives Docker-Content-Digest if the registry sent it. */
int ecra_registry_manifest_exists(ecra_registry *r, const char *repo,
    const char *ref, bool *exists, char **digest);

/* GET a manifest (any of the docker/OCI manifest and index types). */
int ecra_registry_manifest_get(ecra_registry *r, const char *repo,
    const char *ref, ecra_buf *body, char **media_type, char **digest);

/* PUT a manifest under `ref` (tag or digest); *digest (may be NULL)
 * receives its sha256 digest. */
int ecra_registry_manifest_put(ecra_registry *r, const char *repo,
    const char *ref, const char *media_type, const void *data, size_t len,
    char **digest);

/* HEAD a blob. */
int ecra_registry_blob_exists(
    ecra_registry *r, const char *repo, const char *digest, bool *exists);

/* Reads up to `cap` bytes of the blob into buf; returns 0 and the number
 * of bytes in *got, 0 at the end. */
typedef int (*ecra_registry_read_cb)(
    void *payload, char *buf, size_t cap, size_t *got);

/*
 * Upload a blob of `size` bytes with `digest` ("sha256:<hex>") unless it
 * already exists. With `mount_from` (a repository of the same registry)
 * a cross-repository mount is tried first. `read` is called for the
 * content. *uploaded (may be NULL) tells whether bytes were sent.
 */
int ecra_registry_blob_upload(ecra_registry *r, const char *repo,
    const char *digest, uint64_t size, const char *mount_from,
    ecra_registry_read_cb read, void *payload, bool *uploaded);

/* GET a blob into `out` (size-capped by out->limit); the content is
 * checked against `digest`. */
int ecra_registry_blob_get(
    ecra_registry *r, const char *repo, const char *digest, ecra_buf *out);

/*
 * Copy `src_repo:src_ref` from `src` to `dst_repo:dst_tag` on `dst`
 * (which may be the same client), preserving digests: blobs missing in
 * the destination are mounted (same registry) or streamed, then the
 * manifest bytes are PUT unchanged. Indexes are copied with every child
 * manifest.
 */
int ecra_registry_copy(ecra_registry *src, const char *src_repo,
    const char *src_ref, ecra_registry *dst, const char *dst_repo,
    const char *dst_tag);

/*
 * Push a `docker save` tarball (legacy or dual OCI layout) to
 * `repo:tag` without a daemon: config and layers (uncompressed layers
 * are gzip-compressed first), skipping blobs that exist, then a docker
 * v2 schema 2 manifest. `image` picks a RepoTags entry when the tarball
 * holds several images (NULL = the first). *digest (may be NULL)
 * receives the manifest digest.
 */
int ecra_registry_push_tarball(ecra_registry *r, const char *tarball,
    const char *image, const char *repo, const char *tag, char **digest);

#endif /* SRC_REGISTRY_REGISTRY_H */
