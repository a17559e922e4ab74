/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * ecrassets/registry.h - the daemonless registry engine: push image
 * tarballs (`docker save`, docker 25+ save, OCI image layouts, image
 * indexes) and copy images between registries, without a daemon.
 *
 * A tarball is validated as `docker load` validates it (the config is
 * JSON with rootfs.diff_ids, layer count and digests match them, every
 * entry exists, sizes are sane, no entry escapes the archive) before
 * anything is uploaded. Uncompressed layers are gzip-compressed in
 * parallel, in independent 1 MiB blocks (pigz style), so the output
 * depends only on the input and the engine version: the same tarball
 * gives the same digests on every run, machine and thread count. Layers
 * already compressed are passed through. Blobs are uploaded in parallel,
 * existing ones skipped after one HEAD each, ones known to live in
 * another repository of the same registry mounted.
 *
 * Progress and outcomes arrive through one callback (never concurrent).
 */
#ifndef ECRA_REGISTRY_H
#define ECRA_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ecrassets/common.h"

ECRA_BEGIN_DECL

/** What happened to a blob, manifest or index. */
typedef enum {
	ECRA_XFER_UPLOADED = 0, /**< Bytes were sent. */
	ECRA_XFER_MOUNTED,      /**< Cross-repository mount, no bytes. */
	ECRA_XFER_SKIPPED,      /**< Already present. */
} ecra_xfer_outcome;

/** Event types of a transfer. */
typedef enum {
	/** A blob is being prepared (compressed, digested): bytes read of
	 * the input so far in `done`, its size in `total`. */
	ECRA_XFER_PREPARE = 0,
	ECRA_XFER_BLOB_START,    /**< Upload of `digest` (`total` bytes). */
	ECRA_XFER_BLOB_PROGRESS, /**< `done` of `total` bytes sent. */
	ECRA_XFER_BLOB_DONE,     /**< `outcome` says how. */
	ECRA_XFER_MANIFEST,      /**< A manifest or index was put. */
} ecra_xfer_event_type;

/** One transfer event. Valid only during the callback. */
typedef struct ecra_xfer_event_s {
	ecra_xfer_event_type type;
	const char *type_name; /**< "prepare", "blob-start", ... */
	/** "layer", "config", "manifest" or "index". */
	const char *kind;
	const char *digest; /**< NULL while a layer is being prepared. */
	const char *name;   /**< Tarball entry or reference, or NULL. */
	uint64_t done;
	uint64_t total;
	double rate; /**< Bytes per second since this blob started. */
	ecra_xfer_outcome outcome;
} ecra_xfer_event;

typedef void (*ecra_xfer_event_cb)(const ecra_xfer_event *ev, void *payload);

/** What a transfer did. */
typedef struct {
	size_t uploaded, mounted, skipped; /**< Blobs, by outcome. */
	uint64_t bytes_uploaded;
	size_t manifests; /**< Manifests and indexes put. */
	/** The digest of what the destination reference now names. */
	char digest[72];
	double seconds;
	/** After a failure: it was transient (a transport error, HTTP 5xx
	 * or 429), so trying again may succeed. */
	bool transient;
} ecra_xfer_summary;

#define ECRA_XFER_OPTIONS_VERSION 1

/** Options of a push or copy; zero means default everywhere. */
typedef struct {
	unsigned int version; /**< ECRA_XFER_OPTIONS_VERSION */
	/** Blob uploads at once; 0 = 4. */
	unsigned int parallel;
	/** Compression threads; 0 = the online CPUs (at most 16). Output
	 * does not depend on it. */
	unsigned int threads;
	/** "os/arch[/variant]": push or copy only this platform of an
	 * index, under the destination tag; NULL = every platform. */
	const char *platform;
	/** A tarball holding several images: the `RepoTags` entry or
	 * `org.opencontainers.image.ref.name` to push; NULL = the only
	 * one (several are an error that lists them). */
	const char *image;
	/** Upload and put even what the destination already has. */
	bool force;
	/** Temporary copies of compressed layers (unlinked at once, so
	 * never left behind); NULL = "/tmp". */
	const char *tmpdir;
	/** Where compressed digests of layers and the repositories that
	 * hold them are remembered (so a second push reads nothing and a
	 * push to another repository mounts); NULL = none. */
	const char *cache_dir;
	/** Blobs larger than this go up in chunked PATCHes of this size
	 * (resumed after a transient failure); smaller ones in one PUT.
	 * 0 = 16 MiB. */
	size_t chunk_size;
	/** When non-NULL and *cancel becomes non-zero, transfers stop
	 * (open upload sessions are cancelled) and the call fails with
	 * "cancelled" (ECRA_EUSER). */
	const volatile int *cancel;
	ecra_xfer_event_cb on_event;
	void *payload;
} ecra_xfer_options;

/** A registry and how to authenticate to it. */
typedef struct {
	const char *username; /**< Explicit credentials (both or neither). */
	const char *password;
	/** A docker config directory whose `auths` may hold credentials
	 * for the host; used when no explicit ones are given. */
	const char *docker_config;
	/** Plain http even for a non-loopback host (loopback hosts always
	 * use http). */
	bool plain_http;
	unsigned int timeout_ms; /**< Per request; 0 = 300 s. */
} ecra_registry_auth;

/**
 * Copy `src` to `dst` without a daemon.
 *
 * `src` is `docker-archive:PATH`, `oci-archive:PATH` (a tarball of
 * either kind; the format is detected) or a reference
 * `HOST[:PORT]/REPO[:TAG|@DIGEST]`; `dst` a reference with a tag or
 * digest (no tag = "latest"). Registry to registry, manifest and index
 * bytes and digests are kept; blobs are mounted on the same registry and
 * streamed (never staged on disk) between registries.
 *
 * @param summary filled in; may be NULL
 * @return 0, ECRA_EINVALID for a bad reference or tarball (the message
 *         names the entry), ECRA_EAUTH, ECRA_ENET, ECRA_EUSER when
 *         cancelled, other negative codes
 */
ECRA_API int ecra_image_copy(const char *src, const char *dst,
    const ecra_registry_auth *src_auth, const ecra_registry_auth *dst_auth,
    const ecra_xfer_options *opts, ecra_xfer_summary *summary);

/**
 * Check an image tarball as ecra_image_copy() would before uploading:
 * every entry it needs exists and every digest matches (layers are read
 * and decompressed, nothing is written).
 *
 * @param image as ecra_xfer_options.image; may be NULL
 * @return 0, or ECRA_EINVALID with a message naming the wrong entry
 */
ECRA_API int ecra_image_archive_check(const char *path, const char *image);

/**
 * Check that `host` is a registry address: `HOST[:PORT]` where HOST is a
 * DNS name, an IPv4 address or a bracketed IPv6 address and PORT is 1 to
 * 65535 (`bad host:99999` is not).
 *
 * @return 0, or ECRA_EINVALID with a message naming the wrong part
 */
ECRA_API int ecra_registry_host_check(const char *host);

ECRA_END_DECL

#endif /* ECRA_REGISTRY_H */
