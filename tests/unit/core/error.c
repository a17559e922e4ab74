/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/core/error.c - the per-thread last error.
 */
#include "helpers.h"

#include <errno.h>
#include <pthread.h>

#include "core/error.h"

static void core_error_set_returns_code(void **state)
{
	(void)state;
	assert_int_equal(
	    ecra_error_set(ECRA_EINVALID, "bad '%s'", "x"), ECRA_EINVALID);
	assert_int_equal(ecra_error_last()->code, ECRA_EINVALID);
	assert_string_equal(ecra_error_last()->message, "bad 'x'");
}

static void core_error_wrap_prefixes(void **state)
{
	(void)state;
	ecra_error_set(ECRA_ENOTFOUND, "no such blob");
	assert_int_equal(
	    ecra_error_wrap("pushing '%s'", "app:1"), ECRA_ENOTFOUND);
	assert_string_equal(
	    ecra_error_last()->message, "pushing 'app:1': no such blob");
}

static void core_error_set_os_appends_strerror(void **state)
{
	(void)state;
	errno = ENOENT;
	ecra_error_set_os(ECRA_ENOTFOUND, "cannot open '%s'", "f");
	assert_string_equal(ecra_error_last()->message,
	    "cannot open 'f': No such file or directory");
}

static void core_error_truncates_long_messages(void **state)
{
	static char big[40000];

	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ecra_error_set(ECRA_ERROR, "%s", big);
	assert_int_equal(
	    strlen(ecra_error_last()->message), ECRA_ERROR_MESSAGE_MAX - 1);
}

/* A long message keeps its beginning and its end (the reason), and says
 * how much of the middle is left out; the length stays bounded. */
static void core_error_long_message_keeps_both_ends(void **state)
{
	static char pattern[6001];
	const char *msg;
	size_t len;

	(void)state;
	memset(pattern, 'p', sizeof(pattern) - 1);
	pattern[0] = 'S';
	pattern[sizeof(pattern) - 2] = 'E';
	ecra_error_set(ECRA_EINVALID, "invalid pattern '%s': %s", pattern,
	    "unterminated character class");
	msg = ecra_error_last()->message;
	len = strlen(msg);
	assert_int_equal(len, ECRA_ERROR_MESSAGE_MAX - 1);
	assert_true(strncmp(msg, "invalid pattern 'S", 18) == 0);
	assert_non_null(strstr(msg, " bytes left out ...] "));
	assert_string_equal(msg + len -
	                        strlen("E': unterminated character "
	                               "class"),
	    "E': unterminated character class");

	/* the OS reason survives too, and wrapping keeps the end */
	errno = ENOENT;
	ecra_error_set_os(ECRA_ENOTFOUND, "cannot open '%s'", pattern);
	msg = ecra_error_last()->message;
	assert_non_null(strstr(msg, "E': No such file or directory"));
	ecra_error_wrap("while loading %s", "x");
	msg = ecra_error_last()->message;
	assert_true(strncmp(msg, "while loading x: cannot open 'S", 31) == 0);
	assert_non_null(strstr(msg, "E': No such file or directory"));
	assert_int_equal(strlen(msg), ECRA_ERROR_MESSAGE_MAX - 1);

	/* short messages are untouched */
	ecra_error_set(ECRA_EINVALID, "short %d", 1);
	assert_string_equal(ecra_error_last()->message, "short 1");
}

static void *other_thread(void *arg)
{
	(void)arg;
	ecra_error_set(ECRA_EAUTH, "other thread");
	return NULL;
}

static void core_error_is_per_thread(void **state)
{
	pthread_t t;

	(void)state;
	ecra_error_set(ECRA_EIO, "main thread");
	assert_int_equal(pthread_create(&t, NULL, other_thread, NULL), 0);
	pthread_join(t, NULL);
	assert_string_equal(ecra_error_last()->message, "main thread");
	assert_int_equal(ecra_error_last()->code, ECRA_EIO);
}

static void core_error_names(void **state)
{
	(void)state;
	assert_string_equal(ecra_error_name(ECRA_ENOMEM), "ENOMEM");
	assert_string_equal(ecra_error_name(12345), "EUNKNOWN");
	ecra_error_clear();
	assert_int_equal(ecra_error_last()->code, 0);
	assert_string_equal(ecra_error_last()->message, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(core_error_set_returns_code),
		cmocka_unit_test(core_error_wrap_prefixes),
		cmocka_unit_test(core_error_set_os_appends_strerror),
		cmocka_unit_test(core_error_truncates_long_messages),
		cmocka_unit_test(core_error_long_message_keeps_both_ends),
		cmocka_unit_test(core_error_is_per_thread),
		cmocka_unit_test(core_error_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
