/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * registry/tarball.c - push a `docker save` tarball without a daemon.
 *
 * Both layouts docker writes are read: the legacy one (docker 20.10:
 * <id>/layer.tar, <hex>.json) and the dual OCI/legacy one (docker >= 25:
 * blobs/sha256/<hex>); both have the legacy manifest.json, which is all
 * that is needed: Config and Layers paths per image. Symbolic and hard
 * links between layer files (docker save dedups with them) are followed.
 *
 * Layers in these tarballs are uncompressed tar. They are pushed
 * gzip-compressed (zlib, default level, no name, mtime 0: deterministic,
 * so the same tarball always gives the same digests) with the docker
 * media type, as `docker push` does; a layer that already is gzip is sent
 * as is. The archive is streamed, never extracted: one pass finds
 * manifest.json and the links, one computes each layer's compressed
 * digest (to HEAD it), and one more, only if some layer is missing,
 * compresses again while uploading. Memory stays bounded by the chunk
 * size.
 *
 * libarchive is loaded (dlopen) when the first tarball is opened, not
 * at start-up: most runs never read one, and loading it with its
 * dependencies (libxml2, ICU, libstdc++, ...) costs every process about
 * 10 ms on a small VM.
 */
#include "registry/registry_int.h"

#include <archive.h>
#include <archive_entry.h>
#include <dlfcn.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "core/alloc.h"
#include "core/error.h"
#include "json/json.h"
#include "util/buf.h"
#include "util/vec.h"

#if ARCHIVE_VERSION_NUMBER < 3000000 || ARCHIVE_VERSION_NUMBER >= 4000000
#error "libarchive 3 (libarchive.so.13) expected"
#endif
#define LIBARCHIVE_SONAME "libarchive.so.13"

/* The libarchive functions used here, resolved by load_libarchive(). */
static struct {
	bool loaded;
	char error[256];
	struct archive *(*read_new)(void);
	int (*read_support_filter_all)(struct archive *);
	int (*read_support_format_tar)(struct archive *);
	int (*read_open_filename)(struct archive *, const char *, size_t);
	const char *(*error_string)(struct archive *);
	int (*read_free)(struct archive *);
	int (*read_next_header)(struct archive *, struct archive_entry **);
	la_ssize_t (*read_data)(struct archive *, void *, size_t);
	const char *(*entry_pathname)(struct archive_entry *);
	const char *(*entry_symlink)(struct archive_entry *);
	const char *(*entry_hardlink)(struct archive_entry *);
	__LA_MODE_T (*entry_filetype)(struct archive_entry *);
} la;
static pthread_once_t la_once = PTHREAD_ONCE_INIT;

static void la_load(void)
{
	static const char *const names[] = { "archive_read_new",
		"archive_read_support_filter_all",
		"archive_read_support_format_tar", "archive_read_open_filename",
		"archive_error_string", "archive_read_free",
		"archive_read_next_header", "archive_read_data",
		"archive_entry_pathname", "archive_entry_symlink",
		"archive_entry_hardlink", "archive_entry_filetype" };
	void *syms[sizeof(names) / sizeof(names[0])];
	void *h = dlopen(LIBARCHIVE_SONAME, RTLD_NOW | RTLD_LOCAL);
	const char *err;
	size_t i;

	if (h == NULL) {
		err = dlerror();
		snprintf(la.error, sizeof(la.error), "%s",
		    err ? err : "dlopen failed");
		return;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if ((syms[i] = dlsym(h, names[i])) == NULL) {
			snprintf(la.error, sizeof(la.error), "no symbol '%s'",
			    names[i]);
			return; /* the handle stays: it is process-wide */
		}
	/* POSIX: a data pointer from dlsym converts to a function pointer */
	memcpy(&la.read_new, &syms[0], sizeof(void *));
	memcpy(&la.read_support_filter_all, &syms[1], sizeof(void *));
	memcpy(&la.read_support_format_tar, &syms[2], sizeof(void *));
	memcpy(&la.read_open_filename, &syms[3], sizeof(void *));
	memcpy(&la.error_string, &syms[4], sizeof(void *));
	memcpy(&la.read_free, &syms[5], sizeof(void *));
	memcpy(&la.read_next_header, &syms[6], sizeof(void *));
	memcpy(&la.read_data, &syms[7], sizeof(void *));
	memcpy(&la.entry_pathname, &syms[8], sizeof(void *));
	memcpy(&la.entry_symlink, &syms[9], sizeof(void *));
	memcpy(&la.entry_hardlink, &syms[10], sizeof(void *));
	memcpy(&la.entry_filetype, &syms[11], sizeof(void *));
	la.loaded = true;
}

static int load_libarchive(void)
{
	if (pthread_once(&la_once, la_load) != 0 || !la.loaded)
		return ecra_error_set(ECRA_ERROR, "cannot load %s: %s",
		    LIBARCHIVE_SONAME,
		    la.error[0] ? la.error : "unknown error");
	return 0;
}

#define IN_CHUNK     (64u * 1024)
#define MANIFEST_CAP (8u * 1024 * 1024)

typedef struct {
	char *path;      /* resolved archive path */
	bool gzip;       /* already compressed */
	char digest[72]; /* of what is pushed */
	uint64_t size;
	bool hashed;
	bool exists;
} layer_info;

typedef struct {
	const char *tarball;
	ecra_strvec link_from; /* links seen in the archive */
	ecra_strvec link_to;
	ecra_json *manifest;
	char *config_path;
	ecra_buf config;
	layer_info *layers;
	size_t layer_count;
} tar_state;

static int open_archive(struct archive **out, const char *path)
{
	struct archive *a;
	int error;

	*out = NULL;
	if ((error = load_libarchive()) < 0)
		return error;
	if ((a = la.read_new()) == NULL)
		return ECRA_ENOMEM;
	la.read_support_filter_all(a);
	la.read_support_format_tar(a);
	if (la.read_open_filename(a, path, 64 * 1024) != ARCHIVE_OK) {
		error = ecra_error_set(ECRA_EIO, "cannot read tarball '%s': %s",
		    path, la.error_string(a));
		la.read_free(a);
		return error;
	}
	*out = a;
	return 0;
}

/* Strip a leading "./" so names compare with manifest.json's. */
static const char *clean(const char *p)
{
	while (p[0] == '.' && p[1] == '/')
		p += 2;
	return p;
}

/* Resolve `target` of a symlink found at `at` (relative to its dir). */
static char *resolve_link(const char *at, const char *target)
{
	ecra_strvec parts = ECRA_STRVEC_INIT;
	ecra_buf out = ECRA_BUF_INIT(0);
	const char *slash = strrchr(at, '/');
	char *res = NULL, *tmp = NULL, *p, *save = NULL, *tok;
	size_t i;

	if (target[0] == '/')
		target++;
	else if (slash != NULL) {
		if (ecra_buf_put(&out, at, (size_t)(slash - at + 1)) < 0)
			goto done;
	}
	if (ecra_buf_puts(&out, target) < 0 ||
	    (tmp = ecra_buf_detach(&out)) == NULL)
		goto done;
	for (p = tmp; (tok = strtok_r(p, "/", &save)) != NULL; p = NULL) {
		if (strcmp(tok, ".") == 0)
			continue;
		if (strcmp(tok, "..") == 0) {
			if (parts.count > 0) {
				ecra_free(parts.items[--parts.count]);
				parts.items[parts.count] = NULL;
			}
			continue;
		}
		if (ecra_strvec_push(&parts, tok) < 0)
			goto done;
	}
	for (i = 0; i < parts.count; i++)
		if (ecra_buf_printf(
		        &out, "%s%s", i ? "/" : "", parts.items[i]) < 0)
			goto done;
	res = ecra_buf_detach(&out);
done:
	ecra_free(tmp);
	ecra_strvec_dispose(&parts);
	ecra_buf_dispose(&out);
	return res;
}

static const char *follow(const tar_state *st, const char *path)
{
	size_t i;
	int hops;

	for (hops = 0; hops < 8; hops++) {
		for (i = 0; i < st->link_from.count; i++)
			if (strcmp(st->link_from.items[i], path) == 0)
				break;
		if (i == st->link_from.count)
			return path;
		path = st->link_to.items[i];
	}
	return path;
}

/* Pass 1: manifest.json and links. */
static int scan(tar_state *st)
{
	struct archive *a = NULL;
	struct archive_entry *e;
	ecra_buf text = ECRA_BUF_INIT(MANIFEST_CAP);
	int error, r;

	if ((error = open_archive(&a, st->tarball)) < 0)
		return error;
	while ((r = la.read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = clean(la.entry_pathname(e));
		const char *link = la.entry_symlink(e);
		const char *hard = la.entry_hardlink(e);

		if (link != NULL || hard != NULL) {
			char *to = link ? resolve_link(name, link)
			                : ecra_strdup(clean(hard));

			if (to == NULL ||
			    (error = ecra_strvec_push(&st->link_from, name)) <
			        0 ||
			    (error = ecra_strvec_push_owned(&st->link_to, to)) <
			        0) {
				error = error < 0 ? error : ECRA_ENOMEM;
				goto done;
			}
			continue;
		}
		if (strcmp(name, "manifest.json") != 0)
			continue;
		for (;;) {
			char buf[IN_CHUNK];
			la_ssize_t n = la.read_data(a, buf, sizeof(buf));

			if (n < 0) {
				error = ecra_error_set(ECRA_EIO,
				    "cannot read tarball '%s': %s", st->tarball,
				    la.error_string(a));
				goto done;
			}
			if (n == 0)
				break;
			if ((error = ecra_buf_put(&text, buf, (size_t)n)) < 0)
				goto done;
		}
	}
	if (r != ARCHIVE_EOF) {
		error = ecra_error_set(ECRA_EIO, "cannot read tarball '%s': %s",
		    st->tarball, la.error_string(a));
		goto done;
	}
	if (text.ptr == NULL) {
		error = ecra_error_set(ECRA_EINVALID,
		    "'%s' is not a docker save tarball (no manifest.json)",
		    st->tarball);
		goto done;
	}
	if (ecra_json_parse(
	        &st->manifest, text.ptr, text.size, "manifest.json", 0) < 0) {
		error = ecra_error_wrap("tarball '%s'", st->tarball);
		goto done;
	}
done:
	la.read_free(a);
	ecra_buf_dispose(&text);
	return error;
}

/* gzip state for one layer entry. */
typedef struct {
	struct archive *a;
	z_stream z;
	bool z_init;
	bool gzip;  /* pass through */
	size_t pre; /* prefetched bytes in `in` (gzip pass-through) */
	size_t pre_off;
	bool in_eof;
	bool z_end;
	char in[IN_CHUNK];
	int error;
} layer_reader;

/* With `detect`, read the first block to see whether the entry already
 * is gzip (magic 1f 8b) and set lr->gzip; the block is served first. */
static int lr_start(layer_reader *lr, struct archive *a, bool gzip, bool detect)
{
	la_ssize_t n;

	memset(lr, 0, sizeof(*lr));
	lr->a = a;
	lr->gzip = gzip;
	if (detect) {
		n = la.read_data(a, lr->in, sizeof(lr->in));
		if (n < 0)
			return ecra_error_set(ECRA_EIO,
			    "cannot read a layer: %s", la.error_string(a));
		lr->pre = (size_t)n;
		lr->gzip = n >= 2 && (unsigned char)lr->in[0] == 0x1f &&
		           (unsigned char)lr->in[1] == 0x8b;
		if (n == 0)
			lr->in_eof = true;
		if (!lr->gzip) {
			lr->z.next_in = (unsigned char *)lr->in;
			lr->z.avail_in = (unsigned int)n;
		}
	}
	if (!lr->gzip) {
		if (deflateInit2(&lr->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED,
		        15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
			return ecra_error_set(ECRA_ENOMEM, "cannot start zlib");
		lr->z_init = true;
	}
	return 0;
}

static void lr_end(layer_reader *lr)
{
	if (lr->z_init)
		deflateEnd(&lr->z);
	lr->z_init = false;
}

/* Produce up to cap bytes of what is pushed for the entry. */
static int lr_read(void *payload, char *buf, size_t cap, size_t *got)
{
	layer_reader *lr = payload;
	la_ssize_t n;

	*got = 0;
	if (lr->gzip && lr->pre_off < lr->pre) {
		n = (la_ssize_t)(lr->pre - lr->pre_off);
		if ((size_t)n > cap)
			n = (la_ssize_t)cap;
		memcpy(buf, lr->in + lr->pre_off, (size_t)n);
		lr->pre_off += (size_t)n;
		*got = (size_t)n;
		return 0;
	}
	if (lr->gzip) {
		n = la.read_data(lr->a, buf, cap);
		if (n < 0)
			return ecra_error_set(ECRA_EIO,
			    "cannot read a layer: %s", la.error_string(lr->a));
		*got = (size_t)n;
		return 0;
	}
	if (lr->z_end)
		return 0;
	lr->z.next_out = (unsigned char *)buf;
	lr->z.avail_out = (unsigned int)(cap > (1u << 30) ? (1u << 30) : cap);
	while (lr->z.avail_out > 0 && !lr->z_end) {
		int zr;

		if (lr->z.avail_in == 0 && !lr->in_eof) {
			n = la.read_data(lr->a, lr->in, sizeof(lr->in));
			if (n < 0)
				return ecra_error_set(ECRA_EIO,
				    "cannot read a layer: %s",
				    la.error_string(lr->a));
			if (n == 0)
				lr->in_eof = true;
			lr->z.next_in = (unsigned char *)lr->in;
			lr->z.avail_in = (unsigned int)n;
		}
		zr = deflate(&lr->z, lr->in_eof ? Z_FINISH : Z_NO_FLUSH);
		if (zr == Z_STREAM_END)
			lr->z_end = true;
		else if (zr != Z_OK && zr != Z_BUF_ERROR)
			return ecra_error_set(
			    ECRA_ERROR, "zlib failed (%d)", zr);
	}
	*got = (size_t)((char *)lr->z.next_out - buf);
	return 0;
}

/* Digest and size of what is pushed for the current entry. */
static int hash_entry(struct archive *a, layer_info *li)
{
	layer_reader lr;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char out[32];
	unsigned int outlen = 0;
	char buf[IN_CHUNK];
	size_t got;
	int error, i;

	if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(md);
		return ECRA_ENOMEM;
	}
	memset(&lr, 0, sizeof(lr));
	if ((error = lr_start(&lr, a, false, true)) < 0)
		goto done;
	li->gzip = lr.gzip;
	li->size = 0;
	for (;;) {
		if ((error = lr_read(&lr, buf, sizeof(buf), &got)) < 0)
			goto done;
		if (got == 0)
			break;
		EVP_DigestUpdate(md, buf, got);
		li->size += got;
	}
	EVP_DigestFinal_ex(md, out, &outlen);
	memcpy(li->digest, "sha256:", 7);
	for (i = 0; i < 32; i++)
		sprintf(li->digest + 7 + 2 * i, "%02x", out[i]);
	li->hashed = true;
done:
	lr_end(&lr);
	EVP_MD_CTX_free(md);
	return error;
}

/* Passes 2 and 3: for each archive entry that is a layer (or the
 * config), hash it (upload = false) or push it (upload = true). */
static int walk(tar_state *st, ecra_registry *r, const char *repo, bool upload)
{
	struct archive *a = NULL;
	struct archive_entry *e;
	size_t i;
	int error, rr;

	if ((error = open_archive(&a, st->tarball)) < 0)
		return error;
	while ((rr = la.read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = clean(la.entry_pathname(e));
		layer_info *li = NULL;

		if (la.entry_filetype(e) != AE_IFREG ||
		    la.entry_hardlink(e) != NULL)
			continue;
		if (!upload && strcmp(name, st->config_path) == 0) {
			char buf[IN_CHUNK];
			la_ssize_t n;

			while ((n = la.read_data(a, buf, sizeof(buf))) > 0)
				if ((error = ecra_buf_put(
				         &st->config, buf, (size_t)n)) < 0)
					goto done;
			if (n < 0) {
				error = ecra_error_set(ECRA_EIO,
				    "cannot read tarball '%s': %s", st->tarball,
				    la.error_string(a));
				goto done;
			}
			continue;
		}
		for (i = 0; i < st->layer_count; i++)
			if (strcmp(st->layers[i].path, name) == 0 &&
			    (upload ? !st->layers[i].exists
			            : !st->layers[i].hashed)) {
				li = &st->layers[i];
				break;
			}
		if (li == NULL)
			continue;
		if (!upload) {
			if ((error = hash_entry(a, li)) < 0)
				goto done;
			/* Same content under another name (dedup). */
			for (i = 0; i < st->layer_count; i++)
				if (&st->layers[i] != li &&
				    !st->layers[i].hashed &&
				    strcmp(st->layers[i].path, li->path) == 0) {
					memcpy(st->layers[i].digest, li->digest,
					    sizeof(li->digest));
					st->layers[i].size = li->size;
					st->layers[i].gzip = li->gzip;
					st->layers[i].hashed = true;
				}
		} else {
			layer_reader lr;
			bool up = false;

			if ((error = lr_start(&lr, a, li->gzip, false)) < 0)
				goto done;
			error = ecra_registry_blob_upload(r, repo, li->digest,
			    li->size, NULL, lr_read, &lr, &up);
			lr_end(&lr);
			if (error < 0)
				goto done;
			for (i = 0; i < st->layer_count; i++)
				if (strcmp(st->layers[i].digest, li->digest) ==
				    0)
					st->layers[i].exists = true;
		}
	}
	if (rr != ARCHIVE_EOF)
		error = ecra_error_set(ECRA_EIO, "cannot read tarball '%s': %s",
		    st->tarball, la.error_string(a));
done:
	la.read_free(a);
	return error;
}

static int pick_image(tar_state *st, const char *image, ecra_json **out)
{
	size_t i, j;

	*out = NULL;
	if (ecra_json_typeof(st->manifest) != ECRA_JSON_ARRAY ||
	    ecra_json_size(st->manifest) == 0)
		return ecra_error_set(ECRA_EINVALID,
		    "tarball '%s': manifest.json lists no image", st->tarball);
	if (image == NULL) {
		*out = ecra_json_at(st->manifest, 0);
		return 0;
	}
	for (i = 0; i < ecra_json_size(st->manifest); i++) {
		ecra_json *img = ecra_json_at(st->manifest, i);
		ecra_json *tags = ecra_json_get(img, "RepoTags");

		for (j = 0; j < ecra_json_size(tags); j++) {
			const char *t = ecra_json_string(ecra_json_at(tags, j));

			if (t != NULL && strcmp(t, image) == 0) {
				*out = img;
				return 0;
			}
		}
	}
	return ecra_error_set(ECRA_ENOTFOUND,
	    "tarball '%s' has no image tagged '%s'", st->tarball, image);
}

static int build_manifest(tar_state *st, ecra_buf *out, char config_digest[72])
{
	ecra_json *m = NULL, *cfg = NULL, *layers = NULL;
	size_t i;
	int error = ECRA_ENOMEM;

	if ((m = ecra_json_object()) == NULL ||
	    ecra_json_set_new(m, "schemaVersion", ecra_json_int(2)) < 0 ||
	    ecra_json_set_str(m, "mediaType", ECRA_MT_DOCKER_MANIFEST) < 0 ||
	    (cfg = ecra_json_object()) == NULL ||
	    ecra_json_set_str(cfg, "mediaType", ECRA_MT_DOCKER_CONFIG) < 0 ||
	    ecra_json_set_new(
	        cfg, "size", ecra_json_int((long long)st->config.size)) < 0 ||
	    ecra_json_set_str(cfg, "digest", config_digest) < 0 ||
	    ecra_json_set(m, "config", cfg) < 0 ||
	    (layers = ecra_json_array()) == NULL)
		goto done;
	for (i = 0; i < st->layer_count; i++) {
		ecra_json *l = ecra_json_object();

		if (l == NULL ||
		    ecra_json_set_str(l, "mediaType", ECRA_MT_DOCKER_LAYER) <
		        0 ||
		    ecra_json_set_new(l, "size",
		        ecra_json_int((long long)st->layers[i].size)) < 0 ||
		    ecra_json_set_str(l, "digest", st->layers[i].digest) < 0 ||
		    ecra_json_push_new(layers, l) < 0)
			goto done;
	}
	if (ecra_json_set(m, "layers", layers) < 0)
		goto done;
	error = ecra_json_write(out, m, 0);
done:
	ecra_json_free(m);
	ecra_json_free(cfg);
	ecra_json_free(layers);
	return error;
}

typedef struct {
	const char *data;
	size_t len, off;
} mem_src;

static int mem_src_read(void *payload, char *buf, size_t cap, size_t *got)
{
	mem_src *m = payload;
	size_t n = m->len - m->off;

	if (n > cap)
		n = cap;
	memcpy(buf, m->data + m->off, n);
	m->off += n;
	*got = n;
	return 0;
}

int ecra_registry_push_tarball(ecra_registry *r, const char *tarball,
    const char *image, const char *repo, const char *tag, char **digest)
{
	tar_state st;
	ecra_json *img = NULL, *layers;
	ecra_buf manifest = ECRA_BUF_INIT(0);
	char config_digest[72];
	mem_src ms;
	size_t i;
	bool any_missing = false;
	int error;

	ECRA_ASSERT_ARG(r);
	ECRA_ASSERT_ARG(tarball);
	ECRA_ASSERT_ARG(repo);
	ECRA_ASSERT_ARG(tag);
	if (digest != NULL)
		*digest = NULL;
	memset(&st, 0, sizeof(st));
	st.tarball = tarball;
	st.config.limit = MANIFEST_CAP;
	if ((error = scan(&st)) < 0 ||
	    (error = pick_image(&st, image, &img)) < 0)
		goto done;
	if (ecra_json_string(ecra_json_get(img, "Config")) == NULL ||
	    ecra_json_get(img, "Layers") == NULL ||
	    ecra_json_typeof(ecra_json_get(img, "Layers")) != ECRA_JSON_ARRAY) {
		error = ecra_error_set(ECRA_EINVALID,
		    "tarball '%s': manifest.json entry lacks Config or Layers",
		    tarball);
		goto done;
	}
	if ((st.config_path = ecra_strdup(follow(&st,
	         clean(ecra_json_string(ecra_json_get(img, "Config")))))) ==
	    NULL) {
		error = ECRA_ENOMEM;
		goto done;
	}
	layers = ecra_json_get(img, "Layers");
	st.layer_count = ecra_json_size(layers);
	if (st.layer_count > 0 && (st.layers = ecra_calloc(st.layer_count,
	                               sizeof(layer_info))) == NULL) {
		error = ECRA_ENOMEM;
		goto done;
	}
	for (i = 0; i < st.layer_count; i++) {
		const char *p = ecra_json_string(ecra_json_at(layers, i));

		if (p == NULL) {
			error = ecra_error_set(ECRA_EINVALID,
			    "tarball '%s': a layer path is not a string",
			    tarball);
			goto done;
		}
		if ((st.layers[i].path = ecra_strdup(follow(&st, clean(p)))) ==
		    NULL) {
			error = ECRA_ENOMEM;
			goto done;
		}
	}
	if ((error = walk(&st, r, repo, false)) < 0)
		goto done;
	if (st.config.ptr == NULL) {
		error = ecra_error_set(ECRA_EINVALID,
		    "tarball '%s' lacks the config '%s'", tarball,
		    st.config_path);
		goto done;
	}
	for (i = 0; i < st.layer_count; i++) {
		if (!st.layers[i].hashed) {
			error = ecra_error_set(ECRA_EINVALID,
			    "tarball '%s' lacks the layer '%s'", tarball,
			    st.layers[i].path);
			goto done;
		}
		if ((error = ecra_registry_blob_exists(r, repo,
		         st.layers[i].digest, &st.layers[i].exists)) < 0)
			goto done;
		any_missing |= !st.layers[i].exists;
	}
	if (any_missing && (error = walk(&st, r, repo, true)) < 0)
		goto done;
	ecra_registry_sha256(config_digest, st.config.ptr, st.config.size);
	ms.data = st.config.ptr;
	ms.len = st.config.size;
	ms.off = 0;
	if ((error = ecra_registry_blob_upload(r, repo, config_digest,
	         st.config.size, NULL, mem_src_read, &ms, NULL)) < 0 ||
	    (error = build_manifest(&st, &manifest, config_digest)) < 0)
		goto done;
	error = ecra_registry_manifest_put(r, repo, tag,
	    ECRA_MT_DOCKER_MANIFEST, manifest.ptr, manifest.size, digest);
done:
	for (i = 0; i < st.layer_count; i++)
		ecra_free(st.layers[i].path);
	ecra_free(st.layers);
	ecra_free(st.config_path);
	ecra_buf_dispose(&st.config);
	ecra_json_free(st.manifest);
	ecra_strvec_dispose(&st.link_from);
	ecra_strvec_dispose(&st.link_to);
	ecra_buf_dispose(&manifest);
	return error;
}
