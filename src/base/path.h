/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * base/path.h - paths, defined once (bottom floor, not exported; the CLI
 * links it). The Node functions follow Node's `path` module on POSIX
 * exactly, because asset hashes, exclude patterns and staged paths depend
 * on them. Functions returning char * allocate (ecra_free()) and return
 * NULL with ECRA_ENOMEM set.
 */
#ifndef SRC_BASE_PATH_H
#define SRC_BASE_PATH_H

#include <stdbool.h>

/* path.normalize(p): "." and ".." resolved lexically, duplicate slashes
 * dropped, a trailing slash kept, "" -> ".". */
char *ecra_path_normalize(const char *p);
/* path.resolve(p): absolute against the working directory, normalised,
 * no trailing slash (except "/"). */
char *ecra_path_resolve(const char *p);
/* path.join(a, b): normalize(a + "/" + b). */
char *ecra_path_join(const char *a, const char *b);
/* path.relative(from, to) of two paths (resolved first). */
char *ecra_path_relative(const char *from, const char *to);
/* path.basename(p) without the suffix argument: the text after the last
 * '/' (points into p). */
const char *ecra_path_basename(const char *p);
/* Whether `p` exists (stat, following links). */
bool ecra_path_exists(const char *p);
/* "dir/name" without normalising ("/name" when dir is "/", "name" when
 * dir is ""). */
char *ecra_path_concat(const char *dir, const char *name);
/* Whether `p` is `dir` or below it; both absolute and normalised. */
bool ecra_path_within(const char *p, const char *dir);

#endif /* SRC_BASE_PATH_H */
