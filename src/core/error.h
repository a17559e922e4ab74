/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * core/error.h - set, wrap and check the per-thread last error.
 *
 * ecra_error_set() records a code and message and returns the code, so a
 * failing path is one statement: return ecra_error_set(...). Setting an
 * error never allocates.
 */
#ifndef SRC_CORE_ERROR_H
#define SRC_CORE_ERROR_H

#include "ecrassets/errors.h"

/** Longest message kept, including the NUL. A longer one keeps its
 * beginning and its end (where the reason usually is) around
 * " [... N bytes left out ...] "; up to ECRA_ERROR_FORMAT_MAX bytes are
 * formatted for that, beyond it the end is lost too. */
#define ECRA_ERROR_MESSAGE_MAX 4096
#define ECRA_ERROR_FORMAT_MAX  16384

/* Record `code` with a printf-style message; returns `code`. */
int ecra_error_set(int code, const char *fmt, ...) ECRA_PRINTF(2, 3);

/* Like ecra_error_set(), appending ": <strerror(errno)>". errno is read
 * before anything else runs. */
int ecra_error_set_os(int code, const char *fmt, ...) ECRA_PRINTF(2, 3);

/* Prefix the current message with "<context>: " and return the current
 * code unchanged (ECRA_ERROR if none was set). */
int ecra_error_wrap(const char *fmt, ...) ECRA_PRINTF(1, 2);

/* Map an errno value to the closest ecra_error_code. */
int ecra_error_from_errno(int errnum);

/* Reject a NULL argument at the public boundary with ECRA_EINVALID. */
#define ECRA_ASSERT_ARG(x)                                                  \
	do {                                                                \
		if ((x) == NULL)                                            \
			return ecra_error_set(ECRA_EINVALID,                \
			    "invalid argument: '%s' must not be NULL", #x); \
	} while (0)

/* Reject an options struct whose version this library does not know.
 * A NULL options pointer is fine (all defaults). */
#define ECRA_CHECK_VERSION(opts, expected, type)                            \
	do {                                                                \
		if ((opts) != NULL &&                                       \
		    ((opts)->version == 0 || (opts)->version > (expected))) \
			return ecra_error_set(ECRA_EINVALID,                \
			    "invalid version %u for '%s' (this library "    \
			    "knows 1..%u)",                                 \
			    (unsigned)(opts)->version, #type,               \
			    (unsigned)(expected));                          \
	} while (0)

#endif /* SRC_CORE_ERROR_H */
