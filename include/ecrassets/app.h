/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * ecrassets/app.h - declare container-image assets and synthesize a cloud
 * assembly (cdk.out) identical to what aws-cdk-lib 2.276.0 writes.
 *
 * The model mirrors a small CDK app:
 *
 *   ecra_app            new App({outdir, context})
 *   ecra_stack          new Stack(app, id, {env, synthesizer:
 *                           new DefaultStackSynthesizer({...})})
 *   ecra_image_asset    new DockerImageAsset(stack, id, props) or
 *                       new TarballImageAsset(stack, id, props)
 *   ecra_role           new iam.Role(stack, id, {assumedBy:
 *                           new ServicePrincipal(svc)}) or
 *                       iam.Role.fromRoleArn(stack, id, arn)
 *   grant_pull          asset.repository.grantPull(role)
 *   outputs             new CfnOutput(stack, id, {value: asset.imageUri})
 *   ecra_app_synth()    app.synth()
 *
 * As in aws-cdk-lib, an asset is fingerprinted when it is added (its
 * hash, tag and URI are known at once) and validation errors are
 * reported there; context must therefore be set before the first stack
 * is added. Staging (copying the build context to asset.<hash>) and
 * writing the assembly happen in ecra_app_synth(), which builds the
 * assembly in a temporary directory next to the outdir and renames it
 * into place, so a failed synth leaves the previous assembly untouched.
 *
 * Every handle returned by the ecra_stack_add_*() functions is owned by
 * the app and lives until ecra_app_free(). Strings passed in are copied.
 * String maps (build args, ...) are arrays of ecra_kv kept in the given
 * order; when serialised, JavaScript's rule applies (integer-like keys
 * first, ascending), as it does for aws-cdk-lib. An app is not
 * thread-safe. The library never prints: warnings CDK would print or
 * record are returned through ecra_app_warning_count()/ecra_app_warning()
 * and the optional callback.
 */
#ifndef ECRA_APP_H
#define ECRA_APP_H

#include "ecrassets/common.h"
#include "ecrassets/fingerprint.h"
#include "ecrassets/ignore.h"

ECRA_BEGIN_DECL

/** An app: the root of the construct tree and the assembly (opaque). */
typedef struct ecra_app ecra_app;
/** A stack with a DefaultStackSynthesizer (opaque, owned by the app). */
typedef struct ecra_stack ecra_stack;
/** A DockerImageAsset or TarballImageAsset (opaque, owned by the app). */
typedef struct ecra_image_asset ecra_image_asset;
/** An IAM role, new or imported (opaque, owned by the app). */
typedef struct ecra_role ecra_role;

/** One entry of an ordered string map. */
typedef struct {
	const char *key;   /**< The key. */
	const char *value; /**< The value. */
} ecra_kv;

/** A boolean that can also be left unset (zero). */
typedef enum {
	ECRA_UNSET = 0, /**< Not given: the CDK default applies. */
	ECRA_FALSE,     /**< Explicitly false. */
	ECRA_TRUE,      /**< Explicitly true. */
} ecra_tristate;

/**
 * Called for every warning, in the order they arise (also kept in the
 * app's warning list).
 *
 * @param message one line, no trailing newline
 * @param payload the options' warning_payload
 */
typedef void (*ecra_app_warning_cb)(const char *message, void *payload);

/* ------------------------------------------------------------------ */
/* App                                                                  */
/* ------------------------------------------------------------------ */

/** Options for ecra_app_new(); zero means default for every field. */
typedef struct {
	unsigned int version;

	/**
	 * The assembly directory, as App's `outdir` prop; default "cdk.out".
	 * Kept as given (relative to the process's working directory): the
	 * string itself is appended to every Docker context's exclude list,
	 * exactly as aws-cdk-lib does, so a relative outdir excludes
	 * `<context>/cdk.out` from the hash and an absolute one does not.
	 */
	const char *outdir;

	/**
	 * Initial context as the text of a JSON object (App's `context`
	 * prop), or NULL.
	 */
	const char *context_json;

	/** Optional: receives each warning as it is recorded. */
	ecra_app_warning_cb warning_cb;
	/** Passed to warning_cb. */
	void *warning_payload;

	/** Threads used to hash file contents; 0 = one per online CPU. */
	unsigned int threads;

	/** Version 2. Cancellation: when non-NULL and *cancel becomes
	 * non-zero (say, from a signal handler), hashing a context and
	 * ecra_app_synth() stop at the next file with ECRA_EUSER. */
	const volatile int *cancel;
} ecra_app_options;

/** Current version of ecra_app_options. */
#define ECRA_APP_OPTIONS_VERSION 2

/* clang-format off */
/** Defaults for ecra_app_options. */
#define ECRA_APP_OPTIONS_INIT { .version = ECRA_APP_OPTIONS_VERSION }
/* clang-format on */

/**
 * Create an empty app.
 *
 * @param[out] out the app; free it with ecra_app_free()
 * @param opts options, or NULL for the defaults
 * @return 0, ECRA_EINVALID (bad version or context JSON) or ECRA_ENOMEM
 */
ECRA_API int ecra_app_new(ecra_app **out, const ecra_app_options *opts);

/** Free an app and every stack, asset and role in it; NULL is a no-op. */
ECRA_API void ecra_app_free(ecra_app *app);

/**
 * Merge the keys of a JSON object into the app's context, as the CDK
 * CLI's CDK_CONTEXT_JSON does (later values win).
 *
 * @param app the app
 * @param json_text the text of a JSON object
 * @return 0, ECRA_EINVALID (not a JSON object; the message gives line
 *         and column) or ECRA_EINVALID once a stack has been added
 *         ("cannot set context after children have been added")
 */
ECRA_API int ecra_app_set_context_json(ecra_app *app, const char *json_text);

/**
 * Set one context key to a JSON value given as text ("true", "\"x\"").
 *
 * @return 0 or ECRA_EINVALID (bad JSON, or stacks already added)
 */
ECRA_API int ecra_app_set_context(
    ecra_app *app, const char *key, const char *value_json);

/** Set one context key to a string. @return 0 or ECRA_EINVALID */
ECRA_API int ecra_app_set_context_string(
    ecra_app *app, const char *key, const char *value);

/** Set one context key to a boolean. @return 0 or ECRA_EINVALID */
ECRA_API int ecra_app_set_context_bool(
    ecra_app *app, const char *key, bool value);

/**
 * A context value as compact JSON text.
 *
 * @param[out] out the text, free with ecra_free(); NULL when unset
 * @return 0, or ECRA_ENOMEM
 */
ECRA_API int ecra_app_get_context_json(
    char **out, const ecra_app *app, const char *key);

/** The outdir as given (never NULL). */
ECRA_API const char *ecra_app_outdir(const ecra_app *app);

/** How many warnings have been recorded so far. */
ECRA_API size_t ecra_app_warning_count(const ecra_app *app);

/** Warning `i` (0-based), or NULL when out of range. */
ECRA_API const char *ecra_app_warning(const ecra_app *app, size_t i);

/** Number of stacks, in the order they were added. */
ECRA_API size_t ecra_app_stack_count(const ecra_app *app);

/** Stack `i` (0-based), or NULL when out of range. */
ECRA_API ecra_stack *ecra_app_stack_at(const ecra_app *app, size_t i);

/** The stack with construct id `id`, or NULL. */
ECRA_API ecra_stack *ecra_app_find_stack(const ecra_app *app, const char *id);

/* ------------------------------------------------------------------ */
/* Stacks and their DefaultStackSynthesizer                             */
/* ------------------------------------------------------------------ */

/**
 * DefaultStackSynthesizer props. NULL fields keep the CDK default. String
 * props may contain the placeholders ${Qualifier}, ${AWS::AccountId},
 * ${AWS::Region} and ${AWS::Partition}, which are specialised as CDK does.
 */
typedef struct {
	/** Default: context "@aws-cdk/core:bootstrapQualifier", else
	 *  "hnb659fds". */
	const char *qualifier;
	/** Prefix of every image tag; default "". */
	const char *docker_tag_prefix;
	/** imageAssetsRepositoryName. */
	const char *image_assets_repository_name;
	/** imageAssetPublishingRoleArn. */
	const char *image_asset_publishing_role_arn;
	/** imageAssetPublishingExternalId. */
	const char *image_asset_publishing_external_id;
	/** fileAssetsBucketName. */
	const char *file_assets_bucket_name;
	/** bucketPrefix (prefix of the template's object key); default "". */
	const char *bucket_prefix;
	/** fileAssetPublishingRoleArn. */
	const char *file_asset_publishing_role_arn;
	/** fileAssetPublishingExternalId. */
	const char *file_asset_publishing_external_id;
	/** deployRoleArn. */
	const char *deploy_role_arn;
	/** deployRoleExternalId. */
	const char *deploy_role_external_id;
	/** cloudFormationExecutionRole. */
	const char *cloudformation_execution_role;
	/** lookupRoleArn. */
	const char *lookup_role_arn;
	/** lookupRoleExternalId. */
	const char *lookup_role_external_id;
	/** bootstrapStackVersionSsmParameter; default
	 *  "/cdk-bootstrap/${Qualifier}/version". */
	const char *bootstrap_stack_version_ssm_parameter;
	/** generateBootstrapVersionRule; default true. */
	ecra_tristate generate_bootstrap_version_rule;
} ecra_synthesizer_options;

/** Options for ecra_app_add_stack(); zero means default for every field. */
typedef struct {
	unsigned int version;

	/** env.account; NULL = environment-agnostic. */
	const char *account;
	/** env.region; NULL = environment-agnostic. */
	const char *region;
	/** stackName; default: the construct id. */
	const char *stack_name;
	/** The template's Description, or NULL. */
	const char *description;
	/** terminationProtection; default false. */
	bool termination_protection;
	/** The DefaultStackSynthesizer props. */
	ecra_synthesizer_options synthesizer;
} ecra_stack_options;

/** Current version of ecra_stack_options. */
#define ECRA_STACK_OPTIONS_VERSION 1

/* clang-format off */
/** Defaults for ecra_stack_options. */
#define ECRA_STACK_OPTIONS_INIT { .version = ECRA_STACK_OPTIONS_VERSION }
/* clang-format on */

/**
 * Add a stack directly under the app.
 *
 * @param[out] out the stack (owned by the app), or NULL if not wanted
 * @param app the app
 * @param id the construct id, also the artifact id and template name
 *        (a '/' becomes "--", as in constructs)
 * @param opts options, or NULL for the defaults
 * @return 0, ECRA_EEXISTS for a duplicate id ("There is already a
 *         Construct with name '<id>' in App", aws-cdk-lib's text),
 *         ECRA_EINVALID (empty id, a stack name CloudFormation rejects,
 *         bad option) or ECRA_ENOMEM
 */
ECRA_API int ecra_app_add_stack(ecra_stack **out, ecra_app *app, const char *id,
    const ecra_stack_options *opts);

/** The stack's construct id. */
ECRA_API const char *ecra_stack_id(const ecra_stack *stack);
/** The stack name (stack_name, else the id). */
ECRA_API const char *ecra_stack_name(const ecra_stack *stack);
/** "aws://<account|unknown-account>/<region|unknown-region>". */
ECRA_API const char *ecra_stack_environment(const ecra_stack *stack);
/** The effective qualifier. */
ECRA_API const char *ecra_stack_qualifier(const ecra_stack *stack);
/** Number of image assets in the stack, in the order added. */
ECRA_API size_t ecra_stack_asset_count(const ecra_stack *stack);
/** Image asset `i`, or NULL when out of range. */
ECRA_API ecra_image_asset *ecra_stack_asset_at(
    const ecra_stack *stack, size_t i);
/** The image asset with construct id `id`, or NULL. */
ECRA_API ecra_image_asset *ecra_stack_find_asset(
    const ecra_stack *stack, const char *id);
/** The role with construct id `id`, or NULL. */
ECRA_API ecra_role *ecra_stack_find_role(
    const ecra_stack *stack, const char *id);

/* ------------------------------------------------------------------ */
/* DockerImageAsset                                                     */
/* ------------------------------------------------------------------ */

/** NetworkMode.DEFAULT. */
#define ECRA_NETWORK_MODE_DEFAULT "default"
/** NetworkMode.HOST. */
#define ECRA_NETWORK_MODE_HOST "host"
/** NetworkMode.NONE. */
#define ECRA_NETWORK_MODE_NONE "none"
/** Platform.LINUX_AMD64. */
#define ECRA_PLATFORM_LINUX_AMD64 "linux/amd64"
/** Platform.LINUX_ARM64. */
#define ECRA_PLATFORM_LINUX_ARM64 "linux/arm64"

/**
 * NetworkMode.fromContainer(id): "container:<id>".
 *
 * @return the string, free with ecra_free(); NULL on ENOMEM
 */
ECRA_API char *ecra_network_mode_from_container(const char *container_id);

/**
 * DockerBuildSecret.fromSrc(path): "src=<path>", verbatim.
 *
 * @return the string, free with ecra_free(); NULL on ENOMEM
 */
ECRA_API char *ecra_docker_build_secret_from_src(const char *path);

/** A DockerCacheOption: {type, params?}. */
typedef struct {
	/** The cache type, e.g. "registry" (required). */
	const char *type;
	/** params; NULL = absent, non-NULL = present (even when empty). */
	const ecra_kv *params;
	/** Entries in params. */
	size_t params_count;
} ecra_docker_cache_option;

/**
 * DockerImageAssetInvalidationOptions: each key defaults to true;
 * ECRA_FALSE leaves that prop out of the asset hash.
 */
typedef struct {
	ecra_tristate extra_hash;      /**< extraHash. */
	ecra_tristate build_args;      /**< buildArgs. */
	ecra_tristate build_contexts;  /**< buildContexts. */
	ecra_tristate build_secrets;   /**< buildSecrets. */
	ecra_tristate build_ssh;       /**< buildSsh. */
	ecra_tristate target;          /**< target. */
	ecra_tristate file;            /**< file. */
	ecra_tristate repository_name; /**< repositoryName. */
	ecra_tristate network_mode;    /**< networkMode. */
	ecra_tristate platform;        /**< platform. */
	ecra_tristate outputs;         /**< outputs. */
} ecra_docker_invalidation;

/**
 * DockerImageAssetProps. Zero means "not given" for every field. For
 * maps and lists a non-NULL pointer means "given", even with a count of
 * zero (CDK hashes and writes `{}` / `[]` then).
 */
typedef struct {
	unsigned int version;

	/** directory (required); relative paths resolve against the cwd. */
	const char *directory;
	/** file: the Dockerfile relative to directory; default "Dockerfile". */
	const char *file;
	/** exclude: extra ignore patterns, in order. */
	const char *const *exclude;
	/** Entries in exclude. */
	size_t exclude_count;
	/** ignoreMode; used only when has_ignore_mode is true. */
	ecra_ignore_mode ignore_mode;
	/** Whether ignore_mode was given; the default is DOCKER (or GLOB
	 *  when context "@aws-cdk/aws-ecr-assets:dockerIgnoreSupport" is
	 *  false, with a warning). */
	bool has_ignore_mode;
	/** followSymlinks; used only when has_follow_symlinks is true. */
	ecra_follow_mode follow_symlinks;
	/** Whether follow_symlinks was given. */
	bool has_follow_symlinks;
	/** follow (deprecated): used only when followSymlinks is not given. */
	ecra_follow_mode follow;
	/** Whether follow was given. */
	bool has_follow;
	/** extraHash; "" counts as not given, as in JS. */
	const char *extra_hash;
	/** buildArgs. */
	const ecra_kv *build_args;
	/** Entries in build_args. */
	size_t build_args_count;
	/** buildContexts. */
	const ecra_kv *build_contexts;
	/** Entries in build_contexts. */
	size_t build_contexts_count;
	/** buildSecrets (values usually from
	 *  ecra_docker_build_secret_from_src()). */
	const ecra_kv *build_secrets;
	/** Entries in build_secrets. */
	size_t build_secrets_count;
	/** buildSsh. */
	const char *build_ssh;
	/** target. */
	const char *target;
	/** networkMode: "default", "host", "none", "container:<id>" or a
	 *  custom mode (NetworkMode.custom). */
	const char *network_mode;
	/** platform: "linux/amd64", "linux/arm64" or any custom string. */
	const char *platform;
	/** outputs. */
	const char *const *outputs;
	/** Entries in outputs. */
	size_t outputs_count;
	/** cacheFrom (not hashed). */
	const ecra_docker_cache_option *cache_from;
	/** Entries in cache_from. */
	size_t cache_from_count;
	/** cacheTo (not hashed), or NULL. */
	const ecra_docker_cache_option *cache_to;
	/** cacheDisabled (not hashed); ECRA_FALSE is written as false. */
	ecra_tristate cache_disabled;
	/** invalidation. */
	ecra_docker_invalidation invalidation;
	/** assetName: the manifest key becomes "<assetName>-<hash>". */
	const char *asset_name;
	/** displayName; default assetName, else the construct path below
	 *  the stack. */
	const char *display_name;
	/** repositoryName (deprecated in CDK): hashed, and a warning. */
	const char *repository_name;
} ecra_docker_image_asset_options;

/** Current version of ecra_docker_image_asset_options. */
#define ECRA_DOCKER_IMAGE_ASSET_OPTIONS_VERSION 1

/* clang-format off */
/** Defaults for ecra_docker_image_asset_options. */
#define ECRA_DOCKER_IMAGE_ASSET_OPTIONS_INIT { .version = ECRA_DOCKER_IMAGE_ASSET_OPTIONS_VERSION }
/* clang-format on */

/**
 * Add a DockerImageAsset: validate, compute the exclude list and the
 * extraHash as aws-cdk-lib does, and fingerprint the build context.
 *
 * @param[out] out the asset (owned by the app), or NULL if not wanted
 * @param stack the stack
 * @param id the construct id
 * @param opts the props (directory is required)
 * @return 0; ECRA_ENOTFOUND ("Cannot find image directory at <dir>",
 *         "Cannot find file at <dockerfile>"); ECRA_EEXISTS (duplicate
 *         id in the stack); ECRA_EINVALID (bad option, bad pattern);
 *         ECRA_EIO; ECRA_ENOMEM
 */
ECRA_API int ecra_stack_add_docker_image_asset(ecra_image_asset **out,
    ecra_stack *stack, const char *id,
    const ecra_docker_image_asset_options *opts);

/* ------------------------------------------------------------------ */
/* TarballImageAsset                                                    */
/* ------------------------------------------------------------------ */

/** TarballImageAssetProps. */
typedef struct {
	unsigned int version;

	/** tarballFile (required): the `docker save` archive. */
	const char *tarball_file;
	/** displayName; default the construct path below the stack. */
	const char *display_name;
	/** The docker command in the `sh -c` loader, as the CDK_DOCKER
	 *  environment variable would set it; NULL = "docker". The library
	 *  reads no environment: the caller passes it. */
	const char *docker_command;
} ecra_tarball_image_asset_options;

/** Current version of ecra_tarball_image_asset_options. */
#define ECRA_TARBALL_IMAGE_ASSET_OPTIONS_VERSION 1

/* clang-format off */
/** Defaults for ecra_tarball_image_asset_options. */
#define ECRA_TARBALL_IMAGE_ASSET_OPTIONS_INIT { .version = ECRA_TARBALL_IMAGE_ASSET_OPTIONS_VERSION }
/* clang-format on */

/**
 * Add a TarballImageAsset and fingerprint the archive.
 *
 * @return 0; ECRA_ENOTFOUND ("Cannot find file at <tarballFile>");
 *         ECRA_EEXISTS; ECRA_EINVALID; ECRA_EIO; ECRA_ENOMEM
 */
ECRA_API int ecra_stack_add_tarball_image_asset(ecra_image_asset **out,
    ecra_stack *stack, const char *id,
    const ecra_tarball_image_asset_options *opts);

/* ------------------------------------------------------------------ */
/* Image asset attributes                                               */
/* ------------------------------------------------------------------ */

/** What kind of asset a handle is. */
typedef enum {
	ECRA_IMAGE_ASSET_DOCKER = 0, /**< DockerImageAsset. */
	ECRA_IMAGE_ASSET_TARBALL,    /**< TarballImageAsset. */
} ecra_image_asset_kind;

/** The kind of asset. */
ECRA_API ecra_image_asset_kind ecra_image_asset_get_kind(
    const ecra_image_asset *asset);
/** The construct id. */
ECRA_API const char *ecra_image_asset_id(const ecra_image_asset *asset);
/** The construct path, e.g. "MyStack/MyImage". */
ECRA_API const char *ecra_image_asset_path(const ecra_image_asset *asset);
/** The stack the asset belongs to. */
ECRA_API ecra_stack *ecra_image_asset_stack(const ecra_image_asset *asset);
/** assetHash: 64 hex characters. */
ECRA_API const char *ecra_image_asset_hash(const ecra_image_asset *asset);
/**
 * The inputs of the asset's fingerprint: fills the exclude list (for a
 * DockerImageAsset: .is_custom_resource, the .dockerignore lines, the
 * exclude prop, !.dockerignore, !<Dockerfile> and the outdir), the ignore
 * mode, the follow mode, the extraHash as hashed (the asset's options as
 * JSON, plus the asset hash salt) and the thread count into `opts`
 * (initialised by the caller, whose other fields are kept), and the
 * hashed path into `*path_out`. ecra_fingerprint(out, *path_out, opts)
 * then gives ecra_image_asset_hash(asset); with a field_cb it lists every
 * field (--explain). The strings live as long as the asset.
 *
 * @return 0, or ECRA_EINVALID for a bad options version
 */
ECRA_API int ecra_image_asset_fingerprint_options(
    ecra_fingerprint_options *opts, const char **path_out,
    const ecra_image_asset *asset);
/** sourceHash (deprecated alias of assetHash). */
ECRA_API const char *ecra_image_asset_source_hash(
    const ecra_image_asset *asset);
/**
 * imageTag as a plain string: dockerTagPrefix + hash, placeholders such as
 * ${AWS::AccountId} left in (then CDK renders it as an Fn::Sub).
 */
ECRA_API const char *ecra_image_asset_image_tag(const ecra_image_asset *asset);
/**
 * imageUri as the Fn::Sub string:
 * "<acct>.dkr.ecr.<region>.${AWS::URLSuffix}/<repo>:<tag>".
 */
ECRA_API const char *ecra_image_asset_image_uri(const ecra_image_asset *asset);
/** The repository name string, placeholders left in. */
ECRA_API const char *ecra_image_asset_repository_name(
    const ecra_image_asset *asset);
/** The manifest key: hash, or "<assetName>-<hash>". */
ECRA_API const char *ecra_image_asset_manifest_key(
    const ecra_image_asset *asset);
/**
 * The path the manifest names: "asset.<hash><ext>" relative to the
 * outdir; with context "aws:cdk:disable-asset-staging" the absolute
 * context directory (docker) or the tarball relative to the outdir.
 */
ECRA_API const char *ecra_image_asset_staged_path(
    const ecra_image_asset *asset);

/** Which attribute ecra_image_asset_attribute_json() renders. */
typedef enum {
	ECRA_ATTR_IMAGE_URI = 0,   /**< asset.imageUri. */
	ECRA_ATTR_IMAGE_TAG,       /**< asset.imageTag. */
	ECRA_ATTR_REPOSITORY_NAME, /**< asset.repository.repositoryName. */
	ECRA_ATTR_REPOSITORY_ARN,  /**< asset.repository.repositoryArn. */
} ecra_image_asset_attribute;

/**
 * An attribute as CloudFormation JSON, exactly as it would appear in the
 * template: a JSON string, {"Fn::Sub": ...} or {"Fn::Join": ...}.
 *
 * @param[out] out compact JSON text, free with ecra_free()
 * @return 0, ECRA_EINVALID (unknown attribute) or ECRA_ENOMEM
 */
ECRA_API int ecra_image_asset_attribute_json(
    char **out, const ecra_image_asset *asset, ecra_image_asset_attribute attr);

/* ------------------------------------------------------------------ */
/* IAM roles and grants                                                 */
/* ------------------------------------------------------------------ */

/** Options for ecra_stack_add_role(): exactly one of the two fields. */
typedef struct {
	unsigned int version;

	/** New role: assumedBy = new ServicePrincipal(assumed_by), e.g.
	 *  "ecs-tasks.amazonaws.com". */
	const char *assumed_by;
	/** Imported role: Role.fromRoleArn(stack, id, role_arn). */
	const char *role_arn;
} ecra_role_options;

/** Current version of ecra_role_options. */
#define ECRA_ROLE_OPTIONS_VERSION 1

/* clang-format off */
/** Defaults for ecra_role_options. */
#define ECRA_ROLE_OPTIONS_INIT { .version = ECRA_ROLE_OPTIONS_VERSION }
/* clang-format on */

/**
 * Add an IAM role (new, or imported by ARN) to act as a grant principal.
 *
 * @return 0, ECRA_EEXISTS (duplicate id), ECRA_EINVALID (neither or both
 *         of assumed_by/role_arn, malformed ARN) or ECRA_ENOMEM
 */
ECRA_API int ecra_stack_add_role(ecra_role **out, ecra_stack *stack,
    const char *id, const ecra_role_options *opts);

/** The role's construct id. */
ECRA_API const char *ecra_role_id(const ecra_role *role);

/**
 * asset.repository.grantPull(role): the pull actions on the repository
 * ARN, then ecr:GetAuthorizationToken on "*", added to the role's
 * DefaultPolicy (AWS::IAM::Policy), in call order.
 *
 * @return 0, ECRA_EINVALID (role and asset in different stacks) or
 *         ECRA_ENOMEM
 */
ECRA_API int ecra_image_asset_grant_pull(
    ecra_image_asset *asset, ecra_role *role);

/**
 * asset.repository.grantRead(role): ecr:DescribeRepositories and
 * ecr:DescribeImages on the repository ARN.
 *
 * @return 0, ECRA_EINVALID or ECRA_ENOMEM
 */
ECRA_API int ecra_image_asset_grant_read(
    ecra_image_asset *asset, ecra_role *role);

/* ------------------------------------------------------------------ */
/* Stack outputs                                                        */
/* ------------------------------------------------------------------ */

/** What a stack output holds. */
typedef enum {
	ECRA_OUTPUT_STRING = 0,      /**< string_value, verbatim. */
	ECRA_OUTPUT_IMAGE_URI,       /**< asset.imageUri. */
	ECRA_OUTPUT_IMAGE_TAG,       /**< asset.imageTag. */
	ECRA_OUTPUT_REPOSITORY_NAME, /**< asset.repository.repositoryName. */
} ecra_output_kind;

/** Options for ecra_stack_add_output() (CfnOutputProps). */
typedef struct {
	unsigned int version;

	/** What the value is. */
	ecra_output_kind kind;
	/** The asset, for every kind but ECRA_OUTPUT_STRING. */
	const ecra_image_asset *asset;
	/** The value, for ECRA_OUTPUT_STRING. */
	const char *string_value;
	/** description, or NULL. */
	const char *description;
	/** exportName, or NULL. */
	const char *export_name;
} ecra_output_options;

/** Current version of ecra_output_options. */
#define ECRA_OUTPUT_OPTIONS_VERSION 1

/* clang-format off */
/** Defaults for ecra_output_options. */
#define ECRA_OUTPUT_OPTIONS_INIT { .version = ECRA_OUTPUT_OPTIONS_VERSION }
/* clang-format on */

/**
 * Add a CfnOutput directly under the stack. Its logical id is allocated
 * as aws-cdk-lib does (a one-component path keeps its id, minus
 * characters that are not alphanumeric).
 *
 * @return 0, ECRA_EEXISTS (duplicate id), ECRA_EINVALID (missing value,
 *         asset of another stack) or ECRA_ENOMEM
 */
ECRA_API int ecra_stack_add_output(
    ecra_stack *stack, const char *id, const ecra_output_options *opts);

/* ------------------------------------------------------------------ */
/* Synthesis                                                            */
/* ------------------------------------------------------------------ */

/** Options for ecra_app_synth(); zero means default. */
typedef struct {
	unsigned int version;

	/** Version 2. Cancellation, as in ecra_app_options (this one wins
	 * when both are set): staging stops at the next file, the
	 * temporary directory is removed and ECRA_EUSER returned. */
	const volatile int *cancel;
} ecra_synth_options;

/** Current version of ecra_synth_options. */
#define ECRA_SYNTH_OPTIONS_VERSION 2

/* clang-format off */
/** Defaults for ecra_synth_options. */
#define ECRA_SYNTH_OPTIONS_INIT { .version = ECRA_SYNTH_OPTIONS_VERSION }
/* clang-format on */

/**
 * Write the cloud assembly: stage every asset, write manifest.json,
 * cdk.out, tree.json and per stack <id>.template.json, <id>.assets.json
 * and <id>.metadata.json. The assembly is built in a sibling temporary
 * directory ("<outdir>.tmp-XXXXXX") and renamed into place; staged asset
 * directories already present in the previous assembly are reused.
 *
 * The outdir is replaced as a whole, so it must be ours to replace: it
 * is refused (ECRA_EINVALID, nothing written or removed) when it is a
 * regular file or a symbolic link, a non-empty directory that is not a
 * cloud assembly (no manifest.json with a "version"), the filesystem
 * root, or a directory holding a build context, a tarball, the app file
 * or the working directory. Temporary directories left by a synth that
 * crashed are removed (see ecra_app_remove_stale()).
 *
 * @param app the app
 * @param opts options, or NULL
 * @return 0, ECRA_EIO, ECRA_EINVALID (an outdir that is refused, an
 *         external link under internal-only follow mode), ECRA_EUSER
 *         (cancelled) or ECRA_ENOMEM
 */
ECRA_API int ecra_app_synth(ecra_app *app, const ecra_synth_options *opts);

/**
 * Remove the temporary directories "<outdir>.tmp-XXXXXX" that a synth
 * into `outdir` left behind when it was killed: only directories owned by
 * this user that still hold the marker file of a synth whose process is
 * gone (a running synth's directory is left alone). ecra_app_synth() does
 * this itself; a tool that lets a CDK app write `outdir` calls it first.
 *
 * @param outdir the assembly directory, as given to the app
 * @param[out] removed how many were removed, or NULL
 * @return 0, ECRA_EIO (one could not be removed) or ECRA_ENOMEM
 */
ECRA_API int ecra_app_remove_stale(const char *outdir, size_t *removed);

/* ------------------------------------------------------------------ */
/* Declarative app files                                                */
/* ------------------------------------------------------------------ */

/** Options for ecra_app_load_json(); zero means default. */
typedef struct {
	unsigned int version;

	/** Context merged over the file's "context" object before any stack
	 *  is created (what CDK_CONTEXT_JSON does), or NULL. */
	const char *context_json;
	/** Used as the outdir when the file has no "outdir", or NULL
	 *  ("cdk.out"). Relative values are kept as given (cwd-relative). */
	const char *default_outdir;
	/** When non-NULL, replaces the file's "outdir". */
	const char *outdir;
	/** Warning callback, as in ecra_app_options. */
	ecra_app_warning_cb warning_cb;
	/** Passed to warning_cb. */
	void *warning_payload;
	/** As in ecra_app_options. */
	unsigned int threads;
	/** The docker command for tarball loaders (what CDK_DOCKER sets in
	 *  aws-cdk-lib), or NULL for "docker". */
	const char *docker_command;

	/** Version 2. As in ecra_app_options. */
	const volatile int *cancel;
} ecra_app_load_options;

/** Current version of ecra_app_load_options. */
#define ECRA_APP_LOAD_OPTIONS_VERSION 2

/* clang-format off */
/** Defaults for ecra_app_load_options. */
#define ECRA_APP_LOAD_OPTIONS_INIT { .version = ECRA_APP_LOAD_OPTIONS_VERSION }
/* clang-format on */

/**
 * Build an app from a JSON app file:
 *
 *     {"context": {...}, "outdir": "cdk.out",
 *      "stacks": [{"id": "S", "env": {"account": "...", "region": "..."},
 *                  "stackName": "...", "description": "...",
 *                  "terminationProtection": false,
 *                  "synthesizer": {"qualifier": "...", ...},
 *                  "dockerImageAssets": [{"id": "Img", "directory": "d",
 *                      ...DockerImageAssetProps...}],
 *                  "tarballImageAssets": [{"id": "T", "tarballFile": "t"}],
 *                  "roles": [{"id": "R", "assumedBy": "svc",
 *                             "pull": ["Img"], "read": ["Img"]}
 *                            | {"id": "R", "roleArn": "arn:...", ...}],
 *                  "outputs": [{"id": "O", "imageUri": "Img"}
 *                              | {"id": "O", "imageTag": "Img"}
 *                              | {"id": "O", "repositoryName": "Img"}
 *                              | {"id": "O", "value": "text"}]}]}
 *
 * Keys are the CDK prop names (synthesizer keys are the
 * DefaultStackSynthesizer prop names). Relative paths (directory,
 * tarballFile, outdir) resolve against the file's folder. A relative
 * outdir in the file is made relative to the file's folder; an outdir
 * from the options is kept as given. Errors name the file and the field
 * path: "app.json: stacks[0].dockerImageAssets[1].buildArgs.X: expected
 * a string"; unknown keys list the valid ones; JSON syntax errors give
 * line and column.
 *
 * @param[out] out the app; free it with ecra_app_free()
 * @param path the file
 * @param opts options, or NULL
 * @return 0, ECRA_ENOTFOUND (no such file, or a missing asset path),
 *         ECRA_EINVALID, ECRA_EEXISTS (duplicate id), ECRA_EIO,
 *         ECRA_ENOMEM
 */
ECRA_API int ecra_app_load_json(
    ecra_app **out, const char *path, const ecra_app_load_options *opts);

ECRA_END_DECL

#endif /* ECRA_APP_H */
