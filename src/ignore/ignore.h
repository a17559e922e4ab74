/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * ignore/ignore.h - the strategy table behind ecra_ignore.
 *
 * Each strategy (glob.c, git.c, docker.c) implements the three functions
 * of ecra_ignore_strategy; ignore.c dispatches to them. A strategy's
 * state is opaque to the dispatcher.
 */
#ifndef SRC_IGNORE_IGNORE_H
#define SRC_IGNORE_IGNORE_H

#include "ecrassets/ignore.h"

typedef struct {
	/* Compile the patterns into *state_out. */
	int (*compile)(
	    void **state_out, const char *const *patterns, size_t count);
	/* Match rel; `complete` selects completelyIgnores semantics. */
	int (*match)(bool *out, void *state, const char *rel, bool complete);
	void (*free)(void *state);
} ecra_ignore_strategy;

extern const ecra_ignore_strategy ecra_ignore_glob_strategy;
extern const ecra_ignore_strategy ecra_ignore_git_strategy;
extern const ecra_ignore_strategy ecra_ignore_docker_strategy;

struct ecra_ignore {
	ecra_ignore_mode mode;                /* which language */
	const ecra_ignore_strategy *strategy; /* its implementation */
	void *state;                          /* owned by the strategy */
};

#endif /* SRC_IGNORE_IGNORE_H */
