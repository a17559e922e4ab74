/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * publish/retry.c - classification of push failures and backoff.
 *
 * The docker CLI reports registry failures only as text on stderr
 * (docker 20-28, e.g. "received unexpected HTTP status: 503 Service
 * Unavailable", "dial tcp 127.0.0.1:5000: connect: connection refused",
 * "toomanyrequests: ..."), so `docker push` failures are classified by
 * phrases: any final phrase wins over any transient one.
 */
#include "publish/retry.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>

/* Never retried, whatever else the message says. */
static const char *const final_phrases[] = {
	"denied", "unauthorized", "authentication required",
	"no basic auth credentials", "status: 401", "status: 403", "forbidden",
	"name unknown", "repository does not exist", "repository not found",
	"repositorynotfoundexception", "does not exist locally",
	"no such image", "manifest invalid", "tag invalid", "name invalid",
	"unsupported", "cannot reach the docker daemon",
	"cannot connect to the docker daemon",
	"timed out after", /* our own --timeout: the user's limit */
};

/* Retried when no final phrase is present. */
static const char *const transient_phrases[] = {
	"status: 500",
	"status: 502",
	"status: 503",
	"status: 504",
	"status: 429",
	"toomanyrequests",
	"too many requests",
	"service unavailable",
	"bad gateway",
	"gateway timeout",
	"internal server error",
	"connection refused",
	"connection reset",
	"broken pipe",
	"i/o timeout",
	"tls handshake timeout",
	"unexpected eof",
	": eof",
	"server misbehaving",
	"request canceled while waiting for connection",
	"client.timeout exceeded",
	"net/http: timeout awaiting response headers",
	"http2: server sent goaway",
	"error parsing http 5",
};

/* Case-insensitive substring search (ASCII). */
static bool contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle), i;

	for (; *hay; hay++) {
		for (i = 0; i < n && hay[i] &&
		            tolower((unsigned char)hay[i]) == needle[i];
		     i++)
			;
		if (i == n)
			return true;
	}
	return false;
}

bool ecra_pub_docker_push_transient(const char *message)
{
	size_t i;

	if (message == NULL)
		return false;
	for (i = 0; i < sizeof(final_phrases) / sizeof(final_phrases[0]); i++)
		if (contains(message, final_phrases[i]))
			return false;
	for (i = 0;
	     i < sizeof(transient_phrases) / sizeof(transient_phrases[0]); i++)
		if (contains(message, transient_phrases[i]))
			return true;
	return false;
}

unsigned int ecra_pub_retry_delay_ms(unsigned int base_ms, unsigned int next)
{
	unsigned long d = base_ms;

	while (next-- > 2 && d < ECRA_PUB_RETRY_MAX_DELAY_MS)
		d *= 2;
	return d > ECRA_PUB_RETRY_MAX_DELAY_MS ? ECRA_PUB_RETRY_MAX_DELAY_MS
	                                       : (unsigned int)d;
}
