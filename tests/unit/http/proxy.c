/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/http/proxy.c - proxies by scheme (issue 9.12): http URLs
 * through http_proxy as absolute-URI requests, https URLs through
 * https_proxy as CONNECT tunnels, `proxy` for both, no_proxy hosts
 * direct, and nothing through a proxy the options do not name (libcurl's
 * own *_proxy environment reading is off). connect_proxy.py records what
 * it was asked for; server.py answers the plain requests.
 */
#include "helpers.h"

#include <signal.h>

#include "http/http.h"
#include "util/buf.h"

typedef struct {
	FILE *pipe;
	long pid;
	int port;
} child;

static child server, proxy;
static char logpath[4200], sandbox[4096];

static int start(child *c, const char *script, const char *arg)
{
	char cmd[8400];

	snprintf(cmd, sizeof(cmd), "exec python3 %s/tests/unit/http/%s %s",
	    ECRA_SOURCE_DIR, script, arg);
	c->pipe = popen(cmd, "r");
	return c->pipe != NULL &&
	               fscanf(c->pipe, "%d %ld", &c->port, &c->pid) == 2
	           ? 0
	           : -1;
}

static void stop(child *c)
{
	if (c->pid > 0)
		kill((pid_t)c->pid, SIGTERM);
	if (c->pipe != NULL)
		pclose(c->pipe);
	memset(c, 0, sizeof(*c));
}

static int setup(void **state)
{
	(void)state;
	assert_true(ecra_init() > 0);
	snprintf(sandbox, sizeof(sandbox), "%s", sandbox_dir());
	snprintf(logpath, sizeof(logpath), "%s/proxy.log", sandbox);
	if (start(&server, "server.py", "") < 0 ||
	    start(&proxy, "connect_proxy.py", logpath) < 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	stop(&proxy);
	stop(&server);
	sandbox_cleanup(sandbox);
	ecra_shutdown();
	return 0;
}

/* The proxy's log so far, then emptied. */
static char *take_log(void)
{
	ecra_buf b = ECRA_BUF_INIT(0);
	FILE *f;

	(void)ecra_buf_read_file(&b, logpath);
	ecra_error_clear();
	if ((f = fopen(logpath, "w")) != NULL)
		fclose(f);
	if (b.ptr == NULL)
		(void)ecra_buf_puts(&b, "");
	return ecra_buf_detach(&b);
}

/* GET `scheme`://127.0.0.1:<server>/echo with these options. */
static int get(const char *scheme, const ecra_http_options *o, long *status)
{
	ecra_http *h = NULL;
	ecra_http_request req;
	ecra_http_response res;
	char url[256];
	int rc;

	snprintf(
	    url, sizeof(url), "%s://127.0.0.1:%d/echo", scheme, server.port);
	assert_ok(ecra_http_new(&h, o));
	ecra_http_request_init(&req, "GET", url);
	rc = ecra_http_send(&res, h, &req);
	*status = res.status;
	ecra_http_response_dispose(&res);
	ecra_http_free(h);
	return rc;
}

static void by_scheme(void **state)
{
	ecra_http_options o;
	char purl[64], expect[128], *log;
	long status = 0;

	(void)state;
	snprintf(purl, sizeof(purl), "http://127.0.0.1:%d", proxy.port);
	memset(&o, 0, sizeof(o));
	o.version = ECRA_HTTP_OPTIONS_VERSION;
	o.http_proxy = purl;
	o.https_proxy = purl;

	/* http: an absolute-URI request to the proxy */
	assert_ok(get("http", &o, &status));
	assert_int_equal(status, 200);
	log = take_log();
	snprintf(expect, sizeof(expect), "GET http://127.0.0.1:%d/echo\n",
	    server.port);
	assert_string_equal(log, expect);
	ecra_free(log);

	/* https: a CONNECT tunnel (the plain server then fails TLS) */
	assert_int_equal(ECRA_ENET, get("https", &o, &status));
	log = take_log();
	snprintf(expect, sizeof(expect), "CONNECT 127.0.0.1:%d\n", server.port);
	assert_string_equal(log, expect);
	ecra_free(log);

	/* only https_proxy: http goes direct */
	o.http_proxy = NULL;
	assert_ok(get("http", &o, &status));
	assert_int_equal(status, 200);
	log = take_log();
	assert_string_equal(log, "");
	ecra_free(log);

	/* no_proxy: direct */
	o.http_proxy = purl;
	o.no_proxy = "example.com,127.0.0.1";
	assert_ok(get("http", &o, &status));
	assert_int_equal(ECRA_ENET, get("https", &o, &status));
	log = take_log();
	assert_string_equal(log, "");
	ecra_free(log);

	/* `proxy` covers both schemes */
	memset(&o, 0, sizeof(o));
	o.version = ECRA_HTTP_OPTIONS_VERSION;
	o.proxy = purl;
	assert_ok(get("http", &o, &status));
	log = take_log();
	assert_non_null(strstr(log, "GET http://127.0.0.1:"));
	ecra_free(log);
}

static void environment_ignored(void **state)
{
	char purl[64], *log;
	long status = 0;

	(void)state;
	snprintf(purl, sizeof(purl), "http://127.0.0.1:%d", proxy.port);
	setenv("http_proxy", purl, 1);
	setenv("HTTPS_PROXY", purl, 1);
	setenv("ALL_PROXY", purl, 1);
	assert_ok(get("http", NULL, &status));
	assert_int_equal(status, 200);
	log = take_log();
	assert_string_equal(log, "");
	ecra_free(log);
	unsetenv("http_proxy");
	unsetenv("HTTPS_PROXY");
	unsetenv("ALL_PROXY");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(by_scheme),
		cmocka_unit_test(environment_ignored),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
