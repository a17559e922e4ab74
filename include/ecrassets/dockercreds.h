/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * ecrassets/dockercreds.h - the CDK docker credentials file
 * (cdk-docker-creds.json) and the lookups of `docker-credential-cdk-assets`.
 *
 * cdk-assets reads `$CDK_DOCKER_CREDS_FILE`, else
 * `<home of the passwd entry>/.cdk/cdk-docker-creds.json`:
 *
 *     {"version": "1.0",
 *      "domainCredentials": {
 *        "<domain>": {"ecrRepository": true, "assumeRoleArn": "arn:..."},
 *        "<domain>": {"secretsManagerSecretId": "<id or ARN>",
 *                     "assumeRoleArn": "arn:...",
 *                     "secretsUsernameField": "username",
 *                     "secretsPasswordField": "secret"}}}
 *
 * When the file exists, docker builds run with a docker config whose
 * credHelpers send every domain to the credential helper
 * `docker-credential-cdk-assets`, which answers docker's `get` with the
 * ECR authorization token or the Secrets Manager secret of the domain.
 * The caller resolves the path (the library never reads the environment).
 */
#ifndef ECRA_DOCKERCREDS_H
#define ECRA_DOCKERCREDS_H

#include "ecrassets/aws.h"
#include "ecrassets/common.h"

ECRA_BEGIN_DECL

/** A loaded CDK docker credentials file. */
typedef struct ecra_docker_creds ecra_docker_creds;

/**
 * Read and parse a credentials file.
 *
 * @param out receives the file; free it with ecra_docker_creds_free()
 * @param path the file
 * @return 0; ECRA_ENOTFOUND if it does not exist; ECRA_EIO if it cannot
 *         be read; ECRA_EINVALID if it is not JSON, is a JSON value
 *         cdk-assets treats as absent (null, false, 0, ""), or has no
 *         `domainCredentials` object
 */
ECRA_API int ecra_docker_creds_load(ecra_docker_creds **out, const char *path);

/** Free the file; NULL is a no-op. */
ECRA_API void ecra_docker_creds_free(ecra_docker_creds *c);

/** The path it was loaded from. */
ECRA_API const char *ecra_docker_creds_path(const ecra_docker_creds *c);

/** Number of keys of `domainCredentials`. */
ECRA_API size_t ecra_docker_creds_count(const ecra_docker_creds *c);

/** Key `i` of `domainCredentials` (file order), or NULL if out of range. */
ECRA_API const char *ecra_docker_creds_domain(
    const ecra_docker_creds *c, size_t i);

/**
 * Find the `domainCredentials` key for a server URL as docker passes it
 * to a credential helper.
 *
 * As cdk-assets: `https://` is prepended when the input has no `://`,
 * then the URL's host name (port dropped, lower-cased) is looked up, then
 * the whole URL string. Beyond cdk-assets, when neither matches, the
 * URL's `host:port` as written is looked up too, so that a key such as
 * `127.0.0.1:5000` (the key docker itself uses for credHelpers) works.
 *
 * @param domain receives the matching key (owned by `c`)
 * @return 0; ECRA_ENOTFOUND "unknown domain <host>"; ECRA_EINVALID for
 *         an input that is not a URL
 */
ECRA_API int ecra_docker_creds_match(
    const ecra_docker_creds *c, const char *server_url, const char **domain);

/**
 * Where AWS settings come from for ecra_docker_creds_get(); zero means
 * default for every field. The caller fills them from the environment
 * (AWS_* variables) as for ecra_publish().
 */
typedef struct {
	unsigned int version; /**< ECRA_DOCKER_CREDS_OPTIONS_VERSION */
	/** AWS settings (AWS_PROFILE goes to `aws.env_profile`, as for
	 * ecra_publish_options). */
	ecra_aws_options aws;
	/** Per-request timeout in ms; 0 = the HTTP client's default. */
	unsigned int timeout_ms;
} ecra_docker_creds_options;

/**
 * Current version of ecra_docker_creds_options. Version 2 replaced the
 * flat `aws_*`, `home` and `user_name` fields of version 1 by the
 * embedded `aws`; version 1 (another layout) is refused with
 * ECRA_EINVALID.
 */
#define ECRA_DOCKER_CREDS_OPTIONS_VERSION 2

/* clang-format off */
/** Defaults for ecra_docker_creds_options. */
#define ECRA_DOCKER_CREDS_OPTIONS_INIT { .version = ECRA_DOCKER_CREDS_OPTIONS_VERSION, .aws = ECRA_AWS_OPTIONS_INIT }
/* clang-format on */

/**
 * Initialise `opts` to the defaults, like ECRA_DOCKER_CREDS_OPTIONS_INIT.
 *
 * @param opts the struct to fill
 * @param version pass ECRA_DOCKER_CREDS_OPTIONS_VERSION
 * @return 0, or ECRA_EINVALID for an unknown version
 */
ECRA_API int ecra_docker_creds_options_init(
    ecra_docker_creds_options *opts, unsigned int version);

/**
 * The credentials docker should use for `server_url`, as
 * `docker-credential-cdk-assets get` computes them.
 *
 * The domain's entry (ecra_docker_creds_match()) decides: with
 * `secretsManagerSecretId`, Secrets Manager GetSecretValue (after STS
 * AssumeRole of `assumeRoleArn`, if any) and the fields
 * `secretsUsernameField` / `secretsPasswordField` (default "username" /
 * "secret") of the JSON SecretString; with `ecrRepository: true`, ECR
 * GetAuthorizationToken (same role rule). The region is the default one
 * (AWS_REGION, else the profile's).
 *
 * Errors read as cdk-assets' helper reports them: "unknown domain <host>",
 * "unable to fetch SecretString from secret: <id>", "malformed secret
 * string (\"<u>\" or \"<p>\" field missing)", "unknown credential type:
 * no secret ID or ECR repo", "Region is missing", and AWS errors as
 * "<ErrorType>: <message>".
 *
 * @param username receives the user name (free with ecra_free())
 * @param secret receives the secret (wipe and free it with ecra_free())
 * @return 0; ECRA_ENOTFOUND for an unknown domain or secret; ECRA_EINVALID
 *         for a malformed entry or secret; ECRA_EAUTH; ECRA_ENET;
 *         ECRA_ERROR for other AWS errors
 */
ECRA_API int ecra_docker_creds_get(const ecra_docker_creds *c,
    const char *server_url, const ecra_docker_creds_options *opts,
    char **username, char **secret);

ECRA_END_DECL

#endif /* ECRA_DOCKERCREDS_H */
