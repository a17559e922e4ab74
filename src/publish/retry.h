/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * publish/retry.h - which push failures are worth another attempt, and
 * how long to wait before it.
 *
 * cdk-assets never retries a push (spec publish.md 5.6). ecr-assets
 * retries only failures that say the registry or the network was
 * briefly unavailable: HTTP 5xx and 429, refused, reset or timed-out
 * connections. Authentication and authorisation failures, "denied",
 * unknown repositories or names, invalid manifests, a missing local
 * image and an unreachable docker daemon are final.
 */
#ifndef SRC_PUBLISH_RETRY_H
#define SRC_PUBLISH_RETRY_H

#include <stdbool.h>

/* Default attempts per push (the first one included) and first delay. */
#define ECRA_PUB_PUSH_ATTEMPTS  3
#define ECRA_PUB_RETRY_DELAY_MS 1000
/* Upper bound of one wait. */
#define ECRA_PUB_RETRY_MAX_DELAY_MS 30000

/* Is the message of a failed `docker push` (with docker's stderr) a
 * transient registry or network error? */
bool ecra_pub_docker_push_transient(const char *message);

/* The wait before attempt `next` (2 for the first retry): base doubled
 * for each earlier retry, at most ECRA_PUB_RETRY_MAX_DELAY_MS. */
unsigned int ecra_pub_retry_delay_ms(unsigned int base_ms, unsigned int next);

#endif /* SRC_PUBLISH_RETRY_H */
