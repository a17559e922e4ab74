/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/registry/hosts.c - which registry hosts are loopback (plain
 * http without asking), which are listed insecure, and which strings are
 * a registry host[:port] at all (issue 9.3 and 9.12).
 */
#include "helpers.h"

#include "registry/registry.h"

static void loopback_exactly(void **state)
{
	static const char *const yes[] = { "localhost", "localhost:5000",
		"LocalHost:1", "127.0.0.1", "127.0.0.1:5000", "127.1.2.3:443",
		"127.255.255.255", "[::1]", "[::1]:5000",
		"[0:0:0:0:0:0:0:1]:80" };
	static const char *const no[] = { "127.example.com",
		"127.example.com:5000", "127.0.0.1.nip.io", "127.0.0.1.",
		"localhost.", "localhost.example.com", "localhostx",
		"mylocalhost", "127.0.0", "127.0.0.1.2", "127.0.0.256",
		"127.0.0.010", "0127.0.0.1", "128.0.0.1", "10.0.0.1", "[::2]",
		"[::1", "::1", "[::ffff:127.0.0.1]x", "",
		"127.0.0.1:", "127.0.0.1:99999", "127.0.0.1:5000x",
		"localhost:abc", "registry.example.com" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!ecra_registry_host_is_loopback(yes[i])) {
			print_error("'%s' should be loopback\n", yes[i]);
			fail();
		}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (ecra_registry_host_is_loopback(no[i])) {
			print_error("'%s' should not be loopback\n", no[i]);
			fail();
		}
	assert_false(ecra_registry_host_is_loopback(NULL));
}

static void insecure_list(void **state)
{
	const char *list[] = { "reg.example.com:5000", "other.example",
		"[fd00::1]:5000" };

	(void)state;
	assert_true(
	    ecra_registry_host_insecure("reg.example.com:5000", list, 3));
	assert_true(
	    ecra_registry_host_insecure("REG.example.COM:5000", list, 3));
	assert_false(ecra_registry_host_insecure("reg.example.com", list, 3));
	assert_false(
	    ecra_registry_host_insecure("reg.example.com:5001", list, 3));
	/* an entry without a port allows every port */
	assert_true(ecra_registry_host_insecure("other.example", list, 3));
	assert_true(ecra_registry_host_insecure("other.example:8443", list, 3));
	assert_false(
	    ecra_registry_host_insecure("other.example.evil:80", list, 3));
	assert_false(ecra_registry_host_insecure("x.other.example", list, 3));
	assert_true(ecra_registry_host_insecure("[fd00::1]:5000", list, 3));
	assert_false(ecra_registry_host_insecure("[fd00::1]", list, 3));
	assert_false(
	    ecra_registry_host_insecure("reg.example.com:5000", list, 0));
	assert_false(ecra_registry_host_insecure(NULL, list, 3));
}

static void host_syntax(void **state)
{
	static const char *const ok[] = { "localhost", "reg.example.com",
		"reg.example.com:5000", "127.0.0.1:1", "my_reg:65535",
		"[::1]:5000", "[fd00::1]",
		"123456789012.dkr.ecr.us-east-1."
		"amazonaws.com" };
	static const char *const bad[] = { "", "bad host:99999", "bad host",
		"host:99999", "host:0", "host:", "host:-1", "host:+80",
		"host:08", "host/path", "::1", "[::1", "[zz::1]", "[::1]x",
		"-host", "host-", "a..b", ".host", "host:5000:1", "user@host",
		"host?x", "host#x", "h\tost" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		assert_ok(ecra_registry_host_check(ok[i]));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (ecra_registry_host_check(bad[i]) != ECRA_EINVALID) {
			print_error("'%s' should be refused\n", bad[i]);
			fail();
		}
	assert_int_equal(
	    ECRA_EINVALID, ecra_registry_host_check("bad host:99999"));
	assert_error_contains("'bad host'");
	assert_int_equal(ECRA_EINVALID, ecra_registry_host_check("h:99999"));
	assert_error_contains("port '99999'");
	assert_int_equal(ECRA_EINVALID, ecra_registry_host_check(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loopback_exactly),
		cmocka_unit_test(insecure_list),
		cmocka_unit_test(host_syntax),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
