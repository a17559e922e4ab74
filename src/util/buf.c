/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * util/buf.c - the growable, size-capped byte buffer.
 *
 * Growth doubles the allocation; the cap (`limit`) is checked against the
 * bytes in use so the error names the real size that was refused.
 */
#include "util/buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/error.h"

int ecra_buf_grow(ecra_buf *buf, size_t extra)
{
	size_t need, asize;
	char *p;

	if (extra > SIZE_MAX - buf->size - 1)
		return ecra_error_set(ECRA_ETOOBIG, "buffer size overflow");
	need = buf->size + extra + 1;
	if (buf->limit != 0 && need - 1 > buf->limit)
		return ecra_error_set(ECRA_ETOOBIG,
		    "input larger than the %zu-byte limit", buf->limit);
	if (need <= buf->asize)
		return 0;
	asize = buf->asize ? buf->asize : 64;
	while (asize < need)
		asize = asize > SIZE_MAX / 2 ? need : asize * 2;
	if ((p = ecra_realloc(buf->ptr, asize)) == NULL)
		return ECRA_ENOMEM;
	buf->ptr = p;
	buf->asize = asize;
	return 0;
}

int ecra_buf_put(ecra_buf *buf, const void *data, size_t len)
{
	int error;

	if ((error = ecra_buf_grow(buf, len)) < 0)
		return error;
	if (len > 0)
		memcpy(buf->ptr + buf->size, data, len);
	buf->size += len;
	buf->ptr[buf->size] = '\0';
	return 0;
}

int ecra_buf_puts(ecra_buf *buf, const char *s)
{
	return ecra_buf_put(buf, s, strlen(s));
}

int ecra_buf_putc(ecra_buf *buf, char c)
{
	return ecra_buf_put(buf, &c, 1);
}

int ecra_buf_vprintf(ecra_buf *buf, const char *fmt, va_list ap)
{
	va_list copy;
	int len, error;

	va_copy(copy, ap);
	len = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (len < 0)
		return ecra_error_set(ECRA_EINVALID, "invalid format string");
	if ((error = ecra_buf_grow(buf, (size_t)len)) < 0)
		return error;
	vsnprintf(buf->ptr + buf->size, (size_t)len + 1, fmt, ap);
	buf->size += (size_t)len;
	return 0;
}

int ecra_buf_printf(ecra_buf *buf, const char *fmt, ...)
{
	va_list ap;
	int error;

	va_start(ap, fmt);
	error = ecra_buf_vprintf(buf, fmt, ap);
	va_end(ap);
	return error;
}

void ecra_buf_clear(ecra_buf *buf)
{
	buf->size = 0;
	if (buf->ptr != NULL)
		buf->ptr[0] = '\0';
}

void ecra_buf_truncate(ecra_buf *buf, size_t len)
{
	if (len < buf->size) {
		buf->size = len;
		buf->ptr[len] = '\0';
	}
}

char *ecra_buf_detach(ecra_buf *buf)
{
	char *p = buf->ptr;

	if (p == NULL)
		return ecra_strdup("");
	buf->ptr = NULL;
	buf->size = buf->asize = 0;
	return p;
}

void ecra_buf_dispose(ecra_buf *buf)
{
	if (buf == NULL)
		return;
	ecra_free(buf->ptr);
	buf->ptr = NULL;
	buf->size = buf->asize = 0;
}

int ecra_buf_read_fd(ecra_buf *buf, int fd)
{
	char chunk[65536];
	ssize_t n;
	int error;

	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ecra_error_set_os(ECRA_EIO, "read");
		if (n == 0)
			return 0;
		if ((error = ecra_buf_put(buf, chunk, (size_t)n)) < 0)
			return error;
	}
}

int ecra_buf_read_file(ecra_buf *buf, const char *path)
{
	int fd, error;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return ecra_error_set_os(
		    ecra_error_from_errno(errno), "cannot open '%s'", path);
	error = ecra_buf_read_fd(buf, fd);
	close(fd);
	if (error < 0)
		return ecra_error_wrap("reading '%s'", path);
	return 0;
}
