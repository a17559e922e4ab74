/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/registry/redirects.c - credentials and tokens go only to the
 * origin that asked for them (issue 9.4). fake_registry.py runs a blob
 * store on another origin (localhost:<other port>, the registry being
 * 127.0.0.1:<port>) that logs the Authorization it receives: an upload
 * Location there, and 307 redirects of blob and manifest GETs there, must
 * reach it without one, while a redirect to the registry's own origin
 * keeps the token. Also the origin, URL resolution and no-CLI-wording
 * rules of the transport.
 */
#include "helpers.h"
#include "unit/registry/fake_registry.h"

#include "registry/registry_int.h"
#include "util/buf.h"

static char host[64];

static int setup(void **state)
{
	(void)state;
	assert_true(ecra_init() > 0);
	return fake_registry_start(host);
}

static int teardown(void **state)
{
	(void)state;
	fake_registry_stop();
	ecra_shutdown();
	return 0;
}

static ecra_registry *client(const char *user, const char *pass)
{
	ecra_registry_options o;
	ecra_registry *r = NULL;

	memset(&o, 0, sizeof(o));
	o.host = host;
	o.plain_http = true;
	o.username = user;
	o.password = pass;
	assert_ok(ecra_registry_new(&r, &o));
	return r;
}

static char *server_log(void)
{
	ecra_registry *r = client(NULL, NULL);
	ecra_registry_resp resp;
	char url[128], *out;

	memset(&resp, 0, sizeof(resp));
	snprintf(url, sizeof(url), "http://%s/__log", host);
	assert_ok(
	    ecra_registry_xfer(r, "GET", url, NULL, NULL, 0, NULL, 0, &resp));
	out = ecra_buf_detach(&resp.body);
	ecra_registry_resp_dispose(&resp);
	ecra_registry_free(r);
	return out;
}

/* Every "STORE ..." line of the log holds auth=- (none). */
static void assert_store_saw_no_auth(const char *log, const char *what)
{
	const char *p = log;
	size_t n = 0;

	while ((p = strstr(p, "STORE ")) != NULL) {
		const char *end = strchr(p, '"');
		const char *a = strstr(p, " auth=");

		assert_non_null(end);
		assert_non_null(a);
		if (a > end || a[6] != '-' || a + 7 != end) {
			print_error("the blob store got credentials: %.*s\n",
			    (int)(end - p), p);
			fail();
		}
		n++;
		p = end;
	}
	if (n == 0) {
		print_error("the blob store saw no %s\n", what);
		fail();
	}
}

static void push(
    ecra_registry *r, const char *repo, const char *data, char digest[72])
{
	ecra_registry_mem_reader s = { data, strlen(data), 0 };
	bool uploaded = false;

	ecra_registry_sha256(digest, data, strlen(data));
	assert_ok(ecra_registry_blob_upload(r, repo, digest, strlen(data), NULL,
	    ecra_registry_mem_read, &s, &uploaded));
	assert_true(uploaded);
}

static void upload_location_on_another_host(void **state)
{
	ecra_registry *r = client("user", "secret-pw");
	const char *data = "a layer that goes to the blob store";
	char d[72], *log;
	bool exists = false;

	(void)state;
	push(r, "offsite/app", data, d);
	/* it arrived (the store put it in the registry's repository) */
	assert_ok(ecra_registry_blob_exists(r, "offsite/app", d, &exists));
	assert_true(exists);
	log = server_log();
	assert_non_null(strstr(log, "STORE PUT /upload/offsite/app/"));
	assert_store_saw_no_auth(log, "upload");
	/* ... while the registry itself got the token */
	assert_non_null(strstr(log, "POST /v2/offsite/app/blobs/uploads/"));
	ecra_free(log);
	ecra_registry_free(r);
}

static void redirected_gets(void **state)
{
	ecra_registry *r = client("user", "secret-pw");
	const char *data = "a blob served by a CDN";
	const char *man = "{\"schemaVersion\":2}";
	ecra_buf got = ECRA_BUF_INIT(1024);
	char d[72], *mt = NULL, *log;

	(void)state;
	push(r, "redirect/app", data, d);
	assert_ok(ecra_registry_manifest_put(r, "redirect/app", "v1",
	    ECRA_MT_OCI_MANIFEST, man, strlen(man), NULL));
	assert_ok(ecra_registry_blob_get(r, "redirect/app", d, &got));
	assert_int_equal(got.size, strlen(data));
	assert_memory_equal(got.ptr, data, got.size);
	ecra_buf_clear(&got);
	assert_ok(ecra_registry_manifest_get(
	    r, "redirect/app", "v1", &got, &mt, NULL));
	assert_string_equal(mt, ECRA_MT_OCI_MANIFEST);
	assert_int_equal(got.size, strlen(man));
	log = server_log();
	assert_non_null(strstr(log, "STORE GET /blob/redirect/app/"));
	assert_non_null(strstr(log, "STORE GET /manifest/redirect/app/v1"));
	assert_store_saw_no_auth(log, "GET");
	ecra_free(mt);
	ecra_free(log);
	ecra_buf_dispose(&got);
	ecra_registry_free(r);
}

static void same_origin_redirect_keeps_the_token(void **state)
{
	ecra_registry *r = client("user", "secret-pw");
	const char *data = "a blob behind a same-origin redirect";
	ecra_buf got = ECRA_BUF_INIT(1024);
	char d[72];

	(void)state;
	push(r, "samehop/app", data, d);
	/* the fake serves /__same/... only with a valid token */
	assert_ok(ecra_registry_blob_get(r, "samehop/app", d, &got));
	assert_int_equal(got.size, strlen(data));
	ecra_buf_dispose(&got);
	ecra_registry_free(r);
}

static void origins(void **state)
{
	ecra_buf b = ECRA_BUF_INIT(0);

	(void)state;
	assert_ok(ecra_registry_url_origin(&b, "HTTPS://Reg.Example:443/v2/"));
	assert_string_equal(b.ptr, "https://reg.example");
	assert_ok(ecra_registry_url_origin(&b, "http://u:p@h:80?x"));
	assert_string_equal(b.ptr, "http://h");
	assert_ok(ecra_registry_url_origin(&b, "http://[::1]:5000/x"));
	assert_string_equal(b.ptr, "http://[::1]:5000");
	assert_ok(ecra_registry_url_origin(&b, "https://h:80/"));
	assert_string_equal(b.ptr, "https://h:80");
	assert_int_equal(
	    ECRA_EINVALID, ecra_registry_url_origin(&b, "ftp://h/"));
	assert_true(ecra_registry_same_origin(
	    "https://h/v2/a", "https://H:443/v2/b?c"));
	assert_false(ecra_registry_same_origin("https://h/", "http://h/"));
	assert_false(
	    ecra_registry_same_origin("http://h:5000/", "http://h:5001/"));
	assert_false(ecra_registry_same_origin(
	    "https://h/", "https://h.s3.amazonaws.com/"));
	assert_false(
	    ecra_registry_same_origin("https://evil/@h", "https://h/"));
	assert_ok(ecra_registry_resolve_url(
	    &b, "https://h/v2/a/blobs/x?q", "/other"));
	assert_string_equal(b.ptr, "https://h/other");
	assert_ok(
	    ecra_registry_resolve_url(&b, "https://h/v2/a/blobs/x?q", "y?z"));
	assert_string_equal(b.ptr, "https://h/v2/a/blobs/y?z");
	assert_ok(ecra_registry_resolve_url(&b, "https://h", "y"));
	assert_string_equal(b.ptr, "https://h/y");
	assert_ok(
	    ecra_registry_resolve_url(&b, "https://h/v2/x", "//cdn.example/b"));
	assert_string_equal(b.ptr, "https://cdn.example/b");
	assert_ok(
	    ecra_registry_resolve_url(&b, "https://h/v2/x", "HTTP://cdn/b"));
	assert_string_equal(b.ptr, "HTTP://cdn/b");
	assert_int_equal(ECRA_EINVALID,
	    ecra_registry_resolve_url(&b, "https://h/v2/x", "file:///etc"));
	ecra_buf_dispose(&b);
}

static void no_cli_wording(void **state)
{
	ecra_registry *anon = client(NULL, NULL);
	bool exists;

	(void)state;
	assert_fails_with(ECRA_EAUTH, ecra_registry_manifest_exists(anon,
	                                  "team/app", "v1", &exists, NULL));
	assert_error_contains("requires authentication");
	assert_null(strstr(ecra_error_last()->message, "--"));
	ecra_registry_free(anon);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(upload_location_on_another_host),
		cmocka_unit_test(redirected_gets),
		cmocka_unit_test(same_origin_redirect_keeps_the_token),
		cmocka_unit_test(origins),
		cmocka_unit_test(no_cli_wording),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
