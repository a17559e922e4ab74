/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * fingerprint/fingerprint.h - the pieces behind ecra_fingerprint().
 *
 * content.c computes one file's content fingerprint ("<size>:<sha>"),
 * walk.c is the directory walk aws-cdk-lib shares between fingerprint,
 * copy and the BLOCK_EXTERNAL validation (utils.js walkDirectory), and
 * fingerprint.c / copy.c are its two visitors.
 */
#ifndef SRC_FINGERPRINT_FINGERPRINT_H
#define SRC_FINGERPRINT_FINGERPRINT_H

#include <stdint.h>

#include "ecrassets/fingerprint.h"
#include "ecrassets/buf.h"

/* The size of the read() buffer aws-cdk-lib uses; chunks are decoded
 * and normalised one at a time, so this constant is part of the hash. */
#define ECRA_FP_CHUNK 8192

/*
 * UTF-8 decoding the way Node's Buffer.toString() does it (WHATWG: each
 * maximal ill-formed subpart becomes U+FFFD, a BOM is kept).
 */

/* Length of the valid UTF-8 prefix of p[0..len). */
size_t ecra_fp_utf8_valid_prefix(const unsigned char *p, size_t len);
/* The same without vector instructions (tests compare the two). */
size_t ecra_fp_utf8_valid_prefix_scalar(const unsigned char *p, size_t len);
/* Append the decode-and-re-encode of p[0..len) to `out`. */
int ecra_fp_utf8_sanitize(ecra_buf *out, const void *p, size_t len);
/* Compare two valid UTF-8 strings by UTF-16 code units (JS `<`). */
int ecra_fp_utf16_cmp(const char *a, const char *b);

/*
 * Content fingerprints. A hasher owns its read buffer and digest
 * context, so one hasher per thread hashes any number of files.
 */
typedef struct ecra_fp_content ecra_fp_content;

int ecra_fp_content_new(ecra_fp_content **out);
void ecra_fp_content_free(ecra_fp_content *c);
/* Hash the file at `path`; errors name `display` (NULL: `path`). */
int ecra_fp_content_file(ecra_fp_content *c,
    char out[ECRA_CONTENT_FINGERPRINT_SIZE], const char *path,
    const char *display);
/* openat() a file for hashing (non-blocking, close-on-exec); errors name
 * `display` (NULL: `name`). */
int ecra_fp_content_open(
    int *fd, int dfd, const char *name, const char *display);
/* Hash the open file `fd` (left open). With `is_regular` the caller knows
 * it is a regular file (the walk's d_type) and a file shorter than one
 * read() costs no fstat(). */
int ecra_fp_content_fd(ecra_fp_content *c,
    char out[ECRA_CONTENT_FINGERPRINT_SIZE], int fd, bool is_regular,
    const char *display);
/* Hash a memory buffer as if it were a file's content. */
int ecra_fp_content_buffer(ecra_fp_content *c,
    char out[ECRA_CONTENT_FINGERPRINT_SIZE], const void *data, size_t len);

/*
 * Batched reads of small files (uring.c; io_uring where the kernel has
 * it). A reader belongs to one thread: the one that created it.
 */

/* Files per batch, and the bytes read of each: a file at least this
 * long is not "small" and is read the ordinary way. */
#define ECRA_FP_BATCH      32
#define ECRA_FP_BATCH_READ (64 * 1024)

typedef struct ecra_fp_reader ecra_fp_reader;

typedef struct {
	int dfd;          /* directory fd, or AT_FDCWD */
	const char *name; /* relative to dfd */
	/* Out: the file's length when `data` holds all of it, else -1
	 * (open or read failed, or the file is long): read it yourself. */
	long result;
	const unsigned char *data; /* valid until the next run */
} ecra_fp_read_req;

/* A reader, or NULL when batched reads are unavailable (no io_uring in
 * this build or kernel, refused by a seccomp filter, no memory). */
ecra_fp_reader *ecra_fp_reader_new(void);
void ecra_fp_reader_free(ecra_fp_reader *r);
/* Read reqs[0..n), n <= ECRA_FP_BATCH. A negative return means the
 * reader is broken: free it and read every file yourself. */
int ecra_fp_reader_run(ecra_fp_reader *r, ecra_fp_read_req *reqs, size_t n);
/* Tests: make ecra_fp_reader_new() return NULL (process-wide). */
void ecra_fp_reader_disable(bool disable);

/*
 * The warm cache of content fingerprints (cache.c).
 */

/* The stat data a cache entry is trusted on. */
typedef struct {
	uint64_t dev, ino, size;
	int64_t mtime_ns, ctime_ns;
	uint32_t mode;
} ecra_fp_stat;

typedef struct {
	size_t loaded;    /* entries in the file read */
	size_t hits;      /* lookups answered */
	size_t racy;      /* entries matched but too recent to trust */
	size_t hashed;    /* entries put that were not hits */
	bool is_rejected; /* the file existed but was not a valid cache */
	bool is_written;
} ecra_fp_cache_stats;

typedef struct ecra_fp_cache ecra_fp_cache;

/* The cache of the context `root` (a realpath) in `cache_dir` (NULL: the
 * default). Sets *out to NULL (and returns 0) when there is no usable
 * location; ECRA_ENOMEM otherwise. Call before the first stat. */
int ecra_fp_cache_open(
    ecra_fp_cache **out, const char *cache_dir, const char *root);
/* Close; saves what the run saw when `is_complete` and it differs from
 * the file. `stats` may be NULL. */
void ecra_fp_cache_close(
    ecra_fp_cache *c, bool is_complete, ecra_fp_cache_stats *stats);
/* stat() `name` in `dfd` (following links); -1 unless a regular file. */
int ecra_fp_cache_stat(ecra_fp_stat *out, int dfd, const char *name);
/* The cached fingerprint of `rel` with stat data `st`, if trusted. */
bool ecra_fp_cache_lookup(ecra_fp_cache *c,
    char out[ECRA_CONTENT_FINGERPRINT_SIZE], const char *rel,
    const ecra_fp_stat *st);
/* Record the fingerprint this run used for `rel` (hit or hashed). */
void ecra_fp_cache_put(ecra_fp_cache *c, const char *rel,
    const ecra_fp_stat *st, const char *content, bool is_hit);
/* The cache file's path (NULL for NULL). */
const char *ecra_fp_cache_path(const ecra_fp_cache *c);
/* $XDG_CACHE_HOME/ecr-assets, else $HOME/.cache/ecr-assets. */
int ecra_fp_cache_default_dir(ecra_buf *out);
/* ECRA_NO_CACHE is set to something other than "" and "0". */
bool ecra_fp_cache_env_disabled(void);
/* Tests: shift the time later runs record as their stat time by `ns`
 * (process-wide): +10 s makes every file written before look old. */
void ecra_fp_cache_test_shift(int64_t ns);

/*
 * The walk (spec synth.md §1.4, §1.5).
 */

/* A symlink that is reported rather than followed. */
typedef struct {
	const char *rel;    /* symbolic path relative to the root */
	const char *real;   /* path of the link itself */
	const char *text;   /* readlink() text, decoded as UTF-8 */
	const char *target; /* canonical target (§1.5 step 2) */
	bool is_internal;   /* target is the root or below it */
} ecra_fp_link;

typedef struct {
	/* Optional: a directory that is walked; `ignored` as ignores(). */
	int (*on_directory)(
	    void *ctx, const char *rel, const char *real, bool ignored);
	/* A regular file (or a followed link to one) that is not ignored;
	 * `real` is where to read it. */
	int (*on_file)(void *ctx, const char *rel, const char *real);
	/* Optional, replaces on_file: the same, plus `name`, which is
	 * `real` relative to the open directory `dfd` (or AT_FDCWD and
	 * `real`). The walk knows the file is regular (d_type). */
	int (*on_file_at)(void *ctx, const char *rel, const char *real, int dfd,
	    const char *name);
	/* Optional: the walk is done with the directory `dfd` it passed
	 * to on_file_at and is about to close it. */
	void (*on_dir_leave)(void *ctx, int dfd);
	/* A link that is not followed (or dangling) and not ignored. */
	int (*on_symlink)(void *ctx, const ecra_fp_link *link);
	/* Optional: a followed link to something neither file nor dir. */
	int (*on_unsupported)(void *ctx, const char *rel, const char *real);
	void *ctx;
} ecra_fp_visitor;

typedef struct {
	/* The directory to walk: absolute and normalised (no "." or "..",
	 * no trailing '/'). Symbolic paths start here. */
	const char *dir;
	/* Ignore queries are relative to `dir`; links are internal when
	 * their target is below realpath(dir). */
	ecra_follow_mode follow;
	ecra_ignore_mode ignore_mode;
	const char *const *exclude;
	size_t exclude_count;
	/* When non-NULL and non-zero, the walk stops with ECRA_EUSER. */
	const volatile int *cancel;
} ecra_fp_walk_options;

/* Run the walk; stops at the first visitor error and returns it. */
int ecra_fp_walk(const ecra_fp_walk_options *opts, const ecra_fp_visitor *v);

/*
 * AssetStaging's BLOCK_EXTERNAL validation (spec synth.md §3 step 5):
 * walk `dir` under BLOCK_EXTERNAL with opts' excludes and fail with
 * aws-cdk-lib's message on the first external link that is not ignored.
 * The caller decides when it applies (follow == BLOCK_EXTERNAL and a
 * directory source) and which excludes to pass.
 */
int ecra_fp_check_block_external(
    const char *dir, const ecra_fingerprint_options *opts);

/*
 * Lexical path helpers (Node's path module on POSIX).
 */

/* path.resolve(base, p) for an absolute normalised `base`. */
int ecra_fp_path_resolve(ecra_buf *out, const char *base, const char *p);
/* path.relative(from, to) for absolute normalised paths. */
int ecra_fp_path_relative(ecra_buf *out, const char *from, const char *to);
/* Make `p` absolute against the working directory and normalise it. */
int ecra_fp_path_absolute(ecra_buf *out, const char *p);
/* realpath(p) as an ecra_alloc'd string; NULL with errno set on failure
 * (ENOMEM also when the copy fails). */
char *ecra_fp_realpath(const char *p);

#endif /* SRC_FINGERPRINT_FINGERPRINT_H */
