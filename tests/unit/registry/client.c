/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/registry/client.c - the registry client against an in-memory
 * registry with Bearer token auth (fake_registry.py on 127.0.0.1): the
 * token dance (token and access_token answers, scopes), relative upload
 * Locations with query strings, monolithic and chunked uploads with
 * Content-Range, manifest PUT/HEAD/GET with digests, mount, copy, and
 * the auth failures (no secret in messages). The real docker-registry
 * (Basic auth) is covered by tests/integration/registry_client.c.
 */
#include "helpers.h"
#include "unit/registry/fake_registry.h"

#include <signal.h>

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

static ecra_registry *client(const char *user, const char *pass, size_t chunk)
{
	ecra_registry_options o;
	ecra_registry *r = NULL;

	memset(&o, 0, sizeof(o));
	o.host = host;
	o.plain_http = ecra_registry_host_is_loopback(host);
	o.username = user;
	o.password = pass;
	o.chunk_size = chunk;
	assert_ok(ecra_registry_new(&r, &o));
	return r;
}

static void push_blob(
    ecra_registry *r, const char *repo, const char *data, bool *uploaded)
{
	char digest[72];
	ecra_registry_mem_reader s = { data, strlen(data), 0 };

	ecra_registry_sha256(digest, data, strlen(data));
	assert_ok(ecra_registry_blob_upload(r, repo, digest, strlen(data), NULL,
	    ecra_registry_mem_read, &s, uploaded));
}

static char *server_log(void)
{
	ecra_registry *r = client(NULL, NULL, 0);
	ecra_registry_resp resp;
	char *out;

	memset(&resp, 0, sizeof(resp));
	{
		char url[128];

		snprintf(url, sizeof(url), "http://%s/__log", host);
		assert_ok(ecra_registry_xfer(
		    r, "GET", url, NULL, NULL, 0, NULL, 0, &resp));
	}
	out = ecra_buf_detach(&resp.body);
	ecra_registry_resp_dispose(&resp);
	ecra_registry_free(r);
	return out;
}

static void token_flow_and_manifests(void **state)
{
	ecra_registry *r = client("user", "secret-pw", 0);
	const char *config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}";
	const char *layer = "pretend this is a gzip layer";
	char cd[72], ld[72], man[1024], *digest = NULL, *head = NULL,
	                                *mt = NULL;
	ecra_buf body = ECRA_BUF_INIT(0);
	bool exists = true, uploaded = false;

	(void)state;
	assert_ok(
	    ecra_registry_manifest_exists(r, "team/app", "v1", &exists, NULL));
	assert_false(exists);
	push_blob(r, "team/app", config, &uploaded);
	assert_true(uploaded);
	push_blob(r, "team/app", layer, &uploaded);
	assert_true(uploaded);
	/* Present now: HEAD says so, nothing is sent. */
	push_blob(r, "team/app", layer, &uploaded);
	assert_false(uploaded);
	ecra_registry_sha256(cd, config, strlen(config));
	ecra_registry_sha256(ld, layer, strlen(layer));
	snprintf(man, sizeof(man),
	    "{\"schemaVersion\":2,\"mediaType\":\"%s\",\"config\":{"
	    "\"mediaType\":\"%s\",\"size\":%zu,\"digest\":\"%s\"},\"layers\":"
	    "[{\"mediaType\":\"%s\",\"size\":%zu,\"digest\":\"%s\"}]}",
	    ECRA_MT_DOCKER_MANIFEST, ECRA_MT_DOCKER_CONFIG, strlen(config), cd,
	    ECRA_MT_DOCKER_LAYER, strlen(layer), ld);
	assert_ok(ecra_registry_manifest_put(r, "team/app", "v1",
	    ECRA_MT_DOCKER_MANIFEST, man, strlen(man), &digest));
	assert_ok(
	    ecra_registry_manifest_exists(r, "team/app", "v1", &exists, &head));
	assert_true(exists);
	assert_string_equal(head, digest);
	assert_ok(ecra_registry_manifest_get(
	    r, "team/app", digest, &body, &mt, NULL));
	assert_string_equal(mt, ECRA_MT_DOCKER_MANIFEST);
	assert_memory_equal(body.ptr, man, strlen(man));
	ecra_free(digest);
	ecra_free(head);
	ecra_free(mt);
	ecra_buf_dispose(&body);
	ecra_registry_free(r);
}

static void chunked_upload_with_relative_locations(void **state)
{
	ecra_registry *r = client("user", "secret-pw", 7);
	ecra_buf got = ECRA_BUF_INIT(0);
	const char *data = "0123456789abcdefghijklmnopqrstuvwxyz-chunked";
	char d[72], *log;
	bool uploaded = false;

	(void)state;
	push_blob(r, "team/chunks", data, &uploaded);
	assert_true(uploaded);
	ecra_registry_sha256(d, data, strlen(data));
	assert_ok(ecra_registry_blob_get(r, "team/chunks", d, &got));
	assert_int_equal(got.size, strlen(data));
	assert_memory_equal(got.ptr, data, got.size);
	log = server_log();
	/* 44 bytes in 7-byte chunks: 6 PATCHes, then the last 2 in the PUT */
	{
		size_t patches = 0;
		const char *p = log;

		while ((p = strstr(p,
		            "PATCH /v2/team/chunks/blobs/uploads/")) != NULL) {
			patches++;
			p++;
		}
		assert_int_equal(patches, 6);
	}
	assert_non_null(strstr(log, "&digest=sha256%3A"));
	ecra_free(log);
	ecra_buf_dispose(&got);
	ecra_registry_free(r);
}

static void mount_and_copy(void **state)
{
	ecra_registry *r = client("user", "secret-pw", 0);
	char *d1 = NULL, *d2 = NULL;
	bool exists = false, mounted = false;
	const char *layer = "pretend this is a gzip layer";
	char ld[72];

	(void)state;
	ecra_registry_sha256(ld, layer, strlen(layer));
	assert_ok(
	    ecra_registry_mount(r, "team/other", ld, "team/app", &mounted));
	assert_true(mounted);
	assert_ok(ecra_registry_blob_exists(r, "team/other", ld, &exists));
	assert_true(exists);
	assert_ok(
	    ecra_registry_copy(r, "team/app", "v1", r, "team/copy", "v2"));
	assert_ok(
	    ecra_registry_manifest_exists(r, "team/app", "v1", &exists, &d1));
	assert_ok(
	    ecra_registry_manifest_exists(r, "team/copy", "v2", &exists, &d2));
	assert_true(exists);
	assert_string_equal(d1, d2);
	ecra_free(d1);
	ecra_free(d2);
	ecra_registry_free(r);
}

static void auth_failures(void **state)
{
	ecra_registry *anon = client(NULL, NULL, 0);
	ecra_registry *wrong = client("user", "hunter2-wrong", 0);
	bool exists;

	(void)state;
	assert_fails_with(ECRA_EAUTH, ecra_registry_manifest_exists(anon,
	                                  "team/app", "v1", &exists, NULL));
	assert_fails_with(ECRA_EAUTH, ecra_registry_manifest_exists(wrong,
	                                  "team/app", "v1", &exists, NULL));
	assert_error_contains("refused the credentials");
	assert_null(strstr(ecra_error_last()->message, "hunter2-wrong"));
	ecra_registry_free(anon);
	ecra_registry_free(wrong);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(token_flow_and_manifests),
		cmocka_unit_test(chunked_upload_with_relative_locations),
		cmocka_unit_test(mount_and_copy),
		cmocka_unit_test(auth_failures),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
