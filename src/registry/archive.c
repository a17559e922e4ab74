/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * registry/archive.c - image tarballs as push plans, validated first.
 *
 * Every tarball users have is read: `docker save` (legacy manifest.json
 * + <id>/layer.tar), docker 25+ save (the same manifest.json plus an OCI
 * layout: index.json, oci-layout, blobs/sha256/<hex>), and OCI image
 * layouts (buildx --output type=oci, skopeo oci-archive:) with image
 * indexes. When index.json is there, the OCI view wins: its manifest and
 * index bytes are pushed unchanged, so digests are preserved, unless a
 * layer is stored uncompressed (docker 25 classic store), which is then
 * compressed and its manifest rewritten. Otherwise manifest.json gives a
 * docker v2 schema 2 manifest, as `docker push` makes.
 *
 * The archive is streamed, never extracted. One pass over the headers
 * (libarchive skips entry data with seeks) records every entry and keeps
 * the small JSON ones; the plan is then checked the way `docker load`
 * checks a tarball, naming the wrong entry: the config is JSON with
 * rootfs.diff_ids, there are as many layers as diff_ids, every entry
 * exists, descriptor sizes match, no name or link escapes the archive.
 * The digests of layers (stored and uncompressed) are checked while
 * staging (engine.c), still before anything is uploaded.
 */
#include "registry/engine.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/error.h"
#include "registry/registry_int.h"
#include "util/vec.h"

#define JSON_CAP   (8u * 1024 * 1024)
#define KEPT_CAP   (64u * 1024 * 1024)
#define MAX_LAYERS 4096

#define MT_OCI_LAYER      "application/vnd.oci.image.layer.v1.tar"
#define MT_DOCKER_LAYER_U "application/vnd.docker.image.rootfs.diff.tar"

typedef struct {
	char *name;
	uint64_t size;
	bool regular;
	char *link; /* resolved target (symlink or hard link) */
	ecra_buf data;
	bool kept;
} ent;

typedef struct {
	const char *path;
	ent *ents;
	size_t count, alloc;
	size_t kept_total;
	ecra_plan *plan;
} scan_ctx;

static bool is_type(const ecra_json *v, ecra_json_type t)
{
	return v != NULL && ecra_json_typeof(v) == t;
}

bool ecra_media_type_compressed(const char *mt)
{
	size_t n = mt ? strlen(mt) : 0;

	return (n > 5 && strcmp(mt + n - 5, "+gzip") == 0) ||
	       (n > 5 && strcmp(mt + n - 5, "+zstd") == 0) ||
	       (mt != NULL && strcmp(mt, ECRA_MT_DOCKER_LAYER) == 0) ||
	       (mt != NULL && strcmp(mt, "application/vnd.docker.image.rootfs."
	                                 "foreign.diff.tar.gzip") == 0);
}

int ecra_registry_archive_open(struct archive **out, const char *path)
{
	struct archive *a;
	int error;

	*out = NULL;
	if ((error = ecra_registry_archive_ready()) < 0)
		return error;
	if ((a = archive_read_new()) == NULL)
		return ECRA_ENOMEM;
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, path, 256 * 1024) != ARCHIVE_OK) {
		error = ecra_error_set(ECRA_EIO, "cannot read tarball '%s': %s",
		    path, archive_error_string(a));
		archive_read_free(a);
		return error;
	}
	*out = a;
	return 0;
}

/* Normalise an entry name: drop "./" and empty components; NULL with an
 * error when it is absolute or has a ".." component. */
static char *normalise(const char *tarball, const char *name)
{
	ecra_buf out = ECRA_BUF_INIT(0);
	const char *p = name;

	if (name[0] == '/') {
		ecra_error_set(ECRA_EINVALID,
		    "tarball '%s': entry '%s' has an absolute path", tarball,
		    name);
		return NULL;
	}
	while (*p != '\0') {
		const char *end = strchr(p, '/');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n == 2 && p[0] == '.' && p[1] == '.') {
			ecra_buf_dispose(&out);
			ecra_error_set(ECRA_EINVALID,
			    "tarball '%s': entry '%s' escapes the archive "
			    "(path traversal)",
			    tarball, name);
			return NULL;
		}
		if (n > 0 && !(n == 1 && p[0] == '.')) {
			if ((out.size > 0 && ecra_buf_putc(&out, '/') < 0) ||
			    ecra_buf_put(&out, p, n) < 0) {
				ecra_buf_dispose(&out);
				return NULL;
			}
		}
		p += n;
		if (*p == '/')
			p++;
	}
	if (out.ptr == NULL)
		return ecra_strdup("");
	return ecra_buf_detach(&out);
}

/* A symlink target, relative to the link's directory, as an archive
 * name; an error if it leaves the archive. */
static char *resolve_symlink(
    const char *tarball, const char *at, const char *target)
{
	ecra_strvec parts = ECRA_STRVEC_INIT;
	ecra_buf joined = ECRA_BUF_INIT(0), out = ECRA_BUF_INIT(0);
	const char *slash = strrchr(at, '/');
	char *res = NULL, *tmp = NULL, *p, *save = NULL, *tok;
	size_t i;

	if (target[0] == '/') {
		ecra_error_set(ECRA_EINVALID,
		    "tarball '%s': link '%s' points outside the archive ('%s')",
		    tarball, at, target);
		return NULL;
	}
	if ((slash != NULL &&
	        ecra_buf_put(&joined, at, (size_t)(slash - at + 1)) < 0) ||
	    ecra_buf_puts(&joined, target) < 0 ||
	    (tmp = ecra_buf_detach(&joined)) == NULL)
		goto done;
	for (p = tmp; (tok = strtok_r(p, "/", &save)) != NULL; p = NULL) {
		if (strcmp(tok, ".") == 0)
			continue;
		if (strcmp(tok, "..") == 0) {
			if (parts.count == 0) {
				ecra_error_set(ECRA_EINVALID,
				    "tarball '%s': link '%s' points outside "
				    "the archive ('%s')",
				    tarball, at, target);
				goto done;
			}
			ecra_free(parts.items[--parts.count]);
			parts.items[parts.count] = NULL;
			continue;
		}
		if (ecra_strvec_push(&parts, tok) < 0)
			goto done;
	}
	for (i = 0; i < parts.count; i++)
		if (ecra_buf_printf(
		        &out, "%s%s", i ? "/" : "", parts.items[i]) < 0)
			goto done;
	res = out.ptr ? ecra_buf_detach(&out) : ecra_strdup("");
done:
	ecra_free(tmp);
	ecra_strvec_dispose(&parts);
	ecra_buf_dispose(&out);
	ecra_buf_dispose(&joined);
	return res;
}

static int read_err(scan_ctx *c, struct archive *a)
{
	return ecra_error_set(ECRA_EINVALID, "cannot read tarball '%s': %s",
	    c->path, archive_error_string(a));
}

/* Keep a small regular entry that looks like JSON. */
static int keep(scan_ctx *c, struct archive *a, ent *e)
{
	char buf[65536];
	la_ssize_t n;
	size_t i;

	if (e->size > JSON_CAP || c->kept_total + e->size > KEPT_CAP)
		return 0;
	n = archive_read_data(a, buf, sizeof(buf));
	if (n < 0)
		return read_err(c, a);
	for (i = 0; i < (size_t)n && strchr(" \t\r\n", buf[i]); i++)
		;
	if (i == (size_t)n || (buf[i] != '{' && buf[i] != '['))
		return 0;
	e->data.limit = JSON_CAP;
	do {
		if (ecra_buf_put(&e->data, buf, (size_t)n) < 0)
			return ECRA_ENOMEM;
	} while ((n = archive_read_data(a, buf, sizeof(buf))) > 0);
	if (n < 0)
		return read_err(c, a);
	e->kept = true;
	c->kept_total += e->data.size;
	return 0;
}

static int scan(scan_ctx *c)
{
	struct archive *a = NULL;
	struct archive_entry *ae;
	int error, r;

	if ((error = ecra_registry_archive_open(&a, c->path)) < 0)
		return error;
	while ((r = archive_read_next_header(a, &ae)) == ARCHIVE_OK) {
		const char *raw = archive_entry_pathname(ae);
		const char *sym = archive_entry_symlink(ae);
		const char *hard = archive_entry_hardlink(ae);
		ent *e;

		if (raw == NULL) {
			error = ecra_error_set(ECRA_EINVALID,
			    "tarball '%s': an entry has no name", c->path);
			goto done;
		}
		if (c->count == c->alloc) {
			size_t na = c->alloc ? 2 * c->alloc : 64;
			ent *ne;

			if (na > 1000000) {
				error = ecra_error_set(ECRA_EINVALID,
				    "tarball '%s' has too many entries",
				    c->path);
				goto done;
			}
			if ((ne = ecra_realloc(c->ents, na * sizeof(ent))) ==
			    NULL) {
				error = ECRA_ENOMEM;
				goto done;
			}
			c->ents = ne;
			c->alloc = na;
		}
		e = &c->ents[c->count];
		memset(e, 0, sizeof(*e));
		if ((e->name = normalise(c->path, raw)) == NULL) {
			error = ecra_error_last()->code
			            ? ecra_error_last()->code
			            : ECRA_ENOMEM;
			goto done;
		}
		c->count++;
		if (hard != NULL) {
			if ((e->link = normalise(c->path, hard)) == NULL) {
				error = ECRA_EINVALID;
				goto done;
			}
		} else if (sym != NULL) {
			if ((e->link = resolve_symlink(
			         c->path, e->name, sym)) == NULL) {
				error = ECRA_EINVALID;
				goto done;
			}
		} else if (archive_entry_filetype(ae) == AE_IFREG) {
			la_int64_t sz = archive_entry_size(ae);

			e->regular = true;
			e->size = sz > 0 ? (uint64_t)sz : 0;
			if ((error = keep(c, a, e)) < 0)
				goto done;
		}
	}
	if (r != ARCHIVE_EOF)
		error = read_err(c, a);
done:
	archive_read_free(a);
	return error;
}

/* The regular entry `name` names, links followed. */
static ent *find(scan_ctx *c, const char *name)
{
	int hops;
	size_t i;

	for (hops = 0; hops < 16; hops++) {
		ent *hit = NULL;

		for (i = c->count; i-- > 0;)
			if (strcmp(c->ents[i].name, name) == 0) {
				hit = &c->ents[i];
				break;
			}
		if (hit == NULL)
			return NULL;
		if (hit->link == NULL)
			return hit->regular ? hit : NULL;
		name = hit->link;
	}
	return NULL;
}

static bool valid_digest(const char *d)
{
	size_t i;

	if (d == NULL || strncmp(d, "sha256:", 7) != 0 || strlen(d) != 71)
		return false;
	for (i = 7; i < 71; i++)
		if (!((d[i] >= '0' && d[i] <= '9') ||
		        (d[i] >= 'a' && d[i] <= 'f')))
			return false;
	return true;
}

static int add_blob(scan_ctx *c, ecra_blob_kind kind, ent *e, size_t *out)
{
	ecra_plan *p = c->plan;
	ecra_blob *nb, *b;
	size_t i;

	for (i = 0; i < p->blob_count; i++)
		if (p->blobs[i].kind == kind &&
		    strcmp(p->blobs[i].entry, e->name) == 0) {
			*out = i;
			return 0;
		}
	if ((nb = ecra_realloc(
	         p->blobs, (p->blob_count + 1) * sizeof(ecra_blob))) == NULL)
		return ECRA_ENOMEM;
	p->blobs = nb;
	b = &p->blobs[p->blob_count];
	memset(b, 0, sizeof(*b));
	b->kind = kind;
	b->fd = -1;
	b->entry_size = e->size;
	b->data.limit = JSON_CAP;
	if ((b->entry = ecra_strdup(e->name)) == NULL)
		return ECRA_ENOMEM;
	if (kind == ECRA_BLOB_CONFIG &&
	    ecra_buf_put(
	        &b->data, e->data.ptr ? e->data.ptr : "", e->data.size) < 0) {
		ecra_free(b->entry);
		return ECRA_ENOMEM;
	}
	*out = p->blob_count++;
	return 0;
}

static ecra_man *add_man(ecra_plan *p)
{
	ecra_man *nm;

	if ((nm = ecra_realloc(p->mans, (p->man_count + 1) * sizeof(*nm))) ==
	    NULL)
		return NULL;
	p->mans = nm;
	memset(&nm[p->man_count], 0, sizeof(*nm));
	return &nm[p->man_count++];
}

/* Check a config's JSON; *diff_ids borrows its rootfs.diff_ids. */
static int check_config(scan_ctx *c, const char *entry, ecra_buf *data,
    ecra_json **doc, ecra_json **diff_ids)
{
	ecra_json *rootfs;
	size_t i;

	if (ecra_json_parse(
	        doc, data->ptr ? data->ptr : "", data->size, entry, 0) < 0)
		return ecra_error_set(ECRA_EINVALID,
		    "tarball '%s': config '%s' is not JSON", c->path, entry);
	rootfs = ecra_json_get(*doc, "rootfs");
	*diff_ids = ecra_json_get(rootfs, "diff_ids");
	if (!is_type(*doc, ECRA_JSON_OBJECT) ||
	    !is_type(rootfs, ECRA_JSON_OBJECT) ||
	    !is_type(*diff_ids, ECRA_JSON_ARRAY))
		return ecra_error_set(ECRA_EINVALID,
		    "tarball '%s': config '%s' has no rootfs.diff_ids", c->path,
		    entry);
	for (i = 0; i < ecra_json_size(*diff_ids); i++)
		if (!valid_digest(ecra_json_string(ecra_json_at(*diff_ids, i))))
			return ecra_error_set(ECRA_EINVALID,
			    "tarball '%s': config '%s': rootfs.diff_ids[%zu] "
			    "is not a sha256 digest",
			    c->path, entry, i);
	return 0;
}

static int need(scan_ctx *c, const char *name, const char *what, ent **out)
{
	*out = find(c, name);
	if (*out == NULL)
		return ecra_error_set(ECRA_EINVALID,
		    "tarball '%s' lacks the %s '%s'", c->path, what, name);
	return 0;
}

/* ---------------------------------------------------------------- */
/* docker save (manifest.json)                                        */

static int list_names(
    scan_ctx *c, ecra_buf *b, const ecra_json *arr, const char *key)
{
	size_t i, j;

	(void)c;
	for (i = 0; i < ecra_json_size(arr); i++) {
		ecra_json *tags = ecra_json_get(ecra_json_at(arr, i), key);

		for (j = 0; j < ecra_json_size(tags); j++)
			if (ecra_buf_printf(b, "%s'%s'", b->size ? ", " : "",
			        ecra_json_string(ecra_json_at(tags, j))
			            ? ecra_json_string(ecra_json_at(tags, j))
			            : "?") < 0)
				return ECRA_ENOMEM;
		if (ecra_json_size(tags) == 0 &&
		    ecra_buf_printf(
		        b, "%s(untagged #%zu)", b->size ? ", " : "", i + 1) < 0)
			return ECRA_ENOMEM;
	}
	return 0;
}

static int load_docker_save(scan_ctx *c, ent *mj, const char *image)
{
	ecra_json *list = NULL, *img = NULL, *cfgdoc = NULL, *diff_ids, *layers;
	ecra_buf names = ECRA_BUF_INIT(0);
	ecra_man *m;
	ent *e;
	size_t i, j;
	int error;

	if (ecra_json_parse(&list, mj->data.ptr ? mj->data.ptr : "",
	        mj->data.size, "manifest.json", 0) < 0 ||
	    !is_type(list, ECRA_JSON_ARRAY)) {
		error = ecra_error_set(ECRA_EINVALID,
		    "tarball '%s': manifest.json is not a JSON array", c->path);
		goto done;
	}
	if (ecra_json_size(list) == 0) {
		error = ecra_error_set(ECRA_EINVALID,
		    "tarball '%s': manifest.json lists no image", c->path);
		goto done;
	}
	for (i = 0; image != NULL && img == NULL && i < ecra_json_size(list);
	     i++) {
		ecra_json *tags =
		    ecra_json_get(ecra_json_at(list, i), "RepoTags");

		for (j = 0; j < ecra_json_size(tags); j++) {
			const char *t = ecra_json_string(ecra_json_at(tags, j));

			if (t != NULL && strcmp(t, image) == 0)
				img = ecra_json_at(list, i);
		}
	}
	if (img == NULL && (image != NULL || ecra_json_size(list) > 1)) {
		if ((error = list_names(c, &names, list, "RepoTags")) < 0)
			goto done;
		error =
		    image != NULL
		        ? ecra_error_set(ECRA_ENOTFOUND,
		              "tarball '%s' has no image '%s' (it has %s)",
		              c->path, image, names.ptr)
		        : ecra_error_set(ECRA_EINVALID,
		              "tarball '%s' holds %zu images (%s): name the "
		              "one to push",
		              c->path, ecra_json_size(list), names.ptr);
		goto done;
	}
	if (img == NULL)
		img = ecra_json_at(list, 0);
	layers = ecra_json_get(img, "Layers");
	if (ecra_json_string(ecra_json_get(img, "Config")) == NULL ||
	    !is_type(layers, ECRA_JSON_ARRAY)) {
		error = ecra_error_set(ECRA_EINVALID,
		    "tarball '%s': manifest.json entry lacks Config or Layers",
		    c->path);
		goto done;
	}
	if ((m = add_man(c->plan)) == NULL) {
		error = ECRA_ENOMEM;
		goto done;
	}
	m->docker_save = true;
	{
		char *cname = normalise(
		    c->path, ecra_json_string(ecra_json_get(img, "Config")));

		if (cname == NULL) {
			error = ECRA_EINVALID;
			goto done;
		}
		error = need(c, cname, "config", &e);
		ecra_free(cname);
		if (error < 0)
			goto done;
	}
	if (!e->kept) {
		error = ecra_error_set(ECRA_EINVALID,
		    "tarball '%s': config '%s' is not JSON (or over 8 MiB)",
		    c->path, e->name);
		goto done;
	}
	if ((error = check_config(c, e->name, &e->data, &cfgdoc, &diff_ids)) <
	        0 ||
	    (error = add_blob(c, ECRA_BLOB_CONFIG, e, &m->config)) < 0)
		goto done;
	if (ecra_json_size(layers) != ecra_json_size(diff_ids)) {
		error = ecra_error_set(ECRA_EINVALID,
		    "tarball '%s': manifest.json lists %zu layers but config "
		    "'%s' has %zu rootfs.diff_ids",
		    c->path, ecra_json_size(layers), e->name,
		    ecra_json_size(diff_ids));
		goto done;
	}
	if (ecra_json_size(layers) > MAX_LAYERS) {
		error = ecra_error_set(ECRA_EINVALID,
		    "tarball '%s': more than %d layers", c->path, MAX_LAYERS);
		goto done;
	}
	m->layer_count = ecra_json_size(layers);
	if (m->layer_count > 0 &&
	    (m->layers = ecra_calloc(m->layer_count, sizeof(size_t))) == NULL) {
		error = ECRA_ENOMEM;
		goto done;
	}
	for (i = 0; i < m->layer_count; i++) {
		const char *lp = ecra_json_string(ecra_json_at(layers, i));
		char *ln;
		ecra_blob *b;

		if (lp == NULL) {
			error = ecra_error_set(ECRA_EINVALID,
			    "tarball '%s': manifest.json: Layers[%zu] is not a "
			    "string",
			    c->path, i);
			goto done;
		}
		if ((ln = normalise(c->path, lp)) == NULL) {
			error = ECRA_EINVALID;
			goto done;
		}
		error = need(c, ln, "layer", &e);
		ecra_free(ln);
		if (error < 0)
			goto done;
		if (e->size == 0) {
			error = ecra_error_set(ECRA_EINVALID,
			    "tarball '%s': layer '%s' is empty", c->path,
			    e->name);
			goto done;
		}
		if ((error = add_blob(c, ECRA_BLOB_LAYER, e, &m->layers[i])) <
		    0)
			goto done;
		b = &c->plan->blobs[m->layers[i]];
		if (b->diff_id[0] != '\0' &&
		    strcmp(b->diff_id,
		        ecra_json_string(ecra_json_at(diff_ids, i))) != 0) {
			error = ecra_error_set(ECRA_EINVALID,
			    "tarball '%s': layer '%s' is listed for two "
			    "different rootfs.diff_ids",
			    c->path, e->name);
			goto done;
		}
		snprintf(b->diff_id, sizeof(b->diff_id), "%s",
		    ecra_json_string(ecra_json_at(diff_ids, i)));
	}
done:
	ecra_json_free(cfgdoc);
	ecra_json_free(list);
	ecra_buf_dispose(&names);
	return error;
}

/* ---------------------------------------------------------------- */
/* OCI layout (index.json)                                            */

static int blob_entry(scan_ctx *c, const ecra_json *desc, const char *what,
    ent **out, const char **digest_out)
{
	const char *d = ecra_json_string(ecra_json_get(desc, "digest"));
	ecra_json *sz = ecra_json_get(desc, "size");
	char name[96];
	int error;

	if (!valid_digest(d))
		return ecra_error_set(ECRA_EINVALID,
		    "tarball '%s': a %s descriptor has no valid sha256 digest",
		    c->path, what);
	snprintf(name, sizeof(name), "blobs/sha256/%s", d + 7);
	if ((error = need(c, name, what, out)) < 0)
		return error;
	if (!ecra_json_is_number(sz) || ecra_json_integer(sz) < 0 ||
	    (uint64_t)ecra_json_integer(sz) != (*out)->size)
		return ecra_error_set(ECRA_EINVALID,
		    "tarball '%s': %s '%s' is %llu bytes but its descriptor "
		    "says %lld",
		    c->path, what, name, (unsigned long long)(*out)->size,
		    ecra_json_is_number(sz) ? ecra_json_integer(sz) : -1LL);
	*digest_out = d;
	return 0;
}

/* The JSON of a kept blob whose digest is checked. */
static int json_blob(scan_ctx *c, const ecra_json *desc, const char *what,
    ent **e, ecra_json **doc)
{
	const char *d;
	char got[72];
	int error;

	if ((error = blob_entry(c, desc, what, e, &d)) < 0)
		return error;
	if (!(*e)->kept)
		return ecra_error_set(ECRA_EINVALID,
		    "tarball '%s': %s '%s' is not JSON (or over 8 MiB)",
		    c->path, what, (*e)->name);
	ecra_registry_sha256(got, (*e)->data.ptr, (*e)->data.size);
	if (strcmp(got, d) != 0)
		return ecra_error_set(ECRA_EINVALID,
		    "tarball '%s': %s '%s' has digest %s, not %s", c->path,
		    what, (*e)->name, got, d);
	if (ecra_json_parse(
	        doc, (*e)->data.ptr, (*e)->data.size, (*e)->name, 0) < 0 ||
	    !is_type(*doc, ECRA_JSON_OBJECT))
		return ecra_error_set(ECRA_EINVALID,
		    "tarball '%s': %s '%s' is not a JSON object", c->path, what,
		    (*e)->name);
	return 0;
}

static bool is_index_mt(const char *mt)
{
	return mt != NULL && (strcmp(mt, ECRA_MT_OCI_INDEX) == 0 ||
	                         strcmp(mt, ECRA_MT_DOCKER_LIST) == 0);
}

static int load_oci_manifest(
    scan_ctx *c, const ecra_json *desc, ecra_json *platform)
{
	ecra_json *doc = NULL, *cfgdoc = NULL, *diff_ids, *layers;
	ecra_man *m;
	ent *e, *ce;
	const char *d, *mt;
	size_t i;
	int error;

	if ((error = json_blob(c, desc, "manifest", &e, &doc)) < 0)
		goto done;
	if ((m = add_man(c->plan)) == NULL) {
		error = ECRA_ENOMEM;
		goto done;
	}
	m->doc = doc;
	m->platform = platform;
	mt = ecra_json_string(ecra_json_get(doc, "mediaType"));
	if (mt == NULL)
		mt = ecra_json_string(ecra_json_get(desc, "mediaType"));
	if ((m->media_type = ecra_strdup(mt ? mt : ECRA_MT_OCI_MANIFEST)) ==
	        NULL ||
	    ecra_buf_put(&m->raw, e->data.ptr, e->data.size) < 0) {
		error = ECRA_ENOMEM;
		goto done;
	}
	ecra_registry_sha256(m->digest, e->data.ptr, e->data.size);
	if ((error = json_blob(
	         c, ecra_json_get(doc, "config"), "config", &ce, &cfgdoc)) < 0)
		goto done;
	ecra_json_free(cfgdoc);
	cfgdoc = NULL;
	if ((error = check_config(c, ce->name, &ce->data, &cfgdoc, &diff_ids)) <
	        0 ||
	    (error = add_blob(c, ECRA_BLOB_CONFIG, ce, &m->config)) < 0)
		goto done;
	snprintf(c->plan->blobs[m->config].want, 72, "%s",
	    ecra_json_string(
	        ecra_json_get(ecra_json_get(doc, "config"), "digest")));
	layers = ecra_json_get(doc, "layers");
	if (!is_type(layers, ECRA_JSON_ARRAY) ||
	    ecra_json_size(layers) != ecra_json_size(diff_ids)) {
		error = ecra_error_set(ECRA_EINVALID,
		    "tarball '%s': manifest '%s' lists %zu layers but config "
		    "'%s' has %zu rootfs.diff_ids",
		    c->path, e->name, ecra_json_size(layers), ce->name,
		    ecra_json_size(diff_ids));
		goto done;
	}
	m->layer_count = ecra_json_size(layers);
	if (m->layer_count > MAX_LAYERS ||
	    (m->layer_count > 0 && (m->layers = ecra_calloc(m->layer_count,
	                                sizeof(size_t))) == NULL)) {
		error = m->layer_count > MAX_LAYERS
		            ? ecra_error_set(ECRA_EINVALID,
		                  "tarball '%s': more than %d layers", c->path,
		                  MAX_LAYERS)
		            : ECRA_ENOMEM;
		goto done;
	}
	for (i = 0; i < m->layer_count; i++) {
		ecra_json *ld = ecra_json_at(layers, i);
		const char *lmt =
		    ecra_json_string(ecra_json_get(ld, "mediaType"));
		ecra_blob *b;
		ent *le;

		if ((error = blob_entry(c, ld, "layer", &le, &d)) < 0 ||
		    (error = add_blob(c, ECRA_BLOB_LAYER, le, &m->layers[i])) <
		        0)
			goto done;
		b = &c->plan->blobs[m->layers[i]];
		snprintf(b->want, sizeof(b->want), "%s", d);
		snprintf(b->diff_id, sizeof(b->diff_id), "%s",
		    ecra_json_string(ecra_json_at(diff_ids, i)));
		if (b->media_type == NULL &&
		    (b->media_type = ecra_strdup(lmt ? lmt : MT_OCI_LAYER)) ==
		        NULL) {
			error = ECRA_ENOMEM;
			goto done;
		}
	}
	doc = NULL; /* owned by m */
done:
	if (doc != NULL &&
	    (c->plan->man_count == 0 ||
	        c->plan->mans[c->plan->man_count - 1].doc != doc))
		ecra_json_free(doc);
	ecra_json_free(cfgdoc);
	return error;
}

/* The ref name of an index.json descriptor, or NULL. */
static const char *ref_name(const ecra_json *desc)
{
	ecra_json *ann = ecra_json_get(desc, "annotations");
	const char *n =
	    ecra_json_string(ecra_json_get(ann, "io.containerd.image.name"));

	return n ? n
	         : ecra_json_string(
	               ecra_json_get(ann, "org.opencontainers.image.ref.name"));
}

static bool ref_matches(const ecra_json *desc, const char *image)
{
	ecra_json *ann = ecra_json_get(desc, "annotations");
	const char *a = ecra_json_string(
	    ecra_json_get(ann, "org.opencontainers.image.ref.name"));
	const char *b =
	    ecra_json_string(ecra_json_get(ann, "io.containerd.image.name"));
	char full[512];

	if ((a != NULL && strcmp(a, image) == 0) ||
	    (b != NULL && strcmp(b, image) == 0))
		return true;
	if (b == NULL)
		return false;
	snprintf(full, sizeof(full), "docker.io/%s%s",
	    strchr(image, '/') ? "" : "library/", image);
	return strcmp(b, full) == 0;
}

bool ecra_platform_matches(const ecra_json *pf, const char *want)
{
	char buf[256];
	const char *os = ecra_json_string(ecra_json_get(pf, "os"));
	const char *arch = ecra_json_string(ecra_json_get(pf, "architecture"));
	const char *var = ecra_json_string(ecra_json_get(pf, "variant"));

	if (os == NULL || arch == NULL)
		return false;
	snprintf(buf, sizeof(buf), "%s/%s", os, arch);
	if (strcmp(buf, want) == 0)
		return true;
	if (var == NULL)
		return false;
	snprintf(buf, sizeof(buf), "%s/%s/%s", os, arch, var);
	return strcmp(buf, want) == 0;
}

/* Load an index's children (all, or the one of `platform`). */
static int load_children(scan_ctx *c, ecra_json *index, const char *platform)
{
	ecra_json *list = ecra_json_get(index, "manifests");
	size_t i, picked = 0;
	int error;

	if (!is_type(list, ECRA_JSON_ARRAY) || ecra_json_size(list) == 0)
		return ecra_error_set(ECRA_EINVALID,
		    "tarball '%s': an image index lists no manifest", c->path);
	for (i = 0; i < ecra_json_size(list); i++) {
		ecra_json *d = ecra_json_at(list, i);
		ecra_json *pf = ecra_json_get(d, "platform");

		if (is_index_mt(
		        ecra_json_string(ecra_json_get(d, "mediaType"))))
			return ecra_error_set(ECRA_EUNSUPPORTED,
			    "tarball '%s': nested image indexes are not "
			    "supported",
			    c->path);
		if (platform != NULL && !ecra_platform_matches(pf, platform))
			continue;
		if ((error = load_oci_manifest(c, d, pf)) < 0)
			return error;
		picked++;
	}
	if (picked == 0)
		return ecra_error_set(ECRA_ENOTFOUND,
		    "tarball '%s' has no image for platform '%s'", c->path,
		    platform);
	return 0;
}

static int load_oci(
    scan_ctx *c, ent *ij, const char *image, const char *platform)
{
	ecra_plan *p = c->plan;
	ecra_json *list, *top = NULL;
	ecra_buf names = ECRA_BUF_INIT(0);
	const char *first = NULL;
	size_t i, n, named = 0, distinct = 0;
	int error = 0;

	if (ecra_json_parse(&p->index_json, ij->data.ptr ? ij->data.ptr : "",
	        ij->data.size, "index.json", 0) < 0 ||
	    !is_type(p->index_json, ECRA_JSON_OBJECT))
		return ecra_error_set(ECRA_EINVALID,
		    "tarball '%s': index.json is not a JSON object", c->path);
	list = ecra_json_get(p->index_json, "manifests");
	n = ecra_json_size(list);
	if (!is_type(list, ECRA_JSON_ARRAY) || n == 0)
		return ecra_error_set(ECRA_EINVALID,
		    "tarball '%s': index.json lists no manifest", c->path);
	for (i = 0; i < n; i++) {
		const char *r = ref_name(ecra_json_at(list, i));

		if (r == NULL)
			continue;
		named++;
		if (first == NULL || strcmp(first, r) != 0)
			distinct += first == NULL || strcmp(first, r) != 0;
		if (first == NULL)
			first = r;
		if (ecra_buf_printf(
		        &names, "%s'%s'", names.size ? ", " : "", r) < 0) {
			error = ECRA_ENOMEM;
			goto done;
		}
	}
	if (image != NULL) {
		for (i = 0; i < n && top == NULL; i++)
			if (ref_matches(ecra_json_at(list, i), image))
				top = ecra_json_at(list, i);
		if (top == NULL) {
			error = ecra_error_set(ECRA_ENOTFOUND,
			    "tarball '%s' has no image '%s' (it has %s)",
			    c->path, image,
			    names.size ? names.ptr : "no names");
			goto done;
		}
	} else if (n == 1) {
		top = ecra_json_at(list, 0);
	} else if (distinct > 1 || (named > 0 && named < n)) {
		error = ecra_error_set(ECRA_EINVALID,
		    "tarball '%s' holds %zu images (%s): name the one to push",
		    c->path, n, names.size ? names.ptr : "unnamed");
		goto done;
	}
	if (top == NULL) {
		/* index.json itself is the (multi-platform) index. */
		if (platform == NULL) {
			p->has_index = true;
			if (ecra_buf_put(&p->index_raw, ij->data.ptr,
			        ij->data.size) < 0 ||
			    (p->index_media_type =
			            ecra_strdup(ECRA_MT_OCI_INDEX)) == NULL) {
				error = ECRA_ENOMEM;
				goto done;
			}
			p->index_doc = ecra_json_ref(p->index_json);
		}
		error = load_children(c, p->index_json, platform);
		goto done;
	}
	if (is_index_mt(ecra_json_string(ecra_json_get(top, "mediaType")))) {
		ecra_json *idx = NULL;
		ent *e;

		if ((error = json_blob(c, top, "index", &e, &idx)) < 0) {
			ecra_json_free(idx);
			goto done;
		}
		if (platform == NULL) {
			const char *mt =
			    ecra_json_string(ecra_json_get(top, "mediaType"));

			p->has_index = true;
			p->index_doc = idx;
			if (ecra_buf_put(
			        &p->index_raw, e->data.ptr, e->data.size) < 0 ||
			    (p->index_media_type = ecra_strdup(mt)) == NULL) {
				error = ECRA_ENOMEM;
				goto done;
			}
			error = load_children(c, idx, NULL);
		} else {
			error = load_children(c, idx, platform);
			/* children borrow platform objects from idx */
			if (error == 0)
				p->index_doc = idx;
			else
				ecra_json_free(idx);
		}
		goto done;
	}
	error = load_oci_manifest(c, top, NULL);
done:
	if (error == 0 && p->has_index)
		ecra_registry_sha256(
		    p->index_digest, p->index_raw.ptr, p->index_raw.size);
	ecra_buf_dispose(&names);
	return error;
}

int ecra_plan_load(
    ecra_plan *plan, const char *path, const char *image, const char *platform)
{
	scan_ctx c;
	ent *ij, *mj;
	size_t i;
	int error;

	memset(plan, 0, sizeof(*plan));
	memset(&c, 0, sizeof(c));
	c.path = path;
	c.plan = plan;
	if ((plan->path = ecra_strdup(path)) == NULL)
		return ECRA_ENOMEM;
	if ((error = scan(&c)) < 0)
		goto done;
	ij = find(&c, "index.json");
	mj = find(&c, "manifest.json");
	if (ij != NULL && ij->kept)
		error = load_oci(&c, ij, image, platform);
	else if (mj != NULL && mj->kept)
		error = load_docker_save(&c, mj, image);
	else
		error = ecra_error_set(ECRA_EINVALID,
		    "'%s' is not an image tarball (no manifest.json or "
		    "index.json)",
		    path);
done:
	for (i = 0; i < c.count; i++) {
		ecra_free(c.ents[i].name);
		ecra_free(c.ents[i].link);
		ecra_buf_dispose(&c.ents[i].data);
	}
	ecra_free(c.ents);
	if (error < 0)
		ecra_plan_dispose(plan);
	return error;
}

void ecra_plan_dispose(ecra_plan *plan)
{
	size_t i;

	for (i = 0; i < plan->blob_count; i++) {
		ecra_blob *b = &plan->blobs[i];

		ecra_free(b->entry);
		ecra_free(b->media_type);
		ecra_free(b->mount_from);
		ecra_buf_dispose(&b->data);
		if (b->fd >= 0)
			close(b->fd);
	}
	for (i = 0; i < plan->man_count; i++) {
		ecra_buf_dispose(&plan->mans[i].raw);
		ecra_free(plan->mans[i].media_type);
		ecra_free(plan->mans[i].layers);
		ecra_json_free(plan->mans[i].doc);
	}
	ecra_free(plan->blobs);
	ecra_free(plan->mans);
	ecra_free(plan->path);
	ecra_buf_dispose(&plan->index_raw);
	ecra_json_free(plan->index_doc);
	ecra_json_free(plan->index_json);
	ecra_free(plan->index_media_type);
	memset(plan, 0, sizeof(*plan));
}
