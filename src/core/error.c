/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * core/error.c - the per-thread last error.
 *
 * A fixed _Thread_local buffer holds the message, so recording an error
 * works even when memory is exhausted.
 */
#include "core/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local int last_code;
static _Thread_local char last_message[ECRA_ERROR_MESSAGE_MAX];
static _Thread_local ecra_error last_error;
/* Where a message is formatted before it is fitted into last_message. */
static _Thread_local char scratch[ECRA_ERROR_FORMAT_MAX];

/* Copy the `len` bytes of scratch into last_message; when too long, the
 * first and the last part with a marker saying how much is left out. */
static void fit(size_t len)
{
	char marker[64];
	size_t mlen, head, tail;

	if (len < sizeof(last_message)) {
		memcpy(last_message, scratch, len);
		last_message[len] = '\0';
		return;
	}
	/* The marker's digits depend on what is left out: size it for the
	 * largest count first, then it only gets shorter. */
	mlen = (size_t)snprintf(
	    marker, sizeof(marker), " [... %zu bytes left out ...] ", len);
	head = (sizeof(last_message) - 1 - mlen) / 2;
	tail = sizeof(last_message) - 1 - mlen - head;
	mlen = (size_t)snprintf(marker, sizeof(marker),
	    " [... %zu bytes left out ...] ", len - head - tail);
	tail = sizeof(last_message) - 1 - mlen - head;
	memcpy(last_message, scratch, head);
	memcpy(last_message + head, marker, mlen);
	memcpy(last_message + head + mlen, scratch + len - tail, tail);
	last_message[head + mlen + tail] = '\0';
}

/* Format into scratch; the length kept (the end is lost beyond
 * ECRA_ERROR_FORMAT_MAX). */
static size_t format(const char *fmt, va_list ap)
{
	int n = vsnprintf(scratch, sizeof(scratch), fmt, ap);

	if (n < 0) {
		scratch[0] = '\0';
		return 0;
	}
	return (size_t)n < sizeof(scratch) ? (size_t)n : sizeof(scratch) - 1;
}

int ecra_error_set(int code, const char *fmt, ...)
{
	va_list ap;
	size_t len;

	va_start(ap, fmt);
	len = format(fmt, ap);
	va_end(ap);
	fit(len);
	last_code = code;
	return code;
}

int ecra_error_set_os(int code, const char *fmt, ...)
{
	int saved = errno;
	const char *reason = strerror(saved);
	size_t len, rlen = strlen(reason) + 2;
	va_list ap;

	va_start(ap, fmt);
	len = format(fmt, ap);
	va_end(ap);
	/* The OS reason is the part that must survive. */
	if (rlen >= sizeof(scratch) / 2)
		rlen = sizeof(scratch) / 2;
	if (len + rlen >= sizeof(scratch))
		len = sizeof(scratch) - 1 - rlen;
	memcpy(scratch + len, ": ", 2);
	memcpy(scratch + len + 2, reason, rlen - 2);
	len += rlen;
	scratch[len] = '\0';
	fit(len);
	last_code = code;
	errno = saved;
	return code;
}

int ecra_error_wrap(const char *fmt, ...)
{
	size_t len, copy;
	va_list ap;

	va_start(ap, fmt);
	len = format(fmt, ap);
	va_end(ap);
	if (last_message[0] != '\0' && len + 3 < sizeof(scratch)) {
		memcpy(scratch + len, ": ", 2);
		len += 2;
		copy = strlen(last_message);
		if (copy > sizeof(scratch) - len - 1)
			copy = sizeof(scratch) - len - 1;
		memcpy(scratch + len, last_message, copy);
		len += copy;
		scratch[len] = '\0';
	}
	fit(len);
	if (last_code == 0)
		last_code = ECRA_ERROR;
	return last_code;
}

int ecra_error_from_errno(int errnum)
{
	switch (errnum) {
	case ENOENT:
	case ENOTDIR:
		return ECRA_ENOTFOUND;
	case ENOMEM:
		return ECRA_ENOMEM;
	case EEXIST:
		return ECRA_EEXISTS;
	case ENAMETOOLONG:
	case EINVAL:
	case ELOOP:
		return ECRA_EINVALID;
	default:
		return ECRA_EIO;
	}
}

const ecra_error *ecra_error_last(void)
{
	last_error.code = last_code;
	last_error.message = last_message;
	return &last_error;
}

void ecra_error_clear(void)
{
	last_code = 0;
	last_message[0] = '\0';
}

const char *ecra_error_name(int code)
{
	switch (code) {
	case ECRA_OK:
		return "OK";
	case ECRA_ERROR:
		return "ERROR";
	case ECRA_ENOMEM:
		return "ENOMEM";
	case ECRA_EINVALID:
		return "EINVALID";
	case ECRA_ENOTFOUND:
		return "ENOTFOUND";
	case ECRA_EAUTH:
		return "EAUTH";
	case ECRA_ENET:
		return "ENET";
	case ECRA_EDOCKER:
		return "EDOCKER";
	case ECRA_EUSER:
		return "EUSER";
	case ECRA_EIO:
		return "EIO";
	case ECRA_EUNSUPPORTED:
		return "EUNSUPPORTED";
	case ECRA_ETOOBIG:
		return "ETOOBIG";
	case ECRA_EEXISTS:
		return "EEXISTS";
	default:
		return "EUNKNOWN";
	}
}
