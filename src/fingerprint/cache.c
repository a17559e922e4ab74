/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * fingerprint/cache.c - the warm fingerprint cache.
 *
 * A context root's cache is one file, $XDG_CACHE_HOME/ecr-assets/
 * fp-<sha256(realpath(root)), 32 hex>.cache (else ~/.cache/...), holding
 * the content fingerprint ("<size>:<sha>") of every file the last run
 * hashed, keyed by the file's (device, inode, hash of its relative path)
 * and trusted only while its (size, mtime ns, ctime ns, mode) are the
 * ones seen then. It stores per-file digests only: the tree hash is
 * still computed from this run's walk, so names, links, ignore files,
 * excludes and the extra hash count exactly as aws-cdk-lib counts them.
 *
 * Unlike aws-cdk-lib 2.276.0's ~/.cdk/cache/fingerprints (keyed by
 * inode|mtimeMs|size) the key holds the ctime in nanoseconds, which
 * every write, chmod, rename or utimensat() moves: an edit that keeps
 * size and mtime (`cp -p`, `tar x`, `rsync -t`) is re-hashed.
 *
 * Racy entries (git's "racy git" problem): a file written in the same
 * timestamp tick as our stat() can change again without changing its
 * stat data. The header records when this run started to stat files;
 * an entry whose mtime or ctime is not older than that moment minus
 * RACY_NS (the coarsest timestamp granularity we allow for: 2 s, FAT)
 * is not trusted: it is hashed again, and trusted once a later run saw
 * it unchanged.
 *
 * File format (native byte order; a foreign one fails the byte-order
 * check): a 104-byte header, then `count` 96-byte entries.
 *
 *   0  magic "ECRAFPC\0"       8  u32 format version   12 u32 0x01020304
 *   16 u32 header size (104)   20 u32 entry size (96)   24 u64 count
 *   32 i64 stat time (ns)      40 sha256 of the root's realpath
 *   72 sha256 of bytes [0, 72) and of every entry
 *
 * Anything that does not check out (short, long, other magic, version,
 * byte order, root or checksum) is ignored and replaced on save: the
 * cache is never trusted over the file system, and never an error. The
 * file is written to a temporary file in the same directory and renamed
 * over the old one, so concurrent runs (two CI jobs on one workspace)
 * leave one whole file: the last writer's. A cache file not owned by
 * us, or writable by others, is not read.
 */
#include "fingerprint/fingerprint.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "core/alloc.h"
#include "base/path.h"
#include "core/error.h"
#include "util/buf.h"

#define MAGIC          "ECRAFPC"
#define FORMAT_VERSION 1u
#define BYTE_ORDER_BOM 0x01020304u
#define HEADER_SIZE    104u
#define CHECKED_SIZE   72u /* header bytes covered by the checksum */
#define RACY_NS        (INT64_C(2) * 1000000000)
/* More entries than this is not a cache we wrote (96 MiB of them). */
#define MAX_ENTRIES (UINT64_C(1) << 20)

typedef struct {
	uint64_t dev, ino, path_hash, size;
	int64_t mtime_ns, ctime_ns;
	uint32_t mode, pad;
	uint64_t hashed_size;  /* the "<size>" of the content fingerprint */
	unsigned char sha[32]; /* ... and its digest */
} entry;

_Static_assert(sizeof(entry) == 96, "cache entry layout");

struct ecra_fp_cache {
	char *path; /* the cache file */
	unsigned char root_sha[32];
	int64_t stat_time_ns; /* this run: before the first stat */
	/* Loaded entries and an open-addressing index into them (slot
	 * values are index + 1; 0 is empty). */
	entry *old;
	size_t old_count;
	uint32_t *slots;
	size_t slot_mask;
	unsigned char *used; /* per old entry: this run looked it up */
	int64_t old_stat_time_ns;
	/* What this run saw, in walk order. */
	entry *seen;
	size_t seen_count, seen_alloc;
	ecra_fp_cache_stats stats;
	bool has_failed; /* out of memory: do not save a partial cache */
};

/* Tests: added to this run's stat time (see ecra_fp_cache_test_shift). */
static _Atomic int64_t test_shift_ns;

void ecra_fp_cache_test_shift(int64_t ns)
{
	test_shift_ns = ns;
}

/*
 * Helpers
 */

static int64_t ns_of(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

static size_t slot_of(const entry *e, size_t mask)
{
	uint64_t h = e->dev * UINT64_C(0x9E3779B97F4A7C15) ^ e->ino ^
	             e->path_hash * UINT64_C(0xC2B2AE3D27D4EB4F);

	h ^= h >> 29;
	return (size_t)h & mask;
}

static bool same_key(const entry *a, const entry *b)
{
	return a->dev == b->dev && a->ino == b->ino &&
	       a->path_hash == b->path_hash;
}

static int sha256(unsigned char out[32], const void *a, size_t alen,
    const void *b, size_t blen)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned int len = 0;
	int ok;

	ok = md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 &&
	     EVP_DigestUpdate(md, a, alen) == 1 &&
	     (blen == 0 || EVP_DigestUpdate(md, b, blen) == 1) &&
	     EVP_DigestFinal_ex(md, out, &len) == 1 && len == 32;
	EVP_MD_CTX_free(md);
	return ok ? 0 : -1;
}

static int hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Parse "<size>:<64 hex>" into the entry's digest fields. */
static bool parse_content(entry *e, const char *content)
{
	const char *colon = strchr(content, ':');
	char *end;
	int hi, lo;
	size_t i;

	if (colon == NULL || strlen(colon + 1) != 64)
		return false;
	errno = 0;
	e->hashed_size = strtoull(content, &end, 10);
	if (errno != 0 || end != colon)
		return false;
	for (i = 0; i < 32; i++) {
		hi = hex_nibble(colon[1 + 2 * i]);
		lo = hex_nibble(colon[2 + 2 * i]);
		if (hi < 0 || lo < 0)
			return false;
		e->sha[i] = (unsigned char)(hi << 4 | lo);
	}
	return true;
}

static void format_content(
    char out[ECRA_CONTENT_FINGERPRINT_SIZE], const entry *e)
{
	static const char hexdig[] = "0123456789abcdef";
	int n;
	size_t i;

	n = snprintf(
	    out, ECRA_CONTENT_FINGERPRINT_SIZE, "%" PRIu64 ":", e->hashed_size);
	for (i = 0; i < 32; i++) {
		out[n + 2 * i] = hexdig[e->sha[i] >> 4];
		out[n + 2 * i + 1] = hexdig[e->sha[i] & 15];
	}
	out[n + 64] = '\0';
}

/* mkdir -p for the cache directory, private to the user. */
static int make_dirs(char *path)
{
	char *p;

	for (p = strchr(path + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(path, 0700) < 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

int ecra_fp_cache_default_dir(ecra_buf *out)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home;

	ecra_buf_clear(out);
	/* The XDG spec: a relative value is invalid and ignored. */
	if (xdg != NULL && xdg[0] == '/')
		return ecra_buf_printf(out, "%s/ecr-assets", xdg);
	home = getenv("HOME");
	if (home == NULL || home[0] != '/')
		return ECRA_ENOTFOUND;
	return ecra_buf_printf(out, "%s/.cache/ecr-assets", home);
}

bool ecra_fp_cache_env_disabled(void)
{
	const char *v = getenv("ECRA_NO_CACHE");

	return v != NULL && v[0] != '\0' && strcmp(v, "0") != 0;
}

/*
 * Loading
 */

/* Read the cache file into c->old, or leave it empty. */
static void load(ecra_fp_cache *c)
{
	unsigned char header[HEADER_SIZE], sum[32];
	uint32_t u32;
	uint64_t count;
	struct stat st;
	size_t i, slots, bytes;
	ssize_t r;
	int fd;

	fd = open(c->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & 022) != 0 ||
	    st.st_size < (off_t)HEADER_SIZE)
		goto bad;
	if (read(fd, header, HEADER_SIZE) != (ssize_t)HEADER_SIZE)
		goto bad;
	if (memcmp(header, MAGIC, 8) != 0)
		goto bad;
	memcpy(&u32, header + 8, 4);
	if (u32 != FORMAT_VERSION)
		goto bad;
	memcpy(&u32, header + 12, 4);
	if (u32 != BYTE_ORDER_BOM)
		goto bad;
	memcpy(&u32, header + 16, 4);
	if (u32 != HEADER_SIZE)
		goto bad;
	memcpy(&u32, header + 20, 4);
	if (u32 != sizeof(entry))
		goto bad;
	memcpy(&count, header + 24, 8);
	if (count > MAX_ENTRIES ||
	    (uint64_t)st.st_size != HEADER_SIZE + count * sizeof(entry))
		goto bad;
	if (memcmp(header + 40, c->root_sha, 32) != 0)
		goto bad;
	memcpy(&c->old_stat_time_ns, header + 32, 8);
	bytes = (size_t)count * sizeof(entry);
	if (count > 0) {
		if ((c->old = ecra_alloc(bytes)) == NULL)
			goto bad;
		r = read(fd, c->old, bytes);
		if (r != (ssize_t)bytes)
			goto bad;
	}
	if (sha256(sum, header, CHECKED_SIZE, c->old, bytes) < 0 ||
	    memcmp(sum, header + CHECKED_SIZE, 32) != 0)
		goto bad;
	for (slots = 16; slots < 2 * count; slots *= 2)
		;
	if ((c->slots = ecra_calloc(slots, sizeof(*c->slots))) == NULL ||
	    (c->used = ecra_calloc(count + 1, 1)) == NULL)
		goto bad;
	c->slot_mask = slots - 1;
	c->old_count = (size_t)count;
	for (i = 0; i < c->old_count; i++) {
		size_t s = slot_of(&c->old[i], c->slot_mask);

		while (c->slots[s] != 0)
			s = (s + 1) & c->slot_mask;
		c->slots[s] = (uint32_t)(i + 1);
	}
	c->stats.loaded = c->old_count;
	close(fd);
	return;
bad:
	c->stats.is_rejected = true;
	ecra_free(c->old);
	c->old = NULL;
	ecra_free(c->slots);
	c->slots = NULL;
	ecra_free(c->used);
	c->used = NULL;
	close(fd);
}

/* Whether the cache directory `dir` (which may not exist yet) lies in the
 * context `root`: its file would then be hashed as part of the context and
 * change the next run's hash, so that context gets no cache. The nearest
 * existing ancestor of `dir` is resolved, as is `root`. */
static bool inside_root(const char *dir, const char *root)
{
	char want[PATH_MAX], got[PATH_MAX], rroot[PATH_MAX], *slash;
	bool inside;

	if (realpath(root, rroot) == NULL ||
	    (size_t)snprintf(want, sizeof(want), "%s", dir) >= sizeof(want))
		return false;
	while (realpath(want, got) == NULL) {
		if ((slash = strrchr(want, '/')) == NULL || slash == want)
			return false;
		*slash = '\0';
	}
	inside = ecra_path_within(got, rroot);
	return inside;
}

int ecra_fp_cache_open(
    ecra_fp_cache **out, const char *cache_dir, const char *root)
{
	static const char hexdig[] = "0123456789abcdef";
	ecra_fp_cache *c;
	ecra_buf dir = ECRA_BUF_INIT(0);
	char name[40];
	struct timespec now;
	size_t i;

	*out = NULL;
	if ((c = ecra_calloc(1, sizeof(*c))) == NULL)
		return ECRA_ENOMEM;
	/* Before any stat() of this run: the racy bound. */
	clock_gettime(CLOCK_REALTIME, &now);
	c->stat_time_ns = ns_of(&now) + test_shift_ns;
	if (sha256(c->root_sha, root, strlen(root), NULL, 0) < 0)
		goto none;
	if (cache_dir != NULL) {
		if (ecra_buf_puts(&dir, cache_dir) < 0)
			goto none;
	} else if (ecra_fp_cache_default_dir(&dir) < 0) {
		goto none;
	}
	if (dir.ptr == NULL || inside_root(dir.ptr, root))
		goto none;
	memcpy(name, "fp-", 3);
	for (i = 0; i < 16; i++) {
		name[3 + 2 * i] = hexdig[c->root_sha[i] >> 4];
		name[4 + 2 * i] = hexdig[c->root_sha[i] & 15];
	}
	name[35] = '\0';
	if (ecra_buf_printf(&dir, "/%s.cache", name) < 0)
		goto none;
	c->path = ecra_buf_detach(&dir);
	load(c);
	*out = c;
	return 0;
none:
	/* No usable cache location: run without a cache. */
	ecra_buf_dispose(&dir);
	ecra_free(c);
	return 0;
}

/*
 * Lookups
 */

int ecra_fp_cache_stat(ecra_fp_stat *out, int dfd, const char *name)
{
	struct stat st;

	if (fstatat(dfd, name, &st, 0) < 0 || !S_ISREG(st.st_mode))
		return -1;
	out->dev = (uint64_t)st.st_dev;
	out->ino = (uint64_t)st.st_ino;
	out->size = (uint64_t)st.st_size;
	out->mtime_ns = ns_of(&st.st_mtim);
	out->ctime_ns = ns_of(&st.st_ctim);
	out->mode = (uint32_t)st.st_mode;
	return 0;
}

static void fill(entry *e, const char *rel, const ecra_fp_stat *st)
{
	memset(e, 0, sizeof(*e));
	e->dev = st->dev;
	e->ino = st->ino;
	e->path_hash = fnv1a(rel);
	e->size = st->size;
	e->mtime_ns = st->mtime_ns;
	e->ctime_ns = st->ctime_ns;
	e->mode = st->mode;
}

bool ecra_fp_cache_lookup(ecra_fp_cache *c,
    char out[ECRA_CONTENT_FINGERPRINT_SIZE], const char *rel,
    const ecra_fp_stat *st)
{
	entry key;
	const entry *e;
	size_t s;
	uint32_t v;

	if (c == NULL || c->slots == NULL)
		return false;
	fill(&key, rel, st);
	for (s = slot_of(&key, c->slot_mask); (v = c->slots[s]) != 0;
	     s = (s + 1) & c->slot_mask) {
		e = &c->old[v - 1];
		if (!same_key(e, &key))
			continue;
		c->used[v - 1] = 1;
		if (e->size != key.size || e->mtime_ns != key.mtime_ns ||
		    e->ctime_ns != key.ctime_ns || e->mode != key.mode)
			return false;
		if (e->mtime_ns >= c->old_stat_time_ns - RACY_NS ||
		    e->ctime_ns >= c->old_stat_time_ns - RACY_NS) {
			c->stats.racy++;
			return false;
		}
		format_content(out, e);
		c->stats.hits++;
		return true;
	}
	return false;
}

void ecra_fp_cache_put(ecra_fp_cache *c, const char *rel,
    const ecra_fp_stat *st, const char *content, bool is_hit)
{
	entry *grown;
	size_t alloc;

	if (c == NULL || c->has_failed)
		return;
	if (!is_hit)
		c->stats.hashed++;
	if (c->seen_count == c->seen_alloc) {
		alloc = c->seen_alloc ? c->seen_alloc * 2 : 256;
		if (alloc > MAX_ENTRIES ||
		    (grown = ecra_realloc(c->seen, alloc * sizeof(*grown))) ==
		        NULL) {
			c->has_failed = true;
			return;
		}
		c->seen = grown;
		c->seen_alloc = alloc;
	}
	fill(&c->seen[c->seen_count], rel, st);
	if (!parse_content(&c->seen[c->seen_count], content))
		return;
	c->seen_count++;
}

/*
 * Saving
 */

static int write_all(int fd, const void *p, size_t n)
{
	const char *s = p;
	ssize_t w;

	while (n > 0) {
		w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Old entries this run did not look up (other excludes or follow mode
 * than the last run's, or deleted files) are kept after the seen ones,
 * at most as many as were seen plus KEEP_EXTRA, so runs with different
 * options on one context do not evict each other and deleted files do
 * not pile up. Appends them to c->seen; returns how many. */
#define KEEP_EXTRA 1024

static size_t keep_unseen(ecra_fp_cache *c)
{
	size_t i, kept = 0, limit = c->seen_count + KEEP_EXTRA;
	entry *grown;

	if (c->old_count == 0)
		return 0;
	if (c->seen_alloc < c->seen_count + c->old_count) {
		grown = ecra_realloc(
		    c->seen, (c->seen_count + c->old_count) * sizeof(*grown));
		if (grown == NULL)
			return 0;
		c->seen = grown;
		c->seen_alloc = c->seen_count + c->old_count;
	}
	for (i = 0; i < c->old_count && kept < limit; i++)
		/* A racy entry is never carried over unverified. */
		if (!c->used[i] &&
		    c->old[i].mtime_ns < c->old_stat_time_ns - RACY_NS &&
		    c->old[i].ctime_ns < c->old_stat_time_ns - RACY_NS) {
			c->seen[c->seen_count + kept] = c->old[i];
			kept++;
		}
	c->seen_count += kept;
	return kept;
}

/* Temporary files of runs killed between mkstemp() and rename(): ours by
 * name and owner, and older than an hour (a live writer's is seconds
 * old). */
static void remove_stale_temps(const char *dir)
{
	struct timespec now;
	struct dirent *d;
	struct stat st;
	DIR *dp;

	if ((dp = opendir(dir)) == NULL)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	while ((d = readdir(dp)) != NULL) {
		if (strncmp(d->d_name, "fp-", 3) != 0 ||
		    strstr(d->d_name, ".cache.tmp-") == NULL)
			continue;
		if (fstatat(dirfd(dp), d->d_name, &st, AT_SYMLINK_NOFOLLOW) ==
		        0 &&
		    S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
		    st.st_mtime < now.tv_sec - 3600)
			(void)unlinkat(dirfd(dp), d->d_name, 0);
	}
	closedir(dp);
}

/* Write c->seen to a temporary file and rename it over the cache. */
static void save(ecra_fp_cache *c)
{
	unsigned char header[HEADER_SIZE];
	uint32_t u32;
	uint64_t count = c->seen_count;
	size_t bytes = c->seen_count * sizeof(entry);
	ecra_buf tmp = ECRA_BUF_INIT(0), dir = ECRA_BUF_INIT(0);
	char *slash;
	int fd = -1;

	memset(header, 0, sizeof(header));
	memcpy(header, MAGIC, 8);
	u32 = FORMAT_VERSION;
	memcpy(header + 8, &u32, 4);
	u32 = BYTE_ORDER_BOM;
	memcpy(header + 12, &u32, 4);
	u32 = HEADER_SIZE;
	memcpy(header + 16, &u32, 4);
	u32 = sizeof(entry);
	memcpy(header + 20, &u32, 4);
	memcpy(header + 24, &count, 8);
	memcpy(header + 32, &c->stat_time_ns, 8);
	memcpy(header + 40, c->root_sha, 32);
	if (sha256(header + CHECKED_SIZE, header, CHECKED_SIZE, c->seen,
	        bytes) < 0)
		return;
	if (ecra_buf_puts(&dir, c->path) < 0 ||
	    (slash = strrchr(dir.ptr, '/')) == NULL)
		goto done;
	*slash = '\0';
	if (make_dirs(dir.ptr) < 0)
		goto done;
	remove_stale_temps(dir.ptr);
	if (ecra_buf_printf(&tmp, "%s.tmp-XXXXXX", c->path) < 0)
		goto done;
	if ((fd = mkstemp(tmp.ptr)) < 0)
		goto done;
	if (write_all(fd, header, sizeof(header)) < 0 ||
	    write_all(fd, c->seen, bytes) < 0) {
		close(fd);
		unlink(tmp.ptr);
		goto done;
	}
	if (close(fd) < 0 || rename(tmp.ptr, c->path) < 0) {
		unlink(tmp.ptr);
		goto done;
	}
	c->stats.is_written = true;
done:
	ecra_buf_dispose(&tmp);
	ecra_buf_dispose(&dir);
}

void ecra_fp_cache_close(
    ecra_fp_cache *c, bool is_complete, ecra_fp_cache_stats *stats)
{
	if (c == NULL) {
		if (stats != NULL)
			memset(stats, 0, sizeof(*stats));
		return;
	}
	/* Save when the run saw something the file does not hold: a
	 * file hashed, or fewer files than it holds. A run that stopped
	 * early saw only part of the tree: keep the old file then. */
	if (is_complete && !c->has_failed) {
		(void)keep_unseen(c);
		if (c->stats.hashed > 0 || c->seen_count != c->old_count ||
		    c->stats.is_rejected)
			save(c);
	}
	if (stats != NULL)
		*stats = c->stats;
	ecra_free(c->path);
	ecra_free(c->old);
	ecra_free(c->slots);
	ecra_free(c->used);
	ecra_free(c->seen);
	ecra_free(c);
}

const char *ecra_fp_cache_path(const ecra_fp_cache *c)
{
	return c != NULL ? c->path : NULL;
}
