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
 * they never leak into role-less destinations, and one client is kept per
 * (region, role, external id) per worker instead of one per entry.
 * `${AWS::AccountId}` comes from GetCallerIdentity with the base
 * credentials, at most once per run.
 */
#include "publish/run.h"

#include <stdio.h>
#include <string.h>

#include "aws/aws.h"
#include "core/alloc.h"
#include "core/error.h"
#include "http/http.h"
#include "util/buf.h"

/* Run-wide: config and base credentials (resolved lazily, once). */
typedef struct {
	ecra_aws_env env;
	ecra_aws_config *cfg;
	pthread_mutex_t lock;
	bool creds_done;
	int creds_error;
	char *creds_message;
	ecra_aws_creds base; /* after the profile's role chain */
} ecr_run;

typedef struct {
	char *key; /* region|role|external id */
	ecra_ecr *ecr;
	ecra_aws_creds creds; /* what the client signs with */
} ecr_client;

typedef struct {
	ecra_http *http;
	ecr_client *clients;
	size_t client_count;
} ecr_worker;

static ecr_run *run_state(ecra_pub_worker *w)
{
	return w->run->backend_state;
}

static int ecr_run_init(ecra_pub_run *run)
{
	const ecra_publish_options *o = run->o;
	ecra_aws_config_options co;
	ecr_run *er = ecra_calloc(1, sizeof(*er));
	int error;

	if (er == NULL)
		return ECRA_ENOMEM;
	er->env.access_key_id = o->aws_access_key_id;
	er->env.secret_access_key = o->aws_secret_access_key;
	er->env.session_token = o->aws_session_token;
	er->env.profile = o->aws_env_profile;
	er->env.region = o->aws_region;
	er->env.config_file = o->aws_config_file;
	er->env.credentials_file = o->aws_credentials_file;
	er->env.home = o->home;
	er->env.endpoint_url = o->aws_endpoint_url;
	er->env.endpoint_url_ecr = o->aws_endpoint_url_ecr;
	er->env.endpoint_url_sts = o->aws_endpoint_url_sts;
	er->env.ignore_configured_endpoint_urls =
	    o->aws_ignore_configured_endpoint_urls;
	er->env.max_attempts = o->aws_max_attempts;
	memset(&co, 0, sizeof(co));
	co.version = ECRA_AWS_CONFIG_OPTIONS_VERSION;
	co.env = &er->env;
	co.profile = o->aws_profile;
	if (pthread_mutex_init(&er->lock, NULL) != 0) {
		ecra_free(er);
		return ecra_error_set(ECRA_ERROR, "cannot create a mutex");
	}
	if ((error = ecra_aws_config_load(&er->cfg, &co)) < 0) {
		pthread_mutex_destroy(&er->lock);
		ecra_free(er);
		return error;
	}
	run->backend_state = er;
	return 0;
}

static void ecr_run_dispose(ecra_pub_run *run)
{
	ecr_run *er = run->backend_state;

	if (er == NULL)
		return;
	ecra_aws_config_free(er->cfg);
	ecra_aws_creds_dispose(&er->base);
	ecra_free(er->creds_message);
	pthread_mutex_destroy(&er->lock);
	ecra_free(er);
	run->backend_state = NULL;
}

static int ecr_worker_init(ecra_pub_worker *w)
{
	ecr_worker *ew = ecra_calloc(1, sizeof(*ew));
	ecra_http_options ho;
	int error;

	if (ew == NULL)
		return ECRA_ENOMEM;
	memset(&ho, 0, sizeof(ho));
	ho.version = ECRA_HTTP_OPTIONS_VERSION;
	if ((error = ecra_http_new(&ew->http, &ho)) < 0) {
		ecra_free(ew);
		return error;
	}
	w->backend = ew;
	return 0;
}

static void ecr_worker_dispose(ecra_pub_worker *w)
{
	ecr_worker *ew = w->backend;
	size_t i;

	if (ew == NULL)
		return;
	for (i = 0; i < ew->client_count; i++) {
		ecra_ecr_free(ew->clients[i].ecr);
		ecra_aws_creds_dispose(&ew->clients[i].creds);
		ecra_free(ew->clients[i].key);
	}
	ecra_free(ew->clients);
	ecra_http_free(ew->http);
	ecra_free(ew);
	w->backend = NULL;
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
	so->http = ew->http;
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
		if ((error = ecra_sts_session_name(
		         &session, "cdk-assets-", w->run->o->user_name)) < 0)
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

/* The ECR client for a destination (cached per region/role). */
static int client_for(
    ecra_pub_worker *w, const ecra_pub_dest *d, ecra_ecr **out)
{
	ecr_worker *ew = w->backend;
	const ecra_aws_creds *base = NULL;
	ecra_aws_service_options so;
	ecra_buf key = ECRA_BUF_INIT(0);
	ecr_client c, *grown;
	const char *region;
	char *endpoint = NULL;
	size_t i;
	int error;

	memset(&c, 0, sizeof(c));
	*out = NULL;
	if ((error = dest_region(w, d, &region)) < 0 ||
	    (error = ecra_buf_printf(&key, "%s|%s|%s", region,
	         d->assume_role_arn ? d->assume_role_arn : "",
	         d->assume_role_external_id ? d->assume_role_external_id
	                                    : "")) < 0)
		goto done;
	for (i = 0; i < ew->client_count; i++)
		if (strcmp(ew->clients[i].key, key.ptr) == 0) {
			*out = ew->clients[i].ecr;
			goto done;
		}
	if ((error = base_credentials(w, &base)) < 0)
		goto done;
	if (d->assume_role_arn != NULL && d->assume_role_arn[0]) {
		if ((error = assume_role(w, region, base, d->assume_role_arn,
		         d->assume_role_external_id, NULL, 0,
		         d->entry->assume_role_options, &c.creds)) < 0)
			goto done;
	} else {
		ecra_aws_credentials v = ecra_aws_creds_view(base);

		if ((error = ecra_aws_creds_copy(&c.creds, &v, base->source)) <
		    0)
			goto done;
	}
	if ((error = service_options(
	         w, &so, "ecr", region, &c.creds, &endpoint)) < 0 ||
	    (error = ecra_ecr_new(&c.ecr, &so)) < 0)
		goto done;
	if ((grown = ecra_realloc(ew->clients,
	         (ew->client_count + 1) * sizeof(*grown))) == NULL) {
		error = ECRA_ENOMEM;
		goto done;
	}
	ew->clients = grown;
	if ((c.key = ecra_buf_detach(&key)) == NULL) {
		error = ECRA_ENOMEM;
		goto done;
	}
	ew->clients[ew->client_count++] = c;
	*out = c.ecr;
	memset(&c, 0, sizeof(c));
done:
	ecra_ecr_free(c.ecr);
	ecra_aws_creds_dispose(&c.creds);
	ecra_free(c.key);
	ecra_free(endpoint);
	ecra_buf_dispose(&key);
	return error;
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

static int ecr_locate(ecra_pub_worker *w, const ecra_pub_dest *d, char **uri)
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

static int ecr_exists(ecra_pub_worker *w, const ecra_pub_dest *d,
    const char *repo_uri, bool *exists)
{
	ecra_ecr *ecr = NULL;
	int error;

	(void)repo_uri;
	*exists = false;
	if ((error = client_for(w, d, &ecr)) < 0)
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
