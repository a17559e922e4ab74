/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/helpers.h - assertions and sandboxes shared by the unit tests.
 *
 * Include after <cmocka.h>'s prerequisites; this header includes them.
 * assert_ok() prints the failing call, its code and the library's last
 * error message, like libgit2's cl_git_pass.
 */
#ifndef TESTS_HELPERS_H
#define TESTS_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "ecrassets.h"

#define assert_ok(call)                                                        \
	do {                                                                   \
		int rc_ = (call);                                              \
		if (rc_ < 0) {                                                 \
			print_error("%s:%d: %s returned %d (%s): %s\n",        \
			    __FILE__, __LINE__, #call, rc_,                    \
			    ecra_error_name(rc_), ecra_error_last()->message); \
			fail();                                                \
		}                                                              \
	} while (0)

#define assert_fails_with(code, call)                                       \
	do {                                                                \
		int rc_ = (call);                                           \
		if (rc_ != (code)) {                                        \
			print_error("%s:%d: %s returned %d (%s), expected " \
			            "%d (%s): %s\n",                        \
			    __FILE__, __LINE__, #call, rc_,                 \
			    ecra_error_name(rc_), (int)(code),              \
			    ecra_error_name(code),                          \
			    ecra_error_last()->message);                    \
			fail();                                             \
		}                                                           \
		assert_true(ecra_error_last()->message[0] != '\0');         \
	} while (0)

/* Assert that the last error message contains `needle`. */
#define assert_error_contains(needle)                                       \
	do {                                                                \
		if (strstr(ecra_error_last()->message, (needle)) == NULL) { \
			print_error("%s:%d: error '%s' lacks '%s'\n",       \
			    __FILE__, __LINE__, ecra_error_last()->message, \
			    (needle));                                      \
			fail();                                             \
		}                                                           \
	} while (0)

/*
 * A fresh, empty temporary directory for one test. Returns a static
 * buffer valid until the next call; removed by sandbox_cleanup().
 */
static char sandbox_path_[4096];

static inline const char *sandbox_dir(void)
{
	const char *base = getenv("TMPDIR");

	snprintf(sandbox_path_, sizeof(sandbox_path_), "%s/ecra-test-XXXXXX",
	    base && *base ? base : "/tmp");
	if (mkdtemp(sandbox_path_) == NULL) {
		print_error("mkdtemp failed\n");
		fail();
	}
	return sandbox_path_;
}

/* Remove a sandbox recursively (uses rm -rf; test code only). */
static inline void sandbox_cleanup(const char *dir)
{
	char cmd[4200];

	if (dir == NULL || strncmp(dir, "/tmp/", 5) != 0)
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		print_error("cleanup of %s failed\n", dir);
}

/* Write `len` bytes to dir/rel, creating parent directories. */
static inline void write_file(
    const char *dir, const char *rel, const void *data, size_t len)
{
	char path[4096], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	for (slash = strchr(path + strlen(dir) + 1, '/'); slash;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	f = fopen(path, "wb");
	assert_non_null(f);
	if (len > 0)
		assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static inline void write_text(const char *dir, const char *rel, const char *s)
{
	write_file(dir, rel, s, strlen(s));
}

#endif /* TESTS_HELPERS_H */
