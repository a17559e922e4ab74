/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * publish/creds.c - the CDK docker credentials file (cdk-docker-creds.json)
 * and what `docker-credential-cdk-assets get` answers for a server URL.
 *
 * Loading follows cdk-assets: a file that cannot be read or parsed counts
 * as absent (the caller decides what to say about it). Lookups follow its
 * helper: "https://" is prepended to a bare host, the URL's host name is
 * looked up, then the whole URL; we also accept an exact "host:port" key
 * (cdk-assets drops the port, so registries with a port never matched).
 * Credentials come from ECR GetAuthorizationToken or Secrets Manager
 * GetSecretValue, optionally through STS AssumeRole, with the default
 * region, endpoints and credential chain (src/aws).
 */
#include "ecrassets/dockercreds.h"

#include <ctype.h>
#include <string.h>

#include "aws/aws.h"
#include "publish/aws_options.h"
#include "core/alloc.h"
#include "core/error.h"
#include "http/http.h"
#include "json/json.h"
#include "util/buf.h"
#include "util/vec.h"

struct ecra_docker_creds {
	char *path;
	ecra_json *doc;
	ecra_json *domains; /* borrowed from doc */
	ecra_strvec keys;
};

/* JavaScript truthiness of a JSON value (absent = false). */
static bool truthy(const ecra_json *v)
{
	if (v == NULL)
		return false;
	switch (ecra_json_typeof(v)) {
	case ECRA_JSON_NULL:
		return false;
	case ECRA_JSON_BOOL:
		return ecra_json_is_true(v);
	case ECRA_JSON_INT:
	case ECRA_JSON_REAL:
		return ecra_json_number(v) != 0.0;
	case ECRA_JSON_STRING:
		return ecra_json_string_len(v) > 0;
	default:
		return true;
	}
}

int ecra_docker_creds_load(ecra_docker_creds **out, const char *path)
{
	ecra_docker_creds *c = NULL;
	ecra_buf text = ECRA_BUF_INIT(16 * 1024 * 1024);
	void *it;
	int error;

	ECRA_ASSERT_ARG(out);
	*out = NULL;
	ECRA_ASSERT_ARG(path);
	if ((c = ecra_calloc(1, sizeof(*c))) == NULL)
		return ECRA_ENOMEM;
	if ((c->path = ecra_strdup(path)) == NULL) {
		error = ECRA_ENOMEM;
		goto done;
	}
	if ((error = ecra_buf_read_file(&text, path)) < 0)
		goto done;
	if ((error = ecra_json_parse(
	         &c->doc, text.ptr ? text.ptr : "", text.size, path, 0)) < 0)
		goto done;
	if (!truthy(c->doc)) {
		error = ecra_error_set(ECRA_EINVALID,
		    "'%s' holds a JSON %s, which counts as no credentials",
		    path, ecra_json_type_name(c->doc));
		goto done;
	}
	c->domains = ecra_json_get(c->doc, "domainCredentials");
	if (ecra_json_typeof(c->doc) != ECRA_JSON_OBJECT ||
	    c->domains == NULL ||
	    ecra_json_typeof(c->domains) != ECRA_JSON_OBJECT) {
		error = ecra_error_set(ECRA_EINVALID,
		    "'%s' has no 'domainCredentials' object", path);
		goto done;
	}
	for (it = ecra_json_iter(c->domains); it != NULL;
	     it = ecra_json_iter_next(c->domains, it))
		if ((error = ecra_strvec_push(
		         &c->keys, ecra_json_iter_key(it))) < 0)
			goto done;
	*out = c;
	c = NULL;
done:
	if (text.ptr != NULL)
		memset(text.ptr, 0, text.size);
	ecra_buf_dispose(&text);
	ecra_docker_creds_free(c);
	return error;
}

void ecra_docker_creds_free(ecra_docker_creds *c)
{
	if (c == NULL)
		return;
	ecra_free(c->path);
	ecra_json_free(c->doc);
	ecra_strvec_dispose(&c->keys);
	ecra_free(c);
}

const char *ecra_docker_creds_path(const ecra_docker_creds *c)
{
	return c != NULL ? c->path : NULL;
}

size_t ecra_docker_creds_count(const ecra_docker_creds *c)
{
	return c != NULL ? c->keys.count : 0;
}

const char *ecra_docker_creds_domain(const ecra_docker_creds *c, size_t i)
{
	return c != NULL && i < c->keys.count ? c->keys.items[i] : NULL;
}

/* ---------------------------------------------------------------------- */
/* Lookup                                                                  */

/* The parts of a server URL the lookup needs (owned strings). */
typedef struct {
	char *url;      /* with "https://" prepended if it had no "://" */
	char *hostname; /* lower-cased, without port or brackets kept */
	char *hostport; /* host[:port] as written, or NULL without a port */
} parsed_url;

static void server_url_dispose(parsed_url *u)
{
	ecra_free(u->url);
	ecra_free(u->hostname);
	ecra_free(u->hostport);
	memset(u, 0, sizeof(*u));
}

/* A WHATWG-like reading of the authority: enough for registry names
 * ("host", "host:port", "[v6]:port", "https://host/path"). */
static int parse_server_url(parsed_url *u, const char *input)
{
	const char *auth, *end, *at, *host, *host_end, *p;
	bool special;
	size_t i;
	int error;

	memset(u, 0, sizeof(*u));
	{
		ecra_buf b = ECRA_BUF_INIT(0);

		if (ecra_buf_printf(&b, "%s%s",
		        strstr(input, "://") != NULL ? "" : "https://",
		        input) < 0 ||
		    (u->url = ecra_buf_detach(&b)) == NULL) {
			ecra_buf_dispose(&b);
			return ECRA_ENOMEM;
		}
	}
	auth = strstr(u->url, "://") + 3;
	special = strncmp(u->url, "https://", 8) == 0 ||
	          strncmp(u->url, "http://", 7) == 0;
	end = auth + strcspn(auth, special ? "/?#\\" : "/?#");
	/* userinfo ends at the last '@' of the authority */
	for (at = NULL, p = auth; p < end; p++)
		if (*p == '@')
			at = p;
	host = at != NULL ? at + 1 : auth;
	if (*host == '[') {
		host_end = memchr(host, ']', (size_t)(end - host));
		if (host_end == NULL)
			goto invalid;
		host_end++;
	} else {
		host_end = memchr(host, ':', (size_t)(end - host));
		if (host_end == NULL)
			host_end = end;
	}
	if (host_end == host)
		goto invalid;
	if (host_end < end) {
		if (*host_end != ':')
			goto invalid;
		for (p = host_end + 1; p < end; p++)
			if (!isdigit((unsigned char)*p))
				goto invalid;
		if ((u->hostport = ecra_strndup(host, (size_t)(end - host))) ==
		    NULL) {
			error = ECRA_ENOMEM;
			goto fail;
		}
	}
	if ((u->hostname = ecra_strndup(host, (size_t)(host_end - host))) ==
	    NULL) {
		error = ECRA_ENOMEM;
		goto fail;
	}
	for (i = 0; u->hostname[i]; i++)
		u->hostname[i] = (char)tolower((unsigned char)u->hostname[i]);
	return 0;
invalid:
	error = ecra_error_set(ECRA_EINVALID, "invalid URL '%s'", input);
fail:
	server_url_dispose(u);
	return error;
}

/* The key of `domainCredentials` equal to `key` (owned by c), or NULL. */
static const char *known(const ecra_docker_creds *c, const char *key)
{
	size_t i;

	for (i = 0; key != NULL && i < c->keys.count; i++)
		if (strcmp(c->keys.items[i], key) == 0)
			return c->keys.items[i];
	return NULL;
}

static bool is_null(const ecra_json *v)
{
	return v == NULL || ecra_json_typeof(v) == ECRA_JSON_NULL;
}

/* Match as cdk-assets (hostname, then the URL), then host:port. */
static int match(const ecra_docker_creds *c, const char *input,
    const char **domain, ecra_json **entry)
{
	parsed_url u;
	const char *key = NULL;
	int error;

	*domain = NULL;
	*entry = NULL;
	if ((error = parse_server_url(&u, input)) < 0)
		return error;
	if (known(c, u.hostname) != NULL || known(c, u.url) != NULL) {
		/* `config[domain] ?? config[endpoint]` */
		key = known(c, u.hostname);
		if (key == NULL || (is_null(ecra_json_get(c->domains, key)) &&
		                       known(c, u.url) != NULL))
			key = known(c, u.url);
	} else {
		key = known(c, u.hostport);
	}
	if (key == NULL) {
		error = ecra_error_set(
		    ECRA_ENOTFOUND, "unknown domain %s", u.hostname);
		goto done;
	}
	*domain = key;
	*entry = ecra_json_get(c->domains, key);
done:
	server_url_dispose(&u);
	return error;
}

int ecra_docker_creds_match(
    const ecra_docker_creds *c, const char *server_url, const char **domain)
{
	ecra_json *entry;

	ECRA_ASSERT_ARG(c);
	ECRA_ASSERT_ARG(server_url);
	ECRA_ASSERT_ARG(domain);
	return match(c, server_url, domain, &entry);
}

/* ---------------------------------------------------------------------- */
/* Fetching                                                                */

int ecra_docker_creds_options_init(
    ecra_docker_creds_options *opts, unsigned int version)
{
	ecra_docker_creds_options defaults = ECRA_DOCKER_CREDS_OPTIONS_INIT;

	ECRA_ASSERT_ARG(opts);
	if (version == 0 || version > ECRA_DOCKER_CREDS_OPTIONS_VERSION)
		return ecra_error_set(ECRA_EINVALID,
		    "invalid version %u for 'ecra_docker_creds_options'",
		    version);
	*opts = defaults;
	return 0;
}

/* One AWS session: config, HTTP client, the credentials to sign with. */
typedef struct {
	ecra_aws_env env;
	ecra_aws_config *cfg;
	ecra_http *http;
	const char *region;
	ecra_aws_creds creds;
	unsigned int timeout_ms;
} aws_session;

static void session_dispose(aws_session *s)
{
	ecra_aws_creds_dispose(&s->creds);
	ecra_http_free(s->http);
	ecra_aws_config_free(s->cfg);
	memset(s, 0, sizeof(*s));
}

static int service_options(aws_session *s, ecra_aws_service_options *so,
    const char *service, const ecra_aws_creds *creds, char **endpoint)
{
	int error;

	memset(so, 0, sizeof(*so));
	if ((error = ecra_aws_config_endpoint(
	         endpoint, s->cfg, service, s->region)) < 0)
		return error;
	so->version = ECRA_AWS_SERVICE_OPTIONS_VERSION;
	so->http = s->http;
	so->region = s->region;
	so->endpoint = *endpoint;
	so->credentials = ecra_aws_creds_view(creds);
	so->max_attempts = ecra_aws_config_max_attempts(s->cfg);
	so->timeout_ms = s->timeout_ms;
	return 0;
}

/* Config, region and the base credentials; then the role, if any. */
static int session_open(
    aws_session *s, const ecra_docker_creds_options *o, const char *role_arn)
{
	static const ecra_docker_creds_options none =
	    ECRA_DOCKER_CREDS_OPTIONS_INIT;
	ecra_aws_config_options co;
	ecra_http_options ho;
	ecra_aws_credential_plan plan;
	ecra_aws_creds base;
	ecra_aws_service_options so;
	ecra_sts_assume_role_params ap;
	ecra_sts *sts = NULL;
	char *session = NULL, *endpoint = NULL;
	int error;

	memset(s, 0, sizeof(*s));
	memset(&plan, 0, sizeof(plan));
	memset(&base, 0, sizeof(base));
	if (o == NULL)
		o = &none;
	s->timeout_ms = o->timeout_ms;
	if ((error = ecra_pub_aws_settings(&s->env, &co, &o->aws)) < 0)
		goto done;
	if ((error = ecra_aws_config_load(&s->cfg, &co)) < 0)
		goto done;
	if ((s->region = ecra_aws_config_region(s->cfg)) == NULL) {
		error = ecra_error_set(ECRA_EINVALID, "Region is missing");
		goto done;
	}
	memset(&ho, 0, sizeof(ho));
	ho.version = ECRA_HTTP_OPTIONS_VERSION;
	if ((error = ecra_http_new(&s->http, &ho)) < 0 ||
	    (error = ecra_sts_session_name(
	         &session, "cdk-assets-", o->aws.user_name)) < 0 ||
	    (error = ecra_aws_config_credentials(&plan, s->cfg)) < 0 ||
	    (error = ecra_aws_resolve_credentials(
	         &base, &plan, s->cfg, s->http, s->region, session)) < 0)
		goto done;
	if (role_arn == NULL) {
		s->creds = base;
		memset(&base, 0, sizeof(base));
		goto done;
	}
	if ((error = service_options(s, &so, "sts", &base, &endpoint)) < 0 ||
	    (error = ecra_sts_new(&sts, &so)) < 0)
		goto done;
	memset(&ap, 0, sizeof(ap));
	ap.role_arn = role_arn;
	ap.session_name = session;
	error = ecra_sts_assume_role(&s->creds, sts, &ap);
done:
	ecra_sts_free(sts);
	ecra_free(endpoint);
	ecra_free(session);
	ecra_aws_creds_dispose(&base);
	ecra_aws_credential_plan_dispose(&plan);
	return error;
}

/* A string option of a domain entry: NULL when absent or null. */
static int string_field(
    const ecra_json *entry, const char *key, const char *def, const char **out)
{
	const ecra_json *v = ecra_json_get(entry, key);

	*out = def;
	if (v == NULL || ecra_json_typeof(v) == ECRA_JSON_NULL)
		return 0;
	if ((*out = ecra_json_string(v)) == NULL)
		return ecra_error_set(ECRA_EINVALID,
		    "'%s' of a docker credentials domain must be a string",
		    key);
	return 0;
}

static int from_secret(aws_session *s, const char *secret_id,
    const ecra_json *entry, char **username, char **secret)
{
	ecra_aws_service_options so;
	ecra_secretsmanager *sm = NULL;
	ecra_secret_value val;
	ecra_json *doc = NULL;
	const char *ufield, *pfield, *u, *p;
	char *endpoint = NULL;
	int error;

	memset(&val, 0, sizeof(val));
	if ((error = string_field(
	         entry, "secretsUsernameField", "username", &ufield)) < 0 ||
	    (error = string_field(
	         entry, "secretsPasswordField", "secret", &pfield)) < 0 ||
	    (error = service_options(
	         s, &so, "secretsmanager", &s->creds, &endpoint)) < 0 ||
	    (error = ecra_secretsmanager_new(&sm, &so)) < 0 ||
	    (error = ecra_secretsmanager_get_secret_value(
	         &val, sm, secret_id)) < 0)
		goto done;
	if (val.secret_string == NULL || val.secret_string[0] == '\0') {
		error = ecra_error_set(ECRA_EINVALID,
		    "unable to fetch SecretString from secret: %s", secret_id);
		goto done;
	}
	if (ecra_json_parse(&doc, val.secret_string, strlen(val.secret_string),
	        "SecretString", 0) < 0) {
		/* never echo the secret's text in the message */
		error = ecra_error_set(
		    ECRA_EINVALID, "malformed secret string (not JSON)");
		goto done;
	}
	u = ecra_json_string(ecra_json_get(doc, ufield));
	p = ecra_json_string(ecra_json_get(doc, pfield));
	if (ecra_json_typeof(doc) != ECRA_JSON_OBJECT || u == NULL ||
	    p == NULL || u[0] == '\0' || p[0] == '\0') {
		error = ecra_error_set(ECRA_EINVALID,
		    "malformed secret string (\"%s\" or \"%s\" field missing)",
		    ufield, pfield);
		goto done;
	}
	if ((*username = ecra_strdup(u)) == NULL ||
	    (*secret = ecra_strdup(p)) == NULL)
		error = ECRA_ENOMEM;
done:
	ecra_json_free(doc);
	ecra_secret_value_dispose(&val);
	ecra_secretsmanager_free(sm);
	ecra_free(endpoint);
	return error;
}

static int from_ecr(aws_session *s, char **username, char **secret)
{
	ecra_aws_service_options so;
	ecra_ecr *ecr = NULL;
	ecra_ecr_auth auth;
	char *endpoint = NULL;
	int error;

	memset(&auth, 0, sizeof(auth));
	if ((error = service_options(s, &so, "ecr", &s->creds, &endpoint)) <
	        0 ||
	    (error = ecra_ecr_new(&ecr, &so)) < 0 ||
	    (error = ecra_ecr_get_authorization(&auth, ecr)) < 0)
		goto done;
	*username = auth.username;
	*secret = auth.password;
	auth.username = auth.password = NULL;
done:
	ecra_ecr_auth_dispose(&auth);
	ecra_ecr_free(ecr);
	ecra_free(endpoint);
	return error;
}

int ecra_docker_creds_get(const ecra_docker_creds *c, const char *server_url,
    const ecra_docker_creds_options *opts, char **username, char **secret)
{
	const char *domain, *secret_id = NULL, *role = NULL;
	ecra_json *entry = NULL, *sid, *arn;
	aws_session s;
	int error;

	ECRA_ASSERT_ARG(username);
	ECRA_ASSERT_ARG(secret);
	*username = *secret = NULL;
	ECRA_ASSERT_ARG(c);
	ECRA_ASSERT_ARG(server_url);
	ECRA_CHECK_VERSION(
	    opts, ECRA_DOCKER_CREDS_OPTIONS_VERSION, ecra_docker_creds_options);
	if (opts != NULL && opts->version < 2)
		return ecra_error_set(ECRA_EINVALID,
		    "ecra_docker_creds_options version %u has the layout "
		    "before "
		    "version 2 (flat aws_* fields); rebuild against this "
		    "library's headers",
		    opts->version);
	memset(&s, 0, sizeof(s));
	if ((error = match(c, server_url, &domain, &entry)) < 0)
		return error;
	if (entry == NULL || ecra_json_typeof(entry) != ECRA_JSON_OBJECT)
		entry = NULL;
	sid = ecra_json_get(entry, "secretsManagerSecretId");
	arn = ecra_json_get(entry, "assumeRoleArn");
	if (truthy(sid) && (secret_id = ecra_json_string(sid)) == NULL)
		return ecra_error_set(ECRA_EINVALID,
		    "'secretsManagerSecretId' of domain '%s' must be a string",
		    domain);
	if (secret_id == NULL && !truthy(ecra_json_get(entry, "ecrRepository")))
		return ecra_error_set(ECRA_EINVALID,
		    "unknown credential type: no secret ID or ECR repo");
	if (truthy(arn) && (role = ecra_json_string(arn)) == NULL)
		return ecra_error_set(ECRA_EINVALID,
		    "'assumeRoleArn' of domain '%s' must be a string", domain);
	if ((error = session_open(&s, opts, role)) < 0)
		goto done;
	if (secret_id != NULL)
		error = from_secret(&s, secret_id, entry, username, secret);
	else
		error = from_ecr(&s, username, secret);
done:
	session_dispose(&s);
	if (error < 0) {
		if (*secret != NULL)
			memset(*secret, 0, strlen(*secret));
		ecra_free(*username);
		ecra_free(*secret);
		*username = *secret = NULL;
	}
	return error;
}
