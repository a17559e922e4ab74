/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * publish/aws_options.c - ecra_aws_options, the one public spelling of the
 * AWS settings, and its translation to the internal ecra_aws_env and
 * ecra_aws_config_options of src/aws (used by the ECR back end and the
 * CDK docker credentials lookups alike, so the two cannot drift).
 */
#include "publish/aws_options.h"

#include <string.h>

#include "core/error.h"

int ecra_aws_options_init(ecra_aws_options *opts, unsigned int version)
{
	ecra_aws_options defaults = ECRA_AWS_OPTIONS_INIT;

	ECRA_ASSERT_ARG(opts);
	if (version == 0 || version > ECRA_AWS_OPTIONS_VERSION)
		return ecra_error_set(ECRA_EINVALID,
		    "invalid version %u for 'ecra_aws_options'", version);
	*opts = defaults;
	return 0;
}

int ecra_pub_aws_settings(
    ecra_aws_env *env, ecra_aws_config_options *co, const ecra_aws_options *o)
{
	static const ecra_aws_options none = ECRA_AWS_OPTIONS_INIT;

	if (o == NULL)
		o = &none;
	if (o->version > ECRA_AWS_OPTIONS_VERSION)
		return ecra_error_set(ECRA_EINVALID,
		    "invalid version %u for 'ecra_aws_options' (this library "
		    "knows 1..%u)",
		    o->version, (unsigned)ECRA_AWS_OPTIONS_VERSION);
	memset(env, 0, sizeof(*env));
	env->access_key_id = o->access_key_id;
	env->secret_access_key = o->secret_access_key;
	env->session_token = o->session_token;
	env->profile = o->env_profile;
	env->region = o->region;
	env->config_file = o->config_file;
	env->credentials_file = o->credentials_file;
	env->home = o->home;
	env->endpoint_url = o->endpoint_url;
	env->endpoint_url_ecr = o->endpoint_url_ecr;
	env->endpoint_url_sts = o->endpoint_url_sts;
	env->endpoint_url_secrets_manager = o->endpoint_url_secrets_manager;
	env->ignore_configured_endpoint_urls =
	    o->ignore_configured_endpoint_urls;
	env->max_attempts = o->max_attempts;
	memset(co, 0, sizeof(*co));
	co->version = ECRA_AWS_CONFIG_OPTIONS_VERSION;
	co->env = env;
	co->profile = o->profile;
	return 0;
}
