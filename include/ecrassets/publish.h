/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * ecrassets/publish.h - load asset manifests and publish container images.
 *
 * The publisher reproduces `cdk-assets publish` for docker-image assets:
 * for each selected asset x destination it checks whether the image tag
 * already exists (ECR DescribeImages, or a registry HEAD in registry mode),
 * and only if not builds the image once with the docker CLI (the exact
 * argv of cdk-assets), tags it and pushes it. Progress is reported through
 * a callback; the library never prints.
 */
#ifndef ECRA_PUBLISH_H
#define ECRA_PUBLISH_H

#include "ecrassets/aws.h"
#include "ecrassets/common.h"

ECRA_BEGIN_DECL

/** A set of loaded asset manifests and the entries selected from them. */
typedef struct ecra_manifest ecra_manifest;

/**
 * Create an empty manifest set.
 *
 * @param out receives the set; free it with ecra_manifest_free()
 * @return 0 or a negative ecra_error_code
 */
ECRA_API int ecra_manifest_new(ecra_manifest **out);

/**
 * Load one asset manifest or cloud assembly into the set.
 *
 * `path` is a `*.assets.json` file, a cloud assembly directory (one with
 * `manifest.json`: every `cdk:asset-manifest` artifact is loaded, nested
 * assemblies too), or a directory with an `assets.json` (the cdk-assets
 * `-p DIR` convention). Schema versions up to 55 are accepted (only the
 * major number is checked). Errors name the file and the field.
 *
 * @return 0; ECRA_ENOTFOUND if the path does not exist; ECRA_EINVALID for
 *         malformed JSON or a schema error; ECRA_EUNSUPPORTED for a schema
 *         version above 55
 */
ECRA_API int ecra_manifest_load(ecra_manifest *m, const char *path);

/**
 * Restrict the entries to those matching the selection.
 *
 * Each pattern is `ASSET`, `ASSET:DEST`, `:DEST`, `*:DEST` or `ASSET:*`
 * (an empty part or `*` matches anything). Each stack name keeps the
 * entries of manifests belonging to that stack (assembly artifact id, the
 * stack's `stackName`, or for a plain file the part of its name before
 * `.assets.json`). Empty lists select everything. Manifest order is kept.
 *
 * @return 0; ECRA_EINVALID for a malformed pattern; ECRA_ENOTFOUND if a
 *         pattern or stack name matches nothing
 */
ECRA_API int ecra_manifest_select(ecra_manifest *m, const char *const *patterns,
    size_t pattern_count, const char *const *stacks, size_t stack_count);

/** One publishable unit: one docker image asset x one destination. */
typedef struct {
	const char *asset_id;        /**< Key in `dockerImages`. */
	const char *destination_id;  /**< Key in `destinations`. */
	const char *display_name;    /**< `displayName`, or NULL. */
	const char *manifest_path;   /**< The `*.assets.json` it came from. */
	const char *stack;           /**< Owning stack, or NULL if unknown. */
	const char *repository_name; /**< As written (placeholders kept). */
	const char *image_tag;
	const char *region;          /**< Or NULL. */
	const char *assume_role_arn; /**< Or NULL. */
	/** Absolute build directory; NULL for an `executable` source. */
	const char *directory;
	/** The executable's argv (NULL-terminated), or NULL. */
	const char *const *executable;
} ecra_manifest_entry;

/** Number of selected entries. */
ECRA_API size_t ecra_manifest_count(const ecra_manifest *m);

/**
 * Describe selected entry `i` (0-based). The strings belong to the set.
 *
 * @return 0, or ECRA_EINVALID if `i` is out of range
 */
ECRA_API int ecra_manifest_get(
    const ecra_manifest *m, size_t i, ecra_manifest_entry *out);

/** Number of `files` (non-image) assets that were loaded and skipped. */
ECRA_API size_t ecra_manifest_file_asset_count(const ecra_manifest *m);

/** Free the set; NULL is a no-op. */
ECRA_API void ecra_manifest_free(ecra_manifest *m);

/** Event types, as cdk-assets names them. */
typedef enum {
	ECRA_EVENT_START = 0,  /**< "Publishing <asset>" */
	ECRA_EVENT_CHECK,      /**< "Check <imageUri>" */
	ECRA_EVENT_FOUND,      /**< "Found <imageUri>" (nothing to do) */
	ECRA_EVENT_CACHED,     /**< "Cached cdkasset-<id>" */
	ECRA_EVENT_BUILD,      /**< "Building Docker image at <dir>" */
	ECRA_EVENT_UPLOAD,     /**< "Push <imageUri>" */
	ECRA_EVENT_SUCCESS,    /**< "Published <asset>" */
	ECRA_EVENT_FAIL,       /**< the error message */
	ECRA_EVENT_DEBUG,      /**< diagnostics */
	ECRA_EVENT_SHELL_OPEN, /**< a command line being run (redacted) */
	/** "retrying push of <imageUri> in <n>s (attempt <k>/<max>):
	 * <reason>" (level "info"; not a cdk-assets event) */
	ECRA_EVENT_RETRY,
	/** A daemonless push's byte counts (see `transfer`; level
	 * "verbose"; not a cdk-assets event). */
	ECRA_EVENT_TRANSFER,
} ecra_publish_event_type;

/** One progress event. Valid only during the callback. */
typedef struct {
	ecra_publish_event_type type;
	const char *type_name; /**< "start", "check", ... "retry". */
	const char *level;     /**< "info", "verbose" or "error". */
	unsigned int percent;  /**< floor(100 * completed / entries). */
	const char *message;   /**< Never contains a secret. */
	const char *asset_id;  /**< NULL for run-wide events. */
	const char *destination_id;
	/** The destination image (`host/repository:tag`) on check, found,
	 * upload, retry, success and fail events once it is known; else
	 * NULL. */
	const char *image_uri;
	/** The pushed image's manifest digest (`sha256:...`) on the success
	 * event of a push, when the registry (or docker push) reported it;
	 * else NULL. */
	const char *digest;
	/** Share of the run's work done, 0-100: like `percent`, but the
	 * entries in flight count with the step they are at (build
	 * started 5%, cached 30%, push started 50%), so that a run of one image
	 * does not sit at 0% until it ends. `percent` stays cdk-assets' value.
	 */
	unsigned int progress;
	/** ECRA_EVENT_TRANSFER only: the registry engine's event (bytes
	 * done and total, rate, outcome); NULL otherwise. */
	const struct ecra_xfer_event_s *transfer;
} ecra_publish_event;

/**
 * Receives events. Calls are serialised (never concurrent) even with
 * parallel publishing.
 */
typedef void (*ecra_publish_event_cb)(
    const ecra_publish_event *ev, void *payload);

/**
 * Receives one line of a child's output (docker build and push), without
 * its newline; `stream` is 1 (stdout) or 2 (stderr). Serialised too.
 */
typedef void (*ecra_publish_output_cb)(
    int stream, const char *line, size_t len, void *payload);

/**
 * Current version of ecra_publish_options. Version 4 replaced the flat
 * `aws_*`, `home` and `user_name` fields of versions 1-3 by the embedded
 * `aws` (ecra_aws_options); that changed the layout, so versions below 4
 * are refused with ECRA_EINVALID (rebuild against this header).
 */
#define ECRA_PUBLISH_OPTIONS_VERSION 4

/** Options of ecra_publish(); zero means default everywhere. */
typedef struct {
	unsigned int version; /**< ECRA_PUBLISH_OPTIONS_VERSION */
	/** The docker-compatible CLI (`CDK_DOCKER`); NULL = "docker". */
	const char *docker;
	/** Environment the children start from (e.g. `environ`); the
	 * library reads PATH, DOCKER_HOST etc. only from here. */
	char *const *env;
	/** The user's docker config directory (`$DOCKER_CONFIG` or
	 * ~/.docker). Only read: its credentials are copied into the
	 * private config of the run and used by the registry client. */
	const char *docker_config;
	/** Where the private docker config of the run is made; NULL =
	 * "/tmp". It is removed before ecra_publish() returns. */
	const char *tmpdir;

	/** Registry mode: send every destination to this registry
	 * (`host[:port]`), keeping repository names and tags; no AWS call
	 * is made. NULL = ECR mode. */
	const char *registry;
	/** Credentials for registry mode (both or neither); otherwise
	 * the `auths` of docker_config are used, if any. */
	const char *username;
	const char *password;
	/** Registry mode: use plain http (default: http for loopback
	 * hosts, https otherwise). */
	bool registry_http;
	/** Account for `${AWS::AccountId}` in registry mode. */
	const char *account;

	/** ECR mode (and the CDK docker credentials lookups): AWS
	 * settings, all optional; the CLI fills them from the AWS_*
	 * environment. `aws.profile` is --profile (credentials only),
	 * `aws.env_profile` AWS_PROFILE. */
	ecra_aws_options aws;

	/** Publish even if the tag already exists. */
	bool force;
	/** Only report the plan: checks are made, nothing is built or
	 * pushed, docker is never run. */
	bool dry_run;
	/** Entries checked and pushed at once (builds stay serial); 0 or
	 * 1 = sequential. */
	unsigned int parallel;
	/** Push TarballImageAsset tarballs (the `sh -c "docker load ..."`
	 * executable aws-cdk-lib writes) straight to the registry over its
	 * HTTP API, without docker: no `docker load`, tag or push. */
	bool daemonless_tarballs;
	/** Timeout of each docker command in ms; 0 = none (as upstream). */
	unsigned int command_timeout_ms;

	/** Cancellation: when non-NULL and *cancel becomes non-zero (say,
	 * from a signal handler), no new entry or docker command is started,
	 * the running docker command gets the signal (SIGINT or SIGTERM
	 * when *cancel holds one, else SIGTERM), registry transfers stop
	 * within a second, open upload sessions are cancelled and nothing
	 * more is tagged; the remaining entries fail with "publishing was
	 * cancelled". When *cancel is SIGINT or SIGTERM, every entry that
	 * failed reads "interrupted by SIGINT: <what it was doing>" ("...:
	 * not published" for those not started). The private docker config
	 * is removed as usual. */
	const volatile int *cancel;

	ecra_publish_event_cb on_event;
	ecra_publish_output_cb on_output;
	void *payload;

	/* Version 2. */

	/** The CDK docker credentials file, as resolved by the caller
	 * (`$CDK_DOCKER_CREDS_FILE`, else
	 * `<passwd home>/.cdk/cdk-docker-creds.json`); NULL = none. When it
	 * loads (see ecrassets/dockercreds.h; a missing, unreadable or
	 * malformed file counts as absent, as in cdk-assets, with a debug
	 * event), builds run as cdk-assets runs them: `inspect`, `build`
	 * and `tag` get `--config <dir>`, a directory whose config.json
	 * sends every domain of the file to the credential helper
	 * `docker-credential-cdk-assets`, and `docker login` happens after
	 * the build, before the push. The directory is made once per run
	 * under `tmpdir` and removed before ecra_publish() returns. */
	const char *docker_creds_file;
	/** Put first on the PATH of every docker command, so that docker
	 * finds `docker-credential-cdk-assets` there; NULL = PATH as in
	 * `env`. */
	const char *credential_helper_dir;

	/* Version 3. */

	/** Attempts per push (`docker push`, or a daemonless tarball
	 * push), the first included, when a push fails transiently: HTTP
	 * 5xx or 429 from the registry, a refused, reset or timed-out
	 * connection. Authentication failures, "denied", unknown
	 * repositories and other client errors are never retried. Each
	 * retry emits an ECRA_EVENT_RETRY event first; a daemonless retry
	 * checks which blobs arrived (HEAD) and uploads only the others.
	 * 0 = 3; 1 = no retries (cdk-assets never retries). */
	unsigned int push_attempts;
	/** Wait before the first retry in ms, doubled before each further
	 * one (at most 30 s); 0 = 1000. */
	unsigned int push_retry_delay_ms;

	/* Version 4: transport security (see docs/security.md). */

	/** Registries spoken to over plain http although they are not
	 * loopback (`--insecure-registry`, as docker's
	 * `insecure-registries` and skopeo's `--tls-verify=false`): an
	 * entry "HOST" allows every port of HOST, "HOST:PORT" that one.
	 * Loopback hosts (localhost, 127.0.0.0/8, [::1]) always use http;
	 * every other host uses https unless listed here. */
	const char *const *insecure_registries;
	size_t insecure_registry_count;
	/** A PEM bundle of CA certificates trusted for registry calls
	 * (`--ca-cert`, else `SSL_CERT_FILE`); NULL = the system's. */
	const char *ca_file;
	/** The same for AWS API calls (`AWS_CA_BUNDLE`, as the AWS CLI);
	 * NULL = ca_file, else the system's. */
	const char *aws_ca_bundle;
	/** Proxies for registry and AWS calls (the CLI reads
	 * `HTTPS_PROXY`/`https_proxy`, `HTTP_PROXY`/`http_proxy` and
	 * `NO_PROXY`/`no_proxy`): https URLs go through https_proxy,
	 * http URLs through http_proxy; hosts matching no_proxy (a comma
	 * list of names, domain suffixes, IP addresses, or "*") go
	 * direct. NULL = no proxy; the library never reads the
	 * environment itself. */
	const char *https_proxy;
	const char *http_proxy;
	const char *no_proxy;
} ecra_publish_options;

/* clang-format off */
/** Defaults for ecra_publish_options. */
#define ECRA_PUBLISH_OPTIONS_INIT { .version = ECRA_PUBLISH_OPTIONS_VERSION, .aws = ECRA_AWS_OPTIONS_INIT }
/* clang-format on */

/**
 * Initialise `opts` to the defaults, like ECRA_PUBLISH_OPTIONS_INIT.
 *
 * @param opts the struct to fill
 * @param version pass ECRA_PUBLISH_OPTIONS_VERSION
 * @return 0, or ECRA_EINVALID for an unknown version
 */
ECRA_API int ecra_publish_options_init(
    ecra_publish_options *opts, unsigned int version);

/** Outcome of a run. */
typedef struct {
	size_t entries;   /**< Selected entries. */
	size_t published; /**< Pushed (or would be, in a dry run). */
	size_t skipped;   /**< Already present in the registry. */
	size_t failed;    /**< Tried and failed. */
	size_t builds;    /**< Images built (docker build / executable runs
	                       that succeeded). */
	size_t cached;    /**< Local images reused without a build. */
	double seconds;   /**< Wall time of the run. */
	double build_seconds;
	double push_seconds;
	/** Not tried: after the registry of a destination did not answer
	 * at all (connection refused, no such host, timed out), the other
	 * entries for that registry fail without a request and without a
	 * fail event each; counted here, not in `failed`. */
	size_t not_tried;
	/** The registry (`host[:port]`) that did not answer, when
	 * not_tried > 0 (valid until the next ecra_publish() call of the
	 * thread). */
	const char *unreachable;
} ecra_publish_summary;

/**
 * Publish every selected entry of `m`.
 *
 * A failing entry is reported with a `fail` event and the others still
 * publish; `summary->failed` counts them. When a registry does not answer
 * at all, the remaining entries for it are not tried
 * (`summary->not_tried`).
 *
 * @param opts the options; NULL = all defaults (docker from PATH of an
 *        empty environment, ECR mode, no AWS settings)
 * @param summary filled in; may be NULL
 * @return 0 if every entry succeeded; ECRA_ERROR if some failed (the last
 *         error is the first failure's message); other negative codes for
 *         a failure before any entry ran (bad options, no temp dir)
 */
ECRA_API int ecra_publish(const ecra_manifest *m,
    const ecra_publish_options *opts, ecra_publish_summary *summary);

ECRA_END_DECL

#endif /* ECRA_PUBLISH_H */
