/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * unit/fingerprint/cache.c - the warm fingerprint cache.
 *
 * Every test compares the warm hash (cache on) with the cold one (cache
 * off) after a change, and checks through options.stats what the cache
 * did. Files written by a test are "racy" for two seconds; tests that
 * want cache hits shift the recorded stat time with
 * ecra_fp_cache_test_shift() instead of sleeping.
 */
#include "helpers.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/alloc.h"
#include "fingerprint/fingerprint.h"

#define SHIFT_OLD (INT64_C(10) * 1000000000)

static char cache_dir[4200];

static char *path_in(const char *dir, const char *rel)
{
	static char buf[4][4200];
	static int next;
	char *p = buf[next++ % 4];

	snprintf(p, 4200, "%s/%s", dir, rel);
	return p;
}

typedef struct {
	const char *const *exclude;
	size_t exclude_count;
	ecra_ignore_mode mode;
	const char *extra;
	ecra_follow_mode follow;
} fp_args;

static void hash_ex(char out[ECRA_FINGERPRINT_HEX_SIZE], const char *dir,
    const fp_args *a, bool no_cache, ecra_fingerprint_stats *stats)
{
	ecra_fingerprint_options o = ECRA_FINGERPRINT_OPTIONS_INIT;
	ecra_fingerprint_stats own;

	if (a != NULL) {
		o.exclude = a->exclude;
		o.exclude_count = a->exclude_count;
		o.ignore_mode = a->mode;
		o.extra_hash = a->extra;
		o.follow = a->follow;
	}
	o.no_cache = no_cache;
	o.cache_dir = cache_dir;
	o.stats = stats != NULL ? stats : &own;
	assert_ok(ecra_fingerprint(out, dir, &o));
}

/* Warm hash (into `warm`, stats in `st`) must equal the cold one. */
static void check_warm_is_cold(
    const char *dir, const fp_args *a, ecra_fingerprint_stats *st)
{
	char warm[ECRA_FINGERPRINT_HEX_SIZE], cold[ECRA_FINGERPRINT_HEX_SIZE];

	hash_ex(warm, dir, a, false, st);
	hash_ex(cold, dir, a, true, NULL);
	assert_string_equal(warm, cold);
}

static void build_tree(const char *dir)
{
	char name[64];
	int i;

	for (i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "d%d/f%02d.txt", i % 4, i);
		write_text(dir, name, name);
	}
	write_text(dir, "big.bin", "\x01\x02\x00binary");
	write_text(dir, "crlf.txt", "a\r\nb\r\n");
	write_text(dir, ".dockerignore", "*.log\n");
	write_text(dir, "x.log", "log");
}

/* A fresh context and cache directory; warm the cache so every entry
 * is trusted from the next run on. */
static char *setup(size_t *files)
{
	static char ctx[4200];
	const char *root = sandbox_dir();
	char warm[ECRA_FINGERPRINT_HEX_SIZE];
	ecra_fingerprint_stats st;

	snprintf(ctx, sizeof(ctx), "%s/ctx", root);
	snprintf(cache_dir, sizeof(cache_dir), "%s/cache", root);
	mkdir(ctx, 0755);
	build_tree(ctx);
	ecra_fp_cache_test_shift(SHIFT_OLD);
	hash_ex(warm, ctx, NULL, false, &st);
	assert_true(st.cache_enabled);
	assert_int_equal(st.cache_hits, 0);
	assert_true(st.cache_written);
	if (files != NULL)
		*files = st.files;
	return ctx;
}

static void teardown_ctx(const char *ctx)
{
	char root[4200];

	ecra_fp_cache_test_shift(0);
	snprintf(root, sizeof(root), "%s", ctx);
	*strrchr(root, '/') = '\0';
	sandbox_cleanup(root);
}

/* The one cache file in cache_dir. */
static const char *cache_file(void)
{
	static char path[4400];
	struct dirent *d;
	DIR *dir = opendir(cache_dir);
	int n = 0;

	assert_non_null(dir);
	while ((d = readdir(dir)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		assert_non_null(strstr(d->d_name, ".cache"));
		assert_null(strstr(d->d_name, ".tmp"));
		snprintf(path, sizeof(path), "%s/%s", cache_dir, d->d_name);
		n++;
	}
	closedir(dir);
	assert_int_equal(n, 1);
	return path;
}

static void test_warm_hits(void **state)
{
	size_t files;
	char *ctx = setup(&files);
	ecra_fingerprint_stats st;

	(void)state;
	check_warm_is_cold(ctx, NULL, &st);
	assert_int_equal(st.files, files);
	assert_int_equal(st.cache_hits, files);
	assert_false(st.cache_written); /* nothing new: not rewritten */
	assert_false(st.cache_rejected);
	(void)cache_file();
	teardown_ctx(ctx);
}

/* Rewrite `rel` with same-size content and put its mtime back, as
 * `cp -p`, `tar x` or `rsync -t` do: aws-cdk-lib's key (inode, mtime in
 * ms, size) does not move, ours does (ctime). */
static void edit_keep_size_mtime(
    const char *ctx, const char *rel, const char *content, bool new_inode)
{
	struct stat before, after;
	struct timespec times[2];
	char *p = path_in(ctx, rel), tmp[4300];

	assert_int_equal(stat(p, &before), 0);
	assert_int_equal((size_t)before.st_size, strlen(content));
	if (new_inode) {
		snprintf(tmp, sizeof(tmp), "%s.new", p);
		write_text("/", tmp + 1, content);
		assert_int_equal(rename(tmp, p), 0);
	} else {
		write_text(ctx, rel, content);
	}
	times[0] = before.st_atim;
	times[1] = before.st_mtim;
	assert_int_equal(utimensat(AT_FDCWD, p, times, 0), 0);
	assert_int_equal(stat(p, &after), 0);
	assert_int_equal(after.st_size, before.st_size);
	assert_int_equal(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
	assert_int_equal(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
	if (!new_inode)
		assert_int_equal(after.st_ino, before.st_ino);
}

static void test_edit_keeps_size_and_mtime(void **state)
{
	size_t files;
	char *ctx = setup(&files);
	char before[ECRA_FINGERPRINT_HEX_SIZE];
	ecra_fingerprint_stats st;

	(void)state;
	hash_ex(before, ctx, NULL, false, &st);
	assert_int_equal(st.cache_hits, files);
	/* "d1/f01.txt" -> same length, other bytes, same inode. */
	edit_keep_size_mtime(ctx, "d1/f01.txt", "D1/F01.TXT", false);
	check_warm_is_cold(ctx, NULL, &st);
	assert_int_equal(st.cache_hits, files - 1);
	assert_true(st.cache_written);
	teardown_ctx(ctx);
	(void)before;
}

static void test_cp_p_new_inode(void **state)
{
	size_t files;
	char *ctx = setup(&files);
	ecra_fingerprint_stats st;

	(void)state;
	/* cp -p to a temporary name and mv over: a new inode, same size
	 * and mtime. */
	edit_keep_size_mtime(ctx, "d2/f02.txt", "xx/yyy.zzz", true);
	check_warm_is_cold(ctx, NULL, &st);
	assert_int_equal(st.cache_hits, files - 1);
	teardown_ctx(ctx);
}

/* Every change aws-cdk-lib sees changes our warm hash the same way. */
static void test_changes_seen(void **state)
{
	static const char *const ex1[] = { "*.txt" };
	static const char *const ex2[] = { "d1" };
	size_t files;
	char *ctx = setup(&files);
	char h0[ECRA_FINGERPRINT_HEX_SIZE], h[ECRA_FINGERPRINT_HEX_SIZE];
	ecra_fingerprint_stats st;
	fp_args a;

	(void)state;
	hash_ex(h0, ctx, NULL, false, NULL);
	/* mode */
	assert_int_equal(chmod(path_in(ctx, "d0/f00.txt"), 0600), 0);
	check_warm_is_cold(ctx, NULL, &st);
	assert_int_equal(st.cache_hits, files - 1);
	/* new file, deleted file, renamed file */
	write_text(ctx, "d3/new.txt", "new");
	check_warm_is_cold(ctx, NULL, &st);
	hash_ex(h, ctx, NULL, false, NULL);
	assert_string_not_equal(h, h0);
	assert_int_equal(unlink(path_in(ctx, "d3/new.txt")), 0);
	check_warm_is_cold(ctx, NULL, &st);
	hash_ex(h, ctx, NULL, false, NULL);
	assert_string_equal(h, h0);
	assert_int_equal(
	    rename(path_in(ctx, "d0/f04.txt"), path_in(ctx, "d0/g04.txt")), 0);
	check_warm_is_cold(ctx, NULL, &st);
	hash_ex(h, ctx, NULL, false, NULL);
	assert_string_not_equal(h, h0);
	/* symlink, and a changed target */
	assert_int_equal(symlink("d0/f00.txt", path_in(ctx, "l")), 0);
	memset(&a, 0, sizeof(a));
	a.follow = ECRA_FOLLOW_NEVER;
	check_warm_is_cold(ctx, &a, &st);
	hash_ex(h0, ctx, &a, false, NULL);
	assert_int_equal(unlink(path_in(ctx, "l")), 0);
	assert_int_equal(symlink("d0/f08.txt", path_in(ctx, "l")), 0);
	check_warm_is_cold(ctx, &a, &st);
	hash_ex(h, ctx, &a, false, NULL);
	assert_string_not_equal(h, h0);
	a.follow = ECRA_FOLLOW_ALWAYS;
	check_warm_is_cold(ctx, &a, &st);
	/* excludes, ignore mode, an edited ignore file, extra hash */
	memset(&a, 0, sizeof(a));
	a.exclude = ex1;
	a.exclude_count = 1;
	check_warm_is_cold(ctx, &a, &st);
	a.exclude = ex2;
	a.mode = ECRA_IGNORE_DOCKER;
	check_warm_is_cold(ctx, &a, &st);
	write_text(ctx, ".dockerignore", "*.bin\n");
	check_warm_is_cold(ctx, &a, &st);
	a.extra = "extra";
	check_warm_is_cold(ctx, &a, &st);
	teardown_ctx(ctx);
}

/* Read the cache file, let `edit` change it, write it back with a
 * valid checksum when `fix_sum`. */
static void rewrite_cache(void (*edit)(unsigned char *, size_t *), bool fix_sum)
{
	const char *path = cache_file();
	unsigned char *p;
	size_t n;
	unsigned int len;
	FILE *f = fopen(path, "rb");
	EVP_MD_CTX *md;

	assert_non_null(f);
	p = malloc(1 << 20);
	n = fread(p, 1, 1 << 20, f);
	fclose(f);
	edit(p, &n);
	if (fix_sum && n >= 104) {
		md = EVP_MD_CTX_new();
		EVP_DigestInit_ex(md, EVP_sha256(), NULL);
		EVP_DigestUpdate(md, p, 72);
		EVP_DigestUpdate(md, p + 104, n - 104);
		EVP_DigestFinal_ex(md, p + 72, &len);
		EVP_MD_CTX_free(md);
	}
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	fclose(f);
	free(p);
}

/* Flip a byte of the first entry's digest (offset 104 + 64). */
static void edit_digest(unsigned char *p, size_t *n)
{
	assert_true(*n >= 104 + 96);
	p[104 + 64] ^= 0x55;
}

static void edit_truncate(unsigned char *p, size_t *n)
{
	(void)p;
	*n -= 7;
}

static void edit_empty(unsigned char *p, size_t *n)
{
	(void)p;
	*n = 0;
}

static void edit_magic(unsigned char *p, size_t *n)
{
	(void)n;
	p[0] = 'X';
}

static void edit_version(unsigned char *p, size_t *n)
{
	(void)n;
	p[8] = 99;
}

/* What a machine of the other byte order writes: the whole header's
 * words swapped (here just the byte-order mark). */
static void edit_endian(unsigned char *p, size_t *n)
{
	unsigned char t;

	(void)n;
	t = p[12];
	p[12] = p[15];
	p[15] = t;
	t = p[13];
	p[13] = p[14];
	p[14] = t;
}

static void edit_root(unsigned char *p, size_t *n)
{
	(void)n;
	p[40] ^= 1;
}

static void edit_garbage(unsigned char *p, size_t *n)
{
	size_t i;

	for (i = 0; i < *n; i++)
		p[i] = (unsigned char)(i * 7 + 3);
}

/* A digest changed in the file but the checksum left: rejected. With
 * the checksum fixed too (a "valid" lie), a trusted entry is used, which
 * shows the test can see a trusted entry at all; racy is below. */
static void test_corrupt(void **state)
{
	static const struct {
		void (*edit)(unsigned char *, size_t *);
		bool fix_sum;
	} cases[] = {
		{ edit_digest, false },
		{ edit_truncate, false },
		{ edit_truncate, true },
		{ edit_empty, false },
		{ edit_magic, true },
		{ edit_version, true },
		{ edit_endian, true },
		{ edit_root, true },
		{ edit_garbage, false },
	};
	size_t files, i;
	char *ctx = setup(&files);
	ecra_fingerprint_stats st;
	char cold[ECRA_FINGERPRINT_HEX_SIZE], warm[ECRA_FINGERPRINT_HEX_SIZE];

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rewrite_cache(cases[i].edit, cases[i].fix_sum);
		check_warm_is_cold(ctx, NULL, &st);
		assert_true(st.cache_rejected);
		assert_int_equal(st.cache_hits, 0);
		assert_true(st.cache_written);
		/* ... and rewritten whole: the next run trusts it. */
		check_warm_is_cold(ctx, NULL, &st);
		assert_false(st.cache_rejected);
		assert_int_equal(st.cache_hits, files);
	}
	/* A consistent lie is believed when trusted: the tests above
	 * would see a wrong digest. */
	hash_ex(cold, ctx, NULL, true, NULL);
	rewrite_cache(edit_digest, true);
	hash_ex(warm, ctx, NULL, false, &st);
	assert_false(st.cache_rejected);
	assert_string_not_equal(warm, cold);
	/* Others may write to it: not read. */
	assert_int_equal(chmod(cache_file(), 0666), 0);
	check_warm_is_cold(ctx, NULL, &st);
	assert_true(st.cache_rejected);
	teardown_ctx(ctx);
}

/* git's racy case: entries whose mtime/ctime are not older than the
 * run's stat time minus the granularity are not trusted. A digest lie
 * planted in such an entry is never used; once a later run saw the
 * files old enough, the entries are trusted again. */
static void test_racy(void **state)
{
	size_t files;
	char *ctx = setup(&files);
	ecra_fingerprint_stats st;
	char cold[ECRA_FINGERPRINT_HEX_SIZE], warm[ECRA_FINGERPRINT_HEX_SIZE];

	(void)state;
	hash_ex(cold, ctx, NULL, true, NULL);
	/* A run that records a stat time a minute ago: the files (written
	 * just now) are all racy for it, however slow this machine is. */
	ecra_fp_cache_test_shift(-60 * INT64_C(1000000000));
	write_text(ctx, "d0/f00.txt", "d0/f00.txt"); /* force a write */
	check_warm_is_cold(ctx, NULL, &st);
	assert_true(st.cache_written);
	rewrite_cache(edit_digest, true);
	hash_ex(warm, ctx, NULL, false, &st);
	assert_string_equal(warm, cold);
	assert_int_equal(st.cache_hits, 0);
	assert_int_equal(st.cache_racy, files);
	/* Racy entries are hashed again and rewritten; a run recorded
	 * later than mtime/ctime + granularity trusts them. */
	assert_true(st.cache_written);
	ecra_fp_cache_test_shift(SHIFT_OLD);
	check_warm_is_cold(ctx, NULL, &st);
	assert_int_equal(st.cache_racy, files);
	check_warm_is_cold(ctx, NULL, &st);
	assert_int_equal(st.cache_hits, files);
	assert_int_equal(st.cache_racy, 0);
	teardown_ctx(ctx);
}

static void test_off(void **state)
{
	char *ctx = setup(NULL);
	char h[ECRA_FINGERPRINT_HEX_SIZE];
	ecra_fingerprint_stats st;
	ecra_fingerprint_options o = ECRA_FINGERPRINT_OPTIONS_INIT;
	char other[4300];

	(void)state;
	snprintf(other, sizeof(other), "%s-other", cache_dir);
	o.cache_dir = other;
	o.stats = &st;
	o.no_cache = true;
	assert_ok(ecra_fingerprint(h, ctx, &o));
	assert_false(st.cache_enabled);
	assert_int_equal(access(other, F_OK), -1);
	o.no_cache = false;
	setenv("ECRA_NO_CACHE", "1", 1);
	assert_ok(ecra_fingerprint(h, ctx, &o));
	assert_false(st.cache_enabled);
	assert_int_equal(access(other, F_OK), -1);
	setenv("ECRA_NO_CACHE", "0", 1);
	assert_ok(ecra_fingerprint(h, ctx, &o));
	assert_true(st.cache_enabled);
	assert_int_equal(access(other, F_OK), 0);
	/* A version-1 caller has no cache fields (only the environment
	 * turns its cache off). */
	setenv("ECRA_NO_CACHE", "1", 1);
	o.version = 1;
	o.stats = NULL;
	assert_ok(ecra_fingerprint(h, ctx, &o));
	unsetenv("ECRA_NO_CACHE");
	teardown_ctx(ctx);
}

/* Default location: $XDG_CACHE_HOME/ecr-assets, else ~/.cache/... */
static void test_default_dir(void **state)
{
	ecra_buf b = ECRA_BUF_INIT(0);
	char *home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
	char *xdg =
	    getenv("XDG_CACHE_HOME") ? strdup(getenv("XDG_CACHE_HOME")) : NULL;

	(void)state;
	setenv("XDG_CACHE_HOME", "/x/cache", 1);
	assert_ok(ecra_fp_cache_default_dir(&b));
	assert_string_equal(b.ptr, "/x/cache/ecr-assets");
	setenv("XDG_CACHE_HOME", "relative", 1);
	setenv("HOME", "/home/u", 1);
	assert_ok(ecra_fp_cache_default_dir(&b));
	assert_string_equal(b.ptr, "/home/u/.cache/ecr-assets");
	unsetenv("XDG_CACHE_HOME");
	unsetenv("HOME");
	assert_int_equal(ecra_fp_cache_default_dir(&b), ECRA_ENOTFOUND);
	if (home != NULL)
		setenv("HOME", home, 1);
	if (xdg != NULL)
		setenv("XDG_CACHE_HOME", xdg, 1);
	free(home);
	free(xdg);
	ecra_buf_dispose(&b);
}

/* Two CI jobs on one workspace: writers race, each file written is
 * whole (the last rename wins), nothing is left behind, and the final
 * cache gives the cold hash. */
static void test_concurrent_writers(void **state)
{
	size_t files;
	char *ctx = setup(&files);
	char cold[ECRA_FINGERPRINT_HEX_SIZE], warm[ECRA_FINGERPRINT_HEX_SIZE];
	ecra_fingerprint_stats st;
	pid_t pids[4];
	int i, k, status;

	(void)state;
	for (i = 0; i < 4; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			char name[32], h[ECRA_FINGERPRINT_HEX_SIZE];
			ecra_fingerprint_options o =
			    ECRA_FINGERPRINT_OPTIONS_INIT;

			/* Real stat times: the racy check is on. */
			ecra_fp_cache_test_shift(0);
			o.cache_dir = cache_dir;
			o.threads = 1;
			for (k = 0; k < 25; k++) {
				/* Each writer sees a different tree, so
				 * every run rewrites the cache. */
				snprintf(name, sizeof(name), "w%d.txt", i);
				write_text(ctx, name, k % 2 ? "odd" : "even");
				if (ecra_fingerprint(h, ctx, &o) < 0)
					_exit(1);
			}
			_exit(0);
		}
	}
	for (i = 0; i < 4; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	(void)cache_file(); /* one file, no temporary left */
	/* A killed writer's temporary file: removed once an hour old. */
	{
		char tmp[4400], fresh[4400];
		struct timespec old[2] = { { 1000, 0 }, { 1000, 0 } };

		snprintf(tmp, sizeof(tmp), "%s.tmp-AAAAAA", cache_file());
		snprintf(fresh, sizeof(fresh), "%s.tmp-BBBBBB", cache_file());
		write_text("/", tmp + 1, "partial");
		write_text("/", fresh + 1, "partial");
		assert_int_equal(utimensat(AT_FDCWD, tmp, old, 0), 0);
		write_text(ctx, "w0.txt", "changed");
		hash_ex(warm, ctx, NULL, false, &st);
		assert_true(st.cache_written);
		assert_int_equal(access(tmp, F_OK), -1);
		assert_int_equal(access(fresh, F_OK), 0);
		assert_int_equal(unlink(fresh), 0);
	}
	hash_ex(warm, ctx, NULL, false, &st);
	assert_false(st.cache_rejected);
	hash_ex(cold, ctx, NULL, true, NULL);
	assert_string_equal(warm, cold);
	hash_ex(warm, ctx, NULL, false, &st);
	assert_int_equal(st.cache_hits, st.files);
	teardown_ctx(ctx);
}

/* Runs with other options on one context keep each other's entries:
 * alternating them does not rewrite the cache or hash again. */
static void test_options_alternate(void **state)
{
	static const char *const ex[] = { "d1" };
	size_t files;
	char *ctx = setup(&files);
	ecra_fingerprint_stats st;
	fp_args a;

	(void)state;
	memset(&a, 0, sizeof(a));
	a.exclude = ex;
	a.exclude_count = 1;
	check_warm_is_cold(ctx, &a, &st);
	assert_int_equal(st.cache_hits, st.files);
	assert_true(st.files < files);
	assert_false(st.cache_written);
	check_warm_is_cold(ctx, NULL, &st);
	assert_int_equal(st.cache_hits, files);
	assert_false(st.cache_written);
	/* A deleted file's entry is dropped once others are seen. */
	assert_int_equal(unlink(path_in(ctx, "d1/f01.txt")), 0);
	check_warm_is_cold(ctx, NULL, &st);
	assert_int_equal(st.cache_hits, files - 1);
	teardown_ctx(ctx);
}

/* An unwritable cache directory is no error: the hash runs cold. */
static void test_unwritable(void **state)
{
	char *ctx = setup(NULL);
	char h[ECRA_FINGERPRINT_HEX_SIZE];
	ecra_fingerprint_options o = ECRA_FINGERPRINT_OPTIONS_INIT;
	ecra_fingerprint_stats st;
	char bad[4300];

	FILE *f;

	(void)state;
	/* a regular file where a directory should be, outside the context */
	snprintf(bad, sizeof(bad), "%s/../notadir", ctx);
	assert_non_null(f = fopen(bad, "w"));
	fclose(f);
	snprintf(bad, sizeof(bad), "%s/../notadir/sub", ctx);
	o.cache_dir = bad;
	o.stats = &st;
	assert_ok(ecra_fingerprint(h, ctx, &o));
	assert_true(st.cache_enabled);
	assert_false(st.cache_written);
	snprintf(bad, sizeof(bad), "%s/../notadir", ctx);
	unlink(bad);
	teardown_ctx(ctx);
}

/* A cache directory inside the context (a context that is $HOME, say)
 * is not used: its file would be hashed and change the next hash. */
static void test_inside_context(void **state)
{
	char *ctx = setup(NULL);
	char h1[ECRA_FINGERPRINT_HEX_SIZE], h2[ECRA_FINGERPRINT_HEX_SIZE];
	ecra_fingerprint_options o = ECRA_FINGERPRINT_OPTIONS_INIT;
	ecra_fingerprint_stats st;
	char inside[4300];

	(void)state;
	snprintf(inside, sizeof(inside), "%s/.cache/ecr-assets", ctx);
	o.cache_dir = inside;
	o.stats = &st;
	assert_ok(ecra_fingerprint(h1, ctx, &o));
	assert_false(st.cache_enabled);
	assert_ok(ecra_fingerprint(h2, ctx, &o));
	assert_string_equal(h1, h2);
	teardown_ctx(ctx);
}

static void test_oom(void **state)
{
	char *ctx = setup(NULL);
	char h[ECRA_FINGERPRINT_HEX_SIZE], cold[ECRA_FINGERPRINT_HEX_SIZE];
	ecra_fingerprint_options o = ECRA_FINGERPRINT_OPTIONS_INIT;
	long n;
	int rc;

	(void)state;
	hash_ex(cold, ctx, NULL, true, NULL);
	o.cache_dir = cache_dir;
	o.threads = 1;
	for (n = 0;; n++) {
		ecra_alloc_fail_after(n);
		rc = ecra_fingerprint(h, ctx, &o);
		ecra_alloc_fail_after(-1);
		if (rc == 0)
			break;
		assert_int_equal(rc, ECRA_ENOMEM);
		assert_true(n < 5000);
	}
	assert_string_equal(h, cold);
	/* Whatever a failed run left, the cache is still valid. */
	check_warm_is_cold(ctx, NULL, NULL);
	teardown_ctx(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_warm_hits),
		cmocka_unit_test(test_edit_keeps_size_and_mtime),
		cmocka_unit_test(test_cp_p_new_inode),
		cmocka_unit_test(test_changes_seen),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_racy),
		cmocka_unit_test(test_off),
		cmocka_unit_test(test_default_dir),
		cmocka_unit_test(test_concurrent_writers),
		cmocka_unit_test(test_options_alternate),
		cmocka_unit_test(test_unwritable),
		cmocka_unit_test(test_inside_context),
		cmocka_unit_test(test_oom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
