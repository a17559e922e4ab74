/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * ecrassets/fingerprint.h - the asset hash, byte-identical to aws-cdk-lib.
 *
 * ecra_fingerprint() reproduces FileSystem.fingerprint(path, {exclude,
 * ignoreMode, follow, extraHash}) of aws-cdk-lib 2.276.0, quirks
 * included: per-8-KiB-chunk UTF-8 decoding with U+FFFD replacement, CRLF
 * normalisation with the trailing-CR carry, UTF-16 sibling order, and the
 * four symlink modes. File contents may be hashed on several threads;
 * the result does not depend on the thread count.
 */
#ifndef ECRA_FINGERPRINT_H
#define ECRA_FINGERPRINT_H

#include "ecrassets/common.h"
#include "ecrassets/ignore.h"

ECRA_BEGIN_DECL

/** How symbolic links inside a context are treated. */
typedef enum {
	/** Follow links that point outside the root ("external", default). */
	ECRA_FOLLOW_EXTERNAL = 0,
	/** Never follow; record the link target text ("never"). */
	ECRA_FOLLOW_NEVER,
	/** Follow every link ("always"). */
	ECRA_FOLLOW_ALWAYS,
	/** Follow internal links, refuse external ones ("internal-only"). */
	ECRA_FOLLOW_BLOCK_EXTERNAL,
} ecra_follow_mode;

/** Length of a hex SHA-256 digest plus its NUL. */
#define ECRA_FINGERPRINT_HEX_SIZE 65

/** What kind of entry an explain callback reports. */
typedef enum {
	ECRA_FINGERPRINT_FIELD_OPTION = 0, /**< An "options.*" field. */
	ECRA_FINGERPRINT_FIELD_FILE, /**< "file:<rel>" = "<size>:<sha>". */
	ECRA_FINGERPRINT_FIELD_LINK, /**< "link:<rel>" = link target. */
} ecra_fingerprint_field_kind;

/**
 * Called once per hashed field, in hashing order.
 *
 * @param kind what the field is
 * @param header the field header as hashed ("options.follow", "file:a/x")
 * @param value the field value as hashed
 * @param payload the options' field_payload
 * @return 0 to go on; non-zero stops with ECRA_EUSER
 */
typedef int (*ecra_fingerprint_field_cb)(ecra_fingerprint_field_kind kind,
    const char *header, const char *value, void *payload);

/**
 * Options for ecra_fingerprint(); zero means default for every field.
 */
typedef struct {
	unsigned int version;

	/** Exclude patterns, in order; not hashed themselves. */
	const char *const *exclude;
	/** Number of exclude patterns. */
	size_t exclude_count;

	/** Pattern language; default GLOB (not hashed when GLOB). */
	ecra_ignore_mode ignore_mode;

	/** Symlink mode; default EXTERNAL, as aws-cdk-lib's code does. */
	ecra_follow_mode follow;

	/** Extra string mixed into the hash; NULL means "". */
	const char *extra_hash;

	/** Threads hashing file contents; 0 means one per online CPU. */
	unsigned int threads;

	/** Optional: receives every field in hashing order (--explain). */
	ecra_fingerprint_field_cb field_cb;
	/** Passed to field_cb. */
	void *field_payload;

	/* Version 2. */

	/**
	 * Do not read or write the warm cache of per-file content digests
	 * (also off when the environment has ECRA_NO_CACHE set to anything
	 * but "" or "0"). The cache never changes a hash: it only spares
	 * reading files whose (device, inode, size, mtime, ctime, mode) are
	 * unchanged since an earlier run; see docs/performance.md.
	 */
	bool no_cache;
	/**
	 * Directory of the cache files; NULL means $XDG_CACHE_HOME/ecr-assets
	 * or else ~/.cache/ecr-assets. Created (mode 0700) when missing.
	 */
	const char *cache_dir;
	/** Optional: receives what the cache did in this call. */
	struct ecra_fingerprint_stats *stats;
	/** Cancellation: when non-NULL and *cancel becomes non-zero (say,
	 * from a signal handler), the walk stops at the next entry with
	 * ECRA_EUSER. */
	const volatile int *cancel;
} ecra_fingerprint_options;

/** Current version of ecra_fingerprint_options. */
#define ECRA_FINGERPRINT_OPTIONS_VERSION 2

/** What one ecra_fingerprint() call did (options.stats). */
typedef struct ecra_fingerprint_stats {
	/** Files whose content went into the hash. */
	size_t files;
	/** ... of which the digest came from the cache. */
	size_t cache_hits;
	/** Cached entries not trusted: changed too close to the cache's
	 *  write (git's "racy" case), hashed again. */
	size_t cache_racy;
	/** The cache file was unreadable as a cache (corrupt, truncated,
	 *  foreign) and ignored. */
	bool cache_rejected;
	/** The cache file was (re)written. */
	bool cache_written;
	/** The cache was used at all (not disabled, a location found). */
	bool cache_enabled;
} ecra_fingerprint_stats;

/* clang-format off */
/** Defaults for ecra_fingerprint_options. */
#define ECRA_FINGERPRINT_OPTIONS_INIT { .version = ECRA_FINGERPRINT_OPTIONS_VERSION }
/* clang-format on */

/**
 * Initialise `opts` to the defaults, like ECRA_FINGERPRINT_OPTIONS_INIT.
 *
 * @param opts the struct to fill
 * @param version pass ECRA_FINGERPRINT_OPTIONS_VERSION
 * @return 0, or ECRA_EINVALID for an unknown version
 */
ECRA_API int ecra_fingerprint_options_init(
    ecra_fingerprint_options *opts, unsigned int version);

/**
 * Fingerprint a file or directory exactly as aws-cdk-lib does.
 *
 * @param[out] out the 64-character lower-case hex digest, NUL-terminated
 * @param path a directory (walked) or a single file
 * @param opts options, or NULL for the defaults
 * @return 0, ECRA_ENOTFOUND for a missing path, ECRA_EUNSUPPORTED for a
 *         followed link to a special file, ECRA_EINVALID for a bad
 *         pattern or path, ECRA_EIO for read errors, ECRA_EUSER if the
 *         callback stopped the walk
 */
ECRA_API int ecra_fingerprint(char out[ECRA_FINGERPRINT_HEX_SIZE],
    const char *path, const ecra_fingerprint_options *opts);

/** Buffer size that holds any content fingerprint "<size>:<hex>". */
#define ECRA_CONTENT_FINGERPRINT_SIZE 96

/**
 * The content fingerprint "<size>:<sha256hex>" of one file, as
 * aws-cdk-lib's contentFingerprint() computes it.
 *
 * @param[out] out receives the NUL-terminated string
 * @param path the file
 * @return 0, ECRA_ENOTFOUND or ECRA_EIO
 */
ECRA_API int ecra_fingerprint_content(
    char out[ECRA_CONTENT_FINGERPRINT_SIZE], const char *path);

/**
 * The content fingerprint of a memory buffer, fed in one piece per
 * 8192-byte chunk as if read from a file.
 */
ECRA_API int ecra_fingerprint_content_buffer(
    char out[ECRA_CONTENT_FINGERPRINT_SIZE], const void *data, size_t len);

/**
 * Parse "never", "always", "external" or "internal-only" (also accepts
 * "block-external").
 *
 * @return 0 or ECRA_EINVALID naming the valid values
 */
ECRA_API int ecra_follow_mode_parse(ecra_follow_mode *out, const char *name);

/**
 * The mode's string as aws-cdk-lib hashes it ("external", ...).
 *
 * @return a static string, or NULL for an unknown mode
 */
ECRA_API const char *ecra_follow_mode_name(ecra_follow_mode mode);

/**
 * Copy a directory the way aws-cdk-lib stages an asset (copyDirectory):
 * the same walk, excludes and symlink mode as the fingerprint; internal
 * links are rewritten relative to the copy, empty non-ignored directories
 * are created, special files skipped, mode bits kept.
 *
 * @param src the directory to copy
 * @param dest the destination, which must already exist
 * @param opts the same options used for the fingerprint (extra_hash and
 *        field_cb are ignored)
 * @return 0, ECRA_ENOTFOUND, ECRA_EINVALID (external link under
 *         BLOCK_EXTERNAL), ECRA_EIO
 */
ECRA_API int ecra_fingerprint_copy_directory(
    const char *src, const char *dest, const ecra_fingerprint_options *opts);

ECRA_END_DECL

#endif /* ECRA_FINGERPRINT_H */
