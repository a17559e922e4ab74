/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * util/buf.h - operations on the public ecra_buf (growable, size-capped).
 *
 * Every append keeps ptr NUL-terminated. Growing past `limit` fails with
 * ECRA_ETOOBIG, so untrusted input (network, files, child processes) can
 * never exhaust memory.
 */
#ifndef SRC_UTIL_BUF_H
#define SRC_UTIL_BUF_H

#include <stdarg.h>

#include "ecrassets/buf.h"

/* Make room for `extra` more bytes (plus the NUL). */
int ecra_buf_grow(ecra_buf *buf, size_t extra);
int ecra_buf_put(ecra_buf *buf, const void *data, size_t len);
int ecra_buf_puts(ecra_buf *buf, const char *s);
int ecra_buf_putc(ecra_buf *buf, char c);
int ecra_buf_printf(ecra_buf *buf, const char *fmt, ...) ECRA_PRINTF(2, 3);
int ecra_buf_vprintf(ecra_buf *buf, const char *fmt, va_list ap)
    ECRA_PRINTF(2, 0);
/* Set size to 0, keeping the allocation. */
void ecra_buf_clear(ecra_buf *buf);
/* Shrink to `len` bytes (len <= size). */
void ecra_buf_truncate(ecra_buf *buf, size_t len);
/* Hand the bytes to the caller (free with ecra_free); the buffer is reset.
 * Returns an allocated empty string for an empty buffer, NULL on ENOMEM. */
char *ecra_buf_detach(ecra_buf *buf);
/* Append the whole content of the file at `path`. */
int ecra_buf_read_file(ecra_buf *buf, const char *path);
/* Append everything readable from `fd` until EOF. */
int ecra_buf_read_fd(ecra_buf *buf, int fd);

#endif /* SRC_UTIL_BUF_H */
