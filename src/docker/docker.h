/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * docker/docker.h - drive the docker CLI (or a compatible one: podman,
 * finch) through util/proc, with cdk-assets' exact argv.
 *
 * Every command is an argv array; nothing goes through a shell. Command
 * lines shown to users (events, errors) are rendered by
 * ecra_docker_display(), which quotes like cdk-assets and redacts the
 * values of --build-arg and --secret. A failure reads
 * "<display command> exited with error code N: <stderr, trimmed>".
 *
 * The driver can point every command at a private DOCKER_CONFIG (set in
 * the child's environment, so the argv stays cdk-assets' argv): `docker
 * login` then writes its credentials there, never into the user's config.
 */
#ifndef SRC_DOCKER_DOCKER_H
#define SRC_DOCKER_DOCKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ecrassets/buf.h"
#include "util/vec.h"

/* A key/value pair of a build option map, in manifest (JS) order. */
typedef struct {
	const char *key;
	const char *value;
} ecra_docker_kv;

/* A --cache-from / --cache-to spec: "type=<type>[,k=v...]". */
typedef struct {
	const char *type;
	const ecra_docker_kv *params;
	size_t param_count;
	/* `params` was present (even if empty: upstream then writes a
	 * trailing ','). */
	bool has_params;
} ecra_docker_cache;

/* What `docker build` gets; strings that are NULL or "" are left out
 * (JS truthiness, as upstream). */
typedef struct {
	const char *tag; /* cdkasset-<lowercase id> */
	const ecra_docker_kv *build_args;
	size_t build_arg_count;
	const ecra_docker_kv *build_contexts;
	size_t build_context_count;
	const ecra_docker_kv *build_secrets;
	size_t build_secret_count;
	const char *ssh;
	const char *target;
	const char *file;
	const char *network;
	const char *platform;
	const char *const *outputs;
	size_t output_count;
	const ecra_docker_cache *cache_from;
	size_t cache_from_count;
	const ecra_docker_cache *cache_to; /* or NULL */
	bool no_cache;
} ecra_docker_build_args;

/* Called with each line of a streamed command (build, push). */
typedef void (*ecra_docker_line_cb)(
    int stream, const char *line, size_t len, void *payload);
/* What docker push says of a layer (ecra_docker.on_progress). */
typedef enum {
	ECRA_DOCKER_LAYER_PUSHING = 0, /* `done` of `total` bytes sent */
	ECRA_DOCKER_LAYER_PUSHED,
	ECRA_DOCKER_LAYER_EXISTS,  /* "Layer already exists" */
	ECRA_DOCKER_LAYER_MOUNTED, /* "Mounted from ..." */
} ecra_docker_layer_state;

/* A layer's progress in docker push: `layer` is docker's short id;
 * `done`/`total` as docker rounds them (0 when it did not say). */
typedef void (*ecra_docker_progress_cb)(const char *layer,
    ecra_docker_layer_state state, uint64_t done, uint64_t total,
    void *payload);
/* Called with the display form of every command before it runs. */
typedef void (*ecra_docker_open_cb)(const char *display, void *payload);

typedef struct {
	const char *program;    /* CDK_DOCKER; NULL or "" = "docker" */
	char *const *env_base;  /* environment of the children */
	const char *config_dir; /* DOCKER_CONFIG for children, or NULL */
	/* `--config <dir>` right after the program (cdk-assets' flag for
	 * builds under the CDK docker credentials file), or NULL. */
	const char *config_arg;
	/* PATH of the children (replacing the one in env_base), or NULL. */
	const char *path;
	unsigned int timeout_ms;
	/* The run's cancel flag (a signal number once set): passed on to
	 * the running command (util/proc.h), or NULL. */
	const volatile int *cancel;
	ecra_docker_line_cb on_line;
	ecra_docker_open_cb on_open;
	/* When set, docker push runs with its stdout on a pseudo-terminal
	 * (the argv is unchanged) so that it draws progress; its progress
	 * lines come here instead of on_line, the other lines still go to
	 * on_line, without the terminal's escape sequences. */
	ecra_docker_progress_cb on_progress;
	void *payload;
} ecra_docker;

/* The local cache tag: "cdkasset-" + lowercase(asset_id). */
char *ecra_docker_local_tag(const char *asset_id);

/* The argv (after the program) of `build`, exactly as cdk-assets 4.7.3. */
int ecra_docker_build_argv(ecra_strvec *argv, const ecra_docker_build_args *b);

/* Render argv for display (POSIX quoting of cdk-assets); with `redact`,
 * the token after --build-arg / --secret keeps only up to its first '='
 * followed by "<redacted>". */
int ecra_docker_display(
    ecra_buf *out, const char *const *argv, size_t argc, bool redact);

/* `docker inspect <ref>`: *exists is true on exit 0, false on exit 1 or
 * 125; any other status is an error. */
int ecra_docker_inspect(const ecra_docker *d, const char *ref, bool *exists);

/* `docker build ...` in `directory` with BUILDX_NO_DEFAULT_ATTESTATIONS=1
 * (unless `attestations`), output streamed. */
int ecra_docker_build(const ecra_docker *d, const char *directory,
    const ecra_docker_build_args *b, bool attestations);

int ecra_docker_tag(const ecra_docker *d, const char *src, const char *dst);

/* Is this output line part of docker's legacy-builder banner (docker 23+
 * without buildx: "DEPRECATED: The legacy builder is deprecated ...",
 * printed before every build)? None of it is ever a failure's reason. */
bool ecra_docker_banner_line(const char *line, size_t len);
int ecra_docker_push(const ecra_docker *d, const char *ref);

/* `docker login --username U --password-stdin ENDPOINT`, the password on
 * stdin without a newline; output discarded. */
int ecra_docker_login(const ecra_docker *d, const char *user,
    const char *password, const char *endpoint);

/* Run an `executable` source in `cwd` with d's environment base
 * unchanged (no DOCKER_CONFIG, PATH or program of d: only env_base,
 * timeout_ms, cancel, on_open, and on_line, which gets its stderr
 * lines); *image receives its trimmed stdout, which must be one
 * non-empty line. When it prints nothing, the error carries the tail of
 * its stderr (a daemon that is down is named as such). */
int ecra_docker_run_executable(char **image, const ecra_docker *d,
    const char *const *argv, const char *cwd);

/*
 * Make a private docker config directory under `tmpdir` (mkdtemp
 * "ecra-docker-<pid>-<pid namespace inode>-XXXXXX", mode 0700) holding a
 * config.json derived from the user's `user_config_dir`/config.json, if
 * readable: `auths`, `credHelpers`, `proxies` and `HttpHeaders` are kept;
 * `credsStore` is dropped (so `docker login` never writes to the user's
 * keychain) and `cliPluginsExtraDirs` gains the user's cli-plugins directory.
 */
int ecra_docker_config_create(
    char **dir, const char *tmpdir, const char *user_config_dir);
/*
 * Make the docker config directory of builds under the CDK docker
 * credentials file: mkdtemp "<tmpdir>/cdkDockerConfig-ecra-<pid>-<ns>-XXXXXX"
 * (0700) with
 * a compact config.json whose credHelpers map each of `domains` to
 * `helper` ("cdk-assets", as cdk-assets writes it). Unlike cdk-assets,
 * the user's config (from `user_config_dir`, read as for
 * ecra_docker_config_create(); NULL = none) is kept underneath, so that
 * builds still see its auths, credential helpers, proxies and CLI
 * plugins; the domains' entries win.
 */
int ecra_docker_config_create_helpers(char **dir, const char *tmpdir,
    const char *user_config_dir, const char *const *domains, size_t count,
    const char *helper);
/* Remove a directory made by ecra_docker_config_create() (recursively). */
int ecra_docker_config_remove(const char *dir);
/*
 * Remove the private config directories that runs killed by a signal
 * they cannot catch (SIGKILL, a second Ctrl-C) left in `tmpdir`: only
 * directories (not links) named as above, owned by our uid, made in our
 * pid namespace by a pid that no longer exists. *removed (may be NULL)
 * counts them. Removal is best effort: 0 unless out of memory.
 */
int ecra_docker_config_sweep(const char *tmpdir, size_t *removed);

#endif /* SRC_DOCKER_DOCKER_H */
