/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * registry/engine.c - push a plan (archive.c, stage.c) and copy images
 * between registries, with bounded parallel blob transfers.
 *
 * Order of a push: plan (structure checked), one HEAD per blob whose
 * digest is already known (OCI descriptors, and the layer cache: the
 * compressed digest this engine version made for a diff_id before), a
 * mount for blobs the cache saw in another repository of the same
 * registry, staging of what is still missing (digests checked), HEADs
 * of the newly staged blobs, parallel uploads, then the manifests (and
 * the index) are put. Nothing is uploaded before every check passed.
 *
 * Uploads: a blob up to chunk_size goes in one PUT (POST + PUT with the
 * digest); a bigger one in chunked PATCHes read from its temporary file,
 * each retried after a transient failure from the offset the registry
 * reports (GET on the upload URL, Range header). Copies between
 * registries stream each blob in ranged GETs of chunk_size into PATCHes:
 * never staged on disk, never more than a chunk per transfer in memory.
 * On the same registry they mount.
 */
#include "registry/engine.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/error.h"
#include "registry/registry_int.h"

#define DEFAULT_CHUNK    (16u * 1024 * 1024)
#define DEFAULT_PARALLEL 4
#define MANIFEST_CAP     (8u * 1024 * 1024)
#define RESUMES          3

typedef struct {
	const ecra_xfer_options *o;
	pthread_mutex_t lock;
	ecra_xfer_summary sum;
	volatile int stop; /* set on the first failure */
	/* Clients kept across the phases of a run, one per worker slot, so
	 * connections and tokens are reused (destination, source). */
	ecra_registry *dst[32], *src[32];
	char *first_error;
	int first_code;
} eng;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *const type_names[] = { "prepare", "blob-start",
	"blob-progress", "blob-done", "manifest" };

static void emit(eng *e, ecra_xfer_event_type t, const char *kind,
    const char *digest, const char *name, uint64_t done, uint64_t total,
    double t0, ecra_xfer_outcome outcome)
{
	ecra_xfer_event ev;
	double dt = now_s() - t0;

	if (e->o == NULL || e->o->on_event == NULL)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.type = t;
	ev.type_name = type_names[t];
	ev.kind = kind;
	ev.digest = digest;
	ev.name = name;
	ev.done = done;
	ev.total = total;
	ev.rate = dt > 0 ? (double)done / dt : 0;
	ev.outcome = outcome;
	pthread_mutex_lock(&e->lock);
	e->o->on_event(&ev, e->o->payload);
	pthread_mutex_unlock(&e->lock);
}

static bool stopped(eng *e)
{
	return e->stop || (e->o && e->o->cancel && *e->o->cancel);
}

static int cancel_error(eng *e)
{
	(void)e;
	return ecra_error_set(ECRA_EUSER, "cancelled");
}

static void count(eng *e, ecra_xfer_outcome oc, uint64_t bytes)
{
	pthread_mutex_lock(&e->lock);
	if (oc == ECRA_XFER_UPLOADED) {
		e->sum.uploaded++;
		e->sum.bytes_uploaded += bytes;
	} else if (oc == ECRA_XFER_MOUNTED) {
		e->sum.mounted++;
	} else {
		e->sum.skipped++;
	}
	pthread_mutex_unlock(&e->lock);
}

static size_t chunk_of(const ecra_xfer_options *o)
{
	return o && o->chunk_size ? o->chunk_size : DEFAULT_CHUNK;
}

static int scope_push(ecra_buf *b, const char *repo)
{
	ecra_buf_clear(b);
	return ecra_buf_printf(b, "repository:%s:pull,push", repo);
}

/* ---------------------------------------------------------------- */
/* Layer cache                                                        */

static int mkdirs(const char *dir)
{
	char tmp[4096];
	size_t i, n = strlen(dir);

	if (n >= sizeof(tmp))
		return -1;
	memcpy(tmp, dir, n + 1);
	for (i = 1; i <= n; i++)
		if (tmp[i] == '/' || tmp[i] == '\0') {
			char c = tmp[i];

			tmp[i] = '\0';
			if (mkdir(tmp, 0700) < 0 && errno != EEXIST)
				return -1;
			tmp[i] = c;
		}
	return 0;
}

/* diff_id -> what this engine version pushed for it. */
static bool cache_get(const ecra_xfer_options *o, const char *diff_id,
    char digest[72], uint64_t *size, char *mt, size_t mt_cap)
{
	char path[4096], line[512], fmt[64], d[80], m[256];
	unsigned long long sz;
	FILE *f;
	bool ok = false;

	if (o == NULL || o->cache_dir == NULL || strlen(diff_id) != 71)
		return false;
	snprintf(path, sizeof(path), "%s/layers/%s", o->cache_dir, diff_id + 7);
	if ((f = fopen(path, "r")) == NULL)
		return false;
	if (fgets(line, sizeof(line), f) != NULL &&
	    sscanf(line, "%63s %79s %llu %255s", fmt, d, &sz, m) == 4 &&
	    strcmp(fmt, ECRA_GZIP_FORMAT) == 0 && strlen(d) == 71 &&
	    strncmp(d, "sha256:", 7) == 0) {
		memcpy(digest, d, 72);
		*size = sz;
		snprintf(mt, mt_cap, "%s", m);
		ok = true;
	}
	fclose(f);
	return ok;
}

static void cache_put(const ecra_xfer_options *o, const ecra_blob *b)
{
	char dir[4096], path[4200], tmp[4300];
	FILE *f;

	if (o == NULL || o->cache_dir == NULL || strlen(b->diff_id) != 71)
		return;
	snprintf(dir, sizeof(dir), "%s/layers", o->cache_dir);
	if (mkdirs(dir) < 0)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, b->diff_id + 7);
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	if ((f = fopen(tmp, "w")) == NULL)
		return;
	fprintf(f, "%s %s %llu %s\n", ECRA_GZIP_FORMAT, b->digest,
	    (unsigned long long)b->size, b->media_type);
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		unlink(tmp);
}

/* The tarball as it was when every digest in it was last checked: a
 * later push of the same unchanged file may trust the layer cache and
 * skip reading layers the registry has. Any change to the file (size,
 * mtime, ctime, inode) voids it. */
static void stamp_path(
    char *out, size_t cap, const ecra_xfer_options *o, const char *real)
{
	char key[72];

	ecra_registry_sha256(key, real, strlen(real));
	snprintf(out, cap, "%s/archives/%s", o->cache_dir, key + 7);
}

static bool stamp_of(
    const char *path, char *real, size_t cap, char *out, size_t outcap)
{
	struct stat st;

	if (realpath(path, real) == NULL || stat(real, &st) != 0 || cap < 1)
		return false;
	snprintf(out, outcap, "%s %llu %llu %llu %lld.%09ld %lld.%09ld\n",
	    ECRA_GZIP_FORMAT, (unsigned long long)st.st_dev,
	    (unsigned long long)st.st_ino, (unsigned long long)st.st_size,
	    (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
	    (long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
	return true;
}

static bool stamp_matches(const ecra_xfer_options *o, const char *path)
{
	char real[4096], want[512], have[512] = "", sp[4200];
	FILE *f;
	bool ok;

	if (o == NULL || o->cache_dir == NULL ||
	    !stamp_of(path, real, sizeof(real), want, sizeof(want)))
		return false;
	stamp_path(sp, sizeof(sp), o, real);
	if ((f = fopen(sp, "r")) == NULL)
		return false;
	ok = fgets(have, sizeof(have), f) != NULL && strcmp(have, want) == 0;
	fclose(f);
	return ok;
}

static void stamp_write(const ecra_xfer_options *o, const char *path)
{
	char real[4096], st[512], dir[4096], sp[4200], tmp[4300];
	FILE *f;

	if (o == NULL || o->cache_dir == NULL ||
	    !stamp_of(path, real, sizeof(real), st, sizeof(st)))
		return;
	snprintf(dir, sizeof(dir), "%s/archives", o->cache_dir);
	if (mkdirs(dir) < 0)
		return;
	stamp_path(sp, sizeof(sp), o, real);
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", sp, (long)getpid());
	if ((f = fopen(tmp, "w")) == NULL)
		return;
	fputs(st, f);
	if (fclose(f) != 0 || rename(tmp, sp) != 0)
		unlink(tmp);
}

/* A repository of `host` other than `repo` known to hold `digest`. */
static char *cache_mount_from(const ecra_xfer_options *o, const char *host,
    const char *repo, const char *digest)
{
	char path[4096], line[1024], h[512], r[512];
	char *found = NULL;
	FILE *f;

	if (o == NULL || o->cache_dir == NULL || strlen(digest) != 71)
		return NULL;
	snprintf(path, sizeof(path), "%s/repos/%s", o->cache_dir, digest + 7);
	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "%511s %511s", h, r) == 2 &&
		    strcmp(h, host) == 0 && strcmp(r, repo) != 0) {
			ecra_free(found);
			found = ecra_strdup(r);
		}
	fclose(f);
	return found;
}

static void cache_saw(const ecra_xfer_options *o, const char *host,
    const char *repo, const char *digest)
{
	char dir[4096], path[4200], line[1100];
	char *known;
	int fd;

	if (o == NULL || o->cache_dir == NULL || strlen(digest) != 71)
		return;
	known = cache_mount_from(o, host, "", digest);
	/* cache_mount_from skips only `repo`; look for an exact line. */
	ecra_free(known);
	snprintf(dir, sizeof(dir), "%s/repos", o->cache_dir);
	if (mkdirs(dir) < 0)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, digest + 7);
	{
		FILE *f = fopen(path, "r");
		char h[512], r[512];
		bool have = false;

		while (f != NULL && fgets(line, sizeof(line), f) != NULL)
			if (sscanf(line, "%511s %511s", h, r) == 2 &&
			    strcmp(h, host) == 0 && strcmp(r, repo) == 0)
				have = true;
		if (f != NULL)
			fclose(f);
		if (have)
			return;
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600)) < 0)
		return;
	snprintf(line, sizeof(line), "%s %s\n", host, repo);
	if (write(fd, line, strlen(line)) < 0) {
		/* best effort */
	}
	close(fd);
}

/* ---------------------------------------------------------------- */
/* Blob upload                                                        */

/* Where the bytes of an upload come from. */
typedef struct {
	int fd;           /* pread from here ... */
	const char *data; /* ... or memory ... */
	/* ... or ranged GETs of a blob of another registry. */
	ecra_registry *src;
	const char *src_repo;
	EVP_MD_CTX *md; /* streamed bytes are checked */
} source;

static int src_read(
    source *s, const char *digest, uint64_t off, char *buf, size_t n)
{
	if (s->data != NULL) {
		memcpy(buf, s->data + off, n);
		return 0;
	}
	if (s->fd >= 0) {
		size_t got = 0;

		while (got < n) {
			ssize_t r = pread(
			    s->fd, buf + got, n - got, (off_t)(off + got));

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				return ecra_error_set_os(ECRA_EIO,
				    "cannot read the temporary copy of %s",
				    digest);
			got += (size_t)r;
		}
		return 0;
	}
	{
		ecra_buf path = ECRA_BUF_INIT(0), scope = ECRA_BUF_INIT(0),
		         range = ECRA_BUF_INIT(0);
		ecra_http_header extra[1] = { { "Range", NULL } };
		ecra_registry_resp resp;
		int error;

		memset(&resp, 0, sizeof(resp));
		resp.body.limit = n + 1;
		if ((error = ecra_buf_printf(
		         &path, "/v2/%s/blobs/%s", s->src_repo, digest)) < 0 ||
		    (error = ecra_buf_printf(
		         &scope, "repository:%s:pull", s->src_repo)) < 0 ||
		    (error = ecra_buf_printf(&range, "bytes=%llu-%llu",
		         (unsigned long long)off,
		         (unsigned long long)(off + n - 1))) < 0)
			goto out;
		extra[0].value = range.ptr;
		if ((error = ecra_registry_request(s->src, "GET", path.ptr,
		         scope.ptr, extra, 1, NULL, 0, &resp)) < 0)
			goto out;
		if (resp.status == 200 && off == 0 && resp.body.size >= n) {
			/* No Range support: whole body (bounded by limit). */
		} else if (resp.status != 206) {
			error = ecra_registry_fail(
			    s->src, &resp, "fetching a blob");
			goto out;
		}
		if (resp.body.size < n) {
			error = ecra_error_set(ECRA_ENET,
			    "registry '%s': blob %s ended early",
			    ecra_registry_host(s->src), digest);
			goto out;
		}
		memcpy(buf, resp.body.ptr, n);
	out:
		ecra_registry_resp_dispose(&resp);
		ecra_buf_dispose(&path);
		ecra_buf_dispose(&scope);
		ecra_buf_dispose(&range);
		return error;
	}
}

static void abandon(ecra_registry *r, const char *loc, const char *scope)
{
	if (loc != NULL)
		ecra_registry_cancel_upload(r, loc, scope);
}

/* After a failed PATCH: how many bytes does the session hold? */
static int upload_offset(ecra_registry *r, const char *loc, const char *scope,
    uint64_t *off, char **newloc)
{
	ecra_buf url = ECRA_BUF_INIT(0);
	ecra_registry_resp resp;
	const char *dash;
	int error;

	memset(&resp, 0, sizeof(resp));
	if ((error = ecra_registry_upload_url(&url, r, loc, NULL, NULL)) < 0 ||
	    (error = ecra_registry_request(
	         r, "GET", url.ptr, scope, NULL, 0, NULL, 0, &resp)) < 0)
		goto done;
	if (resp.status != 204 && resp.status != 200) {
		error = ecra_registry_fail(r, &resp, "resuming an upload");
		goto done;
	}
	*off = 0;
	if (resp.range != NULL && (dash = strchr(resp.range, '-')) != NULL)
		*off = strtoull(dash + 1, NULL, 10) + 1;
	if (resp.location != NULL) {
		*newloc = resp.location;
		resp.location = NULL;
	}
done:
	ecra_registry_resp_dispose(&resp);
	ecra_buf_dispose(&url);
	return error;
}

static int upload(eng *e, ecra_registry *r, const char *repo,
    const char *digest, uint64_t size, source *s, const char *kind,
    const char *name)
{
	ecra_buf scope = ECRA_BUF_INIT(0), path = ECRA_BUF_INIT(0),
	         url = ECRA_BUF_INIT(0), range = ECRA_BUF_INIT(0);
	ecra_http_header octet[2] = {
		{ "Content-Type", "application/octet-stream" },
		{ "Content-Range", NULL },
	};
	ecra_registry_resp resp;
	size_t chunk = chunk_of(e->o);
	char *buf = NULL, *loc = NULL;
	uint64_t off = 0;
	double t0 = now_s();
	int error, resumes = 0;

	memset(&resp, 0, sizeof(resp));
	emit(e, ECRA_XFER_BLOB_START, kind, digest, name, 0, size, t0, 0);
	if ((error = scope_push(&scope, repo)) < 0 ||
	    (error = ecra_buf_printf(&path, "/v2/%s/blobs/uploads/", repo)) <
	        0 ||
	    (error = ecra_registry_request(
	         r, "POST", path.ptr, scope.ptr, NULL, 0, "", 0, &resp)) < 0)
		goto done;
	if (resp.status != 202 || resp.location == NULL) {
		error = ecra_registry_fail(r, &resp, "starting a blob upload");
		goto done;
	}
	loc = resp.location;
	resp.location = NULL;
	if ((buf = ecra_alloc(size < chunk ? (size_t)size + 1 : chunk)) ==
	    NULL) {
		error = ECRA_ENOMEM;
		goto done;
	}
	if (size <= chunk) {
		if ((error = src_read(s, digest, 0, buf, (size_t)size)) < 0)
			goto done;
		if (s->md != NULL)
			EVP_DigestUpdate(s->md, buf, (size_t)size);
		off = size;
		if ((error = ecra_registry_upload_url(
		         &url, r, loc, "digest", digest)) < 0)
			goto done;
		ecra_registry_resp_dispose(&resp);
		if ((error = ecra_registry_request(r, "PUT", url.ptr, scope.ptr,
		         octet, 1, buf, (size_t)size, &resp)) < 0)
			goto done;
		if (resp.status != 201) {
			error = ecra_registry_fail(
			    r, &resp, "finishing a blob upload");
			goto done;
		}
		goto uploaded;
	}
	while (off < size) {
		size_t n = size - off < chunk ? (size_t)(size - off) : chunk;

		if (stopped(e)) {
			error = cancel_error(e);
			goto done;
		}
		if ((error = src_read(s, digest, off, buf, n)) < 0)
			goto done;
		ecra_buf_clear(&range);
		if ((error = ecra_registry_upload_url(
		         &url, r, loc, NULL, NULL)) < 0 ||
		    (error = ecra_buf_printf(&range, "%llu-%llu",
		         (unsigned long long)off,
		         (unsigned long long)(off + n - 1))) < 0)
			goto done;
		octet[1].value = range.ptr;
		ecra_registry_resp_dispose(&resp);
		error = ecra_registry_request(
		    r, "PATCH", url.ptr, scope.ptr, octet, 2, buf, n, &resp);
		octet[1].value = NULL;
		if (error == 0 && (resp.status != 202 || resp.location == NULL))
			error =
			    ecra_registry_fail(r, &resp, "uploading a chunk");
		if (error < 0) {
			uint64_t at = 0;
			char *nl = NULL;

			if (!ecra_registry_failed_transiently(r) ||
			    ++resumes > RESUMES || s->md != NULL)
				goto done;
			/* Resume where the registry says it is. */
			if (upload_offset(r, loc, scope.ptr, &at, &nl) < 0 ||
			    at > off + n)
				goto done;
			if (nl != NULL) {
				ecra_free(loc);
				loc = nl;
			}
			off = at;
			error = 0;
			ecra_error_clear();
			continue;
		}
		if (s->md != NULL)
			EVP_DigestUpdate(s->md, buf, n);
		off += n;
		ecra_free(loc);
		loc = resp.location;
		resp.location = NULL;
		emit(e, ECRA_XFER_BLOB_PROGRESS, kind, digest, name, off, size,
		    t0, 0);
	}
	if ((error = ecra_registry_upload_url(&url, r, loc, "digest", digest)) <
	    0)
		goto done;
	ecra_registry_resp_dispose(&resp);
	if ((error = ecra_registry_request(
	         r, "PUT", url.ptr, scope.ptr, octet, 1, "", 0, &resp)) < 0)
		goto done;
	if (resp.status != 201) {
		error = ecra_registry_fail(r, &resp, "finishing a blob upload");
		goto done;
	}
uploaded:
	ecra_free(loc);
	loc = NULL;
	count(e, ECRA_XFER_UPLOADED, size);
	emit(e, ECRA_XFER_BLOB_DONE, kind, digest, name, size, size, t0,
	    ECRA_XFER_UPLOADED);
done:
	if (loc != NULL) {
		/* Cancel the session (best effort), keeping the error. */
		ecra_error stash = *ecra_error_last();
		char msg[1024];

		snprintf(msg, sizeof(msg), "%s", stash.message);
		abandon(r, loc, scope.ptr);
		ecra_error_set(stash.code ? stash.code : error, "%s", msg);
	}
	ecra_free(loc);
	ecra_free(buf);
	ecra_registry_resp_dispose(&resp);
	ecra_buf_dispose(&scope);
	ecra_buf_dispose(&path);
	ecra_buf_dispose(&url);
	ecra_buf_dispose(&range);
	return error;
}

/* ---------------------------------------------------------------- */
/* Parallel blob work                                                 */

typedef struct job {
	const char *digest;
	uint64_t size;
	const char *kind, *name;
	source src;
	const char *mount_from;
	bool present; /* set by a HEAD job */
	bool head_only;
	bool mounted;
} job;

typedef struct {
	struct pool_s *pool;
	size_t slot;
} worker_arg;

typedef struct pool_s {
	eng *e;
	const ecra_registry_options *ro;
	/* Copies between registries: each worker streams from its own
	 * client of the source registry. */
	const ecra_registry_options *src_ro;
	const char *repo;
	job *jobs;
	size_t count, next;
	pthread_mutex_t lock;
} pool;

static void fail_once(eng *e, int error, const ecra_registry *r)
{
	pthread_mutex_lock(&e->lock);
	if (ecra_registry_failed_transiently(r) || error == ECRA_ENET)
		e->sum.transient = true;
	if (e->first_error == NULL) {
		e->first_error = ecra_strdup(ecra_error_last()->message);
		e->first_code = error;
	}
	e->stop = 1;
	pthread_mutex_unlock(&e->lock);
}

static int run_job(pool *p, ecra_registry *r, job *j)
{
	eng *e = p->e;
	int error;

	if (j->head_only) {
		bool exists = false;

		if ((error = ecra_registry_blob_exists(
		         r, p->repo, j->digest, &exists)) < 0)
			return error;
		j->present = exists;
		return 0;
	}
	if (j->mount_from != NULL) {
		bool mounted = false;
		double t0 = now_s();

		if ((error = ecra_registry_mount(
		         r, p->repo, j->digest, j->mount_from, &mounted)) < 0)
			return error;
		if (mounted) {
			j->mounted = true;
			count(e, ECRA_XFER_MOUNTED, 0);
			emit(e, ECRA_XFER_BLOB_DONE, j->kind, j->digest,
			    j->name, 0, j->size, t0, ECRA_XFER_MOUNTED);
			return 0;
		}
		if (j->src.fd < 0 && j->src.data == NULL &&
		    j->src.src_repo == NULL)
			return 0; /* nothing to send: caller stages */
	}
	return upload(
	    e, r, p->repo, j->digest, j->size, &j->src, j->kind, j->name);
}

static void *pool_main(void *arg)
{
	worker_arg *wa = arg;
	pool *p = wa->pool;
	ecra_registry **rp = &p->e->dst[wa->slot], **sp = &p->e->src[wa->slot];

	for (;;) {
		job *j;
		int error;

		pthread_mutex_lock(&p->lock);
		j = p->next < p->count ? &p->jobs[p->next++] : NULL;
		pthread_mutex_unlock(&p->lock);
		if (j == NULL)
			break;
		if (stopped(p->e)) {
			if (!p->e->stop)
				fail_once(p->e, cancel_error(p->e), NULL);
			break;
		}
		if (*rp == NULL && ecra_registry_new(rp, p->ro) < 0) {
			fail_once(p->e, ecra_error_last()->code, NULL);
			break;
		}
		if (j->src.src_repo != NULL && *sp == NULL &&
		    ecra_registry_new(sp, p->src_ro) < 0) {
			fail_once(p->e, ecra_error_last()->code, NULL);
			break;
		}
		if (j->src.src_repo != NULL)
			j->src.src = *sp;
		if ((error = run_job(p, *rp, j)) < 0) {
			fail_once(p->e, error, *rp);
			break;
		}
	}
	return NULL;
}

static int run_pool_from(eng *e, const ecra_registry_options *src_ro,
    const ecra_registry_options *ro, const char *repo, job *jobs, size_t count)
{
	pool p;
	pthread_t th[32];
	worker_arg wa[32];
	size_t n, i, started = 0;

	if (count == 0)
		return 0;
	memset(&p, 0, sizeof(p));
	p.e = e;
	p.ro = ro;
	p.src_ro = src_ro;
	p.repo = repo;
	p.jobs = jobs;
	p.count = count;
	pthread_mutex_init(&p.lock, NULL);
	n = e->o && e->o->parallel ? e->o->parallel : DEFAULT_PARALLEL;
	if (n > 32)
		n = 32;
	if (n > count)
		n = count;
	for (i = 0; i < n; i++) {
		wa[started].pool = &p;
		wa[started].slot = started;
		if (pthread_create(
		        &th[started], NULL, pool_main, &wa[started]) == 0)
			started++;
	}
	if (started == 0) {
		wa[0].pool = &p;
		wa[0].slot = 0;
		pool_main(&wa[0]);
	}
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&p.lock);
	if (e->first_error != NULL)
		return ecra_error_set(
		    e->first_code ? e->first_code : ECRA_ERROR, "%s",
		    e->first_error);
	return 0;
}

static int run_pool(eng *e, const ecra_registry_options *ro, const char *repo,
    job *jobs, size_t count)
{
	return run_pool_from(e, NULL, ro, repo, jobs, count);
}

/* ---------------------------------------------------------------- */
/* Manifests                                                          */

static int put_manifest(eng *e, ecra_registry *r, const char *repo,
    const char *ref, const char *mt, const ecra_buf *raw, const char *digest,
    const char *kind)
{
	char *got = NULL, *have = NULL;
	bool exists = false;
	double t0 = now_s();
	int error;

	if (!(e->o && e->o->force)) {
		if ((error = ecra_registry_manifest_exists(
		         r, repo, ref, &exists, &have)) < 0)
			return error;
		if (exists && have != NULL && strcmp(have, digest) == 0) {
			ecra_free(have);
			emit(e, ECRA_XFER_MANIFEST, kind, digest, ref,
			    raw->size, raw->size, t0, ECRA_XFER_SKIPPED);
			return 0;
		}
		ecra_free(have);
	}
	if ((error = ecra_registry_manifest_put(
	         r, repo, ref, mt, raw->ptr, raw->size, &got)) < 0)
		return error;
	if (got != NULL && strcmp(got, digest) != 0) {
		error = ecra_error_set(ECRA_ERROR,
		    "registry '%s' stored %s as %s, not %s",
		    ecra_registry_host(r), kind, got, digest);
		ecra_free(got);
		return error;
	}
	ecra_free(got);
	pthread_mutex_lock(&e->lock);
	e->sum.manifests++;
	pthread_mutex_unlock(&e->lock);
	emit(e, ECRA_XFER_MANIFEST, kind, digest, ref, raw->size, raw->size, t0,
	    ECRA_XFER_UPLOADED);
	return 0;
}

/* ---------------------------------------------------------------- */
/* Push a tarball                                                     */

static void stage_cb(const ecra_blob *b, uint64_t done, void *payload)
{
	eng *e = payload;

	emit(e, ECRA_XFER_PREPARE, "layer", NULL, b->entry, done, b->entry_size,
	    now_s(), 0);
}

static int head_all(eng *e, const ecra_registry_options *ro, const char *repo,
    ecra_plan *p, bool *checked)
{
	job *jobs = NULL;
	size_t *which = NULL, n = 0, i;
	int error = 0;

	if (e->o && e->o->force)
		return 0;
	if (p->blob_count > 0 &&
	    ((jobs = ecra_calloc(p->blob_count, sizeof(job))) == NULL ||
	        (which = ecra_calloc(p->blob_count, sizeof(size_t))) == NULL)) {
		error = ECRA_ENOMEM;
		goto done;
	}
	for (i = 0; i < p->blob_count; i++) {
		ecra_blob *b = &p->blobs[i];

		if (b->present || checked[i] || b->digest[0] == '\0')
			continue;
		jobs[n].digest = b->digest;
		jobs[n].head_only = true;
		jobs[n].src.fd = -1;
		which[n++] = i;
		checked[i] = true;
	}
	if ((error = run_pool(e, ro, repo, jobs, n)) < 0)
		goto done;
	for (i = 0; i < n; i++)
		if (jobs[i].present) {
			ecra_blob *b = &p->blobs[which[i]];

			b->present = true;
			count(e, ECRA_XFER_SKIPPED, 0);
			emit(e, ECRA_XFER_BLOB_DONE,
			    b->kind == ECRA_BLOB_CONFIG ? "config" : "layer",
			    b->digest, b->entry, 0, b->size, now_s(),
			    ECRA_XFER_SKIPPED);
		}
done:
	ecra_free(jobs);
	ecra_free(which);
	return error;
}

static int push_plan(eng *e, const ecra_registry_options *ro, ecra_plan *p,
    const char *repo, const char *tag)
{
	const ecra_xfer_options *o = e->o;
	ecra_registry *r = NULL;
	job *jobs = NULL;
	bool *checked = NULL;
	size_t i, n = 0;
	int error;

	if ((checked = ecra_calloc(p->blob_count + 1, sizeof(bool))) == NULL)
		return ECRA_ENOMEM;
	/* A tarball not seen unchanged before is read in full. */
	p->verify_all = !stamp_matches(o, p->path);
	/* Digests known before staging: configs, OCI compressed layers,
	 * the layer cache. */
	for (i = 0; i < p->blob_count; i++) {
		ecra_blob *b = &p->blobs[i];
		char mt[256];

		if (b->kind == ECRA_BLOB_CONFIG) {
			ecra_registry_sha256(b->digest,
			    b->data.ptr ? b->data.ptr : "", b->data.size);
			b->size = b->data.size;
			b->staged = true;
			if (b->want[0] != '\0' &&
			    strcmp(b->want, b->digest) != 0) {
				error = ecra_error_set(ECRA_EINVALID,
				    "tarball '%s': config '%s' has digest %s, "
				    "not %s",
				    p->path, b->entry, b->digest, b->want);
				goto done;
			}
		} else if (b->want[0] != '\0' &&
		           ecra_media_type_compressed(b->media_type)) {
			memcpy(b->digest, b->want, sizeof(b->digest));
			b->size = b->entry_size;
		} else if (!(o && o->force) && !p->verify_all &&
		           cache_get(o, b->diff_id, b->digest, &b->size, mt,
		               sizeof(mt))) {
			if ((error = ecra_blob_set_media_type(b, mt)) < 0)
				goto done;
			b->compressed_here = true;
		}
	}
	if ((error = head_all(e, ro, repo, p, checked)) < 0)
		goto done;
	/* Blobs the cache saw in another repository of this registry: mount
	 * them before staging anything. */
	if ((jobs = ecra_calloc(p->blob_count + 1, sizeof(job))) == NULL) {
		error = ECRA_ENOMEM;
		goto done;
	}
	for (i = 0; i < p->blob_count; i++) {
		ecra_blob *b = &p->blobs[i];

		if (b->present || b->digest[0] == '\0' || (o && o->force))
			continue;
		if ((b->mount_from = cache_mount_from(
		         o, ro->host, repo, b->digest)) == NULL)
			continue;
		jobs[n].digest = b->digest;
		jobs[n].size = b->size;
		jobs[n].kind = b->kind == ECRA_BLOB_CONFIG ? "config" : "layer";
		jobs[n].name = b->entry;
		jobs[n].mount_from = b->mount_from;
		jobs[n].src.fd = -1;
		jobs[n].src.data = b->kind == ECRA_BLOB_CONFIG
		                       ? (b->data.ptr ? b->data.ptr : "")
		                       : NULL;
		n++;
	}
	if ((error = run_pool(e, ro, repo, jobs, n)) < 0)
		goto done;
	for (i = 0; i < n; i++)
		if (jobs[i].mounted)
			for (size_t k = 0; k < p->blob_count; k++)
				if (strcmp(p->blobs[k].digest,
				        jobs[i].digest) == 0)
					p->blobs[k].present = true;
	/* Cached digests not in the registry: stage (and so check) them. */
	for (i = 0; i < p->blob_count; i++) {
		ecra_blob *b = &p->blobs[i];

		if (!b->present && b->kind == ECRA_BLOB_LAYER &&
		    b->compressed_here && !b->staged) {
			b->digest[0] = '\0';
			b->compressed_here = false;
			checked[i] = false;
			ecra_free(b->media_type);
			b->media_type = NULL;
		}
	}
	if (stopped(e)) {
		error = cancel_error(e);
		goto done;
	}
	if ((error = ecra_plan_stage(p, o, stage_cb, e)) < 0)
		goto done;
	for (i = 0; i < p->blob_count; i++)
		if (p->blobs[i].staged && p->blobs[i].kind == ECRA_BLOB_LAYER)
			cache_put(o, &p->blobs[i]);
	stamp_write(o, p->path);
	if ((error = head_all(e, ro, repo, p, checked)) < 0 ||
	    (error = ecra_plan_finish(p)) < 0)
		goto done;
	/* Upload what is missing. */
	n = 0;
	for (i = 0; i < p->blob_count; i++) {
		ecra_blob *b = &p->blobs[i];
		size_t k;
		bool dup = false;

		if (b->present)
			continue;
		for (k = 0; k < n; k++)
			dup |= strcmp(jobs[k].digest, b->digest) == 0;
		if (dup)
			continue;
		memset(&jobs[n], 0, sizeof(job));
		jobs[n].digest = b->digest;
		jobs[n].size = b->size;
		jobs[n].kind = b->kind == ECRA_BLOB_CONFIG ? "config" : "layer";
		jobs[n].name = b->entry;
		jobs[n].src.fd = b->fd;
		jobs[n].src.data = b->kind == ECRA_BLOB_CONFIG
		                       ? (b->data.ptr ? b->data.ptr : "")
		                       : NULL;
		if (b->mount_from == NULL && !(o && o->force))
			b->mount_from =
			    cache_mount_from(o, ro->host, repo, b->digest);
		jobs[n].mount_from = b->mount_from;
		n++;
	}
	if ((error = run_pool(e, ro, repo, jobs, n)) < 0)
		goto done;
	for (i = 0; i < p->blob_count; i++)
		cache_saw(o, ro->host, repo, p->blobs[i].digest);
	if (stopped(e)) {
		error = cancel_error(e);
		goto done;
	}
	if (e->dst[0] == NULL &&
	    (error = ecra_registry_new(&e->dst[0], ro)) < 0)
		goto done;
	r = e->dst[0];
	if (p->has_index) {
		for (i = 0; i < p->man_count; i++)
			if ((error = put_manifest(e, r, repo, p->mans[i].digest,
			         p->mans[i].media_type, &p->mans[i].raw,
			         p->mans[i].digest, "manifest")) < 0)
				goto done;
		if ((error = put_manifest(e, r, repo, tag, p->index_media_type,
		         &p->index_raw, p->index_digest, "index")) < 0)
			goto done;
		snprintf(e->sum.digest, sizeof(e->sum.digest), "%s",
		    p->index_digest);
	} else {
		if (p->man_count != 1) {
			error = ecra_error_set(ECRA_ERROR,
			    "tarball '%s': %zu manifests and no index", p->path,
			    p->man_count);
			goto done;
		}
		if ((error = put_manifest(e, r, repo, tag,
		         p->mans[0].media_type, &p->mans[0].raw,
		         p->mans[0].digest, "manifest")) < 0)
			goto done;
		snprintf(e->sum.digest, sizeof(e->sum.digest), "%s",
		    p->mans[0].digest);
	}
done:
	if (error < 0 && ecra_registry_failed_transiently(r))
		e->sum.transient = true;
	ecra_free(jobs);
	ecra_free(checked);
	return error;
}

static void eng_init(eng *e, const ecra_xfer_options *o)
{
	memset(e, 0, sizeof(*e));
	e->o = o;
	pthread_mutex_init(&e->lock, NULL);
}

static void eng_end(eng *e, ecra_xfer_summary *sum, double t0)
{
	size_t i;

	for (i = 0; i < 32; i++) {
		ecra_registry_free(e->dst[i]);
		ecra_registry_free(e->src[i]);
	}
	e->sum.seconds = now_s() - t0;
	if (sum != NULL)
		*sum = e->sum;
	ecra_free(e->first_error);
	pthread_mutex_destroy(&e->lock);
}

int ecra_registry_push_archive(const ecra_registry_options *ro,
    const char *path, const char *repo, const char *tag,
    const ecra_xfer_options *o, ecra_xfer_summary *sum)
{
	ecra_plan plan;
	eng e;
	double t0 = now_s();
	int error;

	ECRA_ASSERT_ARG(ro);
	ECRA_ASSERT_ARG(path);
	ECRA_ASSERT_ARG(repo);
	ECRA_ASSERT_ARG(tag);
	ECRA_CHECK_VERSION(o, ECRA_XFER_OPTIONS_VERSION, ecra_xfer_options);
	if (sum != NULL)
		memset(sum, 0, sizeof(*sum));
	eng_init(&e, o);
	if ((error = ecra_plan_load(&plan, path, o ? o->image : NULL,
	         o ? o->platform : NULL)) == 0) {
		error = push_plan(&e, ro, &plan, repo, tag);
		ecra_plan_dispose(&plan);
	}
	eng_end(&e, sum, t0);
	return error;
}

int ecra_image_archive_check(const char *path, const char *image)
{
	ecra_plan plan;
	ecra_xfer_options o;
	int error;

	ECRA_ASSERT_ARG(path);
	memset(&o, 0, sizeof(o));
	o.version = ECRA_XFER_OPTIONS_VERSION;
	o.threads = 1;
	if ((error = ecra_plan_load(&plan, path, image, NULL)) < 0)
		return error;
	error = ecra_plan_stage(&plan, &o, NULL, NULL);
	ecra_plan_dispose(&plan);
	return error;
}

/* ---------------------------------------------------------------- */
/* Registry to registry                                               */

static const char *const accept_all[] = { "Accept: " ECRA_MT_OCI_INDEX
	                                  "," ECRA_MT_DOCKER_LIST
	                                  "," ECRA_MT_OCI_MANIFEST
	                                  "," ECRA_MT_DOCKER_MANIFEST,
	NULL };

typedef struct {
	ecra_buf raw;
	char *media_type;
	char digest[72];
	ecra_json *doc;
} fetched;

static void fetched_dispose(fetched *f)
{
	ecra_buf_dispose(&f->raw);
	ecra_free(f->media_type);
	ecra_json_free(f->doc);
	memset(f, 0, sizeof(*f));
}

static int fetch(
    ecra_registry *src, const char *repo, const char *ref, fetched *f)
{
	char *d = NULL;
	const char *mt;
	int error;

	(void)accept_all;
	memset(f, 0, sizeof(*f));
	f->raw.limit = MANIFEST_CAP;
	if ((error = ecra_registry_manifest_get(
	         src, repo, ref, &f->raw, &f->media_type, &d)) < 0)
		return error;
	ecra_free(d);
	ecra_registry_sha256(
	    f->digest, f->raw.ptr ? f->raw.ptr : "", f->raw.size);
	if (strncmp(ref, "sha256:", 7) == 0 && strcmp(ref, f->digest) != 0)
		return ecra_error_set(ECRA_EINVALID,
		    "registry '%s' served %s for %s", ecra_registry_host(src),
		    f->digest, ref);
	if (ecra_json_parse(&f->doc, f->raw.ptr ? f->raw.ptr : "", f->raw.size,
	        "manifest", 0) < 0)
		return error = ecra_error_wrap(
		           "registry '%s': %s", ecra_registry_host(src), ref);
	mt = ecra_json_string(ecra_json_get(f->doc, "mediaType"));
	if ((f->media_type == NULL || f->media_type[0] == '\0') && mt != NULL) {
		ecra_free(f->media_type);
		if ((f->media_type = ecra_strdup(mt)) == NULL)
			return ECRA_ENOMEM;
	}
	return 0;
}

static bool fetched_is_index(const fetched *f)
{
	return ecra_json_get(f->doc, "manifests") != NULL;
}

static int copy_blobs(eng *e, const ecra_registry_options *sro,
    const char *src_repo, const ecra_registry_options *dro,
    const char *dst_repo, const ecra_json *doc)
{
	ecra_json *layers = ecra_json_get(doc, "layers");
	size_t n = ecra_json_size(layers) + 1, i, k = 0;
	job *jobs = ecra_calloc(n, sizeof(job));
	bool same = strcmp(sro->host, dro->host) == 0;
	int error;

	if (jobs == NULL)
		return ECRA_ENOMEM;
	for (i = 0; i < n; i++) {
		const ecra_json *d = i == 0 ? ecra_json_get(doc, "config")
		                            : ecra_json_at(layers, i - 1);
		const char *dg = ecra_json_string(ecra_json_get(d, "digest"));
		ecra_json *sz = ecra_json_get(d, "size");

		if (dg == NULL || !ecra_json_is_number(sz) ||
		    ecra_json_integer(sz) < 0) {
			error = ecra_error_set(ECRA_EINVALID,
			    "a manifest descriptor has no digest or size");
			goto done;
		}
		jobs[k].digest = dg;
		jobs[k].size = (uint64_t)ecra_json_integer(sz);
		jobs[k].kind = i == 0 ? "config" : "layer";
		jobs[k].head_only = true;
		jobs[k].src.fd = -1;
		k++;
	}
	if (!(e->o && e->o->force) &&
	    (error = run_pool(e, dro, dst_repo, jobs, k)) < 0)
		goto done;
	n = k;
	k = 0;
	for (i = 0; i < n; i++) {
		job j = jobs[i];

		if (j.present && !(e->o && e->o->force)) {
			count(e, ECRA_XFER_SKIPPED, 0);
			emit(e, ECRA_XFER_BLOB_DONE, j.kind, j.digest, NULL, 0,
			    j.size, now_s(), ECRA_XFER_SKIPPED);
			continue;
		}
		memset(&jobs[k], 0, sizeof(job));
		jobs[k].digest = j.digest;
		jobs[k].size = j.size;
		jobs[k].kind = j.kind;
		jobs[k].src.fd = -1;
		jobs[k].src.src_repo = src_repo;
		jobs[k].mount_from =
		    same && strcmp(src_repo, dst_repo) != 0 ? src_repo : NULL;
		k++;
	}
	error = run_pool_from(e, sro, dro, dst_repo, jobs, k);
done:
	ecra_free(jobs);
	return error;
}

int ecra_registry_copy_image(const ecra_registry_options *sro,
    const char *src_repo, const char *src_ref, const ecra_registry_options *dro,
    const char *dst_repo, const char *dst_ref, const ecra_xfer_options *o,
    ecra_xfer_summary *sum)
{
	ecra_registry *src = NULL, *dst = NULL;
	fetched top, child;
	eng e;
	double t0 = now_s();
	int error;

	ECRA_ASSERT_ARG(sro);
	ECRA_ASSERT_ARG(dro);
	ECRA_CHECK_VERSION(o, ECRA_XFER_OPTIONS_VERSION, ecra_xfer_options);
	if (sum != NULL)
		memset(sum, 0, sizeof(*sum));
	memset(&top, 0, sizeof(top));
	memset(&child, 0, sizeof(child));
	eng_init(&e, o);
	if ((error = ecra_registry_new(&src, sro)) < 0 ||
	    (error = ecra_registry_new(&dst, dro)) < 0 ||
	    (error = fetch(src, src_repo, src_ref, &top)) < 0)
		goto done;
	if (fetched_is_index(&top)) {
		ecra_json *list = ecra_json_get(top.doc, "manifests");
		size_t i;
		bool picked = false;

		for (i = 0; i < ecra_json_size(list); i++) {
			ecra_json *d = ecra_json_at(list, i);
			const char *cd =
			    ecra_json_string(ecra_json_get(d, "digest"));

			if (o && o->platform &&
			    !ecra_platform_matches(
			        ecra_json_get(d, "platform"), o->platform))
				continue;
			if (cd == NULL) {
				error = ecra_error_set(ECRA_EINVALID,
				    "index %s has an entry without a digest",
				    top.digest);
				goto done;
			}
			fetched_dispose(&child);
			if ((error = fetch(src, src_repo, cd, &child)) < 0)
				goto done;
			if (fetched_is_index(&child)) {
				error = ecra_error_set(ECRA_EUNSUPPORTED,
				    "nested image indexes are not supported");
				goto done;
			}
			if ((error = copy_blobs(&e, sro, src_repo, dro,
			         dst_repo, child.doc)) < 0 ||
			    (error = put_manifest(&e, dst, dst_repo,
			         o && o->platform ? dst_ref : child.digest,
			         child.media_type, &child.raw, child.digest,
			         "manifest")) < 0)
				goto done;
			picked = true;
			if (o && o->platform) {
				snprintf(e.sum.digest, sizeof(e.sum.digest),
				    "%s", child.digest);
				break;
			}
		}
		if (!picked) {
			error = ecra_error_set(ECRA_ENOTFOUND,
			    "%s/%s:%s has no image for platform '%s'",
			    sro->host, src_repo, src_ref,
			    o && o->platform ? o->platform : "?");
			goto done;
		}
		if (o && o->platform)
			goto done;
	} else if ((error = copy_blobs(
	                &e, sro, src_repo, dro, dst_repo, top.doc)) < 0) {
		goto done;
	}
	if ((error = put_manifest(&e, dst, dst_repo, dst_ref, top.media_type,
	         &top.raw, top.digest,
	         fetched_is_index(&top) ? "index" : "manifest")) < 0)
		goto done;
	snprintf(e.sum.digest, sizeof(e.sum.digest), "%s", top.digest);
done:
	if (error < 0 && (ecra_registry_failed_transiently(dst) ||
	                     ecra_registry_failed_transiently(src)))
		e.sum.transient = true;
	fetched_dispose(&top);
	fetched_dispose(&child);
	ecra_registry_free(src);
	ecra_registry_free(dst);
	eng_end(&e, sum, t0);
	return error;
}
