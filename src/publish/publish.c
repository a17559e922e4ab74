/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * publish/publish.c - ecra_publish(): check, build once, tag, log in once,
 * push; and the plain-registry back end (`--registry`).
 *
 * Per entry (one asset x one destination), as cdk-assets does:
 *   start; replace placeholders; locate the repository; check the tag;
 *   found -> success without any docker call; otherwise log in (once per
 *   registry domain), build or reuse the local image (once per asset per
 *   run, serialised across workers), tag, push, success.
 * With `parallel` > 1 several workers take entries from a shared cursor;
 * builds are still one at a time, checks and pushes overlap.
 */
#include "publish/run.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/error.h"
#include "publish/retry.h"
#include "registry/engine.h"
#include "registry/registry.h"
#include "util/buf.h"

#define MAX_PARALLEL 64

/* Build state of one asset (shared by its destinations). */
struct pub_asset_state {
	bool done;
	int error;
	char *message; /* the failure, replayed for other destinations */
	char *image;   /* what to `docker tag` from */
};

static const char *const type_names[] = { "start", "check", "found", "cached",
	"build", "upload", "success", "fail", "debug", "shell_open", "retry",
	"transfer" };

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The engine event an ECRA_EVENT_TRANSFER carries (set around the
 * emit by the thread that emits it). */
static _Thread_local const ecra_xfer_event *ecra_pub_transfer_event;

/* The share of an entry's work done when it reaches a step. */
static double step_weight(ecra_publish_event_type type)
{
	switch (type) {
	case ECRA_EVENT_BUILD:
		return 0.05;
	case ECRA_EVENT_CACHED:
		return 0.3;
	case ECRA_EVENT_UPLOAD:
		return 0.5;
	case ECRA_EVENT_FOUND:
	case ECRA_EVENT_SUCCESS:
	case ECRA_EVENT_FAIL:
		return 1.0;
	default:
		return 0.0;
	}
}

/* The events' `progress` (called under run->lock): completed entries
 * count 1, those in flight the weight of their step. */
static unsigned int progress(
    ecra_pub_run *run, const ecra_pub_entry *e, ecra_publish_event_type type)
{
	double sum = 0, w = step_weight(type);
	size_t i, n = run->m->entry_count;

	if (run->sum.entries == 0)
		return 100;
	if (run->step_done == NULL)
		return (unsigned int)(100 * run->completed / run->sum.entries);
	if (e != NULL) {
		i = (size_t)(e - run->m->entries);
		if (i < n && w > run->step_done[i])
			run->step_done[i] = w;
	}
	for (i = 0; i < n; i++)
		sum += run->step_done[i];
	if (sum > (double)run->sum.entries)
		sum = (double)run->sum.entries;
	return (unsigned int)(100.0 * sum / (double)run->sum.entries);
}

static void emit(ecra_pub_run *run, const ecra_pub_entry *e,
    ecra_publish_event_type type, const char *image_uri, const char *digest,
    const char *fmt, va_list ap)
{
	ecra_publish_event ev;
	ecra_buf msg = ECRA_BUF_INIT(64 * 1024);

	if (run->o->on_event == NULL)
		return;
	(void)ecra_buf_vprintf(&msg, fmt, ap);
	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.type_name = type_names[type];
	ev.level = type == ECRA_EVENT_START || type == ECRA_EVENT_SUCCESS ||
	                   type == ECRA_EVENT_RETRY
	               ? "info"
	           : type == ECRA_EVENT_FAIL ? "error"
	                                     : "verbose";
	ev.message = msg.ptr ? msg.ptr : "";
	ev.asset_id = e ? e->asset->id : NULL;
	ev.destination_id = e ? e->dest_id : NULL;
	ev.image_uri = image_uri;
	ev.digest = digest;
	ev.transfer =
	    type == ECRA_EVENT_TRANSFER ? ecra_pub_transfer_event : NULL;
	pthread_mutex_lock(&run->event_lock);
	pthread_mutex_lock(&run->lock);
	ev.percent =
	    run->sum.entries == 0
	        ? 100
	        : (unsigned int)(100 * run->completed / run->sum.entries);
	ev.progress = progress(run, e, type);
	pthread_mutex_unlock(&run->lock);
	run->o->on_event(&ev, run->o->payload);
	pthread_mutex_unlock(&run->event_lock);
	ecra_buf_dispose(&msg);
}

void ecra_pub_emit(ecra_pub_run *run, const ecra_pub_entry *e,
    ecra_publish_event_type type, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(run, e, type, NULL, NULL, fmt, ap);
	va_end(ap);
}

void ecra_pub_emit_image(ecra_pub_run *run, const ecra_pub_entry *e,
    ecra_publish_event_type type, const char *image_uri, const char *digest,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(run, e, type, image_uri, digest, fmt, ap);
	va_end(ap);
}

static void on_line(int stream, const char *line, size_t len, void *payload)
{
	ecra_pub_run *run = payload;

	if (run->o->on_output == NULL)
		return;
	pthread_mutex_lock(&run->event_lock);
	/* docker's legacy-builder banner precedes every build: shown once
	 * per run (the lines of the first one, until other output). */
	if (ecra_docker_banner_line(line, len)) {
		if (run->banner_done) {
			pthread_mutex_unlock(&run->event_lock);
			return;
		}
		run->banner_shown = true;
	} else if (run->banner_shown) {
		run->banner_done = true;
	}
	run->o->on_output(stream, line, len, run->o->payload);
	pthread_mutex_unlock(&run->event_lock);
}

static void on_open(const char *display, void *payload)
{
	ecra_pub_emit(payload, NULL, ECRA_EVENT_SHELL_OPEN, "%s", display);
}

static bool cancelled(const ecra_pub_run *run)
{
	return run->o->cancel != NULL && *run->o->cancel != 0;
}

static int check_cancel(const ecra_pub_run *run)
{
	if (cancelled(run))
		return ecra_error_set(ECRA_EUSER, "publishing was cancelled");
	return 0;
}

/* An entry that failed after a cancellation is reported as interrupted:
 * "interrupted by SIGINT: <what was going on>" (the cancel flag holds
 * the signal number when the CLI sets it). */
static int interrupted(const ecra_pub_run *run, int error)
{
	int sig = *run->o->cancel;
	const char *name = sig == SIGINT    ? "SIGINT"
	                   : sig == SIGTERM ? "SIGTERM"
	                                    : NULL;
	char msg[ECRA_ERROR_MESSAGE_MAX];

	if (name == NULL)
		return error; /* a caller's own flag: messages as they are */
	/* a copy: the message is the buffer ecra_error_set() writes */
	snprintf(msg, sizeof(msg), "%s", ecra_error_last()->message);
	return ecra_error_set(error, "interrupted by %s: %s", name,
	    strcmp(msg, "publishing was cancelled") == 0 ? "not published"
	                                                 : msg);
}

/* ---------------------------------------------------------------------- */
/* Placeholders                                                            */

static bool has_placeholder(const char *s, const char *name)
{
	return s != NULL && strstr(s, name) != NULL;
}

static bool needs(const ecra_pub_entry *e, const char *name)
{
	return has_placeholder(e->repository_name, name) ||
	       has_placeholder(e->image_tag, name) ||
	       has_placeholder(e->region, name) ||
	       has_placeholder(e->assume_role_arn, name) ||
	       has_placeholder(e->assume_role_external_id, name);
}

static int replace(char **out, const char *s, const char *account,
    const char *region, const char *partition)
{
	static const char *const names[] = { "${AWS::AccountId}",
		"${AWS::Region}", "${AWS::Partition}" };
	const char *vals[3] = { account, region, partition };
	ecra_buf b = ECRA_BUF_INIT(0);
	int error = 0, k;

	*out = NULL;
	if (s == NULL)
		return 0;
	while (*s && error == 0) {
		for (k = 0; k < 3; k++)
			if (vals[k] != NULL &&
			    strncmp(s, names[k], strlen(names[k])) == 0)
				break;
		if (k < 3) {
			error = ecra_buf_puts(&b, vals[k]);
			s += strlen(names[k]);
		} else {
			error = ecra_buf_putc(&b, *s++);
		}
	}
	if (error == 0 && (*out = ecra_buf_detach(&b)) == NULL)
		error = ECRA_ENOMEM;
	ecra_buf_dispose(&b);
	return error;
}

void ecra_pub_dest_dispose(ecra_pub_dest *d)
{
	ecra_free(d->repository_name);
	ecra_free(d->image_tag);
	ecra_free(d->region);
	ecra_free(d->assume_role_arn);
	ecra_free(d->assume_role_external_id);
	memset(d, 0, sizeof(*d));
}

static int identity(ecra_pub_worker *w)
{
	ecra_pub_run *run = w->run;
	int error;

	pthread_mutex_lock(&run->lock);
	if (!run->identity_done) {
		run->identity_done = true;
		if (run->backend->identity == NULL)
			run->identity_error = ecra_error_set(ECRA_EINVALID,
			    "the destination needs '${AWS::AccountId}' but no "
			    "account is known (pass --account)");
		else
			run->identity_error = run->backend->identity(
			    w, &run->account, &run->partition);
		if (run->identity_error < 0)
			run->identity_message =
			    ecra_strdup(ecra_error_last()->message);
	}
	error = run->identity_error;
	if (error < 0)
		ecra_error_set(error, "%s",
		    run->identity_message ? run->identity_message
		                          : "cannot determine the account");
	pthread_mutex_unlock(&run->lock);
	return error;
}

const char *ecra_pub_partition_of_region(const char *region)
{
	static const struct {
		const char *prefix, *partition;
	} map[] = { { "cn-", "aws-cn" }, { "us-gov-", "aws-us-gov" },
		{ "us-isob-", "aws-iso-b" }, { "us-isof-", "aws-iso-f" },
		{ "us-iso-", "aws-iso" }, { "eu-isoe-", "aws-iso-e" } };
	size_t i;

	for (i = 0; region != NULL && i < sizeof(map) / sizeof(map[0]); i++)
		if (strncmp(region, map[i].prefix, strlen(map[i].prefix)) == 0)
			return map[i].partition;
	return "aws";
}

int ecra_pub_resolve_dest(
    ecra_pub_worker *w, ecra_pub_entry *e, ecra_pub_dest *d)
{
	ecra_pub_run *run = w->run;
	const char *region = e->region;
	const char *account = NULL, *partition = "aws";
	/* Registry mode publishes to repository:tag only: assumeRoleArn
	 * (and its external id) is not used, so it is not resolved. */
	bool registry_mode = run->o->registry != NULL;
	bool need_identity;
	int error;

	memset(d, 0, sizeof(*d));
	d->entry = e;
	if (region == NULL || has_placeholder(region, "${")) {
		region = run->backend->default_region != NULL
		             ? run->backend->default_region(run)
		             : NULL;
		if (region == NULL && run->o->aws.region != NULL &&
		    run->o->aws.region[0])
			region = run->o->aws.region;
		if (region == NULL)
			region = "us-east-1";
	}
	if (registry_mode) {
		/* The partition follows from the region; only an account
		 * placeholder in the repository name or tag needs one. */
		partition = ecra_pub_partition_of_region(region);
		need_identity =
		    has_placeholder(e->repository_name, "${AWS::AccountId}") ||
		    has_placeholder(e->image_tag, "${AWS::AccountId}") ||
		    has_placeholder(e->region, "${AWS::AccountId}");
	} else {
		/* ECR mode, as cdk-assets: the caller identity gives the
		 * account and the partition. */
		need_identity = needs(e, "${AWS::AccountId}") ||
		                needs(e, "${AWS::Partition}");
	}
	if (need_identity) {
		if ((error = identity(w)) < 0)
			return error;
		account = run->account;
		if (run->partition != NULL)
			partition = run->partition;
	}
	if ((error = replace(&d->repository_name, e->repository_name, account,
	         region, partition)) < 0 ||
	    (error = replace(&d->image_tag, e->image_tag, account, region,
	         partition)) < 0 ||
	    (error = replace(
	         &d->region, e->region, account, region, partition)) < 0)
		return error;
	/* again with the placeholders' values (an --account is text) */
	if ((error = ecra_registry_check_repository(d->repository_name)) < 0 ||
	    (error = ecra_registry_check_tag(d->image_tag)) < 0)
		return ecra_error_wrap(
		    "destination '%s:%s'", e->asset->id, e->dest_id);
	if (registry_mode)
		return 0;
	if ((error = replace(&d->assume_role_arn, e->assume_role_arn, account,
	         region, partition)) < 0 ||
	    (error = replace(&d->assume_role_external_id,
	         e->assume_role_external_id, account, region, partition)) < 0)
		return error;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* One entry                                                               */

static char *display_name(const ecra_pub_entry *e)
{
	ecra_buf b = ECRA_BUF_INIT(0);

	if (e->asset->display_name != NULL)
		(void)ecra_buf_printf(
		    &b, "%s (%s)", e->asset->display_name, e->dest_id);
	else
		(void)ecra_buf_printf(&b, "%s:%s", e->asset->id, e->dest_id);
	return ecra_buf_detach(&b);
}

/* Log in to the registry of repo_uri unless this run already did. */
static int login_once(
    ecra_pub_worker *w, const ecra_pub_dest *d, const char *repo_uri)
{
	ecra_pub_run *run = w->run;
	const char *slash = strchr(repo_uri, '/');
	size_t dlen = slash ? (size_t)(slash - repo_uri) : strlen(repo_uri);
	ecra_pub_login cred = { NULL, NULL, NULL };
	size_t i;
	int error = 0;

	/* One login per domain; the lock also keeps concurrent logins from
	 * racing on the config file. */
	pthread_mutex_lock(&run->build_lock);
	for (i = 0; i < run->logged_in.count; i++)
		if (strlen(run->logged_in.items[i]) == dlen &&
		    strncmp(run->logged_in.items[i], repo_uri, dlen) == 0)
			goto done;
	if ((error = run->backend->credentials(w, d, repo_uri, &cred)) < 0)
		goto done;
	if (cred.username != NULL) {
		ecra_pub_emit(run, d->entry, ECRA_EVENT_DEBUG,
		    "Logging in to %s", cred.endpoint);
		if ((error = ecra_docker_login(&run->docker, cred.username,
		         cred.password, cred.endpoint)) < 0)
			goto done;
	}
	error = ecra_strvec_pushn(&run->logged_in, repo_uri, dlen);
done:
	pthread_mutex_unlock(&run->build_lock);
	if (cred.password != NULL)
		memset(cred.password, 0, strlen(cred.password));
	ecra_free(cred.username);
	ecra_free(cred.password);
	ecra_free(cred.endpoint);
	return error;
}

static char *join_commas(const char *const *argv)
{
	ecra_buf b = ECRA_BUF_INIT(0);
	size_t i;

	for (i = 0; argv[i] != NULL; i++)
		if (ecra_buf_printf(&b, "%s%s", i ? "," : "", argv[i]) < 0)
			break;
	return ecra_buf_detach(&b);
}

/* The docker config of builds under the CDK docker credentials file, made
 * at the first build of the run (called under build_lock). */
static int creds_config(ecra_pub_run *run, const ecra_pub_entry *e)
{
	const ecra_publish_options *o = run->o;
	size_t n = ecra_docker_creds_count(run->creds), i;
	const char **domains = NULL;
	ecra_buf list = ECRA_BUF_INIT(0);
	int error = 0;

	if (run->creds_config_dir != NULL)
		return 0;
	if (n > 0 && (domains = ecra_calloc(n, sizeof(*domains))) == NULL)
		return ECRA_ENOMEM;
	for (i = 0; i < n; i++) {
		domains[i] = ecra_docker_creds_domain(run->creds, i);
		(void)ecra_buf_printf(&list, "%s%s", i ? ", " : "", domains[i]);
	}
	if ((error = ecra_docker_config_create_helpers(&run->creds_config_dir,
	         o->tmpdir, o->docker_config, domains, n, "cdk-assets")) < 0) {
		error = ecra_error_wrap("CDK docker credentials");
		goto done;
	}
	run->build_docker = run->docker;
	run->build_docker.config_arg = run->creds_config_dir;
	ecra_pub_emit(run, e, ECRA_EVENT_DEBUG,
	    "Builds use the docker config %s: credential helper cdk-assets "
	    "for %s",
	    run->creds_config_dir, list.ptr ? list.ptr : "no domain");
done:
	ecra_free(domains);
	ecra_buf_dispose(&list);
	return error;
}

/* The driver for build-phase commands (inspect, build, tag). */
static const ecra_docker *build_docker(const ecra_pub_run *run)
{
	return run->creds_config_dir != NULL ? &run->build_docker
	                                     : &run->docker;
}

static const char *tarball_of(const ecra_pub_asset *a);

/* A TarballImageAsset's `docker load` failed: say that the daemonless
 * push needs no daemon (it is not chosen behind the user's back: it
 * talks to the registry itself, with other credentials and proxies). */
static int tarball_hint(int error)
{
	char msg[ECRA_ERROR_MESSAGE_MAX];

	snprintf(msg, sizeof(msg), "%s", ecra_error_last()->message);
	return ecra_error_set(error,
	    "%s (a TarballImageAsset: --daemonless-tarballs pushes it "
	    "without a docker daemon)",
	    msg);
}

/* Produce the local image of e's asset, at most once per run. */
static int build_once(ecra_pub_worker *w, ecra_pub_entry *e, const char **image)
{
	ecra_pub_run *run = w->run;
	ecra_pub_asset *a = e->asset;
	struct pub_asset_state *st = NULL;
	size_t i;
	double t0;
	bool exists = false;
	int error = 0;

	for (i = 0; i < run->m->asset_count; i++)
		if (run->m->assets[i] == a)
			st = &run->states[i];
	pthread_mutex_lock(&run->build_lock);
	if (st->done) {
		error = st->error;
		if (error < 0)
			ecra_error_set(error, "%s",
			    st->message ? st->message : "the build failed");
		goto done;
	}
	t0 = now();
	if (run->creds != NULL && (error = creds_config(run, e)) < 0)
		goto record;
	if (a->executable != NULL) {
		char *cmd = join_commas(a->executable);

		ecra_pub_emit(run, e, ECRA_EVENT_BUILD,
		    "Building Docker image using command '%s'", cmd ? cmd : "");
		ecra_free(cmd);
		error = ecra_docker_run_executable(
		    &st->image, &run->docker, a->executable, a->file->dir);
		if (error < 0 && tarball_of(a) != NULL)
			error = tarball_hint(error);
		pthread_mutex_lock(&run->lock);
		run->sum.builds += error == 0; /* images built */
		pthread_mutex_unlock(&run->lock);
	} else {
		if ((error = ecra_docker_inspect(
		         build_docker(run), a->local_tag, &exists)) < 0)
			goto record;
		if (exists) {
			ecra_pub_emit(run, e, ECRA_EVENT_CACHED, "Cached %s",
			    a->local_tag);
			pthread_mutex_lock(&run->lock);
			run->sum.cached++;
			pthread_mutex_unlock(&run->lock);
		} else {
			ecra_pub_emit(run, e, ECRA_EVENT_BUILD,
			    "Building Docker image at %s", a->directory);
			error = ecra_docker_build(build_docker(run),
			    a->directory, &a->build, a->attestations);
			pthread_mutex_lock(&run->lock);
			run->sum.builds += error == 0; /* images built */
			pthread_mutex_unlock(&run->lock);
		}
		if (error == 0 &&
		    (st->image = ecra_strdup(a->local_tag)) == NULL)
			error = ECRA_ENOMEM;
	}
	pthread_mutex_lock(&run->lock);
	run->sum.build_seconds += now() - t0;
	pthread_mutex_unlock(&run->lock);
record:
	st->done = true;
	st->error = error;
	if (error < 0)
		st->message = ecra_strdup(ecra_error_last()->message);
done:
	*image = st->image;
	pthread_mutex_unlock(&run->build_lock);
	return error;
}

/* The tarball of a TarballImageAsset executable, as aws-cdk-lib writes
 * it: ["sh", "-c", "<docker> load -i \"$1\" | ...",
 * "cdk-tarball-image-asset", "<file>.tar"]; NULL for anything else. */
static const char *tarball_of(const ecra_pub_asset *a)
{
	const char *const *x = a->executable;

	if (x == NULL || x[0] == NULL || x[1] == NULL || x[2] == NULL ||
	    x[3] == NULL || x[4] == NULL || x[5] != NULL)
		return NULL;
	if (strcmp(x[0], "sh") != 0 || strcmp(x[1], "-c") != 0 ||
	    strstr(x[2], " load -i ") == NULL ||
	    strcmp(x[3], "cdk-tarball-image-asset") != 0)
		return NULL;
	return x[4];
}

/* ---------------------------------------------------------------------- */
/* Pushes with bounded retries                                             */

/* One push attempt; *transient says whether a failure is worth another. */
typedef int (*push_fn)(ecra_pub_worker *w, void *ctx, bool *transient);

/* Sleep ms, in short steps so that cancellation is noticed; false if
 * cancelled. */
static bool backoff_sleep(const ecra_pub_run *run, unsigned int ms)
{
	struct timespec ts;
	unsigned int step;

	while (ms > 0) {
		if (cancelled(run))
			return false;
		step = ms < 100 ? ms : 100;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)step * 1000000L;
		while (nanosleep(&ts, &ts) != 0)
			;
		ms -= step;
	}
	return !cancelled(run);
}

/* Run push up to push_attempts times while it fails transiently, with
 * an ECRA_EVENT_RETRY event before each retry. */
static int push_with_retries(ecra_pub_worker *w, const ecra_pub_entry *e,
    const char *image_uri, push_fn push, void *ctx)
{
	ecra_pub_run *run = w->run;
	const ecra_publish_options *o = run->o;
	unsigned int attempts = o->version >= 3 && o->push_attempts
	                            ? o->push_attempts
	                            : ECRA_PUB_PUSH_ATTEMPTS;
	unsigned int base = o->version >= 3 && o->push_retry_delay_ms
	                        ? o->push_retry_delay_ms
	                        : ECRA_PUB_RETRY_DELAY_MS;
	unsigned int attempt, delay;
	bool transient;
	int error;

	for (attempt = 1;; attempt++) {
		transient = false;
		error = push(w, ctx, &transient);
		if (error == 0 || !transient || attempt >= attempts ||
		    cancelled(run))
			break;
		delay = ecra_pub_retry_delay_ms(base, attempt + 1);
		if (delay % 1000 == 0)
			ecra_pub_emit_image(run, e, ECRA_EVENT_RETRY, image_uri,
			    NULL,
			    "retrying push of %s in %us (attempt %u/%u): %s",
			    image_uri, delay / 1000, attempt + 1, attempts,
			    ecra_error_last()->message);
		else
			ecra_pub_emit_image(run, e, ECRA_EVENT_RETRY, image_uri,
			    NULL,
			    "retrying push of %s in %.1fs (attempt %u/%u): %s",
			    image_uri, delay / 1000.0, attempt + 1, attempts,
			    ecra_error_last()->message);
		if (!backoff_sleep(run, delay))
			return check_cancel(run);
	}
	if (error < 0 && attempt > 1)
		error =
		    ecra_error_wrap("push failed after %u attempts", attempt);
	return error;
}

/* How a blob got there, in transfer messages. */
static const char *outcome_name(ecra_xfer_outcome outcome)
{
	return outcome == ECRA_XFER_UPLOADED  ? "uploaded"
	       : outcome == ECRA_XFER_MOUNTED ? "mounted"
	                                      : "skipped";
}

/* A layer docker push reported, for its transfer events. */
typedef struct {
	char id[72];
	uint64_t done, total;
	double t0;
} docker_layer;

#define MAX_DOCKER_LAYERS 128

typedef struct {
	const char *image_uri;
	ecra_pub_run *run;
	char digest[80]; /* "sha256:<64 hex>" from docker push's last line */
	const ecra_pub_entry *entry;
	docker_layer layers[MAX_DOCKER_LAYERS];
	size_t layer_count;
} docker_push_ctx;

/* docker push's layer progress (read from its terminal output) as
 * ECRA_EVENT_TRANSFER events, like a daemonless push's: the layer's
 * short id as `name`, no digest (docker does not print it). */
static void push_progress(const char *layer, ecra_docker_layer_state state,
    uint64_t done, uint64_t total, void *payload)
{
	docker_push_ctx *c = payload;
	docker_layer *l = NULL, tmp;
	ecra_xfer_event xe;
	double t = now(), dt;
	size_t i;

	if (c->run->o->on_event == NULL)
		return;
	for (i = 0; i < c->layer_count; i++)
		if (strcmp(c->layers[i].id, layer) == 0)
			l = &c->layers[i];
	if (l == NULL) {
		l = c->layer_count < MAX_DOCKER_LAYERS
		        ? &c->layers[c->layer_count++]
		        : &tmp;
		memset(l, 0, sizeof(*l));
		snprintf(l->id, sizeof(l->id), "%s", layer);
		l->t0 = t;
	}
	memset(&xe, 0, sizeof(xe));
	xe.kind = "layer";
	xe.name = l->id;
	if (state == ECRA_DOCKER_LAYER_PUSHING) {
		if (total > 0)
			l->total = total;
		l->done = done;
		/* docker drops the total on its last progress line */
		if (l->total < l->done)
			l->total = l->done;
		xe.type = ECRA_XFER_BLOB_PROGRESS;
		xe.type_name = "blob-progress";
	} else {
		if (state == ECRA_DOCKER_LAYER_PUSHED)
			l->done = l->total;
		xe.type = ECRA_XFER_BLOB_DONE;
		xe.type_name = "blob-done";
		xe.outcome =
		    state == ECRA_DOCKER_LAYER_PUSHED    ? ECRA_XFER_UPLOADED
		    : state == ECRA_DOCKER_LAYER_MOUNTED ? ECRA_XFER_MOUNTED
		                                         : ECRA_XFER_SKIPPED;
	}
	xe.done = l->done;
	xe.total = l->total;
	dt = t - l->t0;
	xe.rate = dt > 0 ? (double)l->done / dt : 0;
	ecra_pub_transfer_event = &xe;
	ecra_pub_emit(c->run, c->entry, ECRA_EVENT_TRANSFER,
	    "%s layer %s %.1f/%.1f MB (%.1f MB/s)",
	    xe.type == ECRA_XFER_BLOB_DONE ? outcome_name(xe.outcome)
	                                   : xe.type_name,
	    l->id, (double)xe.done / 1e6, (double)xe.total / 1e6,
	    xe.rate / 1e6);
	ecra_pub_transfer_event = NULL;
}

/* docker push's output, forwarded; its "<tag>: digest: sha256:... size:
 * N" line gives the digest. */
static void push_line(int stream, const char *line, size_t len, void *payload)
{
	static const char key[] = "digest: sha256:";
	docker_push_ctx *c = payload;
	size_t i, k = sizeof(key) - 1, h;

	for (i = 0; i + k + 64 <= len; i++) {
		if (memcmp(line + i, key, k) != 0)
			continue;
		for (h = 0; h < 64; h++)
			if (!strchr("0123456789abcdef", line[i + k + h]) ||
			    line[i + k + h] == '\0')
				break;
		if (h == 64)
			snprintf(c->digest, sizeof(c->digest), "sha256:%.64s",
			    line + i + k);
		break;
	}
	on_line(stream, line, len, c->run);
}

/* The docker push command line (d.payload is the push's context). */
static void push_open(const char *display, void *payload)
{
	const docker_push_ctx *c = payload;

	on_open(display, c->run);
}

static int docker_push_once(ecra_pub_worker *w, void *ctx, bool *transient)
{
	docker_push_ctx *c = ctx;
	ecra_docker d = w->run->docker;
	int error;

	c->run = w->run;
	d.on_line = push_line;
	d.on_progress = push_progress;
	d.on_open = push_open;
	d.payload = c;
	c->layer_count = 0;
	error = ecra_docker_push(&d, c->image_uri);

	*transient = error == ECRA_EDOCKER &&
	             ecra_pub_docker_push_transient(ecra_error_last()->message);
	return error;
}

typedef struct {
	const ecra_registry_options *ro;
	const char *path, *repo, *tag;
	ecra_pub_run *run;
	const ecra_pub_entry *entry;
	char *digest;
} tarball_push_ctx;

/* The engine's byte counts as ECRA_EVENT_TRANSFER events. */
static void on_transfer(const ecra_xfer_event *xe, void *payload)
{
	const tarball_push_ctx *c = payload;
	const char *what = xe->digest ? xe->digest : xe->name;

	if (c->run->o->on_event == NULL)
		return;
	ecra_pub_transfer_event = xe;
	ecra_pub_emit(c->run, c->entry, ECRA_EVENT_TRANSFER,
	    "%s %s %s %.1f/%.1f MB (%.1f MB/s)",
	    xe->type == ECRA_XFER_BLOB_DONE || xe->type == ECRA_XFER_MANIFEST
	        ? outcome_name(xe->outcome)
	        : xe->type_name,
	    xe->kind, what ? what : "", (double)xe->done / 1e6,
	    (double)xe->total / 1e6, xe->rate / 1e6);
	ecra_pub_transfer_event = NULL;
}

/* A retry starts over: blobs that arrived are found by HEAD and skipped
 * (the engine HEADs each one first), the layer cache spares the
 * compression. */
static int tarball_push_once(ecra_pub_worker *w, void *ctx, bool *transient)
{
	tarball_push_ctx *c = ctx;
	ecra_xfer_options xo;
	ecra_xfer_summary sum;
	int error;

	memset(&xo, 0, sizeof(xo));
	xo.version = ECRA_XFER_OPTIONS_VERSION;
	xo.parallel = w->run->o->parallel > 1 ? w->run->o->parallel : 0;
	xo.tmpdir = w->run->o->tmpdir;
	xo.force = w->run->o->force;
	xo.cancel = w->run->o->cancel;
	xo.on_event = on_transfer;
	xo.payload = c;
	memset(&sum, 0, sizeof(sum));
	ecra_free(c->digest);
	c->digest = NULL;
	error = ecra_registry_push_archive(
	    c->ro, c->path, c->repo, c->tag, &xo, &sum);
	if (error == 0 && sum.digest[0] != '\0' &&
	    (c->digest = ecra_strdup(sum.digest)) == NULL)
		error = ECRA_ENOMEM;
	*transient = error < 0 && error != ECRA_EUSER &&
	             (error == ECRA_ENET || sum.transient);
	return error;
}

/* The transport settings of a registry client for `host`: plain http
 * for loopback hosts and those the caller listed as insecure (or all,
 * with registry_http), https otherwise. */
static void registry_transport(
    ecra_registry_options *ro, const ecra_publish_options *o, const char *host)
{
	ro->plain_http = o->registry_http ||
	                 ecra_registry_host_is_loopback(host) ||
	                 (o->version >= 4 && ecra_registry_host_insecure(host,
	                                         o->insecure_registries,
	                                         o->insecure_registry_count));
	if (o->version >= 4) {
		ro->ca_file = o->ca_file;
		ro->https_proxy = o->https_proxy;
		ro->http_proxy = o->http_proxy;
		ro->no_proxy = o->no_proxy;
	}
}

/* Push a tarball asset over the registry API (no docker at all). */
static int push_tarball(ecra_pub_worker *w, const ecra_pub_dest *d,
    const char *repo_uri, const char *image_uri, const char *tarball,
    char **digest)
{
	ecra_pub_run *run = w->run;
	const ecra_publish_options *o = run->o;
	const char *slash = strchr(repo_uri, '/');
	ecra_pub_login cred = { NULL, NULL, NULL };
	ecra_registry_options ro;
	ecra_registry *r = NULL;
	ecra_buf path = ECRA_BUF_INIT(0);
	char *host = NULL;
	double t0 = now();
	int error;

	if (slash == NULL)
		return ecra_error_set(ECRA_EINVALID,
		    "repository URI '%s' has no registry host", repo_uri);
	if ((host = ecra_strndup(repo_uri, (size_t)(slash - repo_uri))) ==
	    NULL) {
		error = ECRA_ENOMEM;
		goto done;
	}
	if (tarball[0] == '/')
		error = ecra_buf_puts(&path, tarball);
	else
		error = ecra_buf_printf(
		    &path, "%s/%s", d->entry->asset->file->dir, tarball);
	if (error < 0)
		goto done;
	ecra_pub_emit(run, d->entry, ECRA_EVENT_BUILD,
	    "Pushing tarball %s without docker", path.ptr);
	/* ECR: the GetAuthorizationToken credentials; registry mode: the
	 * options (or the user's docker config, read by the client). */
	if (o->registry == NULL &&
	    (error = run->backend->credentials(w, d, repo_uri, &cred)) < 0)
		goto done;
	memset(&ro, 0, sizeof(ro));
	ro.host = host;
	registry_transport(&ro, o, host);
	ro.username = cred.username != NULL ? cred.username : o->username;
	ro.password = cred.username != NULL ? cred.password : o->password;
	ro.docker_config = o->docker_config;
	ro.timeout_ms = o->command_timeout_ms;
	ro.cancel = o->cancel;
	if ((error = ecra_registry_new(&r, &ro)) < 0)
		goto done;
	ecra_pub_emit_image(run, d->entry, ECRA_EVENT_UPLOAD, image_uri, NULL,
	    "Push %s", image_uri);
	{
		tarball_push_ctx c = { &ro, path.ptr, slash + 1, d->image_tag,
			run, d->entry, NULL };

		error = push_with_retries(
		    w, d->entry, image_uri, tarball_push_once, &c);
		*digest = c.digest;
	}
	pthread_mutex_lock(&run->lock);
	run->sum.push_seconds += now() - t0;
	pthread_mutex_unlock(&run->lock);
done:
	ecra_registry_free(r);
	if (cred.password != NULL)
		memset(cred.password, 0, strlen(cred.password));
	ecra_free(cred.username);
	ecra_free(cred.password);
	ecra_free(cred.endpoint);
	ecra_free(host);
	ecra_buf_dispose(&path);
	return error;
}

/* The registry host of a repository URI ("host[:port]/name"). */
static size_t registry_host_len(const char *repo_uri)
{
	const char *slash = strchr(repo_uri, '/');

	return slash != NULL ? (size_t)(slash - repo_uri) : strlen(repo_uri);
}

/* A registry that did not answer at all (connection refused, no such
 * host, timeout): the run's other entries for it are not tried. */
static void mark_unreachable(ecra_pub_run *run, const char *repo_uri)
{
	pthread_mutex_lock(&run->lock);
	if (run->unreachable == NULL)
		run->unreachable =
		    ecra_strndup(repo_uri, registry_host_len(repo_uri));
	pthread_mutex_unlock(&run->lock);
}

static int unreachable_before(
    ecra_pub_run *run, const ecra_pub_entry *e, const char *repo_uri)
{
	size_t n = registry_host_len(repo_uri);
	bool same;

	(void)e;
	pthread_mutex_lock(&run->lock);
	same = run->unreachable != NULL && strlen(run->unreachable) == n &&
	       memcmp(run->unreachable, repo_uri, n) == 0;
	pthread_mutex_unlock(&run->lock);
	if (!same)
		return 0;
	return ecra_error_set(ECRA_ENET,
	    "not tried: registry %.*s did not answer for an earlier entry",
	    (int)n, repo_uri);
}

static int publish_entry(ecra_pub_worker *w, ecra_pub_entry *e)
{
	ecra_pub_run *run = w->run;
	ecra_pub_dest d;
	char *repo_uri = NULL, *name = NULL;
	ecra_buf image_uri = ECRA_BUF_INIT(0);
	const char *local = NULL;
	char *digest = NULL;
	bool exists = false, not_tried = false;
	double t0;
	int error;

	memset(&d, 0, sizeof(d));
	name = display_name(e);
	ecra_pub_emit(run, e, ECRA_EVENT_START, "Publishing %s",
	    name ? name : e->asset->id);
	if ((error = check_cancel(run)) < 0 ||
	    (error = ecra_pub_resolve_dest(w, e, &d)) < 0 ||
	    (error = run->backend->locate(w, &d, &repo_uri)) < 0 ||
	    (error = ecra_buf_printf(
	         &image_uri, "%s:%s", repo_uri, d.image_tag)) < 0)
		goto done;
	if ((error = unreachable_before(run, e, repo_uri)) < 0) {
		not_tried = true;
		goto done;
	}
	ecra_pub_emit_image(run, e, ECRA_EVENT_CHECK, image_uri.ptr, NULL,
	    "Check %s", image_uri.ptr);
	if ((error = run->backend->exists(w, &d, repo_uri, &exists)) < 0) {
		if (error == ECRA_ENET)
			mark_unreachable(run, repo_uri);
		goto done;
	}
	if (exists && !run->o->force) {
		ecra_pub_emit_image(run, e, ECRA_EVENT_FOUND, image_uri.ptr,
		    NULL, "Found %s", image_uri.ptr);
		pthread_mutex_lock(&run->lock);
		run->sum.skipped++;
		pthread_mutex_unlock(&run->lock);
		goto done;
	}
	if (run->o->dry_run) {
		ecra_pub_emit(run, e, ECRA_EVENT_DEBUG,
		    "Dry run: would %s and push %s",
		    e->asset->executable != NULL ? "run the executable"
		                                 : "build (unless cached)",
		    image_uri.ptr);
		pthread_mutex_lock(&run->lock);
		run->sum.published++;
		pthread_mutex_unlock(&run->lock);
		goto done;
	}
	if (run->o->daemonless_tarballs && tarball_of(e->asset) != NULL) {
		error = check_cancel(run);
		if (error == 0)
			error = push_tarball(w, &d, repo_uri, image_uri.ptr,
			    tarball_of(e->asset), &digest);
		if (error == 0) {
			pthread_mutex_lock(&run->lock);
			run->sum.published++;
			pthread_mutex_unlock(&run->lock);
		}
		goto done;
	}
	/* Under the CDK docker credentials file, cdk-assets builds (and
	 * tags) with its own docker config and logs in only to push. */
	if ((error = check_cancel(run)) < 0 ||
	    (run->creds == NULL && (error = login_once(w, &d, repo_uri)) < 0) ||
	    (error = check_cancel(run)) < 0 ||
	    (error = build_once(w, e, &local)) < 0 ||
	    (error = check_cancel(run)) < 0 ||
	    (error = ecra_docker_tag(build_docker(run), local, image_uri.ptr)) <
	        0 ||
	    (error = check_cancel(run)) < 0 ||
	    (run->creds != NULL && (error = login_once(w, &d, repo_uri)) < 0) ||
	    (error = check_cancel(run)) < 0)
		goto done;
	ecra_pub_emit_image(run, e, ECRA_EVENT_UPLOAD, image_uri.ptr, NULL,
	    "Push %s", image_uri.ptr);
	t0 = now();
	{
		docker_push_ctx *c = ecra_calloc(1, sizeof(*c));

		if (c == NULL) {
			error = ECRA_ENOMEM;
			goto done;
		}
		c->image_uri = image_uri.ptr;
		c->run = run;
		c->entry = e;
		error =
		    push_with_retries(w, e, image_uri.ptr, docker_push_once, c);
		if (error == 0 && c->digest[0] != '\0')
			digest = ecra_strdup(c->digest);
		ecra_free(c);
	}
	pthread_mutex_lock(&run->lock);
	run->sum.push_seconds += now() - t0;
	if (error == 0)
		run->sum.published++;
	pthread_mutex_unlock(&run->lock);
done:
	if (error < 0 && cancelled(run))
		error = interrupted(run, error);
	pthread_mutex_lock(&run->lock);
	run->completed++;
	if (run->step_done != NULL)
		run->step_done[e - run->m->entries] = 1.0;
	if (not_tried) {
		run->sum.not_tried++;
	} else if (error < 0) {
		run->sum.failed++;
		if (run->first_failure == NULL) {
			run->first_failure =
			    ecra_strdup(ecra_error_last()->message);
			run->first_failure_code = error;
		}
	}
	pthread_mutex_unlock(&run->lock);
	if (not_tried)
		ecra_pub_emit_image(run, e, ECRA_EVENT_DEBUG, image_uri.ptr,
		    NULL, "Not tried: %s", ecra_error_last()->message);
	else if (error < 0)
		ecra_pub_emit_image(run, e, ECRA_EVENT_FAIL, image_uri.ptr,
		    NULL, "%s", ecra_error_last()->message);
	else
		ecra_pub_emit_image(run, e, ECRA_EVENT_SUCCESS, image_uri.ptr,
		    digest, "%s %s",
		    run->o->dry_run && !exists ? "Would publish" : "Published",
		    name ? name : e->asset->id);
	ecra_free(digest);
	ecra_pub_dest_dispose(&d);
	ecra_free(repo_uri);
	ecra_free(name);
	ecra_buf_dispose(&image_uri);
	return error;
}

static void *worker_main(void *arg)
{
	ecra_pub_worker *w = arg;
	ecra_pub_run *run = w->run;
	size_t i;

	for (;;) {
		pthread_mutex_lock(&run->lock);
		i = run->next++;
		pthread_mutex_unlock(&run->lock);
		if (i >= ecra_manifest_count(run->m))
			break;
		(void)publish_entry(w, ecra_manifest_entry_at(run->m, i));
	}
	return NULL;
}

/* ---------------------------------------------------------------------- */
/* Plain registry back end                                                 */

static int reg_worker_init(ecra_pub_worker *w)
{
	const ecra_publish_options *o = w->run->o;
	ecra_registry_options ro;
	ecra_registry *r = NULL;
	int error;

	memset(&ro, 0, sizeof(ro));
	ro.host = o->registry;
	registry_transport(&ro, o, o->registry);
	ro.username = o->username;
	ro.password = o->password;
	ro.docker_config = o->docker_config;
	ro.cancel = o->cancel;
	if ((error = ecra_registry_new(&r, &ro)) < 0)
		return error;
	w->backend = r;
	return 0;
}

static void reg_worker_dispose(ecra_pub_worker *w)
{
	ecra_registry_free(w->backend);
	w->backend = NULL;
}

static int reg_identity(ecra_pub_worker *w, char **account, char **partition)
{
	const ecra_publish_options *o = w->run->o;

	*partition = NULL;
	if (o->account == NULL || o->account[0] == '\0')
		return ecra_error_set(ECRA_EINVALID,
		    "the destination needs '${AWS::AccountId}' but registry "
		    "mode knows no account (pass --account)");
	if ((*account = ecra_strdup(o->account)) == NULL)
		return ECRA_ENOMEM;
	return 0;
}

static int reg_locate(ecra_pub_worker *w, const ecra_pub_dest *d, char **uri)
{
	ecra_buf b = ECRA_BUF_INIT(0);
	int error;

	if ((error = ecra_buf_printf(
	         &b, "%s/%s", w->run->o->registry, d->repository_name)) < 0) {
		ecra_buf_dispose(&b);
		return error;
	}
	if ((*uri = ecra_buf_detach(&b)) == NULL)
		return ECRA_ENOMEM;
	return 0;
}

static int reg_exists(ecra_pub_worker *w, const ecra_pub_dest *d,
    const char *repo_uri, bool *exists)
{
	(void)repo_uri;
	return ecra_registry_manifest_exists(
	    w->backend, d->repository_name, d->image_tag, exists, NULL);
}

static int reg_credentials(ecra_pub_worker *w, const ecra_pub_dest *d,
    const char *repo_uri, ecra_pub_login *out)
{
	const ecra_publish_options *o = w->run->o;

	(void)d;
	(void)repo_uri;
	if (o->username == NULL || o->password == NULL)
		return 0; /* the private config carries the user's auths */
	if ((out->username = ecra_strdup(o->username)) == NULL ||
	    (out->password = ecra_strdup(o->password)) == NULL ||
	    (out->endpoint = ecra_strdup(o->registry)) == NULL)
		return ECRA_ENOMEM;
	return 0;
}

const ecra_pub_backend ecra_pub_backend_registry = {
	.worker_init = reg_worker_init,
	.worker_dispose = reg_worker_dispose,
	.identity = reg_identity,
	.locate = reg_locate,
	.exists = reg_exists,
	.credentials = reg_credentials,
};

/* ---------------------------------------------------------------------- */
/* The run                                                                 */

/* Version-2 options: the helper directory on PATH, the credentials file. */
static int load_creds(ecra_pub_run *run)
{
	const ecra_publish_options *o = run->o;
	const char *path = NULL;
	ecra_buf b = ECRA_BUF_INIT(0);
	size_t i;
	int error;

	if (o->credential_helper_dir != NULL && o->credential_helper_dir[0]) {
		for (i = 0; o->env != NULL && o->env[i] != NULL; i++)
			if (strncmp(o->env[i], "PATH=", 5) == 0)
				path = o->env[i] + 5;
		/* no PATH: execvp's default */
		if ((error = ecra_buf_printf(&b, "%s:%s",
		         o->credential_helper_dir,
		         path != NULL ? path : "/bin:/usr/bin")) < 0)
			goto done;
		if ((run->path_env = ecra_buf_detach(&b)) == NULL) {
			error = ECRA_ENOMEM;
			goto done;
		}
	}
	if (o->docker_creds_file == NULL || o->docker_creds_file[0] == '\0')
		return 0;
	error = ecra_docker_creds_load(&run->creds, o->docker_creds_file);
	if (error == ECRA_ENOMEM)
		goto done;
	if (error == ECRA_ENOTFOUND) {
		/* the usual case: no file */
		error = 0;
		ecra_error_clear();
	} else if (error < 0) {
		/* cdk-assets silently ignores such a file; say why */
		ecra_pub_emit(run, NULL, ECRA_EVENT_DEBUG,
		    "Ignoring the CDK docker credentials file: %s",
		    ecra_error_last()->message);
		error = 0;
		ecra_error_clear();
	} else {
		ecra_pub_emit(run, NULL, ECRA_EVENT_DEBUG,
		    "Using CDK docker credentials from %s (%zu domain%s)",
		    o->docker_creds_file, ecra_docker_creds_count(run->creds),
		    ecra_docker_creds_count(run->creds) == 1 ? "" : "s");
	}
done:
	ecra_buf_dispose(&b);
	return error;
}

int ecra_publish_options_init(ecra_publish_options *opts, unsigned int version)
{
	ecra_publish_options defaults = ECRA_PUBLISH_OPTIONS_INIT;

	ECRA_ASSERT_ARG(opts);
	if (version == 0 || version > ECRA_PUBLISH_OPTIONS_VERSION)
		return ecra_error_set(ECRA_EINVALID,
		    "invalid version %u for 'ecra_publish_options'", version);
	*opts = defaults;
	return 0;
}

int ecra_publish(const ecra_manifest *m, const ecra_publish_options *opts,
    ecra_publish_summary *summary)
{
	static const ecra_publish_options defaults = ECRA_PUBLISH_OPTIONS_INIT;
	ecra_pub_run run;
	ecra_pub_worker workers[MAX_PARALLEL];
	pthread_t threads[MAX_PARALLEL];
	bool started[MAX_PARALLEL];
	size_t nworkers, i, n;
	double t0 = now();
	bool locks = false, run_inited = false;
	int error = 0;

	ECRA_ASSERT_ARG(m);
	ECRA_CHECK_VERSION(
	    opts, ECRA_PUBLISH_OPTIONS_VERSION, ecra_publish_options);
	if (opts == NULL)
		opts = &defaults;
	if (opts->version < 4)
		return ecra_error_set(ECRA_EINVALID,
		    "ecra_publish_options version %u has the layout before "
		    "version 4 (flat aws_* fields); rebuild against this "
		    "library's headers",
		    opts->version);
	if ((opts->username == NULL) != (opts->password == NULL))
		return ecra_error_set(ECRA_EINVALID,
		    "a registry username needs a password and vice versa");
	if (opts->registry != NULL &&
	    (error = ecra_registry_host_check(opts->registry)) < 0)
		return error;
	for (i = 0; opts->version >= 4 && i < opts->insecure_registry_count;
	     i++)
		if ((error = ecra_registry_host_check(
		         opts->insecure_registries[i])) < 0)
			return error;

	memset(&run, 0, sizeof(run));
	memset(workers, 0, sizeof(workers));
	memset(started, 0, sizeof(started));
	run.m = m;
	run.o = opts;
	run.backend = opts->registry != NULL ? &ecra_pub_backend_registry
	                                     : &ecra_pub_backend_ecr;
	n = ecra_manifest_count(m);
	run.sum.entries = n;
	if (pthread_mutex_init(&run.lock, NULL) != 0 ||
	    pthread_mutex_init(&run.build_lock, NULL) != 0 ||
	    pthread_mutex_init(&run.event_lock, NULL) != 0)
		return ecra_error_set(ECRA_ERROR, "cannot create a mutex");
	locks = true;
	/* progress bookkeeping only: without it, progress = percent */
	if (m->entry_count > 0)
		run.step_done = ecra_calloc(m->entry_count, sizeof(double));
	if (m->asset_count > 0 &&
	    (run.states = ecra_calloc(
	         m->asset_count, sizeof(struct pub_asset_state))) == NULL) {
		error = ECRA_ENOMEM;
		goto done;
	}
	if (n > 0 && !opts->dry_run) {
		size_t stale = 0;

		/* What runs killed by SIGKILL left behind (their configs may
		 * hold a registry password). */
		if ((error = ecra_docker_config_sweep(opts->tmpdir, &stale)) <
		    0)
			goto done;
		if (stale > 0)
			ecra_pub_emit(&run, NULL, ECRA_EVENT_DEBUG,
			    "Removed %zu private docker config%s left in the "
			    "temp dir by killed runs",
			    stale, stale == 1 ? "" : "s");
		if ((error = ecra_docker_config_create(&run.config_dir,
		         opts->tmpdir, opts->docker_config)) < 0)
			goto done;
	}
	if (opts->version >= 2 && (error = load_creds(&run)) < 0)
		goto done;
	run.docker.program = opts->docker;
	run.docker.env_base = opts->env;
	run.docker.path = run.path_env;
	run.docker.config_dir = run.config_dir;
	run.docker.timeout_ms = opts->command_timeout_ms;
	run.docker.cancel = opts->cancel;
	run.docker.on_line = on_line;
	run.docker.on_open = on_open;
	run.docker.payload = &run;
	if (n > 0 && (error = ecra_http_share_new(&run.http_share)) < 0)
		goto done;
	if (n > 0 && run.backend->run_init != NULL) {
		if ((error = run.backend->run_init(&run)) < 0)
			goto done;
		run_inited = true;
	}

	nworkers = opts->parallel > 1 ? opts->parallel : 1;
	if (nworkers > MAX_PARALLEL)
		nworkers = MAX_PARALLEL;
	if (nworkers > n)
		nworkers = n;
	for (i = 0; i < nworkers; i++) {
		workers[i].run = &run;
		if (run.backend->worker_init != NULL &&
		    (error = run.backend->worker_init(&workers[i])) < 0)
			goto done;
	}
	if (nworkers == 0) {
		/* nothing selected */
	} else if (nworkers == 1) {
		worker_main(&workers[0]);
	} else {
		for (i = 0; i < nworkers; i++)
			started[i] = pthread_create(&threads[i], NULL,
			                 worker_main, &workers[i]) == 0;
		/* If no thread could start, work on this one. */
		for (i = 0; i < nworkers && !started[i]; i++)
			;
		if (i == nworkers)
			worker_main(&workers[0]);
		for (i = 0; i < nworkers; i++)
			if (started[i])
				pthread_join(threads[i], NULL);
	}
	if (run.sum.failed > 0 || run.sum.not_tried > 0)
		error = ecra_error_set(ECRA_ERROR, "%s",
		    run.first_failure ? run.first_failure
		                      : "publishing failed");
done:
	for (i = 0; i < MAX_PARALLEL; i++)
		if (workers[i].run != NULL && run.backend->worker_dispose)
			run.backend->worker_dispose(&workers[i]);
	if (run_inited && run.backend->run_dispose != NULL)
		run.backend->run_dispose(&run);
	ecra_http_share_free(run.http_share);
	if (run.config_dir != NULL) {
		int rerr = ecra_docker_config_remove(run.config_dir);

		if (rerr < 0 && error == 0)
			error = rerr;
	}
	if (run.creds_config_dir != NULL) {
		int rerr = ecra_docker_config_remove(run.creds_config_dir);

		if (rerr < 0 && error == 0)
			error = rerr;
	}
	run.sum.seconds = now() - t0;
	if (run.unreachable != NULL) {
		static _Thread_local char host[256];

		snprintf(host, sizeof(host), "%s", run.unreachable);
		run.sum.unreachable = host;
	}
	if (summary != NULL)
		*summary = run.sum;
	for (i = 0; run.states != NULL && i < m->asset_count; i++) {
		ecra_free(run.states[i].message);
		ecra_free(run.states[i].image);
	}
	ecra_free(run.states);
	ecra_free(run.config_dir);
	ecra_free(run.creds_config_dir);
	ecra_docker_creds_free(run.creds);
	ecra_free(run.path_env);
	ecra_free(run.first_failure);
	ecra_free(run.unreachable);
	ecra_free(run.step_done);
	ecra_free(run.identity_message);
	ecra_free(run.account);
	ecra_free(run.partition);
	ecra_strvec_dispose(&run.logged_in);
	if (locks) {
		pthread_mutex_destroy(&run.lock);
		pthread_mutex_destroy(&run.build_lock);
		pthread_mutex_destroy(&run.event_lock);
	}
	return error;
}
