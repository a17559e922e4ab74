/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * publish/publish.h - loaded asset manifests (struct bodies) shared by
 * manifest.c (loading, selection) and publish.c (orchestration).
 *
 * Strings are borrowed from the parsed JSON documents, which the set keeps
 * alive; only derived values (absolute directories, cache parameter
 * arrays) are owned separately.
 */
#ifndef SRC_PUBLISH_PUBLISH_H
#define SRC_PUBLISH_PUBLISH_H

#include "docker/docker.h"
#include "ecrassets/publish.h"
#include "json/json.h"
#include "util/vec.h"

/* Highest cloud-assembly schema major version understood. */
#define ECRA_MANIFEST_MAX_MAJOR 55

typedef struct {
	char *path;        /* the *.assets.json file */
	char *dir;         /* its directory (absolute) */
	char *stack;       /* owning stack id, or NULL */
	ecra_strvec names; /* names that select it with --stack */
	ecra_json *doc;
} ecra_pub_file;

typedef struct {
	const char *id;
	const char *display_name;
	ecra_pub_file *file;
	char *directory;           /* absolute; NULL for executable */
	const char **executable;   /* NULL-terminated, or NULL */
	ecra_docker_kv *kvs;       /* storage of every map below */
	ecra_docker_cache *caches; /* cache_from..., then cache_to */
	const char **outputs;
	bool attestations;            /* dockerBuildProvenance: true */
	ecra_docker_build_args build; /* points into the above */
	char *local_tag;              /* cdkasset-<lowercase id> */
} ecra_pub_asset;

typedef struct {
	ecra_pub_asset *asset;
	const char *dest_id;
	const char *repository_name;
	const char *image_tag;
	const char *region;
	const char *assume_role_arn;
	const char *assume_role_external_id;
	ecra_json *assume_role_options; /* borrowed, or NULL */
	bool selected;
} ecra_pub_entry;

struct ecra_manifest {
	ecra_pub_file **files;
	size_t file_count;
	ecra_pub_asset **assets;
	size_t asset_count;
	ecra_pub_entry *entries;
	size_t entry_count;
	size_t entry_alloc;
	size_t *selected; /* indices into entries */
	size_t selected_count;
	size_t file_assets;
};

/* Selected entry i. */
ecra_pub_entry *ecra_manifest_entry_at(const ecra_manifest *m, size_t i);

#endif /* SRC_PUBLISH_PUBLISH_H */
