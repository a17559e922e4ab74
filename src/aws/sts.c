/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * aws/sts.c - STS AssumeRole and GetCallerIdentity over the query protocol:
 * POST / form-encoded "Action=..&Version=2011-06-15&..", XML responses.
 * Values are encoded as the SDK does (RFC 3986: only unreserved kept).
 * The XML reader only picks known leaf elements; responses are capped.
 */
#include "aws/aws.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "util/buf.h"

#define FORM "application/x-www-form-urlencoded; charset=utf-8"

struct ecra_sts {
	ecra_aws_service *svc;
};

int ecra_sts_new(ecra_sts **out, const ecra_aws_service_options *opts)
{
	ecra_sts *sts;
	int error;

	ECRA_ASSERT_ARG(out);
	*out = NULL;
	if ((sts = ecra_calloc(1, sizeof(*sts))) == NULL)
		return ECRA_ENOMEM;
	if ((error = ecra_aws_service_new(&sts->svc, "sts", opts)) < 0) {
		ecra_free(sts);
		return error;
	}
	*out = sts;
	return 0;
}

void ecra_sts_free(ecra_sts *sts)
{
	if (sts == NULL)
		return;
	ecra_aws_service_free(sts->svc);
	ecra_free(sts);
}

const ecra_aws_error *ecra_sts_last_error(const ecra_sts *sts)
{
	return ecra_aws_service_last_error(sts->svc);
}

static int param(ecra_buf *b, const char *key, const char *value)
{
	int error;

	if ((error = ecra_buf_printf(b, "&%s=", key)) < 0)
		return error;
	return ecra_aws_uri_encode(b, value, strlen(value), false);
}

void ecra_sts_identity_dispose(ecra_sts_identity *id)
{
	if (id == NULL)
		return;
	ecra_free(id->account);
	ecra_free(id->arn);
	ecra_free(id->user_id);
	ecra_free(id->partition);
	memset(id, 0, sizeof(*id));
}

static char *xml_dup(
    const ecra_http_response *res, const char *tag, size_t max, bool *failed)
{
	char *buf = ecra_alloc(max);
	char *out;

	if (buf == NULL) {
		*failed = true;
		return NULL;
	}
	ecra_aws_xml_text(buf, max, res->body.ptr, res->body.size, tag);
	out = buf[0] ? ecra_strdup(buf) : NULL;
	if (buf[0] && out == NULL)
		*failed = true;
	memset(buf, 0, max);
	ecra_free(buf);
	return out;
}

int ecra_sts_get_caller_identity(ecra_sts_identity *out, ecra_sts *sts)
{
	static const char body[] =
	    "Action=GetCallerIdentity&Version=2011-06-15";
	ecra_http_response res;
	bool failed = false;
	const char *p;
	int error;

	ECRA_ASSERT_ARG(out);
	memset(out, 0, sizeof(*out));
	ECRA_ASSERT_ARG(sts);
	if ((error = ecra_aws_service_call(&res, sts->svc, "GetCallerIdentity",
	         NULL, FORM, body, strlen(body))) < 0)
		goto done;
	out->account = xml_dup(&res, "Account", 64, &failed);
	out->arn = xml_dup(&res, "Arn", 2048, &failed);
	out->user_id = xml_dup(&res, "UserId", 512, &failed);
	if (failed) {
		error = ECRA_ENOMEM;
		goto done;
	}
	if (out->account == NULL || out->arn == NULL ||
	    strncmp(out->arn, "arn:", 4) != 0) {
		error = ecra_error_set(ECRA_ERROR,
		    "Unrecognized response from STS: '%.200s'",
		    res.body.ptr ? res.body.ptr : "");
		goto done;
	}
	p = out->arn + 4;
	if ((out->partition = ecra_strndup(p, strcspn(p, ":"))) == NULL)
		error = ECRA_ENOMEM;
done:
	if (error < 0)
		ecra_sts_identity_dispose(out);
	ecra_http_response_dispose(&res);
	return error;
}

/* "2026-11-27T00:00:00Z" (fractions allowed) -> seconds since the epoch,
 * without timegm (not POSIX). 0 when malformed. */
static time_t parse_iso8601(const char *s)
{
	int y, mo, d, h, mi, sec;
	long long days;

	if (s == NULL ||
	    sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec) !=
	        6 ||
	    mo < 1 || mo > 12 || d < 1 || d > 31)
		return 0;
	/* days from civil (Howard Hinnant's algorithm) */
	y -= mo <= 2;
	{
		long long era = (y >= 0 ? y : y - 399) / 400;
		long long yoe = y - era * 400;
		long long doy =
		    (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
		long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

		days = era * 146097 + doe - 719468;
	}
	return (time_t)(days * 86400 + h * 3600 + mi * 60 + sec);
}

int ecra_sts_assume_role(
    ecra_aws_creds *out, ecra_sts *sts, const ecra_sts_assume_role_params *p)
{
	ecra_buf body = ECRA_BUF_INIT(0), source = ECRA_BUF_INIT(0);
	ecra_http_response res;
	char key[64], *exp = NULL;
	bool failed = false;
	size_t i;
	int error;

	ECRA_ASSERT_ARG(out);
	memset(out, 0, sizeof(*out));
	memset(&res, 0, sizeof(res));
	ECRA_ASSERT_ARG(sts);
	ECRA_ASSERT_ARG(p);
	if (p->role_arn == NULL || *p->role_arn == '\0' ||
	    p->session_name == NULL || *p->session_name == '\0')
		return ecra_error_set(ECRA_EINVALID,
		    "AssumeRole needs a role ARN and a session name");
	if ((error = ecra_buf_puts(
	         &body, "Action=AssumeRole&Version=2011-06-15")) < 0 ||
	    (error = param(&body, "RoleArn", p->role_arn)) < 0 ||
	    (error = param(&body, "RoleSessionName", p->session_name)) < 0)
		goto done;
	if (p->duration_s > 0 &&
	    (error = ecra_buf_printf(
	         &body, "&DurationSeconds=%u", p->duration_s)) < 0)
		goto done;
	for (i = 0; i < p->tag_count; i++) {
		snprintf(key, sizeof(key), "Tags.member.%zu.Key", i + 1);
		if ((error = param(&body, key, p->tags[i].name)) < 0)
			goto done;
		snprintf(key, sizeof(key), "Tags.member.%zu.Value", i + 1);
		if ((error = param(&body, key, p->tags[i].value)) < 0)
			goto done;
	}
	for (i = 0; i < p->tag_count; i++) {
		snprintf(
		    key, sizeof(key), "TransitiveTagKeys.member.%zu", i + 1);
		if ((error = param(&body, key, p->tags[i].name)) < 0)
			goto done;
	}
	if (p->external_id != NULL &&
	    (error = param(&body, "ExternalId", p->external_id)) < 0)
		goto done;
	for (i = 0; i < p->extra_count; i++)
		if ((error = param(
		         &body, p->extra[i].name, p->extra[i].value)) < 0)
			goto done;

	if ((error = ecra_aws_service_call(&res, sts->svc, "AssumeRole", NULL,
	         FORM, body.ptr, body.size)) < 0) {
		ecra_error_wrap("cannot assume role '%s'", p->role_arn);
		goto done;
	}
	out->access_key_id = xml_dup(&res, "AccessKeyId", 256, &failed);
	out->secret_access_key = xml_dup(&res, "SecretAccessKey", 256, &failed);
	out->session_token = xml_dup(&res, "SessionToken", 8192, &failed);
	exp = xml_dup(&res, "Expiration", 64, &failed);
	if (failed) {
		error = ECRA_ENOMEM;
		goto done;
	}
	if (out->access_key_id == NULL || out->secret_access_key == NULL ||
	    out->session_token == NULL) {
		error = ecra_error_set(ECRA_ERROR,
		    "Unrecognized response from STS for AssumeRole of '%s'",
		    p->role_arn);
		goto done;
	}
	out->expiration = parse_iso8601(exp);
	if ((error = ecra_buf_printf(&source, "role '%s'", p->role_arn)) < 0)
		goto done;
	out->source = ecra_buf_detach(&source);
	if (out->source == NULL)
		error = ECRA_ENOMEM;
done:
	if (error < 0)
		ecra_aws_creds_dispose(out);
	ecra_free(exp);
	ecra_http_response_dispose(&res);
	ecra_buf_dispose(&body);
	ecra_buf_dispose(&source);
	return error;
}

int ecra_sts_session_name(char **out, const char *prefix, const char *user)
{
	ecra_buf b = ECRA_BUF_INIT(0);
	const char *u = user && *user ? user : "noname";
	size_t i;
	int error;

	*out = NULL;
	if ((error = ecra_buf_printf(&b, "%s%s", prefix ? prefix : "", u)) < 0)
		goto done;
	for (i = prefix ? strlen(prefix) : 0; i < b.size; i++) {
		char c = b.ptr[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		        (c >= '0' && c <= '9') || strchr("_+=,.@-", c) != NULL))
			b.ptr[i] = '@';
	}
	if (b.size > 64)
		ecra_buf_truncate(&b, 64);
	*out = ecra_buf_detach(&b);
	if (*out == NULL)
		error = ECRA_ENOMEM;
done:
	ecra_buf_dispose(&b);
	return error;
}

int ecra_aws_resolve_credentials(ecra_aws_creds *out,
    const ecra_aws_credential_plan *plan, const ecra_aws_config *cfg,
    ecra_http *http, const char *region, const char *default_session_name)
{
	ecra_aws_creds cur, next;
	ecra_sts *sts = NULL;
	char *endpoint = NULL;
	size_t i;
	int error;

	ECRA_ASSERT_ARG(out);
	memset(out, 0, sizeof(*out));
	ECRA_ASSERT_ARG(plan);
	{
		ecra_aws_credentials base = ecra_aws_creds_view(&plan->base);

		if ((error = ecra_aws_creds_copy(
		         &cur, &base, plan->base.source)) < 0)
			return error;
	}
	for (i = 0; i < plan->role_count; i++) {
		const ecra_aws_role_step *step = &plan->roles[i];
		ecra_aws_service_options so = { .version = 1 };
		ecra_sts_assume_role_params ap;

		if (region == NULL || *region == '\0') {
			error = ecra_error_set(ECRA_EINVALID,
			    "Region is missing (needed to assume role '%s')",
			    step->role_arn);
			goto done;
		}
		if ((error = ecra_aws_config_endpoint(
		         &endpoint, cfg, "sts", region)) < 0)
			goto done;
		so.http = http;
		so.region = region;
		so.endpoint = endpoint;
		so.credentials = ecra_aws_creds_view(&cur);
		so.max_attempts = ecra_aws_config_max_attempts(cfg);
		if ((error = ecra_sts_new(&sts, &so)) < 0)
			goto done;
		memset(&ap, 0, sizeof(ap));
		ap.role_arn = step->role_arn;
		ap.session_name = step->session_name ? step->session_name
		                                     : default_session_name;
		ap.external_id = step->external_id;
		ap.duration_s = step->duration_s;
		if ((error = ecra_sts_assume_role(&next, sts, &ap)) < 0)
			goto done;
		ecra_aws_creds_dispose(&cur);
		cur = next;
		ecra_sts_free(sts);
		sts = NULL;
		ecra_free(endpoint);
		endpoint = NULL;
	}
	*out = cur;
	memset(&cur, 0, sizeof(cur));
done:
	ecra_aws_creds_dispose(&cur);
	ecra_sts_free(sts);
	ecra_free(endpoint);
	return error;
}
