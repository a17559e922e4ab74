/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/publish/retry.c - which push failures are retried, and the
 * backoff between attempts.
 */
#include "helpers.h"

#include "publish/retry.h"
#include "registry/registry.h"

/* docker push failures as docker 20-28 word them, after our
 * "<command> exited with error code N: " prefix. */
#define PFX "docker push 127.0.0.1:5000/r:t exited with error code 1: "

static void publish_retry_docker_transient(void **state)
{
	static const char *const transient[] = {
		PFX "received unexpected HTTP status: 503 Service Unavailable",
		PFX "received unexpected HTTP status: 502 Bad Gateway",
		PFX
		"received unexpected HTTP status: 500 Internal Server Error",
		PFX "toomanyrequests: Rate exceeded",
		PFX "Put \"http://127.0.0.1:5000/v2/r/manifests/t\": dial tcp "
		    "127.0.0.1:5000: connect: connection refused",
		PFX "Patch \"https://x/v2/r/blobs/uploads/1\": read tcp "
		    "1.2.3.4:5->6.7.8.9:443: read: connection reset by peer",
		PFX "Put \"https://x/v2/r/manifests/t\": EOF",
		PFX "net/http: TLS handshake timeout",
		PFX "write tcp 1.2.3.4:5->6.7.8.9:443: write: broken pipe",
		PFX "Get \"https://x/v2/\": dial tcp: i/o timeout",
		PFX "error parsing HTTP 503 response body: invalid character",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(transient) / sizeof(transient[0]); i++)
		if (!ecra_pub_docker_push_transient(transient[i]))
			fail_msg("not transient: %s", transient[i]);
}

static void publish_retry_docker_final(void **state)
{
	static const char *const final[] = {
		PFX "denied: requested access to the resource is denied",
		PFX "unauthorized: authentication required",
		PFX "no basic auth credentials",
		PFX "name unknown: The repository with name 'r' does not exist "
		    "in the registry with id '1'",
		PFX "An image does not exist locally with the tag: x/r",
		PFX "manifest invalid: manifest invalid",
		PFX "received unexpected HTTP status: 403 Forbidden",
		/* final wins over transient words in the same message */
		PFX "denied: service unavailable for this account",
		"cannot reach the docker daemon (is it running? check "
		"DOCKER_HOST): docker push x exited with error code 1: "
		"connection refused",
		"docker push x timed out after 1000 ms",
		PFX "something nobody anticipated",
		PFX "",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(final) / sizeof(final[0]); i++)
		if (ecra_pub_docker_push_transient(final[i]))
			fail_msg("transient: %s", final[i]);
	assert_false(ecra_pub_docker_push_transient(NULL));
	/* case does not matter */
	assert_true(ecra_pub_docker_push_transient("CONNECTION RESET"));
	assert_false(ecra_pub_docker_push_transient("Unauthorized: 503"));
}

static void publish_retry_registry_status(void **state)
{
	(void)state;
	assert_true(ecra_registry_status_transient(500));
	assert_true(ecra_registry_status_transient(502));
	assert_true(ecra_registry_status_transient(503));
	assert_true(ecra_registry_status_transient(504));
	assert_true(ecra_registry_status_transient(429));
	assert_false(ecra_registry_status_transient(400));
	assert_false(ecra_registry_status_transient(401));
	assert_false(ecra_registry_status_transient(403));
	assert_false(ecra_registry_status_transient(404));
	assert_false(ecra_registry_status_transient(201));
	assert_false(ecra_registry_failed_transiently(NULL));
}

static void publish_retry_backoff(void **state)
{
	(void)state;
	assert_int_equal(ecra_pub_retry_delay_ms(1000, 2), 1000);
	assert_int_equal(ecra_pub_retry_delay_ms(1000, 3), 2000);
	assert_int_equal(ecra_pub_retry_delay_ms(1000, 4), 4000);
	assert_int_equal(ecra_pub_retry_delay_ms(250, 3), 500);
	assert_int_equal(
	    ecra_pub_retry_delay_ms(1000, 12), ECRA_PUB_RETRY_MAX_DELAY_MS);
	assert_int_equal(ecra_pub_retry_delay_ms(4000000000u, 2),
	    ECRA_PUB_RETRY_MAX_DELAY_MS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(publish_retry_docker_transient),
		cmocka_unit_test(publish_retry_docker_final),
		cmocka_unit_test(publish_retry_registry_status),
		cmocka_unit_test(publish_retry_backoff),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
