/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * registry/copy.c - ecra_image_copy(): crane-style references
 * (`HOST[:PORT]/REPO[:TAG|@DIGEST]`), `docker-archive:` and
 * `oci-archive:` sources, onto the engine (engine.c).
 *
 * A reference always starts with the registry host (no docker.io
 * default: this tool never talks to a registry the user did not name).
 * Repository and tag follow the OCI distribution grammar; loopback
 * hosts (localhost, 127.0.0.0/8, ::1) are spoken to over http.
 */
#include "registry/engine.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

typedef struct {
	char host[256];
	char repo[256];
	char ref[136]; /* tag or digest */
} image_ref;

static bool repo_ok(const char *r)
{
	const char *p = r;

	if (*p == '\0' || strlen(r) > 255)
		return false;
	while (*p != '\0') {
		/* component: [a-z0-9]+ ([._-]+ [a-z0-9]+)* */
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p)))
			return false;
		while (*p != '\0' && *p != '/') {
			if (islower((unsigned char)*p) ||
			    isdigit((unsigned char)*p)) {
				p++;
				continue;
			}
			if (*p != '.' && *p != '_' && *p != '-')
				return false;
			while (*p == '.' || *p == '_' || *p == '-')
				p++;
			if (!(islower((unsigned char)*p) ||
			        isdigit((unsigned char)*p)))
				return false;
		}
		if (*p == '/')
			p++;
		else
			break;
		if (*p == '\0')
			return false;
	}
	return true;
}

static bool tag_ok(const char *t)
{
	size_t i, n = strlen(t);

	if (n == 0 || n > 128 || !(isalnum((unsigned char)t[0]) || t[0] == '_'))
		return false;
	for (i = 1; i < n; i++)
		if (!(isalnum((unsigned char)t[i]) || t[i] == '_' ||
		        t[i] == '.' || t[i] == '-'))
			return false;
	return true;
}

static bool digest_ok(const char *d)
{
	size_t i;

	if (strncmp(d, "sha256:", 7) != 0 || strlen(d) != 71)
		return false;
	for (i = 7; i < 71; i++)
		if (!isxdigit((unsigned char)d[i]) ||
		    isupper((unsigned char)d[i]))
			return false;
	return true;
}

static int parse_ref(image_ref *out, const char *s)
{
	const char *slash = strchr(s, '/'), *at, *last, *colon;
	size_t hl;

	memset(out, 0, sizeof(*out));
	if (slash == NULL || slash == s)
		return ecra_error_set(ECRA_EINVALID,
		    "'%s' is not a reference HOST[:PORT]/REPO[:TAG|@DIGEST]",
		    s);
	hl = (size_t)(slash - s);
	if (hl >= sizeof(out->host))
		return ecra_error_set(
		    ECRA_EINVALID, "host of '%s' too long", s);
	memcpy(out->host, s, hl);
	if (strchr(out->host, '.') == NULL && strchr(out->host, ':') == NULL &&
	    strcmp(out->host, "localhost") != 0)
		return ecra_error_set(ECRA_EINVALID,
		    "'%s' does not start with a registry host (such as "
		    "'localhost:5000/' or '123456789012.dkr.ecr.us-east-1."
		    "amazonaws.com/')",
		    s);
	slash++;
	at = strchr(slash, '@');
	last = strrchr(slash, '/');
	colon = strchr(last ? last : slash, ':');
	if (at != NULL) {
		if (strlen(at + 1) >= sizeof(out->ref) || !digest_ok(at + 1))
			return ecra_error_set(ECRA_EINVALID,
			    "'%s': '%s' is not a sha256 digest", s, at + 1);
		snprintf(out->ref, sizeof(out->ref), "%s", at + 1);
		if (colon != NULL && colon > at)
			colon = NULL;
	} else {
		snprintf(out->ref, sizeof(out->ref), "%s",
		    colon ? colon + 1 : "latest");
		if (!tag_ok(out->ref))
			return ecra_error_set(
			    ECRA_EINVALID, "'%s': bad tag '%s'", s, out->ref);
	}
	{
		const char *end = colon ? colon
		                  : at  ? at
		                        : slash + strlen(slash);

		if ((size_t)(end - slash) >= sizeof(out->repo))
			return ecra_error_set(
			    ECRA_EINVALID, "'%s': repository too long", s);
		memcpy(out->repo, slash, (size_t)(end - slash));
	}
	if (!repo_ok(out->repo))
		return ecra_error_set(ECRA_EINVALID,
		    "'%s': '%s' is not a valid repository name (lower-case "
		    "letters, digits and separators . _ - /)",
		    s, out->repo);
	return 0;
}

static void options_for(ecra_registry_options *ro, const image_ref *r,
    const ecra_registry_auth *a, const ecra_xfer_options *o)
{
	memset(ro, 0, sizeof(*ro));
	ro->host = r->host;
	ro->plain_http = ecra_registry_host_is_loopback(r->host) ||
	                 (a != NULL && a->plain_http);
	if (a != NULL) {
		ro->username = a->username;
		ro->password = a->password;
		ro->docker_config = a->docker_config;
		ro->timeout_ms = a->timeout_ms;
	}
	ro->chunk_size = o ? o->chunk_size : 0;
}

int ecra_image_copy(const char *src, const char *dst,
    const ecra_registry_auth *src_auth, const ecra_registry_auth *dst_auth,
    const ecra_xfer_options *opts, ecra_xfer_summary *summary)
{
	image_ref s, d;
	ecra_registry_options sro, dro;
	const char *path = NULL;
	int error;

	ECRA_ASSERT_ARG(src);
	ECRA_ASSERT_ARG(dst);
	ECRA_CHECK_VERSION(opts, ECRA_XFER_OPTIONS_VERSION, ecra_xfer_options);
	if (summary != NULL)
		memset(summary, 0, sizeof(*summary));
	if ((error = parse_ref(&d, dst)) < 0)
		return error;
	options_for(&dro, &d, dst_auth, opts);
	if (strncmp(src, "docker-archive:", 15) == 0)
		path = src + 15;
	else if (strncmp(src, "oci-archive:", 12) == 0)
		path = src + 12;
	if (path != NULL) {
		if (*path == '\0')
			return ecra_error_set(
			    ECRA_EINVALID, "'%s' names no tarball", src);
		return ecra_registry_push_archive(
		    &dro, path, d.repo, d.ref, opts, summary);
	}
	if ((error = parse_ref(&s, src)) < 0)
		return error;
	options_for(&sro, &s, src_auth, opts);
	return ecra_registry_copy_image(
	    &sro, s.repo, s.ref, &dro, d.repo, d.ref, opts, summary);
}
