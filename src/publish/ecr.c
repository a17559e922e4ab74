/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * publish/ecr.c - the ECR back end over src/aws.
 *
 * As cdk-assets: DescribeRepositories gives the repository URI (used
 * verbatim), DescribeImages decides "exists" (only ImageNotFoundException
 * means missing), GetAuthorizationToken gives the `docker login`
 * credentials. Destinations with assumeRoleArn use credentials from STS
 * AssumeRole made with the base credentials; unlike cdk-assets (quirk 5)
 * they never leak into role-less destinations.
 *
 * Fewer calls than cdk-assets, same answers:
 *   - the credentials of a (region, role, external id) are obtained once
 *     per run (one AssumeRole), shared by all workers; each worker makes
 *     its own client from them (no call);
 *   - a successful DescribeRepositories is remembered per (region, role,
 *     external id, repository name) for the run: cdk-assets asks again
 *     for every entry, and gets the same repositoryUri. Concurrent workers
 *     wait for the one call in flight instead of repeating it. Failures
 *     are not remembered: the next entry asks again, as cdk-assets does,
 *     and gets its own error.
 * `${AWS::AccountId}` comes from GetCallerIdentity with the base
 * credentials, at most once per run.
 */
#include "publish/run.h"

#include <stdio.h>
#include <string.h>

#include "aws/aws.h"
#include "publish/aws_options.h"
#include "core/alloc.h"
#include "core/error.h"
#include "http/http.h"
#include "util/buf.h"
#include "util/vec.h"

/* Credentials of one (region, role, external id), shared by workers. */
typedef struct {
	char *key; /* region|role|external id */
	ecra_aws_creds creds;
} ecr_role;

/* A repository located in this run; uri NULL while the call is in
 * flight. */
typedef struct {
	char *key; /* region|role|external id|repository name */
	char *uri;
} ecr_repo;

/* The run's probe of one repository (see probe_answer()); `present`
 * is filled when done. */
typedef struct {
	char *key; /* region|role|external id|repository name */
	bool is_done;
	ecra_strvec present; /* tags known to exist */
} ecr_probe;

/* Run-wide: config and credentials (resolved lazily, once). */
typedef struct {
	ecra_aws_env env;
	ecra_aws_config *cfg;
	pthread_mutex_t lock; /* base credentials */
	bool creds_done;
	int creds_error;
	char *creds_message;
	ecra_aws_creds base; /* after the profile's role chain */
	/* roles; held across an AssumeRole, so it is made once */
	pthread_mutex_t roles_lock;
	ecr_role *roles;
	size_t role_count;
	pthread_mutex_t repos_lock; /* repos */
	pthread_cond_t repos_cond;  /* a call in flight finished */
	ecr_repo *repos;
	size_t repo_count;
	ecr_probe *probes; /* under repos_lock too */
	size_t probe_count;
} ecr_run;

typedef struct {
	char *key; /* region|role|external id */
	ecra_ecr *ecr;
} ecr_client;

/* An HTTP connection and the clients that use it. */
typedef struct {
	ecra_http *http;
	ecr_client *clients;
	size_t client_count;
} ecr_conn;

/* A DescribeImages answer obtained ahead, while DescribeRepositories
 * was in flight. */
typedef struct {
	const ecra_pub_entry *entry; /* NULL = none */
	char *repository_name;
	char *image_tag;
	int error;
	char *message;
	bool exists;
} ecr_ahead;

typedef struct {
	ecr_conn main;
	ecr_conn side; /* DescribeImages next to DescribeRepositories */
	ecr_ahead ahead;
} ecr_worker;

static ecr_run *run_state(ecra_pub_worker *w)
{
	return w->run->backend_state;
}

static void ecr_run_dispose(ecra_pub_run *run)
{
	ecr_run *er = run->backend_state;
	size_t i;

	if (er == NULL)
		return;
	ecra_aws_config_free(er->cfg);
	ecra_aws_creds_dispose(&er->base);
	ecra_free(er->creds_message);
	for (i = 0; i < er->role_count; i++) {
		ecra_aws_creds_dispose(&er->roles[i].creds);
		ecra_free(er->roles[i].key);
	}
	ecra_free(er->roles);
	for (i = 0; i < er->repo_count; i++) {
		ecra_free(er->repos[i].key);
		ecra_free(er->repos[i].uri);
	}
	ecra_free(er->repos);
	for (i = 0; i < er->probe_count; i++) {
		ecra_free(er->probes[i].key);
		ecra_strvec_dispose(&er->probes[i].present);
	}
	ecra_free(er->probes);
	pthread_cond_destroy(&er->repos_cond);
	pthread_mutex_destroy(&er->repos_lock);
	pthread_mutex_destroy(&er->roles_lock);
	pthread_mutex_destroy(&er->lock);
	ecra_free(er);
	run->backend_state = NULL;
}

static int ecr_run_init(ecra_pub_run *run)
{
	const ecra_publish_options *o = run->o;
	ecra_aws_config_options co;
	ecr_run *er = ecra_calloc(1, sizeof(*er));
	int error;

	if (er == NULL)
		return ECRA_ENOMEM;
	if ((error = ecra_pub_aws_settings(&er->env, &co, &o->aws)) < 0) {
		ecra_free(er);
		return error;
	}
	if (pthread_mutex_init(&er->lock, NULL) != 0) {
		ecra_free(er);
		return ecra_error_set(ECRA_ERROR, "cannot create a mutex");
	}
	if (pthread_mutex_init(&er->roles_lock, NULL) != 0) {
		pthread_mutex_destroy(&er->lock);
		ecra_free(er);
		return ecra_error_set(ECRA_ERROR, "cannot create a mutex");
	}
	if (pthread_mutex_init(&er->repos_lock, NULL) != 0) {
		pthread_mutex_destroy(&er->roles_lock);
		pthread_mutex_destroy(&er->lock);
		ecra_free(er);
		return ecra_error_set(ECRA_ERROR, "cannot create a mutex");
	}
	if (pthread_cond_init(&er->repos_cond, NULL) != 0) {
		pthread_mutex_destroy(&er->repos_lock);
		pthread_mutex_destroy(&er->roles_lock);
		pthread_mutex_destroy(&er->lock);
		ecra_free(er);
		return ecra_error_set(
		    ECRA_ERROR, "cannot create a condition variable");
	}
	run->backend_state = er;
	if ((error = ecra_aws_config_load(&er->cfg, &co)) < 0) {
		ecr_run_dispose(run);
		return error;
	}
	return 0;
}

static void ahead_clear(ecr_ahead *a)
{
	ecra_free(a->repository_name);
	ecra_free(a->image_tag);
	ecra_free(a->message);
	memset(a, 0, sizeof(*a));
}

static void conn_dispose(ecr_conn *c)
{
	size_t i;

	for (i = 0; i < c->client_count; i++) {
		ecra_ecr_free(c->clients[i].ecr);
		ecra_free(c->clients[i].key);
	}
	ecra_free(c->clients);
	ecra_http_free(c->http);
	memset(c, 0, sizeof(*c));
}

static void ecr_worker_dispose(ecra_pub_worker *w)
{
	ecr_worker *ew = w->backend;

	if (ew == NULL)
		return;
	conn_dispose(&ew->main);
	conn_dispose(&ew->side);
	ahead_clear(&ew->ahead);
	ecra_free(ew);
	w->backend = NULL;
}

static int ecr_worker_init(ecra_pub_worker *w)
{
	ecr_worker *ew = ecra_calloc(1, sizeof(*ew));
	ecra_http_options ho;
	int error;

	if (ew == NULL)
		return ECRA_ENOMEM;
	w->backend = ew;
	memset(&ho, 0, sizeof(ho));
	ho.version = ECRA_HTTP_OPTIONS_VERSION;
	ho.share = w->run->http_share;
	if (w->run->o->version >= 4) {
		/* AWS_CA_BUNDLE, as the AWS CLI; else the registry's CA */
		ho.ca_file = w->run->o->aws_ca_bundle ? w->run->o->aws_ca_bundle
		                                      : w->run->o->ca_file;
		ho.https_proxy = w->run->o->https_proxy;
		ho.http_proxy = w->run->o->http_proxy;
		ho.no_proxy = w->run->o->no_proxy;
	}
	if ((error = ecra_http_new(&ew->main.http, &ho)) < 0 ||
	    (error = ecra_http_new(&ew->side.http, &ho)) < 0) {
		ecr_worker_dispose(w);
		return error;
	}
	return 0;
}

static int service_options(ecra_pub_worker *w, ecra_aws_service_options *so,
    const char *service, const char *region, const ecra_aws_creds *creds,
    char **endpoint)
{
	ecr_run *er = run_state(w);
	ecr_worker *ew = w->backend;
	int error;

	memset(so, 0, sizeof(*so));
	if ((error = ecra_aws_config_endpoint(
	         endpoint, er->cfg, service, region)) < 0)
		return error;
	so->version = ECRA_AWS_SERVICE_OPTIONS_VERSION;
	so->http = ew->main.http;
	so->region = region;
	so->endpoint = *endpoint;
	so->credentials = ecra_aws_creds_view(creds);
	so->max_attempts = ecra_aws_config_max_attempts(er->cfg);
	return 0;
}

static const char *default_region(ecra_pub_worker *w)
{
	return ecra_aws_config_region(run_state(w)->cfg);
}

/* AWS_REGION, else the profile's region (the SDK's default region). */
static const char *ecr_default_region(ecra_pub_run *run)
{
	ecr_run *er = run->backend_state;

	return er != NULL ? ecra_aws_config_region(er->cfg) : NULL;
}

/* AssumeRole with `from` credentials; the result in *out. */
static int assume_role(ecra_pub_worker *w, const char *region,
    const ecra_aws_creds *from, const char *role, const char *external_id,
    const char *session_name, unsigned int duration_s, ecra_json *extra_opts,
    ecra_aws_creds *out)
{
	ecra_aws_service_options so;
	ecra_sts_assume_role_params p;
	ecra_sts *sts = NULL;
	ecra_sts_param tags[50], extra[50];
	ecra_strvec owned = ECRA_STRVEC_INIT;
	char *endpoint = NULL, *session = NULL;
	void *it;
	int error;

	memset(&p, 0, sizeof(p));
	if ((error = service_options(w, &so, "sts", region, from, &endpoint)) <
	        0 ||
	    (error = ecra_sts_new(&sts, &so)) < 0)
		goto done;
	if (session_name == NULL) {
		if ((error = ecra_sts_session_name(&session, "cdk-assets-",
		         w->run->o->aws.user_name)) < 0)
			goto done;
		session_name = session;
	}
	p.role_arn = role;
	p.session_name = session_name;
	p.external_id = external_id;
	p.duration_s = duration_s;
	p.tags = tags;
	p.extra = extra;
	/* assumeRoleAdditionalOptions: Tags become session tags (all of
	 * them transitive, as cdk-assets does), scalars are passed as is. */
	for (it = ecra_json_iter(extra_opts); it;
	     it = ecra_json_iter_next(extra_opts, it)) {
		const char *k = ecra_json_iter_key(it);
		ecra_json *v = ecra_json_iter_value(it);
		size_t i;

		if (strcmp(k, "Tags") == 0) {
			for (i = 0; i < ecra_json_size(v) && p.tag_count < 50;
			     i++) {
				ecra_json *t = ecra_json_at(v, i);
				const char *tk =
				    ecra_json_string(ecra_json_get(t, "Key"));
				const char *tv =
				    ecra_json_string(ecra_json_get(t, "Value"));

				if (tk == NULL || tv == NULL) {
					error = ecra_error_set(ECRA_EINVALID,
					    "assumeRoleAdditionalOptions.Tags "
					    "needs Key and Value strings");
					goto done;
				}
				tags[p.tag_count].name = tk;
				tags[p.tag_count++].value = tv;
			}
		} else if (strcmp(k, "DurationSeconds") == 0 &&
		           ecra_json_is_number(v)) {
			p.duration_s = (unsigned int)ecra_json_integer(v);
		} else if (ecra_json_string(v) != NULL && p.extra_count < 50) {
			extra[p.extra_count].name = k;
			extra[p.extra_count++].value = ecra_json_string(v);
		} else if (ecra_json_is_number(v) && p.extra_count < 50) {
			if ((error = ecra_strvec_pushf(
			         &owned, "%lld", ecra_json_integer(v))) < 0)
				goto done;
			extra[p.extra_count].name = k;
			extra[p.extra_count++].value =
			    owned.items[owned.count - 1];
		}
	}
	if ((error = ecra_sts_assume_role(out, sts, &p)) < 0)
		error = ecra_error_wrap("cannot assume role '%s'", role);
done:
	ecra_sts_free(sts);
	ecra_free(endpoint);
	ecra_free(session);
	ecra_strvec_dispose(&owned);
	return error;
}

/* The base credentials: the chain's keys, then its profile roles. */
static int base_credentials(ecra_pub_worker *w, const ecra_aws_creds **out)
{
	ecr_run *er = run_state(w);
	ecra_aws_credential_plan plan;
	ecra_aws_creds cur, next;
	const char *region;
	size_t i;
	int error = 0;

	pthread_mutex_lock(&er->lock);
	if (er->creds_done)
		goto done;
	er->creds_done = true;
	memset(&plan, 0, sizeof(plan));
	memset(&cur, 0, sizeof(cur));
	if ((error = ecra_aws_config_credentials(&plan, er->cfg)) < 0)
		goto record;
	cur = plan.base;
	memset(&plan.base, 0, sizeof(plan.base));
	region = default_region(w);
	for (i = 0; i < plan.role_count; i++) {
		memset(&next, 0, sizeof(next));
		error = assume_role(w, region ? region : "us-east-1", &cur,
		    plan.roles[i].role_arn, plan.roles[i].external_id,
		    plan.roles[i].session_name, plan.roles[i].duration_s, NULL,
		    &next);
		ecra_aws_creds_dispose(&cur);
		cur = next;
		if (error < 0)
			break;
	}
record:
	ecra_aws_credential_plan_dispose(&plan);
	if (error < 0) {
		ecra_aws_creds_dispose(&cur);
		er->creds_error = error;
		er->creds_message = ecra_strdup(ecra_error_last()->message);
	} else {
		er->base = cur;
	}
done:
	error = er->creds_error;
	if (error < 0)
		ecra_error_set(error, "%s",
		    er->creds_message ? er->creds_message
		                      : "no AWS credentials");
	*out = &er->base;
	pthread_mutex_unlock(&er->lock);
	return error;
}

static int dest_region(
    ecra_pub_worker *w, const ecra_pub_dest *d, const char **region)
{
	*region =
	    d->region != NULL && d->region[0] ? d->region : default_region(w);
	if (*region == NULL)
		return ecra_error_set(ECRA_EINVALID,
		    "Region is missing (set AWS_REGION or a region in the "
		    "AWS config)");
	return 0;
}

/* "region|role|external id": what a client and its credentials are
 * kept under. */
static int client_key(ecra_pub_worker *w, const ecra_pub_dest *d, ecra_buf *key)
{
	const char *region;
	int error;

	if ((error = dest_region(w, d, &region)) < 0)
		return error;
	return ecra_buf_printf(key, "%s|%s|%s", region,
	    d->assume_role_arn ? d->assume_role_arn : "",
	    d->assume_role_external_id ? d->assume_role_external_id : "");
}

/* A copy of the credentials for key (d's region and role): made once per
 * run under roles_lock, so concurrent workers wait for the one
 * AssumeRole instead of repeating it. A failure is not kept: the next
 * entry tries again, as cdk-assets would. */
static int role_credentials(ecra_pub_worker *w, const ecra_pub_dest *d,
    const char *region, const char *key, ecra_aws_creds *out)
{
	ecr_run *er = run_state(w);
	const ecra_aws_creds *base = NULL;
	ecra_aws_credentials v;
	ecr_role r, *grown;
	size_t i;
	int error = 0;

	memset(&r, 0, sizeof(r));
	pthread_mutex_lock(&er->roles_lock);
	for (i = 0; i < er->role_count; i++)
		if (strcmp(er->roles[i].key, key) == 0)
			goto copy;
	if ((error = base_credentials(w, &base)) < 0)
		goto done;
	if (d->assume_role_arn != NULL && d->assume_role_arn[0]) {
		if ((error = assume_role(w, region, base, d->assume_role_arn,
		         d->assume_role_external_id, NULL, 0,
		         d->entry->assume_role_options, &r.creds)) < 0)
			goto done;
	} else {
		v = ecra_aws_creds_view(base);
		if ((error = ecra_aws_creds_copy(&r.creds, &v, base->source)) <
		    0)
			goto done;
	}
	if ((r.key = ecra_strdup(key)) == NULL ||
	    (grown = ecra_realloc(
	         er->roles, (er->role_count + 1) * sizeof(*grown))) == NULL) {
		error = ECRA_ENOMEM;
		goto done;
	}
	er->roles = grown;
	er->roles[er->role_count] = r;
	memset(&r, 0, sizeof(r));
	i = er->role_count++;
copy:
	v = ecra_aws_creds_view(&er->roles[i].creds);
	error = ecra_aws_creds_copy(out, &v, er->roles[i].creds.source);
done:
	pthread_mutex_unlock(&er->roles_lock);
	ecra_aws_creds_dispose(&r.creds);
	ecra_free(r.key);
	return error;
}

/* The worker's ECR client for a destination (one per region/role) on one
 * of its connections. */
static int client_on(
    ecra_pub_worker *w, ecr_conn *conn, const ecra_pub_dest *d, ecra_ecr **out)
{
	ecra_aws_service_options so;
	ecra_aws_creds creds;
	ecra_buf key = ECRA_BUF_INIT(0);
	ecr_client c, *grown;
	const char *region;
	char *endpoint = NULL;
	size_t i;
	int error;

	memset(&c, 0, sizeof(c));
	memset(&creds, 0, sizeof(creds));
	*out = NULL;
	if ((error = dest_region(w, d, &region)) < 0 ||
	    (error = client_key(w, d, &key)) < 0)
		goto done;
	for (i = 0; i < conn->client_count; i++)
		if (strcmp(conn->clients[i].key, key.ptr) == 0) {
			*out = conn->clients[i].ecr;
			goto done;
		}
	if ((error = role_credentials(w, d, region, key.ptr, &creds)) < 0 ||
	    (error = service_options(
	         w, &so, "ecr", region, &creds, &endpoint)) < 0)
		goto done;
	so.http = conn->http;
	if ((error = ecra_ecr_new(&c.ecr, &so)) < 0)
		goto done;
	if ((grown = ecra_realloc(conn->clients,
	         (conn->client_count + 1) * sizeof(*grown))) == NULL) {
		error = ECRA_ENOMEM;
		goto done;
	}
	conn->clients = grown;
	if ((c.key = ecra_buf_detach(&key)) == NULL) {
		error = ECRA_ENOMEM;
		goto done;
	}
	conn->clients[conn->client_count++] = c;
	*out = c.ecr;
	memset(&c, 0, sizeof(c));
done:
	ecra_ecr_free(c.ecr);
	ecra_free(c.key);
	ecra_aws_creds_dispose(&creds);
	ecra_free(endpoint);
	ecra_buf_dispose(&key);
	return error;
}

static int client_for(
    ecra_pub_worker *w, const ecra_pub_dest *d, ecra_ecr **out)
{
	return client_on(w, &((ecr_worker *)w->backend)->main, d, out);
}

static int ecr_identity(ecra_pub_worker *w, char **account, char **partition)
{
	const ecra_aws_creds *base = NULL;
	ecra_aws_service_options so;
	ecra_sts *sts = NULL;
	ecra_sts_identity id;
	const char *region = default_region(w);
	char *endpoint = NULL;
	int error;

	memset(&id, 0, sizeof(id));
	*account = *partition = NULL;
	if ((error = base_credentials(w, &base)) < 0 ||
	    (error = service_options(w, &so, "sts",
	         region ? region : "us-east-1", base, &endpoint)) < 0 ||
	    (error = ecra_sts_new(&sts, &so)) < 0)
		goto done;
	if ((error = ecra_sts_get_caller_identity(&id, sts)) < 0) {
		error = ecra_error_wrap("cannot determine the AWS account");
		goto done;
	}
	*account = id.account;
	*partition = id.partition;
	id.account = id.partition = NULL;
done:
	ecra_sts_identity_dispose(&id);
	ecra_sts_free(sts);
	ecra_free(endpoint);
	return error;
}

/* DescribeRepositories for d, as cdk-assets makes it. */
static int describe_repository(
    ecra_pub_worker *w, const ecra_pub_dest *d, char **uri)
{
	ecra_ecr *ecr = NULL;
	ecra_ecr_repository repo;
	int error;

	memset(&repo, 0, sizeof(repo));
	if ((error = client_for(w, d, &ecr)) < 0)
		return error;
	error = ecra_ecr_describe_repository(&repo, ecr, d->repository_name);
	if (error == ECRA_ENOTFOUND) {
		/* Name the account, as cdk-assets does. */
		char *account = NULL, *partition = NULL;

		if (ecr_identity(w, &account, &partition) == 0)
			error = ecra_error_set(ECRA_ENOTFOUND,
			    "No ECR repository named '%s' in account %s. Is "
			    "this account bootstrapped?",
			    d->repository_name, account);
		else
			error = ecra_error_set(ECRA_ENOTFOUND,
			    "No ECR repository named '%s'. Is this account "
			    "bootstrapped?",
			    d->repository_name);
		ecra_free(account);
		ecra_free(partition);
	}
	if (error == 0) {
		*uri = repo.uri;
		repo.uri = NULL;
		if (*uri == NULL)
			error = ecra_error_set(ECRA_ERROR,
			    "ECR returned no repositoryUri for '%s'",
			    d->repository_name);
	}
	ecra_ecr_repository_dispose(&repo);
	return error;
}

static ecr_repo *find_repo(ecr_run *er, const char *key)
{
	size_t i;

	for (i = 0; i < er->repo_count; i++)
		if (strcmp(er->repos[i].key, key) == 0)
			return &er->repos[i];
	return NULL;
}

static ecr_probe *find_probe(ecr_run *er, const char *key)
{
	size_t i;

	for (i = 0; i < er->probe_count; i++)
		if (strcmp(er->probes[i].key, key) == 0)
			return &er->probes[i];
	return NULL;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* The tags (at most ECRA_ECR_MAX_IMAGE_IDS, d's first) of the selected
 * entries whose destination is written exactly as d's: same repository,
 * region and role, so the same resolved repository. */
static int probe_tags(
    ecra_pub_worker *w, const ecra_pub_dest *d, ecra_strvec *tags)
{
	const ecra_manifest *m = w->run->m;
	const ecra_pub_entry *de = d->entry, *e;
	ecra_pub_dest od;
	size_t i, n = ecra_manifest_count(m);
	int error;

	if ((error = ecra_strvec_push(tags, d->image_tag)) < 0)
		return error;
	for (i = 0; i < n && tags->count < ECRA_ECR_MAX_IMAGE_IDS; i++) {
		e = ecra_manifest_entry_at(m, i);
		if (e == de ||
		    !same_str(e->repository_name, de->repository_name) ||
		    !same_str(e->region, de->region) ||
		    !same_str(e->assume_role_arn, de->assume_role_arn) ||
		    !same_str(e->assume_role_external_id,
		        de->assume_role_external_id))
			continue;
		if ((error = ecra_pub_resolve_dest(
		         w, (ecra_pub_entry *)e, &od)) < 0)
			return error;
		if (!ecra_strvec_contains(tags, od.image_tag))
			error = ecra_strvec_push(tags, od.image_tag);
		ecra_pub_dest_dispose(&od);
		if (error < 0)
			return error;
	}
	return 0;
}

/* Probe d's repository once: one DescribeImages with the tags of every
 * selected entry going there. `present` gets them all when ECR answers,
 * none when it does not (a tag is missing, or anything else went
 * wrong: then each entry asks for its own tag, as cdk-assets does). */
static void run_probe(ecra_pub_worker *w, ecr_conn *conn,
    const ecra_pub_dest *d, ecra_strvec *present)
{
	ecra_strvec tags = ECRA_STRVEC_INIT;
	ecra_ecr *ecr = NULL;
	bool *found = NULL;
	size_t i;

	if (probe_tags(w, d, &tags) < 0 || tags.count < 2 ||
	    (found = ecra_calloc(tags.count, sizeof(*found))) == NULL ||
	    client_on(w, conn, d, &ecr) < 0 ||
	    ecra_ecr_describe_images_all(ecr, d->repository_name,
	        (const char *const *)tags.items, tags.count, found) < 0)
		goto done;
	for (i = 0; i < tags.count; i++)
		if (found[i] && ecra_strvec_push(present, tags.items[i]) < 0)
			break;
done:
	/* Whatever failed, the entries ask one by one. */
	ecra_error_clear();
	ecra_free(found);
	ecra_strvec_dispose(&tags);
}

/*
 * A no-op publish asks ECR whether each image exists: cdk-assets makes
 * one DescribeImages per entry, and CDK puts every image of an
 * environment in one repository. The first entry to check a repository
 * asks once for the tags of all selected entries going there; ECR only
 * answers such a call when every tag exists, so when nothing changed one
 * call settles them all, and when something did, every entry asks for
 * its own tag as before (one call more in all). Returns true when the
 * probe says d's image exists; false means "ask yourself".
 */
static bool probe_answer(
    ecra_pub_worker *w, ecr_conn *conn, const ecra_pub_dest *d)
{
	ecr_run *er = run_state(w);
	ecra_buf key = ECRA_BUF_INIT(0);
	ecra_strvec present = ECRA_STRVEC_INIT;
	ecr_probe *p, *grown;
	bool answered = false;
	char *k = NULL;

	if (client_key(w, d, &key) < 0 ||
	    ecra_buf_printf(&key, "|%s", d->repository_name) < 0) {
		ecra_error_clear();
		goto done;
	}
	pthread_mutex_lock(&er->repos_lock);
	while ((p = find_probe(er, key.ptr)) != NULL && !p->is_done)
		pthread_cond_wait(&er->repos_cond, &er->repos_lock);
	if (p != NULL) {
		answered = ecra_strvec_contains(&p->present, d->image_tag);
		pthread_mutex_unlock(&er->repos_lock);
		goto done;
	}
	if ((k = ecra_strdup(key.ptr)) == NULL ||
	    (grown = ecra_realloc(
	         er->probes, (er->probe_count + 1) * sizeof(*grown))) == NULL) {
		pthread_mutex_unlock(&er->repos_lock);
		ecra_free(k);
		goto done;
	}
	er->probes = grown;
	memset(&er->probes[er->probe_count], 0, sizeof(*grown));
	er->probes[er->probe_count].key = k;
	er->probes[er->probe_count++].present = (ecra_strvec)ECRA_STRVEC_INIT;
	pthread_mutex_unlock(&er->repos_lock);

	run_probe(w, conn, d, &present);

	pthread_mutex_lock(&er->repos_lock);
	p = find_probe(er, key.ptr);
	p->present = present;
	p->is_done = true;
	answered = ecra_strvec_contains(&p->present, d->image_tag);
	pthread_cond_broadcast(&er->repos_cond);
	pthread_mutex_unlock(&er->repos_lock);
done:
	ecra_buf_dispose(&key);
	return answered;
}

/* DescribeImages for d on conn: only ImageNotFoundException is
 * "missing", as in cdk-assets. */
static int describe_image(
    ecra_pub_worker *w, ecr_conn *conn, const ecra_pub_dest *d, bool *exists)
{
	ecra_ecr *ecr = NULL;
	int error;

	*exists = false;
	if (probe_answer(w, conn, d)) {
		*exists = true;
		return 0;
	}
	if ((error = client_on(w, conn, d, &ecr)) < 0)
		return error;
	error = ecra_ecr_describe_image(
	    NULL, ecr, d->repository_name, d->image_tag);
	if (error == 0) {
		*exists = true;
		return 0;
	}
	if (error == ECRA_ENOTFOUND && strcmp(ecra_ecr_last_error(ecr)->type,
	                                   "ImageNotFoundException") == 0) {
		ecra_error_clear();
		return 0;
	}
	return error;
}

/* Keep a DescribeImages answer for ecr_exists() (on the thread that
 * made the call: the message is thread-local). */
static void ahead_keep(
    ecr_ahead *a, const ecra_pub_dest *d, int error, bool exists)
{
	ahead_clear(a);
	a->repository_name = ecra_strdup(d->repository_name);
	a->image_tag = ecra_strdup(d->image_tag);
	a->message = error < 0 ? ecra_strdup(ecra_error_last()->message) : NULL;
	if (a->repository_name == NULL || a->image_tag == NULL ||
	    (error < 0 && a->message == NULL)) {
		ahead_clear(a); /* ecr_exists() will ask itself */
		return;
	}
	a->entry = d->entry;
	a->error = error;
	a->exists = exists;
}

static void ahead_check(
    ecra_pub_worker *w, ecr_conn *conn, const ecra_pub_dest *d, ecr_ahead *a)
{
	bool exists = false;
	int error = describe_image(w, conn, d, &exists);

	ahead_keep(a, d, error, exists);
}

typedef struct {
	ecra_pub_worker *w;
	const ecra_pub_dest *d;
	ecr_ahead result;
} side_job;

static void *side_main(void *arg)
{
	side_job *j = arg;
	ecr_worker *ew = j->w->backend;

	ahead_check(j->w, &ew->side, j->d, &j->result);
	return NULL;
}

/* The repository URI, from this run's earlier answer for the same
 * (region, role, name) or from one DescribeRepositories. Both need only
 * the repository name, so the entry's DescribeImages is made meanwhile:
 * on a second connection next to our own DescribeRepositories, or before
 * waiting for another worker's. Its answer is kept for ecr_exists(); it
 * is dropped if DescribeRepositories fails (the entry fails with that
 * error, as in cdk-assets). */
static int ecr_locate(ecra_pub_worker *w, const ecra_pub_dest *d, char **uri)
{
	ecr_run *er = run_state(w);
	ecr_worker *ew = w->backend;
	ecra_buf key = ECRA_BUF_INIT(0);
	ecr_repo *r, *grown;
	ecra_ecr *ecr = NULL;
	side_job job;
	pthread_t side;
	bool side_started = false, checked = false;
	char *found = NULL, *k = NULL;
	int error;

	*uri = NULL;
	ahead_clear(&ew->ahead);
	if ((error = client_key(w, d, &key)) < 0 ||
	    (error = ecra_buf_printf(&key, "|%s", d->repository_name)) < 0)
		goto done;
	pthread_mutex_lock(&er->repos_lock);
	while ((r = find_repo(er, key.ptr)) != NULL && r->uri == NULL) {
		if (!checked) {
			/* another worker is asking: check the tag now */
			checked = true;
			pthread_mutex_unlock(&er->repos_lock);
			ahead_check(w, &ew->main, d, &ew->ahead);
			pthread_mutex_lock(&er->repos_lock);
			continue;
		}
		pthread_cond_wait(&er->repos_cond, &er->repos_lock);
	}
	if (r != NULL) {
		error = (*uri = ecra_strdup(r->uri)) == NULL ? ECRA_ENOMEM : 0;
		pthread_mutex_unlock(&er->repos_lock);
		goto done;
	}
	/* Ours to ask: others wait on the in-flight mark. */
	if ((k = ecra_strdup(key.ptr)) == NULL ||
	    (grown = ecra_realloc(
	         er->repos, (er->repo_count + 1) * sizeof(*grown))) == NULL) {
		pthread_mutex_unlock(&er->repos_lock);
		ecra_free(k);
		error = ECRA_ENOMEM;
		goto done;
	}
	er->repos = grown;
	er->repos[er->repo_count].key = k;
	er->repos[er->repo_count++].uri = NULL;
	pthread_mutex_unlock(&er->repos_lock);

	/* The credentials first (AssumeRole on the main connection), so
	 * the side thread only makes its client from them and calls
	 * DescribeImages on its own connection. */
	if ((error = client_for(w, d, &ecr)) == 0) {
		memset(&job, 0, sizeof(job));
		job.w = w;
		job.d = d;
		if (!checked)
			side_started =
			    pthread_create(&side, NULL, side_main, &job) == 0;
		error = describe_repository(w, d, uri);
		if (side_started) {
			pthread_join(side, NULL);
			ahead_clear(&ew->ahead);
			ew->ahead = job.result;
		}
	}
	if (error == 0 && (found = ecra_strdup(*uri)) == NULL)
		error = ECRA_ENOMEM;

	pthread_mutex_lock(&er->repos_lock);
	r = find_repo(er, key.ptr);
	if (error == 0) {
		r->uri = found;
		found = NULL;
	} else {
		/* forget the mark: the next entry asks again */
		ecra_free(r->key);
		*r = er->repos[--er->repo_count];
	}
	pthread_cond_broadcast(&er->repos_cond);
	pthread_mutex_unlock(&er->repos_lock);
done:
	if (error < 0) {
		ecra_free(*uri);
		*uri = NULL;
		ahead_clear(&ew->ahead);
	}
	ecra_free(found);
	ecra_buf_dispose(&key);
	return error;
}

static int ecr_exists(ecra_pub_worker *w, const ecra_pub_dest *d,
    const char *repo_uri, bool *exists)
{
	ecr_worker *ew = w->backend;
	ecr_ahead *a = &ew->ahead;
	int error;

	(void)repo_uri;
	if (a->entry == d->entry &&
	    strcmp(a->repository_name, d->repository_name) == 0 &&
	    strcmp(a->image_tag, d->image_tag) == 0) {
		*exists = a->exists;
		error = a->error;
		if (error < 0)
			ecra_error_set(error, "%s", a->message);
		ahead_clear(a);
		return error;
	}
	ahead_clear(a);
	return describe_image(w, &ew->main, d, exists);
}

static int ecr_credentials(ecra_pub_worker *w, const ecra_pub_dest *d,
    const char *repo_uri, ecra_pub_login *out)
{
	ecra_ecr *ecr = NULL;
	ecra_ecr_auth auth;
	int error;

	(void)repo_uri;
	memset(&auth, 0, sizeof(auth));
	if ((error = client_for(w, d, &ecr)) < 0)
		return error;
	ecra_pub_emit(w->run, d->entry, ECRA_EVENT_DEBUG,
	    "Fetching ECR authorization token");
	if ((error = ecra_ecr_get_authorization(&auth, ecr)) < 0)
		goto done;
	out->username = auth.username;
	out->password = auth.password;
	out->endpoint = auth.registry;
	auth.username = auth.password = auth.registry = NULL;
done:
	ecra_ecr_auth_dispose(&auth);
	return error;
}

const ecra_pub_backend ecra_pub_backend_ecr = {
	.run_init = ecr_run_init,
	.run_dispose = ecr_run_dispose,
	.worker_init = ecr_worker_init,
	.worker_dispose = ecr_worker_dispose,
	.identity = ecr_identity,
	.default_region = ecr_default_region,
	.locate = ecr_locate,
	.exists = ecr_exists,
	.credentials = ecr_credentials,
};
