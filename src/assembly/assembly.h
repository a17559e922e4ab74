/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * assembly/assembly.h - the app model behind ecrassets/app.h and the
 * pieces that turn it into a cloud assembly.
 *
 * Construction (app.c, docker_asset.c, tarball_asset.c, iam.c) validates
 * and fingerprints at once, as aws-cdk-lib does. Rendering (template.c,
 * manifest.c) builds ecra_json values; synth.c stages the assets and
 * writes the files into a temporary directory that is renamed into place.
 */
#ifndef SRC_ASSEMBLY_ASSEMBLY_H
#define SRC_ASSEMBLY_ASSEMBLY_H

#include "ecrassets/app.h"
#include "base/path.h"
#include "json/json.h"
#include "util/vec.h"

/* Versions aws-cdk-lib 2.276.0 writes. */
#define ECRA_CDK_VERSION        "2.276.0"
#define ECRA_CONSTRUCTS_VERSION "10.8.1"
#define ECRA_SCHEMA_VERSION     "55.0.0"
#define ECRA_MIN_CLI_VERSION    "2.1148.2"
#define ECRA_DEFAULT_QUALIFIER  "hnb659fds"

/* The feature-flag table (feature_flags.c). */
typedef struct {
	const char *name;
	const char *recommended_json;
	const char *explanation;
	const char *v2_json; /* unconfiguredBehavesLike.v2, or NULL */
} ecra_feature_flag;
extern const ecra_feature_flag ecra_assembly_feature_flags[];
extern const size_t ecra_assembly_feature_flag_count;

typedef enum {
	CHILD_ASSET = 0,
	CHILD_ROLE,
	CHILD_OUTPUT,
} ecra_child_kind;

typedef struct ecra_output ecra_output;

/* One direct child of a stack, in creation order. */
typedef struct {
	ecra_child_kind kind;
	union {
		ecra_image_asset *asset;
		ecra_role *role;
		ecra_output *output;
	} u;
} ecra_child;

struct ecra_app {
	char *outdir;       /* as given: it is an exclude pattern */
	char *outdir_fs;    /* normalised, for file system operations */
	ecra_json *context; /* object */
	ecra_strvec warnings;
	ecra_app_warning_cb warning_cb;
	void *warning_payload;
	unsigned int threads;
	const volatile int *cancel; /* NULL, or non-zero to stop */
	char *app_dir; /* the app file's directory (never replaced), or NULL */
	ecra_stack **stacks;
	size_t stack_count;
};

struct ecra_stack {
	ecra_app *app;
	char *id;
	char *stack_name;
	char *account; /* NULL: unknown */
	char *region;  /* NULL: unknown */
	char *environment;
	char *description;
	bool termination_protection;

	/* DefaultStackSynthesizer, specialised. */
	char *qualifier;
	char *docker_tag_prefix;
	char *repository_name;
	char *image_role_arn;
	char *image_external_id;
	char *bucket_name;
	char *bucket_prefix;
	char *file_role_arn;
	char *file_external_id;
	char *deploy_role_arn;
	char *deploy_external_id;
	char *cfn_exec_role_arn;
	char *lookup_role_arn;
	char *lookup_external_id;
	char *ssm_parameter;
	bool bootstrap_rule;

	ecra_child *children;
	size_t child_count;
	ecra_image_asset **assets;
	size_t asset_count;
};

struct ecra_image_asset {
	ecra_stack *stack;
	ecra_image_asset_kind kind;
	char *id;
	char *path; /* "Stack/Id" */
	char hash[ECRA_FINGERPRINT_HEX_SIZE];
	char *image_tag;
	char *image_uri;
	char *repository_name;
	char *manifest_key;
	char *staged_path; /* "asset.<hash><ext>" */
	char *display_name;
	char *source_path; /* absolute directory, or the tarball as given */
	char *docker_command;
	bool staging_disabled; /* context aws:cdk:disable-asset-staging */

	/* Docker: what staging needs (the fingerprint's exclude list). */
	ecra_strvec exclude;
	ecra_ignore_mode ignore_mode;
	ecra_follow_mode follow;
	/* The fingerprint's other inputs, for
	 * ecra_image_asset_fingerprint_options(): the extraHash as hashed
	 * (with the salt; NULL = "") and whether ignore_mode was used. */
	char *fp_extra;
	bool fp_has_mode;

	/* Manifest "source" keys after directory/executable (docker). */
	ecra_json *source_extra;
	/* Metadata entries recorded on the asset node (warnings). */
	ecra_json *metadata;
};

struct ecra_role {
	ecra_stack *stack;
	char *id;
	char *assumed_by;      /* new role */
	char *role_arn;        /* imported */
	char *role_name;       /* imported: the last path part of the ARN */
	bool immutable;        /* imported from another account */
	ecra_json *statements; /* array, NULL until the first grant */
	/* Per statement, the asset whose repository is the resource (NULL
	 * for "*"): aws-cdk-lib compares unresolved resource tokens, so
	 * statements of different assets differ until rendered. */
	const ecra_image_asset **statement_assets;
};

struct ecra_output {
	char *id;
	ecra_output_kind kind;
	const ecra_image_asset *asset;
	char *value;
	char *description;
	char *export_name;
};

/* app.c */
int ecra_assembly_check_child_id(ecra_stack *stack, const char *id);
int ecra_assembly_add_child(ecra_stack *stack, ecra_child child);
void ecra_assembly_warn(ecra_app *app, const char *fmt, ...) ECRA_PRINTF(2, 3);
/* Borrowed context value or NULL. */
ecra_json *ecra_assembly_context(const ecra_app *app, const char *key);
void ecra_image_asset_free_(ecra_image_asset *asset);
void ecra_role_free_(ecra_role *role);
void ecra_output_free_(ecra_output *out);

/* logical_id.c */
/* makeUniqueId(components): `count` path components below the stack. */
int ecra_assembly_unique_id(
    char **out, const char *const *components, size_t count);
/* Lower-case hex sha256 of a buffer into out[65]. */
int ecra_assembly_sha256_hex(char out[65], const void *data, size_t len);

/* docker_asset.c (shared by both asset kinds) */
/* Fill tag, uri, repository name and manifest key from the stack. */
int ecra_assembly_asset_locate(ecra_image_asset *asset, const char *asset_name);
/* Name the asset, locate it (above) and add it to `stack`. On success the
 * stack owns `asset`; on failure the caller still does. */
int ecra_assembly_asset_attach(ecra_stack *stack, ecra_image_asset *asset,
    const char *display_name, const char *asset_name);
/* cfnify(s): {"Fn::Sub": s} when s contains "${", else a string. */
ecra_json *ecra_assembly_cfnify(const char *s);
/* The repository ARN as Stack.formatArn renders it. */
ecra_json *ecra_assembly_repository_arn(const ecra_image_asset *asset);
/* Set staged_path: "asset.<hash><ext>", or with staging disabled the
 * source (docker: absolute; tarball: relative to the outdir). */
int ecra_assembly_set_staged_path(ecra_image_asset *a);
/* The extension aws-cdk-lib keeps for a staged path. */
const char *ecra_assembly_staged_ext(const char *path);
/* Build the extraHash JSON text of a DockerImageAsset. */
int ecra_assembly_docker_extra_hash(
    char **out, const ecra_docker_image_asset_options *opts);
/* Fingerprint `path` with the asset's exclude/mode/follow, extraHash +
 * salt; has_mode false means GLOB (the fingerprint default). */
int ecra_assembly_fingerprint_asset(ecra_image_asset *a, const char *path,
    const char *extra_hash, bool has_mode);
/* A JSON object from an ordered map. */
ecra_json *ecra_assembly_kv_object(const ecra_kv *kv, size_t count);

/* Paths: base/path.h (Node's path module, one definition). */

/* The marker file inside a temporary assembly until it is renamed into
 * place (synth.c). */
#define ECRA_SYNTH_TMP_MARKER ".ecra-synth-tmp"
/* Append to `exclude` the path, relative to the context `dir`, of every
 * temporary assembly (live or stale) found in `dir` itself or beside the
 * outdir, so a synth's own leftovers are never hashed or staged. */
int ecra_assembly_exclude_tmp(
    ecra_strvec *exclude, const char *dir, const ecra_app *app);

/* template.c: the construct tree CDK would build. */
typedef struct ecra_tnode ecra_tnode;
int ecra_assembly_build_tree(ecra_tnode **out, ecra_app *app);
void ecra_assembly_tree_free(ecra_tnode *root);
ecra_tnode *ecra_assembly_tree_stack(ecra_tnode *root, const ecra_stack *s);
int ecra_assembly_template(
    ecra_json **out, ecra_tnode *stack_node, const ecra_stack *stack);
int ecra_assembly_tree(ecra_json **out, const ecra_tnode *root);
int ecra_assembly_stack_metadata(ecra_json **out, const ecra_tnode *stack_node);

/* manifest.c */
int ecra_assembly_asset_manifest(
    ecra_json **out, ecra_stack *stack, const char *template_hash);
int ecra_assembly_stack_artifacts(ecra_json *artifacts, ecra_stack *stack,
    const char *template_hash, bool has_metadata);
int ecra_assembly_flag_report(ecra_json **out, ecra_app *app);

/* synth.c: write JSON.stringify(v, null, indent) to dir/name. */
int ecra_assembly_write_json(
    const char *dir, const char *name, const ecra_json *v, unsigned indent);

#endif /* SRC_ASSEMBLY_ASSEMBLY_H */
