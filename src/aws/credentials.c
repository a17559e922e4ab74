/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * aws/credentials.c - shared config/credentials files, region, endpoints,
 * partitions and the credential chain, following AWS SDK for JavaScript
 * v3 (which cdk-assets bundles):
 *
 * - files: $AWS_CONFIG_FILE or ~/.aws/config ("[profile x]", "[default]",
 *   "[services x]"), $AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials
 *   ("[x]"); for the same profile, credentials-file values win;
 * - parsing as SDK v3's parseIni: '#' or ';' starts a comment at the start
 *   of a line or after whitespace; an indented "k = v" under a key with an
 *   empty value is stored as "parent.k";
 * - region: AWS_REGION, then `region` of AWS_PROFILE or "default";
 * - credentials: environment keys unless a profile is selected (option or
 *   AWS_PROFILE), then the profile (static keys, or role_arn with
 *   source_profile, recursively).
 */
#include "aws/aws.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "core/error.h"
#include "util/buf.h"

#define MAX_CHAIN 8
#define MAX_FILE  (4u * 1024 * 1024)

typedef struct {
	char *section; /* "profile:x", "services:x", "sso-session:x" */
	char *key;
	char *value;
} entry;

typedef struct {
	entry *items;
	size_t count;
	size_t alloc;
	char *path;
} ini;

struct ecra_aws_config {
	ini config;
	ini creds;
	char *env_region;
	char *env_profile;
	char *profile_override;
	char *env_ak, *env_sk, *env_token;
	char *ep_all, *ep_ecr, *ep_sts, *ep_sm, *ep_ignore;
	char *max_attempts;
};

static void ini_dispose(ini *f)
{
	size_t i;

	for (i = 0; i < f->count; i++) {
		ecra_free(f->items[i].section);
		ecra_free(f->items[i].key);
		ecra_free(f->items[i].value);
	}
	ecra_free(f->items);
	ecra_free(f->path);
	memset(f, 0, sizeof(*f));
}

static int ini_add(ini *f, const char *section, const char *key, size_t keylen,
    const char *value, size_t vallen)
{
	entry *e;
	size_t i;

	/* a later duplicate key overrides */
	for (i = 0; i < f->count; i++)
		if (strcmp(f->items[i].section, section) == 0 &&
		    strlen(f->items[i].key) == keylen &&
		    memcmp(f->items[i].key, key, keylen) == 0) {
			char *v = ecra_strndup(value, vallen);

			if (v == NULL)
				return ECRA_ENOMEM;
			ecra_free(f->items[i].value);
			f->items[i].value = v;
			return 0;
		}
	if (f->count == f->alloc) {
		size_t n = f->alloc ? f->alloc * 2 : 16;
		void *p = ecra_realloc(f->items, n * sizeof(*f->items));

		if (p == NULL)
			return ECRA_ENOMEM;
		f->items = p;
		f->alloc = n;
	}
	e = &f->items[f->count];
	e->section = ecra_strdup(section);
	e->key = ecra_strndup(key, keylen);
	e->value = ecra_strndup(value, vallen);
	f->count++;
	if (e->section == NULL || e->key == NULL || e->value == NULL)
		return ECRA_ENOMEM;
	return 0;
}

static const char *ini_get(const ini *f, const char *section, const char *key)
{
	size_t i;

	for (i = 0; i < f->count; i++)
		if (strcmp(f->items[i].section, section) == 0 &&
		    strcmp(f->items[i].key, key) == 0)
			return f->items[i].value;
	return NULL;
}

static bool ini_has_section(const ini *f, const char *section)
{
	size_t i;

	for (i = 0; i < f->count; i++)
		if (strcmp(f->items[i].section, section) == 0)
			return true;
	return false;
}

static void trim(const char **s, const char **e)
{
	while (*s < *e && isspace((unsigned char)**s))
		(*s)++;
	while (*e > *s && isspace((unsigned char)(*e)[-1]))
		(*e)--;
}

/* Parse `text`; is_config: sections are "profile x"/"default"/"services
 * x"; otherwise every section is a profile. */
static int ini_parse(ini *f, const char *text, size_t len, bool is_config)
{
	ecra_buf section = ECRA_BUF_INIT(0);
	char parent[256] = "";
	const char *p = text, *end = text + len;
	unsigned int lineno = 0;
	int error = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *ls = p, *le = nl ? nl : end, *c;
		bool indented = ls < le && (*ls == ' ' || *ls == '\t');

		p = nl ? nl + 1 : end;
		lineno++;
		/* comments: at line start, or '#'/';' after whitespace */
		for (c = ls; c < le; c++)
			if ((*c == '#' || *c == ';') &&
			    (c == ls || isspace((unsigned char)c[-1]))) {
				le = c;
				break;
			}
		trim(&ls, &le);
		if (ls == le)
			continue;
		if (*ls == '[') {
			const char *ns, *ne, *sp;

			if (le[-1] != ']')
				goto malformed;
			ns = ls + 1;
			ne = le - 1;
			trim(&ns, &ne);
			ecra_buf_clear(&section);
			parent[0] = '\0';
			sp = memchr(ns, ' ', (size_t)(ne - ns));
			if (!is_config) {
				error = ecra_buf_printf(&section,
				    "profile:%.*s", (int)(ne - ns), ns);
			} else if (sp == NULL) {
				/* only [default] is a profile without prefix */
				error = ecra_buf_printf(&section, "%s:%.*s",
				    (size_t)(ne - ns) == 7 &&
				            memcmp(ns, "default", 7) == 0
				        ? "profile"
				        : "other",
				    (int)(ne - ns), ns);
			} else {
				const char *rs = sp + 1, *re = ne;

				trim(&rs, &re);
				error = ecra_buf_printf(&section, "%.*s:%.*s",
				    (int)(sp - ns), ns, (int)(re - rs), rs);
			}
			if (error < 0)
				goto done;
			continue;
		}
		{
			const char *eq = memchr(ls, '=', (size_t)(le - ls));
			const char *ks = ls, *ke, *vs, *ve = le;
			char key[512];

			if (eq == NULL || section.size == 0)
				goto malformed;
			ke = eq;
			vs = eq + 1;
			trim(&ks, &ke);
			trim(&vs, &ve);
			if (ke == ks)
				goto malformed;
			if (indented && parent[0] != '\0') {
				snprintf(key, sizeof(key), "%s.%.*s", parent,
				    (int)(ke - ks), ks);
				error = ini_add(f, section.ptr, key,
				    strlen(key), vs, (size_t)(ve - vs));
			} else {
				if (vs == ve &&
				    (size_t)(ke - ks) < sizeof(parent))
					snprintf(parent, sizeof(parent), "%.*s",
					    (int)(ke - ks), ks);
				else
					parent[0] = '\0';
				error = ini_add(f, section.ptr, ks,
				    (size_t)(ke - ks), vs, (size_t)(ve - vs));
			}
			if (error < 0)
				goto done;
		}
	}
	goto done;
malformed:
	error = ecra_error_set(ECRA_EINVALID,
	    "malformed line %u in AWS file '%s'", lineno, f->path);
done:
	ecra_buf_dispose(&section);
	return error;
}

static int load_file(ini *f, const char *path, bool is_config)
{
	ecra_buf b = ECRA_BUF_INIT(MAX_FILE);
	int error;

	if ((f->path = ecra_strdup(path)) == NULL)
		return ECRA_ENOMEM;
	if ((error = ecra_buf_read_file(&b, path)) < 0) {
		ecra_buf_dispose(&b);
		if (error == ECRA_ENOTFOUND) {
			ecra_error_clear();
			return 0; /* a missing file is an empty one */
		}
		return error;
	}
	error = ini_parse(f, b.ptr ? b.ptr : "", b.size, is_config);
	ecra_buf_dispose(&b);
	return error;
}

static int file_path(
    char **out, const char *given, const char *home, const char *rel)
{
	ecra_buf b = ECRA_BUF_INIT(0);
	int error;

	if (given != NULL && *given != '\0') {
		if (given[0] == '~' && given[1] == '/' && home != NULL)
			error = ecra_buf_printf(&b, "%s%s", home, given + 1);
		else
			error = ecra_buf_puts(&b, given);
	} else if (home != NULL && *home != '\0') {
		error = ecra_buf_printf(&b, "%s/%s", home, rel);
	} else {
		*out = NULL;
		return 0;
	}
	if (error < 0) {
		ecra_buf_dispose(&b);
		return error;
	}
	*out = ecra_buf_detach(&b);
	return *out ? 0 : ECRA_ENOMEM;
}

static char *dup_env(const char *s, bool *failed)
{
	char *d;

	if (s == NULL || *s == '\0')
		return NULL;
	if ((d = ecra_strdup(s)) == NULL)
		*failed = true;
	return d;
}

void ecra_aws_config_free(ecra_aws_config *cfg)
{
	if (cfg == NULL)
		return;
	ini_dispose(&cfg->config);
	ini_dispose(&cfg->creds);
	ecra_free(cfg->env_region);
	ecra_free(cfg->env_profile);
	ecra_free(cfg->profile_override);
	ecra_free(cfg->env_ak);
	ecra_free(cfg->env_sk);
	ecra_free(cfg->env_token);
	ecra_free(cfg->ep_all);
	ecra_free(cfg->ep_ecr);
	ecra_free(cfg->ep_sts);
	ecra_free(cfg->ep_sm);
	ecra_free(cfg->ep_ignore);
	ecra_free(cfg->max_attempts);
	ecra_free(cfg);
}

int ecra_aws_config_load(
    ecra_aws_config **out, const ecra_aws_config_options *opts)
{
	static const ecra_aws_env empty_env;
	const ecra_aws_env *env;
	ecra_aws_config *cfg = NULL;
	char *cpath = NULL, *kpath = NULL;
	bool failed = false;
	int error = 0;

	ECRA_ASSERT_ARG(out);
	*out = NULL;
	ECRA_CHECK_VERSION(
	    opts, ECRA_AWS_CONFIG_OPTIONS_VERSION, ecra_aws_config_options);
	env = opts && opts->env ? opts->env : &empty_env;
	if ((cfg = ecra_calloc(1, sizeof(*cfg))) == NULL)
		return ECRA_ENOMEM;
	cfg->env_region = dup_env(env->region, &failed);
	cfg->env_profile = dup_env(env->profile, &failed);
	cfg->profile_override = dup_env(opts ? opts->profile : NULL, &failed);
	cfg->env_ak = dup_env(env->access_key_id, &failed);
	cfg->env_sk = dup_env(env->secret_access_key, &failed);
	cfg->env_token = dup_env(env->session_token, &failed);
	cfg->ep_all = dup_env(env->endpoint_url, &failed);
	cfg->ep_ecr = dup_env(env->endpoint_url_ecr, &failed);
	cfg->ep_sts = dup_env(env->endpoint_url_sts, &failed);
	cfg->ep_sm = dup_env(env->endpoint_url_secrets_manager, &failed);
	cfg->ep_ignore = dup_env(env->ignore_configured_endpoint_urls, &failed);
	cfg->max_attempts = dup_env(env->max_attempts, &failed);
	if (failed) {
		error = ECRA_ENOMEM;
		goto done;
	}
	if ((error = file_path(
	         &cpath, env->config_file, env->home, ".aws/config")) < 0 ||
	    (error = file_path(&kpath, env->credentials_file, env->home,
	         ".aws/credentials")) < 0)
		goto done;
	if (cpath != NULL && (error = load_file(&cfg->config, cpath, true)) < 0)
		goto done;
	if (kpath != NULL && (error = load_file(&cfg->creds, kpath, false)) < 0)
		goto done;
	*out = cfg;
	cfg = NULL;
done:
	ecra_aws_config_free(cfg);
	ecra_free(cpath);
	ecra_free(kpath);
	return error;
}

const char *ecra_aws_config_get(
    const ecra_aws_config *cfg, const char *profile, const char *key)
{
	char section[320];
	const char *v;

	snprintf(section, sizeof(section), "profile:%s", profile);
	if ((v = ini_get(&cfg->creds, section, key)) != NULL)
		return v;
	return ini_get(&cfg->config, section, key);
}

static const char *config_profile(const ecra_aws_config *cfg)
{
	return cfg->env_profile ? cfg->env_profile : "default";
}

static const char *credentials_profile(const ecra_aws_config *cfg)
{
	if (cfg->profile_override)
		return cfg->profile_override;
	return config_profile(cfg);
}

const char *ecra_aws_config_region(const ecra_aws_config *cfg)
{
	const char *r;

	if (cfg->env_region)
		return cfg->env_region;
	r = ecra_aws_config_get(cfg, config_profile(cfg), "region");
	return r && *r ? r : NULL;
}

unsigned int ecra_aws_config_max_attempts(const ecra_aws_config *cfg)
{
	const char *v = cfg->max_attempts;
	long n;
	char *end;

	if (v == NULL)
		v = ecra_aws_config_get(
		    cfg, config_profile(cfg), "max_attempts");
	if (v == NULL)
		return 3;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < 1 || n > 20)
		return 3;
	return (unsigned int)n;
}

const ecra_aws_partition *ecra_aws_partition_of(const char *region)
{
	static const ecra_aws_partition parts[] = {
		{ "aws", "amazonaws.com" },
		{ "aws-cn", "amazonaws.com.cn" },
		{ "aws-us-gov", "amazonaws.com" },
		{ "aws-iso", "c2s.ic.gov" },
		{ "aws-iso-b", "sc2s.sgov.gov" },
		{ "aws-iso-e", "cloud.adc-e.uk" },
		{ "aws-iso-f", "csp.hci.ic.gov" },
		{ "aws-eusc", "amazonaws.eu" },
	};

	if (region == NULL)
		return &parts[0];
	if (strncmp(region, "cn-", 3) == 0)
		return &parts[1];
	if (strncmp(region, "us-gov-", 7) == 0)
		return &parts[2];
	if (strncmp(region, "us-isob-", 8) == 0)
		return &parts[4];
	if (strncmp(region, "us-iso-", 7) == 0)
		return &parts[3];
	if (strncmp(region, "eu-isoe-", 8) == 0)
		return &parts[5];
	if (strncmp(region, "us-isof-", 8) == 0)
		return &parts[6];
	if (strncmp(region, "eusc-", 5) == 0)
		return &parts[7];
	return &parts[0];
}

static bool is_true(const char *v)
{
	return v != NULL && strcasecmp(v, "true") == 0;
}

int ecra_aws_config_endpoint(char **out, const ecra_aws_config *cfg,
    const char *service, const char *region)
{
	/* signing name, services-section key, default host */
	static const struct {
		const char *name;
		const char *config_key;
		const char *host;
	} services[] = {
		{ "ecr", "ecr", "api.ecr" },
		{ "sts", "sts", "sts" },
		{ "secretsmanager", "secrets_manager", "secretsmanager" },
	};
	const char *profile = config_profile(cfg), *v = NULL, *section_name;
	ecra_buf b = ECRA_BUF_INIT(0);
	size_t k;
	int error;

	*out = NULL;
	for (k = 0; k < sizeof(services) / sizeof(services[0]); k++)
		if (strcmp(service, services[k].name) == 0)
			break;
	if (k == sizeof(services) / sizeof(services[0]))
		return ecra_error_set(
		    ECRA_EINVALID, "unknown AWS service '%s'", service);
	if (!is_true(cfg->ep_ignore) &&
	    !is_true(ecra_aws_config_get(
	        cfg, profile, "ignore_configured_endpoint_urls"))) {
		v = k == 0 ? cfg->ep_ecr : k == 1 ? cfg->ep_sts : cfg->ep_sm;
		if (v == NULL)
			v = cfg->ep_all;
		if (v == NULL && (section_name = ecra_aws_config_get(
		                      cfg, profile, "services")) != NULL) {
			char section[320], key[64];

			snprintf(section, sizeof(section), "services:%s",
			    section_name);
			snprintf(key, sizeof(key), "%s.endpoint_url",
			    services[k].config_key);
			v = ini_get(&cfg->config, section, key);
		}
		if (v == NULL)
			v = ecra_aws_config_get(cfg, profile, "endpoint_url");
	}
	if (v != NULL && *v != '\0') {
		error = ecra_buf_puts(&b, v);
	} else {
		if (region == NULL || *region == '\0')
			return ecra_error_set(
			    ECRA_EINVALID, "Region is missing");
		error =
		    ecra_buf_printf(&b, "https://%s.%s.%s", services[k].host,
		        region, ecra_aws_partition_of(region)->dns_suffix);
	}
	if (error < 0) {
		ecra_buf_dispose(&b);
		return error;
	}
	*out = ecra_buf_detach(&b);
	return *out ? 0 : ECRA_ENOMEM;
}

/* ---------------------------------------------------------- credentials */

void ecra_aws_creds_dispose(ecra_aws_creds *c)
{
	if (c == NULL)
		return;
	ecra_free(c->access_key_id);
	if (c->secret_access_key)
		memset(c->secret_access_key, 0, strlen(c->secret_access_key));
	ecra_free(c->secret_access_key);
	ecra_free(c->session_token);
	ecra_free(c->source);
	memset(c, 0, sizeof(*c));
}

int ecra_aws_creds_copy(
    ecra_aws_creds *out, const ecra_aws_credentials *in, const char *source)
{
	memset(out, 0, sizeof(*out));
	out->access_key_id = ecra_strdup(in->access_key_id);
	out->secret_access_key = ecra_strdup(in->secret_access_key);
	out->source = ecra_strdup(source ? source : "explicit");
	if (in->session_token && *in->session_token)
		out->session_token = ecra_strdup(in->session_token);
	if (out->access_key_id == NULL || out->secret_access_key == NULL ||
	    out->source == NULL ||
	    (in->session_token && *in->session_token &&
	        out->session_token == NULL)) {
		ecra_aws_creds_dispose(out);
		return ECRA_ENOMEM;
	}
	return 0;
}

ecra_aws_credentials ecra_aws_creds_view(const ecra_aws_creds *c)
{
	ecra_aws_credentials v;

	v.access_key_id = c->access_key_id;
	v.secret_access_key = c->secret_access_key;
	v.session_token = c->session_token;
	return v;
}

void ecra_aws_credential_plan_dispose(ecra_aws_credential_plan *plan)
{
	size_t i;

	if (plan == NULL)
		return;
	ecra_aws_creds_dispose(&plan->base);
	for (i = 0; i < plan->role_count; i++) {
		ecra_free(plan->roles[i].role_arn);
		ecra_free(plan->roles[i].external_id);
		ecra_free(plan->roles[i].session_name);
		ecra_free(plan->roles[i].profile);
	}
	ecra_free(plan->roles);
	memset(plan, 0, sizeof(*plan));
}

static bool profile_exists(const ecra_aws_config *cfg, const char *name)
{
	char section[320];

	snprintf(section, sizeof(section), "profile:%s", name);
	return ini_has_section(&cfg->creds, section) ||
	       ini_has_section(&cfg->config, section);
}

static int add_role(ecra_aws_credential_plan *plan, const ecra_aws_config *cfg,
    const char *profile, const char *role_arn)
{
	ecra_aws_role_step *r;
	const char *ext = ecra_aws_config_get(cfg, profile, "external_id");
	const char *sess =
	    ecra_aws_config_get(cfg, profile, "role_session_name");
	const char *dur = ecra_aws_config_get(cfg, profile, "duration_seconds");
	void *p = ecra_realloc(
	    plan->roles, (plan->role_count + 1) * sizeof(*plan->roles));

	if (p == NULL)
		return ECRA_ENOMEM;
	plan->roles = p;
	/* roles are found from the outermost profile inwards: prepend */
	memmove(&plan->roles[1], &plan->roles[0],
	    plan->role_count * sizeof(*plan->roles));
	r = &plan->roles[0];
	memset(r, 0, sizeof(*r));
	plan->role_count++;
	r->role_arn = ecra_strdup(role_arn);
	r->profile = ecra_strdup(profile);
	r->external_id = ext ? ecra_strdup(ext) : NULL;
	r->session_name = sess ? ecra_strdup(sess) : NULL;
	r->duration_s = dur ? (unsigned int)strtoul(dur, NULL, 10) : 0;
	if (r->role_arn == NULL || r->profile == NULL ||
	    (ext && r->external_id == NULL) ||
	    (sess && r->session_name == NULL))
		return ECRA_ENOMEM;
	return 0;
}

static int resolve_profile(ecra_aws_credential_plan *plan,
    const ecra_aws_config *cfg, const char *profile, unsigned int depth,
    const char *visited[])
{
	const char *ak, *sk, *token, *role, *source, *csource;
	char where[400];
	unsigned int i;
	int error;

	for (i = 0; i < depth; i++)
		if (strcmp(visited[i], profile) == 0)
			return ecra_error_set(ECRA_EINVALID,
			    "profile '%s': source_profile chain loops",
			    profile);
	if (depth >= MAX_CHAIN)
		return ecra_error_set(ECRA_EINVALID,
		    "profile '%s': source_profile chain longer than %d",
		    profile, MAX_CHAIN);
	visited[depth] = profile;
	if (!profile_exists(cfg, profile))
		return ecra_error_set(ECRA_ENOTFOUND,
		    "AWS profile '%s' not found in '%s' or '%s'", profile,
		    cfg->config.path ? cfg->config.path : "(no config file)",
		    cfg->creds.path ? cfg->creds.path
		                    : "(no credentials file)");
	role = ecra_aws_config_get(cfg, profile, "role_arn");
	source = ecra_aws_config_get(cfg, profile, "source_profile");
	csource = ecra_aws_config_get(cfg, profile, "credential_source");
	ak = ecra_aws_config_get(cfg, profile, "aws_access_key_id");
	sk = ecra_aws_config_get(cfg, profile, "aws_secret_access_key");
	token = ecra_aws_config_get(cfg, profile, "aws_session_token");
	snprintf(where, sizeof(where), "profile '%s'", profile);

	if (role != NULL && *role != '\0') {
		if ((error = add_role(plan, cfg, profile, role)) < 0)
			return error;
		if (source != NULL && *source != '\0') {
			/* a profile that names itself uses its own keys */
			if (strcmp(source, profile) == 0 && ak && sk)
				goto static_keys;
			return resolve_profile(
			    plan, cfg, source, depth + 1, visited);
		}
		if (csource != NULL)
			return ecra_error_set(ECRA_EUNSUPPORTED,
			    "profile '%s': credential_source '%s' is not "
			    "supported",
			    profile, csource);
		return ecra_error_set(ECRA_EINVALID,
		    "profile '%s' has role_arn but no source_profile", profile);
	}
static_keys:
	if (ak != NULL && *ak && sk != NULL && *sk) {
		ecra_aws_credentials c = { ak, sk, token };

		return ecra_aws_creds_copy(&plan->base, &c, where) < 0
		           ? ECRA_ENOMEM
		           : 0;
	}
	if (ecra_aws_config_get(cfg, profile, "sso_session") ||
	    ecra_aws_config_get(cfg, profile, "sso_start_url") ||
	    ecra_aws_config_get(cfg, profile, "credential_process") ||
	    ecra_aws_config_get(cfg, profile, "web_identity_token_file"))
		return ecra_error_set(ECRA_EUNSUPPORTED,
		    "profile '%s' uses a credential source this tool does "
		    "not support (SSO, credential_process or web identity)",
		    profile);
	return ecra_error_set(ECRA_EAUTH,
	    "profile '%s' has no credentials (aws_access_key_id and "
	    "aws_secret_access_key)",
	    profile);
}

int ecra_aws_config_credentials(
    ecra_aws_credential_plan *out, const ecra_aws_config *cfg)
{
	const char *visited[MAX_CHAIN];
	const char *profile;
	bool chosen;
	int error;

	ECRA_ASSERT_ARG(out);
	memset(out, 0, sizeof(*out));
	ECRA_ASSERT_ARG(cfg);
	chosen = cfg->profile_override != NULL || cfg->env_profile != NULL;
	if (!chosen && cfg->env_ak != NULL && cfg->env_sk != NULL) {
		ecra_aws_credentials c = { cfg->env_ak, cfg->env_sk,
			cfg->env_token };

		return ecra_aws_creds_copy(
		    &out->base, &c, "environment variables");
	}
	profile = credentials_profile(cfg);
	if (!chosen && !profile_exists(cfg, profile))
		return ecra_error_set(ECRA_EAUTH,
		    "no AWS credentials: set AWS_ACCESS_KEY_ID and "
		    "AWS_SECRET_ACCESS_KEY, or configure a profile");
	if ((error = resolve_profile(out, cfg, profile, 0, visited)) < 0)
		ecra_aws_credential_plan_dispose(out);
	return error;
}
