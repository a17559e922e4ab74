/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * aws/secretsmanager.c - Secrets Manager GetSecretValue, AWS JSON 1.1:
 * POST / with X-Amz-Target secretsmanager.GetSecretValue, signed for the
 * service "secretsmanager". Used by the docker credential helper for
 * domains of the CDK docker credentials file that name a secret.
 */
#include "aws/aws.h"

#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "json/json.h"
#include "util/buf.h"

#define JSON_11 "application/x-amz-json-1.1"

struct ecra_secretsmanager {
	ecra_aws_service *svc;
};

int ecra_secretsmanager_new(
    ecra_secretsmanager **out, const ecra_aws_service_options *opts)
{
	ecra_secretsmanager *sm;
	int error;

	ECRA_ASSERT_ARG(out);
	*out = NULL;
	if ((sm = ecra_calloc(1, sizeof(*sm))) == NULL)
		return ECRA_ENOMEM;
	if ((error = ecra_aws_service_new(&sm->svc, "secretsmanager", opts)) <
	    0) {
		ecra_free(sm);
		return error;
	}
	*out = sm;
	return 0;
}

void ecra_secretsmanager_free(ecra_secretsmanager *sm)
{
	if (sm == NULL)
		return;
	ecra_aws_service_free(sm->svc);
	ecra_free(sm);
}

const ecra_aws_error *ecra_secretsmanager_last_error(
    const ecra_secretsmanager *sm)
{
	return ecra_aws_service_last_error(sm->svc);
}

void ecra_secret_value_dispose(ecra_secret_value *v)
{
	if (v == NULL)
		return;
	ecra_free(v->arn);
	ecra_free(v->name);
	if (v->secret_string != NULL)
		memset(v->secret_string, 0, strlen(v->secret_string));
	ecra_free(v->secret_string);
	memset(v, 0, sizeof(*v));
}

static char *dup_member(const ecra_json *obj, const char *key, bool *failed)
{
	const char *s = ecra_json_string(ecra_json_get(obj, key));
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = ecra_strdup(s)) == NULL)
		*failed = true;
	return d;
}

int ecra_secretsmanager_get_secret_value(
    ecra_secret_value *out, ecra_secretsmanager *sm, const char *secret_id)
{
	ecra_json *req = NULL, *resp = NULL;
	ecra_buf body = ECRA_BUF_INIT(0);
	ecra_http_response res;
	bool failed = false;
	int error;

	ECRA_ASSERT_ARG(out);
	memset(out, 0, sizeof(*out));
	memset(&res, 0, sizeof(res));
	ECRA_ASSERT_ARG(sm);
	ECRA_ASSERT_ARG(secret_id);
	if ((req = ecra_json_object()) == NULL) {
		error = ECRA_ENOMEM;
		goto done;
	}
	if ((error = ecra_json_set_str(req, "SecretId", secret_id)) < 0 ||
	    (error = ecra_json_write(&body, req, 0)) < 0)
		goto done;
	if ((error = ecra_aws_service_call(&res, sm->svc, "GetSecretValue",
	         "secretsmanager.GetSecretValue", JSON_11, body.ptr,
	         body.size)) < 0) {
		const ecra_aws_error *e = ecra_aws_service_last_error(sm->svc);

		if (strcmp(e->type, "ResourceNotFoundException") == 0)
			error = ecra_error_set(
			    ECRA_ENOTFOUND, "%s: %s", e->type, e->message);
		goto done;
	}
	if ((error = ecra_json_parse(&resp, res.body.ptr ? res.body.ptr : "{}",
	         res.body.size ? res.body.size : 2, "Secrets Manager response",
	         0)) < 0) {
		ecra_error_wrap("secretsmanager GetSecretValue");
		goto done;
	}
	out->arn = dup_member(resp, "ARN", &failed);
	out->name = dup_member(resp, "Name", &failed);
	out->secret_string = dup_member(resp, "SecretString", &failed);
	out->has_binary = ecra_json_get(resp, "SecretBinary") != NULL;
	if (failed) {
		ecra_secret_value_dispose(out);
		error = ECRA_ENOMEM;
	}
done:
	/* The response carried the secret: wipe our copy of it. */
	if (res.body.ptr != NULL)
		memset(res.body.ptr, 0, res.body.size);
	ecra_http_response_dispose(&res);
	ecra_json_free(req);
	ecra_json_free(resp);
	ecra_buf_dispose(&body);
	return error;
}
