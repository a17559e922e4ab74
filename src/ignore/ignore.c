/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * ignore/ignore.c - dispatch ecra_ignore calls to the chosen strategy.
 */
#include "ignore/ignore.h"

#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

static const ecra_ignore_strategy *strategy_for(ecra_ignore_mode mode)
{
	switch (mode) {
	case ECRA_IGNORE_GLOB:
		return &ecra_ignore_glob_strategy;
	case ECRA_IGNORE_GIT:
		return &ecra_ignore_git_strategy;
	case ECRA_IGNORE_DOCKER:
		return &ecra_ignore_docker_strategy;
	default:
		return NULL;
	}
}

int ecra_ignore_new(ecra_ignore **out, ecra_ignore_mode mode,
    const char *const *patterns, size_t count)
{
	ecra_ignore *ig = NULL;
	int error;

	ECRA_ASSERT_ARG(out);
	*out = NULL;
	if (count > 0)
		ECRA_ASSERT_ARG(patterns);
	if (strategy_for(mode) == NULL)
		return ecra_error_set(
		    ECRA_EINVALID, "unknown ignore mode %d", (int)mode);
	if ((ig = ecra_calloc(1, sizeof(*ig))) == NULL)
		return ECRA_ENOMEM;
	ig->mode = mode;
	ig->strategy = strategy_for(mode);
	if ((error = ig->strategy->compile(&ig->state, patterns, count)) < 0) {
		ecra_free(ig);
		return error;
	}
	*out = ig;
	return 0;
}

int ecra_ignore_ignores(bool *out, ecra_ignore *ig, const char *rel)
{
	ECRA_ASSERT_ARG(out);
	ECRA_ASSERT_ARG(ig);
	ECRA_ASSERT_ARG(rel);
	return ig->strategy->match(out, ig->state, rel, false);
}

int ecra_ignore_completely_ignores(bool *out, ecra_ignore *ig, const char *rel)
{
	ECRA_ASSERT_ARG(out);
	ECRA_ASSERT_ARG(ig);
	ECRA_ASSERT_ARG(rel);
	return ig->strategy->match(out, ig->state, rel, true);
}

const char *ecra_ignore_mode_name(ecra_ignore_mode mode)
{
	switch (mode) {
	case ECRA_IGNORE_GLOB:
		return "glob";
	case ECRA_IGNORE_GIT:
		return "git";
	case ECRA_IGNORE_DOCKER:
		return "docker";
	default:
		return NULL;
	}
}

int ecra_ignore_mode_parse(ecra_ignore_mode *out, const char *name)
{
	ECRA_ASSERT_ARG(out);
	ECRA_ASSERT_ARG(name);
	if (strcmp(name, "glob") == 0)
		*out = ECRA_IGNORE_GLOB;
	else if (strcmp(name, "git") == 0)
		*out = ECRA_IGNORE_GIT;
	else if (strcmp(name, "docker") == 0)
		*out = ECRA_IGNORE_DOCKER;
	else
		return ecra_error_set(ECRA_EINVALID,
		    "unknown ignore mode '%s' (expected glob, git or docker)",
		    name);
	return 0;
}

void ecra_ignore_free(ecra_ignore *ig)
{
	if (ig == NULL)
		return;
	if (ig->state != NULL)
		ig->strategy->free(ig->state);
	ecra_free(ig);
}
