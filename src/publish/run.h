/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * publish/run.h - the state of one ecra_publish() run and the interface
 * of its two destination back ends: ECR (publish/ecr.c, over src/aws)
 * and a plain registry (publish/publish.c, over src/registry).
 */
#ifndef SRC_PUBLISH_RUN_H
#define SRC_PUBLISH_RUN_H

#include <pthread.h>

#include "ecrassets/dockercreds.h"
#include "http/http.h"
#include "publish/publish.h"

typedef struct ecra_pub_run ecra_pub_run;
typedef struct ecra_pub_worker ecra_pub_worker;

/* A destination after placeholder replacement (owned strings). */
typedef struct {
	ecra_pub_entry *entry;
	char *repository_name;
	char *image_tag;
	char *region; /* or NULL */
	char *assume_role_arn;
	char *assume_role_external_id;
} ecra_pub_dest;

/* Credentials for `docker login`. */
typedef struct {
	char *username;
	char *password;
	char *endpoint; /* host[:port], no scheme */
} ecra_pub_login;

typedef struct {
	/* Optional run-wide set-up and tear-down. */
	int (*run_init)(ecra_pub_run *run);
	void (*run_dispose)(ecra_pub_run *run);
	/* Per-worker (thread) state in w->backend. */
	int (*worker_init)(ecra_pub_worker *w);
	void (*worker_dispose)(ecra_pub_worker *w);
	/* Account and partition for placeholders (called at most once per
	 * run, under a lock): may be left NULL to fail when needed. */
	int (*identity)(ecra_pub_worker *w, char **account, char **partition);
	/* The default region (for ${AWS::Region} when the destination has
	 * none); NULL = the aws_region option, else us-east-1. */
	const char *(*default_region)(ecra_pub_run *run);
	/* The repository URI ("host/name") of a destination. */
	int (*locate)(ecra_pub_worker *w, const ecra_pub_dest *d, char **uri);
	/* Does repository:tag exist? */
	int (*exists)(ecra_pub_worker *w, const ecra_pub_dest *d,
	    const char *repo_uri, bool *exists);
	/* Credentials for `docker login` to the registry of repo_uri; leave
	 * username NULL for no login. */
	int (*credentials)(ecra_pub_worker *w, const ecra_pub_dest *d,
	    const char *repo_uri, ecra_pub_login *out);
} ecra_pub_backend;

struct ecra_pub_run {
	const ecra_manifest *m;
	const ecra_publish_options *o;
	const ecra_pub_backend *backend;
	void *backend_state;
	ecra_docker docker;
	char *config_dir;
	char *path_env; /* PATH with the credential helper's directory */
	/* The CDK docker credentials file, when loaded; then builds use
	 * build_docker (`--config creds_config_dir`), made lazily under
	 * build_lock. */
	ecra_docker_creds *creds;
	char *creds_config_dir;
	ecra_docker build_docker;
	ecra_http_share *http_share; /* DNS and TLS sessions of the workers */

	pthread_mutex_t lock;       /* everything below */
	pthread_mutex_t build_lock; /* builds are serial */
	pthread_mutex_t event_lock; /* callbacks are serialised */
	size_t next;                /* next entry to take */
	size_t completed;
	ecra_strvec logged_in; /* registry domains */
	bool identity_done;
	int identity_error;
	char *identity_message;
	char *account;
	char *partition;
	ecra_publish_summary sum;
	char *first_failure;
	int first_failure_code;
	char *unreachable; /* registry host that did not answer, or NULL */
	/* Per entry of m->entries: the share of its work done (0..1),
	 * for the events' `progress`; NULL if it could not be allocated. */
	double *step_done;
	/* docker's legacy-builder banner: shown, and output followed it
	 * (under event_lock) */
	bool banner_shown, banner_done;
	struct pub_asset_state *states; /* one per asset of m */
};

struct ecra_pub_worker {
	ecra_pub_run *run;
	void *backend;
};

/* Entry e's destination with placeholders replaced (account and
 * partition through the backend's identity, once per run). In registry
 * mode the identity is asked for only when the repository name, tag or
 * region holds ${AWS::AccountId}; the partition comes from the region
 * and assumeRoleArn is left out (NULL). */
int ecra_pub_resolve_dest(
    ecra_pub_worker *w, ecra_pub_entry *e, ecra_pub_dest *d);
void ecra_pub_dest_dispose(ecra_pub_dest *d);
/* The partition of a region: "aws-cn" for cn-*, "aws-us-gov" for
 * us-gov-*, the ISO partitions, else "aws". */
const char *ecra_pub_partition_of_region(const char *region);

/* Emit an event for entry e (NULL for run-wide ones). */
void ecra_pub_emit(ecra_pub_run *run, const ecra_pub_entry *e,
    ecra_publish_event_type type, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The same with the event's image_uri and digest fields (each may be
 * NULL). */
void ecra_pub_emit_image(ecra_pub_run *run, const ecra_pub_entry *e,
    ecra_publish_event_type type, const char *image_uri, const char *digest,
    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

extern const ecra_pub_backend ecra_pub_backend_registry;
extern const ecra_pub_backend ecra_pub_backend_ecr;

#endif /* SRC_PUBLISH_RUN_H */
