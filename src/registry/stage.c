/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * registry/stage.c - read each layer of a plan once, check its digests,
 * compress it if it is plain tar, keep what is pushed in an unlinked
 * temporary file; then (re)build the manifests and the index.
 *
 * One pass over the archive, in its order: for a plain tar layer the
 * uncompressed digest (checked against rootfs.diff_ids) is taken while
 * the parallel compressor (gzip.c) runs, and the compressed digest while
 * its output is written; a layer that is already gzip (OCI layouts,
 * containerd-store docker save) is copied as is, its stored digest
 * checked against its descriptor and its uncompressed digest (inflated
 * with zlib on the way) against diff_ids; zstd layers are copied with
 * their stored digest checked only. Temporary files are unlinked as soon
 * as they are made, so nothing is left behind whatever happens.
 */
#include "registry/engine.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "core/alloc.h"
#include "core/error.h"
#include "registry/registry_int.h"

#define READ_CHUNK (256u * 1024)

#define MT_OCI_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"
#define MT_OCI_ZSTD "application/vnd.oci.image.layer.v1.tar+zstd"

typedef struct {
	int fd;
	EVP_MD_CTX *md;
	uint64_t size;
	const char *tarball, *entry;
} sink;

static void hex_digest(char out[72], EVP_MD_CTX *md)
{
	unsigned char d[32];
	unsigned int n = 0;
	int i;

	EVP_DigestFinal_ex(md, d, &n);
	memcpy(out, "sha256:", 7);
	for (i = 0; i < 32; i++)
		sprintf(out + 7 + 2 * i, "%02x", d[i]);
}

static int sink_write(const void *data, size_t len, void *payload)
{
	sink *s = payload;
	const char *p = data;

	EVP_DigestUpdate(s->md, data, len);
	s->size += len;
	while (len > 0) {
		ssize_t n = write(s->fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ecra_error_set_os(ECRA_EIO,
			    "cannot write a temporary copy of layer '%s'",
			    s->entry);
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int temp_file(const char *dir)
{
	char path[4096];
	int fd;

	snprintf(
	    path, sizeof(path), "%s/ecra-layer-XXXXXX", dir ? dir : "/tmp");
	if ((fd = mkstemp(path)) < 0)
		return ecra_error_set_os(ECRA_EIO,
		    "cannot make a temporary file in '%s'", dir ? dir : "/tmp");
	unlink(path);
	return fd;
}

static bool cancelled(const ecra_xfer_options *o)
{
	return o != NULL && o->cancel != NULL && *o->cancel != 0;
}

static int mismatch(const ecra_plan *p, const ecra_blob *b, const char *what,
    const char *got, const char *want)
{
	return ecra_error_set(ECRA_EINVALID,
	    "tarball '%s': layer '%s' has %s %s, but %s", p->path, b->entry,
	    what, got, want);
}

typedef struct {
	z_stream z;
	bool on;
	EVP_MD_CTX *md;
	int error;
} inflater;

static int inflate_feed(inflater *in, const unsigned char *data, size_t n)
{
	unsigned char out[READ_CHUNK];

	in->z.next_in = (unsigned char *)data;
	in->z.avail_in = (unsigned int)n;
	while (in->z.avail_in > 0) {
		int zr;

		in->z.next_out = out;
		in->z.avail_out = sizeof(out);
		zr = inflate(&in->z, Z_NO_FLUSH);
		EVP_DigestUpdate(in->md, out, sizeof(out) - in->z.avail_out);
		if (zr == Z_STREAM_END) {
			/* Another gzip member may follow. */
			if (inflateReset(&in->z) != Z_OK)
				return ECRA_ERROR;
			continue;
		}
		if (zr != Z_OK && zr != Z_BUF_ERROR)
			return ECRA_ERROR;
		if (zr == Z_BUF_ERROR && in->z.avail_in == 0)
			break;
	}
	return 0;
}

static int stage_blob(ecra_plan *p, ecra_blob *b, struct archive *a,
    ecra_gzip *gz, const ecra_xfer_options *o, ecra_stage_cb cb, void *payload)
{
	unsigned char *buf = ecra_alloc(READ_CHUNK);
	EVP_MD_CTX *md_in = EVP_MD_CTX_new(), *md_out = EVP_MD_CTX_new();
	inflater inf;
	sink sk;
	char got_in[72] = "", got_out[72];
	uint64_t done = 0, last_cb = 0;
	la_ssize_t n;
	bool gzip, zstd, plain, first = true;
	int error = 0;

	memset(&inf, 0, sizeof(inf));
	memset(&sk, 0, sizeof(sk));
	sk.fd = -1;
	if (buf == NULL || md_in == NULL || md_out == NULL ||
	    EVP_DigestInit_ex(md_in, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestInit_ex(md_out, EVP_sha256(), NULL) != 1) {
		error = ECRA_ENOMEM;
		goto done;
	}
	if ((sk.fd = temp_file(o ? o->tmpdir : NULL)) < 0) {
		error = sk.fd;
		goto done;
	}
	sk.md = md_out;
	sk.tarball = p->path;
	sk.entry = b->entry;
	n = archive_read_data(a, buf, READ_CHUNK);
	if (n < 0) {
		error = ecra_error_set(ECRA_EINVALID,
		    "tarball '%s': cannot read layer '%s': %s", p->path,
		    b->entry, archive_error_string(a));
		goto done;
	}
	gzip = n >= 2 && buf[0] == 0x1f && buf[1] == 0x8b;
	zstd = n >= 4 && buf[0] == 0x28 && buf[1] == 0xb5 && buf[2] == 0x2f &&
	       buf[3] == 0xfd;
	plain = !gzip && !zstd;
	if (plain && b->media_type != NULL &&
	    ecra_media_type_compressed(b->media_type)) {
		error = ecra_error_set(ECRA_EINVALID,
		    "tarball '%s': layer '%s' is not compressed, but its "
		    "descriptor says %s",
		    p->path, b->entry, b->media_type);
		goto done;
	}
	if (gzip) {
		inf.md = md_in;
		if (inflateInit2(&inf.z, 15 + 16) != Z_OK) {
			error = ECRA_ENOMEM;
			goto done;
		}
		inf.on = true;
	}
	if (plain && (error = ecra_gzip_begin(gz, sink_write, &sk)) < 0)
		goto done;
	while (n > 0) {
		if (cancelled(o)) {
			error = ecra_error_set(ECRA_EUSER, "cancelled");
			break;
		}
		if (plain) {
			EVP_DigestUpdate(md_in, buf, (size_t)n);
			error = ecra_gzip_write(gz, buf, (size_t)n);
		} else {
			error = sink_write(buf, (size_t)n, &sk);
			if (error == 0 && inf.on &&
			    inflate_feed(&inf, buf, (size_t)n) < 0)
				error = ecra_error_set(ECRA_EINVALID,
				    "tarball '%s': layer '%s' is not valid "
				    "gzip",
				    p->path, b->entry);
		}
		if (error < 0)
			break;
		done += (uint64_t)n;
		if (cb != NULL && (first || done - last_cb >= (8u << 20))) {
			cb(b, done, payload);
			last_cb = done;
			first = false;
		}
		n = archive_read_data(a, buf, READ_CHUNK);
		if (n < 0)
			error = ecra_error_set(ECRA_EINVALID,
			    "tarball '%s': cannot read layer '%s': %s", p->path,
			    b->entry, archive_error_string(a));
	}
	if (plain) {
		int e = ecra_gzip_end(gz);

		if (error == 0)
			error = e;
	}
	if (error < 0)
		goto done;
	if (cb != NULL)
		cb(b, done, payload);
	hex_digest(got_out, md_out);
	if (plain || inf.on)
		hex_digest(got_in, md_in);
	if (done != b->entry_size) {
		error = ecra_error_set(ECRA_EINVALID,
		    "tarball '%s': layer '%s' is truncated", p->path, b->entry);
		goto done;
	}
	/* The stored bytes: descriptor digest (OCI). */
	if (b->want[0] != '\0' &&
	    strcmp(plain ? got_in : got_out, b->want) != 0) {
		char w[128];

		snprintf(w, sizeof(w), "its descriptor says %s", b->want);
		error = mismatch(p, b, "digest", plain ? got_in : got_out, w);
		goto done;
	}
	if (b->diff_id[0] != '\0' && got_in[0] != '\0' &&
	    strcmp(got_in, b->diff_id) != 0) {
		char w[128];

		snprintf(w, sizeof(w), "the config's rootfs.diff_ids says %s",
		    b->diff_id);
		error = mismatch(p, b, "uncompressed digest", got_in, w);
		goto done;
	}
	memcpy(b->digest, got_out, sizeof(b->digest));
	b->size = sk.size;
	{
		const char *mt;

		if (plain)
			mt = b->media_type == NULL ||
			             strcmp(b->media_type,
			                 "application/vnd.docker.image.rootfs."
			                 "diff.tar") == 0
			         ? (b->media_type == NULL &&
			                       p->index_json != NULL
			                   ? MT_OCI_GZIP
			                   : ECRA_MT_DOCKER_LAYER)
			         : MT_OCI_GZIP;
		else if (b->media_type != NULL)
			mt = b->media_type;
		else
			mt = gzip ? ECRA_MT_DOCKER_LAYER : MT_OCI_ZSTD;
		if (mt != b->media_type &&
		    (error = ecra_blob_set_media_type(b, mt)) < 0)
			goto done;
	}
	b->compressed_here = plain;
	b->staged = true;
	b->fd = sk.fd;
	sk.fd = -1;
done:
	if (sk.fd >= 0)
		close(sk.fd);
	if (inf.on)
		inflateEnd(&inf.z);
	EVP_MD_CTX_free(md_in);
	EVP_MD_CTX_free(md_out);
	ecra_free(buf);
	return error;
}

int ecra_blob_set_media_type(ecra_blob *b, const char *mt)
{
	char *dup = ecra_strdup(mt);

	if (dup == NULL)
		return ECRA_ENOMEM;
	ecra_free(b->media_type);
	b->media_type = dup;
	return 0;
}

static bool wanted(const ecra_plan *p, const ecra_blob *b)
{
	return b->kind == ECRA_BLOB_LAYER && !b->staged &&
	       (!b->present || p->verify_all);
}

int ecra_plan_stage(
    ecra_plan *p, const ecra_xfer_options *o, ecra_stage_cb cb, void *payload)
{
	struct archive *a = NULL;
	struct archive_entry *ae;
	ecra_gzip *gz = NULL;
	unsigned int threads = o && o->threads ? o->threads : 0;
	size_t i, left = 0;
	int error, r;

	for (i = 0; i < p->blob_count; i++)
		left += wanted(p, &p->blobs[i]);
	if (left == 0)
		return 0;
	if (threads == 0) {
		long nc = sysconf(_SC_NPROCESSORS_ONLN);

		threads = nc < 1 ? 1 : nc > 16 ? 16 : (unsigned int)nc;
	}
	if ((error = ecra_gzip_new(&gz, threads)) < 0 ||
	    (error = ecra_registry_archive_open(&a, p->path)) < 0)
		goto done;
	while (
	    left > 0 && (r = archive_read_next_header(a, &ae)) == ARCHIVE_OK) {
		const char *raw = archive_entry_pathname(ae);
		const char *name = raw;

		if (archive_entry_filetype(ae) != AE_IFREG ||
		    archive_entry_hardlink(ae) != NULL || raw == NULL)
			continue;
		while (name[0] == '.' && name[1] == '/')
			name += 2;
		for (i = 0; i < p->blob_count; i++) {
			ecra_blob *b = &p->blobs[i];

			if (!wanted(p, b) || strcmp(b->entry, name) != 0)
				continue;
			if ((error = stage_blob(p, b, a, gz, o, cb, payload)) <
			    0)
				goto done;
			left--;
			break;
		}
	}
	if (left > 0)
		for (i = 0; i < p->blob_count; i++)
			if (wanted(p, &p->blobs[i])) {
				error = ecra_error_set(ECRA_EINVALID,
				    "tarball '%s': cannot read layer '%s'",
				    p->path, p->blobs[i].entry);
				goto done;
			}
done:
	if (a != NULL)
		archive_read_free(a);
	ecra_gzip_free(gz);
	return error;
}

/* ---------------------------------------------------------------- */

static int descriptor(
    ecra_json **out, const char *mt, uint64_t size, const char *digest)
{
	ecra_json *d = ecra_json_object();

	*out = d;
	if (d == NULL || ecra_json_set_str(d, "mediaType", mt) < 0 ||
	    ecra_json_set_new(d, "size", ecra_json_int((long long)size)) < 0 ||
	    ecra_json_set_str(d, "digest", digest) < 0)
		return ECRA_ENOMEM;
	return 0;
}

static int docker_manifest(ecra_plan *p, ecra_man *m)
{
	ecra_json *doc = ecra_json_object(), *cfg = NULL, *layers = NULL;
	ecra_blob *cb = &p->blobs[m->config];
	size_t i;
	int error = ECRA_ENOMEM;

	if (doc == NULL ||
	    ecra_json_set_new(doc, "schemaVersion", ecra_json_int(2)) < 0 ||
	    ecra_json_set_str(doc, "mediaType", ECRA_MT_DOCKER_MANIFEST) < 0 ||
	    descriptor(&cfg, ECRA_MT_DOCKER_CONFIG, cb->size, cb->digest) < 0 ||
	    ecra_json_set_new(doc, "config", cfg) < 0 ||
	    (layers = ecra_json_array()) == NULL)
		goto done;
	cfg = NULL;
	for (i = 0; i < m->layer_count; i++) {
		ecra_blob *b = &p->blobs[m->layers[i]];
		ecra_json *l = NULL;

		if (descriptor(&l, b->media_type, b->size, b->digest) < 0 ||
		    ecra_json_push_new(layers, l) < 0) {
			ecra_json_free(l);
			goto done;
		}
	}
	if (ecra_json_set_new(doc, "layers", layers) < 0)
		goto done;
	layers = NULL;
	ecra_buf_clear(&m->raw);
	if ((m->media_type = ecra_strdup(ECRA_MT_DOCKER_MANIFEST)) == NULL ||
	    (error = ecra_json_write(&m->raw, doc, 3)) < 0)
		goto done;
	ecra_registry_sha256(m->digest, m->raw.ptr, m->raw.size);
	error = 0;
done:
	ecra_json_free(cfg);
	ecra_json_free(layers);
	ecra_json_free(doc);
	return error;
}

/* An OCI manifest whose layers were compressed here gets the new
 * descriptors; returns whether it changed. */
static int rewrite_oci(ecra_plan *p, ecra_man *m, bool *changed)
{
	ecra_json *layers = ecra_json_get(m->doc, "layers");
	size_t i;
	int error;

	*changed = false;
	for (i = 0; i < m->layer_count; i++) {
		ecra_blob *b = &p->blobs[m->layers[i]];
		ecra_json *l = ecra_json_at(layers, i);

		if (!b->compressed_here)
			continue;
		if (ecra_json_set_str(l, "mediaType", b->media_type) < 0 ||
		    ecra_json_set_new(
		        l, "size", ecra_json_int((long long)b->size)) < 0 ||
		    ecra_json_set_str(l, "digest", b->digest) < 0)
			return ECRA_ENOMEM;
		*changed = true;
	}
	if (!*changed)
		return 0;
	ecra_buf_clear(&m->raw);
	if ((error = ecra_json_write(&m->raw, m->doc, 0)) < 0)
		return error;
	ecra_registry_sha256(m->digest, m->raw.ptr, m->raw.size);
	return 0;
}

int ecra_plan_finish(ecra_plan *p)
{
	ecra_json *list = ecra_json_get(p->index_doc, "manifests");
	size_t i, j;
	bool any = false;
	int error;

	for (i = 0; i < p->man_count; i++) {
		ecra_man *m = &p->mans[i];
		char old[72];
		bool changed = false;

		memcpy(old, m->digest, sizeof(old));
		if (m->docker_save) {
			if ((error = docker_manifest(p, m)) < 0)
				return error;
			continue;
		}
		if ((error = rewrite_oci(p, m, &changed)) < 0)
			return error;
		if (!changed || !p->has_index)
			continue;
		any = true;
		for (j = 0; j < ecra_json_size(list); j++) {
			ecra_json *d = ecra_json_at(list, j);
			const char *dd =
			    ecra_json_string(ecra_json_get(d, "digest"));

			if (dd == NULL || strcmp(dd, old) != 0)
				continue;
			if (ecra_json_set_str(d, "digest", m->digest) < 0 ||
			    ecra_json_set_new(d, "size",
			        ecra_json_int((long long)m->raw.size)) < 0)
				return ECRA_ENOMEM;
		}
	}
	if (any) {
		ecra_buf_clear(&p->index_raw);
		if ((error = ecra_json_write(&p->index_raw, p->index_doc, 0)) <
		    0)
			return error;
		ecra_registry_sha256(
		    p->index_digest, p->index_raw.ptr, p->index_raw.size);
	}
	return 0;
}
