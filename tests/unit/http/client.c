/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/http/client.c - the HTTP client against a local scriptable
 * server (tests/unit/http/server.py on 127.0.0.1, an ephemeral port):
 * statuses, headers, bodies (memory, fd, chunked callback), caps,
 * redirects, connection reuse, timeouts and transport failures.
 */
#include "helpers.h"

#include <pthread.h>
#include <time.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "core/alloc.h"
#include "http/http.h"
#include "json/json.h"
#include "util/buf.h"

static int port;
static long server_pid;
static FILE *server_pipe;
static ecra_http *client;
static char url[512];

static const char *u(const char *path)
{
	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", port, path);
	return url;
}

static int setup(void **state)
{
	char cmd[1024];
	const char *py = access("/usr/bin/python3", X_OK) == 0
	                     ? "/usr/bin/python3"
	                     : "python3";

	(void)state;
	assert_true(ecra_init() > 0);
	snprintf(cmd, sizeof(cmd), "exec %s %s/tests/unit/http/server.py", py,
	    ECRA_SOURCE_DIR);
	server_pipe = popen(cmd, "r");
	if (server_pipe == NULL ||
	    fscanf(server_pipe, "%d %ld", &port, &server_pid) != 2)
		return -1;
	return ecra_http_new(&client, NULL) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	ecra_http_free(client);
	if (server_pid > 0)
		kill((pid_t)server_pid, SIGTERM);
	if (server_pipe)
		pclose(server_pipe);
	ecra_shutdown();
	return 0;
}

static ecra_json *echo_json(const ecra_http_response *res)
{
	ecra_json *j = NULL;

	assert_int_equal(res->status, 200);
	assert_ok(
	    ecra_json_parse(&j, res->body.ptr, res->body.size, "echo", 0));
	return j;
}

static void http_returns_any_status(void **state)
{
	static const int codes[] = { 200, 201, 204, 404, 500, 503 };
	ecra_http_request req;
	ecra_http_response res;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		char path[32];

		snprintf(path, sizeof(path), "/status/%d", codes[i]);
		ecra_http_request_init(&req, "GET", u(path));
		assert_ok(ecra_http_send(&res, client, &req));
		assert_int_equal(res.status, codes[i]);
		if (codes[i] != 204) {
			char want[32];

			snprintf(want, sizeof(want), "status %d", codes[i]);
			assert_string_equal(res.body.ptr, want);
		}
		ecra_http_response_dispose(&res);
	}
}

static void http_exposes_headers(void **state)
{
	ecra_http_request req;
	ecra_http_response res;

	(void)state;
	ecra_http_request_init(&req, NULL, u("/headers"));
	assert_ok(ecra_http_send(&res, client, &req));
	assert_int_equal(res.status, 200);
	assert_string_equal(ecra_http_response_header(&res, "x-multi"), "one");
	assert_string_equal(
	    ecra_http_response_header_nth(&res, "X-MULTI", 1), "two");
	assert_null(ecra_http_response_header_nth(&res, "x-multi", 2));
	assert_string_equal(
	    ecra_http_response_header(&res, "x-case"), "padded value");
	assert_string_equal(
	    ecra_http_response_header(&res, "content-length"), "2");
	assert_string_equal(
	    ecra_http_response_header(&res, "Location"), "/v2/uploads/abc?x=1");
	assert_null(ecra_http_response_header(&res, "x-absent"));
	ecra_http_response_dispose(&res);
}

static void http_sends_memory_bodies_and_headers(void **state)
{
	static const char body[] = "{\"repositoryNames\":[\"r\"]}";
	ecra_http_header hdrs[] = {
		{ "Content-Type", "application/x-amz-json-1.1" },
		{ "X-Amz-Target", "Svc.Op" },
		{ "X-Empty", "" },
	};
	ecra_http_request req;
	ecra_http_response res;
	ecra_json *j;
	char sha[65];
	const char *methods[] = { "POST", "PUT", "PATCH", "DELETE" };
	size_t i;

	(void)state;
	for (i = 0; i < 4; i++) {
		ecra_http_request_init(&req, methods[i], u("/echo?a=1"));
		req.headers = hdrs;
		req.header_count = 3;
		req.body = body;
		req.body_len = strlen(body);
		assert_ok(ecra_http_send(&res, client, &req));
		j = echo_json(&res);
		assert_string_equal(
		    ecra_json_string(ecra_json_get(j, "method")), methods[i]);
		assert_string_equal(
		    ecra_json_string(ecra_json_get(j, "query")), "a=1");
		assert_int_equal(
		    ecra_json_integer(ecra_json_get(j, "body_len")),
		    strlen(body));
		{
			ecra_json *h = ecra_json_get(j, "headers");

			assert_string_equal(
			    ecra_json_string(ecra_json_get(h, "content-type")),
			    "application/x-amz-json-1.1");
			assert_string_equal(
			    ecra_json_string(ecra_json_get(h, "x-amz-target")),
			    "Svc.Op");
			assert_string_equal(
			    ecra_json_string(ecra_json_get(h, "x-empty")), "");
			assert_non_null(strstr(
			    ecra_json_string(ecra_json_get(h, "user-agent")),
			    "ecr-assets/"));
			assert_null(ecra_json_get(h, "expect"));
		}
		ecra_json_free(j);
		ecra_http_response_dispose(&res);
	}

	/* POST without a body: Content-Length 0 (a blob upload start) */
	ecra_http_request_init(&req, "POST", u("/echo"));
	assert_ok(ecra_http_send(&res, client, &req));
	j = echo_json(&res);
	assert_string_equal(ecra_json_string(ecra_json_get(
	                        ecra_json_get(j, "headers"), "content-length")),
	    "0");
	ecra_json_free(j);
	ecra_http_response_dispose(&res);

	/* HEAD: status and headers, no body */
	ecra_http_request_init(&req, "HEAD", u("/big/5000"));
	assert_ok(ecra_http_send(&res, client, &req));
	assert_int_equal(res.status, 200);
	assert_int_equal(res.body.size, 0);
	assert_string_equal(
	    ecra_http_response_header(&res, "Content-Length"), "5000");
	ecra_http_response_dispose(&res);
	(void)sha;
}

typedef struct {
	size_t left;
	size_t calls;
	bool fail;
} gen;

static int gen_read(void *buf, size_t len, size_t *nread, void *payload)
{
	gen *g = payload;
	size_t n = len < g->left ? len : g->left;

	if (g->fail && g->calls > 0)
		return 1;
	memset(buf, 'g', n);
	g->left -= n;
	g->calls++;
	*nread = n;
	return 0;
}

static void http_streams_fd_and_callback_bodies(void **state)
{
	const char *dir = sandbox_dir();
	char path[4200], want[65];
	char *data;
	size_t len = 3u * 1024 * 1024 + 17, i;
	ecra_http_request req;
	ecra_http_response res;
	ecra_json *j;
	int fd;
	gen g;

	(void)state;
	data = malloc(len);
	assert_non_null(data);
	for (i = 0; i < len; i++)
		data[i] = (char)(i * 31 + 7);
	write_file(dir, "blob", data, len);
	snprintf(path, sizeof(path), "%s/blob", dir);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);

	ecra_http_request_init(&req, "PUT", u("/echo"));
	req.body_fd = fd;
	req.body_size = (long long)len;
	assert_ok(ecra_http_send(&res, client, &req));
	j = echo_json(&res);
	assert_int_equal(ecra_json_integer(ecra_json_get(j, "body_len")), len);
	{
		/* sha256 of the data, via the library's json-free path: the
		 * server computed it; compare with a second upload from
		 * memory. */
		ecra_http_response res2;
		ecra_json *j2;

		ecra_http_request_init(&req, "PUT", u("/echo"));
		req.body = data;
		req.body_len = len;
		assert_ok(ecra_http_send(&res2, client, &req));
		j2 = echo_json(&res2);
		assert_string_equal(
		    ecra_json_string(ecra_json_get(j, "body_sha256")),
		    ecra_json_string(ecra_json_get(j2, "body_sha256")));
		snprintf(want, sizeof(want), "%s",
		    ecra_json_string(ecra_json_get(j2, "body_sha256")));
		ecra_json_free(j2);
		ecra_http_response_dispose(&res2);
	}
	ecra_json_free(j);
	ecra_http_response_dispose(&res);
	close(fd);

	/* callback body of unknown size: chunked */
	memset(&g, 0, sizeof(g));
	g.left = 100000;
	ecra_http_request_init(&req, "PATCH", u("/echo"));
	req.body_read = gen_read;
	req.body_read_payload = &g;
	assert_ok(ecra_http_send(&res, client, &req));
	j = echo_json(&res);
	assert_true(ecra_json_is_true(ecra_json_get(j, "chunked")));
	assert_int_equal(
	    ecra_json_integer(ecra_json_get(j, "body_len")), 100000);
	ecra_json_free(j);
	ecra_http_response_dispose(&res);

	/* a callback can abort the upload */
	memset(&g, 0, sizeof(g));
	g.left = 10u * 1024 * 1024;
	g.fail = true;
	ecra_http_request_init(&req, "PATCH", u("/echo"));
	req.body_read = gen_read;
	req.body_read_payload = &g;
	req.body_size = (long long)g.left;
	assert_fails_with(ECRA_EUSER, ecra_http_send(&res, client, &req));
	ecra_http_response_dispose(&res);

	free(data);
	sandbox_cleanup(dir);
	(void)want;
}

typedef struct {
	size_t bytes;
	size_t stop_after;
} sink;

static int sink_write(const char *data, size_t len, void *payload)
{
	sink *s = payload;

	(void)data;
	s->bytes += len;
	return s->stop_after && s->bytes >= s->stop_after;
}

static void http_caps_response_bodies(void **state)
{
	ecra_http_request req;
	ecra_http_response res;
	sink s;

	(void)state;
	ecra_http_request_init(&req, "GET", u("/big/1000"));
	req.body_limit = 1000;
	assert_ok(ecra_http_send(&res, client, &req));
	assert_int_equal(res.body.size, 1000);
	ecra_http_response_dispose(&res);

	ecra_http_request_init(&req, "GET", u("/big/1001"));
	req.body_limit = 1000;
	assert_fails_with(ECRA_ETOOBIG, ecra_http_send(&res, client, &req));
	assert_error_contains("1000-byte limit");
	ecra_http_response_dispose(&res);

	memset(&s, 0, sizeof(s));
	ecra_http_request_init(&req, "GET", u("/big/5000000"));
	req.on_body = sink_write;
	req.on_body_payload = &s;
	assert_ok(ecra_http_send(&res, client, &req));
	assert_int_equal(s.bytes, 5000000);
	assert_int_equal(res.body.size, 0);
	ecra_http_response_dispose(&res);

	memset(&s, 0, sizeof(s));
	s.stop_after = 1;
	assert_fails_with(ECRA_EUSER, ecra_http_send(&res, client, &req));
	ecra_http_response_dispose(&res);

	/* the client still works after aborted transfers */
	ecra_http_request_init(&req, "GET", u("/status/200"));
	assert_ok(ecra_http_send(&res, client, &req));
	assert_int_equal(res.status, 200);
	ecra_http_response_dispose(&res);
}

static void http_maps_transport_failures_to_enet(void **state)
{
	ecra_http_header auth[] = { { "Authorization", "Bearer topsecret" } };
	ecra_http_request req;
	ecra_http_response res;
	char want[256];

	(void)state;
	ecra_http_request_init(
	    &req, "GET", u("/truncated?X-Amz-Signature=querysecret"));
	req.headers = auth;
	req.header_count = 1;
	assert_fails_with(ECRA_ENET, ecra_http_send(&res, client, &req));
	snprintf(
	    want, sizeof(want), "GET http://127.0.0.1:%d/truncated: ", port);
	assert_error_contains(want);
	assert_null(strstr(ecra_error_last()->message, "querysecret"));
	assert_null(strstr(ecra_error_last()->message, "topsecret"));
	ecra_http_response_dispose(&res);

	ecra_http_request_init(&req, "POST", u("/reset"));
	req.body = "x";
	req.body_len = 1;
	assert_fails_with(ECRA_ENET, ecra_http_send(&res, client, &req));
	assert_error_contains("POST http://127.0.0.1:");
	ecra_http_response_dispose(&res);

	ecra_http_request_init(&req, "GET", u("/garbage"));
	assert_fails_with(ECRA_ENET, ecra_http_send(&res, client, &req));
	ecra_http_response_dispose(&res);

	{
		/* a port nobody listens on: bind, learn the port, close */
		struct sockaddr_in sa;
		socklen_t sl = sizeof(sa);
		int s = socket(AF_INET, SOCK_STREAM, 0);
		char dead[128];

		memset(&sa, 0, sizeof(sa));
		sa.sin_family = AF_INET;
		sa.sin_addr.s_addr = htonl(0x7f000001);
		assert_int_equal(
		    bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
		assert_int_equal(
		    getsockname(s, (struct sockaddr *)&sa, &sl), 0);
		close(s);
		snprintf(dead, sizeof(dead), "http://user:pw@127.0.0.1:%d/x",
		    ntohs(sa.sin_port));
		ecra_http_request_init(&req, "GET", dead);
		assert_fails_with(
		    ECRA_ENET, ecra_http_send(&res, client, &req));
		assert_null(strstr(ecra_error_last()->message, "pw@"));
		ecra_http_response_dispose(&res);
	}

	ecra_http_request_init(&req, "GET", u("/slow/3000"));
	req.timeout_ms = 300;
	assert_fails_with(ECRA_ENET, ecra_http_send(&res, client, &req));
	assert_error_contains("imed out");
	ecra_http_response_dispose(&res);

	ecra_http_request_init(&req, "GET", "ftp://127.0.0.1/x");
	assert_true(ecra_http_send(&res, client, &req) < 0);
	ecra_http_response_dispose(&res);
}

static volatile int cancel_flag;

static void *raise_flag_later(void *arg)
{
	struct timespec ts = { 0, 300 * 1000000L };

	(void)arg;
	nanosleep(&ts, NULL);
	cancel_flag = 2;
	return NULL;
}

/* The cancel flag (a signal flag) stops a running transfer within a
 * second, and no request starts once it is set. */
static void http_cancels_transfers(void **state)
{
	ecra_http_options o;
	ecra_http *c = NULL;
	ecra_http_request req;
	ecra_http_response res;
	struct timespec t0, t1;
	pthread_t th;
	double secs;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.version = ECRA_HTTP_OPTIONS_VERSION;
	o.cancel = &cancel_flag;
	cancel_flag = 0;
	assert_ok(ecra_http_new(&c, &o));
	ecra_http_request_init(&req, "GET", u("/slow/8000"));
	assert_int_equal(pthread_create(&th, NULL, raise_flag_later, NULL), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_fails_with(ECRA_EUSER, ecra_http_send(&res, c, &req));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	pthread_join(th, NULL);
	assert_error_contains("/slow/8000: cancelled");
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(secs < 2.5);
	ecra_http_response_dispose(&res);
	/* set: nothing starts */
	ecra_http_request_init(&req, "GET", u("/status/200"));
	assert_fails_with(ECRA_EUSER, ecra_http_send(&res, c, &req));
	ecra_http_response_dispose(&res);
	/* cleared (or replaced by none): requests go out again */
	ecra_http_set_cancel(c, NULL);
	assert_ok(ecra_http_send(&res, c, &req));
	assert_int_equal(res.status, 200);
	ecra_http_response_dispose(&res);
	ecra_http_free(c);
}

static void http_follows_redirects_only_when_asked(void **state)
{
	ecra_http_header auth[] = { { "Authorization", "Bearer tok" } };
	ecra_http_request req;
	ecra_http_response res;
	char target[256], path[512];
	ecra_json *j;

	(void)state;
	snprintf(path, sizeof(path), "/redirect?code=307&to=/echo");
	ecra_http_request_init(&req, "GET", u(path));
	req.headers = auth;
	req.header_count = 1;
	assert_ok(ecra_http_send(&res, client, &req));
	assert_int_equal(res.status, 307);
	assert_string_equal(
	    ecra_http_response_header(&res, "location"), "/echo");
	assert_int_equal(res.redirects, 0);
	ecra_http_response_dispose(&res);

	req.follow_redirects = true;
	assert_ok(ecra_http_send(&res, client, &req));
	j = echo_json(&res);
	assert_int_equal(res.redirects, 1);
	assert_non_null(strstr(res.effective_url, "/echo"));
	/* same host: the Authorization header goes along */
	assert_string_equal(ecra_json_string(ecra_json_get(
	                        ecra_json_get(j, "headers"), "authorization")),
	    "Bearer tok");
	ecra_json_free(j);
	ecra_http_response_dispose(&res);

	/* a 307 keeps method and body: the body is rewound and resent */
	ecra_http_request_init(&req, "PUT", u("/redirect?code=307&to=/echo"));
	req.body = "0123456789";
	req.body_len = 10;
	req.follow_redirects = true;
	assert_ok(ecra_http_send(&res, client, &req));
	j = echo_json(&res);
	assert_string_equal(
	    ecra_json_string(ecra_json_get(j, "method")), "PUT");
	assert_int_equal(ecra_json_integer(ecra_json_get(j, "body_len")), 10);
	ecra_json_free(j);
	ecra_http_response_dispose(&res);

	/* another host (localhost vs 127.0.0.1): it must not */
	snprintf(target, sizeof(target), "http://localhost:%d/echo", port);
	snprintf(path, sizeof(path), "/redirect?to=%s", target);
	ecra_http_request_init(&req, "GET", u(path));
	req.headers = auth;
	req.header_count = 1;
	req.follow_redirects = true;
	assert_ok(ecra_http_send(&res, client, &req));
	j = echo_json(&res);
	assert_null(
	    ecra_json_get(ecra_json_get(j, "headers"), "authorization"));
	ecra_json_free(j);
	ecra_http_response_dispose(&res);
}

static void http_reuses_connections(void **state)
{
	ecra_http_request req;
	ecra_http_response res;
	ecra_json *j;
	long long first;

	(void)state;
	ecra_http_request_init(&req, "GET", u("/echo"));
	assert_ok(ecra_http_send(&res, client, &req));
	j = echo_json(&res);
	first = ecra_json_integer(ecra_json_get(j, "client_port"));
	ecra_json_free(j);
	ecra_http_response_dispose(&res);

	ecra_http_request_init(&req, "POST", u("/echo"));
	req.body = "x";
	req.body_len = 1;
	assert_ok(ecra_http_send(&res, client, &req));
	j = echo_json(&res);
	assert_int_equal(
	    ecra_json_integer(ecra_json_get(j, "client_port")), first);
	ecra_json_free(j);
	ecra_http_response_dispose(&res);
}

static void http_rejects_bad_requests(void **state)
{
	ecra_http_header inject[] = { { "X-A", "v\r\nX-Injected: 1" } };
	ecra_http_header badname[] = { { "X:A", "v" } };
	ecra_http_request req;
	ecra_http_response res;
	ecra_http_options o = { .version = 7 };
	ecra_http *c2 = NULL;

	(void)state;
	ecra_http_request_init(&req, "GET", u("/echo"));
	req.headers = inject;
	req.header_count = 1;
	assert_fails_with(ECRA_EINVALID, ecra_http_send(&res, client, &req));
	ecra_http_response_dispose(&res);
	req.headers = badname;
	assert_fails_with(ECRA_EINVALID, ecra_http_send(&res, client, &req));
	ecra_http_response_dispose(&res);
	ecra_http_request_init(&req, "GET", "");
	assert_fails_with(ECRA_EINVALID, ecra_http_send(&res, client, &req));
	ecra_http_response_dispose(&res);
	assert_fails_with(ECRA_EINVALID, ecra_http_new(&c2, &o));
	assert_null(c2);
}

static void http_redacts_urls(void **state)
{
	ecra_buf b = ECRA_BUF_INIT(0);

	(void)state;
	assert_ok(ecra_http_redact_url(
	    &b, "https://u:p@bucket.s3.amazonaws.com/k/v?X-Amz-Signature=s#f"));
	assert_string_equal(b.ptr, "https://bucket.s3.amazonaws.com/k/v");
	ecra_buf_clear(&b);
	assert_ok(ecra_http_redact_url(&b, "http://127.0.0.1:5000/v2/"));
	assert_string_equal(b.ptr, "http://127.0.0.1:5000/v2/");
	ecra_buf_dispose(&b);
}

static void http_options_and_oom(void **state)
{
	ecra_http_options o = { .version = 1,
		.user_agent = "custom-agent/1",
		.timeout_ms = 5000,
		.no_proxy = "*" };
	ecra_http *c2 = NULL;
	ecra_http_request req;
	ecra_http_response res;
	ecra_json *j;
	long n;
	int rc;

	(void)state;
	assert_ok(ecra_http_new(&c2, &o));
	ecra_http_request_init(&req, "GET", u("/echo"));
	assert_ok(ecra_http_send(&res, c2, &req));
	j = echo_json(&res);
	assert_string_equal(ecra_json_string(ecra_json_get(
	                        ecra_json_get(j, "headers"), "user-agent")),
	    "custom-agent/1");
	ecra_json_free(j);
	ecra_http_response_dispose(&res);
	ecra_http_free(c2);

	for (n = 0; n < 40; n++) {
		c2 = NULL;
		ecra_alloc_fail_after(n);
		rc = ecra_http_new(&c2, &o);
		if (rc == 0) {
			ecra_http_request_init(&req, "GET", u("/headers"));
			rc = ecra_http_send(&res, c2, &req);
			ecra_http_response_dispose(&res);
		}
		ecra_alloc_fail_after(-1);
		assert_true(rc == 0 || rc == ECRA_ENOMEM);
		ecra_http_free(c2);
	}
}

/* HTTPS: verification is on by default; a CA file or insecure_tls make a
 * self-signed loopback server acceptable. */
static void http_verifies_tls_by_default(void **state)
{
	const char *dir = sandbox_dir();
	char cmd[8192], cert[4200], key[4200], tls_url[256];
	const char *py = access("/usr/bin/python3", X_OK) == 0
	                     ? "/usr/bin/python3"
	                     : "python3";
	FILE *srv;
	int tls_port = 0;
	long tls_pid = 0;
	ecra_http *c2 = NULL;
	ecra_http_options o = { .version = 1 };
	ecra_http_request req;
	ecra_http_response res;

	(void)state;
	snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
	snprintf(key, sizeof(key), "%s/key.pem", dir);
	snprintf(cmd, sizeof(cmd),
	    "openssl req -x509 -newkey rsa:2048 -nodes -days 1 "
	    "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 "
	    "-keyout '%s' -out '%s' >/dev/null 2>&1",
	    key, cert);
	if (system(cmd) != 0) {
		sandbox_cleanup(dir);
		skip(); /* no openssl CLI */
	}
	snprintf(cmd, sizeof(cmd),
	    "exec %s %s/tests/unit/http/server.py --tls '%s' '%s'", py,
	    ECRA_SOURCE_DIR, cert, key);
	srv = popen(cmd, "r");
	assert_non_null(srv);
	assert_int_equal(fscanf(srv, "%d %ld", &tls_port, &tls_pid), 2);
	snprintf(tls_url, sizeof(tls_url), "https://127.0.0.1:%d/status/200",
	    tls_port);

	ecra_http_request_init(&req, "GET", tls_url);
	assert_fails_with(ECRA_ENET, ecra_http_send(&res, client, &req));
	assert_error_contains("GET https://127.0.0.1:");
	ecra_http_response_dispose(&res);

	o.ca_file = cert;
	assert_ok(ecra_http_new(&c2, &o));
	assert_ok(ecra_http_send(&res, c2, &req));
	assert_int_equal(res.status, 200);
	ecra_http_response_dispose(&res);
	ecra_http_free(c2);

	o.ca_file = NULL;
	o.insecure_tls = true;
	assert_ok(ecra_http_new(&c2, &o));
	assert_ok(ecra_http_send(&res, c2, &req));
	assert_int_equal(res.status, 200);
	ecra_http_response_dispose(&res);
	ecra_http_free(c2);

	kill((pid_t)tls_pid, SIGTERM);
	pclose(srv);
	sandbox_cleanup(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(http_returns_any_status),
		cmocka_unit_test(http_exposes_headers),
		cmocka_unit_test(http_sends_memory_bodies_and_headers),
		cmocka_unit_test(http_streams_fd_and_callback_bodies),
		cmocka_unit_test(http_caps_response_bodies),
		cmocka_unit_test(http_maps_transport_failures_to_enet),
		cmocka_unit_test(http_cancels_transfers),
		cmocka_unit_test(http_follows_redirects_only_when_asked),
		cmocka_unit_test(http_reuses_connections),
		cmocka_unit_test(http_rejects_bad_requests),
		cmocka_unit_test(http_redacts_urls),
		cmocka_unit_test(http_options_and_oom),
		cmocka_unit_test(http_verifies_tls_by_default),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup, teardown);
}
