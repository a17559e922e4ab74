/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/aws/clients.c - the ECR and STS clients against the ECR/STS
 * stand-in (tests/integration/ecr_standin.py), which checks every
 * signature with botocore's own SigV4 signer. A private stand-in is
 * started per run on an ephemeral port.
 *
 * Image lookups need a real registry: when ECRA_AUTH_REGISTRY,
 * ECRA_REGISTRY_USER and ECRA_REGISTRY_PASSWORD are set (services.env),
 * a tiny image is pushed there and DescribeImages/BatchGetImage are
 * checked against it; otherwise those tests are skipped and the stand-in
 * points at a closed port (which exercises the 5xx retry path).
 */
#include "helpers.h"

#include <signal.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "aws/aws.h"
#include "core/alloc.h"
#include "http/http.h"
#include "json/json.h"
#include "util/buf.h"

#define AK   "AKIAECRAUNITTEST0001"
#define SK   "unit/test/secret/key/0000000000000000000"
#define ROLE "arn:aws:iam::123456789012:role/cdk-hnb659fds-image-publishing"
#define REPO "ecra/unit"

static long standin_pid;
static FILE *standin_pipe;
static int port;
static char endpoint[128];
static char registry[128]; /* host:port */
static const char *reg_user = "AWS";
static const char *reg_pass = "standin-password";
static bool have_registry;
static char logfile[4200];
static const char *sandbox;
static ecra_http *http;
static char pushed_tag[64];
static char pushed_digest[80];

static int closed_port(void)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int s = socket(AF_INET, SOCK_STREAM, 0), p;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(0x7f000001);
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    getsockname(s, (struct sockaddr *)&sa, &sl) != 0)
		p = 1;
	else
		p = ntohs(sa.sin_port);
	close(s);
	return p;
}

/* Basic-auth request to the registry (test helper). */
static int reg_send(ecra_http_response *res, const char *method,
    const char *url, const char *ctype, const void *body, size_t len)
{
	ecra_buf auth = ECRA_BUF_INIT(0);
	ecra_buf cred = ECRA_BUF_INIT(0);
	ecra_http_header h[2];
	ecra_http_request req;
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;
	int rc;

	ecra_buf_printf(&cred, "%s:%s", reg_user, reg_pass);
	ecra_buf_puts(&auth, "Basic ");
	for (i = 0; i < cred.size; i += 3) {
		unsigned v = (unsigned char)cred.ptr[i] << 16;

		if (i + 1 < cred.size)
			v |= (unsigned char)cred.ptr[i + 1] << 8;
		if (i + 2 < cred.size)
			v |= (unsigned char)cred.ptr[i + 2];
		ecra_buf_putc(&auth, b64[(v >> 18) & 63]);
		ecra_buf_putc(&auth, b64[(v >> 12) & 63]);
		ecra_buf_putc(
		    &auth, i + 1 < cred.size ? b64[(v >> 6) & 63] : '=');
		ecra_buf_putc(&auth, i + 2 < cred.size ? b64[v & 63] : '=');
	}
	h[0].name = "Authorization";
	h[0].value = auth.ptr;
	h[1].name = "Content-Type";
	h[1].value = ctype ? ctype : "application/octet-stream";
	ecra_http_request_init(&req, method, url);
	req.headers = h;
	req.header_count = 2;
	if (body != NULL) {
		req.body = body;
		req.body_len = len;
	}
	rc = ecra_http_send(res, http, &req);
	ecra_buf_dispose(&auth);
	ecra_buf_dispose(&cred);
	return rc;
}

static int push_tiny_image(void)
{
	static const char config[] =
	    "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":"
	    "\"layers\",\"diff_ids\":[]},\"config\":{}}";
	ecra_http_response res;
	ecra_buf url = ECRA_BUF_INIT(0), manifest = ECRA_BUF_INIT(0);
	char sha[65];
	const char *loc;
	int ok = -1;

	ecra_aws_sha256_hex(sha, config, strlen(config));
	ecra_buf_printf(&url, "http://%s/v2/" REPO "/blobs/uploads/", registry);
	if (reg_send(&res, "POST", url.ptr, NULL, NULL, 0) < 0 ||
	    res.status != 202 ||
	    (loc = ecra_http_response_header(&res, "Location")) == NULL)
		goto done;
	ecra_buf_clear(&url);
	if (strncmp(loc, "http", 4) == 0)
		ecra_buf_puts(&url, loc);
	else
		ecra_buf_printf(&url, "http://%s%s", registry, loc);
	ecra_buf_printf(
	    &url, "%sdigest=sha256:%s", strchr(loc, '?') ? "&" : "?", sha);
	ecra_http_response_dispose(&res);
	if (reg_send(&res, "PUT", url.ptr, NULL, config, strlen(config)) < 0 ||
	    res.status != 201)
		goto done;
	ecra_http_response_dispose(&res);
	ecra_buf_printf(&manifest,
	    "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker."
	    "distribution.manifest.v2+json\",\"config\":{\"mediaType\":"
	    "\"application/vnd.docker.container.image.v1+json\",\"size\":%zu,"
	    "\"digest\":\"sha256:%s\"},\"layers\":[]}",
	    strlen(config), sha);
	snprintf(pushed_tag, sizeof(pushed_tag), "t%ld", (long)getpid());
	ecra_buf_clear(&url);
	ecra_buf_printf(
	    &url, "http://%s/v2/" REPO "/manifests/%s", registry, pushed_tag);
	if (reg_send(&res, "PUT", url.ptr,
	        "application/vnd.docker.distribution.manifest.v2+json",
	        manifest.ptr, manifest.size) < 0 ||
	    res.status != 201)
		goto done;
	ecra_aws_sha256_hex(sha, manifest.ptr, manifest.size);
	snprintf(pushed_digest, sizeof(pushed_digest), "sha256:%s", sha);
	ok = 0;
done:
	ecra_http_response_dispose(&res);
	ecra_buf_dispose(&url);
	ecra_buf_dispose(&manifest);
	return ok;
}

static int setup(void **state)
{
	char cmd[8192];
	const char *env_reg = getenv("ECRA_AUTH_REGISTRY");

	(void)state;
	if (ecra_init() <= 0 || ecra_http_new(&http, NULL) < 0)
		return -1;
	sandbox = strdup(sandbox_dir());
	snprintf(logfile, sizeof(logfile), "%s/calls.jsonl", sandbox);
	if (env_reg && *env_reg && getenv("ECRA_REGISTRY_USER") &&
	    getenv("ECRA_REGISTRY_PASSWORD")) {
		snprintf(registry, sizeof(registry), "%s", env_reg);
		reg_user = getenv("ECRA_REGISTRY_USER");
		reg_pass = getenv("ECRA_REGISTRY_PASSWORD");
		have_registry = push_tiny_image() == 0;
		if (!have_registry)
			print_message("could not push to %s; image tests "
			              "skipped\n",
			    registry);
	}
	if (!have_registry)
		snprintf(
		    registry, sizeof(registry), "127.0.0.1:%d", closed_port());
	snprintf(cmd, sizeof(cmd),
	    "exec %s %s/tests/integration/ecr_standin.py --announce "
	    "--registry '%s' --registry-user '%s' --registry-password '%s' "
	    "--repo " REPO " --repo ecra/other --access-key " AK
	    " --secret-key " SK " --external-id " ROLE "=ext-42 --log '%s'",
	    access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3"
	                                          : "python3",
	    ECRA_SOURCE_DIR, registry, reg_user, reg_pass, logfile);
	standin_pipe = popen(cmd, "r");
	if (standin_pipe == NULL ||
	    fscanf(standin_pipe, "%d %ld", &port, &standin_pid) != 2)
		return -1;
	snprintf(endpoint, sizeof(endpoint), "http://127.0.0.1:%d", port);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (standin_pid > 0)
		kill((pid_t)standin_pid, SIGTERM);
	if (standin_pipe)
		pclose(standin_pipe);
	ecra_http_free(http);
	sandbox_cleanup(sandbox);
	free((void *)sandbox);
	ecra_shutdown();
	return 0;
}

static ecra_aws_service_options opts_for(
    const char *ak, const char *sk, const char *token)
{
	ecra_aws_service_options o;

	memset(&o, 0, sizeof(o));
	o.version = 1;
	o.http = http;
	o.region = "us-east-1";
	o.endpoint = endpoint;
	o.credentials.access_key_id = ak;
	o.credentials.secret_access_key = sk;
	o.credentials.session_token = token;
	o.base_delay_ms = 5;
	return o;
}

static ecra_ecr *new_ecr(void)
{
	ecra_aws_service_options o = opts_for(AK, SK, NULL);
	ecra_ecr *ecr = NULL;

	assert_ok(ecra_ecr_new(&ecr, &o));
	return ecr;
}

static void control(const char *json)
{
	ecra_http_request req;
	ecra_http_response res;
	char url[256];

	snprintf(url, sizeof(url), "%s/__control", endpoint);
	ecra_http_request_init(&req, "POST", url);
	req.body = json;
	req.body_len = strlen(json);
	assert_ok(ecra_http_send(&res, http, &req));
	assert_int_equal(res.status, 200);
	ecra_http_response_dispose(&res);
}

/* The last `n` logged calls, as a JSON array (caller frees). */
static ecra_json *last_calls(size_t n)
{
	ecra_buf b = ECRA_BUF_INIT(0);
	ecra_json *all = ecra_json_array(), *out = ecra_json_array();
	const char *p;
	size_t i, count;

	assert_ok(ecra_buf_read_file(&b, logfile));
	for (p = b.ptr; p && *p;) {
		const char *nl = strchr(p, '\n');
		ecra_json *j = NULL;

		assert_ok(ecra_json_parse(
		    &j, p, nl ? (size_t)(nl - p) : strlen(p), "log", 0));
		ecra_json_push_new(all, j);
		p = nl ? nl + 1 : NULL;
	}
	count = ecra_json_size(all);
	for (i = count > n ? count - n : 0; i < count; i++)
		ecra_json_push(out, ecra_json_at(all, i));
	ecra_json_free(all);
	ecra_buf_dispose(&b);
	return out;
}

static const char *call_str(ecra_json *calls, size_t i, const char *key)
{
	return ecra_json_string(ecra_json_get(ecra_json_at(calls, i), key));
}

static void ecr_describes_repositories(void **state)
{
	ecra_ecr *ecr = new_ecr();
	ecra_ecr_repository repo;
	ecra_json *calls;
	char want[256];

	(void)state;
	assert_ok(ecra_ecr_describe_repository(&repo, ecr, REPO));
	snprintf(want, sizeof(want), "%s/" REPO, registry);
	assert_string_equal(repo.uri, want);
	assert_string_equal(repo.name, REPO);
	assert_string_equal(repo.registry_id, "123456789012");
	assert_string_equal(
	    repo.arn, "arn:aws:ecr:us-east-1:123456789012:repository/" REPO);
	ecra_ecr_repository_dispose(&repo);

	calls = last_calls(1);
	assert_string_equal(call_str(calls, 0, "op"), "DescribeRepositories");
	assert_string_equal(
	    call_str(calls, 0, "body"), "{\"repositoryNames\":[\"" REPO "\"]}");
	{
		ecra_json *h = ecra_json_get(ecra_json_at(calls, 0), "headers");

		assert_string_equal(
		    ecra_json_string(ecra_json_get(h, "content-type")),
		    "application/x-amz-json-1.1");
		assert_string_equal(
		    ecra_json_string(ecra_json_get(h, "x-amz-target")),
		    "AmazonEC2ContainerRegistry_V20150921."
		    "DescribeRepositories");
		assert_string_equal(
		    ecra_json_string(ecra_json_get(h, "amz-sdk-request")),
		    "attempt=1; max=3");
		assert_non_null(ecra_json_get(h, "x-amz-content-sha256"));
	}
	ecra_json_free(calls);

	assert_fails_with(ECRA_ENOTFOUND,
	    ecra_ecr_describe_repository(&repo, ecr, "ecra/nope"));
	assert_string_equal(
	    ecra_error_last()->message, "no ECR repository named 'ecra/nope'");
	assert_string_equal(
	    ecra_ecr_last_error(ecr)->type, "RepositoryNotFoundException");
	assert_int_equal(ecra_ecr_last_error(ecr)->attempts, 1);
	ecra_ecr_repository_dispose(&repo);
	ecra_ecr_free(ecr);
}

static void ecr_gets_authorization(void **state)
{
	ecra_ecr *ecr = new_ecr();
	ecra_ecr_auth auth;
	char want[160];

	(void)state;
	assert_ok(ecra_ecr_get_authorization(&auth, ecr));
	assert_string_equal(auth.username, reg_user);
	assert_string_equal(auth.password, reg_pass);
	snprintf(want, sizeof(want), "http://%s", registry);
	assert_string_equal(auth.proxy_endpoint, want);
	assert_string_equal(auth.registry, registry);
	assert_true(auth.expires_at > 1.7e9);
	ecra_ecr_auth_dispose(&auth);
	{
		ecra_json *calls = last_calls(1);

		assert_string_equal(call_str(calls, 0, "body"), "{}");
		ecra_json_free(calls);
	}
	ecra_ecr_free(ecr);
}

static void ecr_describes_images(void **state)
{
	ecra_ecr *ecr = new_ecr();
	ecra_ecr_image img;

	(void)state;
	if (!have_registry) {
		/* the stand-in cannot reach a registry: 500, retried */
		assert_fails_with(
		    ECRA_ERROR, ecra_ecr_describe_image(&img, ecr, REPO, "x"));
		assert_int_equal(ecra_ecr_last_error(ecr)->attempts, 3);
		assert_int_equal(ecra_ecr_last_error(ecr)->status, 500);
		ecra_ecr_image_dispose(&img);
		ecra_ecr_free(ecr);
		skip();
	}
	assert_ok(ecra_ecr_describe_image(&img, ecr, REPO, pushed_tag));
	assert_string_equal(img.digest, pushed_digest);
	ecra_ecr_image_dispose(&img);
	{
		ecra_json *calls = last_calls(1);
		char want[256];

		snprintf(want, sizeof(want),
		    "{\"repositoryName\":\"" REPO "\",\"imageIds\":[{"
		    "\"imageTag\":\"%s\"}]}",
		    pushed_tag);
		assert_string_equal(call_str(calls, 0, "body"), want);
		ecra_json_free(calls);
	}
	assert_ok(ecra_ecr_describe_image(NULL, ecr, REPO, pushed_tag));

	assert_fails_with(ECRA_ENOTFOUND,
	    ecra_ecr_describe_image(&img, ecr, REPO, "missing"));
	assert_string_equal(
	    ecra_error_last()->message, "image '" REPO ":missing' not found");
	assert_string_equal(
	    ecra_ecr_last_error(ecr)->type, "ImageNotFoundException");
	ecra_ecr_image_dispose(&img);
	assert_fails_with(ECRA_ENOTFOUND,
	    ecra_ecr_describe_image(&img, ecr, "ecra/none", "x"));
	assert_string_equal(
	    ecra_error_last()->message, "no ECR repository named 'ecra/none'");
	ecra_ecr_image_dispose(&img);

	{
		const char *tags[] = { "missing", pushed_tag };
		ecra_ecr_batch_item items[2];

		assert_ok(ecra_ecr_batch_get_image(items, ecr, REPO, tags, 2));
		assert_false(items[0].found);
		assert_string_equal(items[0].failure_code, "ImageNotFound");
		assert_true(items[1].found);
		assert_string_equal(items[1].digest, pushed_digest);
		assert_non_null(strstr(items[1].manifest, "schemaVersion"));
		ecra_ecr_batch_item_dispose(&items[0]);
		ecra_ecr_batch_item_dispose(&items[1]);
	}
	ecra_ecr_free(ecr);
}

static void ecr_retries_throttling_and_5xx_only(void **state)
{
	ecra_ecr *ecr = new_ecr();
	ecra_ecr_repository repo;
	ecra_json *calls;

	(void)state;
	control("{\"reset\":true,\"faults\":[{\"op\":\"DescribeRepositories\","
	        "\"error\":\"ThrottlingException\",\"count\":2}]}");
	assert_ok(ecra_ecr_describe_repository(&repo, ecr, REPO));
	ecra_ecr_repository_dispose(&repo);
	assert_int_equal(ecra_ecr_last_error(ecr)->attempts, 3);
	calls = last_calls(3);
	assert_string_equal(
	    ecra_json_string(
	        ecra_json_get(ecra_json_get(ecra_json_at(calls, 2), "headers"),
	            "amz-sdk-request")),
	    "attempt=3; max=3");
	ecra_json_free(calls);

	control("{\"reset\":true,\"faults\":[{\"op\":\"DescribeRepositories\","
	        "\"error\":\"ThrottlingException\",\"message\":\"Rate "
	        "exceeded\",\"count\":5}]}");
	assert_fails_with(
	    ECRA_ERROR, ecra_ecr_describe_repository(&repo, ecr, REPO));
	assert_string_equal(
	    ecra_error_last()->message, "ThrottlingException: Rate exceeded");
	assert_int_equal(ecra_ecr_last_error(ecr)->attempts, 3);
	ecra_ecr_repository_dispose(&repo);

	control("{\"reset\":true,\"faults\":[{\"op\":\"GetAuthorizationToken\","
	        "\"error\":\"InternalFailure\",\"status\":503,\"count\":1}]}");
	{
		ecra_ecr_auth auth;

		assert_ok(ecra_ecr_get_authorization(&auth, ecr));
		assert_int_equal(ecra_ecr_last_error(ecr)->attempts, 2);
		ecra_ecr_auth_dispose(&auth);
	}

	/* not retried: access denied, and a namespaced not-found */
	control("{\"reset\":true,\"faults\":[{\"op\":\"DescribeImages\","
	        "\"error\":\"AccessDeniedException\",\"message\":\"forced "
	        "error\",\"count\":1}]}");
	assert_fails_with(
	    ECRA_EAUTH, ecra_ecr_describe_image(NULL, ecr, REPO, "x"));
	assert_string_equal(
	    ecra_error_last()->message, "AccessDeniedException: forced error");
	assert_int_equal(ecra_ecr_last_error(ecr)->attempts, 1);
	control("{\"reset\":true,\"faults\":[{\"op\":\"DescribeImages\","
	        "\"error\":\"com.amazonaws.ecr#ImageNotFoundException:http://"
	        "internal.amazon.com/coral/\",\"count\":1}]}");
	assert_fails_with(
	    ECRA_ENOTFOUND, ecra_ecr_describe_image(NULL, ecr, REPO, "x"));
	assert_string_equal(
	    ecra_ecr_last_error(ecr)->type, "ImageNotFoundException");
	control("{\"reset\":true}");
	ecra_ecr_free(ecr);
}

static void ecr_rejected_credentials_are_eauth(void **state)
{
	ecra_aws_service_options o = opts_for(AK, "wrong" SK, NULL);
	ecra_ecr *ecr = NULL;
	ecra_ecr_repository repo;

	(void)state;
	assert_ok(ecra_ecr_new(&ecr, &o));
	assert_fails_with(
	    ECRA_EAUTH, ecra_ecr_describe_repository(&repo, ecr, REPO));
	assert_string_equal(
	    ecra_ecr_last_error(ecr)->type, "InvalidSignatureException");
	assert_int_equal(ecra_ecr_last_error(ecr)->status, 403);
	assert_null(strstr(ecra_error_last()->message, SK));
	ecra_ecr_repository_dispose(&repo);
	ecra_ecr_free(ecr);

	o = opts_for("AKIANOBODY0000000000", SK, NULL);
	assert_ok(ecra_ecr_new(&ecr, &o));
	assert_fails_with(
	    ECRA_EAUTH, ecra_ecr_describe_repository(&repo, ecr, REPO));
	assert_string_equal(
	    ecra_ecr_last_error(ecr)->type, "UnrecognizedClientException");
	ecra_ecr_repository_dispose(&repo);
	ecra_ecr_free(ecr);
}

static void ecr_transport_errors_are_enet(void **state)
{
	ecra_aws_service_options o = opts_for(AK, SK, NULL);
	ecra_ecr *ecr = NULL;
	ecra_ecr_repository repo;
	char dead[64];

	(void)state;
	snprintf(dead, sizeof(dead), "http://127.0.0.1:%d", closed_port());
	o.endpoint = dead;
	assert_ok(ecra_ecr_new(&ecr, &o));
	assert_fails_with(
	    ECRA_ENET, ecra_ecr_describe_repository(&repo, ecr, REPO));
	assert_error_contains(
	    "ecr DescribeRepositories: POST http://127.0.0.1:");
	assert_int_equal(ecra_ecr_last_error(ecr)->attempts, 3);
	ecra_ecr_repository_dispose(&repo);
	ecra_ecr_free(ecr);

	o.endpoint = "ftp://x";
	assert_fails_with(ECRA_EINVALID, ecra_ecr_new(&ecr, &o));
	o.endpoint = endpoint;
	o.credentials.access_key_id = NULL;
	assert_fails_with(ECRA_EAUTH, ecra_ecr_new(&ecr, &o));
}

static void sts_identity_and_assume_role(void **state)
{
	ecra_aws_service_options o = opts_for(AK, SK, NULL);
	ecra_sts *sts = NULL;
	ecra_sts_identity id;
	ecra_aws_creds creds;
	ecra_sts_param tags[] = { { "k1", "v 1" } };
	ecra_sts_assume_role_params ap = { .role_arn = ROLE,
		.session_name = "cdk-assets-tester",
		.external_id = "ext-42",
		.duration_s = 900,
		.tags = tags,
		.tag_count = 1 };
	ecra_json *calls;

	(void)state;
	o.region = "eu-west-3";
	assert_ok(ecra_sts_new(&sts, &o));
	assert_ok(ecra_sts_get_caller_identity(&id, sts));
	assert_string_equal(id.account, "123456789012");
	assert_string_equal(id.partition, "aws");
	assert_string_equal(id.arn, "arn:aws:iam::123456789012:user/ecra-test");
	ecra_sts_identity_dispose(&id);
	calls = last_calls(1);
	assert_string_equal(call_str(calls, 0, "body"),
	    "Action=GetCallerIdentity&Version=2011-06-15");
	assert_string_equal(call_str(calls, 0, "region"), "eu-west-3");
	ecra_json_free(calls);

	assert_ok(ecra_sts_assume_role(&creds, sts, &ap));
	assert_true(strncmp(creds.access_key_id, "ASIA", 4) == 0);
	assert_non_null(creds.session_token);
	assert_true(creds.expiration > time(NULL) + 600);
	assert_true(creds.expiration < time(NULL) + 1200);
	assert_string_equal(creds.source, "role '" ROLE "'");
	calls = last_calls(1);
	assert_string_equal(call_str(calls, 0, "body"),
	    "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A"
	    "123456789012%3Arole%2Fcdk-hnb659fds-image-publishing&"
	    "RoleSessionName=cdk-assets-tester&DurationSeconds=900&"
	    "Tags.member.1.Key=k1&Tags.member.1.Value=v%201&"
	    "TransitiveTagKeys.member.1=k1&ExternalId=ext-42");
	ecra_json_free(calls);

	/* the temporary credentials work for ECR (token signed) */
	{
		ecra_aws_service_options eo = opts_for(creds.access_key_id,
		    creds.secret_access_key, creds.session_token);
		ecra_ecr *ecr = NULL;
		ecra_ecr_repository repo;

		assert_ok(ecra_ecr_new(&ecr, &eo));
		assert_ok(ecra_ecr_describe_repository(&repo, ecr, REPO));
		ecra_ecr_repository_dispose(&repo);
		ecra_ecr_free(ecr);
		calls = last_calls(1);
		assert_true(ecra_json_is_true(
		    ecra_json_get(ecra_json_at(calls, 0), "session_token")));
		assert_non_null(
		    strstr(ecra_json_string(ecra_json_get(
		               ecra_json_get(ecra_json_at(calls, 0), "headers"),
		               "x-amz-security-token"))
		               ? "y"
		               : "",
		        "y"));
		ecra_json_free(calls);
	}
	ecra_aws_creds_dispose(&creds);

	ap.external_id = "wrong";
	assert_fails_with(ECRA_EAUTH, ecra_sts_assume_role(&creds, sts, &ap));
	assert_error_contains("cannot assume role '" ROLE "': AccessDenied: ");
	ap.external_id = NULL;
	ap.role_arn = "not-an-arn";
	assert_fails_with(ECRA_ERROR, ecra_sts_assume_role(&creds, sts, &ap));
	assert_string_equal(ecra_sts_last_error(sts)->type, "ValidationError");
	ecra_sts_free(sts);

	o = opts_for(AK, "bad" SK, NULL);
	assert_ok(ecra_sts_new(&sts, &o));
	assert_fails_with(ECRA_EAUTH, ecra_sts_get_caller_identity(&id, sts));
	assert_string_equal(
	    ecra_sts_last_error(sts)->type, "SignatureDoesNotMatch");
	ecra_sts_free(sts);
}

static void credentials_plan_assumes_profile_roles(void **state)
{
	char cfgpath[4200], credpath[4200], cfgtext[1024];
	ecra_aws_env env;
	ecra_aws_config_options co = { .version = 1, .env = &env };
	ecra_aws_config *cfg = NULL;
	ecra_aws_credential_plan plan;
	ecra_aws_creds creds;

	(void)state;
	snprintf(cfgtext, sizeof(cfgtext),
	    "[profile pub]\nrole_arn = " ROLE "\nsource_profile = base\n"
	    "external_id = ext-42\nregion = us-west-2\n"
	    "endpoint_url = %s\n",
	    endpoint);
	write_text(sandbox, "config", cfgtext);
	write_text(sandbox, "credentials",
	    "[base]\naws_access_key_id = " AK "\naws_secret_access_key = " SK
	    "\n");
	snprintf(cfgpath, sizeof(cfgpath), "%s/config", sandbox);
	snprintf(credpath, sizeof(credpath), "%s/credentials", sandbox);
	memset(&env, 0, sizeof(env));
	env.config_file = cfgpath;
	env.credentials_file = credpath;
	env.profile = "pub";
	assert_ok(ecra_aws_config_load(&cfg, &co));
	assert_string_equal(ecra_aws_config_region(cfg), "us-west-2");
	assert_ok(ecra_aws_config_credentials(&plan, cfg));
	assert_int_equal(plan.role_count, 1);
	assert_ok(ecra_aws_resolve_credentials(&creds, &plan, cfg, http,
	    ecra_aws_config_region(cfg), "ecra-session"));
	assert_true(strncmp(creds.access_key_id, "ASIA", 4) == 0);
	{
		ecra_json *calls = last_calls(1);

		assert_non_null(strstr(call_str(calls, 0, "body"),
		    "RoleSessionName=ecra-session&ExternalId=ext-42"));
		assert_string_equal(call_str(calls, 0, "region"), "us-west-2");
		ecra_json_free(calls);
	}
	ecra_aws_creds_dispose(&creds);
	ecra_aws_credential_plan_dispose(&plan);
	ecra_aws_config_free(cfg);
}

static void sts_session_names_follow_cdk_assets(void **state)
{
	char *s = NULL;

	(void)state;
	assert_ok(ecra_sts_session_name(&s, "cdk-assets-", "jane.doe"));
	assert_string_equal(s, "cdk-assets-jane.doe");
	ecra_free(s);
	assert_ok(ecra_sts_session_name(&s, "cdk-assets-", "DOMAIN\\j d"));
	assert_string_equal(s, "cdk-assets-DOMAIN@j@d");
	ecra_free(s);
	assert_ok(ecra_sts_session_name(&s, "cdk-assets-", NULL));
	assert_string_equal(s, "cdk-assets-noname");
	ecra_free(s);
	assert_ok(ecra_sts_session_name(&s, "cdk-assets-",
	    "a-very-long-user-name-that-goes-past-the-sixty-four-limit-of-"
	    "sts"));
	assert_int_equal(strlen(s), 64);
	ecra_free(s);

	{
		char t[64];

		ecra_aws_normalize_error_type(t, sizeof(t),
		    "com.amazonaws.ecr#ImageNotFoundException:http://x/");
		assert_string_equal(t, "ImageNotFoundException");
		ecra_aws_normalize_error_type(t, sizeof(t), "Throttling");
		assert_string_equal(t, "Throttling");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ecr_describes_repositories),
		cmocka_unit_test(ecr_gets_authorization),
		cmocka_unit_test(ecr_describes_images),
		cmocka_unit_test(ecr_retries_throttling_and_5xx_only),
		cmocka_unit_test(ecr_rejected_credentials_are_eauth),
		cmocka_unit_test(ecr_transport_errors_are_enet),
		cmocka_unit_test(sts_identity_and_assume_role),
		cmocka_unit_test(credentials_plan_assumes_profile_roles),
		cmocka_unit_test(sts_session_names_follow_cdk_assets),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup, teardown);
}
