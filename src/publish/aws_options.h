/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * publish/aws_options.h - the public ecra_aws_options as src/aws wants
 * them (publish/aws_options.c).
 */
#ifndef SRC_PUBLISH_AWS_OPTIONS_H
#define SRC_PUBLISH_AWS_OPTIONS_H

#include "aws/aws.h"
#include "ecrassets/aws.h"

/* The internal AWS environment and config options of `o` (NULL = none
 * set); `co->env` points at `env`. ECRA_EINVALID for an unknown version. */
int ecra_pub_aws_settings(
    ecra_aws_env *env, ecra_aws_config_options *co, const ecra_aws_options *o);

#endif /* SRC_PUBLISH_AWS_OPTIONS_H */
