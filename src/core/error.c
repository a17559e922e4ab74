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

int ecra_error_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_message, sizeof(last_message), fmt, ap);
	va_end(ap);
	last_code = code;
	return code;
}

int ecra_error_set_os(int code, const char *fmt, ...)
{
	int saved = errno;
	size_t len;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_message, sizeof(last_message), fmt, ap);
	va_end(ap);
	len = strlen(last_message);
	snprintf(last_message + len, sizeof(last_message) - len, ": %s",
	    strerror(saved));
	last_code = code;
	errno = saved;
	return code;
}

int ecra_error_wrap(const char *fmt, ...)
{
	char joined[ECRA_ERROR_MESSAGE_MAX];
	size_t len, copy;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(joined, sizeof(joined), fmt, ap);
	va_end(ap);
	len = strlen(joined);
	if (last_message[0] != '\0' && len + 2 < sizeof(joined)) {
		memcpy(joined + len, ": ", 3);
		len += 2;
		copy = strlen(last_message);
		if (copy > sizeof(joined) - len - 1)
			copy = sizeof(joined) - len - 1;
		memcpy(joined + len, last_message, copy);
		joined[len + copy] = '\0';
	}
	memcpy(last_message, joined, sizeof(last_message));
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
