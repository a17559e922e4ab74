/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * registry/engine.h - the daemonless registry engine's internals:
 * archive.c turns an image tarball into a push plan (and validates it),
 * gzip.c compresses a layer in parallel independent blocks, engine.c
 * stages and uploads the plan and copies between registries.
 */
#ifndef SRC_REGISTRY_ENGINE_H
#define SRC_REGISTRY_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "ecrassets/registry.h"
#include "json/json.h"
#include "registry/registry.h"
#include "util/buf.h"

/* Version of the gzip output (block size, level, header): part of the
 * layer cache key, bumped whenever compressed bytes could change. */
#define ECRA_GZIP_FORMAT "ecra-gzip-1-isal1-1m"

typedef enum {
	ECRA_BLOB_CONFIG = 0, /* bytes held in `data` */
	ECRA_BLOB_LAYER,
} ecra_blob_kind;

typedef struct {
	ecra_blob_kind kind;
	char *entry; /* archive path of the bytes (links resolved) */
	uint64_t entry_size;
	ecra_buf data; /* configs: the bytes */
	/* Expected digests: `want` of the stored bytes (OCI descriptors,
	 * blobs/sha256/<hex> names), `diff_id` of the uncompressed layer
	 * (the config's rootfs.diff_ids); "" = none. */
	char want[72];
	char diff_id[72];
	/* After staging: what is pushed. */
	char digest[72];
	uint64_t size;
	char *media_type;
	bool compressed_here; /* gzip made by us (media type and digest new) */
	int fd;               /* temporary copy, -1 = none (config, skipped) */
	bool staged;
	bool present;     /* the destination has it */
	char *mount_from; /* a repository of the same registry holding it */
} ecra_blob;

typedef struct {
	/* Raw bytes as found (OCI) or built (docker save); rebuilt after
	 * staging when a layer was compressed here. */
	ecra_buf raw;
	char *media_type;
	char digest[72];
	ecra_json *doc;
	size_t config;  /* index into blobs */
	size_t *layers; /* indexes into blobs */
	size_t layer_count;
	ecra_json *platform; /* from the index descriptor, borrowed */
	bool docker_save;    /* build a docker v2 manifest */
} ecra_man;

typedef struct {
	char *path;
	ecra_blob *blobs;
	size_t blob_count;
	ecra_man *mans;
	size_t man_count;
	/* An index to push over the manifests (multi-platform). */
	bool has_index;
	ecra_buf index_raw;
	ecra_json *index_doc;
	char index_digest[72];
	char *index_media_type;
	ecra_json *index_json; /* the layout's index.json, owner */
	/* Stage (and so check) every layer, even those the destination
	 * has: the tarball was not validated before in this state. */
	bool verify_all;
} ecra_plan;

/* Read the tarball's metadata (one pass over its headers) into a plan
 * for `image` (NULL = the only one), filtered to `platform` (NULL =
 * all); the structural checks of `docker load` are done here, the
 * digest checks when staging. */
int ecra_plan_load(
    ecra_plan *plan, const char *path, const char *image, const char *platform);
void ecra_plan_dispose(ecra_plan *plan);

/* Build the docker v2 manifest of a docker save image, or rebuild an
 * OCI manifest whose layers were compressed here; then the index. */
int ecra_plan_finish(ecra_plan *plan);

/* Staging: one more pass over the archive. For each layer blob not yet
 * staged and not `present`: read it once, check its digests, compress
 * it (uncompressed tar) and write what is pushed to a temporary file.
 * `cb` gets ECRA_XFER_PREPARE events. */
typedef void (*ecra_stage_cb)(const ecra_blob *b, uint64_t done, void *payload);
int ecra_plan_stage(ecra_plan *plan, const ecra_xfer_options *o,
    ecra_stage_cb cb, void *payload);

/* Replace b->media_type with a copy of `mt`. */
int ecra_blob_set_media_type(ecra_blob *b, const char *mt);

/* gzip.c: a parallel block compressor. Feed uncompressed bytes in
 * order; compressed bytes come out in order through `out`. */
typedef struct ecra_gzip ecra_gzip;
typedef int (*ecra_gzip_out_cb)(const void *data, size_t len, void *payload);
int ecra_gzip_new(ecra_gzip **out, unsigned int threads);
void ecra_gzip_free(ecra_gzip *z);
int ecra_gzip_begin(ecra_gzip *z, ecra_gzip_out_cb out, void *payload);
int ecra_gzip_write(ecra_gzip *z, const void *data, size_t len);
int ecra_gzip_end(ecra_gzip *z);

/* Open the tarball with libarchive (any compression filter, tar). */
struct archive;
int ecra_registry_archive_open(struct archive **out, const char *path);

/* Does a descriptor's `platform` object match "os/arch[/variant]"? */
bool ecra_platform_matches(const ecra_json *pf, const char *want);

/* Does `mt` name a compressed layer? */
bool ecra_media_type_compressed(const char *mt);

/* engine.c: push a tarball to `repo:tag` of the registry `ro` names
 * (one client per parallel transfer is made from it). */
int ecra_registry_push_archive(const ecra_registry_options *ro,
    const char *path, const char *repo, const char *tag,
    const ecra_xfer_options *o, ecra_xfer_summary *sum);

/* Copy `src_repo:src_ref` to `dst_repo:dst_ref`, every platform (or
 * o->platform), bytes and digests kept. */
int ecra_registry_copy_image(const ecra_registry_options *src,
    const char *src_repo, const char *src_ref, const ecra_registry_options *dst,
    const char *dst_repo, const char *dst_ref, const ecra_xfer_options *o,
    ecra_xfer_summary *sum);

#endif /* SRC_REGISTRY_ENGINE_H */
