/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * aws/ecr.c - the ECR calls the publisher makes, AWS JSON 1.1:
 * POST / with X-Amz-Target AmazonEC2ContainerRegistry_V20150921.<Op> and
 * Content-Type application/x-amz-json-1.1. Request bodies are the compact
 * JSON cdk-assets sends (publish.md section 2.2).
 */
#include "aws/aws.h"

#include <stdio.h>
#include <string.h>

#include "base/base64.h"
#include "core/alloc.h"
#include "core/error.h"
#include "json/json.h"
#include "util/buf.h"

#define TARGET_PREFIX "AmazonEC2ContainerRegistry_V20150921."
#define JSON_11       "application/x-amz-json-1.1"

struct ecra_ecr {
	ecra_aws_service *svc;
};

int ecra_ecr_new(ecra_ecr **out, const ecra_aws_service_options *opts)
{
	ecra_ecr *ecr;
	int error;

	ECRA_ASSERT_ARG(out);
	*out = NULL;
	if ((ecr = ecra_calloc(1, sizeof(*ecr))) == NULL)
		return ECRA_ENOMEM;
	if ((error = ecra_aws_service_new(&ecr->svc, "ecr", opts)) < 0) {
		ecra_free(ecr);
		return error;
	}
	*out = ecr;
	return 0;
}

void ecra_ecr_free(ecra_ecr *ecr)
{
	if (ecr == NULL)
		return;
	ecra_aws_service_free(ecr->svc);
	ecra_free(ecr);
}

const ecra_aws_error *ecra_ecr_last_error(const ecra_ecr *ecr)
{
	return ecra_aws_service_last_error(ecr->svc);
}

/* Call `op` with the JSON `req`; on success *out is the parsed body. */
static int call(
    ecra_json **out, ecra_ecr *ecr, const char *op, const ecra_json *req)
{
	ecra_buf body = ECRA_BUF_INIT(0);
	ecra_http_response res;
	char target[128];
	int error;

	*out = NULL;
	memset(&res, 0, sizeof(res));
	snprintf(target, sizeof(target), TARGET_PREFIX "%s", op);
	if ((error = ecra_json_write(&body, req, 0)) < 0)
		goto done;
	if ((error = ecra_aws_service_call(
	         &res, ecr->svc, op, target, JSON_11, body.ptr, body.size)) < 0)
		goto done;
	if ((error = ecra_json_parse(out, res.body.ptr ? res.body.ptr : "{}",
	         res.body.size ? res.body.size : 2, "ECR response", 0)) < 0)
		ecra_error_wrap("ecr %s", op);
done:
	ecra_http_response_dispose(&res);
	ecra_buf_dispose(&body);
	return error;
}

static const char *last_type(const ecra_ecr *ecr)
{
	return ecra_aws_service_last_error(ecr->svc)->type;
}

static int repo_not_found(const char *name)
{
	return ecra_error_set(
	    ECRA_ENOTFOUND, "no ECR repository named '%s'", name);
}

static char *dup_str(const ecra_json *v, bool *failed)
{
	const char *s = ecra_json_string(v);
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = ecra_strdup(s)) == NULL)
		*failed = true;
	return d;
}

void ecra_ecr_repository_dispose(ecra_ecr_repository *repo)
{
	if (repo == NULL)
		return;
	ecra_free(repo->name);
	ecra_free(repo->uri);
	ecra_free(repo->arn);
	ecra_free(repo->registry_id);
	memset(repo, 0, sizeof(*repo));
}

int ecra_ecr_describe_repository(
    ecra_ecr_repository *out, ecra_ecr *ecr, const char *name)
{
	ecra_json *req = NULL, *names = NULL, *resp = NULL, *repo;
	bool failed = false;
	int error;

	ECRA_ASSERT_ARG(out);
	memset(out, 0, sizeof(*out));
	ECRA_ASSERT_ARG(ecr);
	ECRA_ASSERT_ARG(name);
	if ((req = ecra_json_object()) == NULL ||
	    (names = ecra_json_array()) == NULL) {
		error = ECRA_ENOMEM;
		goto done;
	}
	if ((error = ecra_json_push_new(names, ecra_json_str(name))) < 0)
		goto done;
	error = ecra_json_set_new(req, "repositoryNames", names);
	names = NULL;
	if (error < 0)
		goto done;
	if ((error = call(&resp, ecr, "DescribeRepositories", req)) < 0) {
		if (strcmp(last_type(ecr), "RepositoryNotFoundException") == 0)
			error = repo_not_found(name);
		goto done;
	}
	repo = ecra_json_at(ecra_json_get(resp, "repositories"), 0);
	if (ecra_json_string(ecra_json_get(repo, "repositoryUri")) == NULL) {
		error = ecra_error_set(ECRA_ERROR,
		    "ECR DescribeRepositories returned no repositoryUri for "
		    "'%s'",
		    name);
		goto done;
	}
	out->uri = dup_str(ecra_json_get(repo, "repositoryUri"), &failed);
	out->name = dup_str(ecra_json_get(repo, "repositoryName"), &failed);
	out->arn = dup_str(ecra_json_get(repo, "repositoryArn"), &failed);
	out->registry_id = dup_str(ecra_json_get(repo, "registryId"), &failed);
	if (failed) {
		ecra_ecr_repository_dispose(out);
		error = ECRA_ENOMEM;
	}
done:
	ecra_json_free(names);
	ecra_json_free(req);
	ecra_json_free(resp);
	return error;
}

void ecra_ecr_image_dispose(ecra_ecr_image *img)
{
	if (img == NULL)
		return;
	ecra_free(img->digest);
	ecra_free(img->media_type);
	memset(img, 0, sizeof(*img));
}

static ecra_json *image_ids(const char *const *tags, size_t count)
{
	ecra_json *ids = ecra_json_array(), *id;
	size_t i;

	if (ids == NULL)
		return NULL;
	for (i = 0; i < count; i++) {
		if ((id = ecra_json_object()) == NULL ||
		    ecra_json_set_str(id, "imageTag", tags[i]) < 0 ||
		    ecra_json_push_new(ids, id) < 0) {
			ecra_json_free(ids);
			return NULL;
		}
	}
	return ids;
}

/* DescribeImages for `count` tags. A missing repository gets its own
 * message; a missing image is left to the caller (`*image_missing`). */
static int describe_images(ecra_json **resp, ecra_ecr *ecr, const char *repo,
    const char *const *tags, size_t count, bool *image_missing)
{
	ecra_json *req;
	int error;

	*image_missing = false;
	if ((req = ecra_json_object()) == NULL)
		return ECRA_ENOMEM;
	if ((error = ecra_json_set_str(req, "repositoryName", repo)) < 0 ||
	    (error = ecra_json_set_new(
	         req, "imageIds", image_ids(tags, count))) < 0 ||
	    (error = call(resp, ecr, "DescribeImages", req)) == 0)
		goto done;
	if (strcmp(last_type(ecr), "ImageNotFoundException") == 0)
		*image_missing = true;
	else if (strcmp(last_type(ecr), "RepositoryNotFoundException") == 0)
		error = repo_not_found(repo);
done:
	ecra_json_free(req);
	return error;
}

int ecra_ecr_describe_image(
    ecra_ecr_image *out, ecra_ecr *ecr, const char *repo, const char *tag)
{
	ecra_json *resp = NULL, *d;
	bool failed = false, missing;
	int error;

	if (out != NULL) {
		memset(out, 0, sizeof(*out));
		out->size = -1;
	}
	ECRA_ASSERT_ARG(ecr);
	ECRA_ASSERT_ARG(repo);
	ECRA_ASSERT_ARG(tag);
	if ((error = describe_images(&resp, ecr, repo, &tag, 1, &missing)) <
	    0) {
		if (missing)
			error = ecra_error_set(ECRA_ENOTFOUND,
			    "image '%s:%s' not found", repo, tag);
		goto done;
	}
	d = ecra_json_at(ecra_json_get(resp, "imageDetails"), 0);
	if (out != NULL && d != NULL) {
		out->digest = dup_str(ecra_json_get(d, "imageDigest"), &failed);
		out->media_type = dup_str(
		    ecra_json_get(d, "imageManifestMediaType"), &failed);
		if (ecra_json_is_number(ecra_json_get(d, "imageSizeInBytes")))
			out->size = ecra_json_integer(
			    ecra_json_get(d, "imageSizeInBytes"));
		if (failed) {
			ecra_ecr_image_dispose(out);
			error = ECRA_ENOMEM;
		}
	}
done:
	ecra_json_free(resp);
	return error;
}

int ecra_ecr_describe_images_all(ecra_ecr *ecr, const char *repo,
    const char *const *tags, size_t count, bool *found)
{
	ecra_json *resp = NULL, *details, *names;
	size_t i, j, k;
	const char *t;
	bool missing;
	int error;

	ECRA_ASSERT_ARG(ecr);
	ECRA_ASSERT_ARG(repo);
	ECRA_ASSERT_ARG(tags);
	ECRA_ASSERT_ARG(found);
	if (count == 0 || count > ECRA_ECR_MAX_IMAGE_IDS)
		return ecra_error_set(ECRA_EINVALID,
		    "DescribeImages takes 1 to %d image ids, not %zu",
		    ECRA_ECR_MAX_IMAGE_IDS, count);
	for (i = 0; i < count; i++)
		found[i] = false;
	if ((error = describe_images(&resp, ecr, repo, tags, count, &missing)) <
	    0) {
		if (missing)
			error = ecra_error_set(ECRA_ENOTFOUND,
			    "some of %zu images not found in '%s'", count,
			    repo);
		goto done;
	}
	/* Only tags the answer names count as found. */
	details = ecra_json_get(resp, "imageDetails");
	for (i = 0; i < ecra_json_size(details); i++) {
		names = ecra_json_get(ecra_json_at(details, i), "imageTags");
		for (j = 0; j < ecra_json_size(names); j++) {
			if ((t = ecra_json_string(ecra_json_at(names, j))) ==
			    NULL)
				continue;
			for (k = 0; k < count; k++)
				if (strcmp(tags[k], t) == 0)
					found[k] = true;
		}
	}
done:
	ecra_json_free(resp);
	return error;
}

void ecra_ecr_auth_dispose(ecra_ecr_auth *auth)
{
	if (auth == NULL)
		return;
	ecra_free(auth->username);
	if (auth->password)
		memset(auth->password, 0, strlen(auth->password));
	ecra_free(auth->password);
	ecra_free(auth->proxy_endpoint);
	ecra_free(auth->registry);
	memset(auth, 0, sizeof(*auth));
}

int ecra_ecr_get_authorization(ecra_ecr_auth *out, ecra_ecr *ecr)
{
	ecra_json *req = NULL, *resp = NULL, *data;
	ecra_buf token = ECRA_BUF_INIT(64 * 1024);
	const char *tok, *ep, *colon, *rest, *host;
	size_t ulen, plen, hlen;
	int error;

	ECRA_ASSERT_ARG(out);
	memset(out, 0, sizeof(*out));
	ECRA_ASSERT_ARG(ecr);
	if ((req = ecra_json_object()) == NULL) {
		error = ECRA_ENOMEM;
		goto done;
	}
	if ((error = call(&resp, ecr, "GetAuthorizationToken", req)) < 0)
		goto done;
	data = ecra_json_at(ecra_json_get(resp, "authorizationData"), 0);
	if (data == NULL) {
		error = ecra_error_set(
		    ECRA_ERROR, "No authorization data received from ECR");
		goto done;
	}
	tok = ecra_json_string(ecra_json_get(data, "authorizationToken"));
	ep = ecra_json_string(ecra_json_get(data, "proxyEndpoint"));
	if (tok == NULL || ep == NULL ||
	    (error = ecra_base64_decode(&token, tok)) < 0 ||
	    token.ptr == NULL || memchr(token.ptr, '\0', token.size) != NULL ||
	    (colon = strchr(token.ptr, ':')) == NULL) {
		error = ecra_error_set(
		    ECRA_ERROR, "unexpected ECR authData format");
		goto done;
	}
	ulen = (size_t)(colon - token.ptr);
	rest = colon + 1;
	plen = strcspn(rest, ":");
	if (ulen == 0 || plen == 0) {
		error = ecra_error_set(
		    ECRA_ERROR, "unexpected ECR authData format");
		goto done;
	}
	host = ep;
	if (strncmp(host, "https://", 8) == 0)
		host += 8;
	else if (strncmp(host, "http://", 7) == 0)
		host += 7;
	hlen = strlen(host);
	if (hlen > 0 && host[hlen - 1] == '/')
		hlen--;
	out->username = ecra_strndup(token.ptr, ulen);
	out->password = ecra_strndup(rest, plen);
	out->proxy_endpoint = ecra_strdup(ep);
	out->registry = ecra_strndup(host, hlen);
	if (ecra_json_is_number(ecra_json_get(data, "expiresAt")))
		out->expires_at =
		    ecra_json_number(ecra_json_get(data, "expiresAt"));
	if (out->username == NULL || out->password == NULL ||
	    out->proxy_endpoint == NULL || out->registry == NULL) {
		ecra_ecr_auth_dispose(out);
		error = ECRA_ENOMEM;
	}
done:
	if (token.ptr)
		memset(token.ptr, 0, token.size);
	ecra_buf_dispose(&token);
	ecra_json_free(req);
	ecra_json_free(resp);
	return error;
}

void ecra_ecr_batch_item_dispose(ecra_ecr_batch_item *item)
{
	if (item == NULL)
		return;
	ecra_free(item->tag);
	ecra_free(item->digest);
	ecra_free(item->media_type);
	ecra_free(item->manifest);
	ecra_free(item->failure_code);
	memset(item, 0, sizeof(*item));
}

int ecra_ecr_batch_get_image(ecra_ecr_batch_item *out, ecra_ecr *ecr,
    const char *repo, const char *const *tags, size_t count)
{
	ecra_json *req = NULL, *resp = NULL, *list;
	bool failed = false;
	size_t i, k;
	int error;

	ECRA_ASSERT_ARG(out);
	memset(out, 0, count * sizeof(*out));
	ECRA_ASSERT_ARG(ecr);
	ECRA_ASSERT_ARG(repo);
	if (count == 0)
		return 0;
	if (count > 100)
		return ecra_error_set(ECRA_EINVALID,
		    "BatchGetImage takes at most 100 image ids, not %zu",
		    count);
	if ((req = ecra_json_object()) == NULL) {
		error = ECRA_ENOMEM;
		goto done;
	}
	if ((error = ecra_json_set_str(req, "repositoryName", repo)) < 0 ||
	    (error = ecra_json_set_new(
	         req, "imageIds", image_ids(tags, count))) < 0)
		goto done;
	if ((error = call(&resp, ecr, "BatchGetImage", req)) < 0) {
		if (strcmp(last_type(ecr), "RepositoryNotFoundException") == 0)
			error = repo_not_found(repo);
		goto done;
	}
	for (i = 0; i < count; i++)
		if ((out[i].tag = ecra_strdup(tags[i])) == NULL)
			failed = true;
	list = ecra_json_get(resp, "images");
	for (k = 0; k < ecra_json_size(list); k++) {
		ecra_json *img = ecra_json_at(list, k);
		const char *t = ecra_json_string(
		    ecra_json_get(ecra_json_get(img, "imageId"), "imageTag"));

		for (i = 0; t && i < count; i++)
			if (!out[i].found && strcmp(tags[i], t) == 0) {
				out[i].found = true;
				out[i].digest = dup_str(
				    ecra_json_get(ecra_json_get(img, "imageId"),
				        "imageDigest"),
				    &failed);
				out[i].media_type =
				    dup_str(ecra_json_get(
				                img, "imageManifestMediaType"),
				        &failed);
				out[i].manifest =
				    dup_str(ecra_json_get(img, "imageManifest"),
				        &failed);
			}
	}
	list = ecra_json_get(resp, "failures");
	for (k = 0; k < ecra_json_size(list); k++) {
		ecra_json *f = ecra_json_at(list, k);
		const char *t = ecra_json_string(
		    ecra_json_get(ecra_json_get(f, "imageId"), "imageTag"));

		for (i = 0; t && i < count; i++)
			if (!out[i].found && out[i].failure_code == NULL &&
			    strcmp(tags[i], t) == 0)
				out[i].failure_code = dup_str(
				    ecra_json_get(f, "failureCode"), &failed);
	}
	if (failed)
		error = ECRA_ENOMEM;
done:
	if (error < 0)
		for (i = 0; i < count; i++)
			ecra_ecr_batch_item_dispose(&out[i]);
	ecra_json_free(req);
	ecra_json_free(resp);
	return error;
}
