/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * ecrassets/ignore.h - exclude-pattern matchers compatible with aws-cdk-lib.
 *
 * Three strategies, each matching the library aws-cdk-lib 2.276.0 bundles:
 * GLOB (minimatch 10.2.6 with matchBase and flipNegate, last match wins),
 * GIT (ignore 5.3.2, case-insensitive) and DOCKER (@balena/dockerignore
 * 1.0.2, case-insensitive, with a second matcher that keeps directories
 * holding re-included files walkable). Queries use paths relative to the
 * context root, '/'-separated, without "./" and without a trailing slash.
 * A matcher is not thread-safe (it caches results).
 *
 * All three modes build the JavaScript regular expressions their reference
 * library builds and run them on one engine (src/ignore/jsre.c) with V8's
 * semantics: a lazily built DFA, or a Pike VM where the DFA cannot go, so
 * a query takes time linear in the path for every pattern aws-cdk-lib
 * accepts and is never refused (backreferences, which a DOCKER pattern
 * may contain, cost polynomial time). An automaton rather than PCRE2:
 * PCRE2 backtracks, and is not ECMAScript (docs/internals/
 * ignore-git-docker.md).
 */
#ifndef ECRA_IGNORE_H
#define ECRA_IGNORE_H

#include "ecrassets/common.h"

ECRA_BEGIN_DECL

/** Which pattern language the exclude list is written in. */
typedef enum {
	ECRA_IGNORE_GLOB = 0, /**< minimatch globs (the default, "glob"). */
	ECRA_IGNORE_GIT,      /**< .gitignore rules ("git"). */
	ECRA_IGNORE_DOCKER,   /**< .dockerignore rules ("docker"). */
} ecra_ignore_mode;

/** A compiled list of exclude patterns (opaque). */
typedef struct ecra_ignore ecra_ignore;

/**
 * Compile `count` patterns in the given mode.
 *
 * Patterns that the reference only rejects at match time (a DOCKER
 * pattern that is not a valid regular expression, such as "a(") are
 * rejected here, naming the pattern.
 *
 * @param[out] out the matcher; release it with ecra_ignore_free()
 * @param mode the pattern language
 * @param patterns the patterns, in order (NULL allowed when count is 0)
 * @param count how many patterns
 * @return 0, ECRA_EINVALID for an invalid pattern, or ECRA_ENOMEM
 */
ECRA_API int ecra_ignore_new(ecra_ignore **out, ecra_ignore_mode mode,
    const char *const *patterns, size_t count);

/**
 * Whether a file (or a link, or a directory for copy) is excluded.
 *
 * @param[out] out true when the entry is excluded
 * @param ig the matcher
 * @param rel the path relative to the root, e.g. "a/b.txt"
 * @return 0, ECRA_ENOMEM, or ECRA_EINVALID where the reference throws
 *         (GIT mode and a path made only of dots, such as "...")
 */
ECRA_API int ecra_ignore_ignores(bool *out, ecra_ignore *ig, const char *rel);

/**
 * Whether a whole directory can be pruned from the walk.
 *
 * GLOB: same as ecra_ignore_ignores(). GIT: tests "rel/". DOCKER: the
 * directory is ignored and no negated pattern may re-include something
 * inside it.
 *
 * @param[out] out true when nothing below `rel` can be included
 * @param ig the matcher
 * @param rel the directory relative to the root, without trailing '/'
 * @return 0, or ECRA_EINVALID where the reference throws
 */
ECRA_API int ecra_ignore_completely_ignores(
    bool *out, ecra_ignore *ig, const char *rel);

/**
 * The mode's name as aws-cdk-lib spells it: "glob", "git" or "docker".
 *
 * @return a static string, or NULL for an unknown mode
 */
ECRA_API const char *ecra_ignore_mode_name(ecra_ignore_mode mode);

/**
 * Parse "glob", "git" or "docker".
 *
 * @return 0 or ECRA_EINVALID naming the valid values
 */
ECRA_API int ecra_ignore_mode_parse(ecra_ignore_mode *out, const char *name);

/** Free a matcher; NULL is a no-op. */
ECRA_API void ecra_ignore_free(ecra_ignore *ig);

ECRA_END_DECL

#endif /* ECRA_IGNORE_H */
