/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * ecrassets/errors.h - error codes and the per-thread last error.
 *
 * Every fallible function returns 0 or a negative ecra_error_code and
 * records a one-line message a user can act on, read with
 * ecra_error_last(). The message lives in thread-local storage.
 */
#ifndef ECRA_ERRORS_H
#define ECRA_ERRORS_H

#include "ecrassets/common.h"

ECRA_BEGIN_DECL

/** What a failing function returns. Only codes a caller branches on. */
typedef enum {
	ECRA_OK = 0,
	ECRA_ERROR = -1,    /**< Anything else; read ecra_error_last(). */
	ECRA_ENOMEM = -2,   /**< An allocation failed. */
	ECRA_EINVALID = -3, /**< Bad argument or malformed input. */
	ECRA_ENOTFOUND =
	    -4,            /**< A file, image, repository or tag is missing. */
	ECRA_EAUTH = -5,   /**< Credentials were refused. */
	ECRA_ENET = -6,    /**< Transport failure below HTTP. */
	ECRA_EDOCKER = -7, /**< The docker CLI failed or is missing. */
	ECRA_EUSER = -8,   /**< A callback asked us to stop. */
	ECRA_EIO = -9,     /**< A local file system operation failed. */
	ECRA_EUNSUPPORTED = -10, /**< A special file or unsupported feature. */
	ECRA_ETOOBIG = -11,      /**< Input exceeded a size limit. */
	ECRA_EEXISTS =
	    -12, /**< Something already exists (e.g. a duplicate id). */
} ecra_error_code;

/** Details of the last failure on the calling thread. */
typedef struct {
	int code;            /**< A ecra_error_code. */
	const char *message; /**< One line, no trailing newline or period. */
} ecra_error;

/**
 * The last error set on this thread.
 *
 * Never NULL. Only meaningful right after a call returned < 0; valid
 * until the next library call on this thread. Do not free it.
 */
ECRA_API const ecra_error *ecra_error_last(void);

/** Forget the last error on this thread (code 0, empty message). */
ECRA_API void ecra_error_clear(void);

/**
 * A short stable name for a code, such as "ENOTFOUND".
 *
 * @return a static string; "EUNKNOWN" for a value that is not a code
 */
ECRA_API const char *ecra_error_name(int code);

ECRA_END_DECL

#endif /* ECRA_ERRORS_H */
