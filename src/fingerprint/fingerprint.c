/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * fingerprint/fingerprint.c - placeholder until the fingerprint lands.
 */
#include "ecrassets/fingerprint.h"

#include <string.h>

#include "core/error.h"

int ecra_fingerprint_options_init(
    ecra_fingerprint_options *opts, unsigned int version)
{
	ecra_fingerprint_options defaults = ECRA_FINGERPRINT_OPTIONS_INIT;

	ECRA_ASSERT_ARG(opts);
	if (version == 0 || version > ECRA_FINGERPRINT_OPTIONS_VERSION)
		return ecra_error_set(ECRA_EINVALID, "invalid version %u", version);
	*opts = defaults;
	return 0;
}

int ecra_fingerprint(char out[ECRA_FINGERPRINT_HEX_SIZE], const char *path,
    const ecra_fingerprint_options *opts)
{
	(void)path;
	(void)opts;
	out[0] = '\0';
	return ecra_error_set(ECRA_EUNSUPPORTED, "fingerprint is not available yet");
}
