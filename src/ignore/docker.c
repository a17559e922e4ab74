/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * ignore/docker.c - placeholder until the docker strategy lands.
 */
#include "ignore/ignore.h"

#include "core/error.h"

static int compile(void **state_out, const char *const *patterns, size_t count)
{
	(void)patterns;
	(void)count;
	*state_out = NULL;
	return ecra_error_set(ECRA_EUNSUPPORTED, "ignore mode 'docker' is not available yet");
}

static int match(bool *out, void *state, const char *rel, bool complete)
{
	(void)state;
	(void)rel;
	(void)complete;
	*out = false;
	return 0;
}

static void release(void *state)
{
	(void)state;
}

const ecra_ignore_strategy ecra_ignore_docker_strategy = {
	compile,
	match,
	release,
};
