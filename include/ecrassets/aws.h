/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * ecrassets/aws.h - the AWS settings shared by every options struct that
 * makes AWS calls (ecra_publish_options, ecra_docker_creds_options).
 *
 * The library never reads the environment: the caller fills this struct
 * (the ecr-assets CLI fills it from the AWS_* variables, HOME and the
 * passwd entry, the way the AWS SDK for JavaScript v3 reads them) and
 * embeds it in the options of the call. Every field is optional; zero
 * (NULL) means "not set", as if the variable were absent.
 */
#ifndef ECRA_AWS_H
#define ECRA_AWS_H

#include "ecrassets/common.h"

ECRA_BEGIN_DECL

/** Current version of ecra_aws_options. */
#define ECRA_AWS_OPTIONS_VERSION 1

/** AWS settings; zero means "not set" for every field. */
typedef struct {
	/** ECRA_AWS_OPTIONS_VERSION (0 is accepted for an embedded struct
	 * left zero-filled: all fields unset). */
	unsigned int version;
	/** A profile named by the user (`--profile`): it selects the
	 * credentials, and wins over env_profile. */
	const char *profile;
	/** AWS_PROFILE: the profile for credentials and settings (region,
	 * endpoints) when `profile` is not set. */
	const char *env_profile;
	const char *region;            /**< AWS_REGION */
	const char *access_key_id;     /**< AWS_ACCESS_KEY_ID */
	const char *secret_access_key; /**< AWS_SECRET_ACCESS_KEY */
	const char *session_token;     /**< AWS_SESSION_TOKEN */
	/** AWS_CONFIG_FILE; NULL = <home>/.aws/config. */
	const char *config_file;
	/** AWS_SHARED_CREDENTIALS_FILE; NULL = <home>/.aws/credentials. */
	const char *credentials_file;
	const char *endpoint_url;     /**< AWS_ENDPOINT_URL (any service) */
	const char *endpoint_url_ecr; /**< AWS_ENDPOINT_URL_ECR */
	const char *endpoint_url_sts; /**< AWS_ENDPOINT_URL_STS */
	/** AWS_ENDPOINT_URL_SECRETS_MANAGER. */
	const char *endpoint_url_secrets_manager;
	/** AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ("true" skips the endpoint
	 * overrides). */
	const char *ignore_configured_endpoint_urls;
	const char *max_attempts; /**< AWS_MAX_ATTEMPTS */
	/** The home directory (for ~/.aws/config and ~/.aws/credentials). */
	const char *home;
	/** OS user name for the AssumeRole session name
	 * (`cdk-assets-<user>`; NULL = "noname"). */
	const char *user_name;
} ecra_aws_options;

/* clang-format off */
/** Defaults for ecra_aws_options. */
#define ECRA_AWS_OPTIONS_INIT { .version = ECRA_AWS_OPTIONS_VERSION }
/* clang-format on */

/**
 * Initialise `opts` to the defaults, like ECRA_AWS_OPTIONS_INIT.
 *
 * @param opts the struct to fill
 * @param version pass ECRA_AWS_OPTIONS_VERSION
 * @return 0, or ECRA_EINVALID for an unknown version
 */
ECRA_API int ecra_aws_options_init(
    ecra_aws_options *opts, unsigned int version);

ECRA_END_DECL

#endif /* ECRA_AWS_H */
