/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * ecrassets/buf.h - a growable, size-capped byte buffer.
 *
 * The caller owns the struct; the library fills its contents. Release
 * them with ecra_buf_dispose(), which leaves the buffer zeroed but keeps
 * its limit, so it can be reused.
 */
#ifndef ECRA_BUF_H
#define ECRA_BUF_H

#include "ecrassets/common.h"

ECRA_BEGIN_DECL

/** A byte buffer; ptr is always NUL-terminated when non-NULL. */
typedef struct {
	char *ptr;    /**< The bytes, or NULL while empty. */
	size_t size;  /**< Bytes in use, not counting the terminating NUL. */
	size_t asize; /**< Bytes allocated. */
	size_t limit; /**< Refuse to grow past this many bytes; 0 = no limit. */
} ecra_buf;

/* clang-format off */
/** Initialiser for a buffer that may grow to `lim` bytes (0 = no cap). */
#define ECRA_BUF_INIT(lim) { .ptr = NULL, .size = 0, .asize = 0, .limit = (lim) }
/* clang-format on */

/**
 * Free the buffer's memory and reset it to empty, keeping the limit.
 *
 * @param buf the buffer; disposing a zeroed buffer is a no-op
 */
ECRA_API void ecra_buf_dispose(ecra_buf *buf);

ECRA_END_DECL

#endif /* ECRA_BUF_H */
