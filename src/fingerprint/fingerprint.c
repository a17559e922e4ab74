/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * fingerprint/fingerprint.c - FileSystem.fingerprint() of aws-cdk-lib.
 *
 * The outer SHA-256 receives fields framed as 0x01 header 0x02 value
 * 0x03: options.extra, options.follow, options.ignoreMode (unless GLOB),
 * then one "file:<rel>" or "link:<rel>" field per entry in walk order
 * (spec synth.md §1.1, §1.2).
 *
 * File contents are hashed by a small pool of threads while the walk
 * goes on: the walk appends each field to a list in order and queues the
 * files; every time the walk adds a field, the longest finished prefix
 * of the list is fed to the outer hash and freed, so the order (and the
 * result) never depends on the thread count and memory stays bounded by
 * the hashing backlog. When something fails, the error reported is the
 * one earliest in walk order, as the sequential reference raises it.
 */
#include "fingerprint/fingerprint.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "core/alloc.h"
#include "core/error.h"
#include "util/buf.h"

/* Never start more hashing threads than this. */
#define MAX_THREADS 64
/* Files queued but not hashed yet, at most; past that the walk waits
 * (this bounds memory and the directory descriptors kept open). */
#define MAX_BACKLOG 1024
/* The walk hands files to the pool this many at a time (one lock and
 * one wake-up per group, and batches for the readers). */
#define GROUP 16

/* An open directory that queued files are opened relative to: the walk
 * closes its own descriptor when it leaves, so jobs share a duplicate
 * that the last one closes. */
typedef struct {
	int fd;
	atomic_uint refs;
} dirref;

typedef struct field {
	ecra_fingerprint_field_kind kind;
	char *header;  /* "file:<rel>", "link:<rel>" (in this block) */
	char *value;   /* link value; NULL for a file until hashed */
	dirref *dir;   /* a queued file: its directory (NULL: AT_FDCWD) */
	char *name;    /* ... and its name there (in this block) */
	char *display; /* file's symbolic path, for errors (in this
	                * block; NULL for links) */
	char content[ECRA_CONTENT_FINGERPRINT_SIZE];
	int rc;        /* hashing result */
	char *message; /* error message when rc < 0 */
	bool is_done;  /* hashed (under the pool lock) */
	bool has_st;   /* st holds the stat taken before hashing */
	bool is_hit;   /* content came from the cache */
	ecra_fp_stat st;
	struct field *next_job;
} field;

typedef struct {
	const ecra_fingerprint_options *opts;
	const char *root; /* realpath of the asset */
	size_t root_len;

	/* Fields in walk order; fields[0..emitted) are hashed and freed. */
	field **fields;
	size_t count, alloc, emitted;
	EVP_MD_CTX *md; /* the outer hash */
	/* The walk's error, raised after fields[walk_error_at - 1]. */
	int walk_error;
	char *walk_message;
	size_t walk_error_at;
	/* Emitting failed (a file could not be read, or the callback
	 * stopped us): that error is final. */
	bool is_stopped;

	/* Hashing. Without a pool, files are hashed during the walk. */
	ecra_fp_content *inline_hasher;
	pthread_mutex_t lock;
	pthread_cond_t more; /* a job was queued, or the walk ended */
	pthread_cond_t idle; /* the backlog halved, or emptied */
	field *queue_head, *queue_tail;
	size_t pending; /* queued or running */
	/* The walk's group of files not handed over yet. */
	field *group_head, *group_tail;
	size_t group_count;
	/* The directory the walk is in, as a shared reference. */
	dirref *cur_dir;
	int cur_dfd;
	bool is_closed;    /* no more jobs will come */
	bool is_cancelled; /* skip what is still queued */
	bool has_pool;
	size_t nthreads; /* in the pool */

	/* The warm cache (NULL: off), and the files emitted. */
	ecra_fp_cache *cache;
	size_t files;
	/* With a cache the pool starts at the first miss (a warm run
	 * starts no thread): its workers, and how many it wants. */
	struct worker *workers;
	unsigned int want_threads;
	bool is_pool_pending;
} fp_state;

/*
 * Fields
 */

static dirref *dirref_new(int dfd)
{
	dirref *d;
	int fd;

	if ((fd = fcntl(dfd, F_DUPFD_CLOEXEC, 0)) < 0)
		return NULL;
	if ((d = ecra_alloc(sizeof(*d))) == NULL) {
		close(fd);
		return NULL;
	}
	d->fd = fd;
	atomic_init(&d->refs, 1);
	return d;
}

static void dirref_put(dirref *d)
{
	if (d != NULL && atomic_fetch_sub(&d->refs, 1) == 1) {
		close(d->fd);
		ecra_free(d);
	}
}

static void field_free(field *f)
{
	if (f == NULL)
		return;
	dirref_put(f->dir);
	ecra_free(f->value);
	ecra_free(f->message);
	ecra_free(f);
}

static int add_field(fp_state *s, field *f)
{
	field **grown;
	size_t alloc;

	if (s->count == s->alloc) {
		alloc = s->alloc ? s->alloc * 2 : 64;
		grown = ecra_realloc(s->fields, alloc * sizeof(*grown));
		if (grown == NULL)
			return ECRA_ENOMEM;
		s->fields = grown;
		s->alloc = alloc;
	}
	s->fields[s->count++] = f;
	return 0;
}

/* hashKey() replaces every '\\' of a relative path with '/' (a file
 * named "a\\b" hashes as "a/b"). */
static void slashes(char *p)
{
	for (; *p != '\0'; p++)
		if (*p == '\\')
			*p = '/';
}

/* A field and its strings in one allocation; `root` non-NULL adds the
 * display path "<root>/<rel>", `name` non-NULL a copy of it. */
static field *new_field(ecra_fingerprint_field_kind kind, const char *prefix,
    const char *rel, const char *root, const char *name)
{
	field *f;
	size_t plen = strlen(prefix), rlen = strlen(rel);
	size_t dlen = root != NULL ? strlen(root) + 1 + rlen + 1 : 0;
	size_t nlen = name != NULL ? strlen(name) + 1 : 0;

	if ((f = ecra_calloc(1, sizeof(*f) + plen + rlen + 1 + dlen + nlen)) ==
	    NULL)
		return NULL;
	f->kind = kind;
	f->header = (char *)(f + 1);
	memcpy(f->header, prefix, plen);
	memcpy(f->header + plen, rel, rlen + 1);
	slashes(f->header + plen);
	if (root != NULL) {
		f->display = f->header + plen + rlen + 1;
		memcpy(f->display, root, dlen - rlen - 2);
		f->display[dlen - rlen - 2] = '/';
		memcpy(f->display + dlen - rlen - 1, rel, rlen + 1);
	}
	if (name != NULL) {
		f->name = f->header + plen + rlen + 1 + dlen;
		memcpy(f->name, name, nlen);
	}
	return f;
}

/* Keep the current error in a file field. */
static void field_error(field *f, int rc)
{
	f->rc = rc;
	f->message = ecra_strdup(ecra_error_last()->message);
	if (f->message == NULL)
		f->rc = ECRA_ENOMEM;
}

/* Hash the file `name` in `dfd` into f the ordinary way (open, read,
 * close), keeping the error in the field. */
static void hash_file(
    field *f, ecra_fp_content *hasher, int dfd, const char *name)
{
	int fd = -1, rc;

	rc = ecra_fp_content_open(&fd, dfd, name, f->display);
	if (rc == 0) {
		rc = ecra_fp_content_fd(
		    hasher, f->content, fd, true, f->display);
		close(fd);
	}
	if (rc < 0)
		field_error(f, rc);
}

static int job_dfd(const field *f)
{
	return f->dir != NULL ? f->dir->fd : AT_FDCWD;
}

/* Hash a batch of queued files: small ones read together by `*reader`
 * (dropped if it breaks), the rest one by one. */
static void hash_jobs(
    field **jobs, size_t n, ecra_fp_content *hasher, ecra_fp_reader **reader)
{
	ecra_fp_read_req reqs[ECRA_FP_BATCH];
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		reqs[i].dfd = job_dfd(jobs[i]);
		reqs[i].name = jobs[i]->name;
		reqs[i].result = -1;
	}
	if (*reader != NULL && n > 1 &&
	    ecra_fp_reader_run(*reader, reqs, n) < 0) {
		ecra_fp_reader_free(*reader);
		*reader = NULL;
		for (i = 0; i < n; i++)
			reqs[i].result = -1;
	}
	for (i = 0; i < n; i++) {
		if (reqs[i].result >= 0) {
			rc = ecra_fp_content_buffer(hasher, jobs[i]->content,
			    reqs[i].data, (size_t)reqs[i].result);
			if (rc < 0)
				field_error(jobs[i], rc);
		} else {
			hash_file(jobs[i], hasher, reqs[i].dfd, reqs[i].name);
		}
		dirref_put(jobs[i]->dir);
		jobs[i]->dir = NULL;
	}
}

/*
 * The pool
 */

typedef struct worker {
	fp_state *s;
	ecra_fp_content *hasher;
	pthread_t thread;
	bool is_started;
} worker;

/* Let the walk go on once the backlog is down to half; called with the
 * lock held. */
static void job_done(fp_state *s, field *f)
{
	f->is_done = true;
	if (--s->pending == 0 || s->pending == MAX_BACKLOG / 2)
		pthread_cond_broadcast(&s->idle);
}

static field *take_job(fp_state *s)
{
	field *f = s->queue_head;

	if (f != NULL) {
		s->queue_head = f->next_job;
		if (s->queue_head == NULL)
			s->queue_tail = NULL;
	}
	return f;
}

/* Take up to ECRA_FP_BATCH jobs, leaving some for the other threads
 * when the queue is short; called with the lock held. */
static size_t take_jobs(fp_state *s, field **jobs, size_t nthreads)
{
	size_t n = 0, want = ECRA_FP_BATCH;
	field *f;

	if (s->pending < ECRA_FP_BATCH * nthreads)
		want = s->pending / nthreads > 0 ? s->pending / nthreads : 1;
	while (n < want && (f = take_job(s)) != NULL)
		jobs[n++] = f;
	return n;
}

static void run_jobs(fp_state *s, field **jobs, size_t n,
    ecra_fp_content *hasher, ecra_fp_reader **reader)
{
	size_t i;

	if (!s->is_cancelled) {
		pthread_mutex_unlock(&s->lock);
		hash_jobs(jobs, n, hasher, reader);
		pthread_mutex_lock(&s->lock);
	}
	for (i = 0; i < n; i++)
		job_done(s, jobs[i]);
}

static void *worker_main(void *arg)
{
	worker *wk = arg;
	fp_state *s = wk->s;
	field *jobs[ECRA_FP_BATCH];
	ecra_fp_reader *reader;
	size_t n;

	/* The reader's ring belongs to the thread that makes it. */
	reader = ecra_fp_reader_new();
	pthread_mutex_lock(&s->lock);
	for (;;) {
		if ((n = take_jobs(s, jobs, s->nthreads)) == 0) {
			if (s->is_closed)
				break;
			pthread_cond_wait(&s->more, &s->lock);
			continue;
		}
		run_jobs(s, jobs, n, wk->hasher, &reader);
	}
	pthread_mutex_unlock(&s->lock);
	ecra_fp_reader_free(reader);
	return NULL;
}

/* Hand the walk's group of files to the pool, first waiting for room
 * when the backlog is full. */
static void flush_group(fp_state *s)
{
	if (s->group_count == 0)
		return;
	pthread_mutex_lock(&s->lock);
	while (s->pending >= MAX_BACKLOG)
		pthread_cond_wait(&s->idle, &s->lock);
	if (s->queue_tail != NULL)
		s->queue_tail->next_job = s->group_head;
	else
		s->queue_head = s->group_head;
	s->queue_tail = s->group_tail;
	s->pending += s->group_count;
	pthread_cond_broadcast(&s->more);
	pthread_mutex_unlock(&s->lock);
	s->group_head = s->group_tail = NULL;
	s->group_count = 0;
}

static void group_add(fp_state *s, field *f)
{
	f->next_job = NULL;
	if (s->group_tail != NULL)
		s->group_tail->next_job = f;
	else
		s->group_head = f;
	s->group_tail = f;
	if (++s->group_count >= GROUP)
		flush_group(s);
}

/* Close the queue, help with what is left (or drop it when `cancel`),
 * and wait until every job is done. */
static void drain(fp_state *s, bool cancel)
{
	field *jobs[ECRA_FP_BATCH];
	ecra_fp_reader *reader = NULL;
	size_t n;

	if (!cancel)
		flush_group(s);
	pthread_mutex_lock(&s->lock);
	s->is_closed = true;
	s->is_cancelled = cancel;
	pthread_cond_broadcast(&s->more);
	for (;;) {
		if ((n = take_jobs(s, jobs, s->nthreads + 1)) > 0) {
			run_jobs(s, jobs, n, s->inline_hasher, &reader);
			continue;
		}
		if (s->pending == 0)
			break;
		pthread_cond_wait(&s->idle, &s->lock);
	}
	pthread_mutex_unlock(&s->lock);
}

/*
 * The outer hash
 */

static int put_field(const fp_state *s, ecra_fingerprint_field_kind kind,
    const char *header, const char *value)
{
	const ecra_fingerprint_options *o = s->opts;
	EVP_MD_CTX *md = s->md;

	if (EVP_DigestUpdate(md, "\x01", 1) != 1 ||
	    EVP_DigestUpdate(md, header, strlen(header)) != 1 ||
	    EVP_DigestUpdate(md, "\x02", 1) != 1 ||
	    EVP_DigestUpdate(md, value, strlen(value)) != 1 ||
	    EVP_DigestUpdate(md, "\x03", 1) != 1)
		return ecra_error_set(ECRA_ERROR, "SHA-256 failed");
	if (o->field_cb != NULL &&
	    o->field_cb(kind, header, value, o->field_payload) != 0)
		return ecra_error_set(
		    ECRA_EUSER, "fingerprint stopped by the field callback");
	return 0;
}

static int set_option_fields(fp_state *s)
{
	const ecra_fingerprint_options *o = s->opts;
	const char *extra = o->extra_hash ? o->extra_hash : "";
	int error;

	if ((error = put_field(s, ECRA_FINGERPRINT_FIELD_OPTION,
	         "options.extra", extra)) < 0 ||
	    (error = put_field(s, ECRA_FINGERPRINT_FIELD_OPTION,
	         "options.follow", ecra_follow_mode_name(o->follow))) < 0)
		return error;
	return 0;
}

/* Feed the finished prefix of the field list to the outer hash. A file
 * that failed stops everything with its error (is_stopped). */
static int emit_ready(fp_state *s)
{
	field *f;
	bool is_done;
	int error;

	while (s->emitted < s->count) {
		f = s->fields[s->emitted];
		if (f->kind == ECRA_FINGERPRINT_FIELD_FILE) {
			pthread_mutex_lock(&s->lock);
			is_done = f->is_done;
			pthread_mutex_unlock(&s->lock);
			if (!is_done)
				return 0;
			if (f->rc < 0)
				error = ecra_error_set(f->rc, "%s", f->message);
			else
				error = put_field(
				    s, f->kind, f->header, f->content);
			if (error == 0) {
				s->files++;
				if (f->has_st)
					ecra_fp_cache_put(s->cache,
					    f->header + 5, &f->st, f->content,
					    f->is_hit);
			}
		} else {
			error = put_field(s, f->kind, f->header, f->value);
		}
		if (error < 0) {
			s->is_stopped = true;
			return error;
		}
		field_free(f);
		s->fields[s->emitted++] = NULL;
	}
	return 0;
}

/* Start the pool's threads (s->want_threads of them). Without any, files
 * are hashed inline. */
static int start_pool(fp_state *s)
{
	unsigned int i, started = 0;
	int error;

	s->is_pool_pending = false;
	for (i = 0; i < s->want_threads; i++) {
		s->workers[i].s = s;
		if ((error = ecra_fp_content_new(&s->workers[i].hasher)) < 0)
			return error;
	}
	s->has_pool = true;
	s->nthreads = s->want_threads;
	for (i = 0; i < s->want_threads; i++) {
		if (pthread_create(&s->workers[i].thread, NULL, worker_main,
		        &s->workers[i]) != 0)
			break;
		s->workers[i].is_started = true;
		started++;
	}
	/* No thread at all: hash inline after all. */
	if (started == 0) {
		s->has_pool = false;
	} else {
		pthread_mutex_lock(&s->lock);
		s->nthreads = started;
		pthread_mutex_unlock(&s->lock);
	}
	return 0;
}

/*
 * Visitor
 */

/* Files are opened relative to their directory (no full-path lookup)
 * by a pool thread, which reads and hashes them. */
static int on_file_at(
    void *ctx, const char *rel, const char *real, int dfd, const char *name)
{
	fp_state *s = ctx;
	field *f;
	int error;

	(void)real;
	if ((f = new_field(ECRA_FINGERPRINT_FIELD_FILE, "file:", rel, s->root,
	         s->has_pool || s->is_pool_pending ? name : NULL)) == NULL)
		return ECRA_ENOMEM;
	if ((error = add_field(s, f)) < 0) {
		field_free(f);
		return error;
	}
	/* The stat comes before the read: a change after it shows in the
	 * next run's stat (or in the racy check). */
	if (s->cache != NULL && ecra_fp_cache_stat(&f->st, dfd, name) == 0) {
		f->has_st = true;
		if (ecra_fp_cache_lookup(
		        s->cache, f->content, f->header + 5, &f->st)) {
			f->is_hit = true;
			f->is_done = true;
			return emit_ready(s);
		}
	}
	if (s->is_pool_pending && (error = start_pool(s)) < 0)
		return error;
	if (s->has_pool && dfd != AT_FDCWD &&
	    (s->cur_dir == NULL || s->cur_dfd != dfd)) {
		dirref_put(s->cur_dir);
		s->cur_dfd = dfd;
		s->cur_dir = dirref_new(dfd);
	}
	if (s->has_pool && (dfd == AT_FDCWD || s->cur_dir != NULL)) {
		if (dfd != AT_FDCWD) {
			f->dir = s->cur_dir;
			atomic_fetch_add(&f->dir->refs, 1);
		}
		group_add(s, f);
	} else {
		hash_file(f, s->inline_hasher, dfd, name);
		f->is_done = true;
	}
	return emit_ready(s);
}

/* The walk is about to close `dfd`. */
static void on_dir_leave(void *ctx, int dfd)
{
	fp_state *s = ctx;

	if (s->cur_dir != NULL && s->cur_dfd == dfd) {
		dirref_put(s->cur_dir);
		s->cur_dir = NULL;
	}
}

static int on_symlink(void *ctx, const ecra_fp_link *link)
{
	fp_state *s = ctx;
	const char *value = link->text;
	field *f;
	bool is_key = false;
	int error;

	/* An absolute internal link hashes as its root-relative target. */
	if (link->is_internal && link->text[0] == '/') {
		value = link->target + s->root_len;
		if (*value == '/')
			value++;
		is_key = true;
	}
	if ((f = new_field(ECRA_FINGERPRINT_FIELD_LINK, "link:", link->rel,
	         NULL, NULL)) == NULL)
		return ECRA_ENOMEM;
	if ((f->value = ecra_strdup(value)) == NULL) {
		field_free(f);
		return ECRA_ENOMEM;
	}
	if (is_key)
		slashes(f->value);
	if ((error = add_field(s, f)) < 0) {
		field_free(f);
		return error;
	}
	return emit_ready(s);
}

static int on_unsupported(void *ctx, const char *rel, const char *real)
{
	fp_state *s = ctx;

	(void)real;
	return ecra_error_set(ECRA_EUNSUPPORTED,
	    "unable to hash '%s/%s': it is neither a file nor a directory",
	    s->root, rel);
}

/*
 * Entry points
 */

static unsigned int thread_count(const ecra_fingerprint_options *o)
{
	long n;

	if (o->threads > 0)
		return o->threads > MAX_THREADS ? MAX_THREADS : o->threads;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		return 1;
	return n > MAX_THREADS ? MAX_THREADS : (unsigned int)n;
}

/* Walk `root`, hashing files on `nthreads` threads. */
static int walk_and_hash(fp_state *s, unsigned int nthreads)
{
	const ecra_fingerprint_options *o = s->opts;
	ecra_fp_walk_options wo;
	ecra_fp_visitor v;
	unsigned int i;
	int error = 0, walk_error;

	memset(&wo, 0, sizeof(wo));
	wo.dir = s->root;
	wo.follow = o->follow;
	wo.ignore_mode = o->ignore_mode;
	wo.exclude = o->exclude;
	wo.exclude_count = o->exclude_count;
	wo.cancel = o->version >= 2 ? o->cancel : NULL;
	memset(&v, 0, sizeof(v));
	v.on_file_at = on_file_at;
	v.on_dir_leave = on_dir_leave;
	v.on_symlink = on_symlink;
	v.on_unsupported = on_unsupported;
	v.ctx = s;

	if (nthreads > 1) {
		if ((s->workers = ecra_calloc(nthreads, sizeof(worker))) ==
		    NULL)
			return ECRA_ENOMEM;
		s->want_threads = nthreads;
		if (s->cache != NULL)
			s->is_pool_pending = true;
		else if ((error = start_pool(s)) < 0)
			goto done;
	}

	walk_error = ecra_fp_walk(&wo, &v);
	if (walk_error < 0) {
		s->walk_error = walk_error;
		s->walk_error_at = s->count;
		s->walk_message = ecra_strdup(ecra_error_last()->message);
	}
	if (s->has_pool)
		drain(s, s->is_stopped);
done:
	if (s->workers != NULL) {
		pthread_mutex_lock(&s->lock);
		s->is_closed = true;
		pthread_cond_broadcast(&s->more);
		pthread_mutex_unlock(&s->lock);
		for (i = 0; i < nthreads; i++) {
			if (s->workers[i].is_started)
				pthread_join(s->workers[i].thread, NULL);
			ecra_fp_content_free(s->workers[i].hasher);
		}
		ecra_free(s->workers);
		s->workers = NULL;
	}
	return error;
}

/* After the walk: the earliest failure in walk order, or emit the rest.
 * A file before the walk's error that failed to read wins over it. */
static int finish_fields(fp_state *s)
{
	size_t i;
	field *f;

	if (s->walk_error == 0)
		return emit_ready(s);
	for (i = s->emitted; !s->is_stopped && i < s->walk_error_at; i++) {
		f = s->fields[i];
		if (f->kind == ECRA_FINGERPRINT_FIELD_FILE && f->rc < 0)
			return ecra_error_set(f->rc, "%s", f->message);
	}
	if (s->walk_message == NULL)
		return ECRA_ENOMEM;
	return ecra_error_set(s->walk_error, "%s", s->walk_message);
}

static int finish_digest(EVP_MD_CTX *md, char out[ECRA_FINGERPRINT_HEX_SIZE])
{
	static const char hexdig[] = "0123456789abcdef";
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int len = 0, i;

	if (EVP_DigestFinal_ex(md, d, &len) != 1 || len != 32)
		return ecra_error_set(ECRA_ERROR, "SHA-256 failed");
	for (i = 0; i < len; i++) {
		out[2 * i] = hexdig[d[i] >> 4];
		out[2 * i + 1] = hexdig[d[i] & 15];
	}
	out[2 * len] = '\0';
	return 0;
}

/* realpath() of the asset, with the reference's "cannot find" error. */
static int resolve_root(char **out, const char *path)
{
	if ((*out = ecra_fp_realpath(path)) == NULL) {
		if (errno == ENOENT || errno == ENOTDIR)
			return ecra_error_set(
			    ECRA_ENOTFOUND, "cannot find asset at '%s'", path);
		if (errno == ENAMETOOLONG)
			return ecra_error_set(
			    ECRA_EINVALID, "path too long: '%.200s...'", path);
		return ecra_error_set_os(ecra_error_from_errno(errno),
		    "cannot resolve asset path '%s'", path);
	}
	return 0;
}

int ecra_fingerprint(char out[ECRA_FINGERPRINT_HEX_SIZE], const char *path,
    const ecra_fingerprint_options *opts)
{
	ecra_fingerprint_options defaults = ECRA_FINGERPRINT_OPTIONS_INIT;
	fp_state s;
	struct stat st;
	char *root = NULL;
	const char *mode_name;
	ecra_fingerprint_stats *stats = NULL;
	ecra_fp_cache_stats cs;
	bool use_cache;
	size_t i;
	int error;

	ECRA_ASSERT_ARG(out);
	ECRA_ASSERT_ARG(path);
	ECRA_CHECK_VERSION(
	    opts, ECRA_FINGERPRINT_OPTIONS_VERSION, ecra_fingerprint_options);
	out[0] = '\0';
	if (opts == NULL)
		opts = &defaults;
	if (ecra_follow_mode_name(opts->follow) == NULL)
		return ecra_error_set(
		    ECRA_EINVALID, "unknown follow mode %d", (int)opts->follow);
	if ((mode_name = ecra_ignore_mode_name(opts->ignore_mode)) == NULL)
		return ecra_error_set(ECRA_EINVALID, "unknown ignore mode %d",
		    (int)opts->ignore_mode);
	if (opts->exclude_count > 0)
		ECRA_ASSERT_ARG(opts->exclude);
	use_cache = !ecra_fp_cache_env_disabled();
	if (opts->version >= 2) {
		use_cache = use_cache && !opts->no_cache;
		stats = opts->stats;
	}

	memset(&s, 0, sizeof(s));
	s.opts = opts;
	pthread_mutex_init(&s.lock, NULL);
	pthread_cond_init(&s.more, NULL);
	pthread_cond_init(&s.idle, NULL);

	if ((s.md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(s.md, EVP_sha256(), NULL) != 1) {
		error = ecra_error_set(ECRA_ERROR, "cannot set up SHA-256");
		goto done;
	}
	if ((error = set_option_fields(&s)) < 0)
		goto done;
	if ((error = resolve_root(&root, path)) < 0)
		goto done;
	s.root = root;
	s.root_len = strlen(root);
	if (stat(root, &st) < 0) {
		error = ecra_error_set_os(
		    ecra_error_from_errno(errno), "cannot stat '%s'", root);
		goto done;
	}
	if (opts->ignore_mode != ECRA_IGNORE_GLOB &&
	    (error = put_field(&s, ECRA_FINGERPRINT_FIELD_OPTION,
	         "options.ignoreMode", mode_name)) < 0)
		goto done;
	if ((error = ecra_fp_content_new(&s.inline_hasher)) < 0)
		goto done;

	if (!S_ISDIR(st.st_mode)) {
		char content[ECRA_CONTENT_FINGERPRINT_SIZE];

		/* The reference reads a FIFO or device root as a file (and
		 * blocks on a FIFO); we refuse it. */
		if (!S_ISREG(st.st_mode)) {
			error = ecra_error_set(ECRA_EUNSUPPORTED,
			    "cannot hash '%s': it is neither a regular file "
			    "nor a directory",
			    path);
			goto done;
		}
		/* aws-cdk-lib builds the ignore strategy even for a single
		 * file, and the GIT strategy (ignore 5.3.2) compiles its
		 * rules right then: an invalid git pattern fails the hash.
		 * DOCKER and GLOB only fail when matching, which a single
		 * file never does. */
		if (opts->ignore_mode == ECRA_IGNORE_GIT &&
		    opts->exclude_count > 0) {
			ecra_ignore *ig = NULL;

			error = ecra_ignore_new(&ig, ECRA_IGNORE_GIT,
			    opts->exclude, opts->exclude_count);
			ecra_ignore_free(ig);
			if (error < 0)
				goto done;
		}
		if ((error = ecra_fp_content_file(
		         s.inline_hasher, content, root, path)) < 0 ||
		    (error = put_field(&s, ECRA_FINGERPRINT_FIELD_FILE,
		         "file:", content)) < 0)
			goto done;
		s.files = 1;
	} else {
		if (use_cache &&
		    (error = ecra_fp_cache_open(&s.cache,
		         opts->version >= 2 ? opts->cache_dir : NULL, root)) <
		        0)
			goto done;
		if ((error = walk_and_hash(&s, thread_count(opts))) < 0 ||
		    (error = finish_fields(&s)) < 0)
			goto done;
	}
	error = finish_digest(s.md, out);
done:
	if (stats != NULL) {
		memset(stats, 0, sizeof(*stats));
		stats->cache_enabled = s.cache != NULL;
	}
	ecra_fp_cache_close(s.cache, error == 0, &cs);
	if (stats != NULL) {
		stats->files = s.files;
		stats->cache_hits = cs.hits;
		stats->cache_racy = cs.racy;
		stats->cache_rejected = cs.is_rejected;
		stats->cache_written = cs.is_written;
	}
	for (i = 0; i < s.count; i++)
		field_free(s.fields[i]);
	ecra_free(s.fields);
	ecra_free(s.walk_message);
	dirref_put(s.cur_dir);
	ecra_fp_content_free(s.inline_hasher);
	pthread_mutex_destroy(&s.lock);
	pthread_cond_destroy(&s.more);
	pthread_cond_destroy(&s.idle);
	EVP_MD_CTX_free(s.md);
	ecra_free(root);
	if (error < 0)
		out[0] = '\0';
	return error;
}

int ecra_fingerprint_options_init(
    ecra_fingerprint_options *opts, unsigned int version)
{
	ecra_fingerprint_options defaults = ECRA_FINGERPRINT_OPTIONS_INIT;

	ECRA_ASSERT_ARG(opts);
	if (version == 0 || version > ECRA_FINGERPRINT_OPTIONS_VERSION)
		return ecra_error_set(ECRA_EINVALID,
		    "invalid version %u for 'ecra_fingerprint_options'",
		    version);
	*opts = defaults;
	return 0;
}

int ecra_follow_mode_parse(ecra_follow_mode *out, const char *name)
{
	ECRA_ASSERT_ARG(out);
	ECRA_ASSERT_ARG(name);
	if (strcmp(name, "external") == 0)
		*out = ECRA_FOLLOW_EXTERNAL;
	else if (strcmp(name, "never") == 0)
		*out = ECRA_FOLLOW_NEVER;
	else if (strcmp(name, "always") == 0)
		*out = ECRA_FOLLOW_ALWAYS;
	else if (strcmp(name, "internal-only") == 0 ||
	         strcmp(name, "block-external") == 0)
		*out = ECRA_FOLLOW_BLOCK_EXTERNAL;
	else
		return ecra_error_set(ECRA_EINVALID,
		    "unknown follow mode '%s' (expected never, always, "
		    "external or internal-only)",
		    name);
	return 0;
}

const char *ecra_follow_mode_name(ecra_follow_mode mode)
{
	switch (mode) {
	case ECRA_FOLLOW_EXTERNAL:
		return "external";
	case ECRA_FOLLOW_NEVER:
		return "never";
	case ECRA_FOLLOW_ALWAYS:
		return "always";
	case ECRA_FOLLOW_BLOCK_EXTERNAL:
		return "internal-only";
	default:
		return NULL;
	}
}
