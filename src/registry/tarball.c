/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * registry/tarball.c - ecra_registry_push_tarball(), the original entry
 * point of the daemonless push, now a thin wrapper over the registry
 * engine (engine.c): any image tarball (docker save, docker 25+ save,
 * OCI layout, image index), validated before upload, layers compressed
 * in parallel, deterministic digests.
 */
#include "registry/engine.h"

#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "registry/registry_int.h"

int ecra_registry_push_tarball(ecra_registry *r, const char *tarball,
    const char *image, const char *repo, const char *tag, char **digest)
{
	ecra_registry_options ro;
	ecra_xfer_options o;
	ecra_xfer_summary sum;
	int error;

	ECRA_ASSERT_ARG(r);
	ECRA_ASSERT_ARG(tarball);
	ECRA_ASSERT_ARG(repo);
	ECRA_ASSERT_ARG(tag);
	if (digest != NULL)
		*digest = NULL;
	memset(&ro, 0, sizeof(ro));
	ro.host = r->host;
	ro.plain_http = strncmp(r->base, "http://", 7) == 0;
	ro.username = r->username;
	ro.password = r->password;
	ro.timeout_ms = r->timeout_ms;
	ro.chunk_size = r->chunk_size;
	memset(&o, 0, sizeof(o));
	o.version = ECRA_XFER_OPTIONS_VERSION;
	o.image = image;
	o.chunk_size = r->chunk_size;
	if ((error = ecra_registry_push_archive(
	         &ro, tarball, repo, tag, &o, &sum)) < 0)
		return error;
	if (digest != NULL && (*digest = ecra_strdup(sum.digest)) == NULL)
		return ECRA_ENOMEM;
	return 0;
}
