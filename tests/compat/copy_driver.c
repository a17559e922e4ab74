/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/compat/copy_driver.c - run ecra_fingerprint_copy_directory() for
 * the copy differential test (copy_diff.js).
 *
 *   ecra_copy_driver SRC DEST FOLLOW IGNORE_MODE [PATTERN...]
 *
 * DEST must exist. Prints nothing and exits 0 on success; prints
 * "error: <message>" and exits 1 on failure.
 */
#include <stdio.h>

#include "ecrassets.h"

int main(int argc, char **argv)
{
	ecra_fingerprint_options o = ECRA_FINGERPRINT_OPTIONS_INIT;

	if (argc < 5) {
		fprintf(stderr,
		    "usage: %s SRC DEST FOLLOW IGNORE_MODE "
		    "[PATTERN...]\n",
		    argv[0]);
		return 2;
	}
	if (ecra_follow_mode_parse(&o.follow, argv[3]) < 0 ||
	    ecra_ignore_mode_parse(&o.ignore_mode, argv[4]) < 0) {
		fprintf(stderr, "%s\n", ecra_error_last()->message);
		return 2;
	}
	o.exclude = (const char *const *)(argv + 5);
	o.exclude_count = (size_t)(argc - 5);
	if (ecra_fingerprint_copy_directory(argv[1], argv[2], &o) < 0) {
		printf("error: %s\n", ecra_error_last()->message);
		return 1;
	}
	return 0;
}
